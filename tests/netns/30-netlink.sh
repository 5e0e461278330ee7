#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 30-netlink: hostile requests to the mssclamp generic netlink family
# (tests/tools/nlhostile.c) from root in the router's namespace.
#
#   mc-client --- mc-router --- mc-server     (netns.sh's topology)
#
# The router is configured away from the defaults and has counted one
# clamped connection per family, so that a partial change or a reset would
# show. Then nlhostile sends, one case per line: unknown attribute types,
# oversized attributes, wrong types and lengths, values out of range,
# duplicated attributes, missing FAMILY, FAMILY 0/5/255, bad DEVS lists
# (17 names, empty, 16 characters, no NUL, binary, nested, truncated),
# the read-only MSS/STATS/PAD in SET, unknown commands, malformed attribute
# headers, requests for families that do not exist, a second dump on a busy
# socket, and dumps abandoned midway. Each must be refused with the
# expected errno and (where the mssclamp family answers) an extack
# sentence, leave the configuration and the counters byte-identical, and
# crash nothing. Afterwards the router still clamps, the module's
# reference count is back (abandoned dumps hold one until their socket
# goes) and the module unloads.
#
# vm-host-prepare: make -s -C tests/tools
. "$(dirname "$0")/../lib/sh/scenario.sh"

PORT=8080

# The tool: the host's build if it is current, else built here
# (clamp.sh).
check "nlhostile builds" nlhostile_build

check "insmod mssclamp.ko" mod_load
topo_up
serve "$NS_S" "$PORT" 0
ctl_set "$NS_R" set ipv4 enable mtu 1492 overhead 8 pmtu on dev eth-s,eth-c
ctl_set "$NS_R" set ipv6 enable mtu 1500 overhead 44 synack off hook postrouting
check "a connection per family through the router" \
	connect_n "$NS_C" "$PORT" 1 "$S4" "$S6"
show=$(ctl "$NS_R" -j show)
stats=$(ctl "$NS_R" -j stats)
check_match "the router has counted" '"clamped_syn": *[1-9]' "$stats"
refs=$(val /sys/module/mssclamp/refcnt)
echo "# show: $show"
echo "# module refcnt: $refs"

# Every line nlhostile prints is one case.
rc=0
ip netns exec "$NS_R" "$NLHOSTILE" >"$WORK/nlhostile.out" 2>"$WORK/nlhostile.err" || rc=$?
while IFS= read -r line; do
	case $line in
	"ok - "*) tap_ok "netlink: ${line#ok - }" ;;
	"not ok - "*) tap_fail "netlink: ${line#not ok - }" ;;
	*) echo "# $line" ;;
	esac
done <"$WORK/nlhostile.out"
sed 's/^/# nlhostile: /' "$WORK/nlhostile.err"
check "nlhostile ran to the end (exit 0 or 1, not $rc)" test "$rc" -le 1

# Classes tried, for the record.
echo "# cases per class: $(sed -n 's/^\(not \)\{0,1\}ok - \([a-z-]*\): .*/\2/p' \
	"$WORK/nlhostile.out" | sort | uniq -c | awk '{ printf "%s %s, ", $2, $1 }')"

check_eq "the configuration is what it was (mssclampctl -j show)" "$show" \
	"$(ctl "$NS_R" -j show)"
before=$(counters "$NS_R" ipv4)
check "a connection through the router afterwards" \
	connect_n "$NS_C" "$PORT" 1 "$S4"
check_eq "the router still clamps and counts" \
	"$(vec syn=1 synack=1 clamped_syn=1 clamped_synack=1)" \
	"$(delta "$before" "$(counters "$NS_R" ipv4)")"
check_eq "the module's reference count is back to $refs" "$refs" \
	"$(val /sys/module/mssclamp/refcnt)"

mod_unload_checked
