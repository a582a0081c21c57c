/*
 * One tunnel's TunnelOptions (aws ec2 describe-vpn-connections) into
 * cgwd.conf statements for its tunnel block. AWS lets each tunnel have
 * its own algorithms, lifetimes and timers; the XML it generates carries
 * none of them (its <ike>/<ipsec> blocks always name the IKEv1-era
 * defaults), so only the JSON says what the VGW will accept.
 *
 * Every option is either mapped to a statement, written as a comment
 * (AWS's own timers, its logging: nothing to do on our side), or refused
 * with its name (IKEv1 only, an IPv6 inside prefix outside fd00::/8). Each statement is
 * preceded by the options it came from.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "conf/aws_priv.h"

struct aws_alg {
	const char	*aws;		/* AWS's spelling; NULL for DH groups */
	const char	*ours;
	int		 group;		/* DH group number */
};

/*
 * Strongest first, the order cgwd offers them in: AWS picks from our
 * offer, and the first DH group of the first proposal is the one our
 * IKE_SA_INIT guesses.
 */
static const struct aws_alg aws_encr[] = {
	{ "AES256-GCM-16",	"aes256gcm16",	0 },
	{ "AES128-GCM-16",	"aes128gcm16",	0 },
	{ "AES256",		"aes256",	0 },
	{ "AES128",		"aes128",	0 },
};
#define AWS_ENCR_GCM	0x3u	/* the first two */
#define AWS_ENCR_CBC	0xcu

static const struct aws_alg aws_integ[] = {
	{ "SHA2-512",	"sha512",	0 },
	{ "SHA2-384",	"sha384",	0 },
	{ "SHA2-256",	"sha256",	0 },
	{ "SHA1",	"sha1",		0 },
};
#define AWS_INTEG_SHA2	0x7u

/* Elliptic curves first: as strong or stronger than the MODP groups at a
 * fraction of the cost per exchange. Then MODP by size; the RFC 5114
 * groups and 1536/1024 last (RFC 8247: SHOULD NOT or MUST NOT). */
static const struct aws_alg aws_dh[] = {
	{ NULL, "ecp521",	21 },
	{ NULL, "ecp384",	20 },
	{ NULL, "ecp256",	19 },
	{ NULL, "modp8192",	18 },
	{ NULL, "modp6144",	17 },
	{ NULL, "modp4096",	16 },
	{ NULL, "modp3072",	15 },
	{ NULL, "modp2048",	14 },
	{ NULL, "modp2048s256",	24 },
	{ NULL, "modp2048s224",	23 },
	{ NULL, "modp1024s160",	22 },
	{ NULL, "modp1536",	5 },
	{ NULL, "modp1024",	2 },
};
#define AWS_DH_STRONG	0xffu	/* ECP and MODP 2048 and up: 14-21 */
#define AWS_DH_PHASE1	0x17ffu	/* all but group 5 */
#define AWS_DH_PHASE2	0x1fffu

#define AWS_N(t)	(sizeof(t) / sizeof((t)[0]))

/* Options known to need nothing on our side, and why. */
static const struct {
	const char	*key;
	const char	*why;
} aws_noop[] = {
	{ "LogOptions", "AWS's logging of this tunnel (CloudWatch); nothing "
	  "to do here" },
	{ "EnableTunnelLifecycleControl", "when AWS may replace its endpoint; "
	  "cgwd initiates again on its own" },
};

struct aws_opt_ctx {
	const char	*where;
	char		*err;
	size_t		 errlen;
	bool		 overflow;
};

static int
aws_opt_fail(struct aws_opt_ctx *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "%s: TunnelOptions %s", c->where, msg);
	return -1;
}

/* Appends to a fixed buffer; remembers an overflow rather than cutting. */
static void
aws_cat(struct aws_opt_ctx *c, char *buf, size_t len, const char *fmt, ...)
{
	size_t off = strlen(buf);
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + off, len - off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len - off) {
		buf[off] = '\0';
		c->overflow = true;
	}
}

