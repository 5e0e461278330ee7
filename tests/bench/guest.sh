#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark itself, run inside the VM (tests/bench/run.sh boots it
# through tests/vm/init and tests/vm/guest.sh, as a scenario given by path).
#
#   mb-client  eth0 ---- eth-c  mb-router  eth-s ---- eth0  mb-sink
#              192.0.2.2/24     192.0.2.1/24
#              2001:db8:1::2/64 2001:db8:1::1/64
#                                      198.51.100.1/24     198.51.100.2/24
#                                      2001:db8:2::1/64    2001:db8:2::2/64
#
# The frames go to 198.51.100.9 / 2001:db8:2::9, for which the router holds
# a permanent neighbour entry with a documentation MAC (00:00:5e:00:53:01)
# that the sink does not own: they cross the router's forward path and die
# on the sink's side as PACKET_OTHERHOST, before any hook or route lookup
# there. tests/bench/send.c sends them and times them.
#
# The router is configured in turn with each implementation (BENCH_IMPLS):
#   none       nothing: no hook anywhere
#   nop        the empty hook (mssbench_nop.ko: returns NF_ACCEPT) at
#              FORWARD, both families: the floor any hook pays
#   nft        nft "tcp flags & (syn | rst) == syn tcp option maxseg size
#              set N" in a forward chain at mangle priority, tables ip and ip6
#   iptables   iptables/ip6tables -t mangle -A FORWARD -p tcp --tcp-flags
#              SYN,RST SYN -j TCPMSS --set-mss N (Debian's iptables: nft
#              backend, TCPMSS through nft_compat)
#   legacy     the same rules with iptables-legacy (x_tables)
#   mssclamp   mssclampctl set ipv4|ipv6 enable mtu 1500
#   mssclamp-nohist  the same with the benchmark's build of mssclamp.ko
#              without histograms (tests/bench/Kbuild.nohist; same
#              sources, no histogram ever allocated): the A/B for what the
#              histograms cost
#   nft-pmtu   nft "... tcp option maxseg size set rt mtu" (the route out
#              and, through nf_route(), the route back: get_tcpmss())
#   iptables-pmtu  iptables/ip6tables ... -j TCPMSS --clamp-mss-to-pmtu
#              (Debian's iptables-nft writes it as the nft rule above)
#   legacy-pmtu    the same with iptables-legacy: xt_TCPMSS itself
#              (tcpmss_reverse_mtu(): nf_route() too)
#   mssclamp-pmtu  mssclampctl set ipv4|ipv6 enable mtu 1500 pmtu on
#   mssclamp-trace mssclamp, with its tracepoint (mssclamp:mssclamp_syn)
#              enabled in a tracefs instance of the benchmark's own, no
#              filter, nobody reading: what an enabled tracepoint costs
#              (mssclampctl trace adds a filter and a reader)
#   off        mssclamp loaded and clamping in another namespace, enabled
#              and disabled again in the router: no hook in the router
#   nop-other  the empty hook in another namespace only: what any hook
#              anywhere costs the others (the kernel's static keys), the
#              control for "off"
# The frames (BENCH_KINDS, tests/bench/frames.h): SYNs (syn4, syn6), other
# TCP segments (data4, data6), ICMP frag-needed and ICMPv6 Packet Too Big
# (ptb4, ptb6), echo requests of the same length (icmp4, icmp6); syn4
# from 203.0.113.2, whose route back goes through a nexthop holding a
# learned path MTU exception (syn4exc, below); SYNs without an MSS option
# (nomss4, nomss6) and SYNs advertising mssclamp's floor, 536 / 1220
# (floor4, floor6), which no clamp lowers.
#
# The exception (bench_exception_up): the router routes 203.0.113.0/24
# via the client, which plays a hop whose onward link is 1400; a ping
# with DF from the router to 203.0.113.7 gets the client's frag-needed,
# and the router learns mtu 1400 for 203.0.113.7 alone.
# update_or_create_fnhe() (net/ipv4/route.c) then gives that nexthop its
# exception bucket array, which stays until the nexthop itself is freed
# (free_nh_exceptions() from fib_nh_common_release()), expired exceptions
# or not: the shape of every nexthop through which a PMTU was ever
# learned, a GRE or IPIP tunnel's (tnl_update_pmtu()) or a VTI's
# (vti_xmit()) among them. syn4exc's own route back has no exception:
# every clamp still reaches 1460.
# N is 1460 for IPv4 and 1440 for IPv6 (MTU 1500) everywhere; every link is
# 1500 too, so the pmtu forms reach the same values after their lookups. Rounds go
# back and forth (A B C ... C B A ...), and every run is
# checked: all frames forwarded, SYNs carrying the clamped MSS where a
# clamp is configured and the original one elsewhere, ICMP messages as
# sent, the clamp's own counters where it has any (mssclamp's also count
# every Packet Too Big, and its histograms every SYN's MSS and every PTB's
# MTU, or nothing in the nohist build), and the hooks registered in the
# router's namespace are exactly the ones the implementation should add.
#
# Results: $BENCH_OUT/bench.raw (one line per measurement and fact, read by
# tests/bench/report.py on the host) and $TAP_FILE (ok / not ok per check).
#
# Environment: REPO, KVER, MSSCLAMP_KO, MSSCLAMPCTL (from the harness), and
#   BENCH_FRAMES   timed frames per measurement (15000)
#   BENCH_WARMUP   untimed frames before each (1000)
#   BENCH_ROUNDS   rounds, each implementation once per round (6)
#   BENCH_IMPLS    which, from: none nop nft iptables legacy mssclamp
#                  mssclamp-nohist nft-pmtu iptables-pmtu legacy-pmtu
#                  mssclamp-pmtu mssclamp-trace off nop-other (default:
#                  all)
#   BENCH_KINDS    "syn4 syn6 data4 data6 ptb4 ptb6 icmp4 icmp6 syn4exc
#                  nomss4 nomss6 floor4 floor6"
#   BENCH_OUT      where bench.raw goes (default: beside $TAP_FILE)
#   BENCH_HOST=1   for working on the benchmark itself: run straight on a
#                  host that cannot load modules (BENCH_IMPLS="none nft
#                  iptables"; no hook lists, no memory figures)
set -eu -o pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH LC_ALL=C

