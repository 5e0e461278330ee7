// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl save / apply: the configuration as a file.
 *
 * The file holds one `set` per line, without the word: "ipv4 enable mtu
 * 1500". Lines whose first non-blank character is '#' are comments; blank
 * lines are allowed. `save` prints both families in full, so that `apply`
 * restores exactly what was saved.
 *
 * `apply` changes nothing unless the whole file is good:
 *   1. every line is parsed by the parser of `set` (change_parse);
 *   2. the configuration each line leaves behind, starting from the
 *      kernel's current one, is checked against the module's limits
 *      (limit_check), as the module would check each of those `set`s;
 *   3. only then, each family whose resulting configuration differs from
 *      the current one gets one SET_CONFIG carrying all of it. A family
 *      that would not change is not sent (applying a file twice sends
 *      nothing the second time). Should the kernel still refuse the second
 *      family, the first is put back as it was.
 * Errors name the line: "mssclampctl: apply: line 3: ...".
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "commands.h"
#include "config.h"
#include "ctl.h"
#include "errors.h"
#include "family.h"
#include "limit.h"
#include "nl.h"
#include "output.h"
#include "query.h"

/* Most words on one line: family + 9 settings with values, and some. */
#define MAX_WORDS	32

/* ------------------------------------------------------------------ */
/* save                                                                 */

/*
 * Can @name, an interface name the kernel reported, be written in a `dev`
 * list that change_parse() reads back as that one name?
 */
static bool dev_name_plain(const char *name)
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

int save_main(int argc, char *argv[])
{
	struct config configs[FAMILY_COUNT];
	unsigned int i, d;
	struct nl *nl;
	int ret;

	if (argc > 1)
		return usage_error("save: unexpected argument '%s' (save takes none; redirect its output to a file)",
				   argv[1]);
	if (out_json())
		return usage_error("save: the file has no JSON form (for JSON, use -j show)");

	nl = nl_open("save");
	if (!nl)
		return -EIO;
	ret = query_get(nl, &query_config, "save", 0, configs);
	nl_close(nl);
	if (ret)
		return ret;

	/* A name apply would read differently cannot be saved. */
	for (i = 0; i < FAMILY_COUNT; i++)
		for (d = 0; d < configs[i].ndevs; d++)
			if (!dev_name_plain(configs[i].devs[d]))
				return runtime_error("save: %s: interface name '%s' cannot be written so that apply reads it back",
						     family_name(families[i]),
						     configs[i].devs[d]);

	printf("# mssclamp configuration, written by mssclampctl save (%s).\n"
	       "# One line per family: the arguments of \"mssclampctl set\".\n"
	       "# Read back with: mssclampctl apply FILE\n", MSSCLAMP_VERSION);
	for (i = 0; i < FAMILY_COUNT; i++)
		config_save(stdout, family_name(families[i]), &configs[i]);
	return finish_output();
}

/* ------------------------------------------------------------------ */
/* apply                                                                */

struct line {
	unsigned int lineno;
	struct change chg;
};

struct parsed {
	struct line *lines;
	size_t n, size;
};

/* Split @buf in place at blanks into @words; returns their number or -1. */
static int split_words(char *buf, char *words[], int max)
{
	int n = 0;
	char *p = buf;

	for (;;) {
		p += strspn(p, " \t\r\v\f\n");
		if (!*p)
			return n;
		if (n == max)
			return -1;
		words[n++] = p;
		p += strcspn(p, " \t\r\v\f\n");
		if (*p)
			*p++ = '\0';
	}
}

/* Parse one line into @out->lines; 0, or -errno once printed. */
static int parse_line(char *buf, size_t len, unsigned int lineno,
		      struct parsed *out)
{
	static char apply[] = "apply";
	char *argv[MAX_WORDS + 1];
	struct line *l;
	char what[48];
	int argc, i, ret;

	snprintf(what, sizeof(what), "apply: line %u", lineno);
	if (buf[strspn(buf, " \t\r\v\f")] == '#')
		return 0;		/* a comment, whatever follows */
	if (strlen(buf) != len)
		return usage_error("%s: contains a NUL byte", what);

