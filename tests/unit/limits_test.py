#!/usr/bin/python3
"""Check that what `apply` refuses up front is what the module refuses.

apply checks a whole file before it changes anything (userspace/lib/limit.c),
so its limits must be the module's (mssclamp_cfg_check() and the dev list
of kmod/netlink.c), or a file it lets through fails half-way, or one the
module would take is refused.

1. The numbers: both sides name kmod/uapi/mssclamp.h's defines; the
   header sizes are sizeof() of the same uapi structures on both sides.
2. The rule: the declarations of mtu_min, floor and hdrs and the checks
   (every `if`) of limit_check() are those of mssclamp_cfg_check(), in the
   same order.
3. The kernel's extack sentences, which repeat the limits in words, give
   the uapi's numbers, and apply's refusals say the same.
4. The dev list: the kernel takes names shorter than IFNAMSIZ and at most
   MSSCLAMP_MAX_DEVS of them; so does limit.c, with the same IFNAMSIZ.
5. Each limit through `apply` against tests/unit/fakegenl.c: accepted at
   the limit, refused one past it (exit 2, the line named, nothing sent).
   The values are computed from the uapi header, not written here.

One TAP line per case.
"""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib", "py"))
from mssclamp_tap import Tap  # noqa: E402 (the path first)

TOP = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
TAP = Tap("limits: ")
check = TAP.check


def read(path):
    with open(os.path.join(TOP, path), encoding="utf-8") as fh:
        return fh.read()


def norm(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"\s+", " ", text).strip()


# --- reading C ------------------------------------------------------------

def function_body(text, name):
    """The body of the definition of @name in @text, or None: a line
    that starts in the first column (a call is indented) and names it
    before its parameters and the opening brace."""
    for m in re.finditer(r"^(?![ \t#])[^\n;]*\b" + name +
                         r"\s*\([^;{]*\)\s*\{", text, re.M):
        depth, i = 1, m.end()
        while depth and i < len(text):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        return text[m.end():i - 1]
    return None


def kernel_function(name):
    for f in sorted(os.listdir(os.path.join(TOP, "kmod"))):
        if f.endswith(".c"):
            body = function_body(read("kmod/" + f), name)
            if body is not None:
                return "kmod/" + f, body
    return None, None


def balanced(text, start):
    """The text inside the parentheses that open at @start."""
    depth, i = 1, start + 1
    while depth and i < len(text):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        i += 1
    return text[start + 1:i - 1]


def conditions(body):
    return [norm(balanced(body, m.end() - 1))
            for m in re.finditer(r"\bif\s*\(", body)]


def declaration(body, var):
    m = re.search(r"\b(?:u32|uint32_t)\s+" + var + r"\s*=\s*(.*?);", body,
                  re.S)
    return norm(m.group(1)) if m else None


