/*
 * UPDATE messages and path attributes (RFC 4271 4.3, 5; RFC 6793 AS4;
 * RFC 4760 MP_REACH/MP_UNREACH for IPv4 and IPv6 unicast, RFC 2545 IPv6
 * next hops).
 *
 * Errors follow RFC 7606: each attribute's table row says what a malformed
 * instance costs -- discard the attribute, treat the whole UPDATE as a
 * withdrawal of its prefixes, or reset the session -- so the policy is
 * data, not scattered ifs. Only framing errors that make the NLRI
 * impossible to locate reset the session.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/bgp_priv.h"

enum bgp_attr_action {
	BGP_ACT_DISCARD,	/* drop the attribute, keep the route */
	BGP_ACT_WITHDRAW,	/* treat-as-withdraw */
	BGP_ACT_RESET,		/* NOTIFICATION, session down */
};

struct bgp_attr_dec {
	struct bgp_parse_ctx	*pc;
	struct bgp_update	*u;
	struct bgp_attrs	*a;
	uint8_t			*as4path;	/* AS4_PATH, 4-octet form */
	size_t			 as4path_len;
	bool			 has_as4agg;
	uint32_t		 as4agg_as;
	struct in_addr		 as4agg_id;
	bool			 mp_nlri;	/* MP_REACH carried IPv4 NLRI */
	uint32_t		 present;	/* codes met so far, < 32 */
	/* A decoder's subcode for BGP_ACT_RESET, instead of the row's. */
	uint8_t			 reset_sub;
	struct bgp_notify	*n;
};

struct bgp_attr_desc {
	uint8_t			 code;
	const char		*name;
	uint8_t			 flags;		/* OPTIONAL|TRANSITIVE expected */
	enum bgp_attr_action	 on_error;
	uint8_t			 reset_sub;	/* for BGP_ACT_RESET */
	/* -1: malformed (the row's action applies). */
	int			(*decode)(struct bgp_attr_dec *, struct rbuf *);
};

static void	bgp_why(struct bgp_parse_ctx *, const char *, const char *);

#define WK	BGP_ATTR_TRANSITIVE			/* well-known */
#define OPT	BGP_ATTR_OPTIONAL
#define OPTT	(BGP_ATTR_OPTIONAL | BGP_ATTR_TRANSITIVE)

static int
bgp_prefix_decode(struct rbuf *r, struct cgw_prefix *p)
{
	uint8_t plen, bytes[4] = { 0 };
	size_t nb;

	if (!rbuf_u8(r, &plen) || plen > 32)
		return -1;
	nb = (plen + 7u) / 8u;
	if (!rbuf_bytes(r, bytes, nb))
		return -1;
	memset(p, 0, sizeof(*p));
	p->addr.af = AF_INET;
	memcpy(&p->addr.v4.s_addr, bytes, 4);
	p->len = plen;
	/* Host bits are not ours to trust: keep the network only. */
	if (plen < 32)
		p->addr.v4.s_addr &= htonl(plen == 0 ? 0 : ~0u << (32 - plen));
	return 0;
}

static int
bgp_prefix6_decode(struct rbuf *r, struct cgw_prefix *p)
{
	uint8_t plen;
	size_t nb, i;

	if (!rbuf_u8(r, &plen) || plen > 128)
		return -1;
	memset(p, 0, sizeof(*p));
	nb = (plen + 7u) / 8u;
	if (!rbuf_bytes(r, p->addr.bytes, nb))
		return -1;
	p->addr.af = AF_INET6;
	p->len = plen;
	/* The network only, as for IPv4. */
	if (plen % 8 != 0)
		p->addr.bytes[nb - 1] &= (uint8_t)(0xff << (8 - plen % 8));
	for (i = nb; i < 16; i++)
		p->addr.bytes[i] = 0;
	return 0;
}

/* Every prefix of a field of family af (AF_INET, AF_INET6), appended. */
static int
bgp_prefixes_decode(struct rbuf *r, struct cgw_prefix **out, size_t *n,
    int af)
{
	while (rbuf_left(r) > 0) {
		struct cgw_prefix p, *np;

		if ((af == AF_INET6 ? bgp_prefix6_decode(r, &p) :
		    bgp_prefix_decode(r, &p)) == -1)
			return -1;
		np = realloc(*out, (*n + 1) * sizeof(**out));
		if (np == NULL)
			return -1;
		*out = np;
		(*out)[(*n)++] = p;
	}
	return 0;
}

size_t
bgp_prefix_wire_len(const struct cgw_prefix *p)
{
	return 1 + (p->len + 7u) / 8u;
}

bool
bgp_prefix_encode(struct wbuf *w, const struct cgw_prefix *p)
{
	size_t nb = (p->len + 7u) / 8u;

	if (nb > addr_len(&p->addr)) {
		w->err = true;
		return false;
	}
	wbuf_u8(w, p->len);
	return wbuf_bytes(w, p->addr.bytes, nb);
}

/* ---- AS_PATH in 4-octet form ---- */

