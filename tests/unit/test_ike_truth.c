/*
 * What the engine tells the daemon is what the kernel and the peer hold:
 * kernel refusals in both roles, a refused CHILD SA retried with backoff
 * on the same IKE SA, both ends initiating, INITIAL_CONTACT after DPD,
 * make-before-break ordering of the halves, forged retransmissions and
 * unauthenticated attempts that must not touch a working tunnel. Two
 * engines stepped message by message (ike_pair.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ike/ike.h"
#include "ike/ike_local.h"
#include "lib/ikev2_const.h"
#include "tests/unit/ike_pair.h"

static struct ike_pair P;

struct conf_opts {
	const char	*psk;
	bool		 initiate;
	bool		 other_esp;	/* an ESP proposal the other end lacks */
	bool		 other_ike;	/* an IKE proposal the other end lacks */
	uint32_t	 dpd_interval, dpd_timeout;
};

static struct ike_peer *
add_peer(struct pair_side *s, const struct conf_opts *o)
{
	struct ike_peer_conf pc;
	const char *psk = o->psk ? o->psk : "a-shared-secret";

	memset(&pc, 0, sizeof(pc));
	pc.psk = psk;
	pc.psk_len = strlen(psk);
	pc.n_ike = 1;
	if (o->other_ike)
		pair_proposal(&pc.ike[0], "aes128-sha1-modp1024",
		    IKEV2_ENCR_AES_CBC, 128, IKEV2_INTEG_HMAC_SHA1_96,
		    IKEV2_PRF_HMAC_SHA1, IKEV2_DH_MODP1024);
	else
		pair_proposal(&pc.ike[0], "aes256gcm16-prfsha256-ecp256",
		    IKEV2_ENCR_AES_GCM_16, 256, 0, IKEV2_PRF_HMAC_SHA2_256,
		    IKEV2_DH_ECP256);
	pc.n_esp = 1;
	if (o->other_esp)
		pair_proposal(&pc.esp[0], "aes128-sha1-modp1024",
		    IKEV2_ENCR_AES_CBC, 128, IKEV2_INTEG_HMAC_SHA1_96, 0,
		    IKEV2_DH_MODP1024);
	else
		pair_proposal(&pc.esp[0], "aes256gcm16-ecp256",
		    IKEV2_ENCR_AES_GCM_16, 256, 0, 0, IKEV2_DH_ECP256);
	pc.dpd_interval_ms = o->dpd_interval;
	pc.dpd_timeout_ms = o->dpd_timeout;
	return pair_peer_add(s, &pc, o->initiate);
}

static unsigned
n_ike(struct pair_side *s)
{
	struct ike_status st;

	ike_peer_status(s->peer, &st);
	return st.n_ike;
}

static bool
both_up(struct ike_pair *p)
{
	return p->a.nsa == 1 && p->b.nsa == 1 && ike_peer_usable(p->a.peer) &&
	    ike_peer_usable(p->b.peer);
}

static bool
settled(struct ike_pair *p)
{
	return both_up(p) && n_ike(&p->a) == 1 && n_ike(&p->b) == 1;
}

static void
setup_ab(const struct conf_opts *a, const struct conf_opts *b)
{
	pair_init(&P);
	add_peer(&P.b, b);
	add_peer(&P.a, a);
}

/* Everything of the one CHILD SA pair in both "kernels", both halves. */
static void
assert_one_pair(void)
{
	assert_int_equal(n_ike(&P.a), 1);
	assert_int_equal(n_ike(&P.b), 1);
	assert_int_equal(P.a.nsa, 1);
	assert_int_equal(P.b.nsa, 1);
	assert_int_equal(P.a.dirs[0], IKE_DIR_BOTH);
	assert_int_equal(P.b.dirs[0], IKE_DIR_BOTH);
	pair_assert_child_match(&P);
}

