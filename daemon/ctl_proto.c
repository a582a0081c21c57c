#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/ctl_proto.h"

/* Error texts travel on one line; jansson's messages may quote input. */
static void
ctl_oneline(char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\n' || *s == '\r')
			*s = ' ';
}

void
ctl_request_free(struct ctl_request *req)
{
	size_t i;

	for (i = 0; i < req->argc; i++)
		free(req->argv[i]);
	req->argc = 0;
}

int
ctl_request_parse(const char *line, size_t len, struct ctl_request *req,
    char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root, *cmd, *args, *a;
	const char *s;
	size_t i, n;

	memset(req, 0, sizeof(*req));
	if (len > CTL_MAX_REQUEST) {
		snprintf(err, errlen, "request too large");
		return -1;
	}
	root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		snprintf(err, errlen, "malformed request: %s (column %d)",
		    jerr.text, jerr.column);
		ctl_oneline(err);
		return -1;
	}
	if (!json_is_object(root)) {
		snprintf(err, errlen, "malformed request: not a JSON object");
		goto fail;
	}
	cmd = json_object_get(root, "command");
	if (!json_is_string(cmd)) {
		snprintf(err, errlen, "malformed request: \"command\" must be a string");
		goto fail;
	}
	s = json_string_value(cmd);
	n = json_string_length(cmd);
	if (n == 0 || n >= sizeof(req->command) || strlen(s) != n) {
		snprintf(err, errlen, "malformed request: bad \"command\"");
		goto fail;
	}
	/* One word of printable ASCII: the command name reaches the log. */
	for (i = 0; i < n; i++) {
		if (s[i] <= 0x20 || s[i] >= 0x7f) {
			snprintf(err, errlen, "malformed request: bad \"command\"");
			goto fail;
		}
	}
	memcpy(req->command, s, n + 1);

	args = json_object_get(root, "args");
	if (args != NULL && !json_is_array(args)) {
		snprintf(err, errlen, "malformed request: \"args\" must be an array of strings");
		goto fail;
	}
	if (json_array_size(args) > CTL_MAX_ARGS) {
		snprintf(err, errlen, "malformed request: at most %d args",
		    CTL_MAX_ARGS);
		goto fail;
	}
	json_array_foreach(args, i, a) {
		if (!json_is_string(a)) {
			snprintf(err, errlen, "malformed request: \"args\" must be an array of strings");
			goto fail;
		}
		n = json_string_length(a);
		if (n > CTL_MAX_ARG_LEN || strlen(json_string_value(a)) != n) {
			snprintf(err, errlen, "malformed request: argument %zu too long or not text", i + 1);
			goto fail;
		}
		if ((req->argv[req->argc] = strdup(json_string_value(a))) == NULL) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		req->argc++;
	}
	json_decref(root);
	return 0;
fail:
	ctl_request_free(req);
	json_decref(root);
	return -1;
}

/* Compact, one line: the framing relies on it (jansson escapes \n). */
static char *
ctl_line(json_t *obj)
{
	char *s, *line;
	size_t n;

	if (obj == NULL)
		return NULL;
	s = json_dumps(obj, JSON_COMPACT);
	json_decref(obj);
	if (s == NULL)
		return NULL;
	n = strlen(s);
	if ((line = realloc(s, n + 2)) == NULL) {
		free(s);
		return NULL;
	}
	line[n] = '\n';
	line[n + 1] = '\0';
	return line;
}

char *
ctl_request_encode(const char *command, size_t argc, char *const argv[])
{
	json_t *obj, *args;
	size_t i;

	if ((args = json_array()) == NULL)
		return NULL;
	for (i = 0; i < argc; i++) {
		if (json_array_append_new(args, json_string(argv[i])) != 0) {
			json_decref(args);
			return NULL;
		}
	}
	obj = json_pack("{s:s, s:o}", "command", command, "args", args);
	return ctl_line(obj);
}

char *
ctl_reply_ok(json_t *result)
{
	if (result == NULL)
		return NULL;
	return ctl_line(json_pack("{s:b, s:o}", "ok", 1, "result", result));
}

char *
ctl_reply_error(const char *fmt, ...)
{
	char msg[512], *p;
	json_t *text;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ctl_oneline(msg);
	/*
	 * JSON strings are UTF-8; a reason may quote bytes from a file, or
	 * be cut mid-character to fit. Better a '?' than no reply at all.
	 */
	if ((text = json_string(msg)) == NULL) {
		for (p = msg; *p != '\0'; p++)
			if ((unsigned char)*p >= 0x80)
				*p = '?';
		text = json_string(msg);
	}
	if (text == NULL)
		return NULL;
	return ctl_line(json_pack("{s:b, s:o}", "ok", 0, "error", text));
}

int
ctl_reply_parse(const char *line, size_t len, json_t **result, char *err,
    size_t errlen)
{
	json_error_t jerr;
	json_t *root, *ok, *v;
	int rc = -1;

	*result = NULL;
	root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		snprintf(err, errlen, "malformed response: %s", jerr.text);
		ctl_oneline(err);
		return -1;
	}
	ok = json_object_get(root, "ok");
	if (!json_is_object(root) || !json_is_boolean(ok)) {
		snprintf(err, errlen, "malformed response: no \"ok\"");
	} else if (json_is_true(ok)) {
		v = json_object_get(root, "result");
		if (!json_is_object(v)) {
			snprintf(err, errlen, "malformed response: no \"result\" object");
		} else {
			*result = json_incref(v);
			rc = 0;
		}
	} else {
		v = json_object_get(root, "error");
		snprintf(err, errlen, "%s", json_is_string(v) ?
		    json_string_value(v) : "error without a reason");
		ctl_oneline(err);
		rc = 1;
	}
	json_decref(root);
	return rc;
}
