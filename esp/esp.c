/*
 * ESP algorithm suites (IKE transform ids <-> Linux crypto API names) and
 * the KEYMAT split of RFC 7296 2.17.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "esp/esp.h"
#include "lib/ikev2_const.h"

#define ESP_CBC(bits, integ, akern, aklen, trunc, nm) \
	{ IKEV2_ENCR_AES_CBC, bits, integ, false, "cbc(aes)", (bits) / 8, \
	  0, akern, aklen, trunc, nm }
/* RFC 4106: the 4-byte salt follows the key in KEYMAT and in the key the
 * kernel takes for rfc4106(gcm(aes)). */
#define ESP_GCM(bits, encr, icv, nm) \
	{ encr, bits, IKEV2_INTEG_NONE, true, "rfc4106(gcm(aes))", \
	  (bits) / 8 + 4, icv, NULL, 0, 0, nm }

static const struct esp_alg esp_algs[] = {
	ESP_GCM(128, IKEV2_ENCR_AES_GCM_16, 128, "aes128gcm16"),
	ESP_GCM(192, IKEV2_ENCR_AES_GCM_16, 128, "aes192gcm16"),
	ESP_GCM(256, IKEV2_ENCR_AES_GCM_16, 128, "aes256gcm16"),
	ESP_GCM(128, IKEV2_ENCR_AES_GCM_12, 96, "aes128gcm12"),
	ESP_GCM(192, IKEV2_ENCR_AES_GCM_12, 96, "aes192gcm12"),
	ESP_GCM(256, IKEV2_ENCR_AES_GCM_12, 96, "aes256gcm12"),
	ESP_GCM(128, IKEV2_ENCR_AES_GCM_8, 64, "aes128gcm8"),
	ESP_GCM(192, IKEV2_ENCR_AES_GCM_8, 64, "aes192gcm8"),
	ESP_GCM(256, IKEV2_ENCR_AES_GCM_8, 64, "aes256gcm8"),

	ESP_CBC(128, IKEV2_INTEG_HMAC_SHA1_96, "hmac(sha1)", 20, 96,
	    "aes128-sha1"),
	ESP_CBC(192, IKEV2_INTEG_HMAC_SHA1_96, "hmac(sha1)", 20, 96,
	    "aes192-sha1"),
	ESP_CBC(256, IKEV2_INTEG_HMAC_SHA1_96, "hmac(sha1)", 20, 96,
	    "aes256-sha1"),
	ESP_CBC(128, IKEV2_INTEG_HMAC_SHA2_256_128, "hmac(sha256)", 32, 128,
	    "aes128-sha256"),
	ESP_CBC(192, IKEV2_INTEG_HMAC_SHA2_256_128, "hmac(sha256)", 32, 128,
	    "aes192-sha256"),
	ESP_CBC(256, IKEV2_INTEG_HMAC_SHA2_256_128, "hmac(sha256)", 32, 128,
	    "aes256-sha256"),
	ESP_CBC(128, IKEV2_INTEG_HMAC_SHA2_384_192, "hmac(sha384)", 48, 192,
	    "aes128-sha384"),
	ESP_CBC(192, IKEV2_INTEG_HMAC_SHA2_384_192, "hmac(sha384)", 48, 192,
	    "aes192-sha384"),
	ESP_CBC(256, IKEV2_INTEG_HMAC_SHA2_384_192, "hmac(sha384)", 48, 192,
	    "aes256-sha384"),
	ESP_CBC(128, IKEV2_INTEG_HMAC_SHA2_512_256, "hmac(sha512)", 64, 256,
	    "aes128-sha512"),
	ESP_CBC(192, IKEV2_INTEG_HMAC_SHA2_512_256, "hmac(sha512)", 64, 256,
	    "aes192-sha512"),
	ESP_CBC(256, IKEV2_INTEG_HMAC_SHA2_512_256, "hmac(sha512)", 64, 256,
	    "aes256-sha512"),
};

const struct esp_alg *
esp_alg_find(uint16_t encr_id, uint16_t keybits, uint16_t integ_id)
{
	for (size_t i = 0; i < sizeof(esp_algs) / sizeof(esp_algs[0]); i++) {
		const struct esp_alg *a = &esp_algs[i];

		if (a->encr_id == encr_id && a->encr_keybits == keybits &&
		    a->integ_id == integ_id)
			return a;
	}
	return NULL;
}

size_t
esp_keymat_len(const struct esp_alg *a)
{
	return a ? 2 * (a->enc_keylen + a->auth_keylen) : 0;
}

static void
esp_keys_take(const struct esp_alg *a, const uint8_t *p, struct esp_keys *k)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->enc, p, a->enc_keylen);
	k->enc_len = a->enc_keylen;
	memcpy(k->auth, p + a->enc_keylen, a->auth_keylen);
	k->auth_len = a->auth_keylen;
}

int
esp_keymat_split(const struct esp_alg *a, const uint8_t *keymat, size_t len,
    bool initiator, struct esp_keys *in, struct esp_keys *out)
{
	size_t one;
	struct esp_keys *i2r, *r2i;

	if (a == NULL || keymat == NULL || in == NULL || out == NULL ||
	    in == out || a->enc_keylen > ESP_MAX_ENC_KEY ||
	    a->auth_keylen > ESP_MAX_AUTH_KEY || len < esp_keymat_len(a))
		return -1;
	one = a->enc_keylen + a->auth_keylen;
	/* The initiator sends with the initiator->responder keys. */
	i2r = initiator ? out : in;
	r2i = initiator ? in : out;
	esp_keys_take(a, keymat, i2r);
	esp_keys_take(a, keymat + one, r2i);
	return 0;
}

void
esp_keys_wipe(struct esp_keys *k)
{
	if (k)
		OPENSSL_cleanse(k, sizeof(*k));
}

/* Only the keys are secret; the rest stays readable for logs. */
void
esp_child_sa_wipe(struct esp_child_sa *sa)
{
	if (sa == NULL)
		return;
	esp_keys_wipe(&sa->keys_in);
	esp_keys_wipe(&sa->keys_out);
}
