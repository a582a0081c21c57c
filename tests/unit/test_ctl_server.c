/* The control server in-process: framing, limits, idle clients, stale sockets. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <cmocka.h>

#include <event2/event.h>

#include "daemon/control.h"
#include "daemon/ctl_roles.h"

struct fixture {
	char			 dir[64];
	char			 path[96];
	struct event_base	*base;
	struct ctl_server	*srv;
	unsigned		 calls;
};

/* Echoes the command and its arguments; "fail" fails. */
static json_t *
echo_handler(void *arg, const struct ctl_request *req, char *err, size_t errlen)
{
	struct fixture *f = arg;
	json_t *args = json_array();
	size_t i;

	f->calls++;
	if (strcmp(req->command, "fail") == 0) {
		json_decref(args);
		snprintf(err, errlen, "failed as asked");
		return NULL;
	}
	for (i = 0; i < req->argc; i++)
		json_array_append_new(args, json_string(req->argv[i]));
	return json_pack("{s:s, s:o}", "command", req->command, "args", args);
}

static int
setup_opts(void **state, unsigned max_clients, unsigned idle_ms,
    unsigned rate_per_s, unsigned rate_burst)
{
	struct ctl_server_opts opts = { max_clients, idle_ms, rate_per_s,
	    rate_burst };
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];

	assert_non_null(f);
	strcpy(f->dir, "/tmp/cgw-test-ctl.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	/* The server creates the missing runtime directory itself. */
	snprintf(f->path, sizeof(f->path), "%s/run/ctl.sock", f->dir);
	f->base = event_base_new();
	assert_non_null(f->base);
	f->srv = ctl_server_open(f->base, f->path, &opts, echo_handler, f, err,
	    sizeof(err));
	if (f->srv == NULL)
		fail_msg("ctl_server_open: %s", err);
	*state = f;
	return 0;
}

static int
setup(void **state)
{
	return setup_opts(state, 4, 300, 0, 0);
}

/* 2 requests a second, 3 at once */
static int
setup_slow(void **state)
{
	return setup_opts(state, 4, 300, 2, 3);
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char run[128];

	ctl_server_close(f->srv);
	event_base_free(f->base);
	snprintf(run, sizeof(run), "%s/run", f->dir);
	rmdir(run);
	rmdir(f->dir);
	free(f);
	return 0;
}

static int
client(struct fixture *f)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	strcpy(sun.sun_path, f->path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * Run the server's loop until `fd` has a full line (or EOF) to read, or
 * `ms` pass. Returns the line without its newline, "" on EOF, NULL on
 * timeout. One static buffer: enough for these replies.
 */
static char *
pump_line(struct fixture *f, int fd, int ms)
{
	static char buf[1 << 16];
	static size_t have;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct timespec t0;
	char *nl;
	ssize_t n;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if ((nl = memchr(buf, '\n', have)) != NULL) {
			static char line[1 << 16];
			size_t len = (size_t)(nl - buf);

			memcpy(line, buf, len);
			line[len] = '\0';
			memmove(buf, nl + 1, have - len - 1);
			have -= len + 1;
			return line;
		}
		event_base_loop(f->base, EVLOOP_NONBLOCK);
		if (poll(&pfd, 1, 5) == 1) {
			n = recv(fd, buf + have, sizeof(buf) - have, MSG_DONTWAIT);
			if (n == 0 || (n < 0 && errno != EAGAIN)) {
				have = 0;
				return "";
			}
			if (n > 0)
				have += (size_t)n;
			continue;
		}
		if (ms_since(&t0) > ms)
			return NULL;
	}
}

static void
sendstr(int fd, const char *s)
{
	assert_int_equal(send(fd, s, strlen(s), MSG_NOSIGNAL), (ssize_t)strlen(s));
}

