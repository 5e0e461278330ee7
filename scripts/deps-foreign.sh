#!/bin/sh
# The part of `make deps` for the other architectures: arm64, armhf (32-bit
# ARM) and i386. scripts/deps.sh runs it last. Everything comes from
# Debian's archive. Idempotent: a second run only checks what is there.
#
# On the host: the three architectures added to dpkg (multiarch), Debian's
# cross compilers, sparse (`make C=1`) and qemu-system-arm (which has
# qemu-system-aarch64 too).
#
# In a private root, the cache's foreign/ (not the host's /): each foreign
# kernel's image and headers, unpacked with dpkg-deb -x, never installed.
# Installing linux-headers-*:arm64 with apt would pull gcc-12:arm64 and
# remove the host's compilers. The root holds, per kernel release K,
#   boot/vmlinuz-K, boot/System.map-K, boot/config-K
#   lib/modules/K/             the package's modules, depmod run on them
#   lib/modules/K/build        -> usr/src/linux-headers-K (made last: a
#                                 release with build/ is complete)
#   usr/src/linux-headers-K, usr/src/linux-headers-ABI-common
#   usr/lib/linux-kbuild-X     the host's (amd64) build tools of that ABI
# The headers' Makefile includes the -common one by absolute path; the
# copy here includes the root's own, so no host package has to match the
# foreign kernel's ABI. scripts/kver.sh --arch finds the releases there.
#
# The kernels: arm64 6.1 and 6.12, armhf 6.12 in its two flavours
# (armmp-lpae, armmp), i386 686-pae 6.1 (the newest series bookworm has
# for i386). Each is the newest release the archive offers when it is
# first unpacked; none is replaced by a newer one later.
#
# And per architecture a sysroot (foreign/sysroot-ARCH) with the C library
# and libmnl, libnftnl of that architecture, for cross-building
# mssclampctl (userspace/Makefile, ARCH=...).
#
#   MSSCLAMP_CACHE   cache directory (default ~/.cache/mssclamp)
set -eu

[ "$(id -u)" = 0 ] || { echo "deps: must run as root (apt-get install)" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive
cache=${MSSCLAMP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mssclamp}
root=$cache/foreign
# apt waits for a lock another apt holds instead of failing.
apt="-o DPkg::Lock::Timeout=900"

HOST_PKGS="gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf gcc-i686-linux-gnu
sparse qemu-system-arm file"
# Debian architecture, then the kernel releases' suffix and series.
KERNELS="arm64:arm64:6.1 arm64:arm64:6.12 armhf:armmp-lpae:6.12
armhf:armmp:6.12 i386:686-pae:6.1"
SYSROOT_PKGS="libc6 libc6-dev linux-libc-dev libmnl0 libmnl-dev libnftnl11
libnftnl-dev"

missing() {
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

updated=
apt_update() {
	[ -n "$updated" ] && return 0
	# shellcheck disable=SC2086
	apt-get $apt update -qq
	updated=1
}

# Multiarch: apt knows the foreign architectures' packages.
for a in arm64 armhf i386; do
	if ! dpkg --print-foreign-architectures | grep -qx "$a"; then
		dpkg --add-architecture "$a"
		added=1
	fi
done
[ -z "${added:-}" ] || apt_update

# shellcheck disable=SC2086
need=$(missing $HOST_PKGS)
if [ -n "$need" ]; then
	apt_update
	# shellcheck disable=SC2086
	apt-get $apt install -y -qq --no-install-recommends $need
fi

# download DIR PKG...: the packages' .deb files into DIR (apt's sandbox
# user _apt must be able to write there).
download() {
	d=$1
	shift
	chown _apt "$d" 2>/dev/null || true
	# shellcheck disable=SC2086
	(cd "$d" && apt-get $apt download -qq "$@")
}

# have SERIES SUFFIX: some release of that series and suffix is complete.
have() {
	for b in "$root"/lib/modules/"$1".*-"$2"/build; do
		[ -e "$b" ] || continue
		k=${b%/build}
		k=${k##*/}
		abi=${k%-"$2"}
		# 6.12.N+deb12-rt-armmp ends in -armmp too: the ABI must end
		# in a number (6.1.0-57, 6.12.118+deb12).
		case ${abi##*-} in *[0-9]) ;; *) continue ;; esac
		[ -e "$root/boot/vmlinuz-$k" ] && return 0
	done
	return 1
}

# kernel ARCH SUFFIX SERIES: unpack the newest release of the archive.
kernel() {
	arch=$1 suffix=$2 series=$3
	have "$series" "$suffix" && return 0
	apt_update
	s=$(printf '%s' "$series" | sed 's/\./\\./g')
	img=$(apt-cache search --names-only \
		"^linux-image-$s\\.[0-9]+(-[0-9]+|\\+deb[0-9]+)-$suffix\$" |
		awk '{print $1}' | sort -V | tail -n 1)
	[ -n "$img" ] || { echo "deps: no linux-image-$series ($suffix) in the archive" >&2; exit 1; }
	k=${img#linux-image-}
	# The headers name the -common and kbuild packages they need.
	deps=$(apt-cache show --no-all-versions "linux-headers-$k:$arch" |
		sed -n 's/^Depends: //p' | tr ',|' '\n' | awk '{print $1}')
	common=$(printf '%s\n' "$deps" | grep -x 'linux-headers-.*-common' | head -n 1)
	kbuild=$(printf '%s\n' "$deps" | grep -x 'linux-kbuild-.*' | head -n 1)
	if [ -z "$common" ] || [ -z "$kbuild" ]; then
		echo "deps: linux-headers-$k:$arch names no -common or kbuild package" >&2
		exit 1
	fi
	echo "deps: $arch kernel $k into $root"
	tmp=$(mktemp -d)
	download "$tmp" "$img:$arch" "linux-headers-$k:$arch" "$common" \
		"$kbuild:$(dpkg --print-architecture)"
	mkdir -p "$root"
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$root"
	done
	rm -rf "$tmp"
	rm -f "$root/lib/modules/$k/build" "$root/lib/modules/$k/source"
	hdr=$root/usr/src/linux-headers-$k
	sed -i "s|^include /usr/src/|include $root/usr/src/|" "$hdr/Makefile"
	grep -q "^include $root/usr/src/linux-headers-.*-common/Makefile\$" "$hdr/Makefile" ||
		{ echo "deps: unexpected $hdr/Makefile" >&2; exit 1; }
	depmod -b "$root" -F "$root/boot/System.map-$k" "$k"
	ln -s "../../../usr/src/linux-headers-$k" "$root/lib/modules/$k/build"
}

for e in $KERNELS; do
	r=${e#*:}
	kernel "${e%%:*}" "${r%%:*}" "${r#*:}"
done

# sysroot ARCH: the C library, libmnl and libnftnl of ARCH, unpacked.
sysroot() {
	sr=$root/sysroot-$1
	[ -e "$sr/.complete" ] && return 0
	apt_update
	echo "deps: $1 sysroot for mssclampctl into $sr"
	rm -rf "$sr"
	tmp=$(mktemp -d)
	# shellcheck disable=SC2046,SC2086
	download "$tmp" $(printf "%s:$1 " $SYSROOT_PKGS)
	mkdir -p "$sr"
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$sr"
	done
	rm -rf "$tmp"
	: >"$sr/.complete"
}
for a in arm64 armhf i386; do
	sysroot "$a"
done
echo "deps: other architectures installed"