/*
 * The responder's kernel refuses the CHILD SA (an algorithm it lacks):
 * the refusal reaches the initiator as NO_PROPOSAL_CHOSEN instead of a
 * CHILD SA only one end has; the IKE SA stays, the initiator retries the
 * CHILD SA alone, and it comes up once the kernel takes it.
 */
static void
test_responder_kernel_refusal(void **state)
{
	struct conf_opts a = { .initiate = true }, b = { 0 };

	(void)state;
	setup_ab(&a, &b);
	P.b.refuse_install = IKE_INSTALL_UNSUPPORTED;
	pair_advance(&P, 1000);
	assert_true(P.b.refused >= 1);
	assert_int_equal(P.a.nsa, 0);
	assert_int_equal(P.b.nsa, 0);
	assert_false(ike_peer_usable(P.a.peer));
	assert_false(ike_peer_usable(P.b.peer));
	assert_true(P.a.ev[IKE_EV_NO_PROPOSAL] >= 1);
	assert_true(P.b.ev[IKE_EV_KERNEL] >= 1);
	assert_int_equal(P.a.ev[IKE_EV_UP], 1);	/* the IKE SA is kept */
	assert_int_equal(n_ike(&P.a), 1);

	P.b.refuse_install = 0;
	assert_true(pair_run_until(&P, both_up, 5000));
	assert_one_pair();
	assert_int_equal(P.a.ev[IKE_EV_UP], 1);
	pair_free(&P);
}

/*
 * Our own kernel refuses the CHILD SA we negotiated as initiator: the
 * peer, which installed it, is told (DELETE), the IKE SA stays, and the
 * CHILD SA is retried until the kernel takes it. Never a phantom.
 */
static void
test_initiator_kernel_refusal(void **state)
{
	struct conf_opts a = { .initiate = true }, b = { 0 };

	(void)state;
	setup_ab(&a, &b);
	P.a.refuse_install = IKE_INSTALL_FAILED;
	pair_advance(&P, 50);
	assert_true(P.a.refused >= 1);
	assert_int_equal(P.a.nsa, 0);
	assert_false(ike_peer_usable(P.a.peer));
	assert_true(P.a.ev[IKE_EV_KERNEL] >= 1);
	/* The peer deleted the half-made pair it holds. */
	assert_int_equal(P.b.nsa, 0);
	assert_false(ike_peer_usable(P.b.peer));
	assert_int_equal(n_ike(&P.a), 1);

	P.a.refuse_install = 0;
	assert_true(pair_run_until(&P, both_up, 5000));
	assert_one_pair();
	assert_int_equal(P.a.ev[IKE_EV_UP], 1);
	/* Every reserved SPI is in the kernel or was given back. */
	pair_advance(&P, 1000);
	assert_int_equal(P.a.spis, P.a.released + P.a.nsa);
	pair_free(&P);
}

/*
 * A half-open SA (an IKE_SA_INIT from the peer's address, maybe spoofed)
 * neither becomes the peer's "current" SA nor stops the CHILD SA retries.
 */
static void
test_halfopen_keeps_child_retries(void **state)
{
	struct conf_opts a = { .initiate = true }, b = { .other_esp = true };
	struct ike_status st;
	struct ike_sa *h;
	unsigned before;

	(void)state;
	setup_ab(&a, &b);
	pair_advance(&P, 2000);
	h = ike_sa_new(P.a.peer, false);	/* what ike_init_recv_req makes */
	TAILQ_REMOVE(&P.a.peer->sas, h, entry);
	TAILQ_INSERT_TAIL(&P.a.peer->sas, h, entry);
	h->spi_i = 0x1234;
	ike_sa_set_state(h, IKE_S_INIT_RCVD, "test");
	ike_peer_status(P.a.peer, &st);
	assert_string_equal(st.state, "established");
	before = P.a.ev[IKE_EV_NO_PROPOSAL];
	pair_advance(&P, 4000);
	assert_true(P.a.ev[IKE_EV_NO_PROPOSAL] > before);
	before = P.a.ev[IKE_EV_NO_PROPOSAL];
	pair_advance(&P, 10000);		/* the half-open SA expired */
	assert_true(P.a.ev[IKE_EV_NO_PROPOSAL] > before);
	pair_free(&P);
}

