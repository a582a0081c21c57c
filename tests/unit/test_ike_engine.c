/*
 * Two IKEv2 engines stepped back to back (ike_pair.h), each on its own
 * manual clock so a test can freeze one (a dead peer). Establishment,
 * CHILD and IKE rekeys (also simultaneous ones, 2.8.1), DPD, DELETE,
 * wrong PSK, cookies, lost and duplicated messages.
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
#include "lib/ikev2_const.h"
#include "tests/unit/ike_pair.h"

static struct ike_pair P;

struct opts {
	const char	*psk_a, *psk_b;
	uint32_t	 ike_life, esp_life;
	uint32_t	 dpd_interval, dpd_timeout;
	bool		 cookies;
	bool		 b_initiates;
	bool		 pfs_mismatch;	/* A prefers ecp256, B takes modp2048 only */
};

static void
side_peer(struct pair_side *s, bool initiate, const char *psk,
    const struct opts *o)
{
	struct ike_peer_conf pc;

	memset(&pc, 0, sizeof(pc));
	pc.psk = psk;
	pc.psk_len = strlen(psk);
	pc.n_ike = 2;
	pair_proposal(&pc.ike[0], "aes128-sha256-ecp256", IKEV2_ENCR_AES_CBC,
	    128, IKEV2_INTEG_HMAC_SHA2_256_128, IKEV2_PRF_HMAC_SHA2_256,
	    IKEV2_DH_ECP256);
	pair_proposal(&pc.ike[1], "aes256gcm16-prfsha256-modp2048",
	    IKEV2_ENCR_AES_GCM_16, 256, 0, IKEV2_PRF_HMAC_SHA2_256,
	    IKEV2_DH_MODP2048);
	pc.n_esp = 1;
	pair_proposal(&pc.esp[0], "aes256gcm16-ecp256", IKEV2_ENCR_AES_GCM_16,
	    256, 0, 0, IKEV2_DH_ECP256);
	if (o->pfs_mismatch && s == &P.a)
		pc.esp[0].xf[pc.esp[0].nxf++] = (struct conf_xform){
		    IKEV2_XFORM_DH, IKEV2_DH_MODP2048, 0 };
	else if (o->pfs_mismatch)
		pc.esp[0].xf[1].id = IKEV2_DH_MODP2048;
	pc.ike_lifetime_s = o->ike_life;
	pc.esp_lifetime_s = o->esp_life;
	pc.dpd_interval_ms = o->dpd_interval;
	pc.dpd_timeout_ms = o->dpd_timeout;
	pair_peer_add(s, &pc, initiate);
}

static void
setup_pair(const struct opts *o)
{
	const char *pa = o->psk_a ? o->psk_a : "a-shared-secret";
	const char *pb = o->psk_b ? o->psk_b : pa;
	struct ike_tunables tun;

	pair_init(&P);
	if (o->cookies) {
		pair_tunables(&tun);
		tun.cookies_always = true;
		ike_ctx_set_tunables(P.b.ctx, &tun);
	}
	/* B first, so A's first IKE_SA_INIT finds it. */
	side_peer(&P.b, o->b_initiates, pb, o);
	side_peer(&P.a, !o->b_initiates, pa, o);
}

static void
teardown_pair(void)
{
	pair_free(&P);
}

static bool
both_one_sa(struct ike_pair *p)
{
	return p->a.nsa == 1 && p->b.nsa == 1;
}

static bool
established(struct ike_pair *p)
{
	struct ike_status sa, sb;

	ike_peer_status(p->a.peer, &sa);
	ike_peer_status(p->b.peer, &sb);
	return both_one_sa(p) && !strcmp(sa.state, "established") &&
	    !strcmp(sb.state, "established");
}

static void
test_establish(void **state)
{
	struct opts o = { 0 };
	struct ike_status st;

	(void)state;
	setup_pair(&o);
	assert_true(pair_run_until(&P, established, 5000));
	pair_assert_child_match(&P);
	assert_string_equal(P.a.sa[0].alg->name, P.b.sa[0].alg->name);
	assert_int_equal(P.a.ev[IKE_EV_UP], 1);
	assert_int_equal(P.b.ev[IKE_EV_UP], 1);
	ike_peer_status(P.a.peer, &st);
	assert_string_equal(st.proposal, "aes128-sha256-prfsha256-ecp256");
	assert_int_equal(st.n_child, 1);
	assert_true(st.initiator);
	teardown_pair();
}

static void
test_cookie(void **state)
{
	struct opts o = { .cookies = true };

	(void)state;
	setup_pair(&o);
	assert_true(pair_run_until(&P, established, 5000));
	pair_assert_child_match(&P);
	teardown_pair();
}

