/* cgwctl: the control client and its tables (daemon-private). */
#ifndef CGW_DAEMON_CGWCTL_H
#define CGW_DAEMON_CGWCTL_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#define CGWCTL_TIMEOUT_MS	10000
#define CGWCTL_MAX_REPLY	(16 * 1024 * 1024)
#define CTL_TEXT_MAX		256	/* one value in a text view */

/*
 * One request, one reply. 0: *result holds the result (caller decrefs);
 * 1: the daemon answered an error (in err); -1: no answer (reason in err).
 */
int	ctl_client_call(const char *sock, const char *command, size_t argc,
	    char *const argv[], int timeout_ms, json_t **result, char *err,
	    size_t errlen);

/* Tables for people; 0, or -1 when the result has not the expected shape. */
int	ctl_print_status(FILE *, const json_t *result);
int	ctl_print_tunnels(FILE *, const json_t *result);
/* `show tunnel NAME`: the one tunnel object, a line per fact, history. */
int	ctl_print_tunnel(FILE *, const json_t *tunnel);
int	ctl_print_sas(FILE *, const json_t *result);
int	ctl_print_bgp(FILE *, const json_t *result);
int	ctl_print_routes(FILE *, const json_t *result);
int	ctl_print_advertised(FILE *, const json_t *result);
/* "1h02m", "35s", "-" for null: ages in tables. */
void	ctl_fmt_age(const json_t *seconds, char *buf, size_t len);

/* Monotonic milliseconds; a connected non-blocking socket, or -1. */
long long ctl_now_ms(void);
int	ctl_connect(const char *sock, long long deadline, char *err,
	    size_t errlen);

/* One event line of `monitor` for people; -1 if it is no event. */
int	ctl_print_event(FILE *, const json_t *event);
/* `cgwctl monitor [--json]`: events until interrupted; exit status. */
int	cgwctl_monitor(const char *sock, int json, int argc, char *argv[]);

/* The whole program, main() aside: exit status. */
int	cgwctl_run(int argc, char *argv[]);

#endif
