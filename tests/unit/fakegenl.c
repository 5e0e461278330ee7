// SPDX-License-Identifier: GPL-2.0
/*
 * fakegenl.so: a stand-in for the kernel side of the mssclamp family, for
 * testing mssclampctl on a host without the module. LD_PRELOADed, it
 * replaces libmnl's socket calls: requests never reach the kernel, answers
 * are built here the way the kernel frames them (reply, then ack or
 * NLMSG_DONE; NLMSG_ERROR with capped request and extack TLVs).
 *
 * It knows the framing, not the module's rules: whatever it must refuse is
 * told by the test through the environment.
 *
 *   FAKEGENL_LOG=FILE       append one line per request (and socket option)
 *   FAKEGENL_ABSENT=1       no mssclamp family (CTRL_CMD_GETFAMILY: ENOENT)
 *   FAKEGENL_ERRNO=N        refuse SET_CONFIG and RESET_STATS with -N ...
 *   FAKEGENL_EXTACK=TEXT    ... and this extack message ...
 *   FAKEGENL_EXTACK_ATTR=T  ... and NLMSGERR_ATTR_OFFS at attribute T
 *   FAKEGENL_ERRNO_FAMILY=F ... but only SET_CONFIG for family F (4 or 6)
 *   FAKEGENL_DEVS=A,B       the IPv4 scope list in GET_CONFIG replies
 *   FAKEGENL_COUNTERS=L;L   the counters of GET_STATS replies, IPv4's and
 *                           IPv6's, each list N,N,... in attribute order
 *   FAKEGENL_STATE=FILE     keep the configuration in FILE from one run to
 *                           the next: GET_CONFIG answers from it, an
 *                           accepted SET_CONFIG updates it (what it names
 *                           replaces what was there, checking nothing). A
 *                           missing FILE starts from the defaults below.
 *   FAKEGENL_INTR=1         mark the first dump NLM_F_DUMP_INTR
 *   FAKEGENL_BAD=1          leave MSSCLAMP_A_MTU out of GET_CONFIG replies
 *   FAKEGENL_HIST=H;H       the histograms of GET_HIST, each H
 *                           "F/KIND[@SUM]:B,B,...": F 4 or 6, KIND syn,
 *                           synack or ptb, each bucket B "LOW=N",
 *                           "LOW-HIGH=N" or "LOW+=N" (up to 4294967295),
 *                           sent in the order given; SUM defaults to the
 *                           sum of LOW * N. A histogram not named is empty.
 *   FAKEGENL_HIST_SPLIT=N   at most N buckets per GET_HIST message (the
 *                           kernel goes on in the next message when one is
 *                           full); default: all of a histogram in one
 *   FAKEGENL_HIST_DGRAM=M   at most M GET_HIST messages per datagram; the
 *                           log says how many of each a dump took
 *   FAKEGENL_NO_MCGRP=1     the family has no multicast group
 *   FAKEGENL_EVENTS=E;E     what a socket that joined the groups hears,
 *                           one E per read once the replies are read: words
 *                           joined by "+" (in one datagram) of
 *                             config F    CONFIG_NTF with F's configuration
 *                             reset F     RESET_NTF of F
 *                             gone        nlctrl: DELFAMILY of mssclamp
 *                             other       nlctrl: DELFAMILY of another family
 *                             newfam      nlctrl: NEWFAMILY of mssclamp
 *                             bad         a CONFIG_NTF without its mtu
 *                             overrun     the read fails with ENOBUFS
 *                             int         SIGINT is raised, the read fails
 *                                         with EINTR
 *                             done        an NLMSG_DONE (nothing ends)
 *                             error       an NLMSG_ERROR, EINVAL
 *                             wait        nothing until the file
 *                                         FAKEGENL_WAIT exists (10 s)
 *                           a message of a group not joined is not heard;
 *                           after the last E a read fails with EAGAIN
 *
 * A test double, not part of the tool and never installed: built by
 * tests/unit/Makefile (build/unit/fakegenl.so). The attribute names it
 * logs are the tool's own table (userspace/lib/attr_names.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <libmnl/libmnl.h>

#include "attr_names.h"
#include "settings.h"
#include "uapi/mssclamp.h"

#define FAKE_FAMILY_ID	0x42
#define FAKE_MONITOR	7	/* the monitor group's id */
#define FAKE_PORTID	4242
#define QUEUE_LEN	400	/* a dump of a message per datagram */
#define DGRAM_SIZE	8192

