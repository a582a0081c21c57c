/*
 * The context: netlink sockets, request/ack transactions with extended
 * ack messages, error text, and the kernel event sockets on libevent.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <linux/xfrm.h>

#include "lib/log.h"
#include "xfrm/xfrm_priv.h"

#define XFRM_RECV_BUFSZ	32768	/* the kernel caps dump skbs at 32 KiB */

int
xfrm_err_set(struct xfrm_err *err, int code, const char *fmt, ...)
{
	va_list	ap;

	if (err != NULL) {
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	errno = code;
	return -1;
}

void
xfrm_err_hint(struct xfrm_err *err, const char *hint)
{
	size_t	n;

	if (err == NULL)
		return;
	n = strlen(err->msg);
	snprintf(err->msg + n, sizeof(err->msg) - n, " (%s)", hint);
}

/* ---- transactions ---- */

struct talk {
	xfrm_msg_cb	 cb;
	void		*data;
	int		 code;
	char		 ext[160];
};

struct ext_ack {
	char	*buf;
	size_t	 len;
};

static int
ext_ack_attr(const struct nlattr *a, void *data)
{
	struct ext_ack	*x = data;

	if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		snprintf(x->buf, x->len, "%s", mnl_attr_get_str(a));
	return MNL_CB_OK;
}

int
xfrm_nl_parse_ack(const struct nlmsghdr *nlh, int *code, char *ext,
    size_t extlen)
{
	const struct nlmsgerr	*e;
	struct ext_ack		 x = { ext, extlen };
	size_t			 off, plen;

	*code = 0;
	if (extlen > 0)
		ext[0] = '\0';
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return -1;
	e = mnl_nlmsg_get_payload(nlh);
	if (e->error == 0)
		return 0;
	*code = e->error < 0 ? -e->error : e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return 1;
	/* The TLVs follow our request, or only its header when capped. */
	plen = mnl_nlmsg_get_payload_len(nlh);
	off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < sizeof(e->msg) ||
		    e->msg.nlmsg_len - sizeof(e->msg) > plen - off)
			return 1;
		off += e->msg.nlmsg_len - sizeof(e->msg);
	}
	if (MNL_ALIGN(off) < plen)
		mnl_attr_parse(nlh, (unsigned)off, ext_ack_attr, &x);
	return 1;
}

static int
talk_error(const struct nlmsghdr *nlh, void *data)
{
	struct talk	*t = data;
	int		 rc;

	rc = xfrm_nl_parse_ack(nlh, &t->code, t->ext, sizeof(t->ext));
	if (rc == 0)
		return MNL_CB_STOP;		/* the ack */
	if (rc < 0)
		t->code = EBADMSG;
	return MNL_CB_ERROR;
}

static int
talk_done(const struct nlmsghdr *nlh, void *data)
{
	struct talk	*t = data;
	int		 v;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
		memcpy(&v, mnl_nlmsg_get_payload(nlh), sizeof(v));
		if (v < 0) {
			t->code = -v;
			return MNL_CB_ERROR;
		}
	}
	return MNL_CB_STOP;
}

static int
talk_noop(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

static int
talk_data(const struct nlmsghdr *nlh, void *data)
{
	struct talk	*t = data;

	return t->cb != NULL ? t->cb(nlh, t->data) : MNL_CB_OK;
}

int
xfrm_nl_talk(struct xfrm_ctx *ctx, struct mnl_socket *nl,
    struct nlmsghdr *nlh, xfrm_msg_cb cb, void *data, struct xfrm_err *err,
    const char *what)
{
	mnl_cb_t	 ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_NOOP] = talk_noop,
		[NLMSG_ERROR] = talk_error,
		[NLMSG_DONE] = talk_done,
	};
	_Alignas(8) uint8_t		 buf[XFRM_RECV_BUFSZ];
	struct talk	 t;
	uint32_t	 seq, portid;
	ssize_t		 n;
	size_t		 used = 0;
	int		 ret;

	memset(&t, 0, sizeof(t));
	t.cb = cb;
	t.data = data;
	seq = ++ctx->seq;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_flags |= NLM_F_ACK;
	portid = mnl_socket_get_portid(nl);

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return xfrm_err_set(err, errno, "%s: send: %s", what,
		    strerror(errno));
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			explicit_bzero(buf, used);
			return xfrm_err_set(err, errno, "%s: receive: %s",
			    what, strerror(errno));
		}
		/* Replies to GETSA and SA dumps carry the ESP keys. */
		if ((size_t)n > used)
			used = (size_t)n;
		/* A reply to an earlier request that gave up half-way (a
		 * receive error) must not fail this one and every later one. */
		if ((size_t)n >= sizeof(struct nlmsghdr) &&
		    ((struct nlmsghdr *)buf)->nlmsg_seq != seq) {
			log_debug("xfrm", "%s: dropped a stale netlink reply",
			    what);
			ret = MNL_CB_OK;
			continue;
		}
		ret = mnl_cb_run2(buf, (size_t)n, seq, portid, talk_data, &t,
		    ctl, NLMSG_MIN_TYPE);
	} while (ret > MNL_CB_STOP);
	explicit_bzero(buf, used);
	if (ret == MNL_CB_ERROR) {
		int code = t.code != 0 ? t.code : errno != 0 ? errno : EIO;

		if (t.ext[0] != '\0')
			return xfrm_err_set(err, code, "%s: %s: kernel says: %s",
			    what, strerror(code), t.ext);
		return xfrm_err_set(err, code, "%s: %s", what, strerror(code));
	}
	return 0;
}

