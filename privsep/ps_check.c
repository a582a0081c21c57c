/*
 * The kernel helper's rules (ps_check.h). A configuration's tunnels
 * decide which if_ids, addresses and interface names are cgwd's; the
 * helper's own list of interfaces decides which next hops and MSS rules
 * are. Both configurations count during a reload, so that the main
 * process may create the new objects before it removes the old ones.
 */
#include <stdio.h>
#include <string.h>

#include "bgp/bgp.h"
#include "lib/ikev2_const.h"
#include "privsep/ps_check.h"

/* cgwd's default interface names: TUNNEL_IFPREFIX (daemon/tunnel.h)
 * and a number below 10000 (tunnel_ifname_pick). */
#define PS_IFPREFIX	"cgw"

static size_t
conf_ntunnels(const struct conf *c)
{
	const struct conf_vpn *v;
	const struct conf_tunnel *t;
	size_t n = 0;

	if (c == NULL)
		return 0;
	TAILQ_FOREACH(v, &c->vpns, entry)
		TAILQ_FOREACH(t, &v->tunnels, entry)
			n++;
	return n;
}

static bool
ifid_ok(const struct ps_policy *p, uint32_t if_id)
{
	size_t n = conf_ntunnels(p->conf) + conf_ntunnels(p->old);

	/* The daemon hands out XFRM_IFID(n) from the lowest free n, one
	 * per tunnel: during a reload both generations may hold one. */
	if (p->ifid_hwm > n)
		n = p->ifid_hwm;
	return XFRM_IFID_OURS(if_id) && if_id - XFRM_IFID_BASE < n;
}

void
ps_policy_conf(struct ps_policy *p, const struct conf *conf,
    const struct conf *old)
{
	size_t n = conf_ntunnels(conf) + conf_ntunnels(old);

	p->conf = conf;
	p->old = old;
	if (n > p->ifid_hwm)
		p->ifid_hwm = n;
}

/* A configured vpn's local address (one with none configured: any). */
static bool
conf_local_ok(const struct conf *c, const struct cgw_addr *a)
{
	const struct conf_vpn *v;

	if (c == NULL)
		return false;
	TAILQ_FOREACH(v, &c->vpns, entry)
		if (!addr_is_set(&v->local) || addr_eq(&v->local, a))
			return true;
	return false;
}

static bool
local_ok(const struct ps_policy *p, const struct cgw_addr *a)
{
	return conf_local_ok(p->conf, a) || conf_local_ok(p->old, a);
}

/* local -> remote is one configured tunnel's pair. */
static bool
conf_pair_ok(const struct conf *c, const struct cgw_addr *local,
    const struct cgw_addr *remote)
{
	const struct conf_vpn *v;
	const struct conf_tunnel *t;

	if (c == NULL)
		return false;
	TAILQ_FOREACH(v, &c->vpns, entry) {
		if (addr_is_set(&v->local) && !addr_eq(&v->local, local))
			continue;
		TAILQ_FOREACH(t, &v->tunnels, entry)
			if (addr_eq(&t->remote, remote))
				return true;
	}
	return false;
}

static bool
pair_ok(const struct ps_policy *p, const struct cgw_addr *local,
    const struct cgw_addr *remote)
{
	return conf_pair_ok(p->conf, local, remote) ||
	    conf_pair_ok(p->old, local, remote);
}

/* An SA's destination: one of our local or peer addresses. */
static bool
conf_dst_ok(const struct conf *c, const struct cgw_addr *a)
{
	const struct conf_vpn *v;
	const struct conf_tunnel *t;

	if (c == NULL)
		return false;
	TAILQ_FOREACH(v, &c->vpns, entry) {
		if (!addr_is_set(&v->local) || addr_eq(&v->local, a))
			return true;
		TAILQ_FOREACH(t, &v->tunnels, entry)
			if (addr_eq(&t->remote, a))
				return true;
	}
	return false;
}

/* Whether a configured tunnel has this interface name (ifname) or this
 * "vpn/tunnel" name. */