static int
queued_to(bool response, struct pair_side *to)
{
	for (size_t i = 0; i < pair_queued(&P); i++) {
		const struct pair_dgram *d = pair_peek(&P, i);

		if (pair_is_response(d) == response && d->to == to)
			return (int)i;
	}
	return -1;
}

static void
deliver_first(bool response, struct pair_side *to)
{
	int i = queued_to(response, to);

	assert_true(i >= 0);
	pair_swap(&P, 0, (size_t)i);
	assert_true(pair_step(&P));
}

/*
 * Both ends rekey the IKE SA at once and the answer to ours is lost: the
 * peer deletes the SA it judged redundant, which we had already taken as
 * our successor. Nothing may point at it afterwards (a use-after-free
 * before), and the tunnel ends up with one IKE SA and one CHILD pair.
 */
static void
test_ike_rekey_collision_lost_answer(void **state)
{
	struct conf_opts a = { .initiate = true }, b = { 0 };
	int round;

	(void)state;
	for (round = 0; round < 8; round++) {
		setup_ab(&a, &b);
		assert_true(pair_run_until(&P, both_up, 2000));
		pair_advance(&P, 500);
		assert_int_equal(ike_peer_rekey_ike(P.a.peer), 0);
		assert_int_equal(ike_peer_rekey_ike(P.b.peer), 0);
		pair_kick(&P);
		deliver_first(false, &P.b);
		deliver_first(false, &P.a);
		pair_drop(&P, (size_t)queued_to(true, &P.a));
		deliver_first(true, &P.b);
		assert_true(pair_run_until(&P, settled, 10000));
		pair_advance(&P, 1000);
		assert_one_pair();
		pair_free(&P);
	}
}

/*
 * A CHILD SA the peer refuses (NO_PROPOSAL_CHOSEN in IKE_AUTH) used to
 * tear the IKE SA down and start over every second. Now the IKE SA stays
 * and the CHILD SA is retried with exponential backoff up to the cap.
 */
static void
test_refused_child_backs_off(void **state)
{
	struct conf_opts a = { .initiate = true }, b = { .other_esp = true };
	struct ike_tunables t;

	(void)state;
	pair_init(&P);
	pair_tunables(&t);
	t.child_retry_min_ms = 1000;
	t.child_retry_max_ms = 8000;
	ike_ctx_set_tunables(P.a.ctx, &t);
	add_peer(&P.b, &b);
	add_peer(&P.a, &a);
	pair_advance(&P, 34000);
	/* 1, 2, 4, 8, 8, 8 s (±20 %): at most 7 tries in 34 s, not 31. */
	assert_true(P.a.ev[IKE_EV_NO_PROPOSAL] >= 4);
	assert_true(P.a.ev[IKE_EV_NO_PROPOSAL] <= 7);
	assert_int_equal(P.a.ev[IKE_EV_UP], 1);
	assert_int_equal(n_ike(&P.a), 1);
	assert_int_equal(n_ike(&P.b), 1);
	assert_int_equal(P.a.nsa, 0);
	pair_free(&P);
}

/*
 * Both ends initiate at the same moment (AWS startup action "start"):
 * exactly one IKE SA and one CHILD SA pair survive at both ends.
 */
static void
test_both_initiate(void **state)
{
	struct conf_opts a = { .initiate = true }, b = { .initiate = true };

	(void)state;
	setup_ab(&a, &b);
	pair_advance(&P, 3000);
	assert_true(settled(&P));
	assert_one_pair();
	pair_free(&P);
}

/* The same when the peer's first IKE_SA_INIT was lost and is being
 * retransmitted when we start. */
