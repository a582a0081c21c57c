/* Proposal building from the configuration, responder selection (2.7) and
 * the initiator's check of the responder's choice. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ike/ike_local.h"

static void
xf(struct ike_prop *p, uint8_t type, uint16_t id, uint16_t keybits)
{
	p->xf[p->nxf++] = (struct conf_xform){ type, id, keybits };
}

static void
cp_add(struct conf_proposal *p, uint8_t type, uint16_t id, uint16_t keybits)
{
	p->xf[p->nxf++] = (struct conf_xform){ type, id, keybits };
}

static void
test_from_conf(void **state)
{
	struct conf_proposal cp[2];
	struct ike_prop out[CONF_MAX_PROPOSALS];
	size_t n;

	(void)state;
	memset(cp, 0, sizeof(cp));
	/* "aes128-sha1-modp1024": IKE gets prfsha1 implied */
	cp_add(&cp[0], IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_CBC, 128);
	cp_add(&cp[0], IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA1_96, 0);
	cp_add(&cp[0], IKEV2_XFORM_DH, IKEV2_DH_MODP1024, 0);
	cp_add(&cp[1], IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_16, 256);
	cp_add(&cp[1], IKEV2_XFORM_PRF, IKEV2_PRF_HMAC_SHA2_256, 0);
	cp_add(&cp[1], IKEV2_XFORM_DH, IKEV2_DH_MODP2048, 0);
	n = ike_prop_from_conf(cp, 2, IKEV2_PROTO_IKE, 0, 0, true, out);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].num, 1);
	assert_int_equal(out[1].num, 2);
	assert_int_equal(out[0].nxf, 4);
	assert_int_equal(out[0].xf[3].type, IKEV2_XFORM_PRF);
	assert_int_equal(out[0].xf[3].id, IKEV2_PRF_HMAC_SHA1);
	assert_int_equal(ike_prop_first_dh(out, n), IKEV2_DH_MODP1024);
	assert_true(ike_prop_has_dh(out, n, IKEV2_DH_MODP2048));
	/* ESP without DH (IKE_AUTH), ESN NO added, PRF dropped */
	n = ike_prop_from_conf(cp, 2, IKEV2_PROTO_ESP, 0x1234, 4, false, out);
	assert_int_equal(n, 2);
	assert_int_equal(out[1].nxf, 2);	/* encr + esn */
	assert_int_equal(out[1].xf[1].type, IKEV2_XFORM_ESN);
	assert_int_equal(out[1].spi, 0x1234);
	assert_int_equal(ike_prop_first_dh(out, n), 0);
}

static void
ours_two(struct ike_prop *o)
{
	memset(o, 0, 2 * sizeof(*o));
	o[0].num = 1; o[0].proto = IKEV2_PROTO_IKE;
	xf(&o[0], IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_16, 256);
	xf(&o[0], IKEV2_XFORM_PRF, IKEV2_PRF_HMAC_SHA2_256, 0);
	xf(&o[0], IKEV2_XFORM_DH, IKEV2_DH_MODP2048, 0);
	o[1].num = 2; o[1].proto = IKEV2_PROTO_IKE;
	xf(&o[1], IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_CBC, 128);
	xf(&o[1], IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA1_96, 0);
	xf(&o[1], IKEV2_XFORM_PRF, IKEV2_PRF_HMAC_SHA1, 0);
	xf(&o[1], IKEV2_XFORM_DH, IKEV2_DH_MODP1024, 0);
}

static void
test_select_order(void **state)
{
	struct ike_prop ours[2], peer[2], sel;
	struct ike_suite s;

	(void)state;
	ours_two(ours);
	/* The peer lists ours in the other order: its first wins (2.7). */
	peer[0] = ours[1];
	peer[1] = ours[0];
	peer[0].num = 1;
	peer[1].num = 2;
	assert_int_equal(ike_prop_select(peer, 2, ours, 2, IKEV2_PROTO_IKE,
	    true, false, &sel, &s), 0);
	assert_int_equal(s.encr, IKEV2_ENCR_AES_CBC);
	assert_int_equal(s.keybits, 128);
	assert_int_equal(s.dh, IKEV2_DH_MODP1024);
	assert_int_equal(sel.num, 1);
	assert_int_equal(sel.nxf, 4);
}

