/*
 * The RIBs. One hash table of prefixes holds every path: a peer's paths
 * are its Adj-RIB-In (after loop detection), the best of each prefix is
 * the Loc-RIB. Each peer keeps its Adj-RIB-Out as a tree of what it was
 * told.
 *
 * Changes are marked on the prefix and handled once per event-loop turn
 * (bgp_rib_flush, or bgp_flush at once): the FIB callback for prefixes
 * whose installed next-hop set changed, then exports into each
 * Adj-RIB-Out, then each tunnel peer's covers, then UPDATEs.
 *
 * A cover is an Adj-RIB-Out entry with no RIB entry behind it: a half of
 * a prefix the peer is told for real, carrying that prefix's attributes.
 * The export of a real route to the same prefix replaces it; it is
 * otherwise made and withdrawn by bgp_rib_peer_covers alone.
 *
 * Memory (a full table is a million prefixes): an entry is 56 octets
 * with its one path inline, cut from a pool of such (slab.c) whose empty
 * pages go back at once; the attributes are interned (aset.c), those
 * of the Adj-RIB-Outs too, so a peer told a full table holds an entry
 * per prefix and a set per distinct export; the table costs a pointer
 * per prefix; nothing is kept per prefix for a peer that is told
 * nothing.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "bgp/bgp_priv.h"
#include "lib/log.h"

#define BGP_RIB_MIN_BUCKETS	1024

int
bgp_prefix_cmp(const struct cgw_prefix *a, const struct cgw_prefix *b)
{
	int c;

	if (a->addr.af != b->addr.af)
		return a->addr.af < b->addr.af ? -1 : 1;
	/* IPv4, nearly every prefix: one integer comparison in the order
	 * memcmp gives, where memcmp was half the CPU of a full table. */
	if (a->addr.af == AF_INET) {
		uint32_t x = ntohl(a->addr.v4.s_addr);
		uint32_t y = ntohl(b->addr.v4.s_addr);

		if (x != y)
			return x < y ? -1 : 1;
	} else if ((c = memcmp(a->addr.bytes, b->addr.bytes,
	    addr_len(&a->addr))) != 0)
		return c;
	return a->len < b->len ? -1 : a->len > b->len ? 1 : 0;
}

static int
bgp_out_cmp(struct bgp_out *a, struct bgp_out *b)
{
	return bgp_prefix_cmp(&a->prefix, &b->prefix);
}

RB_GENERATE_INTERNAL(bgp_outs, bgp_out, node, bgp_out_cmp,
    __attribute__((unused)) static)

/* ---- The prefix table ---- */

static size_t
bgp_entry_alen(const struct bgp_rib_entry *e)
{
	return e->v6 ? 16 : 4;
}

void
bgp_rib_entry_prefix(const struct bgp_rib_entry *e, struct cgw_prefix *p)
{
	memset(p, 0, sizeof(*p));
	p->addr.af = e->v6 ? AF_INET6 : AF_INET;
	memcpy(p->addr.bytes, e->addr, bgp_entry_alen(e));
	p->len = e->plen;
}

static uint64_t
bgp_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
}

/*
 * An IPv4 prefix's hash keeps neighbours together: the /20 around it
 * (with its length and last octet) is hashed, the 16 /24s inside it take
 * consecutive buckets. A table arrives in runs of adjacent prefixes, so
 * the buckets (and the entries, allocated in arrival order) of a run
 * share cache lines, where a hash of the whole address missed the cache
 * twice per prefix.
 */
static uint32_t
bgp_prefix_hash(const struct cgw_prefix *p)
{
	uint64_t h = (uint64_t)p->len;
	uint32_t w, x;
	size_t i;

	if (p->addr.af == AF_INET) {
		x = ntohl(p->addr.v4.s_addr);
		h = bgp_mix((uint64_t)(x >> 12) << 16 | (x & 0xffu) << 8 | h);
		return (uint32_t)(h << 4) | ((x >> 8) & 0xfu);
	}
	for (i = 0; i < 16; i += 4) {
		memcpy(&w, &p->addr.bytes[i], 4);
		h = bgp_mix(h ^ ((uint64_t)w << 8));
	}
	return (uint32_t)h;
}

static bool
bgp_entry_is(const struct bgp_rib_entry *e, const struct cgw_prefix *p)
{
	return e->plen == p->len && e->v6 == (p->addr.af == AF_INET6) &&
	    memcmp(e->addr, p->addr.bytes, bgp_entry_alen(e)) == 0;
}

/*
 * Resizing moves the entries a few buckets at a time (each insertion
 * and each flush takes a step), not all at once: rehashing half a
 * million entries in one go held the loop for tens of milliseconds.
 * While it runs, an entry is in the old array if its old bucket is not
 * yet moved (index >= mig), else in the new one.
 */
#define BGP_RIB_STEP_INSERT	8	/* old buckets moved per insertion */
#define BGP_RIB_STEP_FLUSH	16384	/* ... per flush */

static struct bgp_rib_entry **
bgp_rib_chain(struct bgp_rib *t, uint32_t h)
{
	if (t->old != NULL && (h & (t->nold - 1)) >= t->mig)
		return &t->old[h & (t->nold - 1)];
	return &t->b[h & (t->nb - 1)];
}

static void
bgp_rib_migrate(struct bgp_rib *t, size_t n)
{
	struct bgp_rib_entry *e, *next;
	struct cgw_prefix p;
	size_t h;

	for (; t->old != NULL && n > 0; n--) {
		for (e = t->old[t->mig]; e != NULL; e = next) {
			next = e->hnext;
			bgp_rib_entry_prefix(e, &p);
			h = bgp_prefix_hash(&p) & (t->nb - 1);
			e->hnext = t->b[h];
			t->b[h] = e;
		}
		t->old[t->mig] = NULL;
		if (++t->mig == t->nold) {
			free(t->old);
			t->old = NULL;
			t->nold = t->mig = 0;
		}
	}
}

static void
bgp_rib_resize(struct bgp_rib *t, size_t nb)
{
	struct bgp_rib_entry **b;

	/* One resize at a time: the last one finishes first. */
	bgp_rib_migrate(t, SIZE_MAX);
	/* No memory: the chains grow longer, lookups stay right. */
	if ((b = calloc(nb, sizeof(*b))) == NULL)
		return;
	if (t->nb == 0) {
		t->b = b;
		t->nb = nb;
		return;
	}
	t->old = t->b;
	t->nold = t->nb;
	t->mig = 0;
	t->b = b;
	t->nb = nb;
}

struct bgp_rib_entry *
bgp_rib_find(struct bgp_ctx *ctx, const struct cgw_prefix *prefix)
{
	struct bgp_rib_entry *e;

	if (ctx->rib.nb == 0)
		return NULL;
	e = *bgp_rib_chain(&ctx->rib, bgp_prefix_hash(prefix));
	for (; e != NULL; e = e->hnext)
		if (bgp_entry_is(e, prefix))
			return e;
	return NULL;
}

