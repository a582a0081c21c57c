/*
 * The context, peers and the IKE SA state machine: creation, one
 * transition function, timers (rekey, hard expiry, DPD, NAT keepalive,
 * half-open expiry), failure handling and re-initiation with backoff.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/crypto.h>

#include "ike/ike_local.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/names.h"

static const char *const ike_state_names[] = {
	[IKE_S_IDLE] = "idle",
	[IKE_S_INIT_SENT] = "init-sent",
	[IKE_S_AUTH_SENT] = "auth-sent",
	[IKE_S_INIT_RCVD] = "half-open",
	[IKE_S_ESTABLISHED] = "established",
	[IKE_S_REKEYED] = "rekeyed",
	[IKE_S_DELETING] = "deleting",
	[IKE_S_DEAD] = "dead",
};

const char *
ike_sa_state_name(enum ike_sa_state s)
{
	return CGW_ENUM_NAME(ike_state_names, s);
}

static const char *const ike_event_names[] = {
	[IKE_EV_UP] = "up",
	[IKE_EV_DEAD] = "dead",
	[IKE_EV_DELETED] = "deleted",
	[IKE_EV_AUTH_FAILED] = "auth-failed",
	[IKE_EV_NO_PROPOSAL] = "no-proposal",
	[IKE_EV_TS_UNACCEPTABLE] = "ts-unacceptable",
	[IKE_EV_EXPIRED] = "expired",
	[IKE_EV_ERROR] = "error",
	[IKE_EV_CHILD_UP] = "child-up",
	[IKE_EV_CHILD_DOWN] = "child-down",
	[IKE_EV_KERNEL] = "kernel-error",
};

const char *
ike_peer_event_name(enum ike_peer_event e)
{
	return CGW_ENUM_NAME(ike_event_names, e);
}

time_t
ike_now(const struct ike_ctx *ctx)
{
	return (time_t)(cgw_clock_now_ms(ctx->clock) / 1000);
}

/* When to start a rekey: 9 % before the lifetime plus up to 5 % random,
 * so two ends with the same lifetime rarely start at the same moment. */
double
ike_jitter_s(uint32_t lifetime)
{
	uint32_t r = 0;

	ike_random(&r, sizeof(r));
	return (double)lifetime * (0.91 - 0.05 * ((double)r / 4294967296.0));
}

void
ike_peer_event(struct ike_peer *peer, enum ike_peer_event ev,
    const char *reason)
{
	struct ike_ctx *ctx = peer->ctx;

	/* A working tunnel's error is not an attacker's to rewrite: failures
	 * of other attempts are recorded only while it does not work. */
	if (ev != IKE_EV_UP && ev != IKE_EV_CHILD_UP && !ike_peer_usable(peer))
		snprintf(peer->last_error, sizeof(peer->last_error), "%s",
		    reason ? reason : ike_peer_event_name(ev));
	if (ctx->cb.peer_state)
		ctx->cb.peer_state(ctx->cbarg, peer, ev, reason);
}

/* Half-open SAs, in all and per peer (they are what a flood makes). */
void
ike_halfopen_count(struct ike_peer *peer, int delta)
{
	if (delta > 0) {
		peer->ctx->halfopen++;
		peer->halfopen++;
	} else {
		if (peer->ctx->halfopen > 0)
			peer->ctx->halfopen--;
		if (peer->halfopen > 0)
			peer->halfopen--;
	}
}

/* Which transitions exist (an SA made by a rekey starts established). */
static const uint8_t ike_sa_next[] = {
	[IKE_S_IDLE]		= 1u << IKE_S_INIT_SENT | 1u << IKE_S_INIT_RCVD |
				  1u << IKE_S_ESTABLISHED | 1u << IKE_S_DEAD,
	[IKE_S_INIT_SENT]	= 1u << IKE_S_AUTH_SENT | 1u << IKE_S_DEAD,
	[IKE_S_AUTH_SENT]	= 1u << IKE_S_ESTABLISHED | 1u << IKE_S_DEAD,
	[IKE_S_INIT_RCVD]	= 1u << IKE_S_ESTABLISHED | 1u << IKE_S_DEAD,
	[IKE_S_ESTABLISHED]	= 1u << IKE_S_REKEYED | 1u << IKE_S_DELETING |
				  1u << IKE_S_DEAD,
	[IKE_S_REKEYED]		= 1u << IKE_S_DELETING | 1u << IKE_S_DEAD,
	[IKE_S_DELETING]	= 1u << IKE_S_DEAD,
	[IKE_S_DEAD]		= 0,
};

/* The one way an IKE SA changes state: illegal transitions are refused
 * and logged, so a bug shows instead of corrupting the SA. */
