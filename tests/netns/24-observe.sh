#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 24-observe: what the clamp sees, through the tool an operator uses:
# histogram, stats (ptb), stats --prometheus and monitor, on the module.
#
#   mc-client --- mc-router --- mc-server    (1500 everywhere)
#   router: ipv4 enable mtu 1500 overhead 8 (ceiling 1452),
#           ipv6 enable mtu 1500 overhead 44 (ceiling 1396)
#
#   1. hand-made SYNs from the client and SYN-ACKs from the server, a known
#      mix of MSS values in each family (and one SYN without the option,
#      one malformed), cross the router: every histogram bucket counts
#      exactly its SYNs, the option-less and malformed ones none; the
#      counters agree;
#   2. ICMP fragmentation-needed and ICMPv6 Packet Too Big from the server
#      to the client, of known MTUs (0, 576 and 70000 among them): ptb and
#      the ptb histograms count exactly them; pings and host-unreachable
#      messages, also crossing, count nothing;
#   3. the text's closing lines, the JSON, and stats --prometheus accepted
#      by promtool with the exact samples; --output writes the same file
#      atomically;
#   4. uid 65534 without capabilities reads the histograms and monitors,
#      but cannot reset them;
#   5. monitors (text and -j through a pipe, root and uid 65534 in the
#      router, root in the client with -n) see a set and the resets of the
#      router as they happen, the client's monitor none of them; stats
#      reset zeroes one family's histograms, then both; SIGTERM ends a
#      monitor with status 0;
#   6. rmmod: every monitor still running says so on stderr and exits 1.
. "$(dirname "$0")/../lib/sh/scenario.sh"

OBSERVE_PY=$PYLIB/observe.py

check "insmod mssclamp.ko" mod_load
topo_up
ctl_set "$NS_R" set ipv4 enable mtu 1500 overhead 8
ctl_set "$NS_R" set ipv6 enable mtu 1500 overhead 44
ctl_set "$NS_R" stats reset

# A copy any user can run (31-privilege does the same).
chmod 755 "$WORK"
install -m 755 "$MSSCLAMPCTL" "$WORK/mssclampctl"
CTL=$WORK/mssclampctl
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

# --- 1, 2: the traffic ------------------------------------------------------------

syns=() synacks=() icmp=()
for m in 1460 1460 1460 1452 1452 1400 1300 536 8960 none bad; do
	syns+=("syn,$C4,$S4,$m")
done
for m in 1440 1440 1440 1440 1396 1220 1220 1380 8940 65535 none; do
	syns+=("syn,$C6,$S6,$m")
done
for m in 1460 1460 1380; do synacks+=("synack,$S4,$C4,$m"); done
for m in 1440 1220 8940; do synacks+=("synack,$S6,$C6,$m"); done
for m in 1492 1492 1400 576 0; do icmp+=("fragneeded,$S4,$C4,$m"); done
for m in 1280 1280 1280 1390 9000 70000; do icmp+=("ptb,$S6,$C6,$m"); done
icmp+=("unreach,$S4,$C4" "unreach6,$S6,$C6")

check "the client sends 22 SYNs" \
	ip netns exec "$NS_C" "${PYS[@]}" "$OBSERVE_PY" send "${syns[@]}"
check "the server sends 6 SYN-ACKs, 11 frag-needed and Packet Too Big, 2 unreachables" \
	ip netns exec "$NS_S" "${PYS[@]}" "$OBSERVE_PY" send "${synacks[@]}" "${icmp[@]}"
check "ping client -> server, IPv4 (ICMP that ptb does not count)" ping_ok "$NS_C" "$S4"
check "ping client -> server, IPv6" ping_ok "$NS_C" "$S6"

# The router counts in softirq: wait until it has seen them all.
for ((i = 0; i < 100; i++)); do
	all="$(counter "$NS_R" ipv4 syn) $(counter "$NS_R" ipv4 synack) $(counter "$NS_R" ipv4 ptb)"
	all+=" $(counter "$NS_R" ipv6 syn) $(counter "$NS_R" ipv6 synack) $(counter "$NS_R" ipv6 ptb)"
	[ "$all" != "11 3 5 11 3 6" ] || break
	sleep 0.1
