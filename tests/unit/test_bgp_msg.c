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

/* ---- MP-BGP: IPv6 unicast (RFC 4760, 2545, 7606 5.3/7.11, 4724) ---- */

static void
test_open_families(void **state)
{
	struct wbuf w;
	struct bgp_notify n;
	struct bgp_open o;
	struct in_addr id = { htonl(0x0a000001) };
	uint8_t b[64];
	size_t len;
	/* Capabilities: MP IPv6 unicast only, AS4 64512. */
	const uint8_t v6only[] = { 2, 12, 1, 4, 0, 2, 0, 1, 65, 4, 0, 0,
	    0xfc, 0x00 };
	/* MP IPv4 multicast (SAFI 2) alone: neither unicast family. */
	const uint8_t mcast[] = { 2, 6, 1, 4, 0, 1, 0, 2 };

	(void)state;
	/* What we offer: both, as two MP capabilities. */
	wbuf_init(&w);
	assert_true(bgp_open_build(&w, 65000, 30, id, BGP_AF_ALL));
	assert_int_equal(bgp_open_parse(w.p + BGP_HDR_LEN, w.len - BGP_HDR_LEN,
	    &o, &n), 0);
	assert_true(o.mp_ipv4);
	assert_true(o.mp_ipv6);
	wbuf_free(&w);
	wbuf_init(&w);
	assert_true(bgp_open_build(&w, 65000, 30, id, BGP_AF_IPV4));
	assert_int_equal(bgp_open_parse(w.p + BGP_HDR_LEN, w.len - BGP_HDR_LEN,
	    &o, &n), 0);
	assert_true(o.mp_ipv4);
	assert_false(o.mp_ipv6);
	wbuf_free(&w);

	/* A peer offering IPv6 alone: IPv4 is not implied (RFC 4760 8). */
	len = open_body(b, 4, 30, v6only, sizeof(v6only));
	assert_int_equal(bgp_open_parse(b, len, &o, &n), 0);
	assert_false(o.mp_ipv4);
	assert_true(o.mp_ipv6);
	len = open_body(b, 4, 30, mcast, sizeof(mcast));
	assert_int_equal(bgp_open_parse(b, len, &o, &n), 0);
	assert_false(o.mp_ipv4);
	assert_false(o.mp_ipv6);
	/* No MP capability at all: IPv4 unicast only. */
	len = open_body(b, 4, 30, NULL, 0);
	assert_int_equal(bgp_open_parse(b, len, &o, &n), 0);
	assert_true(o.mp_ipv4);
	assert_false(o.mp_ipv6);
}

/* MP_REACH_NLRI for IPv6 unicast, attribute header included. */
static void
mp_reach6(struct blob *a, const uint8_t *nh, uint8_t nhlen,
    const uint8_t *nlri, size_t nlen)
{
	uint8_t h[9];
	size_t vlen = 5 + nhlen + nlen;

	h[0] = 0x90;		/* optional, extended length */
	h[1] = 14;
	h[2] = (uint8_t)(vlen >> 8);
	h[3] = (uint8_t)vlen;
	h[4] = 0;
	h[5] = 2;		/* AFI IPv6 */
	h[6] = 1;		/* SAFI unicast */
	h[7] = nhlen;
	put(a, h, 8);
	put(a, nh, nhlen);
	h[0] = 0;		/* reserved */
	put(a, h, 1);
	put(a, nlri, nlen);
}

static void
mp_unreach6(struct blob *a, const uint8_t *nlri, size_t nlen)
{
	uint8_t h[7] = { 0x90, 15, 0, (uint8_t)(3 + nlen), 0, 2, 1 };

	put(a, h, sizeof(h));
	put(a, nlri, nlen);
}

/* ::ffff:169.254.21.1, then fe80::1 */
static const uint8_t NH6_MAPPED[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
	169, 254, 21, 1 };
