#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "bgp/bgp.h"
#include "daemon/cgwd.h"
#include "daemon/events.h"
#include "daemon/failover.h"
#include "daemon/ipsec.h"
#include "daemon/routing.h"
#include "daemon/tunnel.h"
#include "lib/log.h"
#include "xfrm/xfrm.h"

/* Equal paths cgwd installs together at most (one per tunnel in practice). */
#define ROUTING_MAX_NH	16
/* Routes on their way to the kernel above which BGP stops reading, and
 * below which it reads again (routing_fib_commit). */
#define ROUTING_BACKLOG_HIGH	16384
#define ROUTING_BACKLOG_LOW	4096

/* What routing keeps beside struct cgwd; bgp/'s cbarg. */
struct routing {
	struct cgwd	*cgwd;
	struct event	*ev_reconcile;
	/* Kernel route changes since the last summary line (per-route
	 * lines are debug: a full table would be a million of them). */
	struct event	*ev_summary;
	uint32_t	 n_installed, n_removed, n_failed;
	/* fib_change queues here, fib_commit sends. */
	struct xfrm_route_batch batch;
	/* Established LAN neighbors with `install-routes on`: their routes
	 * leave by the interface holding our end of the session. */
	struct routing_lan	*lan;
	size_t			 nlan;
};

struct routing_lan {
	struct bgp_peer	*peer;
	struct cgw_addr	 addr;		/* the neighbor's, the gateway */
	int		 ifindex;
};

/* ---- kernel routes ------------------------------------------------- */

/* The next hops bound for the kernel; idx[j] is xnh[j]'s index in nhs. */
static size_t
routing_kernel_nhs(routing_oif_fn oif, void *arg,
    const struct cgw_prefix *prefix, const struct bgp_nexthop *nhs, size_t n,
    struct xfrm_nexthop *xnh, size_t *idx)
{
	int prefix_af = prefix->addr.af;
	struct cgw_addr gw;
	size_t i, k = 0;
	int ifindex;

	for (i = 0; i < n && k < ROUTING_MAX_NH; i++) {
		gw = nhs[i].gateway;
		if ((ifindex = oif(prefix, &nhs[i], arg, &gw)) <= 0)
			continue;
		memset(&xnh[k], 0, sizeof(xnh[k]));
		/*
		 * An IPv6 route learned with an IPv4-mapped next hop (a
		 * session over IPv4 inside addresses) has an IPv4 gateway,
		 * which Linux refuses for IPv6 routes (RTA_VIA is IPv4's
		 * only): it goes on the interface alone, which on a tunnel's
		 * point-to-point XFRM interface is all a gateway would say.
		 */
		if (prefix_af != AF_INET6 || gw.af != AF_INET)
			xnh[k].gw = gw;
		xnh[k].ifindex = ifindex;
		idx[k++] = i;
	}
	/* Nor does it take such routes as ECMP ("device only routes can
	 * not be added for IPv6 using the multipath API"): the first next
	 * hop (the best path's) alone, the others not installed. */
	if (prefix_af == AF_INET6)
		for (i = 0; i < k; i++)
			if (!addr_is_set(&xnh[i].gw)) {
				k = 1;
				break;
			}
	return k;
}

int
routing_kernel_change(struct xfrm_ctx *xfrm, routing_oif_fn oif, void *arg,
    const struct cgw_prefix *prefix, struct bgp_nexthop *nhs, size_t n,
    bool in_kernel)
{
	struct xfrm_nexthop xnh[ROUTING_MAX_NH];
	struct xfrm_err xe;
	char p[CGW_PREFIXSTRLEN];
	size_t idx[ROUTING_MAX_NH], i, k;

	prefix_fmt(prefix, p, sizeof(p));
	k = routing_kernel_nhs(oif, arg, prefix, nhs, n, xnh, idx);
	if (k == 0) {
		if (!in_kernel)
			return 0;
		if (xfrm_route_delete(xfrm, prefix, 0, &xe) != 0) {
			log_warn(NULL, "route %s: cannot delete: %s", p, xe.msg);
			return -1;
		}
		log_debug(NULL, "route %s removed", p);
		return 0;
	}
	if (xfrm_route_replace(xfrm, prefix, xnh, k, 0, &xe) != 0) {
		log_err(NULL, "route %s: cannot install: %s", p, xe.msg);
		return -1;
	}
	for (i = 0; i < k; i++)
		nhs[idx[i]].installed = true;
	log_debug(NULL, "route %s via %s%s", p, nhs[idx[0]].peer_name,
	    k > 1 ? " (ECMP)" : "");
	return 0;
}

int
routing_kernel_queue(struct xfrm_ctx *xfrm, struct xfrm_route_batch *b,
    routing_oif_fn oif, void *arg, const struct cgw_prefix *prefix,
    struct bgp_nexthop *nhs, size_t n, bool in_kernel)
{
	struct xfrm_nexthop xnh[ROUTING_MAX_NH];
	struct xfrm_err xe;
	char p[CGW_PREFIXSTRLEN];
	size_t idx[ROUTING_MAX_NH], i, k;