/* Walk segments; false on a malformed path. */
static bool
bgp_aspath_valid(const uint8_t *p, size_t len)
{
	struct rbuf r;

	rbuf_init(&r, p, len);
	while (rbuf_left(&r) > 0) {
		uint8_t type, cnt;

		if (!rbuf_u8(&r, &type) || !rbuf_u8(&r, &cnt) || cnt == 0 ||
		    (type != BGP_ASPATH_SET && type != BGP_ASPATH_SEQUENCE) ||
		    !rbuf_skip(&r, 4u * cnt))
			return false;
	}
	return true;
}

size_t
bgp_aspath_count(const uint8_t *p, size_t len)
{
	struct rbuf r;
	size_t n = 0;
	uint8_t type, cnt;

	rbuf_init(&r, p, len);
	while (rbuf_u8(&r, &type) && rbuf_u8(&r, &cnt) &&
	    rbuf_skip(&r, 4u * cnt))
		n += type == BGP_ASPATH_SET ? 1 : cnt;
	return n;
}

bool
bgp_aspath_contains(const uint8_t *p, size_t len, uint32_t asn)
{
	struct rbuf r;
	uint8_t type, cnt;
	uint32_t a;

	rbuf_init(&r, p, len);
	while (rbuf_u8(&r, &type) && rbuf_u8(&r, &cnt)) {
		for (; cnt > 0; cnt--) {
			if (!rbuf_u32(&r, &a))
				return false;
			if (a == asn)
				return true;
		}
	}
	return false;
}

uint32_t
bgp_aspath_first(const uint8_t *p, size_t len)
{
	struct rbuf r;
	uint8_t type, cnt;
	uint32_t a;

	rbuf_init(&r, p, len);
	if (!rbuf_u8(&r, &type) || !rbuf_u8(&r, &cnt) ||
	    type != BGP_ASPATH_SEQUENCE || !rbuf_u32(&r, &a))
		return 0;
	return a;
}

int
bgp_aspath_prepend(const uint8_t *p, size_t len, uint32_t asn, unsigned n,
    uint8_t **out, size_t *outlen)
{
	struct wbuf w;
	struct rbuf r;
	uint8_t type = 0, cnt = 0;
	bool merge;
	unsigned i;

	/* Merge into a leading AS_SEQUENCE while it has room (255). */
	rbuf_init(&r, p, len);
	merge = len >= 2 && rbuf_u8(&r, &type) && rbuf_u8(&r, &cnt) &&
	    type == BGP_ASPATH_SEQUENCE && cnt + n <= 255;
	wbuf_init(&w);
	while (n > 0) {
		unsigned chunk = merge ? n : (n > 255 ? 255 : n);

		wbuf_u8(&w, BGP_ASPATH_SEQUENCE);
		wbuf_u8(&w, (uint8_t)(chunk + (merge ? cnt : 0)));
		for (i = 0; i < chunk; i++)
			wbuf_u32(&w, asn);
		n -= chunk;
	}
	if (merge)
		wbuf_bytes(&w, p + 2, len - 2);
	else if (len > 0)
		wbuf_bytes(&w, p, len);
	if (w.err) {
		wbuf_free(&w);
		errno = ENOMEM;
		return -1;
	}
	*out = w.p;
	*outlen = w.len;
	return 0;
}

int
bgp_aspath_flatten(const uint8_t *p, size_t len, uint32_t **out, size_t *n)
{
	struct rbuf r;
	uint8_t type, cnt;
	uint32_t a, *v;
	size_t cap = len / 4 + 1;

	if ((v = calloc(cap, sizeof(*v))) == NULL)
		return -1;
	*n = 0;
	rbuf_init(&r, p, len);
	while (rbuf_u8(&r, &type) && rbuf_u8(&r, &cnt))
		for (; cnt > 0 && rbuf_u32(&r, &a) && *n < cap; cnt--)
			v[(*n)++] = a;
	*out = v;
	return 0;
}

/* 2-octet segments -> 4-octet form. */
static int
bgp_aspath_widen(struct rbuf *v, uint8_t **out, size_t *outlen)
{
	struct wbuf w;
	uint8_t type, cnt;
	uint16_t a;

	wbuf_init(&w);
	while (rbuf_left(v) > 0) {
		if (!rbuf_u8(v, &type) || !rbuf_u8(v, &cnt) || cnt == 0 ||
		    (type != BGP_ASPATH_SET && type != BGP_ASPATH_SEQUENCE))
			goto bad;
		wbuf_u8(&w, type);
		wbuf_u8(&w, cnt);
		for (; cnt > 0; cnt--) {
			if (!rbuf_u16(v, &a))
				goto bad;
			wbuf_u32(&w, a);
		}
	}
	if (w.err)
		goto bad;
	*out = w.p;
	*outlen = w.len;
	return 0;
bad:
	wbuf_free(&w);
	return -1;
}

static int
bgp_aspath_copy4(struct rbuf *v, uint8_t **out, size_t *outlen)
{
	size_t len = rbuf_left(v);
	const uint8_t *p;

	if (!rbuf_ptr(v, &p, len) || !bgp_aspath_valid(p, len))
		return -1;
	if (len == 0) {
		*out = NULL;
		*outlen = 0;
		return 0;
	}
	if ((*out = malloc(len)) == NULL)
		return -1;
	memcpy(*out, p, len);
	*outlen = len;
	return 0;
}

