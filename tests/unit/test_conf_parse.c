/*
 * conf_load on good and broken files, the printconf round trip and the
 * proposal strings. Files live in a fresh temporary directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "conf/conf.h"
#include "conf/conf_priv.h"
#include "lib/ikev2_const.h"

static char tmpdir[64];

static const char *
srcdir(void)
{
	const char *s = getenv("CGW_SRCDIR");

	return s ? s : ".";
}

static const char *
write_file(const char *name, const char *text, mode_t mode)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	unlink(path);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(p);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/cgw-conf-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	write_file("k600.psk", "File.key_600\n", 0600);
	write_file("k644.psk", "File.key_644\n", 0644);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static struct conf *
load_text(const char *text, struct conf_problems *probs)
{
	TAILQ_INIT(probs);
	/* 0600: a file with inline keys must be (conf_secret_file_ok). */
	return conf_load(write_file("test.conf", text, 0600), probs);
}

static const struct conf_problem *
find_problem(const struct conf_problems *probs, int line, const char *frag)
{
	const struct conf_problem *p;

	TAILQ_FOREACH(p, probs, entry)
		if (p->line == line && strstr(p->msg, frag) != NULL)
			return p;
	return NULL;
}

static char *read_all(const char *path);

/* ---- broken configurations --------------------------------------- */

#define HEAD	"asn 65000\nrouter-id 192.0.2.10\n"		/* lines 1-2 */
#define VPN(body) "vpn v {\n local 192.0.2.10\n" body "}\n"	/* 3-4, body 5 */
#define T1	"tunnel t1 { remote 198.51.100.1 inside 169.254.21.2/30 psk Abcdefgh.123 }\n"
#define TN(body) " tunnel t1 { remote 198.51.100.1 inside 169.254.21.2/30 psk Abcdefgh.123\n" body " }\n"	/* body 6 */
#define T2	"tunnel t2 { remote 198.51.100.2 inside 169.254.22.2/30 psk Abcdefgh.456 }\n"

struct bad_case {
	const char	*text;		/* after HEAD; "!" first: no HEAD */
	int		 line;
	const char	*frag;
	bool		 error;		/* else a warning, and the file loads */
};

