#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 07-counters: the counters equal exactly the packets that crossed, each
# SYN or SYN-ACK in exactly one outcome; "stats reset" zeroes one family
# or both.
#
#   mc-client               mc-router                 mc-server
#   eth0 9000 ------- 9000 eth-c   eth-s 9000 ------- 9000 eth0
#   (then 1280)
#
# Router: ipv4 and ipv6 enabled, mtu 1500 (ceilings 1460 / 1440).
#   1. after "stats reset": 5 IPv4 and 3 IPv6 connections (SYN 8960 / 8940,
#      SYN-ACK the same) count syn = synack = clamped_syn = clamped_synack
#      = 5 (v4), 3 (v6); every other counter 0;
#   2. client link 1280 (SYN MSS 1240 / 1220, below the ceiling): 2
#      connections per family count unchanged 2 and, the server's SYN-ACK
#      still being jumbo, clamped_synack 2; the server sees 1240 / 1220;
#   3. hand-made SYNs per family: one without options (no_mss), one with an
#      option of length 1 and one with two MSS options (malformed, both
#      reach the server untouched, MSS 9000); the server answers each with
#      a jumbo SYN-ACK (clamped_synack);
#   4. hand-made SYNs per family with RST set (not a SYN: no counter),
#      with 1500 bytes of data (sent in two fragments over the 1280 link:
#      the first is clamped, the second counts in fragments), and for IPv6
#      one behind a Destination Options header (walked, clamped); receive
#      checksum offload is off in the router and the server, so the
#      server's answer proves the rewritten checksums right (control: with
#      a wrong checksum, no answer);
#   5. "stats reset ipv4" zeroes ipv4 only; "stats reset" zeroes both.
. "$(dirname "$0")/../lib/sh/scenario.sh"

PORT=8080
N=5	# IPv4 connections
M=3	# IPv6 connections

jumbo_up
serve "$NS_S" "$PORT" 0
ctl_set "$NS_R" set ipv4 enable mtu 1500
ctl_set "$NS_R" set ipv6 enable mtu 1500

# --- 1. clamped connections ------------------------------------------------------

ctl_set "$NS_R" stats reset
check_eq "after reset: ipv4 all 0" "$(vec)" "$(counters "$NS_R" ipv4)"
check_eq "after reset: ipv6 all 0" "$(vec)" "$(counters "$NS_R" ipv6)"
addrs=()
for ((i = 0; i < N; i++)); do addrs+=("$S4"); done
for ((i = 0; i < M; i++)); do addrs+=("$S6"); done
check "$N IPv4 and $M IPv6 connections are established" \
	connect_n "$NS_C" "$PORT" 1 "${addrs[@]}"
stats2 "$NS_R"
c4=$ST4 c6=$ST6
echo "# after $N+$M connections: ipv4 $c4"
echo "# after $N+$M connections: ipv6 $c6"
check_eq "$N IPv4 connections: syn = synack = clamped_syn = clamped_synack = $N" \
	"$(vec syn=$N synack=$N clamped_syn=$N clamped_synack=$N)" "$c4"
check_eq "$M IPv6 connections: syn = synack = clamped_syn = clamped_synack = $M" \
	"$(vec syn=$M synack=$M clamped_syn=$M clamped_synack=$M)" "$c6"
check_eq "ipv4 syn counts $N" "$N" "$(kv "$c4" syn)"
check_eq "ipv6 syn counts $M" "$M" "$(kv "$c6" syn)"

# --- 2. SYNs already below the ceiling ---------------------------------------------

ip -n "$NS_C" link set eth0 mtu 1280
handshakes small "$PORT" 2 "$S4" "$S6"
check_eq "client mtu 1280: the server receives the SYN untouched (v4 1240)" \
	1240 "$(syn_mss small_srv v4)"
check_eq "client mtu 1280: the server receives the SYN untouched (v6 1220)" \
	1220 "$(syn_mss small_srv v6)"
check_eq "client mtu 1280: the client receives the SYN-ACK clamped (v4 1460)" \
	1460 "$(synack_mss small_cli v4)"
check_moved "$NS_R" "$c4" "$c6" \
	"2 small-MSS IPv4 connections: unchanged 2, clamped_synack 2" \
	"syn=2 synack=2 unchanged=2 clamped_synack=2" \
	"2 small-MSS IPv6 connections: unchanged 2, clamped_synack 2" \
	"syn=2 synack=2 unchanged=2 clamped_synack=2"