static bool
a_rekeyed_once(struct ike_pair *p)
{
	return p->a.rekeys >= 1 && p->b.rekeys >= 1 && both_one_sa(p);
}

static void
test_rekey_child(void **state)
{
	struct opts o = { 0 };
	struct ike_status sa, sb;
	uint32_t old;

	(void)state;
	setup_pair(&o);
	assert_true(pair_run_until(&P, established, 5000));
	old = P.a.sa[0].spi_in;
	assert_int_equal(ike_peer_rekey_child(P.a.peer), 0);
	assert_true(pair_run_until(&P, a_rekeyed_once, 5000));
	pair_assert_child_match(&P);
	assert_int_not_equal(P.a.sa[0].spi_in, old);
	/* Counted on both ends, whoever started it. */
	pair_advance(&P, 500);
	ike_peer_status(P.a.peer, &sa);
	ike_peer_status(P.b.peer, &sb);
	assert_int_equal(sa.ctr.child_rekeys, 1);
	assert_int_equal(sb.ctr.child_rekeys, 1);
	assert_int_equal(sa.ctr.ike_rekeys + sb.ctr.ike_rekeys, 0);
	assert_int_equal(sa.ctr.retransmissions, 0);
	teardown_pair();
}

/* The peer wants another PFS group (INVALID_KE_PAYLOAD): retried. */
static void
test_rekey_child_invalid_ke(void **state)
{
	struct opts o = { .pfs_mismatch = true };

	(void)state;
	setup_pair(&o);
	assert_true(pair_run_until(&P, established, 5000));
	assert_int_equal(ike_peer_rekey_child(P.a.peer), 0);
	assert_true(pair_run_until(&P, a_rekeyed_once, 5000));
	pair_assert_child_match(&P);
	assert_string_equal(P.a.sa[0].alg->name, "aes256gcm16");
	teardown_pair();
}

static bool
both_rekeyed(struct ike_pair *p)
{
	return p->a.rekeys >= 1 && p->b.rekeys >= 1;
}

/* Both ends rekey the same CHILD SA at once: one pair survives. */
static void
test_rekey_child_collision(void **state)
{
	struct opts o = { 0 };

	(void)state;
	setup_pair(&o);
	assert_true(pair_run_until(&P, established, 5000));
	assert_int_equal(ike_peer_rekey_child(P.a.peer), 0);
	assert_int_equal(ike_peer_rekey_child(P.b.peer), 0);
	assert_true(pair_run_until(&P, both_rekeyed, 5000));
	pair_advance(&P, 1500);
	pair_assert_child_match(&P);
	assert_int_equal(P.a.ev[IKE_EV_DEAD] + P.b.ev[IKE_EV_DEAD], 0);
	teardown_pair();
}

static uint64_t a_spi_before;

static bool
ike_rekeyed(struct ike_pair *p)
{
	struct ike_status sa, sb;

	ike_peer_status(p->a.peer, &sa);
	ike_peer_status(p->b.peer, &sb);
	return sa.spi_i != a_spi_before && sa.spi_i == sb.spi_i &&
	    sa.spi_r == sb.spi_r && !strcmp(sa.state, "established") &&
	    !strcmp(sb.state, "established") && sa.n_child == 1 &&
	    sb.n_child == 1;
}

static void
test_rekey_ike(void **state)
{
	struct opts o = { 0 };
	struct ike_status st;
	uint32_t child;

	(void)state;
	setup_pair(&o);
	assert_true(pair_run_until(&P, established, 5000));
	ike_peer_status(P.a.peer, &st);
	a_spi_before = st.spi_i;
	child = P.a.sa[0].spi_in;
	assert_int_equal(ike_peer_rekey_ike(P.a.peer), 0);
	assert_true(pair_run_until(&P, ike_rekeyed, 5000));
	pair_advance(&P, 500);
	ike_peer_status(P.a.peer, &st);
	assert_int_equal(st.ctr.ike_rekeys, 1);
	ike_peer_status(P.b.peer, &st);
	assert_int_equal(st.ctr.ike_rekeys, 1);
	assert_int_equal(st.ctr.child_rekeys, 0);
	/* The CHILD SA lives on under the new IKE SA... */
	pair_assert_child_match(&P);
	assert_int_equal(P.a.sa[0].spi_in, child);
	/* ...which can rekey it. */
	assert_int_equal(ike_peer_rekey_child(P.b.peer), 0);
	assert_true(pair_run_until(&P, a_rekeyed_once, 5000));
	pair_assert_child_match(&P);
	assert_int_equal(P.a.ev[IKE_EV_DELETED] + P.b.ev[IKE_EV_DELETED], 0);
	teardown_pair();
}

