#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the netns scenarios (tests/netns/NN-*.sh) in a QEMU VM booted on a
# Debian kernel, with the module built for that kernel.
#
#   tests/vm/run.sh KVER [SCENARIO[,SCENARIO...]]
#
# KVER is a release under /lib/modules with an image in /boot (see
# scripts/kver.sh), or the release of the kernel VM_KERNEL and VM_MODULES
# name (below). SCENARIO is a name under tests/netns/ ("01-cliff" or
# "01-cliff.sh") or a path to a scenario file anywhere under /; without it,
# every tests/netns/[0-9][0-9]-*.sh runs, in order.
#
# Steps: build mssclamp.ko and mssclampctl, and what the scenarios ask for
# with a "# vm-host-prepare: COMMAND" line; pack (or reuse) the initramfs
# under build/vm/KVER/; boot the kernel under TCG with the host's / shared
# read-only over 9p (or virtiofs, see VM_FS); the guest (tests/vm/init,
# then tests/vm/guest.sh) runs the scenarios and writes results to
# build/vm/KVER/out/; this script turns them into
# "ok - KVER SCENARIO: CASE" lines on $TAP_FILE.
# The serial console is kept in build/vm/KVER/serial.log.
#
# Environment:
#   TAP_FILE          where results go (tests/check.sh sets it)
#   VM_TIMEOUT        seconds for the whole VM run (default 2400, plus what
#                     scenarios with a "# vm-timeout: N" header line need
#                     beyond SCENARIO_TIMEOUT)
#   SCENARIO_TIMEOUT  seconds for each scenario inside the VM (default 300;
#                     a scenario may ask for more with "# vm-timeout: N")
#   VM_FS             how the guest reaches the host's / and the results
#                     directory: 9p or virtiofs (default: 9p when the
#                     kernel's /boot/config-KVER has it, as Debian's plain
#                     and rt flavours do; else virtiofs, for the cloud
#                     flavour, which has no 9p)
#   VM_APPEND         extra kernel command-line arguments
#   VM_KERNEL         boot this kernel image (an ELF vmlinux with a PVH entry
#                     point, or a bzImage) instead of /boot/vmlinuz-KVER,
#                     e.g. the debug kernel (tests/vm/debug-kernel.sh)
#   VM_MODULES        that kernel's modules directory, ending in
#                     /lib/modules/KVER, with build -> its build tree
#                     (default /lib/modules/KVER): the module is built
#                     against VM_MODULES/build, the initramfs takes its
#                     modules from there, and the guest sees it as
#                     /lib/modules/KVER
#   VM_SMP, VM_MEM    the guest's CPUs and memory (default 1 and 512M)
#   MSSCLAMP_KO, MSSCLAMPCTL
#                     test these files instead of building them (e.g. a
#                     module built by DKMS); they must be visible under /
# Exit status: 0 when every case passed.
set -eu -o pipefail
export LC_ALL=C
export PATH=$PATH:/usr/sbin:/sbin

top=$(cd "$(dirname "$0")/../.." && pwd -P)
# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"

usage() {
	echo "usage: $0 KVER [SCENARIO[,SCENARIO...]]" >&2
	exit 2
}
if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
kver=$1
sel=${2:-}
[ -n "$kver" ] || usage

: "${TAP_FILE:=$top/build/results/vm-$kver.tap}"
mkdir -p "$(dirname "$TAP_FILE")"
vm_timeout_given=${VM_TIMEOUT:-}
VM_TIMEOUT=${VM_TIMEOUT:-2400}
SCENARIO_TIMEOUT=${SCENARIO_TIMEOUT:-300}
VM_SMP=${VM_SMP:-1}
VM_MEM=${VM_MEM:-512M}
# The kernel under test: Debian's under /boot and /lib/modules, or one
# built elsewhere (VM_KERNEL, VM_MODULES). modroot is what modprobe -d and
# make modules_install INSTALL_MOD_PATH= call the root of VM_MODULES.
kimage=${VM_KERNEL:-/boot/vmlinuz-$kver}
kmods=${VM_MODULES:-/lib/modules/$kver}
modroot=${kmods%/lib/modules/"$kver"}

