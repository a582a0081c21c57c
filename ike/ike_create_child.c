/*
 * CREATE_CHILD_SA (1.3): rekeying a CHILD SA (REKEY_SA, PFS KE), new
 * CHILD SAs, and rekeying the IKE SA (new SPIs and KE, 2.18), both roles,
 * with simultaneous rekeys resolved per 2.8.1: the SA made by the
 * exchange holding the lowest nonce is redundant and its creator deletes
 * it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ike/ike_local.h"
#include "lib/clock.h"
#include "lib/log.h"

static int
ike_shared(struct ike_dh *dh, const uint8_t *ke, size_t kelen, uint8_t *gir,
    size_t *girlen)
{
	if (dh == NULL)
		return -1;
	return ike_dh_shared(dh, ke, kelen, gir, girlen);
}

/* ---- CHILD rekey, initiator ---------------------------------------- */

int
ike_child_rekey_start(struct ike_sa *sa, struct ike_child *c)
{
	struct ike_peer *peer = sa->peer;
	struct ike_ctx *ctx = peer->ctx;
	struct wbuf in, ke;
	struct ike_bld b;
	struct esp_ts tl, tr, xl, xr;
	bool dual;
	uint16_t group;
	int rc = -1;

	wbuf_init(&in);
	wbuf_init(&ke);
	if (ctx->cb.alloc_spi(ctx->cbarg, peer, &sa->x.spi_in) < 0)
		goto out;
	sa->x.nprops = ike_prop_from_conf(peer->conf.esp, peer->conf.n_esp,
	    IKEV2_PROTO_ESP, sa->x.spi_in, 4, true, sa->x.props);
	group = ike_prop_first_dh(sa->x.props, sa->x.nprops);
	if (sa->child_dh && ike_prop_has_dh(sa->x.props, sa->x.nprops,
	    sa->child_dh))
		group = sa->child_dh;
	if (ike_random(sa->x.nonce, IKE_NONCE_LEN) < 0)
		goto out;
	if (group && ((sa->x.dh = ike_dh_new(group)) == NULL ||
	    ike_dh_public(sa->x.dh, &ke) < 0))
		goto out;
	ike_child_ts(sa, c, &tl, &tr);
	ike_bld_init(&b, &in, false);
	if (c)
		ike_bld_notify(&b, IKEV2_PROTO_ESP, 4, c->spi_in,
		    IKEV2_N_REKEY_SA, NULL, 0);
	ike_bld_sa(&b, sa->x.props, sa->x.nprops);
	ike_bld_nonce(&b, sa->x.nonce, IKE_NONCE_LEN);
	if (group)
		ike_bld_ke(&b, group, ke.p, ke.len);
	dual = ike_child_ts_extra(sa, c, &tl, &xl, &xr);
	ike_bld_ts2(&b, IKEV2_PLD_TSI, &tl, dual ? &xl : NULL);
	ike_bld_ts2(&b, IKEV2_PLD_TSR, &tr, dual ? &xr : NULL);
	if (c)
		log_info(peer->conf.name, "rekeying CHILD SA %08x/%08x",
		    c->spi_in, c->spi_out);
	else
		log_info(peer->conf.name, "creating a CHILD SA");
	if (ike_send_request(sa, c ? IKE_REQ_REKEY_CHILD : IKE_REQ_NEW_CHILD,
	    IKEV2_EXCH_CREATE_CHILD_SA, &b) < 0)
		goto out;
	if (c)
		ike_child_set_state(c, CHILD_S_REKEYING, NULL);
	sa->x.child = c;
	rc = 0;
out:
	if (rc < 0) {
		/* Nothing left the building: try again later, not never. */
		ike_xchg_end(sa);
		if (c && c->rekey_ev)
			cgw_timer_arm(c->rekey_ev, 10000);
		else
			ike_child_retry_later(peer, "cannot start a CHILD SA "
			    "exchange (see the log)");
	}
	wbuf_free(&in);
	wbuf_free(&ke);
	return rc;
}