: "${REPO:?}" "${TAP_FILE:=/dev/null}"
: "${KVER:=$(cat /proc/sys/kernel/osrelease)}"
# The scenarios' helpers: the topology (topo_up, ns_new, r, ...), the
# module, the clean-up when the script exits (namespaces, at_exit).
# shellcheck source=tests/lib/sh/netns.sh
. "$REPO/tests/lib/sh/netns.sh"

FRAMES=${BENCH_FRAMES:-15000}
WARMUP=${BENCH_WARMUP:-1000}
ROUNDS=${BENCH_ROUNDS:-6}
IMPLS=${BENCH_IMPLS:-none nop nft iptables legacy mssclamp mssclamp-nohist nft-pmtu iptables-pmtu legacy-pmtu mssclamp-pmtu mssclamp-trace off nop-other}
IMPLS=${IMPLS//,/ }
KINDS=${BENCH_KINDS:-syn4 syn6 data4 data6 ptb4 ptb6 icmp4 icmp6 syn4exc nomss4 nomss6 floor4 floor6}
KINDS=${KINDS//,/ }
VERIFY=4
if [ -z "${BENCH_OUT:-}" ]; then
	if [ "$TAP_FILE" = /dev/null ]; then BENCH_OUT=.; else BENCH_OUT=$(dirname "$TAP_FILE"); fi
fi
RAW=$BENCH_OUT/bench.raw
HOOKS=$BENCH_OUT/hooks.txt
: >"$RAW"
: >"$HOOKS"

BDIR=$REPO/build/bench
# The sender of the guest's architecture (tests/bench/run.sh).
SEND=${BENCH_SEND:-$BDIR/mssbench-send}
NOP_KO=$BDIR/$KVER/kmod/mssbench_nop.ko
PROBE_KO=$BDIR/$KVER/kmod/mssbench_probe.ko
CTL=${MSSCLAMPCTL:-$REPO/userspace/mssclampctl}
KO=${MSSCLAMP_KO:-$REPO/build/kmod/$KVER/mssclamp.ko}
# The A/B build without histograms: always the tree's (mk/bench.mk).
KO_NOHIST=$BDIR/$KVER/kmod-nohist/mssclamp.ko
COUNTS=$REPO/tests/bench/counts.py

# The clamp everyone is configured with: MTU 1500 in both families.
MSS4=1460
MSS6=1440
# What the frames carry (tests/bench/frames.h): the SYNs' MSS, the floor
# SYNs' MSS (and their histogram bucket), the ptb frames' MTU.
SYN_MSS4=8960
SYN_MSS6=8940
FLOOR_MSS4=536
FLOOR_MSS6=1220
FLOOR_BUCKET4=536-599
FLOOR_BUCKET6=1220-1220
PTB_MTU=1400

# netns.sh's topology under the benchmark's own names (the sink is netns.sh's
# server), and one namespace more, "other".
NS_C=mb-client NS_R=mb-router NS_S=mb-sink NS_O=mb-other
# mssclamp-trace's tracefs instance (tests/vm/guest.sh mounts tracefs there).
TRACE_INST=/sys/kernel/tracing/instances/mssbench

say() { echo "bench: $*"; }
raw() { echo "$*" >>"$RAW"; }
# The benchmark's cases are named "KVER bench: ...", and only failures
# reach the console.
TAP_PREFIX="$KVER bench: " TAP_QUIET=1

# --- topology -----------------------------------------------------------------

other_down() {
	[ ! -e "/run/netns/$NS_O" ] || ip netns delete "$NS_O"
}
at_exit other_down

# netns.sh's client - router - sink, quiet (no router solicitations: only
# the frames cross the router), plus "other" and the router's permanent
# neighbours for the frames' destinations.
bench_topo_up() {
	topo_up quiet=1
	bench_exception_up
	other_down
	ns_new "$NS_O"
	ip -n "$NS_O" link set lo up
	ip -n "$NS_R" -batch - <<-EOF
		neigh add 198.51.100.9 lladdr 00:00:5e:00:53:01 dev eth-s nud permanent
		neigh add 2001:db8:2::9 lladdr 00:00:5e:00:53:01 dev eth-s nud permanent
	EOF
}

# The nexthop with an exception (see the top of this file).
bench_exception_up() {
	local got
	ip -n "$NS_R" route add 203.0.113.0/24 via 192.0.2.2 dev eth-c
	ip -n "$NS_C" -batch - <<-EOF
		link add mb-narrow mtu 1400 type dummy
		link set mb-narrow up
		route add 203.0.113.0/24 dev mb-narrow
	EOF
	c sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward'
	r ping -q -Mdo -s 1472 -c 2 -W 1 203.0.113.7 >/dev/null 2>&1 || true
	c sh -c 'echo 0 >/proc/sys/net/ipv4/ip_forward'
	ip -n "$NS_C" link del mb-narrow
	got=$(ip -n "$NS_R" route get 203.0.113.7 | tr -s ' \n' ' ')
	raw "EXCEPTION kver=$KVER to=203.0.113.7 route=${got// /:}"
	check "the router learned mtu 1400 towards 203.0.113.7: $got" \
		has "mtu 1400" "$got"
	got=$(ip -n "$NS_R" route get 203.0.113.2 | tr -s ' \n' ' ')
	check "and nothing towards 203.0.113.2, syn4exc's source: $got" \
		lacks "mtu" "$got"
}

# has WORD TEXT, lacks WORD TEXT
has() { [[ $2 == *"$1"* ]]; }
lacks() { [[ $2 != *"$1"* ]]; }

bench_topo_down() {
	topo_down
	other_down
}

# --- the implementations --------------------------------------------------------

ctl() { "$CTL" "$@"; }

impl_up() {
	case $1 in
	none) ;;
	nop) r insmod "$NOP_KO" ;;
	nop-other) ip netns exec $NS_O insmod "$NOP_KO" ;;
	nft)
		r nft -f - <<-EOF
			table ip mssbench {
				chain forward {
					type filter hook forward priority mangle; policy accept;
					tcp flags & (syn | rst) == syn tcp option maxseg size set $MSS4
				}
			}
			table ip6 mssbench {
				chain forward {
					type filter hook forward priority mangle; policy accept;
					tcp flags & (syn | rst) == syn tcp option maxseg size set $MSS6
				}
			}
		EOF
		;;
	nft-pmtu)
		r nft -f - <<-EOF
			table ip mssbench {
				chain forward {
					type filter hook forward priority mangle; policy accept;
					tcp flags & (syn | rst) == syn tcp option maxseg size set rt mtu
				}
			}
			table ip6 mssbench {
				chain forward {
					type filter hook forward priority mangle; policy accept;
					tcp flags & (syn | rst) == syn tcp option maxseg size set rt mtu
				}
			}
		EOF
		;;
	iptables-pmtu | legacy-pmtu)
		local ipt=iptables ip6t=ip6tables
		[ "$1" = iptables-pmtu ] || ipt=iptables-legacy ip6t=ip6tables-legacy
		r $ipt -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN \
			-j TCPMSS --clamp-mss-to-pmtu
		r $ip6t -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN \
			-j TCPMSS --clamp-mss-to-pmtu
		;;
	mssclamp-pmtu)
		insmod "$KO"
		ctl -n $NS_R set ipv4 enable mtu 1500 pmtu on
		ctl -n $NS_R set ipv6 enable mtu 1500 pmtu on
		;;
	iptables)
		r iptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN \
			-j TCPMSS --set-mss $MSS4
		r ip6tables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN \
			-j TCPMSS --set-mss $MSS6
		;;
	legacy)
		r iptables-legacy -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN \
			-j TCPMSS --set-mss $MSS4
		r ip6tables-legacy -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN \
			-j TCPMSS --set-mss $MSS6
		;;
	mssclamp | mssclamp-nohist)
		if [ "$1" = mssclamp ]; then insmod "$KO"; else insmod "$KO_NOHIST"; fi
		ctl -n $NS_R set ipv4 enable mtu 1500
		ctl -n $NS_R set ipv6 enable mtu 1500
		;;
	mssclamp-trace)
		insmod "$KO"
		ctl -n $NS_R set ipv4 enable mtu 1500
		ctl -n $NS_R set ipv6 enable mtu 1500
		mkdir "$TRACE_INST"
		echo 1 >"$TRACE_INST/events/mssclamp/mssclamp_syn/enable"
		;;
	off)
		# Loaded and clamping in another namespace; enabled in the
		# router and disabled again, so its hooks came and went.
		insmod "$KO"
		ctl -n $NS_O set ipv4 enable mtu 1500
		ctl -n $NS_O set ipv6 enable mtu 1500
		ctl -n $NS_R set ipv4 enable mtu 1500
		ctl -n $NS_R set ipv6 enable mtu 1500
		ctl -n $NS_R set ipv4 disable
		ctl -n $NS_R set ipv6 disable
		;;
	*)
		echo "bench: unknown implementation '$1'" >&2
		return 1
		;;
	esac
}

