/* Control socket roles: who may run which command (see ctl_roles.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/ctl_roles.h"
#include "lib/names.h"

static const char *const ctl_role_names[] = {
	[CTL_ROLE_NONE]		= "none",
	[CTL_ROLE_READ]		= "read-only",
	[CTL_ROLE_ADMIN]	= "admin",
};

const char *
ctl_role_name(enum ctl_role r)
{
	return CGW_ENUM_NAME(ctl_role_names, r);
}

static bool
ctl_in_group(const struct conf_ctl_group *g, gid_t gid, const gid_t *groups,
    size_t n)
{
	size_t i;

	if (!g->set)
		return false;
	if ((uint32_t)gid == g->gid)
		return true;
	for (i = 0; i < n; i++)
		if ((uint32_t)groups[i] == g->gid)
			return true;
	return false;
}

enum ctl_role
ctl_role_of(const struct ctl_roles *r, uid_t uid, gid_t gid,
    const gid_t *groups, size_t ngroups)
{
	if (uid == 0)
		return CTL_ROLE_ADMIN;
	if (r == NULL)
		return CTL_ROLE_NONE;
	if (ctl_in_group(&r->admin, gid, groups, ngroups))
		return CTL_ROLE_ADMIN;
	if (ctl_in_group(&r->read, gid, groups, ngroups))
		return CTL_ROLE_READ;
	return CTL_ROLE_NONE;
}

enum ctl_role
ctl_command_role(const char *command)
{
	if (strcmp(command, "tunnel") == 0 || strcmp(command, "reload") == 0)
		return CTL_ROLE_ADMIN;
	return CTL_ROLE_READ;
}

int
ctl_role_check(const struct ctl_roles *r, enum ctl_role have,
    const char *command, const char *arg0, char *err, size_t errlen)
{
	enum ctl_role need = ctl_command_role(command);
	const struct conf_ctl_group *ro = r ? &r->read : NULL;
	const struct conf_ctl_group *adm = r ? &r->admin : NULL;
	char who[2 * CONF_GROUP_MAX + 32];

	if (have >= need)
		return 0;
	/* The argument reaches the log: echoed only if it is a plain word. */
	if (arg0 != NULL && (*arg0 == '\0' || strlen(arg0) > 32 ||
	    strspn(arg0, "abcdefghijklmnopqrstuvwxyz-") != strlen(arg0)))
		arg0 = NULL;
	/* Who holds the role: root always, and the groups that give it. */
	if (need == CTL_ROLE_ADMIN)
		snprintf(who, sizeof(who), "root%s%s",
		    adm && adm->set ? " or group " : "",
		    adm && adm->set ? adm->name : "");
	else if (ro && ro->set && adm && adm->set)
		snprintf(who, sizeof(who), "root, or group %s or %s", ro->name,
		    adm->name);
	else if ((ro && ro->set) || (adm && adm->set))
		snprintf(who, sizeof(who), "root or group %s",
		    ro && ro->set ? ro->name : adm->name);
	else
		snprintf(who, sizeof(who), "root");
	snprintf(err, errlen, "permission denied: '%s%s%s' needs the %s role (%s)",
	    command, arg0 ? " " : "", arg0 ? arg0 : "", ctl_role_name(need), who);
	return -1;
}

int
ctl_groups_parse(const char *status, size_t len, gid_t *out, size_t max)
{
	static const char key[] = "Groups:";
	const char *p = status, *end = status + len, *eol;
	unsigned long long v;
	size_t n = 0;

	/* The line that starts with the key. */
	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		if ((size_t)(eol - p) >= sizeof(key) - 1 &&
		    memcmp(p, key, sizeof(key) - 1) == 0)
			break;
		p = eol + 1;
	}
	if (p >= end)
		return -1;
	p += sizeof(key) - 1;
	for (;;) {
		while (p < eol && (*p == ' ' || *p == '\t'))
			p++;
		if (p == eol)
			break;
		if (*p < '0' || *p > '9')
			return -1;
		v = 0;
		while (p < eol && *p >= '0' && *p <= '9') {
			v = v * 10 + (unsigned long long)(*p - '0');
			if (v > UINT32_MAX)
				return -1;
			p++;
		}
		if (p < eol && *p != ' ' && *p != '\t')
			return -1;
		/* Past max the rest is ignored, not an error: bounded memory. */
		if (n < max)
			out[n++] = (gid_t)v;
	}
	return (int)n;
}

int
ctl_peer_groups(pid_t pid, gid_t *out, size_t max)
{
	char path[64], buf[8192];
	ssize_t n;
	size_t have = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	while (have < sizeof(buf) &&
	    (n = read(fd, buf + have, sizeof(buf) - have)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		have += (size_t)n;
	}
	close(fd);
	return ctl_groups_parse(buf, have, out, max);
}
