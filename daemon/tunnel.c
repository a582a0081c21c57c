#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/cgwd.h"
#include "daemon/events.h"
#include "daemon/ipsec.h"
#include "daemon/routing.h"
#include "daemon/tunnel.h"
#include "ike/ike.h"
#include "lib/log.h"
#include "lib/names.h"

static const char *const tunnel_state_names[TUNNEL_S_MAX] = {
	[TUNNEL_S_DOWN]		= "down",
	[TUNNEL_S_CONNECTING]	= "connecting",
	[TUNNEL_S_UP]		= "up",
};

static const char *const tunnel_ev_names[TUNNEL_EV_MAX] = {
	[TUNNEL_EV_START]	= "start",
	[TUNNEL_EV_CHILD_UP]	= "child-up",
	[TUNNEL_EV_DEAD]	= "dead",
	[TUNNEL_EV_LOST]	= "lost",
	[TUNNEL_EV_ADMIN_DOWN]	= "admin-down",
	[TUNNEL_EV_RECONFIG]	= "reconfig",
};

/*
 * Next state for (state, event). A CHILD_UP in "down" is a peer that
 * initiated (AWS with startup action "start"): the tunnel is up all the
 * same. A START while up is an IKE SA rekey, not a new negotiation.
 */
static const enum tunnel_state tunnel_next[TUNNEL_S_MAX][TUNNEL_EV_MAX] = {
	[TUNNEL_S_DOWN] = {
		[TUNNEL_EV_START]	= TUNNEL_S_CONNECTING,
		[TUNNEL_EV_CHILD_UP]	= TUNNEL_S_UP,
		[TUNNEL_EV_DEAD]	= TUNNEL_S_DOWN,
		[TUNNEL_EV_LOST]	= TUNNEL_S_CONNECTING,
		[TUNNEL_EV_ADMIN_DOWN]	= TUNNEL_S_DOWN,
		[TUNNEL_EV_RECONFIG]	= TUNNEL_S_DOWN,
	},
	[TUNNEL_S_CONNECTING] = {
		[TUNNEL_EV_START]	= TUNNEL_S_CONNECTING,
		[TUNNEL_EV_CHILD_UP]	= TUNNEL_S_UP,
		[TUNNEL_EV_DEAD]	= TUNNEL_S_DOWN,
		[TUNNEL_EV_LOST]	= TUNNEL_S_CONNECTING,
		[TUNNEL_EV_ADMIN_DOWN]	= TUNNEL_S_DOWN,
		[TUNNEL_EV_RECONFIG]	= TUNNEL_S_DOWN,
	},
	[TUNNEL_S_UP] = {
		[TUNNEL_EV_START]	= TUNNEL_S_UP,
		[TUNNEL_EV_CHILD_UP]	= TUNNEL_S_UP,
		[TUNNEL_EV_DEAD]	= TUNNEL_S_DOWN,
		[TUNNEL_EV_LOST]	= TUNNEL_S_CONNECTING,
		[TUNNEL_EV_ADMIN_DOWN]	= TUNNEL_S_DOWN,
		[TUNNEL_EV_RECONFIG]	= TUNNEL_S_DOWN,
	},
};

const char *
tunnel_state_name(enum tunnel_state s)
{
	return CGW_ENUM_NAME(tunnel_state_names, s);
}

const char *
tunnel_ev_name(enum tunnel_ev ev)
{
	return CGW_ENUM_NAME(tunnel_ev_names, ev);
}

struct tunnel *
tunnel_new(struct cgwd *cgwd, const struct conf_tunnel *ct, const char *ifname)
{
	struct tunnel *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->cgwd = cgwd;
	t->conf = ct;
	snprintf(t->name, sizeof(t->name), "%s", ct->fullname);
	snprintf(t->ifname, sizeof(t->ifname), "%s", ifname);
	t->state = TUNNEL_S_DOWN;
	t->state_since = cgwd_now();
	snprintf(t->reason, sizeof(t->reason), "configured");
	log_info(t->name, "configured: remote %s, interface %s",
	    addr_fmt(&ct->remote, (char[CGW_ADDRSTRLEN]){0}, CGW_ADDRSTRLEN),
	    t->ifname);
	return t;
}

void
tunnel_free(struct tunnel *t)
{
	if (t == NULL)
		return;
	routing_tunnel_detach(t);
	ipsec_tunnel_release(t);
	if (t->state != TUNNEL_S_DOWN)
		tunnel_event(t, TUNNEL_EV_ADMIN_DOWN, "removed");
	free(t);
}

