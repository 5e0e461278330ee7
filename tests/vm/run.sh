#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the netns scenarios (tests/netns/NN-*.sh) in a QEMU VM booted on a
# Debian kernel, with the module built for that kernel.
#
#   tests/vm/run.sh KVER [SCENARIO[,SCENARIO...]]
#
# KVER is a release under /lib/modules with an image in /boot (see
# scripts/kver.sh), an arm64 or armhf release that make deps unpacked
# (scripts/kver.sh --arch arm64|armhf: the VM then emulates that machine
# and the guest runs that architecture's userland, see tests/vm/boot.sh),
# or the release of the kernel VM_KERNEL and VM_MODULES name (below).
# SCENARIO is a name under tests/netns/ ("01-cliff" or "01-cliff.sh") or a
# path to a scenario file anywhere under / (for an arm64 or armhf guest:
# under the repository); without it, every tests/netns/[0-9][0-9]-*.sh
# runs, in order.
#
# Steps: build mssclamp.ko and mssclampctl, and what the scenarios ask for
# with a "# vm-host-prepare: COMMAND" line; boot the kernel through
# tests/vm/boot.sh (the one VM recipe: the initramfs under build/vm/KVER/,
# TCG, the host's / shared read-only over 9p or virtiofs, see VM_FS); the
# guest (tests/vm/init, then tests/vm/guest.sh) runs the scenarios and
# writes results to build/vm/KVER/out/; this script turns them into
# "ok - KVER SCENARIO: CASE" lines on $TAP_FILE.
# The serial console is kept in build/vm/KVER/serial.log.
#
# Environment:
#   TAP_FILE          where results go (tests/check.sh sets it)
#   VM_TIMEOUT        seconds for the whole VM run (default 2400, plus what
#                     scenarios with a "# vm-timeout: N" header line need
#                     beyond SCENARIO_TIMEOUT)
#   SCENARIO_TIMEOUT  seconds for each scenario inside the VM (default 300;
#                     a scenario may ask for more with "# vm-timeout: N")
#   VM_FS             how the guest reaches the host's / and the results
#                     directory: 9p or virtiofs (default: 9p when the
#                     kernel's /boot/config-KVER has it, as Debian's plain
#                     and rt flavours do; else virtiofs, for the cloud
#                     flavour, which has no 9p)
#   VM_APPEND         extra kernel command-line arguments
#   VM_KERNEL         boot this kernel image (an ELF vmlinux with a PVH entry
#                     point, or a bzImage) instead of /boot/vmlinuz-KVER,
#                     e.g. the debug kernel (tests/vm/debug-kernel.sh)
#   VM_MODULES        that kernel's modules directory, ending in
#                     /lib/modules/KVER, with build -> its build tree
#                     (default /lib/modules/KVER): the module is built
#                     against VM_MODULES/build, the initramfs takes its
#                     modules from there, and the guest sees it as
#                     /lib/modules/KVER
#   VM_SMP, VM_MEM    the guest's CPUs and memory (default 1 and 512M)
#   MSSCLAMP_KO, MSSCLAMPCTL
#                     test these files instead of building them (e.g. a
#                     module built by DKMS); they must be visible under /
# Exit status: 0 when every case passed.
set -eu -o pipefail
export LC_ALL=C
export PATH=$PATH:/usr/sbin:/sbin

top=$(cd "$(dirname "$0")/../.." && pwd -P)
# shellcheck source=tests/lib/sh/tap.sh
. "$top/tests/lib/sh/tap.sh"
# shellcheck source=tests/vm/boot.sh
. "$top/tests/vm/boot.sh"

usage() {
	echo "usage: $0 KVER [SCENARIO[,SCENARIO...]]" >&2
	exit 2
}
if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
kver=$1
sel=${2:-}
[ -n "$kver" ] || usage

: "${TAP_FILE:=$top/build/results/vm-$kver.tap}"
mkdir -p "$(dirname "$TAP_FILE")"
vm_timeout_given=${VM_TIMEOUT:-}
VM_TIMEOUT=${VM_TIMEOUT:-2400}
SCENARIO_TIMEOUT=${SCENARIO_TIMEOUT:-300}
vm_smp=${VM_SMP:-1}
vm_mem=${VM_MEM:-512M}

