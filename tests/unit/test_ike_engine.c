/*
 * Two IKEv2 engines talking over 127.0.0.1, each on its own event_base so
 * a test can silence one (a dead peer). Establishment, CHILD and IKE
 * rekeys (also simultaneous ones, 2.8.1), DPD, DELETE, wrong PSK, cookies.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <event2/event.h>

#include "ike/crypto.h"
#include "ike/ike.h"
#include "lib/ikev2_const.h"
#include "lib/log.h"

#define MAX_SA	16

struct side {
	const char		*name;
	struct event_base	*base;
	struct ike_ctx		*ctx;
	struct ike_peer		*peer;
	bool			 paused;
	unsigned		 ev[IKE_EV_MAX];
	unsigned		 ups, downs, rekeys;
	/* Installed SAs as the daemon would hold them. */
	size_t			 nsa;
	struct esp_child_sa	 sa[MAX_SA];
	unsigned		 dirs[MAX_SA];	/* IKE_DIR_* in the "kernel" */
};

static struct side A, B;

static int
t_alloc_spi(void *arg, struct ike_peer *p, uint32_t *spi)
{
	(void)arg;
	(void)p;
	do {
		ike_random(spi, sizeof(*spi));
	} while (*spi < 256);
	return 0;
}

static int
t_child_up(void *arg, struct ike_peer *p, const struct esp_child_sa *sa,
    unsigned dirs)
{
	struct side *s = arg;

	(void)p;
	for (size_t i = 0; i < s->nsa; i++)
		if (s->sa[i].spi_in == sa->spi_in) {
			s->dirs[i] |= dirs;
			return 0;
		}
	s->ups++;
	if (s->nsa > 0)
		s->rekeys++;
	assert_true(s->nsa < MAX_SA);
	s->dirs[s->nsa] = dirs;
	s->sa[s->nsa++] = *sa;
	return 0;
}

static void
t_child_down(void *arg, struct ike_peer *p, uint32_t spi_in, uint32_t spi_out,
    const struct cgw_addr *remote, unsigned dirs)
{
	struct side *s = arg;

	(void)p;
	(void)remote;
	for (size_t i = 0; i < s->nsa; i++)
		if (s->sa[i].spi_in == spi_in && s->sa[i].spi_out == spi_out) {
			s->dirs[i] &= ~dirs;
			if (s->dirs[i])
				return;
			s->downs++;
			s->nsa--;
			s->sa[i] = s->sa[s->nsa];
			s->dirs[i] = s->dirs[s->nsa];
			return;
		}
}

static void
t_peer_state(void *arg, struct ike_peer *p, enum ike_peer_event ev,
    const char *reason)
{
	struct side *s = arg;

	(void)p;
	(void)reason;
	s->ev[ev]++;
}

static const struct ike_callbacks cbs = {
	.alloc_spi = t_alloc_spi,
	.child_up = t_child_up,
	.child_down = t_child_down,
	.peer_state = t_peer_state,
};

static void
conf_proposal(struct conf_proposal *p, const char *text, uint16_t encr,
    uint16_t keybits, uint16_t integ, uint16_t prf, uint16_t dh)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->text, sizeof(p->text), "%s", text);
	p->xf[p->nxf++] = (struct conf_xform){ IKEV2_XFORM_ENCR, encr, keybits };
	if (integ)
		p->xf[p->nxf++] = (struct conf_xform){ IKEV2_XFORM_INTEG, integ, 0 };
	if (prf)
		p->xf[p->nxf++] = (struct conf_xform){ IKEV2_XFORM_PRF, prf, 0 };
	if (dh)
		p->xf[p->nxf++] = (struct conf_xform){ IKEV2_XFORM_DH, dh, 0 };
}

struct opts {
	const char	*psk_a, *psk_b;
	uint32_t	 ike_life, esp_life;
	uint32_t	 dpd_interval, dpd_timeout;
	bool		 cookies;
	bool		 b_initiates;
	bool		 pfs_mismatch;	/* A prefers ecp256, B takes modp2048 only */
};