done
check_eq "the router saw syn, synack, ptb: 11 3 5 (ipv4) 11 3 6 (ipv6)" \
	"11 3 5 11 3 6" "$all"
stats2 "$NS_R"
check_eq "ipv4 counters: 4 SYNs clamped, 5 and a SYN-ACK unchanged, 1 no_mss, 1 malformed, 5 ptb" \
	"$(vec syn=11 synack=3 clamped_syn=4 clamped_synack=2 unchanged=6 no_mss=1 malformed=1 ptb=5)" "$ST4"
check_eq "ipv6 counters: 6 SYNs clamped, 4 and a SYN-ACK unchanged, 1 no_mss, 6 ptb" \
	"$(vec syn=11 synack=3 clamped_syn=6 clamped_synack=2 unchanged=5 no_mss=1 ptb=6)" "$ST6"

# buckets NS FAMILY KIND: "LOW-HIGH:COUNT ..." of "-j histogram", and the total.
buckets() {
	ctl "$1" -j histogram "$2" "$3" | jq -r --arg f "$2" --arg k "$3" \
		'.[$f][$k] | ([.buckets[] | "\(.low)-\(.high):\(.count)"] | join(" ")) + " total=\(.total)"'
}
check_eq "ipv4 syn: the 9 SYNs with a valid MSS, each in its bucket" \
	"536-599:1 1300-1300:1 1400-1400:1 1452-1452:2 1460-1460:3 8192-8999:1 total=9" \
	"$(buckets "$NS_R" ipv4 syn)"
check_eq "ipv4 synack: the 3 SYN-ACKs" "1380-1380:1 1460-1460:2 total=3" \
	"$(buckets "$NS_R" ipv4 synack)"
check_eq "ipv4 ptb: the 5 frag-needed MTUs (0 and 576 in the low buckets)" \
	"0-535:1 536-599:1 1400-1400:1 1492-1492:2 total=5" "$(buckets "$NS_R" ipv4 ptb)"
check_eq "ipv6 syn: the 10 SYNs with a valid MSS (65535 in the open bucket)" \
	"1220-1220:2 1380-1380:1 1396-1396:1 1440-1440:4 8192-8999:1 16384-4294967295:1 total=10" \
	"$(buckets "$NS_R" ipv6 syn)"
check_eq "ipv6 synack: the 3 SYN-ACKs" "1220-1220:1 1440-1440:1 8192-8999:1 total=3" \
	"$(buckets "$NS_R" ipv6 synack)"
check_eq "ipv6 ptb: the 6 MTUs, 70000 above 65535" \
	"1280-1280:3 1390-1390:1 9000-16383:1 16384-4294967295:1 total=6" \
	"$(buckets "$NS_R" ipv6 ptb)"
check_eq "-j histogram: the ceilings" "1452 1396" \
	"$(ctl "$NS_R" -j histogram | jq -r '"\(.ipv4.ceiling) \(.ipv6.ceiling)"')"

# --- 3: text, Prometheus -------------------------------------------------------------

hist=$(ctl "$NS_R" histogram)
# closing FAMILY KIND: the closing line of that histogram in the text.
closing() {
	awk -v h="$1 $2:" '$1 " " $2 == h { f = 1 } f && /^ceiling / { print; exit }' <<<"$hist"
}
check_eq "text, ipv4 syn: 5 of 9 at or below 1452" \
	"ceiling 1452: 55.6 % of SYNs already at or below it, 44.4 % lowered" "$(closing ipv4 syn)"
check_eq "text, ipv4 synack: 1 of 3" \
	"ceiling 1452: 33.3 % of SYN-ACKs already at or below it, 66.7 % lowered" \
	"$(closing ipv4 synack)"
check_eq "text, ipv4 ptb: 2 of 5 MTUs fit a 1492-byte packet" \
	"ceiling 1452 (1492-byte packets): 40.0 % of frag-needed messages report an MTU they fit, 60.0 % a smaller one" \
	"$(closing ipv4 ptb)"
