/*
 * Unit-test helpers: an address or prefix from text, failing the test
 * when the text does not parse.
 */
#ifndef CGW_TESTS_UNIT_ADDR_TEXT_H
#define CGW_TESTS_UNIT_ADDR_TEXT_H

#include "lib/addr.h"

struct cgw_addr		unit_addr(const char *s);
struct cgw_prefix	unit_prefix(const char *s);

#endif
