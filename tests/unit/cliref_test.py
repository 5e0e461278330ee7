#!/usr/bin/python3
"""Check that mssclampctl's one reference covers the whole tool.

userspace/mssclampctl.8 is the reference; the usage (`mssclampctl --help`)
and the bash completion are its short forms; docs/mssclampctl.md shows
examples. So:

1. Every subcommand of the dispatch table (userspace/mssclampctl.c) has a
   line in the usage, a line in the man page's SYNOPSIS and an entry in
   its COMMANDS, and is offered by the bash completion.
2. Every option of the usage is in the man page's OPTIONS and offered by
   the completion.
3. The checks catch what they are for: run on copies with a subcommand
   taken out of the usage, the man page and the completion, and on a table
   with a subcommand documented nowhere, each must fail.
4. Every `$ ...` line of docs/mssclampctl.md, run against the stand-in
   family (tests/unit/fakegenl.c) set up as the example says, prints what
   the page shows.

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
CTL = os.path.join(TOP, "userspace/mssclampctl")
FAKE = os.path.join(TOP, "build/unit/fakegenl.so")
MAN = os.path.join(TOP, "userspace/mssclampctl.8")
COMP = os.path.join(TOP, "userspace/mssclampctl.bash-completion")
DOC = os.path.join(TOP, "docs/mssclampctl.md")
BASH_COMPLETION = "/usr/share/bash-completion/bash_completion"
TAP = Tap("cliref: ")
check = TAP.check


def read(path):
    with open(path, encoding="utf-8") as fh:
        return fh.read()


# --- what the tool has ------------------------------------------------------

def table_commands(src):
    """The names of the dispatch table, in order."""
    m = re.search(r"subcommands\[\]\s*=\s*\{(.*?)\n\};", src, re.S)
    if not m:
        return []
    return re.findall(r'\{\s*"([a-z][\w-]*)"\s*,\s*\w+_main\b', m.group(1))


def usage_options(usage):
    """The options the usage's Options: section lists."""
    m = re.search(r"^Options:\n(.*?)(?:\n\n|\Z)", usage, re.S | re.M)
    return re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", m.group(1)) if m else []


# --- where it must be -------------------------------------------------------

def in_usage(usage, cmd):
    return re.search(r"^  " + re.escape(cmd) + r"( |$)", usage, re.M) is not None


def man_section(man, name):
    m = re.search(r"^\.SH " + name + r"\n(.*?)(?=^\.SH |\Z)", man, re.S | re.M)
    return m.group(1) if m else ""


def man_text(troff):
    """Roff source with the escapes that matter here undone."""
    return troff.replace("\\-", "-").replace("\\&", "").replace('"', "")


def in_man_synopsis(man, cmd):
    return re.search(r"^\.B mssclampctl " + re.escape(cmd) + r"\s*$",
                     man_section(man, "SYNOPSIS"), re.M) is not None


def in_man_commands(man, cmd):
    """An entry of COMMANDS: a .TP whose tag starts with the command."""
    sec = man_section(man, "COMMANDS")
    return re.search(r"^\.TP\n\.BR? \"?" + re.escape(cmd) + r"(\"| |$)", sec,
                     re.M) is not None


def in_man_options(man, opt):
    sec = man_text(man_section(man, "OPTIONS"))
    return re.search(r"^\.(?:B|BR|BI|TP).*(?<![\w-])" + re.escape(opt) +
                     r"(?![\w-])", sec, re.M) is not None


def completion_words(comp_file, words):
    """What bash completion offers for @words (the last one being typed),
    or None without the bash-completion package."""
    if not os.path.isfile(BASH_COMPLETION):
        return None
    script = ('. "$1" && . "$2" || exit 1; shift 2; COMP_WORDS=("$@"); '
              'COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE="$*"; '
              'COMP_POINT=${#COMP_LINE}; _mssclampctl; '
              'printf "%s\\n" "${COMPREPLY[@]}"')
    r = subprocess.run(["bash", "-c", script, "-", BASH_COMPLETION,
                        comp_file] + words, capture_output=True, text=True)
    return set(r.stdout.split())


def in_completion_list(comp, cmd):
    m = re.search(r'commands="([^"]*)"', comp)
    return m is not None and cmd in m.group(1).split()


# --- the cases ---------------------------------------------------------------

def reference_checks(cmds, usage, man, comp_file, label=""):
    """Cases 1 and 2 on the given texts; returns the failures' names."""
    comp = read(comp_file)
    offered = completion_words(comp_file, ["mssclampctl", ""])
    offered_opts = completion_words(comp_file, ["mssclampctl", "-"])
    missing = []
    for c in cmds:
        where = []
        if not in_usage(usage, c):
            where.append("usage")
        if not in_man_synopsis(man, c):
            where.append("man SYNOPSIS")
        if not in_man_commands(man, c):
            where.append("man COMMANDS")
        if not in_completion_list(comp, c) or (offered is not None and
                                               c not in offered):
            where.append("completion")
        missing += [f"{c}: {w}" for w in where]
        if not label:
            check(f"'{c}' is in the usage, the man page (SYNOPSIS, COMMANDS) "
                  "and the completion", not where, "missing from " +
                  ", ".join(where))
    for o in usage_options(usage):
        where = []
        if not in_man_options(man, o):
            where.append("man OPTIONS")
        if offered_opts is not None and o not in offered_opts:
            where.append("completion")
        missing += [f"{o}: {w}" for w in where]
        if not label:
            check(f"option {o} is in the man page and the completion",
                  not where, "missing from " + ", ".join(where))
    return missing


