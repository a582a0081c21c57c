/*
 * cgwd's own liveness checks (issue 9): a probe every interval, death
 * after the timeout without an answer to any of our requests, whatever
 * timers the peer runs. A path blackholed both ways or in one direction
 * is noticed within the timeout; a lossy, jittery path is not mistaken
 * for a dead one; inbound ESP stopping while outbound goes on brings the
 * next probe forward. Two engines on a simulated path (ike_pair.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conf/conf.h"
#include "ike/ike.h"
#include "ike/ike_local.h"
#include "lib/ikev2_const.h"
#include "tests/unit/ike_pair.h"

static struct ike_pair P;

struct opts {
	bool		 initiate;
	uint32_t	 interval_ms, timeout_ms;
	uint32_t	 ike_life_s, esp_life_s;
};

static void
add_peer(struct pair_side *s, const struct opts *o)
{
	struct ike_peer_conf pc;

	memset(&pc, 0, sizeof(pc));
	pc.psk = "a-shared-secret";
	pc.psk_len = strlen(pc.psk);
	pc.n_ike = 1;
	pair_proposal(&pc.ike[0], "aes256gcm16-prfsha256-ecp256",
	    IKEV2_ENCR_AES_GCM_16, 256, 0, IKEV2_PRF_HMAC_SHA2_256,
	    IKEV2_DH_ECP256);
	pc.n_esp = 1;
	pair_proposal(&pc.esp[0], "aes256gcm16-ecp256",
	    IKEV2_ENCR_AES_GCM_16, 256, 0, 0, IKEV2_DH_ECP256);
	pc.dpd_interval_ms = o->interval_ms;
	pc.dpd_timeout_ms = o->timeout_ms;
	pc.ike_lifetime_s = o->ike_life_s;
	pc.esp_lifetime_s = o->esp_life_s;
	pair_peer_add(s, &pc, o->initiate);
}

static bool
both_up(struct ike_pair *p)
{
	return p->a.nsa == 1 && p->b.nsa == 1 && ike_peer_usable(p->a.peer) &&
	    ike_peer_usable(p->b.peer);
}

static bool
a_dead(struct ike_pair *p)
{
	return p->a.ev[IKE_EV_DEAD] > 0;
}

/* The product's defaults on both ends, A initiating. */
static void
setup_defaults(uint32_t ike_life_s, uint32_t esp_life_s)
{
	struct opts a = { .initiate = true,
	    .interval_ms = CONF_DEF_DPD_INTERVAL_MS,
	    .timeout_ms = CONF_DEF_DPD_TIMEOUT_MS,
	    .ike_life_s = ike_life_s, .esp_life_s = esp_life_s };
	struct opts b = a;

	b.initiate = false;
	pair_init(&P);
	add_peer(&P.b, &b);
	add_peer(&P.a, &a);
	assert_true(pair_run_until(&P, both_up, 2000));
	pair_advance(&P, 1000);
	assert_true(both_up(&P));
}

/* (a) Both directions blackholed, both ends alive: dead within the 2 s
 * timeout (plus one probe interval at most), told while the CHILD SA is
 * still in the kernel so routes move first. */
static void
test_blackhole_both_ways(void **state)
{
	struct ike_status st;
	uint64_t t0, took;

	(void)state;
	setup_defaults(0, 0);
	P.a.path.blocked = P.b.path.blocked = true;
	t0 = P.now_ms;
	assert_true(pair_run_until(&P, a_dead, 10000));
	took = P.now_ms - t0;
	assert_true(took >= CONF_DEF_DPD_TIMEOUT_MS - CONF_DEF_DPD_INTERVAL_MS);
	assert_true(took <= CONF_DEF_DPD_TIMEOUT_MS + CONF_DEF_DPD_INTERVAL_MS);
	assert_int_equal(P.a.nsa_at_ev[IKE_EV_DEAD], 1);
	assert_false(P.a.usable_at_ev[IKE_EV_DEAD]);
	assert_non_null(strstr(P.a.reason[IKE_EV_DEAD], "peer not answering"));
	/* The counters say the same: probes went out, one SA was missed. */
	ike_peer_status(P.a.peer, &st);
	assert_int_equal(st.ctr.dpd_misses, 1);
	assert_true(st.ctr.dpd_probes >= 5);
	assert_true(st.ctr.exchanges >= st.ctr.dpd_probes + 2);
	pair_free(&P);
}

