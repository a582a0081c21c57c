/*
 * ike/crypto.c and ike/crypto_sk.c: prf (RFC 2202/4231 HMAC vectors), prf+
 * and the IKEv2 KDF (NIST CAVP SP 800-135 IKEv2 vectors), PSK AUTH, and the
 * SK payload (RFC 3602 AES-CBC vector, an AES-GCM vector, round trips,
 * tampering).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ike/crypto.h"
#include "lib/ikev2_const.h"

static size_t
unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = strlen(s) / 2;

	assert_true(strlen(s) % 2 == 0 && n <= cap);
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

static void
assert_hex(const uint8_t *got, size_t len, const char *want)
{
	uint8_t w[512];
	size_t n = unhex(want, w, sizeof(w));

	assert_int_equal(len, n);
	assert_memory_equal(got, w, n);
}

/* ---- prf ---------------------------------------------------------- */

static void
test_prf_hmac_vectors(void **state)
{
	/* RFC 2202 test 2 / RFC 4231 test case 2, and RFC 4231 test case 6
	 * (key longer than the block) / RFC 2202 test 6's key length. */
	static const struct {
		uint16_t	 prf;
		const char	*tc2;
		const char	*tc6;
	} v[] = {
		{ IKEV2_PRF_HMAC_SHA1, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
		  "90d0dace1c1bdc957339307803160335bde6df2b" },
		{ IKEV2_PRF_HMAC_SHA2_256,
		  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
		  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
		{ IKEV2_PRF_HMAC_SHA2_384,
		  "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
		  "8e2240ca5e69e2c78b3239ecfab21649",
		  "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
		  "0c2ef6ab4030fe8296248df163f44952" },
		{ IKEV2_PRF_HMAC_SHA2_512,
		  "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
		  "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
		  "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
		  "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598" },
	};
	static const char d2a[] = "what do ya want ", d2b[] = "for nothing?";
	static const char d6[] =
	    "Test Using Larger Than Block-Size Key - Hash Key First";
	uint8_t key6[131], out[IKE_MAX_PRF_LEN];
	/* Two pieces: the iov list is one HMAC input. */
	struct ike_iov iov2[2] = {
		{ d2a, sizeof(d2a) - 1 }, { d2b, sizeof(d2b) - 1 },
	};
	struct ike_iov iov6 = { d6, sizeof(d6) - 1 };

	(void)state;
	memset(key6, 0xaa, sizeof(key6));
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_true(ike_prf_supported(v[i].prf));
		assert_int_equal(ike_prf(v[i].prf, (const uint8_t *)"Jefe", 4,
		    iov2, 2, out), 0);
		assert_hex(out, ike_prf_len(v[i].prf), v[i].tc2);
		assert_int_equal(ike_prf(v[i].prf, key6, sizeof(key6), &iov6, 1,
		    out), 0);
		assert_hex(out, ike_prf_len(v[i].prf), v[i].tc6);
	}
	assert_false(ike_prf_supported(IKEV2_PRF_HMAC_MD5));
	assert_false(ike_prf_supported(IKEV2_PRF_AES128_XCBC));
	assert_int_equal(ike_prf(IKEV2_PRF_AES128_XCBC, key6, 16, &iov6, 1,
	    out), -1);
}

/* ---- NIST CAVP IKEv2 KDF, SHA-1, COUNT 0 (DKM 1056 bits) ------------ */

#define CAVP_GIR	"4b2c1f971981a8ad8d0abeafabf38cf75fc8349c148142465ed9c8b516b8be52"
#define CAVP_GIR_NEW	"863f3c9d06efd39d2b907b97f8699e5dd5251ef64a2a176f36ee40c87d4f9330"
#define CAVP_NI		"32b50d5f4a3763f3"
#define CAVP_NR		"9206a04b26564cb1"
#define CAVP_SPII	0x34c9e7c188868785ULL
#define CAVP_SPIR	0x3ff77d760d2b2199ULL
#define CAVP_SKEYSEED	"a9a7b222b59f8f48645f28a1db5b5f5d7479cba7"
#define CAVP_DKM \
	"a14293677cc80ff8f9cc0eee30d895da9d8f405666e30ef0dfcb63c634a46002" \
	"a2a63080e514a062768b76606f9fa5e992204fc5a670bde3f10d6b027113936a" \
	"5c55b648a194ae587b0088d52204b702c979fa280870d2ed41efa9c549fd1119" \
	"8af1670b143d384bd275c5f594cf266b05ebadca855e4249520a441a81157435" \
	"a7a56cc4"
