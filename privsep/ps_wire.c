/*
 * privsep/ wire format: one walker per message kind writes or reads the
 * same fields in the same order (see ps_wire.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "privsep/ps_wire.h"

struct ps_io {
	uint8_t		*buf;		/* writing */
	const uint8_t	*in;		/* reading */
	size_t		 len;		/* reading: what there is */
	size_t		 cap;		/* writing: room */
	size_t		 off;
	bool		 rd;
	bool		 bad;
};

static const char *const ps_names[PS_TYPE_MAX] = {
	[PS_NONE] = "none",
	[PS_TEARDOWN] = "teardown",
	[PS_CLEANUP_STALE] = "cleanup-stale",
	[PS_SPI_ALLOC] = "spi-alloc",
	[PS_CHILD_INSTALL] = "child-install",
	[PS_SA_DELETE] = "sa-delete",
	[PS_SA_STATS] = "sa-stats",
	[PS_POLICY_INSTALL] = "policy-install",
	[PS_POLICY_REMOVE] = "policy-remove",
	[PS_IFACE_CREATE] = "iface-create",
	[PS_IFACE_DELETE] = "iface-delete",
	[PS_IFINDEX] = "ifindex",
	[PS_IFINDEX_OF_ADDR] = "ifindex-of-addr",
	[PS_ROUTE_REPLACE] = "route-replace",
	[PS_ROUTE_DELETE] = "route-delete",
	[PS_ROUTE_FLUSH] = "route-flush",
	[PS_ROUTE_LIST] = "route-list",
	[PS_ROUTE_BATCH] = "route-batch",
	[PS_MSS_APPLY] = "mss-apply",
	[PS_SOCKET] = "socket",
	[PS_RELOAD] = "reload",
	[PS_RELOAD_DONE] = "reload-done",
	[PS_CTL_SOCKET] = "ctl-socket",
	[PS_EV_SA_REKEY] = "ev-sa-rekey",
	[PS_EV_SA_GONE] = "ev-sa-gone",
	[PS_EV_LINK] = "ev-link",
	[PS_EV_ADDR] = "ev-addr",
	[PS_REPLY] = "reply",
};

const char *
ps_type_name(unsigned type)
{
	return type < PS_TYPE_MAX && ps_names[type] ? ps_names[type] : "?";
}

bool
ps_type_is_request(unsigned type)
{
	return type >= PS_TEARDOWN && type <= PS_CTL_SOCKET;
}

bool
ps_type_is_event(unsigned type)
{
	return type >= PS_EV_SA_REKEY && type <= PS_EV_ADDR;
}

/* ---- the walker's primitives ---- */

static void
io_raw(struct ps_io *io, void *p, size_t n)
{
	if (io->bad)
		return;
	if (io->rd) {
		if (n > io->len - io->off) {
			io->bad = true;
			return;
		}
		memcpy(p, io->in + io->off, n);
	} else {
		if (n > io->cap - io->off) {
			io->bad = true;
			return;
		}
		memcpy(io->buf + io->off, p, n);
	}
	io->off += n;
}

static void
io_u8(struct ps_io *io, uint8_t *v)
{
	io_raw(io, v, 1);
}

static void
io_u16(struct ps_io *io, uint16_t *v)
{
	io_raw(io, v, sizeof(*v));	/* host order: a socketpair */
}

static void
io_u32(struct ps_io *io, uint32_t *v)
{
	io_raw(io, v, sizeof(*v));
}

static void
io_i32(struct ps_io *io, int32_t *v)
{
	io_raw(io, v, sizeof(*v));
}

static void
io_int(struct ps_io *io, int *v)
{
	int32_t x = (int32_t)*v;

	io_i32(io, &x);
	*v = x;
}

static void
io_u64(struct ps_io *io, uint64_t *v)
{
	io_raw(io, v, sizeof(*v));
}