static const struct bad_case bad_cases[] = {
	{ "asn 5\n", 3, "'asn' given twice (first on line 1)", true },
	{ "!asn 4294967296\nrouter-id 192.0.2.1\n", 1, "asn 4294967296 is not a number in range; "
	  "allowed: 1-4294967295", true },
	{ "!asn 0\nrouter-id 192.0.2.1\n", 1, "allowed: 1-4294967295", true },
	{ "!router-id 192.0.2.1\n", 0, "no 'asn'", true },
	{ "!asn 65000\n", 0, "no 'router-id'", true },
	{ "!asn 65000\nrouter-id 2001:db8::1\n", 2, "is not IPv4", true },
	{ "network 10.0.0.1/8\n", 3, "has host bits set; allowed: the network "
	  "address, 10.0.0.0/8", true },
	{ "network 10.0.0.0/33\n", 3, "is not a prefix", true },
	{ "network 10.0.0.0/8\nnetwork 10.0.0.0/8\n", 4, "already given on "
	  "line 3", false },
	{ "vpn v {\n local 192.0.2.300\n" T1 "}\n", 4, "local 192.0.2.300 is "
	  "not an IP address", true },
	{ "vpn v {\n" T1 "}\n", 3, "vpn \"v\" has no 'local'", true },
	{ VPN(" peer-asn 65000\n" T1), 3, "peer-asn 65000 equals our asn", true },
	{ VPN(" peer-asn 4294967296\n" T1), 5, "allowed: 1-4294967295", true },
	{ VPN(" ike proposal aes256-foo-modp2048\n" T1), 5,
	  "unknown ike algorithm 'foo'; allowed: aes128", true },
	{ VPN(" esp proposal aes128-sha1\n" T1), 5, "no DH group (AWS requires "
	  "PFS", true },
	{ VPN(" ike proposal aes128-modp2048\n" T1), 5, "no integrity "
	  "algorithm", true },
	{ VPN(" ike proposal aes128gcm16-sha256-modp2048\n" T1), 5, "takes no "
	  "integrity algorithm", true },
	{ VPN(" ike proposal aes128-aes128gcm16-sha1-modp2048\n" T1), 5,
	  "mixes AEAD", true },
	{ VPN(" esp proposal aes128-sha1-prfsha1-modp2048\n" T1), 5,
	  "unknown esp algorithm 'prfsha1'", true },
	{ VPN(" ike proposal aes128-sha1-sha1-modp2048\n" T1), 5,
	  "'sha1' listed twice", true },
	{ VPN(" ike lifetime 60s\n" T1), 5, "ike lifetime 60s out of range; "
	  "allowed: 900s-28800s (AWS), or add 'force'", true },
	{ VPN(" esp lifetime 2h\n" T1), 5, "esp lifetime 7200s out of range; "
	  "allowed: 900s-3600s", true },
	{ VPN(" esp lifetime 5s force\n" T1), 5, "out of range even with "
	  "'force'", true },
	{ VPN(" ike lifetime 8x\n" T1), 5, "lifetime 8x is not a duration",
	  true },
	{ VPN(" dpd interval 30s timeout 10s\n" T1), 5, "dpd timeout 10000ms "
	  "is shorter than two intervals (60000ms)", true },
	{ VPN(" dpd\n interval 0\n" T1), 6, "dpd interval 0 out of range; "
	  "allowed: 100ms-1h", true },
	{ VPN(" dpd interval 50ms\n" T1), 5, "dpd interval 50ms out of range",
	  true },
	{ VPN(" dpd timeout 2x\n" T1), 5, "dpd timeout 2x is not a duration",
	  true },
	{ VPN(" failover split maybe\n" T1), 5, "failover split maybe: "
	  "allowed: on, off", true },
	{ VPN(" failover hold-down 2h\n" T1), 5, "failover hold-down 2h out "
	  "of range", true },
	{ VPN(" hold-time 2\n" T1), 5, "hold-time 2 out of range; allowed: 0 "
	  "or 3s-65535s", true },
	{ VPN(" replay-window 5000\n" T1), 5, "allowed: 0-4096", true },
	{ VPN(" remote 1.2.3.4\n" T1), 5, "syntax error", true },
	{ VPN(" tunnel t1 {\n  remote 198.51.100.1\n  inside 169.254.3.2/30\n"
	  "  psk Abcdefgh.123\n }\n"), 7, "169.254.3.0/30 is reserved by AWS",
	  true },
	{ VPN(" tunnel t1 {\n  remote 198.51.100.1\n  inside 169.254.169.253/30\n"
	  "  psk Abcdefgh.123\n }\n"), 7, "169.254.169.252/30 is reserved", true },
	{ VPN(" tunnel t1 { remote 198.51.100.1 inside 10.0.0.2/30 psk "
	  "Abcdefgh.123 }\n"), 5, "is not in 169.254.0.0/16", true },
	{ VPN(" tunnel t1 { remote 198.51.100.1 inside 169.254.21.2/29 psk "
	  "Abcdefgh.123 }\n"), 5, "is not an IPv4 /30", true },
	{ VPN(" tunnel t1 { remote 198.51.100.1 inside 169.254.21.0/30 psk "
	  "Abcdefgh.123 }\n"), 5, "is the network address", true },
	{ VPN(" tunnel t1 { remote 198.51.100.1 inside 169.254.21.3/30 psk "
	  "Abcdefgh.123 }\n"), 5, "is the broadcast address", true },
	{ VPN(" tunnel t1 { remote 198.51.100.1 inside 169.254.21.1/30 psk "
	  "Abcdefgh.123 }\n"), 5, "is host 1, which AWS takes", false },
	/* IPv6 inside (AWS TunnelInsideIpv6Cidr): a /126 in fd00::/8 */
	{ VPN(" tunnel t1 { remote 198.51.100.1 inside fd00:1::6/64 psk "
	  "Abcdefgh.123 }\n"), 5, "is not an IPv6 /126", true },
	{ VPN(" tunnel t1 { remote 198.51.100.1 inside 2001:db8::2/126 psk "
	  "Abcdefgh.123 }\n"), 5, "is not in fd00::/8", true },
	{ VPN(" tunnel t1 { remote 198.51.100.1 inside fd00:1::7/126 psk "
	  "Abcdefgh.123 }\n"), 5, "is host 3 of its /126", true },
	{ VPN(" tunnel t1 { remote 198.51.100.1 inside fd00:1::5/126 psk "
	  "Abcdefgh.123 }\n"), 5, "is host 1, which AWS takes", false },
	{ VPN(" tunnel t1 { remote 198.51.100.1 inside 169.254.21.2 psk "
	  "Abcdefgh.123 }\n"), 5, "is not an address/prefix", true },
	{ VPN(" tunnel t1 {\n remote 198.51.100.1 inside 169.254.21.2/30\n"
	  " psk \"short\" }\n"), 7, "psk is 5 characters long; allowed: 8-64",
	  true },
	{ VPN(" tunnel t1 { remote 198.51.100.1 inside 169.254.21.2/30 psk "
	  "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" }\n"),
	  5, "psk is 65 characters long", true },
	{ VPN(" tunnel t1 { remote 198.51.100.1 inside 169.254.21.2/30 psk "
	  "\"0bcdefgh1\" }\n"), 5, "psk starts with '0'", false },
	{ VPN(" tunnel t1 { remote 198.51.100.1 inside 169.254.21.2/30 psk "
	  "\"abc-def gh\" }\n"), 5, "characters AWS refuses", false },
	{ VPN(" tunnel t1 {\n remote 198.51.100.1 inside 169.254.21.2/30\n"
	  " psk Abcdefgh.123\n psk-file k600.psk\n }\n"), 8, "both 'psk' and "
	  "'psk-file'", true },
	{ VPN(" tunnel t1 { remote 198.51.100.1 inside 169.254.21.2/30 }\n"),
	  5, "tunnel \"v/t1\" has no key", true },
	{ VPN(" tunnel t1 { remote 198.51.100.1 inside 169.254.21.2/30\n"
	  " psk-file nonexistent.psk }\n"), 6, "No such file or directory",
	  true },
	{ VPN(" tunnel t1 { remote 198.51.100.1 inside 169.254.21.2/30\n"
	  " psk-file k644.psk }\n"), 6, "readable or writable by group or "
	  "others (mode 0644); allowed: 0600 or 0400", true },
	{ VPN(" tunnel t1 { inside 169.254.21.2/30 psk Abcdefgh.123 }\n"), 5,
	  "has no 'remote'", true },
	{ VPN(" tunnel t1 { remote 198.51.100.1 psk Abcdefgh.123 }\n"), 5,
	  "has no 'inside'", true },
	{ VPN(" tunnel t1 { remote 198.51.100.1 remote 198.51.100.3 inside "
	  "169.254.21.2/30 psk Abcdefgh.123 }\n"), 5, "'remote' given twice",
	  true },
	{ VPN(T1 T1), 6, "tunnel \"t1\" already defined in vpn \"v\" on line 5",
	  true },
	{ VPN(T1) VPN(T2), 7, "vpn \"v\" already defined on line 3", true },
	{ VPN(T1) "vpn w {\n local 192.0.2.10\n tunnel x { remote 198.51.100.9 "
	  "inside 169.254.21.2/30 psk Abcdefgh.123 }\n}\n", 9, "inside "
	  "169.254.21.2/30 overlaps tunnel \"v/t1\" (line 5)", true },
	{ VPN(" tunnel t1 { remote 198.51.100.1 inside 169.254.21.2/30 psk "
	  "Abcdefgh.123 interface xa }\n tunnel t2 { remote 198.51.100.2 inside "
	  "169.254.22.2/30 psk Abcdefgh.123 interface xa }\n"), 6, "interface "
	  "xa already used by tunnel \"v/t1\"", true },
	{ VPN(T1 " tunnel t2 { remote 198.51.100.1 inside 169.254.22.2/30 psk "
	  "Abcdefgh.123 }\n"), 6, "one tunnel per local/remote pair", true },
	{ VPN(" tunnel t1 { remote 198.51.100.1 inside 169.254.21.2/30 psk "
	  "Abcdefgh.123 interface abcdefghijklmnop }\n"), 5, "interface name "
	  "'abcdefghijklmnop' is not valid; allowed: 1-15 characters", true },
	{ VPN(" tunnel t1 { remote 198.51.100.1 inside 169.254.21.2/30 psk "
	  "Abcdefgh.123 mtu 100 }\n"), 5, "mtu 100 is not a number in range; "
	  "allowed: 576-9000", true },
	{ VPN(" tunnel t1 { remote 2001:db8::1 inside 169.254.21.2/30 psk "
	  "Abcdefgh.123 }\n"), 5, "different address families", true },
	{ VPN(" tunnel \"a/b\" { remote 198.51.100.1 inside 169.254.21.2/30 psk "
	  "Abcdefgh.123 }\n"), 5, "tunnel name \"a/b\" is not valid", true },
	{ "vpn \"\" {\n local 192.0.2.10\n" T1 "}\n", 3, "vpn name \"\" is not "
	  "valid", true },
	{ VPN(""), 3, "vpn \"v\" has no tunnel", false },
	{ VPN(" local-id 192.0.2.300\n" T1), 5, "local-id 192.0.2.300: not "
	  "an address nor a name; allowed: an IPv4 or IPv6 address, @name",
	  true },
	{ VPN(" local-id @\n" T1), 5, "local-id @: not a host name", true },
	{ VPN(" remote-id @a..b\n" T1), 5, "remote-id @a..b: not a host name",
	  true },
	{ VPN(" local-id \"@cgw example\"\n" T1), 5, "not a host name", true },
	{ VPN(" local-id keyid:abc\n" T1), 5, "local-id keyid:abc: key id "
	  "needs an even, non-zero number of hex digits", true },
	{ VPN(" local-id keyid:\n" T1), 5, "key id needs an even", true },
	{ VPN(" local-id keyid:zz\n" T1), 5, "non-hex digit", true },
	{ VPN(" local-id 192.0.2.1\n local-id @x.example\n" T1), 6, "'local-id' "
	  "given twice (first on line 5)", true },
	{ VPN(" remote-id 198.51.100.9\n" T1), 5, "remote-id 198.51.100.9 "
	  "differs from tunnel \"v/t1\"'s remote 198.51.100.1", false },
	{ VPN(" remote-id 198.51.100.1\n" T1 T2), 5, "differs from tunnel "
	  "\"v/t2\"'s remote 198.51.100.2", false },
	{ "neighbor 10.0.0.1 {\n description x\n}\n", 3, "neighbor has no "
	  "'remote-as'", true },
	{ "neighbor 10.0.0 { remote-as 65010 }\n", 3, "neighbor 10.0.0 is not "
	  "an IP address", true },
	{ "neighbor 10.0.0.1 { remote-as 1 }\nneighbor 10.0.0.1 { remote-as 2 }\n",
	  4, "neighbor 10.0.0.1 already defined on line 3", true },
	{ "neighbor 10.0.0.1 {\n remote-as 1\n install-routes yes\n}\n", 5,
	  "install-routes yes: allowed: on, off", true },
	{ "neighbor 10.0.0.1 {\n remote-as 1 install-routes on\n"
	  " install-routes off\n}\n", 5, "'install-routes' given twice", true },
	{ "vpn v {\n local 192.0.2.10 = 1\n" T1 "}\n", 4, "unexpected "
	  "character '='", true },
	{ "vpn v {\n local \"192.0.2.10\n}\n", 4, "unterminated string", true },
	{ "vpn v {\n local 192.0.2.10\n" T1, 6, "syntax error, unexpected end "
	  "of file", true },
	{ "bogus 1\n", 3, "syntax error, unexpected word", true },
	/* per-tunnel settings: the same checks, in the tunnel */
	{ VPN(TN(" ike lifetime 60s\n")), 6, "ike lifetime 60s out of range; "
	  "allowed: 900s-28800s (AWS)", true },
	{ VPN(TN(" esp lifetime 2h\n")), 6, "esp lifetime 7200s out of range",
	  true },
	{ VPN(TN(" esp lifetime 20m\n esp lifetime 30m\n")), 7, "'lifetime' "
	  "given twice (first on line 6)", true },
	{ VPN(TN(" ike proposal aes256gcm16-sha384-ecp384\n")), 6, "takes no "
	  "integrity algorithm", true },
	{ VPN(TN(" dpd interval 5s timeout 8s\n")), 6, "tunnel \"v/t1\": dpd "
	  "timeout 8000ms is shorter than two intervals", true },
	/* the vpn's interval with the tunnel's timeout */
	{ VPN(" dpd interval 3s\n" TN(" dpd timeout 5s\n")), 7, "dpd timeout "
	  "5000ms is shorter than two intervals (6000ms)", true },
	{ VPN(TN(" replay-window 32\n")), 6, "replay-window 32: AWS accepts "
	  "64-2048", false },
	{ VPN(TN(" replay-window 5000\n")), 6, "allowed: 0-4096", true },
	{ VPN(" ike lifetime 30m\n" TN(" esp lifetime 1h\n")), 6, "esp lifetime "
	  "3600s is not shorter than the ike lifetime 1800s", false },
	{ VPN(TN(" startup initiate\n startup respond\n")), 7, "'startup' "
	  "given twice", true },
	{ VPN(TN(" steering ecmp\n")), 6, "syntax error", true },
	/* non-AWS peers: no PFS refused for AWS, a warning otherwise */
	{ VPN(" esp proposal aes256gcm16-nopfs\n" T1), 5, "esp proposal with "
	  "'nopfs' in vpn \"v\": AWS requires PFS", true },
	{ VPN(TN(" esp proposal aes256gcm16-nopfs\n")), 6, "AWS requires PFS",
	  true },
	{ VPN(" peer-type generic\n esp proposal aes256gcm16-nopfs\n" T1), 6,
	  "esp proposal without PFS in vpn \"v\"", false },
	{ VPN(" esp proposal aes256gcm16-nopfs-modp2048\n" T1), 5, "'nopfs' "
	  "with a DH group", true },
	{ VPN(" ike proposal aes256gcm16-nopfs\n" T1), 5, "unknown ike "
	  "algorithm 'nopfs'", true },
	{ VPN(" esp proposal aes256gcm16\n" T1), 5, "'nopfs' for a peer-type "
	  "generic peer", true },
	{ VPN(" peer-type cisco\n" T1), 5, "peer-type cisco: allowed: aws, "
	  "generic", true },
	{ VPN(TN(" traffic-selectors local 10.0.0.1/8 remote 0.0.0.0/0\n")), 6,
	  "traffic-selectors local 10.0.0.1/8 has host bits set", true },
	{ VPN(TN(" traffic-selectors local 10.0.0.0/8 remote 2001:db8::/32\n")),
	  6, "of different address families", true },
	{ VPN(TN(" traffic-selectors local 10.0.0.0/8\n")), 7, "syntax error",
	  true },
	{ VPN(TN(" traffic-selectors local 10.0.0.0/8 remote x\n")), 6,
	  "traffic-selectors remote x is not a prefix", true },
	/* MSS clamping */
	{ VPN(TN(" mss-clamp 100\n")), 6, "mss-clamp 100 is not a number in "
	  "range; allowed: 536-8960", true },
	{ VPN(TN(" mtu 1400 mss-clamp 1379\n")), 5, "mss-clamp 1379 does not fit "
	  "its mtu 1400; allowed: up to 1360", true },
	{ VPN(" mss-clamp 1400\n" TN("")), 6, "mss-clamp 1400 does not fit",
	  true },
	{ VPN(TN(" mss-clamp maybe\n")), 6, "mss-clamp maybe is not a number",
	  true },
	/* static-routing vpns */
	{ VPN(" static 172.31.0.1/16\n" T1), 5, "static 172.31.0.1/16 has host "
	  "bits set; allowed: the network address, 172.31.0.0/16", true },
	{ VPN(" static 172.31.0.0\n" T1), 5, "static 172.31.0.0 is not a "
	  "prefix", true },
	{ VPN(" static 2001:db8::/32\n" T1), 5, "is not IPv4", true },
	{ VPN(" static 198.51.0.0/16\n" T1), 5, "static 198.51.0.0/16 holds "
	  "tunnel \"v/t1\"'s remote 198.51.100.1", true },
	{ "network 10.224.0.0/12\n" VPN(" static 10.0.0.0/8\n" T1), 6,
	  "static 10.0.0.0/8 overlaps network 10.224.0.0/12 (line 3)", false },
	{ VPN(" static 172.31.0.0/16\n static 172.31.0.0/16\n" T1), 6,
	  "static 172.31.0.0/16 already given on line 5; ignored", false },
	{ VPN(" static 172.31.0.0/16\n peer-asn 64512\n" T1), 6, "peer-asn in "
	  "vpn \"v\", which routes by its 'static' prefixes (line 5) without "
	  "BGP", true },
	{ VPN(" hold-time 30s\n static 172.31.0.0/16\n" T1), 5, "hold-time in "
	  "vpn \"v\"", true },
	{ VPN(" static 172.31.0.0/16\n" T1) "vpn w {\n local 192.0.2.11\n"
	  " static 172.31.0.0/16\n " T2 "}\n", 10, "static 172.31.0.0/16 is "
	  "also vpn \"v\"'s (line 5)", false },
	/* without BGP, asn and router-id are not needed; with it they are */
	{ "!vpn v {\n local 192.0.2.10\n" T1 "}\n", 0, "no 'asn'", true },
	{ "!vpn v {\n local 192.0.2.10\n static 172.31.0.0/16\n" T1 "}\n"
	  "neighbor 10.0.0.1 { remote-as 65010 }\n", 0, "no 'router-id'", true },
	{ "metrics listen 127.0.0.1\n", 3, "metrics listen 127.0.0.1 is not "
	  "ADDRESS:PORT", true },
	{ "metrics listen 127.0.0.1:0\n", 3, "metrics listen port 0 is not a "
	  "number in range; allowed: 1-65535", true },
	{ "metrics listen 127.0.0.300:9642\n", 3, "metrics listen 127.0.0.300 "
	  "is not an IP address", true },
	{ "metrics listen \"[::1:9642\"\n", 3, "is not ADDRESS:PORT", true },
	/* ike limits */
	{ "ike limits { cookies 0 }\n", 3, "ike limits cookies 0 is not a "
	  "number in range; allowed: 1-100000", true },
	{ "ike limits { half-open 8 }\n", 3, "allowed: 16-1000000", true },
	{ "ike limits { cookies 5 }\nike limits { cookies 6 }\n", 4,
	  "'ike limits cookies' given twice (first on line 3)", true },
	{ "ike limits { cookies-per-peer 5 half-open-per-peer 5 }\n", 3,
	  "cookies-per-peer 5 is not below half-open-per-peer 5", false },
	{ "ike limits { burst 5 }\n", 3, "syntax error", true },
	{ "metrics listen 127.0.0.1:9642\nmetrics listen 127.0.0.1:9643\n", 4,
	  "'metrics listen' given twice (first on line 3)", true },
};

