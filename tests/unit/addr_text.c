#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/addr_text.h"

struct cgw_addr
unit_addr(const char *s)
{
	struct cgw_addr a;

	assert_true(addr_parse(s, &a));
	return a;
}

struct cgw_prefix
unit_prefix(const char *s)
{
	struct cgw_prefix p;

	assert_true(prefix_parse(s, &p));
	return p;
}
