#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 01-cliff: the 9000-to-1500 cliff of seed 000, and the clamp that fixes it.
#
#   mc-client              mc-router                        mc-server
#   eth0 9000 ------ 9000 eth-c    eth-s 1500 ------------ 9000 eth0
#                    nft: drops forwarded and own          TSO/GSO off
#                    ICMP frag-needed / Packet Too Big
#
# The client advertises the MSS of its 9000-byte link (IPv4 8960, IPv6
# 8940); the server, on a 9000-byte link too, honours it and sends jumbo
# segments towards the client. The router's end of the server link is
# 1500: veth drops the larger frames silently, and no "too big" ICMP ever
# reaches the server (the router's nft drops them anyway), so PMTUD cannot
# rescue the connection: the handshake completes, the 1 MB response stalls.
#
# Control: module loaded, both families disabled (the defaults): the
# transfer stalls in each family (otherwise this test proves nothing), the
# server sees the jumbo MSS, no counter moves.
# Fix: "set ipv4 enable mtu 1500" and "set ipv6 enable mtu 1500 overhead
# 44" in the router: the transfer completes in each family; on the wire the
# client sent 8960 / 8940 and the server received 1460 / 1396 (the field
# note's ceiling: 1500 - 40 - 20 - 44); the client receives the clamped
# SYN-ACK too; clamped_syn and clamped_synack count.
. "$(dirname "$0")/../lib/sh/scenario.sh"

SIZE=1048576		# bytes the server sends
STALL_WAIT=8		# seconds the control is given to stall
DONE_WAIT=60		# seconds the clamped transfer may take (TCG, a busy host)

check "insmod mssclamp.ko" mod_load

topo_up c=9000 rc=9000 rs=1500 s=9000
# The server must put jumbo segments on the wire, not 64 KB GSO packets
# (veth lets a GSO packet through whatever its size).
s ethtool -K eth0 tso off gso off >/dev/null
blackhole_icmp "$NS_R"

check "ping client -> server, IPv4" ping_ok "$NS_C" "$S4"
check "ping client -> server, IPv6" ping_ok "$NS_C" "$S6"
check_eq "fresh netns: ipv4 disabled" false "$(cfg "$NS_R" ipv4 enabled)"
check_eq "fresh netns: ipv6 disabled" false "$(cfg "$NS_R" ipv6 enabled)"

# transfer TAG PORT4 PORT6 SECONDS: fetch SIZE bytes from the server in
# both families at once; sets rc4/rc6 (fetch's exit status) and got4/got6
# (the bytes received).
transfer() {
	local tag=$1 p4 p6
	rc4=0 rc6=0
	fetch "$NS_C" "$S4" "$2" "$SIZE" "$4" >"$WORK/$tag.4" 2>"$WORK/$tag.4.err" &
	p4=$!
	fetch "$NS_C" "$S6" "$3" "$SIZE" "$4" >"$WORK/$tag.6" 2>"$WORK/$tag.6.err" &
	p6=$!
	wait "$p4" || rc4=$?
	wait "$p6" || rc6=$?
	got4=$(val "$WORK/$tag.4")
	got6=$(val "$WORK/$tag.6")
}

# --- control: no clamp -------------------------------------------------------

# Four servers: a stalled one stays busy with its connection for a while.
serve "$NS_S" 8001 "$SIZE" 8002 8003 8004
cap_start cli "$NS_C" eth0 srv "$NS_S" eth0
start=$SECONDS
transfer ctl 8001 8002 "$STALL_WAIT"
cap_cut ctl cli srv
echo "# control: IPv4 received $got4 of $SIZE bytes, IPv6 $got6, in $((SECONDS - start)) s"

check_not "control IPv4: the 1 MB transfer stalls without the clamp" \
	test "$rc4" = 0
check_not "control IPv6: the 1 MB transfer stalls without the clamp" \
	test "$rc6" = 0
check_eq "control IPv4: not one byte arrives" 0 "$got4"
check_eq "control IPv6: not one byte arrives" 0 "$got6"
# The handshake itself went through: the stall is the data's.
check_eq "control IPv4: the client receives the server's SYN-ACK, MSS 8960" \
	8960 "$(synack_mss ctl_cli v4)"
check_eq "control IPv6: the client receives the server's SYN-ACK, MSS 8940" \
	8940 "$(synack_mss ctl_cli v6)"
check_eq "control IPv4: the server sees the client's jumbo MSS" \
	8960 "$(syn_mss ctl_srv v4)"
check_eq "control IPv6: the server sees the client's jumbo MSS" \
	8940 "$(syn_mss ctl_srv v6)"
stats2 "$NS_R"
c4=$ST4 c6=$ST6
check_eq "control: disabled ipv4 counts nothing" "$(vec)" "$c4"
check_eq "control: disabled ipv6 counts nothing" "$(vec)" "$c6"

# --- the fix -----------------------------------------------------------------

ctl_set "$NS_R" set ipv4 enable mtu 1500
ctl_set "$NS_R" set ipv6 enable mtu 1500 overhead 44
check_eq "show: ipv4 ceiling" 1460 "$(cfg "$NS_R" ipv4 mss)"
check_eq "show: ipv6 ceiling" 1396 "$(cfg "$NS_R" ipv6 mss)"

cap_mark cli srv
start=$SECONDS
transfer fix 8003 8004 "$DONE_WAIT"
cap_cut fix cli srv
echo "# clamped: IPv4 received $got4 of $SIZE bytes, IPv6 $got6, in $((SECONDS - start)) s"

check "clamped IPv4: the 1 MB transfer completes" test "$rc4" = 0
check "clamped IPv6: the 1 MB transfer completes" test "$rc6" = 0
check_eq "clamped IPv4: bytes received" "$SIZE" "$got4"
check_eq "clamped IPv6: bytes received" "$SIZE" "$got6"
check_eq "IPv4: the client's SYN leaves with MSS 8960" 8960 "$(syn_mss fix_cli v4)"
check_eq "IPv6: the client's SYN leaves with MSS 8940" 8940 "$(syn_mss fix_cli v6)"
check_eq "IPv4: the server receives the SYN with MSS 1460" 1460 "$(syn_mss fix_srv v4)"
check_eq "IPv6: the server receives the SYN with MSS 1396" 1396 "$(syn_mss fix_srv v6)"
check_eq "IPv4: the server's SYN-ACK leaves with MSS 8960" 8960 "$(synack_mss fix_srv v4)"
check_eq "IPv6: the server's SYN-ACK leaves with MSS 8940" 8940 "$(synack_mss fix_srv v6)"
check_eq "IPv4: the client receives the SYN-ACK with MSS 1460" 1460 "$(synack_mss fix_cli v4)"
check_eq "IPv6: the client receives the SYN-ACK with MSS 1396" 1396 "$(synack_mss fix_cli v6)"

stats2 "$NS_R"
c4=$ST4 c6=$ST6
echo "# router counters ipv4: $c4"
echo "# router counters ipv6: $c6"
check "ipv4 clamped_syn >= 1" test "$(kv "$c4" clamped_syn)" -ge 1
check "ipv6 clamped_syn >= 1" test "$(kv "$c6" clamped_syn)" -ge 1
check "ipv4 clamped_synack >= 1" test "$(kv "$c4" clamped_synack)" -ge 1
check "ipv6 clamped_synack >= 1" test "$(kv "$c6" clamped_synack)" -ge 1

mod_unload_checked
