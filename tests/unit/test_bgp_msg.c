/* bgp/ codecs: framing, OPEN, NOTIFICATION, UPDATE and RFC 7606 outcomes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "bgp/bgp_priv.h"

#define AS_AWS	64512

/* ---- helpers ---- */

static const uint8_t A_ORIGIN[] = { 0x40, 1, 1, 0 };
static const uint8_t A_ASPATH[] = { 0x40, 2, 6, 2, 1, 0, 0, 0xfc, 0x00 };
static const uint8_t A_NEXTHOP[] = { 0x40, 3, 4, 169, 254, 21, 1 };
static const uint8_t NLRI_VPC[] = { 16, 172, 31 };

struct blob {
	uint8_t		b[BGP_MAX_MSG];
	size_t		n;
};

static void
put(struct blob *x, const void *p, size_t n)
{
	assert_true(x->n + n <= sizeof(x->b));
	memcpy(x->b + x->n, p, n);
	x->n += n;
}

/* UPDATE body: withdrawn, attributes, NLRI. */
static void
upd(struct blob *x, const struct blob *wd, const struct blob *attrs,
    const void *nlri, size_t nlen)
{
	uint8_t l[2];

	x->n = 0;
	l[0] = (uint8_t)(wd->n >> 8);
	l[1] = (uint8_t)wd->n;
	put(x, l, 2);
	put(x, wd->b, wd->n);
	l[0] = (uint8_t)(attrs->n >> 8);
	l[1] = (uint8_t)attrs->n;
	put(x, l, 2);
	put(x, attrs->b, attrs->n);
	put(x, nlri, nlen);
}

static void
std_attrs(struct blob *a)
{
	a->n = 0;
	put(a, A_ORIGIN, sizeof(A_ORIGIN));
	put(a, A_ASPATH, sizeof(A_ASPATH));
	put(a, A_NEXTHOP, sizeof(A_NEXTHOP));
}

static struct bgp_parse_ctx
ebgp_ctx(bool as4)
{
	struct bgp_parse_ctx pc;

	memset(&pc, 0, sizeof(pc));
	pc.as4 = as4;
	pc.ebgp = true;
	pc.peer_as = AS_AWS;
	return pc;
}

/* Parse x; returns the parse result, leaves u filled on success. */
static int
parse(const struct blob *x, struct bgp_parse_ctx *pc, struct bgp_update *u,
    struct bgp_notify *n)
{
	memset(n, 0, sizeof(*n));
	return bgp_update_parse(x->b, x->n, pc, u, n);
}

/* ---- framing ---- */

static void
test_hdr_checks(void **state)
{
	uint8_t m[BGP_HDR_LEN];
	struct bgp_notify n;
	uint16_t len;
	uint8_t type;

	(void)state;
	memset(m, 0xff, 16);
	m[16] = 0;
	m[17] = 19;
	m[18] = BGP_MSG_KEEPALIVE;
	assert_int_equal(bgp_hdr_parse(m, sizeof(m), &len, &type, &n), 0);
	assert_int_equal(len, 19);
	assert_int_equal(type, BGP_MSG_KEEPALIVE);

	m[3] = 0xfe;			/* bad marker */
	assert_int_equal(bgp_hdr_parse(m, sizeof(m), &len, &type, &n), -1);
	assert_int_equal(n.code, BGP_ERR_HEADER);
	assert_int_equal(n.subcode, BGP_ERR_HDR_SYNC);
	m[3] = 0xff;

	m[17] = 18;			/* length < 19 */
	assert_int_equal(bgp_hdr_parse(m, sizeof(m), &len, &type, &n), -1);
	assert_int_equal(n.subcode, BGP_ERR_HDR_LEN);
	assert_int_equal(n.datalen, 2);
	m[16] = 0x10;			/* 4097 > 4096 */
	m[17] = 0x01;
	assert_int_equal(bgp_hdr_parse(m, sizeof(m), &len, &type, &n), -1);
	assert_int_equal(n.subcode, BGP_ERR_HDR_LEN);
	m[16] = 0;
	m[17] = 20;			/* KEEPALIVE must be 19 */
	assert_int_equal(bgp_hdr_parse(m, sizeof(m), &len, &type, &n), -1);
	assert_int_equal(n.subcode, BGP_ERR_HDR_LEN);
	m[17] = 22;			/* OPEN shorter than 29 */
	m[18] = BGP_MSG_OPEN;
	assert_int_equal(bgp_hdr_parse(m, sizeof(m), &len, &type, &n), -1);
	assert_int_equal(n.subcode, BGP_ERR_HDR_LEN);
	m[17] = 19;
	m[18] = 9;			/* unknown type */
	assert_int_equal(bgp_hdr_parse(m, sizeof(m), &len, &type, &n), -1);
	assert_int_equal(n.subcode, BGP_ERR_HDR_TYPE);
	assert_int_equal(bgp_hdr_parse(m, 10, &len, &type, &n), -1);
}

