#!/bin/sh
# The part of `make deps` for the other architectures: arm64, armhf (32-bit
# ARM) and i386. scripts/deps.sh runs it last. Everything comes from
# Debian's archive. Idempotent: a second run only checks what is there.
#
# On the host: the three architectures added to dpkg (multiarch), Debian's
# cross compilers, sparse (`make C=1`) and qemu-system-arm (which has
# qemu-system-aarch64 too). And, for `make deb DEB_HOST_ARCH=arm64|armhf`
# (dpkg-buildpackage -a), the build dependencies of mssclamp-tools of
# those architectures: Debian's C library for cross compilers
# (libc6-dev-arm64-cross, libc6-dev-armhf-cross, under /usr/TRIPLET/) and,
# through multiarch, libmnl-dev and libnftnl-dev of arm64 and armhf, which
# bring only Multi-Arch: same libraries (libc6, libgcc-s1, libmnl0,
# libnftnl11, pkgconf of that architecture) beside the host's. Not
# libc6-dev:arm64: it wants newer host libraries (openssl, krb5). apt is asked first with -s: should it want to remove or upgrade
# any package, nothing is installed.
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
# For arm64 and armhf a guest userland (foreign/rootfs-ARCH): a Debian root
# of that architecture made by mmdebstrap with what the scenarios run
# (ROOTFS_PKGS), which tests/vm/ serves to the VM where x86_64 gets the
# host's /. mmdebstrap runs the packages' maintainer scripts through
# qemu-user: binfmt_misc is mounted and the qemu interpreters registered
# here. rootfs-ARCH.list holds the package list it was made from; a root
# whose list differs is made again (8-14 minutes each).
#
#   MSSCLAMP_CACHE   cache directory (default ~/.cache/mssclamp)
set -eu

[ "$(id -u)" = 0 ] || { echo "deps: must run as root (apt-get install)" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive
cache=${MSSCLAMP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mssclamp}
root=$cache/foreign

HOST_PKGS="gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf gcc-i686-linux-gnu
sparse qemu-system-arm file qemu-user-static mmdebstrap arch-test"
# Debian architecture, then the kernel releases' suffix and series.
KERNELS="arm64:arm64:6.1 arm64:arm64:6.12 armhf:armmp-lpae:6.12
armhf:armmp:6.12 i386:686-pae:6.1"
CROSS_DEV_PKGS="libc6-dev-arm64-cross libc6-dev-armhf-cross libmnl-dev:arm64 libnftnl-dev:arm64 libmnl-dev:armhf
libnftnl-dev:armhf"
SYSROOT_PKGS="libc6 libc6-dev linux-libc-dev libmnl0 libmnl-dev libnftnl11
libnftnl-dev"
# The guest userland: what tests/vm/guest.sh and the scenarios run (the
# x86_64 guest takes the same from the host, scripts/deps.sh), a static
# busybox for the initramfs, gcc and libmnl-dev for the scenarios that
# compile their tools in the guest (flood.c, nlhostile.c), libnftnl for
# mssclampctl.
ROOTFS_ARCHS="arm64 armhf"
ROOTFS_PKGS="bash busybox-static kmod mount procps iproute2 nftables iptables
tcpdump ethtool iputils-ping socat jq python3 python3-scapy python3-yaml
python3-jsonschema gcc libc6-dev make pkg-config libmnl0 libmnl-dev
libnftnl11 file xz-utils prometheus"
# arm64's userland also holds what installing mssclamp there takes, as on
# an arm64 edge box (10-install, 11-deb): apt, DKMS, systemd
# (systemd-analyze verify, the unit's enablement), man-db, libnftnl-dev
# (make install builds mssclampctl in the guest) and, for each arm64
# kernel release unpacked here, Debian's linux-headers-K of arm64, which
# DKMS compiles the module against in the guest (rootfs_pkgs adds them).
ROOTFS_PKGS_arm64="apt dkms systemd man-db libnftnl-dev"

# shellcheck source=scripts/deps-lib.sh
. "$(dirname "$0")/deps-lib.sh"

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

# shellcheck disable=SC2086
need=$(missing $CROSS_DEV_PKGS)
if [ -n "$need" ]; then
	apt_update
	# shellcheck disable=SC2086
	sim=$(apt-get $apt -s install --no-install-recommends $need)
	if printf '%s\n' "$sim" | grep -E '^(Remv|Inst [^ ]+ \[)'; then
		echo "deps: installing $need would remove or upgrade the packages above: not installed" >&2
		exit 1
	fi
	# shellcheck disable=SC2086
	apt-get $apt install -y -qq --no-install-recommends $need
fi

# binfmt: ELF binaries of ARCH (arm64, armhf) run here through qemu-user.
# binfmt_misc is mounted if it is not (a container, or no systemd), and the
# interpreter qemu-user-static ships for it is registered if it is not.
binfmt() {
	case $1 in
	arm64) q=aarch64 ;;
	armhf) q=arm ;;
	*) q=$1 ;;
	esac
	[ -e /proc/sys/fs/binfmt_misc/register ] ||
		mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
	[ -e "/proc/sys/fs/binfmt_misc/qemu-$q" ] ||
		cat "/usr/lib/binfmt.d/qemu-$q.conf" >/proc/sys/fs/binfmt_misc/register
	arch-test "$1" >/dev/null ||
		{ echo "deps: $1 binaries do not run here (binfmt_misc, qemu-user-static)" >&2; exit 1; }
}