int
xfrm_nl_cmd(struct xfrm_ctx *ctx, struct mnl_socket *nl, struct nlmsghdr *nlh,
    int gone, struct xfrm_err *err, const char *what)
{
	struct xfrm_err	e;

	if (nlh == NULL)
		return -1;
	if (err == NULL)
		err = &e;
	if (xfrm_nl_talk(ctx, nl, nlh, NULL, NULL, err, what) == 0)
		return 0;
	return gone != 0 && err->code == gone ? 0 : -1;
}

int
xfrm_nl_dump(struct xfrm_ctx *ctx, struct mnl_socket *nl, uint16_t type,
    size_t hdrlen, xfrm_msg_cb cb, void *data, struct xfrm_err *err,
    const char *what)
{
	_Alignas(8) uint8_t	 buf[XFRM_MSG_BUFSZ];
	struct nlmsghdr		*nlh;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	if (hdrlen > 0)
		mnl_nlmsg_put_extra_header(nlh, hdrlen);
	return xfrm_nl_talk(ctx, nl, nlh, cb, data, err, what);
}

/* ---- events ---- */

static int
ev_attr_if_id(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == XFRMA_IF_ID &&
	    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
		*(uint32_t *)data = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

static void
xaddr_to_addr(const xfrm_address_t *x, uint16_t af, struct cgw_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (af != AF_INET && af != AF_INET6)
		return;
	a->af = af;
	memcpy(a->bytes, x, af == AF_INET ? 4 : 16);
}

bool
xfrm_nl_parse_expire(const struct nlmsghdr *nlh, struct xfrm_sa_event *ev)
{
	const struct xfrm_user_expire	*ue;

	memset(ev, 0, sizeof(*ev));
	if (nlh->nlmsg_type != XFRM_MSG_EXPIRE ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ue))
		return false;
	ue = mnl_nlmsg_get_payload(nlh);
	if (ue->state.id.proto != IPPROTO_ESP ||
	    (ue->state.family != AF_INET && ue->state.family != AF_INET6))
		return false;
	ev->spi = ntohl(ue->state.id.spi);
	xaddr_to_addr(&ue->state.saddr, ue->state.family, &ev->src);
	xaddr_to_addr(&ue->state.id.daddr, ue->state.family, &ev->dst);
	ev->reqid = ue->state.reqid;
	ev->hard = ue->hard != 0;
	if (mnl_nlmsg_get_payload_len(nlh) > MNL_ALIGN(sizeof(*ue)))
		mnl_attr_parse(nlh, sizeof(*ue), ev_attr_if_id, &ev->if_id);
	return true;
}

const char *
xfrm_who(const struct xfrm_ctx *ctx, uint32_t if_id)
{
	const char *who = NULL;

	if (ctx != NULL && ctx->cb.if_id_name != NULL && if_id != 0)
		who = ctx->cb.if_id_name(ctx->cb_arg, if_id);
	return who != NULL ? who : "xfrm";
}

