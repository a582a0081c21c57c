/*
 * IKE_SA_INIT (1.2, 2.6 cookies, 2.7 proposals, 2.23 NAT detection),
 * both roles. The initiator replays a COOKIE and retries with the group an
 * INVALID_KE_PAYLOAD asks for when it is one we offered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>
#include <sys/socket.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ike/ike_local.h"
#include "lib/clock.h"
#include "lib/log.h"

int
ike_natd_hash(uint64_t spi_i, uint64_t spi_r, const struct cgw_addr *a,
    uint16_t port, uint8_t out[20])
{
	uint8_t buf[8 + 8 + 16 + 2];
	size_t n = 0, alen = addr_len(a);
	unsigned int olen = 20;

	for (int i = 7; i >= 0; i--)
		buf[n++] = (uint8_t)(spi_i >> (i * 8));
	for (int i = 7; i >= 0; i--)
		buf[n++] = (uint8_t)(spi_r >> (i * 8));
	memcpy(buf + n, a->bytes, alen);
	n += alen;
	buf[n++] = (uint8_t)(port >> 8);
	buf[n++] = (uint8_t)port;
	return EVP_Digest(buf, n, out, &olen, EVP_sha1(), NULL) == 1 ? 0 : -1;
}

static void
ike_local_endpoint(struct ike_sa *sa, struct cgw_addr *a, uint16_t *port)
{
	*a = sa->peer->conf.local;
	if (!addr_is_set(a) && sa->sock)
		*a = sa->sock->local;
	if (!addr_is_set(a) || !memcmp(a->bytes, "\0\0\0\0", 4)) {
		struct sockaddr_storage ss;
		socklen_t sl = addr_to_sockaddr(&sa->remote, sa->remote_port, &ss);
		int fd = socket(sa->remote.af, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		uint16_t p;

		if (fd >= 0 && connect(fd, (struct sockaddr *)&ss, sl) == 0) {
			sl = sizeof(ss);
			if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
				addr_from_sockaddr(a, &p, (struct sockaddr *)&ss);
		}
		if (fd >= 0)
			close(fd);
	}
	*port = sa->sock ? sa->sock->port : IKEV2_PORT;
}

static void
ike_bld_natd(struct ike_sa *sa, struct ike_bld *b)
{
	struct cgw_addr la;
	uint16_t lp;
	uint8_t h[20];

	ike_local_endpoint(sa, &la, &lp);
	if (ike_natd_hash(sa->spi_i, sa->spi_r, &la, lp, h) == 0)
		ike_bld_notify(b, 0, 0, 0, IKEV2_N_NAT_DETECTION_SOURCE_IP, h, 20);
	if (ike_natd_hash(sa->spi_i, sa->spi_r, &sa->remote, sa->remote_port,
	    h) == 0)
		ike_bld_notify(b, 0, 0, 0, IKEV2_N_NAT_DETECTION_DESTINATION_IP,
		    h, 20);
}

/* Compare the peer's NAT-D hashes with what we see (2.23). */
static void
ike_natd_check(struct ike_sa *sa, uint64_t spi_r, const struct ike_payloads *pl)
{
	struct cgw_addr la;
	uint16_t lp;
	uint8_t hl[20], hr[20];
	bool any_src = false, any_dst = false, src_ok = false, dst_ok = false;

	ike_local_endpoint(sa, &la, &lp);
	if (ike_natd_hash(sa->spi_i, spi_r, &la, lp, hl) < 0 ||
	    ike_natd_hash(sa->spi_i, spi_r, &sa->remote, sa->remote_port,
	    hr) < 0)
		return;
	for (size_t i = 0; i < pl->nnotify; i++) {
		const struct ike_notify *n = &pl->notify[i];

		if (n->type == IKEV2_N_NAT_DETECTION_SOURCE_IP) {
			any_src = true;
			if (n->len == 20 && !memcmp(n->data, hr, 20))
				src_ok = true;
		} else if (n->type == IKEV2_N_NAT_DETECTION_DESTINATION_IP) {
			any_dst = true;
			if (n->len == 20 && !memcmp(n->data, hl, 20))
				dst_ok = true;
		}
	}
	sa->nat_local = any_dst && !dst_ok;
	sa->nat_remote = any_src && !src_ok;
	if (sa->nat_local || sa->nat_remote)
		log_info(sa->peer->conf.name, "NAT detected%s%s",
		    sa->nat_local ? " in front of us" : "",
		    sa->nat_remote ? " in front of the peer" : "");
}

