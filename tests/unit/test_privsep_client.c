/*
 * privsep/ps_client.c's route batches: xfrm_route_batch_send hands a
 * batch to the kernel helper and returns before the helper answers;
 * the answers reach routes_done from the event loop, in order, with
 * each route's own outcome; a call made meanwhile reads them first and
 * still gets its own answer; queued chunks reach the helper before any
 * later request; a helper that dies fails what it had not answered.
 *
 * The helper here is a child process speaking ps_wire.c's protocol (the
 * real one needs CAP_NET_ADMIN and a configuration, and is exercised by
 * tests/system/privsep.sh and lan_routes.sh): it fails the routes whose
 * third octet ends in 7 with EEXIST and answers PS_IFINDEX with 1000 +
 * the number of batches it has read so far.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <event2/event.h>

#include "privsep/privsep.h"
#include "privsep/ps_wire.h"

/* How the helper answers batches. */
enum fake_mode {
	FAKE_HOLD,	/* none until a PS_IFINDEX comes, then all in order */
	FAKE_AT_ONCE,	/* each as it comes */
	FAKE_DIE,	/* read three, then exit without a word */
};

static uint8_t fbuf[PS_MSG_MAX];

/* The burst: twice the chunks ps_client queues before it waits
 * (PS_QUEUED_MAX, 512 of PS_BATCH_MAX). */
#define NROUTES		131072

static void
fake_answer(int fd, const struct ps_msg *m)
{
	struct ps_reply r;
	size_t i, n;

	memset(&r, 0, sizeof(r));
	r.ncodes = m->nroutes;
	for (i = 0; i < m->nroutes; i++) {
		uint8_t o3 = (uint8_t)(ntohl(m->routes[i].prefix.addr.v4.s_addr) >>
		    8);

		r.codes[i] = o3 % 10 == 7 ? EEXIST : 0;
	}
	if ((n = ps_reply_encode(&r, PS_ROUTE_BATCH, fbuf, sizeof(fbuf))) == 0 ||
	    ps_send(fd, fbuf, n, -1, 0) != 0)
		_exit(3);
}

static void __attribute__((noreturn))
fake_helper(int fd, enum fake_mode mode)
{
	struct ps_msg held[64];
	size_t nheld = 0, batches = 0, i, n;
	struct ps_reply r;
	ssize_t len;

	for (;;) {
		struct ps_msg m;

		if ((len = ps_recv(fd, fbuf, sizeof(fbuf), NULL, 0)) <= 0)
			_exit(0);
		if (ps_msg_decode(&m, fbuf, (size_t)len) != 0)
			_exit(2);
		if (m.type == PS_ROUTE_BATCH) {
			batches++;
			if (mode == FAKE_DIE && batches == 3)
				_exit(0);
			if (mode == FAKE_AT_ONCE) {
				fake_answer(fd, &m);
				ps_msg_clear(&m);
			} else if (nheld < 64)
				held[nheld++] = m;
			else
				_exit(4);
			continue;
		}
		if (m.type != PS_IFINDEX)
			_exit(5);
		for (i = 0; i < nheld; i++) {
			fake_answer(fd, &held[i]);
			ps_msg_clear(&held[i]);
		}
		nheld = 0;
		memset(&r, 0, sizeof(r));
		r.rc = 1000 + (int32_t)batches;
		if ((n = ps_reply_encode(&r, PS_IFINDEX, fbuf, sizeof(fbuf))) == 0 ||
		    ps_send(fd, fbuf, n, -1, 0) != 0)
			_exit(3);
		ps_msg_clear(&m);
	}
}

struct fixture {
	struct event_base	*base;
	struct ps_client	*c;
	struct xfrm_ctx		*x;
	pid_t			 pid;
	int			 ev_far;
	bool			 dead;
	/* What routes_done heard, in order. */
	struct cgw_prefix	 got[NROUTES];
	int			 code[NROUTES];
	size_t			 ngot, calls;
};

static void
on_dead(void *arg)
{
	((struct fixture *)arg)->dead = true;
}

static void
on_routes(void *arg, const struct xfrm_route_req *req, size_t n)
{
	struct fixture *f = arg;
	size_t i;

	f->calls++;
	for (i = 0; i < n && f->ngot < NROUTES; i++) {
		assert_true(req[i].answered);
		f->got[f->ngot] = req[i].prefix;
		f->code[f->ngot++] = req[i].code;
	}
}

