#!/bin/bash
# Run test suites and print one closing line "N passed, N failed" that counts
# test cases across all of them. Exit status is non-zero on any failure,
# including a suite that crashed or wrote no result.
#
#   tests/check.sh all|unit|fuzz|kunit|vm|debug
#   KVER=... T=... tests/check.sh vm     (one kernel, one scenario)
#   MSSCLAMP_VM_ALL=1 tests/check.sh vm  (every scenario on every kernel,
#                                         as make check-long does)
#   T=... tests/check.sh debug           (the debug kernel; not in "all")
#   KUNIT_ARCHES="um arm" tests/check.sh kunit
#                                        (KUnit on some architectures only;
#                                         default um arm arm64; "all" runs
#                                         um alone unless MSSCLAMP_VM_ALL=1)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
export RESULTS_DIR=$top/build/results
mkdir -p "$RESULTS_DIR"

what=${1:-all}
taps=()	# the suites of this run only: others may run beside it

# suite NAME CMD...: run one suite; its cases land in $RESULTS_DIR/NAME.tap.
# suite_bg NAME CMD...: the same in the background, output to a log;
# suite_wait NAME prints the log and records the outcome.
suite_start() {
	rm -f "$RESULTS_DIR/$1.tap"
	taps+=("$RESULTS_DIR/$1.tap")
}

suite() {
	suite_start "$1"
	echo "=== $1: ${*:2}"
	TAP_FILE=$RESULTS_DIR/$1.tap "${@:2}"
	suite_done "$1" $?
}

declare -A bg_pid
suite_bg() {
	suite_start "$1"
	echo "=== $1: ${*:2} (in parallel, output follows when it ends)"
	TAP_FILE=$RESULTS_DIR/$1.tap "${@:2}" >"$RESULTS_DIR/$1.out" 2>&1 &
	bg_pid[$1]=$!
}

suite_wait() {
	local rc=0
	wait "${bg_pid[$1]}" || rc=$?
	echo "=== $1: output"
	cat "$RESULTS_DIR/$1.out"
	suite_done "$1" "$rc"
}

# suite_done NAME STATUS: a suite that wrote no case, or exited non-zero
# without a failed case (a crash), gets a failed case for it.
suite_done() {
	local tap=$RESULTS_DIR/$1.tap
	if [ ! -s "$tap" ]; then
		echo "not ok - $1: the suite wrote no result (exit $2)" >>"$tap"
	elif [ "$2" != 0 ] && ! grep -q '^not ok' "$tap"; then
		echo "not ok - $1: the suite exited $2" >>"$tap"
	fi
}

# The test kernels: Debian's 6.1 and its 6.12 in three flavours (plain,
# PREEMPT_RT, cloud), then 6.12 for arm64 and for armhf (armmp-lpae), each
# in QEMU's emulation of that machine (tests/vm/boot.sh). In this order,
# with two slots, rt (the slowest run) starts when 6.1 ends and cloud
# when 6.12 ends; arm64 and armhf take the slots that free up next.
vm_kernels() {
	if [ -n "${KVER:-}" ]; then
		echo "$KVER"
	else
		scripts/kver.sh 6.1 || echo missing-6.1
		scripts/kver.sh 6.12 || echo missing-6.12
		scripts/kver.sh 6.12 rt || echo missing-6.12-rt
		scripts/kver.sh 6.12 cloud || echo missing-6.12-cloud
		scripts/kver.sh --arch arm64 6.12 || echo missing-6.12-arm64
		scripts/kver.sh --arch armhf 6.12 || echo missing-6.12-armhf
	fi
}

