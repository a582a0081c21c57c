/*
 * UDP sockets: IKE on 500, IKE and ESP-in-UDP on 4500 (RFC 3948). On the
 * NAT-T socket the kernel decapsulates ESP itself (UDP_ENCAP) and hands
 * us only IKE, which carries a 4-byte zero non-ESP marker; a single 0xff
 * byte is a NAT keepalive.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <event2/event.h>

#include "ike/ike_local.h"
#include "lib/log.h"

/* One datagram as it came off the wire, from the socket or a test. */
static void
ike_sock_input(struct ike_sock *s, const uint8_t *p, size_t n,
    const struct cgw_addr *from, uint16_t port)
{
	if (s->natt) {
		if (n == 1 && p[0] == 0xff)
			return;		/* keepalive */
		if (n < 4 || memcmp(p, "\0\0\0\0", 4) != 0)
			return;		/* ESP the kernel did not take */
		ike_recv(s, p + 4, n - 4, from, port);
	} else {
		ike_recv(s, p, n, from, port);
	}
}

static void	ike_sock_close(struct ike_sock *);

/* A request that would open a new IKE SA: the work a flood asks for. */
static bool
ike_sock_is_init(const struct ike_sock *s, const uint8_t *p, size_t n)
{
	struct ike_hdr h;

	if (s->natt) {
		if (n < 4 || memcmp(p, "\0\0\0\0", 4) != 0)
			return false;
		p += 4;
		n -= 4;
	}
	return ike_hdr_parse(p, n, &h) == 0 &&
	    h.exch == IKEV2_EXCH_IKE_SA_INIT &&
	    (h.flags & IKEV2_FLAG_RESPONSE) == 0 && h.spi_r == 0;
}

/*
 * Up to IKE_READ_BATCH datagrams a turn. Requests for new IKE SAs wait
 * until the rest of the batch (existing SAs: DPD, rekeys, DELETEs) has
 * been handled, so a flood of IKE_SA_INIT cannot starve the tunnels that
 * are up. The kernel's count of datagrams dropped for a full receive
 * buffer (SO_RXQ_OVFL) is kept and reported.
 */
static void
ike_sock_read(evutil_socket_t fd, short what, void *arg)
{
	struct ike_sock *s = arg;
	struct ike_ctx *ctx = s->ctx;
	uint8_t buf[IKE_MAX_MSG];
	union {
		struct cmsghdr	h;
		uint8_t		b[CMSG_SPACE(sizeof(uint32_t))];
	} cm;
	struct sockaddr_storage ss;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh;
	struct cmsghdr *c;
	ssize_t n;
	struct cgw_addr from;
	uint16_t port;
	size_t nd = 0;

	(void)what;
	for (int i = 0; i < IKE_READ_BATCH; i++) {
		memset(&mh, 0, sizeof(mh));
		mh.msg_name = &ss;
		mh.msg_namelen = sizeof(ss);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cm.b;
		mh.msg_controllen = sizeof(cm.b);
		n = recvmsg(fd, &mh, 0);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				log_warn_rl(NULL, "ike: recvmsg: %s", strerror(errno));
			break;
		}
		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == SOL_SOCKET &&
			    c->cmsg_type == SO_RXQ_OVFL &&
			    c->cmsg_len >= CMSG_LEN(sizeof(uint32_t))) {
				uint32_t d;

				memcpy(&d, CMSG_DATA(c), sizeof(d));
				if (d != s->rx_dropped) {
					ctx->rx_dropped += d - s->rx_dropped;
					s->rx_dropped = d;
					log_warn_rl(NULL, "ike: the kernel dropped "
					    "datagrams for a full receive buffer "
					    "(%llu so far)",
					    (unsigned long long)ctx->rx_dropped);
				}
			}
		if (!addr_from_sockaddr(&from, &port, (struct sockaddr *)&ss))
			continue;
		if (ike_sock_is_init(s, buf, (size_t)n) && (size_t)n <=
		    IKE_DEFER_MAX && nd < IKE_READ_BATCH && ctx->defer != NULL) {
			struct ike_deferred *d = &ctx->defer[nd++];

			memcpy(d->p, buf, (size_t)n);
			d->len = (size_t)n;
			d->from = from;
			d->port = port;
			continue;
		}
		ike_sock_input(s, buf, (size_t)n, &from, port);
	}
	for (size_t i = 0; i < nd; i++)
		ike_sock_input(s, ctx->defer[i].p, ctx->defer[i].len,
		    &ctx->defer[i].from, ctx->defer[i].port);
}

int
ike_ctx_input(struct ike_ctx *ctx, const struct cgw_addr *local,
    uint16_t local_port, const struct cgw_addr *from, uint16_t from_port,
    const uint8_t *p, size_t len)
{
	static const uint8_t any[sizeof(local->bytes)];

	for (size_t i = 0; i < ctx->nsocks; i++) {
		struct ike_sock *s = &ctx->socks[i];

		if (s->port != local_port || s->local.af != local->af)
			continue;
		/* As the kernel would: the exact address or a wildcard bind. */
		if (addr_eq(&s->local, local) ||
		    memcmp(s->local.bytes, any, addr_len(&s->local)) == 0) {
			ike_sock_input(s, p, len, from, from_port);
			return 0;
		}
	}
	return -1;
}