#define CAVP_DKM_CHILD \
	"8059e3ee8810e6c3a91bc8bcd2a7a41151b8d0e6ae239c7b38093ad85ef4c581" \
	"1a8e7b5d1cdabd9560b2d5e092d1f24e2d4b85eccdf0ad0dc9abd94b51ee7181" \
	"4ca6dbc8bb51b6309f5b9545c7eb35cf5580b1e521a8fe20754a2d883ba0c2cf" \
	"285f524aea6545b33106bc03e614296d319d41d4b50b3f510b1c0a22f3e66499" \
	"4d234cb4"
#define CAVP_DKM_CHILD_DH \
	"bb43244c1860ad65ee1e211ffe8bb3661750c8f89cb9f547df7f4fa61d373016" \
	"28190e38c66232eab4b3ab14c400a5197dd3730ed4820a8a10394d51e1c04000" \
	"52f63ebd36b0e7ef53aaed31eba4a5080d7d4b5666023a8bbb5ffb7857240f9a" \
	"05884d1b7d2f933708450b7b3288f1fc863ab49fa901227cffc06e27899c7054" \
	"d56fd74c"
#define CAVP_SKEYSEED_REKEY "63e81194946ebd05df7df5ebf5d8750056bf1f1d"

static void
test_kdf_cavp_sha1(void **state)
{
	uint8_t gir[32], girn[32], ni[8], nr[8], seed[IKE_MAX_PRF_LEN];
	uint8_t dkm[132], km[132], spis[16];
	size_t seedlen = 0;
	struct ike_keys k;
	struct ike_iov s[3];

	(void)state;
	unhex(CAVP_GIR, gir, sizeof(gir));
	unhex(CAVP_GIR_NEW, girn, sizeof(girn));
	unhex(CAVP_NI, ni, sizeof(ni));
	unhex(CAVP_NR, nr, sizeof(nr));
	unhex(CAVP_DKM, dkm, sizeof(dkm));

	assert_int_equal(ike_skeyseed(IKEV2_PRF_HMAC_SHA1, ni, 8, nr, 8, gir,
	    32, seed, &seedlen), 0);
	assert_hex(seed, seedlen, CAVP_SKEYSEED);

	/* prf+ directly: DKM = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr) */
	unhex("34c9e7c1888687853ff77d760d2b2199", spis, sizeof(spis));
	s[0] = (struct ike_iov){ ni, 8 };
	s[1] = (struct ike_iov){ nr, 8 };
	s[2] = (struct ike_iov){ spis, 16 };
	assert_int_equal(ike_prfplus(IKEV2_PRF_HMAC_SHA1, seed, seedlen, s, 3,
	    km, sizeof(km)), 0);
	assert_memory_equal(km, dkm, sizeof(dkm));

	/* AES-CBC-128 + HMAC-SHA1-96 with prf SHA1 needs exactly 132 bytes:
	 * 20 + 2*20 + 2*16 + 2*20, so the split is checkable against DKM. */
	assert_int_equal(ike_derive_keys(IKEV2_PRF_HMAC_SHA1,
	    IKEV2_ENCR_AES_CBC, 128, IKEV2_INTEG_HMAC_SHA1_96, seed, seedlen,
	    ni, 8, nr, 8, CAVP_SPII, CAVP_SPIR, &k), 0);
	assert_int_equal(k.d_len, 20);
	assert_int_equal(k.a_len, 20);
	assert_int_equal(k.e_len, 16);
	assert_int_equal(k.p_len, 20);
	assert_memory_equal(k.sk_d, dkm, 20);
	assert_memory_equal(k.sk_ai, dkm + 20, 20);
	assert_memory_equal(k.sk_ar, dkm + 40, 20);
	assert_memory_equal(k.sk_ei, dkm + 60, 16);
	assert_memory_equal(k.sk_er, dkm + 76, 16);
	assert_memory_equal(k.sk_pi, dkm + 92, 20);
	assert_memory_equal(k.sk_pr, dkm + 112, 20);

	assert_int_equal(ike_child_keymat(IKEV2_PRF_HMAC_SHA1, k.sk_d, k.d_len,
	    NULL, 0, ni, 8, nr, 8, km, sizeof(km)), 0);
	assert_hex(km, sizeof(km), CAVP_DKM_CHILD);
	assert_int_equal(ike_child_keymat(IKEV2_PRF_HMAC_SHA1, k.sk_d, k.d_len,
	    girn, 32, ni, 8, nr, 8, km, sizeof(km)), 0);
	assert_hex(km, sizeof(km), CAVP_DKM_CHILD_DH);

	assert_int_equal(ike_skeyseed_rekey(IKEV2_PRF_HMAC_SHA1, k.sk_d,
	    k.d_len, girn, 32, ni, 8, nr, 8, seed, &seedlen), 0);
	assert_hex(seed, seedlen, CAVP_SKEYSEED_REKEY);

	ike_keys_wipe(&k);
	assert_int_equal(k.d_len, 0);
	assert_int_equal(k.sk_d[0] | k.sk_d[19], 0);
}

