/*
 * daemon/failover.c: the pure decisions (failover_next, failover_decide),
 * then the glue over a real bgp/ speaker without a kernel: covers on the
 * surviving tunnel, hold-down by local-pref, the timer, the JSON.
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

#include "tests/unit/conf_text.h"

#include <event2/event.h>
#include <jansson.h>

#include "bgp/bgp_priv.h"
#include "daemon/cgwd.h"
#include "daemon/ctl.h"
#include "daemon/failover.h"
#include "daemon/routing.h"
#include "daemon/tunnel.h"
#include "lib/log.h"

/* ---- failover_next -------------------------------------------------- */

static void
test_next(void **state)
{
	(void)state;
	/* The first time up: stable at once, nothing to hold down. */
	assert_int_equal(failover_next(FO_NEVER_UP, FO_EV_UP, 30), FO_UP);
	assert_int_equal(failover_next(FO_NEVER_UP, FO_EV_LEFT_UP, 30),
	    FO_NEVER_UP);
	/* Up, then not: covered for. */
	assert_int_equal(failover_next(FO_UP, FO_EV_LEFT_UP, 30), FO_DOWN);
	assert_int_equal(failover_next(FO_DOWN, FO_EV_LEFT_UP, 30), FO_DOWN);
	/* Back: hold-down, or stable at once with hold-down 0. */
	assert_int_equal(failover_next(FO_DOWN, FO_EV_UP, 30), FO_HOLDDOWN);
	assert_int_equal(failover_next(FO_DOWN, FO_EV_UP, 0), FO_UP);
	/* A flap during hold-down: down again, the cycle starts over. */
	assert_int_equal(failover_next(FO_HOLDDOWN, FO_EV_LEFT_UP, 30),
	    FO_DOWN);
	assert_int_equal(failover_next(FO_HOLDDOWN, FO_EV_UP, 30),
	    FO_HOLDDOWN);
	assert_int_equal(failover_next(FO_HOLDDOWN, FO_EV_STABLE, 30), FO_UP);
	/* A late timer changes nothing else. */
	assert_int_equal(failover_next(FO_DOWN, FO_EV_STABLE, 30), FO_DOWN);
	assert_int_equal(failover_next(FO_UP, FO_EV_STABLE, 30), FO_UP);
	assert_int_equal(failover_next(FO_UP, FO_EV_UP, 30), FO_UP);
}

/* ---- failover_decide ------------------------------------------------ */

static void
decide(const enum failover_phase *ph, size_t n, bool split,
    const char *want_cover, const char *want_hold)
{
	struct failover_decision d[8];
	size_t i;

	assert_true(n <= 8);
	memset(d, 0xa5, sizeof(d));
	failover_decide(ph, n, split, d);
	for (i = 0; i < n; i++) {
		assert_int_equal(d[i].cover, want_cover[i] == '1');
		assert_int_equal(d[i].holddown, want_hold[i] == '1');
	}
}

static void
test_decide(void **state)
{
	const enum failover_phase all_up[] = { FO_UP, FO_UP };
	const enum failover_phase start[] = { FO_NEVER_UP, FO_UP };
	const enum failover_phase t1_down[] = { FO_DOWN, FO_UP };
	const enum failover_phase t1_hold[] = { FO_HOLDDOWN, FO_UP };
	const enum failover_phase both_back[] = { FO_HOLDDOWN, FO_HOLDDOWN };
	const enum failover_phase three[] = { FO_DOWN, FO_UP, FO_HOLDDOWN };
	const enum failover_phase lone[] = { FO_DOWN };

	(void)state;
	/* Nothing happened: no covers, no hold-down. */
	decide(all_up, 2, true, "00", "00");
	/* Never up is not down: no covers at start. */
	decide(start, 2, true, "00", "00");
	/* t1 died: t2 covers. */
	decide(t1_down, 2, true, "01", "00");
	/* ... unless split is off. */
	decide(t1_down, 2, false, "00", "00");
	/* t1 back, not stable: t2 still covers, t1 held down. */
	decide(t1_hold, 2, true, "01", "10");
	/* Hold-down without split still keeps t1 from winning. */
	decide(t1_hold, 2, false, "00", "10");
	/* Nobody stable: nobody to cover over. */
	decide(both_back, 2, true, "00", "11");
	/* Only the stable tunnel covers; the one in hold-down does not. */
	decide(three, 3, true, "010", "001");
	decide(lone, 1, true, "0", "0");
	decide(lone, 0, true, "", "");
}

/* ---- the glue ------------------------------------------------------- */

