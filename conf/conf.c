/*
 * conf_load: read the file, run the grammar and the checks, hand back a
 * struct conf or every problem found.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "conf/conf.h"
#include "conf/conf_priv.h"

void
conf_problem(struct conf_parse *ctx, bool error, int line, const char *fmt, ...)
{
	struct conf_problem *p;
	va_list ap;
	int n;

	if (error)
		ctx->nerrors++;
	if (ctx->nproblems > CONF_MAX_PROBLEMS)
		return;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return;
	if (ctx->nproblems++ == CONF_MAX_PROBLEMS) {
		n = asprintf(&p->msg, "more than %d problems; the rest are "
		    "not listed", CONF_MAX_PROBLEMS);
		error = true;
	} else {
		va_start(ap, fmt);
		n = vasprintf(&p->msg, fmt, ap);
		va_end(ap);
	}
	if (n < 0 || (p->file = strdup(ctx->file)) == NULL) {
		if (n >= 0)
			free(p->msg);
		free(p);
		return;
	}
	p->error = error;
	p->line = line;
	TAILQ_INSERT_TAIL(&ctx->problems, p, entry);
}

/* Moves ctx's problems to `out`, ordered by line (stable). */
static void
conf_problems_move(struct conf_parse *ctx, struct conf_problems *out)
{
	struct conf_problem *p, *q;

	while ((p = TAILQ_FIRST(&ctx->problems)) != NULL) {
		TAILQ_REMOVE(&ctx->problems, p, entry);
		TAILQ_FOREACH_REVERSE(q, out, conf_problems, entry)
			if (q->line <= p->line)
				break;
		if (q == NULL)
			TAILQ_INSERT_HEAD(out, p, entry);
		else
			TAILQ_INSERT_AFTER(out, q, p, entry);
	}
}

/* The whole file plus two NULs (for the scanner), or NULL with errno. */
static char *
conf_read(const char *path, size_t *lenp, struct stat *stp)
{
	struct stat st;
	char *buf;
	size_t len = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) == -1)
		return NULL;
	errno = 0;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > CONF_FILE_MAX) {
		int e = errno;

		if (e == 0)
			e = S_ISREG(st.st_mode) ? EFBIG : EINVAL;
		close(fd);
		errno = e;
		return NULL;
	}
	if ((buf = malloc(CONF_FILE_MAX + 2)) == NULL) {
		close(fd);
		return NULL;
	}
	while (len < CONF_FILE_MAX &&
	    (n = read(fd, buf + len, CONF_FILE_MAX - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			explicit_bzero(buf, len);
			free(buf);
			close(fd);
			return NULL;
		}
		len += (size_t)n;
	}
	close(fd);
	buf[len] = buf[len + 1] = '\0';
	*lenp = len;
	*stp = st;
	return buf;
}

static char *
conf_dir(const char *path)
{
	char *copy, *dir, *real;

	if ((copy = strdup(path)) == NULL)
		return NULL;
	dir = dirname(copy);
	if ((real = realpath(dir, NULL)) == NULL)
		real = strdup(dir);
	free(copy);
	return real;
}

struct conf *
conf_load(const char *path, struct conf_problems *problems)
{
	struct conf_parse ctx;
	struct conf *conf;
	struct stat st;
	char *buf;
	size_t len = 0;

	memset(&ctx, 0, sizeof(ctx));
	TAILQ_INIT(&ctx.problems);
	ctx.file = path;
	if ((conf = calloc(1, sizeof(*conf))) == NULL ||
	    (conf->file = strdup(path)) == NULL) {
		free(conf);
		conf_problem(&ctx, true, 0, "out of memory");
		conf_problems_move(&ctx, problems);
		return NULL;
	}
	TAILQ_INIT(&conf->networks);
	TAILQ_INIT(&conf->vpns);
	TAILQ_INIT(&conf->neighbors);
	ctx.conf = conf;
	ctx.dir = conf_dir(path);

	if ((buf = conf_read(path, &len, &st)) == NULL) {
		conf_problem(&ctx, true, 0, "cannot read: %s", errno == EINVAL ?
		    "not a regular file" : errno == EFBIG ?
		    "larger than 1 MiB" : strerror(errno));
	} else {
		/* a UTF-8 byte order mark from a Windows editor */
		size_t bom = len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;

		/* Only a tunnel with an inline psk turns this into an error. */
		if (conf_secret_file_ok(&st, path, ctx.file_loose,
		    sizeof(ctx.file_loose)))
			ctx.file_loose[0] = '\0';
		if (conf_parse_buffer(&ctx, buf + bom, len - bom) != 0 &&
		    ctx.nerrors == 0)
			conf_problem(&ctx, true, 0, "cannot parse (out of memory)");
		explicit_bzero(buf, len);
		free(buf);
		conf_validate(&ctx);
	}
	free(ctx.dir);
	/* a parse cut short may leave scratch blocks holding memory */
	conf_vpn_scratch_clear(&ctx);
	if (ctx.scratch_tunnel.psk != NULL)
		explicit_bzero(ctx.scratch_tunnel.psk, ctx.scratch_tunnel.psk_len);
	free(ctx.scratch_tunnel.psk);
	free(ctx.scratch_tunnel.psk_file);
	conf_problems_move(&ctx, problems);
	if (ctx.nerrors > 0) {
		conf_free(conf);
		return NULL;
	}
	return conf;
}

