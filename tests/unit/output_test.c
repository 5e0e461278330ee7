// SPDX-License-Identifier: GPL-2.0
/*
 * userspace/lib/output.c on what is larger than the commands print today:
 * a table of 40 rows, 12 columns and 60-byte cells, and JSON nested 12
 * deep. Each is printed into a file and compared with what it must be,
 * byte for byte: nothing left out, nothing cut short, every container
 * closed. One TAP line per case (tests/lib/c/tap.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output.h"
#include "tap.h"

#define ROWS	40
#define COLS	12
#define DEPTH	12

static void report(bool ok, const char *name, const char *got,
		   const char *want)
{
	tap_result(ok, name, NULL);
	if (!ok)
		printf("# want: %.300s\n# got:  %.300s\n", want, got);
}

/* Run @print with stdout in a file; return what it wrote (free it). */
static char *capture(void (*print)(void), int *status)
{
	FILE *tmp = tmpfile();
	int saved = dup(STDOUT_FILENO);
	char *buf;
	long len;

	fflush(stdout);
	dup2(fileno(tmp), STDOUT_FILENO);
	print();
	*status = finish_output();
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	len = lseek(fileno(tmp), 0, SEEK_END);
	buf = calloc(1, len + 1);
	if (buf && len > 0 && pread(fileno(tmp), buf, len, 0) != len)
		buf[0] = '\0';
	fclose(tmp);
	return buf;
}

static void cell_text(char *buf, size_t size, int r, int c)
{
	snprintf(buf, size, "r%02dc%02d-%s", r, c,
		 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
}

static void print_table(void)
{
	char key[16], cell[80];
	int r, c;

	out_start();
	out_table_open();
	for (c = 0; c < COLS; c++) {
		snprintf(key, sizeof(key), "col%02d", c);
		out_object_open(key, NULL);
		for (r = 0; r < ROWS; r++) {
			snprintf(key, sizeof(key), "row%02d", r);
			cell_text(cell, sizeof(cell), r, c);
			out_string(OUT_ANY, key, "%s", cell);
		}
		out_object_close(NULL);
	}
	out_table_close();
	out_end();
}

/* The table as it must come out: every cell as wide as the widest. */
static char *want_table(void)
{
	size_t size = (ROWS + 1) * (COLS + 1) * 80, len = 0;
	char *buf = malloc(size), cell[80];
	int r, c, w;

	cell_text(cell, sizeof(cell), 0, 0);
	w = strlen(cell);
	len += snprintf(buf + len, size - len, "%-5s", "");
	for (c = 0; c < COLS; c++)
		len += snprintf(buf + len, size - len, "  %*s%02d", w - 2,
				"col", c);
	len += snprintf(buf + len, size - len, "\n");
	for (r = 0; r < ROWS; r++) {
		len += snprintf(buf + len, size - len, "row%02d", r);
		for (c = 0; c < COLS; c++) {
			cell_text(cell, sizeof(cell), r, c);
			len += snprintf(buf + len, size - len, "  %s", cell);
		}
		len += snprintf(buf + len, size - len, "\n");
	}
	return buf;
}

static void print_nested(void)
{
	int i;

	out_start();
	for (i = 0; i < DEPTH; i++)
		out_object_open(i % 2 ? "o" : "a", NULL);
	out_uint(OUT_ANY, "n", NULL, 1);
	for (i = 0; i < DEPTH; i++)
		out_object_close(NULL);
	out_array_open("list", NULL);
	for (i = 0; i < DEPTH; i++)
		out_array_open(NULL, NULL);
	for (i = 0; i < DEPTH; i++)
		out_array_close(NULL);
	out_array_close(NULL);
	out_end();
}

static char *want_nested(void)
{
	char *buf = malloc(4096);
	size_t len = 0;
	int i;

	len += sprintf(buf + len, "{");
	for (i = 0; i < DEPTH; i++)
		len += sprintf(buf + len, "\"%s\": {", i % 2 ? "o" : "a");
	len += sprintf(buf + len, "\"n\": 1");
	for (i = 0; i < DEPTH; i++)
		len += sprintf(buf + len, "}");
	len += sprintf(buf + len, ", \"list\": [");
	for (i = 0; i < DEPTH; i++)
		len += sprintf(buf + len, "[");
	for (i = 0; i < DEPTH; i++)
		len += sprintf(buf + len, "]");
	sprintf(buf + len, "]}\n");
	return buf;
}

/* Print with @print, as JSON or text, and compare with @want(). */
static void run_case(const char *name, bool json, void (*print)(void),
		     char *(*want_fn)(void))
{
	char *got, *want = want_fn();
	int status;

	out_init(json);
	got = capture(print, &status);
	report(got && !strcmp(got, want), name, got ? got : "", want);
	report(status == 0, "... and finish_output() says it is done", "",
	       "");
	free(got);
	free(want);
}

int main(int argc, char *argv[])
{
	tap_open(argc > 1 ? argv[1] : NULL, "unit: output: ");
	run_case("a table of 40 rows, 12 columns and 60-byte cells comes out whole",
		 false, print_table, want_table);
	run_case("JSON nested 12 deep comes out with every container closed",
		 true, print_nested, want_nested);
	return tap_end(NULL);
}