static void
io_bool(struct ps_io *io, bool *v)
{
	uint8_t b = *v ? 1 : 0;

	io_u8(io, &b);
	if (io->rd && b > 1)
		io->bad = true;
	*v = b == 1;
}

/* A count up to max; read: anything above is malformed. */
static void
io_count(struct ps_io *io, size_t *n, size_t max)
{
	uint32_t x = (uint32_t)*n;

	if (!io->rd && *n > max) {
		io->bad = true;
		return;
	}
	io_u32(io, &x);
	if (io->rd && x > max)
		io->bad = true;
	*n = io->bad ? 0 : x;
}

/* A string of fewer than cap bytes, no NUL inside, NUL-terminated here. */
static void
io_str(struct ps_io *io, char *s, size_t cap)
{
	size_t n = io->rd ? 0 : strnlen(s, cap);

	if (!io->rd && n == cap) {
		io->bad = true;
		return;
	}
	io_count(io, &n, cap - 1);
	if (io->bad)
		return;
	io_raw(io, s, n);
	if (io->bad)
		return;
	if (io->rd) {
		s[n] = '\0';
		if (strlen(s) != n)
			io->bad = true;
	}
}

static void
io_addr(struct ps_io *io, struct cgw_addr *a)
{
	uint8_t af = (uint8_t)a->af;

	io_u8(io, &af);
	if (io->rd) {
		memset(a, 0, sizeof(*a));
		if (af != AF_UNSPEC && af != AF_INET && af != AF_INET6)
			io->bad = true;
		a->af = af;
	}
	io_raw(io, a->bytes, sizeof(a->bytes));
	/* One encoding per address: what the family does not use is 0. */
	if (io->rd && !io->bad) {
		size_t used = af == AF_INET ? 4 : af == AF_INET6 ? 16 : 0;

		for (size_t i = used; i < sizeof(a->bytes); i++)
			if (a->bytes[i] != 0)
				io->bad = true;
	}
}

static void
io_prefix(struct ps_io *io, struct cgw_prefix *p)
{
	io_addr(io, &p->addr);
	io_u8(io, &p->len);
	if (io->rd && p->len > (p->addr.af == AF_INET ? 32 :
	    p->addr.af == AF_INET6 ? 128 : 0))
		io->bad = true;
}

static void
io_nhs(struct ps_io *io, struct xfrm_nexthop *nh, size_t *n)
{
	io_count(io, n, XFRM_MAX_NEXTHOPS);
	for (size_t i = 0; i < *n && !io->bad; i++) {
		io_addr(io, &nh[i].gw);
		io_int(io, &nh[i].ifindex);
		io_u8(io, &nh[i].weight);
		if (io->rd && nh[i].ifindex <= 0)
			io->bad = true;
	}
}

static void
io_route(struct ps_io *io, struct ps_route *r)
{
	io_prefix(io, &r->prefix);
	io_u32(io, &r->table);
	io_nhs(io, r->nh, &r->n);
}

/* A bounded array of routes: allocated when reading. */
static void
io_routes(struct ps_io *io, struct ps_route **v, size_t *n, size_t max)
{
	io_count(io, n, max);
	if (io->bad)
		return;
	if (io->rd) {
		*v = NULL;
		if (*n == 0)
			return;
		/* Never more than the bytes left could hold. */
		if (*n > (io->len - io->off) / 23) {
			io->bad = true;
			*n = 0;
			return;
		}
		if ((*v = calloc(*n, sizeof(**v))) == NULL) {
			io->bad = true;
			*n = 0;
			return;
		}
	}
	for (size_t i = 0; i < *n && !io->bad; i++)
		io_route(io, &(*v)[i]);
}

static void
io_keys(struct ps_io *io, struct esp_keys *k)
{
	io_count(io, &k->enc_len, ESP_MAX_ENC_KEY);
	io_raw(io, k->enc, k->enc_len);
	io_count(io, &k->auth_len, ESP_MAX_AUTH_KEY);
	io_raw(io, k->auth, k->auth_len);
}

