/* Events for `cgwctl monitor` (see events.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/cgwd.h"
#include "daemon/control.h"
#include "daemon/events.h"
#include "lib/log.h"

int
cgwd_event_wanted(const struct cgwd *cgwd)
{
	return cgwd != NULL && cgwd->ctl != NULL &&
	    ctl_server_nmonitors(cgwd->ctl) > 0;
}

void
cgwd_event(struct cgwd *cgwd, const char *kind, const char *name,
    json_t *extra, const char *fmt, ...)
{
	char text[512];
	json_t *ev;
	va_list ap;
	char *line;

	if (!cgwd_event_wanted(cgwd)) {
		json_decref(extra);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	ev = json_pack("{s:s, s:I, s:s?, s:s}", "event", kind,
	    "time", (json_int_t)time(NULL), "name", name, "text", text);
	if (ev == NULL) {
		json_decref(extra);
		return;
	}
	/* The common keys win over an extra of the same name. */
	if (extra != NULL) {
		json_object_update_missing(ev, extra);
		json_decref(extra);
	}
	line = json_dumps(ev, JSON_COMPACT);
	json_decref(ev);
	if (line == NULL) {
		log_debug(NULL, "event %s: out of memory", kind);
		return;
	}
	ctl_server_publish(cgwd->ctl, line);
	free(line);
}
