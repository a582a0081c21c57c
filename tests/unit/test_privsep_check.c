/*
 * privsep/ps_check.c: what the kernel helper lets the main process do,
 * judged against a configuration without a kernel. Each rule has an
 * allowed case and a refused one: if_ids of configured tunnels only,
 * reqid = if_id, the configured local address and peer of one tunnel,
 * cgwd's interface names and inside addresses, routes in the main table
 * through the helper's own interfaces, IKE and BGP sockets on cgwd's
 * ports and addresses; and during a reload both configurations.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conf/conf.h"
#include "privsep/ps_check.h"
#include "tests/unit/conf_text.h"
#include "tests/unit/addr_text.h"

static const char conf_a[] =
    "asn 65000\n"
    "router-id 192.0.2.10\n"
    "vpn \"v\" {\n"
    "    local 192.0.2.10\n"
    "    tunnel \"t1\" { remote 198.51.100.1 inside 169.254.21.2/30 "
    "psk \"Tunnel1Secret_abc\" interface aws1 }\n"
    "    tunnel \"t2\" { remote 198.51.100.2 inside 169.254.22.2/30 "
    "psk \"Tunnel2Secret_abc\" }\n"
    "}\n";

static const char conf_b[] =
    "asn 65000\n"
    "router-id 192.0.2.20\n"
    "vpn \"w\" {\n"
    "    local 192.0.2.20\n"
    "    tunnel \"t1\" { remote 203.0.113.1 inside 169.254.31.2/30 "
    "psk \"Tunnel3Secret_abc\" interface aws9 }\n"
    "}\n";

/* An AWS IPv6 connection: inside /126s from fd00::/8. */
static const char conf_v6[] =
    "asn 65000\n"
    "router-id 192.0.2.10\n"
    "vpn \"v\" {\n"
    "    local 192.0.2.10\n"
    "    tunnel \"t1\" { remote 198.51.100.1 inside fd00:44::2/126 "
    "psk \"Tunnel1Secret_abc\" interface aws1 }\n"
    "}\n";

/* LAN neighbors: one installs its routes, one does not. */
static const char conf_lan[] =
    "asn 65000\n"
    "router-id 192.0.2.10\n"
    "vpn \"v\" {\n"
    "    local 192.0.2.10\n"
    "    tunnel \"t1\" { remote 198.51.100.1 inside 169.254.21.2/30 "
    "psk \"Tunnel1Secret_abc\" interface aws1 }\n"
    "}\n"
    "neighbor 10.224.0.1 { remote-as 65010 install-routes on }\n"
    "neighbor 10.224.0.3 { remote-as 65011 }\n"
    "neighbor 2001:db8:100::1 { remote-as 65012 install-routes on }\n";

static int
check(const struct ps_policy *p, const struct ps_msg *m)
{
	char why[256];

	return ps_check(p, m, why, sizeof(why));
}

static int
check_why(const struct ps_policy *p, const struct ps_msg *m, const char *want)
{
	char why[256];
	int rc = ps_check(p, m, why, sizeof(why));

	if (rc != 0 && want != NULL && strstr(why, want) == NULL)
		fail_msg("refused for \"%s\", wanted \"%s\"", why, want);
	return rc;
}

