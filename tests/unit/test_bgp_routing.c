/*
 * daemon/routing.c over a real bgp/ speaker, without a kernel (no xfrm
 * context): what `show routes` and `show bgp` report must be true.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include <event2/event.h>
#include <jansson.h>

#include "bgp/bgp_priv.h"
#include "daemon/cgwd.h"
#include "daemon/routing.h"
#include "daemon/tunnel.h"
#include "lib/log.h"
#include "xfrm/xfrm.h"
#include "tests/unit/conf_text.h"

struct fx {
	struct cgwd		 cgwd;
	struct conf		 conf;
	struct conf_neighbor	 nb;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char err[256];

	assert_non_null(f);
	log_init(0, 0);
	f->conf.asn = 65000;
	assert_true(addr_parse("10.224.0.2", &f->conf.router_id));
	TAILQ_INIT(&f->conf.networks);
	TAILQ_INIT(&f->conf.vpns);
	TAILQ_INIT(&f->conf.neighbors);
	assert_true(addr_parse("10.224.0.1", &f->nb.addr));
	f->nb.remote_as = 65010;
	TAILQ_INSERT_TAIL(&f->conf.neighbors, &f->nb, entry);
	f->cgwd.base = event_base_new();
	f->cgwd.conf = &f->conf;
	TAILQ_INIT(&f->cgwd.tunnels);
	assert_int_equal(routing_open(&f->cgwd, err, sizeof(err)), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	f->cgwd.stopping = true;
	routing_close(&f->cgwd);
	event_base_free(f->cgwd.base);
	free(f);
	return 0;
}

static void
test_lan_route_not_installed(void **state)
{
	struct fx *f = *state;
	struct bgp_peer *lan;
	struct bgp_attrs a;
	struct cgw_prefix p;
	json_t *j, *r;

	lan = bgp_peer_find(f->cgwd.bgp, "neighbor 10.224.0.1");
	assert_non_null(lan);
	assert_true(prefix_parse("10.230.0.0/16", &p));
	memset(&a, 0, sizeof(a));
	a.seen = 1u << BGP_ATTR_ORIGIN | 1u << BGP_ATTR_AS_PATH |
	    1u << BGP_ATTR_NEXT_HOP;
	a.nexthop.s_addr = htonl(0x0ae00001);
	assert_int_equal(bgp_rib_update(f->cgwd.bgp, lan, &p, &a), 0);
	event_base_loop(f->cgwd.base, EVLOOP_NONBLOCK);

	j = routing_json_routes(&f->cgwd);
	r = json_array_get(json_object_get(j, "routes"), 0);
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(r, "prefix")),
	    "10.230.0.0/16");
	assert_true(json_is_true(json_object_get(r, "best")));
	/* cgwd keeps a LAN neighbor's routes out of the kernel. */
	assert_true(json_is_false(json_object_get(r, "installed")));
	json_decref(j);
}

static void
test_no_uptime_without_session(void **state)
{
	struct fx *f = *state;
	json_t *j, *peer;

	j = routing_json_peers(&f->cgwd);
	peer = json_array_get(json_object_get(j, "bgp"), 0);
	assert_non_null(peer);
	assert_string_not_equal(json_string_value(json_object_get(peer,
	    "state")), "established");
	/* There is no session: no "0 s" of it. */
	assert_true(json_is_null(json_object_get(peer, "uptime_s")));
	json_decref(j);
}

/* `show routes` of an IPv6 route learned with an IPv4-mapped next hop,
 * `show bgp` of a session with no OPEN yet: no address family. */
static void
test_ipv6_route_json(void **state)
{
	struct fx *f = *state;
	struct bgp_peer *lan;
	struct bgp_attrs a;
	struct cgw_prefix p;
	struct cgw_addr nh;
	json_t *j, *r, *afs;

	lan = bgp_peer_find(f->cgwd.bgp, "neighbor 10.224.0.1");
	assert_non_null(lan);
	assert_true(prefix_parse("2001:db8:200::/48", &p));
	memset(&a, 0, sizeof(a));
	a.seen = 1u << BGP_ATTR_ORIGIN | 1u << BGP_ATTR_AS_PATH;
	assert_true(addr_parse("::ffff:10.224.0.1", &nh));
	a.nh6[0] = nh.v6;
	a.nh6_len = 16;
	assert_int_equal(bgp_rib_update(f->cgwd.bgp, lan, &p, &a), 0);
	event_base_loop(f->cgwd.base, EVLOOP_NONBLOCK);

	j = routing_json_routes(&f->cgwd);
	r = json_array_get(json_object_get(j, "routes"), 0);
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(r, "prefix")),
	    "2001:db8:200::/48");
	assert_string_equal(json_string_value(json_object_get(r, "next_hop")),
	    "10.224.0.1");
	assert_true(json_is_true(json_object_get(r, "best")));
	assert_true(json_is_false(json_object_get(r, "installed")));
	json_decref(j);

	j = routing_json_peers(&f->cgwd);
	afs = json_object_get(json_array_get(json_object_get(j, "bgp"), 0),
	    "address_families");
	assert_true(json_is_array(afs));
	assert_int_equal(json_array_size(afs), 0);
	json_decref(j);
}

