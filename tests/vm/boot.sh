# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# The one recipe that boots a test VM: the initramfs, the kernel, the
# shares, the kernel command line and the QEMU invocation. Every VM boots
# through it: tests/vm/run.sh (the scenarios, the debug kernel, the demo)
# and tests/bench/run.sh (the benchmark). A setting changed here reaches
# all of them; a caller adds only what is its own (its guest script, its
# CPUs and memory, the benchmark's -icount).
#
#   . "$top/tests/vm/boot.sh"
#   vm_setup KVER DIR [IMAGE MODULES]   the kernel, how the guest reaches /
#   vm_prepare                          pack the initramfs, unpack the kernel
#   vm_boot OUT SERIAL TIMEOUT [ARG...] boot; the guest runs and powers off
#   vm_check_run FAILFN PANICFILE       judge the run from the host
#
# The caller defines, before any of these:
#   say MSG     print a progress line
#   abort MSG   record MSG, phrased as what was expected ("X exists"), as
#               a failed case, and exit non-zero
# and may set, before vm_boot:
#   vm_smp, vm_mem  the guest's CPUs and memory (default 1 and 512M)
#   vm_icount       QEMU's -icount value (e.g. shift=0: the guest clock then
#                   counts guest instructions); icount needs single-threaded
#                   TCG, so the vCPUs then share one host thread
#   vm_console      an extended regex: only the console lines that match it
#                   reach stdout (the serial log keeps every line)
#
# Paths are computed at run time (vm_top: the repository this file is in).
vm_top=$(cd "${BASH_SOURCE[0]%/*}/../.." && pwd -P)

# The guest side is tests/vm/init (the root over 9p or virtiofs, an overlay
# on top) and tests/vm/guest.sh (PID 1: runs the scripts named by VM_T and
# powers off). Their settings travel on the kernel command line, unquoted:
# vm_cmdline_safe checks a value before it goes there.

# vm_cmdline_safe WHAT VALUE: abort unless VALUE can go on the kernel
# command line (it has no quoting).
vm_cmdline_safe() {
	case $2 in
	'' | *[!A-Za-z0-9/._+,:=-]*)
		abort "$1 '$2' is usable on the kernel command line (letters, digits, / . _ + , : = - only)" ;;
	esac
}

