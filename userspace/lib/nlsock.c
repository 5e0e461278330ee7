// SPDX-License-Identifier: GPL-2.0
/*
 * mssclampctl: netlink sockets on libmnl (see nlsock.h). Every read from
 * a netlink socket of the tool is nlsock_recv()'s.
 *
 * A request is answered by data messages and an ack (NLMSG_ERROR with
 * error 0), a dump by data messages and NLMSG_DONE. libmnl's
 * mnl_cb_run2() fails with errno EINTR on a message flagged
 * NLM_F_DUMP_INTR; the rest of that dump is still on its way and is read
 * and thrown away before the dump is asked for again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/netlink.h>

#include "nlsock.h"

#define NLSOCK_SEND_SIZE	8192
/* More than the kernel fills a dump's skb with (netlink_dump()). */
#define NLSOCK_RECV_SIZE	65536

struct nlsock {
	struct mnl_socket *sk;
	uint32_t portid;
	uint32_t seq;
	char send[NLSOCK_SEND_SIZE];
	char recv[NLSOCK_RECV_SIZE];
};

static const char OPEN[] = "cannot open a netlink socket";
static const char SEND[] = "cannot send to the kernel";
static const char RECV[] = "cannot read from the kernel";
static const char REPLY[] = "unexpected reply from the kernel";

/* Fill in @err: @what failed (NULL: the kernel refused) with @error. */
static int fail(struct nlsock_err *err, const char *what, int error)
{
	err->fault = what ? NLSOCK_LOCAL : NLSOCK_KERNEL;
	err->what = what;
	err->error = error;
	return -error;
}

struct nlsock *nlsock_open(int bus, struct nlsock_err *err)
{
	struct nlsock *s = calloc(1, sizeof(*s));
	int one = 1;

	memset(err, 0, sizeof(*err));
	if (s)
		s->sk = mnl_socket_open(bus);
	if (!s || !s->sk) {
		fail(err, OPEN, errno);
		free(s);
		return NULL;
	}
	/* Best effort: every supported kernel has both. */
	mnl_socket_setsockopt(s->sk, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(s->sk, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(s->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		fail(err, "cannot bind a netlink socket", errno);
		nlsock_close(s);
		return NULL;
	}
	s->portid = mnl_socket_get_portid(s->sk);
	s->seq = (uint32_t)time(NULL);
	return s;
}

void nlsock_close(struct nlsock *s)
{
	if (s && s->sk)
		mnl_socket_close(s->sk);
	free(s);
}

struct nlmsghdr *nlsock_msg(struct nlsock *s)
{
	return mnl_nlmsg_put_header(s->send);
}

void *nlsock_buf(struct nlsock *s)
{
	return s->send;
}

ssize_t nlsock_recv(struct nlsock *s, const void **buf)
{
	ssize_t len = mnl_socket_recvfrom(s->sk, s->recv, sizeof(s->recv));

	if (buf)
		*buf = s->recv;
	return len < 0 ? -errno : len;
}

int nlsock_join(struct nlsock *s, uint32_t group)
{
	int g = (int)group;

	if (mnl_socket_setsockopt(s->sk, NETLINK_ADD_MEMBERSHIP, &g,
				  sizeof(g)) < 0)
		return -errno;
	return 0;
}

/* ------------------------------------------------------------------ */
/* One exchange                                                         */

struct talk {
	mnl_cb_t cb;
	void *data;
	struct nlsock_err *err;
	bool cb_failed;			/* @cb refused a message ... */
	int cb_errno;			/* ... with this errno */
};

static int extack_cb(const struct nlattr *attr, void *data)
{
	struct nlsock_extack *ea = data;

	switch (mnl_attr_get_type(attr)) {
	case NLMSGERR_ATTR_MSG:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			ea->msg = mnl_attr_get_str(attr);
		break;
	case NLMSGERR_ATTR_OFFS:
		ea->have_offs = nla_u32(attr, &ea->offs) == 0;
		break;
	case NLMSGERR_ATTR_MISS_TYPE:
		ea->have_miss = nla_u32(attr, &ea->miss_type) == 0;
		break;
	}
	return MNL_CB_OK;
}

/* The kernel's errno @error, and the extack TLVs at payload offset @off. */
static int kernel_error(const struct nlmsghdr *nlh, int error,
			unsigned int off, struct talk *t)
{
	t->err->error = error < 0 ? -error : error;
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
	    off <= mnl_nlmsg_get_payload_len(nlh))
		mnl_attr_parse(nlh, off, extack_cb, &t->err->ext);
	errno = t->err->error;
	return MNL_CB_ERROR;
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	unsigned int off = sizeof(*err);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*err)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (err->error == 0)
		return MNL_CB_STOP;	/* the ack */
	/* Without NLM_F_CAPPED the request is echoed before the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(err->msg);
	return kernel_error(nlh, err->error, off, data);
}

static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	int err;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(err))
		return MNL_CB_STOP;
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (err == 0)
		return MNL_CB_STOP;
	return kernel_error(nlh, err, sizeof(err), data);
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
	struct talk *t = data;
	int ret;

	if (!t->cb)
		return MNL_CB_OK;
	ret = t->cb(nlh, t->data);
	if (ret == MNL_CB_ERROR) {
		t->cb_failed = true;
		t->cb_errno = errno;
	}
	return ret;
}

/* Not const: mnl_cb_run2() takes a plain pointer. */
static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_NOOP] = noop_cb,
	[NLMSG_ERROR] = error_cb,
	[NLMSG_DONE] = done_cb,
	[NLMSG_OVERRUN] = overrun_cb,
};

