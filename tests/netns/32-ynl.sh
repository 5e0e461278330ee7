#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 32-ynl: the kernel's own netlink CLI, tools/net/ynl/cli.py of Debian's
# linux-source-6.12, drives the module with nothing but
# docs/netlink/mssclamp.yaml (checked against the kernel's genetlink-legacy
# schema on every run), on whichever kernel the VM boots.
#
#   mc-client --- mc-router --- mc-server     (netns.sh's topology; the clamp
#                                              and ynl in the router)
#
#   1. --dump get-config gives both families, as mssclampctl -j show has
#      them, the family and the hook by name (ipv4, ipv6; forward);
#   2. --do set-config changes IPv6 (mssclampctl shows it); a value out of
#      range is refused with the module's extack sentence, and changes
#      nothing; the enums are taken by name: family ipv6 with hook
#      postrouting and overhead 80 is set, and read back by name from
#      --do get-config (family ipv6) and --dump get-config, then put back;
#   3. after hand-made SYNs with known MSS values from the client through
#      the router (and the server's SYN-ACKs back), --dump get-hist has
#      exactly those values in their buckets, with their sums, and nothing
#      in the PTB histograms; --dump get-stats agrees with mssclampctl -j
#      stats and with the histograms' totals;
#   4. --subscribe monitor receives, while mssclampctl changes IPv6, tries
#      a refused change, and resets the IPv4 counters: one config-ntf with
#      the new configuration (as mssclampctl -j show has it) and one
#      reset-ntf naming IPv4, nothing for the refused change; get-hist then
#      shows IPv4's histograms empty and IPv6's kept;
#   5. a histogram of 150 buckets, more than the first message of a dump
#      holds, arrives whole: every bucket once, in order, the rest after it.
#
# Each cli.py run is a python start with the YAML, the schema and
# jsonschema to load: seconds under TCG. The answers are kept as JSON
# files and read by one python process at the end.
#
# vm-host-prepare: bash scripts/ynl.sh copy build/ynl-6.12
# vm-timeout: 900
. "$(dirname "$0")/../lib/sh/scenario.sh"

PORT=8080
YNL_DIR=$REPO/build/ynl-6.12
SPEC=$REPO/docs/netlink/mssclamp.yaml
SCHEMA=$YNL_DIR/Documentation/netlink/genetlink-legacy.yaml
CLI=$YNL_DIR/tools/net/ynl/cli.py

# ynl NS ARGS...: cli.py in NS on our spec, checked against the schema,
# with JSON output.
ynl() {
	local ns=$1
	shift
	ip netns exec "$ns" "$PY" -B "$CLI" --spec "$SPEC" --schema "$SCHEMA" \
		--output-json "$@"
}

# ynl_to FILE NS ARGS...: ynl's output into $WORK/FILE, its errors to the
# log; the exit status is cli.py's.
ynl_to() {
	local f=$WORK/$1 rc=0 t0=$SECONDS
	shift
	echo "# ynl ${*:2}"
	ynl "$@" >"$f" 2>"$f.err" || rc=$?
	sed 's/^/#   /' "$f" "$f.err" | head -n 40 | cut -c 1-3000
	echo "#   (exit $rc, $((SECONDS - t0)) s)"
	return "$rc"
}

check "the kernel's ynl tools were copied in (scripts/ynl.sh copy)" \
	test -f "$CLI" -a -f "$SCHEMA"
check "python3 has yaml and jsonschema (make deps)" \
	"$PY" -c 'import yaml, jsonschema'

check "insmod mssclamp.ko" mod_load
topo_up
serve "$NS_S" "$PORT" 0

# 1. The configuration, read by ynl and by mssclampctl.
check "ynl --dump get-config" ynl_to cfg0.json "$NS_R" --dump get-config
ctl "$NS_R" -j show >"$WORK/show0.json"

# 2. A change through ynl, seen by mssclampctl; a refused one. The family
# by name, and by number as the uapi has it.
check "ynl --do set-config (family ipv6: enabled, mtu 1400, overhead 8)" \
	ynl_to set6.json "$NS_R" --do set-config --json \
	'{"family": "ipv6", "enabled": 1, "mtu": 1400, "overhead": 8}'
ctl "$NS_R" -j show >"$WORK/show1.json"
check_not "ynl --do set-config with ipv4 mtu 100 is refused" \
	ynl_to bad4.json "$NS_R" --do set-config --json '{"family": 4, "mtu": 100}'