# rootfs_pkgs ARCH: the packages of ARCH's userland, comma-separated.
rootfs_pkgs() {
	pa=$1
	# shellcheck disable=SC2086 # one word per package
	set -- $ROOTFS_PKGS
	if [ "$pa" = arm64 ]; then
		# shellcheck disable=SC2086
		set -- "$@" $ROOTFS_PKGS_arm64
		for b in "$root"/lib/modules/*-arm64/build; do
			[ -e "$b" ] || continue
			k=${b%/build}
			set -- "$@" "linux-headers-${k##*/}"
		done
	fi
	echo "$*" | tr ' ' ,
}

# rootfs ARCH: make foreign/rootfs-ARCH unless it is there, made from
# today's rootfs_pkgs. Debian's archive as the host's apt knows it (the
# host's sources of its own suite).
rootfs() {
	ra=$1
	dir=$root/rootfs-$ra
	list=$(rootfs_pkgs "$ra")
	[ "$(cat "$dir.list" 2>/dev/null)" = "$list" ] && [ -x "$dir/bin/bash" ] && return 0
	binfmt "$ra"
	# shellcheck source=/dev/null
	suite=$(. /etc/os-release && echo "$VERSION_CODENAME")
	set --
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && grep -q "^[^#]*\b$suite\b" "$f" && set -- "$@" "$f"
	done
	echo "deps: $ra guest userland into $dir (mmdebstrap, minutes)"
	rm -rf "$dir" "$dir.tmp" "$dir.list"
	mmdebstrap --quiet --variant=essential --arch="$ra" --include="$list" \
		--dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		--dpkgopt='path-exclude=/usr/share/doc/*' \
		"$suite" "$dir.tmp" "$@"
	mv "$dir.tmp" "$dir"
	echo "$list" >"$dir.list"
}
rootfses() {
	for a in $ROOTFS_ARCHS; do
		rootfs "$a"
	done
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

# What is missing: kernels as ARCH:SUFFIX:SERIES, sysroots as ARCH.
todo=
for e in $KERNELS; do
	r=${e#*:}
	have "${r#*:}" "${r%%:*}" || todo="$todo $e"
done
sysroots=
for a in arm64 armhf i386; do
	[ -e "$root/sysroot-$a/.complete" ] || sysroots="$sysroots $a"
done
if [ -z "$todo$sysroots" ]; then
	rootfses
	echo "deps: other architectures installed"
	exit 0
fi
apt_update

# Each missing kernel: the newest release of the archive, its image and
# headers, and the -common and kbuild packages the headers name. apt is
# asked once for all of them (each apt-cache or apt-get run reads the
# whole package cache, several seconds with four architectures).
rels=
pkgs=
hdrs=
if [ -n "$todo" ]; then
	images=$(apt-cache search --names-only \
		'^linux-image-[0-9]+\.[0-9]+\.[0-9]+(-[0-9]+|\+deb[0-9]+)-[a-z0-9-]+$' |
		awk '{print $1}')
	for e in $todo; do
		a=${e%%:*}
		r=${e#*:}
		f=${r%%:*}
		s=$(printf '%s' "${r#*:}" | sed 's/\./\\./g')
		img=$(printf '%s\n' "$images" |
			grep -E -x "linux-image-$s\.[0-9]+(-[0-9]+|\+deb[0-9]+)-$f" |
			sort -V | tail -n 1)
		[ -n "$img" ] || { echo "deps: no linux-image-${r#*:} ($f) in the archive" >&2; exit 1; }
		k=${img#linux-image-}
		echo "deps: $a kernel $k into $root"
		rels="$rels $k"
		pkgs="$pkgs $img:$a linux-headers-$k:$a"
		hdrs="$hdrs linux-headers-$k:$a"
	done
	# shellcheck disable=SC2086
	extra=$(apt-cache show --no-all-versions $hdrs | sed -n 's/^Depends: //p' |
		tr ',|' '\n' | awk '{print $1}' |
		grep -E -x 'linux-headers-.*-common|linux-kbuild-.*' | sort -u)
	for p in $extra; do
		case $p in
		linux-kbuild-*) pkgs="$pkgs $p:$(dpkg --print-architecture)" ;;
		*) pkgs="$pkgs $p" ;;
		esac
	done
fi
for a in $sysroots; do
	echo "deps: $a sysroot for mssclampctl into $root/sysroot-$a"
	for p in $SYSROOT_PKGS; do
		pkgs="$pkgs $p:$a"
	done
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# apt's sandbox user _apt downloads: it must be able to write there.
chown _apt "$tmp" 2>/dev/null || true
# shellcheck disable=SC2086
(cd "$tmp" && apt-get $apt download -qq $pkgs)

# Unpack, as many at a time as there are cores (xz is the most of it),
# the biggest first: the kernels' packages into the root, each sysroot's
# into its own directory.
mkdir -p "$root"
for a in $sysroots; do
	rm -rf "$root/sysroot-$a"
	mkdir -p "$root/sysroot-$a"
done
# shellcheck disable=SC2012 # names of .deb files: no newline in them
ls -S "$tmp" | while read -r deb; do
	case $deb in
	linux-image-* | linux-headers-* | linux-kbuild-*) dir=$root ;;
	*)
		a=${deb%.deb}
		dir=$root/sysroot-${a##*_}
		;;
	esac
	printf '%s %s\n' "$tmp/$deb" "$dir"
done | xargs -P "$(nproc)" -n 2 dpkg-deb -x

for k in $rels; do
	rm -f "$root/lib/modules/$k/build" "$root/lib/modules/$k/source"
	hdr=$root/usr/src/linux-headers-$k
	sed -i "s|^include /usr/src/|include $root/usr/src/|" "$hdr/Makefile"
	inc=$(sed -n 's/^include //p' "$hdr/Makefile")
	if ! [ -e "$inc" ] || ! [ -e "$hdr/scripts/mod/modpost" ]; then
		echo "deps: $hdr lacks its -common part or kbuild tools" >&2
		exit 1
	fi
	depmod -b "$root" -F "$root/boot/System.map-$k" "$k"
	ln -s "../../../usr/src/linux-headers-$k" "$root/lib/modules/$k/build"
done
for a in $sysroots; do
	: >"$root/sysroot-$a/.complete"
done
rootfses
echo "deps: other architectures installed"