static struct bgp_rib_entry *
bgp_rib_insert(struct bgp_ctx *ctx, const struct cgw_prefix *prefix)
{
	struct bgp_rib *t = &ctx->rib;
	struct bgp_rib_entry *e, **chain;
	size_t alen = prefix->addr.af == AF_INET6 ? 16 : 4;

	bgp_rib_migrate(t, BGP_RIB_STEP_INSERT);
	if (t->old == NULL && ctx->nentries >= t->nb)
		bgp_rib_resize(t, t->nb == 0 ? BGP_RIB_MIN_BUCKETS : t->nb * 2);
	if (t->nb == 0 || (e = bgp_slab_alloc(alen == 16 ? &ctx->slab6 :
	    &ctx->slab4)) == NULL)
		return NULL;
	e->v6 = prefix->addr.af == AF_INET6;
	e->plen = prefix->len;
	memcpy(e->addr, prefix->addr.bytes, alen);
	e->best = BGP_NOBEST;
	chain = bgp_rib_chain(t, bgp_prefix_hash(prefix));
	e->hnext = *chain;
	*chain = e;
	ctx->nentries++;
	return e;
}

static void
bgp_rib_remove(struct bgp_ctx *ctx, struct bgp_rib_entry *e)
{
	struct bgp_rib_entry **pp;
	struct cgw_prefix p;

	bgp_rib_entry_prefix(e, &p);
	pp = bgp_rib_chain(&ctx->rib, bgp_prefix_hash(&p));
	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
}

/* Chain i of both arrays, the new one's first (resizing: the old one's
 * after), for walks. */
static struct bgp_rib_entry *
bgp_rib_bucket(const struct bgp_rib *t, size_t i)
{
	return i < t->nb ? t->b[i] : t->old[i - t->nb];
}

/* Every entry, in table order; cb may change paths but not the table. */
#define BGP_RIB_FOREACH(e, ctx, i)					\
	for ((i) = 0; (i) < (ctx)->rib.nb + (ctx)->rib.nold; (i)++)	\
		for ((e) = bgp_rib_bucket(&(ctx)->rib, i); (e) != NULL;	\
		    (e) = (e)->hnext)

static void
bgp_rib_flush_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct bgp_ctx *ctx = arg;

	(void)fd;
	(void)ev;
	ctx->flush_scheduled = false;
	bgp_rib_flush(ctx);
}

void
bgp_rib_init(struct bgp_ctx *ctx)
{
	memset(&ctx->rib, 0, sizeof(ctx->rib));
	ctx->dirty = NULL;
	ctx->ndirty = ctx->cdirty = 0;
	ctx->dirty_all = false;
	bgp_asets_init(&ctx->asets);
	/* Not sizeof: the address starts inside the struct's padding. */
	bgp_slab_init(&ctx->slab4, offsetof(struct bgp_rib_entry, addr) + 4);
	bgp_slab_init(&ctx->slab6, offsetof(struct bgp_rib_entry, addr) + 16);
	ctx->ev_flush = event_new(ctx->base, -1, 0, bgp_rib_flush_cb, ctx);
}

void
bgp_schedule_flush(struct bgp_ctx *ctx)
{
	if (ctx->flush_scheduled || ctx->ev_flush == NULL)
		return;
	ctx->flush_scheduled = true;
	event_active(ctx->ev_flush, EV_TIMEOUT, 1);
}

/* ---- Paths ---- */

/* The path's LOCAL_PREF: iBGP carries its own, eBGP gets the peer's. */
static uint32_t
bgp_rpath_local_pref(const struct bgp_rpath *p)
{
	if (p->peer == NULL)
		return BGP_DEF_LOCAL_PREF;
	if (!p->peer->ebgp && BGP_SEEN(&p->aset->attrs, BGP_ATTR_LOCAL_PREF))
		return p->aset->attrs.local_pref;
	return p->peer->conf.local_pref;
}

static void
bgp_rpath_view(const struct bgp_rpath *p, struct bgp_path *v)
{
	memset(v, 0, sizeof(*v));
	v->peer = p->peer;
	v->aset = p->aset;
	v->local_pref = bgp_rpath_local_pref(p);
	if (p->peer != NULL) {
		v->ebgp = p->peer->ebgp;
		v->peer_id = p->peer->peer_id;
		v->peer_addr = p->peer->conf.remote;
	}
}

/* The entry's paths: the inline one first, when it holds one. */
#define BGP_PATHS_FOREACH(p, e)						\
	for ((p) = (e)->path1.aset != NULL ? &(e)->path1 : NULL;	\
	    (p) != NULL; (p) = (p)->next)

static const struct bgp_rpath *
bgp_entry_best(const struct bgp_rib_entry *e)
{
	const struct bgp_rpath *p;
	unsigned i = 0;

	if (e->best == BGP_NOBEST)
		return NULL;
	BGP_PATHS_FOREACH(p, e)
		if (i++ == e->best)
			return p;
	return NULL;
}

static bool
bgp_entry_empty(const struct bgp_rib_entry *e)
{
	return e->path1.aset == NULL;
}

/* The FIB next hop i as the daemon was handed it. */
static void
bgp_fib_get(const struct bgp_rib_entry *e, size_t i, struct bgp_fib_nh *nh)
{
	if (e->nfib == 1) {
		memset(nh, 0, sizeof(*nh));
		bgp_attrs_gateway(&e->fib.one.aset->attrs, &nh->gateway);
		nh->peer = e->fib.one.peer;
		nh->installed = e->fib1_installed;
	} else
		*nh = e->fib.many[i];
}

static void
bgp_fib_release(struct bgp_ctx *ctx, struct bgp_rib_entry *e)
{
	if (e->nfib == 1)
		bgp_aset_put(&ctx->asets, e->fib.one.aset);
	else if (e->nfib > 1)
		free(e->fib.many);
	memset(&e->fib, 0, sizeof(e->fib));
	e->nfib = 0;
}

static void
bgp_entry_free(struct bgp_ctx *ctx, struct bgp_rib_entry *e)
{
	struct bgp_rpath *p, *next;

	for (p = e->path1.next; p != NULL; p = next) {
		next = p->next;
		bgp_aset_put(&ctx->asets, p->aset);
		free(p);
	}
	bgp_aset_put(&ctx->asets, e->path1.aset);
	bgp_fib_release(ctx, e);
	bgp_slab_free(e->v6 ? &ctx->slab6 : &ctx->slab4, e);
	ctx->nentries--;
	ctx->freed++;
}

void
bgp_rib_free(struct bgp_ctx *ctx)
{
	struct bgp_rib_entry *e, *next;
	size_t i;

	for (i = 0; i < ctx->rib.nb + ctx->rib.nold; i++)
		for (e = bgp_rib_bucket(&ctx->rib, i); e != NULL; e = next) {
			next = e->hnext;
			bgp_entry_free(ctx, e);
		}
	free(ctx->rib.b);
	free(ctx->rib.old);
	memset(&ctx->rib, 0, sizeof(ctx->rib));
	free(ctx->dirty);
	ctx->dirty = NULL;
	ctx->ndirty = ctx->cdirty = 0;
	bgp_slab_trim(&ctx->slab4);
	bgp_slab_trim(&ctx->slab6);
	bgp_asets_free(&ctx->asets);
	if (ctx->ev_flush != NULL)
		event_free(ctx->ev_flush);
	ctx->ev_flush = NULL;
}

