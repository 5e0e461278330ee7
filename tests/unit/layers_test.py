#!/usr/bin/python3
"""Check the module's layering: which file of kmod/ may use which.

docs/conventions.md ("Layering") states the rule; LAYERS below is the same
table. For every kmod/*.c, every global function it uses that another
kmod/*.c defines must be in a file the table allows. One TAP line per file.

    tests/unit/layers_test.py [TOP]    (TOP: a tree to check, default ours)
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib", "py"))
from mssclamp_tap import Tap  # noqa: E402 (the path first)

# file -> the files whose functions it may use
LAYERS = {
    "main.c": {"pernet.c", "netlink.c"},
    "netlink.c": {"pernet.c", "stats.c"},
    "pernet.c": {"hooks.c", "stats.c"},
    "hooks.c": set(),
    "stats.c": set(),
}

DEF = re.compile(r"^(?!static\b)[a-z][^;()]*?\b(mssclamp_\w+)\(", re.M)
USE = re.compile(r"\b(mssclamp_\w+)\b")


def strip(text):
    """The code without comments and string literals."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', text)


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..")
    kmod = os.path.join(top, "kmod")
    files = sorted(f for f in os.listdir(kmod) if f.endswith(".c"))
    code = {f: strip(open(os.path.join(kmod, f)).read()) for f in files}
    owner = {}
    for f in files:
        for name in DEF.findall(code[f]):
            owner[name] = f
    tap = Tap("unit: layers: ")
    if len(owner) < len(files):
        tap.check("the global functions of kmod/*.c are found (only %d)"
                  % len(owner), False)
        return tap.status()
    for f in files:
        if f not in LAYERS:
            tap.check("kmod/%s is in the table of docs/conventions.md "
                      "(it is not: add it)" % f, False)
            continue
        bad = sorted({"%s (%s)" % (n, owner[n]) for n in USE.findall(code[f])
                      if n in owner and owner[n] != f
                      and owner[n] not in LAYERS[f]})
        allowed = ", ".join(sorted(LAYERS[f])) or "no other file"
        tap.check("kmod/%s uses only %s" % (f, allowed), not bad,
                  "it uses " + ", ".join(bad))
    return tap.status()


if __name__ == "__main__":
    sys.exit(main())
