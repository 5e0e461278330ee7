// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl: generic netlink plumbing on libmnl.
 *
 * One socket per run, with NETLINK_EXT_ACK (the kernel explains its errors)
 * and NETLINK_CAP_ACK (acks do not echo the request back). Requests are
 * answered by reply messages and an ack; dumps end with NLMSG_DONE.
 * Headers and control messages are read here; every attribute, extack
 * ones included, is codec.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "codec.h"
#include "ctl.h"
#include "netns.h"
#include "nl.h"
#include "uapi/mssclamp.h"

#define NL_SEND_SIZE	8192
#define NL_RECV_SIZE	32768	/* what the kernel fills a dump skb up to */
#define NL_DUMP_TRIES	5

struct nl {
	struct mnl_socket *sock;
	const char *what;
	uint32_t portid;
	uint32_t seq;
	uint16_t family_id;
	uint32_t monitor_group;		/* 0: the family has none */
	int quiet_enoent;
	char send[NL_SEND_SIZE];
	char recv[NL_RECV_SIZE];
};

/* What the control callbacks learnt from NLMSG_ERROR or NLMSG_DONE. */
struct nl_result {
	mnl_cb_t data_cb;
	void *data;
	int error;			/* positive errno from the kernel */
	struct codec_extack ext;	/* its strings are in nl->recv */
	int bad_reply;			/* data_cb refused a message */
	const char *local;		/* set when we failed, not the kernel */
};

/* ------------------------------------------------------------------ */
/* Replies and errors                                                   */

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_result *res = data;
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	unsigned int off;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*err)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (err->error == 0)
		return MNL_CB_STOP;	/* the ack */

	res->error = err->error < 0 ? -err->error : err->error;
	/* Without NLM_F_CAPPED the request is echoed before the TLVs. */
	off = sizeof(*err);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(err->msg);
	codec_parse_extack(nlh, off, &res->ext);
	errno = res->error;
	return MNL_CB_ERROR;
}

static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_result *res = data;
	int err;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(err))
		return MNL_CB_STOP;
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (err == 0)
		return MNL_CB_STOP;
	res->error = err < 0 ? -err : err;
	codec_parse_extack(nlh, sizeof(err), &res->ext);
	errno = res->error;
	return MNL_CB_ERROR;
}

static int noop_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

static int overrun_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	errno = ENOSPC;
	return MNL_CB_ERROR;
}

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_result *res = data;
	int ret;

	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN) {
		res->bad_reply = 1;
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (!res->data_cb)
		return MNL_CB_OK;
	ret = res->data_cb(nlh, res->data);
	if (ret == MNL_CB_ERROR)
		res->bad_reply = 1;
	return ret;
}

/* Not const: mnl_cb_run2() takes a plain pointer. */
static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_NOOP] = noop_cb,
	[NLMSG_ERROR] = error_cb,
	[NLMSG_DONE] = done_cb,
	[NLMSG_OVERRUN] = overrun_cb,
};

static void print_error(const struct nl *nl, const struct nlmsghdr *req,
			const struct nl_result *res)
{
	const char *hint = "";

	if (res->local) {
		fprintf(stderr, PROG_NAME ": %s: %s: %s\n", nl->what,
			res->local, strerror(res->error));
		return;
	}
	/* The kernel's own sentence says it best: print it as it is. */
	if (res->ext.msg && *res->ext.msg) {
		fprintf(stderr, PROG_NAME ": %s\n", res->ext.msg);
		return;
	}
	if (res->error == EPERM)
		hint = " (needs CAP_NET_ADMIN in the namespace)";
	else if (res->error == EOPNOTSUPP)
		hint = " (is the module older than this tool?)";

	if (res->ext.have_miss) {
		fprintf(stderr, PROG_NAME ": %s: %s: missing attribute %s%s\n",
			nl->what, strerror(res->error),
			codec_attr_name(res->ext.miss_type), hint);
	} else if (res->ext.have_offs) {
		/* The offset of the offending attribute in our request. */
		fprintf(stderr, PROG_NAME ": %s: %s (attribute %s)%s\n",
			nl->what, strerror(res->error),
			codec_attr_at(req, res->ext.offs), hint);
	} else {
		fprintf(stderr, PROG_NAME ": %s: %s%s\n", nl->what,
			strerror(res->error), hint);
	}
}

/* Does @buf hold the message that ends a dump (NLMSG_DONE or an error)? */
static int ends_dump(const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	int left = len;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		if (nlh->nlmsg_type == NLMSG_DONE ||
		    nlh->nlmsg_type == NLMSG_ERROR)
			return 1;
	}
	return 0;
}

