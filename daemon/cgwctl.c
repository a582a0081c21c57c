/*
 * cgwctl: a thin client. Sends one request, prints the daemon's result as
 * a table (or unchanged with --json). Only import-aws runs locally.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "conf/aws_import.h"
#include "daemon/cgwctl.h"
#include "daemon/ctl_proto.h"

#define CGWCTL_MAX_NETWORKS	64

static long long
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

static int
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

#define TBL_MAXCOL	12

struct tbl {
	size_t	 ncol;
	size_t	 nrow;
	size_t	 cap;
	char	**cell;		/* nrow * ncol, row 0 the header */
};

static int
tbl_add(struct tbl *t, const char *const cols[])
{
	char **ncell;
	size_t i;

	if (t->nrow == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		ncell = realloc(t->cell, t->cap * t->ncol * sizeof(*ncell));
		if (ncell == NULL)
			return -1;
		t->cell = ncell;
	}
	for (i = 0; i < t->ncol; i++)
		t->cell[t->nrow * t->ncol + i] = strdup(cols[i] ? cols[i] : "-");
	t->nrow++;
	return 0;
}

static void
tbl_print(FILE *f, struct tbl *t)
{
	size_t w[TBL_MAXCOL] = { 0 }, r, c, l;
	const char *s;

	for (r = 0; r < t->nrow; r++)
		for (c = 0; c < t->ncol; c++) {
			s = t->cell[r * t->ncol + c];
			l = s ? strlen(s) : 1;
			if (l > w[c])
				w[c] = l;
		}
	for (r = 0; r < t->nrow; r++) {
		for (c = 0; c < t->ncol; c++) {
			s = t->cell[r * t->ncol + c];
			if (c + 1 == t->ncol)
				fprintf(f, "%s\n", s ? s : "?");
			else
				fprintf(f, "%-*s  ", (int)w[c], s ? s : "?");
		}
	}
}

static void
tbl_free(struct tbl *t)
{
	size_t i;

	for (i = 0; i < t->nrow * t->ncol; i++)
		free(t->cell[i]);
	free(t->cell);
}

/* A cell from any JSON scalar; "-" when absent or null. */
static const char *
jcell(const json_t *obj, const char *key, char *buf, size_t len)
{
	const json_t *v = json_object_get(obj, key);

	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	if (json_is_boolean(v))
		return json_is_true(v) ? "yes" : "no";
	return "-";
}

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

static const json_t *
jarray(const json_t *result, const char *key)
{
	const json_t *a = json_object_get(result, key);

	return json_is_array(a) ? a : NULL;
}

int
ctl_print_status(FILE *f, const json_t *result)
{
	static const char *const hdr[] =
	    { "NAME", "STATE", "IKE-AGE", "CHILD-AGE", "BGP", "ROUTES" };
	struct tbl t = { .ncol = 6 };
	const json_t *arr, *row;
	char b[6][32];
	size_t i;

	if ((arr = jarray(result, "tunnels")) == NULL)
		return -1;
	tbl_add(&t, hdr);
	json_array_foreach(arr, i, row) {
		const char *cols[6];

		cols[0] = jcell(row, "name", b[0], sizeof(b[0]));
		cols[1] = jcell(row, "state", b[1], sizeof(b[1]));
		ctl_fmt_age(json_object_get(row, "ike_age_s"), b[2], sizeof(b[2]));
		cols[2] = b[2];
		ctl_fmt_age(json_object_get(row, "child_age_s"), b[3], sizeof(b[3]));
		cols[3] = b[3];
		cols[4] = jcell(row, "bgp", b[4], sizeof(b[4]));
		cols[5] = jcell(row, "routes", b[5], sizeof(b[5]));
		tbl_add(&t, cols);
	}
	tbl_print(f, &t);
	tbl_free(&t);
	return 0;
}

int
ctl_print_tunnels(FILE *f, const json_t *result)
{
	static const char *const hdr[] = { "NAME", "STATE", "INTERFACE",
	    "LOCAL", "REMOTE", "INSIDE", "PEER-INSIDE", "IKE", "CHILD-SAS", "BGP" };
	struct tbl t = { .ncol = 10 };
	const json_t *arr, *row, *ike, *bgp;
	char b[10][48];
	size_t i;

	if ((arr = jarray(result, "tunnels")) == NULL)
		return -1;
	tbl_add(&t, hdr);
	json_array_foreach(arr, i, row) {
		const char *cols[10];

		ike = json_object_get(row, "ike");
		bgp = json_object_get(row, "bgp");
		cols[0] = jcell(row, "name", b[0], sizeof(b[0]));
		cols[1] = jcell(row, "state", b[1], sizeof(b[1]));
		cols[2] = jcell(row, "interface", b[2], sizeof(b[2]));
		cols[3] = jcell(row, "local", b[3], sizeof(b[3]));
		cols[4] = jcell(row, "remote", b[4], sizeof(b[4]));
		cols[5] = jcell(row, "inside", b[5], sizeof(b[5]));
		cols[6] = jcell(row, "peer_inside", b[6], sizeof(b[6]));
		cols[7] = json_is_object(ike) ? jcell(ike, "state", b[7],
		    sizeof(b[7])) : "-";
		snprintf(b[8], sizeof(b[8]), "%zu",
		    json_array_size(json_object_get(row, "child_sas")));
		cols[8] = b[8];
		cols[9] = json_is_object(bgp) ? jcell(bgp, "state", b[9],
		    sizeof(b[9])) : "-";
		tbl_add(&t, cols);
	}
	tbl_print(f, &t);
	tbl_free(&t);
	return 0;
}

