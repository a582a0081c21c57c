/*
 * Checks that need more than one word: block starts and ends (required
 * keys, defaults) and the whole-file checks (duplicates across blocks,
 * eBGP). Messages say what is wrong and what is allowed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "conf/conf_priv.h"
#include "lib/ikev2_const.h"

#define CONF_PSK_FILE_MAX	1024
/* Lifetimes `force` lets through: short ones for lab tests. */
#define CONF_FORCE_LIFETIME_MIN	10
#define CONF_FORCE_LIFETIME_MAX	86400

static const char conf_reserved_msg[] = "reserved by AWS: 169.254.0.0/30, "
    "169.254.1.0/30, 169.254.2.0/30, 169.254.3.0/30, 169.254.4.0/30, "
    "169.254.5.0/30, 169.254.169.252/30";

static bool
conf_name_ok(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len >= CONF_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
		    *s == '.'))
			return false;
	return true;
}

static void
conf_name_copy(char *dst, const char *src)
{
	size_t len = strnlen(src, CONF_NAME_MAX - 1);

	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* After an allocation failure the parser goes on in scratch space. */
void
conf_vpn_scratch_clear(struct conf_parse *ctx)
{
	struct conf_tunnel *t;

	if (ctx->scratch_vpn.tunnels.tqh_last != NULL)
		while ((t = TAILQ_FIRST(&ctx->scratch_vpn.tunnels)) != NULL) {
			TAILQ_REMOVE(&ctx->scratch_vpn.tunnels, t, entry);
			conf_tunnel_free(t);
		}
	conf_statics_free(&ctx->scratch_vpn);
	memset(&ctx->scratch_vpn, 0, sizeof(ctx->scratch_vpn));
	TAILQ_INIT(&ctx->scratch_vpn.tunnels);
	TAILQ_INIT(&ctx->scratch_vpn.statics);
}

void
conf_vpn_begin(struct conf_parse *ctx, char *name, int line)
{
	struct conf_vpn *v;

	if (!conf_name_ok(name))
		conf_problem(ctx, true, line, "vpn name \"%s\" is not valid; "
		    "allowed: 1-%d characters of A-Z a-z 0-9 . _ -", name,
		    CONF_NAME_MAX - 1);
	memset(ctx->vpn_seen, 0, sizeof(ctx->vpn_seen));
	v = NULL;
	if (ctx->nvpns >= CONF_MAX_VPNS)
		conf_problem(ctx, true, line, "more than %d vpn blocks",
		    CONF_MAX_VPNS);
	else if ((v = calloc(1, sizeof(*v))) == NULL)
		conf_problem(ctx, true, line, "out of memory");
	if (v == NULL) {
		/* Keep parsing into scratch space to report the rest. */
		v = &ctx->scratch_vpn;
		conf_vpn_scratch_clear(ctx);
	} else {
		TAILQ_INSERT_TAIL(&ctx->conf->vpns, v, entry);
		ctx->nvpns++;
	}
	conf_name_copy(v->name, name);
	free(name);
	v->line = line;
	v->peer_asn = CONF_DEF_PEER_ASN;
	v->ike_lifetime_s = CONF_DEF_IKE_LIFETIME;
	v->esp_lifetime_s = CONF_DEF_ESP_LIFETIME;
	v->dpd_interval_ms = CONF_DEF_DPD_INTERVAL_MS;
	v->dpd_timeout_ms = CONF_DEF_DPD_TIMEOUT_MS;
	v->failover_split = true;
	v->failover_holddown_s = CONF_DEF_HOLDDOWN;
	v->replay_window = CONF_DEF_REPLAY;
	v->mss_clamp = CONF_MSS_AUTO;
	v->hold_time_s = CONF_DEF_HOLD_TIME;
	v->steering = CONF_STEER_ACTIVE_STANDBY;
	v->startup = CONF_START_INITIATE;
	TAILQ_INIT(&v->tunnels);
	TAILQ_INIT(&v->statics);
	ctx->vpn = v;
}

/*
 * The remote-id applies to every tunnel of the vpn, while an AWS endpoint
 * sends its own outside address as its ID: an address remote-id can
 * match one tunnel only.
 */
static void
conf_remote_id_check(struct conf_parse *ctx, const struct conf_vpn *v,
    const struct conf_tunnel *t)
{
	const struct conf_id *id = &v->remote_id;
	char a[CGW_ADDRSTRLEN], b[CONF_IDSTRLEN];

	if ((id->type != IKEV2_ID_IPV4_ADDR && id->type != IKEV2_ID_IPV6_ADDR) ||
	    !addr_is_set(&t->remote))
		return;
	if (id->len == addr_len(&t->remote) &&
	    memcmp(id->data, t->remote.bytes, id->len) == 0)
		return;
	conf_problem(ctx, false, ctx->vpn_seen[CONF_K_REMOTE_ID] ?
	    ctx->vpn_seen[CONF_K_REMOTE_ID] : v->line, "remote-id %s differs "
	    "from tunnel \"%s\"'s remote %s: an AWS endpoint identifies itself "
	    "by its own address, so that tunnel will fail authentication",
	    conf_id_fmt(id, b, sizeof(b)), t->fullname,
	    addr_fmt(&t->remote, a, sizeof(a)));
}

/*
 * A tunnel's effective settings: its own, the vpn's for the rest. Runs at
 * the vpn's end since vpn statements may follow the tunnel blocks.
 */
static void
conf_tunnel_inherit(struct conf_parse *ctx, const struct conf_vpn *v,
    struct conf_tunnel *t)
{
	if (!(t->own & CONF_TOWN_IKE_PROPOSAL)) {
		t->n_ike = v->n_ike;
		memcpy(t->ike, v->ike, sizeof(t->ike));
	}
	if (!(t->own & CONF_TOWN_ESP_PROPOSAL)) {
		t->n_esp = v->n_esp;
		memcpy(t->esp, v->esp, sizeof(t->esp));
	}
	if (!(t->own & CONF_TOWN_IKE_LIFETIME))
		t->ike_lifetime_s = v->ike_lifetime_s;
	if (!(t->own & CONF_TOWN_ESP_LIFETIME))
		t->esp_lifetime_s = v->esp_lifetime_s;
	if (!(t->own & CONF_TOWN_DPD_INTERVAL))
		t->dpd_interval_ms = v->dpd_interval_ms;
	if (!(t->own & CONF_TOWN_DPD_TIMEOUT))
		t->dpd_timeout_ms = v->dpd_timeout_ms;
	if (!(t->own & CONF_TOWN_REPLAY))
		t->replay_window = v->replay_window;
	if (!(t->own & CONF_TOWN_STARTUP))
		t->startup = v->startup;
	if (!(t->own & CONF_TOWN_MSS))
		t->mss_clamp = v->mss_clamp;
	if (t->mss_clamp != CONF_MSS_AUTO && t->mss_clamp + 40 > t->mtu)
		conf_problem(ctx, true, t->line, "tunnel \"%s\": mss-clamp %u "
		    "does not fit its mtu %u; allowed: up to %u (mtu less 40 "
		    "bytes of IPv4 and TCP headers), auto or off", t->fullname,
		    t->mss_clamp, t->mtu, t->mtu - 40);
	/* Both sides together: a tunnel's own selectors replace the vpn's. */
	if (!(t->own & CONF_TOWN_TS)) {
		t->ts_local = v->ts_local;
		t->ts_remote = v->ts_remote;
	}
	/* The vpn's own values were checked at its end. */
	if ((t->own & (CONF_TOWN_DPD_INTERVAL | CONF_TOWN_DPD_TIMEOUT)) &&
	    t->dpd_timeout_ms < 2 * t->dpd_interval_ms)
		conf_problem(ctx, true, t->dpd_line, "tunnel \"%s\": dpd "
		    "timeout %ums is shorter than two intervals (%ums); allowed: "
		    "a timeout of at least two probe intervals", t->fullname,
		    t->dpd_timeout_ms, 2 * t->dpd_interval_ms);
	/* AWS refuses a phase 2 lifetime not below the phase 1 one. */
	if ((t->own & (CONF_TOWN_IKE_LIFETIME | CONF_TOWN_ESP_LIFETIME)) &&
	    t->esp_lifetime_s >= t->ike_lifetime_s)
		conf_problem(ctx, false, t->line, "tunnel \"%s\": esp lifetime "
		    "%us is not shorter than the ike lifetime %us; AWS wants "
		    "phase 2 shorter than phase 1", t->fullname,
		    t->esp_lifetime_s, t->ike_lifetime_s);
}

void
conf_vpn_end(struct conf_parse *ctx)
{
	struct conf_vpn *v = ctx->vpn;
	struct conf_tunnel *t;
	int dline;

	if (!addr_is_set(&v->local) && ctx->vpn_seen[CONF_K_LOCAL] == 0)
		conf_problem(ctx, true, v->line, "vpn \"%s\" has no 'local'; "
		    "allowed: local ADDRESS (this host's outside address)",
		    v->name);
	if (TAILQ_EMPTY(&v->tunnels))
		conf_problem(ctx, false, v->line, "vpn \"%s\" has no tunnel; "
		    "AWS gives two per VPN connection", v->name);
	TAILQ_FOREACH(t, &v->tunnels, entry) {
		if (addr_is_set(&v->local) && addr_is_set(&t->remote) &&
		    v->local.af != t->remote.af)
			conf_problem(ctx, true, t->line, "tunnel \"%s\": remote "
			    "and the vpn's local are of different address "
			    "families; allowed: both IPv4 or both IPv6",
			    t->fullname);
		conf_remote_id_check(ctx, v, t);
	}
	/* A static-routing vpn has no BGP: BGP settings would be ignored. */
	if (!TAILQ_EMPTY(&v->statics)) {
		static const enum conf_key bgp_keys[] = { CONF_K_PEER_ASN,
		    CONF_K_HOLD_TIME };
		static const char *const bgp_names[] = { "peer-asn",
		    "hold-time" };

		for (size_t i = 0; i < 2; i++)
			if (ctx->vpn_seen[bgp_keys[i]] != 0)
				conf_problem(ctx, true, ctx->vpn_seen[bgp_keys[i]],
				    "%s in vpn \"%s\", which routes by its "
				    "'static' prefixes (line %d) without BGP; "
				    "allowed: static prefixes or BGP settings, "
				    "not both", bgp_names[i], v->name,
				    ctx->vpn_seen[CONF_K_STATIC]);
	}
	if (v->dpd_timeout_ms < 2 * v->dpd_interval_ms) {
		dline = ctx->vpn_seen[CONF_K_DPD_TIMEOUT] ?
		    ctx->vpn_seen[CONF_K_DPD_TIMEOUT] :
		    ctx->vpn_seen[CONF_K_DPD_INTERVAL] ?
		    ctx->vpn_seen[CONF_K_DPD_INTERVAL] : v->line;
		conf_problem(ctx, true, dline, "dpd timeout %ums is shorter "
		    "than two intervals (%ums); allowed: a timeout of at least "
		    "two probe intervals (default: interval 200ms, timeout 2s)",
		    v->dpd_timeout_ms, 2 * v->dpd_interval_ms);
	}
	if (v->n_ike == 0)
		v->n_ike = conf_proposal_defaults(CONF_SA_IKE, v->ike,
		    CONF_MAX_PROPOSALS);
	if (v->n_esp == 0)
		v->n_esp = conf_proposal_defaults(CONF_SA_ESP, v->esp,
		    CONF_MAX_PROPOSALS);
	TAILQ_FOREACH(t, &v->tunnels, entry)
		conf_tunnel_inherit(ctx, v, t);
	/* AWS requires PFS; another peer may not offer it, and then the
	 * CHILD SAs' keys all hang on the IKE SA's. */
	if (v->nopfs_line != 0 && v->peer_type == CONF_PEER_AWS)
		conf_problem(ctx, true, v->nopfs_line, "esp proposal with "
		    "'nopfs' in vpn \"%s\": AWS requires PFS; allowed: a DH "
		    "group, or 'peer-type generic' for a peer that is not AWS",
		    v->name);
	else if (v->nopfs_line != 0)
		conf_problem(ctx, false, v->nopfs_line, "esp proposal without "
		    "PFS in vpn \"%s\": rekeyed CHILD SAs get no fresh DH "
		    "secret", v->name);
	if (v == &ctx->scratch_vpn)
		conf_vpn_scratch_clear(ctx);
	ctx->vpn = NULL;
}

void
conf_tunnel_begin(struct conf_parse *ctx, char *name, int line)
{
	struct conf_vpn *v = ctx->vpn;
	struct conf_tunnel *t, *o;
	uint32_t index = 0;

	if (!conf_name_ok(name))
		conf_problem(ctx, true, line, "tunnel name \"%s\" is not valid; "
		    "allowed: 1-%d characters of A-Z a-z 0-9 . _ -", name,
		    CONF_NAME_MAX - 1);
	TAILQ_FOREACH(o, &v->tunnels, entry) {
		if (strcmp(o->name, name) == 0)
			conf_problem(ctx, true, line, "tunnel \"%s\" already "
			    "defined in vpn \"%s\" on line %d; allowed: unique "
			    "tunnel names within a vpn", name, v->name, o->line);
		index++;
	}
	memset(ctx->tun_seen, 0, sizeof(ctx->tun_seen));
	t = NULL;
	if (ctx->ntunnels >= CONF_MAX_TUNNELS)
		conf_problem(ctx, true, line, "more than %d tunnels",
		    CONF_MAX_TUNNELS);
	else if ((t = calloc(1, sizeof(*t))) == NULL)
		conf_problem(ctx, true, line, "out of memory");
	if (t == NULL) {
		t = &ctx->scratch_tunnel;
		memset(t, 0, sizeof(*t));
	} else {
		TAILQ_INSERT_TAIL(&v->tunnels, t, entry);
		ctx->ntunnels++;
	}
	conf_name_copy(t->name, name);
	free(name);
	snprintf(t->fullname, sizeof(t->fullname), "%s/%s", v->name, t->name);
	t->vpn = v;
	t->line = line;
	t->index = index;
	t->mtu = CONF_DEF_MTU;
	ctx->tunnel = t;
}

static void
conf_inside_check(struct conf_parse *ctx, struct conf_tunnel *t, int line)
{
	struct cgw_prefix net, linklocal;
	char s[CGW_PREFIXSTRLEN], n[CGW_PREFIXSTRLEN];
	uint32_t a, host;

	prefix_fmt(&t->inside, s, sizeof(s));
	if (t->inside.addr.af != AF_INET || t->inside.len != 30) {
		conf_problem(ctx, true, line, "inside %s is not an IPv4 /30; "
		    "allowed: our address (host 2) of a /30 in 169.254.0.0/16, "
		    "e.g. 169.254.21.2/30", s);
		return;
	}
	prefix_parse("169.254.0.0/16", &linklocal);
	if (!prefix_contains(&linklocal, &t->inside.addr)) {
		conf_problem(ctx, true, line, "inside %s is not in 169.254.0.0/16; "
		    "allowed: a /30 in 169.254.0.0/16, e.g. 169.254.21.2/30", s);
		return;
	}
	prefix_network(&t->inside, &net);
	prefix_fmt(&net, n, sizeof(n));
	a = ntohl(net.addr.v4.s_addr);
	if ((a >= 0xa9fe0000u && a <= 0xa9fe0500u && (a & 0xff) == 0) ||
	    a == 0xa9fea9fcu) {
		conf_problem(ctx, true, line, "inside %s: %s is %s; allowed: "
		    "any other /30 in 169.254.0.0/16", s, n, conf_reserved_msg);
		return;
	}
	host = prefix_host_index(&t->inside);
	if (host == 0 || host == 3)
		conf_problem(ctx, true, line, "inside %s is the %s address of "
		    "%s; allowed: host 2 (ours; the peer is host 1)", s,
		    host == 0 ? "network" : "broadcast", n);
	else if (host == 1)
		conf_problem(ctx, false, line, "inside %s is host 1, which AWS "
		    "takes; cgwd is normally host 2", s);
}

void
conf_psk_check(struct conf_parse *ctx, const char *psk, size_t len, int line)
{
	bool odd = false;

	if (memchr(psk, '\0', len) != NULL) {
		conf_problem(ctx, true, line, "psk contains a NUL byte; allowed: "
		    "8-64 characters of A-Z a-z 0-9 . _");
		return;
	}
	if (len < CONF_PSK_MIN || len > CONF_PSK_MAX) {
		conf_problem(ctx, true, line, "psk is %zu characters long; "
		    "allowed: %d-%d characters", len, CONF_PSK_MIN, CONF_PSK_MAX);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		char c = psk[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_'))
			odd = true;
	}
	if (odd)
		conf_problem(ctx, false, line, "psk has characters AWS refuses; "
		    "AWS allows only A-Z a-z 0-9 . _");
	if (psk[0] == '0')
		conf_problem(ctx, false, line, "psk starts with '0', which AWS "
		    "refuses");
}

/*
 * Keys in a file others may read (or rewrite, swapping in their own key)
 * are not secret: the owner must be root or us, and group and others
 * get neither read nor write. Writes the reason in `why` when not.
 */
bool
conf_secret_file_ok(const struct stat *st, const char *path, char *why,
    size_t len)
{
	uid_t me = geteuid();

	if (st->st_uid != 0 && st->st_uid != me) {
		if (me == 0)
			snprintf(why, len, "owned by uid %u; allowed: owned by "
			    "root (chown root %s)", (unsigned)st->st_uid, path);
		else
			snprintf(why, len, "owned by uid %u; allowed: owned by "
			    "root or uid %u (chown %u %s)", (unsigned)st->st_uid,
			    (unsigned)me, (unsigned)me, path);
		return false;
	}
	if (st->st_mode & (S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH)) {
		snprintf(why, len, "readable or writable by group or others "
		    "(mode %04o); allowed: 0600 or 0400 (chmod 600 %s)",
		    (unsigned)(st->st_mode & 07777), path);
		return false;
	}
	return true;
}

bool
conf_psk_read(struct conf_parse *ctx, struct conf_tunnel *t, const char *path,
    int line)
{
	char full[4096], buf[CONF_PSK_FILE_MAX + 1], why[4200];
	struct stat st;
	size_t len = 0;
	ssize_t n;
	int fd;

	if (path[0] == '\0') {
		conf_problem(ctx, true, line, "psk-file is empty; allowed: a "
		    "path");
		return false;
	}
	if (path[0] != '/' && ctx->dir != NULL)
		n = snprintf(full, sizeof(full), "%s/%s", ctx->dir, path);
	else
		n = snprintf(full, sizeof(full), "%s", path);
	if (n < 0 || (size_t)n >= sizeof(full)) {
		conf_problem(ctx, true, line, "psk-file path too long");
		return false;
	}
	if ((fd = open(full, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) == -1) {
		conf_problem(ctx, true, line, "psk-file \"%s\": %s; allowed: a "
		    "readable file holding the key", full, strerror(errno));
		return false;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		conf_problem(ctx, true, line, "psk-file \"%s\" is not a regular "
		    "file", full);
		close(fd);
		return false;
	}
	if (!conf_secret_file_ok(&st, full, why, sizeof(why))) {
		conf_problem(ctx, true, line, "psk-file \"%s\" is %s", full, why);
		close(fd);
		return false;
	}
	while (len < sizeof(buf) && (n = read(fd, buf + len,
	    sizeof(buf) - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			conf_problem(ctx, true, line, "psk-file \"%s\": %s", full,
			    strerror(errno));
			explicit_bzero(buf, len);
			close(fd);
			return false;
		}
		len += (size_t)n;
	}
	close(fd);
	if (len > CONF_PSK_FILE_MAX) {
		explicit_bzero(buf, sizeof(buf));
		conf_problem(ctx, true, line, "psk-file \"%s\" is longer than %d "
		    "bytes; allowed: the key alone, %d-%d characters", full,
		    CONF_PSK_FILE_MAX, CONF_PSK_MIN, CONF_PSK_MAX);
		return false;
	}
	/* Editors add a final newline; it is not part of the key. */
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	if (t->psk == NULL) {
		if ((t->psk = malloc(len + 1)) == NULL) {
			explicit_bzero(buf, sizeof(buf));
			conf_problem(ctx, true, line, "out of memory");
			return false;
		}
		memcpy(t->psk, buf, len);
		t->psk[len] = '\0';
		t->psk_len = len;
	}
	explicit_bzero(buf, sizeof(buf));
	return true;
}

void
conf_tunnel_end(struct conf_parse *ctx)
{
	struct conf_tunnel *t = ctx->tunnel;
	int *seen = ctx->tun_seen;

	t->dpd_line = seen[CONF_K_DPD_TIMEOUT] ? seen[CONF_K_DPD_TIMEOUT] :
	    seen[CONF_K_DPD_INTERVAL];
	if (seen[CONF_K_REMOTE] == 0)
		conf_problem(ctx, true, t->line, "tunnel \"%s\" has no 'remote'; "
		    "allowed: remote ADDRESS (the peer's outside address)",
		    t->fullname);
	if (seen[CONF_K_INSIDE] == 0)
		conf_problem(ctx, true, t->line, "tunnel \"%s\" has no 'inside'; "
		    "allowed: inside ADDRESS/30, ours, e.g. 169.254.21.2/30",
		    t->fullname);
	else if (t->inside.addr.af != AF_UNSPEC)
		conf_inside_check(ctx, t, seen[CONF_K_INSIDE]);
	if (seen[CONF_K_PSK] && seen[CONF_K_PSK_FILE])
		conf_problem(ctx, true, seen[CONF_K_PSK] > seen[CONF_K_PSK_FILE] ?
		    seen[CONF_K_PSK] : seen[CONF_K_PSK_FILE], "tunnel \"%s\" has "
		    "both 'psk' and 'psk-file'; allowed: one of them",
		    t->fullname);
	else if (!seen[CONF_K_PSK] && !seen[CONF_K_PSK_FILE])
		conf_problem(ctx, true, t->line, "tunnel \"%s\" has no key; "
		    "allowed: psk-file \"PATH\" (mode 0600) or psk \"KEY\"",
		    t->fullname);
	else if (t->psk != NULL)
		conf_psk_check(ctx, t->psk, t->psk_len, seen[CONF_K_PSK] ?
		    seen[CONF_K_PSK] : seen[CONF_K_PSK_FILE]);
	if (seen[CONF_K_PSK] && ctx->file_loose[0] != '\0')
		conf_problem(ctx, true, seen[CONF_K_PSK], "psk given inline, but "
		    "%s is %s; or move the key to a psk-file", ctx->file,
		    ctx->file_loose);
	if (t == &ctx->scratch_tunnel) {
		if (t->psk != NULL)
			explicit_bzero(t->psk, t->psk_len);
		free(t->psk);
		free(t->psk_file);
		memset(t, 0, sizeof(*t));
	}
	ctx->tunnel = NULL;
}

void
conf_neighbor_begin(struct conf_parse *ctx, char *addr, int line)
{
	struct conf_neighbor *n;

	memset(ctx->nbr_seen, 0, sizeof(ctx->nbr_seen));
	n = NULL;
	if (ctx->nneighbors >= CONF_MAX_NEIGHBORS)
		conf_problem(ctx, true, line, "more than %d neighbors",
		    CONF_MAX_NEIGHBORS);
	else if ((n = calloc(1, sizeof(*n))) == NULL)
		conf_problem(ctx, true, line, "out of memory");
	if (n == NULL) {
		n = &ctx->scratch_neighbor;
		memset(n, 0, sizeof(*n));
	} else {
		TAILQ_INSERT_TAIL(&ctx->conf->neighbors, n, entry);
		ctx->nneighbors++;
	}
	n->line = line;
	if (!addr_parse(addr, &n->addr))
		conf_problem(ctx, true, line, "neighbor %s is not an IP address; "
		    "allowed: the LAN router's IPv4 or IPv6 address", addr);
	free(addr);
	ctx->neighbor = n;
}

void
conf_neighbor_end(struct conf_parse *ctx)
{
	if (ctx->nbr_seen[CONF_K_REMOTE_AS] == 0)
		conf_problem(ctx, true, ctx->neighbor->line, "neighbor has no "
		    "'remote-as'; allowed: remote-as NUMBER (1-4294967295)");
	ctx->neighbor = NULL;
}

bool
conf_lifetime_check(struct conf_parse *ctx, enum conf_sa_kind kind,
    uint32_t secs, bool force, int line)
{
	uint32_t min = kind == CONF_SA_IKE ? CONF_IKE_LIFETIME_MIN :
	    CONF_ESP_LIFETIME_MIN;
	uint32_t max = kind == CONF_SA_IKE ? CONF_IKE_LIFETIME_MAX :
	    CONF_ESP_LIFETIME_MAX;
	const char *what = kind == CONF_SA_IKE ? "ike" : "esp";

	if (force) {
		if (secs < CONF_FORCE_LIFETIME_MIN ||
		    secs > CONF_FORCE_LIFETIME_MAX) {
			conf_problem(ctx, true, line, "%s lifetime %us out of "
			    "range even with 'force'; allowed: %ds-%ds", what,
			    secs, CONF_FORCE_LIFETIME_MIN,
			    CONF_FORCE_LIFETIME_MAX);
			return false;
		}
		return true;
	}
	if (secs < min || secs > max) {
		conf_problem(ctx, true, line, "%s lifetime %us out of range; "
		    "allowed: %us-%us (AWS), or add 'force' after the value "
		    "for another one", what, secs, min, max);
		return false;
	}
	return true;
}

/* Compares t with every tunnel before it, in any vpn. */
static void
conf_validate_tunnel_dups(struct conf_parse *ctx, struct conf_tunnel *t)
{
	struct conf_vpn *v;
	struct conf_tunnel *o;
	char s[CGW_PREFIXSTRLEN], a[CGW_ADDRSTRLEN];
	bool inside = false, ifname = false, remote = false;

	/* One message per kind: the first clash names the other tunnel. */
	TAILQ_FOREACH(v, &ctx->conf->vpns, entry) {
		TAILQ_FOREACH(o, &v->tunnels, entry) {
			if (o == t)
				return;
			if (!inside && t->inside.addr.af != AF_UNSPEC &&
			    (inside = prefix_eq(&t->inside, &o->inside)))
				conf_problem(ctx, true, t->line, "tunnel \"%s\": "
				    "inside %s overlaps tunnel \"%s\" (line %d); "
				    "allowed: a /30 of its own per tunnel",
				    t->fullname, prefix_fmt(&t->inside, s,
				    sizeof(s)), o->fullname, o->line);
			if (!ifname && t->ifname[0] != '\0' &&
			    (ifname = strcmp(t->ifname, o->ifname) == 0))
				conf_problem(ctx, true, t->line, "tunnel \"%s\": "
				    "interface %s already used by tunnel \"%s\" "
				    "(line %d); allowed: one interface per tunnel",
				    t->fullname, t->ifname, o->fullname, o->line);
			if (!remote && addr_is_set(&t->remote) &&
			    (remote = addr_eq(&t->remote, &o->remote) &&
			    addr_eq(&t->vpn->local, &o->vpn->local)))
				conf_problem(ctx, true, t->line, "tunnel \"%s\": "
				    "remote %s with the same local address as "
				    "tunnel \"%s\" (line %d); allowed: one tunnel "
				    "per local/remote pair", t->fullname,
				    addr_fmt(&t->remote, a, sizeof(a)),
				    o->fullname, o->line);
		}
	}
}

/*
 * A vpn's static prefixes: one holding a tunnel's remote address would
 * route the tunnel's own IKE and ESP packets into the tunnel; one that
 * overlaps our own networks would send the LAN's traffic away; the same
 * prefix in two vpns is carried by one of them at a time.
 */
static void
conf_validate_statics(struct conf_parse *ctx, const struct conf_vpn *v)
{
	const struct conf_vpn *v2;
	const struct conf_tunnel *t;
	const struct conf_network *s, *o;
	char a[CGW_PREFIXSTRLEN], b[CGW_PREFIXSTRLEN];

	TAILQ_FOREACH(s, &v->statics, entry) {
		prefix_fmt(&s->prefix, a, sizeof(a));
		TAILQ_FOREACH(v2, &ctx->conf->vpns, entry)
			TAILQ_FOREACH(t, &v2->tunnels, entry)
				if (addr_is_set(&t->remote) &&
				    prefix_contains(&s->prefix, &t->remote))
					conf_problem(ctx, true, s->line, "static "
					    "%s holds tunnel \"%s\"'s remote %s: "
					    "its IKE and ESP packets would be "
					    "routed into the tunnels; allowed: "
					    "the peer's networks without the "
					    "tunnel endpoints", a, t->fullname,
					    addr_fmt(&t->remote, b, sizeof(b)));
		TAILQ_FOREACH(o, &ctx->conf->networks, entry)
			if (prefix_contains(&s->prefix, &o->prefix.addr) ||
			    prefix_contains(&o->prefix, &s->prefix.addr))
				conf_problem(ctx, false, s->line, "static %s "
				    "overlaps network %s (line %d): traffic to "
				    "our own network would go into the tunnels",
				    a, prefix_fmt(&o->prefix, b, sizeof(b)),
				    o->line);
		for (v2 = TAILQ_FIRST(&ctx->conf->vpns); v2 != v;
		    v2 = TAILQ_NEXT(v2, entry))
			TAILQ_FOREACH(o, &v2->statics, entry)
				if (prefix_eq(&o->prefix, &s->prefix) &&
				    o->prefix.len == s->prefix.len)
					conf_problem(ctx, false, s->line, "static "
					    "%s is also vpn \"%s\"'s (line %d): "
					    "one vpn carries it at a time", a,
					    v2->name, o->line);
	}
}

void
conf_validate(struct conf_parse *ctx)
{
	struct conf *c = ctx->conf;
	struct conf_vpn *v, *v2;
	struct conf_tunnel *t;
	struct conf_network *n;
	struct conf_neighbor *nb, *nb2;
	char a[CGW_ADDRSTRLEN];
	int count[2] = { 0, 0 };	/* IPv4, IPv6 networks */
	bool need_bgp;

	/* Without BGP (static vpns only, no neighbor) neither is used. */
	need_bgp = conf_uses_bgp(c) || TAILQ_EMPTY(&c->vpns);
	if (ctx->global_seen[CONF_K_ASN] == 0 && need_bgp)
		conf_problem(ctx, true, 0, "no 'asn'; allowed: asn NUMBER "
		    "(1-4294967295), this host's BGP AS");
	if (ctx->global_seen[CONF_K_ROUTER_ID] == 0 && need_bgp)
		conf_problem(ctx, true, 0, "no 'router-id'; allowed: router-id "
		    "IPV4-ADDRESS, usually this host's address");
	if (c->ike_limits.cookies_per_peer != 0 &&
	    c->ike_limits.half_open_per_peer != 0 &&
	    c->ike_limits.cookies_per_peer >= c->ike_limits.half_open_per_peer)
		conf_problem(ctx, false, ctx->global_seen[CONF_K_LIM_COOKIES_PEER],
		    "ike limits cookies-per-peer %u is not below half-open-per-peer "
		    "%u: a blind spoofer of a peer's address can then fill the "
		    "half-open SAs the peer needs", c->ike_limits.cookies_per_peer,
		    c->ike_limits.half_open_per_peer);
	/* Per family: a session carries IPv6 only when the peer offers it
	 * (an AWS VPN over IPv4 inside addresses never does). */
	TAILQ_FOREACH(n, &c->networks, entry)
		if (++count[n->prefix.addr.af == AF_INET6] ==
		    CONF_AWS_MAX_NETWORKS + 1)
			conf_problem(ctx, false, n->line, "more than %d %s "
			    "networks; AWS accepts at most %d prefixes from a "
			    "customer gateway", CONF_AWS_MAX_NETWORKS,
			    n->prefix.addr.af == AF_INET6 ? "IPv6" : "IPv4",
			    CONF_AWS_MAX_NETWORKS);

	TAILQ_FOREACH(v, &c->vpns, entry) {
		if (c->asn != 0 && v->peer_asn == c->asn && !conf_vpn_static(v))
			conf_problem(ctx, true, v->line, "vpn \"%s\": peer-asn %u "
			    "equals our asn; allowed: a different AS (eBGP; AWS "
			    "default 64512)", v->name, v->peer_asn);
		for (v2 = TAILQ_FIRST(&c->vpns); v2 != v;
		    v2 = TAILQ_NEXT(v2, entry))
			if (strcmp(v->name, v2->name) == 0) {
				conf_problem(ctx, true, v->line, "vpn \"%s\" "
				    "already defined on line %d; allowed: unique "
				    "vpn names", v->name, v2->line);
				break;
			}
		TAILQ_FOREACH(t, &v->tunnels, entry)
			conf_validate_tunnel_dups(ctx, t);
		conf_validate_statics(ctx, v);
	}

	TAILQ_FOREACH(nb, &c->neighbors, entry) {
		for (nb2 = TAILQ_FIRST(&c->neighbors); nb2 != nb;
		    nb2 = TAILQ_NEXT(nb2, entry))
			if (addr_is_set(&nb->addr) &&
			    addr_eq(&nb->addr, &nb2->addr)) {
				conf_problem(ctx, true, nb->line, "neighbor %s "
				    "already defined on line %d; allowed: one "
				    "block per neighbor",
				    addr_fmt(&nb->addr, a, sizeof(a)), nb2->line);
				break;
			}
	}
}