static int
ike_init_send(struct ike_sa *sa)
{
	struct ike_peer *peer = sa->peer;
	struct wbuf msg, ke;
	struct ike_bld b;

	wbuf_init(&msg);
	wbuf_init(&ke);
	if (ike_dh_public(sa->dh, &ke) < 0)
		goto fail;
	ike_bld_hdr(&msg, sa->spi_i, 0, IKEV2_EXCH_IKE_SA_INIT,
	    IKEV2_FLAG_INITIATOR, 0);
	ike_bld_init(&b, &msg, true);
	if (sa->cookie_len)
		ike_bld_notify(&b, 0, 0, 0, IKEV2_N_COOKIE, sa->cookie,
		    sa->cookie_len);
	ike_bld_sa(&b, peer->ike_props, peer->n_ike_props);
	ike_bld_ke(&b, sa->ke_group, ke.p, ke.len);
	ike_bld_nonce(&b, sa->ni, sa->nilen);
	ike_bld_natd(sa, &b);
	wbuf_set_u32(&msg, 24, (uint32_t)msg.len);
	if (msg.err || ke.err)
		goto fail;
	wbuf_free(&sa->init_req);
	wbuf_init(&sa->init_req);
	wbuf_bytes(&sa->init_req, msg.p, msg.len);
	wbuf_free(&ke);
	ike_sa_set_state(sa, IKE_S_INIT_SENT, NULL);
	sa->mid_next = 0;
	return ike_req_send(sa, IKE_REQ_INIT, &msg);
fail:
	wbuf_free(&msg);
	wbuf_free(&ke);
	return -1;
}

static int
ike_init_new_dh(struct ike_sa *sa, uint16_t group)
{
	if (sa->dh)
		ike_dh_free(sa->dh);
	sa->ke_group = group;
	sa->dh = ike_dh_new(group);
	return sa->dh ? 0 : -1;
}

int
ike_init_start(struct ike_sa *sa)
{
	struct ike_peer *peer = sa->peer;

	if (sa->sock == NULL) {
		log_err(peer->conf.name, "no IKE socket to send from");
		return -1;
	}
	do {
		if (ike_random(&sa->spi_i, sizeof(sa->spi_i)) < 0)
			return -1;
	} while (sa->spi_i == 0);
	sa->nilen = IKE_NONCE_LEN;
	if (ike_random(sa->ni, sa->nilen) < 0 ||
	    ike_init_new_dh(sa, ike_prop_first_dh(peer->ike_props,
	    peer->n_ike_props)) < 0)
		return -1;
	log_info(peer->conf.name, "initiating IKE SA %016llx",
	    (unsigned long long)sa->spi_i);
	return ike_init_send(sa);
}

/* SKEYSEED and the seven keys, once both nonces and g^ir are known. */
static int
ike_init_keys(struct ike_sa *sa, const uint8_t *peer_ke, size_t ke_len)
{
	uint8_t gir[1024], skeyseed[IKE_MAX_PRF_LEN];
	size_t girlen = sizeof(gir), sslen = sizeof(skeyseed);
	int rc = -1;

	if (ike_dh_public_len(sa->suite.dh) > sizeof(gir) ||
	    ike_dh_shared(sa->dh, peer_ke, ke_len, gir, &girlen) < 0)
		goto out;
	if (ike_skeyseed(sa->suite.prf, sa->ni, sa->nilen, sa->nr, sa->nrlen,
	    gir, girlen, skeyseed, &sslen) < 0 ||
	    ike_derive_keys(sa->suite.prf, sa->suite.encr, sa->suite.keybits,
	    sa->suite.integ, skeyseed, sslen, sa->ni, sa->nilen, sa->nr,
	    sa->nrlen, sa->spi_i, sa->spi_r, &sa->keys) < 0)
		goto out;
	sa->have_keys = true;
	rc = 0;
out:
	OPENSSL_cleanse(gir, sizeof(gir));
	OPENSSL_cleanse(skeyseed, sizeof(skeyseed));
	ike_dh_free(sa->dh);
	sa->dh = NULL;
	return rc;
}

static void
ike_offer_text(const struct ike_peer *peer, bool ike, char *buf, size_t len)
{
	size_t n = ike ? peer->conf.n_ike : peer->conf.n_esp;
	const struct conf_proposal *p = ike ? peer->conf.ike : peer->conf.esp;
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
		    i ? ", " : "", p[i].text);
}

