// SPDX-License-Identifier: GPL-2.0
/*
 * Frame generator for the hardening scenarios (21-flood, 22-churn): builds
 * Ethernet frames from a seeded PRNG and sends them on an interface with
 * an AF_PACKET socket, as fast as the kernel takes them or at a rate.
 *
 *   flood garbage IF DSTMAC SRC4 DST4 SRC6 DST6 SEED COUNT
 *	COUNT random frames, IPv4 and IPv6: random TCP headers and options
 *	(SYN set in most), random IPv6 extension-header chains, random
 *	fragments, random lengths and truncations. The IP headers are
 *	mostly well formed so that the router forwards the frames to its
 *	netfilter hooks; some are not.
 *   flood syn IF DSTMAC SRC4 DST4 SRC6 DST6 SEED PPS SECONDS [DPORT]
 *	Valid SYNs with an MSS option (random value 536 to 9000), random
 *	source ports, both families in turn, PPS a second for SECONDS (0:
 *	until killed), to DPORT (default 9).
 *
 * The same SEED gives the same frames. At the end one line of figures on
 * stdout: "frames N v4 N v6 N syn N frag N ext N sent N errors N seconds S"
 * (syn: frames with SYN set; frag: IPv4 fragments and IPv6 Fragment
 * headers; ext: IPv6 frames with extension headers; errors: failed sends).
 * Built by the scenario itself with tests/lib/c/pkt.c (cc -O0: -O2 takes
 * several times longer to compile under TCG and the kernel's forwarding
 * path is the bottleneck).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "pkt.h"

#define FRAME_MAX	1514
#define BATCH		32

static uint64_t rng_state;

static uint64_t rnd(void)
{
	return pkt_rand(&rng_state);
}

static unsigned int rn(unsigned int n)	/* 0 .. n-1 */
{
	return n ? (unsigned int)(rnd() % n) : 0;
}

static int pct(unsigned int p)		/* true p% of the time */
{
	return rn(100) < p;
}

static void rbytes(uint8_t *p, size_t n)
{
	while (n--)
		*p++ = (uint8_t)rnd();
}

static uint8_t dstmac[6], srcmac[6];
static struct in_addr src4, dst4;
static struct in6_addr src6, dst6;

static struct {
	unsigned long frames, v4, v6, syn, frag, ext, sent, errors;
} fig;

/*
 * A random TCP segment at @p (room for @room bytes): header, options,
 * payload. Option lists are random lists of options (some malformed), the
 * MSS option alone, none, the Linux SYN set (sometimes with a byte
 * damaged or cut), or random bytes; data offsets are mostly right;
 * sometimes the segment is cut anywhere. Returns its length.
 */
