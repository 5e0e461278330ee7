#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Packets on the wire for the hardening scenarios (20-malformed, 22-churn).

  wire.py malformed RESULTS        the malformed-packet suite (20-malformed)
  wire.py churn RESULTS            config flips, module cycles and interface
                                   moves under traffic (22-churn)
  wire.py leak RESULTS             module cycles in a quiet system, memory
                                   compared (22-churn)
  wire.py teardown RESULTS         module cycles, enable/disable and hook
                                   flips, counters read under a SYN flood
                                   (23-teardown)
  wire.py fetchloop OUT STOP PORT NBYTES ADDR...
                                   real connections until STOP exists,
                                   each checked for NBYTES intact bytes

They run as root in the VM. malformed, churn and leak start in the
initial network namespace and enter the scenario's namespaces themselves
with setns(2): one python process does all, as a python start costs
seconds under TCG; fetchloop runs in the client's namespace. Settings come
from the environment (see each command). Results go to the file RESULTS,
one case a line: "ok NAME" or "fail NAME"; details on stdout, as "# ..."
lines. Only malformed needs scapy (python3-scapy); the others run under
"python3 -S".

The module is driven over its generic netlink family directly (class Genl
of tests/lib/py/mssclamp_nl.py, which takes the family's numbers from
kmod/uapi/mssclamp.h) rather than with mssclampctl: one exec costs ~0.2 s
under TCG, a netlink request microseconds. Checksums come from
tests/lib/py/mssclamp_pkt.py.
"""
import ctypes
import errno
import os
import select
import socket
import struct
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # nothing written next to the helpers
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib", "py"))
from mssclamp_nl import (  # noqa: E402 (the path first)
    HOOKS, STAT_KEYS, Genl, NetlinkError, Rtnl, fmt_counts, stats_delta)
from mssclamp_pkt import csum16, csum_update16, pseudo  # noqa: E402
from mssclamp_pkt import tcp_csum_ok as seg_csum_ok  # noqa: E402

CLONE_NEWNET = 0x40000000
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4

_libc = ctypes.CDLL(None, use_errno=True)


def setns(name):
    """Move this (single-threaded) process into the netns NAME."""
    fd = os.open(name if "/" in name else "/run/netns/" + name, os.O_RDONLY)
    try:
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            e = ctypes.get_errno()
            raise OSError(e, "setns %s: %s" % (name, os.strerror(e)))
    finally:
        os.close(fd)


def in_ns(name, fn, *args):
    """Call fn(*args) inside netns NAME; come back to where we were."""
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    try:
        setns(name)
        return fn(*args)
    finally:
        _libc.setns(home, CLONE_NEWNET)
        os.close(home)


# --- results -----------------------------------------------------------------


class Results:
    def __init__(self, path):
        self.f = open(path, "w")
        self.failed = 0

    def case(self, ok, name, why=""):
        self.f.write("%s %s\n" % ("ok" if ok else "fail", name))
        self.f.flush()
        if not ok:
            self.failed += 1
            print("# FAIL %s%s" % (name, ": " + why if why else ""),
                  flush=True)


def env(name, default=None):
    v = os.environ.get(name, default)
    if v is None:
        sys.exit("wire.py: %s is not set" % name)
    return v


def mac(s):
    return bytes.fromhex(s.replace(":", ""))


def run(*cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)


# --- the malformed-packet suite ----------------------------------------------
#
# Environment: NS_C NS_R NS_S (namespaces), RMAC (the router's MAC on the
# client's link), SINKMAC (the MAC the router forwards the sink addresses
# to: nobody owns it, so the server's stack drops the frames unseen),
# C4 C6 (the client's addresses), K4 K6 (the sink addresses, routed by the
# router to the server's link), MSSCLAMP_KO (the module, not loaded when
# this starts).
#
# Every case is a list of frames sent from the client's eth0 to the router,
# then a barrier (a UDP datagram to the sink) that closes the case: what
# reaches the server's eth0 before the barrier is what the router forwarded
# of the case. Four passes over the same frames:
#   unloaded     the module is not loaded
#   disabled     loaded, both families disabled (no hook registered): the
#                control every other pass is compared with
#   forward      both families enabled, mtu 1280 (ceilings 1240 / 1220),
#                hook forward
#   postrouting  the same at the post-routing hook
# The unloaded and disabled passes must deliver the same bytes; in the
# enabled passes a frame may differ only where the case says it is a valid,
# clampable SYN: in the MSS value (the ceiling) and the TCP checksum
# (updated per RFC 1624, and valid when the packet is whole). The counters
# of each case are checked in the enabled passes (read over netlink before
# and after the case) and must be zero in the disabled one.

MTU = 1280
CEIL = {"ipv4": 1240, "ipv6": 1220}


class Frame:
    __slots__ = ("data", "mss_at", "csum_at", "tcp_at", "whole")

    def __init__(self, data, mss_at=None, csum_at=None, tcp_at=None,
                 whole=True):
        self.data = data
        self.mss_at = mss_at    # offset of the MSS value if clampable
        self.csum_at = csum_at  # offset of the TCP checksum then
        self.tcp_at = tcp_at    # offset of the TCP header
        self.whole = whole      # the whole TCP segment (checksum verifiable)


class Case:
    def __init__(self, name, fam, frames, counts, forwarded):
        self.name = name
        self.fam = fam              # "ipv4" or "ipv6"
        self.frames = frames
        self.counts = counts        # expected counter deltas when enabled
        self.forwarded = forwarded  # frames the kernel forwards


def build_cases(E, C4, C6, K4, K6):
    """The classes, each for both families where it means something."""
    # Imported here: scapy takes seconds to import under TCG.
    # scapy imports cryptography (for TLS, seconds under TCG) if it can.
    sys.modules.setdefault("cryptography", None)
    from scapy.layers.inet import IP, TCP
    from scapy.layers.inet6 import (IPv6, IPv6ExtHdrDestOpt,
                                    IPv6ExtHdrFragment, IPv6ExtHdrHopByHop,
                                    IPv6ExtHdrRouting, PadN)
    from scapy.packet import Raw

    cases = []
    sport = [40000]

    def nxt():
        sport[0] += 1
        return sport[0]

    MSS1460 = b"\x02\x04\x05\xb4"
    LINUX_OPTS = (b"\x02\x04\x05\xb4\x04\x02\x08\x0a\x00\x01\x02\x03"
                  b"\x00\x00\x00\x00\x01\x03\x03\x07")  # MSS SACK TS NOP WS

    def tcp(opts=b"", flags="S", doff=None, payload=b"", ack=0, urg=0):
        if doff is None:
            assert len(opts) % 4 == 0
            doff = 5 + len(opts) // 4
        return TCP(sport=nxt(), dport=80, seq=0x01020304, ack=ack,
                   flags=flags, dataofs=doff, window=64240, urgptr=urg,
                   options=[]) / Raw(opts + payload)

    def l3(fam, ext=None, **kw):
        if fam == "ipv4":
            return IP(src=C4, dst=K4, ttl=64, id=0x4d43, **kw)
        p = IPv6(src=C6, dst=K6, hlim=64, **kw)
        for h in ext or []:
            p = p / h
        return p

    def frame(pkt, mss_index=None):
        """pkt an L3 packet ending in a TCP layer; mss_index the MSS
        option's offset in the options if it is a valid, clampable SYN."""
        data = bytes(E / pkt)
        seglen = len(bytes(pkt[TCP]))
        tcp_at = len(data) - seglen
        if mss_index is None:
            return Frame(data, tcp_at=tcp_at)
        return Frame(data, tcp_at + 20 + mss_index + 2, tcp_at + 16, tcp_at)

    def add(name, fam, frames, forwarded=None, **counts):
        if not isinstance(frames, list):
            frames = [frames]
        if forwarded is None:
            forwarded = len(frames)
        cases.append(Case(name, fam, frames, counts, forwarded))

    def both(name, fn, forwarded=None, **counts):
        for fam in ("ipv4", "ipv6"):
            add("%s %s" % (fam, name), fam, fn(fam), forwarded, **counts)

    def raw(b, v6=False):
        """A frame of hand-made bytes after the Ethernet header."""
        return Frame(bytes(E)[:12] + (b"\x86\xdd" if v6 else b"\x08\x00") + b)

    # --- valid SYNs: the clamp is on (and byte-exact where it writes) ---
    both("valid SYN, MSS 1460: clamped",
         lambda f: frame(l3(f) / tcp(MSS1460), 0), syn=1, clamped_syn=1)
    both("valid SYN-ACK, MSS 1460: clamped",
         lambda f: frame(l3(f) / tcp(MSS1460, "SA", ack=7), 0),
         synack=1, clamped_synack=1)
    both("valid SYN, Linux option set (MSS SACK TS NOP WS): clamped",
         lambda f: frame(l3(f) / tcp(LINUX_OPTS), 0), syn=1, clamped_syn=1)
    both("valid SYN, MSS 1000 below the ceiling: unchanged",
         lambda f: frame(l3(f) / tcp(b"\x02\x04\x03\xe8")),
         syn=1, unchanged=1)
    both("valid SYN, MSS at an odd offset (after one NOP): clamped",
         lambda f: frame(l3(f) / tcp(b"\x01" + MSS1460 + b"\x01\x01\x00"),
                         1), syn=1, clamped_syn=1)
    both("valid SYN, MSS last in 40 bytes of options: clamped",
         lambda f: frame(l3(f) / tcp(b"\x01" * 36 + MSS1460), 36),
         syn=1, clamped_syn=1)
    both("valid SYN, unknown option filling the header to the end: clamped",
         lambda f: frame(l3(f) / tcp(MSS1460 + b"\xfd\x24" + b"\x55" * 34),
                         0), syn=1, clamped_syn=1)
    both("valid SYN with 100 bytes of data: clamped",
         lambda f: frame(l3(f) / tcp(MSS1460, payload=b"d" * 100), 0),
         syn=1, clamped_syn=1)
    both("SYN with ECE+CWR: clamped",
         lambda f: frame(l3(f) / tcp(MSS1460, "SEC"), 0),
         syn=1, clamped_syn=1)

    # --- flags ---
    both("SYN+FIN: clamped",
         lambda f: frame(l3(f) / tcp(MSS1460, "SF"), 0), syn=1, clamped_syn=1)
    both("SYN+URG (urgent pointer 1): clamped",
         lambda f: frame(l3(f) / tcp(MSS1460, "SU", urg=1), 0),
         syn=1, clamped_syn=1)
    both("SYN+FIN+URG+PSH: clamped",
         lambda f: frame(l3(f) / tcp(MSS1460, "SFUP", urg=1), 0),
         syn=1, clamped_syn=1)
    both("SYN+RST: not a SYN, untouched, not counted",
         lambda f: frame(l3(f) / tcp(MSS1460, "SR")))
    both("SYN+RST+ACK: untouched, not counted",
         lambda f: frame(l3(f) / tcp(MSS1460, "SRA", ack=7)))
    both("ACK with an MSS option: untouched, not counted",
         lambda f: frame(l3(f) / tcp(MSS1460, "A", ack=7)))
    both("no flags with an MSS option: untouched, not counted",
         lambda f: frame(l3(f) / tcp(MSS1460, "")))

    # --- tiny and maximum size ---
    both("tiny: SYN without options: no_mss",
         lambda f: frame(l3(f) / tcp()), syn=1, no_mss=1)
    both("tiny: options only EOL: no_mss",
         lambda f: frame(l3(f) / tcp(b"\0\0\0\0")), syn=1, no_mss=1)
    both("tiny: options only NOPs: no_mss",
         lambda f: frame(l3(f) / tcp(b"\x01" * 8)), syn=1, no_mss=1)
    both("MSS after End of Option List: not an option, no_mss",
         lambda f: frame(l3(f) / tcp(b"\0\x01\x01\x01" + MSS1460)),
         syn=1, no_mss=1)
    both("maximum size: 1500-byte SYN with MSS 1460: clamped",
         lambda f: frame(l3(f) / tcp(MSS1460, payload=b"m" * (
             1500 - 24 - (20 if f == "ipv4" else 40))), 0),
         syn=1, clamped_syn=1)
    both("maximum size: 1500-byte SYN with a bad option: malformed",
         lambda f: frame(l3(f) / tcp(MSS1460 + b"\x08\x01\x00\x00",
                                     payload=b"m" * (1500 - 28 - (
                                         20 if f == "ipv4" else 40)))),
         syn=1, malformed=1)

    # --- data offset ---
    for doff in (0, 1, 4):
        both("data offset %d (< 5), MSS option after 20 bytes: malformed"
             % doff,
             lambda f, d=doff: frame(l3(f) / tcp(MSS1460, doff=d)),
             syn=1, malformed=1)
    both("data offset 15 past a 24-byte segment: malformed",
         lambda f: frame(l3(f) / tcp(MSS1460, doff=15)), syn=1, malformed=1)
    both("data offset 7 past a 24-byte segment: malformed",
         lambda f: frame(l3(f) / tcp(MSS1460, doff=7)), syn=1, malformed=1)
    both("data offset 6, MSS option beyond it (in the data): no_mss",
         lambda f: frame(l3(f) / tcp(b"\x01\x01\x01\x01", doff=6,
                                     payload=MSS1460)), syn=1, no_mss=1)

    # --- option lengths ---
    both("option length 0 before MSS: malformed",
         lambda f: frame(l3(f) / tcp(b"\x03\x00\x00\x00" + MSS1460)),
         syn=1, malformed=1)
    both("option length 0 after MSS: malformed",
         lambda f: frame(l3(f) / tcp(MSS1460 + b"\x03\x00\x00\x00")),
         syn=1, malformed=1)
    both("option length 1 after MSS: malformed",
         lambda f: frame(l3(f) / tcp(MSS1460 + b"\x08\x01\x00\x00")),
         syn=1, malformed=1)
    both("option past the end of the header (TS length 10 in 4): malformed",
         lambda f: frame(l3(f) / tcp(MSS1460 + b"\x01\x01\x08\x0a")),
         syn=1, malformed=1)
    both("option length 40 in 36 bytes after MSS: malformed",
         lambda f: frame(l3(f) / tcp(MSS1460 + b"\xfd\x28" + b"\0" * 34)),
         syn=1, malformed=1)
    both("option kind as the last byte, no length: malformed",
         lambda f: frame(l3(f) / tcp(MSS1460 + b"\x01\x01\x01\x03")),
         syn=1, malformed=1)
    both("MSS option cut by the end of the header: malformed",
         lambda f: frame(l3(f) / tcp(b"\x01\x01\x02\x04",
                                     payload=b"\x05\xb4")),
         syn=1, malformed=1)
    for ln in (2, 3, 5):
        both("MSS length %d: malformed" % ln,
             lambda f, n=ln: frame(l3(f) / tcp(
                 (b"\x02" + bytes([n]) + b"\x05\xb4\x01\x01\x01\x01")[:8])),
             syn=1, malformed=1)
    both("MSS length 0: malformed",
         lambda f: frame(l3(f) / tcp(b"\x02\x00\x05\xb4")),
         syn=1, malformed=1)
    both("duplicated MSS (1460 twice): malformed",
         lambda f: frame(l3(f) / tcp(MSS1460 + MSS1460)), syn=1, malformed=1)
    both("duplicated MSS (1000 then 1460): malformed",
         lambda f: frame(l3(f) / tcp(b"\x02\x04\x03\xe8" + MSS1460)),
         syn=1, malformed=1)
    both("duplicated MSS on a SYN-ACK: malformed",
         lambda f: frame(l3(f) / tcp(MSS1460 + MSS1460, "SA", ack=7)),
         synack=1, malformed=1)

    # --- IP length cuts the TCP header ---
    def cut(f, keep):
        p = l3(f) / tcp(MSS1460)
        b = bytes(p)
        hl = len(b) - 24
        if f == "ipv4":
            b = b[:2] + struct.pack("!H", hl + keep) + b[4:10] + b"\0\0" + \
                b[12:]
            b = b[:10] + struct.pack("!H", csum16(b[:20])) + b[12:]
        else:
            b = b[:4] + struct.pack("!H", keep) + b[6:]
        return raw(b, f == "ipv6")   # the whole frame; the router trims it
    both("IP length leaves 14 bytes of TCP (flags, no header): malformed",
         lambda f: cut(f, 14), syn=1, malformed=1)
    both("IP length leaves 12 bytes of TCP (no flags): not counted",
         lambda f: cut(f, 12))
    both("IP length leaves no TCP at all: not counted",
         lambda f: cut(f, 0))
    both("IP length ends inside the options (22 of 24): malformed",
         lambda f: cut(f, 22), syn=1, malformed=1)

    # --- IPv4 headers ---
    def v4hdr(ihl=5, tot=None, opts=b"", seg=None, check=None, ver=4):
        seg = seg4() if seg is None else seg
        h = struct.pack("!BBHHHBBH4s4s", ver << 4 | ihl, 0,
                        tot if tot is not None else 20 + len(opts) + len(seg),
                        0x4d43, 0, 64, 6, 0, socket.inet_aton(C4),
                        socket.inet_aton(K4)) + opts
        c = csum16(h) if check is None else check
        return h[:10] + struct.pack("!H", c) + h[12:] + seg

    def seg4(opts=MSS1460, flags="S"):
        p = IP(src=C4, dst=K4) / tcp(opts, flags)
        return bytes(p[TCP])

    add("ipv4 truncated header (10 bytes of 20): dropped by the router",
        "ipv4", raw(v4hdr()[:10]), 0)
    add("ipv4 truncated header (19 bytes): dropped by the router",
        "ipv4", raw(v4hdr(tot=19)[:19]), 0)
    add("ipv4 total length past the frame: dropped by the router", "ipv4",
        raw(v4hdr(tot=200)), 0)
    add("ipv4 IHL 15 past a 44-byte packet: dropped by the router", "ipv4",
        raw(v4hdr(ihl=15, tot=44)), 0)
    add("ipv4 IHL 4 (< 5): dropped by the router", "ipv4",
        raw(v4hdr(ihl=4, tot=44)), 0)
    add("ipv4 version 6 in an IPv4 frame: dropped by the router", "ipv4",
        raw(v4hdr(ver=6)), 0)
    add("ipv4 bad header checksum: dropped by the router", "ipv4",
        raw(v4hdr(check=0x1234)), 0)
    def v4opt(opts):
        """A valid SYN (MSS 1460) behind IPv4 options: clampable."""
        at = 14 + 20 + len(opts)
        return Frame(bytes(E)[:12] + b"\x08\x00" + v4hdr(
            ihl=5 + len(opts) // 4, opts=opts, seg=seg4()), at + 22, at + 16,
            at)

    add("ipv4 options (IHL 6, NOPs) + SYN: clamped", "ipv4",
        v4opt(b"\x01" * 4), syn=1, clamped_syn=1)
    add("ipv4 options (IHL 15, Router Alert + NOPs) + SYN: clamped", "ipv4",
        v4opt(b"\x94\x04\0\0" + b"\x01" * 36), syn=1, clamped_syn=1)
    add("ipv4 options (IHL 8, unknown option 0x1e + EOL) + SYN: clamped",
        "ipv4", v4opt(b"\x1e\x06abcd" + b"\0" * 6), syn=1, clamped_syn=1)
    add("ipv4 options + SYN with a bad option: malformed", "ipv4",
        raw(v4hdr(ihl=6, opts=b"\x01" * 4,
                  seg=seg4(MSS1460 + b"\x08\x01\x00\x00"))),
        syn=1, malformed=1)
    add("ipv4 not TCP (UDP) carrying SYN-like bytes: not counted", "ipv4",
        raw(bytes(IP(src=C4, dst=K4, ttl=64, proto=17) / Raw(seg4()))))

    # --- IPv4 fragments ---
    def frags4(seg, pieces, proto=6):
        """pieces: (offset in 8-byte units, length in bytes, more)."""
        out = []
        for off, ln, more in pieces:
            p = IP(src=C4, dst=K4, ttl=64, id=0x4d44, proto=proto,
                   flags="MF" if more else 0, frag=off) / \
                Raw(seg[off * 8:off * 8 + ln])
            out.append(Frame(bytes(E / p), tcp_at=14 + 20))
        return out

    big4 = bytes((IP(src=C4, dst=K4) / tcp(MSS1460, payload=bytes(
        range(256)) * 2))[TCP])
    f = frags4(big4, [(0, 64, True)])
    f[0].mss_at, f[0].csum_at, f[0].whole = 14 + 20 + 22, 14 + 20 + 16, False
    add("ipv4 first fragment (offset 0, MF) holding the options: clamped",
        "ipv4", f, syn=1, clamped_syn=1)
    add("ipv4 middle fragment (offset 8, MF) starting like a SYN: fragments",
        "ipv4", frags4(big4[:8] + big4, [(1, 64, True)]), fragments=1)
    add("ipv4 last fragment (offset 9): fragments", "ipv4",
        frags4(big4, [(9, 64, False)]), fragments=1)
    add("ipv4 fragment overlapping the TCP header (offset 1): fragments",
        "ipv4", frags4(b"\0" * 8 + seg4(), [(1, 24, True)]), fragments=1)
    add("ipv4 whole fragment train (0, 8, 16, 24, 32+overlap): 1 clamp, "
        "the rest fragments", "ipv4",
        frags4(big4, [(0, 64, True), (8, 64, True), (16, 64, True),
                      (24, 64, True), (32, 96, True), (36, 64, False)]),
        syn=1, clamped_syn=1, fragments=5)
    cases[-1].frames[0].mss_at = 14 + 20 + 22
    cases[-1].frames[0].csum_at = 14 + 20 + 16
    cases[-1].frames[0].whole = False
    add("ipv4 tiny first fragment (8 bytes, no flags) + rest: fragments 1",
        "ipv4", frags4(seg4(), [(0, 8, True), (1, 16, False)]), fragments=1)
    add("ipv4 first fragment of 16 bytes (flags, data offset past it): "
        "malformed", "ipv4", frags4(seg4(), [(0, 16, True)]),
        syn=1, malformed=1)
    add("ipv4 non-first fragment of UDP: not counted", "ipv4",
        frags4(big4, [(2, 64, True)], proto=17))
    add("ipv4 first fragment with DF and MF both set: clamped", "ipv4",
        [Frame(bytes(E / (IP(src=C4, dst=K4, ttl=64, id=0x4d45,
                             flags="MF+DF", proto=6) / Raw(big4[:64]))),
               14 + 20 + 22, 14 + 20 + 16, 14 + 20, False)],
        syn=1, clamped_syn=1)

    # --- IPv6 headers and extension chains ---
    def v6hdr(plen, nh=6, ver=6):
        return struct.pack("!IHBB16s16s", ver << 28, plen, nh, 64,
                           socket.inet_pton(socket.AF_INET6, C6),
                           socket.inet_pton(socket.AF_INET6, K6))

    seg6 = bytes((IPv6(src=C6, dst=K6) / tcp(MSS1460))[TCP])
    add("ipv6 truncated header (30 bytes of 40): dropped by the router",
        "ipv6", raw(v6hdr(24)[:30], True), 0)
    add("ipv6 payload length past the frame: dropped by the router", "ipv6",
        raw(v6hdr(200) + seg6, True), 0)
    add("ipv6 version 4 in an IPv6 frame: dropped by the router", "ipv6",
        raw(v6hdr(24, ver=4) + seg6, True), 0)

    def pad8():
        return IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\0\0\0\0")])

    def add6(name, frm, forwarded=None, **counts):
        add("ipv6 " + name, "ipv6", frm, forwarded, **counts)
    add6("one Destination Options header + SYN: clamped",
         frame(l3("ipv6", [pad8()]) / tcp(MSS1460), 0), syn=1, clamped_syn=1)
    add6("long chain: 8 Destination Options headers + SYN: clamped",
         frame(l3("ipv6", [pad8() for _ in range(8)]) / tcp(MSS1460), 0),
         syn=1, clamped_syn=1)
    add6("long chain: 3 Destination Options of 256 bytes + SYN: clamped",
         frame(l3("ipv6", [IPv6ExtHdrDestOpt(options=[PadN(
             optdata=b"\0" * 252)]) for _ in range(3)]) / tcp(MSS1460), 0),
         syn=1, clamped_syn=1)
    add6("Hop-by-Hop, Routing (segments left 0), Destination Options + SYN: "
         "clamped",
         frame(l3("ipv6", [IPv6ExtHdrHopByHop(options=[PadN(
             optdata=b"\0\0\0\0")]), IPv6ExtHdrRouting(segleft=0,
                                                       addresses=[]),
             pad8()]) / tcp(MSS1460), 0), syn=1, clamped_syn=1)
    add6("repeated headers: Hop-by-Hop twice (the second one misplaced) + "
         "SYN: clamped",
         frame(l3("ipv6", [IPv6ExtHdrHopByHop(options=[PadN(
             optdata=b"\0\0\0\0")]), IPv6ExtHdrHopByHop(options=[PadN(
                 optdata=b"\0\0\0\0")])]) / tcp(MSS1460), 0),
         syn=1, clamped_syn=1)
    add6("repeated headers: Routing, Destination Options, Routing, "
         "Destination Options + SYN: clamped",
         frame(l3("ipv6", [IPv6ExtHdrRouting(segleft=0, addresses=[]),
                           pad8(),
                           IPv6ExtHdrRouting(segleft=0, addresses=[]),
                           pad8()]) / tcp(MSS1460), 0),
         syn=1, clamped_syn=1)

    def chain_raw(hdrs, tail):
        """hdrs: (type, bytes) in order; the first type goes in the IPv6
        header, each header's first byte is set to the next one's type,
        the last to 6 (TCP)."""
        body = b""
        types = [t for t, _ in hdrs] + [6]
        for i, (_t, h) in enumerate(hdrs):
            body += bytes([types[i + 1]]) + h[1:]
        body += tail
        return raw(v6hdr(len(body), types[0]) + body, True)

    add6("truncated chain: Destination Options length 48 in 10 bytes: "
         "untouched, not counted",
         chain_raw([(60, b"\0\x05" + b"\x01\x00" * 4)], b""))
    add6("truncated chain: ends after a Destination Options header naming "
         "TCP: not counted",
         chain_raw([(60, b"\0\0\x01\x04\0\0\0\0")], b""))
    add6("truncated chain: 4 headers, the last one cut: not counted",
         chain_raw([(60, b"\0\0\x01\x04\0\0\0\0")] * 3 +
                   [(60, b"\0\x01\x01\x04\0\0")], b""))
    add6("chain ending in No Next Header followed by a SYN: not counted",
         raw(v6hdr(8 + len(seg6), 60) + b"\x3b\0\x01\x04\0\0\0\0" + seg6,
             True))
    add6("chain ending in ESP followed by a SYN: not counted",
         raw(v6hdr(8 + len(seg6), 60) + b"\x32\0\x01\x04\0\0\0\0" + seg6,
             True))
    add6("Authentication Header + SYN: clamped",
         frame(l3("ipv6", nh=51) / Raw(b"\x06\x02\0\0" + b"\0" * 12) /
               tcp(MSS1460), None), syn=1, clamped_syn=1)
    # Raw / TCP: scapy leaves the TCP checksum to the bytes; recompute.
    b = bytearray(cases[-1].frames[0].data)
    at = len(b) - 24
    b[at + 16:at + 18] = b"\0\0"
    ph = pseudo(socket.inet_pton(socket.AF_INET6, C6),
                socket.inet_pton(socket.AF_INET6, K6), 24)
    b[at + 16:at + 18] = struct.pack("!H", csum16(ph + bytes(b[at:])))
    cases[-1].frames[0] = Frame(bytes(b), at + 22, at + 16, at)

    # --- IPv6 fragments ---
    big6 = bytes((IPv6(src=C6, dst=K6) / tcp(MSS1460, payload=bytes(
        range(256)) * 2))[TCP])

    def frags6(seg, pieces, nh=6, pre=None):
        out = []
        for off, ln, more in pieces:
            ext = list(pre or []) + [IPv6ExtHdrFragment(nh=nh, offset=off,
                                                        m=int(more),
                                                        id=0x4d43)]
            p = l3("ipv6", ext) / Raw(seg[off * 8:off * 8 + ln])
            data = bytes(E / p)
            out.append(Frame(data, tcp_at=len(data) - ln))
        return out

    def clampable(fr):
        fr.mss_at, fr.csum_at, fr.whole = fr.tcp_at + 22, fr.tcp_at + 16, \
            False
        return fr

    add6("first fragment (offset 0, M) holding the options: clamped",
         [clampable(frags6(big6, [(0, 64, True)])[0])], syn=1, clamped_syn=1)
    add6("middle fragment (offset 8, M) starting like a SYN: fragments",
         frags6(big6[:8] + big6, [(1, 64, True)]), fragments=1)
    add6("last fragment (offset 9): fragments",
         frags6(big6, [(9, 64, False)]), fragments=1)
    add6("fragment overlapping the TCP header (offset 1): fragments",
         frags6(b"\0" * 8 + seg6, [(1, 24, True)]), fragments=1)
    tr = frags6(big6, [(0, 64, True), (8, 64, True), (16, 64, True),
                       (24, 64, True), (32, 96, True), (36, 64, False)])
    clampable(tr[0])
    add6("whole fragment train (0, 8, 16, 24, 32+overlap): 1 clamp, the rest"
         " fragments", tr, syn=1, clamped_syn=1, fragments=5)
    add6("atomic fragment (offset 0, no M) + SYN: clamped",
         [clampable(frags6(seg6, [(0, 24, False)])[0])],
         syn=1, clamped_syn=1)
    for fr in cases[-1].frames:
        fr.whole = True
    add6("Destination Options, then a non-first Fragment header: fragments",
         frags6(big6, [(8, 64, True)], pre=[pad8()]), fragments=1)
    add6("first fragment followed by 2 Destination Options + SYN: clamped",
         [clampable(f) for f in frags6(bytes(pad8() / pad8()) + seg6,
                                        [(0, 16 + 24, True)], nh=60)],
         syn=1, clamped_syn=1)
    cases[-1].frames[0].tcp_at += 16
    clampable(cases[-1].frames[0])
    # The Destination Options' next-header bytes: scapy chose them from
    # what followed (nothing): 60 then 6 is what the chain needs.
    b = bytearray(cases[-1].frames[0].data)
    at = cases[-1].frames[0].tcp_at
    b[at - 16] = 60
    b[at - 8] = 6
    cases[-1].frames[0].data = bytes(b)
    add6("tiny first fragment (8 bytes, no flags) + rest: fragments 1",
         frags6(seg6, [(0, 8, True), (1, 16, False)]), fragments=1)
    add6("first fragment of 16 bytes (flags, data offset past it): "
         "malformed", frags6(seg6, [(0, 16, True)]), syn=1, malformed=1)
    add6("non-first fragment of UDP: not counted",
         frags6(big6, [(2, 64, True)], nh=17))
    return cases


def malformed(results_path):
    res = Results(results_path)
    ns_c, ns_r, ns_s = env("NS_C"), env("NS_R"), env("NS_S")
    ko = env("MSSCLAMP_KO")
    rmac, sinkmac = mac(env("RMAC")), mac(env("SINKMAC"))

    # Sockets first, each in its namespace.
    def tx_sock():
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
        s.bind(("eth0", 0))
        return s

    def rx_sock():
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                          socket.htons(ETH_P_ALL))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
        s.bind(("eth0", ETH_P_ALL))
        return s
    tx = in_ns(ns_c, tx_sock)
    rx = in_ns(ns_s, rx_sock)
    cmac = tx.getsockname()[4]

    t0 = time.monotonic()
    sys.modules.setdefault("cryptography", None)
    from scapy.layers.l2 import Ether
    t1 = time.monotonic()
    E = Ether(src=":".join("%02x" % x for x in cmac),
              dst=":".join("%02x" % x for x in rmac))
    cases = build_cases(E, env("C4"), env("C6"), env("K4"), env("K6"))
    nframes = sum(len(c.frames) for c in cases)
    print("# %d cases, %d frames: scapy imported in %.1f s, frames built "
          "in %.1f s" % (len(cases), nframes, t1 - t0, time.monotonic() - t1),
          flush=True)

    # The barrier: a UDP datagram to the sink (no UDP checksum), by hand:
    # building it with scapy costs tens of milliseconds under TCG.
    bhead = bytes(E)[:12] + b"\x08\x00"
    bsrc, bdst = socket.inet_aton(env("C4")), socket.inet_aton(env("K4"))

    def barrier(tag):
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28 + len(tag), 0, 0, 64,
                         17, 0, bsrc, bdst)
        ip = ip[:10] + struct.pack("!H", csum16(ip)) + ip[12:]
        return bhead + ip + struct.pack("!HHHH", 9, 9, 8 + len(tag), 0) + tag

    def drain():
        while select.select([rx], [], [], 0)[0]:
            rx.recv(65536)

    def send_case(tag, c):
        for fr in c.frames:
            tx.send(fr.data)
        b = barrier(tag)
        tx.send(b)
        got = []
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            if not select.select([rx], [], [], 0.2)[0]:
                continue
            data, addr = rx.recvfrom(65536)
            if addr[2] == PACKET_OUTGOING or data[:6] != sinkmac:
                continue
            if data[-len(tag):] == tag and data[12:14] == b"\x08\x00" and \
                    data[23] == 17:
                return got
            got.append(data)
        raise RuntimeError("barrier %r never arrived" % tag)

    gl = None

    def stats_both():
        return {f: gl.stats(f) for f in ("ipv4", "ipv6")}

    passes = {}
    for pname in ("unloaded", "disabled", "forward", "postrouting"):
        if pname == "unloaded":
            if os.path.isdir("/sys/module/mssclamp"):
                sys.exit("wire.py: mssclamp is loaded; the first pass needs "
                         "it unloaded")
        elif pname == "disabled":
            r = run("insmod", ko)
            res.case(r.returncode == 0, "insmod mssclamp.ko", r.stderr)
            gl = in_ns(ns_r, Genl)
        else:
            for f in ("ipv4", "ipv6"):
                gl.set(f, enabled=1, mtu=MTU, hook=pname)
            cfg = {f: gl.config(f) for f in ("ipv4", "ipv6")}
            ok = all(cfg[f]["enabled"] and cfg[f]["mss"] == CEIL[f] and
                     cfg[f]["hook"] == HOOKS[pname] for f in cfg)
            res.case(ok, "%s: both families enabled, mtu %d, hook %s "
                     "(ceilings 1240 / 1220)" % (pname, MTU, pname), str(cfg))
        drain()
        t1 = time.monotonic()
        if gl:
            gl.reset()
            total0 = stats_both()
        out = []
        before = total0 if gl else None
        for i, c in enumerate(cases):
            got = send_case(b"mcwire %s %d" % (pname.encode(), i), c)
            after = stats_both() if gl else None
            out.append((got, before, after))
            before = after
        if gl:
            total1 = before
        passes[pname] = out
        print("# pass %s: %d cases in %.1f s" % (
            pname, len(cases), time.monotonic() - t1), flush=True)
        if gl:
            passes[pname + ":total"] = {f: stats_delta(total0[f], total1[f])
                                        for f in total0}

    # --- compare ---
    def expect_clamped(fam, fr, data):
        """The control frame as the clamp must rewrite it."""
        if fr.mss_at is None:
            return data
        b = bytearray(data)
        old = struct.unpack_from("!H", b, fr.mss_at)[0]
        new = min(old, CEIL[fam])
        struct.pack_into("!H", b, fr.mss_at, new)
        chk = struct.unpack_from("!H", b, fr.csum_at)[0]
        rel = fr.mss_at - fr.tcp_at
        if rel % 2 == 0:
            chk = csum_update16(chk, old, new)
        else:   # the value straddles two 16-bit words of the sum
            chk = csum_update16(chk, old >> 8, new >> 8)
            chk = csum_update16(chk, (old & 0xff) << 8, (new & 0xff) << 8)
        struct.pack_into("!H", b, fr.csum_at, chk)
        return bytes(b)

    def tcp_csum_ok(fam, data, tcp_at):
        if fam == "ipv4":
            tot = struct.unpack_from("!H", data, 16)[0]
            return seg_csum_ok(data[26:30], data[30:34],
                               data[tcp_at:14 + tot])
        return seg_csum_ok(data[22:38], data[38:54], data[tcp_at:])

    def hexdiff(a, b):
        if len(a) != len(b):
            return "length %d vs %d" % (len(a), len(b))
        d = [i for i in range(len(a)) if a[i] != b[i]]
        return "differ at %s" % ",".join(
            "%d(%02x/%02x)" % (i, a[i], b[i]) for i in d[:12])

    for i, c in enumerate(cases):
        ctrl = passes["disabled"][i][0]
        why = []
        if passes["unloaded"][i][0] != ctrl:
            why.append("unloaded and disabled passes differ")
        if len(ctrl) != c.forwarded:
            why.append("the kernel forwarded %d frames, the case expects %d"
                       % (len(ctrl), c.forwarded))
        b, a = passes["disabled"][i][1], passes["disabled"][i][2]
        for f in ("ipv4", "ipv6"):
            if stats_delta(b[f], a[f]):
                why.append("disabled: %s counted %s" % (
                    f, fmt_counts(stats_delta(b[f], a[f]))))
        for pname in ("forward", "postrouting"):
            got, b, a = passes[pname][i]
            if len(got) != len(ctrl):
                why.append("%s: %d frames arrived, control %d" % (
                    pname, len(got), len(ctrl)))
            else:
                # Frames arrive in the order sent: when all of a case's
                # arrive, the k-th is the k-th sent (with its offsets). No
                # byte is masked: TTL, hop limit and the IPv4 header
                # checksum change in the router the same way in every pass.
                fwd = list(c.frames)
                if len(fwd) != len(got):
                    fwd = [None] * len(got)     # never a clampable case
                for k, (g, cd) in enumerate(zip(got, ctrl)):
                    fr = fwd[k]
                    exp = expect_clamped(c.fam, fr, cd) if fr else cd
                    if g != exp:
                        why.append("%s: frame %d %s" % (
                            pname, k, hexdiff(exp, g)))
                    elif fr and fr.mss_at is not None and fr.whole and \
                            not tcp_csum_ok(c.fam, g, fr.tcp_at):
                        why.append("%s: frame %d TCP checksum invalid"
                                   % (pname, k))
                    if fr and fr.mss_at is not None and fr.whole and \
                            not tcp_csum_ok(c.fam, cd, fr.tcp_at):
                        why.append("control frame %d: our own TCP checksum "
                                   "is wrong" % k)
            exp = {f: {} for f in ("ipv4", "ipv6")}
            exp[c.fam] = {k: v for k, v in c.counts.items() if v}
            for f in ("ipv4", "ipv6"):
                d = stats_delta(b[f], a[f])
                if d != exp[f]:
                    why.append("%s: %s counted %s, expected %s" % (
                        pname, f, fmt_counts(d), fmt_counts(exp[f])))
        res.case(not why, c.name, "; ".join(why))

    # Only clampable frames were rewritten, and they were: the comparison
    # saw the clamp at work.
    clampable = sum(1 for c in cases for fr in c.frames
                    if fr.mss_at is not None)
    for pname in ("forward", "postrouting"):
        rewritten = sum(1 for i in range(len(cases))
                        for g, cd in zip(passes[pname][i][0],
                                         passes["disabled"][i][0])
                        if g != cd)
        res.case(rewritten == clampable, "%s: the clamp rewrote %d frames, "
                 "exactly the valid clampable SYNs" % (pname, clampable),
                 "rewrote %d" % rewritten)

    # Counter totals of each enabled pass: exactly the sum of the classes.
    for pname in ("forward", "postrouting"):
        tot = passes[pname + ":total"]
        for f in ("ipv4", "ipv6"):
            want = {}
            for c in cases:
                if c.fam == f:
                    for k, v in c.counts.items():
                        want[k] = want.get(k, 0) + v
            want = {k: v for k, v in want.items() if v}
            res.case(tot[f] == want, "%s: %s counters over the whole batch: %s"
                     % (pname, f, fmt_counts(want)),
                     "got " + fmt_counts(tot[f]))
            print("# %s %s totals: %s" % (pname, f, fmt_counts(tot[f])))
            if pname == "postrouting":
                # What mssclampctl must show now (the shell reads it).
                with open(results_path + ".totals", "a") as tf:
                    tf.write("%s %s\n" % (f, " ".join(
                        "%s=%d" % (k, want.get(k, 0)) for k in STAT_KEYS)))

    # The figures for the report.
    fw = sum(len(passes["disabled"][i][0]) for i in range(len(cases)))
    print("# figures: %d classes (ipv4 %d, ipv6 %d), %d frames sent per pass,"
          " %d forwarded by the kernel, 4 passes" % (
              len(cases), sum(c.fam == "ipv4" for c in cases),
              sum(c.fam == "ipv6" for c in cases), nframes, fw), flush=True)
    gl.close()
    return 0


