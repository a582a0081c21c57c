/*
 * strongSwan-style proposal strings ("aes256gcm16-prfsha256-modp2048")
 * into IKEv2 transforms with IANA numbers.
 *
 * Defaults, used when a vpn lists no proposal: each one is something AWS
 * accepts, strongest first, because AWS picks from our offer in its own
 * order and we should offer only what we mean:
 *   ike  aes256gcm16-prfsha256-modp2048  aes256-sha256-modp2048
 *        aes128-sha1-modp1024
 *   esp  aes256gcm16-modp2048  aes256-sha256-modp2048  aes128-sha1-modp1024
 * The last one is what AWS's generated configuration names (group 2,
 * SHA-1, AES-128), so a default tunnel comes up against a default VGW.
 */
#include <stdio.h>
#include <string.h>

#include "conf/conf_priv.h"
#include "lib/ikev2_const.h"

struct conf_alg {
	const char	*name;
	uint8_t		 type;
	uint16_t	 id;
	uint16_t	 keybits;
};

static const struct conf_alg conf_algs[] = {
	{ "aes128",		IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_CBC, 128 },
	{ "aes192",		IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_CBC, 192 },
	{ "aes256",		IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_CBC, 256 },
	{ "aes128gcm8",		IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_8, 128 },
	{ "aes128gcm12",	IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_12, 128 },
	{ "aes128gcm16",	IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_16, 128 },
	{ "aes192gcm8",		IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_8, 192 },
	{ "aes192gcm12",	IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_12, 192 },
	{ "aes192gcm16",	IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_16, 192 },
	{ "aes256gcm8",		IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_8, 256 },
	{ "aes256gcm12",	IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_12, 256 },
	{ "aes256gcm16",	IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_16, 256 },
	/* strongSwan's bit-length spellings of the ICV */
	{ "aes128gcm64",	IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_8, 128 },
	{ "aes128gcm96",	IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_12, 128 },
	{ "aes128gcm128",	IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_16, 128 },
	{ "aes256gcm64",	IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_8, 256 },
	{ "aes256gcm96",	IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_12, 256 },
	{ "aes256gcm128",	IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_16, 256 },
	{ "sha1",		IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA1_96, 0 },
	{ "sha256",		IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA2_256_128, 0 },
	{ "sha2_256",		IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA2_256_128, 0 },
	{ "sha384",		IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA2_384_192, 0 },
	{ "sha2_384",		IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA2_384_192, 0 },
	{ "sha512",		IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA2_512_256, 0 },
	{ "sha2_512",		IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA2_512_256, 0 },
	{ "prfsha1",		IKEV2_XFORM_PRF, IKEV2_PRF_HMAC_SHA1, 0 },
	{ "prfsha256",		IKEV2_XFORM_PRF, IKEV2_PRF_HMAC_SHA2_256, 0 },
	{ "prfsha384",		IKEV2_XFORM_PRF, IKEV2_PRF_HMAC_SHA2_384, 0 },
	{ "prfsha512",		IKEV2_XFORM_PRF, IKEV2_PRF_HMAC_SHA2_512, 0 },
	{ "modp1024",		IKEV2_XFORM_DH, IKEV2_DH_MODP1024, 0 },
	{ "modp1536",		IKEV2_XFORM_DH, IKEV2_DH_MODP1536, 0 },
	{ "modp2048",		IKEV2_XFORM_DH, IKEV2_DH_MODP2048, 0 },
	{ "modp3072",		IKEV2_XFORM_DH, IKEV2_DH_MODP3072, 0 },
	{ "modp4096",		IKEV2_XFORM_DH, IKEV2_DH_MODP4096, 0 },
	{ "modp6144",		IKEV2_XFORM_DH, IKEV2_DH_MODP6144, 0 },
	{ "modp8192",		IKEV2_XFORM_DH, IKEV2_DH_MODP8192, 0 },
	{ "ecp256",		IKEV2_XFORM_DH, IKEV2_DH_ECP256, 0 },
	{ "ecp384",		IKEV2_XFORM_DH, IKEV2_DH_ECP384, 0 },
	{ "ecp521",		IKEV2_XFORM_DH, IKEV2_DH_ECP521, 0 },
	{ "modp1024s160",	IKEV2_XFORM_DH, IKEV2_DH_MODP1024_160, 0 },
	{ "modp2048s224",	IKEV2_XFORM_DH, IKEV2_DH_MODP2048_224, 0 },
	{ "modp2048s256",	IKEV2_XFORM_DH, IKEV2_DH_MODP2048_256, 0 },
	{ "curve25519",		IKEV2_XFORM_DH, IKEV2_DH_CURVE25519, 0 },
	{ "x25519",		IKEV2_XFORM_DH, IKEV2_DH_CURVE25519, 0 },
	{ "esn",		IKEV2_XFORM_ESN, IKEV2_ESN_YES, 0 },
	{ "noesn",		IKEV2_XFORM_ESN, IKEV2_ESN_NO, 0 },
};
#define CONF_NALGS	(sizeof(conf_algs) / sizeof(conf_algs[0]))

