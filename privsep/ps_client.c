/*
 * The main process's side of privilege separation: the xfrm/ calls the
 * daemon makes become requests to the kernel helper, each waiting for
 * its reply, except route batches: those go out a few chunks ahead of
 * their answers, which are read from the event loop (the helper answers
 * in order, so a call made meanwhile reads the chunks' answers first).
 * Kernel events come back on their own socket and reach the callbacks
 * from the event loop too.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>

#include "lib/log.h"
#include "privsep/privsep.h"
#include "privsep/ps_wire.h"

/* As xfrm/ fills its errors: -1, always. */
static int __attribute__((format(printf, 3, 4)))
ps_err(struct xfrm_err *xe, int code, const char *fmt, ...)
{
	va_list ap;

	if (xe != NULL) {
		xe->code = code;
		va_start(ap, fmt);
		vsnprintf(xe->msg, sizeof(xe->msg), fmt, ap);
		va_end(ap);
	}
	return -1;
}

/*
 * Route chunks sent ahead of their answers at most: enough to keep the
 * helper busy while the main process reads the next UPDATEs, few enough
 * that neither side's socket buffer can fill with the other's messages
 * (which would leave both blocked in send).
 */
#define PS_INFLIGHT	4
/*
 * Chunks waiting their turn at most; a bigger burst waits for answers
 * rather than grow without bound when the helper falls behind. The
 * daemon stops reading BGP well before (xfrm_route_backlog), so this
 * only bounds a caller that does not.
 */
#define PS_QUEUED_MAX	512

/* PS_BATCH_MAX routes of a batch: encoded, then sent, then answered. */
struct ps_chunk {
	TAILQ_ENTRY(ps_chunk)	 entry;
	uint8_t			*msg;		/* until sent */
	size_t			 len;
	bool			 sent, answered;
	size_t			 k;
	struct xfrm_route_req	 req[PS_BATCH_MAX];
};
TAILQ_HEAD(ps_chunks, ps_chunk);

struct ps_client {
	struct event_base	*base;
	pid_t			 pid;
	int			 req_fd;
	int			 ev_fd;
	struct event		*ev_read;
	struct event		*ev_reply;	/* req_fd: chunks' answers */
	struct event		*ev_done;	/* hand answers to routes_done */
	struct ps_chunks	 chunks;	/* oldest first */
	size_t			 inflight, queued;
	size_t			 backlog;	/* routes not yet reported */
	bool			 dead;
	void			(*dead_cb)(void *);
	void			*dead_arg;
	struct xfrm_callbacks	 cb;
	void			*cb_arg;
	uint8_t			 buf[PS_MSG_MAX];
};

pid_t
ps_helper_pid(const struct ps_client *c)
{
	return c != NULL ? c->pid : -1;
}

bool
ps_alive(const struct ps_client *c)
{
	return c != NULL && !c->dead;
}

static void ps_chunks_fail(struct ps_client *, int);
static void ps_chunks_pump(struct ps_client *);
static int ps_chunk_answer(struct ps_client *, int flags);

static void
ps_lost(struct ps_client *c, const char *why)
{
	if (c->dead)
		return;
	c->dead = true;
	log_err("kernel", "the kernel helper (pid %d) is gone: %s", (int)c->pid,
	    why);
	ps_chunks_fail(c, EPIPE);
	if (c->dead_cb != NULL)
		c->dead_cb(c->dead_arg);
}

/*
 * One request, its reply (several for a route list: `more` says so).
 * -1 with xe filled when the helper cannot be asked; otherwise the
 * reply's own rc and error.
 */
static int
ps_call(struct ps_client *c, const struct ps_msg *m, struct ps_reply *r,
    int *fd, struct xfrm_err *xe)
{
	size_t len;

	memset(r, 0, sizeof(*r));
	if (fd != NULL)
		*fd = -1;
	/* Route chunks still queued go first: the helper does requests in
	 * the order they come, and this one may depend on those. */
	while (c->queued > 0 && !c->dead) {
		if (c->inflight >= PS_INFLIGHT && ps_chunk_answer(c, 0) < 0)
			break;
		ps_chunks_pump(c);
	}
	if (c->dead) {
		ps_err(xe, EPIPE, "the kernel helper is gone");
		return -1;
	}
	if ((len = ps_msg_encode(m, c->buf, sizeof(c->buf))) == 0) {
		ps_err(xe, EMSGSIZE, "%s: request does not fit",
		    ps_type_name(m->type));
		return -1;
	}
	if (ps_send(c->req_fd, c->buf, len, -1, 0) != 0) {
		ps_err(xe, errno, "kernel helper: %s",
		    strerror(errno));
		ps_lost(c, strerror(errno));
		return -1;
	}
	return 0;
}

