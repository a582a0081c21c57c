/* The limits of log lines: per-packet kinds and repeats of one line (first
 * lines, then a count per interval), on a manual clock. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <cmocka.h>

#include "lib/clock.h"
#include "lib/log.h"

static struct cgw_clock *test_clock;
static FILE *test_out;
static int test_saved_fd = -1;

/* Time jumps, nothing fires: counts wait for the next line or a flush. */
static void
jump(uint64_t ms)
{
	cgw_clock_skip(test_clock, ms);
}

/* Time runs: the log's timer writes counts when their interval ends. */
static void
advance(uint64_t ms)
{
	cgw_clock_advance(test_clock, ms);
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
	assert_non_null(test_clock = cgw_clock_new_manual(1000000));
	log_use_clock(test_clock);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	/* Forget the lines this test left behind. */
	log_use_clock(NULL);
	cgw_clock_free(test_clock);
	fflush(stderr);
	dup2(test_saved_fd, STDERR_FILENO);
	close(test_saved_fd);
	fclose(test_out);
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
	jump(LOG_RL_INTERVAL_MS);
	log_rl_flush();
	out = written(&n);
	assert_int_equal(n, 1);
	assert_string_equal(out, "<4>aws/t1: malformed packet 4999 from 192.0.2.1 "
	    "(4995 more like this in 10 s)\n");
	/* Still flooding: one count per interval, no new burst. */
	flood("aws/t1", 300);
	out = written(&n);
	assert_int_equal(n, 0);
	jump(LOG_RL_INTERVAL_MS);
	flood("aws/t1", 1);	/* the next line of the kind writes the count */
	out = written(&n);
	assert_int_equal(n, 1);
	assert_non_null(strstr(out, "(300 more like this in 10 s)"));
	/* A whole quiet interval: the next lines are written again. */
	jump(2 * LOG_RL_INTERVAL_MS);
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
		jump(LOG_RL_INTERVAL_MS / LOG_RL_BURST + 1);
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
		jump(1);
		snprintf(who, sizeof(who), "t%u", i);
		log_warn_rl(who, "one line");
	}
	out = written(&n);
	assert_int_equal(n, LOG_RL_BURST + 1 + LOG_RL_SLOTS);
	assert_non_null(strstr(out, "old: malformed packet 11 from 192.0.2.1 "
	    "(7 more like this in 10 s)"));
}

/* ---- repeats of one line (every log_msg) -------------------------- */

static void
repeat(enum log_level lvl, const char *who, const char *line, unsigned count)
{
	unsigned i;

	for (i = 0; i < count; i++)
		log_msg(lvl, who, "%s", line);
}

/* The sum of the counts in the "(repeated N more times" lines of out. */
static unsigned long
repeat_counts(const char *out)
{
	static const char mark[] = "(repeated ";
	unsigned long sum = 0;
	const char *p;

	for (p = out; (p = strstr(p, mark)) != NULL; p += sizeof(mark) - 1)
		sum += strtoul(p + sizeof(mark) - 1, NULL, 10);
	return sum;
}

static void
test_repeat_burst_then_count(void **state)
{
	unsigned n;
	char *out;

	(void)state;
	written(&n);
	repeat(LOG_LVL_WARN, "aws/t1", "BGP: connect to 169.254.21.1: refused",
	    100);
	out = written(&n);
	assert_int_equal(n, LOG_REPEAT_BURST);
	assert_non_null(strstr(out,
	    "<4>aws/t1: BGP: connect to 169.254.21.1: refused\n"));
	/* The count waits for the end of the interval, then comes alone,
	 * from the timer: no other line is needed. */
	advance(LOG_RL_INTERVAL_MS - 1);
	out = written(&n);
	assert_int_equal(n, 0);
	advance(1);
	out = written(&n);
	assert_int_equal(n, 1);
	assert_string_equal(out, "<4>aws/t1: BGP: connect to 169.254.21.1: "
	    "refused (repeated 95 more times in 10 s)\n");
	/* A whole quiet interval: the line is new again. */
	advance(LOG_RL_INTERVAL_MS);
	repeat(LOG_LVL_WARN, "aws/t1", "BGP: connect to 169.254.21.1: refused",
	    1);
	out = written(&n);
	assert_int_equal(n, 1);
	assert_null(strstr(out, "repeated"));
}

/* Never hidden: the first sight of a line, whatever the flood around it;
 * a line differs by its level, its object or its text. Errors are written
 * at once like the rest: only a count ever waits. */
