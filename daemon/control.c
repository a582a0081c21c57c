#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "daemon/control.h"
#include "daemon/ctl_roles.h"
#include "lib/log.h"

#define CTL_WHO	"ctl"
#define CTL_LINGER_S	5

struct ctl_client {
	TAILQ_ENTRY(ctl_client)	 entry;
	struct ctl_server	*srv;
	struct bufferevent	*bev;
	struct event		*idle;
	unsigned		 id;
	bool			 root;		/* SO_PEERCRED uid 0 */
	/* Who it is, read once at accept: roles are decided per request
	 * against the groups configured then (a reload may change them). */
	uid_t			 uid;
	gid_t			 gid;
	gid_t			 groups[CTL_MAX_GROUPS];
	size_t			 ngroups;
	uint64_t		 tokens;	/* request rate, in 1/1000 requests */
	uint64_t		 refilled_ms;
	bool			 closing;	/* free once the output is flushed */
	/*
	 * Rejected while it may still be sending: reply, shut our side,
	 * then read and discard until it hangs up (or lingers too long), so
	 * it gets the reply instead of EPIPE.
	 */
	bool			 discard;
	bool			 shut;
	size_t			 scanned;	/* input bytes known to hold no '\n' */
	bool			 monitor;	/* gets every published event */
	unsigned long long	 dropped;	/* events it was too slow for */
};
TAILQ_HEAD(ctl_clients, ctl_client);

struct ctl_server {
	struct event_base	*base;
	struct evconnlistener	*lev;
	struct event		*resume;	/* re-enable accept after EMFILE */
	char			*path;
	dev_t			 dev;		/* of the socket we bound: */
	ino_t			 ino;		/* unlink only if still ours */
	ctl_handler		 handler;
	void			*arg;
	unsigned		 max_clients;
	unsigned		 rate_per_s;
	unsigned		 rate_burst;
	struct timeval		 idle;
	struct ctl_clients	 clients;	/* least recently active first */
	unsigned		 nclients;
	unsigned		 nroot;
	unsigned		 nmonitors;
	unsigned		 next_id;
	struct ctl_roles	 roles;
};

static void
ctl_client_free(struct ctl_client *c)
{
	struct ctl_server *srv = c->srv;

	TAILQ_REMOVE(&srv->clients, c, entry);
	srv->nclients--;
	if (c->root)
		srv->nroot--;
	if (c->monitor)
		srv->nmonitors--;
	event_free(c->idle);
	bufferevent_free(c->bev);
	free(c);
}

static void
ctl_client_send(struct ctl_client *c, char *line)
{
	if (line == NULL) {
		log_err(CTL_WHO, "client %u: out of memory building a reply", c->id);
		c->closing = true;
		return;
	}
	if (bufferevent_write(c->bev, line, strlen(line)) != 0)
		c->closing = true;
	free(line);
}

/* Reply with an error, then hang up once it is written. */
static void
ctl_client_reject(struct ctl_client *c, const char *why)
{
	struct timeval linger = { CTL_LINGER_S, 0 };

	log_warn_rl(CTL_WHO, "client %u: %s, closing", c->id, why);
	ctl_client_send(c, ctl_reply_error("%s", why));
	c->closing = true;
	c->discard = true;
	evbuffer_drain(bufferevent_get_input(c->bev),
	    evbuffer_get_length(bufferevent_get_input(c->bev)));
	evtimer_add(c->idle, &linger);
}

/* The output is empty and the client is on its way out. */
static void
ctl_client_flushed(struct ctl_client *c)
{
	if (!c->discard) {
		ctl_client_free(c);
		return;
	}
	if (!c->shut) {
		c->shut = true;
		shutdown(bufferevent_getfd(c->bev), SHUT_WR);
	}
}