impl_down() {
	case $1 in
	nop | nop-other) rmmod mssbench_nop ;;
	nft | iptables | nft-pmtu | iptables-pmtu) r nft flush ruleset ;;
	legacy | legacy-pmtu)
		# The legacy tables keep their hooks until their modules go.
		r iptables-legacy -t mangle -F
		r ip6tables-legacy -t mangle -F
		rmmod iptable_mangle ip6table_mangle
		;;
	mssclamp | mssclamp-nohist | mssclamp-pmtu | off) rmmod mssclamp ;;
	mssclamp-trace)
		echo 0 >"$TRACE_INST/events/mssclamp/mssclamp_syn/enable"
		rmdir "$TRACE_INST"
		rmmod mssclamp
		;;
	esac
}

# The forward hooks that each implementation adds in the router's namespace.
impl_hooks() {
	case $1 in
	nop) echo "ipv4 forward mssbench_nop_hook,ipv6 forward mssbench_nop_hook" ;;
	nft | iptables | nft-pmtu | iptables-pmtu)
		echo "ipv4 forward nft_do_chain_ipv4,ipv6 forward nft_do_chain_ipv6" ;;
	legacy | legacy-pmtu) echo "ipv4 forward iptable_mangle_hook,ipv6 forward ip6table_mangle_hook" ;;
	mssclamp | mssclamp-nohist | mssclamp-pmtu | mssclamp-trace)
		echo "ipv4 forward mssclamp_hook_v4,ipv6 forward mssclamp_hook_v6" ;;
	*) echo "" ;;
	esac
}