/*
 * Send @nlh and read its answers. Returns 0, 1 when the dump was
 * interrupted and has been drained (ask again), or -1 with @res saying why.
 */
static int exchange(struct nl *nl, struct nlmsghdr *nlh,
		    struct nl_result *res)
{
	ssize_t len;
	int ret;

	nlh->nlmsg_seq = ++nl->seq;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0) {
		res->local = "cannot send to the kernel";
		res->error = errno;
		return -1;
	}
	do {
		len = mnl_socket_recvfrom(nl->sock, nl->recv, sizeof(nl->recv));
		if (len < 0) {
			if (errno == EINTR)
				continue;
			res->local = "cannot read from the kernel";
			res->error = errno;
			return -1;
		}
		errno = 0;
		ret = mnl_cb_run2(nl->recv, len, nl->seq, nl->portid, data_cb,
				  res, ctl_cbs, MNL_ARRAY_SIZE(ctl_cbs));
	} while (ret > MNL_CB_STOP);

	if (ret == MNL_CB_STOP)
		return 0;
	if (res->error)		/* the kernel said no */
		return -1;

	/* libmnl flags a dump that changed while it was read with EINTR. */
	if (errno == EINTR && !res->bad_reply &&
	    (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP) {
		while (!ends_dump(nl->recv, len)) {
			len = mnl_socket_recvfrom(nl->sock, nl->recv,
						  sizeof(nl->recv));
			if (len < 0 && errno != EINTR)
				break;
			if (len < 0)
				len = 0;
		}
		if (len >= 0)
			return 1;
	}
	res->local = "unexpected reply from the kernel";
	res->error = errno ? errno : EBADMSG;
	return -1;
}