static void
bgp_entry_dirty(struct bgp_ctx *ctx, struct bgp_rib_entry *e)
{
	struct bgp_rib_entry **v;
	size_t c;

	e->export_dirty = true;
	if (!e->on_dirty) {
		e->on_dirty = true;
		if (ctx->ndirty == ctx->cdirty) {
			c = ctx->cdirty == 0 ? 256 : ctx->cdirty * 2;
			if ((v = reallocarray(ctx->dirty, c, sizeof(*v))) ==
			    NULL)
				ctx->dirty_all = true;
			else {
				ctx->dirty = v;
				ctx->cdirty = c;
			}
		}
		if (ctx->ndirty < ctx->cdirty)
			ctx->dirty[ctx->ndirty++] = e;
	}
	bgp_schedule_flush(ctx);
}

/* Whether the path's packets go to gw (bgp_attrs_gateway). */
static bool
bgp_path_via(const struct bgp_aset *as, const struct cgw_addr *gw)
{
	const struct bgp_attrs *a = &as->attrs;
	struct cgw_addr pg;

	/* IPv4, nearly every path: no address built. No calls at all: this
	 * runs for every path of every decision. */
	if (a->nh6_len == 0)
		return gw->af == AF_INET && gw->v4.s_addr == a->nexthop.s_addr;
	bgp_attrs_gateway(a, &pg);
	if (pg.af != gw->af)
		return false;
	return pg.af == AF_INET ? pg.v4.s_addr == gw->v4.s_addr :
	    memcmp(&pg.v6, &gw->v6, sizeof(pg.v6)) == 0;
}

/* A path is installed when the kernel took its next hop (fib_change). */
static bool
bgp_rpath_installed(const struct bgp_rib_entry *e, const struct bgp_rpath *p)
{
	struct bgp_fib_nh nh;
	size_t i;

	if (p->peer == NULL)
		return false;
	for (i = 0; i < e->nfib; i++) {
		bgp_fib_get(e, i, &nh);
		if (nh.installed && nh.peer == p->peer &&
		    bgp_path_via(p->aset, &nh.gateway))
			return true;
	}
	return false;
}

bool
bgp_rib_best_installed(const struct bgp_rib_entry *e)
{
	const struct bgp_rpath *b = bgp_entry_best(e);

	return b != NULL && bgp_rpath_installed(e, b);
}

static bool
bgp_fib_has(const struct bgp_rib_entry *e, const struct bgp_fib_nh *want)
{
	struct bgp_fib_nh nh;
	size_t i;

	for (i = 0; i < e->nfib; i++) {
		bgp_fib_get(e, i, &nh);
		if (nh.peer == want->peer &&
		    addr_eq(&nh.gateway, &want->gateway))
			return true;
	}
	return false;
}

/* Decide the best path and the FIB set of one prefix. */
static void
bgp_rib_decide(struct bgp_ctx *ctx, struct bgp_rib_entry *e)
{
	const struct bgp_rpath *p, *best = NULL;
	struct bgp_path bv, pv;
	struct bgp_fib_nh set[BGP_MAX_MULTIPATH];
	size_t n = 0, i;
	unsigned idx = 0;
	bool same;

	e->best = BGP_NOBEST;
	/* One path, nearly every prefix: nothing to compare. */
	if (!bgp_entry_empty(e) && e->path1.next == NULL) {
		best = &e->path1;
		e->best = 0;
	} else
		BGP_PATHS_FOREACH(p, e) {
			bgp_rpath_view(p, &pv);
			if (best == NULL || bgp_decide_cmp(&pv, &bv, false) < 0) {
				best = p;
				bv = pv;
				e->best = (uint8_t)(idx < BGP_NOBEST ? idx : 0);
			}
			idx++;
		}
	if (best != NULL && best->peer != NULL) {
		memset(&set[0], 0, sizeof(set[0]));
		bgp_attrs_gateway(&best->aset->attrs, &set[0].gateway);
		set[n++].peer = best->peer;
	}
	if (ctx->multipath && n == 1 && e->path1.next != NULL) {
		bgp_rpath_view(best, &bv);
		BGP_PATHS_FOREACH(p, e) {
			if (p == best || p->peer == NULL ||
			    n == BGP_MAX_MULTIPATH)
				continue;
			bgp_rpath_view(p, &pv);
			if (bgp_decide_cmp(&pv, &bv, true) != 0)
				continue;
			memset(&set[n], 0, sizeof(set[n]));
			bgp_attrs_gateway(&p->aset->attrs, &set[n].gateway);
			set[n++].peer = p->peer;
		}
	}
	same = n == e->nfib;
	for (i = 0; same && i < n; i++)
		same = bgp_fib_has(e, &set[i]);
	if (same && n == 1 && e->fib.one.aset != best->aset) {
		/* The same next hop from a new set: hold the new one, so the
		 * old can go. */
		bgp_aset_put(&ctx->asets, e->fib.one.aset);
		e->fib.one.aset = bgp_aset_ref(best->aset);
	}
	if (!same) {
		struct bgp_fib_nh *nf = NULL;

		/* No memory for the set: the best next hop alone. */
		if (n > 1 && (nf = calloc(n, sizeof(*nf))) == NULL)
			n = 1;
		bgp_fib_release(ctx, e);
		if (n == 1) {
			e->fib.one.aset = bgp_aset_ref(best->aset);
			e->fib.one.peer = best->peer;
			e->fib1_installed = false;
		} else if (n > 1) {
			memcpy(nf, set, n * sizeof(set[0]));
			e->fib.many = nf;
		}
		e->nfib = (uint8_t)n;
		e->fib_dirty = true;
	}
	bgp_entry_dirty(ctx, e);
}

int
bgp_rib_update(struct bgp_ctx *ctx, struct bgp_peer *peer,
    const struct cgw_prefix *prefix, struct bgp_attrs *attrs)
{
	struct bgp_aset *as;

	if ((as = bgp_aset_get(&ctx->asets, attrs)) == NULL)
		return -1;
	return bgp_rib_update_aset(ctx, peer, prefix, as);
}

int
bgp_rib_update_aset(struct bgp_ctx *ctx, struct bgp_peer *peer,
    const struct cgw_prefix *prefix, struct bgp_aset *as)
{
	struct bgp_rib_entry *e;
	struct bgp_rpath *p, *last = NULL, *np;

	if ((e = bgp_rib_find(ctx, prefix)) == NULL &&
	    (e = bgp_rib_insert(ctx, prefix)) == NULL) {
		bgp_aset_put(&ctx->asets, as);
		return -1;
	}
	BGP_PATHS_FOREACH(p, e) {
		if (p->peer == peer)
			break;
		last = p;
	}
	if (p == NULL) {
		if (bgp_entry_empty(e))
			p = &e->path1;
		else if ((np = calloc(1, sizeof(*np))) == NULL) {
			bgp_aset_put(&ctx->asets, as);
			bgp_entry_dirty(ctx, e);
			return -1;
		} else if (peer == NULL) {
			/* Our network first, as `show routes` lists it. */
			*np = e->path1;
			e->path1.next = np;
			p = &e->path1;
		} else {
			last->next = np;
			p = np;
		}
		p->peer = peer;
		if (peer != NULL)
			peer->n_received++;
	} else {
		/* An implicit withdrawal of the previous path. */
		bgp_aset_put(&ctx->asets, p->aset);
	}
	p->aset = as;
	bgp_rib_decide(ctx, e);
	return 0;
}

/* Drop path p (prev: the one before it, NULL for the inline one). */
static void
bgp_rib_unlink(struct bgp_ctx *ctx, struct bgp_rib_entry *e,
    struct bgp_rpath *prev, struct bgp_rpath *p)
{
	struct bgp_rpath *n;