/*
 * SHA2-256 and AES-GCM-16-256 key lengths. Expected values computed
 * independently with Python 3 hmac/hashlib (a 12-line prf+), not by
 * this code: ni = 00..1f, nr = 40..5f, g^ir = 80..bf, g^ir(new) = 5a*32.
 */
static void
test_kdf_sha256_gcm(void **state)
{
	uint8_t ni[32], nr[32], gir[64], girn[32], seed[IKE_MAX_PRF_LEN];
	uint8_t dkm[168], km[72];
	size_t seedlen = 0;
	struct ike_keys k;

	(void)state;
	for (int i = 0; i < 32; i++) {
		ni[i] = (uint8_t)i;
		nr[i] = (uint8_t)(0x40 + i);
		girn[i] = 0x5a;
	}
	for (int i = 0; i < 64; i++)
		gir[i] = (uint8_t)(0x80 + i);
	assert_int_equal(ike_skeyseed(IKEV2_PRF_HMAC_SHA2_256, ni, 32, nr, 32,
	    gir, 64, seed, &seedlen), 0);
	assert_hex(seed, seedlen,
	    "2403cd19ad9572005ebcceda7063e803a5b6cf62d95bb60edb03ab1e1c05f45c");
	unhex("0c92c1de2bcac9ea19d6fcc20ff1fad016a00414657d8523d8295027fdf92ead"
	    "b33dde22b7c4bc428eb5f94f3f3c73c5daf2e843084166e01e5b6a9b496d0424"
	    "0a460953e1014827fd4c0d7c92d99fb7a6a78cd66564424703c8382cf9b2ef1c"
	    "ed1bf246b95f947b188ba3d95bcd5564efc671981a691d0146a4c7e794932e57"
	    "69081d0f9e4990ac55ebf02c5788f815435d50292c4661de72d49188d43183e1"
	    "50d3a82098891707", dkm, sizeof(dkm));
	/* AEAD: no SK_a; SK_e = 32-byte key + 4-byte salt. */
	assert_int_equal(ike_derive_keys(IKEV2_PRF_HMAC_SHA2_256,
	    IKEV2_ENCR_AES_GCM_16, 256, IKEV2_INTEG_NONE, seed, seedlen,
	    ni, 32, nr, 32, 0x0102030405060708ULL, 0x1112131415161718ULL,
	    &k), 0);
	assert_int_equal(k.a_len, 0);
	assert_int_equal(k.e_len, 36);
	assert_memory_equal(k.sk_d, dkm, 32);
	assert_memory_equal(k.sk_ei, dkm + 32, 36);
	assert_memory_equal(k.sk_er, dkm + 68, 36);
	assert_memory_equal(k.sk_pi, dkm + 104, 32);
	assert_memory_equal(k.sk_pr, dkm + 136, 32);
	assert_int_equal(ike_child_keymat(IKEV2_PRF_HMAC_SHA2_256, k.sk_d, 32,
	    NULL, 0, ni, 32, nr, 32, km, sizeof(km)), 0);
	assert_hex(km, sizeof(km),
	    "ab7fd8bf00a38c080833284089a9dd0104e25c65c55782e4e7594f4b94279d77"
	    "68fc4c2de673078f3804472f239d59068958f3551883ee4b23a18245a7190721"
	    "542e82fd5a22d790");
	assert_int_equal(ike_child_keymat(IKEV2_PRF_HMAC_SHA2_256, k.sk_d, 32,
	    girn, 32, ni, 32, nr, 32, km, sizeof(km)), 0);
	assert_hex(km, sizeof(km),
	    "b1ac772a57f2b36d65b1d6355b011394e70fa2c2a470af787e38ae9d866e8087"
	    "fe127abfa2e9ffe356f7c36bf9b48ccfead02d7f5ae0cfc0c0ff86b2708eff15"
	    "d7745db9bf86907c");
	assert_int_equal(ike_skeyseed_rekey(IKEV2_PRF_HMAC_SHA2_256, k.sk_d, 32,
	    girn, 32, ni, 32, nr, 32, seed, &seedlen), 0);
	assert_hex(seed, seedlen,
	    "e421ef04b2c0238a9ae904a7c04949395ac6087732eef2ad75a490dbe439678b");
	/* GCM with an integrity algorithm is not a valid suite. */
	assert_int_equal(ike_derive_keys(IKEV2_PRF_HMAC_SHA2_256,
	    IKEV2_ENCR_AES_GCM_16, 256, IKEV2_INTEG_HMAC_SHA2_256_128, seed,
	    seedlen, ni, 32, nr, 32, 1, 2, &k), -1);
	ike_keys_wipe(&k);
}