static void
test_select_multi_transform(void **state)
{
	struct ike_prop ours[2], peer, sel;
	struct ike_suite s;

	(void)state;
	ours_two(ours);
	/* One peer proposal with several algorithms per type. */
	memset(&peer, 0, sizeof(peer));
	peer.num = 1; peer.proto = IKEV2_PROTO_IKE;
	xf(&peer, IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_CBC, 256);	/* not ours */
	xf(&peer, IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_CBC, 128);
	xf(&peer, IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA2_256_128, 0);
	xf(&peer, IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA1_96, 0);
	xf(&peer, IKEV2_XFORM_PRF, IKEV2_PRF_HMAC_SHA1, 0);
	xf(&peer, IKEV2_XFORM_DH, IKEV2_DH_ECP256, 0);
	xf(&peer, IKEV2_XFORM_DH, IKEV2_DH_MODP1024, 0);
	assert_int_equal(ike_prop_select(&peer, 1, ours, 2, IKEV2_PROTO_IKE,
	    true, false, &sel, &s), 0);
	assert_int_equal(s.keybits, 128);
	assert_int_equal(s.integ, IKEV2_INTEG_HMAC_SHA1_96);
	assert_int_equal(s.dh, IKEV2_DH_MODP1024);
	assert_int_equal(sel.nxf, 4);
	/* and the initiator accepts that answer */
	assert_int_equal(ike_prop_check_reply(&sel, ours, 2, false, &s), 0);
}

static void
test_select_none(void **state)
{
	struct ike_prop ours[2], peer, sel;
	struct ike_suite s;

	(void)state;
	ours_two(ours);
	memset(&peer, 0, sizeof(peer));
	peer.num = 1; peer.proto = IKEV2_PROTO_IKE;
	xf(&peer, IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_CBC, 192);	/* key size */
	xf(&peer, IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA1_96, 0);
	xf(&peer, IKEV2_XFORM_PRF, IKEV2_PRF_HMAC_SHA1, 0);
	xf(&peer, IKEV2_XFORM_DH, IKEV2_DH_MODP1024, 0);
	assert_int_equal(ike_prop_select(&peer, 1, ours, 2, IKEV2_PROTO_IKE,
	    true, false, &sel, &s), -1);
	/* IKE proposal without DH */
	peer.xf[0].keybits = 128;
	peer.nxf = 3;
	assert_int_equal(ike_prop_select(&peer, 1, ours, 2, IKEV2_PROTO_IKE,
	    true, false, &sel, &s), -1);
	/* wrong protocol */
	peer.nxf = 4;
	peer.proto = IKEV2_PROTO_ESP;
	assert_int_equal(ike_prop_select(&peer, 1, ours, 2, IKEV2_PROTO_IKE,
	    true, false, &sel, &s), -1);
}