static void
test_repeat_first_never_hidden(void **state)
{
	unsigned n, i;
	char *out;

	(void)state;
	written(&n);
	repeat(LOG_LVL_ERR, "aws/t1", "cannot install CHILD SA: ENOMEM", 50);
	out = written(&n);
	assert_int_equal(n, LOG_REPEAT_BURST);
	log_err("aws/t1", "cannot install CHILD SA: EEXIST");
	log_warn("aws/t1", "cannot install CHILD SA: ENOMEM");
	log_err("aws/t2", "cannot install CHILD SA: ENOMEM");
	log_err(NULL, "cannot install CHILD SA: ENOMEM");
	out = written(&n);
	assert_int_equal(n, 4);
	assert_string_equal(out,
	    "<3>aws/t1: cannot install CHILD SA: EEXIST\n"
	    "<4>aws/t1: cannot install CHILD SA: ENOMEM\n"
	    "<3>aws/t2: cannot install CHILD SA: ENOMEM\n"
	    "<3>cannot install CHILD SA: ENOMEM\n");
	/* Interleaved lines are each their own. */
	for (i = 0; i < 20; i++) {
		log_info("aws/t1", "a");
		log_info("aws/t1", "b");
	}
	written(&n);
	assert_int_equal(n, 2 * LOG_REPEAT_BURST);
	/* who "aws/t1", "x: y" is not who "aws/t1: x", "y" (same text). */
	log_info("aws/t1: x", "y");
	log_info("aws/t1", "x: y");
	for (i = 0; i < LOG_REPEAT_BURST; i++)
		log_info("aws/t1", "x: y");
	written(&n);
	assert_int_equal(n, 1 + LOG_REPEAT_BURST);
}

/* Lines that repeat slowly (a retry every 2.1 s) are all written. */
static void
test_repeat_slow_all_written(void **state)
{
	unsigned n, i;

	(void)state;
	written(&n);
	for (i = 0; i < 40; i++) {
		log_info("aws/t1", "liveness: no answer from 198.51.100.1");
		advance(2100);
	}
	written(&n);
	assert_int_equal(n, 40);
}

/* A steady flood (10 a second for 60 s): the first lines, then one count
 * per interval, and every line accounted for. */
static void
test_repeat_steady_flood(void **state)
{
	unsigned n, i;
	char *out;

	(void)state;
	written(&n);
	for (i = 0; i < 600; i++) {
		log_debug("ike", "dropped: no IKE SA for SPI 0123456789abcdef");
		log_warn("ike", "dropped: no IKE SA for SPI 0123456789abcdef");
		advance(100);
	}
	out = written(&n);
	/* The debug line is below the level: neither written nor counted. */
	assert_int_equal(n, LOG_REPEAT_BURST + 600 / 100);
	assert_int_equal(repeat_counts(out), 600 - LOG_REPEAT_BURST);
}

/* Bounded: LOG_REPEAT_SLOTS lines are kept; the least recently seen one
 * is forgotten, its count written first, and is new when it comes back. */
static void
test_repeat_slots_bounded(void **state)
{
	char line[32];
	unsigned n, i;
	char *out;

	(void)state;
	written(&n);
	repeat(LOG_LVL_INFO, "aws/t1", "old", LOG_REPEAT_BURST + 7);
	for (i = 0; i < LOG_REPEAT_SLOTS; i++) {
		advance(1);
		snprintf(line, sizeof(line), "line %u", i);
		log_info("aws/t1", "%s", line);
	}
	out = written(&n);
	assert_int_equal(n, LOG_REPEAT_BURST + 1 + LOG_REPEAT_SLOTS);
	assert_non_null(strstr(out, "<6>aws/t1: old (repeated 7 more times in "
	    "10 s)\n<6>aws/t1: line 31\n"));
	log_info("aws/t1", "old");
	out = written(&n);
	assert_int_equal(n, 1);
	assert_string_equal(out, "<6>aws/t1: old\n");
}

/* A count pending when the clock goes (the daemon stops) is written. */
static void
test_repeat_count_at_stop(void **state)
{
	unsigned n;
	char *out;

	(void)state;
	written(&n);
	repeat(LOG_LVL_WARN, NULL, "stopping", LOG_REPEAT_BURST + 2);
	written(&n);
	log_use_clock(NULL);
	out = written(&n);
	assert_int_equal(n, 1);
	assert_string_equal(out, "<4>stopping (repeated 2 more times in 10 s)\n");
	log_use_clock(test_clock);
}