/*
 * A list option ("Phase1DHGroupNumbers": [{"Value": 20}, ...]) into a
 * mask over table `t`. Absent or empty: AWS's default, every value in
 * `allowed`. The values as AWS wrote them go into src.
 */
static int
aws_opt_list(struct aws_opt_ctx *c, json_t *opt, const char *key,
    const struct aws_alg *t, size_t n, uint32_t allowed,
    const char *allowed_text, uint32_t *mask, char *src, size_t srclen)
{
	json_t *list = json_object_get(opt, key), *e, *v;
	size_t i, k;

	*mask = 0;
	if (list != NULL && !json_is_null(list) && !json_is_array(list))
		return aws_opt_fail(c, "%s is not a list", key);
	if (list == NULL || json_is_null(list) || json_array_size(list) == 0) {
		*mask = allowed;
		aws_cat(c, src, srclen, "\t\t#   %s not set: AWS's default, "
		    "%s\n", key, allowed_text);
		return 0;
	}
	aws_cat(c, src, srclen, "\t\t#   %s", key);
	json_array_foreach(list, i, e) {
		v = json_is_object(e) ? json_object_get(e, "Value") : e;
		for (k = 0; k < n; k++) {
			if (t[k].aws != NULL && json_is_string(v) &&
			    strcasecmp(json_string_value(v), t[k].aws) == 0)
				break;
			if (t[k].aws == NULL && json_is_integer(v) &&
			    json_integer_value(v) == t[k].group)
				break;
		}
		if (k == n || !(allowed & (1u << k))) {
			if (json_is_string(v))
				return aws_opt_fail(c, "%s %.40s is not a value "
				    "AWS allows; allowed: %s", key,
				    json_string_value(v), allowed_text);
			if (json_is_integer(v))
				return aws_opt_fail(c, "%s %lld is not a value "
				    "AWS allows; allowed: %s", key,
				    (long long)json_integer_value(v),
				    allowed_text);
			return aws_opt_fail(c, "%s has a value that is not a "
			    "%s", key, t[0].aws ? "string" : "number");
		}
		*mask |= 1u << k;
		if (t[k].aws != NULL)	/* ours, not the input's bytes */
			aws_cat(c, src, srclen, " %s", t[k].aws);
		else
			aws_cat(c, src, srclen, " %d", t[k].group);
	}
	aws_cat(c, src, srclen, "\n");
	return 0;
}

/* An integer option; absent: `def`, said so in src. */
static int
aws_opt_num(struct aws_opt_ctx *c, json_t *opt, const char *key,
    long long min, long long max, long long def, uint32_t *out, char *src,
    size_t srclen)
{
	json_t *v = json_object_get(opt, key);
	long long n;

	if (v == NULL || json_is_null(v)) {
		*out = (uint32_t)def;
		aws_cat(c, src, srclen, "\t\t#   %s not set: AWS's default, "
		    "%lld\n", key, def);
		return 0;
	}
	if (!json_is_integer(v))
		return aws_opt_fail(c, "%s is not a number", key);
	n = json_integer_value(v);
	if (n < min || n > max)
		return aws_opt_fail(c, "%s %lld is out of AWS's range; allowed: "
		    "%lld-%lld", key, n, min, max);
	*out = (uint32_t)n;
	aws_cat(c, src, srclen, "\t\t#   %s %lld\n", key, n);
	return 0;
}

/* A string option, one of `values` (NULL-terminated); absent: def. */
static int
aws_opt_word(struct aws_opt_ctx *c, json_t *opt, const char *key,
    const char *const *values, const char *def, const char **out)
{
	json_t *v = json_object_get(opt, key);
	char allowed[128] = "";

	if (v == NULL || json_is_null(v)) {
		*out = def;
		return 0;
	}
	for (size_t i = 0; values[i] != NULL; i++) {
		if (json_is_string(v) &&
		    strcasecmp(json_string_value(v), values[i]) == 0) {
			*out = values[i];
			return 0;
		}
		aws_cat(c, allowed, sizeof(allowed), "%s%s", i ? ", " : "",
		    values[i]);
	}
	if (json_is_string(v))
		return aws_opt_fail(c, "%s %.40s is not a value AWS allows; "
		    "allowed: %s", key, json_string_value(v), allowed);
	return aws_opt_fail(c, "%s is not a string", key);
}

