#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 06-pmtu: "pmtu on" lowers the ceiling to what the MTUs of two routes
# allow: the route the packet leaves by, and the route back towards its
# source (as iptables' xt_TCPMSS --clamp-mss-to-pmtu and nft's "rt mtu" do:
# tcpmss_reverse_mtu() and get_tcpmss() both look it up with nf_route());
# never above the fixed ceiling, never below the floor.
#
#   mc-client          mc-router             mc-transit          mc-server
#   eth0 9000 --- 9000 eth-c  eth-s 9000 --- 9000 eth-r  eth-s 9000 --- 9000 eth0
#                 (the LAN)    (the uplink)
#
# Every link is 9000 (SYN and SYN-ACK carry 8960 / 8940); the router
# clamps to mtu 1500 (1460 / 1440). The uplink is made narrow in turn:
#   - a route mtu 1492 on the router's route to the server (PPPoE's 1492):
#     the SYN from the LAN leaves by it: the server receives 1452 / 1432;
#     the SYN-ACK comes in by it towards the 9000-byte LAN: its route out
#     allows 8960, its route back (to the server) 1452 / 1432: the client
#     receives 1452 / 1432. Controls: pmtu off gives 1460 / 1440 both
#     ways, which is also what the route out alone gives the SYN-ACK
#     (8960 is above the fixed ceiling); nft's "rt mtu" (mssclamp
#     disabled) agrees with pmtu on: 1452 / 1432 both ways;
#   - the router's uplink device itself at mtu 1492: the same values;
#   - a learned path MTU: the transit's link to the server at 1400, the
#     router pings the server with DF and learns 1400 from the transit's
#     ICMP (a nexthop exception, an IPv6 cached route): SYN and SYN-ACK
#     both get 1360 / 1340, with pmtu off 1460 / 1440;
#   - floor: a route mtu of 552 gives 536 (552 - 40 = 512 is below the IPv4
#     floor); for IPv6, overhead 20 and a route mtu of 1280 give 1220
#     (1280 - 60 - 20 = 1200 is below the IPv6 floor);
#   - an IPv6 redirect's exception: the router's uplink at mtu 1492, its
#     route to the server through the transit's link-local address; the
#     transit redirects the router's traffic for the server (to itself:
#     nothing else changes), so the router's route holds a cached
#     exception without an MTU. The kernel's own route to the server then
#     has the device's 1492 (ip6_mtu()): the SYN-ACK coming in by the
#     uplink reaches the LAN with 1432, as without the redirect.
. "$(dirname "$0")/../lib/sh/scenario.sh"

PORT=8080

check "insmod mssclamp.ko" mod_load
topo_up transit=1 c=9000 rc=9000 rs=9000 tr=9000 ts=9000 s=9000
serve "$NS_S" "$PORT" 0

# route_mtu [V4MTU V6MTU]: the router's routes to the server's prefix, with
# those mtu attributes (none without arguments).
route_mtu() {
	ip -n "$NS_R" route replace 198.51.100.0/24 via "$TR4" ${1:+mtu "$1"}
	ip -n "$NS_R" -6 route replace 2001:db8:2::/64 via "$TR6" metric 1024 ${2:+mtu "$2"}
}

# both TAG V4 V6 WHAT: the server's SYNs and the client's SYN-ACKs in the
# capture TAG carry V4 / V6.
both() {
	check_eq "$1: the SYN leaving by the uplink reaches the server with $2 (v4)" \
		"$2" "$(syn_mss "$1_srv" v4)"
	check_eq "$1: the SYN leaving by the uplink reaches the server with $3 (v6)" \
		"$3" "$(syn_mss "$1_srv" v6)"
	check_eq "$1: the SYN-ACK coming in by the uplink reaches the LAN with $4 (v4)" \
		"$4" "$(synack_mss "$1_cli" v4)"
	check_eq "$1: the SYN-ACK coming in by the uplink reaches the LAN with $5 (v6)" \
		"$5" "$(synack_mss "$1_cli" v6)"
}

ctl_set "$NS_R" set ipv4 enable mtu 1500
ctl_set "$NS_R" set ipv6 enable mtu 1500

# --- a route mtu on the uplink route: the route out of the SYN, the route
# --- back of the SYN-ACK --------------------------------------------------------

route_mtu 1492 1492
check_match "the router's route to the server has mtu 1492 (v4)" 'mtu 1492' \
	"$(ip -n "$NS_R" route get "$S4")"
check_match "the router's route to the server has mtu 1492 (v6)" 'mtu 1492' \
	"$(ip -n "$NS_R" -6 route get "$S6")"

check_eq "show: pmtu off by default" "false false" \
	"$(cfg "$NS_R" ipv4 pmtu) $(cfg "$NS_R" ipv6 pmtu)"
handshakes off "$PORT" 1 "$S4" "$S6"
both off 1460 1440 1460 1440

# The kernel's own answer: nft's "rt mtu" (mssclamp disabled), which takes
# the route out and the route back too.
ctl_set "$NS_R" set ipv4 disable
ctl_set "$NS_R" set ipv6 disable
check "nft: tcp option maxseg size set rt mtu in the router" \
	ip netns exec "$NS_R" nft -f - <<-'EOF'
	table inet rtmtu {
		chain forward {
			type filter hook forward priority mangle; policy accept;
			tcp flags & (syn | rst) == syn tcp option maxseg size set rt mtu
		}
	}
	EOF
handshakes rtmtu "$PORT" 1 "$S4" "$S6"
both rtmtu 1452 1432 1452 1432
check "nft: the rule removed" ip netns exec "$NS_R" nft delete table inet rtmtu
ctl_set "$NS_R" set ipv4 enable pmtu on
ctl_set "$NS_R" set ipv6 enable pmtu on
check_eq "show: pmtu on" "true true" "$(cfg "$NS_R" ipv4 pmtu) $(cfg "$NS_R" ipv6 pmtu)"