static bool
conf_tunnel_named(const struct conf *c, const char *name, bool ifname)
{
	const struct conf_vpn *v;
	const struct conf_tunnel *t;

	if (c == NULL)
		return false;
	TAILQ_FOREACH(v, &c->vpns, entry)
		TAILQ_FOREACH(t, &v->tunnels, entry)
			if (strcmp(ifname ? t->ifname : t->fullname, name) == 0)
				return true;
	return false;
}

static bool
ifname_ok(const struct ps_policy *p, const char *name)
{
	const char *d = name + strlen(PS_IFPREFIX);
	size_t n;

	if (name[0] == '\0')
		return false;
	if (conf_tunnel_named(p->conf, name, true) ||
	    conf_tunnel_named(p->old, name, true))
		return true;
	if (strncmp(name, PS_IFPREFIX, strlen(PS_IFPREFIX)) != 0)
		return false;
	n = strspn(d, "0123456789");
	return n >= 1 && n <= 4 && d[n] == '\0' && (n == 1 || d[0] != '0');
}

/* The inside address is a configured tunnel's (address and length). */
static bool
conf_inside_ok(const struct conf *c, const struct cgw_prefix *in)
{
	const struct conf_vpn *v;
	const struct conf_tunnel *t;

	if (c == NULL)
		return false;
	TAILQ_FOREACH(v, &c->vpns, entry)
		TAILQ_FOREACH(t, &v->tunnels, entry)
			if (addr_eq(&t->inside.addr, &in->addr) &&
			    t->inside.len == in->len)
				return true;
	return false;
}

const struct ps_iface *
ps_policy_iface(const struct ps_policy *p, const char *name, int ifindex)
{
	for (size_t i = 0; i < p->nifaces; i++)
		if ((name != NULL && strcmp(p->ifaces[i].name, name) == 0) ||
		    (name == NULL && p->ifaces[i].ifindex == ifindex))
			return &p->ifaces[i];
	return NULL;
}

int
ps_policy_iface_add(struct ps_policy *p, const char *name, int ifindex,
    uint32_t if_id)
{
	struct ps_iface *f;

	ps_policy_iface_del(p, name);
	if (p->nifaces == PS_MAX_IFACES)
		return -1;
	f = &p->ifaces[p->nifaces++];
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->ifindex = ifindex;
	f->if_id = if_id;
	return 0;
}

void
ps_policy_iface_del(struct ps_policy *p, const char *name)
{
	for (size_t i = 0; i < p->nifaces; i++)
		if (strcmp(p->ifaces[i].name, name) == 0) {
			p->ifaces[i] = p->ifaces[--p->nifaces];
			return;
		}
}

static bool
table_ok(uint32_t table)
{
	/* cgwd's routes live in the main table (daemon/routing.c). */
	return table == 0 || table == XFRM_TABLE_MAIN;
}

/*
 * A next hop on the LAN: the gateway is the address of a neighbor
 * configured `install-routes on`, of the route's family, and outside the
 * route's prefix (else it would replace the LAN's connected route). That
 * it is directly connected on nh->ifindex the kernel itself checks: it
 * refuses a gateway that is not on that link (cgwd never sets onlink).
 */
static bool
conf_lan_nh_ok(const struct conf *c, const struct cgw_prefix *pfx,
    const struct xfrm_nexthop *nh)
{
	const struct conf_neighbor *nb;

	if (c == NULL || nh->ifindex <= 0 || nh->gw.af != pfx->addr.af ||
	    prefix_contains(pfx, &nh->gw))
		return false;
	TAILQ_FOREACH(nb, &c->neighbors, entry)
		if (nb->install_routes && addr_eq(&nb->addr, &nh->gw))
			return true;
	return false;
}

