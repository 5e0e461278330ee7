# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the netns scenarios (tests/netns/NN-*.sh), sourced by their
# prologue (scenario.sh). A scenario builds the topology, runs commands in
# the namespaces and records test cases with check/check_not/check_eq/
# check_match. A failed check is
# recorded and the scenario goes on; any other failing command ends the
# scenario (set -e), which the VM harness records as a failure too.
#
# Environment (set by tests/vm/guest.sh): MSSCLAMP_KO, MSSCLAMPCTL, KVER,
# REPO, TAP_FILE. Without TAP_FILE, results only go to stdout.
#
# Topology, built by topo_up:
#
#    mc-client               mc-router                    mc-server
#  +-----------+        +------------------+          +-----------+
#  |      eth0 +--------+ eth-c      eth-s +----------+ eth0      |
#  +-----------+        +------------------+          +-----------+
#  192.0.2.2/24       192.0.2.1/24   198.51.100.1/24   198.51.100.2/24
#  2001:db8:1::2/64   2001:db8:1::1  2001:db8:2::1     2001:db8:2::2/64
#  $C4 $C6            $R4 $R6        $G4 $G6           $S4 $S6
#
# With "topo_up transit=1" a second router, mc-transit, sits between the
# router and the server; the link between the two routers takes a third
# documentation prefix, and the server's gateway ($G4/$G6) is the transit;
# the client's and the server's addresses stay the same:
#
#  mc-client   mc-router                  mc-transit               mc-server
#    eth0 --- eth-c   eth-s -------------- eth-r  eth-s -------------- eth0
#                     203.0.113.1/24       203.0.113.2/24
#                     2001:db8:3::1/64     2001:db8:3::2/64
#                     $RT4 $RT6            $TR4 $TR6
#                                                 198.51.100.1/24
#                                                 2001:db8:2::1/64
#                                                 $G4 $G6
#
# Every veth end's MTU can be set at creation (both ends of a veth pair may
# differ: a frame larger than the receiving end's MTU is dropped silently):
#   topo_up [transit=1] [quiet=1] [c=MTU] [rc=MTU] [rs=MTU] [tr=MTU] [ts=MTU] [s=MTU]
# c: client eth0, rc/rs: router eth-c/eth-s, tr/ts: transit eth-r/eth-s,
# s: server eth0. Default 1500 everywhere.
# With "quiet=1" no namespace of the topology solicits or accepts router
# advertisements: no packet but the test's own crosses the router once
# the links are up (the benchmark times frames).
#
# The namespaces' names are the variables NS_C, NS_R, NS_T, NS_S below;
# a script may set them to other names after sourcing this file
# (tests/bench/guest.sh does), before topo_up.

# shellcheck source=tests/lib/sh/tap.sh
. "${BASH_SOURCE[0]%/*}/tap.sh"

export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
: "${TAP_FILE:=/dev/null}"

NS_C="mc-client"
NS_R="mc-router"
NS_T="mc-transit"
NS_S="mc-server"

# shellcheck disable=SC2034 # used by the scenarios
{
	C4=192.0.2.2 C6=2001:db8:1::2
	R4=192.0.2.1 R6=2001:db8:1::1
	RT4=203.0.113.1 RT6=2001:db8:3::1
	TR4=203.0.113.2 TR6=2001:db8:3::2
	G4=198.51.100.1 G6=2001:db8:2::1
	S4=198.51.100.2 S6=2001:db8:2::2
}

# Run a command in a namespace: c ip addr, r nft list ruleset, s socat ...
c() { ip netns exec "$NS_C" "$@"; }
r() { ip netns exec "$NS_R" "$@"; }
t() { ip netns exec "$NS_T" "$@"; }
s() { ip netns exec "$NS_S" "$@"; }

# nsysctl NS KEY VALUE: "sysctl -w" without the sysctl binary.
nsysctl() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	ip netns exec "$1" sh -c 'echo "$1" >"/proc/sys/$2"' - "$3" "${2//.//}"
}

