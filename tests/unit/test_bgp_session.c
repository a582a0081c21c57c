/*
 * Two bgp/ speakers in one process over loopback (127.0.0.1 <-> 127.0.0.2,
 * an unprivileged port): FSM to Established, hold time negotiation, route
 * exchange with the FIB callback, immediate teardown with Cease, and the
 * prefix limit. "cgw" (AS 65000) is passive; "vgw" (AS 64512) connects.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include <event2/event.h>

#include "bgp/bgp.h"
#include "lib/log.h"

struct side {
	struct bgp_ctx		*ctx;
	struct bgp_peer		*peer;
	int			 fib_calls;
	struct cgw_prefix	 last_prefix;
	size_t			 last_n;
	struct cgw_addr		 last_gw;
	int			 established;
};

struct fx {
	struct event_base	*base;
	struct side		 cgw, vgw;
	uint16_t		 port;
};

static int
fib_cb(void *arg, const struct cgw_prefix *p, struct bgp_nexthop *nhs,
    size_t n, bool in_kernel)
{
	struct side *s = arg;

	(void)in_kernel;
	s->fib_calls++;
	s->last_prefix = *p;
	s->last_n = n;
	if (n > 0)
		s->last_gw = nhs[0].gateway;
	/* A kernel that takes everything. */
	while (n-- > 0)
		nhs[n].installed = true;
	return 0;
}

static void
state_cb(void *arg, struct bgp_peer *p, enum bgp_state old,
    enum bgp_state new_state)
{
	struct side *s = arg;

	(void)p;
	(void)old;
	if (new_state == BGP_ST_ESTABLISHED)
		s->established++;
}

static struct cgw_prefix
pfx(const char *s)
{
	struct cgw_prefix p;

	assert_true(prefix_parse(s, &p));
	return p;
}

static void
mkside(struct fx *f, struct side *s, uint32_t asn, const char *id,
    const char *name, const char *local, const char *remote,
    uint32_t remote_as, bool passive, uint16_t hold, uint32_t max)
{
	struct bgp_callbacks cb = { fib_cb, state_cb, NULL };
	struct bgp_peer_conf c;
	struct in_addr rid;

	inet_pton(AF_INET, id, &rid);
	s->ctx = bgp_new(f->base, asn, rid, &cb, s);
	assert_non_null(s->ctx);
	assert_int_equal(bgp_set_port(s->ctx, f->port), 0);
	bgp_peer_conf_defaults(&c);
	snprintf(c.name, sizeof(c.name), "%s", name);
	assert_true(addr_parse(local, &c.local));
	assert_true(addr_parse(remote, &c.remote));
	c.remote_asn = remote_as;
	c.passive = passive;
	c.hold_time = hold;
	c.connect_retry = 1;
	c.max_prefixes = max;
	s->peer = bgp_peer_add(s->ctx, &c);
	assert_non_null(s->peer);
}

/* Run the loop until cond holds or ~5 s pass. */
static bool
run_until(struct fx *f, bool (*cond)(struct fx *))
{
	struct timeval tv = { 0, 20000 };
	int i;

	for (i = 0; i < 250; i++) {
		if (cond(f))
			return true;
		event_base_loopexit(f->base, &tv);
		event_base_dispatch(f->base);
	}
	return cond(f);
}

static bool
both_established(struct fx *f)
{
	struct bgp_peer_status a, b;

	bgp_peer_status(f->cgw.peer, &a);
	bgp_peer_status(f->vgw.peer, &b);
	return a.state == BGP_ST_ESTABLISHED && b.state == BGP_ST_ESTABLISHED;
}

static bool
routes_exchanged(struct fx *f)
{
	return f->cgw.fib_calls > 0 && f->vgw.fib_calls > 0;
}

static bool
cgw_limit_hit(struct fx *f)
{
	struct bgp_peer_status a;

	bgp_peer_status(f->cgw.peer, &a);
	return a.state == BGP_ST_IDLE &&
	    strncmp(a.last_error, "more than", 9) == 0;
}

static bool
vgw_not_established(struct fx *f)
{
	struct bgp_peer_status b;

	bgp_peer_status(f->vgw.peer, &b);
	return b.state != BGP_ST_ESTABLISHED;
}

