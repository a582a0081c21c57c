/*
 * esp/esp.c: the algorithm table against the kernel's names and RFC key
 * sizes, and the KEYMAT split order of RFC 7296 2.17 for both roles.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "esp/esp.h"
#include "ike/crypto.h"
#include "lib/ikev2_const.h"

static void
test_alg_table(void **state)
{
	const struct esp_alg *a;

	(void)state;
	a = esp_alg_find(IKEV2_ENCR_AES_GCM_16, 256, IKEV2_INTEG_NONE);
	assert_non_null(a);
	assert_true(a->aead);
	assert_string_equal(a->enc_kernel, "rfc4106(gcm(aes))");
	assert_int_equal(a->enc_keylen, 36);
	assert_int_equal(a->icv_bits, 128);
	assert_null(a->auth_kernel);
	assert_int_equal(a->auth_keylen, 0);
	assert_string_equal(a->name, "aes256gcm16");
	assert_int_equal(esp_keymat_len(a), 72);

	a = esp_alg_find(IKEV2_ENCR_AES_GCM_8, 128, IKEV2_INTEG_NONE);
	assert_non_null(a);
	assert_int_equal(a->icv_bits, 64);
	assert_int_equal(a->enc_keylen, 20);
	a = esp_alg_find(IKEV2_ENCR_AES_GCM_12, 128, IKEV2_INTEG_NONE);
	assert_non_null(a);
	assert_int_equal(a->icv_bits, 96);

	a = esp_alg_find(IKEV2_ENCR_AES_CBC, 128, IKEV2_INTEG_HMAC_SHA1_96);
	assert_non_null(a);
	assert_false(a->aead);
	assert_string_equal(a->enc_kernel, "cbc(aes)");
	assert_string_equal(a->auth_kernel, "hmac(sha1)");
	assert_int_equal(a->enc_keylen, 16);
	assert_int_equal(a->auth_keylen, 20);
	assert_int_equal(a->auth_trunc_bits, 96);
	assert_string_equal(a->name, "aes128-sha1");
	assert_int_equal(esp_keymat_len(a), 72);

	a = esp_alg_find(IKEV2_ENCR_AES_CBC, 256, IKEV2_INTEG_HMAC_SHA2_512_256);
	assert_non_null(a);
	assert_string_equal(a->auth_kernel, "hmac(sha512)");
	assert_int_equal(a->auth_keylen, 64);
	assert_int_equal(a->auth_trunc_bits, 256);
	assert_string_equal(a->name, "aes256-sha512");

	/* Not suites: GCM with integrity, CBC without, odd key sizes. */
	assert_null(esp_alg_find(IKEV2_ENCR_AES_GCM_16, 128,
	    IKEV2_INTEG_HMAC_SHA2_256_128));
	assert_null(esp_alg_find(IKEV2_ENCR_AES_CBC, 128, IKEV2_INTEG_NONE));
	assert_null(esp_alg_find(IKEV2_ENCR_AES_CBC, 64,
	    IKEV2_INTEG_HMAC_SHA1_96));
	assert_null(esp_alg_find(IKEV2_ENCR_3DES, 192,
	    IKEV2_INTEG_HMAC_SHA1_96));
	assert_null(esp_alg_find(IKEV2_ENCR_AES_CBC, 128,
	    IKEV2_INTEG_HMAC_MD5_96));
	assert_int_equal(esp_keymat_len(NULL), 0);
}

/* Every suite agrees with ike/'s sizes for the same transform ids and
 * fits the fixed key buffers. */
