#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What the clamp sees, without the module: mssclampctl histogram, monitor
# and stats --prometheus against the stand-in family (fakegenl.so), under
# ASan and UBSan: the exact text and JSON, the arithmetic of the closing
# line, a histogram split over messages and datagrams merged back, the
# Prometheus text exact and accepted by promtool, --output's atomic file,
# monitor's lines and its end when the module goes; the usage errors (exit
# 2, nothing sent); the systemd units of the exporter and the alert rule
# of docs/operations.md.
#
#   bash tests/unit/observe_test.sh        (results also in $TAP_FILE)

# shellcheck disable=SC2317	# helpers run through ctl_expect and trap
# shellcheck disable=SC2016	# sh -c scripts take their arguments as $1...
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib/sh/ctl.sh
. "$top/tests/lib/sh/ctl.sh"
ctl_setup "ctl: observe: the ASan/UBSan build and the stand-in build"

notloaded="mssclampctl: the mssclamp module is not loaded (modprobe mssclamp)"
state=$tmp/state
# config LINE4 LINE6: the stand-in's configuration (fakegenl.c's format:
# F enabled mtu overhead pmtu hook syn synack devs).
config() { printf '%s\n%s\n' "$1" "$2" >"$state"; }
fakes() { fake FAKEGENL_STATE="$state" "$@"; }
# IPv4 ceiling 1452 (overhead 8), IPv6 1396 (overhead 44).
config "4 1 1500 8 0 0 1 1 -" "6 1 1500 44 0 0 1 1 -"

# --- histogram: text ----------------------------------------------------------

h4="4/syn:536-599=1,1300=1,1400=1,1452=2,1460=3,8192-8999=1"
ctl_expect "histogram ipv4 syn: the rows and the ceiling line" 0 \
	"ipv4 syn: 9 SYNs
      value                                              share    cumul
    536-599  #############                              11.1 %   11.1 %
       1300  #############                              11.1 %   22.2 %
       1400  #############                              11.1 %   33.3 %
       1452  ###########################                22.2 %   55.6 %
       1460  ########################################   33.3 %   88.9 %
  8192-8999  #############                              11.1 %  100.0 %
ceiling 1452: 55.6 % of SYNs already at or below it, 44.4 % lowered" "" \
	fakes FAKEGENL_HIST="$h4" histogram ipv4 syn
sent "the ceiling's family, then the histograms" "GET_CONFIG ack family=4
GET_HIST dump"

# ceiling NAME LINE HIST ARGS...: the last line of "histogram ARGS" is LINE.
ceiling() {
	local name=$1 want=$2 hist=$3 got
	shift 3
	got=$(fakes FAKEGENL_HIST="$hist" histogram "$@" 2>&1 | tail -n 1)
	if [ "$got" = "$want" ]; then
		tap_ok "ctl: histogram: $name"
	else
		fail "ctl: histogram: $name"
		echo "#   expected: $want"
		echo "#   actual:   $got"
	fi
}
ceiling "the product's line: 931 of 1000 at or below 1396" \
	"ceiling 1396: 93.1 % of SYNs already at or below it, 6.9 % lowered" \
	"6/syn:1220=100,1396=831,1440=69" ipv6 syn
ceiling "a value equal to the ceiling is at or below it" \
	"ceiling 1396: 100.0 % of SYNs already at or below it, 0.0 % lowered" \
	"6/syn:1396=5" ipv6 syn
ceiling "one above the ceiling is lowered" \
	"ceiling 1396: 0.0 % of SYNs already at or below it, 100.0 % lowered" \
	"6/syn:1397=5" ipv6 syn
ceiling "thirds add up to 100.0 (33.3 and 66.7)" \
	"ceiling 1452: 33.3 % of SYNs already at or below it, 66.7 % lowered" \
	"4/syn:1400=1,1460=2" ipv4 syn
ceiling "a half rounds up, the other share is what is left (93.75: 93.8, 6.2)" \
	"ceiling 1452: 93.8 % of SYNs already at or below it, 6.2 % lowered" \
	"4/syn:1452=15,1453=1" ipv4 syn
ceiling "SYN-ACKs are SYN-ACKs" \
	"ceiling 1452: 0.0 % of SYN-ACKs already at or below it, 100.0 % lowered" \
	"4/synack:1460=1,1500=2" ipv4 synack
ceiling "an empty histogram" "ceiling 1396: no SYN-ACKs counted" "" ipv6 synack
ceiling "ptb: MTUs against a full segment at the ceiling (1396 + 60)" \
	"ceiling 1396 (1456-byte packets): 70.0 % of Packet Too Big messages report an MTU they fit, 30.0 % a smaller one" \
	"6/ptb:1280=3,1456=1,1500=4,16384+=2" ipv6 ptb
ceiling "ptb: IPv4's are frag-needed messages, 1452 + 40" \
	"ceiling 1452 (1492-byte packets): 50.0 % of frag-needed messages report an MTU they fit, 50.0 % a smaller one" \
	"4/ptb:1491=1,1492=1" ipv4 ptb
