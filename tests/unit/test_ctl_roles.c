/*
 * Control socket roles: who holds which role, which command needs which,
 * the refusal text, the /proc Groups: parser, and `control group` /
 * `control admin-group` in the configuration language.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "conf/conf.h"
#include "daemon/ctl_roles.h"

static struct ctl_roles
roles(bool read, uint32_t rgid, bool admin, uint32_t agid)
{
	struct ctl_roles r;

	memset(&r, 0, sizeof(r));
	r.read.set = read;
	r.read.gid = rgid;
	strcpy(r.read.name, "cgw");
	r.admin.set = admin;
	r.admin.gid = agid;
	strcpy(r.admin.name, "cgwadm");
	return r;
}

static void
test_role_of(void **state)
{
	struct ctl_roles none = roles(false, 0, false, 0);
	struct ctl_roles both = roles(true, 900, true, 901);
	struct ctl_roles ro = roles(true, 900, false, 0);
	gid_t g_ro[] = { 10, 900 }, g_adm[] = { 901 }, g_other[] = { 1, 2, 3 };

	(void)state;
	/* Root is admin whatever is configured. */
	assert_int_equal(ctl_role_of(&none, 0, 0, NULL, 0), CTL_ROLE_ADMIN);
	assert_int_equal(ctl_role_of(NULL, 0, 5, NULL, 0), CTL_ROLE_ADMIN);
	/* Nothing configured: nobody else. */
	assert_int_equal(ctl_role_of(&none, 1000, 0, NULL, 0), CTL_ROLE_NONE);
	assert_int_equal(ctl_role_of(NULL, 1000, 900, NULL, 0), CTL_ROLE_NONE);
	/* By primary gid or by a supplementary group. */
	assert_int_equal(ctl_role_of(&both, 1000, 900, NULL, 0), CTL_ROLE_READ);
	assert_int_equal(ctl_role_of(&both, 1000, 100, g_ro, 2), CTL_ROLE_READ);
	assert_int_equal(ctl_role_of(&both, 1000, 901, NULL, 0), CTL_ROLE_ADMIN);
	assert_int_equal(ctl_role_of(&both, 1000, 100, g_adm, 1), CTL_ROLE_ADMIN);
	assert_int_equal(ctl_role_of(&both, 1000, 100, g_other, 3), CTL_ROLE_NONE);
	/* The admin group is not configured: gid 0 of a non-root is nothing. */
	assert_int_equal(ctl_role_of(&ro, 1000, 0, NULL, 0), CTL_ROLE_NONE);
	/* Unknown credentials (uid -1) hold nothing. */
	assert_int_equal(ctl_role_of(&both, (uid_t)-1, (gid_t)-1, NULL, 0),
	    CTL_ROLE_NONE);
}

static void
test_command_role(void **state)
{
	(void)state;
	assert_int_equal(ctl_command_role("status"), CTL_ROLE_READ);
	assert_int_equal(ctl_command_role("show"), CTL_ROLE_READ);
	assert_int_equal(ctl_command_role("monitor"), CTL_ROLE_READ);
	assert_int_equal(ctl_command_role("metrics"), CTL_ROLE_READ);
	assert_int_equal(ctl_command_role("nonsense"), CTL_ROLE_READ);
	assert_int_equal(ctl_command_role("tunnel"), CTL_ROLE_ADMIN);
	assert_int_equal(ctl_command_role("reload"), CTL_ROLE_ADMIN);
}

static void
test_refusal(void **state)
{
	struct ctl_roles none = roles(false, 0, false, 0);
	struct ctl_roles both = roles(true, 900, true, 901);
	struct ctl_roles ro = roles(true, 900, false, 0);
	struct ctl_roles adm = roles(false, 0, true, 901);
	char err[256], tiny[16];

	(void)state;
	assert_int_equal(ctl_role_check(&both, CTL_ROLE_READ, "status", NULL,
	    err, sizeof(err)), 0);
	assert_int_equal(ctl_role_check(&both, CTL_ROLE_ADMIN, "tunnel", "down",
	    err, sizeof(err)), 0);
	assert_int_equal(ctl_role_check(&both, CTL_ROLE_READ, "tunnel", "down",
	    err, sizeof(err)), -1);
	assert_string_equal(err, "permission denied: 'tunnel down' needs the "
	    "admin role (root or group cgwadm)");
	assert_int_equal(ctl_role_check(&ro, CTL_ROLE_READ, "reload", NULL,
	    err, sizeof(err)), -1);
	assert_string_equal(err, "permission denied: 'reload' needs the "
	    "admin role (root)");
	assert_int_equal(ctl_role_check(&both, CTL_ROLE_NONE, "status", NULL,
	    err, sizeof(err)), -1);
	assert_string_equal(err, "permission denied: 'status' needs the "
	    "read-only role (root, or group cgw or cgwadm)");
	assert_int_equal(ctl_role_check(&ro, CTL_ROLE_NONE, "show", "tunnels",
	    err, sizeof(err)), -1);
	assert_string_equal(err, "permission denied: 'show tunnels' needs the "
	    "read-only role (root or group cgw)");
	assert_int_equal(ctl_role_check(&adm, CTL_ROLE_NONE, "show", "bgp",
	    err, sizeof(err)), -1);
	assert_string_equal(err, "permission denied: 'show bgp' needs the "
	    "read-only role (root or group cgwadm)");
	assert_int_equal(ctl_role_check(&none, CTL_ROLE_NONE, "monitor", NULL,
	    err, sizeof(err)), -1);
	assert_string_equal(err, "permission denied: 'monitor' needs the "
	    "read-only role (root)");
	/* An argument that is not a plain word is not echoed (log lines). */
	assert_int_equal(ctl_role_check(&none, CTL_ROLE_READ, "tunnel",
	    "down\nforged log line", err, sizeof(err)), -1);
	assert_string_equal(err, "permission denied: 'tunnel' needs the "
	    "admin role (root)");
	assert_int_equal(ctl_role_check(&none, CTL_ROLE_READ, "tunnel", "",
	    err, sizeof(err)), -1);
	assert_string_equal(err, "permission denied: 'tunnel' needs the "
	    "admin role (root)");
	/* Cut to the buffer, never past it. */
	assert_int_equal(ctl_role_check(&none, CTL_ROLE_NONE, "monitor", NULL,
	    tiny, sizeof(tiny)), -1);
	assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
}

