/* xfrm/ route batches: many requests in one buffer, acks mapped back to
 * them by sequence number, an error in the middle (issue 13). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "xfrm/xfrm_priv.h"

/* An ack (error 0) or an error for seq, appended at p; its length. */
static size_t
mkack(uint8_t *p, uint32_t seq, int error)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(p);
	struct nlmsgerr *e;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_flags = error != 0 ? NLM_F_CAPPED : 0;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = error;
	e->msg.nlmsg_len = sizeof(e->msg);
	e->msg.nlmsg_seq = seq;
	return nlh->nlmsg_len;
}

/*
 * Route tracking (the helper tracks a full table: the routes it put in
 * the kernel are the ones it removes at the end): found by prefix and
 * table through every growth of the hash, each once, gone once deleted.
 */
/* Route i of the tracking test: odd ones IPv4 /24s, even IPv6 /48s. */
static void
tracked_prefix(size_t i, struct cgw_prefix *p)
{
	memset(p, 0, sizeof(*p));
	if (i % 2) {
		p->addr.af = AF_INET;
		p->len = 24;
		p->addr.v4.s_addr = htonl(0x0b000000u + ((uint32_t)i << 8));
		return;
	}
	assert_true(addr_parse("2001:db8::", &p->addr));
	p->len = 48;
	p->addr.v6.s6_addr[2] = (uint8_t)(i >> 16);
	p->addr.v6.s6_addr[4] = (uint8_t)(i >> 8);
	p->addr.v6.s6_addr[5] = (uint8_t)i;
}

static void
test_route_tracking(void **state)
{
	struct xfrm_ctx ctx;
	struct xfrm_obj *o;
	struct cgw_prefix p;
	size_t i, n = 50000;

	(void)state;
	memset(&ctx, 0, sizeof(ctx));
	TAILQ_INIT(&ctx.objs);
	for (i = 0; i < n; i++) {
		tracked_prefix(i, &p);
		xfrm_obj_add_route(&ctx, &p, 254);
		xfrm_obj_add_route(&ctx, &p, 254);	/* once is enough */
		xfrm_obj_add_route(&ctx, &p, 100);	/* another table */
	}
	assert_int_equal(ctx.rt_count, 2 * n);
	/* Every other one of table 254 removed: the rest still found. */
	i = 0;
	TAILQ_FOREACH(o, &ctx.objs, entry)
		i++;
	assert_int_equal(i, 2 * n);
	for (i = 0; i < n; i += 2) {
		tracked_prefix(i, &p);
		assert_non_null(o = xfrm_obj_find_route(&ctx, &p, 254));
		xfrm_obj_del(&ctx, o);
		assert_null(xfrm_obj_find_route(&ctx, &p, 254));
		assert_non_null(xfrm_obj_find_route(&ctx, &p, 100));
		p.len = 47;
		assert_null(xfrm_obj_find_route(&ctx, &p, 100));
	}
	assert_int_equal(ctx.rt_count, 2 * n - n / 2);
	for (i = 1; i < n; i += 2) {
		tracked_prefix(i, &p);
		assert_non_null(xfrm_obj_find_route(&ctx, &p, 254));
	}
	xfrm_objs_free(&ctx);
	assert_int_equal(ctx.rt_count, 0);
	assert_true(TAILQ_EMPTY(&ctx.objs));
}

static void
test_batch(void **state)
{
	struct xfrm_ctx ctx;
	struct xfrm_route_batch b;
	struct xfrm_nexthop nh;
	struct xfrm_err err;
	struct cgw_prefix p;
	const struct nlmsghdr *nlh;
	uint8_t *acks;
	size_t i, n = 3000, len = 0, msgs = 0;
	int left;

	(void)state;
	memset(&ctx, 0, sizeof(ctx));
	ctx.seq = 41;
	xfrm_route_batch_init(&b);
	memset(&nh, 0, sizeof(nh));
	nh.ifindex = 7;
	assert_true(addr_parse("169.254.21.1", &nh.gw));
	memset(&p, 0, sizeof(p));
	p.addr.af = AF_INET;
	p.len = 24;
	for (i = 0; i < n; i++) {
		p.addr.v4.s_addr = htonl(0x0b000000u + ((uint32_t)i << 8));
		/* Every third a delete. */
		assert_int_equal(xfrm_route_batch_add(&ctx, &b, &p, &nh,
		    i % 3 == 2 ? 0 : 1, 0, &err), (int)i);
	}
	/* A bad one is refused at once and takes no slot. */
	nh.ifindex = 0;
	assert_int_equal(xfrm_route_batch_add(&ctx, &b, &p, &nh, 1, 0, &err),
	    -1);
	assert_int_equal(b.n, n);
	assert_int_equal(b.seq0, 42);
	assert_int_equal(ctx.seq, 41 + n);
	/* One buffer of whole requests, seqs in order. */
	nlh = (const struct nlmsghdr *)b.buf;
	left = (int)b.len;
	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		assert_int_equal(nlh->nlmsg_seq, 42 + msgs);
		assert_int_equal(nlh->nlmsg_type, msgs % 3 == 2 ?
		    RTM_DELROUTE : RTM_NEWROUTE);
		/* Errors only: a success costs no answer. */
		assert_false(nlh->nlmsg_flags & NLM_F_ACK);
		msgs++;
	}
	assert_int_equal(msgs, n);
	assert_int_equal(left, 0);
	assert_true(b.len > XFRM_BATCH_BYTES);	/* commit sends it in parts */

	/* Acks out of order, a stale one, an error in the middle, ESRCH on
	 * a delete (done) and on a replace (an error). */
	assert_non_null(acks = calloc(n + 1, 64));
	len += mkack(acks + len, 7, 0);			/* stale */
	for (i = n; i > 0; i--) {
		int e = 0;

		if (i - 1 == 1500)
			e = -EEXIST;
		else if (i - 1 == 1502)
			e = -ESRCH;	/* a delete */
		else if (i - 1 == 1503)
			e = -ESRCH;	/* a replace */
		len += mkack(acks + len, (uint32_t)(42 + i - 1), e);
	}
	/* In two reads, split at a message boundary (acks are 36 bytes). */
	assert_int_equal(mkack(acks + len, 1, 0), 36);
	assert_int_equal(xfrm_route_batch_acks(&b, acks, 36 * 11) +
	    xfrm_route_batch_acks(&b, acks + 36 * 11, len - 36 * 11), n);
	for (i = 0; i < n; i++) {
		assert_true(b.req[i].answered);
		if (i == 1500)
			assert_int_equal(b.req[i].code, EEXIST);
		else if (i == 1503)
			assert_int_equal(b.req[i].code, ESRCH);
		else
			assert_int_equal(b.req[i].code, 0);
	}
	/* Answered twice: counted once. */
	assert_int_equal(xfrm_route_batch_acks(&b, acks, len), 0);
	/* A truncated buffer is not read past its end. */
	assert_int_equal(xfrm_route_batch_acks(&b, acks, 10), 0);
	free(acks);
	xfrm_route_batch_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch),
		cmocka_unit_test(test_route_tracking),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