	k = routing_kernel_nhs(oif, arg, prefix, nhs, n, xnh, idx);
	/* A route never installed is not deleted: no request at all. */
	if (k == 0 && !in_kernel)
		return 0;
	if (xfrm_route_batch_add(xfrm, b, prefix, xnh, k, 0, &xe) < 0) {
		log_err(NULL, "route %s: %s", prefix_fmt(prefix, p, sizeof(p)),
		    xe.msg);
		return -1;
	}
	/* Believed until the commit says otherwise (bgp_fib_failed). */
	for (i = 0; i < k; i++)
		nhs[idx[i]].installed = true;
	if (log_enabled(LOG_LVL_DEBUG))
		log_debug(NULL, "route %s %s", prefix_fmt(prefix, p, sizeof(p)),
		    k > 0 ? "queued" : "removal queued");
	return 0;
}

int
routing_kernel_done(struct bgp_ctx *bgp, const struct xfrm_route_req *req,
    size_t n, uint32_t *removals)
{
	char p[CGW_PREFIXSTRLEN];
	size_t i;
	int failed = 0;

	*removals = 0;
	for (i = 0; i < n; i++) {
		const struct xfrm_route_req *q = &req[i];

		if (q->code == 0)
			continue;
		/* The first few by name; the rest are in the summary. */
		if (failed++ < 5)
			log_warn(NULL, "route %s: cannot %s: %s",
			    prefix_fmt(&q->prefix, p, sizeof(p)),
			    q->del ? "delete" : "install", strerror(q->code));
		if (q->del)
			(*removals)++;
		bgp_fib_failed(bgp, &q->prefix);
	}
	return failed;
}

int
routing_kernel_commit(struct xfrm_ctx *xfrm, struct xfrm_route_batch *b,
    struct bgp_ctx *bgp, uint32_t *removals)
{
	struct xfrm_err xe;
	size_t n = b->n;

	*removals = 0;
	if (n == 0)
		return 0;
	if (xfrm_route_batch_commit(xfrm, b, &xe) < 0)
		log_warn(NULL, "routes: %s", xe.msg);
	return routing_kernel_done(bgp, b->req, n, removals);
}

struct routing_sync {
	struct xfrm_routes	 kr;
	routing_oif_fn		 oif;
	void			*arg;
	size_t			 missing, differ;	/* put back */
};

/* The first few by name; a full table's worth goes in one summary. */
#define ROUTING_SYNC_NAMED	5

static bool
routing_sync_intact(void *arg, const struct cgw_prefix *prefix,
    const struct bgp_nexthop *nhs, size_t n)
{
	struct routing_sync *s = arg;
	struct xfrm_nexthop xnh[ROUTING_MAX_NH];
	struct xfrm_route *r;
	char p[CGW_PREFIXSTRLEN];
	size_t idx[ROUTING_MAX_NH], k;

	/* Nothing for the kernel: a leftover there is a stray. */
	if ((k = routing_kernel_nhs(s->oif, s->arg, prefix, nhs, n, xnh,
	    idx)) == 0)
		return true;
	prefix_fmt(prefix, p, sizeof(p));
	if ((r = xfrm_routes_find(&s->kr, prefix, XFRM_TABLE_MAIN)) == NULL) {
		if (s->missing++ < ROUTING_SYNC_NAMED)
			log_warn(NULL, "route %s is missing from the kernel: "
			    "adding it again", p);
		return false;
	}
	r->wanted = true;
	if (!xfrm_route_same(r, xnh, k)) {
		if (s->differ++ < ROUTING_SYNC_NAMED)
			log_warn(NULL, "route %s differs in the kernel: "
			    "replacing it", p);
		return false;
	}
	return true;
}

int
routing_kernel_sync(struct bgp_ctx *bgp, struct xfrm_ctx *xfrm,
    routing_oif_fn oif, void *arg)
{
	struct routing_sync s = { .oif = oif, .arg = arg };
	struct xfrm_err xe;
	char p[CGW_PREFIXSTRLEN];
	size_t i;
	int rc = 0;

	/*
	 * What the RIB still holds back goes first: the kernel helper does
	 * requests in order, so the list then shows every change sent, and
	 * only a route the kernel lost or never took looks missing.
	 */
	bgp_flush(bgp);
	if (xfrm_route_list(xfrm, &s.kr, &xe) != 0) {
		log_warn(NULL, "reconcile: %s", xe.msg);
		return -1;
	}
	bgp_fib_sync(bgp, routing_sync_intact, &s);
	if (s.missing + s.differ > ROUTING_SYNC_NAMED)
		log_warn(NULL, "reconcile: %zu routes missing from the kernel "
		    "and %zu different there: put back", s.missing, s.differ);
	for (i = 0; i < s.kr.n; i++) {
		const struct xfrm_route *r = &s.kr.v[i];

		if (r->wanted)
			continue;
		prefix_fmt(&r->prefix, p, sizeof(p));
		if (xfrm_route_delete(xfrm, &r->prefix, r->table, &xe) != 0) {
			log_warn(NULL, "route %s table %u: cannot remove: %s",
			    p, r->table, xe.msg);
			rc = -1;
		} else
			log_warn(NULL, "route %s table %u is not in the FIB: "
			    "removed", p, r->table);
	}
	xfrm_routes_free(&s.kr);
	return rc;
}

