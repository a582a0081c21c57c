/*
 * ike/dh.c: every group agrees with itself, encodings have the right
 * length, known answers (RFC 5903 section 8, RFC 7748 section 6.1, MODP
 * values computed independently with Python's pow()), and bad peer
 * public values are refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/bn.h>

#include "ike/crypto.h"
#include "ike/dh_test.h"
#include "lib/ikev2_const.h"

static const uint16_t all_groups[] = {
	IKEV2_DH_MODP1024, IKEV2_DH_MODP1536, IKEV2_DH_MODP2048,
	IKEV2_DH_MODP3072, IKEV2_DH_MODP4096, IKEV2_DH_MODP6144,
	IKEV2_DH_MODP8192, IKEV2_DH_ECP256, IKEV2_DH_ECP384, IKEV2_DH_ECP521,
	IKEV2_DH_MODP1024_160, IKEV2_DH_MODP2048_224, IKEV2_DH_MODP2048_256,
	IKEV2_DH_CURVE25519,
};
static const size_t all_lens[] = {
	128, 192, 256, 384, 512, 768, 1024, 64, 96, 132, 128, 256, 256, 32,
};

/* Accepts RFC-style hex with spaces. */
static size_t
unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	for (; *s; s++) {
		unsigned v;

		if (*s == ' ')
			continue;
		assert_true(n < cap);
		assert_int_equal(sscanf(s, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		s++;
	}
	return n;
}

static void
pub_of(struct ike_dh *dh, struct wbuf *w)
{
	wbuf_init(w);
	assert_int_equal(ike_dh_public(dh, w), 0);
	assert_false(w->err);
}

static void
test_dh_agree_all_groups(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(all_groups) / sizeof(all_groups[0]); i++) {
		uint16_t g = all_groups[i];
		struct ike_dh *a, *b;
		struct wbuf pa, pb;
		uint8_t sa[1024], sb[1024];
		size_t la = 0, lb = 0;

		assert_true(ike_dh_supported(g));
		assert_int_equal(ike_dh_public_len(g), all_lens[i]);
		a = ike_dh_new(g);
		b = ike_dh_new(g);
		assert_non_null(a);
		assert_non_null(b);
		assert_int_equal(ike_dh_group(a), g);
		pub_of(a, &pa);
		pub_of(b, &pb);
		assert_int_equal(pa.len, all_lens[i]);
		assert_int_equal(pb.len, all_lens[i]);
		assert_memory_not_equal(pa.p, pb.p, pa.len);
		assert_int_equal(ike_dh_shared(a, pb.p, pb.len, sa, &la), 0);
		assert_int_equal(ike_dh_shared(b, pa.p, pa.len, sb, &lb), 0);
		assert_int_equal(la, lb);
		/* MODP and X25519: the public length; ECP: x alone. */
		assert_int_equal(la, g >= 19 && g <= 21 ? all_lens[i] / 2 :
		    all_lens[i]);
		assert_memory_equal(sa, sb, la);
		/* Wrong lengths are refused. */
		assert_int_equal(ike_dh_shared(a, pb.p, pb.len - 1, sa, &la), -1);
		wbuf_free(&pa);
		wbuf_free(&pb);
		ike_dh_free(a);
		ike_dh_free(b);
	}
	assert_false(ike_dh_supported(IKEV2_DH_MODP768));
	assert_null(ike_dh_new(IKEV2_DH_MODP768));
	assert_int_equal(ike_dh_public_len(IKEV2_DH_NONE), 0);
}