static void
test_sa_and_policy(void **state)
{
	struct ps_policy p = { 0 };
	struct ps_msg m = { .type = PS_POLICY_INSTALL, .if_id = XFRM_IFID(1),
	    .reqid = XFRM_IFID(1), .af = AF_INET };

	(void)state;
	p.conf = unit_conf_load(conf_a);
	m.local = unit_addr("192.0.2.10");
	m.remote = unit_addr("198.51.100.2");
	assert_int_equal(check(&p, &m), 0);
	/* Two tunnels: XFRM_IFID(0) and (1), not (2), nor another range. */
	m.if_id = m.reqid = XFRM_IFID(2);
	assert_int_equal(check_why(&p, &m, "if_id"), -1);
	m.if_id = m.reqid = 0x12340000;
	assert_int_equal(check_why(&p, &m, "if_id"), -1);
	m.if_id = XFRM_IFID(0);
	m.reqid = 77;
	assert_int_equal(check_why(&p, &m, "reqid"), -1);
	m.reqid = m.if_id;
	m.local = unit_addr("192.0.2.11");
	assert_int_equal(check_why(&p, &m, "local address 192.0.2.11"), -1);
	m.local = unit_addr("192.0.2.10");
	m.remote = unit_addr("8.8.8.8");
	assert_int_equal(check_why(&p, &m, "peer address 8.8.8.8"), -1);
	m.remote = unit_addr("198.51.100.1");
	m.af = 99;
	assert_int_equal(check(&p, &m), -1);

	/* A CHILD SA: its own addresses count. */
	memset(&m, 0, sizeof(m));
	m.type = PS_CHILD_INSTALL;
	m.if_id = m.reqid = XFRM_IFID(0);
	m.sa.local = unit_addr("192.0.2.10");
	m.sa.remote = unit_addr("198.51.100.1");
	assert_int_equal(check(&p, &m), 0);
	m.sa.remote = unit_addr("198.51.100.99");
	assert_int_equal(check(&p, &m), -1);

	/* Deleting or reading an SA: one of our ends only. */
	memset(&m, 0, sizeof(m));
	m.type = PS_SA_DELETE;
	m.local = unit_addr("198.51.100.2");
	assert_int_equal(check(&p, &m), 0);
	m.local = unit_addr("192.0.2.10");
	assert_int_equal(check(&p, &m), 0);
	m.local = unit_addr("10.0.0.1");
	assert_int_equal(check_why(&p, &m, "SA destination"), -1);
	m.type = PS_SA_STATS;
	assert_int_equal(check(&p, &m), -1);
	conf_free((struct conf *)p.conf);
}

/*
 * A route whose next hop is on the LAN: only via the address of a
 * neighbor with `install-routes on`, of the route's family, outside the
 * route's prefix; during a reload either configuration's say counts.
 */
static void
test_lan_routes(void **state)
{
	struct ps_policy p = { 0 };
	struct ps_msg m = { .type = PS_ROUTE_REPLACE, .n = 1 };
	struct ps_route rt[2];
	struct conf *lan = unit_conf_load(conf_lan);
	struct conf *plain = unit_conf_load(conf_a);

	(void)state;
	p.conf = lan;
	m.prefix = unit_prefix("10.230.0.0/16");
	m.nh[0].ifindex = 2;
	m.nh[0].gw = unit_addr("10.224.0.1");
	assert_int_equal(check(&p, &m), 0);
	/* A neighbor that does not install, or no neighbor at all. */
	m.nh[0].gw = unit_addr("10.224.0.3");
	assert_int_equal(check_why(&p, &m, "install-routes on"), -1);
	m.nh[0].gw = unit_addr("10.224.0.9");
	assert_int_equal(check(&p, &m), -1);
	/* No gateway, or no interface: not a next hop on the LAN. */
	memset(&m.nh[0].gw, 0, sizeof(m.nh[0].gw));
	assert_int_equal(check(&p, &m), -1);
	m.nh[0].gw = unit_addr("10.224.0.1");
	m.nh[0].ifindex = 0;
	assert_int_equal(check(&p, &m), -1);
	m.nh[0].ifindex = 2;
	/* The LAN itself via the neighbor: the connected route's place. */
	m.prefix = unit_prefix("10.224.0.0/24");
	assert_int_equal(check(&p, &m), -1);
	m.prefix = unit_prefix("0.0.0.0/0");
	assert_int_equal(check(&p, &m), -1);
	/* Families: an IPv6 route via the IPv6 neighbor, not the IPv4 one. */
	m.prefix = unit_prefix("2001:db8:200::/48");
	assert_int_equal(check(&p, &m), -1);
	m.nh[0].gw = unit_addr("2001:db8:100::1");
	assert_int_equal(check(&p, &m), 0);
	m.prefix = unit_prefix("2001:db8:100::/48");
	assert_int_equal(check(&p, &m), -1);

	/* A reload: the old configuration installed, the new does not. */
	m.prefix = unit_prefix("10.230.0.0/16");
	m.nh[0].gw = unit_addr("10.224.0.1");
	p.conf = plain;
	assert_int_equal(check(&p, &m), -1);
	p.old = lan;
	assert_int_equal(check(&p, &m), 0);
	p.old = NULL;

	/* In a batch, beside a tunnel route. */
	p.conf = lan;
	assert_int_equal(ps_policy_iface_add(&p, "aws1", 12, XFRM_IFID(0)), 0);
	memset(&m, 0, sizeof(m));
	memset(rt, 0, sizeof(rt));
	m.type = PS_ROUTE_BATCH;
	m.routes = rt;
	m.nroutes = 2;
	rt[0].prefix = unit_prefix("172.31.0.0/16");
	rt[0].n = 1;
	rt[0].nh[0].ifindex = 12;
	rt[1].prefix = unit_prefix("10.230.0.0/16");
	rt[1].n = 1;
	rt[1].nh[0].ifindex = 2;
	rt[1].nh[0].gw = unit_addr("10.224.0.1");
	assert_int_equal(check(&p, &m), 0);
	rt[1].nh[0].gw = unit_addr("10.224.0.3");
	assert_int_equal(check(&p, &m), -1);
	conf_free(lan);
	conf_free(plain);
}

