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
# (scripts/kver.sh). Steps: build mssclamp.ko, mssclampctl and the
# benchmark's own pieces (make bench-build: the sender, the empty-hook and
# probe modules); pack an initramfs under build/bench/KVER/ the way
# tests/vm/run.sh does (a static busybox, tests/vm/init and the 9p, virtio
# and overlay modules); boot with a single vCPU under TCG with
# -icount shift=0, so the guest clock advances one nanosecond per guest
# instruction; tests/vm/init and tests/vm/guest.sh bring up the root and
# run tests/bench/guest.sh, which measures; tests/bench/report.py turns
# its raw lines into the table and the BENCH lines.
#
# Output: the table on stdout and in build/bench/KVER/report.txt, raw data
# in build/bench/KVER/out/bench.raw, the checks in out/guest.tap, the
# hooks seen where mssclamp is disabled in out/hooks.txt, the serial
# console in build/bench/KVER/serial.log.
#
# Environment:
#   BENCH_FRAMES, BENCH_WARMUP, BENCH_ROUNDS, BENCH_IMPLS, BENCH_KINDS
#                   see tests/bench/guest.sh (defaults 15000, 1000, 6,
#                   "none nop nft iptables legacy mssclamp nft-pmtu
#                   iptables-pmtu legacy-pmtu mssclamp-pmtu off nop-other",
#                   "syn4 syn6 data4 data6")
#   BENCH_SMOKE=1   a quick run that proves the machinery works: 200
#                   frames, 1 round (figures meaningless)
#   BENCH_TIMEOUT   wall-clock seconds for the VM (default 2400)
#   BENCH_TAG       keep this run's results apart: out-TAG/, report-TAG.txt
#   MSSCLAMP_KO, MSSCLAMPCTL
#                   measure these files instead of building them (e.g. a
#                   module built by DKMS); they must be visible under /
#   TAP_FILE        also record the checks there, "ok - KVER bench: ..." /
#                   "not ok - ...", as tests/check.sh counts them (for a
#                   smoke run in a test suite)
# Exit status: 0 when the run completed and every check passed (timings
# are reported, never judged).
set -eu -o pipefail
export LC_ALL=C
export PATH=$PATH:/usr/sbin:/sbin

top=$(cd "$(dirname "$0")/../.." && pwd -P)
kver=${1:-}
[ -n "$kver" ] || kver=$("$top/scripts/kver.sh")

if [ "${BENCH_SMOKE:-0}" = 1 ]; then
	: "${BENCH_FRAMES:=200}" "${BENCH_WARMUP:=50}" "${BENCH_ROUNDS:=1}"
fi
BENCH_FRAMES=${BENCH_FRAMES:-15000}
BENCH_WARMUP=${BENCH_WARMUP:-1000}
BENCH_ROUNDS=${BENCH_ROUNDS:-6}
BENCH_IMPLS=${BENCH_IMPLS:-none nop nft iptables legacy mssclamp nft-pmtu iptables-pmtu legacy-pmtu mssclamp-pmtu off nop-other}
BENCH_KINDS=${BENCH_KINDS:-syn4 syn6 data4 data6}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-2400}

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

# Values travel on the kernel command line, unquoted: keep them plain.
cmdline_safe() {
	case $2 in
	'' | *[!A-Za-z0-9/._+,:=-]*)
		die "$1 '$2' must be letters, digits and / . _ + , : = - only (it goes on the kernel command line)" ;;
	esac
}

[ -f "/boot/vmlinuz-$kver" ] || die "no kernel image /boot/vmlinuz-$kver"
[ -f "/lib/modules/$kver/modules.dep" ] || die "no /lib/modules/$kver/modules.dep"
cmdline_safe "repository path" "$top"
for v in BENCH_FRAMES BENCH_WARMUP BENCH_ROUNDS; do
	case ${!v} in '' | *[!0-9]*) die "$v must be a number" ;; esac
done
impls=$(echo "$BENCH_IMPLS" | tr -s ' ' ,)
kinds=$(echo "$BENCH_KINDS" | tr -s ' ' ,)
cmdline_safe BENCH_IMPLS "$impls"
cmdline_safe BENCH_KINDS "$kinds"

