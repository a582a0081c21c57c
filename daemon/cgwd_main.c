/* cgwd: the customer gateway daemon (SPEC section 3). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "cgw_version.h"
#include "conf/conf.h"
#include "daemon/cgwd.h"
#include "daemon/ctl_proto.h"
#include "lib/log.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: cgwd [-f FILE] [-s SOCKET] [-n] [-v]...\n"
	    "       cgwd -V | -h\n"
	    "  -f FILE    configuration (default " CGWD_DEFAULT_CONF ")\n"
	    "  -s SOCKET  control socket (default " CTL_DEFAULT_SOCKET ")\n"
	    "  -n         check the configuration, print problems, exit\n"
	    "  -v         more log detail (repeatable)\n"
	    "  -V, --version  print the version and the git revision, exit\n"
	    "  -h, --help     print this usage, exit\n");
}

/* -n: every problem on stderr, the verdict on stdout and in the status. */
static int
check_config(const char *path)
{
	struct conf_problems problems;
	struct conf *conf;

	TAILQ_INIT(&problems);
	conf = conf_load(path, &problems);
	conf_problems_print(stderr, &problems);
	conf_problems_free(&problems);
	if (conf == NULL)
		return 1;
	conf_free(conf);
	printf("configuration OK\n");
	return 0;
}

/*
 * The process holds every tunnel's PSK and the IKE keys: no core dump
 * may carry them to disk, and non-dumpable also keeps other users'
 * debuggers and /proc/PID/mem out. Before the configuration is read.
 */
static void
cgwd_nodump(void)
{
	struct rlimit none = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &none) != 0)
		log_warn(NULL, "cannot disable core dumps: %s", strerror(errno));
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		log_warn(NULL, "cannot mark the process non-dumpable: %s",
		    strerror(errno));
}

int
main(int argc, char *argv[])
{
	static const struct option lopts[] = {
		{ "version",	no_argument,	NULL, 'V' },
		{ "help",	no_argument,	NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cgwd_opts opts = { .version = CGW_VERSION,
	    .revision = CGW_REVISION };
	struct cgwd *cgwd;
	char err[512];
	int ch, check = 0, verbose = 0, rc;

	while ((ch = getopt_long(argc, argv, "f:s:nvVh", lopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			opts.conf_path = optarg;
			break;
		case 's':
			opts.sock_path = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'V':
			printf("cgwd %s (revision %s)\n", CGW_VERSION,
			    CGW_REVISION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	cgwd_nodump();
	if (check)
		return check_config(opts.conf_path ? opts.conf_path :
		    CGWD_DEFAULT_CONF);

	/* Under systemd stderr is the journal: let it take the priorities. */
	log_init(verbose, getenv("JOURNAL_STREAM") != NULL);
	if ((cgwd = cgwd_start(&opts, err, sizeof(err))) == NULL) {
		log_err(NULL, "cannot start: %s", err);
		return 1;
	}
	rc = cgwd_run(cgwd);
	cgwd_free(cgwd);
	log_info(NULL, "stopped");
	return rc == 0 ? 0 : 1;
}
