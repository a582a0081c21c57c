/*
 * The JSON the control socket answers with. Keys are the stable contract
 * of SPEC section 5: add keys, never rename or remove them. Nothing here
 * may reach a PSK: tunnels are described from addresses and names only.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "daemon/cgwd.h"
#include "daemon/ctl.h"
#include "daemon/counters.h"
#include "daemon/failover.h"
#include "daemon/ipsec.h"
#include "daemon/routing.h"
#include "daemon/tunnel.h"
#include "ike/ike.h"
#include "xfrm/xfrm.h"

static json_t *
ctl_json_addr(const struct cgw_addr *a)
{
	char buf[CGW_ADDRSTRLEN];

	if (!addr_is_set(a))
		return json_null();
	return json_string(addr_fmt(a, buf, sizeof(buf)));
}

static json_t *
ctl_json_prefix(const struct cgw_prefix *p)
{
	char buf[CGW_PREFIXSTRLEN];

	if (!addr_is_set(&p->addr))
		return json_null();
	return json_string(prefix_fmt(p, buf, sizeof(buf)));
}

/*
 * An uptime belongs to an established session: anything else gets null,
 * not the 0 the speaker reports, which reads as "just came up".
 */
static json_t *
ctl_json_bgp_truth(json_t *peer)
{
	const char *state = json_string_value(json_object_get(peer, "state"));

	if (json_is_object(peer) &&
	    (state == NULL || strcmp(state, "established") != 0))
		json_object_set_new(peer, "uptime_s", json_null());
	return peer;
}

/* The tunnel's BGP session; "idle" while BGP is not running. */
static json_t *
ctl_json_bgp(const struct tunnel *t)
{
	const struct conf_vpn *v = t->conf->vpn;

	/* A static-routing tunnel runs no BGP: null. */
	if (routing_tunnel_is_static(t))
		return json_null();
	if (t->bgp != NULL)
		return ctl_json_bgp_truth(routing_json_tunnel(t));
	return json_pack("{s:s, s:I, s:n, s:I, s:I, s:I}",
	    "state", "idle",
	    "peer_asn", (json_int_t)(v ? v->peer_asn : 0),
	    "uptime_s",
	    "prefixes_received", (json_int_t)0,
	    "prefixes_advertised", (json_int_t)0,
	    "covers_advertised", (json_int_t)0);
}

/* An integer, or null when it describes nothing (no SA, no rekey due). */
static json_t *
ctl_json_int_if(bool real, json_int_t v)
{
	return real ? json_integer(v) : json_null();
}

/*
 * Without an SA (the peer waits to re-initiate) there is no age; only an
 * established SA has a rekey ahead of it.
 */
static json_t *
ctl_json_ike(const struct ike_status *st)
{
	char spi_i[17], spi_r[17];
	bool sa = st->spi_i != 0 || st->spi_r != 0;
	bool up = strcmp(st->state, "established") == 0;

	snprintf(spi_i, sizeof(spi_i), "%016llx", (unsigned long long)st->spi_i);
	snprintf(spi_r, sizeof(spi_r), "%016llx", (unsigned long long)st->spi_r);
	return json_pack("{s:s, s:s, s:o, s:o, s:b, s:b, s:b, s:s, s:s, s:s}",
	    "state", st->state,
	    "proposal", st->proposal,
	    "age_s", ctl_json_int_if(sa, st->age_s),
	    "rekey_in_s", ctl_json_int_if(up, st->rekey_in_s),
	    "nat", st->nat_local || st->nat_remote,
	    "nat_local", st->nat_local,
	    "initiator", st->initiator,
	    "spi_i", spi_i,
	    "spi_r", spi_r,
	    "last_error", st->last_error);
}

