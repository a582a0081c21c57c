/*
 * Per-vpn failover: covers over the stable tunnels while another is down
 * or in hold-down, and the hold-down itself. See daemon/failover.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "bgp/bgp.h"
#include "daemon/cgwd.h"
#include "daemon/failover.h"
#include "daemon/routing.h"
#include "daemon/tunnel.h"
#include "lib/log.h"
#include "lib/names.h"

static const char *const failover_phase_names[FO_PHASE_MAX] = {
	[FO_NEVER_UP]	= "never-up",
	[FO_UP]		= "up",
	[FO_DOWN]	= "down",
	[FO_HOLDDOWN]	= "hold-down",
};

const char *
failover_phase_name(enum failover_phase ph)
{
	return CGW_ENUM_NAME(failover_phase_names, ph);
}

enum failover_phase
failover_next(enum failover_phase ph, enum failover_ev ev,
    uint32_t holddown_s)
{
	switch (ev) {
	case FO_EV_UP:
		/* The first time up moves nothing back: no hold-down. */
		if (ph == FO_NEVER_UP)
			return FO_UP;
		if (ph == FO_DOWN)
			return holddown_s > 0 ? FO_HOLDDOWN : FO_UP;
		return ph;
	case FO_EV_LEFT_UP:
		/* During hold-down too: nothing moved back yet, so nothing
		 * moves now; the hold-down starts over when it returns. */
		if (ph == FO_UP || ph == FO_HOLDDOWN)
			return FO_DOWN;
		return ph;
	case FO_EV_STABLE:
		return ph == FO_HOLDDOWN ? FO_UP : ph;
	default:
		return ph;
	}
}

void
failover_decide(const enum failover_phase *ph, size_t n, bool split,
    struct failover_decision *out)
{
	bool need = false;
	size_t i;

	for (i = 0; i < n; i++)
		if (ph[i] == FO_DOWN || ph[i] == FO_HOLDDOWN)
			need = true;
	for (i = 0; i < n; i++) {
		out[i].cover = split && need && ph[i] == FO_UP;
		out[i].holddown = ph[i] == FO_HOLDDOWN;
	}
}

/* ---- applying the decisions ------------------------------------------ */

static bool
failover_same_vpn(const struct tunnel *a, const struct tunnel *b)
{
	/* By name: during a reload some tunnels still point into the old
	 * configuration. */
	return a->conf->vpn != NULL && b->conf->vpn != NULL &&
	    strcmp(a->conf->vpn->name, b->conf->vpn->name) == 0;
}

/* The tunnel covered for that a log line names: `cause` if it is one. */
static const struct tunnel *
failover_covered(struct tunnel **ts, size_t n, const struct tunnel *cause)
{
	size_t i;

	if (cause != NULL && (cause->fo.phase == FO_DOWN ||
	    cause->fo.phase == FO_HOLDDOWN))
		return cause;
	for (i = 0; i < n; i++)
		if (ts[i]->fo.phase == FO_DOWN ||
		    ts[i]->fo.phase == FO_HOLDDOWN)
			return ts[i];
	return NULL;
}

static void
failover_set_cover(struct tunnel *t, bool on, const struct tunnel *why)
{
	struct bgp_peer_status st;
	int skipped;

	if ((skipped = bgp_peer_set_cover(t->bgp, on)) < 0) {
		log_err(t->name, "cannot %s covers: %s", on ? "advertise" :
		    "withdraw", strerror(errno));
		return;
	}
	t->fo.cover = on;
	if (!on) {
		t->fo.warned_limit = false;
		return;
	}
	bgp_peer_status(t->bgp, &st);
	if (why != NULL && st.state == BGP_ST_ESTABLISHED)
		log_info(t->conf->vpn->name, "%s %s: advertising %u "
		    "more-specific routes over %s", why->conf->name,
		    why->fo.phase == FO_DOWN ? "down" : "in hold-down",
		    st.covers_advertised, t->conf->name);
	else if (why != NULL)
		log_info(t->conf->vpn->name, "%s %s: more-specific routes "
		    "go over %s once its BGP session is up", why->conf->name,
		    why->fo.phase == FO_DOWN ? "down" : "in hold-down",
		    t->conf->name);
	if (skipped > 0 && !t->fo.warned_limit) {
		log_warn(t->name, "%d prefixes not split: AWS accepts at most "
		    "%u advertised prefixes, the halves included", skipped,
		    BGP_AWS_MAX_ADVERTISED);
		t->fo.warned_limit = true;
	}
}

/*
 * Decide the vpn of `self` again and apply what changed to its tunnels'
 * BGP peers. Returns how many tunnels that are up withdrew their covers
 * (one that just died withdraws nothing anybody still hears).
 */
