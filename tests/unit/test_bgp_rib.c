/* bgp/ decision process, FIB callbacks (active/standby, ecmp), exports. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include <event2/event.h>

#include "bgp/bgp_priv.h"

struct rec {
	int			calls;
	struct cgw_prefix	prefix;
	size_t			n;
	struct bgp_nexthop	nh[BGP_MAX_MULTIPATH];
	bool			in_kernel;
	/* The kernel's answer: next hops of this peer stay out (as cgwd
	 * keeps a LAN neighbor's); fail: it refuses everything. */
	const struct bgp_peer	*keep_out;
	bool			fail;
	/* Set: only this prefix's calls are recorded (the RIB's order
	 * among prefixes is a hash table's). */
	bool			only_set;
	struct cgw_prefix	only;
};

struct fx {
	struct event_base	*base;
	struct bgp_ctx		*ctx;
	struct rec		 rec;
	struct bgp_peer		*t1, *t2, *lan, *ibgp;
};

static int
fib_cb(void *arg, const struct cgw_prefix *p, struct bgp_nexthop *nhs,
    size_t n, bool in_kernel)
{
	struct rec *r = arg;
	size_t i;

	r->calls++;
	if (!r->only_set || prefix_eq(p, &r->only)) {
		r->prefix = *p;
		r->n = n;
		r->in_kernel = in_kernel;
		memcpy(r->nh, nhs, n * sizeof(*nhs));
	}
	if (r->fail)
		return -1;
	for (i = 0; i < n; i++)
		nhs[i].installed = nhs[i].peer != r->keep_out;
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
    uint32_t asn, uint32_t lp, uint8_t prepend, enum bgp_role role,
    const char *local)
{
	struct bgp_peer_conf c;
	struct bgp_peer *p;
	struct cgw_addr a;

	bgp_peer_conf_defaults(&c);
	snprintf(c.name, sizeof(c.name), "%s", name);
	assert_true(addr_parse(remote, &c.remote));
	assert_true(addr_parse(local, &c.local));
	c.remote_asn = asn;
	c.local_pref = lp;
	c.prepend = prepend;
	c.role = role;
	assert_non_null(p = bgp_peer_add(ctx, &c));
	p->peer_id = c.remote.v4;	/* as if its OPEN said so */
	assert_true(addr_parse(local, &a));
	p->local_addr = a.v4;
	return p;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct bgp_callbacks cb = { .fib_change = fib_cb };
	struct in_addr id = { htonl(0xa9fe1502) };

	assert_non_null(f);
	f->base = event_base_new();
	f->ctx = bgp_new(f->base, 65000, id, &cb, &f->rec);
	assert_non_null(f->ctx);
	f->t1 = mkpeer(f->ctx, "aws/t1", "169.254.21.1", 64512, 200, 0,
	    BGP_ROLE_TUNNEL, "169.254.21.2");
	f->t2 = mkpeer(f->ctx, "aws/t2", "169.254.22.1", 64512, 100, 1,
	    BGP_ROLE_TUNNEL, "169.254.22.2");
	f->lan = mkpeer(f->ctx, "neighbor 10.224.0.1", "10.224.0.1", 65010,
	    100, 0, BGP_ROLE_NEIGHBOR, "10.224.0.2");
	f->ibgp = mkpeer(f->ctx, "neighbor 10.224.0.5", "10.224.0.5", 65000,
	    100, 0, BGP_ROLE_NEIGHBOR, "10.224.0.2");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	bgp_free(f->ctx);
	event_base_free(f->base);
	free(f);
	return 0;
}

/* One event-loop turn: the batched FIB/export work runs. */
static void
turn(struct fx *f)
{
	event_base_loop(f->base, EVLOOP_NONBLOCK);
}

static void
learn(struct fx *f, struct bgp_peer *p, const char *prefix,
    const uint32_t *path, size_t n, const char *nexthop, int med)
{
	struct bgp_attrs a;
	struct cgw_prefix pf = pfx(prefix);
	struct cgw_addr nh;
	size_t i;
	uint8_t *np;
	size_t nl;

	memset(&a, 0, sizeof(a));
	a.seen = 1u << BGP_ATTR_ORIGIN | 1u << BGP_ATTR_AS_PATH |
	    1u << BGP_ATTR_NEXT_HOP;
	for (i = n; i > 0; i--) {
		assert_int_equal(bgp_aspath_prepend(a.aspath, a.aspath_len,
		    path[i - 1], 1, &np, &nl), 0);
		free(a.aspath);
		a.aspath = np;
		a.aspath_len = nl;
	}
	assert_true(addr_parse(nexthop, &nh));
	a.nexthop = nh.v4;
	if (med >= 0) {
		a.seen |= 1u << BGP_ATTR_MED;
		a.med = (uint32_t)med;
	}
	assert_int_equal(bgp_rib_update(f->ctx, p, &pf, &a), 0);
}

static const uint32_t AWS[] = { 64512 };

static void
assert_via(const struct rec *r, size_t i, const char *gw,
    const struct bgp_peer *p)
{
	struct cgw_addr a;

	assert_true(addr_parse(gw, &a));
	assert_true(i < r->n);
	assert_true(addr_eq(&r->nh[i].gateway, &a));
	assert_ptr_equal(r->nh[i].peer, p);
	assert_string_equal(r->nh[i].peer_name, p->conf.name);
}

static void
test_active_standby_failover(void **state)
{
	struct fx *f = *state;
	struct cgw_prefix vpc = pfx("172.31.0.0/16");

	learn(f, f->t2, "172.31.0.0/16", AWS, 1, "169.254.22.1", -1);
	learn(f, f->t1, "172.31.0.0/16", AWS, 1, "169.254.21.1", -1);
	assert_int_equal(f->rec.calls, 0);	/* batched, not inline */
	turn(f);
	assert_int_equal(f->rec.calls, 1);	/* one change per turn */
	assert_true(prefix_eq(&f->rec.prefix, &vpc));
	assert_int_equal(f->rec.n, 1);
	assert_via(&f->rec, 0, "169.254.21.1", f->t1);	/* local-pref 200 */

	/* Standby changes: no FIB change, no callback. */
	learn(f, f->t2, "172.31.0.0/16", AWS, 1, "169.254.22.1", 50);
	turn(f);
	assert_int_equal(f->rec.calls, 1);

	/* The tunnel dies: t2 takes over. */
	bgp_rib_peer_flush(f->ctx, f->t1);
	turn(f);
	assert_int_equal(f->rec.calls, 2);
	assert_int_equal(f->rec.n, 1);
	assert_via(&f->rec, 0, "169.254.22.1", f->t2);
	assert_int_equal(f->t1->n_received, 0);

	assert_true(bgp_rib_withdraw(f->ctx, f->t2, &vpc));
	assert_false(bgp_rib_withdraw(f->ctx, f->t2, &vpc));
	turn(f);
	assert_int_equal(f->rec.calls, 3);
	assert_int_equal(f->rec.n, 0);		/* delete */
}