static void
test_conf_bad_cases(void **state)
{
	char text[8192];
	int failed = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		const struct conf_problem *p;
		struct conf_problems probs;
		struct conf *conf;

		if (c->text[0] == '!')
			snprintf(text, sizeof(text), "%s", c->text + 1);
		else
			snprintf(text, sizeof(text), "%s%s", HEAD, c->text);
		conf = load_text(text, &probs);
		p = find_problem(&probs, c->line, c->frag);
		if (p == NULL || p->error != c->error ||
		    (c->error ? conf != NULL : conf == NULL)) {
			fprintf(stderr, "case %zu: want line %d %s \"%s\"; got "
			    "conf=%p:\n%s\n", i, c->line, c->error ? "error" :
			    "warning", c->frag, (void *)conf, text);
			conf_problems_print(stderr, &probs);
			failed++;
		}
		conf_free(conf);
		conf_problems_free(&probs);
	}
	assert_int_equal(failed, 0);
}

static void
test_conf_reports_every_error(void **state)
{
	struct conf_problems probs;
	const struct conf_problem *p;
	struct conf *conf;
	int n = 0;

	(void)state;
	conf = load_text(HEAD VPN(" mtu 1\n ike lifetime 1s\n"
	    " tunnel t1 { remote x inside 169.254.21.2/30 mtu 1 psk Abcdefgh.1 }\n"
	    " tunnel t2 { remote 198.51.100.2 inside 169.254.1.2/30 psk s }\n")
	    "network nope\n", &probs);
	assert_null(conf);
	TAILQ_FOREACH(p, &probs, entry)
		n += p->error;
	/* mtu outside a tunnel, lifetime, remote, mtu, reserved, psk, network */
	assert_int_equal(n, 7);
	/* sorted by line */
	assert_int_equal(TAILQ_FIRST(&probs)->line, 5);
	assert_int_equal(TAILQ_LAST(&probs, conf_problems)->line, 10);
	conf_problems_free(&probs);
}

