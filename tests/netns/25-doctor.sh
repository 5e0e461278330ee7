#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 25-doctor: mssclampctl doctor on the router of netns.sh's topology.
#
# A clean router (module loaded, IPv4 at mtu 1500, IPv6 at mtu 1500 overhead
# 44 as the shipped file has them, forwarding on, no ruleset) gets exit
# status 0 and ok findings only. Then each problem is planted, found (exit
# 1, the check named with its severity in -j doctor, and where the numbers
# are doctor's own, its message), and gone again once it is removed:
#
#   a dummy wg0 at MTU 1420 with routes     ipv4.mtu, ipv6.mtu     fail
#     ... with pmtu on                      ipv6.mtu               ok
#   routes with mtu 1280 / 1400             ipv6/ipv4.route-mtu    fail
#   dev naming no interface                 ipv4.scope             warn
#   nft tcp option maxseg size set 1400     nft.maxseg             warn
#   iptables-nft -j TCPMSS
#     --clamp-mss-to-pmtu                   nft.tcpmss             warn
#   nft icmpv6 type packet-too-big drop,
#   iptables-nft / ip6tables-nft drops of
#   fragmentation-needed / packet-too-big   nft.icmp               fail
#     (the control: an echo-request drop is no finding)
#   a flowtable                             nft.flowtable          ok
#   legacy iptables -j TCPMSS               legacy.tcpmss          warn
#   forwarding off                          ipv4/ipv6.forwarding   fail
#   the module unloaded                     module                 fail
#
# and, as uid 65534 without capabilities, every check it can read and a
# warn finding for the ruleset it cannot. doctor's text output for the box
# with every problem planted, and for the clean one, is printed ("# | ")
# for docs/operations.md.
#
# The guest runs the host's nft, iptables-nft and jq (the VM shares the
# host's /): checked first.
#
# vm-timeout: 600
. "$(dirname "$0")/../lib/sh/scenario.sh" plain

WORK=$(mktemp -d /tmp/mssclamp-doctor.XXXXXX)
at_exit "rm -rf '$WORK'"
CTL=${MSSCLAMPCTL:?MSSCLAMPCTL is not set}
DOC=$WORK/doctor.json

for tool in nft iptables-nft ip6tables-nft jq setpriv; do
	check "the host has $tool" command -v "$tool"
done
LEGACY=0
if command -v iptables-legacy >/dev/null; then
	LEGACY=1
fi

# --- helpers -----------------------------------------------------------------

# rctl ARGS...: mssclampctl in the router.
rctl() { ip netns exec "$NS_R" "$CTL" "$@"; }

# doctor [PREFIX...]: "mssclampctl -j doctor" in the router (run through
# PREFIX, e.g. setpriv), into $DOC; its exit status into RC, and (one jq,
# no more processes: under TCG each costs) its findings into SEV[CHECK]
# (the severities, in the order found, each once: "fail", "ok,warn"),
# MSG[CHECK] (the messages, a line each), PROBLEMS and BAD (the checks with
# a warn or fail finding, in the order found).
declare -A SEV MSG
doctor() {
	local check sev text
	RC=0
	ip netns exec "$NS_R" "$@" "$CTL" -j doctor >"$DOC" 2>"$WORK/doctor.err" ||
		RC=$?
	SEV=() MSG=() BAD=""
	{
		read -r PROBLEMS
		while IFS=$'\t' read -r check sev text; do
			case ,${SEV[$check]:-}, in
			*",$sev,"*) ;;
			*) SEV[$check]=${SEV[$check]:+${SEV[$check]},}$sev ;;
			esac
			MSG[$check]=${MSG[$check]:+${MSG[$check]}$'\n'}$text
			if [ "$sev" != ok ]; then
				case " $BAD " in
				*" $check "*) ;;
				*) BAD=${BAD:+$BAD }$check ;;
				esac
			fi
		done
	} < <(jq -r '.problems, (.findings[] | [.check, .severity, .message] | @tsv)' "$DOC")
}

# clean TAG: exit 0, "problems" 0, no warn or fail.
clean() {
	doctor
	check_eq "$1: doctor exits 0" 0 "$RC"
	check_eq "$1: no problem" 0 "$PROBLEMS"
	check_eq "$1: no warn or fail finding" "" "$BAD"
}