mkdir -p "$bdir"
exec 9>"$bdir/lock"
flock -n 9 || die "another benchmark runs on $kver (build/bench/$kver/lock)"

# --- build ------------------------------------------------------------------

targets="bench-build"
[ -n "${MSSCLAMP_KO:-}" ] || targets+=" module"
[ -n "${MSSCLAMPCTL:-}" ] || targets+=" ctl"
say "building: make $targets"
# shellcheck disable=SC2086
make -C "$top" --no-print-directory $targets KVER="$kver" >"$bdir/build.log" 2>&1 ||
	{ tail -n 30 "$bdir/build.log" >&2; die "the build (see $bdir/build.log)"; }
ko=$(realpath -m "${MSSCLAMP_KO:-$top/build/kmod/$kver/mssclamp.ko}")
ctl=$(realpath -m "${MSSCLAMPCTL:-$top/userspace/mssclampctl}")
cmdline_safe "module path" "$ko"
cmdline_safe "mssclampctl path" "$ctl"
for f in "$ko" "$ctl" "$top/build/bench/mssbench-send" \
	"$bdir/kmod/mssbench_nop.ko" "$bdir/kmod/mssbench_probe.ko"; do
	[ -e "$f" ] || die "$f was not built"
done

# --- initramfs: the recipe of tests/vm/run.sh, in our own directory ------------

build_initramfs() {
	local img=$bdir/initramfs.cpio stage=$bdir/initramfs.d bb mods m b stamp
	bb=$(command -v busybox) || die "busybox is not installed (busybox-static)"
	if readelf -l "$bb" 2>/dev/null | grep -q 'program interpreter'; then
		die "$bb is not statically linked (install busybox-static)"
	fi
	mods=$(modprobe -a -S "$kver" --show-depends 9p 9pnet_virtio virtio_pci overlay |
		awk '$1 == "insmod" && !seen[$2]++ { print $2 }') ||
		die "modprobe cannot find the 9p, virtio and overlay modules of $kver"
	# shellcheck disable=SC2086
	stamp=$({
		echo "bench recipe 1"
		sha256sum "$top/tests/vm/init" "$bb" $mods
	} | sha256sum | cut -d' ' -f1)
	initramfs=$img
	if [ -f "$img" ] && [ "$(cat "$img.stamp" 2>/dev/null)" = "$stamp" ]; then
		return
	fi
	say "packing the initramfs"
	rm -rf "$stage"
	mkdir -p "$stage/bin" "$stage/modules"
	cp "$bb" "$stage/bin/busybox"
	install -m 0755 "$top/tests/vm/init" "$stage/init"
	for m in $mods; do
		b=${m##*/}
		case $b in
		*.ko.xz) xz -dc "$m" >"$stage/modules/${b%.xz}" ;;
		*.ko.zst) zstd -dqc "$m" >"$stage/modules/${b%.zst}" ;;
		*.ko.gz) gzip -dc "$m" >"$stage/modules/${b%.gz}" ;;
		*.ko) cp "$m" "$stage/modules/$b" ;;
		*) die "unexpected module file $m" ;;
		esac
		echo "${b%.ko*}.ko" >>"$stage/modules/order"
	done
	(cd "$stage" && find . -mindepth 1 | sort | cpio -o -H newc -R 0:0 --quiet) >"$img.tmp"
	mv "$img.tmp" "$img"
	echo "$stamp" >"$img.stamp"
	rm -rf "$stage"
}

