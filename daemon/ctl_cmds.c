/*
 * One handler per control command, found through one table. A handler
 * answers the result object, or NULL with a one-line reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/cgwd.h"
#include "daemon/ctl.h"
#include "daemon/metrics.h"
#include "daemon/tunnel.h"
#include "lib/log.h"

typedef json_t *(*ctl_cmd_fn)(struct cgwd *, const struct ctl_request *,
    char *err, size_t errlen);

struct ctl_cmd {
	const char	*name;
	ctl_cmd_fn	 fn;
};

static json_t *
ctl_cmd_status(struct cgwd *cgwd, const struct ctl_request *req, char *err,
    size_t errlen)
{
	if (req->argc != 0) {
		snprintf(err, errlen, "usage: status");
		return NULL;
	}
	return ctl_json_status(cgwd);
}

static void	ctl_unknown_tunnel(struct cgwd *, const char *, char *,
		    size_t);

static json_t *
ctl_cmd_show(struct cgwd *cgwd, const struct ctl_request *req, char *err,
    size_t errlen)
{
	const char *what = req->argc == 1 ? req->argv[0] : "";
	struct tunnel *t;

	if (req->argc == 2 && strcmp(req->argv[0], "bgp") == 0 &&
	    strcmp(req->argv[1], "advertised") == 0)
		return ctl_json_bgp_advertised(cgwd);
	if (req->argc == 2 && strcmp(req->argv[0], "tunnel") == 0) {
		if ((t = tunnel_find(&cgwd->tunnels, req->argv[1])) == NULL) {
			ctl_unknown_tunnel(cgwd, req->argv[1], err, errlen);
			return NULL;
		}
		return ctl_json_tunnel_detail(t);
	}

	if (strcmp(what, "tunnels") == 0)
		return ctl_json_tunnels(cgwd);
	if (strcmp(what, "routes") == 0)
		return ctl_json_routes(cgwd);
	if (strcmp(what, "sas") == 0)
		return ctl_json_sas(cgwd);
	if (strcmp(what, "bgp") == 0)
		return ctl_json_bgp_peers(cgwd);
	snprintf(err, errlen, "usage: show tunnels|sas|bgp|routes, "
	    "show tunnel VPN/TUNNEL, show bgp advertised");
	return NULL;
}

/* "unknown tunnel 'x' (known: a/t1, a/t2)", cut to fit. */
static void
ctl_unknown_tunnel(struct cgwd *cgwd, const char *name, char *err,
    size_t errlen)
{
	struct tunnel *t;
	size_t n;

	snprintf(err, errlen, "unknown tunnel '%s' (known:", name);
	TAILQ_FOREACH(t, &cgwd->tunnels, entry) {
		n = strlen(err);
		snprintf(err + n, errlen - n, "%s %s",
		    t == TAILQ_FIRST(&cgwd->tunnels) ? "" : ",", t->name);
	}
	if (TAILQ_EMPTY(&cgwd->tunnels)) {
		n = strlen(err);
		snprintf(err + n, errlen - n, " none");
	}
	n = strlen(err);
	snprintf(err + n, errlen - n, ")");
}

static json_t *
ctl_cmd_tunnel(struct cgwd *cgwd, const struct ctl_request *req, char *err,
    size_t errlen)
{
	const char *(*op)(struct tunnel *);
	struct tunnel *t;
	const char *why;

	if (req->argc != 2) {
		snprintf(err, errlen, "usage: tunnel up|down|rekey VPN/TUNNEL");
		return NULL;
	}
	if (strcmp(req->argv[0], "up") == 0)
		op = tunnel_up;
	else if (strcmp(req->argv[0], "down") == 0)
		op = tunnel_down;
	else if (strcmp(req->argv[0], "rekey") == 0)
		op = tunnel_rekey;
	else {
		snprintf(err, errlen, "usage: tunnel up|down|rekey VPN/TUNNEL");
		return NULL;
	}
	if ((t = tunnel_find(&cgwd->tunnels, req->argv[1])) == NULL) {
		ctl_unknown_tunnel(cgwd, req->argv[1], err, errlen);
		return NULL;
	}
	if ((why = op(t)) != NULL) {
		snprintf(err, errlen, "%s", why);
		return NULL;
	}
	log_info(t->name, "tunnel %s requested over the control socket",
	    req->argv[0]);
	return json_pack("{s:s, s:s}", "tunnel", t->name, "state",
	    tunnel_state_name(t->state));
}

static json_t *
ctl_cmd_reload(struct cgwd *cgwd, const struct ctl_request *req, char *err,
    size_t errlen)
{
	if (req->argc != 0) {
		snprintf(err, errlen, "usage: reload");
		return NULL;
	}
	if (cgwd_reload(cgwd, err, errlen) != 0)
		return NULL;
	return json_pack("{s:b, s:I}", "reloaded", 1, "tunnels",
	    (json_int_t)cgwd_ntunnels(cgwd));
}

/* The control server answers `monitor` itself (it owns the clients). */
static json_t *
ctl_cmd_monitor(struct cgwd *cgwd, const struct ctl_request *req, char *err,
    size_t errlen)
{
	(void)cgwd;
	(void)req;
	snprintf(err, errlen, "monitor needs a control socket client");
	return NULL;
}

/* The Prometheus text, as the HTTP endpoint serves it. */
static json_t *
ctl_cmd_metrics(struct cgwd *cgwd, const struct ctl_request *req, char *err,
    size_t errlen)
{
	json_t *res;
	size_t len;
	char *text;

	if (req->argc != 0) {
		snprintf(err, errlen, "usage: metrics");
		return NULL;
	}
	if ((text = metrics_text(cgwd, &len)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	res = json_pack("{s:s, s:s%}", "content_type", METRICS_CONTENT_TYPE,
	    "text", text, len);
	free(text);
	return res;
}

static const struct ctl_cmd ctl_cmds[] = {
	{ "status",	ctl_cmd_status },
	{ "show",	ctl_cmd_show },
	{ "tunnel",	ctl_cmd_tunnel },
	{ "reload",	ctl_cmd_reload },
	{ "monitor",	ctl_cmd_monitor },
	{ "metrics",	ctl_cmd_metrics },
};

json_t *
ctl_dispatch(void *arg, const struct ctl_request *req, char *err,
    size_t errlen)
{
	struct cgwd *cgwd = arg;
	size_t i, n;

	for (i = 0; i < sizeof(ctl_cmds) / sizeof(ctl_cmds[0]); i++)
		if (strcmp(req->command, ctl_cmds[i].name) == 0)
			return ctl_cmds[i].fn(cgwd, req, err, errlen);
	snprintf(err, errlen, "unknown command '%s' (known:", req->command);
	for (i = 0; i < sizeof(ctl_cmds) / sizeof(ctl_cmds[0]); i++) {
		n = strlen(err);
		snprintf(err + n, errlen - n, "%s %s", i ? "," : "",
		    ctl_cmds[i].name);
	}
	n = strlen(err);
	snprintf(err + n, errlen - n, ")");
	return NULL;
}