int nl_talk(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	struct nl_result res;
	int tries = 0;
	int ret;

	if ((nlh->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		nlh->nlmsg_flags |= NLM_F_ACK;
	do {
		memset(&res, 0, sizeof(res));
		res.data_cb = cb;
		res.data = data;
		ret = exchange(nl, nlh, &res);
	} while (ret == 1 && ++tries < NL_DUMP_TRIES);

	if (ret == 1) {
		res.local = "the dump kept changing while it was read";
		res.error = EINTR;
	}
	if (ret != 0) {
		/* Quiet: resolve_family() words "not loaded" itself. */
		if (!(nl->quiet_enoent && !res.local && res.error == ENOENT))
			print_error(nl, nlh, &res);
		return res.error == ENOENT ? -ENOENT : -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Requests                                                             */

static struct nlmsghdr *genl_request(struct nl *nl, uint16_t type,
				     uint8_t cmd, uint8_t version,
				     uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->send);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

struct nlmsghdr *nl_request(struct nl *nl, uint8_t cmd, uint16_t flags)
{
	return genl_request(nl, nl->family_id, cmd, MSSCLAMP_GENL_VERSION,
			    flags);
}

/* ------------------------------------------------------------------ */
/* Socket and family                                                    */

/*
 * Look the family @name up, with the id of its multicast group @group
 * (NULL: none wanted) into @fi. CTRL_CMD_GETFAMILY also asks the kernel to
 * load a module that declares the family (MODULE_ALIAS_GENL_FAMILY), when
 * the caller may. Returns 0, -ENOENT (quietly) for a family the kernel
 * does not have, or -1 once the error is printed.
 */
static int lookup_family(struct nl *nl, const char *name, const char *group,
			 struct genl_family_info *fi)
{
	struct nlmsghdr *nlh;
	int ret;

	memset(fi, 0, sizeof(*fi));
	fi->group = group;
	nlh = genl_request(nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	codec_put_family_name(nlh, name);

	/* ENOENT has its caller's message; anything else is nl_talk's. */
	nl->quiet_enoent = 1;
	ret = nl_talk(nl, nlh, codec_family_cb, fi);
	nl->quiet_enoent = 0;
	if (ret < 0)
		return ret;
	if (!fi->id) {
		fprintf(stderr, PROG_NAME ": %s: the kernel sent no id for the %s family\n",
			nl->what, name);
		return -1;
	}
	return 0;
}

static int resolve_family(struct nl *nl)
{
	struct genl_family_info fi;
	int ret;

	ret = lookup_family(nl, MSSCLAMP_GENL_NAME, MSSCLAMP_MCGRP_MONITOR, &fi);
	if (ret == -ENOENT) {
		fprintf(stderr, PROG_NAME ": the mssclamp module is not loaded (modprobe mssclamp)\n");
		return -1;
	}
	if (ret < 0)
		return -1;
	nl->family_id = fi.id;
	nl->monitor_group = fi.group_id;
	return 0;
}

static int join(struct nl *nl, uint32_t group)
{
	int g = (int)group;

	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &g,
				  sizeof(g)) < 0) {
		fprintf(stderr, PROG_NAME ": %s: cannot join multicast group %u: %s\n",
			nl->what, group, strerror(errno));
		return -1;
	}
	return 0;
}

int nl_monitor(struct nl *nl)
{
	struct genl_family_info ctrl;
	int ret;

	if (!nl->monitor_group) {
		fprintf(stderr, PROG_NAME ": %s: the module has no %s group (is the module older than this tool?)\n",
			nl->what, MSSCLAMP_MCGRP_MONITOR);
		return -1;
	}
	/* The controller's own group tells when the family goes away. */
	ret = lookup_family(nl, "nlctrl", "notify", &ctrl);
	if (ret == -ENOENT)
		fprintf(stderr, PROG_NAME ": %s: the kernel has no netlink controller family\n",
			nl->what);
	if (ret < 0)
		return -1;
	if (!ctrl.group_id) {
		fprintf(stderr, PROG_NAME ": %s: the kernel's netlink controller has no notify group\n",
			nl->what);
		return -1;
	}
	/* The family's first: once the controller's is joined, both are. */
	if (join(nl, nl->monitor_group) < 0 || join(nl, ctrl.group_id) < 0)
		return -1;
	return 0;
}

/* What nl_listen() hands on: the family's messages and the controller's. */
struct listen_ctx {
	const struct nl *nl;
	nl_event_cb cb;
	void *data;
	int ret;		/* what @cb last returned */
};

static int listen_cb(const struct nlmsghdr *nlh, void *data)
{
	struct listen_ctx *ctx = data;

	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN)
		return MNL_CB_OK;
	if (nlh->nlmsg_type == GENL_ID_CTRL)
		ctx->ret = ctx->cb(nlh, true, ctx->data);
	else if (nlh->nlmsg_type == ctx->nl->family_id)
		ctx->ret = ctx->cb(nlh, false, ctx->data);
	return ctx->ret;
}

int nl_listen(struct nl *nl, nl_event_cb cb, void *data,
	      volatile sig_atomic_t *stop)
{
	struct listen_ctx ctx = { .nl = nl, .cb = cb, .data = data };
	ssize_t len;
	int ret;

	while (!*stop) {
		len = mnl_socket_recvfrom(nl->sock, nl->recv, sizeof(nl->recv));
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0 && errno == ENOBUFS) {
			/* The socket's buffer overran: say so, go on. */
			fprintf(stderr, PROG_NAME ": %s: notifications were lost (the socket's receive buffer overran)\n",
				nl->what);
			continue;
		}
		if (len < 0) {
			fprintf(stderr, PROG_NAME ": %s: cannot read from the kernel: %s\n",
				nl->what, strerror(errno));
			return -1;
		}
		/* Notifications carry sequence number 0 and port id 0. */
		ctx.ret = MNL_CB_OK;
		errno = 0;
		ret = mnl_cb_run2(nl->recv, len, 0, 0, listen_cb, &ctx, NULL, 0);
		if (ctx.ret == MNL_CB_STOP)
			return 0;
		if (ctx.ret == MNL_CB_ERROR)
			return -1;	/* @cb said why */
		if (ret < 0) {
			fprintf(stderr, PROG_NAME ": %s: unexpected message from the kernel: %s\n",
				nl->what, strerror(errno ? errno : EBADMSG));
			return -1;
		}
		/* A control message that ends nothing here (NLMSG_DONE): on. */
	}
	return 0;
}

struct nl *nl_open(const char *what)
{
	struct nl *nl;
	int one = 1;

	if (netns_enter() < 0)
		return NULL;

	nl = calloc(1, sizeof(*nl));
	if (!nl) {
		fprintf(stderr, PROG_NAME ": %s: %s\n", what, strerror(errno));
		return NULL;
	}
	nl->what = what;
	nl->seq = (uint32_t)time(NULL);

	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock) {
		fprintf(stderr, PROG_NAME ": %s: cannot open a netlink socket: %s\n",
			what, strerror(errno));
		free(nl);
		return NULL;
	}
	/* Best effort: every supported kernel has both. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		fprintf(stderr, PROG_NAME ": %s: cannot bind a netlink socket: %s\n",
			what, strerror(errno));
		nl_close(nl);
		return NULL;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);

	if (resolve_family(nl) < 0) {
		nl_close(nl);
		return NULL;
	}
	return nl;
}

void nl_close(struct nl *nl)
{
	if (!nl)
		return;
	mnl_socket_close(nl->sock);
	free(nl);
}