static const uint8_t NH6_GLOBAL_LL[] = {
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
/* 2600:1f00::/40, ::/0, 2001:db8::1/128, 2001:db8:ffff:ffff:ffff::/65
 * with a host bit set (cleared on input). */
static const uint8_t NLRI6[] = { 40, 0x26, 0x00, 0x1f, 0x00, 0x00, 0,
	128, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	65, 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0xff, 0xff, 0xff };

static struct bgp_parse_ctx
ebgp6_ctx(void)
{
	struct bgp_parse_ctx pc = ebgp_ctx(true);

	pc.ipv6 = true;
	return pc;
}

/* ORIGIN, AS_PATH and MP_REACH_NLRI, no NEXT_HOP, no IPv4 NLRI. */
static void
v6_update(struct blob *x, const uint8_t *nh, uint8_t nhlen,
    const uint8_t *nlri, size_t nlen)
{
	struct blob wd = { .n = 0 }, a = { .n = 0 };

	mp_reach6(&a, nh, nhlen, nlri, nlen);
	put(&a, A_ORIGIN, sizeof(A_ORIGIN));
	put(&a, A_ASPATH, sizeof(A_ASPATH));
	upd(x, &wd, &a, NULL, 0);
}

static void
test_mp_reach6(void **state)
{
	struct bgp_parse_ctx pc = ebgp6_ctx();
	struct bgp_update u;
	struct bgp_notify n;
	struct cgw_prefix p;
	struct cgw_addr gw;
	struct blob x;
	char buf[CGW_PREFIXSTRLEN];

	(void)state;
	v6_update(&x, NH6_MAPPED, 16, NLRI6, sizeof(NLRI6));
	assert_int_equal(parse(&x, &pc, &u, &n), 0);
	assert_false(u.treat_as_withdraw);	/* no NEXT_HOP needed */
	assert_int_equal(u.nnlri, 4);
	assert_int_equal(u.nnlri6, 4);
	assert_string_equal(prefix_fmt(&u.nlri[0], buf, sizeof(buf)),
	    "2600:1f00::/40");
	assert_string_equal(prefix_fmt(&u.nlri[1], buf, sizeof(buf)), "::/0");
	assert_int_equal(u.nlri[1].addr.af, AF_INET6);
	assert_string_equal(prefix_fmt(&u.nlri[2], buf, sizeof(buf)),
	    "2001:db8::1/128");
	assert_string_equal(prefix_fmt(&u.nlri[3], buf, sizeof(buf)),
	    "2001:db8:ffff:ffff:8000::/65");
	assert_int_equal(u.attrs.nh6_len, 16);
	assert_memory_equal(&u.attrs.nh6[0], NH6_MAPPED, 16);
	/* MP_REACH leaves no trace among the path's attributes. */
	assert_false(BGP_SEEN(&u.attrs, BGP_ATTR_MP_REACH));
	/* An IPv4-mapped next hop is forwarded to as IPv4. */
	bgp_attrs_gateway(&u.attrs, &gw);
	assert_int_equal(gw.af, AF_INET);
	assert_int_equal(gw.v4.s_addr, htonl(0xa9fe1501));
	bgp_update_free(&u);

	/* Global and link-local: the link-local one is the gateway. */
	v6_update(&x, NH6_GLOBAL_LL, 32, NLRI6, 6);
	assert_int_equal(parse(&x, &pc, &u, &n), 0);
	assert_false(u.treat_as_withdraw);
	assert_int_equal(u.attrs.nh6_len, 32);
	bgp_attrs_gateway(&u.attrs, &gw);
	assert_true(addr_parse("fe80::1", &p.addr));
	assert_true(addr_eq(&gw, &p.addr));
	bgp_update_free(&u);

	/* A second address that is not link-local is dropped: the global
	 * one is the gateway. */
	{
		uint8_t two[32];

		memcpy(two, NH6_GLOBAL_LL, 16);
		memcpy(two + 16, NH6_GLOBAL_LL, 16);
		v6_update(&x, two, 32, NLRI6, 6);
		assert_int_equal(parse(&x, &pc, &u, &n), 0);
		assert_int_equal(u.attrs.nh6_len, 16);
		bgp_attrs_gateway(&u.attrs, &gw);
		assert_true(addr_parse("2001:db8::1", &p.addr));
		assert_true(addr_eq(&gw, &p.addr));
		bgp_update_free(&u);
	}

	/* IPv6 not negotiated: the attribute is skipped, nothing learned. */
	pc = ebgp_ctx(true);
	v6_update(&x, NH6_MAPPED, 16, NLRI6, sizeof(NLRI6));
	assert_int_equal(parse(&x, &pc, &u, &n), 0);
	assert_int_equal(u.nnlri, 0);
	bgp_update_free(&u);
}

/* An MP_REACH whose next hop or NLRI cannot be read resets the session
 * (RFC 7606 7.11, 5.3): the NLRI cannot be found to withdraw them. */
static void
expect_v6_reset(const struct blob *x, uint8_t sub)
{
	struct bgp_parse_ctx pc = ebgp6_ctx();
	struct bgp_update u;
	struct bgp_notify n;

	assert_int_equal(parse(x, &pc, &u, &n), -1);
	assert_int_equal(n.code, BGP_ERR_UPDATE);
	assert_int_equal(n.subcode, sub);
}

static void
test_mp_reach6_malformed(void **state)
{
	struct blob x, a = { .n = 0 }, wd = { .n = 0 };
	uint8_t nh17[17] = { 0 };
	const uint8_t len129[] = { 129, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 0 };
	const uint8_t trunc[] = { 48, 0x20, 0x01 };
	/* AFI 2, SAFI 1, next hop length 16 with 3 octets of it. */
	const uint8_t nh_over[] = { 0x80, 14, 7, 0, 2, 1, 16, 0x20, 0x01,
	    0x0d };
	/* No reserved octet. */
	const uint8_t no_res[] = { 0x80, 14, 20, 0, 2, 1, 16, 0, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 0xff, 0xff, 169, 254, 21, 1 };

	(void)state;
	v6_update(&x, NH6_MAPPED, 4, NULL, 0);		/* IPv4 length */
	expect_v6_reset(&x, BGP_ERR_UPD_OPTATTR);
	v6_update(&x, nh17, 17, NULL, 0);
	expect_v6_reset(&x, BGP_ERR_UPD_OPTATTR);
	v6_update(&x, nh17, 0, NULL, 0);
	expect_v6_reset(&x, BGP_ERR_UPD_OPTATTR);
	v6_update(&x, NH6_MAPPED, 16, len129, sizeof(len129));
	expect_v6_reset(&x, BGP_ERR_UPD_NETWORK);
	v6_update(&x, NH6_MAPPED, 16, trunc, sizeof(trunc));
	expect_v6_reset(&x, BGP_ERR_UPD_NETWORK);
	put(&a, nh_over, sizeof(nh_over));
	upd(&x, &wd, &a, NULL, 0);
	expect_v6_reset(&x, BGP_ERR_UPD_OPTATTR);
	a.n = 0;
	put(&a, no_res, sizeof(no_res));
	upd(&x, &wd, &a, NULL, 0);
	expect_v6_reset(&x, BGP_ERR_UPD_OPTATTR);
	/* Two MP_REACH_NLRI (RFC 7606 3.g). */
	a.n = 0;
	mp_reach6(&a, NH6_MAPPED, 16, NLRI6, 6);
	mp_reach6(&a, NH6_MAPPED, 16, NLRI6, 6);
	upd(&x, &wd, &a, NULL, 0);
	expect_v6_reset(&x, BGP_ERR_UPD_ATTRLIST);
}

/* A next hop of the right length that no one can forward to withdraws
 * the prefixes (treat-as-withdraw), which are still read. */
static void
test_mp_reach6_bad_nexthop(void **state)
{
	struct bgp_parse_ctx pc = ebgp6_ctx();
	struct bgp_update u;
	struct bgp_notify n;
	struct blob x;
	uint8_t nh[16];
	static const char *const bad[] = { "::", "::1", "ff02::1",
	    "::ffff:0.0.0.0", "::ffff:224.0.0.1" };
	struct cgw_addr a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_true(addr_parse(bad[i], &a));
		memcpy(nh, a.bytes, 16);
		v6_update(&x, nh, 16, NLRI6, 6);
		assert_int_equal(parse(&x, &pc, &u, &n), 0);
		assert_true(u.treat_as_withdraw);
		assert_int_equal(u.nnlri, 1);
		assert_non_null(strstr(pc.why, "next hop"));
		bgp_update_free(&u);
	}
	/* :: beside a link-local one is usable (the link-local is). */
	{
		uint8_t two[32] = { 0 };

		memcpy(two + 16, NH6_GLOBAL_LL + 16, 16);
		v6_update(&x, two, 32, NLRI6, 6);
		assert_int_equal(parse(&x, &pc, &u, &n), 0);
		assert_false(u.treat_as_withdraw);
		bgp_update_free(&u);
	}
}

