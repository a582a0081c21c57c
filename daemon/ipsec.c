#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/cgwd.h"
#include "daemon/events.h"
#include "daemon/ipsec.h"
#include "daemon/routing.h"
#include "daemon/tunnel.h"
#include "esp/esp.h"
#include "ike/ike.h"
#include "lib/ikev2_const.h"
#include "lib/log.h"
#include "privsep/privsep.h"
#include "xfrm/xfrm.h"

static struct tunnel *
ipsec_tunnel_of_peer(struct ike_peer *peer)
{
	return peer ? ike_peer_get_data(peer) : NULL;
}

static struct tunnel *
ipsec_tunnel_of_ifid(struct cgwd *cgwd, uint32_t if_id)
{
	struct tunnel *t;

	TAILQ_FOREACH(t, &cgwd->tunnels, entry)
		if (t->ipsec != NULL && t->if_id == if_id)
			return t;
	return NULL;
}

static void
ipsec_kernel_error(struct tunnel *t, const char *what, const struct xfrm_err *xe)
{
	snprintf(t->ipsec->kernel_error, sizeof(t->ipsec->kernel_error),
	    "%s: %s", what, xe->msg);
	log_err(t->name, "%s: %s", what, xe->msg);
}

/* ---- IKE engine callbacks ----------------------------------------- */

static int
ipsec_alloc_spi(void *arg, struct ike_peer *peer, uint32_t *spi)
{
	struct cgwd *cgwd = arg;
	struct tunnel *t = ipsec_tunnel_of_peer(peer);
	struct xfrm_err xe;

	if (t == NULL || t->ipsec == NULL)
		return -1;
	if (xfrm_spi_alloc(cgwd->xfrm, &t->conf->vpn->local, &t->conf->remote,
	    t->if_id, t->if_id, spi, &xe) != 0) {
		ipsec_kernel_error(t, "cannot reserve an inbound SPI", &xe);
		return -1;
	}
	return 0;
}

static void
ipsec_release_spi(void *arg, struct ike_peer *peer, uint32_t spi)
{
	struct cgwd *cgwd = arg;
	struct tunnel *t = ipsec_tunnel_of_peer(peer);
	struct xfrm_err xe;

	if (t == NULL)
		return;
	if (xfrm_sa_delete(cgwd->xfrm, &t->conf->vpn->local, spi, &xe) != 0)
		log_warn(t->name, "cannot release SPI %08x: %s", spi, xe.msg);
}

/*
 * The IKE engine owns every CHILD SA and which of its halves are in the
 * kernel; this is only the translation into kernel operations.
 */
static int
ipsec_child_up(void *arg, struct ike_peer *peer, const struct esp_child_sa *sa,
    unsigned dirs)
{
	struct cgwd *cgwd = arg;
	struct tunnel *t = ipsec_tunnel_of_peer(peer);
	struct xfrm_err xe;
	enum xfrm_dir dir = (dirs & IKE_DIR_IN ? XFRM_DIR_IN : 0) |
	    (dirs & IKE_DIR_OUT ? XFRM_DIR_OUT : 0);

	if (t == NULL || t->ipsec == NULL)
		return IKE_INSTALL_FAILED;
	if (xfrm_child_install(cgwd->xfrm, t->if_id, t->if_id, sa, dir,
	    &xe) != 0) {
		ipsec_kernel_error(t, "cannot install CHILD SA", &xe);
		/* A missing algorithm or ESP itself is a lasting refusal. */
		return xe.code == ENOSYS || xe.code == ENOENT ||
		    xe.code == EPROTONOSUPPORT || xe.code == EAFNOSUPPORT ?
		    IKE_INSTALL_UNSUPPORTED : IKE_INSTALL_FAILED;
	}
	t->ipsec->kernel_error[0] = '\0';
	log_info(t->name, "CHILD SA %08x/%08x %s installed (%s)",
	    sa->spi_in, sa->spi_out, sa->alg->name,
	    dirs == IKE_DIR_BOTH ? "both halves" :
	    dirs == IKE_DIR_IN ? "inbound" : "outbound");
	return 0;
}