static void
test_both_initiate_peer_first(void **state)
{
	struct conf_opts a = { .initiate = true }, b = { .initiate = true };

	(void)state;
	pair_init(&P);
	add_peer(&P.b, &b);
	pair_kick(&P);
	assert_true(pair_queued(&P) >= 1);
	pair_drop(&P, 0);		/* nobody was listening yet */
	pair_advance(&P, 60);		/* its retransmission is close */
	add_peer(&P.a, &a);
	pair_advance(&P, 3000);
	assert_true(settled(&P));
	assert_one_pair();
	pair_free(&P);
}

/*
 * Our DPD gave the peer up while it still held the SAs (a path that went
 * away and came back): the new IKE_AUTH carries INITIAL_CONTACT, so the
 * peer drops its stale IKE SA and CHILD SAs (RFC 7296 2.4).
 */
static void
test_initial_contact_after_dpd(void **state)
{
	struct conf_opts a = { .initiate = true, .dpd_interval = 1000,
	    .dpd_timeout = 3000 }, b = { 0 };

	(void)state;
	setup_ab(&a, &b);
	assert_true(pair_run_until(&P, both_up, 2000));
	pair_pause(&P.b);
	pair_advance(&P, 5000);
	assert_true(P.a.ev[IKE_EV_DEAD] >= 1);
	/* Told while its CHILD SA was still in the kernel, and no longer
	 * usable: routes move away before the SAs go. */
	assert_int_equal(P.a.nsa_at_ev[IKE_EV_DEAD], 1);
	assert_false(P.a.usable_at_ev[IKE_EV_DEAD]);
	assert_int_equal(P.a.nsa, 0);
	assert_int_equal(P.b.nsa, 1);		/* stale at the peer */
	pair_resume(&P.b);
	assert_true(pair_run_until(&P, settled, 5000));
	pair_advance(&P, 1000);
	assert_one_pair();
	pair_free(&P);
}

static bool
b_has_two(struct ike_pair *p)
{
	return p->b.nsa == 2;
}

/*
 * The peer deletes the tunnel's only CHILD SA: the tunnel is no longer up
 * (CHILD_DOWN, not usable) although the IKE SA lives, and the side that
 * set the IKE SA up makes a new CHILD SA.
 */
static void
test_peer_deletes_child(void **state)
{
	struct conf_opts a = { .initiate = true }, b = { 0 };
	struct ike_sa *sb;

	(void)state;
	setup_ab(&a, &b);
	assert_true(pair_run_until(&P, both_up, 2000));
	sb = TAILQ_FIRST(&P.b.peer->sas);
	ike_task_add(sb, IKE_REQ_DELETE_CHILD, TAILQ_FIRST(&sb->children)->spi_in);
	pair_run(&P);
	assert_int_equal(P.a.ev[IKE_EV_CHILD_DOWN], 1);
	assert_false(P.a.usable_at_ev[IKE_EV_CHILD_DOWN]);
	/* Told while the SA could still carry traffic out: the routes move
	 * to another tunnel before the outbound half goes (planned events,
	 * such as AWS's endpoint maintenance, lose nothing). */
	assert_int_equal(P.a.nout_at_ev[IKE_EV_CHILD_DOWN], 1);
	assert_int_equal(n_ike(&P.a), 1);
	assert_true(pair_run_until(&P, both_up, 2000));
	pair_advance(&P, 200);
	assert_one_pair();
	assert_int_equal(P.a.ev[IKE_EV_UP], 1);
	pair_free(&P);
}

/*
 * Make-before-break in both roles. The responder of a rekey puts the new
 * inbound half in before it answers and its outbound half only once the
 * initiator deleted the old SA; both keep the old inbound half a while
 * after the DELETE, for packets the other end sent before it switched.
 */