# vm_setup KVER DIR [IMAGE MODULES]: boot KVER, keeping the initramfs, the
# unpacked kernel and the virtiofs sockets in DIR. Without IMAGE, Debian's
# /boot/vmlinuz-KVER and /lib/modules/KVER; with it, a kernel built
# elsewhere (the debug kernel): IMAGE is an ELF vmlinux with a PVH entry
# point or a bzImage, MODULES its modules directory, ending in
# /lib/modules/KVER, with build -> its build tree (the guest links it as
# /lib/modules/KVER: VM_MODDIR). How the guest reaches the host's / and
# the results: VM_FS (9p or virtiofs) if set, else 9p when the kernel's
# config has it (Debian's plain and rt flavours), else virtiofs (the cloud
# flavour: NET_9P unset, VIRTIO_FS=y); the config is /boot/config-KVER, or
# for IMAGE its build tree's .config; a kernel without either gets 9p.
#
# A KVER of another architecture than the host's (arm64: -arm64; armhf:
# -armmp-lpae, -armmp) is one scripts/deps-foreign.sh unpacked into the
# cache's foreign/ root: its image, modules and config come from there,
# QEMU emulates that machine, and the guest's / is the userland of that
# architecture made there (foreign/rootfs-ARCH) instead of the host's /.
# The repository and foreign/ reach such a guest through a second share of
# the host's / (tag host): tests/vm/init puts them at the same paths.
# Sets vm_kver, vm_dir, vm_kmods, vm_modroot, vm_fs, vm_fs_mods, vm_arch
# (the guest's Debian architecture), vm_karch (the kernel's name for it,
# for make ARCH=; empty for the host's), vm_root (what the guest gets as /).
vm_setup() {
	local config foreign
	vm_kver=$1 vm_dir=$2 vm_image=${3:-} vm_modules=${4:-}
	vm_arch=$(dpkg --print-architecture) vm_karch='' vm_root=/
	config=/boot/config-$vm_kver
	foreign=${MSSCLAMP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mssclamp}/foreign
	if [ -z "$vm_image" ] && [ ! -e "/lib/modules/$vm_kver" ] &&
		[ -e "$foreign/boot/vmlinuz-$vm_kver" ]; then
		# shellcheck disable=SC2034 # vm_karch: for the callers (run.sh)
		case $vm_kver in
		*-arm64) vm_arch=arm64 vm_karch=arm64 ;;
		*-armmp | *-armmp-lpae) vm_arch=armhf vm_karch=arm ;;
		*) abort "$vm_kver is an arm64 or armhf kernel (the VM boots no other foreign one)" ;;
		esac
		vm_image=$foreign/boot/vmlinuz-$vm_kver
		vm_modules=$foreign/lib/modules/$vm_kver
		config=$foreign/boot/config-$vm_kver
		vm_root=$foreign/rootfs-$vm_arch
		[ -x "$vm_root/bin/bash" ] ||
			abort "the $vm_arch guest userland $vm_root exists (make deps)"
		vm_cmdline_safe "foreign root" "$foreign"
	fi
	vm_kimage=${vm_image:-/boot/vmlinuz-$vm_kver}
	vm_kmods=${vm_modules:-/lib/modules/$vm_kver}
	# What modprobe -d and make modules_install INSTALL_MOD_PATH= call
	# the root of vm_kmods.
	vm_modroot=${vm_kmods%/lib/modules/"$vm_kver"}
	[ -f "$vm_kimage" ] || abort "kernel image $vm_kimage exists"
	[ "$vm_modroot" != "$vm_kmods" ] ||
		abort "VM_MODULES=$vm_kmods ends in /lib/modules/$vm_kver"
	[ -f "$vm_kmods/modules.dep" ] || abort "$vm_kmods/modules.dep exists"
	[ -z "$vm_modules" ] || vm_cmdline_safe "modules directory" "$vm_kmods"
	vm_cmdline_safe "repository path" "$vm_top"

	[ -z "$vm_image" ] || [ "$vm_root" != / ] || config=$vm_kmods/build/.config
	vm_fs=${VM_FS:-}
	if [ -z "$vm_fs" ]; then
		if [ ! -f "$config" ]; then
			vm_fs=9p
		elif grep -Eq '^CONFIG_NET_9P_VIRTIO=[ym]$' "$config" &&
			grep -Eq '^CONFIG_9P_FS=[ym]$' "$config"; then
			vm_fs=9p
		elif grep -Eq '^CONFIG_VIRTIO_FS=[ym]$' "$config"; then
			vm_fs=virtiofs
		else
			abort "$config has 9p (NET_9P_VIRTIO, 9P_FS) or VIRTIO_FS"
		fi
	fi
	case $vm_fs in
	9p) vm_fs_mods="9p 9pnet_virtio virtio_pci" ;;
	virtiofs) vm_fs_mods="virtiofs virtio_pci" ;;
	*) abort "VM_FS '$vm_fs' is 9p or virtiofs" ;;
	esac
}

# --- initramfs ---------------------------------------------------------------

# The initramfs holds a static busybox (the guest root's own: the host's,
# or the foreign userland's), tests/vm/init and the modules needed
# to mount the root: rebuilt only when one of those (or this recipe) changes.
vm_initramfs_recipe=2

