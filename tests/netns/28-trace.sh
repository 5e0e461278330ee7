#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 28-trace: following one connection. The tracepoint mssclamp:mssclamp_syn
# and mssclampctl trace, which reads it from a tracefs instance of its own.
#
#   mc-client --- mc-router --- mc-server    (1500 everywhere)
#   router: ipv4 enable mtu 1500 (ceiling 1460),
#           ipv6 enable mtu 1500 overhead 44 (ceiling 1396)
#   server: ipv4 enable mtu 9000 hook postrouting (ceiling 8960): its own
#           SYN-ACKs are inspected there too, in another namespace
#
#   1. Several traces run at once, each with its own instance: all
#      namespaces (root's, interfaces by index), -n mc-router (names),
#      -n mc-server, ipv6, -j host 192.0.2.2, host (typed uncanonically)
#      with port, ipv4 with port; and bpftrace on the same tracepoint.
#   2. Hand-made SYNs from the client (tests/lib/py/observe.py: MSS 8960 or
#      8940, 1200, none, malformed; ports 20000 + i to 9) and SYN-ACKs from
#      the server: each trace prints exactly the expected lines (tuple,
#      interfaces, MSS advertised, ceiling, outcome, MSS out), bpftrace
#      reads the same fields.
#   3. One trace ends (SIGHUP) and the others go on: a later SYN reaches
#      them and not it. SIGINT and SIGTERM end the rest, status 0.
#   4. A trace whose output is closed ends (status 1); a SIGKILLed one
#      leaves its instance, which the next trace removes; after all that
#      tracefs holds no instance of ours.
#   5. Without root, without tracefs, without the module: one line, exit 1,
#      no instance left.
#   6. perf list lists the event (when perf runs on this kernel).
. "$(dirname "$0")/../lib/sh/scenario.sh"

OBSERVE_PY=$PYLIB/observe.py
CTL=${MSSCLAMPCTL:?}
TRACEFS=/sys/kernel/tracing
INST=$TRACEFS/instances

check "insmod mssclamp.ko" mod_load
topo_up

ctl_set "$NS_R" set ipv4 enable mtu 1500
ctl_set "$NS_R" set ipv6 enable mtu 1500 overhead 44
ctl_set "$NS_S" set ipv4 enable mtu 9000 hook postrouting

inode() { stat -L -c %i "/run/netns/$1"; }
ifindex() { ip -n "$1" -o link show "$2" | awk -F: '{ print $1 }'; }
NR=$(inode "$NS_R") NSV=$(inode "$NS_S")
RC=$(ifindex "$NS_R" eth-c) RS=$(ifindex "$NS_R" eth-s)
SE=$(ifindex "$NS_S" eth0)
echo "# netns router $NR server $NSV; router eth-c #$RC eth-s #$RS; server eth0 #$SE"

# ours: the instances of mssclampctl trace in tracefs, one per line.
ours() {
	local d
	for d in "$INST"/mssclamp-trace-*; do
		[ ! -e "$d" ] || echo "${d##*/}"
	done
}
check_eq "no instance of ours before the first trace" "" "$(ours)"

# trace_start NAME ARGS...: mssclampctl ARGS in the background, stdout in
# $WORK/NAME.out, stderr in NAME.err; its pid in PID_NAME. Waits until its
# instance has the event enabled.
trace_start() {
	local name=$1 pid i v=
	shift
	"$CTL" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
	pid=$!
	printf -v "PID_$name" %s "$pid"
	for ((i = 0; i < 600; i++)); do
		v=$(cat "$INST/mssclamp-trace-$pid/events/mssclamp/mssclamp_syn/enable" 2>/dev/null) || v=
		[ "$v" != 1 ] || break
		sleep 0.1
	done
	check_eq "$name: mssclampctl $* enables the event in its own instance" 1 "$v"
}

# trace_stop NAME SIGNAL: end it with SIGNAL; it must exit 0.
trace_stop() {
	local pid_var=PID_$1 rc=0
	kill -"$2" "${!pid_var}"
	wait "${!pid_var}" || rc=$?
	check_eq "$1: SIG$2 ends it with status 0" 0 "$rc"
	check_eq "$1: nothing on stderr" "" "$(cat "$WORK/$1.err")"
	check_not "$1: its instance is gone" test -e "$INST/mssclamp-trace-${!pid_var}"
}

# --- 1. the traces, and bpftrace ----------------------------------------------

trace_start all trace
trace_start router -n "$NS_R" trace
trace_start server -n "$NS_S" trace
trace_start v6 -n "$NS_R" trace ipv6
trace_start json -n "$NS_R" -j trace host 192.0.2.2
trace_start hostport -n "$NS_R" trace host 2001:DB8:2:0::02 port 20001
trace_start v4port trace ipv4 port 20003
check_eq "seven traces, seven instances" 7 "$(ours | wc -l)"

