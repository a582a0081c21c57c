/*
 * Moving messages: dispatching what arrives, sealing and sending what
 * leaves, retransmitting our requests with exponential backoff and
 * answering a retransmitted request from the cache (2.1, 2.3: window 1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ike/ike_local.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/names.h"

static const char *
ike_req_name(enum ike_req_kind k)
{
	static const char *const names[] = {
		"none", "IKE_SA_INIT", "IKE_AUTH", "CHILD rekey", "IKE rekey",
		"DPD", "CHILD delete", "IKE delete", "new CHILD",
	};
	return CGW_ENUM_NAME(names, k);
}

void
ike_sk_dirs(const struct ike_sa *sa, bool out, struct ike_sk_dir *d)
{
	/* Traffic from the original initiator uses SK_ei/SK_ai (2.14). */
	bool i2r = (sa->initiator == out);

	memset(d, 0, sizeof(*d));
	d->encr_id = sa->suite.encr;
	d->encr_keybits = sa->suite.keybits;
	d->integ_id = sa->suite.integ;
	d->enc_key = i2r ? sa->keys.sk_ei : sa->keys.sk_er;
	d->enc_len = sa->keys.e_len;
	d->integ_key = i2r ? sa->keys.sk_ai : sa->keys.sk_ar;
	d->integ_len = sa->keys.a_len;
}

int
ike_msg_seal(struct ike_sa *sa, struct wbuf *out, uint8_t exch,
    bool response, uint32_t mid, struct ike_bld *inner)
{
	struct ike_sk_dir d;
	size_t sk_off;
	uint8_t flags = (sa->initiator ? IKEV2_FLAG_INITIATOR : 0) |
	    (response ? IKEV2_FLAG_RESPONSE : 0);

	ike_bld_hdr(out, sa->spi_i, sa->spi_r, exch, flags, mid);
	wbuf_set_u8(out, 16, IKEV2_PLD_SK);
	sk_off = out->len;
	wbuf_u8(out, inner->first_set ? inner->first : IKEV2_PLD_NONE);
	wbuf_u8(out, 0);
	wbuf_u16(out, 0);
	if (out->err || inner->w->err)
		return -1;
	ike_sk_dirs(sa, true, &d);
	return ike_sk_seal(&d, out, sk_off, inner->w->p, inner->w->len);
}

/* Seconds since our current request first went out. */
static double
ike_elapsed(const struct ike_sa *sa)
{
	return (double)(cgw_clock_now_ms(sa->peer->ctx->clock) -
	    sa->x.start_ms) / 1000.0;
}

/* An established SA under liveness checks retransmits every interval,
 * not with backoff: the timeout, not a number of tries, ends it. */
static bool
ike_rtx_live(const struct ike_sa *sa)
{
	return sa->state == IKE_S_ESTABLISHED &&
	    sa->peer->conf.dpd_interval_ms != 0;
}

static void
ike_rtx_arm(struct ike_sa *sa)
{
	const struct ike_tunables *t = &sa->peer->ctx->tun;
	uint64_t ms = (uint64_t)t->retransmit_base_ms << (sa->x.tries < 10 ?
	    sa->x.tries : 10);

	if (ike_rtx_live(sa) && sa->peer->conf.dpd_interval_ms < ms)
		ms = sa->peer->conf.dpd_interval_ms;
	cgw_timer_arm(sa->rtx_ev, ms);
}

static void
ike_rtx_fire(void *arg)
{
	struct ike_sa *sa = arg;
	struct ike_peer *peer = sa->peer;
	const struct ike_tunables *t = &peer->ctx->tun;
	double el = ike_elapsed(sa);

	if (sa->x.kind == IKE_REQ_NONE)
		return;
	sa->x.tries++;
	if (ike_rtx_live(sa)) {
		if (ike_live_check(sa))
			return;		/* sa is gone */
	} else if (sa->x.tries > t->retransmit_tries) {
		ike_sa_fail(sa, IKE_EV_DEAD,
		    "peer not answering: no reply to %s after %u tries in %.0f s",
		    ike_req_name(sa->x.kind), sa->x.tries, el);
		return;
	}
	/* Liveness probes leave five times a second: trace, not debug. */
	log_msg(sa->x.kind == IKE_REQ_DPD ? LOG_LVL_TRACE : LOG_LVL_DEBUG,
	    peer->conf.name, "retransmitting %s (mid %u, try %u)",
	    ike_req_name(sa->x.kind), sa->x.mid, sa->x.tries + 1);
	peer->ctr.retransmissions++;
	ike_sock_send(sa, sa->x.msg.p, sa->x.msg.len);
	ike_rtx_arm(sa);
}

