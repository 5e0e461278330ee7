# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the clamping scenarios, on top of netns.sh; both come with
# the scenario prologue (scenario.sh). What they add:
#   ctl NS ARGS...             mssclampctl in a namespace
#   ctl_set NS ARGS...         the same, recorded as a test case
#   cap_start NAME NS IF [...] capture SYNs and SYN-ACKs on IF (NAME.pcap)
#   cap_stop NAME...           stop those captures and decode them
#   cap_mark NAME... / cap_cut TAG NAME...
#                              take what running captures saw in between
#   syn_mss NAME [v4|v6|SRC]   MSS values of the SYNs in a capture (of a
#                              family, or sent from the address SRC)
#   synack_mss NAME [v4|v6|SRC]  the same for SYN-ACKs
#   syn_count / synack_count   how many there were
#   syn_cksum / synack_cksum   their TCP checksums: correct, incorrect, -
#   counter NS FAMILY KEY      one counter of "mssclampctl -j stats" (named
#                              so, not "stat", to leave stat(1) alone)
#   counters NS FAMILY...      all of one family's counters on one line
#   stats2 NS                  both families' lines into ST4 and ST6
#   vec / kv / delta           build, read and subtract such lines
#   check_moved NS ...         how far both families' counters moved, as
#                              two recorded cases
#   cfg NS FAMILY KEY          one field of "mssclampctl -j show"
#   serve NS PORT NBYTES [PORT...]  tcp.py servers in the background
#   fetch NS ADDR PORT NBYTES SECONDS    tcp.py fetch (prints the bytes)
#   raw_syns NS PORT SPEC...   hand-made SYNs (no MSS option, bad options,
#                              data in fragments, extension header, RST,
#                              wrong checksum)
#   blackhole_icmp NS          drop "too big" ICMP forwarded or sent by NS
#   json_flat                  JSON on stdin as PATH=VALUE lines (jq)
#   jumbo_up                   insmod (a recorded case), and topo_up with
#                              every link at MTU 9000
#   mod_unload_checked         rmmod at the end, as recorded cases
#   refused NAME ERE CMD...    CMD refused with one line on stderr, nothing
#                              changed (the scenario's refused_unchanged)
#   nlhostile_build            tests/tools/nlhostile.c into $NLHOSTILE
#   sink_up                    the sink (SINKMAC, K4, K6) behind the router
#   flood_build                tests/netns/flood.c into $FLOOD
#   handshakes TAG PORT N ADDR...  connect_n from the client, captured at
#                              the client (TAG_cli) and the server (TAG_srv)
#   connect_n NS PORT N ADDR...  N connections to each ADDR, one after the
#                              other (one process: python starts slowly)
#
# Captures and other files live in $WORK, a directory removed at the end.

# tests/lib, and the scenarios' own tools (wire.py, flood.c) in tests/netns.
TESTS_LIB=$(cd "${BASH_SOURCE[0]%/*}/.." && pwd -P)
NETNS_DIR=${TESTS_LIB%/*}/netns
PY=/usr/bin/python3
# -S: no site module; python starts in half the time (TCG), and the
# endpoints need nothing outside the standard library; -B: no __pycache__
# next to tcp.py.
PYS=("$PY" -S -B)
# The Python helpers (tests/lib/py): tcp.py, observe.py, and those wire.py
# imports.
PYLIB=$TESTS_LIB/py
TCP_PY=$PYLIB/tcp.py

WORK=$(mktemp -d /tmp/mssclamp.XXXXXX)
at_exit "rm -rf '$WORK'"
# shellcheck disable=SC2016 # expanded when the scenario ends
at_exit 'echo "# ${0##*/} ran $SECONDS s"'

# The counters of "-j stats", in the order counters() prints them.
STAT_KEYS="syn synack clamped_syn clamped_synack unchanged no_mss malformed fragments errors ptb"

# --- mssclampctl -----------------------------------------------------------

# ctl NS ARGS...: mssclampctl ARGS in NS (NS "" or "-": the current one).
ctl() {
	local ns=$1
	shift
	case $ns in
	"" | -) "${MSSCLAMPCTL:?MSSCLAMPCTL is not set}" "$@" ;;
	*) ip netns exec "$ns" "${MSSCLAMPCTL:?MSSCLAMPCTL is not set}" "$@" ;;
	esac
}

