#!/bin/bash
# mssclampctl without the module: command-line checking, exit codes and
# messages, version, namespaces, and (through build/unit/fakegenl.so, a
# stand-in for the kernel's side of the netlink family built from
# tests/unit/fakegenl.c) the requests sent
# and the text and JSON printed. Runs the ASan/UBSan build.
#
#   bash tests/unit/ctl_test.sh            (results also in $TAP_FILE)
#
# Usage errors run with the stand-in preloaded and must leave its log
# empty: nothing may be sent before the command line is known to be good.

# shellcheck disable=SC2317	# helpers run through ctl_expect and trap
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib/sh/ctl.sh
. "$top/tests/lib/sh/ctl.sh"
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")

ctl_setup "ctl: ASan/UBSan build with -Wall -Wextra -Werror"
netns=mssclamp-ctl-test-$$
cleanup() {
	ip netns del "$netns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# The other compiler, outside the tree so it leaves no objects behind.
for cc in gcc clang; do
	if ! command -v "$cc" >/dev/null; then
		tap_ok "ctl: builds warning-free with $cc # SKIP no $cc"
		continue
	fi
	srcs=("$top"/userspace/*.c "$top"/userspace/doctor/*.c "$top"/userspace/lib/*.c)
	# shellcheck disable=SC2046	# pkg-config's flags are words
	if "$cc" -std=gnu11 -Wall -Wextra -Werror -O2 -D_GNU_SOURCE \
		-I"$top/userspace/lib" -I"$top/kmod" -DMSSCLAMP_VERSION="\"$version\"" \
		$(pkg-config --cflags libmnl libnftnl) -o "$tmp/ctl-$cc" "${srcs[@]}" \
		$(pkg-config --libs libnftnl libmnl) >"$tmp/cc.log" 2>&1; then
		tap_ok "ctl: builds warning-free with $cc"
	else
		fail "ctl: builds warning-free with $cc"
		sed 's/^/# /' "$tmp/cc.log"
	fi
done

notloaded="mssclampctl: the mssclamp module is not loaded (modprobe mssclamp)"
commands="show, set, stats, histogram, monitor, save, apply, version, doctor, trace or help"
settings="enable, disable, mtu, overhead, pmtu, hook, syn, synack or dev"
nothing="enable, disable, mtu N, overhead N, pmtu on|off, hook forward|postrouting, syn on|off, synack on|off or dev IF[,IF...]|any"
noname="names cannot contain '/', ':' or whitespace"

# --- usage errors ------------------------------------------------------

usage "unknown command" "unknown command 'foo' (expected $commands)" foo
usage "unknown option" \
	"unknown option '-x' (expected -j, --json, -n NETNS, --netns NETNS, -h or --help)" -x show
usage "-n without a name" \
	"option '-n' needs the name of a network namespace (see ip netns list)" -n
usage "options go before the command" \
	"show: unexpected argument '-j' (expected one family at most: ipv4 or ipv6)" show ipv4 -j

usage "set without family" "set: missing family (expected ipv4 or ipv6)" set
usage "set unknown family" \
	"set: unknown family 'ipv5' (expected ipv4 or ipv6)" set ipv5 enable
usage "set with nothing to change" \
	"set: nothing to change for ipv4 (expected $nothing)" set ipv4
usage "set unknown setting" \
	"set: unknown setting 'mss' (expected $settings)" set ipv4 mss 1400
usage "mtu not a number" \
	"set: 'mtu' needs a number from 576 to 65535, got 'abc'" set ipv4 mtu abc
usage "ipv6 mtu not a number" \
	"set: 'mtu' needs a number from 1280 to 65535, got 'abc'" set ipv6 mtu abc
usage "mtu missing" \
	"set: 'mtu' needs a number from 576 to 65535" set ipv4 mtu
usage "mtu negative" \
	"set: 'mtu' needs a number from 576 to 65535, got '-1'" set ipv4 mtu -1
usage "mtu hex" \
	"set: 'mtu' needs a number from 576 to 65535, got '0x5dc'" set ipv4 mtu 0x5dc
usage "mtu past u32" \
	"set: 'mtu' needs a number from 576 to 65535, got '4294967296'" set ipv4 mtu 4294967296
usage "mtu empty" \
	"set: 'mtu' needs a number from 576 to 65535, got ''" set ipv4 mtu ""
usage "mtu with a space" \
	"set: 'mtu' needs a number from 576 to 65535, got ' 1500'" set ipv4 mtu " 1500"
usage "overhead not a number" \
	"set: 'overhead' needs a number of bytes, got '8b'" set ipv4 overhead 8b
usage "pmtu not on/off" \
	"set: 'pmtu' needs on or off, got 'yes'" set ipv4 pmtu yes
usage "syn missing value" "set: 'syn' needs on or off" set ipv4 syn
usage "hook unknown" \
	"set: 'hook' needs forward or postrouting, got 'input'" set ipv4 hook input
usage "enable and disable" \
	"set: both 'enable' and 'disable' given (choose one)" set ipv4 enable disable
usage "mtu twice" "set: 'mtu' given twice" set ipv4 mtu 1500 mtu 1400
usage "dev missing" \
	"set: 'dev' needs interface names separated by commas, or any" set ipv4 dev
usage "dev empty" \
	"set: 'dev' needs interface names separated by commas, or any, got ''" set ipv4 dev ""
usage "dev empty element" \
	"set: 'dev eth0,,eth1' has an empty name (expected IF[,IF...] or any)" set ipv4 dev eth0,,eth1
usage "dev trailing comma" \
	"set: 'dev eth0,' has an empty name (expected IF[,IF...] or any)" set ipv4 dev eth0,
usage "dev name too long" \
	"set: interface name 'abcdefghijklmnop' is too long (at most 15 characters)" set ipv4 dev abcdefghijklmnop
usage "dev name with slash" \
	"set: interface name 'a/b' contains '/' ($noname)" set ipv4 dev a/b
usage "dev name with colon" \
	"set: interface name 'eth0:1' contains ':' ($noname)" set ipv4 dev eth0:1
usage "dev name with space" \
	"set: interface name 'a b' contains whitespace ($noname)" set ipv4 dev "a b"
usage "dev name .." "set: '..' is not an interface name" set ipv4 dev ..
usage "dev any in a list" \
	"set: 'dev eth0,any': 'any' cannot be combined with interface names" set ipv4 dev eth0,any
usage "dev twice in list" "set: 'dev' lists 'eth0' twice" set ipv4 dev eth0,eth1,eth0
usage "dev too many" "set: 'dev' lists 17 interfaces (at most 16)" \
	set ipv4 dev d1,d2,d3,d4,d5,d6,d7,d8,d9,d10,d11,d12,d13,d14,d15,d16,d17
usage "show unknown family" \
	"show: unknown family 'ipv5' (expected ipv4 or ipv6)" show ipv5
usage "show two families" \
	"show: unexpected argument 'ipv6' (expected one family at most: ipv4 or ipv6)" show ipv4 ipv6
usage "stats unknown family" \
	"stats: unknown family 'ipv7' (expected ipv4, ipv6 or reset)" stats ipv7
usage "stats reset unknown family" \
	"stats reset: unknown family 'ipv9' (expected ipv4 or ipv6)" stats reset ipv9
usage "stats reset extra" \
	"stats reset: unexpected argument 'x' (expected one family at most: ipv4 or ipv6)" stats reset ipv4 x
usage "version extra" "version: unexpected argument 'x'" version x

# --- this host's kernel: no mssclamp family ----------------------------

ctl_expect "bare command without the module" 1 "" "$notloaded" real
ctl_expect "-j without the module" 1 "" "$notloaded" real -j
ctl_expect "show without the module" 1 "" "$notloaded" real show ipv6
ctl_expect "stats without the module" 1 "" "$notloaded" real stats
ctl_expect "stats reset without the module" 1 "" "$notloaded" real stats reset
ctl_expect "set without the module" 1 "" "$notloaded" real set ipv4 enable mtu 1500
ctl_expect "version without the module" 0 \
	"mssclampctl: $version
module: not loaded" "" real version
ctl_expect "-j version without the module" 0 \
	"{\"mssclampctl\": \"$version\", \"module\": null}" "" real -j version
if [ -n "$version" ] && "$ctl" version | grep -qx "mssclampctl: $version"; then
	tap_ok "ctl: version is dkms.conf's ($version)"
else
	fail "ctl: version is dkms.conf's ($version)"
fi
# shellcheck disable=SC2016	# $1 is the inner shell's
ctl_expect "write error" 1 "" \
	"mssclampctl: cannot write the output: No space left on device" \
	sh -c '"$1" version >/dev/full' sh "$ctl"

ctl_expect "help" 0 "$("$ctl" --help)" "" real help
for c in show set stats "stats reset" "stats --prometheus" histogram monitor \
	save apply version; do
	if grep -q "^  $c " "$tmp/out" || grep -q "^  $c\$" "$tmp/out"; then
		tap_ok "ctl: help lists $c"
	else
		fail "ctl: help lists $c"
	fi
done

# --- network namespaces ------------------------------------------------

ctl_expect "-n missing namespace" 1 "" \
	"mssclampctl: cannot open network namespace 'no-such-ns-$$': No such file or directory" \
	real -n "no-such-ns-$$" show
ctl_expect "-n missing namespace, version" 1 "" \
	"mssclampctl: cannot open network namespace 'no-such-ns-$$': No such file or directory" \
	real -n "no-such-ns-$$" version
ctl_expect "-n with a path that is no namespace" 1 "" \
	"mssclampctl: cannot enter network namespace '/etc/hostname': Invalid argument" \
	real -n /etc/hostname show
if [ "$(id -u)" = 0 ] && ip netns add "$netns" 2>/dev/null; then
	ctl_expect "-n NAME enters it" 1 "" "$notloaded" real -n "$netns" show
	ctl_expect "--netns=NAME enters it" 1 "" "$notloaded" real --netns="$netns" stats
	ctl_expect "-n /proc/self/ns/net" 1 "" "$notloaded" real -n /proc/self/ns/net show
else
	tap_ok "ctl: -n NAME enters it # SKIP cannot add a network namespace"
fi

# --- against the stand-in family ---------------------------------------

ctl_expect "show" 0 \
	"ipv4: enabled   mtu 1500   overhead 0    mss 1460   pmtu off  hook forward      syn on   synack on   dev any
ipv6: disabled  mtu 1500   overhead 44   mss 1396   pmtu off  hook postrouting  syn on   synack off  dev any" "" fake
sent "a config dump for bare mssclampctl" "GET_CONFIG dump"
if grep -qx 'setsockopt 11=1' "$tmp/log" && grep -qx 'setsockopt 10=1' "$tmp/log"; then
	tap_ok "ctl: sets NETLINK_EXT_ACK and NETLINK_CAP_ACK"
else
	fail "ctl: sets NETLINK_EXT_ACK and NETLINK_CAP_ACK"
fi

v4='{"enabled": true, "mtu": 1500, "overhead": 0, "mss": 1460, "pmtu": false, "hook": "forward", "syn": true, "synack": true, "dev": []}'
v6='{"enabled": false, "mtu": 1500, "overhead": 44, "mss": 1396, "pmtu": false, "hook": "postrouting", "syn": true, "synack": false, "dev": []}'
ctl_expect "-j show" 0 "{\"ipv4\": $v4, \"ipv6\": $v6}" "" fake -j show
ctl_expect "-j show ipv6" 0 "{\"ipv6\": $v6}" "" fake -j show ipv6
sent "a config request for show ipv6" "GET_CONFIG ack family=6"
ctl_expect "show dev list" 0 \
	"ipv4: enabled   mtu 1500   overhead 0    mss 1460   pmtu off  hook forward      syn on   synack on   dev eth0,wan0" \
	"" fake FAKEGENL_DEVS=eth0,wan0 show ipv4
ctl_expect "-j show escapes names" 0 \
	'{"ipv4": {"enabled": true, "mtu": 1500, "overhead": 0, "mss": 1460, "pmtu": false, "hook": "forward", "syn": true, "synack": true, "dev": ["eth0", "a\"b\\c\u0001", "é", "\ufffd"]}}' \
	"" fake FAKEGENL_DEVS=$'eth0,a"b\\c\x01,\xc3\xa9,\xff' -j show ipv4
if python3 -c 'import json, sys; json.load(sys.stdin)' <"$tmp/out" 2>/dev/null; then
	tap_ok "ctl: -j show is valid JSON"
else
	fail "ctl: -j show is valid JSON"
fi

ctl_expect "stats" 0 \
	"                ipv4        ipv6
syn             1002  5000000002
synack          1003  5000000003
clamped_syn     1004  5000000004
clamped_synack  1005  5000000005
unchanged       1006  5000000006
no_mss          1007  5000000007
malformed       1008  5000000008
fragments       1009  5000000009
errors          1010  5000000010
ptb             1011  5000000011" "" fake stats
sent "a stats dump" "GET_STATS dump"
s4='{"syn": 1002, "synack": 1003, "clamped_syn": 1004, "clamped_synack": 1005, "unchanged": 1006, "no_mss": 1007, "malformed": 1008, "fragments": 1009, "errors": 1010, "ptb": 1011}'
s6='{"syn": 5000000002, "synack": 5000000003, "clamped_syn": 5000000004, "clamped_synack": 5000000005, "unchanged": 5000000006, "no_mss": 5000000007, "malformed": 5000000008, "fragments": 5000000009, "errors": 5000000010, "ptb": 5000000011}'
ctl_expect "-j stats" 0 "{\"ipv4\": $s4, \"ipv6\": $s6}" "" fake -j stats
ctl_expect "-j stats ipv4" 0 "{\"ipv4\": $s4}" "" fake -j stats ipv4
sent "a stats request for stats ipv4" "GET_STATS ack family=4"
ctl_expect "dump restarted when interrupted" 0 "{\"ipv4\": $s4, \"ipv6\": $s6}" "" \
	fake FAKEGENL_INTR=1 -j stats
sent "the dump again after NLM_F_DUMP_INTR" "GET_STATS dump
GET_STATS dump"

ctl_expect "set everything" 0 "" "" fake set ipv4 enable mtu 1400 overhead 8 \
	pmtu on hook postrouting syn off synack on dev eth0,wan0
sent "every setting" \
	"SET_CONFIG ack family=4 enabled=1 mtu=1400 overhead=8 pmtu=1 hook=1 syn=0 synack=1 dev=[eth0,wan0]"
ctl_expect "set only what is named" 0 "" "" fake set ipv6 disable
sent "only what is named" "SET_CONFIG ack family=6 enabled=0"
ctl_expect "set dev any" 0 "" "" fake set ipv6 dev any
sent "an empty dev nest for any" "SET_CONFIG ack family=6 dev=[]"
ctl_expect "set mtu out of range is the kernel's to refuse" 0 "" "" \
	fake set ipv6 mtu 70000
sent "mtu 70000 unchecked" "SET_CONFIG ack family=6 mtu=70000"
ctl_expect "stats reset" 0 "" "" fake stats reset
sent "reset of both" "RESET_STATS ack"
ctl_expect "stats reset ipv6" 0 "" "" fake stats reset ipv6
sent "reset of one" "RESET_STATS ack family=6"

ctl_expect "extack printed verbatim" 1 "" \
	"mssclampctl: mtu 1279 is below the IPv6 minimum of 1280" \
	fake FAKEGENL_ERRNO=22 \
	"FAKEGENL_EXTACK=mtu 1279 is below the IPv6 minimum of 1280" \
	set ipv6 mtu 1279
ctl_expect "EPERM on set" 1 "" \
	"mssclampctl: set: Operation not permitted (needs CAP_NET_ADMIN in the namespace)" \
	fake FAKEGENL_ERRNO=1 set ipv4 enable
ctl_expect "EPERM on stats reset" 1 "" \
	"mssclampctl: stats reset: Operation not permitted (needs CAP_NET_ADMIN in the namespace)" \
	fake FAKEGENL_ERRNO=1 stats reset
ctl_expect "offending attribute without a message" 1 "" \
	"mssclampctl: set: Numerical result out of range (attribute mtu)" \
	fake FAKEGENL_ERRNO=34 FAKEGENL_EXTACK_ATTR=4 set ipv6 enable mtu 1279
ctl_expect "family absent" 1 "" "$notloaded" fake FAKEGENL_ABSENT=1 -j show
ctl_expect "malformed reply" 1 "" \
	"mssclampctl: show: unexpected reply from the kernel: Bad message" \
	fake FAKEGENL_BAD=1 show

# --- save and apply ------------------------------------------------------
# FAKEGENL_STATE keeps the stand-in's configuration in a file, so that one
# run sees what an earlier one set; "fakes" uses it, "state" resets it.

state=$tmp/state
fakes() { fake FAKEGENL_STATE="$state" "$@"; }
# fakein TEXT ARGS...: fakes ARGS with TEXT (printf %b) on standard input.
fakein() {
	local text=$1
	shift
	printf '%b' "$text" | fakes "$@"
}
reset_state() { rm -f "$state"; }
# unchanged NAME: the stand-in's configuration is still the default one.
unchanged() {
	if [ ! -e "$state" ] || cmp -s "$state" "$tmp/state.default"; then
		tap_ok "ctl: $1 changes nothing"
	else
		fail "ctl: $1 changes nothing"
		sed 's/^/# state: /' "$state"
	fi
}
printf '%s\n' "4 1 1500 0 0 0 1 1 -" "6 0 1500 44 0 1 1 0 -" >"$tmp/state.default"

hdr="# mssclamp configuration, written by mssclampctl save ($version).
# One line per family: the arguments of \"mssclampctl set\".
# Read back with: mssclampctl apply FILE"
saved4="ipv4 enable mtu 1500 overhead 0 pmtu off hook forward syn on synack on dev any"
saved6="ipv6 disable mtu 1500 overhead 44 pmtu off hook postrouting syn on synack off dev any"
full4="SET_CONFIG ack family=4 enabled=1 mtu=1500 overhead=0 pmtu=0 hook=0 syn=1 synack=1 dev=[]"
full6="SET_CONFIG ack family=6 enabled=0 mtu=1500 overhead=44 pmtu=0 hook=1 syn=1 synack=0 dev=[]"

reset_state
ctl_expect "save" 0 "$hdr
$saved4
$saved6" "" fakes save
sent "one config dump for save" "GET_CONFIG dump"
cp "$tmp/out" "$tmp/saved.conf"
ctl_expect "save writes dev lists" 0 "$hdr
ipv4 enable mtu 1500 overhead 0 pmtu off hook forward syn on synack on dev eth0,wan0
$saved6" "" fake FAKEGENL_DEVS=eth0,wan0 save
ctl_expect "save refuses a name apply would read otherwise" 1 "" \
	"mssclampctl: save: ipv4: interface name 'a b' cannot be written so that apply reads it back" \
	fake "FAKEGENL_DEVS=eth0,a b" save
ctl_expect "save without the module" 1 "" "$notloaded" fake FAKEGENL_ABSENT=1 save
usage "save with an argument" \
	"save: unexpected argument 'x' (save takes none; redirect its output to a file)" save x
usage "-j save" "save: the file has no JSON form (for JSON, use -j show)" -j save
usage "apply without a file" \
	"apply: missing file (expected a file name, or - for standard input)" apply
usage "apply with two files" \
	"apply: unexpected argument 'b' (expected one file)" apply a b
ctl_expect "apply of a missing file" 1 "" \
	"mssclampctl: apply: cannot open '$tmp/none': No such file or directory" \
	fakes apply "$tmp/none"
sent "nothing for a missing file" ""
ctl_expect "apply of a directory" 1 "" \
	"mssclampctl: apply: cannot read '$tmp': Is a directory" fakes apply "$tmp"
sent "nothing for a directory" ""

# The round trip: change things, apply the saved file, save again.
ctl_expect "set before the round trip" 0 "" "" fakes set ipv4 mtu 9000 dev wan0
ctl_expect "set ipv6 before the round trip" 0 "" "" \
	fakes set ipv6 enable overhead 80 pmtu on hook forward synack on
ctl_expect "apply the saved file" 0 "" "" fakes apply "$tmp/saved.conf"
sent "both families, in full" "GET_CONFIG dump
$full4
$full6"
ctl_expect "save after apply is the saved file" 0 "$(cat "$tmp/saved.conf")" "" fakes save
ctl_expect "apply the saved file again" 0 "" "" fakes apply "$tmp/saved.conf"
sent "nothing the second time" "GET_CONFIG dump"
unchanged "the round trip"
ctl_expect "set ipv6 only" 0 "" "" fakes set ipv6 mtu 1400
ctl_expect "apply after one family changed" 0 "" "" fakes apply "$tmp/saved.conf"
sent "only the family that differs" "GET_CONFIG dump
$full6"

reset_state
ctl_expect "apply from standard input, comments and blanks" 0 "" "" \
	fakein '# the edge\n\n   # indented comment\n\tipv6  enable\tmtu 1500 overhead 80 \r\n\nipv4 mtu 1492\n' apply -
sent "what the lines ask" "GET_CONFIG dump
SET_CONFIG ack family=4 enabled=1 mtu=1492 overhead=0 pmtu=0 hook=0 syn=1 synack=1 dev=[]
SET_CONFIG ack family=6 enabled=1 mtu=1500 overhead=80 pmtu=0 hook=1 syn=1 synack=0 dev=[]"
ctl_expect "show after apply" 0 \
	"ipv4: enabled   mtu 1492   overhead 0    mss 1452   pmtu off  hook forward      syn on   synack on   dev any
ipv6: enabled   mtu 1500   overhead 80   mss 1360   pmtu off  hook postrouting  syn on   synack off  dev any" \
	"" fakes show
reset_state
ctl_expect "a later line wins" 0 "" "" \
	fakein 'ipv4 mtu 1400 dev eth0\nipv4 mtu 1500 dev any\n' apply -
sent "nothing when the lines cancel out" "GET_CONFIG dump"
ctl_expect "apply of dev lists" 0 "" "" fakein 'ipv4 dev eth0,wan0\n' apply -
sent "the dev list" "GET_CONFIG dump
SET_CONFIG ack family=4 enabled=1 mtu=1500 overhead=0 pmtu=0 hook=0 syn=1 synack=1 dev=[eth0,wan0]"
reset_state
ctl_expect "apply of an empty file" 0 "" "" fakes apply /dev/null
sent "nothing for an empty file" "GET_CONFIG dump"
ctl_expect "apply of comments only" 0 "" "" \
	fakein "# nothing\n\n#$(printf ' word%.0s' {1..40})\n  # \0 after a NUL\n" apply -
unchanged "a file of comments"

# Bad files: the line is named, nothing is sent, nothing changes.
# bad NAME MESSAGE TEXT: apply TEXT from stdin; exit 2, MESSAGE, no SET.
bad() {
	reset_state
	ctl_expect "apply: $1" 2 "" "mssclampctl: apply: $2" fakein "$3" apply - || return
	if grep -q SET_CONFIG "$tmp/log" 2>/dev/null; then
		fail "ctl: apply: $1 sends no change"
		sed 's/^/# sent: /' "$tmp/log"
	else
		tap_ok "ctl: apply: $1 sends no change"
	fi
	unchanged "apply: $1"
}
bad "unknown setting on line 3" \
	"line 3: unknown setting 'foo' (expected $settings)" \
	'ipv4 enable mtu 1500\n# comment\nipv6 foo\n'
bad "bad number on line 2" \
	"line 2: 'mtu' needs a number from 1280 to 65535, got '15OO'" \
	'ipv4 mtu 1400\nipv6 mtu 15OO\n'
bad "unknown family" "line 1: unknown family 'ipv5' (expected ipv4 or ipv6)" \
	'ipv5 enable\n'
bad "a family alone" "line 2: nothing to change for ipv6 (expected $nothing)" \
	'ipv4 enable\nipv6\n'
bad "a line starting with set" \
	"line 1: starts with 'set' (a line holds what follows \"mssclampctl set\": ipv4|ipv6 SETTING...)" \
	'set ipv4 enable\n'
bad "a comment after settings" \
	"line 1: '#uplink': a comment must have a line of its own" \
	'ipv4 mtu 1492 #uplink\n'
bad "a bad dev list" \
	"line 1: 'dev eth0,' has an empty name (expected IF[,IF...] or any)" \
	'ipv4 dev eth0,\n'
bad "ipv4 mtu below 576" "line 2: mtu 575 out of range: IPv4 accepts 576 to 65535" \
	'ipv6 enable\nipv4 mtu 575\n'
bad "ipv6 mtu below 1280" "line 1: mtu 1279 out of range: IPv6 accepts 1280 to 65535" \
	'ipv6 mtu 1279\n'
bad "mtu above 65535" "line 1: mtu 65536 out of range: IPv4 accepts 576 to 65535" \
	'ipv4 mtu 65536\n'
bad "ipv4 overhead below the floor" \
	"line 1: overhead 925 too large for mtu 1500: mtu - 40 - overhead must be at least the IPv4 MSS floor 536 (overhead 924 at most)" \
	'ipv4 overhead 925\n'
bad "ipv6 overhead of the current config below the floor" \
	"line 1: overhead 44 too large for mtu 1280: mtu - 60 - overhead must be at least the IPv6 MSS floor 1220 (overhead 0 at most)" \
	'ipv6 mtu 1280\nipv6 overhead 0\n'
bad "too many words" "line 1: more than 32 words" \
	"ipv4$(printf ' syn on%.0s' {1..16})\n"
bad "a NUL byte" "line 2: contains a NUL byte" 'ipv4 enable\nipv6\0 enable\n'

reset_state
ctl_expect "apply of a good file without the module" 1 "" "$notloaded" \
	fake FAKEGENL_ABSENT=1 apply "$tmp/saved.conf"
ctl_expect "apply checks the file before it looks for the module" 2 "" \
	"mssclampctl: apply: line 1: unknown family 'ipv5' (expected ipv4 or ipv6)" \
	fakein 'ipv5 enable\n' FAKEGENL_ABSENT=1 apply -
ctl_expect "apply refused by the kernel" 1 "" \
	"mssclampctl: apply: Operation not permitted (needs CAP_NET_ADMIN in the namespace)" \
	fakein 'ipv4 mtu 1400\nipv6 mtu 1400\n' FAKEGENL_ERRNO=1 apply -
sent "one change, refused" "GET_CONFIG dump
SET_CONFIG ack family=4 enabled=1 mtu=1400 overhead=0 pmtu=0 hook=0 syn=1 synack=1 dev=[]"
unchanged "a refused apply"
ctl_expect "the second family refused: the first is put back" 1 "" \
	"mssclampctl: ipv6 is busy
mssclampctl: apply: ipv4 put back as it was; nothing was changed" \
	fakein 'ipv4 mtu 1400\nipv6 enable\n' FAKEGENL_ERRNO=16 \
	FAKEGENL_ERRNO_FAMILY=6 "FAKEGENL_EXTACK=ipv6 is busy" apply -
sent "the change, the refusal and the way back" "GET_CONFIG dump
SET_CONFIG ack family=4 enabled=1 mtu=1400 overhead=0 pmtu=0 hook=0 syn=1 synack=1 dev=[]
SET_CONFIG ack family=6 enabled=1 mtu=1500 overhead=44 pmtu=0 hook=1 syn=1 synack=0 dev=[]
$full4"
unchanged "an apply refused half-way"

# The shipped default configuration reads as the product says.
reset_state
ctl_expect "apply of packaging/mssclamp.conf" 0 "" "" \
	fakes apply "$top/packaging/mssclamp.conf"
ctl_expect "packaging/mssclamp.conf: IPv4 at 1460, IPv6 at 1396" 0 \
	"ipv4: enabled   mtu 1500   overhead 0    mss 1460   pmtu off  hook forward      syn on   synack on   dev any
ipv6: enabled   mtu 1500   overhead 44   mss 1396   pmtu off  hook postrouting  syn on   synack off  dev any" \
	"" fakes show

# --- what make install ships beside the tool ------------------------------

# The man page: renders without a groff warning, names every command and
# every counter.
man8=$top/userspace/mssclampctl.8
if command -v groff >/dev/null; then
	if sed "s/@VERSION@/$version/" "$man8" |
		groff -man -Tutf8 -ww -z 2>"$tmp/groff.err" && [ ! -s "$tmp/groff.err" ]; then
		tap_ok "ctl: the man page renders without warnings"
	else
		fail "ctl: the man page renders without warnings"
		sed 's/^/# /' "$tmp/groff.err"
	fi
else
	tap_ok "ctl: the man page renders without warnings # SKIP no groff"
fi
for w in show set stats "stats reset" histogram monitor save apply version \
	help syn synack clamped_syn clamped_synack unchanged no_mss malformed \
	fragments errors ptb; do
	if grep -q -e "^\.B[RI]* \"*$w\b" -e "^\.T[PH].*\b$w\b" -e "^\.BR $w " \
		"$man8"; then
		tap_ok "ctl: the man page explains '$w'"
	else
		fail "ctl: the man page explains '$w'"
	fi
done

# The systemd unit, with @SBINDIR@ a directory holding the mssclampctl
# under test (systemd-analyze checks that the command is executable).
if command -v systemd-analyze >/dev/null; then
	mkdir -p "$tmp/unit" "$tmp/sbin"
	ln -sf "$ctl" "$tmp/sbin/mssclampctl"
	sed "s|@SBINDIR@|$tmp/sbin|g" "$top/packaging/mssclamp.service.in" \
		>"$tmp/unit/mssclamp.service"
	if systemd-analyze verify --man=no "$tmp/unit/mssclamp.service" \
		>"$tmp/verify.out" 2>&1 && [ ! -s "$tmp/verify.out" ]; then
		tap_ok "ctl: systemd-analyze verify mssclamp.service"
	else
		fail "ctl: systemd-analyze verify mssclamp.service"
		sed 's/^/# /' "$tmp/verify.out"
	fi
else
	tap_ok "ctl: systemd-analyze verify mssclamp.service # SKIP no systemd-analyze"
fi

# Bash completion (with the bash-completion package's helpers).
if [ -f "$CTL_BASH_COMPLETION" ]; then
	ctl_complete "commands" "apply doctor help histogram monitor save set show stats trace version" \
		mssclampctl ""
	ctl_complete "options" "--help --json --netns -h -j -n" mssclampctl -
	ctl_complete "commands after -j" "save set show stats" mssclampctl -j s
	ctl_complete "families of set" "ipv4 ipv6" mssclampctl set ""
	ctl_complete "trace's words" "host ipv4 ipv6 port" mssclampctl trace ""
	ctl_complete "trace's words not given yet" "host port" mssclampctl trace ipv6 ""
	ctl_complete "trace: no word after host" "" mssclampctl trace host ""
	ctl_complete "settings not given yet" "dev hook overhead pmtu syn synack" \
		mssclampctl set ipv4 enable mtu 1500 ""
	ctl_complete "hook values" "forward postrouting" mssclampctl set ipv6 hook ""
	ctl_complete "on/off" "off on" mssclampctl set ipv6 synack ""
	ctl_complete "stats reset" "ipv4 ipv6" mssclampctl stats reset ""
	ctl_complete "apply takes a file" "$top/packaging/mssclamp.conf" \
		mssclampctl apply "$top/packaging/mssclamp.co"
else
	tap_ok "ctl: completion # SKIP no bash-completion"
fi

exit $((status || TAP_FAILED > 0))