/*
 * RFC 6793 4.2.3: from a 2-octet speaker, the real path is the leading
 * part of AS_PATH that AS4_PATH does not cover, then AS4_PATH.
 */
static int
bgp_aspath_merge4(struct bgp_attrs *a, const uint8_t *p4, size_t l4)
{
	size_t n2 = bgp_aspath_count(a->aspath, a->aspath_len);
	size_t n4 = bgp_aspath_count(p4, l4), keep;
	struct wbuf w;
	struct rbuf r;
	uint8_t type, cnt;

	if (n2 < n4)
		return 0;	/* AS4_PATH is ignored */
	keep = n2 - n4;
	wbuf_init(&w);
	rbuf_init(&r, a->aspath, a->aspath_len);
	while (keep > 0 && rbuf_u8(&r, &type) && rbuf_u8(&r, &cnt)) {
		size_t take = type == BGP_ASPATH_SET ? cnt :
		    (cnt < keep ? cnt : keep);
		const uint8_t *asns;

		if (!rbuf_ptr(&r, &asns, 4u * cnt))
			break;
		wbuf_u8(&w, type);
		wbuf_u8(&w, (uint8_t)take);
		wbuf_bytes(&w, asns, 4u * take);
		keep -= type == BGP_ASPATH_SET ? 1 : take;
	}
	wbuf_bytes(&w, p4, l4);
	if (w.err) {
		wbuf_free(&w);
		return -1;
	}
	free(a->aspath);
	a->aspath = w.p;
	a->aspath_len = w.len;
	return 0;
}

/* ---- Attribute decoders: one per table row ---- */

static int
bgp_dec_origin(struct bgp_attr_dec *d, struct rbuf *v)
{
	if (rbuf_left(v) != 1 || !rbuf_u8(v, &d->a->origin) ||
	    d->a->origin > BGP_ORIGIN_INCOMPLETE)
		return -1;
	return 0;
}

static int
bgp_dec_aspath(struct bgp_attr_dec *d, struct rbuf *v)
{
	if (d->pc->as4)
		return bgp_aspath_copy4(v, &d->a->aspath, &d->a->aspath_len);
	return bgp_aspath_widen(v, &d->a->aspath, &d->a->aspath_len);
}

static int
bgp_dec_nexthop(struct bgp_attr_dec *d, struct rbuf *v)
{
	uint32_t h;

	if (rbuf_left(v) != 4 || !rbuf_bytes(v, &d->a->nexthop.s_addr, 4))
		return -1;
	/* RFC 7606 7.3: a next hop no one could forward to (0.0.0.0,
	 * multicast, class E). */
	h = ntohl(d->a->nexthop.s_addr);
	if (h == 0 || h >= 0xe0000000u)
		return -1;
	return 0;
}

static int
bgp_dec_u32(struct rbuf *v, uint32_t *out)
{
	return rbuf_left(v) == 4 && rbuf_u32(v, out) ? 0 : -1;
}

static int
bgp_dec_med(struct bgp_attr_dec *d, struct rbuf *v)
{
	return bgp_dec_u32(v, &d->a->med);
}

static int
bgp_dec_localpref(struct bgp_attr_dec *d, struct rbuf *v)
{
	if (bgp_dec_u32(v, &d->a->local_pref) == -1)
		return -1;
	/* RFC 7606 7.5: an external peer's LOCAL_PREF is disregarded. */
	if (d->pc->ebgp) {
		d->a->local_pref = 0;
		return 1;
	}
	return 0;
}

static int
bgp_dec_atomic(struct bgp_attr_dec *d, struct rbuf *v)
{
	(void)d;
	return rbuf_left(v) == 0 ? 0 : -1;
}

static int
bgp_dec_aggregator(struct bgp_attr_dec *d, struct rbuf *v)
{
	uint16_t as2;

	if (d->pc->as4) {
		if (rbuf_left(v) != 8 || !rbuf_u32(v, &d->a->agg_as))
			return -1;
	} else {
		if (rbuf_left(v) != 6 || !rbuf_u16(v, &as2))
			return -1;
		d->a->agg_as = as2;
	}
	return rbuf_bytes(v, &d->a->agg_id.s_addr, 4) ? 0 : -1;
}

static int
bgp_dec_communities(struct bgp_attr_dec *d, struct rbuf *v)
{
	size_t len = rbuf_left(v);
	const uint8_t *p;

	if (len == 0 || len % 4 != 0 || !rbuf_ptr(v, &p, len))
		return -1;
	if ((d->a->communities = malloc(len)) == NULL)
		return -1;
	memcpy(d->a->communities, p, len);
	d->a->communities_len = len;
	return 0;
}

static int
bgp_dec_as4path(struct bgp_attr_dec *d, struct rbuf *v)
{
	/* RFC 6793 3: a 4-octet speaker ignores it from another one. */
	if (d->pc->as4)
		return 1;
	return bgp_aspath_copy4(v, &d->as4path, &d->as4path_len);
}

static int
bgp_dec_as4agg(struct bgp_attr_dec *d, struct rbuf *v)
{
	if (d->pc->as4)
		return 1;
	if (rbuf_left(v) != 8 || !rbuf_u32(v, &d->as4agg_as) ||
	    !rbuf_bytes(v, &d->as4agg_id.s_addr, 4))
		return -1;
	d->has_as4agg = true;
	return 0;
}