void
ike_init_recv_resp(struct ike_sa *sa, const struct ike_hdr *h,
    const uint8_t *p, size_t len)
{
	struct ike_peer *peer = sa->peer;
	struct ike_payloads *pl;
	const struct ike_notify *n;
	char offer[256];

	if ((pl = calloc(1, sizeof(*pl))) == NULL)
		return;
	if (ike_pld_parse(h->next, p + IKEV2_HDR_LEN, len - IKEV2_HDR_LEN,
	    IKEV2_HDR_LEN, pl) != IKE_PARSE_OK) {
		log_warn_rl(peer->conf.name, "malformed IKE_SA_INIT response, "
		    "ignored");
		goto out;
	}
	if ((n = ike_pld_notify(pl, IKEV2_N_COOKIE)) != NULL) {
		if (n->len < 1 || n->len > sizeof(sa->cookie))
			goto out;
		log_info(peer->conf.name, "peer asks for a cookie, retrying");
		memcpy(sa->cookie, n->data, n->len);
		sa->cookie_len = n->len;
		if (ike_init_send(sa) < 0)
			ike_sa_fail(sa, IKE_EV_ERROR, "cannot resend IKE_SA_INIT");
		goto out;
	}
	if ((n = ike_pld_notify(pl, IKEV2_N_INVALID_KE_PAYLOAD)) != NULL) {
		uint16_t g = n->len == 2 ? (uint16_t)(n->data[0] << 8 |
		    n->data[1]) : 0;

		if (g && g != sa->ke_group &&
		    ike_prop_has_dh(peer->ike_props, peer->n_ike_props, g) &&
		    ike_dh_supported(g)) {
			log_info(peer->conf.name, "peer wants DH group %s "
			    "(INVALID_KE_PAYLOAD), retrying",
			    ike_xform_name(IKEV2_XFORM_DH, g));
			if (ike_init_new_dh(sa, g) < 0 || ike_init_send(sa) < 0)
				ike_sa_fail(sa, IKE_EV_ERROR,
				    "cannot resend IKE_SA_INIT");
			goto out;
		}
		ike_sa_fail(sa, IKE_EV_NO_PROPOSAL, "peer wants DH group %s "
		    "(INVALID_KE_PAYLOAD), which we do not offer",
		    ike_xform_name(IKEV2_XFORM_DH, g));
		goto out;
	}
	if ((n = ike_pld_error(pl)) != NULL) {
		ike_offer_text(peer, true, offer, sizeof(offer));
		if (n->type == IKEV2_N_NO_PROPOSAL_CHOSEN)
			ike_sa_fail(sa, IKE_EV_NO_PROPOSAL, "peer accepted none "
			    "of our IKE proposals (NO_PROPOSAL_CHOSEN): we "
			    "offered %s", offer);
		else
			ike_sa_fail(sa, IKE_EV_ERROR, "peer refused IKE_SA_INIT: "
			    "%s", ike_notify_name(n->type));
		goto out;
	}
	if (!IKE_SEEN(pl, IKEV2_PLD_SA) || !IKE_SEEN(pl, IKEV2_PLD_KE) ||
	    !IKE_SEEN(pl, IKEV2_PLD_NONCE) || pl->nprops != 1 ||
	    h->spi_r == 0) {
		log_warn_rl(peer->conf.name, "IKE_SA_INIT response lacks SA, KE "
		    "or Nonce, ignored");
		goto out;
	}
	if (ike_prop_check_reply(&pl->props[0], peer->ike_props,
	    peer->n_ike_props, false, &sa->suite) < 0 ||
	    sa->suite.dh != sa->ke_group || pl->ke_group != sa->ke_group) {
		ike_sa_fail(sa, IKE_EV_NO_PROPOSAL, "peer chose an IKE "
		    "proposal we did not offer");
		goto out;
	}
	sa->spi_r = h->spi_r;
	memcpy(sa->nr, pl->nonce, pl->nonce_len);
	sa->nrlen = pl->nonce_len;
	ike_suite_fmt(&sa->suite, true, sa->proposal, sizeof(sa->proposal));
	if (ike_init_keys(sa, pl->ke, pl->ke_len) < 0) {
		ike_sa_fail(sa, IKE_EV_ERROR, "key exchange failed (bad KE "
		    "from peer or unsupported %s)", sa->proposal);
		goto out;
	}
	ike_natd_check(sa, sa->spi_r, pl);
	wbuf_free(&sa->init_resp);
	wbuf_init(&sa->init_resp);
	wbuf_bytes(&sa->init_resp, p, len);
	ike_req_done(sa);
	if (sa->nat_local || sa->nat_remote) {
		struct ike_sock *s = ike_sock_pick(peer->ctx, &peer->conf.local,
		    true);

		if (s) {
			sa->sock = s;
			sa->remote_port = IKEV2_NATT_PORT;
		}
	}
	if (ike_auth_start(sa) < 0)
		ike_sa_fail(sa, IKE_EV_ERROR, "cannot build IKE_AUTH");
out:
	free(pl);
}

