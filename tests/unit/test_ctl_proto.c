/* Control protocol: request parsing (the daemon's input boundary), framing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/ctl_proto.h"

static int
parse(const char *s, struct ctl_request *req, char *err, size_t errlen)
{
	return ctl_request_parse(s, strlen(s), req, err, errlen);
}

static void
test_request_valid(void **state)
{
	struct ctl_request req;
	char err[256];

	(void)state;
	assert_int_equal(parse("{\"command\": \"show\", \"args\": [\"tunnels\"]}",
	    &req, err, sizeof(err)), 0);
	assert_string_equal(req.command, "show");
	assert_int_equal(req.argc, 1);
	assert_string_equal(req.argv[0], "tunnels");
	ctl_request_free(&req);

	/* args is optional; unknown keys are tolerated (newer clients) */
	assert_int_equal(parse("{\"command\":\"status\",\"id\":7}", &req, err,
	    sizeof(err)), 0);
	assert_string_equal(req.command, "status");
	assert_int_equal(req.argc, 0);
	ctl_request_free(&req);

	assert_int_equal(parse("{\"command\":\"tunnel\",\"args\":[\"up\",\"aws-prod/t1\"]}",
	    &req, err, sizeof(err)), 0);
	assert_int_equal(req.argc, 2);
	assert_string_equal(req.argv[1], "aws-prod/t1");
	ctl_request_free(&req);
}

static void
test_request_malformed(void **state)
{
	static const char *const bad[] = {
		"",
		"not json",
		"{\"command\": \"status\"",		/* truncated */
		"[\"status\"]",				/* not an object */
		"\"status\"",
		"{}",					/* no command */
		"{\"command\": 1}",
		"{\"command\": \"\"}",
		"{\"command\": null}",
		"{\"command\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
		"{\"command\": \"st\\u0000atus\"}",	/* NUL inside */
		/* control characters: the command reaches the log */
		"{\"command\": \"\\u001b[2Kstatus\"}",
		"{\"command\": \"status\\n\"}",
		"{\"command\": \"sta tus\"}",
		"{\"command\": \"show\", \"args\": \"tunnels\"}",
		"{\"command\": \"show\", \"args\": [1]}",
		"{\"command\": \"show\", \"args\": [[\"x\"]]}",
		"{\"command\": \"show\", \"args\": [\"a\\u0000b\"]}",
		"{\"command\": \"show\", \"args\": [\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]}",
		"{\"command\": \"a\", \"command\": \"b\"}",	/* duplicate key */
		"{\"command\": \"status\"} trailing",
		"\xff\xfe{\"command\": \"status\"}",
	};
	struct ctl_request req;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (parse(bad[i], &req, err, sizeof(err)) == 0)
			fail_msg("accepted: %s", bad[i]);
		assert_true(strncmp(err, "malformed request", 17) == 0);
		assert_null(strchr(err, '\n'));
		assert_int_equal(req.argc, 0);
	}
}