/*
 * An IPv6 next hop no one could forward to (RFC 7606 7.11 leaves the
 * semantics to the family; these are NEXT_HOP's 7.3 checks in IPv6):
 * unspecified with no link-local beside it, loopback, multicast, or an
 * IPv4-mapped address that is not a usable IPv4 one.
 */
static bool
bgp_nh6_usable(const struct bgp_attrs *a)
{
	const struct in6_addr *g = &a->nh6[0];
	uint32_t h;

	if (a->nh6_len == 32 && IN6_IS_ADDR_LINKLOCAL(&a->nh6[1]) &&
	    IN6_IS_ADDR_UNSPECIFIED(g))
		return true;
	if (IN6_IS_ADDR_UNSPECIFIED(g) || IN6_IS_ADDR_LOOPBACK(g) ||
	    IN6_IS_ADDR_MULTICAST(g))
		return false;
	if (IN6_IS_ADDR_V4MAPPED(g)) {
		memcpy(&h, &g->s6_addr[12], 4);
		h = ntohl(h);
		return h != 0 && h < 0xe0000000u;
	}
	return true;
}

/*
 * IPv6 unicast: a next hop of 16 octets (global) or 32 (global then
 * link-local, RFC 2545 3), then the prefixes. A length we cannot read
 * leaves the NLRI impossible to find: session reset (RFC 7606 7.11, 5.3);
 * a next hop of the right length but unusable withdraws the UPDATE's
 * prefixes (treat-as-withdraw, as 7.3 for NEXT_HOP).
 */
static int
bgp_dec_mp_reach6(struct bgp_attr_dec *d, uint8_t nhlen, struct rbuf *nh,
    struct rbuf *v)
{
	struct bgp_attrs *a = d->a;
	size_t before = d->u->nnlri;

	if (nhlen != 16 && nhlen != 32)
		return -1;
	memset(a->nh6, 0, sizeof(a->nh6));
	if (!rbuf_bytes(nh, a->nh6, nhlen))
		return -1;
	a->nh6_len = nhlen;
	/* A second address that is not link-local is not one (BIRD and
	 * FRR ignore it too). */
	if (nhlen == 32 && !IN6_IS_ADDR_LINKLOCAL(&a->nh6[1])) {
		memset(&a->nh6[1], 0, sizeof(a->nh6[1]));
		a->nh6_len = 16;
	}
	if (bgp_prefixes_decode(v, &d->u->nlri, &d->u->nnlri, AF_INET6) == -1) {
		d->reset_sub = BGP_ERR_UPD_NETWORK;
		return -1;
	}
	d->u->nnlri6 += d->u->nnlri - before;
	if (!bgp_nh6_usable(a)) {
		bgp_why(d->pc, "%s", "MP_REACH_NLRI: unusable IPv6 next hop: "
		    "treat-as-withdraw");
		d->u->treat_as_withdraw = true;
	}
	return 0;
}

static int
bgp_dec_mp_reach(struct bgp_attr_dec *d, struct rbuf *v)
{
	uint16_t afi;
	uint8_t safi, nhlen, res;
	struct rbuf nh;

	if (!rbuf_u16(v, &afi) || !rbuf_u8(v, &safi) || !rbuf_u8(v, &nhlen) ||
	    !rbuf_sub(v, &nh, nhlen) || !rbuf_u8(v, &res))
		return -1;
	if (afi == BGP_AFI_IPV6 && safi == BGP_SAFI_UNICAST && d->pc->ipv6)
		return bgp_dec_mp_reach6(d, nhlen, &nh, v);
	/* A family not negotiated: ignored, and not logged (it would be
	 * a line per UPDATE). */
	if (afi != BGP_AFI_IPV4 || safi != BGP_SAFI_UNICAST)
		return 1;
	if (nhlen != 4)
		return -1;
	if (!BGP_SEEN(d->a, BGP_ATTR_NEXT_HOP))
		rbuf_bytes(&nh, &d->a->nexthop.s_addr, 4);
	if (bgp_prefixes_decode(v, &d->u->nlri, &d->u->nnlri, AF_INET) == -1) {
		d->reset_sub = BGP_ERR_UPD_NETWORK;
		return -1;
	}
	d->mp_nlri = true;
	return 0;
}

static int
bgp_dec_mp_unreach(struct bgp_attr_dec *d, struct rbuf *v)
{
	uint16_t afi;
	uint8_t safi;
	size_t before = d->u->nwithdrawn;
	int af;

	if (!rbuf_u16(v, &afi) || !rbuf_u8(v, &safi))
		return -1;
	if (afi == BGP_AFI_IPV6 && safi == BGP_SAFI_UNICAST && d->pc->ipv6)
		af = AF_INET6;
	else if (afi == BGP_AFI_IPV4 && safi == BGP_SAFI_UNICAST)
		af = AF_INET;
	else
		return 1;	/* not negotiated: ignored */
	if (bgp_prefixes_decode(v, &d->u->withdrawn, &d->u->nwithdrawn,
	    af) == -1) {
		d->reset_sub = BGP_ERR_UPD_NETWORK;
		return -1;
	}
	if (af == AF_INET6 && d->u->nwithdrawn == before)
		d->u->eor6 = true;	/* checked alone by the caller */
	return 0;
}