/* The next reply to request `type`. */
static int
ps_answer(struct ps_client *c, unsigned type, struct ps_reply *r, int *fd,
    struct xfrm_err *xe)
{
	ssize_t n;

	/* Answers come in order: the route chunks sent before us first. */
	while (c->inflight > 0)
		if (ps_chunk_answer(c, 0) < 0) {
			ps_err(xe, EPIPE, "the kernel helper is gone");
			return -1;
		}
	n = ps_recv(c->req_fd, c->buf, sizeof(c->buf), fd, 0);
	if (n <= 0) {
		int e = n == 0 ? EPIPE : errno;

		ps_err(xe, e, "kernel helper: %s",
		    n == 0 ? "hung up" : strerror(e));
		ps_lost(c, n == 0 ? "it hung up" : strerror(e));
		return -1;
	}
	if (ps_reply_decode(r, type, c->buf, (size_t)n) != 0) {
		if (fd != NULL && *fd >= 0)
			close(*fd);
		ps_err(xe, EBADMSG, "kernel helper: malformed "
		    "reply to %s", ps_type_name(type));
		return -1;
	}
	if (r->rc < 0 && xe != NULL)
		*xe = r->err;
	return 0;
}

static int
ps_do(struct ps_client *c, const struct ps_msg *m, struct ps_reply *r,
    struct xfrm_err *xe)
{
	if (ps_call(c, m, r, NULL, xe) != 0 ||
	    ps_answer(c, m->type, r, NULL, xe) != 0)
		return -1;
	return r->rc;
}

/* ---- route chunks: sent ahead, answered from the loop ---- */

/* The helper's answer to k routes, into their requests. */
static void
ps_batch_codes(const struct ps_reply *r, struct xfrm_route_req *req,
    size_t k)
{
	size_t i;

	for (i = 0; i < k; i++) {
		/* A refused chunk answers one error for all. */
		req[i].code = r->rc < 0 && r->ncodes != k ?
		    (r->err.code ? r->err.code : EIO) :
		    i < r->ncodes ? r->codes[i] : EIO;
		req[i].answered = true;
	}
}

static void
ps_chunk_free(struct ps_client *c, struct ps_chunk *ch)
{
	TAILQ_REMOVE(&c->chunks, ch, entry);
	free(ch->msg);
	free(ch);
}

/* Every chunk not yet answered gets `code`; the loop reports them. */
static void
ps_chunks_fail(struct ps_client *c, int code)
{
	struct ps_chunk *ch;
	size_t i;

	TAILQ_FOREACH(ch, &c->chunks, entry) {
		if (ch->answered)
			continue;
		for (i = 0; i < ch->k; i++) {
			ch->req[i].code = code;
			ch->req[i].answered = true;
		}
		ch->answered = true;
	}
	c->inflight = c->queued = 0;
	if (c->ev_done != NULL && !TAILQ_EMPTY(&c->chunks))
		event_active(c->ev_done, 0, 0);
}

/* Send queued chunks while fewer than PS_INFLIGHT await answers. */
static void
ps_chunks_pump(struct ps_client *c)
{
	struct ps_chunk *ch;

	TAILQ_FOREACH(ch, &c->chunks, entry) {
		if (c->dead || c->inflight >= PS_INFLIGHT)
			return;
		if (ch->sent)
			continue;
		if (ps_send(c->req_fd, ch->msg, ch->len, -1, 0) != 0) {
			ps_lost(c, strerror(errno));
			return;
		}
		free(ch->msg);
		ch->msg = NULL;
		ch->sent = true;
		c->queued--;
		c->inflight++;
	}
}

/*
 * Read the answer to the oldest chunk in flight (flags 0: wait for it).
 * 1 when read, 0 when none is there yet, -1 when the helper is gone.
 */
static int
ps_chunk_answer(struct ps_client *c, int flags)
{
	struct ps_chunk *ch;
	struct ps_reply r;
	ssize_t n;

	TAILQ_FOREACH(ch, &c->chunks, entry)
		if (ch->sent && !ch->answered)
			break;
	if (ch == NULL || c->dead)
		return c->dead ? -1 : 0;
	n = ps_recv(c->req_fd, c->buf, sizeof(c->buf), NULL, flags);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	if (n <= 0) {
		ps_lost(c, n == 0 ? "it hung up" : strerror(errno));
		return -1;
	}
	if (ps_reply_decode(&r, PS_ROUTE_BATCH, c->buf, (size_t)n) != 0) {
		/* Out of step with the helper: nothing after is trusted. */
		ps_lost(c, "malformed answer to a route batch");
		return -1;
	}
	ps_batch_codes(&r, ch->req, ch->k);
	if (r.rc < 0 && r.ncodes != ch->k)
		log_warn("kernel", "route batch refused: %s", r.err.msg);
	ps_reply_clear(&r);
	ch->answered = true;
	c->inflight--;
	event_active(c->ev_done, 0, 0);
	return 1;
}