int
ike_req_send(struct ike_sa *sa, enum ike_req_kind kind, struct wbuf *msg)
{
	if (msg->err)
		return -1;
	if (sa->rtx_ev == NULL)
		sa->rtx_ev = cgw_timer_new(sa->peer->ctx->clock, ike_rtx_fire, sa);
	wbuf_free(&sa->x.msg);
	sa->x.msg = *msg;
	wbuf_init(msg);
	sa->x.kind = kind;
	sa->x.mid = sa->mid_next;
	sa->x.tries = 0;
	sa->x.start_ms = cgw_clock_now_ms(sa->peer->ctx->clock);
	log_msg(kind == IKE_REQ_DPD ? LOG_LVL_TRACE : LOG_LVL_DEBUG,
	    sa->peer->conf.name, "sending %s request (mid %u, %zu bytes)",
	    ike_req_name(kind), sa->x.mid, sa->x.msg.len);
	sa->peer->ctr.exchanges++;
	if (kind == IKE_REQ_DPD)
		sa->peer->ctr.dpd_probes++;
	ike_sock_send(sa, sa->x.msg.p, sa->x.msg.len);
	ike_rtx_arm(sa);
	return 0;
}

static void
ike_task_fire(void *arg)
{
	ike_task_run(arg);
}

static void
ike_task_kick(struct ike_sa *sa)
{
	cgw_timer_set(sa->peer->ctx->clock, &sa->task_ev, ike_task_fire, sa, 0);
}

void
ike_spi_release(struct ike_peer *peer, uint32_t *spi)
{
	struct ike_ctx *ctx = peer->ctx;

	if (*spi && ctx->cb.release_spi)
		ctx->cb.release_spi(ctx->cbarg, peer, *spi);
	*spi = 0;
}

void
ike_xchg_end(struct ike_sa *sa)
{
	struct ike_xchg *x = &sa->x;

	cgw_timer_cancel(sa->rtx_ev);
	ike_spi_release(sa->peer, &x->spi_in);
	if (x->dh)
		ike_dh_free(x->dh);
	wbuf_free(&x->msg);
	OPENSSL_cleanse(x, sizeof(*x));
	x->kind = IKE_REQ_NONE;
	wbuf_init(&x->msg);
}

void
ike_req_done(struct ike_sa *sa)
{
	ike_xchg_end(sa);
	sa->mid_next++;
	ike_task_kick(sa);
}

int
ike_send_request(struct ike_sa *sa, enum ike_req_kind kind, uint8_t exch,
    struct ike_bld *inner)
{
	struct wbuf msg;

	wbuf_init(&msg);
	if (ike_msg_seal(sa, &msg, exch, false, sa->mid_next, inner) < 0) {
		wbuf_free(&msg);
		return -1;
	}
	return ike_req_send(sa, kind, &msg);
}

int
ike_resp_send(struct ike_sa *sa, struct wbuf *msg)
{
	if (msg->err)
		return -1;
	wbuf_free(&sa->resp_msg);
	sa->resp_msg = *msg;
	wbuf_init(msg);
	sa->have_resp = true;
	return ike_sock_send(sa, sa->resp_msg.p, sa->resp_msg.len);
}

int
ike_send_response(struct ike_sa *sa, uint8_t exch, uint32_t mid,
    struct ike_bld *inner)
{
	struct wbuf msg;

	wbuf_init(&msg);
	sa->peer_mid = mid + 1;
	if (ike_msg_seal(sa, &msg, exch, true, mid, inner) < 0) {
		wbuf_free(&msg);
		return -1;
	}
	return ike_resp_send(sa, &msg);
}

void
ike_task_add(struct ike_sa *sa, enum ike_req_kind kind, uint32_t spi_in)
{
	struct ike_task *t;

	TAILQ_FOREACH(t, &sa->tasks, entry)
		if (t->kind == kind && t->spi_in == spi_in)
			return;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return;
	t->kind = kind;
	t->spi_in = spi_in;
	TAILQ_INSERT_TAIL(&sa->tasks, t, entry);
	ike_task_kick(sa);
}

