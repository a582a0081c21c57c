/*
 * Logging to stderr, one line per event, for journald.
 *
 * `who` names the object the line is about ("aws-prod/t1", "ctl", ...) so
 * an operator can grep one tunnel; NULL for the daemon itself. Never pass
 * a secret (PSK, key) to these functions.
 */
#ifndef CGW_LIB_LOG_H
#define CGW_LIB_LOG_H

enum log_level {
	LOG_LVL_ERR = 0,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
	LOG_LVL_TRACE,
};

void	 log_init(int verbosity, int journald);	/* -v count; prefix <N> */
int	 log_enabled(enum log_level);
void	 log_msg(enum log_level, const char *who, const char *fmt, ...)
	     __attribute__((format(printf, 3, 4)));

#define log_err(who, ...)	log_msg(LOG_LVL_ERR, who, __VA_ARGS__)
#define log_warn(who, ...)	log_msg(LOG_LVL_WARN, who, __VA_ARGS__)
#define log_info(who, ...)	log_msg(LOG_LVL_INFO, who, __VA_ARGS__)
#define log_debug(who, ...)	log_msg(LOG_LVL_DEBUG, who, __VA_ARGS__)
#define log_trace(who, ...)	log_msg(LOG_LVL_TRACE, who, __VA_ARGS__)

#endif
