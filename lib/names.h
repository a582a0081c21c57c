/*
 * Names of enum values for logs and status, from tables indexed by value
 * (designated initializers: `[TUNNEL_S_UP] = "up"`). One lookup for every
 * such table, so an out-of-range value or a hole in a table can never
 * read past the end or print NULL.
 */
#ifndef CGW_LIB_NAMES_H
#define CGW_LIB_NAMES_H

#include <stddef.h>

/* table[v], or "?" when v is out of range or has no name. */
const char	*cgw_enum_name(const char *const *table, size_t n, unsigned v);
/* The same, "unknown(v)" written into buf for a value without a name. */
const char	*cgw_enum_name_buf(const char *const *table, size_t n,
		    unsigned v, char *buf, size_t len);

/* For a table visible as an array. */
#define CGW_ENUM_NAME(table, v) \
	cgw_enum_name((table), sizeof(table) / sizeof((table)[0]), (unsigned)(v))

#endif