int
ike_sa_set_state(struct ike_sa *sa, enum ike_sa_state st, const char *why)
{
	if (sa->state == st)
		return 0;
	if ((unsigned)sa->state >= sizeof(ike_sa_next) ||
	    (ike_sa_next[sa->state] & (1u << st)) == 0) {
		log_err(sa->peer->conf.name, "IKE SA %016llx/%016llx: illegal "
		    "transition %s -> %s refused",
		    (unsigned long long)sa->spi_i, (unsigned long long)sa->spi_r,
		    ike_sa_state_name(sa->state), ike_sa_state_name(st));
		return -1;
	}
	log_info(sa->peer->conf.name, "IKE SA %016llx/%016llx: %s -> %s%s%s",
	    (unsigned long long)sa->spi_i, (unsigned long long)sa->spi_r,
	    ike_sa_state_name(sa->state), ike_sa_state_name(st),
	    why ? ": " : "", why ? why : "");
	/* The loser of a simultaneous rekey (2.8.1) replaced nothing. */
	if (st == IKE_S_REKEYED && (why == NULL || strcmp(why, "redundant") != 0))
		sa->peer->ctr.ike_rekeys++;
	if (sa->state == IKE_S_INIT_RCVD)
		ike_halfopen_count(sa->peer, -1);
	if (st == IKE_S_INIT_RCVD)
		ike_halfopen_count(sa->peer, 1);
	sa->state = st;
	return 0;
}

static void
ike_timer_set(struct ike_sa *sa, struct cgw_timer **t, cgw_timer_fn *fn,
    double s)
{
	cgw_timer_set(sa->peer->ctx->clock, t, fn, sa,
	    s > 0 ? (uint64_t)(s * 1000) : 0);
}

static void
ike_halfopen_fire(void *arg)
{
	struct ike_sa *sa = arg;

	if (sa->state == IKE_S_INIT_RCVD || sa->state == IKE_S_INIT_SENT ||
	    sa->state == IKE_S_AUTH_SENT) {
		log_info(sa->peer->conf.name, "half-open IKE SA %016llx expired",
		    (unsigned long long)sa->spi_i);
		if (sa->initiator)
			ike_sa_fail(sa, IKE_EV_DEAD, "IKE SA not established in time");
		else
			ike_sa_free(sa);
	}
}

struct ike_sa *
ike_sa_new(struct ike_peer *peer, bool initiator)
{
	struct ike_sa *sa;

	if ((sa = calloc(1, sizeof(*sa))) == NULL)
		return NULL;
	sa->peer = peer;
	sa->initiator = initiator;
	sa->state = IKE_S_IDLE;
	wbuf_init(&sa->init_req);
	wbuf_init(&sa->init_resp);
	wbuf_init(&sa->x.msg);	/* x.kind is IKE_REQ_NONE */
	wbuf_init(&sa->resp_msg);
	TAILQ_INIT(&sa->tasks);
	TAILQ_INIT(&sa->children);
	sa->remote = peer->conf.remote;
	sa->remote_port = peer->conf.remote_port ? peer->conf.remote_port :
	    IKEV2_PORT;
	sa->sock = ike_sock_pick(peer->ctx, &peer->conf.local, false);
	sa->created = ike_now(peer->ctx);
	sa->created_ms = cgw_clock_now_ms(peer->ctx->clock);
	sa->last_rx = sa->created;
	TAILQ_INSERT_HEAD(&peer->sas, sa, entry);
	ike_timer_set(sa, &sa->halfopen_ev, ike_halfopen_fire,
	    peer->ctx->tun.halfopen_s);
	return sa;
}

static void
ike_ev_free(struct cgw_timer **t)
{
	cgw_timer_free(*t);
	*t = NULL;
}

void
ike_sa_free(struct ike_sa *sa)
{
	struct ike_peer *peer = sa->peer;
	struct ike_child *c;
	struct ike_task *t;
	struct ike_sa *o;

	sa->freeing = true;
	if (sa->state == IKE_S_INIT_RCVD)
		ike_halfopen_count(peer, -1);
	/* Nothing may point at it afterwards (a rekey collision's loser). */
	TAILQ_FOREACH(o, &peer->sas, entry)
		if (o->replaced_by == sa)
			o->replaced_by = NULL;
	while ((c = TAILQ_FIRST(&sa->children)))
		ike_child_free(c, true);
	while ((t = TAILQ_FIRST(&sa->tasks))) {
		TAILQ_REMOVE(&sa->tasks, t, entry);
		free(t);
	}
	ike_xchg_end(sa);
	ike_ev_free(&sa->rtx_ev);
	ike_ev_free(&sa->task_ev);
	ike_ev_free(&sa->rekey_ev);
	ike_ev_free(&sa->expire_ev);
	ike_ev_free(&sa->dpd_ev);
	ike_ev_free(&sa->ka_ev);
	ike_ev_free(&sa->halfopen_ev);
	if (sa->dh)
		ike_dh_free(sa->dh);
	ike_keys_wipe(&sa->keys);
	wbuf_free(&sa->init_req);
	wbuf_free(&sa->init_resp);
	wbuf_free(&sa->resp_msg);
	TAILQ_REMOVE(&peer->sas, sa, entry);
	OPENSSL_cleanse(sa, sizeof(*sa));
	free(sa);
}