static void
test_rekey_halves_order(void **state)
{
	struct conf_opts a = { .initiate = true }, b = { 0 };
	uint32_t old_a, old_b, new_b;
	int i;

	(void)state;
	setup_ab(&a, &b);
	assert_true(pair_run_until(&P, both_up, 2000));
	old_a = P.a.sa[0].spi_in;
	old_b = P.b.sa[0].spi_in;
	assert_int_equal(ike_peer_rekey_child(P.a.peer), 0);
	/* The CREATE_CHILD_SA request reaches B: new inbound only. */
	assert_true(pair_run_until(&P, b_has_two, 100));
	new_b = P.b.sa[P.b.sa[0].spi_in == old_b ? 1 : 0].spi_in;
	assert_int_equal(P.b.dirs[pair_sa_find(&P.b, new_b)], IKE_DIR_IN);
	assert_int_equal(P.b.dirs[pair_sa_find(&P.b, old_b)], IKE_DIR_BOTH);
	/* Answer, then our DELETE of the old pair and its answer. */
	pair_run(&P);
	assert_int_equal(P.b.dirs[pair_sa_find(&P.b, new_b)], IKE_DIR_BOTH);
	i = pair_sa_find(&P.b, old_b);
	assert_true(i >= 0);
	assert_int_equal(P.b.dirs[i], IKE_DIR_IN);	/* retired */
	i = pair_sa_find(&P.a, old_a);
	assert_true(i >= 0);
	assert_int_equal(P.a.dirs[i], IKE_DIR_IN);	/* retired */
	/* After the grace only the new pair is left. */
	pair_advance(&P, 100);
	assert_int_equal(pair_sa_find(&P.a, old_a), -1);
	assert_int_equal(pair_sa_find(&P.b, old_b), -1);
	assert_one_pair();
	assert_true(ike_peer_usable(P.a.peer));
	pair_free(&P);
}

/*
 * A request that looks like a retransmission (known SPIs, the last
 * message ID) but fails the integrity check gets no answer: the cached
 * response is not an amplifier for forged packets.
 */
static void
test_forged_retransmission(void **state)
{
	struct conf_opts a = { .initiate = true }, b = { 0 };
	struct pair_dgram *d;
	size_t before;

	(void)state;
	setup_ab(&a, &b);
	assert_true(pair_run_until(&P, both_up, 2000));
	assert_int_equal(ike_peer_rekey_child(P.a.peer), 0);
	pair_kick(&P);
	assert_int_equal(pair_queued(&P), 1);
	assert_false(pair_is_response(pair_peek(&P, 0)));
	pair_dup(&P, 0);
	d = &P.q[1];
	d->p[d->len - 1] ^= 0x5a;	/* the ICV no longer matches */
	before = P.sent;
	assert_true(pair_step(&P));	/* the genuine request: answered */
	assert_int_equal(P.sent, before + 1);
	assert_true(pair_step(&P));	/* the forged copy: nothing goes back */
	assert_int_equal(P.sent, before + 1);
	assert_int_equal(pair_queued(&P), 1);
	assert_true(pair_is_response(pair_peek(&P, 0)));
	pair_free(&P);
}

/*
 * Nothing unauthenticated touches an established tunnel: an IKE_SA_INIT
 * from the peer's address with no acceptable proposal, then an IKE_AUTH
 * with a wrong PSK, leave A's IKE SA and CHILD SA as they were.
 */