# ctl_set NS ARGS...: run "mssclampctl ARGS" in NS as a recorded case.
ctl_set() {
	local ns=$1
	shift
	check "${ns#mc-}: mssclampctl $*" ctl "$ns" "$@"
}

# The JSON reader: jq. Strings come without their quotes, a list of
# scalars as its items joined by spaces: {"ipv4": {"mss": 1460, "dev":
# ["wan"]}} gives ipv4.mss=1460 and ipv4.dev=wan. No input, or input that
# is not JSON (mssclampctl failed), reads as missing. Numbers are jq's
# (exact to 2^53: every counter a scenario makes).
#   get($path)              the value at PATH (keys joined by dots), or
#                           <missing>
#   counters($fams; $keys)  "syn=N ... errors=N" for each of the families
#                           (one line each) and keys, "?" for a missing one
# shellcheck disable=SC2016 # jq code
_JQ_DEFS='def get($path):
	(try getpath($path | split(".")) catch null)
	| if . == null or type == "object" then "<missing>"
	  elif type == "array" then map(tostring) | join(" ")
	  else tostring end;
def counters($fams; $keys):
	. as $d | ($keys | split(" ")) as $k
	| $fams | split(" ")[] as $f
	| [$k[] as $key | "\($key)=\($d | try .[$f][$key] catch null
		| if . == null then "?" else tostring end)"]
	| join(" ");
'
# A jq start costs about 2 s under TCG (jq 1.6 compiles its builtins each
# time), five times an awk's: one jq runs beside the scenario instead, a
# coprocess started here. A request is two lines, "TAG OP ARG..." and the
# document on one line; each answer line comes back as "TAG VALUE" (an
# answer for another TAG, left by a caller that gave up waiting, is
# skipped). Where the coprocess is out of reach (bash hands its pipes only
# to command substitutions, not to pipelines or background jobs), or does
# not answer, a jq of its own answers.
# shellcheck disable=SC2016 # jq code
coproc _JQ {
	exec jq -nrR --unbuffered --arg keys "$STAT_KEYS" "$_JQ_DEFS"'
		inputs | split(" ") as $w
		| (try input catch "") as $doc
		| ($doc | try fromjson catch null)
		| if $w[1] == "get" then get($w[2])
		  else counters($w[2:] | join(" "); $keys) end
		| "\($w[0]) \(.)"' 2>/dev/null
}