/* From the loop: answered chunks to routes_done, in order; more out. */
static void
ps_chunks_done(evutil_socket_t fd, short what, void *arg)
{
	struct ps_client *c = arg;
	struct ps_chunk *ch;

	(void)fd;
	(void)what;
	while ((ch = TAILQ_FIRST(&c->chunks)) != NULL && ch->answered) {
		/* Off the list first: routes_done may send a new batch. */
		TAILQ_REMOVE(&c->chunks, ch, entry);
		c->backlog -= ch->k;
		if (c->cb.routes_done != NULL)
			c->cb.routes_done(c->cb_arg, ch->req, ch->k);
		free(ch->msg);
		free(ch);
	}
	ps_chunks_pump(c);
}

static void
ps_reply_event(evutil_socket_t fd, short what, void *arg)
{
	struct ps_client *c = arg;
	uint8_t b;
	ssize_t n;

	(void)what;
	if (c->inflight > 0) {
		while (c->inflight > 0 && ps_chunk_answer(c, MSG_DONTWAIT) > 0)
			;
		return;
	}
	/* Nothing asked: the helper hung up, or is out of step. */
	n = recv(fd, &b, 1, MSG_DONTWAIT | MSG_PEEK);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	event_del(c->ev_reply);
	ps_lost(c, n == 0 ? "it hung up" : n < 0 ? strerror(errno) :
	    "an answer to nothing asked");
}

/* ---- events ---- */

static void
ps_event(evutil_socket_t fd, short what, void *arg)
{
	struct ps_client *c = arg;
	struct ps_msg m;
	ssize_t n;

	(void)what;
	n = ps_recv(fd, c->buf, sizeof(c->buf), NULL, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n <= 0) {
		event_del(c->ev_read);
		ps_lost(c, n == 0 ? "it hung up" : strerror(errno));
		return;
	}
	if (ps_msg_decode(&m, c->buf, (size_t)n) != 0 ||
	    !ps_type_is_event(m.type)) {
		log_warn("kernel", "malformed event from the kernel helper");
		ps_msg_clear(&m);
		return;
	}
	switch (m.type) {
	case PS_EV_SA_REKEY:
		if (c->cb.sa_rekey != NULL)
			c->cb.sa_rekey(c->cb_arg, &m.ev);
		break;
	case PS_EV_SA_GONE:
		if (c->cb.sa_gone != NULL)
			c->cb.sa_gone(c->cb_arg, &m.ev);
		break;
	case PS_EV_LINK:
		if (c->cb.link_change != NULL)
			c->cb.link_change(c->cb_arg, m.ifindex,
			    m.name[0] ? m.name : NULL, m.up);
		break;
	case PS_EV_ADDR:
		if (c->cb.addr_change != NULL)
			c->cb.addr_change(c->cb_arg, &m.local, m.ifindex, m.up);
		break;
	}
	ps_msg_clear(&m);
}

/* ---- start and stop ---- */

struct ps_client *
ps_client_attach(struct event_base *base, pid_t pid, int req_fd, int ev_fd,
    void (*dead)(void *), void *dead_arg)
{
	struct ps_client *c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(req_fd);
		close(ev_fd);
		return NULL;
	}
	TAILQ_INIT(&c->chunks);
	c->base = base;
	c->pid = pid;
	c->req_fd = req_fd;
	c->ev_fd = ev_fd;
	c->dead_cb = dead;
	c->dead_arg = dead_arg;
	c->ev_read = event_new(base, c->ev_fd, EV_READ | EV_PERSIST, ps_event,
	    c);
	c->ev_reply = event_new(base, c->req_fd, EV_READ | EV_PERSIST,
	    ps_reply_event, c);
	c->ev_done = event_new(base, -1, 0, ps_chunks_done, c);
	if (c->ev_read == NULL || c->ev_reply == NULL || c->ev_done == NULL ||
	    event_add(c->ev_read, NULL) != 0 ||
	    event_add(c->ev_reply, NULL) != 0) {
		ps_stop(c);
		return NULL;
	}
	return c;
}