bool
routing_lan_gateway(const struct cgw_prefix *prefix,
    const struct cgw_addr *neighbor, struct cgw_addr *gw)
{
	if (prefix->addr.af != neighbor->af || prefix_contains(prefix, neighbor))
		return false;
	*gw = *neighbor;
	return true;
}

static struct routing_lan *
routing_lan_find(struct routing *r, const struct bgp_peer *peer)
{
	for (size_t i = 0; i < r->nlan; i++)
		if (r->lan[i].peer == peer)
			return &r->lan[i];
	return NULL;
}

/*
 * A tunnel's XFRM interface, once it exists; a LAN neighbor's path, with
 * `install-routes on`, the LAN interface and the neighbor's address;
 * anything else stays out.
 */
static int
routing_oif(const struct cgw_prefix *prefix, const struct bgp_nexthop *nh,
    void *arg, struct cgw_addr *gw)
{
	struct tunnel *t = bgp_peer_arg(nh->peer);
	struct routing_lan *l;

	if (t == NULL) {
		if ((l = routing_lan_find(arg, nh->peer)) == NULL ||
		    l->ifindex <= 0 || !routing_lan_gateway(prefix, &l->addr,
		    gw))
			return 0;
		return l->ifindex;
	}
	if (t->ipsec == NULL || t->ipsec->ifindex <= 0)
		return 0;
	return t->ipsec->ifindex;
}

/* `cgwctl monitor`: what the kernel now has for the prefix. */
static void
routing_route_event(struct cgwd *cgwd, const struct cgw_prefix *prefix,
    const struct bgp_nexthop *nhs, size_t n, int rc)
{
	char p[CGW_PREFIXSTRLEN], via[256] = "";
	size_t i, k = 0, l;

	if (!cgwd_event_wanted(cgwd))
		return;
	prefix_fmt(prefix, p, sizeof(p));
	for (i = 0; i < n; i++) {
		if (!nhs[i].installed)
			continue;
		l = strlen(via);
		snprintf(via + l, sizeof(via) - l, "%s%s", k++ ? ", " : "",
		    nhs[i].peer_name ? nhs[i].peer_name : "?");
	}
	if (rc != 0)
		cgwd_event(cgwd, CGWD_EV_ROUTE, p, NULL, "kernel refused the change");
	else if (k == 0)
		cgwd_event(cgwd, CGWD_EV_ROUTE, p, NULL, "removed");
	else
		cgwd_event(cgwd, CGWD_EV_ROUTE, p, NULL, "via %s", via);
}

static void
routing_summary_cb(evutil_socket_t fd, short what, void *arg)
{
	struct routing *r = arg;

	(void)fd;
	(void)what;
	log_msg(r->n_failed > 0 ? LOG_LVL_WARN : LOG_LVL_INFO, NULL,
	    "kernel routes: %u installed, %u removed, %u failed",
	    r->n_installed, r->n_removed, r->n_failed);
	r->n_installed = r->n_removed = r->n_failed = 0;
}

static int
routing_fib_change(void *arg, const struct cgw_prefix *prefix,
    struct bgp_nexthop *nhs, size_t n, bool in_kernel)
{
	struct routing *r = arg;
	struct timeval tv = { .tv_sec = 1 };
	size_t i;
	bool any = false;
	int rc;

	if (r->cgwd->xfrm == NULL)
		return 0;
	rc = routing_kernel_queue(r->cgwd->xfrm, &r->batch, routing_oif, r,
	    prefix, nhs, n, in_kernel);
	for (i = 0; i < n; i++)
		any |= nhs[i].installed;
	if (rc != 0)
		r->n_failed++;
	else if (any)
		r->n_installed++;
	else if (in_kernel)
		r->n_removed++;
	else
		return 0;	/* a LAN route kept out: nothing asked */
	routing_route_event(r->cgwd, prefix, nhs, n, rc);
	/* One line a second at most, whatever the table's size. */
	if (!evtimer_pending(r->ev_summary, NULL))
		evtimer_add(r->ev_summary, &tv);
	return rc;
}

void
routing_reconcile(struct cgwd *cgwd)
{
	if (cgwd->bgp == NULL || cgwd->xfrm == NULL)
		return;
	(void)routing_kernel_sync(cgwd->bgp, cgwd->xfrm, routing_oif,
	    bgp_cbarg(cgwd->bgp));
}

