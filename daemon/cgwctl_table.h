/*
 * cgwctl's tables: a table is declared once as its columns (header, where
 * the cell comes from in each JSON row, how it is written); the helper
 * sizes the columns and prints. Whatever is absent, null or not true for
 * the row is "-", so a table never shows a value for something that does
 * not exist.
 */
#ifndef CGW_DAEMON_CGWCTL_TABLE_H
#define CGW_DAEMON_CGWCTL_TABLE_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#define CTL_TABLE_MAXCOL	12

enum ctl_cell {
	CTL_CELL_TEXT = 0,	/* string, integer, true/false as yes/no */
	CTL_CELL_AGE,		/* seconds as "1h02m" (ctl_fmt_age) */
	CTL_CELL_COUNT,		/* the length of an array */
	CTL_CELL_LIST,		/* an array's items, space-separated */
};

struct ctl_col {
	const char	*head;
	/* Key in the row; "a.b" is key b of the row's object a. */
	const char	*key;
	enum ctl_cell	 cell;
	/* NULL, or the "state" the key's object must be in for the value to
	 * mean anything (an uptime of a session that is not established). */
	const char	*when;
};

/* A cell from any JSON scalar of obj; "-" when absent or null. */
const char *ctl_cell_text(const json_t *obj, const char *key, char *buf,
	    size_t len);
/* Header, then one line per object of `rows`; -1 if rows is no array. */
int	ctl_table_print(FILE *, const struct ctl_col *, size_t ncol,
	    const json_t *rows);

#endif
