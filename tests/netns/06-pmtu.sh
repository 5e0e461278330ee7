#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 06-pmtu: "pmtu on" lowers the ceiling to what the MTU of the route the
# packet leaves by allows; never above the fixed ceiling, never below the
# floor.
#
#   mc-client               mc-router                 mc-server
#   eth0 9000 ------- 9000 eth-c   eth-s 9000 ------- 9000 eth0
#                    route to 198.51.100.0/24 and 2001:db8:2::/64
#                    via eth-s with "mtu 1400" (then 552 / 1280)
#
# Every link is 9000 (SYN and SYN-ACK carry 8960 / 8940); the router
# clamps to mtu 1500 (1460 / 1440) and its routes towards the server say
# mtu 1400:
#   - pmtu off (control): the server receives 1460 / 1440, the route's MTU
#     changes nothing;
#   - pmtu on: the server receives 1400 - 40 = 1360 / 1400 - 60 = 1340; the
#     SYN-ACK, leaving by the 9000-byte route to the client, reaches the
#     client with the fixed ceiling 1460 / 1440 (not raised);
#   - floor: a route mtu of 552 gives 536 (552 - 40 = 512 is below the IPv4
#     floor); for IPv6, overhead 20 and a route mtu of 1280 give 1220
#     (1280 - 60 - 20 = 1200 is below the IPv6 floor).
set -eu
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/clamp_lib.sh
. "$(dirname "$0")/clamp_lib.sh"

PORT=8080

check "insmod mssclamp.ko" mod_load
topo_up c=9000 rc=9000 rs=9000 s=9000
serve "$NS_S" "$PORT" 0

# route_mtu V4MTU V6MTU: the router's routes to the server's prefix.
route_mtu() {
	ip -n "$NS_R" route replace 198.51.100.0/24 dev eth-s mtu "$1"
	ip -n "$NS_R" -6 route replace 2001:db8:2::/64 dev eth-s metric 256 mtu "$2"
}

ctl_set "$NS_R" set ipv4 enable mtu 1500
ctl_set "$NS_R" set ipv6 enable mtu 1500
route_mtu 1400 1400
check_match "the router's route to the server has mtu 1400 (v4)" 'mtu 1400' \
	"$(ip -n "$NS_R" route get "$S4")"
check_match "the router's route to the server has mtu 1400 (v6)" 'mtu 1400' \
	"$(ip -n "$NS_R" route get "$S6")"

# --- pmtu off: the control -----------------------------------------------------

check_eq "show: pmtu off by default" "false false" \
	"$(cfg "$NS_R" ipv4 pmtu) $(cfg "$NS_R" ipv6 pmtu)"
handshakes off "$PORT" 1 "$S4" "$S6"
check_eq "pmtu off: the server receives the fixed ceiling (v4 1460)" 1460 "$(syn_mss off_srv v4)"
check_eq "pmtu off: the server receives the fixed ceiling (v6 1440)" 1440 "$(syn_mss off_srv v6)"

# --- pmtu on -------------------------------------------------------------------

ctl_set "$NS_R" set ipv4 pmtu on
ctl_set "$NS_R" set ipv6 pmtu on
check_eq "show: pmtu on" "true true" "$(cfg "$NS_R" ipv4 pmtu) $(cfg "$NS_R" ipv6 pmtu)"
handshakes on "$PORT" 1 "$S4" "$S6"
check_eq "pmtu on: the server receives 1400 - 40 (v4 1360)" 1360 "$(syn_mss on_srv v4)"
check_eq "pmtu on: the server receives 1400 - 60 (v6 1340)" 1340 "$(syn_mss on_srv v6)"
check_eq "pmtu on: the SYN-ACK by the 9000 route keeps the fixed ceiling (v4 1460)" \
	1460 "$(synack_mss on_cli v4)"
check_eq "pmtu on: the SYN-ACK by the 9000 route keeps the fixed ceiling (v6 1440)" \
	1440 "$(synack_mss on_cli v6)"

# --- the floor -----------------------------------------------------------------

ctl_set "$NS_R" set ipv6 overhead 20
route_mtu 552 1280
handshakes floor "$PORT" 1 "$S4" "$S6"
check_eq "pmtu on, route mtu 552: the server receives the IPv4 floor 536" \
	536 "$(syn_mss floor_srv v4)"
check_eq "pmtu on, route mtu 1280, overhead 20: the server receives the IPv6 floor 1220" \
	1220 "$(syn_mss floor_srv v6)"

mod_unload_checked
