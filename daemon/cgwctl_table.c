/* cgwctl's column tables (see cgwctl_table.h). */
#include <stdlib.h>
#include <string.h>

#include "daemon/cgwctl.h"
#include "daemon/cgwctl_table.h"

#define CTL_CELL_MAX	256

struct ctl_table {
	size_t	 ncol;
	size_t	 nrow;
	size_t	 cap;
	char	**cell;		/* nrow * ncol, row 0 the header */
};

static int
ctl_table_add(struct ctl_table *t, const char *const cols[])
{
	char **ncell;
	size_t i;

	if (t->nrow == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		ncell = realloc(t->cell, t->cap * t->ncol * sizeof(*ncell));
		if (ncell == NULL)
			return -1;
		t->cell = ncell;
	}
	for (i = 0; i < t->ncol; i++)
		t->cell[t->nrow * t->ncol + i] = strdup(cols[i] ? cols[i] : "-");
	t->nrow++;
	return 0;
}

static void
ctl_table_write(FILE *f, const struct ctl_table *t)
{
	size_t w[CTL_TABLE_MAXCOL] = { 0 }, r, c, l;
	const char *s;

	for (r = 0; r < t->nrow; r++)
		for (c = 0; c < t->ncol; c++) {
			s = t->cell[r * t->ncol + c];
			l = s ? strlen(s) : 1;
			if (l > w[c])
				w[c] = l;
		}
	for (r = 0; r < t->nrow; r++) {
		for (c = 0; c < t->ncol; c++) {
			s = t->cell[r * t->ncol + c];
			if (c + 1 == t->ncol)
				fprintf(f, "%s\n", s ? s : "?");
			else
				fprintf(f, "%-*s  ", (int)w[c], s ? s : "?");
		}
	}
}

static void
ctl_table_free(struct ctl_table *t)
{
	size_t i;

	for (i = 0; i < t->nrow * t->ncol; i++)
		free(t->cell[i]);
	free(t->cell);
}

/*
 * The object that holds the last part of `key` ("ike.state": the row's
 * "ike"), and that part; NULL when a part on the way is no object.
 */
static const json_t *
ctl_table_owner(const json_t *row, const char *key, const char **leaf)
{
	char part[64];
	const char *dot;
	size_t n;

	while ((dot = strchr(key, '.')) != NULL) {
		n = (size_t)(dot - key);
		if (n >= sizeof(part))
			return NULL;
		memcpy(part, key, n);
		part[n] = '\0';
		row = json_object_get(row, part);
		if (!json_is_object(row))
			return NULL;
		key = dot + 1;
	}
	*leaf = key;
	return json_is_object(row) ? row : NULL;
}

/* An empty string is as absent as a null: "-" too. */
const char *
ctl_cell_text(const json_t *obj, const char *key, char *buf, size_t len)
{
	const json_t *v = json_object_get(obj, key);

	if (json_is_string(v) && json_string_length(v) > 0)
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	if (json_is_boolean(v))
		return json_is_true(v) ? "yes" : "no";
	return "-";
}

static const char *
ctl_cell_list(const json_t *v, char *buf, size_t len)
{
	const json_t *item;
	char one[32];
	size_t i, n;

	buf[0] = '\0';
	json_array_foreach(v, i, item) {
		n = strlen(buf);
		if (json_is_integer(item))
			snprintf(one, sizeof(one), "%lld",
			    (long long)json_integer_value(item));
		else
			snprintf(one, sizeof(one), "%s", json_is_string(item) ?
			    json_string_value(item) : "?");
		snprintf(buf + n, len - n, "%s%s", i ? " " : "", one);
	}
	return buf[0] ? buf : "-";
}

static const char *
ctl_cell(const json_t *row, const struct ctl_col *col, char *buf, size_t len)
{
	const json_t *owner, *state;
	const char *leaf;

	if ((owner = ctl_table_owner(row, col->key, &leaf)) == NULL)
		return "-";
	if (col->when != NULL) {
		state = json_object_get(owner, "state");
		if (!json_is_string(state) ||
		    strcmp(json_string_value(state), col->when) != 0)
			return "-";
	}
	switch (col->cell) {
	case CTL_CELL_AGE:
		ctl_fmt_age(json_object_get(owner, leaf), buf, len);
		return buf;
	case CTL_CELL_COUNT:
		snprintf(buf, len, "%zu",
		    json_array_size(json_object_get(owner, leaf)));
		return buf;
	case CTL_CELL_LIST:
		return ctl_cell_list(json_object_get(owner, leaf), buf, len);
	case CTL_CELL_TEXT:
	default:
		return ctl_cell_text(owner, leaf, buf, len);
	}
}

int
ctl_table_print(FILE *f, const struct ctl_col *cols, size_t ncol,
    const json_t *rows)
{
	struct ctl_table t = { .ncol = ncol };
	const char *line[CTL_TABLE_MAXCOL];
	char buf[CTL_TABLE_MAXCOL][CTL_CELL_MAX];
	const json_t *row;
	size_t i, c;
	int rc = 0;

	if (!json_is_array(rows) || ncol == 0 || ncol > CTL_TABLE_MAXCOL)
		return -1;
	for (c = 0; c < ncol; c++)
		line[c] = cols[c].head;
	rc |= ctl_table_add(&t, line);
	json_array_foreach(rows, i, row) {
		for (c = 0; c < ncol; c++)
			line[c] = ctl_cell(row, &cols[c], buf[c], sizeof(buf[c]));
		rc |= ctl_table_add(&t, line);
	}
	ctl_table_write(f, &t);
	ctl_table_free(&t);
	return rc;
}