	if (p->peer != NULL && p->peer->n_received > 0)
		p->peer->n_received--;
	bgp_aset_put(&ctx->asets, p->aset);
	e->best = BGP_NOBEST;
	if (prev != NULL) {
		prev->next = p->next;
		free(p);
	} else if ((n = e->path1.next) != NULL) {
		e->path1 = *n;
		free(n);
	} else
		memset(&e->path1, 0, sizeof(e->path1));
}

bool
bgp_rib_withdraw(struct bgp_ctx *ctx, struct bgp_peer *peer,
    const struct cgw_prefix *prefix)
{
	struct bgp_rib_entry *e;
	struct bgp_rpath *p, *prev = NULL;

	if ((e = bgp_rib_find(ctx, prefix)) == NULL)
		return false;
	BGP_PATHS_FOREACH(p, e) {
		if (p->peer == peer)
			break;
		prev = p;
	}
	if (p == NULL)
		return false;
	bgp_rib_unlink(ctx, e, prev, p);
	bgp_rib_decide(ctx, e);
	return true;
}

/* Drop peer's path from e, if it has one; whether it had. */
static bool
bgp_rib_drop_peer(struct bgp_ctx *ctx, struct bgp_rib_entry *e,
    struct bgp_peer *peer)
{
	struct bgp_rpath *p, *prev = NULL;

	BGP_PATHS_FOREACH(p, e) {
		if (p->peer == peer) {
			bgp_rib_unlink(ctx, e, prev, p);
			return true;
		}
		prev = p;
	}
	return false;
}

void
bgp_rib_peer_flush(struct bgp_ctx *ctx, struct bgp_peer *peer)
{
	struct bgp_rib_entry *e;
	size_t i;

	/* One walk; the emptied entries go at the flush. */
	BGP_RIB_FOREACH(e, ctx, i)
		if (bgp_rib_drop_peer(ctx, e, peer))
			bgp_rib_decide(ctx, e);
	peer->n_received = 0;
}

/* ---- Export (Adj-RIB-Out) ---- */

/* Forget the peer's last export (bgp_export_aset) and its references. */
static void
bgp_export_forget(struct bgp_peer *peer)
{
	bgp_aset_put(&peer->ctx->asets, peer->x_in);
	bgp_aset_put(&peer->ctx->asets, peer->x_out);
	peer->x_in = peer->x_out = NULL;
}

/*
 * What `peer` should hear about prefix e: an interned set, one reference
 * the caller's; NULL: nothing (or no memory: the same, a withdrawal).
 * Tunnel peers get our networks and LAN-learned routes, LAN neighbors the
 * tunnel-learned ones; never a route back to where it came from.
 */
static struct bgp_aset *
bgp_export_aset(struct bgp_ctx *ctx, struct bgp_peer *peer,
    const struct bgp_rib_entry *e)
{
	const struct bgp_rpath *best = bgp_entry_best(e);
	struct bgp_attrs a;
	struct bgp_aset *as;
	uint8_t *np = NULL;
	size_t nl;
	uint32_t lp;
	bool local;

	if (best == NULL || best->peer == peer)
		return NULL;
	if (peer->conf.role == BGP_ROLE_TUNNEL) {
		if (best->peer != NULL &&
		    best->peer->conf.role != BGP_ROLE_NEIGHBOR)
			return NULL;
	} else {
		/* Static routes over a tunnel are tunnel-learned too. */
		if (best->peer == NULL ||
		    best->peer->conf.role == BGP_ROLE_NEIGHBOR)
			return NULL;
	}
	/* RFC 4271 9.2: iBGP-learned routes are not sent to iBGP peers. */
	if (!peer->ebgp && best->peer != NULL && !best->peer->ebgp)
		return NULL;
	/* RFC 4760 8: only a family both sides offered. */
	if (!(peer->afs & (e->v6 ? BGP_AF_IPV6 : BGP_AF_IPV4)))
		return NULL;
	/* The result depends on the best path's set, whether it is ours,
	 * its LOCAL_PREF (iBGP) and the family; the peer's side (prepend,
	 * addresses) stays while its session does. */
	local = best->peer == NULL;
	lp = peer->ebgp ? 0 : bgp_rpath_local_pref(best);
	if (peer->x_in == best->aset && peer->x_local == local &&
	    peer->x_lp == lp && peer->x_v6 == e->v6)
		return bgp_aset_ref(peer->x_out);
	/* A shallow copy: its bytes stay the best set's, only read. */
	a = best->aset->attrs;
	if (local) {
		a.origin = BGP_ORIGIN_IGP;
		a.seen |= 1u << BGP_ATTR_ORIGIN | 1u << BGP_ATTR_AS_PATH;
	}
	if (peer->ebgp) {
		if (bgp_aspath_prepend(a.aspath, a.aspath_len, ctx->asn,
		    1u + peer->conf.prepend, &np, &nl) == -1)
			return NULL;
		a.aspath = np;
		a.aspath_len = nl;
		/* MED is not passed on to another AS (RFC 4271 5.1.4). */
		a.seen &= ~(1u << BGP_ATTR_MED | 1u << BGP_ATTR_LOCAL_PREF);
		a.med = a.local_pref = 0;
	} else {
		a.seen |= 1u << BGP_ATTR_LOCAL_PREF;
		a.local_pref = lp;
	}
	/* Next hop self: peers reach the VPC (or the LAN) through us. */
	memset(a.nh6, 0, sizeof(a.nh6));
	if (e->v6 && !IN6_IS_ADDR_UNSPECIFIED(&peer->local_addr6)) {
		/* A session over IPv6 (inside addresses): our end of it. */
		a.nexthop.s_addr = 0;
		a.seen &= ~(1u << BGP_ATTR_NEXT_HOP);
		a.nh6_len = 16;
		a.nh6[0] = peer->local_addr6;
	} else if (e->v6) {
		/*
		 * The session runs over IPv4 (bgp_peer_add): our end of it as
		 * an IPv4-mapped IPv6 address, as RFC 4798 does and BIRD
		 * takes it ("extended next hop"); the peer forwards to the
		 * IPv4 address it already reaches.
		 */
		a.nexthop.s_addr = 0;
		a.seen &= ~(1u << BGP_ATTR_NEXT_HOP);
		a.nh6_len = 16;
		a.nh6[0].s6_addr[10] = 0xff;
		a.nh6[0].s6_addr[11] = 0xff;
		memcpy(&a.nh6[0].s6_addr[12], &peer->local_addr.s_addr, 4);
	} else {
		a.nh6_len = 0;
		a.nexthop = peer->local_addr;
		a.seen |= 1u << BGP_ATTR_NEXT_HOP;
	}
	as = bgp_aset_intern(&ctx->asets, &a);
	free(np);
	if (as == NULL)
		return NULL;
	bgp_export_forget(peer);
	peer->x_in = bgp_aset_ref(best->aset);
	peer->x_out = bgp_aset_ref(as);
	peer->x_lp = lp;
	peer->x_local = local;
	peer->x_v6 = e->v6;
	return as;
}

static struct bgp_out *
bgp_out_find(struct bgp_peer *peer, const struct cgw_prefix *prefix)
{
	struct bgp_out key;

	/* The comparison reads the prefix alone. */
	key.prefix = *prefix;
	return RB_FIND(bgp_outs, &peer->out, &key);
}