static int
groups(const char *text, gid_t *out, size_t max)
{
	return ctl_groups_parse(text, strlen(text), out, max);
}

static void
test_groups_parse(void **state)
{
	gid_t g[4];

	(void)state;
	assert_int_equal(groups("Name:\tx\nUid:\t1\t1\t1\t1\n"
	    "Groups:\t4 24 900 \nNgid:\t0\n", g, 4), 3);
	assert_int_equal(g[0], 4);
	assert_int_equal(g[1], 24);
	assert_int_equal(g[2], 900);
	/* No supplementary groups, at the very end without a newline. */
	assert_int_equal(groups("Name:\tx\nGroups:", g, 4), 0);
	assert_int_equal(groups("Groups:\t\n", g, 4), 0);
	/* More than max: the first max, no overrun. */
	assert_int_equal(groups("Groups:\t1 2 3 4 5 6 7\n", g, 2), 2);
	assert_int_equal(g[1], 2);
	/* No such line, or not numbers: -1. */
	assert_int_equal(groups("Name:\tx\nXGroups:\t1\n", g, 4), -1);
	assert_int_equal(groups("", g, 4), -1);
	assert_int_equal(groups("Groups:\t1 x2\n", g, 4), -1);
	assert_int_equal(groups("Groups:\t12a\n", g, 4), -1);
	assert_int_equal(groups("Groups:\t99999999999999999999\n", g, 4), -1);
	assert_int_equal(groups("Groups:\t4294967296\n", g, 4), -1);
	assert_int_equal(groups("Groups:\t4294967295\n", g, 4), 1);
	/* The line ends where its newline is: the next line is not read. */
	assert_int_equal(groups("Groups:\t5\n7 8\n", g, 4), 1);
	/* This very process. */
	assert_true(ctl_peer_groups(getpid(), g, 4) >= 0);
	assert_int_equal(ctl_peer_groups(-5, g, 4), -1);
}

static struct conf *
load(const char *text, struct conf_problems *problems)
{
	char path[] = "/tmp/cgw-test-roles.XXXXXX";
	struct conf *conf;
	FILE *f;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	TAILQ_INIT(problems);
	conf = conf_load(path, problems);
	unlink(path);
	return conf;
}

static bool
problem_has(const struct conf_problems *ps, int line, const char *text)
{
	const struct conf_problem *p;

	TAILQ_FOREACH(p, ps, entry)
		if (p->line == line && strstr(p->msg, text) != NULL)
			return true;
	return false;
}

static void
test_conf(void **state)
{
	struct conf_problems ps;
	struct conf *conf;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	/* "root" and "daemon" exist on every Linux host. */
	conf = load("asn 65000\nrouter-id 192.0.2.10\ncontrol group daemon\n"
	    "control admin-group \"root\"\n", &ps);
	assert_non_null(conf);
	assert_true(conf->ctl_group.set);
	assert_string_equal(conf->ctl_group.name, "daemon");
	assert_true(conf->ctl_admin.set);
	assert_int_equal(conf->ctl_admin.gid, 0);
	f = open_memstream(&out, &len);
	conf_print(f, conf);
	fclose(f);
	assert_non_null(strstr(out, "control group daemon\n"));
	assert_non_null(strstr(out, "control admin-group root\n"));
	free(out);
	conf_free(conf);
	conf_problems_free(&ps);

	conf = load("asn 65000\nrouter-id 192.0.2.10\n", &ps);
	assert_non_null(conf);
	assert_false(conf->ctl_group.set);
	assert_false(conf->ctl_admin.set);
	conf_free(conf);
	conf_problems_free(&ps);

	conf = load("asn 65000\nrouter-id 192.0.2.10\n"
	    "control group no-such-group-cgw\n"
	    "control admin-group bad/name\n"
	    "control group root\ncontrol group root\n"
	    "control admin-group \"-x\"\n", &ps);
	/* Line 7 is the second admin-group: "given twice" comes first. */
	assert_null(conf);
	assert_true(problem_has(&ps, 3, "control group 'no-such-group-cgw': "));
	assert_true(problem_has(&ps, 4, "is not a group name"));
	assert_true(problem_has(&ps, 6, "given twice"));
	assert_true(problem_has(&ps, 7, "given twice"));
	conf_problems_free(&ps);
	conf = load("asn 65000\nrouter-id 192.0.2.10\ncontrol group \"-x\"\n", &ps);
	assert_null(conf);
	assert_true(problem_has(&ps, 3, "is not a group name"));
	conf_problems_free(&ps);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_of),
		cmocka_unit_test(test_command_role),
		cmocka_unit_test(test_refusal),
		cmocka_unit_test(test_groups_parse),
		cmocka_unit_test(test_conf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
