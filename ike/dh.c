/*
 * IKEv2 Diffie-Hellman groups over OpenSSL 3 EVP_PKEY: MODP (RFC 2409,
 * 3526, 5114), ECP (RFC 5903) and Curve25519 (RFC 8031).
 *
 * Wire encodings: MODP public values and g^ir are big-endian, padded to
 * the modulus length (RFC 7296 2.14); ECP public values are x | y, each
 * padded to the field size, without the 0x04 prefix, and g^ir is x alone
 * (RFC 5903 sections 7 and 9 with its erratum); X25519 is the raw 32 bytes.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/params.h>

#include "ike/crypto.h"
#include "ike/dh_test.h"
#include "lib/ikev2_const.h"

enum dh_kind {
	DH_MODP,
	DH_ECP,
	DH_X25519,
};

struct dh_group {
	uint16_t	 id;
	enum dh_kind	 kind;
	/* OpenSSL's name for the group; NULL for MODP 1024 (group 2),
	 * which OpenSSL does not name and we build from its prime. */
	const char	*name;
	int		 nid;		/* ECP curves */
	size_t		 publen;
	bool		 subgroup;	/* RFC 5114: check y^q == 1 too */
};

static const struct dh_group dh_groups[] = {
	{ IKEV2_DH_MODP1024, DH_MODP, NULL, 0, 128, false },
	{ IKEV2_DH_MODP1536, DH_MODP, "modp_1536", 0, 192, false },
	{ IKEV2_DH_MODP2048, DH_MODP, "modp_2048", 0, 256, false },
	{ IKEV2_DH_MODP3072, DH_MODP, "modp_3072", 0, 384, false },
	{ IKEV2_DH_MODP4096, DH_MODP, "modp_4096", 0, 512, false },
	{ IKEV2_DH_MODP6144, DH_MODP, "modp_6144", 0, 768, false },
	{ IKEV2_DH_MODP8192, DH_MODP, "modp_8192", 0, 1024, false },
	{ IKEV2_DH_ECP256, DH_ECP, "P-256", NID_X9_62_prime256v1, 64, false },
	{ IKEV2_DH_ECP384, DH_ECP, "P-384", NID_secp384r1, 96, false },
	{ IKEV2_DH_ECP521, DH_ECP, "P-521", NID_secp521r1, 132, false },
	{ IKEV2_DH_MODP1024_160, DH_MODP, "dh_1024_160", 0, 128, true },
	{ IKEV2_DH_MODP2048_224, DH_MODP, "dh_2048_224", 0, 256, true },
	{ IKEV2_DH_MODP2048_256, DH_MODP, "dh_2048_256", 0, 256, true },
	{ IKEV2_DH_CURVE25519, DH_X25519, "X25519", 0, 32, false },
};

struct ike_dh {
	const struct dh_group	*grp;
	EVP_PKEY		*key;
};

static const struct dh_group *
dh_group_find(uint16_t id)
{
	for (size_t i = 0; i < sizeof(dh_groups) / sizeof(dh_groups[0]); i++)
		if (dh_groups[i].id == id)
			return &dh_groups[i];
	return NULL;
}

bool
ike_dh_supported(uint16_t group)
{
	return dh_group_find(group) != NULL;
}

size_t
ike_dh_public_len(uint16_t group)
{
	const struct dh_group *g = dh_group_find(group);

	return g ? g->publen : 0;
}

uint16_t
ike_dh_group(const struct ike_dh *dh)
{
	return dh ? dh->grp->id : IKEV2_DH_NONE;
}

/*
 * Domain parameters of a MODP group as a key-less EVP_PKEY, from OpenSSL's
 * named group or, for group 2, from the RFC 2409 prime and g = 2. Group 2
 * gets no q: with one OpenSSL 3 insists on 112-bit strength, which a
 * 1024-bit group lacks. Optional priv/pub make test keys and peer keys.
 */
