#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 23-teardown: the clamp torn down while the fastest SYN flood the VM can
# send crosses it, in both families: module unload/load cycles, router
# namespaces deleted, enable/disable and hook-point flips, counters read
# and reset. What it looks for is a CPU inside mssclamp_hook_v4/v6() while
# another CPU unregisters the hook and frees what the hook reads: it needs
# SMP >= 2 to find it, and a kernel that reports a use-after-free (make
# check-debug: KASAN, lockdep, 2 vCPUs). On Debian's kernels with 1 vCPU
# it runs every step all the same (no splat, every change accepted, the
# counters consistent).
#
#   mc-client                 mc-router                  mc-server
#   eth0 ----------------- eth-c      eth-s ------------- eth0
#     flood: SYNs (MSS 536..9000) to the sink behind eth-s (198.51.100.99,
#     2001:db8:2::99, a neighbour nobody owns)
#   eth-side ------------- mc-side (a router created and deleted, twice)
#   mc-keep: an nft base chain on forward and postrouting, so that the
#     netfilter core's static keys never flip while packets flow (under
#     TCG, code patching on one vCPU while another runs it crashed a guest;
#     docs/testing.md).
#
#   1. wire.py teardown: CYCLES rmmod/insmod cycles, each after this load's
#      hooks clamped the flood (forward, then postrouting); FLIPS changes;
#      READS reads of both families' counters, a reset every tenth: every
#      read adds up (syn + synack = the sum of the outcomes).
#   2. SIDES router namespaces with the clamp on, flooded, deleted under
#      the flood.
#   3. The flood stops: a reset, then one connection per family counts
#      exactly one SYN and one SYN-ACK.
#   4. The router namespace itself deleted under the flood; the module
#      unloads with refcnt 0.
#
# Sizes (MSSCLAMP_LONG=1 for the long form; MSSCLAMP_SHORT=1, what make
# check-debug runs, the short one): CYCLES 30 (300; 10), FLIPS 400 (4000;
# 150), READS 300 (3000; 100), SIDES 2 (20; 2).
. "$(dirname "$0")/../lib/sh/scenario.sh"

if [ "${MSSCLAMP_LONG:-0}" = 1 ]; then
	CYCLES=300 FLIPS=4000 READS=3000 SIDES=20
elif [ "${MSSCLAMP_SHORT:-0}" = 1 ]; then
	CYCLES=10 FLIPS=150 READS=100 SIDES=2
else
	CYCLES=30 FLIPS=400 READS=300 SIDES=2
fi
SEED=${MSSCLAMP_SEED:-$((RANDOM * 32768 + RANDOM))}
# As fast as the sender goes where there is a CPU for the rest; on one
# vCPU an unpaced sender would starve the steps it is there to race.
if [ "$(nproc)" -ge 2 ]; then PPS=1000000; else PPS=5000; fi
NS_K="mc-keep"
PORT=8080
echo "# cpus $(nproc), module cycles $CYCLES, changes $FLIPS, reads $READS, side routers $SIDES, seed $SEED"

WIRE=$NETNS_DIR/wire.py
flood_build

at_exit "ip netns delete $NS_K 2>/dev/null; ip netns delete $NS_SIDE 2>/dev/null"
ns_new "$NS_K"
ip netns exec "$NS_K" nft -f - <<-'EOF'
	table inet keep {
		chain fw { type filter hook forward priority 0; policy accept; }
		chain post { type filter hook postrouting priority 0; policy accept; }
	}
EOF
check "insmod mssclamp.ko" mod_load
topo_up
sink_up
RMAC=$(ip -n "$NS_R" -br link show eth-c | awk '{ print $3 }')
serve "$NS_S" "$PORT" 0

# flood_start TAG: the flood from the client to the sink, in the background.
flood_start() {
	# ip netns exec execs the command: $! is the flood itself.
	ip netns exec "$NS_C" "$FLOOD" syn eth0 "$RMAC" "$C4" "$K4" "$C6" "$K6" \
		"$SEED" "$PPS" 0 >"$WORK/flood-$1.out" &
	flood_pid=$!
}

flood_stop() {
	kill -INT "$flood_pid" 2>/dev/null || true
	wait "$flood_pid" || true
	echo "# flood $1: $(cat "$WORK/flood-$1.out")"
}

# --- 1. module cycles, flips and reads under the flood ------------------------

t1=$SECONDS
flood_start A
check "teardown under the flood: $CYCLES module cycles, $FLIPS changes, $READS reads" \
	env NS_R="$NS_R" MSSCLAMP_KO="$MSSCLAMP_KO" CYCLES="$CYCLES" \
	FLIPS="$FLIPS" READS="$READS" "$PY" -S "$WIRE" teardown "$WORK/teardown"
wire_cases "$WORK/teardown"
t1=$((SECONDS - t1))

# --- 2. router namespaces deleted under the flood ------------------------------

t2=$SECONDS
for ((i = 1; i <= SIDES; i++)); do
	check "side router $i: clamps the flood and is deleted under it" \
		side_cycle $((SEED + i)) "$PPS"
done
flood_stop A
t2=$((SECONDS - t2))

# --- 3. quiet: a reset is exact -------------------------------------------------

ctl_set "$NS_R" set ipv4 enable mtu 1400 hook forward
ctl_set "$NS_R" set ipv6 enable mtu 1400 hook forward
ctl_set "$NS_R" stats reset
check_eq "after the reset: ipv4 counters all 0" "$(vec)" "$(counters "$NS_R" ipv4)"
check_eq "after the reset: ipv6 counters all 0" "$(vec)" "$(counters "$NS_R" ipv6)"
check "a connection per family" connect_n "$NS_C" "$PORT" 1 "$S4" "$S6"
one=$(vec syn=1 synack=1 clamped_syn=1 clamped_synack=1)
check_eq "ipv4 counts exactly that connection" "$one" "$(counters "$NS_R" ipv4)"
check_eq "ipv6 counts exactly that connection" "$one" "$(counters "$NS_R" ipv6)"

# --- 4. the router namespace deleted under the flood ----------------------------

flood_start C
sleep 1
check "the router clamps the flood before it goes (ipv4, ipv6)" \
	[ "$(counter "$NS_R" ipv4 clamped_syn)" -gt 0 \
	-a "$(counter "$NS_R" ipv6 clamped_syn)" -gt 0 ]
check "ip netns delete $NS_R under the flood" ip netns delete "$NS_R"
flood_stop C
sleep 1
check_eq "module refcnt back to 0" 0 "$(val /sys/module/mssclamp/refcnt)"
mod_unload_checked
echo "# figures: $CYCLES module cycles, $FLIPS changes, $READS reads in ${t1} s;" \
	"$SIDES side routers in ${t2} s"