check_match "ynl prints the module's sentence for mtu 100" \
	"mtu out of range: IPv4 accepts 576 to 65535" \
	"$(cat "$WORK/bad4.json" "$WORK/bad4.json.err")"
check_eq "the refused change left ipv4's mtu at 1500" 1500 "$(cfg "$NS_R" ipv4 mtu)"
# Every enum by name: the change the kernel's ynl users write, read back
# by name, then put back (section 3 counts at IPv6's forward hook).
check "ynl --do set-config (family ipv6: hook postrouting, overhead 80)" \
	ynl_to name6.json "$NS_R" --do set-config --json \
	'{"family": "ipv6", "hook": "postrouting", "overhead": 80}'
check_eq "mssclampctl shows ynl's hook postrouting" postrouting \
	"$(cfg "$NS_R" ipv6 hook)"
check_eq "mssclampctl shows ynl's overhead 80" 80 "$(cfg "$NS_R" ipv6 overhead)"
check "ynl --do get-config (family ipv6)" \
	ynl_to get6.json "$NS_R" --do get-config --json '{"family": "ipv6"}'
check "ynl --dump get-config (ipv6 at postrouting)" \
	ynl_to cfg1.json "$NS_R" --dump get-config
check "ynl --do set-config (family ipv6: hook forward, overhead 8)" \
	ynl_to back6.json "$NS_R" --do set-config --json \
	'{"family": "ipv6", "hook": "forward", "overhead": 8}'
check_eq "the ipv6 hook is forward again" forward "$(cfg "$NS_R" ipv6 hook)"

# 3. SYNs with known MSS values through the router (IPv4 clamped at
# 1400 - 40 = 1360, IPv6 at 1400 - 60 - 8 = 1332); the server answers each
# with a SYN-ACK of MSS 1460 (IPv4) or 1440 (IPv6), the router sees both.
ctl_set "$NS_R" set ipv4 enable mtu 1400
check "hand-made SYNs through the router are answered" \
	raw_syns "$NS_C" "$PORT" \
	"$C4,$S4,020405b4" "$C4,$S4,02040578" "$C4,$S4,02040578" \
	"$C4,$S4,02040514" "$C4,$S4,020403e8" \
	"$C6,$S6,020405a0" "$C6,$S6,020405a0" "$C6,$S6,020404c4"
check "ynl --dump get-hist" ynl_to hist.json "$NS_R" --dump get-hist
check "ynl --dump get-stats" ynl_to stats.json "$NS_R" --dump get-stats
ctl "$NS_R" -j stats >"$WORK/ctlstats.json"

# 4. Notifications. The subscriber sleeps 30 s once subscribed; it is
# subscribed when its socket in the router's namespace shows the monitor
# group (/proc/net/netlink, Groups: bit ID - 1 of the first 32).
grp=$(r genl ctrl get name mssclamp |
	sed -n 's/.*ID-0x\([0-9a-f]*\) *name: monitor.*/\1/p')
echo "# multicast group monitor: id 0x$grp"
check_match "genl ctrl lists the group monitor" '^[0-9a-f]+$' "$grp"
# subscribed: wait (2 minutes at most) until a generic netlink socket in
# the router's namespace has joined the group. Beyond the 32 groups that
# /proc/net/netlink shows, any genetlink socket with a group, and 10 s more.
subscribed() {
	local i eth groups mask=0
	[ $((0x${grp:-0})) -gt 32 ] || mask=$((1 << (0x${grp:-1} - 1)))
	for ((i = 0; i < 240; i++)); do
		kill -0 "$sub" 2>/dev/null || return 1
		# sk Eth Pid Groups ...
		while read -r _ eth _ groups _; do
			if [ "$eth" != 16 ] || [[ ! $groups =~ ^[0-9a-f]{8}$ ]]; then
				continue
			fi
			if [ "$mask" = 0 ]; then
				[ "$groups" != 00000000 ] && sleep 10 && return 0
			elif (((0x$groups & mask) != 0)); then
				return 0
			fi
		done < <(r cat /proc/net/netlink)
		sleep 0.5
	done
	return 1
}
ynl_to ntf.json "$NS_R" --subscribe monitor --sleep 30 &
sub=$!
check "ynl --subscribe monitor is subscribed" subscribed
ctl_set "$NS_R" set ipv6 mtu 1300
check_not "mssclampctl set ipv6 mtu 100 is refused" ctl "$NS_R" set ipv6 mtu 100
ctl_set "$NS_R" stats reset ipv4
ctl "$NS_R" -j show >"$WORK/show2.json"
check "ynl --subscribe monitor ends well" wait "$sub"
check "ynl --dump get-hist after the reset" ynl_to hist2.json "$NS_R" --dump get-hist

