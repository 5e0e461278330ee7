// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl show / set: the configuration of each family, and the
 * pieces save and apply (conffile.c) share with them (config.h).
 *
 * `set` checks the syntax only: numbers must be decimal and fit in 32 bits,
 * interface names must be names. Ranges (MTU, overhead, the MSS floor) are
 * the kernel's to check, so its extack message is the one rule there is.
 * `apply` checks them too (config_check), before it changes anything.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <inttypes.h>
#include <net/if.h>

#include "config.h"
#include "ctl.h"
#include "nl.h"
#include "output.h"

static const char *const hook_names[] = {
	[MSSCLAMP_HOOK_FORWARD] = "forward",
	[MSSCLAMP_HOOK_POSTROUTING] = "postrouting",
};

#define N_HOOKS ARRAY_SIZE(hook_names)

const char *hook_name(uint8_t hook)
{
	return hook < N_HOOKS ? hook_names[hook] : "unknown";
}

/* ------------------------------------------------------------------ */
/* show                                                                 */

static int parse_devs(const struct nlattr *nest, struct config *c)
{
	const struct nlattr *attr;

	if (mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0)
		return -1;
	mnl_attr_for_each_nested(attr, nest) {
		const char *name;

		if (mnl_attr_get_type(attr) != MSSCLAMP_DEV_A_NAME)
			continue;
		if (c->ndevs == MSSCLAMP_MAX_DEVS ||
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			return -1;
		name = mnl_attr_get_str(attr);
		if (strlen(name) >= IFNAMSIZ)
			return -1;
		strcpy(c->devs[c->ndevs++], name);
	}
	return 0;
}

/* One GET_CONFIG reply into @data, an array indexed by family_index(). */
static int config_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[MSSCLAMP_A_MAX + 1];
	struct config *configs = data;
	struct config c = { .seen = true };
	uint8_t family;
	int idx;

	if (nl_parse(nlh, tb, MSSCLAMP_A_MAX) < 0 ||
	    nl_get_u8(tb[MSSCLAMP_A_FAMILY], &family) < 0)
		goto bad;
	idx = family_index(family);
	if (idx < 0)
		return MNL_CB_OK;	/* a family newer than this tool */
	if (nl_get_u8(tb[MSSCLAMP_A_ENABLED], &c.enabled) < 0 ||
	    nl_get_u32(tb[MSSCLAMP_A_MTU], &c.mtu) < 0 ||
	    nl_get_u32(tb[MSSCLAMP_A_OVERHEAD], &c.overhead) < 0 ||
	    nl_get_u32(tb[MSSCLAMP_A_MSS], &c.mss) < 0 ||
	    nl_get_u8(tb[MSSCLAMP_A_PMTU], &c.pmtu) < 0 ||
	    nl_get_u8(tb[MSSCLAMP_A_HOOK], &c.hook) < 0 ||
	    nl_get_u8(tb[MSSCLAMP_A_SYN], &c.syn) < 0 ||
	    nl_get_u8(tb[MSSCLAMP_A_SYNACK], &c.synack) < 0)
		goto bad;
	if (tb[MSSCLAMP_A_DEVS] && parse_devs(tb[MSSCLAMP_A_DEVS], &c) < 0)
		goto bad;
	configs[idx] = c;
	return MNL_CB_OK;
bad:
	errno = EBADMSG;
	return MNL_CB_ERROR;
}

static void print_config(const char *family, const struct config *c)
{
	unsigned int i;

	out_object_open(family, "%s: ");
	out_bool(OUT_JSON, "enabled", NULL, c->enabled);
	out_string(OUT_TEXT, NULL, "%-8s", c->enabled ? "enabled" : "disabled");
	out_uint(OUT_ANY, "mtu", "  mtu %-5" PRIu64, c->mtu);
	out_uint(OUT_ANY, "overhead", "  overhead %-3" PRIu64, c->overhead);
	out_uint(OUT_ANY, "mss", "  mss %-5" PRIu64, c->mss);
	out_bool(OUT_ANY, "pmtu", "  pmtu %-3s", c->pmtu);
	out_string(OUT_ANY, "hook", "  hook %-11s", hook_name(c->hook));
	out_bool(OUT_ANY, "syn", "  syn %-3s", c->syn);
	out_bool(OUT_ANY, "synack", "  synack %-3s", c->synack);
	out_array_open("dev", "  dev ");
	if (!c->ndevs)
		out_text("any");
	for (i = 0; i < c->ndevs; i++)
		out_string(OUT_ANY, NULL, i ? ",%s" : "%s", c->devs[i]);
	out_array_close(NULL);
	out_object_close("\n");
}

