#!/bin/sh
# Print the kernel release to build and test against: the newest release
# under /lib/modules that has both headers (build/) and an image in /boot.
# The running kernel is not a candidate on machines that cannot load modules.
#
#   scripts/kver.sh [SERIES [FLAVOUR]]
#
# SERIES (such as 6.1 or 6.12; empty: any) keeps only that series. FLAVOUR
# keeps only that flavour of Debian's kernels: "rt" (PREEMPT_RT,
# 6.12.N+deb12-rt-amd64), "cloud" (6.12.N+deb12-cloud-amd64); without it,
# or with "plain", only the plain flavour counts (6.1.0-N-amd64,
# 6.12.N+deb12-amd64), so installing an rt or cloud kernel changes no
# default. The flavour is the word between the ABI and the architecture;
# a release whose next-to-last "-" field is not all letters is plain.
# KVER_ROOT, when set, is a directory that stands for / (for the tests).
set -eu
root=${KVER_ROOT:-}
want=${2:-plain}
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