static void
ike_reinit_fire(void *arg)
{
	struct ike_peer *peer = arg;

	if (!peer->keep_up)
		return;
	/* Only when nothing is up or under way. */
	if (TAILQ_EMPTY(&peer->sas))
		ike_peer_initiate(peer);
}

void
ike_peer_schedule_reinit(struct ike_peer *peer)
{
	const struct ike_tunables *t = &peer->ctx->tun;

	if (!peer->keep_up)
		return;
	if (peer->reinit_ms == 0)
		peer->reinit_ms = t->reinit_min_ms;
	log_info(peer->conf.name, "re-initiating in %u ms", peer->reinit_ms);
	cgw_timer_arm(peer->reinit_ev, peer->reinit_ms);
	peer->reinit_ms *= 2;
	if (peer->reinit_ms > t->reinit_max_ms)
		peer->reinit_ms = t->reinit_max_ms;
}

void
ike_sa_fail(struct ike_sa *sa, enum ike_peer_event ev, const char *fmt, ...)
{
	struct ike_peer *peer = sa->peer;
	char reason[256];
	va_list ap;
	bool was_up = sa->state == IKE_S_ESTABLISHED ||
	    sa->state == IKE_S_REKEYED || sa->state == IKE_S_DELETING;
	bool tell = sa->replaced_by == NULL || !was_up;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (ev == IKE_EV_DELETED)
		log_info(peer->conf.name, "%s", reason);
	else
		log_warn(peer->conf.name, "%s", reason);

	/*
	 * Dead first, so whoever hears the event sees the peer as it now is
	 * (a dead SA is not usable); told before its CHILD SAs leave the
	 * kernel, so the routes move to another tunnel while this one still
	 * has SAs, never to an interface without them. A rekeyed-away SA
	 * dying matters to nobody: its successor lives.
	 */
	ike_sa_set_state(sa, IKE_S_DEAD, ike_peer_event_name(ev));
	if (tell)
		ike_peer_event(peer, ev, reason);
	ike_sa_free(sa);
	if (TAILQ_EMPTY(&peer->sas))
		ike_peer_schedule_reinit(peer);
}

static void ike_sa_arm_dpd(struct ike_sa *);
static void ike_live_fire(void *);

static void
ike_rekey_fire(void *arg)
{
	struct ike_sa *sa = arg;

	if (sa->state == IKE_S_ESTABLISHED)
		ike_task_add(sa, IKE_REQ_REKEY_IKE, 0);
}

static void
ike_expire_fire(void *arg)
{
	struct ike_sa *sa = arg;

	ike_info_delete_ike_nowait(sa);
	ike_sa_fail(sa, IKE_EV_EXPIRED, "IKE SA reached its hard lifetime "
	    "without a rekey");
}

/*
 * Liveness. cgwd does not wait for the peer's DPD timers (AWS: 30 s): it
 * sends an empty INFORMATIONAL every interval and declares the IKE SA
 * dead once no answer to any of its requests came for the timeout. Only
 * answers count. Inbound ESP or the peer's own requests prove that the
 * peer can reach us, not that it hears us (a path lost in one direction).
 * While a request is unanswered it is retransmitted every interval (see
 * ike_rtx_arm), so a short timeout still rides out lost packets.
 *
 * The timer runs every interval, at most every second. With a longer
 * interval, inbound ESP stopping while outbound goes on brings the next
 * probe forward: traffic the peer no longer answers is the first sign.
 */
#define IKE_LIVE_TICK_MAX_MS	1000

static uint32_t
ike_live_tick_ms(const struct ike_peer *peer)
{
	uint32_t i = peer->conf.dpd_interval_ms;

	return i < IKE_LIVE_TICK_MAX_MS ? i : IKE_LIVE_TICK_MAX_MS;
}

/* Inbound ESP stood still while outbound grew since the last tick. */
static bool
ike_live_esp_stalled(struct ike_sa *sa)
{
	struct ike_peer *peer = sa->peer;
	struct ike_ctx *ctx = peer->ctx;
	uint64_t in = 0, out = 0, b;
	struct ike_child *c;
	bool known = false, stalled;

	if (ctx->cb.child_bytes == NULL)
		return false;
	TAILQ_FOREACH(c, &sa->children, entry) {
		if (c->state != CHILD_S_INSTALLED)
			continue;
		if (ctx->cb.child_bytes(ctx->cbarg, peer, c->spi_in,
		    IKE_DIR_IN, &b) == 0) {
			in += b;
			known = true;
		}
		if (ctx->cb.child_bytes(ctx->cbarg, peer, c->spi_out,
		    IKE_DIR_OUT, &b) == 0)
			out += b;
	}
	if (!known)
		return false;
	stalled = in == sa->esp_in && out > sa->esp_out;
	sa->esp_in = in;
	sa->esp_out = out;
	return stalled;
}