struct tunnel *
tunnel_find(struct tunnels *ts, const char *name)
{
	struct tunnel *t;

	TAILQ_FOREACH(t, ts, entry)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

void
tunnel_history_add(struct tunnel_history *h, time_t when,
    enum tunnel_state from, enum tunnel_state to, const char *reason)
{
	struct tunnel_transition *e = &h->ent[h->next % TUNNEL_HISTORY_MAX];

	e->when = when;
	e->from = from;
	e->to = to;
	snprintf(e->reason, sizeof(e->reason), "%s", reason ? reason : "");
	h->next = (h->next + 1) % TUNNEL_HISTORY_MAX;
	if (h->n < TUNNEL_HISTORY_MAX)
		h->n++;
}

const struct tunnel_transition *
tunnel_history_get(const struct tunnel_history *h, size_t i)
{
	size_t first;

	if (i >= h->n || h->n > TUNNEL_HISTORY_MAX)
		return NULL;
	/* Until the ring is full the oldest is slot 0; then it is `next`. */
	first = h->n < TUNNEL_HISTORY_MAX ? 0 : h->next % TUNNEL_HISTORY_MAX;
	return &h->ent[(first + i) % TUNNEL_HISTORY_MAX];
}

/*
 * Reasons start with the IKE engine's event name ("auth-failed: ...",
 * daemon/ipsec.c) or are the daemon's own words; the class is what an
 * operator acts on, the full text stays in `show tunnel NAME`.
 */
static const struct {
	const char	*prefix;
	const char	*class;
} tunnel_reason_classes[] = {
	{ "operator: tunnel down",	"admin down" },
	{ "dead",			"peer not answering" },
	{ "auth-failed",		"auth failed" },
	{ "no-proposal",		"no proposal chosen" },
	{ "ts-unacceptable",		"ts unacceptable" },
	{ "kernel-error",		"kernel error" },
	{ "deleted",			"sa deleted" },
	{ "expired",			"sa expired" },
	{ "child-down",			"child sa down" },
	{ "error",			"ike error" },
	{ "reconfigured",		"reconfigured" },
	{ "removed",			"removed" },
	{ "configured",			"not started" },
};

const char *
tunnel_reason_class(enum tunnel_state state, bool admin_down,
    const char *reason, const char *kernel_error)
{
	size_t i, n;

	if (state == TUNNEL_S_UP)
		return NULL;
	if (admin_down)
		return "admin down";
	if (kernel_error != NULL && *kernel_error != '\0')
		return "kernel error";
	if (reason == NULL)
		reason = "";
	for (i = 0; i < sizeof(tunnel_reason_classes) /
	    sizeof(tunnel_reason_classes[0]); i++) {
		n = strlen(tunnel_reason_classes[i].prefix);
		/* The whole word: "error" must not match "errors-x". */
		if (strncmp(reason, tunnel_reason_classes[i].prefix, n) == 0 &&
		    (reason[n] == '\0' || reason[n] == ':'))
			return tunnel_reason_classes[i].class;
	}
	return state == TUNNEL_S_CONNECTING ? "connecting" : "down";
}

/* For `cgwctl monitor`: built only while someone listens. */
static void
tunnel_publish(struct tunnel *t, enum tunnel_state from, enum tunnel_state to,
    const char *reason)
{
	if (!cgwd_event_wanted(t->cgwd))
		return;
	if (from == to)
		cgwd_event(t->cgwd, CGWD_EV_TUNNEL, t->name, json_pack(
		    "{s:s, s:s, s:s}", "from", tunnel_state_name(from), "to",
		    tunnel_state_name(to), "reason", reason), "stays %s (%s)",
		    tunnel_state_name(from), reason);
	else
		cgwd_event(t->cgwd, CGWD_EV_TUNNEL, t->name, json_pack(
		    "{s:s, s:s, s:s}", "from", tunnel_state_name(from), "to",
		    tunnel_state_name(to), "reason", reason), "%s -> %s (%s)",
		    tunnel_state_name(from), tunnel_state_name(to), reason);
}

void
tunnel_event(struct tunnel *t, enum tunnel_ev ev, const char *reason)
{
	enum tunnel_state old = t->state, next;

	if ((unsigned)ev >= TUNNEL_EV_MAX) {
		log_err(t->name, "unknown tunnel event %d ignored", (int)ev);
		return;
	}
	next = tunnel_next[old][ev];
	if (reason == NULL)
		reason = tunnel_ev_name(ev);
	if (next == old) {
		/* A tunnel that is not up shows why: the latest failure. */
		if (old != TUNNEL_S_UP && (ev == TUNNEL_EV_DEAD ||
		    ev == TUNNEL_EV_LOST) && strcmp(t->reason, reason) != 0) {
			snprintf(t->reason, sizeof(t->reason), "%s", reason);
			if (t->cgwd != NULL)
				cgwd_status_update(t->cgwd);
		}
		/* A monitor sees it all the same (rekeys, retries, reloads). */
		tunnel_publish(t, old, old, reason);
		log_debug(t->name, "%s: %s (stays %s)", tunnel_ev_name(ev),
		    reason, tunnel_state_name(old));
		return;
	}
	log_msg(old == TUNNEL_S_UP && (ev == TUNNEL_EV_DEAD ||
	    ev == TUNNEL_EV_LOST) ? LOG_LVL_WARN : LOG_LVL_INFO, t->name,
	    "%s -> %s (%s)", tunnel_state_name(old), tunnel_state_name(next),
	    reason);
	tunnel_history_add(&t->history, time(NULL), old, next, reason);
	tunnel_publish(t, old, next, reason);
	t->state = next;
	t->state_since = cgwd_now();
	snprintf(t->reason, sizeof(t->reason), "%s", reason);
	/*
	 * Leaving "up" closes the tunnel's BGP session and withdraws its
	 * routes at once (SPEC 6), so the other tunnel's take over; entering
	 * "up" starts the session.
	 */
	if (old == TUNNEL_S_UP)
		routing_tunnel_down(t, reason);
	else if (next == TUNNEL_S_UP)
		routing_tunnel_up(t);
	if (t->cgwd != NULL)
		cgwd_status_update(t->cgwd);
}

/*
 * Operator commands go to the IKE engine; its callbacks then drive
 * tunnel_event. Without an engine (IPsec failed to start, unit tests)
 * they say so.
 */
const char *
tunnel_up(struct tunnel *t)
{
	if (t->ike == NULL)
		return TUNNEL_ERR_NO_IKE;
	t->admin_down = false;
	if (ike_peer_initiate(t->ike) != 0)
		return "cannot initiate: see the daemon's log";
	tunnel_event(t, TUNNEL_EV_START, "operator: tunnel up");
	return NULL;
}

const char *
tunnel_down(struct tunnel *t)
{
	if (t->ike == NULL)
		return TUNNEL_ERR_NO_IKE;
	t->admin_down = true;
	if (ike_peer_terminate(t->ike) != 0)
		return "cannot terminate: see the daemon's log";
	tunnel_event(t, TUNNEL_EV_ADMIN_DOWN, "operator: tunnel down");
	return NULL;
}

const char *
tunnel_rekey(struct tunnel *t)
{
	if (t->ike == NULL)
		return TUNNEL_ERR_NO_IKE;
	if (t->state != TUNNEL_S_UP)
		return "tunnel is not up: nothing to rekey";
	if (ike_peer_rekey_child(t->ike) != 0)
		return "cannot rekey: see the daemon's log";
	return NULL;
}

static bool
proposals_eq(const struct conf_proposal *a, size_t na,
    const struct conf_proposal *b, size_t nb)
{
	size_t i, j;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++) {
		if (a[i].nxf != b[i].nxf)
			return false;
		for (j = 0; j < a[i].nxf && j < CONF_MAX_XFORMS; j++) {
			if (a[i].xf[j].type != b[i].xf[j].type ||
			    a[i].xf[j].id != b[i].xf[j].id ||
			    a[i].xf[j].keybits != b[i].xf[j].keybits)
				return false;
		}
	}
	return true;
}