static void
test_esp_dh_rules(void **state)
{
	struct ike_prop ours, peer, sel;
	struct ike_suite s;

	(void)state;
	memset(&ours, 0, sizeof(ours));
	ours.proto = IKEV2_PROTO_ESP; ours.spi_size = 4;
	xf(&ours, IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_16, 256);
	xf(&ours, IKEV2_XFORM_DH, IKEV2_DH_MODP2048, 0);
	xf(&ours, IKEV2_XFORM_ESN, IKEV2_ESN_NO, 0);
	/* IKE_AUTH: the peer's proposal without DH is fine (1.2). */
	memset(&peer, 0, sizeof(peer));
	peer.num = 1; peer.proto = IKEV2_PROTO_ESP; peer.spi_size = 4;
	peer.spi = 0xabcd;
	xf(&peer, IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_16, 256);
	assert_int_equal(ike_prop_select(&peer, 1, &ours, 1, IKEV2_PROTO_ESP,
	    false, true, &sel, &s), 0);
	assert_int_equal(s.dh, 0);
	assert_int_equal(sel.spi, 0xabcd);
	/* CREATE_CHILD_SA with PFS required: refused without DH */
	assert_int_equal(ike_prop_select(&peer, 1, &ours, 1, IKEV2_PROTO_ESP,
	    true, false, &sel, &s), -1);
	/* ... accepted with the group */
	xf(&peer, IKEV2_XFORM_DH, IKEV2_DH_MODP2048, 0);
	assert_int_equal(ike_prop_select(&peer, 1, &ours, 1, IKEV2_PROTO_ESP,
	    true, false, &sel, &s), 0);
	assert_int_equal(s.dh, IKEV2_DH_MODP2048);
	/* IKE_AUTH ignores a DH transform the peer sent anyway */
	assert_int_equal(ike_prop_select(&peer, 1, &ours, 1, IKEV2_PROTO_ESP,
	    false, true, &sel, &s), 0);
	assert_int_equal(s.dh, 0);
	assert_int_equal(sel.nxf, 1);
	/* ESN only: we do not offer it */
	xf(&peer, IKEV2_XFORM_ESN, IKEV2_ESN_YES, 0);
	assert_int_equal(ike_prop_select(&peer, 1, &ours, 1, IKEV2_PROTO_ESP,
	    true, false, &sel, &s), -1);
}

static void
test_check_reply(void **state)
{
	struct ike_prop ours[2], reply;
	struct ike_suite s;

	(void)state;
	ours_two(ours);
	reply = ours[0];
	assert_int_equal(ike_prop_check_reply(&reply, ours, 2, false, &s), 0);
	assert_int_equal(s.encr, IKEV2_ENCR_AES_GCM_16);
	/* two transforms of one type */
	xf(&reply, IKEV2_XFORM_DH, IKEV2_DH_MODP1024, 0);
	assert_int_equal(ike_prop_check_reply(&reply, ours, 2, false, &s), -1);
	/* a mix of our two proposals */
	reply = ours[0];
	reply.xf[2].id = IKEV2_DH_MODP1024;
	assert_int_equal(ike_prop_check_reply(&reply, ours, 2, false, &s), -1);
	/* something we never offered */
	reply = ours[0];
	reply.xf[0].keybits = 128;
	assert_int_equal(ike_prop_check_reply(&reply, ours, 2, false, &s), -1);
	/* a transform too many (INTEG on AEAD) */
	reply = ours[0];
	xf(&reply, IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA1_96, 0);
	assert_int_equal(ike_prop_check_reply(&reply, ours, 2, false, &s), -1);
}

static void
test_suite_fmt(void **state)
{
	struct ike_suite s = { IKEV2_ENCR_AES_GCM_16, 256, IKEV2_PRF_HMAC_SHA2_256,
	    0, IKEV2_DH_MODP2048, false };
	char buf[96];

	(void)state;
	ike_suite_fmt(&s, true, buf, sizeof(buf));
	assert_string_equal(buf, "aes256gcm16-prfsha256-modp2048");
	s = (struct ike_suite){ IKEV2_ENCR_AES_CBC, 128, 0,
	    IKEV2_INTEG_HMAC_SHA1_96, 0, false };
	ike_suite_fmt(&s, false, buf, sizeof(buf));
	assert_string_equal(buf, "aes128-sha1");
}

static struct esp_ts
ts4(const char *a, const char *b, uint8_t proto, uint16_t p0, uint16_t p1)
{
	struct esp_ts t;

	memset(&t, 0, sizeof(t));
	assert_true(addr_parse(a, &t.start));
	assert_true(addr_parse(b, &t.end));
	t.proto = proto;
	t.port_start = p0;
	t.port_end = p1;
	return t;
}

