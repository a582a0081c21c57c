/*
 * IKEv2 prf, prf+, key derivation (RFC 7296 2.13-2.18), PSK authentication
 * (2.15) and algorithm sizes. HMAC through EVP_MAC.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "ike/crypto.h"
#include "lib/ikev2_const.h"

static const char *
ike_prf_digest(uint16_t prf_id)
{
	switch (prf_id) {
	case IKEV2_PRF_HMAC_SHA1:	return "SHA1";
	case IKEV2_PRF_HMAC_SHA2_256:	return "SHA2-256";
	case IKEV2_PRF_HMAC_SHA2_384:	return "SHA2-384";
	case IKEV2_PRF_HMAC_SHA2_512:	return "SHA2-512";
	default:			return NULL;
	}
}

bool
ike_prf_supported(uint16_t prf_id)
{
	return ike_prf_digest(prf_id) != NULL;
}

size_t
ike_prf_len(uint16_t prf_id)
{
	switch (prf_id) {
	case IKEV2_PRF_HMAC_SHA1:	return 20;
	case IKEV2_PRF_HMAC_SHA2_256:	return 32;
	case IKEV2_PRF_HMAC_SHA2_384:	return 48;
	case IKEV2_PRF_HMAC_SHA2_512:	return 64;
	default:			return 0;
	}
}

/*
 * One HMAC over a list of pieces. The EVP_MAC object is fetched per call:
 * IKE derives keys a few times per SA, nowhere near a hot path, and no
 * global state means no init/teardown order to get wrong.
 */
static int
ike_hmac(const char *digest, const uint8_t *key, size_t klen,
    const struct ike_iov *data, size_t niov, uint8_t *out, size_t outlen)
{
	EVP_MAC *mac = NULL;
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM params[2];
	static const uint8_t empty_key[1];
	size_t n = 0;
	int rv = -1;

	if (key == NULL || klen == 0) {
		/* HMAC with an empty key is defined; OpenSSL wants a pointer. */
		key = empty_key;
		klen = 0;
	}
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL ||
	    (ctx = EVP_MAC_CTX_new(mac)) == NULL ||
	    !EVP_MAC_init(ctx, key, klen, params))
		goto out;
	for (size_t i = 0; i < niov; i++) {
		if (data[i].len && (data[i].p == NULL ||
		    !EVP_MAC_update(ctx, data[i].p, data[i].len)))
			goto out;
	}
	if (!EVP_MAC_final(ctx, out, &n, outlen) || n != outlen)
		goto out;
	rv = 0;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return rv;
}

int
ike_prf(uint16_t prf_id, const uint8_t *key, size_t klen,
    const struct ike_iov *data, size_t niov, uint8_t *out)
{
	const char *md = ike_prf_digest(prf_id);

	if (md == NULL || out == NULL || (niov && data == NULL))
		return -1;
	return ike_hmac(md, key, klen, data, niov, out, ike_prf_len(prf_id));
}

#define IKE_PRFPLUS_MAX_IOV	8

/* prf+ (K,S) = T1 | T2 | ...; Tn = prf(K, Tn-1 | S | n), n up to 255. */
int
ike_prfplus(uint16_t prf_id, const uint8_t *key, size_t klen,
    const struct ike_iov *seed, size_t niov, uint8_t *out, size_t outlen)
{
	struct ike_iov iov[IKE_PRFPLUS_MAX_IOV + 2];
	uint8_t t[IKE_MAX_PRF_LEN];
	size_t hlen = ike_prf_len(prf_id), done = 0, n;
	uint8_t counter;
	int rv = -1;

	if (hlen == 0 || niov > IKE_PRFPLUS_MAX_IOV || (niov && seed == NULL) ||
	    (outlen && out == NULL))
		return -1;
	if (outlen > 255 * hlen)
		return -1;
	for (unsigned i = 1; done < outlen; i++) {
		size_t k = 0;

		counter = (uint8_t)i;
		if (i > 1)
			iov[k++] = (struct ike_iov){ t, hlen };
		for (size_t j = 0; j < niov; j++)
			iov[k++] = seed[j];
		iov[k++] = (struct ike_iov){ &counter, 1 };
		if (ike_prf(prf_id, key, klen, iov, k, t) != 0)
			goto out;
		n = outlen - done < hlen ? outlen - done : hlen;
		memcpy(out + done, t, n);
		done += n;
	}
	rv = 0;
out:
	OPENSSL_cleanse(t, sizeof(t));
	if (rv != 0 && outlen)
		OPENSSL_cleanse(out, outlen);
	return rv;
}

/* ---- algorithm sizes ---------------------------------------------- */

static bool
ike_aes_keybits_ok(uint16_t keybits)
{
	return keybits == 128 || keybits == 192 || keybits == 256;
}