static void
test_conf_problems_print_format(void **state)
{
	struct conf_problems probs;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_null(load_text(HEAD "asn 1\n", &probs));
	assert_non_null(f = open_memstream(&buf, &len));
	conf_problems_print(f, &probs);
	fclose(f);
	assert_non_null(strstr(buf, "/test.conf:3: error: 'asn' given twice"));
	free(buf);
	conf_problems_free(&probs);
}

/* ---- good configurations ----------------------------------------- */

static void
test_conf_values_and_defaults(void **state)
{
	struct conf_problems probs;
	struct conf *conf;
	struct conf_vpn *v;
	struct conf_tunnel *t;
	char a[CGW_PREFIXSTRLEN];

	(void)state;
	conf = load_text(HEAD "network 10.224.0.0/12; network 172.16.0.0/16\n"
	    "vpn \"aws-prod\" { local 192.0.2.10\n"
	    "  ike lifetime 60s force; esp proposal aes128-sha1-modp1024 lifetime 30s force\n"
	    "  dpd timeout 40s interval 5s; steering ecmp; startup respond\n"
	    "  replay-window 64; hold-time 90s\n"
	    "  failover split off hold-down 1m\n"
	    "  tunnel t1 { remote 198.51.100.1; inside 169.254.21.2/30; psk-file \"k600.psk\"; }\n"
	    "  tunnel \"t2\" { remote 198.51.100.2 inside 169.254.22.2/30 psk \"Abc.def_123\" "
	    "interface cgw-t2 mtu 1400 }\n"
	    "}\n", &probs);
	conf_problems_print(stderr, &probs);
	assert_non_null(conf);
	assert_true(TAILQ_EMPTY(&probs));
	assert_int_equal(conf->asn, 65000);
	v = TAILQ_FIRST(&conf->vpns);
	assert_string_equal(v->name, "aws-prod");
	assert_int_equal(v->peer_asn, CONF_DEF_PEER_ASN);
	assert_int_equal(v->ike_lifetime_s, 60);
	assert_int_equal(v->esp_lifetime_s, 30);
	assert_int_equal(v->dpd_interval_ms, 5000);
	assert_int_equal(v->dpd_timeout_ms, 40000);
	assert_false(v->failover_split);
	assert_int_equal(v->failover_holddown_s, 60);
	assert_int_equal(v->steering, CONF_STEER_ECMP);
	assert_int_equal(v->startup, CONF_START_RESPOND);
	assert_int_equal(v->replay_window, 64);
	assert_int_equal(v->hold_time_s, 90);
	assert_int_equal(v->n_ike, 3);		/* the defaults */
	assert_string_equal(v->ike[0].text, "aes256gcm16-prfsha256-modp2048");
	assert_int_equal(v->n_esp, 1);
	t = conf_tunnel_find(conf, "aws-prod/t1");
	assert_non_null(t);
	assert_ptr_equal(t->vpn, v);
	assert_int_equal(t->index, 0);
	assert_int_equal(t->psk_len, strlen("File.key_600"));	/* newline cut */
	assert_memory_equal(t->psk, "File.key_600", t->psk_len);
	assert_string_equal(t->psk_file, "k600.psk");
	assert_int_equal(t->mtu, CONF_DEF_MTU);
	assert_string_equal(prefix_fmt(&t->inside, a, sizeof(a)), "169.254.21.2/30");
	t = conf_tunnel_find(conf, "aws-prod/t2");
	assert_non_null(t);
	assert_int_equal(t->index, 1);
	assert_string_equal(t->fullname, "aws-prod/t2");
	assert_string_equal(t->psk, "Abc.def_123");
	assert_null(t->psk_file);
	assert_string_equal(t->ifname, "cgw-t2");
	assert_int_equal(t->mtu, 1400);
	assert_null(conf_tunnel_find(conf, "aws-prod/t3"));
	assert_null(conf_tunnel_find(conf, "t1"));
	conf_free(conf);
	conf_problems_free(&probs);
}

