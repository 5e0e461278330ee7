/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclampctl trace: the pieces of the subcommand that do not need the
 * kernel (its command line, the event filter, a trace_pipe line and how it
 * is printed), apart so that the unit tests can call them.
 */
#ifndef MSSCLAMPCTL_TRACE_H
#define MSSCLAMPCTL_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#define TRACE_ADDRLEN	48	/* the kernel's INET6_ADDRSTRLEN */

struct trace_args {
	int family;		/* 0 (both), AF_INET or AF_INET6 */
	int host_family;	/* 0 without host */
	char host[TRACE_ADDRLEN];	/* as the event's src and dst print it */
	int port;		/* -1 without port */
};

/* argv[0] is "trace"; 0, or EXIT_USAGE once the error is printed. */
int trace_args_parse(int argc, char *argv[], struct trace_args *a);

/*
 * The event filter (tracefs "filter" syntax) for @a and, when @netns is
 * not 0, that namespace's inode number; "" for none. 0, or -1 if it does
 * not fit in @size.
 */
int trace_filter(const struct trace_args *a, unsigned long netns, char *buf,
		 size_t size);

/*
 * An IPv4 or IPv6 address (network order) in the kernel's text for it:
 * %pI4 and %pI6c (ip6_compressed_string()), which the event's src and dst
 * hold.
 */
void trace_addr_text(int family, const void *addr, char *buf);

struct trace_event {
	unsigned long netns;
	char family[8];		/* ipv4, ipv6 */
	char direction[8];	/* syn, synack */
	char src[TRACE_ADDRLEN];
	char dst[TRACE_ADDRLEN];
	unsigned int sport, dport;
	int iif, oif;		/* 0: none */
	unsigned int mss, ceiling, mss_out;	/* mss, mss_out 0: none */
	char outcome[16];	/* clamped, unchanged, no_mss, malformed, error */
};

/*
 * One line of trace_pipe: 1 and @ev filled for an mssclamp_syn event,
 * 0 for another line, -1 for an mssclamp_syn event that cannot be read.
 * With @lost, a "[LOST N EVENTS]" line gives 0 and adds N to it.
 */
int trace_line_parse(const char *line, struct trace_event *ev,
		     unsigned long *lost);

/*
 * Print one event: one line of text, or one JSON object with -j.
 * @iifname and @oifname name the interfaces, NULL when unknown.
 */
void trace_event_print(const struct trace_event *ev, const char *iifname,
		       const char *oifname);

#endif /* MSSCLAMPCTL_TRACE_H */
