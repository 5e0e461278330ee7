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

#define MAX_DEPTH	8
#define TABLE_ROWS	32
#define TABLE_COLS	8
#define CELL_SIZE	32

static bool json;
static int depth;			/* open JSON containers */
static bool first[MAX_DEPTH];		/* nothing printed in it yet */
static char closer[MAX_DEPTH];		/* '}' or ']' */

static struct {
	bool active;
	int col;			/* column being filled, -1: none */
	int ncols;
	int nrows;
	char colname[TABLE_COLS][CELL_SIZE];
	char rowname[TABLE_ROWS][CELL_SIZE];
	char cell[TABLE_ROWS][TABLE_COLS][CELL_SIZE];
} table;

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

/* A JSON string: control characters escaped, invalid UTF-8 as U+FFFD. */
static void json_string(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	putchar('"');
	while (*s) {
		int n = *s >= 0x80 ? utf8_len(s) : 0;

		switch (*s) {
		case '"':
			fputs("\\\"", stdout);
			break;
		case '\\':
			fputs("\\\\", stdout);
			break;
		case '\b':
			fputs("\\b", stdout);
			break;
		case '\f':
			fputs("\\f", stdout);
			break;
		case '\n':
			fputs("\\n", stdout);
			break;
		case '\r':
			fputs("\\r", stdout);
			break;
		case '\t':
			fputs("\\t", stdout);
			break;
		default:
			if (*s < 0x20 || *s == 0x7f) {
				printf("\\u%04x", *s);
			} else if (*s < 0x80) {
				putchar(*s);
			} else if (n > 0) {
				fwrite(s, 1, n, stdout);
				s += n;
				continue;
			} else {
				fputs("\\ufffd", stdout);
			}
		}
		s++;
	}
	putchar('"');
}

/* The separator before a value, and its key in an object. */
static void json_key(const char *key)
{
	if (depth > 0 && !first[depth - 1])
		fputs(", ", stdout);
	if (depth > 0)
		first[depth - 1] = false;
	if (key) {
		json_string(key);
		fputs(": ", stdout);
	}
}

static void json_open(const char *key, char c)
{
	json_key(key);
	putchar(c);
	if (depth < MAX_DEPTH) {
		first[depth] = true;
		closer[depth] = c == '{' ? '}' : ']';
		depth++;
	}
}

static void json_close(void)
{
	if (depth > 0)
		putchar(closer[--depth]);
}

/* ------------------------------------------------------------------ */
/* Text                                                                 */

/* @str with control characters as \xNN; free() the result. */
static char *text_escape(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	char *buf = malloc(strlen(str) * 4 + 1);
	char *p = buf;

	if (!buf)
		return NULL;
	for (; *s; s++) {
		if (*s < 0x20 || *s == 0x7f)
			p += sprintf(p, "\\x%02x", *s);
		else
			*p++ = *s;
	}
	*p = '\0';
	return buf;
}

static int table_row(const char *key)
{
	int i;

	for (i = 0; i < table.nrows; i++)
		if (!strcmp(table.rowname[i], key))
			return i;
	if (table.nrows == TABLE_ROWS)
		return -1;
	snprintf(table.rowname[i], CELL_SIZE, "%s", key);
	table.nrows++;
	return i;
}

/* The cell for @key in the current column, or NULL. */
static char *table_cell(const char *key)
{
	int row;

	if (!key || table.col < 0)
		return NULL;
	row = table_row(key);
	return row < 0 ? NULL : table.cell[row][table.col];
}

void out_table_open(void)
{
	if (json)
		return;
	memset(&table, 0, sizeof(table));
	table.active = true;
	table.col = -1;
}

void out_table_close(void)
{
	int label = 0, width[TABLE_COLS];
	int r, c, n;

	if (json || !table.active)
		return;
	table.active = false;
	for (r = 0; r < table.nrows; r++) {
		n = strlen(table.rowname[r]);
		if (n > label)
			label = n;
	}
	for (c = 0; c < table.ncols; c++) {
		width[c] = strlen(table.colname[c]);
		for (r = 0; r < table.nrows; r++) {
			n = strlen(table.cell[r][c]);
			if (n > width[c])
				width[c] = n;
		}
	}
	printf("%-*s", label, "");
	for (c = 0; c < table.ncols; c++)
		printf("  %*s", width[c], table.colname[c]);
	putchar('\n');
	for (r = 0; r < table.nrows; r++) {
		printf("%-*s", label, table.rowname[r]);
		for (c = 0; c < table.ncols; c++)
			printf("  %*s", width[c], table.cell[r][c]);
		putchar('\n');
	}
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
		if (table.ncols < TABLE_COLS) {
			table.col = table.ncols++;
			snprintf(table.colname[table.col], CELL_SIZE, "%s",
				 key ? key : "");
		} else {
			table.col = -1;
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
	char *cell;

	if (json) {
		if (kind != OUT_TEXT) {
			json_key(key);
			printf("%" PRIu64, val);
		}
	} else if (kind != OUT_JSON && fmt) {
		cell = table.active ? table_cell(key) : NULL;
		if (!table.active)
			printf(fmt, val);
		else if (cell)
			snprintf(cell, CELL_SIZE, fmt, val);
	}
}

void out_string(enum out_kind kind, const char *key, const char *fmt,
		const char *str)
{
	char *esc, *cell;

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
	cell = table.active ? table_cell(key) : NULL;
	if (!table.active)
		printf(fmt, esc ? esc : "?");
	else if (cell)
		snprintf(cell, CELL_SIZE, fmt, esc ? esc : "?");
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
	if (fflush(stdout) == EOF || ferror(stdout))
		return runtime_error("cannot write the output: %s",
				     strerror(errno ? errno : EIO));
	return EXIT_SUCCESS;
}