static void
test_ecmp(void **state)
{
	struct fx *f = *state;
	const uint32_t longer[] = { 64512, 64512 };

	bgp_set_multipath(f->ctx, true);
	f->t1->conf.local_pref = 100;	/* ecmp: both tunnels equal */
	learn(f, f->t1, "172.31.0.0/16", AWS, 1, "169.254.21.1", -1);
	learn(f, f->t2, "172.31.0.0/16", AWS, 1, "169.254.22.1", -1);
	turn(f);
	assert_int_equal(f->rec.calls, 1);
	assert_int_equal(f->rec.n, 2);
	/* Not equal any more (longer path on t2): t1 only. */
	learn(f, f->t2, "172.31.0.0/16", longer, 2, "169.254.22.1", -1);
	turn(f);
	assert_int_equal(f->rec.calls, 2);
	assert_int_equal(f->rec.n, 1);
	assert_via(&f->rec, 0, "169.254.21.1", f->t1);
	learn(f, f->t2, "172.31.0.0/16", AWS, 1, "169.254.22.1", -1);
	turn(f);
	assert_int_equal(f->rec.n, 2);
	bgp_rib_peer_flush(f->ctx, f->t2);
	turn(f);
	assert_int_equal(f->rec.calls, 4);
	assert_int_equal(f->rec.n, 1);
	assert_via(&f->rec, 0, "169.254.21.1", f->t1);
	/* Switching multipath off recomputes at once. */
	learn(f, f->t2, "172.31.0.0/16", AWS, 1, "169.254.22.1", -1);
	turn(f);
	assert_int_equal(f->rec.n, 2);
	bgp_set_multipath(f->ctx, false);
	turn(f);
	assert_int_equal(f->rec.n, 1);
	/* Tie broken by the lower BGP identifier: t1. */
	assert_via(&f->rec, 0, "169.254.21.1", f->t1);
}

/* Paths built by hand for bgp_decide_cmp. */
static void
mkpath(struct bgp_path *p, struct bgp_peer *peer, uint32_t lp,
    const uint32_t *path, size_t n, uint8_t origin, int med, bool ebgp,
    const char *id)
{
	uint8_t *np;
	size_t nl, i;

	memset(p, 0, sizeof(*p));
	assert_non_null(p->aset = calloc(1, sizeof(*p->aset)));
	p->peer = peer;
	p->local_pref = lp;
	for (i = n; i > 0; i--) {
		assert_int_equal(bgp_aspath_prepend(p->aset->attrs.aspath,
		    p->aset->attrs.aspath_len, path[i - 1], 1, &np, &nl), 0);
		free(p->aset->attrs.aspath);
		p->aset->attrs.aspath = np;
		p->aset->attrs.aspath_len = nl;
	}
	p->aset->attrs.origin = origin;
	if (med >= 0) {
		p->aset->attrs.seen |= 1u << BGP_ATTR_MED;
		p->aset->attrs.med = (uint32_t)med;
	}
	p->ebgp = ebgp;
	inet_pton(AF_INET, id, &p->peer_id);
	p->peer_addr.af = AF_INET;
	p->peer_addr.v4 = p->peer_id;
}

static void
rmpath(struct bgp_path *p)
{
	bgp_attrs_clear(&p->aset->attrs);
	free(p->aset);
}

static void
test_decision_steps(void **state)
{
	struct fx *f = *state;
	struct bgp_path a, b;
	const uint32_t p1[] = { 64512 }, p2[] = { 64512, 7224 };
	const uint32_t q1[] = { 64513 };

	/* a) local-pref beats path length */
	mkpath(&a, f->t1, 200, p2, 2, 0, -1, true, "1.1.1.2");
	mkpath(&b, f->t2, 100, p1, 1, 0, -1, true, "1.1.1.1");
	assert_true(bgp_decide_cmp(&a, &b, false) < 0);
	rmpath(&a);
	rmpath(&b);
	/* b) shorter AS_PATH */
	mkpath(&a, f->t1, 100, p2, 2, 0, -1, true, "1.1.1.1");
	mkpath(&b, f->t2, 100, p1, 1, 2, -1, true, "1.1.1.2");
	assert_true(bgp_decide_cmp(&a, &b, false) > 0);
	rmpath(&a);
	rmpath(&b);
	/* c) lower ORIGIN */
	mkpath(&a, f->t1, 100, p1, 1, 1, -1, true, "1.1.1.1");
	mkpath(&b, f->t2, 100, p1, 1, 0, 500, true, "1.1.1.2");
	assert_true(bgp_decide_cmp(&a, &b, false) > 0);
	rmpath(&a);
	rmpath(&b);
	/* d) lower MED from the same neighbour AS; equal for multipath */
	mkpath(&a, f->t1, 100, p1, 1, 0, 20, true, "1.1.1.1");
	mkpath(&b, f->t2, 100, p1, 1, 0, 10, true, "1.1.1.2");
	assert_true(bgp_decide_cmp(&a, &b, false) > 0);
	assert_true(bgp_decide_cmp(&a, &b, true) > 0);
	rmpath(&b);
	/* ... not compared across neighbour ASes: router id decides */
	mkpath(&b, f->t2, 100, q1, 1, 0, 10, true, "1.1.1.2");
	assert_true(bgp_decide_cmp(&a, &b, false) < 0);
	assert_int_equal(bgp_decide_cmp(&a, &b, true), 0);
	rmpath(&a);
	rmpath(&b);
	/* e) eBGP over iBGP */
	mkpath(&a, f->ibgp, 100, p1, 1, 0, -1, false, "1.1.1.1");
	mkpath(&b, f->t2, 100, p1, 1, 0, -1, true, "1.1.1.2");
	assert_true(bgp_decide_cmp(&a, &b, false) > 0);
	rmpath(&a);
	rmpath(&b);
	/* g) lower BGP identifier, h) lower peer address */
	mkpath(&a, f->t1, 100, p1, 1, 0, -1, true, "10.0.0.9");
	mkpath(&b, f->t2, 100, p1, 1, 0, -1, true, "10.0.0.10");
	assert_true(bgp_decide_cmp(&a, &b, false) < 0);
	b.peer_id = a.peer_id;
	inet_pton(AF_INET, "10.0.0.1", &b.peer_addr.v4);
	assert_true(bgp_decide_cmp(&a, &b, false) > 0);
	rmpath(&a);
	rmpath(&b);
	/* Our own network beats anything learned. */
	mkpath(&a, NULL, 0, NULL, 0, 0, -1, false, "0.0.0.0");
	mkpath(&b, f->t1, 1000, p1, 1, 0, -1, true, "1.1.1.1");
	assert_true(bgp_decide_cmp(&a, &b, false) < 0);
	rmpath(&a);
	rmpath(&b);
}

