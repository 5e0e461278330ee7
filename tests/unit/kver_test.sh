#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/kver.sh picks the kernel to build and test against: on a fake
# tree (KVER_ROOT) with Debian's three 6.12 flavours, the rt and cloud ones
# newer than the plain one, it must give the plain one unless asked for a
# flavour, skip a release without an image, and keep 6.1 apart from 6.12.
# With --arch, on a second fake tree of Debian's arm64, armhf and i386
# releases: the plain kernel of that architecture by its suffix (not
# -arm64-16k, not -rt-armmp for armmp, not -686 for 686-pae), the cache's
# foreign/ root when no KVER_ROOT is given.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib/sh/tap.sh
. "$top/tests/lib/sh/tap.sh"
: "${TAP_FILE:?}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/host
mkdir -p "$root/boot"
# kernel REL [noimage]: headers for REL, and its image unless "noimage".
kernel() {
	mkdir -p "$root/lib/modules/$1/build"
	[ "${2:-}" = noimage ] || : >"$root/boot/vmlinuz-$1"
}
kernel 6.1.0-57-amd64
kernel 6.1.0-58-amd64 noimage
kernel 6.1.0-57-rt-amd64 noimage
kernel 6.12.117+deb12-amd64
kernel 6.12.119+deb12-rt-amd64
kernel 6.12.118+deb12-cloud-amd64
kernel 6.12.120+deb12-amd64 noimage

# expect NAME WANTED-OUTPUT WANTED-STATUS ARGS...
expect() {
	local name=$1 want=$2 wrc=$3 got rc
	shift 3
	got=$(KVER_ROOT=$root sh "$top/scripts/kver.sh" "$@" 2>/dev/null)
	rc=$?
	if [ "$got" = "$want" ] && [ "$rc" = "$wrc" ]; then
		tap_ok "unit: kver.sh $name"
	else
		tap_fail "unit: kver.sh $name (got '$got', exit $rc; wanted '$want', exit $wrc)"
	fi
}
expect "with no argument: the newest plain kernel, not a newer rt or cloud one" \
	6.12.117+deb12-amd64 0
expect "6.12: the plain flavour" 6.12.117+deb12-amd64 0 6.12
expect "6.12 plain: the same" 6.12.117+deb12-amd64 0 6.12 plain
expect "6.12 rt: PREEMPT_RT" 6.12.119+deb12-rt-amd64 0 6.12 rt
expect "6.12 cloud: the cloud flavour" 6.12.118+deb12-cloud-amd64 0 6.12 cloud
expect "6.1: not 6.12, and not a release without an image" 6.1.0-57-amd64 0 6.1
expect "6.1 rt: none with an image, exit 1" "" 1 6.1 rt
expect "an unknown flavour: exit 2" "" 2 6.12 debug
msg=$(KVER_ROOT=$root sh "$top/scripts/kver.sh" 6.1 rt 2>&1 >/dev/null)
check "unit: kver.sh 6.1 rt says what is missing ('$msg')" \
	test "$msg" = "kver: no 6.1 rt kernel with headers and image installed (run: make deps)"

# The other architectures, as scripts/deps-foreign.sh unpacks them into the
# cache's foreign/ root.
root=$tmp/cache/foreign
mkdir -p "$root/boot"
kernel 6.1.0-57-arm64
kernel 6.12.117+deb12-arm64
kernel 6.12.118+deb12-arm64 noimage
kernel 6.12.119+deb12-arm64-16k
kernel 6.12.119+deb12-cloud-arm64
kernel 6.12.117+deb12-armmp-lpae
kernel 6.12.116+deb12-armmp
kernel 6.12.119+deb12-rt-armmp
kernel 6.1.0-57-686-pae
kernel 6.1.0-58-686
kernel 6.1.0-59-rt-686-pae
expect "--arch arm64: the newest plain arm64 kernel with an image, not -arm64-16k or cloud" \
	6.12.117+deb12-arm64 0 --arch arm64
expect "--arch arm64 6.1" 6.1.0-57-arm64 0 --arch arm64 6.1
expect "--arch arm64 6.12 cloud" 6.12.119+deb12-cloud-arm64 0 --arch arm64 6.12 cloud
expect "--arch armhf: armmp-lpae" 6.12.117+deb12-armmp-lpae 0 --arch armhf
expect "--arch armhf 6.12 armmp: -armmp, not the newer -rt-armmp" \
	6.12.116+deb12-armmp 0 --arch armhf 6.12 armmp
expect "--arch armhf 6.12 rt" 6.12.119+deb12-rt-armmp 0 --arch armhf 6.12 rt
expect "--arch i386: 686-pae, not the newer -686 or -rt-686-pae" 6.1.0-57-686-pae 0 --arch i386
expect "--arch i386 6.12: none, exit 1" "" 1 --arch i386 6.12
expect "--arch armhf 6.12 cloud: no such flavour, exit 2" "" 2 --arch armhf 6.12 cloud
expect "--arch mips: exit 2" "" 2 --arch mips
got=$(env -u KVER_ROOT -u XDG_CACHE_HOME MSSCLAMP_CACHE="$tmp/cache" \
	sh "$top/scripts/kver.sh" --arch armhf 2>&1)
check "unit: kver.sh --arch looks in the cache's foreign/ root ('$got')" \
	test "$got" = 6.12.117+deb12-armmp-lpae