static void
test_requests_in_order(void **state)
{
	struct fixture *f = *state;
	int fd = client(f);
	char *l;

	sendstr(fd, "{\"command\":\"one\"}\n{\"command\":\"fail\"}\r\n\n"
	    "{\"command\":\"two\",\"args\":[\"x\"]}\n");
	l = pump_line(f, fd, 1000);
	assert_non_null(l);
	assert_string_equal(l, "{\"ok\":true,\"result\":{\"command\":\"one\",\"args\":[]}}");
	l = pump_line(f, fd, 1000);
	assert_string_equal(l, "{\"ok\":false,\"error\":\"failed as asked\"}");
	l = pump_line(f, fd, 1000);
	assert_string_equal(l, "{\"ok\":true,\"result\":{\"command\":\"two\",\"args\":[\"x\"]}}");
	assert_int_equal(f->calls, 3);	/* the blank line is no request */
	/* A request split over several writes */
	sendstr(fd, "{\"comm");
	assert_null(pump_line(f, fd, 50));
	sendstr(fd, "and\":\"three\"}\n");
	l = pump_line(f, fd, 1000);
	assert_non_null(strstr(l, "three"));
	/* Dripped byte by byte, with a second request behind it. */
	{
		const char *drip = "{\"command\":\"four\"}\n{\"command\":\"five\"}\n";
		size_t i;

		for (i = 0; drip[i] != '\0'; i++) {
			assert_int_equal(send(fd, drip + i, 1, MSG_NOSIGNAL), 1);
			event_base_loop(f->base, EVLOOP_NONBLOCK);
		}
	}
	l = pump_line(f, fd, 1000);
	assert_non_null(strstr(l, "four"));
	l = pump_line(f, fd, 1000);
	assert_non_null(strstr(l, "five"));
	close(fd);
}

static void
test_malformed_keeps_connection(void **state)
{
	struct fixture *f = *state;
	int fd = client(f);
	char *l;

	sendstr(fd, "\x01\x02garbage\xff\n{\"command\":\"ok\"}\n");
	l = pump_line(f, fd, 1000);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"ok\":false"));
	assert_non_null(strstr(l, "malformed request"));
	l = pump_line(f, fd, 1000);
	assert_non_null(strstr(l, "\"ok\":true"));
	close(fd);
}

/* Last request without a newline, then shutdown: still answered. */
static void
test_request_at_eof(void **state)
{
	struct fixture *f = *state;
	int fd = client(f);
	char *l;

	sendstr(fd, "{\"command\":\"last\"}");
	shutdown(fd, SHUT_WR);
	l = pump_line(f, fd, 1000);
	assert_non_null(l);
	assert_non_null(strstr(l, "last"));
	assert_string_equal(pump_line(f, fd, 1000), "");
	close(fd);
}

/*
 * Whole requests, then shutdown at once (`printf ... | nc -N`): the EOF
 * may be read before the replies are written; they must still go out.
 */
static void
test_requests_then_eof(void **state)
{
	struct fixture *f = *state;
	int fd = client(f);
	char *l;

	sendstr(fd, "{\"command\":\"one\"}\n{\"command\":\"two\"}\n");
	shutdown(fd, SHUT_WR);
	l = pump_line(f, fd, 1000);
	assert_non_null(l);
	assert_non_null(strstr(l, "one"));
	l = pump_line(f, fd, 1000);
	assert_non_null(l);
	assert_non_null(strstr(l, "two"));
	assert_string_equal(pump_line(f, fd, 1000), "");
	assert_int_equal(f->calls, 2);
	close(fd);
}

static void
test_too_large(void **state)
{
	struct fixture *f = *state;
	size_t n = CTL_MAX_REQUEST + 100;
	char *big = malloc(n);
	int fd = client(f);
	size_t off = 0;
	ssize_t w;
	char *l = NULL;

	assert_non_null(big);
	memset(big, 'a', n);
	/* Feed it as the server drains it: a blocking send would wait on us. */
	while (off < n) {
		w = send(fd, big + off, n - off, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w > 0)
			off += (size_t)w;
		else if (w < 0 && errno != EAGAIN)
			break;
		if ((l = pump_line(f, fd, 10)) != NULL)
			break;
	}
	if (l == NULL)
		l = pump_line(f, fd, 1000);
	assert_non_null(l);
	assert_string_equal(l, "{\"ok\":false,\"error\":\"request too large\"}");
	/* Our side is shut: EOF follows, whatever the client still sends. */
	assert_string_equal(pump_line(f, fd, 1000), "");
	assert_int_equal(f->calls, 0);
	free(big);
	close(fd);
	pump_line(f, -1, 50);
	assert_int_equal(ctl_server_nclients(f->srv), 0);
}