static bool
b_requests_seen(struct ike_pair *p)
{
	return p->a.ev[IKE_EV_DEAD] > 0 || p->delivered > 1000;
}

/*
 * (c) Only A -> B is lost. B's own requests still reach A and inbound
 * ESP keeps arriving at A: neither proves that B hears A. A must still
 * declare the tunnel dead within the timeout.
 */
static void
test_one_way_loss(void **state)
{
	uint64_t t0, d0;

	(void)state;
	setup_defaults(0, 0);
	P.a.esp_counters = true;
	P.a.path.blocked = true;
	t0 = P.now_ms;
	d0 = P.delivered;
	while (!a_dead(&P) && P.now_ms - t0 < 10000) {
		P.a.esp_in += 1500;	/* the peer's traffic still arrives */
		P.a.esp_out += 1500;
		pair_run_until(&P, b_requests_seen, 50);
	}
	assert_true(a_dead(&P));
	assert_true(P.now_ms - t0 <= CONF_DEF_DPD_TIMEOUT_MS +
	    CONF_DEF_DPD_INTERVAL_MS);
	assert_true(P.delivered > d0);		/* B did talk to A */
	pair_free(&P);
}

/*
 * (d) 10 % loss each way and 0-200 ms of delay (100 +- 100 ms) for five
 * minutes, with CHILD SA rekeys every ~minute and an IKE SA rekey on the
 * way: not one death. Three seeds.
 */
static void
test_lossy_path_no_false_death(void **state)
{
	static const uint64_t seeds[] = { 1, 0xc0ffee, 0x5eed5eed };
	struct ike_status sa, sb;

	(void)state;
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		setup_defaults(180, 60);
		pair_seed(&P, seeds[i]);
		P.a.path.loss_pct = P.b.path.loss_pct = 10;
		P.a.path.delay_ms = P.b.path.delay_ms = 100;
		P.a.path.jitter_ms = P.b.path.jitter_ms = 100;
		pair_advance(&P, 300 * 1000);
		assert_int_equal(P.a.ev[IKE_EV_DEAD], 0);
		assert_int_equal(P.b.ev[IKE_EV_DEAD], 0);
		assert_true(P.a.path_lost > 100);	/* the path was lossy */
		assert_true(P.a.rekeys + P.b.rekeys >= 3);
		/* Counted as they happened, and losses were made good. */
		ike_peer_status(P.a.peer, &sa);
		ike_peer_status(P.b.peer, &sb);
		assert_true(sa.ctr.child_rekeys + sb.ctr.child_rekeys >= 3);
		assert_true(sa.ctr.retransmissions > 0);
		assert_int_equal(sa.ctr.dpd_misses + sb.ctr.dpd_misses, 0);
		P.a.path.loss_pct = P.b.path.loss_pct = 0;
		P.a.path.jitter_ms = P.b.path.jitter_ms = 0;
		pair_advance(&P, 2000);
		assert_true(both_up(&P));
		pair_free(&P);
	}
}

/* A healthy idle tunnel costs one probe and one answer per interval and
 * side, no more. */
static void
test_probe_rate(void **state)
{
	struct ike_status st;
	unsigned s0;

	(void)state;
	setup_defaults(0, 0);
	s0 = P.sent;
	pair_advance(&P, 10000);
	/* 10 s / 200 ms = 50 probes per side, each answered. */
	assert_true(P.sent - s0 >= 2 * 2 * 45);
	assert_true(P.sent - s0 <= 2 * 2 * 52);
	/* Each side's probes are counted: 50 in these 10 s, + setup. */
	ike_peer_status(P.a.peer, &st);
	assert_true(st.ctr.dpd_probes >= 45 && st.ctr.dpd_probes <= 60);
	assert_int_equal(st.ctr.dpd_misses, 0);
	pair_free(&P);
}

/*
 * With a long interval, inbound ESP standing still while outbound grows
 * brings the probe forward: within a second or two, not after 5 s. While
 * both grow, nothing is sent before the interval.
 */
