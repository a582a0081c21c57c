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
#include <sys/stat.h>
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
	/* The XML carries no tunnel options: what AWS accepts, strongest
	 * first, and the XML's own (IKEv1-era) proposal last. */
	assert_int_equal(v->n_ike, 3);
	assert_string_equal(v->ike[0].text, "aes256gcm16-aes128gcm16-prfsha512-"
	    "prfsha384-prfsha256-ecp521-ecp384-ecp256-modp8192-modp6144-"
	    "modp4096-modp3072-modp2048");
	assert_string_equal(v->ike[1].text, "aes256-aes128-sha512-sha384-"
	    "sha256-ecp521-ecp384-ecp256-modp8192-modp6144-modp4096-modp3072-"
	    "modp2048");
	assert_string_equal(v->ike[2].text, "aes128-sha1-modp1024");
	assert_int_equal(v->n_esp, 3);
	assert_string_equal(v->esp[0].text, "aes256gcm16-aes128gcm16-ecp521-"
	    "ecp384-ecp256-modp8192-modp6144-modp4096-modp3072-modp2048");
	assert_string_equal(v->esp[2].text, "aes128-sha1-modp1024");
	assert_non_null(strstr(out, "the XML's <ike>/<ipsec> proposal"));
	assert_non_null(strstr(out, "# <tcp_mss_adjustment> 1379: cgwd clamps"));
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
	assert_int_equal(v->n_ike, 3);
	assert_string_equal(v->ike[2].text, "aes256gcm16-prfsha256-modp2048");
	assert_string_equal(v->esp[2].text, "aes256gcm16-modp2048");
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

static bool
has_xf(const struct conf_proposal *p, uint8_t type, uint16_t id, uint16_t bits)
{
	for (size_t i = 0; i < p->nxf; i++)
		if (p->xf[i].type == type && p->xf[i].id == id &&
		    p->xf[i].keybits == bits)
			return true;
	return false;
}

/* AWS's default options, listed in full: every tunnel offers what AWS
 * allows, strongest first; TunnelOptions matched by outside address. */
static void
test_aws_json_default_options(void **state)
{
	struct conf_aws_opts opts = { .quiet = true };
	struct conf *conf;
	struct conf_tunnel *t;
	char err[512], a[CGW_ADDRSTRLEN];
	char *out;
	int rc;

	(void)state;
	out = import(sample("describe-default.json"), &opts, &rc, err,
	    sizeof(err));
	if (rc != 0)
		fprintf(stderr, "%s\n", err);
	assert_int_equal(rc, 0);
	assert_non_null(conf = load());
	assert_non_null(t = conf_tunnel_find(conf, "vpn-0a1b2c3d4e5f60718/t1"));
	assert_string_equal(addr_fmt(&t->remote, a, sizeof(a)), "198.51.100.7");
	assert_true(t->own & CONF_TOWN_IKE_PROPOSAL);
	assert_int_equal(t->n_ike, 2);
	assert_string_equal(t->ike[0].text, "aes256gcm16-aes128gcm16-prfsha512-"
	    "prfsha384-prfsha256-prfsha1-ecp521-ecp384-ecp256-modp8192-"
	    "modp6144-modp4096-modp3072-modp2048-modp2048s256-modp2048s224-"
	    "modp1024s160-modp1024");
	/* phase 2 allows group 5, phase 1 does not */
	assert_false(has_xf(&t->ike[1], IKEV2_XFORM_DH, IKEV2_DH_MODP1536, 0));
	assert_true(has_xf(&t->esp[1], IKEV2_XFORM_DH, IKEV2_DH_MODP1536, 0));
	assert_int_equal(t->ike_lifetime_s, 28800);
	assert_int_equal(t->esp_lifetime_s, 3600);
	assert_int_equal(t->replay_window, 1024);
	assert_int_equal(t->startup, CONF_START_INITIATE);
	assert_non_null(t = conf_tunnel_find(conf, "vpn-0a1b2c3d4e5f60718/t2"));
	assert_int_equal(t->n_esp, 2);
	assert_int_equal(t->ts_local.addr.af, AF_UNSPEC);	/* 0.0.0.0/0 */
	/* the source of each value is in the output; AWS's DPD a comment */
	assert_non_null(strstr(out, "#   Phase1DHGroupNumbers 2 14 15 16 17 18 "
	    "19 20 21 22 23 24\n"));
	assert_non_null(strstr(out, "#   DpdTimeoutSeconds 30\n"));
	assert_non_null(strstr(out, "# IkeVersions ikev1 ikev2: cgwd speaks "
	    "IKEv2\n"));
	assert_null(strstr(out, "\tdpd "));
	/* no vpn-level offer: every tunnel has its own */
	assert_null(strstr(out, "\n\tike proposal"));
	conf_free(conf);
	free(out);
}