static bool
conf_id_eq(const struct conf_id *a, const struct conf_id *b)
{
	return a->type == b->type && a->len == b->len &&
	    memcmp(a->data, b->data, a->len) == 0;
}

static void
what_add(char *what, size_t whatlen, const char *field)
{
	size_t n = strlen(what);

	if (n >= whatlen)
		return;
	snprintf(what + n, whatlen - n, "%s%s", n ? ", " : "", field);
}

bool
tunnel_conf_changed(const struct conf *ca, const struct conf_tunnel *a,
    const struct conf *cb, const struct conf_tunnel *b, char *what,
    size_t whatlen)
{
	const struct conf_vpn *va = a->vpn, *vb = b->vpn;

	if (whatlen > 0)
		what[0] = '\0';
	if (!addr_eq(&a->remote, &b->remote))
		what_add(what, whatlen, "remote");
	if (!addr_eq(&a->inside.addr, &b->inside.addr) ||
	    a->inside.len != b->inside.len)
		what_add(what, whatlen, "inside");
	/* Compared, never printed: only the fact that it changed is. */
	if (a->psk_len != b->psk_len || (a->psk_len > 0 &&
	    (a->psk == NULL || b->psk == NULL ||
	    memcmp(a->psk, b->psk, a->psk_len) != 0)))
		what_add(what, whatlen, "psk");
	if (strcmp(a->ifname, b->ifname) != 0)
		what_add(what, whatlen, "interface");
	if (a->mtu != b->mtu)
		what_add(what, whatlen, "mtu");
	if (a->index != b->index)
		what_add(what, whatlen, "position");
	/* Effective values: the tunnel's own or its vpn's (conf_tunnel). */
	if (!proposals_eq(a->ike, a->n_ike, b->ike, b->n_ike))
		what_add(what, whatlen, "ike proposal");
	if (!proposals_eq(a->esp, a->n_esp, b->esp, b->n_esp))
		what_add(what, whatlen, "esp proposal");
	if (a->ike_lifetime_s != b->ike_lifetime_s ||
	    a->esp_lifetime_s != b->esp_lifetime_s)
		what_add(what, whatlen, "lifetime");
	if (a->dpd_interval_ms != b->dpd_interval_ms ||
	    a->dpd_timeout_ms != b->dpd_timeout_ms)
		what_add(what, whatlen, "dpd");
	if (a->replay_window != b->replay_window)
		what_add(what, whatlen, "replay-window");
	if (a->startup != b->startup)
		what_add(what, whatlen, "startup");
	if (!prefix_eq(&a->ts_local, &b->ts_local) ||
	    !prefix_eq(&a->ts_remote, &b->ts_remote))
		what_add(what, whatlen, "traffic-selectors");
	if (va != NULL && vb != NULL) {
		/* Static prefixes change in place (routing_reconfigure);
		 * static against BGP is another routing peer. */
		if (conf_vpn_static(va) != conf_vpn_static(vb))
			what_add(what, whatlen, "routing");
		if (!addr_eq(&va->local, &vb->local))
			what_add(what, whatlen, "local");
		if (va->peer_asn != vb->peer_asn)
			what_add(what, whatlen, "peer-asn");
		if (va->hold_time_s != vb->hold_time_s)
			what_add(what, whatlen, "hold-time");
		if (va->steering != vb->steering)
			what_add(what, whatlen, "steering");
		if (!conf_id_eq(&va->local_id, &vb->local_id))
			what_add(what, whatlen, "local-id");
		if (!conf_id_eq(&va->remote_id, &vb->remote_id))
			what_add(what, whatlen, "remote-id");
	}
	/* The BGP session carries our ASN and router id. */
	if (ca != NULL && cb != NULL) {
		if (ca->asn != cb->asn)
			what_add(what, whatlen, "asn");
		if (!addr_eq(&ca->router_id, &cb->router_id))
			what_add(what, whatlen, "router-id");
	}
	return whatlen > 0 && what[0] != '\0';
}