/*
 * A rekey that failed leaves the old CHILD SA in use: try again a little
 * later, hard expiry being the backstop. A new CHILD SA that failed is
 * retried with backoff.
 */
static void
ike_child_rekey_failed(struct ike_sa *sa, struct ike_child *old,
    enum ike_peer_event ev, const char *why)
{
	if (old == NULL) {
		ike_peer_event(sa->peer, ev, why);
		ike_child_retry_later(sa->peer, why);
		return;
	}
	log_warn(sa->peer->conf.name, "%s; the current CHILD SA stays in use",
	    why);
	if (old->rekey_ev)
		cgw_timer_arm(old->rekey_ev, 10000);
}

static void
ike_child_rekey_resp(struct ike_sa *sa, struct ike_payloads *pl)
{
	struct ike_peer *peer = sa->peer;
	struct ike_child *old = sa->x.child, *nc;
	const struct ike_notify *err = ike_pld_error(pl);
	struct ike_suite cs;
	uint8_t gir[1024];
	size_t girlen = sizeof(gir);
	uint16_t group = sa->x.dh ? ike_dh_group(sa->x.dh) : 0;
	uint8_t mn[IKE_NONCE_LEN];
	size_t mnlen;
	struct esp_ts x;

	if (err || !IKE_SEEN(pl, IKEV2_PLD_SA) || pl->nprops != 1 ||
	    !IKE_SEEN(pl, IKEV2_PLD_NONCE) ||
	    ike_prop_check_reply(&pl->props[0], sa->x.props, sa->x.nprops,
	    false, &cs) < 0 || cs.dh != group ||
	    (group && (!IKE_SEEN(pl, IKEV2_PLD_KE) || pl->ke_group != group ||
	    ike_shared(sa->x.dh, pl->ke, pl->ke_len, gir, &girlen) < 0))) {
		uint16_t want = err && err->type == IKEV2_N_INVALID_KE_PAYLOAD &&
		    err->len == 2 ? (uint16_t)(err->data[0] << 8 | err->data[1]) : 0;
		bool retry = want && want != group &&
		    ike_prop_has_dh(sa->x.props, sa->x.nprops, want);

		char why[160];

		snprintf(why, sizeof(why), "peer refused the %s: %s",
		    old ? "CHILD SA rekey" : "new CHILD SA",
		    err ? ike_notify_name(err->type) :
		    "invalid CREATE_CHILD_SA response");
		if (old && old->state == CHILD_S_REKEYING)
			ike_child_set_state(old, CHILD_S_INSTALLED, "rekey failed");
		ike_req_done(sa);
		if (retry) {
			log_info(peer->conf.name, "%s, retrying with the group "
			    "the peer wants", why);
			sa->child_dh = want;
			ike_task_add(sa, old ? IKE_REQ_REKEY_CHILD :
			    IKE_REQ_NEW_CHILD, old ? old->spi_in : 0);
			return;
		}
		ike_child_rekey_failed(sa, old, err ?
		    ike_child_err_event(err->type) : IKE_EV_ERROR, why);
		return;
	}
	nc = ike_child_new(sa, sa->x.spi_in, (uint32_t)pl->props[0].spi,
	    &cs, true);
	if (nc == NULL)
		goto done;
	sa->x.spi_in = 0;
	if (sa->x.kind == IKE_REQ_REKEY_CHILD && old == NULL) {
		/* The SA we rekeyed is gone meanwhile: the new one is not
		 * wanted, the peer is told. */
		ike_child_set_state(nc, CHILD_S_DELETING, "rekeyed SA gone");
		ike_task_add(sa, IKE_REQ_DELETE_CHILD, nc->spi_in);
		goto done;
	}
	/* Ours, or the family a one-family peer narrowed them to. */
	if (!IKE_SEEN(pl, IKEV2_PLD_TSI) || !IKE_SEEN(pl, IKEV2_PLD_TSR) ||
	    ike_child_ts_choose(sa, old, &pl->tsi, &pl->tsr, &nc->ts_local,
	    &nc->ts_remote) < 0)
		ike_child_ts(sa, old, &nc->ts_local, &nc->ts_remote);
	nc->ts_dual = IKE_SEEN(pl, IKEV2_PLD_TSI) &&
	    IKE_SEEN(pl, IKEV2_PLD_TSR) && ike_child_ts_agreed(sa, old,
	    &pl->tsr, &pl->tsi, &nc->ts_local, &nc->ts_remote, &x);
	ike_nonce_min(sa->x.nonce, IKE_NONCE_LEN, pl->nonce, pl->nonce_len,
	    nc->nonce_min, &nc->nonce_min_len);
	if (ike_child_install(nc, group ? gir : NULL, group ? girlen : 0,
	    sa->x.nonce, IKE_NONCE_LEN, pl->nonce, pl->nonce_len, old) != 0) {
		/* The peer has it: tell it, keep the old one, try later. */
		ike_child_set_state(nc, CHILD_S_DELETING, "kernel refused it");
		ike_task_add(sa, IKE_REQ_DELETE_CHILD, nc->spi_in);
		if (old && old->state == CHILD_S_REKEYING)
			ike_child_set_state(old, CHILD_S_INSTALLED,
			    "rekey not installed");
		ike_child_rekey_failed(sa, old, IKE_EV_KERNEL, "the kernel "
		    "refused the new CHILD SA");
		goto done;
	}
	if (old && old->replaced_by_peer) {
		struct ike_child *theirs = old->replaced_by_peer;

		memcpy(mn, nc->nonce_min, nc->nonce_min_len);
		mnlen = nc->nonce_min_len;
		if (ike_nonce_cmp(mn, mnlen, theirs->nonce_min,
		    theirs->nonce_min_len) < 0) {
			log_info(peer->conf.name, "simultaneous CHILD rekey: "
			    "ours %08x is redundant, deleting it", nc->spi_in);
			ike_child_set_state(nc, CHILD_S_DELETING, "redundant");
			ike_task_add(sa, IKE_REQ_DELETE_CHILD, nc->spi_in);
			ike_child_set_state(old, CHILD_S_REKEYED, NULL);
			goto done;
		}
		log_info(peer->conf.name, "simultaneous CHILD rekey: peer's "
		    "%08x is redundant", theirs->spi_in);
		/* It never sends and is not rekeyed: the peer deletes it. */
		theirs->replaces = NULL;
		ike_child_set_state(theirs, CHILD_S_REKEYED, "redundant");
	}
	if (old) {
		ike_child_set_state(old, CHILD_S_REKEYED, NULL);
		ike_task_add(sa, IKE_REQ_DELETE_CHILD, old->spi_in);
	}
done:
	OPENSSL_cleanse(gir, sizeof(gir));
	ike_req_done(sa);
}

