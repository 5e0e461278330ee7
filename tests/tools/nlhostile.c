// SPDX-License-Identifier: GPL-2.0
/*
 * nlhostile: hostile requests to the mssclamp generic netlink family.
 *
 *   nlhostile [CLASS...]           every case (of the named classes)
 *   nlhostile -l                   list the cases
 *   nlhostile userns-sender        §6: see below
 *   nlhostile userns-opener
 *
 * Each case sends one crafted message (unknown, oversized, wrongly typed,
 * duplicated or missing attributes, bad family values, bad interface
 * lists, read-only attributes, unknown commands, malformed attribute
 * headers, requests for a generic netlink family that does not exist), or
 * starts a dump and abandons it. For each one:
 *
 *   - an error comes back (NLMSG_ERROR with the expected errno) and,
 *     where the mssclamp family answers, an extack sentence
 *     (NLMSGERR_ATTR_MSG), printed; requests the genetlink core refuses
 *     before the family sees them (unknown command, unknown family) need
 *     none;
 *   - the configuration and the counters (GET_CONFIG and GET_STATS dumps,
 *     byte for byte) are what they were; if not, the tool puts the
 *     configuration back from the snapshot so that later cases start
 *     from the same state;
 *   - the family still answers.
 *
 * Output: one line per case, "ok - CLASS: NAME: ..." or
 * "not ok - CLASS: NAME: ...", and "ok - module: reference count: ..." at the
 * end (an abandoned dump holds a module reference until its socket goes).
 * Exit status 1 if any case failed, 2 on a usage or setup error.
 *
 * userns-sender: open a socket as the caller (root), then move into a new
 * user namespace, and send SET_CONFIG and RESET_STATS through the socket:
 * both must fail with EPERM (the sender has no CAP_NET_ADMIN over the
 * network namespace's owner), GET_CONFIG must work. userns-opener: a child
 * in a new user namespace opens the socket and passes it to the parent
 * (root), which write(2)s SET_CONFIG and RESET_STATS to it: EPERM too (the
 * socket's opener lacks the capability; the kernel checks the opener for
 * requests sent without a destination address, the confused-deputy case).
 * Same output format.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "uapi/mssclamp.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BUF_SIZE	(128 * 1024)
#define SNAP_SIZE	8192

static int nfailed;

/* ------------------------------------------------------------------ */
/* Sockets and messages                                                */

struct conn {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
};

static uint16_t family_id;
static char rxbuf[BUF_SIZE];

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("nlhostile: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static int conn_open(struct conn *c)
{
	int one = 1;

	c->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!c->nl)
		return -1;
	if (mnl_socket_bind(c->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		mnl_socket_close(c->nl);
		return -1;
	}
	mnl_socket_setsockopt(c->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(c->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	c->portid = mnl_socket_get_portid(c->nl);
	c->seq = (uint32_t)time(NULL);
	return 0;
}

static void conn_close(struct conn *c)
{
	if (c->nl)
		mnl_socket_close(c->nl);
	c->nl = NULL;
}

/* A message under construction, in a buffer of its own. */
struct msg {
	char buf[BUF_SIZE];
	struct nlmsghdr *nlh;
};

static struct genlmsghdr *msg_start(struct msg *m, uint16_t type,
				    uint16_t flags, uint8_t cmd)
{
	struct genlmsghdr *g;

	memset(m->buf, 0, 256);
	m->nlh = mnl_nlmsg_put_header(m->buf);
	m->nlh->nlmsg_type = type;
	m->nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	g = mnl_nlmsg_put_extra_header(m->nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = MSSCLAMP_GENL_VERSION;
	return g;
}

static void msg_mss(struct msg *m, uint8_t cmd, uint16_t flags)
{
	msg_start(m, family_id, flags, cmd);
}

/* Raw bytes at the end of the message, for malformed attribute headers. */
static void put_raw(struct msg *m, const void *data, size_t len)
{
	memcpy((char *)m->nlh + m->nlh->nlmsg_len, data, len);
	m->nlh->nlmsg_len += len;
}

/* An attribute of any type and length, flags included in @type. */
static void put_attr(struct msg *m, uint16_t type, const void *data,
		     size_t len)
{
	mnl_attr_put(m->nlh, type, len, data);
}

static void put_u8(struct msg *m, uint16_t type, uint8_t v)
{
	mnl_attr_put_u8(m->nlh, type, v);
}

static void put_u16(struct msg *m, uint16_t type, uint16_t v)
{
	mnl_attr_put_u16(m->nlh, type, v);
}

static void put_u32(struct msg *m, uint16_t type, uint32_t v)
{
	mnl_attr_put_u32(m->nlh, type, v);
}

/* What came back for one request. */
struct reply {
	int error;		/* errno from NLMSG_ERROR; 0: acked */
	int acked;		/* an NLMSG_ERROR (error or ack) arrived */
	int ndata;		/* data messages before it */
	int timeout;
	char msg[512];		/* NLMSGERR_ATTR_MSG */
	int have_msg;
	uint32_t offs;
	int have_offs;
	uint32_t miss_type;	/* NLMSGERR_ATTR_MISS_TYPE */
	int have_miss;
};

static int extack_cb(const struct nlattr *a, void *data)
{
	struct reply *r = data;

	switch (mnl_attr_get_type(a)) {
	case NLMSGERR_ATTR_MSG:
		if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0) {
			snprintf(r->msg, sizeof(r->msg), "%s",
				 mnl_attr_get_str(a));
			r->have_msg = 1;
		}
		break;
	case NLMSGERR_ATTR_OFFS:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0) {
			r->offs = mnl_attr_get_u32(a);
			r->have_offs = 1;
		}
		break;
	case NLMSGERR_ATTR_MISS_TYPE:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0) {
			r->miss_type = mnl_attr_get_u32(a);
			r->have_miss = 1;
		}
		break;
	}
	return MNL_CB_OK;
}

/* Read until the request's NLMSG_ERROR (or NLMSG_DONE), 2 s at most. */
static void recv_reply(struct conn *c, uint32_t seq, struct reply *r)
{
	struct timeval tv = { .tv_sec = 2 };
	int fd = mnl_socket_get_fd(c->nl);

	memset(r, 0, sizeof(*r));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (;;) {
		ssize_t n = recv(fd, rxbuf, sizeof(rxbuf), 0);
		struct nlmsghdr *nlh;
		int len;

		if (n < 0) {
			r->timeout = 1;
			r->error = errno;
			return;
		}
		len = (int)n;
		for (nlh = (struct nlmsghdr *)rxbuf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
				unsigned int off = sizeof(*e);

				r->acked = 1;
				r->error = -e->error;
				if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
					off += e->msg.nlmsg_len - sizeof(e->msg);
				if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
				    off <= mnl_nlmsg_get_payload_len(nlh))
					mnl_attr_parse(nlh, off, extack_cb, r);
				return;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				int err = 0;

				if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(err))
					memcpy(&err, mnl_nlmsg_get_payload(nlh),
					       sizeof(err));
				r->acked = 1;
				r->error = -err;
				if (err && (nlh->nlmsg_flags & NLM_F_ACK_TLVS))
					mnl_attr_parse(nlh, sizeof(err),
						       extack_cb, r);
				if (!err)
					continue;	/* an ack may follow */
				return;
			}
			r->ndata++;
		}
	}
}