/* Narrowed options, different per tunnel: exactly those proposals. */
static void
test_aws_json_custom_options(void **state)
{
	struct conf_aws_opts opts = { .quiet = true };
	struct conf *conf;
	struct conf_tunnel *t;
	char err[512], a[CGW_PREFIXSTRLEN];
	char *out;
	int rc;

	(void)state;
	out = import(sample("describe-custom.json"), &opts, &rc, err,
	    sizeof(err));
	if (rc != 0)
		fprintf(stderr, "%s\n", err);
	assert_int_equal(rc, 0);
	assert_non_null(conf = load());
	assert_non_null(t = conf_tunnel_find(conf, "vpn-0a1b2c3d4e5f60718/t1"));
	assert_int_equal(t->n_ike, 1);
	assert_string_equal(t->ike[0].text, "aes256gcm16-prfsha384-ecp384");
	assert_int_equal(t->ike[0].nxf, 3);
	assert_true(has_xf(&t->ike[0], IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_16,
	    256));
	assert_true(has_xf(&t->ike[0], IKEV2_XFORM_PRF, IKEV2_PRF_HMAC_SHA2_384,
	    0));
	assert_true(has_xf(&t->ike[0], IKEV2_XFORM_DH, IKEV2_DH_ECP384, 0));
	assert_int_equal(t->n_esp, 1);
	assert_string_equal(t->esp[0].text, "aes256gcm16-ecp384");
	assert_int_equal(t->ike_lifetime_s, 14400);
	assert_int_equal(t->esp_lifetime_s, 1800);
	assert_int_equal(t->replay_window, 2048);
	assert_int_equal(t->startup, CONF_START_INITIATE);
	assert_non_null(t = conf_tunnel_find(conf, "vpn-0a1b2c3d4e5f60718/t2"));
	assert_int_equal(t->n_ike, 1);
	assert_string_equal(t->ike[0].text, "aes128-sha256-ecp256-modp2048");
	assert_int_equal(t->n_esp, 2);
	assert_string_equal(t->esp[0].text, "aes256gcm16-ecp521");
	assert_string_equal(t->esp[1].text, "aes256-sha512-ecp521");
	assert_int_equal(t->ike_lifetime_s, 28800);
	assert_int_equal(t->esp_lifetime_s, 3600);	/* not set: AWS's default */
	assert_int_equal(t->replay_window, 64);
	/* the connection's Local/RemoteIpv4NetworkCidr: its selectors */
	assert_string_equal(prefix_fmt(&t->ts_local, a, sizeof(a)),
	    "10.224.0.0/12");
	assert_string_equal(prefix_fmt(&t->ts_remote, a, sizeof(a)),
	    "172.31.0.0/16");
	assert_non_null(strstr(out, "#   DpdTimeoutAction restart\n"));
	assert_non_null(strstr(out, "#   RekeyMarginTimeSeconds 540\n"));
	assert_non_null(strstr(out, "# StartupAction start: AWS initiates too"));
	assert_non_null(strstr(out, "#   Phase2LifetimeSeconds not set: AWS's "
	    "default, 3600\n"));
	assert_non_null(strstr(out, "# LogOptions: AWS's logging"));
	assert_non_null(strstr(out, "# TunnelEndpointMaintenance: not known to "
	    "this cgwctl, not imported\n"));
	/* the lab's rekey test edits "lifetime NNNs" at a line's end */
	assert_non_null(strstr(out, "ike proposal aes256gcm16-prfsha384-ecp384 "
	    "lifetime 14400s\n"));
	conf_free(conf);
	free(out);
}

/* Several connections, one with options, one without. */
static void
test_aws_json_several(void **state)
{
	struct conf_aws_opts opts = { .quiet = true };
	struct conf *conf;
	struct conf_vpn *v;
	struct conf_tunnel *t;
	char err[512];
	char *out;
	int rc, n = 0;

	(void)state;
	out = import(sample("describe-several.json"), &opts, &rc, err,
	    sizeof(err));
	if (rc != 0)
		fprintf(stderr, "%s\n", err);
	assert_int_equal(rc, 0);
	assert_non_null(conf = load());
	TAILQ_FOREACH(v, &conf->vpns, entry)
		n++;
	assert_int_equal(n, 2);
	assert_non_null(t = conf_tunnel_find(conf, "vpn-0a1b2c3d4e5f60718/t2"));
	assert_true(t->own & CONF_TOWN_ESP_PROPOSAL);
	/* the second one's XML alone: the strong offer at vpn level */
	assert_non_null(t = conf_tunnel_find(conf, "vpn-0ffee0000000000b2/t1"));
	assert_int_equal(t->own, 0);
	assert_int_equal(t->n_ike, 3);
	conf_free(conf);
	free(out);
}