static void
io_ts(struct ps_io *io, struct esp_ts *ts)
{
	io_addr(io, &ts->start);
	io_addr(io, &ts->end);
	io_u8(io, &ts->proto);
	io_u16(io, &ts->port_start);
	io_u16(io, &ts->port_end);
}

static void
io_child(struct ps_io *io, struct esp_child_sa *sa)
{
	uint16_t encr = 0, bits = 0, integ = 0;

	if (!io->rd) {
		if (sa->alg == NULL) {
			io->bad = true;
			return;
		}
		encr = sa->alg->encr_id;
		bits = sa->alg->encr_keybits;
		integ = sa->alg->integ_id;
	}
	io_u32(io, &sa->spi_in);
	io_u32(io, &sa->spi_out);
	io_addr(io, &sa->local);
	io_addr(io, &sa->remote);
	io_bool(io, &sa->encap);
	io_u16(io, &sa->local_port);
	io_u16(io, &sa->remote_port);
	io_u16(io, &encr);
	io_u16(io, &bits);
	io_u16(io, &integ);
	/* The algorithm travels as IKE names it: the helper's own table
	 * says what that is to the kernel. */
	if (io->rd && !io->bad &&
	    (sa->alg = esp_alg_find(encr, bits, integ)) == NULL)
		io->bad = true;
	io_bool(io, &sa->esn);
	io_keys(io, &sa->keys_in);
	io_keys(io, &sa->keys_out);
	io_u32(io, &sa->replay_window);
	io_u32(io, &sa->soft_life_s);
	io_u32(io, &sa->hard_life_s);
	io_ts(io, &sa->ts_local);
	io_ts(io, &sa->ts_remote);
	io_bool(io, &sa->initiator);
}

static void
io_mss(struct ps_io *io, struct nft_mss_if **v, size_t *n)
{
	io_count(io, n, PS_MSS_MAX);
	if (io->bad)
		return;
	if (io->rd) {
		*v = NULL;
		if (*n == 0)
			return;
		if (*n > (io->len - io->off) / 6 ||
		    (*v = calloc(*n, sizeof(**v))) == NULL) {
			io->bad = true;
			*n = 0;
			return;
		}
	}
	for (size_t i = 0; i < *n && !io->bad; i++) {
		io_str(io, (*v)[i].ifname, sizeof((*v)[i].ifname));
		io_u16(io, &(*v)[i].mss);
	}
}

static void
io_sa_event(struct ps_io *io, struct xfrm_sa_event *ev)
{
	io_u32(io, &ev->spi);
	io_addr(io, &ev->src);
	io_addr(io, &ev->dst);
	io_u32(io, &ev->if_id);
	io_u32(io, &ev->reqid);
	io_bool(io, &ev->hard);
}

/* ---- messages ---- */