config "4 1 1190 0 0 0 1 1 -" "6 1 1500 44 0 0 1 1 -"
ceiling "a bucket the ceiling splits (1150 in 1100-1199) is named apart" \
	"ceiling 1150: 50.0 % of SYNs already at or below it, 25.0 % lowered, 25.0 % in 1100-1199 may be either" \
	"4/syn:1000-1099=2,1100-1199=1,1460=1" ipv4 syn
config "4 1 1040 0 0 0 1 1 -" "6 1 1500 44 0 0 1 1 -"
ceiling "ptb: a bucket the packet size splits (1040 in 1000-1099)" \
	"ceiling 1000 (1040-byte packets): 50.0 % of frag-needed messages report an MTU they fit, 0.0 % a smaller one, 50.0 % in 1000-1099 may be either" \
	"4/ptb:1000-1099=1,1500=1" ipv4 ptb
config "4 1 1500 8 0 0 1 1 -" "6 1 1500 44 0 0 1 1 -"

ctl_expect "histogram ipv6: its three, the open bucket, one of one" 0 \
	"ipv6 syn: 1 SYN
  value                                              share    cumul
   1440  ########################################  100.0 %  100.0 %
ceiling 1396: 0.0 % of SYNs already at or below it, 100.0 % lowered

ipv6 synack: 0 SYN-ACKs
ceiling 1396: no SYN-ACKs counted

ipv6 ptb: 5 Packet Too Big messages
   value                                              share    cumul
    1280  ########################################   80.0 %   80.0 %
  16384+  ##########                                 20.0 %  100.0 %
ceiling 1396 (1456-byte packets): 20.0 % of Packet Too Big messages report an MTU they fit, 80.0 % a smaller one" "" \
	fakes FAKEGENL_HIST="6/syn:1440=1;6/ptb:1280=4,16384+=1" histogram ipv6
ctl_expect "histogram ptb: a kind of both families" 0 \
	"ipv4 ptb: 1 frag-needed message
  value                                              share    cumul
   1492  ########################################  100.0 %  100.0 %
ceiling 1452 (1492-byte packets): 100.0 % of frag-needed messages report an MTU they fit, 0.0 % a smaller one

ipv6 ptb: 0 Packet Too Big messages
ceiling 1396 (1456-byte packets): no Packet Too Big messages counted" "" \
	fakes FAKEGENL_HIST="4/ptb:1492=1" histogram ptb
sent "a config dump for both families" "GET_CONFIG dump
GET_HIST dump"
fakes FAKEGENL_HIST="$h4" histogram >"$tmp/all.txt" 2>&1
check_eq "ctl: histogram: six histograms without family or kind" \
	"ipv4 syn,ipv4 synack,ipv4 ptb,ipv6 syn,ipv6 synack,ipv6 ptb" \
	"$(sed -n 's/^\(ipv[46] [a-z]*\): .*/\1/p' "$tmp/all.txt" | paste -sd,)"

# --- histogram: JSON ----------------------------------------------------------

e='{"total": 0, "buckets": []}'
ctl_expect "-j histogram ipv4: ceiling, totals, buckets ascending" 0 \
	"{\"ipv4\": {\"ceiling\": 1452, \"syn\": {\"total\": 9, \"buckets\": [{\"low\": 536, \"high\": 599, \"count\": 1}, {\"low\": 1300, \"high\": 1300, \"count\": 1}, {\"low\": 1400, \"high\": 1400, \"count\": 1}, {\"low\": 1452, \"high\": 1452, \"count\": 2}, {\"low\": 1460, \"high\": 1460, \"count\": 3}, {\"low\": 8192, \"high\": 8999, \"count\": 1}]}, \"synack\": $e, \"ptb\": {\"total\": 3, \"buckets\": [{\"low\": 1492, \"high\": 1492, \"count\": 2}, {\"low\": 16384, \"high\": 4294967295, \"count\": 1}]}}}" "" \
	fakes FAKEGENL_HIST="$h4;4/ptb:1492=2,16384+=1" -j histogram ipv4
ctl_expect "-j histogram ipv6 synack: one kind" 0 \
	"{\"ipv6\": {\"ceiling\": 1396, \"synack\": {\"total\": 7, \"buckets\": [{\"low\": 1220, \"high\": 1220, \"count\": 7}]}}}" "" \
	fakes FAKEGENL_HIST="6/synack:1220=7" -j histogram ipv6 synack
ctl_expect "-j histogram: both families, all kinds" 0 \
	"{\"ipv4\": {\"ceiling\": 1452, \"syn\": $e, \"synack\": $e, \"ptb\": $e}, \"ipv6\": {\"ceiling\": 1396, \"syn\": $e, \"synack\": $e, \"ptb\": $e}}" "" \
	fakes -j histogram

# --- histogram: the merge -------------------------------------------------------