/* Does @buf hold the message that ends a dump (NLMSG_DONE or an error)? */
static bool ends_dump(const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	int left = len;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		if (nlh->nlmsg_type == NLMSG_DONE ||
		    nlh->nlmsg_type == NLMSG_ERROR)
			return true;
	}
	return false;
}

/* Read the rest of an interrupted dump, whose last datagram was @len. */
static int drain(struct nlsock *s, ssize_t len)
{
	while (!ends_dump(s->recv, len)) {
		len = nlsock_recv(s, NULL);
		if (len == -EINTR)
			len = 0;
		else if (len < 0)
			return len;
	}
	return 0;
}

int nlsock_talk(struct nlsock *s, struct nlmsghdr *nlh, mnl_cb_t cb,
		void *data, struct nlsock_err *err)
{
	bool dump = (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	struct talk t = { .cb = cb, .data = data, .err = err };
	ssize_t len;
	int ret;

	memset(err, 0, sizeof(*err));
	if (!dump)
		nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = ++s->seq;
	if (mnl_socket_sendto(s->sk, nlh, nlh->nlmsg_len) < 0)
		return fail(err, SEND, errno);
	do {
		len = nlsock_recv(s, NULL);
		if (len == -EINTR) {
			ret = MNL_CB_OK;	/* a signal: read again */
			continue;
		}
		if (len < 0)
			return fail(err, RECV, -len);
		errno = 0;
		ret = mnl_cb_run2(s->recv, len, s->seq, s->portid, data_cb,
				  &t, ctl_cbs, MNL_ARRAY_SIZE(ctl_cbs));
	} while (ret > MNL_CB_STOP);

	if (ret == MNL_CB_STOP)
		return 0;
	if (err->error)		/* the kernel said no */
		return fail(err, NULL, err->error);
	if (t.cb_failed)
		return fail(err, REPLY, t.cb_errno ? t.cb_errno : EBADMSG);
	/* libmnl flags a dump that changed while it was read with EINTR. */
	if (errno == EINTR && dump) {
		ret = drain(s, len);
		if (ret)
			return fail(err, REPLY, -ret);
		fail(err, "the dump kept changing while it was read", EINTR);
		err->fault = NLSOCK_INTR;
		return -EINTR;
	}
	return fail(err, REPLY, errno ? errno : EBADMSG);
}

int nlsock_ask(struct nlsock *s, struct nlmsghdr *nlh, mnl_cb_t cb,
	       void *data, void (*restart)(void *data),
	       struct nlsock_err *err)
{
	int tries = 0, ret;

	for (;;) {
		ret = nlsock_talk(s, nlh, cb, data, err);
		if (ret != -EINTR || err->fault != NLSOCK_INTR ||
		    ++tries == NLSOCK_TRIES)
			return ret;
		if (restart)
			restart(data);
	}
}

/* ------------------------------------------------------------------ */
/* Attributes                                                           */

struct index {
	const struct nlattr **tb;
	unsigned int max;
};

/* An index of @max + 1 attributes, empty, into @tb. */
static struct index index_init(const struct nlattr **tb, unsigned int max)
{
	memset(tb, 0, (max + 1) * sizeof(*tb));
	return (struct index){ .tb = tb, .max = max };
}

/* What libmnl's parser returned, as nla_index() returns it. */
static int indexed(int ret)
{
	if (ret >= 0)
		return 0;
	errno = EBADMSG;
	return -EBADMSG;
}

static int index_cb(const struct nlattr *attr, void *data)
{
	struct index *ix = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (type <= ix->max)
		ix->tb[type] = attr;
	return MNL_CB_OK;
}

int nla_index(const struct nlmsghdr *nlh, size_t hdrlen,
	      const struct nlattr **tb, unsigned int max)
{
	struct index ix = index_init(tb, max);

	return indexed(mnl_attr_parse(nlh, hdrlen, index_cb, &ix));
}

int nla_index_nested(const struct nlattr *nest, const struct nlattr **tb,
		     unsigned int max)
{
	struct index ix = index_init(tb, max);

	if (mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0)
		return indexed(-1);
	return indexed(mnl_attr_parse_nested(nest, index_cb, &ix));
}

int nla_u8(const struct nlattr *attr, uint8_t *val)
{
	if (!attr || mnl_attr_validate(attr, MNL_TYPE_U8) < 0)
		return -EBADMSG;
	*val = mnl_attr_get_u8(attr);
	return 0;
}

int nla_u32(const struct nlattr *attr, uint32_t *val)
{
	if (!attr || mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return -EBADMSG;
	*val = mnl_attr_get_u32(attr);
	return 0;
}

int nla_u64(const struct nlattr *attr, uint64_t *val)
{
	if (!attr || mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
		return -EBADMSG;
	*val = mnl_attr_get_u64(attr);
	return 0;
}