static void
ike_cookie_calc(struct ike_ctx *ctx, const struct ike_hdr *h,
    const struct ike_payloads *pl, const struct cgw_addr *from, uint8_t *out)
{
	uint8_t buf[32 + 256 + 16 + 8];
	size_t n = 0;
	unsigned int olen = 32;

	memcpy(buf, ctx->cookie_secret, 32);
	n = 32;
	memcpy(buf + n, pl->nonce, pl->nonce_len);
	n += pl->nonce_len;
	memcpy(buf + n, from->bytes, addr_len(from));
	n += addr_len(from);
	for (int i = 7; i >= 0; i--)
		buf[n++] = (uint8_t)(h->spi_i >> (i * 8));
	out[0] = 0;	/* secret version */
	EVP_Digest(buf, n, out + 1, &olen, EVP_sha256(), NULL);
}

static struct ike_peer *
ike_peer_by_addr(struct ike_ctx *ctx, const struct cgw_addr *a)
{
	struct ike_peer *peer;

	TAILQ_FOREACH(peer, &ctx->peers, entry)
		if (addr_eq(&peer->conf.remote, a))
			return peer;
	return NULL;
}

static void	ike_halfopen_evict_oldest(struct ike_ctx *);

/* A token bucket at `per_s` a second, bursts of twice that: refilled
 * for the time gone by; whether a token was there (and is taken). */
static bool
ike_bucket_take(struct ike_bucket *b, uint64_t now, unsigned per_s, bool take)
{
	double burst = 2.0 * per_s;

	if (b->at_ms == 0)
		b->tokens = burst;
	else
		b->tokens += (double)(now - b->at_ms) * per_s / 1000.0;
	if (b->tokens > burst)
		b->tokens = burst;
	b->at_ms = now;
	if (b->tokens < 1.0)
		return false;
	if (take)
		b->tokens -= 1.0;
	return true;
}

/*
 * Whether an IKE_SA_INIT from the peer's address would be dropped anyway:
 * asked before anything else is done for it (no parsing, no cookie to
 * compute or answer, no proposal to match), so that the excess of a flood
 * -- cookie-echoing or not -- costs as little as it can. Counted.
 */
static bool
ike_init_over_limit(struct ike_peer *peer)
{
	const struct ike_tunables *t = &peer->ctx->tun;

	if (peer->halfopen < t->halfopen_per_peer &&
	    ike_bucket_take(&peer->dh_bucket, cgw_clock_now_ms(peer->ctx->clock),
	    t->dh_per_s, false))
		return false;
	peer->ctr.init_dropped++;
	if (peer->halfopen >= t->halfopen_per_peer)
		log_warn_rl(peer->conf.name, "%u half-open IKE SAs from the "
		    "peer's address already: IKE_SA_INIT dropped",
		    peer->halfopen);
	else
		log_warn_rl(peer->conf.name, "more than %u IKE_SA_INIT a "
		    "second from the peer's address: dropped", t->dh_per_s);
	return true;
}

/*
 * Whether a new half-open SA may cost us a DH computation now. Floods
 * come from a configured peer's address (spoofed, or cookie-echoing from
 * the path): each peer gets at most `halfopen_per_peer` half-open SAs and
 * `dh_per_s` DH computations a second, so one address cannot starve the
 * others; and the whole table is bounded, the oldest half-open SA making
 * room for the newest.
 */
static bool
ike_init_admit(struct ike_peer *peer)
{
	struct ike_ctx *ctx = peer->ctx;

	if (ike_init_over_limit(peer))
		return false;
	(void)ike_bucket_take(&peer->dh_bucket, cgw_clock_now_ms(ctx->clock),
	    ctx->tun.dh_per_s, true);
	if (ctx->halfopen >= ctx->tun.halfopen_max)
		ike_halfopen_evict_oldest(ctx);
	return true;
}

