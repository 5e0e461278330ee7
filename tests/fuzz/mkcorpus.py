#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Write the seed corpus of the rewriter's fuzz target into tests/fuzz/corpus/.

    tests/fuzz/mkcorpus.py [DIR]

Each file is one fuzz input (see fuzz_clamp.c): a control byte, a ceiling
(big endian), then a TCP segment. The segments are the SYN and SYN-ACK
option layouts of common stacks and one of each malformed class the
rewriter must leave alone. The files are committed; run this again only to
change them (it replaces the directory's content).
"""
import os
import struct
import sys

FIX = 0x01   # fix_csum
V6 = 0x02    # IPv6 pseudo header
RAW = 0x04   # keep the input's checksum field

SYN, ACK, RST, FIN, URG, PSH = 0x02, 0x10, 0x04, 0x01, 0x20, 0x08

EOL, NOP = b"\x00", b"\x01"


def mss(v):
    return struct.pack("!BBH", 2, 4, v)


def ws(shift):
    return bytes([3, 3, shift])


SACKOK = b"\x04\x02"


def ts(val=0x8a3b1107, ecr=0):
    return struct.pack("!BBII", 8, 10, val, ecr)


def seg(opts, flags=SYN, payload=b"", doff=None, pad=True):
    """A TCP segment; options padded with EOL to a multiple of 4."""
    if pad:
        opts += EOL * (-len(opts) % 4)
    if doff is None:
        doff = (20 + len(opts)) // 4
    hdr = struct.pack("!HHIIBBHHH", 40000, 443, 0x11223344,
                      0x55667788 if flags & ACK else 0,
                      (doff & 15) << 4, flags, 64240, 0, 0)
    return hdr + opts + payload


def case(ctl, ceiling, segment):
    return bytes([ctl]) + struct.pack("!H", ceiling) + segment


# Option layouts of common stacks' SYNs and SYN-ACKs.
LINUX = mss(65495) + SACKOK + ts() + NOP + ws(7)
LINUX_NOTS = mss(1460) + NOP + NOP + SACKOK + NOP + ws(7)
WINDOWS = mss(8960) + NOP + ws(8) + NOP + NOP + SACKOK
MACOS = mss(16344) + NOP + ws(6) + NOP + NOP + ts() + SACKOK + EOL + EOL
FREEBSD = mss(1460) + NOP + ws(6) + SACKOK + ts()
OPENBSD = mss(1460) + NOP + NOP + SACKOK + NOP + ws(6) + NOP + NOP + ts()
ANDROID_TFO = mss(1440) + SACKOK + ts() + NOP + ws(8) + bytes([34, 10]) + \
    bytes(8)  # TCP Fast Open cookie
MPTCP = mss(1460) + SACKOK + ts() + NOP + ws(7) + bytes([30, 12, 0x01, 0x81]) + \
    bytes(8)
MD5 = NOP + NOP + bytes([19, 18]) + bytes(16) + mss(1460) + NOP + ws(7)

CASES = {
    # stacks, clamped, both pseudo headers, checksum fixed
    "linux-syn-v4": case(FIX, 1460, seg(LINUX)),
    "linux-syn-v6": case(FIX | V6, 1440, seg(LINUX)),
    "linux-synack-v4": case(FIX, 1400, seg(LINUX_NOTS, SYN | ACK)),
    "windows-syn-v4": case(FIX, 1460, seg(WINDOWS)),
    "windows-synack-v6": case(FIX | V6, 1220, seg(WINDOWS, SYN | ACK)),
    "macos-syn-v4": case(FIX, 1452, seg(MACOS)),
    "macos-syn-v6": case(FIX | V6, 1432, seg(MACOS)),
    "freebsd-syn-v4": case(FIX, 1360, seg(FREEBSD)),
    "openbsd-syn-v4": case(FIX, 1200, seg(OPENBSD)),
    "android-tfo-syn-data": case(FIX, 1380, seg(ANDROID_TFO, SYN,
                                                 b"GET / HTTP/1.1\r\n")),
    "mptcp-syn-v6": case(FIX | V6, 1280, seg(MPTCP)),
    "md5sig-syn-v4": case(FIX, 1400, seg(MD5)),
    # where the MSS sits and what the ceiling is
    "mss-odd-offset": case(FIX, 1440, seg(SACKOK + ws(9) + mss(8960))),
    "mss-last-bytes": case(FIX, 1000, seg(NOP * 36 + mss(9000))),
    "mss-equal-ceiling": case(FIX, 1460, seg(mss(1460))),
    "mss-below-ceiling": case(FIX, 1460, seg(mss(536))),
    "ceiling-zero": case(FIX, 0, seg(mss(1460))),
    "ceiling-below-floor": case(FIX, 100, seg(LINUX)),
    "ceiling-max": case(FIX, 65535, seg(mss(65535))),
    "no-fix-csum": case(0, 1460, seg(LINUX)),
    "partial-csum-field-v6": case(V6 | RAW, 1220, seg(LINUX)),
    "wrong-csum-kept": case(FIX | RAW, 1460, seg(LINUX)[:16] + b"\xde\xad" +
                            seg(LINUX)[18:]),
    # well formed without an MSS
    "no-options": case(FIX, 1460, seg(b"")),
    "no-mss": case(FIX, 1460, seg(SACKOK + ts() + NOP + ws(7))),
    "mss-after-eol": case(FIX, 1460, seg(EOL + mss(9000) + NOP * 3)),
    "eol-then-garbage": case(FIX, 1460, seg(SACKOK + EOL + b"\xff\x00\x07")),
    # malformed classes: every byte must stay as it was
    "short-header": case(FIX, 1460, seg(b"")[:19]),
    "empty": case(FIX, 1460, b""),
    "doff-4": case(FIX, 1460, seg(mss(9000), doff=4)),
    "doff-0": case(FIX, 1460, seg(mss(9000), doff=0)),
    "doff-past-end": case(FIX, 1460, seg(mss(9000), doff=15)),
    "optlen-0": case(FIX, 1460, seg(SACKOK + b"\x08\x00" + mss(9000))),
    "optlen-1": case(FIX, 1460, seg(b"\x05\x01" + mss(9000))),
    "optlen-past-header": case(FIX, 1460, seg(mss(9000) + b"\x08\x0a\x00\x00")),
    "kind-without-length": case(FIX, 1460, seg(mss(9000) + NOP * 3 + b"\x03",
                                               pad=False)),
    "mss-len-3": case(FIX, 1460, seg(b"\x02\x03\x23\x28")),
    "mss-len-5": case(FIX, 1460, seg(b"\x02\x05\x23\x28\x00")),
    "mss-len-2": case(FIX, 1460, seg(b"\x02\x02" + mss(9000))),
    "mss-twice": case(FIX, 1460, seg(mss(9000) + mss(1400))),
    "mss-twice-same": case(FIX, 1460, seg(mss(9000) + NOP + mss(9000))),
    "mss-cut-by-doff": case(FIX, 1460, seg(NOP * 2 + mss(9000), doff=6)),
    "options-full-40": case(FIX, 1460, seg(mss(9000) + bytes([254, 36]) +
                                            bytes(34))),
    # flags the rewriter does not look at (the hook does)
    "syn-fin-urg": case(FIX, 1460, seg(mss(9000), SYN | FIN | URG)),
    "syn-rst": case(FIX, 1460, seg(mss(9000), SYN | RST)),
    "payload-large": case(FIX | V6, 1220, seg(LINUX, SYN | PSH, bytes(64))),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus")
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        os.unlink(os.path.join(out, f))
    for name, data in sorted(CASES.items()):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print(f"{len(CASES)} seeds in {out}")


if __name__ == "__main__":
    main()
