/*
 * IKE identities end to end: local-id / remote-id parsed from a
 * cgwd.conf, mapped by ipsec_peer_conf, then two engines over
 * 127.0.0.1. The ID a side sends is the one the other checks, so an
 * accepted remote-id proves what went on the wire; a mismatch must fail
 * with AUTHENTICATION_FAILED and a reason naming both IDs.
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

#include "conf/conf.h"
#include "ike/crypto.h"
#include "daemon/ipsec.h"
#include "ike/ike.h"
#include "lib/ikev2_const.h"
#include "lib/log.h"

struct side {
	const char		*name;
	struct event_base	*base;
	struct ike_ctx		*ctx;
	struct ike_peer		*peer;
	struct conf		*conf;
	unsigned		 ev[IKE_EV_MAX];
	unsigned		 ups;
	char			 reason[512];	/* last AUTH_FAILED reason */
};

static struct side A, B;
static char tmpdir[64];

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
	(void)sa;
	if (dirs & IKE_DIR_IN)
		s->ups++;
	return 0;
}

static void
t_child_down(void *arg, struct ike_peer *p, uint32_t spi_in, uint32_t spi_out,
    const struct cgw_addr *remote, unsigned dirs)
{
	(void)arg;
	(void)p;
	(void)spi_in;
	(void)spi_out;
	(void)remote;
	(void)dirs;
}

static void
t_peer_state(void *arg, struct ike_peer *p, enum ike_peer_event ev,
    const char *reason)
{
	struct side *s = arg;

	(void)p;
	s->ev[ev]++;
	if (ev == IKE_EV_AUTH_FAILED && reason != NULL)
		snprintf(s->reason, sizeof(s->reason), "%s", reason);
}

static const struct ike_callbacks cbs = {
	.alloc_spi = t_alloc_spi,
	.child_up = t_child_up,
	.child_down = t_child_down,
	.peer_state = t_peer_state,
};

static int
setup(void **state)
{
	FILE *f;
	char path[128];

	(void)state;
	log_init(getenv("IKE_TEST_VERBOSE") ? 2 : -1, 0);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/cgw-ikeid-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/cgwd.conf", tmpdir);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fclose(f);
	return 0;
}

static int
teardown(void **state)
{
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/cgwd.conf", tmpdir);
	unlink(path);
	return rmdir(tmpdir);
}

/*
 * A one-tunnel conf with `ids` (local-id / remote-id lines) in its vpn.
 * The addresses only satisfy the parser: the test runs on 127.0.0.1.
 */
static struct conf *
load_conf(const char *ids)
{
	struct conf_problems probs;
	struct conf *conf;
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgwd.conf", tmpdir);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "asn 65000\nrouter-id 10.0.0.10\n"
	    "vpn v {\n local 10.0.0.10\n %s\n"
	    " ike proposal aes128-sha256-ecp256\n"
	    " esp proposal aes256gcm16-ecp256\n"
	    " tunnel t1 { remote 198.51.100.1 inside 169.254.21.2/30 "
	    "psk \"Ashared.secret1\" }\n}\n", ids);
	assert_int_equal(fclose(f), 0);
	TAILQ_INIT(&probs);
	conf = conf_load(path, &probs);
	conf_problems_print(stderr, &probs);
	conf_problems_free(&probs);
	assert_non_null(conf);
	return conf;
}

static void
side_start(struct side *s, const char *name)
{
	struct ike_tunables tun = {
		.retransmit_base_ms = 100, .retransmit_tries = 4,
		.halfopen_s = 5, .reinit_min_ms = 100, .reinit_max_ms = 400,
	};
	struct cgw_addr lo;
	char err[128];

	memset(s, 0, sizeof(*s));
	s->name = name;
	assert_non_null(s->base = event_base_new());
	assert_non_null(s->ctx = ike_ctx_new(s->base, &cbs, s));
	ike_ctx_set_tunables(s->ctx, &tun);
	assert_true(addr_parse("127.0.0.1", &lo));
	assert_int_equal(ike_listen(s->ctx, &lo, 0, 0, err, sizeof(err)), 0);
}

static void
side_peer(struct side *s, struct side *other, bool initiate, const char *ids)
{
	struct ike_peer_conf pc;
	struct conf_tunnel *t;
	char err[128];

	s->conf = load_conf(ids);
	assert_non_null(t = conf_tunnel_find(s->conf, "v/t1"));
	ipsec_peer_conf(&pc, t);
	snprintf(pc.name, sizeof(pc.name), "%s", s->name);
	assert_true(addr_parse("127.0.0.1", &pc.local));
	assert_true(addr_parse("127.0.0.1", &pc.remote));
	pc.remote_port = ike_local_port(other->ctx, false);
	pc.dpd_interval_s = 0;
	pc.initiate = initiate;
	assert_non_null(s->peer = ike_peer_add(s->ctx, &pc, err, sizeof(err)));
}

/* A initiates; B answers. */
static void
setup_pair(const char *ids_a, const char *ids_b)
{
	side_start(&A, "A");
	side_start(&B, "B");
	side_peer(&B, &A, false, ids_b);
	side_peer(&A, &B, true, ids_a);
}

