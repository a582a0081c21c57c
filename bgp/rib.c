/*
 * The RIBs. One RB tree of prefixes holds every path: a peer's paths are
 * its Adj-RIB-In (after loop detection), the best of each prefix is the
 * Loc-RIB. Each peer keeps its Adj-RIB-Out as a tree of what it was told.
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
 */
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "bgp/bgp_priv.h"
#include "lib/log.h"

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
bgp_rib_entry_cmp(struct bgp_rib_entry *a, struct bgp_rib_entry *b)
{
	return bgp_prefix_cmp(&a->prefix, &b->prefix);
}

static int
bgp_out_cmp(struct bgp_out *a, struct bgp_out *b)
{
	return bgp_prefix_cmp(&a->prefix, &b->prefix);
}

RB_GENERATE_INTERNAL(bgp_rib, bgp_rib_entry, node, bgp_rib_entry_cmp,
    __attribute__((unused)) static)
RB_GENERATE_INTERNAL(bgp_outs, bgp_out, node, bgp_out_cmp,
    __attribute__((unused)) static)

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
	RB_INIT(&ctx->rib);
	TAILQ_INIT(&ctx->dirty);
	bgp_asets_init(&ctx->asets);
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

static void
bgp_path_free(struct bgp_ctx *ctx, struct bgp_path *p)
{
	bgp_aset_put(&ctx->asets, p->aset);
	free(p);
}

/* Next hops beyond the first live in an array of their own. */
static void
bgp_entry_fib_inline(struct bgp_rib_entry *e)
{
	if (e->fib != &e->fib1)
		free(e->fib);
	e->fib = &e->fib1;
}

static void
bgp_entry_free(struct bgp_ctx *ctx, struct bgp_rib_entry *e)
{
	struct bgp_path *p;

	while ((p = TAILQ_FIRST(&e->paths)) != NULL) {
		TAILQ_REMOVE(&e->paths, p, entry);
		bgp_path_free(ctx, p);
	}
	bgp_entry_fib_inline(e);
	free(e);
	ctx->nentries--;
	ctx->freed++;
}

void
bgp_rib_free(struct bgp_ctx *ctx)
{
	struct bgp_rib_entry *e, *next;

	RB_FOREACH_SAFE(e, bgp_rib, &ctx->rib, next) {
		RB_REMOVE(bgp_rib, &ctx->rib, e);
		bgp_entry_free(ctx, e);
	}
	TAILQ_INIT(&ctx->dirty);
	bgp_asets_free(&ctx->asets);
	if (ctx->ev_flush != NULL)
		event_free(ctx->ev_flush);
	ctx->ev_flush = NULL;
}

static void
bgp_entry_dirty(struct bgp_ctx *ctx, struct bgp_rib_entry *e)
{
	e->export_dirty = true;
	if (!e->on_dirty) {
		e->on_dirty = true;
		TAILQ_INSERT_TAIL(&ctx->dirty, e, dirty);
	}
	bgp_schedule_flush(ctx);
}

static bool
bgp_fib_has(const struct bgp_rib_entry *e, const struct bgp_fib_nh *nh)
{
	size_t i;

	for (i = 0; i < e->nfib; i++)
		if (e->fib[i].peer == nh->peer &&
		    addr_eq(&e->fib[i].gateway, &nh->gateway))
			return true;
	return false;
}

