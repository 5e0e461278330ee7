// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl: legacy iptables, read through iptables-legacy-save (see
 * legacy.h). The tool's output is the interface here: one table per
 * "*name" line, one rule per "-A CHAIN ..." line, options as iptables-save
 * prints them (protocols by name, ICMP types as numbers "3/4").
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "legacy.h"

#define MAX_WORDS	64

static const struct {
	const char *names;	/* /proc/net/... */
	const char *tool;
} sources[2] = {
	{ "/proc/net/ip_tables_names", "iptables-legacy-save" },
	{ "/proc/net/ip6_tables_names", "ip6tables-legacy-save" },
};

/* Split @line (modified) into words; returns their number. */
static int words(char *line, char *w[MAX_WORDS])
{
	char *save = NULL, *t;
	int n = 0;

	for (t = strtok_r(line, " \t\n", &save); t && n < MAX_WORDS;
	     t = strtok_r(NULL, " \t\n", &save))
		w[n++] = t;
	return n;
}

/* The value after option @opt, and whether a "!" came before it. */
static const char *option(char *w[], int n, const char *opt, int *neg)
{
	int i;

	for (i = 0; i + 1 < n; i++) {
		if (strcmp(w[i], opt))
			continue;
		*neg = i > 0 && !strcmp(w[i - 1], "!");
		return w[i + 1];
	}
	return NULL;
}

static int is_icmp_proto(const char *p, int v4)
{
	if (v4)
		return !strcmp(p, "icmp") || !strcmp(p, "1");
	return !strcmp(p, "ipv6-icmp") || !strcmp(p, "icmpv6") ||
	       !strcmp(p, "icmp6") || !strcmp(p, "58");
}

/* Does the ICMP type spec @t ("3/4", "3", a name) include the candidate? */
static int type_includes(const char *t, int v4)
{
	unsigned int type, code;
	int n;

	if (v4) {
		if (!strcmp(t, "any") || !strcmp(t, "fragmentation-needed") ||
		    !strcmp(t, "destination-unreachable"))
			return 1;
	} else if (!strcmp(t, "packet-too-big")) {
		return 1;
	}
	n = sscanf(t, "%u/%u", &type, &code);
	if (n < 1)
		return 0;
	if (v4)
		return type == 255 || (type == 3 && (n < 2 || code == 4));
	return type == 2 && (n < 2 || code == 0);
}

int legacy_line_drops(const char *line, int v4)
{
	char copy[1024], *w[MAX_WORDS];
	const char *proto, *type, *jump;
	int n, neg_p = 0, neg_t = 0, neg_j = 0;

	snprintf(copy, sizeof(copy), "%s", line);
	n = words(copy, w);
	jump = option(w, n, "-j", &neg_j);
	if (!jump || (strcmp(jump, "DROP") && strcmp(jump, "REJECT")))
		return 0;
	proto = option(w, n, "-p", &neg_p);
	if (!proto)
		return 0;		/* not about ICMP */
	if (neg_p)
		return !is_icmp_proto(proto, v4);
	if (!is_icmp_proto(proto, v4))
		return 0;
	type = option(w, n, v4 ? "--icmp-type" : "--icmpv6-type", &neg_t);
	if (!type)
		return 1;
	return type_includes(type, v4) != neg_t;
}

/* The first of PATH's directories, /usr/sbin and /sbin that has @tool. */
static int find_tool(const char *tool, char *path, size_t size)
{
	const char *env = getenv("PATH");
	char dirs[4096], *save = NULL, *d;

	snprintf(dirs, sizeof(dirs), "%s:/usr/sbin:/sbin", env ? env : "");
	for (d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		if (!*d)
			continue;
		snprintf(path, size, "%s/%s", d, tool);
		if (access(path, X_OK) == 0)
			return 0;
	}
	return -1;
}

static int add_rule(struct legacy_family *f, enum legacy_kind kind,
		    const char *table, const char *chain, const char *line)
{
	struct legacy_rule *r = realloc(f->rules,
					(f->nrules + 1) * sizeof(*f->rules));

	if (!r)
		return -1;
	f->rules = r;
	r += f->nrules++;
	r->kind = kind;
	snprintf(r->table, sizeof(r->table), "%s", table);
	snprintf(r->chain, sizeof(r->chain), "%s", chain);
	snprintf(r->line, sizeof(r->line), "%s", line);
	return 0;
}

/* The first word of @from into @to, cut to fit. */
static void copy_word(char *to, size_t size, const char *from)
{
	size_t len = strcspn(from, " ");

	if (len >= size)
		len = size - 1;
	memcpy(to, from, len);
	to[len] = '\0';
}

/* Run @path, keeping the lines that matter; 0, or -1 if it failed. */
static int run_tool(struct legacy_family *f, const char *path, int v4)
{
	char line[1024], table[32] = "", chain[32];
	int fds[2], status, devnull;
	pid_t pid;
	FILE *in;

	if (pipe(fds) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		devnull = open("/dev/null", O_RDWR);
		dup2(fds[1], STDOUT_FILENO);
		if (devnull >= 0) {
			dup2(devnull, STDIN_FILENO);
			dup2(devnull, STDERR_FILENO);
		}
		close(fds[0]);
		close(fds[1]);
		execl(path, path, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	in = fdopen(fds[0], "r");
	if (!in) {
		close(fds[0]);
		waitpid(pid, &status, 0);
		return -1;
	}
	while (fgets(line, sizeof(line), in)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '*') {
			copy_word(table, sizeof(table), line + 1);
			continue;
		}
		if (strncmp(line, "-A ", 3))
			continue;
		copy_word(chain, sizeof(chain), line + 3);
		if (strstr(line, " -j TCPMSS"))
			add_rule(f, LEGACY_TCPMSS, table, chain, line);
		else if (legacy_line_drops(line, v4))
			add_rule(f, LEGACY_ICMP_DROP, table, chain, line);
	}
	fclose(in);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return -1;
	return 0;
}

static void read_family(struct legacy_family *f, int i)
{
	char path[4096], name[64];
	size_t len = 0;
	FILE *names;

	f->tool = sources[i].tool;
	names = fopen(sources[i].names, "r");
	if (!names) {
		f->state = errno == ENOENT ? LEGACY_NONE : LEGACY_DENIED;
		return;
	}
	while (fgets(name, sizeof(name), names) && len < sizeof(f->tables)) {
		name[strcspn(name, "\n")] = '\0';
		if (*name)
			len += snprintf(f->tables + len, sizeof(f->tables) - len,
					"%s%s", len ? " " : "", name);
	}
	fclose(names);
	if (!len) {
		f->state = LEGACY_NONE;
		return;
	}
	if (find_tool(f->tool, path, sizeof(path)) < 0) {
		f->state = LEGACY_NO_TOOL;
		return;
	}
	f->state = run_tool(f, path, i == 0) < 0 ? LEGACY_FAILED : LEGACY_READ;
}

void legacy_read(struct legacy_view *v)
{
	memset(v, 0, sizeof(*v));
	fflush(stdout);		/* the child must not print our buffer again */
	read_family(&v->fam[0], 0);
	read_family(&v->fam[1], 1);
}

void legacy_free(struct legacy_view *v)
{
	free(v->fam[0].rules);
	free(v->fam[1].rules);
	memset(v, 0, sizeof(*v));
}