/* The one socket; its address is all the caller ever sees. */
static struct {
	int ext_ack;
	int cap_ack;
	int dumps;
	unsigned long joined;		/* bit N: group N */
	const char *events;		/* the next of FAKEGENL_EVENTS */
	struct {
		size_t len;
		char buf[DGRAM_SIZE];
	} queue[QUEUE_LEN];
	int head, tail;
} sk;

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
	const char *path = getenv("FAKEGENL_LOG");
	va_list ap;
	FILE *f;

	if (!path)
		return;
	f = fopen(path, "a");
	if (!f)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

static int env_int(const char *name)
{
	const char *v = getenv(name);

	return v ? atoi(v) : 0;
}

/* A new datagram in the receive queue. */
static char *dgram(void)
{
	char *buf;

	if ((sk.tail + 1) % QUEUE_LEN == sk.head)
		abort();
	buf = sk.queue[sk.tail].buf;
	memset(buf, 0, DGRAM_SIZE);
	sk.queue[sk.tail].len = 0;
	return buf;
}

static void dgram_done(size_t len)
{
	sk.queue[sk.tail].len = len;
	sk.tail = (sk.tail + 1) % QUEUE_LEN;
}

static struct nlmsghdr *put_msg(char *at, const struct nlmsghdr *req,
				uint16_t type, uint16_t flags, uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(at);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = req->nlmsg_seq;
	nlh->nlmsg_pid = FAKE_PORTID;
	if (type >= NLMSG_MIN_TYPE) {
		genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
		genl->cmd = cmd;
		genl->version = 1;
	}
	return nlh;
}

/* The ack or error for @req, as netlink_ack() frames it. */
static void ack(const struct nlmsghdr *req, int error, const char *msg,
		int offs_attr)
{
	char *buf = dgram();
	struct nlmsghdr *nlh = put_msg(buf, req, NLMSG_ERROR, 0, 0);
	struct nlmsgerr *err;
	size_t echo = sk.cap_ack || !error ? sizeof(*req) : req->nlmsg_len;

	/* Acks are always capped; errors only with NETLINK_CAP_ACK. */
	if (echo == sizeof(*req))
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(int) + echo);
	err->error = -error;
	memcpy(&err->msg, req, echo);
	if (error && sk.ext_ack && (msg || offs_attr)) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		if (msg)
			mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
		if (offs_attr) {
			const struct nlattr *a;

			mnl_attr_for_each(a, req, GENL_HDRLEN)
				if (mnl_attr_get_type(a) == offs_attr)
					mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS,
						(uint32_t)((const char *)a -
							   (const char *)req));
		}
	}
	dgram_done(nlh->nlmsg_len);
}

/* The configuration GET_CONFIG reports, [0] IPv4 and [1] IPv6. */
/*
 * A family's configuration: the value of each setting of settings.h by
 * its attribute (the computed mss aside), and the devices.
 */
static struct fake_config {
	uint32_t val[MSSCLAMP_A_MAX + 1];
	char devs[512];			/* "A,B", "" for any */
} fcfg[2];
static int fcfg_loaded;

enum { FAKE_U8 = 1, FAKE_U32, FAKE_DEVS, FAKE_COMPUTED };
#define FAKE_TYPE_COMPUTED(type)	FAKE_COMPUTED
#define FAKE_TYPE_OTHER(type)		FAKE_##type
#define FAKE_TYPE_ENABLE		FAKE_TYPE_OTHER
#define FAKE_TYPE_NUMBER		FAKE_TYPE_OTHER
#define FAKE_TYPE_ONOFF			FAKE_TYPE_OTHER
#define FAKE_TYPE_HOOK			FAKE_TYPE_OTHER
#define FAKE_TYPE_DEVS			FAKE_TYPE_OTHER
#define FAKE_TYPE(attr, type, member, word, kind, width) \
	[attr] = FAKE_TYPE_##kind(type),

/* How each setting travels, by attribute; 0: no setting. */
static const uint8_t fake_type[MSSCLAMP_A_MAX + 1] = {
	MSSCLAMP_SETTINGS(FAKE_TYPE)
};

/* The settings a state file holds, in order: the numbers. */
static int stored(unsigned int attr)
{
	return fake_type[attr] == FAKE_U8 || fake_type[attr] == FAKE_U32;
}