static const char *const conf_def_ike[] = {
	"aes256gcm16-prfsha256-modp2048",
	"aes256-sha256-modp2048",
	"aes128-sha1-modp1024",
};
static const char *const conf_def_esp[] = {
	"aes256gcm16-modp2048",
	"aes256-sha256-modp2048",
	"aes128-sha1-modp1024",
};

static bool
conf_encr_is_aead(uint16_t id)
{
	return id == IKEV2_ENCR_AES_GCM_8 || id == IKEV2_ENCR_AES_GCM_12 ||
	    id == IKEV2_ENCR_AES_GCM_16;
}

/* The prf of the same hash as an integrity algorithm (RFC 7296 3.3.2). */
static uint16_t
conf_prf_of_integ(uint16_t integ)
{
	switch (integ) {
	case IKEV2_INTEG_HMAC_SHA1_96:		return IKEV2_PRF_HMAC_SHA1;
	case IKEV2_INTEG_HMAC_SHA2_256_128:	return IKEV2_PRF_HMAC_SHA2_256;
	case IKEV2_INTEG_HMAC_SHA2_384_192:	return IKEV2_PRF_HMAC_SHA2_384;
	case IKEV2_INTEG_HMAC_SHA2_512_256:	return IKEV2_PRF_HMAC_SHA2_512;
	default:				return 0;
	}
}

static void
conf_known_list(enum conf_sa_kind kind, char *out, size_t len)
{
	size_t off = 0;
	int n;

	out[0] = '\0';
	for (size_t i = 0; i < CONF_NALGS; i++) {
		if (kind == CONF_SA_IKE && conf_algs[i].type == IKEV2_XFORM_ESN)
			continue;
		if (kind == CONF_SA_ESP && conf_algs[i].type == IKEV2_XFORM_PRF)
			continue;
		n = snprintf(out + off, len - off, "%s%s", off ? " " : "",
		    conf_algs[i].name);
		if (n < 0 || (size_t)n >= len - off)
			return;
		off += (size_t)n;
	}
}

static bool
conf_xform_add(struct conf_proposal *p, uint8_t type, uint16_t id,
    uint16_t keybits)
{
	for (size_t i = 0; i < p->nxf; i++)
		if (p->xf[i].type == type && p->xf[i].id == id &&
		    p->xf[i].keybits == keybits)
			return true;	/* a derived duplicate: already there */
	if (p->nxf >= CONF_MAX_XFORMS)
		return false;
	p->xf[p->nxf].type = type;
	p->xf[p->nxf].id = id;
	p->xf[p->nxf].keybits = keybits;
	p->nxf++;
	return true;
}

static size_t
conf_count(const struct conf_proposal *p, uint8_t type)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nxf; i++)
		n += p->xf[i].type == type;
	return n;
}

int
conf_proposal_parse(const char *text, enum conf_sa_kind kind,
    struct conf_proposal *p, char *err, size_t errlen)
{
	char buf[sizeof(p->text)], known[1024], *tok, *save;
	size_t naead = 0, ncbc = 0, nxf_written;
	const char *kname = kind == CONF_SA_IKE ? "ike" : "esp";