static bool
vgw_has_error(struct fx *f)
{
	struct bgp_peer_status b;

	bgp_peer_status(f->vgw.peer, &b);
	return b.last_error[0] != '\0';
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	log_init(0, 0);
	f->base = event_base_new();
	f->port = (uint16_t)(30000 + getpid() % 20000);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	bgp_free(f->vgw.ctx);
	bgp_free(f->cgw.ctx);
	event_base_free(f->base);
	free(f);
	return 0;
}

static void
test_session_routes_and_teardown(void **state)
{
	struct fx *f = *state;
	struct cgw_prefix vpc = pfx("172.31.0.0/16"), net = pfx("10.224.0.0/12");
	struct bgp_peer_status st;
	struct cgw_addr vgw_addr, cgw_addr;

	/* cgw listens first, so vgw's own listener finds the port taken
	 * and it only connects out. */
	mkside(f, &f->cgw, 65000, "127.0.0.1", "aws/t1", "127.0.0.1",
	    "127.0.0.2", 64512, true, 30, 0);
	mkside(f, &f->vgw, 64512, "127.0.0.2", "cgw", "127.0.0.2",
	    "127.0.0.1", 65000, false, 9, 0);
	assert_int_equal(bgp_network_add(f->cgw.ctx, &net), 0);
	assert_int_equal(bgp_network_add(f->vgw.ctx, &vpc), 0);
	assert_int_equal(bgp_peer_start(f->cgw.peer), 0);
	assert_int_equal(bgp_peer_start(f->vgw.peer), 0);
	assert_true(run_until(f, both_established));
	bgp_peer_status(f->cgw.peer, &st);
	assert_string_equal(st.state_name, "Established");
	assert_int_equal(st.hold_time, 9);		/* min(30, 9) */
	assert_int_equal(st.peer_asn, 64512);
	assert_int_equal(st.peer_id.s_addr, htonl(0x7f000002));

	assert_true(run_until(f, routes_exchanged));
	assert_true(prefix_eq(&f->cgw.last_prefix, &vpc));
	assert_int_equal(f->cgw.last_n, 1);
	assert_true(addr_parse("127.0.0.2", &vgw_addr));
	assert_true(addr_eq(&f->cgw.last_gw, &vgw_addr));	/* next hop self */
	assert_true(prefix_eq(&f->vgw.last_prefix, &net));
	assert_true(addr_parse("127.0.0.1", &cgw_addr));
	assert_true(addr_eq(&f->vgw.last_gw, &cgw_addr));
	bgp_peer_status(f->cgw.peer, &st);
	assert_int_equal(st.prefixes_received, 1);
	assert_int_equal(st.prefixes_advertised, 1);
	/* Counted by type, each way: one OPEN, a KEEPALIVE, the UPDATE. */
	assert_int_equal(st.msgs_in[1], 1);
	assert_int_equal(st.msgs_out[1], 1);
	assert_true(st.msgs_in[4] >= 1 && st.msgs_out[4] >= 1);
	assert_true(st.msgs_in[2] >= 1 && st.msgs_out[2] >= 1);
	assert_int_equal(st.msgs_out[3], 0);
	assert_int_equal(st.flaps, 0);

	/* The tunnel dies: routes go at once, the VGW hears Cease. */
	bgp_peer_down(f->cgw.peer, "DPD: peer dead");
	bgp_peer_status(f->cgw.peer, &st);
	assert_int_equal(st.state, BGP_ST_IDLE);
	assert_string_equal(st.last_error, "DPD: peer dead");
	assert_int_equal(st.prefixes_received, 0);
	assert_true(run_until(f, vgw_not_established));
	assert_int_equal(f->cgw.last_n, 0);		/* FIB delete */
	assert_true(prefix_eq(&f->cgw.last_prefix, &vpc));
	bgp_peer_status(f->vgw.peer, &st);
	assert_string_equal(st.last_error,
	    "received NOTIFICATION Cease/Administrative Shutdown");
	/* Stays down until started again, then comes back. */
	assert_int_equal(f->cgw.established, 1);
	assert_int_equal(bgp_peer_start(f->cgw.peer), 0);
	assert_true(run_until(f, both_established));
	assert_int_equal(f->cgw.established, 2);
	/* Established again: the error is history, not the present. */
	bgp_peer_status(f->cgw.peer, &st);
	assert_string_equal(st.last_error, "");
	assert_string_equal(st.prev_error, "DPD: peer dead");
	assert_true(st.uptime_s < 5);
	/* One session lost, its Cease sent, a second OPEN each way. */
	assert_int_equal(st.flaps, 1);
	assert_int_equal(st.msgs_out[3], 1);
	assert_int_equal(st.msgs_out[1], 2);
	bgp_peer_status(f->vgw.peer, &st);
	assert_string_equal(st.last_error, "");
}