static size_t tcp_garbage(uint8_t *p, size_t room)
{
	uint8_t opt[40];
	size_t olen = 0, hlen, plen = 0, len;
	unsigned int doff, flags;

	if (pct(65)) {
		flags = 0x02;
		if (pct(25))
			flags |= 0x10;			/* ACK */
		if (pct(5))
			flags |= 0x01;			/* FIN */
		if (pct(5))
			flags |= 0x04;			/* RST */
		if (pct(5))
			flags |= 0x20;			/* URG */
		if (pct(5))
			flags |= 0x08;			/* PSH */
		if (pct(5))
			flags |= 0xc0;			/* ECE CWR */
	} else {
		flags = rn(256);
	}
	if (flags & 0x02)
		fig.syn++;

	switch (rn(10)) {
	case 0: case 1: case 2: {		/* a random list of options */
		size_t want = rn(41);

		while (olen < want) {
			size_t left = want - olen, n;

			switch (rn(10)) {
			case 0:
				opt[olen++] = 0;	/* EOL */
				continue;
			case 1: case 2:
				opt[olen++] = 1;	/* NOP */
				continue;
			case 3: case 4: case 5:		/* MSS */
				n = pct(85) ? 4 : rn(8);
				if (n > left)
					n = left;
				opt[olen] = 2;
				if (n > 1)
					opt[olen + 1] = pct(90) ? 4 : (uint8_t)rn(8);
				if (n > 2)
					rbytes(opt + olen + 2, n - 2);
				olen += n;
				continue;
			case 6:				/* WS */
				n = left < 3 ? left : 3;
				opt[olen] = 3;
				if (n > 1)
					opt[olen + 1] = 3;
				if (n > 2)
					opt[olen + 2] = (uint8_t)rn(15);
				olen += n;
				continue;
			case 7:				/* SACK permitted */
				n = left < 2 ? left : 2;
				opt[olen] = 4;
				if (n > 1)
					opt[olen + 1] = 2;
				olen += n;
				continue;
			default:			/* any kind, any length */
				n = 1 + rn((unsigned int)left);
				opt[olen] = (uint8_t)rnd();
				if (n > 1)
					opt[olen + 1] = pct(70) ? (uint8_t)n :
						(uint8_t)rn(48);
				if (n > 2)
					rbytes(opt + olen + 2, n - 2);
				olen += n;
				continue;
			}
		}
		break;
	}
	case 3:					/* MSS alone */
		opt[0] = 2;
		opt[1] = 4;
		pkt_put16(opt + 2, 400 + rn(9000));
		olen = 4;
		break;
	case 4:					/* none */
		break;
	case 5: case 6: case 7: {	/* the Linux SYN, maybe damaged */
		static const uint8_t lin[20] = {
			2, 4, 0, 0, 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0,
			1, 3, 3, 7,
		};
		memcpy(opt, lin, sizeof(lin));
		pkt_put16(opt + 2, 400 + rn(9000));
		olen = sizeof(lin);
		if (pct(30))
			opt[rn(sizeof(lin))] = (uint8_t)rnd();
		if (pct(10))
			olen = rn(sizeof(lin) + 1);
		break;
	}
	default:			/* random bytes */
		olen = rn(41);
		rbytes(opt, olen);
		break;
	}
	while (olen % 4 && olen < 40)
		opt[olen++] = pct(80) ? 0 : (uint8_t)rnd();

	doff = pct(85) ? 5 + (unsigned int)olen / 4 : rn(16);
	hlen = 20 + olen;
	switch (rn(10)) {
	case 0: case 1:
		plen = 1 + rn(64);
		break;
	case 2:
		plen = rn(1400);
		break;
	}
	if (hlen + plen > room)
		plen = room > hlen ? room - hlen : 0;
	if (hlen > room)
		return 0;

	rbytes(p, 12);				/* ports, seq, ack */
	p[12] = (uint8_t)(doff << 4 | (pct(90) ? 0 : rn(16)));
	p[13] = (uint8_t)flags;
	pkt_put16(p + 14, rn(65536));		/* window */
	pkt_put16(p + 16, 0);			/* checksum, later */
	pkt_put16(p + 18, pct(90) ? 0 : rn(65536));
	memcpy(p + 20, opt, olen);
	rbytes(p + hlen, plen);
	len = hlen + plen;
	if (pct(4))				/* cut anywhere */
		len = rn((unsigned int)len + 1);
	return len;
}

/* A valid SYN with an MSS option. */
static size_t tcp_syn(uint8_t *p, unsigned int dport)
{
	static const uint8_t lin[20] = {
		2, 4, 0, 0, 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0, 1, 3, 3, 7,
	};

	pkt_put16(p, 1024 + rn(64000));
	pkt_put16(p + 2, dport);
	rbytes(p + 4, 4);
	memset(p + 8, 0, 4);
	p[12] = (5 + 5) << 4;
	p[13] = 0x02;
	pkt_put16(p + 14, 64240);
	pkt_put16(p + 16, 0);
	pkt_put16(p + 18, 0);
	memcpy(p + 20, lin, sizeof(lin));
	pkt_put16(p + 22, 536 + rn(9000 - 536 + 1));
	fig.syn++;
	return 40;
}

/* The TCP checksum of @seg (field zero so far): right, or (!right) random. */
static void tcp_csum(uint8_t *ip, size_t seglen, uint8_t *seg, int v6,
		     int right)
{
	if (!right || seglen < 18) {
		if (seglen >= 18)
			pkt_put16(seg + PKT_TCP_CSUM_OFF, rn(65536));
		return;
	}
	pkt_put16(seg + PKT_TCP_CSUM_OFF,
	      pkt_tcp_csum(pkt_pseudo_sum_ip(v6, ip, seglen), seg, seglen));
}