# Every value the module counts alone (1200-1500), and the buckets around
# them: 315 buckets, more than one datagram of the stand-in holds.
big="4/syn:0-535=1,536-599=2"
for ((lo = 600; lo < 1200; lo += 100)); do big+=",$lo-$((lo + 99))=3"; done
for ((v = 1200; v <= 1500; v++)); do big+=",$v=$((v % 7 + 1))"; done
big+=",1501-1999=4,2000-3999=5,4000-8191=6,8192-8999=7,9000-16383=8,16384+=9"
big+=";6/ptb:1280=2,1500=3"
rm -f "$tmp/log"
fakes FAKEGENL_HIST="$big" FAKEGENL_HIST_SPLIT=1000 -j histogram >"$tmp/whole.json"
cuts=$(grep '^# GET_HIST' "$tmp/log")
printf "%s\n" "$cuts"
check_eq "ctl: the stand-in cut a 315-bucket histogram over datagrams by itself" \
	"cut" "$(awk '/^# GET_HIST/ { print ($5 > 1 && $3 > 6) ? "cut" : $0 }' "$tmp/log")"
rm -f "$tmp/log"
fakes FAKEGENL_HIST="$big" FAKEGENL_HIST_SPLIT=1 FAKEGENL_HIST_DGRAM=1 \
	-j histogram >"$tmp/split.json"
check_eq "ctl: ... and into a message and a datagram per bucket when told" \
	"# GET_HIST: 321 messages in 321 datagrams" "$(grep '^# GET_HIST' "$tmp/log")"
ctl_expect "a histogram in 317 messages merges to the same JSON" \
	0 "$(cat "$tmp/whole.json")" "" cat "$tmp/split.json"
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
b = d["ipv4"]["syn"]["buckets"]
ok = len(b) == 315 and all(x["high"] < y["low"] for x, y in zip(b, b[1:]))
ok = ok and d["ipv4"]["syn"]["total"] == sum(x["count"] for x in b)
sys.exit(0 if ok else 1)' "$tmp/split.json"; then
	tap_ok "ctl: the merged histogram: 315 buckets, ascending, total their sum"
else
	fail "ctl: the merged histogram: 315 buckets, ascending, total their sum"
fi
fakes FAKEGENL_HIST="$big" FAKEGENL_HIST_SPLIT=7 FAKEGENL_HIST_DGRAM=3 \
	histogram >"$tmp/split.txt" 2>&1
fakes FAKEGENL_HIST="$big" FAKEGENL_HIST_SPLIT=1000 histogram >"$tmp/whole.txt" 2>&1
ctl_expect "the text of a split histogram is the whole one's" \
	0 "$(cat "$tmp/whole.txt")" "" cat "$tmp/split.txt"
ctl_expect "a bucket sent twice (a dump seen again) is counted once, the last" 0 \
	"{\"ipv4\": {\"ceiling\": 1452, \"syn\": {\"total\": 5, \"buckets\": [{\"low\": 1460, \"high\": 1460, \"count\": 5}]}}}" "" \
	fakes FAKEGENL_HIST="4/syn:1460=2,1460=5" FAKEGENL_HIST_SPLIT=1 -j histogram ipv4 syn
ctl_expect "an interrupted dump is read again" 0 \
	"{\"ipv4\": {\"ceiling\": 1452, \"syn\": {\"total\": 3, \"buckets\": [{\"low\": 1460, \"high\": 1460, \"count\": 3}]}}}" "" \
	fakes FAKEGENL_INTR=1 FAKEGENL_HIST="4/syn:1460=3" -j histogram ipv4 syn
sent "the dump twice" "GET_CONFIG ack family=4
GET_HIST dump
GET_HIST dump"
ctl_expect "overlapping buckets are a bad reply" 1 "" \
	"mssclampctl: histogram: unexpected reply from the kernel: Bad message" \
	fakes FAKEGENL_HIST="4/syn:1400-1500=1,1460=2" histogram

# --- histogram: errors ------------------------------------------------------------

usage "histogram: unknown family" \
	"histogram: unknown family or kind 'ipv5' (expected ipv4 or ipv6, then syn, synack or ptb)" \
	histogram ipv5
usage "histogram: unknown kind" \
	"histogram: unknown kind 'fin' (expected syn, synack or ptb)" histogram ipv4 fin
usage "histogram: a kind alone that is none" \
	"histogram: unknown family or kind 'fin' (expected ipv4 or ipv6, then syn, synack or ptb)" \
	histogram fin
usage "histogram: the family after the kind" \
	"histogram: unexpected argument 'ipv4' (expected [ipv4|ipv6] [syn|synack|ptb])" \
	histogram syn ipv4
usage "histogram: one argument too many" \
	"histogram: unexpected argument 'x' (expected [ipv4|ipv6] [syn|synack|ptb])" \
	histogram ipv4 syn x
ctl_expect "histogram without the module" 1 "" "$notloaded" fake FAKEGENL_ABSENT=1 histogram
ctl_expect "histogram: a write error" 1 "" \
	"mssclampctl: cannot write the output: No space left on device" \
	sh -c 'LD_PRELOAD="$1" "$2" histogram >/dev/full' sh "$fakelib" "$ctl"

# --- stats --prometheus -------------------------------------------------------------