/* "-name-name" for each algorithm of `mask`, in table order. */
static void
aws_names(struct aws_opt_ctx *c, char *buf, size_t len,
    const struct aws_alg *t, size_t n, uint32_t mask, const char *prefix)
{
	for (size_t i = 0; i < n; i++)
		if (mask & (1u << i))
			aws_cat(c, buf, len, "%s%s%s", buf[0] ? "-" : "", prefix,
			    t[i].ours);
}

/*
 * The proposals for one SA from the allowed sets: AES-GCM in one
 * proposal, AES-CBC in another (RFC 7296 3.3: combined-mode ciphers go
 * in proposals of their own), each with every allowed group. For an
 * AEAD IKE SA the integrity algorithms AWS allows become its prfs.
 */
static int
aws_build(struct aws_opt_ctx *c, enum conf_sa_kind kind, uint32_t encr,
    uint32_t integ, uint32_t dh, char *out, size_t len)
{
	char p[sizeof(((struct conf_proposal *)0)->text)], perr[512];
	struct conf_proposal cp;
	char *tok, *save, tmp[AWS_LIST_MAX];

	out[0] = '\0';
	for (int pass = 0; pass < 2; pass++) {
		uint32_t e = encr & (pass == 0 ? AWS_ENCR_GCM : AWS_ENCR_CBC);

		if (e == 0)
			continue;
		p[0] = '\0';
		aws_names(c, p, sizeof(p), aws_encr, AWS_N(aws_encr), e, "");
		if (pass == 0 && kind == CONF_SA_IKE) {
			if (integ != 0)
				aws_names(c, p, sizeof(p), aws_integ,
				    AWS_N(aws_integ), integ, "prf");
			else
				aws_cat(c, p, sizeof(p), "-prfsha256");
		} else if (pass == 1)
			aws_names(c, p, sizeof(p), aws_integ, AWS_N(aws_integ),
			    integ, "");
		aws_names(c, p, sizeof(p), aws_dh, AWS_N(aws_dh), dh, "");
		aws_cat(c, out, len, "%s%s", out[0] ? " " : "", p);
	}
	if (c->overflow)
		return aws_opt_fail(c, "make a proposal longer than cgwd takes");
	/* Checked here so a mistake in the tables fails the import, not
	 * the daemon. */
	snprintf(tmp, sizeof(tmp), "%s", out);
	for (tok = strtok_r(tmp, " ", &save); tok != NULL;
	    tok = strtok_r(NULL, " ", &save))
		if (conf_proposal_parse(tok, kind, &cp, perr,
		    sizeof(perr)) != 0)
			return aws_opt_fail(c, "make proposal %s: %s", tok, perr);
	return 0;
}

int
aws_strong_offer(enum conf_sa_kind kind, char *out, size_t len)
{
	char err[256];
	struct aws_opt_ctx c = { .where = "", .err = err, .errlen = sizeof(err) };

	return aws_build(&c, kind, AWS_ENCR_GCM | AWS_ENCR_CBC, AWS_INTEG_SHA2,
	    AWS_DH_STRONG, out, len);
}