static void
routing_reconcile_cb(evutil_socket_t fd, short what, void *arg)
{
	struct routing *r = arg;
	struct timeval tv = { .tv_sec = ROUTING_RECONCILE_S };

	(void)fd;
	(void)what;
	routing_reconcile(r->cgwd);
	evtimer_add(r->ev_reconcile, &tv);
}

static const char *routing_state_lc(enum bgp_state, char *, size_t);
static const struct conf_neighbor *routing_find_neighbor(const struct conf *,
    const char *);

/*
 * A LAN neighbor with `install-routes on` reaching Established: its routes
 * leave by the interface holding our end of the session (directly
 * connected: the kernel refuses a gateway that is not on that link),
 * found once here rather than per prefix. Leaving Established forgets it.
 */
static void
routing_lan_track(struct routing *r, struct bgp_peer *peer,
    const struct bgp_peer_status *st)
{
	const struct conf_neighbor *nb;
	struct routing_lan *l = routing_lan_find(r, peer), *v;
	struct xfrm_err xe;
	char a[CGW_ADDRSTRLEN];
	int ifindex;

	if (st->state != BGP_ST_ESTABLISHED) {
		if (l != NULL)
			*l = r->lan[--r->nlan];
		return;
	}
	if (l != NULL || r->cgwd->xfrm == NULL ||
	    (nb = routing_find_neighbor(r->cgwd->conf, st->name)) == NULL ||
	    !nb->install_routes)
		return;
	if ((ifindex = xfrm_ifindex_of_addr(r->cgwd->xfrm,
	    &st->session_local, &xe)) <= 0) {
		log_warn(st->name, "install-routes: no interface holds %s: "
		    "its routes stay out of the kernel",
		    addr_fmt(&st->session_local, a, sizeof(a)));
		return;
	}
	if ((v = reallocarray(r->lan, r->nlan + 1, sizeof(*v))) == NULL) {
		log_err(st->name, "install-routes: %s", strerror(errno));
		return;
	}
	r->lan = v;
	r->lan[r->nlan++] = (struct routing_lan){ .peer = peer,
	    .addr = st->remote, .ifindex = ifindex };
	log_info(st->name, "install-routes: its routes go into the kernel "
	    "via %s (ifindex %d)", addr_fmt(&st->remote, a, sizeof(a)),
	    ifindex);
}

static void
routing_peer_state(void *arg, struct bgp_peer *peer, enum bgp_state old,
    enum bgp_state new_state)
{
	struct routing *r = arg;
	struct bgp_peer_status st;
	char a[16], b[16];

	bgp_peer_status(peer, &st);
	if (st.role == BGP_ROLE_NEIGHBOR)
		routing_lan_track(r, peer, &st);
	if (cgwd_event_wanted(r->cgwd)) {
		/* Leaving Established, the why is the session's last error
		 * (st, read above). */
		cgwd_event(r->cgwd, CGWD_EV_BGP, st.name, json_pack("{s:s, s:s, "
		    "s:s}", "from", routing_state_lc(old, a, sizeof(a)), "to",
		    routing_state_lc(new_state, b, sizeof(b)), "reason",
		    st.last_error), "%s -> %s%s%s%s", a, b,
		    st.last_error[0] ? " (" : "", st.last_error,
		    st.last_error[0] ? ")" : "");
	}
	cgwd_status_update(r->cgwd);
}

static void
routing_fib_commit(void *arg)
{
	struct routing *r = arg;
	struct xfrm_err xe;

	if (r->cgwd->xfrm == NULL || r->batch.n == 0)
		return;
	/* The outcomes come back through routing_routes_done. */
	if (xfrm_route_batch_send(r->cgwd->xfrm, &r->batch, &xe) < 0)
		log_warn(NULL, "routes: %s", xe.msg);
	/*
	 * A full table decides faster than the kernel takes it: rather than
	 * queue without bound or wait here (the control socket, IKE and the
	 * other sessions with it), BGP stops reading until the kernel helper
	 * has caught up; TCP holds the peers back meanwhile.
	 */
	if (r->cgwd->bgp != NULL &&
	    xfrm_route_backlog(r->cgwd->xfrm) > ROUTING_BACKLOG_HIGH)
		bgp_hold_input(r->cgwd->bgp, true);
}

void
routing_routes_done(struct cgwd *cgwd, const struct xfrm_route_req *req,
    size_t n)
{
	struct routing *r;
	uint32_t removals;
	int failed;

	/* After routing_close: the helper flushes what is left. */
	if (cgwd->bgp == NULL)
		return;
	r = bgp_cbarg(cgwd->bgp);
	if (cgwd->xfrm != NULL &&
	    xfrm_route_backlog(cgwd->xfrm) < ROUTING_BACKLOG_LOW)
		bgp_hold_input(cgwd->bgp, false);
	if ((failed = routing_kernel_done(cgwd->bgp, req, n, &removals)) <= 0)
		return;
	/* Counted as done when queued. */
	r->n_removed -= removals < r->n_removed ? removals : r->n_removed;
	r->n_installed -= (uint32_t)failed - removals < r->n_installed ?
	    (uint32_t)failed - removals : r->n_installed;
	r->n_failed += (uint32_t)failed;
}

