# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# What tests/netns/10-install.sh (make install + make dkms-install) and
# 11-deb.sh (dpkg -i of the two packages) check once mssclamp is installed,
# on top of netns.sh and clamp.sh:
#
#   deployed_checks UNIT     the systemd unit's commands, run by hand (the
#                            VM has no systemd as PID 1), load the module
#                            DKMS installed and apply /etc/mssclamp.conf;
#                            the clamp works on the wire; save and apply
#                            round-trip; a second apply changes nothing; a
#                            broken file changes nothing and names its line;
#                            ExecReload applies an edited file; the unit's
#                            start again after the module went away (a
#                            reboot) brings the configuration back.
#   unit_verify UNIT         systemd-analyze verify on the unit.
#   unit_run UNIT KEY        run each KEY= command of UNIT (ExecStart...).
#   dkms_has KVER            DKMS lists mssclamp as installed for KVER.
#   dkms_module KVER         modprobe finds DKMS's module for KVER.
#   modtree_trim MODULE...   load MODULEs, then show every kernel's module
#                            tree as only the modules loaded (until the
#                            scenario ends): see below.
#   dkms_prebuilt_load       dkms ldtarball of the module DKMS built on
#                            the host (DKMS_TARBALL), so that DKMS in the
#                            VM installs without compiling: see below.
#   dkms_built KVER          DKMS lists mssclamp as built, not installed.
#
# MSSCLAMPCTL must name the installed mssclampctl. FOREIGN is 1 in a guest
# of another architecture than the host's (its own userland beside the
# host's /: tests/vm/init's VM_HOSTDIRS), where DKMS and make compile
# natively instead of installing what the host built; empty otherwise.

VERSION=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$REPO/dkms.conf")
FOREIGN=${VM_HOSTDIRS:+1}
TR=/sys/kernel/tracing

# unit_run UNIT KEY: each "KEY=command" line of UNIT, in order, as a case;
# returns non-zero if one failed.
unit_run() {
	local unit=$1 key=$2 line rc=0 n=0
	while IFS= read -r line; do
		n=$((n + 1))
		# shellcheck disable=SC2086 # the unit's commands are plain words
		if ${line}; then
			tap_ok "$key: $line"
		else
			tap_fail "$key: $line"
			rc=1
		fi
	done < <(sed -n "s/^$key=//p" "$unit")
	[ "$n" -gt 0 ] || { tap_fail "$unit has a $key line"; rc=1; }
	return "$rc"
}

unit_verify() {
	local out
	if out=$(systemd-analyze verify "$1" 2>&1) && [ -z "$out" ]; then
		tap_ok "systemd-analyze verify ${1##*/}: no complaint"
	else
		tap_fail "systemd-analyze verify ${1##*/}: no complaint"
		printf '%s\n' "$out" | sed 's/^/#   /'
	fi
}

# dkms_module KVER: modprobe (modinfo -k KVER) finds the module DKMS
# installed under /lib/modules/KVER/updates/dkms/ (compressed or not).
dkms_module() {
	local f
	f=$(modinfo -k "$1" -n mssclamp 2>/dev/null) || return 1
	case $f in
	"/lib/modules/$1/updates/dkms/mssclamp.ko"*) return 0 ;;
	esac
	echo "# modinfo -k $1 -n mssclamp: $f"
	return 1
}