/* RFC 7606 section 7, one row per attribute. */
static const struct bgp_attr_desc bgp_attr_table[] = {
	{ BGP_ATTR_ORIGIN, "ORIGIN", WK, BGP_ACT_WITHDRAW, 0, bgp_dec_origin },
	{ BGP_ATTR_AS_PATH, "AS_PATH", WK, BGP_ACT_WITHDRAW, 0, bgp_dec_aspath },
	{ BGP_ATTR_NEXT_HOP, "NEXT_HOP", WK, BGP_ACT_WITHDRAW, 0, bgp_dec_nexthop },
	{ BGP_ATTR_MED, "MULTI_EXIT_DISC", OPT, BGP_ACT_WITHDRAW, 0, bgp_dec_med },
	{ BGP_ATTR_LOCAL_PREF, "LOCAL_PREF", WK, BGP_ACT_WITHDRAW, 0,
	    bgp_dec_localpref },
	{ BGP_ATTR_ATOMIC_AGGR, "ATOMIC_AGGREGATE", WK, BGP_ACT_DISCARD, 0,
	    bgp_dec_atomic },
	{ BGP_ATTR_AGGREGATOR, "AGGREGATOR", OPTT, BGP_ACT_DISCARD, 0,
	    bgp_dec_aggregator },
	{ BGP_ATTR_COMMUNITIES, "COMMUNITIES", OPTT, BGP_ACT_WITHDRAW, 0,
	    bgp_dec_communities },
	{ BGP_ATTR_MP_REACH, "MP_REACH_NLRI", OPT, BGP_ACT_RESET,
	    BGP_ERR_UPD_OPTATTR, bgp_dec_mp_reach },
	{ BGP_ATTR_MP_UNREACH, "MP_UNREACH_NLRI", OPT, BGP_ACT_RESET,
	    BGP_ERR_UPD_OPTATTR, bgp_dec_mp_unreach },
	{ BGP_ATTR_AS4_PATH, "AS4_PATH", OPTT, BGP_ACT_DISCARD, 0,
	    bgp_dec_as4path },
	{ BGP_ATTR_AS4_AGGREGATOR, "AS4_AGGREGATOR", OPTT, BGP_ACT_DISCARD, 0,
	    bgp_dec_as4agg },
};

static const struct bgp_attr_desc *
bgp_attr_find(uint8_t code)
{
	size_t i;

	for (i = 0; i < sizeof(bgp_attr_table) / sizeof(bgp_attr_table[0]); i++)
		if (bgp_attr_table[i].code == code)
			return &bgp_attr_table[i];
	return NULL;
}

static void
bgp_why(struct bgp_parse_ctx *pc, const char *fmt, const char *name)
{
	if (pc->why[0] == '\0')
		snprintf(pc->why, sizeof(pc->why), fmt, name);
}

static int
bgp_attr_keep_unknown(struct bgp_attrs *a, uint8_t flags, uint8_t code,
    const uint8_t *val, size_t len)
{
	struct wbuf w;

	wbuf_init(&w);
	if (a->other_len > 0)
		wbuf_bytes(&w, a->other, a->other_len);
	/* RFC 4271 5: passed on with Partial set. */
	flags |= BGP_ATTR_PARTIAL;
	if (len > 255)
		flags |= BGP_ATTR_EXTLEN;
	else
		flags &= ~BGP_ATTR_EXTLEN;
	wbuf_u8(&w, flags);
	wbuf_u8(&w, code);
	if (flags & BGP_ATTR_EXTLEN)
		wbuf_u16(&w, (uint16_t)len);
	else
		wbuf_u8(&w, (uint8_t)len);
	wbuf_bytes(&w, val, len);
	if (w.err) {
		wbuf_free(&w);
		return -1;
	}
	free(a->other);
	a->other = w.p;
	a->other_len = w.len;
	return 0;
}

/* One attribute; -1 = session reset (n set). Sets u->treat_as_withdraw. */
static int
bgp_attr_one(struct bgp_attr_dec *d, uint8_t flags, uint8_t code,
    struct rbuf *v)
{
	const struct bgp_attr_desc *desc = bgp_attr_find(code);
	struct bgp_parse_ctx *pc = d->pc;
	const uint8_t *val;
	size_t len = rbuf_left(v);
	int rc;