# _jq_ask OP ARG DOC N: the N answer lines of OP (get PATH, counters
# "FAMILY...") over the JSON document DOC.
_jq_ask() {
	local op=$1 arg=$2 doc=${3//$'\n'/ } n=$4 tag=$BASHPID.$RANDOM line got=0 out=
	# The coprocess, if this shell has its pipes and it runs.
	if [ -n "${_JQ_PID:-}" ] && [ -n "${_JQ[1]:-}" ] &&
		kill -0 "$_JQ_PID" 2>/dev/null &&
		{ printf '%s %s %s\n%s\n' "$tag" "$op" "$arg" "$doc" \
			>&"${_JQ[1]}"; } 2>/dev/null; then
		while [ "$got" -lt "$n" ] &&
			IFS= read -r -t 60 -u "${_JQ[0]:-}" line 2>/dev/null; do
			[ "${line%% *}" = "$tag" ] || continue
			out+=${out:+$'\n'}${line#* }
			got=$((got + 1))
		done
		if [ "$got" = "$n" ]; then
			printf '%s\n' "$out"
			return
		fi
	fi
	# A jq of its own.
	if [ "$op" = get ]; then
		printf '%s' "$doc" | jq -rn --arg path "$arg" \
			"$_JQ_DEFS"'(try input catch null) | get($path)' 2>/dev/null ||
			echo "<missing>"
	else
		printf '%s' "$doc" | jq -rn --arg fams "$arg" --arg keys "$STAT_KEYS" \
			"$_JQ_DEFS"'(try input catch null) | counters($fams; $keys)' || true
	fi
}

# shellcheck disable=SC2016 # jq code
_JQ_FLAT='def flat($p):
	if type == "object" then
		to_entries[] | .key as $k | .value
		| flat(if $p == "" then $k else "\($p).\($k)" end)
	elif type == "array" then "\($p)=\(map(tostring) | join(" "))"
	else "\($p)=\(tostring)" end;
	flat("")'

# json_flat: JSON on stdin, its "PATH=VALUE" lines out.
json_flat() { jq -r "$_JQ_FLAT"; }

# counter NS FAMILY KEY: one counter (FAMILY ipv4 or ipv6), "<missing>" if
# the tool or the key is not there.
counter() {
	local doc
	doc=$(ctl "$1" -j stats 2>/dev/null) || true
	_jq_ask get "$2.$3" "$doc" 1
}

# counters NS FAMILY [FAMILY]: "syn=N synack=N ... errors=N" in the order
# of STAT_KEYS ("?" for a missing one), for one check_eq over the whole
# set; one line per FAMILY, all from one "mssclampctl -j stats".
counters() {
	local ns=$1
	shift
	local doc
	doc=$(ctl "$ns" -j stats 2>/dev/null) || true
	_jq_ask counters "$*" "$doc" $#
}

# stats2 NS: both families' counters() lines, from one call, into ST4 and
# ST6.
# shellcheck disable=SC2034 # for the scenarios
stats2() {
	local out
	out=$(counters "$1" ipv4 ipv6)
	ST4=${out%%$'\n'*}
	ST6=${out#*$'\n'}
}

# vec [KEY=N...]: a counters() line with the given values, 0 elsewhere;
# "vec" alone is a family that counted nothing.
# shellcheck disable=SC2120 # the arguments are optional
vec() {
	local k a v out=
	for k in $STAT_KEYS; do
		v=0
		for a in "$@"; do
			[ "${a%%=*}" != "$k" ] || v=${a#*=}
		done
		out+="${out:+ }$k=$v"
	done
	echo "$out"
}

# kv LINE KEY: the value of KEY in a counters() line.
kv() {
	local w
	for w in $1; do
		if [ "${w%%=*}" = "$2" ]; then
			echo "${w#*=}"
			return
		fi
	done
	echo "<missing>"
}

# delta BEFORE AFTER: counters() lines in, what each counter moved by out
# (in the same form, so it compares with vec; "?" where either line has no
# number). No subshells: each fork counts under TCG.
delta() {
	local -a a b
	local i k x y out=
	read -ra a <<<"$1"
	read -ra b <<<"$2"
	for i in "${!a[@]}"; do
		k=${a[i]%%=*} x=${a[i]#*=} y=${b[i]#*=}
		if [ "${b[i]%%=*}" != "$k" ] || [[ ! $x =~ ^[0-9]+$ ]] ||
			[[ ! $y =~ ^[0-9]+$ ]]; then
			out+="${out:+ }$k=?"
		else
			out+="${out:+ }$k=$((y - x))"
		fi
	done
	echo "$out"
}

# check_moved NS BASE4 BASE6 NAME4 VEC4 NAME6 VEC6: NS's counters now,
# against the lines BASE4 and BASE6 (of counters or stats2), moved by VEC4
# (ipv4) and VEC6 (ipv6), each vec's words in one argument: the cases
# NAME4 and NAME6. Leaves the counters now in ST4 and ST6.
check_moved() {
	stats2 "$1"
	# shellcheck disable=SC2086 # vec's words
	check_eq "$4" "$(vec $5)" "$(delta "$2" "$ST4")"
	# shellcheck disable=SC2086
	check_eq "$6" "$(vec $7)" "$(delta "$3" "$ST6")"
}

# cfg NS FAMILY KEY: one field of the configuration ("dev" as words).
cfg() {
	local doc
	doc=$(ctl "$1" -j show 2>/dev/null) || true
	_jq_ask get "$2.$3" "$doc" 1
}

# --- captures --------------------------------------------------------------

# SYN and SYN-ACK only (also RSTs with SYN set, which the parsers skip): the
# TCP flags byte is at offset 13 of the TCP header, at 40 + 13 behind an
# IPv6 header without extension headers; IPv6 TCP behind extension headers
# (and IPv4 fragments) is taken whole. And the markers (see _cap_sync).
CAP_MARK=2001:db8:ffff::9
CAP_FILTER="(ip and tcp and tcp[13] & 2 != 0) or (ip and tcp and ip[6:2] & 0x1fff != 0) or (ip6 and ip6[6] == 6 and ip6[53] & 2 != 0) or (ip6 and ip6[6] != 6 and ip6 protochain 6) or (ip6 dst $CAP_MARK)"

declare -A _cap_pid=() _cap_off=() _cap_ns=()

# The captures are decoded from their pcap files by capture.py (scapy),
# one process for the scenario, started with the first capture and asked
# through two FIFOs (a python start with scapy costs seconds under TCG).
# Its lines are "FAMILY KIND MSS CKSUM SRC DST" (see capture.py).
_cap_py=

_cap_decoder_start() {
	[ -z "$_cap_py" ] || return 0
	mkfifo "$WORK/cap.req" "$WORK/cap.ans"
	"$PY" -B "$PYLIB/capture.py" serve <"$WORK/cap.req" >"$WORK/cap.ans" &
	_cap_py=$!
	exec {_CAP_REQ}>"$WORK/cap.req" {_CAP_ANS}<"$WORK/cap.ans"
}

# _cap_decode NAME FROM OUT: the SYNs and SYN-ACKs among NAME's packets
# from the FROM-th on, into OUT, once NAME.pcap holds every packet tcpdump
# printed (NAME.txt); sets _cap_n to the packets in NAME.pcap.
_cap_decode() {
	local ans='' least
	least=$(awk 'END { print NR }' "$WORK/$1.txt")
	if kill -0 "$_cap_py" 2>/dev/null; then
		echo "$WORK/$1.pcap $2 $3 $least" >&"$_CAP_REQ"
		read -r -t 600 -u "$_CAP_ANS" ans || true
	fi
	case $ans in
	"ok "*) _cap_n=${ans#ok } ;;
	*)
		echo "# capture $1: capture.py answered '$ans'" >&2
		: >"$3"
		_cap_n=$2
		;;
	esac
}

# cap_start NAME NS IF [NAME NS IF...]: capture SYNs and SYN-ACKs on IF in
# NS, into $WORK/NAME.pcap, with tcpdump's line for each in $WORK/NAME.txt
# (one a packet, in the same order; _cap_sync reads them) (several at once;
# a capture already running under NAME is stopped first); returns once
# every tcpdump listens.
cap_start() {
	local name ns dev names=() i
	_cap_decoder_start
	while [ $# -ge 3 ]; do
		name=$1 ns=$2 dev=$3
		shift 3
		[ -z "${_cap_pid[$name]:-}" ] || cap_stop "$name"
		rm -f "$WORK/$name".*
		ip netns exec "$ns" tcpdump -Z root --immediate-mode -U -l -nn \
			-s 256 -i "$dev" -w "$WORK/$name.pcap" --print "$CAP_FILTER" \
			>"$WORK/$name.txt" 2>"$WORK/$name.err" &
		_cap_pid[$name]=$!
		_cap_off[$name]=0
		_cap_ns[$name]=$ns
		names+=("$name")
	done
	for name in "${names[@]}"; do
		for ((i = 0; ; i++)); do
			grep -q 'listening on' "$WORK/$name.err" 2>/dev/null && break
			if [ "$i" -ge 100 ] || ! kill -0 "${_cap_pid[$name]}" 2>/dev/null; then
				echo "cap_start: tcpdump for $name did not start:" >&2
				cat "$WORK/$name.err" >&2
				return 1
			fi
			sleep 0.1
		done
	done
}

# _cap_sync NAME...: make sure each running capture has printed every
# packet that crossed its interface so far: send a marker (a UDP datagram
# from the capture's namespace to CAP_MARK, off-link everywhere, so it
# leaves by the default route: the captured eth0) and wait (10 s at most
# for all) until tcpdump printed it. Packets are printed in the order they
# crossed, one line each, and written to NAME.pcap in the same order.
_cap_sync() {
	local name n end
	local -A marks=()
	for name in "$@"; do
		# A tcpdump that ended (its interface went away) has printed all.
		[ -n "${_cap_pid[$name]:-}" ] || continue
		kill -0 "${_cap_pid[$name]}" 2>/dev/null || continue
		marks[$name]=$(grep -c "> $CAP_MARK\.9:" "$WORK/$name.txt" || true)
		# shellcheck disable=SC2016 # expanded by the inner bash
		ip netns exec "${_cap_ns[$name]}" bash -c \
			'printf m >"/dev/udp/$1/9"' - "$CAP_MARK" 2>/dev/null || true
	done
	end=$((SECONDS + 10))
	for name in "${!marks[@]}"; do
		while :; do
			n=$(grep -c "> $CAP_MARK\.9:" "$WORK/$name.txt" || true)
			[ "$n" -le "${marks[$name]}" ] || break
			if [ "$SECONDS" -ge "$end" ] ||
				! kill -0 "${_cap_pid[$name]}" 2>/dev/null; then
				echo "# capture $name: the marker did not show" >&2
				break
			fi
			sleep 0.05
		done
	done
}

# cap_stop NAME...: once tcpdump wrote all it saw (_cap_sync), stop it,
# wait for it, and decode the whole capture into $WORK/NAME.syns.
cap_stop() {
	local name pid
	_cap_sync "$@"
	for name in "$@"; do
		pid=${_cap_pid[$name]:-}
		[ -z "$pid" ] || kill -INT "$pid" 2>/dev/null || true
	done
	for name in "$@"; do
		pid=${_cap_pid[$name]:-}
		[ -z "$pid" ] || wait "$pid" 2>/dev/null || true
		unset "_cap_pid[$name]" "_cap_off[$name]" "_cap_ns[$name]"
		_cap_decode "$name" 0 "$WORK/$name.syns"
	done
}

# cap_mark NAME...: the next cap_cut of these running captures starts here.
cap_mark() {
	local name
	for name in "$@"; do
		_cap_off[$name]=$(awk 'END { print NR }' "$WORK/$name.txt")
	done
}

# cap_cut TAG NAME...: once tcpdump wrote all it saw (_cap_sync),
# decode what each running capture NAME saw since its last mark or cut
# into $WORK/TAG_NAME.syns (syn_mss TAG_NAME ... reads it); the captures
# go on.
cap_cut() {
	local tag=$1 name
	shift
	_cap_sync "$@"
	for name in "$@"; do
		_cap_decode "$name" "${_cap_off[$name]:-0}" "$WORK/${tag}_$name.syns"
		_cap_off[$name]=$_cap_n
	done
}

# _syns WHAT KIND NAME [v4|v6|SRC]: from NAME.syns, for the SYNs (KIND syn)
# or SYN-ACKs (KIND synack) of the family (or both, or those sent from the
# address SRC): WHAT mss, the distinct
# MSS values ascending ("none" sorts first); cksum, the distinct checksum
# verdicts; count, how many. One awk: each process costs under TCG.
_syns() {
	local f=$WORK/$3.syns
	[ -f "$f" ] || { echo "_syns: no decoded capture $3" >&2; return 0; }
	awk -v what="$1" -v kind="$2" -v fam="${4:-}" '
	$2 == kind && (fam == "" || $1 == fam || $5 == fam) {
		n++
		v = what == "cksum" ? $4 : $3
		if (!(v in seen)) {
			seen[v] = 1
			vals[++m] = v
		}
	}
	END {
		if (what == "count") {
			print n + 0
			exit
		}
		for (i = 2; i <= m; i++)	# insertion sort, numbers ascending
			for (j = i; j > 1 && (vals[j] == "none" ? -1 : vals[j] + 0) < \
			    (vals[j - 1] == "none" ? -1 : vals[j - 1] + 0); j--) {
				t = vals[j]; vals[j] = vals[j - 1]; vals[j - 1] = t
			}
		line = ""
		for (i = 1; i <= m; i++)
			line = line (i > 1 ? " " : "") vals[i]
		print line
	}' "$f"
}

# syn_mss NAME [v4|v6|SRC]: the distinct MSS values of the SYNs in the
# capture (of one family, or sent from the address SRC), ascending,
# space-separated ("none" for a SYN without the option; empty if there was
# no SYN). synack_mss: the same for SYN-ACKs.
syn_mss() { _syns mss syn "$@"; }
synack_mss() { _syns mss synack "$@"; }

# syn_count NAME [v4|v6], synack_count: how many there were.
syn_count() { _syns count syn "$@"; }
synack_count() { _syns count synack "$@"; }

# syn_cksum NAME [v4|v6], synack_cksum: the distinct checksum verdicts.
syn_cksum() { _syns cksum syn "$@"; }
synack_cksum() { _syns cksum synack "$@"; }

# --- the sink and the flood generator ------------------------------------------

# The "sink" of 20, 21 and 22: addresses behind the router with a permanent
# neighbour entry whose MAC nobody owns (RFC 7042's documentation range).
# The router forwards to the server's link, where the server's stack drops
# such frames unseen: nothing answers, so only the test packets move the
# counters, and a capture on the server's eth0 sees what was forwarded.
SINKMAC=00:00:5e:00:53:99
K4=198.51.100.99
K6=2001:db8:2::99

# sink_up: the sink's neighbour entries in the router, on eth-s.
sink_up() {
	ip -n "$NS_R" -batch - <<-EOF
		neigh add $K4 lladdr $SINKMAC dev eth-s nud permanent
		neigh add $K6 lladdr $SINKMAC dev eth-s nud permanent
	EOF
}

# flood_build: build tests/netns/flood.c (with tests/lib/c/pkt.c) into
# $FLOOD, once per boot of the VM (the compiler costs seconds under TCG),
# keyed by the sources' content; a recorded case.
_PKT_C=$TESTS_LIB/c/pkt.c
FLOOD=/tmp/mssclamp-flood
while read -r _sum _; do
	FLOOD+=.$_sum
done < <(cksum "$NETNS_DIR/flood.c" "$_PKT_C" "${_PKT_C%.c}.h")
flood_build() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	[ -x "$FLOOD" ] || sh -c 'cc -O0 -Wall -Wextra -Werror -I"${3%/*}" \
		-o "$1.$$" "$2" "$3" && mv "$1.$$" "$1"' - "$FLOOD" "$NETNS_DIR/flood.c" \
		"$_PKT_C" || true
	check "flood.c builds" [ -x "$FLOOD" ]
}

# wire_cases FILE: what wire.py wrote, one recorded case per line "ok NAME" / "fail NAME".
wire_cases() {
	local st name
	while read -r st name; do
		check_eq "$name" ok "$st"
	done <"$1"
}

NS_SIDE="mc-side"
SIDEMAC=00:00:5e:00:53:0a	# RFC 7042 documentation MAC

# side_cycle SEED [PPS]: a router namespace $NS_SIDE with the clamp on in
# both families, a SYN flood from the client through it (PPS, default
# 2000), and the namespace deleted under the flood; succeeds when it had
# clamped SYNs of both families before it went. Needs flood_build.
side_cycle() {
	local st
	ns_new "$NS_SIDE" router
	ip -n "$NS_SIDE" -batch - <<-EOF
		link set lo up
		link add eth-a address $SIDEMAC type veth peer name eth-side netns $NS_C
		link add eth-b type veth peer name eth-bp
		link set eth-a up
		link set eth-b up
		link set eth-bp up
		addr add $RT4/24 dev eth-a
		addr add $RT6/64 dev eth-a nodad
		route add 198.51.100.0/24 dev eth-b
		route add 2001:db8:2::/64 dev eth-b
		neigh add $K4 lladdr $SINKMAC dev eth-b nud permanent
		neigh add $K6 lladdr $SINKMAC dev eth-b nud permanent
	EOF
	c ip link set eth-side up
	ctl "$NS_SIDE" set ipv4 enable mtu 1280
	ctl "$NS_SIDE" set ipv6 enable mtu 1280
	ip netns exec "$NS_C" "$FLOOD" syn eth-side "$SIDEMAC" "$C4" "$K4" \
		"$C6" "$K6" "$1" "${2:-2000}" 2 >"$WORK/side.out" &
	sleep 1
	st=$(counters "$NS_SIDE" ipv4 ipv6)
	ip netns delete "$NS_SIDE"
	wait $! || true
	[ "$(kv "${st%%$'\n'*}" clamped_syn)" -gt 0 ] &&
		[ "$(kv "${st#*$'\n'}" clamped_syn)" -gt 0 ]
}
# --- traffic -----------------------------------------------------------------

# serve NS PORT NBYTES [PORT...]: tcp.py's server on each PORT, in one
# background process (one thread per port: python starts slowly under
# TCG), all listening when this returns. It ends with the scenario.
serve() {
	local ns=$1 bytes=$3 port
	set -- "$2" "${@:4}"
	ip netns exec "$ns" "${PYS[@]}" -c '
import sys, threading
sys.path.insert(0, sys.argv[1])
import tcp
for port in sys.argv[3:]:
    threading.Thread(target=tcp.serve, args=(int(port), int(sys.argv[2]))).start()
' "$PYLIB" "$bytes" "$@" &
	for port in "$@"; do
		wait_listen "$ns" "$port" 20
	done
}

# fetch NS ADDR PORT NBYTES SECONDS: print the byte count received; status
# 0 only if all NBYTES arrived within SECONDS.
fetch() {
	ip netns exec "$1" "${PYS[@]}" "$TCP_PY" fetch "$2" "$3" "$4" "$5"
}

# connect_n NS PORT N ADDR...: N connections to PORT of each ADDR, one
# after the other, each closed once established (5 s each at most); all in
# one process, as python starts slowly under TCG. Status 0 if all were.
connect_n() {
	local ns=$1
	shift
	ip netns exec "$ns" "${PYS[@]}" -c '
import socket, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
bad = 0
for addr in sys.argv[3:]:
    for _ in range(n):
        try:
            socket.create_connection((addr, port), timeout=5).close()
        except OSError as e:
            print(f"connect {addr} port {port}: {e}", file=sys.stderr)
            bad += 1
sys.exit(1 if bad else 0)
' "$@"
}

# raw_syns NS PORT SPEC...: send hand-made SYNs from NS to PORT and wait
# (3 s each at most) for each one's SYN-ACK; prints how many were answered,
# status 0 if all were that should be (see badsum and rst). SPEC is "SRC,DST,OPTIONS[,EXTRA]": the source and
# destination addresses (IPv4 or IPv6; SRC must be the address the kernel
# picks as source), the TCP options in hex, padded with EOL to a multiple
# of 4 ("" for a SYN without options, "020405b4" for MSS 1460), and EXTRA,
# words joined by "+":
#   data=N   N bytes of payload (more than the link MTU: the kernel sends
#            the SYN in fragments)
#   dstopt   an IPv6 Destination Options header (8 bytes of PadN) before
#            the TCP header
#   rst      RST set too: such a "SYN" gets no answer and is not waited for
#   badsum   a wrong TCP checksum: the SYN must get no answer (1.5 s), which
#            shows the receiver checks checksums
# A raw socket rather than scapy, whose import takes ~15 s under TCG. NS's
# kernel answers the SYN-ACK with a RST, which no SYN counter sees.
raw_syns() {
	local ns=$1
	shift
	ip netns exec "$ns" "${PYS[@]}" -c '
import os, select, socket, struct, sys, time
sys.path.insert(0, sys.argv[1])
from mssclamp_pkt import csum16 as csum, pseudo

port = int(sys.argv[2])
specs = sys.argv[3:]
answered = waited = 0
wrong = False
for i, spec in enumerate(specs):
    src, dst, opt, *rest = spec.split(",")
    extra = rest[0].split("+") if rest and rest[0] else []
    opts = bytes.fromhex(opt)
    opts += b"\0" * (-len(opts) % 4)
    data = b""
    flags = 0x02
    for e in extra:
        if e.startswith("data="):
            data = b"d" * int(e[5:])
        elif e == "rst":
            flags |= 0x04
    v6 = ":" in dst
    fam = socket.AF_INET6 if v6 else socket.AF_INET
    sport = 20000 + (os.getpid() * 7 + i) % 10000
    seg = struct.pack("!HHIIBBHHH", sport, port, 1000 + i, 0,
                      (20 + len(opts)) // 4 << 4, flags, 64240, 0, 0) + opts + data
    ph = pseudo(socket.inet_pton(fam, src), socket.inet_pton(fam, dst), len(seg))
    bad = "badsum" in extra
    seg = seg[:16] + struct.pack("!H", csum(ph + seg) ^ (0x5555 if bad else 0)) + seg[18:]
    s = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_TCP)
    if "dstopt" in extra:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_DSTOPTS,
                     b"\0\0\x01\x04\0\0\0\0")
    s.sendto(seg, (dst, 0))
    if flags & 0x04:
        s.close()
        continue
    waited += not bad
    deadline = time.monotonic() + (1.5 if bad else 3)
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            if not bad:
                print(f"raw_syns: no SYN-ACK for {spec}", file=sys.stderr)
            break
        if not select.select([s], [], [], left)[0]:
            continue
        pkt = s.recv(65535)
        if not v6:
            pkt = pkt[(pkt[0] & 15) * 4:]
        if len(pkt) >= 20 and struct.unpack("!HH", pkt[:4]) == (port, sport) \
                and pkt[13] & 0x16 == 0x12:
            if bad:
                print(f"raw_syns: a SYN-ACK for {spec}", file=sys.stderr)
                wrong = True
            else:
                answered += 1
            break
    s.close()
print(answered)
sys.exit(0 if answered == waited and not wrong else 1)
' "$PYLIB" "$@"
}

# handshakes TAG PORT N ADDR...: N connections from the client to PORT of
# each ADDR, seen by captures at the client's eth0 ("cli") and at the
# server's ("srv"), started on first use and left running; what they saw
# is then TAG_cli and TAG_srv. Records one case: all connections were
# established.
handshakes() {
	local tag=$1
	shift
	[ -n "${_cap_pid[cli]:-}" ] || cap_start cli "$NS_C" eth0
	[ -n "${_cap_pid[srv]:-}" ] || cap_start srv "$NS_S" eth0
	cap_mark cli srv
	check "$tag: the connections are established" connect_n "$NS_C" "$@"
	cap_cut "$tag" cli srv
}

# blackhole_icmp NS: drop the "too big" ICMP errors (IPv4 frag-needed,
# ICMPv6 Packet Too Big) that NS forwards or originates: PMTUD cannot work
# through it.
blackhole_icmp() {
	ip netns exec "$1" nft -f - <<-'EOF'
	table inet blackhole {
		chain fw_drop {
			type filter hook forward priority 0; policy accept;
			icmp type destination-unreachable icmp code frag-needed counter drop
			icmpv6 type packet-too-big counter drop
		}
		chain out_drop {
			type filter hook output priority 0; policy accept;
			icmp type destination-unreachable icmp code frag-needed counter drop
			icmpv6 type packet-too-big counter drop
		}
	}
	EOF
}

# --- refusals and the hostile-request tool -----------------------------------

# refused NAME ERE CMD...: CMD is refused: it exits non-zero and prints one
# line on stderr matching ERE, and changes nothing. Recorded as cases
# "NAME: exits non-zero", with REFUSED_QUIET=1 "NAME: nothing on stdout",
# "NAME: one line on stderr", "NAME: $REFUSED_WHY" (default "the line says
# why"), then what the scenario's refused_unchanged NAME records (that the
# state it cares about is as it was).
refused() {
	local name=$1 ere=$2 rc=0 err
	shift 2
	"$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
	err=$(<"$WORK/err")
	echo "# $name: exit status $rc, stderr: $err"
	check_not "$name: exits non-zero" test "$rc" = 0
	if [ "${REFUSED_QUIET:-0}" = 1 ]; then
		check_eq "$name: nothing on stdout" "" "$(<"$WORK/out")"
	fi
	check_eq "$name: one line on stderr" 1 "$(awk 'END { print NR }' "$WORK/err")"
	check_match "$name: ${REFUSED_WHY:-the line says why}" "$ere" "$err"
	refused_unchanged "$name"
}

# nlhostile_build: tests/tools/nlhostile.c into $NLHOSTILE: the host's build
# (vm-host-prepare: make -s -C tests/tools) if it is current, else built
# here (into the scenario's scratch directory; the VM's / is an overlay).
nlhostile_build() {
	local src=$REPO/tests/tools/nlhostile.c pre=$REPO/build/tools/nlhostile
	if [ -x "$pre" ] && [ "$pre" -nt "$src" ] &&
		[ "$pre" -nt "$REPO/kmod/uapi/mssclamp.h" ]; then
		NLHOSTILE=$pre
		return 0
	fi
	NLHOSTILE=$WORK/nlhostile
	make -s --no-print-directory -f "$REPO/tests/tools/Makefile" \
		OUT="$WORK" "$NLHOSTILE"
}

# jumbo_up: load the module (a recorded case) and build the topology with
# every link at MTU 9000: SYNs and SYN-ACKs carry 8960 (IPv4) / 8940 (IPv6)
# until the router clamps them.
jumbo_up() {
	check "insmod mssclamp.ko" mod_load
	topo_up c=9000 rc=9000 rs=9000 s=9000
}

# mod_unload_checked: unload the module at the end, as a recorded case.
mod_unload_checked() {
	check "rmmod mssclamp" mod_unload
	check_not "/sys/module/mssclamp is gone" mod_loaded
}