# --- 3. no MSS option, malformed options ---------------------------------------------

stats2 "$NS_R"
c4=$ST4 c6=$ST6
nomss="" badlen="0204232808010000" twice="0204232802042328"
cap_mark srv
check "hand-made SYNs are each answered with a SYN-ACK" raw_syns "$NS_C" "$PORT" \
	"$C4,$S4,$nomss" "$C4,$S4,$badlen" "$C4,$S4,$twice" \
	"$C6,$S6,$nomss" "$C6,$S6,$badlen" "$C6,$S6,$twice"
cap_cut raw srv
check_eq "the SYNs reach the server untouched (v4: none, 9000)" \
	"none 9000" "$(syn_mss raw_srv v4)"
check_eq "the SYNs reach the server untouched (v6: none, 9000)" \
	"none 9000" "$(syn_mss raw_srv v6)"
check_moved "$NS_R" "$c4" "$c6" \
	"IPv4: no_mss 1, malformed 2, their SYN-ACKs clamped" \
	"syn=3 synack=3 no_mss=1 malformed=2 clamped_synack=3" \
	"IPv6: no_mss 1, malformed 2, their SYN-ACKs clamped" \
	"syn=3 synack=3 no_mss=1 malformed=2 clamped_synack=3"

# --- 4. RST, fragments, an extension header ------------------------------------------

# With receive checksum offload off in the router and the server, the
# server's stack verifies the checksum of what reaches it: an answer means
# the rewritten segment (of a fragmented SYN too) checks out. The control:
# the same SYNs with a wrong checksum get no answer (still counted and
# clamped: the router does not check TCP checksums).
r ethtool -K eth-c rx off >/dev/null
s ethtool -K eth0 rx off >/dev/null
stats2 "$NS_R"
c4=$ST4 c6=$ST6
mss="0204232800000000"	# MSS 9000
cap_mark srv
check "fragmented SYNs and one behind an extension header are answered" \
	raw_syns "$NS_C" "$PORT" \
	"$C4,$S4,$mss,rst" "$C6,$S6,$mss,rst" \
	"$C4,$S4,$mss,data=1500" "$C6,$S6,$mss,data=1500" "$C6,$S6,$mss,dstopt"
check "control: the same SYNs with a wrong checksum get no answer" \
	raw_syns "$NS_C" "$PORT" \
	"$C4,$S4,$mss,data=1500+badsum" "$C6,$S6,$mss,data=1500+badsum" \
	"$C6,$S6,$mss,dstopt+badsum"
cap_cut frag srv
check_eq "the first fragment of the IPv4 SYN reaches the server clamped (1460)" \
	1460 "$(syn_mss frag_srv v4)"
check_eq "the first fragment and the SYN behind DSTOPT reach the server clamped (v6 1440)" \
	1440 "$(syn_mss frag_srv v6)"
check_moved "$NS_R" "$c4" "$c6" \
	"IPv4: SYN+RST not counted; 2 fragmented SYNs clamped, 2 fragments skipped" \
	"syn=2 synack=1 clamped_syn=2 clamped_synack=1 fragments=2" \
	"IPv6: SYN+RST not counted; fragmented and DSTOPT SYNs clamped, 2 fragments skipped" \
	"syn=4 synack=2 clamped_syn=4 clamped_synack=2 fragments=2"

# --- 5. reset ---------------------------------------------------------------------

c6=$(counters "$NS_R" ipv6)
ctl_set "$NS_R" stats reset ipv4
check_eq "stats reset ipv4: ipv4 all 0" "$(vec)" "$(counters "$NS_R" ipv4)"
check_eq "stats reset ipv4: ipv6 untouched" "$c6" "$(counters "$NS_R" ipv6)"
check_match "stats reset ipv4: ipv6 had counted" '^syn=[1-9]' "$c6"
ctl_set "$NS_R" stats reset
check_eq "stats reset: ipv4 all 0" "$(vec)" "$(counters "$NS_R" ipv4)"
check_eq "stats reset: ipv6 all 0" "$(vec)" "$(counters "$NS_R" ipv6)"

mod_unload_checked