static int
route_check(const struct ps_policy *p, const struct cgw_prefix *pfx,
    uint32_t table, const struct xfrm_nexthop *nh, size_t n, bool del,
    char *why, size_t len)
{
	char b[CGW_PREFIXSTRLEN];

	if (pfx->addr.af != AF_INET && pfx->addr.af != AF_INET6) {
		snprintf(why, len, "route of no address family");
		return -1;
	}
	if (!table_ok(table)) {
		snprintf(why, len, "route %s: table %u is not cgwd's (main)",
		    prefix_fmt(pfx, b, sizeof(b)), table);
		return -1;
	}
	if (del)
		return 0;
	if (n == 0) {
		snprintf(why, len, "route %s without a next hop",
		    prefix_fmt(pfx, b, sizeof(b)));
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (ps_policy_iface(p, NULL, nh[i].ifindex) == NULL &&
		    !conf_lan_nh_ok(p->conf, pfx, &nh[i]) &&
		    !conf_lan_nh_ok(p->old, pfx, &nh[i])) {
			snprintf(why, len, "route %s: next hop interface %d "
			    "is not a tunnel interface of cgwd's, nor the "
			    "gateway the address of a neighbor with "
			    "install-routes on",
			    prefix_fmt(pfx, b, sizeof(b)), nh[i].ifindex);
			return -1;
		}
	return 0;
}

static int
refuse(char *why, size_t len, const char *what, const struct cgw_addr *a,
    uint32_t v)
{
	char b[CGW_ADDRSTRLEN];

	if (a != NULL)
		snprintf(why, len, "%s %s is not configured", what,
		    addr_fmt(a, b, sizeof(b)));
	else
		snprintf(why, len, "%s 0x%x is not a configured tunnel's", what,
		    v);
	return -1;
}

int
ps_check(const struct ps_policy *p, const struct ps_msg *m, char *why,
    size_t len)
{
	const struct cgw_addr *l, *r;

	snprintf(why, len, "allowed");
	switch (m->type) {
	case PS_TEARDOWN:
	case PS_CLEANUP_STALE:
	case PS_ROUTE_FLUSH:
	case PS_ROUTE_LIST:
	case PS_RELOAD:
	case PS_RELOAD_DONE:
	case PS_CTL_SOCKET:
	case PS_IFINDEX:
	case PS_IFINDEX_OF_ADDR:
		/* Only cgwd's own objects, or only a look. */
		return 0;
	case PS_SPI_ALLOC:
	case PS_POLICY_INSTALL:
	case PS_CHILD_INSTALL:
		l = m->type == PS_CHILD_INSTALL ? &m->sa.local : &m->local;
		r = m->type == PS_CHILD_INSTALL ? &m->sa.remote : &m->remote;
		if (!ifid_ok(p, m->if_id))
			return refuse(why, len, "if_id", NULL, m->if_id);
		if (m->reqid != m->if_id)
			return refuse(why, len, "reqid", NULL, m->reqid);
		if (!local_ok(p, l))
			return refuse(why, len, "local address", l, 0);
		if (!pair_ok(p, l, r))
			return refuse(why, len, "peer address", r, 0);
		if (m->type == PS_POLICY_INSTALL && m->af != AF_INET &&
		    m->af != AF_INET6) {
			snprintf(why, len, "policy family %d", m->af);
			return -1;
		}
		return 0;
	case PS_POLICY_REMOVE:
		if (!ifid_ok(p, m->if_id))
			return refuse(why, len, "if_id", NULL, m->if_id);
		return 0;
	case PS_SA_DELETE:
	case PS_SA_STATS:
		if (!conf_dst_ok(p->conf, &m->local) &&
		    !conf_dst_ok(p->old, &m->local))
			return refuse(why, len, "SA destination", &m->local, 0);
		return 0;
	case PS_IFACE_CREATE:
		if (!ifid_ok(p, m->if_id))
			return refuse(why, len, "if_id", NULL, m->if_id);
		if (!ifname_ok(p, m->name)) {
			snprintf(why, len, "interface name \"%s\" is neither "
			    "configured nor cgwd's own (" PS_IFPREFIX "N)",
			    m->name);
			return -1;
		}
		if (!local_ok(p, &m->local))
			return refuse(why, len, "local address", &m->local, 0);
		if (m->inside.addr.af != AF_UNSPEC &&
		    !conf_inside_ok(p->conf, &m->inside) &&
		    !conf_inside_ok(p->old, &m->inside))
			return refuse(why, len, "inside address",
			    &m->inside.addr, 0);
		if (m->mtu != 0 && (m->mtu < 576 || m->mtu > 65535)) {
			snprintf(why, len, "mtu %u", m->mtu);
			return -1;
		}
		return 0;
	case PS_IFACE_DELETE:
		if (ps_policy_iface(p, m->name, 0) == NULL) {
			snprintf(why, len, "interface \"%s\" was not created by "
			    "cgwd", m->name);
			return -1;
		}
		return 0;
	case PS_ROUTE_REPLACE:
		return route_check(p, &m->prefix, m->table, m->nh, m->n, false,
		    why, len);
	case PS_ROUTE_DELETE:
		return route_check(p, &m->prefix, m->table, NULL, 0, true, why,
		    len);
	case PS_ROUTE_BATCH:
		for (size_t i = 0; i < m->nroutes; i++) {
			const struct ps_route *rt = &m->routes[i];

			if (route_check(p, &rt->prefix, rt->table, rt->nh,
			    rt->n, rt->n == 0, why, len) != 0)
				return -1;
		}
		return 0;
	case PS_MSS_APPLY:
		for (size_t i = 0; i < m->nmss; i++) {
			/* By name: the table may name an interface
			 * still to come (its address is not there yet). */
			if (!ifname_ok(p, m->mss[i].ifname)) {
				snprintf(why, len, "MSS clamp on \"%s\", not a "
				    "tunnel interface name of cgwd's",
				    m->mss[i].ifname);
				return -1;
			}
			if (m->mss[i].mss < 536) {
				snprintf(why, len, "MSS %u", m->mss[i].mss);
				return -1;
			}
		}
		return 0;
	case PS_SOCKET:
		switch (m->kind) {
		case PS_SOCK_IKE:
		case PS_SOCK_IKE_NATT:
			if (m->port != (m->kind == PS_SOCK_IKE ? IKEV2_PORT :
			    IKEV2_NATT_PORT)) {
				snprintf(why, len, "IKE socket on port %u",
				    m->port);
				return -1;
			}
			/* 0.0.0.0 counts when a vpn has no `local`. */
			if (!local_ok(p, &m->local))
				return refuse(why, len, "IKE address",
				    &m->local, 0);
			if (m->rcvbuf > PS_RCVBUF_MAX) {
				snprintf(why, len, "receive buffer of %u bytes",
				    m->rcvbuf);
				return -1;
			}
			return 0;
		case PS_SOCK_BGP_LISTEN:
			/* The wildcard only: 0.0.0.0, or [::] (dual
			 * stack, for sessions over IPv6 inside addresses). */
			if (m->port != BGP_PORT || (m->local.af != AF_INET &&
			    m->local.af != AF_INET6) ||
			    memcmp(m->local.bytes, "\0\0\0\0\0\0\0\0\0\0\0\0"
			    "\0\0\0\0", addr_len(&m->local)) != 0) {
				snprintf(why, len, "BGP listener other than "
				    "0.0.0.0 or [::] port %u", BGP_PORT);
				return -1;
			}
			return 0;
		}
		snprintf(why, len, "socket kind %u", m->kind);
		return -1;
	default:
		snprintf(why, len, "%s is not a request", ps_type_name(m->type));
		return -1;
	}
}

void
ps_policy_name_note(struct ps_policy *p, const struct ps_msg *m)
{
	struct ps_ifid_name *n = NULL;

	if (m->who[0] == '\0' || !XFRM_IFID_OURS(m->if_id) ||
	    (!conf_tunnel_named(p->conf, m->who, false) &&
	    !conf_tunnel_named(p->old, m->who, false)))
		return;
	for (size_t i = 0; i < p->nnames; i++)
		if (p->names[i].if_id == m->if_id)
			n = &p->names[i];
	if (n == NULL) {
		if (p->nnames == PS_MAX_IFACES)
			return;
		n = &p->names[p->nnames++];
	}
	n->if_id = m->if_id;
	snprintf(n->who, sizeof(n->who), "%s", m->who);
}

const char *
ps_policy_name(const struct ps_policy *p, uint32_t if_id)
{
	for (size_t i = 0; i < p->nnames; i++)
		if (p->names[i].if_id == if_id)
			return p->names[i].who;
	return NULL;
}
