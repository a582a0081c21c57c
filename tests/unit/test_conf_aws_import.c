/*
 * import-aws: AWS's XML and describe-vpn-connections JSON
 * (tests/conf/aws/) into cgwd.conf, which conf_load must accept.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "conf/aws_import.h"
#include "conf/conf.h"
#include "lib/ikev2_const.h"

static char tmpconf[64];

static const char *
sample(const char *name)
{
	static char path[512];
	const char *s = getenv("CGW_SRCDIR");

	snprintf(path, sizeof(path), "%s/tests/conf/aws/%s", s ? s : ".", name);
	return path;
}

static int
setup(void **state)
{
	int fd;

	(void)state;
	snprintf(tmpconf, sizeof(tmpconf), "/tmp/cgw-aws-XXXXXX");
	if ((fd = mkstemp(tmpconf)) == -1)
		return -1;
	close(fd);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return unlink(tmpconf);
}

/* Imports `input` into tmpconf; returns the output text (caller frees). */
static char *
import(const char *input, const struct conf_aws_opts *opts, int *rc,
    char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	assert_non_null(f = open_memstream(&buf, &len));
	*rc = conf_aws_import(input, opts, f, err, errlen);
	fclose(f);
	assert_non_null(f = fopen(tmpconf, "w"));
	fputs(buf, f);
	fclose(f);
	return buf;
}

static struct conf *
load(void)
{
	struct conf_problems probs;
	struct conf *conf;

	TAILQ_INIT(&probs);
	conf = conf_load(tmpconf, &probs);
	conf_problems_print(stderr, &probs);
	conf_problems_free(&probs);
	return conf;
}

static void
test_aws_xml_basic(void **state)
{
	const char *nets[] = { "10.224.0.0/12", "172.16.0.0/16" };
	struct conf_aws_opts opts = { .networks = nets, .nnetworks = 2,
	    .quiet = true };
	struct conf *conf;
	struct conf_vpn *v;
	struct conf_tunnel *t;
	struct conf_network *n;
	char err[512], a[CGW_PREFIXSTRLEN];
	char *out;
	int rc;

	(void)state;
	out = import(sample("vpn-basic.xml"), &opts, &rc, err, sizeof(err));
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "psk \"Xq3.example_key_tunnel_one_a1\""));
	assert_non_null(conf = load());
	assert_int_equal(conf->asn, 65000);
	assert_string_equal(addr_fmt(&conf->router_id, a, sizeof(a)),
	    "203.0.113.10");
	n = TAILQ_FIRST(&conf->networks);
	assert_string_equal(prefix_fmt(&n->prefix, a, sizeof(a)), "10.224.0.0/12");
	v = TAILQ_FIRST(&conf->vpns);
	assert_string_equal(v->name, "vpn-0a1b2c3d4e5f60718");
	assert_string_equal(addr_fmt(&v->local, a, sizeof(a)), "203.0.113.10");
	/* not behind NAT: the local address is the ID, none printed */
	assert_null(strstr(out, "\tlocal-id"));
	assert_int_equal(v->local_id.type, 0);
	assert_int_equal(v->peer_asn, 64512);
	assert_int_equal(v->n_ike, 1);
	assert_string_equal(v->ike[0].text, "aes128-sha1-modp1024");
	assert_string_equal(v->esp[0].text, "aes128-sha1-modp1024");
	assert_int_equal(v->ike_lifetime_s, 28800);
	assert_int_equal(v->esp_lifetime_s, 3600);
	/* AWS's DPD values are its side's: ours stay at the fast defaults */
	assert_int_equal(v->dpd_interval_ms, CONF_DEF_DPD_INTERVAL_MS);
	assert_int_equal(v->dpd_timeout_ms, CONF_DEF_DPD_TIMEOUT_MS);
	assert_null(strstr(out, "\tdpd "));
	assert_non_null(strstr(out, "AWS's side: DPD every 10s, timeout 30s"));
	assert_int_equal(v->hold_time_s, 30);
	t = conf_tunnel_find(conf, "vpn-0a1b2c3d4e5f60718/t1");
	assert_non_null(t);
	assert_string_equal(addr_fmt(&t->remote, a, sizeof(a)), "198.51.100.7");
	assert_string_equal(prefix_fmt(&t->inside, a, sizeof(a)),
	    "169.254.44.42/30");
	assert_string_equal(t->psk, "Xq3.example_key_tunnel_one_a1");
	t = conf_tunnel_find(conf, "vpn-0a1b2c3d4e5f60718/t2");
	assert_non_null(t);
	assert_string_equal(t->psk, "Zr7_example.key_tunnel_two_b2");
	conf_free(conf);
	free(out);
}

