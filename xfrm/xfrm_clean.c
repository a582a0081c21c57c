/*
 * Hygiene: track what this context created so a clean stop removes it,
 * and at start remove what a previous (crashed) cgwd left behind, found
 * by cgwd's if_id range and route protocol.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/xfrm.h>

#include "lib/log.h"
#include "xfrm/xfrm_priv.h"

/* ---- tracking ---- */

struct xfrm_obj *
xfrm_obj_add(struct xfrm_ctx *ctx, enum xfrm_obj_kind kind)
{
	struct xfrm_obj	*o;

	if ((o = calloc(1, sizeof(*o))) == NULL) {
		/* Only cleanup at stop suffers; start-up cleanup covers it. */
		log_warn("xfrm", "out of memory tracking a kernel object");
		return NULL;
	}
	o->kind = kind;
	TAILQ_INSERT_TAIL(&ctx->objs, o, entry);
	return o;
}

struct xfrm_obj *
xfrm_obj_find_sa(struct xfrm_ctx *ctx, const struct cgw_addr *dst,
    uint32_t spi)
{
	struct xfrm_obj	*o;

	TAILQ_FOREACH(o, &ctx->objs, entry)
		if (o->kind == XFRM_OBJ_SA && o->spi == spi &&
		    addr_eq(&o->dst, dst))
			return o;
	return NULL;
}

struct xfrm_obj *
xfrm_obj_find_policy(struct xfrm_ctx *ctx, uint32_t if_id, int af)
{
	struct xfrm_obj	*o;

	TAILQ_FOREACH(o, &ctx->objs, entry)
		if (o->kind == XFRM_OBJ_POLICY && o->if_id == if_id &&
		    o->af == af)
			return o;
	return NULL;
}

struct xfrm_obj *
xfrm_obj_find_iface(struct xfrm_ctx *ctx, const char *name)
{
	struct xfrm_obj	*o;

	TAILQ_FOREACH(o, &ctx->objs, entry)
		if (o->kind == XFRM_OBJ_IFACE && strcmp(o->ifname, name) == 0)
			return o;
	return NULL;
}

#define XFRM_RT_MIN_BUCKETS	64

