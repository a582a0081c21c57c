/* bgp/slab.c: the RIB entries' pools, and the RIB giving pages back. */
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

/* Objects are distinct, zeroed, aligned, packed per page; a page goes
 * back when its last object does (one kept), all of them after a trim. */
static void
test_slab_pages(void **state)
{
	struct bgp_slab s;
	enum { N = 5000 };
	uint8_t **v;
	size_t i, per;

	(void)state;
	bgp_slab_init(&s, 56);
	assert_int_equal(s.size, 56);
	per = s.per_page;
	assert_true(per > 1000);
	assert_non_null(v = calloc(N, sizeof(*v)));
	for (i = 0; i < N; i++) {
		assert_non_null(v[i] = bgp_slab_alloc(&s));
		assert_int_equal((uintptr_t)v[i] % 8, 0);
		assert_true(v[i][0] == 0 && v[i][55] == 0);
		memset(v[i], 0xa5, 56);
	}
	assert_int_equal(s.nobjs, N);
	assert_int_equal(s.npages, (N + per - 1) / per);
	/* No overlaps: every object still holds its own pattern. */
	for (i = 1; i < N; i++)
		assert_true(v[i] != v[i - 1] && v[i - 1][55] == 0xa5);
	/* Freed and taken again: the same memory, zeroed. */
	bgp_slab_free(&s, v[7]);
	assert_ptr_equal(bgp_slab_alloc(&s), v[7]);
	assert_int_equal(v[7][0], 0);
	/* Everything freed: one empty page kept, the rest unmapped. */
	for (i = 0; i < N; i++)
		bgp_slab_free(&s, v[i]);
	assert_int_equal(s.nobjs, 0);
	assert_int_equal(s.npages, 1);
	bgp_slab_trim(&s);
	assert_int_equal(s.npages, 0);
	/* Usable again after a trim. */
	assert_non_null(v[0] = bgp_slab_alloc(&s));
	assert_int_equal(s.npages, 1);
	bgp_slab_free(&s, v[0]);
	bgp_slab_trim(&s);
	bgp_slab_free(&s, NULL);
	free(v);
}

static struct bgp_peer *
mkpeer(struct bgp_ctx *ctx, const char *name, const char *remote)
{
	struct bgp_peer_conf c;
	struct bgp_peer *p;

	bgp_peer_conf_defaults(&c);
	snprintf(c.name, sizeof(c.name), "%s", name);
	assert_true(addr_parse(remote, &c.remote));
	c.remote_asn = 65010;
	c.role = BGP_ROLE_NEIGHBOR;
	assert_non_null(p = bgp_peer_add(ctx, &c));
	p->peer_id = c.remote.v4;
	return p;
}

static void
mkattrs(struct bgp_attrs *a, uint32_t nh)
{
	memset(a, 0, sizeof(*a));
	a->seen = 1u << BGP_ATTR_ORIGIN | 1u << BGP_ATTR_AS_PATH |
	    1u << BGP_ATTR_NEXT_HOP;
	a->nexthop.s_addr = htonl(nh);
	assert_int_equal(bgp_aspath_prepend(NULL, 0, 65010, 1, &a->aspath,
	    &a->aspath_len), 0);
}

/*
 * A table of IPv4 and IPv6 prefixes in the RIB, with a second path on
 * some: entries come from the pools, are found again, and once the peers'
 * paths are gone every page, path and attribute set is released.
 */
static struct cgw_prefix
pool_prefix(uint32_t i)
{
	struct cgw_prefix p;

	memset(&p, 0, sizeof(p));
	if (i % 2 == 0) {
		p.addr.af = AF_INET;
		p.addr.v4.s_addr = htonl(0x0b000000u + (i << 8));
		p.len = 24;
	} else {
		p.addr.af = AF_INET6;
		p.addr.bytes[0] = 0x20;
		p.addr.bytes[1] = 0x01;
		memcpy(&p.addr.bytes[4], &i, 4);
		p.len = 48;
	}
	return p;
}

