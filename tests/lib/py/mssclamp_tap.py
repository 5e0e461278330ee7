# SPDX-License-Identifier: GPL-2.0
"""The TAP recorder of the Python tests: one line a case on stdout,
"ok - NAME", "not ok - NAME (WHY)" or "ok - NAME # SKIP WHY";
tests/unit/run.sh appends them to $TAP_FILE, and prove(1) counts them.

    tap = Tap("layout: ")
    tap.check("no include cycle", not cycle, "a.c -> b.c -> a.c")
    sys.exit(tap.status())
"""


class Tap:
    def __init__(self, prefix=""):
        self.prefix = prefix
        self.failed = 0

    def check(self, name, ok, why=""):
        """Record the case NAME: passed if OK; WHY goes with a failure."""
        line = ("ok - " if ok else "not ok - ") + self.prefix + name
        if not ok:
            self.failed += 1
            if why:
                line += " (" + why + ")"
        print(line, flush=True)
        return ok

    def skip(self, name, why):
        """A case that cannot run here: neither passed nor failed."""
        print("ok - %s%s # SKIP %s" % (self.prefix, name, why), flush=True)

    def status(self):
        """The exit status: 1 if a case failed."""
        return 1 if self.failed else 0
