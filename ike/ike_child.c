/*
 * CHILD SAs: key derivation into a struct esp_child_sa for the daemon,
 * traffic selector narrowing, and their rekey / hard-expiry timers.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <openssl/crypto.h>

#include "ike/ike_local.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/names.h"

static const char *const ike_child_state_names[CHILD_S_MAX] = {
	[CHILD_S_NEW]		= "new",
	[CHILD_S_INSTALLED]	= "installed",
	[CHILD_S_REKEYING]	= "rekeying",
	[CHILD_S_REKEYED]	= "rekeyed",
	[CHILD_S_DELETING]	= "deleting",
	[CHILD_S_RETIRED]	= "retired",
};

/* Which transitions exist; anything else is a bug, refused and logged. */
static const uint8_t ike_child_next[CHILD_S_MAX] = {
	[CHILD_S_NEW]		= 1u << CHILD_S_INSTALLED | 1u << CHILD_S_DELETING |
				  1u << CHILD_S_RETIRED,
	[CHILD_S_INSTALLED]	= 1u << CHILD_S_REKEYING | 1u << CHILD_S_REKEYED |
				  1u << CHILD_S_DELETING | 1u << CHILD_S_RETIRED,
	[CHILD_S_REKEYING]	= 1u << CHILD_S_INSTALLED | 1u << CHILD_S_REKEYED |
				  1u << CHILD_S_DELETING | 1u << CHILD_S_RETIRED,
	[CHILD_S_REKEYED]	= 1u << CHILD_S_DELETING | 1u << CHILD_S_RETIRED,
	[CHILD_S_DELETING]	= 1u << CHILD_S_RETIRED,
	[CHILD_S_RETIRED]	= 0,
};

const char *
ike_child_state_name(enum ike_child_state s)
{
	return CGW_ENUM_NAME(ike_child_state_names, s);
}

void
ike_child_set_state(struct ike_child *c, enum ike_child_state st,
    const char *why)
{
	if (c->state == st)
		return;
	if ((unsigned)st >= CHILD_S_MAX ||
	    (ike_child_next[c->state] & (1u << st)) == 0) {
		log_err(c->peer->conf.name, "CHILD SA %08x/%08x: illegal "
		    "transition %s -> %s refused", c->spi_in, c->spi_out,
		    ike_child_state_name(c->state), ike_child_state_name(st));
		return;
	}
	log_debug(c->peer->conf.name, "CHILD SA %08x/%08x: %s -> %s%s%s",
	    c->spi_in, c->spi_out, ike_child_state_name(c->state),
	    ike_child_state_name(st), why ? ": " : "", why ? why : "");
	/* The loser of a simultaneous rekey (2.8.1) replaced nothing. */
	if (st == CHILD_S_REKEYED && (why == NULL || strcmp(why, "redundant") != 0))
		c->peer->ctr.child_rekeys++;
	c->state = st;
}

bool
ike_child_usable(const struct ike_child *c)
{
	return (c->installed & IKE_DIR_IN) && (c->state == CHILD_S_INSTALLED ||
	    c->state == CHILD_S_REKEYING || c->state == CHILD_S_REKEYED);
}

struct ike_child *
ike_child_new(struct ike_sa *sa, uint32_t spi_in, uint32_t spi_out,
    const struct ike_suite *s, bool initiator)
{
	struct ike_child *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->sa = sa;
	c->peer = sa->peer;
	c->state = CHILD_S_NEW;
	c->spi_in = spi_in;
	c->spi_out = spi_out;
	c->remote = sa->remote;
	c->suite = *s;
	c->initiator = initiator;
	c->created = ike_now(sa->peer->ctx);
	ike_suite_fmt(s, false, c->proposal, sizeof(c->proposal));
	TAILQ_INSERT_TAIL(&sa->children, c, entry);
	return c;
}

static void
ike_child_uninstall(struct ike_child *c, unsigned dirs)
{
	struct ike_ctx *ctx = c->peer->ctx;

	dirs &= c->installed;
	if (dirs == 0)
		return;
	if (ctx->cb.child_down)
		ctx->cb.child_down(ctx->cbarg, c->peer, c->spi_in, c->spi_out,
		    &c->remote, dirs);
	c->installed &= ~dirs;
}

static void
ike_child_drop_pending(struct ike_child *c)
{
	if (c->pending_out == NULL)
		return;
	esp_child_sa_wipe(c->pending_out);
	free(c->pending_out);
	c->pending_out = NULL;
}

