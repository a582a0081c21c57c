/*
 * Prometheus metrics (text format 0.0.4). Names follow the Prometheus
 * conventions: a cgwd_ prefix, base units, _total on counters; the
 * CloudWatch tunnel metrics operators know map to cgwd_tunnel_up
 * (TunnelState) and cgwd_tunnel_bytes_total{direction="in|out"}
 * (TunnelDataIn, TunnelDataOut). Each family is written whole (HELP,
 * TYPE, every sample) since a parser may refuse a family split in two.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "bgp/bgp.h"
#include "daemon/cgwd.h"
#include "daemon/counters.h"
#include "daemon/metrics.h"
#include "daemon/tunnel.h"
#include "lib/log.h"

/* The HTTP side: what listens, and where. */
struct metrics_http {
	struct evhttp	*http;
	struct cgw_addr	 addr;
	uint16_t	 port;
};

/* A label value: backslash, double quote and newline escaped. */
static void
metrics_label_value(FILE *f, const char *v)
{
	for (; *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

static void
metrics_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{k1="v1",...} value: nlabels pairs of (const char *) after value. */
static void
metrics_sample(FILE *f, const char *name, uint64_t value, int nlabels, ...)
{
	va_list ap;
	int i;

	fputs(name, f);
	va_start(ap, nlabels);
	for (i = 0; i < nlabels; i++) {
		const char *k = va_arg(ap, const char *);
		const char *v = va_arg(ap, const char *);

		fprintf(f, "%s%s=\"", i == 0 ? "{" : ",", k);
		metrics_label_value(f, v);
		fputc('"', f);
	}
	va_end(ap);
	fprintf(f, "%s %" PRIu64 "\n", nlabels > 0 ? "}" : "", value);
}

/* One tunnel's labels and numbers, gathered once per scrape. */
struct metrics_tunnel {
	const char		*vpn;
	const char		*tunnel;
	enum tunnel_state	 state;
	struct tunnel_totals	 tt;
};

/* A counter or gauge over every tunnel with {vpn,tunnel}. */
#define METRICS_TUNNELS(f, mt, n, name, expr) do {			\
	for (size_t i_ = 0; i_ < (n); i_++) {				\
		const struct metrics_tunnel *m = &(mt)[i_];		\
		metrics_sample((f), (name), (uint64_t)(expr), 2,	\
		    "vpn", m->vpn, "tunnel", m->tunnel);		\
	}								\
} while (0)

static void
metrics_tunnels(FILE *f, const struct metrics_tunnel *mt, size_t n)
{
	static const char *const states[] = { "down", "connecting", "up" };
	size_t i, s;

	metrics_family(f, "cgwd_tunnel_up", "gauge",
	    "Whether the tunnel carries traffic: an authenticated IKE SA with "
	    "a CHILD SA in the kernel (CloudWatch TunnelState).");
	METRICS_TUNNELS(f, mt, n, "cgwd_tunnel_up", m->state == TUNNEL_S_UP);

	metrics_family(f, "cgwd_tunnel_state", "gauge",
	    "The tunnel's state: 1 for the current one of down, connecting, up.");
	for (i = 0; i < n; i++)
		for (s = 0; s < sizeof(states) / sizeof(states[0]); s++)
			metrics_sample(f, "cgwd_tunnel_state",
			    mt[i].state == (enum tunnel_state)s, 3,
			    "vpn", mt[i].vpn, "tunnel", mt[i].tunnel,
			    "state", states[s]);

	metrics_family(f, "cgwd_tunnel_bytes_total", "counter",
	    "ESP payload bytes through the tunnel's CHILD SAs, across rekeys "
	    "(CloudWatch TunnelDataIn and TunnelDataOut).");
	for (i = 0; i < n; i++) {
		metrics_sample(f, "cgwd_tunnel_bytes_total", mt[i].tt.bytes_in,
		    3, "vpn", mt[i].vpn, "tunnel", mt[i].tunnel,
		    "direction", "in");
		metrics_sample(f, "cgwd_tunnel_bytes_total", mt[i].tt.bytes_out,
		    3, "vpn", mt[i].vpn, "tunnel", mt[i].tunnel,
		    "direction", "out");
	}
	metrics_family(f, "cgwd_tunnel_packets_total", "counter",
	    "Packets through the tunnel's CHILD SAs, across rekeys.");
	for (i = 0; i < n; i++) {
		metrics_sample(f, "cgwd_tunnel_packets_total",
		    mt[i].tt.packets_in, 3, "vpn", mt[i].vpn,
		    "tunnel", mt[i].tunnel, "direction", "in");
		metrics_sample(f, "cgwd_tunnel_packets_total",
		    mt[i].tt.packets_out, 3, "vpn", mt[i].vpn,
		    "tunnel", mt[i].tunnel, "direction", "out");
	}

	metrics_family(f, "cgwd_ike_exchanges_total", "counter",
	    "IKE requests sent (each exchange once, retransmissions apart).");
	METRICS_TUNNELS(f, mt, n, "cgwd_ike_exchanges_total",
	    m->tt.ike.exchanges);
	metrics_family(f, "cgwd_ike_retransmissions_total", "counter",
	    "IKE requests sent again for want of an answer.");
	METRICS_TUNNELS(f, mt, n, "cgwd_ike_retransmissions_total",
	    m->tt.ike.retransmissions);
	metrics_family(f, "cgwd_ike_dpd_probes_total", "counter",
	    "Liveness probes (empty INFORMATIONAL requests) sent.");
	METRICS_TUNNELS(f, mt, n, "cgwd_ike_dpd_probes_total",
	    m->tt.ike.dpd_probes);
	metrics_family(f, "cgwd_ike_dpd_misses_total", "counter",
	    "IKE SAs declared dead because the peer stopped answering.");
	METRICS_TUNNELS(f, mt, n, "cgwd_ike_dpd_misses_total",
	    m->tt.ike.dpd_misses);
	metrics_family(f, "cgwd_ike_init_dropped_total", "counter",
	    "IKE_SA_INIT requests from the peer's address dropped over the "
	    "per-source limits (half-open SAs, DH rate).");
	METRICS_TUNNELS(f, mt, n, "cgwd_ike_init_dropped_total",
	    m->tt.ike.init_dropped);
	metrics_family(f, "cgwd_ike_rekeys_total", "counter",
	    "IKE and CHILD SAs replaced by a rekey, whoever started it.");
	for (i = 0; i < n; i++) {
		metrics_sample(f, "cgwd_ike_rekeys_total",
		    mt[i].tt.ike.ike_rekeys, 3, "vpn", mt[i].vpn,
		    "tunnel", mt[i].tunnel, "kind", "ike");
		metrics_sample(f, "cgwd_ike_rekeys_total",
		    mt[i].tt.ike.child_rekeys, 3, "vpn", mt[i].vpn,
		    "tunnel", mt[i].tunnel, "kind", "child");
	}
}

struct metrics_peers {
	struct bgp_peer_status	*st;
	size_t			 n, cap;
};

static void
metrics_peer_add(struct bgp_peer *p, void *arg)
{
	struct metrics_peers *mp = arg;

	if (mp->n < mp->cap)
		bgp_peer_status(p, &mp->st[mp->n++]);
}

static void
metrics_peer_count(struct bgp_peer *p, void *arg)
{
	(void)p;
	(*(size_t *)arg)++;
}

static void
metrics_bgp(FILE *f, const struct bgp_peer_status *st, size_t n)
{
	size_t i;
	unsigned ty;

	metrics_family(f, "cgwd_bgp_session_up", "gauge",
	    "Whether the BGP session is Established.");
	for (i = 0; i < n; i++)
		metrics_sample(f, "cgwd_bgp_session_up",
		    st[i].state == BGP_ST_ESTABLISHED, 1, "peer", st[i].name);
	metrics_family(f, "cgwd_bgp_messages_total", "counter",
	    "BGP messages by direction and type.");
	for (i = 0; i < n; i++)
		for (ty = 1; ty < BGP_MSG_TYPES; ty++) {
			metrics_sample(f, "cgwd_bgp_messages_total",
			    st[i].msgs_in[ty], 3, "peer", st[i].name,
			    "direction", "in", "type", counters_bgp_type(ty));
			metrics_sample(f, "cgwd_bgp_messages_total",
			    st[i].msgs_out[ty], 3, "peer", st[i].name,
			    "direction", "out", "type", counters_bgp_type(ty));
		}
	metrics_family(f, "cgwd_bgp_session_flaps_total", "counter",
	    "Times the BGP session left Established.");
	for (i = 0; i < n; i++)
		metrics_sample(f, "cgwd_bgp_session_flaps_total", st[i].flaps,
		    1, "peer", st[i].name);
	metrics_family(f, "cgwd_bgp_prefixes", "gauge",
	    "Prefixes accepted from the peer and advertised to it.");
	for (i = 0; i < n; i++) {
		metrics_sample(f, "cgwd_bgp_prefixes", st[i].prefixes_received,
		    2, "peer", st[i].name, "direction", "received");
		metrics_sample(f, "cgwd_bgp_prefixes",
		    st[i].prefixes_advertised, 2, "peer", st[i].name,
		    "direction", "advertised");
	}
}

/* Wall-clock start, worked out once: recomputing it from the monotonic
 * uptime would make it wander by a second between scrapes. */
static time_t
metrics_start_time(const struct cgwd *cgwd)
{
	static const struct cgwd *of;
	static time_t at;

	if (of != cgwd || at == 0) {
		of = cgwd;
		at = time(NULL) - (cgwd_now() - cgwd->started);
	}
	return at;
}

int
metrics_render(struct cgwd *cgwd, FILE *f)
{
	struct metrics_tunnel *mt;
	struct metrics_peers mp = { 0 };
	struct tunnel *t;
	size_t n = cgwd_ntunnels(cgwd), i = 0;

	if ((mt = calloc(n ? n : 1, sizeof(*mt))) == NULL)
		return -1;
	TAILQ_FOREACH(t, &cgwd->tunnels, entry) {
		mt[i].vpn = t->conf->vpn ? t->conf->vpn->name : "";
		mt[i].tunnel = t->conf->name;
		mt[i].state = t->state;
		counters_tunnel(t, &mt[i].tt);
		i++;
	}
	if (cgwd->bgp != NULL)
		bgp_peer_foreach(cgwd->bgp, metrics_peer_count, &mp.cap);
	if (mp.cap > 0 && (mp.st = calloc(mp.cap, sizeof(*mp.st))) == NULL) {
		free(mt);
		return -1;
	}
	if (mp.cap > 0)
		bgp_peer_foreach(cgwd->bgp, metrics_peer_add, &mp);

	metrics_family(f, "cgwd_build_info", "gauge",
	    "The running cgwd's version and git revision.");
	metrics_sample(f, "cgwd_build_info", 1, 2,
	    "version", cgwd->version ? cgwd->version : "unknown",
	    "revision", cgwd->revision ? cgwd->revision : "unknown");
	metrics_family(f, "cgwd_start_time_seconds", "gauge",
	    "When cgwd started, in seconds since the epoch.");
	metrics_sample(f, "cgwd_start_time_seconds",
	    (uint64_t)metrics_start_time(cgwd), 0);
	metrics_family(f, "cgwd_reloads_total", "counter",
	    "Successful configuration reloads.");
	metrics_sample(f, "cgwd_reloads_total", cgwd->reloads, 0);
	metrics_tunnels(f, mt, n);
	metrics_bgp(f, mp.st, mp.n);
	free(mp.st);
	free(mt);
	return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}

char *
metrics_text(struct cgwd *cgwd, size_t *len)
{
	char *buf = NULL;
	FILE *f;
	int rc;

	*len = 0;
	if ((f = open_memstream(&buf, len)) == NULL)
		return NULL;
	rc = metrics_render(cgwd, f);
	if (fclose(f) != 0 || rc != 0) {
		free(buf);
		*len = 0;
		return NULL;
	}
	return buf;
}

/* ---- HTTP ---------------------------------------------------------- */

/* GET or HEAD /metrics; anything else is 404 (evhttp answers 405 to
 * methods it was not told to allow). */
static void
metrics_http_cb(struct evhttp_request *req, void *arg)
{
	struct cgwd *cgwd = arg;
	const char *uri = evhttp_request_get_uri(req);
	struct evbuffer *out;
	size_t len;
	char *text;

	if (uri == NULL || (strcmp(uri, "/metrics") != 0 &&
	    strncmp(uri, "/metrics?", 9) != 0)) {
		evhttp_send_error(req, HTTP_NOTFOUND, "try /metrics");
		return;
	}
	if ((text = metrics_text(cgwd, &len)) == NULL ||
	    (out = evbuffer_new()) == NULL) {
		free(text);
		evhttp_send_error(req, HTTP_INTERNAL, "out of memory");
		return;
	}
	evbuffer_add(out, text, len);
	free(text);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", METRICS_CONTENT_TYPE);
	evhttp_send_reply(req, HTTP_OK, "OK", out);
	evbuffer_free(out);
}

static int
metrics_listen(struct cgwd *cgwd, const struct cgw_addr *a, uint16_t port)
{
	struct metrics_http *mh;
	char host[CGW_ADDRSTRLEN];

	addr_fmt(a, host, sizeof(host));
	if ((mh = calloc(1, sizeof(*mh))) == NULL ||
	    (mh->http = evhttp_new(cgwd->base)) == NULL) {
		free(mh);
		log_err(NULL, "metrics: out of memory");
		return -1;
	}
	/* A scraper sends a small GET: refuse anything bigger, and slow
	 * clients after 10 s. */
	evhttp_set_allowed_methods(mh->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_max_headers_size(mh->http, 8192);
	evhttp_set_max_body_size(mh->http, 1024);
	evhttp_set_timeout(mh->http, 10);
	evhttp_set_gencb(mh->http, metrics_http_cb, cgwd);
	if (evhttp_bind_socket_with_handle(mh->http, host, port) == NULL) {
		log_err(NULL, "metrics: cannot listen on %s%s%s:%u: %s",
		    a->af == AF_INET6 ? "[" : "", host,
		    a->af == AF_INET6 ? "]" : "", port, strerror(errno));
		evhttp_free(mh->http);
		free(mh);
		return -1;
	}
	mh->addr = *a;
	mh->port = port;
	cgwd->metrics = mh;
	log_info(NULL, "metrics: listening on %s%s%s:%u", a->af == AF_INET6 ?
	    "[" : "", host, a->af == AF_INET6 ? "]" : "", port);
	return 0;
}

void
metrics_open(struct cgwd *cgwd)
{
	if (cgwd->metrics == NULL && cgwd->conf->metrics_port != 0)
		(void)metrics_listen(cgwd, &cgwd->conf->metrics_addr,
		    cgwd->conf->metrics_port);
}

void
metrics_reconfigure(struct cgwd *cgwd)
{
	struct metrics_http *mh = cgwd->metrics;

	if (mh != NULL && mh->port == cgwd->conf->metrics_port &&
	    addr_eq(&mh->addr, &cgwd->conf->metrics_addr))
		return;
	metrics_close(cgwd);
	metrics_open(cgwd);
}

void
metrics_close(struct cgwd *cgwd)
{
	if (cgwd->metrics == NULL)
		return;
	evhttp_free(cgwd->metrics->http);
	free(cgwd->metrics);
	cgwd->metrics = NULL;
}
