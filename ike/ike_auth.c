/*
 * IKE_AUTH (1.2, 2.15 PSK): authentication and the first CHILD SA, both
 * roles. The first CHILD SA carries no KE, so its proposals carry no DH
 * transform from us and any DH transform from the peer is ignored
 * (1.2, 3.3.2: the keys come from the IKE SA's key exchange).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ike/ike_local.h"
#include "lib/log.h"

static const char psk_hint[] = "check the tunnel's psk";

/* AUTH value for the message `msg` signed by the side owning `id`. */
static int
ike_auth_calc(struct ike_sa *sa, bool of_initiator, const uint8_t *id,
    size_t idlen, uint8_t *out, size_t *outlen)
{
	const struct wbuf *msg = of_initiator ? &sa->init_req : &sa->init_resp;
	const uint8_t *nonce = of_initiator ? sa->nr : sa->ni;
	size_t nlen = of_initiator ? sa->nrlen : sa->nilen;
	const uint8_t *skp = of_initiator ? sa->keys.sk_pi : sa->keys.sk_pr;

	return ike_psk_auth(sa->suite.prf, sa->peer->psk, sa->peer->psk_len,
	    msg->p, msg->len, nonce, nlen, skp, sa->keys.p_len, id, idlen,
	    out, outlen);
}

static bool
ike_auth_verify(struct ike_sa *sa, bool of_initiator,
    const struct ike_payloads *pl)
{
	const struct ike_id_pld *id = of_initiator ? &pl->idi : &pl->idr;
	uint8_t want[IKE_MAX_PRF_LEN];
	size_t wlen = sizeof(want);
	bool ok;

	if (pl->auth_method != IKEV2_AUTH_SHARED_KEY_MIC)
		return false;
	if (ike_auth_calc(sa, of_initiator, id->body, id->body_len, want,
	    &wlen) < 0)
		return false;
	ok = wlen == pl->auth_len && ike_mem_equal(want, pl->auth, wlen);
	OPENSSL_cleanse(want, sizeof(want));
	return ok;
}

/*
 * The peer's ID must be what the conf expects, if it names one. On a
 * mismatch `why` names both IDs: the peer's is printed escaped, it comes
 * off the wire.
 */
static bool
ike_auth_id_ok(struct ike_sa *sa, const struct ike_id_pld *id, char *why,
    size_t whylen)
{
	const struct ike_id *want = &sa->peer->conf.remote_id;
	struct conf_id got, exp;
	char g[CONF_IDSTRLEN], e[CONF_IDSTRLEN];

	if (want->type == 0)
		return true;
	if (id->type == want->type && id->len == want->len &&
	    memcmp(id->data, want->data, id->len) == 0)
		return true;
	memset(&got, 0, sizeof(got));
	got.type = id->type;
	got.len = id->len < sizeof(got.data) ? id->len : sizeof(got.data);
	memcpy(got.data, id->data, got.len);
	memset(&exp, 0, sizeof(exp));
	exp.type = want->type;
	exp.len = want->len;
	memcpy(exp.data, want->data, want->len);
	snprintf(why, whylen, "peer identity %s does not match the "
	    "configured remote-id %s", conf_id_fmt(&got, g, sizeof(g)),
	    conf_id_fmt(&exp, e, sizeof(e)));
	return false;
}

/* The ID we send, for logs. */
static const char *
ike_auth_local_id_fmt(struct ike_sa *sa, char *buf, size_t len)
{
	struct conf_id cid;
	struct wbuf w;

	memset(&cid, 0, sizeof(cid));
	wbuf_init(&w);
	ike_sa_id_body(sa, true, &w);
	if (!w.err && w.len > 4 && w.len - 4 <= sizeof(cid.data)) {
		cid.type = w.p[0];
		cid.len = w.len - 4;
		memcpy(cid.data, w.p + 4, cid.len);
	}
	wbuf_free(&w);
	return conf_id_fmt(&cid, buf, len);
}