# The MSS the SYNs must carry after the router.
impl_mss() {
	case $1 in
	nft | iptables | legacy | mssclamp | mssclamp-nohist | mssclamp-trace | *-pmtu) echo "$MSS4 $MSS6" ;;
	*) echo "$SYN_MSS4 $SYN_MSS6" ;;
	esac
}

# The MSS the nomss SYNs carry after the router: xt_TCPMSS inserts one
# (tcpmss_mangle_packet(): 536 for IPv4, 1220 for IPv6, or less), the
# others add none.
impl_nomss() {
	case $1 in
	iptables* | legacy*) echo "536 1220" ;;
	*) echo "-1 -1" ;;
	esac
}

# hooks_of NS [all]: "family hook function" of every forward hook in NS
# (with "all": of every hook), comma-separated. Other hook points have
# hooks of their own, e.g. AppArmor's postrouting one on 6.12, the same for
# every implementation.
hooks_of() {
	if [ ! -d /sys/module/mssbench_probe ]; then
		echo "?"	# no probe (a kernel that cannot load modules)
		return
	fi
	ip netns exec "$1" cat /sys/module/mssbench_probe/parameters/hooks |
		awk -v all="${2:-}" '$0 != "none" && (all != "" || $2 == "forward") {
			printf "%s%s %s %s", sep, $1, $2, $4; sep = "," }'
}