static unsigned
failover_apply(struct tunnel *self, const struct tunnel *cause)
{
	struct cgwd *cgwd = self->cgwd;
	struct tunnel *t, **ts = NULL;
	enum failover_phase *ph = NULL;
	struct failover_decision *d = NULL;
	const struct tunnel *why;
	size_t n = 0, i, max;
	unsigned withdrawn = 0;
	uint32_t lp;

	if (cgwd == NULL || cgwd->bgp == NULL || self->conf->vpn == NULL)
		return 0;
	max = cgwd_ntunnels(cgwd) + 1;
	if ((ts = calloc(max, sizeof(*ts))) == NULL ||
	    (ph = calloc(max, sizeof(*ph))) == NULL ||
	    (d = calloc(max, sizeof(*d))) == NULL) {
		log_err(self->conf->vpn->name, "failover: out of memory");
		goto done;
	}
	TAILQ_FOREACH(t, &cgwd->tunnels, entry)
		if (t->bgp != NULL && failover_same_vpn(t, self) && n < max)
			ts[n++] = t;
	for (i = 0; i < n; i++)
		ph[i] = ts[i]->fo.phase;
	/* A static vpn advertises nothing: no covers, the hold-down only. */
	failover_decide(ph, n, self->conf->vpn->failover_split &&
	    !conf_vpn_static(self->conf->vpn), d);
	why = failover_covered(ts, n, cause);
	for (i = 0; i < n; i++) {
		t = ts[i];
		if (d[i].holddown != t->fo.holddown_lp) {
			lp = d[i].holddown ? ROUTING_LPREF_HOLDDOWN :
			    routing_tunnel_lpref(t);
			if (bgp_peer_set_local_pref(t->bgp, lp) == 0)
				t->fo.holddown_lp = d[i].holddown;
		}
		if (d[i].cover != t->fo.cover) {
			if (!d[i].cover && t->fo.phase == FO_UP)
				withdrawn++;
			failover_set_cover(t, d[i].cover, why);
		}
	}
done:
	free(ts);
	free(ph);
	free(d);
	return withdrawn;
}

static void
failover_holddown_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tunnel *t = arg;

	(void)fd;
	(void)what;
	t->fo.phase = failover_next(t->fo.phase, FO_EV_STABLE, 0);
	if (failover_apply(t, t) > 0)
		log_info(t->name, "stable for %u s: covers withdrawn",
		    t->fo.holddown_s);
	else
		log_info(t->name, "stable for %u s: hold-down over",
		    t->fo.holddown_s);
}

static int
failover_holddown_start(struct tunnel *t, uint32_t secs)
{
	struct timeval tv = { .tv_sec = secs };

	if (t->fo.ev_holddown == NULL && (t->cgwd == NULL ||
	    t->cgwd->base == NULL || (t->fo.ev_holddown =
	    evtimer_new(t->cgwd->base, failover_holddown_cb, t)) == NULL))
		return -1;
	if (evtimer_add(t->fo.ev_holddown, &tv) != 0)
		return -1;
	t->fo.holddown_s = secs;
	t->fo.holddown_end = cgwd_now() + secs;
	return 0;
}

void
failover_tunnel_up(struct tunnel *t)
{
	enum failover_phase old = t->fo.phase;
	uint32_t secs = t->conf->vpn ? t->conf->vpn->failover_holddown_s : 0;

	t->fo.phase = failover_next(old, FO_EV_UP, secs);
	if (t->fo.phase == old)
		return;
	if (t->fo.phase == FO_HOLDDOWN) {
		if (failover_holddown_start(t, secs) != 0) {
			/* Without a timer nothing would ever end it. */
			log_err(t->name, "cannot start the hold-down timer; "
			    "its routes are preferred at once");
			t->fo.phase = FO_UP;
		} else
			log_info(t->name, "up again: not preferred for %u s "
			    "(hold-down)", secs);
	}
	/* Before the session starts: its routes arrive held down. */
	(void)failover_apply(t, t);
}

void
failover_tunnel_left_up(struct tunnel *t)
{
	enum failover_phase old = t->fo.phase;

	t->fo.phase = failover_next(old, FO_EV_LEFT_UP, 0);
	if (t->fo.ev_holddown != NULL)
		evtimer_del(t->fo.ev_holddown);
	if (old == FO_HOLDDOWN)
		log_info(t->name, "down again during its hold-down: nothing "
		    "moves; the hold-down starts over when it is back");
	if (t->fo.phase != old)
		(void)failover_apply(t, t);
}

void
failover_tunnel_detach(struct tunnel *t)
{
	if (t->fo.ev_holddown != NULL)
		event_free(t->fo.ev_holddown);
	memset(&t->fo, 0, sizeof(t->fo));
	/* The others stop covering for it (a stopping daemon has no one
	 * left to tell). */
	if (t->cgwd != NULL && !t->cgwd->stopping &&
	    failover_apply(t, NULL) > 0)
		log_info(t->name, "gone: covers withdrawn");
}

void
failover_reconfigure(struct cgwd *cgwd)
{
	struct tunnel *t;

	TAILQ_FOREACH(t, &cgwd->tunnels, entry)
		if (t->bgp != NULL && failover_apply(t, NULL) > 0)
			log_info(t->conf->vpn->name, "reloaded: covers "
			    "withdrawn");
}

long long
failover_holddown_left(const struct tunnel *t)
{
	time_t left;

	if (t->fo.phase != FO_HOLDDOWN)
		return -1;
	left = t->fo.holddown_end - cgwd_now();
	return left > 0 ? (long long)left : 0;
}