static const struct bgp_callbacks routing_bgp_cb = {
	.fib_change	= routing_fib_change,
	.peer_state	= routing_peer_state,
	.fib_commit	= routing_fib_commit,
};

/* ---- setup ----------------------------------------------------------- */

/* The session's name, by which a reload finds it again. */
static const char *
routing_neighbor_name(const struct conf_neighbor *n, char *buf, size_t len)
{
	char a[CGW_ADDRSTRLEN];

	snprintf(buf, len, "neighbor %s", addr_fmt(&n->addr, a, sizeof(a)));
	return buf;
}

static void
routing_neighbor_add(struct cgwd *cgwd, const struct conf_neighbor *n)
{
	struct bgp_peer_conf pc;
	struct bgp_peer *peer;

	bgp_peer_conf_defaults(&pc);
	routing_neighbor_name(n, pc.name, sizeof(pc.name));
	pc.role = BGP_ROLE_NEIGHBOR;
	pc.remote = n->addr;
	pc.remote_asn = n->remote_as;
	if ((peer = bgp_peer_add(cgwd->bgp, &pc)) == NULL) {
		log_err(pc.name, "cannot add BGP neighbor: %s", strerror(errno));
		return;
	}
	if (bgp_peer_start(peer) != 0)
		log_err(pc.name, "cannot start BGP: %s", strerror(errno));
}

int
routing_open(struct cgwd *cgwd, char *err, size_t errlen)
{
	const struct conf *c = cgwd->conf;
	const struct conf_network *n;
	const struct conf_neighbor *nb;
	const struct conf_vpn *v;
	struct routing *r;
	struct timeval tv = { .tv_sec = ROUTING_RECONCILE_S };
	char p[CGW_PREFIXSTRLEN];
	bool ecmp = false;

	struct in_addr rid = c->router_id.v4;
	uint32_t asn = c->asn;

	/*
	 * Static vpns alone: the speaker only holds their routes (its RIB
	 * decides and installs them) and talks to nobody, so the AS and
	 * identifier it is given reach no wire.
	 */
	if (!conf_uses_bgp(c) && (asn == 0 || c->router_id.af != AF_INET)) {
		asn = ROUTING_NOBGP_ASN;
		rid.s_addr = htonl(ROUTING_NOBGP_ID);
	} else if (c->router_id.af != AF_INET) {
		snprintf(err, errlen, "BGP needs an IPv4 router-id");
		return -1;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->ev_reconcile = evtimer_new(cgwd->base, routing_reconcile_cb,
	    r)) == NULL ||
	    (r->ev_summary = evtimer_new(cgwd->base, routing_summary_cb,
	    r)) == NULL ||
	    (cgwd->bgp = bgp_new(cgwd->base, asn, rid,
	    &routing_bgp_cb, r)) == NULL) {
		snprintf(err, errlen, "cannot start BGP: %s", strerror(errno));
		if (r != NULL && r->ev_reconcile != NULL)
			event_free(r->ev_reconcile);
		if (r != NULL && r->ev_summary != NULL)
			event_free(r->ev_summary);
		free(r);
		return -1;
	}
	r->cgwd = cgwd;
	evtimer_add(r->ev_reconcile, &tv);
	TAILQ_FOREACH(v, &c->vpns, entry)
		if (v->steering == CONF_STEER_ECMP)
			ecmp = true;
	bgp_set_multipath(cgwd->bgp, ecmp);
	TAILQ_FOREACH(n, &c->networks, entry)
		if (bgp_network_add(cgwd->bgp, &n->prefix) != 0)
			log_err(NULL, "network %s: %s",
			    prefix_fmt(&n->prefix, p, sizeof(p)), strerror(errno));
	TAILQ_FOREACH(nb, &c->neighbors, entry)
		routing_neighbor_add(cgwd, nb);
	return 0;
}

void
routing_close(struct cgwd *cgwd)
{
	struct routing *r;
	struct xfrm_err xe;

	if (cgwd->bgp == NULL)
		return;
	r = bgp_cbarg(cgwd->bgp);
	bgp_free(cgwd->bgp);
	cgwd->bgp = NULL;
	event_free(r->ev_reconcile);
	event_free(r->ev_summary);
	xfrm_route_batch_free(&r->batch);
	free(r->lan);
	free(r);
	/* bgp_free does not call fib_change: the routes are ours to flush. */
	if (cgwd->xfrm != NULL && xfrm_route_flush_ours(cgwd->xfrm, &xe) != 0)
		log_warn(NULL, "removing routes: %s", xe.msg);
}

static bool
routing_has_network(const struct conf *c, const struct cgw_prefix *p)
{
	const struct conf_network *n;

	TAILQ_FOREACH(n, &c->networks, entry)
		if (prefix_eq(&n->prefix, p))
			return true;
	return false;
}