/*
 * A slot for a socket on `local`: the closed one that address had before
 * (ike_unlisten keeps it, so IKE SAs holding it find it open again), else
 * a new one.
 */
static struct ike_sock *
ike_sock_slot(struct ike_ctx *ctx, const struct cgw_addr *local, bool natt)
{
	for (size_t i = 0; i < ctx->nsocks; i++) {
		struct ike_sock *s = &ctx->socks[i];

		if (!s->open && s->natt == natt && addr_eq(&s->local, local))
			return s;
	}
	if (ctx->nsocks >= IKE_MAX_SOCKS)
		return NULL;
	return &ctx->socks[ctx->nsocks++];
}

/* With a send hook there is no socket: the address and port are taken as
 * given, for ike_ctx_input to match. */
static struct ike_sock *
ike_sock_open_hooked(struct ike_ctx *ctx, const struct cgw_addr *local,
    uint16_t port, bool natt, char *err, size_t errlen)
{
	struct ike_sock *s;

	if (port == 0) {
		snprintf(err, errlen, "a send hook needs explicit ports");
		return NULL;
	}
	if ((s = ike_sock_slot(ctx, local, natt)) == NULL) {
		snprintf(err, errlen, "too many IKE sockets (at most %d)",
		    IKE_MAX_SOCKS);
		return NULL;
	}
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->open = true;
	s->natt = natt;
	s->ctx = ctx;
	s->local = *local;
	s->port = port;
	return s;
}

