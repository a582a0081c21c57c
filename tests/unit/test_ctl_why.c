/*
 * Why a tunnel is down: the state-change history ring, the short reason
 * classes of the tables, and `show tunnel NAME` (JSON and its text view).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "tests/unit/conf_text.h"

#include "daemon/cgwctl.h"
#include "daemon/cgwd.h"
#include "daemon/ctl.h"
#include "daemon/events.h"
#include "daemon/tunnel.h"

#define CONF_TEXT \
	"asn 65000\nrouter-id 192.0.2.10\n" \
	"vpn \"aws-prod\" {\n local 192.0.2.10\n peer-asn 64512\n" \
	" tunnel \"t1\" { remote 198.51.100.1 inside 169.254.21.2/30 psk \"Secret_One_1\" }\n}\n"

static struct conf *
load(const char *text)
{
	return unit_conf_load(text);
}

static void
test_history_ring(void **state)
{
	struct tunnel_history h;
	const struct tunnel_transition *e;
	char why[32];
	int i;

	(void)state;
	memset(&h, 0, sizeof(h));
	assert_null(tunnel_history_get(&h, 0));
	tunnel_history_add(&h, 100, TUNNEL_S_DOWN, TUNNEL_S_CONNECTING, "a");
	tunnel_history_add(&h, 101, TUNNEL_S_CONNECTING, TUNNEL_S_UP, NULL);
	assert_int_equal(h.n, 2);
	e = tunnel_history_get(&h, 0);
	assert_non_null(e);
	assert_int_equal(e->when, 100);
	assert_string_equal(e->reason, "a");
	assert_int_equal(e->to, TUNNEL_S_CONNECTING);
	assert_string_equal(tunnel_history_get(&h, 1)->reason, "");
	assert_null(tunnel_history_get(&h, 2));

	/* 45 entries in all: the last 20 stay, oldest first. */
	for (i = 2; i < 45; i++) {
		snprintf(why, sizeof(why), "r%d", i);
		tunnel_history_add(&h, 100 + i, TUNNEL_S_UP, TUNNEL_S_DOWN, why);
	}
	assert_int_equal(h.n, TUNNEL_HISTORY_MAX);
	assert_string_equal(tunnel_history_get(&h, 0)->reason, "r25");
	assert_int_equal(tunnel_history_get(&h, 0)->when, 125);
	assert_string_equal(tunnel_history_get(&h, 19)->reason, "r44");
	assert_null(tunnel_history_get(&h, 20));
	assert_null(tunnel_history_get(&h, (size_t)-1));

	/* A reason longer than the slot is cut, never overflows. */
	{
		char longr[3 * TUNNEL_REASON_MAX];

		memset(longr, 'x', sizeof(longr) - 1);
		longr[sizeof(longr) - 1] = '\0';
		tunnel_history_add(&h, 1, TUNNEL_S_UP, TUNNEL_S_DOWN, longr);
		assert_int_equal(strlen(tunnel_history_get(&h, 19)->reason),
		    TUNNEL_REASON_MAX - 1);
	}
}

static void
test_reason_class(void **state)
{
	static const struct {
		enum tunnel_state st;
		bool admin;
		const char *reason, *kerr, *want;
	} cases[] = {
		{ TUNNEL_S_UP, false, "child-up: x", "", NULL },
		{ TUNNEL_S_UP, true, "whatever", "oops", NULL },
		{ TUNNEL_S_DOWN, true, "dead: DPD", "", "admin down" },
		{ TUNNEL_S_DOWN, false, "operator: tunnel down", "", "admin down" },
		{ TUNNEL_S_CONNECTING, false, "dead: peer not answering: no "
		    "answer for 30 s", "", "peer not answering" },
		{ TUNNEL_S_DOWN, false, "dead", NULL, "peer not answering" },
		{ TUNNEL_S_CONNECTING, false, "auth-failed: AUTHENTICATION_FAILED",
		    "", "auth failed" },
		{ TUNNEL_S_CONNECTING, false, "no-proposal: NO_PROPOSAL_CHOSEN",
		    "", "no proposal chosen" },
		{ TUNNEL_S_CONNECTING, false, "kernel-error: refused", "",
		    "kernel error" },
		{ TUNNEL_S_CONNECTING, false, "initiating",
		    "cannot create the tunnel interface: EEXIST", "kernel error" },
		{ TUNNEL_S_CONNECTING, false, "initiating", "", "connecting" },
		{ TUNNEL_S_CONNECTING, false, "operator: tunnel up", NULL,
		    "connecting" },
		{ TUNNEL_S_DOWN, false, "configured", "", "not started" },
		{ TUNNEL_S_DOWN, false, "reconfigured: remote", "", "reconfigured" },
		{ TUNNEL_S_DOWN, false, "deleted: by the peer", "", "sa deleted" },
		{ TUNNEL_S_DOWN, false, "expired: hard", "", "sa expired" },
		{ TUNNEL_S_DOWN, false, "error: something", "", "ike error" },
		/* A whole word only. */
		{ TUNNEL_S_DOWN, false, "deadline", "", "down" },
		{ TUNNEL_S_DOWN, false, "", "", "down" },
		{ TUNNEL_S_DOWN, false, NULL, NULL, "down" },
	};
	const char *got;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = tunnel_reason_class(cases[i].st, cases[i].admin,
		    cases[i].reason, cases[i].kerr);
		if (cases[i].want == NULL && got != NULL)
			fail_msg("case %zu: want NULL, got '%s'", i, got);
		if (cases[i].want != NULL &&
		    (got == NULL || strcmp(got, cases[i].want) != 0))
			fail_msg("case %zu (%s): want '%s', got '%s'", i,
			    cases[i].reason ? cases[i].reason : "NULL",
			    cases[i].want, got ? got : "NULL");
	}
}

