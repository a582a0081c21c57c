/*
 * AWS CustomerGatewayConfiguration (XML, or inside the JSON of
 * describe-vpn-connections) to cgwd.conf. Elements are looked up by name,
 * never by position; every value is checked before it is printed, and
 * the result is built in memory so a failure prints nothing.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "conf/aws_import.h"
#include "conf/aws_priv.h"
#include "conf/conf_priv.h"
#include "lib/addr.h"

#define AWS_INPUT_MAX		(4 * 1024 * 1024)
#define AWS_VALUE_MAX		128
#define AWS_MAX_TUNNELS		8
#define AWS_MAX_CONNECTIONS	32
#define AWS_MAX_KEYS		(AWS_MAX_CONNECTIONS * AWS_MAX_TUNNELS)
#define AWS_PATH_MAX		1024

struct aws_tunnel {
	char	cgw_outside[AWS_VALUE_MAX];
	char	cgw_inside[AWS_VALUE_MAX];	/* "169.254.44.42/30" */
	char	cgw_asn[AWS_VALUE_MAX];
	char	vgw_outside[AWS_VALUE_MAX];
	char	vgw_asn[AWS_VALUE_MAX];
	char	hold_time[AWS_VALUE_MAX];
	char	ike[AWS_VALUE_MAX];		/* proposal, our syntax */
	char	ike_lifetime[AWS_VALUE_MAX];
	char	esp[AWS_VALUE_MAX];
	char	esp_lifetime[AWS_VALUE_MAX];
	char	dpd_interval[AWS_VALUE_MAX];
	char	dpd_timeout[AWS_VALUE_MAX];
	char	psk[AWS_VALUE_MAX];
	uint32_t mss;			/* <tcp_mss_adjustment>, 0 = absent */
	bool	is_static;		/* no <bgp> anywhere: static routing */
	bool	has_opts;		/* TunnelOptions found for it */
	struct aws_topts opts;
};

struct aws_key {
	char	path[AWS_PATH_MAX];
	char	key[AWS_VALUE_MAX];
};

struct aws_ctx {
	const struct conf_aws_opts *opts;
	char		*err;
	size_t		 errlen;
	FILE		*out;		/* a memory stream */
	int		 nvpn;
	char		 asn[AWS_VALUE_MAX];	/* of the first connection */
	bool		 header_done;
	bool		 json;		/* input is describe-vpn-connections */
	char		 psk_dir[PATH_MAX];	/* absolute; "" = keys inline */
	/* The connection's Local/RemoteIpv4NetworkCidr; "" = not given */
	char		 ts_local[CGW_PREFIXSTRLEN];
	char		 ts_remote[CGW_PREFIXSTRLEN];
	struct aws_key	*keys;		/* to write once all went well */
	size_t		 nkeys;
	bool		 intro_done;	/* the comment lines at the top */
	/* Options.StaticRoutesOnly of the connection: -1 absent, 0, 1 */
	int		 json_static;
	/* Its Routes (the customer's prefixes AWS sends to us), as
	 * comment lines */
	char		 routes[2048];
};