/* Counters come from the kernel, so they match `ip -s xfrm state`. */
static json_t *
ctl_json_child(const struct tunnel *t, const struct ike_child_status *c)
{
	struct xfrm_ctx *x = t->cgwd->xfrm;
	struct xfrm_sa_stats in = { 0 }, out = { 0 };
	char spi_in[9], spi_out[9];

	if (x != NULL && t->ipsec != NULL) {
		(void)xfrm_sa_stats(x, &t->conf->vpn->local, c->spi_in, &in, NULL);
		(void)xfrm_sa_stats(x, &t->conf->remote, c->spi_out, &out, NULL);
	}
	snprintf(spi_in, sizeof(spi_in), "%08x", c->spi_in);
	snprintf(spi_out, sizeof(spi_out), "%08x", c->spi_out);
	return json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I}",
	    "spi_in", spi_in,
	    "spi_out", spi_out,
	    "proposal", c->proposal,
	    "bytes_in", (json_int_t)in.bytes,
	    "bytes_out", (json_int_t)out.bytes,
	    "packets_in", (json_int_t)in.packets,
	    "packets_out", (json_int_t)out.packets,
	    "age_s", (json_int_t)c->age_s,
	    "rekey_in_s", (json_int_t)c->rekey_in_s);
}

/* ike: null while the tunnel has no IKE peer (IPsec not running). */
static void
ctl_json_tunnel_sas(const struct tunnel *t, json_t **ike, json_t **children)
{
	struct ike_status st;
	size_t i;

	*children = json_array();
	if (t->ike == NULL) {
		*ike = json_null();
		return;
	}
	ike_peer_status(t->ike, &st);
	*ike = ctl_json_ike(&st);
	for (i = 0; i < st.n_child && i < IKE_STATUS_MAX_CHILD; i++)
		json_array_append_new(*children, ctl_json_child(t, &st.child[i]));
}

json_t *
ctl_json_sas(struct cgwd *cgwd)
{
	struct tunnel *t;
	json_t *arr, *ike, *children;

	if ((arr = json_array()) == NULL)
		return NULL;
	TAILQ_FOREACH(t, &cgwd->tunnels, entry) {
		ctl_json_tunnel_sas(t, &ike, &children);
		json_array_append_new(arr, json_pack("{s:s, s:o, s:o}",
		    "tunnel", t->name, "ike", ike, "child_sas", children));
	}
	return json_pack("{s:o}", "sas", arr);
}

/* The interface's name only while it exists: the configured name of an
 * interface the kernel refused is no interface (kernel_error says why;
 * interface_name is the name it has or would have). */
static json_t *
ctl_json_iface(const struct tunnel *t)
{
	if (t->ipsec == NULL || t->ipsec->ifindex <= 0)
		return json_null();
	return json_string(t->ifname);
}

static const char *
ctl_tunnel_kernel_error(const struct tunnel *t)
{
	return t->ipsec ? t->ipsec->kernel_error : "";
}

/* A short "why not up" for tables; null while up (SPEC 5 adds keys only). */
static json_t *
ctl_json_reason_class(const struct tunnel *t)
{
	const char *c = tunnel_reason_class(t->state, t->admin_down, t->reason,
	    ctl_tunnel_kernel_error(t));

	return c ? json_string(c) : json_null();
}

json_t *
ctl_json_tunnel(const struct tunnel *t)
{
	json_t *ike, *children;
	const struct conf_tunnel *ct = t->conf;
	struct cgw_addr peer;
	json_t *peer_inside;

	peer_inside = tunnel_peer_inside(t, &peer) ? ctl_json_addr(&peer) :
	    json_null();
	long long holddown = failover_holddown_left(t);

	ctl_json_tunnel_sas(t, &ike, &children);
	/* holddown_s: null unless the tunnel is back and not yet stable. */
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:o,"
	    " s:o, s:s, s:o, s:I, s:s, s:b, s:s, s:o, s:o, s:o}",
	    "name", t->name,
	    "state", tunnel_state_name(t->state),
	    "local", ct->vpn ? ctl_json_addr(&ct->vpn->local) : json_null(),
	    "remote", ctl_json_addr(&ct->remote),
	    "interface", ctl_json_iface(t),
	    "interface_name", t->ifname,
	    "inside", ctl_json_prefix(&ct->inside),
	    "peer_inside", peer_inside,
	    "ike", ike,
	    "child_sas", children,
	    "bgp", ctl_json_bgp(t),
	    "routing", routing_tunnel_is_static(t) ? "static" : "bgp",
	    "static", routing_json_statics(t),
	    "state_age_s", (json_int_t)(cgwd_now() - t->state_since),
	    "state_reason", t->reason,
	    "admin_down", t->admin_down,
	    "kernel_error", ctl_tunnel_kernel_error(t),
	    "reason_class", ctl_json_reason_class(t),
	    "holddown_s", holddown >= 0 ?
		json_integer((json_int_t)holddown) : json_null(),
	    "counters", counters_json(t));
}