counters="10,20,3,4,23,0,0,0,0,5;7,8,1,2,12,0,0,0,0,2"
hist="4/syn:536-599=1,1460=3;4/synack@2920:1460=2;4/ptb:1492=4,16384+=1"
hist+=";6/syn@3100:1220=1,1440=1;6/ptb:1280=2"
# counter NAME IPV4 IPV6 HELP: the three lines of a counter.
counter() {
	printf '# HELP mssclamp_%s_total %s\n# TYPE mssclamp_%s_total counter\n' "$1" "$4" "$1"
	printf 'mssclamp_%s_total{family="ipv4"} %s\nmssclamp_%s_total{family="ipv6"} %s\n' \
		"$1" "$2" "$1" "$3"
}
want=$(
	counter syn 10 7 "SYN packets (SYN set, ACK and RST clear) inspected."
	counter synack 20 8 "SYN-ACK packets (SYN and ACK set, RST clear) inspected."
	counter clamped_syn 3 1 "SYNs whose MSS was above the ceiling and was lowered to it."
	counter clamped_synack 4 2 "SYN-ACKs whose MSS was above the ceiling and was lowered to it."
	counter unchanged 23 12 "SYNs and SYN-ACKs whose MSS was at or below the ceiling."
	counter no_mss 0 0 "SYNs and SYN-ACKs without an MSS option."
	counter malformed 0 0 "SYNs and SYN-ACKs whose TCP header or options could not be parsed."
	counter fragments 0 0 "TCP packets that were non-first fragments, skipped."
	counter errors 0 0 "SYNs and SYN-ACKs that needed rewriting but could not be made writable."
	counter ptb 5 2 "ICMP fragmentation-needed and ICMPv6 Packet Too Big messages seen."
	cat <<-'EOF'
	# HELP mssclamp_enabled Whether the family is clamped (1) or not (0).
	# TYPE mssclamp_enabled gauge
	mssclamp_enabled{family="ipv4"} 1
	mssclamp_enabled{family="ipv6"} 0
	# HELP mssclamp_ceiling_bytes The MSS ceiling: mtu - IP header - 20 - overhead.
	# TYPE mssclamp_ceiling_bytes gauge
	mssclamp_ceiling_bytes{family="ipv4"} 1452
	mssclamp_ceiling_bytes{family="ipv6"} 1396
	# HELP mssclamp_advertised_mss The MSS option of the SYNs and SYN-ACKs inspected, before clamping.
	# TYPE mssclamp_advertised_mss histogram
	mssclamp_advertised_mss_bucket{family="ipv4",direction="syn",le="599"} 1
	mssclamp_advertised_mss_bucket{family="ipv4",direction="syn",le="1460"} 4
	mssclamp_advertised_mss_bucket{family="ipv4",direction="syn",le="+Inf"} 4
	mssclamp_advertised_mss_sum{family="ipv4",direction="syn"} 4916
	mssclamp_advertised_mss_count{family="ipv4",direction="syn"} 4
	mssclamp_advertised_mss_bucket{family="ipv4",direction="synack",le="1460"} 2
	mssclamp_advertised_mss_bucket{family="ipv4",direction="synack",le="+Inf"} 2
	mssclamp_advertised_mss_sum{family="ipv4",direction="synack"} 2920
	mssclamp_advertised_mss_count{family="ipv4",direction="synack"} 2
	mssclamp_advertised_mss_bucket{family="ipv6",direction="syn",le="1220"} 1
	mssclamp_advertised_mss_bucket{family="ipv6",direction="syn",le="1440"} 2
	mssclamp_advertised_mss_bucket{family="ipv6",direction="syn",le="+Inf"} 2
	mssclamp_advertised_mss_sum{family="ipv6",direction="syn"} 3100
	mssclamp_advertised_mss_count{family="ipv6",direction="syn"} 2
	mssclamp_advertised_mss_bucket{family="ipv6",direction="synack",le="+Inf"} 0
	mssclamp_advertised_mss_sum{family="ipv6",direction="synack"} 0
	mssclamp_advertised_mss_count{family="ipv6",direction="synack"} 0
	# HELP mssclamp_ptb_mtu The MTU reported by the ICMP fragmentation-needed and ICMPv6 Packet Too Big messages seen.
	# TYPE mssclamp_ptb_mtu histogram
	mssclamp_ptb_mtu_bucket{family="ipv4",le="1492"} 4
	mssclamp_ptb_mtu_bucket{family="ipv4",le="+Inf"} 5
	mssclamp_ptb_mtu_sum{family="ipv4"} 22352
	mssclamp_ptb_mtu_count{family="ipv4"} 5
	mssclamp_ptb_mtu_bucket{family="ipv6",le="1280"} 2
	mssclamp_ptb_mtu_bucket{family="ipv6",le="+Inf"} 2
	mssclamp_ptb_mtu_sum{family="ipv6"} 2560
	mssclamp_ptb_mtu_count{family="ipv6"} 2
	EOF
)
config "4 1 1500 8 0 0 1 1 -" "6 0 1500 44 0 0 1 1 -"
prom() { fakes FAKEGENL_COUNTERS="$counters" FAKEGENL_HIST="$hist" "$@"; }
ctl_expect "stats --prometheus: every line exactly" 0 "$want" "" prom stats --prometheus
sent "config, counters and histograms" "GET_CONFIG dump
GET_STATS dump
GET_HIST dump"
prom stats --prometheus >"$tmp/m.prom"