/* Whether the path's packets go to gw (bgp_attrs_gateway). */
static bool
bgp_path_via(const struct bgp_path *p, const struct cgw_addr *gw)
{
	const struct bgp_attrs *a = &p->aset->attrs;
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
static void
bgp_rib_mark_installed(struct bgp_rib_entry *e)
{
	struct bgp_path *p;
	size_t i;

	TAILQ_FOREACH(p, &e->paths, entry) {
		p->installed = false;
		if (p->peer == NULL)
			continue;
		for (i = 0; i < e->nfib; i++)
			if (e->fib[i].installed && e->fib[i].peer == p->peer &&
			    bgp_path_via(p, &e->fib[i].gateway))
				p->installed = true;
	}
}

/* Decide the best path and the FIB set of one prefix. */
static void
bgp_rib_decide(struct bgp_ctx *ctx, struct bgp_rib_entry *e)
{
	struct bgp_path *p, *best = NULL;
	struct bgp_fib_nh set[BGP_MAX_MULTIPATH];
	size_t n = 0, i;
	bool same;

	memset(set, 0, sizeof(set));
	TAILQ_FOREACH(p, &e->paths, entry) {
		p->best = false;
		if (best == NULL || bgp_decide_cmp(p, best, false) < 0)
			best = p;
	}
	e->best = best;
	if (best != NULL) {
		best->best = true;
		if (best->peer != NULL) {
			bgp_attrs_gateway(&best->aset->attrs, &set[n].gateway);
			set[n++].peer = best->peer;
		}
	}
	if (ctx->multipath && n == 1) {
		TAILQ_FOREACH(p, &e->paths, entry) {
			if (p == best || p->peer == NULL ||
			    n == BGP_MAX_MULTIPATH ||
			    bgp_decide_cmp(p, best, true) != 0)
				continue;
			bgp_attrs_gateway(&p->aset->attrs, &set[n].gateway);
			set[n++].peer = p->peer;
		}
	}
	same = n == e->nfib;
	for (i = 0; same && i < n; i++)
		same = bgp_fib_has(e, &set[i]);
	if (!same) {
		struct bgp_fib_nh *nf = &e->fib1;

		/* No memory for the set: the best next hop alone. */
		if (n > 1 && (nf = calloc(n, sizeof(*nf))) == NULL) {
			nf = &e->fib1;
			n = 1;
		}
		bgp_entry_fib_inline(e);
		memcpy(nf, set, n * sizeof(set[0]));
		e->fib = nf;
		e->nfib = (uint8_t)n;
		e->fib_dirty = true;
	}
	bgp_rib_mark_installed(e);
	bgp_entry_dirty(ctx, e);
}

struct bgp_rib_entry *
bgp_rib_find(struct bgp_ctx *ctx, const struct cgw_prefix *prefix)
{
	struct bgp_rib_entry key;

	/* The comparison reads the prefix alone. */
	key.prefix = *prefix;
	return RB_FIND(bgp_rib, &ctx->rib, &key);
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
	struct bgp_path *p;

	if ((e = bgp_rib_find(ctx, prefix)) == NULL) {
		if ((e = calloc(1, sizeof(*e))) == NULL) {
			bgp_aset_put(&ctx->asets, as);
			return -1;
		}
		e->prefix = *prefix;
		e->fib = &e->fib1;
		TAILQ_INIT(&e->paths);
		RB_INSERT(bgp_rib, &ctx->rib, e);
		ctx->nentries++;
	}
	TAILQ_FOREACH(p, &e->paths, entry)
		if (p->peer == peer)
			break;
	if (p == NULL) {
		if ((p = calloc(1, sizeof(*p))) == NULL) {
			bgp_aset_put(&ctx->asets, as);
			bgp_entry_dirty(ctx, e);
			return -1;
		}
		p->peer = peer;
		if (peer == NULL)
			TAILQ_INSERT_HEAD(&e->paths, p, entry);
		else {
			TAILQ_INSERT_TAIL(&e->paths, p, entry);
			peer->n_received++;
		}
	} else {
		/* An implicit withdrawal of the previous path. */
		bgp_aset_put(&ctx->asets, p->aset);
	}
	p->aset = as;
	if (peer != NULL) {
		p->ebgp = peer->ebgp;
		p->peer_id = peer->peer_id;
		p->peer_addr = peer->conf.remote;
		/* iBGP carries its LOCAL_PREF; eBGP gets the peer's. */
		p->local_pref = !peer->ebgp &&
		    BGP_SEEN(&as->attrs, BGP_ATTR_LOCAL_PREF) ?
		    as->attrs.local_pref : peer->conf.local_pref;
	}
	bgp_rib_decide(ctx, e);
	return 0;
}

static void
bgp_rib_unlink(struct bgp_ctx *ctx, struct bgp_rib_entry *e,
    struct bgp_path *p)
{
	TAILQ_REMOVE(&e->paths, p, entry);
	if (p->peer != NULL && p->peer->n_received > 0)
		p->peer->n_received--;
	if (e->best == p)
		e->best = NULL;
	bgp_path_free(ctx, p);
}

bool
bgp_rib_withdraw(struct bgp_ctx *ctx, struct bgp_peer *peer,
    const struct cgw_prefix *prefix)
{
	struct bgp_rib_entry *e;
	struct bgp_path *p;

	if ((e = bgp_rib_find(ctx, prefix)) == NULL)
		return false;
	TAILQ_FOREACH(p, &e->paths, entry)
		if (p->peer == peer)
			break;
	if (p == NULL)
		return false;
	bgp_rib_unlink(ctx, e, p);
	bgp_rib_decide(ctx, e);
	return true;
}

void
bgp_rib_peer_flush(struct bgp_ctx *ctx, struct bgp_peer *peer)
{
	struct bgp_rib_entry *e;
	struct bgp_path *p, *next;
	bool changed;

	RB_FOREACH(e, bgp_rib, &ctx->rib) {
		changed = false;
		for (p = TAILQ_FIRST(&e->paths); p != NULL; p = next) {
			next = TAILQ_NEXT(p, entry);
			if (p->peer == peer) {
				bgp_rib_unlink(ctx, e, p);
				changed = true;
			}
		}
		if (changed)
			bgp_rib_decide(ctx, e);
	}
	peer->n_received = 0;
}

/* ---- Export (Adj-RIB-Out) ---- */

/*
 * What `peer` should hear about prefix e, in *out; false: nothing.
 * Tunnel peers get our networks and LAN-learned routes, LAN neighbors the
 * tunnel-learned ones; never a route back to where it came from.
 */
static bool
bgp_export_attrs(struct bgp_ctx *ctx, struct bgp_peer *peer,
    const struct bgp_rib_entry *e, struct bgp_attrs *out)
{
	const struct bgp_path *best = e->best;
	uint8_t *np;
	size_t nl;

	if (best == NULL || best->peer == peer)
		return false;
	if (peer->conf.role == BGP_ROLE_TUNNEL) {
		if (best->peer != NULL &&
		    best->peer->conf.role != BGP_ROLE_NEIGHBOR)
			return false;
	} else {
		/* Static routes over a tunnel are tunnel-learned too. */
		if (best->peer == NULL ||
		    best->peer->conf.role == BGP_ROLE_NEIGHBOR)
			return false;
	}
	/* RFC 4271 9.2: iBGP-learned routes are not sent to iBGP peers. */
	if (!peer->ebgp && best->peer != NULL && !best->ebgp)
		return false;
	/* RFC 4760 8: only a family both sides offered. */
	if (!(peer->afs & BGP_AF_OF(e->prefix.addr.af)))
		return false;
	if (bgp_attrs_copy(out, &best->aset->attrs) == -1)
		return false;
	if (best->peer == NULL) {
		out->origin = BGP_ORIGIN_IGP;
		out->seen |= 1u << BGP_ATTR_ORIGIN | 1u << BGP_ATTR_AS_PATH;
	}
	if (peer->ebgp) {
		if (bgp_aspath_prepend(out->aspath, out->aspath_len, ctx->asn,
		    1u + peer->conf.prepend, &np, &nl) == -1) {
			bgp_attrs_clear(out);
			return false;
		}
		free(out->aspath);
		out->aspath = np;
		out->aspath_len = nl;
		/* MED is not passed on to another AS (RFC 4271 5.1.4). */
		out->seen &= ~(1u << BGP_ATTR_MED | 1u << BGP_ATTR_LOCAL_PREF);
		out->med = out->local_pref = 0;
	} else {
		out->seen |= 1u << BGP_ATTR_LOCAL_PREF;
		out->local_pref = best->peer == NULL ? BGP_DEF_LOCAL_PREF :
		    best->local_pref;
	}
	/* Next hop self: peers reach the VPC (or the LAN) through us. */
	memset(out->nh6, 0, sizeof(out->nh6));
	if (e->prefix.addr.af == AF_INET6 &&
	    !IN6_IS_ADDR_UNSPECIFIED(&peer->local_addr6)) {
		/* A session over IPv6 (inside addresses): our end of it. */
		out->nexthop.s_addr = 0;
		out->seen &= ~(1u << BGP_ATTR_NEXT_HOP);
		out->nh6_len = 16;
		out->nh6[0] = peer->local_addr6;
	} else if (e->prefix.addr.af == AF_INET6) {
		/*
		 * The session runs over IPv4 (bgp_peer_add): our end of it as
		 * an IPv4-mapped IPv6 address, as RFC 4798 does and BIRD
		 * takes it ("extended next hop"); the peer forwards to the
		 * IPv4 address it already reaches.
		 */
		out->nexthop.s_addr = 0;
		out->seen &= ~(1u << BGP_ATTR_NEXT_HOP);
		out->nh6_len = 16;
		out->nh6[0].s6_addr[10] = 0xff;
		out->nh6[0].s6_addr[11] = 0xff;
		memcpy(&out->nh6[0].s6_addr[12], &peer->local_addr.s_addr, 4);
	} else {
		out->nh6_len = 0;
		out->nexthop = peer->local_addr;
		out->seen |= 1u << BGP_ATTR_NEXT_HOP;
	}
	return true;
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
    const struct bgp_rib_entry *e)
{
	struct bgp_attrs a;
	struct bgp_out *o = bgp_out_find(peer, &e->prefix);

	/* a is filled (or cleared on failure) only when exported. */
	if (bgp_export_attrs(ctx, peer, e, &a)) {
		/* The real route wins over a cover for the same prefix. */
		if (o != NULL && o->cover) {
			o->cover = false;
			peer->n_covers--;
			peer->cover_dirty = true;
		}
		if (o != NULL && o->announced && bgp_attrs_eq(&o->attrs, &a)) {
			bgp_attrs_clear(&a);
			return;
		}
		if (o == NULL) {
			if ((o = calloc(1, sizeof(*o))) == NULL) {
				bgp_attrs_clear(&a);
				return;
			}
			o->prefix = e->prefix;
			RB_INSERT(bgp_outs, &peer->out, o);
		}
		if (!o->announced)
			peer->n_advertised++;
		bgp_attrs_clear(&o->attrs);
		o->attrs = a;
		o->announced = true;
		o->withdraw = false;
		o->pending = true;
		peer->out_pending = true;
		peer->cover_dirty = true;
	} else if (o != NULL && o->announced && !o->cover) {
		bgp_attrs_clear(&o->attrs);
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

/* Tell the peer prefix as a cover with attrs, unless it is told for real. */
static int
bgp_cover_set(struct bgp_peer *peer, const struct cgw_prefix *prefix,
    const struct bgp_attrs *attrs)
{
	struct bgp_out *o = bgp_out_find(peer, prefix);
	struct bgp_attrs a;

	if (o != NULL && o->announced && !o->cover)
		return 0;
	if (o != NULL && o->announced && bgp_attrs_eq(&o->attrs, attrs)) {
		o->mark = true;
		return 0;
	}
	/* Copied first: a failure leaves no half-made entry behind. */
	if (bgp_attrs_copy(&a, attrs) == -1)
		return -1;
	if (o == NULL) {
		if ((o = calloc(1, sizeof(*o))) == NULL) {
			bgp_attrs_clear(&a);
			return -1;
		}
		o->prefix = *prefix;
		RB_INSERT(bgp_outs, &peer->out, o);
	}
	if (!o->announced) {
		peer->n_advertised++;
		peer->n_covers++;
	}
	bgp_attrs_clear(&o->attrs);
	o->attrs = a;
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
			if (bgp_cover_set(peer, &half[i], &o->attrs) == -1)
				peer->cover_dirty = true;	/* next flush */
	}
	RB_FOREACH_SAFE(o, bgp_outs, &peer->out, next) {
		if (!o->cover || o->mark)
			continue;
		bgp_attrs_clear(&o->attrs);
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
	struct bgp_path *p;

	peer->conf.local_pref = lp;
	RB_FOREACH(e, bgp_rib, &ctx->rib) {
		TAILQ_FOREACH(p, &e->paths, entry)
			if (p->peer == peer)
				break;
		/* As bgp_rib_update: iBGP carries its own LOCAL_PREF. */
		if (p == NULL || (!p->ebgp &&
		    BGP_SEEN(&p->aset->attrs, BGP_ATTR_LOCAL_PREF)) ||
		    p->local_pref == lp)
			continue;
		p->local_pref = lp;
		bgp_rib_decide(ctx, e);
	}
	return 0;
}

void
bgp_rib_peer_export_all(struct bgp_ctx *ctx, struct bgp_peer *peer)
{
	struct bgp_rib_entry *e;

	RB_FOREACH(e, bgp_rib, &ctx->rib)
		bgp_rib_export_entry(ctx, peer, e);
	bgp_schedule_flush(ctx);
}

void
bgp_rib_peer_out_clear(struct bgp_peer *peer)
{
	struct bgp_out *o, *next;

	RB_FOREACH_SAFE(o, bgp_outs, &peer->out, next) {
		RB_REMOVE(bgp_outs, &peer->out, o);
		bgp_attrs_clear(&o->attrs);
		free(o);
	}
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
		bgp_attrs_clear(&o->attrs);
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

/* Prefixes with identical encoded attributes share one UPDATE. */
static void
bgp_send_announcements(struct bgp_peer *peer)
{
	struct bgp_out *o;
	struct bgp_upd u;
	struct wbuf attrs;
	int af;
	bool same;

	memset(&u, 0, sizeof(u));
	wbuf_init(&u.attrs);
	RB_FOREACH(o, bgp_outs, &peer->out) {
		if (!o->pending || !o->announced)
			continue;
		o->pending = false;
		af = o->prefix.addr.af;
		wbuf_init(&attrs);
		if (!bgp_attrs_encode(&attrs, &o->attrs, peer->as4) ||
		    BGP_HDR_LEN + 4 + attrs.len + (af == AF_INET6 ?
		    bgp_mp_reach_overhead(&o->attrs) + 17 : 5) > BGP_MAX_MSG) {
			log_warn(peer->conf.name, "cannot encode the attributes "
			    "of a route; not advertised");
			wbuf_free(&attrs);
			continue;
		}
		if (u.open) {
			same = u.af == af && attrs.len == u.attrs.len &&
			    memcmp(attrs.p, u.attrs.p, attrs.len) == 0 &&
			    (af == AF_INET || (u.nh.nh6_len ==
			    o->attrs.nh6_len && memcmp(u.nh.nh6, o->attrs.nh6,
			    sizeof(u.nh.nh6)) == 0));
			if (!same || bgp_ann_size(&u, o) > BGP_MAX_MSG)
				bgp_ann_close(peer, &u);
		}
		if (!u.open) {
			wbuf_free(&u.attrs);
			u.attrs = attrs;
			u.af = af;
			u.open = true;
			if (af == AF_INET) {
				wbuf_init(&u.msg);
				bgp_msg_begin(&u.msg, BGP_MSG_UPDATE);
				wbuf_u16(&u.msg, 0);
				wbuf_u16(&u.msg, (uint16_t)attrs.len);
				wbuf_bytes(&u.msg, attrs.p, attrs.len);
			} else {
				wbuf_init(&u.nlri);
				u.nh.nh6_len = o->attrs.nh6_len;
				memcpy(u.nh.nh6, o->attrs.nh6, sizeof(u.nh.nh6));
			}
		} else
			wbuf_free(&attrs);
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
	size_t i;

	for (i = 0; i < e->nfib; i++) {
		memset(&nhs[i], 0, sizeof(nhs[i]));
		nhs[i].gateway = e->fib[i].gateway;
		nhs[i].peer = e->fib[i].peer;
		nhs[i].peer_name = e->fib[i].peer->conf.name;
	}
}

/* Hand the FIB set to the daemon and believe only what it answers. */
static void
bgp_fib_emit(struct bgp_ctx *ctx, struct bgp_rib_entry *e)
{
	struct bgp_nexthop nhs[BGP_MAX_MULTIPATH];
	size_t i;
	bool any = false;

	e->fib_dirty = false;
	for (i = 0; i < e->nfib; i++)
		e->fib[i].installed = false;
	if (ctx->cb.fib_change == NULL ||
	    (e->nfib == 0 && !e->in_kernel)) {
		e->fib_failed = false;
		bgp_rib_mark_installed(e);
		return;
	}
	bgp_fib_nhs(e, nhs);
	ctx->fib_queued++;
	if (ctx->cb.fib_change(ctx->cbarg, &e->prefix, nhs, e->nfib,
	    e->in_kernel) != 0) {
		/* What is left in the kernel is unknown: a removal must
		 * still be tried later. */
		e->fib_failed = true;
		e->in_kernel = true;
	} else {
		e->fib_failed = false;
		for (i = 0; i < e->nfib; i++)
			any |= e->fib[i].installed = nhs[i].installed;
		e->in_kernel = any;
	}
	bgp_rib_mark_installed(e);
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
		e->fib[i].installed = false;
	e->fib_failed = true;
	e->in_kernel = true;
	bgp_rib_mark_installed(e);
}

void
bgp_fib_sync(struct bgp_ctx *ctx,
    bool (*intact)(void *, const struct cgw_prefix *,
    const struct bgp_nexthop *, size_t), void *arg)
{
	struct bgp_nexthop nhs[BGP_MAX_MULTIPATH];
	struct bgp_rib_entry *e;

	/* Judge the kernel against the FIB as it is after this turn. */
	bgp_rib_flush(ctx);
	RB_FOREACH(e, bgp_rib, &ctx->rib) {
		if (e->nfib == 0)
			continue;
		bgp_fib_nhs(e, nhs);
		/* Asked even after a failure: the caller learns which
		 * kernel routes are wanted from these calls. */
		if (intact(arg, &e->prefix, nhs, e->nfib) && !e->fib_failed)
			continue;
		e->in_kernel = true;
		bgp_fib_emit(ctx, e);
	}
	bgp_fib_commit(ctx);
}

void
bgp_rib_flush(struct bgp_ctx *ctx)
{
	struct bgp_rib_entry *e;
	struct bgp_peer *peer;

	while ((e = TAILQ_FIRST(&ctx->dirty)) != NULL) {
		TAILQ_REMOVE(&ctx->dirty, e, dirty);
		e->on_dirty = false;
		if (e->export_dirty) {
			e->export_dirty = false;
			TAILQ_FOREACH(peer, &ctx->peers, entry)
				if (peer->state == BGP_ST_ESTABLISHED)
					bgp_rib_export_entry(ctx, peer, e);
		}
		if (e->fib_dirty)
			bgp_fib_emit(ctx, e);
		if (TAILQ_EMPTY(&e->paths) && e->nfib == 0 && !e->on_dirty) {
			RB_REMOVE(bgp_rib, &ctx->rib, e);
			bgp_entry_free(ctx, e);
		}
	}
	bgp_fib_commit(ctx);
	/*
	 * After a mass withdrawal the allocator keeps the freed entries'
	 * pages; hand them back once the RIB has halved since the last time,
	 * so a full table coming and going costs O(log n) trims.
	 */
	if (ctx->freed >= 4096 && ctx->freed > ctx->nentries) {
		ctx->freed = 0;
		malloc_trim(0);
	}
	TAILQ_FOREACH(peer, &ctx->peers, entry) {
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

void
bgp_rib_walk(struct bgp_ctx *ctx,
    void (*cb)(const struct bgp_route_info *, void *), void *arg)
{
	struct bgp_rib_entry *e;
	struct bgp_path *p;
	struct bgp_route_info ri;
	uint32_t *asns;
	size_t n;

	RB_FOREACH(e, bgp_rib, &ctx->rib) {
		TAILQ_FOREACH(p, &e->paths, entry) {
			memset(&ri, 0, sizeof(ri));
			ri.prefix = &e->prefix;
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
			ri.local_pref = p->peer ? p->local_pref :
			    BGP_DEF_LOCAL_PREF;
			ri.med = p->aset->attrs.med;
			ri.best = p->best;
			ri.installed = p->installed;
			cb(&ri, arg);
			free(asns);
		}
	}
}

void
bgp_rib_redecide_all(struct bgp_ctx *ctx)
{
	struct bgp_rib_entry *e;

	RB_FOREACH(e, bgp_rib, &ctx->rib)
		bgp_rib_decide(ctx, e);
}

const struct bgp_attrs *
bgp_rib_out_lookup(struct bgp_peer *peer, const struct cgw_prefix *prefix)
{
	struct bgp_out *o = bgp_out_find(peer, prefix);

	return o != NULL && o->announced ? &o->attrs : NULL;
}

void
bgp_peer_out_walk(struct bgp_peer *peer,
    void (*cb)(const struct bgp_out_info *, void *), void *arg)
{
	struct bgp_out *o;
	struct bgp_out_info oi;
	uint32_t *asns;
	size_t n;

	RB_FOREACH(o, bgp_outs, &peer->out) {
		if (!o->announced)
			continue;
		memset(&oi, 0, sizeof(oi));
		oi.prefix = &o->prefix;
		/* As sent: our AS, and the prepends of a standby tunnel. */
		if (bgp_aspath_flatten(o->attrs.aspath, o->attrs.aspath_len,
		    &asns, &n) == -1) {
			asns = NULL;
			n = 0;
		}
		oi.as_path = asns;
		oi.as_path_len = n;
		if (o->attrs.nh6_len > 0) {
			oi.nexthop.af = AF_INET6;
			oi.nexthop.v6 = o->attrs.nh6[0];
		} else {
			oi.nexthop.af = AF_INET;
			oi.nexthop.v4 = o->attrs.nexthop;
		}
		oi.origin = o->attrs.origin;
		oi.med = o->attrs.med;
		oi.pending = o->pending;
		cb(&oi, arg);
		free(asns);
	}
}
