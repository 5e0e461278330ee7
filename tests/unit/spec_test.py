#!/usr/bin/python3
"""Check docs/netlink/mssclamp.yaml with the kernel's own tools, and the C.

  - The spec validates (jsonschema) against the kernel's schema for the
    protocol it declares, Documentation/netlink/genetlink-legacy.yaml of
    Debian's linux-source-6.12 (extracted by scripts/ynl.sh): the schema
    tools/net/ynl/cli.py and ynl-gen-c.py check it against.
  - kmod/uapi/mssclamp.h is exactly what ynl-gen-c.py generates from the
    spec (scripts/ynl.sh gen, what `make uapi` writes), so the two cannot
    drift: every enum, value and define of the header comes from the spec.
  - What the generator does not produce, kmod/netlink.c, agrees with the
    spec: every operation with a request has its genl_ops entry with the
    spec's handlers and permission flag, a notification has none and is
    multicast by mssclamp_notify(); the policy enforces the spec's checks;
    read-only attributes are rejected; the multicast groups are registered.
  - An attribute linked with an enum whose values have a gap (family: 4, 6),
    which no policy range can say and ynl-gen-c.py derives no policy from,
    has a policy of its type alone and a check written by hand in
    kmod/netlink.c: mssclamp_<enum>_valid() accepts exactly the enum's
    values, mssclamp_req_check() refuses the attribute when it says no, with
    a sentence naming every value. That check is also run on copies of
    netlink.c with a value missing, one too many and the call gone, and must
    fail on each.

One TAP line per check, "ok - spec: ..." / "not ok - spec: ... (why)".
Run by tests/unit/run.sh with Debian's /usr/bin/python3 (python3-yaml,
python3-jsonschema: make deps).
"""
import difflib
import os
import re
import subprocess
import sys

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib", "py"))
from mssclamp_tap import Tap  # noqa: E402 (the path first)

TOP = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
SPEC = os.path.join(TOP, "docs/netlink/mssclamp.yaml")
HEADER = os.path.join(TOP, "kmod/uapi/mssclamp.h")
NETLINK_C = os.path.join(TOP, "kmod/netlink.c")
YNL = os.path.join(TOP, "scripts/ynl.sh")
TAP = Tap("spec: ")
check = TAP.check


def note(text):
    for line in text.splitlines():
        print("# " + line)


def cname(prefix, name):
    """The C name ynl-gen-c.py gives NAME under PREFIX."""
    return (prefix + name).upper().replace("-", "_")


def ynl_dir():
    """The extracted tools/net/ynl and Documentation/netlink, or None."""
    p = subprocess.run(["bash", YNL, "dir"], capture_output=True, text=True)
    note(p.stderr)
    if p.returncode != 0:
        return None, p.stderr.strip().splitlines()[-1:] or ["no output"]
    return p.stdout.strip(), None


def check_schema(spec, kdir):
    proto = spec.get("protocol", "genetlink")
    name = f"validates against the kernel's {proto} schema (jsonschema)"
    try:
        import jsonschema
    except ImportError as e:
        check(name, False, f"no jsonschema module: {e} (make deps)")
        return
    path = os.path.join(kdir, "Documentation/netlink", proto + ".yaml")
    try:
        with open(path) as f:
            schema = yaml.safe_load(f)
    except OSError as e:
        check(name, False, f"no schema for protocol {proto}: {e}")
        return
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(spec),
                    key=lambda e: list(e.absolute_path))
    for e in errors:
        where = "/".join(str(p) for p in e.absolute_path) or "(top)"
        note(f"schema: at {where}: {e.message}")
    check(name, not errors, f"{len(errors)} errors, listed above")


def check_generated():
    name = "kmod/uapi/mssclamp.h is what ynl-gen-c.py generates from the spec"
    p = subprocess.run(["bash", YNL, "gen"], capture_output=True, text=True)
    if p.returncode != 0:
        note(p.stdout + p.stderr)
        check(name, False, f"ynl-gen-c.py failed (exit {p.returncode}), output above")
        return
    with open(HEADER) as f:
        have = f.read()
    if have == p.stdout:
        check(name, True)
        return
    diff = difflib.unified_diff(have.splitlines(), p.stdout.splitlines(),
                                "kmod/uapi/mssclamp.h (committed)",
                                "generated", lineterm="")
    note("\n".join(diff))
    check(name, False, "they differ, diff above: make uapi")


def policy_entries(text, array):
    """Map each [NAME] of the nla_policy array ARRAY to its initialiser."""
    m = re.search(r"struct nla_policy " + array + r"\[[^]]*\] = \{(.*?)\n\};",
                  text, re.S)
    if not m:
        return None
    body = m.group(1)
    out = {}
    for m in re.finditer(r"\[(\w+)\] = ", body):
        i, depth = m.end(), 0
        while i < len(body):
            c = body[i]
            if c in "({":
                depth += 1
            elif c in ")}":
                depth -= 1
            elif c == "," and depth == 0:
                break
            i += 1
        out[m.group(1)] = " ".join(body[m.end():i].split())
    return out