# ns_new NAME [router]: a namespace with IPv6 DAD off for every interface
# created in it later (addresses are usable at once), and with "router",
# forwarding on in both families.
ns_new() {
	ip netns add "$1" || return 1
	# shellcheck disable=SC2016 # expanded by the inner sh
	ip netns exec "$1" sh -c '
		echo 0 >/proc/sys/net/ipv6/conf/all/accept_dad &&
		echo 0 >/proc/sys/net/ipv6/conf/default/accept_dad &&
		if [ "$1" = router ]; then
			echo 1 >/proc/sys/net/ipv4/ip_forward &&
			echo 1 >/proc/sys/net/ipv6/conf/all/forwarding
		fi' - "${2:-}"
}

# veth_pair NS1 IF1 MTU1 NS2 IF2 MTU2: a veth pair between two namespaces,
# both ends up.
veth_pair() {
	ip -n "$1" link add "$2" mtu "$3" type veth \
		peer name "$5" mtu "$6" netns "$4" &&
		ip -n "$1" link set "$2" up &&
		ip -n "$4" link set "$5" up
}

# addrs NS IF ADDR/LEN...: add addresses (IPv6 ones without DAD).
addrs() {
	local ns=$1 dev=$2 a
	shift 2
	for a in "$@"; do
		case $a in
		*:*) ip -n "$ns" -6 addr add "$a" dev "$dev" nodad ;;
		*) ip -n "$ns" addr add "$a" dev "$dev" ;;
		esac || return 1
	done
}

# The topology is fed to "ip -batch", one process per namespace: under TCG
# every exec costs ~0.1 s, and one command per line would cost seconds.
# shellcheck disable=SC2120 # the arguments are optional
topo_up() {
	local transit=0 mc=1500 mrc=1500 mrs=1500 mtr=1500 mts=1500 ms=1500 kv
	local quiet=0 ns
	for kv in "$@"; do
		case $kv in
		transit=*) transit=${kv#*=} ;;
		quiet=*) quiet=${kv#*=} ;;
		c=*) mc=${kv#*=} ;;
		rc=*) mrc=${kv#*=} ;;
		rs=*) mrs=${kv#*=} ;;
		tr=*) mtr=${kv#*=} ;;
		ts=*) mts=${kv#*=} ;;
		s=*) ms=${kv#*=} ;;
		*) echo "topo_up: unknown argument '$kv'" >&2; return 1 ;;
		esac
	done
	topo_down
	ns_new "$NS_C" || return 1
	ns_new "$NS_R" router || return 1
	ns_new "$NS_S" || return 1
	[ "$transit" != 1 ] || ns_new "$NS_T" router || return 1
	if [ "$quiet" = 1 ]; then
		local quiet_ns=("$NS_C" "$NS_R" "$NS_S")
		[ "$transit" != 1 ] || quiet_ns+=("$NS_T")
		for ns in "${quiet_ns[@]}"; do
			ip netns exec "$ns" sh -c '
				echo 0 >/proc/sys/net/ipv6/conf/default/router_solicitations &&
				echo 0 >/proc/sys/net/ipv6/conf/default/accept_ra' || return 1
		done
	fi

	# The server's side of the router: the server itself, or the transit.
	local peer=$NS_S peer_if=eth0 peer_mtu=$ms
	if [ "$transit" = 1 ]; then
		peer=$NS_T peer_if=eth-r peer_mtu=$mtr
	fi
	ip -n "$NS_R" -batch - <<-EOF || return 1
		link set lo up
		link add eth-c mtu $mrc type veth peer name eth0 mtu $mc netns $NS_C
		link add eth-s mtu $mrs type veth peer name $peer_if mtu $peer_mtu netns $peer
		link set eth-c up
		link set eth-s up
		addr add $R4/24 dev eth-c
		addr add $R6/64 dev eth-c nodad
	EOF
	if [ "$transit" = 1 ]; then
		ip -n "$NS_R" -batch - <<-EOF || return 1
			addr add $RT4/24 dev eth-s
			addr add $RT6/64 dev eth-s nodad
			route add 198.51.100.0/24 via $TR4
			route add 2001:db8:2::/64 via $TR6
		EOF
		ip -n "$NS_T" -batch - <<-EOF || return 1
			link set lo up
			link add eth-s mtu $mts type veth peer name eth0 mtu $ms netns $NS_S
			link set eth-r up
			link set eth-s up
			addr add $TR4/24 dev eth-r
			addr add $TR6/64 dev eth-r nodad
			addr add $G4/24 dev eth-s
			addr add $G6/64 dev eth-s nodad
			route add 192.0.2.0/24 via $RT4
			route add 2001:db8:1::/64 via $RT6
		EOF
	else
		ip -n "$NS_R" -batch - <<-EOF || return 1
			addr add $G4/24 dev eth-s
			addr add $G6/64 dev eth-s nodad
		EOF
	fi
	end_host "$NS_C" "$C4" "$C6" "$R4" "$R6" || return 1
	end_host "$NS_S" "$S4" "$S6" "$G4" "$G6" || return 1
}