/*
 * One byte over the limit, with or without its newline, and the client's
 * end shut at once (`... | socat`): the same answer as any other
 * oversized request, not lost when the EOF is read before it is written.
 */
static void
test_too_large_by_one(void **state)
{
	struct fixture *f = *state;
	size_t sizes[] = { CTL_MAX_REQUEST + 1, CTL_MAX_REQUEST + 2 };
	size_t k;

	for (k = 0; k < 2; k++) {
		size_t n = sizes[k] + 1, off = 0;
		char *big = malloc(n);
		int fd = client(f);
		ssize_t w;
		char *l;

		assert_non_null(big);
		memset(big, 'a', n);
		big[n - 1] = '\n';
		/* Fits in the socket's buffer: all of it, then EOF, in one go. */
		while (off < n) {
			w = send(fd, big + off, n - off, MSG_NOSIGNAL);
			assert_true(w > 0);
			off += (size_t)w;
		}
		shutdown(fd, SHUT_WR);
		l = pump_line(f, fd, 1000);
		assert_non_null(l);
		assert_string_equal(l, "{\"ok\":false,\"error\":\"request too large\"}");
		free(big);
		close(fd);
	}
	assert_int_equal(f->calls, 0);
}

static void
test_idle_client_closed(void **state)
{
	struct fixture *f = *state;
	struct timespec t0;
	int idle = client(f), busy = client(f);
	char *l;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* The silent one does not hold up the other. */
	sendstr(busy, "{\"command\":\"x\"}\n");
	l = pump_line(f, busy, 1000);
	assert_non_null(l);
	assert_true(ms_since(&t0) < 1000);	/* generous: loaded CI */
	/* Nothing ever sent: closed after the idle timeout (300 ms here). */
	sendstr(idle, "{\"command\":");	/* incomplete does not count */
	assert_string_equal(pump_line(f, idle, 2000), "");
	assert_true(ms_since(&t0) >= 250);
	close(idle);
	close(busy);
}

static void
test_max_clients(void **state)
{
	struct fixture *f = *state;
	int fds[4], extra, i;
	char *l;

	for (i = 0; i < 4; i++)
		fds[i] = client(f);
	pump_line(f, -1, 50);
	assert_int_equal(ctl_server_nclients(f->srv), 4);
	extra = client(f);
	l = pump_line(f, extra, 1000);
	assert_non_null(l);
	assert_string_equal(l, "{\"ok\":false,\"error\":\"too many control clients\"}");
	assert_string_equal(pump_line(f, extra, 1000), "");
	close(extra);
	/* The others still work. */
	sendstr(fds[3], "{\"command\":\"x\"}\n");
	assert_non_null(pump_line(f, fds[3], 1000));
	for (i = 0; i < 4; i++)
		close(fds[i]);
	pump_line(f, -1, 50);
	assert_int_equal(ctl_server_nclients(f->srv), 0);
}

/*
 * n clients of uid 65534 in the socket's group (root's): a child drops to
 * that user, connects (SO_PEERCRED keeps who connected) and hands the
 * sockets back over a socketpair.
 */