static void
test_rib_pools(void **state)
{
	struct event_base *base = event_base_new();
	struct bgp_callbacks cb = { 0 };
	struct in_addr id = { htonl(0x0a000002) };
	struct bgp_ctx *ctx;
	struct bgp_peer *l1, *l2;
	struct bgp_rib_entry *e;
	struct bgp_attrs a;
	struct cgw_prefix p;
	uint32_t i, j, n = 20000;
	int midway = 0;

	(void)state;
	assert_non_null(ctx = bgp_new(base, 65000, id, &cb, NULL));
	l1 = mkpeer(ctx, "l1", "10.0.0.1");
	l2 = mkpeer(ctx, "l2", "10.0.0.3");
	for (i = 0; i < n; i++) {
		/* While the table is being resized a step at a time, every
		 * prefix so far is found, in either array. */
		if (ctx->rib.old != NULL && ctx->rib.mig > 0 && midway < 3) {
			midway++;
			for (j = 0; j < i; j++) {
				p = pool_prefix(j);
				assert_non_null(bgp_rib_find(ctx, &p));
			}
		}
		p = pool_prefix(i);
		mkattrs(&a, 0x0a000001);
		assert_int_equal(bgp_rib_update(ctx, l1, &p, &a), 0);
		if (i % 100 == 0) {
			mkattrs(&a, 0x0a000003);
			assert_int_equal(bgp_rib_update(ctx, l2, &p, &a), 0);
		}
	}
	assert_int_equal(midway, 3);
	bgp_flush(ctx);
	assert_null(ctx->rib.old);	/* the flush's step finished it */
	for (j = 0; j < n; j++) {
		p = pool_prefix(j);
		assert_non_null(bgp_rib_find(ctx, &p));
	}
	p = pool_prefix(n - 1);
	assert_int_equal(ctx->nentries, n);
	assert_int_equal(ctx->slab4.nobjs, n / 2);
	assert_int_equal(ctx->slab6.nobjs, n / 2);
	assert_int_equal(ctx->slab4.size, 56);
	assert_int_equal(ctx->slab6.size, 72);
	/* An IPv6 prefix is found by its whole address and length. */
	p.len = 47;
	assert_null(bgp_rib_find(ctx, &p));
	p.len = 48;
	assert_non_null(e = bgp_rib_find(ctx, &p));
	assert_true(e->v6);
	assert_int_equal(e->plen, 48);
	bgp_rib_entry_prefix(e, &p);
	assert_int_equal(p.addr.af, AF_INET6);
	/* Two paths: the second chained, the first inline. */
	memset(&p, 0, sizeof(p));
	p.addr.af = AF_INET;
	p.addr.v4.s_addr = htonl(0x0b000000u);
	p.len = 24;
	assert_non_null(e = bgp_rib_find(ctx, &p));
	assert_non_null(e->path1.next);
	assert_null(e->path1.next->next);
	assert_int_equal(ctx->asets.count, 2);
	/* The inline path withdrawn: the chained one moves in. */
	assert_true(bgp_rib_withdraw(ctx, l1, &p));
	assert_ptr_equal(e->path1.peer, l2);
	assert_null(e->path1.next);
	bgp_rib_peer_flush(ctx, l1);
	bgp_rib_peer_flush(ctx, l2);
	bgp_flush(ctx);
	assert_int_equal(ctx->nentries, 0);
	assert_int_equal(ctx->slab4.nobjs, 0);
	assert_int_equal(ctx->slab6.nobjs, 0);
	/* At most the one kept empty page each. */
	assert_true(ctx->slab4.npages <= 1 && ctx->slab6.npages <= 1);
	assert_int_equal(ctx->asets.count, 0);
	assert_int_equal(l1->n_received, 0);
	assert_int_equal(l2->n_received, 0);
	bgp_free(ctx);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slab_pages),
		cmocka_unit_test(test_rib_pools),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
