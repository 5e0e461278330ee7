# SPDX-License-Identifier: GPL-2.0
"""The mssclamp generic netlink family and rtnetlink, for the test tools.

Numbers come from kmod/uapi/mssclamp.h, read when this module is imported:
every constant of its enums and every numeric or string #define becomes a
module attribute of the same name (MSSCLAMP_A_MTU, MSSCLAMP_CMD_SET_CONFIG,
MSSCLAMP_GENL_NAME, ...; also U.NAME, and the dict UAPI), and from them

  FAM        {"ipv4": 4, "ipv6": 6}        (MSSCLAMP_FAMILY_*)
  HOOKS      {"forward": 0, ...}           (MSSCLAMP_HOOK_*)
  STAT_KEYS  ["syn", "synack", ...]        (MSSCLAMP_STAT_A_* in order,
                                            lower case, without PAD)

A renamed or renumbered attribute is then picked up, or fails the import
by name, instead of leaving a stale copy of its number here.

  Genl()     the family in the netns the object is created in: set(),
             config(), stats(), reset()
  Rtnl()     RTM_SETLINK: move() an interface to another netns
  stats_delta(a, b), fmt_counts(d)
             counters compared and printed in STAT_KEYS order

The generic netlink and rtnetlink numbers (NETLINK_GENERIC, GENL_ID_CTRL,
RTM_SETLINK, ...) are the kernel's ABI (include/uapi/linux/), not ours.
Standard library only: it runs under "python3 -S" in the VM.
"""
import os
import re
import socket
import struct
import time
import types

_HERE = os.path.dirname(os.path.abspath(__file__))
UAPI_H = os.path.join(_HERE, "..", "..", "..", "kmod", "uapi", "mssclamp.h")


# --- the uapi header ------------------------------------------------------


def _strip_comments(text):
    return re.sub(r"//[^\n]*", "", re.sub(r"/\*.*?\*/", "", text, flags=re.S))


def _value(expr, values):
    """An enum value expression: numbers and earlier constants joined by +
    and - (what the header uses: "__MSSCLAMP_A_MAX - 1", in parentheses
    where ynl-gen-c.py writes it)."""
    total, sign = 0, 1
    expr = expr.replace("(", " ").replace(")", " ")
    for tok in expr.replace("+", " + ").replace("-", " - ").split():
        if tok == "+":
            sign = 1
        elif tok == "-":
            sign = -1
        else:
            total += sign * (values[tok] if tok in values else int(tok, 0))
    return total


def c_enums(text):
    """Map each enum constant of the C text to its value."""
    values = {}
    for body in re.findall(r"enum\s+\w*\s*\{(.*?)\};",
                           _strip_comments(text), re.S):
        nxt = 0
        for item in body.split(","):
            item = item.strip()
            if not item:
                continue
            m = re.match(r"(\w+)\s*(?:=\s*(.+))?$", item, re.S)
            if not m:
                raise ValueError("enum item %r not understood" % item)
            name, expr = m.groups()
            if expr is not None:
                nxt = _value(expr, values)
            values[name] = nxt
            nxt += 1
    return values


def c_defines(text):
    """Map each #define of the C text with a number or a string to it."""
    values = {}
    for m in re.finditer(r"^#define[ \t]+(\w+)[ \t]+([^\n]+)$",
                         _strip_comments(text), re.M):
        name, v = m.group(1), m.group(2).strip()
        if v.startswith('"') and v.endswith('"'):
            values[name] = v[1:-1]
        else:
            try:
                values[name] = int(v, 0)
            except ValueError:
                pass
    return values


def _members(values, prefix, skip=("UNSPEC", "PAD", "MAX")):
    """{suffix in lower case: value} of the constants named PREFIX*, in
    value order, without the UNSPEC, PAD and MAX markers."""
    out = [(v, k[len(prefix):].lower()) for k, v in values.items()
           if k.startswith(prefix) and k[len(prefix):] not in skip]
    return {name: v for v, name in sorted(out)}


with open(UAPI_H) as _f:
    _text = _f.read()
