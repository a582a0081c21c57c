/* bgp/ at scale: interned attribute sets, compact RIB entries, memory
 * handed back after withdrawals (issue 13). */
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

/* An attribute set: ORIGIN, AS_PATH of `asn`, NEXT_HOP nh. */
static void
mkattrs(struct bgp_attrs *a, uint32_t asn, uint32_t nh)
{
	uint8_t *np;
	size_t nl;

	memset(a, 0, sizeof(*a));
	a->seen = 1u << BGP_ATTR_ORIGIN | 1u << BGP_ATTR_AS_PATH |
	    1u << BGP_ATTR_NEXT_HOP;
	assert_int_equal(bgp_aspath_prepend(NULL, 0, asn, 1, &np, &nl), 0);
	a->aspath = np;
	a->aspath_len = nl;
	a->nexthop.s_addr = htonl(nh);
}

static void
test_intern_shares_and_frees(void **state)
{
	struct bgp_asets t;
	struct bgp_attrs a;
	struct bgp_aset *s1, *s2, *s3, *s4;

	(void)state;
	bgp_asets_init(&t);
	mkattrs(&a, 65010, 0x0a000001);
	assert_non_null(s1 = bgp_aset_get(&t, &a));
	assert_null(a.aspath);		/* moved in */
	mkattrs(&a, 65010, 0x0a000001);
	assert_non_null(s2 = bgp_aset_get(&t, &a));
	assert_ptr_equal(s1, s2);	/* identical sets share */
	assert_null(a.aspath);		/* the duplicate was freed */
	assert_int_equal(s1->refcnt, 2);
	assert_int_equal(t.count, 1);
	/* Another AS_PATH, another next hop, a MED: other sets. */
	mkattrs(&a, 65011, 0x0a000001);
	assert_non_null(s3 = bgp_aset_get(&t, &a));
	assert_ptr_not_equal(s3, s1);
	mkattrs(&a, 65010, 0x0a000002);
	assert_non_null(s4 = bgp_aset_get(&t, &a));
	assert_ptr_not_equal(s4, s1);
	mkattrs(&a, 65010, 0x0a000001);
	a.seen |= 1u << BGP_ATTR_MED;
	assert_ptr_not_equal(bgp_aset_get(&t, &a), s1);
	assert_int_equal(t.count, 4);
	/* Four sets, two AS_PATHs: stored once each, the sets pointing at
	 * the same bytes. */
	assert_int_equal(t.aspaths.count, 2);
	assert_ptr_equal(s4->attrs.aspath, s1->attrs.aspath);
	assert_ptr_not_equal(s3->attrs.aspath, s1->attrs.aspath);
	/* Interning reads a plain set without taking it. */
	mkattrs(&a, 65011, 0x0a000001);
	assert_ptr_equal(bgp_aset_intern(&t, &a), s3);
	assert_non_null(a.aspath);
	assert_ptr_not_equal(a.aspath, s3->attrs.aspath);
	bgp_attrs_clear(&a);
	bgp_aset_put(&t, s3);
	/* References go to zero: the set goes. */
	assert_ptr_equal(bgp_aset_ref(s1), s1);
	assert_int_equal(s1->refcnt, 3);
	bgp_aset_put(&t, s1);
	bgp_aset_put(&t, s1);
	assert_int_equal(t.count, 4);
	bgp_aset_put(&t, s2);
	assert_int_equal(t.count, 3);
	bgp_aset_put(&t, s3);
	assert_int_equal(t.count, 2);
	/* 65011's last set went, and its AS_PATH with it. */
	assert_int_equal(t.aspaths.count, 1);
	bgp_aset_put(&t, NULL);
	bgp_asets_free(&t);		/* the rest, still referenced */
	assert_int_equal(t.count, 0);
}

/* Many sets: the table grows and every one is still found. */
static void
test_intern_grows(void **state)
{
	struct bgp_asets t;
	struct bgp_attrs a;
	struct bgp_aset **v;
	uint32_t i, n = 5000;

	(void)state;
	bgp_asets_init(&t);
	assert_non_null(v = calloc(n, sizeof(*v)));
	for (i = 0; i < n; i++) {
		mkattrs(&a, 64512 + i, 0x0a000001);
		assert_non_null(v[i] = bgp_aset_get(&t, &a));
	}
	assert_int_equal(t.count, n);
	assert_true(t.nbuckets >= n);
	for (i = 0; i < n; i++) {
		mkattrs(&a, 64512 + i, 0x0a000001);
		assert_ptr_equal(bgp_aset_get(&t, &a), v[i]);
		assert_int_equal(v[i]->refcnt, 2);
	}
	for (i = 0; i < n; i++) {
		bgp_aset_put(&t, v[i]);
		bgp_aset_put(&t, v[i]);
	}
	assert_int_equal(t.count, 0);
	bgp_asets_free(&t);
	free(v);
}

