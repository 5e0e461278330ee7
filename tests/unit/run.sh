#!/bin/bash
# Userspace unit tests: build build/unit/clamp_test (gcc, ASan + UBSan,
# -Werror), check the same sources build clean with clang, run the test, then
# tests/unit/ctl_test.sh if it exists, observe_test.sh, trace_test.sh,
# output_test.c, spec_test.py,
# layout_test.py, limits_test.py, cliref_test.py, layers_test.py,
# slabinfo_test.py, kver_test.sh, cross_test.sh, crossdeb_test.sh and doctor_test.sh. Every
# case lands in $TAP_FILE as "ok - ..." / "not ok - ..."; a failed build
# or a crash (e.g. a sanitizer report) is recorded as a "not ok" line too.
# prove(1) judges the file: the exit status is non-zero on any failure.
#
#   bash tests/unit/run.sh            (tests/check.sh unit sets TAP_FILE)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
# shellcheck source=tests/lib/sh/tap.sh
. tests/lib/sh/tap.sh

if [ -z "${TAP_FILE:-}" ]; then
	tap_init "${RESULTS_DIR:-$top/build/results}/unit.tap"
fi
mkdir -p "$(dirname "$TAP_FILE")"
touch "$TAP_FILE"
export TAP_FILE

out=$top/build/unit
mkdir -p "$out"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# built CC LOG CMD...: CMD builds clamp_test with CC, recorded as a case.
built() {
	if "${@:3}" >"$2" 2>&1; then
		tap_ok "unit: clamp_test builds clean with $1 (-Werror, ASan, UBSan)"
		return 0
	fi
	cat "$2"
	tap_fail "unit: clamp_test builds clean with $1 (build failed, see $2)"
	return 1
}

# 1. Build with gcc and run it; it appends its own lines to $TAP_FILE.
if built gcc "$out/build.log" make --no-print-directory -f tests/unit/Makefile; then
	tap_run "unit: clamp_test" "$out/clamp_test" "$TAP_FILE"
fi

# 2. The same sources with clang, when it is installed.
if ! command -v "${CLANG:-clang}" >/dev/null 2>&1; then
	echo "# clang not installed: clang build not checked"
elif built clang "$out/build-clang.log" \
	make --no-print-directory -f tests/unit/Makefile clang; then
	if "$out/clang/clamp_test" >"$out/clang-run.log" 2>&1; then
		tap_ok "unit: clamp_test built with clang passes every case"
	else
		grep -v '^ok ' "$out/clang-run.log" | tail -n 20
		tap_fail "unit: clamp_test built with clang passes every case (see $out/clang-run.log)"
	fi
fi

# py FILE: a Python test prints its cases: they go to the TAP file too.
py() {
	/usr/bin/python3 "$1" | tee -a "$TAP_FILE"
	return "${PIPESTATUS[0]}"
}

# 3. mssclampctl's userspace tests.
if [ -f tests/unit/ctl_test.sh ]; then
	tap_run "unit: ctl_test.sh" bash tests/unit/ctl_test.sh
fi

# 4. histogram, monitor and stats --prometheus, the exporter's units and
# the alert rule of docs/operations.md.
tap_run "unit: observe_test.sh" bash tests/unit/observe_test.sh

# 4c. trace: its command line, filter, and the lines it reads and prints.
tap_run "unit: trace_test.sh" bash tests/unit/trace_test.sh

# 4c. The text and JSON printer (userspace/lib/output.c) on more than the
# commands print: nothing of it left out (ASan, UBSan).
if make --no-print-directory -f tests/unit/Makefile output \
	>"$out/build-output.log" 2>&1; then
	tap_run "unit: output_test" "$out/output_test" "$TAP_FILE"
else
	cat "$out/build-output.log"
	tap_fail "unit: output_test builds (see $out/build-output.log)"
	status=1
fi

# 5. The netlink family's YAML spec against the C.
tap_run "unit: spec_test.py" py tests/unit/spec_test.py

# 6. The layering of userspace/ and kmod/: no include cycle, mssclampctl.c
# only dispatches, codec.c alone knows the wire format.
tap_run "unit: layout_test.py" py tests/unit/layout_test.py

# 7. apply's up-front limits against the module's, and each through apply.
tap_run "unit: limits_test.py" py tests/unit/limits_test.py

# 8. One CLI reference: every command in the usage, the man page and the
# completion; the examples of docs/mssclampctl.md as the tool prints them.
tap_run "unit: cliref_test.py" py tests/unit/cliref_test.py

# 9. The module's layering: each kmod/*.c uses only the files below it.
tap_run "unit: layers_test.py" py tests/unit/layers_test.py

# 10. 22-churn's leak check finds the kmalloc caches of a size by name,
# on stock and debug kernels alike.
tap_run "unit: slabinfo_test.py" py tests/unit/slabinfo_test.py

# 11. scripts/kver.sh: which kernel each flavour asks for.
tap_run "unit: kver_test.sh" bash tests/unit/kver_test.sh

# 12. The cross builds: mssclamp.ko for arm64, armhf and i386 kernels,
# mssclampctl for arm64.
tap_run "unit: cross_test.sh" bash tests/unit/cross_test.sh

# 10c. The packages cross-built for arm64 and armhf.
tap_run "unit: crossdeb_test.sh" bash tests/unit/crossdeb_test.sh

# 13. The scenarios' netlink client reads the committed (generated) uapi
# header: every number it needs is there and parses.
if out=$(/usr/bin/python3 -B -c 'import sys; sys.path.insert(0, "tests/lib/py")
import mssclamp_nl as m
assert m.STAT_KEYS, "no counters"
print(len(m.STAT_KEYS))' 2>&1); then
	tap_ok "unit: tests/lib/py/mssclamp_nl.py reads kmod/uapi/mssclamp.h ($out counters)"
else
	printf '%s\n' "$out" | tail -n 3
	tap_fail "unit: tests/lib/py/mssclamp_nl.py reads kmod/uapi/mssclamp.h"
fi

# 14. doctor: its nftables recognisers on rules built with libnftnl (ASan,
# UBSan), and the subcommand on this host.
tap_run "unit: doctor_test.sh" bash tests/unit/doctor_test.sh

# prove(1) judges what every part recorded.
PERL5LIB=$top/tests/lib/perl${PERL5LIB:+:$PERL5LIB} prove -Q \
	--formatter MssclampSummary -e "sh tests/lib/sh/tap-plan.sh" "$TAP_FILE"
