#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <systemd/sd-journal.h>

#include "lib/log.h"

#define LOG_LINE_MAX	1024
#define LOG_WHO_MAX	64
#define LOG_FIELD_MAX	256	/* "TUNNEL=" and a name */

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
	/* stderr is the journal: fields through log_state.sink. */
	bool			 native;
	int			(*sink)(const struct iovec *, int);
	unsigned long long	(*now)(void);
	struct log_rl_slot	 rl[LOG_RL_SLOTS];
} log_state = { .level = LOG_LVL_INFO };

void
log_init(int verbosity, int journald)
{
	int lvl = LOG_LVL_INFO + verbosity;

	log_state.level = lvl > LOG_LVL_TRACE ? LOG_LVL_TRACE : lvl;
	log_state.journald = journald;
	log_state.native = journald && log_journal_stderr();
}

/*
 * Whether stderr is journald's stream: JOURNAL_STREAM names its device
 * and inode (systemd.exec(5)); a pipe to something else, or stderr
 * redirected by a wrapper, does not match and keeps the plain lines.
 */
bool
log_journal_stderr(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (env == NULL || sscanf(env, "%llu:%llu", &dev, &ino) != 2 ||
	    fstat(STDERR_FILENO, &st) != 0)
		return false;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
log_set_journal_sink(int (*sink)(const struct iovec *, int))
{
	log_state.sink = sink;
	log_state.native = sink != NULL;
}

/* The first SPI a line names: "SA c0ffee01", "SPI c0ffee01", "spi 0x...",
 * the second of "SA c0ffee01/deadbeef" in *spi2 (as cgwd's lines write
 * them: 8 hex digits). */
static bool
log_find_spi(const char *line, char spi[9], char spi2[9])
{
	static const char *const marks[] = { "SA ", "SPI ", "spi 0x" };
	const char *p, *best = NULL;
	size_t i, k;

	spi[0] = spi2[0] = '\0';
	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		for (p = line; (p = strstr(p, marks[i])) != NULL; p++) {
			const char *h = p + strlen(marks[i]);

			for (k = 0; k < 8 && isxdigit((unsigned char)h[k]); k++)
				;
			if (k == 8 && !isxdigit((unsigned char)h[8])) {
				if (best == NULL || h < best)
					best = h;
				break;
			}
		}
	}
	if (best == NULL)
		return false;
	memcpy(spi, best, 8);
	spi[8] = '\0';
	if (best[8] == '/') {
		for (k = 0; k < 8 && isxdigit((unsigned char)best[9 + k]); k++)
			;
		if (k == 8 && !isxdigit((unsigned char)best[17])) {
			memcpy(spi2, best + 9, 8);
			spi2[8] = '\0';
		}
	}
	return true;
}

/*
 * One entry with fields an operator can match: TUNNEL= for a tunnel's
 * lines (its name has a '/'), PEER= for a LAN neighbor's, SPI= for each
 * SPI the line names; CGWD_WHO= whatever the line is about. -1 when the
 * journal did not take it.
 */
static int
log_journal(int prio, const char *who, const char *line)
{
	char msg[LOG_LINE_MAX + LOG_FIELD_MAX], pri[16], f_who[LOG_FIELD_MAX];
	char f_tun[LOG_FIELD_MAX], f_peer[LOG_FIELD_MAX];
	char f_spi[2][16], spi[9], spi2[9];
	struct iovec iov[9];
	int n = 0;

#define LOG_IOV(s) (iov[n].iov_base = (s), iov[n].iov_len = strlen(s), n++)
	snprintf(msg, sizeof(msg), "MESSAGE=%s%s%s", who ? who : "",
	    who ? ": " : "", line);
	snprintf(pri, sizeof(pri), "PRIORITY=%d", prio);
	LOG_IOV(msg);
	LOG_IOV(pri);
	LOG_IOV("SYSLOG_IDENTIFIER=cgwd");
	if (who != NULL) {
		snprintf(f_who, sizeof(f_who), "CGWD_WHO=%s", who);
		LOG_IOV(f_who);
		if (strchr(who, '/') != NULL) {
			snprintf(f_tun, sizeof(f_tun), "TUNNEL=%s", who);
			LOG_IOV(f_tun);
		} else if (strncmp(who, "neighbor ", 9) == 0) {
			snprintf(f_peer, sizeof(f_peer), "PEER=%s", who + 9);
			LOG_IOV(f_peer);
		}
	}
	if (log_find_spi(line, spi, spi2)) {
		snprintf(f_spi[0], sizeof(f_spi[0]), "SPI=%s", spi);
		LOG_IOV(f_spi[0]);
		if (spi2[0] != '\0') {
			snprintf(f_spi[1], sizeof(f_spi[1]), "SPI=%s", spi2);
			LOG_IOV(f_spi[1]);
		}
	}
#undef LOG_IOV
	return (log_state.sink ? log_state.sink : sd_journal_sendv)(iov, n);
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

	/* The journal refusing (full, restarting) leaves the stream. */
	if (log_state.native && log_journal(prio[lvl], who, line) >= 0)
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