static void state_load(void)
{
	const char *path = getenv("FAKEGENL_STATE");
	const char *devs = getenv("FAKEGENL_DEVS");
	char line[1024];
	FILE *f;

	if (fcfg_loaded)
		return;
	fcfg_loaded = 1;
	fcfg[0] = (struct fake_config){ .val = {
		[MSSCLAMP_A_ENABLED] = 1, [MSSCLAMP_A_MTU] = 1500,
		[MSSCLAMP_A_HOOK] = MSSCLAMP_HOOK_FORWARD,
		[MSSCLAMP_A_SYN] = 1, [MSSCLAMP_A_SYNACK] = 1 } };
	fcfg[1] = (struct fake_config){ .val = {
		[MSSCLAMP_A_MTU] = 1500, [MSSCLAMP_A_OVERHEAD] = 44,
		[MSSCLAMP_A_HOOK] = MSSCLAMP_HOOK_POSTROUTING,
		[MSSCLAMP_A_SYN] = 1 } };
	snprintf(fcfg[0].devs, sizeof(fcfg[0].devs), "%s", devs ? devs : "");
	f = path ? fopen(path, "r") : NULL;
	if (!f)
		return;
	/* "F enabled mtu overhead pmtu hook syn synack DEVS|-" per family */
	while (fgets(line, sizeof(line), f)) {
		struct fake_config c = { .devs = "" };
		char *p = line, *end;
		unsigned long fam = strtoul(p, &end, 10);
		unsigned int a;
		int ok = end != p && (fam == 4 || fam == 6);

		for (a = 0; ok && a <= MSSCLAMP_A_MAX; a++) {
			if (!stored(a))
				continue;
			p = end;
			c.val[a] = strtoul(p, &end, 10);
			ok = end != p;
		}
		if (!ok || sscanf(end, " %511s", c.devs) != 1)
			continue;
		if (!strcmp(c.devs, "-"))
			c.devs[0] = '\0';
		fcfg[fam == 6] = c;
	}
	fclose(f);
}

static void state_save(void)
{
	const char *path = getenv("FAKEGENL_STATE");
	unsigned int a;
	FILE *f;
	int i;

	if (!path || !(f = fopen(path, "w")))
		return;
	for (i = 0; i < 2; i++) {
		fprintf(f, "%u", i ? 6 : 4);
		for (a = 0; a <= MSSCLAMP_A_MAX; a++)
			if (stored(a))
				fprintf(f, " %u", fcfg[i].val[a]);
		fprintf(f, " %s\n", fcfg[i].devs[0] ? fcfg[i].devs : "-");
	}
	fclose(f);
}

/* An accepted SET_CONFIG: what it names replaces what was there. */
static void state_set(const struct nlmsghdr *req, uint8_t family)
{
	struct fake_config *c;
	const struct nlattr *a, *d;
	unsigned int type;
	size_t n;

	if (family != MSSCLAMP_FAMILY_IPV4 && family != MSSCLAMP_FAMILY_IPV6)
		return;
	state_load();
	c = &fcfg[family == MSSCLAMP_FAMILY_IPV6];
	mnl_attr_for_each(a, req, GENL_HDRLEN) {
		type = mnl_attr_get_type(a);
		if (type > MSSCLAMP_A_MAX)
			continue;
		if (fake_type[type] == FAKE_U8)
			c->val[type] = mnl_attr_get_u8(a);
		else if (fake_type[type] == FAKE_U32)
			c->val[type] = mnl_attr_get_u32(a);
		if (fake_type[type] != FAKE_DEVS)
			continue;
		n = 0;
		c->devs[0] = '\0';
		mnl_attr_for_each_nested(d, a)
			if (n < sizeof(c->devs))
				n += snprintf(c->devs + n, sizeof(c->devs) - n,
					      "%s%s", n ? "," : "",
					      mnl_attr_get_str(d));
	}
	state_save();
}

/* The devices of @devs ("A,B"), in a MSSCLAMP_A_DEVS nest. */
static void put_devs(struct nlmsghdr *nlh, const char *devs)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, MSSCLAMP_A_DEVS);

	while (devs && *devs) {
		size_t len = strcspn(devs, ",");
		char name[64];

		snprintf(name, sizeof(name), "%.*s", (int)len, devs);
		mnl_attr_put_strz(nlh, MSSCLAMP_DEV_A_NAME, name);
		devs += len + !!devs[len];
	}
	mnl_attr_nest_end(nlh, nest);
}

