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

#include "lib/clock.h"
#include "lib/log.h"

#define LOG_LINE_MAX	1024
#define LOG_WHO_MAX	64
#define LOG_FIELD_MAX	256	/* "TUNNEL=" and a name */

/*
 * One limited kind of line. log_msg_rl: a call site (fmt) about one `who`,
 * `last` the last line it hid. log_msg: one exact line (level, who and
 * text, `hash` of the three), `last` that line.
 */
struct log_rl_slot {
	bool			 used;
	const char		*fmt;		/* log_msg_rl's kind */
	uint32_t		 hash;		/* log_msg's line */
	char			 who[LOG_WHO_MAX];
	enum log_level		 lvl;
	uint64_t		 start_ms;	/* of the current interval */
	uint64_t		 used_ms;	/* last line, for reuse of the slot */
	unsigned		 written;	/* lines written this interval */
	unsigned long		 dropped;	/* lines counted this interval */
	char			 last[LOG_LINE_MAX];
};

/* The two limits differ in their slots, burst and the count's words. */
struct log_limit {
	struct log_rl_slot	*slots;
	size_t			 nslots;
	unsigned		 burst;
	const char		*fmt;		/* the count line: line, count, s */
};

static struct {
	int			 level;
	int			 journald;
	/* stderr is the journal: fields through log_state.sink. */
	bool			 native;
	int			(*sink)(const struct iovec *, int);
	/* NULL: CLOCK_MONOTONIC, and a count waits for the next line. */
	struct cgw_clock	*clock;
	/* Armed while a count is pending, for the earliest interval end. */
	struct cgw_timer	*timer;
	uint64_t		 timer_due;
	bool			 atexit_set;
	struct log_rl_slot	 rl_slots[LOG_RL_SLOTS];
	struct log_rl_slot	 rep_slots[LOG_REPEAT_SLOTS];
	struct log_limit	 rl, rep;
} log_state = {
	.level = LOG_LVL_INFO,
	.rl = { log_state.rl_slots, LOG_RL_SLOTS, LOG_RL_BURST,
	    "%s (%lu more like this in %u s)" },
	.rep = { log_state.rep_slots, LOG_REPEAT_SLOTS, LOG_REPEAT_BURST,
	    "%s (repeated %lu more times in %u s)" },
};

static bool	log_repeat_admit(enum log_level, const char *, const char *);
static void	log_atexit(void);

void
log_init(int verbosity, int journald)
{
	int lvl = LOG_LVL_INFO + verbosity;

	log_state.level = lvl > LOG_LVL_TRACE ? LOG_LVL_TRACE : lvl;
	log_state.journald = journald;
	log_state.native = journald && log_journal_stderr();
	/* A count still pending at exit is written, not lost. */
	if (!log_state.atexit_set && atexit(log_atexit) == 0)
		log_state.atexit_set = true;
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
	if (n >= 0 && log_repeat_admit(lvl, who, line))
		log_write(lvl, who, line);
}