struct ps_client *
ps_start(struct event_base *base, const struct conf *conf,
    const char *conf_path, const char *sock_path, int lock_fd,
    void (*dead)(void *), void *dead_arg, char *err, size_t errlen)
{
	struct ps_client *c;
	int req[2] = { -1, -1 }, ev[2] = { -1, -1 };
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, req) != 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ev) != 0) {
		snprintf(err, errlen, "socketpair: %s", strerror(errno));
		goto fail;
	}
	/* What the child writes to stderr is in order with ours. */
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0) {
		close(req[0]);
		close(ev[0]);
		ps_helper_main(req[1], ev[1], lock_fd, conf, conf_path,
		    sock_path);
	}
	close(req[1]);
	close(ev[1]);
	if ((c = ps_client_attach(base, pid, req[0], ev[0], dead,
	    dead_arg)) == NULL)
		snprintf(err, errlen, "cannot watch the kernel helper");
	return c;
fail:
	for (int i = 0; i < 2; i++) {
		if (req[i] >= 0)
			close(req[i]);
		if (ev[i] >= 0)
			close(ev[i]);
	}
	return NULL;
}

void
ps_stop(struct ps_client *c)
{
	int st;

	if (c == NULL)
		return;
	if (c->ev_read != NULL)
		event_free(c->ev_read);
	if (c->ev_reply != NULL)
		event_free(c->ev_reply);
	if (c->ev_done != NULL)
		event_free(c->ev_done);
	/* Unanswered routes die with the helper: it flushes ours. */
	while (!TAILQ_EMPTY(&c->chunks))
		ps_chunk_free(c, TAILQ_FIRST(&c->chunks));
	/* EOF tells the helper to clean up and go. */
	if (c->req_fd >= 0)
		close(c->req_fd);
	if (c->ev_fd >= 0)
		close(c->ev_fd);
	if (c->pid > 0) {
		while (waitpid(c->pid, &st, 0) < 0 && errno == EINTR)
			;
		if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
			log_warn("kernel", "kernel helper exited with status %d",
			    WEXITSTATUS(st));
		else if (WIFSIGNALED(st))
			log_warn("kernel", "kernel helper killed by signal %d",
			    WTERMSIG(st));
	}
	free(c);
}

/* ---- xfrm backend ---- */

static struct ps_client *
ps_of(struct xfrm_ctx *ctx)
{
	return xfrm_backend_arg(ctx);
}

static void
ps_x_close(struct xfrm_ctx *ctx)
{
	struct ps_client *c = ps_of(ctx);

	/* The helper's context stays until it hangs up (ps_stop). */
	memset(&c->cb, 0, sizeof(c->cb));
	c->cb_arg = NULL;
}

/* The tunnel's name, for the helper's log lines about this if_id. */
static void
ps_who(struct ps_client *c, struct ps_msg *m)
{
	const char *who = NULL;

	if (c->cb.if_id_name != NULL)
		who = c->cb.if_id_name(c->cb_arg, m->if_id);
	if (who != NULL && strlen(who) < sizeof(m->who))
		memcpy(m->who, who, strlen(who) + 1);
}

static int
ps_simple(struct xfrm_ctx *ctx, const struct ps_msg *m, struct xfrm_err *xe)
{
	struct ps_reply r;
	int rc = ps_do(ps_of(ctx), m, &r, xe);

	ps_reply_clear(&r);
	return rc;
}

static int
ps_x_teardown(struct xfrm_ctx *ctx, struct xfrm_err *xe)
{
	struct ps_msg m = { .type = PS_TEARDOWN };

	return ps_simple(ctx, &m, xe);
}

static int
ps_x_cleanup_stale(struct xfrm_ctx *ctx, struct xfrm_err *xe)
{
	struct ps_msg m = { .type = PS_CLEANUP_STALE };

	return ps_simple(ctx, &m, xe);
}

static int
ps_x_spi_alloc(struct xfrm_ctx *ctx, const struct cgw_addr *local,
    const struct cgw_addr *remote, uint32_t if_id, uint32_t reqid,
    uint32_t *spi, struct xfrm_err *xe)
{
	struct ps_msg m = { .type = PS_SPI_ALLOC, .local = *local,
	    .remote = *remote, .if_id = if_id, .reqid = reqid };
	struct ps_reply r;
	int rc;

	ps_who(ps_of(ctx), &m);
	rc = ps_do(ps_of(ctx), &m, &r, xe);

	if (rc == 0)
		*spi = r.spi;
	ps_reply_clear(&r);
	return rc;
}

