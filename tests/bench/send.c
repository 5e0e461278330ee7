// SPDX-License-Identifier: GPL-2.0
/*
 * mssbench-send: push pre-built frames through the benchmark's router and
 * time them on the guest clock (with QEMU's -icount shift=0 one guest
 * nanosecond is one guest instruction).
 *
 *   mssbench-send --client NS --router NS --sink NS [options] KIND...
 *
 * NS are network namespace files (/run/netns/NAME); KIND is syn4, syn6,
 * data4, data6, ptb4, ptb6, icmp4, icmp6, syn4exc, nomss4, nomss6, floor4
 * or floor6 (frames.h). The program runs anywhere and enters the namespaces it
 * needs with setns(). For each KIND it
 *   1. sends --warmup frames, untimed, from the client's --tx-dev
 *      (AF_PACKET, sendmmsg, --batch frames per call);
 *   2. reads the router's and the sink's counters, sends --count frames
 *      timed, reads the counters again: every frame must have come in on
 *      the router's --in-dev, been forwarded, gone out on --out-dev and
 *      reached the sink's --sink-dev (where it dies as PACKET_OTHERHOST),
 *      all in the sender's own softirq (time_squeeze did not move);
 *   3. opens a capture on the sink's device, sends --verify more frames
 *      and inspects them: TTL decremented, checksums right, payload
 *      intact, SYNs carrying the MSS given by --mss4/--mss6 (default: the
 *      one they were sent with, i.e. not clamped; the floor SYNs always
 *      their own, the nomss ones none or what --nomss4/--nomss6 say: xt_TCPMSS
 *      inserts one), ICMP messages exactly
 *      as sent (a ptb one still reporting its MTU).
 * No capture is open while frames are timed.
 *
 * One line per KIND on stdout:
 *   kind=syn4 n=20000 ns=... ns_per_frame=... in=... fwd=... out=...
 *   sink=... squeezed=0 verified=4/4 mss=1460 mtu=-1 ttl=63 csum=ok result=ok
 * (mss and mtu are -1 where the frame has none: mss for ICMP, mtu but for
 * ptb4 and ptb6).
 * Exit status 0 when every check passed, 1 when one failed, 2 on misuse.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "frames.h"

#define BATCH_MAX	1024

struct opts {
	const char *client, *router, *sink;
	const char *tx_dev, *in_dev, *out_dev, *sink_dev;
	long count, warmup, batch, verify;
	int mss4, mss6;
	int nomss4, nomss6;	/* what the nomss SYNs carry after the router */
};

struct counters {
	unsigned long long in_rx;	/* router input device, packets in */
	unsigned long long out_tx;	/* router output device, packets out */
	unsigned long long fwd4, fwd6;	/* router's forwarding MIBs */
	unsigned long long sink_rx;	/* sink device, packets in */
	unsigned long long squeeze;	/* net_rx_action ran out of budget */
};

static int self_ns = -1, client_ns = -1, router_ns = -1, sink_ns = -1;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("mssbench-send: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static int open_ns(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	return fd;
}

static void enter(int ns)
{
	if (setns(ns, CLONE_NEWNET))
		die("setns: %s", strerror(errno));
}

static long number(const char *s, const char *what, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		fprintf(stderr, "mssbench-send: %s: '%s' is not a number from %ld to %ld\n",
			what, s, min, max);
		exit(2);
	}
	return v;
}

/* The Ethernet address of @dev in namespace @ns. */
static void hwaddr(int ns, const char *dev, uint8_t mac[6])
{
	struct ifreq ifr;
	int fd;

	enter(ns);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		die("%s: %s", dev, strerror(errno));
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	enter(self_ns);
}

/* A packet socket bound to @dev in namespace @ns. */
static int packet_socket(int ns, const char *dev, int proto)
{
	struct sockaddr_ll sll;
	int fd, one = 1;

	enter(ns);
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(proto));
	if (fd < 0)
		die("packet socket: %s", strerror(errno));
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(proto);
	sll.sll_ifindex = (int)if_nametoindex(dev);
	if (!sll.sll_ifindex)
		die("%s: no such device", dev);
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind %s: %s", dev, strerror(errno));
	/* Straight to the driver: veth has no queue anyway. */
	if (proto == 0)
		(void)setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one,
				 sizeof(one));
	enter(self_ns);
	return fd;
}