vmdir=$top/build/vm/$kver
out=$vmdir/out
serial=$vmdir/serial.log

say() { echo "vm[$kver]: $*"; }

# abort WHAT: record a failing case for a step that stops the run.
abort() {
	tap_fail "$kver vm: $*"
	exit 1
}

# Values travel on the kernel command line, unquoted: keep them plain.
cmdline_safe() {
	case $2 in
	'' | *[!A-Za-z0-9/._+,:=-]*)
		abort "$1 '$2' is usable on the kernel command line (letters, digits, / . _ + , : = - only)" ;;
	esac
}

[ -f "$kimage" ] || abort "kernel image $kimage exists"
[ "$modroot" != "$kmods" ] || abort "VM_MODULES=$kmods ends in /lib/modules/$kver"
# One run per kernel at a time: they share build/vm/KVER/ (several people
# may work in one tree).
mkdir -p "$vmdir"
exec 9>"$vmdir/lock"
if ! flock -n 9; then
	say "waiting for another run on $kver to finish"
	flock -w "$VM_TIMEOUT" 9 || abort "the other run on $kver finished in time"
fi
[ -f "$kmods/modules.dep" ] || abort "$kmods/modules.dep exists"
cmdline_safe "repository path" "$top"

# --- which scenarios -------------------------------------------------------

# resolve NAME: print the scenario's name relative to tests/netns/, or its
# absolute path when it lives elsewhere.
resolve() {
	local s=$1
	case $s in
	*/*)
		s=$(realpath -e "$s" 2>/dev/null) || return 1
		case $s in
		"$top"/tests/netns/*) echo "${s#"$top"/tests/netns/}" ;;
		*) echo "$s" ;;
		esac
		;;
	*)
		s=${s%.sh}.sh
		[ -f "$top/tests/netns/$s" ] || return 1
		echo "$s"
		;;
	esac
}

scenarios=
if [ -n "$sel" ]; then
	IFS=, read -r -a wanted <<<"$sel"
	for w in "${wanted[@]}"; do
		r=$(resolve "$w") || abort "scenario '$w' exists"
		scenarios=${scenarios:+$scenarios,}$r
	done
else
	for f in "$top"/tests/netns/[0-9][0-9]-*.sh; do
		[ -f "$f" ] || continue
		scenarios=${scenarios:+$scenarios,}${f##*/}
	done
fi
[ -n "$scenarios" ] || abort "there is a scenario to run (tests/netns/NN-*.sh)"
cmdline_safe "scenario list" "$scenarios"

# --- build -----------------------------------------------------------------

if [ -n "${MSSCLAMP_KO:-}" ]; then
	ko=$(realpath -e "$MSSCLAMP_KO") || abort "MSSCLAMP_KO=$MSSCLAMP_KO exists"
else
	say "building mssclamp.ko"
	make -C "$top" --no-print-directory module KVER="$kver" KDIR="$kmods/build" ||
		abort "mssclamp.ko builds for $kver"
	ko=$top/build/kmod/$kver/mssclamp.ko
	[ -f "$ko" ] || abort "mssclamp.ko builds for $kver ($ko missing)"
fi
if [ -n "${MSSCLAMPCTL:-}" ]; then
	ctl=$(realpath -m "$MSSCLAMPCTL")
else
	say "building mssclampctl"
	make -C "$top" --no-print-directory ctl || abort "mssclampctl builds"
	ctl=$top/userspace/mssclampctl
	[ -x "$ctl" ] || abort "mssclampctl builds ($ctl missing)"
fi
cmdline_safe "module path" "$ko"
cmdline_safe "mssclampctl path" "$ctl"

