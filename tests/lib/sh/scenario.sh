# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# The prologue of a netns scenario (tests/netns/NN-*.sh): its first line
# after the header comment is
#
#	. "$(dirname "$0")/../lib/sh/scenario.sh" [plain|install]
#
# which sets -eu and sources netns.sh (topology, assertions, cleanup) and
# clamp.sh (mssclampctl, counters, captures, traffic); "plain": netns.sh
# alone (no jq coprocess, no scratch directory); "install": install.sh
# too (10-install, 11-deb).
set -eu
case ${1:-} in
'' | plain | install) ;;
*) echo "scenario.sh: unknown layer '$1'" >&2; exit 2 ;;
esac
# shellcheck source=tests/lib/sh/netns.sh
. "${BASH_SOURCE[0]%/*}/netns.sh"
if [ "${1:-}" != plain ]; then
	# shellcheck source=tests/lib/sh/clamp.sh
	. "${BASH_SOURCE[0]%/*}/clamp.sh"
fi
if [ "${1:-}" = install ]; then
	# shellcheck source=tests/lib/sh/install.sh
	. "${BASH_SOURCE[0]%/*}/install.sh"
fi