check_eq "text, ipv6 syn: 4 of 10 at or below 1396" \
	"ceiling 1396: 40.0 % of SYNs already at or below it, 60.0 % lowered" "$(closing ipv6 syn)"
check_eq "text, ipv6 ptb: 2 of 6 MTUs fit a 1456-byte packet" \
	"ceiling 1396 (1456-byte packets): 33.3 % of Packet Too Big messages report an MTU they fit, 66.7 % a smaller one" \
	"$(closing ipv6 ptb)"
hist6=$(ctl "$NS_R" histogram ipv6)
check_eq "histogram ipv6: the ipv6 part of histogram" \
	"$(sed -n '/^ipv6 syn:/,$p' <<<"$hist")" "$hist6"
mapfile -t hl <<<"$hist6"
printf '# histogram ipv6: %s\n' "${hl[@]}"
check_match "text, ipv6 syn: the open bucket as 16384+" '^ +16384\+ +#+ +10\.0 % +100\.0 %$' \
	"$(awk '/^ipv6 syn:/ { f = 1 } f && /^ceiling/ { exit } f' <<<"$hist")"

ctl "$NS_R" stats --prometheus >"$WORK/m.prom"
sed 's/^/# stats --prometheus: /' "$WORK/m.prom"
if command -v promtool >/dev/null; then
	# shellcheck disable=SC2016 # expanded by eval
	check "promtool check metrics accepts stats --prometheus" \
		eval 'promtool check metrics <"$WORK/m.prom" >"$WORK/promtool.out" 2>&1'
	sed 's/^/# promtool: /' "$WORK/promtool.out"
else
	tap_fail "promtool is installed (make deps: prometheus)"
fi
# sample NAME{LABELS}: its value in the exposition.
sample() { awk -v k="$1" '$1 == k { print $2 }' "$WORK/m.prom"; }
check_eq "prometheus: counters" "11 1 1 5 6" \
	"$(sample 'mssclamp_syn_total{family="ipv4"}') $(sample 'mssclamp_no_mss_total{family="ipv4"}') $(sample 'mssclamp_malformed_total{family="ipv4"}') $(sample 'mssclamp_ptb_total{family="ipv4"}') $(sample 'mssclamp_ptb_total{family="ipv6"}')"
check_eq "prometheus: enabled and ceilings" "1 1 1452 1396" \
	"$(sample 'mssclamp_enabled{family="ipv4"}') $(sample 'mssclamp_enabled{family="ipv6"}') $(sample 'mssclamp_ceiling_bytes{family="ipv4"}') $(sample 'mssclamp_ceiling_bytes{family="ipv6"}')"
l='family="ipv4",direction="syn"'
check_eq "prometheus: ipv4 SYNs, cumulative buckets, _sum, _count" \
	"599=1 1300=2 1400=3 1452=5 1460=8 8999=9 +Inf=9 sum=19480 count=9" \
	"$(awk -v l="$l" 'index($1, "mssclamp_advertised_mss_bucket{" l ",le=") == 1 {
		le = $1; sub(/.*le="/, "", le); sub(/"}$/, "", le); printf "%s=%s ", le, $2 }
		$1 == "mssclamp_advertised_mss_sum{" l "}" { printf "sum=%s ", $2 }
		$1 == "mssclamp_advertised_mss_count{" l "}" { printf "count=%s", $2 }' "$WORK/m.prom")"
check_eq "prometheus: ipv6 PTB MTUs, the open bucket in +Inf only" \
	"1280=3 1390=4 16383=5 +Inf=6 sum=84230 count=6" \
	"$(awk 'index($1, "mssclamp_ptb_mtu_bucket{family=\"ipv6\",le=") == 1 {
		le = $1; sub(/.*le="/, "", le); sub(/"}$/, "", le); printf "%s=%s ", le, $2 }
		$1 == "mssclamp_ptb_mtu_sum{family=\"ipv6\"}" { printf "sum=%s ", $2 }
		$1 == "mssclamp_ptb_mtu_count{family=\"ipv6\"}" { printf "count=%s", $2 }' "$WORK/m.prom")"