/* ---- IKE rekey, initiator ----------------------------------------- */

int
ike_ike_rekey_start(struct ike_sa *sa)
{
	struct ike_peer *peer = sa->peer;
	struct wbuf in, ke;
	struct ike_bld b;
	uint16_t group;
	int rc = -1;

	wbuf_init(&in);
	wbuf_init(&ke);
	do {
		if (ike_random(&sa->x.new_spi, 8) < 0)
			goto out;
	} while (sa->x.new_spi == 0);
	sa->x.nprops = ike_prop_from_conf(peer->conf.ike, peer->conf.n_ike,
	    IKEV2_PROTO_IKE, sa->x.new_spi, 8, true, sa->x.props);
	/* Keep the group that works with this peer. */
	group = sa->suite.dh;
	if (ike_random(sa->x.nonce, IKE_NONCE_LEN) < 0 ||
	    (sa->x.dh = ike_dh_new(group)) == NULL ||
	    ike_dh_public(sa->x.dh, &ke) < 0)
		goto out;
	ike_bld_init(&b, &in, false);
	ike_bld_sa(&b, sa->x.props, sa->x.nprops);
	ike_bld_nonce(&b, sa->x.nonce, IKE_NONCE_LEN);
	ike_bld_ke(&b, group, ke.p, ke.len);
	log_info(peer->conf.name, "rekeying IKE SA %016llx/%016llx",
	    (unsigned long long)sa->spi_i, (unsigned long long)sa->spi_r);
	rc = ike_send_request(sa, IKE_REQ_REKEY_IKE,
	    IKEV2_EXCH_CREATE_CHILD_SA, &b);
out:
	if (rc < 0) {
		ike_xchg_end(sa);
		if (sa->rekey_ev)
			cgw_timer_arm(sa->rekey_ev, 10000);
	}
	wbuf_free(&in);
	wbuf_free(&ke);
	return rc;
}