int show_main(int argc, char *argv[])
{
	struct config configs[FAMILY_COUNT] = { { 0 } };
	struct nlmsghdr *nlh;
	uint8_t family = 0;
	struct nl *nl;
	int i, ret;

	ret = family_arg(argc, argv, "show", "ipv4 or ipv6", &family);
	if (ret)
		return ret;

	nl = nl_open("show");
	if (!nl)
		return EXIT_RUNTIME;
	if (family) {
		nlh = nl_request(nl, MSSCLAMP_CMD_GET_CONFIG, 0);
		mnl_attr_put_u8(nlh, MSSCLAMP_A_FAMILY, family);
	} else {
		nlh = nl_request(nl, MSSCLAMP_CMD_GET_CONFIG, NLM_F_DUMP);
	}
	ret = nl_talk(nl, nlh, config_cb, configs);
	nl_close(nl);
	if (ret < 0)
		return EXIT_RUNTIME;

	for (i = 0; i < FAMILY_COUNT; i++) {
		if (family && families[i] != family)
			continue;
		if (!configs[i].seen)
			return runtime_error("show: the kernel sent no configuration for %s",
					     family_name(families[i]));
	}

	out_start();
	for (i = 0; i < FAMILY_COUNT; i++)
		if (!family || families[i] == family)
			print_config(family_name(families[i]), &configs[i]);
	out_end();
	return finish_output();
}
/*
 * Both families at once, for save and apply: one dump, and an error unless
 * both came back.
 */
int config_fetch(struct nl *nl, struct config configs[FAMILY_COUNT],
		 const char *what)
{
	struct nlmsghdr *nlh;
	int i;

	memset(configs, 0, FAMILY_COUNT * sizeof(*configs));
	nlh = nl_request(nl, MSSCLAMP_CMD_GET_CONFIG, NLM_F_DUMP);
	if (nl_talk(nl, nlh, config_cb, configs) < 0)
		return EXIT_RUNTIME;
	for (i = 0; i < FAMILY_COUNT; i++)
		if (!configs[i].seen)
			return runtime_error("%s: the kernel sent no configuration for %s",
					     what, family_name(families[i]));
	return 0;
}

/* ------------------------------------------------------------------ */
/* set                                                                  */

enum value_kind {
	V_NONE,		/* enable, disable */
	V_NUMBER,	/* decimal, fits in u32 */
	V_ONOFF,
	V_HOOK,
	V_DEVS,
};

struct setting {
	const char *word;
	uint16_t attr;
	enum value_kind kind;
	uint32_t value;		/* for V_NONE */
};

static const struct setting settings[] = {
	{ "enable", MSSCLAMP_A_ENABLED, V_NONE, 1 },
	{ "disable", MSSCLAMP_A_ENABLED, V_NONE, 0 },
	{ "mtu", MSSCLAMP_A_MTU, V_NUMBER, 0 },
	{ "overhead", MSSCLAMP_A_OVERHEAD, V_NUMBER, 0 },
	{ "pmtu", MSSCLAMP_A_PMTU, V_ONOFF, 0 },
	{ "hook", MSSCLAMP_A_HOOK, V_HOOK, 0 },
	{ "syn", MSSCLAMP_A_SYN, V_ONOFF, 0 },
	{ "synack", MSSCLAMP_A_SYNACK, V_ONOFF, 0 },
	{ "dev", MSSCLAMP_A_DEVS, V_DEVS, 0 },
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
	switch (s->kind) {
	case V_NUMBER:
		if (s->attr == MSSCLAMP_A_MTU) {
			snprintf(buf, size, "a number from %u to %u",
				 family == MSSCLAMP_FAMILY_IPV4 ?
				 MSSCLAMP_IPV4_MTU_MIN : MSSCLAMP_IPV6_MTU_MIN,
				 MSSCLAMP_MTU_MAX);
			return buf;
		}
		return "a number of bytes";
	case V_ONOFF:
		return "on or off";
	case V_HOOK:
		return "forward or postrouting";
	case V_DEVS:
		return "interface names separated by commas, or any";
	case V_NONE:
		break;
	}
	return "nothing";
}