static void
test_aws_xml_reordered_with_options(void **state)
{
	struct conf_aws_opts opts = { .name = "aws-prod", .local = "10.0.0.5",
	    .quiet = true };
	struct conf *conf;
	struct conf_vpn *v;
	struct conf_tunnel *t;
	char err[512], a[CGW_PREFIXSTRLEN];
	char *out;
	int rc;

	(void)state;
	out = import(sample("vpn-reordered.xml"), &opts, &rc, err, sizeof(err));
	assert_int_equal(rc, 0);
	/* --local differs from AWS's view: behind NAT, the public address
	 * becomes our IKE identity */
	assert_non_null(strstr(out, "Behind NAT"));
	assert_non_null(strstr(out, "\tlocal 10.0.0.5\n\tlocal-id 203.0.113.20\n"));
	assert_non_null(conf = load());
	assert_int_equal(conf->asn, 65010);
	assert_string_equal(addr_fmt(&conf->router_id, a, sizeof(a)), "10.0.0.5");
	v = TAILQ_FIRST(&conf->vpns);
	assert_string_equal(v->name, "aws-prod");
	assert_string_equal(addr_fmt(&v->local, a, sizeof(a)), "10.0.0.5");
	assert_int_equal(v->local_id.type, IKEV2_ID_IPV4_ADDR);
	assert_int_equal(v->local_id.len, 4);
	assert_memory_equal(v->local_id.data, "\xcb\x00\x71\x14", 4);
	assert_int_equal(v->remote_id.type, 0);
	assert_int_equal(v->peer_asn, 64513);
	assert_string_equal(v->ike[0].text, "aes256gcm16-prfsha256-modp2048");
	assert_string_equal(v->esp[0].text, "aes256gcm16-modp2048");
	assert_int_equal(v->dpd_timeout_ms, CONF_DEF_DPD_TIMEOUT_MS);
	assert_non_null(strstr(out, "timeout 40s"));	/* 10 s x 4 retries */
	/* XML order kept: the first <ipsec_tunnel> is t1 */
	t = conf_tunnel_find(conf, "aws-prod/t1");
	assert_non_null(t);
	assert_string_equal(addr_fmt(&t->remote, a, sizeof(a)), "198.51.100.22");
	assert_string_equal(t->psk, "Second.tunnel_key_9");
	conf_free(conf);
	free(out);
}

/* --local naming the public address itself: no NAT, no local-id. */
static void
test_aws_local_same_as_public(void **state)
{
	struct conf_aws_opts opts = { .local = "203.0.113.20", .quiet = true };
	struct conf *conf;
	char err[512];
	char *out;
	int rc;

	(void)state;
	out = import(sample("vpn-reordered.xml"), &opts, &rc, err, sizeof(err));
	assert_int_equal(rc, 0);
	assert_null(strstr(out, "\tlocal-id"));
	assert_non_null(conf = load());
	assert_int_equal(TAILQ_FIRST(&conf->vpns)->local_id.type, 0);
	conf_free(conf);
	free(out);
}

static void
test_aws_json(void **state)
{
	struct conf_aws_opts opts = { .quiet = true };
	struct conf *conf;
	char err[512];
	char *out;
	int rc, n = 0;
	struct conf_vpn *v;

	(void)state;
	out = import(sample("describe-one.json"), &opts, &rc, err, sizeof(err));
	assert_int_equal(rc, 0);
	assert_non_null(conf = load());
	assert_non_null(conf_tunnel_find(conf, "vpn-0a1b2c3d4e5f60718/t2"));
	conf_free(conf);
	free(out);

	out = import(sample("describe-two.json"), &opts, &rc, err, sizeof(err));
	assert_int_equal(rc, 0);
	assert_non_null(conf = load());
	TAILQ_FOREACH(v, &conf->vpns, entry)
		n++;
	assert_int_equal(n, 2);
	assert_non_null(conf_tunnel_find(conf, "vpn-0ffee0000000000b2/t2"));
	conf_free(conf);
	free(out);

	opts.name = "one";
	out = import(sample("describe-two.json"), &opts, &rc, err, sizeof(err));
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "--name needs exactly one"));
	assert_string_equal(out, "");
	free(out);
}

static void
test_aws_stdin(void **state)
{
	struct conf_aws_opts opts = { .quiet = true };
	char err[512];
	char *out;
	int rc;

	(void)state;
	assert_non_null(freopen(sample("describe-one.json"), "r", stdin));
	out = import("-", &opts, &rc, err, sizeof(err));
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "vpn \"vpn-0a1b2c3d4e5f60718\""));
	free(out);
}

static void
test_aws_errors(void **state)
{
	static const struct {
		const char	*file;
		const char	*frag;
	} cases[] = {
		{ "bad-missing-psk.xml", "tunnel 2: missing element "
		  "<ike/pre_shared_key>" },
		{ "bad-unknown-group.xml", "<ipsec/perfect_forward_secrecy> "
		  "group99 is not known" },
		{ "bad-truncated.xml", "not AWS's XML configuration" },
		{ "bad-garbage.txt", "not AWS's XML configuration" },
		{ "bad-no-config.json", "has no CustomerGatewayConfiguration" },
		{ "does-not-exist.xml", "No such file" },
	};
	struct conf_aws_opts opts = { .quiet = true };
	const char *badnet[] = { "10.0.0.0/40" };
	char err[512];
	char *out;
	int rc;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		out = import(sample(cases[i].file), &opts, &rc, err, sizeof(err));
		if (rc != -1 || strstr(err, cases[i].frag) == NULL)
			fprintf(stderr, "%s: rc %d err \"%s\"\n", cases[i].file,
			    rc, err);
		assert_int_equal(rc, -1);
		assert_non_null(strstr(err, cases[i].frag));
		assert_string_equal(out, "");	/* nothing half-printed */
		free(out);
	}
	opts.local = "not-an-address";
	out = import(sample("vpn-basic.xml"), &opts, &rc, err, sizeof(err));
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "--local not-an-address"));
	free(out);
	opts.local = NULL;
	opts.networks = badnet;
	opts.nnetworks = 1;
	out = import(sample("vpn-basic.xml"), &opts, &rc, err, sizeof(err));
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "--network 10.0.0.0/40"));
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aws_xml_basic),
		cmocka_unit_test(test_aws_xml_reordered_with_options),
		cmocka_unit_test(test_aws_local_same_as_public),
		cmocka_unit_test(test_aws_json),
		cmocka_unit_test(test_aws_stdin),
		cmocka_unit_test(test_aws_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
