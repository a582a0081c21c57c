/*
 * The IKEv2 codec: build -> parse round trips of every payload a PSK
 * exchange uses, and each kind of malformed input, which must be refused
 * without reading past the end (run under ASan/valgrind to see it).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ike/ike_local.h"

/* A message with every payload type, header length fixed. */
static void
build_full(struct wbuf *w)
{
	struct ike_bld b;
	struct ike_prop props[2];
	struct esp_ts ts;
	static const uint8_t ke[64] = { 1, 2, 3 }, nonce[32] = { 9, 9 };
	static const uint8_t id[] = { IKEV2_ID_IPV4_ADDR, 0, 0, 0, 192, 0, 2, 1 };
	static const uint8_t auth[20] = { 0xaa };
	uint32_t spis[2] = { 0x11223344, 0x55667788 };

	memset(props, 0, sizeof(props));
	props[0].num = 1;
	props[0].proto = IKEV2_PROTO_ESP;
	props[0].spi_size = 4;
	props[0].spi = 0xc0ffee01;
	props[0].nxf = 3;
	props[0].xf[0] = (struct conf_xform){ IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_CBC, 128 };
	props[0].xf[1] = (struct conf_xform){ IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA1_96, 0 };
	props[0].xf[2] = (struct conf_xform){ IKEV2_XFORM_ESN, IKEV2_ESN_NO, 0 };
	props[1] = props[0];
	props[1].num = 2;
	props[1].xf[0].id = IKEV2_ENCR_AES_GCM_16;
	props[1].xf[0].keybits = 256;
	props[1].nxf = 2;
	props[1].xf[1] = props[0].xf[2];

	memset(&ts, 0, sizeof(ts));
	ts.start.af = ts.end.af = AF_INET;
	memset(ts.end.bytes, 0xff, 4);
	ts.port_end = 0xffff;

	wbuf_init(w);
	ike_bld_hdr(w, 0x0102030405060708ULL, 0x1112131415161718ULL,
	    IKEV2_EXCH_CREATE_CHILD_SA, IKEV2_FLAG_INITIATOR, 7);
	ike_bld_init(&b, w, true);
	ike_bld_notify(&b, IKEV2_PROTO_ESP, 4, 0xdeadbeef, IKEV2_N_REKEY_SA,
	    NULL, 0);
	ike_bld_sa(&b, props, 2);
	ike_bld_ke(&b, IKEV2_DH_ECP256, ke, sizeof(ke));
	ike_bld_nonce(&b, nonce, sizeof(nonce));
	ike_bld_id(&b, IKEV2_PLD_IDI, id, sizeof(id));
	ike_bld_auth(&b, IKEV2_AUTH_SHARED_KEY_MIC, auth, sizeof(auth));
	ike_bld_ts(&b, IKEV2_PLD_TSI, &ts);
	ike_bld_ts(&b, IKEV2_PLD_TSR, &ts);
	ike_bld_delete(&b, IKEV2_PROTO_ESP, spis, 2);
	wbuf_set_u32(w, 24, (uint32_t)w->len);
	assert_false(w->err);
}

static enum ike_parse_result
parse(const uint8_t *p, size_t len, struct ike_hdr *h, struct ike_payloads *pl)
{
	memset(pl, 0, sizeof(*pl));
	if (ike_hdr_parse(p, len, h) < 0)
		return IKE_PARSE_DROP;
	return ike_pld_parse(h->next, p + IKEV2_HDR_LEN, len - IKEV2_HDR_LEN,
	    IKEV2_HDR_LEN, pl);
}