static void
test_prfplus_limits(void **state)
{
	uint8_t key[20] = { 1 }, *out;
	struct ike_iov s = { "seed", 4 };

	(void)state;
	out = malloc(255 * 20 + 1);
	assert_non_null(out);
	assert_int_equal(ike_prfplus(IKEV2_PRF_HMAC_SHA1, key, 20, &s, 1, out,
	    255 * 20), 0);
	assert_int_equal(ike_prfplus(IKEV2_PRF_HMAC_SHA1, key, 20, &s, 1, out,
	    255 * 20 + 1), -1);
	free(out);
}

static void
test_sizes(void **state)
{
	(void)state;
	assert_int_equal(ike_encr_keylen(IKEV2_ENCR_AES_CBC, 192), 24);
	assert_int_equal(ike_encr_keylen(IKEV2_ENCR_AES_GCM_8, 128), 20);
	assert_int_equal(ike_encr_keylen(IKEV2_ENCR_AES_CBC, 100), 0);
	assert_false(ike_encr_supported(IKEV2_ENCR_3DES, 192));
	assert_true(ike_encr_is_aead(IKEV2_ENCR_AES_GCM_12));
	assert_false(ike_encr_is_aead(IKEV2_ENCR_AES_CBC));
	assert_int_equal(ike_integ_keylen(IKEV2_INTEG_HMAC_SHA2_384_192), 48);
	assert_int_equal(ike_integ_icvlen(IKEV2_INTEG_HMAC_SHA2_512_256), 32);
	assert_int_equal(ike_integ_icvlen(IKEV2_INTEG_HMAC_SHA1_96), 12);
	assert_false(ike_integ_supported(IKEV2_INTEG_HMAC_MD5_96));
}

/* ---- PSK AUTH: expected computed with Python 3 hmac/hashlib ------ */

static void
test_psk_auth(void **state)
{
	static const char psk[] = "correct horse battery staple";
	uint8_t msg[200], nonce[32], skp[32], out[IKE_MAX_PRF_LEN];
	const uint8_t idb[] = { 1, 0, 0, 0, 192, 0, 2, 1 };
	size_t outlen = 0;

	(void)state;
	for (int i = 0; i < 200; i++)
		msg[i] = (uint8_t)i;
	memset(nonce, 0x33, sizeof(nonce));
	memset(skp, 0x44, sizeof(skp));
	assert_int_equal(ike_psk_auth(IKEV2_PRF_HMAC_SHA2_256,
	    (const uint8_t *)psk, sizeof(psk) - 1, msg, sizeof(msg), nonce,
	    sizeof(nonce), skp, sizeof(skp), idb, sizeof(idb), out, &outlen), 0);
	assert_hex(out, outlen,
	    "018f0db4c223b4d0f2bf1f09b1b18bf6737d2bbd68b1af9b223c80565957cca6");
	/* A different PSK gives a different AUTH. */
	assert_int_equal(ike_psk_auth(IKEV2_PRF_HMAC_SHA2_256,
	    (const uint8_t *)psk, sizeof(psk) - 2, msg, sizeof(msg), nonce,
	    sizeof(nonce), skp, sizeof(skp), idb, sizeof(idb), out, &outlen), 0);
	assert_int_equal(outlen, 32);
	assert_false(out[0] == 0x01 && out[1] == 0x8f && out[2] == 0x0d);
}