static EVP_PKEY *
dh_modp_pkey(const struct dh_group *g, const BIGNUM *priv, const BIGNUM *pub)
{
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	BIGNUM *p = NULL, *gen = NULL;
	int sel = EVP_PKEY_KEY_PARAMETERS;

	if ((bld = OSSL_PARAM_BLD_new()) == NULL)
		goto out;
	if (g->name) {
		if (!OSSL_PARAM_BLD_push_utf8_string(bld,
		    OSSL_PKEY_PARAM_GROUP_NAME, g->name, 0))
			goto out;
	} else {
		if ((p = BN_get_rfc2409_prime_1024(NULL)) == NULL ||
		    (gen = BN_new()) == NULL || !BN_set_word(gen, 2) ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, p) ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, gen))
			goto out;
	}
	if (priv) {
		if (!OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv))
			goto out;
		sel = EVP_PKEY_KEYPAIR;
	}
	if (pub) {
		if (!OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, pub))
			goto out;
		if (!priv)
			sel = EVP_PKEY_PUBLIC_KEY;
	}
	if ((params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, sel, params) <= 0)
		pkey = NULL;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(p);
	BN_free(gen);
	return pkey;
}

static EVP_PKEY *
dh_keygen(const struct dh_group *g)
{
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *params = NULL, *key = NULL;

	switch (g->kind) {
	case DH_X25519:
		return EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
	case DH_ECP:
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", g->name);
	case DH_MODP:
		break;
	}
	if ((params = dh_modp_pkey(g, NULL, NULL)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_pkey(NULL, params, NULL)) == NULL ||
	    EVP_PKEY_keygen_init(ctx) <= 0 || EVP_PKEY_keygen(ctx, &key) <= 0)
		key = NULL;
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(params);
	return key;
}

struct ike_dh *
ike_dh_new(uint16_t group)
{
	const struct dh_group *g = dh_group_find(group);
	struct ike_dh *dh;

	if (g == NULL || (dh = calloc(1, sizeof(*dh))) == NULL)
		return NULL;
	dh->grp = g;
	if ((dh->key = dh_keygen(g)) == NULL) {
		free(dh);
		return NULL;
	}
	return dh;
}

void
ike_dh_free(struct ike_dh *dh)
{
	if (dh == NULL)
		return;
	EVP_PKEY_free(dh->key);
	free(dh);
}

int
ike_dh_public(const struct ike_dh *dh, struct wbuf *out)
{
	uint8_t buf[1 + 2 * 66];	/* P-521 uncompressed point */
	BIGNUM *y = NULL;
	size_t n = 0, publen;
	int rv = -1;

	if (dh == NULL || out == NULL)
		return -1;
	publen = dh->grp->publen;
	switch (dh->grp->kind) {
	case DH_MODP: {
		uint8_t *mp;

		if (!EVP_PKEY_get_bn_param(dh->key, OSSL_PKEY_PARAM_PUB_KEY,
		    &y) || (size_t)BN_num_bytes(y) > publen)
			break;
		if ((mp = malloc(publen)) == NULL)
			break;
		if (BN_bn2binpad(y, mp, (int)publen) == (int)publen &&
		    wbuf_bytes(out, mp, publen))
			rv = 0;
		free(mp);
		break;
	}
	case DH_ECP:
		/* The default point format is uncompressed: 0x04 | x | y. */
		if (EVP_PKEY_get_octet_string_param(dh->key,
		    OSSL_PKEY_PARAM_PUB_KEY, buf, sizeof(buf), &n) &&
		    n == publen + 1 && buf[0] == 0x04 &&
		    wbuf_bytes(out, buf + 1, publen))
			rv = 0;
		break;
	case DH_X25519:
		n = sizeof(buf);
		if (EVP_PKEY_get_raw_public_key(dh->key, buf, &n) &&
		    n == publen && wbuf_bytes(out, buf, publen))
			rv = 0;
		break;
	}
	BN_free(y);
	return rv;
}