static int
fib_cb(void *arg, const struct cgw_prefix *p, struct bgp_nexthop *nhs,
    size_t n, bool in_kernel)
{
	size_t i;

	(void)arg;
	(void)p;
	(void)in_kernel;
	for (i = 0; i < n; i++)
		nhs[i].installed = true;
	return 0;
}

static struct bgp_peer *
mkpeer(struct bgp_ctx *ctx, const char *name, const char *remote,
    enum bgp_role role)
{
	struct bgp_peer_conf c;
	struct bgp_peer *p;

	bgp_peer_conf_defaults(&c);
	snprintf(c.name, sizeof(c.name), "%s", name);
	assert_true(addr_parse(remote, &c.remote));
	c.remote_asn = 64512;
	c.role = role;
	assert_non_null(p = bgp_peer_add(ctx, &c));
	p->peer_id = c.remote.v4;
	return p;
}

static struct cgw_prefix
nth(uint32_t i)
{
	struct cgw_prefix p;

	memset(&p, 0, sizeof(p));
	p.addr.af = AF_INET;
	p.addr.v4.s_addr = htonl(0x0b000000u + (i << 8));
	p.len = 24;
	return p;
}

/*
 * The RIB: one set for a whole table with the same attributes, one next
 * hop held inline (an array only for multipath), and everything freed
 * when the prefixes are withdrawn or the peer goes down.
 */
static void
test_rib_shares_and_frees(void **state)
{
	struct event_base *base = event_base_new();
	struct bgp_callbacks cb = { .fib_change = fib_cb };
	struct in_addr id = { htonl(0x0a000002) };
	struct bgp_ctx *ctx;
	struct bgp_peer *t1, *t2;
	struct bgp_rib_entry *e;
	struct bgp_attrs a;
	struct cgw_prefix p;
	uint32_t i, n = 2000;

	(void)state;
	assert_non_null(ctx = bgp_new(base, 65000, id, &cb, NULL));
	t1 = mkpeer(ctx, "t1", "169.254.21.1", BGP_ROLE_TUNNEL);
	t2 = mkpeer(ctx, "t2", "169.254.22.1", BGP_ROLE_TUNNEL);
	bgp_set_multipath(ctx, true);
	for (i = 0; i < n; i++) {
		mkattrs(&a, 64512, 0xa9fe1501);
		p = nth(i);
		assert_int_equal(bgp_rib_update(ctx, t1, &p, &a), 0);
	}
	event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(ctx->asets.count, 1);
	assert_int_equal(ctx->nentries, n);
	for (i = 0; i < n; i++) {
		p = nth(i);
		assert_non_null(e = bgp_rib_find(ctx, &p));
		assert_int_equal(e->nfib, 1);
		/* The one next hop inline, as the shared set itself. */
		assert_ptr_equal(e->fib.one.aset, e->path1.aset);
		assert_null(e->path1.next);
		assert_true(e->fib1_installed);
		assert_true(bgp_rib_best_installed(e));
	}
	/* An equal path from t2: two next hops, in an array of their own. */
	p = nth(0);
	mkattrs(&a, 64512, 0xa9fe1601);
	assert_int_equal(bgp_rib_update(ctx, t2, &p, &a), 0);
	event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(ctx->asets.count, 2);
	e = bgp_rib_find(ctx, &p);
	assert_int_equal(e->nfib, 2);
	assert_non_null(e->fib.many);
	assert_non_null(e->path1.next);
	/* Back to one: inline again. */
	assert_true(bgp_rib_withdraw(ctx, t2, &p));
	event_base_loop(base, EVLOOP_NONBLOCK);
	e = bgp_rib_find(ctx, &p);
	assert_int_equal(e->nfib, 1);
	assert_ptr_equal(e->fib.one.aset, e->path1.aset);
	assert_null(e->path1.next);
	assert_int_equal(ctx->asets.count, 1);
	/* Half withdrawn, then the peer's session goes: nothing left. */
	for (i = 0; i < n / 2; i++) {
		p = nth(i);
		assert_true(bgp_rib_withdraw(ctx, t1, &p));
	}
	event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(ctx->nentries, n - n / 2);
	assert_int_equal(t1->n_received, n - n / 2);
	bgp_rib_peer_flush(ctx, t1);	/* as when its session ends */
	bgp_flush(ctx);
	assert_int_equal(t1->n_received, 0);
	assert_int_equal(ctx->nentries, 0);
	/* The table shrank back with its prefixes, every chain empty. */
	assert_int_equal(ctx->rib.nb, 1024);
	for (i = 0; i < ctx->rib.nb; i++)
		assert_null(ctx->rib.b[i]);
	assert_int_equal(ctx->asets.count, 0);
	bgp_free(ctx);
	event_base_free(base);
}

