#!/usr/bin/python3
"""Check the layering of userspace/ and kmod/ (docs/conventions.md).

- No include cycle: no file of userspace/ or kmod/ is included, directly or
  through others, by a file it includes. Quoted includes are resolved as the
  builds resolve them: beside the including file, then userspace/'s -I of
  lib/ and kmod/ (userspace/Makefile) or Kbuild's -I of kmod/.
- lib/ is below the commands: no file of userspace/lib/ includes a file of
  userspace/ outside lib/ (kmod/uapi aside), and no object of lib/ calls a
  function that a file outside lib/ defines.
- One netlink reader: of the tool's objects only lib/nlsock.o calls
  mnl_socket_recvfrom().
- mssclampctl.c only dispatches: main() is its one external symbol, so no
  other file can call back into it.
- One codec, and only doctor/ reads other families: outside
  userspace/doctor/ only lib/codec.o and lib/nlsock.o (the extack, the
  attribute index and getters every reader shares) call libmnl's attribute
  functions (mnl_attr_*) and only they name struct nlattr; only doctor/
  includes libnftnl's headers or calls libnftnl; doctor/ names none of the
  mssclamp family's attributes, and the rest of the tool calls
  doctor_main() alone.
- doctor/ reports errors through errors.c only: none of its files names
  stderr or calls perror().
- userspace/lib/attr_names.h, the one table of attribute names (the
  settings' from lib/settings.h), names every attribute of
  kmod/uapi/mssclamp.h but the pad.

Each check also runs on a scratch copy where the rule is broken on purpose
(a planted include cycle, an extra function in mssclampctl.c, an attribute
read and a libnftnl header outside codec.c and doctor/, a write to stderr
in doctor/) and must find it: a check that cannot fail is none.
One TAP line per case.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib", "py"))
from mssclamp_tap import Tap  # noqa: E402 (the path first)

TOP = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
TAP = Tap("layout: ")
check = TAP.check


# --- include graph ------------------------------------------------------

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def tree_files(root, tree):
    """The C sources and headers of @tree (userspace or kmod) under @root."""
    out = []
    for d, _, names in os.walk(os.path.join(root, tree)):
        out += [os.path.join(d, n) for n in sorted(names)
                if n.endswith((".c", ".h"))]
    return sorted(out)


def search_path(root, f):
    """Where a quoted include of @f is looked for after the including
    file's directory: for userspace/, lib/ then kmod/ (userspace/Makefile:
    -Ilib -I../kmod); for kmod/, kmod/ (Kbuild: -I$(src)/kmod)."""
    if in_tree(f, root, "userspace"):
        return [os.path.join(root, "userspace", "lib"),
                os.path.join(root, "kmod")]
    return [os.path.join(root, "kmod")]


def include_graph(root, trees):
    """Map each file of @trees to the files of the graph it includes.

    Returns (graph, unresolved): unresolved lists "file: name" for quoted
    includes found nowhere.
    """
    files = []
    for t in trees:
        files += tree_files(root, t)
    graph, unresolved = {}, []
    todo = list(files)
    while todo:
        f = todo.pop()
        if f in graph:
            continue
        graph[f] = []
        with open(f, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        for name in INCLUDE.findall(text):
            for d in [os.path.dirname(f)] + search_path(root, f):
                cand = os.path.normpath(os.path.join(d, name))
                if os.path.isfile(cand):
                    graph[f].append(cand)
                    todo.append(cand)
                    break
            else:
                unresolved.append(f"{os.path.relpath(f, root)}: {name}")
    return graph, unresolved


def find_cycle(graph):
    """A cycle of @graph as a list of files (first == last), or None."""
    state = {}
    stack = []

    def visit(f):
        state[f] = 1
        stack.append(f)
        for g in graph.get(f, []):
            if state.get(g) == 1:
                return stack[stack.index(g):] + [g]
            if g not in state:
                c = visit(g)
                if c:
                    return c
        stack.pop()
        state[f] = 2
        return None

    for f in sorted(graph):
        if f not in state:
            c = visit(f)
            if c:
                return c
    return None


def show(cycle, root):
    return " -> ".join(os.path.relpath(f, root) for f in cycle)


def in_tree(f, root, tree):
    return os.path.relpath(f, os.path.join(root, tree)).split(os.sep)[0] != ".."


def plant(root, tree, length):
    """Break the rule in the copy at @root: find a chain of @length
    includes inside @tree (A -> ... -> Z) and make Z include A. Returns the
    files of the planted cycle, or None if @tree has no such chain."""
    graph, _ = include_graph(root, [tree])
    inside = {f: [g for g in gs if in_tree(g, root, tree)]
              for f, gs in graph.items() if in_tree(f, root, tree)}

    def chains(f, n):
        if n == 0:
            yield [f]
            return
        for g in inside.get(f, []):
            for rest in chains(g, n - 1):
                if f not in rest:
                    yield [f] + rest

    # Headers first: a header including back is the realistic mistake.
    for f in sorted(inside, key=lambda f: (not f.endswith(".h"), f)):
        for chain in chains(f, length):
            a, z = chain[0], chain[-1]
            rel = os.path.relpath(a, os.path.dirname(z))
            with open(z, "a") as fh:
                fh.write(f'\n#include "{rel}"\n')
            return chain + [a]
    return None


def include_checks():
    for tree in ("userspace", "kmod"):
        graph, unresolved = include_graph(TOP, [tree])
        check(f"every quoted include of {tree}/ resolves to a file",
              not unresolved, ", ".join(unresolved))
        cycle = find_cycle(graph)
        check(f"{tree}/: no file is included by a file it includes",
              cycle is None, cycle and show(cycle, TOP))

    # The controls: the same check on a copy with a cycle planted.
    for tree in ("userspace", "kmod"):
        for length, kind in ((1, "direct"), (2, "transitive")):
            with tempfile.TemporaryDirectory() as tmp:
                for t in ("userspace", "kmod"):
                    shutil.copytree(os.path.join(TOP, t),
                                    os.path.join(tmp, t),
                                    ignore=shutil.ignore_patterns(
                                        "*.o", "*.d", "mssclampctl",
                                        "mssclampctl-asan"))
                planted = plant(tmp, tree, length)
                if not planted:
                    check(f"a {kind} cycle planted in a copy of {tree}/ is "
                          "found", False, "no chain of includes to plant it on")
                    continue
                graph, _ = include_graph(tmp, [tree])
                cycle = find_cycle(graph)
                ok = cycle is not None and set(cycle) == set(planted)
                check(f"a {kind} cycle planted in a copy of {tree}/ is found "
                      f"({show(planted, tmp)})", ok,
                      "found " + (show(cycle, tmp) if cycle else "nothing"))


# --- objects --------------------------------------------------------------

def cflags():
    mnl = subprocess.run(["pkg-config", "--cflags", "libmnl", "libnftnl"],
                         capture_output=True, text=True).stdout.split()
    return ["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-O2",
            "-D_GNU_SOURCE", "-I" + os.path.join(TOP, "kmod"),
            '-DMSSCLAMP_VERSION="layout"'] + mnl


def compile_obj(src, out, include_dir=None):
    cc = os.environ.get("CC", "cc")
    args = [cc, "-I" + os.path.join(TOP, "userspace", "lib")] + cflags() + \
        ["-c", "-o", out, src]
    if include_dir:
        args.insert(1, "-I" + include_dir)
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode:
        sys.stdout.write("".join("# " + l + "\n"
                                 for l in r.stderr.splitlines()))
        return False
    return True


def nm(obj, *opts):
    r = subprocess.run(["nm", "-P", *opts, obj], capture_output=True,
                       text=True, check=True)
    return {l.split()[0] for l in r.stdout.splitlines() if l.strip()}


def exported(obj):
    return nm(obj, "-g", "--defined-only")


# Only doctor/ reads other families (docs/conventions.md): rtnetlink's
# attributes, nf_tables' through libnftnl, legacy iptables. Outside it
# lib/codec.c and lib/nlsock.c alone touch netlink attributes.
DOCTOR = "doctor"
LIBNFTNL = re.compile(r"^\s*#\s*include\s*<libnftnl/", re.M)


def in_doctor(rel):
    return rel.split("/")[0] == DOCTOR


def sources(ud, ends=(".c",)):
    """The files of userspace/ ending in @ends, as paths relative to it."""
    out = []
    for d, _, names in os.walk(ud):
        out += [os.path.relpath(os.path.join(d, n), ud) for n in names
                if n.endswith(ends)]
    return sorted(out)
# Outside doctor/, the files that may read netlink attributes.
ATTR_FILES = ("lib/codec.c", "lib/nlsock.c")


def in_lib(rel):
    return rel.split("/")[0] == "lib"


def attr_users(objs):
    """The sources of @objs ({source: object}) that call libmnl's
    attribute functions."""
    return sorted(s for s, o in objs.items()
                  if any(x.startswith("mnl_attr_") for x in nm(o, "-u")))


def nftnl_includers(ud):
    """The files of @ud outside doctor/ that include a libnftnl header."""
    out = []
    for s in sources(ud, (".c", ".h")):
        with open(os.path.join(ud, s)) as fh:
            if not in_doctor(s) and LIBNFTNL.search(fh.read()):
                out.append(s)
    return out


def stderr_writers(ud):
    """The files of @ud's doctor/ that write to stderr themselves: errors.c's
    functions do it (they flush stdout first)."""
    out = []
    for s in sources(ud, (".c", ".h")):
        with open(os.path.join(ud, s)) as fh:
            if in_doctor(s) and re.search(r"\bstderr\b|\bperror\(",
                                          fh.read()):
                out.append(s)
    return out


def planted(bad, name, text, include_dir=None):
    """Write @text into @bad/@name and compile it: (compiled, object)."""
    src = os.path.join(bad, name)
    with open(src, "w") as fh:
        fh.write(text)
    o = src[:-2] + ".o"
    return compile_obj(src, o, include_dir), o


def recv_users(objs):
    """The sources of @objs (source -> object) that read a netlink socket."""
    return sorted(s for s, o in objs.items()
                  if "mnl_socket_recvfrom" in nm(o, "-u"))


def calls_up(objs):
    """"lib/x.c: f" for each function a lib/ object of @objs uses that an
    object outside lib/ defines."""
    above = {}
    for s, o in objs.items():
        if not in_lib(s):
            for sym in exported(o):
                above[sym] = s
    return sorted(f"{s}: {sym} ({above[sym]})" for s, o in objs.items()
                  if in_lib(s) for sym in nm(o, "-u") if sym in above)


def lib_include_checks():
    """No header of userspace/ outside lib/ is included from lib/."""
    ud = os.path.join(TOP, "userspace")
    graph, _ = include_graph(TOP, ["userspace"])
    lib = os.path.join(ud, "lib")
    bad = sorted(f"{os.path.relpath(f, ud)}: {os.path.relpath(g, ud)}"
                 for f, gs in graph.items() if in_tree(f, TOP, "userspace/lib")
                 for g in gs if in_tree(g, TOP, "userspace")
                 and not in_tree(g, TOP, "userspace/lib"))
    check("no file of userspace/lib/ includes a file of userspace/ outside "
          "lib/", bool(os.path.isdir(lib)) and not bad, ", ".join(bad))
    # The control: the same check on a copy where lib/ includes upwards.
    with tempfile.TemporaryDirectory() as tmp:
        for t in ("userspace", "kmod"):
            shutil.copytree(os.path.join(TOP, t), os.path.join(tmp, t),
                            ignore=shutil.ignore_patterns("*.o", "*.d"))
        with open(os.path.join(tmp, "userspace", "lib", "errors.h"), "a") as fh:
            fh.write('\n#include "../commands.h"\n')
        graph, _ = include_graph(tmp, ["userspace"])
        found = [f for f, gs in graph.items()
                 if in_tree(f, tmp, "userspace/lib")
                 for g in gs if not in_tree(g, tmp, "userspace/lib")
                 and in_tree(g, tmp, "userspace")]
        check("control: lib/errors.h including ../commands.h is found",
              bool(found), "found nothing")


def object_checks():
    ud = os.path.join(TOP, "userspace")
    srcs = sources(ud)
    with tempfile.TemporaryDirectory() as tmp:
        objs = {}
        for s in srcs:
            o = os.path.join(tmp, s.replace("/", "_")[:-2] + ".o")
            os.makedirs(os.path.dirname(o), exist_ok=True)
            if compile_obj(os.path.join(ud, s), o):
                objs[s] = o
        check("every file of userspace/ compiles on its own",
              len(objs) == len(srcs),
              ", ".join(sorted(set(srcs) - set(objs))))

        main_o = objs.get("mssclampctl.c")
        syms = exported(main_o) if main_o else set()
        check("mssclampctl.c exports main() alone: nothing calls back into it",
              syms == {"main"}, "exports " + ", ".join(sorted(syms)))
        called = sorted(s for s, o in objs.items() if s != "mssclampctl.c"
                        and nm(o, "-u") & (syms - {"main"}))
        check("no other file calls into mssclampctl.c", not called,
              ", ".join(called))

        users = attr_users(objs)
        outside = [u for u in users if not in_doctor(u)]
        check("outside doctor/, only lib/codec.c and lib/nlsock.c call "
              "libmnl's attribute functions", "lib/codec.c" in users and
              set(outside) <= set(ATTR_FILES),
              "called from " + ", ".join(users))
        named = []
        for s in sources(ud, (".c", ".h")):
            if s[:-2] + ".c" not in ATTR_FILES and not in_doctor(s):
                with open(os.path.join(ud, s)) as fh:
                    if re.search(r"\bnlattr\b", fh.read()):
                        named.append(s)
        check("outside doctor/, only lib/codec.c and lib/nlsock.c name "
              "struct nlattr",
              not named, ", ".join(named))
        mssclamp = [s for s in srcs if in_doctor(s) and
                    re.search(r"\bMSSCLAMP_A_\w+",
                              open(os.path.join(ud, s)).read())]
        check("doctor/ touches none of the mssclamp family's attributes",
              not mssclamp, ", ".join(mssclamp))
        bad = nftnl_includers(ud)
        check("only doctor/ includes libnftnl's headers", not bad,
              ", ".join(bad))
        bad = stderr_writers(ud)
        check("no file of doctor/ writes to stderr but through errors.c",
              not bad, ", ".join(bad))
        nftnl = sorted(s for s, o in objs.items() if not in_doctor(s) and
                       any(x.startswith("nftnl_") for x in nm(o, "-u")))
        check("only doctor/ calls libnftnl", not nftnl, ", ".join(nftnl))
        # doctor/ is a leaf: the rest of the tool calls doctor_main() alone.
        ours = set()
        for s, o in objs.items():
            if in_doctor(s):
                ours |= exported(o)
        into = sorted("%s (%s)" % (s, ", ".join(sorted(nm(o, "-u") & ours)))
                      for s, o in objs.items()
                      if not in_doctor(s) and nm(o, "-u") & ours - {"doctor_main"})
        check("outside doctor/, only doctor_main() of doctor/ is called",
              "doctor_main" in ours and not into, ", ".join(into))

        readers = recv_users(objs)
        check("only lib/nlsock.c reads a netlink socket "
              "(mnl_socket_recvfrom)", readers == ["lib/nlsock.c"],
              "called from " + ", ".join(readers))
        up = calls_up(objs)
        check("no object of lib/ calls a function defined outside lib/",
              not up, ", ".join(up))

        # Controls: the same checks on what breaks them.
        bad = os.path.join(tmp, "bad")
        os.mkdir(bad)
        with open(os.path.join(ud, "mssclampctl.c")) as fh:
            text = fh.read()
        with open(os.path.join(bad, "mssclampctl.c"), "w") as fh:
            fh.write(text + "\nint dispatch_helper(void);\n"
                     "int dispatch_helper(void)\n{\n\treturn 0;\n}\n")
        o = os.path.join(bad, "mssclampctl.o")
        ok = compile_obj(os.path.join(bad, "mssclampctl.c"), o, ud)
        check("control: a function added to mssclampctl.c is found",
              ok and exported(o) == {"main", "dispatch_helper"})
        with open(os.path.join(bad, "peek.c"), "w") as fh:
            fh.write("#include <libmnl/libmnl.h>\n"
                     "#include <libnftnl/rule.h>\n"
                     "int peek(const struct nlattr *a);\n"
                     "int peek(const struct nlattr *a)\n{\n"
                     "\treturn mnl_attr_get_u8(a);\n}\n")
        o = os.path.join(bad, "peek.o")
        ok = compile_obj(os.path.join(bad, "peek.c"), o)
        got = attr_users(dict(objs, **{"peek.c": o}))
        check("control: an attribute read outside lib/codec.c, lib/nlsock.c "
              "and doctor/ is found", ok and "peek.c" in got,
              "found " + ", ".join(got))
        got = nftnl_includers(bad)
        check("control: a libnftnl header included outside doctor/ is found",
              got == ["peek.c"], "found " + ", ".join(got))
        os.mkdir(os.path.join(bad, DOCTOR))
        with open(os.path.join(bad, DOCTOR, "loud.c"), "w") as fh:
            fh.write('#include <stdio.h>\n'
                     'void loud(void);\n'
                     'void loud(void)\n{\n'
                     '\tfprintf(stderr, "doctor: oops\\n");\n}\n')
        got = stderr_writers(bad)
        check("control: a write to stderr in doctor/ is found",
              got == [DOCTOR + "/loud.c"], "found " + ", ".join(got))
        ok, o = planted(bad, "reader.c",
                        "#include <libmnl/libmnl.h>\n"
                        "long reader(struct mnl_socket *s, char *b);\n"
                        "long reader(struct mnl_socket *s, char *b)\n{\n"
                        "\treturn mnl_socket_recvfrom(s, b, 64);\n}\n")
        got = recv_users(dict(objs, **{"reader.c": o}))
        check("control: a second reader of a netlink socket is found",
              ok and "reader.c" in got, "found " + ", ".join(got))
        ok, o = planted(bad, "up.c",
                        '#include "commands.h"\n'
                        "int up(void);\nint up(void)\n{\n"
                        "\treturn show_main(0, 0);\n}\n", ud)
        got = calls_up(dict(objs, **{"lib/up.c": o}))
        check("control: a call from lib/ up into a command is found",
              ok and any(g.startswith("lib/up.c") for g in got),
              "found " + ", ".join(got))


# --- the attribute names ----------------------------------------------------

def attr_enum(hdr):
    body = re.search(r"enum mssclamp_attr \{(.*?)\};", hdr, re.S).group(1)
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    names = [n.strip() for n in body.split(",")]
    return [n for n in names if n.startswith("MSSCLAMP_A_")
            and "MAX" not in n and n not in ("MSSCLAMP_A_UNSPEC",
                                             "MSSCLAMP_A_PAD")]


def name_checks():
    with open(os.path.join(TOP, "kmod/uapi/mssclamp.h")) as fh:
        want = attr_enum(fh.read())
    with open(os.path.join(TOP, "userspace/lib/attr_names.h")) as fh:
        pairs = re.findall(r'\[(MSSCLAMP_A_\w+)\] = "([^"]+)"', fh.read())
    # The settings are named by their words in settings.h's table.
    with open(os.path.join(TOP, "userspace/lib/settings.h")) as fh:
        pairs += re.findall(r'X\((MSSCLAMP_A_\w+),\s*\w+,\s*\w+,\s*"([^"]+)"',
                            fh.read())
    table = dict(pairs)
    missing = [a for a in want if a not in table]
    check("attr_names.h and settings.h name every attribute of the uapi "
          "but the pad", not missing and len(want) > 0,
          "missing " + ", ".join(missing))
    names = [n for _, n in pairs]
    dup = sorted({n for n in names if names.count(n) > 1} |
                 {a for a, _ in pairs if [b for b, _ in pairs].count(a) > 1})
    check("attr_names.h and settings.h give no two attributes the same "
          "name, nor one attribute two", not dup, ", ".join(dup))
    tables = []
    for f in ("userspace/lib/codec.c", "userspace/lib/nl.c",
              "tests/unit/fakegenl.c"):
        with open(os.path.join(TOP, f)) as fh:
            if re.search(r'\[MSSCLAMP_A_\w+\] = "', fh.read()):
                tables.append(f)
    check("no other attribute-name table (codec.c, nl.c, fakegenl.c)",
          not tables, ", ".join(tables))


def main():
    include_checks()
    lib_include_checks()
    object_checks()
    name_checks()
    return TAP.status()


if __name__ == "__main__":
    sys.exit(main())