static void
teardown_pair(void)
{
	ike_ctx_free(A.ctx);
	ike_ctx_free(B.ctx);
	event_base_free(A.base);
	event_base_free(B.base);
	conf_free(A.conf);
	conf_free(B.conf);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool
run_until(bool (*cond)(void), double secs)
{
	double end = now_s() + secs;

	while (now_s() < end) {
		event_base_loop(A.base, EVLOOP_NONBLOCK);
		event_base_loop(B.base, EVLOOP_NONBLOCK);
		if (cond())
			return true;
		usleep(1000);
	}
	return cond();
}

static bool
established(void)
{
	struct ike_status sa, sb;

	ike_peer_status(A.peer, &sa);
	ike_peer_status(B.peer, &sb);
	return A.ups == 1 && B.ups == 1 && !strcmp(sa.state, "established") &&
	    !strcmp(sb.state, "established");
}

static bool
both_auth_failed(void)
{
	return A.ev[IKE_EV_AUTH_FAILED] >= 1 && B.ev[IKE_EV_AUTH_FAILED] >= 1;
}

static bool
a_auth_failed(void)
{
	return A.ev[IKE_EV_AUTH_FAILED] >= 1;
}

/* The conf's ids reach ike_peer_conf unchanged; unset stays type 0. */
static void
test_ids_mapped(void **state)
{
	struct ike_peer_conf pc;
	struct conf *conf;

	(void)state;
	conf = load_conf("local-id @cgw.example.com remote-id 198.51.100.1");
	ipsec_peer_conf(&pc, conf_tunnel_find(conf, "v/t1"));
	assert_int_equal(pc.local_id.type, IKEV2_ID_FQDN);
	assert_int_equal(pc.local_id.len, 15);
	assert_memory_equal(pc.local_id.data, "cgw.example.com", 15);
	assert_int_equal(pc.remote_id.type, IKEV2_ID_IPV4_ADDR);
	assert_int_equal(pc.remote_id.len, 4);
	assert_memory_equal(pc.remote_id.data, "\xc6\x33\x64\x01", 4);
	conf_free(conf);

	conf = load_conf("");
	ipsec_peer_conf(&pc, conf_tunnel_find(conf, "v/t1"));
	assert_int_equal(pc.local_id.type, 0);
	assert_int_equal(pc.remote_id.type, 0);
	conf_free(conf);
}

/* FQDN identities both ways, each side checking the other's. */
static void
test_fqdn_ids_accepted(void **state)
{
	(void)state;
	setup_pair("local-id @a.example remote-id @b.example",
	    "local-id @b.example remote-id @a.example");
	assert_true(run_until(established, 5));
	assert_int_equal(A.ev[IKE_EV_AUTH_FAILED], 0);
	assert_int_equal(B.ev[IKE_EV_AUTH_FAILED], 0);
	teardown_pair();
}

/*
 * Behind NAT: A's address is 127.0.0.1 but it presents the public
 * address as its ID, which B (like AWS) expects.
 */
static void
test_nat_public_id(void **state)
{
	(void)state;
	setup_pair("local-id 192.0.2.10", "remote-id 192.0.2.10");
	assert_true(run_until(established, 5));
	teardown_pair();

	/* without local-id A sends its own address: B refuses it */
	setup_pair("", "remote-id 192.0.2.10");
	assert_true(run_until(both_auth_failed, 5));
	assert_int_equal(A.ups + B.ups, 0);
	assert_non_null(strstr(B.reason, "peer identity 127.0.0.1 does not "
	    "match the configured remote-id 192.0.2.10"));
	teardown_pair();
}

/* The responder refuses the initiator's ID: AUTHENTICATION_FAILED. */
static void
test_responder_rejects_id(void **state)
{
	(void)state;
	setup_pair("local-id @a.example", "remote-id @wrong.example");
	assert_true(run_until(both_auth_failed, 5));
	assert_int_equal(A.ups + B.ups, 0);
	assert_non_null(strstr(B.reason, "peer identity @a.example does not "
	    "match the configured remote-id @wrong.example"));
	assert_non_null(strstr(B.reason, "AUTHENTICATION_FAILED"));
	/* the initiator learns it from the notification */
	assert_non_null(strstr(A.reason, "our identity @a.example "
	    "(AUTHENTICATION_FAILED)"));
	teardown_pair();
}

/* The initiator refuses the responder's ID in the IKE_AUTH response. */
static void
test_initiator_rejects_id(void **state)
{
	(void)state;
	setup_pair("remote-id @vgw.example", "local-id keyid:0102");
	assert_true(run_until(a_auth_failed, 5));
	assert_int_equal(A.ups, 0);
	assert_non_null(strstr(A.reason, "peer identity keyid:0102 does not "
	    "match the configured remote-id @vgw.example"));
	teardown_pair();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids_mapped),
		cmocka_unit_test(test_fqdn_ids_accepted),
		cmocka_unit_test(test_nat_public_id),
		cmocka_unit_test(test_responder_rejects_id),
		cmocka_unit_test(test_initiator_rejects_id),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
