#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the test VM, started by tests/vm/init after switch_root into the
# overlay root. Runs the netns scenarios, checks the kernel log after each,
# writes the results into the writable share (9p or virtiofs) and powers the
# VM off.
#
# Settings (kernel command line -> environment, set by tests/vm/run.sh):
#   VM_REPO     the repository (the same path as on the host)
#   VM_OUT      results directory (host path; the "out" share lands there)
#   VM_FS       9p or virtiofs: how the "out" share is mounted
#   VM_KO       mssclamp.ko to test
#   VM_CTL      mssclampctl binary (may be absent)
#   VM_T        scenarios, comma-separated: names under tests/netns/ or
#               absolute paths
#   VM_TIMEOUT  seconds each scenario may take (more if the scenario's
#               header says "# vm-timeout: N")
#   VM_MODDIR   the kernel's modules directory when it is not the host's
#               /lib/modules/KVER (VM_MODULES in run.sh): linked there;
#               when the guest's userland has Debian's headers of KVER
#               (arm64's: /lib/modules/KVER holds only their build link),
#               VM_MODDIR's build link is pointed at those, natively built
#               for the guest, instead of the cross-build headers
#
# Results in VM_OUT: NAME.tap per scenario ("ok - ..." / "not ok - ..."
# lines; the host prefixes the kernel release and the name), "order" (the
# names, in run order; "kmemleak" is the leak scan of a kernel with
# kmemleak), dmesg.txt (the whole kernel log, in chunks), and
# "done" once everything ran. No "done" means the VM died: the host fails.
#
# PID 1 must never exit (that is a panic): no "set -e" here, and every path
# ends in power_off.

export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LC_ALL=C TERM=dumb
umask 022

# say MSG: a line on the console, with the guest's uptime.
say() {
	local up rest
	read -r up rest </proc/uptime 2>/dev/null || up='?'
	echo "vm: [$up] $*"
}

# Under TCG every exec of a dynamically linked binary costs ~0.1 s, so the
# steps that run for every scenario stick to bash builtins, and the mounts
# use the static busybox when the host has one (busybox-static).
if [ -x /bin/busybox ]; then
	mount() { /bin/busybox mount "$@"; }
fi

power_off() {
	sync
	echo o >/proc/sysrq-trigger
	while :; do sleep 1; done
}

# Kernel log lines that mean the kernel is unhappy. Deliberately specific:
# a plain "RCU" would match the boot banner, a plain "lockdep" or
# "kmemleak" the debug kernel's ("RCU lockdep checking is enabled",
# "kmemleak: Kernel memory leak detector initialized").
SPLAT='WARNING:|BUG:|kernel BUG at|Oops|general protection|Call Trace:'
SPLAT+='|lockdep is turned off|locking correctness validator'
SPLAT+='|possible recursive locking|possible circular locking'
SPLAT+='|suspicious RCU usage|self-detected stall|detected stalls? on CPU'
SPLAT+='|rcu_(sched|preempt|bh) (self-)?detected|RCU stall'
SPLAT+='|UBSAN|KASAN|suspected memory leak|unreferenced object'
SPLAT+='|list_(add|del) corruption|refcount_t:|ref_tracker'
SPLAT+='|BUG [^ ]+ \((Not tainted|Tainted)'	# SLUB: "BUG kmalloc-64 (Not tainted): ..."
SPLAT+='|blocked for more than|unregister_netdevice: waiting'
# Taint flags that only a kernel problem sets: B (bad page), D (died),
# W (warning), L (soft lockup).
TAINT_BAD=$(((1 << 5) | (1 << 7) | (1 << 9) | (1 << 14)))
taint_seen=0

# kernel_log_check NAME TAP: read and clear the kernel log since the last
# check, keep it in dmesg.txt, and record whether it is clean in TAP.
kernel_log_check() {
	local name=$1 tap=$2 chunk taint new
	chunk=$(dmesg -c 2>&1)
	{
		echo "=== $name"
		[ -z "$chunk" ] || printf '%s\n' "$chunk"
	} >>"$VM_OUT/dmesg.txt"
	read -r taint </proc/sys/kernel/tainted
	new=$(((taint & ~taint_seen) & TAINT_BAD))
	taint_seen=$taint
	if ! [[ $chunk =~ $SPLAT ]] && [ "$new" = 0 ]; then
		echo "ok - kernel log clean" >>"$tap"
		return
	fi
	echo "not ok - kernel log clean" >>"$tap"
	say "$name: the kernel log is not clean (tainted $taint):"
	printf '%s\n' "$chunk" | grep -E -A 30 "$SPLAT" | sed 's/^/vm: dmesg: /'
	[ "$new" = 0 ] || say "$name: new taint flags, mask $new"
}