static void put_config(struct nlmsghdr *nlh, uint8_t family)
{
	int v4 = family == MSSCLAMP_FAMILY_IPV4;
	const struct fake_config *c;
	unsigned int a;

	state_load();
	c = &fcfg[!v4];
	mnl_attr_put_u8(nlh, MSSCLAMP_A_FAMILY, family);
	for (a = 0; a <= MSSCLAMP_A_MAX; a++) {
		switch (fake_type[a]) {
		case FAKE_U8:
			mnl_attr_put_u8(nlh, a, c->val[a]);
			break;
		case FAKE_U32:
			if (a != MSSCLAMP_A_MTU || !env_int("FAKEGENL_BAD"))
				mnl_attr_put_u32(nlh, a, c->val[a]);
			break;
		case FAKE_COMPUTED:	/* the mss */
			mnl_attr_put_u32(nlh, a, c->val[MSSCLAMP_A_MTU] -
					 (v4 ? 20 : 40) - 20 -
					 c->val[MSSCLAMP_A_OVERHEAD]);
			break;
		case FAKE_DEVS:
			put_devs(nlh, c->devs);
			break;
		}
	}
}

/*
 * The counters: base + attribute number each, unless FAKEGENL_COUNTERS
 * gives them ("N,N,...;N,N,...": IPv4's, then IPv6's, in attribute order;
 * a value left out is 0).
 */
static void put_stats(struct nlmsghdr *nlh, uint8_t family)
{
	const char *given = getenv("FAKEGENL_COUNTERS");
	struct nlattr *nest;
	uint64_t base = family == MSSCLAMP_FAMILY_IPV4 ? 1000 : 5000000000ULL;
	int i;

	if (given && family == MSSCLAMP_FAMILY_IPV6)
		given = strchr(given, ';') ? strchr(given, ';') + 1 : "";
	mnl_attr_put_u8(nlh, MSSCLAMP_A_FAMILY, family);
	nest = mnl_attr_nest_start(nlh, MSSCLAMP_A_STATS);
	for (i = MSSCLAMP_STAT_A_SYN; i <= MSSCLAMP_STAT_A_MAX; i++) {
		uint64_t val = base + i;

		if (given) {
			char *end;

			val = strtoull(given, &end, 10);
			given = *end == ',' ? end + 1 : "";
		}
		/* The kernel aligns u64 with a pad attribute. */
		mnl_attr_put(nlh, MSSCLAMP_STAT_A_PAD, 0, NULL);
		mnl_attr_put_u64(nlh, i, val);
	}
	mnl_attr_nest_end(nlh, nest);
}