/* IPv6 inside addresses (AWS TGW IPv6 VPNs), beside an IPv4 one. */
static void
test_conf_inside_ipv6(void **state)
{
	struct conf_problems probs;
	struct conf *conf;
	struct conf_tunnel *t;
	char a[CGW_PREFIXSTRLEN];

	(void)state;
	conf = load_text(HEAD "vpn v { local 192.0.2.10\n"
	    " tunnel t1 { remote 198.51.100.1 inside fd00:1::6/126 psk Abcdefgh.123 }\n"
	    " tunnel t2 { remote 198.51.100.2 inside fd00:2::2/126 psk Abcdefgh.456 }\n"
	    "}\n", &probs);
	conf_problems_print(stderr, &probs);
	assert_non_null(conf);
	assert_true(TAILQ_EMPTY(&probs));
	assert_non_null(t = conf_tunnel_find(conf, "v/t1"));
	assert_int_equal(t->inside.addr.af, AF_INET6);
	assert_string_equal(prefix_fmt(&t->inside, a, sizeof(a)),
	    "fd00:1::6/126");
	conf_free(conf);
	conf_problems_free(&probs);
}

/* A tunnel's own settings win; the vpn's, even given after it, fill the rest. */
static void
test_conf_tunnel_settings(void **state)
{
	struct conf_problems probs;
	struct conf *conf;
	struct conf_tunnel *t;
	char a[CGW_PREFIXSTRLEN];

	(void)state;
	conf = load_text(HEAD "vpn v { local 192.0.2.10\n"
	    " tunnel t1 { remote 198.51.100.1 inside 169.254.21.2/30 psk Abcdefgh.123\n"
	    "  ike proposal aes256gcm16-prfsha384-ecp384 lifetime 4h\n"
	    "  esp proposal aes256gcm16-ecp384 lifetime 30m\n"
	    "  dpd timeout 5s; replay-window 2048; startup respond }\n"
	    " tunnel t2 { remote 198.51.100.2 inside 169.254.22.2/30 psk Abcdefgh.456 }\n"
	    " ike lifetime 2h; esp proposal aes128-sha1-modp1024; dpd interval 1s\n"
	    "}\n", &probs);
	conf_problems_print(stderr, &probs);
	assert_non_null(conf);
	assert_true(TAILQ_EMPTY(&probs));
	assert_non_null(t = conf_tunnel_find(conf, "v/t1"));
	assert_int_equal(t->n_ike, 1);
	assert_string_equal(t->ike[0].text, "aes256gcm16-prfsha384-ecp384");
	assert_int_equal(t->n_esp, 1);
	assert_string_equal(t->esp[0].text, "aes256gcm16-ecp384");
	assert_int_equal(t->ike_lifetime_s, 4 * 3600);
	assert_int_equal(t->esp_lifetime_s, 1800);
	assert_int_equal(t->dpd_interval_ms, 1000);	/* the vpn's */
	assert_int_equal(t->dpd_timeout_ms, 5000);
	assert_int_equal(t->replay_window, 2048);
	assert_int_equal(t->startup, CONF_START_RESPOND);
	assert_non_null(t = conf_tunnel_find(conf, "v/t2"));
	assert_int_equal(t->n_ike, 3);		/* the defaults, via the vpn */
	assert_string_equal(t->ike[0].text, "aes256gcm16-prfsha256-modp2048");
	assert_int_equal(t->n_esp, 1);
	assert_string_equal(t->esp[0].text, "aes128-sha1-modp1024");
	assert_int_equal(t->ike_lifetime_s, 2 * 3600);
	assert_int_equal(t->esp_lifetime_s, CONF_DEF_ESP_LIFETIME);
	assert_int_equal(t->dpd_interval_ms, 1000);
	assert_int_equal(t->dpd_timeout_ms, CONF_DEF_DPD_TIMEOUT_MS);
	assert_int_equal(t->replay_window, CONF_DEF_REPLAY);
	assert_int_equal(t->startup, CONF_START_INITIATE);
	assert_int_equal(t->own, 0);
	assert_int_equal(t->ts_local.addr.af, AF_UNSPEC);	/* all */
	/* MSS clamped by default, to AWS's value for the default mtu */
	assert_int_equal(t->mss_clamp, CONF_MSS_AUTO);
	assert_int_equal(conf_tunnel_mss(t), 1379);
	conf_free(conf);
	conf_problems_free(&probs);

	/* selectors: the tunnel's own, else the vpn's */
	conf = load_text(HEAD "vpn v { local 192.0.2.10; peer-type generic\n"
	    " traffic-selectors local 10.224.0.0/12 remote 172.31.0.0/16\n"
	    " esp proposal aes256gcm16-nopfs\n"
	    " tunnel t1 { remote 198.51.100.1 inside 169.254.21.2/30 psk Abcdefgh.123\n"
	    "  traffic-selectors local 10.224.1.0/24 remote 172.31.5.0/24 }\n"
	    " tunnel t2 { remote 198.51.100.2 inside 169.254.22.2/30 psk Abcdefgh.456 }\n"
	    "}\n", &probs);
	assert_non_null(conf);
	assert_non_null(t = conf_tunnel_find(conf, "v/t1"));
	assert_string_equal(prefix_fmt(&t->ts_local, a, sizeof(a)),
	    "10.224.1.0/24");
	assert_string_equal(prefix_fmt(&t->ts_remote, a, sizeof(a)),
	    "172.31.5.0/24");
	assert_true(t->esp[0].nopfs);
	for (size_t i = 0; i < t->esp[0].nxf; i++)
		assert_int_not_equal(t->esp[0].xf[i].type, IKEV2_XFORM_DH);
	assert_non_null(t = conf_tunnel_find(conf, "v/t2"));
	assert_string_equal(prefix_fmt(&t->ts_local, a, sizeof(a)),
	    "10.224.0.0/12");
	assert_string_equal(prefix_fmt(&t->ts_remote, a, sizeof(a)),
	    "172.31.0.0/16");
	conf_free(conf);
	conf_problems_free(&probs);
}

static void
test_conf_spec_example(void **state)
{
	struct conf_problems probs;

	(void)state;
	/* SPEC section 4 as written: it parses; only its placeholders fail */
	assert_null(load_text(
	    "asn 65000\n"
	    "router-id 192.0.2.10\n"
	    "network 10.224.0.0/12              # advertised over every tunnel\n"
	    "\n"
	    "vpn \"aws-prod\" {\n"
	    "    local 192.0.2.10               # outside address of this host\n"
	    "    peer-asn 64512\n"
	    "    ike proposal aes256gcm16-prfsha256-modp2048 lifetime 8h\n"
	    "    esp proposal aes256gcm16-modp2048 lifetime 1h\n"
	    "    dpd interval 10s timeout 30s\n"
	    "    tunnel \"t1\" {\n"
	    "        remote 198.51.100.1\n"
	    "        inside 169.254.21.2/30     # ours; the peer is host 1\n"
	    "        psk-file \"/nonexistent/aws-prod-t1.psk\"\n"
	    "    }\n"
	    "    tunnel \"t2\" { remote 198.51.100.2  inside 169.254.22.2/30  psk \"\xe2\x80\xa6\" }\n"
	    "}\n"
	    "\n"
	    "neighbor 10.224.0.1 {              # a LAN-side BGP peer (on-premises router)\n"
	    "    remote-as 65010                # routes learned from the VPN are passed on\n"
	    "}\n", &probs));
	assert_non_null(find_problem(&probs, 14, "No such file"));
	assert_non_null(find_problem(&probs, 16, "psk is 3 characters long"));
	assert_null(find_problem(&probs, 16, "syntax"));
	conf_problems_free(&probs);
}

