#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 05-dev: "dev wan" limits the clamp to packets whose input or output
# device is wan, and follows the name (docs/design.md, "Interfaces").
#
#   mc-client               mc-router                 mc-server
#   eth0 9000 ------- 9000 eth-c     wan 9000 ------- 9000 eth0
#                               dmz 9000
#                                  |
#                             9000 eth0  mc-dmz
#                 203.0.113.2/24, 2001:db8:4::2/64 (router .1, ::1)
#
# Every link is 9000, so SYNs and SYN-ACKs carry 8960 / 8940. With
# "set ipv4|ipv6 enable mtu 1500 dev wan":
#   - client -> server: the SYN leaving through wan arrives with 1460 / 1440,
#     the SYN-ACK arriving on wan reaches the client with 1460 / 1440;
#   - client -> dmz host: untouched both ways, and not counted;
#   - wan deleted: the name stays in the configuration; wan re-created with
#     the same name: clamped again;
#   - wan renamed to wan2: no longer clamped, not counted; renamed back to
#     wan: clamped again;
#   - only primary names count (as with iptables -o, nft oifname): the link
#     renamed to wan3 with "wan" as an alternative name, and the scope set
#     again while it is so: not clamped, not counted; the altname dropped
#     and the link named wan again: clamped.
#
# vm-timeout: 450
. "$(dirname "$0")/../lib/sh/scenario.sh"

PORT=8080
NS_D="mc-dmz"
D4=203.0.113.2 D6=2001:db8:4::2
RD4=203.0.113.1 RD6=2001:db8:4::1

jumbo_up
at_exit "[ ! -e /run/netns/$NS_D ] || ip netns delete $NS_D"

# The router's third leg, to the dmz host.
ns_new "$NS_D"
ip -n "$NS_R" link add dmz mtu 9000 type veth peer name eth0 mtu 9000 netns "$NS_D"
ip -n "$NS_R" -batch - <<EOF
link set dmz up
addr add $RD4/24 dev dmz
addr add $RD6/64 dev dmz nodad
EOF
end_host "$NS_D" "$D4" "$D6" "$RD4" "$RD6"

# wan_up: a new link named wan between the router and the server, in place
# of eth-s (the router's addresses and the server's are those of eth-s).
wan_up() {
	ip -n "$NS_R" link add wan mtu 9000 type veth peer name eth0 mtu 9000 \
		netns "$NS_S"
	ip -n "$NS_R" -batch - <<-EOF
	link set wan up
	addr add $G4/24 dev wan
	addr add $G6/64 dev wan nodad
	EOF
	ip -n "$NS_S" -batch - <<-EOF
	link set eth0 up
	addr add $S4/24 dev eth0
	addr add $S6/64 dev eth0 nodad
	route add default via $G4
	route add default via $G6
	EOF
	# A new eth0 in the server: capture there afresh.
	cap_start srv "$NS_S" eth0
}

# wan_rename OLD NEW: rename the router's server-side link (it must be down
# for that; IPv6 forgets its addresses then, so they are given back).
wan_rename() {
	ip -n "$NS_R" -batch - <<-EOF
	link set $1 down
	link set $1 name $2
	link set $2 up
	addr replace $G4/24 dev $2
	addr replace $G6/64 dev $2 nodad
	EOF
}

ip -n "$NS_R" link del eth-s	# takes the server's eth0 with it
wan_up
serve "$NS_S" "$PORT" 0
serve "$NS_D" "$PORT" 0
cap_start cli "$NS_C" eth0 dmz "$NS_D" eth0

ctl_set "$NS_R" set ipv4 enable mtu 1500 dev wan
ctl_set "$NS_R" set ipv6 enable mtu 1500 dev wan
check_eq "show: ipv4 dev is wan" wan "$(cfg "$NS_R" ipv4 dev)"
check_eq "show: ipv6 dev is wan" wan "$(cfg "$NS_R" ipv6 dev)"

# round TAG ADDR...: one connection from the client to each ADDR, seen by
# the captures at the client, the server and the dmz host (TAG_cli,
# TAG_srv, TAG_dmz); sets d4/d6 to what the counters moved by.
round() {
	local tag=$1 b4 b6 a4 a6
	shift
	stats2 "$NS_R"
	b4=$ST4 b6=$ST6
	cap_mark cli srv dmz
	check "$tag: the connections are established" \
		connect_n "$NS_C" "$PORT" 1 "$@"
	cap_cut "$tag" cli srv dmz
	stats2 "$NS_R"
	a4=$ST4 a6=$ST6
	d4=$(delta "$b4" "$a4")
	d6=$(delta "$b6" "$a6")
}