static const struct conf_neighbor *
routing_find_neighbor(const struct conf *c, const char *name)
{
	const struct conf_neighbor *nb;
	char want[BGP_NAME_MAX];

	TAILQ_FOREACH(nb, &c->neighbors, entry) {
		if (strcmp(routing_neighbor_name(nb, want, sizeof(want)),
		    name) == 0)
			return nb;
	}
	return NULL;
}

struct routing_gone {
	struct cgwd		*cgwd;
	const struct conf	*old, *nconf;
	struct bgp_peer		*victims[64];
	size_t			 n;
};

static void
routing_collect_gone(struct bgp_peer *peer, void *arg)
{
	struct routing_gone *g = arg;
	struct bgp_peer_status st;
	const struct conf_neighbor *nb, *was;

	bgp_peer_status(peer, &st);
	if (st.role != BGP_ROLE_NEIGHBOR || g->n == 64)
		return;
	nb = routing_find_neighbor(g->nconf, st.name);
	was = routing_find_neighbor(g->old, st.name);
	/* install-routes changed: the session starts again under the new
	 * setting, its routes put in or taken out on the way. */
	if (nb == NULL || nb->remote_as != st.peer_asn ||
	    (was != NULL && was->install_routes != nb->install_routes))
		g->victims[g->n++] = peer;
}

void
routing_reconfigure(struct cgwd *cgwd, const struct conf *old,
    const struct conf *nconf)
{
	const struct conf_network *n;
	const struct conf_neighbor *nb;
	struct routing_gone g = { .cgwd = cgwd, .old = old, .nconf = nconf };
	struct tunnel *t;
	char name[BGP_NAME_MAX];
	size_t i;

	if (cgwd->bgp == NULL)
		return;
	TAILQ_FOREACH(n, &old->networks, entry)
		if (!routing_has_network(nconf, &n->prefix))
			(void)bgp_network_remove(cgwd->bgp, &n->prefix);
	TAILQ_FOREACH(n, &nconf->networks, entry)
		if (!routing_has_network(old, &n->prefix))
			(void)bgp_network_add(cgwd->bgp, &n->prefix);
	bgp_peer_foreach(cgwd->bgp, routing_collect_gone, &g);
	for (i = 0; i < g.n; i++)
		bgp_peer_remove(g.victims[i]);
	TAILQ_FOREACH(nb, &nconf->neighbors, entry) {
		if (bgp_peer_find(cgwd->bgp, routing_neighbor_name(nb, name,
		    sizeof(name))) == NULL)
			routing_neighbor_add(cgwd, nb);
	}
	/* Static prefixes change in place: the tunnels keep their SAs. */
	TAILQ_FOREACH(t, &cgwd->tunnels, entry)
		if (routing_tunnel_is_static(t) && routing_tunnel_statics(t) != 0)
			log_err(t->name, "static routes: %s", strerror(errno));
	if (old->asn != nconf->asn ||
	    !addr_eq(&old->router_id, &nconf->router_id))
		log_warn(NULL, "asn or router-id changed: BGP goes on with the "
		    "old ones until cgwd restarts");
}

int
routing_tunnel_attach(struct tunnel *t, char *err, size_t errlen)
{
	const struct conf_tunnel *ct = t->conf;
	const struct conf_vpn *v = ct->vpn;
	struct bgp_peer_conf pc;

	if (t->cgwd->bgp == NULL)
		return 0;
	bgp_peer_conf_defaults(&pc);
	snprintf(pc.name, sizeof(pc.name), "%.*s", (int)sizeof(pc.name) - 1, t->name);
	pc.role = BGP_ROLE_TUNNEL;
	pc.local = ct->inside.addr;
	if (!tunnel_peer_inside(t, &pc.remote)) {
		snprintf(err, errlen, "no peer inside address");
		return -1;
	}
	pc.remote_asn = v->peer_asn;
	pc.hold_time = (uint16_t)v->hold_time_s;
	pc.max_prefixes = BGP_AWS_MAX_RECEIVED;
	pc.arg = t;
	/* A static-routing vpn: no session, its prefixes over this tunnel
	 * (next hop the peer's inside address) while the tunnel is up. */
	if (conf_vpn_static(v)) {
		pc.role = BGP_ROLE_STATIC;
		pc.remote_asn = 0;
	}
	/*
	 * Active/standby: the first tunnel carries traffic both ways. The
	 * peer is told by a longer AS path on the others; we prefer the
	 * first tunnel's routes by local preference.
	 */
	if (v->steering == CONF_STEER_ACTIVE_STANDBY && ct->index > 0)
		pc.prepend = (uint8_t)(ct->index > 3 ? 3 : ct->index);
	pc.local_pref = routing_tunnel_lpref(t);
	if ((t->bgp = bgp_peer_add(t->cgwd->bgp, &pc)) == NULL) {
		snprintf(err, errlen, "cannot add BGP peer: %s", strerror(errno));
		return -1;
	}
	if (pc.role == BGP_ROLE_STATIC && routing_tunnel_statics(t) != 0) {
		snprintf(err, errlen, "static routes: %s", strerror(errno));
		bgp_peer_remove(t->bgp);
		t->bgp = NULL;
		return -1;
	}
	/* Failover starts afresh: nothing to cover for or hold down yet. */
	memset(&t->fo, 0, sizeof(t->fo));
	if (t->state == TUNNEL_S_UP)
		routing_tunnel_up(t);
	return 0;
}

