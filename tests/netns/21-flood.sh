#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 21-flood: a bounded random-garbage flood through the router, then a
# normal connection is still forwarded and clamped.
#
#   mc-client                mc-router                  mc-server
#   eth0 ---------------- eth-c     eth-s ---------------- eth0
#   flood garbage                    |                     nft netdev ingress
#                       198.51.100.99, 2001:db8:2::99 (the "sink"): a
#                       permanent neighbour with a documentation MAC that
#                       nobody owns; the server's stack drops such frames
#                       unseen. A counter in the server's netdev ingress
#                       hook counts the frames that reach it.
#
# tests/netns/flood.c (built here) sends seeded random frames, both
# families: random TCP headers and options (SYN set in most; valid option
# lists, Linux-like ones with a byte damaged, random bytes; data offsets
# mostly right), random IPv6 extension-header chains (Hop-by-Hop, Routing,
# Fragment, Destination Options, AH; some truncated), random IPv4 and IPv6
# fragments, IPv4 options, lying length fields, cut segments.
#
#   1. the flood with the module loaded and both families disabled (the
#      control), then the same frames (same seed) with both enabled (mtu
#      1280): exactly as many frames and bytes reach the sink (the clamp
#      drops nothing and changes no length); the counters add up per
#      family: syn + synack = clamped_syn + clamped_synack + unchanged +
#      no_mss + malformed + errors, and the flood reached every outcome
#      (clamped, unchanged, no_mss, malformed, fragments);
#   2. (long form only) a third flood, other seed, at hook postrouting with
#      pmtu on: the counters add up again;
#   3. afterwards a real connection per family: the server sees the SYN
#      clamped (1240 / 1220), the client the SYN-ACK clamped; the counters
#      move by exactly those.
# The VM harness fails the run on any kernel splat.
#
# Sizes: MSSCLAMP_FLOOD frames per flood (default 200000; 1000000 with
# MSSCLAMP_LONG=1, the long form; 10000 with MSSCLAMP_SHORT=1, the short
# form make check-debug runs); MSSCLAMP_SEED picks the seed (default:
# random, printed).
. "$(dirname "$0")/../lib/sh/scenario.sh"

PORT=8080
if [ "${MSSCLAMP_LONG:-0}" = 1 ]; then
	N=${MSSCLAMP_FLOOD:-1000000}
elif [ "${MSSCLAMP_SHORT:-0}" = 1 ]; then
	N=${MSSCLAMP_FLOOD:-10000}
else
	N=${MSSCLAMP_FLOOD:-200000}
fi
SEED=${MSSCLAMP_SEED:-$((RANDOM * 32768 + RANDOM))}
echo "# $N frames per flood, seed $SEED (MSSCLAMP_SEED=$SEED repeats it)"

flood_build
check "insmod mssclamp.ko" mod_load
topo_up
sink_up
s nft -f - <<-EOF
	table netdev sink {
		chain in {
			type filter hook ingress device eth0 priority 0;
			ether daddr $SINKMAC counter
		}
	}
EOF
RMAC=$(ip -n "$NS_R" -br link show eth-c | awk '{ print $3 }')

# sink_count: "PACKETS BYTES" the sink counter saw so far.
sink_count() {
	s nft list chain netdev sink in |
		awk '/counter packets/ { print $(NF - 2), $NF }'
}

# flood SEED COUNT: the garbage flood from the client; prints its figures.
flood() {
	c "$FLOOD" garbage eth0 "$RMAC" "$C4" "$K4" "$C6" "$K6" "$1" "$2"
}

# sum_ok LINE: the outcomes of a "counters" line add up to syn + synack.
sum_ok() {
	local l=$1
	[ $(($(kv "$l" syn) + $(kv "$l" synack))) = \
		$(($(kv "$l" clamped_syn) + $(kv "$l" clamped_synack) + \
		$(kv "$l" unchanged) + $(kv "$l" no_mss) + $(kv "$l" malformed) + \
		$(kv "$l" errors))) ]
}

# all_positive LINE KEY...: every KEY is above 0.
all_positive() {
	local l=$1 k
	shift
	for k in "$@"; do
		[ "$(kv "$l" "$k")" -gt 0 ] || return 1
	done
}

# --- 1. control and clamp, same frames --------------------------------------------

s0=$(sink_count)
t0=$SECONDS
f0=$(flood "$SEED" "$N")
t1=$SECONDS
s1=$(sink_count)
echo "# control flood: $f0 (${s1% *} frames reached the sink, $((t1 - t0)) s)"
stats2 "$NS_R"
check_eq "control (families disabled): no counter moves (ipv4)" "$(vec)" "$ST4"
check_eq "control (families disabled): no counter moves (ipv6)" "$(vec)" "$ST6"

