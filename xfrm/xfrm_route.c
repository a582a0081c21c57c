/* Routes via tunnels, tagged with cgwd's route protocol. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "lib/log.h"
#include "xfrm/xfrm_priv.h"

static const char *
route_what(char *what, size_t len, const char *verb,
    const struct cgw_prefix *p, uint32_t table)
{
	char	b[CGW_PREFIXSTRLEN];

	snprintf(what, len, "%s route %s table %u", verb,
	    prefix_fmt(p, b, sizeof(b)), table != 0 ? table : XFRM_TABLE_MAIN);
	return what;
}

int
xfrm_route_replace(struct xfrm_ctx *ctx, const struct cgw_prefix *prefix,
    const struct xfrm_nexthop *nh, size_t n, uint32_t table,
    struct xfrm_err *err)
{
	if (ctx->be != NULL)
		return ctx->be->route_replace(ctx, prefix, nh, n, table, err);
	_Alignas(8) uint8_t		 buf[XFRM_MSG_BUFSZ];
	char		 what[96];

	if (table == 0)
		table = XFRM_TABLE_MAIN;
	route_what(what, sizeof(what), "replace", prefix, table);
	if (xfrm_nl_cmd(ctx, ctx->rt_nl, xfrm_msg_route(buf, RTM_NEWROUTE,
	    prefix, nh, n, table, err), 0, err, what) < 0)
		return -1;
	log_debug("xfrm", "%s: %zu nexthop(s)", what, n);
	xfrm_obj_add_route(ctx, prefix, table);
	return 0;
}

int
xfrm_route_delete(struct xfrm_ctx *ctx, const struct cgw_prefix *prefix,
    uint32_t table, struct xfrm_err *err)
{
	if (ctx->be != NULL)
		return ctx->be->route_delete(ctx, prefix, table, err);
	_Alignas(8) uint8_t		 buf[XFRM_MSG_BUFSZ];
	struct xfrm_obj	*o;
	char		 what[96];

	if (table == 0)
		table = XFRM_TABLE_MAIN;
	route_what(what, sizeof(what), "delete", prefix, table);
	if (xfrm_nl_cmd(ctx, ctx->rt_nl, xfrm_msg_route(buf, RTM_DELROUTE,
	    prefix, NULL, 0, table, err), ESRCH, err, what) < 0)
		return -1;
	log_debug("xfrm", "%s: done", what);
	if ((o = xfrm_obj_find_route(ctx, prefix, table)) != NULL)
		xfrm_obj_del(ctx, o);
	return 0;
}

/* ---- reading routes back ---- */

struct route_attrs {
	const struct nlattr	*dst;
	const struct nlattr	*gw;
	const struct nlattr	*via;
	const struct nlattr	*mp;
	uint32_t		 table;
	uint32_t		 oif;
};

static int
route_attr(const struct nlattr *a, void *data)
{
	struct route_attrs	*ra = data;

	switch (mnl_attr_get_type(a)) {
	case RTA_DST:
		ra->dst = a;
		break;
	case RTA_GATEWAY:
		ra->gw = a;
		break;
	case RTA_VIA:
		ra->via = a;
		break;
	case RTA_MULTIPATH:
		ra->mp = a;
		break;
	case RTA_TABLE:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			ra->table = mnl_attr_get_u32(a);
		break;
	case RTA_OIF:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			ra->oif = mnl_attr_get_u32(a);
		break;
	}
	return MNL_CB_OK;
}

/* RTA_GATEWAY of the route's family, or RTA_VIA with its own. */
static bool
route_gateway(int af, const struct nlattr *gw, const struct nlattr *via,
    struct cgw_addr *out)
{
	const struct rtvia	*v;
	size_t			 len;

	memset(out, 0, sizeof(*out));
	if (gw != NULL) {
		out->af = af;
		if (mnl_attr_get_payload_len(gw) != addr_len(out))
			return false;
		memcpy(out->bytes, mnl_attr_get_payload(gw), addr_len(out));
	} else if (via != NULL) {
		len = mnl_attr_get_payload_len(via);
		if (len < sizeof(*v))
			return false;
		v = mnl_attr_get_payload(via);
		if (v->rtvia_family != AF_INET && v->rtvia_family != AF_INET6)
			return false;
		out->af = v->rtvia_family;
		if (len - sizeof(*v) != addr_len(out))
			return false;
		memcpy(out->bytes, (const uint8_t *)v + sizeof(*v),
		    addr_len(out));
	}
	return true;
}