static void
bgp_rib_export_entry(struct bgp_ctx *ctx, struct bgp_peer *peer,
    const struct bgp_rib_entry *e, const struct cgw_prefix *prefix)
{
	struct bgp_aset *as;
	struct bgp_out *o = bgp_out_find(peer, prefix);

	if ((as = bgp_export_aset(ctx, peer, e)) != NULL) {
		/* The real route wins over a cover for the same prefix. */
		if (o != NULL && o->cover) {
			o->cover = false;
			peer->n_covers--;
			peer->cover_dirty = true;
		}
		/* Interned: the same attributes are the same set. */
		if (o != NULL && o->announced && o->aset == as) {
			bgp_aset_put(&ctx->asets, as);
			return;
		}
		if (o == NULL) {
			if ((o = calloc(1, sizeof(*o))) == NULL) {
				bgp_aset_put(&ctx->asets, as);
				return;
			}
			o->prefix = *prefix;
			RB_INSERT(bgp_outs, &peer->out, o);
		}
		if (!o->announced)
			peer->n_advertised++;
		bgp_aset_put(&ctx->asets, o->aset);
		o->aset = as;
		o->announced = true;
		o->withdraw = false;
		o->pending = true;
		peer->out_pending = true;
		peer->cover_dirty = true;
	} else if (o != NULL && o->announced && !o->cover) {
		bgp_aset_put(&ctx->asets, o->aset);
		o->aset = NULL;
		o->announced = false;
		o->withdraw = true;
		o->pending = true;
		peer->n_advertised--;
		peer->out_pending = true;
		peer->cover_dirty = true;
	}
}

/* The two halves of a prefix; false for a host route, which has none. */
static bool
bgp_prefix_halves(const struct cgw_prefix *p, struct cgw_prefix h[2])
{
	uint32_t a;

	if (p->len >= addr_len(&p->addr) * 8)
		return false;
	h[0] = h[1] = *p;
	h[0].len = h[1].len = (uint8_t)(p->len + 1);
	if (p->addr.af == AF_INET) {
		a = ntohl(p->addr.v4.s_addr) | 1u << (31 - p->len);
		h[1].addr.v4.s_addr = htonl(a);
	} else
		h[1].addr.bytes[p->len / 8] |= (uint8_t)(0x80 >> (p->len % 8));
	return true;
}

/* Whether the peer is told about prefix for real (not as a cover). */
static bool
bgp_out_real(struct bgp_peer *peer, const struct cgw_prefix *prefix)
{
	struct bgp_out *o = bgp_out_find(peer, prefix);

	return o != NULL && o->announced && !o->cover;
}

/* Tell the peer prefix as a cover with set `as` (a reference of its own
 * taken), unless it is told for real. */
static int
bgp_cover_set(struct bgp_peer *peer, const struct cgw_prefix *prefix,
    struct bgp_aset *as)
{
	struct bgp_out *o = bgp_out_find(peer, prefix);

	if (o != NULL && o->announced && !o->cover)
		return 0;
	if (o != NULL && o->announced && o->aset == as) {
		o->mark = true;
		return 0;
	}
	if (o == NULL) {
		if ((o = calloc(1, sizeof(*o))) == NULL)
			return -1;
		o->prefix = *prefix;
		RB_INSERT(bgp_outs, &peer->out, o);
	}
	if (!o->announced) {
		peer->n_advertised++;
		peer->n_covers++;
	}
	bgp_aset_ref(as);
	bgp_aset_put(&peer->ctx->asets, o->aset);
	o->aset = as;
	o->announced = true;
	o->cover = true;
	o->mark = true;
	o->withdraw = false;
	o->pending = true;
	peer->out_pending = true;
	return 0;
}

/*
 * Bring the peer's covers in line with what it is told for real: with
 * cover on, each such prefix in prefix order gets its halves as long as
 * they fit under BGP_AWS_MAX_ADVERTISED; past the first that does not
 * fit none is split, so what is covered is always the head of the list
 * an operator reads in prefix order. Every cover not wanted any more is
 * withdrawn.
 */
static void
bgp_rib_peer_covers(struct bgp_peer *peer)
{
	struct bgp_out *o, *next;
	struct cgw_prefix half[2];
	uint32_t real, room = 0, need;
	bool full = false;
	int i;

	peer->cover_dirty = false;
	peer->cover_skipped = 0;
	if (!peer->cover && peer->n_covers == 0)
		return;
	real = peer->n_advertised - peer->n_covers;
	if (real < BGP_AWS_MAX_ADVERTISED)
		room = BGP_AWS_MAX_ADVERTISED - real;
	RB_FOREACH(o, bgp_outs, &peer->out)
		o->mark = false;
	/* Halves go in behind the walk (they sort after their prefix) and
	 * are passed over as covers. */
	RB_FOREACH(o, bgp_outs, &peer->out) {
		if (!peer->cover)
			break;
		if (!o->announced || o->cover ||
		    !bgp_prefix_halves(&o->prefix, half))
			continue;
		need = 0;
		for (i = 0; i < 2; i++)
			if (!bgp_out_real(peer, &half[i]))
				need++;
		if (need == 0)
			continue;
		if (full || need > room) {
			full = true;
			peer->cover_skipped++;
			continue;
		}
		room -= need;
		for (i = 0; i < 2; i++)
			if (bgp_cover_set(peer, &half[i], o->aset) == -1)
				peer->cover_dirty = true;	/* next flush */
	}
	RB_FOREACH_SAFE(o, bgp_outs, &peer->out, next) {
		if (!o->cover || o->mark)
			continue;
		bgp_aset_put(&peer->ctx->asets, o->aset);
		o->aset = NULL;
		o->cover = false;
		o->announced = false;
		o->withdraw = true;
		o->pending = true;
		peer->n_covers--;
		peer->n_advertised--;
		peer->out_pending = true;
	}
}

int
bgp_peer_set_cover(struct bgp_peer *peer, bool on)
{
	if (peer->conf.role != BGP_ROLE_TUNNEL) {
		errno = EINVAL;
		return -1;
	}
	if (peer->cover != on) {
		peer->cover = on;
		peer->cover_dirty = true;
	}
	/* At once, so the caller learns what the limit left out; the
	 * UPDATEs leave with the next flush. */
	if (peer->state == BGP_ST_ESTABLISHED && peer->cover_dirty) {
		bgp_rib_peer_covers(peer);
		bgp_schedule_flush(peer->ctx);
	}
	return (int)peer->cover_skipped;
}

int
bgp_peer_set_local_pref(struct bgp_peer *peer, uint32_t lp)
{
	struct bgp_ctx *ctx = peer->ctx;
	struct bgp_rib_entry *e;
	const struct bgp_rpath *p;
	size_t i;

	/* Paths read the peer's value (bgp_rpath_local_pref): decide again
	 * where it counts, iBGP carrying its own LOCAL_PREF aside. */
	if (peer->conf.local_pref == lp)
		return 0;
	peer->conf.local_pref = lp;
	BGP_RIB_FOREACH(e, ctx, i) {
		BGP_PATHS_FOREACH(p, e)
			if (p->peer == peer)
				break;
		if (p == NULL || (!peer->ebgp &&
		    BGP_SEEN(&p->aset->attrs, BGP_ATTR_LOCAL_PREF)))
			continue;
		bgp_rib_decide(ctx, e);
	}
	return 0;
}

