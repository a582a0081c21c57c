/*
 * Daemon lifecycle: start, signals, reload (differences only), stop.
 * systemd is told through sd_notify (a no-op without NOTIFY_SOCKET).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <systemd/sd-daemon.h>

#include "bgp/bgp.h"
#include "daemon/cgwd.h"
#include "daemon/failover.h"
#include "daemon/ipsec.h"
#include "daemon/mss.h"
#include "daemon/routing.h"
#include "daemon/control.h"
#include "daemon/ctl.h"
#include "daemon/ctl_roles.h"
#include "daemon/metrics.h"
#include "daemon/watchdog.h"
#include "daemon/tunnel.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/nslock.h"
#include "privsep/privsep.h"

static void	cgwd_notify_status(struct cgwd *, const char *);

time_t
cgwd_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

size_t
cgwd_ntunnels(const struct cgwd *cgwd)
{
	const struct tunnel *t;
	size_t n = 0;

	TAILQ_FOREACH(t, &cgwd->tunnels, entry)
		n++;
	return n;
}

void
cgwd_status_update(struct cgwd *cgwd)
{
	if (!cgwd->stopping)
		cgwd_notify_status(cgwd, NULL);
}

static void
cgwd_notify_status(struct cgwd *cgwd, const char *state)
{
	unsigned n[TUNNEL_S_MAX] = { 0 };
	struct tunnel *t;

	TAILQ_FOREACH(t, &cgwd->tunnels, entry)
		n[t->state]++;
	sd_notifyf(0, "%s%sSTATUS=%u tunnels: %u up, %u connecting, %u down",
	    state ? state : "", state ? "\n" : "",
	    n[TUNNEL_S_UP] + n[TUNNEL_S_CONNECTING] + n[TUNNEL_S_DOWN],
	    n[TUNNEL_S_UP], n[TUNNEL_S_CONNECTING], n[TUNNEL_S_DOWN]);
}

/*
 * Parse the file; log every problem. NULL on error, with the first error
 * as "file:line: message" in err.
 */
static struct conf *
cgwd_conf_load(const char *path, char *err, size_t errlen)
{
	struct conf_problems problems;
	struct conf_problem *p;
	struct conf *conf;
	char where[512];
	bool first = true;

	TAILQ_INIT(&problems);
	conf = conf_load(path, &problems);
	TAILQ_FOREACH(p, &problems, entry) {
		if (p->line > 0)
			snprintf(where, sizeof(where), "%s:%d",
			    p->file ? p->file : path, p->line);
		else
			snprintf(where, sizeof(where), "%s",
			    p->file ? p->file : path);
		if (!p->error) {
			log_warn(NULL, "%s: %s", where, p->msg);
			continue;
		}
		log_err(NULL, "%s: %s", where, p->msg);
		if (first)
			snprintf(err, errlen, "%s: %s", where, p->msg);
		first = false;
	}
	if (conf == NULL && first)
		snprintf(err, errlen, "%s: cannot load the configuration", path);
	conf_problems_free(&problems);
	return conf;
}

/* A tunnel whose IKE peer cannot be made stays listed, down, with why. */
static void
cgwd_tunnel_attach(struct tunnel *t)
{
	char err[TUNNEL_REASON_MAX];

	if (ipsec_tunnel_attach(t, err, sizeof(err)) != 0) {
		log_err(t->name, "cannot start IPsec: %s", err);
		snprintf(t->reason, sizeof(t->reason), "%s", err);
	}
	if (routing_tunnel_attach(t, err, sizeof(err)) != 0)
		log_err(t->name, "cannot start BGP: %s", err);
}

static int
cgwd_tunnel_add(struct cgwd *cgwd, struct tunnels *list,
    const struct conf *conf, const struct conf_tunnel *ct)
{
	char ifname[CONF_IFNAME_MAX];
	struct tunnel *t;

	if (tunnel_ifname_pick(list, conf, ct, ifname, sizeof(ifname)) != 0) {
		log_err(ct->fullname, "interface %s is used by another tunnel; "
		    "tunnel not created", ct->ifname);
		return -1;
	}
	if ((t = tunnel_new(cgwd, ct, ifname)) == NULL) {
		log_err(ct->fullname, "out of memory");
		return -1;
	}
	TAILQ_INSERT_TAIL(list, t, entry);
	if (cgwd->ike != NULL)
		cgwd_tunnel_attach(t);
	return 0;
}