static uint64_t
log_now_ms(void)
{
	struct timespec ts;

	if (log_state.clock != NULL)
		return cgw_clock_now_ms(log_state.clock);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The count of an interval that is over (or cut short: the slot is
 * reused, the clock changes, the process exits), with the line. */
static void
log_rl_summary(const struct log_limit *lim, struct log_rl_slot *s)
{
	char line[LOG_LINE_MAX + 64];

	if (lim == &log_state.rep)
		snprintf(line, sizeof(line), "%s (repeated %lu more times in "
		    "%u s)", s->last, s->dropped, LOG_RL_INTERVAL_MS / 1000);
	else
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
log_rl_roll(const struct log_limit *lim, struct log_rl_slot *s, uint64_t now)
{
	bool quiet = now - s->start_ms >= 2 * (uint64_t)LOG_RL_INTERVAL_MS;

	if (s->dropped > 0) {
		log_rl_summary(lim, s);
		s->written = quiet ? 0 : lim->burst;
	} else {
		s->written = 0;
	}
	s->start_ms = now;
}

static void	log_timer_fire(void *);

/* The timer for the earliest end of an interval with a count pending. */
static void
log_arm(uint64_t due, uint64_t now)
{
	if (log_state.clock == NULL ||
	    (cgw_timer_pending(log_state.timer) && log_state.timer_due <= due))
		return;
	/* Out of memory: the count waits for the next line instead. */
	if (cgw_timer_set(log_state.clock, &log_state.timer, log_timer_fire,
	    NULL, due > now ? due - now : 0) == 0)
		log_state.timer_due = due;
}

/* Writes the counts of intervals that are over (all of them: `all`),
 * then arms the timer for the next one. */
static void
log_flush(uint64_t now, bool all)
{
	struct log_limit *lims[] = { &log_state.rl, &log_state.rep };
	uint64_t due, next = UINT64_MAX;
	size_t k, i;

	for (k = 0; k < 2; k++) {
		for (i = 0; i < lims[k]->nslots; i++) {
			struct log_rl_slot *s = &lims[k]->slots[i];

			if (!s->used || s->dropped == 0)
				continue;
			due = s->start_ms + LOG_RL_INTERVAL_MS;
			if (all || now >= due)
				log_rl_roll(lims[k], s, now);
			else if (due < next)
				next = due;
		}
	}
	if (next == UINT64_MAX)
		cgw_timer_cancel(log_state.timer);
	else if (!cgw_timer_pending(log_state.timer) ||
	    log_state.timer_due != next) {
		cgw_timer_cancel(log_state.timer);
		log_arm(next, now);
	}
}

static void
log_timer_fire(void *arg)
{
	(void)arg;
	log_flush(log_now_ms(), false);
}

void
log_rl_flush(void)
{
	log_flush(log_now_ms(), false);
}

static void
log_atexit(void)
{
	log_flush(log_now_ms(), true);
}

void
log_use_clock(struct cgw_clock *clock)
{
	log_flush(log_now_ms(), true);
	cgw_timer_free(log_state.timer);
	log_state.timer = NULL;
	/* The slots' times are the old clock's. */
	memset(log_state.rl_slots, 0, sizeof(log_state.rl_slots));
	memset(log_state.rep_slots, 0, sizeof(log_state.rep_slots));
	log_state.clock = clock;
}

/* A slot for a new kind: a free one, or the least recently used one,
 * whose pending count is written first. */
static struct log_rl_slot *
log_slot_take(const struct log_limit *lim, struct log_rl_slot *lru,
    enum log_level lvl, const char *who, uint64_t now)
{
	if (lru->used && lru->dropped > 0)
		log_rl_summary(lim, lru);
	memset(lru, 0, sizeof(*lru));
	lru->used = true;
	lru->lvl = lvl;
	lru->start_ms = now;
	snprintf(lru->who, sizeof(lru->who), "%s", who);
	return lru;
}

/* Whether the line of slot s is written now; counted otherwise. */
static bool
log_slot_admit(const struct log_limit *lim, struct log_rl_slot *s,
    uint64_t now)
{
	s->used_ms = now;
	if (now - s->start_ms >= LOG_RL_INTERVAL_MS)
		log_rl_roll(lim, s, now);
	if (s->written < lim->burst) {
		s->written++;
		return true;
	}
	if (s->dropped++ == 0)
		log_arm(s->start_ms + LOG_RL_INTERVAL_MS, now);
	return false;
}

/* Whether slot s is older than the candidate lru (free slots first). */
static bool
log_slot_older(const struct log_rl_slot *s, const struct log_rl_slot *lru)
{
	return lru == NULL || !s->used || (lru->used && s->used_ms < lru->used_ms);
}

/* FNV-1a over level, who and text, to skip most compares. */
static uint32_t
log_hash(enum log_level lvl, const char *who, const char *line)
{
	uint32_t h = 2166136261u ^ (uint32_t)lvl;
	const char *p;

	h *= 16777619u;
	for (p = who; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	h = (h ^ 0xff) * 16777619u;	/* who "a", line "bc" != who "ab", "c" */
	for (p = line; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h;
}

/*
 * The repeat limit of every line: of one exact line (level, who, text)
 * the first LOG_REPEAT_BURST of an interval are written, the rest
 * counted. The first sight of a line is always written at once, and
 * nothing is ever held back to be written later but the count.
 */
static bool
log_repeat_admit(enum log_level lvl, const char *who, const char *line)
{
	const struct log_limit *lim = &log_state.rep;
	struct log_rl_slot *s, *lru = NULL;
	uint64_t now;
	uint32_t h;
	size_t i;

	if (who == NULL)
		who = "";
	/* A name too long to keep whole could pass for another: no limit. */
	if (strlen(who) >= LOG_WHO_MAX)
		return true;
	now = log_now_ms();
	log_flush(now, false);
	h = log_hash(lvl, who, line);
	for (i = 0; i < lim->nslots; i++) {
		s = &lim->slots[i];
		if (s->used && s->hash == h && s->lvl == lvl &&
		    strcmp(s->who, who) == 0 && strcmp(s->last, line) == 0)
			return log_slot_admit(lim, s, now);
		if (log_slot_older(s, lru))
			lru = s;
	}
	s = log_slot_take(lim, lru, lvl, who, now);
	s->hash = h;
	snprintf(s->last, sizeof(s->last), "%s", line);
	return log_slot_admit(lim, s, now);
}

/* The slot of (fmt, who). */
static struct log_rl_slot *
log_rl_slot(enum log_level lvl, const char *who, const char *fmt,
    uint64_t now)
{
	const struct log_limit *lim = &log_state.rl;
	struct log_rl_slot *s, *lru = NULL;
	size_t i;

	if (who == NULL)
		who = "";
	for (i = 0; i < lim->nslots; i++) {
		s = &lim->slots[i];
		if (s->used && s->fmt == fmt &&
		    strncmp(s->who, who, sizeof(s->who) - 1) == 0)
			return s;
		if (log_slot_older(s, lru))
			lru = s;
	}
	s = log_slot_take(lim, lru, lvl, who, now);
	s->fmt = fmt;
	return s;
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
	now = log_now_ms();
	log_flush(now, false);
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	s = log_rl_slot(lvl, who, fmt, now);
	if (log_slot_admit(&log_state.rl, s, now))
		log_write(lvl, who, line);
	else
		memcpy(s->last, line, sizeof(s->last));
}