static void
test_round_trip(void **state)
{
	struct wbuf w;
	struct ike_hdr h;
	struct ike_payloads *pl = calloc(1, sizeof(*pl));
	uint32_t s0;

	(void)state;
	build_full(&w);
	assert_int_equal(parse(w.p, w.len, &h, pl), IKE_PARSE_OK);
	assert_int_equal(h.spi_i, 0x0102030405060708ULL);
	assert_int_equal(h.spi_r, 0x1112131415161718ULL);
	assert_int_equal(h.exch, IKEV2_EXCH_CREATE_CHILD_SA);
	assert_int_equal(h.mid, 7);
	assert_int_equal(pl->nprops, 2);
	assert_int_equal(pl->props[0].spi, 0xc0ffee01);
	assert_int_equal(pl->props[0].nxf, 3);
	assert_int_equal(pl->props[0].xf[0].keybits, 128);
	assert_int_equal(pl->props[1].xf[0].id, IKEV2_ENCR_AES_GCM_16);
	assert_int_equal(pl->props[1].xf[0].keybits, 256);
	assert_int_equal(pl->ke_group, IKEV2_DH_ECP256);
	assert_int_equal(pl->ke_len, 64);
	assert_int_equal(pl->nonce_len, 32);
	assert_int_equal(pl->idi.type, IKEV2_ID_IPV4_ADDR);
	assert_int_equal(pl->idi.len, 4);
	assert_int_equal(pl->idi.body_len, 8);
	assert_int_equal(pl->auth_method, IKEV2_AUTH_SHARED_KEY_MIC);
	assert_int_equal(pl->auth_len, 20);
	assert_int_equal(pl->nnotify, 1);
	assert_int_equal(pl->notify[0].type, IKEV2_N_REKEY_SA);
	assert_int_equal(pl->notify[0].spi, 0xdeadbeef);
	assert_non_null(ike_pld_notify(pl, IKEV2_N_REKEY_SA));
	assert_null(ike_pld_error(pl));
	assert_int_equal(pl->tsi.n, 1);
	assert_int_equal(pl->tsr.ts[0].port_end, 0xffff);
	assert_int_equal(pl->tsr.ts[0].end.bytes[3], 0xff);
	assert_int_equal(pl->ndelete, 1);
	assert_int_equal(pl->del[0].num, 2);
	s0 = (uint32_t)pl->del[0].spis[0] << 24 | pl->del[0].spis[3];
	assert_int_equal(s0, 0x11000044);
	assert_false(pl->has_sk);
	wbuf_free(&w);
	free(pl);
}

/* Every truncation of a valid message is refused. */
static void
test_truncated(void **state)
{
	struct wbuf w;
	struct ike_hdr h;
	struct ike_payloads *pl = calloc(1, sizeof(*pl));

	(void)state;
	build_full(&w);
	for (size_t n = 0; n < w.len; n++) {
		uint8_t *copy = malloc(n ? n : 1);

		memcpy(copy, w.p, n);
		if (n >= IKEV2_HDR_LEN)	/* even with a matching length */
			wbuf_set_u32(&(struct wbuf){ copy, n, n, false }, 24,
			    (uint32_t)n);
		assert_int_not_equal(parse(copy, n, &h, pl), IKE_PARSE_OK);
		free(copy);
	}
	wbuf_free(&w);
	free(pl);
}

static void
test_header(void **state)
{
	struct wbuf w;
	struct ike_hdr h;

	(void)state;
	build_full(&w);
	/* length field larger / smaller than the datagram */
	wbuf_set_u32(&w, 24, (uint32_t)w.len + 1);
	assert_int_equal(ike_hdr_parse(w.p, w.len, &h), -1);
	wbuf_set_u32(&w, 24, (uint32_t)w.len - 1);
	assert_int_equal(ike_hdr_parse(w.p, w.len, &h), -1);
	wbuf_set_u32(&w, 24, (uint32_t)w.len);
	assert_int_equal(ike_hdr_parse(w.p, w.len, &h), 0);
	/* IKEv1 */
	wbuf_set_u8(&w, 17, 0x10);
	assert_int_equal(ike_hdr_parse(w.p, w.len, &h), -1);
	wbuf_free(&w);
}

/* A little hand-made message: header + one payload body. */
static enum ike_parse_result
one_payload(uint8_t type, uint8_t flags, const uint8_t *body, size_t blen,
    struct ike_payloads *pl)
{
	struct wbuf w;
	struct ike_hdr h;
	enum ike_parse_result r;

	wbuf_init(&w);
	ike_bld_hdr(&w, 1, 2, IKEV2_EXCH_INFORMATIONAL, 0, 0);
	wbuf_set_u8(&w, 16, type);
	wbuf_u8(&w, 0);
	wbuf_u8(&w, flags);
	wbuf_u16(&w, (uint16_t)(4 + blen));
	wbuf_bytes(&w, body, blen);
	wbuf_set_u32(&w, 24, (uint32_t)w.len);
	r = parse(w.p, w.len, &h, pl);
	wbuf_free(&w);
	return r;
}

