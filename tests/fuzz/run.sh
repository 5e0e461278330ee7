#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fuzz the MSS option rewriter (kmod/clamp.h) with libFuzzer, ASan and UBSan
# (tests/fuzz/fuzz_clamp.c says what is checked on every input).
#
#   tests/fuzz/run.sh [SECONDS]        default $FUZZ_SECONDS, else 60
#
# Steps, each one TAP line ("ok - fuzz: ..." / "not ok - fuzz: ...") on
# $TAP_FILE (tests/lib/sh/tap.sh):
#   1. build build/fuzz/fuzz_clamp with clang (-Werror);
#   2. every seed of tests/fuzz/corpus/ passes the checks;
#   3. the checks catch bugs planted on purpose (FUZZ_MUTANT builds): a
#      skipped checksum update, a write into the payload, a raised MSS, a
#      read past the header;
#   4. SECONDS of fuzzing find nothing; the line carries the executions,
#      libFuzzer's cov/ft figures and the corpus size;
#   5. line and branch coverage of kmod/clamp.h by the corpus (llvm-cov),
#      every line must be reached.
# New inputs go to build/fuzz/corpus/ (kept between runs, so each run
# starts where the last one stopped); a crashing input to
# build/fuzz/artifacts/. The source tree is only read.
#
# Environment: FUZZ_SECONDS, CLANG (default clang), TAP_FILE, RESULTS_DIR,
# FUZZ_NICE (default 10; the fuzzer runs under nice).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
# shellcheck source=tests/lib/sh/tap.sh
. tests/lib/sh/tap.sh

: "${RESULTS_DIR:=$top/build/results}"
if [ -z "${TAP_FILE:-}" ]; then
	tap_init "$RESULTS_DIR/fuzz.tap"
fi
mkdir -p "$(dirname "$TAP_FILE")"
touch "$TAP_FILE"

seconds=${1:-${FUZZ_SECONDS:-60}}
case $seconds in
'' | *[!0-9]*) echo "fuzz: SECONDS must be a number, not '$seconds'" >&2; exit 2 ;;
esac
clang=${CLANG:-clang}
out=$top/build/fuzz
seeds=tests/fuzz/corpus
corpus=$out/corpus
bin=$out/fuzz_clamp
srcs=(tests/fuzz/fuzz_clamp.c tests/lib/c/pkt.c)
# shellcheck disable=SC2054 # the commas belong to -fsanitize=
cflags=(-g -O1 -Wall -Wextra -Werror -fno-omit-frame-pointer
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
	-Ikmod -Itests/lib/c)
# One process; a bounded input (3 parameter bytes, a 60-byte header and
# payload); no input may take more than 10 s.
fopts=(-max_len=160 -timeout=10 -dict=tests/fuzz/clamp.dict)
nice=${FUZZ_NICE:-10}
status=0
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

mkdir -p "$out" "$corpus" "$out/artifacts"
fail() { tap_fail "$@"; status=1; }

# 1. Build.
if ! command -v "$clang" >/dev/null; then
	fail "fuzz: fuzz_clamp builds ($clang not installed: make deps)"
	exit 1
fi
if "$clang" "${cflags[@]}" -o "$bin" "${srcs[@]}" >"$out/build.log" 2>&1; then
	tap_ok "fuzz: fuzz_clamp builds clean with clang (libFuzzer, ASan, UBSan, -Werror)"
else
	cat "$out/build.log"
	fail "fuzz: fuzz_clamp builds clean with clang (see $out/build.log)"
	exit 1
fi

# 2. The seeds, once each.
nseeds=$(find "$seeds" -type f | wc -l)
if "$bin" -runs=0 "${fopts[@]}" -artifact_prefix="$out/artifacts/seed-" \
	"$seeds" >"$out/seeds.log" 2>&1; then
	tap_ok "fuzz: the $nseeds seeds of $seeds pass every check"
else
	grep -E 'fuzz_clamp:|ERROR|SUMMARY' "$out/seeds.log" | head -n 5
	fail "fuzz: the $nseeds seeds of $seeds pass every check (see $out/seeds.log)"
fi