# 5. A histogram larger than a dump message (the first part of a dump is a
# page; a bucket takes 36 bytes): 150 SYNs with the MSS values 1201 to
# 1350, one exact bucket each, into IPv4's emptied histograms.
syns=()
for ((m = 1201; m <= 1350; m++)); do
	syns+=("$C4,$S4,0204$(printf %04x "$m")")
done
quiet_syns() { raw_syns "$@" >/dev/null; }
check "150 SYNs with MSS 1201 to 1350 are answered" \
	quiet_syns "$NS_C" "$PORT" "${syns[@]}"
check "ynl --dump get-hist (150 buckets)" ynl_to hist3.json "$NS_R" --dump get-hist

# The answers, one "NAME<TAB>VALUE" line each, read in one python process:
# configurations as "enabled=1 mtu=1500 ... devs=" whether from ynl (numbers)
# or mssclampctl (true/false), counters as "syn=N ... errors=N",
# histograms as "LOW-HIGH:COUNT ... sum=N".
declare -A R=()
while IFS=$'\t' read -r k v; do
	R[$k]=$v
done < <("$PY" -B - "$WORK" <<'EOF'
import json, os, sys

work = sys.argv[1]
CFG = ["enabled", "mtu", "overhead", "mss", "pmtu", "hook", "syn", "synack"]
STATS = ["syn", "synack", "clamped-syn", "clamped-synack", "unchanged",
         "no-mss", "malformed", "fragments", "errors"]


def load(name):
    with open(os.path.join(work, name)) as f:
        return json.load(f)


def out(key, fn):
    try:
        v = fn()
    except Exception as e:  # the case shows what went wrong
        v = f"<{type(e).__name__}: {e}>"
    print(f"{key}\t{v}")


def cfg_line(c):
    """A configuration as one line, from ynl's or from mssclampctl's."""
    def norm(v):
        return int(v) if isinstance(v, bool) else v
    devs = c.get("devs", c.get("dev"))
    if isinstance(devs, dict):  # ynl: {"name": [...]} or {}
        devs = devs.get("name", [])
    return " ".join(f"{k}={norm(c[k])}" for k in CFG) + " devs=" + ",".join(devs)


def ynl_cfg(name, fam):
    return cfg_line([m for m in load(name) if m["family"] == fam][0])


def ynl_cfg_named(name, fam):
    """FAMILY's configuration in NAME, with the family as ynl prints it."""
    c = [m for m in load(name) if m["family"] == fam][0]
    return f"family={c['family']} " + cfg_line(c)


def ctl_cfg(name, fam):
    return cfg_line(load(name)[fam])


def stats_line(s):
    return " ".join(f"{k}={s.get(k, s.get(k.replace('-', '_')))}" for k in STATS)


def ynl_stats(fam):
    return [m for m in load("stats.json") if m["family"] == fam][0]["stats"]


def hist(name, fam, kind):
    msgs = [m for m in load(name) if m["family"] == fam and m["hist-kind"] == kind]
    sums = {m["hist-sum"] for m in msgs}
    buckets = [b for m in msgs for b in m.get("hist-bucket", [])]
    line = " ".join(f"{b['low']}-{b['high']}:{b['count']}" for b in buckets)
    return (line + " " if line else "") + "sum=" + ",".join(map(str, sorted(sums)))


def hist_total(fam, kind):
    msgs = [m for m in load("hist.json") if m["family"] == fam and m["hist-kind"] == kind]
    return sum(b["count"] for m in msgs for b in m.get("hist-bucket", []))


def ntfs():
    return " | ".join(
        n["name"] + " family=" + str(n["msg"].get("family")) +
        (" " + cfg_line(n["msg"]) if n["name"] == "config-ntf" else "") +
        (" +" + ",".join(sorted(set(n["msg"]) - {"family"}))
         if n["name"] == "reset-ntf" and set(n["msg"]) - {"family"} else "")
        for n in load("ntf.json"))


out("cfg0.families", lambda: " ".join(str(m["family"]) for m in load("cfg0.json")))
# ynl prints the family by name (the spec links enum family): the keys
# below still say 4 and 6.
for fam, name in ((4, "ipv4"), (6, "ipv6")):
    out(f"cfg0.{fam}", lambda: ynl_cfg("cfg0.json", name))
    out(f"show0.{fam}", lambda: ctl_cfg("show0.json", name))
    out(f"stats.{fam}", lambda: stats_line(ynl_stats(name)))
    out(f"ctlstats.{fam}", lambda: stats_line(load("ctlstats.json")[name]))
    out(f"ptb.{fam}", lambda: ynl_stats(name)["ptb"])
    for kind in ("syn", "synack", "ptb"):
        out(f"hist.{fam}.{kind}", lambda: hist("hist.json", name, kind))
        out(f"hist2.{fam}.{kind}", lambda: hist("hist2.json", name, kind))
        out(f"total.{fam}.{kind}", lambda: hist_total(name, kind))
out("hist.kinds", lambda: " ".join(f"{m['family']}/{m['hist-kind']}" for m in load("hist.json")))
out("hist3.4.syn", lambda: hist("hist3.json", "ipv4", "syn"))
out("hist3.4.synack", lambda: hist("hist3.json", "ipv4", "synack"))
out("hist3.6.syn", lambda: hist("hist3.json", "ipv6", "syn"))
out("hist3.4.syn.msgs", lambda: len([m for m in load("hist3.json")
                                     if m["family"] == "ipv4" and m["hist-kind"] == "syn"]))
out("get6", lambda: " | ".join(f"family={m['family']} " + cfg_line(m)
                               for m in [load("get6.json")]))
out("cfg1.4", lambda: ynl_cfg_named("cfg1.json", "ipv4"))
out("cfg1.6", lambda: ynl_cfg_named("cfg1.json", "ipv6"))
out("name6", lambda: load("name6.json"))


def kinds_once(name):
    seq = [f"{m['family']}/{m['hist-kind']}" for m in load(name)]
    return " ".join(k for i, k in enumerate(seq) if i == 0 or seq[i - 1] != k)


out("hist3.kinds", lambda: kinds_once("hist3.json"))
out("set6", lambda: load("set6.json"))
out("show1.6", lambda: ctl_cfg("show1.json", "ipv6"))
out("show2.6", lambda: ctl_cfg("show2.json", "ipv6"))
out("ntf", ntfs)
EOF
)