/* RFC 5903 section 8: i, g^i, r, g^r, and g^ir's x coordinate. */
static const struct {
	uint16_t	 group;
	const char	*i, *gix, *giy, *r, *grx, *gry, *girx;
} ecp_vectors[] = {
	{ IKEV2_DH_ECP256,
	  "C88F01F5 10D9AC3F 70A292DA A2316DE5 44E9AAB8 AFE84049 C62A9C57 862D1433",
	  "DAD0B653 94221CF9 B051E1FE CA5787D0 98DFE637 FC90B9EF 945D0C37 72581180",
	  "5271A046 1CDB8252 D61F1C45 6FA3E59A B1F45B33 ACCF5F58 389E0577 B8990BB3",
	  "C6EF9C5D 78AE012A 011164AC B397CE20 88685D8F 06BF9BE0 B283AB46 476BEE53",
	  "D12DFB52 89C8D4F8 1208B702 70398C34 2296970A 0BCCB74C 736FC755 4494BF63",
	  "56FBF3CA 366CC23E 8157854C 13C58D6A AC23F046 ADA30F83 53E74F33 039872AB",
	  "D6840F6B 42F6EDAF D13116E0 E1256520 2FEF8E9E CE7DCE03 812464D0 4B9442DE" },
	{ IKEV2_DH_ECP384,
	  "099F3C70 34D4A2C6 99884D73 A375A67F 7624EF7C 6B3C0F16 0647B674 14DCE655"
	  " E35B5380 41E649EE 3FAEF896 783AB194",
	  "667842D7 D180AC2C DE6F74F3 7551F557 55C7645C 20EF73E3 1634FE72 B4C55EE6"
	  " DE3AC808 ACB4BDB4 C88732AE E95F41AA",
	  "9482ED1F C0EEB9CA FC498462 5CCFC23F 65032149 E0E144AD A0241815 35A0F38E"
	  " EB9FCFF3 C2C947DA E69B4C63 4573A81C",
	  "41CB0779 B4BDB85D 47846725 FBEC3C94 30FAB46C C8DC5060 855CC9BD A0AA2942"
	  " E0308312 916B8ED2 960E4BD5 5A7448FC",
	  "E558DBEF 53EECDE3 D3FCCFC1 AEA08A89 A987475D 12FD950D 83CFA417 32BC509D"
	  " 0D1AC43A 0336DEF9 6FDA41D0 774A3571",
	  "DCFBEC7A ACF31964 72169E83 8430367F 66EEBE3C 6E70C416 DD5F0C68 759DD1FF"
	  " F83FA401 42209DFF 5EAAD96D B9E6386C",
	  "11187331 C279962D 93D60424 3FD592CB 9D0A926F 422E4718 7521287E 7156C5C4"
	  " D6031355 69B9E9D0 9CF5D4A2 70F59746" },
	{ IKEV2_DH_ECP521,
	  "0037ADE9 319A89F4 DABDB3EF 411AACCC A5123C61 ACAB57B5 393DCE47 608172A0"
	  " 95AA85A3 0FE1C295 2C6771D9 37BA9777 F5957B26 39BAB072 462F68C2 7A57382D"
	  " 4A52",
	  "0015417E 84DBF28C 0AD3C278 713349DC 7DF153C8 97A1891B D98BAB43 57C9ECBE"
	  " E1E3BF42 E00B8E38 0AEAE57C 2D107564 94188594 2AF5A7F4 601723C4 195D176C"
	  " ED3E",
	  "017CAE20 B6641D2E EB695786 D8C94614 6239D099 E18E1D5A 514C739D 7CB4A10A"
	  " D8A78801 5AC405D7 799DC75E 7B7D5B6C F2261A6A 7F150743 8BF01BEB 6CA3926F"
	  " 9582",
	  "0145BA99 A847AF43 793FDD0E 872E7CDF A16BE30F DC780F97 BCCC3F07 8380201E"
	  " 9C677D60 0B343757 A3BDBF2A 3163E4C2 F869CCA7 458AA4A4 EFFC311F 5CB15168"
	  " 5EB9",
	  "00D0B397 5AC4B799 F5BEA16D 5E13E9AF 971D5E9B 984C9F39 728B5E57 39735A21"
	  " 9B97C356 436ADC6E 95BB0352 F6BE64A6 C2912D4E F2D0433C ED2B6171 640012D9"
	  " 460F",
	  "015C6822 6383956E 3BD066E7 97B623C2 7CE0EAC2 F551A10C 2C724D98 52077B87"
	  " 220B6536 C5C408A1 D2AEBB8E 86D678AE 49CB5709 1F473229 6579AB44 FCD17F0F"
	  " C56A",
	  "01144C7D 79AE6956 BC8EDB8E 7C787C45 21CB086F A64407F9 7894E5E6 B2D79B04"
	  " D1427E73 CA4BAA24 0A347868 59810C06 B3C715A3 A8CC3151 F2BEE417 996D19F3"
	  " DDEA" },
};