struct commit_rec {
	struct bgp_ctx	*ctx;
	int		 changes, commits;
	struct cgw_prefix refuse;	/* the kernel says no to this one */
	struct cgw_prefix seen[8];
};

static int
queue_cb(void *arg, const struct cgw_prefix *p, struct bgp_nexthop *nhs,
    size_t n, bool in_kernel)
{
	struct commit_rec *r = arg;
	size_t i;

	(void)in_kernel;
	if (r->changes < 8)
		r->seen[r->changes] = *p;
	r->changes++;
	for (i = 0; i < n; i++)
		nhs[i].installed = true;	/* queued: believed */
	return 0;
}

static void
commit_cb(void *arg)
{
	struct commit_rec *r = arg;
	int i;

	r->commits++;
	for (i = 0; i < r->changes && i < 8; i++)
		if (prefix_eq(&r->seen[i], &r->refuse))
			bgp_fib_failed(r->ctx, &r->refuse);
	r->changes = 0;
}

static bool
route_installed(struct bgp_ctx *ctx, const struct cgw_prefix *p)
{
	struct bgp_rib_entry *e = bgp_rib_find(ctx, p);

	return e != NULL && bgp_rib_best_installed(e);
}

/* Queued changes are committed once per flush; a refusal in the middle
 * leaves that prefix alone not installed, and the reconcile retries it. */
static void
test_fib_commit(void **state)
{
	struct event_base *base = event_base_new();
	struct commit_rec r;
	struct bgp_callbacks cb = { .fib_change = queue_cb,
	    .fib_commit = commit_cb };
	struct in_addr id = { htonl(0x0a000002) };
	struct bgp_ctx *ctx;
	struct bgp_peer *t1;
	struct bgp_attrs a;
	struct cgw_prefix p;
	uint32_t i;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_non_null(ctx = bgp_new(base, 65000, id, &cb, &r));
	r.ctx = ctx;
	r.refuse = nth(1);
	t1 = mkpeer(ctx, "t1", "169.254.21.1", BGP_ROLE_TUNNEL);
	for (i = 0; i < 3; i++) {
		mkattrs(&a, 64512, 0xa9fe1501);
		p = nth(i);
		assert_int_equal(bgp_rib_update(ctx, t1, &p, &a), 0);
	}
	bgp_flush(ctx);
	assert_int_equal(r.commits, 1);
	p = nth(0);
	assert_true(route_installed(ctx, &p));
	p = nth(1);
	assert_false(route_installed(ctx, &p));
	assert_true(bgp_rib_find(ctx, &p)->fib_failed);
	p = nth(2);
	assert_true(route_installed(ctx, &p));
	/* Nothing changed: no commit. */
	bgp_flush(ctx);
	assert_int_equal(r.commits, 1);
	bgp_free(ctx);
	event_base_free(base);
}

/* The AS_PATH of `n` ASNs starting at asn, MED med, COMMUNITIES one value. */
static void
mkattrs_path(struct bgp_attrs *a, uint32_t asn, unsigned n, uint32_t med,
    uint32_t community)
{
	uint8_t *np;
	size_t nl;
	unsigned i;

	memset(a, 0, sizeof(*a));
	a->seen = 1u << BGP_ATTR_ORIGIN | 1u << BGP_ATTR_AS_PATH |
	    1u << BGP_ATTR_NEXT_HOP | 1u << BGP_ATTR_MED |
	    1u << BGP_ATTR_COMMUNITIES;
	for (i = 0; i < n; i++) {
		assert_int_equal(bgp_aspath_prepend(a->aspath, a->aspath_len,
		    asn + i, 1, &np, &nl), 0);
		free(a->aspath);
		a->aspath = np;
		a->aspath_len = nl;
	}
	a->nexthop.s_addr = htonl(0x0ae00001);
	a->med = med;
	assert_non_null(a->communities = malloc(4));
	community = htonl(community);
	memcpy(a->communities, &community, 4);
	a->communities_len = 4;
}

/* How many distinct pointers v[0..n-1] holds (NULL counts as one). */
static size_t
distinct(const void **v, size_t n)
{
	size_t i, j, k = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (v[j] == v[i])
				break;
		k += j == i;
	}
	return k;
}