# A scenario may need something made on the host before the VM boots (what
# the guest cannot make, or only slowly under TCG), asked for by a line
#   # vm-host-prepare: COMMAND
# in the scenario's header, e.g. "make deb". Each distinct COMMAND runs once
# per run, in the repository, and must be idempotent: runs on several
# kernels go side by side (tests/check.sh) and ask for the same commands,
# so they take turns on one lock, and the second finds the work done. A
# failure is a failing case and nothing boots.
host_prepare() {
	local cmd=$1 who=$2
	say "preparing on the host for $who: $cmd"
	(
		exec 8>"$top/build/vm/host-prepare.lock"
		flock -w "$VM_TIMEOUT" 8 || exit 1
		cd "$top" && bash -c "$cmd"
	) || abort "'$cmd' (asked for by $who) succeeds on the host"
}
declare -A prepared=()
IFS=, read -r -a sel_files <<<"$scenarios"
for s in "${sel_files[@]}"; do
	case $s in
	/*) f=$s ;;
	*) f=$top/tests/netns/$s ;;
	esac
	while IFS= read -r cmd; do
		if [ -n "$cmd" ] && [ -z "${prepared[$cmd]:-}" ]; then
			prepared[$cmd]=1
			host_prepare "$cmd" "${s##*/}"
		fi
	done < <(awk '!/^#/ && !/^$/ { exit } sub(/^# vm-host-prepare: */, "")' "$f")
	# A scenario that needs longer than SCENARIO_TIMEOUT says so in its
	# header ("# vm-timeout: N", read by guest.sh): the VM gets the
	# difference on top, unless VM_TIMEOUT was given.
	n=$(awk '!/^#/ && !/^$/ { exit } sub(/^# vm-timeout: /, "") { print; exit }' "$f")
	if [ -z "$vm_timeout_given" ] && [[ $n =~ ^[0-9]+$ ]] &&
		[ "$n" -gt "$SCENARIO_TIMEOUT" ]; then
		VM_TIMEOUT=$((VM_TIMEOUT + n - SCENARIO_TIMEOUT))
	fi
done

# --- how the guest reaches the host's files --------------------------------

# 9p: QEMU serves / (read-only) and the results directory itself.
# virtiofs: Debian's cloud flavour has no 9p (NET_9P unset) but has
# VIRTIO_FS=y; a virtiofsd per share serves it over a vhost-user socket,
# which needs the guest's RAM in shared memory.
# The config: /boot/config-KVER, or for a kernel built elsewhere
# (VM_KERNEL) its build tree's .config; a kernel without either gets 9p.
config=/boot/config-$kver
[ -z "${VM_KERNEL:-}" ] || config=$kmods/build/.config
if [ -z "${VM_FS:-}" ]; then
	if [ ! -f "$config" ]; then
		VM_FS=9p
	elif grep -Eq '^CONFIG_NET_9P_VIRTIO=[ym]$' "$config" &&
		grep -Eq '^CONFIG_9P_FS=[ym]$' "$config"; then
		VM_FS=9p
	elif grep -Eq '^CONFIG_VIRTIO_FS=[ym]$' "$config"; then
		VM_FS=virtiofs
	else
		abort "$config has 9p (NET_9P_VIRTIO, 9P_FS) or VIRTIO_FS"
	fi
fi
vm_fs=$VM_FS
case $vm_fs in
9p) fs_mods="9p 9pnet_virtio virtio_pci" ;;
virtiofs) fs_mods="virtiofs virtio_pci" ;;
*) abort "VM_FS '$vm_fs' is 9p or virtiofs" ;;
esac

# --- initramfs -------------------------------------------------------------

# The initramfs holds a static busybox, tests/vm/init and the modules needed
# to mount the root: rebuilt only when one of those (or this recipe) changes.
initramfs_recipe=2