static void
test_conf_examples_parse(void **state)
{
	char dir[512], path[1024];
	struct dirent *de;
	DIR *d;
	int n = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/contrib/examples", srcdir());
	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)) != NULL) {
		struct conf_problems probs;
		struct conf *conf;
		size_t len = strlen(de->d_name);
		char *text;

		if (len < 5 || strcmp(de->d_name + len - 5, ".conf") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		/* Installed 0644 as documentation; in use they hold keys. */
		assert_non_null(text = read_all(path));
		conf = load_text(text, &probs);
		free(text);
		conf_problems_print(stderr, &probs);
		assert_non_null(conf);
		assert_true(TAILQ_EMPTY(&probs));
		conf_free(conf);
		n++;
	}
	closedir(d);
	assert_true(n >= 2);
}

static char *
print_to_string(const struct conf *conf)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	assert_non_null(f = open_memstream(&buf, &len));
	conf_print(f, conf);
	fclose(f);
	return buf;
}

static char *
read_all(const char *path)
{
	FILE *f;
	char *buf;
	long n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	assert_non_null(buf = calloc(1, (size_t)n + 1));
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

/*
 * bgpd-style: tests/conf/NAME.conf parsed and printed equals NAME.ok,
 * and printing is a fixed point. The inputs use psk-files (relative), so
 * they run from the temporary directory where the keys are 0600.
 */
static void
test_conf_round_trip(void **state)
{
	char dir[512], path[1024];
	struct dirent *de;
	DIR *d;
	int n = 0;

	(void)state;
	write_file("rt-t1.psk", "Round.trip_key_1\n", 0600);
	write_file("rt-t2.psk", "Round.trip_key_2", 0400);
	snprintf(dir, sizeof(dir), "%s/tests/conf", srcdir());
	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)) != NULL) {
		struct conf_problems probs;
		struct conf *c1, *c2;
		char *in, *out1, *out2, *ok;
		size_t len = strlen(de->d_name);

		if (strncmp(de->d_name, "rt-", 3) != 0 || len < 5 ||
		    strcmp(de->d_name + len - 5, ".conf") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		assert_non_null(in = read_all(path));
		c1 = load_text(in, &probs);
		conf_problems_print(stderr, &probs);
		assert_non_null(c1);
		conf_problems_free(&probs);
		out1 = print_to_string(c1);
		c2 = load_text(out1, &probs);
		conf_problems_print(stderr, &probs);
		assert_non_null(c2);
		conf_problems_free(&probs);
		out2 = print_to_string(c2);
		assert_string_equal(out1, out2);
		snprintf(path + strlen(path) - 5, 6, ".ok");
		if ((ok = read_all(path)) != NULL) {
			assert_string_equal(out1, ok);
			free(ok);
		}
		/* never a key in the output */
		assert_null(strstr(out1, "Round.trip_key"));
		assert_null(strstr(out1, "Inline.key"));
		free(in);
		free(out1);
		free(out2);
		conf_free(c1);
		conf_free(c2);
		n++;
	}
	closedir(d);
	assert_true(n >= 1);
}

/* ---- proposals ---------------------------------------------------- */

static bool
has_xf(const struct conf_proposal *p, uint8_t type, uint16_t id, uint16_t bits)
{
	for (size_t i = 0; i < p->nxf; i++)
		if (p->xf[i].type == type && p->xf[i].id == id &&
		    p->xf[i].keybits == bits)
			return true;
	return false;
}

