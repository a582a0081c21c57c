/*
 * Time and timers behind one API with two backends: libevent for the
 * daemon, and a manual clock for tests, where time only moves when the
 * test says so. Code that asks this module for `now` and arms its timers
 * here can be stepped deterministically; nothing else may read the system
 * clock for protocol decisions.
 *
 * Timers are one-shot: a callback that wants a period re-arms. A timer
 * may be armed, cancelled or freed from any callback, its own included.
 */
#ifndef CGW_LIB_CLOCK_H
#define CGW_LIB_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct event_base;
struct cgw_clock;
struct cgw_timer;

typedef void	cgw_timer_fn(void *arg);

/* CLOCK_MONOTONIC, timers on `base`. */
struct cgw_clock *cgw_clock_new_event(struct event_base *base);
/* Starts at `start_ms`; moves only through cgw_clock_advance/skip. */
struct cgw_clock *cgw_clock_new_manual(uint64_t start_ms);
/* Every timer of the clock must be freed first. */
void		 cgw_clock_free(struct cgw_clock *);

uint64_t	 cgw_clock_now_ms(const struct cgw_clock *);

/*
 * Manual clock only (no effect on the libevent one). advance: time moves
 * to each due timer in turn (earliest first, then in arming order) and it
 * fires there, so a callback sees its own deadline as `now`; timers armed
 * on the way fire too if due by the end. advance(0) runs what is due now.
 */
void		 cgw_clock_advance(struct cgw_clock *, uint64_t ms);
/* Time jumps without firing anything, as for a process that was stopped:
 * overdue timers fire late, at the next advance. */
void		 cgw_clock_skip(struct cgw_clock *, uint64_t ms);
/* Deadline of the earliest armed timer; false when none is armed. */
bool		 cgw_clock_next(const struct cgw_clock *, uint64_t *due_ms);

struct cgw_timer *cgw_timer_new(struct cgw_clock *, cgw_timer_fn *, void *arg);
/* Lazily created timer: creates *t on first use, then arms it. -1 when
 * out of memory. */
int		 cgw_timer_set(struct cgw_clock *, struct cgw_timer **t,
		    cgw_timer_fn *, void *arg, uint64_t after_ms);
/* (Re)arms: a pending deadline is replaced. 0 ms fires on the next turn
 * of the loop, never from inside this call. */
void		 cgw_timer_arm(struct cgw_timer *, uint64_t after_ms);
/* These three accept NULL. */
void		 cgw_timer_cancel(struct cgw_timer *);
bool		 cgw_timer_pending(const struct cgw_timer *);
void		 cgw_timer_free(struct cgw_timer *);

#endif