# 1.
check_eq "get-config dumps both families, by name" "ipv4 ipv6" "${R[cfg0.families]}"
check_eq "get-config ipv4: the defaults" \
	"enabled=0 mtu=1500 overhead=0 mss=1460 pmtu=0 hook=forward syn=1 synack=1 devs=" \
	"${R[cfg0.4]}"
check_eq "get-config ipv6: the defaults" \
	"enabled=0 mtu=1500 overhead=0 mss=1440 pmtu=0 hook=forward syn=1 synack=1 devs=" \
	"${R[cfg0.6]}"
check_eq "get-config ipv4 as mssclampctl -j show has it" "${R[show0.4]}" "${R[cfg0.4]}"
check_eq "get-config ipv6 as mssclampctl -j show has it" "${R[show0.6]}" "${R[cfg0.6]}"
# 2.
check_eq "set-config has no reply (null)" None "${R[set6]}"
check_eq "mssclampctl -j show has ynl's ipv6 change" \
	"enabled=1 mtu=1400 overhead=8 mss=1332 pmtu=0 hook=forward syn=1 synack=1 devs=" \
	"${R[show1.6]}"
check_eq "set-config by name has no reply (null)" None "${R[name6]}"
check_eq "get-config family ipv6 answers by name: family ipv6, hook postrouting" \
	"family=ipv6 enabled=1 mtu=1400 overhead=80 mss=1260 pmtu=0 hook=postrouting syn=1 synack=1 devs=" \
	"${R[get6]}"
check_eq "the dump names ipv6 and its hook postrouting" \
	"family=ipv6 enabled=1 mtu=1400 overhead=80 mss=1260 pmtu=0 hook=postrouting syn=1 synack=1 devs=" \
	"${R[cfg1.6]}"
check_eq "the dump names ipv4 and its hook forward" \
	"family=ipv4 enabled=0 mtu=1500 overhead=0 mss=1460 pmtu=0 hook=forward syn=1 synack=1 devs=" \
	"${R[cfg1.4]}"
# 3.
check_eq "get-hist: a message per family and kind, by name" \
	"ipv4/syn ipv4/synack ipv4/ptb ipv6/syn ipv6/synack ipv6/ptb" "${R[hist.kinds]}"