static bool
cgw_got_route(struct fx *f)
{
	return f->cgw.fib_calls > 0;
}

/*
 * bgp_hold_input: while held, an UPDATE that arrives is not read (the
 * kernel is behind, TCP holds the peer back) and the session stays up;
 * released, what came meanwhile is read.
 */
static void
test_session_hold_input(void **state)
{
	struct fx *f = *state;
	struct cgw_prefix vpc = pfx("172.31.0.0/16");
	struct bgp_peer_status st;
	int i;

	mkside(f, &f->cgw, 65000, "127.0.0.1", "aws/t1", "127.0.0.1",
	    "127.0.0.2", 64512, true, 30, 0);
	mkside(f, &f->vgw, 64512, "127.0.0.2", "cgw", "127.0.0.2",
	    "127.0.0.1", 65000, false, 30, 0);
	assert_int_equal(bgp_peer_start(f->cgw.peer), 0);
	assert_int_equal(bgp_peer_start(f->vgw.peer), 0);
	assert_true(run_until(f, both_established));
	bgp_hold_input(f->cgw.ctx, true);
	assert_int_equal(bgp_network_add(f->vgw.ctx, &vpc), 0);
	for (i = 0; i < 25; i++) {		/* ~0.5 s */
		struct timeval tv = { 0, 20000 };

		event_base_loopexit(f->base, &tv);
		event_base_dispatch(f->base);
	}
	assert_int_equal(f->cgw.fib_calls, 0);
	bgp_peer_status(f->cgw.peer, &st);
	assert_int_equal(st.state, BGP_ST_ESTABLISHED);
	assert_int_equal(st.prefixes_received, 0);
	bgp_hold_input(f->cgw.ctx, false);
	assert_true(run_until(f, cgw_got_route));
	assert_true(prefix_eq(&f->cgw.last_prefix, &vpc));
	bgp_peer_status(f->cgw.peer, &st);
	assert_int_equal(st.prefixes_received, 1);
}

static void
test_session_max_prefix(void **state)
{
	struct fx *f = *state;
	struct cgw_prefix a = pfx("172.31.0.0/16"), b = pfx("172.30.0.0/16");
	struct bgp_peer_status st;

	mkside(f, &f->cgw, 65000, "127.0.0.1", "aws/t1", "127.0.0.1",
	    "127.0.0.2", 64512, true, 30, 1);
	mkside(f, &f->vgw, 64512, "127.0.0.2", "cgw", "127.0.0.2",
	    "127.0.0.1", 65000, false, 30, 0);
	assert_int_equal(bgp_network_add(f->vgw.ctx, &a), 0);
	assert_int_equal(bgp_network_add(f->vgw.ctx, &b), 0);
	bgp_peer_start(f->cgw.peer);
	bgp_peer_start(f->vgw.peer);
	assert_true(run_until(f, cgw_limit_hit));
	bgp_peer_status(f->cgw.peer, &st);
	assert_string_equal(st.last_error, "more than 1 prefixes received");
	assert_int_equal(st.prefixes_received, 0);
	assert_true(run_until(f, vgw_not_established));
	bgp_peer_status(f->vgw.peer, &st);
	assert_string_equal(st.last_error, "received NOTIFICATION "
	    "Cease/Maximum Number of Prefixes Reached");
}

static void
test_session_bad_peer_as(void **state)
{
	struct fx *f = *state;
	struct bgp_peer_status st;

	/* vgw says 64512, cgw expects 64999. */
	mkside(f, &f->cgw, 65000, "127.0.0.1", "aws/t1", "127.0.0.1",
	    "127.0.0.2", 64999, true, 30, 0);
	mkside(f, &f->vgw, 64512, "127.0.0.2", "cgw", "127.0.0.2",
	    "127.0.0.1", 65000, false, 30, 0);
	bgp_peer_start(f->cgw.peer);
	bgp_peer_start(f->vgw.peer);
	assert_true(run_until(f, vgw_has_error));
	bgp_peer_status(f->vgw.peer, &st);
	assert_string_equal(st.last_error,
	    "received NOTIFICATION OPEN Message Error/Bad Peer AS");
	assert_int_equal(f->cgw.established, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_session_routes_and_teardown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_hold_input,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_max_prefix,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_bad_peer_as,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
