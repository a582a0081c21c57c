/*
 * WATCHDOG=1 from the event loop itself: a timer that runs only when the
 * loop dispatches. A thread or a signal would keep pinging through a
 * stuck loop and hide exactly what the watchdog is for.
 */
#include <stdlib.h>

#include <event2/event.h>
#include <systemd/sd-daemon.h>

#include "daemon/cgwd.h"
#include "daemon/watchdog.h"
#include "lib/log.h"

uint64_t
watchdog_period_usec(uint64_t usec)
{
	if (usec == 0)
		return 0;
	return usec / 2 < 1000 ? 1000 : usec / 2;
}

static void
watchdog_fire(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	sd_notify(0, "WATCHDOG=1");
}

int
watchdog_start(struct cgwd *cgwd)
{
	uint64_t usec = 0, period;
	struct timeval tv;
	int rc;

	/* 0: not asked (or WATCHDOG_PID names another process). */
	if ((rc = sd_watchdog_enabled(0, &usec)) <= 0) {
		if (rc < 0)
			log_warn(NULL, "watchdog: cannot read WATCHDOG_USEC; "
			    "no watchdog");
		return 0;
	}
	period = watchdog_period_usec(usec);
	tv.tv_sec = (time_t)(period / 1000000);
	tv.tv_usec = (suseconds_t)(period % 1000000);
	cgwd->ev_watchdog = event_new(cgwd->base, -1, EV_PERSIST,
	    watchdog_fire, cgwd);
	if (cgwd->ev_watchdog == NULL || event_add(cgwd->ev_watchdog, &tv) != 0) {
		log_err(NULL, "watchdog: cannot start its timer");
		return -1;
	}
	/* The first one now: start-up may have taken a while. */
	sd_notify(0, "WATCHDOG=1");
	log_info(NULL, "watchdog: WATCHDOG=1 every %llu ms (systemd's "
	    "interval %llu ms)", (unsigned long long)period / 1000,
	    (unsigned long long)usec / 1000);
	return 0;
}

void
watchdog_stop(struct cgwd *cgwd)
{
	if (cgwd->ev_watchdog != NULL) {
		event_free(cgwd->ev_watchdog);
		cgwd->ev_watchdog = NULL;
	}
}
