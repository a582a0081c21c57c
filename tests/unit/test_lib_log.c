/* The rate limit of per-packet lines: first lines, then a count per interval. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/log.h"

static unsigned long long test_now;
static FILE *test_out;
static int test_saved_fd = -1;

static unsigned long long
test_clock(void)
{
	return test_now;
}

/* stderr into a file the test reads back. */
static int
setup(void **state)
{
	(void)state;
	test_out = tmpfile();
	assert_non_null(test_out);
	fflush(stderr);
	test_saved_fd = dup(STDERR_FILENO);
	assert_true(dup2(fileno(test_out), STDERR_FILENO) >= 0);
	log_init(0, 1);
	log_set_clock(test_clock);
	test_now = 1000000;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	/* Forget the kinds this test left behind. */
	test_now += 100ull * LOG_RL_INTERVAL_MS;
	log_rl_flush();
	fflush(stderr);
	dup2(test_saved_fd, STDERR_FILENO);
	close(test_saved_fd);
	fclose(test_out);
	log_set_clock(NULL);
	return 0;
}

/* What was written since the last call, lines counted in *n. */
static char *
written(unsigned *n)
{
	static char buf[1 << 16];
	static long done;
	size_t len;
	char *p;

	fflush(stderr);
	fseek(test_out, 0, SEEK_END);
	if (ftell(test_out) < done)
		done = 0;
	fseek(test_out, done, SEEK_SET);
	len = fread(buf, 1, sizeof(buf) - 1, test_out);
	buf[len] = '\0';
	done += (long)len;
	*n = 0;
	for (p = buf; (p = strchr(p, '\n')) != NULL; p++)
		(*n)++;
	return buf;
}

static void
flood(const char *who, unsigned count)
{
	unsigned i;

	for (i = 0; i < count; i++)
		log_warn_rl(who, "malformed packet %u from 192.0.2.1", i);
}

static void
test_burst_then_count(void **state)
{
	unsigned n;
	char *out;

	(void)state;
	written(&n);
	flood("aws/t1", 5000);
	out = written(&n);
	assert_int_equal(n, LOG_RL_BURST);
	assert_non_null(strstr(out, "<4>aws/t1: malformed packet 0 from 192.0.2.1\n"));
	assert_non_null(strstr(out, "malformed packet 4 from"));
	/* The interval ends: one line with the count and the last one hidden. */
	test_now += LOG_RL_INTERVAL_MS;
	log_rl_flush();
	out = written(&n);
	assert_int_equal(n, 1);
	assert_string_equal(out, "<4>aws/t1: malformed packet 4999 from 192.0.2.1 "
	    "(4995 more like this in 10 s)\n");
	/* Still flooding: one count per interval, no new burst. */
	flood("aws/t1", 300);
	out = written(&n);
	assert_int_equal(n, 0);
	test_now += LOG_RL_INTERVAL_MS;
	flood("aws/t1", 1);	/* the next line of the kind writes the count */
	out = written(&n);
	assert_int_equal(n, 1);
	assert_non_null(strstr(out, "(300 more like this in 10 s)"));
	/* A whole quiet interval: the next lines are written again. */
	test_now += 2 * LOG_RL_INTERVAL_MS;
	flood("aws/t1", 2);
	out = written(&n);
	assert_int_equal(n, 3);		/* the count of 1, then 2 lines */
	assert_non_null(strstr(out, "(1 more like this in 10 s)"));
	assert_non_null(strstr(out, "aws/t1: malformed packet 1 from"));
}

/* One tunnel's flood does not hide another's lines, nor another kind. */
static void
test_kinds_apart(void **state)
{
	unsigned n, i;

	(void)state;
	written(&n);
	flood("aws/t1", 100);
	flood("aws/t2", 3);
	for (i = 0; i < 3; i++)
		log_warn_rl("aws/t1", "another kind %u", i);
	log_warn("aws/t1", "not rate-limited");
	written(&n);
	assert_int_equal(n, LOG_RL_BURST + 3 + 3 + 1);
}

/* Few lines, spread out: nothing is ever held back. */
static void
test_slow_lines_all_written(void **state)
{
	unsigned n, i;

	(void)state;
	written(&n);
	for (i = 0; i < 50; i++) {
		flood("aws/t1", 1);
		test_now += LOG_RL_INTERVAL_MS / LOG_RL_BURST + 1;
	}
	written(&n);
	assert_int_equal(n, 50);
}

/* More kinds than slots: the oldest is reused, its count written first. */
static void
test_slots_reused(void **state)
{
	char who[16];
	unsigned n, i;
	char *out;

	(void)state;
	written(&n);
	flood("old", LOG_RL_BURST + 7);
	for (i = 0; i < LOG_RL_SLOTS; i++) {
		test_now++;
		snprintf(who, sizeof(who), "t%u", i);
		log_warn_rl(who, "one line");
	}
	out = written(&n);
	assert_int_equal(n, LOG_RL_BURST + 1 + LOG_RL_SLOTS);
	assert_non_null(strstr(out, "old: malformed packet 11 from 192.0.2.1 "
	    "(7 more like this in 10 s)"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_burst_then_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kinds_apart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slow_lines_all_written, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slots_reused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