/*
 * `old` leaves the kernel: a successor waiting for it to go sends from
 * now on. Its outbound half goes in before old's comes out, so there is
 * no moment without one.
 */
static void
ike_child_release_successor(struct ike_child *old)
{
	struct ike_ctx *ctx = old->peer->ctx;
	struct ike_child *n;
	struct ike_sa *sa = old->sa;
	bool refused = false;

	/* A whole IKE SA going away takes the successor along: nothing to
	 * switch to. */
	if (sa == NULL || sa->freeing)
		return;
	TAILQ_FOREACH(n, &sa->children, entry) {
		if (n->replaces != old)
			continue;
		n->replaces = NULL;
		if (n->pending_out == NULL)
			continue;
		if (ctx->cb.child_up == NULL || ctx->cb.child_up(ctx->cbarg,
		    n->peer, n->pending_out, IKE_DIR_OUT) == 0) {
			n->installed |= IKE_DIR_OUT;
			log_info(n->peer->conf.name, "CHILD SA %08x/%08x: "
			    "outbound in use", n->spi_in, n->spi_out);
		} else {
			/* The peer let go of the old one: without an
			 * outbound half the new one cannot carry the
			 * tunnel; it goes, and a fresh one is tried. */
			log_warn(n->peer->conf.name, "CHILD SA %08x/%08x: "
			    "kernel refused the outbound half", n->spi_in,
			    n->spi_out);
			ike_child_set_state(n, CHILD_S_DELETING,
			    "outbound half refused");
			ike_task_add(sa, IKE_REQ_DELETE_CHILD, n->spi_in);
			refused = true;
		}
		ike_child_drop_pending(n);
	}
	if (refused) {
		ike_peer_event(old->peer, IKE_EV_KERNEL, "the kernel refused "
		    "the outbound half of the new CHILD SA");
		ike_child_retry_later(old->peer, "the kernel refused the "
		    "outbound half of the new CHILD SA");
	}
}

static void
ike_child_unlink(struct ike_child *c)
{
	struct ike_sa *sa = c->sa, *o_sa;
	struct ike_child *o;

	if (sa == NULL) {
		TAILQ_REMOVE(&c->peer->retired, c, entry);
		return;
	}
	TAILQ_FOREACH(o, &sa->children, entry) {
		if (o->replaced_by_peer == c)
			o->replaced_by_peer = NULL;
		if (o->replaces == c)
			o->replaces = NULL;
	}
	/* An exchange about it may sit on another SA (moved by a rekey). */
	TAILQ_FOREACH(o_sa, &c->peer->sas, entry)
		if (o_sa->x.child == c)
			o_sa->x.child = NULL;
	TAILQ_REMOVE(&sa->children, c, entry);
	c->sa = NULL;
}

void
ike_child_free(struct ike_child *c, bool tell_daemon)
{
	ike_child_release_successor(c);
	/* Its inbound SPI was reserved; never installed, it is released. */
	if (tell_daemon && !(c->installed & IKE_DIR_IN))
		ike_spi_release(c->peer, &c->spi_in);
	if (tell_daemon)
		ike_child_uninstall(c, IKE_DIR_BOTH);
	ike_child_unlink(c);
	ike_child_drop_pending(c);
	cgw_timer_free(c->rekey_ev);
	cgw_timer_free(c->expire_ev);
	cgw_timer_free(c->retire_ev);
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}

static void
ike_child_retire_fire(void *arg)
{
	struct ike_child *c = arg;

	log_debug(c->peer->conf.name, "CHILD SA %08x/%08x: inbound removed",
	    c->spi_in, c->spi_out);
	ike_child_free(c, true);
}

void
ike_child_retire(struct ike_child *c)
{
	struct ike_peer *peer = c->peer;
	struct ike_sa *sa = c->sa;

	if (c->state == CHILD_S_RETIRED)
		return;
	ike_child_release_successor(c);
	ike_child_set_state(c, CHILD_S_RETIRED, NULL);
	/* Told before the outbound half goes: when this was the tunnel's
	 * last usable SA, its routes move away while it still has one. */
	if (sa)
		ike_sa_children_changed(sa);
	ike_child_uninstall(c, IKE_DIR_OUT);
	ike_child_drop_pending(c);	/* a retired SA never sends */
	cgw_timer_cancel(c->rekey_ev);
	cgw_timer_cancel(c->expire_ev);
	if ((c->installed & IKE_DIR_IN) == 0 ||
	    cgw_timer_set(peer->ctx->clock, &c->retire_ev, ike_child_retire_fire,
	    c, peer->ctx->tun.retire_ms) < 0) {
		ike_child_free(c, true);
		return;
	}
	ike_child_unlink(c);
	TAILQ_INSERT_TAIL(&peer->retired, c, entry);
}

