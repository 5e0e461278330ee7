/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclampctl: the exchanges the subcommands have with the family, each
 * one request and its answer, and the one way show and stats are run.
 */
#ifndef MSSCLAMPCTL_QUERY_H
#define MSSCLAMPCTL_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "change.h"
#include "codec.h"
#include "nl.h"

/* A GET command that answers with one object per family. */
struct query;
extern const struct query query_config;	/* struct config[FAMILY_COUNT] */
extern const struct query query_stats;	/* struct stats[FAMILY_COUNT] */

/*
 * Ask for @family's object (0: both, in one dump) into @objs, indexed by
 * family_index(); @what names the command in errors. Returns 0, or
 * -errno once the error is printed, also when the kernel left out a
 * family asked for.
 */
int query_get(struct nl *nl, const struct query *q, const char *what,
	      uint8_t family, void *objs);

/*
 * GET_HIST: every histogram of both families into @hs (a dump; a
 * histogram may come in several messages). Returns 0, or -errno
 * once the error is printed, also when one of the six is missing.
 */
int query_hist(struct nl *nl, const char *what, struct hists *hs);

/* The name of a histogram's kind ("syn", "synack", "ptb"), NULL if none. */
const char *hist_kind_name(int kind);
/* The reverse; -1 for a word that names no kind. */
int hist_kind_parse(const char *word);

/* SET_CONFIG with what @chg names; 0, or -errno once the error is printed. */
int query_set(struct nl *nl, const struct change *chg);

/* RESET_STATS of @family (0: both); 0, or -errno once printed. */
int query_reset(struct nl *nl, uint8_t family);

/* How one of show and stats prints what it asked for. */
struct query_view {
	const char *what;		/* the command: "show" */
	const char *accepted;		/* its argument, for the error */
	const struct query *query;
	/* One family's object, at @obj in the array query_get() filled. */
	void (*print)(const char *family, const void *obj);
	bool table;			/* text: a column per family */
};

/*
 * The whole of show and stats: `WHAT [ipv4|ipv6]`, the query, and the
 * families asked for printed in one document. @objs holds FAMILY_COUNT
 * objects of the query's kind. Returns 0, or -errno once printed.
 */
int query_main(const struct query_view *v, int argc, char *argv[],
	       void *objs);

#endif /* MSSCLAMPCTL_QUERY_H */
