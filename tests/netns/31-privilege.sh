#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 31-privilege: who may change the configuration, and what one network
# namespace can see of another.
#
#   mc-client --- mc-router --- mc-server   (netns.sh's topology; the router
#                                            is namespace A, made by root)
#   mc-other                                (namespace B, made by root, idle)
#   a container: a user namespace and a network namespace it owns (C)
#
# Writes need CAP_NET_ADMIN in the user namespace that owns the network
# namespace (GENL_UNS_ADMIN_PERM); reads need nothing. 08-badinput shows
# that uid 65534 without capabilities can read but not set or reset; this
# one adds:
#   1. the capability decides, not the uid: uid 65534 holding CAP_NET_ADMIN
#      (ambient) may set, root without it (bounding set) may not; uid 65534
#      cannot reach another namespace with -n either;
#   2. root inside a user namespace (unshare --user --map-root-user) may
#      read but not change the namespace it sits in when that namespace
#      belongs to the initial user namespace, and cannot enter another one
#      with -n; a socket opened by real root and used after moving into a
#      user namespace, or opened in a user namespace and written to by real
#      root (the confused-deputy case), cannot change anything either
#      (nlhostile userns-sender, userns-opener);
#   3. the same root, in a network namespace its user namespace owns (a
#      container), configures that namespace and resets its counters; so
#      does uid 65534 in a container of its own (where the kernel lets
#      unprivileged users create user namespaces);
#   4. isolation: A is configured and has counted a connection per family;
#      B and the container see the defaults and zero counters, A sees
#      nothing of the container's settings, and real root reading the
#      container's namespace (-n /proc/PID/ns/net) sees the container's
#      settings and nothing of A's.
#
# vm-host-prepare: make -s -C tests/tools
. "$(dirname "$0")/../lib/sh/scenario.sh"

PORT=8080
NS_B="mc-other"
EPERM_RE='(Operation not permitted|ermission)'

check "insmod mssclamp.ko" mod_load
topo_up
at_exit "[ ! -e /run/netns/$NS_B ] || ip netns delete $NS_B"
ns_new "$NS_B"
serve "$NS_S" "$PORT" 0
ctl_set "$NS_R" set ipv4 enable mtu 1400 overhead 8 dev eth-s
ctl_set "$NS_R" set ipv6 enable mtu 1400 overhead 20 hook postrouting
check "a connection per family through the router" \
	connect_n "$NS_C" "$PORT" 1 "$S4" "$S6"
SHOW_A=$(ctl "$NS_R" -j show)
STATS_A=$(ctl "$NS_R" -j stats)
DEFAULTS=$(ctl "$NS_B" -j show)
echo "# A: $SHOW_A"
echo "# A: $STATS_A"
check_match "A has counted" '"clamped_syn": *[1-9]' "$STATS_A"

# A copy any user can run, wherever the tested binary lives.
chmod 755 "$WORK"
install -m 755 "$MSSCLAMPCTL" "$WORK/mssclampctl"
CTL=$WORK/mssclampctl

# The tool for the socket cases (clamp.sh), as 30-netlink gets it.
check "nlhostile builds" nlhostile_build

# refused NAME ERE CMD... (clamp.sh): CMD fails with one line on stderr
# matching ERE, and A's configuration and counters stay as they were.
refused_unchanged() {
	check_eq "$1: A's configuration is unchanged" "$SHOW_A" "$(ctl "$NS_R" -j show)"
	check_eq "$1: A's counters are unchanged" "$STATS_A" "$(ctl "$NS_R" -j stats)"
}

# --- 1. the capability, not the uid ----------------------------------------------

as_nobody() {	# as_nobody [SETPRIV-OPTION...] -- CMD...
	local opts=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	setpriv --reuid=65534 --regid=65534 --clear-groups "${opts[@]}" "$@"
}

refused "uid 65534: -n $NS_R set" "$EPERM_RE" \
	as_nobody -- "$CTL" -n "$NS_R" set ipv4 mtu 1300