int
routing_tunnel_statics(struct tunnel *t)
{
	const struct conf_vpn *v = t->conf->vpn;
	const struct conf_network *n;
	struct cgw_prefix *pv = NULL;
	size_t k = 0;
	int rc;

	if (t->bgp == NULL || !conf_vpn_static(v))
		return 0;
	TAILQ_FOREACH(n, &v->statics, entry)
		k++;
	if ((pv = calloc(k, sizeof(*pv))) == NULL)
		return -1;
	k = 0;
	TAILQ_FOREACH(n, &v->statics, entry)
		pv[k++] = n->prefix;
	rc = bgp_static_set(t->bgp, pv, k);
	free(pv);
	return rc;
}

bool
routing_tunnel_is_static(const struct tunnel *t)
{
	return t->conf != NULL && conf_vpn_static(t->conf->vpn);
}

uint32_t
routing_tunnel_lpref(const struct tunnel *t)
{
	const struct conf_tunnel *ct = t->conf;

	if (ct->vpn->steering != CONF_STEER_ACTIVE_STANDBY)
		return ROUTING_LPREF_STANDBY;
	return ct->index > 0 ? ROUTING_LPREF_STANDBY : ROUTING_LPREF_ACTIVE;
}

void
routing_tunnel_detach(struct tunnel *t)
{
	if (t->bgp == NULL)
		return;
	bgp_peer_remove(t->bgp);
	t->bgp = NULL;
	failover_tunnel_detach(t);
}

void
routing_tunnel_up(struct tunnel *t)
{
	if (t->bgp == NULL)
		return;
	/* A hold-down is in place before the session brings routes. */
	failover_tunnel_up(t);
	if (bgp_peer_start(t->bgp) != 0)
		log_err(t->name, "cannot start BGP: %s", strerror(errno));
}

void
routing_tunnel_down(struct tunnel *t, const char *reason)
{
	if (t->bgp == NULL)
		return;
	bgp_peer_down(t->bgp, reason);
	failover_tunnel_left_up(t);
	/*
	 * Now, not at the next loop turn: the IKE engine reports a death
	 * before it takes the SAs out of the kernel, so the routes move to
	 * the surviving tunnel, and the covers leave over it, while this
	 * tunnel still has its SAs.
	 */
	bgp_flush(t->cgwd->bgp);
}

/* ---- views ------------------------------------------------------------- */

/* "Established" -> "established", as SPEC section 5 writes states. */
static const char *
routing_state_lc(enum bgp_state s, char *buf, size_t len)
{
	const char *n = bgp_state_name(s);
	size_t i;

	for (i = 0; n[i] != '\0' && i + 1 < len; i++)
		buf[i] = (char)tolower((unsigned char)n[i]);
	buf[i] = '\0';
	return buf;
}

static json_t *
routing_json_status(const struct bgp_peer_status *st)
{
	char state[16], a[CGW_ADDRSTRLEN], id[CGW_ADDRSTRLEN];
	struct cgw_addr rid = { .af = AF_INET, .v4 = st->peer_id };
	json_t *afs = json_array();

	/* What the session carries (RFC 4760): both sides offered it. */
	if (st->ipv4)
		json_array_append_new(afs, json_string("ipv4-unicast"));
	if (st->ipv6)
		json_array_append_new(afs, json_string("ipv6-unicast"));
	/* No session, no uptime: null, not 0 s. */
	return json_pack("{s:s, s:s, s:I, s:s, s:s, s:o, s:I, s:o, s:I, s:I, "
	    "s:I, s:s, s:s}",
	    "name", st->name,
	    "peer", addr_fmt(&st->remote, a, sizeof(a)),
	    "peer_asn", (json_int_t)st->peer_asn,
	    "peer_id", addr_fmt(&rid, id, sizeof(id)),
	    "state", routing_state_lc(st->state, state, sizeof(state)),
	    "uptime_s", st->state == BGP_ST_ESTABLISHED ?
		json_integer((json_int_t)st->uptime_s) : json_null(),
	    "hold_time_s", (json_int_t)st->hold_time,
	    "address_families", afs,
	    "prefixes_received", (json_int_t)st->prefixes_received,
	    "prefixes_advertised", (json_int_t)st->prefixes_advertised,
	    /* Failover halves, counted in prefixes_advertised too. */
	    "covers_advertised", (json_int_t)st->covers_advertised,
	    "last_error", st->last_error,
	    "previous_error", st->prev_error);
}