void
bgp_rib_peer_export_all(struct bgp_ctx *ctx, struct bgp_peer *peer)
{
	struct bgp_rib_entry *e;
	struct cgw_prefix p;
	size_t i;

	BGP_RIB_FOREACH(e, ctx, i) {
		bgp_rib_entry_prefix(e, &p);
		bgp_rib_export_entry(ctx, peer, e, &p);
	}
	bgp_schedule_flush(ctx);
}

void
bgp_rib_peer_out_clear(struct bgp_peer *peer)
{
	struct bgp_out *o, *next;

	RB_FOREACH_SAFE(o, bgp_outs, &peer->out, next) {
		RB_REMOVE(bgp_outs, &peer->out, o);
		bgp_aset_put(&peer->ctx->asets, o->aset);
		free(o);
	}
	bgp_export_forget(peer);
	peer->n_advertised = 0;
	peer->n_covers = 0;
	peer->cover_skipped = 0;
	peer->cover_dirty = false;
	peer->out_pending = false;
}

uint32_t
bgp_rib_peer_resend(struct bgp_ctx *ctx, struct bgp_peer *peer,
    unsigned afs)
{
	struct bgp_out *o;
	uint32_t n = 0;

	RB_FOREACH(o, bgp_outs, &peer->out)
		if (o->announced && (afs & BGP_AF_OF(o->prefix.addr.af))) {
			n++;
			o->pending = true;
			peer->out_pending = true;
		}
	bgp_schedule_flush(ctx);
	return n;
}

/* ---- UPDATE generation ---- */

/*
 * One UPDATE being filled, of one family: IPv4 prefixes go in the
 * classic fields, IPv6 ones in MP_REACH_NLRI / MP_UNREACH_NLRI (RFC 4760
 * 3, 4), which comes first among the attributes (RFC 7606 5.1). The
 * prefix tree sorts IPv4 before IPv6, so a walk meets each family once.
 */
struct bgp_upd {
	struct wbuf		 msg;	/* IPv4; IPv6 withdrawals */
	struct wbuf		 attrs;	/* the encoded attributes */
	const struct bgp_aset	*aset;	/* whose encoding attrs holds */
	struct wbuf		 nlri;	/* IPv6 announcements' prefixes */
	struct bgp_attrs	 nh;	/* IPv6: the next hop they share */
	size_t			 off;	/* withdrawn length / MP attribute */
	int			 af;
	bool			 open;
};

static void
bgp_upd_send(struct bgp_peer *peer, struct wbuf *w)
{
	if (bgp_msg_end(w))
		bgp_peer_send(peer, w);
	wbuf_free(w);
}

static void
bgp_wd_close(struct bgp_peer *peer, struct bgp_upd *u)
{
	if (!u->open)
		return;
	u->open = false;
	if (u->af == AF_INET) {
		wbuf_set_u16(&u->msg, u->off, (uint16_t)(u->msg.len - u->off - 2));
		wbuf_u16(&u->msg, 0);
	} else {
		bgp_mp_end(&u->msg, u->off);
		/* The total path attribute length precedes the attribute. */
		wbuf_set_u16(&u->msg, u->off - 2, (uint16_t)(u->msg.len - u->off));
	}
	bgp_upd_send(peer, &u->msg);
}

static void
bgp_wd_open(struct bgp_upd *u, int af)
{
	wbuf_init(&u->msg);
	bgp_msg_begin(&u->msg, BGP_MSG_UPDATE);
	u->af = af;
	u->open = true;
	if (af == AF_INET) {
		u->off = u->msg.len;
		wbuf_u16(&u->msg, 0);
	} else {
		wbuf_u16(&u->msg, 0);
		wbuf_u16(&u->msg, 0);
		u->off = bgp_mp_unreach_begin(&u->msg);
	}
}

static void
bgp_send_withdrawals(struct bgp_peer *peer)
{
	struct bgp_out *o, *next;
	struct bgp_upd u;
	size_t need;

	memset(&u, 0, sizeof(u));
	RB_FOREACH_SAFE(o, bgp_outs, &peer->out, next) {
		if (!o->pending || !o->withdraw)
			continue;
		/* Room for this prefix (IPv4: and the empty attribute
		 * length after it). */
		need = bgp_prefix_wire_len(&o->prefix) +
		    (o->prefix.addr.af == AF_INET ? 2 : 0);
		if (u.open && (u.af != o->prefix.addr.af ||
		    u.msg.len + need > BGP_MAX_MSG))
			bgp_wd_close(peer, &u);
		if (!u.open)
			bgp_wd_open(&u, o->prefix.addr.af);
		bgp_prefix_encode(&u.msg, &o->prefix);
		RB_REMOVE(bgp_outs, &peer->out, o);
		bgp_aset_put(&peer->ctx->asets, o->aset);
		free(o);
	}
	bgp_wd_close(peer, &u);
}

static void
bgp_ann_close(struct bgp_peer *peer, struct bgp_upd *u)
{
	size_t off;

	if (!u->open)
		return;
	u->open = false;
	if (u->af == AF_INET6) {
		wbuf_init(&u->msg);
		bgp_msg_begin(&u->msg, BGP_MSG_UPDATE);
		wbuf_u16(&u->msg, 0);
		wbuf_u16(&u->msg, (uint16_t)(bgp_mp_reach_overhead(&u->nh) +
		    u->nlri.len + u->attrs.len));
		off = bgp_mp_reach_begin(&u->msg, &u->nh);
		wbuf_bytes(&u->msg, u->nlri.p, u->nlri.len);
		bgp_mp_end(&u->msg, off);
		wbuf_bytes(&u->msg, u->attrs.p, u->attrs.len);
		wbuf_free(&u->nlri);
	}
	bgp_upd_send(peer, &u->msg);
}

/* The size of the UPDATE if o's prefix joins it. */
static size_t
bgp_ann_size(const struct bgp_upd *u, const struct bgp_out *o)
{
	size_t plen = bgp_prefix_wire_len(&o->prefix);

	if (u->af == AF_INET)
		return u->msg.len + plen;
	return BGP_HDR_LEN + 4 + bgp_mp_reach_overhead(&u->nh) + u->nlri.len +
	    plen + u->attrs.len;
}

/*
 * Prefixes with identical encoded attributes share one UPDATE. Each set
 * is encoded once per run of prefixes told with it (a peer's table is
 * mostly such runs), and then only compared by pointer.
 */