static void
test_iface_and_routes(void **state)
{
	struct ps_policy p = { 0 };
	struct ps_msg m = { .type = PS_IFACE_CREATE, .if_id = XFRM_IFID(0) };
	struct ps_route rt[2];

	(void)state;
	p.conf = unit_conf_load(conf_a);
	m.local = unit_addr("192.0.2.10");
	m.inside = unit_prefix("169.254.21.2/30");
	strcpy(m.name, "aws1");
	assert_int_equal(check(&p, &m), 0);
	strcpy(m.name, "cgw0");		/* cgwd's default names */
	assert_int_equal(check(&p, &m), 0);
	strcpy(m.name, "cgw9999");
	assert_int_equal(check(&p, &m), 0);
	strcpy(m.name, "eth0");
	assert_int_equal(check_why(&p, &m, "interface name"), -1);
	strcpy(m.name, "cgw01");
	assert_int_equal(check(&p, &m), -1);
	strcpy(m.name, "cgw0x");
	assert_int_equal(check(&p, &m), -1);
	strcpy(m.name, "cgw0");
	m.inside = unit_prefix("10.0.0.1/24");
	assert_int_equal(check_why(&p, &m, "inside address"), -1);
	m.inside = unit_prefix("169.254.21.2/29");	/* the address, not the length */
	assert_int_equal(check(&p, &m), -1);
	memset(&m.inside, 0, sizeof(m.inside));	/* none */
	assert_int_equal(check(&p, &m), 0);

	/* Deleting: only what the helper made. */
	m.type = PS_IFACE_DELETE;
	strcpy(m.name, "aws1");
	assert_int_equal(check_why(&p, &m, "not created"), -1);
	assert_int_equal(ps_policy_iface_add(&p, "aws1", 12, XFRM_IFID(0)), 0);
	assert_int_equal(check(&p, &m), 0);

	/* Routes: through that interface, in the main table. */
	memset(&m, 0, sizeof(m));
	m.type = PS_ROUTE_REPLACE;
	m.prefix = unit_prefix("10.1.0.0/16");
	m.n = 1;
	m.nh[0].ifindex = 12;
	m.nh[0].gw = unit_addr("169.254.21.1");
	assert_int_equal(check(&p, &m), 0);
	m.table = 254;
	assert_int_equal(check(&p, &m), 0);
	m.table = 100;
	assert_int_equal(check_why(&p, &m, "table 100"), -1);
	m.table = 0;
	m.nh[0].ifindex = 2;		/* the LAN's interface */
	assert_int_equal(check_why(&p, &m, "next hop interface 2"), -1);
	m.n = 0;
	assert_int_equal(check(&p, &m), -1);
	m.type = PS_ROUTE_DELETE;	/* protocol 201 only, by the builder */
	assert_int_equal(check(&p, &m), 0);
	m.table = 7;
	assert_int_equal(check(&p, &m), -1);

	/* A batch is refused whole for one bad route. */
	memset(&m, 0, sizeof(m));
	memset(rt, 0, sizeof(rt));
	m.type = PS_ROUTE_BATCH;
	m.routes = rt;
	m.nroutes = 2;
	rt[0].prefix = unit_prefix("10.1.0.0/16");
	rt[0].n = 1;
	rt[0].nh[0].ifindex = 12;
	rt[1].prefix = unit_prefix("10.2.0.0/16");	/* delete */
	assert_int_equal(check(&p, &m), 0);
	rt[1].n = 1;
	rt[1].nh[0].ifindex = 13;
	assert_int_equal(check(&p, &m), -1);
	ps_policy_iface_del(&p, "aws1");
	rt[1].n = 0;
	assert_int_equal(check(&p, &m), -1);	/* 12 is gone too */

	/* MSS rules: cgwd's interface names only. */
	{
		struct nft_mss_if mss[2] = { { "cgw0", 1379 }, { "aws1", 1300 } };

		memset(&m, 0, sizeof(m));
		m.type = PS_MSS_APPLY;
		m.mss = mss;
		m.nmss = 2;
		assert_int_equal(check(&p, &m), 0);
		strcpy(mss[1].ifname, "eth0");
		assert_int_equal(check(&p, &m), -1);
		m.nmss = 0;
		assert_int_equal(check(&p, &m), 0);
	}
	conf_free((struct conf *)p.conf);
}