json_t *
routing_json_tunnel(const struct tunnel *t)
{
	struct bgp_peer_status st;

	/* A static tunnel has no session to describe. */
	if (t->bgp == NULL || routing_tunnel_is_static(t))
		return json_null();
	bgp_peer_status(t->bgp, &st);
	return routing_json_status(&st);
}

const char *
routing_tunnel_state(const struct tunnel *t, char *buf, size_t len)
{
	struct bgp_peer_status st;

	if (routing_tunnel_is_static(t))
		return "static";
	if (t->bgp == NULL)
		return "idle";
	bgp_peer_status(t->bgp, &st);
	return routing_state_lc(st.state, buf, len);
}

static void
routing_json_peer(struct bgp_peer *peer, void *arg)
{
	struct bgp_peer_status st;

	bgp_peer_status(peer, &st);
	json_array_append_new(arg, routing_json_status(&st));
}

json_t *
routing_json_peers(struct cgwd *cgwd)
{
	json_t *arr = json_array();

	if (cgwd->bgp != NULL)
		bgp_peer_foreach(cgwd->bgp, routing_json_peer, arr);
	return json_pack("{s:o}", "bgp", arr);
}

static void
routing_json_route(const struct bgp_route_info *ri, void *arg)
{
	const struct tunnel *t = ri->peer ? bgp_peer_arg(ri->peer) : NULL;
	char p[CGW_PREFIXSTRLEN], nh[CGW_ADDRSTRLEN];
	json_t *path = json_array();
	size_t i;
	const char *source = ri->peer == NULL ? "local" :
	    t != NULL && routing_tunnel_is_static(t) ? "static" : "bgp";

	for (i = 0; i < ri->as_path_len; i++)
		json_array_append_new(path, json_integer(ri->as_path[i]));
	json_array_append_new(arg, json_pack(
	    "{s:s, s:s, s:o, s:o, s:o, s:s, s:o, s:b, s:b, s:I, s:I}",
	    "prefix", prefix_fmt(ri->prefix, p, sizeof(p)),
	    "source", source,
	    "next_hop", addr_is_set(&ri->nexthop) ?
		json_string(addr_fmt(&ri->nexthop, nh, sizeof(nh))) : json_null(),
	    "interface", t ? json_string(t->ifname) : json_null(),
	    "tunnel", t ? json_string(t->name) : json_null(),
	    "from", ri->peer_name,
	    "as_path", path,
	    "best", ri->best,
	    "installed", ri->installed,
	    "local_pref", (json_int_t)ri->local_pref,
	    "med", (json_int_t)ri->med));
}

json_t *
routing_json_routes(struct cgwd *cgwd)
{
	json_t *arr = json_array();

	if (cgwd->bgp != NULL)
		bgp_rib_walk(cgwd->bgp, routing_json_route, arr);
	return json_pack("{s:o}", "routes", arr);
}

/* A static tunnel's prefixes, each with the kernel's answer. */
struct routing_statics {
	const struct tunnel	*t;
	json_t			*arr;
};

static void
routing_static_route(const struct bgp_route_info *ri, void *arg)
{
	struct routing_statics *rs = arg;
	char p[CGW_PREFIXSTRLEN];

	if (ri->peer == NULL || bgp_peer_arg(ri->peer) != rs->t)
		return;
	json_array_append_new(rs->arr, json_pack("{s:s, s:b, s:b}",
	    "prefix", prefix_fmt(ri->prefix, p, sizeof(p)),
	    "best", ri->best,
	    "installed", ri->installed));
}

json_t *
routing_json_statics(const struct tunnel *t)
{
	const struct conf_network *n;
	struct routing_statics rs = { .t = t };
	char p[CGW_PREFIXSTRLEN];
	json_t *configured;

	if (!routing_tunnel_is_static(t))
		return json_null();
	rs.arr = json_array();
	configured = json_array();
	TAILQ_FOREACH(n, &t->conf->vpn->statics, entry)
		json_array_append_new(configured, json_string(prefix_fmt(
		    &n->prefix, p, sizeof(p))));
	/* In the RIB only while the tunnel is up. */
	if (t->bgp != NULL && t->cgwd->bgp != NULL)
		bgp_rib_walk(t->cgwd->bgp, routing_static_route, &rs);
	return json_pack("{s:o, s:o}", "prefixes", configured, "routes",
	    rs.arr);
}

struct routing_count {
	const struct tunnel	*t;
	size_t			 n;
};

static void
routing_count_route(const struct bgp_route_info *ri, void *arg)
{
	struct routing_count *c = arg;

	if (ri->installed && ri->peer != NULL && bgp_peer_arg(ri->peer) == c->t)
		c->n++;
}

size_t
routing_tunnel_routes(const struct tunnel *t)
{
	struct routing_count c = { .t = t };

	if (t->cgwd->bgp != NULL)
		bgp_rib_walk(t->cgwd->bgp, routing_count_route, &c);
	return c.n;
}