/* The oldest half-open SA of all peers goes (bounded table). */
static void
ike_halfopen_evict_oldest(struct ike_ctx *ctx)
{
	struct ike_peer *peer;
	struct ike_sa *sa, *old = NULL;

	TAILQ_FOREACH(peer, &ctx->peers, entry)
		TAILQ_FOREACH(sa, &peer->sas, entry)
			if (sa->state == IKE_S_INIT_RCVD &&
			    (old == NULL || sa->created_ms < old->created_ms))
				old = sa;
	if (old == NULL)
		return;
	log_warn_rl(NULL, "ike: half-open table full (%u): the oldest "
	    "half-open IKE SA makes room", ctx->tun.halfopen_max);
	ike_sa_free(old);
}

/* RFC 7296 2.6: an echoed COOKIE is the request's first payload. Looked
 * at in place, before any parsing: only whether one is there. */
static bool
ike_init_has_cookie(const struct ike_hdr *h, const uint8_t *p, size_t len)
{
	const uint8_t *n = p + IKEV2_HDR_LEN;

	return h->next == IKEV2_PLD_NOTIFY && len >= IKEV2_HDR_LEN + 8 &&
	    (uint16_t)(n[6] << 8 | n[7]) == IKEV2_N_COOKIE;
}

/*
 * Cookies once 10 SAs are half-open in all, or 3 of the peer's address:
 * below the per-address limit of 5, so that a blind spoofer of the
 * address, who never sees the COOKIE, cannot fill the peer's half-open
 * slots while the peer itself, which echoes it, still gets in. A request
 * that must be answered with a COOKIE costs a parse, a hash and a send,
 * so those answers are rate-limited per address too: the rest of a
 * flood is dropped unread and the socket keeps up with the established
 * SAs' traffic. False when the request is to be dropped (counted).
 */
static bool
ike_init_cookie_gate(struct ike_peer *peer, const struct ike_hdr *h,
    const uint8_t *p, size_t len, bool *need)
{
	struct ike_ctx *ctx = peer->ctx;
	const struct ike_tunables *t = &ctx->tun;

	*need = t->cookies_always || ctx->halfopen >= t->cookie_threshold ||
	    peer->halfopen >= t->cookie_threshold_peer;
	if (!*need || ike_init_has_cookie(h, p, len) ||
	    ike_bucket_take(&peer->cookie_bucket, cgw_clock_now_ms(ctx->clock),
	    t->cookies_per_s, true))
		return true;
	peer->ctr.init_dropped++;
	log_warn_rl(peer->conf.name, "more than %u COOKIE answers a second to "
	    "the peer's address: IKE_SA_INIT dropped", t->cookies_per_s);
	return false;
}