# A kernel with kmemleak (the debug kernel, tests/vm/debug-kernel.sh):
# the leaks the scenarios leave, found by two scans once every scenario
# ran, as a case of its own. At boot: no periodic scans (they would blame
# whichever scenario runs at the time), and whatever the boot left behind
# is marked as seen ("clear"), so that only what the scenarios allocated
# counts. On other kernels: nothing, no case.
KMEMLEAK=/sys/kernel/debug/kmemleak
kmemleak_start() {
	[ -e "$KMEMLEAK" ] || return 0
	say "kmemleak: scanning what the boot left, then clearing it"
	echo scan=off >"$KMEMLEAK" || say "kmemleak: it is off (see dmesg.txt)"
	echo scan >"$KMEMLEAK"
	echo scan >"$KMEMLEAK"
	cat "$KMEMLEAK" >"$VM_OUT/kmemleak-boot.txt"
	echo clear >"$KMEMLEAK"
	# Its "N new suspected memory leaks" line goes with the boot's log.
	{
		echo "=== kmemleak at boot (before any scenario; not judged)"
		dmesg -c
	} >>"$VM_OUT/dmesg.txt" 2>&1
	say "kmemleak: the boot left $(grep -c '^unreferenced object' "$VM_OUT/kmemleak-boot.txt") unreferenced objects (kmemleak-boot.txt)"
}

kmemleak_check() {
	local tap=$VM_OUT/kmemleak.tap report
	[ -e "$KMEMLEAK" ] || return 0
	echo kmemleak >>"$VM_OUT/order"
	: >"$tap"
	# Objects younger than 5 s are not reported (kmemleak's
	# jiffies_min_age); a second scan confirms what the first found.
	sleep 5
	say "kmemleak: scanning"
	# kmemleak_write() refuses (EPERM) once kmemleak has turned itself
	# off (e.g. its early pool ran out): that is a failure, not "no leak".
	if ! { echo scan >"$KMEMLEAK" && echo scan >"$KMEMLEAK" &&
		report=$(<"$KMEMLEAK"); } 2>/dev/null; then
		echo "not ok - kmemleak scans (it is off: see dmesg.txt)" >>"$tap"
		return
	fi
	printf '%s\n' "$report" >"$VM_OUT/kmemleak.txt"
	if [ -z "$report" ]; then
		echo "ok - kmemleak reports no leak" >>"$tap"
		return
	fi
	echo "not ok - kmemleak reports no leak" >>"$tap"
	say "kmemleak: leaks reported (all of them in kmemleak.txt):"
	printf '%s\n' "$report" | head -n 80 | sed 's/^/vm: kmemleak: /'
}

# Put the machine back to a known state between scenarios: no namespaces,
# no module. A scenario's own cleanup should have done this already.
reset_state() {
	local ns=(/run/netns/*)
	[ ! -e "${ns[0]}" ] || ip -all netns delete
	if [ -d /sys/module/mssclamp ]; then
		say "$1: mssclamp still loaded after the scenario; unloading"
		rmmod mssclamp || say "$1: rmmod mssclamp failed"
	fi
}

# scenario_timeout FILE: the seconds FILE may take: VM_TIMEOUT, or more if
# its header (the comment lines at the top) says "# vm-timeout: N" (tests/
# vm/run.sh adds the difference to the whole VM's budget). Builtins only.
scenario_timeout() {
	local line n limit=$VM_TIMEOUT
	while IFS= read -r line; do
		case $line in
		'# vm-timeout: '*)
			n=${line#'# vm-timeout: '}
			[[ $n =~ ^[0-9]+$ ]] && [ "$n" -gt "$limit" ] && limit=$n
			break
			;;
		'#'* | '') ;;
		*) break ;;
		esac
	done <"$1"
	echo "$limit"
}

# run_scenario FILE: run one scenario in its own bash, under a timeout.
run_scenario() {
	local file=$1 name tap rc limit
	name=${file##*/}
	name=${name%.sh}
	tap=$VM_OUT/$name.tap
	: >"$tap"
	echo "$name" >>"$VM_OUT/order"
	say "=== $name"
	if [ ! -f "$file" ]; then
		echo "not ok - scenario file exists" >>"$tap"
	else
		limit=$(scenario_timeout "$file")
		(
			cd /tmp || exit 1
			REPO=$VM_REPO MSSCLAMP_KO=$VM_KO MSSCLAMPCTL=$VM_CTL \
				KVER=$KVER TAP_FILE=$tap \
				timeout -k 10 "$limit" bash "$file"
		) </dev/null 2>&1
		rc=$?
		if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
			echo "not ok - finished within ${limit}s" >>"$tap"
		elif [ "$rc" != 0 ] && ! grep -q '^not ok' "$tap"; then
			echo "not ok - scenario exited with status $rc" >>"$tap"
		elif ! grep -q -E '^(not )?ok' "$tap"; then
			echo "not ok - scenario recorded no test case" >>"$tap"
		fi
		say "$name: exit status $rc"
	fi
	reset_state "$name"
	kernel_log_check "$name" "$tap"
}