/* 1 < y < p-1, and y^q == 1 (mod p) for the RFC 5114 subgroups. */
static int
dh_modp_check(const struct ike_dh *dh, const BIGNUM *y)
{
	BIGNUM *p = NULL, *q = NULL, *pm1 = NULL, *r = NULL;
	BN_CTX *bnctx = NULL;
	int rv = -1;

	if (!EVP_PKEY_get_bn_param(dh->key, OSSL_PKEY_PARAM_FFC_P, &p) ||
	    (pm1 = BN_dup(p)) == NULL || !BN_sub_word(pm1, 1))
		goto out;
	if (BN_cmp(y, BN_value_one()) <= 0 || BN_cmp(y, pm1) >= 0)
		goto out;
	if (dh->grp->subgroup) {
		if (!EVP_PKEY_get_bn_param(dh->key, OSSL_PKEY_PARAM_FFC_Q, &q) ||
		    (bnctx = BN_CTX_new()) == NULL || (r = BN_new()) == NULL ||
		    !BN_mod_exp(r, y, q, p, bnctx) || !BN_is_one(r))
			goto out;
	}
	rv = 0;
out:
	BN_free(p);
	BN_free(q);
	BN_free(pm1);
	BN_free(r);
	BN_CTX_free(bnctx);
	return rv;
}

/* The peer's public value as an EVP_PKEY; NULL if malformed or invalid. */
static EVP_PKEY *
dh_peer_pkey(const struct ike_dh *dh, const uint8_t *peer, size_t len)
{
	const struct dh_group *g = dh->grp;
	EVP_PKEY *pkey = NULL;
	BIGNUM *y = NULL;

	if (len != g->publen)
		return NULL;
	switch (g->kind) {
	case DH_MODP:
		if ((y = BN_bin2bn(peer, (int)len, NULL)) == NULL ||
		    dh_modp_check(dh, y) != 0)
			break;
		pkey = dh_modp_pkey(g, NULL, y);
		break;
	case DH_ECP: {
		uint8_t pt[1 + 2 * 66];
		OSSL_PARAM params[3];
		EVP_PKEY_CTX *ctx;

		pt[0] = 0x04;
		memcpy(pt + 1, peer, len);
		params[0] = OSSL_PARAM_construct_utf8_string(
		    OSSL_PKEY_PARAM_GROUP_NAME, (char *)g->name, 0);
		params[1] = OSSL_PARAM_construct_octet_string(
		    OSSL_PKEY_PARAM_PUB_KEY, pt, len + 1);
		params[2] = OSSL_PARAM_construct_end();
		/* Import decodes the point and rejects it if off the curve. */
		if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) ==
		    NULL || EVP_PKEY_fromdata_init(ctx) <= 0 ||
		    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY,
		    params) <= 0)
			pkey = NULL;
		EVP_PKEY_CTX_free(ctx);
		break;
	}
	case DH_X25519:
		pkey = EVP_PKEY_new_raw_public_key_ex(NULL, "X25519", NULL,
		    peer, len);
		break;
	}
	BN_free(y);
	return pkey;
}

int
ike_dh_shared(struct ike_dh *dh, const uint8_t *peer, size_t len,
    uint8_t *out, size_t *outlen)
{
	static const uint8_t zero[32];
	EVP_PKEY *pk = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	OSSL_PARAM params[2];
	unsigned int pad = 1;
	size_t want, n;
	int rv = -1;

	if (dh == NULL || peer == NULL || out == NULL || outlen == NULL)
		return -1;
	/* MODP: len(p); ECP: one coordinate; X25519: 32. */
	want = dh->grp->kind == DH_ECP ? dh->grp->publen / 2 : dh->grp->publen;
	if ((pk = dh_peer_pkey(dh, peer, len)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_pkey(NULL, dh->key, NULL)) == NULL ||
	    EVP_PKEY_derive_init(ctx) <= 0)
		goto out;
	if (dh->grp->kind == DH_MODP) {
		/* Keep the leading zeros RFC 7296 2.14 asks for. */
		params[0] = OSSL_PARAM_construct_uint(OSSL_EXCHANGE_PARAM_PAD,
		    &pad);
		params[1] = OSSL_PARAM_construct_end();
		if (!EVP_PKEY_CTX_set_params(ctx, params))
			goto out;
	}
	if (EVP_PKEY_derive_set_peer_ex(ctx, pk, 1) <= 0 ||
	    EVP_PKEY_derive(ctx, NULL, &n) <= 0 || n != want)
		goto out;
	if (EVP_PKEY_derive(ctx, out, &n) <= 0 || n != want)
		goto out;
	/* RFC 8031 section 2.3: an all-zero X25519 result is an attack. */
	if (dh->grp->kind == DH_X25519 && ike_mem_equal(out, zero, n))
		goto out;
	*outlen = n;
	rv = 0;
out:
	if (rv != 0)
		OPENSSL_cleanse(out, want);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pk);
	return rv;
}