static void
clients_nonroot(struct fixture *f, int *fds, int n)
{
	char run[128], byte = 0;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	int sp[2], i, status;
	pid_t pid;

	snprintf(run, sizeof(run), "%s/run", f->dir);
	assert_int_equal(chmod(f->dir, 0750), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	if ((pid = fork()) == 0) {
		close(sp[0]);
		if (setgroups(0, NULL) != 0 || setgid(0) != 0 ||
		    setuid(65534) != 0)
			_exit(1);
		for (i = 0; i < n; i++) {
			struct sockaddr_un sun = { .sun_family = AF_UNIX };
			int fd = socket(AF_UNIX, SOCK_STREAM, 0);

			strcpy(sun.sun_path, f->path);
			if (fd < 0 || connect(fd, (struct sockaddr *)&sun,
			    sizeof(sun)) != 0)
				_exit(2);
			msg.msg_controllen = sizeof(u.buf);
			u.hdr.cmsg_len = CMSG_LEN(sizeof(int));
			u.hdr.cmsg_level = SOL_SOCKET;
			u.hdr.cmsg_type = SCM_RIGHTS;
			memcpy(CMSG_DATA(&u.hdr), &fd, sizeof(int));
			if (sendmsg(sp[1], &msg, 0) != 1)
				_exit(3);
			close(fd);
		}
		_exit(0);
	}
	assert_true(pid > 0);
	close(sp[1]);
	for (i = 0; i < n; i++) {
		msg.msg_controllen = sizeof(u.buf);
		assert_int_equal(recvmsg(sp[0], &msg, 0), 1);
		memcpy(&fds[i], CMSG_DATA(&u.hdr), sizeof(int));
		/* Accept as we go: the listen backlog is short. */
		pump_line(f, -1, 5);
	}
	close(sp[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* The clients of clients_nonroot (gid 0) hold the read-only role. */
static void
roles_gid0(struct fixture *f, bool admin)
{
	struct ctl_roles r;
	char err[256];

	memset(&r, 0, sizeof(r));
	r.read.set = true;
	r.read.gid = 0;
	strcpy(r.read.name, "root");
	if (admin) {
		r.admin = r.read;
		r.read.set = false;
	}
	if (ctl_server_set_roles(f->srv, &r, err, sizeof(err)) != 0)
		fail_msg("set roles: %s", err);
}

/*
 * Roles: without a configured group a non-root client may run nothing;
 * in the read-only group, read-only commands only; in the admin group,
 * all. Refusals name the missing role and who holds it.
 */
static void
test_roles(void **state)
{
	struct fixture *f = *state;
	int fds[1];
	char *l;

	if (geteuid() != 0)
		skip();
	clients_nonroot(f, fds, 1);
	sendstr(fds[0], "{\"command\":\"status\"}\n");
	l = pump_line(f, fds[0], 1000);
	assert_non_null(l);
	assert_string_equal(l, "{\"ok\":false,\"error\":\"permission denied: "
	    "'status' needs the read-only role (root)\"}");
	roles_gid0(f, false);
	sendstr(fds[0], "{\"command\":\"show\",\"args\":[\"tunnels\"]}\n");
	assert_non_null(strstr(pump_line(f, fds[0], 1000), "\"ok\":true"));
	sendstr(fds[0], "{\"command\":\"tunnel\",\"args\":[\"down\",\"v/t1\"]}\n");
	l = pump_line(f, fds[0], 1000);
	assert_non_null(l);
	assert_string_equal(l, "{\"ok\":false,\"error\":\"permission denied: "
	    "'tunnel down' needs the admin role (root)\"}");
	sendstr(fds[0], "{\"command\":\"reload\"}\n");
	assert_non_null(strstr(pump_line(f, fds[0], 1000), "needs the admin role"));
	/* A reload that makes gid 0 the admin group: the same client may. */
	roles_gid0(f, true);
	sendstr(fds[0], "{\"command\":\"reload\"}\n");
	assert_non_null(strstr(pump_line(f, fds[0], 1000), "\"ok\":true"));
	close(fds[0]);
}

/*
 * monitor: the client gets every published line, is not closed for
 * being idle, and one that does not read loses events (bounded output)
 * and is told how many once it reads again.
 */
static void
test_monitor(void **state)
{
	struct fixture *f = *state;
	struct ctl_roles r;
	struct timespec t0;
	char line[128], err[256], *l;
	unsigned long long got = 0, dropped = 0;
	int fd, small = 4096, i;

	/* Whoever runs the test may monitor (root or not). */
	memset(&r, 0, sizeof(r));
	r.read.set = true;
	r.read.gid = (uint32_t)getegid();
	strcpy(r.read.name, "test");
	assert_int_equal(ctl_server_set_roles(f->srv, &r, err, sizeof(err)), 0);
	fd = client(f);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small,
	    sizeof(small)), 0);
	sendstr(fd, "{\"command\":\"monitor\",\"args\":[\"x\"]}\n");
	assert_string_equal(pump_line(f, fd, 1000),
	    "{\"ok\":false,\"error\":\"usage: monitor\"}");
	assert_int_equal(ctl_server_nmonitors(f->srv), 0);
	/* Nobody listens: publishing is a no-op. */
	ctl_server_publish(f->srv, "{\"event\":\"lost\"}");
	sendstr(fd, "{\"command\":\"monitor\"}\n");
	assert_string_equal(pump_line(f, fd, 1000),
	    "{\"ok\":true,\"result\":{\"monitor\":true}}");
	assert_int_equal(ctl_server_nmonitors(f->srv), 1);
	ctl_server_publish(f->srv, "{\"event\":\"a\"}");
	assert_string_equal(pump_line(f, fd, 1000), "{\"event\":\"a\"}");
	/* Twice the idle timeout (300 ms here): still there. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (ms_since(&t0) < 700)
		event_base_loop(f->base, EVLOOP_NONBLOCK);
	ctl_server_publish(f->srv, "{\"event\":\"b\"}");
	assert_string_equal(pump_line(f, fd, 1000), "{\"event\":\"b\"}");

	/* 1.6 MB of events to a client that does not read. */
	for (i = 0; i < 20000; i++) {
		snprintf(line, sizeof(line), "{\"event\":\"flood\",\"n\":%d,"
		    "\"pad\":\"%060d\"}", i, 0);
		ctl_server_publish(f->srv, line);
		if (i % 100 == 0)
			event_base_loop(f->base, EVLOOP_NONBLOCK);
	}
	/* Read what came through, then one more event after the drops. */
	while ((l = pump_line(f, fd, 300)) != NULL && *l != '\0') {
		assert_non_null(strstr(l, "\"flood\""));
		got++;
	}
	assert_true(got > 0);
	assert_true(got < 20000);
	ctl_server_publish(f->srv, "{\"event\":\"last\"}");
	l = pump_line(f, fd, 1000);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"event\":\"dropped\""));
	assert_non_null(strstr(l, "events dropped: this client reads too slowly"));
	l = strstr(l, "\"count\":");
	assert_non_null(l);
	dropped = strtoull(l + 8, NULL, 10);
	assert_int_equal(got + dropped, 20000);
	assert_string_equal(pump_line(f, fd, 1000), "{\"event\":\"last\"}");
	/* Requests still work on a monitor connection. */
	sendstr(fd, "{\"command\":\"status\"}\n");
	assert_non_null(strstr(pump_line(f, fd, 1000), "\"ok\":true"));
	close(fd);
	pump_line(f, -1, 50);
	assert_int_equal(ctl_server_nmonitors(f->srv), 0);
}

