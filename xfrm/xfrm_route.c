/* Routes via tunnels, tagged with cgwd's route protocol. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	_Alignas(8) uint8_t		 buf[XFRM_MSG_BUFSZ];
	struct nlmsghdr	*nlh;
	struct xfrm_obj	*o;
	char		 what[96];

	if (table == 0)
		table = XFRM_TABLE_MAIN;
	route_what(what, sizeof(what), "replace", prefix, table);
	if ((nlh = xfrm_msg_route(buf, RTM_NEWROUTE, prefix, nh, n, table,
	    err)) == NULL ||
	    xfrm_nl_talk(ctx, ctx->rt_nl, nlh, NULL, NULL, err, what) < 0)
		return -1;
	log_debug("xfrm", "%s: %zu nexthop(s)", what, n);
	if (xfrm_obj_find_route(ctx, prefix, table) == NULL &&
	    (o = xfrm_obj_add(ctx, XFRM_OBJ_ROUTE)) != NULL) {
		o->prefix = *prefix;
		o->table = table;
	}
	return 0;
}

int
xfrm_route_delete(struct xfrm_ctx *ctx, const struct cgw_prefix *prefix,
    uint32_t table, struct xfrm_err *err)
{
	_Alignas(8) uint8_t		 buf[XFRM_MSG_BUFSZ];
	struct nlmsghdr	*nlh;
	struct xfrm_obj	*o;
	struct xfrm_err	 e;
	char		 what[96];

	if (err == NULL)
		err = &e;
	if (table == 0)
		table = XFRM_TABLE_MAIN;
	route_what(what, sizeof(what), "delete", prefix, table);
	if ((nlh = xfrm_msg_route(buf, RTM_DELROUTE, prefix, NULL, 0, table,
	    err)) == NULL)
		return -1;
	if (xfrm_nl_talk(ctx, ctx->rt_nl, nlh, NULL, NULL, err, what) < 0 &&
	    err->code != ESRCH)
		return -1;
	log_debug("xfrm", "%s: done", what);
	if ((o = xfrm_obj_find_route(ctx, prefix, table)) != NULL)
		xfrm_obj_del(ctx, o);
	return 0;
}

struct route_list {
	struct cgw_prefix	*p;
	uint32_t		*table;
	size_t			 n, cap;
	bool			 oom;
};

struct route_attrs {
	const struct nlattr	*dst;
	uint32_t		 table;
};

static int
route_attr(const struct nlattr *a, void *data)
{
	struct route_attrs	*ra = data;

	switch (mnl_attr_get_type(a)) {
	case RTA_DST:
		ra->dst = a;
		break;
	case RTA_TABLE:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			ra->table = mnl_attr_get_u32(a);
		break;
	}
	return MNL_CB_OK;
}

static int
route_collect(const struct nlmsghdr *nlh, void *data)
{
	struct route_list	*l = data;
	const struct rtmsg	*rtm;
	struct route_attrs	 ra;
	struct cgw_prefix	 p;
	size_t			 alen;

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return MNL_CB_OK;
	rtm = mnl_nlmsg_get_payload(nlh);
	if (rtm->rtm_protocol != XFRM_RTPROT_CGWD ||
	    (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6))
		return MNL_CB_OK;
	memset(&ra, 0, sizeof(ra));
	ra.table = rtm->rtm_table;
	mnl_attr_parse(nlh, sizeof(*rtm), route_attr, &ra);
	memset(&p, 0, sizeof(p));
	p.addr.af = rtm->rtm_family;
	alen = addr_len(&p.addr);
	p.len = rtm->rtm_dst_len;
	if (p.len > alen * 8)
		return MNL_CB_OK;
	if (ra.dst != NULL) {
		if (mnl_attr_get_payload_len(ra.dst) != alen)
			return MNL_CB_OK;
		memcpy(p.addr.bytes, mnl_attr_get_payload(ra.dst), alen);
	}
	if (l->n == l->cap) {
		size_t			 cap = l->cap ? l->cap * 2 : 16;
		struct cgw_prefix	*np;
		uint32_t		*nt;

		if ((np = reallocarray(l->p, cap, sizeof(*np))) == NULL) {
			l->oom = true;
			return MNL_CB_OK;
		}
		l->p = np;
		if ((nt = reallocarray(l->table, cap, sizeof(*nt))) == NULL) {
			l->oom = true;
			return MNL_CB_OK;
		}
		l->table = nt;
		l->cap = cap;
	}
	l->p[l->n] = p;
	l->table[l->n++] = ra.table;
	return MNL_CB_OK;
}

int
xfrm_route_flush_ours(struct xfrm_ctx *ctx, struct xfrm_err *err)
{
	_Alignas(8) uint8_t			 buf[XFRM_MSG_BUFSZ];
	struct nlmsghdr		*nlh;
	struct rtmsg		*rtm;
	struct route_list	 l;
	struct xfrm_err		 e;
	char			 b[CGW_PREFIXSTRLEN];
	size_t			 i;
	int			 rc = 0;

	memset(&l, 0, sizeof(l));
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_UNSPEC;
	/* Collect first: a netlink socket cannot take requests mid-dump. */
	if (xfrm_nl_talk(ctx, ctx->rt_nl, nlh, route_collect, &l, err,
	    "list routes") < 0) {
		rc = -1;
		goto out;
	}
	if (l.oom) {
		rc = xfrm_err_set(err, ENOMEM, "list routes: out of memory");
		goto out;
	}
	for (i = 0; i < l.n; i++) {
		if (xfrm_route_delete(ctx, &l.p[i], l.table[i], &e) < 0) {
			if (rc == 0 && err != NULL)
				*err = e;
			rc = -1;
			continue;
		}
		log_info("xfrm", "removed route %s table %u (proto %d)",
		    prefix_fmt(&l.p[i], b, sizeof(b)), l.table[i],
		    XFRM_RTPROT_CGWD);
	}
out:
	free(l.p);
	free(l.table);
	return l.oom || rc < 0 ? -1 : 0;
}