/*
 * Dead after the timeout without an answer; false (and a short re-run) if
 * this process itself stood still that long: the answers may be waiting
 * unread in the socket, and the read runs before the next timer.
 */
bool
ike_live_check(struct ike_sa *sa)
{
	struct ike_peer *peer = sa->peer;
	uint64_t now = cgw_clock_now_ms(peer->ctx->clock);
	uint64_t silent = now - sa->answered_ms;

	if (peer->conf.dpd_interval_ms == 0 ||
	    silent < peer->conf.dpd_timeout_ms)
		return false;
	if (sa->tick_ms != 0 &&
	    now - sa->tick_ms > (uint64_t)peer->conf.dpd_timeout_ms / 2) {
		sa->tick_ms = now;
		cgw_timer_set(peer->ctx->clock, &sa->dpd_ev, ike_live_fire,
		    sa, 1);
		return false;
	}
	peer->ctr.dpd_misses++;
	ike_sa_fail(sa, IKE_EV_DEAD, "peer not answering: no answer for "
	    "%.1f s (dpd timeout %.1f s)", (double)silent / 1000.0,
	    (double)peer->conf.dpd_timeout_ms / 1000.0);
	return true;
}

static void
ike_live_fire(void *arg)
{
	struct ike_sa *sa = arg;
	struct ike_peer *peer = sa->peer;
	uint64_t now = cgw_clock_now_ms(peer->ctx->clock);
	bool due;

	if (sa->state != IKE_S_ESTABLISHED)
		return;
	if (ike_live_check(sa))
		return;		/* sa is gone */
	sa->tick_ms = now;
	due = now - sa->probe_ms >= peer->conf.dpd_interval_ms;
	if (peer->conf.dpd_interval_ms > IKE_LIVE_TICK_MAX_MS &&
	    ike_live_esp_stalled(sa) && !due) {
		log_debug(peer->conf.name, "inbound ESP stopped while "
		    "outbound goes on: checking liveness now");
		due = true;
	}
	if (due && sa->x.kind == IKE_REQ_NONE) {
		sa->probe_ms = now;
		ike_task_add(sa, IKE_REQ_DPD, 0);
	}
	ike_sa_arm_dpd(sa);
}

static void
ike_sa_arm_dpd(struct ike_sa *sa)
{
	if (sa->peer->conf.dpd_interval_ms != 0)
		cgw_timer_set(sa->peer->ctx->clock, &sa->dpd_ev, ike_live_fire,
		    sa, ike_live_tick_ms(sa->peer));
}

static void
ike_ka_fire(void *arg)
{
	struct ike_sa *sa = arg;

	ike_sock_keepalive(sa);
	ike_timer_set(sa, &sa->ka_ev, ike_ka_fire,
	    sa->peer->ctx->tun.natt_keepalive_s);
}

void
ike_sa_arm_timers(struct ike_sa *sa)
{
	uint32_t life = sa->peer->conf.ike_lifetime_s;

	double soft = ike_jitter_s(life);

	sa->rekey_at = ike_now(sa->peer->ctx) + (time_t)soft;
	ike_timer_set(sa, &sa->rekey_ev, ike_rekey_fire, soft);
	ike_timer_set(sa, &sa->expire_ev, ike_expire_fire, life);
	sa->answered_ms = sa->probe_ms = cgw_clock_now_ms(sa->peer->ctx->clock);
	sa->tick_ms = 0;
	sa->esp_in = sa->esp_out = 0;
	ike_sa_arm_dpd(sa);
	if (sa->nat_local)
		ike_timer_set(sa, &sa->ka_ev, ike_ka_fire,
		    sa->peer->ctx->tun.natt_keepalive_s);
}

/* Established IKE SAs of the peer that are nobody's predecessor. */
static unsigned
ike_peer_n_established(const struct ike_peer *peer)
{
	const struct ike_sa *sa;
	unsigned n = 0;

	TAILQ_FOREACH(sa, &peer->sas, entry)
		if (sa->state == IKE_S_ESTABLISHED)
			n++;
	return n;
}

/*
 * Both ends initiated (AWS startup action "start", a peer retransmitting
 * its IKE_SA_INIT while we start): two authenticated IKE SAs, each with
 * its CHILD SA pair. As for a simultaneous rekey (RFC 7296 2.8.1) the one
 * whose exchanges hold the lowest nonce is redundant. We wait a moment
 * first: a peer answering an INITIAL_CONTACT deletes one itself, and two
 * deletions must not cross. Then we delete the redundant SA whoever made
 * it, since not every peer deletes its own; its CHILD SAs retire with a
 * grace for packets in flight, and the kernel already sends on the
 * survivor's, so no packet is lost.
 */