check_eq "get-hist ipv4 syn: 1000 (bucket 1000-1099), 1300, 1400 twice, 1460" \
	"1000-1099:1 1300-1300:1 1400-1400:2 1460-1460:1 sum=6560" "${R[hist.4.syn]}"
check_eq "get-hist ipv4 synack: 1460 five times" \
	"1460-1460:5 sum=7300" "${R[hist.4.synack]}"
check_eq "get-hist ipv6 syn: 1220, 1440 twice" \
	"1220-1220:1 1440-1440:2 sum=4100" "${R[hist.6.syn]}"
check_eq "get-hist ipv6 synack: 1440 three times" \
	"1440-1440:3 sum=4320" "${R[hist.6.synack]}"
check_eq "get-hist ipv4 ptb: empty" "sum=0" "${R[hist.4.ptb]}"
check_eq "get-hist ipv6 ptb: empty" "sum=0" "${R[hist.6.ptb]}"
check_eq "get-stats ipv4 as mssclampctl -j stats has it" "${R[ctlstats.4]}" "${R[stats.4]}"
check_eq "get-stats ipv6 as mssclampctl -j stats has it" "${R[ctlstats.6]}" "${R[stats.6]}"
check_eq "get-stats ipv4: 5 SYNs (3 above 1360), 5 SYN-ACKs" \
	"syn=5 synack=5 clamped-syn=3 clamped-synack=5 unchanged=2 no-mss=0 malformed=0 fragments=0 errors=0" \
	"${R[stats.4]}"
check_eq "get-stats ipv6: 3 SYNs (2 above 1332), 3 SYN-ACKs" \
	"syn=3 synack=3 clamped-syn=2 clamped-synack=3 unchanged=1 no-mss=0 malformed=0 fragments=0 errors=0" \
	"${R[stats.6]}"
check_eq "get-stats ptb ipv4: 0" 0 "${R[ptb.4]}"
check_eq "get-stats ptb ipv6: 0" 0 "${R[ptb.6]}"
for f in 4 6; do
	check_eq "ipv$f: the syn histogram counts what get-stats calls syn" \
		"$(kv "${R[stats.$f]}" syn)" "${R[total.$f.syn]}"
	check_eq "ipv$f: the synack histogram counts what get-stats calls synack" \
		"$(kv "${R[stats.$f]}" synack)" "${R[total.$f.synack]}"
done
# 4.
check_eq "monitor: one config-ntf (ipv6, mtu 1300), one reset-ntf (ipv4), nothing for the refused change" \
	"config-ntf family=ipv6 enabled=1 mtu=1300 overhead=8 mss=1232 pmtu=0 hook=forward syn=1 synack=1 devs= | reset-ntf family=ipv4" \
	"${R[ntf]}"
check_eq "config-ntf carries the configuration mssclampctl -j show has" \
	"config-ntf family=ipv6 ${R[show2.6]} | reset-ntf family=ipv4" "${R[ntf]}"
check_eq "get-hist after the reset: ipv4 syn empty" "sum=0" "${R[hist2.4.syn]}"
check_eq "get-hist after the reset: ipv4 synack empty" "sum=0" "${R[hist2.4.synack]}"
check_eq "get-hist after the reset: ipv6 syn kept" \
	"1220-1220:1 1440-1440:2 sum=4100" "${R[hist2.6.syn]}"
check_eq "get-hist after the reset: ipv6 synack kept" \
	"1440-1440:3 sum=4320" "${R[hist2.6.synack]}"
# 5.
want=
for ((m = 1201; m <= 1350; m++)); do
	want+="$m-$m:1 "
done
check_eq "get-hist ipv4 syn: the 150 values, each once, in order" \
	"${want}sum=$(((1201 + 1350) * 150 / 2))" "${R[hist3.4.syn]}"
check_eq "get-hist ipv4 synack: 1460, 150 times" \
	"1460-1460:150 sum=$((1460 * 150))" "${R[hist3.4.synack]}"
check_eq "get-hist ipv6 syn: still 1220, 1440 twice" \
	"1220-1220:1 1440-1440:2 sum=4100" "${R[hist3.6.syn]}"
check_eq "get-hist: every family and kind, in order, across the split" \
	"ipv4/syn ipv4/synack ipv4/ptb ipv6/syn ipv6/synack ipv6/ptb" "${R[hist3.kinds]}"
echo "# get-hist: ipv4 syn came in ${R[hist3.4.syn.msgs]} messages"
check "get-hist: ipv4 syn took more than one message (the continuation ran)" \
	test "${R[hist3.4.syn.msgs]}" -gt 1

mod_unload_checked