static void
test_payload_lengths(void **state)
{
	struct ike_payloads *pl = calloc(1, sizeof(*pl));
	struct wbuf w;
	struct ike_hdr h;

	(void)state;
	/* generic length < 4 */
	wbuf_init(&w);
	ike_bld_hdr(&w, 1, 2, IKEV2_EXCH_INFORMATIONAL, 0, 0);
	wbuf_set_u8(&w, 16, IKEV2_PLD_NONCE);
	wbuf_u8(&w, 0); wbuf_u8(&w, 0); wbuf_u16(&w, 3);
	wbuf_set_u32(&w, 24, (uint32_t)w.len);
	assert_int_equal(parse(w.p, w.len, &h, pl), IKE_PARSE_SYNTAX);
	/* generic length beyond the message */
	wbuf_set_u16(&w, 30, 200);
	assert_int_equal(parse(w.p, w.len, &h, pl), IKE_PARSE_SYNTAX);
	wbuf_free(&w);
	free(pl);
}

static void
test_sa_malformed(void **state)
{
	struct ike_payloads *pl = calloc(1, sizeof(*pl));
	/* proposal: last, res, len 8+12, num 1, ESP, spi 4, 1 xform, spi,
	 * transform: last, res, len 12, ENCR, res, AES_CBC, KEY_LENGTH=128 */
	uint8_t ok[] = {
		0, 0, 0, 24, 1, 3, 4, 1, 1, 2, 3, 4,
		0, 0, 0, 12, 1, 0, 0, 12, 0x80, 14, 0, 128,
	};
	uint8_t bad[sizeof(ok)];

	(void)state;
	assert_int_equal(one_payload(IKEV2_PLD_SA, 0, ok, sizeof(ok), pl),
	    IKE_PARSE_OK);
	assert_int_equal(pl->props[0].xf[0].keybits, 128);
	/* proposal length longer than the payload */
	memcpy(bad, ok, sizeof(ok)); bad[3] = 25;
	assert_int_equal(one_payload(IKEV2_PLD_SA, 0, bad, sizeof(bad), pl),
	    IKE_PARSE_SYNTAX);
	/* proposal length shorter than its transforms */
	memcpy(bad, ok, sizeof(ok)); bad[3] = 20;
	assert_int_equal(one_payload(IKEV2_PLD_SA, 0, bad, sizeof(bad), pl),
	    IKE_PARSE_SYNTAX);
	/* "more proposals follow" but none does */
	memcpy(bad, ok, sizeof(ok)); bad[0] = 2;
	assert_int_equal(one_payload(IKEV2_PLD_SA, 0, bad, sizeof(bad), pl),
	    IKE_PARSE_SYNTAX);
	/* bad SPI size */
	memcpy(bad, ok, sizeof(ok)); bad[6] = 3;
	assert_int_equal(one_payload(IKEV2_PLD_SA, 0, bad, sizeof(bad), pl),
	    IKE_PARSE_SYNTAX);
	/* transform count says 2 */
	memcpy(bad, ok, sizeof(ok)); bad[7] = 2;
	assert_int_equal(one_payload(IKEV2_PLD_SA, 0, bad, sizeof(bad), pl),
	    IKE_PARSE_SYNTAX);
	/* transform length < 8 */
	memcpy(bad, ok, sizeof(ok)); bad[15] = 7;
	assert_int_equal(one_payload(IKEV2_PLD_SA, 0, bad, sizeof(bad), pl),
	    IKE_PARSE_SYNTAX);
	/* TLV attribute longer than the transform */
	memcpy(bad, ok, sizeof(ok)); bad[20] = 0x00; bad[22] = 0; bad[23] = 9;
	assert_int_equal(one_payload(IKEV2_PLD_SA, 0, bad, sizeof(bad), pl),
	    IKE_PARSE_SYNTAX);
	/* attribute cut in half */
	memcpy(bad, ok, sizeof(ok)); bad[15] = 10; bad[3] = 22;
	assert_int_equal(one_payload(IKEV2_PLD_SA, 0, bad, 22, pl),
	    IKE_PARSE_SYNTAX);
	/* empty SA */
	assert_int_equal(one_payload(IKEV2_PLD_SA, 0, ok, 0, pl),
	    IKE_PARSE_SYNTAX);
	free(pl);
}