static void
ike_dup_fire(void *arg)
{
	struct ike_peer *peer = arg;
	struct ike_sa *sa, *keep = NULL;

	if (ike_peer_n_established(peer) < 2)
		return;
	TAILQ_FOREACH(sa, &peer->sas, entry)
		if (sa->state == IKE_S_ESTABLISHED && (keep == NULL ||
		    ike_nonce_cmp(sa->nonce_min, sa->nonce_min_len,
		    keep->nonce_min, keep->nonce_min_len) > 0))
			keep = sa;
	TAILQ_REMOVE(&peer->sas, keep, entry);
	TAILQ_INSERT_HEAD(&peer->sas, keep, entry);
	TAILQ_FOREACH(sa, &peer->sas, entry) {
		if (sa == keep || sa->state != IKE_S_ESTABLISHED)
			continue;
		log_info(peer->conf.name, "both ends set up an IKE SA: "
		    "%016llx/%016llx (made by %s) is redundant, deleting it",
		    (unsigned long long)sa->spi_i, (unsigned long long)sa->spi_r,
		    sa->initiator ? "us" : "the peer");
		sa->redundant = true;
		ike_task_add(sa, IKE_REQ_DELETE_IKE, 0);
	}
}

static void
ike_peer_check_duplicates(struct ike_peer *peer)
{
	if (ike_peer_n_established(peer) < 2 ||
	    cgw_timer_pending(peer->dup_ev))
		return;
	cgw_timer_set(peer->ctx->clock, &peer->dup_ev, ike_dup_fire, peer,
	    peer->ctx->tun.dup_settle_ms);
}

void
ike_sa_established(struct ike_sa *sa)
{
	struct ike_peer *peer = sa->peer;
	struct ike_sa *o, *next;
	char why[160];

	cgw_timer_cancel(sa->halfopen_ev);
	snprintf(why, sizeof(why), "%s%s", sa->proposal,
	    sa->nat_local ? ", behind NAT" : sa->nat_remote ?
	    ", peer behind NAT" : "");
	ike_sa_set_state(sa, IKE_S_ESTABLISHED, why);
	ike_nonce_min(sa->ni, sa->nilen, sa->nr, sa->nrlen, sa->nonce_min,
	    &sa->nonce_min_len);
	/* Current SA first in the list. */
	TAILQ_REMOVE(&peer->sas, sa, entry);
	TAILQ_INSERT_HEAD(&peer->sas, sa, entry);
	peer->reinit_ms = 0;
	ike_sa_arm_timers(sa);
	ike_peer_event(peer, IKE_EV_UP, why);
	/* Our own attempt racing with this one is pointless while the peer
	 * holds only a half-open SA for it (which it expires); once our
	 * IKE_AUTH is out the peer may have a CHILD SA on it, so it stays
	 * and the duplicate check settles it. */
	for (o = TAILQ_FIRST(&peer->sas); o; o = next) {
		next = TAILQ_NEXT(o, entry);
		if (o != sa && (o->state == IKE_S_INIT_SENT ||
		    o->state == IKE_S_IDLE))
			ike_sa_free(o);
	}
	ike_peer_check_duplicates(peer);
}

bool
ike_peer_usable(const struct ike_peer *peer)
{
	const struct ike_sa *sa;
	const struct ike_child *c;

	TAILQ_FOREACH(sa, &peer->sas, entry) {
		if (sa->state != IKE_S_ESTABLISHED)
			continue;
		TAILQ_FOREACH(c, &sa->children, entry)
			if (ike_child_usable(c))
				return true;
	}
	return false;
}

bool
ike_peer_has_other_sa(const struct ike_sa *sa)
{
	const struct ike_sa *o;

	TAILQ_FOREACH(o, &sa->peer->sas, entry)
		if (o != sa && (o->state == IKE_S_ESTABLISHED ||
		    o->state == IKE_S_REKEYED))
			return true;
	return false;
}

bool
ike_peer_keeps_up(const struct ike_peer *peer)
{
	return peer->keep_up;
}

void
ike_sa_children_changed(struct ike_sa *sa)
{
	struct ike_peer *peer = sa->peer;

	if (!ike_peer_usable(peer))
		ike_peer_event(peer, IKE_EV_CHILD_DOWN, "no CHILD SA left");
}

struct ike_sa *
ike_sa_find(struct ike_ctx *ctx, uint64_t spi_i, uint64_t spi_r,
    bool we_initiated)
{
	struct ike_peer *peer;
	struct ike_sa *sa;

	TAILQ_FOREACH(peer, &ctx->peers, entry)
		TAILQ_FOREACH(sa, &peer->sas, entry) {
			if (sa->initiator != we_initiated)
				continue;
			if (we_initiated && sa->spi_i == spi_i &&
			    (sa->spi_r == 0 || sa->spi_r == spi_r))
				return sa;
			if (!we_initiated && sa->spi_r == spi_r &&
			    sa->spi_i == spi_i)
				return sa;
		}
	return NULL;
}

