/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclampctl: the wire format, and the only file that knows it. Everything
 * that puts an attribute into a request or reads one out of a reply is
 * here: the mssclamp family's requests and replies, the generic netlink
 * controller's family lookup, and the names of the attributes an extended
 * ack points at. nl.c moves whole messages (nlsock.c reads the ack); the
 * subcommands hand codec.c what they mean.
 */
#ifndef MSSCLAMPCTL_CODEC_H
#define MSSCLAMPCTL_CODEC_H

#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

#include "change.h"
#include "config.h"
#include "family.h"

/* One family's counters, as GET_STATS answers it: val[MSSCLAMP_STAT_A_*]. */
struct stats {
	bool seen;		/* filled in by a reply */
	uint64_t val[MSSCLAMP_STAT_A_MAX + 1];
};

/* The kinds of histogram, indexed by enum mssclamp_hist_kind. */
#define HIST_KINDS		3
/* More buckets than any histogram of the module has (it has 315). */
#define HIST_MAX_BUCKETS	1024

/* The values from low to high, both included. */
struct hist_bucket {
	uint32_t low;
	uint32_t high;
	uint64_t count;
};

/* One histogram, its non-empty buckets in ascending order, none overlapping. */
struct hist {
	bool seen;		/* filled in by a reply */
	uint64_t sum;		/* of the values counted */
	unsigned int n;
	struct hist_bucket b[HIST_MAX_BUCKETS];
};

/* What GET_HIST answers: h[family_index()][kind]. */
struct hists {
	struct hist h[FAMILY_COUNT][HIST_KINDS];
	int pos;		/* the last histogram a reply was about */
};

/* The family lookup: CTRL_CMD_GETFAMILY's answer. */
struct genl_family_info {
	uint16_t id;
	const char *group;	/* in: the multicast group wanted, or NULL */
	uint32_t group_id;	/* out: its id; 0 if the family has none */
};

/* What a notification said (codec_event_parse). */
enum event_kind {
	EVENT_NONE,		/* nothing this tool listens for */
	EVENT_CONFIG,		/* MSSCLAMP_CMD_CONFIG_NTF */
	EVENT_RESET,		/* MSSCLAMP_CMD_RESET_NTF */
	EVENT_GONE,		/* CTRL_CMD_DELFAMILY of the mssclamp family */
};

struct event {
	enum event_kind kind;
	uint8_t family;		/* EVENT_CONFIG, EVENT_RESET */
	struct config config;	/* EVENT_CONFIG */
};

/* ---- requests, into a message nl_request() started ---- */

/* The family a GET or RESET is about; nothing for 0 (both). */
void codec_put_family(struct nlmsghdr *nlh, uint8_t family);
/* SET_CONFIG: the family and every setting @chg names, nothing else. */
void codec_put_change(struct nlmsghdr *nlh, const struct change *chg);
/* CTRL_CMD_GETFAMILY: the name of the family looked up. */
void codec_put_family_name(struct nlmsghdr *nlh, const char *name);

/*
 * ---- replies: mnl callbacks ----
 * GET_CONFIG and GET_STATS replies land in @data, an array of FAMILY_COUNT
 * struct config or struct stats indexed by family_index(); a reply for a
 * family this tool does not know is skipped. A malformed one fails with
 * errno EBADMSG.
 */
int codec_config_cb(const struct nlmsghdr *nlh, void *data);
int codec_stats_cb(const struct nlmsghdr *nlh, void *data);
/*
 * GET_HIST, a dump: each message adds buckets to one histogram of @data,
 * a zeroed struct hists (a histogram may come in several messages); a
 * dump seen again from its start replaces what the first one said. A
 * bucket that overlaps another is EBADMSG.
 */
int codec_hist_cb(const struct nlmsghdr *nlh, void *data);
/*
 * CTRL_CMD_NEWFAMILY: the family's id, and the id of the multicast group
 * @data->group names, into @data, a struct genl_family_info.
 */
int codec_family_cb(const struct nlmsghdr *nlh, void *data);

/*
 * ---- notifications ----
 * One message heard on the multicast groups: a notification of the
 * mssclamp family (@ctrl false) or of the controller (@ctrl true), into
 * @ev. Returns 0 (@ev->kind EVENT_NONE for anything else), or -1 with
 * errno EBADMSG for a malformed one.
 */
int codec_event_parse(const struct nlmsghdr *nlh, bool ctrl, struct event *ev);

/* ---- errors ---- */

/* The user's word for attribute @type of the family, or "unknown". */
const char *codec_attr_name(uint32_t type);
/* The same for the attribute of request @req at byte offset @offs. */
const char *codec_attr_at(const struct nlmsghdr *req, uint32_t offs);

#endif /* MSSCLAMPCTL_CODEC_H */
