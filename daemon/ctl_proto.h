/*
 * Control socket protocol, shared by cgwd and cgwctl.
 *
 * One JSON object per line (newline-delimited) in each direction:
 *   request   {"command": "show", "args": ["tunnels"]}
 *   response  {"ok": true, "result": {...}}
 *             {"ok": false, "error": "one-line reason"}
 * A connection carries any number of requests, answered in order.
 */
#ifndef CGW_DAEMON_CTL_PROTO_H
#define CGW_DAEMON_CTL_PROTO_H

#include <stddef.h>

#include <jansson.h>

#define CTL_DEFAULT_SOCKET	"/run/cgwd/cgwd.sock"
#define CTL_MAX_REQUEST		(64 * 1024)	/* bytes, newline excluded */
#define CTL_MAX_ARGS		8
#define CTL_MAX_ARG_LEN		256
#define CTL_COMMAND_MAX		32

struct ctl_request {
	char	 command[CTL_COMMAND_MAX];
	size_t	 argc;
	char	*argv[CTL_MAX_ARGS];
};

/*
 * Parse one request line (without its newline). 0 on success; -1 with a
 * one-line reason in err otherwise. On success the caller frees with
 * ctl_request_free.
 */
int	 ctl_request_parse(const char *line, size_t len, struct ctl_request *,
	    char *err, size_t errlen);
void	 ctl_request_free(struct ctl_request *);

/* Encoders return a malloc'd, newline-terminated line, NULL on ENOMEM. */
char	*ctl_request_encode(const char *command, size_t argc,
	    char *const argv[]);
char	*ctl_reply_ok(json_t *result);		/* steals result */
char	*ctl_reply_error(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

/*
 * Parse one response line. 0: *result holds the daemon's result (caller
 * decrefs). 1: the daemon answered an error, copied into err. -1: the
 * line is not a valid response (reason in err).
 */
int	 ctl_reply_parse(const char *line, size_t len, json_t **result,
	    char *err, size_t errlen);

#endif