static void
side_start(struct side *s, const char *name, bool cookies)
{
	struct ike_tunables tun = {
		.retransmit_base_ms = 100, .retransmit_tries = 4,
		.halfopen_s = 5, .reinit_min_ms = 100, .reinit_max_ms = 400,
		.cookies_always = cookies, .retire_ms = 20,
		.child_retry_min_ms = 100, .child_retry_max_ms = 400,
		.dup_settle_ms = 100,
	};
	struct cgw_addr lo;
	char err[128];

	memset(s, 0, sizeof(*s));
	s->name = name;
	s->base = event_base_new();
	assert_non_null(s->base);
	s->ctx = ike_ctx_new(s->base, &cbs, s);
	assert_non_null(s->ctx);
	ike_ctx_set_tunables(s->ctx, &tun);
	assert_true(addr_parse("127.0.0.1", &lo));
	assert_int_equal(ike_listen(s->ctx, &lo, 0, 0, err, sizeof(err)), 0);
}

static void
side_peer(struct side *s, struct side *other, bool initiate, const char *psk,
    const struct opts *o)
{
	struct ike_peer_conf pc;
	char err[128];

	memset(&pc, 0, sizeof(pc));
	snprintf(pc.name, sizeof(pc.name), "%s", s->name);
	assert_true(addr_parse("127.0.0.1", &pc.local));
	assert_true(addr_parse("127.0.0.1", &pc.remote));
	pc.remote_port = ike_local_port(other->ctx, false);
	pc.psk = psk;
	pc.psk_len = strlen(psk);
	pc.n_ike = 2;
	conf_proposal(&pc.ike[0], "aes128-sha256-ecp256", IKEV2_ENCR_AES_CBC,
	    128, IKEV2_INTEG_HMAC_SHA2_256_128, IKEV2_PRF_HMAC_SHA2_256,
	    IKEV2_DH_ECP256);
	conf_proposal(&pc.ike[1], "aes256gcm16-prfsha256-modp2048",
	    IKEV2_ENCR_AES_GCM_16, 256, 0, IKEV2_PRF_HMAC_SHA2_256,
	    IKEV2_DH_MODP2048);
	pc.n_esp = 1;
	conf_proposal(&pc.esp[0], "aes256gcm16-ecp256", IKEV2_ENCR_AES_GCM_16,
	    256, 0, 0, IKEV2_DH_ECP256);
	if (o->pfs_mismatch && s == &A)
		pc.esp[0].xf[pc.esp[0].nxf++] = (struct conf_xform){
		    IKEV2_XFORM_DH, IKEV2_DH_MODP2048, 0 };
	else if (o->pfs_mismatch)
		pc.esp[0].xf[1].id = IKEV2_DH_MODP2048;
	pc.ike_lifetime_s = o->ike_life;
	pc.esp_lifetime_s = o->esp_life;
	pc.dpd_interval_s = o->dpd_interval;
	pc.dpd_timeout_s = o->dpd_timeout;
	pc.initiate = initiate;
	s->peer = ike_peer_add(s->ctx, &pc, err, sizeof(err));
	assert_non_null(s->peer);
}

static void
setup_pair(const struct opts *o)
{
	const char *pa = o->psk_a ? o->psk_a : "a-shared-secret";
	const char *pb = o->psk_b ? o->psk_b : pa;

	log_init(getenv("IKE_TEST_VERBOSE") ? 2 : -1, 0);
	side_start(&A, "A", false);
	side_start(&B, "B", o->cookies);
	/* B first, so A's first IKE_SA_INIT finds it. */
	side_peer(&B, &A, o->b_initiates, pb, o);
	side_peer(&A, &B, !o->b_initiates, pa, o);
}

