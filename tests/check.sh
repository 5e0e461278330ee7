#!/bin/bash
# Run test suites and print one closing line "N passed, N failed" that counts
# test cases across all of them. Exit status is non-zero on any failure,
# including a suite that crashed or wrote no result.
#
#   tests/check.sh all|unit|fuzz|kunit|vm|debug
#   KVER=... T=... tests/check.sh vm     (one kernel, one scenario)
#   T=... tests/check.sh debug           (the debug kernel; not in "all")
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
export RESULTS_DIR=$top/build/results
mkdir -p "$RESULTS_DIR"

what=${1:-all}
status=0
taps=()	# the suites of this run only: others may run beside it

# suite NAME CMD...: run one suite; its cases land in $RESULTS_DIR/NAME.tap.
suite() {
	local name=$1 tap=$RESULTS_DIR/$1.tap
	shift
	rm -f "$tap"
	taps+=("$tap")
	echo "=== $name: $*"
	TAP_FILE=$tap "$@"
	suite_done "$name" $?
}

# suite_bg NAME CMD...: the same in the background, output to a log;
# suite_wait NAME prints the log and records the outcome.
declare -A bg_pid
suite_bg() {
	local name=$1 tap=$RESULTS_DIR/$1.tap
	shift
	rm -f "$tap"
	taps+=("$tap")
	echo "=== $name: $* (in parallel, output follows when it ends)"
	TAP_FILE=$tap "$@" >"$RESULTS_DIR/$name.out" 2>&1 &
	bg_pid[$name]=$!
}

suite_wait() {
	local rc=0
	wait "${bg_pid[$1]}" || rc=$?
	echo "=== $1: output"
	cat "$RESULTS_DIR/$1.out"
	suite_done "$1" "$rc"
}

suite_done() {
	local name=$1 rc=$2 tap=$RESULTS_DIR/$1.tap
	if [ ! -s "$tap" ]; then
		echo "not ok - $name: the suite wrote no result (exit $rc)" >>"$tap"
	elif [ "$rc" != 0 ] && ! grep -q '^not ok' "$tap"; then
		echo "not ok - $name: the suite exited $rc" >>"$tap"
	fi
	[ "$rc" = 0 ] || status=1
	grep -q '^not ok' "$tap" && status=1
	return 0
}

vm_kernels() {
	if [ -n "${KVER:-}" ]; then
		echo "$KVER"
	else
		scripts/kver.sh 6.1 || echo missing-6.1
		scripts/kver.sh 6.12 || echo missing-6.12
	fi
}

case $what in
all | unit)
	suite unit bash tests/unit/run.sh ;;&
all | fuzz)
	suite fuzz bash tests/fuzz/run.sh ;;&
all | kunit)
	suite kunit bash tests/kunit/run.sh ;;&
all | vm)
	# One VM per kernel; they run side by side when there are cores for
	# it (each guest is one TCG thread). MSSCLAMP_VM_PARALLEL=0 turns it off.
	kernels=$(vm_kernels)
	if [ "${MSSCLAMP_VM_PARALLEL:-$(($(nproc) >= 2))}" = 1 ]; then
		# The runs share userspace/: build it once before they start.
		make -s --no-print-directory ctl >/dev/null
		for k in $kernels; do
			suite_bg "vm-$k" bash tests/vm/run.sh "$k" "${T:-}"
		done
		for k in $kernels; do
			suite_wait "vm-$k"
		done
	else
		for k in $kernels; do
			suite "vm-$k" bash tests/vm/run.sh "$k" "${T:-}"
		done
	fi
	;;
debug)
	# The VM scenarios on the debug kernel (mk/debug.mk): too slow for "all".
	suite debug bash tests/vm/check-debug.sh "${T:-}" ;;
all | unit | fuzz | kunit) ;;
*)
	echo "check: unknown suite '$what' (all, unit, fuzz, kunit, vm, debug)" >&2
	exit 2
	;;
esac

passed=0
failed=0
skipped=0
for tap in "${taps[@]}"; do
	# A skipped case ("ok - NAME # SKIP...") is neither passed nor failed.
	p=$(grep '^ok ' "$tap" | grep -vc ' # SKIP')
	k=$(grep '^ok ' "$tap" | grep -c ' # SKIP')
	f=$(grep -c '^not ok ' "$tap")
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + k))
	grep '^not ok ' "$tap" | sed "s|^|$(basename "$tap" .tap): |"
done
if [ "$skipped" = 0 ]; then
	echo "$passed passed, $failed failed"
else
	echo "$passed passed, $failed failed, $skipped skipped"
fi
[ "$failed" = 0 ] && [ "$status" = 0 ]
