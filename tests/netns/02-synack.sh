#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 02-synack: the SYN-ACK is clamped on its way back, and "syn off" /
# "synack off" switch each kind off on its own.
#
#   mc-client               mc-router                 mc-server
#   eth0 9000 ------- 9000 eth-c   eth-s 9000 ------- 9000 eth0
#   (tx/rx csum off)       (rx csum off)              (tx/rx csum off)
#
# Every link is 9000: the client's SYN carries MSS 8960 (IPv4) / 8940
# (IPv6) and so does the server's SYN-ACK. The router clamps to mtu 1500,
# overhead 0: 1460 / 1440.
#   - both on: the server receives 1460/1440 and the client receives a
#     SYN-ACK with 1460/1440 (the server sent 8960/8940);
#   - synack off (control): the client receives the jumbo SYN-ACK, the SYN
#     is still clamped, and the synack counters do not move;
#   - syn off: the server receives the jumbo SYN, the SYN-ACK is still
#     clamped, and the syn counters do not move.
# Checksum offload is off (transmit at both ends, receive everywhere), so
# the segments carry complete checksums that the capture verifies and that the
# receiving stacks check (nothing marks them verified on the way): the
# rewritten SYN and SYN-ACK must arrive with a correct checksum.
. "$(dirname "$0")/../lib/sh/scenario.sh"

PORT=8080

jumbo_up
c ethtool -K eth0 tx off rx off >/dev/null
s ethtool -K eth0 tx off rx off >/dev/null
r ethtool -K eth-c rx off >/dev/null
r ethtool -K eth-s rx off >/dev/null
serve "$NS_S" "$PORT" 0

ctl_set "$NS_R" set ipv4 enable mtu 1500
ctl_set "$NS_R" set ipv6 enable mtu 1500

# --- SYN and SYN-ACK clamped -------------------------------------------------

handshakes both "$PORT" 1 "$S4" "$S6"
check_eq "both: the client's SYN leaves with 8960 (v4)" 8960 "$(syn_mss both_cli v4)"
check_eq "both: the client's SYN leaves with 8940 (v6)" 8940 "$(syn_mss both_cli v6)"
check_eq "both: the server receives the SYN with 1460 (v4)" 1460 "$(syn_mss both_srv v4)"
check_eq "both: the server receives the SYN with 1440 (v6)" 1440 "$(syn_mss both_srv v6)"
check_eq "both: the server's SYN-ACK leaves with 8960 (v4)" 8960 "$(synack_mss both_srv v4)"
check_eq "both: the server's SYN-ACK leaves with 8940 (v6)" 8940 "$(synack_mss both_srv v6)"
check_eq "both: the client receives the SYN-ACK with 1460 (v4)" 1460 "$(synack_mss both_cli v4)"
check_eq "both: the client receives the SYN-ACK with 1440 (v6)" 1440 "$(synack_mss both_cli v6)"
check_eq "both: the clamped SYN's checksum is correct (v4)" correct "$(syn_cksum both_srv v4)"
check_eq "both: the clamped SYN's checksum is correct (v6)" correct "$(syn_cksum both_srv v6)"
check_eq "both: the clamped SYN-ACK's checksum is correct (v4)" correct "$(synack_cksum both_cli v4)"
check_eq "both: the clamped SYN-ACK's checksum is correct (v6)" correct "$(synack_cksum both_cli v6)"
stats2 "$NS_R"
a4=$ST4 a6=$ST6
check_eq "both: counters (v4)" "$(vec syn=1 synack=1 clamped_syn=1 clamped_synack=1)" "$a4"
check_eq "both: counters (v6)" "$(vec syn=1 synack=1 clamped_syn=1 clamped_synack=1)" "$a6"

# --- synack off: the control ---------------------------------------------------

ctl_set "$NS_R" set ipv4 synack off
ctl_set "$NS_R" set ipv6 synack off
check_eq "synack off: show says so (v4)" false "$(cfg "$NS_R" ipv4 synack)"
check_eq "synack off: show says so (v6)" false "$(cfg "$NS_R" ipv6 synack)"
stats2 "$NS_R"
b4=$ST4 b6=$ST6
handshakes nosa "$PORT" 1 "$S4" "$S6"
check_eq "synack off: the client receives the jumbo SYN-ACK (v4)" 8960 "$(synack_mss nosa_cli v4)"
check_eq "synack off: the client receives the jumbo SYN-ACK (v6)" 8940 "$(synack_mss nosa_cli v6)"
check_eq "synack off: the server still receives 1460 (v4)" 1460 "$(syn_mss nosa_srv v4)"
check_eq "synack off: the server still receives 1440 (v6)" 1440 "$(syn_mss nosa_srv v6)"
# A kind switched off is neither inspected nor counted.
check_moved "$NS_R" "$b4" "$b6" \
	"synack off: only the SYN counts (v4)" "syn=1 clamped_syn=1" \
	"synack off: only the SYN counts (v6)" "syn=1 clamped_syn=1"

# --- syn off -------------------------------------------------------------------

ctl_set "$NS_R" set ipv4 syn off synack on
ctl_set "$NS_R" set ipv6 syn off synack on
check_eq "syn off: show says so (v4)" "false true" \
	"$(cfg "$NS_R" ipv4 syn) $(cfg "$NS_R" ipv4 synack)"
check_eq "syn off: show says so (v6)" "false true" \
	"$(cfg "$NS_R" ipv6 syn) $(cfg "$NS_R" ipv6 synack)"
stats2 "$NS_R"
b4=$ST4 b6=$ST6
handshakes nosyn "$PORT" 1 "$S4" "$S6"
check_eq "syn off: the server receives the jumbo SYN (v4)" 8960 "$(syn_mss nosyn_srv v4)"
check_eq "syn off: the server receives the jumbo SYN (v6)" 8940 "$(syn_mss nosyn_srv v6)"
check_eq "syn off: the client still receives the SYN-ACK with 1460 (v4)" 1460 "$(synack_mss nosyn_cli v4)"
check_eq "syn off: the client still receives the SYN-ACK with 1440 (v6)" 1440 "$(synack_mss nosyn_cli v6)"
check_moved "$NS_R" "$b4" "$b6" \
	"syn off: only the SYN-ACK counts (v4)" "synack=1 clamped_synack=1" \
	"syn off: only the SYN-ACK counts (v6)" "synack=1 clamped_synack=1"

stats2 "$NS_R"
a4=$ST4 a6=$ST6
echo "# router counters ipv4: $ST4"
echo "# router counters ipv6: $ST6"
mod_unload_checked