void
ike_task_run(struct ike_sa *sa)
{
	struct ike_task *t;
	struct ike_child *c;

	while (sa->x.kind == IKE_REQ_NONE && (t = TAILQ_FIRST(&sa->tasks))) {
		if (sa->state != IKE_S_ESTABLISHED &&
		    !(t->kind == IKE_REQ_DELETE_IKE && sa->state == IKE_S_REKEYED))
			return;
		TAILQ_REMOVE(&sa->tasks, t, entry);
		switch (t->kind) {
		case IKE_REQ_REKEY_CHILD:
			c = ike_child_by_in(sa, t->spi_in);
			if (c && c->state == CHILD_S_INSTALLED)
				ike_child_rekey_start(sa, c);
			break;
		case IKE_REQ_DELETE_CHILD:
			c = ike_child_by_in(sa, t->spi_in);
			if (c)
				ike_info_delete_child(sa, c);
			break;
		case IKE_REQ_REKEY_IKE:
			ike_ike_rekey_start(sa);
			break;
		case IKE_REQ_NEW_CHILD:
			ike_child_rekey_start(sa, NULL);
			break;
		case IKE_REQ_DPD:
			ike_info_dpd(sa);
			break;
		case IKE_REQ_DELETE_IKE:
			free(t);
			/* May free sa. */
			ike_info_delete_ike(sa);
			return;
		default:
			break;
		}
		free(t);
	}
}

/* Answer an unprotected error to an IKE_SA_INIT (2.21.1). */
void
ike_send_plain_notify(struct ike_sock *s, const struct ike_hdr *h,
    const struct cgw_addr *to, uint16_t port, uint16_t type,
    const void *data, size_t len)
{
	struct wbuf w;
	struct ike_bld b;

	wbuf_init(&w);
	ike_bld_hdr(&w, h->spi_i, h->spi_r, h->exch, IKEV2_FLAG_RESPONSE, h->mid);
	ike_bld_init(&b, &w, true);
	ike_bld_notify(&b, 0, 0, 0, type, data, len);
	wbuf_set_u32(&w, 24, (uint32_t)w.len);
	if (!w.err)
		ike_sock_sendto(s, to, port, w.p, w.len);
	wbuf_free(&w);
}

/*
 * The one way to answer a request with a notify alone, encrypted (errors,
 * CHILD_SA_NOT_FOUND): spi_size 0 when the notify names no SA.
 */
void
ike_answer_notify(struct ike_sa *sa, const struct ike_hdr *h, uint8_t proto,
    uint8_t spi_size, uint64_t spi, uint16_t type, const void *data,
    size_t len)
{
	struct wbuf in;
	struct ike_bld b;

	wbuf_init(&in);
	ike_bld_init(&b, &in, false);
	ike_bld_notify(&b, proto, spi_size, spi, type, data, len);
	ike_send_response(sa, h->exch, h->mid, &b);
	wbuf_free(&in);
	log_debug(sa->peer->conf.name, "answered %s with %s",
	    ike_exch_name(h->exch), ike_notify_name(type));
}

static void
ike_dispatch(struct ike_sa *sa, const struct ike_hdr *h,
    struct ike_payloads *pl)
{
	bool resp = h->flags & IKEV2_FLAG_RESPONSE;

	if (resp) {
		switch (h->exch) {
		case IKEV2_EXCH_IKE_AUTH:
			ike_auth_recv_resp(sa, h, pl);
			break;
		case IKEV2_EXCH_CREATE_CHILD_SA:
			ike_create_recv_resp(sa, h, pl);
			break;
		case IKEV2_EXCH_INFORMATIONAL:
			ike_info_recv_resp(sa, h, pl);
			break;
		}
		return;
	}
	switch (h->exch) {
	case IKEV2_EXCH_IKE_AUTH:
		if (sa->state == IKE_S_INIT_RCVD)
			ike_auth_recv_req(sa, h, pl);
		break;
	case IKEV2_EXCH_CREATE_CHILD_SA:
		if (sa->state == IKE_S_ESTABLISHED)
			ike_create_recv_req(sa, h, pl);
		else {
			/* 2.25: an SA being deleted or rekeyed refuses. */
			ike_answer_notify(sa, h, 0, 0, 0,
			    IKEV2_N_TEMPORARY_FAILURE, NULL, 0);
		}
		break;
	case IKEV2_EXCH_INFORMATIONAL:
		ike_info_recv_req(sa, h, pl);
		break;
	default:
		break;
	}
}