/* ---- OPEN ---- */

static void
open_roundtrip(uint32_t asn, uint16_t hold, struct bgp_open *o)
{
	struct wbuf w;
	struct bgp_notify n;
	struct in_addr id = { htonl(0x0a000001) };
	uint16_t len;
	uint8_t type;

	wbuf_init(&w);
	assert_true(bgp_open_build(&w, asn, hold, id, BGP_AF_ALL));
	assert_int_equal(bgp_hdr_parse(w.p, w.len, &len, &type, &n), 0);
	assert_int_equal(len, w.len);
	assert_int_equal(type, BGP_MSG_OPEN);
	assert_int_equal(bgp_open_parse(w.p + BGP_HDR_LEN, w.len - BGP_HDR_LEN,
	    o, &n), 0);
	assert_int_equal(o->bgp_id.s_addr, id.s_addr);
	wbuf_free(&w);
}

static void
test_open_roundtrip(void **state)
{
	struct bgp_open o;

	(void)state;
	open_roundtrip(65000, 30, &o);
	assert_int_equal(o.version, 4);
	assert_int_equal(o.my_as, 65000);
	assert_int_equal(o.asn, 65000);
	assert_int_equal(o.hold_time, 30);
	assert_true(o.as4);
	assert_true(o.mp_ipv4);
	assert_true(o.rrefresh);
	/* RFC 6793: a 4-octet ASN goes as AS_TRANS in My AS. */
	open_roundtrip(4200000000u, 90, &o);
	assert_int_equal(o.my_as, BGP_AS_TRANS);
	assert_int_equal(o.asn, 4200000000u);
	open_roundtrip(65000, 0, &o);	/* hold 0 is legal */
	assert_int_equal(o.hold_time, 0);
}

/* OPEN body: version 4, AS 64512, hold, id 10.0.0.1, optional params. */
static size_t
open_body(uint8_t *b, uint8_t version, uint16_t hold, const uint8_t *opt,
    uint8_t optlen)
{
	size_t n = 0;

	b[n++] = version;
	b[n++] = 0xfc;
	b[n++] = 0x00;
	b[n++] = (uint8_t)(hold >> 8);
	b[n++] = (uint8_t)hold;
	b[n++] = 10; b[n++] = 0; b[n++] = 0; b[n++] = 1;
	b[n++] = optlen;
	if (optlen > 0)
		memcpy(b + n, opt, optlen);
	return n + optlen;
}