	if (desc == NULL) {
		if (!(flags & BGP_ATTR_OPTIONAL)) {
			bgp_notify_set(d->n, BGP_ERR_UPDATE, BGP_ERR_UPD_UNKWK,
			    NULL, 0);
			return -1;
		}
		if (!(flags & BGP_ATTR_TRANSITIVE))
			return 0;
		if (!rbuf_ptr(v, &val, len) ||
		    bgp_attr_keep_unknown(d->a, flags, code, val, len) == -1) {
			bgp_notify_set(d->n, BGP_ERR_CEASE, BGP_CEASE_RESOURCES,
			    NULL, 0);
			return -1;
		}
		return 0;
	}
	/* RFC 7606 3.g: later copies are dropped, except MP_* (reset). */
	if ((d->present >> code) & 1u) {
		if (desc->on_error == BGP_ACT_RESET) {
			bgp_notify_set(d->n, BGP_ERR_UPDATE,
			    BGP_ERR_UPD_ATTRLIST, NULL, 0);
			return -1;
		}
		bgp_why(pc, "duplicate %s discarded", desc->name);
		return 0;
	}
	d->present |= 1u << code;
	/* RFC 7606 3.c: wrong flags make the attribute malformed. */
	if ((flags & (BGP_ATTR_OPTIONAL | BGP_ATTR_TRANSITIVE)) != desc->flags ||
	    (!(flags & BGP_ATTR_OPTIONAL) && (flags & BGP_ATTR_PARTIAL)))
		rc = -1;
	else
		rc = desc->decode(d, v);
	if (rc == 1)		/* deliberately ignored */
		return 0;
	if (rc == 0) {
		d->a->seen |= 1u << code;
		return 0;
	}
	switch (desc->on_error) {
	case BGP_ACT_DISCARD:
		bgp_why(pc, "malformed %s discarded", desc->name);
		return 0;
	case BGP_ACT_WITHDRAW:
		bgp_why(pc, "malformed %s: treat-as-withdraw", desc->name);
		d->u->treat_as_withdraw = true;
		d->a->seen |= 1u << code;	/* a later copy changes nothing */
		return 0;
	case BGP_ACT_RESET:
		break;
	}
	bgp_notify_set(d->n, BGP_ERR_UPDATE, d->reset_sub != 0 ? d->reset_sub :
	    desc->reset_sub, NULL, 0);
	return -1;
}

int
bgp_update_parse(const uint8_t *body, size_t len, struct bgp_parse_ctx *pc,
    struct bgp_update *u, struct bgp_notify *n)
{
	struct bgp_attr_dec d;
	struct rbuf r, wr, ar;
	uint16_t wlen, alen;
	struct bgp_attrs *a = &u->attrs;
	size_t nlri_off;

	memset(u, 0, sizeof(*u));
	memset(&d, 0, sizeof(d));
	pc->why[0] = '\0';
	d.pc = pc;
	d.u = u;
	d.a = a;
	d.n = n;
	a->local_pref = 0;
	rbuf_init(&r, body, len);
	if (!rbuf_u16(&r, &wlen) || !rbuf_sub(&r, &wr, wlen) ||
	    !rbuf_u16(&r, &alen) || !rbuf_sub(&r, &ar, alen)) {
		bgp_notify_set(n, BGP_ERR_UPDATE, BGP_ERR_UPD_ATTRLIST, NULL, 0);
		goto reset;
	}
	if (bgp_prefixes_decode(&wr, &u->withdrawn, &u->nwithdrawn,
	    AF_INET) == -1) {
		bgp_notify_set(n, BGP_ERR_UPDATE, BGP_ERR_UPD_NETWORK, NULL, 0);
		goto reset;
	}
	while (rbuf_left(&ar) > 0) {
		uint8_t flags, code, l8;
		uint16_t alen16;
		struct rbuf v;

		if (!rbuf_u8(&ar, &flags) || !rbuf_u8(&ar, &code))
			goto overrun;
		if (flags & BGP_ATTR_EXTLEN) {
			if (!rbuf_u16(&ar, &alen16))
				goto overrun;
		} else {
			if (!rbuf_u8(&ar, &l8))
				goto overrun;
			alen16 = l8;
		}
		if (!rbuf_sub(&ar, &v, alen16))
			goto overrun;
		if (bgp_attr_one(&d, flags, code, &v) == -1)
			goto reset;
		continue;
overrun:
		/* RFC 7606 4: an attribute running past the attribute
		 * section: the NLRI are still found, withdraw them. */
		bgp_why(pc, "%s", "attribute length beyond the attributes: "
		    "treat-as-withdraw");
		u->treat_as_withdraw = true;
		break;
	}
	nlri_off = u->nnlri;
	if (bgp_prefixes_decode(&r, &u->nlri, &u->nnlri, AF_INET) == -1) {
		bgp_notify_set(n, BGP_ERR_UPDATE, BGP_ERR_UPD_NETWORK, NULL, 0);
		goto reset;
	}
	/* RFC 7606 5.2: an End-of-RIB is MP_UNREACH_NLRI alone. */
	if (u->eor6 && (u->nwithdrawn > 0 || u->nnlri > 0 || (a->seen &
	    ~(1u << BGP_ATTR_MP_UNREACH)) != 0))
		u->eor6 = false;
	/* MP_* say nothing of the path: sets differ by what they hold. */
	a->seen &= ~(1u << BGP_ATTR_MP_REACH | 1u << BGP_ATTR_MP_UNREACH);
	if (u->nnlri > 0 && !u->treat_as_withdraw) {
		/* RFC 4760 3: NEXT_HOP is needed by IPv4 NLRI of the
		 * classic field alone. */
		if (!BGP_SEEN(a, BGP_ATTR_ORIGIN) ||
		    !BGP_SEEN(a, BGP_ATTR_AS_PATH) ||
		    (u->nnlri > nlri_off && !BGP_SEEN(a, BGP_ATTR_NEXT_HOP) &&
		    !d.mp_nlri)) {
			/* RFC 7606 3.d */
			bgp_why(pc, "%s", "missing well-known attribute: "
			    "treat-as-withdraw");
			u->treat_as_withdraw = true;
		}
	}
	if (u->nnlri > 0 && !u->treat_as_withdraw) {
		if (d.as4path != NULL && bgp_aspath_merge4(a, d.as4path,
		    d.as4path_len) == -1) {
			bgp_notify_set(n, BGP_ERR_CEASE, BGP_CEASE_RESOURCES,
			    NULL, 0);
			goto reset;
		}
		if (d.has_as4agg && a->agg_as == BGP_AS_TRANS) {
			a->agg_as = d.as4agg_as;
			a->agg_id = d.as4agg_id;
		}
		/* RFC 4271 6.3 / RFC 7606 3.d: an eBGP path must start
		 * with the neighbour's AS. */
		if (pc->ebgp && bgp_aspath_first(a->aspath, a->aspath_len) !=
		    pc->peer_as) {
			bgp_why(pc, "%s", "AS_PATH does not start with the "
			    "peer's AS: treat-as-withdraw");
			u->treat_as_withdraw = true;
		}
	}
	free(d.as4path);
	return 0;
reset:
	free(d.as4path);
	bgp_update_free(u);
	return -1;
}

