#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "daemon/cgwd.h"
#include "daemon/ipsec.h"
#include "xfrm/xfrm.h"

/* A reload rebuilds tunnels in any order: an if_id is never handed out
 * twice while held, and a released one is the next handed out. */
static void
test_ifid_alloc_release(void **state)
{
	struct cgwd *cgwd = calloc(1, sizeof(*cgwd));
	uint32_t a, b, c, n;

	(void)state;
	assert_non_null(cgwd);
	a = ipsec_ifid_alloc(cgwd);
	b = ipsec_ifid_alloc(cgwd);
	c = ipsec_ifid_alloc(cgwd);
	assert_int_equal(a, XFRM_IFID(0));
	assert_int_equal(b, XFRM_IFID(1));
	assert_int_equal(c, XFRM_IFID(2));
	ipsec_ifid_release(cgwd, b);
	assert_int_equal(ipsec_ifid_alloc(cgwd), XFRM_IFID(1));
	assert_int_equal(ipsec_ifid_alloc(cgwd), XFRM_IFID(3));
	/* Not ours, or none: ignored. */
	ipsec_ifid_release(cgwd, 0);
	ipsec_ifid_release(cgwd, 0x12345678);
	assert_int_equal(ipsec_ifid_alloc(cgwd), XFRM_IFID(4));
	/* Exhaustion is an answer, not an overflow. */
	for (n = 5; n < CGWD_IFID_SLOTS; n++)
		assert_int_equal(ipsec_ifid_alloc(cgwd), XFRM_IFID(n));
	assert_int_equal(ipsec_ifid_alloc(cgwd), 0);
	free(cgwd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ifid_alloc_release),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