/* tunnel_event fills the history with every transition, not the stays. */
static void
test_event_history(void **state)
{
	struct conf *conf = load(CONF_TEXT);
	struct tunnel *t;
	json_t *o, *h;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int i;

	(void)state;
	t = tunnel_new(NULL, conf_tunnel_find(conf, "aws-prod/t1"), "cgw0");
	assert_non_null(t);
	assert_int_equal(t->history.n, 0);
	tunnel_event(t, TUNNEL_EV_START, "initiating");
	tunnel_event(t, TUNNEL_EV_START, "again");	/* stays connecting */
	tunnel_event(t, TUNNEL_EV_LOST, "auth-failed: AUTHENTICATION_FAILED");
	tunnel_event(t, TUNNEL_EV_ADMIN_DOWN, "operator: tunnel down");
	assert_int_equal(t->history.n, 2);
	assert_int_equal(tunnel_history_get(&t->history, 0)->from, TUNNEL_S_DOWN);
	assert_int_equal(tunnel_history_get(&t->history, 0)->to,
	    TUNNEL_S_CONNECTING);
	assert_string_equal(tunnel_history_get(&t->history, 1)->reason,
	    "operator: tunnel down");

	o = ctl_json_tunnel_detail(t);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "reason_class")),
	    "admin down");
	assert_string_equal(json_string_value(json_object_get(o, "state_reason")),
	    "operator: tunnel down");
	h = json_object_get(o, "history");
	assert_int_equal(json_array_size(h), 2);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(h, 0), "from")), "down");
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(h, 0), "to")), "connecting");
	assert_true(json_is_integer(json_object_get(json_array_get(h, 1), "time")));

	/* The text view: the full reason and the history lines. */
	f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(ctl_print_tunnel(f, o), 0);
	fclose(f);
	assert_non_null(strstr(text, "state         down for "));
	assert_non_null(strstr(text, "(admin down)"));
	assert_non_null(strstr(text, "reason        operator: tunnel down\n"));
	assert_non_null(strstr(text, "down -> connecting  initiating\n"));
	assert_null(strstr(text, "Secret_One_1"));
	free(text);
	json_decref(o);
	/* Not a tunnel object: the caller prints the JSON as is. */
	assert_int_equal(ctl_print_tunnel(stdout, json_null()), -1);

	for (i = 0; i < 30; i++) {
		tunnel_event(t, TUNNEL_EV_CHILD_UP, "child-up");
		tunnel_event(t, TUNNEL_EV_DEAD, "dead: DPD");
	}
	assert_int_equal(t->history.n, TUNNEL_HISTORY_MAX);
	assert_string_equal(tunnel_history_get(&t->history, 19)->reason,
	    "dead: DPD");
	tunnel_free(t);
	conf_free(conf);
}

/* `cgwctl monitor`'s text line; no ctl server: publishing is a no-op. */
static void
test_print_event(void **state)
{
	json_t *ev;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	cgwd_event(NULL, CGWD_EV_TUNNEL, "x", json_object(), "nobody %d", 1);
	assert_false(cgwd_event_wanted(NULL));
	ev = json_pack("{s:s, s:I, s:s, s:s}", "event", "tunnel", "time",
	    (json_int_t)0, "name", "v/t1", "text", "up -> down (dead: DPD)");
	f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(ctl_print_event(f, ev), 0);
	json_object_del(ev, "name");
	assert_int_equal(ctl_print_event(f, ev), 0);
	json_object_del(ev, "text");
	assert_int_equal(ctl_print_event(f, ev), -1);
	fclose(f);
	assert_non_null(strstr(text, " tunnel v/t1: up -> down (dead: DPD)\n"));
	assert_non_null(strstr(text, " tunnel up -> down (dead: DPD)\n"));
	free(text);
	json_decref(ev);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_history_ring),
		cmocka_unit_test(test_reason_class),
		cmocka_unit_test(test_event_history),
		cmocka_unit_test(test_print_event),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
