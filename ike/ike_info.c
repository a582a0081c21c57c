/*
 * INFORMATIONAL (1.4, 2.4): liveness checks (an empty request), DELETE of
 * CHILD and IKE SAs in both directions, and error notifies from the peer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike/ike_local.h"
#include "lib/clock.h"
#include "lib/log.h"

int
ike_info_dpd(struct ike_sa *sa)
{
	struct wbuf in;
	struct ike_bld b;
	int rc;

	wbuf_init(&in);
	ike_bld_init(&b, &in, false);
	rc = ike_send_request(sa, IKE_REQ_DPD, IKEV2_EXCH_INFORMATIONAL, &b);
	wbuf_free(&in);
	return rc;
}

int
ike_info_delete_child(struct ike_sa *sa, struct ike_child *c)
{
	struct wbuf in;
	struct ike_bld b;
	int rc;

	wbuf_init(&in);
	ike_bld_init(&b, &in, false);
	ike_bld_delete(&b, IKEV2_PROTO_ESP, &c->spi_in, 1);
	log_info(sa->peer->conf.name, "deleting CHILD SA %08x/%08x",
	    c->spi_in, c->spi_out);
	rc = ike_send_request(sa, IKE_REQ_DELETE_CHILD,
	    IKEV2_EXCH_INFORMATIONAL, &b);
	if (rc == 0) {
		ike_child_set_state(c, CHILD_S_DELETING, NULL);
		sa->x.child = c;
	}
	wbuf_free(&in);
	return rc;
}

int
ike_info_delete_ike(struct ike_sa *sa)
{
	struct wbuf in;
	struct ike_bld b;
	int rc;

	wbuf_init(&in);
	ike_bld_init(&b, &in, false);
	ike_bld_delete(&b, IKEV2_PROTO_IKE, NULL, 0);
	rc = ike_send_request(sa, IKE_REQ_DELETE_IKE, IKEV2_EXCH_INFORMATIONAL,
	    &b);
	wbuf_free(&in);
	if (rc < 0) {
		ike_sa_fail(sa, IKE_EV_DELETED, "IKE SA deleted (DELETE not "
		    "sent)");
		return -1;
	}
	ike_sa_set_state(sa, IKE_S_DELETING, NULL);
	return 0;
}

/* One DELETE for the IKE SA, not waiting for the answer: when we drop
 * the SA anyway (expiry, removal) the peer should not keep its half. */
void
ike_info_delete_ike_nowait(struct ike_sa *sa)
{
	struct wbuf in, msg;
	struct ike_bld b;
	uint32_t mid = sa->mid_next;

	if (!sa->have_keys ||
	    (sa->state != IKE_S_ESTABLISHED && sa->state != IKE_S_REKEYED))
		return;
	/* A liveness probe is in flight most of the time: the DELETE goes
	 * right behind it (answered by then, nearly always). Behind any other
	 * request it would be out of the peer's window. */
	if (sa->x.kind == IKE_REQ_DPD)
		mid = sa->x.mid + 1;
	else if (sa->x.kind != IKE_REQ_NONE)
		return;
	wbuf_init(&in);
	wbuf_init(&msg);
	ike_bld_init(&b, &in, false);
	ike_bld_delete(&b, IKEV2_PROTO_IKE, NULL, 0);
	if (ike_msg_seal(sa, &msg, IKEV2_EXCH_INFORMATIONAL, false, mid,
	    &b) == 0)
		ike_sock_send(sa, msg.p, msg.len);
	wbuf_free(&in);
	wbuf_free(&msg);
}

/*
 * Our IKE SA is gone for good: quietly when a successor exists (a rekey,
 * or the survivor when both ends set one up, whose CHILD SAs carry the
 * traffic while this one's retire).
 */
static void
ike_info_ike_gone(struct ike_sa *sa, const char *why)
{
	struct ike_child *c;
	struct ike_sa *o;

	/*
	 * Both ends rekeyed the IKE SA at once and we took the peer's new SA
	 * as our successor while our own request was still unanswered; the
	 * peer then judged that SA redundant (2.8.1) and deleted it. Its
	 * CHILD SAs are not the peer's to delete with it: they go back to
	 * the predecessor, which our answered request replaces in turn.
	 */
	TAILQ_FOREACH(o, &sa->peer->sas, entry)
		if (o != sa && o->replaced_by == sa && o->state == IKE_S_REKEYED)
			break;
	if (o != NULL) {
		log_info(sa->peer->conf.name, "peer deleted IKE SA "
		    "%016llx/%016llx as redundant: its CHILD SAs stay",
		    (unsigned long long)sa->spi_i,
		    (unsigned long long)sa->spi_r);
		ike_move_children(sa, o);
		o->replaced_by = NULL;
		ike_sa_set_state(sa, IKE_S_DEAD, why);
		ike_sa_free(sa);
		return;
	}

	if (sa->replaced_by || sa->redundant) {
		log_info(sa->peer->conf.name, "%s IKE SA %016llx/%016llx "
		    "deleted", sa->redundant ? "redundant" : "old",
		    (unsigned long long)sa->spi_i,
		    (unsigned long long)sa->spi_r);
		while ((c = TAILQ_FIRST(&sa->children)))
			ike_child_retire(c);
		ike_sa_set_state(sa, IKE_S_DEAD, why);
		ike_sa_free(sa);
		return;
	}
	ike_sa_fail(sa, IKE_EV_DELETED, "%s", why);
}