/* Idle group members fill what they may: root still gets an answer. */
static void
test_root_not_locked_out(void **state)
{
	struct fixture *f = *state;
	int fds[4], root, root2, i;
	char *l;

	if (geteuid() != 0)
		skip();
	roles_gid0(f, false);
	clients_nonroot(f, fds, 4);
	pump_line(f, -1, 50);
	/* The last of the 4 slots is root's: the 4th member is refused. */
	assert_int_equal(ctl_server_nclients(f->srv), 3);
	l = pump_line(f, fds[3], 1000);
	assert_non_null(l);
	assert_string_equal(l, "{\"ok\":false,\"error\":\"too many control clients\"}");
	close(fds[3]);
	root = client(f);
	sendstr(root, "{\"command\":\"status\"}\n");
	l = pump_line(f, root, 1000);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"ok\":true"));
	/* Every slot taken: a second root client takes an idle member's. */
	sendstr(fds[0], "{\"command\":\"x\"}\n");
	assert_non_null(pump_line(f, fds[0], 1000));
	root2 = client(f);
	sendstr(root2, "{\"command\":\"status\"}\n");
	l = pump_line(f, root2, 1000);
	assert_non_null(l);
	assert_non_null(strstr(l, "\"ok\":true"));
	/* The one quiet longest went (fds[1]), told why; fds[0] stays. */
	l = pump_line(f, fds[1], 1000);
	assert_non_null(l);
	assert_non_null(strstr(l, "root needs one"));
	assert_string_equal(pump_line(f, fds[1], 1000), "");
	sendstr(fds[0], "{\"command\":\"y\"}\n");
	assert_non_null(strstr(pump_line(f, fds[0], 1000), "\"ok\":true"));
	assert_int_equal(ctl_server_nclients(f->srv), 4);
	for (i = 0; i < 3; i++)
		close(fds[i]);
	close(root);
	close(root2);
}