/* Each next hop's interface: 7 for the first peer's, 8 for the other. */
static int
fake_oif(const struct cgw_prefix *prefix, const struct bgp_nexthop *nh,
    void *arg, struct cgw_addr *gw)
{
	(void)prefix;
	(void)gw;
	return nh->peer == arg ? 7 : 8;
}

struct rt_seen {
	int	oif;
	bool	gateway, via, multipath;
	struct cgw_addr gw;	/* RTA_GATEWAY's */
};

static int
rt_attr_cb(const struct nlattr *a, void *arg)
{
	struct rt_seen *r = arg;

	switch (mnl_attr_get_type(a)) {
	case RTA_OIF:
		r->oif = (int)mnl_attr_get_u32(a);
		break;
	case RTA_GATEWAY:
		r->gateway = true;
		if (mnl_attr_get_payload_len(a) == 4) {
			r->gw.af = AF_INET;
			memcpy(&r->gw.v4, mnl_attr_get_payload(a), 4);
		} else if (mnl_attr_get_payload_len(a) == 16) {
			r->gw.af = AF_INET6;
			memcpy(&r->gw.v6, mnl_attr_get_payload(a), 16);
		}
		break;
	case RTA_VIA:
		r->via = true;
		break;
	case RTA_MULTIPATH:
		r->multipath = true;
		break;
	}
	return MNL_CB_OK;
}

/* What routing_kernel_queue asks of the kernel for prefix via two next
 * hops with gateways g1 and g2: the request's attributes. */
static struct rt_seen
queue_two(struct xfrm_ctx *x, const char *prefix, const char *g1,
    const char *g2, struct bgp_nexthop nhs[2])
{
	struct xfrm_route_batch b;
	struct cgw_prefix p;
	struct rt_seen r;
	struct nlmsghdr *nlh;

	memset(&r, 0, sizeof(r));
	memset(nhs, 0, 2 * sizeof(*nhs));
	nhs[0].peer = (struct bgp_peer *)&nhs[0];
	nhs[1].peer = (struct bgp_peer *)&nhs[1];
	assert_true(prefix_parse(prefix, &p));
	assert_true(addr_parse(g1, &nhs[0].gateway));
	assert_true(addr_parse(g2, &nhs[1].gateway));
	xfrm_route_batch_init(&b);
	assert_int_equal(routing_kernel_queue(x, &b, fake_oif, &nhs[0], &p, nhs,
	    2, false), 0);
	assert_int_equal(b.n, 1);
	nlh = (struct nlmsghdr *)b.buf;
	assert_int_equal(nlh->nlmsg_type, RTM_NEWROUTE);
	mnl_attr_parse(nlh, sizeof(struct rtmsg), rt_attr_cb, &r);
	xfrm_route_batch_free(&b);
	return r;
}

/*
 * Linux takes no IPv4 gateway for an IPv6 route, nor device-only next
 * hops in an IPv6 multipath route: an IPv6 route learned with
 * IPv4-mapped next hops goes on the best path's interface alone.
 */
static void
test_kernel_ipv6_mapped_nexthops(void **state)
{
	struct bgp_nexthop nhs[2];
	struct xfrm_ctx *x;
	struct xfrm_err xe;
	struct rt_seen r;

	(void)state;
	if ((x = xfrm_open(NULL, NULL, NULL, &xe)) == NULL) {
		print_message("no netlink: %s\n", xe.msg);
		skip();
	}
	r = queue_two(x, "2600:1f00::/40", "169.254.21.1", "169.254.22.1", nhs);
	assert_int_equal(r.oif, 7);
	assert_false(r.gateway);
	assert_false(r.via);
	assert_false(r.multipath);
	assert_true(nhs[0].installed);
	assert_false(nhs[1].installed);
	/* Link-local next hops: ECMP as for IPv4. */
	r = queue_two(x, "2600:1f00::/40", "fe80::1", "fe80::2", nhs);
	assert_true(r.multipath);
	assert_true(nhs[0].installed && nhs[1].installed);
	r = queue_two(x, "172.31.0.0/16", "169.254.21.1", "169.254.22.1", nhs);
	assert_true(r.multipath);
	xfrm_close(x);
}