/*
 * A LAN neighbor's table: N prefixes over K distinct AS_PATHs, the sets
 * differing in MED too (so there are more sets than paths), two
 * communities values. Each AS_PATH and each COMMUNITIES value is stored
 * once, whatever the number of sets carrying it; a tunnel peer's
 * Adj-RIB-Out (MED dropped on export, our ASN prepended) points at one
 * shared set per AS_PATH, not at a copy per prefix. All of it goes when
 * the prefixes do.
 */
static void
test_share_paths_and_out(void **state)
{
	enum { N = 2000, K = 20, MEDS = 7 };
	struct event_base *base = event_base_new();
	struct bgp_callbacks cb = { .fib_change = fib_cb };
	struct in_addr id = { htonl(0x0a000002) };
	struct bgp_ctx *ctx;
	struct bgp_peer *lan, *t1;
	struct bgp_rib_entry *e;
	const struct bgp_attrs *o;
	struct bgp_attrs a;
	struct cgw_prefix p;
	const void **paths, **comms, **outs, **outpaths;
	size_t sets;
	uint32_t i;

	(void)state;
	assert_non_null(ctx = bgp_new(base, 65000, id, &cb, NULL));
	lan = mkpeer(ctx, "lan", "10.224.0.1", BGP_ROLE_NEIGHBOR);
	lan->conf.remote_asn = 65010;
	t1 = mkpeer(ctx, "t1", "169.254.21.1", BGP_ROLE_TUNNEL);
	t1->state = BGP_ST_ESTABLISHED;
	t1->as4 = true;
	t1->afs = BGP_AF_ALL;
	t1->local_addr.s_addr = htonl(0xa9fe1502);
	assert_non_null(paths = calloc(N, sizeof(*paths)));
	assert_non_null(comms = calloc(N, sizeof(*comms)));
	assert_non_null(outs = calloc(N, sizeof(*outs)));
	assert_non_null(outpaths = calloc(N, sizeof(*outpaths)));
	for (i = 0; i < N; i++) {
		/* Paths of different lengths (1 to 4 ASNs). */
		mkattrs_path(&a, 65010 + (i % K) * 10, 1 + i % K % 4,
		    i % MEDS, 0xfde80000u | (i % 2));
		p = nth(i);
		assert_int_equal(bgp_rib_update(ctx, lan, &p, &a), 0);
	}
	bgp_flush(ctx);
	sets = ctx->asets.count;
	for (i = 0; i < N; i++) {
		p = nth(i);
		assert_non_null(e = bgp_rib_find(ctx, &p));
		paths[i] = e->path1.aset->attrs.aspath;
		comms[i] = e->path1.aset->attrs.communities;
		assert_non_null(o = bgp_rib_out_lookup(t1, &p));
		assert_false(BGP_SEEN(o, BGP_ATTR_MED));
		assert_int_equal(bgp_aspath_count(o->aspath, o->aspath_len),
		    2 + i % K % 4);
		outs[i] = o;
		outpaths[i] = o->aspath;
	}
	assert_int_equal(t1->n_advertised, N);
	/* Learned: more sets than AS_PATHs, each AS_PATH stored once. */
	assert_true(sets >= K * MEDS);
	assert_int_equal(distinct(paths, N), K);
	assert_int_equal(distinct(comms, N), 2);
	/* Told to the tunnel peer: a set per AS_PATH (MED is not sent). */
	assert_true(distinct(outs, N) <= K);
	assert_int_equal(distinct(outpaths, N), K);
	/* The tables' own counts: K learned AS_PATHs and their K prepended
	 * exports, two COMMUNITIES values; at most K sets were added for
	 * the peer's N prefixes. */
	assert_int_equal(ctx->asets.aspaths.count, 2 * K);
	assert_int_equal(ctx->asets.communities.count, 2);
	assert_int_equal(ctx->asets.others.count, 0);
	assert_true(ctx->asets.count <= sets);
	assert_true(sets <= K * MEDS + K);
	/* Everything withdrawn: every set and blob goes. */
	for (i = 0; i < N; i++) {
		p = nth(i);
		assert_true(bgp_rib_withdraw(ctx, lan, &p));
	}
	bgp_flush(ctx);
	assert_int_equal(t1->n_advertised, 0);
	assert_int_equal(ctx->asets.count, 0);
	assert_int_equal(ctx->asets.aspaths.count, 0);
	assert_int_equal(ctx->asets.aspaths.bytes, 0);
	assert_int_equal(ctx->asets.communities.count, 0);
	free(paths);
	free(comms);
	free(outs);
	free(outpaths);
	bgp_free(ctx);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intern_shares_and_frees),
		cmocka_unit_test(test_intern_grows),
		cmocka_unit_test(test_rib_shares_and_frees),
		cmocka_unit_test(test_fib_commit),
		cmocka_unit_test(test_share_paths_and_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