struct ike_child *
ike_child_by_in(struct ike_sa *sa, uint32_t spi)
{
	struct ike_child *c;

	TAILQ_FOREACH(c, &sa->children, entry)
		if (c->spi_in == spi)
			return c;
	return NULL;
}

struct ike_child *
ike_child_by_out(struct ike_sa *sa, uint32_t spi)
{
	struct ike_child *c;

	TAILQ_FOREACH(c, &sa->children, entry)
		if (c->spi_out == spi)
			return c;
	return NULL;
}

static void
ike_child_rekey_fire(void *arg)
{
	struct ike_child *c = arg;

	if (c->state == CHILD_S_INSTALLED)
		ike_task_add(c->sa, IKE_REQ_REKEY_CHILD, c->spi_in);
}

static void
ike_child_expire_fire(void *arg)
{
	struct ike_child *c = arg;
	struct ike_sa *sa = c->sa;

	if (c->state == CHILD_S_REKEYED || c->state == CHILD_S_DELETING) {
		/* Replaced already; the DELETE got lost. */
		ike_child_free(c, true);
		ike_sa_children_changed(sa);
		return;
	}
	ike_info_delete_ike_nowait(sa);
	ike_sa_fail(sa, IKE_EV_EXPIRED, "CHILD SA %08x reached its hard "
	    "lifetime without a rekey", c->spi_in);
}

void
ike_child_arm(struct ike_child *c)
{
	struct ike_ctx *ctx = c->sa->peer->ctx;
	uint32_t life = c->sa->peer->conf.esp_lifetime_s;
	double soft = ike_jitter_s(life);

	c->rekey_at = ike_now(ctx) + (time_t)soft;
	cgw_timer_set(ctx->clock, &c->rekey_ev, ike_child_rekey_fire, c,
	    (uint64_t)(soft * 1000));
	cgw_timer_set(ctx->clock, &c->expire_ev, ike_child_expire_fire, c,
	    (uint64_t)life * 1000);
}

/* The source address the kernel would use towards `to`. */
static int
ike_route_source(const struct cgw_addr *to, struct cgw_addr *src)
{
	struct sockaddr_storage ss;
	socklen_t sl = addr_to_sockaddr(to, 500, &ss);
	uint16_t port;
	int fd, rc = -1;

	if ((fd = socket(to->af, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&ss, sl) == 0) {
		sl = sizeof(ss);
		if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0 &&
		    addr_from_sockaddr(src, &port, (struct sockaddr *)&ss))
			rc = 0;
	}
	close(fd);
	return rc;
}

enum ike_peer_event
ike_child_err_event(uint16_t type)
{
	switch (type) {
	case IKEV2_N_NO_PROPOSAL_CHOSEN:	return IKE_EV_NO_PROPOSAL;
	case IKEV2_N_TS_UNACCEPTABLE:		return IKE_EV_TS_UNACCEPTABLE;
	default:				return IKE_EV_ERROR;
	}
}

uint16_t
ike_child_install_notify(int rc)
{
	return rc == IKE_INSTALL_UNSUPPORTED ? IKEV2_N_NO_PROPOSAL_CHOSEN :
	    IKEV2_N_TEMPORARY_FAILURE;
}

static int
ike_child_esa(struct ike_child *c, const uint8_t *gir, size_t girlen,
    const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen,
    struct esp_child_sa *esa)
{
	struct ike_sa *sa = c->sa;
	struct ike_peer *peer = sa->peer;
	uint8_t keymat[2 * (ESP_MAX_ENC_KEY + ESP_MAX_AUTH_KEY)];
	size_t klen;
	int rc = IKE_INSTALL_FAILED;