	argv[0] = apply;
	argc = split_words(buf, argv + 1, MAX_WORDS);
	if (argc < 0)
		return usage_error("%s: more than %d words", what, MAX_WORDS);
	if (argc == 0)
		return 0;
	argc++;
	for (i = 2; i < argc; i++)
		if (argv[i][0] == '#')
			return usage_error("%s: '%s': a comment must have a line of its own",
					   what, argv[i]);
	if (!strcmp(argv[1], "set"))
		return usage_error("%s: starts with 'set' (a line holds what follows \"mssclampctl set\": ipv4|ipv6 SETTING...)",
				   what);

	if (out->n == out->size) {
		size_t size = out->size ? 2 * out->size : 8;
		struct line *lines = realloc(out->lines,
					     size * sizeof(*lines));

		if (!lines)
			return runtime_error("apply: %s", strerror(errno));
		out->lines = lines;
		out->size = size;
	}
	l = &out->lines[out->n];
	memset(l, 0, sizeof(*l));
	l->lineno = lineno;
	ret = change_parse(argc, argv, &l->chg, what);
	if (ret)
		return ret;
	out->n++;
	return 0;
}

/* Read and parse the whole file; 0, or -errno once printed. */
static int read_file(const char *path, struct parsed *out)
{
	char name[256];
	unsigned int lineno = 0;
	size_t cap = 0;
	char *buf = NULL;
	ssize_t len;
	FILE *f;
	int ret = 0;

	if (strcmp(path, "-"))
		snprintf(name, sizeof(name), "'%s'", path);
	else
		snprintf(name, sizeof(name), "standard input");
	f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f)
		return runtime_error("apply: cannot open '%s': %s", path,
				     strerror(errno));
	errno = 0;
	while ((len = getline(&buf, &cap, f)) >= 0) {
		lineno++;
		if (len && buf[len - 1] == '\n')
			buf[--len] = '\0';
		ret = parse_line(buf, len, lineno, out);
		if (ret)
			break;
		errno = 0;
	}
	if (!ret && ferror(f))
		ret = runtime_error("apply: cannot read %s: %s", name,
				    strerror(errno ? errno : EIO));
	free(buf);
	if (f != stdin)
		fclose(f);
	return ret;
}

/* Send the whole of @cfg as @family's configuration; 0 or -errno (printed). */
static int config_send(struct nl *nl, uint8_t family, const struct config *cfg)
{
	struct change chg;

	change_of_config(&chg, family, cfg);
	return query_set(nl, &chg);
}

int apply_main(int argc, char *argv[])
{
	struct config now[FAMILY_COUNT], want[FAMILY_COUNT];
	struct parsed file = { 0 };
	bool sent[FAMILY_COUNT] = { false };
	char why[256];
	struct nl *nl = NULL;
	size_t i;
	int f, ret;

	if (argc < 2)
		return usage_error("apply: missing file (expected a file name, or - for standard input)");
	if (argc > 2)
		return usage_error("apply: unexpected argument '%s' (expected one file)",
				   argv[2]);

	/* 1. The form of every line. */
	ret = read_file(argv[1], &file);
	if (ret)
		goto out;

	/* 2. What each line leaves behind, from what the kernel has now. */
	nl = nl_open("apply");
	if (!nl) {
		ret = -EIO;
		goto out;
	}
	ret = query_get(nl, &query_config, "apply", 0, now);
	if (ret)
		goto out;
	memcpy(want, now, sizeof(want));
	for (i = 0; i < file.n; i++) {
		const struct line *l = &file.lines[i];

		f = family_index(l->chg.family);
		change_fold(&want[f], &l->chg);
		if (limit_check(l->chg.family, &want[f], why, sizeof(why))) {
			ret = usage_error("apply: line %u: %s", l->lineno, why);
			goto out;
		}
	}

	/* 3. Send what changes, and only that. */
	for (f = 0; f < FAMILY_COUNT; f++) {
		if (config_same(&now[f], &want[f]))
			continue;
		ret = config_send(nl, families[f], &want[f]);
		if (ret == 0) {
			sent[f] = true;
			continue;
		}
		for (f--; f >= 0; f--) {
			if (!sent[f])
				continue;
			if (config_send(nl, families[f], &now[f]) == 0)
				note("apply: %s put back as it was; nothing was changed",
				     family_name(families[f]));
			else
				note("apply: %s could not be put back: it has the file's configuration",
				     family_name(families[f]));
		}
		break;
	}
out:
	nl_close(nl);
	free(file.lines);
	return ret;
}