# fresh_tmpfs DIR MODE: an empty tmpfs on DIR, unless the repository, the
# results share or VM_MODDIR lies below DIR (a clone under /tmp, a kernel
# in ~/.cache): then DIR stays as the writable overlay shows it, so those
# paths remain reachable.
fresh_tmpfs() {
	case $VM_REPO/ in "$1"/*) return 0 ;; esac
	case $VM_OUT/ in "$1"/*) return 0 ;; esac
	case ${VM_MODDIR:-}/ in "$1"/*) return 0 ;; esac
	mount -t tmpfs -o mode="$2" "${1#/}" "$1"
}

main() {
	local sc list

	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	# What udev would add: bash's <(...) needs /dev/fd.
	ln -sfn /proc/self/fd /dev/fd
	ln -sf /proc/self/fd/0 /dev/stdin
	ln -sf /proc/self/fd/1 /dev/stdout
	ln -sf /proc/self/fd/2 /dev/stderr
	mkdir -p /dev/pts /dev/shm
	mount -t devpts -o gid=5,mode=620 devpts /dev/pts
	mount -t tmpfs -o mode=1777 shm /dev/shm
	fresh_tmpfs /run 0755
	fresh_tmpfs /tmp 1777
	fresh_tmpfs /root 0700
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	hostname mssclamp-vm
	ip link set lo up

	if [ "${VM_FS:-9p}" = virtiofs ]; then
		mount -t virtiofs out "$VM_OUT"
	else
		mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 \
			out "$VM_OUT"
	fi || {
		say "FATAL: cannot mount the results share on $VM_OUT"
		return
	}
	: "${VM_TIMEOUT:=300}"
	read -r KVER </proc/sys/kernel/osrelease
	if [ -n "${VM_MODDIR:-}" ]; then
		local own=
		if [ -L "/lib/modules/$KVER/build" ] &&
			[ ! -e "/lib/modules/$KVER/modules.dep" ]; then
			own=$(readlink "/lib/modules/$KVER/build")
			rm -rf "/lib/modules/$KVER"
		fi
		if [ ! -e "/lib/modules/$KVER" ]; then
			mkdir -p /lib/modules
			ln -s "$VM_MODDIR" "/lib/modules/$KVER"
		fi
		# VM_MODDIR is a writable overlay: the host's link stays.
		[ -z "$own" ] || ln -sfn "$own" "$VM_MODDIR/build"
	fi
	say "kernel $KVER, scenarios: $VM_T"
	touch "$VM_OUT/dmesg.txt"

	echo boot >>"$VM_OUT/order"
	: >"$VM_OUT/boot.tap"
	kernel_log_check boot "$VM_OUT/boot.tap"
	kmemleak_start

	IFS=, read -r -a list <<<"$VM_T"
	for sc in "${list[@]}"; do
		case $sc in
		/*) run_scenario "$sc" ;;
		*) run_scenario "$VM_REPO/tests/netns/$sc" ;;
		esac
	done

	# Late splats (namespace teardown runs in a workqueue) land here.
	sleep 1
	kmemleak_check
	echo end >>"$VM_OUT/order"
	: >"$VM_OUT/end.tap"
	kernel_log_check end "$VM_OUT/end.tap"

	echo finished >"$VM_OUT/done"
	say "all done"
}

main
power_off
