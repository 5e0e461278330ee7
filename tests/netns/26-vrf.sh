#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 26-vrf: a router with a VRF. The router's own SYNs from a socket in the
# VRF are judged once, on the device they leave by, with no route back;
# forwarded SYNs through the VRF take their route back from the VRF's table.
#
#   mc-client               mc-router                         mc-server
#   eth0 9000 ------- 9000 eth-c   [blue: eth-s] 9000 ------- 9000 eth0
#                               VRF blue (table 10)
#
# The kernel runs POSTROUTING twice on the router's own packets in a VRF:
# with the VRF as output device (vrf_output_direct(), or vrf_output()
# through a VRF with a qdisc), then from ip_output() / ip6_output() with
# the VRF as input device and the real one as output. A main-table route
# towards the router's own VRF address with mtu 1400 must not count (the
# route back to a local source says nothing of any path):
#   - own: hook postrouting, pmtu on, mtu 1500: a socket bound to blue
#     connects to the server: the SYN leaves by eth-s (9000) with 8960 and
#     reaches the server with 1460 / 1440, counted once (syn +1,
#     clamped_syn +1); the same with a qdisc on blue (vrf_xmit(); where
#     the kernel has a packet scheduler), with
#     dev eth-s (the slave: the output device) and with dev blue (the VRF:
#     the input device of the pass judged); dev eth-c (the control): not
#     clamped (8960 / 8940), not counted;
#   - forwarded: eth-c joins blue too; the VRF's table has a route to the
#     server with mtu 1492, the main table one with mtu 1400 (through a
#     dummy device). The SYN-ACK comes in by eth-s: its route back (to the
#     server) is the VRF's: the client receives 1452 / 1432, at hook
#     forward and at hook postrouting, counted once.
. "$(dirname "$0")/../lib/sh/scenario.sh"

PORT=8080

jumbo_up

# enslave ADDR4 ADDR6 IF: IF, which holds ADDR4/24 and ADDR6/64, into the
# VRF blue. The kernel moves its connected and local routes into the VRF's
# table; an IPv6 global address goes with the device's down and up
# (keep_addr_on_down off): both addresses are put back.
enslave() {
	local a4=$1 a6=$2 dev=$3
	ip -n "$NS_R" -batch - <<-EOF
		link set $dev master blue
		addr replace $a4/24 dev $dev
		addr replace $a6/64 dev $dev nodad
	EOF
}

check "the VRF blue (table 10)" ip -n "$NS_R" -batch - <<-EOF
	link add blue type vrf table 10
	link set blue up
EOF
check "eth-s into blue" enslave "$G4" "$G6" eth-s
check "main: a route to the router's own VRF address, mtu 1400" \
	ip -n "$NS_R" -batch - <<-EOF
	route add $G4/32 dev eth-c mtu 1400
	route add $G6/128 dev eth-c mtu 1400
EOF
check_match "the router's address on eth-s is in table 10 (v4)" "local $G4 dev eth-s" \
	"$(ip -n "$NS_R" route show table 10)"
check_match "the router's address on eth-s is in table 10 (v6)" "local $G6 dev eth-s" \
	"$(ip -n "$NS_R" -6 route show table 10)"
check_match "main: the route to the router's VRF address has mtu 1400 (v4)" 'mtu 1400' \
	"$(ip -n "$NS_R" route get "$G4")"
check_match "main: the route to the router's VRF address has mtu 1400 (v6)" 'mtu 1400' \
	"$(ip -n "$NS_R" -6 route get "$G6")"
serve "$NS_S" "$PORT" 0
cap_start srv "$NS_S" eth0

# vrf_connect NS VRF PORT ADDR...: one connection to PORT of each ADDR from
# a socket bound to VRF (SO_BINDTODEVICE), closed once established (5 s
# at most). Status 0 if all were.
vrf_connect() {
	local ns=$1
	shift
	ip netns exec "$ns" "${PYS[@]}" -c '
import socket, sys
vrf, port = sys.argv[1].encode(), int(sys.argv[2])
bad = 0
for addr in sys.argv[3:]:
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, vrf)
    s.settimeout(5)
    try:
        s.connect((addr, port))
    except OSError as e:
        print(f"connect {addr} port {port} in {sys.argv[1]}: {e}", file=sys.stderr)
        bad += 1
    s.close()
sys.exit(1 if bad else 0)
' "$@"
}

# own TAG V4 V6 SYNS: the router's own connections from blue to the
# server: the server receives V4 / V6, each family counts SYNS SYNs, all
# of them clamped when V4 is not the link's 8960.
own() {
	local tag=$1 v4=$2 v6=$3 n=$4 clamped=0
	[ "$v4" = 8960 ] || clamped=$n
	stats2 "$NS_R"
	local b4=$ST4 b6=$ST6
	cap_mark srv
	check "$tag: the router's connections from blue are established" \
		vrf_connect "$NS_R" blue "$PORT" "$S4" "$S6"
	cap_cut "$tag" srv
	check_eq "$tag: the router's own IPv4 SYN reaches the server with $v4" \
		"$v4" "$(syn_mss "${tag}_srv" "$G4")"
	check_eq "$tag: the router's own IPv6 SYN reaches the server with $v6" \
		"$v6" "$(syn_mss "${tag}_srv" "$G6")"
	check_moved "$NS_R" "$b4" "$b6" \
		"$tag: ipv4 counts $n SYN" "syn=$n clamped_syn=$clamped" \
		"$tag: ipv6 counts $n SYN" "syn=$n clamped_syn=$clamped"
}