# found TAG CHECK SEVERITY: exit 1 and CHECK found with SEVERITY (alone).
found() {
	doctor
	check_eq "$1: doctor exits 1" 1 "$RC"
	check_eq "$1: $2 is $3" "$3" "${SEV[$2]:-}"
	echo "# $1: $2: ${MSG[$2]:-}"
}

# show TAG: doctor's text output, for the docs.
show() {
	local rc=0
	rctl doctor >"$WORK/doctor.txt" 2>&1 || rc=$?
	echo "# | $1 (exit status $rc):"
	sed 's/^/# | /' "$WORK/doctor.txt"
}

# add_wg0: a dummy wg0 in the router at MTU 1420, with IPv4 and IPv6 routes.
add_wg0() {
	ip -n "$NS_R" -batch - <<-EOF
		link add wg0 mtu 1420 type dummy
		link set wg0 up
		addr add 203.0.113.1/24 dev wg0
		addr add 2001:db8:4::1/64 dev wg0 nodad
	EOF
}

# --- a clean router ----------------------------------------------------------

check "insmod mssclamp.ko" mod_load
topo_up
check "router: set ipv4 enable mtu 1500" rctl set ipv4 enable mtu 1500
check "router: set ipv6 enable mtu 1500 overhead 44" \
	rctl set ipv6 enable mtu 1500 overhead 44

# Built into the kernel (as in tests/vm/debug.config's), nf_tables is
# always there and, having no parameters, has no /sys/module directory:
# doctor then reads an empty ruleset.
if grep -qx 'kernel/net/netfilter/nf_tables.ko' \
	"/lib/modules/$(uname -r)/modules.builtin" 2>/dev/null; then
	NFT_BEFORE=builtin
else
	NFT_BEFORE=$([ -d /sys/module/nf_tables ] && echo loaded || echo absent)
fi
clean "clean router"
show "clean router"
case $NFT_BEFORE in
absent)
	check_eq "clean router: doctor did not load nf_tables" absent \
		"$([ -d /sys/module/nf_tables ] && echo loaded || echo absent)"
	check_match "clean router: it says there is no ruleset" \
		'^nf_tables is not loaded' "${MSG[nftables]:-}"
	;;
builtin)
	check_match "clean router: it reads the built-in nf_tables' empty ruleset" \
		'^read the ruleset: 0 chains, 0 rules' "${MSG[nftables]:-}"
	;;
esac
check_eq "clean router: -n $NS_R says the same as inside it" "$(cat "$DOC")" \
	"$("$CTL" -n "$NS_R" -j doctor)"
for c in module netlink version ipv4.enabled ipv6.enabled ipv4.hook \
	ipv6.hook ipv4.scope ipv6.scope ipv4.mtu ipv6.mtu ipv4.route-mtu \
	ipv6.route-mtu ipv4.forwarding ipv6.forwarding nftables legacy; do
	check_eq "clean router: $c is ok" ok "${SEV[$c]:-}"
done
check_match "clean router: the interfaces with routes are named" \
	'^every interface that carries IPv6 routes allows the ceiling 1396 \(eth-c 1500, eth-s 1500\)$' \
	"${MSG[ipv6.mtu]:-}"
doctor
cp "$DOC" "$WORK/clean.json"
rctl doctor >"$WORK/clean.txt" 2>&1 || true
check_eq "clean router: the text lines are the JSON findings" \
	"$(jq -r '.findings[] | "\(.severity) \(.check): \(.message)"' "$WORK/clean.json")" \
	"$(sed -n 's/^\(ok\|warn\|fail\) *\([^ ]*\)/\1 \2/p' "$WORK/clean.txt")"
check_eq "clean router: the text ends with the count" "no problem found" \
	"$(tail -n 1 "$WORK/clean.txt")"

# --- wg0: an interface narrower than the ceiling ------------------------------

add_wg0
found "wg0 at 1420" ipv6.mtu fail
check_eq "wg0 at 1420: the IPv6 numbers" \
	"wg0: MTU 1420 allows MSS 1360 (IPv6, overhead 0); the ceiling is 1396: set overhead 80 or pmtu on" \
	"${MSG[ipv6.mtu]:-}"