static void answer_get(const struct nlmsghdr *req, uint8_t cmd,
		       const struct nlattr *family)
{
	void (*put)(struct nlmsghdr *, uint8_t) =
		cmd == MSSCLAMP_CMD_GET_CONFIG ? put_config : put_stats;
	uint16_t intr = 0;
	struct nlmsghdr *nlh;
	char *buf;
	int len;

	if ((req->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP) {
		uint8_t f = family ? mnl_attr_get_u8(family) : 0;

		if (f != MSSCLAMP_FAMILY_IPV4 && f != MSSCLAMP_FAMILY_IPV6) {
			ack(req, EINVAL, "family must be 4 or 6", 0);
			return;
		}
		buf = dgram();
		nlh = put_msg(buf, req, FAKE_FAMILY_ID, 0, cmd);
		put(nlh, f);
		dgram_done(nlh->nlmsg_len);
		if (req->nlmsg_flags & NLM_F_ACK)
			ack(req, 0, NULL, 0);
		return;
	}

	if (sk.dumps++ == 0 && env_int("FAKEGENL_INTR"))
		intr = NLM_F_DUMP_INTR;
	/* Both families and NLMSG_DONE in one datagram, as the kernel may. */
	buf = dgram();
	nlh = put_msg(buf, req, FAKE_FAMILY_ID, NLM_F_MULTI | intr, cmd);
	put(nlh, MSSCLAMP_FAMILY_IPV4);
	len = nlh->nlmsg_len;
	nlh = put_msg(buf + len, req, FAKE_FAMILY_ID, NLM_F_MULTI | intr, cmd);
	put(nlh, MSSCLAMP_FAMILY_IPV6);
	len += nlh->nlmsg_len;
	nlh = put_msg(buf + len, req, NLMSG_DONE, NLM_F_MULTI | intr, 0);
	*(int *)mnl_nlmsg_put_extra_header(nlh, sizeof(int)) = 0;
	len += nlh->nlmsg_len;
	dgram_done(len);
}

/* ------------------------------------------------------------------ */
/* GET_HIST                                                             */

struct fake_bucket {
	uint32_t low, high;
	uint64_t count;
};

struct fake_hist {
	uint64_t sum;
	unsigned int n;
	struct fake_bucket b[512];
};

static const char *const kind_names[] = { "syn", "synack", "ptb" };

/* FAKEGENL_HIST into h[family index][kind]. */
static void hist_load(struct fake_hist h[2][3])
{
	const char *p = getenv("FAKEGENL_HIST");

	memset(h, 0, 2 * 3 * sizeof(h[0][0]));
	while (p && *p) {
		unsigned int fam, k;
		char kind[16];
		int n = 0, given_sum = 0;
		struct fake_hist *fh;
		uint64_t sum = 0;

		if (sscanf(p, "%u/%15[a-z]%n", &fam, kind, &n) != 2 ||
		    (fam != 4 && fam != 6))
			abort();
		for (k = 0; k < 3 && strcmp(kind, kind_names[k]); k++)
			;
		if (k == 3)
			abort();
		fh = &h[fam == 6][k];
		p += n;
		if (*p == '@') {
			sum = strtoull(p + 1, (char **)&p, 10);
			given_sum = 1;
		}
		if (*p++ != ':')
			abort();
		while (*p && *p != ';') {
			struct fake_bucket *b = &fh->b[fh->n++];
			char *end;

			b->low = b->high = strtoul(p, &end, 10);
			if (*end == '-')
				b->high = strtoul(end + 1, &end, 10);
			else if (*end == '+')
				b->high = UINT32_MAX, end++;
			if (*end != '=')
				abort();
			b->count = strtoull(end + 1, &end, 10);
			if (!given_sum)
				sum += b->count * b->low;
			p = *end == ',' ? end + 1 : end;
		}
		fh->sum = sum;
		if (*p == ';')
			p++;
	}
}

static void put_u64(struct nlmsghdr *nlh, uint16_t type, uint16_t pad,
		    uint64_t val)
{
	/* The kernel aligns u64 with a pad attribute. */
	mnl_attr_put(nlh, pad, 0, NULL);
	mnl_attr_put_u64(nlh, type, val);
}

/*
 * Every histogram of both families, in the kernel's order, each in as many
 * messages as FAKEGENL_HIST_SPLIT makes it (and as the datagrams need:
 * the kernel too goes on in the next message when an skb is full), then
 * NLMSG_DONE.
 */
static void answer_hist(const struct nlmsghdr *req)
{
	static struct fake_hist h[2][3];
	int split = env_int("FAKEGENL_HIST_SPLIT");
	int per = env_int("FAKEGENL_HIST_DGRAM");
	uint16_t intr = 0;
	struct nlmsghdr *nlh;
	char *buf = dgram();
	size_t len = 0;
	int nmsg = 0, msgs = 0, dgrams = 1, f, k;

	if (sk.dumps++ == 0 && env_int("FAKEGENL_INTR"))
		intr = NLM_F_DUMP_INTR;
	hist_load(h);
	for (f = 0; f < 2; f++) {
		for (k = 0; k < 3; k++) {
			const struct fake_hist *fh = &h[f][k];
			unsigned int b = 0;

			do {
				unsigned int end, room;
				struct nlattr *nest;

				/* A message takes 64 bytes and 40 per
				 * bucket at most: as many buckets as the
				 * datagram holds, else a new datagram. */
				room = (DGRAM_SIZE - len - 64) / 40;
				if (len && ((per && nmsg == per) ||
					    room < (fh->n > b ? 1 : 0) + 1)) {
					dgram_done(len);
					buf = dgram();
					len = 0;
					nmsg = 0;
					dgrams++;
					room = (DGRAM_SIZE - 64) / 40;
				}
				end = fh->n;
				if (split && end > b + split)
					end = b + split;
				if (end > b + room)
					end = b + room;
				nlh = put_msg(buf + len, req, FAKE_FAMILY_ID,
					      NLM_F_MULTI | intr,
					      MSSCLAMP_CMD_GET_HIST);
				mnl_attr_put_u8(nlh, MSSCLAMP_A_FAMILY,
						f ? MSSCLAMP_FAMILY_IPV6 :
						    MSSCLAMP_FAMILY_IPV4);
				mnl_attr_put_u8(nlh, MSSCLAMP_A_HIST_KIND, k);
				put_u64(nlh, MSSCLAMP_A_HIST_SUM,
					MSSCLAMP_A_PAD, fh->sum);
				for (; b < end; b++) {
					nest = mnl_attr_nest_start(nlh,
						MSSCLAMP_A_HIST_BUCKET);
					mnl_attr_put_u32(nlh,
						MSSCLAMP_BUCKET_A_LOW,
						fh->b[b].low);
					mnl_attr_put_u32(nlh,
						MSSCLAMP_BUCKET_A_HIGH,
						fh->b[b].high);
					put_u64(nlh, MSSCLAMP_BUCKET_A_COUNT,
						MSSCLAMP_BUCKET_A_PAD,
						fh->b[b].count);
					mnl_attr_nest_end(nlh, nest);
				}
				len += nlh->nlmsg_len;
				nmsg++;
				msgs++;
			} while (b < fh->n);
		}
	}
	if (len + 64 > DGRAM_SIZE) {
		dgram_done(len);
		buf = dgram();
		len = 0;
		dgrams++;
	}
	logf_("# GET_HIST: %d messages in %d datagrams\n", msgs, dgrams);
	nlh = put_msg(buf + len, req, NLMSG_DONE, NLM_F_MULTI | intr, 0);
	*(int *)mnl_nlmsg_put_extra_header(nlh, sizeof(int)) = 0;
	len += nlh->nlmsg_len;
	dgram_done(len);
}

/* ------------------------------------------------------------------ */
/* Notifications                                                        */

/* A notification: sequence number 0, port id 0, as the kernel sends. */
static struct nlmsghdr *put_ntf(char *at, uint16_t type, uint8_t cmd)
{
	struct nlmsghdr hdr = { 0 };
	struct nlmsghdr *nlh = put_msg(at, &hdr, type, 0, cmd);

	nlh->nlmsg_pid = 0;
	return nlh;
}

static int joined(uint32_t group)
{
	return group < 8 * sizeof(sk.joined) && (sk.joined >> group & 1);
}

/*
 * The next FAKEGENL_EVENTS entry into the queue: 1 if a datagram was
 * queued, 0 when none is left, -1 with errno set when the read must fail.
 */
static int next_event(void)
{
	char *buf;
	size_t len = 0;

	if (!sk.events)
		sk.events = getenv("FAKEGENL_EVENTS");
	while (sk.events && *sk.events) {
		const char *e = sk.events;
		size_t n = strcspn(e, ";");

		sk.events = e[n] ? e + n + 1 : e + n;
		buf = dgram();
		len = 0;
		while (n > 0) {
			size_t w = strcspn(e, "+;");
			struct nlmsghdr *nlh = NULL;
			unsigned int fam = 0;
			char word[16];

			snprintf(word, sizeof(word), "%.*s", (int)w, e);
			sscanf(word + strcspn(word, " "), "%u", &fam);
			logf_("event %s\n", word);
			if (!strcmp(word, "overrun")) {
				errno = ENOBUFS;
				return -1;
			}
			if (!strcmp(word, "wait")) {
				const char *path = getenv("FAKEGENL_WAIT");
				int i;

				for (i = 0; path && i < 1000; i++) {
					FILE *f = fopen(path, "r");

					if (f) {
						fclose(f);
						break;
					}
					usleep(10000);
				}
			}
			if (!strcmp(word, "int")) {
				raise(SIGINT);
				errno = EINTR;
				return -1;
			}
			if (!strcmp(word, "wait")) {
				/* waited above: nothing to hear */
			} else if (!strcmp(word, "done") ||
				   !strcmp(word, "error")) {
				struct nlmsghdr hdr = { 0 };

				nlh = put_msg(buf + len, &hdr, *word == 'd' ?
					      NLMSG_DONE : NLMSG_ERROR, 0, 0);
				*(int *)mnl_nlmsg_put_extra_header(nlh,
					*word == 'd' ? sizeof(int) :
					sizeof(struct nlmsgerr)) = -EINVAL;
				if (*word == 'd')
					*(int *)mnl_nlmsg_get_payload(nlh) = 0;
			} else if (!strncmp(word, "config", 6) ||
				   !strcmp(word, "bad")) {
				if (joined(FAKE_MONITOR)) {
					nlh = put_ntf(buf + len, FAKE_FAMILY_ID,
						      MSSCLAMP_CMD_CONFIG_NTF);
					if (*word == 'b') {
						mnl_attr_put_u8(nlh,
							MSSCLAMP_A_FAMILY, 4);
					} else {
						put_config(nlh, fam);
					}
				}
			} else if (!strncmp(word, "reset", 5)) {
				if (joined(FAKE_MONITOR)) {
					nlh = put_ntf(buf + len, FAKE_FAMILY_ID,
						      MSSCLAMP_CMD_RESET_NTF);
					mnl_attr_put_u8(nlh, MSSCLAMP_A_FAMILY,
							fam);
				}
			} else if (joined(GENL_ID_CTRL)) {
				nlh = put_ntf(buf + len, GENL_ID_CTRL,
					      strcmp(word, "newfam") ?
					      CTRL_CMD_DELFAMILY :
					      CTRL_CMD_NEWFAMILY);
				mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME,
						  strcmp(word, "other") ?
						  MSSCLAMP_GENL_NAME : "other");
				mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID,
						 strcmp(word, "other") ?
						 FAKE_FAMILY_ID : 0x43);
			}
			if (nlh)
				len += nlh->nlmsg_len;
			e += w;
			n -= w;
			if (n > 0 && *e == '+')
				e++, n--;
		}
		if (len) {
			dgram_done(len);
			return 1;
		}
	}
	return 0;
}