static void
test_open_errors(void **state)
{
	uint8_t b[64];
	struct bgp_open o;
	struct bgp_notify n;
	/* Capabilities: unknown 99 (ignored), AS4 64512. */
	const uint8_t caps[] = { 2, 9, 99, 1, 7, 65, 4, 0, 0, 0xfc, 0x00 };
	const uint8_t badparam[] = { 1, 0 };
	const uint8_t shortcap[] = { 2, 4, 65, 4, 0, 0 };
	size_t len;

	(void)state;
	len = open_body(b, 4, 30, caps, sizeof(caps));
	assert_int_equal(bgp_open_parse(b, len, &o, &n), 0);
	assert_int_equal(o.asn, AS_AWS);
	assert_true(o.as4);
	assert_true(o.mp_ipv4);		/* no MP capability: IPv4 implied */

	len = open_body(b, 3, 30, NULL, 0);
	assert_int_equal(bgp_open_parse(b, len, &o, &n), -1);
	assert_int_equal(n.code, BGP_ERR_OPEN);
	assert_int_equal(n.subcode, BGP_ERR_OPEN_VERSION);
	assert_int_equal(n.datalen, 2);
	assert_int_equal(n.data[1], 4);

	len = open_body(b, 4, 1, NULL, 0);
	assert_int_equal(bgp_open_parse(b, len, &o, &n), -1);
	assert_int_equal(n.subcode, BGP_ERR_OPEN_HOLD);
	len = open_body(b, 4, 2, NULL, 0);
	assert_int_equal(bgp_open_parse(b, len, &o, &n), -1);
	assert_int_equal(n.subcode, BGP_ERR_OPEN_HOLD);
	len = open_body(b, 4, 3, NULL, 0);
	assert_int_equal(bgp_open_parse(b, len, &o, &n), 0);

	len = open_body(b, 4, 30, badparam, sizeof(badparam));
	assert_int_equal(bgp_open_parse(b, len, &o, &n), -1);
	assert_int_equal(n.subcode, BGP_ERR_OPEN_OPT);

	len = open_body(b, 4, 30, shortcap, sizeof(shortcap));
	assert_int_equal(bgp_open_parse(b, len, &o, &n), -1);
	assert_int_equal(n.code, BGP_ERR_OPEN);

	/* Optional parameter length beyond the message. */
	len = open_body(b, 4, 30, caps, sizeof(caps));
	assert_int_equal(bgp_open_parse(b, len - 1, &o, &n), -1);
	/* Truncated fixed part. */
	assert_int_equal(bgp_open_parse(b, 7, &o, &n), -1);
}

static void
test_notify_names(void **state)
{
	char buf[96];
	struct wbuf w;
	struct bgp_notify n, m;

	(void)state;
	assert_string_equal(bgp_notify_name(4, 0, buf, sizeof(buf)),
	    "Hold Timer Expired");
	assert_string_equal(bgp_notify_name(6, 2, buf, sizeof(buf)),
	    "Cease/Administrative Shutdown");
	assert_string_equal(bgp_notify_name(6, 1, buf, sizeof(buf)),
	    "Cease/Maximum Number of Prefixes Reached");
	assert_string_equal(bgp_notify_name(3, 11, buf, sizeof(buf)),
	    "UPDATE Message Error/Malformed AS_PATH");
	assert_string_equal(bgp_notify_name(42, 1, buf, sizeof(buf)),
	    "error 42/1");

	bgp_notify_set(&n, 6, 1, "\x00\x01\x01\x00\x00\x03\xe8", 7);
	wbuf_init(&w);
	assert_true(bgp_notify_build(&w, &n));
	assert_int_equal(w.len, BGP_HDR_LEN + 2 + 7);
	assert_int_equal(bgp_notify_parse(w.p + BGP_HDR_LEN,
	    w.len - BGP_HDR_LEN, &m), 0);
	assert_int_equal(m.code, 6);
	assert_int_equal(m.subcode, 1);
	assert_int_equal(m.datalen, 7);
	assert_memory_equal(m.data, n.data, 7);
	wbuf_free(&w);
}

/* ---- UPDATE ---- */