static void
check_key_file(const char *path, const char *key)
{
	char buf[128] = "";
	struct stat st;
	FILE *f;

	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_int_equal(strlen(buf), strlen(key) + 1);
	assert_memory_equal(buf, key, strlen(key));
}

/* --psk-dir: one 0600 file per tunnel, referenced; no key in the output. */
static void
test_aws_psk_dir(void **state)
{
	struct conf_aws_opts opts = { .quiet = true };
	char dir[64], path[256], err[512];
	struct conf *conf;
	struct conf_tunnel *t;
	char *out;
	int rc;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/cgw-awsdir-XXXXXX");
	assert_non_null(mkdtemp(dir));
	opts.psk_dir = dir;
	/* an old key file is replaced whole, a symlink there not followed */
	snprintf(path, sizeof(path), "%s/vpn-0a1b2c3d4e5f60718-t2.psk", dir);
	assert_int_equal(symlink("/nonexistent/target", path), 0);
	out = import(sample("describe-custom.json"), &opts, &rc, err,
	    sizeof(err));
	if (rc != 0)
		fprintf(stderr, "%s\n", err);
	assert_int_equal(rc, 0);
	assert_null(strstr(out, "Xq3.example_key"));
	assert_null(strstr(out, "\tpsk \""));
	snprintf(path, sizeof(path), "\t\tpsk-file \"%s/vpn-0a1b2c3d4e5f60718-t1.psk\"\n",
	    dir);
	assert_non_null(strstr(out, path));
	snprintf(path, sizeof(path), "%s/vpn-0a1b2c3d4e5f60718-t1.psk", dir);
	check_key_file(path, "Xq3.example_key_tunnel_one_a1");
	snprintf(path, sizeof(path), "%s/vpn-0a1b2c3d4e5f60718-t2.psk", dir);
	check_key_file(path, "Zr7_example.key_tunnel_two_b2");
	assert_non_null(conf = load());
	assert_non_null(t = conf_tunnel_find(conf, "vpn-0a1b2c3d4e5f60718/t2"));
	assert_string_equal(t->psk, "Zr7_example.key_tunnel_two_b2");
	conf_free(conf);
	free(out);
	unlink(path);
	snprintf(path, sizeof(path), "%s/vpn-0a1b2c3d4e5f60718-t1.psk", dir);
	unlink(path);

	/* a failing import writes no key */
	out = import(sample("bad-ikev1-only.json"), &opts, &rc, err,
	    sizeof(err));
	assert_int_equal(rc, -1);
	free(out);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(rmdir(dir), 0);

	opts.psk_dir = "/nonexistent/dir";
	out = import(sample("vpn-basic.xml"), &opts, &rc, err, sizeof(err));
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "--psk-dir /nonexistent/dir"));
	free(out);
}

