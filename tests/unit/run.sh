#!/bin/bash
# Userspace unit tests: build build/unit/clamp_test (gcc, ASan + UBSan,
# -Werror), check the same sources build clean with clang, run the test, then
# tests/unit/ctl_test.sh if it exists, observe_test.sh, spec_test.py,
# layout_test.py, limits_test.py, cliref_test.py, layers_test.py,
# slabinfo_test.py, kver_test.sh, cross_test.sh and crossdeb_test.sh. Every
# case lands in $TAP_FILE as "ok - unit: ..." / "not ok - unit: ..."; a
# failed build or a crash (e.g. a sanitizer report) is recorded as a
# "not ok" line too. Exit status is non-zero on any failure.
#
#   bash tests/unit/run.sh            (tests/check.sh unit sets TAP_FILE)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
# shellcheck source=tests/lib/tap.sh
. tests/lib/tap.sh

if [ -z "${TAP_FILE:-}" ]; then
	tap_init "${RESULTS_DIR:-$top/build/results}/unit.tap"
fi
mkdir -p "$(dirname "$TAP_FILE")"
touch "$TAP_FILE"
export TAP_FILE

out=$top/build/unit
bin=$out/clamp_test
status=0
mkdir -p "$out"

nfail() { grep -c '^not ok' "$TAP_FILE"; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# 1. Build with gcc.
if make --no-print-directory -f tests/unit/Makefile >"$out/build.log" 2>&1; then
	tap_ok "unit: clamp_test builds clean with gcc (-Werror, ASan, UBSan)"
	built=1
else
	cat "$out/build.log"
	tap_fail "unit: clamp_test builds clean with gcc (build failed, see $out/build.log)"
	built=0
	status=1
fi

# 2. The same sources with clang, when it is installed.
if command -v "${CLANG:-clang}" >/dev/null 2>&1; then
	if make --no-print-directory -f tests/unit/Makefile clang \
		>"$out/build-clang.log" 2>&1; then
		tap_ok "unit: clamp_test builds clean with clang (-Werror, ASan, UBSan)"
		if "$out/clang/clamp_test" >"$out/clang-run.log" 2>&1; then
			tap_ok "unit: clamp_test built with clang passes every case"
		else
			grep -v '^ok ' "$out/clang-run.log" | tail -n 20
			tap_fail "unit: clamp_test built with clang passes every case (see $out/clang-run.log)"
			status=1
		fi
	else
		cat "$out/build-clang.log"
		tap_fail "unit: clamp_test builds clean with clang (build failed, see $out/build-clang.log)"
		status=1
	fi
else
	echo "# clang not installed: clang build not checked"
fi

# 3. Run the gcc build; it appends its own lines to $TAP_FILE.
if [ "$built" = 1 ]; then
	before=$(nfail)
	"$bin" "$TAP_FILE"
	rc=$?
	if [ "$rc" != 0 ]; then
		status=1
		if [ "$(nfail)" = "$before" ]; then
			tap_fail "unit: clamp_test exited $rc without a failed case (crash or sanitizer report, see above)"
		fi
	fi
fi

# sub NAME CMD...: a part that records its own cases; a non-zero exit
# without a failed case of its own is recorded as one.
sub() {
	local name=$1 before rc
	shift
	before=$(nfail)
	"$@"
	rc=$?
	if [ "$rc" != 0 ]; then
		status=1
		if [ "$(nfail)" = "$before" ]; then
			tap_fail "unit: $name exited $rc without a failed case"
		fi
	fi
}

# py_cases FILE: a Python test prints its cases: they go to the TAP file too.
# shellcheck disable=SC2317 # called through sub
py_cases() {
	/usr/bin/python3 "$1" | tee -a "$TAP_FILE"
	return "${PIPESTATUS[0]}"
}

# 4. mssclampctl's userspace tests.
if [ -f tests/unit/ctl_test.sh ]; then
	sub ctl_test.sh bash tests/unit/ctl_test.sh
fi

# 4b. histogram, monitor and stats --prometheus, the exporter's units and
# the alert rule of docs/operations.md.
sub observe_test.sh bash tests/unit/observe_test.sh

# 5. The netlink family's YAML spec against the C.
sub spec_test.py py_cases tests/unit/spec_test.py

# 6. The layering of userspace/ and kmod/: no include cycle, mssclampctl.c
# only dispatches, codec.c alone knows the wire format.
sub layout_test.py py_cases tests/unit/layout_test.py

# 7. apply's up-front limits against the module's, and each through apply.
sub limits_test.py py_cases tests/unit/limits_test.py

# 8. One CLI reference: every command in the usage, the man page and the
# completion; the examples of docs/mssclampctl.md as the tool prints them.
sub cliref_test.py py_cases tests/unit/cliref_test.py

# 9. The module's layering: each kmod/*.c uses only the files below it.
sub layers_test.py py_cases tests/unit/layers_test.py

# 9b. 22-churn's leak check finds the kmalloc caches of a size by name,
# on stock and debug kernels alike.
sub slabinfo_test.py py_cases tests/unit/slabinfo_test.py

# 10. scripts/kver.sh: which kernel each flavour asks for.
sub kver_test.sh bash tests/unit/kver_test.sh

# 10b. The cross builds: mssclamp.ko for arm64, armhf and i386 kernels,
# mssclampctl for arm64.
sub cross_test.sh bash tests/unit/cross_test.sh

# 10c. The packages cross-built for arm64 and armhf.
sub crossdeb_test.sh bash tests/unit/crossdeb_test.sh

# 11. The scenarios' netlink client reads the committed (generated) uapi
# header: every number it needs is there and parses.
if out=$(/usr/bin/python3 -B -c 'import sys; sys.path.insert(0, "tests/lib/py")
import mssclamp_nl as m
assert m.STAT_KEYS, "no counters"
print(len(m.STAT_KEYS))' 2>&1); then
	tap_ok "unit: tests/lib/py/mssclamp_nl.py reads kmod/uapi/mssclamp.h ($out counters)"
else
	printf '%s\n' "$out" | tail -n 3
	tap_fail "unit: tests/lib/py/mssclamp_nl.py reads kmod/uapi/mssclamp.h"
	status=1
fi

# doctor: its nftables recognisers on rules built with libnftnl (ASan,
# UBSan), and the subcommand on this host.
sub doctor_test.sh bash tests/unit/doctor_test.sh

[ "$(nfail)" = 0 ] || status=1
exit "$status"
