#!/bin/sh
# Print the kernel release to build and test against: the newest release
# under /lib/modules that has both headers (build/) and an image in /boot.
# The running kernel is not a candidate on machines that cannot load modules.
#
#   scripts/kver.sh [--arch ARCH] [SERIES [FLAVOUR]]
#
# SERIES (such as 6.1 or 6.12; empty: any) keeps only that series. FLAVOUR
# keeps only that flavour of Debian's kernels: "rt" (PREEMPT_RT,
# 6.12.N+deb12-rt-amd64), "cloud" (6.12.N+deb12-cloud-amd64); without it,
# or with "plain", only the plain flavour counts (6.1.0-N-amd64,
# 6.12.N+deb12-amd64), so installing an rt or cloud kernel changes no
# default. The flavour is the word between the ABI and the architecture;
# a release whose next-to-last "-" field is not all letters is plain.
#
# --arch ARCH (a Debian architecture: amd64, arm64, armhf, i386) keeps only
# the kernels of that architecture, by the end of their release: plain is
# -amd64, -arm64, -armmp-lpae (armhf) and -686-pae (i386); rt is -rt-ARCH
# (-rt-armmp on armhf, -rt-686-pae on i386); cloud is -cloud-amd64 and
# -cloud-arm64; on armhf "armmp" is the kernel without LPAE (-armmp).
# Those of another architecture than the host's are looked up in the
# private root scripts/deps-foreign.sh unpacks them into (the cache's
# foreign/), not in /.
# KVER_ROOT, when set, is a directory that stands for / (for the tests).
set -eu
arch=
if [ "${1:-}" = --arch ]; then
	[ $# -ge 2 ] || { echo "kver: --arch needs an architecture" >&2; exit 2; }
	arch=$2
	shift 2
fi
want=${2:-plain}
if [ -n "$arch" ]; then
	# The release's suffix for this architecture and flavour.
	case $arch:$want in
	amd64:plain | arm64:plain) suffix=$arch ;;
	amd64:rt | amd64:cloud | arm64:rt | arm64:cloud) suffix=$want-$arch ;;
	armhf:plain) suffix=armmp-lpae ;;
	armhf:armmp) suffix=armmp ;;
	armhf:rt) suffix=rt-armmp ;;
	i386:plain) suffix=686-pae ;;
	i386:rt) suffix=rt-686-pae ;;
	amd64:* | arm64:* | armhf:* | i386:*)
		echo "kver: no flavour '$want' on $arch" >&2
		exit 2
		;;
	*)
		echo "kver: unknown architecture '$arch' (amd64, arm64, armhf, i386)" >&2
		exit 2
		;;
	esac
	if [ -n "${KVER_ROOT:-}" ]; then
		root=$KVER_ROOT
	elif [ "$arch" = "$(dpkg --print-architecture 2>/dev/null)" ]; then
		root=
	else
		root=${MSSCLAMP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mssclamp}/foreign
	fi
	best=
	for d in "$root"/lib/modules/"${1:+$1.}"*-"$suffix"/build; do
		[ -e "$d" ] || continue
		r=${d%/build}
		r=${r#"$root"/lib/modules/}
		[ -e "$root/boot/vmlinuz-$r" ] || continue
		# The ABI before the suffix ends in a number (6.1.0-57,
		# 6.12.118+deb12): 6.12.N+deb12-rt-armmp is no -armmp kernel.
		abi=${r%-"$suffix"}
		case ${abi##*-} in *[0-9]) ;; *) continue ;; esac
		best="$best $r"
	done
	if [ -z "$best" ]; then
		echo "kver: no ${1:+$1 }$want $arch kernel with headers and image installed (run: make deps)" >&2
		exit 1
	fi
	# shellcheck disable=SC2086
	printf '%s\n' $best | sort -V | tail -n 1
	exit 0
fi
root=${KVER_ROOT:-}
case $want in
plain | rt | cloud) ;;
*) echo "kver: unknown flavour '$want' (plain, rt, cloud)" >&2; exit 2 ;;
esac
best=
for d in "$root"/lib/modules/"${1:+$1.}"*/build; do
	[ -e "$d" ] || continue
	r=${d%/build}
	r=${r#"$root"/lib/modules/}
	[ -e "$root/boot/vmlinuz-$r" ] || continue
	f=plain
	case $r in
	*-*-*)
		f=${r%-*}
		f=${f##*-}
		case $f in
		'' | *[!a-z]*) f=plain ;;
		esac
		;;
	esac
	[ "$f" = "$want" ] || continue
	best="$best $r"
done
if [ -z "$best" ]; then
	echo "kver: no ${1:+$1 }$want kernel with headers and image installed (run: make deps)" >&2
	exit 1
fi
# shellcheck disable=SC2086
printf '%s\n' $best | sort -V | tail -n 1