BPF=0
if command -v bpftrace >/dev/null; then
	# A client of the tracepoint nobody here wrote: its fields by name,
	# the addresses both as text and binary (ntop() of the v4-mapped or
	# IPv6 bytes).
	bpftrace -e "tracepoint:mssclamp:mssclamp_syn /args->netns == $NR/ {
		printf(\"%d %d %s %s %d > %s %d %d %d %d %d %d %d\\n\",
			args->family, args->direction, ntop(args->saddr),
			args->src, args->sport, args->dst, args->dport,
			args->iif, args->oif, args->mss, args->ceiling,
			args->outcome, args->mss_out);
	}
	tracepoint:mssclamp:mssclamp_syn /args->netns == $NR && args->src == \"$C6\"/ {
		@from_client6 = count();
	}" >"$WORK/bpf.out" 2>"$WORK/bpf.err" &
	BPF=$!
	for ((i = 0; i < 1200; i++)); do
		grep -q '^Attaching' "$WORK/bpf.out" 2>/dev/null && break
		kill -0 "$BPF" 2>/dev/null || break
		sleep 0.1
	done
	check_match "bpftrace attaches to mssclamp:mssclamp_syn" '^Attaching 2 probes' \
		"$(cat "$WORK/bpf.out" "$WORK/bpf.err")"
else
	tap_skip "bpftrace attaches to mssclamp:mssclamp_syn" "no bpftrace"
fi

# --- 2. SYNs and SYN-ACKs -------------------------------------------------------

ip netns exec "$NS_C" "${PYS[@]}" "$OBSERVE_PY" send \
	"syn,$C4,$S4,8960" "syn,$C4,$S4,1200" "syn,$C4,$S4,none" "syn,$C4,$S4,bad" \
	"syn,$C6,$S6,8940" "syn,$C6,$S6,1200" "syn,$C6,$S6,none" "syn,$C6,$S6,bad"
ip netns exec "$NS_S" "${PYS[@]}" "$OBSERVE_PY" send \
	"synack,$S4,$C4,8960" "synack,$S6,$C6,1300"
sleep 2

# The router's lines, interfaces as a trace in the router names them.
ROUTER4="netns $NR ipv4 syn 192.0.2.2.20000 > 198.51.100.2.9 in eth-c out eth-s mss 8960 ceiling 1460 clamped mss-out 1460
netns $NR ipv4 syn 192.0.2.2.20001 > 198.51.100.2.9 in eth-c out eth-s mss 1200 ceiling 1460 unchanged mss-out 1200
netns $NR ipv4 syn 192.0.2.2.20002 > 198.51.100.2.9 in eth-c out eth-s mss - ceiling 1460 no_mss mss-out -
netns $NR ipv4 syn 192.0.2.2.20003 > 198.51.100.2.9 in eth-c out eth-s mss - ceiling 1460 malformed mss-out -
netns $NR ipv4 synack 198.51.100.2.9 > 192.0.2.2.20000 in eth-s out eth-c mss 8960 ceiling 1460 clamped mss-out 1460"
ROUTER6="netns $NR ipv6 syn 2001:db8:1::2.20004 > 2001:db8:2::2.9 in eth-c out eth-s mss 8940 ceiling 1396 clamped mss-out 1396
netns $NR ipv6 syn 2001:db8:1::2.20005 > 2001:db8:2::2.9 in eth-c out eth-s mss 1200 ceiling 1396 unchanged mss-out 1200
netns $NR ipv6 syn 2001:db8:1::2.20006 > 2001:db8:2::2.9 in eth-c out eth-s mss - ceiling 1396 no_mss mss-out -
netns $NR ipv6 syn 2001:db8:1::2.20007 > 2001:db8:2::2.9 in eth-c out eth-s mss - ceiling 1396 malformed mss-out -
netns $NR ipv6 synack 2001:db8:2::2.9 > 2001:db8:1::2.20001 in eth-s out eth-c mss 1300 ceiling 1396 unchanged mss-out 1300"
# The server's own SYN-ACK, at its POSTROUTING: no input interface.
SERVER="netns $NSV ipv4 synack 198.51.100.2.9 > 192.0.2.2.20000 in - out eth0 mss 8960 ceiling 8960 unchanged mss-out 8960"
# A later SYN, after the ipv6 trace ended.
LATER="netns $NR ipv6 syn 2001:db8:1::2.20000 > 2001:db8:2::2.9 in eth-c out eth-s mss 1000 ceiling 1396 unchanged mss-out 1000"

# byidx: the same lines as a trace elsewhere prints them (index, not name).
byidx() { sed -e "s/ in eth-c / in #$RC /; s/ out eth-c\$/ out #$RC/; s/ out eth-c / out #$RC /" \
	-e "s/ in eth-s / in #$RS /; s/ out eth-s / out #$RS /" \
	-e "s/ out eth0 / out #$SE /"; }
