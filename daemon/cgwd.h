/*
 * The daemon: one context (struct cgwd) owning the event base, the
 * configuration, the tunnels and the control server. Passed explicitly;
 * the parts that come later (IKE engine, kernel handle, BGP speaker) hang
 * off it and off each struct tunnel.
 */
#ifndef CGW_DAEMON_CGWD_H
#define CGW_DAEMON_CGWD_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <sys/queue.h>

#include "cgw_paths.h"		/* generated: CGW_SYSCONFDIR (make SYSCONFDIR=) */
#include "conf/conf.h"
#include "daemon/tunnel.h"

struct cgw_clock;
struct event;
struct event_base;
struct ctl_server;
struct ike_ctx;		/* ike/ike.h */
struct xfrm_ctx;	/* xfrm/: netlink handle */
struct bgp_ctx;		/* bgp/: the speaker */
struct metrics_http;	/* daemon/metrics.c: the Prometheus endpoint */
struct ps_client;	/* privsep/: the kernel helper */

#define CGWD_DEFAULT_CONF	CGW_SYSCONFDIR "/cgwd/cgwd.conf"
#define CGWD_MAX_IKE_ADDRS	16
#define CGWD_IFID_SLOTS		0x10000	/* XFRM_IFID(0 .. 0xffff) */

struct cgwd_opts {
	const char	*conf_path;	/* NULL = CGWD_DEFAULT_CONF */
	const char	*sock_path;	/* NULL = CTL_DEFAULT_SOCKET */
	/* For cgwd_build_info: the program's CGW_VERSION and CGW_REVISION
	 * (static strings; NULL = unknown). */
	const char	*version;
	const char	*revision;
};

struct cgwd {
	struct event_base	*base;
	/* The log's, for counts of repeated lines at their interval's end. */
	struct cgw_clock	*log_clock;
	char			*conf_path;
	char			*sock_path;
	struct conf		*conf;
	struct tunnels		 tunnels;	/* configuration order */
	struct ctl_server	*ctl;
	struct event		*ev_sigterm;
	struct event		*ev_sigint;
	struct event		*ev_sighup;
	int			 lock_fd;	/* nslock: one cgwd per netns */
	struct event		*ev_lock;
	time_t			 started;	/* monotonic seconds */
	unsigned		 reloads;	/* successful reloads */
	bool			 stopping;	/* STOPPING=1 sent: no more STATUS */

	/* Attached by the parts as they land; NULL until then. */
	struct ike_ctx		*ike;
	struct xfrm_ctx		*xfrm;
	struct bgp_ctx		*bgp;
	/* Local addresses the IKE engine listens on (daemon/ipsec.c). */
	struct cgw_addr		 ike_addrs[CGWD_MAX_IKE_ADDRS];
	size_t			 n_ike_addrs;
	/* XFRM if_ids held by tunnels (daemon/ipsec.c), one bit each. */
	uint8_t			 ifids[CGWD_IFID_SLOTS / 8];
	bool			 mss_table;	/* nftables table in place (mss.c) */
	struct metrics_http	*metrics;	/* NULL: not listening */
	struct event		*ev_watchdog;	/* WATCHDOG=1; NULL: none asked */
	const char		*version, *revision;	/* cgwd_opts' */
	/* The kernel helper (privsep/), which holds the netlink sockets;
	 * NULL before it is forked. */
	struct ps_client	*ps;
	bool			 ps_lost;	/* it died: exit non-zero */
	bool			 sandboxed;	/* no capabilities, seccomp on */
};

/*
 * Load the configuration, build the tunnels, open the control socket and
 * install the signal events. NULL with a one-line reason in err on any
 * failure (the configuration problems are logged).
 */
struct cgwd	*cgwd_start(const struct cgwd_opts *, char *err, size_t errlen);
/* Run the loop until SIGTERM/SIGINT or cgwd_stop. */
int		 cgwd_run(struct cgwd *);
void		 cgwd_stop(struct cgwd *, const char *why);
/* Close the socket (and unlink it), tear the tunnels down, free. */
void		 cgwd_free(struct cgwd *);

/*
 * Re-read the configuration and apply the differences. On error the
 * running configuration stays and err holds "file:line: ..." of the first
 * error; returns -1.
 */
int		 cgwd_reload(struct cgwd *, char *err, size_t errlen);

size_t		 cgwd_ntunnels(const struct cgwd *);
/* Tell systemd the tunnel summary (STATUS=) anew: a tunnel changed state. */
void		 cgwd_status_update(struct cgwd *);
/* Monotonic seconds, for ages. */
time_t		 cgwd_now(void);

#endif