# clamped TAG: the connections to the server in round TAG crossed wan,
# listed: the SYN and the SYN-ACK were clamped.
clamped() {
	check_eq "$1: the SYN leaves through wan clamped (v4 1460)" \
		1460 "$(syn_mss "$1_srv" "$C4")"
	check_eq "$1: the SYN leaves through wan clamped (v6 1440)" \
		1440 "$(syn_mss "$1_srv" "$C6")"
	check_eq "$1: the SYN-ACK from wan reaches the client clamped (v4 1460)" \
		1460 "$(synack_mss "$1_cli" "$S4")"
	check_eq "$1: the SYN-ACK from wan reaches the client clamped (v6 1440)" \
		1440 "$(synack_mss "$1_cli" "$S6")"
}

# untouched TAG PEER DEST4 DEST6: the connections to DEST in round TAG did
# not cross a listed device: the SYN reached PEER's capture (srv or dmz)
# and the SYN-ACK the client's as they were sent.
untouched() {
	check_eq "$1: the SYN to $3 arrives untouched (8960)" \
		8960 "$(syn_mss "$1_$2" "$C4")"
	check_eq "$1: the SYN to $4 arrives untouched (8940)" \
		8940 "$(syn_mss "$1_$2" "$C6")"
	check_eq "$1: the SYN-ACK from $3 reaches the client untouched (8960)" \
		8960 "$(synack_mss "$1_cli" "$3")"
	check_eq "$1: the SYN-ACK from $4 reaches the client untouched (8940)" \
		8940 "$(synack_mss "$1_cli" "$4")"
}

one=$(vec syn=1 synack=1 clamped_syn=1 clamped_synack=1)

# --- wan listed: client -> server, client -> dmz ----------------------------------

round wan "$S4" "$S6" "$D4" "$D6"
clamped wan
untouched wan dmz "$D4" "$D6"
check_eq "wan: ipv4 counts the server's connection only" "$one" "$d4"
check_eq "wan: ipv6 counts the server's connection only" "$one" "$d6"

# --- wan deleted, then re-created with the same name -----------------------------

cap_stop srv	# its eth0 goes with wan
ip -n "$NS_R" link del wan
check_eq "wan deleted: show still lists wan (v4)" wan "$(cfg "$NS_R" ipv4 dev)"
check_eq "wan deleted: show still lists wan (v6)" wan "$(cfg "$NS_R" ipv6 dev)"
wan_up
round again "$S4" "$S6"
clamped again
check_eq "wan re-created: ipv4 counts again" "$one" "$d4"
check_eq "wan re-created: ipv6 counts again" "$one" "$d6"

# --- wan renamed away, and back --------------------------------------------------

wan_rename wan wan2
check_eq "renamed: show still lists wan" wan "$(cfg "$NS_R" ipv4 dev)"
round wan2 "$S4" "$S6"
untouched wan2 srv "$S4" "$S6"
check_eq "renamed to wan2: no ipv4 counter moves" "$(vec)" "$d4"
check_eq "renamed to wan2: no ipv6 counter moves" "$(vec)" "$d6"
wan_rename wan2 wan
round back "$S4" "$S6"
clamped back
check_eq "renamed back to wan: ipv4 counts again" "$one" "$d4"
check_eq "renamed back to wan: ipv6 counts again" "$one" "$d6"

# --- an alternative name is not the name ----------------------------------------

wan_rename wan wan3
ip -n "$NS_R" link property add dev wan3 altname wan
check_match "wan3 answers to wan too (altname)" "altname wan" \
	"$(ip -n "$NS_R" link show dev wan)"
# Resolved afresh while the altname exists: a set always resolves.
ctl_set "$NS_R" set ipv4 dev wan
ctl_set "$NS_R" set ipv6 dev wan
round altname "$S4" "$S6"
untouched altname srv "$S4" "$S6"
check_eq "altname wan on wan3: no ipv4 counter moves" "$(vec)" "$d4"
check_eq "altname wan on wan3: no ipv6 counter moves" "$(vec)" "$d6"
ip -n "$NS_R" link property del dev wan3 altname wan
wan_rename wan3 wan
round primary "$S4" "$S6"
clamped primary
check_eq "named wan again: ipv4 counts again" "$one" "$d4"
check_eq "named wan again: ipv6 counts again" "$one" "$d6"

mod_unload_checked