static void
test_ts_malformed(void **state)
{
	struct ike_payloads *pl = calloc(1, sizeof(*pl));
	uint8_t ok[] = {
		1, 0, 0, 0, IKEV2_TS_IPV4_ADDR_RANGE, 0, 0, 16, 0, 0, 0xff, 0xff,
		10, 0, 0, 0, 10, 0, 0, 255,
	};
	uint8_t bad[sizeof(ok)];

	(void)state;
	assert_int_equal(one_payload(IKEV2_PLD_TSI, 0, ok, sizeof(ok), pl),
	    IKE_PARSE_OK);
	assert_int_equal(pl->tsi.ts[0].end.bytes[3], 255);
	memcpy(bad, ok, sizeof(ok)); bad[7] = 40;	/* IPv6 length */
	assert_int_equal(one_payload(IKEV2_PLD_TSI, 0, bad, sizeof(bad), pl),
	    IKE_PARSE_SYNTAX);
	memcpy(bad, ok, sizeof(ok)); bad[0] = 2;	/* count too big */
	assert_int_equal(one_payload(IKEV2_PLD_TSI, 0, bad, sizeof(bad), pl),
	    IKE_PARSE_SYNTAX);
	memcpy(bad, ok, sizeof(ok)); bad[4] = 9;	/* unknown TS type */
	assert_int_equal(one_payload(IKEV2_PLD_TSI, 0, bad, sizeof(bad), pl),
	    IKE_PARSE_SYNTAX);
	memcpy(bad, ok, sizeof(ok)); bad[0] = 0;	/* no selector */
	assert_int_equal(one_payload(IKEV2_PLD_TSI, 0, bad, 4, pl),
	    IKE_PARSE_SYNTAX);
	free(pl);
}