check_eq "prometheus: ipv6 SYN-ACKs' sum (1440 + 1220 + 8940)" 11600 \
	"$(sample 'mssclamp_advertised_mss_sum{family="ipv6",direction="synack"}')"
mkdir "$WORK/textfile"
check "stats --prometheus --output FILE" \
	ctl "$NS_R" stats --prometheus --output "$WORK/textfile/mssclamp.prom"
check "... FILE holds what standard output got" cmp -s "$WORK/m.prom" "$WORK/textfile/mssclamp.prom"
check_eq "... mode 0644, alone in its directory" "644 mssclamp.prom" \
	"$(stat -c %a "$WORK/textfile/mssclamp.prom") $(ls -A "$WORK/textfile")"

# --- 4: uid 65534 ----------------------------------------------------------------------

root_json=$(ctl "$NS_R" -j histogram)
check_eq "uid 65534 reads the histograms (-j), as root does" "$root_json" \
	"$(r "${NOBODY[@]}" "$CTL" -j histogram 2>&1)"
check_eq "uid 65534 reads the text, as root does" "$hist" "$(r "${NOBODY[@]}" "$CTL" histogram 2>&1)"
rc=0
err=$(r "${NOBODY[@]}" "$CTL" stats reset 2>&1 >/dev/null) || rc=$?
check_eq "uid 65534 cannot reset: status 1" 1 "$rc"
check_match "... one line, the kernel's no" \
	'^mssclampctl: stats reset: Operation not permitted \(needs CAP_NET_ADMIN in the namespace\)$' "$err"
check_eq "... and the histograms are as they were" "$root_json" "$(ctl "$NS_R" -j histogram)"

# --- 5: monitor ----------------------------------------------------------------------

# subscribed PID: the process's netlink socket has joined nlctrl's group
# (group 16, bit 15 of /proc/net/netlink's Groups), which monitor joins
# after the family's own: it hears everything from now on.
subscribed() {
	local eth pid groups rest
	while read -r _ eth pid groups rest; do
		[ "$eth" = 16 ] && [ "$pid" = "$1" ] &&
			[[ $groups =~ ^[0-9a-f]{8}$ ]] && (((0x$groups & 0x8000) != 0)) &&
			return 0
	done <"/proc/$1/net/netlink"
	return 1
}
# ready NAME PID: wait (10 s at most) until PID is subscribed; a case.
ready() {
	local i
	for ((i = 0; i < 100; i++)); do
		subscribed "$2" && break
		sleep 0.1
	done
	check "$1 is listening" subscribed "$2"
}
# Started by ip netns exec itself (not through r, a function: a subshell),
# so that $! is the monitor: ip and setpriv exec what they run.
mkfifo "$WORK/jpipe"
cat "$WORK/jpipe" >"$WORK/jmon.out" &
ip netns exec "$NS_R" "$CTL" monitor >"$WORK/mon.out" 2>"$WORK/mon.err" &
mon=$!
ip netns exec "$NS_R" "$CTL" -j monitor >"$WORK/jpipe" 2>"$WORK/jmon.err" &
jmon=$!
ip netns exec "$NS_R" "${NOBODY[@]}" "$CTL" monitor >"$WORK/nmon.out" 2>"$WORK/nmon.err" &
nmon=$!
"$CTL" -n "$NS_C" monitor >"$WORK/cmon.out" 2>"$WORK/cmon.err" &
cmon=$!
ip netns exec "$NS_R" "$CTL" monitor >"$WORK/tmon.out" 2>"$WORK/tmon.err" &
tmon=$!
ready "monitor (root, router)" "$mon"
ready "-j monitor through a pipe (root, router)" "$jmon"
ready "monitor (uid 65534, router)" "$nmon"
ready "monitor -n $NS_C (root)" "$cmon"
ready "monitor to be stopped (root, router)" "$tmon"

