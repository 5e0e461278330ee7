// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl: building and reading netlink attributes (see codec.h).
 * kmod/netlink.c is the other side; kmod/uapi/mssclamp.h and
 * docs/netlink/mssclamp.yaml describe what passes between them.
 */
#include <errno.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "attr_names.h"
#include "codec.h"
#include "family.h"
#include "nlsock.h"

/* ------------------------------------------------------------------ */
/* Requests                                                             */

void codec_put_family(struct nlmsghdr *nlh, uint8_t family)
{
	if (family)
		mnl_attr_put_u8(nlh, MSSCLAMP_A_FAMILY, family);
}

void codec_put_change(struct nlmsghdr *nlh, const struct change *chg)
{
	struct nlattr *nest;
	unsigned int d;
	size_t i;

	mnl_attr_put_u8(nlh, MSSCLAMP_A_FAMILY, chg->family);
	for (i = 0; i < FIELD_COUNT; i++) {
		const struct field *f = &fields[i];

		if (!chg->given[f->attr])
			continue;
		switch (f->type) {
		case FT_U8:
			mnl_attr_put_u8(nlh, f->attr, chg->value[f->attr]);
			break;
		case FT_U32:
			mnl_attr_put_u32(nlh, f->attr, chg->value[f->attr]);
			break;
		case FT_DEVS:
			/* An empty nest means any device. */
			nest = mnl_attr_nest_start(nlh, f->attr);
			for (d = 0; d < chg->ndevs; d++)
				mnl_attr_put_strz(nlh, MSSCLAMP_DEV_A_NAME,
						  chg->devs[d]);
			mnl_attr_nest_end(nlh, nest);
			break;
		}
	}
}

void codec_put_family_name(struct nlmsghdr *nlh, const char *name)
{
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
}

/* ------------------------------------------------------------------ */
/* Replies                                                              */

static int parse_devs(const struct nlattr *nest, struct config *c)
{
	const struct nlattr *attr;

	if (mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0)
		return -1;
	mnl_attr_for_each_nested(attr, nest) {
		const char *name;

		if (mnl_attr_get_type(attr) != MSSCLAMP_DEV_A_NAME)
			continue;
		if (c->ndevs == MSSCLAMP_MAX_DEVS ||
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			return -1;
		name = mnl_attr_get_str(attr);
		if (strlen(name) >= IFNAMSIZ)
			return -1;
		strcpy(c->devs[c->ndevs++], name);
	}
	return 0;
}

/*
 * The family of a GET reply, parsed into @tb: its index, -2 for a family
 * this tool does not know, -1 for a malformed reply.
 */
static int reply_index(const struct nlmsghdr *nlh, const struct nlattr **tb)
{
	uint8_t family;
	int idx;

	if (nla_index(nlh, GENL_HDRLEN, tb, MSSCLAMP_A_MAX) < 0 ||
	    nla_u8(tb[MSSCLAMP_A_FAMILY], &family) < 0)
		return -1;
	idx = family_index(family);
	return idx < 0 ? -2 : idx;
}

/*
 * The configuration in the attributes @tb of a reply or notification:
 * every number is there, the devices may be left out (any).
 */
static int parse_config(const struct nlattr **tb, struct config *c)
{
	uint32_t v32;
	uint8_t v8;
	size_t i;

	memset(c, 0, sizeof(*c));
	c->seen = true;
	for (i = 0; i < FIELD_COUNT; i++) {
		const struct field *f = &fields[i];
		const struct nlattr *a = tb[f->attr];

		switch (f->type) {
		case FT_U8:
			if (nla_u8(a, &v8) < 0)
				return -1;
			field_set(c, f, v8);
			break;
		case FT_U32:
			if (nla_u32(a, &v32) < 0)
				return -1;
			field_set(c, f, v32);
			break;
		case FT_DEVS:
			if (a && parse_devs(a, c) < 0)
				return -1;
			break;
		}
	}
	return 0;
}

int codec_config_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[MSSCLAMP_A_MAX + 1];
	struct config *configs = data;
	struct config c;
	int idx = reply_index(nlh, tb);

	if (idx == -2)
		return MNL_CB_OK;	/* a family newer than this tool */
	if (idx < 0 || parse_config(tb, &c) < 0) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	configs[idx] = c;
	return MNL_CB_OK;
}