/* Phase 1 or 2: the three lists and the lifetime into one statement. */
static int
aws_opt_sa(struct aws_opt_ctx *c, json_t *opt, int phase, char *block,
    size_t blen)
{
	enum conf_sa_kind kind = phase == 1 ? CONF_SA_IKE : CONF_SA_ESP;
	char key[64], src[AWS_NOTES_MAX] = "", props[AWS_LIST_MAX];
	uint32_t encr, integ, dh, life;

	snprintf(key, sizeof(key), "Phase%dEncryptionAlgorithms", phase);
	if (aws_opt_list(c, opt, key, aws_encr, AWS_N(aws_encr), 0xf,
	    "AES128, AES256, AES128-GCM-16, AES256-GCM-16", &encr, src,
	    sizeof(src)) != 0)
		return -1;
	snprintf(key, sizeof(key), "Phase%dIntegrityAlgorithms", phase);
	if (aws_opt_list(c, opt, key, aws_integ, AWS_N(aws_integ), 0xf,
	    "SHA1, SHA2-256, SHA2-384, SHA2-512", &integ, src,
	    sizeof(src)) != 0)
		return -1;
	snprintf(key, sizeof(key), "Phase%dDHGroupNumbers", phase);
	if (aws_opt_list(c, opt, key, aws_dh, AWS_N(aws_dh), phase == 1 ?
	    AWS_DH_PHASE1 : AWS_DH_PHASE2, phase == 1 ? "2, 14-24" :
	    "2, 5, 14-24", &dh, src, sizeof(src)) != 0)
		return -1;
	snprintf(key, sizeof(key), "Phase%dLifetimeSeconds", phase);
	if (aws_opt_num(c, opt, key, 900, phase == 1 ? 28800 : 3600,
	    phase == 1 ? 28800 : 3600, &life, src, sizeof(src)) != 0)
		return -1;
	if ((encr & AWS_ENCR_CBC) && integ == 0)
		return aws_opt_fail(c, "Phase%dIntegrityAlgorithms: none for "
		    "AES-CBC", phase);
	if (aws_build(c, kind, encr, integ, dh, props, sizeof(props)) != 0)
		return -1;
	aws_cat(c, block, blen, "\t\t# %s, from TunnelOptions:\n%s", phase == 1 ?
	    "ike (phase 1)" : "esp (phase 2)", src);
	if (kind == CONF_SA_ESP && !(encr & AWS_ENCR_CBC) &&
	    json_array_size(json_object_get(opt, "Phase2IntegrityAlgorithms")))
		aws_cat(c, block, blen, "\t\t#   (AES-GCM carries its own "
		    "integrity: Phase2IntegrityAlgorithms unused)\n");
	/* "lifetime NNNs" last on its line: lab scripts edit it there */
	aws_cat(c, block, blen, "\t\t%s proposal %s lifetime %us\n", phase == 1 ?
	    "ike" : "esp", props, life);
	return (int)life;
}

static bool
aws_opt_name_ok(const char *key)
{
	size_t n = strlen(key);

	if (n == 0 || n > 64)
		return false;
	for (; *key; key++)
		if (!((*key >= 'A' && *key <= 'Z') || (*key >= 'a' &&
		    *key <= 'z') || (*key >= '0' && *key <= '9') || *key == '_'))
			return false;
	return true;
}

static bool
aws_opt_known(const char *key)
{
	static const char *const keys[] = {
		"OutsideIpAddress", "TunnelInsideCidr", "TunnelInsideIpv6Cidr",
		"PreSharedKey", "Phase1LifetimeSeconds", "Phase2LifetimeSeconds",
		"RekeyMarginTimeSeconds", "RekeyFuzzPercentage",
		"ReplayWindowSize", "DpdTimeoutSeconds", "DpdTimeoutAction",
		"Phase1EncryptionAlgorithms", "Phase2EncryptionAlgorithms",
		"Phase1IntegrityAlgorithms", "Phase2IntegrityAlgorithms",
		"Phase1DHGroupNumbers", "Phase2DHGroupNumbers", "IkeVersions",
		"StartupAction", NULL
	};

	for (size_t i = 0; keys[i] != NULL; i++)
		if (strcmp(keys[i], key) == 0)
			return true;
	return false;
}

