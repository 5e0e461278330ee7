#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 22-churn: configuration changes, module unload/load cycles, namespaces
# deleted and interfaces moved while a SYN flood and real connections run
# through the router, in both families: no splat (the VM harness checks
# the kernel log), nothing leaks, every connection delivers intact data.
#
#   mc-client                  mc-router                    mc-server
#   eth0 ------------------ eth-c       eth-s ------------------ eth0
#   eth-m ----------------- eth-m  (moved to mc-spare and back)
#   eth-side -------------- (mc-side, a router created and deleted)
#
# Checksum offload is off on the endpoints (tx: the stacks compute every
# checksum in software) and on every receiving end (rx: veth does not vouch
# for them), so the server's and the client's TCP verify every checksum,
# the clamped SYNs' and SYN-ACKs' included, and count failures in
# InCsumErrors.
#
#   A. Under load: flood.c sends SYNs (MSS 536 to 9000, both families) to
#      the sink behind the router (a permanent neighbour nobody owns), and
#      wire.py fetchloop fetches 100 kB from the server in turn over IPv4
#      and IPv6, checking every byte. Meanwhile wire.py churn (netlink, one
#      process) makes FLIPS random configuration changes on the router
#      (enable/disable, mtu, overhead, hook, pmtu, syn/synack, dev list;
#      valid and out-of-range values), CYCLES rmmod/insmod cycles spread
#      among them (module refcnt 0 before each), and MOVES moves of eth-m
#      between the router and mc-spare (both list it in their dev list).
#      Then SIDES times: a router namespace mc-side is built, the clamp
#      enabled in it, a SYN flood sent through it (it clamps), and the
#      namespace deleted while the flood runs.
#      Checks: every change accepted or rejected with EINVAL; the cycles
#      and moves done; every connection completed with all its bytes
#      intact (none failed), in both families; no TCP checksum error at
#      either end.
#   B. Quiet: wire.py leak runs LEAK module cycles (the clamp enabled in
#      every namespace each time) and compares memory before and after
#      (see wire.py: 512- and 256-byte kmalloc objects, SUnreclaim,
#      VmallocUsed, Percpu), then traces the allocations of a few more
#      cycles: the module frees all it allocates.
#   C. The router namespace itself, clamp enabled, is deleted under the
#      SYN flood; the module then unloads (refcnt 0).
#
# Sizes, default (long form: MSSCLAMP_LONG=1; short form, what make
# check-debug runs: MSSCLAMP_SHORT=1): FLIPS 1000 (5000; 300), CYCLES 100
# (500; 20), MOVES 20 (100; 5), SIDES 1 (10; 0: 23-teardown deletes side
# routers under a flood too), LEAK 20 (100; 10), TRACED 3 (10; 2).
. "$(dirname "$0")/../lib/sh/scenario.sh"

if [ "${MSSCLAMP_LONG:-0}" = 1 ]; then
	FLIPS=5000 CYCLES=500 MOVES=100 SIDES=10 LEAK=100 TRACED=10
elif [ "${MSSCLAMP_SHORT:-0}" = 1 ]; then
	FLIPS=300 CYCLES=20 MOVES=5 SIDES=0 LEAK=10 TRACED=2
else
	FLIPS=1000 CYCLES=100 MOVES=20 SIDES=1 LEAK=20 TRACED=3
fi
SEED=${MSSCLAMP_SEED:-$((RANDOM * 32768 + RANDOM))}
echo "# flips $FLIPS, module cycles $CYCLES, moves $MOVES, side namespaces $SIDES, quiet cycles $LEAK, seed $SEED"

NS_SP="mc-spare"
PORT=8080
NBYTES=100000
PPS=500

WIRE=$NETNS_DIR/wire.py
flood_build

at_exit "ip netns delete $NS_SP 2>/dev/null; ip netns delete $NS_SIDE 2>/dev/null"
check "insmod mssclamp.ko" mod_load
topo_up
ns_new "$NS_SP"
ip -n "$NS_R" -batch - <<-EOF
	link add eth-m type veth peer name eth-m netns $NS_C
	link set eth-m up
EOF
sink_up
c ethtool -K eth0 tx off rx off >/dev/null
s ethtool -K eth0 tx off rx off >/dev/null
r ethtool -K eth-c rx off >/dev/null
r ethtool -K eth-s rx off >/dev/null
RMAC=$(ip -n "$NS_R" -br link show eth-c | awk '{ print $3 }')
serve "$NS_S" "$PORT" "$NBYTES"

# tcp_csum_errors NS: TCP's InCsumErrors in NS.
tcp_csum_errors() {
	# shellcheck disable=SC2016 # awk code
	ip netns exec "$1" awk '$1 == "Tcp:" && !h { for (i = 2; i <= NF; i++) \
		col[$i] = i; h = 1; next } $1 == "Tcp:" { print $col["InCsumErrors"] }' \
		/proc/net/snmp
}