static void
test_sockets(void **state)
{
	struct ps_policy p = { 0 };
	struct ps_msg m = { .type = PS_SOCKET, .kind = PS_SOCK_IKE,
	    .port = 500 };

	(void)state;
	p.conf = unit_conf_load(conf_a);
	m.local = unit_addr("192.0.2.10");
	assert_int_equal(check(&p, &m), 0);
	m.kind = PS_SOCK_IKE_NATT;
	assert_int_equal(check(&p, &m), -1);	/* NAT-T is 4500 */
	m.port = 4500;
	assert_int_equal(check(&p, &m), 0);
	m.port = 22;
	assert_int_equal(check(&p, &m), -1);
	m.port = 4500;
	m.local = unit_addr("0.0.0.0");		/* every vpn has its local */
	assert_int_equal(check(&p, &m), -1);
	m.local = unit_addr("192.0.2.10");
	m.rcvbuf = PS_RCVBUF_MAX + 1;
	assert_int_equal(check(&p, &m), -1);
	m.rcvbuf = 4 << 20;
	assert_int_equal(check(&p, &m), 0);

	m.kind = PS_SOCK_BGP_LISTEN;
	m.port = 179;
	m.local = unit_addr("0.0.0.0");
	assert_int_equal(check(&p, &m), 0);
	m.port = 80;
	assert_int_equal(check(&p, &m), -1);
	m.port = 179;
	m.local = unit_addr("192.0.2.10");
	assert_int_equal(check(&p, &m), -1);
	conf_free((struct conf *)p.conf);
}

/*
 * IPv6 through a tunnel: its IPv6 inside address on the interface, the
 * AF_INET6 policies, IPv6 routes via the peer's inside address, and
 * the dual-stack BGP listener [::]:179.
 */
static void
test_ipv6(void **state)
{
	struct ps_policy p = { 0 };
	struct ps_msg m = { .type = PS_IFACE_CREATE, .if_id = XFRM_IFID(0) };

	(void)state;
	p.conf = unit_conf_load(conf_v6);
	m.local = unit_addr("192.0.2.10");
	m.inside = unit_prefix("fd00:44::2/126");
	strcpy(m.name, "aws1");
	assert_int_equal(check(&p, &m), 0);
	m.inside = unit_prefix("fd00:44::1/126");	/* AWS's end, not ours */
	assert_int_equal(check_why(&p, &m, "inside address"), -1);
	m.inside = unit_prefix("fd00:45::2/126");
	assert_int_equal(check_why(&p, &m, "inside address"), -1);

	memset(&m, 0, sizeof(m));
	m.type = PS_POLICY_INSTALL;
	m.if_id = m.reqid = XFRM_IFID(0);
	m.af = AF_INET6;
	m.local = unit_addr("192.0.2.10");
	m.remote = unit_addr("198.51.100.1");
	assert_int_equal(check(&p, &m), 0);
	m.if_id = m.reqid = XFRM_IFID(1);	/* one tunnel only */
	assert_int_equal(check_why(&p, &m, "if_id"), -1);

	assert_int_equal(ps_policy_iface_add(&p, "aws1", 12, XFRM_IFID(0)), 0);
	memset(&m, 0, sizeof(m));
	m.type = PS_ROUTE_REPLACE;
	m.prefix = unit_prefix("2001:db8:100::/48");
	m.n = 1;
	m.nh[0].ifindex = 12;
	m.nh[0].gw = unit_addr("fd00:44::1");
	assert_int_equal(check(&p, &m), 0);
	m.nh[0].ifindex = 2;
	assert_int_equal(check_why(&p, &m, "next hop interface 2"), -1);

	memset(&m, 0, sizeof(m));
	m.type = PS_SOCKET;
	m.kind = PS_SOCK_BGP_LISTEN;
	m.port = 179;
	m.local = unit_addr("::");
	assert_int_equal(check(&p, &m), 0);
	m.local = unit_addr("fd00:44::2");		/* the wildcard only */
	assert_int_equal(check(&p, &m), -1);
	m.local = unit_addr("::");
	m.port = 1179;
	assert_int_equal(check(&p, &m), -1);
	ps_policy_iface_del(&p, "aws1");
	conf_free((struct conf *)p.conf);
}

