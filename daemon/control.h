/*
 * The control socket server: a Unix stream socket, newline-delimited JSON
 * requests (daemon/ctl_proto.h), non-blocking, bounded in clients, request
 * size, idle time and unread output.
 */
#ifndef CGW_DAEMON_CONTROL_H
#define CGW_DAEMON_CONTROL_H

#include <stddef.h>

#include <jansson.h>

#include "daemon/ctl_proto.h"

struct event_base;
struct ctl_server;

#define CTL_MAX_CLIENTS		64
#define CTL_IDLE_TIMEOUT_MS	30000
#define CTL_MAX_OUTPUT		(4 * 1024 * 1024)	/* unread replies */
/*
 * Requests per second one client may send, and how many it may send at
 * once after a pause; beyond that each request is answered with an error.
 */
#define CTL_RATE_PER_S		20
#define CTL_RATE_BURST		40

/*
 * Answers one parsed request: the result object, or NULL with a one-line
 * reason in err.
 */
typedef json_t *(*ctl_handler)(void *arg, const struct ctl_request *,
    char *err, size_t errlen);

/*
 * Of max_clients slots, one is kept for root (SO_PEERCRED uid 0): group
 * members cannot lock root out. When even that one is taken, a root
 * client still gets in, in place of the non-root client quiet longest.
 */
struct ctl_server_opts {
	unsigned	max_clients;		/* 0 = CTL_MAX_CLIENTS */
	unsigned	idle_timeout_ms;	/* 0 = CTL_IDLE_TIMEOUT_MS */
	unsigned	rate_per_s;		/* 0 = CTL_RATE_PER_S */
	unsigned	rate_burst;		/* 0 = CTL_RATE_BURST */
};

/*
 * Create the parent directory (0750) if missing, refuse if a live server
 * answers on `path`, replace a stale socket, bind (0660) and listen.
 */
struct ctl_server *ctl_server_open(struct event_base *, const char *path,
		    const struct ctl_server_opts *, ctl_handler, void *arg,
		    char *err, size_t errlen);
/* Drop every client, close, and unlink the socket if it is still ours. */
void		 ctl_server_close(struct ctl_server *);
unsigned	 ctl_server_nclients(const struct ctl_server *);

/*
 * Monitor clients (`monitor` request): after the reply each gets every
 * published line. Past CTL_MONITOR_MAX_OUTPUT unread bytes its events
 * are dropped and counted, and it is told the count once it catches up:
 * a slow reader never blocks the daemon nor grows it.
 */
#define CTL_MONITOR_MAX_OUTPUT	(256 * 1024)
/* One JSON object, no newline: copied to every monitor client. */
void		 ctl_server_publish(struct ctl_server *, const char *line);
unsigned	 ctl_server_nmonitors(const struct ctl_server *);

struct ctl_roles;
/*
 * Who may run what (daemon/ctl_roles.h): root everything; the admin
 * group everything; the read-only group status, show, monitor, metrics.
 * The socket and its root:root 0750 directory are given to the read-only
 * group (else the admin group). Refusals name the role missing.
 */
int		 ctl_server_set_roles(struct ctl_server *,
		    const struct ctl_roles *, char *err, size_t errlen);

/* 1: something accepts connections on path; 0: nothing does. */
int		 ctl_socket_alive(const char *path);

#endif
