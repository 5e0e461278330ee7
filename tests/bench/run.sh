#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The per-packet benchmark (make bench): boot a Debian kernel in QEMU with
# -icount shift=0, forward pre-built frames through a router namespace
# configured in turn with no clamp, an empty hook, nft, iptables and
# mssclamp, and print the cost of each per packet in guest instructions.
#
#   tests/bench/run.sh [KVER]
#
# KVER defaults to the newest installed kernel with headers and image
# (scripts/kver.sh); an arm64 release of the cache (scripts/kver.sh --arch
# arm64) boots on qemu-system-aarch64 with the arm64 userland, and
# everything below is cross-built for it (tests/vm/boot.sh).
# Steps: build mssclamp.ko, mssclampctl and the benchmark's own pieces
# (make bench-build: the sender, the empty-hook and probe modules,
# mssclamp.ko without histograms for the A/B); boot through
# tests/vm/boot.sh, the recipe every test VM boots with (its initramfs and
# unpacked kernel under build/bench/KVER/), adding only a single vCPU,
# 512M and -icount shift=0, so the guest clock advances one nanosecond per guest instruction; tests/vm/init and
# tests/vm/guest.sh bring up the root and run tests/bench/guest.sh, which
# measures; tests/bench/report.py turns its raw lines into the table and
# the BENCH lines.
#
# Output: the table on stdout and in build/bench/KVER/report.txt, raw data
# in build/bench/KVER/out/bench.raw, the checks in out/guest.tap, the
# hooks seen where mssclamp is disabled in out/hooks.txt, the serial
# console in build/bench/KVER/serial.log.
#
# Environment:
#   BENCH_FRAMES, BENCH_WARMUP, BENCH_ROUNDS, BENCH_IMPLS, BENCH_KINDS
#                   see tests/bench/guest.sh (defaults 15000, 1000, 6,
#                   "none nop nft iptables legacy mssclamp mssclamp-nohist
#                   nft-pmtu iptables-pmtu legacy-pmtu mssclamp-pmtu
#                   mssclamp-trace off nop-other", "syn4 syn6 data4 data6 ptb4 ptb6 icmp4
#                   icmp6 syn4exc nomss4 nomss6 floor4 floor6")
#   BENCH_SMOKE=1   a quick run that proves the machinery works: 200
#                   frames, 1 round (figures meaningless)
#   BENCH_TIMEOUT   wall-clock seconds for the VM (default 7200)
#   BENCH_TAG       keep this run's results apart: out-TAG/, report-TAG.txt
#   VM_FS           9p or virtiofs, as for tests/vm/run.sh (default: what
#                   the kernel has, 9p but on the cloud flavour)
#   MSSCLAMP_KO, MSSCLAMPCTL
#                   measure these files instead of building them (e.g. a
#                   module built by DKMS); they must be visible under /
#                   ("mssclamp-nohist" is always the tree's A/B build,
#                   build/bench/KVER/kmod-nohist/, see tests/bench/Kbuild.nohist)
#   TAP_FILE        also record the checks there, "ok - KVER bench: ..." /
#                   "not ok - ...", as tests/check.sh counts them (for a
#                   smoke run in a test suite)
# Exit status: 0 when the run completed and every check passed (timings
# are reported, never judged).
set -eu -o pipefail
export LC_ALL=C
export PATH=$PATH:/usr/sbin:/sbin

top=$(cd "$(dirname "$0")/../.." && pwd -P)
# shellcheck source=tests/vm/boot.sh
. "$top/tests/vm/boot.sh"
kver=${1:-}
[ -n "$kver" ] || kver=$("$top/scripts/kver.sh")

if [ "${BENCH_SMOKE:-0}" = 1 ]; then
	: "${BENCH_FRAMES:=200}" "${BENCH_WARMUP:=50}" "${BENCH_ROUNDS:=1}"
fi
BENCH_FRAMES=${BENCH_FRAMES:-15000}
BENCH_WARMUP=${BENCH_WARMUP:-1000}
BENCH_ROUNDS=${BENCH_ROUNDS:-6}
BENCH_IMPLS=${BENCH_IMPLS:-none nop nft iptables legacy mssclamp mssclamp-nohist nft-pmtu iptables-pmtu legacy-pmtu mssclamp-pmtu mssclamp-trace off nop-other}
BENCH_KINDS=${BENCH_KINDS:-syn4 syn6 data4 data6 ptb4 ptb6 icmp4 icmp6 syn4exc nomss4 nomss6 floor4 floor6}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-7200}

bdir=$top/build/bench/$kver
tag=${BENCH_TAG:+-$BENCH_TAG}
out=$bdir/out$tag
serial=$bdir/serial$tag.log

say() { echo "bench[$kver]: $*"; }
die() {
	echo "bench[$kver]: FAILED: $*" >&2
	if [ -n "${TAP_FILE:-}" ]; then
		mkdir -p "$(dirname "$TAP_FILE")"
		echo "not ok - $kver bench: $*" >>"$TAP_FILE"
	fi
	exit 1
}
# What tests/vm/boot.sh calls on a failure.
abort() { die "$@"; }

