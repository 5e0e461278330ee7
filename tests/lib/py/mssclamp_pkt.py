# SPDX-License-Identifier: GPL-2.0
"""Checksums for the Python test tools (wire.py, clamp_netns.sh's raw_syns);
the C tools have the same in tests/lib/c/pkt.c.

  csum16(b)                    the Internet checksum (RFC 1071) of b
  csum_update16(check, old, new)
                               a checksum after one 16-bit word changed
                               (RFC 1624 eqn. 3)
  pseudo(src, dst, seglen)     the TCP pseudo header: IPv4 (RFC 9293) for
                               4-byte addresses, IPv6 (RFC 8200 8.1) for
                               16-byte ones
  tcp_csum_ok(src, dst, seg)   does the segment's checksum verify?

Standard library only (struct): cheap to import under TCG.
"""
import struct

IPPROTO_TCP = 6


def csum16(b):
    """The Internet checksum of b (folded one's complement sum, inverted)."""
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def csum_update16(check, old, new):
    """RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m')."""
    s = (~check & 0xffff) + (~old & 0xffff) + new
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def pseudo(src, dst, seglen, proto=IPPROTO_TCP):
    """The pseudo header for seglen bytes from src to dst (packed
    addresses, 4 or 16 bytes)."""
    if len(src) == 16:
        return src + dst + struct.pack("!IxxxB", seglen, proto)
    return src + dst + struct.pack("!xBH", proto, seglen)


def tcp_csum_ok(src, dst, seg):
    return csum16(pseudo(src, dst, len(seg)) + seg) == 0