static void
teardown_pair(void)
{
	ike_ctx_free(A.ctx);
	ike_ctx_free(B.ctx);
	event_base_free(A.base);
	event_base_free(B.base);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run both loops until cond() holds or `secs` pass. */
static bool
run_until(bool (*cond)(void), double secs)
{
	double end = now_s() + secs;

	while (now_s() < end) {
		event_base_loop(A.base, EVLOOP_NONBLOCK);
		if (!B.paused)
			event_base_loop(B.base, EVLOOP_NONBLOCK);
		if (cond && cond())
			return true;
		usleep(1000);
	}
	return cond ? cond() : true;
}

static bool
both_one_sa(void)
{
	return A.nsa == 1 && B.nsa == 1;
}

static bool
established(void)
{
	struct ike_status sa, sb;

	ike_peer_status(A.peer, &sa);
	ike_peer_status(B.peer, &sb);
	return both_one_sa() && !strcmp(sa.state, "established") &&
	    !strcmp(sb.state, "established");
}

/* The two ends of one CHILD SA pair agree on SPIs, algorithm and keys. */
static void
assert_pair_matches(void)
{
	const struct esp_child_sa *a = &A.sa[0], *b = &B.sa[0];

	assert_int_equal(A.nsa, 1);
	assert_int_equal(B.nsa, 1);
	assert_int_equal(a->spi_in, b->spi_out);
	assert_int_equal(a->spi_out, b->spi_in);
	assert_ptr_equal(a->alg, b->alg);
	assert_int_equal(a->keys_in.enc_len, b->keys_out.enc_len);
	assert_memory_equal(a->keys_in.enc, b->keys_out.enc, a->keys_in.enc_len);
	assert_memory_equal(a->keys_out.enc, b->keys_in.enc, a->keys_out.enc_len);
	assert_memory_not_equal(a->keys_in.enc, a->keys_out.enc,
	    a->keys_in.enc_len);
	assert_true(a->initiator != b->initiator);
}

static void
test_establish(void **state)
{
	struct opts o = { 0 };
	struct ike_status st;

	(void)state;
	setup_pair(&o);
	assert_true(run_until(established, 5));
	assert_pair_matches();
	assert_string_equal(A.sa[0].alg->name, B.sa[0].alg->name);
	assert_int_equal(A.ev[IKE_EV_UP], 1);
	assert_int_equal(B.ev[IKE_EV_UP], 1);
	ike_peer_status(A.peer, &st);
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
	assert_true(run_until(established, 5));
	assert_pair_matches();
	teardown_pair();
}

static bool
a_rekeyed_once(void)
{
	return A.rekeys >= 1 && B.rekeys >= 1 && both_one_sa();
}

static void
test_rekey_child(void **state)
{
	struct opts o = { 0 };
	uint32_t old;

	(void)state;
	setup_pair(&o);
	assert_true(run_until(established, 5));
	old = A.sa[0].spi_in;
	assert_int_equal(ike_peer_rekey_child(A.peer), 0);
	assert_true(run_until(a_rekeyed_once, 5));
	assert_pair_matches();
	assert_int_not_equal(A.sa[0].spi_in, old);
	teardown_pair();
}

/* The peer wants another PFS group (INVALID_KE_PAYLOAD): retried. */
static void
test_rekey_child_invalid_ke(void **state)
{
	struct opts o = { .pfs_mismatch = true };

	(void)state;
	setup_pair(&o);
	assert_true(run_until(established, 5));
	assert_int_equal(ike_peer_rekey_child(A.peer), 0);
	assert_true(run_until(a_rekeyed_once, 5));
	assert_pair_matches();
	assert_string_equal(A.sa[0].alg->name, "aes256gcm16");
	teardown_pair();
}

static bool
both_rekeyed(void)
{
	return A.rekeys >= 1 && B.rekeys >= 1;
}

/* Both ends rekey the same CHILD SA at once: one pair survives. */
static void
test_rekey_child_collision(void **state)
{
	struct opts o = { 0 };

	(void)state;
	setup_pair(&o);
	assert_true(run_until(established, 5));
	assert_int_equal(ike_peer_rekey_child(A.peer), 0);
	assert_int_equal(ike_peer_rekey_child(B.peer), 0);
	assert_true(run_until(both_rekeyed, 5));
	run_until(NULL, 1.5);
	assert_pair_matches();
	assert_int_equal(A.ev[IKE_EV_DEAD] + B.ev[IKE_EV_DEAD], 0);
	teardown_pair();
}

static uint64_t a_spi_before;

static bool
ike_rekeyed(void)
{
	struct ike_status sa, sb;

	ike_peer_status(A.peer, &sa);
	ike_peer_status(B.peer, &sb);
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
	assert_true(run_until(established, 5));
	ike_peer_status(A.peer, &st);
	a_spi_before = st.spi_i;
	child = A.sa[0].spi_in;
	assert_int_equal(ike_peer_rekey_ike(A.peer), 0);
	assert_true(run_until(ike_rekeyed, 5));
	run_until(NULL, 0.5);
	/* The CHILD SA lives on under the new IKE SA... */
	assert_pair_matches();
	assert_int_equal(A.sa[0].spi_in, child);
	/* ...which can rekey it. */
	assert_int_equal(ike_peer_rekey_child(B.peer), 0);
	assert_true(run_until(a_rekeyed_once, 5));
	assert_pair_matches();
	assert_int_equal(A.ev[IKE_EV_DELETED] + B.ev[IKE_EV_DELETED], 0);
	teardown_pair();
}

static void
test_rekey_ike_collision(void **state)
{
	struct opts o = { 0 };
	struct ike_status st;

	(void)state;
	setup_pair(&o);
	assert_true(run_until(established, 5));
	ike_peer_status(A.peer, &st);
	a_spi_before = st.spi_i;
	assert_int_equal(ike_peer_rekey_ike(A.peer), 0);
	assert_int_equal(ike_peer_rekey_ike(B.peer), 0);
	assert_true(run_until(ike_rekeyed, 5));
	run_until(NULL, 1.5);
	assert_true(ike_rekeyed());
	assert_pair_matches();
	/* The pair still works: a CHILD rekey goes through. */
	assert_int_equal(ike_peer_rekey_child(A.peer), 0);
	assert_true(run_until(a_rekeyed_once, 5));
	assert_pair_matches();
	teardown_pair();
}

static bool
many_rekeys(void)
{
	return A.rekeys + B.rekeys >= 4;
}

/* Lifetimes of a few seconds: rekeys happen by themselves. */
static void
test_lifetimes(void **state)
{
	struct opts o = { .ike_life = 4, .esp_life = 3 };

	(void)state;
	setup_pair(&o);
	assert_true(run_until(established, 5));
	assert_true(run_until(many_rekeys, 12));
	run_until(NULL, 1);
	assert_true(run_until(both_one_sa, 3));
	assert_pair_matches();
	assert_int_equal(A.ev[IKE_EV_DEAD] + B.ev[IKE_EV_DEAD], 0);
	assert_int_equal(A.ev[IKE_EV_EXPIRED] + B.ev[IKE_EV_EXPIRED], 0);
	teardown_pair();
}

static bool
a_dead(void)
{
	return A.ev[IKE_EV_DEAD] > 0;
}

static bool
a_up_again(void)
{
	return A.ev[IKE_EV_UP] >= 2 && both_one_sa();
}

static void
test_dpd(void **state)
{
	struct opts o = { .dpd_interval = 1, .dpd_timeout = 2 };
	double t0;

	(void)state;
	setup_pair(&o);
	assert_true(run_until(established, 5));
	B.paused = true;
	t0 = now_s();
	assert_true(run_until(a_dead, 8));
	/* Silence noticed within two DPD intervals, then the DPD timeout
	 * bounds the probe's retransmissions. */
	assert_true(now_s() - t0 < 4.5);
	assert_int_equal(A.nsa, 0);
	/* B comes back (it still has its old SAs: INITIAL_CONTACT). */
	B.paused = false;
	assert_true(run_until(a_up_again, 8));
	run_until(NULL, 0.5);
	assert_pair_matches();
	teardown_pair();
}

static bool
both_deleted(void)
{
	return A.ev[IKE_EV_DELETED] && B.ev[IKE_EV_DELETED] && A.nsa == 0 &&
	    B.nsa == 0;
}

static void
test_delete(void **state)
{
	struct opts o = { 0 };

	(void)state;
	setup_pair(&o);
	assert_true(run_until(established, 5));
	assert_int_equal(ike_peer_terminate(A.peer), 0);
	assert_true(run_until(both_deleted, 5));
	/* Terminated: no re-initiation. */
	run_until(NULL, 1);
	assert_int_equal(A.ev[IKE_EV_UP], 1);
	teardown_pair();
}

/* The responder deletes; the initiator keeps the tunnel up. */
static bool
a_back(void)
{
	return A.ev[IKE_EV_DELETED] && A.ev[IKE_EV_UP] >= 2 && both_one_sa();
}

static void
test_peer_delete_reinitiates(void **state)
{
	struct opts o = { 0 };

	(void)state;
	setup_pair(&o);
	assert_true(run_until(established, 5));
	assert_int_equal(ike_peer_terminate(B.peer), 0);
	assert_true(run_until(a_back, 6));
	run_until(NULL, 0.3);
	assert_pair_matches();
	teardown_pair();
}

static bool
auth_failed(void)
{
	return A.ev[IKE_EV_AUTH_FAILED] >= 2 && B.ev[IKE_EV_AUTH_FAILED] >= 1;
}

static void
test_wrong_psk(void **state)
{
	struct opts o = { .psk_a = "one secret", .psk_b = "another secret" };

	(void)state;
	setup_pair(&o);
	assert_true(run_until(auth_failed, 5));
	assert_int_equal(A.ev[IKE_EV_UP] + B.ev[IKE_EV_UP], 0);
	assert_int_equal(A.nsa + B.nsa, 0);
	teardown_pair();
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