/* The new IKE SA of a rekey: keys from the old SK_d (2.18). */
static struct ike_sa *
ike_rekey_new_sa(struct ike_sa *old, bool initiator, uint64_t spi_i,
    uint64_t spi_r, const struct ike_suite *s, const uint8_t *ni, size_t nilen,
    const uint8_t *nr, size_t nrlen, const uint8_t *gir, size_t girlen)
{
	struct ike_sa *ns;
	uint8_t skeyseed[IKE_MAX_PRF_LEN];
	size_t sslen = sizeof(skeyseed);

	if ((ns = ike_sa_new(old->peer, initiator)) == NULL)
		return NULL;
	ns->spi_i = spi_i;
	ns->spi_r = spi_r;
	ns->suite = *s;
	ike_suite_fmt(s, true, ns->proposal, sizeof(ns->proposal));
	ns->sock = old->sock;
	ns->remote = old->remote;
	ns->remote_port = old->remote_port;
	ns->nat_local = old->nat_local;
	ns->nat_remote = old->nat_remote;
	memcpy(ns->ni, ni, nilen);
	ns->nilen = nilen;
	memcpy(ns->nr, nr, nrlen);
	ns->nrlen = nrlen;
	ike_nonce_min(ni, nilen, nr, nrlen, ns->nonce_min, &ns->nonce_min_len);
	if (ike_skeyseed_rekey(old->suite.prf, old->keys.sk_d, old->keys.d_len,
	    gir, girlen, ni, nilen, nr, nrlen, skeyseed, &sslen) < 0 ||
	    ike_derive_keys(s->prf, s->encr, s->keybits, s->integ, skeyseed,
	    sslen, ni, nilen, nr, nrlen, spi_i, spi_r, &ns->keys) < 0) {
		OPENSSL_cleanse(skeyseed, sizeof(skeyseed));
		ike_sa_free(ns);
		return NULL;
	}
	OPENSSL_cleanse(skeyseed, sizeof(skeyseed));
	ns->have_keys = true;
	cgw_timer_cancel(ns->halfopen_ev);
	return ns;
}

/* The CHILD SAs, and what was queued for them, go to the new IKE SA. */
void
ike_move_children(struct ike_sa *from, struct ike_sa *to)
{
	struct ike_child *c;
	struct ike_task *t, *tn;

	while ((c = TAILQ_FIRST(&from->children))) {
		TAILQ_REMOVE(&from->children, c, entry);
		c->sa = to;
		TAILQ_INSERT_TAIL(&to->children, c, entry);
	}
	for (t = TAILQ_FIRST(&from->tasks); t; t = tn) {
		tn = TAILQ_NEXT(t, entry);
		if (t->kind == IKE_REQ_REKEY_CHILD ||
		    t->kind == IKE_REQ_DELETE_CHILD ||
		    t->kind == IKE_REQ_NEW_CHILD) {
			TAILQ_REMOVE(&from->tasks, t, entry);
			ike_task_add(to, t->kind, t->spi_in);
			free(t);
		}
	}
}

