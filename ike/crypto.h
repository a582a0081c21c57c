/*
 * IKEv2 cryptography over OpenSSL 3 EVP: prf, prf+, key derivation
 * (RFC 7296 2.13-2.18), the SK payload (2.21 / RFC 5282 for AES-GCM),
 * Diffie-Hellman groups and PSK authentication (2.15).
 *
 * All functions return 0 on success, -1 on failure (unsupported algorithm,
 * bad input, OpenSSL error). Key material lives in caller memory and is the
 * caller's to wipe (OPENSSL_cleanse); temporary copies here are wiped.
 */
#ifndef CGW_IKE_CRYPTO_H
#define CGW_IKE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

#define IKE_MAX_PRF_LEN		64	/* SHA2-512 */
#define IKE_MAX_KEY_LEN		64
#define IKE_NONCE_LEN		32	/* what we send; peers send 16..256 */

struct ike_iov {
	const void	*p;
	size_t		 len;
};

/* ---- prf ---------------------------------------------------------- */
bool	ike_prf_supported(uint16_t prf_id);
size_t	ike_prf_len(uint16_t prf_id);		/* output and preferred key size */
int	ike_prf(uint16_t prf_id, const uint8_t *key, size_t klen,
	    const struct ike_iov *data, size_t niov, uint8_t *out);
int	ike_prfplus(uint16_t prf_id, const uint8_t *key, size_t klen,
	    const struct ike_iov *seed, size_t niov, uint8_t *out, size_t outlen);

/* ---- algorithm sizes ---------------------------------------------- */
bool	ike_encr_supported(uint16_t encr_id, uint16_t keybits);	/* for the SK payload */
bool	ike_encr_is_aead(uint16_t encr_id);
size_t	ike_encr_keylen(uint16_t encr_id, uint16_t keybits);	/* KEYMAT bytes, GCM salt included */
bool	ike_integ_supported(uint16_t integ_id);
size_t	ike_integ_keylen(uint16_t integ_id);
size_t	ike_integ_icvlen(uint16_t integ_id);

/* ---- IKE SA keys (2.14) ------------------------------------------- */
struct ike_keys {
	uint8_t	sk_d[IKE_MAX_KEY_LEN];
	uint8_t	sk_ai[IKE_MAX_KEY_LEN], sk_ar[IKE_MAX_KEY_LEN];
	uint8_t	sk_ei[IKE_MAX_KEY_LEN], sk_er[IKE_MAX_KEY_LEN];
	uint8_t	sk_pi[IKE_MAX_KEY_LEN], sk_pr[IKE_MAX_KEY_LEN];
	size_t	d_len, a_len, e_len, p_len;
};

/* SKEYSEED = prf(Ni | Nr, g^ir) */
int	ike_skeyseed(uint16_t prf_id, const uint8_t *ni, size_t nilen,
	    const uint8_t *nr, size_t nrlen, const uint8_t *gir, size_t girlen,
	    uint8_t *skeyseed, size_t *skeyseed_len);
/* Rekeyed IKE SA (2.18): SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) */
int	ike_skeyseed_rekey(uint16_t old_prf_id, const uint8_t *sk_d_old,
	    size_t sk_d_len, const uint8_t *gir, size_t girlen,
	    const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen,
	    uint8_t *skeyseed, size_t *skeyseed_len);
/* {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
 *   = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr); integ_id NONE for AEAD. */
int	ike_derive_keys(uint16_t prf_id, uint16_t encr_id, uint16_t keybits,
	    uint16_t integ_id, const uint8_t *skeyseed, size_t skeyseed_len,
	    const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen,
	    uint64_t spi_i, uint64_t spi_r, struct ike_keys *out);
/* CHILD KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr); gir NULL without PFS */
int	ike_child_keymat(uint16_t prf_id, const uint8_t *sk_d, size_t sk_d_len,
	    const uint8_t *gir, size_t girlen, const uint8_t *ni, size_t nilen,
	    const uint8_t *nr, size_t nrlen, uint8_t *keymat, size_t len);
void	ike_keys_wipe(struct ike_keys *);

/* ---- SK payload (2.21, RFC 5282) ---------------------------------- */
/* The keys protecting one direction of an IKE SA. */
struct ike_sk_dir {
	uint16_t	encr_id;
	uint16_t	encr_keybits;
	uint16_t	integ_id;	/* NONE for AEAD */
	const uint8_t	*enc_key;	/* GCM: key then 4-byte salt */
	size_t		enc_len;
	const uint8_t	*integ_key;
	size_t		integ_len;
};

/*
 * `msg` holds the IKE header and, at `sk_off`, the 4-byte generic header of
 * the SK payload (Next Payload set by the caller); nothing after it.
 * Appends IV | ciphertext of (inner | padding | pad length) | ICV, then
 * fixes the SK payload length and the IKE header length and computes the
 * ICV over the whole message (AEAD: header..SK header as AAD).
 */
int	ike_sk_seal(const struct ike_sk_dir *, struct wbuf *msg, size_t sk_off,
	    const uint8_t *inner, size_t innerlen);
/*
 * `msg`/`len` is a whole received message whose SK payload starts at
 * `sk_off` and runs to the end of the message. Verifies the ICV first,
 * then decrypts and strips the padding; the inner payloads are appended
 * to `inner`. -1 on any failure (bad length, bad ICV, bad padding).
 */
int	ike_sk_open(const struct ike_sk_dir *, const uint8_t *msg, size_t len,
	    size_t sk_off, struct wbuf *inner);

/* ---- Diffie-Hellman ----------------------------------------------- */
struct ike_dh;
bool		 ike_dh_supported(uint16_t group);
size_t		 ike_dh_public_len(uint16_t group);	/* KE data length */
/* Generates a fresh key pair. NULL if unsupported or on error. */
struct ike_dh	*ike_dh_new(uint16_t group);
uint16_t	 ike_dh_group(const struct ike_dh *);
/* Our public value in the KE payload encoding of RFC 7296 / 5903 / 8031. */
int		 ike_dh_public(const struct ike_dh *, struct wbuf *out);
/* Validates the peer's public value (range, on-curve, length) and computes
 * g^ir into `out` (must hold ike_dh_public_len bytes or more). */
int		 ike_dh_shared(struct ike_dh *, const uint8_t *peer, size_t len,
		    uint8_t *out, size_t *outlen);
void		 ike_dh_free(struct ike_dh *);

/* ---- PSK authentication (2.15) ------------------------------------ */
/*
 * AUTH = prf(prf(PSK, "Key Pad for IKEv2"), <SignedOctets>) where
 * SignedOctets = first message | peer's nonce | prf(SK_p, IDx') and IDx'
 * is the ID payload body (type, 3 reserved bytes, data).
 */
int	ike_psk_auth(uint16_t prf_id, const uint8_t *psk, size_t psklen,
	    const uint8_t *msg, size_t msglen, const uint8_t *nonce,
	    size_t noncelen, const uint8_t *sk_p, size_t sk_plen,
	    const uint8_t *id_body, size_t idlen, uint8_t *out, size_t *outlen);

/* ---- misc --------------------------------------------------------- */
int	ike_random(void *, size_t);
/* Constant-time comparison, for ICVs and AUTH values. */
bool	ike_mem_equal(const void *, const void *, size_t);

#endif