vmdir=$top/build/vm/$kver
out=$vmdir/out
serial=$vmdir/serial.log

say() { echo "vm[$kver]: $*"; }

# abort WHAT: record a failing case for a step that stops the run.
abort() {
	tap_fail "$kver vm: $*"
	exit 1
}

# The kernel under test: Debian's under /boot and /lib/modules, or one
# built elsewhere (VM_KERNEL, VM_MODULES); 9p or virtiofs (VM_FS).
vm_setup "$kver" "$vmdir" "${VM_KERNEL:-}" "${VM_MODULES:-}"
# One run per kernel at a time: they share build/vm/KVER/ (several people
# may work in one tree).
mkdir -p "$vmdir"
exec 9>"$vmdir/lock"
if ! flock -n 9; then
	say "waiting for another run on $kver to finish"
	flock -w "$VM_TIMEOUT" 9 || abort "the other run on $kver finished in time"
fi

# --- which scenarios -------------------------------------------------------

# resolve NAME: print the scenario's name relative to tests/netns/, or its
# absolute path when it lives elsewhere.
resolve() {
	local s=$1
	case $s in
	*/*)
		s=$(realpath -e "$s" 2>/dev/null) || return 1
		case $s in
		"$top"/tests/netns/*) echo "${s#"$top"/tests/netns/}" ;;
		*) echo "$s" ;;
		esac
		;;
	*)
		s=${s%.sh}.sh
		[ -f "$top/tests/netns/$s" ] || return 1
		echo "$s"
		;;
	esac
}

scenarios=
if [ -n "$sel" ]; then
	IFS=, read -r -a wanted <<<"$sel"
	for w in "${wanted[@]}"; do
		r=$(resolve "$w") || abort "scenario '$w' exists"
		scenarios=${scenarios:+$scenarios,}$r
	done
else
	for f in "$top"/tests/netns/[0-9][0-9]-*.sh; do
		[ -f "$f" ] || continue
		scenarios=${scenarios:+$scenarios,}${f##*/}
	done
fi
[ -n "$scenarios" ] || abort "there is a scenario to run (tests/netns/NN-*.sh)"
vm_cmdline_safe "scenario list" "$scenarios"

# --- build -----------------------------------------------------------------

if [ -n "${MSSCLAMP_KO:-}" ]; then
	ko=$(realpath -e "$MSSCLAMP_KO") || abort "MSSCLAMP_KO=$MSSCLAMP_KO exists"
else
	say "building mssclamp.ko"
	make -C "$top" --no-print-directory module KVER="$kver" KDIR="$vm_kmods/build" \
		${vm_karch:+ARCH="$vm_karch"} ||
		abort "mssclamp.ko builds for $kver"
	ko=$top/build/kmod/$kver/mssclamp.ko
	[ -f "$ko" ] || abort "mssclamp.ko builds for $kver ($ko missing)"
fi
if [ -n "${MSSCLAMPCTL:-}" ]; then
	ctl=$(realpath -m "$MSSCLAMPCTL")
else
	say "building mssclampctl"
	make -C "$top" --no-print-directory ctl ${vm_karch:+ARCH="$vm_karch"} ||
		abort "mssclampctl builds"
	ctl=$top/userspace/mssclampctl
	# Cross-built for a foreign guest (userspace/Makefile).
	[ -z "$vm_karch" ] || ctl=$top/build/userspace/$vm_arch/mssclampctl
	[ -x "$ctl" ] || abort "mssclampctl builds ($ctl missing)"
fi
vm_cmdline_safe "module path" "$ko"
vm_cmdline_safe "mssclampctl path" "$ctl"