def strings(text):
    """The C string literals of @text, adjacent ones joined."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    out = []
    for m in re.finditer(r'"(?:[^"\\\n]|\\.)*"(?:\s*"(?:[^"\\\n]|\\.)*")*',
                         text):
        out.append("".join(re.findall(r'"((?:[^"\\\n]|\\.)*)"', m.group(0))))
    return out


def uapi_defines():
    return {k: int(v) for k, v in
            re.findall(r"#define\s+(MSSCLAMP_\w+)\s+(\d+)\b",
                       read("kmod/uapi/mssclamp.h"))}


def c_values(includes, exprs):
    """Compile and run a program printing @exprs (size_t) with @includes."""
    src = "".join(f"#include <{i}>\n" for i in includes)
    src += "#include <stdio.h>\nint main(void)\n{\n"
    for e in exprs:
        src += f'\tprintf("%zu\\n", (size_t)({e}));\n'
    src += "\treturn 0;\n}\n"
    with tempfile.TemporaryDirectory() as tmp:
        c, exe = os.path.join(tmp, "v.c"), os.path.join(tmp, "v")
        with open(c, "w") as fh:
            fh.write(src)
        subprocess.run([os.environ.get("CC", "cc"), "-o", exe, c],
                       check=True, capture_output=True)
        out = subprocess.run([exe], check=True, capture_output=True,
                             text=True).stdout.split()
    return [int(v) for v in out]


# --- running apply against the stand-in -------------------------------------

CTL = os.path.join(TOP, "userspace/mssclampctl-asan")
FAKE = os.path.join(TOP, "build/unit/fakegenl.so")


def build():
    log = ""
    for args in (["make", "-s", "-C", os.path.join(TOP, "userspace"), "asan"],
                 ["make", "-s", "-f", os.path.join(TOP, "tests/unit/Makefile"),
                  "fakegenl"]):
        r = subprocess.run(args, capture_output=True, text=True)
        log += r.stdout + r.stderr
        if r.returncode:
            sys.stdout.write("".join("# " + l + "\n"
                                     for l in log.splitlines()))
            return False
    return True


def apply(text, tmp):
    """Run `apply -` on @text; (status, stdout, stderr, requests sent)."""
    log, state = os.path.join(tmp, "log"), os.path.join(tmp, "state")
    for f in (log, state):
        if os.path.exists(f):
            os.unlink(f)
    env = dict(os.environ, LD_PRELOAD=FAKE, FAKEGENL_LOG=log,
               FAKEGENL_STATE=state,
               ASAN_OPTIONS="detect_leaks=1:exitcode=99:"
                            "verify_asan_link_order=0",
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:"
                             "exitcode=98")
    r = subprocess.run([CTL, "apply", "-"], input=text, env=env,
                       capture_output=True, text=True)
    sent = []
    if os.path.exists(log):
        with open(log) as fh:
            sent = [l.strip() for l in fh if l.startswith("SET_CONFIG")]
    return r.returncode, r.stdout, r.stderr, sent


def accepted(name, line, want_attrs, tmp):
    rc, out, err, sent = apply(line + "\n", tmp)
    ok = (rc == 0 and out == "" and err == "" and len(sent) == 1 and
          all(a in sent[0].split() for a in want_attrs))
    check(f"apply accepts {name}: '{line}'", ok,
          f"exit {rc}, stderr {err.strip()!r}, sent {sent}")


def refused(name, line, want_err, tmp):
    rc, out, err, sent = apply(line + "\n", tmp)
    want = f"mssclampctl: apply: line 1: {want_err}\n"
    ok = rc == 2 and out == "" and err == want and not sent
    check(f"apply refuses {name}: '{line}'", ok,
          f"exit {rc}, stderr {err.strip()!r}, wanted {want.strip()!r}, "
          f"sent {sent}")
    return err


# --- the checks -------------------------------------------------------------

def main():
    d = uapi_defines()
    need = ["MSSCLAMP_MTU_MAX", "MSSCLAMP_IPV4_MTU_MIN", "MSSCLAMP_IPV6_MTU_MIN",
            "MSSCLAMP_IPV4_MSS_FLOOR", "MSSCLAMP_IPV6_MSS_FLOOR",
            "MSSCLAMP_MAX_DEVS"]
    missing = [n for n in need if n not in d]
    check("kmod/uapi/mssclamp.h defines every limit", not missing,
          "missing " + ", ".join(missing))
    if missing:
        return 1
    ip4, ip6, tcp, ifnamsiz_k = c_values(
        ["linux/ip.h", "linux/ipv6.h", "linux/tcp.h", "linux/if.h"],
        ["sizeof(struct iphdr)", "sizeof(struct ipv6hdr)",
         "sizeof(struct tcphdr)", "IFNAMSIZ"])
    (ifnamsiz_u,) = c_values(["net/if.h"], ["IFNAMSIZ"])
    check(f"IFNAMSIZ is the kernel's in userspace too ({ifnamsiz_u})",
          ifnamsiz_u == ifnamsiz_k, f"linux/if.h {ifnamsiz_k}")
    fam = {
        "ipv4": dict(name="IPv4", min=d["MSSCLAMP_IPV4_MTU_MIN"],
                     floor=d["MSSCLAMP_IPV4_MSS_FLOOR"], hdrs=ip4 + tcp),
        "ipv6": dict(name="IPv6", min=d["MSSCLAMP_IPV6_MTU_MIN"],
                     floor=d["MSSCLAMP_IPV6_MSS_FLOOR"], hdrs=ip6 + tcp),
    }
    mtu_max, max_devs = d["MSSCLAMP_MTU_MAX"], d["MSSCLAMP_MAX_DEVS"]

    # 2. The rule, side by side.
    kfile, kbody = kernel_function("mssclamp_cfg_check")
    ubody = function_body(read("userspace/lib/limit.c"), "limit_check")
    check("the kernel's mssclamp_cfg_check() is found", kbody is not None)
    check("userspace's limit_check() is found", ubody is not None)
    if kbody is None or ubody is None:
        return 1
    for var in ("mtu_min", "floor", "hdrs"):
        k, u = declaration(kbody, var), declaration(ubody, var)
        check(f"{var} is computed as {kfile} computes it: {k}",
              k is not None and k == u, f"limit.c: {u}")
    kc = [c for c in conditions(kbody) if "cfg->" in c]
    uc = [c for c in conditions(ubody) if "cfg->" in c]
    check("limit_check() makes the kernel's checks, in its order: "
          + "; ".join(kc), len(kc) >= 2 and kc == uc, "limit.c: " + "; ".join(uc))
    names = set(re.findall(r"\bMSSCLAMP_\w+", " ".join(
        [declaration(ubody, v) or "" for v in ("mtu_min", "floor")] + uc)))
    check("the limits limit_check() names are uapi/mssclamp.h's: "
          + ", ".join(sorted(names)), names and names <= set(d),
          "unknown " + ", ".join(sorted(names - set(d))))
    lits = re.findall(r"(?<![\w.])\d+(?![\w.])",
                      " ".join(re.sub(r'"(?:[^"\\]|\\.)*"', "", ubody)
                               .split()))
    check("limit_check() writes no limit as a number", not
          [n for n in lits if int(n) > 1], ", ".join(lits))

    # 3. The kernel's sentences.
    ksays = []
    for f in sorted(os.listdir(os.path.join(TOP, "kmod"))):
        if f.endswith(".c"):
            ksays += strings(read("kmod/" + f))
    phrases = {}
    for f, v in fam.items():
        got = [m.groups() for s in ksays for m in
               [re.search(v["name"] + r" accepts (\d+) to (\d+)$", s)] if m]
        want = (str(v["min"]), str(mtu_max))
        check(f"the kernel's mtu refusal for {f} gives {want[0]} to {want[1]}",
              got == [want], f"found {got}")
        phrases[f, "mtu"] = f"{v['name']} accepts {want[0]} to {want[1]}"
        got = [m.group(0) for s in ksays for m in
               [re.search(r"mtu - (\d+) - overhead must be at least the "
                          + v["name"] + r" MSS floor (\d+)$", s)] if m]
        want = (f"mtu - {v['hdrs']} - overhead must be at least the "
                f"{v['name']} MSS floor {v['floor']}")
        check(f"the kernel's overhead refusal for {f}: '{want}'",
              got == [want], f"found {got}")
        phrases[f, "overhead"] = want
    got = [m.group(1) for s in ksays for m in
           [re.search(r"at most (\d+) interfaces", s)] if m]
    check(f"the kernel's dev refusal says at most {max_devs}",
          got == [str(max_devs)], f"found {got}")

    # 4. The dev list.
    knl = read("kmod/netlink.c")
    check("the kernel takes dev names shorter than IFNAMSIZ",
          re.search(r"\[MSSCLAMP_DEV_A_NAME\]\s*=\s*\{[^}]*\.len\s*=\s*"
                    r"IFNAMSIZ\s*-\s*1", knl) is not None)
    sdevs = function_body(knl, "mssclamp_set_devs") or ""
    check("the kernel refuses a name once it has MSSCLAMP_MAX_DEVS",
          re.search(r"ndevs\s*==\s*MSSCLAMP_MAX_DEVS", sdevs) is not None)
    lim = read("userspace/lib/limit.c")
    check("limit.c refuses names of IFNAMSIZ bytes and more",
          re.search(r"len\s*>=\s*IFNAMSIZ\b",
                    function_body(lim, "limit_dev_name") or "") is not None)
    check("limit.c has room below MSSCLAMP_MAX_DEVS names only",
          re.search(r"n\s*<\s*MSSCLAMP_MAX_DEVS\b",
                    function_body(lim, "limit_devs_room") or "") is not None)

    # 5. Through apply.
    if not build():
        check("mssclampctl-asan and fakegenl.so build", False)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        for f, v in fam.items():
            lo, top_ = v["min"], mtu_max
            room = lambda mtu: mtu - v["hdrs"] - v["floor"]
            err = refused(f"{f} mtu one below its minimum",
                          f"{f} mtu {lo - 1} overhead 0",
                          f"mtu {lo - 1} out of range: {v['name']} accepts "
                          f"{lo} to {top_}", tmp)
            check(f"apply's {f} mtu refusal ends as the kernel's does",
                  err.rstrip("\n").endswith(phrases[f, "mtu"]), err.strip())
            refused(f"{f} mtu one above the maximum",
                    f"{f} mtu {top_ + 1} overhead 0",
                    f"mtu {top_ + 1} out of range: {v['name']} accepts "
                    f"{lo} to {top_}", tmp)
            for mtu in (lo, 1500, top_):
                accepted(f"{f} at mtu {mtu} the largest overhead",
                         f"{f} mtu {mtu} overhead {room(mtu)}",
                         [f"mtu={mtu}", f"overhead={room(mtu)}"], tmp)
                err = refused(
                    f"{f} at mtu {mtu} one byte more overhead",
                    f"{f} mtu {mtu} overhead {room(mtu) + 1}",
                    f"overhead {room(mtu) + 1} too large for mtu {mtu}: "
                    f"mtu - {v['hdrs']} - overhead must be at least the "
                    f"{v['name']} MSS floor {v['floor']} (overhead "
                    f"{room(mtu)} at most)", tmp)
            check(f"apply's {f} overhead refusal says what the kernel says",
                  phrases[f, "overhead"] in err, err.strip())

        devs = [f"d{i}" for i in range(1, max_devs + 2)]
        accepted(f"{max_devs} interfaces",
                 "ipv4 dev " + ",".join(devs[:max_devs]),
                 ["dev=[" + ",".join(devs[:max_devs]) + "]"], tmp)
        refused(f"{max_devs + 1} interfaces",
                "ipv4 dev " + ",".join(devs),
                f"'dev' lists {max_devs + 1} interfaces (at most {max_devs})",
                tmp)
        name = "n" * (ifnamsiz_k - 1)
        accepted(f"a name of {ifnamsiz_k - 1} characters", f"ipv6 dev {name}",
                 [f"dev=[{name}]"], tmp)
        refused(f"a name of {ifnamsiz_k} characters",
                f"ipv6 dev {name}n",
                f"interface name '{name}n' is too long (at most "
                f"{ifnamsiz_k - 1} characters)", tmp)

    return TAP.status()


if __name__ == "__main__":
    sys.exit(main())