int codec_stats_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[MSSCLAMP_A_MAX + 1];
	const struct nlattr *stb[MSSCLAMP_STAT_A_MAX + 1];
	struct stats *stats = data;
	struct stats s = { .seen = true };
	int idx = reply_index(nlh, tb);
	unsigned int i;

	if (idx == -2)
		return MNL_CB_OK;	/* a family newer than this tool */
	if (idx < 0 || !tb[MSSCLAMP_A_STATS] ||
	    nla_index_nested(tb[MSSCLAMP_A_STATS], stb, MSSCLAMP_STAT_A_MAX) < 0)
		goto bad;
	/* Every counter this tool knows, each a u64; the pad is none. */
	for (i = MSSCLAMP_STAT_A_PAD + 1; i <= MSSCLAMP_STAT_A_MAX; i++)
		if (nla_u64(stb[i], &s.val[i]) < 0)
			goto bad;
	stats[idx] = s;
	return MNL_CB_OK;
bad:
	errno = EBADMSG;
	return MNL_CB_ERROR;
}

/*
 * Put @b into @h, in ascending order. A bucket already there with the same
 * bounds takes the new count (a dump seen twice); one that overlaps
 * another is refused.
 */
static int hist_put(struct hist *h, const struct hist_bucket *b)
{
	unsigned int i = 0;

	if (b->low > b->high)
		return -1;
	while (i < h->n && h->b[i].high < b->low)
		i++;
	if (i < h->n && h->b[i].low == b->low && h->b[i].high == b->high) {
		h->b[i].count = b->count;
		return 0;
	}
	if ((i < h->n && h->b[i].low <= b->high) || h->n == HIST_MAX_BUCKETS)
		return -1;
	memmove(&h->b[i + 1], &h->b[i], (h->n - i) * sizeof(h->b[0]));
	h->b[i] = *b;
	h->n++;
	return 0;
}

static int parse_bucket(const struct nlattr *nest, struct hist_bucket *b)
{
	const struct nlattr *tb[MSSCLAMP_BUCKET_A_MAX + 1];

	if (nla_index_nested(nest, tb, MSSCLAMP_BUCKET_A_MAX) < 0 ||
	    nla_u32(tb[MSSCLAMP_BUCKET_A_LOW], &b->low) < 0 ||
	    nla_u32(tb[MSSCLAMP_BUCKET_A_HIGH], &b->high) < 0 ||
	    nla_u64(tb[MSSCLAMP_BUCKET_A_COUNT], &b->count) < 0)
		return -1;
	return 0;
}

int codec_hist_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[MSSCLAMP_A_MAX + 1];
	const struct nlattr *attr;
	struct hists *hs = data;
	struct hist_bucket b;
	struct hist *h;
	uint8_t kind;
	int idx = reply_index(nlh, tb), pos;

	if (idx == -1 || nla_u8(tb[MSSCLAMP_A_HIST_KIND], &kind) < 0)
		goto bad;
	if (idx == -2 || kind >= HIST_KINDS)
		return MNL_CB_OK;	/* a family or kind newer than this tool */
	/* The dump goes through the histograms in order: back to an
	 * earlier one means it started again (NLM_F_DUMP_INTR). */
	pos = idx * HIST_KINDS + kind + 1;
	if (pos < hs->pos)
		memset(hs->h, 0, sizeof(hs->h));
	hs->pos = pos;
	h = &hs->h[idx][kind];
	if (nla_u64(tb[MSSCLAMP_A_HIST_SUM], &h->sum) < 0)
		goto bad;
	h->seen = true;
	/* The buckets repeat: the table above kept only the last. */
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) != MSSCLAMP_A_HIST_BUCKET)
			continue;
		if (parse_bucket(attr, &b) < 0 || hist_put(h, &b) < 0)
			goto bad;
	}
	return MNL_CB_OK;
bad:
	errno = EBADMSG;
	return MNL_CB_ERROR;
}