static int
ps_x_child_install(struct xfrm_ctx *ctx, uint32_t if_id, uint32_t reqid,
    const struct esp_child_sa *sa, enum xfrm_dir dir, struct xfrm_err *xe)
{
	struct ps_msg *m;
	int rc;

	/* Keys pass through here: wiped from this copy after. */
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return ps_err(xe, ENOMEM, "out of memory");
	m->type = PS_CHILD_INSTALL;
	m->if_id = if_id;
	m->reqid = reqid;
	m->dir = (uint32_t)dir;
	m->sa = *sa;
	ps_who(ps_of(ctx), m);
	rc = ps_simple(ctx, m, xe);
	explicit_bzero(ps_of(ctx)->buf, sizeof(ps_of(ctx)->buf));
	ps_msg_clear(m);
	free(m);
	return rc;
}

static int
ps_x_sa_delete(struct xfrm_ctx *ctx, const struct cgw_addr *dst, uint32_t spi,
    struct xfrm_err *xe)
{
	struct ps_msg m = { .type = PS_SA_DELETE, .local = *dst, .spi = spi };

	return ps_simple(ctx, &m, xe);
}

static int
ps_x_sa_stats(struct xfrm_ctx *ctx, const struct cgw_addr *dst, uint32_t spi,
    struct xfrm_sa_stats *st, struct xfrm_err *xe)
{
	struct ps_msg m = { .type = PS_SA_STATS, .local = *dst, .spi = spi };
	struct ps_reply r;
	int rc = ps_do(ps_of(ctx), &m, &r, xe);

	if (rc == 0)
		*st = r.st;
	ps_reply_clear(&r);
	return rc;
}

static int
ps_x_policy_install(struct xfrm_ctx *ctx, uint32_t if_id, uint32_t reqid,
    const struct cgw_addr *local, const struct cgw_addr *remote, int af,
    struct xfrm_err *xe)
{
	struct ps_msg m = { .type = PS_POLICY_INSTALL, .if_id = if_id,
	    .reqid = reqid, .local = *local, .remote = *remote, .af = af };

	ps_who(ps_of(ctx), &m);
	return ps_simple(ctx, &m, xe);
}

static int
ps_x_policy_remove(struct xfrm_ctx *ctx, uint32_t if_id, int af,
    struct xfrm_err *xe)
{
	struct ps_msg m = { .type = PS_POLICY_REMOVE, .if_id = if_id,
	    .af = af };

	ps_who(ps_of(ctx), &m);
	return ps_simple(ctx, &m, xe);
}

static int
ps_name(struct ps_msg *m, const char *name, struct xfrm_err *xe)
{
	if (name == NULL || strlen(name) >= sizeof(m->name))
		return ps_err(xe, EINVAL, "interface name %s",
		    name ? name : "(none)");
	memcpy(m->name, name, strlen(name) + 1);
	return 0;
}

static int
ps_x_iface_create(struct xfrm_ctx *ctx, const char *name, uint32_t if_id,
    const struct cgw_addr *local, uint32_t mtu,
    const struct cgw_prefix *inside, int *ifindex, struct xfrm_err *xe)
{
	struct ps_msg m = { .type = PS_IFACE_CREATE, .if_id = if_id,
	    .local = *local, .mtu = mtu };
	struct ps_reply r;
	int rc;

	if (ps_name(&m, name, xe) != 0)
		return -1;
	if (inside != NULL)
		m.inside = *inside;
	ps_who(ps_of(ctx), &m);
	rc = ps_do(ps_of(ctx), &m, &r, xe);
	if (rc == 0 && ifindex != NULL)
		*ifindex = r.ifindex;
	ps_reply_clear(&r);
	return rc;
}

static int
ps_x_iface_delete(struct xfrm_ctx *ctx, const char *name, struct xfrm_err *xe)
{
	struct ps_msg m = { .type = PS_IFACE_DELETE };

	if (ps_name(&m, name, xe) != 0)
		return -1;
	return ps_simple(ctx, &m, xe);
}

static int
ps_x_ifindex(struct xfrm_ctx *ctx, const char *name)
{
	struct ps_msg m = { .type = PS_IFINDEX };
	struct xfrm_err xe;

	if (ps_name(&m, name, &xe) != 0)
		return 0;
	return ps_simple(ctx, &m, &xe);
}

static int
ps_x_ifindex_of_addr(struct xfrm_ctx *ctx, const struct cgw_addr *a,
    struct xfrm_err *xe)
{
	struct ps_msg m = { .type = PS_IFINDEX_OF_ADDR, .local = *a };

	return ps_simple(ctx, &m, xe);
}

static int
ps_x_route_replace(struct xfrm_ctx *ctx, const struct cgw_prefix *prefix,
    const struct xfrm_nexthop *nh, size_t n, uint32_t table,
    struct xfrm_err *xe)
{
	struct ps_msg m = { .type = PS_ROUTE_REPLACE, .prefix = *prefix,
	    .table = table, .n = n };