bool
ike_encr_is_aead(uint16_t encr_id)
{
	return encr_id == IKEV2_ENCR_AES_GCM_8 ||
	    encr_id == IKEV2_ENCR_AES_GCM_12 ||
	    encr_id == IKEV2_ENCR_AES_GCM_16;
}

bool
ike_encr_supported(uint16_t encr_id, uint16_t keybits)
{
	if (encr_id == IKEV2_ENCR_AES_CBC || ike_encr_is_aead(encr_id))
		return ike_aes_keybits_ok(keybits);
	return false;
}

size_t
ike_encr_keylen(uint16_t encr_id, uint16_t keybits)
{
	if (!ike_encr_supported(encr_id, keybits))
		return 0;
	/* RFC 5282 section 7.1: 4 bytes of salt follow the AES key. */
	return keybits / 8 + (ike_encr_is_aead(encr_id) ? 4 : 0);
}

bool
ike_integ_supported(uint16_t integ_id)
{
	return ike_integ_keylen(integ_id) != 0;
}

size_t
ike_integ_keylen(uint16_t integ_id)
{
	switch (integ_id) {
	case IKEV2_INTEG_HMAC_SHA1_96:		return 20;
	case IKEV2_INTEG_HMAC_SHA2_256_128:	return 32;
	case IKEV2_INTEG_HMAC_SHA2_384_192:	return 48;
	case IKEV2_INTEG_HMAC_SHA2_512_256:	return 64;
	default:				return 0;
	}
}

size_t
ike_integ_icvlen(uint16_t integ_id)
{
	switch (integ_id) {
	case IKEV2_INTEG_HMAC_SHA1_96:		return 12;
	case IKEV2_INTEG_HMAC_SHA2_256_128:	return 16;
	case IKEV2_INTEG_HMAC_SHA2_384_192:	return 24;
	case IKEV2_INTEG_HMAC_SHA2_512_256:	return 32;
	default:				return 0;
	}
}

/* ---- IKE SA keys -------------------------------------------------- */

int
ike_skeyseed(uint16_t prf_id, const uint8_t *ni, size_t nilen,
    const uint8_t *nr, size_t nrlen, const uint8_t *gir, size_t girlen,
    uint8_t *skeyseed, size_t *skeyseed_len)
{
	uint8_t key[2 * 256];
	struct ike_iov iov = { gir, girlen };
	int rv;

	/* Nonces are 16..256 bytes each (2.10). */
	if (ni == NULL || nr == NULL || gir == NULL || girlen == 0 ||
	    nilen == 0 || nrlen == 0 || nilen > 256 || nrlen > 256 ||
	    skeyseed == NULL || skeyseed_len == NULL)
		return -1;
	memcpy(key, ni, nilen);
	memcpy(key + nilen, nr, nrlen);
	rv = ike_prf(prf_id, key, nilen + nrlen, &iov, 1, skeyseed);
	OPENSSL_cleanse(key, sizeof(key));
	if (rv == 0)
		*skeyseed_len = ike_prf_len(prf_id);
	return rv;
}

int
ike_skeyseed_rekey(uint16_t old_prf_id, const uint8_t *sk_d_old,
    size_t sk_d_len, const uint8_t *gir, size_t girlen,
    const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen,
    uint8_t *skeyseed, size_t *skeyseed_len)
{
	struct ike_iov iov[3] = {
		{ gir, girlen }, { ni, nilen }, { nr, nrlen },
	};

	if (sk_d_old == NULL || sk_d_len == 0 || gir == NULL || girlen == 0 ||
	    ni == NULL || nr == NULL || nilen == 0 || nrlen == 0 ||
	    skeyseed == NULL || skeyseed_len == NULL)
		return -1;
	if (ike_prf(old_prf_id, sk_d_old, sk_d_len, iov, 3, skeyseed) != 0)
		return -1;
	*skeyseed_len = ike_prf_len(old_prf_id);
	return 0;
}

