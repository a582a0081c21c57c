#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "lib/log.h"

static struct {
	int	level;
	int	journald;
} log_state = { LOG_LVL_INFO, 0 };

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

void
log_msg(enum log_level lvl, const char *who, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warning", "info", "debug", "trace" };
	/* syslog priorities, understood by journald on stderr */
	static const int prio[] = { 3, 4, 6, 7, 7 };
	char line[1024];
	va_list ap;
	int n;

	if (!log_enabled(lvl))
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
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