static void
ipsec_child_down(void *arg, struct ike_peer *peer, uint32_t spi_in,
    uint32_t spi_out, const struct cgw_addr *remote, unsigned dirs)
{
	struct cgwd *cgwd = arg;
	struct tunnel *t = ipsec_tunnel_of_peer(peer);
	struct xfrm_sa_stats st;
	struct xfrm_err xe;
	bool counted;

	if (t == NULL || t->ipsec == NULL)
		return;
	/* Its last counts stay with the tunnel: totals survive rekeys. */
	if (dirs & IKE_DIR_OUT) {
		counted = xfrm_sa_stats(cgwd->xfrm, remote, spi_out, &st,
		    NULL) == 0;
		if (xfrm_sa_delete(cgwd->xfrm, remote, spi_out, &xe) != 0)
			log_warn(t->name, "cannot delete outbound SA %08x: %s",
			    spi_out, xe.msg);
		else if (counted)
			counters_sa_gone(t, IKE_DIR_OUT, &st);
	}
	if (dirs & IKE_DIR_IN) {
		counted = xfrm_sa_stats(cgwd->xfrm, &t->conf->vpn->local,
		    spi_in, &st, NULL) == 0;
		if (xfrm_sa_delete(cgwd->xfrm, &t->conf->vpn->local, spi_in,
		    &xe) != 0)
			log_warn(t->name, "cannot delete inbound SA %08x: %s",
			    spi_in, xe.msg);
		else if (counted)
			counters_sa_gone(t, IKE_DIR_IN, &st);
	}
	log_debug(t->name, "CHILD SA %08x/%08x: %s removed", spi_in, spi_out,
	    dirs == IKE_DIR_BOTH ? "both halves" :
	    dirs == IKE_DIR_IN ? "inbound" : "outbound");
}

/*
 * The tunnel follows the authenticated SAs alone: it is up exactly when
 * the engine has an authenticated IKE SA with a CHILD SA in the kernel.
 * Events only say when to look, and give the reason; a failed attempt
 * that never authenticated (a spoofed IKE_SA_INIT, a wrong PSK from
 * anyone at the peer's address) cannot take a working tunnel down.
 */
bool
ipsec_tunnel_ev(enum ike_peer_event ev, bool usable, bool keeps_up,
    enum tunnel_ev *tev)
{
	if (usable) {
		*tev = TUNNEL_EV_CHILD_UP;
		return ev == IKE_EV_CHILD_UP || ev == IKE_EV_UP;
	}
	if (ev == IKE_EV_UP || ev == IKE_EV_CHILD_UP) {
		*tev = TUNNEL_EV_START;
		return true;
	}
	/* Down, or still trying: the engine re-initiates when it keeps the
	 * peer up, and the tunnel says "connecting" meanwhile. */
	*tev = keeps_up ? TUNNEL_EV_LOST : TUNNEL_EV_DEAD;
	return true;
}

static void
ipsec_peer_state(void *arg, struct ike_peer *peer, enum ike_peer_event ev,
    const char *reason)
{
	struct tunnel *t = ipsec_tunnel_of_peer(peer);
	char why[TUNNEL_REASON_MAX];
	enum tunnel_ev tev;
	bool usable;

	(void)arg;
	if (t == NULL)
		return;
	snprintf(why, sizeof(why), "%s%s%s", ike_peer_event_name(ev),
	    reason && *reason ? ": " : "", reason ? reason : "");
	cgwd_event(t->cgwd, ev == IKE_EV_CHILD_UP || ev == IKE_EV_CHILD_DOWN ||
	    ev == IKE_EV_KERNEL ? CGWD_EV_CHILD : CGWD_EV_IKE, t->name, NULL,
	    "%s", why);
	if (ev == IKE_EV_UP)
		log_info(t->name, "IKE SA up (%s)", reason ? reason : "");
	usable = ike_peer_usable(peer);
	if (ipsec_tunnel_ev(ev, usable, ike_peer_keeps_up(peer), &tev))
		tunnel_event(t, tev, why);
	else if (usable && t->state == TUNNEL_S_UP)
		log_info_rl(t->name, "%s; the tunnel stays up on its "
		    "authenticated SAs", why);
}