static uint64_t
ctl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A token bucket: rate_per_s requests a second, rate_burst at once. */
static bool
ctl_client_rate_ok(struct ctl_client *c)
{
	struct ctl_server *srv = c->srv;
	uint64_t now = ctl_now_ms(), cap = (uint64_t)srv->rate_burst * 1000;

	c->tokens += (now - c->refilled_ms) * srv->rate_per_s;
	if (c->tokens > cap)
		c->tokens = cap;
	c->refilled_ms = now;
	if (c->tokens < 1000)
		return false;
	c->tokens -= 1000;
	return true;
}

/*
 * `monitor`: from now on the client gets every published event. It is
 * quiet by nature, so no idle timeout; it keeps its slot unless root
 * needs one (it is then the non-root client quiet longest).
 */
static void
ctl_client_monitor(struct ctl_client *c, const struct ctl_request *req)
{
	if (req->argc != 0) {
		ctl_client_send(c, ctl_reply_error("usage: monitor"));
		return;
	}
	if (!c->monitor) {
		c->monitor = true;
		c->srv->nmonitors++;
		log_debug(CTL_WHO, "client %u: monitoring", c->id);
	}
	ctl_client_send(c, ctl_reply_ok(json_pack("{s:b}", "monitor", 1)));
}

void
ctl_server_publish(struct ctl_server *srv, const char *line)
{
	struct ctl_client *c;
	struct evbuffer *out;
	size_t n = strlen(line);

	if (srv == NULL || srv->nmonitors == 0)
		return;
	TAILQ_FOREACH(c, &srv->clients, entry) {
		if (!c->monitor || c->closing)
			continue;
		out = bufferevent_get_output(c->bev);
		if (evbuffer_get_length(out) + n + 1 > CTL_MONITOR_MAX_OUTPUT) {
			if (c->dropped++ == 0)
				log_warn_rl(CTL_WHO, "client %u: reads its events "
				    "too slowly, dropping them", c->id);
			continue;
		}
		if (c->dropped > 0) {
			evbuffer_add_printf(out, "{\"event\":\"dropped\",\"time\":"
			    "%lld,\"name\":null,\"text\":\"%llu events dropped: "
			    "this client reads too slowly\",\"count\":%llu}\n",
			    (long long)time(NULL), c->dropped, c->dropped);
			c->dropped = 0;
		}
		if (evbuffer_add(out, line, n) != 0 ||
		    evbuffer_add(out, "\n", 1) != 0)
			c->dropped++;
	}
}

unsigned
ctl_server_nmonitors(const struct ctl_server *srv)
{
	return srv ? srv->nmonitors : 0;
}

static void
ctl_client_request(struct ctl_client *c, char *line, size_t len)
{
	struct ctl_server *srv = c->srv;
	struct ctl_request req;
	char err[512];
	json_t *res;

	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	if (len == 0)
		return;
	if (!ctl_client_rate_ok(c)) {
		log_debug_rl(CTL_WHO, "client %u: over the request rate", c->id);
		ctl_client_send(c, ctl_reply_error("too many requests: at most "
		    "%u per second", srv->rate_per_s));
		return;
	}
	if (ctl_request_parse(line, len, &req, err, sizeof(err)) != 0) {
		log_debug(CTL_WHO, "client %u: %s", c->id, err);
		ctl_client_send(c, ctl_reply_error("%s", err));
		return;
	}
	log_debug(CTL_WHO, "client %u: %s", c->id, req.command);
	if (ctl_role_check(&srv->roles, ctl_role_of(&srv->roles, c->uid, c->gid,
	    c->groups, c->ngroups), req.command, req.argc > 0 ? req.argv[0] :
	    NULL, err, sizeof(err)) != 0) {
		log_info_rl(CTL_WHO, "client %u (uid %lu): %s", c->id,
		    (unsigned long)c->uid, err);
		ctl_client_send(c, ctl_reply_error("%s", err));
		ctl_request_free(&req);
		return;
	}
	if (strcmp(req.command, "monitor") == 0) {
		ctl_client_monitor(c, &req);
		ctl_request_free(&req);
		return;
	}
	err[0] = '\0';
	res = srv->handler(srv->arg, &req, err, sizeof(err));
	if (res != NULL)
		ctl_client_send(c, ctl_reply_ok(res));
	else
		ctl_client_send(c, ctl_reply_error("%s",
		    err[0] ? err : "command failed"));
	ctl_request_free(&req);
}

