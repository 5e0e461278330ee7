#!/bin/sh
# Print the kernel release to build and test against: the newest release
# under /lib/modules that has both headers (build/) and an image in /boot.
# The running kernel is not a candidate on machines that cannot load modules.
# With an argument (a series such as 6.1 or 6.12), only that series counts.
set -eu
best=
for d in /lib/modules/${1:+$1.}*/build; do
	[ -e "$d" ] || continue
	r=${d%/build}
	r=${r#/lib/modules/}
	[ -e "/boot/vmlinuz-$r" ] || continue
	best="$best $r"
done
[ -n "$best" ] || { echo "kver: no kernel with headers and image installed (run: make deps)" >&2; exit 1; }
# shellcheck disable=SC2086
printf '%s\n' $best | sort -V | tail -n 1
