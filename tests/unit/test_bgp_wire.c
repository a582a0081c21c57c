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

#include "bgp/bgp_priv.h"
#include "lib/log.h"

struct fx {
	struct event_base	*base;
	struct bgp_ctx		*ctx;
	struct bgp_peer		*peer;
	uint16_t		 port;
	int			 fd;
	int			 fib_calls;
	size_t			 last_n;
	struct cgw_prefix	 last_prefix;
	struct cgw_addr		 last_gw;
	uint8_t			 in[8192];
	size_t			 inlen;
};

static int
fib_cb(void *arg, const struct cgw_prefix *p, struct bgp_nexthop *nhs,
    size_t n, bool in_kernel)
{
	struct fx *f = arg;

	(void)in_kernel;
	f->fib_calls++;
	f->last_n = n;
	f->last_prefix = *p;
	if (n > 0)
		f->last_gw = nhs[0].gateway;
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

/* The peer's capabilities: AS4 and, by `afs`, no MP capability at all
 * (0) or Multiprotocol IPv4 and/or IPv6 unicast. */
static unsigned peer_afs;

static size_t
open_msg(uint8_t *b, uint16_t hold)
{
	uint8_t body[64] = { 4, 0xfc, 0x00, (uint8_t)(hold >> 8),
	    (uint8_t)hold, 127, 0, 0, 2, 0, 2, 0, 65, 4, 0, 0, 0xfc, 0 };
	const uint8_t mp4[] = { 1, 4, 0, 1, 0, 1 }, mp6[] = { 1, 4, 0, 2, 0, 1 };
	size_t n = 18;

	if (peer_afs & BGP_AF_IPV4) {
		memcpy(body + n, mp4, sizeof(mp4));
		n += sizeof(mp4);
	}
	if (peer_afs & BGP_AF_IPV6) {
		memcpy(body + n, mp6, sizeof(mp6));
		n += sizeof(mp6);
	}
	body[9] = (uint8_t)(n - 10);	/* optional parameters */
	body[11] = (uint8_t)(n - 12);	/* capabilities */
	return msg(b, 1, body, n);
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
	struct cgw_prefix net;

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
	/* Ours to advertise, one of each family (the tests that read
	 * UPDATEs skip or check them). */
	assert_true(prefix_parse("10.224.0.0/12", &net));
	assert_int_equal(bgp_network_add(f->ctx, &net), 0);
	assert_true(prefix_parse("2001:db8:100::/48", &net));
	assert_int_equal(bgp_network_add(f->ctx, &net), 0);
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

static int
setup_v6(void **state)
{
	peer_afs = BGP_AF_IPV6;
	return setup(state);
}

static int
setup_dual(void **state)
{
	peer_afs = BGP_AF_ALL;
	return setup(state);
}

static int
teardown_afs(void **state)
{
	peer_afs = 0;
	return teardown(state);
}

/* The speaker's next UPDATE (KEEPALIVEs skipped), parsed as from a peer
 * with IPv6 unicast; its body in body[*blen]. */
static void
next_update(struct fx *f, uint8_t *body, size_t *blen, struct bgp_update *u)
{
	struct bgp_parse_ctx pc;
	struct bgp_notify n;
	int t;

	while ((t = get(f, body, blen)) == 4)
		;
	assert_int_equal(t, 2);
	memset(&pc, 0, sizeof(pc));
	pc.as4 = true;
	pc.ebgp = true;
	pc.peer_as = 65000;
	pc.ipv6 = true;
	assert_int_equal(bgp_update_parse(body, *blen, &pc, u, &n), 0);
	assert_false(u->treat_as_withdraw);
}

static const uint8_t EOR4[] = { 0, 0, 0, 0 };
static const uint8_t EOR6[] = { 0, 0, 0, 7, 0x90, 15, 0, 3, 0, 2, 1 };

/* A peer with no Multiprotocol capability is an IPv4 unicast peer
 * (RFC 4760 8): our IPv4 network, then the IPv4 End-of-RIB; the IPv6
 * network never goes to it. */
static void
test_no_mp_peer_gets_ipv4(void **state)
{
	struct fx *f = *state;
	uint8_t body[4096];
	size_t blen;
	struct bgp_update u;
	struct bgp_peer_status st;
	char buf[CGW_PREFIXSTRLEN];

	established(f);
	bgp_peer_status(f->peer, &st);
	assert_true(st.ipv4);
	assert_false(st.ipv6);
	next_update(f, body, &blen, &u);
	assert_int_equal(u.nnlri, 1);
	assert_int_equal(u.nnlri6, 0);
	assert_string_equal(prefix_fmt(&u.nlri[0], buf, sizeof(buf)),
	    "10.224.0.0/12");
	assert_int_equal(u.attrs.nexthop.s_addr, htonl(0x7f000001));
	bgp_update_free(&u);
	next_update(f, body, &blen, &u);
	assert_int_equal(blen, sizeof(EOR4));
	assert_memory_equal(body, EOR4, sizeof(EOR4));
	bgp_update_free(&u);
	/* Nothing after it but KEEPALIVEs. */
	assert_int_equal(get(f, NULL, NULL), 4);
}

/*
 * A peer offering IPv6 unicast alone: our IPv6 network in MP_REACH_NLRI,
 * the first attribute, with our end of the session as an IPv4-mapped
 * next hop and no NEXT_HOP; the IPv6 End-of-RIB; no IPv4 at all. Its
 * IPv6 routes reach the FIB with the IPv4 address of their mapped next
 * hop, and leave with MP_UNREACH_NLRI; ROUTE-REFRESH for IPv6 sends the
 * table again; a next hop of 17 octets resets the session.
 */
static void
test_ipv6_peer(void **state)
{
	struct fx *f = *state;
	uint8_t body[4096], b[256];
	size_t blen, n;
	struct bgp_update u;
	struct bgp_peer_status st;
	struct cgw_addr a;
	char buf[CGW_PREFIXSTRLEN];
	const uint8_t nh_self[16] = { [10] = 0xff, [11] = 0xff, 127, 0, 0, 1 };
	/* 2600:1f00::/40 via ::ffff:127.0.0.2, AS_PATH 64512. */
	const uint8_t reach[] = { 0, 0, 0, 44,
	    0x90, 14, 0, 27, 0, 2, 1, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
	    0xff, 127, 0, 0, 2, 0, 40, 0x26, 0x00, 0x1f, 0x00, 0x00,
	    0x40, 1, 1, 0, 0x40, 2, 6, 2, 1, 0, 0, 0xfc, 0 };
	const uint8_t unreach[] = { 0, 0, 0, 13,
	    0x90, 15, 0, 9, 0, 2, 1, 40, 0x26, 0x00, 0x1f, 0x00, 0x00 };
	const uint8_t refresh6[] = { 0, 2, 0, 1 };
	uint8_t bad[sizeof(reach) + 1];

	established(f);
	bgp_peer_status(f->peer, &st);
	assert_false(st.ipv4);
	assert_true(st.ipv6);
	next_update(f, body, &blen, &u);
	assert_int_equal(u.nnlri, 1);
	assert_int_equal(u.nnlri6, 1);
	assert_string_equal(prefix_fmt(&u.nlri[0], buf, sizeof(buf)),
	    "2001:db8:100::/48");
	assert_int_equal(u.attrs.nh6_len, 16);
	assert_memory_equal(&u.attrs.nh6[0], nh_self, 16);
	assert_false(BGP_SEEN(&u.attrs, BGP_ATTR_NEXT_HOP));
	assert_int_equal(bgp_aspath_first(u.attrs.aspath, u.attrs.aspath_len),
	    65000);
	/* RFC 7606 5.1: MP_REACH_NLRI first. */
	assert_int_equal(body[4], 0x90);
	assert_int_equal(body[5], BGP_ATTR_MP_REACH);
	bgp_update_free(&u);
	next_update(f, body, &blen, &u);
	assert_int_equal(blen, sizeof(EOR6));
	assert_memory_equal(body, EOR6, sizeof(EOR6));
	assert_true(u.eor6);
	bgp_update_free(&u);
	assert_int_equal(get(f, NULL, NULL), 4);	/* no IPv4 at all */

	put(f, b, msg(b, 2, reach, sizeof(reach)));
	pump(f, 20);
	assert_int_equal(f->fib_calls, 1);
	assert_int_equal(f->last_n, 1);
	assert_string_equal(prefix_fmt(&f->last_prefix, buf, sizeof(buf)),
	    "2600:1f00::/40");
	assert_true(addr_parse("127.0.0.2", &a));
	assert_true(addr_eq(&f->last_gw, &a));
	bgp_peer_status(f->peer, &st);
	assert_int_equal(st.prefixes_received, 1);

	put(f, b, msg(b, 2, unreach, sizeof(unreach)));
	pump(f, 20);
	assert_int_equal(f->fib_calls, 2);
	assert_int_equal(f->last_n, 0);
	bgp_peer_status(f->peer, &st);
	assert_int_equal(st.prefixes_received, 0);

	put(f, b, msg(b, 5, refresh6, sizeof(refresh6)));
	next_update(f, body, &blen, &u);
	assert_int_equal(u.nnlri6, 1);
	bgp_update_free(&u);

	/* Next hop length 17: the NLRI cannot be found, session reset
	 * (RFC 7606 7.11) with Optional Attribute Error (RFC 4760 7). */
	memcpy(bad, reach, 15);
	bad[3] = 45;		/* attribute section */
	bad[7] = 28;		/* MP_REACH length */
	bad[11] = 17;		/* next hop length */
	memcpy(bad + 16, reach + 15, sizeof(reach) - 15);
	bad[15] = 0;
	n = msg(b, 2, bad, sizeof(bad));
	put(f, b, n);
	expect_notify(f, 3, 9);
	assert_int_equal(f->fib_calls, 2);
}

/* Both families: both networks, both End-of-RIBs. */
static void
test_dual_peer(void **state)
{
	struct fx *f = *state;
	uint8_t body[4096];
	size_t blen, v4 = 0, v6 = 0, eor4 = 0, eor6 = 0, i;
	struct bgp_update u;

	established(f);
	for (i = 0; i < 4; i++) {
		next_update(f, body, &blen, &u);
		v4 += u.nnlri - u.nnlri6;
		v6 += u.nnlri6;
		eor4 += blen == sizeof(EOR4) && memcmp(body, EOR4, blen) == 0;
		eor6 += u.eor6;
		bgp_update_free(&u);
	}
	assert_int_equal(v4, 1);
	assert_int_equal(v6, 1);
	assert_int_equal(eor4, 1);
	assert_int_equal(eor6, 1);
}

/* Many IPv6 prefixes: as many UPDATEs as the 4096-octet limit needs,
 * each whole; their withdrawal the same in MP_UNREACH_NLRI. */
static void
test_ipv6_many(void **state)
{
	struct fx *f = *state;
	uint8_t body[4096];
	size_t blen, got = 0, msgs = 0, i;
	struct bgp_update u;
	struct cgw_prefix p;

	established(f);
	next_update(f, body, &blen, &u);	/* 2001:db8:100::/48 */
	bgp_update_free(&u);
	next_update(f, body, &blen, &u);	/* End-of-RIB */
	assert_true(u.eor6);
	bgp_update_free(&u);
	assert_true(prefix_parse("2001:db8:1::/64", &p));
	for (i = 0; i < 1000; i++) {
		p.addr.bytes[6] = (uint8_t)(i >> 8);
		p.addr.bytes[7] = (uint8_t)i;
		assert_int_equal(bgp_network_add(f->ctx, &p), 0);
	}
	while (got < 1000) {
		next_update(f, body, &blen, &u);
		assert_true(blen <= BGP_MAX_MSG - BGP_HDR_LEN);
		assert_int_equal(u.nnlri6, u.nnlri);
		got += u.nnlri6;
		msgs++;
		bgp_update_free(&u);
	}
	assert_int_equal(got, 1000);
	assert_true(msgs >= 3);		/* 9 octets a prefix */
	for (i = 0; i < 1000; i++) {
		p.addr.bytes[6] = (uint8_t)(i >> 8);
		p.addr.bytes[7] = (uint8_t)i;
		assert_int_equal(bgp_network_remove(f->ctx, &p), 0);
	}
	for (got = 0, msgs = 0; got < 1000; msgs++) {
		next_update(f, body, &blen, &u);
		assert_true(blen <= BGP_MAX_MSG - BGP_HDR_LEN);
		assert_int_equal(u.nnlri, 0);
		got += u.nwithdrawn;
		bgp_update_free(&u);
	}
	assert_int_equal(got, 1000);
	assert_true(msgs >= 3);
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
		cmocka_unit_test_setup_teardown(test_no_mp_peer_gets_ipv4,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_peer, setup_v6,
		    teardown_afs),
		cmocka_unit_test_setup_teardown(test_dual_peer, setup_dual,
		    teardown_afs),
		cmocka_unit_test_setup_teardown(test_ipv6_many, setup_v6,
		    teardown_afs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