refused "root without CAP_NET_ADMIN: set" "$EPERM_RE.*CAP_NET_ADMIN" \
	ip netns exec "$NS_R" setpriv --bounding-set=-net_admin "$CTL" set ipv4 mtu 1300
refused "root without CAP_NET_ADMIN: stats reset" "$EPERM_RE.*CAP_NET_ADMIN" \
	ip netns exec "$NS_R" setpriv --bounding-set=-net_admin "$CTL" stats reset
check "uid 65534 with CAP_NET_ADMIN (ambient): set in $NS_B" \
	ip netns exec "$NS_B" setpriv --reuid=65534 --regid=65534 --clear-groups \
	--inh-caps=+net_admin --ambient-caps=+net_admin "$CTL" set ipv4 mtu 1300
check_eq "$NS_B: ipv4 mtu 1300 set by uid 65534 with CAP_NET_ADMIN" 1300 \
	"$(cfg "$NS_B" ipv4 mtu)"
ctl_set "$NS_B" set ipv4 mtu 1500
check_eq "$NS_B: back to the defaults" "$DEFAULTS" "$(ctl "$NS_B" -j show)"

# --- 2. root in a user namespace, in a network namespace it does not own ---------

in_userns() { ip netns exec "$NS_R" unshare --user --map-root-user "$@"; }

# shellcheck disable=SC2016 # expanded by the inner sh
caps=$(in_userns sh -c 'echo "$(id -u) $(sed -n "s/^CapEff:\t//p" /proc/self/status)"')
echo "# userns root: uid and CapEff: $caps"
check_match "userns root in A: uid 0 with CAP_NET_ADMIN (in its user namespace)" \
	'^0 [0-9a-f]*[13579bdf][0-9a-f]{3}$' "$caps"
check_eq "userns root in A: show works" "$SHOW_A" "$(in_userns "$CTL" -j show)"
check_eq "userns root in A: stats works" "$STATS_A" "$(in_userns "$CTL" -j stats)"
refused "userns root in A: set" "$EPERM_RE" \
	in_userns "$CTL" set ipv4 mtu 1300
refused "userns root in A: stats reset" "$EPERM_RE" \
	in_userns "$CTL" stats reset
refused "container root: -n $NS_R set" "$EPERM_RE" \
	unshare --user --map-root-user --net "$CTL" -n "$NS_R" set ipv4 mtu 1300

# Sockets carried across the boundary, both ways.
for mode in userns-sender userns-opener; do
	rc=0
	ip netns exec "$NS_R" "$NLHOSTILE" "$mode" >"$WORK/nl.out" 2>"$WORK/nl.err" || rc=$?
	while IFS= read -r line; do
		case $line in
		"ok - "*) tap_ok "$mode: ${line#ok - userns: }" ;;
		"not ok - "*) tap_fail "$mode: ${line#not ok - userns: }" ;;
		*) echo "# $line" ;;
		esac
	done <"$WORK/nl.out"
	sed 's/^/# nlhostile: /' "$WORK/nl.err"
	check "nlhostile $mode ran to the end (exit status $rc)" test "$rc" -le 1
done
check_eq "A's configuration is unchanged by the socket cases" "$SHOW_A" \
	"$(ctl "$NS_R" -j show)"

# --- 3. a container configures its own namespace --------------------------------

# One shell in the container: what it sees first, then set, reset, show.
# shellcheck disable=SC2016 # expanded by the container's sh
container_script='
	ctl=$1
	echo "show0 $("$ctl" -j show)"
	echo "stats0 $("$ctl" -j stats)"
	"$ctl" set ipv4 enable mtu 1300 overhead 4 && echo "set ok"
	"$ctl" set ipv6 enable mtu 1280 && echo "set6 ok"
	"$ctl" stats reset && echo "reset ok"
	echo "show1 $("$ctl" -j show)"
'
zero_stats=$(ctl "$NS_B" -j stats)
out=$(unshare --user --map-root-user --net sh -c "$container_script" - "$CTL" 2>&1)
printf '%s\n' "$out" | sed 's/^/# container: /'
check_eq "container: it starts with the defaults" "show0 $DEFAULTS" \
	"$(grep '^show0 ' <<<"$out")"
