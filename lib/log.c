#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"

#define LOG_LINE_MAX	1024
#define LOG_WHO_MAX	64

/* One kind of rate-limited line: a call site (fmt) about one `who`. */
struct log_rl_slot {
	const char		*fmt;		/* NULL: free */
	char			 who[LOG_WHO_MAX];
	enum log_level		 lvl;
	uint64_t		 start_ms;	/* of the current interval */
	uint64_t		 used_ms;	/* last line, for reuse of the slot */
	unsigned		 written;	/* lines written this interval */
	unsigned long		 dropped;	/* lines counted this interval */
	char			 last[LOG_LINE_MAX];	/* the last one dropped */
};

static struct {
	int			 level;
	int			 journald;
	unsigned long long	(*now)(void);
	struct log_rl_slot	 rl[LOG_RL_SLOTS];
} log_state = { .level = LOG_LVL_INFO };

void
log_init(int verbosity, int journald)
{
	int lvl = LOG_LVL_INFO + verbosity;

	log_state.level = lvl > LOG_LVL_TRACE ? LOG_LVL_TRACE : lvl;
	log_state.journald = journald;
}

int
log_enabled(enum log_level lvl)
{
	return (int)lvl <= log_state.level;
}

static void
log_write(enum log_level lvl, const char *who, const char *line)
{
	static const char *const names[] = { "error", "warning", "info", "debug", "trace" };
	/* syslog priorities, understood by journald on stderr */
	static const int prio[] = { 3, 4, 6, 7, 7 };

	if (log_state.journald) {
		fprintf(stderr, "<%d>%s%s%s\n", prio[lvl], who ? who : "",
		    who ? ": " : "", line);
	} else {
		struct timespec ts;
		struct tm tm;
		char stamp[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld %-7s %s%s%s\n", stamp,
		    ts.tv_nsec / 1000000, names[lvl], who ? who : "",
		    who ? ": " : "", line);
	}
}

void
log_msg(enum log_level lvl, const char *who, const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	va_list ap;
	int n;

	if (!log_enabled(lvl))
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n >= 0)
		log_write(lvl, who, line);
}

void
log_set_clock(unsigned long long (*now)(void))
{
	log_state.now = now;
}

static uint64_t
log_now_ms(void)
{
	struct timespec ts;

	if (log_state.now != NULL)
		return log_state.now();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The count of an interval that is over, with the last line it hid. */
static void
log_rl_summary(struct log_rl_slot *s)
{
	char line[LOG_LINE_MAX + 64];

	snprintf(line, sizeof(line), "%s (%lu more like this in %u s)",
	    s->last, s->dropped, LOG_RL_INTERVAL_MS / 1000);
	log_write(s->lvl, s->who[0] ? s->who : NULL, line);
	s->dropped = 0;
}

/*
 * Starts the interval `now` falls in. A kind that was dropping stays
 * quiet unless a whole interval passed without it, so a steady flood
 * writes one count per interval, not a burst each time.
 */
static void
log_rl_roll(struct log_rl_slot *s, uint64_t now)
{
	bool quiet = now - s->start_ms >= 2 * (uint64_t)LOG_RL_INTERVAL_MS;

	if (s->dropped > 0) {
		log_rl_summary(s);
		s->written = quiet ? 0 : LOG_RL_BURST;
	} else {
		s->written = 0;
	}
	s->start_ms = now;
}

void
log_rl_flush(void)
{
	uint64_t now = log_now_ms();
	size_t i;

	for (i = 0; i < LOG_RL_SLOTS; i++) {
		struct log_rl_slot *s = &log_state.rl[i];

		if (s->fmt != NULL && s->dropped > 0 &&
		    now - s->start_ms >= LOG_RL_INTERVAL_MS)
			log_rl_roll(s, now);
	}
}

/* The slot of (fmt, who); a new one takes the least recently used. */
static struct log_rl_slot *
log_rl_slot(enum log_level lvl, const char *who, const char *fmt,
    uint64_t now)
{
	struct log_rl_slot *s, *lru = &log_state.rl[0];
	size_t i;

	if (who == NULL)
		who = "";
	for (i = 0; i < LOG_RL_SLOTS; i++) {
		s = &log_state.rl[i];
		if (s->fmt == fmt && strncmp(s->who, who, sizeof(s->who) - 1) == 0)
			return s;
		if (s->fmt == NULL || (lru->fmt != NULL && s->used_ms < lru->used_ms))
			lru = s;
	}
	if (lru->fmt != NULL && lru->dropped > 0)
		log_rl_summary(lru);
	memset(lru, 0, sizeof(*lru));
	lru->fmt = fmt;
	lru->lvl = lvl;
	lru->start_ms = now;
	snprintf(lru->who, sizeof(lru->who), "%s", who);
	return lru;
}

void
log_msg_rl(enum log_level lvl, const char *who, const char *fmt, ...)
{
	struct log_rl_slot *s;
	char line[LOG_LINE_MAX];
	uint64_t now;
	va_list ap;
	int n;

	if (!log_enabled(lvl))
		return;
	log_rl_flush();
	now = log_now_ms();
	s = log_rl_slot(lvl, who, fmt, now);
	s->used_ms = now;
	if (now - s->start_ms >= LOG_RL_INTERVAL_MS)
		log_rl_roll(s, now);
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (s->written < LOG_RL_BURST) {
		s->written++;
		log_write(lvl, who, line);
		return;
	}
	s->dropped++;
	memcpy(s->last, line, sizeof(s->last));
}