# --- the module, loaded and unloaded by system call --------------------------
#
# init_module(2) from a copy in memory and delete_module(2): no exec (0.2 s
# each under TCG) and no file read per cycle (the 9p and overlay caches of
# the VM would move the memory figures).

# Their numbers differ per architecture (the kernel's syscall tables:
# arch/x86/entry/syscalls/syscall_64.tbl and syscall_32.tbl,
# arch/arm/tools/syscall.tbl, include/uapi/asm-generic/unistd.h for
# arm64); another number would run another system call.
_MACHINE = os.uname().machine
if _MACHINE == "x86_64":
    SYS_INIT_MODULE, SYS_DELETE_MODULE = 175, 176
elif _MACHINE == "aarch64":
    SYS_INIT_MODULE, SYS_DELETE_MODULE = 105, 106
elif _MACHINE.startswith("arm") or _MACHINE in ("i386", "i486", "i586",
                                                  "i686"):
    SYS_INIT_MODULE, SYS_DELETE_MODULE = 128, 129
else:
    SYS_INIT_MODULE = SYS_DELETE_MODULE = None
O_NONBLOCK = 0o4000


class Module:
    def __init__(self, path):
        self.image = open(path, "rb").read()

    @staticmethod
    def loaded():
        return os.path.isdir("/sys/module/mssclamp")

    @staticmethod
    def refcnt():
        try:
            with open("/sys/module/mssclamp/refcnt") as f:
                return int(f.read())
        except OSError:
            return None

    def load(self):
        if SYS_INIT_MODULE is None:
            raise OSError(errno.ENOSYS, "no init_module number for "
                          + _MACHINE)
        if _libc.syscall(SYS_INIT_MODULE, self.image,
                         ctypes.c_ulong(len(self.image)), b"") != 0:
            e = ctypes.get_errno()
            raise OSError(e, "init_module: " + os.strerror(e))
        if not self.loaded():
            raise OSError(errno.ENOENT, "init_module: no /sys/module/mssclamp")

    @staticmethod
    def unload(timeout=10):
        """rmmod: O_NONBLOCK, so it fails while in use; retried."""
        deadline = time.monotonic() + timeout
        if SYS_DELETE_MODULE is None:
            raise OSError(errno.ENOSYS, "no delete_module number for "
                          + _MACHINE)
        while _libc.syscall(SYS_DELETE_MODULE, b"mssclamp", O_NONBLOCK):
            e = ctypes.get_errno()
            if e not in (errno.EAGAIN, errno.EBUSY) or \
                    time.monotonic() > deadline:
                raise OSError(e, "delete_module: " + os.strerror(e))
            time.sleep(0.01)
        # delete_module(2) returns after free_module() (mod_sysfs_teardown())
        if Module.loaded():
            raise OSError(errno.EEXIST, "delete_module: mssclamp still there")