static void
test_mp_unreach6_and_eor(void **state)
{
	struct bgp_parse_ctx pc = ebgp6_ctx();
	struct bgp_update u;
	struct bgp_notify n;
	struct blob x, a = { .n = 0 }, wd = { .n = 0 };
	const uint8_t bad[] = { 130, 0x20 };
	/* The End-of-RIB as BIRD and cgwd send it. */
	const uint8_t eor[] = { 0, 0, 0, 7, 0x90, 15, 0, 3, 0, 2, 1 };

	(void)state;
	mp_unreach6(&a, NLRI6, 6);
	upd(&x, &wd, &a, NULL, 0);
	assert_int_equal(parse(&x, &pc, &u, &n), 0);
	assert_int_equal(u.nwithdrawn, 1);
	assert_int_equal(u.withdrawn[0].addr.af, AF_INET6);
	assert_int_equal(u.withdrawn[0].len, 40);
	assert_false(u.eor6);
	bgp_update_free(&u);

	x.n = 0;
	put(&x, eor, sizeof(eor));
	assert_int_equal(parse(&x, &pc, &u, &n), 0);
	assert_true(u.eor6);
	assert_int_equal(u.nwithdrawn + u.nnlri, 0);
	bgp_update_free(&u);

	/* Empty, but beside other attributes: not an End-of-RIB. */
	a.n = 0;
	mp_unreach6(&a, NULL, 0);
	put(&a, A_ORIGIN, sizeof(A_ORIGIN));
	upd(&x, &wd, &a, NULL, 0);
	assert_int_equal(parse(&x, &pc, &u, &n), 0);
	assert_false(u.eor6);
	bgp_update_free(&u);

	a.n = 0;
	mp_unreach6(&a, bad, sizeof(bad));
	upd(&x, &wd, &a, NULL, 0);
	expect_v6_reset(&x, BGP_ERR_UPD_NETWORK);
}