static struct ike_sock *
ike_sock_open(struct ike_ctx *ctx, const struct cgw_addr *local, uint16_t port,
    bool natt, char *err, size_t errlen)
{
	struct ike_sock *s;
	struct sockaddr_storage ss;
	socklen_t sl;
	struct cgw_addr any, bound;
	uint16_t bport;
	int fd, on = 1, rcvbuf = IKE_RCVBUF;

	if (!addr_is_set(local)) {
		memset(&any, 0, sizeof(any));
		any.af = AF_INET;
		local = &any;
	}
	if (ctx->io.send)
		return ike_sock_open_hooked(ctx, local, port, natt, err, errlen);
	if (ctx->sock_fn != NULL) {
		if ((fd = ctx->sock_fn(ctx->sock_fn_arg, local, port, natt,
		    rcvbuf, err, errlen)) < 0)
			return NULL;
		setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof(on));
		goto bound;
	}
	fd = socket(local->af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return NULL;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	/* Room for a flood to be counted rather than to push out the
	 * tunnels' own messages; FORCE needs CAP_NET_ADMIN, else the
	 * sysctl-capped size. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
	    sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof(on));
	sl = addr_to_sockaddr(local, port, &ss);
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0) {
		char a[CGW_ADDRSTRLEN];

		snprintf(err, errlen, "bind %s port %u: %s",
		    addr_fmt(local, a, sizeof(a)), port, strerror(errno));
		close(fd);
		return NULL;
	}
	if (natt) {
		int encap = UDP_ENCAP_ESPINUDP;

		if (setsockopt(fd, IPPROTO_UDP, UDP_ENCAP, &encap,
		    sizeof(encap)) < 0) {
			snprintf(err, errlen, "UDP_ENCAP: %s", strerror(errno));
			close(fd);
			return NULL;
		}
	}
bound:
	sl = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &sl);
	addr_from_sockaddr(&bound, &bport, (struct sockaddr *)&ss);
	if ((s = ike_sock_slot(ctx, &bound, natt)) == NULL) {
		snprintf(err, errlen, "too many IKE sockets (at most %d)",
		    IKE_MAX_SOCKS);
		close(fd);
		return NULL;
	}
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->open = true;
	s->natt = natt;
	s->ctx = ctx;
	s->local = bound;
	s->port = bport;
	s->ev = event_new(ctx->base, fd, EV_READ | EV_PERSIST, ike_sock_read, s);
	if (s->ev == NULL || event_add(s->ev, NULL) < 0) {
		snprintf(err, errlen, "event_new failed");
		ike_sock_close(s);
		return NULL;
	}
	return s;
}

/* The slot stays, closed: IKE SAs may still point at it. */
static void
ike_sock_close(struct ike_sock *s)
{
	if (s->ev)
		event_free(s->ev);
	s->ev = NULL;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->open = false;
}

void
ike_set_sock_fn(struct ike_ctx *ctx, ike_sock_fn fn, void *arg)
{
	ctx->sock_fn = fn;
	ctx->sock_fn_arg = arg;
}

int
ike_listen(struct ike_ctx *ctx, const struct cgw_addr *local, uint16_t port,
    uint16_t natt_port, char *err, size_t errlen)
{
	struct ike_sock *s;

	if ((s = ike_sock_open(ctx, local, port, false, err, errlen)) == NULL)
		return -1;
	/* Both or neither: a later try must not find half of them bound. */
	if (natt_port &&
	    ike_sock_open(ctx, local, natt_port, true, err, errlen) == NULL) {
		ike_sock_close(s);
		return -1;
	}
	return 0;
}

void
ike_unlisten(struct ike_ctx *ctx, const struct cgw_addr *local)
{
	for (size_t i = 0; i < ctx->nsocks; i++)
		if (ctx->socks[i].open &&
		    addr_eq(&ctx->socks[i].local, local))
			ike_sock_close(&ctx->socks[i]);
}

bool
ike_listening(struct ike_ctx *ctx, const struct cgw_addr *local)
{
	for (size_t i = 0; i < ctx->nsocks; i++)
		if (ctx->socks[i].open &&
		    addr_eq(&ctx->socks[i].local, local))
			return true;
	return false;
}

uint16_t
ike_local_port(struct ike_ctx *ctx, bool natt)
{
	for (size_t i = 0; i < ctx->nsocks; i++)
		if (ctx->socks[i].open && ctx->socks[i].natt == natt)
			return ctx->socks[i].port;
	return 0;
}

struct ike_sock *
ike_sock_pick(struct ike_ctx *ctx, const struct cgw_addr *local, bool natt)
{
	struct ike_sock *fallback = NULL;

	for (size_t i = 0; i < ctx->nsocks; i++) {
		struct ike_sock *s = &ctx->socks[i];

		if (s->natt != natt || !s->open)
			continue;
		if (local && addr_is_set(local) && addr_eq(&s->local, local))
			return s;
		if (fallback == NULL && (!addr_is_set(&s->local) ||
		    s->local.af == AF_UNSPEC ||
		    (local && s->local.af == local->af &&
		    addr_len(&s->local) && !memcmp(s->local.bytes,
		    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", addr_len(&s->local)))))
			fallback = s;
	}
	return fallback;
}

/* A test's hook sees the datagram whole, marker included. */
static int
ike_sock_hook(struct ike_sock *s, const struct cgw_addr *to, uint16_t port,
    const struct iovec *iov, size_t n)
{
	struct ike_dgram d = { &s->local, s->port, to, port, NULL, 0 };
	uint8_t *p;
	int rc;

	for (size_t i = 0; i < n; i++)
		d.len += iov[i].iov_len;
	if ((p = malloc(d.len)) == NULL)
		return -1;
	d.p = p;
	for (size_t i = 0, off = 0; i < n; off += iov[i++].iov_len)
		memcpy(p + off, iov[i].iov_base, iov[i].iov_len);
	rc = s->ctx->io.send(s->ctx->io.arg, &d);
	free(p);
	return rc;
}

static int
ike_sock_xmit(struct ike_sock *s, const struct cgw_addr *to, uint16_t port,
    struct iovec *iov, size_t n)
{
	struct sockaddr_storage ss;
	struct msghdr mh;

	if (s->ctx->io.send)
		return ike_sock_hook(s, to, port, iov, n);
	memset(&mh, 0, sizeof(mh));
	mh.msg_name = &ss;
	mh.msg_namelen = addr_to_sockaddr(to, port, &ss);
	mh.msg_iov = iov;
	mh.msg_iovlen = n;
	if (!s->open)
		return -1;	/* its address went away */
	if (sendmsg(s->fd, &mh, 0) < 0) {
		char a[CGW_ADDRSTRLEN];

		log_debug(NULL, "ike: send to %s:%u: %s",
		    addr_fmt(to, a, sizeof(a)), port, strerror(errno));
		return -1;
	}
	return 0;
}

int
ike_sock_sendto(struct ike_sock *s, const struct cgw_addr *to, uint16_t port,
    const uint8_t *p, size_t len)
{
	static const uint8_t marker[4];
	struct iovec iov[2] = {
		{ (void *)marker, sizeof(marker) },
		{ (void *)p, len },
	};

	return s->natt ? ike_sock_xmit(s, to, port, iov, 2) :
	    ike_sock_xmit(s, to, port, iov + 1, 1);
}

/* The keepalive goes without the non-ESP marker (RFC 3948 2.3). */
void
ike_sock_keepalive(struct ike_sa *sa)
{
	static const uint8_t ka = 0xff;
	struct iovec iov = { (void *)&ka, 1 };

	if (sa->sock && sa->sock->natt)
		ike_sock_xmit(sa->sock, &sa->remote, sa->remote_port, &iov, 1);
}

int
ike_sock_send(struct ike_sa *sa, const uint8_t *p, size_t len)
{
	if (sa->sock == NULL)
		return -1;
	return ike_sock_sendto(sa->sock, &sa->remote, sa->remote_port, p, len);
}

void
ike_sock_close_all(struct ike_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nsocks; i++)
		ike_sock_close(&ctx->socks[i]);
	ctx->nsocks = 0;
}
