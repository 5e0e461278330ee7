/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclampctl: the configuration of one family, as the kernel reports it
 * (codec.c decodes it, show, monitor and save print it, apply computes
 * it).
 */
#ifndef MSSCLAMPCTL_CONFIG_H
#define MSSCLAMPCTL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <net/if.h>

#include "settings.h"
#include "uapi/mssclamp.h"

#define CONFIG_MEMBER_U8(m)	uint8_t m;
#define CONFIG_MEMBER_U32(m)	uint32_t m;
#define CONFIG_MEMBER_DEVS(m)	unsigned int n##m; char m[MSSCLAMP_MAX_DEVS][IFNAMSIZ];
#define CONFIG_MEMBER(attr, type, member, word, kind, width) \
	CONFIG_MEMBER_##type(member)

/* One family's configuration, as GET_CONFIG answers it: settings.h's. */
struct config {
	bool seen;		/* filled in by a reply */
	MSSCLAMP_SETTINGS(CONFIG_MEMBER)
};

/* How a setting travels, and what value it takes (settings.h). */
enum field_type { FT_U8, FT_U32, FT_DEVS };
enum field_kind { FK_ENABLE, FK_NUMBER, FK_ONOFF, FK_HOOK, FK_DEVS,
		  FK_COMPUTED };

/* One line of settings.h. */
struct field {
	uint16_t attr;
	enum field_type type;
	size_t offset;		/* of its member in struct config */
	const char *word;
	enum field_kind kind;
	int width;
};

#define FIELD_INDEX(attr, type, member, word, kind, width) FIELD_##member,
enum { MSSCLAMP_SETTINGS(FIELD_INDEX) FIELD_COUNT };

/* Every setting, in settings.h's order. */
extern const struct field fields[FIELD_COUNT];

/* The setting that travels as @attr, or NULL. */
const struct field *field_of(unsigned int attr);
/* The value of a number (FT_U8, FT_U32) of @c; field_set() writes it. */
uint32_t field_get(const struct config *c, const struct field *f);
void field_set(struct config *c, const struct field *f, uint32_t val);

/* The name of a hook value ("forward"), or "unknown". */
const char *hook_name(uint8_t hook);
/* The reverse: the value of @word into *@hook; false if it names none. */
bool hook_parse(const char *word, uint32_t *hook);

/*
 * Print @c (output.h) as show does: in JSON the object @key, in text one
 * line, "enabled   mtu 1500 ... dev any", after @fmt with @key as its
 * argument ("%s: ") or nothing for a NULL @fmt.
 */
void config_print(const char *key, const char *fmt, const struct config *c);

/*
 * Write @c as one line of save's file: "ipv4 enable mtu 1500 ... dev any",
 * the arguments of a `set` that sets the whole of it.
 */
void config_save(FILE *out, const char *family, const struct config *c);

/* Do two configurations set the same (the computed mss aside)? */
bool config_same(const struct config *a, const struct config *b);

#endif /* MSSCLAMPCTL_CONFIG_H */
