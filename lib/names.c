/* Enum value names from tables (see names.h). */
#include <stdio.h>

#include "lib/names.h"

const char *
cgw_enum_name(const char *const *table, size_t n, unsigned v)
{
	if (table == NULL || v >= n || table[v] == NULL)
		return "?";
	return table[v];
}

const char *
cgw_enum_name_buf(const char *const *table, size_t n, unsigned v, char *buf,
    size_t len)
{
	if (table != NULL && v < n && table[v] != NULL)
		return table[v];
	snprintf(buf, len, "unknown(%u)", v);
	return buf;
}