	if (n > XFRM_MAX_NEXTHOPS)
		return ps_err(xe, EINVAL, "%zu next hops", n);
	memcpy(m.nh, nh, n * sizeof(*nh));
	return ps_simple(ctx, &m, xe);
}

static int
ps_x_route_delete(struct xfrm_ctx *ctx, const struct cgw_prefix *prefix,
    uint32_t table, struct xfrm_err *xe)
{
	struct ps_msg m = { .type = PS_ROUTE_DELETE, .prefix = *prefix,
	    .table = table };

	return ps_simple(ctx, &m, xe);
}

static int
ps_x_route_flush_ours(struct xfrm_ctx *ctx, struct xfrm_err *xe)
{
	struct ps_msg m = { .type = PS_ROUTE_FLUSH };

	return ps_simple(ctx, &m, xe);
}

static int
ps_x_route_list(struct xfrm_ctx *ctx, struct xfrm_routes *out,
    struct xfrm_err *xe)
{
	struct ps_client *c = ps_of(ctx);
	struct ps_msg m = { .type = PS_ROUTE_LIST };
	struct ps_reply r;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (ps_call(c, &m, &r, NULL, xe) != 0)
		return -1;
	/* Chunks until one without PS_F_MORE, which carries the result. */
	for (;;) {
		if (ps_answer(c, PS_ROUTE_LIST, &r, NULL, xe) != 0)
			return -1;
		for (size_t i = 0; i < r.nroutes && !out->oom; i++)
			(void)xfrm_routes_add(out, &r.routes[i].prefix,
			    r.routes[i].table, r.routes[i].nh, r.routes[i].n);
		if (!(r.flags & PS_F_MORE)) {
			rc = r.rc;
			ps_reply_clear(&r);
			break;
		}
		ps_reply_clear(&r);
	}
	if (rc == 0 && out->oom)
		return ps_err(xe, ENOMEM, "route list: %s",
		    strerror(ENOMEM));
	return rc;
}

/*
 * A batch's requests are kept here as the routes themselves (buf holds
 * struct ps_route records); commit sends them PS_BATCH_MAX at a time
 * and the helper batches them into netlink itself.
 */
static int
ps_x_route_batch_add(struct xfrm_ctx *ctx, struct xfrm_route_batch *b,
    const struct cgw_prefix *prefix, const struct xfrm_nexthop *nh, size_t n,
    uint32_t table, struct xfrm_err *xe)
{
	struct ps_route *rt;
	size_t cap;

	(void)ctx;
	if (n > XFRM_MAX_NEXTHOPS)
		return ps_err(xe, EINVAL, "%zu next hops", n);
	if ((b->n + 1) * sizeof(*rt) > b->cap) {
		uint8_t *nb;

		cap = b->cap ? b->cap * 2 : 64 * sizeof(*rt);
		if ((nb = realloc(b->buf, cap)) == NULL)
			return ps_err(xe, ENOMEM, "route batch: %s",
			    strerror(ENOMEM));
		b->buf = nb;
		b->cap = cap;
	}
	if (b->n == b->ncap) {
		struct xfrm_route_req *nr;

		cap = b->ncap ? b->ncap * 2 : 64;
		if ((nr = reallocarray(b->req, cap, sizeof(*nr))) == NULL)
			return ps_err(xe, ENOMEM, "route batch: %s",
			    strerror(ENOMEM));
		b->req = nr;
		b->ncap = cap;
	}
	rt = (struct ps_route *)(void *)b->buf + b->n;
	memset(rt, 0, sizeof(*rt));
	rt->prefix = *prefix;
	rt->table = table;
	rt->n = n;
	memcpy(rt->nh, nh, n * sizeof(*nh));
	b->len = (b->n + 1) * sizeof(*rt);
	memset(&b->req[b->n], 0, sizeof(b->req[b->n]));
	b->req[b->n].prefix = *prefix;
	b->req[b->n].table = table != 0 ? table : XFRM_TABLE_MAIN;
	b->req[b->n].del = n == 0;
	return (int)b->n++;
}

static int
ps_x_route_batch_commit(struct xfrm_ctx *ctx, struct xfrm_route_batch *b,
    struct xfrm_err *xe)
{
	struct ps_client *c = ps_of(ctx);
	struct ps_route *all = (struct ps_route *)(void *)b->buf;
	struct ps_msg m = { .type = PS_ROUTE_BATCH };
	struct ps_reply r;
	size_t off, i, k;
	int failed = 0, sockerr = 0;