# vm_scenarios KVER: what tests/vm/run.sh runs on KVER (empty: every
# scenario). T when given; else, on the rt and cloud flavours, every
# scenario but the two deployment ones (10-install, 11-deb: DKMS, dpkg and
# depmod under TCG, 40 % of a run, and the same steps on every flavour)
# and 32-ynl (the kernel's python ynl CLI, 220-350 s under TCG, the same
# userspace steps against the same family on every flavour), so that make
# check stays under 60 minutes cold on two cores (47 min measured;
# docs/testing.md has the figures); make check-long (MSSCLAMP_VM_ALL=1)
# and a named KVER run them there too. arm64 runs what rt and cloud run.
# armhf runs vm_armhf_scenarios: the arch-specific probe (00-load) and the
# scenarios that drive the 32-bit counter path hard while reading it (the
# cliff, synack, independence, counters, malformed, flood, teardown).
vm_deploy_scenarios=" 10-install.sh 11-deb.sh 32-ynl.sh "
vm_armhf_scenarios="00-load,01-cliff,02-synack,03-independence,07-counters,20-malformed,21-flood,23-teardown"
# On armhf, 10-install and 11-deb do not run unless T names them: DKMS
# inside the guest needs that architecture's own kernel headers and
# compiler in its userland, which only arm64's has (scripts/deps-foreign.sh;
# docs/testing.md, "Other architectures: the VM"). On arm64 they run where
# x86_64's do (make check-long, a named KVER), DKMS compiling natively.
vm_foreign_skip=" 10-install.sh 11-deb.sh "
vm_scenarios() {
	local f n list=
	if [ -n "${T:-}" ]; then
		echo "$T"
		return
	fi
	case $1 in
	*-armmp | *-armmp-lpae)
		if [ -n "${KVER:-}" ] || [ "${MSSCLAMP_VM_ALL:-0}" = 1 ]; then
			for f in tests/netns/[0-9][0-9]-*.sh; do
				n=${f##*/}
				case $vm_foreign_skip in *" $n "*) continue ;; esac
				list=${list:+$list,}${n%.sh}
			done
			echo "# vm-$1: not on this architecture:$vm_foreign_skip" >&2
			echo "$list"
			return
		fi
		;;
	esac
	if [ -n "${KVER:-}" ] || [ "${MSSCLAMP_VM_ALL:-0}" = 1 ]; then
		return
	fi
	case $1 in
	*-armmp | *-armmp-lpae)
		echo "# vm-$1: the rest in make check-long" >&2
		echo "$vm_armhf_scenarios"
		return
		;;
	*-rt-* | *-cloud-* | *-arm64) ;;
	*) return ;;
	esac
	for f in tests/netns/[0-9][0-9]-*.sh; do
		n=${f##*/}
		case $vm_deploy_scenarios in *" $n "*) continue ;; esac
		list=${list:+$list,}${n%.sh}
	done
	echo "# vm-$1: not here but in make check-long:$vm_deploy_scenarios" >&2
	echo "$list"
}

case $what in
all | unit)
	suite unit bash tests/unit/run.sh ;;&
all | fuzz)
	suite fuzz bash tests/fuzz/run.sh ;;&
# KUnit: `make check` (all) runs it on UML alone, `make check-kunit` and
# `make check-long` (MSSCLAMP_VM_ALL=1) on UML, arm and arm64 too: a cold
# arm kernel build takes about 21 minutes of CPU, arm64's more, which would
# take make check past its hour on two cores (docs/testing.md, "Timings").
# The 32-bit counter path runs in make check through the armhf VM.
all)
	if [ -z "${KUNIT_ARCHES:-}" ] && [ "${MSSCLAMP_VM_ALL:-0}" != 1 ]; then
		KUNIT_ARCHES=um suite kunit bash tests/kunit/run.sh
	else
		suite kunit bash tests/kunit/run.sh
	fi ;;&
kunit)
	suite kunit bash tests/kunit/run.sh ;;&
all | vm)
	# One VM per kernel; they run side by side when there are cores for
	# it (each guest is one TCG thread), as many at a time as there are
	# cores: more would only slow each down, and their scenarios measure
	# time. A run starts when the oldest one still going has ended.
	# MSSCLAMP_VM_PARALLEL=0 turns it off.
	kernels=$(vm_kernels)
	if [ "${MSSCLAMP_VM_PARALLEL:-$(($(nproc) >= 2))}" = 1 ]; then
		# The runs share userspace/: build it once before they start.
		make -s --no-print-directory ctl >/dev/null
		slots=$(nproc)
		running=()
		for k in $kernels; do
			if [ "${#running[@]}" -ge "$slots" ]; then
				suite_wait "vm-${running[0]}"
				running=("${running[@]:1}")
			fi
			suite_bg "vm-$k" bash tests/vm/run.sh "$k" "$(vm_scenarios "$k")"
			running+=("$k")
		done
		for k in "${running[@]}"; do
			suite_wait "vm-$k"
		done
	else
		for k in $kernels; do
			suite "vm-$k" bash tests/vm/run.sh "$k" "$(vm_scenarios "$k")"
		done
	fi
	;;
debug)
	# The VM scenarios on the debug kernel (mk/debug.mk): too slow for "all".
	# Which ones without T: tests/vm/check-debug.sh's debug_skip.
	suite debug bash tests/vm/check-debug.sh "${T:-}" ;;
all | unit | fuzz | kunit) ;;
*)
	echo "check: unknown suite '$what' (all, unit, fuzz, kunit, vm, debug)" >&2
	exit 2
	;;
esac

# prove(1) reads every suite's cases (tap-plan.sh gives each file its
# plan) and shows the failed ones; its last line counts the cases across
# all suites: "N passed, N failed" (", N skipped" when some were).
PERL5LIB=$top/tests/lib/perl${PERL5LIB:+:$PERL5LIB} prove -f \
	--formatter MssclampSummary -e "sh $top/tests/lib/sh/tap-plan.sh" "${taps[@]}"