static void
test_unauthenticated_attempts_change_nothing(void **state)
{
	struct conf_opts a = { .initiate = true }, b = { 0 };
	struct conf_opts spoof_prop = { .initiate = true, .other_ike = true };
	struct conf_opts spoof_psk = { .initiate = true, .psk = "not-the-psk" };
	struct ike_status st;
	uint32_t spi;

	(void)state;
	setup_ab(&a, &b);
	assert_true(pair_run_until(&P, both_up, 2000));
	spi = P.a.sa[0].spi_in;

	/* B's engine stands in for the attacker: a new peer, new SAs. */
	ike_peer_remove(P.b.peer);
	while (pair_queued(&P))
		pair_drop(&P, 0);		/* its DELETE never leaves */
	add_peer(&P.b, &spoof_prop);
	pair_advance(&P, 300);
	assert_true(P.a.ev[IKE_EV_NO_PROPOSAL] >= 1);
	assert_true(ike_peer_usable(P.a.peer));
	assert_int_equal(P.a.nsa, 1);
	assert_int_equal(P.a.sa[0].spi_in, spi);

	ike_peer_remove(P.b.peer);
	while (pair_queued(&P))
		pair_drop(&P, 0);
	add_peer(&P.b, &spoof_psk);
	pair_advance(&P, 300);
	assert_true(P.a.ev[IKE_EV_AUTH_FAILED] >= 1);
	assert_true(ike_peer_usable(P.a.peer));
	assert_int_equal(P.a.nsa, 1);
	assert_int_equal(P.a.sa[0].spi_in, spi);
	assert_int_equal(P.a.dirs[0], IKE_DIR_BOTH);
	assert_int_equal(n_ike(&P.a), 1);
	/* Nor may they rewrite the error a working tunnel shows. */
	ike_peer_status(P.a.peer, &st);
	assert_string_equal(st.last_error, "");
	pair_free(&P);
}

/* B's first IKE_SA_INIT, taken off the wire before A sees it. */
static size_t
capture_init(uint8_t *buf, size_t len)
{
	struct conf_opts a = { 0 }, b = { .initiate = true };
	const struct pair_dgram *d;

	pair_init(&P);
	add_peer(&P.a, &a);
	add_peer(&P.b, &b);
	pair_kick(&P);
	assert_int_equal(pair_queued(&P), 1);
	d = pair_peek(&P, 0);
	assert_int_equal(pair_exch(d), IKEV2_EXCH_IKE_SA_INIT);
	assert_true(d->len <= len);
	memcpy(buf, d->p, d->len);
	len = d->len;
	pair_drop(&P, 0);
	ike_peer_terminate(P.b.peer);		/* B stays quiet from now on */
	return len;
}

/* The same request under initiator SPI `spi`, from the peer's address. */
static void
inject_init(uint8_t *buf, size_t len, uint64_t spi)
{
	for (int i = 0; i < 8; i++)
		buf[i] = (uint8_t)(spi >> (56 - 8 * i));
	ike_ctx_input(P.a.ctx, &P.a.addr, P.a.port, &P.b.addr, P.b.port, buf,
	    len);
}

static void
flood_tunables(unsigned cookies, unsigned per_peer, unsigned max,
    unsigned dh_per_s)
{
	struct ike_tunables t;

	pair_tunables(&t);
	t.cookie_threshold = cookies;
	t.cookie_threshold_peer = 1000;		/* see test_blind_flood */
	t.halfopen_per_peer = per_peer;
	t.halfopen_max = max;
	t.dh_per_s = dh_per_s;
	ike_ctx_set_tunables(P.a.ctx, &t);
}

/*
 * Floods from a configured peer's address: cookies from 10 half-open SAs
 * on (it was 64), at most 5 half-open SAs per peer, at most dh_per_s DH
 * computations a second per peer (burst twice that), and a bounded table
 * where the oldest half-open SA makes room.
 */