if command -v promtool >/dev/null; then
	if promtool check metrics <"$tmp/m.prom" >"$tmp/promtool.out" 2>&1; then
		tap_ok "ctl: promtool check metrics accepts stats --prometheus"
	else
		fail "ctl: promtool check metrics accepts stats --prometheus"
		sed 's/^/# /' "$tmp/promtool.out"
	fi
	# The control: the same with one counter's _total taken off.
	sed 's/mssclamp_syn_total/mssclamp_syn/' "$tmp/m.prom" >"$tmp/bad.prom"
	if promtool check metrics <"$tmp/bad.prom" >/dev/null 2>&1; then
		fail "ctl: control: promtool refuses a counter without _total"
	else
		tap_ok "ctl: control: promtool refuses a counter without _total"
	fi
else
	tap_ok "ctl: promtool check metrics accepts stats --prometheus # SKIP no promtool (Debian: prometheus)"
fi
# What promtool does not check: cumulative buckets, +Inf last and equal to
# _count, every sample of a family after its HELP and TYPE.
if python3 - "$tmp/m.prom" <<-'EOF'; then
	import re, sys
	seen, typed, hists = set(), {}, {}
	for line in open(sys.argv[1]):
	    line = line.rstrip("\n")
	    m = re.match(r"# (HELP|TYPE) (\S+) (.*)", line)
	    if m:
	        seen.add((m.group(1), m.group(2)))
	        if m.group(1) == "TYPE":
	            typed[m.group(2)] = m.group(3)
	        continue
	    m = re.match(r"(\w+)\{(.*)\} (\d+)$", line)
	    assert m, line
	    name, labels, val = m.group(1), m.group(2), int(m.group(3))
	    base = re.sub(r"_(bucket|sum|count)$", "", name)
	    if base not in typed:
	        base = name
	    assert ("HELP", base) in seen and base in typed, line
	    if typed[base] == "histogram":
	        key = (base, re.sub(r',?le="[^"]*"', "", labels))
	        h = hists.setdefault(key, {"le": [], "count": None})
	        if name.endswith("_bucket"):
	            le = re.search(r'le="([^"]*)"', labels).group(1)
	            h["le"].append((float(le), val))
	        elif name.endswith("_count"):
	            h["count"] = val
	for key, h in hists.items():
	    les = [x for x, _ in h["le"]]
	    vals = [v for _, v in h["le"]]
	    assert les == sorted(les) and les[-1] == float("inf"), key
	    assert vals == sorted(vals) and vals[-1] == h["count"], key
	assert len(hists) == 6, hists.keys()
	EOF
	tap_ok "ctl: stats --prometheus: six histograms, cumulative, +Inf = _count"
else
	fail "ctl: stats --prometheus: six histograms, cumulative, +Inf = _count"
fi
rm -f "$tmp/log"
prom stats --prometheus ipv6 >"$tmp/m6.prom"
check_eq "ctl: stats --prometheus ipv6: only ipv6's samples" \
	"$(grep -v 'family="ipv4"' "$tmp/m.prom")" "$(cat "$tmp/m6.prom")"
sent "the family's config and counters, every histogram" "GET_CONFIG ack family=6
GET_STATS ack family=6
GET_HIST dump"

# --output: the same bytes, atomically, readable by the collector.
mkdir "$tmp/textfile"
out=$tmp/textfile/mssclamp.prom
echo "old" >"$out"
exec 7<"$out"
ctl_expect "stats --prometheus --output FILE prints nothing" 0 "" "" \
	prom stats --prometheus --output "$out"
ctl_expect "... and FILE holds what standard output gets" 0 "$(cat "$tmp/m.prom")" "" cat "$out"
check_eq "ctl: ... mode 0644 whatever the umask" 644 "$(stat -c %a "$out")"
check_eq "ctl: ... nothing else left in the directory" mssclamp.prom "$(ls -A "$tmp/textfile")"
check_eq "ctl: ... a reader of the old file still reads the old file (renamed over)" \
	old "$(cat <&7)"
exec 7<&-
ctl_expect "--output=FILE is the same" 0 "" "" \
	sh -c 'umask 077; "$@"' sh env LD_PRELOAD="$fakelib" FAKEGENL_STATE="$state" \
	FAKEGENL_COUNTERS="$counters" FAKEGENL_HIST="$hist" "$ctl" \
	stats --prometheus "--output=$out"
check_eq "ctl: ... 0644 under umask 077 too" 644 "$(stat -c %a "$out")"
ctl_expect "--output in a directory that does not exist" 1 "" \
	"mssclampctl: stats: cannot create a file beside '$tmp/none/mssclamp.prom': No such file or directory" \
	prom stats --prometheus --output "$tmp/none/mssclamp.prom"
ctl_expect "--output without the module: an error, the file as it was" 1 "" \
	"$notloaded" fake FAKEGENL_ABSENT=1 stats --prometheus --output "$out"
