/*
 * The kernel helper: the privileged half of cgwd (privsep.h). It holds
 * the netlink sockets (xfrm/, nft/) and binds the privileged ports; it
 * reads nothing from the network, only the main process's requests,
 * which it decodes and checks (ps_wire.c, ps_check.c) before doing them.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/udp.h>

#include <event2/event.h>

#include "lib/log.h"
#include "nft/mss.h"
#include "privsep/privsep.h"
#include "privsep/ps_check.h"
#include "privsep/ps_wire.h"

#define PS_WHO		"kernel"

struct ps_helper {
	struct event_base	*base;
	struct xfrm_ctx		*xfrm;
	struct ps_policy	 pol;
	struct conf		*conf;		/* owned once reloaded */
	struct conf		*old;
	bool			 conf_owned;
	const char		*conf_path;
	const char		*sock_path;
	int			 req_fd;
	int			 ev_fd;
	struct event		*ev_req;
	bool			 mss_table;
	dev_t			 ctl_dev;
	ino_t			 ctl_ino;
	unsigned		 refused;
	uint8_t			 buf[PS_MSG_MAX];
};

/* The helper needs no key: what it holds cannot leak from it. */
static void
ps_conf_forget_keys(struct conf *c)
{
	struct conf_vpn *v;
	struct conf_tunnel *t;

	TAILQ_FOREACH(v, &c->vpns, entry)
		TAILQ_FOREACH(t, &v->tunnels, entry)
			if (t->psk != NULL)
				explicit_bzero(t->psk, t->psk_len);
}

/* ---- events to the main process ---- */

static void
ps_emit(struct ps_helper *h, const struct ps_msg *m)
{
	uint8_t buf[256];
	size_t len;

	if ((len = ps_msg_encode(m, buf, sizeof(buf))) == 0)
		return;
	/* Never block on a main process that does not read: an event it
	 * misses repeats (links, addresses) or has a timer behind it. */
	if (ps_send(h->ev_fd, buf, len, -1, MSG_DONTWAIT) != 0 &&
	    errno != EPIPE && errno != ECONNRESET)
		log_warn(PS_WHO, "event %s not delivered: %s",
		    ps_type_name(m->type), strerror(errno));
}

static void
ps_ev_rekey(void *arg, const struct xfrm_sa_event *ev)
{
	struct ps_msg m = { .type = PS_EV_SA_REKEY, .ev = *ev };

	ps_emit(arg, &m);
}

static void
ps_ev_gone(void *arg, const struct xfrm_sa_event *ev)
{
	struct ps_msg m = { .type = PS_EV_SA_GONE, .ev = *ev };

	ps_emit(arg, &m);
}

static void
ps_ev_link(void *arg, int ifindex, const char *ifname, bool up)
{
	struct ps_msg m = { .type = PS_EV_LINK, .ifindex = ifindex, .up = up };

	if (ifname != NULL)
		snprintf(m.name, sizeof(m.name), "%s", ifname);
	ps_emit(arg, &m);
}

static void
ps_ev_addr(void *arg, const struct cgw_addr *a, int ifindex, bool added)
{
	struct ps_msg m = { .type = PS_EV_ADDR, .local = *a,
	    .ifindex = ifindex, .up = added };

	ps_emit(arg, &m);
}

/* The helper's log lines name the tunnel of an if_id, as the main
 * process's did (TUNNEL= in the journal). */
static const char *
ps_ifid_name(void *arg, uint32_t if_id)
{
	struct ps_helper *h = arg;

	return ps_policy_name(&h->pol, if_id);
}

static const struct xfrm_callbacks ps_helper_cb = {
	.sa_rekey	= ps_ev_rekey,
	.sa_gone	= ps_ev_gone,
	.link_change	= ps_ev_link,
	.addr_change	= ps_ev_addr,
	.if_id_name	= ps_ifid_name,
};

/* ---- requests ---- */

static int
ps_fail(struct ps_reply *r, int code, const char *fmt, const char *what)
{
	r->rc = -1;
	r->err.code = code;
	snprintf(r->err.msg, sizeof(r->err.msg), fmt, what);
	return -1;
}