def check_ops(spec, nl):
    ops = spec["operations"]
    for op in ops["list"]:
        if op["name"] == "unspec":
            continue
        c = cname(ops["name-prefix"], op["name"])
        block = re.search(r"\{\s*\.cmd = " + c + r",(.*?)\}", nl, re.S)
        if "notify" in op or "event" in op:
            # Sent by the module, never asked for.
            check(f"operation {op['name']} has no genl_ops entry", block is None)
            check(f"operation {op['name']} is multicast by mssclamp_notify()",
                  re.search(r"mssclamp_notify\([^;]*\b" + c + r"\)", nl, re.S)
                  is not None)
            grp = op.get("mcgrp")
            check(f"operation {op['name']} names a multicast group of the spec",
                  grp in [g["name"] for g in
                          spec.get("mcast-groups", {}).get("list", [])], grp)
            continue
        if not block:
            check(f"operation {op['name']} is in netlink.c", False,
                  f"no genl_ops entry for {c}")
            continue
        body = block.group(1)
        admin = "uns-admin-perm" in op.get("flags", [])
        check(f"operation {op['name']} needs admin: {admin}",
              admin == ("GENL_UNS_ADMIN_PERM" in body))
        check(f"operation {op['name']} do/dump as the spec says",
              ("do" in op) == (".doit" in body) and
              ("dump" in op) == (".dumpit" in body))


def enum_entries(enum):
    """(name, value) of each entry of ENUM, numbered as ynl numbers them."""
    out, v = [], enum.get("value-start", 0)
    for e in enum["entries"]:
        if isinstance(e, dict):
            v = e.get("value", v)
            e = e["name"]
        out.append((e, v))
        v += 1
    return out


def sparse(enum):
    vals = [v for _, v in enum_entries(enum)]
    return max(vals) - min(vals) + 1 != len(vals)


def hand_check_problems(spec, attr, enum, nl):
    """What is wrong with netlink.c's hand-written check of ATTR (linked
    with the sparse ENUM); an empty list when nothing is."""
    problems = []
    fn = "mssclamp_" + enum["name"].replace("-", "_") + "_valid"
    prefix = enum.get("name-prefix", "mssclamp-" + enum["name"] + "-")
    want = {cname(prefix, n) for n, _ in enum_entries(enum)}
    m = re.search(r"\nstatic bool " + fn + r"\(u\d+ \w+\)\n\{(.*?)\n\}", nl, re.S)
    if not m:
        return [f"no static bool {fn}()"]
    body = m.group(1)
    cases = set(re.findall(r"case (\w+):", body))
    if cases != want:
        problems.append(f"{fn}() accepts {sorted(cases)}, the spec "
                        f"{sorted(want)}")
    if not re.fullmatch(r"\s*switch \(\w+\) \{(\s*case \w+:)+\s*return true;"
                        r"\s*\}\s*return false;\s*", body):
        problems.append(f"{fn}() is more than a switch of the values")
    req = re.search(r"static int mssclamp_req_check\(.*?\n\}", nl, re.S)
    req = req.group(0) if req else ""
    c = cname("mssclamp-a-", attr["name"])
    call = (r"a = info->attrs\[" + c + r"\];\s*if \(a && !" + fn +
            r"\(nla_get_" + attr["type"] + r"\(a\)\)\) \{\s*"
            r"NL_SET_ERR_MSG_ATTR\(info->extack, a,\s*([^;]*)\);\s*"
            r"return -EINVAL;")
    m = re.search(call, req)
    if not m:
        problems.append(f"mssclamp_req_check() does not refuse {c} "
                        f"when {fn}() says no")
        return problems
    # The sentence: string literals and the macros among them, expanded.
    sentence = ""
    for lit, macro in re.findall(r'"([^"]*)"|(\w+)', m.group(1)):
        if macro:
            d = re.search(r"#define " + macro + r' "([^"]*)"', nl)
            lit = d.group(1) if d else "<" + macro + ">"
        sentence += lit
    names = " or ".join(f"{v} ({n})" for n, v in enum_entries(enum))
    if not sentence.endswith(": " + names):
        problems.append(f'the sentence "{sentence}" does not end ": {names}"')
    return problems