static void
test_update_good(void **state)
{
	struct blob wd = { .n = 0 }, a, x;
	struct bgp_parse_ctx pc = ebgp_ctx(true);
	struct bgp_update u;
	struct bgp_notify n;
	const uint8_t w[] = { 24, 10, 1, 2, 0 };	/* 10.1.2.0/24, 0/0 */

	(void)state;
	std_attrs(&a);
	put(&wd, w, sizeof(w));
	upd(&x, &wd, &a, NLRI_VPC, sizeof(NLRI_VPC));
	assert_int_equal(parse(&x, &pc, &u, &n), 0);
	assert_false(u.treat_as_withdraw);
	assert_int_equal(u.nwithdrawn, 2);
	assert_int_equal(u.withdrawn[0].len, 24);
	assert_int_equal(u.withdrawn[0].addr.v4.s_addr, htonl(0x0a010200));
	assert_int_equal(u.withdrawn[1].len, 0);
	assert_int_equal(u.nnlri, 1);
	assert_int_equal(u.nlri[0].len, 16);
	assert_int_equal(u.nlri[0].addr.v4.s_addr, htonl(0xac1f0000));
	assert_int_equal(u.attrs.origin, BGP_ORIGIN_IGP);
	assert_int_equal(bgp_aspath_first(u.attrs.aspath, u.attrs.aspath_len),
	    AS_AWS);
	assert_int_equal(u.attrs.nexthop.s_addr, htonl(0xa9fe1501));
	bgp_update_free(&u);
}

/* Replace attrs with std ones plus `extra` appended; expect the outcome. */
enum outcome { OK, WITHDRAW, RESET };

