// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl: generic netlink plumbing on libmnl.
 *
 * One socket per run (nlsock.c: NETLINK_EXT_ACK, NETLINK_CAP_ACK, acks,
 * dumps and what NLM_F_DUMP_INTR means). Here: the genetlink header, the
 * family's id and groups, and the error lines, which name the family's
 * attributes through codec.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "codec.h"
#include "ctl.h"
#include "errors.h"
#include "netns.h"
#include "nl.h"
#include "nlsock.h"
#include "uapi/mssclamp.h"

struct nl {
	struct nlsock *sock;
	const char *what;
	uint16_t family_id;
	uint32_t monitor_group;		/* 0: the family has none */
	int quiet_enoent;
};

/* ------------------------------------------------------------------ */
/* Replies and errors                                                   */

/* What nl_talk() hands on: the genetlink messages of a reply. */
struct reply {
	mnl_cb_t cb;
	void *data;
};

static int reply_cb(const struct nlmsghdr *nlh, void *data)
{
	struct reply *r = data;

	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	return r->cb ? r->cb(nlh, r->data) : MNL_CB_OK;
}

static void print_error(const struct nl *nl, const struct nlmsghdr *req,
			const struct nlsock_err *err)
{
	const char *hint = "";

	if (err->fault != NLSOCK_KERNEL) {
		runtime_error("%s: %s: %s", nl->what, err->what,
			      strerror(err->error));
		return;
	}
	/* The kernel's own sentence says it best: print it as it is. */
	if (err->ext.msg && *err->ext.msg) {
		runtime_error("%s", err->ext.msg);
		return;
	}
	if (err->error == EPERM)
		hint = " (needs CAP_NET_ADMIN in the namespace)";
	else if (err->error == EOPNOTSUPP)
		hint = " (is the module older than this tool?)";

	if (err->ext.have_miss)
		runtime_error("%s: %s: missing attribute %s%s", nl->what,
			      strerror(err->error),
			      codec_attr_name(err->ext.miss_type), hint);
	else if (err->ext.have_offs)
		/* The offset of the offending attribute in our request. */
		runtime_error("%s: %s (attribute %s)%s", nl->what,
			      strerror(err->error),
			      codec_attr_at(req, err->ext.offs), hint);
	else
		runtime_error("%s: %s%s", nl->what, strerror(err->error),
			      hint);
}

int nl_talk(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	struct reply r = { .cb = cb, .data = data };
	struct nlsock_err err;
	int ret;

	/* The callbacks cope with seeing an object again (nl.h). */
	ret = nlsock_ask(nl->sock, nlh, reply_cb, &r, NULL, &err);
	if (ret < 0 && !(nl->quiet_enoent && err.fault == NLSOCK_KERNEL &&
			 err.error == ENOENT))
		/* Quiet: resolve_family() words "not loaded" itself. */
		print_error(nl, nlh, &err);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Requests                                                             */

static struct nlmsghdr *genl_request(struct nl *nl, uint16_t type,
				     uint8_t cmd, uint8_t version,
				     uint16_t flags)
{
	struct nlmsghdr *nlh = nlsock_msg(nl->sock);
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
		runtime_error("%s: the kernel sent no id for the %s family",
			      nl->what, name);
		return -EBADMSG;
	}
	return 0;
}

static int resolve_family(struct nl *nl)
{
	struct genl_family_info fi;
	int ret;

	ret = lookup_family(nl, MSSCLAMP_GENL_NAME, MSSCLAMP_MCGRP_MONITOR, &fi);
	if (ret == -ENOENT)
		runtime_error("the mssclamp module is not loaded (modprobe mssclamp)");
	if (ret < 0)
		return ret;
	nl->family_id = fi.id;
	nl->monitor_group = fi.group_id;
	return 0;
}

static int join(struct nl *nl, uint32_t group)
{
	int ret = nlsock_join(nl->sock, group);

	if (ret < 0)
		runtime_error("%s: cannot join multicast group %u: %s",
			      nl->what, group, strerror(-ret));
	return ret;
}

int nl_monitor(struct nl *nl)
{
	struct genl_family_info ctrl;
	int ret;

	if (!nl->monitor_group) {
		runtime_error("%s: the module has no %s group (is the module older than this tool?)",
			      nl->what, MSSCLAMP_MCGRP_MONITOR);
		return -EOPNOTSUPP;
	}
	/* The controller's own group tells when the family goes away. */
	ret = lookup_family(nl, "nlctrl", "notify", &ctrl);
	if (ret == -ENOENT)
		runtime_error("%s: the kernel has no netlink controller family",
			      nl->what);
	if (ret < 0)
		return ret;
	if (!ctrl.group_id) {
		runtime_error("%s: the kernel's netlink controller has no notify group",
			      nl->what);
		return -EOPNOTSUPP;
	}
	/* The family's first: once the controller's is joined, both are. */
	ret = join(nl, nl->monitor_group);
	return ret ? ret : join(nl, ctrl.group_id);
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
	const void *buf;
	ssize_t len;
	int ret;

	while (!*stop) {
		len = nlsock_recv(nl->sock, &buf);
		if (len == -EINTR)
			continue;
		if (len == -ENOBUFS) {
			/* The socket's buffer overran: say so, go on. */
			note("%s: notifications were lost (the socket's receive buffer overran)",
				      nl->what);
			continue;
		}
		if (len < 0) {
			runtime_error("%s: cannot read from the kernel: %s",
				      nl->what, strerror(-len));
			return len;
		}
		/* Notifications carry sequence number 0 and port id 0. */
		ctx.ret = MNL_CB_OK;
		errno = 0;
		ret = mnl_cb_run2(buf, len, 0, 0, listen_cb, &ctx, NULL, 0);
		if (ctx.ret == MNL_CB_STOP)
			return 0;
		if (ctx.ret == MNL_CB_ERROR)
			return -(errno ? errno : EBADMSG);	/* @cb said why */
		if (ret < 0) {
			ret = errno ? errno : EBADMSG;
			runtime_error("%s: unexpected message from the kernel: %s",
				      nl->what, strerror(ret));
			return -ret;
		}
		/* A control message that ends nothing here (NLMSG_DONE): on. */
	}
	return 0;
}

struct nl *nl_open(const char *what)
{
	struct nlsock_err err;
	struct nl *nl;

	if (netns_enter() < 0)
		return NULL;

	nl = calloc(1, sizeof(*nl));
	if (!nl) {
		runtime_error("%s: %s", what, strerror(errno));
		return NULL;
	}
	nl->what = what;
	nl->sock = nlsock_open(NETLINK_GENERIC, &err);
	if (!nl->sock) {
		print_error(nl, NULL, &err);
		free(nl);
		return NULL;
	}
	if (resolve_family(nl) < 0) {
		nl_close(nl);
		return NULL;
	}
	return nl;
}

void nl_close(struct nl *nl)
{
	if (nl)
		nlsock_close(nl->sock);
	free(nl);
}