/*
 * Every complete request arms the idle timer anew and moves the client
 * to the end of the list, so the head is the one quiet longest.
 */
static void
ctl_client_touch(struct ctl_client *c)
{
	struct ctl_clients *list = &c->srv->clients;

	TAILQ_REMOVE(list, c, entry);
	TAILQ_INSERT_TAIL(list, c, entry);
	if (c->monitor)
		evtimer_del(c->idle);
	else
		evtimer_add(c->idle, &c->srv->idle);
}

static void
ctl_client_read(struct bufferevent *bev, void *arg)
{
	struct ctl_client *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer_ptr eol, from;
	size_t eol_len, len;
	char *line;

	if (c->discard) {
		evbuffer_drain(in, evbuffer_get_length(in));
		return;
	}
	while (!c->closing) {
		/* A request dripped byte by byte is scanned once, not n times. */
		if (evbuffer_ptr_set(in, &from, c->scanned, EVBUFFER_PTR_SET) != 0)
			evbuffer_ptr_set(in, &from, 0, EVBUFFER_PTR_SET);
		eol = evbuffer_search_eol(in, &from, &eol_len, EVBUFFER_EOL_LF);
		if (eol.pos < 0) {
			c->scanned = evbuffer_get_length(in);
			if (c->scanned > CTL_MAX_REQUEST)
				ctl_client_reject(c, "request too large");
			break;
		}
		c->scanned = 0;
		len = (size_t)eol.pos;
		if (len > CTL_MAX_REQUEST) {
			ctl_client_reject(c, "request too large");
			break;
		}
		if ((line = malloc(len + 1)) == NULL) {
			ctl_client_reject(c, "out of memory");
			break;
		}
		evbuffer_remove(in, line, len);
		line[len] = '\0';
		evbuffer_drain(in, eol_len);
		ctl_client_request(c, line, len);
		free(line);
		ctl_client_touch(c);
		/* A client that sends but never reads must not grow us. */
		if (evbuffer_get_length(bufferevent_get_output(bev)) >
		    CTL_MAX_OUTPUT) {
			log_warn(CTL_WHO, "client %u: does not read its replies, closing",
			    c->id);
			ctl_client_free(c);
			return;
		}
	}
	if (c->closing &&
	    evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		ctl_client_flushed(c);
}

static void
ctl_client_written(struct bufferevent *bev, void *arg)
{
	struct ctl_client *c = arg;

	(void)bev;
	if (c->closing)
		ctl_client_flushed(c);
}

static void
ctl_client_event(struct bufferevent *bev, short what, void *arg)
{
	struct ctl_client *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t len;
	char *line;

	if (what & BEV_EVENT_EOF) {
		/* A last request without its newline (shutdown after write). */
		len = evbuffer_get_length(in);
		if (!c->closing && len > 0 && len <= CTL_MAX_REQUEST &&
		    (line = malloc(len + 1)) != NULL) {
			evbuffer_remove(in, line, len);
			line[len] = '\0';
			ctl_client_request(c, line, len);
			free(line);
		}
		/*
		 * The peer only shut its sending side: what we owe it (a
		 * rejection too) goes out first; ctl_client_written frees.
		 */
		if (evbuffer_get_length(bufferevent_get_output(bev)) > 0) {
			c->closing = true;
			c->discard = false;
			return;
		}
	} else if (what & BEV_EVENT_ERROR) {
		log_debug(CTL_WHO, "client %u: %s", c->id,
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
	}
	ctl_client_free(c);
}

static void
ctl_client_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct ctl_client *c = arg;

	(void)fd;
	(void)what;
	log_debug(CTL_WHO, "client %u: idle, closing", c->id);
	ctl_client_free(c);
}

/* Unknown credentials are nobody's: uid -1 holds no role. */
static void
ctl_peer_cred(int fd, struct ucred *cred)
{
	socklen_t len = sizeof(*cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, cred, &len) != 0 ||
	    len != sizeof(*cred)) {
		cred->pid = 0;
		cred->uid = (uid_t)-1;
		cred->gid = (gid_t)-1;
	}
}