/* IPv4 NLRI and IPv6 MP_REACH in one UPDATE: NEXT_HOP is required by
 * the IPv4 ones alone (RFC 4760 3). */
static void
test_mp_mixed(void **state)
{
	struct bgp_parse_ctx pc = ebgp6_ctx();
	struct bgp_update u;
	struct bgp_notify n;
	struct blob x, a = { .n = 0 }, wd = { .n = 0 };

	(void)state;
	mp_reach6(&a, NH6_MAPPED, 16, NLRI6, 6);
	std_attrs(&x);
	put(&a, x.b, x.n);
	upd(&x, &wd, &a, NLRI_VPC, sizeof(NLRI_VPC));
	assert_int_equal(parse(&x, &pc, &u, &n), 0);
	assert_false(u.treat_as_withdraw);
	assert_int_equal(u.nnlri, 2);
	assert_int_equal(u.nnlri6, 1);
	assert_int_equal(u.attrs.nexthop.s_addr, htonl(0xa9fe1501));
	bgp_update_free(&u);

	/* Without NEXT_HOP: the IPv4 NLRI make it treat-as-withdraw. */
	a.n = 0;
	mp_reach6(&a, NH6_MAPPED, 16, NLRI6, 6);
	put(&a, A_ORIGIN, sizeof(A_ORIGIN));
	put(&a, A_ASPATH, sizeof(A_ASPATH));
	upd(&x, &wd, &a, NLRI_VPC, sizeof(NLRI_VPC));
	assert_int_equal(parse(&x, &pc, &u, &n), 0);
	assert_true(u.treat_as_withdraw);
	bgp_update_free(&u);

	/* IPv6 alone without ORIGIN: treat-as-withdraw (RFC 7606 3.d). */
	a.n = 0;
	mp_reach6(&a, NH6_MAPPED, 16, NLRI6, 6);
	put(&a, A_ASPATH, sizeof(A_ASPATH));
	upd(&x, &wd, &a, NULL, 0);
	assert_int_equal(parse(&x, &pc, &u, &n), 0);
	assert_true(u.treat_as_withdraw);
	assert_int_equal(u.nnlri, 1);
	bgp_update_free(&u);
}