static int
ipsec_child_bytes(void *arg, struct ike_peer *peer, uint32_t spi,
    unsigned dir, uint64_t *bytes)
{
	struct cgwd *cgwd = arg;
	struct tunnel *t = ipsec_tunnel_of_peer(peer);
	struct xfrm_sa_stats st;

	/* The kernel knows an SA by its destination and SPI. */
	if (t == NULL || xfrm_sa_stats(cgwd->xfrm, dir == IKE_DIR_IN ?
	    &t->conf->vpn->local : &t->conf->remote, spi, &st, NULL) != 0)
		return -1;
	*bytes = st.bytes;
	return 0;
}

static const struct ike_callbacks ipsec_ike_cb = {
	.alloc_spi	= ipsec_alloc_spi,
	.child_up	= ipsec_child_up,
	.child_down	= ipsec_child_down,
	.release_spi	= ipsec_release_spi,
	.peer_state	= ipsec_peer_state,
	.child_bytes	= ipsec_child_bytes,
};

/* ---- kernel event callbacks --------------------------------------- */

static void
ipsec_sa_rekey(void *arg, const struct xfrm_sa_event *ev)
{
	struct tunnel *t = ipsec_tunnel_of_ifid(arg, ev->if_id);

	if (t == NULL || t->ike == NULL)
		return;
	/* cgwd's own timers rekey well before this; the kernel's soft
	 * limit is the safety net when they did not. */
	log_warn(t->name, "kernel soft lifetime reached on SA %08x: rekeying",
	    ev->spi);
	ike_peer_rekey_child(t->ike);
}

static void
ipsec_sa_gone(void *arg, const struct xfrm_sa_event *ev)
{
	struct tunnel *t = ipsec_tunnel_of_ifid(arg, ev->if_id);

	if (t != NULL)
		log_warn(t->name, "kernel removed SA %08x (hard lifetime)", ev->spi);
}

/* The kernel drops the routes through an interface that goes down: when
 * a tunnel's comes back, put the intended ones back at once. */
static void
ipsec_link_change(void *arg, int ifindex, const char *ifname, bool up)
{
	struct cgwd *cgwd = arg;
	struct tunnel *t;

	log_debug(NULL, "link %s is %s", ifname ? ifname : "?", up ? "up" : "down");
	if (!up || ifindex <= 0)
		return;
	TAILQ_FOREACH(t, &cgwd->tunnels, entry)
		if (t->ipsec != NULL && t->ipsec->ifindex == ifindex) {
			routing_reconcile(cgwd);
			return;
		}
}

/*
 * The tunnel's XFRM interface, made now if it is missing (its local
 * address may have arrived only now); the routes meant for it follow.
 */
static void
ipsec_iface_ensure(struct tunnel *t)
{
	struct cgwd *cgwd = t->cgwd;
	const struct conf_tunnel *ct = t->conf;
	struct xfrm_err xe;

	if (t->ipsec == NULL || t->ipsec->ifindex > 0)
		return;
	if (xfrm_iface_create(cgwd->xfrm, t->ifname, t->if_id, &ct->vpn->local,
	    ct->mtu, &ct->inside, &t->ipsec->ifindex, &xe) != 0) {
		ipsec_kernel_error(t, "cannot create the tunnel interface", &xe);
		return;
	}
	t->ipsec->kernel_error[0] = '\0';
	routing_reconcile(cgwd);
}