static void
ike_rekey_switch(struct ike_sa *old, struct ike_sa *ns)
{
	ike_move_children(old, ns);
	ike_sa_set_state(ns, IKE_S_ESTABLISHED, "rekeyed");
	ike_sa_arm_timers(ns);
	ike_sa_set_state(old, IKE_S_REKEYED, NULL);
	old->replaced_by = ns;
	cgw_timer_cancel(old->rekey_ev);
	cgw_timer_cancel(old->dpd_ev);
}

static void
ike_ike_rekey_resp(struct ike_sa *sa, struct ike_payloads *pl)
{
	struct ike_peer *peer = sa->peer;
	const struct ike_notify *err = ike_pld_error(pl);
	struct ike_suite s;
	uint8_t gir[1024];
	size_t girlen = sizeof(gir);
	uint16_t group = ike_dh_group(sa->x.dh);
	struct ike_sa *ns, *theirs = sa->replaced_by;

	if (err || !IKE_SEEN(pl, IKEV2_PLD_SA) || pl->nprops != 1 ||
	    !IKE_SEEN(pl, IKEV2_PLD_NONCE) || !IKE_SEEN(pl, IKEV2_PLD_KE) ||
	    pl->props[0].spi_size != 8 || pl->props[0].spi == 0 ||
	    ike_prop_check_reply(&pl->props[0], sa->x.props, sa->x.nprops,
	    false, &s) < 0 || s.dh != group || pl->ke_group != group ||
	    ike_shared(sa->x.dh, pl->ke, pl->ke_len, gir, &girlen) < 0) {
		log_warn(peer->conf.name, "IKE SA rekey failed: %s",
		    err ? ike_notify_name(err->type) :
		    "invalid CREATE_CHILD_SA response");
		if (sa->rekey_ev && sa->state == IKE_S_ESTABLISHED)
			cgw_timer_arm(sa->rekey_ev, 10000);
		ike_req_done(sa);
		return;
	}
	ns = ike_rekey_new_sa(sa, true, sa->x.new_spi, pl->props[0].spi, &s,
	    sa->x.nonce, IKE_NONCE_LEN, pl->nonce, pl->nonce_len, gir, girlen);
	OPENSSL_cleanse(gir, sizeof(gir));
	ike_req_done(sa);
	if (ns == NULL) {
		log_warn(peer->conf.name, "IKE SA rekey: key derivation failed");
		return;
	}
	if (theirs && sa->state == IKE_S_REKEYED) {
		/* Both rekeyed at once (2.8.1). */
		if (ike_nonce_cmp(ns->nonce_min, ns->nonce_min_len,
		    theirs->nonce_min, theirs->nonce_min_len) < 0) {
			log_info(peer->conf.name, "simultaneous IKE rekey: ours "
			    "is redundant, deleting it");
			ike_sa_set_state(ns, IKE_S_ESTABLISHED, "redundant");
			/* Keep the peer's SA current. */
			TAILQ_REMOVE(&peer->sas, theirs, entry);
			TAILQ_INSERT_HEAD(&peer->sas, theirs, entry);
			ike_task_add(ns, IKE_REQ_DELETE_IKE, 0);
			return;
		}
		log_info(peer->conf.name, "simultaneous IKE rekey: peer's is "
		    "redundant");
		ike_move_children(theirs, ns);
		ike_sa_set_state(ns, IKE_S_ESTABLISHED, "rekeyed");
		ike_sa_arm_timers(ns);
		sa->replaced_by = ns;
		theirs->replaced_by = ns;
		ike_sa_set_state(theirs, IKE_S_REKEYED, "redundant");
		ike_task_add(sa, IKE_REQ_DELETE_IKE, 0);
		return;
	}
	ike_rekey_switch(sa, ns);
	ike_task_add(sa, IKE_REQ_DELETE_IKE, 0);
}