# lines FILE N: wait (10 s at most) until FILE has N lines; print them.
lines() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(awk 'END { print NR }' "$1")" -lt "$2" ] || break
		sleep 0.1
	done
	cat "$1"
}
ctl_set "$NS_R" set ipv6 mtu 1400
line6="config $(ctl "$NS_R" show ipv6)"
check_eq "monitor: the set, as show prints the family after it" "$line6" \
	"$(lines "$WORK/mon.out" 1)"
check_eq "monitor as uid 65534: the same line" "$line6" "$(lines "$WORK/nmon.out" 1)"
kill -TERM "$tmon"
rc=0
wait "$tmon" || rc=$?
check_eq "monitor: SIGTERM ends it with status 0, nothing on stderr" "0 $line6" \
	"$rc $(cat "$WORK/tmon.err" "$WORK/tmon.out")"

before6=$(ctl "$NS_R" -j histogram ipv6)
ctl_set "$NS_R" stats reset ipv4
z='{"total": 0, "buckets": []}'
check_eq "stats reset ipv4 zeroes ipv4's histograms" \
	"{\"ipv4\": {\"ceiling\": 1452, \"syn\": $z, \"synack\": $z, \"ptb\": $z}}" \
	"$(ctl "$NS_R" -j histogram ipv4)"
check_eq "... and leaves ipv6's" "$before6" "$(ctl "$NS_R" -j histogram ipv6)"
check_eq "... and ptb" "0 6" "$(counter "$NS_R" ipv4 ptb) $(counter "$NS_R" ipv6 ptb)"
ctl_set "$NS_R" stats reset
check_eq "stats reset zeroes both families' histograms" \
	"{\"ipv4\": {\"ceiling\": 1452, \"syn\": $z, \"synack\": $z, \"ptb\": $z}, \"ipv6\": {\"ceiling\": 1296, \"syn\": $z, \"synack\": $z, \"ptb\": $z}}" \
	"$(ctl "$NS_R" -j histogram)"
check_eq "monitor: the set, then a line per family reset" "$line6
stats-reset ipv4
stats-reset ipv4
stats-reset ipv6" "$(lines "$WORK/mon.out" 4)"
check_eq "monitor as uid 65534: the same" "$(cat "$WORK/mon.out")" \
	"$(lines "$WORK/nmon.out" 4)"

jl=$(lines "$WORK/jmon.out" 4)
printf '%s\n' "$jl" | sed 's/^/# -j monitor: /'
n=0 ok=0
while IFS= read -r l; do
	n=$((n + 1))
	jq -e 'type == "object"' <<<"$l" >/dev/null 2>&1 && ok=$((ok + 1))
done <<<"$jl"
check_eq "-j monitor: 4 lines through the pipe while it runs, each a JSON object" "4 4" "$n $ok"
check_eq "-j monitor: the events" \
	"config ipv6,stats-reset ipv4,stats-reset ipv4,stats-reset ipv6" \
	"$(jq -r '"\(.event) \(.family)"' <<<"$jl" | paste -sd,)"
check_eq "-j monitor: the config is -j show's" \
	"$(ctl "$NS_R" -j show ipv6 | jq -c .ipv6)" "$(head -n 1 <<<"$jl" | jq -c .config)"

ctl_set "$NS_C" set ipv4 enable
check_eq "monitor -n $NS_C: only its own namespace's event" \
	"config $(ctl "$NS_C" show ipv4)" "$(lines "$WORK/cmon.out" 1)"
check_eq "monitor (router) heard nothing of $NS_C" 4 "$(awk 'END { print NR }' "$WORK/mon.out")"

# --- 6: the module goes -----------------------------------------------------------------

check "rmmod mssclamp under 4 monitors" mod_unload
for m in "mon:$mon" "jmon:$jmon" "nmon:$nmon" "cmon:$cmon"; do
	name=${m%%:*} pid=${m#*:}
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	rc=0
	wait "$pid" || rc=$?
	check_eq "$name: exits 1 saying the module was unloaded" \
		"1 mssclampctl: monitor: the mssclamp module was unloaded" \
		"$rc $(cat "$WORK/$name.err")"
done
check_not "/sys/module/mssclamp is gone" mod_loaded