int
ike_auth_start(struct ike_sa *sa)
{
	struct ike_peer *peer = sa->peer;
	struct ike_ctx *ctx = peer->ctx;
	struct wbuf in, id;
	struct ike_bld b;
	struct esp_ts tl, tr, xl, xr;
	bool dual;
	uint8_t auth[IKE_MAX_PRF_LEN];
	size_t alen = sizeof(auth);
	int rc = -1;

	wbuf_init(&in);
	wbuf_init(&id);
	ike_sa_id_body(sa, true, &id);
	if (id.err || ike_auth_calc(sa, true, id.p, id.len, auth, &alen) < 0)
		goto out;
	if (ctx->cb.alloc_spi == NULL ||
	    ctx->cb.alloc_spi(ctx->cbarg, peer, &sa->x.spi_in) < 0) {
		log_warn(peer->conf.name, "no inbound SPI for the CHILD SA");
		goto out;
	}
	sa->x.nprops = ike_prop_from_conf(peer->conf.esp, peer->conf.n_esp,
	    IKEV2_PROTO_ESP, sa->x.spi_in, 4, false, sa->x.props);
	ike_child_ts(sa, NULL, &tl, &tr);
	ike_bld_init(&b, &in, false);
	ike_bld_id(&b, IKEV2_PLD_IDI, id.p, id.len);
	/* 2.4: with nothing else up towards this peer, tell it to drop
	 * whatever it still holds of us (after our DPD gave up, say). */
	if (!ike_peer_has_other_sa(sa))
		ike_bld_notify(&b, 0, 0, 0, IKEV2_N_INITIAL_CONTACT, NULL, 0);
	ike_bld_auth(&b, IKEV2_AUTH_SHARED_KEY_MIC, auth, alen);
	ike_bld_sa(&b, sa->x.props, sa->x.nprops);
	dual = ike_child_ts_extra(sa, NULL, &tl, &xl, &xr);
	ike_bld_ts2(&b, IKEV2_PLD_TSI, &tl, dual ? &xl : NULL);
	ike_bld_ts2(&b, IKEV2_PLD_TSR, &tr, dual ? &xr : NULL);
	ike_sa_set_state(sa, IKE_S_AUTH_SENT, NULL);
	rc = ike_send_request(sa, IKE_REQ_AUTH, IKEV2_EXCH_IKE_AUTH, &b);
out:
	OPENSSL_cleanse(auth, sizeof(auth));
	wbuf_free(&in);
	wbuf_free(&id);
	return rc;
}

static const char *
ike_child_err_reason(uint16_t type)
{
	switch (type) {
	case IKEV2_N_NO_PROPOSAL_CHOSEN:
		return "peer accepted none of our ESP proposals "
		    "(NO_PROPOSAL_CHOSEN): compare the esp proposals";
	case IKEV2_N_TS_UNACCEPTABLE:
		return "peer refused our traffic selectors (TS_UNACCEPTABLE): "
		    "the peer must accept 0.0.0.0/0 <-> 0.0.0.0/0 "
		    "(route-based tunnel)";
	case IKEV2_N_SINGLE_PAIR_REQUIRED:
		return "peer wants a single address pair "
		    "(SINGLE_PAIR_REQUIRED), not a route-based tunnel";
	case IKEV2_N_INTERNAL_ADDRESS_FAILURE:
	case IKEV2_N_FAILED_CP_REQUIRED:
		return "peer wants a virtual IP (configuration payload), "
		    "cgwd does not request one";
	default:
		return NULL;
	}
}

void
ike_auth_recv_resp(struct ike_sa *sa, const struct ike_hdr *h,
    struct ike_payloads *pl)
{
	struct ike_peer *peer = sa->peer;
	const struct ike_notify *err = ike_pld_error(pl);
	struct ike_suite cs;
	struct esp_ts sl, sr, x;
	struct ike_child *c;
	uint32_t spi_out;
	char a[CGW_ADDRSTRLEN], idwhy[2 * CONF_IDSTRLEN + 64];
	char idbuf[CONF_IDSTRLEN];

