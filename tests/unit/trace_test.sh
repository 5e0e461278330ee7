#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mssclampctl trace's pieces that need no kernel (tests/unit/trace_test.c
# with userspace/trace.c and what it uses), built with gcc and clang under
# ASan and UBSan, the gcc build run. Cases go to $TAP_FILE.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"
TAP_FILE=${TAP_FILE:-/dev/null}

out=$top/build/unit
mkdir -p "$out"
status=0

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

build() {	# build CC OUT
	"$1" -std=gnu11 -Wall -Wextra -Werror -O1 -g -D_GNU_SOURCE \
		-fsanitize=address,undefined -fno-sanitize-recover=all \
		-fno-omit-frame-pointer -I"$top/userspace" -I"$top/kmod" \
		-o "$2" "$top/tests/unit/trace_test.c" \
		"$top/userspace/trace.c" "$top/userspace/output.c" \
		"$top/userspace/errors.c" "$top/userspace/netns.c"
}

for cc in gcc clang; do
	if ! command -v "$cc" >/dev/null; then
		tap_ok "unit: trace: trace_test builds with $cc # SKIP no $cc"
		continue
	fi
	bin=$out/trace_test-$cc
	if build "$cc" "$bin" >"$out/trace_test-$cc.log" 2>&1; then
		tap_ok "unit: trace: trace_test builds clean with $cc (-Werror, ASan, UBSan)"
	else
		sed 's/^/# /' "$out/trace_test-$cc.log"
		tap_fail "unit: trace: trace_test builds clean with $cc (-Werror, ASan, UBSan)"
		status=1
		continue
	fi
	if [ "$cc" = gcc ]; then
		rc=0
		"$bin" "$TAP_FILE" >"$out/trace_test.log" 2>&1 || rc=$?
		grep -v '^ok ' "$out/trace_test.log"
		if [ "$rc" != 0 ] && ! grep -q '^not ok' "$out/trace_test.log"; then
			# A crash while a case captured stdout leaves no line.
			tap_fail "unit: trace: trace_test exited $rc after: $(tail -n 1 "$out/trace_test.log")"
		fi
		[ "$rc" = 0 ] || status=1
	fi
done
exit "$status"
