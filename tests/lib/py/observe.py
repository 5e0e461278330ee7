#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Hand-made packets for 24-observe: what the histograms count.

  observe.py send SPEC...     send each SPEC from this network namespace,
                              without waiting for anything

SPEC is KIND,SRC,DST[,VALUE]; SRC must be the address the kernel picks as
the source towards DST (a raw socket's kernel fills in the IP header).

  syn,SRC,DST,MSS       a SYN to port 9 with the MSS option MSS; "none":
                        no option; "bad": MSS 9000 then an option of
                        length 1 (malformed)
  synack,SRC,DST,MSS    the same as a SYN-ACK, from port 9
  fragneeded,SRC,DST,MTU
                        ICMP type 3 code 4 with next-hop MTU MTU (16
                        bits), about a TCP segment DST sent to 198.51.100.77
  unreach,SRC,DST       ICMP type 3 code 1 (host unreachable), the same
  ptb,SRC,DST,MTU       ICMPv6 Packet Too Big with MTU MTU (32 bits), about
                        a TCP segment DST sent to 2001:db8:2::77
  unreach6,SRC,DST      ICMPv6 Destination Unreachable (type 1), the same

A raw socket and the standard library: under TCG scapy's import takes
seconds, and this runs under "python3 -S". The checksums are computed
with tests/lib/py/mssclamp_pkt.py (the kernel fills in none for raw TCP
and ICMPv4; it does for ICMPv6).
"""
import socket
import struct
import sys

sys.dont_write_bytecode = True  # nothing written next to the helpers
from mssclamp_pkt import csum16 as csum, pseudo  # noqa: E402 (a sibling)

PORT = 9
GONE4 = "198.51.100.77"
GONE6 = "2001:db8:2::77"


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def tcp(src, dst, sport, dport, flags, opts):
    """A TCP header with options opts and a valid checksum."""
    fam = family(dst)
    seg = struct.pack("!HHIIBBHHH", sport, dport, 0x01020304,
                      0x0a0b0c0d if flags & 0x10 else 0,
                      (20 + len(opts)) // 4 << 4, flags, 64240, 0, 0) + opts
    ph = pseudo(socket.inet_pton(fam, src), socket.inet_pton(fam, dst),
                len(seg))
    return seg[:16] + struct.pack("!H", csum(ph + seg)) + seg[18:]


def mss_opts(value):
    if value == "none":
        return b""
    if value == "bad":
        return bytes.fromhex("0204232808010000")
    return struct.pack("!BBH", 2, 4, int(value))


def invoking4(dst):
    """What a frag-needed quotes: the IPv4 header and 8 bytes of TCP of a
    packet dst sent."""
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 1500, 0x4d43, 0x4000, 63,
                      6, 0, socket.inet_pton(socket.AF_INET, dst),
                      socket.inet_pton(socket.AF_INET, GONE4))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + struct.pack("!HHI", 40000, 80, 1)


def invoking6(dst):
    hdr = struct.pack("!IHBB16s16s", 6 << 28, 1460, 6, 63,
                      socket.inet_pton(socket.AF_INET6, dst),
                      socket.inet_pton(socket.AF_INET6, GONE6))
    return hdr + struct.pack("!HHI", 40000, 80, 1)


def send(spec, i):
    kind, src, dst, *rest = spec.split(",")
    value = rest[0] if rest else ""
    fam = family(dst)
    if kind in ("syn", "synack"):
        syn = kind == "syn"
        sport, dport = (20000 + i, PORT) if syn else (PORT, 20000 + i)
        pkt = tcp(src, dst, sport, dport, 0x02 if syn else 0x12,
                  mss_opts(value))
        proto = socket.IPPROTO_TCP
    elif kind in ("fragneeded", "unreach"):
        code, mtu = (4, int(value)) if kind == "fragneeded" else (1, 0)
        body = invoking4(dst)
        msg = struct.pack("!BBHHH", 3, code, 0, 0, mtu) + body
        pkt = msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]
        proto = socket.IPPROTO_ICMP
    elif kind in ("ptb", "unreach6"):
        typ, mtu = (2, int(value)) if kind == "ptb" else (1, 0)
        # The kernel computes an ICMPv6 checksum on a raw socket.
        pkt = struct.pack("!BBHI", typ, 0, 0, mtu) + invoking6(dst)
        proto = socket.IPPROTO_ICMPV6
    else:
        raise SystemExit("observe.py: unknown kind in %r" % spec)
    s = socket.socket(fam, socket.SOCK_RAW, proto)
    try:
        s.sendto(pkt, (dst, 0))
    finally:
        s.close()


def main(argv):
    if len(argv) >= 3 and argv[1] == "send":
        for i, spec in enumerate(argv[2:]):
            send(spec, i)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