static void log_request(const struct nlmsghdr *req, const char *name)
{
	const struct nlattr *a, *d;
	char line[1024];
	size_t n;

	n = snprintf(line, sizeof(line), "%s%s%s", name,
		     req->nlmsg_flags & NLM_F_ACK ? " ack" : "",
		     (req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP ?
		     " dump" : "");
	mnl_attr_for_each(a, req, GENL_HDRLEN) {
		uint16_t t = mnl_attr_get_type(a);

		if (n >= sizeof(line))
			break;
		if (t == MSSCLAMP_A_DEVS) {
			n += snprintf(line + n, sizeof(line) - n, " dev=[");
			mnl_attr_for_each_nested(d, a)
				if (n < sizeof(line))
					n += snprintf(line + n,
						      sizeof(line) - n,
						      "%s%s", line[n - 1] == '[' ?
						      "" : ",",
						      mnl_attr_get_str(d));
			if (n < sizeof(line))
				n += snprintf(line + n, sizeof(line) - n, "]");
		} else if (mnl_attr_get_payload_len(a) == 1) {
			n += snprintf(line + n, sizeof(line) - n, " %s=%u",
				      mssclamp_attr_name(t), mnl_attr_get_u8(a));
		} else if (mnl_attr_get_payload_len(a) == 4) {
			n += snprintf(line + n, sizeof(line) - n, " %s=%u",
				      mssclamp_attr_name(t), mnl_attr_get_u32(a));
		} else {
			n += snprintf(line + n, sizeof(line) - n, " %s=?",
				      mssclamp_attr_name(t));
		}
	}
	logf_("%s\n", line);
}

static void answer(const struct nlmsghdr *req)
{
	static const char *const names[] = {
		[MSSCLAMP_CMD_GET_CONFIG] = "GET_CONFIG",
		[MSSCLAMP_CMD_SET_CONFIG] = "SET_CONFIG",
		[MSSCLAMP_CMD_GET_STATS] = "GET_STATS",
		[MSSCLAMP_CMD_RESET_STATS] = "RESET_STATS",
		[MSSCLAMP_CMD_GET_HIST] = "GET_HIST",
		[MSSCLAMP_CMD_CONFIG_NTF] = "CONFIG_NTF",
		[MSSCLAMP_CMD_RESET_NTF] = "RESET_NTF",
	};
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(req);
	const struct nlattr *a, *family = NULL;
	const char *extack = getenv("FAKEGENL_EXTACK");
	int error = env_int("FAKEGENL_ERRNO");
	int only = env_int("FAKEGENL_ERRNO_FAMILY");

	if (req->nlmsg_type == GENL_ID_CTRL) {
		const char *fname = "";
		struct nlattr *grps, *grp;
		struct nlmsghdr *nlh;
		int ctrl;
		char *buf;

		mnl_attr_for_each(a, req, GENL_HDRLEN)
			if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_NAME)
				fname = mnl_attr_get_str(a);
		logf_("GETFAMILY%s %s\n", req->nlmsg_flags & NLM_F_ACK ? " ack" : "",
		      fname);
		ctrl = !strcmp(fname, "nlctrl");
		if (!ctrl && (strcmp(fname, MSSCLAMP_GENL_NAME) ||
			      env_int("FAKEGENL_ABSENT"))) {
			ack(req, ENOENT, NULL, 0);
			return;
		}
		buf = dgram();
		nlh = put_msg(buf, req, GENL_ID_CTRL, 0, CTRL_CMD_NEWFAMILY);
		mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, fname);
		mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID,
				 ctrl ? GENL_ID_CTRL : FAKE_FAMILY_ID);
		mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION,
				 ctrl ? 2 : MSSCLAMP_GENL_VERSION);
		if (ctrl || !env_int("FAKEGENL_NO_MCGRP")) {
			grps = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
			grp = mnl_attr_nest_start(nlh, 1);
			mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID,
					 ctrl ? GENL_ID_CTRL : FAKE_MONITOR);
			mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME,
					  ctrl ? "notify" : MSSCLAMP_MCGRP_MONITOR);
			mnl_attr_nest_end(nlh, grp);
			mnl_attr_nest_end(nlh, grps);
		}
		dgram_done(nlh->nlmsg_len);
		if (req->nlmsg_flags & NLM_F_ACK)
			ack(req, 0, NULL, 0);
		return;
	}
	if (req->nlmsg_type != FAKE_FAMILY_ID || genl->cmd == 0 ||
	    genl->cmd > MSSCLAMP_CMD_MAX) {
		logf_("BAD type=%u\n", req->nlmsg_type);
		ack(req, EOPNOTSUPP, NULL, 0);
		return;
	}
	log_request(req, names[genl->cmd]);
	mnl_attr_for_each(a, req, GENL_HDRLEN)
		if (mnl_attr_get_type(a) == MSSCLAMP_A_FAMILY)
			family = a;

	switch (genl->cmd) {
	case MSSCLAMP_CMD_GET_CONFIG:
	case MSSCLAMP_CMD_GET_STATS:
		answer_get(req, genl->cmd, family);
		return;
	case MSSCLAMP_CMD_GET_HIST:
		if ((req->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP || family) {
			ack(req, EOPNOTSUPP, NULL, 0);
			return;
		}
		answer_hist(req);
		return;
	case MSSCLAMP_CMD_CONFIG_NTF:
	case MSSCLAMP_CMD_RESET_NTF:
		ack(req, EOPNOTSUPP, NULL, 0);
		return;
	case MSSCLAMP_CMD_SET_CONFIG:
		if (only && (!family || mnl_attr_get_u8(family) != only))
			error = 0;
		if (!family && !error) {
			ack(req, EINVAL, "missing family", 0);
			return;
		}
		if (!error)
			state_set(req, mnl_attr_get_u8(family));
		__attribute__((fallthrough));
	default:
		if (error)
			ack(req, error, extack, env_int("FAKEGENL_EXTACK_ATTR"));
		else if (req->nlmsg_flags & NLM_F_ACK)
			ack(req, 0, NULL, 0);
	}
}