static void
ev_expire(struct xfrm_ctx *ctx, const struct nlmsghdr *nlh)
{
	struct xfrm_sa_event	 ev;
	struct xfrm_obj		*o;
	char			 d[CGW_ADDRSTRLEN];

	if (!xfrm_nl_parse_expire(nlh, &ev))
		return;
	log_info(xfrm_who(ctx, ev.if_id), "SA spi 0x%08x dst %s if_id 0x%x: "
	    "%s expire",
	    ev.spi, addr_fmt(&ev.dst, d, sizeof(d)), ev.if_id,
	    ev.hard ? "hard" : "soft");
	/* The kernel removed it: nothing left to remove at teardown. */
	if (ev.hard && (o = xfrm_obj_find_sa(ctx, &ev.dst, ev.spi)) != NULL)
		xfrm_obj_del(ctx, o);
	if (ev.hard && ctx->cb.sa_gone != NULL)
		ctx->cb.sa_gone(ctx->cb_arg, &ev);
	else if (!ev.hard && ctx->cb.sa_rekey != NULL)
		ctx->cb.sa_rekey(ctx->cb_arg, &ev);
}

static void
ev_acquire(const struct nlmsghdr *nlh)
{
	const struct xfrm_user_acquire	*ua;
	struct cgw_addr			 s, d;
	char				 sb[CGW_ADDRSTRLEN], db[CGW_ADDRSTRLEN];

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ua))
		return;
	ua = mnl_nlmsg_get_payload(nlh);
	xaddr_to_addr(&ua->saddr, ua->sel.family ? ua->sel.family :
	    ua->policy.sel.family, &s);
	xaddr_to_addr(&ua->id.daddr, s.af, &d);
	/* Policies carry reqids of SAs IKE keeps installed, so an acquire
	 * means traffic arrived while a tunnel has no SA: worth a line. */
	log_info("xfrm", "acquire: no SA for %s -> %s (no tunnel SA yet?)",
	    addr_fmt(&s, sb, sizeof(sb)), addr_fmt(&d, db, sizeof(db)));
}

static int
ev_xfrm_msg(const struct nlmsghdr *nlh, void *data)
{
	struct xfrm_ctx	*ctx = data;

	if (nlh->nlmsg_type == XFRM_MSG_EXPIRE)
		ev_expire(ctx, nlh);
	else if (nlh->nlmsg_type == XFRM_MSG_ACQUIRE)
		ev_acquire(nlh);
	return MNL_CB_OK;
}

static int
ev_link_attr(const struct nlattr *a, void *data)
{
	const char	**name = data;

	if (mnl_attr_get_type(a) == IFLA_IFNAME &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		*name = mnl_attr_get_str(a);
	return MNL_CB_OK;
}

struct ev_addr {
	const struct nlattr	*local;		/* IFA_LOCAL */
	const struct nlattr	*address;	/* IFA_ADDRESS */
	uint32_t		 flags;		/* IFA_FLAGS */
	bool			 has_flags;
};

static int
ev_addr_attr(const struct nlattr *a, void *data)
{
	struct ev_addr	*x = data;

	switch (mnl_attr_get_type(a)) {
	case IFA_LOCAL:
		x->local = a;
		break;
	case IFA_ADDRESS:
		x->address = a;
		break;
	case IFA_FLAGS:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0) {
			x->flags = mnl_attr_get_u32(a);
			x->has_flags = true;
		}
		break;
	}
	return MNL_CB_OK;
}

bool
xfrm_nl_parse_addr(const struct nlmsghdr *nlh, struct cgw_addr *addr,
    int *ifindex, bool *added)
{
	const struct ifaddrmsg	*ifa;
	const struct nlattr	*a;
	struct ev_addr		 x = { .local = NULL };
	size_t			 alen;

	memset(addr, 0, sizeof(*addr));
	if ((nlh->nlmsg_type != RTM_NEWADDR && nlh->nlmsg_type != RTM_DELADDR) ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa))
		return false;
	ifa = mnl_nlmsg_get_payload(nlh);
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return false;
	mnl_attr_parse(nlh, sizeof(*ifa), ev_addr_attr, &x);
	/* On a point-to-point link IFA_ADDRESS is the peer's: ours is
	 * IFA_LOCAL when present. */
	a = x.local != NULL ? x.local : x.address;
	alen = ifa->ifa_family == AF_INET ? 4 : 16;
	if (a == NULL || mnl_attr_get_payload_len(a) != alen)
		return false;
	addr->af = ifa->ifa_family;
	memcpy(addr->bytes, mnl_attr_get_payload(a), alen);
	*ifindex = (int)ifa->ifa_index;
	/* A tentative IPv6 address cannot be bound until DAD is done; the
	 * kernel sends RTM_NEWADDR again then. */
	*added = nlh->nlmsg_type == RTM_NEWADDR &&
	    !((x.has_flags ? x.flags : ifa->ifa_flags) &
	    (IFA_F_TENTATIVE | IFA_F_DADFAILED));
	return true;
}

