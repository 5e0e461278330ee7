// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl: the text and JSON printer (see output.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>

#include "ctl.h"
#include "errors.h"
#include "output.h"

/*
 * Nothing here has a fixed size: containers nest as deep as the caller
 * goes and a table has as many rows, columns and bytes as it is given.
 * Should memory run out, the output is known to be incomplete and
 * finish_output() says so (exit status 1).
 */
static bool json;
static bool lost;			/* memory ran out: output incomplete */

/* One open JSON container. */
struct level {
	bool first;			/* nothing printed in it yet */
	char closer;			/* '}' or ']' */
};

static struct level *levels;
static size_t depth, nlevels;		/* open containers, room for */

struct row {
	char *name;
	char **cells;			/* by column; NULL: empty */
	size_t ncells;
};

static struct {
	bool active;
	long col;			/* column being filled, -1: none */
	char **colname;
	size_t ncols;
	struct row *rows;
	size_t nrows;
} table;

/* realloc() @*p to @n elements of @size, zeroing what is new. */
static bool resize(void *p, size_t *have, size_t n, size_t size)
{
	void **arr = p;
	char *q;

	if (n <= *have)
		return true;
	q = realloc(*arr, n * size);
	if (!q) {
		lost = true;
		return false;
	}
	memset(q + *have * size, 0, (n - *have) * size);
	*arr = q;
	*have = n;
	return true;
}

static char *dup_str(const char *s)
{
	char *d = strdup(s);

	if (!d)
		lost = true;
	return d;
}

bool out_json(void)
{
	return json;
}

/* ------------------------------------------------------------------ */
/* JSON                                                                 */

/* Length of the valid UTF-8 sequence at @s, or 0 if there is none. */
static int utf8_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	int n, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;		/* overlong */
	else if (s[0] == 0xed)
		hi = 0x9f;		/* surrogates */
	else if (s[0] == 0xf0)
		lo = 0x90;		/* overlong */
	else if (s[0] == 0xf4)
		hi = 0x8f;		/* above U+10FFFF */
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* The characters JSON escapes with a letter (RFC 8259, section 7). */
static const char *const json_escapes[0x80] = {
	['"'] = "\\\"", ['\\'] = "\\\\", ['\b'] = "\\b", ['\f'] = "\\f",
	['\n'] = "\\n", ['\r'] = "\\r", ['\t'] = "\\t",
};

/* A JSON string: control characters escaped, invalid UTF-8 as U+FFFD. */
static void json_string(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	int n;

	putchar('"');
	for (; *s; s++) {
		if (*s < 0x80 && json_escapes[*s]) {
			fputs(json_escapes[*s], stdout);
		} else if (*s < 0x20 || *s == 0x7f) {
			printf("\\u%04x", *s);
		} else if (*s < 0x80) {
			putchar(*s);
		} else if ((n = utf8_len(s)) > 0) {
			fwrite(s, 1, n, stdout);
			s += n - 1;
		} else {
			fputs("\\ufffd", stdout);
		}
	}
	putchar('"');
}

/* The separator before a value, and its key in an object. */
static void json_key(const char *key)
{
	if (depth > 0 && !levels[depth - 1].first)
		fputs(", ", stdout);
	if (depth > 0)
		levels[depth - 1].first = false;
	if (key) {
		json_string(key);
		fputs(": ", stdout);
	}
}

static void json_open(const char *key, char c)
{
	json_key(key);
	putchar(c);
	if (depth == nlevels &&
	    !resize(&levels, &nlevels, nlevels ? 2 * nlevels : 8,
		    sizeof(*levels)))
		return;
	levels[depth].first = true;
	levels[depth].closer = c == '{' ? '}' : ']';
	depth++;
}

static void json_close(void)
{
	if (depth > 0)
		putchar(levels[--depth].closer);
}

/* ------------------------------------------------------------------ */
/* Text                                                                 */

/* @str with control characters as \xNN; free() the result. */
static char *text_escape(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	char *buf = malloc(strlen(str) * 4 + 1);
	char *p = buf;

	if (!buf) {
		lost = true;
		return NULL;
	}
	for (; *s; s++) {
		if (*s < 0x20 || *s == 0x7f)
			p += sprintf(p, "\\x%02x", *s);
		else
			*p++ = *s;
	}
	*p = '\0';
	return buf;
}

static void table_free(void)
{
	size_t r, c;

	for (c = 0; c < table.ncols; c++)
		free(table.colname[c]);
	for (r = 0; r < table.nrows; r++) {
		for (c = 0; c < table.rows[r].ncells; c++)
			free(table.rows[r].cells[c]);
		free(table.rows[r].cells);
		free(table.rows[r].name);
	}
	free(table.colname);
	free(table.rows);
	memset(&table, 0, sizeof(table));
	table.col = -1;
}

static struct row *table_row(const char *key)
{
	size_t i, n = table.nrows;

	for (i = 0; i < table.nrows; i++)
		if (!strcmp(table.rows[i].name, key))
			return &table.rows[i];
	if (!resize(&table.rows, &n, n + 1, sizeof(*table.rows)))
		return NULL;
	table.rows[i].name = dup_str(key);
	if (!table.rows[i].name)
		return NULL;
	table.nrows++;
	return &table.rows[i];
}