# A scenario may need something made on the host before the VM boots (what
# the guest cannot make, or only slowly under TCG), asked for by a line
#   # vm-host-prepare: COMMAND
# in the scenario's header, e.g. "make deb". Each distinct COMMAND runs once
# per run, in the repository, and must be idempotent: runs on several
# kernels go side by side (tests/check.sh) and ask for the same commands,
# so they take turns on one lock, and the second finds the work done. A
# failure is a failing case and nothing boots. VM_ARCH is the guest's
# Debian architecture ("make deb DEB_HOST_ARCH=$VM_ARCH" builds the
# packages for it; not DEB_HOST_ARCH itself in the environment, which
# Debian's kernel headers take for a cross build).
host_prepare() {
	local cmd=$1 who=$2
	say "preparing on the host for $who: $cmd"
	(
		exec 8>"$top/build/vm/host-prepare.lock"
		flock -w "$VM_TIMEOUT" 8 || exit 1
		cd "$top" && VM_ARCH=$vm_arch bash -c "$cmd"
	) || abort "'$cmd' (asked for by $who) succeeds on the host"
}
declare -A prepared=()
IFS=, read -r -a sel_files <<<"$scenarios"
for s in "${sel_files[@]}"; do
	case $s in
	/*) f=$s ;;
	*) f=$top/tests/netns/$s ;;
	esac
	while IFS= read -r cmd; do
		if [ -n "$cmd" ] && [ -z "${prepared[$cmd]:-}" ]; then
			prepared[$cmd]=1
			host_prepare "$cmd" "${s##*/}"
		fi
	done < <(awk '!/^#/ && !/^$/ { exit } sub(/^# vm-host-prepare: */, "")' "$f")
	# A scenario that needs longer than SCENARIO_TIMEOUT says so in its
	# header ("# vm-timeout: N", read by guest.sh): the VM gets the
	# difference on top, unless VM_TIMEOUT was given.
	n=$(awk '!/^#/ && !/^$/ { exit } sub(/^# vm-timeout: /, "") { print; exit }' "$f")
	if [ -z "$vm_timeout_given" ] && [[ $n =~ ^[0-9]+$ ]] &&
		[ "$n" -gt "$SCENARIO_TIMEOUT" ]; then
		VM_TIMEOUT=$((VM_TIMEOUT + n - SCENARIO_TIMEOUT))
	fi
done

# --- boot ------------------------------------------------------------------

vm_prepare
rm -rf "$out"
mkdir -p "$out"
say "booting $vm_kernel over $vm_fs (scenarios: $scenarios)"
# A foreign guest must not find the host's build of the test tools (the
# scenarios then build them in the guest, for its architecture).
vm_boot "$out" "$serial" "$VM_TIMEOUT" \
	VM_KO="$ko" VM_CTL="$ctl" VM_T="$scenarios" VM_TIMEOUT="$SCENARIO_TIMEOUT" \
	${vm_karch:+VM_HIDE="$top/build/tools"} ${VM_APPEND:+"$VM_APPEND"}

# --- results ---------------------------------------------------------------

results=$vmdir/results.tap
: >"$results"
host_fail() { echo "not ok - $kver vm: $*" >>"$results"; }
host_fail_in() { echo "not ok - $kver $1: $2" >>"$results"; }

vm_check_run host_fail "$vmdir/panic.txt" || true

if [ -f "$out/order" ]; then
	while read -r name; do
		[ -f "$out/$name.tap" ] || continue
		sed -E "s/^(not )?ok - /&$kver $name: /" "$out/$name.tap" >>"$results"
	done <"$out/order"
	# The VM stopped early: blame the scenario that was running, if any
	# (the guest checks the kernel log last, once a scenario is over).
	name=$(tail -n 1 "$out/order")
	if [ ! -f "$out/done" ] && [ -f "$out/$name.tap" ] &&
		! grep -q -- '- kernel log clean$' "$out/$name.tap"; then
		host_fail_in "$name" "completed (the VM died or hung during it)"
	fi
fi

cat "$results" >>"$TAP_FILE"
echo "--- vm[$kver] results"
cat "$results"
p=$(grep -c '^ok ' "$results" || true)
f=$(grep -c '^not ok ' "$results" || true)
say "$p passed, $f failed"
[ "$f" = 0 ] && [ "$p" != 0 ]