check_eq "wg0 at 1420: ipv4.mtu is fail" fail "${SEV[ipv4.mtu]:-}"
check_eq "wg0 at 1420: the IPv4 numbers" \
	"wg0: MTU 1420 allows MSS 1380 (IPv4, overhead 0); the ceiling is 1460: set overhead 80 or pmtu on" \
	"${MSG[ipv4.mtu]:-}"
check_eq "wg0 at 1420: nothing else" "ipv4.mtu ipv6.mtu" "$BAD"

check "wg0 at 1420: set ipv6 pmtu on" rctl set ipv6 pmtu on
doctor
check_eq "wg0, pmtu on: ipv6.mtu is ok" ok "${SEV[ipv6.mtu]:-}"
check_eq "wg0, pmtu on: it says what pmtu makes of it" \
	"wg0: MTU 1420 allows MSS 1360 (IPv6, overhead 0), below the ceiling 1396: pmtu on clamps connections through it to 1316 (1420 - 60 - overhead 44)" \
	"${MSG[ipv6.mtu]:-}"
check_eq "wg0, pmtu on: ipv4 is still fail" "ipv4.mtu" "$BAD"
check "wg0: set ipv6 pmtu off" rctl set ipv6 pmtu off

# An interface that carries no routes does not count, unless in the scope.
ip -n "$NS_R" -batch - <<-EOF
	addr flush dev wg0
EOF
doctor
check_eq "wg0 without routes: not checked" "" "$BAD"
check "wg0 without routes: set ipv6 dev wg0" rctl set ipv6 dev wg0
found "wg0 in the scope" ipv6.mtu fail
check "wg0 in the scope: set ipv6 dev any" rctl set ipv6 dev any
ip -n "$NS_R" link del wg0
clean "wg0 gone"

# --- routes with an mtu ----------------------------------------------------------

ip -n "$NS_R" -6 route add default via "$S6" dev eth-s mtu 1280
ip -n "$NS_R" route add default via "$S4" dev eth-s mtu 1400
found "route mtu 1280" ipv6.route-mtu fail
check_eq "route mtu 1280: the numbers" \
	"default via $S6 dev eth-s: route mtu 1280 allows MSS 1220 (IPv6, overhead 0); the ceiling is 1396: set overhead 220 or pmtu on" \
	"${MSG[ipv6.route-mtu]:-}"
check_eq "route mtu 1400: ipv4.route-mtu is fail" fail "${SEV[ipv4.route-mtu]:-}"
check_eq "route mtu 1400: the numbers" \
	"default via $S4 dev eth-s: route mtu 1400 allows MSS 1360 (IPv4, overhead 0); the ceiling is 1460: set overhead 100 or pmtu on" \
	"${MSG[ipv4.route-mtu]:-}"
check_eq "routes with an mtu: nothing else" "ipv4.route-mtu ipv6.route-mtu" "$BAD"
ip -n "$NS_R" -6 route del default via "$S6" dev eth-s
ip -n "$NS_R" route del default via "$S4" dev eth-s
clean "routes with an mtu gone"

# --- scope ------------------------------------------------------------------------

check "router: set ipv4 dev eth-s,wan9" rctl set ipv4 dev eth-s,wan9
found "dev wan9" ipv4.scope warn
check_match "dev wan9: named" '^dev wan9 does not exist in this network namespace' \
	"${MSG[ipv4.scope]:-}"
check "router: set ipv4 dev any" rctl set ipv4 dev any
clean "dev any again"

# --- nftables: a second clamp -------------------------------------------------------

r nft add table inet f
r nft add chain inet f c '{ type filter hook forward priority 0; }'
r nft add rule inet f c tcp flags syn tcp option maxseg size set 1400
found "nft maxseg 1400" nft.maxseg warn
check_match "nft maxseg 1400: IPv4: the rule runs after mssclamp and decides" \
	'IPv4: it runs after mssclamp \(hook forward, priority -155\) and its 1400 is below the ceiling 1460: this rule decides' \
	"${MSG[nft.maxseg]:-}"
check_match "nft maxseg 1400: IPv6: mssclamp's 1396 decides" \
	'IPv6: it runs after mssclamp \(hook forward, priority -155\) and the ceiling 1396 is lower: mssclamp decides' \
	"${MSG[nft.maxseg]:-}"
check_eq "nft maxseg 1400: nothing else" "nft.maxseg" "$BAD"
r nft delete table inet f
clean "nft maxseg gone"

