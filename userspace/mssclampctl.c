// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl: configure mssclamp and read what it counts.
 *
 *	mssclampctl [-j|--json] [-n NETNS] COMMAND [ARGS]
 *
 * main() takes the global options and hands the rest to one *_main() per
 * subcommand from the table below (commands.h; one file each). A
 * subcommand checks its whole command line before it talks to the kernel,
 * so a usage error (exit 2) never changes anything.
 *
 * Only dispatching lives here: main() is this file's one external
 * function, so that nothing calls back into it.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "ctl.h"
#include "errors.h"
#include "netns.h"
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
	{ "stats", stats_main,
	  "[ipv4|ipv6]\n  stats reset [ipv4|ipv6]\n"
	  "  stats --prometheus [--output FILE] [ipv4|ipv6]",
	  "show the counters, or zero them (both families if none is named),\n"
	  "      or print them with the histograms for Prometheus" },
	{ "histogram", histogram_main, "[ipv4|ipv6] [syn|synack|ptb]",
	  "show the MSS advertised in SYNs and SYN-ACKs, and the MTU in\n"
	  "      Packet Too Big messages, against the ceiling" },
	{ "monitor", monitor_main, "",
	  "print configuration changes and counter resets as they happen" },
	{ "save", save_main, "",
	  "print the configuration as lines that apply reads back" },
	{ "apply", apply_main, "FILE|-",
	  "set what FILE (- for standard input) says, if all of it is valid" },
	{ "version", version_main, "", "show the versions of tool and module" },
	{ "doctor", doctor_main, "",
	  "find what makes the clamp ineffective here (changes nothing)" },
	{ "trace", trace_main, "[ipv4|ipv6] [host ADDR] [port N]",
	  "print each SYN and SYN-ACK the clamp inspects, and what came of it" },
	{ "help", help_main, "", "show this help" },
};

#define N_SUBCOMMANDS ARRAY_SIZE(subcommands)

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

/* The options, then the subcommand: 0, or -errno once printed. */
static int run(int argc, char *argv[])
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

/* The one place a failure becomes an exit status (errors.h). */
int main(int argc, char *argv[])
{
	return exit_status(run(argc, argv));
}
