#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mssclampctl trace's pieces that need no kernel (tests/unit/trace_test.c
# with userspace/trace.c and what it uses), built with gcc and clang under
# ASan and UBSan, the gcc build run. Cases go to $TAP_FILE.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib/sh/tap.sh
. "$top/tests/lib/sh/tap.sh"
TAP_FILE=${TAP_FILE:-/dev/null}

out=$top/build/unit
mkdir -p "$out"
status=0

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

build() {	# build CC OUT
	"$1" -std=gnu11 -Wall -Wextra -Werror -O1 -g -D_GNU_SOURCE \
		-fsanitize=address,undefined -fno-sanitize-recover=all \
		-fno-omit-frame-pointer -I"$top/userspace" -I"$top/userspace/lib" -I"$top/kmod" \
		-I"$top/tests/lib/c" -o "$2" "$top/tests/unit/trace_test.c" \
		"$top/tests/lib/c/tap.c" \
		"$top/userspace/trace.c" "$top/userspace/lib/output.c" \
		"$top/userspace/lib/errors.c" "$top/userspace/lib/netns.c" \
		"$top/userspace/lib/stopsig.c"
}

for cc in gcc clang; do
	if ! command -v "$cc" >/dev/null; then
		tap_skip "unit: trace: trace_test builds with $cc" "no $cc"
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
		tap_run "unit: trace: trace_test" "$bin" "$TAP_FILE" || status=1
	fi
done
exit "$status"