static int
route_nh_attr(const struct nlattr *a, void *data)
{
	struct route_attrs	*ra = data;

	if (mnl_attr_get_type(a) == RTA_GATEWAY)
		ra->gw = a;
	else if (mnl_attr_get_type(a) == RTA_VIA)
		ra->via = a;
	return MNL_CB_OK;
}

/* RTA_MULTIPATH: rtnexthops, each with its own attributes. */
static bool
route_multipath(int af, const struct nlattr *mp, struct xfrm_route *r)
{
	const uint8_t		*p = mnl_attr_get_payload(mp);
	size_t			 left = mnl_attr_get_payload_len(mp);
	const struct rtnexthop	*rtnh;
	struct route_attrs	 ra;
	size_t			 step;

	while (left >= sizeof(*rtnh)) {
		rtnh = (const struct rtnexthop *)p;
		if (rtnh->rtnh_len < sizeof(*rtnh) || rtnh->rtnh_len > left ||
		    r->n == XFRM_MAX_NEXTHOPS)
			return false;
		memset(&ra, 0, sizeof(ra));
		if (rtnh->rtnh_len > MNL_ALIGN(sizeof(*rtnh)) &&
		    mnl_attr_parse_payload(p + MNL_ALIGN(sizeof(*rtnh)),
		    rtnh->rtnh_len - MNL_ALIGN(sizeof(*rtnh)), route_nh_attr,
		    &ra) < 0)
			return false;
		if (!route_gateway(af, ra.gw, ra.via, &r->nh[r->n].gw))
			return false;
		r->nh[r->n].ifindex = rtnh->rtnh_ifindex;
		r->nh[r->n].weight = (uint8_t)(rtnh->rtnh_hops + 1);
		r->n++;
		step = MNL_ALIGN(rtnh->rtnh_len);
		if (step >= left)
			break;
		left -= step;
		p += step;
	}
	return true;
}

bool
xfrm_nl_parse_route(const struct nlmsghdr *nlh, struct xfrm_route *r)
{
	const struct rtmsg	*rtm;
	struct route_attrs	 ra;
	struct xfrm_nexthop	*nh = r->nh;
	size_t			 alen;

	memset(r, 0, sizeof(*r));
	r->nh = nh;
	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return false;
	rtm = mnl_nlmsg_get_payload(nlh);
	if (rtm->rtm_protocol != XFRM_RTPROT_CGWD ||
	    (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6))
		return false;
	memset(&ra, 0, sizeof(ra));
	ra.table = rtm->rtm_table;
	if (mnl_attr_parse(nlh, sizeof(*rtm), route_attr, &ra) < 0)
		return false;
	r->prefix.addr.af = rtm->rtm_family;
	alen = addr_len(&r->prefix.addr);
	r->prefix.len = rtm->rtm_dst_len;
	r->table = ra.table;
	if (r->prefix.len > alen * 8)
		return false;
	if (ra.dst != NULL) {
		if (mnl_attr_get_payload_len(ra.dst) != alen)
			return false;
		memcpy(r->prefix.addr.bytes, mnl_attr_get_payload(ra.dst),
		    alen);
	}
	if (ra.mp != NULL)
		return route_multipath(rtm->rtm_family, ra.mp, r);
	if (ra.oif != 0) {
		if (!route_gateway(rtm->rtm_family, ra.gw, ra.via,
		    &r->nh[0].gw))
			return false;
		r->nh[0].ifindex = (int)ra.oif;
		r->nh[0].weight = 1;
		r->n = 1;
	}
	return true;
}

static int
route_collect(const struct nlmsghdr *nlh, void *data)
{
	struct xfrm_routes	*l = data;
	struct xfrm_nexthop	 nh[XFRM_MAX_NEXTHOPS];
	struct xfrm_route	 r = { .nh = nh };

	if (xfrm_nl_parse_route(nlh, &r))
		(void)xfrm_routes_add(l, &r.prefix, r.table, r.nh, r.n);
	return MNL_CB_OK;
}

/* Next hops of listed routes, a block at a time: never moved, so the
 * routes' pointers hold while the list grows. */
#define XFRM_NH_BLOCK	4096
struct xfrm_nh_block {
	struct xfrm_nh_block	*next;
	size_t			 used;
	struct xfrm_nexthop	 nh[XFRM_NH_BLOCK];
};