static void
ps_msg_walk(struct ps_io *io, struct ps_msg *m)
{
	io_u16(io, &m->type);
	io_u16(io, &m->flags);
	if (io->bad)
		return;
	switch (m->type) {
	case PS_TEARDOWN:
	case PS_CLEANUP_STALE:
	case PS_ROUTE_FLUSH:
	case PS_ROUTE_LIST:
	case PS_RELOAD:
	case PS_RELOAD_DONE:
	case PS_CTL_SOCKET:
		break;
	case PS_SPI_ALLOC:
		io_addr(io, &m->local);
		io_addr(io, &m->remote);
		io_u32(io, &m->if_id);
		io_u32(io, &m->reqid);
		io_str(io, m->who, sizeof(m->who));
		break;
	case PS_CHILD_INSTALL:
		io_u32(io, &m->if_id);
		io_u32(io, &m->reqid);
		io_str(io, m->who, sizeof(m->who));
		io_u32(io, &m->dir);
		if (io->rd && (m->dir < XFRM_DIR_IN || m->dir > XFRM_DIR_BOTH))
			io->bad = true;
		io_child(io, &m->sa);
		break;
	case PS_SA_DELETE:
	case PS_SA_STATS:
		io_addr(io, &m->local);
		io_u32(io, &m->spi);
		break;
	case PS_POLICY_INSTALL:
		io_u32(io, &m->if_id);
		io_u32(io, &m->reqid);
		io_str(io, m->who, sizeof(m->who));
		io_addr(io, &m->local);
		io_addr(io, &m->remote);
		io_i32(io, &m->af);
		break;
	case PS_POLICY_REMOVE:
		io_u32(io, &m->if_id);
		io_str(io, m->who, sizeof(m->who));
		io_i32(io, &m->af);
		break;
	case PS_IFACE_CREATE:
		io_str(io, m->name, sizeof(m->name));
		io_u32(io, &m->if_id);
		io_str(io, m->who, sizeof(m->who));
		io_addr(io, &m->local);
		io_u32(io, &m->mtu);
		io_prefix(io, &m->inside);
		break;
	case PS_IFACE_DELETE:
	case PS_IFINDEX:
		io_str(io, m->name, sizeof(m->name));
		break;
	case PS_IFINDEX_OF_ADDR:
		io_addr(io, &m->local);
		break;
	case PS_ROUTE_REPLACE:
		io_prefix(io, &m->prefix);
		io_nhs(io, m->nh, &m->n);
		io_u32(io, &m->table);
		break;
	case PS_ROUTE_DELETE:
		io_prefix(io, &m->prefix);
		io_u32(io, &m->table);
		break;
	case PS_ROUTE_BATCH:
		io_routes(io, &m->routes, &m->nroutes, PS_BATCH_MAX);
		break;
	case PS_MSS_APPLY:
		io_mss(io, &m->mss, &m->nmss);
		break;
	case PS_SOCKET:
		io_u8(io, &m->kind);
		io_addr(io, &m->local);
		io_u16(io, &m->port);
		io_u32(io, &m->rcvbuf);
		if (io->rd && (m->kind < PS_SOCK_IKE ||
		    m->kind > PS_SOCK_BGP_LISTEN))
			io->bad = true;
		break;
	case PS_EV_SA_REKEY:
	case PS_EV_SA_GONE:
		io_sa_event(io, &m->ev);
		break;
	case PS_EV_LINK:
		io_i32(io, &m->ifindex);
		io_str(io, m->name, sizeof(m->name));
		io_bool(io, &m->up);
		break;
	case PS_EV_ADDR:
		io_addr(io, &m->local);
		io_i32(io, &m->ifindex);
		io_bool(io, &m->up);
		break;
	default:
		io->bad = true;
	}
}

size_t
ps_msg_encode(const struct ps_msg *m, void *buf, size_t cap)
{
	struct ps_io io = { .buf = buf, .cap = cap };

	/* The walker reads through the pointer when writing. */
	ps_msg_walk(&io, (struct ps_msg *)m);
	return io.bad ? 0 : io.off;
}

int
ps_msg_decode(struct ps_msg *m, const void *buf, size_t len)
{
	struct ps_io io = { .in = buf, .len = len, .rd = true };

	memset(m, 0, sizeof(*m));
	if (len > PS_MSG_MAX)
		return -1;
	ps_msg_walk(&io, m);
	if (io.bad || io.off != len) {
		ps_msg_clear(m);
		return -1;
	}
	return 0;
}

void
ps_msg_clear(struct ps_msg *m)
{
	free(m->mss);
	free(m->routes);
	esp_child_sa_wipe(&m->sa);
	explicit_bzero(m, sizeof(*m));
}

/* ---- replies: the fields depend on the request they answer ---- */