ctl_set "$NS_R" set ipv4 enable mtu 1280
ctl_set "$NS_R" set ipv6 enable mtu 1280
t2=$SECONDS
f1=$(flood "$SEED" "$N")
t3=$SECONDS
s2=$(sink_count)
echo "# clamp flood: $f1 ($((t3 - t2)) s)"
c_pk=$((${s1% *} - ${s0% *})) c_by=$((${s1#* } - ${s0#* }))
e_pk=$((${s2% *} - ${s1% *})) e_by=$((${s2#* } - ${s1#* }))
echo "# sink: control $c_pk frames $c_by bytes, clamp $e_pk frames $e_by bytes"
check_eq "the generator sent all $N frames" "${f0% seconds*}" "${f1% seconds*}"
check_match "the flood sent $N frames without error" \
	"^frames $N .* sent $N errors 0 " "$f1"
check_eq "the clamp forwards as many frames as the control ($N sent)" \
	"$c_pk" "$e_pk"
check_eq "the clamp forwards as many bytes as the control" "$c_by" "$e_by"
check "most frames reached the sink" [ "$c_pk" -gt $((N / 2)) ]
stats2 "$NS_R"
echo "# flood counters ipv4: $ST4"
echo "# flood counters ipv6: $ST6"
check "ipv4: syn + synack = the sum of the outcomes" sum_ok "$ST4"
check "ipv6: syn + synack = the sum of the outcomes" sum_ok "$ST6"
for fam in 4 6; do
	eval "l=\$ST$fam"
	check "ipv$fam: the flood reached every outcome (clamped, unchanged, no_mss, malformed, fragments)" \
		all_positive "$l" clamped_syn clamped_synack unchanged no_mss \
		malformed fragments
	check_eq "ipv$fam: no errors" 0 "$(kv "$l" errors)"
done

# --- 2. post-routing, pmtu (long form only) ---------------------------------------------

t4=$SECONDS t5=$SECONDS f2=
if [ "${MSSCLAMP_LONG:-0}" = 1 ]; then
	ctl_set "$NS_R" set ipv4 hook postrouting pmtu on
	ctl_set "$NS_R" set ipv6 hook postrouting pmtu on
	ctl_set "$NS_R" stats reset
	f2=$(flood $((SEED + 1)) "$N")
	t5=$SECONDS
	echo "# postrouting flood: $f2 ($((t5 - t4)) s)"
	stats2 "$NS_R"
	echo "# postrouting counters ipv4: $ST4"
	echo "# postrouting counters ipv6: $ST6"
	check "postrouting, pmtu on: ipv4 outcomes add up" sum_ok "$ST4"
	check "postrouting, pmtu on: ipv6 outcomes add up" sum_ok "$ST6"
	check "postrouting, pmtu on: ipv4 saw the flood (syn, clamped_syn > 0)" \
		all_positive "$ST4" syn clamped_syn
	check "postrouting, pmtu on: ipv6 saw the flood (syn, clamped_syn > 0)" \
		all_positive "$ST6" syn clamped_syn
	ctl_set "$NS_R" set ipv4 hook forward pmtu off
	ctl_set "$NS_R" set ipv6 hook forward pmtu off
else
	echo "# the postrouting flood runs in the long form only (MSSCLAMP_LONG=1)"
fi

# --- 3. a real connection afterwards --------------------------------------------

stats2 "$NS_R"
c4=$ST4 c6=$ST6
serve "$NS_S" "$PORT" 0
handshakes after "$PORT" 1 "$S4" "$S6"
check_eq "after the flood: the server receives the SYN clamped (v4 1240)" \
	1240 "$(syn_mss after_srv v4)"
check_eq "after the flood: the server receives the SYN clamped (v6 1220)" \
	1220 "$(syn_mss after_srv v6)"
check_eq "after the flood: the client receives the SYN-ACK clamped (v4 1240)" \
	1240 "$(synack_mss after_cli v4)"
check_eq "after the flood: the client receives the SYN-ACK clamped (v6 1220)" \
	1220 "$(synack_mss after_cli v6)"
check_moved "$NS_R" "$c4" "$c6" \
	"after the flood: ipv4 counts the connection exactly" \
	"syn=1 synack=1 clamped_syn=1 clamped_synack=1" \
	"after the flood: ipv6 counts the connection exactly" \
	"syn=1 synack=1 clamped_syn=1 clamped_synack=1"
nf=$((2 * N))
[ -z "$f2" ] || nf=$((3 * N))
echo "# figures: $nf frames flooded ($((nf / N)) floods of $N), seed $SEED," \
	"control/clamp $((t1 - t0))/$((t3 - t2)) s, postrouting $((t5 - t4)) s"

mod_unload_checked