#define CONF_TEXT \
	"asn 65000\nrouter-id 192.0.2.10\nnetwork 10.224.0.0/12\n" \
	"vpn \"aws-prod\" {\n local 192.0.2.10\n peer-asn 64512\n" \
	" failover split on hold-down 1s\n" \
	" tunnel \"t1\" { remote 198.51.100.1 inside 169.254.21.2/30 " \
	"psk \"Secret_One_1\" }\n" \
	" tunnel \"t2\" { remote 198.51.100.2 inside 169.254.22.2/30 " \
	"psk \"Secret_Two_2\" }\n}\n"

struct fx {
	struct cgwd	 cgwd;
	struct tunnel	*t1, *t2;
};

static struct conf *
load(const char *text)
{
	return unit_conf_load(text);
}

static struct tunnel *
mktunnel(struct fx *f, const char *name, const char *ifname)
{
	struct conf_tunnel *ct = conf_tunnel_find(f->cgwd.conf, name);
	struct tunnel *t;
	char err[128];

	assert_non_null(ct);
	assert_non_null(t = tunnel_new(&f->cgwd, ct, ifname));
	TAILQ_INSERT_TAIL(&f->cgwd.tunnels, t, entry);
	assert_int_equal(routing_tunnel_attach(t, err, sizeof(err)), 0);
	return t;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char err[256];

	assert_non_null(f);
	log_init(0, 0);
	f->cgwd.base = event_base_new();
	f->cgwd.conf = load(CONF_TEXT);
	TAILQ_INIT(&f->cgwd.tunnels);
	assert_int_equal(routing_open(&f->cgwd, err, sizeof(err)), 0);
	f->t1 = mktunnel(f, "aws-prod/t1", "cgw0");
	f->t2 = mktunnel(f, "aws-prod/t2", "cgw1");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	struct tunnel *t;

	f->cgwd.stopping = true;
	while ((t = TAILQ_FIRST(&f->cgwd.tunnels)) != NULL) {
		TAILQ_REMOVE(&f->cgwd.tunnels, t, entry);
		tunnel_free(t);
	}
	routing_close(&f->cgwd);
	conf_free(f->cgwd.conf);
	event_base_free(f->cgwd.base);
	free(f);
	return 0;
}

/*
 * The tunnel is up and its session Established, as the IKE engine and the
 * BGP FSM would make it (without connecting anywhere).
 */
static void
bring_up(struct fx *f, struct tunnel *t)
{
	struct bgp_peer *p = t->bgp;

	t->state = TUNNEL_S_UP;
	failover_tunnel_up(t);
	p->state = BGP_ST_ESTABLISHED;
	p->as4 = true;
	p->local_addr = t->conf->inside.addr.v4;
	bgp_rib_peer_export_all(f->cgwd.bgp, p);
	bgp_flush(f->cgwd.bgp);
}

/* The VPC's prefix as the tunnel's VGW announces it. */
static void
learn_vpc(struct fx *f, struct tunnel *t, const char *nexthop)
{
	struct bgp_attrs a;
	struct cgw_prefix p;
	struct cgw_addr nh;
	uint8_t *np;
	size_t nl;

	memset(&a, 0, sizeof(a));
	a.seen = 1u << BGP_ATTR_ORIGIN | 1u << BGP_ATTR_AS_PATH |
	    1u << BGP_ATTR_NEXT_HOP;
	assert_int_equal(bgp_aspath_prepend(NULL, 0, 64512, 1, &np, &nl), 0);
	a.aspath = np;
	a.aspath_len = nl;
	assert_true(addr_parse(nexthop, &nh));
	a.nexthop = nh.v4;
	assert_true(prefix_parse("172.31.0.0/16", &p));
	assert_int_equal(bgp_rib_update(f->cgwd.bgp, t->bgp, &p, &a), 0);
}

struct best {
	const struct bgp_peer	*peer;
	uint32_t		 local_pref;
};

static void
best_cb(const struct bgp_route_info *ri, void *arg)
{
	struct best *b = arg;

	if (ri->best && ri->peer != NULL)
		*b = (struct best){ ri->peer, ri->local_pref };
}

/* Which tunnel carries LAN -> VPC traffic now. */
static const struct bgp_peer *
best(struct fx *f)
{
	struct best b = { 0 };

	bgp_rib_walk(f->cgwd.bgp, best_cb, &b);
	return b.peer;
}

static uint32_t
covers(struct tunnel *t)
{
	struct bgp_peer_status st;

	bgp_peer_status(t->bgp, &st);
	return st.covers_advertised;
}

/* The tunnel's "holddown_s" and bgp "covers_advertised" in show tunnels. */
static void
json_check(struct tunnel *t, int holddown, int ncovers)
{
	json_t *j = ctl_json_tunnel(t), *h;

	assert_non_null(j);
	h = json_object_get(j, "holddown_s");
	if (holddown < 0)
		assert_true(json_is_null(h));
	else {
		/* Whole seconds left: a second may just have passed. */
		assert_true(json_is_integer(h));
		assert_in_range(json_integer_value(h), holddown - 1, holddown);
	}
	assert_int_equal(json_integer_value(json_object_get(
	    json_object_get(j, "bgp"), "covers_advertised")), ncovers);
	json_decref(j);
}

