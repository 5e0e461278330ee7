#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the module with DKMS on the host, for every test kernel, into a DKMS
# tarball per kernel (dkms mktarball: the sources and the module built from
# them),
# which the scenarios that install through DKMS (tests/netns/10-install.sh,
# 11-deb.sh, and make demo) load in the VM. There, DKMS then only installs:
# under TCG a DKMS build takes minutes even when every compile comes from a
# cache (the kernel's Makefiles run hundreds of programs), here seconds.
#
#   tests/vm/dkms-prebuild.sh     (root; tests/vm/run.sh runs it for the
#                                  scenarios that ask for it)
#
# The build is DKMS's own: "make dkms-source" (what "make dkms-install"
# copies to /usr/src), then dkms add, dkms build -k KVER for each kernel
# and dkms mktarball, with dkms.conf's MAKE line, against the headers the
# VM's kernel was built with. It runs in a private mount namespace with a
# tmpfs over /var/lib/dkms, so the host's DKMS state is not touched (nor
# is a signing key left behind). Result:
# build/dkms/KVER/mssclamp-VERSION.dkms.tar.gz for each kernel.
#
# Idempotent: nothing is done when the sources, dkms.conf and the kernels'
# headers are those of the last run (two VM runs side by side ask for it
# in turn, tests/vm/run.sh).
set -eu -o pipefail
top=$(cd "$(dirname "$0")/../.." && pwd -P)
out=$top/build/dkms
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"$/\1/p' "$top/dkms.conf")
say() { echo "dkms-prebuild: $*"; }

# A guest of another architecture (VM_ARCH, from tests/vm/run.sh) compiles
# the module with its own DKMS, natively: nothing to build here for it.
if [ -n "${VM_ARCH:-}" ] && [ "$VM_ARCH" != "$(dpkg --print-architecture)" ]; then
	say "nothing for a $VM_ARCH guest: DKMS builds there"
	exit 0
fi
command -v dkms >/dev/null || { say "dkms is not installed (make deps)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { say "must run as root (a private mount namespace)" >&2; exit 1; }
[ -d /var/lib/dkms ] || { say "no /var/lib/dkms (dkms is not installed?)" >&2; exit 1; }

# The test kernels: headers under /lib/modules and an image in /boot; and
# the debug kernel once built (tests/vm/debug-kernel.sh), whose headers are
# its build tree in the cache (given to DKMS with --kernelsourcedir). The
# set does not depend on which run asks, so runs on different kernels
# find one another's work done.
cache=${MSSCLAMP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mssclamp}
kernels=()
declare -A kdir=()
for d in /lib/modules/*/build "$cache"/debug-6.12/root/lib/modules/*/build; do
	[ -e "$d/Makefile" ] || continue
	k=${d%/build}
	k=${k##*/}
	case $d in
	/lib/modules/*) [ -e "/boot/vmlinuz-$k" ] || continue ;;
	esac
	kernels+=("$k")
	kdir[$k]=$(realpath "$d")
done
[ "${#kernels[@]}" -gt 0 ] || { say "no kernel with headers and image (make deps)" >&2; exit 1; }

srcs=$(make -s -C "$top" --no-print-directory -f - print-modsrc <<'EOF'
include Makefile
print-modsrc:
	@echo $(MODSRC)
EOF
)
# shellcheck disable=SC2086 # $srcs is a list of plain file names
stamp=$({
	echo "$(dkms --version)"
	sha256sum "$0"
	(cd "$top" && sha256sum $srcs)
	for k in "${kernels[@]}"; do
		echo "$k $(stat -L -c '%s %Y' "${kdir[$k]}/Makefile" \
			"${kdir[$k]}/.config" | tr '\n' ' ')"
	done
} | sha256sum | cut -d' ' -f1)
if [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
	say "up to date: ${out#"$top"/}/KVER/$name-$version.dkms.tar.gz (${kernels[*]})"
	exit 0
fi

kdirs=()
for k in "${kernels[@]}"; do
	kdirs+=("$k=${kdir[$k]}")
done
rm -rf "$out"
mkdir -p "$out"
make -s -C "$top" --no-print-directory dkms-source DESTDIR="$out/stage"
# shellcheck disable=SC2016 # expanded by the inner bash
unshare -m --propagation private bash -c '
	set -eu
	out=$1 name=$2 version=$3
	shift 3
	mount -t tmpfs dkms-prebuild /var/lib/dkms
	dkms() { command dkms --sourcetree "$out/stage/usr/src" "$@"; }
	dkms add -m "$name" -v "$version" >"$out/dkms.log" 2>&1
	for kd in "$@"; do
		k=${kd%%=*}
		if ! dkms build -m "$name" -v "$version" -k "$k" \
			--kernelsourcedir "${kd#*=}" >>"$out/dkms.log" 2>&1; then
			cat "/var/lib/dkms/$name/$version/build/make.log" >&2 || true
			tail -n 20 "$out/dkms.log" >&2
			exit 1
		fi
		# One tarball per kernel: DKMS 3.0.10 handles only the first
		# kernel of a tarball holding several, in mktarball and in
		# ldtarball alike ("intree_module_dir: readonly variable").
		mkdir -p "$out/$k"
		dkms mktarball -m "$name" -v "$version" -k "$k" \
			--archive "$out/$k/$name-$version.dkms.tar.gz" >>"$out/dkms.log" 2>&1
	done
' - "$out" "$name" "$version" "${kdirs[@]}" ||
	{ say "DKMS failed (log: ${out#"$top"/}/dkms.log)" >&2; exit 1; }
echo "$stamp" >"$out/stamp"
say "built by DKMS: ${out#"$top"/}/KVER/$name-$version.dkms.tar.gz (${kernels[*]})"