# --- the router's own SYNs in the VRF ------------------------------------------

ctl_set "$NS_R" set ipv4 enable mtu 1500 hook postrouting pmtu on
ctl_set "$NS_R" set ipv6 enable mtu 1500 hook postrouting pmtu on
own own 1460 1440 1

# /proc/net/psched exists with the packet scheduler (net/sched/sch_api.c),
# which Debian's kernels have; a kernel built without it has no qdisc to
# put on blue.
if [ -e /proc/net/psched ]; then
	check "a qdisc on blue: its packets go through vrf_xmit()" \
		tc -n "$NS_R" qdisc replace dev blue root pfifo
	check_match "blue has the pfifo qdisc" 'qdisc pfifo' \
		"$(tc -n "$NS_R" qdisc show dev blue)"
	own qdisc 1460 1440 1
	check "the qdisc on blue removed" tc -n "$NS_R" qdisc del dev blue root
else
	check "qdisc: a qdisc on blue # SKIP no packet scheduler in this kernel" true
fi

ctl_set "$NS_R" set ipv4 dev eth-s
ctl_set "$NS_R" set ipv6 dev eth-s
own slave 1460 1440 1
ctl_set "$NS_R" set ipv4 dev blue
ctl_set "$NS_R" set ipv6 dev blue
own master 1460 1440 1
ctl_set "$NS_R" set ipv4 dev eth-c
ctl_set "$NS_R" set ipv6 dev eth-c
own other 8960 8940 0
ctl_set "$NS_R" set ipv4 dev any
ctl_set "$NS_R" set ipv6 dev any

# --- forwarded SYNs through the VRF --------------------------------------------

check "eth-c into blue" enslave "$R4" "$R6" eth-c
check "blue: the route to the server has mtu 1492; main: mtu 1400 (dum0)" \
	ip -n "$NS_R" -batch - <<-EOF
	link add dum0 type dummy
	link set dum0 up
	route add $S4/32 dev eth-s table 10 mtu 1492
	route add $S6/128 dev eth-s table 10 mtu 1492
	route add $S4/32 dev dum0 mtu 1400
	route add $S6/128 dev dum0 mtu 1400
EOF
check_match "main: the route to the server has mtu 1400 (v4)" 'dum0 .*mtu 1400' \
	"$(ip -n "$NS_R" route show "$S4/32")"
check_match "main: the route to the server has mtu 1400 (v6)" 'dum0 .*mtu 1400' \
	"$(ip -n "$NS_R" -6 route show "$S6/128")"
check_match "blue: the route to the server has mtu 1492 (v4)" 'eth-s .*mtu 1492' \
	"$(ip -n "$NS_R" route show table 10 "$S4/32")"
check_match "blue: the route to the server has mtu 1492 (v6)" 'eth-s .*mtu 1492' \
	"$(ip -n "$NS_R" -6 route show table 10 "$S6/128")"

# fwd TAG: the client's connections through blue, at the router's current
# hook: the SYN leaves by the VRF's route (1492: 1452 / 1432), the SYN-ACK
# comes back with its route back the VRF's (1452 / 1432); one SYN and one
# SYN-ACK counted per family.
fwd() {
	stats2 "$NS_R"
	local b4=$ST4 b6=$ST6
	handshakes "$1" "$PORT" 1 "$S4" "$S6"
	check_eq "$1: the client's SYN reaches the server with 1452 (v4)" \
		1452 "$(syn_mss "$1_srv" v4)"
	check_eq "$1: the client's SYN reaches the server with 1432 (v6)" \
		1432 "$(syn_mss "$1_srv" v6)"
	check_eq "$1: the server's SYN-ACK reaches the client with 1452 (v4)" \
		1452 "$(synack_mss "$1_cli" v4)"
	check_eq "$1: the server's SYN-ACK reaches the client with 1432 (v6)" \
		1432 "$(synack_mss "$1_cli" v6)"
	check_moved "$NS_R" "$b4" "$b6" \
		"$1: ipv4 counts one SYN and one SYN-ACK" \
		"syn=1 synack=1 clamped_syn=1 clamped_synack=1" \
		"$1: ipv6 counts one SYN and one SYN-ACK" \
		"syn=1 synack=1 clamped_syn=1 clamped_synack=1"
}

fwd fwd_post
ctl_set "$NS_R" set ipv4 hook forward
ctl_set "$NS_R" set ipv6 hook forward
fwd fwd_fwd

mod_unload_checked