static void
test_flood_limits(void **state)
{
	uint8_t init[2048];
	size_t len;
	uint64_t spi;

	(void)state;
	/* Defaults: cookies from 3 half-open SAs of the address, which
	 * this sender never echoes. */
	len = capture_init(init, sizeof(init));
	for (spi = 1; spi <= 20; spi++)
		inject_init(init, len, spi);
	assert_int_equal(P.a.ctx->halfopen, 3);
	pair_free(&P);

	/* Without that, the per-peer limit holds first. */
	len = capture_init(init, sizeof(init));
	flood_tunables(100, 5, 100, 1000);
	for (spi = 1; spi <= 20; spi++)
		inject_init(init, len, spi);
	assert_int_equal(P.a.ctx->halfopen, 5);
	pair_free(&P);

	/* Cookies from 10 half-open SAs on (no cookie is echoed here). */
	len = capture_init(init, sizeof(init));
	flood_tunables(0, 100, 100, 1000);
	for (spi = 1; spi <= 20; spi++)
		inject_init(init, len, spi);
	assert_int_equal(P.a.ctx->halfopen, 10);
	pair_free(&P);

	/* DH rate: a burst of 2 x 5, then 5 a second. */
	len = capture_init(init, sizeof(init));
	flood_tunables(100, 100, 100, 5);
	for (spi = 1; spi <= 20; spi++)
		inject_init(init, len, spi);
	assert_int_equal(P.a.ctx->halfopen, 10);
	pair_advance(&P, 1000);
	for (spi = 21; spi <= 40; spi++)
		inject_init(init, len, spi);
	assert_int_equal(P.a.ctx->halfopen, 15);
	pair_free(&P);

	/* A full table: the oldest go. */
	len = capture_init(init, sizeof(init));
	flood_tunables(100, 100, 3, 1000);
	for (spi = 1; spi <= 5; spi++)
		inject_init(init, len, spi);
	assert_int_equal(P.a.ctx->halfopen, 3);
	assert_null(ike_sa_find_halfopen(P.a.ctx, 1, &P.b.addr));
	assert_null(ike_sa_find_halfopen(P.a.ctx, 2, &P.b.addr));
	assert_non_null(ike_sa_find_halfopen(P.a.ctx, 5, &P.b.addr));
	pair_free(&P);
}

/* The notify type of queued datagram i (a plain IKE_SA_INIT answer). */
static uint16_t
queued_notify(size_t i)
{
	const struct pair_dgram *d = pair_peek(&P, i);

	if (d->len < IKEV2_HDR_LEN + 8 || d->p[16] != IKEV2_PLD_NOTIFY)
		return 0;
	return (uint16_t)(d->p[IKEV2_HDR_LEN + 6] << 8 |
	    d->p[IKEV2_HDR_LEN + 7]);
}

/*
 * The excess of a flood from a peer's address -- cookie-echoing or not --
 * is dropped before any work is done for it: a peer at its half-open
 * limit, or out of DH tokens, gets no COOKIE computed and sent, no
 * proposal matched, no answer at all; each such request is counted.
 * (It used to be answered with a COOKIE first, and dropped only once the
 * cookie came back, after parsing and matching.)
 */
static void
test_flood_excess_dropped_first(void **state)
{
	uint8_t init[2048];
	struct ike_status st;
	size_t len;

	(void)state;
	/* At the half-open limit (2), with cookies required. */
	len = capture_init(init, sizeof(init));
	flood_tunables(100, 2, 100, 1000);
	inject_init(init, len, 1);
	inject_init(init, len, 2);
	assert_int_equal(P.a.ctx->halfopen, 2);
	assert_int_equal(pair_queued(&P), 2);	/* two DH answers */
	while (pair_queued(&P) > 0)
		pair_drop(&P, 0);
	flood_tunables(1, 2, 100, 1000);
	for (uint64_t spi = 3; spi <= 12; spi++)
		inject_init(init, len, spi);
	assert_int_equal(pair_queued(&P), 0);
	assert_int_equal(P.a.ctx->halfopen, 2);
	ike_peer_status(P.a.peer, &st);
	assert_int_equal(st.ctr.init_dropped, 10);
	pair_free(&P);

	/* Out of DH tokens (burst 2 at 1 a second), cookies required. */
	len = capture_init(init, sizeof(init));
	flood_tunables(100, 100, 100, 1);
	inject_init(init, len, 1);
	inject_init(init, len, 2);
	assert_int_equal(pair_queued(&P), 2);
	while (pair_queued(&P) > 0)
		pair_drop(&P, 0);
	flood_tunables(1, 100, 100, 1);
	inject_init(init, len, 3);
	assert_int_equal(pair_queued(&P), 0);
	ike_peer_status(P.a.peer, &st);
	assert_int_equal(st.ctr.init_dropped, 1);
	/* A second later there is a token again: the cookie exchange
	 * starts as before. */
	pair_advance(&P, 1000);
	while (pair_queued(&P) > 0)
		pair_drop(&P, 0);
	inject_init(init, len, 4);
	assert_int_equal(pair_queued(&P), 1);
	assert_int_equal(queued_notify(0), IKEV2_N_COOKIE);
	pair_free(&P);
}

