/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark's pre-built Ethernet frames, from 192.0.2.2 /
 * 2001:db8:1::2 to 198.51.100.9 / 2001:db8:2::9 (documentation prefixes
 * only):
 *
 *   syn4, syn6     SYNs with a jumbo MSS in Linux's usual option layout
 *   syn4exc        syn4 from 203.0.113.2, a source the router routes back
 *                  through a nexthop that holds a learned path MTU
 *                  exception (towards another address: tests/bench/guest.sh)
 *   nomss4, nomss6 SYNs with Linux's options but no MSS option
 *   floor4, floor6 SYNs in Linux's layout advertising the clamp's floor
 *                  (536, 1220): nothing for a clamp to lower
 *   data4, data6   ACK/PSH segments with timestamps and a 1400-byte payload
 *   ptb4           ICMP destination unreachable, fragmentation needed
 *                  (type 3 code 4), next-hop MTU 1400
 *   ptb6           ICMPv6 Packet Too Big (type 2), MTU 1400
 *   icmp4, icmp6   ICMP / ICMPv6 echo requests as long as the ptb frames:
 *                  ICMP that is not a Packet Too Big
 *
 * A ptb frame quotes the start of a 1500-byte TCP segment that
 * 198.51.100.9 / 2001:db8:2::9 sent to 192.0.2.7 / 2001:db8:1::7 (a host
 * behind the sender, which plays the router that could not forward it):
 * the segment's IP header and its 32-byte TCP header.
 */
#ifndef MSSBENCH_FRAMES_H
#define MSSBENCH_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_MAX	1514
#define PAYLOAD_LEN	1400
#define SYN_MSS4	8960	/* 9000 - 20 - 20 */
#define SYN_MSS6	8940	/* 9000 - 40 - 20 */
#define PTB_MTU		1400	/* the MTU both ptb frames report */
#define FLOOR_MSS4	536	/* mssclamp's IPv4 MSS floor */
#define FLOOR_MSS6	1220	/* and its IPv6 one */

enum frame_kind {
	SYN4, SYN6, DATA4, DATA6, PTB4, PTB6, ICMP4, ICMP6,
	SYN4EXC, NOMSS4, NOMSS6, FLOOR4, FLOOR6, FRAME_KINDS
};

struct frame {
	enum frame_kind kind;
	const char *name;	/* syn4, syn6, data4, ... */
	int v6;
	int syn;		/* a TCP SYN */
	int clamp;		/* a SYN whose MSS a clamp lowers */
	int mss;		/* the MSS a SYN advertises, -1 for none */
	int icmp;		/* ICMP or ICMPv6, not TCP */
	size_t payload;		/* TCP payload, or ICMP bytes after the
				 * 8-byte header */
	size_t len;
	uint8_t buf[FRAME_MAX];
};

/* frame_kind_parse NAME: the kind, or -1. */
int frame_kind_parse(const char *name);
const char *frame_kind_name(enum frame_kind kind);

/* Build @f as @kind from @src to @dst (Ethernet addresses). */
void frame_build(struct frame *f, enum frame_kind kind,
		 const uint8_t src[6], const uint8_t dst[6]);

/*
 * What a frame caught after the router holds. frame_inspect() fills it and
 * returns 0 when @buf is a copy of @sent as the router forwards it (same
 * kind, same ports or ICMP identifier), -1 when it is some other frame.
 */
struct frame_seen {
	int ttl;		/* TTL or hop limit */
	int mss;		/* MSS option value, -1 when absent or the
				 * options are malformed, or not TCP */
	int mtu;		/* the MTU a ptb frame reports, else -1 */
	int ip_csum_ok;		/* IPv4 header checksum (1 for IPv6) */
	int l4_csum_ok;		/* TCP checksum over the pseudo-header, or
				 * the ICMP / ICMPv6 checksum */
	int icmp_same;		/* ICMP: the message is the one sent, byte
				 * for byte (1 for TCP) */
	size_t payload;		/* TCP payload bytes, or ICMP bytes after
				 * the header */
};

int frame_inspect(const uint8_t *buf, size_t len, const struct frame *sent,
		  struct frame_seen *seen);

#endif /* MSSBENCH_FRAMES_H */
