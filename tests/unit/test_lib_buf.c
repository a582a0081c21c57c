#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "lib/addr.h"
#include "lib/buf.h"

static void
test_rbuf_reads_and_stops_at_end(void **state)
{
	const uint8_t d[] = { 1, 0, 2, 0, 0, 0, 3, 9 };
	struct rbuf r, sub;
	uint8_t a;
	uint16_t b;
	uint32_t c;

	(void)state;
	rbuf_init(&r, d, sizeof(d));
	assert_true(rbuf_u8(&r, &a));
	assert_true(rbuf_u16(&r, &b));
	assert_true(rbuf_u32(&r, &c));
	assert_int_equal(a, 1);
	assert_int_equal(b, 2);
	assert_int_equal(c, 3);
	assert_int_equal(rbuf_left(&r), 1);
	assert_false(rbuf_u16(&r, &b));		/* one byte short */
	assert_true(r.err);
	assert_false(rbuf_u8(&r, &a));		/* sticky */
	rbuf_init(&r, d, sizeof(d));
	assert_false(rbuf_sub(&r, &sub, 9));
	assert_int_equal(rbuf_left(&sub), 0);
}

static void
test_wbuf_grows_and_patches(void **state)
{
	struct wbuf w;

	(void)state;
	wbuf_init(&w);
	assert_true(wbuf_u16(&w, 0));
	for (int i = 0; i < 1000; i++)
		assert_true(wbuf_u32(&w, (uint32_t)i));
	assert_true(wbuf_set_u16(&w, 0, 0xbeef));
	assert_int_equal(w.len, 4002);
	assert_int_equal(w.p[0], 0xbe);
	assert_int_equal(w.p[4001], 999 & 0xff);
	assert_false(wbuf_set_u32(&w, 4000, 1));	/* past the end */
	assert_true(w.err);
	wbuf_free(&w);
}

static void
test_prefix_parse_and_hosts(void **state)
{
	struct cgw_prefix p, q;
	struct cgw_addr a;
	char s[CGW_PREFIXSTRLEN];

	(void)state;
	assert_true(prefix_parse("169.254.21.2/30", &p));
	assert_int_equal(prefix_host_index(&p), 2);
	assert_true(prefix_host(&p, 1, &a));
	assert_string_equal(addr_fmt(&a, s, sizeof(s)), "169.254.21.1");
	assert_true(prefix_parse("169.254.21.0/30", &q));
	assert_true(prefix_eq(&p, &q));
	assert_true(prefix_contains(&q, &a));
	assert_false(prefix_parse("10.0.0.0/33", &p));
	assert_false(prefix_parse("10.0.0.0/", &p));
	assert_false(prefix_parse("10.0.0.0/-1", &p));
	assert_false(prefix_parse("10.0.0.0", &p));
	assert_true(prefix_parse("2001:db8::/32", &p));
	assert_string_equal(prefix_fmt(&p, s, sizeof(s)), "2001:db8::/32");
	/* too short for a host index */
	assert_int_equal(prefix_host_index(&p), 0);
	assert_false(prefix_host(&p, 1, &a));
	/* AWS IPv6 inside /126: ours host 2, the peer host 1 */
	assert_true(prefix_parse("fd00:1::6/126", &p));
	assert_int_equal(prefix_host_index(&p), 2);
	assert_true(prefix_host(&p, 1, &a));
	assert_string_equal(addr_fmt(&a, s, sizeof(s)), "fd00:1::5");
	assert_true(prefix_contains(&p, &a));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rbuf_reads_and_stops_at_end),
		cmocka_unit_test(test_wbuf_grows_and_patches),
		cmocka_unit_test(test_prefix_parse_and_hosts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