static void
test_request_limits(void **state)
{
	struct ctl_request req;
	char err[256], *big, *arg;
	size_t n;

	(void)state;
	/* One byte over the limit is refused before it is parsed. */
	big = malloc(CTL_MAX_REQUEST + 2);
	assert_non_null(big);
	memset(big, ' ', CTL_MAX_REQUEST + 1);
	memcpy(big, "{\"command\":\"status\"}", 20);
	assert_int_equal(ctl_request_parse(big, CTL_MAX_REQUEST + 1, &req, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "request too large");
	/* Exactly at the limit is fine. */
	assert_int_equal(ctl_request_parse(big, CTL_MAX_REQUEST, &req, err,
	    sizeof(err)), 0);
	ctl_request_free(&req);
	free(big);

	/* An argument longer than CTL_MAX_ARG_LEN */
	n = CTL_MAX_ARG_LEN + 1;
	arg = malloc(n + 64);
	assert_non_null(arg);
	strcpy(arg, "{\"command\":\"x\",\"args\":[\"");
	memset(arg + strlen(arg), 'a', n);
	strcpy(arg + 24 + n, "\"]}");
	assert_int_equal(parse(arg, &req, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too long"));
	free(arg);
}

/* Whatever the arguments hold, the encoded request is one line. */
static void
test_request_roundtrip(void **state)
{
	char *argv[] = { "up", "we\nird\"/\\name", "" };
	struct ctl_request req;
	char err[256], *line;
	size_t len;

	(void)state;
	line = ctl_request_encode("tunnel", 3, argv);
	assert_non_null(line);
	len = strlen(line);
	assert_true(len > 0 && line[len - 1] == '\n');
	assert_ptr_equal(strchr(line, '\n'), line + len - 1);
	assert_int_equal(ctl_request_parse(line, len - 1, &req, err, sizeof(err)), 0);
	assert_string_equal(req.command, "tunnel");
	assert_int_equal(req.argc, 3);
	assert_string_equal(req.argv[1], argv[1]);
	assert_string_equal(req.argv[2], "");
	ctl_request_free(&req);
	free(line);
}

static void
test_reply_roundtrip(void **state)
{
	json_t *res;
	char err[256], *line;

	(void)state;
	line = ctl_reply_ok(json_pack("{s:[]}", "routes"));
	assert_non_null(line);
	assert_string_equal(line, "{\"ok\":true,\"result\":{\"routes\":[]}}\n");
	assert_int_equal(ctl_reply_parse(line, strlen(line) - 1, &res, err,
	    sizeof(err)), 0);
	assert_true(json_is_array(json_object_get(res, "routes")));
	json_decref(res);
	free(line);

	/* An error reason stays on one line whatever it quotes. */
	line = ctl_reply_error("bad %s", "thing\nsecond line");
	assert_non_null(line);
	assert_ptr_equal(strchr(line, '\n'), line + strlen(line) - 1);
	assert_int_equal(ctl_reply_parse(line, strlen(line) - 1, &res, err,
	    sizeof(err)), 1);
	assert_null(res);
	assert_string_equal(err, "bad thing second line");
	free(line);

	/*
	 * A reason quoting bytes that are not UTF-8 (a configuration file's
	 * name, or text cut mid-character to fit) still makes a reply.
	 */
	line = ctl_reply_error("vpn name \"%s\" is not valid", "b\xff" "d\xc3");
	assert_non_null(line);
	assert_int_equal(ctl_reply_parse(line, strlen(line) - 1, &res, err,
	    sizeof(err)), 1);
	assert_string_equal(err, "vpn name \"b?d?\" is not valid");
	free(line);
	line = ctl_reply_error("%s", "caf\xc3\xa9 ok");
	assert_non_null(line);
	assert_int_equal(ctl_reply_parse(line, strlen(line) - 1, &res, err,
	    sizeof(err)), 1);
	assert_string_equal(err, "caf\xc3\xa9 ok");
	free(line);
}

static void
test_reply_malformed(void **state)
{
	static const char *const bad[] = {
		"", "garbage", "[]", "{}", "{\"ok\": 1}",
		"{\"ok\": true}", "{\"ok\": true, \"result\": [1]}",
	};
	json_t *res;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ctl_reply_parse(bad[i], strlen(bad[i]), &res,
		    err, sizeof(err)), -1);
		assert_null(res);
		assert_true(strncmp(err, "malformed response", 18) == 0);
	}
	/* An error without a reason is still an error. */
	assert_int_equal(ctl_reply_parse("{\"ok\":false}", 12, &res, err,
	    sizeof(err)), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_valid),
		cmocka_unit_test(test_request_malformed),
		cmocka_unit_test(test_request_limits),
		cmocka_unit_test(test_request_roundtrip),
		cmocka_unit_test(test_reply_roundtrip),
		cmocka_unit_test(test_reply_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