	memset(esa, 0, sizeof(*esa));
	esa->alg = esp_alg_find(c->suite.encr, c->suite.keybits, c->suite.integ);
	if (esa->alg == NULL) {
		log_warn(peer->conf.name, "ESP suite %s not supported by the "
		    "kernel side", c->proposal);
		return IKE_INSTALL_UNSUPPORTED;
	}
	klen = esp_keymat_len(esa->alg);
	if (klen > sizeof(keymat) ||
	    ike_child_keymat(sa->suite.prf, sa->keys.sk_d, sa->keys.d_len,
	    gir, girlen, ni, nilen, nr, nrlen, keymat, klen) < 0 ||
	    esp_keymat_split(esa->alg, keymat, klen, c->initiator,
	    &esa->keys_in, &esa->keys_out) < 0)
		goto out;
	esa->spi_in = c->spi_in;
	esa->spi_out = c->spi_out;
	esa->remote = sa->remote;
	if (addr_is_set(&peer->conf.local))
		esa->local = peer->conf.local;
	else if (sa->sock && addr_is_set(&sa->sock->local) &&
	    memcmp(sa->sock->local.bytes, "\0\0\0\0", 4) != 0)
		esa->local = sa->sock->local;
	else if (ike_route_source(&sa->remote, &esa->local) < 0)
		goto out;
	/*
	 * Encapsulate only when a NAT was detected (RFC 7296 2.23): a peer
	 * may move IKE to port 4500 without one, and then sends plain ESP.
	 */
	if (sa->sock && sa->sock->natt && (sa->nat_local || sa->nat_remote)) {
		esa->encap = true;
		esa->local_port = sa->sock->port;
		esa->remote_port = sa->remote_port;
	}
	esa->esn = c->suite.esn;
	esa->replay_window = peer->conf.replay_window;
	/* The kernel's lifetimes only back up our own timers. */
	esa->soft_life_s = peer->conf.esp_lifetime_s + 30;
	esa->hard_life_s = peer->conf.esp_lifetime_s + 60;
	esa->ts_local = c->ts_local;
	esa->ts_remote = c->ts_remote;
	esa->initiator = c->initiator;
	rc = 0;
out:
	OPENSSL_cleanse(keymat, sizeof(keymat));
	return rc;
}

/*
 * Make-before-break (RFC 7296 2.8) in both roles. When we initiated the
 * exchange the peer installed both halves before it answered, so ours go
 * in whole and the kernel sends on the newest at once. As the responder
 * of a rekey the peer cannot decrypt the new SA before it has processed
 * our answer: only the inbound half goes in (before the answer leaves),
 * the outbound one when the peer lets go of the SA it replaces.
 */
int
ike_child_install(struct ike_child *c, const uint8_t *gir, size_t girlen,
    const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen,
    struct ike_child *replaces)
{
	struct ike_peer *peer = c->sa->peer;
	struct ike_ctx *ctx = peer->ctx;
	struct esp_child_sa esa;
	bool defer = replaces != NULL && !c->initiator &&
	    (replaces->installed & IKE_DIR_OUT);
	unsigned dirs = defer ? IKE_DIR_IN : IKE_DIR_BOTH;
	int rc;

	if ((rc = ike_child_esa(c, gir, girlen, ni, nilen, nr, nrlen,
	    &esa)) != 0)
		goto out;
	if (defer && (c->pending_out = malloc(sizeof(*c->pending_out))) == NULL) {
		rc = IKE_INSTALL_FAILED;
		goto out;
	}
	if (ctx->cb.child_up != NULL &&
	    (rc = ctx->cb.child_up(ctx->cbarg, peer, &esa, dirs)) != 0) {
		if (rc != IKE_INSTALL_UNSUPPORTED)
			rc = IKE_INSTALL_FAILED;
		ike_child_drop_pending(c);
		log_warn(peer->conf.name, "CHILD SA %08x/%08x %s: the kernel "
		    "refused it", c->spi_in, c->spi_out, c->proposal);
		goto out;
	}
	c->installed = dirs;
	if (defer) {
		*c->pending_out = esa;
		c->replaces = replaces;
	}
	ike_child_set_state(c, CHILD_S_INSTALLED, NULL);
	if (replaces)
		log_info(peer->conf.name, "CHILD SA %08x/%08x %s up%s%s, "
		    "replacing %08x/%08x", c->spi_in, c->spi_out, c->proposal,
		    esa.encap ? " (UDP-encapsulated)" : "",
		    defer ? ", inbound only until the peer deletes the old" : "",
		    replaces->spi_in, replaces->spi_out);
	else
		log_info(peer->conf.name, "CHILD SA %08x/%08x %s up%s%s",
		    c->spi_in, c->spi_out, c->proposal,
		    esa.encap ? " (UDP-encapsulated)" : "",
		    c->ts_dual ? ", IPv4 and IPv6" : "");
	ike_child_arm(c);
	if (peer->child_fails)
		log_info(peer->conf.name, "CHILD SA up after %u failed "
		    "attempts", peer->child_fails);
	peer->child_fails = 0;
	peer->child_retry_ms = 0;
	peer->child_fail_why[0] = '\0';
	cgw_timer_cancel(peer->child_retry_ev);
	ike_peer_event(peer, IKE_EV_CHILD_UP, c->proposal);
out:
	esp_child_sa_wipe(&esa);
	return rc;
}