static void
test_conf_proposals(void **state)
{
	struct conf_proposal p;
	char err[1024];

	(void)state;
	assert_int_equal(conf_proposal_parse("aes256gcm16-prfsha256-modp2048",
	    CONF_SA_IKE, &p, err, sizeof(err)), 0);
	assert_int_equal(p.nxf, 3);
	assert_true(has_xf(&p, IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_16, 256));
	assert_true(has_xf(&p, IKEV2_XFORM_PRF, IKEV2_PRF_HMAC_SHA2_256, 0));
	assert_true(has_xf(&p, IKEV2_XFORM_DH, IKEV2_DH_MODP2048, 0));

	/* prf derived from the integrity algorithm */
	assert_int_equal(conf_proposal_parse("aes128-sha1-modp1024",
	    CONF_SA_IKE, &p, err, sizeof(err)), 0);
	assert_int_equal(p.nxf, 4);
	assert_true(has_xf(&p, IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_CBC, 128));
	assert_true(has_xf(&p, IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA1_96, 0));
	assert_true(has_xf(&p, IKEV2_XFORM_PRF, IKEV2_PRF_HMAC_SHA1, 0));
	assert_true(has_xf(&p, IKEV2_XFORM_DH, IKEV2_DH_MODP1024, 0));

	assert_int_equal(conf_proposal_parse("aes256-sha2_512-ecp521",
	    CONF_SA_IKE, &p, err, sizeof(err)), 0);
	assert_true(has_xf(&p, IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA2_512_256, 0));
	assert_true(has_xf(&p, IKEV2_XFORM_PRF, IKEV2_PRF_HMAC_SHA2_512, 0));
	assert_true(has_xf(&p, IKEV2_XFORM_DH, IKEV2_DH_ECP521, 0));

	/* AEAD without prf: prfsha256 */
	assert_int_equal(conf_proposal_parse("aes128gcm16-ecp256", CONF_SA_IKE,
	    &p, err, sizeof(err)), 0);
	assert_true(has_xf(&p, IKEV2_XFORM_PRF, IKEV2_PRF_HMAC_SHA2_256, 0));
	assert_true(has_xf(&p, IKEV2_XFORM_DH, IKEV2_DH_ECP256, 0));

	assert_int_equal(conf_proposal_parse("aes256-sha256-curve25519",
	    CONF_SA_IKE, &p, err, sizeof(err)), 0);
	assert_true(has_xf(&p, IKEV2_XFORM_DH, IKEV2_DH_CURVE25519, 0));

	/* several per type: each integ gives its prf */
	assert_int_equal(conf_proposal_parse(
	    "aes128-aes256-sha1-sha256-modp2048-modp1024", CONF_SA_IKE, &p,
	    err, sizeof(err)), 0);
	assert_int_equal(p.nxf, 8);
	assert_true(has_xf(&p, IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_CBC, 256));
	assert_true(has_xf(&p, IKEV2_XFORM_PRF, IKEV2_PRF_HMAC_SHA2_256, 0));
	assert_true(has_xf(&p, IKEV2_XFORM_DH, IKEV2_DH_MODP1024, 0));

	/* ESP: ESN defaults to no; esn/noesn honoured; gcm8/12 forms */
	assert_int_equal(conf_proposal_parse("aes256gcm16-modp2048", CONF_SA_ESP,
	    &p, err, sizeof(err)), 0);
	assert_int_equal(p.nxf, 3);
	assert_true(has_xf(&p, IKEV2_XFORM_ESN, IKEV2_ESN_NO, 0));
	assert_int_equal(conf_proposal_parse("aes128gcm12-modp2048s256-esn",
	    CONF_SA_ESP, &p, err, sizeof(err)), 0);
	assert_true(has_xf(&p, IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_12, 128));
	assert_true(has_xf(&p, IKEV2_XFORM_ESN, IKEV2_ESN_YES, 0));
	assert_false(has_xf(&p, IKEV2_XFORM_ESN, IKEV2_ESN_NO, 0));
	assert_int_equal(conf_proposal_parse("aes192gcm8-x25519-noesn",
	    CONF_SA_ESP, &p, err, sizeof(err)), 0);
	assert_true(has_xf(&p, IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_8, 192));
	assert_true(has_xf(&p, IKEV2_XFORM_DH, IKEV2_DH_CURVE25519, 0));

	/* refusals */
	assert_int_equal(conf_proposal_parse("aes128-sha1", CONF_SA_ESP, &p,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "PFS"));
	assert_int_equal(conf_proposal_parse("aes128-sha1-modp2048-esn",
	    CONF_SA_IKE, &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown ike algorithm 'esn'"));
	assert_int_equal(conf_proposal_parse("3des-sha1-modp1024", CONF_SA_IKE,
	    &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "allowed: aes128 aes192 aes256"));
	assert_non_null(strstr(err, "curve25519"));
	assert_int_equal(conf_proposal_parse("sha1-modp1024", CONF_SA_IKE, &p,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no encryption"));
	assert_int_equal(conf_proposal_parse("", CONF_SA_IKE, &p, err,
	    sizeof(err)), -1);
	assert_int_equal(conf_proposal_parse("aes128--sha1-modp1024",
	    CONF_SA_IKE, &p, err, sizeof(err)), 0);	/* strtok: empty part */

	/* the documented defaults are valid */
	{
		struct conf_proposal d[CONF_MAX_PROPOSALS];

		assert_int_equal(conf_proposal_defaults(CONF_SA_IKE, d,
		    CONF_MAX_PROPOSALS), 3);
		assert_string_equal(d[2].text, "aes128-sha1-modp1024");
		assert_int_equal(conf_proposal_defaults(CONF_SA_ESP, d,
		    CONF_MAX_PROPOSALS), 3);
		assert_string_equal(d[0].text, "aes256gcm16-modp2048");
	}
}

static void
test_conf_bom_and_crlf(void **state)
{
	struct conf_problems probs;
	struct conf *conf;

	(void)state;
	conf = load_text("\xef\xbb\xbf" "asn 65000\r\nrouter-id 192.0.2.10\r\n"
	    "vpn v {\r\n local 192.0.2.10\r\n" T1 "}\r\n", &probs);
	conf_problems_print(stderr, &probs);
	assert_non_null(conf);
	assert_true(TAILQ_EMPTY(&probs));
	assert_string_equal(conf_tunnel_find(conf, "v/t1")->psk, "Abcdefgh.123");
	conf_free(conf);
	conf_problems_free(&probs);
}

/*
 * Whatever goes wrong around an unquoted psk, no problem message shows a
 * piece of it: not a key that spells a keyword, not a character glued to
 * it. A key that spells a keyword is a key like any other.
 */
/* What each spelling of local-id / remote-id becomes, and the limits. */
static void
test_conf_ids(void **state)
{
	static const struct {
		const char	*value;
		uint8_t		 type;
		size_t		 len;
		const char	*data;
		const char	*printed;
	} cases[] = {
		{ "192.0.2.10", IKEV2_ID_IPV4_ADDR, 4, "\xc0\x00\x02\x0a",
		  "192.0.2.10" },
		{ "2001:db8::a", IKEV2_ID_IPV6_ADDR, 16, "\x20\x01\x0d\xb8"
		  "\0\0\0\0\0\0\0\0\0\0\0\x0a", "2001:db8::a" },
		{ "@cgw.example.com", IKEV2_ID_FQDN, 15, "cgw.example.com",
		  "@cgw.example.com" },
		{ "cgw.example.com", IKEV2_ID_FQDN, 15, "cgw.example.com",
		  "@cgw.example.com" },
		{ "\"@cgw-1\"", IKEV2_ID_FQDN, 5, "cgw-1", "@cgw-1" },
		{ "@192.0.2.10", IKEV2_ID_FQDN, 10, "192.0.2.10", "@192.0.2.10" },
		{ "keyid:0A1b", IKEV2_ID_KEY_ID, 2, "\x0a\x1b", "keyid:0a1b" },
	};
	struct conf_problems probs;
	struct conf *conf;
	struct conf_vpn *v;
	char text[2048], name[300], hex[513], buf[CONF_IDSTRLEN];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), HEAD VPN(" local-id %s\n remote-id "
		    "%s\n" T1), cases[i].value, cases[i].value);
		conf = load_text(text, &probs);
		conf_problems_print(stderr, &probs);
		conf_problems_free(&probs);
		/* an address remote-id unlike the tunnel's remote only
		 * warns: the file loads */
		assert_non_null(conf);
		v = TAILQ_FIRST(&conf->vpns);
		assert_int_equal(v->local_id.type, cases[i].type);
		assert_int_equal(v->local_id.len, cases[i].len);
		assert_memory_equal(v->local_id.data, cases[i].data,
		    cases[i].len);
		assert_memory_equal(&v->remote_id, &v->local_id,
		    sizeof(v->local_id));
		assert_string_equal(conf_id_fmt(&v->local_id, buf, sizeof(buf)),
		    cases[i].printed);
		conf_free(conf);
	}

	/* unset by default: the local address stays the identity */
	conf = load_text(HEAD VPN(T1), &probs);
	conf_problems_free(&probs);
	assert_non_null(conf);
	assert_int_equal(TAILQ_FIRST(&conf->vpns)->local_id.type, 0);
	assert_int_equal(TAILQ_FIRST(&conf->vpns)->remote_id.type, 0);
	conf_free(conf);

	/* 255 bytes fit, 256 do not */
	memset(name, 'a', 255);
	name[255] = '\0';
	snprintf(text, sizeof(text), HEAD VPN(" local-id @%s\n" T1), name);
	conf = load_text(text, &probs);
	conf_problems_free(&probs);
	assert_non_null(conf);
	assert_int_equal(TAILQ_FIRST(&conf->vpns)->local_id.len, 255);
	conf_free(conf);
	strcat(name, "b");
	snprintf(text, sizeof(text), HEAD VPN(" local-id @%s\n" T1), name);
	assert_null(conf = load_text(text, &probs));
	assert_non_null(find_problem(&probs, 5, "name longer than 255 "
	    "characters"));
	conf_problems_free(&probs);
	memset(hex, 'f', 512);
	hex[512] = '\0';
	snprintf(text, sizeof(text), HEAD VPN(" local-id keyid:%s\n" T1), hex);
	assert_null(conf = load_text(text, &probs));
	assert_non_null(find_problem(&probs, 5, "key id longer than 255 bytes"));
	/* the value is cut in the message, not the whole 512 digits */
	assert_null(strstr(TAILQ_FIRST(&probs)->msg, hex + 100));
	conf_problems_free(&probs);
}

static void
test_conf_psk_not_echoed(void **state)
{
	static const struct {
		const char	*psk;		/* as written after `psk ` */
		const char	*secret;	/* must appear in no message */
		bool		 loads;
	} cases[] = {
		{ "replay-window", "replay-window", true },
		{ "\n  active-standby", "active-standby", true },
		{ "Abcdefgh$12", "$", false },
		{ "Abcdefgh\xc3\xa9", "0xc3", false },
		{ "Abcd{efgh", "{", false },
	};
	const struct conf_problem *p;
	struct conf_problems probs;
	struct conf *conf;
	char text[1024];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), HEAD VPN(" tunnel t1 { remote "
		    "198.51.100.1 inside 169.254.21.2/30 psk %s }\n"),
		    cases[i].psk);
		conf = load_text(text, &probs);
		TAILQ_FOREACH(p, &probs, entry) {
			if (strstr(p->msg, cases[i].secret) != NULL)
				fail_msg("case %zu: psk shown in \"%s\"", i,
				    p->msg);
		}
		if (cases[i].loads) {
			assert_non_null(conf);
			assert_string_equal(conf_tunnel_find(conf, "v/t1")->psk,
			    cases[i].secret);
		} else
			assert_null(conf);
		conf_free(conf);
		conf_problems_free(&probs);
	}
}