void
bgp_update_free(struct bgp_update *u)
{
	free(u->withdrawn);
	free(u->nlri);
	bgp_attrs_clear(&u->attrs);
	memset(u, 0, sizeof(*u));
}

void
bgp_attrs_clear(struct bgp_attrs *a)
{
	free(a->aspath);
	free(a->communities);
	free(a->other);
	memset(a, 0, sizeof(*a));
}

static int
bgp_dup(uint8_t **dst, const uint8_t *src, size_t len)
{
	*dst = NULL;
	if (len == 0)
		return 0;
	if ((*dst = malloc(len)) == NULL)
		return -1;
	memcpy(*dst, src, len);
	return 0;
}

int
bgp_attrs_copy(struct bgp_attrs *dst, const struct bgp_attrs *src)
{
	*dst = *src;
	dst->aspath = dst->communities = dst->other = NULL;
	if (bgp_dup(&dst->aspath, src->aspath, src->aspath_len) == -1 ||
	    bgp_dup(&dst->communities, src->communities,
	    src->communities_len) == -1 ||
	    bgp_dup(&dst->other, src->other, src->other_len) == -1) {
		bgp_attrs_clear(dst);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

static bool
bgp_blob_eq(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
	return al == bl && (al == 0 || memcmp(a, b, al) == 0);
}

bool
bgp_attrs_fixed_eq(const struct bgp_attrs *a, const struct bgp_attrs *b)
{
	return a->seen == b->seen && a->origin == b->origin &&
	    a->nh6_len == b->nh6_len && (a->nh6_len == 0 ||
	    memcmp(a->nh6, b->nh6, sizeof(a->nh6)) == 0) &&
	    a->nexthop.s_addr == b->nexthop.s_addr && a->med == b->med &&
	    a->local_pref == b->local_pref && a->agg_as == b->agg_as &&
	    a->agg_id.s_addr == b->agg_id.s_addr;
}

bool
bgp_attrs_eq(const struct bgp_attrs *a, const struct bgp_attrs *b)
{
	return bgp_attrs_fixed_eq(a, b) &&
	    bgp_blob_eq(a->aspath, a->aspath_len, b->aspath, b->aspath_len) &&
	    bgp_blob_eq(a->communities, a->communities_len, b->communities,
	    b->communities_len) &&
	    bgp_blob_eq(a->other, a->other_len, b->other, b->other_len);
}

/* ---- Encoding ---- */

static void
bgp_attr_hdr(struct wbuf *w, uint8_t flags, uint8_t code, size_t len)
{
	if (len > 255) {
		wbuf_u8(w, flags | BGP_ATTR_EXTLEN);
		wbuf_u8(w, code);
		wbuf_u16(w, (uint16_t)len);
	} else {
		wbuf_u8(w, flags);
		wbuf_u8(w, code);
		wbuf_u8(w, (uint8_t)len);
	}
}

/* 4-octet path in 2-octet form, AS_TRANS for what does not fit. */
static bool
bgp_aspath_narrow(struct wbuf *w, const uint8_t *p, size_t len, bool *wide)
{
	struct rbuf r;
	uint8_t type, cnt;
	uint32_t a;

	*wide = false;
	rbuf_init(&r, p, len);
	while (rbuf_left(&r) > 0) {
		if (!rbuf_u8(&r, &type) || !rbuf_u8(&r, &cnt))
			return false;
		wbuf_u8(w, type);
		wbuf_u8(w, cnt);
		for (; cnt > 0; cnt--) {
			if (!rbuf_u32(&r, &a))
				return false;
			if (a > 0xffff)
				*wide = true;
			wbuf_u16(w, a > 0xffff ? BGP_AS_TRANS : (uint16_t)a);
		}
	}
	return !r.err;
}

bool
bgp_attrs_encode(struct wbuf *w, const struct bgp_attrs *a, bool as4)
{
	bool wide = false;

	bgp_attr_hdr(w, WK, BGP_ATTR_ORIGIN, 1);
	wbuf_u8(w, a->origin);
	if (as4) {
		bgp_attr_hdr(w, WK, BGP_ATTR_AS_PATH, a->aspath_len);
		if (a->aspath_len > 0)
			wbuf_bytes(w, a->aspath, a->aspath_len);
	} else {
		struct wbuf nw;

		wbuf_init(&nw);
		if (!bgp_aspath_narrow(&nw, a->aspath, a->aspath_len, &wide) ||
		    nw.err) {
			wbuf_free(&nw);
			return false;
		}
		bgp_attr_hdr(w, WK, BGP_ATTR_AS_PATH, nw.len);
		if (nw.len > 0)
			wbuf_bytes(w, nw.p, nw.len);
		wbuf_free(&nw);
	}
	/* RFC 4760 3: an IPv6 route's next hop is in MP_REACH_NLRI. */
	if (a->nh6_len == 0) {
		bgp_attr_hdr(w, WK, BGP_ATTR_NEXT_HOP, 4);
		wbuf_bytes(w, &a->nexthop.s_addr, 4);
	}
	if (BGP_SEEN(a, BGP_ATTR_MED)) {
		bgp_attr_hdr(w, OPT, BGP_ATTR_MED, 4);
		wbuf_u32(w, a->med);
	}
	if (BGP_SEEN(a, BGP_ATTR_LOCAL_PREF)) {
		bgp_attr_hdr(w, WK, BGP_ATTR_LOCAL_PREF, 4);
		wbuf_u32(w, a->local_pref);
	}
	if (BGP_SEEN(a, BGP_ATTR_ATOMIC_AGGR))
		bgp_attr_hdr(w, WK, BGP_ATTR_ATOMIC_AGGR, 0);
	if (BGP_SEEN(a, BGP_ATTR_AGGREGATOR)) {
		if (as4) {
			bgp_attr_hdr(w, OPTT, BGP_ATTR_AGGREGATOR, 8);
			wbuf_u32(w, a->agg_as);
		} else {
			bgp_attr_hdr(w, OPTT, BGP_ATTR_AGGREGATOR, 6);
			wbuf_u16(w, a->agg_as > 0xffff ? BGP_AS_TRANS :
			    (uint16_t)a->agg_as);
		}
		wbuf_bytes(w, &a->agg_id.s_addr, 4);
	}
	if (BGP_SEEN(a, BGP_ATTR_COMMUNITIES) && a->communities_len > 0) {
		bgp_attr_hdr(w, OPTT, BGP_ATTR_COMMUNITIES, a->communities_len);
		wbuf_bytes(w, a->communities, a->communities_len);
	}
	if (!as4 && wide) {
		bgp_attr_hdr(w, OPTT, BGP_ATTR_AS4_PATH, a->aspath_len);
		wbuf_bytes(w, a->aspath, a->aspath_len);
	}
	if (!as4 && BGP_SEEN(a, BGP_ATTR_AGGREGATOR) && a->agg_as > 0xffff) {
		bgp_attr_hdr(w, OPTT, BGP_ATTR_AS4_AGGREGATOR, 8);
		wbuf_u32(w, a->agg_as);
		wbuf_bytes(w, &a->agg_id.s_addr, 4);
	}
	if (a->other_len > 0)
		wbuf_bytes(w, a->other, a->other_len);
	return !w->err;
}

/* ---- MP_REACH_NLRI / MP_UNREACH_NLRI for IPv6 unicast ---- */

size_t
bgp_mp_reach_overhead(const struct bgp_attrs *a)
{
	/* Header with extended length, AFI, SAFI, next hop length, next
	 * hop, reserved octet. */
	return 4 + 2 + 1 + 1 + a->nh6_len + 1;
}

size_t
bgp_mp_reach_begin(struct wbuf *w, const struct bgp_attrs *a)
{
	size_t off = w->len;

	/* Extended length always: the prefixes come after the header. */
	wbuf_u8(w, OPT | BGP_ATTR_EXTLEN);
	wbuf_u8(w, BGP_ATTR_MP_REACH);
	wbuf_u16(w, 0);
	wbuf_u16(w, BGP_AFI_IPV6);
	wbuf_u8(w, BGP_SAFI_UNICAST);
	wbuf_u8(w, a->nh6_len);
	wbuf_bytes(w, a->nh6, a->nh6_len);
	wbuf_u8(w, 0);
	return off;
}

size_t
bgp_mp_unreach_begin(struct wbuf *w)
{
	size_t off = w->len;

	wbuf_u8(w, OPT | BGP_ATTR_EXTLEN);
	wbuf_u8(w, BGP_ATTR_MP_UNREACH);
	wbuf_u16(w, 0);
	wbuf_u16(w, BGP_AFI_IPV6);
	wbuf_u8(w, BGP_SAFI_UNICAST);
	return off;
}

bool
bgp_mp_end(struct wbuf *w, size_t off)
{
	if (w->err || w->len < off + 4 || w->len - off - 4 > 0xffff)
		return false;
	return wbuf_set_u16(w, off + 2, (uint16_t)(w->len - off - 4));
}