# The kernel: Debian's bzImage decompresses itself, slowly under TCG; the
# ELF inside boots directly through its PVH entry point (CONFIG_PVH).
# Anything unexpected falls back to the bzImage.
extract_kernel() {
	local img=/boot/vmlinuz-$kver elf=$bdir/vmlinux stamp setup po pl off dec size
	kernel=$img
	grep -q '^CONFIG_PVH=y' "/boot/config-$kver" 2>/dev/null || return 0
	stamp="$(stat -L -c '%s %Y' "$img")"
	if [ -f "$elf" ] && [ "$(cat "$elf.stamp" 2>/dev/null)" = "$stamp" ]; then
		kernel=$elf
		return
	fi
	# setup_sects at 0x1f1; payload_offset, payload_length at 0x248; the
	# payload's last 4 bytes are the decompressed size.
	setup=$(od -An -tu1 -j $((0x1f1)) -N 1 "$img" | tr -d ' ')
	read -r po pl < <(od -An -tu4 -j $((0x248)) -N 8 "$img")
	off=$(((setup + 1) * 512 + po))
	case $(od -An -tx1 -j "$off" -N 4 "$img" | tr -d ' \n') in
	fd377a58) dec="xz -dc" ;;
	28b52ffd) dec="zstd -dqc" ;;
	1f8b08*) dec="gzip -dc" ;;
	*) return 0 ;;
	esac
	size=$(od -An -tu4 -j $((off + pl - 4)) -N 4 "$img" | tr -d ' ')
	dd if="$img" iflag=skip_bytes,count_bytes skip="$off" count=$((pl - 4)) \
		bs=1M status=none | $dec >"$elf.tmp" 2>/dev/null || true
	if [ "$(stat -c %s "$elf.tmp")" = "$size" ] &&
		[ "$(od -An -tx1 -N 4 "$elf.tmp" | tr -d ' \n')" = 7f454c46 ]; then
		mv "$elf.tmp" "$elf"
		echo "$stamp" >"$elf.stamp"
		kernel=$elf
	else
		rm -f "$elf.tmp"
	fi
}

build_initramfs
extract_kernel

# --- boot -----------------------------------------------------------------------

# The previous run's results go now, not when this one ends: a report read
# while the VM runs must not pass for this run's.
rm -rf "$out" "$bdir/report$tag.txt"
mkdir -p "$out"
cmdline_safe "results path" "$out"

# no_timer_check: under TCG on a busy host the boot-time check that the
# IO-APIC timer ticks can miss its window and panic ("IO-APIC + timer
# doesn't work!"); the emulated timer works, the check is what fails.
append="console=ttyS0 quiet panic=-1 oops=panic panic_on_warn=0 no_timer_check"
append+=" VM_REPO=$top VM_OUT=$out VM_KO=$ko VM_CTL=$ctl"
append+=" VM_T=$top/tests/bench/guest.sh VM_TIMEOUT=100000"
append+=" BENCH_FRAMES=$BENCH_FRAMES BENCH_WARMUP=$BENCH_WARMUP"
append+=" BENCH_ROUNDS=$BENCH_ROUNDS BENCH_IMPLS=$impls BENCH_KINDS=$kinds"

say "booting $kernel: $BENCH_ROUNDS rounds of $impls, $BENCH_FRAMES frames (+$BENCH_WARMUP warm-up) per measurement"
start=$(date +%s)
set +e
# One vCPU, single-threaded TCG, -icount shift=0: guest time counts guest
# instructions, so the figures repeat to about 0.1 %.
timeout -k 10 "$BENCH_TIMEOUT" qemu-system-x86_64 \
	-accel tcg,thread=single -icount shift=0 -cpu max -machine q35 \
	-m 512M -smp 1 -no-user-config -nodefaults -no-reboot -display none \
	-serial stdio -monitor none \
	-kernel "$kernel" -initrd "$initramfs" -append "$append" \
	-fsdev local,id=fsroot,path=/,security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=fsroot,mount_tag=root \
	-fsdev "local,id=fsout,path=$out,security_model=none,multidevs=remap" \
	-device virtio-9p-pci,fsdev=fsout,mount_tag=out \
	</dev/null 2>&1 | sed -u 's/\r$//' | tee "$serial" | grep --line-buffered -E '^(bench|vm):|not ok'
rc=${PIPESTATUS[0]}
set -e
say "the VM ran $(($(date +%s) - start)) s"

fail=0
# host_fail WHAT: a failure seen from the host (also a case in $TAP_FILE).
host_fail() {
	echo "bench[$kver]: FAILED: $*" >&2
	[ -z "${TAP_FILE:-}" ] || echo "not ok - $kver bench: $*" >>"$TAP_FILE"
	fail=1
}
case $rc in
0) ;;
124 | 137) host_fail "the VM finished within ${BENCH_TIMEOUT}s" ;;
*) host_fail "qemu exited normally (status $rc)" ;;
esac
[ -f "$out/done" ] || host_fail "the guest ran to the end (see $serial)"
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