	for (off = 0; off < b->n && sockerr == 0; off += k) {
		k = b->n - off < PS_BATCH_MAX ? b->n - off : PS_BATCH_MAX;
		m.routes = all + off;
		m.nroutes = k;
		if (ps_call(c, &m, &r, NULL, xe) != 0 ||
		    ps_answer(c, PS_ROUTE_BATCH, &r, NULL, xe) != 0) {
			sockerr = xe != NULL && xe->code ? xe->code : EIO;
			break;
		}
		ps_batch_codes(&r, b->req + off, k);
		if (r.rc < 0 && r.ncodes != k && xe != NULL)
			*xe = r.err;
		ps_reply_clear(&r);
	}
	for (i = 0; i < b->n; i++) {
		if (!b->req[i].answered)
			b->req[i].code = sockerr ? sockerr : EIO;
		if (b->req[i].code != 0)
			failed++;
	}
	b->len = 0;
	b->n = 0;
	if (sockerr != 0)
		return -1;
	return failed;
}

/*
 * The batch as chunks of PS_BATCH_MAX, encoded now (a queued route costs
 * its wire form, not a struct ps_route) and sent PS_INFLIGHT ahead of
 * their answers; routes_done hears of each from the loop.
 */
static int
ps_x_route_batch_send(struct xfrm_ctx *ctx, struct xfrm_route_batch *b,
    struct xfrm_err *xe)
{
	struct ps_client *c = ps_of(ctx);
	struct ps_route *all = (struct ps_route *)(void *)b->buf;
	struct ps_msg m = { .type = PS_ROUTE_BATCH };
	struct ps_chunk *ch = NULL;
	size_t off, k = 0, len = 0, i;
	int rc = 0;

	for (off = 0; off < b->n && rc == 0; off += k) {
		k = b->n - off < PS_BATCH_MAX ? b->n - off : PS_BATCH_MAX;
		m.routes = all + off;
		m.nroutes = k;
		if (c->dead)
			rc = ps_err(xe, EPIPE, "the kernel helper is gone");
		else if ((len = ps_msg_encode(&m, c->buf, sizeof(c->buf))) == 0)
			rc = ps_err(xe, EMSGSIZE, "route batch: cannot encode");
		else if ((ch = calloc(1, sizeof(*ch))) == NULL ||
		    (ch->msg = malloc(len)) == NULL) {
			free(ch);
			rc = ps_err(xe, ENOMEM, "route batch: %s",
			    strerror(ENOMEM));
		}
		if (rc != 0)
			break;
		memcpy(ch->msg, c->buf, len);
		ch->len = len;
		ch->k = k;
		memcpy(ch->req, b->req + off, k * sizeof(ch->req[0]));
		TAILQ_INSERT_TAIL(&c->chunks, ch, entry);
		c->queued++;
		c->backlog += k;
		/* A burst beyond the queue waits for the helper to catch up. */
		while (c->queued > PS_QUEUED_MAX && !c->dead &&
		    (c->inflight < PS_INFLIGHT || ps_chunk_answer(c, 0) >= 0))
			ps_chunks_pump(c);
		ps_chunks_pump(c);
	}
	/* What was not handed over fails now (before what is in flight). */
	if (rc != 0 && c->cb.routes_done != NULL) {
		for (i = off; i < b->n; i++) {
			b->req[i].code = xe != NULL && xe->code ? xe->code : EIO;
			b->req[i].answered = true;
		}
		c->cb.routes_done(c->cb_arg, b->req + off, b->n - off);
	}
	b->len = 0;
	b->n = 0;
	return rc;
}

static size_t
ps_x_route_backlog(struct xfrm_ctx *ctx)
{
	return ps_of(ctx)->backlog;
}

static const struct xfrm_backend ps_backend = {
	.close			= ps_x_close,
	.teardown		= ps_x_teardown,
	.cleanup_stale		= ps_x_cleanup_stale,
	.spi_alloc		= ps_x_spi_alloc,
	.child_install		= ps_x_child_install,
	.sa_delete		= ps_x_sa_delete,
	.sa_stats		= ps_x_sa_stats,
	.policy_install		= ps_x_policy_install,
	.policy_remove		= ps_x_policy_remove,
	.iface_create		= ps_x_iface_create,
	.iface_delete		= ps_x_iface_delete,
	.ifindex		= ps_x_ifindex,
	.ifindex_of_addr	= ps_x_ifindex_of_addr,
	.route_replace		= ps_x_route_replace,
	.route_delete		= ps_x_route_delete,
	.route_flush_ours	= ps_x_route_flush_ours,
	.route_list		= ps_x_route_list,
	.route_batch_add	= ps_x_route_batch_add,
	.route_batch_commit	= ps_x_route_batch_commit,
	.route_batch_send	= ps_x_route_batch_send,
	.route_backlog		= ps_x_route_backlog,
};