static void
test_dh_ecp_rfc5903(void **state)
{
	(void)state;
	for (size_t v = 0; v < sizeof(ecp_vectors) / sizeof(ecp_vectors[0]); v++) {
		uint8_t i[66], r[66], gi[132], gr[132], girx[66], s[132];
		size_t il, rl, n, gl, sl = 0;
		struct ike_dh *di, *dr;
		struct wbuf w;

		il = unhex(ecp_vectors[v].i, i, sizeof(i));
		rl = unhex(ecp_vectors[v].r, r, sizeof(r));
		n = unhex(ecp_vectors[v].gix, gi, sizeof(gi));
		gl = n + unhex(ecp_vectors[v].giy, gi + n, sizeof(gi) - n);
		n = unhex(ecp_vectors[v].grx, gr, sizeof(gr));
		assert_int_equal(n + unhex(ecp_vectors[v].gry, gr + n,
		    sizeof(gr) - n), gl);
		n = unhex(ecp_vectors[v].girx, girx, sizeof(girx));
		assert_int_equal(gl, ike_dh_public_len(ecp_vectors[v].group));

		di = ike_dh_new_with_private(ecp_vectors[v].group, i, il);
		dr = ike_dh_new_with_private(ecp_vectors[v].group, r, rl);
		assert_non_null(di);
		assert_non_null(dr);
		/* KE data is x | y without the 0x04 octet. */
		pub_of(di, &w);
		assert_int_equal(w.len, gl);
		assert_memory_equal(w.p, gi, gl);
		wbuf_free(&w);
		pub_of(dr, &w);
		assert_memory_equal(w.p, gr, gl);
		wbuf_free(&w);
		assert_int_equal(ike_dh_shared(di, gr, gl, s, &sl), 0);
		assert_int_equal(sl, n);
		assert_memory_equal(s, girx, n);
		assert_int_equal(ike_dh_shared(dr, gi, gl, s, &sl), 0);
		assert_memory_equal(s, girx, n);

		/* A point off the curve: y + 1. */
		gr[gl - 1] ^= 0x01;
		assert_int_equal(ike_dh_shared(di, gr, gl, s, &sl), -1);
		gr[gl - 1] ^= 0x01;
		/* All zero (the point at infinity has no such encoding). */
		memset(gr, 0, gl);
		assert_int_equal(ike_dh_shared(di, gr, gl, s, &sl), -1);
		/* The SEC 1 form (65/97/133 octets) is not the IKE encoding. */
		assert_int_equal(ike_dh_shared(di, gi, gl - 1, s, &sl), -1);
		ike_dh_free(di);
		ike_dh_free(dr);
	}
}

static void
test_dh_x25519_rfc7748(void **state)
{
	uint8_t a[32], b[32], pa[32], pb[32], k[32], s[32], bad[32];
	size_t sl = 0;
	struct ike_dh *da, *db;
	struct wbuf w;

	(void)state;
	unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
	    a, 32);
	unhex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
	    pa, 32);
	unhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
	    b, 32);
	unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
	    pb, 32);
	unhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742",
	    k, 32);
	da = ike_dh_new_with_private(IKEV2_DH_CURVE25519, a, 32);
	db = ike_dh_new_with_private(IKEV2_DH_CURVE25519, b, 32);
	assert_non_null(da);
	assert_non_null(db);
	pub_of(da, &w);
	assert_memory_equal(w.p, pa, 32);
	wbuf_free(&w);
	pub_of(db, &w);
	assert_memory_equal(w.p, pb, 32);
	wbuf_free(&w);
	assert_int_equal(ike_dh_shared(da, pb, 32, s, &sl), 0);
	assert_int_equal(sl, 32);
	assert_memory_equal(s, k, 32);
	assert_int_equal(ike_dh_shared(db, pa, 32, s, &sl), 0);
	assert_memory_equal(s, k, 32);

	/* Small-order points give an all-zero result: refused (RFC 8031
	 * section 2.3). u = 0 and u = 1. */
	memset(bad, 0, sizeof(bad));
	assert_int_equal(ike_dh_shared(da, bad, 32, s, &sl), -1);
	bad[0] = 1;
	assert_int_equal(ike_dh_shared(da, bad, 32, s, &sl), -1);
	assert_int_equal(ike_dh_shared(da, pb, 31, s, &sl), -1);
	assert_int_equal(ike_dh_shared(da, pb, 33, s, &sl), -1);
	ike_dh_free(da);
	ike_dh_free(db);
}

