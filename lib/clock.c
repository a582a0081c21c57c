/*
 * The two clock backends. The libevent one is a thin layer over evtimer;
 * the manual one keeps its armed timers in one list sorted by deadline
 * (ties in arming order), which is all a test with a handful of timers
 * needs and makes the firing order obvious.
 */
#include <stdlib.h>
#include <sys/queue.h>
#include <time.h>

#include <event2/event.h>

#include "lib/clock.h"

struct cgw_timer {
	struct cgw_clock	*clock;
	cgw_timer_fn		*fn;
	void			*arg;
	struct event		*ev;		/* libevent backend */
	/* Manual backend. */
	bool			 armed;
	uint64_t		 due_ms;
	TAILQ_ENTRY(cgw_timer)	 entry;
};
TAILQ_HEAD(cgw_timers, cgw_timer);

struct cgw_clock {
	struct event_base	*base;		/* NULL: manual */
	uint64_t		 now_ms;	/* manual */
	struct cgw_timers	 armed;		/* manual, by deadline */
};

struct cgw_clock *
cgw_clock_new_event(struct event_base *base)
{
	struct cgw_clock *c;

	if (base == NULL || (c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->base = base;
	TAILQ_INIT(&c->armed);
	return c;
}

struct cgw_clock *
cgw_clock_new_manual(uint64_t start_ms)
{
	struct cgw_clock *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->now_ms = start_ms;
	TAILQ_INIT(&c->armed);
	return c;
}

void
cgw_clock_free(struct cgw_clock *c)
{
	free(c);
}

uint64_t
cgw_clock_now_ms(const struct cgw_clock *c)
{
	struct timespec ts;

	if (c->base == NULL)
		return c->now_ms;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
cgw_manual_unlink(struct cgw_timer *t)
{
	if (t->armed) {
		TAILQ_REMOVE(&t->clock->armed, t, entry);
		t->armed = false;
	}
}

void
cgw_clock_advance(struct cgw_clock *c, uint64_t ms)
{
	uint64_t end = c->now_ms + ms;
	struct cgw_timer *t;

	if (c->base)
		return;
	/* The head is looked up again after every callback: a callback may
	 * have armed, cancelled or freed any timer. */
	while ((t = TAILQ_FIRST(&c->armed)) && t->due_ms <= end) {
		cgw_manual_unlink(t);
		if (t->due_ms > c->now_ms)
			c->now_ms = t->due_ms;
		t->fn(t->arg);
	}
	c->now_ms = end;
}

void
cgw_clock_skip(struct cgw_clock *c, uint64_t ms)
{
	if (c->base == NULL)
		c->now_ms += ms;
}

bool
cgw_clock_next(const struct cgw_clock *c, uint64_t *due_ms)
{
	const struct cgw_timer *t = TAILQ_FIRST(&c->armed);

	if (c->base || t == NULL)
		return false;
	*due_ms = t->due_ms;
	return true;
}

static void
cgw_timer_event(evutil_socket_t fd, short what, void *arg)
{
	struct cgw_timer *t = arg;

	(void)fd;
	(void)what;
	t->fn(t->arg);
}

struct cgw_timer *
cgw_timer_new(struct cgw_clock *c, cgw_timer_fn *fn, void *arg)
{
	struct cgw_timer *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->clock = c;
	t->fn = fn;
	t->arg = arg;
	if (c->base &&
	    (t->ev = evtimer_new(c->base, cgw_timer_event, t)) == NULL) {
		free(t);
		return NULL;
	}
	return t;
}

int
cgw_timer_set(struct cgw_clock *c, struct cgw_timer **t, cgw_timer_fn *fn,
    void *arg, uint64_t after_ms)
{
	if (*t == NULL && (*t = cgw_timer_new(c, fn, arg)) == NULL)
		return -1;
	cgw_timer_arm(*t, after_ms);
	return 0;
}

void
cgw_timer_arm(struct cgw_timer *t, uint64_t after_ms)
{
	struct cgw_clock *c = t->clock;
	struct cgw_timer *o;

	if (c->base) {
		struct timeval tv = { (time_t)(after_ms / 1000),
		    (suseconds_t)(after_ms % 1000) * 1000 };

		/* 0 ms: run after the events already active in this turn,
		 * without waiting for the next poll of the timer heap. */
		if (after_ms == 0) {
			evtimer_del(t->ev);
			event_active(t->ev, EV_TIMEOUT, 0);
		} else {
			evtimer_add(t->ev, &tv);
		}
		return;
	}
	cgw_manual_unlink(t);
	t->due_ms = c->now_ms + after_ms;
	t->armed = true;
	TAILQ_FOREACH_REVERSE(o, &c->armed, cgw_timers, entry)
		if (o->due_ms <= t->due_ms)
			break;
	if (o)
		TAILQ_INSERT_AFTER(&c->armed, o, t, entry);
	else
		TAILQ_INSERT_HEAD(&c->armed, t, entry);
}

void
cgw_timer_cancel(struct cgw_timer *t)
{
	if (t == NULL)
		return;
	if (t->ev)
		evtimer_del(t->ev);
	cgw_manual_unlink(t);
}

bool
cgw_timer_pending(const struct cgw_timer *t)
{
	if (t == NULL)
		return false;
	if (t->ev)	/* counts an activated 0 ms timer too */
		return evtimer_pending(t->ev, NULL) != 0;
	return t->armed;
}

void
cgw_timer_free(struct cgw_timer *t)
{
	if (t == NULL)
		return;
	cgw_timer_cancel(t);
	if (t->ev)
		event_free(t->ev);
	free(t);
}