/* Traffic selector narrowing: the answer is the intersection. */
static void
test_ts_select(void **state)
{
	struct ike_ts_list l;
	struct esp_ts all = ts4("0.0.0.0", "255.255.255.255", 0, 0, 0xffff);
	struct esp_ts out, ours;
	struct cgw_prefix p;
	char buf[CGW_ADDRSTRLEN];

	(void)state;
	memset(&l, 0, sizeof(l));
	/* route-based: 0/0 against 0/0 */
	l.n = 1;
	l.ts[0] = all;
	assert_int_equal(ike_ts_select(&l, &all, &out), 0);
	assert_string_equal(addr_fmt(&out.end, buf, sizeof(buf)),
	    "255.255.255.255");
	/* the peer asks for less: we narrow to it */
	l.ts[0] = ts4("10.1.0.0", "10.1.255.255", 6, 80, 80);
	assert_int_equal(ike_ts_select(&l, &all, &out), 0);
	assert_string_equal(addr_fmt(&out.start, buf, sizeof(buf)), "10.1.0.0");
	assert_int_equal(out.proto, 6);
	assert_int_equal(out.port_start, 80);
	/* disjoint: refused */
	ours = ts4("192.168.0.0", "192.168.0.255", 0, 0, 0xffff);
	assert_int_equal(ike_ts_select(&l, &ours, &out), -1);
	/* first usable of several; IPv6 skipped against IPv4 */
	l.n = 2;
	l.ts[0] = ts4("::", "ffff::", 0, 0, 0xffff);
	l.ts[1] = ts4("192.168.0.128", "192.168.1.0", 0, 0, 0xffff);
	assert_int_equal(ike_ts_select(&l, &ours, &out), 0);
	assert_string_equal(addr_fmt(&out.end, buf, sizeof(buf)),
	    "192.168.0.255");
	/* our default from a prefix */
	assert_true(prefix_parse("10.20.0.0/16", &p));
	ike_ts_default(&p, &p.addr, &out);
	assert_string_equal(addr_fmt(&out.end, buf, sizeof(buf)),
	    "10.20.255.255");
	memset(&p, 0, sizeof(p));
	ike_ts_default(&p, &all.start, &out);
	assert_string_equal(addr_fmt(&out.start, buf, sizeof(buf)), "0.0.0.0");
	assert_int_equal(out.port_end, 0xffff);
}

/*
 * Dual stack: offered only when the conf asks and ours is a whole
 * family; agreed only when the peer's TSi and TSr both hold all of ::/0
 * and the IPv4 answer is whole too (else the kernel SA is not AF_UNSPEC).
 */