static int	ipsec_listen(struct cgwd *, const struct conf_vpn *);

/*
 * A vpn's local address arrived late (DHCP, a floating HA address): listen
 * on it and start the tunnels that initiate now rather than at their next
 * retry. When it goes, its sockets close so that it can be bound again.
 */
static void
ipsec_addr_change(void *arg, const struct cgw_addr *a, int ifindex,
    bool added)
{
	struct cgwd *cgwd = arg;
	struct tunnel *t;
	char b[CGW_ADDRSTRLEN];
	size_t i;
	bool bound = false;

	(void)ifindex;
	if (cgwd->ike == NULL)
		return;
	if (!added) {
		for (i = 0; i < cgwd->n_ike_addrs; i++)
			if (addr_eq(&cgwd->ike_addrs[i], a))
				break;
		if (i == cgwd->n_ike_addrs)
			return;
		cgwd->ike_addrs[i] = cgwd->ike_addrs[--cgwd->n_ike_addrs];
		ike_unlisten(cgwd->ike, a);
		log_warn(NULL, "local address %s is gone: no IKE on it until it "
		    "comes back", addr_fmt(a, b, sizeof(b)));
		return;
	}
	TAILQ_FOREACH(t, &cgwd->tunnels, entry) {
		if (t->ipsec == NULL || !addr_eq(&t->conf->vpn->local, a))
			continue;
		ipsec_iface_ensure(t);
		if (!bound && ipsec_listen(cgwd, t->conf->vpn) <= 0)
			return;
		bound = true;
		if (t->ike != NULL && !t->admin_down &&
		    t->conf->startup == CONF_START_INITIATE)
			ike_peer_initiate(t->ike);
	}
}

/* Kernel lines name the tunnel they concern (and carry its TUNNEL=). */
static const char *
ipsec_ifid_name(void *arg, uint32_t if_id)
{
	struct tunnel *t = ipsec_tunnel_of_ifid(arg, if_id);

	return t != NULL ? t->name : NULL;
}

static void
ipsec_routes_done(void *arg, const struct xfrm_route_req *req, size_t n)
{
	routing_routes_done(arg, req, n);
}

static const struct xfrm_callbacks ipsec_xfrm_cb = {
	.sa_rekey	= ipsec_sa_rekey,
	.sa_gone	= ipsec_sa_gone,
	.link_change	= ipsec_link_change,
	.addr_change	= ipsec_addr_change,
	.if_id_name	= ipsec_ifid_name,
	.routes_done	= ipsec_routes_done,
};

/* ---- setup and teardown ------------------------------------------- */

/*
 * Listen for IKE on a vpn's local address once; a vpn whose address is
 * missing is logged and must not stop the others: ipsec_addr_change
 * listens when the address arrives. 1 when it listens now, 0 when it
 * did already, -1 when it cannot.
 */
static int
ipsec_listen(struct cgwd *cgwd, const struct conf_vpn *v)
{
	char a[CGW_ADDRSTRLEN], lerr[256];
	size_t i;

	for (i = 0; i < cgwd->n_ike_addrs; i++)
		if (addr_eq(&cgwd->ike_addrs[i], &v->local))
			return 0;
	if (cgwd->n_ike_addrs == CGWD_MAX_IKE_ADDRS) {
		log_err(v->name, "too many local addresses (at most %d)",
		    CGWD_MAX_IKE_ADDRS);
		return -1;
	}
	addr_fmt(&v->local, a, sizeof(a));
	if (addr_is_set(&v->local) &&
	    xfrm_ifindex_of_addr(cgwd->xfrm, &v->local, NULL) < 0) {
		log_warn(v->name, "local address %s is not on this host: IKE "
		    "waits for it to appear", a);
		return -1;
	}
	if (ike_listen(cgwd->ike, &v->local, IKEV2_PORT, IKEV2_NATT_PORT,
	    lerr, sizeof(lerr)) != 0) {
		log_err(v->name, "cannot listen for IKE on %s: %s", a, lerr);
		return -1;
	}
	log_info(v->name, "listening for IKE on %s", a);
	cgwd->ike_addrs[cgwd->n_ike_addrs++] = v->local;
	return 1;
}