/* The per-packet kinds' counts come from the timer too. */
static void
test_rl_count_from_timer(void **state)
{
	unsigned n;
	char *out;

	(void)state;
	written(&n);
	flood("aws/t1", 20);
	written(&n);
	advance(LOG_RL_INTERVAL_MS);
	out = written(&n);
	assert_int_equal(n, 1);
	assert_non_null(strstr(out, "malformed packet 19 from 192.0.2.1 "
	    "(15 more like this in 10 s)"));
}

/* ---- journal fields ---------------------------------------------- */

static char journal_entry[4096];	/* the last entry, one field a line */
static unsigned journal_entries;

static int
journal_sink(const struct iovec *iov, int n)
{
	size_t len = 0;
	int i;

	journal_entry[0] = '\0';
	for (i = 0; i < n; i++) {
		len += (size_t)snprintf(journal_entry + len,
		    sizeof(journal_entry) - len, "%.*s\n", (int)iov[i].iov_len,
		    (const char *)iov[i].iov_base);
		assert_true(len < sizeof(journal_entry));
	}
	journal_entries++;
	return 0;
}

static bool
has_field(const char *field)
{
	char want[256];

	snprintf(want, sizeof(want), "%s\n", field);
	return strstr(journal_entry, want) != NULL;
}

static void
test_journal_fields(void **state)
{
	unsigned n;

	(void)state;
	log_set_journal_sink(journal_sink);
	log_warn("aws-prod/t1", "CHILD SA c0ffee01/deadbeef installed");
	assert_true(has_field("MESSAGE=aws-prod/t1: CHILD SA c0ffee01/deadbeef "
	    "installed"));
	assert_true(has_field("PRIORITY=4"));
	assert_true(has_field("SYSLOG_IDENTIFIER=cgwd"));
	assert_true(has_field("TUNNEL=aws-prod/t1"));
	assert_true(has_field("SPI=c0ffee01"));
	assert_true(has_field("SPI=deadbeef"));
	assert_false(has_field("PEER=aws-prod/t1"));

	log_info("neighbor 10.224.0.1", "OpenConfirm -> Established");
	assert_true(has_field("PEER=10.224.0.1"));
	assert_true(has_field("PRIORITY=6"));
	assert_null(strstr(journal_entry, "TUNNEL="));
	assert_null(strstr(journal_entry, "SPI="));

	log_err("xfrm", "SA spi 0x0badf00d dst 198.51.100.1 if_id 0x43470000: "
	    "hard expire");
	assert_true(has_field("SPI=0badf00d"));
	assert_true(has_field("CGWD_WHO=xfrm"));
	assert_true(has_field("PRIORITY=3"));
	assert_null(strstr(journal_entry, "TUNNEL="));

	/* Not an SPI: too short, too long, no mark. */
	log_info(NULL, "SA 1234567 SPI 123456789 c0ffee01");
	assert_null(strstr(journal_entry, "SPI="));
	assert_null(strstr(journal_entry, "CGWD_WHO="));
	assert_true(has_field("MESSAGE=SA 1234567 SPI 123456789 c0ffee01"));

	/* Rate-limited lines and their counts go the same way. */
	journal_entries = 0;
	flood("aws-prod/t2", LOG_RL_BURST + 3);
	assert_int_equal(journal_entries, LOG_RL_BURST);
	assert_true(has_field("TUNNEL=aws-prod/t2"));
	(void)written(&n);
	assert_int_equal(n, 0);		/* nothing on stderr */
	log_set_journal_sink(NULL);
	log_info("aws-prod/t1", "plain again");
	(void)written(&n);
	assert_int_equal(n, 1);
}

/* JOURNAL_STREAM must name stderr itself, not any stream. */
static void
test_journal_stream_match(void **state)
{
	struct stat st;
	char env[64];

	(void)state;
	assert_int_equal(fstat(STDERR_FILENO, &st), 0);
	snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", env, 1);
	assert_true(log_journal_stderr());
	snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino + 1);
	setenv("JOURNAL_STREAM", env, 1);
	assert_false(log_journal_stderr());
	setenv("JOURNAL_STREAM", "8:1234x", 1);
	assert_false(log_journal_stderr());
	unsetenv("JOURNAL_STREAM");
	assert_false(log_journal_stderr());
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_burst_then_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kinds_apart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slow_lines_all_written, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slots_reused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_repeat_burst_then_count, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_repeat_first_never_hidden, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_repeat_slow_all_written, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_repeat_steady_flood, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_repeat_slots_bounded, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_repeat_count_at_stop, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rl_count_from_timer, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_journal_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal_stream_match, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