static void
assert_path(const struct bgp_attrs *a, const uint32_t *want, size_t n)
{
	uint32_t *flat;
	size_t nf;

	assert_non_null(a);
	assert_int_equal(bgp_aspath_flatten(a->aspath, a->aspath_len, &flat,
	    &nf), 0);
	assert_int_equal(nf, n);
	if (n > 0)
		assert_memory_equal(flat, want, n * sizeof(*want));
	free(flat);
}

static void
test_export_rules(void **state)
{
	struct fx *f = *state;
	struct cgw_prefix net = pfx("10.224.0.0/12"), lanp = pfx("10.230.0.0/16");
	struct cgw_prefix vpc = pfx("172.31.0.0/16");
	const uint32_t lanpath[] = { 65010 };
	const uint32_t us1[] = { 65000 }, us2[] = { 65000, 65000 };
	const uint32_t lan1[] = { 65000, 65010 }, vpc1[] = { 65000, 64512 };
	const struct bgp_attrs *a;
	struct bgp_peer *p;

	assert_int_equal(bgp_network_add(f->ctx, &net), 0);
	learn(f, f->lan, "10.230.0.0/16", lanpath, 1, "10.224.0.1", 5);
	learn(f, f->t1, "172.31.0.0/16", AWS, 1, "169.254.21.1", 7);
	turn(f);
	/* Only learned routes reach the FIB; our network never does. */
	assert_int_equal(f->rec.calls, 2);

	TAILQ_FOREACH(p, &f->ctx->peers, entry) {
		p->state = BGP_ST_ESTABLISHED;
		p->as4 = true;
		p->afs = BGP_AF_ALL;
		bgp_rib_peer_export_all(f->ctx, p);
	}
	/* Tunnel peers: our networks + LAN routes, never VPC routes. */
	assert_int_equal(f->t1->n_advertised, 2);
	assert_path(bgp_rib_out_lookup(f->t1, &net), us1, 1);
	assert_path(bgp_rib_out_lookup(f->t1, &lanp), lan1, 2);
	assert_null(bgp_rib_out_lookup(f->t1, &vpc));
	a = bgp_rib_out_lookup(f->t1, &lanp);
	assert_false(BGP_SEEN(a, BGP_ATTR_MED));	/* not to another AS */
	assert_false(BGP_SEEN(a, BGP_ATTR_LOCAL_PREF));
	assert_int_equal(a->nexthop.s_addr, htonl(0xa9fe1502)); /* self */
	/* t2: prepended once more. */
	assert_path(bgp_rib_out_lookup(f->t2, &net), us2, 2);
	assert_int_equal(bgp_rib_out_lookup(f->t2, &net)->nexthop.s_addr,
	    htonl(0xa9fe1602));
	/* LAN eBGP neighbor: VPC routes only. */
	assert_int_equal(f->lan->n_advertised, 1);
	assert_path(bgp_rib_out_lookup(f->lan, &vpc), vpc1, 2);
	assert_null(bgp_rib_out_lookup(f->lan, &net));
	/* iBGP neighbor: unprepended, with LOCAL_PREF. */
	a = bgp_rib_out_lookup(f->ibgp, &vpc);
	assert_path(a, AWS, 1);
	assert_true(BGP_SEEN(a, BGP_ATTR_LOCAL_PREF));
	assert_int_equal(a->local_pref, 200);

	/* The VPC route goes: withdrawn from the LAN neighbors. */
	bgp_rib_peer_flush(f->ctx, f->t1);
	turn(f);
	assert_null(bgp_rib_out_lookup(f->lan, &vpc));
	assert_int_equal(f->lan->n_advertised, 0);
	/* Our network goes: withdrawn from the tunnels. */
	assert_int_equal(bgp_network_remove(f->ctx, &net), 0);
	turn(f);
	assert_null(bgp_rib_out_lookup(f->t1, &net));
	assert_int_equal(f->t1->n_advertised, 1);
}

static void
test_peer_conf_checks(void **state)
{
	struct fx *f = *state;
	struct bgp_peer_conf c;
	struct cgw_prefix v6;

	bgp_peer_conf_defaults(&c);
	snprintf(c.name, sizeof(c.name), "x");
	assert_true(addr_parse("192.0.2.1", &c.remote));
	c.remote_asn = 1;
	c.hold_time = 2;		/* RFC 4271: 0 or >= 3 */
	assert_null(bgp_peer_add(f->ctx, &c));
	c.hold_time = 30;
	snprintf(c.name, sizeof(c.name), "aws/t1");	/* duplicate name */
	assert_null(bgp_peer_add(f->ctx, &c));
	snprintf(c.name, sizeof(c.name), "x");
	assert_true(addr_parse("169.254.21.1", &c.remote));	/* dup addr */
	assert_null(bgp_peer_add(f->ctx, &c));
	assert_ptr_equal(bgp_peer_find(f->ctx, "aws/t2"), f->t2);
	assert_null(bgp_peer_find(f->ctx, "nope"));
	/* IPv6 networks are ours to advertise (RFC 4760); a prefix of no
	 * family or longer than its family is refused. */
	assert_true(prefix_parse("2001:db8::/32", &v6));
	assert_int_equal(bgp_network_add(f->ctx, &v6), 0);
	assert_int_equal(bgp_network_remove(f->ctx, &v6), 0);
	v6.len = 129;
	assert_int_equal(bgp_network_add(f->ctx, &v6), -1);
	assert_int_equal(errno, EINVAL);
	memset(&v6, 0, sizeof(v6));
	assert_int_equal(bgp_network_add(f->ctx, &v6), -1);
}

struct walk_find {
	const char		*prefix;
	const struct bgp_peer	*peer;
	int			 found;
	bool			 installed;
};

