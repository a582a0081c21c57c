/*
 * cgwctl: a thin client. Sends one request, prints the daemon's result as
 * a table (or unchanged with --json). Only import-aws runs locally.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "cgw_version.h"
#include "conf/aws_import.h"
#include "daemon/cgwctl.h"
#include "daemon/cgwctl_table.h"
#include "daemon/ctl_proto.h"

#define CGWCTL_MAX_NETWORKS	64

long long
ctl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for `events` until the deadline; 0 ready, -1 timeout or error. */
static int
ctl_wait(int fd, short events, long long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	long long left;
	int rc;

	for (;;) {
		left = deadline - ctl_now_ms();
		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		rc = poll(&pfd, 1, (int)left);
		if (rc > 0)
			return 0;
		if (rc == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (errno != EINTR)
			return -1;
	}
}

int
ctl_connect(const char *sock, long long deadline, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(sock) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "socket path too long: %s", sock);
		return -1;
	}
	memcpy(sun.sun_path, sock, strlen(sock) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	/* A full backlog answers EAGAIN: a busy daemon, try until the deadline. */
	while (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		if (errno == EAGAIN && ctl_now_ms() < deadline) {
			usleep(20000);
			continue;
		}
		snprintf(err, errlen, "cannot connect to %s: %s (is cgwd running?)",
		    sock, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int
ctl_client_call(const char *sock, const char *command, size_t argc,
    char *const argv[], int timeout_ms, json_t **result, char *err,
    size_t errlen)
{
	long long deadline = ctl_now_ms() + timeout_ms;
	char *req, *buf = NULL, *nl = NULL, *nbuf;
	size_t len, off = 0, have = 0, cap = 0;
	ssize_t n;
	int fd, rc = -1;

	*result = NULL;
	/* JSON carries UTF-8 only: name the argument, not "out of memory". */
	for (size_t i = 0; i <= argc; i++) {
		json_t *j = json_string(i == 0 ? command : argv[i - 1]);

		if (j == NULL && i == 0) {
			snprintf(err, errlen, "the command is not UTF-8 text");
			return -1;
		}
		if (j == NULL) {
			snprintf(err, errlen, "argument %zu is not UTF-8 text", i);
			return -1;
		}
		json_decref(j);
	}
	if ((req = ctl_request_encode(command, argc, argv)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((fd = ctl_connect(sock, deadline, err, errlen)) < 0) {
		free(req);
		return -1;
	}
	len = strlen(req);
	while (off < len) {
		n = send(fd, req + off, len - off, MSG_NOSIGNAL);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR) &&
		    ctl_wait(fd, POLLOUT, deadline) == 0)
			continue;
		snprintf(err, errlen, "cannot send to %s: %s", sock,
		    strerror(errno));
		goto out;
	}
	while (nl == NULL) {
		if (have + 4096 + 1 > cap) {
			if (cap >= CGWCTL_MAX_REPLY) {
				snprintf(err, errlen, "reply from %s too large", sock);
				goto out;
			}
			cap = cap ? cap * 2 : 65536;
			if ((nbuf = realloc(buf, cap)) == NULL) {
				snprintf(err, errlen, "out of memory");
				goto out;
			}
			buf = nbuf;
		}
		n = recv(fd, buf + have, cap - have - 1, 0);
		if (n > 0) {
			have += (size_t)n;
			buf[have] = '\0';
			nl = memchr(buf, '\n', have);
			continue;
		}
		if (n == 0) {
			snprintf(err, errlen, "%s closed the connection without an answer",
			    sock);
			goto out;
		}
		if ((errno == EAGAIN || errno == EINTR) &&
		    ctl_wait(fd, POLLIN, deadline) == 0)
			continue;
		snprintf(err, errlen, "no answer from %s: %s", sock,
		    errno == ETIMEDOUT ? "timed out" : strerror(errno));
		goto out;
	}
	rc = ctl_reply_parse(buf, (size_t)(nl - buf), result, err, errlen);
out:
	free(req);
	free(buf);
	close(fd);
	return rc;
}

/* --- tables ------------------------------------------------------------ */

void
ctl_fmt_age(const json_t *v, char *buf, size_t len)
{
	long long s;

	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		snprintf(buf, len, "-");
		return;
	}
	s = json_integer_value(v);
	if (s < 60)
		snprintf(buf, len, "%llds", s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%lldh%02lldm", s / 3600, (s % 3600) / 60);
	else
		snprintf(buf, len, "%lldd%02lldh", s / 86400, (s % 86400) / 3600);
}

#define CTL_NCOL(cols)	(sizeof(cols) / sizeof((cols)[0]))

int
ctl_print_status(FILE *f, const json_t *result)
{
	static const struct ctl_col cols[] = {
		{ "NAME",	"name",		CTL_CELL_TEXT,	NULL },
		{ "STATE",	"state",	CTL_CELL_TEXT,	NULL },
		{ "REASON",	"reason_class",	CTL_CELL_TEXT,	NULL },
		{ "IKE-AGE",	"ike_age_s",	CTL_CELL_AGE,	NULL },
		{ "CHILD-AGE",	"child_age_s",	CTL_CELL_AGE,	NULL },
		{ "BGP",	"bgp",		CTL_CELL_TEXT,	NULL },
		{ "ROUTES",	"routes",	CTL_CELL_TEXT,	NULL },
	};

	return ctl_table_print(f, cols, CTL_NCOL(cols),
	    json_object_get(result, "tunnels"));
}

int
ctl_print_tunnels(FILE *f, const json_t *result)
{
	static const struct ctl_col cols[] = {
		{ "NAME",	 "name",	CTL_CELL_TEXT,	NULL },
		{ "STATE",	 "state",	CTL_CELL_TEXT,	NULL },
		{ "REASON",	 "reason_class", CTL_CELL_TEXT,	NULL },
		{ "INTERFACE",	 "interface",	CTL_CELL_TEXT,	NULL },
		{ "LOCAL",	 "local",	CTL_CELL_TEXT,	NULL },
		{ "REMOTE",	 "remote",	CTL_CELL_TEXT,	NULL },
		{ "INSIDE",	 "inside",	CTL_CELL_TEXT,	NULL },
		{ "PEER-INSIDE", "peer_inside",	CTL_CELL_TEXT,	NULL },
		{ "IKE",	 "ike.state",	CTL_CELL_TEXT,	NULL },
		{ "CHILD-SAS",	 "child_sas",	CTL_CELL_COUNT,	NULL },
		{ "BGP",	 "bgp.state",	CTL_CELL_TEXT,	NULL },
	};

	return ctl_table_print(f, cols, CTL_NCOL(cols),
	    json_object_get(result, "tunnels"));
}

/* "2026-12-02 11:52:03" in local time, "-" for what is no time. */
static const char *
ctl_fmt_time(const json_t *v, char *buf, size_t len)
{
	struct tm tm;
	time_t t;

	if (!json_is_integer(v) || len == 0)
		return "-";
	t = (time_t)json_integer_value(v);
	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		return "-";
	return buf;
}

/*
 * `show tunnel NAME`: one tunnel, a line per fact, the full reason and
 * the state-change history (the tables carry only the short class).
 */
int
ctl_print_tunnel(FILE *f, const json_t *t)
{
	const json_t *ike, *bgp, *child, *h, *reason_class;
	char b[8][CTL_TEXT_MAX], age[32], age2[32];
	size_t i;

	if (!json_is_object(t) || !json_is_string(json_object_get(t, "name")))
		return -1;
	ike = json_object_get(t, "ike");
	bgp = json_object_get(t, "bgp");
	reason_class = json_object_get(t, "reason_class");
	ctl_fmt_age(json_object_get(t, "state_age_s"), age, sizeof(age));
	fprintf(f, "tunnel        %s\n", ctl_cell_text(t, "name", b[0], sizeof(b[0])));
	fprintf(f, "state         %s for %s%s%s%s\n",
	    ctl_cell_text(t, "state", b[0], sizeof(b[0])), age,
	    json_is_string(reason_class) ? " (" : "",
	    json_is_string(reason_class) ? json_string_value(reason_class) : "",
	    json_is_string(reason_class) ? ")" : "");
	fprintf(f, "reason        %s\n",
	    ctl_cell_text(t, "state_reason", b[0], sizeof(b[0])));
	fprintf(f, "admin down    %s\n",
	    ctl_cell_text(t, "admin_down", b[0], sizeof(b[0])));
	fprintf(f, "kernel error  %s\n",
	    ctl_cell_text(t, "kernel_error", b[0], sizeof(b[0])));
	fprintf(f, "interface     %s (name %s)\n",
	    ctl_cell_text(t, "interface", b[0], sizeof(b[0])),
	    ctl_cell_text(t, "interface_name", b[1], sizeof(b[1])));
	fprintf(f, "local         %s\n", ctl_cell_text(t, "local", b[0], sizeof(b[0])));
	fprintf(f, "remote        %s\n", ctl_cell_text(t, "remote", b[0], sizeof(b[0])));
	fprintf(f, "inside        %s, peer %s\n",
	    ctl_cell_text(t, "inside", b[0], sizeof(b[0])),
	    ctl_cell_text(t, "peer_inside", b[1], sizeof(b[1])));
	if (json_is_object(ike)) {
		ctl_fmt_age(json_object_get(ike, "age_s"), age, sizeof(age));
		ctl_fmt_age(json_object_get(ike, "rekey_in_s"), age2, sizeof(age2));
		fprintf(f, "ike sa        %s, %s, age %s, rekey in %s, nat %s, "
		    "spi %s/%s\n",
		    ctl_cell_text(ike, "state", b[0], sizeof(b[0])),
		    ctl_cell_text(ike, "proposal", b[1], sizeof(b[1])), age, age2,
		    ctl_cell_text(ike, "nat", b[2], sizeof(b[2])),
		    ctl_cell_text(ike, "spi_i", b[3], sizeof(b[3])),
		    ctl_cell_text(ike, "spi_r", b[4], sizeof(b[4])));
		fprintf(f, "ike error     %s\n",
		    ctl_cell_text(ike, "last_error", b[0], sizeof(b[0])));
	} else
		fprintf(f, "ike sa        none\n");
	json_array_foreach(json_object_get(t, "child_sas"), i, child) {
		ctl_fmt_age(json_object_get(child, "age_s"), age, sizeof(age));
		ctl_fmt_age(json_object_get(child, "rekey_in_s"), age2, sizeof(age2));
		fprintf(f, "child sa      %s/%s, %s, age %s, rekey in %s, "
		    "bytes %s in %s out\n",
		    ctl_cell_text(child, "spi_in", b[0], sizeof(b[0])),
		    ctl_cell_text(child, "spi_out", b[1], sizeof(b[1])),
		    ctl_cell_text(child, "proposal", b[2], sizeof(b[2])), age, age2,
		    ctl_cell_text(child, "bytes_in", b[3], sizeof(b[3])),
		    ctl_cell_text(child, "bytes_out", b[4], sizeof(b[4])));
	}
	if (json_array_size(json_object_get(t, "child_sas")) == 0)
		fprintf(f, "child sa      none\n");
	if (json_is_object(bgp)) {
		fprintf(f, "bgp           %s, peer asn %s, %s received, "
		    "%s advertised\n",
		    ctl_cell_text(bgp, "state", b[0], sizeof(b[0])),
		    ctl_cell_text(bgp, "peer_asn", b[1], sizeof(b[1])),
		    ctl_cell_text(bgp, "prefixes_received", b[2], sizeof(b[2])),
		    ctl_cell_text(bgp, "prefixes_advertised", b[3], sizeof(b[3])));
	}
	if (json_is_object(json_object_get(t, "static"))) {
		const json_t *st = json_object_get(t, "static"), *r;
		size_t k = 0;

		json_array_foreach(json_object_get(st, "routes"), i, r)
			k += json_is_true(json_object_get(r, "installed"));
		fprintf(f, "static        %zu prefixes, %zu installed through "
		    "this tunnel\n", json_array_size(json_object_get(st,
		    "prefixes")), k);
	}
	fprintf(f, "history:\n");
	json_array_foreach(json_object_get(t, "history"), i, h)
		fprintf(f, "  %s  %s -> %s  %s\n",
		    ctl_fmt_time(json_object_get(h, "time"), b[0], sizeof(b[0])),
		    ctl_cell_text(h, "from", b[1], sizeof(b[1])),
		    ctl_cell_text(h, "to", b[2], sizeof(b[2])),
		    ctl_cell_text(h, "reason", b[3], sizeof(b[3])));
	return 0;
}

/*
 * One line per SA: the IKE SA of each tunnel ("none" without one), then
 * its CHILD SAs. A rekey time belongs to an established IKE SA only.
 */
static json_t *
ctl_sas_lines(const json_t *sas)
{
	const json_t *row, *ike, *child, *tunnel, *state;
	json_t *lines = json_array(), *l;
	size_t i, j;
	bool up;

	if (lines == NULL)
		return NULL;
	json_array_foreach(sas, i, row) {
		tunnel = json_object_get(row, "tunnel");
		ike = json_object_get(row, "ike");
		state = json_object_get(ike, "state");
		up = json_is_string(state) &&
		    strcmp(json_string_value(state), "established") == 0;
		l = json_pack("{s:O?, s:s, s:O?, s:O?, s:O?, s:O?}",
		    "tunnel", tunnel, "sa", "ike",
		    "state", json_is_object(ike) ? state : NULL,
		    "proposal", json_object_get(ike, "proposal"),
		    "age_s", json_object_get(ike, "age_s"),
		    "rekey_in_s", up ? json_object_get(ike, "rekey_in_s") : NULL);
		if (!json_is_object(ike))
			json_object_set_new(l, "state", json_string("none"));
		json_array_append_new(lines, l);
		json_array_foreach(json_object_get(row, "child_sas"), j, child) {
			l = json_deep_copy(child);
			json_object_set_new(l, "tunnel", json_deep_copy(tunnel));
			json_object_set_new(l, "sa", json_string("child"));
			json_object_set_new(l, "state", json_string("installed"));
			json_array_append_new(lines, l);
		}
	}
	return lines;
}

/* {"sas": [{"tunnel", "ike": {...}|null, "child_sas": [...]}]} */
int
ctl_print_sas(FILE *f, const json_t *result)
{
	static const struct ctl_col cols[] = {
		{ "TUNNEL",	"tunnel",	CTL_CELL_TEXT,	NULL },
		{ "SA",		"sa",		CTL_CELL_TEXT,	NULL },
		{ "STATE",	"state",	CTL_CELL_TEXT,	NULL },
		{ "SPI-IN",	"spi_in",	CTL_CELL_TEXT,	NULL },
		{ "SPI-OUT",	"spi_out",	CTL_CELL_TEXT,	NULL },
		{ "PROPOSAL",	"proposal",	CTL_CELL_TEXT,	NULL },
		{ "AGE",	"age_s",	CTL_CELL_AGE,	NULL },
		{ "REKEY-IN",	"rekey_in_s",	CTL_CELL_AGE,	NULL },
		{ "BYTES-IN",	"bytes_in",	CTL_CELL_TEXT,	NULL },
		{ "BYTES-OUT",	"bytes_out",	CTL_CELL_TEXT,	NULL },
	};
	const json_t *sas = json_object_get(result, "sas");
	json_t *lines;
	int rc;

	if (!json_is_array(sas) || (lines = ctl_sas_lines(sas)) == NULL)
		return -1;
	rc = ctl_table_print(f, cols, CTL_NCOL(cols), lines);
	json_decref(lines);
	return rc;
}

/* {"bgp": [{"name", "peer", "peer_asn", "state", "uptime_s",
 *           "prefixes_received", "prefixes_advertised"}]} */
int
ctl_print_bgp(FILE *f, const json_t *result)
{
	static const struct ctl_col cols[] = {
		{ "NAME",	"name",		CTL_CELL_TEXT,	NULL },
		{ "PEER",	"peer",		CTL_CELL_TEXT,	NULL },
		{ "ASN",	"peer_asn",	CTL_CELL_TEXT,	NULL },
		{ "STATE",	"state",	CTL_CELL_TEXT,	NULL },
		{ "UPTIME",	"uptime_s",	CTL_CELL_AGE,	"established" },
		{ "RECEIVED",	"prefixes_received", CTL_CELL_TEXT, NULL },
		{ "ADVERTISED",	"prefixes_advertised", CTL_CELL_TEXT, NULL },
	};

	return ctl_table_print(f, cols, CTL_NCOL(cols),
	    json_object_get(result, "bgp"));
}

/*
 * {"advertised": [{"name", "peer", "state", "prefixes": [...]}]}: one
 * line per prefix we send, and a line with "-" for a session that sends
 * nothing (so every session shows).
 */
int
ctl_print_advertised(FILE *f, const json_t *result)
{
	static const struct ctl_col cols[] = {
		{ "NAME",	"name",		CTL_CELL_TEXT,	NULL },
		{ "PEER",	"peer",		CTL_CELL_TEXT,	NULL },
		{ "STATE",	"state",	CTL_CELL_TEXT,	NULL },
		{ "PREFIX",	"prefix",	CTL_CELL_TEXT,	NULL },
		{ "AS-PATH",	"as_path",	CTL_CELL_LIST,	NULL },
		{ "NEXT-HOP",	"next_hop",	CTL_CELL_TEXT,	NULL },
	};
	const json_t *sessions = json_object_get(result, "advertised");
	const json_t *s, *p;
	json_t *lines, *l;
	size_t i, j;
	int rc;

	if (!json_is_array(sessions) || (lines = json_array()) == NULL)
		return -1;
	json_array_foreach(sessions, i, s) {
		const json_t *prefixes = json_object_get(s, "prefixes");

		json_array_foreach(prefixes, j, p) {
			l = json_deep_copy(p);
			json_object_set(l, "name", json_object_get(s, "name"));
			json_object_set(l, "peer", json_object_get(s, "peer"));
			json_object_set(l, "state", json_object_get(s, "state"));
			json_array_append_new(lines, l);
		}
		if (json_array_size(prefixes) == 0)
			json_array_append_new(lines, json_pack("{s:O?, s:O?, s:O?}",
			    "name", json_object_get(s, "name"),
			    "peer", json_object_get(s, "peer"),
			    "state", json_object_get(s, "state")));
	}
	rc = ctl_table_print(f, cols, CTL_NCOL(cols), lines);
	json_decref(lines);
	return rc;
}

int
ctl_print_routes(FILE *f, const json_t *result)
{
	static const struct ctl_col cols[] = {
		{ "PREFIX",	"prefix",	CTL_CELL_TEXT,	NULL },
		{ "NEXT-HOP",	"next_hop",	CTL_CELL_TEXT,	NULL },
		{ "INTERFACE",	"interface",	CTL_CELL_TEXT,	NULL },
		{ "TUNNEL",	"tunnel",	CTL_CELL_TEXT,	NULL },
		{ "AS-PATH",	"as_path",	CTL_CELL_LIST,	NULL },
		{ "BEST",	"best",		CTL_CELL_TEXT,	NULL },
		{ "INSTALLED",	"installed",	CTL_CELL_TEXT,	NULL },
	};

	return ctl_table_print(f, cols, CTL_NCOL(cols),
	    json_object_get(result, "routes"));
}

/* --- the program --------------------------------------------------------- */

static void
cgwctl_usage(FILE *f)
{
	fprintf(f,
	    "usage: cgwctl [-s SOCKET] [--json] COMMAND ...\n"
	    "  status                      one line per tunnel\n"
	    "  show tunnels|sas|bgp|routes tables; --json for scripts\n"
	    "  show tunnel NAME            one tunnel: why it is down, its history\n"
	    "  show bgp advertised         per session, the prefixes and AS_PATH we send\n"
	    "  monitor [--json]            events as they happen, until interrupted\n"
	    "  tunnel up|down|rekey NAME   NAME is VPN/TUNNEL, e.g. aws-prod/t1\n"
	    "  reload                      re-read the configuration\n"
	    "  metrics                     the Prometheus metrics (text format)\n"
	    "  import-aws FILE [--name VPN] [--local ADDR] [--network CIDR]...\n"
	    "             [--static CIDR]... [--psk-dir DIR] [-o|--output FILE]\n"
	    "                              print a cgwd.conf block for an AWS VPN\n"
	    "                              connection (XML or JSON; '-' is stdin)\n"
	    "options (before COMMAND):\n"
	    "  -s, --socket SOCKET  control socket (default " CTL_DEFAULT_SOCKET ")\n"
	    "  -j, --json           the daemon's JSON result, not a table\n"
	    "  -V, --version        print the version and the git revision, exit\n"
	    "  -h, --help           print this usage, exit\n");
}

static int
cgwctl_import_aws(int argc, char *argv[])
{
	static const struct option lopts[] = {
		{ "name",	required_argument, NULL, 'N' },
		{ "local",	required_argument, NULL, 'L' },
		{ "network",	required_argument, NULL, 'W' },
		{ "static",	required_argument, NULL, 'S' },
		{ "psk-dir",	required_argument, NULL, 'P' },
		{ "output",	required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *networks[CGWCTL_MAX_NETWORKS];
	const char *statics[CGWCTL_MAX_NETWORKS];
	struct conf_aws_opts o = { .networks = networks, .statics = statics };
	const char *output = NULL;
	char err[512], *mem = NULL;
	size_t memlen = 0;
	FILE *out;
	int ch, rc;

	/* 0: glibc re-initialises, so options may follow FILE */
	optind = 0;
	while ((ch = getopt_long(argc, argv, "o:", lopts, NULL)) != -1) {
		switch (ch) {
		case 'N':
			o.name = optarg;
			break;
		case 'P':
			o.psk_dir = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'L':
			o.local = optarg;
			break;
		case 'W':
			if (o.nnetworks == CGWCTL_MAX_NETWORKS) {
				fprintf(stderr, "cgwctl: at most %d --network\n",
				    CGWCTL_MAX_NETWORKS);
				return 2;
			}
			networks[o.nnetworks++] = optarg;
			break;
		case 'S':
			if (o.nstatics == CGWCTL_MAX_NETWORKS) {
				fprintf(stderr, "cgwctl: at most %d --static\n",
				    CGWCTL_MAX_NETWORKS);
				return 2;
			}
			statics[o.nstatics++] = optarg;
			break;
		default:
			cgwctl_usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "cgwctl: usage: import-aws FILE [--name VPN] "
		    "[--local ADDR] [--network CIDR]... [--static CIDR]... "
		    "[--psk-dir DIR] [-o FILE]\n");
		return 2;
	}
	if (output == NULL) {
		if (conf_aws_import(argv[optind], &o, stdout, err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "cgwctl: import-aws: %s\n", err);
			return 1;
		}
		return 0;
	}
	/* -o FILE: in memory first, then the file, mode 0600, whole. */
	if ((out = open_memstream(&mem, &memlen)) == NULL) {
		fprintf(stderr, "cgwctl: import-aws: out of memory\n");
		return 1;
	}
	rc = conf_aws_import(argv[optind], &o, out, err, sizeof(err));
	if (fclose(out) != 0 && rc == 0) {
		snprintf(err, sizeof(err), "out of memory");
		rc = -1;
	}
	if (rc == 0)
		rc = conf_aws_write_secret(output, mem, memlen, err,
		    sizeof(err));
	if (mem != NULL) {
		explicit_bzero(mem, memlen);	/* it may hold keys */
		free(mem);
	}
	if (rc != 0) {
		fprintf(stderr, "cgwctl: import-aws: %s\n", err);
		return 1;
	}
	return 0;
}

static int
cgwctl_print(const char *cmd, int argc, char *argv[], const json_t *res)
{
	const char *what = argc > 0 ? argv[0] : "";
	int rc = -1;
	char *s;

	if (strcmp(cmd, "status") == 0)
		rc = ctl_print_status(stdout, res);
	else if (strcmp(cmd, "show") == 0 && strcmp(what, "tunnel") == 0)
		rc = ctl_print_tunnel(stdout, res);
	else if (strcmp(cmd, "show") == 0 && strcmp(what, "tunnels") == 0)
		rc = ctl_print_tunnels(stdout, res);
	else if (strcmp(cmd, "show") == 0 && strcmp(what, "sas") == 0)
		rc = ctl_print_sas(stdout, res);
	else if (strcmp(cmd, "show") == 0 && strcmp(what, "bgp") == 0 &&
	    argc == 2 && strcmp(argv[1], "advertised") == 0)
		rc = ctl_print_advertised(stdout, res);
	else if (strcmp(cmd, "show") == 0 && strcmp(what, "bgp") == 0)
		rc = ctl_print_bgp(stdout, res);
	else if (strcmp(cmd, "show") == 0 && strcmp(what, "routes") == 0)
		rc = ctl_print_routes(stdout, res);
	else if (strcmp(cmd, "metrics") == 0 &&
	    json_is_string(json_object_get(res, "text"))) {
		fputs(json_string_value(json_object_get(res, "text")), stdout);
		rc = 0;
	} else if (strcmp(cmd, "reload") == 0) {
		printf("reloaded: %lld tunnels\n", (long long)json_integer_value(
		    json_object_get(res, "tunnels")));
		rc = 0;
	} else if (strcmp(cmd, "tunnel") == 0) {
		char b1[32], b2[32];

		printf("%s: %s requested, now %s\n",
		    ctl_cell_text(res, "tunnel", b1, sizeof(b1)), what,
		    ctl_cell_text(res, "state", b2, sizeof(b2)));
		rc = 0;
	}
	if (rc == 0)
		return 0;
	/* A shape this cgwctl does not know (newer daemon): show it as is. */
	if ((s = json_dumps(res, JSON_INDENT(2))) == NULL)
		return 1;
	printf("%s\n", s);
	free(s);
	return 0;
}

int
cgwctl_run(int argc, char *argv[])
{
	static const struct option lopts[] = {
		{ "json",	no_argument,	   NULL, 'j' },
		{ "socket",	required_argument, NULL, 's' },
		{ "version",	no_argument,	   NULL, 'V' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = CTL_DEFAULT_SOCKET, *cmd;
	int ch, json = 0, rc;
	json_t *res;
	char err[1024], *s;

	/* '+': options stop at the command; its own arguments are its own. */
	while ((ch = getopt_long(argc, argv, "+s:jVh", lopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			sock = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'V':
			printf("cgwctl %s (revision %s)\n", CGW_VERSION,
			    CGW_REVISION);
			return 0;
		case 'h':
			cgwctl_usage(stdout);
			return 0;
		default:
			cgwctl_usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		cgwctl_usage(stderr);
		return 2;
	}
	cmd = argv[optind];
	if (strcmp(cmd, "import-aws") == 0)
		return cgwctl_import_aws(argc - optind, argv + optind);
	if (strcmp(cmd, "monitor") == 0)
		return cgwctl_monitor(sock, json, argc - optind - 1,
		    argv + optind + 1);
	if (strcmp(cmd, "help") == 0) {
		cgwctl_usage(stdout);
		return 0;
	}
	if (argc - optind - 1 > CTL_MAX_ARGS) {
		fprintf(stderr, "cgwctl: too many arguments\n");
		return 2;
	}
	rc = ctl_client_call(sock, cmd, (size_t)(argc - optind - 1),
	    argv + optind + 1, CGWCTL_TIMEOUT_MS, &res, err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "cgwctl: %s\n", err);
		return 1;
	}
	if (json) {
		if ((s = json_dumps(res, JSON_COMPACT)) == NULL) {
			json_decref(res);
			fprintf(stderr, "cgwctl: out of memory\n");
			return 1;
		}
		printf("%s\n", s);
		free(s);
		rc = 0;
	} else
		rc = cgwctl_print(cmd, argc - optind - 1, argv + optind + 1, res);
	json_decref(res);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "cgwctl: cannot write the output: %s\n",
		    strerror(errno));
		return 1;
	}
	return rc;
}