static void
test_misc(void **state)
{
	uint8_t a[32] = { 0 }, b[32] = { 0 };

	(void)state;
	assert_true(ike_mem_equal(a, b, sizeof(a)));
	b[31] = 1;
	assert_false(ike_mem_equal(a, b, sizeof(a)));
	assert_int_equal(ike_random(a, sizeof(a)), 0);
	assert_int_equal(ike_random(b, sizeof(b)), 0);
	assert_false(ike_mem_equal(a, b, sizeof(a)));
}

/* ---- SK payload --------------------------------------------------- */

/* An IKE header (length left 0 for ike_sk_seal) and an SK header. */
static void
sk_msg_start(struct wbuf *w)
{
	wbuf_init(w);
	wbuf_u64(w, 0x0102030405060708ULL);
	wbuf_u64(w, 0x1112131415161718ULL);
	wbuf_u8(w, IKEV2_PLD_SK);
	wbuf_u8(w, IKEV2_VERSION);
	wbuf_u8(w, IKEV2_EXCH_IKE_AUTH);
	wbuf_u8(w, IKEV2_FLAG_INITIATOR);
	wbuf_u32(w, 1);
	wbuf_u32(w, 0);
	wbuf_u8(w, IKEV2_PLD_IDI);
	wbuf_u8(w, 0);
	wbuf_u16(w, 0);
	assert_false(w->err);
}

static void
sk_roundtrip(uint16_t encr, uint16_t bits, uint16_t integ)
{
	uint8_t ek[36], ik[64], inner[300];
	struct ike_sk_dir d = {
		.encr_id = encr, .encr_keybits = bits, .integ_id = integ,
		.enc_key = ek, .enc_len = ike_encr_keylen(encr, bits),
		.integ_key = ik, .integ_len = ike_integ_keylen(integ),
	};
	struct wbuf w, in;

	for (size_t i = 0; i < sizeof(ek); i++)
		ek[i] = (uint8_t)(i * 7 + bits);
	for (size_t i = 0; i < sizeof(ik); i++)
		ik[i] = (uint8_t)(i * 13 + integ);
	for (size_t i = 0; i < sizeof(inner); i++)
		inner[i] = (uint8_t)(i ^ 0x5c);
	/* Every length mod 16 and the empty payload list. */
	for (size_t n = 0; n < 40; n++) {
		sk_msg_start(&w);
		assert_int_equal(ike_sk_seal(&d, &w, IKEV2_HDR_LEN, inner, n), 0);
		/* Both lengths were patched. */
		assert_int_equal((size_t)w.p[24] << 24 | (size_t)w.p[25] << 16 |
		    (size_t)w.p[26] << 8 | w.p[27], w.len);
		assert_int_equal((size_t)w.p[30] << 8 | w.p[31],
		    w.len - IKEV2_HDR_LEN);
		if (!ike_encr_is_aead(encr))
			assert_int_equal((w.len - 32 - 16 -
			    ike_integ_icvlen(integ)) % 16, 0);
		wbuf_init(&in);
		assert_int_equal(ike_sk_open(&d, w.p, w.len, IKEV2_HDR_LEN, &in),
		    0);
		assert_int_equal(in.len, n);
		if (n)
			assert_memory_equal(in.p, inner, n);
		wbuf_free(&in);
		wbuf_free(&w);
	}
	/* Tampering with any byte, header included, is caught. */
	sk_msg_start(&w);
	assert_int_equal(ike_sk_seal(&d, &w, IKEV2_HDR_LEN, inner, 37), 0);
	for (size_t i = 0; i < w.len; i++) {
		w.p[i] ^= 0x01;
		wbuf_init(&in);
		assert_int_equal(ike_sk_open(&d, w.p, w.len, IKEV2_HDR_LEN, &in),
		    -1);
		assert_int_equal(in.len, 0);
		wbuf_free(&in);
		w.p[i] ^= 0x01;
	}
	/* Truncated messages never open (and never read out of bounds). */
	for (size_t l = 0; l < w.len; l++) {
		uint8_t *copy = malloc(l ? l : 1);

		assert_non_null(copy);
		memcpy(copy, w.p, l);
		wbuf_init(&in);
		assert_int_equal(ike_sk_open(&d, copy, l, IKEV2_HDR_LEN, &in),
		    -1);
		wbuf_free(&in);
		free(copy);
	}
	/* The other direction's key does not open it. */
	ek[0] ^= 0x80;
	ik[0] ^= 0x80;
	wbuf_init(&in);
	assert_int_equal(ike_sk_open(&d, w.p, w.len, IKEV2_HDR_LEN, &in), -1);
	wbuf_free(&in);
	wbuf_free(&w);
}