void
ike_recv(struct ike_sock *s, const uint8_t *p, size_t len,
    const struct cgw_addr *from, uint16_t port)
{
	struct ike_ctx *ctx = s->ctx;
	struct ike_hdr h;
	struct ike_sa *sa;
	struct ike_payloads *pl;
	struct wbuf inner;
	struct ike_sk_dir d;
	enum ike_parse_result pr;
	bool resp, from_init, retransmit = false;
	char a[CGW_ADDRSTRLEN];

	if (ike_hdr_parse(p, len, &h) < 0) {
		log_debug_rl(NULL, "ike: malformed header from %s, dropped",
		    addr_fmt(from, a, sizeof(a)));
		return;
	}
	resp = h.flags & IKEV2_FLAG_RESPONSE;
	from_init = h.flags & IKEV2_FLAG_INITIATOR;

	if (h.exch == IKEV2_EXCH_IKE_SA_INIT && !resp) {
		if (h.spi_r != 0 || h.mid != 0 || !from_init)
			return;
		sa = ike_sa_find_halfopen(ctx, h.spi_i, from);
		if (sa) {
			/* Only the very same request is a retransmission;
			 * anything else under its SPI gets no answer. */
			if (sa->have_resp && len == sa->init_req.len &&
			    memcmp(p, sa->init_req.p, len) == 0)
				ike_sock_send(sa, sa->resp_msg.p, sa->resp_msg.len);
			return;
		}
		ike_init_recv_req(s, &h, p, len, from, port);
		return;
	}
	/* Our SPI is the responder's when the sender was the initiator. */
	sa = ike_sa_find(ctx, h.spi_i, h.spi_r, !from_init);
	if (sa == NULL) {
		log_debug_rl(NULL, "ike: %s from %s for unknown SA %016llx/%016llx",
		    ike_exch_name(h.exch), addr_fmt(from, a, sizeof(a)),
		    (unsigned long long)h.spi_i, (unsigned long long)h.spi_r);
		return;
	}
	if (resp) {
		if (sa->x.kind == IKE_REQ_NONE || h.mid != sa->x.mid)
			return;
	} else {
		retransmit = h.mid + 1 == sa->peer_mid && sa->have_resp;
		if (h.mid != sa->peer_mid && !retransmit)
			return;
	}
	if (h.exch == IKEV2_EXCH_IKE_SA_INIT) {
		if (resp && sa->state == IKE_S_INIT_SENT &&
		    sa->x.kind == IKE_REQ_INIT)
			ike_init_recv_resp(sa, &h, p, len);
		return;
	}
	if (!sa->have_keys)
		return;

	if ((pl = calloc(1, sizeof(*pl))) == NULL)
		return;
	wbuf_init(&inner);
	pr = ike_pld_parse(h.next, p + IKEV2_HDR_LEN, len - IKEV2_HDR_LEN,
	    IKEV2_HDR_LEN, pl);
	if (pr != IKE_PARSE_OK || !pl->has_sk) {
		log_debug_rl(sa->peer->conf.name, "%s without valid SK payload, "
		    "dropped", ike_exch_name(h.exch));
		goto out;
	}
	ike_sk_dirs(sa, false, &d);
	if (ike_sk_open(&d, p, len, pl->sk_off, &inner) < 0) {
		log_debug_rl(sa->peer->conf.name, "%s failed integrity check, "
		    "dropped", ike_exch_name(h.exch));
		goto out;
	}
	/* A retransmitted request is answered from the cache, but only once
	 * it proved to come from the peer: a forged one would otherwise buy
	 * an attacker a larger answer sent wherever it likes. */
	if (retransmit) {
		sa->last_rx = ike_now(ctx);	/* the peer lives */
		ike_sock_send(sa, sa->resp_msg.p, sa->resp_msg.len);
		goto out;
	}
	uint8_t first = pl->sk_next;
	memset(pl, 0, sizeof(*pl));
	pr = ike_pld_parse(first, inner.p, inner.len, 0, pl);
	/* Authenticated: the peer is alive, and may have moved (NAT). An
	 * answer proves the way there too (liveness). */
	sa->last_rx = ike_now(ctx);
	if (resp)
		sa->answered_ms = cgw_clock_now_ms(ctx->clock);
	if ((sa->nat_local || sa->nat_remote || s->natt) &&
	    (port != sa->remote_port || s != sa->sock)) {
		sa->remote_port = port;
		sa->sock = s;
	}
	if (pr != IKE_PARSE_OK) {
		log_warn_rl(sa->peer->conf.name, "malformed %s %s from peer%s",
		    ike_exch_name(h.exch), resp ? "response" : "request",
		    pr == IKE_PARSE_CRITICAL ? " (unsupported critical payload)" : "");
		if (!resp && pr == IKE_PARSE_CRITICAL) {
			uint8_t t = pl->unsupported_critical;
			ike_answer_notify(sa, &h, 0, 0, 0,
			    IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD, &t, 1);
		} else if (!resp) {
			ike_answer_notify(sa, &h, 0, 0, 0,
			    IKEV2_N_INVALID_SYNTAX, NULL, 0);
		}
		goto out;
	}
	ike_dispatch(sa, &h, pl);
out:
	wbuf_free(&inner);
	free(pl);
}
