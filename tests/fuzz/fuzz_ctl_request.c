/*
 * The control socket parsers on arbitrary bytes: ctl_request_parse (what
 * cgwd reads from any local client) and ctl_reply_parse (what cgwctl reads
 * from the socket). A parsed request must respect the protocol limits and
 * survive an encode/parse round trip unchanged; a refused one must still
 * get its one-line error reply.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/ctl_proto.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_ctl_roundtrip(const struct ctl_request *req)
{
	struct ctl_request again;
	char err[256], *line;
	size_t i, n;

	if ((line = ctl_request_encode(req->command, req->argc,
	    req->argv)) == NULL)
		return;		/* out of memory */
	n = strlen(line);
	if (n == 0 || line[n - 1] != '\n' || memchr(line, '\n', n - 1) != NULL)
		abort();	/* the framing is one line per request */
	if (ctl_request_parse(line, n - 1, &again, err, sizeof(err)) != 0)
		abort();
	if (strcmp(again.command, req->command) != 0 || again.argc != req->argc)
		abort();
	for (i = 0; i < req->argc; i++)
		if (strcmp(again.argv[i], req->argv[i]) != 0)
			abort();
	ctl_request_free(&again);
	free(line);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct ctl_request req;
	json_t *result;
	char err[512], *reply;
	size_t i;

	memset(err, 'x', sizeof(err));
	if (ctl_request_parse((const char *)data, len, &req, err,
	    sizeof(err)) == 0) {
		if (req.command[0] == '\0' ||
		    strlen(req.command) >= CTL_COMMAND_MAX ||
		    req.argc > CTL_MAX_ARGS)
			abort();
		for (i = 0; i < req.argc; i++)
			if (req.argv[i] == NULL ||
			    strlen(req.argv[i]) > CTL_MAX_ARG_LEN)
				abort();
		fuzz_ctl_roundtrip(&req);
		ctl_request_free(&req);
	} else {
		/* The reason goes back to the client, on one line. */
		if (memchr(err, '\0', sizeof(err)) == NULL ||
		    strchr(err, '\n') != NULL)
			abort();
		if ((reply = ctl_reply_error("%s", err)) == NULL)
			abort();
		free(reply);
	}

	if (ctl_reply_parse((const char *)data, len, &result, err,
	    sizeof(err)) == 0) {
		if (result == NULL)
			abort();
		json_decref(result);
	} else if (result != NULL || strchr(err, '\n') != NULL)
		abort();
	return 0;
}
