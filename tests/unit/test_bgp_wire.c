/*
 * bgp/ sessions against a scripted peer on loopback: messages split
 * across TCP writes and several in one write are reassembled; header and
 * FSM errors and hold timer expiry answer with the right NOTIFICATION.
 * The speaker is passive (AS 65000, 127.0.0.1); the test is AS 64512 at
 * 127.0.0.2.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <cmocka.h>

#include <event2/event.h>

#include "bgp/bgp.h"
#include "lib/log.h"

struct fx {
	struct event_base	*base;
	struct bgp_ctx		*ctx;
	struct bgp_peer		*peer;
	uint16_t		 port;
	int			 fd;
	int			 fib_calls;
	size_t			 last_n;
	uint8_t			 in[8192];
	size_t			 inlen;
};

static int
fib_cb(void *arg, const struct cgw_prefix *p, struct bgp_nexthop *nhs,
    size_t n, bool in_kernel)
{
	struct fx *f = arg;

	(void)p;
	(void)in_kernel;
	f->fib_calls++;
	f->last_n = n;
	/* A kernel that takes everything. */
	while (n-- > 0)
		nhs[n].installed = true;
	return 0;
}

static void
pump(struct fx *f, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	event_base_loopexit(f->base, &tv);
	event_base_dispatch(f->base);
}

static void
put(struct fx *f, const void *p, size_t n)
{
	assert_int_equal(send(f->fd, p, n, MSG_NOSIGNAL), (ssize_t)n);
}

/* Next message from the speaker: type, or -1 on EOF/timeout. */
static int
get(struct fx *f, uint8_t *body, size_t *blen)
{
	int i;
	ssize_t r;
	uint16_t ml;
	uint8_t type;

	for (i = 0; i < 300; i++) {
		if (f->inlen >= 19) {
			ml = (uint16_t)(f->in[16] << 8 | f->in[17]);
			if (ml >= 19 && f->inlen >= ml) {
				type = f->in[18];
				if (body != NULL)
					memcpy(body, f->in + 19, ml - 19u);
				if (blen != NULL)
					*blen = ml - 19u;
				memmove(f->in, f->in + ml, f->inlen - ml);
				f->inlen -= ml;
				return type;
			}
		}
		pump(f, 10);
		r = recv(f->fd, f->in + f->inlen, sizeof(f->in) - f->inlen,
		    MSG_DONTWAIT);
		if (r == 0)
			return -1;
		if (r > 0)
			f->inlen += (size_t)r;
	}
	return -1;
}

static size_t
msg(uint8_t *b, uint8_t type, const void *body, size_t blen)
{
	memset(b, 0xff, 16);
	b[16] = (uint8_t)((19 + blen) >> 8);
	b[17] = (uint8_t)(19 + blen);
	b[18] = type;
	if (blen > 0)
		memcpy(b + 19, body, blen);
	return 19 + blen;
}

static size_t
open_msg(uint8_t *b, uint16_t hold)
{
	const uint8_t body[] = { 4, 0xfc, 0x00, (uint8_t)(hold >> 8),
	    (uint8_t)hold, 127, 0, 0, 2, 8, 2, 6, 65, 4, 0, 0, 0xfc, 0 };

	return msg(b, 1, body, sizeof(body));
}

