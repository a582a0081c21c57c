/*
 * Logging to stderr, one line per event, for journald.
 *
 * `who` names the object the line is about ("aws-prod/t1", "ctl", ...) so
 * an operator can grep one tunnel; NULL for the daemon itself. Never pass
 * a secret (PSK, key) to these functions.
 */
#ifndef CGW_LIB_LOG_H
#define CGW_LIB_LOG_H

#include <stdbool.h>

struct cgw_clock;
struct iovec;

enum log_level {
	LOG_LVL_ERR = 0,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
	LOG_LVL_TRACE,
};

/*
 * -v count; journald: prefix lines with <N>. When stderr is journald's
 * own stream (log_journal_stderr), entries go through sd_journal_send
 * with fields: TUNNEL=vpn/tunnel, PEER=address (LAN neighbors), SPI=
 * (each SPI a line names), CGWD_WHO=, so `journalctl TUNNEL=aws-prod/t1`
 * finds a tunnel's lines.
 */
void	 log_init(int verbosity, int journald);
/* JOURNAL_STREAM names stderr's device and inode. */
bool	 log_journal_stderr(void);
/* Tests: entries to sink (as sd_journal_sendv) instead of the journal;
 * NULL: back to the plain lines. */
void	 log_set_journal_sink(int (*sink)(const struct iovec *, int));
int	 log_enabled(enum log_level);
void	 log_msg(enum log_level, const char *who, const char *fmt, ...)
	     __attribute__((format(printf, 3, 4)));

/*
 * Every line of log_msg is limited by its repeats: of one exact line
 * (level, who and text), the first LOG_REPEAT_BURST of an interval of
 * LOG_RL_INTERVAL_MS are written, the others counted, and when the
 * interval is over the line is written once more with the count ("...
 * (repeated 37 more times in 10 s)"). The first sight of a line is always
 * written at once; only the count waits, for the interval's end. The last
 * LOG_REPEAT_SLOTS different lines are remembered (least recently seen
 * forgotten first, its count written then).
 *
 * Rate-limited lines (log_msg_rl), for problems a peer (or anyone on the
 * network) can cause once per packet, are limited by kind instead, whatever
 * their text: of each kind (the call site's format string) and `who`, the
 * first LOG_RL_BURST lines of an interval are written; the others are
 * counted, and the count is written with the last of them once the
 * interval is over ("... (1234 more like this in 10 s)").
 *
 * Under both, a line that keeps coming stays quiet until a whole interval
 * passes without it, writing only its count, once per interval.
 */
#define LOG_RL_BURST		5
#define LOG_RL_INTERVAL_MS	10000
#define LOG_RL_SLOTS		64	/* kinds tracked at once */
#define LOG_REPEAT_BURST	5
#define LOG_REPEAT_SLOTS	32	/* lines tracked at once */

void	 log_msg_rl(enum log_level, const char *who, const char *fmt, ...)
	     __attribute__((format(printf, 3, 4)));
/* Writes the counts of intervals that are over; every line does too. */
void	 log_rl_flush(void);
/*
 * Time from `clock`, and a timer on it that writes each count when its
 * interval ends (the daemon: its loop's clock; tests: a manual one).
 * NULL: CLOCK_MONOTONIC, and a count waits for the next line or exit.
 * Changing the clock writes the pending counts and forgets every line;
 * the clock must outlive its use here (set NULL before freeing it).
 */
void	 log_use_clock(struct cgw_clock *);

#define log_err(who, ...)	log_msg(LOG_LVL_ERR, who, __VA_ARGS__)
#define log_warn(who, ...)	log_msg(LOG_LVL_WARN, who, __VA_ARGS__)
#define log_info(who, ...)	log_msg(LOG_LVL_INFO, who, __VA_ARGS__)
#define log_debug(who, ...)	log_msg(LOG_LVL_DEBUG, who, __VA_ARGS__)
#define log_trace(who, ...)	log_msg(LOG_LVL_TRACE, who, __VA_ARGS__)
#define log_warn_rl(who, ...)	log_msg_rl(LOG_LVL_WARN, who, __VA_ARGS__)
#define log_info_rl(who, ...)	log_msg_rl(LOG_LVL_INFO, who, __VA_ARGS__)
#define log_debug_rl(who, ...)	log_msg_rl(LOG_LVL_DEBUG, who, __VA_ARGS__)

#endif