/* Field @col (0 = first number) of @dev's line in /proc/net/dev. */
static unsigned long long netdev_stat(const char *text, const char *dev,
				      int col)
{
	size_t n = strlen(dev);
	const char *p = text;

	while ((p = strstr(p, dev))) {
		if ((p == text || p[-1] == ' ' || p[-1] == '\n') && p[n] == ':') {
			unsigned long long v = 0;
			char *end;
			int i;

			p += n + 1;
			for (i = 0; i <= col; i++) {
				v = strtoull(p, &end, 10);
				p = end;
			}
			return v;
		}
		p += n;
	}
	die("no device %s in /proc/net/dev", dev);
	return 0;
}

static void slurp(const char *path, char *buf, size_t size)
{
	ssize_t n, got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	while ((n = read(fd, buf + got, size - 1 - (size_t)got)) > 0)
		got += n;
	close(fd);
	buf[got] = 0;
}

/* The value under @name in /proc/net/snmp's "Ip:" header/value lines. */
static unsigned long long snmp_ip(const char *text, const char *name)
{
	const char *hdr = strstr(text, "Ip: ");
	const char *val = hdr ? strstr(hdr + 1, "\nIp: ") : NULL;
	int col = 0;

	if (!val)
		die("no Ip: lines in /proc/net/snmp");
	val += 5;
	for (hdr += 4; *hdr && *hdr != '\n'; col++) {
		size_t n = strcspn(hdr, " \n");

		if (n == strlen(name) && !strncmp(hdr, name, n)) {
			char *end;
			unsigned long long v = 0;
			int i;

			for (i = 0; i <= col; i++) {
				v = strtoull(val, &end, 10);
				val = end;
			}
			return v;
		}
		hdr += n;
		if (*hdr == ' ')
			hdr++;
	}
	die("no %s in /proc/net/snmp", name);
	return 0;
}

/* "Name value" lines of /proc/net/snmp6. */
static unsigned long long snmp6(const char *text, const char *name)
{
	const char *p = text;
	size_t n = strlen(name);

	while ((p = strstr(p, name))) {
		if ((p == text || p[-1] == '\n') && (p[n] == ' ' || p[n] == '\t'))
			return strtoull(p + n, NULL, 10);
		p += n;
	}
	die("no %s in /proc/net/snmp6", name);
	return 0;
}

/* Sum of the third column (time_squeeze) of /proc/net/softnet_stat. */
static unsigned long long squeezed(void)
{
	static char buf[8192];
	unsigned long long sum = 0;
	char *line, *save = NULL;

	slurp("/proc/net/softnet_stat", buf, sizeof(buf));
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned int a, b, c;

		if (sscanf(line, "%x %x %x", &a, &b, &c) == 3)
			sum += c;
	}
	return sum;
}

static void read_counters(const struct opts *o, struct counters *c)
{
	static char buf[65536];

	enter(router_ns);
	slurp("/proc/self/net/dev", buf, sizeof(buf));
	c->in_rx = netdev_stat(buf, o->in_dev, 1);
	c->out_tx = netdev_stat(buf, o->out_dev, 9);
	slurp("/proc/self/net/snmp", buf, sizeof(buf));
	c->fwd4 = snmp_ip(buf, "ForwDatagrams");
	slurp("/proc/self/net/snmp6", buf, sizeof(buf));
	c->fwd6 = snmp6(buf, "Ip6OutForwDatagrams");
	enter(sink_ns);
	slurp("/proc/self/net/dev", buf, sizeof(buf));
	c->sink_rx = netdev_stat(buf, o->sink_dev, 1);
	enter(self_ns);
	c->squeeze = squeezed();
}

