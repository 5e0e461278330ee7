#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 20-malformed: every class of malformed packet a remote sender can build
# is forwarded exactly as the kernel forwards it without the module, and
# counted where the design says it is (malformed, no_mss, fragments, or
# nothing when it is not a SYN the clamp can see).
#
#   mc-client                mc-router                  mc-server
#   eth0 ---------------- eth-c     eth-s ---------------- eth0
#   AF_PACKET sender                 |                     AF_PACKET capture
#                       198.51.100.99, 2001:db8:2::99 (the "sink"): a
#                       permanent neighbour with a documentation MAC that
#                       nobody owns; the server's stack drops such frames
#                       unseen, so nothing answers and nothing else moves
#                       the counters.
#
# tests/netns/wire.py (one python process, scapy) builds the classes (about
# 140, both families: data offsets, option lengths, MSS lengths,
# duplicates, truncations by the IP length, IPv4 options and broken IPv4
# headers, IPv6 extension-header chains long, repeated and truncated, IPv4
# and IPv6 fragments first/middle/last/overlapping/tiny, SYN with
# FIN/RST/URG, tiny and 1500-byte packets, valid SYNs and SYN-ACKs) and
# sends them, each case closed by a barrier datagram, in four passes:
# module not loaded; loaded with both families disabled (the control);
# enabled with mtu 1280 (ceilings 1240 / 1220, so every valid SYN would be
# clamped) at hook forward; the same at hook postrouting. One test case per
# class: the same frames arrive in every pass, byte for byte, except that
# a valid clampable SYN carries the ceiling and an RFC 1624-updated (and,
# for a whole segment, valid) checksum; the class's counters are exactly
# what it expects in both enabled passes and zero when disabled. Then: in
# each enabled pass the clamp rewrote exactly the valid clampable SYNs; the
# counter totals of each pass are the sum of the classes'; mssclampctl -j
# stats shows the last pass's totals.
. "$(dirname "$0")/../lib/sh/scenario.sh"

! mod_loaded || mod_unload
topo_up
sink_up
RMAC=$(ip -n "$NS_R" -br link show eth-c | awk '{ print $3 }')

check "wire.py runs the classes in four passes" env \
	NS_C="$NS_C" NS_R="$NS_R" NS_S="$NS_S" RMAC="$RMAC" SINKMAC="$SINKMAC" \
	C4="$C4" C6="$C6" K4="$K4" K6="$K6" MSSCLAMP_KO="$MSSCLAMP_KO" \
	"$PY" "$NETNS_DIR/wire.py" malformed "$WORK/results"

# One recorded case per line of results: "ok NAME" or "fail NAME".
while read -r st name; do
	check_eq "$name" ok "$st"
done <"$WORK/results"

# The last pass left its counters: mssclampctl reads the same totals.
stats2 "$NS_R"
check_eq "mssclampctl -j stats after the last pass: ipv4 as expected" \
	"$(awk '$1 == "ipv4" { $1 = ""; print substr($0, 2) }' "$WORK/results.totals")" "$ST4"
check_eq "mssclampctl -j stats after the last pass: ipv6 as expected" \
	"$(awk '$1 == "ipv6" { $1 = ""; print substr($0, 2) }' "$WORK/results.totals")" "$ST6"

# shellcheck disable=SC2119 # no insmod parameters
mod_loaded || mod_load
mod_unload_checked
