// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl: what a configuration is, apart from how it travels
 * (codec.c) and how it is checked (limit.c).
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "ctl.h"
#include "output.h"

#define FIELD(attr, type, member, word, kind, width) \
	{ attr, FT_##type, offsetof(struct config, member), word, FK_##kind, \
	  width },

const struct field fields[FIELD_COUNT] = {
	MSSCLAMP_SETTINGS(FIELD)
};

const struct field *field_of(unsigned int attr)
{
	size_t i;

	for (i = 0; i < FIELD_COUNT; i++)
		if (fields[i].attr == attr)
			return &fields[i];
	return NULL;
}

uint32_t field_get(const struct config *c, const struct field *f)
{
	const char *p = (const char *)c + f->offset;
	uint32_t v32;

	if (f->type == FT_U8)
		return *(const uint8_t *)p;
	memcpy(&v32, p, sizeof(v32));
	return v32;
}

void field_set(struct config *c, const struct field *f, uint32_t val)
{
	char *p = (char *)c + f->offset;

	if (f->type == FT_U8)
		*(uint8_t *)p = val;
	else
		memcpy(p, &val, sizeof(val));
}

static const char *const hook_names[] = {
	[MSSCLAMP_HOOK_FORWARD] = "forward",
	[MSSCLAMP_HOOK_POSTROUTING] = "postrouting",
};

#define N_HOOKS ARRAY_SIZE(hook_names)

const char *hook_name(uint8_t hook)
{
	return hook < N_HOOKS ? hook_names[hook] : "unknown";
}

bool hook_parse(const char *word, uint32_t *hook)
{
	for (*hook = 0; *hook < N_HOOKS; (*hook)++)
		if (!strcmp(word, hook_names[*hook]))
			return true;
	return false;
}

bool config_same(const struct config *a, const struct config *b)
{
	unsigned int i;
	size_t f;

	for (f = 0; f < FIELD_COUNT; f++) {
		if (fields[f].kind == FK_COMPUTED || fields[f].type == FT_DEVS)
			continue;
		if (field_get(a, &fields[f]) != field_get(b, &fields[f]))
			return false;
	}
	if (a->ndevs != b->ndevs)
		return false;
	for (i = 0; i < a->ndevs; i++)
		if (strcmp(a->devs[i], b->devs[i]))
			return false;
	return true;
}

/* One setting of @c, as show prints it. */
static void field_print(const struct config *c, const struct field *f)
{
	uint32_t v = f->type == FT_DEVS ? 0 : field_get(c, f);
	char fmt[32];
	unsigned int i;

	snprintf(fmt, sizeof(fmt), "  %s %%-%ds", f->word, f->width);
	switch (f->kind) {
	case FK_ENABLE:
		out_bool(OUT_JSON, f->word, NULL, v);
		snprintf(fmt, sizeof(fmt), "%%-%ds", f->width);
		out_string(OUT_TEXT, NULL, fmt, v ? "enabled" : "disabled");
		break;
	case FK_NUMBER:
	case FK_COMPUTED:
		snprintf(fmt, sizeof(fmt), "  %s %%-%d" PRIu64, f->word,
			 f->width);
		out_uint(OUT_ANY, f->word, fmt, v);
		break;
	case FK_ONOFF:
		out_bool(OUT_ANY, f->word, fmt, v);
		break;
	case FK_HOOK:
		out_string(OUT_ANY, f->word, fmt, hook_name(v));
		break;
	case FK_DEVS:
		snprintf(fmt, sizeof(fmt), "  %s ", f->word);
		out_array_open(f->word, fmt);
		if (!c->ndevs)
			out_text("any");
		for (i = 0; i < c->ndevs; i++)
			out_string(OUT_ANY, NULL, i ? ",%s" : "%s", c->devs[i]);
		out_array_close(NULL);
		break;
	}
}

void config_print(const char *key, const char *fmt, const struct config *c)
{
	size_t f;

	out_object_open(key, fmt);
	for (f = 0; f < FIELD_COUNT; f++)
		field_print(c, &fields[f]);
	out_object_close("\n");
}

/* One setting of @c as save writes it: " mtu 1500". */
static void field_save(FILE *out, const struct config *c,
		       const struct field *f)
{
	uint32_t v = f->type == FT_DEVS ? 0 : field_get(c, f);
	unsigned int i;

	switch (f->kind) {
	case FK_ENABLE:
		fprintf(out, " %s", v ? "enable" : "disable");
		break;
	case FK_NUMBER:
		fprintf(out, " %s %" PRIu32, f->word, v);
		break;
	case FK_ONOFF:
		fprintf(out, " %s %s", f->word, v ? "on" : "off");
		break;
	case FK_HOOK:
		fprintf(out, " %s %s", f->word, hook_name(v));
		break;
	case FK_DEVS:
		fprintf(out, " %s ", f->word);
		if (!c->ndevs)
			fputs("any", out);
		for (i = 0; i < c->ndevs; i++)
			fprintf(out, "%s%s", i ? "," : "", c->devs[i]);
		break;
	case FK_COMPUTED:
		break;		/* the kernel's, not a setting */
	}
}

void config_save(FILE *out, const char *family, const struct config *c)
{
	size_t f;

	fputs(family, out);
	for (f = 0; f < FIELD_COUNT; f++)
		field_save(out, c, &fields[f]);
	fputc('\n', out);
}
