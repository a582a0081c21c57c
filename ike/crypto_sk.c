/*
 * The SK (Encrypted and Authenticated) payload: RFC 7296 3.14 for AES-CBC
 * with HMAC, RFC 5282 for AES-GCM.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ike/crypto.h"
#include "lib/ikev2_const.h"

#define SK_CBC_BLOCK	16
#define SK_GCM_IV	8	/* explicit IV, RFC 5282 section 3.1 */
#define SK_GCM_SALT	4
#define SK_MAX_ICV	32

/* IKE header: length at offset 24; generic payload header: length at 2. */
#define SK_IKE_LEN_OFF	24

static const char *
sk_integ_digest(uint16_t integ_id)
{
	switch (integ_id) {
	case IKEV2_INTEG_HMAC_SHA1_96:		return "SHA1";
	case IKEV2_INTEG_HMAC_SHA2_256_128:	return "SHA2-256";
	case IKEV2_INTEG_HMAC_SHA2_384_192:	return "SHA2-384";
	case IKEV2_INTEG_HMAC_SHA2_512_256:	return "SHA2-512";
	default:				return NULL;
	}
}

static size_t
sk_gcm_icvlen(uint16_t encr_id)
{
	switch (encr_id) {
	case IKEV2_ENCR_AES_GCM_8:	return 8;
	case IKEV2_ENCR_AES_GCM_12:	return 12;
	case IKEV2_ENCR_AES_GCM_16:	return 16;
	default:			return 0;
	}
}

static EVP_CIPHER *
sk_cipher(const struct ike_sk_dir *d)
{
	const char *name = NULL;
	bool gcm = ike_encr_is_aead(d->encr_id);

	switch (d->encr_keybits) {
	case 128: name = gcm ? "AES-128-GCM" : "AES-128-CBC"; break;
	case 192: name = gcm ? "AES-192-GCM" : "AES-192-CBC"; break;
	case 256: name = gcm ? "AES-256-GCM" : "AES-256-CBC"; break;
	}
	return name ? EVP_CIPHER_fetch(NULL, name, NULL) : NULL;
}

/* Checks the direction's algorithms and key lengths; returns the ICV length. */
static size_t
sk_dir_check(const struct ike_sk_dir *d)
{
	if (d == NULL || d->enc_key == NULL ||
	    !ike_encr_supported(d->encr_id, d->encr_keybits) ||
	    d->enc_len != ike_encr_keylen(d->encr_id, d->encr_keybits))
		return 0;
	if (ike_encr_is_aead(d->encr_id)) {
		if (d->integ_id != IKEV2_INTEG_NONE)
			return 0;
		return sk_gcm_icvlen(d->encr_id);
	}
	if (d->integ_key == NULL || d->integ_len != ike_integ_keylen(d->integ_id))
		return 0;
	return ike_integ_icvlen(d->integ_id);
}

static int
sk_hmac(const struct ike_sk_dir *d, const uint8_t *data, size_t len,
    uint8_t *icv, size_t icvlen)
{
	uint8_t full[IKE_MAX_PRF_LEN];
	const char *md = sk_integ_digest(d->integ_id);
	size_t n = 0;
	int rv = -1;

	if (md == NULL)
		return -1;
	if (EVP_Q_mac(NULL, "HMAC", NULL, md, NULL, d->integ_key,
	    d->integ_len, data, len, full, sizeof(full), &n) != NULL &&
	    n >= icvlen) {
		memcpy(icv, full, icvlen);
		rv = 0;
	}
	OPENSSL_cleanse(full, sizeof(full));
	return rv;
}

/*
 * One pass of AES in CBC (no padding: we pad ourselves) or GCM. For GCM
 * `tag` is written when encrypting and checked when decrypting, and `aad`
 * is authenticated.
 */
static int
sk_crypt(const struct ike_sk_dir *d, int enc, const uint8_t *iv,
    const uint8_t *aad, size_t aadlen, const uint8_t *in, size_t len,
    uint8_t *out, uint8_t *tag, size_t taglen)
{
	EVP_CIPHER *c = NULL;
	EVP_CIPHER_CTX *ctx = NULL;
	bool gcm = ike_encr_is_aead(d->encr_id);
	uint8_t nonce[SK_GCM_SALT + SK_GCM_IV];
	const uint8_t *ivp = iv;
	int n, fin, rv = -1;

	if (len > INT32_MAX || aadlen > INT32_MAX)
		return -1;
	if (gcm) {
		/* RFC 5282 section 4: nonce = salt (from KEYMAT) | explicit IV. */
		memcpy(nonce, d->enc_key + d->enc_len - SK_GCM_SALT, SK_GCM_SALT);
		memcpy(nonce + SK_GCM_SALT, iv, SK_GCM_IV);
		ivp = nonce;
	}
	if ((c = sk_cipher(d)) == NULL || (ctx = EVP_CIPHER_CTX_new()) == NULL ||
	    !EVP_CipherInit_ex(ctx, c, NULL, NULL, NULL, enc))
		goto out;
	if (gcm && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN,
	    sizeof(nonce), NULL))
		goto out;
	if (!EVP_CipherInit_ex(ctx, NULL, NULL, d->enc_key, ivp, enc) ||
	    !EVP_CIPHER_CTX_set_padding(ctx, 0))
		goto out;
	if (gcm && aadlen && !EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aadlen))
		goto out;
	if (gcm && !enc && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG,
	    (int)taglen, tag))
		goto out;
	n = 0;
	if (len && !EVP_CipherUpdate(ctx, out, &n, in, (int)len))
		goto out;
	if (!EVP_CipherFinal_ex(ctx, out + n, &fin) || (size_t)(n + fin) != len)
		goto out;
	if (gcm && enc && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG,
	    (int)taglen, tag))
		goto out;
	rv = 0;