/* An IPv4 frame; returns its length. */
static size_t frame_v4(uint8_t *f, int garbage, unsigned int dport)
{
	uint8_t *ip = f + 14;
	size_t ihl = 20, seglen, tot;
	int proto = 6, frag = 0;
	uint8_t *seg;

	fig.v4++;
	f[12] = 0x08;
	f[13] = 0x00;
	if (garbage && pct(10)) {		/* options */
		size_t olen = 4 * (1 + rn(10)), i;

		if (pct(60)) {
			memset(ip + 20, 1, olen);	/* NOPs */
			if (pct(30))
				ip[20 + rn((unsigned int)olen)] = 0;
		} else {
			for (i = 0; i < olen; i++)
				ip[20 + i] = (uint8_t)rnd();
		}
		ihl += olen;
	}
	seg = ip + ihl;
	seglen = garbage ? tcp_garbage(seg, FRAME_MAX - 14 - ihl) :
			   tcp_syn(seg, dport);
	ip[0] = (uint8_t)(0x40 | ihl / 4);
	ip[1] = 0;
	pkt_put16(ip + 4, rn(65536));
	pkt_put16(ip + 6, 0x4000);			/* DF */
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, &src4, 4);
	memcpy(ip + 16, &dst4, 4);
	if (garbage) {
		if (pct(20)) {			/* a fragment */
			unsigned int off = pct(30) ? 0 : 1 + rn(200);

			pkt_put16(ip + 6, off | (pct(60) ? 0x2000 : 0));
			frag = 1;
			fig.frag++;
		}
		if (pct(7)) {
			proto = (int)rn(256);
			ip[9] = (uint8_t)proto;
		}
		if (pct(1))
			ip[8] = (uint8_t)rn(3);	/* TTL runs out */
	}
	tot = ihl + seglen;
	pkt_put16(ip + 2, (unsigned int)tot);
	tcp_csum(ip, seglen, seg, 0, !garbage || (pct(60) && !frag));
	if (garbage && pct(3))			/* total length lies */
		pkt_put16(ip + 2, rn(65536));
	ip[10] = ip[11] = 0;
	pkt_put16(ip + 10, pkt_csum(pkt_sum(0, ip, ihl)));
	if (garbage && pct(2))
		pkt_put16(ip + 10, rn(65536));
	if (garbage && pct(2))			/* trailing bytes, trimmed */
		return 14 + tot + rn((unsigned int)(FRAME_MAX - 14 - tot) + 1) *
			(tot < FRAME_MAX - 14);
	return 14 + tot;
}