int
ike_derive_keys(uint16_t prf_id, uint16_t encr_id, uint16_t keybits,
    uint16_t integ_id, const uint8_t *skeyseed, size_t skeyseed_len,
    const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen,
    uint64_t spi_i, uint64_t spi_r, struct ike_keys *out)
{
	uint8_t spis[16], km[7 * IKE_MAX_KEY_LEN];
	struct ike_iov seed[3] = {
		{ ni, nilen }, { nr, nrlen }, { spis, sizeof(spis) },
	};
	size_t dl, al, el, total, off = 0;
	int rv;

	if (out == NULL || skeyseed == NULL || ni == NULL || nr == NULL)
		return -1;
	dl = ike_prf_len(prf_id);
	el = ike_encr_keylen(encr_id, keybits);
	if (ike_encr_is_aead(encr_id)) {
		if (integ_id != IKEV2_INTEG_NONE)
			return -1;
		al = 0;
	} else if ((al = ike_integ_keylen(integ_id)) == 0)
		return -1;
	if (dl == 0 || el == 0 || dl > IKE_MAX_KEY_LEN ||
	    el > IKE_MAX_KEY_LEN || al > IKE_MAX_KEY_LEN)
		return -1;
	for (int i = 0; i < 8; i++) {
		spis[i] = (uint8_t)(spi_i >> (56 - 8 * i));
		spis[8 + i] = (uint8_t)(spi_r >> (56 - 8 * i));
	}
	total = dl + 2 * al + 2 * el + 2 * dl;
	rv = ike_prfplus(prf_id, skeyseed, skeyseed_len, seed, 3, km, total);
	if (rv == 0) {
		memset(out, 0, sizeof(*out));
		memcpy(out->sk_d, km + off, dl); off += dl;
		memcpy(out->sk_ai, km + off, al); off += al;
		memcpy(out->sk_ar, km + off, al); off += al;
		memcpy(out->sk_ei, km + off, el); off += el;
		memcpy(out->sk_er, km + off, el); off += el;
		memcpy(out->sk_pi, km + off, dl); off += dl;
		memcpy(out->sk_pr, km + off, dl);
		out->d_len = dl;
		out->a_len = al;
		out->e_len = el;
		out->p_len = dl;
	}
	OPENSSL_cleanse(km, sizeof(km));
	return rv;
}

int
ike_child_keymat(uint16_t prf_id, const uint8_t *sk_d, size_t sk_d_len,
    const uint8_t *gir, size_t girlen, const uint8_t *ni, size_t nilen,
    const uint8_t *nr, size_t nrlen, uint8_t *keymat, size_t len)
{
	struct ike_iov seed[3];
	size_t n = 0;

	if (sk_d == NULL || ni == NULL || nr == NULL || keymat == NULL)
		return -1;
	if (gir != NULL) {
		if (girlen == 0)
			return -1;
		seed[n++] = (struct ike_iov){ gir, girlen };
	}
	seed[n++] = (struct ike_iov){ ni, nilen };
	seed[n++] = (struct ike_iov){ nr, nrlen };
	return ike_prfplus(prf_id, sk_d, sk_d_len, seed, n, keymat, len);
}

void
ike_keys_wipe(struct ike_keys *k)
{
	if (k)
		OPENSSL_cleanse(k, sizeof(*k));
}

/* ---- PSK authentication ------------------------------------------- */

int
ike_psk_auth(uint16_t prf_id, const uint8_t *psk, size_t psklen,
    const uint8_t *msg, size_t msglen, const uint8_t *nonce,
    size_t noncelen, const uint8_t *sk_p, size_t sk_plen,
    const uint8_t *id_body, size_t idlen, uint8_t *out, size_t *outlen)
{
	static const char pad[] = "Key Pad for IKEv2";	/* 17 bytes, no NUL */
	uint8_t padkey[IKE_MAX_PRF_LEN], macid[IKE_MAX_PRF_LEN];
	struct ike_iov iov;
	struct ike_iov signed_octets[3];
	size_t hlen = ike_prf_len(prf_id);
	int rv = -1;

	if (hlen == 0 || psk == NULL || psklen == 0 || msg == NULL ||
	    nonce == NULL || sk_p == NULL || id_body == NULL || out == NULL ||
	    outlen == NULL)
		return -1;
	iov = (struct ike_iov){ id_body, idlen };
	if (ike_prf(prf_id, sk_p, sk_plen, &iov, 1, macid) != 0)
		goto out;
	iov = (struct ike_iov){ pad, sizeof(pad) - 1 };
	if (ike_prf(prf_id, psk, psklen, &iov, 1, padkey) != 0)
		goto out;
	signed_octets[0] = (struct ike_iov){ msg, msglen };
	signed_octets[1] = (struct ike_iov){ nonce, noncelen };
	signed_octets[2] = (struct ike_iov){ macid, hlen };
	if (ike_prf(prf_id, padkey, hlen, signed_octets, 3, out) != 0)
		goto out;
	*outlen = hlen;
	rv = 0;
out:
	OPENSSL_cleanse(padkey, sizeof(padkey));
	OPENSSL_cleanse(macid, sizeof(macid));
	return rv;
}

/* ---- misc --------------------------------------------------------- */

int
ike_random(void *p, size_t len)
{
	if (len == 0)
		return 0;
	if (p == NULL || len > INT32_MAX)
		return -1;
	return RAND_bytes(p, (int)len) == 1 ? 0 : -1;
}

bool
ike_mem_equal(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}