void
tunnel_reconfigure(struct tunnel *t, const struct conf_tunnel *ct,
    const char *changed)
{
	char reason[TUNNEL_REASON_MAX];

	t->conf = ct;
	if (changed == NULL || *changed == '\0')
		return;
	log_info(t->name, "configuration changed: %s", changed);
	snprintf(reason, sizeof(reason), "reconfigured: %s", changed);
	tunnel_event(t, TUNNEL_EV_RECONFIG, reason);
}

static bool
ifname_taken(const struct tunnels *ts, const struct conf *conf,
    const struct conf_tunnel *self, const char *name)
{
	const struct conf_vpn *v;
	const struct conf_tunnel *ct;
	const struct tunnel *t;

	TAILQ_FOREACH(t, ts, entry)
		if (strcmp(t->ifname, name) == 0)
			return true;
	/* A later tunnel may name it explicitly: keep it free for it. */
	TAILQ_FOREACH(v, &conf->vpns, entry)
		TAILQ_FOREACH(ct, &v->tunnels, entry)
			if (ct != self && strcmp(ct->ifname, name) == 0)
				return true;
	return false;
}

int
tunnel_ifname_pick(const struct tunnels *ts, const struct conf *conf,
    const struct conf_tunnel *ct, char *out, size_t outlen)
{
	const struct tunnel *t;
	unsigned n;

	if (ct->ifname[0] != '\0') {
		TAILQ_FOREACH(t, ts, entry)
			if (strcmp(t->ifname, ct->ifname) == 0)
				return -1;
		snprintf(out, outlen, "%s", ct->ifname);
		return 0;
	}
	for (n = 0; n < 10000; n++) {
		snprintf(out, outlen, TUNNEL_IFPREFIX "%u", n);
		if (!ifname_taken(ts, conf, ct, out))
			return 0;
	}
	return -1;
}

bool
tunnel_peer_inside(const struct tunnel *t, struct cgw_addr *out)
{
	const struct cgw_prefix *in = &t->conf->inside;

	if (in->addr.af != AF_INET)
		return false;
	/* AWS holds host 1 and gives us host 2; accept the mirror too. */
	return prefix_host(in, prefix_host_index(in) == 1 ? 2 : 1, out);
}