sorted() { sort "$@"; }

# --- 3. one trace ends, the others go on ------------------------------------------

trace_stop v6 HUP
ip netns exec "$NS_C" "${PYS[@]}" "$OBSERVE_PY" send "syn,$C6,$S6,1000"
sleep 2

check_eq "-n $NS_R ipv6: exactly the router's IPv6 lines, not the later one" \
	"$(printf '%s\n' "$ROUTER6" | sorted)" "$(sorted "$WORK/v6.out")"

trace_stop all INT
trace_stop router TERM
trace_stop server INT
trace_stop json INT
trace_stop hostport TERM
trace_stop v4port INT

check_eq "all namespaces: the router's and the server's lines (interfaces by index)" \
	"$(printf '%s\n%s\n%s\n%s\n' "$ROUTER4" "$ROUTER6" "$SERVER" "$LATER" | byidx | sorted)" \
	"$(sorted "$WORK/all.out")"
check_eq "-n $NS_R: exactly the router's lines, the later one too" \
	"$(printf '%s\n%s\n%s\n' "$ROUTER4" "$ROUTER6" "$LATER" | sorted)" \
	"$(sorted "$WORK/router.out")"
check_eq "-n $NS_S: exactly the server's line" "$SERVER" "$(cat "$WORK/server.out")"
check_eq "host 2001:DB8:2:0::02 port 20001: the IPv6 SYN-ACK alone" \
	"$(printf '%s\n' "$ROUTER6" | grep synack)" "$(cat "$WORK/hostport.out")"
check_eq "ipv4 port 20003: the malformed IPv4 SYN alone" \
	"$(printf '%s\n' "$ROUTER4" | grep 20003 | byidx)" "$(cat "$WORK/v4port.out")"

# -j: one object per line, the router's IPv4 ones.
check_eq "-j host 192.0.2.2: five objects" 5 "$(grep -c '^{' "$WORK/json.out")"
# shellcheck disable=SC2016 # jq
jline='"\(.netns) \(.family) \(.direction) \(.src).\(.sport) > \(.dst).\(.dport) in \(.iif):\(.iifname) out \(.oif):\(.oifname) mss \(.mss) ceiling \(.ceiling) \(.outcome) mss-out \(.mss_out)"'
check_eq "-j host 192.0.2.2: every field of the router's IPv4 lines" \
	"$(printf '%s\n' "$ROUTER4" | sed -e "s/^netns //; s/ in eth-c / in $RC:eth-c /; s/ out eth-s / out $RS:eth-s /" \
		-e "s/ in eth-s / in $RS:eth-s /; s/ out eth-c / out $RC:eth-c /; s/ - / null /g; s/ -\$/ null/" | sorted)" \
	"$(jq -r "$jline" "$WORK/json.out" | sorted)"

