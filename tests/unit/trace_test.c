// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl trace without a kernel (userspace/trace.h): its command line,
 * the event filter it builds, the kernel's text of IPv6 addresses that the
 * filter compares with, the trace_pipe lines of mssclamp:mssclamp_syn (as
 * the module's TP_printk prints them) and the text and JSON lines made of
 * them. One "ok - unit: trace: ..." / "not ok - ..." line per case on
 * stdout and in the file named by argv[1].
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "output.h"
#include "tap.h"
#include "trace.h"

#define result tap_resultf

static void check_str(const char *name, const char *want, const char *got)
{
	if (!strcmp(want, got)) {
		result(1, "%s", name);
		return;
	}
	result(0, "%s", name);
	printf("#   want: %s\n#   got:  %s\n", want, got);
}

/* What a function printed on stdout (and stderr), captured in a file. */
static char captured[4096];
static int saved_out = -1, saved_err = -1;
static FILE *cap;

static void capture_start(void)
{
	fflush(stdout);
	fflush(stderr);
	cap = tmpfile();
	if (!cap)
		abort();
	saved_out = dup(1);
	saved_err = dup(2);
	dup2(fileno(cap), 1);
	dup2(fileno(cap), 2);
}

static const char *capture_end(void)
{
	size_t n;

	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	rewind(cap);
	n = fread(captured, 1, sizeof(captured) - 1, cap);
	captured[n] = '\0';
	fclose(cap);
	return captured;
}

/* ------------------------------------------------------------------ */

static int parse(const char *line, struct trace_args *a)
{
	char buf[256], *argv[16], *tok, *save = NULL;
	int argc = 0, ret;

	snprintf(buf, sizeof(buf), "%s", line);
	for (tok = strtok_r(buf, " ", &save); tok && argc < 15;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	capture_start();
	ret = trace_args_parse(argc, argv, a);
	capture_end();
	return ret;
}

static void test_args(void)
{
	static const struct {
		const char *line;
		const char *filter;	/* NULL: refused with exit 2 */
		const char *error;	/* its message, for a refusal */
	} cases[] = {
		{ "trace", "", NULL },
		{ "trace ipv4", "family == 2", NULL },
		{ "trace ipv6", "family == 10", NULL },
		{ "trace host 2001:db8:7::5",
		  "family == 10 && (src == \"2001:db8:7::5\" || dst == \"2001:db8:7::5\")",
		  NULL },
		/* The kernel's text, whatever the form typed. */
		{ "trace host 2001:DB8:7:0:0:0:0:05",
		  "family == 10 && (src == \"2001:db8:7::5\" || dst == \"2001:db8:7::5\")",
		  NULL },
		{ "trace host 192.0.2.2 port 443",
		  "family == 2 && (src == \"192.0.2.2\" || dst == \"192.0.2.2\") && (sport == 443 || dport == 443)",
		  NULL },
		{ "trace port 80 ipv6 host 2001:db8::1",
		  "family == 10 && (src == \"2001:db8::1\" || dst == \"2001:db8::1\") && (sport == 80 || dport == 80)",
		  NULL },
		{ "trace port 65535", "(sport == 65535 || dport == 65535)", NULL },
		{ "trace ipv4 ipv6", NULL,
		  "mssclampctl: trace: more than one family ('ipv6')\n" },
		{ "trace ipv4 host 2001:db8::1", NULL,
		  "mssclampctl: trace: host 2001:db8::1 is not an IPv4 address\n" },
		{ "trace ipv6 host 192.0.2.1", NULL,
		  "mssclampctl: trace: host 192.0.2.1 is not an IPv6 address\n" },
		{ "trace host", NULL,
		  "mssclampctl: trace: host needs an IPv4 or IPv6 address\n" },
		{ "trace host example.org", NULL,
		  "mssclampctl: trace: host 'example.org' is not an IPv4 or IPv6 address (no names, no prefixes)\n" },
		{ "trace host 2001:db8::/64", NULL,
		  "mssclampctl: trace: host '2001:db8::/64' is not an IPv4 or IPv6 address (no names, no prefixes)\n" },
		{ "trace host 192.0.2.1 host 192.0.2.2", NULL,
		  "mssclampctl: trace: host given twice\n" },
		{ "trace port", NULL,
		  "mssclampctl: trace: port needs a number from 1 to 65535\n" },
		{ "trace port 0", NULL,
		  "mssclampctl: trace: port '0' is not a number from 1 to 65535\n" },
		{ "trace port 65536", NULL,
		  "mssclampctl: trace: port '65536' is not a number from 1 to 65535\n" },
		{ "trace port -1", NULL,
		  "mssclampctl: trace: port '-1' is not a number from 1 to 65535\n" },
		{ "trace port 80x", NULL,
		  "mssclampctl: trace: port '80x' is not a number from 1 to 65535\n" },
		{ "trace port 1 port 2", NULL,
		  "mssclampctl: trace: port given twice\n" },
		{ "trace syn", NULL,
		  "mssclampctl: trace: unexpected argument 'syn' (expected ipv4, ipv6, host ADDR or port N)\n" },
	};
	char filter[512], name[300];
	struct trace_args a;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[256], *argv[16], *tok, *save = NULL;
		const char *err;
		int argc = 0, ret;

		snprintf(buf, sizeof(buf), "%s", cases[i].line);
		for (tok = strtok_r(buf, " ", &save); tok && argc < 15;
		     tok = strtok_r(NULL, " ", &save))
			argv[argc++] = tok;
		argv[argc] = NULL;
		capture_start();
		ret = trace_args_parse(argc, argv, &a);
		err = capture_end();
		if (cases[i].filter) {
			snprintf(name, sizeof(name), "'%s' is accepted",
				 cases[i].line);
			result(ret == 0 && !*err, "%s", name);
			trace_filter(&a, 0, filter, sizeof(filter));
			snprintf(name, sizeof(name), "'%s': filter", cases[i].line);
			check_str(name, cases[i].filter, filter);
		} else {
			snprintf(name, sizeof(name), "'%s' is refused with exit 2",
				 cases[i].line);
			result(ret < 0 && exit_status(ret) == 2, "%s", name);
			snprintf(name, sizeof(name), "'%s': the message",
				 cases[i].line);
			check_str(name, cases[i].error, err);
		}
	}
	/* -n NETNS: the namespace's inode first. */
	parse("trace ipv6 port 443", &a);
	trace_filter(&a, 4026532281UL, filter, sizeof(filter));
	check_str("-n: the namespace's inode in the filter",
		  "netns == 4026532281 && family == 10 && (sport == 443 || dport == 443)",
		  filter);
	parse("trace", &a);
	trace_filter(&a, 4026532281UL, filter, sizeof(filter));
	check_str("-n alone", "netns == 4026532281", filter);
	result(trace_filter(&a, 4026532281UL, filter, 10) == -1,
	       "a filter that does not fit is an error");
}

/* The kernel's %pI6c (ip6_compressed_string()), as the events hold it. */
static void test_addr_text(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "2001:db8:7::5", "2001:db8:7::5" },
		{ "::", "::" },
		{ "::1", "::1" },
		{ "1::", "1::" },
		/* A single zero word is not compressed (inet_ntop agrees). */
		{ "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1" },
		/* The longest run; of equal runs the first. */
		{ "2001:0:0:1:0:0:0:1", "2001:0:0:1::1" },
		{ "1:0:0:2:0:0:3:4", "1::2:0:0:3:4" },
		{ "fe80::abcd:ef01:2345:6789", "fe80::abcd:ef01:2345:6789" },
		/* IPv4-mapped and ISATAP end in dotted quad. */
		{ "::ffff:192.0.2.1", "::ffff:192.0.2.1" },
		{ "fe80::5efe:c000:201", "fe80::5efe:192.0.2.1" },
		{ "fe80::200:5efe:c000:201", "fe80::200:5efe:192.0.2.1" },
		/* IPv4-compatible (deprecated) does not: the kernel's hex. */
		{ "::c000:201", "::c000:201" },
	};
	unsigned char addr[16];
	char text[TRACE_ADDRLEN], name[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (inet_pton(AF_INET6, cases[i].in, addr) != 1)
			abort();
		trace_addr_text(AF_INET6, addr, text);
		snprintf(name, sizeof(name), "%s in the kernel's text",
			 cases[i].in);
		check_str(name, cases[i].want, text);
	}
	inet_pton(AF_INET, "198.51.100.2", addr);
	trace_addr_text(AF_INET, addr, text);
	check_str("IPv4 in the kernel's text", "198.51.100.2", text);
}

