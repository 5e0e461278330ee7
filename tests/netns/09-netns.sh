#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 09-netns: configuration and counters are per network namespace, and
# "mssclampctl -n NS" works like "ip -n NS".
#
#   mc-client  --- mc-router  --- mc-server     ipv4 mtu 1500, ipv6 mtu 1500
#   mc-client2 --- mc-router2 --- mc-server2    ipv4 mtu 1400, ipv6 disabled
#
# Two copies of netns.sh's topology, every link 9000 (SYN and SYN-ACK carry
# 8960 / 8940), the same addresses in each. One connection per family in
# each:
#   - each router clamps to its own ceiling: server 1460 / 1440, server2
#     1360 / 8940 (untouched);
#   - each router's counters count its own packets only; the initial
#     namespace, where nothing is configured, counts nothing;
#   - "stats reset" and "set" in one router leave the other as it was;
#   - "-n NS" prints what "ip netns exec NS mssclampctl" prints, and an
#     unknown NS is an error;
#   - a namespace deleted while its families are enabled takes its state
#     with it; the other one and the module carry on.
. "$(dirname "$0")/../lib/sh/scenario.sh"

PORT=8080
C1=$NS_C R1=$NS_R S1=$NS_S
C2=mc-client2 R2=mc-router2 S2=mc-server2

check "insmod mssclamp.ko" mod_load

# The second topology first, under the second names; netns.sh's cleanup only
# knows the first ones.
NS_C=$C2 NS_R=$R2 NS_S=$S2
topo_up c=9000 rc=9000 rs=9000 s=9000
at_exit "for ns in $C2 $R2 $S2; do [ ! -e /run/netns/\$ns ] || ip netns delete \$ns; done"
NS_C=$C1 NS_R=$R1 NS_S=$S1
topo_up c=9000 rc=9000 rs=9000 s=9000
serve "$S1" "$PORT" 0
serve "$S2" "$PORT" 0

ctl_set "$R1" set ipv4 enable mtu 1500
ctl_set "$R1" set ipv6 enable mtu 1500
check "mssclampctl -n $R2 set ipv4 enable mtu 1400" \
	"$MSSCLAMPCTL" -n "$R2" set ipv4 enable mtu 1400
check_eq "$R1: ipv4 1460, ipv6 1440, both enabled" "1460 1440 true true" \
	"$(cfg "$R1" ipv4 mss) $(cfg "$R1" ipv6 mss) $(cfg "$R1" ipv4 enabled) $(cfg "$R1" ipv6 enabled)"
check_eq "$R2: ipv4 1360 enabled, ipv6 disabled" "1360 true false" \
	"$(cfg "$R2" ipv4 mss) $(cfg "$R2" ipv4 enabled) $(cfg "$R2" ipv6 enabled)"
check_eq "initial netns: both families disabled" "false false" \
	"$(cfg - ipv4 enabled) $(cfg - ipv6 enabled)"

# --- each router clamps to its own ceiling ---------------------------------------------

cap_start srv1 "$S1" eth0 srv2 "$S2" eth0
check "$C1: connections established" connect_n "$C1" "$PORT" 1 "$S4" "$S6"
check "$C2: connections established" connect_n "$C2" "$PORT" 1 "$S4" "$S6"
cap_stop srv1 srv2
check_eq "$S1 receives the IPv4 SYN with 1460" 1460 "$(syn_mss srv1 v4)"
check_eq "$S1 receives the IPv6 SYN with 1440" 1440 "$(syn_mss srv1 v6)"
check_eq "$S2 receives the IPv4 SYN with 1360" 1360 "$(syn_mss srv2 v4)"
check_eq "$S2 receives the IPv6 SYN untouched (8940)" 8940 "$(syn_mss srv2 v6)"

one=$(vec syn=1 synack=1 clamped_syn=1 clamped_synack=1)
check_eq "$R1: ipv4 counts its own connection" "$one" "$(counters "$R1" ipv4)"
check_eq "$R1: ipv6 counts its own connection" "$one" "$(counters "$R1" ipv6)"
check_eq "$R2: ipv4 counts its own connection" "$one" "$(counters "$R2" ipv4)"
check_eq "$R2: ipv6 (disabled) counts nothing" "$(vec)" "$(counters "$R2" ipv6)"
check_eq "initial netns: ipv4 counts nothing" "$(vec)" "$(counters - ipv4)"
check_eq "initial netns: ipv6 counts nothing" "$(vec)" "$(counters - ipv6)"

# --- -n NS works like ip -n ------------------------------------------------------------

for args in "-j show" "show ipv4" "-j stats"; do
	# shellcheck disable=SC2086 # $args is words
	check_eq "-n $R2 $args prints what ip netns exec $R2 prints" \
		"$(ip netns exec "$R2" "$MSSCLAMPCTL" $args 2>&1)" \
		"$("$MSSCLAMPCTL" -n "$R2" $args 2>&1)"
done
flat=$("$MSSCLAMPCTL" -n "$R2" -j show | json_flat)
check_match "-n $R2 -j show: ipv4 mss 1360" '^ipv4\.mss=1360$' "$flat"
check_match "-n $R2 -j show: ipv6 disabled" '^ipv6\.enabled=false$' "$flat"
rc=0
"$MSSCLAMPCTL" -n mc-nosuchns show >"$WORK/out" 2>"$WORK/err" || rc=$?
echo "# -n mc-nosuchns show: exit status $rc, stderr: $(cat "$WORK/err")"
check_not "-n with an unknown namespace fails" test "$rc" = 0
check_eq "-n with an unknown namespace: one line on stderr, nothing on stdout" "1 0" \
	"$(awk 'END { print NR }' "$WORK/err") $(awk 'END { print NR }' "$WORK/out")"

# --- one router's changes leave the other alone -----------------------------------------

show2=$(ctl "$R2" -j show)
stats2=$(ctl "$R2" -j stats)
ctl_set "$R1" stats reset
check_eq "$R1: stats reset zeroes its ipv4" "$(vec)" "$(counters "$R1" ipv4)"
check_eq "$R2: its counters are untouched by $R1's reset" "$stats2" "$(ctl "$R2" -j stats)"
ctl_set "$R1" set ipv4 mtu 1300 overhead 20 hook postrouting
ctl_set "$R1" set ipv6 disable
check_eq "$R2: its configuration is untouched by $R1's set" "$show2" "$(ctl "$R2" -j show)"
show1=$(ctl "$R1" -j show)
check "mssclampctl -n $R2 set ipv6 enable mtu 1280" \
	"$MSSCLAMPCTL" -n "$R2" set ipv6 enable mtu 1280
check_eq "$R1: its configuration is untouched by $R2's set" "$show1" "$(ctl "$R1" -j show)"

# --- a namespace goes away while enabled --------------------------------------------------

ip netns delete "$R2"
check_eq "$R1 is still configured after $R2 went away" "$show1" "$(ctl "$R1" -j show)"
check "$C1: connections still established through $R1" connect_n "$C1" "$PORT" 1 "$S4"
check_eq "$R1 still counts" "$(vec syn=1 synack=1 clamped_syn=1 clamped_synack=1)" \
	"$(counters "$R1" ipv4)"

mod_unload_checked