UAPI = dict(c_defines(_text), **c_enums(_text))
globals().update(UAPI)
# What this module uses, reached as U.NAME (a name missing from the header
# fails the import here, naming it).
_USED = ("MSSCLAMP_GENL_NAME MSSCLAMP_GENL_VERSION MSSCLAMP_A_FAMILY "
         "MSSCLAMP_A_ENABLED MSSCLAMP_A_MTU MSSCLAMP_A_OVERHEAD "
         "MSSCLAMP_A_MSS MSSCLAMP_A_PMTU MSSCLAMP_A_HOOK MSSCLAMP_A_SYN "
         "MSSCLAMP_A_SYNACK "
         "MSSCLAMP_A_DEVS MSSCLAMP_A_STATS MSSCLAMP_DEV_A_NAME "
         "MSSCLAMP_CMD_GET_CONFIG MSSCLAMP_CMD_SET_CONFIG "
         "MSSCLAMP_CMD_GET_STATS MSSCLAMP_CMD_RESET_STATS").split()
_missing = [n for n in _USED if n not in UAPI]
if _missing:
    raise ImportError("%s has no %s" % (UAPI_H, ", ".join(_missing)))
U = types.SimpleNamespace(**UAPI)

FAM = _members(UAPI, "MSSCLAMP_FAMILY_")
HOOKS = _members(UAPI, "MSSCLAMP_HOOK_")
STAT_ATTR = _members(UAPI, "MSSCLAMP_STAT_A_")
STAT_KEYS = list(STAT_ATTR)

# --- netlink ----------------------------------------------------------------

NETLINK_ROUTE = 0
NETLINK_GENERIC = 16
NLM_F_REQUEST = 1
NLM_F_ACK = 4
NLMSG_ERROR = 2
NLA_F_NESTED = 0x8000
NLA_TYPE_MASK = 0x3fff
GENL_ID_CTRL = 16
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
CTRL_VERSION = 1
RTM_SETLINK = 19
IFLA_IFNAME = 3
IFLA_NET_NS_FD = 28


def nla(t, payload):
    n = 4 + len(payload)
    return struct.pack("=HH", n, t) + payload + b"\0" * (-n % 4)


def nla_parse(b):
    out = {}
    i = 0
    while i + 4 <= len(b):
        n, t = struct.unpack_from("=HH", b, i)
        if n < 4:
            break
        out[t & NLA_TYPE_MASK] = b[i + 4:i + n]
        i += (n + 3) & ~3
    return out


def nla_list(b):
    """The payloads of the attributes in b, in order (repeated types)."""
    out = []
    i = 0
    while i + 4 <= len(b):
        n, _t = struct.unpack_from("=HH", b, i)
        if n < 4:
            break
        out.append(b[i + 4:i + n])
        i += (n + 3) & ~3
    return out


class NetlinkError(OSError):
    pass