check_eq "container: it starts with zero counters" "stats0 $zero_stats" \
	"$(grep '^stats0 ' <<<"$out")"
check_match "container root: set ipv4 in its own namespace" '^set ok$' "$out"
check_match "container root: set ipv6 in its own namespace" '^set6 ok$' "$out"
check_match "container root: stats reset in its own namespace" '^reset ok$' "$out"
check_match "container: its show has ipv4 enabled, mtu 1300" \
	'"ipv4": \{"enabled": true, "mtu": 1300, "overhead": 4' \
	"$(grep '^show1 ' <<<"$out")"

# uid 65534 making a container of its own, where the kernel allows it.
userns_ok=1
if [ -r /proc/sys/kernel/unprivileged_userns_clone ] &&
	[ "$(val /proc/sys/kernel/unprivileged_userns_clone)" = 0 ]; then
	userns_ok=0
fi
if [ "$userns_ok" = 1 ] && as_nobody -- unshare --user --map-root-user true 2>/dev/null; then
	check "uid 65534's container root: set in its own namespace" \
		as_nobody -- unshare --user --map-root-user --net \
		"$CTL" set ipv4 enable mtu 1300
	refused "uid 65534's userns root: set in $NS_B" "$EPERM_RE" \
		ip netns exec "$NS_B" setpriv --reuid=65534 --regid=65534 \
		--clear-groups unshare --user --map-root-user "$CTL" set ipv4 mtu 1300
	check_eq "$NS_B is still at the defaults" "$DEFAULTS" "$(ctl "$NS_B" -j show)"
else
	tap_ok "uid 65534's container: skipped (unprivileged user namespaces are off) # SKIP"
fi

# --- 4. isolation ------------------------------------------------------------------

# A container that stays: configured from inside, read from outside.
unshare --user --map-root-user --net sleep 60 &
cpid=$!
at_exit "kill $cpid 2>/dev/null"
for ((i = 0; i < 50; i++)); do
	[ "$(readlink "/proc/$cpid/ns/net")" != "$(readlink /proc/self/ns/net)" ] && break
	sleep 0.1
done
check "container (nsenter): set ipv6 enable mtu 1280 synack off" \
	nsenter --target "$cpid" --user --net \
	"$CTL" set ipv6 enable mtu 1280 synack off
show_c=$("$CTL" -n "/proc/$cpid/ns/net" -j show 2>&1 || true)
check_match "root reading the container's namespace sees its ipv6 setting" \
	'"ipv6": \{"enabled": true, "mtu": 1280' "$show_c"
check_match "root reading the container's namespace sees ipv4 at the defaults" \
	'"ipv4": \{"enabled": false, "mtu": 1500, "overhead": 0' "$show_c"
check_eq "the container's counters are zero" "$zero_stats" \
	"$(nsenter --target "$cpid" --net "$CTL" -j stats)"
check_eq "A: its configuration is its own" "$SHOW_A" "$(ctl "$NS_R" -j show)"
check_eq "A: its counters are its own" "$STATS_A" "$(ctl "$NS_R" -j stats)"
check_eq "B: the defaults" "$DEFAULTS" "$(ctl "$NS_B" -j show)"
check_eq "B: zero counters" "$(vec)" "$(counters "$NS_B" ipv4)"
check_eq "B: zero ipv6 counters" "$(vec)" "$(counters "$NS_B" ipv6)"
check_eq "the initial namespace: the defaults" "$DEFAULTS" "$(ctl - -j show)"
check_eq "the initial namespace: zero counters" "$zero_stats" "$(ctl - -j stats)"
check_eq "B: ipv4 disabled, mtu 1500, mss 1460" "false 1500 1460" \
	"$(cfg "$NS_B" ipv4 enabled) $(cfg "$NS_B" ipv4 mtu) $(cfg "$NS_B" ipv4 mss)"
kill "$cpid" 2>/dev/null || true
wait "$cpid" 2>/dev/null || true

mod_unload_checked