void
ike_init_recv_req(struct ike_sock *s, const struct ike_hdr *h,
    const uint8_t *p, size_t len, const struct cgw_addr *from, uint16_t port)
{
	struct ike_ctx *ctx = s->ctx;
	struct ike_peer *peer;
	struct ike_payloads *pl;
	struct ike_prop sel;
	struct ike_suite suite;
	struct ike_sa *sa = NULL;
	struct wbuf msg, ke;
	struct ike_bld b;
	enum ike_parse_result pr;
	bool need_cookie;
	char a[CGW_ADDRSTRLEN], offer[256];

	if ((peer = ike_peer_by_addr(ctx, from)) == NULL) {
		log_debug_rl(NULL, "ike: IKE_SA_INIT from unknown %s, dropped",
		    addr_fmt(from, a, sizeof(a)));
		return;
	}
	if (ike_init_over_limit(peer) ||
	    !ike_init_cookie_gate(peer, h, p, len, &need_cookie))
		return;
	if ((pl = calloc(1, sizeof(*pl))) == NULL)
		return;
	wbuf_init(&msg);
	wbuf_init(&ke);
	pr = ike_pld_parse(h->next, p + IKEV2_HDR_LEN, len - IKEV2_HDR_LEN,
	    IKEV2_HDR_LEN, pl);
	if (pr == IKE_PARSE_CRITICAL) {
		uint8_t t = pl->unsupported_critical;

		log_warn_rl(peer->conf.name, "IKE_SA_INIT with unsupported critical "
		    "payload %u", t);
		ike_send_plain_notify(s, h, from, port,
		    IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD, &t, 1);
		goto out;
	}
	if (pr != IKE_PARSE_OK || !IKE_SEEN(pl, IKEV2_PLD_SA) ||
	    !IKE_SEEN(pl, IKEV2_PLD_KE) || !IKE_SEEN(pl, IKEV2_PLD_NONCE)) {
		log_warn_rl(peer->conf.name, "malformed IKE_SA_INIT request, "
		    "dropped");
		goto out;
	}
	if (need_cookie) {
		uint8_t want[IKE_COOKIE_LEN];
		const struct ike_notify *c = ike_pld_notify(pl, IKEV2_N_COOKIE);

		ike_cookie_calc(ctx, h, pl, from, want);
		if (c == NULL || c->len != sizeof(want) ||
		    !ike_mem_equal(c->data, want, sizeof(want))) {
			ike_send_plain_notify(s, h, from, port, IKEV2_N_COOKIE,
			    want, sizeof(want));
			goto out;
		}
	}
	if (ike_prop_select(pl->props, pl->nprops, peer->ike_props,
	    peer->n_ike_props, IKEV2_PROTO_IKE, true, false, &sel, &suite) < 0) {
		ike_offer_text(peer, true, offer, sizeof(offer));
		log_warn_rl(peer->conf.name, "peer's IKE proposals match none of "
		    "ours (%s): answering NO_PROPOSAL_CHOSEN", offer);
		ike_send_plain_notify(s, h, from, port,
		    IKEV2_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		ike_peer_event(peer, IKE_EV_NO_PROPOSAL,
		    "peer's IKE proposals match none of ours");
		goto out;
	}
	if (pl->ke_group != suite.dh || !ike_dh_supported(suite.dh)) {
		uint8_t g[2] = { (uint8_t)(suite.dh >> 8), (uint8_t)suite.dh };

		log_info_rl(peer->conf.name, "asking peer for DH group %s "
		    "(INVALID_KE_PAYLOAD)", ike_xform_name(IKEV2_XFORM_DH,
		    suite.dh));
		ike_send_plain_notify(s, h, from, port,
		    IKEV2_N_INVALID_KE_PAYLOAD, g, 2);
		goto out;
	}
	if (!ike_init_admit(peer))
		goto out;
	if ((sa = ike_sa_new(peer, false)) == NULL)
		goto out;
	/* Last in the list: a half-open SA (maybe spoofed) must never look
	 * like the peer's current one. */
	TAILQ_REMOVE(&peer->sas, sa, entry);
	TAILQ_INSERT_TAIL(&peer->sas, sa, entry);
	sa->sock = s;
	sa->remote = *from;
	sa->remote_port = port;
	sa->spi_i = h->spi_i;
	do {
		ike_random(&sa->spi_r, sizeof(sa->spi_r));
	} while (sa->spi_r == 0);
	sa->suite = suite;
	ike_suite_fmt(&suite, true, sa->proposal, sizeof(sa->proposal));
	memcpy(sa->ni, pl->nonce, pl->nonce_len);
	sa->nilen = pl->nonce_len;
	sa->nrlen = IKE_NONCE_LEN;
	sa->ke_group = suite.dh;
	if (ike_random(sa->nr, sa->nrlen) < 0 ||
	    (sa->dh = ike_dh_new(suite.dh)) == NULL ||
	    ike_dh_public(sa->dh, &ke) < 0)
		goto fail;
	if (ike_init_keys(sa, pl->ke, pl->ke_len) < 0) {
		log_warn_rl(peer->conf.name, "invalid KE from peer, dropped");
		goto fail;
	}
	/* The request's hashes were made before our SPI existed. */
	ike_natd_check(sa, 0, pl);
	ike_bld_hdr(&msg, sa->spi_i, sa->spi_r, IKEV2_EXCH_IKE_SA_INIT,
	    IKEV2_FLAG_RESPONSE, 0);
	ike_bld_init(&b, &msg, true);
	sel.spi_size = 0;
	ike_bld_sa(&b, &sel, 1);
	ike_bld_ke(&b, suite.dh, ke.p, ke.len);
	ike_bld_nonce(&b, sa->nr, sa->nrlen);
	ike_bld_natd(sa, &b);
	wbuf_set_u32(&msg, 24, (uint32_t)msg.len);
	wbuf_bytes(&sa->init_req, p, len);
	wbuf_bytes(&sa->init_resp, msg.p, msg.len);
	if (msg.err || sa->init_req.err || sa->init_resp.err)
		goto fail;
	ike_sa_set_state(sa, IKE_S_INIT_RCVD, sa->proposal);
	sa->peer_mid = 1;
	ike_resp_send(sa, &msg);
	goto out;
fail:
	if (sa)
		ike_sa_free(sa);
out:
	wbuf_free(&msg);
	wbuf_free(&ke);
	free(pl);
}
