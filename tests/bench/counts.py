#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""mssclamp's counters and histograms in this network namespace, on one line.

    ip netns exec NS python3 -S tests/bench/counts.py

For tests/bench/guest.sh's checks after a measurement: per family (ipv4_,
ipv6_) the counters syn, clamped_syn, unchanged, no_mss and ptb, then per histogram (syn,
synack, ptb) its count, its sum and its non-empty buckets:

    ipv4_syn=16004 ipv4_clamped_syn=16004 ipv4_unchanged=0 ipv4_no_mss=0
    ipv4_ptb=0
    ipv4_hist_syn=16004 ipv4_hist_syn_sum=143395840
    ipv4_hist_syn_buckets=8192-8999:16004 ... (one line, "-" for none)

The counters from GET_STATS, the histograms from a GET_HIST dump, through
tests/lib/py/mssclamp_nl.py. Standard library only (python3 -S).
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib", "py"))
import mssclamp_nl as nl  # noqa: E402

NLM_F_DUMP = 0x300
NLMSG_DONE = 3
U = nl.U
KINDS = {v: k for k, v in nl._members(nl.UAPI, "MSSCLAMP_HIST_").items()}
FAMS = {v: k for k, v in nl.FAM.items()}


def attrs(b):
    """(type, payload) of each attribute in b, repeated types kept."""
    i = 0
    while i + 4 <= len(b):
        n, t = struct.unpack_from("=HH", b, i)
        if n < 4:
            return
        yield t & nl.NLA_TYPE_MASK, b[i + 4:i + n]
        i += (n + 3) & ~3


def u(b):
    return int.from_bytes(b, sys.byteorder)


def hists(g):
    """{(family, kind): (sum, [(low, high, count)...])} from a dump."""
    fid = g.family()
    g.seq += 1
    body = struct.pack("=BBH", U.MSSCLAMP_CMD_GET_HIST,
                       U.MSSCLAMP_GENL_VERSION, 0)
    g.sk.send(struct.pack("=IHHII", 16 + len(body), fid,
                          nl.NLM_F_REQUEST | NLM_F_DUMP, g.seq, 0) + body)
    out = {}
    while True:
        data = g.sk.recv(1 << 20)
        i = 0
        while i + 16 <= len(data):
            n, t, _f, seq, _pid = struct.unpack_from("=IHHII", data, i)
            if seq == g.seq:
                if t == NLMSG_DONE:
                    return out
                if t == nl.NLMSG_ERROR:
                    err = struct.unpack_from("=i", data, i + 16)[0]
                    raise nl.NetlinkError(-err, os.strerror(-err))
                fam = kind = None
                total, buckets = 0, []
                for at, p in attrs(data[i + 20:i + n]):
                    if at == U.MSSCLAMP_A_FAMILY:
                        fam = FAMS[p[0]]
                    elif at == U.MSSCLAMP_A_HIST_KIND:
                        kind = KINDS[p[0]]
                    elif at == U.MSSCLAMP_A_HIST_SUM:
                        total = u(p)
                    elif at == U.MSSCLAMP_A_HIST_BUCKET:
                        b = dict(attrs(p))
                        buckets.append((u(b[U.MSSCLAMP_BUCKET_A_LOW]),
                                        u(b[U.MSSCLAMP_BUCKET_A_HIGH]),
                                        u(b[U.MSSCLAMP_BUCKET_A_COUNT])))
                # A histogram may take several messages: the sum is in each.
                _sum, bl = out.get((fam, kind), (0, []))
                out[(fam, kind)] = (total, bl + buckets)
            i += (n + 3) & ~3


def main():
    g = nl.Genl()
    fields = []
    h = hists(g)
    for fam in nl.FAM:
        st = g.stats(fam)
        for k in ("syn", "clamped_syn", "unchanged", "no_mss", "ptb"):
            fields.append(f"{fam}_{k}={st[k]}")
        for kind in KINDS.values():
            total, buckets = h.get((fam, kind), (0, []))
            fields.append(f"{fam}_hist_{kind}={sum(c for _l, _h, c in buckets)}")
            fields.append(f"{fam}_hist_{kind}_sum={total}")
            fields.append(f"{fam}_hist_{kind}_buckets=" + (",".join(
                f"{lo}-{hi}:{c}" for lo, hi, c in buckets) or "-"))
    g.close()
    print(" ".join(fields))


if __name__ == "__main__":
    main()