# field KEY LINE: the value of KEY=... in a line of key=value fields.
field() {
	local f
	for f in $2; do
		case $f in "$1="*) echo "${f#*=}"; return ;; esac
	done
	echo "?"
}

# nkinds KIND...: how many of them are measured.
nkinds() {
	local k n=0
	for k; do
		case " $KINDS " in *" $k "*) n=$((n + 1)) ;; esac
	done
	echo $n
}

# Counters of the implementations that keep any, after a round: the SYNs
# counted must be all SYNs sent (warm-up, timed, verified), those clamped
# all of syn4, syn4exc and syn6, the floor ones unchanged, the nomss ones
# without MSS. mssclamp also counts every ptb frame, and its histograms
# hold every SYN's MSS (but the nomss ones': they have none) and every ptb
# frame's MTU, each in its own bucket; the nohist build's are empty, and
# so are those of a namespace where mssclamp is disabled.
impl_counters() {
	local impl=$1 round=$2 sent=$((WARMUP + FRAMES + VERIFY)) out n4 n6
	local fam got want syn clamped floor nomss ptb mss fmss fbucket
	case $impl in
	mssclamp | mssclamp-nohist | mssclamp-pmtu | mssclamp-trace | off)
		out=$(ip netns exec $NS_R python3 -S "$COUNTS") || out=""
		raw "COUNTERS kver=$KVER round=$round impl=$impl $out"
		for fam in ipv4 ipv6; do
			if [ $fam = ipv4 ]; then
				clamped=$(nkinds syn4 syn4exc) floor=$(nkinds floor4)
				nomss=$(nkinds nomss4) ptb=$(nkinds ptb4)
				mss=$SYN_MSS4 fmss=$FLOOR_MSS4 fbucket=$FLOOR_BUCKET4
			else
				clamped=$(nkinds syn6) floor=$(nkinds floor6)
				nomss=$(nkinds nomss6) ptb=$(nkinds ptb6)
				mss=$SYN_MSS6 fmss=$FLOOR_MSS6 fbucket=$FLOOR_BUCKET6
			fi
			if [ "$impl" = off ]; then
				clamped=0 floor=0 nomss=0 ptb=0
			fi
			clamped=$((clamped * sent)) floor=$((floor * sent))
			nomss=$((nomss * sent)) ptb=$((ptb * sent))
			syn=$((clamped + floor + nomss))
			got="$(field ${fam}_syn "$out"):$(field ${fam}_clamped_syn "$out")"
			got+=":$(field ${fam}_unchanged "$out"):$(field ${fam}_no_mss "$out")"
			got+=":$(field ${fam}_ptb "$out")"
			want="$syn:$clamped:$floor:$nomss:$ptb"
			check "round $round $impl: $fam syn:clamped_syn:unchanged:no_mss:ptb $got = $want" \
				[ "$got" = "$want" ]
			got="$(field ${fam}_hist_syn_buckets "$out") $(field ${fam}_hist_syn_sum "$out")"
			got+=" $(field ${fam}_hist_ptb_buckets "$out") $(field ${fam}_hist_ptb_sum "$out")"
			got+=" $(field ${fam}_hist_synack "$out")"
			if [ "$impl" = mssclamp-nohist ] || [ "$impl" = off ]; then
				want="- 0 - 0 0"
			else
				want=""
				[ "$floor" = 0 ] || want="$fbucket:$floor"
				[ "$clamped" = 0 ] || want+="${want:+,}8192-8999:$clamped"
				want="${want:--} $((clamped * mss + floor * fmss))"
				if [ "$ptb" = 0 ]; then
					want+=" - 0"
				else
					want+=" $PTB_MTU-$PTB_MTU:$ptb $((ptb * PTB_MTU))"
				fi
				want+=" 0"
			fi
			check "round $round $impl: $fam histograms: syn buckets, sum; ptb buckets, sum; synack count: $got = $want" \
				[ "$got" = "$want" ]
		done
		;;
	iptables | legacy | iptables-pmtu | legacy-pmtu)
		local ipt=iptables ip6t=ip6tables want4 want6
		case $impl in legacy*) ipt=iptables-legacy ip6t=ip6tables-legacy ;; esac
		want4=$(($(nkinds syn4 syn4exc nomss4 floor4) * sent))
		want6=$(($(nkinds syn6 nomss6 floor6) * sent))
		n4=$(r $ipt -t mangle -L FORWARD -v -x -n | awk '/TCPMSS/ { print $1 }')
		n6=$(r $ip6t -t mangle -L FORWARD -v -x -n | awk '/TCPMSS/ { print $1 }')
		raw "COUNTERS kver=$KVER round=$round impl=$impl ipv4_rule=$n4 ipv6_rule=$n6"
		check "round $round $impl: rule counted ipv4 $n4 = $want4, ipv6 $n6 = $want6 SYNs" \
			[ "$n4:$n6" = "$want4:$want6" ]
		;;
	esac
}

