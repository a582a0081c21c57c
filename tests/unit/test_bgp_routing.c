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

#include <event2/event.h>
#include <jansson.h>

#include "bgp/bgp_priv.h"
#include "daemon/cgwd.h"
#include "daemon/routing.h"
#include "lib/log.h"

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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
