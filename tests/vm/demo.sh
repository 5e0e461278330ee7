#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo (make demo, mk/demo.mk): the user's journey, inside the test VM
# on Debian's newest kernel, printed as a person would see it.
#
#   make install, make dkms-install (DKMS's build of the tree, made on the
#   host: tests/vm/dkms-prebuild.sh),
#   modprobe mssclamp, mssclampctl apply /etc/mssclamp.conf, mssclampctl;
#   then the 9000-to-1500 cliff of seed 000: a 1 MB download stalls with
#   the clamp off, and completes with it on (IPv4 and IPv6), the SYNs seen
#   on the wire on both sides of the router; then mssclampctl stats.
#
# The VM itself is the edge router, so the clamp is configured in its own
# network namespace, as on a real box:
#
#   client (netns)              this VM                 server (netns)
#   eth0 9000 ---------- 9000 lan0     wan0 1500 ---------- 9000 eth0
#   192.0.2.2                192.0.2.1  198.51.100.1          198.51.100.2
#   2001:db8:1::2        2001:db8:1::1  2001:db8:2::1        2001:db8:2::2
#
# wan0 is 1500 on the router's side and 9000 on the server's: the server
# sends 9000-byte frames that veth drops silently, the way the field note's
# path dropped them one hop after the jumbo link; and the router drops the
# ICMP "too big" errors, as the firewalls there did, so PMTUD cannot help.
#
# Run by tests/vm/guest.sh like a scenario (tests/vm/run.sh KVER
# tests/vm/demo.sh), so each step is also a recorded case; not under
# tests/netns/, so make check does not run it. Every line meant for the
# reader starts with "demo| " (mk/demo.mk shows only those).
# vm-host-prepare: bash tests/vm/dkms-prebuild.sh
# vm-timeout: 600
set -eu
# shellcheck source=tests/lib/sh/netns.sh
. "$REPO/tests/lib/sh/netns.sh"
# shellcheck source=tests/lib/sh/install.sh
. "$REPO/tests/lib/sh/install.sh"

SIZE=1048576
STALL=8		# seconds the download is given without the clamp
WEB=/tmp/demo-www
NS_C=client
NS_S=server
export PATH=/usr/local/sbin:$PATH

say() { printf 'demo| %s\n' "$@"; }
# run CMD...: show "$ CMD" (with sudo where a person would need it), run
# it, show its output; records a case; returns CMD's status.
run() {
	local rc=0 shown=${*//--no-print-directory /}
	case $1 in
	make | modprobe | ip | nft | systemctl | dkms) shown="sudo $shown" ;;
	mssclampctl) case ${2:-} in apply | set) shown="sudo $shown" ;; esac ;;
	esac
	say "" "\$ $shown"
	"$@" >"$WORK/out" 2>&1 || rc=$?
	sed 's/^/demo| /' "$WORK/out"
	if [ "$rc" = 0 ]; then tap_ok "$*"; else tap_fail "$* (exit $rc)"; fi
	return "$rc"
}
# get URL: the client downloads URL with curl, STALL seconds at most (as
# a person would, shown with the curl command).
get() {
	local rc=0
	say "" "\$ curl -o /dev/null --max-time $2 $1"
	ip netns exec "$NS_C" curl -sS -o /dev/null --max-time "$2" \
		-w '%{size_download} bytes in %{time_total} s\n' "$1" \
		>"$WORK/out" 2>&1 || rc=$?
	sed 's/^/demo| /' "$WORK/out"
	return "$rc"
}

WORK=$(mktemp -d /tmp/demo.XXXXXX)
at_exit "rm -rf '$WORK'"
at_exit "ip link del lan0 2>/dev/null; ip link del wan0 2>/dev/null; nft delete table inet demo 2>/dev/null; ip netns del $NS_C 2>/dev/null; ip netns del $NS_S 2>/dev/null"
cd "$REPO"
modtree_trim veth nf_tables >/dev/null || { tap_fail "module trees trimmed for depmod"; exit 1; }

say "mssclamp $VERSION on $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $KVER, in a QEMU VM." \
	"This VM plays the edge router of the field note (docs/operations.md)."

# --- install ------------------------------------------------------------------

say "" "## 1. Install: the tool, its unit and /etc/mssclamp.conf, then the module through DKMS"
run make --no-print-directory install
say "(This VM's CPU is emulated: compiling the module here would take minutes." \
	"DKMS built it on the host from this tree, for this kernel; here DKMS loads that build.)"
run dkms ldtarball "${DKMS_TARBALL#"$REPO"/}"
start=$SECONDS
if run make --no-print-directory dkms-install; then :; fi
echo "# make dkms-install took $((SECONDS - start)) s"

say "" "## 2. Load the module and apply the default configuration (what mssclamp.service does at boot)"
run modprobe mssclamp
run grep -v -e '^#' -e '^$' /etc/mssclamp.conf
run mssclampctl apply /etc/mssclamp.conf
run mssclampctl
run mssclampctl version

# --- the cliff ------------------------------------------------------------------