ctl_expect "... the file is the last good one" 0 "$(cat "$tmp/m.prom")" "" cat "$out"
check_eq "ctl: ... and nothing else is left" mssclamp.prom "$(ls -A "$tmp/textfile")"
ctl_expect "stats --prometheus: a write error" 1 "" \
	"mssclampctl: cannot write the output: No space left on device" \
	sh -c 'LD_PRELOAD="$1" "$2" stats --prometheus >/dev/full' sh "$fakelib" "$ctl"
usage "-j stats --prometheus" \
	"stats: --prometheus has no JSON form (for JSON, use -j stats)" -j stats --prometheus
usage "stats --output without --prometheus" \
	"stats: '--output' writes the metrics of --prometheus: give both" stats --output "$out"
usage "stats --prometheus --output without a file" \
	"stats: '--output' needs the name of a file" stats --prometheus --output
usage "stats --prometheus twice" "stats: '--prometheus' given twice" \
	stats --prometheus --prometheus
usage "stats: an unknown option" \
	"stats: unknown option '--prom' (expected --prometheus or --output FILE)" stats --prom
usage "stats --prometheus: two families" \
	"stats: unexpected argument 'ipv6' (expected one family at most: ipv4 or ipv6)" \
	stats --prometheus ipv4 ipv6
config "4 1 1500 8 0 0 1 1 -" "6 1 1500 44 0 0 1 1 -"

# --- monitor -----------------------------------------------------------------

gone="mssclampctl: monitor: the mssclamp module was unloaded"
l4="config ipv4: enabled   mtu 1500   overhead 8    mss 1452   pmtu off  hook forward      syn on   synack on   dev any"
l6="config ipv6: enabled   mtu 1500   overhead 44   mss 1396   pmtu off  hook forward      syn on   synack on   dev any"
ctl_expect "monitor: a line per event; the module's going ends it" 1 "$l6
stats-reset ipv4
$l4
stats-reset ipv6" "$gone" \
	fakes FAKEGENL_EVENTS="config 6;reset 4;config 4+reset 6;gone" monitor
if grep -qx "JOIN 16" "$tmp/log" && grep -qx "JOIN 7" "$tmp/log"; then
	tap_ok "ctl: monitor joins the family's monitor group and nlctrl's notify group"
else
	fail "ctl: monitor joins the family's monitor group and nlctrl's notify group"
	sed 's/^/# log: /' "$tmp/log"
fi
check_eq "ctl: monitor: the groups' ids are looked up by name" \
	"GETFAMILY ack mssclamp,GETFAMILY ack nlctrl" \
	"$(grep '^GETFAMILY' "$tmp/log" | paste -sd,)"