static void
test_cover_and_holddown(void **state)
{
	struct fx *f = *state;
	struct event_base *base = f->cgwd.base;
	struct timeval tv = { .tv_sec = 1, .tv_usec = 500000 };

	bring_up(f, f->t1);
	bring_up(f, f->t2);
	learn_vpc(f, f->t1, "169.254.21.1");
	learn_vpc(f, f->t2, "169.254.22.1");
	bgp_flush(f->cgwd.bgp);
	assert_ptr_equal(best(f), f->t1->bgp);
	assert_int_equal(covers(f->t2), 0);
	json_check(f->t1, -1, 0);

	/* t1 dies: by the time routing_tunnel_down returns, LAN -> VPC is
	 * on t2 and the covers have left over t2. */
	f->t1->state = TUNNEL_S_CONNECTING;
	routing_tunnel_down(f->t1, "DPD: peer dead");
	assert_ptr_equal(best(f), f->t2->bgp);
	assert_int_equal(covers(f->t2), 2);
	assert_int_equal(f->t2->bgp->n_advertised, 3);
	assert_false(f->t2->bgp->out_pending);
	assert_int_equal(f->cgwd.bgp->ndirty, 0);
	assert_int_equal(f->t1->fo.phase, FO_DOWN);
	json_check(f->t2, -1, 2);

	/* Back, not yet stable: its routes stay behind t2's, covers stay. */
	bring_up(f, f->t1);
	assert_int_equal(f->t1->fo.phase, FO_HOLDDOWN);
	assert_int_equal(f->t1->bgp->conf.local_pref, ROUTING_LPREF_HOLDDOWN);
	learn_vpc(f, f->t1, "169.254.21.1");
	bgp_flush(f->cgwd.bgp);
	assert_ptr_equal(best(f), f->t2->bgp);
	assert_int_equal(covers(f->t2), 2);
	assert_int_equal(covers(f->t1), 0);
	json_check(f->t1, 1, 0);

	/* A flap in hold-down moves nothing, and starts over. */
	f->t1->state = TUNNEL_S_CONNECTING;
	routing_tunnel_down(f->t1, "DPD: peer dead");
	assert_int_equal(f->t1->fo.phase, FO_DOWN);
	assert_int_equal(covers(f->t2), 2);
	assert_ptr_equal(best(f), f->t2->bgp);
	json_check(f->t1, -1, 0);
	bring_up(f, f->t1);
	learn_vpc(f, f->t1, "169.254.21.1");
	bgp_flush(f->cgwd.bgp);
	assert_ptr_equal(best(f), f->t2->bgp);

	/* Stable for the hold-down: preferred again, covers withdrawn. */
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	assert_int_equal(f->t1->fo.phase, FO_UP);
	assert_int_equal(f->t1->bgp->conf.local_pref, ROUTING_LPREF_ACTIVE);
	assert_ptr_equal(best(f), f->t1->bgp);
	assert_int_equal(covers(f->t2), 0);
	assert_int_equal(f->t2->bgp->n_advertised, 1);
	json_check(f->t1, -1, 0);
}

static void
test_split_off_and_removal(void **state)
{
	struct fx *f = *state;

	bring_up(f, f->t1);
	bring_up(f, f->t2);
	f->t1->state = TUNNEL_S_DOWN;
	routing_tunnel_down(f->t1, "operator: tunnel down");
	assert_int_equal(covers(f->t2), 2);
	/* Reloaded with split off: the covers go, nothing else changes. */
	((struct conf_vpn *)f->t1->conf->vpn)->failover_split = false;
	failover_reconfigure(&f->cgwd);
	bgp_flush(f->cgwd.bgp);
	assert_int_equal(covers(f->t2), 0);
	((struct conf_vpn *)f->t1->conf->vpn)->failover_split = true;
	failover_reconfigure(&f->cgwd);
	bgp_flush(f->cgwd.bgp);
	assert_int_equal(covers(f->t2), 2);
	/* The dead tunnel is removed: nobody is covered for any more. */
	TAILQ_REMOVE(&f->cgwd.tunnels, f->t1, entry);
	tunnel_free(f->t1);
	bgp_flush(f->cgwd.bgp);
	assert_int_equal(covers(f->t2), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next),
		cmocka_unit_test(test_decide),
		cmocka_unit_test_setup_teardown(test_cover_and_holddown, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_split_off_and_removal,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