static uint32_t
xfrm_rt_hash(const struct cgw_prefix *p, uint32_t table)
{
	const uint8_t *b = p->addr.bytes;
	uint32_t h = 2166136261u ^ table;
	size_t i, n = p->addr.af == AF_INET6 ? 16 : 4;

	h = (h ^ p->len) * 16777619u;
	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

struct xfrm_obj *
xfrm_obj_find_route(struct xfrm_ctx *ctx, const struct cgw_prefix *p,
    uint32_t table)
{
	struct xfrm_obj	*o;

	if (ctx->rt_nbuckets == 0)
		return NULL;
	for (o = ctx->rt_hash[xfrm_rt_hash(p, table) & (ctx->rt_nbuckets - 1)];
	    o != NULL; o = o->hnext)
		if (o->table == table && o->prefix.len == p->len &&
		    prefix_eq(&o->prefix, p))
			return o;
	return NULL;
}

/* Twice the buckets; on ENOMEM the chains just get longer. */
static void
xfrm_rt_grow(struct xfrm_ctx *ctx)
{
	size_t n = ctx->rt_nbuckets ? ctx->rt_nbuckets * 2 :
	    XFRM_RT_MIN_BUCKETS, i;
	struct xfrm_obj **nb, *o, *next;
	uint32_t h;

	if ((nb = calloc(n, sizeof(*nb))) == NULL)
		return;
	for (i = 0; i < ctx->rt_nbuckets; i++)
		for (o = ctx->rt_hash[i]; o != NULL; o = next) {
			next = o->hnext;
			h = xfrm_rt_hash(&o->prefix, o->table) & (n - 1);
			o->hnext = nb[h];
			nb[h] = o;
		}
	free(ctx->rt_hash);
	ctx->rt_hash = nb;
	ctx->rt_nbuckets = n;
}

void
xfrm_obj_add_route(struct xfrm_ctx *ctx, const struct cgw_prefix *p,
    uint32_t table)
{
	struct xfrm_obj	*o;
	uint32_t	 h;

	if (xfrm_obj_find_route(ctx, p, table) != NULL)
		return;
	if (ctx->rt_count >= ctx->rt_nbuckets)
		xfrm_rt_grow(ctx);
	if (ctx->rt_nbuckets == 0 ||
	    (o = xfrm_obj_add(ctx, XFRM_OBJ_ROUTE)) == NULL)
		return;
	o->prefix = *p;
	o->table = table;
	h = xfrm_rt_hash(p, table) & (ctx->rt_nbuckets - 1);
	o->hnext = ctx->rt_hash[h];
	ctx->rt_hash[h] = o;
	ctx->rt_count++;
}

void
xfrm_obj_del(struct xfrm_ctx *ctx, struct xfrm_obj *o)
{
	struct xfrm_obj **pp;

	if (o->kind == XFRM_OBJ_ROUTE && ctx->rt_nbuckets > 0) {
		pp = &ctx->rt_hash[xfrm_rt_hash(&o->prefix, o->table) &
		    (ctx->rt_nbuckets - 1)];
		while (*pp != NULL && *pp != o)
			pp = &(*pp)->hnext;
		if (*pp == o) {
			*pp = o->hnext;
			ctx->rt_count--;
		}
	}
	TAILQ_REMOVE(&ctx->objs, o, entry);
	free(o);
}

void
xfrm_objs_free(struct xfrm_ctx *ctx)
{
	struct xfrm_obj *o;

	while ((o = TAILQ_FIRST(&ctx->objs)) != NULL) {
		TAILQ_REMOVE(&ctx->objs, o, entry);
		free(o);
	}
	free(ctx->rt_hash);
	ctx->rt_hash = NULL;
	ctx->rt_nbuckets = ctx->rt_count = 0;
}

/*
 * Our routes in batches (a full table would otherwise leave one
 * synchronous request at a time); what is still tracked after failed,
 * and the one-by-one teardown reports it.
 */
static void
teardown_routes(struct xfrm_ctx *ctx)
{
	struct xfrm_route_batch	 b;
	struct xfrm_obj		*o;
	struct xfrm_err		 e;

	if (ctx->rt_count == 0)
		return;
	xfrm_route_batch_init(&b);
	TAILQ_FOREACH(o, &ctx->objs, entry)
		if (o->kind == XFRM_OBJ_ROUTE &&
		    xfrm_route_batch_add(ctx, &b, &o->prefix, NULL, 0, o->table,
		    &e) < 0)
			break;
	/* commit untracks each route it removed. */
	(void)xfrm_route_batch_commit(ctx, &b, &e);
	xfrm_route_batch_free(&b);
}

/* ---- clean stop ---- */

static int
teardown_one(struct xfrm_ctx *ctx, const struct xfrm_obj *o,
    struct xfrm_err *err)
{
	switch (o->kind) {
	case XFRM_OBJ_ROUTE:
		return xfrm_route_delete(ctx, &o->prefix, o->table, err);
	case XFRM_OBJ_SA:
		return xfrm_sa_delete(ctx, &o->dst, o->spi, err);
	case XFRM_OBJ_POLICY:
		return xfrm_policy_remove(ctx, o->if_id, o->af, err);
	case XFRM_OBJ_IFACE:
		return xfrm_iface_delete(ctx, o->ifname, err);
	}
	return 0;
}

int
xfrm_teardown(struct xfrm_ctx *ctx, struct xfrm_err *err)
{
	if (ctx->be != NULL)
		return ctx->be->teardown(ctx, err);
	/* Routes first (traffic stops using the tunnel), interfaces last. */
	static const enum xfrm_obj_kind order[] = {
		XFRM_OBJ_ROUTE, XFRM_OBJ_SA, XFRM_OBJ_POLICY, XFRM_OBJ_IFACE
	};
	struct xfrm_obj	*o, *next, copy;
	struct xfrm_err	 e;
	size_t		 k;
	int		 rc = 0;

	teardown_routes(ctx);
	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		for (o = TAILQ_FIRST(&ctx->objs); o != NULL; o = next) {
			next = TAILQ_NEXT(o, entry);
			if (o->kind != order[k])
				continue;
			/* Untrack first: a failure is reported, not retried. */
			copy = *o;
			xfrm_obj_del(ctx, o);
			next = TAILQ_FIRST(&ctx->objs);
			if (teardown_one(ctx, &copy, &e) < 0) {
				log_warn("xfrm", "teardown: %s", e.msg);
				if (rc == 0 && err != NULL)
					*err = e;
				rc = -1;
			}
		}
	}
	return rc;
}

/* ---- stale objects of a previous run ---- */