/* As cgwd's routing_oif for a neighbor with `install-routes on` on
 * interface 3, its address in arg. */
static int
lan_oif(const struct cgw_prefix *prefix, const struct bgp_nexthop *nh,
    void *arg, struct cgw_addr *gw)
{
	(void)nh;
	return routing_lan_gateway(prefix, arg, gw) ? 3 : 0;
}

/*
 * `install-routes on`: a LAN neighbor's path goes into the kernel via the
 * neighbor's address on the LAN interface, whatever NEXT_HOP it carried;
 * not when the prefix holds that address (the LAN's connected route), nor
 * across families.
 */
static void
test_lan_install_decision(void **state)
{
	struct cgw_addr nb, nb6, gw, want;
	struct cgw_prefix p;
	struct bgp_nexthop nh;
	struct xfrm_route_batch b;
	struct xfrm_ctx *x;
	struct xfrm_err xe;
	struct rt_seen r;

	(void)state;
	assert_true(addr_parse("10.224.0.1", &nb));
	assert_true(addr_parse("2001:db8:100::1", &nb6));
	assert_true(prefix_parse("10.230.0.0/16", &p));
	memset(&gw, 0, sizeof(gw));
	assert_true(routing_lan_gateway(&p, &nb, &gw));
	assert_true(addr_eq(&gw, &nb));
	assert_true(prefix_parse("10.224.0.0/24", &p));
	assert_false(routing_lan_gateway(&p, &nb, &gw));
	assert_true(prefix_parse("0.0.0.0/0", &p));
	assert_false(routing_lan_gateway(&p, &nb, &gw));
	assert_true(prefix_parse("2001:db8:200::/48", &p));
	assert_false(routing_lan_gateway(&p, &nb, &gw));
	assert_true(routing_lan_gateway(&p, &nb6, &gw));
	assert_true(addr_eq(&gw, &nb6));

	if ((x = xfrm_open(NULL, NULL, NULL, &xe)) == NULL) {
		print_message("no netlink: %s\n", xe.msg);
		skip();
	}
	/* A third-party NEXT_HOP: the kernel still gets the neighbor. */
	memset(&nh, 0, sizeof(nh));
	nh.peer = (struct bgp_peer *)&nh;
	assert_true(addr_parse("10.224.0.77", &nh.gateway));
	assert_true(prefix_parse("10.230.0.0/16", &p));
	xfrm_route_batch_init(&b);
	assert_int_equal(routing_kernel_queue(x, &b, lan_oif, &nb, &p, &nh, 1,
	    false), 0);
	assert_int_equal(b.n, 1);
	memset(&r, 0, sizeof(r));
	mnl_attr_parse((struct nlmsghdr *)b.buf, sizeof(struct rtmsg),
	    rt_attr_cb, &r);
	assert_int_equal(r.oif, 3);
	assert_true(r.gateway);
	want = nb;
	assert_true(addr_eq(&r.gw, &want));
	assert_true(nh.installed);
	xfrm_route_batch_free(&b);
	/* The LAN's own prefix: nothing asked of the kernel. */
	nh.installed = false;
	assert_true(prefix_parse("10.224.0.0/24", &p));
	xfrm_route_batch_init(&b);
	assert_int_equal(routing_kernel_queue(x, &b, lan_oif, &nb, &p, &nh, 1,
	    false), 0);
	assert_int_equal(b.n, 0);
	assert_false(nh.installed);
	xfrm_route_batch_free(&b);
	xfrm_close(x);
}

/* The route of `prefix` through `tunnel` in `show routes`, or NULL. */
static json_t *
route_of(json_t *j, const char *prefix, const char *tunnel)
{
	json_t *r;
	size_t i;

	json_array_foreach(json_object_get(j, "routes"), i, r)
		if (strcmp(json_string_value(json_object_get(r, "prefix")),
		    prefix) == 0 && json_is_string(json_object_get(r, "tunnel")) &&
		    strcmp(json_string_value(json_object_get(r, "tunnel")),
		    tunnel) == 0)
			return r;
	return NULL;
}

