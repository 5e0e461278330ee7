#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The SYNs and SYN-ACKs of a capture, for clamp.sh's cap_stop and cap_cut.

  capture.py PCAP [FROM]  one line per SYN or SYN-ACK among the packets of
                          PCAP (an Ethernet capture), from the FROM-th on
                          (0: the first)
  capture.py serve        the same for each request line "PCAP FROM OUT
                          MIN" read on stdin, into the file OUT, once PCAP
                          holds MIN packets (tcpdump printed as many: 5 s
                          at most); each answered
                          with a line "ok N" (N: the packets in PCAP) or
                          "error WHY" on stdout. One
                          process serves a whole scenario: importing scapy
                          costs seconds under TCG.

A line is "FAMILY KIND MSS CKSUM SRC DST": FAMILY v4 or v6; KIND syn, or
synack with ACK set too; MSS the value of the first MSS option (see
first_mss()), "none" without one; CKSUM the TCP checksum
"correct" or "incorrect", or "-" where it cannot be verified (a first
fragment, a segment captured in part); SRC and DST the addresses. A SYN
with RST set is left out, as is a fragment without the TCP header.
"""
import socket
import sys
import time

sys.dont_write_bytecode = True  # nothing written next to the helpers
from mssclamp_pkt import tcp_csum_ok  # noqa: E402 (a sibling)
from scapy.layers.inet import IP, TCP  # noqa: E402
from scapy.layers.inet6 import IPv6, IPv6ExtHdrFragment  # noqa: E402
from scapy.utils import rdpcap  # noqa: E402

SYN, RST, ACK = 0x02, 0x04, 0x10
MSS_KIND, EOL, NOP = 2, 0, 1


def first_mss(opts):
    """The first MSS option's value in the option bytes OPTS, walked by the
    rules of the kernel's tcp_parse_options() (net/ipv4/tcp_input.c): up
    to the end-of-list option or a length below 2 or past the end; an MSS
    option counts with length 4 only."""
    i = 0
    while i < len(opts):
        kind = opts[i]
        if kind == EOL:
            break
        if kind == NOP:
            i += 1
            continue
        if i + 1 >= len(opts) or opts[i + 1] < 2 or i + opts[i + 1] > len(opts):
            break
        if kind == MSS_KIND and opts[i + 1] == 4:
            return str(int.from_bytes(opts[i + 2:i + 4], "big"))
        i += opts[i + 1]
    return "none"


def segment(pkt):
    """(family, src, dst, TCP segment bytes, verifiable) of a captured TCP
    packet that holds a TCP header, else None."""
    if IP in pkt:
        ip = pkt[IP]
        if ip.proto != socket.IPPROTO_TCP or ip.frag:
            return None
        fam, af, first = "v4", socket.AF_INET, bool(ip.flags.MF)
        seg = bytes(ip.payload.original)[:ip.len - ip.ihl * 4]
        whole = len(seg) == ip.len - ip.ihl * 4
    elif IPv6 in pkt:
        ip = pkt[IPv6]
        frag = pkt.getlayer(IPv6ExtHdrFragment)
        if frag is not None and frag.offset:
            return None
        tcp = pkt.getlayer(TCP)
        if tcp is not None:
            seg = bytes(tcp.original)
        elif frag is not None and frag.nh == socket.IPPROTO_TCP:
            seg = bytes(frag.payload.original)
        else:
            return None
        fam, af, first = "v6", socket.AF_INET6, frag is not None
        whole = len(bytes(ip.payload.original)) >= ip.plen
    else:
        return None
    if len(seg) < 20:
        return None
    return fam, af, ip.src, ip.dst, seg, whole and not first


def lines(path, start, least=0):
    """The lines of PATH's packets from START on, and how many it holds
    (at least LEAST, if they come within 5 s)."""
    out = []
    pkts = rdpcap(path)
    deadline = time.monotonic() + 5
    while len(pkts) < least and time.monotonic() < deadline:
        time.sleep(0.05)
        pkts = rdpcap(path)
    for pkt in pkts[start:]:
        got = segment(pkt)
        if got is None:
            continue
        fam, af, src, dst, seg, verifiable = got
        flags = seg[13]
        if not flags & SYN or flags & RST:
            continue
        hlen = (seg[12] >> 4) * 4
        if verifiable:
            ck = tcp_csum_ok(socket.inet_pton(af, src),
                             socket.inet_pton(af, dst), seg)
            ck = "correct" if ck else "incorrect"
        else:
            ck = "-"
        out.append("%s %s %s %s %s %s" % (
            fam, "synack" if flags & ACK else "syn",
            first_mss(seg[20:hlen]), ck, src, dst))
    return out, len(pkts)


def serve():
    for req in sys.stdin:
        try:
            path, start, dest, least = req.split()
            out, total = lines(path, int(start), int(least))
            with open(dest, "w") as f:
                f.writelines(line + "\n" for line in out)
            print("ok %d" % total, flush=True)
        except Exception as e:  # the scenario reads the answer
            print("error %s" % e, flush=True)


def main():
    if sys.argv[1:] == ["serve"]:
        serve()
    elif len(sys.argv) in (2, 3):
        out, _ = lines(sys.argv[1], int(sys.argv[2] if sys.argv[2:] else 0))
        for line in out:
            print(line)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