def drop_command(usage, man, comp, cmd):
    """The three texts with @cmd taken out of each."""
    usage = re.sub(r"^  " + re.escape(cmd) + r"\b.*\n(      .*\n)?", "", usage,
                   flags=re.M)
    man = re.sub(r"^\.B mssclampctl " + re.escape(cmd) + r"\n.*\n", "", man,
                 flags=re.M)
    man = re.sub(r"^\.TP\n\.BR? \"?" + re.escape(cmd) + r"\b", ".TP\n.B gone",
                 man, flags=re.M)
    comp = re.sub(r'(commands="[^"]*)\b' + re.escape(cmd) + r'\b ?', r"\1",
                  comp)
    return usage, man, comp


def control_checks(cmds, usage, man, comp_file):
    with tempfile.TemporaryDirectory() as tmp:
        victim = "apply" if "apply" in cmds else cmds[-1]
        u, m, c = drop_command(usage, man, read(comp_file), victim)
        for what, texts in (("usage", (u, man, read(comp_file))),
                            ("man page", (usage, m, read(comp_file))),
                            ("completion", (usage, man, c))):
            cf = os.path.join(tmp, "completion")
            with open(cf, "w") as fh:
                fh.write(texts[2])
            fails = reference_checks(cmds, texts[0], texts[1], cf, "control")
            check(f"control: '{victim}' taken out of the {what} is caught",
                  any(f.startswith(victim + ":") for f in fails),
                  "nothing caught")
        fails = reference_checks(cmds + ["frobnicate"], usage, man, comp_file,
                                 "control")
        got = sorted(f.split(": ")[1] for f in fails
                     if f.startswith("frobnicate:"))
        check("control: a subcommand added to the table alone is caught in "
              "the usage, the man page and the completion",
              "usage" in got and "man SYNOPSIS" in got and
              "man COMMANDS" in got and "completion" in got,
              "caught in " + ", ".join(got))


# --- the examples of docs/mssclampctl.md --------------------------------------

CONFIGURED = "4 1 1500 0 0 0 1 1 -\n6 1 1500 44 0 0 1 1 wan0,wan1\n"
COUNTERS = ("182734,180012,4410,3960,354376,0,0,0,0,57;"
            "9121,9003,877,812,16435,0,0,0,0,44")
# Seed 001's tables (docs/operations.md) as counts per 10 000 SYNs, and
# the MTUs its Packet Too Big messages reported.
HIST = ("4/syn:1300=128,1360=440,1370=115,1380=335,1400=795,1410=117,"
        "1412=458,1440=614,1452=1150,1460=4709,8192-8999=21;"
        "6/syn:1220=421,1340=311,1362=131,1368=338,1370=424,1380=352,"
        "1390=211,1400=389,1412=364,1420=202,1440=5431;"
        "6/ptb:1280=41,1390=3")
PMTU_ON = "4 1 1500 0 0 0 1 1 -\n6 1 1500 44 1 0 1 1 wan0,wan1\n"
EVENTS = "config 6;reset 4;gone"
# How each example runs: the stand-in's state and environment, or None
# for the host itself (no module there, no namespace 'blue').
EXAMPLES = {
    "mssclampctl show": {"state": CONFIGURED},
    "mssclampctl -j show": {"state": CONFIGURED},
    "mssclampctl -j show ipv6": {"state": CONFIGURED},
    "mssclampctl set ipv6 mtu 1279": {
        "env": {"FAKEGENL_ERRNO": "22", "FAKEGENL_EXTACK":
                "mtu out of range: IPv6 accepts 1280 to 65535"}},
    "mssclampctl stats": {"env": {"FAKEGENL_COUNTERS": COUNTERS}},
    "mssclampctl -j stats": {"env": {"FAKEGENL_COUNTERS": COUNTERS}},
    "mssclampctl save": {"state": CONFIGURED},
    "printf 'ipv4 enable mtu 1492\\n# the uplink\\nipv6 enable mtu 1500 "
    "overhead 1300\\n' | mssclampctl apply -": {"state": CONFIGURED},
    "mssclampctl version # without the module": None,
    "mssclampctl -j version # without the module": None,
    "mssclampctl foo": {},
    "mssclampctl set ipv5 enable": {},
    "mssclampctl set ipv4 mtu abc": {},
    "mssclampctl set ipv4": {},
    "mssclampctl set ipv4 dev eth0,,eth1": {},
    "mssclampctl set ipv4 dev averyveryverylongname": {},
    "mssclampctl show # without the module": {"env": {"FAKEGENL_ABSENT": "1"}},
    "mssclampctl set ipv4 enable # without CAP_NET_ADMIN": {
        "env": {"FAKEGENL_ERRNO": "1"}},
    "mssclampctl -n blue show": None,
    "mssclampctl histogram ipv6 syn": {"state": CONFIGURED,
                                       "env": {"FAKEGENL_HIST": HIST}},
    "mssclampctl histogram ipv6 ptb": {"state": CONFIGURED,
                                       "env": {"FAKEGENL_HIST": HIST}},
    "mssclampctl -j histogram ipv4 syn": {"state": CONFIGURED,
                                          "env": {"FAKEGENL_HIST": HIST}},
    "mssclampctl monitor": {"state": PMTU_ON,
                            "env": {"FAKEGENL_EVENTS": EVENTS}},
    "mssclampctl -j monitor": {"state": PMTU_ON,
                               "env": {"FAKEGENL_EVENTS": EVENTS}},
    "mssclampctl stats --prometheus | grep -e '^mssclamp_clamped_syn_total' "
    "-e '^mssclamp_ptb_total' -e '^mssclamp_ceiling' -e '^mssclamp_ptb_mtu'": {
        "state": CONFIGURED,
        "env": {"FAKEGENL_HIST": HIST, "FAKEGENL_COUNTERS": COUNTERS}},
    "mssclampctl histogram ipv4 fin": {},
    "mssclampctl -j stats --prometheus": {},
}
DOC_VERSION = "0.1.0"	# the version the page's examples show