/*
 * MODP known answers computed independently with Python 3:
 * A = pow(2, a, p), S = pow(2**b, a, p) for a = 0x1111...11 (240 bits)
 * and the peer's B = 2^b; b chosen so that S has a leading zero octet,
 * which must be kept (RFC 7296 2.14).
 */
static const struct {
	uint16_t	 group;
	unsigned	 b;
	const char	*A, *S;
} modp_vectors[] = {
	{ IKEV2_DH_MODP1024, 245,
	  "54c3f6dc283e29efeacd70891fd0621eef39d3fcc567b8990e8491c53f926f01"
	  "f40d09d38da99d29cdb1163380dbe777847e9586befc0fb7693bb4d7acbbf344"
	  "462ebd7d1b911354a9c16bdd3a8cfc5a47e569597593d0edc281cd849bb9a390"
	  "c50e8002f994d2b562c8d75c087bff5cef01f57c4a5927e0d074c66b3fc8c097",
	  "001882dcede9bdfa39fecc80ac818b92bf7367cd4092be07ece94466ce681e21"
	  "3a082b54b6fca384385194c163eefdb6c20a92ba8f2fa50410df50d297b1800d"
	  "8898196ae2ad46b003f20483a0e38189546f0e5fa166f03c0cee061059dc7f14"
	  "cf43857a7f639b5109f9becc6faa6a6cb242f82347e26be637b7d1cf7bc6266f" },
	{ IKEV2_DH_MODP2048, 122,
	  "652f43a4553d607bacac87d22e116866600b5493742efa4c1d4d5ff08d11a1ed"
	  "2ce1b3b25db7ef95f7503b95d1e41e605baeb8f30a328fb29b9416b4d174f725"
	  "4bd774794c505553fe0a7fba7ac4a05397c825ae0393dcda3c17219288c9bc2d"
	  "f1f3a0e7a5137b807907480f755a3fe2141905aeb2617577b5d1b5a6c195dda6"
	  "e767b0c5b4e85cbae88cf0a1b975216b2885f17e7e399e0d5b824ed3361ca857"
	  "4d7de25d3979249909dc482923213c78f6c83abec532b19af53b57ba5f6a2656"
	  "d27bac3820c59d3e15a5a1da173cfc06acf55756f3c88612bb5a95067776ba1d"
	  "6ff9b208e94cee5304d0ff8d7380b4fc26a4215226fd0e7af26dc825ffbf0137",
	  "00d586c1a1136571a33bf9eb863e6f80b86f65e44a7757dc1a0ec93b112de7c2"
	  "888f2e5d4ef5e803826543c68056713272b696d25abe3168d41302effa30c463"
	  "0c5029af07b37761438282a545e69b55c6dcc554dc211b7f086f23aa76d7dfa5"
	  "01481ecfdffc05ba9cd6421990f4fe31f5d8c8b526e763e368c82a5f4e430372"
	  "82f12f09dd78e2560abe6b8794b0f7681bcb635000844bca50f499bf4b875890"
	  "ab7eed2c0831172ff28651eea0a1e1e3560f377fc114d6d8471e620ce3445912"
	  "e92c553aa2ed98721ba2ecab46691ea0b878c51daefe026f310e1eb9d00e38f2"
	  "859b0dadddae4ed1721e8c87a8b715bb94805eb026fc4b3392b862c9ca29a55a" },
};

static void
test_dh_modp_known(void **state)
{
	(void)state;
	for (size_t v = 0; v < sizeof(modp_vectors) / sizeof(modp_vectors[0]); v++) {
		uint8_t a[30], A[256], S[256], B[256], s[256];
		size_t len = ike_dh_public_len(modp_vectors[v].group), sl = 0;
		unsigned b = modp_vectors[v].b;
		struct ike_dh *dh;
		struct wbuf w;

		memset(a, 0x11, sizeof(a));
		assert_int_equal(unhex(modp_vectors[v].A, A, sizeof(A)), len);
		assert_int_equal(unhex(modp_vectors[v].S, S, sizeof(S)), len);
		memset(B, 0, len);
		B[len - 1 - b / 8] = (uint8_t)(1u << (b % 8));
		dh = ike_dh_new_with_private(modp_vectors[v].group, a, sizeof(a));
		assert_non_null(dh);
		pub_of(dh, &w);
		assert_int_equal(w.len, len);
		assert_memory_equal(w.p, A, len);
		wbuf_free(&w);
		assert_int_equal(ike_dh_shared(dh, B, len, s, &sl), 0);
		assert_int_equal(sl, len);
		assert_int_equal(s[0], 0);
		assert_memory_equal(s, S, len);
		ike_dh_free(dh);
	}
}