# loads_start TAG: the SYN flood and the fetch loop, in the background.
loads_start() {
	rm -f "$WORK/stop"
	# ip netns exec execs the command: $! is the flood itself.
	ip netns exec "$NS_C" "$FLOOD" syn eth0 "$RMAC" "$C4" "$K4" "$C6" "$K6" \
		"$SEED" "$PPS" 0 >"$WORK/flood-$1.out" &
	flood_pid=$!
	ip netns exec "$NS_C" "$PY" -S "$WIRE" fetchloop "$WORK/fetch-$1" \
		"$WORK/stop" "$PORT" "$NBYTES" "$S4" "$S6" &
	fetch_pid=$!
}

# loads_stop: stop both, wait for them.
loads_stop() {
	touch "$WORK/stop"
	kill -INT "$flood_pid" 2>/dev/null || true
	wait "$flood_pid" || true
	wait "$fetch_pid" || true
}

# fetch_ok TAG FAMILY-ADDR: the fetch loop completed connections to ADDR
# and none failed.
fetch_ok() {
	awk -v a="$2" '$1 == a { ok = $2; bad = $3 } END { exit !(ok > 0 && bad == 0) }' \
		"$WORK/fetch-$1"
}

# --- A. under load -------------------------------------------------------------------

ctl_set "$NS_R" set ipv4 enable mtu 1400 dev eth-c,eth-m
ctl_set "$NS_R" set ipv6 enable mtu 1400 dev eth-c,eth-m
e0c=$(tcp_csum_errors "$NS_C") e0s=$(tcp_csum_errors "$NS_S")
tA=$SECONDS
loads_start A
sleep 1
check "churn under load: $FLIPS changes, $CYCLES module cycles, $MOVES moves" \
	env NS_R="$NS_R" NS_SPARE="$NS_SP" FLIPS="$FLIPS" CYCLES="$CYCLES" \
	MOVES="$MOVES" SEED="$SEED" MSSCLAMP_KO="$MSSCLAMP_KO" MOVEDEV=eth-m \
	BASE_DEVS=eth-c,eth-m MTU4=1400 MTU6=1400 \
	"$PY" -S "$WIRE" churn "$WORK/churn"
wire_cases "$WORK/churn"
tS=$SECONDS

for ((i = 1; i <= SIDES; i++)); do
	check "side router $i: clamps a SYN flood and is deleted under it" \
		side_cycle $((SEED + i))
done
tS=$((SECONDS - tS))
loads_stop
tA=$((SECONDS - tA))
stats2 "$NS_R"
echo "# router after phase A: ipv4 $ST4"
echo "# router after phase A: ipv6 $ST6"
echo "# SYN flood: $(cat "$WORK/flood-A.out")"
echo "# fetches (address completed failed): $(tr '\n' ';' <"$WORK/fetch-A")"
check "phase A: IPv4 connections completed, all intact, none failed" \
	fetch_ok A "$S4"
check "phase A: IPv6 connections completed, all intact, none failed" \
	fetch_ok A "$S6"
check_eq "phase A: no TCP checksum error at the server" \
	"$e0s" "$(tcp_csum_errors "$NS_S")"
check_eq "phase A: no TCP checksum error at the client" \
	"$e0c" "$(tcp_csum_errors "$NS_C")"
check "phase A: the router clamped during the churn (ipv4)" \
	[ "$(kv "$ST4" clamped_syn)" -gt 0 ]
check "phase A: the router clamped during the churn (ipv6)" \
	[ "$(kv "$ST6" clamped_syn)" -gt 0 ]

# --- B. quiet: memory ------------------------------------------------------------------

tB=$SECONDS
check "quiet cycles: memory compared" env \
	NSS="$NS_C,$NS_R,$NS_S,$NS_SP" CYCLES="$LEAK" TRACED="$TRACED" \
	MSSCLAMP_KO="$MSSCLAMP_KO" "$PY" -S "$WIRE" leak "$WORK/leak"
wire_cases "$WORK/leak"
tB=$((SECONDS - tB))

# --- C. the router namespace deleted under load ----------------------------------------

tC=$SECONDS
# shellcheck disable=SC2119 # no insmod parameters
mod_loaded || mod_load
ctl_set "$NS_R" set ipv4 enable mtu 1400
ctl_set "$NS_R" set ipv6 enable mtu 1400
ip netns exec "$NS_C" "$FLOOD" syn eth0 "$RMAC" "$C4" "$K4" "$C6" "$K6" \
	"$SEED" 2000 3 >"$WORK/flood-C.out" &
sleep 1
c4=$(counter "$NS_R" ipv4 clamped_syn)
check "the router clamps the flood before it goes (ipv4 clamped_syn > 0)" \
	[ "$c4" -gt 0 ]
check "ip netns delete $NS_R under the flood" ip netns delete "$NS_R"
wait $! || true
sleep 1
check_eq "module refcnt back to 0" 0 "$(val /sys/module/mssclamp/refcnt)"
mod_unload_checked
tC=$((SECONDS - tC))
echo "# figures: $FLIPS config changes, $CYCLES module cycles under load," \
	"$MOVES interface moves, $SIDES side routers deleted under load," \
	"$LEAK quiet cycles + $TRACED traced; phase A ${tA} s (side routers ${tS} s), B ${tB} s, C ${tC} s"
