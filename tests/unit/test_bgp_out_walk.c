/*
 * What we advertise: bgp_peer_out_walk over a peer's Adj-RIB-Out (the
 * AS_PATH as sent, prepends included), `show bgp advertised`'s JSON and
 * its table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include <event2/event.h>

#include "bgp/bgp_priv.h"
#include "daemon/cgwctl.h"
#include "daemon/cgwd.h"
#include "daemon/ctl.h"

static int
fib_cb(void *arg, const struct cgw_prefix *p, struct bgp_nexthop *nhs,
    size_t n, bool in_kernel)
{
	(void)arg;
	(void)p;
	(void)nhs;
	(void)n;
	(void)in_kernel;
	return 0;
}

static struct cgw_prefix
pfx(const char *s)
{
	struct cgw_prefix p, net;

	assert_true(prefix_parse(s, &p));
	memset(&net, 0, sizeof(net));
	prefix_network(&p, &net);
	return net;
}

static struct bgp_peer *
mkpeer(struct bgp_ctx *ctx, const char *name, const char *remote,
    uint8_t prepend, const char *local)
{
	struct bgp_peer_conf c;
	struct bgp_peer *p;
	struct cgw_addr a;

	bgp_peer_conf_defaults(&c);
	snprintf(c.name, sizeof(c.name), "%s", name);
	assert_true(addr_parse(remote, &c.remote));
	assert_true(addr_parse(local, &c.local));
	c.remote_asn = 64512;
	c.prepend = prepend;
	c.role = BGP_ROLE_TUNNEL;
	assert_non_null(p = bgp_peer_add(ctx, &c));
	assert_true(addr_parse(local, &a));
	p->local_addr = a.v4;
	return p;
}

struct seen {
	int		 n;
	char		 prefix[4][CGW_PREFIXSTRLEN];
	size_t		 pathlen[4];
	uint32_t	 path[4][8];
	bool		 pending[4];
};

static void
collect(const struct bgp_out_info *oi, void *arg)
{
	struct seen *s = arg;

	assert_true(s->n < 4);
	prefix_fmt(oi->prefix, s->prefix[s->n], sizeof(s->prefix[s->n]));
	s->pathlen[s->n] = oi->as_path_len;
	assert_true(oi->as_path_len <= 8);
	memcpy(s->path[s->n], oi->as_path, oi->as_path_len * sizeof(uint32_t));
	s->pending[s->n] = oi->pending;
	s->n++;
}

static void
test_out_walk(void **state)
{
	struct bgp_callbacks cb = { .fib_change = fib_cb };
	struct in_addr id = { htonl(0xc000020a) };
	struct event_base *base = event_base_new();
	struct cgw_prefix n1 = pfx("10.224.0.0/12"), n2 = pfx("192.168.0.0/16");
	struct bgp_ctx *ctx;
	struct bgp_peer *t1, *t2, *p;
	struct seen s1, s2;
	struct cgwd cgwd;
	json_t *res, *a;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	ctx = bgp_new(base, 65000, id, &cb, NULL);
	assert_non_null(ctx);
	t1 = mkpeer(ctx, "aws/t1", "169.254.21.1", 0, "169.254.21.2");
	t2 = mkpeer(ctx, "aws/t2", "169.254.22.1", 2, "169.254.22.2");
	assert_int_equal(bgp_network_add(ctx, &n1), 0);
	assert_int_equal(bgp_network_add(ctx, &n2), 0);
	event_base_loop(base, EVLOOP_NONBLOCK);

	/* Nothing is exported before the session is up. */
	memset(&s1, 0, sizeof(s1));
	bgp_peer_out_walk(t1, collect, &s1);
	assert_int_equal(s1.n, 0);

	TAILQ_FOREACH(p, &ctx->peers, entry) {
		p->state = BGP_ST_ESTABLISHED;
		p->as4 = true;
		p->afs = BGP_AF_ALL;
		bgp_rib_peer_export_all(ctx, p);
	}
	memset(&s1, 0, sizeof(s1));
	memset(&s2, 0, sizeof(s2));
	bgp_peer_out_walk(t1, collect, &s1);
	bgp_peer_out_walk(t2, collect, &s2);
	/* In prefix order, our AS once on the preferred tunnel ... */
	assert_int_equal(s1.n, 2);
	assert_string_equal(s1.prefix[0], "10.224.0.0/12");
	assert_string_equal(s1.prefix[1], "192.168.0.0/16");
	assert_int_equal(s1.pathlen[0], 1);
	assert_int_equal(s1.path[0][0], 65000);
	assert_true(s1.pending[0]);
	/* ... and prepended twice more on the standby one. */
	assert_int_equal(s2.n, 2);
	assert_int_equal(s2.pathlen[1], 3);
	assert_int_equal(s2.path[1][0], 65000);
	assert_int_equal(s2.path[1][2], 65000);

	/* A withdrawn network is no longer walked. */
	assert_int_equal(bgp_network_remove(ctx, &n2), 0);
	event_base_loop(base, EVLOOP_NONBLOCK);
	memset(&s1, 0, sizeof(s1));
	bgp_peer_out_walk(t1, collect, &s1);
	assert_int_equal(s1.n, 1);

	/* show bgp advertised */
	memset(&cgwd, 0, sizeof(cgwd));
	cgwd.bgp = ctx;
	res = ctl_json_bgp_advertised(&cgwd);
	assert_non_null(res);
	a = json_object_get(res, "advertised");
	assert_int_equal(json_array_size(a), 2);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(a, 1), "name")), "aws/t2");
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(a, 1), "state")), "established");
	{
		json_t *pr = json_array_get(json_object_get(json_array_get(a, 1),
		    "prefixes"), 0);

		assert_string_equal(json_string_value(json_object_get(pr,
		    "prefix")), "10.224.0.0/12");
		assert_int_equal(json_array_size(json_object_get(pr,
		    "as_path")), 3);
		assert_string_equal(json_string_value(json_object_get(pr,
		    "next_hop")), "169.254.22.2");
	}
	f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(ctl_print_advertised(f, res), 0);
	fclose(f);
	assert_string_equal(text,
	    "NAME    PEER          STATE        PREFIX         AS-PATH            NEXT-HOP\n"
	    "aws/t1  169.254.21.1  established  10.224.0.0/12  65000              169.254.21.2\n"
	    "aws/t2  169.254.22.1  established  10.224.0.0/12  65000 65000 65000  169.254.22.2\n");
	free(text);
	json_decref(res);

	/* No speaker: no sessions; a session without prefixes has a line. */
	cgwd.bgp = NULL;
	res = ctl_json_bgp_advertised(&cgwd);
	assert_int_equal(json_array_size(json_object_get(res, "advertised")), 0);
	json_decref(res);
	res = json_loads("{\"advertised\":[{\"name\":\"a/t1\",\"peer\":\"169.254.21.1\","
	    "\"state\":\"idle\",\"prefixes\":[]}]}", 0, NULL);
	text = NULL;
	f = open_memstream(&text, &len);
	assert_int_equal(ctl_print_advertised(f, res), 0);
	fclose(f);
	assert_non_null(strstr(text, "a/t1  169.254.21.1  idle   -       -        -\n"));
	free(text);
	json_decref(res);
	assert_int_equal(ctl_print_advertised(stdout, json_null()), -1);

	bgp_free(ctx);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_out_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
