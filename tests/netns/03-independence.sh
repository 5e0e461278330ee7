#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 03-independence: IPv4 and IPv6 are configured and counted apart (the
# field note found an edge platform where the v4 clamp worked and the v6 one
# did not; here each must work, and only when asked).
#
#   mc-client               mc-router                 mc-server
#   eth0 9000 ------- 9000 eth-c   eth-s 9000 ------- 9000 eth0
#
# Client SYNs carry 8960 (IPv4) / 8940 (IPv6), as do the server's SYN-ACKs.
#   1. only ipv6 enabled (mtu 1500): the IPv4 SYN reaches the server with
#      8960, the IPv6 one with 1440; every ipv4 counter stays 0 while ipv6
#      counts the SYN and the SYN-ACK.
#   2. the reverse (ipv6 disabled, ipv4 enabled): IPv6 passes with 8940,
#      IPv4 is clamped to 1460; the ipv6 counters do not move from where
#      step 1 left them, ipv4 counts.
. "$(dirname "$0")/../lib/sh/scenario.sh"

PORT=8080

jumbo_up
serve "$NS_S" "$PORT" 0

# --- only IPv6 ---------------------------------------------------------------

ctl_set "$NS_R" set ipv6 enable mtu 1500
check_eq "v6 only: show ipv4 disabled, ipv6 enabled" "false true" \
	"$(cfg "$NS_R" ipv4 enabled) $(cfg "$NS_R" ipv6 enabled)"
handshakes v6only "$PORT" 1 "$S4" "$S6"
check_eq "v6 only: the IPv4 SYN reaches the server untouched (8960)" \
	8960 "$(syn_mss v6only_srv v4)"
check_eq "v6 only: the IPv4 SYN-ACK reaches the client untouched (8960)" \
	8960 "$(synack_mss v6only_cli v4)"
check_eq "v6 only: the IPv6 SYN reaches the server clamped (1440)" \
	1440 "$(syn_mss v6only_srv v6)"
check_eq "v6 only: the IPv6 SYN-ACK reaches the client clamped (1440)" \
	1440 "$(synack_mss v6only_cli v6)"
stats2 "$NS_R"
v4=$ST4 v6=$ST6
check_eq "v6 only: every ipv4 counter is 0" "$(vec)" "$v4"
check_eq "v6 only: ipv6 counts the SYN and the SYN-ACK" \
	"$(vec syn=1 synack=1 clamped_syn=1 clamped_synack=1)" "$v6"

# --- only IPv4 ---------------------------------------------------------------

ctl_set "$NS_R" set ipv6 disable
ctl_set "$NS_R" set ipv4 enable mtu 1500
check_eq "v4 only: show ipv4 enabled, ipv6 disabled" "true false" \
	"$(cfg "$NS_R" ipv4 enabled) $(cfg "$NS_R" ipv6 enabled)"
handshakes v4only "$PORT" 1 "$S4" "$S6"
check_eq "v4 only: the IPv6 SYN reaches the server untouched (8940)" \
	8940 "$(syn_mss v4only_srv v6)"
check_eq "v4 only: the IPv6 SYN-ACK reaches the client untouched (8940)" \
	8940 "$(synack_mss v4only_cli v6)"
check_eq "v4 only: the IPv4 SYN reaches the server clamped (1460)" \
	1460 "$(syn_mss v4only_srv v4)"
check_eq "v4 only: the IPv4 SYN-ACK reaches the client clamped (1460)" \
	1460 "$(synack_mss v4only_cli v4)"
stats2 "$NS_R"
a4=$ST4 a6=$ST6
check_eq "v4 only: the ipv6 counters do not move" \
	"$(vec)" "$(delta "$v6" "$a6")"
check_eq "v4 only: ipv4 counts the SYN and the SYN-ACK" \
	"$(vec syn=1 synack=1 clamped_syn=1 clamped_synack=1)" \
	"$(delta "$v4" "$a4")"

mod_unload_checked