/*
 * A tunnel needs a CHILD SA. When the peer closed the last one (say it
 * expired on its side), the side that set up the IKE SA makes a new one;
 * the other waits for it, so the two do not create a pair each.
 */
static void
ike_info_check_children(struct ike_sa *sa)
{
	struct ike_child *c;

	if (sa->state != IKE_S_ESTABLISHED || !sa->peer->keep_up ||
	    !sa->initiator)
		return;
	/* A CHILD SA that just failed is retried on its backoff timer. */
	if (cgw_timer_pending(sa->peer->child_retry_ev))
		return;
	TAILQ_FOREACH(c, &sa->children, entry)
		if (c->state == CHILD_S_INSTALLED || c->state == CHILD_S_REKEYING)
			return;
	log_info(sa->peer->conf.name, "no CHILD SA left, creating one");
	ike_task_add(sa, IKE_REQ_NEW_CHILD, 0);
}

void
ike_info_recv_resp(struct ike_sa *sa, const struct ike_hdr *h,
    struct ike_payloads *pl)
{
	struct ike_child *c;

	(void)h;
	(void)pl;
	switch (sa->x.kind) {
	case IKE_REQ_DPD:
		ike_req_done(sa);
		break;
	case IKE_REQ_DELETE_CHILD:
		c = sa->x.child;
		ike_req_done(sa);
		if (c)
			ike_child_retire(c);
		ike_info_check_children(sa);
		break;
	case IKE_REQ_DELETE_IKE:
		ike_req_done(sa);
		ike_info_ike_gone(sa, "IKE SA deleted");
		break;
	default:
		break;
	}
}

void
ike_info_recv_req(struct ike_sa *sa, const struct ike_hdr *h,
    struct ike_payloads *pl)
{
	struct ike_peer *peer = sa->peer;
	struct wbuf in;
	struct ike_bld b;
	uint32_t ours[64];
	size_t nours = 0;
	bool ike_deleted = false, child_deleted = false;

	for (size_t i = 0; i < pl->nnotify; i++)
		if (pl->notify[i].type < 16384)
			log_warn(peer->conf.name, "peer reports %s",
			    ike_notify_name(pl->notify[i].type));
	for (size_t i = 0; i < pl->ndelete; i++) {
		const struct ike_delete *d = &pl->del[i];

		if (d->proto == IKEV2_PROTO_IKE) {
			ike_deleted = true;
			continue;
		}
		if (d->proto != IKEV2_PROTO_ESP)
			continue;
		for (unsigned k = 0; k < d->num; k++) {
			const uint8_t *s = d->spis + 4 * k;
			uint32_t spi = (uint32_t)s[0] << 24 | (uint32_t)s[1] << 16 |
			    (uint32_t)s[2] << 8 | s[3];
			struct ike_child *c = ike_child_by_out(sa, spi);

			if (c == NULL)
				continue;
			log_info(peer->conf.name, "peer deleted CHILD SA "
			    "%08x/%08x", c->spi_in, c->spi_out);
			/* 1.4.1: answer with our half unless we asked too. */
			if (c->state != CHILD_S_DELETING &&
			    nours < sizeof(ours) / sizeof(ours[0]))
				ours[nours++] = c->spi_in;
			if (c->state != CHILD_S_REKEYED)
				child_deleted = true;
			ike_child_retire(c);
		}
	}
	wbuf_init(&in);
	ike_bld_init(&b, &in, false);
	if (nours)
		ike_bld_delete(&b, IKEV2_PROTO_ESP, ours, nours);
	ike_send_response(sa, h->exch, h->mid, &b);
	wbuf_free(&in);
	if (ike_deleted) {
		ike_info_ike_gone(sa, "peer deleted the IKE SA");
		return;
	}
	if (child_deleted)
		ike_info_check_children(sa);
}