static void
test_ts_dual(void **state)
{
	struct ike_peer *peer = calloc(1, sizeof(*peer));
	struct ike_sa *sa = calloc(1, sizeof(*sa));
	struct ike_child *old = calloc(1, sizeof(*old));
	struct esp_ts all = ts4("0.0.0.0", "255.255.255.255", 0, 0, 0xffff);
	struct esp_ts all6 = ts4("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	    0, 0, 0xffff);
	struct esp_ts narrow = ts4("10.0.0.0", "10.0.0.255", 0, 0, 0xffff);
	struct esp_ts xl, xr, x;
	struct ike_ts_list l;
	char buf[CGW_ADDRSTRLEN];

	(void)state;
	sa->peer = peer;
	/* not asked: IPv4 alone, as before */
	assert_false(ike_child_ts_extra(sa, NULL, &all, &xl, &xr));
	peer->conf.ts_dual = true;
	assert_true(ike_child_ts_extra(sa, NULL, &all, &xl, &xr));
	assert_int_equal(xl.start.af, AF_INET6);
	assert_string_equal(addr_fmt(&xr.end, buf, sizeof(buf)),
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	/* policy-based (narrow) selectors never get a second family */
	assert_false(ike_child_ts_extra(sa, NULL, &narrow, &xl, &xr));
	/* a rekey keeps what the old SA had, whatever the conf says now */
	old->ts_dual = false;
	assert_false(ike_child_ts_extra(sa, old, &all, &xl, &xr));
	/* the peer's lists: both families whole */
	memset(&l, 0, sizeof(l));
	l.n = 2;
	l.ts[0] = all;
	l.ts[1] = all6;
	assert_true(ike_ts_list_covers(&l, &all6));
	assert_true(ike_child_ts_agreed(sa, NULL, &l, &l, &all, &all, &x));
	assert_int_equal(x.start.af, AF_INET6);
	/* the peer narrowed IPv4: no AF_UNSPEC SA, so no IPv6 either */
	assert_false(ike_child_ts_agreed(sa, NULL, &l, &l, &all, &narrow, &x));
	/* the peer answered IPv4 only (an IPv4-only VPN) */
	l.n = 1;
	assert_false(ike_ts_list_covers(&l, &all6));
	assert_false(ike_child_ts_agreed(sa, NULL, &l, &l, &all, &all, &x));
	/* the peer narrowed IPv6 */
	l.n = 2;
	l.ts[1] = ts4("fd00::", "fd00::ffff", 0, 0, 0xffff);
	assert_false(ike_child_ts_agreed(sa, NULL, &l, &l, &all, &all, &x));
	free(old);
	free(sa);
	free(peer);
}

/*
 * A peer that carries IPv6 alone (an AWS IPv6 VPN: ::/0) narrows our
 * 0.0.0.0/0 + ::/0 to ::/0: the CHILD SA takes it, not dual. Without the
 * dual offer, or from a peer that answers a narrowed IPv6 range, no.
 */
static void
test_ts_choose_v6only(void **state)
{
	struct ike_peer *peer = calloc(1, sizeof(*peer));
	struct ike_sa *sa = calloc(1, sizeof(*sa));
	struct esp_ts all = ts4("0.0.0.0", "255.255.255.255", 0, 0, 0xffff);
	struct esp_ts all6 = ts4("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	    0, 0, 0xffff);
	struct esp_ts sl, sr, x;
	struct ike_ts_list l;
	char buf[CGW_ADDRSTRLEN];

	(void)state;
	sa->peer = peer;
	peer->conf.ts_dual = true;
	memset(&l, 0, sizeof(l));
	l.n = 1;
	l.ts[0] = all6;
	assert_int_equal(ike_child_ts_choose(sa, NULL, &l, &l, &sl, &sr), 0);
	assert_int_equal(sl.start.af, AF_INET6);
	assert_int_equal(sr.start.af, AF_INET6);
	assert_string_equal(addr_fmt(&sr.end, buf, sizeof(buf)),
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	assert_false(ike_child_ts_agreed(sa, NULL, &l, &l, &sl, &sr, &x));
	/* both families: the primary (outer, IPv4) one, then dual */
	l.n = 2;
	l.ts[1] = all;
	assert_int_equal(ike_child_ts_choose(sa, NULL, &l, &l, &sl, &sr), 0);
	assert_int_equal(sl.start.af, AF_INET);
	assert_true(ike_child_ts_agreed(sa, NULL, &l, &l, &sl, &sr, &x));
	/* IPv4 alone offered: ::/0 is no answer to it */
	l.n = 1;
	peer->conf.ts_dual = false;
	assert_int_equal(ike_child_ts_choose(sa, NULL, &l, &l, &sl, &sr), -1);
	free(sa);
	free(peer);
}

static void
test_nonce_min(void **state)
{
	uint8_t a[16], b[20], m[IKE_NONCE_LEN];
	size_t ml;

	(void)state;
	memset(a, 0x22, sizeof(a));
	memset(b, 0x11, sizeof(b));
	ike_nonce_min(a, sizeof(a), b, sizeof(b), m, &ml);
	assert_int_equal(ml, 20);
	assert_int_equal(m[0], 0x11);
	ike_nonce_min(b, sizeof(b), a, sizeof(a), m, &ml);
	assert_int_equal(m[0], 0x11);
	/* a prefix of the other is the smaller */
	ike_nonce_min(b, 16, b, 20, m, &ml);
	assert_int_equal(ml, 16);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_conf),
		cmocka_unit_test(test_select_order),
		cmocka_unit_test(test_select_multi_transform),
		cmocka_unit_test(test_select_none),
		cmocka_unit_test(test_esp_dh_rules),
		cmocka_unit_test(test_check_reply),
		cmocka_unit_test(test_suite_fmt),
		cmocka_unit_test(test_ts_select),
		cmocka_unit_test(test_ts_dual),
		cmocka_unit_test(test_ts_choose_v6only),
		cmocka_unit_test(test_nonce_min),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