/* A second cgwd asked who holds the lock: it has its answer already. */
static void
cgwd_lock_probe(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	(void)arg;
	nslock_answer(fd);
}

/*
 * Before anything touches the kernel: IPsec starts by removing objects
 * with cgwd's marks, which would be another running cgwd's policies if
 * one shared this network namespace (and it would share UDP 500 too).
 */
static int
cgwd_lock(struct cgwd *cgwd, char *err, size_t errlen)
{
	if ((cgwd->lock_fd = nslock_take(NSLOCK_CGWD, NULL, err, errlen)) < 0)
		return -1;
	cgwd->ev_lock = event_new(cgwd->base, cgwd->lock_fd,
	    EV_READ | EV_PERSIST, cgwd_lock_probe, cgwd);
	if (cgwd->ev_lock == NULL || event_add(cgwd->ev_lock, NULL) < 0) {
		snprintf(err, errlen, "cannot watch the instance lock");
		return -1;
	}
	return 0;
}

static void
cgwd_signal(evutil_socket_t sig, short what, void *arg)
{
	struct cgwd *cgwd = arg;
	char err[512];

	(void)what;
	if (sig == SIGHUP) {
		log_info(NULL, "SIGHUP: reloading %s", cgwd->conf_path);
		(void)cgwd_reload(cgwd, err, sizeof(err));
		return;
	}
	cgwd_stop(cgwd, sig == SIGTERM ? "SIGTERM" : "SIGINT");
}

/* The control socket's roles from the configuration (`control ...`). */
static int
cgwd_ctl_roles(struct cgwd *cgwd, char *err, size_t errlen)
{
	struct ctl_roles r = { .read = cgwd->conf->ctl_group,
	    .admin = cgwd->conf->ctl_admin };

	if (cgwd->ctl == NULL)
		return 0;
	return ctl_server_set_roles(cgwd->ctl, &r, err, errlen);
}

/* The kernel helper died: no kernel change is possible any more, and
 * systemd restarts a cgwd that exits non-zero. */
static void
cgwd_ps_lost(void *arg)
{
	struct cgwd *cgwd = arg;

	cgwd->ps_lost = true;
	if (!cgwd->stopping)
		cgwd_stop(cgwd, "the kernel helper is gone");
}

/*
 * Every port is bound: the main process gives up every capability and
 * enters its seccomp filter (privsep/ps_sandbox.c).
 */
static int
cgwd_sandbox(struct cgwd *cgwd, char *err, size_t errlen)
{
	bool filtered;

	if (ps_sandbox(&filtered, err, errlen) != 0)
		return -1;
	cgwd->sandboxed = true;
	log_info(NULL, "kernel helper pid %d; main process: no capabilities, "
	    "seccomp filter %s", (int)ps_helper_pid(cgwd->ps),
	    filtered ? "on" : "off (sanitizer build)");
	return 0;
}