/*
 * A static-routing vpn through the daemon's glue: no asn or router-id,
 * no BGP session, the prefixes in the route table while a tunnel is up,
 * t1 preferred, moved to t2 by routing_tunnel_down at once; `status`
 * says static.
 */
static void
test_static_vpn(void **state)
{
	struct cgwd cgwd;
	struct conf *conf;
	struct conf_vpn *v;
	struct conf_tunnel *ct;
	struct tunnel *t[2];
	char err[256], buf[16];
	json_t *j, *r;
	int i = 0;

	(void)state;
	log_init(0, 0);
	conf = unit_conf_load("vpn s {\n local 192.0.2.10\n"
	    " static 172.31.0.0/16\n"
	    " tunnel t1 { remote 198.51.100.1 inside 169.254.21.2/30 "
	    "psk Abcdefgh.123 }\n"
	    " tunnel t2 { remote 198.51.100.2 inside 169.254.22.2/30 "
	    "psk Abcdefgh.456 }\n}\n");
	assert_int_equal(conf->asn, 0);
	memset(&cgwd, 0, sizeof(cgwd));
	cgwd.base = event_base_new();
	cgwd.conf = conf;
	TAILQ_INIT(&cgwd.tunnels);
	assert_int_equal(routing_open(&cgwd, err, sizeof(err)), 0);
	v = TAILQ_FIRST(&conf->vpns);
	TAILQ_FOREACH(ct, &v->tunnels, entry) {
		assert_non_null(t[i] = tunnel_new(&cgwd, ct, i ? "cgw1" : "cgw0"));
		TAILQ_INSERT_TAIL(&cgwd.tunnels, t[i], entry);
		assert_int_equal(routing_tunnel_attach(t[i], err, sizeof(err)), 0);
		assert_true(routing_tunnel_is_static(t[i]));
		i++;
	}
	/* Not sessions: `show bgp` is empty; nothing routed while down. */
	j = routing_json_peers(&cgwd);
	assert_int_equal(json_array_size(json_object_get(j, "bgp")), 0);
	json_decref(j);
	j = routing_json_routes(&cgwd);
	assert_int_equal(json_array_size(json_object_get(j, "routes")), 0);
	json_decref(j);
	assert_string_equal(routing_tunnel_state(t[0], buf, sizeof(buf)),
	    "static");
	assert_true(json_is_null(routing_json_tunnel(t[0])));

	for (i = 1; i >= 0; i--) {
		t[i]->state = TUNNEL_S_UP;
		routing_tunnel_up(t[i]);
	}
	event_base_loop(cgwd.base, EVLOOP_NONBLOCK);
	j = routing_json_routes(&cgwd);
	assert_non_null(r = route_of(j, "172.31.0.0/16", "s/t1"));
	assert_string_equal(json_string_value(json_object_get(r, "source")),
	    "static");
	assert_string_equal(json_string_value(json_object_get(r, "next_hop")),
	    "169.254.21.1");
	assert_true(json_is_true(json_object_get(r, "best")));
	assert_int_equal(json_array_size(json_object_get(r, "as_path")), 0);
	assert_non_null(r = route_of(j, "172.31.0.0/16", "s/t2"));
	assert_true(json_is_false(json_object_get(r, "best")));
	json_decref(j);

	/* t1 dies: t2's path is the best before routing_tunnel_down
	 * returns (no loop turn). */
	t[0]->state = TUNNEL_S_CONNECTING;
	routing_tunnel_down(t[0], "peer not answering");
	j = routing_json_routes(&cgwd);
	assert_null(route_of(j, "172.31.0.0/16", "s/t1"));
	assert_non_null(r = route_of(j, "172.31.0.0/16", "s/t2"));
	assert_true(json_is_true(json_object_get(r, "best")));
	json_decref(j);
	j = routing_json_statics(t[1]);
	assert_int_equal(json_array_size(json_object_get(j, "prefixes")), 1);
	assert_int_equal(json_array_size(json_object_get(j, "routes")), 1);
	json_decref(j);

	cgwd.stopping = true;
	for (i = 0; i < 2; i++) {
		TAILQ_REMOVE(&cgwd.tunnels, t[i], entry);
		routing_tunnel_detach(t[i]);
		free(t[i]);
	}
	routing_close(&cgwd);
	event_base_free(cgwd.base);
	conf_free(conf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lan_route_not_installed,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_uptime_without_session,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_route_json,
		    setup, teardown),
		cmocka_unit_test(test_kernel_ipv6_mapped_nexthops),
		cmocka_unit_test(test_lan_install_decision),
		cmocka_unit_test(test_static_vpn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