static int send_msg(struct conn *c, struct msg *m)
{
	m->nlh->nlmsg_seq = ++c->seq;
	return mnl_socket_sendto(c->nl, m->nlh, m->nlh->nlmsg_len) < 0 ? -1 : 0;
}

static void transact(struct conn *c, struct msg *m, struct reply *r)
{
	if (send_msg(c, m) < 0) {
		memset(r, 0, sizeof(*r));
		r->error = errno;
		snprintf(r->msg, sizeof(r->msg), "sendto: %s", strerror(errno));
		return;
	}
	recv_reply(c, m->nlh->nlmsg_seq, r);
}

/* ------------------------------------------------------------------ */
/* The family id, snapshots, restoring                                 */

static int resolve_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
	    mnl_attr_validate(a, MNL_TYPE_U16) == 0)
		*(uint16_t *)data = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static int resolve(struct conn *c, const char *name, uint16_t *id)
{
	static struct msg m;
	int fd = mnl_socket_get_fd(c->nl);
	struct nlmsghdr *nlh;
	int len;

	msg_start(&m, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY);
	m.nlh->nlmsg_flags &= ~NLM_F_ACK;
	mnl_attr_put_strz(m.nlh, CTRL_ATTR_FAMILY_NAME, name);
	if (send_msg(c, &m) < 0)
		return -1;
	len = (int)recv(fd, rxbuf, sizeof(rxbuf), 0);
	*id = 0;
	for (nlh = (struct nlmsghdr *)rxbuf; mnl_nlmsg_ok(nlh, len);
	     nlh = mnl_nlmsg_next(nlh, &len)) {
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			errno = -e->error;
			return -1;
		}
		if (nlh->nlmsg_type == GENL_ID_CTRL)
			mnl_attr_parse(nlh, GENL_HDRLEN, resolve_cb, id);
	}
	return *id ? 0 : -1;
}

/* The payloads (genl header and attributes) of a dump's messages. */
#define SNAP_MSGS	4

struct snap {
	char b[SNAP_SIZE];
	size_t start[SNAP_MSGS + 1];	/* start[nmsg] is the end */
	int nmsg;
	int ok;
};

