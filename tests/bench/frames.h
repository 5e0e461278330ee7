/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark's pre-built Ethernet frames: IPv4 and IPv6 SYNs with a
 * jumbo MSS in Linux's usual option layout, and non-SYN segments with a
 * 1400-byte payload, from 192.0.2.2 / 2001:db8:1::2 to 198.51.100.9 /
 * 2001:db8:2::9 (documentation prefixes only).
 */
#ifndef MSSBENCH_FRAMES_H
#define MSSBENCH_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_MAX	1514
#define PAYLOAD_LEN	1400
#define SYN_MSS4	8960	/* 9000 - 20 - 20 */
#define SYN_MSS6	8940	/* 9000 - 40 - 20 */

enum frame_kind { SYN4, SYN6, DATA4, DATA6, FRAME_KINDS };

struct frame {
	enum frame_kind kind;
	const char *name;	/* syn4, syn6, data4, data6 */
	int v6;
	int syn;
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
 * returns 0 when @buf is one of ours (same kind as @kind, same ports),
 * -1 when it is some other frame.
 */
struct frame_seen {
	int ttl;		/* TTL or hop limit */
	int mss;		/* MSS option value, -1 when absent or the
				 * options are malformed */
	int ip_csum_ok;		/* IPv4 header checksum (1 for IPv6) */
	int tcp_csum_ok;	/* TCP checksum over the pseudo-header */
	size_t payload;		/* TCP payload bytes */
};

int frame_inspect(const uint8_t *buf, size_t len, enum frame_kind kind,
		  struct frame_seen *seen);

#endif /* MSSBENCH_FRAMES_H */