if [ "$BPF" != 0 ]; then
	kill -INT "$BPF"
	wait "$BPF" || true
	# family direction saddr(ntop) src sport > dst dport iif oif mss
	# ceiling outcome mss_out, for every router line
	want=$(printf '%s\n%s\n%s\n' "$ROUTER4" "$ROUTER6" "$LATER" | awk -v rc="$RC" -v rs="$RS" '
		{ fam = $3 == "ipv4" ? 2 : 10; dir = $4 == "syn" ? 0 : 1
		  n = split($5, s, "."); sport = s[n]; src = substr($5, 1, length($5) - length(sport) - 1)
		  n = split($7, d, "."); dport = d[n]; dst = substr($7, 1, length($7) - length(dport) - 1)
		  iif = $9 == "eth-c" ? rc : rs; oif = $11 == "eth-c" ? rc : rs
		  mss = $13 == "-" ? 0 : $13; out = $18 == "-" ? 0 : $18
		  oc = $16 == "no_mss" ? 0 : $16 == "unchanged" ? 1 : $16 == "clamped" ? 2 : 3
		  printf "%d %d %s %s %d > %s %d %d %d %d %d %d %d\n", fam, dir,
			(fam == 2 ? "::ffff:" src : src), src, sport, dst, dport,
			iif, oif, mss, $15, oc, out }')
	check_eq "bpftrace reads the same fields (addresses binary and text)" \
		"$(printf '%s\n' "$want" | sorted)" \
		"$(grep -E '^[0-9]+ [01] ' "$WORK/bpf.out" | sorted)"
	check_match "bpftrace: a filter on the text address (src == \"$C6\") counts the client's 5 IPv6 SYNs" \
		'^@from_client6: 5$' "$(cat "$WORK/bpf.out")"
	cp "$WORK/bpf.out" "${TAP_FILE%/*}/28-trace.bpftrace.txt" 2>/dev/null || true
fi
# The session, for the record.
cp "$WORK/router.out" "${TAP_FILE%/*}/28-trace.router.txt" 2>/dev/null || true
cp "$WORK/json.out" "${TAP_FILE%/*}/28-trace.json.txt" 2>/dev/null || true
sed 's/^/# /' "$WORK/router.out"

check_eq "no instance of ours after the traces ended" "" "$(ours)"

# --- 4. closed output, SIGKILL ----------------------------------------------------

# Its output closed after one line: the next write fails, trace ends.
# (Not "wait" alone: clamp.sh's jq runs as a coprocess. The group
# runs under set -e too: the status is taken with ||.)
rm -f "$WORK/pipe.rc" "$WORK/pipe.pid"
{
	rc=0
	# shellcheck disable=SC2016 # sh's own arguments
	timeout -s KILL 300 sh -c 'echo $$ >"$1.pid"; exec "$2" -n "$3" trace 2>"$1.err"' \
		sh "$WORK/pipe" "$CTL" "$NS_R" || rc=$?
	echo "$rc" >"$WORK/pipe.rc.tmp"
	mv "$WORK/pipe.rc.tmp" "$WORK/pipe.rc"
} | head -n 1 >"$WORK/pipe.out" &
PIPE=$!
for ((i = 0; i < 600; i++)); do
	v=$(cat "$INST/mssclamp-trace-$(cat "$WORK/pipe.pid" 2>/dev/null)/events/mssclamp/mssclamp_syn/enable" 2>/dev/null) || v=
	[ "$v" != 1 ] || break
	sleep 0.1
done
check_eq "a trace into a pipe enables the event" 1 "$v"
for ((i = 0; i < 20; i++)); do
	[ ! -e "$WORK/pipe.rc" ] || break
	ip netns exec "$NS_C" "${PYS[@]}" "$OBSERVE_PY" send "syn,$C4,$S4,1000"
	sleep 1
done
wait "$PIPE" || true
echo "# the trace into a pipe: stderr: $(cat "$WORK/pipe.err"); rc: $(cat "$WORK/pipe.rc" 2>/dev/null)"
check_eq "a closed output ends trace with status 1" 1 "$(cat "$WORK/pipe.rc" 2>/dev/null)"
check_match "a closed output: it says why" '^mssclampctl: cannot write the output: Broken pipe' "$(cat "$WORK/pipe.err")"
check_match "a closed output: the one line was printed" \
	"^netns $NR ipv4 syn 192.0.2.2.20000 > 198.51.100.2.9 in eth-c out eth-s mss 1000 ceiling 1460 unchanged mss-out 1000\$" \
	"$(cat "$WORK/pipe.out")"
check_eq "a closed output: no instance of ours left" "" "$(ours)"

trace_start killed trace
# shellcheck disable=SC2154 # set by trace_start (printf -v)
kill -KILL "$PID_killed"
wait "$PID_killed" || true
check_eq "SIGKILL leaves its instance" "mssclamp-trace-$PID_killed" "$(ours)"
trace_start next trace
# shellcheck disable=SC2154 # set by trace_start (printf -v)
check_eq "the next trace removed it: only its own is there" "mssclamp-trace-$PID_next" "$(ours)"
trace_stop next INT

# --- 5. refusals ----------------------------------------------------------------------

refused_unchanged() {
	check_eq "$1: no instance of ours left" "" "$(ours)"
}
REFUSED_QUIET=1 REFUSED_WHY="the line says root is needed" \
	refused "unprivileged trace" '^mssclampctl: trace: needs root: ' \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$CTL" trace
REFUSED_QUIET=1 REFUSED_WHY="the line says tracefs is not mounted" \
	refused "trace without tracefs" '^mssclampctl: trace: tracefs is not mounted' \
	unshare -m sh -c "umount -l $TRACEFS; umount -l /sys/kernel/debug 2>/dev/null; exec \"\$0\" trace" "$CTL"
REFUSED_QUIET=1 REFUSED_WHY="the line names the usage" \
	refused "trace with a bad port" "^mssclampctl: trace: port '0' is not a number" \
	"$CTL" trace port 0

# --- 6. perf ------------------------------------------------------------------------------

if perf version >/dev/null 2>&1; then
	check_match "perf list lists mssclamp:mssclamp_syn" 'mssclamp:mssclamp_syn' \
		"$(perf list 'mssclamp:*' 2>&1)"
else
	tap_skip "perf list lists mssclamp:mssclamp_syn" "no perf for this kernel"
fi

mod_unload_checked
REFUSED_QUIET=1 REFUSED_WHY="the line says the event is missing" \
	refused "trace without the module" '^mssclampctl: trace: no event mssclamp:mssclamp_syn' \
	"$CTL" trace