static size_t
update_msg(uint8_t *b, bool withdraw)
{
	const uint8_t ann[] = { 0, 0, 0, 20, 0x40, 1, 1, 0,
	    0x40, 2, 6, 2, 1, 0, 0, 0xfc, 0, 0x40, 3, 4, 127, 0, 0, 2,
	    16, 172, 31 };
	const uint8_t wd[] = { 0, 3, 16, 172, 31, 0, 0 };

	return withdraw ? msg(b, 2, wd, sizeof(wd)) : msg(b, 2, ann, sizeof(ann));
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct bgp_callbacks cb = { .fib_change = fib_cb };
	struct bgp_peer_conf c;
	struct in_addr id = { htonl(0x7f000001) };
	struct sockaddr_in sin;
	uint8_t b[64];
	size_t i, n;
	int one = 1;

	assert_non_null(f);
	log_init(0, 0);
	f->base = event_base_new();
	f->port = (uint16_t)(10000 + getpid() % 20000);
	f->ctx = bgp_new(f->base, 65000, id, &cb, f);
	assert_int_equal(bgp_set_port(f->ctx, f->port), 0);
	bgp_peer_conf_defaults(&c);
	snprintf(c.name, sizeof(c.name), "wire");
	assert_true(addr_parse("127.0.0.2", &c.remote));
	c.remote_asn = 64512;
	c.passive = true;
	c.hold_time = 3;
	f->peer = bgp_peer_add(f->ctx, &c);
	assert_non_null(f->peer);
	bgp_peer_start(f->peer);

	f->fd = socket(AF_INET, SOCK_STREAM, 0);
	/* Each write its own segment: with Nagle, a write after one the
	 * speaker has not acknowledged waits for its delayed ACK (the
	 * speaker's End-of-RIB puts its side in delayed-ACK mode). */
	assert_int_equal(setsockopt(f->fd, IPPROTO_TCP, TCP_NODELAY, &one,
	    sizeof(one)), 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0x7f000002);
	assert_int_equal(bind(f->fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	sin.sin_addr.s_addr = htonl(0x7f000001);
	sin.sin_port = htons(f->port);
	assert_int_equal(connect(f->fd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	assert_int_equal(get(f, NULL, NULL), 1);	/* its OPEN */
	/* Ours, one byte per write. */
	n = open_msg(b, 3);
	for (i = 0; i < n; i++) {
		put(f, b + i, 1);
		pump(f, 1);
	}
	assert_int_equal(get(f, NULL, NULL), 4);	/* KEEPALIVE */
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	close(f->fd);
	bgp_free(f->ctx);
	event_base_free(f->base);
	free(f);
	return 0;
}

static void
established(struct fx *f)
{
	uint8_t b[19];
	struct bgp_peer_status st;

	put(f, b, msg(b, 4, NULL, 0));
	pump(f, 20);
	bgp_peer_status(f->peer, &st);
	assert_string_equal(st.state_name, "Established");
	assert_int_equal(st.hold_time, 3);
}

static void
expect_notify(struct fx *f, uint8_t code, uint8_t sub)
{
	uint8_t body[4096];
	size_t blen;
	int t;

	while ((t = get(f, body, &blen)) == 4 || t == 2)
		;		/* KEEPALIVEs and UPDATEs before it */
	assert_int_equal(t, 3);
	assert_true(blen >= 2);
	assert_int_equal(body[0], code);
	assert_int_equal(body[1], sub);
	assert_int_equal(get(f, NULL, NULL), -1);	/* then closed */
}

static void
test_reassembly(void **state)
{
	struct fx *f = *state;
	uint8_t b[256];
	size_t n, m;

	established(f);
	/* An UPDATE in three writes. */
	n = update_msg(b, false);
	put(f, b, 5);
	pump(f, 5);
	put(f, b + 5, 20);
	pump(f, 5);
	assert_int_equal(f->fib_calls, 0);
	put(f, b + 25, n - 25);
	pump(f, 20);
	assert_int_equal(f->fib_calls, 1);
	assert_int_equal(f->last_n, 1);
	/* A KEEPALIVE and a withdrawal in one write. */
	m = msg(b, 4, NULL, 0);
	m += update_msg(b + m, true);
	put(f, b, m);
	pump(f, 20);
	assert_int_equal(f->fib_calls, 2);
	assert_int_equal(f->last_n, 0);
}

static void
test_bad_marker(void **state)
{
	struct fx *f = *state;
	uint8_t b[19];
	struct bgp_peer_status st;

	established(f);
	msg(b, 4, NULL, 0);
	b[7] = 0;
	put(f, b, sizeof(b));
	expect_notify(f, 1, 1);
	bgp_peer_status(f->peer, &st);
	assert_int_equal(st.state, BGP_ST_IDLE);
	assert_string_equal(st.last_error, "bad message header");
}

static void
test_bad_length(void **state)
{
	struct fx *f = *state;
	uint8_t b[19];

	established(f);
	msg(b, 2, NULL, 0);
	b[16] = 0x10;		/* 4097 */
	b[17] = 0x01;
	put(f, b, sizeof(b));
	expect_notify(f, 1, 2);
}

static void
test_update_before_established(void **state)
{
	struct fx *f = *state;
	uint8_t b[256];

	struct bgp_peer_status st;

	put(f, b, update_msg(b, false));	/* in OpenConfirm */
	/* RFC 6608: Receive Unexpected Message in OpenConfirm State */
	expect_notify(f, 5, 2);
	assert_int_equal(f->fib_calls, 0);
	bgp_peer_status(f->peer, &st);
	assert_int_equal(st.state, BGP_ST_IDLE);
	assert_string_equal(st.last_error, "unexpected UPDATE in OpenConfirm");
}

static void
test_open_in_established(void **state)
{
	struct fx *f = *state;
	uint8_t b[256];
	struct bgp_peer_status st;

	established(f);
	put(f, b, open_msg(b, 3));
	/* RFC 6608: Receive Unexpected Message in Established State */
	expect_notify(f, 5, 3);
	bgp_peer_status(f->peer, &st);
	assert_int_equal(st.state, BGP_ST_IDLE);
	assert_string_equal(st.last_error, "unexpected OPEN in Established");
}

static void
test_hold_timer(void **state)
{
	struct fx *f = *state;
	struct bgp_peer_status st;

	established(f);
	/* Silence: 3 s later the speaker gives up. */
	expect_notify(f, 4, 0);
	bgp_peer_status(f->peer, &st);
	assert_string_equal(st.last_error, "hold timer expired");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reassembly, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_marker, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_length, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_update_before_established,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_hold_timer, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_open_in_established,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