	(void)h;
	if (sa->x.kind != IKE_REQ_AUTH)
		return;
	if (err && err->type == IKEV2_N_AUTHENTICATION_FAILED) {
		/* The peer cannot say which: the PSK or the ID we sent. */
		ike_sa_fail(sa, IKE_EV_AUTH_FAILED, "peer rejected our PSK or "
		    "our identity %s (AUTHENTICATION_FAILED): %s; behind NAT "
		    "set the vpn's local-id to the public address the peer "
		    "knows", ike_auth_local_id_fmt(sa, idbuf, sizeof(idbuf)),
		    psk_hint);
		return;
	}
	if (!IKE_SEEN(pl, IKEV2_PLD_IDR) || !IKE_SEEN(pl, IKEV2_PLD_AUTH)) {
		if (err)
			ike_sa_fail(sa, IKE_EV_ERROR, "peer refused IKE_AUTH: "
			    "%s", ike_notify_name(err->type));
		else
			ike_sa_fail(sa, IKE_EV_ERROR, "IKE_AUTH response "
			    "without IDr/AUTH");
		return;
	}
	if (!ike_auth_verify(sa, false, pl)) {
		ike_sa_fail(sa, IKE_EV_AUTH_FAILED, "peer's AUTH does not "
		    "match our PSK: %s", psk_hint);
		return;
	}
	if (!ike_auth_id_ok(sa, &pl->idr, idwhy, sizeof(idwhy))) {
		ike_sa_fail(sa, IKE_EV_AUTH_FAILED, "%s", idwhy);
		return;
	}
	if (err) {
		const char *why = ike_child_err_reason(err->type);

		/* The IKE SA is good; only the CHILD SA is retried. */
		ike_req_done(sa);
		ike_sa_established(sa);
		ike_peer_event(peer, ike_child_err_event(err->type),
		    why ? why : ike_notify_name(err->type));
		ike_child_retry_later(peer, why ? why : ike_notify_name(err->type));
		return;
	}
	if (!IKE_SEEN(pl, IKEV2_PLD_SA) || pl->nprops != 1 ||
	    pl->props[0].proto != IKEV2_PROTO_ESP ||
	    pl->props[0].spi_size != 4 ||
	    ike_prop_check_reply(&pl->props[0], sa->x.props, sa->x.nprops,
	    true, &cs) < 0) {
		ike_sa_fail(sa, IKE_EV_NO_PROPOSAL, "peer chose an ESP "
		    "proposal we did not offer");
		return;
	}
	cs.dh = 0;
	spi_out = (uint32_t)pl->props[0].spi;
	if (!IKE_SEEN(pl, IKEV2_PLD_TSI) || !IKE_SEEN(pl, IKEV2_PLD_TSR) ||
	    ike_child_ts_choose(sa, NULL, &pl->tsi, &pl->tsr, &sl, &sr) < 0) {
		ike_sa_fail(sa, IKE_EV_TS_UNACCEPTABLE, "peer answered traffic "
		    "selectors outside ours");
		return;
	}
	/* The CHILD SA takes the SPI the exchange reserved. */
	c = ike_child_new(sa, sa->x.spi_in, spi_out, &cs, true);
	if (c != NULL)
		sa->x.spi_in = 0;
	ike_req_done(sa);
	log_info(peer->conf.name, "authenticated peer %s (PSK)",
	    addr_fmt(&sa->remote, a, sizeof(a)));
	ike_sa_established(sa);
	if (c == NULL) {
		ike_child_retry_later(peer, "out of memory");
		return;
	}
	c->ts_local = sl;
	c->ts_remote = sr;
	c->ts_dual = ike_child_ts_agreed(sa, NULL, &pl->tsr, &pl->tsi, &sl,
	    &sr, &x);
	if (ike_child_install(c, NULL, 0, sa->ni, sa->nilen, sa->nr,
	    sa->nrlen, NULL) != 0) {
		/* The peer has it: delete it there, keep the IKE SA, and try
		 * a new CHILD SA later. */
		ike_child_set_state(c, CHILD_S_DELETING, "kernel refused it");
		ike_task_add(sa, IKE_REQ_DELETE_CHILD, c->spi_in);
		ike_peer_event(peer, IKE_EV_KERNEL, "the kernel refused the "
		    "CHILD SA");
		ike_child_retry_later(peer, "the kernel refused the CHILD SA");
	}
}