class Genl:
    """The mssclamp family in the netns this object was created in."""

    def __init__(self):
        self.sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                NETLINK_GENERIC)
        self.sk.bind((0, 0))
        self.seq = int(time.time()) & 0xffff
        self.fid = None

    def close(self):
        self.sk.close()

    def _req(self, typ, cmd, attrs, flags=NLM_F_REQUEST | NLM_F_ACK,
             version=U.MSSCLAMP_GENL_VERSION):
        self.seq += 1
        body = struct.pack("=BBH", cmd, version, 0) + attrs
        msg = struct.pack("=IHHII", 16 + len(body), typ, flags, self.seq,
                          0) + body
        self.sk.send(msg)
        replies = []
        while True:
            data = self.sk.recv(65536)
            i = 0
            while i + 16 <= len(data):
                n, t, _f, seq, _pid = struct.unpack_from("=IHHII", data, i)
                if seq == self.seq:
                    if t == NLMSG_ERROR:
                        err = struct.unpack_from("=i", data, i + 16)[0]
                        if err:
                            raise NetlinkError(-err, os.strerror(-err))
                        return replies
                    replies.append(data[i + 20:i + n])
                i += (n + 3) & ~3

    def family(self):
        if self.fid is None:
            r = self._req(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                          nla(CTRL_ATTR_FAMILY_NAME,
                              U.MSSCLAMP_GENL_NAME.encode() + b"\0"),
                          version=CTRL_VERSION)
            self.fid = struct.unpack(
                "=H", nla_parse(r[0])[CTRL_ATTR_FAMILY_ID][:2])[0]
        return self.fid

    def set(self, fam, enabled=None, mtu=None, overhead=None, pmtu=None,
            hook=None, syn=None, synack=None, devs=None):
        a = nla(U.MSSCLAMP_A_FAMILY, bytes([FAM[fam]]))
        for t, v in ((U.MSSCLAMP_A_ENABLED, enabled),
                     (U.MSSCLAMP_A_PMTU, pmtu), (U.MSSCLAMP_A_SYN, syn),
                     (U.MSSCLAMP_A_SYNACK, synack)):
            if v is not None:
                a += nla(t, bytes([int(v)]))
        if hook is not None:
            a += nla(U.MSSCLAMP_A_HOOK, bytes([HOOKS[hook]]))
        for t, v in ((U.MSSCLAMP_A_MTU, mtu),
                     (U.MSSCLAMP_A_OVERHEAD, overhead)):
            if v is not None:
                a += nla(t, struct.pack("=I", v))
        if devs is not None:
            a += nla(U.MSSCLAMP_A_DEVS | NLA_F_NESTED, b"".join(
                nla(U.MSSCLAMP_DEV_A_NAME, d.encode() + b"\0")
                for d in devs))
        self._req(self.family(), U.MSSCLAMP_CMD_SET_CONFIG, a)

    def stats(self, fam):
        r = self._req(self.family(), U.MSSCLAMP_CMD_GET_STATS,
                      nla(U.MSSCLAMP_A_FAMILY, bytes([FAM[fam]])))
        st = nla_parse(nla_parse(r[0])[U.MSSCLAMP_A_STATS])
        return {k: struct.unpack("=Q", st[t])[0]
                for k, t in STAT_ATTR.items()}

    def config(self, fam):
        r = self._req(self.family(), U.MSSCLAMP_CMD_GET_CONFIG,
                      nla(U.MSSCLAMP_A_FAMILY, bytes([FAM[fam]])))
        a = nla_parse(r[0])
        return {"enabled": a[U.MSSCLAMP_A_ENABLED][0],
                "mtu": struct.unpack("=I", a[U.MSSCLAMP_A_MTU])[0],
                "hook": a[U.MSSCLAMP_A_HOOK][0],
                "pmtu": a[U.MSSCLAMP_A_PMTU][0],
                "mss": struct.unpack("=I", a[U.MSSCLAMP_A_MSS])[0],
                "devs": [v.rstrip(b"\0").decode()
                         for v in nla_list(a.get(U.MSSCLAMP_A_DEVS, b""))]}

    def reset(self):
        self._req(self.family(), U.MSSCLAMP_CMD_RESET_STATS, b"")


class Rtnl(Genl):
    """RTM_SETLINK in the netns this object was created in."""

    def __init__(self):
        self.sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                NETLINK_ROUTE)
        self.sk.bind((0, 0))
        self.seq = int(time.time()) & 0xffff

    def move(self, name, nsfd):
        """Move the interface NAME into the netns open at NSFD."""
        self.seq += 1
        body = struct.pack("=BxHiII", 0, 0, 0, 0, 0) + \
            nla(IFLA_IFNAME, name.encode() + b"\0") + \
            nla(IFLA_NET_NS_FD, struct.pack("=I", nsfd))
        self.sk.send(struct.pack("=IHHII", 16 + len(body), RTM_SETLINK,
                                 NLM_F_REQUEST | NLM_F_ACK, self.seq, 0) +
                     body)
        while True:
            data = self.sk.recv(65536)
            n, t, _f, seq, _pid = struct.unpack_from("=IHHII", data, 0)
            if seq == self.seq and t == NLMSG_ERROR:
                err = struct.unpack_from("=i", data, 16)[0]
                if err:
                    raise NetlinkError(-err, os.strerror(-err))
                return


def stats_delta(a, b):
    return {k: b[k] - a[k] for k in STAT_KEYS if b[k] != a[k]}


def fmt_counts(d):
    return " ".join("%s=%d" % (k, d[k]) for k in STAT_KEYS if d.get(k)) \
        or "none"