TCPMSS=(FORWARD -p tcp --tcp-flags "SYN,RST" SYN -j TCPMSS --clamp-mss-to-pmtu)
r iptables-nft -t mangle -A "${TCPMSS[@]}"
found "iptables-nft TCPMSS" nft.tcpmss warn
check_match "iptables-nft TCPMSS: where, and that the route's MTU decides where lower" \
	'^ip mangle FORWARD handle [0-9]+ \(hook forward, priority -150\) is an iptables-nft TCPMSS target.*IPv4: it runs after mssclamp \(hook forward, priority -155\): the lower of its value and the ceiling 1460 leaves' \
	"${MSG[nft.tcpmss]:-}"
check_eq "iptables-nft TCPMSS: nothing else" "nft.tcpmss" "$BAD"
r iptables-nft -t mangle -D "${TCPMSS[@]}"
clean "iptables-nft TCPMSS gone"

# --- nftables: Packet Too Big dropped ------------------------------------------------

r nft add table inet f
r nft add chain inet f c '{ type filter hook forward priority 0; }'
r nft add rule inet f c icmpv6 type echo-request drop
clean "the control: an echo-request drop"
r nft add rule inet f c icmpv6 type packet-too-big drop
found "nft packet-too-big drop" nft.icmp fail
check_match "nft packet-too-big drop: the rule" \
	'^inet f c handle [0-9]+ \(hook forward, priority 0\) drops ICMPv6 Packet Too Big' \
	"${MSG[nft.icmp]:-}"
check "nft packet-too-big drop: one finding" \
	test "${MSG[nft.icmp]//$'\n'/}" = "${MSG[nft.icmp]}"
r nft delete table inet f
clean "nft packet-too-big drop gone"

FRAG=(FORWARD -p icmp --icmp-type fragmentation-needed -j DROP)
PTB=(FORWARD -p icmpv6 --icmpv6-type packet-too-big -j DROP)
r iptables-nft -A "${FRAG[@]}"
r ip6tables-nft -A "${PTB[@]}"
found "iptables-nft drops" nft.icmp fail
check_match "iptables-nft drops: fragmentation-needed" \
	'^ip filter FORWARD handle [0-9]+ \(hook forward, priority 0\) drops ICMP fragmentation-needed' \
	"${MSG[nft.icmp]:-}"
check_match "iptables-nft drops: packet-too-big" \
	'^ip6 filter FORWARD handle [0-9]+ \(hook forward, priority 0\) drops ICMPv6 Packet Too Big' \
	"${MSG[nft.icmp]:-}"
r iptables-nft -D "${FRAG[@]}"
r ip6tables-nft -D "${PTB[@]}"
clean "iptables-nft drops gone"

# --- a flowtable: information only ----------------------------------------------------

r nft add table inet ft
if r nft add flowtable inet ft f '{ hook ingress priority 0; devices = { eth-c, eth-s }; }'; then
	clean "flowtable"
	check_match "flowtable: said" '^flowtable inet ft f \(hook ingress, devices eth-[cs] eth-[cs]\)' \
		"${MSG[nft.flowtable]:-}"
else
	check "flowtable # SKIP nft could not make one" true
fi
r nft delete table inet ft

# --- legacy iptables ----------------------------------------------------------------

if [ "$LEGACY" = 1 ]; then
	L_TCPMSS=(FORWARD -p tcp --tcp-flags "SYN,RST" SYN -j TCPMSS --set-mss 1400)
	r iptables-legacy -t mangle -A "${L_TCPMSS[@]}"
	found "legacy TCPMSS" legacy.tcpmss warn
	check_match "legacy TCPMSS: the rule, after mssclamp" \
		"^legacy IPv4 table mangle: '-A FORWARD .*-j TCPMSS --set-mss 1400' is a second clamp \\(priority -150, after mssclamp's -155 at the same hook\\)" \
		"${MSG[legacy.tcpmss]:-}"
	r iptables-legacy -t mangle -D "${L_TCPMSS[@]}"
	clean "legacy TCPMSS gone"
else
	check "legacy TCPMSS # SKIP no iptables-legacy" true
fi

# --- forwarding ---------------------------------------------------------------------