/* The last transitions, oldest first: {"time": epoch, "from", "to", "reason"}. */
static json_t *
ctl_json_history(const struct tunnel *t)
{
	const struct tunnel_transition *e;
	json_t *arr;
	size_t i;

	if ((arr = json_array()) == NULL)
		return NULL;
	for (i = 0; (e = tunnel_history_get(&t->history, i)) != NULL; i++)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s}",
		    "time", (json_int_t)e->when,
		    "from", tunnel_state_name(e->from),
		    "to", tunnel_state_name(e->to),
		    "reason", e->reason));
	return arr;
}

/* `show tunnel NAME`: the tunnel's object of `show tunnels`, with history. */
json_t *
ctl_json_tunnel_detail(const struct tunnel *t)
{
	json_t *o = ctl_json_tunnel(t), *h;

	if (o == NULL)
		return NULL;
	if ((h = ctl_json_history(t)) == NULL ||
	    json_object_set_new(o, "history", h) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *
ctl_json_tunnels(struct cgwd *cgwd)
{
	struct tunnel *t;
	json_t *arr;

	if ((arr = json_array()) == NULL)
		return NULL;
	TAILQ_FOREACH(t, &cgwd->tunnels, entry) {
		if (json_array_append_new(arr, ctl_json_tunnel(t)) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return json_pack("{s:o}", "tunnels", arr);
}

/*
 * One line per tunnel for `cgwctl status`: ages are null while there is
 * no SA, routes counts the prefixes installed through the tunnel.
 */
json_t *
ctl_json_status(struct cgwd *cgwd)
{
	struct tunnel *t;
	json_t *arr, *row;

	if ((arr = json_array()) == NULL)
		return NULL;
	TAILQ_FOREACH(t, &cgwd->tunnels, entry) {
		struct ike_status st = { .n_child = 0 };
		char bgp[16];
		json_t *ike_age = json_null(), *child_age = json_null();

		if (t->ike != NULL) {
			ike_peer_status(t->ike, &st);
			if (strcmp(st.state, "established") == 0)
				ike_age = json_integer(st.age_s);
			if (st.n_child > 0)
				child_age = json_integer(st.child[0].age_s);
		}
		row = json_pack("{s:s, s:s, s:o, s:s, s:I, s:o, s:o, s:s, s:s, "
		    "s:I}",
		    "name", t->name,
		    "state", tunnel_state_name(t->state),
		    "reason_class", ctl_json_reason_class(t),
		    "state_reason", t->reason,
		    "state_age_s", (json_int_t)(cgwd_now() - t->state_since),
		    "ike_age_s", ike_age,
		    "child_age_s", child_age,
		    "bgp", routing_tunnel_state(t, bgp, sizeof(bgp)),
		    "routing", routing_tunnel_is_static(t) ? "static" : "bgp",
		    "routes", (json_int_t)routing_tunnel_routes(t));
		if (json_array_append_new(arr, row) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return json_pack("{s:s, s:I, s:I, s:o}",
	    "config", cgwd->conf_path,
	    "uptime_s", (json_int_t)(cgwd_now() - cgwd->started),
	    "reloads", (json_int_t)cgwd->reloads,
	    "tunnels", arr);
}

json_t *
ctl_json_bgp_peers(struct cgwd *cgwd)
{
	json_t *res = routing_json_peers(cgwd), *peer;
	size_t i;

	json_array_foreach(json_object_get(res, "bgp"), i, peer)
		ctl_json_bgp_truth(peer);
	return res;
}

json_t *
ctl_json_routes(struct cgwd *cgwd)
{
	return routing_json_routes(cgwd);
}