static void
test_notify_delete_malformed(void **state)
{
	struct ike_payloads *pl = calloc(1, sizeof(*pl));
	uint8_t n_ok[] = { 3, 4, 0x40, 0x09, 1, 2, 3, 4 };
	uint8_t n_bad[] = { 3, 5, 0x40, 0x09, 1, 2, 3, 4 };	/* SPI size 5 */
	uint8_t n_short[] = { 3, 4, 0x40, 0x09, 1, 2 };		/* SPI cut */
	uint8_t d_ok[] = { 3, 4, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t d_bad[] = { 3, 4, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t d_ike_bad[] = { 1, 8, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8 };

	(void)state;
	assert_int_equal(one_payload(IKEV2_PLD_NOTIFY, 0, n_ok, sizeof(n_ok),
	    pl), IKE_PARSE_OK);
	assert_int_equal(pl->notify[0].spi, 0x01020304);
	assert_int_equal(one_payload(IKEV2_PLD_NOTIFY, 0, n_bad, sizeof(n_bad),
	    pl), IKE_PARSE_SYNTAX);
	assert_int_equal(one_payload(IKEV2_PLD_NOTIFY, 0, n_short,
	    sizeof(n_short), pl), IKE_PARSE_SYNTAX);
	assert_int_equal(one_payload(IKEV2_PLD_DELETE, 0, d_ok, sizeof(d_ok),
	    pl), IKE_PARSE_OK);
	assert_int_equal(one_payload(IKEV2_PLD_DELETE, 0, d_bad, sizeof(d_bad),
	    pl), IKE_PARSE_SYNTAX);
	assert_int_equal(one_payload(IKEV2_PLD_DELETE, 0, d_ike_bad,
	    sizeof(d_ike_bad), pl), IKE_PARSE_SYNTAX);
	free(pl);
}

static void
test_other_malformed(void **state)
{
	struct ike_payloads *pl = calloc(1, sizeof(*pl));
	uint8_t small[15] = { 0 }, big[300] = { 0 };
	uint8_t id_v4_bad[] = { IKEV2_ID_IPV4_ADDR, 0, 0, 0, 1, 2, 3 };
	uint8_t id_fqdn[] = { IKEV2_ID_FQDN, 0, 0, 0, 'v', 'p', 'n' };
	uint8_t id_empty[] = { IKEV2_ID_KEY_ID, 0, 0, 0 };

	(void)state;
	assert_int_equal(one_payload(IKEV2_PLD_NONCE, 0, small, sizeof(small),
	    pl), IKE_PARSE_SYNTAX);
	assert_int_equal(one_payload(IKEV2_PLD_NONCE, 0, big, sizeof(big), pl),
	    IKE_PARSE_SYNTAX);
	assert_int_equal(one_payload(IKEV2_PLD_KE, 0, small, 4, pl),
	    IKE_PARSE_SYNTAX);
	assert_int_equal(one_payload(IKEV2_PLD_IDI, 0, id_v4_bad,
	    sizeof(id_v4_bad), pl), IKE_PARSE_SYNTAX);
	assert_int_equal(one_payload(IKEV2_PLD_IDR, 0, id_fqdn, sizeof(id_fqdn),
	    pl), IKE_PARSE_OK);
	assert_int_equal(pl->idr.len, 3);
	assert_int_equal(one_payload(IKEV2_PLD_IDI, 0, id_empty,
	    sizeof(id_empty), pl), IKE_PARSE_SYNTAX);
	assert_int_equal(one_payload(IKEV2_PLD_AUTH, 0, small, 4, pl),
	    IKE_PARSE_SYNTAX);
	free(pl);
}

static void
test_unknown_and_critical(void **state)
{
	struct ike_payloads *pl = calloc(1, sizeof(*pl));
	uint8_t body[4] = { 1, 2, 3, 4 };

	(void)state;
	/* unknown, not critical: skipped */
	assert_int_equal(one_payload(200, 0, body, sizeof(body), pl),
	    IKE_PARSE_OK);
	/* unknown, critical: reported with its type */
	assert_int_equal(one_payload(200, IKEV2_PLD_CRITICAL, body,
	    sizeof(body), pl), IKE_PARSE_CRITICAL);
	assert_int_equal(pl->unsupported_critical, 200);
	/* known but ignored: vendor ID, CP */
	assert_int_equal(one_payload(IKEV2_PLD_VENDOR, 0, body, sizeof(body),
	    pl), IKE_PARSE_OK);
	assert_int_equal(one_payload(IKEV2_PLD_CP, 0, body, sizeof(body), pl),
	    IKE_PARSE_OK);
	free(pl);
}

static void
test_sk_position_and_duplicates(void **state)
{
	struct ike_payloads *pl = calloc(1, sizeof(*pl));
	struct wbuf w;
	struct ike_hdr h;
	struct ike_bld b;
	uint8_t n[16] = { 0 };

	(void)state;
	/* SK must be last */
	wbuf_init(&w);
	ike_bld_hdr(&w, 1, 2, IKEV2_EXCH_INFORMATIONAL, 0, 0);
	ike_bld_init(&b, &w, true);
	ike_bld_begin(&b, IKEV2_PLD_SK);
	wbuf_bytes(&w, n, sizeof(n));
	ike_bld_end(&b);
	ike_bld_nonce(&b, n, sizeof(n));
	wbuf_set_u32(&w, 24, (uint32_t)w.len);
	assert_int_equal(parse(w.p, w.len, &h, pl), IKE_PARSE_SYNTAX);
	wbuf_free(&w);
	/* SK alone: offset recorded */
	wbuf_init(&w);
	ike_bld_hdr(&w, 1, 2, IKEV2_EXCH_INFORMATIONAL, 0, 0);
	ike_bld_init(&b, &w, true);
	ike_bld_begin(&b, IKEV2_PLD_SK);
	wbuf_bytes(&w, n, sizeof(n));
	ike_bld_end(&b);
	wbuf_set_u32(&w, 24, (uint32_t)w.len);
	assert_int_equal(parse(w.p, w.len, &h, pl), IKE_PARSE_OK);
	assert_true(pl->has_sk);
	assert_int_equal(pl->sk_off, IKEV2_HDR_LEN);
	wbuf_free(&w);
	/* two nonces */
	wbuf_init(&w);
	ike_bld_hdr(&w, 1, 2, IKEV2_EXCH_INFORMATIONAL, 0, 0);
	ike_bld_init(&b, &w, true);
	ike_bld_nonce(&b, n, sizeof(n));
	ike_bld_nonce(&b, n, sizeof(n));
	wbuf_set_u32(&w, 24, (uint32_t)w.len);
	assert_int_equal(parse(w.p, w.len, &h, pl), IKE_PARSE_SYNTAX);
	wbuf_free(&w);
	free(pl);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(ike_notify_name(14), "NO_PROPOSAL_CHOSEN");
	assert_string_equal(ike_notify_name(24), "AUTHENTICATION_FAILED");
	assert_string_equal(ike_notify_name(60000), "60000");
	assert_string_equal(ike_exch_name(IKEV2_EXCH_IKE_AUTH), "IKE_AUTH");
	assert_string_equal(ike_pld_name(IKEV2_PLD_TSI), "TSi");
	assert_string_equal(ike_xform_name(IKEV2_XFORM_DH, 19), "ecp256");
}

/*
 * Dual stack (strongSwan's local_ts = 0.0.0.0/0,::/0, as AWS IPv6 VPNs
 * negotiate): one TS payload, two ranges, IPv4 first.
 */
static void
test_ts_dual(void **state)
{
	static const uint8_t want[] = {
		0, 0, 0, 0x40,		/* generic header: next, C, length 64 */
		2, 0, 0, 0,		/* number of TSs, reserved */
		7, 0, 0, 16, 0, 0, 0xff, 0xff,	/* TS_IPV4_ADDR_RANGE */
		0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff,
		8, 0, 0, 40, 0, 0, 0xff, 0xff,	/* TS_IPV6_ADDR_RANGE */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	struct wbuf w;
	struct ike_bld b;
	struct ike_hdr h;
	struct ike_payloads *pl = calloc(1, sizeof(*pl));
	struct esp_ts v4, v6;

	(void)state;
	memset(&v4, 0, sizeof(v4));
	v4.start.af = v4.end.af = AF_INET;
	memset(v4.end.bytes, 0xff, 4);
	v4.port_end = 0xffff;
	v6 = v4;
	v6.start.af = v6.end.af = AF_INET6;
	memset(v6.end.bytes, 0xff, 16);
	wbuf_init(&w);
	ike_bld_hdr(&w, 1, 2, IKEV2_EXCH_CREATE_CHILD_SA,
	    IKEV2_FLAG_INITIATOR, 1);
	ike_bld_init(&b, &w, true);
	ike_bld_ts2(&b, IKEV2_PLD_TSI, &v4, &v6);
	ike_bld_ts(&b, IKEV2_PLD_TSR, &v4);
	wbuf_set_u32(&w, 24, (uint32_t)w.len);
	assert_false(w.err);
	/* the TSi payload follows the header; its next payload is TSr */
	assert_true(w.len >= IKEV2_HDR_LEN + sizeof(want));
	assert_int_equal(w.p[IKEV2_HDR_LEN], IKEV2_PLD_TSR);
	assert_memory_equal(w.p + IKEV2_HDR_LEN + 1, want + 1,
	    sizeof(want) - 1);
	assert_int_equal(parse(w.p, w.len, &h, pl), IKE_PARSE_OK);
	assert_int_equal(pl->tsi.n, 2);
	assert_int_equal(pl->tsi.ts[0].start.af, AF_INET);
	assert_int_equal(pl->tsi.ts[1].start.af, AF_INET6);
	assert_int_equal(pl->tsi.ts[1].end.bytes[15], 0xff);
	assert_int_equal(pl->tsi.ts[1].port_end, 0xffff);
	assert_int_equal(pl->tsr.n, 1);
	wbuf_free(&w);
	free(pl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_payload_lengths),
		cmocka_unit_test(test_sa_malformed),
		cmocka_unit_test(test_ts_malformed),
		cmocka_unit_test(test_notify_delete_malformed),
		cmocka_unit_test(test_other_malformed),
		cmocka_unit_test(test_unknown_and_critical),
		cmocka_unit_test(test_sk_position_and_duplicates),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_ts_dual),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