static void
test_sk_roundtrip_all(void **state)
{
	static const uint16_t integs[] = {
		IKEV2_INTEG_HMAC_SHA1_96, IKEV2_INTEG_HMAC_SHA2_256_128,
		IKEV2_INTEG_HMAC_SHA2_384_192, IKEV2_INTEG_HMAC_SHA2_512_256,
	};
	static const uint16_t bits[] = { 128, 192, 256 };
	static const uint16_t gcms[] = {
		IKEV2_ENCR_AES_GCM_8, IKEV2_ENCR_AES_GCM_12,
		IKEV2_ENCR_AES_GCM_16,
	};

	(void)state;
	for (size_t b = 0; b < 3; b++) {
		for (size_t i = 0; i < 4; i++)
			sk_roundtrip(IKEV2_ENCR_AES_CBC, bits[b], integs[i]);
		for (size_t g = 0; g < 3; g++)
			sk_roundtrip(gcms[g], bits[b], IKEV2_INTEG_NONE);
	}
}

/*
 * RFC 3602 case #3 (AES-128-CBC, 3 blocks) as an SK payload: the last
 * plaintext byte ')' = 41 is read as the pad length, so the inner payload
 * is the first 6 bytes, "This i". The ICV is computed here with ike_prf's
 * HMAC-SHA2-256 (a separate code path from the SK code's).
 */
static void
test_sk_open_rfc3602(void **state)
{
	uint8_t ek[16], ik[32], iv[16], ct[48], icv[32];
	struct ike_sk_dir d = {
		.encr_id = IKEV2_ENCR_AES_CBC, .encr_keybits = 128,
		.integ_id = IKEV2_INTEG_HMAC_SHA2_256_128,
		.enc_key = ek, .enc_len = 16, .integ_key = ik, .integ_len = 32,
	};
	struct wbuf w, in;
	struct ike_iov iov;
	size_t total = 28 + 4 + 16 + 48 + 16;

	(void)state;
	unhex("6c3ea0477630ce21a2ce334aa746c2cd", ek, sizeof(ek));
	unhex("c782dc4c098c66cbd9cd27d825682c81", iv, sizeof(iv));
	unhex("d0a02b3836451753d493665d33f0e8862dea54cdb293abc7506939276772f8d5"
	    "021c19216bad525c8579695d83ba2684", ct, sizeof(ct));
	memset(ik, 0x0b, sizeof(ik));
	sk_msg_start(&w);
	wbuf_set_u32(&w, 24, (uint32_t)total);
	wbuf_set_u16(&w, 30, (uint16_t)(total - 28));
	wbuf_bytes(&w, iv, 16);
	wbuf_bytes(&w, ct, 48);
	iov = (struct ike_iov){ w.p, w.len };
	assert_int_equal(ike_prf(IKEV2_PRF_HMAC_SHA2_256, ik, 32, &iov, 1, icv),
	    0);
	wbuf_bytes(&w, icv, 16);
	assert_int_equal(w.len, total);
	wbuf_init(&in);
	assert_int_equal(ike_sk_open(&d, w.p, w.len, 28, &in), 0);
	assert_int_equal(in.len, 6);
	assert_memory_equal(in.p, "This i", 6);
	wbuf_free(&in);
	wbuf_free(&w);

	/* Only the first block, with a good ICV: it decrypts to
	 * "This is a 48-byt" whose last byte 't' = 116 is a pad length
	 * longer than the plaintext, so the payload is rejected. */
	total = 28 + 4 + 16 + 16 + 16;
	sk_msg_start(&w);
	wbuf_set_u32(&w, 24, (uint32_t)total);
	wbuf_set_u16(&w, 30, (uint16_t)(total - 28));
	wbuf_bytes(&w, iv, 16);
	wbuf_bytes(&w, ct, 16);
	iov = (struct ike_iov){ w.p, w.len };
	assert_int_equal(ike_prf(IKEV2_PRF_HMAC_SHA2_256, ik, 32, &iov, 1, icv),
	    0);
	wbuf_bytes(&w, icv, 16);
	wbuf_init(&in);
	assert_int_equal(ike_sk_open(&d, w.p, w.len, 28, &in), -1);
	assert_int_equal(in.len, 0);
	wbuf_free(&in);
	wbuf_free(&w);
}