# --- churn: config flips, module cycles, interface moves ---------------------
#
# Environment: NS_R (the router, the clamp on its traffic), NS_SPARE (a
# namespace with the clamp enabled too, where the interface MOVEDEV goes
# and comes back from), FLIPS, CYCLES, MOVES, SEED, MSSCLAMP_KO (loaded
# when this starts), BASE_DEVS (the router's dev list between flips, comma
# separated), MTU4, MTU6 (the router's baseline mtu).
#
# FLIPS SET_CONFIG requests on the router, each a random change of one or
# more of: enabled, mtu (valid and out of range), overhead (valid and too
# large), hook, pmtu, syn, synack, dev list (existing, missing, moving
# names); the kernel accepts or rejects each (EINVAL only). Spread over
# them: CYCLES module unload/load cycles (the hooks registered, the
# traffic flowing: the module must unload with refcnt 0), after each of
# which the baseline is set again; MOVES moves of MOVEDEV from the router
# to NS_SPARE or back (both list it). At the end the router gets its
# baseline again, and reads back as set.


def churn(results_path):
    import random
    res = Results(results_path)
    ns_r, ns_sp = env("NS_R"), env("NS_SPARE")
    flips, cycles, moves = int(env("FLIPS")), int(env("CYCLES")), \
        int(env("MOVES"))
    rng = random.Random(int(env("SEED")))
    mod = Module(env("MSSCLAMP_KO"))
    movedev = env("MOVEDEV")
    base_devs = [d for d in env("BASE_DEVS").split(",") if d]
    mtu = {"ipv4": int(env("MTU4")), "ipv6": int(env("MTU6"))}
    gl_r, gl_sp = in_ns(ns_r, Genl), in_ns(ns_sp, Genl)
    rt = {"r": in_ns(ns_r, Rtnl), "sp": in_ns(ns_sp, Rtnl)}
    nsfd = {"r": os.open("/run/netns/" + ns_r, os.O_RDONLY),
            "sp": os.open("/run/netns/" + ns_sp, os.O_RDONLY)}
    where = "r"

    def baseline():
        for f in ("ipv4", "ipv6"):
            gl_r.set(f, enabled=1, mtu=mtu[f], overhead=0, hook="forward",
                     pmtu=0, syn=1, synack=1, devs=base_devs)
            gl_sp.set(f, enabled=1, mtu=1400, devs=[movedev])

    devsets = [[], ["eth-c"], ["eth-c", movedev], [movedev], ["eth-s"],
               ["nosuch0"], ["eth-s", "eth-c", "nosuch1"],
               ["d%02d" % i for i in range(15)] + ["eth-c"]]

    def random_change(fam):
        kw = {}
        for _ in range(1 + (rng.random() < 0.3) + (rng.random() < 0.1)):
            k = rng.randrange(9)
            if k == 0:
                kw["enabled"] = rng.random() < 0.8
            elif k == 1:
                kw["mtu"] = rng.choice(
                    [576, 1000, 1280, 1400, 1500, 9000, 65535, 575, 1279,
                     0, 65536] if fam == "ipv4" else
                    [1280, 1400, 1500, 9000, 65535, 1279, 576, 0])
            elif k == 2:
                kw["overhead"] = rng.choice([0, 0, 8, 40, 100, 5000])
            elif k == 3:
                kw["hook"] = rng.choice(["forward", "postrouting"])
            elif k == 4:
                kw["pmtu"] = rng.random() < 0.5
            elif k == 5:
                kw["syn"] = rng.random() < 0.8
            elif k == 6:
                kw["synack"] = rng.random() < 0.8
            else:
                kw["devs"] = rng.choice(devsets)
        return kw

    accepted = rejected = done_cycles = done_moves = 0
    unexpected = []
    refcnts = []
    t0 = time.monotonic()
    cycle_at = set(int((k + 1) * flips / (cycles + 1)) for k in
                   range(cycles))
    move_at = set(int((k + 0.5) * flips / max(moves, 1)) for k in
                  range(moves))
    baseline()
    for i in range(flips):
        fam = rng.choice(("ipv4", "ipv6"))
        kw = random_change(fam)
        try:
            gl_r.set(fam, **kw)
            accepted += 1
        except NetlinkError as e:
            if e.errno == errno.EINVAL:
                rejected += 1
            else:
                unexpected.append("%s %r: %s" % (fam, kw, e))
        if i in cycle_at:
            refcnts.append(mod.refcnt())
            mod.unload()
            mod.load()
            gl_r.fid = gl_sp.fid = None
            baseline()
            done_cycles += 1
        if i in move_at:
            to = "sp" if where == "r" else "r"
            rt[where].move(movedev, nsfd[to])
            where = to
            done_moves += 1
    if where != "r":
        rt[where].move(movedev, nsfd["r"])
        done_moves += 1
    baseline()
    dt = time.monotonic() - t0
    cfg = {f: gl_r.config(f) for f in ("ipv4", "ipv6")}
    print("# churn: %d config changes (%d accepted, %d rejected with "
          "EINVAL), %d module cycles, %d moves of %s in %.1f s" % (
              flips, accepted, rejected, done_cycles, done_moves, movedev,
              dt), flush=True)
    res.case(not unexpected, "%d config changes: each accepted or rejected "
             "with EINVAL (%d accepted, %d rejected)" % (flips, accepted,
                                                         rejected),
             "; ".join(unexpected[:5]))
    res.case(done_cycles == cycles and all(r == 0 for r in refcnts),
             "%d rmmod/insmod cycles under traffic, refcnt 0 before each"
             % cycles, "refcnts %s" % refcnts)
    res.case(done_moves >= moves, "%d moves of %s between the router and "
             "%s (listed in both)" % (done_moves, movedev, ns_sp))
    ok = all(cfg[f]["enabled"] and cfg[f]["mtu"] == mtu[f] and
             cfg[f]["devs"] == base_devs and
             cfg[f]["hook"] == HOOKS["forward"] and
             not cfg[f]["pmtu"] for f in cfg)
    res.case(ok, "after the churn the router reads back its baseline "
             "configuration", str(cfg))
    for f in ("ipv4", "ipv6"):
        print("# router %s after the churn: %s" % (f, fmt_counts(
            gl_r.stats(f))))
    return 0