struct stale_item {
	struct cgw_addr	dst;		/* SA */
	uint32_t	spi;
	uint8_t		proto;
	uint32_t	index;		/* policy */
	uint8_t		dir;
	uint32_t	if_id;
	int		ifindex;	/* interface */
	char		ifname[IFNAMSIZ];
};

struct stale_list {
	struct stale_item	*v;
	size_t			 n, cap;
	bool			 oom;
};

static struct stale_item *
stale_push(struct stale_list *l)
{
	if (l->n == l->cap) {
		size_t			 cap = l->cap ? l->cap * 2 : 16;
		struct stale_item	*nv;

		if ((nv = reallocarray(l->v, cap, sizeof(*nv))) == NULL) {
			l->oom = true;
			return NULL;
		}
		l->v = nv;
		l->cap = cap;
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	return &l->v[l->n++];
}

static int
attr_if_id(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == XFRMA_IF_ID &&
	    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
		*(uint32_t *)data = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

static int
stale_sa(const struct nlmsghdr *nlh, void *data)
{
	const struct xfrm_usersa_info	*p;
	struct stale_item		*it;
	uint32_t			 if_id = 0;

	if (nlh->nlmsg_type != XFRM_MSG_NEWSA ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*p))
		return MNL_CB_OK;
	p = mnl_nlmsg_get_payload(nlh);
	mnl_attr_parse(nlh, sizeof(*p), attr_if_id, &if_id);
	if (!XFRM_IFID_OURS(if_id) ||
	    (p->family != AF_INET && p->family != AF_INET6))
		return MNL_CB_OK;
	if ((it = stale_push(data)) == NULL)
		return MNL_CB_OK;
	it->dst.af = p->family;
	memcpy(it->dst.bytes, &p->id.daddr, addr_len(&it->dst));
	it->spi = ntohl(p->id.spi);
	it->proto = p->id.proto;
	it->if_id = if_id;
	return MNL_CB_OK;
}

static int
stale_policy(const struct nlmsghdr *nlh, void *data)
{
	const struct xfrm_userpolicy_info	*p;
	struct stale_item			*it;
	uint32_t				 if_id = 0;

	if (nlh->nlmsg_type != XFRM_MSG_NEWPOLICY ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*p))
		return MNL_CB_OK;
	p = mnl_nlmsg_get_payload(nlh);
	mnl_attr_parse(nlh, sizeof(*p), attr_if_id, &if_id);
	if (!XFRM_IFID_OURS(if_id))
		return MNL_CB_OK;
	if ((it = stale_push(data)) == NULL)
		return MNL_CB_OK;
	it->index = p->index;
	it->dir = p->dir;
	it->if_id = if_id;
	return MNL_CB_OK;
}

struct link_attrs {
	const char	*name;
	const char	*kind;
	uint32_t	 if_id;
	bool		 has_if_id;
};

static int
link_xfrm_data(const struct nlattr *a, void *data)
{
	struct link_attrs	*la = data;

	if (mnl_attr_get_type(a) == IFLA_XFRM_IF_ID &&
	    mnl_attr_validate(a, MNL_TYPE_U32) == 0) {
		la->if_id = mnl_attr_get_u32(a);
		la->has_if_id = true;
	}
	return MNL_CB_OK;
}

static int
link_info(const struct nlattr *a, void *data)
{
	struct link_attrs	*la = data;

	switch (mnl_attr_get_type(a)) {
	case IFLA_INFO_KIND:
		if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			la->kind = mnl_attr_get_str(a);
		break;
	case IFLA_INFO_DATA:
		if (mnl_attr_validate(a, MNL_TYPE_NESTED) == 0)
			mnl_attr_parse_nested(a, link_xfrm_data, la);
		break;
	}
	return MNL_CB_OK;
}

static int
link_attr(const struct nlattr *a, void *data)
{
	struct link_attrs	*la = data;

	switch (mnl_attr_get_type(a)) {
	case IFLA_IFNAME:
		if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			la->name = mnl_attr_get_str(a);
		break;
	case IFLA_LINKINFO:
		if (mnl_attr_validate(a, MNL_TYPE_NESTED) == 0)
			mnl_attr_parse_nested(a, link_info, la);
		break;
	}
	return MNL_CB_OK;
}

