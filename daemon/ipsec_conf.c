/*
 * A tunnel's configuration in the IKE engine's terms. The mapping lives in
 * the daemon, which knows both conf/ and ike/, so ike/ never includes the
 * configuration's tunnel structures.
 */
#include <stdio.h>
#include <string.h>

#include "conf/conf.h"
#include "daemon/ipsec.h"
#include "ike/ike.h"

/* Both hold IANA ID types and at most 255 bytes (CONF_ID_MAX). */
static void
ipsec_id_from_conf(struct ike_id *id, const struct conf_id *cid)
{
	memset(id, 0, sizeof(*id));
	if (cid->type == 0 || cid->len > sizeof(id->data))
		return;
	id->type = cid->type;
	id->len = cid->len;
	memcpy(id->data, cid->data, cid->len);
}

/* `ike limits`: what an unauthenticated IKE_SA_INIT may cost; the
 * engine keeps its protocol timers and fills the unset (0) ones. */
void
ipsec_limits_apply(struct ike_ctx *ike, const struct conf *conf)
{
	const struct conf_ike_limits *l = &conf->ike_limits;
	struct ike_tunables t;

	memset(&t, 0, sizeof(t));
	t.cookie_threshold = l->cookies;
	t.cookie_threshold_peer = l->cookies_per_peer;
	t.halfopen_max = l->half_open;
	t.halfopen_per_peer = l->half_open_per_peer;
	t.dh_per_s = l->dh_per_second;
	ike_ctx_set_tunables(ike, &t);
}

static bool
ipsec_networks_v6(const struct conf_networks *l)
{
	const struct conf_network *n;

	TAILQ_FOREACH(n, l, entry)
		if (n->prefix.addr.af == AF_INET6)
			return true;
	return false;
}

/*
 * Only then: an IPv4-only peer is not asked to narrow ::/0 away (some
 * refuse a proposal with a family they lack), and IPv6 policies exist
 * only where IPv6 routes can point into the interface.
 */
bool
ipsec_tunnel_dual(const struct conf *conf, const struct conf_tunnel *t)
{
	if (t->ts_local.addr.af != AF_UNSPEC ||
	    t->ts_remote.addr.af != AF_UNSPEC)
		return false;
	return t->inside.addr.af == AF_INET6 ||
	    (conf != NULL && ipsec_networks_v6(&conf->networks)) ||
	    ipsec_networks_v6(&t->vpn->statics);
}

void
ipsec_peer_conf(struct ike_peer_conf *c, const struct conf_tunnel *t)
{
	const struct conf_vpn *v = t->vpn;

	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", t->fullname);
	c->local = v->local;
	c->remote = t->remote;
	c->psk = t->psk;
	c->psk_len = t->psk_len;
	/* The tunnel's effective values: its own, else the vpn's. */
	c->n_ike = t->n_ike;
	memcpy(c->ike, t->ike, sizeof(c->ike));
	c->n_esp = t->n_esp;
	memcpy(c->esp, t->esp, sizeof(c->esp));
	c->ike_lifetime_s = t->ike_lifetime_s;
	c->esp_lifetime_s = t->esp_lifetime_s;
	c->dpd_interval_ms = t->dpd_interval_ms;
	c->dpd_timeout_ms = t->dpd_timeout_ms;
	c->replay_window = t->replay_window;
	c->initiate = t->startup == CONF_START_INITIATE;
	c->ts_local = t->ts_local;
	c->ts_remote = t->ts_remote;
	ipsec_id_from_conf(&c->local_id, &v->local_id);
	ipsec_id_from_conf(&c->remote_id, &v->remote_id);
}
