#!/bin/bash
# Run test suites and print one closing line "N passed, N failed" that counts
# test cases across all of them. Exit status is non-zero on any failure,
# including a suite that crashed or wrote no result.
#
#   tests/check.sh all|unit|kunit|vm
#   KVER=... T=... tests/check.sh vm     (one kernel, one scenario)
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
	local name=$1 tap=$RESULTS_DIR/$1.tap rc
	shift
	rm -f "$tap"
	taps+=("$tap")
	echo "=== $name: $*"
	TAP_FILE=$tap "$@"
	rc=$?
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
all | kunit)
	suite kunit bash tests/kunit/run.sh ;;&
all | vm)
	for k in $(vm_kernels); do
		suite "vm-$k" bash tests/vm/run.sh "$k" "${T:-}"
	done
	;;
all | unit | kunit) ;;
*)
	echo "check: unknown suite '$what' (all, unit, kunit, vm)" >&2
	exit 2
	;;
esac

passed=0
failed=0
for tap in "${taps[@]}"; do
	p=$(grep -c '^ok ' "$tap")
	f=$(grep -c '^not ok ' "$tap")
	passed=$((passed + p))
	failed=$((failed + f))
	grep '^not ok ' "$tap" | sed "s|^|$(basename "$tap" .tap): |"
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$status" = 0 ]
