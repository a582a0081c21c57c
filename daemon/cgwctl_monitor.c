/*
 * cgwctl monitor: one `monitor` request, then every event line the daemon
 * sends, printed as it comes (text for people, --json as is), until the
 * user interrupts or the daemon goes away.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "daemon/cgwctl.h"
#include "daemon/cgwctl_table.h"
#include "daemon/ctl_proto.h"

/* An event line longer than this is the daemon's bug: we stop. */
#define CTL_EVENT_MAX	(64 * 1024)

/* "2026-12-02 12:30:01 tunnel aws-prod/t1: down -> connecting (initiating)" */
int
ctl_print_event(FILE *f, const json_t *ev)
{
	const json_t *t = json_object_get(ev, "time");
	const char *kind = json_string_value(json_object_get(ev, "event"));
	const char *name = json_string_value(json_object_get(ev, "name"));
	const char *text = json_string_value(json_object_get(ev, "text"));
	char when[32] = "-";
	struct tm tm;
	time_t secs;

	if (kind == NULL || text == NULL)
		return -1;
	if (json_is_integer(t)) {
		secs = (time_t)json_integer_value(t);
		if (localtime_r(&secs, &tm) == NULL ||
		    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm) == 0)
			snprintf(when, sizeof(when), "-");
	}
	fprintf(f, "%s %-6s %s%s%s\n", when, kind, name ? name : "",
	    name ? ": " : "", text);
	return 0;
}

static int
ctl_monitor_line(const char *line, size_t len, int json, bool first)
{
	json_t *v, *res;
	char err[512];
	int rc;

	if (first) {
		/* The reply to the request: ok, or why not (a role, say). */
		rc = ctl_reply_parse(line, len, &res, err, sizeof(err));
		if (rc != 0) {
			fprintf(stderr, "cgwctl: %s\n", err);
			return -1;
		}
		json_decref(res);
		return 0;
	}
	if ((v = json_loadb(line, len, 0, NULL)) == NULL ||
	    json_object_get(v, "event") == NULL) {
		/* A reply to nothing we asked, or noise: not an event. */
		json_decref(v);
		return 0;
	}
	if (json)
		printf("%.*s\n", (int)len, line);
	else
		(void)ctl_print_event(stdout, v);
	json_decref(v);
	/* Each event at once, also into a pipe. */
	if (fflush(stdout) != 0)
		return -1;
	return 0;
}

int
cgwctl_monitor(const char *sock, int json, int argc, char *argv[])
{
	char err[512], *req, *buf, *nl;
	size_t have = 0, off;
	bool first = true;
	ssize_t n;
	int fd, i, flags;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0)
			json = 1;
		else {
			fprintf(stderr, "cgwctl: usage: monitor [--json]\n");
			return 2;
		}
	}
	if ((fd = ctl_connect(sock, ctl_now_ms() + CGWCTL_TIMEOUT_MS, err,
	    sizeof(err))) < 0) {
		fprintf(stderr, "cgwctl: %s\n", err);
		return 1;
	}
	/* Events come when they come: plain blocking reads from here on. */
	if ((flags = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0 ||
	    (req = ctl_request_encode("monitor", 0, NULL)) == NULL ||
	    (buf = malloc(CTL_EVENT_MAX + 1)) == NULL) {
		fprintf(stderr, "cgwctl: %s\n", strerror(errno ? errno : ENOMEM));
		close(fd);
		return 1;
	}
	for (off = 0; off < strlen(req); off += (size_t)n) {
		n = send(fd, req + off, strlen(req) - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n <= 0) {
			fprintf(stderr, "cgwctl: cannot send to %s: %s\n", sock,
			    strerror(errno));
			goto fail;
		}
	}
	for (;;) {
		n = recv(fd, buf + have, CTL_EVENT_MAX - have, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "cgwctl: monitor: %s\n", n == 0 ?
			    "cgwd closed the connection" : strerror(errno));
			goto fail;
		}
		have += (size_t)n;
		while ((nl = memchr(buf, '\n', have)) != NULL) {
			if (ctl_monitor_line(buf, (size_t)(nl - buf), json,
			    first) != 0)
				goto fail;
			first = false;
			have -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, have);
		}
		if (have == CTL_EVENT_MAX) {
			fprintf(stderr, "cgwctl: monitor: event line too long\n");
			goto fail;
		}
	}
fail:
	free(req);
	free(buf);
	close(fd);
	return 1;
}