# 3. Planted bugs must be caught, from the seeds or within 30 s.
mutant() {	# mutant N WHAT
	local n=$1 what=$2 mbin=$out/mutant-$1 log=$out/mutant-$1.log
	local name="fuzz: the checks catch a planted bug: $what"
	if ! "$clang" "${cflags[@]}" -DFUZZ_MUTANT="$n" -o "$mbin" "${srcs[@]}" \
		>"$log" 2>&1; then
		fail "$name (mutant $n does not build, see $log)"
		return
	fi
	rm -rf "$out/mutant-corpus"
	mkdir -p "$out/mutant-corpus"
	if nice -n "$nice" "$mbin" "${fopts[@]}" -max_total_time=30 \
		-artifact_prefix="$out/mutant-$n-" "$out/mutant-corpus" "$seeds" \
		>>"$log" 2>&1; then
		fail "$name (not caught in 30 s, see $log)"
	elif grep -qE 'fuzz_clamp: |ERROR: AddressSanitizer' "$log"; then
		tap_ok "$name ($(grep -m1 -oE 'fuzz_clamp: .*|AddressSanitizer: [a-z-]+' "$log"))"
	else
		fail "$name (failed, but not by a check: see $log)"
	fi
	rm -rf "$mbin" "$out/mutant-corpus" "$out/mutant-$n-"*
}
mutant 1 "a checksum left stale"
mutant 2 "a byte of the payload written"
mutant 3 "an MSS raised"
mutant 4 "a byte past the header read"

# 4. Fuzz.
log=$out/fuzz.log
echo "fuzz: $seconds s of libFuzzer (log: $log)"
start=$(date +%s)
nice -n "$nice" "$bin" "${fopts[@]}" -max_total_time="$seconds" \
	-print_final_stats=1 -artifact_prefix="$out/artifacts/" \
	"$corpus" "$seeds" >"$log" 2>&1
rc=$?
took=$(($(date +%s) - start))
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
last=$(grep -E '^#[0-9]+.*cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1)
cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$last")
ft=$(sed -n 's/.*ft: \([0-9]*\).*/\1/p' <<<"$last")
ncorp=$(find "$corpus" -type f | wc -l)
figures="${execs:-?} executions in $took s, cov ${cov:-?}, ft ${ft:-?}, corpus $ncorp"
echo "fuzz: $figures"
if [ "$rc" = 0 ]; then
	tap_ok "fuzz: $seconds s of fuzzing find nothing ($figures)"
else
	grep -E 'fuzz_clamp:|ERROR|SUMMARY|artifact' "$log" | head -n 8
	fail "fuzz: $seconds s of fuzzing find nothing (exit $rc; $figures; see $log and $out/artifacts/)"
fi

# 5. Source coverage of kmod/clamp.h by the seeds and the corpus.
coverage() {
	local cbin=$out/fuzz_clamp_cov prof=$out/cov.profraw data=$out/cov.profdata
	local report lines branches name
	name="fuzz: the corpus reaches every line of kmod/clamp.h"
	if ! command -v llvm-profdata >/dev/null || ! command -v llvm-cov >/dev/null; then
		echo "fuzz: no llvm-profdata/llvm-cov: coverage not measured"
		return
	fi
	if ! "$clang" -g -O0 -Ikmod -Itests/lib/c -fsanitize=fuzzer -fprofile-instr-generate \
		-fcoverage-mapping -o "$cbin" "${srcs[@]}" >"$out/cov.log" 2>&1; then
		fail "$name (the coverage build failed, see $out/cov.log)"
		return
	fi
	rm -f "$prof"
	LLVM_PROFILE_FILE=$prof "$cbin" -runs=0 "${fopts[@]}" "$corpus" "$seeds" \
		>>"$out/cov.log" 2>&1
	llvm-profdata merge -sparse -o "$data" "$prof" >>"$out/cov.log" 2>&1 &&
		report=$(llvm-cov report "$cbin" -instr-profile="$data" kmod/clamp.h 2>>"$out/cov.log")
	echo "$report" >"$out/coverage.txt"
	# TOTAL, then per kind (regions, functions, lines, branches): count,
	# missed, percentage.
	read -r lines branches < <(awk '$1 == "TOTAL" {
		printf "%d/%d %d/%d\n", $(NF-5) - $(NF-4), $(NF-5),
			$(NF-2) - $(NF-1), $(NF-2) }' "$out/coverage.txt")
	if [ -z "${lines:-}" ]; then
		fail "$name (no llvm-cov report, see $out/cov.log)"
	elif [ "${lines%/*}" = "${lines#*/}" ]; then
		tap_ok "$name (lines $lines, branches $branches)"
	else
		cat "$out/coverage.txt"
		fail "$name (lines $lines, branches $branches; see $out/coverage.txt)"
	fi
}
coverage

exit "$status"