/* ---- responder ---------------------------------------------------- */

static void
ike_create_error(struct ike_sa *sa, const struct ike_hdr *h, uint16_t type,
    const void *data, size_t len)
{
	ike_answer_notify(sa, h, 0, 0, 0, type, data, len);
	log_info(sa->peer->conf.name, "answered CREATE_CHILD_SA with %s",
	    ike_notify_name(type));
}

static void
ike_create_ike_req(struct ike_sa *sa, const struct ike_hdr *h,
    struct ike_payloads *pl)
{
	struct ike_peer *peer = sa->peer;
	struct ike_prop sel;
	struct ike_suite s;
	struct ike_dh *dh = NULL;
	struct wbuf in, ke;
	struct ike_bld b;
	uint8_t nr[IKE_NONCE_LEN], gir[1024];
	size_t girlen = sizeof(gir);
	uint64_t spi_r = 0, spi_i;
	struct ike_sa *ns;
	int idx;

	wbuf_init(&in);
	wbuf_init(&ke);
	/* A liveness probe in flight (most of the time now) does not stand in
	 * the way: its answer still comes on this SA, which stays until the
	 * peer deletes it. */
	if (sa->x.kind != IKE_REQ_NONE && sa->x.kind != IKE_REQ_REKEY_IKE &&
	    sa->x.kind != IKE_REQ_DPD) {
		ike_create_error(sa, h, IKEV2_N_TEMPORARY_FAILURE, NULL, 0);
		goto out;
	}
	idx = ike_prop_select(pl->props, pl->nprops, peer->ike_props,
	    peer->n_ike_props, IKEV2_PROTO_IKE, true, false, &sel, &s);
	if (idx < 0 || pl->props[idx].spi_size != 8 || pl->props[idx].spi == 0) {
		ike_create_error(sa, h, IKEV2_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		goto out;
	}
	if (!IKE_SEEN(pl, IKEV2_PLD_KE) || pl->ke_group != s.dh) {
		uint8_t g[2] = { (uint8_t)(s.dh >> 8), (uint8_t)s.dh };

		ike_create_error(sa, h, IKEV2_N_INVALID_KE_PAYLOAD, g, 2);
		goto out;
	}
	spi_i = pl->props[idx].spi;
	do {
		ike_random(&spi_r, sizeof(spi_r));
	} while (spi_r == 0);
	if (ike_random(nr, sizeof(nr)) < 0 || (dh = ike_dh_new(s.dh)) == NULL ||
	    ike_dh_public(dh, &ke) < 0 ||
	    ike_shared(dh, pl->ke, pl->ke_len, gir, &girlen) < 0) {
		ike_create_error(sa, h, IKEV2_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		goto out;
	}
	ns = ike_rekey_new_sa(sa, false, spi_i, spi_r, &s, pl->nonce,
	    pl->nonce_len, nr, sizeof(nr), gir, girlen);
	if (ns == NULL) {
		ike_create_error(sa, h, IKEV2_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		goto out;
	}
	sel.spi = spi_r;
	sel.spi_size = 8;
	ike_bld_init(&b, &in, false);
	ike_bld_sa(&b, &sel, 1);
	ike_bld_nonce(&b, nr, sizeof(nr));
	ike_bld_ke(&b, s.dh, ke.p, ke.len);
	ike_send_response(sa, h->exch, h->mid, &b);
	log_info(peer->conf.name, "peer rekeyed IKE SA into %016llx/%016llx",
	    (unsigned long long)spi_i, (unsigned long long)spi_r);
	if (sa->x.kind == IKE_REQ_REKEY_IKE) {
		/* Ours is in flight too: decided when its answer comes. */
		sa->replaced_by = ns;
		ike_move_children(sa, ns);
		ike_sa_set_state(ns, IKE_S_ESTABLISHED, "rekeyed by peer");
		ike_sa_arm_timers(ns);
		ike_sa_set_state(sa, IKE_S_REKEYED, NULL);
	} else {
		ike_rekey_switch(sa, ns);
	}
out:
	OPENSSL_cleanse(gir, sizeof(gir));
	OPENSSL_cleanse(nr, sizeof(nr));
	if (dh)
		ike_dh_free(dh);
	wbuf_free(&in);
	wbuf_free(&ke);
}

static void
ike_create_child_req(struct ike_sa *sa, const struct ike_hdr *h,
    struct ike_payloads *pl, struct ike_child *old)
{
	struct ike_peer *peer = sa->peer;
	struct ike_ctx *ctx = peer->ctx;
	struct ike_prop sel;
	struct ike_suite cs;
	struct esp_ts sl, sr, x;
	struct ike_dh *dh = NULL;
	struct wbuf in, ke;
	struct ike_bld b;
	struct ike_child *nc;
	uint8_t nr[IKE_NONCE_LEN], gir[1024];
	size_t girlen = sizeof(gir);
	uint32_t spi_in = 0, spi_out;
	bool pfs = ike_prop_first_dh(peer->esp_props, peer->n_esp_props) != 0;
	int rc;

	wbuf_init(&in);
	wbuf_init(&ke);
	if (!IKE_SEEN(pl, IKEV2_PLD_TSI) || !IKE_SEEN(pl, IKEV2_PLD_TSR)) {
		ike_create_error(sa, h, IKEV2_N_INVALID_SYNTAX, NULL, 0);
		goto out;
	}
	if (ike_prop_select(pl->props, pl->nprops, peer->esp_props,
	    peer->n_esp_props, IKEV2_PROTO_ESP, pfs, false, &sel, &cs) < 0) {
		log_warn(peer->conf.name, "peer's CHILD SA proposals match "
		    "none of ours%s", pfs ? " (we require PFS)" : "");
		ike_create_error(sa, h, IKEV2_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		goto out;
	}
	if (cs.dh && (!IKE_SEEN(pl, IKEV2_PLD_KE) || pl->ke_group != cs.dh)) {
		uint8_t g[2] = { (uint8_t)(cs.dh >> 8), (uint8_t)cs.dh };

		ike_create_error(sa, h, IKEV2_N_INVALID_KE_PAYLOAD, g, 2);
		goto out;
	}
	if (ike_child_ts_choose(sa, old, &pl->tsr, &pl->tsi, &sl, &sr) < 0) {
		ike_create_error(sa, h, IKEV2_N_TS_UNACCEPTABLE, NULL, 0);
		goto out;
	}
	if (ctx->cb.alloc_spi(ctx->cbarg, peer, &spi_in) < 0) {
		ike_create_error(sa, h, IKEV2_N_TEMPORARY_FAILURE, NULL, 0);
		goto out;
	}
	if (ike_random(nr, sizeof(nr)) < 0 ||
	    (cs.dh && ((dh = ike_dh_new(cs.dh)) == NULL ||
	    ike_dh_public(dh, &ke) < 0 ||
	    ike_shared(dh, pl->ke, pl->ke_len, gir, &girlen) < 0))) {
		ike_spi_release(peer, &spi_in);
		ike_create_error(sa, h, IKEV2_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		goto out;
	}
	spi_out = (uint32_t)sel.spi;
	/*
	 * Into the kernel before the answer leaves: once the peer has our
	 * answer it may send on the new SA, and a refusal must reach it as
	 * an error, not as a CHILD SA only one end has.
	 */
	if ((nc = ike_child_new(sa, spi_in, spi_out, &cs, false)) == NULL) {
		ike_spi_release(peer, &spi_in);
		ike_create_error(sa, h, IKEV2_N_TEMPORARY_FAILURE, NULL, 0);
		goto out;
	}
	nc->ts_local = sl;
	nc->ts_remote = sr;
	nc->ts_dual = ike_child_ts_agreed(sa, old, &pl->tsr, &pl->tsi, &sl,
	    &sr, &x);
	ike_nonce_min(pl->nonce, pl->nonce_len, nr, sizeof(nr), nc->nonce_min,
	    &nc->nonce_min_len);
	if ((rc = ike_child_install(nc, cs.dh ? gir : NULL, cs.dh ? girlen : 0,
	    pl->nonce, pl->nonce_len, nr, sizeof(nr), old)) != 0) {
		ike_child_free(nc, false);
		ike_spi_release(peer, &spi_in);
		ike_create_error(sa, h, ike_child_install_notify(rc), NULL, 0);
		ike_peer_event(peer, IKE_EV_KERNEL, "the kernel refused the "
		    "peer's CHILD SA");
		goto out;
	}
	sel.spi = spi_in;
	ike_bld_init(&b, &in, false);
	ike_bld_sa(&b, &sel, 1);
	ike_bld_nonce(&b, nr, sizeof(nr));
	if (cs.dh)
		ike_bld_ke(&b, cs.dh, ke.p, ke.len);
	ike_bld_ts2(&b, IKEV2_PLD_TSI, &sr, nc->ts_dual ? &x : NULL);
	ike_bld_ts2(&b, IKEV2_PLD_TSR, &sl, nc->ts_dual ? &x : NULL);
	ike_send_response(sa, h->exch, h->mid, &b);
	if (old) {
		if (old->state == CHILD_S_REKEYING)
			old->replaced_by_peer = nc;	/* collision */
		else	/* the peer deletes it */
			ike_child_set_state(old, CHILD_S_REKEYED, NULL);
	}
out:
	OPENSSL_cleanse(gir, sizeof(gir));
	OPENSSL_cleanse(nr, sizeof(nr));
	if (dh)
		ike_dh_free(dh);
	wbuf_free(&in);
	wbuf_free(&ke);
}

void
ike_create_recv_req(struct ike_sa *sa, const struct ike_hdr *h,
    struct ike_payloads *pl)
{
	const struct ike_notify *rk = ike_pld_notify(pl, IKEV2_N_REKEY_SA);
	struct ike_child *old = NULL;

	if (!IKE_SEEN(pl, IKEV2_PLD_SA) || !IKE_SEEN(pl, IKEV2_PLD_NONCE)) {
		ike_create_error(sa, h, IKEV2_N_INVALID_SYNTAX, NULL, 0);
		return;
	}
	if (pl->props[0].proto == IKEV2_PROTO_IKE) {
		ike_create_ike_req(sa, h, pl);
		return;
	}
	if (rk) {
		if (rk->proto != IKEV2_PROTO_ESP || rk->spi_size != 4 ||
		    (old = ike_child_by_out(sa, (uint32_t)rk->spi)) == NULL ||
		    old->state == CHILD_S_DELETING) {
			ike_answer_notify(sa, h, IKEV2_PROTO_ESP, 4,
			    (uint32_t)rk->spi, IKEV2_N_CHILD_SA_NOT_FOUND,
			    NULL, 0);
			return;
		}
		log_info(sa->peer->conf.name, "peer rekeys CHILD SA %08x/%08x",
		    old->spi_in, old->spi_out);
	}
	ike_create_child_req(sa, h, pl, old);
}

void
ike_create_recv_resp(struct ike_sa *sa, const struct ike_hdr *h,
    struct ike_payloads *pl)
{
	(void)h;
	if (sa->x.kind == IKE_REQ_REKEY_CHILD || sa->x.kind == IKE_REQ_NEW_CHILD)
		ike_child_rekey_resp(sa, pl);
	else if (sa->x.kind == IKE_REQ_REKEY_IKE)
		ike_ike_rekey_resp(sa, pl);
}
