#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The cross builds: `make ARCH=arm64|arm|i386` builds mssclamp.ko for
# Debian's kernel of that architecture (arm64 6.12, armhf armmp-lpae, i386
# 686-pae, as make deps unpacks them), W=1 and sparse (C=1) clean: the
# module's ELF machine is that architecture's and its vermagic is the one
# of the package's own modules. And mssclampctl for arm64, linked
# dynamically against the arm64 sysroot.
#
# Builds go to build/unit/cross/ and are incremental: a module that is up
# to date is not built again; a build that left no "clean" stamp (the
# first, or one that failed) starts again from nothing, so every object
# there was compiled, and checked by sparse, by a build that printed no
# warning.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib/sh/tap.sh
. "$top/tests/lib/sh/tap.sh"
: "${TAP_FILE:?}"
cd "$top" || exit 1

out=$top/build/unit/cross
mkdir -p "$out"
foreign=${MSSCLAMP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mssclamp}/foreign
jobs=$(nproc)

# module ARCH DEBIAN-ARCH FILE-PATTERN [SERIES]
# shellcheck disable=SC2086 # SERIES: one word or none
module() {
	local arch=$1 deb=$2 elf=$3 series=${4:-} k dir log ko ref want got
	if ! k=$(scripts/kver.sh --arch "$deb" $series 2>&1); then
		tap_fail "unit: cross: no $deb kernel to build for ($k)"
		return
	fi
	dir=$out/kmod/$k
	log=$out/$k.log
	ko=$dir/mssclamp.ko
	[ -e "$out/$k.clean" ] || rm -rf "$dir"
	if [ -e "$out/$k.clean" ] && make -q BUILD="$out" ARCH="$arch" KVER="$k" \
		module 2>/dev/null; then
		echo "# $k: mssclamp.ko up to date"
		tap_ok "unit: cross: make ARCH=$arch builds mssclamp.ko for $k, W=1 and sparse clean"
	elif rm -f "$out/$k.clean" &&
		make --no-print-directory -j"$jobs" BUILD="$out" ARCH="$arch" \
			KVER="$k" C=1 module >"$log" 2>&1 && [ -f "$ko" ]; then
		: >"$out/$k.clean"
		tap_ok "unit: cross: make ARCH=$arch builds mssclamp.ko for $k, W=1 and sparse clean"
	else
		grep -E 'warning:|error:' "$log" | head -n 5
		tap_fail "unit: cross: make ARCH=$arch builds mssclamp.ko for $k, W=1 and sparse clean (see $log)"
		return
	fi
	# Sparse read every file compiled, by this build or by the one that
	# left the module up to date (its log is still there).
	cc=$(sed -n 's|^  CC \[M\]  .*/kmod/\([^/]*\)\.o$|\1|p' "$log" | sort | tr '\n' ' ')
	ck=$(sed -n 's|^  CHECK   .*/kmod/\([^/]*\)\.c$|\1|p' "$log" | sort | tr '\n' ' ')
	check "unit: cross: $k: sparse checked each file compiled ('$ck')" \
		eval '[ -s "$log" ] && [ "$cc" = "$ck" ]'
	got=$(file -b "$ko")
	if [[ $got == $elf* ]]; then
		tap_ok "unit: cross: $k mssclamp.ko is '$elf'"
	else
		tap_fail "unit: cross: $k mssclamp.ko is '$elf' (file says '$got')"
	fi
	ref=$(find "$foreign/lib/modules/$k/kernel/net/netfilter" -name 'nf_tables.ko*' | head -n 1)
	want=$(modinfo -F vermagic "$ref" 2>/dev/null)
	got=$(modinfo -F vermagic "$ko" 2>/dev/null)
	if [ -n "$want" ] && [ "$got" = "$want" ]; then
		tap_ok "unit: cross: $k mssclamp.ko has the vermagic of the package's nf_tables ('$got')"
	else
		tap_fail "unit: cross: $k mssclamp.ko has the vermagic of the package's nf_tables ('$got', wanted '$want' from '$ref')"
	fi
}

module arm64 arm64 "ELF 64-bit LSB relocatable, ARM aarch64," 6.12
module arm armhf "ELF 32-bit LSB relocatable, ARM, EABI5"
module i386 i386 "ELF 32-bit LSB relocatable, Intel 80386,"

# mssclampctl for arm64 (-Werror: no object is left by a compile that
# warned).
ctl=$out/ctl-arm64
if make -s --no-print-directory -j"$jobs" -C userspace ARCH=arm64 OUT="$ctl" \
	>"$out/ctl-arm64.log" 2>&1; then
	tap_ok "unit: cross: make -C userspace ARCH=arm64 builds mssclampctl (-Werror)"
	got=$(file -b "$ctl/mssclampctl")
	want="ELF 64-bit LSB pie executable, ARM aarch64,"
	if [[ $got == $want* && $got == *"dynamically linked, interpreter /lib/ld-linux-aarch64.so.1,"* ]]; then
		tap_ok "unit: cross: arm64 mssclampctl is an aarch64 executable linked dynamically"
	else
		tap_fail "unit: cross: arm64 mssclampctl is an aarch64 executable linked dynamically (file says '$got')"
	fi
	got=$(aarch64-linux-gnu-readelf -d "$ctl/mssclampctl" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | sort | tr '\n' ' ')
	check "unit: cross: arm64 mssclampctl needs libmnl and libnftnl ('$got')" \
		test "$got" = "libc.so.6 libmnl.so.0 libnftnl.so.11 "
else
	tail -n 5 "$out/ctl-arm64.log"
	tap_fail "unit: cross: make -C userspace ARCH=arm64 builds mssclampctl (-Werror) (see $out/ctl-arm64.log)"
fi
