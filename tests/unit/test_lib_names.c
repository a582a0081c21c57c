/* lib/names: enum value names from tables, never past the end. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/names.h"

enum color { RED, GREEN, BLUE, COLOR_MAX };

static const char *const color_names[] = {
	[RED] = "red",
	[BLUE] = "blue",	/* GREEN left out: a hole */
};

static void
test_enum_name(void **state)
{
	char buf[16];

	(void)state;
	assert_string_equal(CGW_ENUM_NAME(color_names, RED), "red");
	assert_string_equal(CGW_ENUM_NAME(color_names, BLUE), "blue");
	assert_string_equal(CGW_ENUM_NAME(color_names, GREEN), "?");
	assert_string_equal(CGW_ENUM_NAME(color_names, COLOR_MAX), "?");
	assert_string_equal(CGW_ENUM_NAME(color_names, -1), "?");
	assert_string_equal(cgw_enum_name(NULL, 0, 0), "?");
	assert_string_equal(cgw_enum_name_buf(color_names, 3, BLUE, buf,
	    sizeof(buf)), "blue");
	assert_string_equal(cgw_enum_name_buf(color_names, 3, 7, buf,
	    sizeof(buf)), "unknown(7)");
	/* Cut, never overrun. */
	assert_string_equal(cgw_enum_name_buf(color_names, 3, 4000000000u,
	    buf, 8), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enum_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
