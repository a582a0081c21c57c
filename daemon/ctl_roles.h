/*
 * Control socket roles (SPEC 7): root, and the members of `control
 * admin-group`, may run every command; the members of `control group`
 * the read-only ones (status, show, monitor, metrics); others nothing.
 * Pure functions, so the rules are tested without a socket.
 */
#ifndef CGW_DAEMON_CTL_ROLES_H
#define CGW_DAEMON_CTL_ROLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "conf/conf.h"

enum ctl_role {
	CTL_ROLE_NONE = 0,
	CTL_ROLE_READ,		/* read-only commands */
	CTL_ROLE_ADMIN,		/* everything */
};

/* Supplementary groups remembered per client; more are not looked at. */
#define CTL_MAX_GROUPS		64

/* The configured groups, as the server applies them. */
struct ctl_roles {
	struct conf_ctl_group	 read;
	struct conf_ctl_group	 admin;
};

const char	*ctl_role_name(enum ctl_role);

/* The role of a peer: its uid, primary gid and supplementary groups. */
enum ctl_role	 ctl_role_of(const struct ctl_roles *, uid_t, gid_t,
		    const gid_t *groups, size_t ngroups);

/*
 * The role a request needs: "tunnel" and "reload" change state and need
 * admin; everything else (an unknown command too, so it gets its usage
 * error) needs read.
 */
enum ctl_role	 ctl_command_role(const char *command);

/*
 * 0 when `have` suffices for `command`; else -1 and err holds the
 * refusal, naming the role missing and who holds it: "permission denied:
 * 'tunnel down' needs the admin role (root or group cgwadm)".
 */
int		 ctl_role_check(const struct ctl_roles *, enum ctl_role have,
		    const char *command, const char *arg0, char *err,
		    size_t errlen);

/*
 * The supplementary groups of a /proc/PID/status text: the numbers of its
 * "Groups:" line, at most max. The count, or -1 without a well-formed
 * line (then the caller falls back to the primary gid alone).
 */
int		 ctl_groups_parse(const char *status, size_t len, gid_t *out,
		    size_t max);

/* ctl_groups_parse on /proc/PID/status; -1 if it cannot be read. */
int		 ctl_peer_groups(pid_t, gid_t *out, size_t max);

#endif