/* Does @name, @len bytes long, look like an interface name? */
static int check_dev(const char *name, size_t len, const char *list,
		     const char *what)
{
	size_t i;

	if (!len)
		return usage_error("%s: 'dev %s' has an empty name (expected IF[,IF...] or any)",
				   what, list);
	if (len >= IFNAMSIZ)
		return usage_error("%s: interface name '%.*s' is too long (at most %d characters)",
				   what, (int)len, name, IFNAMSIZ - 1);
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return usage_error("%s: '%.*s' is not an interface name",
				   what, (int)len, name);
	if (len == 3 && !strncmp(name, "any", 3))
		return usage_error("%s: 'dev %s': 'any' cannot be combined with interface names",
				   what, list);
	for (i = 0; i < len; i++) {
		unsigned char ch = name[i];

		if (ch == '/' || ch == ':')
			return usage_error("%s: interface name '%.*s' contains '%c' (names cannot contain '/', ':' or whitespace)",
					   what, (int)len, name, ch);
		if (ch == ' ' || (ch >= '\t' && ch <= '\r'))
			return usage_error("%s: interface name '%.*s' contains whitespace (names cannot contain '/', ':' or whitespace)",
					   what, (int)len, name);
	}
	return 0;
}

bool dev_name_plain(const char *name)
{
	size_t len = strlen(name), i;

	if (!len || len >= IFNAMSIZ || !strcmp(name, ".") ||
	    !strcmp(name, "..") || !strcmp(name, "any") || name[0] == '#')
		return false;
	for (i = 0; i < len; i++) {
		unsigned char ch = name[i];

		if (ch == '/' || ch == ':' || ch == ',' || ch == ' ' ||
		    (ch >= '\t' && ch <= '\r'))
			return false;
	}
	return true;
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
		if (n == MSSCLAMP_MAX_DEVS) {
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
	uint32_t *val = &chg->value[s->attr];
	char buf[64];

	switch (s->kind) {
	case V_NONE:
		*val = s->value;
		return 0;
	case V_NUMBER:
		if (parse_u32(arg, val))
			return 0;
		break;
	case V_ONOFF:
		if (!strcmp(arg, "on") || !strcmp(arg, "off")) {
			*val = !strcmp(arg, "on");
			return 0;
		}
		break;
	case V_HOOK:
		for (*val = 0; *val < N_HOOKS; (*val)++)
			if (!strcmp(arg, hook_names[*val]))
				return 0;
		break;
	case V_DEVS:
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
		if (chg->given[s->attr] == s)
			return usage_error("%s: '%s' given twice", what,
					   s->word);
		if (chg->given[s->attr])
			return usage_error("%s: both '%s' and '%s' given (choose one)",
					   what, chg->given[s->attr]->word,
					   s->word);
		if (s->kind != V_NONE && n + 1 >= argc)
			return usage_error("%s: '%s' needs %s", what, s->word,
					   expected(s, chg->family, buf,
						    sizeof(buf)));
		ret = parse_value(s, s->kind == V_NONE ? NULL : argv[++n], chg,
				  what);
		if (ret)
			return ret;
		chg->given[s->attr] = s;
		any = true;
	}
	if (!any)
		return usage_error("%s: nothing to change for %s (expected enable, disable, mtu N, overhead N, pmtu on|off, hook forward|postrouting, syn on|off, synack on|off or dev IF[,IF...]|any)",
				   what, argv[1]);
	return 0;
}

void change_fold(struct config *cfg, const struct change *chg)
{
	unsigned int i;

	for (i = 0; i <= MSSCLAMP_A_MAX; i++) {
		uint32_t v = chg->value[i];

		if (!chg->given[i])
			continue;
		switch (i) {
		case MSSCLAMP_A_ENABLED:
			cfg->enabled = v;
			break;
		case MSSCLAMP_A_MTU:
			cfg->mtu = v;
			break;
		case MSSCLAMP_A_OVERHEAD:
			cfg->overhead = v;
			break;
		case MSSCLAMP_A_PMTU:
			cfg->pmtu = v;
			break;
		case MSSCLAMP_A_HOOK:
			cfg->hook = v;
			break;
		case MSSCLAMP_A_SYN:
			cfg->syn = v;
			break;
		case MSSCLAMP_A_SYNACK:
			cfg->synack = v;
			break;
		case MSSCLAMP_A_DEVS:
			cfg->ndevs = chg->ndevs;
			memcpy(cfg->devs, chg->devs, sizeof(cfg->devs));
			break;
		}
	}
}

/*
 * The module's rules (mssclamp_cfg_check() in kmod/main.c), with the same
 * limits from uapi/mssclamp.h and the same words, plus the numbers at hand.
 */
int config_check(uint8_t family, struct config *cfg, char *buf, size_t size)
{
	bool v6 = family == MSSCLAMP_FAMILY_IPV6;
	uint32_t mtu_min = v6 ? MSSCLAMP_IPV6_MTU_MIN : MSSCLAMP_IPV4_MTU_MIN;
	uint32_t floor = v6 ? MSSCLAMP_IPV6_MSS_FLOOR : MSSCLAMP_IPV4_MSS_FLOOR;
	uint32_t hdrs = (v6 ? 40 : 20) + 20;	/* IP header, TCP header */
	const char *name = v6 ? "IPv6" : "IPv4";

	if (cfg->mtu < mtu_min || cfg->mtu > MSSCLAMP_MTU_MAX) {
		snprintf(buf, size, "mtu %u out of range: %s accepts %u to %u",
			 cfg->mtu, name, mtu_min, MSSCLAMP_MTU_MAX);
		return -1;
	}
	if (cfg->overhead > cfg->mtu - hdrs - floor) {
		snprintf(buf, size,
			 "overhead %u too large for mtu %u: mtu - %u - overhead must be at least the %s MSS floor %u (overhead %u at most)",
			 cfg->overhead, cfg->mtu, hdrs, name, floor,
			 cfg->mtu - hdrs - floor);
		return -1;
	}
	cfg->mss = cfg->mtu - hdrs - cfg->overhead;
	return 0;
}

bool config_same(const struct config *a, const struct config *b)
{
	unsigned int i;

	if (a->enabled != b->enabled || a->mtu != b->mtu ||
	    a->overhead != b->overhead || a->pmtu != b->pmtu ||
	    a->hook != b->hook || a->syn != b->syn ||
	    a->synack != b->synack || a->ndevs != b->ndevs)
		return false;
	for (i = 0; i < a->ndevs; i++)
		if (strcmp(a->devs[i], b->devs[i]))
			return false;
	return true;
}

/* The attributes of @chg into a SET_CONFIG request. */
static void put_change(struct nlmsghdr *nlh, const struct change *chg)
{
	struct nlattr *nest;
	unsigned int i, d;

	mnl_attr_put_u8(nlh, MSSCLAMP_A_FAMILY, chg->family);
	for (i = 0; i <= MSSCLAMP_A_MAX; i++) {
		const struct setting *s = chg->given[i];

		if (!s)
			continue;
		switch (s->kind) {
		case V_NONE:
		case V_ONOFF:
		case V_HOOK:
			mnl_attr_put_u8(nlh, s->attr, chg->value[i]);
			break;
		case V_NUMBER:
			mnl_attr_put_u32(nlh, s->attr, chg->value[i]);
			break;
		case V_DEVS:
			/* An empty nest means any device. */
			nest = mnl_attr_nest_start(nlh, MSSCLAMP_A_DEVS);
			for (d = 0; d < chg->ndevs; d++)
				mnl_attr_put_strz(nlh, MSSCLAMP_DEV_A_NAME,
						  chg->devs[d]);
			mnl_attr_nest_end(nlh, nest);
			break;
		}
	}
}

/* The setting that takes @attr (for enable/disable: either). */
static const struct setting *setting_of(uint16_t attr)
{
	size_t i;

	for (i = 0; i < N_SETTINGS; i++)
		if (settings[i].attr == attr)
			return &settings[i];
	return NULL;
}

int config_send(struct nl *nl, uint8_t family, const struct config *cfg)
{
	static const uint16_t attrs[] = {
		MSSCLAMP_A_ENABLED, MSSCLAMP_A_MTU, MSSCLAMP_A_OVERHEAD,
		MSSCLAMP_A_PMTU, MSSCLAMP_A_HOOK, MSSCLAMP_A_SYN,
		MSSCLAMP_A_SYNACK, MSSCLAMP_A_DEVS,
	};
	const uint32_t values[] = {
		cfg->enabled, cfg->mtu, cfg->overhead, cfg->pmtu, cfg->hook,
		cfg->syn, cfg->synack, 0,
	};
	struct change chg = { .family = family, .ndevs = cfg->ndevs };
	struct nlmsghdr *nlh;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(attrs); i++) {
		chg.given[attrs[i]] = setting_of(attrs[i]);
		chg.value[attrs[i]] = values[i];
	}
	memcpy(chg.devs, cfg->devs, sizeof(chg.devs));
	nlh = nl_request(nl, MSSCLAMP_CMD_SET_CONFIG, 0);
	put_change(nlh, &chg);
	return nl_talk(nl, nlh, NULL, NULL) < 0 ? -1 : 0;
}

int set_main(int argc, char *argv[])
{
	struct change chg = { 0 };
	struct nlmsghdr *nlh;
	struct nl *nl;
	int ret;

	ret = change_parse(argc, argv, &chg, "set");
	if (ret)
		return ret;

	nl = nl_open("set");
	if (!nl)
		return EXIT_RUNTIME;
	nlh = nl_request(nl, MSSCLAMP_CMD_SET_CONFIG, 0);
	put_change(nlh, &chg);
	ret = nl_talk(nl, nlh, NULL, NULL);
	nl_close(nl);
	return ret < 0 ? EXIT_RUNTIME : EXIT_SUCCESS;
}