/*
 * INITIAL_CONTACT (2.4) from an authenticated peer: it holds no other SA
 * with us. Established ones are deleted (one DELETE each, in case it
 * still has them after all) and dropped; an exchange of ours still in
 * IKE_AUTH may already have a CHILD SA at the peer, so it stays for the
 * duplicate check to settle.
 */
static void
ike_auth_initial_contact(struct ike_sa *sa)
{
	struct ike_peer *peer = sa->peer;
	struct ike_sa *o, *next;
	struct ike_child *c;

	for (o = TAILQ_FIRST(&peer->sas); o; o = next) {
		next = TAILQ_NEXT(o, entry);
		if (o == sa || o->state == IKE_S_AUTH_SENT)
			continue;
		log_info(peer->conf.name, "INITIAL_CONTACT: dropping old IKE "
		    "SA %016llx/%016llx", (unsigned long long)o->spi_i,
		    (unsigned long long)o->spi_r);
		ike_info_delete_ike_nowait(o);
		while ((c = TAILQ_FIRST(&o->children)))
			ike_child_retire(c);
		ike_sa_free(o);
	}
}

void
ike_auth_recv_req(struct ike_sa *sa, const struct ike_hdr *h,
    struct ike_payloads *pl)
{
	struct ike_peer *peer = sa->peer;
	struct ike_ctx *ctx = peer->ctx;
	struct wbuf in, id;
	struct ike_bld b;
	struct ike_prop sel;
	struct ike_suite cs;
	struct esp_ts sl, sr, x;
	struct ike_child *c = NULL;
	uint8_t auth[IKE_MAX_PRF_LEN];
	size_t alen = sizeof(auth);
	uint32_t spi_in = 0;
	uint16_t child_err = 0;
	bool kernel_err = false;
	int rc;
	char idwhy[2 * CONF_IDSTRLEN + 64];

	wbuf_init(&in);
	wbuf_init(&id);
	ike_bld_init(&b, &in, false);
	if (!IKE_SEEN(pl, IKEV2_PLD_IDI) || !IKE_SEEN(pl, IKEV2_PLD_AUTH)) {
		ike_answer_notify(sa, h, 0, 0, 0, IKEV2_N_INVALID_SYNTAX,
		    NULL, 0);
		ike_sa_free(sa);
		goto out;
	}
	if (!ike_auth_verify(sa, true, pl)) {
		ike_answer_notify(sa, h, 0, 0, 0,
		    IKEV2_N_AUTHENTICATION_FAILED, NULL, 0);
		ike_sa_fail(sa, IKE_EV_AUTH_FAILED, "peer's AUTH does not "
		    "match our PSK (answered AUTHENTICATION_FAILED): %s",
		    psk_hint);
		goto out;
	}
	/* After AUTH: only a PSK holder's claimed ID is worth reporting. */
	if (!ike_auth_id_ok(sa, &pl->idi, idwhy, sizeof(idwhy))) {
		ike_answer_notify(sa, h, 0, 0, 0,
		    IKEV2_N_AUTHENTICATION_FAILED, NULL, 0);
		ike_sa_fail(sa, IKE_EV_AUTH_FAILED, "%s (answered "
		    "AUTHENTICATION_FAILED)", idwhy);
		goto out;
	}
	ike_sa_id_body(sa, true, &id);
	if (id.err || ike_auth_calc(sa, false, id.p, id.len, auth, &alen) < 0)
		goto out;
	ike_bld_id(&b, IKEV2_PLD_IDR, id.p, id.len);
	ike_bld_auth(&b, IKEV2_AUTH_SHARED_KEY_MIC, auth, alen);