handshakes on "$PORT" 1 "$S4" "$S6"
both on 1452 1432 1452 1432

# --- the uplink device itself at 1492 (PPPoE) ------------------------------------

route_mtu
check "the router's uplink device at mtu 1492" ip -n "$NS_R" link set eth-s mtu 1492
check_match "the router's uplink device has mtu 1492" 'mtu 1492 ' \
	"$(ip -n "$NS_R" link show eth-s)"
handshakes dev "$PORT" 1 "$S4" "$S6"
both dev 1452 1432 1452 1432
check "the router's uplink device back at mtu 9000" ip -n "$NS_R" link set eth-s mtu 9000

# --- a learned path MTU ------------------------------------------------------------

check "the transit's link to the server at mtu 1400" ip -n "$NS_T" link set eth-s mtu 1400
# The first ping with DF gets the transit's frag-needed / Packet Too Big;
# the router keeps the learned MTU (its own traffic: no blackholing here).
ip netns exec "$NS_R" ping -q -Mdo -s 2000 -c 2 -W 1 "$S4" >/dev/null 2>&1 || true
ip netns exec "$NS_R" ping -q -6 -Mdo -s 2000 -c 2 -W 1 "$S6" >/dev/null 2>&1 || true
check_match "the router learned mtu 1400 towards the server (v4)" 'mtu 1400' \
	"$(ip -n "$NS_R" route get "$S4")"
check_match "the router learned mtu 1400 towards the server (v6)" 'mtu 1400' \
	"$(ip -n "$NS_R" -6 route get "$S6")"
check_match "the route to the server has no mtu attribute (v4)" '^[^m]*$' \
	"$(ip -n "$NS_R" route show 198.51.100.0/24)"
handshakes learned "$PORT" 1 "$S4" "$S6"
both learned 1360 1340 1360 1340
ctl_set "$NS_R" set ipv4 pmtu off
ctl_set "$NS_R" set ipv6 pmtu off
handshakes learnedoff "$PORT" 1 "$S4" "$S6"
both learnedoff 1460 1440 1460 1440
ctl_set "$NS_R" set ipv4 pmtu on
ctl_set "$NS_R" set ipv6 pmtu on

# --- the floor -----------------------------------------------------------------

ctl_set "$NS_R" set ipv6 overhead 20
route_mtu 552 1280
handshakes floor "$PORT" 1 "$S4" "$S6"
check_eq "pmtu on, route mtu 552: the server receives the IPv4 floor 536" \
	536 "$(syn_mss floor_srv v4)"
check_eq "pmtu on, route mtu 1280, overhead 20: the server receives the IPv6 floor 1220" \
	1220 "$(syn_mss floor_srv v6)"
check_eq "pmtu on, route back mtu 552: the client receives the IPv4 floor 536" \
	536 "$(synack_mss floor_cli v4)"
check_eq "pmtu on, route back mtu 1280, overhead 20: the client receives the IPv6 floor 1220" \
	1220 "$(synack_mss floor_cli v6)"

# --- an IPv6 redirect's exception ------------------------------------------------

ctl_set "$NS_R" set ipv6 overhead 0
route_mtu
check "the transit's link to the server back at mtu 9000" ip -n "$NS_T" link set eth-s mtu 9000
check "the router's uplink device at mtu 1492 (redirect)" ip -n "$NS_R" link set eth-s mtu 1492
# A router takes redirects on an interface without forwarding
# (rt6_do_redirect()); forwarding itself follows conf/all (ip6_forward()).
check "the router takes redirects on its uplink" \
	nsysctl "$NS_R" net.ipv6.conf.eth-s.forwarding 0
check "the transit's link-local address fe80::2" \
	ip -n "$NS_T" addr add fe80::2/64 dev eth-r nodad
check "the router's route to the server through fe80::2" \
	ip -n "$NS_R" -6 route replace 2001:db8:2::/64 via fe80::2 dev eth-s metric 1024
check "the router reaches the server through fe80::2" ping_ok "$NS_R" "$S6"
# The redirect (RFC 4861 4.5) from fe80::2, hop limit 255, for the server,
# target fe80::2 with its link-layer address; the kernel sums ICMPv6.
check "the transit sends the router a redirect for the server" \
	ip netns exec "$NS_T" "${PYS[@]}" -c '
import socket, sys
dst, target, dest = sys.argv[1:4]
mac = bytes.fromhex(open("/sys/class/net/eth-r/address").read().strip().replace(":", ""))
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, 255)
s.bind((target, 0, 0, socket.if_nametoindex("eth-r")))
msg = bytes([137, 0, 0, 0]) + bytes(4) + socket.inet_pton(socket.AF_INET6, target) \
    + socket.inet_pton(socket.AF_INET6, dest) + bytes([2, 1]) + mac
s.sendto(msg, (dst, 0))
' "$RT6" fe80::2 "$S6"
sleep 0.5
check_match "the router holds the redirect's exception for the server" \
	"^$S6 via fe80::2 dev eth-s" "$(ip -n "$NS_R" -6 route show cache)"
handshakes redirect "$PORT" 1 "$S6"
check_eq "redirect: the SYN leaving by the uplink reaches the server with 1432" \
	1432 "$(syn_mss redirect_srv v6)"
check_eq "redirect: the SYN-ACK coming in by the uplink reaches the LAN with 1432" \
	1432 "$(synack_mss redirect_cli v6)"
check_match "the redirect's exception is still there" \
	"^$S6 via fe80::2 dev eth-s" "$(ip -n "$NS_R" -6 route show cache)"

mod_unload_checked