nsysctl "$NS_R" net.ipv4.ip_forward 0
nsysctl "$NS_R" net.ipv6.conf.all.forwarding 0
found "forwarding off" ipv4.forwarding fail
check_eq "forwarding off: ipv6.forwarding is fail" fail "${SEV[ipv6.forwarding]:-}"
check_eq "forwarding off: nothing else" "ipv4.forwarding ipv6.forwarding" "$BAD"
nsysctl "$NS_R" net.ipv4.ip_forward 1
nsysctl "$NS_R" net.ipv6.conf.all.forwarding 1
clean "forwarding on again"

# --- without privilege ------------------------------------------------------------------

# A copy any user can run, wherever the tested binary lives.
chmod 755 "$WORK"
install -m 755 "$CTL" "$WORK/mssclampctl"
r nft add table inet f
r nft add chain inet f c '{ type filter hook forward priority 0; }'
r nft add rule inet f c icmpv6 type packet-too-big drop
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all
	--bounding-set=-all)
CTL_ROOT=$CTL
CTL=$WORK/mssclampctl
doctor "${NOBODY[@]}"
CTL=$CTL_ROOT
check_eq "uid 65534: doctor exits 1" 1 "$RC"
check_eq "uid 65534: nftables is warn" warn "${SEV[nftables]:-}"
check_match "uid 65534: it says why" 'needs CAP_NET_ADMIN.*not checked' \
	"${MSG[nftables]:-}"
check_eq "uid 65534: the ruleset's drop is not claimed either way" "" \
	"${SEV[nft.icmp]:-}"
for c in module netlink version ipv4.enabled ipv6.enabled ipv4.mtu ipv6.mtu \
	ipv4.route-mtu ipv6.route-mtu ipv4.forwarding ipv6.forwarding; do
	check_eq "uid 65534: $c is still checked (ok)" ok "${SEV[$c]:-}"
done
echo "# uid 65534: $(jq -c '[.findings[] | select(.severity != "ok")]' "$DOC")"
doctor
check_eq "root: the same drop is found" fail "${SEV[nft.icmp]:-}"
r nft delete table inet f

# --- every problem at once, for the docs --------------------------------------------------

# A fresh router: nothing left of the cases above (iptables-nft and legacy
# tables stay once made).
topo_up
check "fresh router: set ipv4 enable mtu 1500" rctl set ipv4 enable mtu 1500
check "fresh router: set ipv6 enable mtu 1500 overhead 44" \
	rctl set ipv6 enable mtu 1500 overhead 44
add_wg0
ip -n "$NS_R" -6 route add default via "$S6" dev eth-s mtu 1280
r nft add table inet f
r nft add chain inet f c '{ type filter hook forward priority 0; }'
r nft add rule inet f c tcp flags syn tcp option maxseg size set 1400
r nft add rule inet f c icmpv6 type packet-too-big drop
r iptables-nft -t mangle -A "${TCPMSS[@]}"
nsysctl "$NS_R" net.ipv4.ip_forward 0
doctor
check_eq "every problem: doctor exits 1" 1 "$RC"
for c in ipv4.mtu ipv4.forwarding ipv6.mtu ipv6.route-mtu nft.icmp; do
	check_eq "every problem: $c is fail" fail "${SEV[$c]:-}"
done
for c in nft.maxseg nft.tcpmss; do
	check_eq "every problem: $c is warn" warn "${SEV[$c]:-}"
done
check_eq "every problem: those 7 and no other" 7 "$(wc -w <<<"$BAD")"
check_eq "every problem: problems counts the findings" \
	"$(jq '[.findings[] | select(.severity != "ok")] | length' "$DOC")" \
	"$PROBLEMS"
show "every problem planted"
r nft delete table inet f
r iptables-nft -t mangle -D "${TCPMSS[@]}"
nsysctl "$NS_R" net.ipv4.ip_forward 1
ip -n "$NS_R" link del wg0
ip -n "$NS_R" -6 route del default via "$S6" dev eth-s
clean "every problem removed"

# --- no module -----------------------------------------------------------------------------

check "rmmod" mod_unload
found "module unloaded" module fail
check_eq "module unloaded: no family checked" "" "${SEV[ipv4.enabled]:-}"
check_eq "module unloaded: doctor loaded nothing" "" \
	"$([ -d /sys/module/mssclamp ] && echo loaded)"