struct ike_sa *
ike_sa_find_halfopen(struct ike_ctx *ctx, uint64_t spi_i,
    const struct cgw_addr *from)
{
	struct ike_peer *peer;
	struct ike_sa *sa;

	TAILQ_FOREACH(peer, &ctx->peers, entry)
		TAILQ_FOREACH(sa, &peer->sas, entry)
			if (!sa->initiator && sa->spi_i == spi_i &&
			    addr_eq(&sa->remote, from) &&
			    sa->state == IKE_S_INIT_RCVD)
				return sa;
	return NULL;
}

/* ID payload body: type, 3 reserved bytes, data. */
void
ike_sa_id_body(const struct ike_sa *sa, bool local, struct wbuf *w)
{
	const struct ike_peer_conf *c = &sa->peer->conf;
	const struct ike_id *id = local ? &c->local_id : &c->remote_id;
	const struct cgw_addr *a = local ? &c->local : &c->remote;

	if (id->type) {
		wbuf_u8(w, id->type);
		wbuf_zero(w, 3);
		wbuf_bytes(w, id->data, id->len);
		return;
	}
	if (local && !addr_is_set(a) && sa->sock)
		a = &sa->sock->local;
	wbuf_u8(w, a->af == AF_INET6 ? IKEV2_ID_IPV6_ADDR : IKEV2_ID_IPV4_ADDR);
	wbuf_zero(w, 3);
	wbuf_bytes(w, a->bytes, addr_len(a) ? addr_len(a) : 4);
}

void
ike_ts_default(const struct cgw_prefix *p, const struct cgw_addr *like,
    struct esp_ts *ts)
{
	memset(ts, 0, sizeof(*ts));
	ts->port_end = 0xffff;
	if (p->addr.af == AF_UNSPEC) {
		ts->start.af = ts->end.af =
		    like->af == AF_INET6 ? AF_INET6 : AF_INET;
		memset(ts->end.bytes, 0xff, addr_len(&ts->end));
		return;
	}
	ts->start = ts->end = p->addr;
	for (size_t i = 0; i < addr_len(&p->addr); i++) {
		unsigned bits = p->len > i * 8 ? p->len - i * 8 : 0;
		uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));

		ts->start.bytes[i] &= mask;
		ts->end.bytes[i] |= (uint8_t)~mask;
	}
}

/* ---- public API ------------------------------------------------------ */

struct ike_ctx *
ike_ctx_new(struct event_base *base, const struct ike_callbacks *cb,
    void *cbarg)
{
	return ike_ctx_new_with(base, cb, cbarg, NULL, NULL);
}

struct ike_ctx *
ike_ctx_new_with(struct event_base *base, const struct ike_callbacks *cb,
    void *cbarg, struct cgw_clock *clock, const struct ike_io *io)
{
	struct ike_ctx *ctx;

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return NULL;
	ctx->base = base;
	ctx->clock = clock;
	if (clock == NULL) {
		ctx->clock = cgw_clock_new_event(base);
		ctx->own_clock = true;
	}
	if (io)
		ctx->io = *io;
	ctx->cb = *cb;
	ctx->cbarg = cbarg;
	TAILQ_INIT(&ctx->peers);
	ike_ctx_set_tunables(ctx, NULL);
	/* Held-back IKE_SA_INIT requests only come from real sockets. */
	if (ctx->io.send == NULL)
		ctx->defer = calloc(IKE_READ_BATCH, sizeof(*ctx->defer));
	if (ctx->clock == NULL || (ctx->io.send == NULL && base == NULL) ||
	    (ctx->io.send == NULL && ctx->defer == NULL) ||
	    ike_random(ctx->cookie_secret, sizeof(ctx->cookie_secret)) < 0) {
		if (ctx->own_clock)
			cgw_clock_free(ctx->clock);
		free(ctx->defer);
		free(ctx);
		return NULL;
	}
	return ctx;
}

void
ike_ctx_set_tunables(struct ike_ctx *ctx, const struct ike_tunables *t)
{
	struct ike_tunables d;

	memset(&d, 0, sizeof(d));
	if (t)
		d = *t;
	if (!d.retransmit_base_ms)
		d.retransmit_base_ms = 1000;
	if (!d.retransmit_tries)
		d.retransmit_tries = 5;
	if (!d.halfopen_s)
		d.halfopen_s = 30;
	if (!d.reinit_min_ms)
		d.reinit_min_ms = 1000;
	if (!d.reinit_max_ms)
		d.reinit_max_ms = 30000;
	if (!d.natt_keepalive_s)
		d.natt_keepalive_s = 20;
	if (!d.cookie_threshold)
		d.cookie_threshold = 10;
	if (!d.cookie_threshold_peer)
		d.cookie_threshold_peer = 3;
	if (!d.halfopen_per_peer)
		d.halfopen_per_peer = 5;
	if (!d.halfopen_max)
		d.halfopen_max = 1024;
	if (!d.dh_per_s)
		d.dh_per_s = 5;
	if (!d.cookies_per_s)
		d.cookies_per_s = 50;
	if (!d.child_retry_min_ms)
		d.child_retry_min_ms = 2000;
	if (!d.child_retry_max_ms)
		d.child_retry_max_ms = 120000;
	if (!d.retire_ms)
		d.retire_ms = 5000;
	if (!d.dup_settle_ms)
		d.dup_settle_ms = 2000;
	ctx->tun = d;
}