static void
walk_find_cb(const struct bgp_route_info *ri, void *arg)
{
	struct walk_find *w = arg;
	struct cgw_prefix p = pfx(w->prefix);

	if (prefix_eq(ri->prefix, &p) && ri->peer == w->peer) {
		w->found++;
		w->installed = ri->installed;
	}
}

/* `installed` of peer's path to prefix, as `show routes` reports it. */
static bool
installed(struct fx *f, const char *prefix, const struct bgp_peer *peer)
{
	struct walk_find w = { .prefix = prefix, .peer = peer };

	bgp_rib_walk(f->ctx, walk_find_cb, &w);
	assert_int_equal(w.found, 1);
	return w.installed;
}

static const uint32_t LAN[] = { 65010 };

static void
test_installed_is_the_kernels_answer(void **state)
{
	struct fx *f = *state;
	struct cgw_prefix lanp = pfx("10.230.0.0/16");

	/* A LAN neighbor's route: handed over, kept out of the kernel. */
	f->rec.keep_out = f->lan;
	learn(f, f->lan, "10.230.0.0/16", LAN, 1, "10.224.0.1", -1);
	turn(f);
	assert_int_equal(f->rec.calls, 1);
	assert_false(f->rec.in_kernel);
	assert_false(installed(f, "10.230.0.0/16", f->lan));
	/* Never installed: withdrawing it sends no delete. */
	assert_true(bgp_rib_withdraw(f->ctx, f->lan, &lanp));
	turn(f);
	assert_int_equal(f->rec.calls, 1);

	/* A tunnel route the kernel refuses is not installed... */
	f->rec.fail = true;
	learn(f, f->t1, "172.31.0.0/16", AWS, 1, "169.254.21.1", -1);
	turn(f);
	assert_int_equal(f->rec.calls, 2);
	assert_false(installed(f, "172.31.0.0/16", f->t1));
	/* An unrelated change does not make it so; a reconcile retries
	 * (test_fib_sync). */
	f->rec.fail = false;
	learn(f, f->t2, "172.31.0.0/16", AWS, 1, "169.254.22.1", -1);
	turn(f);
	assert_int_equal(f->rec.calls, 2);	/* best unchanged: no call */
	assert_false(installed(f, "172.31.0.0/16", f->t1));
}

struct sync_answer {
	bool	intact;
	int	asked;
};

static bool
sync_intact(void *arg, const struct cgw_prefix *p,
    const struct bgp_nexthop *nhs, size_t n)
{
	struct sync_answer *a = arg;

	(void)p;
	(void)nhs;
	(void)n;
	a->asked++;
	return a->intact;
}

static void
test_fib_sync(void **state)
{
	struct fx *f = *state;
	struct cgw_prefix vpc = pfx("172.31.0.0/16");
	struct sync_answer ans = { .intact = true };

	/* A failed install is retried by the next reconcile. */
	f->rec.fail = true;
	learn(f, f->t1, "172.31.0.0/16", AWS, 1, "169.254.21.1", -1);
	turn(f);
	assert_int_equal(f->rec.calls, 1);
	assert_false(installed(f, "172.31.0.0/16", f->t1));
	f->rec.fail = false;
	bgp_fib_sync(f->ctx, sync_intact, &ans);
	/* Asked all the same: what it says marks the route wanted. */
	assert_int_equal(ans.asked, 1);
	assert_int_equal(f->rec.calls, 2);
	assert_true(f->rec.in_kernel);
	assert_true(installed(f, "172.31.0.0/16", f->t1));

	/* The kernel agrees: nothing to do. */
	bgp_fib_sync(f->ctx, sync_intact, &ans);
	assert_int_equal(f->rec.calls, 2);

	/* Removed behind our back: installed again. */
	ans.intact = false;
	bgp_fib_sync(f->ctx, sync_intact, &ans);
	assert_int_equal(f->rec.calls, 3);
	assert_true(prefix_eq(&f->rec.prefix, &vpc));
	assert_int_equal(f->rec.n, 1);
	assert_via(&f->rec, 0, "169.254.21.1", f->t1);
	assert_true(installed(f, "172.31.0.0/16", f->t1));

	/* A withdrawal the kernel refused is tried again: in_kernel. */
	f->rec.fail = true;
	assert_true(bgp_rib_withdraw(f->ctx, f->t1, &vpc));
	turn(f);
	assert_int_equal(f->rec.calls, 4);
	assert_int_equal(f->rec.n, 0);
	assert_true(f->rec.in_kernel);
}

/* walk_find with `found` set to the path's local-pref. */
static void
walk_lp_cb(const struct bgp_route_info *ri, void *arg)
{
	struct walk_find *w = arg;
	struct cgw_prefix p = pfx(w->prefix);

	if (prefix_eq(ri->prefix, &p) && ri->peer == w->peer)
		w->found = (int)ri->local_pref;
}

/* Every peer's session up, as entering Established does it. */
static void
establish(struct fx *f)
{
	struct bgp_peer *p;

	TAILQ_FOREACH(p, &f->ctx->peers, entry) {
		p->state = BGP_ST_ESTABLISHED;
		p->as4 = true;
		p->afs = BGP_AF_ALL;
		bgp_rib_peer_export_all(f->ctx, p);
	}
	turn(f);
}

static void
walk_any_cb(const struct bgp_route_info *ri, void *arg)
{
	struct walk_find *w = arg;
	struct cgw_prefix p = pfx(w->prefix);

	if (bgp_prefix_cmp(ri->prefix, &p) == 0)
		w->found++;
}

/* Whether any path to prefix is in the RIB (`show routes`). */
static bool
in_rib(struct fx *f, const char *prefix)
{
	struct walk_find w = { .prefix = prefix };

	bgp_rib_walk(f->ctx, walk_any_cb, &w);
	return w.found > 0;
}

static const uint32_t US2[] = { 65000, 65000 };