# end_host NS ADDR4 ADDR6 GW4 GW6: NS's lo and eth0 up, eth0 with ADDR4/24
# and ADDR6/64, default routes via GW4 and GW6.
end_host() {
	ip -n "$1" -batch - <<-EOF
		link set lo up
		link set eth0 up
		addr add $2/24 dev eth0
		addr add $3/64 dev eth0 nodad
		route add default via $4
		route add default via $5
	EOF
}

# topo_down: delete our namespaces (those that exist).
topo_down() {
	local ns
	for ns in "$NS_C" "$NS_R" "$NS_T" "$NS_S"; do
		[ ! -e "/run/netns/$ns" ] || ip netns delete "$ns"
	done
}

# ping_ok NS ADDR: one echo answered within 5 s (either family).
ping_ok() {
	ip netns exec "$1" ping -q -n -c 1 -W 5 "$2" >/dev/null
}

# wait_listen NS PORT [SECONDS]: wait until a TCP socket listens on PORT.
wait_listen() {
	local i
	for ((i = 0; i < ${3:-10} * 10; i++)); do
		ip netns exec "$1" ss -Htln "sport = :$2" | grep -q . && return 0
		sleep 0.1
	done
	echo "wait_listen: nothing listens on port $2 in $1" >&2
	return 1
}

# --- the module -------------------------------------------------------------

mod_load() { insmod "${MSSCLAMP_KO:?MSSCLAMP_KO is not set}" "$@"; }
mod_unload() { rmmod mssclamp; }
mod_loaded() { [ -d /sys/module/mssclamp ]; }

# val FILE: a small file's content without the trailing newline, or
# "<missing FILE>"; always succeeds, so "x=$(val f)" is safe under set -e.
val() {
	local v
	{ v=$(<"$1"); } 2>/dev/null || v="<missing $1>"
	printf '%s\n' "$v"
}

# --- assertions ---------------------------------------------------------------
# check, check_not, check_eq, check_match (tap.sh): each records one case
# and returns 0, so a scenario continues after a failed check; the exit
# status says whether one failed.

# --- cleanup ------------------------------------------------------------------

_at_exit=()

# at_exit CMD: run CMD (a string, eval'd) when the scenario ends, before
# the namespaces go; last registered runs first.
at_exit() { _at_exit=("$1" "${_at_exit[@]}"); }

_cleanup() {
	local rc=$? cmd pids
	set +e
	for cmd in "${_at_exit[@]}"; do
		eval "$cmd"
	done
	pids=$(jobs -p)
	if [ -n "$pids" ]; then
		# shellcheck disable=SC2086
		kill $pids 2>/dev/null
		wait 2>/dev/null
	fi
	topo_down
	[ "$rc" != 0 ] || [ "$TAP_FAILED" = 0 ] || rc=1
	exit "$rc"
}
trap _cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
