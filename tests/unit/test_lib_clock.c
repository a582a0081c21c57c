/*
 * The clock: the manual backend fires in deadline order and lets
 * callbacks re-arm, cancel and free; the libevent backend keeps the same
 * contract on a real loop.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <event2/event.h>

#include "lib/clock.h"

#define MAX_LOG	16

struct rec {
	struct cgw_clock	*clock;
	size_t			 n;
	int			 who[MAX_LOG];
	uint64_t		 at[MAX_LOG];
};

struct probe {
	struct rec		*rec;
	int			 id;
	struct cgw_timer	*t;
	struct cgw_timer	*victim;	/* cancelled when this fires */
	unsigned		 rearm_ms;	/* re-arm itself while set */
	unsigned		 times;		/* ... this many times */
	bool			 free_self;
};

static void
probe_fire(void *arg)
{
	struct probe *p = arg;
	struct rec *r = p->rec;

	assert_true(r->n < MAX_LOG);
	r->who[r->n] = p->id;
	r->at[r->n++] = cgw_clock_now_ms(r->clock);
	cgw_timer_cancel(p->victim);
	if (p->rearm_ms && --p->times > 0)
		cgw_timer_arm(p->t, p->rearm_ms);
	if (p->free_self) {
		cgw_timer_free(p->t);
		p->t = NULL;
	}
}

static void
probe_init(struct probe *p, struct rec *r, int id)
{
	memset(p, 0, sizeof(*p));
	p->rec = r;
	p->id = id;
	assert_non_null(p->t = cgw_timer_new(r->clock, probe_fire, p));
}

static void
test_manual_order(void **state)
{
	struct rec r = { 0 };
	struct probe a, b, c;
	uint64_t due;

	(void)state;
	assert_non_null(r.clock = cgw_clock_new_manual(1000));
	assert_int_equal(cgw_clock_now_ms(r.clock), 1000);
	assert_false(cgw_clock_next(r.clock, &due));
	probe_init(&a, &r, 1);
	probe_init(&b, &r, 2);
	probe_init(&c, &r, 3);
	cgw_timer_arm(a.t, 30);
	cgw_timer_arm(b.t, 10);
	cgw_timer_arm(c.t, 10);		/* same deadline: after b */
	assert_true(cgw_timer_pending(a.t));
	assert_true(cgw_clock_next(r.clock, &due));
	assert_int_equal(due, 1010);

	cgw_clock_advance(r.clock, 9);
	assert_int_equal(r.n, 0);
	cgw_clock_advance(r.clock, 100);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.who[0], 2);
	assert_int_equal(r.who[1], 3);
	assert_int_equal(r.who[2], 1);
	/* each fired at its own deadline, then time reached the end */
	assert_int_equal(r.at[0], 1010);
	assert_int_equal(r.at[2], 1030);
	assert_int_equal(cgw_clock_now_ms(r.clock), 1109);
	assert_false(cgw_timer_pending(a.t));

	/* re-arming replaces the deadline */
	cgw_timer_arm(a.t, 50);
	cgw_timer_arm(a.t, 5);
	cgw_clock_advance(r.clock, 5);
	assert_int_equal(r.n, 4);
	cgw_clock_advance(r.clock, 100);
	assert_int_equal(r.n, 4);

	cgw_timer_free(a.t);
	cgw_timer_free(b.t);
	cgw_timer_free(c.t);
	cgw_clock_free(r.clock);
}

static void
test_manual_callbacks(void **state)
{
	struct rec r = { 0 };
	struct probe tick, killer, victim, once;
	struct cgw_timer *lazy = NULL;

	(void)state;
	assert_non_null(r.clock = cgw_clock_new_manual(0));
	probe_init(&tick, &r, 1);
	probe_init(&killer, &r, 2);
	probe_init(&victim, &r, 3);
	probe_init(&once, &r, 4);
	tick.rearm_ms = 10;
	tick.times = 3;
	killer.victim = victim.t;
	once.free_self = true;
	cgw_timer_arm(tick.t, 10);
	cgw_timer_arm(killer.t, 15);
	cgw_timer_arm(victim.t, 16);
	cgw_timer_arm(once.t, 0);

	/* 0 ms waits for the clock to be turned, as on the loop */
	assert_int_equal(r.n, 0);
	cgw_clock_advance(r.clock, 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.who[0], 4);
	assert_null(once.t);

	cgw_clock_advance(r.clock, 1000);
	/* tick at 10, 20, 30; killer at 15; victim never */
	assert_int_equal(r.n, 5);
	assert_int_equal(r.who[1], 1);
	assert_int_equal(r.who[2], 2);
	assert_int_equal(r.who[3], 1);
	assert_int_equal(r.at[4], 30);

	/* skip: overdue timers wait for the next advance, then fire late */
	assert_int_equal(cgw_timer_set(r.clock, &lazy, probe_fire, &tick, 10), 0);
	assert_non_null(lazy);
	tick.times = 1;
	cgw_clock_skip(r.clock, 500);
	assert_int_equal(r.n, 5);
	cgw_clock_advance(r.clock, 0);
	assert_int_equal(r.n, 6);
	assert_int_equal(r.at[5], 1500);

	cgw_timer_cancel(NULL);
	cgw_timer_free(NULL);
	assert_false(cgw_timer_pending(NULL));
	cgw_timer_free(lazy);
	cgw_timer_free(tick.t);
	cgw_timer_free(killer.t);
	cgw_timer_free(victim.t);
	cgw_clock_free(r.clock);
}

static void
test_libevent(void **state)
{
	struct event_base *base;
	struct rec r = { 0 };
	struct probe a, b, now, gone;
	uint64_t t0, due;

	(void)state;
	assert_non_null(base = event_base_new());
	assert_non_null(r.clock = cgw_clock_new_event(base));
	assert_false(cgw_clock_next(r.clock, &due));
	probe_init(&a, &r, 1);
	probe_init(&b, &r, 2);
	probe_init(&now, &r, 3);
	probe_init(&gone, &r, 4);
	t0 = cgw_clock_now_ms(r.clock);
	cgw_timer_arm(a.t, 20);
	cgw_timer_arm(b.t, 5);
	cgw_timer_arm(now.t, 0);
	cgw_timer_arm(gone.t, 1);
	cgw_timer_cancel(gone.t);
	assert_true(cgw_timer_pending(now.t));
	assert_false(cgw_timer_pending(gone.t));
	/* manual-only calls leave a real clock alone */
	cgw_clock_advance(r.clock, 100000);
	assert_int_equal(r.n, 0);

	event_base_dispatch(base);	/* returns once no timer is left */
	assert_int_equal(r.n, 3);
	assert_int_equal(r.who[0], 3);
	assert_int_equal(r.who[1], 2);
	assert_int_equal(r.who[2], 1);
	/* libevent times with CLOCK_MONOTONIC_COARSE: a few ms early */
	assert_true(r.at[2] >= t0 + 10);

	cgw_timer_free(a.t);
	cgw_timer_free(b.t);
	cgw_timer_free(now.t);
	cgw_timer_free(gone.t);
	cgw_clock_free(r.clock);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manual_order),
		cmocka_unit_test(test_manual_callbacks),
		cmocka_unit_test(test_libevent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