struct xfrm_ctx *
ps_xfrm_open(struct ps_client *c, const struct xfrm_callbacks *cb, void *arg,
    struct xfrm_err *xe)
{
	struct xfrm_ctx *ctx;

	if ((ctx = xfrm_open_backend(&ps_backend, c)) == NULL) {
		ps_err(xe, ENOMEM, "out of memory");
		return NULL;
	}
	if (cb != NULL)
		c->cb = *cb;
	c->cb_arg = arg;
	return ctx;
}

/* ---- the rest ---- */

int
ps_mss_apply(struct ps_client *c, const struct nft_mss_if *ifs, size_t n,
    char *err, size_t errlen)
{
	struct ps_msg m = { .type = PS_MSS_APPLY, .mss = (struct nft_mss_if *)ifs,
	    .nmss = n };
	struct ps_reply r;
	struct xfrm_err xe = { 0 };
	int rc = ps_do(c, &m, &r, &xe);

	if (rc != 0)
		snprintf(err, errlen, "%s", xe.msg);
	ps_reply_clear(&r);
	return rc;
}

static int
ps_socket(struct ps_client *c, uint8_t kind, const struct cgw_addr *local,
    uint16_t port, int rcvbuf, char *err, size_t errlen)
{
	struct ps_msg m = { .type = PS_SOCKET, .kind = kind, .port = port,
	    .rcvbuf = rcvbuf > 0 ? (uint32_t)rcvbuf : 0 };
	struct ps_reply r;
	struct xfrm_err xe = { 0 };
	int fd = -1;

	if (local != NULL)
		m.local = *local;
	if (ps_call(c, &m, &r, NULL, &xe) != 0 ||
	    ps_answer(c, PS_SOCKET, &r, &fd, &xe) != 0) {
		snprintf(err, errlen, "%s", xe.msg);
		return -1;
	}
	if (r.rc < 0 || fd < 0) {
		snprintf(err, errlen, "%s", r.rc < 0 ? r.err.msg :
		    "the kernel helper sent no socket");
		if (fd >= 0)
			close(fd);
		fd = -1;
		if (r.rc < 0)
			errno = r.err.code;
	}
	ps_reply_clear(&r);
	return fd;
}

int
ps_ike_sock(void *arg, const struct cgw_addr *local, uint16_t port, bool natt,
    int rcvbuf, char *err, size_t errlen)
{
	return ps_socket(arg, natt ? PS_SOCK_IKE_NATT : PS_SOCK_IKE, local,
	    port, rcvbuf, err, errlen);
}

int
ps_bgp_listen(void *arg, uint16_t port)
{
	struct cgw_addr any6 = { .af = AF_INET6 }, any = { .af = AF_INET };
	char err[256];
	int fd;

	/* Dual stack for sessions over IPv6 inside addresses; 0.0.0.0 on
	 * a host without IPv6. */
	if ((fd = ps_socket(arg, PS_SOCK_BGP_LISTEN, &any6, port, 0, err,
	    sizeof(err))) >= 0)
		return fd;
	if ((fd = ps_socket(arg, PS_SOCK_BGP_LISTEN, &any, port, 0, err,
	    sizeof(err))) < 0)
		log_warn(NULL, "bgp: listener on port %u: %s", port, err);
	return fd;
}

int
ps_reload(struct ps_client *c, char *err, size_t errlen)
{
	struct ps_msg m = { .type = PS_RELOAD };
	struct ps_reply r;
	struct xfrm_err xe = { 0 };
	int rc = ps_do(c, &m, &r, &xe);

	if (rc != 0)
		snprintf(err, errlen, "kernel helper: %s", xe.msg);
	ps_reply_clear(&r);
	return rc;
}

void
ps_reload_done(struct ps_client *c)
{
	struct ps_msg m = { .type = PS_RELOAD_DONE };
	struct ps_reply r;
	struct xfrm_err xe = { 0 };

	if (ps_do(c, &m, &r, &xe) != 0)
		log_warn("kernel", "reload: %s", xe.msg);
	ps_reply_clear(&r);
}

void
ps_ctl_socket(struct ps_client *c)
{
	struct ps_msg m = { .type = PS_CTL_SOCKET };
	struct ps_reply r;
	struct xfrm_err xe = { 0 };

	if (ps_do(c, &m, &r, &xe) != 0)
		log_warn("kernel", "control socket: %s", xe.msg);
	ps_reply_clear(&r);
}