static void
test_rekey_ike_collision(void **state)
{
	struct opts o = { 0 };
	struct ike_status st;

	(void)state;
	setup_pair(&o);
	assert_true(pair_run_until(&P, established, 5000));
	ike_peer_status(P.a.peer, &st);
	a_spi_before = st.spi_i;
	assert_int_equal(ike_peer_rekey_ike(P.a.peer), 0);
	assert_int_equal(ike_peer_rekey_ike(P.b.peer), 0);
	assert_true(pair_run_until(&P, ike_rekeyed, 5000));
	pair_advance(&P, 1500);
	assert_true(ike_rekeyed(&P));
	pair_assert_child_match(&P);
	/* The pair still works: a CHILD rekey goes through. */
	assert_int_equal(ike_peer_rekey_child(P.a.peer), 0);
	assert_true(pair_run_until(&P, a_rekeyed_once, 5000));
	pair_assert_child_match(&P);
	teardown_pair();
}

static bool
many_rekeys(struct ike_pair *p)
{
	return p->a.rekeys + p->b.rekeys >= 4;
}

/* Lifetimes of a few seconds: rekeys happen by themselves. */
static void
test_lifetimes(void **state)
{
	struct opts o = { .ike_life = 4, .esp_life = 3 };

	(void)state;
	setup_pair(&o);
	assert_true(pair_run_until(&P, established, 5000));
	assert_true(pair_run_until(&P, many_rekeys, 12000));
	pair_advance(&P, 1000);
	assert_true(pair_run_until(&P, both_one_sa, 3000));
	pair_assert_child_match(&P);
	assert_int_equal(P.a.ev[IKE_EV_DEAD] + P.b.ev[IKE_EV_DEAD], 0);
	assert_int_equal(P.a.ev[IKE_EV_EXPIRED] + P.b.ev[IKE_EV_EXPIRED], 0);
	teardown_pair();
}

static bool
a_dead(struct ike_pair *p)
{
	return p->a.ev[IKE_EV_DEAD] > 0;
}

static bool
a_up_again(struct ike_pair *p)
{
	return p->a.ev[IKE_EV_UP] >= 2 && both_one_sa(p);
}

static void
test_dpd(void **state)
{
	struct opts o = { .dpd_interval = 200, .dpd_timeout = 2000 };
	uint64_t t0;

	(void)state;
	setup_pair(&o);
	assert_true(pair_run_until(&P, established, 5000));
	pair_pause(&P.b);
	t0 = P.now_ms;
	assert_true(pair_run_until(&P, a_dead, 8000));
	/* Probes every 200 ms, dead 2 s after the last answer. */
	assert_true(P.now_ms - t0 <= 2300);
	assert_int_equal(P.a.nsa, 0);
	/* B comes back (it still has its old SAs: INITIAL_CONTACT). */
	pair_resume(&P.b);
	assert_true(pair_run_until(&P, a_up_again, 8000));
	pair_advance(&P, 500);
	pair_assert_child_match(&P);
	teardown_pair();
}

static bool
both_deleted(struct ike_pair *p)
{
	return p->a.ev[IKE_EV_DELETED] && p->b.ev[IKE_EV_DELETED] &&
	    p->a.nsa == 0 && p->b.nsa == 0;
}

static void
test_delete(void **state)
{
	struct opts o = { 0 };

	(void)state;
	setup_pair(&o);
	assert_true(pair_run_until(&P, established, 5000));
	assert_int_equal(ike_peer_terminate(P.a.peer), 0);
	assert_true(pair_run_until(&P, both_deleted, 5000));
	/* Terminated: no re-initiation. */
	pair_advance(&P, 1000);
	assert_int_equal(P.a.ev[IKE_EV_UP], 1);
	teardown_pair();
}

/* The responder deletes; the initiator keeps the tunnel up. */
static bool
a_back(struct ike_pair *p)
{
	return p->a.ev[IKE_EV_DELETED] && p->a.ev[IKE_EV_UP] >= 2 &&
	    both_one_sa(p);
}

static void
test_peer_delete_reinitiates(void **state)
{
	struct opts o = { 0 };

	(void)state;
	setup_pair(&o);
	assert_true(pair_run_until(&P, established, 5000));
	assert_int_equal(ike_peer_terminate(P.b.peer), 0);
	assert_true(pair_run_until(&P, a_back, 6000));
	pair_advance(&P, 300);
	pair_assert_child_match(&P);
	teardown_pair();
}

static bool
auth_failed(struct ike_pair *p)
{
	return p->a.ev[IKE_EV_AUTH_FAILED] >= 2 && p->b.ev[IKE_EV_AUTH_FAILED] >= 1;
}

