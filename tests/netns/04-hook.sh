#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 04-hook: "hook postrouting" also clamps the SYNs the router itself
# originates; "hook forward" (the default) clamps only forwarded ones.
#
#   mc-client               mc-router                 mc-server
#   eth0 9000 ------- 9000 eth-c   eth-s 9000 ------- 9000 eth0
#                   (connects to the server itself,
#                    from 198.51.100.1 / 2001:db8:2::1)
#
# The router's own SYN leaves eth-s with the MSS of that 9000-byte link
# (8960 / 8940), as does the client's forwarded SYN. Captured at the
# server and told apart by source address:
#   - postrouting (mtu 1500): both arrive clamped (1460 / 1440); the router's
#     own SYN counts, its SYN-ACK does not (that one goes to INPUT);
#   - forward (control): the router's own SYN arrives with 8960 / 8940 and
#     is not counted, the client's is still clamped.
. "$(dirname "$0")/../lib/sh/scenario.sh"

PORT=8080

jumbo_up
serve "$NS_S" "$PORT" 0
cap_start srv "$NS_S" eth0

# round TAG: the router's and the client's connections, both families,
# captured at the server as TAG_srv.
round() {
	cap_mark srv
	check "$1: the router's own connections are established" \
		connect_n "$NS_R" "$PORT" 1 "$S4" "$S6"
	check "$1: the client's connections are established" \
		connect_n "$NS_C" "$PORT" 1 "$S4" "$S6"
	cap_cut "$1" srv
}

# --- postrouting ---------------------------------------------------------------

ctl_set "$NS_R" set ipv4 enable mtu 1500 hook postrouting
ctl_set "$NS_R" set ipv6 enable mtu 1500 hook postrouting
check_eq "postrouting: show says so" "postrouting postrouting" \
	"$(cfg "$NS_R" ipv4 hook) $(cfg "$NS_R" ipv6 hook)"
stats2 "$NS_R"
b4=$ST4 b6=$ST6
round post
check_eq "postrouting: the router's own IPv4 SYN is clamped (1460)" \
	1460 "$(syn_mss post_srv "$G4")"
check_eq "postrouting: the router's own IPv6 SYN is clamped (1440)" \
	1440 "$(syn_mss post_srv "$G6")"
check_eq "postrouting: the client's IPv4 SYN is clamped (1460)" \
	1460 "$(syn_mss post_srv "$C4")"
check_eq "postrouting: the client's IPv6 SYN is clamped (1440)" \
	1440 "$(syn_mss post_srv "$C6")"
check_moved "$NS_R" "$b4" "$b6" \
	"postrouting: ipv4 counts two SYNs and the client's SYN-ACK" \
	"syn=2 synack=1 clamped_syn=2 clamped_synack=1" \
	"postrouting: ipv6 counts two SYNs and the client's SYN-ACK" \
	"syn=2 synack=1 clamped_syn=2 clamped_synack=1"

# --- forward: the control ------------------------------------------------------

ctl_set "$NS_R" set ipv4 hook forward
ctl_set "$NS_R" set ipv6 hook forward
check_eq "forward: show says so" "forward forward" \
	"$(cfg "$NS_R" ipv4 hook) $(cfg "$NS_R" ipv6 hook)"
stats2 "$NS_R"
b4=$ST4 b6=$ST6
round fwd
check_eq "forward: the router's own IPv4 SYN is not clamped (8960)" \
	8960 "$(syn_mss fwd_srv "$G4")"
check_eq "forward: the router's own IPv6 SYN is not clamped (8940)" \
	8940 "$(syn_mss fwd_srv "$G6")"
check_eq "forward: the client's IPv4 SYN is clamped (1460)" \
	1460 "$(syn_mss fwd_srv "$C4")"
check_eq "forward: the client's IPv6 SYN is clamped (1440)" \
	1440 "$(syn_mss fwd_srv "$C6")"
check_moved "$NS_R" "$b4" "$b6" \
	"forward: ipv4 counts only the client's SYN and SYN-ACK" \
	"syn=1 synack=1 clamped_syn=1 clamped_synack=1" \
	"forward: ipv6 counts only the client's SYN and SYN-ACK" \
	"syn=1 synack=1 clamped_syn=1 clamped_synack=1"

mod_unload_checked