void
conf_tunnel_free(struct conf_tunnel *t)
{
	if (t->psk != NULL) {
		explicit_bzero(t->psk, t->psk_len);
		free(t->psk);
	}
	free(t->psk_file);
	free(t);
}

void
conf_vpn_free(struct conf_vpn *v)
{
	struct conf_tunnel *t;

	while ((t = TAILQ_FIRST(&v->tunnels)) != NULL) {
		TAILQ_REMOVE(&v->tunnels, t, entry);
		conf_tunnel_free(t);
	}
	conf_statics_free(v);
	free(v);
}

void
conf_statics_free(struct conf_vpn *v)
{
	struct conf_network *n;

	if (v->statics.tqh_last == NULL)
		return;
	while ((n = TAILQ_FIRST(&v->statics)) != NULL) {
		TAILQ_REMOVE(&v->statics, n, entry);
		free(n);
	}
}

bool
conf_vpn_static(const struct conf_vpn *v)
{
	return v != NULL && v->statics.tqh_last != NULL &&
	    !TAILQ_EMPTY(&v->statics);
}

bool
conf_uses_bgp(const struct conf *c)
{
	const struct conf_vpn *v;

	if (!TAILQ_EMPTY(&c->neighbors))
		return true;
	TAILQ_FOREACH(v, &c->vpns, entry)
		if (!conf_vpn_static(v))
			return true;
	return false;
}

void
conf_free(struct conf *conf)
{
	struct conf_network *n;
	struct conf_vpn *v;
	struct conf_neighbor *nb;

	if (conf == NULL)
		return;
	while ((n = TAILQ_FIRST(&conf->networks)) != NULL) {
		TAILQ_REMOVE(&conf->networks, n, entry);
		free(n);
	}
	while ((v = TAILQ_FIRST(&conf->vpns)) != NULL) {
		TAILQ_REMOVE(&conf->vpns, v, entry);
		conf_vpn_free(v);
	}
	while ((nb = TAILQ_FIRST(&conf->neighbors)) != NULL) {
		TAILQ_REMOVE(&conf->neighbors, nb, entry);
		free(nb);
	}
	free(conf->file);
	free(conf);
}

void
conf_problems_print(FILE *f, const struct conf_problems *problems)
{
	const struct conf_problem *p;

	TAILQ_FOREACH(p, problems, entry) {
		if (p->line > 0)
			fprintf(f, "%s:%d: %s: %s\n", p->file, p->line,
			    p->error ? "error" : "warning", p->msg);
		else
			fprintf(f, "%s: %s: %s\n", p->file,
			    p->error ? "error" : "warning", p->msg);
	}
}

void
conf_problems_free(struct conf_problems *problems)
{
	struct conf_problem *p;

	while ((p = TAILQ_FIRST(problems)) != NULL) {
		TAILQ_REMOVE(problems, p, entry);
		free(p->file);
		free(p->msg);
		free(p);
	}
}

struct conf_tunnel *
conf_tunnel_find(const struct conf *conf, const char *fullname)
{
	struct conf_vpn *v;
	struct conf_tunnel *t;

	TAILQ_FOREACH(v, &conf->vpns, entry)
		TAILQ_FOREACH(t, &v->tunnels, entry)
			if (strcmp(t->fullname, fullname) == 0)
				return t;
	return NULL;
}

uint32_t
conf_tunnel_mss(const struct conf_tunnel *t)
{
	if (t->mss_clamp != CONF_MSS_AUTO)
		return t->mss_clamp;
	if (t->mtu < CONF_MSS_MIN + CONF_MSS_MARGIN)
		return CONF_MSS_MIN;
	return t->mtu - CONF_MSS_MARGIN;
}