/* An IPv6 frame, with a random extension-header chain in garbage mode. */
static size_t frame_v6(uint8_t *f, int garbage, unsigned int dport)
{
	static const uint8_t kinds[] = { 0, 43, 44, 60, 60, 51 };
	uint8_t *ip = f + 14, *p = ip + 40, *nhp = ip + 6;
	size_t room = FRAME_MAX - 14 - 40, seglen, plen;
	unsigned int n = 0, i;

	fig.v6++;
	f[12] = 0x86;
	f[13] = 0xdd;
	ip[0] = 0x60;
	ip[1] = ip[2] = ip[3] = 0;
	ip[7] = 64;
	memcpy(ip + 8, &src6, 16);
	memcpy(ip + 24, &dst6, 16);
	if (garbage && pct(50))
		n = pct(80) ? 1 + rn(3) : 1 + rn(10);
	if (n)
		fig.ext++;
	for (i = 0; i < n && room > 64; i++) {
		uint8_t k = kinds[rn(sizeof(kinds))];
		size_t len;

		if (k == 0 && i && pct(70))
			k = 60;			/* Hop-by-Hop goes first */
		*nhp = k;
		nhp = p;
		switch (k) {
		case 44:			/* Fragment */
			len = 8;
			p[1] = 0;
			pkt_put16(p + 2, pct(40) ? (pct(50) ? 1 : 0) :
				(1 + rn(8000)) << 3 | rn(2));
			rbytes(p + 4, 4);
			fig.frag++;
			break;
		case 51:			/* AH: (len + 2) * 4 */
			p[1] = (uint8_t)(pct(90) ? 1 + rn(4) : rnd());
			len = ((size_t)p[1] + 2) * 4;
			if (len > room - 8)
				len = room - 8;
			memset(p + 2, 0, len > 2 ? len - 2 : 0);
			break;
		default:			/* HBH, Routing, DestOpts */
			p[1] = (uint8_t)(pct(90) ? rn(4) : rnd());
			len = ((size_t)p[1] + 1) * 8;
			if (len > room - 8)
				len = room - 8;
			if (k == 43) {		/* type, segments left 0 */
				p[2] = (uint8_t)rn(5);
				p[3] = pct(90) ? 0 : (uint8_t)rn(4);
				memset(p + 4, 0, len - 4);
			} else if (pct(85)) {	/* PadN */
				p[2] = 1;
				p[3] = (uint8_t)(len - 4);
				memset(p + 4, 0, len - 4);
			} else {
				rbytes(p + 2, len - 2);
			}
			break;
		}
		p += len;
		room -= len;
	}
	*nhp = garbage && pct(8) ? (uint8_t)rnd() : 6;
	seglen = garbage ? tcp_garbage(p, room) : tcp_syn(p, dport);
	plen = (size_t)(p - (ip + 40)) + seglen;
	pkt_put16(ip + 4, (unsigned int)plen);
	tcp_csum(ip, seglen, p, 1, !garbage || pct(60));
	if (garbage && pct(4)) {		/* cut the chain short */
		plen = rn((unsigned int)plen + 1);
		pkt_put16(ip + 4, (unsigned int)plen);
	}
	if (garbage && pct(2))			/* payload length lies */
		pkt_put16(ip + 4, rn(65536));
	return 14 + 40 + plen;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int parse_mac(const char *s, uint8_t *m)
{
	unsigned int b[6], i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		m[i] = (uint8_t)b[i];
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static uint8_t frames[BATCH][FRAME_MAX];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	unsigned long count = 0, pps = 0;
	unsigned int dport = 9;
	double seconds = 0, t0, next;
	int garbage, fd;

	if (argc < 10 || (strcmp(argv[1], "garbage") && strcmp(argv[1], "syn"))) {
		fprintf(stderr,
			"usage: %s garbage IF DSTMAC SRC4 DST4 SRC6 DST6 SEED COUNT\n"
			"       %s syn IF DSTMAC SRC4 DST4 SRC6 DST6 SEED PPS SECONDS [DPORT]\n",
			argv[0], argv[0]);
		return 2;
	}
	garbage = !strcmp(argv[1], "garbage");
	if (parse_mac(argv[3], dstmac) ||
	    inet_pton(AF_INET, argv[4], &src4) != 1 ||
	    inet_pton(AF_INET, argv[5], &dst4) != 1 ||
	    inet_pton(AF_INET6, argv[6], &src6) != 1 ||
	    inet_pton(AF_INET6, argv[7], &dst6) != 1) {
		fprintf(stderr, "flood: bad MAC or address\n");
		return 2;
	}
	rng_state = strtoull(argv[8], NULL, 0) * 2 + 1;
	if (garbage) {
		count = strtoul(argv[9], NULL, 0);
	} else {
		if (argc < 11)
			return 2;
		pps = strtoul(argv[9], NULL, 0);
		seconds = strtod(argv[10], NULL);
		if (argc > 11)
			dport = (unsigned int)strtoul(argv[11], NULL, 0);
	}

	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		perror("flood: socket");
		return 1;
	}
	sll.sll_ifindex = (int)if_nametoindex(argv[2]);
	if (!sll.sll_ifindex || bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		perror("flood: bind");
		return 1;
	}
	{
		struct sockaddr_ll me;
		socklen_t ml = sizeof(me);

		if (getsockname(fd, (struct sockaddr *)&me, &ml) == 0)
			memcpy(srcmac, me.sll_addr, 6);
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);

	t0 = now();
	next = t0;
	while (!stop) {
		unsigned int n = BATCH, k;
		int sent;

		if (garbage) {
			if (fig.frames >= count)
				break;
			if (count - fig.frames < n)
				n = (unsigned int)(count - fig.frames);
		} else {
			double t = now();

			if (seconds > 0 && t - t0 >= seconds)
				break;
			if (t < next) {
				struct timespec ts = {
					0, (long)((next - t) * 1e9)
				};
				nanosleep(&ts, NULL);
				continue;
			}
			n = pps >= 200 ? (unsigned int)(pps / 100) : 1;
			if (n > BATCH)
				n = BATCH;
			next += (double)n / (double)pps;
			if (next < t - 1)	/* fell behind: do not catch up */
				next = t;
		}
		for (k = 0; k < n; k++) {
			uint8_t *f = frames[k];
			size_t len;

			memcpy(f, dstmac, 6);
			memcpy(f + 6, srcmac, 6);
			len = rnd() & 1 ? frame_v6(f, garbage, dport) :
					  frame_v4(f, garbage, dport);
			if (len < 14 + 1)
				len = 14 + 1;
			iov[k].iov_base = f;
			iov[k].iov_len = len;
			memset(&msgs[k], 0, sizeof(msgs[k]));
			msgs[k].msg_hdr.msg_iov = &iov[k];
			msgs[k].msg_hdr.msg_iovlen = 1;
			fig.frames++;
		}
		for (k = 0; k < n;) {
			sent = sendmmsg(fd, msgs + k, n - k, 0);
			if (sent < 0) {
				if (errno == EINTR && !stop)
					continue;
				/* the link went away (22-churn) or is busy */
				fig.errors++;
				k++;
				if (errno == ENXIO || errno == ENODEV ||
				    errno == ENETDOWN)
					usleep(1000);
				continue;
			}
			fig.sent += (unsigned long)sent;
			k += (unsigned int)sent;
		}
	}
	printf("frames %lu v4 %lu v6 %lu syn %lu frag %lu ext %lu sent %lu "
	       "errors %lu seconds %.1f\n", fig.frames, fig.v4, fig.v6, fig.syn,
	       fig.frag, fig.ext, fig.sent, fig.errors, now() - t0);
	return 0;
}
