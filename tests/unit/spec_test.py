#!/usr/bin/python3
"""Check that the C agrees with docs/netlink/mssclamp.yaml.

Compares every enum of the spec (definitions, attribute sets, operations)
with kmod/uapi/mssclamp.h, and the operations' permission flags and the
attributes' type checks with kmod/netlink.c. One TAP line per check.
"""
import os
import re
import sys

import yaml

TOP = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.dont_write_bytecode = True  # nothing written into the tree
sys.path.insert(0, os.path.join(TOP, "tests", "lib", "py"))
from mssclamp_nl import c_enums  # noqa: E402  (the header's enums, parsed)
results = []


def check(name, ok, why=""):
    results.append(ok)
    line = ("ok - " if ok else "not ok - ") + "spec: " + name
    if not ok and why:
        line += " (" + why + ")"
    print(line)


def cname(prefix, name):
    return (prefix + name).upper().replace("-", "_")


def main():
    spec = yaml.safe_load(open(os.path.join(TOP, "docs/netlink/mssclamp.yaml")))
    hdr = open(os.path.join(TOP, "kmod/uapi/mssclamp.h")).read()
    nl = open(os.path.join(TOP, "kmod/netlink.c")).read()
    enums = c_enums(hdr)

    check("family name", f'#define MSSCLAMP_GENL_NAME\t"{spec["name"]}"' in hdr)

    for d in spec["definitions"]:
        nxt = 0
        for e in d["entries"]:
            if isinstance(e, dict):
                nxt = e.get("value", nxt)
                e = e["name"]
            c = cname(f"mssclamp-{d['name']}-", e)
            check(f"definition {d['name']} {e} = {nxt}",
                  enums.get(c) == nxt, f"{c} is {enums.get(c)}")
            nxt += 1

    for aset in spec["attribute-sets"]:
        nxt = 1
        for a in aset["attributes"]:
            nxt = a.get("value", nxt)
            c = cname(aset["name-prefix"], a["name"])
            check(f"attribute {aset['name']}.{a['name']} = {nxt}",
                  enums.get(c) == nxt, f"{c} is {enums.get(c)}")
            nxt += 1
        last = cname(aset["name-prefix"], "max")
        check(f"attribute set {aset['name']} has nothing beyond the spec",
              enums.get(last) == nxt - 1, f"{last} is {enums.get(last)}")

    ops = spec["operations"]
    nxt = 1
    for op in ops["list"]:
        nxt = op.get("value", nxt)
        c = cname(ops["name-prefix"], op["name"])
        check(f"operation {op['name']} = {nxt}", enums.get(c) == nxt,
              f"{c} is {enums.get(c)}")
        nxt += 1
        block = re.search(r"\.cmd = " + c + r",(.*?)\}", nl, re.S)
        if not block:
            check(f"operation {op['name']} is in netlink.c", False)
            continue
        admin = "uns-admin-perm" in op.get("flags", [])
        has = "GENL_UNS_ADMIN_PERM" in block.group(1)
        check(f"operation {op['name']} needs admin: {admin}", admin == has)
        check(f"operation {op['name']} do/dump as the spec says",
              ("do" in op) == (".doit" in block.group(1)) and
              ("dump" in op) == (".dumpit" in block.group(1)))

    attrs = spec["attribute-sets"][0]
    for a in attrs["attributes"]:
        c = cname(attrs["name-prefix"], a["name"])
        m = re.search(r"\[" + c + r"\] = ([^\n]*)", nl)
        if not m:
            check(f"policy of {a['name']}", False, "no policy entry")
            continue
        pol = m.group(1)
        if "checks" in a and "max" in a["checks"]:
            want = f"NLA_POLICY_MAX(NLA_{a['type'].upper()}, {a['checks']['max']})"
            check(f"policy of {a['name']}: {want}", pol.startswith(want), pol)
        elif a["type"] in ("u8", "u32", "u64"):
            if a["name"] in ("mss",) or "Read only" in a.get("doc", ""):
                check(f"policy of {a['name']}: read only", "NLA_REJECT" in pol
                      or pol.strip() == "{", pol)
            elif "enum" in a and a["name"] == "hook":
                check(f"policy of {a['name']}: enum range",
                      "NLA_POLICY_MAX(NLA_U8, MSSCLAMP_HOOK_POSTROUTING)" in pol,
                      pol)
            else:
                check(f"policy of {a['name']}: {a['type']}",
                      f"NLA_{a['type'].upper()}" in pol, pol)

    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