/*
 * An AES-GCM-16-128 SK payload built with Python's `cryptography`
 * (AESGCM, an independent implementation) from the GCM spec test case 3
 * key/IV: key feffe992..., salt cafebabe, explicit IV facedbaddecaf888,
 * inner "payload-bytes!" and a zero pad length byte.
 */
static void
test_sk_open_gcm_vector(void **state)
{
	uint8_t ek[20], msg[71];
	struct ike_sk_dir d = {
		.encr_id = IKEV2_ENCR_AES_GCM_16, .encr_keybits = 128,
		.integ_id = IKEV2_INTEG_NONE, .enc_key = ek, .enc_len = 20,
	};
	struct wbuf in;

	(void)state;
	unhex("feffe9928665731c6d6a8f9467308308cafebabe", ek, sizeof(ek));
	unhex("010203040506070811121314151617182e20230800000001000000472300002b"
	    "facedbaddecaf888ebd3558bb69216ec8c525c175804f25a680b6436b3e690e4"
	    "6440f0dfa7a56c", msg, sizeof(msg));
	wbuf_init(&in);
	assert_int_equal(ike_sk_open(&d, msg, sizeof(msg), 28, &in), 0);
	assert_int_equal(in.len, 14);
	assert_memory_equal(in.p, "payload-bytes!", 14);
	wbuf_free(&in);
	/* The AAD covers the IKE header: flip the Message ID. */
	msg[23] ^= 1;
	wbuf_init(&in);
	assert_int_equal(ike_sk_open(&d, msg, sizeof(msg), 28, &in), -1);
	wbuf_free(&in);
}

static void
test_sk_bad_args(void **state)
{
	uint8_t ek[16] = { 0 }, ik[20] = { 0 };
	struct ike_sk_dir d = {
		.encr_id = IKEV2_ENCR_AES_CBC, .encr_keybits = 128,
		.integ_id = IKEV2_INTEG_HMAC_SHA1_96,
		.enc_key = ek, .enc_len = 16, .integ_key = ik, .integ_len = 20,
	};
	struct wbuf w;

	(void)state;
	sk_msg_start(&w);
	/* Wrong key lengths. */
	d.enc_len = 15;
	assert_int_equal(ike_sk_seal(&d, &w, 28, (const uint8_t *)"x", 1), -1);
	d.enc_len = 16;
	d.integ_len = 32;
	wbuf_free(&w);
	sk_msg_start(&w);
	assert_int_equal(ike_sk_seal(&d, &w, 28, (const uint8_t *)"x", 1), -1);
	d.integ_len = 20;
	/* The SK header must be the last thing in msg. */
	wbuf_free(&w);
	sk_msg_start(&w);
	wbuf_u8(&w, 0);
	assert_int_equal(ike_sk_seal(&d, &w, 28, (const uint8_t *)"x", 1), -1);
	/* sk_off inside the IKE header. */
	wbuf_free(&w);
	sk_msg_start(&w);
	assert_int_equal(ike_sk_seal(&d, &w, 20, (const uint8_t *)"x", 1), -1);
	wbuf_free(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prf_hmac_vectors),
		cmocka_unit_test(test_kdf_cavp_sha1),
		cmocka_unit_test(test_kdf_sha256_gcm),
		cmocka_unit_test(test_prfplus_limits),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_psk_auth),
		cmocka_unit_test(test_misc),
		cmocka_unit_test(test_sk_roundtrip_all),
		cmocka_unit_test(test_sk_open_rfc3602),
		cmocka_unit_test(test_sk_open_gcm_vector),
		cmocka_unit_test(test_sk_bad_args),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
