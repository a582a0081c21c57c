/*
 * IKE identities end to end: local-id / remote-id parsed from a
 * cgwd.conf, mapped by ipsec_peer_conf, then two engines stepped back to
 * back (ike_pair.h), A on 127.0.0.1. The ID a side sends is the one the
 * other checks, so an accepted remote-id proves what went on the wire; a
 * mismatch must fail with AUTHENTICATION_FAILED and a reason naming both
 * IDs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "conf/conf.h"
#include "daemon/ipsec.h"
#include "ike/ike.h"
#include "lib/ikev2_const.h"
#include "lib/log.h"
#include "tests/unit/ike_pair.h"

static struct ike_pair P;
/* Each side's parsed conf, which its peer conf came from. */
static struct conf *conf_a, *conf_b;
static char tmpdir[64];

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
	assert_int_equal(chmod(path, 0600), 0);	/* it holds a key */
	TAILQ_INIT(&probs);
	conf = conf_load(path, &probs);
	conf_problems_print(stderr, &probs);
	conf_problems_free(&probs);
	assert_non_null(conf);
	return conf;
}

static struct conf *
side_peer(struct pair_side *s, bool initiate, const char *ids)
{
	struct ike_peer_conf pc;
	struct conf_tunnel *t;
	struct conf *conf = load_conf(ids);

	assert_non_null(t = conf_tunnel_find(conf, "v/t1"));
	ipsec_peer_conf(&pc, t);
	pc.dpd_interval_ms = 0;
	pair_peer_add(s, &pc, initiate);
	return conf;
}

/* A initiates; B answers. */
static void
setup_pair(const char *ids_a, const char *ids_b)
{
	pair_init(&P);
	conf_b = side_peer(&P.b, false, ids_b);
	conf_a = side_peer(&P.a, true, ids_a);
}

static void
teardown_pair(void)
{
	pair_free(&P);
	conf_free(conf_a);
	conf_free(conf_b);
}

static bool
established(struct ike_pair *p)
{
	struct ike_status sa, sb;

	ike_peer_status(p->a.peer, &sa);
	ike_peer_status(p->b.peer, &sb);
	return p->a.ups == 1 && p->b.ups == 1 &&
	    !strcmp(sa.state, "established") && !strcmp(sb.state, "established");
}

static bool
both_auth_failed(struct ike_pair *p)
{
	return p->a.ev[IKE_EV_AUTH_FAILED] >= 1 &&
	    p->b.ev[IKE_EV_AUTH_FAILED] >= 1;
}

static bool
a_auth_failed(struct ike_pair *p)
{
	return p->a.ev[IKE_EV_AUTH_FAILED] >= 1;
}

static const char *
why_failed(const struct pair_side *s)
{
	return s->reason[IKE_EV_AUTH_FAILED];
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
	assert_true(pair_run_until(&P, established, 5000));
	assert_int_equal(P.a.ev[IKE_EV_AUTH_FAILED], 0);
	assert_int_equal(P.b.ev[IKE_EV_AUTH_FAILED], 0);
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
	assert_true(pair_run_until(&P, established, 5000));
	teardown_pair();

	/* without local-id A sends its own address: B refuses it */
	setup_pair("", "remote-id 192.0.2.10");
	assert_true(pair_run_until(&P, both_auth_failed, 5000));
	assert_int_equal(P.a.ups + P.b.ups, 0);
	assert_non_null(strstr(why_failed(&P.b), "peer identity 127.0.0.1 "
	    "does not match the configured remote-id 192.0.2.10"));
	teardown_pair();
}

/* The responder refuses the initiator's ID: AUTHENTICATION_FAILED. */
static void
test_responder_rejects_id(void **state)
{
	(void)state;
	setup_pair("local-id @a.example", "remote-id @wrong.example");
	assert_true(pair_run_until(&P, both_auth_failed, 5000));
	assert_int_equal(P.a.ups + P.b.ups, 0);
	assert_non_null(strstr(why_failed(&P.b), "peer identity @a.example "
	    "does not match the configured remote-id @wrong.example"));
	assert_non_null(strstr(why_failed(&P.b), "AUTHENTICATION_FAILED"));
	/* the initiator learns it from the notification */
	assert_non_null(strstr(why_failed(&P.a), "our identity @a.example "
	    "(AUTHENTICATION_FAILED)"));
	teardown_pair();
}

/* The initiator refuses the responder's ID in the IKE_AUTH response. */
static void
test_initiator_rejects_id(void **state)
{
	(void)state;
	setup_pair("remote-id @vgw.example", "local-id keyid:0102");
	assert_true(pair_run_until(&P, a_auth_failed, 5000));
	assert_int_equal(P.a.ups, 0);
	assert_non_null(strstr(why_failed(&P.a), "peer identity keyid:0102 "
	    "does not match the configured remote-id @vgw.example"));
	teardown_pair();
}

static bool
rekeyed(struct ike_pair *p)
{
	return p->a.rekeys >= 1 && p->b.rekeys >= 1 && p->a.nsa == 1 &&
	    p->b.nsa == 1;
}

/*
 * A policy-based peer that is not AWS: each side's traffic-selectors
 * (its local is the other's remote) reach the CHILD SAs, and an ESP
 * proposal with nopfs is chosen and carries no DH group.
 */
static void
test_generic_peer_ts_nopfs(void **state)
{
	char a[CGW_ADDRSTRLEN], b[CGW_ADDRSTRLEN];
	const struct esp_child_sa *sa;

	(void)state;
	setup_pair("peer-type generic esp proposal aes256gcm16-nopfs "
	    "traffic-selectors local 10.1.0.0/16 remote 10.2.0.0/24",
	    "peer-type generic esp proposal aes256gcm16-nopfs "
	    "traffic-selectors local 10.2.0.0/24 remote 10.1.0.0/16");
	assert_true(pair_run_until(&P, established, 5000));
	assert_true(P.a.nsa >= 1);
	sa = &P.a.sa[0];
	addr_fmt(&sa->ts_local.start, a, sizeof(a));
	addr_fmt(&sa->ts_local.end, b, sizeof(b));
	assert_string_equal(a, "10.1.0.0");
	assert_string_equal(b, "10.1.255.255");
	addr_fmt(&sa->ts_remote.start, a, sizeof(a));
	addr_fmt(&sa->ts_remote.end, b, sizeof(b));
	assert_string_equal(a, "10.2.0.0");
	assert_string_equal(b, "10.2.0.255");
	pair_assert_child_match(&P);
	/* a CHILD rekey without PFS: no KE, the same selectors */
	assert_int_equal(ike_peer_rekey_child(P.a.peer), 0);
	assert_true(pair_run_until(&P, rekeyed, 5000));
	pair_assert_child_match(&P);
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
		cmocka_unit_test(test_generic_peer_ts_nopfs),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