static void
ps_reply_walk(struct ps_io *io, struct ps_reply *r, unsigned req)
{
	uint16_t type = PS_REPLY;

	io_u16(io, &type);
	io_u16(io, &r->flags);
	if (io->rd && type != PS_REPLY)
		io->bad = true;
	io_i32(io, &r->rc);
	io_int(io, &r->err.code);
	io_str(io, r->err.msg, sizeof(r->err.msg));
	if (io->bad)
		return;
	switch (req) {
	case PS_SPI_ALLOC:
		io_u32(io, &r->spi);
		break;
	case PS_IFACE_CREATE:
		io_i32(io, &r->ifindex);
		break;
	case PS_SA_STATS:
		io_u64(io, &r->st.bytes);
		io_u64(io, &r->st.packets);
		io_u64(io, &r->st.add_time);
		io_u64(io, &r->st.use_time);
		io_u32(io, &r->st.replay_fail);
		io_u32(io, &r->st.integrity_fail);
		break;
	case PS_ROUTE_BATCH:
		io_count(io, &r->ncodes, PS_BATCH_MAX);
		for (size_t i = 0; i < r->ncodes && !io->bad; i++)
			io_i32(io, &r->codes[i]);
		break;
	case PS_ROUTE_LIST:
		io_routes(io, &r->routes, &r->nroutes, PS_LIST_MAX);
		break;
	default:
		break;
	}
}

size_t
ps_reply_encode(const struct ps_reply *r, unsigned req, void *buf, size_t cap)
{
	struct ps_io io = { .buf = buf, .cap = cap };

	ps_reply_walk(&io, (struct ps_reply *)r, req);
	return io.bad ? 0 : io.off;
}

int
ps_reply_decode(struct ps_reply *r, unsigned req, const void *buf, size_t len)
{
	struct ps_io io = { .in = buf, .len = len, .rd = true };

	memset(r, 0, sizeof(*r));
	if (len > PS_MSG_MAX)
		return -1;
	ps_reply_walk(&io, r, req);
	if (io.bad || io.off != len) {
		ps_reply_clear(r);
		return -1;
	}
	return 0;
}

void
ps_reply_clear(struct ps_reply *r)
{
	free(r->routes);
	memset(r, 0, sizeof(*r));
}

/* ---- transport ---- */

int
ps_send(int sock, const void *buf, size_t len, int fd, int flags)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	union {
		struct cmsghdr	h;
		char		b[CMSG_SPACE(sizeof(int))];
	} c;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (fd >= 0) {
		memset(&c, 0, sizeof(c));
		msg.msg_control = c.b;
		msg.msg_controllen = sizeof(c.b);
		c.h.cmsg_level = SOL_SOCKET;
		c.h.cmsg_type = SCM_RIGHTS;
		c.h.cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(&c.h), &fd, sizeof(int));
	}
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL | flags);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if ((size_t)n != len) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

ssize_t
ps_recv(int sock, void *buf, size_t cap, int *fd, int flags)
{
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	union {
		struct cmsghdr	h;
		char		b[CMSG_SPACE(4 * sizeof(int))];
	} c;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = c.b, .msg_controllen = sizeof(c.b) };
	struct cmsghdr *h;
	ssize_t n;
	int got = -1;

	if (fd != NULL)
		*fd = -1;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | flags);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	/* Every descriptor that came is ours to close unless handed on. */
	for (h = CMSG_FIRSTHDR(&msg); h != NULL; h = CMSG_NXTHDR(&msg, h)) {
		size_t k, nfd;

		if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS ||
		    h->cmsg_len < CMSG_LEN(0))
			continue;
		nfd = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (k = 0; k < nfd; k++) {
			int x;

			memcpy(&x, CMSG_DATA(h) + k * sizeof(int), sizeof(int));
			if (got < 0 && fd != NULL)
				got = x;
			else
				close(x);
		}
	}
	if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
		if (got >= 0)
			close(got);
		errno = EMSGSIZE;
		return -1;
	}
	if (fd != NULL)
		*fd = got;
	return n;
}
