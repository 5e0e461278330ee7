#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 27-unload: rmmod leaves every namespace's configuration as it is until
# the hooks go. unregister_netdevice_notifier() replays NETDEV_GOING_DOWN,
# NETDEV_DOWN and NETDEV_UNREGISTER to the leaving notifier for every
# device of every namespace; the module ignores that replay instead of
# dropping each listed device from its namespace's sets, one change at a
# time under RTNL (docs/design.md, "Per-namespace life cycle").
#
# NS namespaces (50; 10 in the short form make check-debug runs,
# MSSCLAMP_SHORT=1; MSSCLAMP_UNLOAD_NS sets it), each with a dummy wan0 and a
# dummy lan0 and both families enabled, through mssclampctl, for
# "dev wan0,wan1". Kprobe events count, during rmmod:
#   - mssclamp_netdev_event(), the notifier, with its event: the replay
#     reached it, at least one NETDEV_UNREGISTER per device of those
#     namespaces (else the two zeros below would prove nothing);
#   - mssclamp_cfg_publish(): configurations published: none;
#   - mssclamp_cfg_follow_dev(): device sets brought up to date by the
#     notifier: none.
# Each probe must attach (a probe that cannot is a failed case), and a
# control before the rmmod shows each one firing: a listed device renamed
# to the other listed name (the notifier and the sets) and a change of
# mtu (a publish) in one namespace.
. "$(dirname "$0")/../lib/sh/scenario.sh"

if [ "${MSSCLAMP_SHORT:-0}" = 1 ]; then
	N=${MSSCLAMP_UNLOAD_NS:-10}
else
	N=${MSSCLAMP_UNLOAD_NS:-50}
fi
NETDEV_UNREGISTER=6		# enum netdev_cmd, 6.1 and 6.12
tr=/sys/kernel/tracing
grp=mssclamp_unload
# name:symbol[:fetch-args]
probes=("event:mssclamp_netdev_event:event=\$arg2:u64"
	"publish:mssclamp_cfg_publish"
	"follow:mssclamp_cfg_follow_dev")

[ -e "$tr/trace" ] || mount -t tracefs tracefs "$tr"

# probes_start: every probe attached and enabled, the trace empty and on.
probes_start() {
	local p name sym args
	echo 0 >"$tr/tracing_on" || return 1
	for p in "${probes[@]}"; do
		IFS=: read -r name sym args <<<"$p"
		echo "p:$grp/$name mssclamp:$sym $args" \
			>>"$tr/kprobe_events" || return 1
		echo 1 >"$tr/events/$grp/$name/enable" || return 1
	done
	: >"$tr/trace"
	echo 1 >"$tr/tracing_on"
}

probes_clean() {
	local p name
	echo 0 >"$tr/tracing_on"
	for p in "${probes[@]}"; do
		name=${p%%:*}
		[ ! -e "$tr/events/$grp/$name" ] || {
			echo 0 >"$tr/events/$grp/$name/enable"
			echo "-:$grp/$name" >>"$tr/kprobe_events"
		}
	done
	: >"$tr/trace"
}

# hits NAME [ERE]: how many times probe NAME fired since the trace was
# last cleared (its lines that also match ERE).
hits() {
	grep -cE " $1: .*${2:-}" "$tr/trace" || true
}

nss=()
for ((i = 1; i <= N; i++)); do
	nss+=("mc-unload$i")
done
at_exit "probes_clean 2>/dev/null; for ns in ${nss[*]}; do [ ! -e /run/netns/\$ns ] || ip netns delete \$ns; done"

check "insmod mssclamp.ko" mod_load
setup=0
for ns in "${nss[@]}"; do
	ip netns add "$ns"
	ip -n "$ns" -batch - <<-EOF
		link set lo up
		link add wan0 type dummy
		link add lan0 type dummy
		link set wan0 up
		link set lan0 up
	EOF
	"$MSSCLAMPCTL" -n "$ns" set ipv4 enable dev wan0,wan1 &&
		"$MSSCLAMPCTL" -n "$ns" set ipv6 enable dev wan0,wan1 &&
		setup=$((setup + 1))
done
check_eq "$N namespaces set to both families enabled, dev wan0,wan1" \
	"$N" "$setup"
ns1=${nss[0]}
check_eq "$ns1: ipv4 lists wan0 and wan1" "wan0 wan1" "$(cfg "$ns1" ipv4 dev)"

check "kprobes on the notifier, publish and follow attached" probes_start

# The control: each probe fires.
# (6.1 renames only a device that is down: dev_change_name().)
ip -n "$ns1" -batch - <<EOF
link set wan0 down
link set wan0 name wan1
EOF
"$MSSCLAMPCTL" -n "$ns1" set ipv4 mtu 1400
check "control: the notifier's probe fired on a rename" \
	test "$(hits event)" -ge 1
check "control: the follow probe fired on a rename of a listed device" \
	test "$(hits follow)" -ge 1
check "control: the publish probe fired on a set" test "$(hits publish)" -ge 1

: >"$tr/trace"
start=$(date +%s%N)
check "rmmod with $N namespaces configured" mod_unload
end=$(date +%s%N)
echo 0 >"$tr/tracing_on"
check_not "/sys/module/mssclamp is gone" mod_loaded
echo "# rmmod took $(((end - start) / 1000000)) ms"

# (u64 prints in decimal, x64 in hex.)
unreg=$(hits event "event=(0x0*)?$NETDEV_UNREGISTER\b")
grep -m 3 -E " (event|publish|follow): " "$tr/trace" | sed 's/^/# /' || true
echo "# during rmmod: $unreg NETDEV_UNREGISTER at the notifier, $(hits publish) publishes, $(hits follow) follows"
check "the replay reached the notifier: at least $((3 * N)) NETDEV_UNREGISTER" \
	test "$unreg" -ge $((3 * N))
check_eq "no configuration published during rmmod" 0 "$(hits publish)"
check_eq "no device set followed during rmmod" 0 "$(hits follow)"
