/*
 * The watchdog: WATCHDOG=1 at half systemd's interval, from a timer on
 * the event loop (it goes out only while the loop dispatches), nothing
 * without WATCHDOG_USEC.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <cmocka.h>

#include <event2/event.h>

#include "daemon/cgwd.h"
#include "daemon/watchdog.h"

static void
test_period(void **state)
{
	(void)state;
	assert_int_equal(watchdog_period_usec(0), 0);
	assert_int_equal(watchdog_period_usec(30000000), 15000000);
	assert_int_equal(watchdog_period_usec(400000), 200000);
	assert_int_equal(watchdog_period_usec(1), 1000);	/* a floor */
}

/* A datagram socket standing in for systemd's; its path in *path. */
static int
notify_socket(char *path, size_t len)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	snprintf(path, len, "/tmp/cgw-wd-test.%d", (int)getpid());
	unlink(path);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	assert_true((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0)) >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

static unsigned
count_pings(int fd)
{
	char buf[256];
	unsigned n = 0;
	ssize_t r;

	while ((r = recv(fd, buf, sizeof(buf) - 1, 0)) > 0) {
		buf[r] = '\0';
		if (strstr(buf, "WATCHDOG=1") != NULL)
			n++;
	}
	return n;
}

static void
test_timer_on_the_loop(void **state)
{
	struct cgwd cgwd;
	struct timeval quarter = { 0, 250000 };
	char path[108];
	unsigned n;
	int fd;

	(void)state;
	fd = notify_socket(path, sizeof(path));
	setenv("NOTIFY_SOCKET", path, 1);
	unsetenv("WATCHDOG_PID");

	/* Not asked: no timer, nothing sent. */
	memset(&cgwd, 0, sizeof(cgwd));
	assert_non_null(cgwd.base = event_base_new());
	unsetenv("WATCHDOG_USEC");
	assert_int_equal(watchdog_start(&cgwd), 0);
	assert_null(cgwd.ev_watchdog);
	assert_int_equal(count_pings(fd), 0);

	/* 100 ms: one at once, then every 50 ms while the loop turns. */
	setenv("WATCHDOG_USEC", "100000", 1);
	assert_int_equal(watchdog_start(&cgwd), 0);
	assert_non_null(cgwd.ev_watchdog);
	assert_int_equal(count_pings(fd), 1);
	/* The loop does not run: no more. */
	usleep(200000);
	assert_int_equal(count_pings(fd), 0);
	event_base_loopexit(cgwd.base, &quarter);
	event_base_dispatch(cgwd.base);
	n = count_pings(fd);
	assert_true(n >= 4 && n <= 6);
	watchdog_stop(&cgwd);
	assert_null(cgwd.ev_watchdog);
	event_base_free(cgwd.base);
	close(fd);
	unlink(path);
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_period),
		cmocka_unit_test(test_timer_on_the_loop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