int
aws_tunnel_options(json_t *opt, const char *where, struct aws_topts *o,
    char *err, size_t errlen)
{
	static const char *const actions[] = { "clear", "none", "restart",
	    NULL };
	static const char *const startups[] = { "add", "start", NULL };
	struct aws_opt_ctx c = { .where = where, .err = err, .errlen = errlen };
	char src[AWS_NOTES_MAX] = "";
	json_t *v, *e;
	const char *action, *startup, *key;
	uint32_t p1, p2, margin, fuzz, replay, dpd;
	bool v1 = false, v2 = false;
	size_t i;
	int rc;

	memset(o, 0, sizeof(*o));
	if (!json_is_object(opt))
		return aws_opt_fail(&c, "entry is not an object");

	/* Refused: what cgwd cannot do, named. */
	v = json_object_get(opt, "IkeVersions");
	if (v != NULL && !json_is_null(v) && !json_is_array(v))
		return aws_opt_fail(&c, "IkeVersions is not a list");
	json_array_foreach(v, i, e) {
		json_t *s = json_is_object(e) ? json_object_get(e, "Value") : e;

		if (json_is_string(s) &&
		    strcasecmp(json_string_value(s), "ikev1") == 0)
			v1 = true;
		else if (json_is_string(s) &&
		    strcasecmp(json_string_value(s), "ikev2") == 0)
			v2 = true;
		else
			return aws_opt_fail(&c, "IkeVersions has a value other "
			    "than ikev1 or ikev2");
	}
	if (v1 && !v2)
		return aws_opt_fail(&c, "IkeVersions allows ikev1 only; cgwd "
		    "speaks IKEv2: add ikev2 to the tunnel's IKE versions at AWS");
	/* AWS's constraint: a /126 from fd00::/8, the network address. */
	v = json_object_get(opt, "TunnelInsideIpv6Cidr");
	if (v != NULL && !json_is_null(v) && (!json_is_string(v) ||
	    json_string_length(v) >= sizeof(o->inside6_cidr)))
		return aws_opt_fail(&c, "TunnelInsideIpv6Cidr is not a prefix");
	if (json_is_string(v) && json_string_length(v) > 0) {
		struct cgw_prefix p6, n6, ula;

		prefix_parse("fd00::/8", &ula);
		if (!prefix_parse(json_string_value(v), &p6) ||
		    p6.addr.af != AF_INET6 || p6.len != 126 ||
		    !prefix_contains(&ula, &p6.addr))
			return aws_opt_fail(&c, "TunnelInsideIpv6Cidr is not a "
			    "/126 in fd00::/8");
		prefix_network(&p6, &n6);
		if (!addr_eq(&p6.addr, &n6.addr))
			return aws_opt_fail(&c, "TunnelInsideIpv6Cidr has host "
			    "bits set");
		snprintf(o->inside6_cidr, sizeof(o->inside6_cidr), "%s",
		    json_string_value(v));
	}

	/* Checked against the XML by the caller. */
	v = json_object_get(opt, "TunnelInsideCidr");
	if (v != NULL && (!json_is_string(v) ||
	    json_string_length(v) >= sizeof(o->inside_cidr)))
		return aws_opt_fail(&c, "TunnelInsideCidr is not a prefix");
	if (v != NULL)
		snprintf(o->inside_cidr, sizeof(o->inside_cidr), "%s",
		    json_string_value(v));
	v = json_object_get(opt, "PreSharedKey");
	if (v != NULL && (!json_is_string(v) ||
	    json_string_length(v) > CONF_PSK_MAX))
		return aws_opt_fail(&c, "PreSharedKey is not a string of at "
		    "most %d characters", CONF_PSK_MAX);
	if (v != NULL)
		memcpy(o->psk, json_string_value(v), json_string_length(v) + 1);

	if ((rc = aws_opt_sa(&c, opt, 1, o->block, sizeof(o->block))) < 0)
		goto fail;
	p1 = (uint32_t)rc;
	if ((rc = aws_opt_sa(&c, opt, 2, o->block, sizeof(o->block))) < 0)
		goto fail;
	p2 = (uint32_t)rc;
	if (p2 >= p1) {
		aws_opt_fail(&c, "Phase2LifetimeSeconds %u is not below "
		    "Phase1LifetimeSeconds %u, which AWS requires", p2, p1);
		goto fail;
	}

	if (aws_opt_num(&c, opt, "ReplayWindowSize", 64, 2048, 1024, &replay,
	    src, sizeof(src)) != 0)
		goto fail;
	aws_cat(&c, o->block, sizeof(o->block), "\t\t# from TunnelOptions:\n"
	    "%s\t\treplay-window %u\n", src, replay);

	src[0] = '\0';
	if (aws_opt_word(&c, opt, "StartupAction", startups, "add",
	    &startup) != 0)
		goto fail;
	/* Initiating is right either way: with "add" AWS waits for us;
	 * with "start" it initiates too, and whichever side comes first
	 * brings the tunnel up, also after a restart of ours. */
	aws_cat(&c, o->block, sizeof(o->block), "\t\t# StartupAction %s%s: "
	    "%s\n\t\tstartup initiate\n", startup,
	    json_object_get(opt, "StartupAction") ? "" : " (AWS's default)",
	    strcmp(startup, "add") == 0 ? "AWS waits for this side to "
	    "initiate" : "AWS initiates too; either side may bring it up");

	/* Nothing to do on our side: said so. */
	src[0] = '\0';
	if (aws_opt_num(&c, opt, "RekeyMarginTimeSeconds", 60, p2 / 2, 270,
	    &margin, src, sizeof(src)) != 0 ||
	    aws_opt_num(&c, opt, "RekeyFuzzPercentage", 0, 100, 100, &fuzz,
	    src, sizeof(src)) != 0)
		goto fail;
	aws_cat(&c, o->block, sizeof(o->block), "\t\t# AWS's rekey timing, "
	    "nothing to do here (cgwd rekeys well before its\n\t\t# lifetimes "
	    "end, whichever side starts first):\n%s", src);
	src[0] = '\0';
	if (aws_opt_num(&c, opt, "DpdTimeoutSeconds", 0, 86400, 30, &dpd, src,
	    sizeof(src)) != 0 ||
	    aws_opt_word(&c, opt, "DpdTimeoutAction", actions, "clear",
	    &action) != 0)
		goto fail;
	aws_cat(&c, o->block, sizeof(o->block), "\t\t# AWS's side of dead peer "
	    "detection; cgwd probes on its own (dpd,\n\t\t# default interval "
	    "200ms timeout 2s) and initiates again after a death:\n%s"
	    "\t\t#   DpdTimeoutAction %s%s\n", src, action,
	    json_object_get(opt, "DpdTimeoutAction") ? "" :
	    " (AWS's default)");
	if (v2 || v1)
		aws_cat(&c, o->block, sizeof(o->block), "\t\t# IkeVersions%s%s: "
		    "cgwd speaks IKEv2\n", v1 ? " ikev1" : "", v2 ? " ikev2" : "");
	for (i = 0; i < AWS_N(aws_noop); i++)
		if (json_object_get(opt, aws_noop[i].key) != NULL)
			aws_cat(&c, o->block, sizeof(o->block), "\t\t# %s: %s\n",
			    aws_noop[i].key, aws_noop[i].why);
	json_object_foreach(opt, key, v) {
		bool noop = false;

		for (i = 0; i < AWS_N(aws_noop); i++)
			noop = noop || strcmp(key, aws_noop[i].key) == 0;
		if (noop || aws_opt_known(key))
			continue;
		/* A name is printed only if it cannot end the comment. */
		if (aws_opt_name_ok(key))
			aws_cat(&c, o->block, sizeof(o->block), "\t\t# %s: not "
			    "known to this cgwctl, not imported\n", key);
		else
			aws_cat(&c, o->block, sizeof(o->block), "\t\t# an option "
			    "with an unusual name: not imported\n");
	}
	if (c.overflow) {
		aws_opt_fail(&c, "too long to import");
		goto fail;
	}
	return 0;
fail:
	explicit_bzero(o->psk, sizeof(o->psk));
	return -1;
}
