// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl: requests and the skeleton of show and stats (see query.h).
 * The attributes are codec.c's; this file chooses the command, do or
 * dump, and what to make of the answer.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "codec.h"
#include "ctl.h"
#include "errors.h"
#include "family.h"
#include "output.h"
#include "query.h"

struct query {
	uint8_t cmd;			/* do: one family; dump: both */
	mnl_cb_t cb;			/* one reply into objs[index] */
	size_t size;			/* of one object */
	size_t seen;			/* its bool: did a reply fill it? */
	const char *noun;		/* in "the kernel sent no ..." */
};

/* GET command @c answers objects of @type, filled by @callback. */
#define QUERY(c, callback, type, what) {				\
	.cmd = c, .cb = callback, .size = sizeof(type),			\
	.seen = offsetof(type, seen), .noun = what,			\
}

const struct query query_config = QUERY(MSSCLAMP_CMD_GET_CONFIG,
					codec_config_cb, struct config,
					"configuration");
const struct query query_stats = QUERY(MSSCLAMP_CMD_GET_STATS,
				       codec_stats_cb, struct stats,
				       "counters");

static const void *obj_at(const struct query *q, const void *objs, int i)
{
	return (const char *)objs + i * q->size;
}

int query_get(struct nl *nl, const struct query *q, const char *what,
	      uint8_t family, void *objs)
{
	struct nlmsghdr *nlh;
	int i, ret;

	memset(objs, 0, FAMILY_COUNT * q->size);
	nlh = nl_request(nl, q->cmd, family ? 0 : NLM_F_DUMP);
	codec_put_family(nlh, family);
	ret = nl_talk(nl, nlh, q->cb, objs);
	if (ret < 0)
		return ret;
	for (i = 0; i < FAMILY_COUNT; i++) {
		if (family && families[i] != family)
			continue;
		if (!*(const bool *)((const char *)obj_at(q, objs, i) +
				     q->seen))
			return runtime_error("%s: the kernel sent no %s for %s",
					     what, q->noun,
					     family_name(families[i]));
	}
	return 0;
}

static const char *const hist_kinds[HIST_KINDS] = {
	[MSSCLAMP_HIST_SYN] = "syn",
	[MSSCLAMP_HIST_SYNACK] = "synack",
	[MSSCLAMP_HIST_PTB] = "ptb",
};

const char *hist_kind_name(int kind)
{
	return kind >= 0 && kind < HIST_KINDS ? hist_kinds[kind] : NULL;
}

int hist_kind_parse(const char *word)
{
	int k;

	for (k = 0; k < HIST_KINDS; k++)
		if (!strcmp(word, hist_kinds[k]))
			return k;
	return -1;
}

int query_hist(struct nl *nl, const char *what, struct hists *hs)
{
	struct nlmsghdr *nlh;
	int i, k, ret;

	memset(hs, 0, sizeof(*hs));
	nlh = nl_request(nl, MSSCLAMP_CMD_GET_HIST, NLM_F_DUMP);
	ret = nl_talk(nl, nlh, codec_hist_cb, hs);
	if (ret < 0)
		return ret;
	for (i = 0; i < FAMILY_COUNT; i++)
		for (k = 0; k < HIST_KINDS; k++)
			if (!hs->h[i][k].seen)
				return runtime_error("%s: the kernel sent no %s histogram for %s",
						     what, hist_kinds[k],
						     family_name(families[i]));
	return 0;
}

int query_set(struct nl *nl, const struct change *chg)
{
	struct nlmsghdr *nlh = nl_request(nl, MSSCLAMP_CMD_SET_CONFIG, 0);

	codec_put_change(nlh, chg);
	return nl_talk(nl, nlh, NULL, NULL);
}

int query_reset(struct nl *nl, uint8_t family)
{
	struct nlmsghdr *nlh = nl_request(nl, MSSCLAMP_CMD_RESET_STATS, 0);

	codec_put_family(nlh, family);
	return nl_talk(nl, nlh, NULL, NULL);
}

int query_main(const struct query_view *v, int argc, char *argv[],
	       void *objs)
{
	uint8_t family = 0;
	struct nl *nl;
	int i, ret;

	ret = family_arg(argc, argv, v->what, v->accepted, &family);
	if (ret)
		return ret;

	nl = nl_open(v->what);
	if (!nl)
		return -EIO;
	ret = query_get(nl, v->query, v->what, family, objs);
	nl_close(nl);
	if (ret)
		return ret;

	out_start();
	if (v->table)
		out_table_open();
	for (i = 0; i < FAMILY_COUNT; i++)
		if (!family || families[i] == family)
			v->print(family_name(families[i]),
				 obj_at(v->query, objs, i));
	if (v->table)
		out_table_close();
	out_end();
	return finish_output();
}