/*
 * Whether a new client fits: others leave the last slot to root; root,
 * finding every slot taken, gets the one of the non-root client quiet
 * longest (it may come back).
 */
static bool
ctl_has_room(struct ctl_server *srv, bool root)
{
	static const char evicted[] = "{\"ok\":false,\"error\":\"closed: "
	    "every control slot is taken and root needs one\"}\n";
	unsigned reserved = srv->max_clients > 1 && srv->nroot == 0 ? 1 : 0;
	struct ctl_client *c;

	if (!root)
		return srv->nclients + reserved < srv->max_clients;
	if (srv->nclients < srv->max_clients)
		return true;
	TAILQ_FOREACH(c, &srv->clients, entry)
		if (!c->root)
			break;
	if (c == NULL)
		return false;
	log_warn_rl(CTL_WHO, "client %u: closed to make room for root", c->id);
	/* Best effort, as for a refusal: it is between requests. */
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0 &&
	    send(bufferevent_getfd(c->bev), evicted, sizeof(evicted) - 1,
	    MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		log_debug(CTL_WHO, "eviction not told: %s", strerror(errno));
	ctl_client_free(c);
	return true;
}

static void
ctl_accept(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	static const char busy[] =
	    "{\"ok\":false,\"error\":\"too many control clients\"}\n";
	struct ctl_server *srv = arg;
	struct ctl_client *c;
	struct ucred cred;
	bool root;
	int n;

	(void)lev;
	(void)sa;
	(void)salen;
	ctl_peer_cred(fd, &cred);
	root = cred.uid == 0;
	if (!ctl_has_room(srv, root)) {
		log_warn_rl(CTL_WHO, "%u clients connected, refusing one more",
		    srv->nclients);
		/* Best effort on a fresh socket; never blocks. */
		if (send(fd, busy, sizeof(busy) - 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
			log_debug(CTL_WHO, "refusal not sent: %s", strerror(errno));
		close(fd);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		goto fail;
	c->srv = srv;
	c->id = ++srv->next_id;
	c->root = root;
	c->uid = cred.uid;
	c->gid = cred.gid;
	/* The peer process's own groups (setgroups, newgrp), not the
	 * passwd view of its user; without them only its primary gid. */
	if (cred.pid > 0 && !root &&
	    (n = ctl_peer_groups(cred.pid, c->groups, CTL_MAX_GROUPS)) > 0)
		c->ngroups = (size_t)n;
	c->tokens = (uint64_t)srv->rate_burst * 1000;
	c->refilled_ms = ctl_now_ms();
	c->bev = bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		free(c);
		goto fail;
	}
	if ((c->idle = evtimer_new(srv->base, ctl_client_timeout, c)) == NULL) {
		bufferevent_free(c->bev);
		free(c);
		return;
	}
	/* Reading pauses at the limit, so one request never costs more. */
	bufferevent_setwatermark(c->bev, EV_READ, 0, CTL_MAX_REQUEST + 2);
	bufferevent_setcb(c->bev, ctl_client_read, ctl_client_written,
	    ctl_client_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	TAILQ_INSERT_TAIL(&srv->clients, c, entry);
	srv->nclients++;
	if (root)
		srv->nroot++;
	ctl_client_touch(c);
	log_debug(CTL_WHO, "client %u connected%s", c->id, root ? " (root)" : "");
	return;
fail:
	log_err(CTL_WHO, "out of memory accepting a client");
	close(fd);
}

static void
ctl_resume(evutil_socket_t fd, short what, void *arg)
{
	struct ctl_server *srv = arg;

	(void)fd;
	(void)what;
	evconnlistener_enable(srv->lev);
}

/* Out of descriptors: pause accepting for a second instead of spinning. */
static void
ctl_accept_error(struct evconnlistener *lev, void *arg)
{
	struct ctl_server *srv = arg;
	struct timeval one = { 1, 0 };

	log_warn(CTL_WHO, "accept: %s",
	    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
	evconnlistener_disable(lev);
	evtimer_add(srv->resume, &one);
}

static int
ctl_sockaddr(const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path))
		return -1;
	memcpy(sun->sun_path, path, strlen(path) + 1);
	return 0;
}

int
ctl_socket_alive(const char *path)
{
	struct sockaddr_un sun;
	int fd, rc;

	if (ctl_sockaddr(path, &sun) != 0)
		return 0;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
		return 0;
	rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	/* EAGAIN: a full backlog is a live server too. */
	rc = rc == 0 || errno == EAGAIN || errno == EINPROGRESS;
	close(fd);
	return rc;
}

/* The runtime directory: created if missing, never loosened if present. */
static int
ctl_mkparent(const char *path, char *err, size_t errlen)
{
	char *copy, *dir;
	struct stat st;
	int rc = 0;

	if ((copy = strdup(path)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	dir = dirname(copy);
	if (stat(dir, &st) != 0) {
		if (errno != ENOENT || mkdir(dir, 0750) != 0) {
			snprintf(err, errlen, "cannot create %s: %s", dir,
			    strerror(errno));
			rc = -1;
		}
	} else if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is not a directory", dir);
		rc = -1;
	}
	free(copy);
	return rc;
}

static int
ctl_bind(struct ctl_server *srv, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	struct stat st;
	mode_t omask;
	int fd;

	if (ctl_sockaddr(srv->path, &sun) != 0) {
		snprintf(err, errlen, "socket path too long: %s", srv->path);
		return -1;
	}
	if (ctl_mkparent(srv->path, err, errlen) != 0)
		return -1;
	if (lstat(srv->path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "%s exists and is not a socket",
			    srv->path);
			return -1;
		}
		if (ctl_socket_alive(srv->path)) {
			snprintf(err, errlen, "another cgwd is running on %s",
			    srv->path);
			return -1;
		}
		log_info(CTL_WHO, "removing stale socket %s", srv->path);
		if (unlink(srv->path) != 0 && errno != ENOENT) {
			snprintf(err, errlen, "cannot remove stale %s: %s",
			    srv->path, strerror(errno));
			return -1;
		}
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	/* Born 0660: no window in which others may connect. */
	omask = umask(0117);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		umask(omask);
		snprintf(err, errlen, "bind %s: %s", srv->path, strerror(errno));
		close(fd);
		return -1;
	}
	umask(omask);
	if (stat(srv->path, &st) != 0 || listen(fd, 16) != 0) {
		snprintf(err, errlen, "listen %s: %s", srv->path, strerror(errno));
		unlink(srv->path);
		close(fd);
		return -1;
	}
	srv->dev = st.st_dev;
	srv->ino = st.st_ino;
	return fd;
}

struct ctl_server *
ctl_server_open(struct event_base *base, const char *path,
    const struct ctl_server_opts *opts, ctl_handler handler, void *arg,
    char *err, size_t errlen)
{
	struct ctl_server *srv;
	unsigned idle_ms;
	int fd;

	if ((srv = calloc(1, sizeof(*srv))) == NULL ||
	    (srv->path = strdup(path)) == NULL) {
		free(srv);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	srv->base = base;
	srv->handler = handler;
	srv->arg = arg;
	TAILQ_INIT(&srv->clients);
	srv->max_clients = opts && opts->max_clients ? opts->max_clients :
	    CTL_MAX_CLIENTS;
	idle_ms = opts && opts->idle_timeout_ms ? opts->idle_timeout_ms :
	    CTL_IDLE_TIMEOUT_MS;
	srv->rate_per_s = opts && opts->rate_per_s ? opts->rate_per_s :
	    CTL_RATE_PER_S;
	srv->rate_burst = opts && opts->rate_burst ? opts->rate_burst :
	    CTL_RATE_BURST;
	srv->idle.tv_sec = idle_ms / 1000;
	srv->idle.tv_usec = (idle_ms % 1000) * 1000;

	if ((fd = ctl_bind(srv, err, errlen)) < 0) {
		free(srv->path);
		free(srv);
		return NULL;
	}
	srv->resume = evtimer_new(base, ctl_resume, srv);
	srv->lev = evconnlistener_new(base, ctl_accept, srv,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, fd);
	if (srv->resume == NULL || srv->lev == NULL) {
		snprintf(err, errlen, "out of memory");
		if (srv->lev == NULL)
			close(fd);
		ctl_server_close(srv);
		return NULL;
	}
	evconnlistener_set_error_cb(srv->lev, ctl_accept_error);
	log_info(CTL_WHO, "listening on %s", srv->path);
	return srv;
}

void
ctl_server_close(struct ctl_server *srv)
{
	struct ctl_client *c;
	struct stat st;

	if (srv == NULL)
		return;
	while ((c = TAILQ_FIRST(&srv->clients)) != NULL)
		ctl_client_free(c);
	if (srv->lev != NULL)
		evconnlistener_free(srv->lev);
	if (srv->resume != NULL)
		event_free(srv->resume);
	/* Another daemon may have replaced it meanwhile: leave that one. */
	if (srv->ino != 0 && lstat(srv->path, &st) == 0 &&
	    st.st_dev == srv->dev && st.st_ino == srv->ino)
		unlink(srv->path);
	free(srv->path);
	free(srv);
}

int
ctl_server_set_roles(struct ctl_server *srv, const struct ctl_roles *roles,
    char *err, size_t errlen)
{
	const struct conf_ctl_group *g = NULL;
	char *copy, *dir;
	struct stat st;
	int rc = 0;

	srv->roles = *roles;
	if (roles->read.set)
		g = &roles->read;
	else if (roles->admin.set)
		g = &roles->admin;
	if (g == NULL)
		return 0;
	/* The group may connect: the socket is its (born 0660, see ctl_bind). */
	if (chown(srv->path, (uid_t)-1, (gid_t)g->gid) != 0) {
		snprintf(err, errlen, "cannot give %s to group %s: %s", srv->path,
		    g->name, strerror(errno));
		return -1;
	}
	/*
	 * And reach it: a runtime directory still root:root (as systemd's
	 * RuntimeDirectory= or ctl_mkparent made it) gets the group; one an
	 * administrator set up otherwise is left alone.
	 */
	if ((copy = strdup(srv->path)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	dir = dirname(copy);
	if (stat(dir, &st) == 0 && st.st_uid == 0 && st.st_gid == 0 &&
	    (st.st_mode & 07777) == 0750 &&
	    chown(dir, (uid_t)-1, (gid_t)g->gid) != 0) {
		snprintf(err, errlen, "cannot give %s to group %s: %s", dir,
		    g->name, strerror(errno));
		rc = -1;
	}
	free(copy);
	if (rc == 0)
		log_info(CTL_WHO, "group %s may use %s%s", g->name, srv->path,
		    roles->read.set && roles->admin.set ? "" :
		    roles->read.set ? " (read-only)" : " (admin)");
	return rc;
}

unsigned
ctl_server_nclients(const struct ctl_server *srv)
{
	return srv->nclients;
}