/*
 * trace_pipe lines as the kernel prints them (the module's TP_printk after
 * trace_pipe's "TASK-PID [CPU] FLAGS TIMESTAMP: EVENT: " prefix), the text
 * and JSON lines made of them, with and without interface names.
 */
static void test_lines(void)
{
	static const struct {
		const char *line;
		const char *in, *out;
		const char *text, *json;
	} cases[] = {
		{ "          <idle>-0       [001] ..s2.   123.456789: mssclamp_syn: netns=4026532281 family=ipv6 direction=syn src=2001:db8:7::5 sport=40000 dst=2001:db8:2::2 dport=443 iif=2 oif=3 mss=8940 ceiling=1396 outcome=clamped mss_out=1396",
		  "eth-c", "eth-s",
		  "netns 4026532281 ipv6 syn 2001:db8:7::5.40000 > 2001:db8:2::2.443 in eth-c out eth-s mss 8940 ceiling 1396 clamped mss-out 1396\n",
		  "{\"netns\": 4026532281, \"family\": \"ipv6\", \"direction\": \"syn\", \"src\": \"2001:db8:7::5\", \"sport\": 40000, \"dst\": \"2001:db8:2::2\", \"dport\": 443, \"iif\": 2, \"iifname\": \"eth-c\", \"oif\": 3, \"oifname\": \"eth-s\", \"mss\": 8940, \"ceiling\": 1396, \"outcome\": \"clamped\", \"mss_out\": 1396}\n" },
		{ " python3-1234 [000] b..1. 99.5: mssclamp_syn: netns=4026531840 family=ipv4 direction=synack src=198.51.100.2 sport=80 dst=192.0.2.2 dport=20001 iif=3 oif=2 mss=1200 ceiling=1460 outcome=unchanged mss_out=1200",
		  NULL, NULL,
		  "netns 4026531840 ipv4 synack 198.51.100.2.80 > 192.0.2.2.20001 in #3 out #2 mss 1200 ceiling 1460 unchanged mss-out 1200\n",
		  "{\"netns\": 4026531840, \"family\": \"ipv4\", \"direction\": \"synack\", \"src\": \"198.51.100.2\", \"sport\": 80, \"dst\": \"192.0.2.2\", \"dport\": 20001, \"iif\": 3, \"oif\": 2, \"mss\": 1200, \"ceiling\": 1460, \"outcome\": \"unchanged\", \"mss_out\": 1200}\n" },
		/* The router's own SYN: no input device; no MSS. */
		{ "x-1 [000] ..... 1.0: mssclamp_syn: netns=1 family=ipv4 direction=syn src=192.0.2.1 sport=5 dst=198.51.100.2 dport=6 iif=0 oif=7 mss=0 ceiling=536 outcome=no_mss mss_out=0",
		  NULL, "wan0",
		  "netns 1 ipv4 syn 192.0.2.1.5 > 198.51.100.2.6 in - out wan0 mss - ceiling 536 no_mss mss-out -\n",
		  "{\"netns\": 1, \"family\": \"ipv4\", \"direction\": \"syn\", \"src\": \"192.0.2.1\", \"sport\": 5, \"dst\": \"198.51.100.2\", \"dport\": 6, \"iif\": null, \"oif\": 7, \"oifname\": \"wan0\", \"mss\": null, \"ceiling\": 536, \"outcome\": \"no_mss\", \"mss_out\": null}\n" },
	};
	struct trace_event ev;
	unsigned long lost = 0;
	char name[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ret = trace_line_parse(cases[i].line, &ev, &lost);

		result(ret == 1, "line %zu is an event", i + 1);
		if (ret != 1)
			continue;
		out_init(false);
		capture_start();
		trace_event_print(&ev, cases[i].in, cases[i].out);
		snprintf(name, sizeof(name), "line %zu: text", i + 1);
		check_str(name, cases[i].text, capture_end());
		out_init(true);
		capture_start();
		trace_event_print(&ev, cases[i].in, cases[i].out);
		snprintf(name, sizeof(name), "line %zu: JSON", i + 1);
		check_str(name, cases[i].json, capture_end());
	}
	out_init(false);

	result(trace_line_parse("CPU:1 [LOST 23 EVENTS]", &ev, &lost) == 0 &&
	       lost == 23, "a LOST line counts the events lost");
	result(trace_line_parse("  bash-1 [000] ..... 1.0: sched_switch: prev=x",
				&ev, &lost) == 0,
	       "another event's line is not ours");
	/* Truncated, a value out of range, a key missing: unreadable. */
	result(trace_line_parse("a [0] . 1.0: mssclamp_syn: netns=1 family=ipv4",
				&ev, NULL) == -1, "a truncated event is unreadable");
	result(trace_line_parse("a [0] . 1.0: mssclamp_syn: netns=1 family=ipv4 direction=syn src=a sport=70000 dst=b dport=1 iif=0 oif=0 mss=0 ceiling=1 outcome=x mss_out=0",
				&ev, NULL) == -1, "a port above 65535 is unreadable");
	result(trace_line_parse("a [0] . 1.0: mssclamp_syn: netns=1 family=ipv4 direction=syn src=a sport=7 dst=b dport=1 iif=0 oif=0 mss=0 ceiling=1 outcome=x mss_out=0 later=5",
				&ev, NULL) == 1, "a key of a later module is left out");
}

int main(int argc, char **argv)
{
	tap_open(argc > 1 ? argv[1] : NULL, "unit: trace: ");
	test_args();
	test_addr_text();
	test_lines();
	return tap_end(NULL);
}