/* Put the cell for @key in the current column: printf(@fmt, ...). */
static void table_cell(const char *key, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void table_cell(const char *key, const char *fmt, ...)
{
	struct row *row;
	char *text;
	va_list ap;
	int n;

	if (!key || table.col < 0)
		return;
	row = table_row(key);
	if (!row || !resize(&row->cells, &row->ncells, table.col + 1,
			    sizeof(*row->cells)))
		return;
	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0) {
		lost = true;
		return;
	}
	free(row->cells[table.col]);
	row->cells[table.col] = text;
}

static const char *cell_at(const struct row *row, size_t col)
{
	return col < row->ncells && row->cells[col] ? row->cells[col] : "";
}

void out_table_open(void)
{
	if (json)
		return;
	table_free();
	table.active = true;
}

void out_table_close(void)
{
	size_t r, c, label = 0, n, *width;

	if (json || !table.active)
		return;
	table.active = false;
	width = calloc(table.ncols + 1, sizeof(*width));
	if (!width) {
		lost = true;
		table_free();
		return;
	}
	for (r = 0; r < table.nrows; r++) {
		n = strlen(table.rows[r].name);
		if (n > label)
			label = n;
	}
	for (c = 0; c < table.ncols; c++) {
		width[c] = strlen(table.colname[c]);
		for (r = 0; r < table.nrows; r++) {
			n = strlen(cell_at(&table.rows[r], c));
			if (n > width[c])
				width[c] = n;
		}
	}
	printf("%-*s", (int)label, "");
	for (c = 0; c < table.ncols; c++)
		printf("  %*s", (int)width[c], table.colname[c]);
	putchar('\n');
	for (r = 0; r < table.nrows; r++) {
		printf("%-*s", (int)label, table.rows[r].name);
		for (c = 0; c < table.ncols; c++)
			printf("  %*s", (int)width[c],
			       cell_at(&table.rows[r], c));
		putchar('\n');
	}
	free(width);
	table_free();
}

/* ------------------------------------------------------------------ */
/* The calls                                                            */

void out_init(bool as_json)
{
	json = as_json;
}

void out_start(void)
{
	depth = 0;
	if (json)
		json_open(NULL, '{');
}

void out_end(void)
{
	if (!json)
		return;
	while (depth > 0)
		json_close();
	putchar('\n');
}

void out_text(const char *fmt, ...)
{
	va_list ap;

	if (json || table.active)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void out_object_open(const char *key, const char *fmt)
{
	if (json) {
		json_open(key, '{');
	} else if (table.active) {
		size_t n = table.ncols;
		char *name = dup_str(key ? key : "");

		table.col = -1;
		if (name && resize(&table.colname, &n, n + 1,
				   sizeof(*table.colname))) {
			table.colname[table.ncols] = name;
			table.col = table.ncols++;
		} else {
			free(name);
		}
	} else if (fmt) {
		printf(fmt, key ? key : "");
	}
}

void out_object_close(const char *text)
{
	if (json)
		json_close();
	else if (table.active)
		table.col = -1;
	else if (text)
		fputs(text, stdout);
}

void out_array_open(const char *key, const char *text)
{
	if (json)
		json_open(key, '[');
	else if (text && !table.active)
		fputs(text, stdout);
}

void out_array_close(const char *text)
{
	if (json)
		json_close();
	else if (text && !table.active)
		fputs(text, stdout);
}

void out_uint(enum out_kind kind, const char *key, const char *fmt,
	      uint64_t val)
{
	if (json) {
		if (kind != OUT_TEXT) {
			json_key(key);
			printf("%" PRIu64, val);
		}
	} else if (kind != OUT_JSON && fmt) {
		if (!table.active)
			printf(fmt, val);
		else
			table_cell(key, fmt, val);
	}
}

void out_string(enum out_kind kind, const char *key, const char *fmt,
		const char *str)
{
	char *esc;

	if (json) {
		if (kind != OUT_TEXT) {
			json_key(key);
			json_string(str);
		}
		return;
	}
	if (kind == OUT_JSON || !fmt)
		return;
	esc = text_escape(str);
	if (!table.active)
		printf(fmt, esc ? esc : "?");
	else
		table_cell(key, fmt, esc ? esc : "?");
	free(esc);
}

void out_bool(enum out_kind kind, const char *key, const char *fmt,
	      bool val)
{
	if (json) {
		if (kind != OUT_TEXT) {
			json_key(key);
			fputs(val ? "true" : "false", stdout);
		}
		return;
	}
	out_string(kind, key, fmt, val ? "on" : "off");
}

void out_null(enum out_kind kind, const char *key, const char *fmt,
	      const char *text)
{
	if (json) {
		if (kind != OUT_TEXT) {
			json_key(key);
			fputs("null", stdout);
		}
		return;
	}
	out_string(kind, key, fmt, text);
}

int finish_output(void)
{
	if (lost) {
		lost = false;
		fflush(stdout);
		return runtime_error("cannot write the output: %s",
				     strerror(ENOMEM));
	}
	if (fflush(stdout) == EOF || ferror(stdout))
		return runtime_error("cannot write the output: %s",
				     strerror(errno ? errno : EIO));
	return 0;
}