# measure ROUND IMPL: one run of every kind through the configured router.
measure() {
	local round=$1 impl=$2 mss nomss line rc=0 hooks want
	read -r -a mss <<<"$(impl_mss "$impl")"
	read -r -a nomss <<<"$(impl_nomss "$impl")"

	hooks=$(hooks_of $NS_R)
	want=$(impl_hooks "$impl")
	[ "$hooks" = "?" ] ||
		check "round $round $impl: router hooks are '${want:-none}'" [ "$hooks" = "$want" ]
	if [ "$round" = 1 ]; then
		raw "HOOKS kver=$KVER impl=$impl ns=router hooks=$(hooks_of $NS_R all | tr ' ' :)"
	fi
	if [ "$impl" = nop-other ]; then
		check "round $round $impl: the empty hook in the other namespace" \
			[ "$(hooks_of $NS_O)" = "ipv4 forward mssbench_nop_hook,ipv6 forward mssbench_nop_hook" ]
	fi

	# shellcheck disable=SC2086 # $KINDS is a list
	while read -r line; do
		raw "RAW kver=$KVER round=$round impl=$impl $line"
		case $line in
		*result=ok) tap_ok "round $round $impl ${line%% *}: every frame forwarded, MSS ${line#*mss=}" ;;
		*) tap_fail "round $round $impl: $line" ;;
		esac
	done < <("$SEND" --client /run/netns/$NS_C --router /run/netns/$NS_R \
		--sink /run/netns/$NS_S --count "$FRAMES" --warmup "$WARMUP" \
		--verify $VERIFY --mss4 "${mss[0]}" --mss6 "${mss[1]}" \
		--nomss4 "${nomss[0]}" --nomss6 "${nomss[1]}" $KINDS ||
		echo "sender-exit=$?")
	impl_counters "$impl" "$round"
	return $rc
}