# Debian's kernel, the recipe's choice of 9p or virtiofs.
vm_setup "$kver" "$bdir"
for v in BENCH_FRAMES BENCH_WARMUP BENCH_ROUNDS; do
	case ${!v} in '' | *[!0-9]*) die "$v must be a number" ;; esac
done
impls=$(echo "$BENCH_IMPLS" | tr -s ' ' ,)
kinds=$(echo "$BENCH_KINDS" | tr -s ' ' ,)
vm_cmdline_safe BENCH_IMPLS "$impls"
vm_cmdline_safe BENCH_KINDS "$kinds"

mkdir -p "$bdir"
exec 9>"$bdir/lock"
flock -n 9 || die "another benchmark runs on $kver (build/bench/$kver/lock)"

# --- build ------------------------------------------------------------------

targets="bench-build"
[ -n "${MSSCLAMP_KO:-}" ] || targets+=" module"
[ -n "${MSSCLAMPCTL:-}" ] || targets+=" ctl"
say "building: make $targets"
# shellcheck disable=SC2086
# An arm64 kernel (vm_setup: vm_karch): everything cross-built for it,
# mssclampctl and the sender where their makefiles put such builds.
make -C "$top" --no-print-directory $targets KVER="$kver" \
	${vm_karch:+ARCH="$vm_karch"} >"$bdir/build.log" 2>&1 ||
	{ tail -n 30 "$bdir/build.log" >&2; die "the build (see $bdir/build.log)"; }
ctl=$top/userspace/mssclampctl
send=$top/build/bench/mssbench-send
if [ -n "$vm_karch" ]; then
	ctl=$top/build/userspace/$vm_arch/mssclampctl
	send=$top/build/bench/$vm_arch/mssbench-send
fi
ko=$(realpath -m "${MSSCLAMP_KO:-$top/build/kmod/$kver/mssclamp.ko}")
ctl=$(realpath -m "${MSSCLAMPCTL:-$ctl}")
vm_cmdline_safe "module path" "$ko"
vm_cmdline_safe "mssclampctl path" "$ctl"
vm_cmdline_safe "sender path" "$send"
for f in "$ko" "$ctl" "$send" \
	"$bdir/kmod/mssbench_nop.ko" "$bdir/kmod/mssbench_probe.ko" \
	"$bdir/kmod-nohist/mssclamp.ko"; do
	[ -e "$f" ] || die "$f was not built"
done

# --- boot -----------------------------------------------------------------------

vm_prepare
# The previous run's results go now, not when this one ends: a report read
# while the VM runs must not pass for this run's.
rm -rf "$out" "$bdir/report$tag.txt"
mkdir -p "$out"

say "booting $vm_kernel: $BENCH_ROUNDS rounds of $impls, $BENCH_FRAMES frames (+$BENCH_WARMUP warm-up) per measurement"
# What the benchmark adds to the recipe: one vCPU, -icount shift=0 (guest
# time counts guest instructions, so the figures repeat to about 0.1 %),
# its guest script and settings, and only its own lines on the terminal.
vm_smp=1 vm_mem=512M vm_icount=shift=0
vm_console='^(bench|vm):|not ok'
vm_boot "$out" "$serial" "$BENCH_TIMEOUT" \
	VM_KO="$ko" VM_CTL="$ctl" VM_T="$top/tests/bench/guest.sh" VM_TIMEOUT=100000 \
	BENCH_SEND="$send" \
	BENCH_FRAMES="$BENCH_FRAMES" BENCH_WARMUP="$BENCH_WARMUP" \
	BENCH_ROUNDS="$BENCH_ROUNDS" BENCH_IMPLS="$impls" BENCH_KINDS="$kinds"

fail=0
# host_fail WHAT: a failure seen from the host (also a case in $TAP_FILE).
host_fail() {
	echo "bench[$kver]: FAILED: $*" >&2
	[ -z "${TAP_FILE:-}" ] || echo "not ok - $kver bench: $*" >>"$TAP_FILE"
	fail=1
}
vm_check_run host_fail "$bdir/panic$tag.txt" || true
if [ -n "${TAP_FILE:-}" ]; then
	mkdir -p "$(dirname "$TAP_FILE")"
	# guest.tap's cases are named already; the harness's own (boot.tap,
	# end.tap: the kernel log) get the kernel and the file's name.
	for f in "$out"/*.tap; do
		[ -f "$f" ] || continue
		n=${f##*/}
		n=${n%.tap}
		if [ "$n" = guest ]; then
			cat "$f"
		else
			sed -E "s/^(not )?ok - /&$kver bench $n: /" "$f"
		fi
	done >>"$TAP_FILE"
fi
[ -s "$out/bench.raw" ] || { host_fail "the guest wrote results (see $serial)"; exit 1; }
if grep -h '^not ok' "$out"/*.tap 2>/dev/null; then
	echo "bench[$kver]: some checks failed (above; all in $out/*.tap)" >&2
	fail=1
fi

python3 "$top/tests/bench/report.py" --ko "$ko" "$out/bench.raw" | tee "$bdir/report$tag.txt"
if [ -s "$out/hooks.txt" ]; then
	echo
	echo "A namespace where mssclamp is disabled has no hook (from $out/hooks.txt):"
	sed 's/^/  /' "$out/hooks.txt"
fi
[ "$fail" = 0 ]