static void
test_cover_halves(void **state)
{
	struct fx *f = *state;
	struct cgw_prefix net = pfx("10.224.0.0/12");
	struct cgw_prefix lo = pfx("10.224.0.0/13"), hi = pfx("10.232.0.0/13");
	struct cgw_prefix lanlo = pfx("10.230.0.0/17");
	struct cgw_prefix lanhi = pfx("10.230.128.0/17");
	struct cgw_prefix lanp = pfx("10.230.0.0/16");
	const uint32_t lan2[] = { 65000, 65000, 65010 };
	struct bgp_peer_status st;
	const struct bgp_attrs *a, *o;

	assert_int_equal(bgp_network_add(f->ctx, &net), 0);
	establish(f);
	assert_int_equal(f->t2->n_advertised, 1);
	assert_int_equal(bgp_peer_set_cover(f->t2, true), 0);
	assert_int_equal(bgp_peer_set_cover(f->lan, true), -1);
	turn(f);
	/* Both halves, with the covered prefix's attributes (prepend and
	 * next hop included). */
	o = bgp_rib_out_lookup(f->t2, &net);
	a = bgp_rib_out_lookup(f->t2, &lo);
	assert_non_null(a);
	assert_true(bgp_attrs_eq(a, o));
	assert_path(a, US2, 2);
	assert_int_equal(a->nexthop.s_addr, htonl(0xa9fe1602));
	assert_true(bgp_attrs_eq(bgp_rib_out_lookup(f->t2, &hi), o));
	bgp_peer_status(f->t2, &st);
	assert_int_equal(st.prefixes_advertised, 3);
	assert_int_equal(st.covers_advertised, 2);
	assert_int_equal(st.cover_skipped, 0);
	/* Nowhere else: not t1, not the RIB, not the FIB. */
	assert_null(bgp_rib_out_lookup(f->t1, &lo));
	assert_int_equal(f->t1->n_advertised, 1);
	assert_false(in_rib(f, "10.224.0.0/13"));
	assert_false(in_rib(f, "10.232.0.0/13"));
	assert_int_equal(f->rec.calls, 0);

	/* A route to a half that t2 is not told (from the VPC) leaves the
	 * cover alone. */
	learn(f, f->t1, "10.232.0.0/13", AWS, 1, "169.254.21.1", -1);
	turn(f);
	assert_true(bgp_attrs_eq(bgp_rib_out_lookup(f->t2, &hi), o));
	assert_int_equal(f->t2->n_covers, 2);
	assert_int_equal(f->t2->n_advertised, 3);
	assert_true(bgp_rib_withdraw(f->ctx, f->t1, &hi));
	turn(f);
	assert_int_equal(f->t2->n_covers, 2);
	assert_int_equal(f->t2->n_advertised, 3);

	/* Covers follow what is covered: a LAN route comes and goes. */
	learn(f, f->lan, "10.230.0.0/16", LAN, 1, "10.224.0.1", -1);
	turn(f);
	assert_path(bgp_rib_out_lookup(f->t2, &lanlo), lan2, 3);
	assert_path(bgp_rib_out_lookup(f->t2, &lanhi), lan2, 3);
	assert_int_equal(f->t2->n_advertised, 6);
	assert_int_equal(f->t2->n_covers, 4);
	assert_null(bgp_rib_out_lookup(f->t1, &lanlo));
	assert_null(bgp_rib_out_lookup(f->lan, &lanlo));
	assert_true(bgp_rib_withdraw(f->ctx, f->lan, &lanp));
	turn(f);
	assert_null(bgp_rib_out_lookup(f->t2, &lanlo));
	assert_null(bgp_rib_out_lookup(f->t2, &lanhi));
	assert_int_equal(f->t2->n_advertised, 3);

	/* Off: the halves are withdrawn, the prefix stays. */
	assert_int_equal(bgp_peer_set_cover(f->t2, false), 0);
	turn(f);
	assert_null(bgp_rib_out_lookup(f->t2, &lo));
	assert_null(bgp_rib_out_lookup(f->t2, &hi));
	assert_non_null(bgp_rib_out_lookup(f->t2, &net));
	bgp_peer_status(f->t2, &st);
	assert_int_equal(st.prefixes_advertised, 1);
	assert_int_equal(st.covers_advertised, 0);
}

static void
test_cover_real_route_wins(void **state)
{
	struct fx *f = *state;
	struct cgw_prefix net = pfx("10.224.0.0/12");
	struct cgw_prefix lo = pfx("10.224.0.0/13"), hi = pfx("10.232.0.0/13");
	struct cgw_prefix q1 = pfx("10.232.0.0/14"), q2 = pfx("10.236.0.0/14");
	const uint32_t lan2[] = { 65000, 65000, 65010 };

	assert_int_equal(bgp_network_add(f->ctx, &net), 0);
	/* A LAN router announces the upper half for real. */
	learn(f, f->lan, "10.232.0.0/13", LAN, 1, "10.224.0.1", -1);
	establish(f);
	assert_int_equal(f->t2->n_advertised, 2);
	assert_int_equal(bgp_peer_set_cover(f->t2, true), 0);
	turn(f);
	assert_path(bgp_rib_out_lookup(f->t2, &lo), US2, 2);	/* cover */
	assert_path(bgp_rib_out_lookup(f->t2, &hi), lan2, 3);	/* real */
	/* The real /13 is split in turn, with its own attributes. */
	assert_path(bgp_rib_out_lookup(f->t2, &q1), lan2, 3);
	assert_path(bgp_rib_out_lookup(f->t2, &q2), lan2, 3);
	assert_int_equal(f->t2->n_covers, 3);
	assert_int_equal(f->t2->n_advertised, 5);

	/* The real route goes: its prefix becomes a cover of the /12. */
	assert_true(bgp_rib_withdraw(f->ctx, f->lan, &hi));
	turn(f);
	assert_path(bgp_rib_out_lookup(f->t2, &hi), US2, 2);
	assert_null(bgp_rib_out_lookup(f->t2, &q1));
	assert_int_equal(f->t2->n_covers, 2);
	assert_int_equal(f->t2->n_advertised, 3);
	/* ... and comes back: it replaces the cover. */
	learn(f, f->lan, "10.232.0.0/13", LAN, 1, "10.224.0.1", -1);
	turn(f);
	assert_path(bgp_rib_out_lookup(f->t2, &hi), lan2, 3);
	assert_int_equal(f->t2->n_covers, 3);
	assert_int_equal(f->t2->n_advertised, 5);

	/* Off: the covers go, the real half stays. */
	assert_int_equal(bgp_peer_set_cover(f->t2, false), 0);
	turn(f);
	assert_null(bgp_rib_out_lookup(f->t2, &lo));
	assert_null(bgp_rib_out_lookup(f->t2, &q2));
	assert_path(bgp_rib_out_lookup(f->t2, &hi), lan2, 3);
	assert_int_equal(f->t2->n_advertised, 2);
	assert_int_equal(f->t2->n_covers, 0);
}