static void
run_with_counters(bool inbound_grows)
{
	struct opts a = { .initiate = true, .interval_ms = 5000,
	    .timeout_ms = 15000 };
	struct opts b = { 0 };	/* B sends no probes of its own */
	unsigned s0;

	pair_init(&P);
	add_peer(&P.b, &b);
	add_peer(&P.a, &a);
	P.a.esp_counters = true;
	assert_true(pair_run_until(&P, both_up, 2000));
	pair_run(&P);
	s0 = P.sent;
	for (int i = 0; i < 25; i++) {		/* 2.5 s */
		P.a.esp_out += 1000;
		if (inbound_grows)
			P.a.esp_in += 1000;
		pair_advance(&P, 100);
	}
	if (inbound_grows)
		assert_int_equal(P.sent, s0);
	else
		assert_true(P.sent >= s0 + 2);	/* a probe and its answer */
	pair_free(&P);
}

static void
test_esp_stall_probes_early(void **state)
{
	(void)state;
	run_with_counters(false);
	run_with_counters(true);
}

static bool
b_deleted(struct ike_pair *p)
{
	return p->b.ev[IKE_EV_DELETED] > 0;
}

/*
 * A stopping cgwd tells the peer, even with a probe in flight (most of
 * the time now): without the DELETE the peer keeps a dead IKE SA until
 * its own DPD gives up, and reuses it when asked to initiate.
 */
static void
test_stop_with_probe_in_flight(void **state)
{
	bool probe = false;

	(void)state;
	setup_defaults(0, 0);
	P.a.path.delay_ms = P.b.path.delay_ms = 50;
	for (int i = 0; i < 100 && !probe; i++) {
		pair_advance(&P, 10);
		for (size_t k = 0; k < pair_queued(&P); k++) {
			const struct pair_dgram *d = pair_peek(&P, k);

			if (d->from == &P.a && !pair_is_response(d) &&
			    pair_exch(d) == IKEV2_EXCH_INFORMATIONAL)
				probe = true;
		}
	}
	assert_true(probe);
	ike_peer_remove(P.a.peer);
	P.a.peer = NULL;
	assert_true(pair_run_until(&P, b_deleted, 1000));
	pair_free(&P);
}

/* Until A has a liveness probe on the wire, unanswered. */
static void
wait_probe_in_flight(void)
{
	bool probe = false;

	for (int i = 0; i < 100 && !probe; i++) {
		pair_advance(&P, 10);
		for (size_t k = 0; k < pair_queued(&P); k++) {
			const struct pair_dgram *d = pair_peek(&P, k);

			if (d->from == &P.a && !pair_is_response(d) &&
			    pair_exch(d) == IKEV2_EXCH_INFORMATIONAL)
				probe = true;
		}
	}
	assert_true(probe);
}

/*
 * The peer rekeys the IKE SA while our probe is in flight: accepted at
 * once, not TEMPORARY_FAILURE (a peer would otherwise find cgwd busy
 * nearly every time it tries).
 */
static void
test_peer_ike_rekey_with_probe_in_flight(void **state)
{
	struct ike_sa *sb;
	uint64_t spi0;

	(void)state;
	setup_defaults(0, 0);
	/* A round trip longer than the probe interval: A always has one
	 * in flight. */
	P.a.path.delay_ms = P.b.path.delay_ms = 150;
	wait_probe_in_flight();
	sb = TAILQ_FIRST(&P.b.peer->sas);
	spi0 = sb->spi_i;
	ike_task_add(sb, IKE_REQ_REKEY_IKE, 0);
	pair_advance(&P, 700);
	sb = TAILQ_FIRST(&P.b.peer->sas);
	assert_non_null(sb);
	assert_int_equal(sb->state, IKE_S_ESTABLISHED);
	assert_true(sb->spi_i != spi0);
	assert_int_equal(P.a.ev[IKE_EV_DEAD] + P.b.ev[IKE_EV_DEAD], 0);
	pair_free(&P);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blackhole_both_ways),
		cmocka_unit_test(test_one_way_loss),
		cmocka_unit_test(test_lossy_path_no_false_death),
		cmocka_unit_test(test_probe_rate),
		cmocka_unit_test(test_esp_stall_probes_early),
		cmocka_unit_test(test_stop_with_probe_in_flight),
		cmocka_unit_test(test_peer_ike_rekey_with_probe_in_flight),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