int
ipsec_open(struct cgwd *cgwd, char *err, size_t errlen)
{
	struct xfrm_err xe;

	/* With the kernel helper, the same calls are its requests. */
	cgwd->xfrm = cgwd->ps != NULL ?
	    ps_xfrm_open(cgwd->ps, &ipsec_xfrm_cb, cgwd, &xe) :
	    xfrm_open(cgwd->base, &ipsec_xfrm_cb, cgwd, &xe);
	if (cgwd->xfrm == NULL) {
		snprintf(err, errlen, "kernel netlink: %s", xe.msg);
		return -1;
	}
	if (xfrm_cleanup_stale(cgwd->xfrm, &xe) != 0)
		log_warn(NULL, "removing leftovers of a previous run: %s", xe.msg);
	if ((cgwd->ike = ike_ctx_new(cgwd->base, &ipsec_ike_cb, cgwd)) == NULL) {
		snprintf(err, errlen, "cannot start the IKE engine");
		return -1;
	}
	ipsec_limits_apply(cgwd->ike, cgwd->conf);
	/* Ports 500 and 4500 and a forced receive buffer need privileges
	 * the main process gives up: the helper binds them. */
	if (cgwd->ps != NULL)
		ike_set_sock_fn(cgwd->ike, ps_ike_sock, cgwd->ps);
	return 0;
}

void
ipsec_close(struct cgwd *cgwd)
{
	struct tunnel *t;
	struct xfrm_err xe;

	TAILQ_FOREACH(t, &cgwd->tunnels, entry)
		ipsec_tunnel_detach(t);
	if (cgwd->ike != NULL) {
		ike_ctx_free(cgwd->ike);
		cgwd->ike = NULL;
	}
	if (cgwd->xfrm != NULL) {
		if (xfrm_teardown(cgwd->xfrm, &xe) != 0)
			log_warn(NULL, "removing kernel objects: %s", xe.msg);
		/* What the kernel made on our behalf (ACQUIRE states carry our
		 * if_id) goes too: a clean stop leaves nothing of ours. */
		if (xfrm_cleanup_stale(cgwd->xfrm, &xe) != 0)
			log_warn(NULL, "removing leftovers: %s", xe.msg);
		xfrm_close(cgwd->xfrm);
		cgwd->xfrm = NULL;
	}
}

/*
 * if_ids come from one bitmap of the daemon; a tunnel holds its if_id
 * from its first attach until it is freed, across the detach and attach
 * of a reload, so two tunnels can never share one, whatever the order in
 * which a reload rebuilds them.
 */
uint32_t
ipsec_ifid_alloc(struct cgwd *cgwd)
{
	uint32_t n;

	for (n = 0; n < CGWD_IFID_SLOTS; n++) {
		if ((cgwd->ifids[n / 8] & (1u << (n % 8))) == 0) {
			cgwd->ifids[n / 8] |= (uint8_t)(1u << (n % 8));
			return XFRM_IFID(n);
		}
	}
	return 0;
}

void
ipsec_ifid_release(struct cgwd *cgwd, uint32_t if_id)
{
	uint32_t n = if_id - XFRM_IFID_BASE;

	if (if_id != 0 && XFRM_IFID_OURS(if_id) && n < CGWD_IFID_SLOTS)
		cgwd->ifids[n / 8] &= (uint8_t)~(1u << (n % 8));
}