static struct fixture *
fixture_new(enum fake_mode mode)
{
	struct xfrm_callbacks cb = { .routes_done = on_routes };
	struct fixture *f = calloc(1, sizeof(*f));
	struct xfrm_err xe;
	int req[2], ev[2];

	assert_non_null(f);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, req), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, ev), 0);
	f->pid = fork();
	assert_true(f->pid >= 0);
	if (f->pid == 0) {
		close(req[0]);
		close(ev[0]);
		close(ev[1]);
		fake_helper(req[1], mode);
	}
	close(req[1]);
	f->ev_far = ev[1];	/* kept open: no kernel events, no hang-up */
	assert_non_null(f->base = event_base_new());
	f->c = ps_client_attach(f->base, -1, req[0], ev[0], on_dead, f);
	assert_non_null(f->c);
	f->x = ps_xfrm_open(f->c, &cb, f, &xe);
	assert_non_null(f->x);
	return f;
}

static void
fixture_free(struct fixture *f)
{
	int st;

	xfrm_close(f->x);
	ps_stop(f->c);
	close(f->ev_far);
	assert_int_equal(waitpid(f->pid, &st, 0), f->pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	event_base_free(f->base);
	free(f);
}

/* n routes 10.(i / 256).(i % 256).0/24 via 192.0.2.1, every fifth a
 * delete; the batch is handed over. */
static int
send_routes(struct fixture *f, size_t first, size_t n)
{
	struct xfrm_route_batch b;
	struct xfrm_nexthop nh = { .ifindex = 3 };
	struct xfrm_err xe;
	size_t i;
	int rc;

	nh.gw.af = AF_INET;
	nh.gw.v4.s_addr = htonl(0xc0000201);
	xfrm_route_batch_init(&b);
	for (i = first; i < first + n; i++) {
		struct cgw_prefix p = { .len = 24 };

		p.addr.af = AF_INET;
		p.addr.v4.s_addr = htonl(0x0a000000u | (uint32_t)i << 8);
		assert_int_equal(xfrm_route_batch_add(f->x, &b, &p, &nh,
		    i % 5 == 0 ? 0 : 1, 0, &xe), (int)(i - first));
	}
	rc = xfrm_route_batch_send(f->x, &b, &xe);
	xfrm_route_batch_free(&b);
	return rc;
}

/* Every route heard once, in order, with the helper's verdict. */
static void
check_outcomes(const struct fixture *f, size_t n)
{
	size_t i;

	assert_int_equal(f->ngot, n);
	for (i = 0; i < n; i++) {
		uint32_t a = ntohl(f->got[i].addr.v4.s_addr);

		assert_int_equal(a, 0x0a000000u | (uint32_t)i << 8);
		assert_int_equal(f->code[i], (i % 256) % 10 == 7 ? EEXIST : 0);
	}
}

static void
run_until(struct fixture *f, size_t n)
{
	int spins = 0;

	while (f->ngot < n && spins++ < 10000)
		event_base_loop(f->base, EVLOOP_ONCE);
}

static void
test_send_returns_before_answers(void **state)
{
	struct fixture *f = fixture_new(FAKE_HOLD);

	(void)state;
	/* The helper answers nothing yet: a send that waited would hang
	 * here until the alarm. */
	alarm(20);
	assert_int_equal(send_routes(f, 0, 300), 0);
	assert_int_equal(f->ngot, 0);
	/* A call meanwhile: the three chunks' answers come first. */
	assert_int_equal(xfrm_ifindex(f->x, "lan0"), 1003);
	/* Their outcomes wait for the loop, not the call. */
	assert_int_equal(f->ngot, 0);
	run_until(f, 300);
	check_outcomes(f, 300);
	assert_int_equal(f->calls, 3);
	assert_false(f->dead);
	alarm(0);
	fixture_free(f);
}

static void
test_burst_in_order(void **state)
{
	struct fixture *f = fixture_new(FAKE_AT_ONCE);
	size_t i;

	(void)state;
	alarm(20);
	/* More chunks than may be in flight or queued, in several sends. */
	for (i = 0; i < NROUTES; i += 4096)
		assert_int_equal(send_routes(f, i, 4096), 0);
	/* Every chunk reached the helper before this request did. */
	assert_int_equal(xfrm_ifindex(f->x, "lan0"),
	    1000 + NROUTES / PS_BATCH_MAX);
	run_until(f, NROUTES);
	check_outcomes(f, NROUTES);
	assert_false(f->dead);
	alarm(0);
	fixture_free(f);
}

static void
test_helper_dies(void **state)
{
	struct fixture *f = fixture_new(FAKE_DIE);
	size_t i;

	(void)state;
	alarm(20);
	assert_int_equal(send_routes(f, 0, 512), 0);
	run_until(f, 512);
	assert_true(f->dead);
	assert_int_equal(f->ngot, 512);
	for (i = 0; i < 512; i++)
		assert_int_equal(f->code[i], EPIPE);
	/* Nothing more goes: the next batch fails at once. */
	assert_int_equal(send_routes(f, 0, 10), -1);
	assert_int_equal(f->ngot, 522);
	alarm(0);
	fixture_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_send_returns_before_answers),
		cmocka_unit_test(test_burst_in_order),
		cmocka_unit_test(test_helper_dies),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