/* ------------------------------------------------------------------ */
/* libmnl's socket calls                                                */

struct mnl_socket *mnl_socket_open(int bus)
{
	if (bus != NETLINK_GENERIC) {
		errno = EPROTONOSUPPORT;
		return NULL;
	}
	memset(&sk, 0, sizeof(sk));
	return (struct mnl_socket *)&sk;
}

int mnl_socket_bind(struct mnl_socket *nl, unsigned int groups, pid_t pid)
{
	(void)nl;
	(void)groups;
	(void)pid;
	return 0;
}

unsigned int mnl_socket_get_portid(const struct mnl_socket *nl)
{
	(void)nl;
	return FAKE_PORTID;
}

int mnl_socket_setsockopt(const struct mnl_socket *nl, int type, void *buf,
			  socklen_t len)
{
	int on = len >= sizeof(int) && *(int *)buf;

	(void)nl;
	if (type == NETLINK_ADD_MEMBERSHIP) {
		unsigned int g = len >= sizeof(int) ? *(unsigned int *)buf : 0;

		logf_("JOIN %u\n", g);
		if (g == 0 || g >= 8 * sizeof(sk.joined)) {
			errno = EINVAL;
			return -1;
		}
		sk.joined |= 1UL << g;
		return 0;
	}
	if (type == NETLINK_EXT_ACK)
		sk.ext_ack = on;
	else if (type == NETLINK_CAP_ACK)
		sk.cap_ack = on;
	logf_("setsockopt %d=%d\n", type, on);
	return 0;
}

ssize_t mnl_socket_sendto(const struct mnl_socket *nl, const void *req,
			  size_t siz)
{
	const struct nlmsghdr *nlh = req;

	(void)nl;
	if (siz < sizeof(*nlh) || nlh->nlmsg_len != siz ||
	    !(nlh->nlmsg_flags & NLM_F_REQUEST) ||
	    mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN) {
		errno = EINVAL;
		return -1;
	}
	answer(nlh);
	return siz;
}

ssize_t mnl_socket_recvfrom(const struct mnl_socket *nl, void *buf,
			    size_t siz)
{
	size_t len;

	(void)nl;
	if (sk.head == sk.tail && sk.joined) {
		int r = next_event();

		if (r < 0)
			return -1;
	}
	if (sk.head == sk.tail) {
		/* The kernel would block here for ever. */
		logf_("recvfrom on an empty queue\n");
		errno = EAGAIN;
		return -1;
	}
	len = sk.queue[sk.head].len;
	if (len > siz)
		len = siz;
	memcpy(buf, sk.queue[sk.head].buf, len);
	sk.head = (sk.head + 1) % QUEUE_LEN;
	return len;
}

int mnl_socket_close(struct mnl_socket *nl)
{
	(void)nl;
	return 0;
}
