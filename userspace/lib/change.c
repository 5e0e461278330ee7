// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl: the parser of `set`'s settings (see change.h), shared by
 * set and apply.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "change.h"
#include "ctl.h"
#include "errors.h"
#include "family.h"
#include "limit.h"

/*
 * The words of set's settings, from settings.h: a setting's word, and
 * enable and disable for FK_ENABLE; the computed ones are not settings.
 */
struct setting {
	const char *word;
	const struct field *f;
	uint32_t value;		/* FK_ENABLE: what the word sets */
};

#define SETTING_ONE(member, word)	{ word, &fields[FIELD_##member], 0 },
#define SETTING_ENABLE(member, word)	{ "enable", &fields[FIELD_##member], 1 }, \
					{ "disable", &fields[FIELD_##member], 0 },
#define SETTING_NUMBER	SETTING_ONE
#define SETTING_ONOFF	SETTING_ONE
#define SETTING_HOOK	SETTING_ONE
#define SETTING_DEVS	SETTING_ONE
#define SETTING_COMPUTED(member, word)
#define SETTING(attr, type, member, word, kind, width) \
	SETTING_##kind(member, word)

static const struct setting settings[] = {
	MSSCLAMP_SETTINGS(SETTING)
};

#define N_SETTINGS ARRAY_SIZE(settings)

static bool parse_u32(const char *s, uint32_t *val)
{
	uint64_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*val = v;
	return true;
}

/* What a value must look like, for error messages. */
static const char *expected(const struct setting *s, uint8_t family,
			    char *buf, size_t size)
{
	switch (s->f->kind) {
	case FK_NUMBER:
		if (s->f->attr == MSSCLAMP_A_MTU) {
			snprintf(buf, size, "a number from %u to %u",
				 limit_mtu_min(family), MSSCLAMP_MTU_MAX);
			return buf;
		}
		return "a number of bytes";
	case FK_ONOFF:
		return "on or off";
	case FK_HOOK:
		return "forward or postrouting";
	case FK_DEVS:
		return "interface names separated by commas, or any";
	case FK_ENABLE:
	case FK_COMPUTED:
		break;
	}
	return "nothing";
}

/* Does @name, @len bytes long, look like an interface name? */
static int check_dev(const char *name, size_t len, const char *list,
		     const char *what)
{
	int ret = limit_dev_name(name, len, list, what);

	if (ret)
		return ret;
	if (len == 3 && !strncmp(name, "any", 3))
		return usage_error("%s: 'dev %s': 'any' cannot be combined with interface names",
				   what, list);
	return 0;
}

static int parse_devs_arg(const char *list, struct change *chg,
			  const char *what)
{
	const char *p = list;
	unsigned int i, n = 0;
	int ret;

	chg->ndevs = 0;
	if (!strcmp(list, "any"))
		return 0;
	for (;;) {
		size_t len = strcspn(p, ",");

		ret = check_dev(p, len, list, what);
		if (ret)
			return ret;
		if (!limit_devs_room(n)) {
			for (n = 1; *list; list++)
				n += *list == ',';
			return usage_error("%s: 'dev' lists %u interfaces (at most %d)",
					   what, n, MSSCLAMP_MAX_DEVS);
		}
		for (i = 0; i < n; i++)
			if (strlen(chg->devs[i]) == len &&
			    !strncmp(chg->devs[i], p, len))
				return usage_error("%s: 'dev' lists '%s' twice",
						   what, chg->devs[i]);
		memcpy(chg->devs[n], p, len);
		chg->devs[n][len] = '\0';
		n++;
		if (!p[len])
			break;
		p += len + 1;
	}
	chg->ndevs = n;
	return 0;
}

static int parse_value(const struct setting *s, const char *arg,
		       struct change *chg, const char *what)
{
	uint32_t *val = &chg->value[s->f->attr];
	char buf[64];

	switch (s->f->kind) {
	case FK_ENABLE:
		*val = s->value;
		return 0;
	case FK_NUMBER:
		if (parse_u32(arg, val))
			return 0;
		break;
	case FK_COMPUTED:
		break;
	case FK_ONOFF:
		if (!strcmp(arg, "on") || !strcmp(arg, "off")) {
			*val = !strcmp(arg, "on");
			return 0;
		}
		break;
	case FK_HOOK:
		if (hook_parse(arg, val))
			return 0;
		break;
	case FK_DEVS:
		if (*arg)
			return parse_devs_arg(arg, chg, what);
		break;
	}
	return usage_error("%s: '%s' needs %s, got '%s'", what, s->word,
			   expected(s, chg->family, buf, sizeof(buf)), arg);
}

int change_parse(int argc, char *argv[], struct change *chg,
		 const char *what)
{
	const struct setting *s;
	bool any = false;
	char buf[64];
	size_t i;
	int n, ret;

	if (argc < 2)
		return usage_error("%s: missing family (expected ipv4 or ipv6)",
				   what);
	chg->family = family_parse(argv[1]);
	if (!chg->family)
		return usage_error("%s: unknown family '%s' (expected ipv4 or ipv6)",
				   what, argv[1]);

	for (n = 2; n < argc; n++) {
		for (i = 0; i < N_SETTINGS; i++)
			if (!strcmp(argv[n], settings[i].word))
				break;
		if (i == N_SETTINGS)
			return usage_error("%s: unknown setting '%s' (expected enable, disable, mtu, overhead, pmtu, hook, syn, synack or dev)",
					   what, argv[n]);
		s = &settings[i];
		if (chg->given[s->f->attr] == s)
			return usage_error("%s: '%s' given twice", what,
					   s->word);
		if (chg->given[s->f->attr])
			return usage_error("%s: both '%s' and '%s' given (choose one)",
					   what, chg->given[s->f->attr]->word,
					   s->word);
		if (s->f->kind != FK_ENABLE && n + 1 >= argc)
			return usage_error("%s: '%s' needs %s", what, s->word,
					   expected(s, chg->family, buf,
						    sizeof(buf)));
		ret = parse_value(s, s->f->kind == FK_ENABLE ? NULL : argv[++n],
				  chg, what);
		if (ret)
			return ret;
		chg->given[s->f->attr] = s;
		any = true;
	}
	if (!any)
		return usage_error("%s: nothing to change for %s (expected enable, disable, mtu N, overhead N, pmtu on|off, hook forward|postrouting, syn on|off, synack on|off or dev IF[,IF...]|any)",
				   what, argv[1]);
	return 0;
}

void change_fold(struct config *cfg, const struct change *chg)
{
	size_t i;

	for (i = 0; i < FIELD_COUNT; i++) {
		const struct field *f = &fields[i];

		if (!chg->given[f->attr])
			continue;
		if (f->type != FT_DEVS) {
			field_set(cfg, f, chg->value[f->attr]);
			continue;
		}
		cfg->ndevs = chg->ndevs;
		memcpy(cfg->devs, chg->devs, sizeof(cfg->devs));
	}
}

/* The setting that takes @attr (for enable/disable: either). */
static const struct setting *setting_of(uint16_t attr)
{
	size_t i;

	for (i = 0; i < N_SETTINGS; i++)
		if (settings[i].f->attr == attr)
			return &settings[i];
	return NULL;
}

void change_of_config(struct change *chg, uint8_t family,
		      const struct config *cfg)
{
	size_t i;

	memset(chg, 0, sizeof(*chg));
	chg->family = family;
	for (i = 0; i < FIELD_COUNT; i++) {
		const struct field *f = &fields[i];

		if (f->kind == FK_COMPUTED)
			continue;
		chg->given[f->attr] = setting_of(f->attr);
		if (f->type != FT_DEVS)
			chg->value[f->attr] = field_get(cfg, f);
	}
	chg->ndevs = cfg->ndevs;
	memcpy(chg->devs, cfg->devs, sizeof(chg->devs));
}
