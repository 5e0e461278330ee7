// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl doctor: the findings of a run and how they are printed. Text:
 * "SEVERITY CHECK: MESSAGE" lines and a count; -j: {"findings":
 * [{"severity", "check", "message"}, ...], "problems": N}. The exit status
 * is 0 when no finding is warn or fail, 1 otherwise.
 *
 * A finding that finds no memory is lost, and it may have been a fail: it
 * counts as a problem, and the run ends with an error, so that it never
 * says "no problem found" for want of memory.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "errors.h"
#include "output.h"
#include "doctor.h"

#define MSG_SIZE	1024

static const char *const sev_names[] = { "ok", "warn", "fail" };

static void report_vadd(struct report *rep, enum severity sev,
			const char *prefix, const char *check,
			const char *fmt, va_list ap)
{
	struct finding *f = realloc(rep->findings, (rep->n + 1) *
				    sizeof(*rep->findings));
	char msg[MSG_SIZE];

	if (!f) {
		rep->lost++;
		return;
	}
	rep->findings = f;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	f += rep->n;
	f->msg = strdup(msg);
	if (!f->msg) {
		rep->lost++;
		return;
	}
	f->sev = sev;
	snprintf(f->check, sizeof(f->check), "%s%s%s", prefix ? prefix : "",
		 prefix ? "." : "", check);
	rep->n++;
}

void report_add(struct report *rep, enum severity sev, const char *check,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_vadd(rep, sev, NULL, check, fmt, ap);
	va_end(ap);
}

void report_add_fam(struct report *rep, const struct fam *f,
		    enum severity sev, const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_vadd(rep, sev, f->name, what, fmt, ap);
	va_end(ap);
}

int report_print(struct report *rep)
{
	size_t i, problems = rep->lost;

	for (i = 0; i < rep->n; i++)
		if (rep->findings[i].sev != SEV_OK)
			problems++;
	out_start();
	out_array_open("findings", NULL);
	for (i = 0; i < rep->n; i++) {
		const struct finding *f = &rep->findings[i];

		out_object_open(NULL, NULL);
		out_string(OUT_ANY, "severity", "%-4s ", sev_names[f->sev]);
		out_string(OUT_ANY, "check", "%s: ", f->check);
		out_string(OUT_ANY, "message", "%s\n", f->msg);
		out_object_close(NULL);
	}
	out_array_close(NULL);
	out_uint(OUT_JSON, "problems", NULL, problems);
	if (problems)
		out_text("%zu problem%s found\n", problems,
			 problems == 1 ? "" : "s");
	else
		out_text("no problem found\n");
	out_end();
	for (i = 0; i < rep->n; i++)
		free(rep->findings[i].msg);
	free(rep->findings);
	rep->findings = NULL;
	rep->n = 0;
	if (finish_output())
		return EXIT_RUNTIME;
	if (rep->lost)
		return runtime_error("doctor: out of memory: %zu finding%s lost, the report above is incomplete",
				     rep->lost, rep->lost == 1 ? "" : "s");
	return problems ? EXIT_RUNTIME : EXIT_SUCCESS;
}
