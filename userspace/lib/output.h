/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclampctl: one printer for text and JSON.
 *
 * Each field is printed by one call that names its JSON key and its text
 * format, so the two outputs cannot drift apart (the idea of iproute2's
 * json_print.h). OUT_TEXT and OUT_JSON limit a call to one of the outputs.
 *
 * JSON comes out on one line, as {"key": value, "key": {...}}; the whole
 * document is one object, opened by out_start() and closed by out_end(),
 * followed by a newline.
 *
 * Text inside out_table_open()/out_table_close() is laid out as a table:
 * each object becomes a column headed by its key, each field a row labelled
 * by its key, and the text format is applied to the cell alone.
 */
#ifndef MSSCLAMPCTL_OUTPUT_H
#define MSSCLAMPCTL_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

enum out_kind {
	OUT_ANY,
	OUT_TEXT,
	OUT_JSON,
};

/* Choose the output once (main); each command then prints one document. */
void out_init(bool json);
bool out_json(void);
void out_start(void);
void out_end(void);

/* Text only, printf-style. */
void out_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Containers. @key is NULL inside an array. @fmt is printed in text mode
 * with the key as its argument ("%s: "), @text as it is; both may be NULL.
 */
void out_object_open(const char *key, const char *fmt);
void out_object_close(const char *text);
void out_array_open(const char *key, const char *text);
void out_array_close(const char *text);

/* Fields; the text format gets one argument: the value as given. */
void out_uint(enum out_kind kind, const char *key, const char *fmt,
	      uint64_t val);				/* fmt: PRIu64 */
void out_string(enum out_kind kind, const char *key, const char *fmt,
		const char *str);			/* fmt: %s */
void out_bool(enum out_kind kind, const char *key, const char *fmt,
	      bool val);				/* fmt: %s, "on"/"off" */
void out_null(enum out_kind kind, const char *key, const char *fmt,
	      const char *text);			/* fmt: %s, @text */

void out_table_open(void);
void out_table_close(void);

/*
 * Flush stdout: 0, or -errno once the error is printed: a write error, or
 * output that memory ran out for.
 */
int finish_output(void);

#endif /* MSSCLAMPCTL_OUTPUT_H */