/* -o FILE's writer: 0600 whatever the umask, whole. */
static void
test_aws_write_secret(void **state)
{
	char path[64], err[256], buf[32] = "";
	struct stat st;
	mode_t old;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/cgw-aws-out-%d.conf", (int)getpid());
	old = umask(0);
	assert_int_equal(conf_aws_write_secret(path, "asn 1\n", 6, err,
	    sizeof(err)), 0);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "asn 1\n");
	unlink(path);
	assert_int_equal(conf_aws_write_secret("/nonexistent/x.conf", "x", 1,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/x.conf"));
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
		{ "bad-ikev1-only.json", "tunnel 2 (198.51.100.8): TunnelOptions "
		  "IkeVersions allows ikev1 only; cgwd speaks IKEv2" },
		{ "bad-phase1-lifetime.json", "Phase1LifetimeSeconds 600 is out "
		  "of AWS's range; allowed: 900-28800" },
		{ "bad-unknown-alg.json", "Phase2EncryptionAlgorithms 3DES is not "
		  "a value AWS allows" },
		{ "bad-dh5-phase1.json", "Phase1DHGroupNumbers 5 is not a value "
		  "AWS allows; allowed: 2, 14-24" },
		{ "bad-outside.json", "OutsideIpAddress 192.0.2.99 is no tunnel "
		  "of the XML" },
		{ "bad-psk-mismatch.json", "PreSharedKey differs from the XML's" },
		{ "bad-inside-cidr.json", "TunnelInsideCidr 169.254.99.0/30 "
		  "differs from the XML's inside address 169.254.44.42/30" },
		{ "bad-inside-ipv6.json", "TunnelInsideIpv6Cidr is set" },
		{ "bad-phase2-not-below.json", "Phase2LifetimeSeconds 3600 is not "
		  "below Phase1LifetimeSeconds 3600" },
		{ "bad-replay.json", "ReplayWindowSize 4096 is out of AWS's range" },
		{ "bad-startup.json", "StartupAction wait is not a value AWS "
		  "allows; allowed: add, start" },
		{ "bad-list-type.json", "Phase1DHGroupNumbers is not a list" },
		/* static: the XML names no VPC prefix; without --static
		 * there is nothing to route */
		{ "vpn-static.xml", "a static-routing VPN connection, and AWS's "
		  "configuration does not name the VPC's networks: give them "
		  "with --static CIDR" },
		{ "bad-static-mixed.xml", "tunnel 1 has <bgp> elements and tunnel "
		  "2 none; a connection routes statically or with BGP, not both" },
		{ "bad-static-mismatch.json", "Options StaticRoutesOnly is false, "
		  "but the XML has no <bgp> elements" },
		{ "bad-static-routes.json", "Routes[0] DestinationCidrBlock "
		  "10.224.0.1/12 has host bits set" },
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

/*
 * A static-routing connection: from the XML the VPC's prefixes come from
 * --static; from the JSON also from RemoteIpv4NetworkCidr, and its
 * Routes (the customer's prefixes) are comments. No BGP anywhere: no
 * asn, router-id, peer-asn or hold-time, and cgwd -n accepts it.
 */
static void
test_aws_static(void **state)
{
	const char *statics[] = { "172.31.0.0/16", "10.50.0.0/16" };
	const char *nets[] = { "10.224.0.0/12" };
	struct conf_aws_opts opts = { .statics = statics, .nstatics = 2,
	    .networks = nets, .nnetworks = 1, .quiet = true };
	struct conf *conf;
	struct conf_vpn *v;
	struct conf_network *n;
	char err[512], a[CGW_PREFIXSTRLEN];
	char *out;
	int rc;

	(void)state;
	out = import(sample("vpn-static.xml"), &opts, &rc, err, sizeof(err));
	assert_int_equal(rc, 0);
	assert_null(strstr(out, "asn"));
	assert_null(strstr(out, "router-id"));
	assert_null(strstr(out, "hold-time"));
	assert_non_null(strstr(out, "\tstatic 172.31.0.0/16\n\tstatic "
	    "10.50.0.0/16\n"));
	assert_non_null(strstr(out, "create-vpn-connection-route"));
	assert_non_null(conf = load());
	assert_int_equal(conf->asn, 0);
	v = TAILQ_FIRST(&conf->vpns);
	assert_true(conf_vpn_static(v));
	assert_false(conf_uses_bgp(conf));
	n = TAILQ_FIRST(&v->statics);
	assert_string_equal(prefix_fmt(&n->prefix, a, sizeof(a)),
	    "172.31.0.0/16");
	assert_non_null(conf_tunnel_find(conf, "vpn-0a1b2c3d4e5f60718/t2"));
	conf_free(conf);
	free(out);

	/* The JSON: RemoteIpv4NetworkCidr names the VPC; Routes listed. */
	opts.nstatics = 0;
	out = import(sample("describe-static.json"), &opts, &rc, err,
	    sizeof(err));
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "RemoteIpv4NetworkCidr, goes over the "
	    "tunnel that is up"));
	assert_non_null(strstr(out, "\tstatic 172.31.0.0/16\n"));
	assert_non_null(strstr(out, "#   10.224.0.0/12 (available)\n"));
	assert_non_null(strstr(out, "#   10.230.0.0/16 (pending)\n"));
	assert_null(strstr(out, "peer-asn"));
	assert_non_null(conf = load());
	v = TAILQ_FIRST(&conf->vpns);
	assert_true(conf_vpn_static(v));
	assert_int_equal(TAILQ_NEXT(TAILQ_FIRST(&v->statics), entry) == NULL, 1);
	conf_free(conf);
	free(out);

	/* --static wins over RemoteIpv4NetworkCidr. */
	opts.nstatics = 1;
	statics[0] = "10.60.0.0/16";
	out = import(sample("describe-static.json"), &opts, &rc, err,
	    sizeof(err));
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "\tstatic 10.60.0.0/16\n"));
	assert_null(strstr(out, "static 172.31.0.0/16"));
	free(out);
	statics[0] = "2001:db8::/32";
	out = import(sample("describe-static.json"), &opts, &rc, err,
	    sizeof(err));
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "--static 2001:db8::/32 is not an IPv4 "
	    "prefix"));
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aws_xml_basic),
		cmocka_unit_test(test_aws_static),
		cmocka_unit_test(test_aws_xml_reordered_with_options),
		cmocka_unit_test(test_aws_local_same_as_public),
		cmocka_unit_test(test_aws_json),
		cmocka_unit_test(test_aws_json_default_options),
		cmocka_unit_test(test_aws_json_custom_options),
		cmocka_unit_test(test_aws_json_several),
		cmocka_unit_test(test_aws_psk_dir),
		cmocka_unit_test(test_aws_write_secret),
		cmocka_unit_test(test_aws_stdin),
		cmocka_unit_test(test_aws_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
