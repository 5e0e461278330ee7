#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 00-load: the module loads, shows its version, registers no netfilter hook
# until it is configured, and unloads while namespaces exist; the topology
# of lib.sh carries traffic in both families.
#
# "No hook" is shown two ways:
#  - a kprobe on nf_register_net_hook(s), on every kernel, records the hook
#    function of each registration (as "symbol [module]") from before insmod
#    until after the namespaces carried traffic; none may be the module's.
#    A control nft chain, registered meanwhile, shows up as nf_tables'.
#    (A function-tracer stack would not do: a registration from the module's
#    init function shows only do_one_initcall, without the module's name.)
#  - "nft list hooks" (nfnetlink_hook) where the kernel has it: Debian's
#    6.12 does, Debian's 6.1 does not (CONFIG_NETFILTER_NETLINK_HOOK unset),
#    so there the kprobe cases stand alone.
set -eu
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"

tr=/sys/kernel/tracing
[ -e "$tr/trace" ] || mount -t tracefs tracefs "$tr"

# The second argument of both functions is a struct nf_hook_ops (for the
# plural, the first of an array); its hook function follows a struct
# rcu_head (two pointers) in 6.1 and 6.12: at offset 16 on 64-bit kernels,
# 8 on 32-bit ones. Were that to move, the control case below would fail
# rather than this test pass blindly. The argument is fetched from the
# register the architecture's calling convention passes it in: kprobe
# events on 32-bit ARM have no $argN (parse_probe_vars() knows it only
# with CONFIG_HAVE_FUNCTION_ARG_ACCESS_API, which arch/arm does not
# select). A probe that is not set up (the kernel refused its definition)
# is a failure, not an empty trace.
case $(uname -m) in
x86_64) hook_fetch='+16(%si)' ;;
aarch64) hook_fetch='+16(%x1)' ;;
arm*) hook_fetch='+8(%r1)' ;;
i?86) hook_fetch='+8(%dx)' ;;	# -mregparm=3: eax, edx, ecx
*) hook_fetch= ;;
esac

trace_hooks_start() {
	local f
	[ -n "$hook_fetch" ] || {
		echo "# no argument register known for $(uname -m)"
		return 1
	}
	echo 0 >"$tr/tracing_on"
	for f in nf_register_net_hook nf_register_net_hooks; do
		echo "p:mssclamp_test/$f $f hook=$hook_fetch:symbol" >>"$tr/kprobe_events" ||
			return 1
		echo 1 >"$tr/events/mssclamp_test/$f/enable" || return 1
		grep -q "^1" "$tr/events/mssclamp_test/$f/enable" || return 1
	done
	: >"$tr/trace"
	echo 1 >"$tr/tracing_on"
}

trace_hooks_stop() {
	echo 0 >"$tr/tracing_on"
	cat "$tr/trace" >/tmp/hooks.trace
	trace_hooks_clean
}

trace_hooks_clean() {
	local f
	for f in nf_register_net_hook nf_register_net_hooks; do
		[ ! -e "$tr/events/mssclamp_test/$f" ] || {
			echo 0 >"$tr/events/mssclamp_test/$f/enable"
			echo "-:mssclamp_test/$f" >>"$tr/kprobe_events"
		}
	done
	: >"$tr/trace"
}

# no_hook_listed [NS]: nft list hooks works in NS and names no mssclamp hook.
no_hook_listed() {
	local list
	list=$(${1:+ip netns exec "$1"} nft list hooks) || return 1
	! printf '%s\n' "$list" | grep mssclamp
}

at_exit "trace_hooks_clean 2>/dev/null"

check "kprobe on nf_register_net_hook(s)" trace_hooks_start

check "insmod mssclamp.ko" mod_load
check "/sys/module/mssclamp exists" mod_loaded
want=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$REPO/dkms.conf")
check_eq "module version is dkms.conf's" "$want" "$(val /sys/module/mssclamp/version)"
check_eq "nothing holds the module after load" 0 "$(val /sys/module/mssclamp/refcnt)"

topo_up
check "ping client -> server, IPv4" ping_ok "$NS_C" "$S4"
check "ping client -> server, IPv6" ping_ok "$NS_C" "$S6"
check "ping server -> client, IPv4" ping_ok "$NS_S" "$C4"
check "ping server -> client, IPv6" ping_ok "$NS_S" "$C6"

# The control: a base chain registers a hook through nf_tables.
r nft add table inet control
r nft add chain inet control pre '{ type filter hook prerouting priority 0; }'
trace_hooks_stop
# nf_tables' hook functions are nft_do_chain_*, annotated [nf_tables] where
# it is a module (Debian's kernels) and not where it is built in (the debug
# kernel); the module's are mssclamp_hook_v4/v6, annotated [mssclamp].
check "control: the kprobe saw the nft chain's hook registration" \
	grep -q 'hook=nft_do_chain' /tmp/hooks.trace
check_not "no hook function of mssclamp was registered (kprobe)" \
	grep -E 'hook=mssclamp_|\[mssclamp\]' /tmp/hooks.trace

# nfnetlink_hook, as a module or built in, is what answers "nft list hooks";
# without it nft prints nothing and succeeds, which would prove nothing.
if modinfo -k "$KVER" nfnetlink_hook >/dev/null 2>&1; then
	r nft list hooks >/tmp/hooks.router
	check "control: nft list hooks shows the nft chain in the router" \
		grep -qE 'chain inet control pre|nft_do_chain' /tmp/hooks.router
	for ns in "" "$NS_C" "$NS_R" "$NS_S"; do
		check "nft list hooks shows no mssclamp hook in netns ${ns:-init}" \
			no_hook_listed "$ns"
	done
else
	echo "# kernel $KVER has no nfnetlink_hook: the kprobe cases stand alone"
fi
r nft delete table inet control

check_eq "nothing holds the module after traffic" 0 "$(val /sys/module/mssclamp/refcnt)"
check "rmmod while namespaces exist" mod_unload
check_not "/sys/module/mssclamp is gone" mod_loaded
check "ping client -> server after unload, IPv4" ping_ok "$NS_C" "$S4"

# Load into a machine that already has namespaces, then take one away
# while loaded: the per-namespace init and exit paths.
check "insmod again while namespaces exist" mod_load
check "ping client -> server with the module reloaded, IPv6" ping_ok "$NS_C" "$S6"
ip netns delete "$NS_S"
check "rmmod after a namespace went away" mod_unload
check_not "/sys/module/mssclamp is gone again" mod_loaded