vm_build_initramfs() {
	local img=$vm_dir/initramfs.cpio stage=$vm_dir/initramfs.d
	local bb mods m b stamp
	if [ "$vm_root" = / ]; then
		bb=$(command -v busybox) || abort "busybox is installed (busybox-static)"
	else
		bb=$vm_root/bin/busybox
		[ -x "$bb" ] || abort "$bb exists (busybox-static in the $vm_arch userland)"
	fi
	if command -v readelf >/dev/null &&
		readelf -l "$bb" | grep -q 'program interpreter'; then
		abort "$bb is statically linked (install busybox-static)"
	fi
	# shellcheck disable=SC2086 # $vm_fs_mods is a list of module names
	mods=$(modprobe -a -d "${vm_modroot:-/}" -S "$vm_kver" --show-depends $vm_fs_mods overlay |
		awk '$1 == "insmod" && !seen[$2]++ { print $2 }') ||
		abort "modprobe finds the $vm_fs_mods and overlay modules of $vm_kver"
	# shellcheck disable=SC2086 # $mods is a list of paths without spaces
	stamp=$({
		echo "recipe $vm_initramfs_recipe $vm_fs"
		sha256sum "$vm_top/tests/vm/init" "$bb" $mods
	} | sha256sum | cut -d' ' -f1)
	vm_initramfs=$img
	if [ -f "$img" ] && [ "$(cat "$img.stamp" 2>/dev/null)" = "$stamp" ]; then
		return
	fi
	say "packing the initramfs"
	rm -rf "$stage"
	mkdir -p "$stage/bin" "$stage/modules"
	cp "$bb" "$stage/bin/busybox"
	install -m 0755 "$vm_top/tests/vm/init" "$stage/init"
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
}

# --- the kernel ----------------------------------------------------------------

# Debian's bzImage carries the kernel compressed (xz for 6.1, zstd for
# 6.12); under TCG the firmware and the in-guest decompressor take ~10 s,
# most of the boot. Decompressed once on the host, the ELF inside boots
# straight through its PVH entry point (CONFIG_PVH) and skips both. Any
# surprise falls back to the bzImage. A kernel given as IMAGE boots as it
# is. Sets vm_kernel.
vm_extract_kernel() {
	local img=$vm_kimage elf=$vm_dir/vmlinux stamp ss po pl off dec size
	vm_kernel=$img
	[ -z "$vm_image" ] || return 0
	grep -q '^CONFIG_PVH=y' "/boot/config-$vm_kver" 2>/dev/null || return 0
	stamp="recipe 1 $(stat -L -c '%s %Y' "$img")"
	if [ -f "$elf" ] && [ "$(cat "$elf.stamp" 2>/dev/null)" = "$stamp" ]; then
		vm_kernel=$elf
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
		vm_kernel=$elf
	else
		rm -f "$elf.tmp"
		say "could not decompress $img; booting it as it is"
	fi
}

# vm_prepare: what the boot needs, made (or found up to date) in vm_dir.
vm_prepare() {
	mkdir -p "$vm_dir"
	vm_build_initramfs
	vm_extract_kernel
}

# --- the shares ------------------------------------------------------------------

# vm_fs_args: the QEMU options that share vm_root (tag root, read-only), the
# results directory (tag out, writable) and, for a foreign guest, the
# host's / (tag host, read-only).
# 9p: QEMU serves both itself.
# virtiofs: a virtiofsd per share serves it over a vhost-user socket,
# which needs the guest's RAM in shared memory.
vm_fs_args=()
vm_vfs_pids=()

vm_stop_virtiofsd() {
	local p
	for p in "${vm_vfs_pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${vm_vfs_pids[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	vm_vfs_pids=()
	rm -rf "$vm_dir/virtiofs"
}

# vm_start_virtiofsd TAG DIR [ro]: serve DIR on $vm_dir/virtiofs/TAG.sock.
# Bookworm's virtiofsd (the C one of QEMU 7.2) has no read-only export:
# with "ro" it runs in a mount namespace of its own where DIR is
# bind-mounted read-only (a non-recursive bind: for / that is the root
# filesystem without /proc, /sys, /dev, which the guest mounts itself), so
# a write from the guest fails with EROFS on the host; the guest mounts it
# read-only as well.
vm_start_virtiofsd() {
	local tag=$1 dir=$2 ro=${3:-} sock=$vm_dir/virtiofs/$1.sock
	local log=$vm_dir/virtiofs/$1.log i
	local -a daemon=(/usr/lib/qemu/virtiofsd "--socket-path=$sock"
		-o cache=always -o sandbox=namespace)
	if [ -n "$ro" ]; then
		mkdir -p "$vm_dir/virtiofs/$tag.ro"
		# shellcheck disable=SC2016 # the inner sh expands them
		daemon=(unshare --mount --propagation private sh -ec
			'mount --bind "$1" "$2"; mount -o remount,bind,ro "$2"
			 d=$2; shift 2; exec "$@" -o source="$d"'
			sh "$dir" "$vm_dir/virtiofs/$tag.ro" "${daemon[@]}")
	else
		daemon+=(-o "source=$dir")
	fi
	"${daemon[@]}" >"$log" 2>&1 &
	vm_vfs_pids+=($!)
	for ((i = 0; i < 100; i++)); do
		[ -S "$sock" ] && break
		kill -0 "${vm_vfs_pids[-1]}" 2>/dev/null || break
		sleep 0.1
	done
	[ -S "$sock" ] || abort "virtiofsd serves $dir (see $log: $(tail -n 1 "$log"))"
	vm_fs_args+=(-chardev "socket,id=vfs$tag,path=$sock"
		-device "vhost-user-fs-pci,chardev=vfs$tag,tag=$tag")
}

