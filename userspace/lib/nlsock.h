/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclampctl: one netlink socket, whatever its bus (generic netlink,
 * rtnetlink, nfnetlink), over libmnl: open, send a request and read its
 * answer, the ack and its extended ack, and what a dump the kernel marks
 * inconsistent means. The attribute helpers every reader of attributes
 * shares are here too. Nothing here prints: failures are -errno, and a
 * struct nlsock_err says where they came from.
 */
#ifndef MSSCLAMPCTL_NLSOCK_H
#define MSSCLAMPCTL_NLSOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <libmnl/libmnl.h>

struct nlsock;

/*
 * How often a dump the kernel marked NLM_F_DUMP_INTR (the objects changed
 * while it was read) is asked for again before the reader gives up.
 */
#define NLSOCK_TRIES	5

/* What the kernel said about an error, beside its errno. */
struct nlsock_extack {
	const char *msg;		/* NLMSGERR_ATTR_MSG */
	bool have_offs;
	uint32_t offs;			/* NLMSGERR_ATTR_OFFS */
	bool have_miss;
	uint32_t miss_type;		/* NLMSGERR_ATTR_MISS_TYPE */
};

enum nlsock_fault {
	NLSOCK_KERNEL,			/* NLMSG_ERROR (or DONE) with an errno */
	NLSOCK_LOCAL,			/* ours: @what says what failed */
	NLSOCK_INTR,			/* the dump kept changing (EINTR) */
};

/* Why nlsock_open(), nlsock_talk() or nlsock_ask() failed. */
struct nlsock_err {
	enum nlsock_fault fault;
	const char *what;		/* but NLSOCK_KERNEL: "cannot read ..." */
	int error;			/* positive errno */
	struct nlsock_extack ext;	/* NLSOCK_KERNEL; valid until the next read */
};

/*
 * A socket on netlink bus @bus (NETLINK_GENERIC, ...), bound, with
 * NETLINK_EXT_ACK (the kernel explains its errors) and NETLINK_CAP_ACK
 * (an error does not echo the request). NULL with @err saying why.
 */
struct nlsock *nlsock_open(int bus, struct nlsock_err *err);
void nlsock_close(struct nlsock *s);

/* A request's header, zeroed, at the start of the socket's send buffer. */
struct nlmsghdr *nlsock_msg(struct nlsock *s);
/* The send buffer itself, for builders that put the header (libnftnl). */
void *nlsock_buf(struct nlsock *s);

/*
 * Send @nlh and read until its ack (NLM_F_ACK is added to a request that
 * is not a dump) or the end of the dump, handing every data message to
 * @cb (may be NULL). @cb fails with MNL_CB_ERROR and errno set. Returns
 * 0, or -errno with @err saying why. A dump the kernel marks
 * NLM_F_DUMP_INTR is read to its end and fails with -EINTR
 * (NLSOCK_INTR): what @cb saw of it is not the whole.
 */
int nlsock_talk(struct nlsock *s, struct nlmsghdr *nlh, mnl_cb_t cb,
		void *data, struct nlsock_err *err);

/*
 * nlsock_talk(), and the one answer to NLM_F_DUMP_INTR: ask again, up to
 * NLSOCK_TRIES times, calling @restart(@data) (if not NULL) before each
 * new try so that @cb starts afresh.
 */
int nlsock_ask(struct nlsock *s, struct nlmsghdr *nlh, mnl_cb_t cb,
	       void *data, void (*restart)(void *data),
	       struct nlsock_err *err);

/*
 * Read one datagram (a notification) into the socket's receive buffer,
 * at *@buf: its length, or -errno (-EINTR when a signal came first).
 */
ssize_t nlsock_recv(struct nlsock *s, const void **buf);

/* Join multicast group @group: 0 or -errno. */
int nlsock_join(struct nlsock *s, uint32_t group);

/*
 * ---- attributes ----
 * Index the attributes after @hdrlen bytes of payload of @nlh (or inside
 * @nest) by type into @tb[0..max]; unknown types are skipped. 0, or
 * -EBADMSG (errno too) for a malformed message.
 */
int nla_index(const struct nlmsghdr *nlh, size_t hdrlen,
	      const struct nlattr **tb, unsigned int max);
int nla_index_nested(const struct nlattr *nest, const struct nlattr **tb,
		     unsigned int max);
/* Read one attribute: 0, or -EBADMSG if absent or of the wrong length. */
int nla_u8(const struct nlattr *attr, uint8_t *val);
int nla_u32(const struct nlattr *attr, uint32_t *val);
int nla_u64(const struct nlattr *attr, uint64_t *val);

#endif /* MSSCLAMPCTL_NLSOCK_H */