void
ike_child_ts(const struct ike_sa *sa, const struct ike_child *old,
    struct esp_ts *local, struct esp_ts *remote)
{
	if (old) {
		*local = old->ts_local;
		*remote = old->ts_remote;
		return;
	}
	ike_ts_default(&sa->peer->conf.ts_local, &sa->remote, local);
	ike_ts_default(&sa->peer->conf.ts_remote, &sa->remote, remote);
}

static int
ike_addr_cmp(const struct cgw_addr *a, const struct cgw_addr *b)
{
	return memcmp(a->bytes, b->bytes, addr_len(a));
}

/* All addresses of af, every protocol and port. */
static void
ike_ts_all(int af, struct esp_ts *ts)
{
	memset(ts, 0, sizeof(*ts));
	ts->start.af = ts->end.af = af;
	memset(ts->end.bytes, 0xff, addr_len(&ts->end));
	ts->port_end = 0xffff;
}

static bool
ike_ts_is_all(const struct esp_ts *ts)
{
	struct esp_ts all;

	ike_ts_all(ts->start.af, &all);
	return ts->start.af == ts->end.af && ts->proto == 0 &&
	    ts->port_start == 0 && ts->port_end == 0xffff &&
	    ike_addr_cmp(&ts->start, &all.start) == 0 &&
	    ike_addr_cmp(&ts->end, &all.end) == 0;
}

/*
 * Only whole ranges both ways: the kernel SA then has the empty
 * (AF_UNSPEC) selector that carries both families (xfrm_msg.c), so a
 * second family needs nothing more than the peer's consent.
 */
bool
ike_child_ts_extra(const struct ike_sa *sa, const struct ike_child *old,
    const struct esp_ts *local, struct esp_ts *xlocal, struct esp_ts *xremote)
{
	bool want = old != NULL ? old->ts_dual : sa->peer->conf.ts_dual;

	if (!want || !ike_ts_is_all(local))
		return false;
	ike_ts_all(local->start.af == AF_INET6 ? AF_INET : AF_INET6, xlocal);
	*xremote = *xlocal;
	return true;
}

bool
ike_ts_list_covers(const struct ike_ts_list *l, const struct esp_ts *want)
{
	struct esp_ts got;

	return ike_ts_select(l, want, &got) == 0 && ike_ts_is_all(&got);
}

bool
ike_child_ts_agreed(const struct ike_sa *sa, const struct ike_child *old,
    const struct ike_ts_list *tsi, const struct ike_ts_list *tsr,
    const struct esp_ts *sl, const struct esp_ts *sr, struct esp_ts *x)
{
	struct esp_ts xr;

	return ike_child_ts_extra(sa, old, sl, x, &xr) && ike_ts_is_all(sr) &&
	    ike_ts_list_covers(tsi, x) && ike_ts_list_covers(tsr, x);
}

/*
 * A peer that carries one family narrows our 0.0.0.0/0 + ::/0 offer to
 * it (RFC 7296 2.9): an AWS IPv6 VPN (TunnelInsideIpVersion ipv6) answers
 * ::/0 alone, while our primary family is the outer one (IPv4). Its whole
 * range is as good a route-based CHILD SA: the kernel SA's selector is
 * the empty one either way (xfrm_msg.c), and routes pick the family.
 */
int
ike_child_ts_choose(const struct ike_sa *sa, const struct ike_child *old,
    const struct ike_ts_list *lpeer, const struct ike_ts_list *rpeer,
    struct esp_ts *sl, struct esp_ts *sr)
{
	struct esp_ts tl, tr, xl, xr;

	ike_child_ts(sa, old, &tl, &tr);
	if (ike_ts_select(lpeer, &tl, sl) == 0 &&
	    ike_ts_select(rpeer, &tr, sr) == 0)
		return 0;
	if (!ike_child_ts_extra(sa, old, &tl, &xl, &xr))
		return -1;
	if (ike_ts_select(lpeer, &xl, sl) == 0 &&
	    ike_ts_select(rpeer, &xr, sr) == 0)
		return 0;
	return -1;
}