static int
aws_fail(struct aws_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->err, ctx->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* The first element child of `n` called `name`. */
static xmlNode *
aws_child(xmlNode *n, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

/*
 * Text of the element at `path` ("a/b/c") below `n`, whitespace trimmed,
 * printable ASCII only, into out[AWS_VALUE_MAX].
 */
static int
aws_text(struct aws_ctx *ctx, xmlNode *n, const char *path, int tunnel,
    char *out)
{
	char buf[256], *seg, *save;
	xmlChar *content;
	const char *s;
	size_t len;

	snprintf(buf, sizeof(buf), "%s", path);
	for (seg = strtok_r(buf, "/", &save); seg != NULL && n != NULL;
	    seg = strtok_r(NULL, "/", &save))
		n = aws_child(n, seg);
	if (n == NULL)
		return aws_fail(ctx, "tunnel %d: missing element <%s>", tunnel,
		    path);
	if ((content = xmlNodeGetContent(n)) == NULL)
		return aws_fail(ctx, "tunnel %d: empty element <%s>", tunnel,
		    path);
	s = (const char *)content;
	while (*s && isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (len == 0 || len >= AWS_VALUE_MAX) {
		explicit_bzero(content, strlen((char *)content));
		xmlFree(content);
		return aws_fail(ctx, "tunnel %d: element <%s> is %s", tunnel,
		    path, len == 0 ? "empty" : "too long");
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] < 0x21 || s[i] > 0x7e) {
			explicit_bzero(content, strlen((char *)content));
			xmlFree(content);
			return aws_fail(ctx, "tunnel %d: element <%s> has "
			    "characters other than printable ASCII", tunnel,
			    path);
		}
	}
	memcpy(out, s, len);
	out[len] = '\0';
	explicit_bzero(content, strlen((char *)content));
	xmlFree(content);
	return 0;
}

static int
aws_number(struct aws_ctx *ctx, const char *s, const char *what, int tunnel,
    uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long long v = 0;
	const char *p;

	for (p = s; *p >= '0' && *p <= '9' && v <= UINT32_MAX; p++)
		v = v * 10 + (unsigned)(*p - '0');
	if (p == s || *p != '\0' || v < min || v > max)
		return aws_fail(ctx, "tunnel %d: <%s> %s is not a number in "
		    "%u-%u", tunnel, what, s, min, max);
	*out = (uint32_t)v;
	return 0;
}

struct aws_name {
	const char	*aws;
	const char	*ours;
};

static const struct aws_name aws_encr[] = {
	{ "aes-128-cbc", "aes128" }, { "aes-256-cbc", "aes256" },
	{ "aes128", "aes128" }, { "aes256", "aes256" },
	{ "aes-128-gcm-16", "aes128gcm16" }, { "aes-256-gcm-16", "aes256gcm16" },
	{ "aes128-gcm-16", "aes128gcm16" }, { "aes256-gcm-16", "aes256gcm16" },
	{ NULL, NULL }
};

static const struct aws_name aws_integ[] = {
	{ "sha1", "sha1" }, { "hmac-sha1-96", "sha1" },
	{ "sha2-256", "sha256" }, { "hmac-sha2-256-128", "sha256" },
	{ "sha2-384", "sha384" }, { "hmac-sha2-384-192", "sha384" },
	{ "sha2-512", "sha512" }, { "hmac-sha2-512-256", "sha512" },
	{ "sha256", "sha256" }, { "sha384", "sha384" }, { "sha512", "sha512" },
	{ NULL, NULL }
};

static const struct aws_name aws_groups[] = {
	{ "group2", "modp1024" }, { "group5", "modp1536" },
	{ "group14", "modp2048" }, { "group15", "modp3072" },
	{ "group16", "modp4096" }, { "group17", "modp6144" },
	{ "group18", "modp8192" }, { "group19", "ecp256" },
	{ "group20", "ecp384" }, { "group21", "ecp521" },
	{ "group22", "modp1024s160" }, { "group23", "modp2048s224" },
	{ "group24", "modp2048s256" },
	{ NULL, NULL }
};

static const char *
aws_map(const struct aws_name *t, const char *s)
{
	for (; t->aws != NULL; t++)
		if (strcasecmp(t->aws, s) == 0)
			return t->ours;
	return NULL;
}

/* One proposal from the <ike> or <ipsec> element of a tunnel. */
static int
aws_proposal(struct aws_ctx *ctx, xmlNode *sa, const char *el, int tunnel,
    enum conf_sa_kind kind, char *out)
{
	char v[AWS_VALUE_MAX], path[64], perr[512];
	const char *encr, *integ, *group;
	struct conf_proposal p;
	bool aead;

	snprintf(path, sizeof(path), "%s/encryption_protocol", el);
	if (aws_text(ctx, sa, path, tunnel, v) != 0)
		return -1;
	if ((encr = aws_map(aws_encr, v)) == NULL)
		return aws_fail(ctx, "tunnel %d: <%s> %s is not known; known: "
		    "aes-128-cbc aes-256-cbc aes-128-gcm-16 aes-256-gcm-16",
		    tunnel, path, v);
	aead = strstr(encr, "gcm") != NULL;
	snprintf(path, sizeof(path), "%s/authentication_protocol", el);
	integ = NULL;
	if (aws_child(aws_child(sa, el), "authentication_protocol") != NULL ||
	    !aead) {
		if (aws_text(ctx, sa, path, tunnel, v) != 0)
			return -1;
		if ((integ = aws_map(aws_integ, v)) == NULL)
			return aws_fail(ctx, "tunnel %d: <%s> %s is not known; "
			    "known: sha1 hmac-sha1-96 sha2-256 sha2-384 "
			    "sha2-512", tunnel, path, v);
	}
	snprintf(path, sizeof(path), "%s/perfect_forward_secrecy", el);
	if (aws_text(ctx, sa, path, tunnel, v) != 0)
		return -1;
	if ((group = aws_map(aws_groups, v)) == NULL)
		return aws_fail(ctx, "tunnel %d: <%s> %s is not known; known: "
		    "group2 group5 group14-group24", tunnel, path, v);
	if (!aead)
		snprintf(out, AWS_VALUE_MAX, "%s-%s-%s", encr, integ, group);
	else if (kind == CONF_SA_IKE)
		/* AEAD IKE still needs a prf: the hash AWS named, if any */
		snprintf(out, AWS_VALUE_MAX, "%s-prf%s-%s", encr,
		    integ ? integ : "sha256", group);
	else
		snprintf(out, AWS_VALUE_MAX, "%s-%s", encr, group);
	if (conf_proposal_parse(out, kind, &p, perr, sizeof(perr)) != 0)
		return aws_fail(ctx, "tunnel %d: proposal %s: %s", tunnel, out,
		    perr);
	return 0;
}

static int
aws_tunnel(struct aws_ctx *ctx, xmlNode *n, int i, struct aws_tunnel *t)
{
	char ip[AWS_VALUE_MAX], cidr[AWS_VALUE_MAX];
	struct cgw_addr a;
	struct cgw_prefix p;
	uint32_t v, interval, retries;

	/* A static-routing connection has no BGP anywhere. */
	t->is_static = aws_child(aws_child(n, "customer_gateway"), "bgp") ==
	    NULL && aws_child(aws_child(n, "vpn_gateway"), "bgp") == NULL;
	if (aws_text(ctx, n, "customer_gateway/tunnel_outside_address/ip_address",
	    i, t->cgw_outside) != 0 ||
	    aws_text(ctx, n, "customer_gateway/tunnel_inside_address/ip_address",
	    i, ip) != 0 ||
	    aws_text(ctx, n, "customer_gateway/tunnel_inside_address/network_cidr",
	    i, cidr) != 0 ||
	    aws_text(ctx, n, "vpn_gateway/tunnel_outside_address/ip_address", i,
	    t->vgw_outside) != 0)
		return -1;
	if (!t->is_static &&
	    (aws_text(ctx, n, "customer_gateway/bgp/asn", i, t->cgw_asn) != 0 ||
	    aws_text(ctx, n, "vpn_gateway/bgp/asn", i, t->vgw_asn) != 0))
		return -1;
	if (!addr_parse(t->cgw_outside, &a) || !addr_parse(t->vgw_outside, &a))
		return aws_fail(ctx, "tunnel %d: a <tunnel_outside_address> is "
		    "not an IP address", i);
	if (aws_number(ctx, cidr, "network_cidr", i, 0, 32, &v) != 0)
		return -1;
	snprintf(t->cgw_inside, sizeof(t->cgw_inside), "%.64s/%u", ip, v);
	if (!prefix_parse(t->cgw_inside, &p) || p.addr.af != AF_INET)
		return aws_fail(ctx, "tunnel %d: customer gateway inside address "
		    "%s is not an IPv4 prefix", i, t->cgw_inside);
	if (!t->is_static &&
	    (aws_number(ctx, t->cgw_asn, "customer_gateway/bgp/asn", i, 1,
	    UINT32_MAX, &v) != 0 ||
	    aws_number(ctx, t->vgw_asn, "vpn_gateway/bgp/asn", i, 1,
	    UINT32_MAX, &v) != 0))
		return -1;
	/* Optional: AWS's defaults are ours. */
	if (aws_child(aws_child(n, "vpn_gateway"), "bgp") != NULL &&
	    aws_child(aws_child(aws_child(n, "vpn_gateway"), "bgp"),
	    "hold_time") != NULL) {
		if (aws_text(ctx, n, "vpn_gateway/bgp/hold_time", i,
		    t->hold_time) != 0 ||
		    aws_number(ctx, t->hold_time, "hold_time", i, 0, 65535, &v))
			return -1;
	}
	if (aws_proposal(ctx, n, "ike", i, CONF_SA_IKE, t->ike) != 0 ||
	    aws_proposal(ctx, n, "ipsec", i, CONF_SA_ESP, t->esp) != 0)
		return -1;
	if (aws_text(ctx, n, "ike/lifetime", i, t->ike_lifetime) != 0 ||
	    aws_number(ctx, t->ike_lifetime, "ike/lifetime", i, 1, 86400, &v) ||
	    aws_text(ctx, n, "ipsec/lifetime", i, t->esp_lifetime) != 0 ||
	    aws_number(ctx, t->esp_lifetime, "ipsec/lifetime", i, 1, 86400, &v))
		return -1;
	if (aws_text(ctx, n, "ipsec/dead_peer_detection/interval", i,
	    t->dpd_interval) != 0 ||
	    aws_number(ctx, t->dpd_interval, "dead_peer_detection/interval", i,
	    1, 3600, &interval) != 0 ||
	    aws_text(ctx, n, "ipsec/dead_peer_detection/retries", i, cidr) != 0 ||
	    aws_number(ctx, cidr, "dead_peer_detection/retries", i, 1, 100,
	    &retries) != 0)
		return -1;
	/* AWS declares the peer dead after `retries` missed intervals. */
	snprintf(t->dpd_timeout, sizeof(t->dpd_timeout), "%u",
	    interval * (retries < 2 ? 2 : retries));
	/* Optional: what AWS clamps the MSS to, which cgwd does too. */
	if (aws_child(aws_child(n, "ipsec"), "tcp_mss_adjustment") != NULL &&
	    (aws_text(ctx, n, "ipsec/tcp_mss_adjustment", i, cidr) != 0 ||
	    aws_number(ctx, cidr, "ipsec/tcp_mss_adjustment", i, CONF_MSS_MIN,
	    CONF_DEF_MTU - 40, &t->mss) != 0))
		return -1;
	if (aws_text(ctx, n, "ike/pre_shared_key", i, t->psk) != 0)
		return -1;
	if (strchr(t->psk, '"') != NULL || strchr(t->psk, '\\') != NULL) {
		explicit_bzero(t->psk, sizeof(t->psk));
		return aws_fail(ctx, "tunnel %d: <pre_shared_key> has '\"' or "
		    "'\\'; AWS keys never do", i);
	}
	return 0;
}

static void
aws_print_intro(struct aws_ctx *ctx)
{
	FILE *f = ctx->out;

	if (ctx->intro_done)
		return;
	ctx->intro_done = true;
	fprintf(f, "# Generated by cgwctl import-aws from %s.\n",
	    ctx->json ? "the JSON of aws ec2 describe-vpn-connections" :
	    "AWS's XML configuration");
	if (ctx->psk_dir[0] != '\0')
		fprintf(f, "# The PSKs are in files of mode 0600 in %s.\n",
		    ctx->psk_dir);
	else
		fprintf(f, "# The PSKs below are secrets: keep this file mode "
		    "0600, or move each\n# into a file of mode 0600 and write "
		    "psk-file \"PATH\" instead of psk\n# (cgwctl import-aws "
		    "--psk-dir DIR does so).\n");
}

/* What BGP needs, with the first connection that runs it. */
static void
aws_print_header(struct aws_ctx *ctx, const char *asn, const char *router_id)
{
	FILE *f = ctx->out;

	aws_print_intro(ctx);
	fprintf(f, "asn %s\n", asn);
	fprintf(f, "router-id %s\n", router_id);
	for (size_t i = 0; i < ctx->opts->nnetworks; i++)
		fprintf(f, "network %s\n", ctx->opts->networks[i]);
	ctx->header_done = true;
}

/* A key to write into the psk-dir once the whole import succeeded. */
static int
aws_key_add(struct aws_ctx *ctx, const char *vpn, int tunnel, const char *key)
{
	struct aws_key *k;
	int n;

	/* Allocated once, never moved: no copy of a key left behind. */
	if (ctx->keys == NULL && (ctx->keys = calloc(AWS_MAX_KEYS,
	    sizeof(*ctx->keys))) == NULL)
		return aws_fail(ctx, "out of memory");
	if (ctx->nkeys == AWS_MAX_KEYS)
		return aws_fail(ctx, "more than %d keys", AWS_MAX_KEYS);
	k = &ctx->keys[ctx->nkeys];
	n = snprintf(k->path, sizeof(k->path), "%s/%s-t%d.psk", ctx->psk_dir,
	    vpn, tunnel);
	if (n < 0 || (size_t)n >= sizeof(k->path))
		return aws_fail(ctx, "--psk-dir path too long");
	snprintf(k->key, sizeof(k->key), "%s", key);
	ctx->nkeys++;
	for (size_t i = 0; i + 1 < ctx->nkeys; i++)
		if (strcmp(ctx->keys[i].path, k->path) == 0)
			return aws_fail(ctx, "two tunnels would share key file "
			    "%s", k->path);
	return 0;
}

int
conf_aws_write_secret(const char *path, const void *data, size_t len,
    char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t off = 0;
	ssize_t n;
	int fd, w;

	if (slash == NULL)
		w = snprintf(tmp, sizeof(tmp), ".%s.XXXXXX", path);
	else
		w = snprintf(tmp, sizeof(tmp), "%.*s/.%s.XXXXXX",
		    (int)(slash - path), path, slash + 1);
	if (w < 0 || (size_t)w >= sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	/* mkstemp: 0600, O_EXCL, a name nobody else can have made */
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fchmod(fd, 0600) == -1)
		goto fail;
	while (off < len) {
		if ((n = write(fd, (const char *)data + off, len - off)) < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)n;
	}
	if (fsync(fd) == -1 || close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	if (fd != -1)
		close(fd);
	unlink(tmp);
	return -1;
}

/* Adds `p` to the space-separated list `list` unless it is there. */
static void
aws_list_add(char *list, size_t len, const char *p)
{
	char tmp[AWS_VALUE_MAX * AWS_MAX_TUNNELS], *tok, *save;

	snprintf(tmp, sizeof(tmp), "%s", list);
	for (tok = strtok_r(tmp, " ", &save); tok != NULL;
	    tok = strtok_r(NULL, " ", &save))
		if (strcmp(tok, p) == 0)
			return;
	if (strlen(list) + strlen(p) + 2 <= len) {
		if (list[0] != '\0')
			strcat(list, " ");
		strcat(list, p);
	}
}

/* libxml2 reports some errors (encodings) despite XML_PARSE_NOERROR. */
static void
aws_xml_silent(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/*
 * Options.TunnelOptions of one connection onto the XML's tunnels, matched
 * by the VGW's outside address (AWS lists them in no promised order).
 * Returns the number of tunnels that got options, or -1.
 */
static int
aws_json_options(struct aws_ctx *ctx, json_t *conn, const char *name,
    struct aws_tunnel *t, int nt)
{
	json_t *opts, *list, *e, *v;
	struct cgw_addr a, b;
	struct cgw_prefix p, net, mine;
	char where[CONF_NAME_MAX + AWS_VALUE_MAX + 32];
	size_t i;
	int k, n = 0;

	ctx->ts_local[0] = ctx->ts_remote[0] = '\0';
	if ((opts = json_object_get(conn, "Options")) == NULL)
		return 0;
	if (!json_is_object(opts))
		return aws_fail(ctx, "%s: Options is not an object", name);
	v = json_object_get(opts, "StaticRoutesOnly");
	if (v != NULL && !json_is_null(v) && !json_is_boolean(v))
		return aws_fail(ctx, "%s: Options StaticRoutesOnly is not true "
		    "or false", name);
	if (json_is_boolean(v))
		ctx->json_static = json_is_true(v);
	v = json_object_get(opts, "TunnelInsideIpVersion");
	if (json_is_string(v) && strcasecmp(json_string_value(v), "ipv4") != 0)
		return aws_fail(ctx, "%s: Options TunnelInsideIpVersion %.8s: "
		    "cgwd runs IPv4 inside addresses only", name,
		    json_string_value(v));
	/* What AWS puts in its traffic selectors; all (0.0.0.0/0) unless
	 * the connection was made for a policy-based gateway. */
	for (k = 0; k < 2; k++) {
		const char *key = k == 0 ? "LocalIpv4NetworkCidr" :
		    "RemoteIpv4NetworkCidr";
		char *dst = k == 0 ? ctx->ts_local : ctx->ts_remote;

		v = json_object_get(opts, key);
		dst[0] = '\0';
		if (v == NULL || json_is_null(v))
			continue;
		if (!json_is_string(v) || !prefix_parse(json_string_value(v), &p) ||
		    p.addr.af != AF_INET)
			return aws_fail(ctx, "%s: Options %s is not an IPv4 "
			    "prefix", name, key);
		prefix_network(&p, &net);
		if (!addr_eq(&p.addr, &net.addr))
			return aws_fail(ctx, "%s: Options %s has host bits set",
			    name, key);
		prefix_fmt(&p, dst, CGW_PREFIXSTRLEN);
	}
	list = json_object_get(opts, "TunnelOptions");
	if (list == NULL || json_is_null(list))
		return 0;
	if (!json_is_array(list))
		return aws_fail(ctx, "%s: Options TunnelOptions is not a list",
		    name);
	json_array_foreach(list, i, e) {
		v = json_object_get(e, "OutsideIpAddress");
		if (!json_is_string(v) || !addr_parse(json_string_value(v), &a))
			return aws_fail(ctx, "%s: TunnelOptions[%zu] has no "
			    "OutsideIpAddress", name, i);
		for (k = 0; k < nt; k++)
			if (addr_parse(t[k].vgw_outside, &b) && addr_eq(&a, &b))
				break;
		if (k == nt)
			return aws_fail(ctx, "%s: TunnelOptions[%zu] "
			    "OutsideIpAddress %.64s is no tunnel of the XML", name,
			    i, json_string_value(v));
		if (t[k].has_opts)
			return aws_fail(ctx, "%s: TunnelOptions for %s given "
			    "twice", name, t[k].vgw_outside);
		snprintf(where, sizeof(where), "%s tunnel %d (%s)", name, k + 1,
		    t[k].vgw_outside);
		if (aws_tunnel_options(e, where, &t[k].opts, ctx->err,
		    ctx->errlen) != 0)
			return -1;
		t[k].has_opts = true;
		n++;
		/* AWS reports the /30's network; the XML our host in it. */
		if (t[k].opts.inside_cidr[0] != '\0') {
			if (!prefix_parse(t[k].opts.inside_cidr, &p) ||
			    !prefix_parse(t[k].cgw_inside, &mine))
				return aws_fail(ctx, "%s: TunnelInsideCidr %.40s "
				    "is not a prefix", where,
				    t[k].opts.inside_cidr);
			prefix_network(&p, &net);
			prefix_network(&mine, &p);
			if (net.len != p.len || !addr_eq(&net.addr, &p.addr))
				return aws_fail(ctx, "%s: TunnelInsideCidr %.40s "
				    "differs from the XML's inside address %s",
				    where, t[k].opts.inside_cidr,
				    t[k].cgw_inside);
		}
		/* Compared, never printed. */
		if (t[k].opts.psk[0] != '\0' &&
		    strcmp(t[k].opts.psk, t[k].psk) != 0)
			return aws_fail(ctx, "%s: PreSharedKey differs from the "
			    "XML's <pre_shared_key>", where);
	}
	return n;
}

/*
 * A connection's Routes: for a static one, the customer's prefixes that
 * AWS routes into the connection (CreateVpnConnectionRoute), with their
 * state. They are AWS's side of the routing, not cgwd's: printed as
 * comments, checked for shape. -1 on a malformed list.
 */
static int
aws_json_routes(struct aws_ctx *ctx, json_t *conn, const char *name)
{
	json_t *list, *e, *d, *st;
	struct cgw_prefix p, net;
	size_t i, off = 0;
	int n;

	ctx->routes[0] = '\0';
	list = json_object_get(conn, "Routes");
	if (list == NULL || json_is_null(list))
		return 0;
	if (!json_is_array(list))
		return aws_fail(ctx, "%s: Routes is not a list", name);
	json_array_foreach(list, i, e) {
		d = json_object_get(e, "DestinationCidrBlock");
		st = json_object_get(e, "State");
		if (!json_is_string(d) || !prefix_parse(json_string_value(d), &p) ||
		    p.addr.af != AF_INET)
			return aws_fail(ctx, "%s: Routes[%zu] DestinationCidrBlock "
			    "is not an IPv4 prefix", name, i);
		prefix_network(&p, &net);
		if (!addr_eq(&p.addr, &net.addr))
			return aws_fail(ctx, "%s: Routes[%zu] DestinationCidrBlock "
			    "%.43s has host bits set", name, i,
			    json_string_value(d));
		if (st != NULL && !json_is_null(st) && (!json_is_string(st) ||
		    (strcmp(json_string_value(st), "pending") != 0 &&
		    strcmp(json_string_value(st), "available") != 0 &&
		    strcmp(json_string_value(st), "deleting") != 0 &&
		    strcmp(json_string_value(st), "deleted") != 0)))
			return aws_fail(ctx, "%s: Routes[%zu] State is not "
			    "pending, available, deleting or deleted", name, i);
		n = snprintf(ctx->routes + off, sizeof(ctx->routes) - off,
		    "\t#   %s (%s)\n", json_string_value(d),
		    json_is_string(st) ? json_string_value(st) : "state unknown");
		if (n < 0 || (size_t)n >= sizeof(ctx->routes) - off) {
			ctx->routes[off] = '\0';
			snprintf(ctx->routes + off, sizeof(ctx->routes) - off,
			    "\t#   ...\n");
			break;
		}
		off += (size_t)n;
	}
	return 0;
}

/*
 * The VPC's prefixes a static connection's tunnels carry, as `static`
 * lines: --static, else the connection's RemoteIpv4NetworkCidr when it
 * is narrower than all. AWS's configuration names nothing else of the
 * VPC. -1 when none is known.
 */
static int
aws_print_statics(struct aws_ctx *ctx, const char *name)
{
	struct cgw_prefix p, net;
	char buf[CGW_PREFIXSTRLEN];
	size_t i;

	if (ctx->opts->nstatics > 0) {
		fprintf(ctx->out, "\t# Static routing (no BGP): the VPC's "
		    "networks, from --static, go\n\t# over the tunnel that is "
		    "up (t1 preferred).\n");
		for (i = 0; i < ctx->opts->nstatics; i++) {
			if (!prefix_parse(ctx->opts->statics[i], &p) ||
			    p.addr.af != AF_INET)
				return aws_fail(ctx, "--static %s is not an IPv4 "
				    "prefix", ctx->opts->statics[i]);
			prefix_network(&p, &net);
			fprintf(ctx->out, "\tstatic %s\n",
			    prefix_fmt(&net, buf, sizeof(buf)));
		}
		return 0;
	}
	if (ctx->ts_remote[0] != '\0' && strcmp(ctx->ts_remote, "0.0.0.0/0")) {
		fprintf(ctx->out, "\t# Static routing (no BGP): the VPC's "
		    "network, from Options\n\t# RemoteIpv4NetworkCidr, goes over "
		    "the tunnel that is up (t1 preferred).\n\tstatic %s\n",
		    ctx->ts_remote);
		return 0;
	}
	return aws_fail(ctx, "%s: a static-routing VPN connection, and AWS's "
	    "configuration does not name the VPC's networks: give them with "
	    "--static CIDR (repeatable)", name);
}

static int
aws_connection(struct aws_ctx *ctx, const char *xml, size_t len,
    const char *json_id, json_t *conn)
{
	xmlDoc *doc;
	xmlNode *root, *n;
	xmlChar *id = NULL;
	struct aws_tunnel *t = NULL;
	char name[CONF_NAME_MAX], local[AWS_VALUE_MAX];
	char ike[AWS_VALUE_MAX * AWS_MAX_TUNNELS] = "";
	char esp[AWS_VALUE_MAX * AWS_MAX_TUNNELS] = "";
	struct cgw_addr la, pub;
	const char *src;
	xmlGenericErrorFunc old_fn;
	void *old_ctx;
	int nt = 0, nopts = 0, rc = -1;

	if (len > INT32_MAX)
		return aws_fail(ctx, "input too large");
	old_fn = xmlGenericError;
	old_ctx = xmlGenericErrorContext;
	xmlSetGenericErrorFunc(NULL, aws_xml_silent);
	doc = xmlReadMemory(xml, (int)len, NULL, NULL, XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlSetGenericErrorFunc(old_ctx, old_fn);
	if (doc == NULL) {
		const xmlError *e = xmlGetLastError();
		char msg[256];
		size_t ml;

		snprintf(msg, sizeof(msg), "%s", e && e->message ? e->message :
		    "parse error");
		ml = strlen(msg);
		while (ml > 0 && isspace((unsigned char)msg[ml - 1]))
			msg[--ml] = '\0';
		return aws_fail(ctx, "not AWS's XML configuration (line %d: %s)",
		    e ? e->line : 0, msg);
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || strcmp((const char *)root->name, "vpn_connection")) {
		aws_fail(ctx, "XML root element is not <vpn_connection>");
		goto out;
	}
	if ((t = calloc(AWS_MAX_TUNNELS, sizeof(*t))) == NULL) {
		aws_fail(ctx, "out of memory");
		goto out;
	}
	for (n = root->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)n->name, "ipsec_tunnel") != 0)
			continue;
		if (nt == AWS_MAX_TUNNELS) {
			aws_fail(ctx, "more than %d <ipsec_tunnel> elements",
			    AWS_MAX_TUNNELS);
			goto out;
		}
		if (aws_tunnel(ctx, n, nt + 1, &t[nt]) != 0)
			goto out;
		nt++;
	}
	if (nt == 0) {
		aws_fail(ctx, "missing element <ipsec_tunnel>");
		goto out;
	}

	id = xmlGetProp(root, (const xmlChar *)"id");
	if (ctx->opts->name != NULL)
		src = ctx->opts->name;
	else if (id != NULL && id[0] != '\0')
		src = (const char *)id;
	else if (json_id != NULL)
		src = json_id;
	else
		src = "aws";
	if (strlen(src) == 0 || strlen(src) >= sizeof(name)) {
		aws_fail(ctx, "vpn name \"%.40s\" is not 1-%zu characters long",
		    src, sizeof(name) - 1);
		goto out;
	}
	strcpy(name, src);
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' &&
		    *p != '.') {
			aws_fail(ctx, "vpn name \"%s\" is not valid; allowed: "
			    "A-Z a-z 0-9 . _ -", name);
			goto out;
		}
	ctx->json_static = -1;
	if (conn != NULL &&
	    ((nopts = aws_json_options(ctx, conn, name, t, nt)) < 0 ||
	    aws_json_routes(ctx, conn, name) != 0))
		goto out;
	/* One routing for the whole connection, as AWS has it. */
	for (int i = 1; i < nt; i++)
		if (t[i].is_static != t[0].is_static) {
			aws_fail(ctx, "%s: tunnel %d has <bgp> elements and "
			    "tunnel %d none; a connection routes statically or "
			    "with BGP, not both", name, t[0].is_static ? i + 1 : 1,
			    t[0].is_static ? 1 : i + 1);
			goto out;
		}
	if (ctx->json_static >= 0 && ctx->json_static != t[0].is_static) {
		aws_fail(ctx, "%s: Options StaticRoutesOnly is %s, but the XML "
		    "has %s<bgp> elements", name, ctx->json_static ? "true" :
		    "false", t[0].is_static ? "no " : "");
		goto out;
	}
	if (ctx->opts->local != NULL) {
		if (!addr_parse(ctx->opts->local, &la)) {
			aws_fail(ctx, "--local %s is not an IP address",
			    ctx->opts->local);
			goto out;
		}
		addr_fmt(&la, local, sizeof(local));
	} else
		snprintf(local, sizeof(local), "%s", t[0].cgw_outside);

	if (t[0].is_static)
		aws_print_intro(ctx);
	else if (!ctx->header_done) {
		if (!addr_parse(local, &la) || la.af != AF_INET) {
			aws_fail(ctx, "local address %s is not IPv4, so it cannot "
			    "be the router-id; give --local", local);
			goto out;
		}
		snprintf(ctx->asn, sizeof(ctx->asn), "%s", t[0].cgw_asn);
		aws_print_header(ctx, t[0].cgw_asn, local);
	}
	/* Without TunnelOptions AWS's choices are unknown: offer what it
	 * accepts, strongest first, and the XML's own proposal last. */
	if (aws_strong_offer(CONF_SA_IKE, ike, sizeof(ike)) != 0 ||
	    aws_strong_offer(CONF_SA_ESP, esp, sizeof(esp)) != 0) {
		aws_fail(ctx, "internal error: the strong offer does not fit");
		goto out;
	}
	for (int i = 0; i < nt; i++) {
		aws_list_add(ike, sizeof(ike), t[i].ike);
		aws_list_add(esp, sizeof(esp), t[i].esp);
		if (!t[i].is_static && strcmp(t[i].cgw_asn, ctx->asn) != 0 &&
		    !ctx->opts->quiet)
			fprintf(stderr, "import-aws: warning: %s tunnel %d uses "
			    "customer gateway ASN %s, not %s\n", name, i + 1,
			    t[i].cgw_asn, ctx->asn);
	}

	fprintf(ctx->out, "\nvpn \"%s\" {\n", name);
	if (id != NULL && strcmp(name, (const char *)id) != 0)
		fprintf(ctx->out, "\t# AWS VPN connection %s\n", (const char *)id);
	/* la holds --local when given; without it local is the public one */
	if (ctx->opts->local != NULL && addr_parse(ctx->opts->local, &la) &&
	    addr_parse(t[0].cgw_outside, &pub) && !addr_eq(&pub, &la)) {
		/* --local names this host's own (private) address: AWS
		 * still authenticates the public one as our IKE ID. */
		fprintf(ctx->out, "\t# Behind NAT (a cloud VM): local is this "
		    "host's own address, while AWS\n\t# knows the customer "
		    "gateway as %s and checks that IKE identity.\n",
		    t[0].cgw_outside);
		fprintf(ctx->out, "\tlocal %s\n", local);
		fprintf(ctx->out, "\tlocal-id %s\n", t[0].cgw_outside);
	} else {
		fprintf(ctx->out, "\t# AWS knows this gateway as %s. Behind "
		    "NAT (a cloud VM) local\n\t# must be this host's own "
		    "interface address instead,\n\t# with local-id %s.\n",
		    t[0].cgw_outside, t[0].cgw_outside);
		fprintf(ctx->out, "\tlocal %s\n", local);
	}
	if (t[0].is_static) {
		if (aws_print_statics(ctx, name) != 0)
			goto out;
		if (ctx->routes[0] != '\0')
			fprintf(ctx->out, "\t# AWS routes these to this gateway "
			    "(the connection's static Routes,\n\t# set at AWS; "
			    "nothing to do here):\n%s", ctx->routes);
		else if (ctx->opts->nnetworks > 0)
			fprintf(ctx->out, "\t# AWS routes the on-premises networks "
			    "here only as the connection's\n\t# static routes, "
			    "set at AWS (aws ec2 create-vpn-connection-route).\n");
	} else
		fprintf(ctx->out, "\tpeer-asn %s\n", t[0].vgw_asn);
	if (nopts == nt) {
		fprintf(ctx->out, "\t# ike, esp, replay-window, startup: per "
		    "tunnel, from each tunnel's\n\t# TunnelOptions in "
		    "describe-vpn-connections.\n");
	} else {
		if (nopts > 0)
			fprintf(ctx->out, "\t# For the tunnels without "
			    "TunnelOptions:\n");
		fprintf(ctx->out, "\t# ike, esp: the XML carries no tunnel "
		    "options, so these are what AWS\n\t# accepts, strongest "
		    "first (AES-GCM, SHA-2, DH groups 14-21), then\n\t# the "
		    "XML's <ike>/<ipsec> proposal (%s / %s).\n\t# "
		    "Lifetimes: the XML's <lifetime>. For what the tunnels "
		    "really allow,\n\t# import the JSON of aws ec2 "
		    "describe-vpn-connections instead.\n", t[0].ike, t[0].esp);
		fprintf(ctx->out, "\tike proposal %s lifetime %ss\n", ike,
		    t[0].ike_lifetime);
		fprintf(ctx->out, "\tesp proposal %s lifetime %ss\n", esp,
		    t[0].esp_lifetime);
		/* AWS's DPD values are its own side's timers; ours stay
		 * fast so failover does not wait for them. */
		fprintf(ctx->out, "\t# AWS's side: DPD every %ss, timeout %ss. "
		    "cgwd probes on its own\n\t# (default dpd interval 200ms "
		    "timeout 2s) and fails over within seconds.\n",
		    t[0].dpd_interval, t[0].dpd_timeout);
	}
	if (conn != NULL && ctx->ts_local[0] != '\0' &&
	    ctx->ts_remote[0] != '\0' && (strcmp(ctx->ts_local, "0.0.0.0/0") ||
	    strcmp(ctx->ts_remote, "0.0.0.0/0")))
		fprintf(ctx->out, "\t# Options LocalIpv4NetworkCidr %s, "
		    "RemoteIpv4NetworkCidr %s:\n\ttraffic-selectors local %s "
		    "remote %s\n", ctx->ts_local, ctx->ts_remote,
		    ctx->ts_local, ctx->ts_remote);
	if (t[0].hold_time[0] != '\0' && !t[0].is_static)
		fprintf(ctx->out, "\thold-time %ss\n", t[0].hold_time);
	/* cgwd's default clamp is AWS's value; another one is written. */
	if (t[0].mss != 0 && t[0].mss == CONF_DEF_MTU - CONF_MSS_MARGIN)
		fprintf(ctx->out, "\t# <tcp_mss_adjustment> %u: cgwd clamps the "
		    "TCP MSS to it (mss-clamp auto,\n\t# the default, with the "
		    "default mtu 1436).\n", t[0].mss);
	else if (t[0].mss != 0)
		fprintf(ctx->out, "\t# from <tcp_mss_adjustment>:\n"
		    "\tmss-clamp %u\n", t[0].mss);
	for (int i = 0; i < nt; i++) {
		fprintf(ctx->out, "\ttunnel \"t%d\" {\n", i + 1);
		fprintf(ctx->out, "\t\tremote %s\n", t[i].vgw_outside);
		fprintf(ctx->out, "\t\tinside %s\n", t[i].cgw_inside);
		if (ctx->psk_dir[0] != '\0') {
			if (aws_key_add(ctx, name, i + 1, t[i].psk) != 0)
				goto out;
			fprintf(ctx->out, "\t\tpsk-file \"%s\"\n",
			    ctx->keys[ctx->nkeys - 1].path);
		} else
			fprintf(ctx->out, "\t\tpsk \"%s\"\n", t[i].psk);
		if (t[i].has_opts)
			fputs(t[i].opts.block, ctx->out);
		fprintf(ctx->out, "\t}\n");
	}
	fprintf(ctx->out, "}\n");
	ctx->nvpn++;
	rc = 0;
out:
	if (t != NULL) {
		explicit_bzero(t, AWS_MAX_TUNNELS * sizeof(*t));
		free(t);
	}
	xmlFree(id);
	xmlFreeDoc(doc);
	return rc;
}