	memset(p, 0, sizeof(*p));
	if (strlen(text) >= sizeof(buf)) {
		snprintf(err, errlen, "longer than %zu characters",
		    sizeof(buf) - 1);
		return -1;
	}
	strcpy(buf, text);
	strcpy(p->text, text);
	for (tok = strtok_r(buf, "-", &save); tok != NULL;
	    tok = strtok_r(NULL, "-", &save)) {
		const struct conf_alg *a = NULL;

		/* No DH on purpose, said so: a proposal that merely lacks
		 * one is a mistake (AWS requires PFS). */
		if (kind == CONF_SA_ESP && strcmp(tok, "nopfs") == 0) {
			if (p->nopfs) {
				snprintf(err, errlen, "'nopfs' listed twice");
				return -1;
			}
			p->nopfs = true;
			continue;
		}

		for (size_t i = 0; i < CONF_NALGS; i++)
			if (strcmp(conf_algs[i].name, tok) == 0)
				a = &conf_algs[i];
		if (a != NULL && kind == CONF_SA_IKE && a->type == IKEV2_XFORM_ESN)
			a = NULL;
		if (a != NULL && kind == CONF_SA_ESP && a->type == IKEV2_XFORM_PRF)
			a = NULL;
		if (a == NULL) {
			conf_known_list(kind, known, sizeof(known));
			snprintf(err, errlen, "unknown %s algorithm '%s'; "
			    "allowed: %s", kname, tok, known);
			return -1;
		}
		for (size_t i = 0; i < p->nxf; i++) {
			if (p->xf[i].type == a->type && p->xf[i].id == a->id &&
			    p->xf[i].keybits == a->keybits) {
				snprintf(err, errlen, "'%s' listed twice", tok);
				return -1;
			}
		}
		if (!conf_xform_add(p, a->type, a->id, a->keybits)) {
			snprintf(err, errlen, "more than %d algorithms",
			    CONF_MAX_XFORMS);
			return -1;
		}
		if (a->type == IKEV2_XFORM_ENCR) {
			if (conf_encr_is_aead(a->id))
				naead++;
			else
				ncbc++;
		}
	}
	if (naead + ncbc == 0) {
		snprintf(err, errlen, "no encryption algorithm; allowed: "
		    "aes128 aes192 aes256 aes128gcm16 aes256gcm16 ...");
		return -1;
	}
	/* RFC 7296 3.3: combined-mode ciphers go in proposals of their own */
	if (naead > 0 && ncbc > 0) {
		snprintf(err, errlen, "mixes AEAD (gcm) and non-AEAD ciphers; "
		    "allowed: put them in separate proposals");
		return -1;
	}
	if (naead > 0 && conf_count(p, IKEV2_XFORM_INTEG) > 0) {
		snprintf(err, errlen, "an AEAD (gcm) cipher takes no integrity "
		    "algorithm; allowed: drop the sha* part, e.g. "
		    "aes256gcm16-prfsha256-modp2048");
		return -1;
	}
	if (ncbc > 0 && conf_count(p, IKEV2_XFORM_INTEG) == 0) {
		snprintf(err, errlen, "no integrity algorithm; allowed: sha1 "
		    "sha256 sha384 sha512, e.g. aes256-sha256-modp2048");
		return -1;
	}
	if (p->nopfs && conf_count(p, IKEV2_XFORM_DH) > 0) {
		snprintf(err, errlen, "'nopfs' with a DH group; allowed: one of "
		    "them");
		return -1;
	}
	if (conf_count(p, IKEV2_XFORM_DH) == 0 && !p->nopfs) {
		snprintf(err, errlen, "no DH group%s; allowed: modp2048 "
		    "modp3072 ecp256 ecp384 curve25519 ...",
		    kind == CONF_SA_ESP ? " (AWS requires PFS on CHILD SAs; "
		    "'nopfs' for a peer-type generic peer without it)" : "");
		return -1;
	}
	nxf_written = p->nxf;
	if (kind == CONF_SA_IKE && conf_count(p, IKEV2_XFORM_PRF) == 0) {
		bool ok = true;

		if (naead > 0)
			ok = conf_xform_add(p, IKEV2_XFORM_PRF,
			    IKEV2_PRF_HMAC_SHA2_256, 0);
		for (size_t i = 0; ok && i < nxf_written; i++)
			if (p->xf[i].type == IKEV2_XFORM_INTEG)
				ok = conf_xform_add(p, IKEV2_XFORM_PRF,
				    conf_prf_of_integ(p->xf[i].id), 0);
		if (!ok) {
			snprintf(err, errlen, "more than %d algorithms",
			    CONF_MAX_XFORMS);
			return -1;
		}
	}
	/* ESP proposals always carry an ESN transform (RFC 7296 3.3.2) */
	if (kind == CONF_SA_ESP && conf_count(p, IKEV2_XFORM_ESN) == 0 &&
	    !conf_xform_add(p, IKEV2_XFORM_ESN, IKEV2_ESN_NO, 0)) {
		snprintf(err, errlen, "more than %d algorithms", CONF_MAX_XFORMS);
		return -1;
	}
	return 0;
}

size_t
conf_proposal_defaults(enum conf_sa_kind kind, struct conf_proposal *out,
    size_t max)
{
	const char *const *list = kind == CONF_SA_IKE ? conf_def_ike : conf_def_esp;
	size_t n = kind == CONF_SA_IKE ?
	    sizeof(conf_def_ike) / sizeof(conf_def_ike[0]) :
	    sizeof(conf_def_esp) / sizeof(conf_def_esp[0]);
	size_t got = 0;
	char err[256];

	for (size_t i = 0; i < n && got < max; i++)
		if (conf_proposal_parse(list[i], kind, &out[got], err,
		    sizeof(err)) == 0)
			got++;
	return got;
}

const char *
conf_xform_name(const struct conf_xform *x)
{
	for (size_t i = 0; i < CONF_NALGS; i++)
		if (conf_algs[i].type == x->type && conf_algs[i].id == x->id &&
		    conf_algs[i].keybits == x->keybits)
			return conf_algs[i].name;
	return "?";
}