/* The id of the group named @name in CTRL_ATTR_MCAST_GROUPS, or 0. */
static int mcast_group_id(const struct nlattr *groups, const char *name,
			  uint32_t *id)
{
	const struct nlattr *grp;

	*id = 0;
	if (mnl_attr_validate(groups, MNL_TYPE_NESTED) < 0)
		return -1;
	mnl_attr_for_each_nested(grp, groups) {
		const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1];

		if (nla_index_nested(grp, tb, CTRL_ATTR_MCAST_GRP_MAX) < 0)
			return -1;
		if (!tb[CTRL_ATTR_MCAST_GRP_NAME] ||
		    mnl_attr_validate(tb[CTRL_ATTR_MCAST_GRP_NAME],
				      MNL_TYPE_NUL_STRING) < 0 ||
		    nla_u32(tb[CTRL_ATTR_MCAST_GRP_ID], id) < 0)
			return -1;
		if (!strcmp(mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]),
			    name))
			return 0;
		*id = 0;
	}
	return 0;
}

int codec_family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct genl_family_info *fi = data;

	if (nla_index(nlh, GENL_HDRLEN, tb, CTRL_ATTR_MAX) < 0)
		return MNL_CB_ERROR;
	if (!tb[CTRL_ATTR_FAMILY_ID] ||
	    mnl_attr_validate(tb[CTRL_ATTR_FAMILY_ID], MNL_TYPE_U16) < 0)
		goto bad;
	fi->id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	fi->group_id = 0;
	if (fi->group && tb[CTRL_ATTR_MCAST_GROUPS] &&
	    mcast_group_id(tb[CTRL_ATTR_MCAST_GROUPS], fi->group,
			   &fi->group_id) < 0)
		goto bad;
	return MNL_CB_OK;
bad:
	errno = EBADMSG;
	return MNL_CB_ERROR;
}

/* ------------------------------------------------------------------ */
/* Notifications                                                        */

/* The controller's: only the mssclamp family going away matters here. */
static int ctrl_event(const struct nlmsghdr *nlh, struct event *ev)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	const struct nlattr *name;

	if (genl->cmd != CTRL_CMD_DELFAMILY)
		return 0;
	if (nla_index(nlh, GENL_HDRLEN, tb, CTRL_ATTR_MAX) < 0)
		return -1;
	name = tb[CTRL_ATTR_FAMILY_NAME];
	if (!name || mnl_attr_validate(name, MNL_TYPE_NUL_STRING) < 0) {
		errno = EBADMSG;
		return -1;
	}
	if (!strcmp(mnl_attr_get_str(name), MSSCLAMP_GENL_NAME))
		ev->kind = EVENT_GONE;
	return 0;
}

int codec_event_parse(const struct nlmsghdr *nlh, bool ctrl, struct event *ev)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[MSSCLAMP_A_MAX + 1];
	int idx;

	memset(ev, 0, sizeof(*ev));
	if (ctrl)
		return ctrl_event(nlh, ev);
	if (genl->cmd != MSSCLAMP_CMD_CONFIG_NTF &&
	    genl->cmd != MSSCLAMP_CMD_RESET_NTF)
		return 0;
	idx = reply_index(nlh, tb);
	if (idx == -2)
		return 0;		/* a family newer than this tool */
	if (idx < 0)
		goto bad;
	ev->family = families[idx];
	if (genl->cmd == MSSCLAMP_CMD_RESET_NTF) {
		ev->kind = EVENT_RESET;
		return 0;
	}
	if (parse_config(tb, &ev->config) < 0)
		goto bad;
	ev->kind = EVENT_CONFIG;
	return 0;
bad:
	memset(ev, 0, sizeof(*ev));
	errno = EBADMSG;
	return -1;
}

/* ------------------------------------------------------------------ */
/* Errors                                                               */

const char *codec_attr_name(uint32_t type)
{
	return mssclamp_attr_name(type);
}

const char *codec_attr_at(const struct nlmsghdr *req, uint32_t offs)
{
	const struct nlattr *attr;
	uint32_t off = MNL_NLMSG_HDRLEN + GENL_HDRLEN;

	mnl_attr_for_each(attr, req, GENL_HDRLEN) {
		uint32_t end = off + MNL_ALIGN(attr->nla_len);

		if (offs >= off && offs < end)
			return mssclamp_attr_name(mnl_attr_get_type(attr));
		off = end;
	}
	return "unknown";
}