static void
bgp_send_announcements(struct bgp_peer *peer)
{
	struct bgp_out *o;
	struct bgp_upd u;
	struct wbuf attrs;
	const struct bgp_attrs *a;
	int af;
	bool same;

	memset(&u, 0, sizeof(u));
	wbuf_init(&u.attrs);
	RB_FOREACH(o, bgp_outs, &peer->out) {
		if (!o->pending || !o->announced)
			continue;
		o->pending = false;
		af = o->prefix.addr.af;
		a = &o->aset->attrs;
		if (o->aset != u.aset) {
			wbuf_init(&attrs);
			if (!bgp_attrs_encode(&attrs, a, peer->as4) ||
			    BGP_HDR_LEN + 4 + attrs.len + (af == AF_INET6 ?
			    bgp_mp_reach_overhead(a) + 17 : 5) > BGP_MAX_MSG) {
				log_warn(peer->conf.name, "cannot encode the "
				    "attributes of a route; not advertised");
				wbuf_free(&attrs);
				continue;
			}
			/* Another set may encode alike (what differs is
			 * not sent): the UPDATE goes on. */
			same = u.open && u.af == af &&
			    attrs.len == u.attrs.len &&
			    memcmp(attrs.p, u.attrs.p, attrs.len) == 0 &&
			    (af == AF_INET || (u.nh.nh6_len == a->nh6_len &&
			    memcmp(u.nh.nh6, a->nh6, sizeof(u.nh.nh6)) == 0));
			if (!same)
				bgp_ann_close(peer, &u);
			wbuf_free(&u.attrs);
			u.attrs = attrs;
			u.aset = o->aset;
		} else if (u.open && u.af != af)
			bgp_ann_close(peer, &u);
		if (u.open && bgp_ann_size(&u, o) > BGP_MAX_MSG)
			bgp_ann_close(peer, &u);
		if (!u.open) {
			u.af = af;
			u.open = true;
			if (af == AF_INET) {
				wbuf_init(&u.msg);
				bgp_msg_begin(&u.msg, BGP_MSG_UPDATE);
				wbuf_u16(&u.msg, 0);
				wbuf_u16(&u.msg, (uint16_t)u.attrs.len);
				wbuf_bytes(&u.msg, u.attrs.p, u.attrs.len);
			} else {
				wbuf_init(&u.nlri);
				u.nh.nh6_len = a->nh6_len;
				memcpy(u.nh.nh6, a->nh6, sizeof(u.nh.nh6));
			}
		}
		bgp_prefix_encode(af == AF_INET ? &u.msg : &u.nlri, &o->prefix);
	}
	bgp_ann_close(peer, &u);
	wbuf_free(&u.attrs);
}

/*
 * End-of-RIB (RFC 4724 2) for each family of the session, once the
 * first full table has gone out: for IPv4 an UPDATE with nothing in it,
 * for IPv6 one with an empty MP_UNREACH_NLRI.
 */
static void
bgp_send_eor(struct bgp_peer *peer)
{
	struct bgp_upd u;

	memset(&u, 0, sizeof(u));
	if (peer->afs & BGP_AF_IPV4) {
		bgp_wd_open(&u, AF_INET);
		bgp_wd_close(peer, &u);
	}
	if (peer->afs & BGP_AF_IPV6) {
		bgp_wd_open(&u, AF_INET6);
		bgp_wd_close(peer, &u);
	}
}

static void
bgp_fib_nhs(const struct bgp_rib_entry *e, struct bgp_nexthop *nhs)
{
	struct bgp_fib_nh nh;
	size_t i;

	for (i = 0; i < e->nfib; i++) {
		bgp_fib_get(e, i, &nh);
		memset(&nhs[i], 0, sizeof(nhs[i]));
		nhs[i].gateway = nh.gateway;
		nhs[i].peer = nh.peer;
		nhs[i].peer_name = nh.peer->conf.name;
	}
}

static void
bgp_fib_set_installed(struct bgp_rib_entry *e, size_t i, bool on)
{
	if (e->nfib == 1)
		e->fib1_installed = on;
	else
		e->fib.many[i].installed = on;
}

/* Hand the FIB set to the daemon and believe only what it answers. */
static void
bgp_fib_emit(struct bgp_ctx *ctx, struct bgp_rib_entry *e,
    const struct cgw_prefix *prefix)
{
	struct bgp_nexthop nhs[BGP_MAX_MULTIPATH];
	size_t i;
	bool any = false;

	e->fib_dirty = false;
	for (i = 0; i < e->nfib; i++)
		bgp_fib_set_installed(e, i, false);
	if (ctx->cb.fib_change == NULL ||
	    (e->nfib == 0 && !e->in_kernel)) {
		e->fib_failed = false;
		return;
	}
	bgp_fib_nhs(e, nhs);
	ctx->fib_queued++;
	if (ctx->cb.fib_change(ctx->cbarg, prefix, nhs, e->nfib,
	    e->in_kernel) != 0) {
		/* What is left in the kernel is unknown: a removal must
		 * still be tried later. */
		e->fib_failed = true;
		e->in_kernel = true;
	} else {
		e->fib_failed = false;
		for (i = 0; i < e->nfib; i++) {
			bgp_fib_set_installed(e, i, nhs[i].installed);
			any |= nhs[i].installed;
		}
		e->in_kernel = any;
	}
}

static void
bgp_fib_commit(struct bgp_ctx *ctx)
{
	if (ctx->fib_queued == 0)
		return;
	ctx->fib_queued = 0;
	if (ctx->cb.fib_commit != NULL)
		ctx->cb.fib_commit(ctx->cbarg);
}

void
bgp_fib_failed(struct bgp_ctx *ctx, const struct cgw_prefix *prefix)
{
	struct bgp_rib_entry *e;
	size_t i;

	/* A removal's entry may be gone already: the reconcile finds the
	 * stray in the kernel and removes it. */
	if ((e = bgp_rib_find(ctx, prefix)) == NULL)
		return;
	for (i = 0; i < e->nfib; i++)
		bgp_fib_set_installed(e, i, false);
	e->fib_failed = true;
	e->in_kernel = true;
}

void
bgp_fib_sync(struct bgp_ctx *ctx,
    bool (*intact)(void *, const struct cgw_prefix *,
    const struct bgp_nexthop *, size_t), void *arg)
{
	struct bgp_nexthop nhs[BGP_MAX_MULTIPATH];
	struct bgp_rib_entry *e;
	struct cgw_prefix p;
	size_t i;

	/* Judge the kernel against the FIB as it is after this turn. */
	bgp_rib_flush(ctx);
	BGP_RIB_FOREACH(e, ctx, i) {
		if (e->nfib == 0)
			continue;
		bgp_fib_nhs(e, nhs);
		bgp_rib_entry_prefix(e, &p);
		/* Asked even after a failure: the caller learns which
		 * kernel routes are wanted from these calls. */
		if (intact(arg, &p, nhs, e->nfib) && !e->fib_failed)
			continue;
		e->in_kernel = true;
		bgp_fib_emit(ctx, e, &p);
	}
	bgp_fib_commit(ctx);
}

/* One changed entry's batched work; true when it is to be freed. */
static bool
bgp_rib_flush_entry(struct bgp_ctx *ctx, struct bgp_rib_entry *e)
{
	struct bgp_peer *peer;
	struct cgw_prefix p;

	e->on_dirty = false;
	bgp_rib_entry_prefix(e, &p);
	if (e->export_dirty) {
		e->export_dirty = false;
		TAILQ_FOREACH(peer, &ctx->peers, entry)
			if (peer->state == BGP_ST_ESTABLISHED)
				bgp_rib_export_entry(ctx, peer, e, &p);
	}
	if (e->fib_dirty)
		bgp_fib_emit(ctx, e, &p);
	return bgp_entry_empty(e) && e->nfib == 0 && !e->on_dirty;
}

static void
bgp_rib_drop(struct bgp_ctx *ctx, struct bgp_rib_entry *e)
{
	bgp_rib_remove(ctx, e);
	bgp_entry_free(ctx, e);
}