build_initramfs() {
	local img=$vmdir/initramfs.cpio stage=$vmdir/initramfs.d
	local bb mods m b stamp
	bb=$(command -v busybox) || abort "busybox is installed (busybox-static)"
	if command -v readelf >/dev/null &&
		readelf -l "$bb" | grep -q 'program interpreter'; then
		abort "$bb is statically linked (install busybox-static)"
	fi
	# shellcheck disable=SC2086 # $fs_mods is a list of module names
	mods=$(modprobe -a -d "${modroot:-/}" -S "$kver" --show-depends $fs_mods overlay |
		awk '$1 == "insmod" && !seen[$2]++ { print $2 }') ||
		abort "modprobe finds the $fs_mods and overlay modules of $kver"
	# shellcheck disable=SC2086 # $mods is a list of paths without spaces
	stamp=$({
		echo "recipe $initramfs_recipe $vm_fs"
		sha256sum "$top/tests/vm/init" "$bb" $mods
	} | sha256sum | cut -d' ' -f1)
	if [ -f "$img" ] && [ "$(cat "$img.stamp" 2>/dev/null)" = "$stamp" ]; then
		initramfs=$img
		return
	fi
	say "packing the initramfs"
	rm -rf "$stage"
	mkdir -p "$stage/bin" "$stage/modules"
	cp "$bb" "$stage/bin/busybox"
	install -m 0755 "$top/tests/vm/init" "$stage/init"
	: >"$stage/modules/order"	# all of them may be built in
	for m in $mods; do
		b=${m##*/}
		case $b in
		*.ko.xz) xz -dc "$m" >"$stage/modules/${b%.xz}" ;;
		*.ko.zst) zstd -dqc "$m" >"$stage/modules/${b%.zst}" ;;
		*.ko.gz) gzip -dc "$m" >"$stage/modules/${b%.gz}" ;;
		*.ko) cp "$m" "$stage/modules/$b" ;;
		*) abort "a module path ends in .ko[.xz|.zst|.gz] ($m)" ;;
		esac
		echo "${b%.ko*}.ko" >>"$stage/modules/order"
	done
	(cd "$stage" && find . -mindepth 1 | sort |
		cpio -o -H newc -R 0:0 --quiet) >"$img.tmp"
	mv "$img.tmp" "$img"
	echo "$stamp" >"$img.stamp"
	rm -rf "$stage"
	initramfs=$img
}

# The kernel: Debian's bzImage carries the kernel compressed (xz for 6.1,
# zstd for 6.12); under TCG the firmware and the in-guest decompressor take
# ~10 s, most of the boot. Decompressed once on the host, the ELF inside
# boots straight through its PVH entry point (CONFIG_PVH) and skips both.
# Any surprise falls back to the bzImage.
extract_kernel() {
	local img=/boot/vmlinuz-$kver elf=$vmdir/vmlinux stamp ss po pl off dec size
	kernel=$img
	grep -q '^CONFIG_PVH=y' "/boot/config-$kver" 2>/dev/null || return 0
	stamp="recipe 1 $(stat -L -c '%s %Y' "$img")"
	if [ -f "$elf" ] && [ "$(cat "$elf.stamp" 2>/dev/null)" = "$stamp" ]; then
		kernel=$elf
		return
	fi
	# Boot protocol header: setup_sects at 0x1f1, payload_offset and
	# payload_length at 0x248; the payload ends in its decompressed size.
	ss=$(od -An -tu1 -j $((0x1f1)) -N 1 "$img")
	read -r po pl < <(od -An -tu4 -j $((0x248)) -N 8 "$img")
	off=$(((ss + 1) * 512 + po))
	case $(od -An -tx1 -j "$off" -N 4 "$img" | tr -d ' \n') in
	fd377a58) dec="xz -dc" ;;
	28b52ffd) dec="zstd -dqc" ;;
	1f8b08*) dec="gzip -dc" ;;
	*) return 0 ;;
	esac
	size=$(od -An -tu4 -j $((off + pl - 4)) -N 4 "$img" | tr -d ' ')
	say "decompressing the kernel for a direct (PVH) boot"
	dd if="$img" iflag=skip_bytes,count_bytes skip="$off" count=$((pl - 4)) \
		bs=1M status=none | $dec >"$elf.tmp" || true
	if [ "$(stat -c %s "$elf.tmp")" = "$size" ] &&
		[ "$(od -An -tx1 -N 4 "$elf.tmp" | tr -d ' \n')" = 7f454c46 ]; then
		mv "$elf.tmp" "$elf"
		echo "$stamp" >"$elf.stamp"
		kernel=$elf
	else
		rm -f "$elf.tmp"
		say "could not decompress $img; booting it as it is"
	fi
}