static void
test_cover_aws_limit(void **state)
{
	struct fx *f = *state;
	struct bgp_peer_status st;
	struct cgw_prefix p, h;
	char buf[32];
	int i;

	/* 60 prefixes: 40 slots left, 20 of them split. */
	for (i = 0; i < 60; i++) {
		snprintf(buf, sizeof(buf), "10.%d.0.0/16", 100 + i);
		p = pfx(buf);
		assert_int_equal(bgp_network_add(f->ctx, &p), 0);
	}
	establish(f);
	assert_int_equal(bgp_peer_set_cover(f->t1, true), 40);
	turn(f);
	bgp_peer_status(f->t1, &st);
	assert_int_equal(st.prefixes_advertised, BGP_AWS_MAX_ADVERTISED);
	assert_int_equal(st.covers_advertised, 40);
	assert_int_equal(st.cover_skipped, 40);
	/* In prefix order: the first 20 split, the rest not. */
	for (i = 0; i < 60; i++) {
		snprintf(buf, sizeof(buf), "10.%d.128.0/17", 100 + i);
		h = pfx(buf);
		if (i < 20)
			assert_non_null(bgp_rib_out_lookup(f->t1, &h));
		else
			assert_null(bgp_rib_out_lookup(f->t1, &h));
	}
	/* One prefix less: one more split. */
	p = pfx("10.159.0.0/16");
	assert_int_equal(bgp_network_remove(f->ctx, &p), 0);
	turn(f);
	bgp_peer_status(f->t1, &st);
	assert_int_equal(st.prefixes_advertised, 59 + 2 * 20);
	assert_int_equal(st.cover_skipped, 39);
	p = pfx("10.158.0.0/16");
	assert_int_equal(bgp_network_remove(f->ctx, &p), 0);
	turn(f);
	bgp_peer_status(f->t1, &st);
	assert_int_equal(st.prefixes_advertised, 58 + 2 * 21);
	assert_int_equal(st.covers_advertised, 42);
	assert_int_equal(st.cover_skipped, 37);
	/* Strictly in prefix order: once a prefix does not fit, no later
	 * one is split, even one that needs a single slot (its other half
	 * is told for real). */
	learn(f, f->lan, "10.157.128.0/17", LAN, 1, "10.224.0.1", -1);
	turn(f);
	h = pfx("10.157.0.0/17");
	assert_null(bgp_rib_out_lookup(f->t1, &h));
	bgp_peer_status(f->t1, &st);
	assert_int_equal(st.covers_advertised, 40);
	assert_int_equal(st.cover_skipped, 39);
	assert_int_equal(st.prefixes_advertised, 99);
	/* Nothing ever passes the limit the warning is about. */
	assert_false(f->t1->warned_advertised);
}

static void
test_set_local_pref(void **state)
{
	struct fx *f = *state;
	struct walk_find w = { .prefix = "172.31.0.0/16" };

	learn(f, f->t1, "172.31.0.0/16", AWS, 1, "169.254.21.1", -1);
	learn(f, f->t2, "172.31.0.0/16", AWS, 1, "169.254.22.1", -1);
	turn(f);
	assert_int_equal(f->rec.calls, 1);
	assert_via(&f->rec, 0, "169.254.21.1", f->t1);
	/* Hold-down: t1's stored paths fall below the standby's. */
	assert_int_equal(bgp_peer_set_local_pref(f->t1, 90), 0);
	turn(f);
	assert_int_equal(f->rec.calls, 2);
	assert_via(&f->rec, 0, "169.254.22.1", f->t2);
	assert_true(installed(f, "172.31.0.0/16", f->t2));
	assert_false(installed(f, "172.31.0.0/16", f->t1));
	/* Routes learned later get it too. */
	learn(f, f->t1, "172.31.0.0/16", AWS, 1, "169.254.21.1", 1);
	turn(f);
	assert_int_equal(f->rec.calls, 2);
	w.peer = f->t1;
	bgp_rib_walk(f->ctx, walk_lp_cb, &w);
	assert_int_equal(w.found, 90);
	/* Stable: back as configured, and back on t1. */
	assert_int_equal(bgp_peer_set_local_pref(f->t1, 200), 0);
	assert_int_equal(bgp_peer_set_local_pref(f->t1, 200), 0);
	turn(f);
	assert_int_equal(f->rec.calls, 3);
	assert_via(&f->rec, 0, "169.254.21.1", f->t1);
}

static void
test_flush_now(void **state)
{
	struct fx *f = *state;
	struct cgw_prefix net = pfx("10.224.0.0/12");

	assert_int_equal(bgp_network_add(f->ctx, &net), 0);
	learn(f, f->t1, "172.31.0.0/16", AWS, 1, "169.254.21.1", -1);
	learn(f, f->t2, "172.31.0.0/16", AWS, 1, "169.254.22.1", -1);
	establish(f);
	assert_int_equal(f->rec.calls, 1);
	assert_via(&f->rec, 0, "169.254.21.1", f->t1);

	/* t1 dies: routes and covers move inside the same turn. */
	bgp_peer_down(f->t1, "tunnel lost");
	assert_int_equal(bgp_peer_set_cover(f->t2, true), 0);
	assert_int_equal(f->rec.calls, 1);
	bgp_flush(f->ctx);
	assert_int_equal(f->rec.calls, 2);
	assert_via(&f->rec, 0, "169.254.22.1", f->t2);
	assert_true(installed(f, "172.31.0.0/16", f->t2));
	assert_false(f->t2->out_pending);	/* UPDATEs gone out */
	assert_int_equal(f->t2->n_covers, 2);
	/* The turn finds nothing left to do. */
	turn(f);
	assert_int_equal(f->rec.calls, 2);
}

/* An IPv6 route from p: next hop `global`, and `ll` unless NULL. */
static void
learn6(struct fx *f, struct bgp_peer *p, const char *prefix,
    const uint32_t *path, size_t n, const char *global, const char *ll)
{
	struct bgp_attrs a;
	struct cgw_prefix pf = pfx(prefix);
	struct cgw_addr nh;
	size_t i;
	uint8_t *np;
	size_t nl;

	memset(&a, 0, sizeof(a));
	a.seen = 1u << BGP_ATTR_ORIGIN | 1u << BGP_ATTR_AS_PATH;
	for (i = n; i > 0; i--) {
		assert_int_equal(bgp_aspath_prepend(a.aspath, a.aspath_len,
		    path[i - 1], 1, &np, &nl), 0);
		free(a.aspath);
		a.aspath = np;
		a.aspath_len = nl;
	}
	assert_true(addr_parse(global, &nh));
	assert_int_equal(nh.af, AF_INET6);
	a.nh6[0] = nh.v6;
	a.nh6_len = 16;
	if (ll != NULL) {
		assert_true(addr_parse(ll, &nh));
		a.nh6[1] = nh.v6;
		a.nh6_len = 32;
	}
	assert_int_equal(bgp_rib_update(f->ctx, p, &pf, &a), 0);
}