/* What cgwd sends for IPv6: MP_REACH first, no NEXT_HOP; parsed back. */
static void
test_mp_encode_roundtrip(void **state)
{
	struct bgp_parse_ctx pc = ebgp6_ctx();
	struct bgp_attrs a;
	struct bgp_update u;
	struct bgp_notify n;
	struct cgw_prefix p[2];
	struct wbuf w, at;
	size_t off, i;
	uint8_t *np;
	size_t nl;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.seen = 1u << BGP_ATTR_ORIGIN | 1u << BGP_ATTR_AS_PATH;
	assert_int_equal(bgp_aspath_prepend(NULL, 0, AS_AWS, 1, &np, &nl), 0);
	a.aspath = np;
	a.aspath_len = nl;
	a.nh6_len = 16;
	memcpy(&a.nh6[0], NH6_MAPPED, 16);
	assert_true(prefix_parse("2001:db8:100::/48", &p[0]));
	assert_true(prefix_parse("::/0", &p[1]));

	wbuf_init(&at);
	assert_true(bgp_attrs_encode(&at, &a, true));
	/* No NEXT_HOP among them (all short: flags, code, length). */
	for (i = 0; i + 2 < at.len; i += 3u + at.p[i + 2])
		assert_int_not_equal(at.p[i + 1], BGP_ATTR_NEXT_HOP);
	wbuf_init(&w);
	wbuf_u16(&w, 0);
	wbuf_u16(&w, 0);
	off = bgp_mp_reach_begin(&w, &a);
	for (i = 0; i < 2; i++)
		assert_true(bgp_prefix_encode(&w, &p[i]));
	assert_true(bgp_mp_end(&w, off));
	assert_int_equal(w.len - off, bgp_mp_reach_overhead(&a) +
	    bgp_prefix_wire_len(&p[0]) + bgp_prefix_wire_len(&p[1]));
	wbuf_bytes(&w, at.p, at.len);
	wbuf_set_u16(&w, 2, (uint16_t)(w.len - 4));
	assert_false(w.err);
	assert_int_equal(bgp_update_parse(w.p, w.len, &pc, &u, &n), 0);
	assert_false(u.treat_as_withdraw);
	assert_int_equal(u.nnlri6, 2);
	assert_true(prefix_eq(&u.nlri[0], &p[0]));
	assert_true(prefix_eq(&u.nlri[1], &p[1]));
	assert_int_equal(u.nlri[1].len, 0);
	assert_memory_equal(&u.attrs.nh6[0], NH6_MAPPED, 16);
	bgp_update_free(&u);
	wbuf_free(&w);

	/* MP_UNREACH with the same prefixes. */
	wbuf_init(&w);
	wbuf_u16(&w, 0);
	wbuf_u16(&w, 0);
	off = bgp_mp_unreach_begin(&w);
	assert_int_equal(w.len - off, BGP_MP_UNREACH_OVERHEAD);
	for (i = 0; i < 2; i++)
		assert_true(bgp_prefix_encode(&w, &p[i]));
	assert_true(bgp_mp_end(&w, off));
	wbuf_set_u16(&w, 2, (uint16_t)(w.len - 4));
	assert_int_equal(bgp_update_parse(w.p, w.len, &pc, &u, &n), 0);
	assert_int_equal(u.nwithdrawn, 2);
	assert_true(prefix_eq(&u.withdrawn[0], &p[0]));
	bgp_update_free(&u);
	wbuf_free(&w);
	wbuf_free(&at);
	bgp_attrs_clear(&a);

	/* A prefix longer than its family cannot be encoded. */
	wbuf_init(&w);
	p[0].len = 129;
	assert_false(bgp_prefix_encode(&w, &p[0]));
	wbuf_free(&w);
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
		cmocka_unit_test(test_open_families),
		cmocka_unit_test(test_mp_reach6),
		cmocka_unit_test(test_mp_reach6_malformed),
		cmocka_unit_test(test_mp_reach6_bad_nexthop),
		cmocka_unit_test(test_mp_unreach6_and_eor),
		cmocka_unit_test(test_mp_mixed),
		cmocka_unit_test(test_mp_encode_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