static void dump(struct conn *c, uint8_t cmd, struct snap *s)
{
	static struct msg m;
	int fd = mnl_socket_get_fd(c->nl);
	struct timeval tv = { .tv_sec = 2 };
	size_t len = 0;

	memset(s, 0, sizeof(*s));
	msg_mss(&m, cmd, NLM_F_DUMP);
	m.nlh->nlmsg_flags &= ~NLM_F_ACK;
	if (send_msg(c, &m) < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (;;) {
		ssize_t n = recv(fd, rxbuf, sizeof(rxbuf), 0);
		struct nlmsghdr *nlh;
		int rem;

		if (n <= 0)
			return;
		rem = (int)n;
		for (nlh = (struct nlmsghdr *)rxbuf; mnl_nlmsg_ok(nlh, rem);
		     nlh = mnl_nlmsg_next(nlh, &rem)) {
			size_t pl = mnl_nlmsg_get_payload_len(nlh);

			if (nlh->nlmsg_seq != m.nlh->nlmsg_seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_DONE) {
				s->start[s->nmsg] = len;
				s->ok = s->nmsg == 2;
				return;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR ||
			    s->nmsg == SNAP_MSGS || len + pl > sizeof(s->b))
				return;
			s->start[s->nmsg++] = len;
			memcpy(s->b + len, mnl_nlmsg_get_payload(nlh), pl);
			len += pl;
		}
	}
}

/* Configuration and counters of both families. */
struct state {
	struct snap cfg, stats;
};

static int take_state(struct conn *c, struct state *st)
{
	dump(c, MSSCLAMP_CMD_GET_CONFIG, &st->cfg);
	dump(c, MSSCLAMP_CMD_GET_STATS, &st->stats);
	return st->cfg.ok && st->stats.ok ? 0 : -1;
}

static int same_snap(const struct snap *a, const struct snap *b)
{
	return a->ok && b->ok && a->nmsg == b->nmsg &&
	       a->start[a->nmsg] == b->start[b->nmsg] &&
	       !memcmp(a->b, b->b, a->start[a->nmsg]);
}

/* Put the configuration of @s back: one SET_CONFIG per family. */
static void restore(struct conn *c, const struct snap *s)
{
	static struct msg m;
	int i;

	for (i = 0; i < s->nmsg; i++) {
		const char *p = s->b + s->start[i] + GENL_HDRLEN;
		size_t rem = s->start[i + 1] - s->start[i] - GENL_HDRLEN;
		const struct nlattr *a = (const struct nlattr *)p;
		struct reply r;

		msg_mss(&m, MSSCLAMP_CMD_SET_CONFIG, 0);
		while (rem >= sizeof(*a) && a->nla_len >= sizeof(*a) &&
		       a->nla_len <= rem) {
			size_t step = MNL_ALIGN(a->nla_len);

			if ((a->nla_type & NLA_TYPE_MASK) != MSSCLAMP_A_MSS)
				put_attr(&m, a->nla_type,
					 mnl_attr_get_payload(a),
					 mnl_attr_get_payload_len(a));
			if (step >= rem)
				break;
			rem -= step;
			a = (const struct nlattr *)((const char *)a + step);
		}
		transact(c, &m, &r);
		if (r.error)
			fprintf(stderr, "nlhostile: restoring the configuration: %s%s%s\n",
				strerror(r.error), r.have_msg ? ": " : "",
				r.msg);
	}
}

/* /sys/module/mssclamp/refcnt, or -1. */
static int module_refs(void)
{
	FILE *f = fopen("/sys/module/mssclamp/refcnt", "r");
	int n = -1;

	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* The cases                                                           */

enum want_msg {
	MSG_REQUIRED,	/* the family's policy or code answers */
	MSG_OPTIONAL,	/* the genetlink core answers before the family */
	NO_ERROR,	/* an abandoned dump: only the state is checked */
};

/*
 * A request is a list of steps, run in order by build(); the macros below
 * spell them. The first starts the message: REQ (to the mssclamp family),
 * CTRL (to the genetlink controller), TO_ID (to any family id), or SET4
 * (REQ SET_CONFIG with FAMILY 4 and MTU 1300: a change that must not
 * happen). Then attributes, nests, and the damage done to them.
 */
enum step_kind {
	S_END,
	S_REQ,		/* .cmd to the mssclamp family, .val more nlmsg flags */
	S_CTRL,		/* .cmd to GENL_ID_CTRL */
	S_TO_ID,	/* .cmd to family id .val */
	S_SET4,
	S_U8,		/* attribute .type (flags included), value .val */
	S_U16,
	S_U32,
	S_U64,
	S_STRZ,		/* the string .data and its NUL */
	S_DATA,		/* .val bytes of .data */
	S_FILL,		/* .val bytes, each .fill */
	S_FILLZ,	/* .val bytes: .fill, the last one a NUL */
	S_NEST,		/* open a nest of type .type */
	S_NEST_END,	/* close the innermost open nest */
	S_NEST_END_FLAT,	/* the same, then clear its NLA_F_NESTED */
	S_NAMES,	/* .val interface names mcx0, mcx1, ... */
	S_RAW,		/* .val raw bytes of .data after the last attribute */
	S_LAST_LEN,	/* the last attribute's nla_len becomes .val */
	S_LAST_LEN_ADD,	/* the last attribute's nla_len grows by .val */
	S_MSG_LEN,	/* nlmsg_len becomes the netlink header plus .val */
	S_BUSY,		/* first a GET_CONFIG dump on the socket, left unread */
};

struct step {
	enum step_kind kind;
	uint16_t type;
	uint8_t cmd;
	uint8_t fill;
	uint32_t val;
	const void *data;
};

#define STEPS(...)	((const struct step[]){ __VA_ARGS__, { .kind = S_END } })
#define REQ(c, fl)	{ .kind = S_REQ, .cmd = (c), .val = (fl) }
#define CTRL(c)		{ .kind = S_CTRL, .cmd = (c) }
#define TO_ID(id, c)	{ .kind = S_TO_ID, .cmd = (c), .val = (id) }
#define SET4		{ .kind = S_SET4 }
#define U8(t, v)	{ .kind = S_U8, .type = (t), .val = (v) }
#define U16(t, v)	{ .kind = S_U16, .type = (t), .val = (v) }
#define U32(t, v)	{ .kind = S_U32, .type = (t), .val = (v) }
#define U64(t, v)	{ .kind = S_U64, .type = (t), .val = (v) }
#define STRZ(t, s)	{ .kind = S_STRZ, .type = (t), .data = (s) }
#define DATA(t, s, n)	{ .kind = S_DATA, .type = (t), .data = (s), .val = (n) }
#define FILL(t, n, b)	{ .kind = S_FILL, .type = (t), .val = (n), .fill = (b) }
#define FILLZ(t, n, b)	{ .kind = S_FILLZ, .type = (t), .val = (n), .fill = (b) }
#define NEST(t)		{ .kind = S_NEST, .type = (t) }
#define NEST_END	{ .kind = S_NEST_END }
#define NEST_END_FLAT	{ .kind = S_NEST_END_FLAT }
#define NAMES(n)	{ .kind = S_NAMES, .val = (n) }
#define RAW(...)	{ .kind = S_RAW, .data = (const uint8_t[]){ __VA_ARGS__ }, \
			  .val = sizeof((const uint8_t[]){ __VA_ARGS__ }) }
#define LAST_LEN(n)	{ .kind = S_LAST_LEN, .val = (n) }
#define LAST_LEN_ADD(n)	{ .kind = S_LAST_LEN_ADD, .val = (n) }
#define MSG_LEN(n)	{ .kind = S_MSG_LEN, .val = (n) }
#define BUSY		{ .kind = S_BUSY }

#define V4		MSSCLAMP_FAMILY_IPV4
#define V6		MSSCLAMP_FAMILY_IPV6
#define FAMILY(f)	U8(MSSCLAMP_A_FAMILY, f)
#define MTU(v)		U32(MSSCLAMP_A_MTU, v)
#define NAME(s)		STRZ(MSSCLAMP_DEV_A_NAME, s)
#define DEVS(...)	NEST(MSSCLAMP_A_DEVS), __VA_ARGS__, NEST_END
/* SET_CONFIG with FAMILY f, ENABLED 0, MTU 1300. */
#define SET_FAMILY(f)	REQ(MSSCLAMP_CMD_SET_CONFIG, 0), FAMILY(f), \
			U8(MSSCLAMP_A_ENABLED, 0), MTU(1300)
/* Command c with FAMILY 4, MTU 1300. */
#define CMD(c)		REQ(c, 0), FAMILY(V4), MTU(1300)

struct hcase {
	const char *cls;
	const char *name;
	const struct step *steps;
	int err;		/* expected errno */
	enum want_msg want;
	const char *substr;	/* expected in the extack sentence, or NULL */
};

static const struct hcase cases[] = {
	{ "unknown-attr", "SET with attribute type 13 (one past the last)",
	  STEPS(SET4, U32(MSSCLAMP_A_MAX + 1, 1)), EINVAL, MSG_REQUIRED, NULL },
	{ "unknown-attr", "SET with attribute type 200",
	  STEPS(SET4, U32(200, 1)), EINVAL, MSG_REQUIRED, NULL },
	{ "unknown-attr", "SET with attribute type 0 (unspec)",
	  STEPS(SET4, U32(0, 1)), EINVAL, MSG_REQUIRED, NULL },
	{ "unknown-attr", "GET_CONFIG with attribute type 13",
	  STEPS(REQ(MSSCLAMP_CMD_GET_CONFIG, 0), FAMILY(V4),
		U8(MSSCLAMP_A_MAX + 1, 1)), EINVAL, MSG_REQUIRED, NULL },
	{ "unknown-attr", "GET_STATS dump request with attribute type 13",
	  STEPS(REQ(MSSCLAMP_CMD_GET_STATS, NLM_F_DUMP),
		U8(MSSCLAMP_A_MAX + 1, 1)), EINVAL, MSG_REQUIRED, NULL },
	{ "unknown-attr", "RESET_STATS with attribute type 200",
	  STEPS(REQ(MSSCLAMP_CMD_RESET_STATS, 0), U32(200, 0)), EINVAL,
	  MSG_REQUIRED, NULL },
	{ "unknown-attr", "DEVS nest with attribute type 2 inside",
	  STEPS(SET4, DEVS(NAME("mcx0"), U32(MSSCLAMP_DEV_A_MAX + 1, 7))),
	  EINVAL, MSG_REQUIRED, NULL },
	{ "oversized", "MTU of 8 bytes",
	  STEPS(REQ(MSSCLAMP_CMD_SET_CONFIG, 0), FAMILY(V4),
		U64(MSSCLAMP_A_MTU, 1300)), EINVAL, MSG_REQUIRED, NULL },
	{ "oversized", "FAMILY of 1000 bytes",
	  STEPS(REQ(MSSCLAMP_CMD_SET_CONFIG, 0),
		FILL(MSSCLAMP_A_FAMILY, 1000, V4), MTU(1300)), EINVAL,
	  MSG_REQUIRED, NULL },
	{ "oversized", "MTU of 60000 bytes",
	  STEPS(REQ(MSSCLAMP_CMD_SET_CONFIG, 0), FAMILY(V4),
		FILL(MSSCLAMP_A_MTU, 60000, 0x05)), EINVAL, MSG_REQUIRED,
	  NULL },
	{ "oversized", "unknown attribute of 60000 bytes",
	  STEPS(SET4, FILL(200, 60000, 0xa5)), EINVAL, MSG_REQUIRED, NULL },
	{ "oversized", "interface name of 4000 bytes",
	  STEPS(SET4, DEVS(FILLZ(MSSCLAMP_DEV_A_NAME, 4000, 'x'))), EINVAL,
	  MSG_REQUIRED, NULL },
	{ "wrong-type", "MTU as u8",
	  STEPS(REQ(MSSCLAMP_CMD_SET_CONFIG, 0), FAMILY(V4),
		U8(MSSCLAMP_A_MTU, 200)), EINVAL, MSG_REQUIRED, NULL },
	{ "wrong-type", "MTU as u16",
	  STEPS(REQ(MSSCLAMP_CMD_SET_CONFIG, 0), FAMILY(V4),
		U16(MSSCLAMP_A_MTU, 1300)), EINVAL, MSG_REQUIRED, NULL },
	{ "wrong-type", "FAMILY as u32",
	  STEPS(REQ(MSSCLAMP_CMD_SET_CONFIG, 0), U32(MSSCLAMP_A_FAMILY, V4),
		MTU(1300)), EINVAL, MSG_REQUIRED, NULL },
	{ "wrong-type", "ENABLED as u32",
	  STEPS(SET4, U32(MSSCLAMP_A_ENABLED, 0)), EINVAL, MSG_REQUIRED, NULL },
	{ "wrong-type", "HOOK as u16",
	  STEPS(SET4, U16(MSSCLAMP_A_HOOK, 1)), EINVAL, MSG_REQUIRED, NULL },
	{ "wrong-type", "OVERHEAD as u8",
	  STEPS(SET4, U8(MSSCLAMP_A_OVERHEAD, 4)), EINVAL, MSG_REQUIRED, NULL },
	{ "wrong-type", "DEVS as u32",
	  STEPS(SET4, U32(MSSCLAMP_A_DEVS, 0x6d637830)), EINVAL, MSG_REQUIRED,
	  NULL },
	{ "wrong-type", "DEVS nest without NLA_F_NESTED",
	  STEPS(SET4, NEST(MSSCLAMP_A_DEVS), NAME("mcx0"), NEST_END_FLAT),
	  EINVAL, MSG_REQUIRED, NULL },
	{ "wrong-type", "FAMILY with NLA_F_NESTED",
	  STEPS(REQ(MSSCLAMP_CMD_SET_CONFIG, 0),
		U8(MSSCLAMP_A_FAMILY | NLA_F_NESTED, V4), MTU(1300)), EINVAL,
	  MSG_REQUIRED, NULL },
	{ "out-of-range", "ENABLED 2",
	  STEPS(SET4, U8(MSSCLAMP_A_ENABLED, 2)), ERANGE, MSG_REQUIRED, NULL },
	{ "out-of-range", "HOOK 2",
	  STEPS(SET4, U8(MSSCLAMP_A_HOOK, 2)), ERANGE, MSG_REQUIRED, NULL },
	{ "out-of-range", "PMTU 255",
	  STEPS(SET4, U8(MSSCLAMP_A_PMTU, 255)), ERANGE, MSG_REQUIRED, NULL },
	{ "out-of-range", "SYN 2",
	  STEPS(SET4, U8(MSSCLAMP_A_SYN, 2)), ERANGE, MSG_REQUIRED, NULL },
	{ "out-of-range", "SYNACK 9",
	  STEPS(SET4, U8(MSSCLAMP_A_SYNACK, 9)), ERANGE, MSG_REQUIRED, NULL },
	{ "out-of-range", "IPv6 MTU 0",
	  STEPS(REQ(MSSCLAMP_CMD_SET_CONFIG, 0), FAMILY(V6),
		U8(MSSCLAMP_A_ENABLED, 0), MTU(0)), EINVAL, MSG_REQUIRED,
	  "1280 to 65535" },
	{ "out-of-range", "MTU 4294967295",
	  STEPS(REQ(MSSCLAMP_CMD_SET_CONFIG, 0), FAMILY(V4), MTU(0xffffffff)),
	  EINVAL, MSG_REQUIRED, "576 to 65535" },
	{ "out-of-range", "OVERHEAD 4294967295",
	  STEPS(SET4, U32(MSSCLAMP_A_OVERHEAD, 0xffffffff)), EINVAL,
	  MSG_REQUIRED, "overhead" },
	{ "duplicated", "MTU twice (1300, 1400)",
	  STEPS(SET4, MTU(1400)), EINVAL, MSG_REQUIRED, NULL },
	{ "duplicated", "FAMILY twice (4, 6)",
	  STEPS(REQ(MSSCLAMP_CMD_SET_CONFIG, 0), FAMILY(V4), FAMILY(V6),
		MTU(1400) /* valid for both */), EINVAL, MSG_REQUIRED, NULL },
	{ "duplicated", "ENABLED twice (1, 0)",
	  STEPS(REQ(MSSCLAMP_CMD_SET_CONFIG, 0), FAMILY(V4),
		U8(MSSCLAMP_A_ENABLED, 1), U8(MSSCLAMP_A_ENABLED, 0)), EINVAL,
	  MSG_REQUIRED, NULL },
	{ "duplicated", "DEVS twice",
	  STEPS(REQ(MSSCLAMP_CMD_SET_CONFIG, 0), FAMILY(V4),
		DEVS(NAME("mcx0")), DEVS(NAME("mcx1"))), EINVAL, MSG_REQUIRED,
	  NULL },
	{ "missing", "SET without FAMILY",
	  STEPS(REQ(MSSCLAMP_CMD_SET_CONFIG, 0), U8(MSSCLAMP_A_ENABLED, 0),
		MTU(1300)), EINVAL, MSG_REQUIRED, "family missing" },
	{ "missing", "SET without any attribute",
	  STEPS(REQ(MSSCLAMP_CMD_SET_CONFIG, 0)), EINVAL, MSG_REQUIRED,
	  "family missing" },
	{ "missing", "GET_CONFIG without FAMILY",
	  STEPS(REQ(MSSCLAMP_CMD_GET_CONFIG, 0)), EINVAL, MSG_REQUIRED,
	  "family missing" },
	{ "missing", "GET_STATS without FAMILY",
	  STEPS(REQ(MSSCLAMP_CMD_GET_STATS, 0)), EINVAL, MSG_REQUIRED,
	  "family missing" },
	{ "family-value", "SET with FAMILY 5", STEPS(SET_FAMILY(5)), EINVAL,
	  MSG_REQUIRED, "unknown family" },
	{ "family-value", "SET with FAMILY 0", STEPS(SET_FAMILY(0)), EINVAL,
	  MSG_REQUIRED, "unknown family" },
	{ "family-value", "SET with FAMILY 255", STEPS(SET_FAMILY(255)),
	  EINVAL, MSG_REQUIRED, "unknown family" },
	{ "family-value", "GET_CONFIG with FAMILY 5",
	  STEPS(REQ(MSSCLAMP_CMD_GET_CONFIG, 0), FAMILY(5)), EINVAL,
	  MSG_REQUIRED, "unknown family" },
	{ "family-value", "GET_STATS with FAMILY 0",
	  STEPS(REQ(MSSCLAMP_CMD_GET_STATS, 0), FAMILY(0)), EINVAL,
	  MSG_REQUIRED, "unknown family" },
	{ "family-value", "RESET_STATS with FAMILY 255",
	  STEPS(REQ(MSSCLAMP_CMD_RESET_STATS, 0), FAMILY(255)), EINVAL,
	  MSG_REQUIRED, "unknown family" },
	{ "devs", "17 interface names",
	  STEPS(SET4, DEVS(NAMES(MSSCLAMP_MAX_DEVS + 1))), EINVAL,
	  MSG_REQUIRED, "at most 16" },
	{ "devs", "an empty name (a NUL alone)",
	  STEPS(SET4, DEVS(NAME("mcx0"), NAME(""))), EINVAL, MSG_REQUIRED,
	  "empty interface name" },
	/* Two NULs: long enough for the policy, empty once copied. */
	{ "devs", "a name of two NULs",
	  STEPS(SET4, DEVS(DATA(MSSCLAMP_DEV_A_NAME, "\0\0", 2))), EINVAL,
	  MSG_REQUIRED, "empty interface name" },
	/* A NUL first, then a name: empty once copied too. */
	{ "devs", "a NUL, then a name",
	  STEPS(SET4, DEVS(DATA(MSSCLAMP_DEV_A_NAME, "\0wan", 5))), EINVAL,
	  MSG_REQUIRED, "empty interface name" },
	{ "devs", "a name with a slash",
	  STEPS(SET4, DEVS(NAME("mcx/0"))), EINVAL, MSG_REQUIRED,
	  "not a valid interface name" },
	{ "devs", "the name ..",
	  STEPS(SET4, DEVS(NAME(".."))), EINVAL, MSG_REQUIRED,
	  "not a valid interface name" },
	{ "devs", "a name with a space",
	  STEPS(SET4, DEVS(NAME("mcx 0"))), EINVAL, MSG_REQUIRED,
	  "not a valid interface name" },
	{ "devs", "a name attribute of length 0",
	  STEPS(SET4, DEVS(DATA(MSSCLAMP_DEV_A_NAME, "", 0))), EINVAL,
	  MSG_REQUIRED, NULL },
	{ "devs", "a 16-character name",
	  STEPS(SET4, DEVS(NAME("mcx-sixteen-chr"),	/* 15: accepted */
			   NAME("mcx-sixteen-char"))),	/* 16: one too many */
	  EINVAL, MSG_REQUIRED, NULL },
	{ "devs", "a 15-character name without its NUL",
	  STEPS(SET4, DEVS(DATA(MSSCLAMP_DEV_A_NAME, "mcx-fifteen-chr", 15))),
	  EINVAL, MSG_REQUIRED, NULL },
	{ "devs", "4 binary bytes as a name",
	  STEPS(SET4, DEVS(DATA(MSSCLAMP_DEV_A_NAME,
				((const uint8_t[]){ 1, 2, 3, 4 }), 4))),
	  EINVAL, MSG_REQUIRED, NULL },
	{ "devs", "a nest in place of a name",
	  STEPS(SET4, DEVS(NEST(MSSCLAMP_DEV_A_NAME), NAME("mcx0"),
			   NEST_END)), EINVAL, MSG_REQUIRED, NULL },
	{ "devs", "a name running past the end of DEVS",
	  STEPS(SET4, DEVS(NAME("mcx0"), LAST_LEN_ADD(8))), EINVAL,
	  MSG_REQUIRED, NULL },
	{ "read-only", "SET with MSS",
	  STEPS(SET4, U32(MSSCLAMP_A_MSS, 1000)), EINVAL, MSG_REQUIRED,
	  "mss is computed" },
	{ "read-only", "SET with a STATS nest of counters",
	  STEPS(SET4, NEST(MSSCLAMP_A_STATS), U64(MSSCLAMP_STAT_A_SYN, 0),
		U64(MSSCLAMP_STAT_A_ERRORS, 0), NEST_END), EINVAL,
	  MSG_REQUIRED, "read only" },
	/*
	 * Strict validation insists on NLA_F_NESTED for a nest before the
	 * family sees the request: the core's sentence says what is wrong.
	 */
	{ "read-only", "SET with STATS counters, NLA_F_NESTED clear",
	  STEPS(SET4, NEST(MSSCLAMP_A_STATS), U64(MSSCLAMP_STAT_A_SYN, 0),
		NEST_END_FLAT), EINVAL, MSG_REQUIRED, "NLA_F_NESTED" },
	{ "read-only", "SET with an empty STATS nest",
	  STEPS(SET4, NEST(MSSCLAMP_A_STATS), NEST_END), EINVAL, MSG_REQUIRED,
	  "read only" },
	{ "read-only", "SET with PAD",
	  STEPS(SET4, U32(MSSCLAMP_A_PAD, 0)), EINVAL, MSG_REQUIRED, NULL },
	{ "read-only", "GET_CONFIG with MSS",
	  STEPS(REQ(MSSCLAMP_CMD_GET_CONFIG, 0), FAMILY(V4),
		U32(MSSCLAMP_A_MSS, 1000)), EINVAL, MSG_REQUIRED,
	  "mss is computed" },
	{ "command", "command 0", STEPS(CMD(0)), EOPNOTSUPP, MSG_OPTIONAL,
	  NULL },
	{ "command", "command 5 (one past the last)",
	  STEPS(CMD(MSSCLAMP_CMD_MAX + 1)), EOPNOTSUPP, MSG_OPTIONAL, NULL },
	{ "command", "command 99", STEPS(CMD(99)), EOPNOTSUPP, MSG_OPTIONAL,
	  NULL },
	{ "command", "command 255", STEPS(CMD(255)), EOPNOTSUPP, MSG_OPTIONAL,
	  NULL },
	{ "command", "SET_CONFIG as a dump",
	  STEPS(REQ(MSSCLAMP_CMD_SET_CONFIG, NLM_F_DUMP), FAMILY(V4),
		MTU(1300)), EOPNOTSUPP, MSG_OPTIONAL, NULL },
	{ "command", "RESET_STATS as a dump",
	  STEPS(REQ(MSSCLAMP_CMD_RESET_STATS, NLM_F_DUMP)), EOPNOTSUPP,
	  MSG_OPTIONAL, NULL },
	{ "malformed", "attribute header with nla_len 2",
	  STEPS(SET4, RAW(2, 0, MSSCLAMP_A_MTU, 0)), EINVAL, MSG_REQUIRED,
	  NULL },
	{ "malformed", "attribute running past the message",
	  STEPS(REQ(MSSCLAMP_CMD_SET_CONFIG, 0), FAMILY(V4), MTU(1300),
		LAST_LEN(200)), EINVAL, MSG_REQUIRED, NULL },
	{ "malformed", "3 bytes after the last attribute",
	  STEPS(SET4, RAW(0xff, 0xff, 0xff)), EINVAL, MSG_REQUIRED, NULL },
	{ "malformed", "message shorter than the genetlink header",
	  STEPS(REQ(MSSCLAMP_CMD_SET_CONFIG, 0), MSG_LEN(2)), EINVAL,
	  MSG_OPTIONAL, NULL },
	{ "no-such-family", "CTRL_CMD_GETFAMILY mssclampnope",
	  STEPS(CTRL(CTRL_CMD_GETFAMILY),
		STRZ(CTRL_ATTR_FAMILY_NAME, "mssclampnope")), ENOENT,
	  MSG_OPTIONAL, NULL },
	{ "no-such-family", "CTRL_CMD_GETFAMILY with a 199-character name",
	  STEPS(CTRL(CTRL_CMD_GETFAMILY),
		FILLZ(CTRL_ATTR_FAMILY_NAME, 200, 'm')), EINVAL, MSG_OPTIONAL,
	  NULL },
	{ "no-such-family", "SET_CONFIG to an unregistered family id",
	  STEPS(TO_ID(0x7ff0, MSSCLAMP_CMD_SET_CONFIG), FAMILY(V4),
		MTU(1300)), ENOENT, MSG_OPTIONAL, NULL },
	/* A dump is still running on the socket: a second one is refused. */
	{ "dump", "a second dump while one is unread",
	  STEPS(BUSY, REQ(MSSCLAMP_CMD_GET_STATS, NLM_F_DUMP)), EBUSY,
	  MSG_OPTIONAL, NULL },
};

/* Room for any value a FILL or FILLZ step puts in one attribute. */
static char big[65536];

/* Where the next attribute goes. */
static struct nlattr *tail(struct msg *m)
{
	return (struct nlattr *)((char *)m->nlh + m->nlh->nlmsg_len);
}

/* Build the request @steps describe into @m, for the socket @c. */
static void build(struct conn *c, struct msg *m, const struct step *steps)
{
	struct nlattr *nest[4], *last = NULL, *closed;
	const struct step *s;
	char name[16];
	int depth = 0;
	uint32_t i;

	for (s = steps; s->kind != S_END; s++) {
		switch (s->kind) {
		case S_END:
			break;
		case S_REQ:
			msg_mss(m, s->cmd, (uint16_t)s->val);
			break;
		case S_CTRL:
			msg_start(m, GENL_ID_CTRL, 0, s->cmd);
			break;
		case S_TO_ID:
			msg_start(m, (uint16_t)s->val, 0, s->cmd);
			break;
		case S_SET4:
			msg_mss(m, MSSCLAMP_CMD_SET_CONFIG, 0);
			put_u8(m, MSSCLAMP_A_FAMILY, V4);
			put_u32(m, MSSCLAMP_A_MTU, 1300);
			break;
		case S_U8:
			last = tail(m);
			put_u8(m, s->type, (uint8_t)s->val);
			break;
		case S_U16:
			last = tail(m);
			put_u16(m, s->type, (uint16_t)s->val);
			break;
		case S_U32:
			last = tail(m);
			put_u32(m, s->type, s->val);
			break;
		case S_U64:
			last = tail(m);
			mnl_attr_put_u64(m->nlh, s->type, s->val);
			break;
		case S_STRZ:
			last = tail(m);
			mnl_attr_put_strz(m->nlh, s->type, s->data);
			break;
		case S_DATA:
			last = tail(m);
			put_attr(m, s->type, s->data, s->val);
			break;
		case S_FILL:
		case S_FILLZ:
			memset(big, s->fill, s->val);
			if (s->kind == S_FILLZ)
				big[s->val - 1] = 0;
			last = tail(m);
			put_attr(m, s->type, big, s->val);
			break;
		case S_NEST:
			if (depth == (int)ARRAY_SIZE(nest))
				die("build: nests deeper than %zu",
				    ARRAY_SIZE(nest));
			nest[depth++] = mnl_attr_nest_start(m->nlh, s->type);
			break;
		case S_NEST_END:
		case S_NEST_END_FLAT:
			if (!depth)
				die("build: a nest closed that was not open");
			closed = nest[--depth];
			mnl_attr_nest_end(m->nlh, closed);
			if (s->kind == S_NEST_END_FLAT)
				closed->nla_type &= ~NLA_F_NESTED;
			break;
		case S_NAMES:
			for (i = 0; i < s->val; i++) {
				snprintf(name, sizeof(name), "mcx%u", i);
				mnl_attr_put_strz(m->nlh, MSSCLAMP_DEV_A_NAME,
						  name);
			}
			break;
		case S_RAW:
			put_raw(m, s->data, s->val);
			break;
		case S_LAST_LEN:
		case S_LAST_LEN_ADD:
			if (!last)
				die("build: no attribute to change");
			last->nla_len = (uint16_t)(s->val +
				(s->kind == S_LAST_LEN_ADD ? last->nla_len : 0));
			break;
		case S_MSG_LEN:
			m->nlh->nlmsg_len = MNL_NLMSG_HDRLEN + s->val;
			break;
		case S_BUSY: {
			static struct msg first;

			msg_mss(&first, MSSCLAMP_CMD_GET_CONFIG, NLM_F_DUMP);
			first.nlh->nlmsg_flags &= ~NLM_F_ACK;
			send_msg(c, &first);
			break;
		}
		}
	}
	if (depth)
		die("build: a nest left open");
}

/* Abandoned dumps: run on a socket of their own, closed midway. */
static void abandon_first_message(struct conn *c, uint8_t cmd)
{
	static struct msg m;
	char small[64];

	msg_mss(&m, cmd, NLM_F_DUMP);
	m.nlh->nlmsg_flags &= ~NLM_F_ACK;
	send_msg(c, &m);
	/* Part of the first message: the datagram's rest is dropped. */
	if (recv(mnl_socket_get_fd(c->nl), small, sizeof(small), 0) < 0)
		perror("nlhostile: recv");
}

static void abandon_unread(struct conn *c, uint8_t cmd)
{
	static struct msg m;

	msg_mss(&m, cmd, NLM_F_DUMP);
	m.nlh->nlmsg_flags &= ~NLM_F_ACK;
	send_msg(c, &m);
}

/* An unread dump holds a module reference until its socket goes. */
static int refs_during;

static void abandon_count_refs(struct conn *c, uint8_t cmd)
{
	abandon_unread(c, cmd);
	usleep(100000);
	refs_during = module_refs();
}

struct acase {
	const char *name;
	void (*run)(struct conn *c, uint8_t cmd);
	uint8_t cmd;
	int times;
};

static const struct acase abandoned[] = {
	{ "GET_CONFIG dump: first message read short, socket closed",
	  abandon_first_message, MSSCLAMP_CMD_GET_CONFIG, 1 },
	{ "GET_STATS dump: first message read short, socket closed",
	  abandon_first_message, MSSCLAMP_CMD_GET_STATS, 1 },
	{ "GET_CONFIG dump: socket closed before reading",
	  abandon_unread, MSSCLAMP_CMD_GET_CONFIG, 1 },
	{ "an unread dump holds a module reference", abandon_count_refs,
	  MSSCLAMP_CMD_GET_CONFIG, 1 },
	{ "200 dumps abandoned on 200 sockets", abandon_unread,
	  MSSCLAMP_CMD_GET_STATS, 200 },
};

/* ------------------------------------------------------------------ */
/* Running                                                             */

static void result(int ok, const char *cls, const char *name,
		   const char *fmt, ...)
{
	char detail[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	printf("%s - %s: %s%s%s\n", ok ? "ok" : "not ok", cls, name,
	       *detail ? ": " : "", detail);
	fflush(stdout);
	if (!ok)
		nfailed++;
}

static const char *errname(int e)
{
	switch (e) {
	case 0: return "no error";
	case EINVAL: return "EINVAL";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENOENT: return "ENOENT";
	case EPERM: return "EPERM";
	case EBUSY: return "EBUSY";
	case ERANGE: return "ERANGE";
	case EAGAIN: return "no answer in 2 s";
	default: return strerror(e);
	}
}

/* Check the family answers and nothing changed; put it back if it did. */
static int state_same(struct conn *ctl, const struct state *before,
		      char *why, size_t whylen)
{
	struct state after;

	if (take_state(ctl, &after) < 0) {
		snprintf(why, whylen, "the family no longer answers dumps");
		return 0;
	}
	if (!same_snap(&before->cfg, &after.cfg)) {
		snprintf(why, whylen, "the configuration changed (put back)");
		restore(ctl, &before->cfg);
		return 0;
	}
	if (!same_snap(&before->stats, &after.stats)) {
		snprintf(why, whylen, "the counters changed");
		return 0;
	}
	return 1;
}

static int selected(const char *cls, int argc, char **argv)
{
	int i;

	if (!argc)
		return 1;
	for (i = 0; i < argc; i++)
		if (!strcmp(argv[i], cls))
			return 1;
	return 0;
}

static void run_case(struct conn *ctl, const struct hcase *hc,
		     const struct state *before)
{
	static struct msg m;
	struct reply r;
	struct conn c;
	char why[512] = "", state[256];
	char detail[1024];
	int ok = 1;

	if (conn_open(&c) < 0)
		die("cannot open a netlink socket: %s", strerror(errno));
	build(&c, &m, hc->steps);
	transact(&c, &m, &r);
	conn_close(&c);

	if (!r.acked || r.error != hc->err) {
		ok = 0;
		snprintf(why, sizeof(why), "; expected %s", errname(hc->err));
	} else if (hc->want == MSG_REQUIRED && !r.have_msg) {
		ok = 0;
		snprintf(why, sizeof(why), "; no extack message");
	} else if (hc->substr && !strstr(r.msg, hc->substr)) {
		ok = 0;
		snprintf(why, sizeof(why), "; the message does not say \"%s\"",
			 hc->substr);
	} else if (hc->substr && !strcmp(hc->substr, "family missing") &&
		   (!r.have_miss || r.miss_type != MSSCLAMP_A_FAMILY)) {
		/* The core's own marker, for tools that read it (ynl). */
		ok = 0;
		snprintf(why, sizeof(why),
			 "; no NLMSGERR_ATTR_MISS_TYPE naming FAMILY");
	}
	/* Always: a case that changed the state must not spoil the next. */
	if (!state_same(ctl, before, state, sizeof(state))) {
		size_t n = strlen(why);

		ok = 0;
		snprintf(why + n, sizeof(why) - n, "; %s", state);
	}
	snprintf(detail, sizeof(detail), "%s, extack %s%s%s%s",
		 r.acked ? errname(r.error) : "no answer",
		 r.have_msg ? "\"" : "none", r.have_msg ? r.msg : "",
		 r.have_msg ? "\"" : "", why);
	result(ok, hc->cls, hc->name, "%s", detail);
}

static void run_abandoned(struct conn *ctl, const struct acase *ac,
			  const struct state *before, int refs0)
{
	char why[256] = "";
	struct conn c;
	int i;

	for (i = 0; i < ac->times; i++) {
		if (conn_open(&c) < 0)
			die("cannot open a netlink socket: %s", strerror(errno));
		ac->run(&c, ac->cmd);
		conn_close(&c);
	}
	if (!state_same(ctl, before, why, sizeof(why))) {
		result(0, "dump", ac->name, "%s", why);
		return;
	}
	if (ac->run == abandon_count_refs) {
		result(refs0 >= 0 && refs_during == refs0 + 1, "dump", ac->name,
		       "%d references while it was open, %d before", refs_during,
		       refs0);
		return;
	}
	result(1, "dump", ac->name, "a new dump answers, nothing changed");
}

static int run_all(int argc, char **argv)
{
	struct state before;
	struct conn ctl;
	int refs0, refs, i, waited;

	if (conn_open(&ctl) < 0)
		die("cannot open a netlink socket: %s", strerror(errno));
	if (resolve(&ctl, MSSCLAMP_GENL_NAME, &family_id) < 0)
		die("no generic netlink family %s: %s", MSSCLAMP_GENL_NAME,
		    strerror(errno));
	if (take_state(&ctl, &before) < 0)
		die("cannot dump the configuration and counters");
	refs0 = module_refs();

	for (i = 0; i < (int)ARRAY_SIZE(cases); i++)
		if (selected(cases[i].cls, argc, argv))
			run_case(&ctl, &cases[i], &before);
	if (selected("dump", argc, argv))
		for (i = 0; i < (int)ARRAY_SIZE(abandoned); i++)
			run_abandoned(&ctl, &abandoned[i], &before, refs0);

	/* Sockets are freed after an RCU grace period: wait a little. */
	for (waited = 0; (refs = module_refs()) != refs0 && waited < 50;
	     waited++)
		usleep(100000);
	result(refs == refs0, "module", "reference count", "%d before, %d after",
	       refs0, refs);
	conn_close(&ctl);
	return nfailed ? 1 : 0;
}

/* ------------------------------------------------------------------ */
/* §6: sockets and user namespaces                                     */

/*
 * With @plain, write(2) the request: no destination address, as a
 * privileged program would when tricked into writing to a descriptor it
 * was handed. The kernel checks the socket opener's capabilities only
 * then; a sendto() with an address (NETLINK_SKB_DST) means the sender
 * talks netlink on purpose, and only the sender's capabilities count.
 */
static void try_cmd(struct conn *c, const char *what, uint8_t cmd, int want,
		    int plain)
{
	static struct msg m;
	struct reply r;

	msg_mss(&m, cmd, 0);
	put_u8(&m, MSSCLAMP_A_FAMILY, V4);
	if (cmd == MSSCLAMP_CMD_SET_CONFIG)
		put_u32(&m, MSSCLAMP_A_MTU, 1300);
	if (plain) {
		m.nlh->nlmsg_seq = ++c->seq;
		if (write(mnl_socket_get_fd(c->nl), m.nlh, m.nlh->nlmsg_len) < 0)
			die("write: %s", strerror(errno));
		recv_reply(c, m.nlh->nlmsg_seq, &r);
	} else {
		transact(c, &m, &r);
	}
	result(r.acked && r.error == want, "userns", what, "%s%s%s (expected %s)",
	       r.acked ? errname(r.error) : "no answer",
	       r.have_msg ? ", extack: " : "", r.msg, errname(want));
}

/* Opened by the caller, used after moving into a new user namespace. */
static int userns_sender(void)
{
	struct state before;
	struct conn c;
	char why[256];

	if (conn_open(&c) < 0 || resolve(&c, MSSCLAMP_GENL_NAME, &family_id) < 0)
		die("cannot reach the %s family: %s", MSSCLAMP_GENL_NAME,
		    strerror(errno));
	if (take_state(&c, &before) < 0)
		die("cannot dump the configuration and counters");
	if (unshare(CLONE_NEWUSER) < 0)
		die("unshare(CLONE_NEWUSER): %s", strerror(errno));
	try_cmd(&c, "SET_CONFIG through a socket opened before unshare(CLONE_NEWUSER)",
		MSSCLAMP_CMD_SET_CONFIG, EPERM, 0);
	try_cmd(&c, "the same, written with write(2)",
		MSSCLAMP_CMD_SET_CONFIG, EPERM, 1);
	try_cmd(&c, "RESET_STATS through that socket",
		MSSCLAMP_CMD_RESET_STATS, EPERM, 0);
	try_cmd(&c, "GET_CONFIG through that socket",
		MSSCLAMP_CMD_GET_CONFIG, 0, 0);
	result(state_same(&c, &before, why, sizeof(why)), "userns",
	       "nothing changed", "%s", why);
	conn_close(&c);
	return nfailed ? 1 : 0;
}

/* Opened in a new user namespace by a child, used by the caller. */
static int userns_opener(void)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct msghdr mh = { 0 };
	struct state before;
	struct cmsghdr *cm;
	struct iovec iov;
	struct conn c, mine;
	int sv[2], status;
	char byte = 0;
	char why[256];
	pid_t pid;

	if (conn_open(&mine) < 0 ||
	    resolve(&mine, MSSCLAMP_GENL_NAME, &family_id) < 0)
		die("cannot reach the %s family: %s", MSSCLAMP_GENL_NAME,
		    strerror(errno));
	if (take_state(&mine, &before) < 0)
		die("cannot dump the configuration and counters");
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0)
		die("socketpair: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	iov.iov_base = &byte;
	iov.iov_len = 1;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	if (pid == 0) {
		struct conn child;

		if (unshare(CLONE_NEWUSER) < 0)
			die("unshare(CLONE_NEWUSER): %s", strerror(errno));
		if (conn_open(&child) < 0)
			die("cannot open a netlink socket: %s", strerror(errno));
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &(int){ mnl_socket_get_fd(child.nl) },
		       sizeof(int));
		if (sendmsg(sv[0], &mh, 0) < 0)
			die("sendmsg: %s", strerror(errno));
		_exit(0);
	}
	if (recvmsg(sv[1], &mh, 0) < 0)
		die("recvmsg: %s", strerror(errno));
	waitpid(pid, &status, 0);
	cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		die("the child sent no socket");
	/* Wrap the received descriptor: libmnl can adopt an open fd. */
	c.nl = mnl_socket_fdopen(*(int *)CMSG_DATA(cm));
	if (!c.nl)
		die("mnl_socket_fdopen: %s", strerror(errno));
	c.portid = mnl_socket_get_portid(c.nl);
	c.seq = 1;
	try_cmd(&c, "SET_CONFIG written by root to a socket opened in a user namespace",
		MSSCLAMP_CMD_SET_CONFIG, EPERM, 1);
	try_cmd(&c, "RESET_STATS written by root to that socket",
		MSSCLAMP_CMD_RESET_STATS, EPERM, 1);
	try_cmd(&c, "GET_CONFIG written by root to that socket",
		MSSCLAMP_CMD_GET_CONFIG, 0, 1);
	result(state_same(&mine, &before, why, sizeof(why)), "userns",
	       "nothing changed", "%s", why);
	conn_close(&c);
	conn_close(&mine);
	return nfailed ? 1 : 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: nlhostile [CLASS...]   hostile requests (all classes by default)\n"
		"       nlhostile -l           list the cases\n"
		"       nlhostile userns-sender | userns-opener\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int i;

	if (argc > 1 && !strcmp(argv[1], "-h"))
		usage();
	if (argc > 1 && !strcmp(argv[1], "-l")) {
		for (i = 0; i < (int)ARRAY_SIZE(cases); i++)
			printf("%s: %s\n", cases[i].cls, cases[i].name);
		for (i = 0; i < (int)ARRAY_SIZE(abandoned); i++)
			printf("dump: %s\n", abandoned[i].name);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "userns-sender"))
		return userns_sender();
	if (argc == 2 && !strcmp(argv[1], "userns-opener"))
		return userns_opener();
	for (i = 1; i < argc; i++)
		if (argv[i][0] == '-')
			usage();
	return run_all(argc - 1, argv + 1);
}