/*
 * A blind spoofer floods IKE_SA_INIT from the peer's address and never
 * sees the answers. The peer itself must still get in: cookies start at
 * 3 half-open SAs of that address, below its limit of 5, so the
 * spoofer's requests stop making half-open SAs while the peer, which
 * echoes the COOKIE, finds a free slot. (With cookies only from 10
 * half-open SAs in all, the spoofer filled the peer's 5 slots and every
 * request of the peer was dropped.) COOKIE answers are rate-limited
 * per address, so the flood's excess still costs no parsing.
 */
static void
test_blind_flood(void **state)
{
	struct conf_opts a = { 0 }, b = { .initiate = true };
	const struct pair_dgram *d;
	uint8_t init[2048];
	size_t len;
	unsigned cookies = 0;
	struct ike_status st;

	(void)state;
	pair_init(&P);
	add_peer(&P.a, &a);
	add_peer(&P.b, &b);
	pair_kick(&P);
	d = pair_peek(&P, 0);
	assert_int_equal(pair_exch(d), IKEV2_EXCH_IKE_SA_INIT);
	assert_true(d->len <= sizeof(init));
	len = d->len;
	memcpy(init, d->p, len);
	pair_drop(&P, 0);	/* B's own first request is lost */
	for (uint64_t spi = 1; spi <= 300; spi++) {
		inject_init(init, len, spi);
		while (pair_queued(&P) > 0) {	/* the spoofer sees nothing */
			if (queued_notify(0) == IKEV2_N_COOKIE)
				cookies++;
			pair_drop(&P, 0);
		}
	}
	assert_int_equal(P.a.ctx->halfopen, 3);
	/* COOKIE answers cost a parse, a hash and a send: at most a burst
	 * of 2 x 50 at once; the rest is dropped unread and counted. */
	assert_int_equal(cookies, 100);
	ike_peer_status(P.a.peer, &st);
	assert_int_equal(st.ctr.init_dropped, 300 - 3 - 100);
	/* B retransmits, is asked for a cookie, echoes it and gets in. */
	assert_true(pair_run_until(&P, both_up, 20000));
	ike_peer_status(P.b.peer, &st);
	assert_int_equal(st.n_ike, 1);
	pair_free(&P);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_responder_kernel_refusal),
		cmocka_unit_test(test_initiator_kernel_refusal),
		cmocka_unit_test(test_refused_child_backs_off),
		cmocka_unit_test(test_halfopen_keeps_child_retries),
		cmocka_unit_test(test_ike_rekey_collision_lost_answer),
		cmocka_unit_test(test_both_initiate),
		cmocka_unit_test(test_both_initiate_peer_first),
		cmocka_unit_test(test_initial_contact_after_dpd),
		cmocka_unit_test(test_peer_deletes_child),
		cmocka_unit_test(test_rekey_halves_order),
		cmocka_unit_test(test_forged_retransmission),
		cmocka_unit_test(test_unauthenticated_attempts_change_nothing),
		cmocka_unit_test(test_flood_limits),
		cmocka_unit_test(test_flood_excess_dropped_first),
		cmocka_unit_test(test_blind_flood),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