say "" "## 3. The 9000-to-1500 cliff: client on a 9000-byte link, server one hop behind a 1500-byte one"
{
	ns_new "$NS_C" && ns_new "$NS_S" &&
		echo 1 >/proc/sys/net/ipv4/ip_forward &&
		echo 1 >/proc/sys/net/ipv6/conf/all/forwarding &&
		echo 0 >/proc/sys/net/ipv6/conf/default/accept_dad &&
		ip link add lan0 mtu 9000 type veth peer name eth0 mtu 9000 netns "$NS_C" &&
		ip link add wan0 mtu 1500 type veth peer name eth0 mtu 9000 netns "$NS_S" &&
		ip -batch - <<-EOF &&
			link set lan0 up
			link set wan0 up
			addr add 192.0.2.1/24 dev lan0
			addr add 2001:db8:1::1/64 dev lan0 nodad
			addr add 198.51.100.1/24 dev wan0
			addr add 2001:db8:2::1/64 dev wan0 nodad
		EOF
		end_host "$NS_C" 192.0.2.2 2001:db8:1::2 192.0.2.1 2001:db8:1::1 &&
		end_host "$NS_S" 198.51.100.2 2001:db8:2::2 198.51.100.1 2001:db8:2::1 &&
		ip netns exec "$NS_S" ethtool -K eth0 tso off gso off >/dev/null
} || { tap_fail "the demo network is set up"; exit 1; }
tap_ok "the demo network is set up"
run ip link show lan0
run ip link show wan0
say "(the router drops the ICMP 'too big' errors, as the firewalls of the field note did:)"
run nft -f - <<-'EOF'
	table inet demo {
		chain forward { type filter hook forward priority 0; icmp type destination-unreachable icmp code frag-needed drop; icmpv6 type packet-too-big drop; }
		chain output { type filter hook output priority 0; icmp type destination-unreachable icmp code frag-needed drop; icmpv6 type packet-too-big drop; }
	}
EOF
mkdir -p "$WEB"
head -c "$SIZE" /dev/zero >"$WEB/1M"
ip netns exec "$NS_S" /usr/bin/python3 -m http.server --bind :: --directory "$WEB" 8080 \
	>/dev/null 2>&1 &
wait_listen "$NS_S" 8080 30
say "(a web server in the server's namespace serves a 1 MB file: http://198.51.100.2:8080/1M)"

say "" "### Without the clamp: the handshake works, the download stalls"
run mssclampctl set ipv4 disable
run mssclampctl set ipv6 disable
check_not "IPv4 without the clamp: the download stalls" get http://198.51.100.2:8080/1M "$STALL"
check_not "IPv6 without the clamp: the download stalls" get "http://[2001:db8:2::2]:8080/1M" "$STALL"

say "" "### With the clamp: the same downloads complete"
run mssclampctl apply /etc/mssclamp.conf
run mssclampctl
cap() {
	ip netns exec "$1" tcpdump -l -n -i eth0 -c 4 \
		'(ip and tcp[13] & 2 != 0) or (ip6 and ip6[6] == 6 and ip6[53] & 2 != 0)' \
		>"$WORK/$1.cap" 2>"$WORK/$1.err" &
}
cap "$NS_C"
cap "$NS_S"
sleep 2
check "IPv4 with the clamp: the download completes" get http://198.51.100.2:8080/1M 30
check "IPv6 with the clamp: the download completes" get "http://[2001:db8:2::2]:8080/1M" 30
sleep 1
say "" "### On the wire: the SYN and SYN-ACK as the client and the server see them"
for ns in "$NS_C" "$NS_S"; do
	say "(tcpdump on the $ns's eth0:)"
	sed -E 's/^[0-9:.]+ //; s/, seq [0-9]+//; s/, ack [0-9]+//; s/, win [0-9]+//; s/,nop|,sackOK|,TS val [0-9]+ ecr [0-9]+|,wscale [0-9]+//g; s/, length 0$//' \
		"$WORK/$ns.cap" | sed 's/^/demo|   /'
done
check_match "the server receives the IPv4 SYN with MSS 1460" '(^| )IP 192\.0\.2\.2\.[0-9]+ > .*mss 1460' "$(cat "$WORK/$NS_S.cap")"
check_match "the server receives the IPv6 SYN with MSS 1396" '(^| )IP6 2001:db8:1::2\.[0-9]+ > .*mss 1396' "$(cat "$WORK/$NS_S.cap")"
check_match "the client receives the IPv4 SYN-ACK with MSS 1460" '(^| )IP 198\.51\.100\.2\.8080 > .*mss 1460' "$(cat "$WORK/$NS_C.cap")"
check_match "the client receives the IPv6 SYN-ACK with MSS 1396" '(^| )IP6 2001:db8:2::2\.8080 > .*mss 1396' "$(cat "$WORK/$NS_C.cap")"
say "The client advertised 8960 (IPv4) and 8940 (IPv6), its 9000-byte link's MSS;" \
	"the router rewrote them to 1460 and 1396 in both directions."

say "" "## 4. The counters"
run mssclampctl stats
say "" "Done. The same steps on an edge box: sudo make deps run (see README.md)."