/* A socket as ike_sock.c and bgp/session.c make them, bound. */
static int
ps_make_socket(const struct ps_msg *m, struct ps_reply *r)
{
	struct sockaddr_storage ss;
	struct cgw_addr local = m->local;
	socklen_t sl;
	int fd, on = 1, rcvbuf = (int)m->rcvbuf;
	bool tcp = m->kind == PS_SOCK_BGP_LISTEN;
	char a[CGW_ADDRSTRLEN];

	if (!addr_is_set(&local)) {
		memset(&local, 0, sizeof(local));
		local.af = AF_INET;
	}
	fd = socket(local.af, (tcp ? SOCK_STREAM : SOCK_DGRAM) |
	    SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ps_fail(r, errno, "socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (!tcp && rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE,
	    &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	sl = addr_to_sockaddr(&local, m->port, &ss);
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0) {
		r->rc = -1;
		r->err.code = errno;
		snprintf(r->err.msg, sizeof(r->err.msg), "bind %s port %u: %s",
		    addr_fmt(&local, a, sizeof(a)), m->port, strerror(errno));
		close(fd);
		return -1;
	}
	if (m->kind == PS_SOCK_IKE_NATT) {
		int encap = UDP_ENCAP_ESPINUDP;

		if (setsockopt(fd, IPPROTO_UDP, UDP_ENCAP, &encap,
		    sizeof(encap)) < 0) {
			ps_fail(r, errno, "UDP_ENCAP: %s", strerror(errno));
			close(fd);
			return -1;
		}
	}
	if (tcp && listen(fd, 16) < 0) {
		ps_fail(r, errno, "listen: %s", strerror(errno));
		close(fd);
		return -1;
	}
	r->rc = 0;
	return fd;
}

static int
ps_helper_reload(struct ps_helper *h, struct ps_reply *r)
{
	struct conf_problems problems;
	struct conf *nc;

	TAILQ_INIT(&problems);
	nc = conf_load(h->conf_path, &problems);
	/* The main process logs the problems; the verdict is enough here. */
	conf_problems_free(&problems);
	if (nc == NULL)
		return ps_fail(r, EINVAL, "%s has errors", h->conf_path);
	ps_conf_forget_keys(nc);
	/* A reload that never finished: its old generation is gone now. */
	if (h->old != NULL && h->conf_owned)
		conf_free(h->old);
	h->old = h->conf;
	h->conf = nc;
	ps_policy_conf(&h->pol, h->conf, h->old);
	log_info(PS_WHO, "configuration reloaded; both generations allowed "
	    "until the main process has applied it");
	return 0;
}

static void
ps_helper_reload_done(struct ps_helper *h)
{
	/* The very first configuration is the main process's copy from
	 * before the fork: not ours to free. */
	if (h->old != NULL && h->conf_owned)
		conf_free(h->old);
	h->conf_owned = true;
	h->old = NULL;
	ps_policy_conf(&h->pol, h->conf, NULL);
}

static void
ps_route_batch(struct ps_helper *h, const struct ps_msg *m,
    struct ps_reply *r)
{
	struct xfrm_route_batch b;
	int idx[PS_BATCH_MAX];
	size_t i;

	xfrm_route_batch_init(&b);
	r->ncodes = m->nroutes;
	for (i = 0; i < m->nroutes; i++) {
		const struct ps_route *rt = &m->routes[i];
		struct xfrm_err xe;

		idx[i] = xfrm_route_batch_add(h->xfrm, &b, &rt->prefix, rt->nh,
		    rt->n, rt->table, &xe);
		r->codes[i] = idx[i] < 0 ? (xe.code ? xe.code : EINVAL) : 0;
	}
	r->rc = xfrm_route_batch_commit(h->xfrm, &b, &r->err);
	for (i = 0; i < m->nroutes; i++)
		if (idx[i] >= 0)
			r->codes[i] = b.req[idx[i]].code;
	xfrm_route_batch_free(&b);
}

/* Answer a route list in chunks of PS_LIST_MAX. */
static void
ps_route_list(struct ps_helper *h, struct ps_reply *r)
{
	struct xfrm_routes l;
	struct ps_route chunk[PS_LIST_MAX];
	size_t i = 0, k, len;
	int rc;

	rc = xfrm_route_list(h->xfrm, &l, &r->err);
	do {
		struct ps_reply part = { 0 };

		for (k = 0; k < PS_LIST_MAX && i < l.n; k++, i++) {
			memset(&chunk[k], 0, sizeof(chunk[k]));
			chunk[k].prefix = l.v[i].prefix;
			chunk[k].table = l.v[i].table;
			chunk[k].n = l.v[i].n;
			memcpy(chunk[k].nh, l.v[i].nh,
			    l.v[i].n * sizeof(chunk[k].nh[0]));
		}
		part.routes = chunk;
		part.nroutes = k;
		if (i < l.n) {
			part.flags = PS_F_MORE;
		} else {
			part.rc = rc;
			part.err = r->err;
		}
		if ((len = ps_reply_encode(&part, PS_ROUTE_LIST, h->buf,
		    sizeof(h->buf))) == 0 ||
		    ps_send(h->req_fd, h->buf, len, -1, 0) != 0) {
			log_err(PS_WHO, "route list reply: %s", len == 0 ?
			    "does not fit" : strerror(errno));
			break;
		}
	} while (i < l.n);
	xfrm_routes_free(&l);
}

static int
ps_dispatch(struct ps_helper *h, const struct ps_msg *m, struct ps_reply *r)
{
	struct xfrm_ctx *x = h->xfrm;
	struct xfrm_err *xe = &r->err;
	const struct cgw_prefix *in;
	int fd = -1;

	switch (m->type) {
	case PS_TEARDOWN:
		r->rc = xfrm_teardown(x, xe);
		break;
	case PS_CLEANUP_STALE:
		r->rc = xfrm_cleanup_stale(x, xe);
		break;
	case PS_SPI_ALLOC:
		r->rc = xfrm_spi_alloc(x, &m->local, &m->remote, m->if_id,
		    m->reqid, &r->spi, xe);
		break;
	case PS_CHILD_INSTALL:
		r->rc = xfrm_child_install(x, m->if_id, m->reqid, &m->sa,
		    (enum xfrm_dir)m->dir, xe);
		break;
	case PS_SA_DELETE:
		r->rc = xfrm_sa_delete(x, &m->local, m->spi, xe);
		break;
	case PS_SA_STATS:
		r->rc = xfrm_sa_stats(x, &m->local, m->spi, &r->st, xe);
		break;
	case PS_POLICY_INSTALL:
		r->rc = xfrm_policy_install(x, m->if_id, m->reqid, &m->local,
		    &m->remote, m->af, xe);
		break;
	case PS_POLICY_REMOVE:
		r->rc = xfrm_policy_remove(x, m->if_id, m->af, xe);
		break;
	case PS_IFACE_CREATE:
		in = m->inside.addr.af != AF_UNSPEC ? &m->inside : NULL;
		r->rc = xfrm_iface_create(x, m->name, m->if_id, &m->local,
		    m->mtu, in, &r->ifindex, xe);
		if (r->rc == 0 && ps_policy_iface_add(&h->pol, m->name,
		    r->ifindex, m->if_id) != 0)
			log_warn(PS_WHO, "too many interfaces to track");
		break;
	case PS_IFACE_DELETE:
		r->rc = xfrm_iface_delete(x, m->name, xe);
		if (r->rc == 0)
			ps_policy_iface_del(&h->pol, m->name);
		break;
	case PS_IFINDEX:
		r->rc = xfrm_ifindex(x, m->name);
		break;
	case PS_IFINDEX_OF_ADDR:
		r->rc = xfrm_ifindex_of_addr(x, &m->local, xe);
		break;
	case PS_ROUTE_REPLACE:
		r->rc = xfrm_route_replace(x, &m->prefix, m->nh, m->n,
		    m->table, xe);
		break;
	case PS_ROUTE_DELETE:
		r->rc = xfrm_route_delete(x, &m->prefix, m->table, xe);
		break;
	case PS_ROUTE_FLUSH:
		r->rc = xfrm_route_flush_ours(x, xe);
		break;
	case PS_ROUTE_BATCH:
		ps_route_batch(h, m, r);
		break;
	case PS_MSS_APPLY:
		r->rc = nft_mss_apply(m->mss, m->nmss, xe->msg,
		    sizeof(xe->msg));
		if (r->rc == 0)
			h->mss_table = m->nmss > 0;
		else
			xe->code = EIO;
		break;
	case PS_SOCKET:
		fd = ps_make_socket(m, r);
		break;
	case PS_RELOAD:
		r->rc = ps_helper_reload(h, r);
		break;
	case PS_RELOAD_DONE:
		ps_helper_reload_done(h);
		break;
	case PS_CTL_SOCKET: {
		struct stat st;

		if (h->sock_path != NULL && lstat(h->sock_path, &st) == 0 &&
		    S_ISSOCK(st.st_mode)) {
			h->ctl_dev = st.st_dev;
			h->ctl_ino = st.st_ino;
		}
		break;
	}
	default:
		r->rc = -1;
		r->err.code = EINVAL;
	}
	return fd;
}

/* Put back everything cgwd put into the kernel: the main process is
 * gone, or stopped cleanly and left nothing (then these find nothing). */
static void
ps_helper_finish(struct ps_helper *h)
{
	struct xfrm_err xe;
	char err[256];
	struct stat st;

	if (h->mss_table && nft_mss_apply(NULL, 0, err, sizeof(err)) != 0)
		log_warn(PS_WHO, "nftables table inet %s not removed: %s",
		    NFT_MSS_TABLE, err);
	if (h->xfrm != NULL) {
		if (xfrm_teardown(h->xfrm, &xe) != 0)
			log_warn(PS_WHO, "removing kernel objects: %s", xe.msg);
		if (xfrm_cleanup_stale(h->xfrm, &xe) != 0)
			log_warn(PS_WHO, "removing leftovers: %s", xe.msg);
		xfrm_close(h->xfrm);
		h->xfrm = NULL;
	}
	/* The control socket the main process may no longer unlink. */
	if (h->ctl_ino != 0 && lstat(h->sock_path, &st) == 0 &&
	    st.st_dev == h->ctl_dev && st.st_ino == h->ctl_ino)
		unlink(h->sock_path);
}

static void
ps_request(evutil_socket_t fd, short what, void *arg)
{
	struct ps_helper *h = arg;
	struct ps_msg m;
	struct ps_reply r;
	char why[256];
	ssize_t n;
	size_t len;
	int sfd = -1;

	(void)what;
	n = ps_recv(fd, h->buf, sizeof(h->buf), NULL, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) {
		if (n < 0 && errno == EMSGSIZE) {
			memset(&r, 0, sizeof(r));
			log_warn(PS_WHO, "refused an oversized request");
			ps_fail(&r, EMSGSIZE, "%s", "request too long");
			goto reply_raw;
		}
		/* The main process is gone (or stopped): clean up, go. */
		log_info(PS_WHO, "main process %s: removing cgwd's kernel "
		    "objects", n == 0 ? "hung up" : strerror(errno));
		event_base_loopbreak(h->base);
		return;
	}
	memset(&r, 0, sizeof(r));
	if (ps_msg_decode(&m, h->buf, (size_t)n) != 0 ||
	    !ps_type_is_request(m.type)) {
		ps_msg_clear(&m);
		log_warn(PS_WHO, "refused a malformed request (%zd bytes)", n);
		ps_fail(&r, EBADMSG, "%s", "malformed request");
		goto reply_raw;
	}
	if (ps_check(&h->pol, &m, why, sizeof(why)) != 0) {
		h->refused++;
		log_warn(PS_WHO, "refused %s: %s", ps_type_name(m.type), why);
		r.rc = -1;
		r.err.code = EPERM;
		snprintf(r.err.msg, sizeof(r.err.msg), "privilege separation: "
		    "%s refused: %s", ps_type_name(m.type), why);
	} else if (m.type == PS_ROUTE_LIST) {
		ps_route_list(h, &r);
		ps_msg_clear(&m);
		return;
	} else {
		ps_policy_name_note(&h->pol, &m);
		sfd = ps_dispatch(h, &m, &r);
	}
	if ((len = ps_reply_encode(&r, m.type, h->buf, sizeof(h->buf))) == 0 ||
	    ps_send(h->req_fd, h->buf, len, sfd, 0) != 0)
		log_err(PS_WHO, "reply to %s: %s", ps_type_name(m.type),
		    len == 0 ? "does not fit" : strerror(errno));
	if (sfd >= 0)
		close(sfd);
	ps_msg_clear(&m);
	explicit_bzero(h->buf, (size_t)n);
	return;
reply_raw:
	/* Only the common fields: PS_NONE has no others. */
	if ((len = ps_reply_encode(&r, PS_NONE, h->buf, sizeof(h->buf))) > 0)
		(void)ps_send(h->req_fd, h->buf, len, -1, 0);
}

/* Everything but what the helper uses is closed: it inherited the main
 * process's event loop, listening sockets and journal stream. */
static void
ps_close_fds(const int *keep, size_t nkeep)
{
	DIR *d;
	struct dirent *e;
	int fds[1024];
	size_t n = 0, i, k;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return;
	while ((e = readdir(d)) != NULL && n < sizeof(fds) / sizeof(fds[0])) {
		char *end;
		long v = strtol(e->d_name, &end, 10);

		if (*end != '\0' || e->d_name[0] == '.' || v <= 2 ||
		    v == dirfd(d))
			continue;
		fds[n++] = (int)v;
	}
	closedir(d);
	for (i = 0; i < n; i++) {
		for (k = 0; k < nkeep; k++)
			if (keep[k] == fds[i])
				break;
		if (k == nkeep)
			close(fds[i]);
	}
}

/*
 * The helper needs the network capabilities only: netlink (XFRM, routes,
 * nftables, the forced buffer sizes) and the low ports. Whatever else it
 * was started with (root outside systemd) goes; what it lacks stays
 * lacking. Files it reads and the sysctls it writes are uid 0's own.
 */
static void
ps_helper_caps(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	uint32_t keep = (1u << CAP_NET_ADMIN) | (1u << CAP_NET_BIND_SERVICE) |
	    (1u << CAP_NET_RAW);

	if (syscall(SYS_capget, &hdr, d) != 0)
		return;
	d[0].effective &= keep;
	d[0].permitted &= keep;
	d[0].inheritable = 0;
	d[1].effective = d[1].permitted = d[1].inheritable = 0;
	if (syscall(SYS_capset, &hdr, d) != 0)
		log_warn(PS_WHO, "cannot reduce the helper's capabilities: %s",
		    strerror(errno));
}

void
ps_helper_main(int req_fd, int ev_fd, int lock_fd, const struct conf *conf,
    const char *conf_path, const char *sock_path)
{
	static struct ps_helper h;
	int keep[3] = { req_fd, ev_fd, lock_fd };
	struct xfrm_err xe;

	/* The main process stops us by hanging up, after its clean stop;
	 * a terminal's ^C or systemd's SIGTERM to the whole group must not
	 * tear the tunnels down under it. */
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
	/* `ps`, `pgrep -x cgwd` and the tests tell the two apart by name. */
	(void)prctl(PR_SET_NAME, "cgwd-kernel", 0, 0, 0);
	ps_close_fds(keep, 3);
	/* It holds the instance lock until the kernel is clean (lock_fd). */
	h.req_fd = req_fd;
	h.ev_fd = ev_fd;
	/* Events wait here while the main process waits for a reply (or a
	 * burst of link and address changes comes): room for thousands. */
	{
		int sz = 4 << 20;

		if (setsockopt(ev_fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz,
		    sizeof(sz)) != 0)
			(void)setsockopt(ev_fd, SOL_SOCKET, SO_SNDBUF, &sz,
			    sizeof(sz));
	}
	h.conf = (struct conf *)conf;
	h.conf_path = conf_path;
	h.sock_path = sock_path;
	ps_policy_conf(&h.pol, conf, NULL);
	ps_conf_forget_keys(h.conf);
	if ((h.base = event_base_new()) == NULL) {
		log_err(PS_WHO, "cannot start: out of memory");
		_exit(1);
	}
	ps_helper_caps();
	if ((h.xfrm = xfrm_open(h.base, &ps_helper_cb, &h, &xe)) == NULL) {
		log_err(PS_WHO, "kernel netlink: %s", xe.msg);
		_exit(1);
	}
	h.ev_req = event_new(h.base, req_fd, EV_READ | EV_PERSIST, ps_request,
	    &h);
	if (h.ev_req == NULL || event_add(h.ev_req, NULL) != 0) {
		log_err(PS_WHO, "cannot watch the main process");
		_exit(1);
	}
	log_debug(PS_WHO, "kernel helper running (pid %d)", (int)getpid());
	event_base_dispatch(h.base);
	ps_helper_finish(&h);
	if (h.refused > 0)
		log_info(PS_WHO, "%u requests were refused in this run",
		    h.refused);
	_exit(0);
}