/* Faster than the rate rule (3 at once, 2/s here): a clear error. */
static void
test_request_rate(void **state)
{
	struct fixture *f = *state;
	int fd = client(f), i;
	char *l;

	sendstr(fd, "{\"command\":\"a\"}\n{\"command\":\"b\"}\n"
	    "{\"command\":\"c\"}\n{\"command\":\"d\"}\n");
	for (i = 0; i < 3; i++) {
		l = pump_line(f, fd, 1000);
		assert_non_null(l);
		assert_non_null(strstr(l, "\"ok\":true"));
	}
	l = pump_line(f, fd, 1000);
	assert_non_null(l);
	assert_string_equal(l, "{\"ok\":false,\"error\":\"too many requests: "
	    "at most 2 per second\"}");
	assert_int_equal(f->calls, 3);
	/* Half a second later, one more may go. */
	usleep(600 * 1000);
	sendstr(fd, "{\"command\":\"e\"}\n");
	assert_non_null(strstr(pump_line(f, fd, 1000), "\"ok\":true"));
	close(fd);
}

static void
test_socket_ownership(void **state)
{
	struct fixture *f = *state;
	struct ctl_server *other;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct stat st;
	char err[256];
	int fd;

	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0660);
	assert_true(ctl_socket_alive(f->path));
	/* A second server on a live socket is refused... */
	other = ctl_server_open(f->base, f->path, NULL, echo_handler, f, err,
	    sizeof(err));
	assert_null(other);
	assert_non_null(strstr(err, "another cgwd is running on"));
	/* ...and the live one is not disturbed. */
	assert_true(ctl_socket_alive(f->path));

	/* Closing unlinks it. */
	ctl_server_close(f->srv);
	f->srv = NULL;
	assert_int_equal(lstat(f->path, &st), -1);
	assert_false(ctl_socket_alive(f->path));

	/* A stale socket (nobody listening) is replaced. */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	strcpy(sun.sun_path, f->path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	assert_int_equal(lstat(f->path, &st), 0);
	f->srv = ctl_server_open(f->base, f->path, NULL, echo_handler, f, err,
	    sizeof(err));
	if (f->srv == NULL)
		fail_msg("stale socket not replaced: %s", err);
	assert_true(ctl_socket_alive(f->path));

	/* Something that is not a socket is left alone. */
	ctl_server_close(f->srv);
	f->srv = NULL;
	fd = open(f->path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	other = ctl_server_open(f->base, f->path, NULL, echo_handler, f, err,
	    sizeof(err));
	assert_null(other);
	assert_non_null(strstr(err, "is not a socket"));
	unlink(f->path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_requests_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_keeps_connection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_request_at_eof, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requests_then_eof, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_too_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_large_by_one, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_client_closed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_clients, setup, teardown),
		cmocka_unit_test_setup_teardown(test_root_not_locked_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_monitor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_request_rate, setup_slow, teardown),
		cmocka_unit_test_setup_teardown(test_socket_ownership, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