static void
test_wrong_psk(void **state)
{
	struct opts o = { .psk_a = "one secret", .psk_b = "another secret" };

	(void)state;
	setup_pair(&o);
	assert_true(pair_run_until(&P, auth_failed, 5000));
	assert_int_equal(P.a.ev[IKE_EV_UP] + P.b.ev[IKE_EV_UP], 0);
	assert_int_equal(P.a.nsa + P.b.nsa, 0);
	teardown_pair();
}

/* ---- message by message ------------------------------------------------ */

static void
assert_queued(size_t i, uint8_t exch, bool response)
{
	assert_true(pair_queued(&P) > i);
	assert_int_equal(pair_exch(pair_peek(&P, i)), exch);
	assert_int_equal(pair_is_response(pair_peek(&P, i)), response);
}

/* B's IKE_SA_INIT answer is lost: A retransmits after the base interval
 * and B answers from its half-open SA, without a second one. */
static void
test_lost_init_response(void **state)
{
	struct opts o = { 0 };
	uint64_t t0;

	(void)state;
	setup_pair(&o);
	t0 = P.now_ms;
	assert_queued(0, IKEV2_EXCH_IKE_SA_INIT, false);
	assert_true(pair_step(&P));
	assert_int_equal(pair_queued(&P), 1);
	assert_queued(0, IKEV2_EXCH_IKE_SA_INIT, true);
	pair_drop(&P, 0);
	assert_int_equal(pair_run(&P), 0);
	assert_false(established(&P));
	assert_true(pair_run_until(&P, established, 5000));
	assert_int_equal(P.now_ms - t0, 100);
	pair_assert_child_match(&P);
	assert_int_equal(P.a.ev[IKE_EV_UP], 1);
	assert_int_equal(P.b.ev[IKE_EV_UP], 1);
	assert_int_equal(P.b.spis, 1);
	teardown_pair();
}

/* A duplicated IKE_AUTH request is answered from the cache: one CHILD
 * SA each, and A ignores the second answer. */
static void
test_duplicate_auth_request(void **state)
{
	struct opts o = { 0 };

	(void)state;
	setup_pair(&o);
	assert_true(pair_step(&P));
	assert_true(pair_step(&P));
	assert_int_equal(pair_queued(&P), 1);
	assert_queued(0, IKEV2_EXCH_IKE_AUTH, false);
	pair_dup(&P, 0);
	assert_true(pair_step(&P));
	assert_true(pair_step(&P));
	assert_int_equal(pair_queued(&P), 2);
	assert_queued(0, IKEV2_EXCH_IKE_AUTH, true);
	assert_queued(1, IKEV2_EXCH_IKE_AUTH, true);
	assert_int_equal(pair_run(&P), 2);
	assert_true(established(&P));
	pair_assert_child_match(&P);
	assert_int_equal(P.a.ups + P.b.ups, 2);
	assert_int_equal(P.a.ev[IKE_EV_ERROR] + P.b.ev[IKE_EV_ERROR], 0);
	teardown_pair();
}

/* Both ends rekey at once, in either order of arrival (2.8.1). */
static void
test_rekey_child_collision_orders(void **state)
{
	(void)state;
	for (int swap = 0; swap < 2; swap++) {
		struct opts o = { 0 };

		setup_pair(&o);
		assert_true(pair_run_until(&P, established, 5000));
		assert_int_equal(ike_peer_rekey_child(P.a.peer), 0);
		assert_int_equal(ike_peer_rekey_child(P.b.peer), 0);
		pair_kick(&P);
		assert_int_equal(pair_queued(&P), 2);
		assert_queued(0, IKEV2_EXCH_CREATE_CHILD_SA, false);
		assert_queued(1, IKEV2_EXCH_CREATE_CHILD_SA, false);
		if (swap)
			pair_swap(&P, 0, 1);
		assert_true(pair_run_until(&P, both_rekeyed, 5000));
		pair_advance(&P, 1500);
		pair_assert_child_match(&P);
		assert_int_equal(P.a.ev[IKE_EV_DEAD] + P.b.ev[IKE_EV_DEAD], 0);
		teardown_pair();
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_establish),
		cmocka_unit_test(test_cookie),
		cmocka_unit_test(test_rekey_child),
		cmocka_unit_test(test_rekey_child_invalid_ke),
		cmocka_unit_test(test_rekey_child_collision),
		cmocka_unit_test(test_rekey_ike),
		cmocka_unit_test(test_rekey_ike_collision),
		cmocka_unit_test(test_lifetimes),
		cmocka_unit_test(test_dpd),
		cmocka_unit_test(test_delete),
		cmocka_unit_test(test_peer_delete_reinitiates),
		cmocka_unit_test(test_wrong_psk),
		cmocka_unit_test(test_lost_init_response),
		cmocka_unit_test(test_duplicate_auth_request),
		cmocka_unit_test(test_rekey_child_collision_orders),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
