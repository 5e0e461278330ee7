#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or reuse) the debug kernel of the test VM: Debian's linux-source-6.12
# for x86_64 with KASAN, UBSAN, lockdep, PROVE_RCU, kmemleak, SLUB and list
# debugging, and everything the VM and the scenarios need built in
# (tests/vm/debug.config says what and why). docs/testing.md has the
# figures.
#
#   tests/vm/debug-kernel.sh          build if needed; the build's output goes
#                                     to CACHE/debug-6.12/build.log
#   tests/vm/debug-kernel.sh --env    the same, then print for eval:
#                                     DEBUG_KVER  the kernel release
#                                     DEBUG_IMAGE the ELF vmlinux (PVH boot)
#                                     DEBUG_MODULES its modules directory,
#                                       CACHE/debug-6.12/root/lib/modules/KVER,
#                                       with build -> the build tree
#
# Recipe: `make defconfig kvm_guest.config`, tests/vm/debug.config merged on
# top (scripts/kconfig/merge_config.sh), `make olddefconfig`; every line of
# the fragment must then hold in .config, or the script fails naming the
# option. Then `make vmlinux modules` and `make modules_install` into
# CACHE/debug-6.12/root. Rebuilt only when the fragment, the recipe below or
# the tarball changes (CACHE/debug-6.12/stamp); an interrupted build
# resumes where make stopped.
#
# Environment:
#   MSSCLAMP_CACHE          cache directory (default ~/.cache/mssclamp)
#   MSSCLAMP_LINUX612       kernel source (default the linux-source-6.12
#                           package's tarball)
#   MSSCLAMP_DEBUG_JOBS     make jobs (default 2)
set -eu -o pipefail
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEFILES	# not ours: `make check-debug` -> here

top=$(cd "$(dirname "$0")/../.." && pwd -P)
cache=${MSSCLAMP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mssclamp}
tarball=${MSSCLAMP_LINUX612:-/usr/src/linux-source-6.12.tar.xz}
jobs=${MSSCLAMP_DEBUG_JOBS:-2}
fragment=$top/tests/vm/debug.config
linux=$cache/linux-6.12		# the source, extracted once
dir=$cache/debug-6.12
obj=$dir/build			# O=: the objects, .config, vmlinux
root=$dir/root			# INSTALL_MOD_PATH
log=$dir/build.log
# Bump when the steps below change what gets built.
recipe=1

say() { echo "debug-kernel: $*" >&2; }
die() {
	say "$*"
	exit 1
}

# The kernel tree: extracted once, again only when the tarball changes
# (the same layout as tests/kunit/run.sh's 6.1 tree).
extract_linux() {
	local want have
	[ -r "$tarball" ] || die "no $tarball (make deps)"
	want=$(stat -L -c '%n %s %Y' "$tarball")
	have=$(cat "$linux.stamp" 2>/dev/null || true)
	[ -f "$linux/Makefile" ] && [ "$want" = "$have" ] && return 0
	say "extracting $tarball into $linux (once)"
	rm -rf "$linux" "$linux.tmp" "$linux.stamp" "$dir"
	mkdir -p "$linux.tmp"
	tar -xJf "$tarball" -C "$linux.tmp" --strip-components=1 ||
		{ rm -rf "$linux.tmp"; die "extracting $tarball failed"; }
	mv "$linux.tmp" "$linux"
	echo "$want" >"$linux.stamp"
}

# check_config: every option line of the fragment holds in .config.
check_config() {
	local line bad=0 name have
	while IFS= read -r line; do
		case $line in
		CONFIG_*=* | '# CONFIG_'*' is not set') ;;
		*) continue ;;
		esac
		grep -qxF -- "$line" "$obj/.config" && continue
		name=${line#'# '}
		name=${name%%[= ]*}
		have=$(grep -E "^$name=|^# $name is not set" "$obj/.config" || true)
		say "the .config lacks '$line' (it has: ${have:-nothing})"
		bad=1
	done <"$fragment"
	[ "$bad" = 0 ] || die "$obj/.config does not have every option of ${fragment#"$top"/}"
}

configure() {
	make -s -C "$linux" O="$obj" defconfig kvm_guest.config
	"$linux/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" \
		"$fragment" >/dev/null
	make -s -C "$linux" O="$obj" olddefconfig
	check_config
}

extract_linux
mkdir -p "$dir"
exec 9>"$dir/lock"
flock -n 9 || { say "waiting for another build of the debug kernel"; flock 9; }

stamp=$({
	echo "recipe $recipe"
	stat -L -c '%n %s %Y' "$tarball"
	sha256sum <"$fragment"
} | sha256sum | cut -d' ' -f1)

if [ "$(cat "$dir/stamp" 2>/dev/null || true)" != "$stamp" ] ||
	[ ! -f "$obj/vmlinux" ] || [ ! -f "$root/kver" ]; then
	rm -f "$dir/stamp"
	mkdir -p "$obj"
	start=$(date +%s)
	say "configuring (${fragment#"$top"/})"
	configure
	say "building in $obj with -j$jobs (log: $log; docs/testing.md has the cold build time)"
	if ! make -C "$linux" O="$obj" -j"$jobs" vmlinux modules >"$log" 2>&1; then
		tail -n 30 "$log" >&2
		die "the build failed (log: $log)"
	fi
	kver=$(cat "$obj/include/config/kernel.release")
	rm -rf "$root"
	make -s -C "$linux" O="$obj" INSTALL_MOD_PATH="$root" modules_install >>"$log" 2>&1 ||
		die "modules_install failed (log: $log)"
	[ -f "$root/lib/modules/$kver/modules.builtin" ] ||
		die "modules_install wrote no $root/lib/modules/$kver/modules.builtin"
	echo "$kver" >"$root/kver"
	echo "$stamp" >"$dir/stamp"
	say "built $kver in $(($(date +%s) - start)) s"
fi
# Checked on every use, not only after a build: the cache may be stale or
# edited by hand.
check_config
grep -q '^CONFIG_PVH=y' "$obj/.config" || die "the debug kernel has no PVH entry point"
kver=$(cat "$root/kver")
case $kver in
*-mssclamp-debug) ;;
*) die "the debug kernel's release '$kver' does not end in -mssclamp-debug" ;;
esac
[ -L "$root/lib/modules/$kver/build" ] ||
	ln -sfn "$obj" "$root/lib/modules/$kver/build"
# The source beside the objects (O=): with no BTF in this kernel, bpftrace
# (28-trace) compiles the tracepoint's fields against the headers it finds
# through /lib/modules/KVER/source and build, and source/include/linux/
# kconfig.h is not in the objects' tree.
[ -L "$root/lib/modules/$kver/source" ] ||
	ln -sfn "$linux" "$root/lib/modules/$kver/source"

if [ "${1:-}" = --env ]; then
	echo "DEBUG_KVER=$kver"
	echo "DEBUG_IMAGE=$obj/vmlinux"
	echo "DEBUG_MODULES=$root/lib/modules/$kver"
fi