	if (!IKE_SEEN(pl, IKEV2_PLD_SA) || !IKE_SEEN(pl, IKEV2_PLD_TSI) ||
	    !IKE_SEEN(pl, IKEV2_PLD_TSR))
		child_err = IKEV2_N_NO_PROPOSAL_CHOSEN;
	else if (ike_prop_select(pl->props, pl->nprops, peer->esp_props,
	    peer->n_esp_props, IKEV2_PROTO_ESP, false, true, &sel, &cs) < 0)
		child_err = IKEV2_N_NO_PROPOSAL_CHOSEN;
	else if (ike_child_ts_choose(sa, NULL, &pl->tsr, &pl->tsi, &sl,
	    &sr) < 0)
		child_err = IKEV2_N_TS_UNACCEPTABLE;
	else if (ctx->cb.alloc_spi == NULL ||
	    ctx->cb.alloc_spi(ctx->cbarg, peer, &spi_in) < 0)
		child_err = IKEV2_N_TEMPORARY_FAILURE;
	else if ((c = ike_child_new(sa, spi_in, (uint32_t)sel.spi, &cs,
	    false)) == NULL) {
		child_err = IKEV2_N_TEMPORARY_FAILURE;
	} else {
		/* Into the kernel before the answer: a refusal goes back as
		 * an error notify, not as a CHILD SA only the peer has. */
		c->ts_local = sl;
		c->ts_remote = sr;
		c->ts_dual = ike_child_ts_agreed(sa, NULL, &pl->tsr,
		    &pl->tsi, &sl, &sr, &x);
		if ((rc = ike_child_install(c, NULL, 0, sa->ni, sa->nilen,
		    sa->nr, sa->nrlen, NULL)) != 0) {
			ike_child_free(c, false);
			c = NULL;
			child_err = ike_child_install_notify(rc);
			kernel_err = true;
		}
	}
	if (child_err) {
		ike_spi_release(peer, &spi_in);
		ike_bld_notify(&b, 0, 0, 0, child_err, NULL, 0);
	} else {
		sel.spi = spi_in;
		ike_bld_sa(&b, &sel, 1);
		ike_bld_ts2(&b, IKEV2_PLD_TSI, &sr, c->ts_dual ? &x : NULL);
		ike_bld_ts2(&b, IKEV2_PLD_TSR, &sl, c->ts_dual ? &x : NULL);
	}
	if (ike_send_response(sa, h->exch, h->mid, &b) < 0)
		goto out;
	ike_sa_established(sa);
	/* The peer forgot everything: our older SAs are stale. Dropped only
	 * now, and only when the new CHILD SA is in, so the kernel always has
	 * one to send on. */
	if (ike_pld_notify(pl, IKEV2_N_INITIAL_CONTACT) && !child_err)
		ike_auth_initial_contact(sa);
	if (kernel_err) {
		ike_peer_event(peer, IKE_EV_KERNEL, "the kernel refused the "
		    "peer's CHILD SA");
	} else if (child_err) {
		const char *why = ike_child_err_reason(child_err);

		log_warn(peer->conf.name, "refused the peer's CHILD SA: %s",
		    child_err == IKEV2_N_NO_PROPOSAL_CHOSEN ?
		    "its ESP proposals match none of ours" :
		    why ? why : ike_notify_name(child_err));
		ike_peer_event(peer, ike_child_err_event(child_err),
		    "CHILD SA refused");
	}
out:
	OPENSSL_cleanse(auth, sizeof(auth));
	wbuf_free(&in);
	wbuf_free(&id);
}