out:
	OPENSSL_cleanse(nonce, sizeof(nonce));
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
	return rv;
}

int
ike_sk_seal(const struct ike_sk_dir *d, struct wbuf *msg, size_t sk_off,
    const uint8_t *inner, size_t innerlen)
{
	bool gcm;
	size_t icvlen, ivlen, padlen, ptlen, total, ct_off;
	uint8_t *pt = NULL, iv[SK_CBC_BLOCK], tag[SK_MAX_ICV];
	int rv = -1;

	if ((icvlen = sk_dir_check(d)) == 0 || msg == NULL || msg->err ||
	    sk_off < IKEV2_HDR_LEN || msg->len != sk_off + IKEV2_PLD_HDR_LEN ||
	    (innerlen && inner == NULL))
		return -1;
	gcm = ike_encr_is_aead(d->encr_id);
	ivlen = gcm ? SK_GCM_IV : SK_CBC_BLOCK;
	/* GCM needs no padding (RFC 5282 3.2); CBC to the block size. */
	padlen = gcm ? 0 : (SK_CBC_BLOCK - (innerlen + 1) % SK_CBC_BLOCK) %
	    SK_CBC_BLOCK;
	if (innerlen > 65535)
		return -1;
	ptlen = innerlen + padlen + 1;
	total = msg->len + ivlen + ptlen + icvlen;
	if (total - sk_off > 65535 || total > UINT32_MAX)
		return -1;
	/*
	 * The API keeps no per-key state, so the GCM explicit IV is random
	 * rather than a counter: 64 random bits make a repeat under one
	 * key negligible for the few messages an IKE SA protects.
	 */
	if (ike_random(iv, ivlen) != 0)
		return -1;
	if ((pt = malloc(ptlen)) == NULL)
		return -1;
	if (innerlen)
		memcpy(pt, inner, innerlen);
	memset(pt + innerlen, 0, padlen);
	pt[ptlen - 1] = (uint8_t)padlen;

	/* Lengths first: the AAD and the ICV both cover them. */
	if (!wbuf_set_u16(msg, sk_off + 2, (uint16_t)(total - sk_off)) ||
	    !wbuf_set_u32(msg, SK_IKE_LEN_OFF, (uint32_t)total) ||
	    !wbuf_bytes(msg, iv, ivlen))
		goto out;
	ct_off = msg->len;
	if (!wbuf_zero(msg, ptlen + icvlen))
		goto out;
	if (sk_crypt(d, 1, iv, msg->p, sk_off + IKEV2_PLD_HDR_LEN, pt, ptlen,
	    msg->p + ct_off, tag, icvlen) != 0)
		goto out;
	if (!gcm && sk_hmac(d, msg->p, total - icvlen, tag, icvlen) != 0)
		goto out;
	memcpy(msg->p + total - icvlen, tag, icvlen);
	rv = 0;
out:
	OPENSSL_cleanse(pt, ptlen);
	free(pt);
	if (rv != 0)
		msg->err = true;
	return rv;
}

int
ike_sk_open(const struct ike_sk_dir *d, const uint8_t *msg, size_t len,
    size_t sk_off, struct wbuf *inner)
{
	bool gcm;
	size_t icvlen, ivlen, body, ctlen, padlen;
	const uint8_t *iv, *ct, *icv;
	uint8_t *pt = NULL, tag[SK_MAX_ICV];
	int rv = -1;

	if ((icvlen = sk_dir_check(d)) == 0 || msg == NULL || inner == NULL ||
	    sk_off < IKEV2_HDR_LEN || sk_off > len ||
	    len - sk_off < IKEV2_PLD_HDR_LEN)
		return -1;
	/* The SK payload must run exactly to the end of the message. */
	if (((size_t)msg[sk_off + 2] << 8 | msg[sk_off + 3]) != len - sk_off)
		return -1;
	gcm = ike_encr_is_aead(d->encr_id);
	ivlen = gcm ? SK_GCM_IV : SK_CBC_BLOCK;
	body = len - sk_off - IKEV2_PLD_HDR_LEN;
	/* At least the pad length byte (GCM) or one block (CBC). */
	if (body < ivlen + icvlen + (gcm ? 1 : SK_CBC_BLOCK))
		return -1;
	ctlen = body - ivlen - icvlen;
	if (!gcm && ctlen % SK_CBC_BLOCK != 0)
		return -1;
	iv = msg + sk_off + IKEV2_PLD_HDR_LEN;
	ct = iv + ivlen;
	icv = ct + ctlen;

	if (!gcm) {
		if (sk_hmac(d, msg, len - icvlen, tag, icvlen) != 0 ||
		    !ike_mem_equal(tag, icv, icvlen))
			goto out;
	} else
		memcpy(tag, icv, icvlen);
	if ((pt = malloc(ctlen)) == NULL)
		goto out;
	/* GCM: the tag is checked before the plaintext is released. */
	if (sk_crypt(d, 0, iv, msg, sk_off + IKEV2_PLD_HDR_LEN, ct, ctlen, pt,
	    tag, icvlen) != 0)
		goto out;
	padlen = pt[ctlen - 1];
	if (padlen + 1 > ctlen)
		goto out;
	if (!wbuf_bytes(inner, pt, ctlen - padlen - 1))
		goto out;
	rv = 0;
out:
	OPENSSL_cleanse(tag, sizeof(tag));
	if (pt) {
		OPENSSL_cleanse(pt, ctlen);
		free(pt);
	}
	return rv;
}