void
bgp_rib_flush(struct bgp_ctx *ctx)
{
	struct bgp_rib_entry *e, *next;
	struct bgp_peer *peer;
	size_t i;

	/* The array is read afresh each time: the work may add to it. */
	for (i = 0; i < ctx->ndirty; i++) {
		e = ctx->dirty[i];
		if (e->on_dirty && bgp_rib_flush_entry(ctx, e))
			bgp_rib_drop(ctx, e);
	}
	ctx->ndirty = 0;
	if (ctx->dirty_all) {
		ctx->dirty_all = false;
		for (i = 0; i < ctx->rib.nb + ctx->rib.nold; i++)
			for (e = bgp_rib_bucket(&ctx->rib, i); e != NULL;
			    e = next) {
				next = e->hnext;
				if (e->on_dirty && bgp_rib_flush_entry(ctx, e))
					bgp_rib_drop(ctx, e);
			}
	}
	/* A burst's array (a peer going down marks every prefix) goes. */
	if (ctx->cdirty > 65536) {
		free(ctx->dirty);
		ctx->dirty = NULL;
		ctx->cdirty = 0;
	}
	bgp_fib_commit(ctx);
	/*
	 * After a mass withdrawal: a smaller table (the entries' pages went
	 * back as they emptied), and malloc's freed pages (attribute sets,
	 * paths past the first, the old tables) handed back once the RIB
	 * has halved since the last time, so a full table coming and going
	 * costs O(log n) trims.
	 */
	if (ctx->rib.old == NULL && ctx->rib.nb > BGP_RIB_MIN_BUCKETS &&
	    ctx->nentries < ctx->rib.nb / 4)
		bgp_rib_resize(&ctx->rib, ctx->rib.nb / 4 < BGP_RIB_MIN_BUCKETS ?
		    BGP_RIB_MIN_BUCKETS : ctx->rib.nb / 4);
	bgp_rib_migrate(&ctx->rib, BGP_RIB_STEP_FLUSH);
	if (ctx->freed >= 4096 && ctx->freed > ctx->nentries) {
		ctx->freed = 0;
		malloc_trim(0);
	}
	TAILQ_FOREACH(peer, &ctx->peers, entry) {
		/* The exports are done: what the last one kept goes. */
		bgp_export_forget(peer);
		if (peer->state != BGP_ST_ESTABLISHED)
			continue;
		if (peer->cover_dirty)
			bgp_rib_peer_covers(peer);
		if (!peer->out_pending && !peer->eor_due)
			continue;
		peer->out_pending = false;
		bgp_send_withdrawals(peer);
		bgp_send_announcements(peer);
		if (peer->eor_due) {
			peer->eor_due = false;
			bgp_send_eor(peer);
		}
		if (peer->conf.role == BGP_ROLE_TUNNEL &&
		    peer->n_advertised > BGP_AWS_MAX_ADVERTISED) {
			if (!peer->warned_advertised)
				log_warn(peer->conf.name, "advertising %u "
				    "prefixes; AWS accepts at most %u",
				    peer->n_advertised, BGP_AWS_MAX_ADVERTISED);
			peer->warned_advertised = true;
		} else
			peer->warned_advertised = false;
	}
}

void
bgp_flush(struct bgp_ctx *ctx)
{
	/* The turn's own flush would find nothing left to do. */
	if (ctx->flush_scheduled) {
		event_del(ctx->ev_flush);
		ctx->flush_scheduled = false;
	}
	bgp_rib_flush(ctx);
}

static int
bgp_entry_pcmp(const void *a, const void *b)
{
	struct cgw_prefix x, y;

	bgp_rib_entry_prefix(*(struct bgp_rib_entry *const *)a, &x);
	bgp_rib_entry_prefix(*(struct bgp_rib_entry *const *)b, &y);
	return bgp_prefix_cmp(&x, &y);
}

void
bgp_rib_walk(struct bgp_ctx *ctx,
    void (*cb)(const struct bgp_route_info *, void *), void *arg)
{
	struct bgp_rib_entry *e, **v;
	const struct bgp_rpath *p;
	struct bgp_route_info ri;
	struct cgw_prefix pfx;
	uint32_t *asns;
	size_t n, i, k = 0;
	unsigned idx;

	/* In prefix order, as people read it: the table has none. */
	if (ctx->nentries == 0 ||
	    (v = calloc(ctx->nentries, sizeof(*v))) == NULL)
		return;
	BGP_RIB_FOREACH(e, ctx, i)
		if (k < ctx->nentries)
			v[k++] = e;
	qsort(v, k, sizeof(*v), bgp_entry_pcmp);
	for (i = 0; i < k; i++) {
		e = v[i];
		bgp_rib_entry_prefix(e, &pfx);
		idx = 0;
		BGP_PATHS_FOREACH(p, e) {
			memset(&ri, 0, sizeof(ri));
			ri.prefix = &pfx;
			if (p->peer != NULL)
				bgp_attrs_gateway(&p->aset->attrs, &ri.nexthop);
			ri.peer = p->peer;
			ri.peer_name = p->peer ? p->peer->conf.name : "local";
			if (bgp_aspath_flatten(p->aset->attrs.aspath,
			    p->aset->attrs.aspath_len, &asns, &n) == -1) {
				asns = NULL;
				n = 0;
			}
			ri.as_path = asns;
			ri.as_path_len = n;
			ri.origin = p->aset->attrs.origin;
			ri.local_pref = bgp_rpath_local_pref(p);
			ri.med = p->aset->attrs.med;
			ri.best = idx++ == e->best;
			ri.installed = bgp_rpath_installed(e, p);
			cb(&ri, arg);
			free(asns);
		}
	}
	free(v);
}

void
bgp_rib_redecide_all(struct bgp_ctx *ctx)
{
	struct bgp_rib_entry *e;
	size_t i;

	BGP_RIB_FOREACH(e, ctx, i)
		bgp_rib_decide(ctx, e);
}

const struct bgp_attrs *
bgp_rib_out_lookup(struct bgp_peer *peer, const struct cgw_prefix *prefix)
{
	struct bgp_out *o = bgp_out_find(peer, prefix);

	return o != NULL && o->announced ? &o->aset->attrs : NULL;
}

void
bgp_peer_out_walk(struct bgp_peer *peer,
    void (*cb)(const struct bgp_out_info *, void *), void *arg)
{
	struct bgp_out *o;
	struct bgp_out_info oi;
	const struct bgp_attrs *a;
	uint32_t *asns;
	size_t n;

	RB_FOREACH(o, bgp_outs, &peer->out) {
		if (!o->announced)
			continue;
		a = &o->aset->attrs;
		memset(&oi, 0, sizeof(oi));
		oi.prefix = &o->prefix;
		/* As sent: our AS, and the prepends of a standby tunnel. */
		if (bgp_aspath_flatten(a->aspath, a->aspath_len,
		    &asns, &n) == -1) {
			asns = NULL;
			n = 0;
		}
		oi.as_path = asns;
		oi.as_path_len = n;
		if (a->nh6_len > 0) {
			oi.nexthop.af = AF_INET6;
			oi.nexthop.v6 = a->nh6[0];
		} else {
			oi.nexthop.af = AF_INET;
			oi.nexthop.v4 = a->nexthop;
		}
		oi.origin = a->origin;
		oi.med = a->med;
		oi.pending = o->pending;
		cb(&oi, arg);
		free(asns);
	}
}