/* The prefixes of the RIB in walk order. */
static void
walk_order_cb(const struct bgp_route_info *ri, void *arg)
{
	char *out = arg, buf[CGW_PREFIXSTRLEN];
	size_t l = strlen(out);

	snprintf(out + l, 512 - l, "%s ", prefix_fmt(ri->prefix, buf,
	    sizeof(buf)));
}

/* walk_find, with the path's next hop as `show routes` prints it. */
struct walk_nh {
	const char		*prefix;
	const struct bgp_peer	*peer;
	char			 nh[CGW_ADDRSTRLEN];
	bool			 best, installed;
};

static void
walk_nh_cb(const struct bgp_route_info *ri, void *arg)
{
	struct walk_nh *w = arg;
	struct cgw_prefix p = pfx(w->prefix);

	if (prefix_eq(ri->prefix, &p) && ri->peer == w->peer) {
		addr_fmt(&ri->nexthop, w->nh, sizeof(w->nh));
		w->best = ri->best;
		w->installed = ri->installed;
	}
}

/*
 * IPv6 prefixes in the same RIB as IPv4 ones: decided, handed to the FIB
 * with a gateway the kernel can use (an IPv4-mapped next hop as its IPv4
 * address, a link-local one before a global one), walked after IPv4,
 * exported to peers that negotiated IPv6 alone with our end of the
 * session as an IPv4-mapped next hop.
 */
static void
test_ipv6_rib(void **state)
{
	struct fx *f = *state;
	struct cgw_prefix net6 = pfx("2001:db8:100::/48");
	struct cgw_prefix net4 = pfx("10.224.0.0/12");
	struct cgw_prefix vpc6 = pfx("2600:1f00::/40");
	struct cgw_prefix lan6 = pfx("2001:db8:200::/48");
	struct walk_nh w = { .prefix = "2600:1f00::/40" };
	const uint32_t us1[] = { 65000 }, vpc1[] = { 65000, 64512 };
	const struct bgp_attrs *a;
	struct cgw_addr gw;
	char order[512] = "", buf[CGW_ADDRSTRLEN];

	assert_int_equal(bgp_network_add(f->ctx, &net6), 0);
	assert_int_equal(bgp_network_add(f->ctx, &net4), 0);
	learn(f, f->t1, "172.31.0.0/16", AWS, 1, "169.254.21.1", -1);
	learn6(f, f->t2, "2600:1f00::/40", AWS, 1, "::ffff:169.254.22.1", NULL);
	learn6(f, f->t1, "2600:1f00::/40", AWS, 1, "::ffff:169.254.21.1", NULL);
	turn(f);
	assert_int_equal(f->rec.calls, 2);	/* one per prefix */
	assert_true(prefix_eq(&f->rec.prefix, &vpc6));
	assert_int_equal(f->rec.n, 1);
	assert_via(&f->rec, 0, "169.254.21.1", f->t1);	/* local-pref 200 */
	assert_int_equal(f->rec.nh[0].gateway.af, AF_INET);
	w.peer = f->t1;
	bgp_rib_walk(f->ctx, walk_nh_cb, &w);
	assert_string_equal(w.nh, "169.254.21.1");
	assert_true(w.best);
	assert_true(w.installed);	/* the kernel's answer, as IPv4 */
	w.peer = f->t2;
	bgp_rib_walk(f->ctx, walk_nh_cb, &w);
	assert_false(w.best);
	assert_false(w.installed);

	/* A LAN router's route: link-local next hop first. */
	learn6(f, f->lan, "2001:db8:200::/48", LAN, 1, "2001:db8::1",
	    "fe80::1");
	turn(f);
	assert_int_equal(f->rec.calls, 3);
	assert_true(prefix_eq(&f->rec.prefix, &lan6));
	assert_via(&f->rec, 0, "fe80::1", f->lan);
	bgp_rib_walk(f->ctx, walk_order_cb, order);
	assert_string_equal(order, "10.224.0.0/12 172.31.0.0/16 "
	    "2001:db8:100::/48 2001:db8:200::/48 2600:1f00::/40 "
	    "2600:1f00::/40 ");

	/* t2 carries IPv4 only; the LAN neighbor both. */
	establish(f);
	f->t2->afs = BGP_AF_IPV4;
	bgp_rib_peer_out_clear(f->t2);
	bgp_rib_peer_export_all(f->ctx, f->t2);
	turn(f);
	a = bgp_rib_out_lookup(f->t1, &net6);
	assert_path(a, us1, 1);
	assert_int_equal(a->nh6_len, 16);
	assert_false(BGP_SEEN(a, BGP_ATTR_NEXT_HOP));
	bgp_attrs_gateway(a, &gw);
	assert_string_equal(addr_fmt(&gw, buf, sizeof(buf)), "169.254.21.2");
	assert_true(IN6_IS_ADDR_V4MAPPED(&a->nh6[0]));
	assert_non_null(bgp_rib_out_lookup(f->t1, &lan6));
	assert_non_null(bgp_rib_out_lookup(f->t1, &net4));
	assert_null(bgp_rib_out_lookup(f->t1, &vpc6));	/* not echoed */
	assert_null(bgp_rib_out_lookup(f->t2, &net6));
	assert_null(bgp_rib_out_lookup(f->t2, &lan6));
	assert_non_null(bgp_rib_out_lookup(f->t2, &net4));
	assert_int_equal(f->t2->n_advertised, 1);
	a = bgp_rib_out_lookup(f->lan, &vpc6);
	assert_path(a, vpc1, 2);
	/* An IPv4 route's set stays one: NEXT_HOP, no IPv6 next hop. */
	a = bgp_rib_out_lookup(f->t1, &net4);
	assert_int_equal(a->nh6_len, 0);
	assert_true(BGP_SEEN(a, BGP_ATTR_NEXT_HOP));

	/* t1 dies: the IPv6 route moves to t2's mapped next hop. */
	f->rec.only_set = true;
	f->rec.only = vpc6;
	bgp_rib_peer_flush(f->ctx, f->t1);
	turn(f);
	assert_true(prefix_eq(&f->rec.prefix, &vpc6));
	assert_via(&f->rec, 0, "169.254.22.1", f->t2);
	/* t2 goes too: the prefix leaves the FIB and the LAN neighbor. */
	bgp_rib_peer_flush(f->ctx, f->t2);
	turn(f);
	assert_true(prefix_eq(&f->rec.prefix, &vpc6));
	assert_int_equal(f->rec.n, 0);
	assert_null(bgp_rib_out_lookup(f->lan, &vpc6));
	assert_null(bgp_rib_find(f->ctx, &vpc6));	/* memory returned */
}