static void
expect(const uint8_t *attrs, size_t alen, bool with_std, enum outcome o,
    uint8_t subcode, bool as4)
{
	struct blob wd = { .n = 0 }, a = { .n = 0 }, x;
	struct bgp_parse_ctx pc = ebgp_ctx(as4);
	struct bgp_update u;
	struct bgp_notify n;
	int rc;

	if (with_std)
		std_attrs(&a);
	put(&a, attrs, alen);
	upd(&x, &wd, &a, NLRI_VPC, sizeof(NLRI_VPC));
	rc = parse(&x, &pc, &u, &n);
	if (o == RESET) {
		assert_int_equal(rc, -1);
		assert_int_equal(n.code, BGP_ERR_UPDATE);
		assert_int_equal(n.subcode, subcode);
		return;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(u.treat_as_withdraw, o == WITHDRAW);
	assert_int_equal(u.nnlri, 1);
	bgp_update_free(&u);
}

static void
test_update_7606(void **state)
{
	/* Missing NEXT_HOP: treat-as-withdraw (3.d). */
	const uint8_t no_nh[] = { 0x40, 1, 1, 0, 0x40, 2, 6, 2, 1, 0, 0,
	    0xfc, 0 };
	/* ORIGIN value 3. */
	const uint8_t bad_origin[] = { 0x40, 1, 1, 3, 0x40, 2, 6, 2, 1, 0, 0,
	    0xfc, 0, 0x40, 3, 4, 10, 0, 0, 1 };
	/* ORIGIN of length 2. */
	const uint8_t origin_len[] = { 0x40, 1, 2, 0, 0, 0x40, 2, 6, 2, 1, 0,
	    0, 0xfc, 0, 0x40, 3, 4, 10, 0, 0, 1 };
	/* A second ORIGIN (value 5) after the good one: discarded (3.g). */
	const uint8_t dup_origin[] = { 0x40, 1, 1, 5 };
	/* AS_PATH segment type 5, then a count of 0. */
	const uint8_t bad_seg[] = { 0x40, 1, 1, 0, 0x40, 2, 6, 5, 1, 0, 0,
	    0xfc, 0, 0x40, 3, 4, 10, 0, 0, 1 };
	const uint8_t zero_seg[] = { 0x40, 1, 1, 0, 0x40, 2, 2, 2, 0,
	    0x40, 3, 4, 10, 0, 0, 1 };
	/* AS_PATH count says 2 ASNs, carries 1. */
	const uint8_t short_seg[] = { 0x40, 1, 1, 0, 0x40, 2, 6, 2, 2, 0, 0,
	    0xfc, 0, 0x40, 3, 4, 10, 0, 0, 1 };
	/* First AS is not the peer's (64513). */
	const uint8_t wrong_first[] = { 0x40, 1, 1, 0, 0x40, 2, 6, 2, 1, 0, 0,
	    0xfc, 1, 0x40, 3, 4, 10, 0, 0, 1 };
	/* Attribute length beyond the attribute section (4). */
	const uint8_t overrun[] = { 0xc0, 99, 40, 1, 2 };
	/* Truncated attribute header. */
	const uint8_t trunc_hdr[] = { 0x40 };
	/* Unknown well-known: session reset. */
	const uint8_t unk_wk[] = { 0x40, 99, 0 };
	/* ATOMIC_AGGREGATE of length 1: discarded only. */
	const uint8_t atomic_len[] = { 0x40, 6, 1, 0 };
	/* COMMUNITIES of length 3: treat-as-withdraw. */
	const uint8_t comm_len[] = { 0xc0, 8, 3, 0, 0, 0 };
	/* MED with the transitive flag: malformed -> withdraw (3.c). */
	const uint8_t med_flags[] = { 0xc0, 4, 4, 0, 0, 0, 1 };
	/* NEXT_HOP 0.0.0.0: semantically invalid -> withdraw. */
	const uint8_t nh_zero[] = { 0x40, 1, 1, 0, 0x40, 2, 6, 2, 1, 0, 0,
	    0xfc, 0, 0x40, 3, 4, 0, 0, 0, 0 };
	/* Two MP_REACH_NLRI: reset (3.g). */
	const uint8_t mp_dup[] = { 0x80, 14, 5, 0, 2, 1, 0, 0,
	    0x80, 14, 5, 0, 2, 1, 0, 0 };

	(void)state;
	expect(no_nh, sizeof(no_nh), false, WITHDRAW, 0, true);
	expect(bad_origin, sizeof(bad_origin), false, WITHDRAW, 0, true);
	expect(origin_len, sizeof(origin_len), false, WITHDRAW, 0, true);
	expect(dup_origin, sizeof(dup_origin), true, OK, 0, true);
	expect(bad_seg, sizeof(bad_seg), false, WITHDRAW, 0, true);
	expect(zero_seg, sizeof(zero_seg), false, WITHDRAW, 0, true);
	expect(short_seg, sizeof(short_seg), false, WITHDRAW, 0, true);
	expect(wrong_first, sizeof(wrong_first), false, WITHDRAW, 0, true);
	expect(overrun, sizeof(overrun), true, WITHDRAW, 0, true);
	expect(trunc_hdr, sizeof(trunc_hdr), true, WITHDRAW, 0, true);
	expect(unk_wk, sizeof(unk_wk), true, RESET, BGP_ERR_UPD_UNKWK, true);
	expect(atomic_len, sizeof(atomic_len), true, OK, 0, true);
	expect(comm_len, sizeof(comm_len), true, WITHDRAW, 0, true);
	expect(med_flags, sizeof(med_flags), true, WITHDRAW, 0, true);
	expect(nh_zero, sizeof(nh_zero), false, WITHDRAW, 0, true);
	expect(mp_dup, sizeof(mp_dup), true, RESET, BGP_ERR_UPD_ATTRLIST, true);
}

static void
test_update_framing_errors(void **state)
{
	struct bgp_parse_ctx pc = ebgp_ctx(true);
	struct bgp_update u;
	struct bgp_notify n;
	struct blob x;
	/* Withdrawn length 10 in a 4-byte body. */
	const uint8_t wlen[] = { 0, 10, 0, 0 };
	/* Total attribute length 50 beyond the message. */
	const uint8_t alen[] = { 0, 0, 0, 50, 0x40, 1, 1, 0 };
	/* NLRI /33. */
	const uint8_t nlri33[] = { 0, 0, 0, 0, 33, 1, 2, 3, 4, 5 };
	/* NLRI /24 with 2 octets. */
	const uint8_t nlri_short[] = { 0, 0, 0, 0, 24, 1, 2 };

	(void)state;
	x.n = 0;
	put(&x, wlen, sizeof(wlen));
	assert_int_equal(parse(&x, &pc, &u, &n), -1);
	assert_int_equal(n.subcode, BGP_ERR_UPD_ATTRLIST);
	x.n = 0;
	put(&x, alen, sizeof(alen));
	assert_int_equal(parse(&x, &pc, &u, &n), -1);
	assert_int_equal(n.subcode, BGP_ERR_UPD_ATTRLIST);
	x.n = 0;
	put(&x, nlri33, sizeof(nlri33));
	assert_int_equal(parse(&x, &pc, &u, &n), -1);
	assert_int_equal(n.subcode, BGP_ERR_UPD_NETWORK);
	x.n = 0;
	put(&x, nlri_short, sizeof(nlri_short));
	assert_int_equal(parse(&x, &pc, &u, &n), -1);
	assert_int_equal(n.subcode, BGP_ERR_UPD_NETWORK);
	x.n = 0;
	assert_int_equal(parse(&x, &pc, &u, &n), -1);	/* empty body */
	/* Withdraw-only (and End-of-RIB) updates need no attributes. */
	x.n = 0;
	put(&x, "\0\0\0\0", 4);
	assert_int_equal(parse(&x, &pc, &u, &n), 0);
	assert_int_equal(u.nnlri + u.nwithdrawn, 0);
	bgp_update_free(&u);
}

static void
test_update_optional_attrs(void **state)
{
	struct blob wd = { .n = 0 }, a, x;
	struct bgp_parse_ctx pc = ebgp_ctx(true);
	struct bgp_update u;
	struct bgp_notify n;
	/* Unknown optional transitive, unknown optional non-transitive,
	 * LOCAL_PREF from eBGP, MED, COMMUNITIES, AGGREGATOR. */
	const uint8_t extra[] = { 0xc0, 99, 2, 0xab, 0xcd, 0x80, 98, 1, 0,
	    0x40, 5, 4, 0, 0, 1, 0, 0x80, 4, 4, 0, 0, 0, 7,
	    0xc0, 8, 4, 0xfc, 0, 0, 1, 0xc0, 7, 8, 0, 0, 0xfc, 0, 1, 2, 3, 4 };
	const uint8_t kept[] = { 0xe0, 99, 2, 0xab, 0xcd };

	(void)state;
	std_attrs(&a);
	put(&a, extra, sizeof(extra));
	upd(&x, &wd, &a, NLRI_VPC, sizeof(NLRI_VPC));
	assert_int_equal(parse(&x, &pc, &u, &n), 0);
	assert_false(u.treat_as_withdraw);
	assert_int_equal(u.attrs.other_len, sizeof(kept));
	assert_memory_equal(u.attrs.other, kept, sizeof(kept));	/* Partial */
	assert_false(BGP_SEEN(&u.attrs, BGP_ATTR_LOCAL_PREF));
	assert_true(BGP_SEEN(&u.attrs, BGP_ATTR_MED));
	assert_int_equal(u.attrs.med, 7);
	assert_int_equal(u.attrs.communities_len, 4);
	assert_int_equal(u.attrs.agg_as, AS_AWS);
	bgp_update_free(&u);
}

/* Encode attributes as for a peer, wrap in an UPDATE, parse back. */
static void
roundtrip(const struct bgp_attrs *in, bool as4, struct bgp_update *u)
{
	struct wbuf w;
	struct blob x, wd = { .n = 0 }, a = { .n = 0 };
	struct bgp_parse_ctx pc = ebgp_ctx(as4);
	struct bgp_notify n;

	wbuf_init(&w);
	assert_true(bgp_attrs_encode(&w, in, as4));
	put(&a, w.p, w.len);
	wbuf_free(&w);
	pc.peer_as = bgp_aspath_first(in->aspath, in->aspath_len);
	upd(&x, &wd, &a, NLRI_VPC, sizeof(NLRI_VPC));
	assert_int_equal(parse(&x, &pc, u, &n), 0);
	assert_false(u->treat_as_withdraw);
}

static void
test_update_roundtrip_as4(void **state)
{
	struct bgp_attrs a;
	struct bgp_update u;
	uint8_t *p;
	size_t l;
	uint32_t *flat;
	size_t nflat;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.seen = 1u << BGP_ATTR_ORIGIN | 1u << BGP_ATTR_AS_PATH |
	    1u << BGP_ATTR_NEXT_HOP | 1u << BGP_ATTR_AGGREGATOR;
	a.origin = BGP_ORIGIN_INCOMPLETE;
	a.nexthop.s_addr = htonl(0xa9fe1502);
	a.agg_as = 4200000001u;
	a.agg_id.s_addr = htonl(0x01020304);
	assert_int_equal(bgp_aspath_prepend(NULL, 0, 64512, 1, &p, &l), 0);
	a.aspath = p;
	a.aspath_len = l;
	assert_int_equal(bgp_aspath_prepend(a.aspath, a.aspath_len,
	    4200000000u, 2, &p, &l), 0);
	free(a.aspath);
	a.aspath = p;
	a.aspath_len = l;
	assert_int_equal(bgp_aspath_count(a.aspath, a.aspath_len), 3);
	assert_int_equal(a.aspath_len, 2 + 3 * 4);	/* merged segment */

	/* 4-octet session: as is. */
	roundtrip(&a, true, &u);
	assert_true(bgp_attrs_eq(&a, &u.attrs));
	bgp_update_free(&u);

	/* 2-octet session: AS_TRANS + AS4_PATH/AS4_AGGREGATOR restore it. */
	roundtrip(&a, false, &u);
	assert_int_equal(bgp_aspath_flatten(u.attrs.aspath, u.attrs.aspath_len,
	    &flat, &nflat), 0);
	assert_int_equal(nflat, 3);
	assert_int_equal(flat[0], 4200000000u);
	assert_int_equal(flat[1], 4200000000u);
	assert_int_equal(flat[2], 64512);
	free(flat);
	assert_int_equal(u.attrs.agg_as, 4200000001u);
	assert_int_equal(u.attrs.origin, BGP_ORIGIN_INCOMPLETE);
	bgp_update_free(&u);
	assert_true(bgp_aspath_contains(a.aspath, a.aspath_len, 64512));
	assert_false(bgp_aspath_contains(a.aspath, a.aspath_len, 65000));
	bgp_attrs_clear(&a);
}

static void
test_prepend_many(void **state)
{
	uint8_t *p;
	size_t l;

	(void)state;
	/* More than one segment's worth. */
	assert_int_equal(bgp_aspath_prepend(NULL, 0, 65000, 300, &p, &l), 0);
	assert_int_equal(bgp_aspath_count(p, l), 300);
	assert_int_equal(l, 2 + 255 * 4 + 2 + 45 * 4);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hdr_checks),
		cmocka_unit_test(test_open_roundtrip),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_notify_names),
		cmocka_unit_test(test_update_good),
		cmocka_unit_test(test_update_7606),
		cmocka_unit_test(test_update_framing_errors),
		cmocka_unit_test(test_update_optional_attrs),
		cmocka_unit_test(test_update_roundtrip_as4),
		cmocka_unit_test(test_prepend_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