# vm_shares OUT: fill vm_fs_args; for virtiofs, start the daemons, which
# are stopped when the script exits, however it exits (an EXIT trap), or
# by vm_boot once QEMU is done.
vm_shares() {
	local out=$1
	vm_fs_args=()
	case $vm_fs in
	9p)
		vm_fs_args=(-fsdev "local,id=fsroot,path=$vm_root,security_model=none,readonly=on,multidevs=remap"
			-device "virtio-9p-pci,fsdev=fsroot,mount_tag=root"
			-fsdev "local,id=fsout,path=$out,security_model=none,multidevs=remap"
			-device "virtio-9p-pci,fsdev=fsout,mount_tag=out")
		[ "$vm_root" = / ] ||
			vm_fs_args+=(-fsdev "local,id=fshost,path=/,security_model=none,readonly=on,multidevs=remap"
				-device "virtio-9p-pci,fsdev=fshost,mount_tag=host")
		;;
	virtiofs)
		[ -x /usr/lib/qemu/virtiofsd ] ||
			abort "/usr/lib/qemu/virtiofsd is installed (qemu-system-x86)"
		trap vm_stop_virtiofsd EXIT
		rm -rf "$vm_dir/virtiofs"
		mkdir -p "$vm_dir/virtiofs"
		vm_start_virtiofsd root "$vm_root" ro
		[ "$vm_root" = / ] || vm_start_virtiofsd host / ro
		vm_start_virtiofsd out "$out"
		# The same size as -m.
		vm_fs_args+=(-object "memory-backend-memfd,id=mem,size=$vm_mem,share=on"
			-numa "node,memdev=mem")
		;;
	esac
}

# --- boot ------------------------------------------------------------------------

vm_smp=1
vm_mem=512M
vm_icount=
vm_console=

# Emulated time on a busy host: the vCPU can stall for seconds while the
# host runs other work. no_timer_check: the boot-time check that the
# IO-APIC timer ticks can miss its window and panic ("IO-APIC + timer
# doesn't work!"). watchdog_thresh=60 and a 120 s RCU stall timeout: the
# soft-lockup and RCU stall detectors stay on (a real lockup still fails
# the run), with room for such stalls (seen: a soft lockup in the crypto
# self-tests at boot with the host's load average above 8).
vm_cmdline_base="quiet panic=-1 oops=panic panic_on_warn=0"
vm_cmdline_base+=" watchdog_thresh=60 rcupdate.rcu_cpu_stall_timeout=120"

# vm_machine: the QEMU binary and machine for vm_arch (TCG, -kernel, no
# firmware) and the console on the kernel command line, in vm_qemu and
# vm_cmdline_arch. arm64: virt with a Cortex-A57 (-cpu max emulates
# pointer authentication and boots several times slower). armhf: virt
# with a Cortex-A15; the armmp flavour (no LPAE) reaches no PCI device
# above 4 GB, where plain virt puts the PCIe config space: highmem=off.
vm_machine() {
	case $vm_arch in
	arm64)
		vm_qemu=(qemu-system-aarch64 -cpu cortex-a57 -machine virt)
		vm_cmdline_arch="console=ttyAMA0"
		;;
	armhf)
		vm_qemu=(qemu-system-arm -cpu cortex-a15 -machine virt)
		case $vm_kver in *-armmp) vm_qemu[-1]=virt,highmem=off ;; esac
		vm_cmdline_arch="console=ttyAMA0"
		;;
	*)
		vm_qemu=(qemu-system-x86_64 -cpu max -machine q35)
		vm_cmdline_arch="console=ttyS0 no_timer_check"
		;;
	esac
}