build_initramfs
if [ -n "${VM_KERNEL:-}" ]; then
	kernel=$kimage
else
	extract_kernel
fi

# --- boot ------------------------------------------------------------------

rm -rf "$out"
mkdir -p "$out"
cmdline_safe "results path" "$out"

# fs_args: the QEMU options that share / (tag root) and $out (tag out).
fs_args=()
vfs_pids=()
stop_virtiofsd() {
	local p
	for p in "${vfs_pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${vfs_pids[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	vfs_pids=()
	rm -rf "$vmdir/virtiofs"
}
# start_virtiofsd TAG DIR [ro]: serve DIR on $vmdir/virtiofs/TAG.sock.
# Bookworm's virtiofsd (the C one of QEMU 7.2) has no read-only export:
# with "ro" it runs in a mount namespace of its own where DIR is
# bind-mounted read-only (a non-recursive bind: for / that is the root
# filesystem without /proc, /sys, /dev, which the guest mounts itself), so
# a write from the guest fails with EROFS on the host; the guest mounts it
# read-only as well.
start_virtiofsd() {
	local tag=$1 dir=$2 ro=${3:-} sock=$vmdir/virtiofs/$1.sock
	local log=$vmdir/virtiofs/$1.log i
	local -a cmd=(/usr/lib/qemu/virtiofsd "--socket-path=$sock"
		-o cache=always -o sandbox=namespace)
	if [ -n "$ro" ]; then
		mkdir -p "$vmdir/virtiofs/$tag.ro"
		# shellcheck disable=SC2016 # the inner sh expands them
		cmd=(unshare --mount --propagation private sh -ec
			'mount --bind "$1" "$2"; mount -o remount,bind,ro "$2"
			 d=$2; shift 2; exec "$@" -o source="$d"'
			sh "$dir" "$vmdir/virtiofs/$tag.ro" "${cmd[@]}")
	else
		cmd+=(-o "source=$dir")
	fi
	"${cmd[@]}" >"$log" 2>&1 &
	vfs_pids+=($!)
	for ((i = 0; i < 100; i++)); do
		[ -S "$sock" ] && break
		kill -0 "${vfs_pids[-1]}" 2>/dev/null || break
		sleep 0.1
	done
	[ -S "$sock" ] || abort "virtiofsd serves $dir (see $log: $(tail -n 1 "$log"))"
	fs_args+=(-chardev "socket,id=vfs$tag,path=$sock"
		-device "vhost-user-fs-pci,chardev=vfs$tag,tag=$tag")
}
case $vm_fs in
9p)
	fs_args=(-fsdev "local,id=fsroot,path=/,security_model=none,readonly=on,multidevs=remap"
		-device "virtio-9p-pci,fsdev=fsroot,mount_tag=root"
		-fsdev "local,id=fsout,path=$out,security_model=none,multidevs=remap"
		-device "virtio-9p-pci,fsdev=fsout,mount_tag=out")
	;;
virtiofs)
	[ -x /usr/lib/qemu/virtiofsd ] ||
		abort "/usr/lib/qemu/virtiofsd is installed (qemu-system-x86)"
	trap stop_virtiofsd EXIT
	rm -rf "$vmdir/virtiofs"
	mkdir -p "$vmdir/virtiofs"
	start_virtiofsd root / ro
	start_virtiofsd out "$out"
	# The same size as -m.
	fs_args+=(-object "memory-backend-memfd,id=mem,size=${VM_MEM:-512M},share=on"
		-numa "node,memdev=mem")
	;;
esac