void
ike_ctx_free(struct ike_ctx *ctx)
{
	struct ike_peer *peer;

	if (ctx == NULL)
		return;
	while ((peer = TAILQ_FIRST(&ctx->peers)))
		ike_peer_remove(peer);
	ike_sock_close_all(ctx);
	if (ctx->own_clock)
		cgw_clock_free(ctx->clock);
	OPENSSL_cleanse(ctx->cookie_secret, sizeof(ctx->cookie_secret));
	free(ctx->defer);
	free(ctx);
}

struct ike_peer *
ike_peer_add(struct ike_ctx *ctx, const struct ike_peer_conf *conf,
    char *err, size_t errlen)
{
	struct ike_peer *peer;

	if (!addr_is_set(&conf->remote)) {
		snprintf(err, errlen, "no remote address");
		return NULL;
	}
	if (conf->psk == NULL || conf->psk_len == 0) {
		snprintf(err, errlen, "no pre-shared key");
		return NULL;
	}
	if (conf->n_ike == 0 || conf->n_esp == 0) {
		snprintf(err, errlen, "no IKE or ESP proposal");
		return NULL;
	}
	if ((peer = calloc(1, sizeof(*peer))) == NULL ||
	    (peer->psk = malloc(conf->psk_len)) == NULL) {
		free(peer);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	peer->ctx = ctx;
	peer->conf = *conf;
	memcpy(peer->psk, conf->psk, conf->psk_len);
	peer->psk_len = conf->psk_len;
	peer->conf.psk = NULL;
	if (!peer->conf.ike_lifetime_s)
		peer->conf.ike_lifetime_s = CONF_DEF_IKE_LIFETIME;
	if (!peer->conf.esp_lifetime_s)
		peer->conf.esp_lifetime_s = CONF_DEF_ESP_LIFETIME;
	if (peer->conf.dpd_interval_ms && !peer->conf.dpd_timeout_ms)
		peer->conf.dpd_timeout_ms = 10 * peer->conf.dpd_interval_ms;
	peer->n_ike_props = ike_prop_from_conf(conf->ike, conf->n_ike,
	    IKEV2_PROTO_IKE, 0, 0, true, peer->ike_props);
	peer->n_esp_props = ike_prop_from_conf(conf->esp, conf->n_esp,
	    IKEV2_PROTO_ESP, 0, 4, true, peer->esp_props);
	if (peer->n_ike_props == 0 || peer->n_esp_props == 0 ||
	    ike_prop_first_dh(peer->ike_props, peer->n_ike_props) == 0)
		snprintf(err, errlen, "IKE proposals need a DH group");
	else if ((peer->reinit_ev = cgw_timer_new(ctx->clock, ike_reinit_fire,
	    peer)) == NULL)
		snprintf(err, errlen, "out of memory");
	if (peer->reinit_ev == NULL) {
		OPENSSL_cleanse(peer->psk, peer->psk_len);
		free(peer->psk);
		free(peer);
		return NULL;
	}
	TAILQ_INIT(&peer->sas);
	TAILQ_INIT(&peer->retired);
	TAILQ_INSERT_TAIL(&ctx->peers, peer, entry);
	peer->keep_up = conf->initiate;
	if (conf->initiate)
		ike_peer_initiate(peer);
	return peer;
}

void
ike_peer_remove(struct ike_peer *peer)
{
	struct ike_sa *sa;
	struct ike_child *c;

	peer->keep_up = false;
	while ((sa = TAILQ_FIRST(&peer->sas))) {
		ike_info_delete_ike_nowait(sa);
		ike_sa_free(sa);
	}
	while ((c = TAILQ_FIRST(&peer->retired)))
		ike_child_free(c, true);
	cgw_timer_free(peer->reinit_ev);
	cgw_timer_free(peer->child_retry_ev);
	cgw_timer_free(peer->dup_ev);
	TAILQ_REMOVE(&peer->ctx->peers, peer, entry);
	OPENSSL_cleanse(peer->psk, peer->psk_len);
	free(peer->psk);
	OPENSSL_cleanse(peer, sizeof(*peer));
	free(peer);
}

const char *
ike_peer_name(const struct ike_peer *peer)
{
	return peer->conf.name;
}

void *
ike_peer_get_data(const struct ike_peer *peer)
{
	return peer->data;
}

void
ike_peer_set_data(struct ike_peer *peer, void *data)
{
	peer->data = data;
}

struct ike_peer *
ike_peer_find(struct ike_ctx *ctx, const char *name)
{
	struct ike_peer *peer;

	TAILQ_FOREACH(peer, &ctx->peers, entry)
		if (strcmp(peer->conf.name, name) == 0)
			return peer;
	return NULL;
}

int
ike_peer_initiate(struct ike_peer *peer)
{
	struct ike_sa *sa;

	peer->keep_up = peer->conf.initiate || peer->keep_up;
	TAILQ_FOREACH(sa, &peer->sas, entry)
		if (sa->state == IKE_S_ESTABLISHED ||
		    (sa->initiator && (sa->state == IKE_S_INIT_SENT ||
		    sa->state == IKE_S_AUTH_SENT)))
			return 0;	/* up or on its way */
	if ((sa = ike_sa_new(peer, true)) == NULL)
		return -1;
	if (ike_init_start(sa) < 0) {
		ike_sa_fail(sa, IKE_EV_ERROR, "cannot start IKE_SA_INIT");
		return -1;
	}
	return 0;
}

int
ike_peer_terminate(struct ike_peer *peer)
{
	struct ike_sa *sa, *next;

	peer->keep_up = false;
	cgw_timer_cancel(peer->reinit_ev);
	for (sa = TAILQ_FIRST(&peer->sas); sa; sa = next) {
		next = TAILQ_NEXT(sa, entry);
		if (sa->state == IKE_S_ESTABLISHED)
			ike_task_add(sa, IKE_REQ_DELETE_IKE, 0);
		else if (sa->state != IKE_S_DELETING)
			ike_sa_free(sa);
	}
	return 0;
}

static struct ike_sa *
ike_peer_current(struct ike_peer *peer)
{
	struct ike_sa *sa = TAILQ_FIRST(&peer->sas);

	return sa && sa->state == IKE_S_ESTABLISHED ? sa : NULL;
}

int
ike_peer_rekey_child(struct ike_peer *peer)
{
	struct ike_sa *sa = ike_peer_current(peer);
	struct ike_child *c;

	if (sa == NULL)
		return -1;
	TAILQ_FOREACH(c, &sa->children, entry)
		if (c->state == CHILD_S_INSTALLED)
			ike_task_add(sa, IKE_REQ_REKEY_CHILD, c->spi_in);
	return 0;
}

int
ike_peer_rekey_ike(struct ike_peer *peer)
{
	struct ike_sa *sa = ike_peer_current(peer);

	if (sa == NULL)
		return -1;
	ike_task_add(sa, IKE_REQ_REKEY_IKE, 0);
	return 0;
}

void
ike_peer_status(const struct ike_peer *peer, struct ike_status *st)
{
	const struct ike_sa *sa = TAILQ_FIRST(&peer->sas);
	const struct ike_child *c;
	time_t now = ike_now(peer->ctx);

	memset(st, 0, sizeof(*st));
	snprintf(st->last_error, sizeof(st->last_error), "%s", peer->last_error);
	st->ctr = peer->ctr;
	st->n_ike = ike_peer_n_established(peer);
	if (sa == NULL) {
		snprintf(st->state, sizeof(st->state), "%s",
		    peer->keep_up ? "connecting" : "down");
		return;
	}
	snprintf(st->state, sizeof(st->state), "%s",
	    sa->state == IKE_S_ESTABLISHED ? "established" :
	    sa->state == IKE_S_INIT_SENT || sa->state == IKE_S_AUTH_SENT ||
	    sa->state == IKE_S_INIT_RCVD ? "connecting" :
	    ike_sa_state_name(sa->state));
	snprintf(st->proposal, sizeof(st->proposal), "%s", sa->proposal);
	st->spi_i = sa->spi_i;
	st->spi_r = sa->spi_r;
	st->age_s = (uint32_t)(now - sa->created);
	st->rekey_in_s = sa->rekey_at ? (int32_t)(sa->rekey_at - now) : 0;
	st->nat_local = sa->nat_local;
	st->nat_remote = sa->nat_remote;
	st->initiator = sa->initiator;
	TAILQ_FOREACH(c, &sa->children, entry) {
		struct ike_child_status *cs;

		if (st->n_child >= IKE_STATUS_MAX_CHILD)
			break;
		cs = &st->child[st->n_child++];
		cs->spi_in = c->spi_in;
		cs->spi_out = c->spi_out;
		snprintf(cs->proposal, sizeof(cs->proposal), "%s", c->proposal);
		cs->age_s = (uint32_t)(now - c->created);
		cs->rekey_in_s = (int32_t)(c->rekey_at - now);
	}
}