static void
test_reload_union(void **state)
{
	struct ps_policy p = { 0 };
	struct ps_msg m = { .type = PS_SPI_ALLOC, .if_id = XFRM_IFID(0),
	    .reqid = XFRM_IFID(0) };
	struct conf *a = unit_conf_load(conf_a), *b = unit_conf_load(conf_b);

	(void)state;
	m.local = unit_addr("192.0.2.20");
	m.remote = unit_addr("203.0.113.1");
	p.conf = a;
	assert_int_equal(check(&p, &m), -1);	/* not yet */
	p.conf = b;
	p.old = a;				/* during the reload */
	assert_int_equal(check(&p, &m), 0);
	m.local = unit_addr("192.0.2.10");
	m.remote = unit_addr("198.51.100.1");
	assert_int_equal(check(&p, &m), 0);	/* the old one's too */
	/* Pairs do not mix across the two. */
	m.remote = unit_addr("203.0.113.1");
	assert_int_equal(check(&p, &m), -1);
	/* Three tunnels in all: if_ids 0..2. */
	m.remote = unit_addr("198.51.100.1");
	m.if_id = m.reqid = XFRM_IFID(2);
	assert_int_equal(check(&p, &m), 0);
	m.if_id = m.reqid = XFRM_IFID(3);
	assert_int_equal(check(&p, &m), -1);
	p.old = NULL;				/* reload done */
	m.if_id = m.reqid = XFRM_IFID(0);
	assert_int_equal(check(&p, &m), -1);

	/* A tunnel keeps its if_id: after a reload from a's two tunnels to
	 * b's one, b's tunnel may still hold XFRM_IFID(1) or (2). */
	memset(&p, 0, sizeof(p));
	ps_policy_conf(&p, a, NULL);
	ps_policy_conf(&p, b, a);
	ps_policy_conf(&p, b, NULL);
	m.local = unit_addr("192.0.2.20");
	m.remote = unit_addr("203.0.113.1");
	m.if_id = m.reqid = XFRM_IFID(2);
	assert_int_equal(check(&p, &m), 0);
	m.if_id = m.reqid = XFRM_IFID(3);
	assert_int_equal(check(&p, &m), -1);
	conf_free(a);
	conf_free(b);
}

static void
test_not_requests(void **state)
{
	struct ps_policy p = { 0 };
	struct ps_msg m = { .type = PS_EV_LINK };

	(void)state;
	p.conf = unit_conf_load(conf_a);
	assert_int_equal(check(&p, &m), -1);
	m.type = PS_REPLY;
	assert_int_equal(check(&p, &m), -1);
	m.type = PS_TEARDOWN;
	assert_int_equal(check(&p, &m), 0);

	/* The helper's log lines name a tunnel only by a configured name. */
	m.type = PS_POLICY_INSTALL;
	m.if_id = XFRM_IFID(1);
	strcpy(m.who, "v/t2");
	ps_policy_name_note(&p, &m);
	assert_string_equal(ps_policy_name(&p, XFRM_IFID(1)), "v/t2");
	strcpy(m.who, "v/t2\nforged log line");
	m.if_id = XFRM_IFID(0);
	ps_policy_name_note(&p, &m);
	assert_null(ps_policy_name(&p, XFRM_IFID(0)));
	conf_free((struct conf *)p.conf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sa_and_policy),
		cmocka_unit_test(test_iface_and_routes),
		cmocka_unit_test(test_lan_routes),
		cmocka_unit_test(test_sockets),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_reload_union),
		cmocka_unit_test(test_not_requests),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