static void
modp_reject(struct ike_dh *dh, const uint8_t *y, size_t len)
{
	uint8_t s[1024];
	size_t sl = 0;

	assert_int_equal(ike_dh_shared(dh, y, len, s, &sl), -1);
}

/* y = 0, 1, p-1, p, p+1 and wrong lengths are refused. */
static void
test_dh_modp_bad_publics(void **state)
{
	static const struct {
		uint16_t	  group;
		BIGNUM		*(*prime)(BIGNUM *);
	} g[] = {
		{ IKEV2_DH_MODP1024, BN_get_rfc2409_prime_1024 },
		{ IKEV2_DH_MODP2048, BN_get_rfc3526_prime_2048 },
		{ IKEV2_DH_MODP8192, BN_get_rfc3526_prime_8192 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		size_t len = ike_dh_public_len(g[i].group);
		uint8_t *y = calloc(1, len + 1);
		struct ike_dh *dh = ike_dh_new(g[i].group);
		BIGNUM *p = g[i].prime(NULL), *t = BN_new();

		assert_non_null(y);
		assert_non_null(dh);
		assert_non_null(p);
		assert_non_null(t);
		modp_reject(dh, y, len);			/* 0 */
		y[len - 1] = 1;
		modp_reject(dh, y, len);			/* 1 */
		y[len - 1] = 2;
		modp_reject(dh, y, len - 1);			/* short */
		modp_reject(dh, y, len + 1);			/* long */
		assert_non_null(BN_copy(t, p));
		assert_true(BN_sub_word(t, 1));
		assert_int_equal(BN_bn2binpad(t, y, (int)len), (int)len);
		modp_reject(dh, y, len);			/* p-1 */
		assert_int_equal(BN_bn2binpad(p, y, (int)len), (int)len);
		modp_reject(dh, y, len);			/* p */
		assert_true(BN_add_word(t, 2));
		assert_int_equal(BN_bn2binpad(t, y, (int)len), (int)len);
		modp_reject(dh, y, len);			/* p+1 */
		memset(y, 0xff, len);
		modp_reject(dh, y, len);			/* > p */
		/* 4 = 2^2 is in range and in g's subgroup: accepted. */
		memset(y, 0, len);
		y[len - 1] = 4;
		{
			uint8_t s[1024];
			size_t sl = 0;

			assert_int_equal(ike_dh_shared(dh, y, len, s, &sl), 0);
			assert_int_equal(sl, len);
		}
		BN_free(p);
		BN_free(t);
		free(y);
		ike_dh_free(dh);
	}
}

/* RFC 5114 groups: a value in range but outside the q-order subgroup
 * (y = 2 for these generators, and p-1 of order 2) is refused. */
static void
test_dh_rfc5114_subgroup(void **state)
{
	static const uint16_t g[] = {
		IKEV2_DH_MODP1024_160, IKEV2_DH_MODP2048_224,
		IKEV2_DH_MODP2048_256,
	};

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		size_t len = ike_dh_public_len(g[i]);
		uint8_t y[256], s[256];
		size_t sl = 0;
		struct ike_dh *dh = ike_dh_new(g[i]);

		assert_non_null(dh);
		memset(y, 0, sizeof(y));
		y[len - 1] = 2;
		assert_int_equal(ike_dh_shared(dh, y, len, s, &sl), -1);
		y[len - 1] = 1;
		assert_int_equal(ike_dh_shared(dh, y, len, s, &sl), -1);
		y[len - 1] = 0;
		assert_int_equal(ike_dh_shared(dh, y, len, s, &sl), -1);
		ike_dh_free(dh);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dh_agree_all_groups),
		cmocka_unit_test(test_dh_ecp_rfc5903),
		cmocka_unit_test(test_dh_x25519_rfc7748),
		cmocka_unit_test(test_dh_modp_known),
		cmocka_unit_test(test_dh_modp_bad_publics),
		cmocka_unit_test(test_dh_rfc5114_subgroup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