# --- teardown: the clamp torn down under a SYN flood (23-teardown) -----------
#
# Environment: NS_R (the router, a SYN flood crossing it in both families
# when this starts), MSSCLAMP_KO (loaded when this starts), CYCLES, FLIPS,
# READS.
#
# 1. CYCLES times: enable both families (hook forward, then postrouting on
#    the next cycle), wait until this load of the module has clamped a SYN
#    of each family, then rmmod and insmod: the hooks leave while CPUs are
#    inside them.
# 2. FLIPS changes, in turn: enable/disable, hook forward/postrouting, a
#    new mtu; each is accepted.
# 3. READS reads of each family's counters, with a reset every tenth: in
#    every one, syn + synack is the sum of the outcomes (clamped_syn,
#    clamped_synack, unchanged, no_mss, malformed, errors), whatever the
#    other CPUs are doing at that moment.

OUTCOMES = ("clamped_syn", "clamped_synack", "unchanged", "no_mss",
            "malformed", "errors")


def teardown(results_path):
    res = Results(results_path)
    ns_r = env("NS_R")
    mod = Module(env("MSSCLAMP_KO"))
    cycles, flips, reads = int(env("CYCLES")), int(env("FLIPS")), \
        int(env("READS"))
    fams = ("ipv4", "ipv6")

    def enable(g, hook, mtu=1400):
        for f in fams:
            g.set(f, enabled=1, mtu=mtu, hook=hook)

    def clamped_both(g, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(g.stats(f)["clamped_syn"] for f in fams):
                return True
            time.sleep(0.02)
        return False

    t0 = time.monotonic()
    done, quiet, refcnts = 0, [], []
    for i in range(cycles):
        g = in_ns(ns_r, Genl)
        hook = ("forward", "postrouting")[i % 2]
        enable(g, hook)
        if not clamped_both(g):
            quiet.append(i)
        g.close()
        refcnts.append(mod.refcnt())
        mod.unload()
        mod.load()
        done += 1
    t1 = time.monotonic()
    print("# %d module cycles under the flood in %.1f s" % (done, t1 - t0),
          flush=True)
    res.case(done == cycles and not quiet,
             "%d rmmod/insmod cycles, each after the hooks (forward, then "
             "postrouting) clamped the flood" % cycles,
             "no SYN clamped in cycles %s" % quiet[:10])
    res.case(all(r == 0 for r in refcnts),
             "refcnt 0 before each rmmod", "refcnts %s" % refcnts[:10])

    g = in_ns(ns_r, Genl)
    errors = []
    for i in range(flips):
        f = fams[i % 2]
        k = (i // 2) % 4
        try:
            if k == 0:
                g.set(f, enabled=0)
            elif k == 1:
                g.set(f, enabled=1, hook="postrouting")
            elif k == 2:
                g.set(f, hook="forward", mtu=1300 + i % 200)
            else:
                g.set(f, enabled=1, mtu=1400)
        except NetlinkError as e:
            errors.append("%d: %s" % (i, e))
    print("# %d changes under the flood in %.1f s" % (
        flips, time.monotonic() - t1), flush=True)
    res.case(not errors, "%d enable/disable, hook and mtu changes under "
             "the flood, each accepted" % flips, "; ".join(errors[:5]))
    enable(g, "forward")
    res.case(clamped_both(g), "the router clamps the flood after the "
             "changes (both families)")

    bad, moving = [], 0
    for i in range(reads):
        if i % 10 == 9:
            g.reset()
        for f in fams:
            st = g.stats(f)
            if st["syn"] + st["synack"] != sum(st[k] for k in OUTCOMES):
                bad.append("%s %s" % (f, fmt_counts(st)))
            moving += st["syn"] > 0
    print("# %d reads of both families, %d with SYNs counted" % (
        reads, moving), flush=True)
    res.case(not bad and moving > 0, "%d reads under the flood: syn + "
             "synack is always the sum of the outcomes" % (2 * reads),
             "%d inconsistent, e.g. %s" % (len(bad), bad[:3]) if bad else
             "no read saw a SYN counted")
    g.close()
    return 0


# --- fetchloop: real connections, data checked -------------------------------


def fetchloop(out_path, stop_path, port, nbytes, addrs):
    """Fetch NBYTES from each ADDR in turn until STOP exists; each
    connection must deliver exactly NBYTES of b"x" (tcp.py serve)."""
    port, nbytes = int(port), int(nbytes)
    ok = {a: 0 for a in addrs}
    bad = {a: 0 for a in addrs}
    why = []
    want = b"x" * 65536
    while not os.path.exists(stop_path):
        for a in addrs:
            got, intact = 0, True
            try:
                s = socket.create_connection((a, port), timeout=20)
                s.settimeout(20)
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    if chunk != want[:len(chunk)]:
                        intact = False
                    got += len(chunk)
                s.close()
            except OSError as e:
                why.append("%s: %s after %d bytes" % (a, e, got))
                bad[a] += 1
                continue
            time.sleep(0.05)    # leave the single vCPU to the churn too
            if got == nbytes and intact:
                ok[a] += 1
            else:
                bad[a] += 1
                why.append("%s: %d of %d bytes, intact %s" % (
                    a, got, nbytes, intact))
    with open(out_path + ".tmp", "w") as f:
        for a in addrs:
            f.write("%s %d %d\n" % (a, ok[a], bad[a]))
        for w in why[:20]:
            f.write("# %s\n" % w)
    os.rename(out_path + ".tmp", out_path)
    return 0


# --- leak: module cycles in a quiet system, memory before and after ----------
#
# Environment: NSS (namespaces, comma separated, where the clamp is enabled
# each cycle), CYCLES, TRACED (how many more cycles run with allocation
# tracing), MSSCLAMP_KO (unloaded first if loaded).
#
# A cycle: load (init_module(2) from memory: no file is read, so the VM's
# 9p and overlay caches stay still); in every namespace of NSS and the
# initial one, both families enabled with a dev list (one SET_CONFIG each,
# so the hooks register); unload. Before and after CYCLES of them, the page
# and slab caches are dropped twice a second apart and every slab cache
# is shrunk (so that per-cpu slabs do not hide free objects); the counts
# after are taken again, up to 6 times, while a kmalloc size is above its
# limit (a kfree_rcu batch drains up to 5 s later); then compared: the
# objects in use in the 512-byte kmalloc caches (a configuration: 368
# bytes) and the 256-byte ones (a namespace's state), SUnreclaim,
# VmallocUsed (the module's own memory), Percpu.
#
# What a leak would cost, per cycle, with K = 1 + len(NSS) namespaces (5
# in 22-churn): per namespace and family a configuration (512 B) and the
# counters (72 B per cpu); the module's memory (some 30 kB). Each threshold
# is below what one leaked object a cycle, times CYCLES, adds up to:
#   512-byte objects: growth below one slab (8 objects) and below CYCLES
#   256-byte objects: growth below one slab (16 objects) and below CYCLES
#   SUnreclaim: below 64 kB (a cycle's configurations: 2 * K * 512 B,
#               5 kB a cycle, 100 kB in 20 cycles)
#   VmallocUsed: below 16 kB (the module's memory: 30 kB a cycle)
#   Percpu: below 8 kB (page granular; a cycle's counters: 2 * K * 72 B)
# Then TRACED cycles run with the kmem kmalloc/kfree events (filtered to
# call sites outside the kernel's text, _stext to _etext: the modules';
# the module's own are told by its address range in /proc/modules), the
# percpu alloc/free events (the allocation's with the stack: its call_site
# is the percpu allocator's own wrapper on some architectures, arm64's
# __alloc_percpu_gfp()) and a kprobe on kvfree_call_rcu() on: every
# allocation the module makes must, by the end, be freed by the module or
# handed to kfree_rcu() (which frees in bulk, without kfree events: hence
# the kprobe); every per-cpu area allocated must be freed. An exact
# account of the module's own allocations, as kmemleak would give
# (Debian's kernels have none).

TRACE = "/sys/kernel/tracing/"


def kernel_text():
    """The kernel's text, [_stext, _etext), from /proc/kallsyms."""
    syms = {}
    with open("/proc/kallsyms") as f:
        for line in f:
            w = line.split()
            if len(w) == 3 and w[2] in ("_stext", "_etext"):
                syms[w[2]] = int(w[0], 16)
    return syms.get("_stext", 0), syms.get("_etext", 0)


# The first argument of a kernel function, in a kprobe event: the register
# the architecture's calling convention passes it in ($arg1 exists only
# with CONFIG_HAVE_FUNCTION_ARG_ACCESS_API, which arch/arm does not
# select), and a hex type of the pointer's size.
def _arg1():
    m = os.uname().machine
    if m == "x86_64":
        return "%di"
    if m == "aarch64":
        return "%x0"
    if m.startswith("arm"):
        return "%r0"
    if m in ("i386", "i486", "i586", "i686"):
        return "%ax"    # -mregparm=3: eax, edx, ecx
    return None


ARG1 = _arg1()
XPTR = "x%d" % (struct.calcsize("P") * 8)


def _w(path, v):
    with open(path, "w") as f:
        f.write(v)


def _append(path, v):
    """Append without python's seek to the end (tracefs refuses it)."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        os.write(fd, v.encode())
    finally:
        os.close(fd)


def settle():
    for _ in range(2):
        time.sleep(1)
        _w("/proc/sys/vm/drop_caches", "3")
    time.sleep(0.3)
    for c in os.listdir("/sys/kernel/slab"):
        try:
            _w("/sys/kernel/slab/%s/shrink" % c, "1")
        except OSError:
            pass


def snapshot():
    settle()
    slab = {}
    with open("/proc/slabinfo") as f:
        for line in f.readlines()[2:]:
            w = line.split()
            slab[w[0]] = (int(w[1]), int(w[3]), int(w[4]))
    mi = {}
    with open("/proc/meminfo") as f:
        for line in f:
            k, v = line.split(":")
            mi[k] = int(v.split()[0])
    return slab, mi


def objs(slab, size):
    """Objects in use in the kmalloc caches of SIZE, and per slab.

    The caches are found by name (kmalloc-512, kmalloc-cg-512,
    kmalloc-rnd-NN-512...), not by slabinfo's objsize column: that is the
    slot size (s->size, printed by cache_show() in mm/slab_common.c, 6.1
    and 6.12), which SLUB debugging and KASAN make larger than the size
    the cache serves.
    """
    n = per = 0
    for name, (act, _osz, ops) in slab.items():
        if name.startswith("kmalloc") and \
                name.rsplit("-", 1)[-1] == str(size):
            n += act
            per = max(per, ops)
    return n, per


def leak(results_path):
    res = Results(results_path)
    nss = [n for n in env("NSS").split(",") if n]
    cycles, traced = int(env("CYCLES")), int(env("TRACED"))
    mod = Module(env("MSSCLAMP_KO"))
    if mod.loaded():
        mod.unload()
    gls = [Genl()] + [in_ns(n, Genl) for n in nss]

    def cycle(sets):
        mod.load()
        for g in gls:
            g.fid = None
            for f in ("ipv4", "ipv6"):
                g.set(f, enabled=1, mtu=1400, devs=["eth0", "eth-c"])
                sets[0] += 1
        rc = mod.refcnt()
        mod.unload()
        return rc

    # One cycle first: caches the module's first load warms up (kernfs,
    # percpu chunks) are not the module's leak.
    cycle([0])
    s0, m0 = snapshot()
    t0 = time.monotonic()
    rcs = set()
    for _ in range(cycles):
        rcs.add(cycle([0]))
    dt = time.monotonic() - t0
    k = len(gls)
    print("# leak: %d cycles (%d namespaces, both families enabled in each)"
          " in %.1f s" % (cycles, k, dt), flush=True)
    res.case(rcs == {0}, "%d quiet cycles: refcnt 0 before each unload"
             % cycles, str(rcs))
    sizes = ((512, "configuration"), (256, "namespace state"))
    base = {size: objs(s0, size) for size, _ in sizes}   # (in use, per slab)
    lims = {size: min(per, cycles) for size, (_, per) in base.items()}

    # What the last cycles handed to kfree_rcu() is freed by a batch
    # drained up to KFREE_DRAIN_JIFFIES (5 s) later, then a grace period
    # (kfree_rcu_monitor(), kernel/rcu/tree.c, 6.12); one settle() waits
    # 2.3 s. So the counts are taken again, up to 6 times (14 s or more),
    # until every kmalloc size is back within its limit: a leak stays, an
    # object on its way out does not.
    rounds = 6
    for n in range(1, rounds + 1):
        s1, m1 = snapshot()
        now = {size: objs(s1, size)[0] for size, _ in sizes}
        if all(now[size] - base[size][0] < lims[size] for size, _ in sizes):
            break
    print("# leak: counted after %d settle round(s) of at most %d"
          % (n, rounds))
    for size, name in sizes:
        a, b, lim = base[size][0], now[size], lims[size]
        print("# leak: %d-byte kmalloc objects %d -> %d (%+d; a leaked %s "
              "a cycle: +%d)" % (size, a, b, b - a, name, cycles))
        res.case(b - a < lim, "%d cycles: %d-byte kmalloc objects in use "
                 "grow by less than %d (%+d)" % (cycles, size, lim, b - a))
    for key, lim, what in (("SUnreclaim", 64, "slab"),
                           ("VmallocUsed", 16, "module memory"),
                           ("Percpu", 8, "per-cpu counters")):
        d = m1[key] - m0[key]
        print("# leak: %s %d -> %d kB (%+d)" % (key, m0[key], m1[key], d))
        res.case(d < lim, "%d cycles: %s grows by less than %d kB (%+d kB)"
                 % (cycles, key, lim, d))

    # Traced cycles.
    if traced <= 0:
        return 0
    try:
        _w(TRACE + "tracing_on", "0")
        _w(TRACE + "trace", "")
        _w(TRACE + "buffer_size_kb", "4096")
        # Raw pointers (%p is hashed by default): matched with kfree's.
        _w(TRACE + "options/hash-ptr", "0")
        lo, hi = kernel_text()
        if not lo or not hi:
            raise OSError("no _stext or _etext in /proc/kallsyms")
        flt = "call_site < 0x%x || call_site >= 0x%x" % (lo, hi)
        for ev, f in (("kmem/kmalloc", flt), ("kmem/kfree", flt),
                      ("percpu/percpu_alloc_percpu", "0"),
                      ("percpu/percpu_free_percpu", "0")):
            _w(TRACE + "events/%s/filter" % ev, f)
            _w(TRACE + "events/%s/enable" % ev, "1")
        _w(TRACE + "events/percpu/percpu_alloc_percpu/trigger", "stacktrace")
    except OSError as e:
        res.case(False, "allocation tracing is available", str(e))
        return 0
    # Which objects go to kfree_rcu(): a kprobe on kvfree_call_rcu() gives
    # the rcu_head, inside the object.
    kprobe = True
    try:
        if ARG1 is None:
            raise OSError("no argument register known for %s"
                          % os.uname().machine)
        _append(TRACE + "kprobe_events",
                "p:mcwire/kfree_rcu kvfree_call_rcu head=%s:%s\n"
                % (ARG1, XPTR))
        _w(TRACE + "events/mcwire/kfree_rcu/enable", "1")
    except OSError as e:
        res.case(False, "a kprobe on kvfree_call_rcu is set", str(e))
        kprobe = False
    ranges = []
    sets = [0]
    _w(TRACE + "tracing_on", "1")
    for _ in range(traced):
        mod.load()
        with open("/proc/modules") as f:
            for line in f:
                w = line.split()
                if w[0] == "mssclamp":
                    base = int([x for x in w if x.startswith("0x")][0], 16)
                    ranges.append((base, base + int(w[1])))
        for g in gls:
            g.fid = None
            for f in ("ipv4", "ipv6"):
                g.set(f, enabled=1, mtu=1400, devs=["eth0"])
                sets[0] += 1
        mod.unload()
    _w(TRACE + "tracing_on", "0")
    for ev in ("kmem/kmalloc", "kmem/kfree", "percpu/percpu_alloc_percpu",
               "percpu/percpu_free_percpu"):
        _w(TRACE + "events/%s/enable" % ev, "0")
        _w(TRACE + "events/%s/filter" % ev, "0")
    _w(TRACE + "events/percpu/percpu_alloc_percpu/trigger", "!stacktrace")
    if kprobe:
        _w(TRACE + "events/mcwire/kfree_rcu/enable", "0")
    with open(TRACE + "per_cpu/cpu0/stats") as f:
        overrun = int(f.read().split("overrun:")[1].split()[0])
    text = open(TRACE + "trace").read()
    _w(TRACE + "trace", "")
    _w(TRACE + "options/hash-ptr", "1")
    if kprobe:
        _append(TRACE + "kprobe_events", "-:mcwire/kfree_rcu\n")
    import re

    def ours(site):
        if site.startswith("0x"):
            a = int(site, 16)
            return any(lo <= a < hi for lo, hi in ranges)
        return "[mssclamp]" in site

    live, pcpu = {}, {}
    allocs = frees = pallocs = pfrees = 0
    rcu = []    # (object, size) handed to kfree_rcu()
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = re.search(r"(kmalloc|kfree|percpu_alloc_percpu|"
                      r"percpu_free_percpu|kfree_rcu): (.*)", line)
        if not m:
            continue
        ev, rest = m.group(1), m.group(2)
        f = dict(kv.split("=", 1) for kv in rest.split() if "=" in kv)
        if ev == "kfree_rcu":
            head = int(f.get("head", "0"), 16)
            for p, (req, alloc) in list(live.items()):
                if p <= head < p + alloc:
                    del live[p]
                    rcu.append(p)
            continue
        if ev == "kmalloc" and ours(f.get("call_site", "")):
            live[int(f["ptr"], 16)] = (f.get("bytes_req"),
                                       int(f.get("bytes_alloc", "0")))
            allocs += 1
        elif ev == "kfree" and ours(f.get("call_site", "")) and \
                int(f.get("ptr", "0"), 16) in live:
            del live[int(f["ptr"], 16)]
            frees += 1
        elif ev == "percpu_alloc_percpu":
            # The trigger's stack follows the event: "<stack trace>",
            # then " => FRAME" lines.
            frames = [f.get("call_site", "[mssclamp]")]
            for nxt in lines[i + 1:i + 40]:
                if "<stack trace>" in nxt:
                    continue
                if not nxt.lstrip().startswith("=>"):
                    break
                frames.append(nxt.split("=>", 1)[1].strip())
            if any(ours(fr) for fr in frames):
                pcpu[f["ptr"]] = f.get("size")
                pallocs += 1
        elif ev == "percpu_free_percpu" and f.get("ptr") in pcpu:
            del pcpu[f["ptr"]]
            pfrees += 1
    print("# traced %d cycles (%d SET_CONFIG): module kmalloc %d, kfree %d,"
          " to kfree_rcu %d%s, left %d; percpu alloc %d, free %d; overrun %d"
          % (traced, sets[0], allocs, frees, len(rcu),
             "" if kprobe else " (no kprobe: not seen)", len(live), pallocs,
             pfrees, overrun), flush=True)
    res.case(overrun == 0 and allocs > 0,
             "%d traced cycles: the trace caught the module's allocations "
             "(%d, none lost)" % (traced, allocs), "overrun %d" % overrun)
    res.case(not live, "%d traced cycles: every allocation of the module"
             " is freed (kfree) or handed to kfree_rcu by the end"
             % traced, "%d left: sizes %s" % (
                 len(live), sorted(set(v[0] for v in live.values()))))
    res.case(pallocs > 0 and not pcpu, "%d traced cycles: every per-cpu "
             "area allocated is freed (%d)" % (traced, pallocs),
             "%d left" % len(pcpu))
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "malformed":
        return malformed(argv[2])
    if len(argv) == 3 and argv[1] == "churn":
        return churn(argv[2])
    if len(argv) == 3 and argv[1] == "leak":
        return leak(argv[2])
    if len(argv) == 3 and argv[1] == "teardown":
        return teardown(argv[2])
    if len(argv) >= 6 and argv[1] == "fetchloop":
        return fetchloop(argv[2], argv[3], argv[4], argv[5], argv[6:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