struct cgwd *
cgwd_start(const struct cgwd_opts *opts, char *err, size_t errlen)
{
	const struct conf_vpn *v;
	const struct conf_tunnel *ct;
	struct cgwd *cgwd;
	struct tunnel *t;

	if ((cgwd = calloc(1, sizeof(*cgwd))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	TAILQ_INIT(&cgwd->tunnels);
	cgwd->lock_fd = -1;
	cgwd->started = cgwd_now();
	cgwd->version = opts->version;
	cgwd->revision = opts->revision;
	cgwd->conf_path = strdup(opts->conf_path ? opts->conf_path :
	    CGWD_DEFAULT_CONF);
	cgwd->sock_path = strdup(opts->sock_path ? opts->sock_path :
	    CTL_DEFAULT_SOCKET);
	if (cgwd->conf_path == NULL || cgwd->sock_path == NULL ||
	    (cgwd->base = event_base_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	/* Without it, counts of repeated lines wait for the next line. */
	if ((cgwd->log_clock = cgw_clock_new_event(cgwd->base)) != NULL)
		log_use_clock(cgwd->log_clock);
	/* A control client that hangs up early must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	cgwd->ev_sigterm = evsignal_new(cgwd->base, SIGTERM, cgwd_signal, cgwd);
	cgwd->ev_sigint = evsignal_new(cgwd->base, SIGINT, cgwd_signal, cgwd);
	cgwd->ev_sighup = evsignal_new(cgwd->base, SIGHUP, cgwd_signal, cgwd);
	if (cgwd->ev_sigterm == NULL || cgwd->ev_sigint == NULL ||
	    cgwd->ev_sighup == NULL || evsignal_add(cgwd->ev_sigterm, NULL) ||
	    evsignal_add(cgwd->ev_sigint, NULL) ||
	    evsignal_add(cgwd->ev_sighup, NULL)) {
		snprintf(err, errlen, "cannot install signal handlers");
		goto fail;
	}
	if (cgwd_lock(cgwd, err, errlen) != 0)
		goto fail;

	if ((cgwd->conf = cgwd_conf_load(cgwd->conf_path, err, errlen)) == NULL) {
		/* The problems are logged already, one per line. */
		snprintf(err, errlen, "%s has errors", cgwd->conf_path);
		goto fail;
	}
	/* Before anything from the network is read: the helper's copy of
	 * the configuration is one nobody could have tampered with. */
	if ((cgwd->ps = ps_start(cgwd->base, cgwd->conf, cgwd->conf_path,
	    cgwd->sock_path, cgwd->lock_fd, cgwd_ps_lost, cgwd, err,
	    errlen)) == NULL)
		goto fail;
	TAILQ_FOREACH(v, &cgwd->conf->vpns, entry)
		TAILQ_FOREACH(ct, &v->tunnels, entry)
			if (cgwd_tunnel_add(cgwd, &cgwd->tunnels, cgwd->conf, ct) != 0) {
				snprintf(err, errlen, "%s: cannot create tunnel",
				    ct->fullname);
				goto fail;
			}

	cgwd->ctl = ctl_server_open(cgwd->base, cgwd->sock_path, NULL,
	    ctl_dispatch, cgwd, err, errlen);
	if (cgwd->ctl == NULL)
		goto fail;
	/* The group cannot reach the socket: root still can, and the VPN
	 * matters more than a read-only view. */
	if (cgwd_ctl_roles(cgwd, err, errlen) != 0)
		log_warn(NULL, "control socket roles: %s", err);
	/* The lock proved no other cgwd runs here: IPsec may now remove
	 * the kernel objects a previous cgwd left behind. */
	if (ipsec_open(cgwd, err, errlen) != 0 ||
	    routing_open(cgwd, err, errlen) != 0)
		goto fail;
	/* Port 179: the helper binds the listener, whenever BGP wants it. */
	if (cgwd->bgp != NULL && cgwd->ps != NULL)
		bgp_set_listen_fn(cgwd->bgp, ps_bgp_listen, cgwd->ps);
	TAILQ_FOREACH(t, &cgwd->tunnels, entry)
		cgwd_tunnel_attach(t);
	cgwd_mss_sync(cgwd);
	metrics_open(cgwd);
	if (watchdog_start(cgwd) != 0) {
		snprintf(err, errlen, "cannot start the watchdog timer");
		goto fail;
	}
	ps_ctl_socket(cgwd->ps);
	if (cgwd_sandbox(cgwd, err, errlen) != 0)
		goto fail;
	log_info(NULL, "started with %zu tunnels from %s", cgwd_ntunnels(cgwd),
	    cgwd->conf_path);
	cgwd_notify_status(cgwd, "READY=1");
	return cgwd;
fail:
	cgwd_free(cgwd);
	return NULL;
}

int
cgwd_run(struct cgwd *cgwd)
{
	if (event_base_dispatch(cgwd->base) < 0)
		return -1;
	return cgwd->ps_lost ? -1 : 0;
}

void
cgwd_stop(struct cgwd *cgwd, const char *why)
{
	log_info(NULL, "stopping (%s)", why);
	cgwd->stopping = true;
	sd_notify(0, "STOPPING=1");
	event_base_loopexit(cgwd->base, NULL);
}

void
cgwd_free(struct cgwd *cgwd)
{
	struct tunnel *t;

	if (cgwd == NULL)
		return;
	/* The socket first: nobody may talk to a daemon half torn down. */
	ctl_server_close(cgwd->ctl);
	/* Tunnels going down below publish events: to nobody now. */
	cgwd->ctl = NULL;
	metrics_close(cgwd);
	watchdog_stop(cgwd);
	while ((t = TAILQ_FIRST(&cgwd->tunnels)) != NULL) {
		TAILQ_REMOVE(&cgwd->tunnels, t, entry);
		tunnel_free(t);
	}
	cgwd_mss_clear(cgwd);
	routing_close(cgwd);
	ipsec_close(cgwd);
	/* The helper goes last of the kernel's users, and holds the
	 * instance lock until it has. */
	ps_stop(cgwd->ps);
	cgwd->ps = NULL;
	conf_free(cgwd->conf);
	if (cgwd->ev_sigterm)
		event_free(cgwd->ev_sigterm);
	if (cgwd->ev_sigint)
		event_free(cgwd->ev_sigint);
	if (cgwd->ev_sighup)
		event_free(cgwd->ev_sighup);
	/* Last: the namespace is free only once our kernel objects are gone. */
	if (cgwd->ev_lock)
		event_free(cgwd->ev_lock);
	if (cgwd->lock_fd >= 0)
		close(cgwd->lock_fd);
	/* The log's timer is an event of the loop: off before the loop. */
	if (cgwd->log_clock != NULL) {
		log_use_clock(NULL);
		cgw_clock_free(cgwd->log_clock);
	}
	if (cgwd->base)
		event_base_free(cgwd->base);
	free(cgwd->conf_path);
	free(cgwd->sock_path);
	free(cgwd);
}

static bool
cgwd_networks_eq(const struct conf *a, const struct conf *b)
{
	const struct conf_network *na, *nb;

	na = TAILQ_FIRST(&a->networks);
	nb = TAILQ_FIRST(&b->networks);
	for (; na && nb; na = TAILQ_NEXT(na, entry), nb = TAILQ_NEXT(nb, entry))
		if (!prefix_eq(&na->prefix, &nb->prefix) ||
		    na->prefix.len != nb->prefix.len)
			return false;
	return na == NULL && nb == NULL;
}

/*
 * Differences only: a tunnel whose configuration (as tunnel_conf_changed
 * sees it) is the same keeps its object, state, SAs and BGP session; a
 * changed one is kept but reset; removed ones go; new ones are built.
 */
static void
cgwd_apply(struct cgwd *cgwd, struct conf *nconf)
{
	struct tunnels kept, final;
	const struct conf_vpn *v;
	const struct conf_tunnel *ct;
	struct tunnel *t;
	char what[256], ifname[CONF_IFNAME_MAX], old[CONF_IFNAME_MAX];
	unsigned n_kept = 0, n_changed = 0, n_added = 0, n_removed = 0;

	TAILQ_INIT(&kept);
	TAILQ_INIT(&final);
	/* 1. The survivors, reconfigured in place. */
	TAILQ_FOREACH(v, &nconf->vpns, entry) {
		TAILQ_FOREACH(ct, &v->tunnels, entry) {
			if ((t = tunnel_find(&cgwd->tunnels, ct->fullname)) == NULL)
				continue;
			TAILQ_REMOVE(&cgwd->tunnels, t, entry);
			if (tunnel_conf_changed(cgwd->conf, t->conf, nconf, ct,
			    what, sizeof(what))) {
				n_changed++;
				/* Torn down under its old configuration. */
				routing_tunnel_detach(t);
				ipsec_tunnel_detach(t);
				t->reattach = true;
			} else
				n_kept++;
			t->rename = strstr(what, "interface") != NULL;
			tunnel_reconfigure(t, ct, what);
			TAILQ_INSERT_TAIL(&kept, t, entry);
		}
	}
	/* 1b. New interface names, once every survivor's name is known. */
	TAILQ_FOREACH(t, &kept, entry) {
		if (!t->rename)
			continue;
		t->rename = false;
		snprintf(old, sizeof(old), "%s", t->ifname);
		t->ifname[0] = '\0';	/* its own old name is free again */
		if (tunnel_ifname_pick(&kept, nconf, t->conf, ifname,
		    sizeof(ifname)) != 0) {
			log_err(t->name, "interface %s is used by another tunnel; "
			    "keeping %s", t->conf->ifname, old);
			snprintf(ifname, sizeof(ifname), "%s", old);
		}
		snprintf(t->ifname, sizeof(t->ifname), "%s", ifname);
	}
	/* 1c. Changed tunnels come back under their new configuration. */
	TAILQ_FOREACH(t, &kept, entry) {
		if (t->reattach && cgwd->ike != NULL)
			cgwd_tunnel_attach(t);
		t->reattach = false;
	}
	/* 2. What is left is gone from the file. */
	while ((t = TAILQ_FIRST(&cgwd->tunnels)) != NULL) {
		TAILQ_REMOVE(&cgwd->tunnels, t, entry);
		log_info(t->name, "removed from the configuration");
		tunnel_free(t);
		n_removed++;
	}
	/* 3. New ones, named around the survivors. */
	TAILQ_FOREACH(v, &nconf->vpns, entry) {
		TAILQ_FOREACH(ct, &v->tunnels, entry) {
			if (tunnel_find(&kept, ct->fullname) != NULL)
				continue;
			if (cgwd_tunnel_add(cgwd, &kept, nconf, ct) == 0)
				n_added++;
		}
	}
	/* 4. Configuration order, for status and show. */
	TAILQ_FOREACH(v, &nconf->vpns, entry) {
		TAILQ_FOREACH(ct, &v->tunnels, entry) {
			if ((t = tunnel_find(&kept, ct->fullname)) == NULL)
				continue;
			TAILQ_REMOVE(&kept, t, entry);
			TAILQ_INSERT_TAIL(&final, t, entry);
		}
	}
	TAILQ_CONCAT(&cgwd->tunnels, &final, entry);

	if (!cgwd_networks_eq(cgwd->conf, nconf))
		log_info(NULL, "advertised networks changed");
	routing_reconfigure(cgwd, cgwd->conf, nconf);
	conf_free(cgwd->conf);
	cgwd->conf = nconf;
	/* `failover split` may have changed; covers follow at once. */
	failover_reconfigure(cgwd);
	if (cgwd->ike != NULL)
		ipsec_limits_apply(cgwd->ike, cgwd->conf);
	if (cgwd_ctl_roles(cgwd, what, sizeof(what)) != 0)
		log_warn(NULL, "control socket roles: %s", what);
	cgwd_mss_sync(cgwd);
	log_info(NULL, "reloaded: %u unchanged, %u changed, %u added, %u removed",
	    n_kept, n_changed, n_added, n_removed);
}

int
cgwd_reload(struct cgwd *cgwd, char *err, size_t errlen)
{
	struct timespec ts;
	struct conf *nconf;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000);
	if ((nconf = cgwd_conf_load(cgwd->conf_path, err, errlen)) == NULL) {
		log_err(NULL, "reload failed, keeping the running configuration: %s",
		    err);
		/* `systemctl status` shows why until the next status change. */
		sd_notifyf(0, "READY=1\nSTATUS=reload failed: %s", err);
		return -1;
	}
	/* The helper allows the new configuration's objects, and the old
	 * one's until cgwd_apply has removed them. */
	if (cgwd->ps != NULL && ps_reload(cgwd->ps, err, errlen) != 0) {
		log_err(NULL, "reload failed, keeping the running configuration: %s",
		    err);
		sd_notifyf(0, "READY=1\nSTATUS=reload failed: %s", err);
		conf_free(nconf);
		return -1;
	}
	cgwd_apply(cgwd, nconf);
	if (cgwd->ps != NULL)
		ps_reload_done(cgwd->ps);
	metrics_reconfigure(cgwd);
	cgwd->reloads++;
	cgwd_notify_status(cgwd, "READY=1");
	return 0;
}