# Emulated time on a busy host: the vCPU can stall for seconds while the
# host runs other work. no_timer_check: the boot-time check that the
# IO-APIC timer ticks can miss its window and panic ("IO-APIC + timer
# doesn't work!"). watchdog_thresh=60 and a 120 s RCU stall timeout: the
# soft-lockup and RCU stall detectors stay on (a real lockup still fails
# the run), with room for such stalls (seen: a soft lockup in the crypto
# self-tests at boot with the host's load average above 8).
append="console=ttyS0 quiet panic=-1 oops=panic panic_on_warn=0 no_timer_check"
append+=" watchdog_thresh=60 rcupdate.rcu_cpu_stall_timeout=120"
append+=" VM_FS=$vm_fs"
append+=" VM_REPO=$top VM_OUT=$out VM_KO=$ko VM_CTL=$ctl"
append+=" VM_T=$scenarios VM_TIMEOUT=$SCENARIO_TIMEOUT"
if [ -n "${VM_MODULES:-}" ]; then
	cmdline_safe "modules directory" "$kmods"
	append+=" VM_MODDIR=$kmods"
fi
append+=${VM_APPEND:+ $VM_APPEND}

say "booting $kernel over $vm_fs (scenarios: $scenarios)"
start=$(date +%s)
set +e
timeout -k 10 "$VM_TIMEOUT" qemu-system-x86_64 \
	-accel tcg,thread=multi -cpu max -machine q35 -m "$VM_MEM" -smp "$VM_SMP" \
	-no-user-config -nodefaults -no-reboot -display none \
	-serial stdio -monitor none \
	-kernel "$kernel" -initrd "$initramfs" -append "$append" \
	"${fs_args[@]}" \
	</dev/null 2>&1 | sed -u 's/\r$//' | tee "$serial"
rc=${PIPESTATUS[0]}
set -e
say "VM ran $(($(date +%s) - start)) s, serial log: $serial"
[ "$vm_fs" != virtiofs ] || stop_virtiofsd

# --- results ---------------------------------------------------------------

results=$vmdir/results.tap
: >"$results"
host_fail() { echo "not ok - $kver vm: $*" >>"$results"; }
host_fail_in() { echo "not ok - $kver $1: $2" >>"$results"; }

case $rc in
0) ;;
124 | 137) host_fail "the VM finished within ${VM_TIMEOUT}s" ;;
*) host_fail "qemu exited normally (status $rc)" ;;
esac
[ -f "$out/done" ] ||
	host_fail "the guest ran to the end and wrote its results (it died or hung: see $serial)"
# Kernel console lines (timestamped, not echoed by guest.sh) that show the
# kernel died or complained while the guest could not report it.
if grep -v '^vm' "$serial" |
	grep -E '\[ *[0-9]+\.[0-9]+\] .*(Kernel panic|Oops|BUG:|WARNING:|general protection|Call Trace)' \
		>"$vmdir/panic.txt"; then
	host_fail "no panic or oops on the serial console (see $vmdir/panic.txt)"
fi

if [ -f "$out/order" ]; then
	while read -r name; do
		[ -f "$out/$name.tap" ] || continue
		sed -E "s/^(not )?ok - /&$kver $name: /" "$out/$name.tap" >>"$results"
	done <"$out/order"
	# The VM stopped early: blame the scenario that was running, if any
	# (the guest checks the kernel log last, once a scenario is over).
	name=$(tail -n 1 "$out/order")
	if [ ! -f "$out/done" ] && [ -f "$out/$name.tap" ] &&
		! grep -q -- '- kernel log clean$' "$out/$name.tap"; then
		host_fail_in "$name" "completed (the VM died or hung during it)"
	fi
fi

cat "$results" >>"$TAP_FILE"
echo "--- vm[$kver] results"
cat "$results"
p=$(grep -c '^ok ' "$results" || true)
f=$(grep -c '^not ok ' "$results" || true)
say "$p passed, $f failed"
[ "$f" = 0 ] && [ "$p" != 0 ]