# vm_boot OUT SERIAL TIMEOUT [ARG...]: boot under `timeout TIMEOUT` with
# the host's / and the results directory OUT (which the caller has made)
# shared (a foreign guest gets its userland as / and the host's / beside
# it), the console on stdout (see vm_console) and in SERIAL. The kernel
# command line is the console, vm_cmdline_base, the guest's settings this
# recipe knows (VM_FS, VM_REPO, VM_OUT, VM_MODDIR, VM_HOSTDIRS), then ARG... (the caller's: VM_KO,
# VM_CTL, VM_T, VM_TIMEOUT for tests/vm/guest.sh, and anything else), words
# the caller has checked with vm_cmdline_safe. Sets vm_rc, timeout's exit
# status (124 or 137: it had to stop QEMU), for vm_check_run.
vm_boot() {
	local append thread=multi start
	local -a icount=()
	vm_out=$1 vm_serial=$2 vm_limit=$3
	shift 3
	vm_cmdline_safe "results path" "$vm_out"
	vm_machine
	append="$vm_cmdline_arch $vm_cmdline_base VM_FS=$vm_fs VM_REPO=$vm_top VM_OUT=$vm_out"
	[ -z "$vm_modules" ] || append+=" VM_MODDIR=$vm_kmods"
	[ "$vm_root" = / ] || append+=" VM_HOSTDIRS=$vm_top,$vm_modroot"
	[ $# = 0 ] || append+=" $*"
	if [ -n "$vm_icount" ]; then
		thread=single
		icount=(-icount "$vm_icount")
	fi
	vm_shares "$vm_out"
	start=$(date +%s)
	set +e
	timeout -k 10 "$vm_limit" "${vm_qemu[0]}" \
		-accel tcg,thread=$thread "${icount[@]}" "${vm_qemu[@]:1}" \
		-m "$vm_mem" -smp "$vm_smp" \
		-no-user-config -nodefaults -no-reboot -display none \
		-serial stdio -monitor none \
		-kernel "$vm_kernel" -initrd "$vm_initramfs" -append "$append" \
		"${vm_fs_args[@]}" \
		</dev/null 2>&1 | sed -u 's/\r$//' | tee "$vm_serial" |
		if [ -n "$vm_console" ]; then
			grep --line-buffered -E -- "$vm_console"
		else
			cat
		fi
	vm_rc=${PIPESTATUS[0]}
	set -e
	say "the VM ran $(($(date +%s) - start)) s, serial log: $vm_serial"
	if [ "$vm_fs" = virtiofs ]; then
		vm_stop_virtiofsd
		trap - EXIT
	fi
}

# vm_check_run FAILFN PANICFILE: after vm_boot, call FAILFN MSG (phrased as
# what was expected) for each thing that went wrong with the VM itself.
# QEMU's exit status means nothing (a panic exits 0 too), so: timeout had
# to stop QEMU; the guest did not write OUT/done (it died, hung, or never
# started); the console shows a kernel line (timestamped, not echoed by
# guest.sh) with Kernel panic, Oops, BUG:, WARNING:, general protection or
# Call Trace: the kernel died or complained while the guest could not
# report it (the lines are kept in PANICFILE). Returns non-zero when it
# called FAILFN.
vm_check_run() {
	local fail=$1 panic=$2 bad=0
	case $vm_rc in
	0) ;;
	124 | 137) "$fail" "the VM finished within ${vm_limit}s"; bad=1 ;;
	*) "$fail" "qemu exited normally (status $vm_rc)"; bad=1 ;;
	esac
	if [ ! -f "$vm_out/done" ]; then
		"$fail" "the guest ran to the end and wrote its results (it died or hung: see $vm_serial)"
		bad=1
	fi
	if grep -v '^vm' "$vm_serial" |
		grep -E '\[ *[0-9]+\.[0-9]+\] .*(Kernel panic|Oops|BUG:|WARNING:|general protection|Call Trace)' \
			>"$panic"; then
		"$fail" "no panic or oops on the serial console (see $panic)"
		bad=1
	fi
	return $bad
}