static void
ev_addr(struct xfrm_ctx *ctx, const struct nlmsghdr *nlh)
{
	struct cgw_addr	 a;
	char		 b[CGW_ADDRSTRLEN];
	int		 ifindex;
	bool		 added;

	if (!xfrm_nl_parse_addr(nlh, &a, &ifindex, &added))
		return;
	log_debug("xfrm", "address %s on %d: %s", addr_fmt(&a, b, sizeof(b)),
	    ifindex, added ? "usable" : nlh->nlmsg_type == RTM_NEWADDR ?
	    "tentative" : "gone");
	if (ctx->cb.addr_change != NULL &&
	    (added || nlh->nlmsg_type == RTM_DELADDR))
		ctx->cb.addr_change(ctx->cb_arg, &a, ifindex, added);
}

static int
ev_rt_msg(const struct nlmsghdr *nlh, void *data)
{
	struct xfrm_ctx		*ctx = data;
	const struct ifinfomsg	*ifi;
	const char		*name = "";
	bool			 up;

	if (nlh->nlmsg_type == RTM_NEWADDR || nlh->nlmsg_type == RTM_DELADDR) {
		ev_addr(ctx, nlh);
		return MNL_CB_OK;
	}
	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return MNL_CB_OK;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return MNL_CB_OK;
	ifi = mnl_nlmsg_get_payload(nlh);
	mnl_attr_parse(nlh, sizeof(*ifi), ev_link_attr, &name);
	up = nlh->nlmsg_type == RTM_NEWLINK &&
	    (ifi->ifi_flags & IFF_UP) && (ifi->ifi_flags & IFF_RUNNING);
	log_debug("xfrm", "link %s (%d) %s", name, ifi->ifi_index,
	    up ? "up" : "down");
	if (ctx->cb.link_change != NULL)
		ctx->cb.link_change(ctx->cb_arg, ifi->ifi_index, name, up);
	return MNL_CB_OK;
}

static void
ev_read(struct xfrm_ctx *ctx, struct mnl_socket *nl, mnl_cb_t cb,
    const char *what)
{
	_Alignas(8) uint8_t	buf[XFRM_RECV_BUFSZ];
	ssize_t	n;

	for (;;) {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* Lost events: rekey timers in ike/ still
				 * run, the kernel limits are a safety net. */
				log_warn("xfrm", "%s events lost (socket "
				    "overrun)", what);
				continue;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_warn("xfrm", "%s events: %s", what,
				    strerror(errno));
			return;
		}
		/* Multicast: no sequence or port to check. */
		mnl_cb_run(buf, (size_t)n, 0, 0, cb, ctx);
	}
}

static void
ev_xfrm_cb(evutil_socket_t fd, short what, void *arg)
{
	struct xfrm_ctx	*ctx = arg;

	(void)fd;
	(void)what;
	ev_read(ctx, ctx->xfrm_ev, ev_xfrm_msg, "XFRM");
}

static void
ev_rt_cb(evutil_socket_t fd, short what, void *arg)
{
	struct xfrm_ctx	*ctx = arg;

	(void)fd;
	(void)what;
	ev_read(ctx, ctx->rt_ev, ev_rt_msg, "link and address");
}

/* ---- open/close ---- */

static struct mnl_socket *
nl_open(int proto, const unsigned *groups, size_t ngroups, bool nonblock,
    struct xfrm_err *err, const char *what)
{
	struct mnl_socket	*nl;
	int			 one = 1, fd;
	size_t			 i;

	if ((nl = mnl_socket_open(proto)) == NULL) {
		xfrm_err_set(err, errno, "%s netlink socket: %s", what,
		    strerror(errno));
		return NULL;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		xfrm_err_set(err, errno, "%s netlink bind: %s", what,
		    strerror(errno));
		mnl_socket_close(nl);
		return NULL;
	}
	/* Older kernels lack these; messages then just lack the detail. */
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	for (i = 0; i < ngroups; i++) {
		unsigned g = groups[i];

		if (mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &g,
		    sizeof(g)) < 0) {
			xfrm_err_set(err, errno, "%s netlink group %u: %s",
			    what, g, strerror(errno));
			mnl_socket_close(nl);
			return NULL;
		}
	}
	if (nonblock) {
		fd = mnl_socket_get_fd(nl);
		if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0 ||
		    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
			xfrm_err_set(err, errno, "%s netlink fcntl: %s", what,
			    strerror(errno));
			mnl_socket_close(nl);
			return NULL;
		}
	} else
		fcntl(mnl_socket_get_fd(nl), F_SETFD, FD_CLOEXEC);
	return nl;
}