/* {"sas": [{"tunnel", "ike": {...}|null, "child_sas": [...]}]} */
int
ctl_print_sas(FILE *f, const json_t *result)
{
	static const char *const hdr[] = { "TUNNEL", "SA", "STATE", "SPI-IN",
	    "SPI-OUT", "PROPOSAL", "AGE", "REKEY-IN", "BYTES-IN", "BYTES-OUT" };
	struct tbl t = { .ncol = 10 };
	const json_t *arr, *row, *ike, *child;
	char b[10][64];
	size_t i, j;

	if ((arr = jarray(result, "sas")) == NULL)
		return -1;
	tbl_add(&t, hdr);
	json_array_foreach(arr, i, row) {
		const char *cols[10];

		ike = json_object_get(row, "ike");
		cols[0] = jcell(row, "tunnel", b[0], sizeof(b[0]));
		cols[1] = "ike";
		cols[2] = json_is_object(ike) ? jcell(ike, "state", b[2], sizeof(b[2])) : "none";
		cols[3] = cols[4] = "-";
		cols[5] = json_is_object(ike) ? jcell(ike, "proposal", b[5], sizeof(b[5])) : "-";
		ctl_fmt_age(json_object_get(ike, "age_s"), b[6], sizeof(b[6]));
		ctl_fmt_age(json_object_get(ike, "rekey_in_s"), b[7], sizeof(b[7]));
		cols[6] = b[6];
		cols[7] = b[7];
		cols[8] = cols[9] = "-";
		tbl_add(&t, cols);
		json_array_foreach(json_object_get(row, "child_sas"), j, child) {
			cols[1] = "child";
			cols[2] = "installed";
			cols[3] = jcell(child, "spi_in", b[3], sizeof(b[3]));
			cols[4] = jcell(child, "spi_out", b[4], sizeof(b[4]));
			cols[5] = jcell(child, "proposal", b[5], sizeof(b[5]));
			ctl_fmt_age(json_object_get(child, "age_s"), b[6], sizeof(b[6]));
			ctl_fmt_age(json_object_get(child, "rekey_in_s"), b[7], sizeof(b[7]));
			cols[8] = jcell(child, "bytes_in", b[8], sizeof(b[8]));
			cols[9] = jcell(child, "bytes_out", b[9], sizeof(b[9]));
			tbl_add(&t, cols);
		}
	}
	tbl_print(f, &t);
	tbl_free(&t);
	return 0;
}

/* {"bgp": [{"name", "peer", "peer_asn", "state", "uptime_s",
 *           "prefixes_received", "prefixes_advertised"}]} */
int
ctl_print_bgp(FILE *f, const json_t *result)
{
	static const char *const hdr[] = { "NAME", "PEER", "ASN", "STATE",
	    "UPTIME", "RECEIVED", "ADVERTISED" };
	struct tbl t = { .ncol = 7 };
	const json_t *arr, *row;
	char b[7][64];
	size_t i;

	if ((arr = jarray(result, "bgp")) == NULL)
		return -1;
	tbl_add(&t, hdr);
	json_array_foreach(arr, i, row) {
		const char *cols[7];

		cols[0] = jcell(row, "name", b[0], sizeof(b[0]));
		cols[1] = jcell(row, "peer", b[1], sizeof(b[1]));
		cols[2] = jcell(row, "peer_asn", b[2], sizeof(b[2]));
		cols[3] = jcell(row, "state", b[3], sizeof(b[3]));
		ctl_fmt_age(json_object_get(row, "uptime_s"), b[4], sizeof(b[4]));
		cols[4] = b[4];
		cols[5] = jcell(row, "prefixes_received", b[5], sizeof(b[5]));
		cols[6] = jcell(row, "prefixes_advertised", b[6], sizeof(b[6]));
		tbl_add(&t, cols);
	}
	tbl_print(f, &t);
	tbl_free(&t);
	return 0;
}