# The "off" case in words: the router's namespace has no mssclamp hook
# while another namespace has both; nft list hooks shows it where the
# kernel has NETFILTER_NETLINK_HOOK (6.12; Debian's 6.1 has not).
show_disabled() {
	local h_r h_o ns out
	h_r=$(hooks_of $NS_R)
	h_o=$(hooks_of $NS_O)
	raw "DISABLED kver=$KVER router=${h_r:-none} other=${h_o:-none}"
	check "off: no hook in the router's namespace, where mssclamp is disabled" [ -z "$h_r" ]
	check "off: mssclamp's hooks in the namespace where it is enabled" \
		[ "$h_o" = "ipv4 forward mssclamp_hook_v4,ipv6 forward mssclamp_hook_v6" ]
	{
		echo "# mssclamp loaded, enabled in $NS_O, disabled in $NS_R"
		for ns in $NS_O $NS_R; do
			echo "\$ mssclampctl -n $ns show"
			ctl -n "$ns" show
		done
		for ns in $NS_O $NS_R; do
			echo "\$ ip netns exec $ns nft list hooks"
			out=$(ip netns exec "$ns" nft list hooks 2>&1) || true
			echo "${out:-(nothing: this kernel lacks CONFIG_NETFILTER_NETLINK_HOOK)}"
		done
		echo "\$ ip netns exec $NS_O cat /sys/module/mssbench_probe/parameters/hooks"
		ip netns exec $NS_O cat /sys/module/mssbench_probe/parameters/hooks
		echo "\$ ip netns exec $NS_R cat /sys/module/mssbench_probe/parameters/hooks"
		ip netns exec $NS_R cat /sys/module/mssbench_probe/parameters/hooks
	} >>"$HOOKS" 2>&1
}

# Memory: the module's sections as loaded, and what one namespace costs.
memory() {
	local f s
	insmod "$KO"
	s=$(cat /sys/module/mssbench_probe/parameters/sizes)
	raw "MEMSIZES kver=$KVER $s"
	for f in coresize initsize; do
		[ ! -f /sys/module/mssclamp/$f ] || raw "MEMMOD kver=$KVER $f=$(cat /sys/module/mssclamp/$f)"
	done
	for f in /sys/module/mssclamp/sections/.text /sys/module/mssclamp/sections/.data \
		/sys/module/mssclamp/sections/.rodata /sys/module/mssclamp/sections/.bss; do
		[ ! -f "$f" ] || raw "MEMSECT kver=$KVER ${f##*/}=$(cat "$f")"
	done
	rmmod mssclamp
}

main() {
	local round impl order list=() i
	read -r -a list <<<"$IMPLS"
	say "kernel $KVER; frames $FRAMES (+$WARMUP warm-up) per measurement; rounds $ROUNDS; implementations: ${list[*]}; kinds: $KINDS"
	raw "CONFIG kver=$KVER frames=$FRAMES warmup=$WARMUP rounds=$ROUNDS impls=${IMPLS// /,} kinds=${KINDS// /,} mss4=$MSS4 mss6=$MSS6"
	for f in "$SEND" "$PROBE_KO" "$COUNTS"; do
		[ -e "$f" ] || { tap_fail "$f exists (run through tests/bench/run.sh)"; return 1; }
	done
	! mod_loaded || rmmod mssclamp
	[ -d /sys/module/mssbench_probe ] || insmod "$PROBE_KO" || [ -n "${BENCH_HOST:-}" ]
	modprobe -a veth nf_tables nft_exthdr nft_rt xt_TCPMSS iptable_mangle ip6table_mangle 2>/dev/null || true
	bench_topo_up
	[ -n "${BENCH_HOST:-}" ] || memory

	for ((round = 1; round <= ROUNDS; round++)); do
		if ((round % 2)); then
			order=("${list[@]}")
		else
			order=()
			for ((i = ${#list[@]} - 1; i >= 0; i--)); do order+=("${list[i]}"); done
		fi
		say "round $round/$ROUNDS: ${order[*]}"
		for impl in "${order[@]}"; do
			if ! impl_up "$impl"; then
				tap_fail "round $round: $impl configured"
				impl_down "$impl" || true
				continue
			fi
			[ "$impl" != off ] || [ "$round" != 1 ] || show_disabled
			measure "$round" "$impl" || true
			impl_down "$impl" || tap_fail "round $round: $impl removed"
		done
	done
	bench_topo_down
	[ ! -d /sys/module/mssbench_probe ] || rmmod mssbench_probe
	say "done, $TAP_FAILED failed checks"
	[ "$TAP_FAILED" = 0 ]
}

main "$@"