def check_hand_written(spec, attr, enum, nl):
    name = f"policy of {attr['name']}: enum {enum['name']} has a gap, " \
        "checked by hand as the spec says"
    problems = hand_check_problems(spec, attr, enum, nl)
    check(name, not problems, "; ".join(problems))
    # The check must fail where netlink.c is wrong.
    fn = "mssclamp_" + enum["name"].replace("-", "_") + "_valid"
    prefix = enum.get("name-prefix", "mssclamp-" + enum["name"] + "-")
    first = cname(prefix, enum_entries(enum)[0][0])
    broken = {
        "a value missing": nl.replace(f"\tcase {first}:\n", "", 1),
        "a value too many": nl.replace(f"\tcase {first}:\n",
                                       f"\tcase {first}:\n\tcase 5:\n", 1),
        "the call gone": nl.replace(f"!{fn}(", "!mssclamp_nothing(", 1),
    }
    for what, text in broken.items():
        check(f"the check of {attr['name']} fails on netlink.c with {what}",
              text != nl and hand_check_problems(spec, attr, enum, text) != [])


def read_only(attr):
    return attr.get("doc", "").startswith("Read only")


def check_policy(spec, nl):
    sets = {s["name"]: s for s in spec["attribute-sets"]}
    main = sets["mssclamp"]
    pol = policy_entries(nl, "mssclamp_policy")
    if pol is None:
        check("netlink.c has the policy mssclamp_policy", False)
        return
    req_check = re.search(r"static int mssclamp_req_check\(.*?\n\}", nl, re.S)
    req_check = req_check.group(0) if req_check else ""
    for a in main["attributes"]:
        if a["type"] == "unused":
            continue
        c = cname(main["name-prefix"], a["name"])
        p = pol.get(c)
        if p is None:
            check(f"policy of {a['name']}", False, f"no policy entry for {c}")
            continue
        if a["type"] == "pad" or read_only(a):
            # NLA_REJECT, or (a nest that the policy parses) refused by
            # mssclamp_req_check() with its own sentence.
            check(f"policy of {a['name']}: read only, rejected",
                  "NLA_REJECT" in p or
                  f"info->attrs[{c}]" in req_check, p)
        elif "checks" in a and "max" in a["checks"]:
            want = f"NLA_POLICY_MAX(NLA_{a['type'].upper()}, {a['checks']['max']})"
            check(f"policy of {a['name']}: {want}", p == want, p)
        elif "enum" in a and sparse([d for d in spec["definitions"]
                                     if d["name"] == a["enum"]][0]):
            enum = [d for d in spec["definitions"] if d["name"] == a["enum"]][0]
            want = f"{{ .type = NLA_{a['type'].upper()} }}"
            check(f"policy of {a['name']}: {want} (no range for enum "
                  f"{enum['name']})", p == want, p)
            check_hand_written(spec, a, enum, nl)
        elif "enum" in a:
            enum = [d for d in spec["definitions"] if d["name"] == a["enum"]][0]
            last = enum["entries"][-1]
            last = last["name"] if isinstance(last, dict) else last
            want = (f"NLA_POLICY_MAX(NLA_{a['type'].upper()}, "
                    f"{cname(enum.get('name-prefix', 'mssclamp-' + enum['name'] + '-'), last)})")
            check(f"policy of {a['name']}: enum range, {want}", p == want, p)
        elif a["type"] == "nest":
            want = f"NLA_POLICY_NESTED(mssclamp_{a['nested-attributes']}_policy)"
            check(f"policy of {a['name']}: {want}", p == want, p)
        else:
            want = f"{{ .type = NLA_{a['type'].upper()} }}"
            check(f"policy of {a['name']}: {want}", p == want, p)

    dev = sets["dev"]
    pol = policy_entries(nl, "mssclamp_dev_policy") or {}
    for a in dev["attributes"]:
        if a["type"] != "string":
            continue
        c = cname(dev["name-prefix"], a["name"])
        # IFNAMSIZ is 16: a name of at most 15 bytes and its NUL.
        want = "{ .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 }"
        ok = a.get("checks", {}).get("max-len") == 15 and pol.get(c) == want
        check(f"policy of dev.{a['name']}: at most 15 bytes, NUL-terminated",
              ok, f"spec max-len {a.get('checks', {}).get('max-len')}, "
              f"netlink.c {pol.get(c)}")


def check_mcgrps(spec, nl):
    for g in spec.get("mcast-groups", {}).get("list", []):
        c = g.get("c-define-name", cname("mssclamp-mcgrp-", g["name"]))
        check(f"multicast group {g['name']} is registered ({c})",
              re.search(r"genl_multicast_group mssclamp_mcgrps\[\] = \{[^;]*"
                        r"\.name = " + c + r"\b", nl, re.S) is not None)


def main():
    with open(SPEC) as f:
        spec = yaml.safe_load(f)
    with open(NETLINK_C) as f:
        nl = f.read()

    kdir, why = ynl_dir()
    if kdir is None:
        check("the kernel's netlink tools are there (scripts/ynl.sh dir)",
              False, why[0])
    else:
        check_schema(spec, kdir)
        check_generated()
    check_ops(spec, nl)
    check_policy(spec, nl)
    check_mcgrps(spec, nl)
    return TAP.status()


if __name__ == "__main__":
    sys.exit(main())
