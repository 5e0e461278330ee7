#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The cross-built packages: `make deb DEB_HOST_ARCH=arm64` and `=armhf`
# (mk/deb.mk) build mssclamp-tools of that architecture, lintian clean,
# beside mssclamp-dkms, which stays "all". The tool in the package is an
# executable of that architecture, linked dynamically against libc,
# libmnl and libnftnl, and the package depends on those libraries as
# dpkg-shlibdeps found them for that architecture.
#
# Builds go to build/unit/crossdeb/deb-ARCH/ and are incremental (make deb
# rebuilds only when a file the packages are built from changed).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib/sh/tap.sh
. "$top/tests/lib/sh/tap.sh"
: "${TAP_FILE:?}"
cd "$top" || exit 1

out=$top/build/unit/crossdeb
mkdir -p "$out"
version=$(make -s --no-print-directory version)

# has TEXT PART...: TEXT holds each PART.
has() {
	local t=$1 p
	shift
	for p in "$@"; do
		[[ $t == *"$p"* ]] || return 1
	done
}

# pkg DEBIAN-ARCH TRIPLET FILE-PATTERN INTERPRETER
pkg() {
	local a=$1 triplet=$2 elf=$3 interp=$4 dir=$out/deb-$1 log=$out/$1.log
	local tools dkms got x
	tools=$dir/mssclamp-tools_${version}_$a.deb
	dkms=$dir/mssclamp-dkms_${version}_all.deb
	if ! make --no-print-directory BUILD="$out" DEB_HOST_ARCH="$a" deb \
		>"$log" 2>&1; then
		tail -n 10 "$log" | sed 's/^/# /'
		tap_fail "unit: crossdeb: make deb DEB_HOST_ARCH=$a builds the packages (see $log)"
		return
	fi
	tap_ok "unit: crossdeb: make deb DEB_HOST_ARCH=$a builds the packages, lintian passes"
	got=$(grep -E '^[EW]: ' "$dir/lintian.log")
	check "unit: crossdeb: $a: lintian reports no error and no warning ('$got')" \
		test -z "$got"
	got=$(dpkg-deb -f "$tools" Architecture 2>&1)
	check "unit: crossdeb: mssclamp-tools_${version}_$a.deb is Architecture: $a ('$got')" \
		test "$got" = "$a"
	got=$(dpkg-deb -f "$dkms" Architecture 2>&1)
	check "unit: crossdeb: $a: mssclamp-dkms beside it is Architecture: all ('$got')" \
		test "$got" = all
	got=$(dpkg-deb -f "$tools" Depends 2>&1)
	check "unit: crossdeb: $a: mssclamp-tools depends on libc6, libmnl0, libnftnl11 by their shlibs and on mssclamp-dkms ('$got')" \
		has "$got" "libc6 (>= " "libmnl0 (>= " "libnftnl11 (>= " \
		"mssclamp-dkms (= $version)"
	x=$out/x-$a
	rm -rf "$x"
	mkdir -p "$x"
	if ! dpkg-deb -x "$tools" "$x"; then
		tap_fail "unit: crossdeb: $a: dpkg-deb -x mssclamp-tools"
		return
	fi
	got=$(file -b "$x/usr/sbin/mssclampctl" 2>&1)
	check "unit: crossdeb: $a: /usr/sbin/mssclampctl is '$elf', linked dynamically, interpreter $interp ('$got')" \
		has "$got" "$elf" "dynamically linked, interpreter $interp,"
	got=$("$triplet-readelf" -d "$x/usr/sbin/mssclampctl" 2>&1 |
		sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | sort | tr '\n' ' ')
	# The dynamic loader too: the stack protector (the packages' hardening
	# flags) reads __stack_chk_guard, which the loader defines on ARM.
	check "unit: crossdeb: $a: mssclampctl needs the loader, libc, libmnl and libnftnl ('$got')" \
		test "$got" = "${interp##*/} libc.so.6 libmnl.so.0 libnftnl.so.11 "
	got=$(dpkg-deb -c "$tools" | awk '{ print $6 }' | sort | tr '\n' ' ')
	printf '%s\n' "$got" >"$out/$a.files"
}

pkg arm64 aarch64-linux-gnu "ELF 64-bit LSB pie executable, ARM aarch64," \
	/lib/ld-linux-aarch64.so.1
pkg armhf arm-linux-gnueabihf "ELF 32-bit LSB pie executable, ARM, EABI5" \
	/lib/ld-linux-armhf.so.3

# The two architectures' packages hold the same files.
if [ -s "$out/arm64.files" ] && [ -s "$out/armhf.files" ]; then
	check "unit: crossdeb: mssclamp-tools of arm64 and armhf hold the same files" \
		cmp -s "$out/arm64.files" "$out/armhf.files"
fi
rm -f "$out/arm64.files" "$out/armhf.files"