static int
aws_json(struct aws_ctx *ctx, const char *buf, size_t len)
{
	json_error_t jerr;
	json_t *root, *list, *c, *xml, *id;
	size_t i, n;
	int rc = -1;

	if ((root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL)
		return aws_fail(ctx, "JSON line %d: %s", jerr.line, jerr.text);
	if ((list = json_object_get(root, "VpnConnections")) == NULL) {
		/* one connection object, e.g. from --query VpnConnections[0] */
		if (json_object_get(root, "CustomerGatewayConfiguration") == NULL) {
			aws_fail(ctx, "JSON has no VpnConnections nor "
			    "CustomerGatewayConfiguration");
			goto out;
		}
		list = NULL;
	} else if (!json_is_array(list)) {
		aws_fail(ctx, "JSON VpnConnections is not an array");
		goto out;
	}
	n = list ? json_array_size(list) : 1;
	if (n == 0) {
		aws_fail(ctx, "JSON VpnConnections is empty");
		goto out;
	}
	if (n > AWS_MAX_CONNECTIONS) {
		aws_fail(ctx, "more than %d VPN connections", AWS_MAX_CONNECTIONS);
		goto out;
	}
	if (n > 1 && ctx->opts->name != NULL) {
		aws_fail(ctx, "%zu VPN connections in the input; --name needs "
		    "exactly one", n);
		goto out;
	}
	for (i = 0; i < n; i++) {
		c = list ? json_array_get(list, i) : root;
		xml = json_object_get(c, "CustomerGatewayConfiguration");
		id = json_object_get(c, "VpnConnectionId");
		if (!json_is_string(xml)) {
			aws_fail(ctx, "VPN connection %zu has no "
			    "CustomerGatewayConfiguration string", i + 1);
			goto out;
		}
		if (aws_connection(ctx, json_string_value(xml),
		    json_string_length(xml),
		    json_is_string(id) ? json_string_value(id) : NULL, c) != 0) {
			if (n > 1) {
				char tmp[512];

				snprintf(tmp, sizeof(tmp), "%s", ctx->err);
				aws_fail(ctx, "VPN connection %zu: %s", i + 1, tmp);
			}
			goto out;
		}
	}
	rc = 0;
out:
	json_decref(root);
	return rc;
}

static char *
aws_read(const char *input, size_t *lenp, char *err, size_t errlen)
{
	FILE *f;
	char *buf;
	size_t len = 0, n;

	if (strcmp(input, "-") == 0)
		f = stdin;
	else if ((f = fopen(input, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", input, strerror(errno));
		return NULL;
	}
	if ((buf = malloc(AWS_INPUT_MAX + 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	while (len < AWS_INPUT_MAX &&
	    (n = fread(buf + len, 1, AWS_INPUT_MAX - len, f)) > 0)
		len += n;
	if (ferror(f) || (len == AWS_INPUT_MAX && fgetc(f) != EOF)) {
		snprintf(err, errlen, "%s: %s", input, ferror(f) ?
		    "read error" : "larger than 4 MiB");
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[len] = '\0';
	*lenp = len;
out:
	if (f != stdin)
		fclose(f);
	return buf;
}

int
conf_aws_import(const char *input, const struct conf_aws_opts *opts, FILE *out,
    char *err, size_t errlen)
{
	struct aws_ctx ctx = { .opts = opts, .err = err, .errlen = errlen };
	char *buf, *mem = NULL;
	size_t len = 0, memlen = 0, i = 0;
	struct cgw_prefix p;
	int rc;

	if (errlen > 0)
		err[0] = '\0';
	for (size_t k = 0; k < opts->nnetworks; k++) {
		if (!prefix_parse(opts->networks[k], &p)) {
			snprintf(err, errlen, "--network %s is not a prefix "
			    "(address/length)", opts->networks[k]);
			return -1;
		}
	}
	if (opts->psk_dir != NULL) {
		struct stat st;

		if (realpath(opts->psk_dir, ctx.psk_dir) == NULL ||
		    stat(ctx.psk_dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "--psk-dir %s: %s", opts->psk_dir,
			    errno ? strerror(errno) : "not a directory");
			return -1;
		}
		/* The path goes into a quoted string of the output. */
		for (const char *q = ctx.psk_dir; *q; q++)
			if (*q == '"' || *q == '\\' || (unsigned char)*q < 0x20 ||
			    *q == 0x7f) {
				snprintf(err, errlen, "--psk-dir %s: a path with "
				    "'\"', '\\' or control characters",
				    opts->psk_dir);
				return -1;
			}
	}
	if ((buf = aws_read(input, &len, err, errlen)) == NULL)
		return -1;
	if ((ctx.out = open_memstream(&mem, &memlen)) == NULL) {
		snprintf(err, errlen, "out of memory");
		free(buf);
		return -1;
	}
	while (i < len && isspace((unsigned char)buf[i]))
		i++;
	if (i < len && buf[i] == '{') {
		ctx.json = true;
		rc = aws_json(&ctx, buf, len);
	}
	else if (i < len)
		rc = aws_connection(&ctx, buf, len, NULL, NULL);
	else
		rc = aws_fail(&ctx, "%s is empty", input);
	explicit_bzero(buf, len);
	free(buf);
	if (fclose(ctx.out) != 0 && rc == 0)
		rc = aws_fail(&ctx, "out of memory");
	/* The keys first: a configuration naming files that are not
	 * there would not load. */
	for (size_t k = 0; rc == 0 && k < ctx.nkeys; k++) {
		char line[AWS_VALUE_MAX + 1];
		int n = snprintf(line, sizeof(line), "%s\n", ctx.keys[k].key);

		rc = conf_aws_write_secret(ctx.keys[k].path, line, (size_t)n,
		    err, errlen);
		explicit_bzero(line, sizeof(line));
	}
	if (rc == 0) {
		if (fwrite(mem, 1, memlen, out) != memlen || fflush(out) != 0)
			rc = aws_fail(&ctx, "write: %s", strerror(errno));
		else if (!opts->quiet && ctx.nkeys > 0)
			fprintf(stderr, "import-aws: wrote %zu key file%s (mode "
			    "0600) in %s\n", ctx.nkeys, ctx.nkeys == 1 ? "" :
			    "s", ctx.psk_dir);
		else if (!opts->quiet)
			fprintf(stderr, "import-aws: the output holds the PSKs: "
			    "keep it mode 0600 (-o FILE does), or put them in "
			    "psk-files (--psk-dir DIR)\n");
	}
	if (ctx.keys != NULL) {
		explicit_bzero(ctx.keys, AWS_MAX_KEYS * sizeof(*ctx.keys));
		free(ctx.keys);
	}
	if (mem != NULL) {
		explicit_bzero(mem, memlen);
		free(mem);
	}
	return rc;
}