/* Covers split IPv6 prefixes too: a /48 into its two /49s. */
static void
test_ipv6_cover(void **state)
{
	struct fx *f = *state;
	struct cgw_prefix net6 = pfx("2001:db8:100::/48");
	struct cgw_prefix lo = pfx("2001:db8:100::/49");
	struct cgw_prefix hi = pfx("2001:db8:100:8000::/49");
	struct cgw_prefix host = pfx("2001:db8::1/128");
	const struct bgp_attrs *a;

	assert_int_equal(bgp_network_add(f->ctx, &net6), 0);
	assert_int_equal(bgp_network_add(f->ctx, &host), 0);
	establish(f);
	assert_int_equal(bgp_peer_set_cover(f->t1, true), 0);
	turn(f);
	a = bgp_rib_out_lookup(f->t1, &lo);
	assert_non_null(a);
	assert_int_equal(a->nh6_len, 16);
	assert_non_null(bgp_rib_out_lookup(f->t1, &hi));
	assert_int_equal(f->t1->n_covers, 2);	/* a /128 has no halves */
	assert_int_equal(bgp_peer_set_cover(f->t1, false), 0);
	turn(f);
	assert_null(bgp_rib_out_lookup(f->t1, &lo));
}

static void
count_peer(struct bgp_peer *p, void *arg)
{
	(void)p;
	(*(int *)arg)++;
}

/*
 * Static routes (a static-routing VPN): two sessionless peers over the
 * tunnels; the RIB decides between them as between BGP paths, a stop
 * moves the routes at the next flush, LAN neighbors hear them, tunnel
 * peers do not, and nothing of them is a session.
 */
static void
test_static_peers(void **state)
{
	struct fx *f = *state;
	struct cgw_prefix v[2] = { pfx("172.31.0.0/16"), pfx("10.50.0.0/16") };
	struct cgw_prefix vpc = v[0], other = v[1], bad = pfx("2001:db8::/32");
	struct bgp_peer *s1, *s2, *p;
	int sessions = 0;

	s1 = mkpeer(f->ctx, "st/t1", "169.254.31.1", 0, 200, 0,
	    BGP_ROLE_STATIC, "169.254.31.2");
	s2 = mkpeer(f->ctx, "st/t2", "169.254.32.1", 0, 100, 0,
	    BGP_ROLE_STATIC, "169.254.32.2");
	assert_int_equal(bgp_static_set(s1, v, 2), 0);
	assert_int_equal(bgp_static_set(s2, v, 2), 0);
	assert_int_equal(bgp_static_set(s1, &bad, 1), -1);	/* IPv4 only */
	assert_int_equal(bgp_static_set(f->t1, v, 1), -1);	/* not static */
	/* Nothing before the tunnels are up. */
	turn(f);
	assert_int_equal(f->rec.calls, 0);
	assert_int_equal(bgp_peer_start(s2), 0);
	assert_int_equal(bgp_peer_start(s1), 0);
	assert_int_equal(s1->state, BGP_ST_IDLE);	/* no session */
	turn(f);
	assert_int_equal(f->rec.calls, 2);
	assert_via(&f->rec, 0, "169.254.31.1", s1);	/* local-pref 200 */
	assert_true(installed(f, "172.31.0.0/16", s1));
	assert_false(installed(f, "172.31.0.0/16", s2));

	/* Exports: LAN neighbors hear them, tunnel peers do not. The
	 * sessions come up; the static peers have none. */
	TAILQ_FOREACH(p, &f->ctx->peers, entry) {
		if (p->conf.role == BGP_ROLE_STATIC)
			continue;
		p->state = BGP_ST_ESTABLISHED;
		p->as4 = true;
		bgp_rib_peer_export_all(f->ctx, p);
	}
	turn(f);
	assert_non_null(bgp_rib_out_lookup(f->lan, &vpc));
	assert_null(bgp_rib_out_lookup(f->t1, &vpc));
	assert_int_equal(s1->n_advertised, 0);
	/* Not sessions: bgp_peer_foreach (show bgp, metrics) skips them. */
	bgp_peer_foreach(f->ctx, count_peer, &sessions);
	assert_int_equal(sessions, 4);

	/* t1 dies: both prefixes move to t2 in the same flush. */
	f->rec.calls = 0;
	bgp_peer_down(s1, "tunnel lost");
	bgp_flush(f->ctx);
	assert_int_equal(f->rec.calls, 2);
	assert_via(&f->rec, 0, "169.254.32.1", s2);
	assert_true(installed(f, "172.31.0.0/16", s2));
	assert_int_equal(s1->n_received, 0);

	/* A reload drops a prefix: only that one changes. */
	f->rec.calls = 0;
	assert_int_equal(bgp_static_set(s1, v, 1), 0);	/* stopped: no change */
	assert_int_equal(bgp_static_set(s2, v, 1), 0);
	turn(f);
	assert_int_equal(f->rec.calls, 1);
	assert_true(prefix_eq(&f->rec.prefix, &other));
	assert_int_equal(f->rec.n, 0);
	assert_null(bgp_rib_find(f->ctx, &other));

	/* t1 back in hold-down (lower local-pref): t2 keeps the route. */
	f->rec.calls = 0;
	assert_int_equal(bgp_peer_set_local_pref(s1, 50), 0);
	assert_int_equal(bgp_peer_start(s1), 0);
	turn(f);
	assert_int_equal(f->rec.calls, 0);
	assert_int_equal(bgp_peer_set_local_pref(s1, 200), 0);
	turn(f);
	assert_via(&f->rec, 0, "169.254.31.1", s1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_active_standby_failover,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_ecmp, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_installed_is_the_kernels_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fib_sync, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_decision_steps, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_export_rules, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_peer_conf_checks, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cover_halves, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cover_real_route_wins,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_cover_aws_limit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_set_local_pref, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_static_peers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_flush_now, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_rib, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_cover, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