int
ike_ts_select(const struct ike_ts_list *l, const struct esp_ts *ours,
    struct esp_ts *out)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct esp_ts *p = &l->ts[i];

		if (p->start.af != ours->start.af)
			continue;
		if (p->proto && ours->proto && p->proto != ours->proto)
			continue;
		*out = *ours;
		out->proto = ours->proto ? ours->proto : p->proto;
		if (ike_addr_cmp(&p->start, &ours->start) > 0)
			out->start = p->start;
		if (ike_addr_cmp(&p->end, &ours->end) < 0)
			out->end = p->end;
		out->port_start = p->port_start > ours->port_start ?
		    p->port_start : ours->port_start;
		out->port_end = p->port_end < ours->port_end ?
		    p->port_end : ours->port_end;
		if (ike_addr_cmp(&out->start, &out->end) > 0 ||
		    out->port_start > out->port_end)
			continue;
		return 0;
	}
	return -1;
}

int
ike_nonce_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);

	if (r)
		return r;
	return alen < blen ? -1 : alen > blen;
}

void
ike_nonce_min(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
    uint8_t *out, size_t *outlen)
{
	const uint8_t *m = ike_nonce_cmp(a, alen, b, blen) <= 0 ? a : b;
	size_t ml = m == a ? alen : blen;

	if (ml > IKE_NONCE_LEN)
		ml = IKE_NONCE_LEN;	/* a prefix decides nearly always */
	memcpy(out, m, ml);
	*outlen = ml;
}

static void
ike_child_retry_fire(void *arg)
{
	struct ike_peer *peer = arg;
	struct ike_sa *sa;

	if (!peer->keep_up || ike_peer_usable(peer))
		return;
	TAILQ_FOREACH(sa, &peer->sas, entry)
		if (sa->state == IKE_S_ESTABLISHED)
			break;
	/* No authenticated SA now (one is being set up, or re-initiation
	 * takes over), or it is busy: look again later, the chain must not
	 * end here. A liveness probe is not busy: the task waits behind it. */
	if (sa == NULL || (sa->x.kind != IKE_REQ_NONE &&
	    sa->x.kind != IKE_REQ_DPD)) {
		cgw_timer_arm(peer->child_retry_ev, peer->child_retry_ms ?
		    peer->child_retry_ms : peer->ctx->tun.child_retry_min_ms);
		return;
	}
	ike_task_add(sa, IKE_REQ_NEW_CHILD, 0);
}

/*
 * The IKE SA stays (as strongSwan keeps it): only the CHILD SA is tried
 * again, with exponential backoff, a cap and jitter so a refusing peer
 * sees a handful of attempts a minute, not one a second. The reason is
 * logged when it changes, then counted.
 */
void
ike_child_retry_later(struct ike_peer *peer, const char *why)
{
	const struct ike_tunables *t = &peer->ctx->tun;
	uint32_t r = 0;
	unsigned ms;

	peer->child_fails++;
	snprintf(peer->last_error, sizeof(peer->last_error), "%s", why);
	if (!peer->keep_up)
		return;
	ms = peer->child_retry_ms ? peer->child_retry_ms * 2 :
	    t->child_retry_min_ms;
	if (ms > t->child_retry_max_ms)
		ms = t->child_retry_max_ms;
	peer->child_retry_ms = ms;
	ike_random(&r, sizeof(r));
	ms = (unsigned)((double)ms * (0.8 + 0.4 * ((double)r / 4294967296.0)));
	if (strcmp(why, peer->child_fail_why) != 0) {
		snprintf(peer->child_fail_why, sizeof(peer->child_fail_why),
		    "%s", why);
		log_warn(peer->conf.name, "CHILD SA failed: %s; retrying with "
		    "backoff (next in %u ms)", why, ms);
	} else if (peer->child_fails % 10 == 0) {
		log_warn(peer->conf.name, "CHILD SA failed %u times: %s; next "
		    "attempt in %u ms", peer->child_fails, why, ms);
	} else {
		log_info(peer->conf.name, "CHILD SA attempt %u failed the same "
		    "way; next attempt in %u ms", peer->child_fails, ms);
	}
	cgw_timer_set(peer->ctx->clock, &peer->child_retry_ev,
	    ike_child_retry_fire, peer, ms);
}