# DKMS runs "depmod -a" on every install and removal, for each kernel it
# touches, and depmod reads every module of the kernel: 4000 of them, which
# under TCG over 9p takes 1-2 minutes on 6.1 and about 5 on 6.12 (each
# module xz-decompressed). So these scenarios show depmod, DKMS and modprobe
# a kernel/ directory in /lib/modules/* holding only the modules loaded
# (after loading the MODULEs the scenario needs later: nothing can be
# loaded from the full tree meanwhile), bind-mounted over the real one;
# updates/dkms/ and the rest of each tree stay as they are. At the end the
# real trees and their modules.* index files come back.
modtree_trim() {
	local d k names
	modprobe -a "$@" || return 1
	names=$(awk '{ print $1 }' /proc/modules)
	for d in /lib/modules/*/kernel; do
		k=${d%/kernel}
		k=${k#/lib/modules/}
		[ -f "/lib/modules/$k/modules.dep" ] || continue
		mkdir -p "$WORK/modtree/$k/saved"
		cp -p "/lib/modules/$k"/modules.* "$WORK/modtree/$k/saved/"
		# modules.dep: "kernel/net/x/name.ko.xz: deps"; /proc/modules
		# writes the name with '_' where the file may have '-'.
		awk -v names="$names" '
			BEGIN { n = split(names, a, " "); for (i = 1; i <= n; i++) want[a[i]] = 1 }
			{ f = $1; sub(/:$/, "", f); b = f; sub(/.*\//, "", b)
			  sub(/\.ko(\..*)?$/, "", b); gsub(/-/, "_", b)
			  if ((b in want) && f ~ /^kernel\//) print f }
		' "/lib/modules/$k/modules.dep" >"$WORK/modtree/$k/list"
		mkdir -p "$WORK/modtree/$k/kernel"
		(cd "/lib/modules/$k" && xargs -r cp --parents -p -t "$WORK/modtree/$k") \
			<"$WORK/modtree/$k/list" || return 1
		mount --bind "$WORK/modtree/$k/kernel" "$d" || return 1
		echo "$k" >>"$WORK/modtree/trimmed"
		echo "# /lib/modules/$k/kernel: $(wc -l <"$WORK/modtree/$k/list") modules for depmod"
	done
	at_exit modtree_restore
}
modtree_restore() {
	local k
	[ -f "$WORK/modtree/trimmed" ] || return 0
	while read -r k; do
		umount "/lib/modules/$k/kernel"
		cp -p "$WORK/modtree/$k/saved"/modules.* "/lib/modules/$k/"
	done <"$WORK/modtree/trimmed"
	rm -f "$WORK/modtree/trimmed"
}

# The module built by DKMS on the host for this kernel, from this tree's
# sources (tests/vm/dkms-prebuild.sh, asked for by the scenarios'
# "# vm-host-prepare:" line): a DKMS tarball, which "dkms ldtarball" (or
# the Debian postinst, finding it in /usr/share/PACKAGE/) loads as built.
DKMS_TARBALL=$REPO/build/dkms/$KVER/mssclamp-$VERSION.dkms.tar.gz
dkms_prebuilt_load() {
	dkms ldtarball "$DKMS_TARBALL" >"$WORK/ldtarball.log" 2>&1 ||
		{ sed 's/^/# ldtarball: /' "$WORK/ldtarball.log"; return 1; }
}

# dkms_built KVER: DKMS holds mssclamp built (not installed) for KVER.
dkms_built() {
	local st
	st=$(dkms status -m mssclamp -v "$VERSION" -k "$1" 2>&1)
	[[ $st =~ :\ built$ ]] && return 0
	printf '# dkms status: %s\n' "$st"
	return 1
}

dkms_has() {
	dkms status -m mssclamp -v "$VERSION" -k "$1" 2>/dev/null |
		grep -q ': installed'
}

# The calls of the module's SET_CONFIG handler, counted by a kprobe: what
# proves that an apply sent nothing.
sets_probe_on() {
	[ -e "$TR/kprobe_events" ] || mount -t tracefs tracefs "$TR"
	echo 'p:mssclamp_deploy/mssclamp_sets mssclamp:mssclamp_set_doit' \
		>>"$TR/kprobe_events" || return 1
	echo 1 >"$TR/events/mssclamp_deploy/mssclamp_sets/enable"
}
sets_probe_off() {
	[ -e "$TR/events/mssclamp_deploy/mssclamp_sets" ] || return 0
	echo 0 >"$TR/events/mssclamp_deploy/mssclamp_sets/enable"
	echo '-:mssclamp_deploy/mssclamp_sets' >>"$TR/kprobe_events"
}
sets_count() {
	# kprobe_profile: "EVENT HITS MISSES", the event without its group.
	awk '$1 == "mssclamp_sets" { print $2 }' "$TR/kprobe_profile"
}
# sets_mark, then sets_check NAME N: N calls since the last mark (the
# check then marks again). Without the kprobe, no case is recorded.
sets_mark() { [ "$probe" = 0 ] || _sets=$(sets_count); }
sets_check() {
	local now
	[ "$probe" = 1 ] || return 0
	now=$(sets_count)
	if [[ $now =~ ^[0-9]+$ && $_sets =~ ^[0-9]+$ ]]; then
		check_eq "$1" "$2" $((now - _sets))
	else
		tap_fail "$1 (the kprobe count is '$now', was '$_sets')"
	fi
	_sets=$now
}

# One connection in each family through the router namespace, clamped by
# the configuration /etc/mssclamp.conf gives there: the server sees the
# shipped ceilings.
wire_check() {
	topo_up c=9000 rc=9000
	check "router: mssclampctl -n $NS_R apply /etc/mssclamp.conf" \
		ctl "$NS_R" apply /etc/mssclamp.conf
	serve "$NS_S" 8100 1
	handshakes wire 8100 1 "$S4" "$S6"
	check_eq "wire: the client's IPv4 SYN leaves with MSS 8960" 8960 "$(syn_mss wire_cli v4)"
	check_eq "wire: the server receives the IPv4 SYN with MSS 1460" 1460 "$(syn_mss wire_srv v4)"
	check_eq "wire: the client's IPv6 SYN leaves with MSS 8940" 8940 "$(syn_mss wire_cli v6)"
	check_eq "wire: the server receives the IPv6 SYN with MSS 1396" 1396 "$(syn_mss wire_srv v6)"
	cap_stop cli srv
	topo_down
}

# apply_refused NAME REGEX LINE...: apply of a file of LINEs exits 2 with
# an error matching REGEX, and changes nothing ($before: the configuration
# before, in deployed_checks).
apply_refused() {
	local name=$1 re=$2 rc=0
	shift 2
	printf '%s\n' "$@" >"$WORK/refused.conf"
	ctl - apply "$WORK/refused.conf" >"$WORK/refused.out" 2>&1 || rc=$?
	check_eq "apply of $name exits 2" 2 "$rc"
	check_match "apply of $name: the error names its line" "$re" \
		"$(cat "$WORK/refused.out")"
	check_eq "apply of $name changed nothing" "$before" "$(ctl - -j show)"
	sets_check "apply of $name sent nothing" 0
}

deployed_checks() {
	local unit=$1 json before rc conf=/etc/mssclamp.conf

	check_not "mssclamp is not loaded before the unit starts" mod_loaded
	check "the unit's start loads the module and applies the file" \
		unit_run "$unit" ExecStart
	check_eq "the module loaded is this version" "$VERSION" \
		"$(val /sys/module/mssclamp/version)"
	check_eq "mssclampctl version" "mssclampctl: $VERSION
module: $VERSION" "$(ctl - version 2>&1)"
	check_eq "ipv4 enabled by /etc/mssclamp.conf" true "$(cfg - ipv4 enabled)"
	check_eq "ipv4 at MSS 1460" 1460 "$(cfg - ipv4 mss)"
	check_eq "ipv6 enabled by /etc/mssclamp.conf" true "$(cfg - ipv6 enabled)"
	check_eq "ipv6 at MSS 1396 (overhead 44)" 1396 "$(cfg - ipv6 mss)"
	check_eq "ipv6 overhead 44" 44 "$(cfg - ipv6 overhead)"

	wire_check

	# save, change, apply the saved file: back where it was.
	ctl - save >"$WORK/saved.conf"
	check_eq "save: both families, every setting" \
		"ipv4 enable mtu 1500 overhead 0 pmtu off hook forward syn on synack on dev any
ipv6 enable mtu 1500 overhead 44 pmtu off hook forward syn on synack on dev any" \
		"$(grep -v '^#' "$WORK/saved.conf")"
	before=$(ctl - -j show)
	check "set ipv4 mtu 9000 dev wan0" ctl - set ipv4 mtu 9000 dev wan0
	check "set ipv6 disable pmtu on hook postrouting" \
		ctl - set ipv6 disable pmtu on hook postrouting
	check_not "the configuration changed" test "$(ctl - -j show)" = "$before"

	# What each apply sends: counted by a kprobe on the module's
	# SET_CONFIG handler (sets is empty without one).
	probe=0
	if sets_probe_on; then
		probe=1
		at_exit sets_probe_off
	else
		tap_fail "a kprobe on mssclamp_set_doit can be set"
	fi
	sets_mark
	check "apply the saved file" ctl - apply "$WORK/saved.conf"
	check_eq "round trip: the configuration is the saved one" \
		"$before" "$(ctl - -j show)"
	sets_check "the first apply sent one change per family" 2
	check "apply the saved file again" ctl - apply "$WORK/saved.conf"
	sets_check "the second apply sent nothing" 0
	check "apply /etc/mssclamp.conf (the same configuration)" \
		ctl - apply "$conf"
	sets_check "apply of a file that matches sent nothing" 0

	# Files apply refuses: the error names the line, nothing changes.
	apply_refused "a broken file" \
		"^mssclampctl: apply: line 3: 'overhead' needs a number of bytes, got '4x'\$" \
		"ipv4 mtu 1400" "# comment" "ipv6 mtu 1500 overhead 4x"
	apply_refused "a file the module would refuse" \
		'^mssclampctl: apply: line 2: overhead 300 too large for mtu 1500: .*IPv6 MSS floor 1220' \
		"ipv4 mtu 1400" "ipv6 mtu 1500 overhead 300"

	# An edited /etc/mssclamp.conf, applied by the unit's reload.
	cp "$conf" "$WORK/conf.orig"
	sed -i 's/^ipv6 enable mtu 1500 overhead 44$/ipv6 enable mtu 1500 overhead 80/' "$conf"
	check "the unit's reload" unit_run "$unit" ExecReload
	check_eq "reload: ipv6 at MSS 1360 (WireGuard over IPv6, 80)" 1360 \
		"$(cfg - ipv6 mss)"
	check_eq "reload: ipv4 still at 1460" 1460 "$(cfg - ipv4 mss)"
	cp "$WORK/conf.orig" "$conf"
	json=$(ctl - -j show)
	sets_probe_off

	# A reboot, as far as the module knows: gone, then the unit's start.
	check "rmmod mssclamp" mod_unload
	check "the unit's start after the module went away" \
		unit_run "$unit" ExecStart
	check_eq "the configuration comes back from the file" \
		"ipv4 1460 true ipv6 1396 true" \
		"ipv4 $(cfg - ipv4 mss) $(cfg - ipv4 enabled) ipv6 $(cfg - ipv6 mss) $(cfg - ipv6 enabled)"
	check_not "(the reload had left ipv6 at 1360)" test "$json" = "$(ctl - -j show)"
	check "rmmod mssclamp at the end" mod_unload
}