struct xfrm_route *
xfrm_routes_add(struct xfrm_routes *l, const struct cgw_prefix *prefix,
    uint32_t table, const struct xfrm_nexthop *nh, size_t n)
{
	struct xfrm_nh_block	*b = l->blocks;
	struct xfrm_route	*r, *nv;

	if (n > XFRM_MAX_NEXTHOPS) {
		l->oom = true;
		return NULL;
	}
	if (l->n == l->cap) {
		size_t	cap = l->cap ? l->cap * 2 : 16;

		if ((nv = reallocarray(l->v, cap, sizeof(*nv))) == NULL) {
			l->oom = true;
			return NULL;
		}
		l->v = nv;
		l->cap = cap;
	}
	if (n > 0 && (b == NULL || b->used + n > XFRM_NH_BLOCK)) {
		if ((b = malloc(sizeof(*b))) == NULL) {
			l->oom = true;
			return NULL;
		}
		b->used = 0;
		b->next = l->blocks;
		l->blocks = b;
	}
	r = &l->v[l->n++];
	memset(r, 0, sizeof(*r));
	r->prefix = *prefix;
	r->table = table;
	r->n = n;
	if (n > 0) {
		r->nh = &b->nh[b->used];
		memcpy(r->nh, nh, n * sizeof(*nh));
		b->used += n;
	}
	l->sorted = false;
	return r;
}

int
xfrm_route_list(struct xfrm_ctx *ctx, struct xfrm_routes *l,
    struct xfrm_err *err)
{
	if (ctx->be != NULL)
		return ctx->be->route_list(ctx, l, err);
	memset(l, 0, sizeof(*l));
	/* Collect first: a netlink socket cannot take requests mid-dump. */
	if (xfrm_nl_dump(ctx, ctx->rt_nl, RTM_GETROUTE, sizeof(struct rtmsg),
	    route_collect, l, err, "list routes") < 0)
		return -1;
	if (l->oom)
		return xfrm_err_set(err, ENOMEM, "list routes: out of memory");
	return 0;
}