int
ctl_print_routes(FILE *f, const json_t *result)
{
	static const char *const hdr[] = { "PREFIX", "NEXT-HOP", "INTERFACE",
	    "TUNNEL", "AS-PATH", "BEST", "INSTALLED" };
	struct tbl t = { .ncol = 7 };
	const json_t *arr, *row, *asn;
	char b[7][64], path[256];
	size_t i, j, n;

	if ((arr = jarray(result, "routes")) == NULL)
		return -1;
	tbl_add(&t, hdr);
	json_array_foreach(arr, i, row) {
		const char *cols[7];

		path[0] = '\0';
		json_array_foreach(json_object_get(row, "as_path"), j, asn) {
			n = strlen(path);
			snprintf(path + n, sizeof(path) - n, "%s%lld", j ? " " : "",
			    (long long)json_integer_value(asn));
		}
		cols[0] = jcell(row, "prefix", b[0], sizeof(b[0]));
		cols[1] = jcell(row, "next_hop", b[1], sizeof(b[1]));
		cols[2] = jcell(row, "interface", b[2], sizeof(b[2]));
		cols[3] = jcell(row, "tunnel", b[3], sizeof(b[3]));
		cols[4] = path[0] ? path : "-";
		cols[5] = jcell(row, "best", b[5], sizeof(b[5]));
		cols[6] = jcell(row, "installed", b[6], sizeof(b[6]));
		tbl_add(&t, cols);
	}
	tbl_print(f, &t);
	tbl_free(&t);
	return 0;
}

/* --- the program --------------------------------------------------------- */

static void
cgwctl_usage(FILE *f)
{
	fprintf(f,
	    "usage: cgwctl [-s SOCKET] [--json] COMMAND ...\n"
	    "  status                      one line per tunnel\n"
	    "  show tunnels|sas|bgp|routes tables; --json for scripts\n"
	    "  tunnel up|down|rekey NAME   NAME is VPN/TUNNEL, e.g. aws-prod/t1\n"
	    "  reload                      re-read the configuration\n"
	    "  import-aws FILE [--name VPN] [--local ADDR] [--network CIDR]...\n"
	    "                              print a cgwd.conf block for an AWS VPN\n"
	    "                              connection (XML or JSON; '-' is stdin)\n"
	    "  -s SOCKET   control socket (default " CTL_DEFAULT_SOCKET ")\n");
}

static int
cgwctl_import_aws(int argc, char *argv[])
{
	static const struct option lopts[] = {
		{ "name",	required_argument, NULL, 'N' },
		{ "local",	required_argument, NULL, 'L' },
		{ "network",	required_argument, NULL, 'W' },
		{ NULL, 0, NULL, 0 },
	};
	const char *networks[CGWCTL_MAX_NETWORKS];
	struct conf_aws_opts o = { .networks = networks };
	char err[512];
	int ch;

	/* 0: glibc re-initialises, so options may follow FILE */
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (ch) {
		case 'N':
			o.name = optarg;
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
		default:
			cgwctl_usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "cgwctl: usage: import-aws FILE [--name VPN] "
		    "[--local ADDR] [--network CIDR]...\n");
		return 2;
	}
	if (conf_aws_import(argv[optind], &o, stdout, err, sizeof(err)) != 0) {
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
	else if (strcmp(cmd, "show") == 0 && strcmp(what, "tunnels") == 0)
		rc = ctl_print_tunnels(stdout, res);
	else if (strcmp(cmd, "show") == 0 && strcmp(what, "sas") == 0)
		rc = ctl_print_sas(stdout, res);
	else if (strcmp(cmd, "show") == 0 && strcmp(what, "bgp") == 0)
		rc = ctl_print_bgp(stdout, res);
	else if (strcmp(cmd, "show") == 0 && strcmp(what, "routes") == 0)
		rc = ctl_print_routes(stdout, res);
	else if (strcmp(cmd, "reload") == 0) {
		printf("reloaded: %lld tunnels\n", (long long)json_integer_value(
		    json_object_get(res, "tunnels")));
		rc = 0;
	} else if (strcmp(cmd, "tunnel") == 0) {
		char b1[32], b2[32];

		printf("%s: %s requested, now %s\n",
		    jcell(res, "tunnel", b1, sizeof(b1)), what,
		    jcell(res, "state", b2, sizeof(b2)));
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
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = CTL_DEFAULT_SOCKET, *cmd;
	int ch, json = 0, rc;
	json_t *res;
	char err[1024], *s;

	/* '+': options stop at the command; its own arguments are its own. */
	while ((ch = getopt_long(argc, argv, "+s:jh", lopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			sock = optarg;
			break;
		case 'j':
			json = 1;
			break;
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
