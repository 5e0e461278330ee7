/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclampctl: the wire format, and the only file that knows it. Everything
 * that puts an attribute into a request or reads one out of a reply is
 * here: the mssclamp family's requests and replies, the generic netlink
 * controller's family lookup, and the extended ack. nl.c moves whole
 * messages; the subcommands hand codec.c what they mean.
 */
#ifndef MSSCLAMPCTL_CODEC_H
#define MSSCLAMPCTL_CODEC_H

#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

#include "change.h"
#include "config.h"

/* One family's counters, as GET_STATS answers it: val[MSSCLAMP_STAT_A_*]. */
struct stats {
	bool seen;		/* filled in by a reply */
	uint64_t val[MSSCLAMP_STAT_A_MAX + 1];
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
/* CTRL_CMD_NEWFAMILY: the family's id into @data, a uint16_t. */
int codec_family_id_cb(const struct nlmsghdr *nlh, void *data);

/* ---- errors ---- */

/* What the kernel says about an error, beside its errno. */
struct codec_extack {
	const char *msg;		/* NLMSGERR_ATTR_MSG, in the reply */
	bool have_offs;
	uint32_t offs;			/* NLMSGERR_ATTR_OFFS */
	bool have_miss;
	uint32_t miss_type;		/* NLMSGERR_ATTR_MISS_TYPE */
};

/*
 * The extack TLVs of NLMSG_ERROR or NLMSG_DONE @nlh, which start at
 * payload offset @off, into @ea (left as it is without NLM_F_ACK_TLVS).
 */
void codec_parse_extack(const struct nlmsghdr *nlh, unsigned int off,
			struct codec_extack *ea);
/* The user's word for attribute @type of the family, or "unknown". */
const char *codec_attr_name(uint32_t type);
/* The same for the attribute of request @req at byte offset @offs. */
const char *codec_attr_at(const struct nlmsghdr *req, uint32_t offs);

#endif /* MSSCLAMPCTL_CODEC_H */