sent "nothing to the family" ""
c6='{"enabled": true, "mtu": 1500, "overhead": 44, "mss": 1396, "pmtu": false, "hook": "forward", "syn": true, "synack": true, "dev": []}'
ctl_expect "-j monitor: a JSON object per line" 1 \
	"{\"event\": \"config\", \"family\": \"ipv6\", \"config\": $c6}
{\"event\": \"stats-reset\", \"family\": \"ipv4\"}
{\"event\": \"stats-reset\", \"family\": \"ipv6\"}" "$gone" \
	fakes FAKEGENL_EVENTS="config 6;reset 4+reset 6;gone" -j monitor
if python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    obj = json.loads(line)
    assert isinstance(obj, dict) and obj["event"] in ("config", "stats-reset")
    n += 1
sys.exit(0 if n == 3 else 1)' "$tmp/out"; then
	tap_ok "ctl: -j monitor: each line parses on its own"
else
	fail "ctl: -j monitor: each line parses on its own"
fi
ctl_expect "-j monitor: the configuration is -j show's" 0 "{\"ipv6\": $c6}" "" \
	fakes -j show ipv6
ctl_expect "monitor: interrupted (SIGINT), status 0" 0 "stats-reset ipv4" "" \
	fakes FAKEGENL_EVENTS="reset 4;int;reset 6" monitor
ctl_expect "monitor: another family going away, a family coming, are not its" 1 \
	"stats-reset ipv4" "$gone" \
	fakes FAKEGENL_EVENTS="other;newfam;reset 4;gone" monitor
ctl_expect "monitor: lost notifications are said, and it goes on" 1 \
	"stats-reset ipv4
stats-reset ipv6" \
	"mssclampctl: monitor: notifications were lost (the socket's receive buffer overran)
$gone" fakes FAKEGENL_EVENTS="reset 4;overrun;reset 6;gone" monitor
ctl_expect "monitor: an NLMSG_DONE ends nothing" 1 "stats-reset ipv4
stats-reset ipv6" "$gone" fakes FAKEGENL_EVENTS="reset 4;done;reset 6;gone" monitor
ctl_expect "monitor: an error message from the kernel" 1 "stats-reset ipv4" \
	"mssclampctl: monitor: unexpected message from the kernel: Invalid argument" \
	fakes FAKEGENL_EVENTS="reset 4;error;reset 6;gone" monitor
ctl_expect "monitor: a malformed notification" 1 "" \
	"mssclampctl: monitor: a malformed notification from the kernel: Bad message" \
	fakes FAKEGENL_EVENTS="bad" monitor
ctl_expect "monitor: a module without the group" 1 "" \
	"mssclampctl: monitor: the module has no monitor group (is the module older than this tool?)" \
	fakes FAKEGENL_NO_MCGRP=1 monitor
ctl_expect "monitor without the module" 1 "" "$notloaded" fake FAKEGENL_ABSENT=1 monitor
ctl_expect "monitor -n: a namespace that does not exist" 1 "" \
	"mssclampctl: cannot open network namespace 'no-such-ns-$$': No such file or directory" \
	fake -n "no-such-ns-$$" monitor
usage "monitor takes no argument" \
	"monitor: unexpected argument 'ipv4' (monitor takes none)" monitor ipv4

# Flushed per event: the first line is in the file while monitor waits for
# the next event (the stand-in holds it until $tmp/go exists).
rm -f "$tmp/go" "$tmp/mon.out"
env LD_PRELOAD="$fakelib" FAKEGENL_STATE="$state" FAKEGENL_WAIT="$tmp/go" \
	FAKEGENL_EVENTS="reset 4;wait;reset 6;gone" "$ctl" -j monitor \
	>"$tmp/mon.out" 2>"$tmp/mon.err" &
mpid=$!
for ((i = 0; i < 100; i++)); do
	[ -s "$tmp/mon.out" ] && break
	sleep 0.05
done
check_eq "ctl: -j monitor: a line is written out before the next event" \
	'{"event": "stats-reset", "family": "ipv4"}' "$(cat "$tmp/mon.out")"
touch "$tmp/go"
rc=0
wait "$mpid" || rc=$?
check_eq "ctl: ... and the rest after it, then status 1" \
	'{"event": "stats-reset", "family": "ipv4"},{"event": "stats-reset", "family": "ipv6"},1' \
	"$(paste -sd, "$tmp/mon.out"),$rc"

# --- the exporter's units ------------------------------------------------------

# As make install fills them in, with @SBINDIR@ a directory holding the
# mssclampctl under test (systemd-analyze checks the command exists).
if command -v systemd-analyze >/dev/null; then
	mkdir -p "$tmp/unit" "$tmp/sbin"
	ln -sf "$ctl" "$tmp/sbin/mssclampctl"
	sed "s|@SBINDIR@|$tmp/sbin|g" "$top/packaging/mssclamp-prometheus.service.in" \
		>"$tmp/unit/mssclamp-prometheus.service"
	cp "$top/packaging/mssclamp-prometheus.timer" "$tmp/unit/"
	if systemd-analyze verify --man=no "$tmp/unit/mssclamp-prometheus.service" \
		"$tmp/unit/mssclamp-prometheus.timer" >"$tmp/verify.out" 2>&1 &&
		[ ! -s "$tmp/verify.out" ]; then
		tap_ok "ctl: systemd-analyze verify mssclamp-prometheus.service and .timer"
	else
		fail "ctl: systemd-analyze verify mssclamp-prometheus.service and .timer"
		sed 's/^/# /' "$tmp/verify.out"
	fi
else
	tap_ok "ctl: systemd-analyze verify mssclamp-prometheus.* # SKIP no systemd-analyze"
fi
# make install puts them beside mssclamp.service, enables neither.
if make -s -C "$top" install DESTDIR="$tmp/dest" PREFIX=/usr >"$tmp/install.log" 2>&1; then
	ud=$tmp/dest/usr/lib/systemd/system
	check_eq "ctl: make install: the exporter's service and timer beside mssclamp.service" \
		"mssclamp-prometheus.service mssclamp-prometheus.timer mssclamp.service" \
		"$(ls "$ud" | paste -sd' ')"
	check_eq "ctl: make install: the service runs the installed mssclampctl, atomically into the collector's directory" \
		"ExecStart=/usr/sbin/mssclampctl stats --prometheus --output /var/lib/prometheus/node-exporter/mssclamp.prom" \
		"$(grep '^ExecStart=' "$ud/mssclamp-prometheus.service")"
	check_eq "ctl: make install: nothing is enabled (no .wants links)" "" \
		"$(find "$tmp/dest" -name '*.wants' -o -type l)"
	check_eq "ctl: the timer: every 15 s, after the last run" "OnBootSec=15s OnUnitActiveSec=15s" \
		"$(grep -e '^OnBootSec=' -e '^OnUnitActiveSec=' "$ud/mssclamp-prometheus.timer" | paste -sd' ')"
	make -s -C "$top" uninstall DESTDIR="$tmp/dest" PREFIX=/usr >/dev/null 2>&1
	check_eq "ctl: make uninstall removes them" "" "$(ls -A "$ud")"
else
	fail "ctl: make install DESTDIR=..."
	sed 's/^/# /' "$tmp/install.log"
fi
ctl_expect "debian/rules: the package installs the timer without enabling or starting it" \
	0 "" "" grep -q -- '--no-enable --no-start' "$top/debian/rules"

# --- the alert rules of docs/operations.md ----------------------------------------

# The ```yaml block of "Monitoring a fleet", as an operator would copy it.
awk '/^## Monitoring a fleet/ { f = 1 } f && /^```yaml$/ { y = 1; next }
	y && /^```$/ { exit } y' "$top/docs/operations.md" >"$tmp/rules.yml"
if ! command -v promtool >/dev/null; then
	tap_ok "ctl: the alert rules of docs/operations.md # SKIP no promtool (Debian: prometheus)"
elif [ ! -s "$tmp/rules.yml" ]; then
	fail "ctl: docs/operations.md has a yaml block of rules under Monitoring a fleet"
else
	if promtool check rules "$tmp/rules.yml" >"$tmp/rules.out" 2>&1; then
		tap_ok "ctl: promtool check rules: the alert rules of docs/operations.md"
	else
		fail "ctl: promtool check rules: the alert rules of docs/operations.md"
		sed 's/^/# /' "$tmp/rules.out"
	fi
	# What they say, on series of a minute's resolution.
	cat >"$tmp/rules_test.yml" <<-EOF
	rule_files: [$tmp/rules.yml]
	evaluation_interval: 1m
	tests:
	  - interval: 1m
	    input_series:
	      # 100 SYNs a minute; clamped 10 a minute until 60m, then none.
	      - series: 'mssclamp_syn_total{family="ipv4"}'
	        values: '0+100x180'
	      - series: 'mssclamp_clamped_syn_total{family="ipv4"}'
	        values: '0+10x60 600+0x120'
	      # IPv6: 5 PTB per 100 SYNs; IPv4's PTB: 1 per 100.
	      - series: 'mssclamp_syn_total{family="ipv6"}'
	        values: '0+100x180'
	      - series: 'mssclamp_clamped_syn_total{family="ipv6"}'
	        values: '0+10x180'
	      - series: 'mssclamp_ptb_total{family="ipv6"}'
	        values: '0+5x180'
	      - series: 'mssclamp_ptb_total{family="ipv4"}'
	        values: '0+1x180'
	      - series: 'mssclamp_errors_total{family="ipv4"}'
	        values: '0+0x100 1+0x80'
	      - series: 'node_textfile_mtime_seconds{file="/var/lib/prometheus/node-exporter/mssclamp.prom"}'
	        values: '0+60x100 6000+0x80'
	    alert_rule_test:
	      - eval_time: 50m
	        alertname: MssclampStoppedClamping
	        exp_alerts: []
	      - eval_time: 100m
	        alertname: MssclampStoppedClamping
	        exp_alerts:
	          - exp_labels: {severity: warning, family: ipv4}
	            exp_annotations:
	              summary: ": no ipv4 SYN clamped for 15 minutes, where an hour ago there were"
	      - eval_time: 100m
	        alertname: MssclampPacketTooBigRising
	        exp_alerts:
	          - exp_labels: {severity: warning, family: ipv6}
	            exp_annotations:
	              summary: ": ipv6 Packet Too Big messages above 2 per 100 SYNs: paths narrower than the ceiling (mssclampctl histogram ipv6 ptb)"
	      - eval_time: 105m
	        alertname: MssclampRewriteErrors
	        exp_alerts:
	          - exp_labels: {severity: warning, family: ipv4}
	            exp_annotations:
	              summary: ": ipv4 SYNs left unclamped: the kernel could not make them writable"
	      - eval_time: 90m
	        alertname: MssclampRewriteErrors
	        exp_alerts: []
	      - eval_time: 95m
	        alertname: MssclampExportStale
	        exp_alerts: []
	      - eval_time: 110m
	        alertname: MssclampExportStale
	        exp_alerts:
	          - exp_labels: {severity: warning, file: /var/lib/prometheus/node-exporter/mssclamp.prom}
	            exp_annotations:
	              summary: ": mssclamp.prom not rewritten for 2 minutes (systemctl status mssclamp-prometheus)"
	EOF
	if promtool test rules "$tmp/rules_test.yml" >"$tmp/rules_test.out" 2>&1; then
		tap_ok "ctl: promtool test rules: each alert fires when it should and not before"
	else
		fail "ctl: promtool test rules: each alert fires when it should and not before"
		sed 's/^/# /' "$tmp/rules_test.out"
	fi
fi

# --- completion -----------------------------------------------------------------

if [ -f "$CTL_BASH_COMPLETION" ]; then
	ctl_complete "histogram: a family or a kind" "ipv4 ipv6 ptb syn synack" \
		mssclampctl histogram ""
	ctl_complete "histogram ipv4: a kind" "ptb syn synack" mssclampctl histogram ipv4 ""
	ctl_complete "histogram syn: nothing more" "" mssclampctl histogram syn ""
	ctl_complete "stats: --prometheus too" "--prometheus ipv4 ipv6 reset" mssclampctl stats ""
	ctl_complete "stats --prometheus: --output and a family" "--output ipv4 ipv6" \
		mssclampctl stats --prometheus ""
	ctl_complete "stats --prometheus --output: a file" "$tmp/textfile/mssclamp.prom" \
		mssclampctl stats --prometheus --output "$tmp/textfile/mss"
else
	tap_ok "ctl: completion of histogram and stats --prometheus # SKIP no bash-completion"
fi

exit $((status || TAP_FAILED > 0))