static int
stale_link(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg	*ifi;
	struct link_attrs	 la;
	struct stale_item	*it;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return MNL_CB_OK;
	ifi = mnl_nlmsg_get_payload(nlh);
	memset(&la, 0, sizeof(la));
	mnl_attr_parse(nlh, sizeof(*ifi), link_attr, &la);
	if (la.kind == NULL || strcmp(la.kind, "xfrm") != 0 ||
	    !la.has_if_id || !XFRM_IFID_OURS(la.if_id))
		return MNL_CB_OK;
	if ((it = stale_push(data)) == NULL)
		return MNL_CB_OK;
	it->ifindex = ifi->ifi_index;
	it->if_id = la.if_id;
	snprintf(it->ifname, sizeof(it->ifname), "%s",
	    la.name != NULL ? la.name : "?");
	return MNL_CB_OK;
}

static int
stale_dump(struct xfrm_ctx *ctx, struct mnl_socket *nl, uint16_t type,
    size_t hdrlen, xfrm_msg_cb cb, struct stale_list *l, struct xfrm_err *err,
    const char *what)
{
	memset(l, 0, sizeof(*l));
	if (xfrm_nl_dump(ctx, nl, type, hdrlen, cb, l, err, what) < 0)
		return -1;
	if (l->oom)
		return xfrm_err_set(err, ENOMEM, "%s: out of memory", what);
	return 0;
}

static void
stale_fail(int *rc, struct xfrm_err *err, const struct xfrm_err *e)
{
	log_warn("xfrm", "stale cleanup: %s", e->msg);
	if (*rc == 0 && err != NULL)
		*err = *e;
	*rc = -1;
}

int
xfrm_cleanup_stale(struct xfrm_ctx *ctx, struct xfrm_err *err)
{
	if (ctx->be != NULL)
		return ctx->be->cleanup_stale(ctx, err);
	_Alignas(8) uint8_t			 buf[XFRM_MSG_BUFSZ];
	struct stale_list	 l;
	struct xfrm_err		 e;
	char			 d[CGW_ADDRSTRLEN], what[96];
	size_t			 i;
	int			 rc = 0;

	if (xfrm_route_flush_ours(ctx, &e) < 0)
		stale_fail(&rc, err, &e);

	if (stale_dump(ctx, ctx->xfrm_nl, XFRM_MSG_GETPOLICY, 0, stale_policy,
	    &l, &e, "list policies") < 0)
		stale_fail(&rc, err, &e);
	for (i = 0; i < l.n; i++) {
		snprintf(what, sizeof(what), "delete stale policy index %u "
		    "if_id 0x%x", l.v[i].index, l.v[i].if_id);
		if (xfrm_nl_cmd(ctx, ctx->xfrm_nl, xfrm_msg_delpolicy(buf,
		    l.v[i].dir, l.v[i].if_id, AF_UNSPEC, l.v[i].index, &e),
		    ENOENT, &e, what) < 0)
			stale_fail(&rc, err, &e);
		else
			log_info("xfrm", "%s: done", what);
	}
	free(l.v);

	if (stale_dump(ctx, ctx->xfrm_nl, XFRM_MSG_GETSA, 0, stale_sa, &l, &e,
	    "list SAs") < 0)
		stale_fail(&rc, err, &e);
	for (i = 0; i < l.n; i++) {
		snprintf(what, sizeof(what), "delete stale SA spi 0x%08x dst "
		    "%s if_id 0x%x", l.v[i].spi,
		    addr_fmt(&l.v[i].dst, d, sizeof(d)), l.v[i].if_id);
		if (xfrm_nl_cmd(ctx, ctx->xfrm_nl, xfrm_msg_sa_id(buf,
		    XFRM_MSG_DELSA, &l.v[i].dst, l.v[i].spi, l.v[i].proto, &e),
		    ESRCH, &e, what) < 0)
			stale_fail(&rc, err, &e);
		else
			log_info("xfrm", "%s: done", what);
	}
	free(l.v);

	if (stale_dump(ctx, ctx->rt_nl, RTM_GETLINK, sizeof(struct ifinfomsg),
	    stale_link, &l, &e, "list interfaces") < 0)
		stale_fail(&rc, err, &e);
	for (i = 0; i < l.n; i++) {
		snprintf(what, sizeof(what), "delete stale XFRM interface %s "
		    "if_id 0x%x", l.v[i].ifname, l.v[i].if_id);
		if (xfrm_nl_cmd(ctx, ctx->rt_nl, xfrm_msg_dellink(buf, NULL,
		    l.v[i].ifindex, &e), ENODEV, &e, what) < 0)
			stale_fail(&rc, err, &e);
		else
			log_info("xfrm", "%s: done", what);
	}
	free(l.v);
	return rc;
}