def doc_examples(text):
    """(command, output) for every `$ ` line of the page's code blocks."""
    out = []
    for block in re.findall(r"^```\n(.*?)^```", text, re.S | re.M):
        cur = None
        for line in block.splitlines():
            if line.startswith("$ "):
                cur = [line[2:], []]
                out.append(cur)
            elif line.startswith("# ") and cur is None:
                continue		# a root prompt, not run
            elif cur is not None:
                cur[1].append(line)
    return [(c, "\n".join(o)) for c, o in out]


def example_checks():
    version = re.search(r'^PACKAGE_VERSION="(.*)"$',
                        read(os.path.join(TOP, "dkms.conf")), re.M).group(1)
    examples = doc_examples(read(DOC))
    check("docs/mssclampctl.md shows examples", len(examples) >= 10,
          f"{len(examples)} found")
    with tempfile.TemporaryDirectory() as tmp:
        bindir = os.path.join(tmp, "bin")
        os.mkdir(bindir)
        os.symlink(CTL, os.path.join(bindir, "mssclampctl"))
        for cmd, want in examples:
            key = re.sub(r"\s+#", " #", cmd).strip()
            if key not in EXAMPLES:
                check(f"example '{key}' is what the tool prints", False,
                      "no way to run it: add it to EXAMPLES in " +
                      os.path.basename(__file__))
                continue
            how = EXAMPLES[key]
            env = dict(os.environ, PATH=bindir + ":" + os.environ["PATH"])
            if how is None:
                if ("version" in cmd and os.path.exists("/sys/module/mssclamp")) \
                        or ("blue" in cmd and os.path.exists("/run/netns/blue")):
                    check(f"example '{key}' is what the tool prints "
                          "# SKIP this host is not the example's", True)
                    continue
            else:
                state = os.path.join(tmp, "state")
                with open(state, "w") as fh:
                    fh.write(how.get("state", ""))
                env.update(LD_PRELOAD=FAKE, FAKEGENL_STATE=state,
                           **how.get("env", {}))
            r = subprocess.run(["bash", "-c", cmd], env=env,
                               capture_output=True, text=True)
            got = (r.stdout + r.stderr).rstrip("\n")
            if version != DOC_VERSION:
                got = got.replace(version, DOC_VERSION)
            check(f"example '{key}' is what the tool prints", got == want,
                  f"printed {got!r}")


def main():
    r = subprocess.run(["make", "-s", "-C", os.path.join(TOP, "userspace")],
                       capture_output=True, text=True)
    r2 = subprocess.run(["make", "-s", "-f",
                         os.path.join(TOP, "tests/unit/Makefile"), "fakegenl"],
                        capture_output=True, text=True)
    if r.returncode or r2.returncode:
        sys.stdout.write("".join("# " + l + "\n" for l in
                                 (r.stderr + r2.stderr).splitlines()))
        check("mssclampctl and fakegenl.so build", False)
        return 1
    cmds = table_commands(read(os.path.join(TOP, "userspace/mssclampctl.c")))
    check("the dispatch table of mssclampctl.c is found: " + ", ".join(cmds),
          len(cmds) >= 2)
    usage = subprocess.run([CTL, "--help"], capture_output=True,
                           text=True).stdout
    check("the usage lists options", len(usage_options(usage)) >= 2,
          ", ".join(usage_options(usage)))
    man = read(MAN)
    reference_checks(cmds, usage, man, COMP)
    control_checks(cmds, usage, man, COMP)
    example_checks()
    return TAP.status()


if __name__ == "__main__":
    sys.exit(main())