/* ---- test-only constructor ---------------------------------------- */

static EVP_PKEY *
dh_ecp_from_private(const struct dh_group *g, const uint8_t *priv,
    size_t len)
{
	EC_GROUP *grp = NULL;
	EC_POINT *pub = NULL;
	BIGNUM *d = NULL;
	BN_CTX *bnctx = NULL;
	uint8_t pt[1 + 2 * 66];
	size_t ptlen;
	OSSL_PARAM params[4];
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	uint8_t dbuf[66];

	if (len != g->publen / 2 || (bnctx = BN_CTX_new()) == NULL ||
	    (grp = EC_GROUP_new_by_curve_name(g->nid)) == NULL ||
	    (d = BN_bin2bn(priv, (int)len, NULL)) == NULL ||
	    (pub = EC_POINT_new(grp)) == NULL ||
	    !EC_POINT_mul(grp, pub, d, NULL, NULL, bnctx) ||
	    (ptlen = EC_POINT_point2oct(grp, pub,
	    POINT_CONVERSION_UNCOMPRESSED, pt, sizeof(pt), bnctx)) == 0)
		goto out;
	/* OSSL_PARAM BNs are native-endian; the BN builder handles that. */
	if (BN_bn2nativepad(d, dbuf, (int)len) != (int)len)
		goto out;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
	    (char *)g->name, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
	    pt, ptlen);
	params[2] = OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_PRIV_KEY, dbuf,
	    len);
	params[3] = OSSL_PARAM_construct_end();
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEYPAIR, params) <= 0)
		pkey = NULL;
out:
	OPENSSL_cleanse(dbuf, sizeof(dbuf));
	EVP_PKEY_CTX_free(ctx);
	EC_POINT_free(pub);
	EC_GROUP_free(grp);
	BN_clear_free(d);
	BN_CTX_free(bnctx);
	return pkey;
}

static EVP_PKEY *
dh_modp_from_private(const struct dh_group *g, const uint8_t *priv,
    size_t len)
{
	EVP_PKEY *params = NULL, *pkey = NULL;
	BIGNUM *p = NULL, *gen = NULL, *x = NULL, *y = NULL;
	BN_CTX *bnctx = NULL;

	if ((params = dh_modp_pkey(g, NULL, NULL)) == NULL ||
	    !EVP_PKEY_get_bn_param(params, OSSL_PKEY_PARAM_FFC_P, &p) ||
	    !EVP_PKEY_get_bn_param(params, OSSL_PKEY_PARAM_FFC_G, &gen) ||
	    (x = BN_bin2bn(priv, (int)len, NULL)) == NULL ||
	    (y = BN_new()) == NULL || (bnctx = BN_CTX_new()) == NULL ||
	    !BN_mod_exp(y, gen, x, p, bnctx))
		goto out;
	pkey = dh_modp_pkey(g, x, y);
out:
	EVP_PKEY_free(params);
	BN_free(p);
	BN_free(gen);
	BN_clear_free(x);
	BN_free(y);
	BN_CTX_free(bnctx);
	return pkey;
}

struct ike_dh *
ike_dh_new_with_private(uint16_t group, const uint8_t *priv, size_t len)
{
	const struct dh_group *g = dh_group_find(group);
	struct ike_dh *dh;
	EVP_PKEY *key = NULL;

	if (g == NULL || priv == NULL || len == 0 || len > INT32_MAX)
		return NULL;
	switch (g->kind) {
	case DH_MODP:
		key = dh_modp_from_private(g, priv, len);
		break;
	case DH_ECP:
		key = dh_ecp_from_private(g, priv, len);
		break;
	case DH_X25519:
		key = EVP_PKEY_new_raw_private_key_ex(NULL, "X25519", NULL,
		    priv, len);
		break;
	}
	if (key == NULL)
		return NULL;
	if ((dh = calloc(1, sizeof(*dh))) == NULL) {
		EVP_PKEY_free(key);
		return NULL;
	}
	dh->grp = g;
	dh->key = key;
	return dh;
}
