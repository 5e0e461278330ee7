#!/bin/bash
# checkpatch on the kernel sources, with the kernel tree's own script (from
# the linux-source-6.1 tree that the KUnit run extracts into its cache).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${MSSCLAMP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mssclamp}
cp=$cache/linux-6.1/scripts/checkpatch.pl
if [ ! -f "$cp" ]; then
	echo "style: $cp missing: run 'make check-kunit' once to extract the kernel source" >&2
	exit 1
fi
cd "$top"
status=0
# clamp_user.h is userspace-only.
files=$(ls kmod/*.c kmod/*.h kmod/uapi/*.h tests/kunit/*.c tests/kunit/*.h 2>/dev/null |
	grep -v -e clamp_user.h)
# shellcheck disable=SC2086
perl "$cp" --no-tree --strict -q -f $files || status=1
[ "$status" = 0 ] || { echo "style: checkpatch found problems" >&2; exit 1; }
echo "style: checkpatch clean"