/* Loads path: accepted without a word (frag NULL), or refused on line 6. */
static void
secret_case(const char *path, const char *frag, const char *what)
{
	struct conf_problems probs;
	const struct conf_problem *p;
	struct conf *conf;

	TAILQ_INIT(&probs);
	conf = conf_load(path, &probs);
	p = frag ? find_problem(&probs, 6, frag) : NULL;
	if (frag == NULL ? conf == NULL || !TAILQ_EMPTY(&probs) :
	    conf != NULL || p == NULL || !p->error) {
		conf_problems_print(stderr, &probs);
		fail_msg("%s: expected %s", what, frag ? frag : "no problem");
	}
	if (p != NULL)
		assert_non_null(strstr(p->msg, what));
	conf_free(conf);
	conf_problems_free(&probs);
}

/*
 * Files holding keys: owned by root (or us), no access for group or
 * others. A psk-file, and a configuration with an inline psk.
 */
static void
test_conf_secret_files(void **state)
{
	static const struct {
		mode_t		 mode;
		uid_t		 uid;
		const char	*frag;		/* NULL: accepted */
	} cases[] = {
		{ 0600, 0, NULL },
		{ 0400, 0, NULL },
		{ 0602, 0, "writable by group or others (mode 0602)" },
		{ 0620, 0, "writable by group or others (mode 0620)" },
		{ 0640, 0, "readable or writable by group or others (mode 0640)" },
		{ 0644, 0, "(mode 0644); allowed: 0600 or 0400" },
		{ 0666, 0, "(mode 0666); allowed: 0600 or 0400" },
		{ 0600, 65534, "owned by uid 65534; allowed: owned by root" },
	};
	struct conf_problems probs;
	struct conf *conf;
	const char *path;
	size_t i;

	(void)state;
	if (geteuid() != 0)
		skip();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* the psk-file; its line is 6 */
		path = write_file("m.psk", "File.key_mode\n", cases[i].mode);
		assert_int_equal(chown(path, cases[i].uid, 0), 0);
		path = write_file("pf.conf", HEAD VPN(" tunnel t1 { remote "
		    "198.51.100.1 inside 169.254.21.2/30\n psk-file m.psk }\n"),
		    0644);
		secret_case(path, cases[i].frag, "psk-file \"");
		/* the configuration itself, its psk on line 6 */
		path = write_file("secret.conf", HEAD VPN(" tunnel t1 { remote "
		    "198.51.100.1 inside 169.254.21.2/30\n psk Abcdefgh.123 }\n"),
		    cases[i].mode);
		assert_int_equal(chown(path, cases[i].uid, 0), 0);
		secret_case(path, cases[i].frag, "psk given inline");
	}
	/* Without inline keys, the configuration may be world-readable. */
	path = write_file("open.conf", HEAD VPN(" tunnel t1 { remote "
	    "198.51.100.1 inside 169.254.21.2/30 psk-file k600.psk }\n"), 0644);
	TAILQ_INIT(&probs);
	conf = conf_load(path, &probs);
	conf_problems_print(stderr, &probs);
	assert_non_null(conf);
	assert_true(TAILQ_EMPTY(&probs));
	conf_free(conf);
	conf_problems_free(&probs);
}

static void
test_conf_missing_file(void **state)
{
	struct conf_problems probs;

	(void)state;
	TAILQ_INIT(&probs);
	assert_null(conf_load("/nonexistent/cgwd.conf", &probs));
	assert_non_null(find_problem(&probs, 0, "cannot read"));
	conf_problems_free(&probs);
}

/* AWS's 100 prefixes are counted per family: 100 IPv4 networks and 1
 * IPv6 one are no warning, a 101st IPv4 one is, on its line. */
static void
test_conf_networks_per_family(void **state)
{
	struct conf_problems probs;
	struct conf *conf;
	char *text, *p;
	size_t i, sz = 64 + 102 * 32;

	(void)state;
	assert_non_null(text = malloc(sz));
	p = text + snprintf(text, sz, HEAD "network 2001:db8:100::/48\n");
	for (i = 0; i < 100; i++)
		p += snprintf(p, sz - (size_t)(p - text), "network 10.%zu.0.0/16\n",
		    i);
	conf = load_text(text, &probs);
	assert_non_null(conf);
	assert_true(TAILQ_EMPTY(&probs));
	conf_free(conf);
	conf_problems_free(&probs);
	snprintf(p, sz - (size_t)(p - text), "network 10.200.0.0/16\n");
	conf = load_text(text, &probs);
	assert_non_null(conf);
	/* HEAD is 2 lines, the IPv6 network line 3, the IPv4 ones 4-103 */
	assert_non_null(find_problem(&probs, 104, "more than 100 IPv4 networks"));
	conf_free(conf);
	conf_problems_free(&probs);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_bad_cases),
		cmocka_unit_test(test_conf_inside_ipv6),
		cmocka_unit_test(test_conf_reports_every_error),
		cmocka_unit_test(test_conf_problems_print_format),
		cmocka_unit_test(test_conf_values_and_defaults),
		cmocka_unit_test(test_conf_tunnel_settings),
		cmocka_unit_test(test_conf_spec_example),
		cmocka_unit_test(test_conf_examples_parse),
		cmocka_unit_test(test_conf_round_trip),
		cmocka_unit_test(test_conf_proposals),
		cmocka_unit_test(test_conf_bom_and_crlf),
		cmocka_unit_test(test_conf_ids),
		cmocka_unit_test(test_conf_psk_not_echoed),
		cmocka_unit_test(test_conf_secret_files),
		cmocka_unit_test(test_conf_missing_file),
		cmocka_unit_test(test_conf_networks_per_family),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