static void
test_alg_sizes_match_ike(void **state)
{
	static const uint16_t encrs[] = {
		IKEV2_ENCR_AES_CBC, IKEV2_ENCR_AES_GCM_8, IKEV2_ENCR_AES_GCM_12,
		IKEV2_ENCR_AES_GCM_16,
	};
	static const uint16_t integs[] = {
		IKEV2_INTEG_NONE, IKEV2_INTEG_HMAC_SHA1_96,
		IKEV2_INTEG_HMAC_SHA2_256_128, IKEV2_INTEG_HMAC_SHA2_384_192,
		IKEV2_INTEG_HMAC_SHA2_512_256,
	};
	static const uint16_t bits[] = { 128, 192, 256 };
	int n = 0;

	(void)state;
	for (size_t e = 0; e < 4; e++)
		for (size_t b = 0; b < 3; b++)
			for (size_t i = 0; i < 5; i++) {
				const struct esp_alg *a = esp_alg_find(encrs[e],
				    bits[b], integs[i]);

				if (a == NULL)
					continue;
				n++;
				assert_int_equal(a->enc_keylen,
				    ike_encr_keylen(encrs[e], bits[b]));
				assert_true(a->enc_keylen <= ESP_MAX_ENC_KEY);
				assert_true(a->auth_keylen <= ESP_MAX_AUTH_KEY);
				if (a->aead)
					continue;
				assert_int_equal(a->auth_keylen,
				    ike_integ_keylen(integs[i]));
				assert_int_equal(a->auth_trunc_bits / 8,
				    ike_integ_icvlen(integs[i]));
			}
	assert_int_equal(n, 9 + 12);
}

static void
test_keymat_split(void **state)
{
	const struct esp_alg *a = esp_alg_find(IKEV2_ENCR_AES_CBC, 128,
	    IKEV2_INTEG_HMAC_SHA2_256_128);
	uint8_t km[96];
	struct esp_keys in, out;

	(void)state;
	assert_non_null(a);
	assert_int_equal(esp_keymat_len(a), 96);
	for (size_t i = 0; i < sizeof(km); i++)
		km[i] = (uint8_t)i;
	/* i->r: enc 0..15, auth 16..47; r->i: enc 48..63, auth 64..95. */
	assert_int_equal(esp_keymat_split(a, km, sizeof(km), true, &in, &out),
	    0);
	assert_int_equal(out.enc_len, 16);
	assert_int_equal(out.auth_len, 32);
	assert_memory_equal(out.enc, km, 16);
	assert_memory_equal(out.auth, km + 16, 32);
	assert_memory_equal(in.enc, km + 48, 16);
	assert_memory_equal(in.auth, km + 64, 32);
	/* The responder sees the same keys the other way round. */
	assert_int_equal(esp_keymat_split(a, km, sizeof(km), false, &in, &out),
	    0);
	assert_memory_equal(in.enc, km, 16);
	assert_memory_equal(in.auth, km + 16, 32);
	assert_memory_equal(out.enc, km + 48, 16);
	assert_memory_equal(out.auth, km + 64, 32);
	/* Too short. */
	assert_int_equal(esp_keymat_split(a, km, sizeof(km) - 1, true, &in,
	    &out), -1);
	esp_keys_wipe(&in);
	assert_int_equal(in.enc_len, 0);
	assert_int_equal(in.enc[0] | in.auth[31], 0);
}

static void
test_keymat_split_gcm_salt(void **state)
{
	const struct esp_alg *a = esp_alg_find(IKEV2_ENCR_AES_GCM_16, 128,
	    IKEV2_INTEG_NONE);
	uint8_t km[40];
	struct esp_child_sa sa;

	(void)state;
	assert_non_null(a);
	assert_int_equal(esp_keymat_len(a), 40);
	for (size_t i = 0; i < sizeof(km); i++)
		km[i] = (uint8_t)(0xa0 + i);
	memset(&sa, 0, sizeof(sa));
	assert_int_equal(esp_keymat_split(a, km, sizeof(km), true,
	    &sa.keys_in, &sa.keys_out), 0);
	/* Key and salt stay together: 20 bytes each way, no auth key. */
	assert_int_equal(sa.keys_out.enc_len, 20);
	assert_int_equal(sa.keys_out.auth_len, 0);
	assert_memory_equal(sa.keys_out.enc, km, 20);
	assert_memory_equal(sa.keys_in.enc, km + 20, 20);
	sa.alg = a;
	esp_child_sa_wipe(&sa);
	assert_int_equal(sa.keys_in.enc_len | sa.keys_out.enc_len, 0);
	assert_int_equal(sa.keys_out.enc[0] | sa.keys_in.enc[19], 0);
	assert_ptr_equal(sa.alg, a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alg_table),
		cmocka_unit_test(test_alg_sizes_match_ike),
		cmocka_unit_test(test_keymat_split),
		cmocka_unit_test(test_keymat_split_gcm_salt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