/* Send @n copies of @f on @fd, @batch per sendmmsg() call. */
static void blast(int fd, const struct frame *f, long n, long batch)
{
	static struct mmsghdr msgs[BATCH_MAX];
	static struct iovec iov;
	long sent = 0, i;

	iov.iov_base = (void *)f->buf;
	iov.iov_len = f->len;
	for (i = 0; i < batch; i++) {
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (sent < n) {
		long k = n - sent < batch ? n - sent : batch;
		int r = sendmmsg(fd, msgs, (unsigned int)k, 0);

		if (r < 0) {
			if (errno == EINTR || errno == ENOBUFS || errno == EAGAIN)
				continue;
			die("sendmmsg: %s", strerror(errno));
		}
		sent += r;
	}
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Send @o->verify frames and catch them on the sink. Returns how many
 * arrived right; *mss, *mtu, *ttl and *csum tell what the last one looked
 * like.
 */
static long verify(const struct opts *o, int tx, const struct frame *f,
		   int *mss, int *mtu, int *ttl, int *csum_ok)
{
	int want_mss = !f->syn ? -1 :
		       f->clamp ? (f->v6 ? o->mss6 : o->mss4) :
		       f->kind == NOMSS4 ? o->nomss4 :
		       f->kind == NOMSS6 ? o->nomss6 : f->mss;
	int want_mtu = f->kind == PTB4 || f->kind == PTB6 ? PTB_MTU : -1;
	struct timeval tv = { .tv_sec = 2 };
	static uint8_t buf[2048];
	long got = 0, good = 0, i;
	int rx;

	*mss = -1;
	*mtu = -1;
	*ttl = -1;
	*csum_ok = 1;
	if (!o->verify)
		return 0;
	rx = packet_socket(sink_ns, o->sink_dev, ETH_P_ALL);
	if (setsockopt(rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		die("SO_RCVTIMEO: %s", strerror(errno));
	for (i = 0; i < o->verify; i++)
		if (send(tx, f->buf, f->len, 0) != (ssize_t)f->len)
			die("send: %s", strerror(errno));
	while (got < o->verify) {
		struct frame_seen s;
		ssize_t n = recv(rx, buf, sizeof(buf), 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;			/* timeout: some are missing */
		}
		if (frame_inspect(buf, (size_t)n, f, &s))
			continue;		/* not ours */
		got++;
		*mss = s.mss;
		*mtu = s.mtu;
		*ttl = s.ttl;
		if (!s.ip_csum_ok || !s.l4_csum_ok)
			*csum_ok = 0;
		if (s.ttl == 63 && s.ip_csum_ok && s.l4_csum_ok &&
		    s.mss == want_mss && s.mtu == want_mtu && s.icmp_same &&
		    s.payload == f->payload)
			good++;
	}
	close(rx);
	return good;
}

static int run_kind(const struct opts *o, int tx, const struct frame *f)
{
	struct counters a, b;
	long long t0, t1;
	long good;
	int mss, mtu, ttl, csum_ok, ok;
	unsigned long long fwd;

	blast(tx, f, o->warmup, o->batch);
	read_counters(o, &a);
	t0 = now_ns();
	blast(tx, f, o->count, o->batch);
	t1 = now_ns();
	read_counters(o, &b);
	good = verify(o, tx, f, &mss, &mtu, &ttl, &csum_ok);

	fwd = f->v6 ? b.fwd6 - a.fwd6 : b.fwd4 - a.fwd4;
	/*
	 * The forwarding MIB counts exactly the frames forwarded; the device
	 * counters may also see the namespaces' own packets (MLD reports).
	 * A squeezed net_rx_action() left frames for ksoftirqd, possibly
	 * after the clock stopped.
	 */
	ok = b.squeeze == a.squeeze &&
	     b.in_rx - a.in_rx >= (unsigned long long)o->count &&
	     fwd == (unsigned long long)o->count &&
	     b.out_tx - a.out_tx >= (unsigned long long)o->count &&
	     b.sink_rx - a.sink_rx >= (unsigned long long)o->count &&
	     good == o->verify;
	printf("kind=%s n=%ld ns=%lld ns_per_frame=%.2f in=%llu fwd=%llu out=%llu sink=%llu",
	       f->name, o->count, t1 - t0, (double)(t1 - t0) / (double)o->count,
	       b.in_rx - a.in_rx, fwd, b.out_tx - a.out_tx, b.sink_rx - a.sink_rx);
	printf(" squeezed=%llu verified=%ld/%ld mss=%d mtu=%d ttl=%d csum=%s result=%s\n",
	       b.squeeze - a.squeeze, good, o->verify, mss, mtu, ttl,
	       csum_ok ? "ok" : "bad", ok ? "ok" : "FAIL");
	fflush(stdout);
	return ok;
}

static void usage(FILE *to)
{
	fputs("usage: mssbench-send --client NS --router NS --sink NS\n"
	      "         [--tx-dev IF] [--in-dev IF] [--out-dev IF] [--sink-dev IF]\n"
	      "         [--count N] [--warmup N] [--batch N] [--verify N]\n"
	      "         [--mss4 N] [--mss6 N] [--nomss4 N] [--nomss6 N] KIND...\n"
	      "KIND: syn4 syn6 data4 data6 ptb4 ptb6 icmp4 icmp6 syn4exc\n"
	      "      nomss4 nomss6 floor4 floor6\n", to);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "client", required_argument, NULL, 'c' },
		{ "router", required_argument, NULL, 'r' },
		{ "sink", required_argument, NULL, 's' },
		{ "tx-dev", required_argument, NULL, 'T' },
		{ "in-dev", required_argument, NULL, 'I' },
		{ "out-dev", required_argument, NULL, 'O' },
		{ "sink-dev", required_argument, NULL, 'S' },
		{ "count", required_argument, NULL, 'n' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "batch", required_argument, NULL, 'b' },
		{ "verify", required_argument, NULL, 'v' },
		{ "mss4", required_argument, NULL, '4' },
		{ "mss6", required_argument, NULL, '6' },
		{ "nomss4", required_argument, NULL, 'm' },
		{ "nomss6", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = {
		.tx_dev = "eth0", .in_dev = "eth-c", .out_dev = "eth-s",
		.sink_dev = "eth0", .count = 20000, .warmup = 2000,
		.batch = 64, .verify = 4, .mss4 = SYN_MSS4, .mss6 = SYN_MSS6,
		.nomss4 = -1, .nomss6 = -1,
	};
	uint8_t src[6], dst[6];
	struct frame f;
	int c, i, tx, ok = 1;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o.client = optarg;
			break;
		case 'r':
			o.router = optarg;
			break;
		case 's':
			o.sink = optarg;
			break;
		case 'T':
			o.tx_dev = optarg;
			break;
		case 'I':
			o.in_dev = optarg;
			break;
		case 'O':
			o.out_dev = optarg;
			break;
		case 'S':
			o.sink_dev = optarg;
			break;
		case 'n':
			o.count = number(optarg, "--count", 1, 100000000);
			break;
		case 'w':
			o.warmup = number(optarg, "--warmup", 0, 100000000);
			break;
		case 'b':
			o.batch = number(optarg, "--batch", 1, BATCH_MAX);
			break;
		case 'v':
			o.verify = number(optarg, "--verify", 0, 1000);
			break;
		case '4':
			o.mss4 = (int)number(optarg, "--mss4", 0, 65535);
			break;
		case '6':
			o.mss6 = (int)number(optarg, "--mss6", 0, 65535);
			break;
		case 'm':
			o.nomss4 = (int)number(optarg, "--nomss4", -1, 65535);
			break;
		case 'M':
			o.nomss6 = (int)number(optarg, "--nomss6", -1, 65535);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!o.client || !o.router || !o.sink || optind == argc) {
		usage(stderr);
		return 2;
	}
	for (i = optind; i < argc; i++)
		if (frame_kind_parse(argv[i]) < 0) {
			fprintf(stderr, "mssbench-send: unknown kind '%s'\n", argv[i]);
			return 2;
		}

	self_ns = open_ns("/proc/self/ns/net");
	client_ns = open_ns(o.client);
	router_ns = open_ns(o.router);
	sink_ns = open_ns(o.sink);
	hwaddr(client_ns, o.tx_dev, src);
	hwaddr(router_ns, o.in_dev, dst);
	tx = packet_socket(client_ns, o.tx_dev, 0);

	for (i = optind; i < argc; i++) {
		frame_build(&f, (enum frame_kind)frame_kind_parse(argv[i]), src, dst);
		if (!run_kind(&o, tx, &f))
			ok = 0;
	}
	close(tx);
	return ok ? 0 : 1;
}
