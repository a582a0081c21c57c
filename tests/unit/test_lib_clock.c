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

/* Probes numbered from 1, each with its timer. */
static void
probes_init(struct probe *p, size_t n, struct rec *r)
{
	for (size_t i = 0; i < n; i++) {
		memset(&p[i], 0, sizeof(p[i]));
		p[i].rec = r;
		p[i].id = (int)i + 1;
		assert_non_null(p[i].t = cgw_timer_new(r->clock, probe_fire,
		    &p[i]));
	}
}

static void
probes_free(struct probe *p, size_t n, struct rec *r)
{
	for (size_t i = 0; i < n; i++)
		cgw_timer_free(p[i].t);
	cgw_clock_free(r->clock);
}

/* Which probes fired so far, in order: "231" is 2, then 3, then 1. */
static void
assert_fired(const struct rec *r, const char *ids)
{
	char got[MAX_LOG + 1];

	for (size_t i = 0; i < r->n; i++)
		got[i] = (char)('0' + r->who[i]);
	got[r->n] = '\0';
	assert_string_equal(got, ids);
}

static void
test_manual_order(void **state)
{
	struct rec r = { 0 };
	struct probe p[3];
	uint64_t due;

	(void)state;
	assert_non_null(r.clock = cgw_clock_new_manual(1000));
	assert_int_equal(cgw_clock_now_ms(r.clock), 1000);
	assert_false(cgw_clock_next(r.clock, &due));
	probes_init(p, 3, &r);
	cgw_timer_arm(p[0].t, 30);
	cgw_timer_arm(p[1].t, 10);
	cgw_timer_arm(p[2].t, 10);	/* same deadline: after p[1] */
	assert_true(cgw_timer_pending(p[0].t));
	assert_true(cgw_clock_next(r.clock, &due));
	assert_int_equal(due, 1010);

	cgw_clock_advance(r.clock, 9);
	assert_fired(&r, "");
	cgw_clock_advance(r.clock, 100);
	assert_fired(&r, "231");
	/* each fired at its own deadline, then time reached the end */
	assert_int_equal(r.at[0], 1010);
	assert_int_equal(r.at[2], 1030);
	assert_int_equal(cgw_clock_now_ms(r.clock), 1109);
	assert_false(cgw_timer_pending(p[0].t));

	/* re-arming replaces the deadline */
	cgw_timer_arm(p[0].t, 50);
	cgw_timer_arm(p[0].t, 5);
	cgw_clock_advance(r.clock, 5);
	cgw_clock_advance(r.clock, 100);
	assert_fired(&r, "2311");
	probes_free(p, 3, &r);
}

static void
test_manual_callbacks(void **state)
{
	struct rec r = { 0 };
	struct probe p[4];
	struct probe *tick = &p[0], *killer = &p[1], *victim = &p[2];
	struct probe *once = &p[3];
	struct cgw_timer *lazy = NULL;

	(void)state;
	assert_non_null(r.clock = cgw_clock_new_manual(0));
	probes_init(p, 4, &r);
	tick->rearm_ms = 10;
	tick->times = 3;
	killer->victim = victim->t;
	once->free_self = true;
	cgw_timer_arm(tick->t, 10);
	cgw_timer_arm(killer->t, 15);
	cgw_timer_arm(victim->t, 16);
	cgw_timer_arm(once->t, 0);

	/* 0 ms waits for the clock to be turned, as on the loop */
	assert_fired(&r, "");
	cgw_clock_advance(r.clock, 0);
	assert_fired(&r, "4");
	assert_null(once->t);

	/* tick at 10, 20, 30; killer at 15; victim never */
	cgw_clock_advance(r.clock, 1000);
	assert_fired(&r, "41211");
	assert_int_equal(r.at[4], 30);

	/* skip: overdue timers wait for the next advance, then fire late */
	assert_int_equal(cgw_timer_set(r.clock, &lazy, probe_fire, tick, 10), 0);
	assert_non_null(lazy);
	tick->times = 1;
	cgw_clock_skip(r.clock, 500);
	assert_fired(&r, "41211");
	cgw_clock_advance(r.clock, 0);
	assert_fired(&r, "412111");
	assert_int_equal(r.at[5], 1500);

	cgw_timer_cancel(NULL);
	cgw_timer_free(NULL);
	assert_false(cgw_timer_pending(NULL));
	cgw_timer_free(lazy);
	probes_free(p, 4, &r);
}

static void
test_libevent(void **state)
{
	struct event_base *base;
	struct rec r = { 0 };
	struct probe p[4];
	uint64_t t0, due;

	(void)state;
	assert_non_null(base = event_base_new());
	assert_non_null(r.clock = cgw_clock_new_event(base));
	assert_false(cgw_clock_next(r.clock, &due));
	probes_init(p, 4, &r);
	t0 = cgw_clock_now_ms(r.clock);
	cgw_timer_arm(p[0].t, 20);
	cgw_timer_arm(p[1].t, 5);
	cgw_timer_arm(p[2].t, 0);
	cgw_timer_arm(p[3].t, 1);
	cgw_timer_cancel(p[3].t);
	assert_true(cgw_timer_pending(p[2].t));
	assert_false(cgw_timer_pending(p[3].t));
	/* manual-only calls leave a real clock alone */
	cgw_clock_advance(r.clock, 100000);
	assert_fired(&r, "");

	event_base_dispatch(base);	/* returns once no timer is left */
	assert_fired(&r, "321");
	/* libevent times with CLOCK_MONOTONIC_COARSE: a few ms early */
	assert_true(r.at[2] >= t0 + 10);

	probes_free(p, 4, &r);
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
