// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl: configure mssclamp and read its counters.
 *
 *	mssclampctl [-j|--json] [-n NETNS] COMMAND [ARGS]
 *
 * main() takes the global options and hands the rest to one *_main() per
 * subcommand from the table below. A subcommand checks its whole command
 * line before it talks to the kernel, so a usage error (exit 2) never
 * changes anything.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "output.h"

static int help_main(int argc, char *argv[]);

static const struct subcommand {
	const char *name;
	int (*main)(int argc, char *argv[]);
	const char *args;
	const char *help;
} subcommands[] = {
	{ "show", show_main, "[ipv4|ipv6]",
	  "show the configuration (the default command)" },
	{ "set", set_main,
	  "ipv4|ipv6 [enable|disable] [mtu N] [overhead N] [pmtu on|off]\n"
	  "                [hook forward|postrouting] [syn on|off] [synack on|off]\n"
	  "                [dev IF[,IF...]|dev any]",
	  "change the configuration of one family" },
	{ "stats", stats_main, "[ipv4|ipv6]\n  stats reset [ipv4|ipv6]",
	  "show the counters, or zero them (both families if none is named)" },
	{ "save", save_main, "",
	  "print the configuration as lines that apply reads back" },
	{ "apply", apply_main, "FILE|-",
	  "set what FILE (- for standard input) says, if all of it is valid" },
	{ "version", version_main, "", "show the versions of tool and module" },
	{ "help", help_main, "", "show this help" },
};

#define N_SUBCOMMANDS ARRAY_SIZE(subcommands)

const uint8_t families[FAMILY_COUNT] = {
	MSSCLAMP_FAMILY_IPV4,
	MSSCLAMP_FAMILY_IPV6,
};

static void vmessage(const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs(PROG_NAME ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

int runtime_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	return EXIT_RUNTIME;
}

uint8_t family_parse(const char *word)
{
	if (!strcmp(word, "ipv4"))
		return MSSCLAMP_FAMILY_IPV4;
	if (!strcmp(word, "ipv6"))
		return MSSCLAMP_FAMILY_IPV6;
	return 0;
}

int family_arg(int argc, char *argv[], const char *what,
	       const char *accepted, uint8_t *family)
{
	*family = 0;
	if (argc > 2)
		return usage_error("%s: unexpected argument '%s' (expected one family at most: ipv4 or ipv6)",
				   what, argv[2]);
	if (argc < 2)
		return 0;
	*family = family_parse(argv[1]);
	if (!*family)
		return usage_error("%s: unknown family '%s' (expected %s)",
				   what, argv[1], accepted);
	return 0;
}

const char *family_name(uint8_t family)
{
	switch (family) {
	case MSSCLAMP_FAMILY_IPV4:
		return "ipv4";
	case MSSCLAMP_FAMILY_IPV6:
		return "ipv6";
	}
	return NULL;
}

int family_index(uint8_t family)
{
	switch (family) {
	case MSSCLAMP_FAMILY_IPV4:
		return 0;
	case MSSCLAMP_FAMILY_IPV6:
		return 1;
	}
	return -1;
}

int finish_output(void)
{
	if (fflush(stdout) == EOF || ferror(stdout))
		return runtime_error("cannot write the output: %s",
				     strerror(errno ? errno : EIO));
	return EXIT_SUCCESS;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: " PROG_NAME " [-j|--json] [-n NETNS] COMMAND\n\n");
	for (i = 0; i < N_SUBCOMMANDS; i++) {
		const struct subcommand *c = &subcommands[i];

		fprintf(f, "  %s%s%s\n", c->name, *c->args ? " " : "", c->args);
		fprintf(f, "      %s\n", c->help);
	}
	fprintf(f, "\nOptions:\n"
		"  -j, --json        print JSON\n"
		"  -n, --netns NETNS work in the network namespace NETNS"
		" (ip netns)\n"
		"  -h, --help        show this help\n\n"
		"Exit status: 0 done, 1 refused by the kernel or the system,"
		" 2 bad command line\nor file (nothing changed).\n");
}

static int help_main(int argc, char *argv[])
{
	if (argc > 1)
		return usage_error("help: unexpected argument '%s'", argv[1]);
	usage(stdout);
	return finish_output();
}

/* Read a short sysfs attribute; the first line, without its newline. */
static int read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f)
		return -1;
	ok = fgets(buf, size, f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int version_main(int argc, char *argv[])
{
	char module[64];

	if (argc > 1)
		return usage_error("version: unexpected argument '%s'",
				   argv[1]);
	/* Entered only to fail alike for a missing namespace. */
	if (netns_enter() < 0)
		return EXIT_RUNTIME;

	out_start();
	out_string(OUT_ANY, "mssclampctl", "mssclampctl: %s\n",
		   MSSCLAMP_VERSION);
	if (read_line("/sys/module/mssclamp/version", module,
		      sizeof(module)) == 0)
		out_string(OUT_ANY, "module", "module: %s\n", module);
	else if (access("/sys/module/mssclamp", F_OK) == 0)
		out_string(OUT_ANY, "module", "module: %s\n", "unknown");
	else
		out_null(OUT_ANY, "module", "module: %s\n", "not loaded");
	out_end();
	return finish_output();
}

/* The names callers may type, for "unknown command" messages. */
static void list_commands(char *buf, size_t size)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < N_SUBCOMMANDS && len < size; i++) {
		const char *name = subcommands[i].name;

		len += snprintf(buf + len, size - len, "%s%s",
				len ? (i == N_SUBCOMMANDS - 1 ? " or " : ", ")
				    : "", name);
	}
}

int main(int argc, char *argv[])
{
	static char show[] = "show";
	char *show_argv[] = { show, NULL };
	bool json = false;
	char names[128];
	size_t i;
	int n;

	for (n = 1; n < argc && argv[n][0] == '-' && argv[n][1]; n++) {
		const char *opt = argv[n];

		if (!strcmp(opt, "--")) {
			n++;
			break;
		} else if (!strcmp(opt, "-j") || !strcmp(opt, "--json")) {
			json = true;
		} else if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
			usage(stdout);
			return finish_output();
		} else if (!strcmp(opt, "-n") || !strcmp(opt, "-netns") ||
			   !strcmp(opt, "--netns")) {
			if (n + 1 >= argc || !argv[n + 1][0])
				return usage_error("option '%s' needs the name of a network namespace (see ip netns list)",
						   opt);
			netns_select(argv[++n]);
		} else if (!strncmp(opt, "--netns=", 8) && opt[8]) {
			netns_select(opt + 8);
		} else if (!strncmp(opt, "-n", 2)) {
			netns_select(opt + 2);
		} else {
			return usage_error("unknown option '%s' (expected -j, --json, -n NETNS, --netns NETNS, -h or --help)",
					   opt);
		}
	}
	out_init(json);

	if (n == argc)
		return show_main(1, show_argv);

	for (i = 0; i < N_SUBCOMMANDS; i++)
		if (!strcmp(argv[n], subcommands[i].name))
			return subcommands[i].main(argc - n, argv + n);

	list_commands(names, sizeof(names));
	return usage_error("unknown command '%s' (expected %s)", argv[n],
			   names);
}
