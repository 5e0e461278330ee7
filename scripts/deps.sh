#!/bin/sh
# Install, from Debian's packages, everything that building, testing and the
# test VM need. Idempotent: a second run only checks what is there.
# The 6.12 kernels (plain, PREEMPT_RT, cloud) are the newest ones the
# archive offers, chosen now; no ABI number is written into the tree.
set -eu

[ "$(id -u)" = 0 ] || { echo "deps: must run as root (apt-get install)" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive INITRD=No

# bpftrace for 28-trace (a client of the module's tracepoint); the VM
# guest runs the host's.
# prometheus for promtool (the unit tests and 24-observe check stats
# --prometheus and docs/operations.md's alert rules with it; the VM guest
# runs the host's), jq for 24-observe's reading of -j monitor, perl for
# prove (the TAP harness of tests/check.sh and tests/unit/run.sh).
PKGS="build-essential gcc make clang llvm libclang-rt-14-dev pkg-config
libmnl-dev libnftnl-dev dkms debhelper dh-dkms lintian devscripts
qemu-system-x86 busybox-static kmod cpio xz-utils zstd iproute2 nftables
iptables tcpdump ethtool python3 python3-scapy python3-yaml python3-jsonschema
socat valgrind iputils-ping shellcheck jq
linux-source-6.1 linux-source-6.12 flex bison bc libelf-dev libssl-dev
linux-image-amd64 linux-headers-amd64 systemd
curl bash-completion groff-base man-db openssl
prometheus jq perl bpftrace"

# shellcheck source=scripts/deps-lib.sh
. "$(dirname "$0")/deps-lib.sh"

# shellcheck disable=SC2086
need=$(missing $PKGS)
if [ -n "$need" ]; then
	apt_update
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $need
fi

# The newest 6.12 kernel of the archive and its headers, in three flavours:
# the plain one (-amd64), PREEMPT_RT (-rt-amd64) and the one for virtual
# machines (-cloud-amd64). Each is the newest the archive offers when it is
# first installed; none is replaced by a newer one later.
# kernel612 SUFFIX: install linux-image-6.12.*+deb12-SUFFIX-unsigned and
# linux-headers-6.12.*+deb12-SUFFIX unless some release of it is there.
kernel612() {
	for d in /lib/modules/6.12.*+deb12-"$1"/build; do
		[ -e "$d" ] && return 0
	done
	apt_update
	img=$(apt-cache search --names-only \
		"^linux-image-6\\.12\\.[0-9.]+\\+deb12-$1-unsigned\$" |
		awk '{print $1}' | sort -V | tail -n 1)
	[ -n "$img" ] || { echo "deps: no linux-image-6.12 ($1) in the archive" >&2; exit 1; }
	rel=${img#linux-image-}
	rel=${rel%-unsigned}
	apt-get install -y -qq --no-install-recommends "$img" "linux-headers-$rel"
}
kernel612 amd64
kernel612 rt-amd64
kernel612 cloud-amd64

# The other architectures (arm64, armhf, i386): cross compilers, their
# kernels unpacked into a private root, sysroots for mssclampctl.
sh "$(dirname "$0")/deps-foreign.sh"
echo "deps: all installed"