int
ipsec_tunnel_attach(struct tunnel *t, const struct conf *conf, char *err,
    size_t errlen)
{
	struct cgwd *cgwd = t->cgwd;
	const struct conf_tunnel *ct = t->conf;
	struct ike_peer_conf pc;
	struct xfrm_err xe;
	uint32_t if_id;

	if (cgwd->xfrm == NULL || cgwd->ike == NULL) {
		snprintf(err, errlen, "IPsec is not running");
		return -1;
	}
	if (t->if_id == 0 && (t->if_id = ipsec_ifid_alloc(cgwd)) == 0) {
		snprintf(err, errlen, "no free XFRM interface id");
		return -1;
	}
	if_id = t->if_id;
	if ((t->ipsec = calloc(1, sizeof(*t->ipsec))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ipsec_listen(cgwd, ct->vpn);
	ipsec_iface_ensure(t);
	if (xfrm_policy_install(cgwd->xfrm, if_id, if_id, &ct->vpn->local,
	    &ct->remote, AF_INET, &xe) != 0)
		ipsec_kernel_error(t, "cannot install the tunnel policies", &xe);
	/* Bound to the if_id like the IPv4 ones: only what is routed into
	 * the interface matches, the host's other IPv6 traffic never. */
	t->ipsec->dual = ipsec_tunnel_dual(conf, ct);
	if (t->ipsec->dual && xfrm_policy_install(cgwd->xfrm, if_id, if_id,
	    &ct->vpn->local, &ct->remote, AF_INET6, &xe) != 0)
		ipsec_kernel_error(t, "cannot install the IPv6 policies", &xe);

	ipsec_peer_conf(&pc, ct);
	pc.ts_dual = t->ipsec->dual;
	/* An operator's `tunnel down` survives a reload that rebuilds it. */
	if (t->admin_down)
		pc.initiate = false;
	t->ike = ike_peer_add(cgwd->ike, &pc, err, errlen);
	if (t->ike == NULL)
		return -1;
	ike_peer_set_data(t->ike, t);
	if (pc.initiate && !t->admin_down)
		tunnel_event(t, TUNNEL_EV_START, "initiating");
	return 0;
}

void
ipsec_tunnel_detach(struct tunnel *t)
{
	struct cgwd *cgwd = t->cgwd;
	struct xfrm_err xe;

	/*
	 * Policies first: a packet still leaving through the tunnel (the
	 * BGP session's last TCP segments) must find no policy rather than
	 * a policy without SAs, which makes the kernel create an ACQUIRE
	 * state that would outlive us.
	 */
	if (t->ipsec != NULL && cgwd->xfrm != NULL &&
	    xfrm_policy_remove(cgwd->xfrm, t->if_id, AF_INET, &xe) != 0)
		log_warn(t->name, "cannot remove policies: %s", xe.msg);
	if (t->ipsec != NULL && t->ipsec->dual && cgwd->xfrm != NULL &&
	    xfrm_policy_remove(cgwd->xfrm, t->if_id, AF_INET6, &xe) != 0)
		log_warn(t->name, "cannot remove IPv6 policies: %s", xe.msg);
	if (t->ike != NULL) {
		struct ike_status st;

		/* A reload that rebuilds the peer keeps its counts. */
		ike_peer_status(t->ike, &st);
		counters_ike_gone(t, &st.ctr);
		ike_peer_remove(t->ike);	/* child_down for each SA */
		t->ike = NULL;
	}
	if (t->ipsec == NULL)
		return;
	if (cgwd->xfrm != NULL && t->ipsec->ifindex > 0 &&
	    xfrm_iface_delete(cgwd->xfrm, t->ifname, &xe) != 0)
		log_warn(t->name, "cannot remove interface %s: %s", t->ifname,
		    xe.msg);
	free(t->ipsec);
	t->ipsec = NULL;
}

void
ipsec_tunnel_release(struct tunnel *t)
{
	ipsec_tunnel_detach(t);
	ipsec_ifid_release(t->cgwd, t->if_id);
	t->if_id = 0;
}