void
xfrm_routes_free(struct xfrm_routes *l)
{
	struct xfrm_nh_block *b;

	while ((b = l->blocks) != NULL) {
		l->blocks = b->next;
		free(b);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int
route_cmp(const struct cgw_prefix *a, uint32_t ta, const struct cgw_prefix *b,
    uint32_t tb)
{
	int c;

	if (ta != tb)
		return ta < tb ? -1 : 1;
	if (a->addr.af != b->addr.af)
		return a->addr.af < b->addr.af ? -1 : 1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	c = memcmp(a->addr.bytes, b->addr.bytes, addr_len(&a->addr));
	return c;
}

static int
route_sort_cmp(const void *x, const void *y)
{
	const struct xfrm_route *a = x, *b = y;

	return route_cmp(&a->prefix, a->table, &b->prefix, b->table);
}

struct xfrm_route *
xfrm_routes_find(struct xfrm_routes *l, const struct cgw_prefix *prefix,
    uint32_t table)
{
	struct cgw_prefix	net;
	size_t			lo = 0, hi = l->n, mid;
	int			c;

	/* Reconciling a full table looks up every route: log n each. */
	if (!l->sorted) {
		if (l->n > 1)
			qsort(l->v, l->n, sizeof(l->v[0]), route_sort_cmp);
		l->sorted = true;
	}
	memset(&net, 0, sizeof(net));
	prefix_network(prefix, &net);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = route_cmp(&l->v[mid].prefix, l->v[mid].table, &net, table);
		if (c == 0)
			return &l->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static bool
route_nh_eq(const struct xfrm_nexthop *a, const struct xfrm_nexthop *b)
{
	return a->ifindex == b->ifindex &&
	    (a->weight > 1 ? a->weight : 1) == (b->weight > 1 ? b->weight : 1) &&
	    (addr_is_set(&a->gw) ? addr_eq(&a->gw, &b->gw) :
	    !addr_is_set(&b->gw));
}

bool
xfrm_route_same(const struct xfrm_route *r, const struct xfrm_nexthop *nh,
    size_t n)
{
	size_t	i, j;

	if (r->n != n)
		return false;
	for (i = 0; i < n; i++) {
		for (j = 0; j < r->n; j++)
			if (route_nh_eq(&nh[i], &r->nh[j]))
				break;
		if (j == r->n)
			return false;
	}
	return true;
}

int
xfrm_route_flush_ours(struct xfrm_ctx *ctx, struct xfrm_err *err)
{
	if (ctx->be != NULL)
		return ctx->be->route_flush_ours(ctx, err);
	struct xfrm_routes	 l;
	struct xfrm_route_batch	 b;
	char			 p[CGW_PREFIXSTRLEN];
	size_t			 i, ok = 0;
	int			 rc = 0, idx;

	if (xfrm_route_list(ctx, &l, err) < 0) {
		xfrm_routes_free(&l);
		return -1;
	}
	/* One batch: a full table leaves in a few system calls. */
	xfrm_route_batch_init(&b);
	for (i = 0; i < l.n; i++)
		if ((idx = xfrm_route_batch_add(ctx, &b, &l.v[i].prefix, NULL,
		    0, l.v[i].table, err)) < 0 || (size_t)idx != i) {
			rc = -1;
			goto done;
		}
	if (xfrm_route_batch_commit(ctx, &b, err) < 0)
		rc = -1;
	for (i = 0; i < l.n; i++) {
		prefix_fmt(&l.v[i].prefix, p, sizeof(p));
		if (b.req[i].code != 0) {
			if (rc == 0)
				xfrm_err_set(err, b.req[i].code, "delete route "
				    "%s table %u: %s", p, l.v[i].table,
				    strerror(b.req[i].code));
			rc = -1;
			continue;
		}
		ok++;
		log_debug("xfrm", "removed route %s table %u", p, l.v[i].table);
	}
	if (ok > 0)
		log_info("xfrm", "removed %zu routes (proto %d)", ok,
		    XFRM_RTPROT_CGWD);
done:
	xfrm_route_batch_free(&b);
	xfrm_routes_free(&l);
	return rc;
}

/* ---- batches ---- */

void
xfrm_route_batch_init(struct xfrm_route_batch *b)
{
	memset(b, 0, sizeof(*b));
}

void
xfrm_route_batch_free(struct xfrm_route_batch *b)
{
	free(b->buf);
	free(b->req);
	memset(b, 0, sizeof(*b));
}

int
xfrm_route_batch_add(struct xfrm_ctx *ctx, struct xfrm_route_batch *b,
    const struct cgw_prefix *prefix, const struct xfrm_nexthop *nh, size_t n,
    uint32_t table, struct xfrm_err *err)
{
	if (ctx->be != NULL)
		return ctx->be->route_batch_add(ctx, b, prefix, nh, n, table, err);
	_Alignas(8) uint8_t	 msg[XFRM_MSG_BUFSZ];
	struct nlmsghdr		*nlh;
	struct xfrm_route_req	*nr;
	uint8_t			*nb;
	size_t			 cap;

	if ((nlh = xfrm_msg_route(msg, n > 0 ? RTM_NEWROUTE : RTM_DELROUTE,
	    prefix, nh, n, table, err)) == NULL)
		return -1;
	if (b->n == 0)
		b->seq0 = ctx->seq + 1;
	/* No NLM_F_ACK: the kernel answers errors only (commit). */
	nlh->nlmsg_seq = b->seq0 + (uint32_t)b->n;
	if (b->len + nlh->nlmsg_len > b->cap) {
		cap = b->cap ? b->cap * 2 : 16384;
		while (cap < b->len + nlh->nlmsg_len)
			cap *= 2;
		if ((nb = realloc(b->buf, cap)) == NULL)
			return xfrm_err_set(err, ENOMEM, "route batch: %s",
			    strerror(ENOMEM));
		b->buf = nb;
		b->cap = cap;
	}
	if (b->n == b->ncap) {
		cap = b->ncap ? b->ncap * 2 : 64;
		if ((nr = reallocarray(b->req, cap, sizeof(*nr))) == NULL)
			return xfrm_err_set(err, ENOMEM, "route batch: %s",
			    strerror(ENOMEM));
		b->req = nr;
		b->ncap = cap;
	}
	memcpy(b->buf + b->len, nlh, nlh->nlmsg_len);
	b->len += MNL_ALIGN(nlh->nlmsg_len);
	memset(&b->req[b->n], 0, sizeof(b->req[b->n]));
	b->req[b->n].prefix = *prefix;
	b->req[b->n].table = table != 0 ? table : XFRM_TABLE_MAIN;
	b->req[b->n].del = n == 0;
	/* Never back: a request made between two adds has its own seq. */
	if ((int32_t)(nlh->nlmsg_seq - ctx->seq) > 0)
		ctx->seq = nlh->nlmsg_seq;
	return (int)b->n++;
}

size_t
xfrm_route_batch_acks(struct xfrm_route_batch *b, const void *buf, size_t len)
{
	const struct nlmsghdr	*nlh = buf;
	struct xfrm_route_req	*r;
	char			 ext[128];
	size_t			 got = 0, i;
	int			 left = (int)len, code;

	/* mnl_nlmsg_ok checks every length before it is trusted. */
	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		if (nlh->nlmsg_type != NLMSG_ERROR)
			continue;
		i = nlh->nlmsg_seq - b->seq0;
		if (nlh->nlmsg_seq < b->seq0 || i >= b->n ||
		    b->req[i].answered)
			continue;	/* stale, or not ours */
		r = &b->req[i];
		if (xfrm_nl_parse_ack(nlh, &code, ext, sizeof(ext)) < 0)
			code = EBADMSG;
		r->code = r->del && code == ESRCH ? 0 : code;
		r->answered = true;
		got++;
	}
	return got;
}

int
xfrm_route_batch_commit(struct xfrm_ctx *ctx, struct xfrm_route_batch *b,
    struct xfrm_err *err)
{
	if (ctx->be != NULL)
		return ctx->be->route_batch_commit(ctx, b, err);
	_Alignas(8) uint8_t	 rbuf[32768];	/* as xfrm_nl.c reads */
	const struct nlmsghdr	*nlh;
	size_t			 off = 0, end, first = 0, upto, answered = 0, i;
	ssize_t			 r;
	int			 failed = 0, sockerr = 0;

	while (off < b->len && sockerr == 0) {
		/* A chunk of whole messages: at most XFRM_BATCH_BYTES, and
		 * no more requests than the socket's receive buffer holds
		 * acks for (each ack is an skb of its own, ~1 KB charged). */
		end = off;
		upto = first;
		while (end < b->len) {
			nlh = (const struct nlmsghdr *)(b->buf + end);
			if (end > off && (end - off + nlh->nlmsg_len >
			    XFRM_BATCH_BYTES || upto - first == XFRM_BATCH_MAX))
				break;
			end += MNL_ALIGN(nlh->nlmsg_len);
			upto++;
		}
		if (mnl_socket_sendto(ctx->rt_nl, b->buf + off, end - off) < 0) {
			sockerr = errno;
			break;
		}
		/*
		 * rtnetlink runs every request inside that sendmsg and
		 * queues an error for each one that failed before it
		 * returns: what is queued now is every error of the chunk,
		 * and a request without one was done.
		 */
		for (;;) {
			r = recv(mnl_socket_get_fd(ctx->rt_nl), rbuf,
			    sizeof(rbuf), MSG_DONTWAIT);
			if (r < 0) {
				if (errno == EINTR)
					continue;
				if (errno != EAGAIN && errno != EWOULDBLOCK)
					sockerr = errno;	/* lost errors */
				break;
			}
			answered += xfrm_route_batch_acks(b, rbuf, (size_t)r);
		}
		for (i = first; i < upto && sockerr == 0; i++)
			if (!b->req[i].answered) {
				b->req[i].answered = true;
				answered++;
			}
		off = end;
		first = upto;
	}
	for (i = 0; i < b->n; i++) {
		struct xfrm_route_req *q = &b->req[i];
		struct xfrm_obj *o;

		if (!q->answered)
			q->code = sockerr != 0 ? sockerr : EIO;
		if (q->code != 0) {
			failed++;
			continue;
		}
		/* Tracked as xfrm_route_replace/delete do (xfrm_teardown). */
		if (!q->del)
			xfrm_obj_add_route(ctx, &q->prefix, q->table);
		else if ((o = xfrm_obj_find_route(ctx, &q->prefix,
		    q->table)) != NULL)
			xfrm_obj_del(ctx, o);
	}
	log_debug("xfrm", "route batch: %zu requests, %d failed", b->n, failed);
	b->len = 0;
	b->n = 0;
	if (sockerr != 0) {
		xfrm_err_set(err, sockerr, "route batch: %s",
		    strerror(sockerr));
		return -1;
	}
	return failed;
}

int
xfrm_route_batch_send(struct xfrm_ctx *ctx, struct xfrm_route_batch *b,
    struct xfrm_err *err)
{
	if (ctx->be != NULL)
		return ctx->be->route_batch_send(ctx, b, err);
	size_t n = b->n;
	int rc;

	rc = xfrm_route_batch_commit(ctx, b, err) < 0 ? -1 : 0;
	/* commit emptied the batch; req[] still holds the outcomes. */
	if (n > 0 && ctx->cb.routes_done != NULL)
		ctx->cb.routes_done(ctx->cb_arg, b->req, n);
	return rc;
}

size_t
xfrm_route_backlog(struct xfrm_ctx *ctx)
{
	return ctx->be != NULL ? ctx->be->route_backlog(ctx) : 0;
}