struct xfrm_ctx *
xfrm_open(struct event_base *base, const struct xfrm_callbacks *cb,
    void *arg, struct xfrm_err *err)
{
	static const unsigned	 xgroups[] = { XFRMNLGRP_EXPIRE,
				    XFRMNLGRP_ACQUIRE };
	static const unsigned	 rgroups[] = { RTNLGRP_LINK,
				    RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR };
	struct xfrm_ctx		*ctx;

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL) {
		xfrm_err_set(err, errno, "xfrm context: %s", strerror(errno));
		return NULL;
	}
	TAILQ_INIT(&ctx->objs);
	ctx->base = base;
	if (cb != NULL)
		ctx->cb = *cb;
	ctx->cb_arg = arg;
	ctx->seq = (uint32_t)getpid() << 8;
	if ((ctx->xfrm_nl = nl_open(NETLINK_XFRM, NULL, 0, false, err,
	    "XFRM")) == NULL ||
	    (ctx->rt_nl = nl_open(NETLINK_ROUTE, NULL, 0, false, err,
	    "route")) == NULL)
		goto fail;
	/* Without a base (tools, tests) nobody would read events. */
	if (base == NULL)
		return ctx;
	if ((ctx->xfrm_ev = nl_open(NETLINK_XFRM, xgroups, 2, true, err,
	    "XFRM event")) == NULL ||
	    (ctx->rt_ev = nl_open(NETLINK_ROUTE, rgroups,
	    sizeof(rgroups) / sizeof(rgroups[0]), true, err,
	    "link event")) == NULL)
		goto fail;
	ctx->xfrm_ev_event = event_new(base, mnl_socket_get_fd(ctx->xfrm_ev),
	    EV_READ | EV_PERSIST, ev_xfrm_cb, ctx);
	ctx->rt_ev_event = event_new(base, mnl_socket_get_fd(ctx->rt_ev),
	    EV_READ | EV_PERSIST, ev_rt_cb, ctx);
	if (ctx->xfrm_ev_event == NULL || ctx->rt_ev_event == NULL ||
	    event_add(ctx->xfrm_ev_event, NULL) < 0 ||
	    event_add(ctx->rt_ev_event, NULL) < 0) {
		xfrm_err_set(err, ENOMEM, "xfrm: cannot register events");
		goto fail;
	}
	return ctx;
fail:
	xfrm_close(ctx);
	return NULL;
}

void
xfrm_close(struct xfrm_ctx *ctx)
{
	struct xfrm_err	err;

	if (ctx == NULL)
		return;
	if (ctx->be != NULL) {
		ctx->be->close(ctx);
		free(ctx);
		return;
	}
	if (ctx->xfrm_nl != NULL && ctx->rt_nl != NULL &&
	    xfrm_teardown(ctx, &err) < 0)
		log_warn("xfrm", "teardown incomplete: %s", err.msg);
	if (ctx->xfrm_ev_event != NULL)
		event_free(ctx->xfrm_ev_event);
	if (ctx->rt_ev_event != NULL)
		event_free(ctx->rt_ev_event);
	if (ctx->xfrm_ev != NULL)
		mnl_socket_close(ctx->xfrm_ev);
	if (ctx->rt_ev != NULL)
		mnl_socket_close(ctx->rt_ev);
	if (ctx->xfrm_nl != NULL)
		mnl_socket_close(ctx->xfrm_nl);
	if (ctx->rt_nl != NULL)
		mnl_socket_close(ctx->rt_nl);
	xfrm_objs_free(ctx);
	free(ctx);
}

struct xfrm_ctx *
xfrm_open_backend(const struct xfrm_backend *be, void *arg)
{
	struct xfrm_ctx *ctx;

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return NULL;
	TAILQ_INIT(&ctx->objs);
	ctx->be = be;
	ctx->be_arg = arg;
	return ctx;
}

void *
xfrm_backend_arg(const struct xfrm_ctx *ctx)
{
	return ctx->be_arg;
}
