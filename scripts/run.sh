#!/bin/bash
# Build mssclamp, load it and apply the default configuration, then show it.
# On a machine whose kernel cannot load modules, do the same inside the test
# VM on the newest installed Debian kernel.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

if [ ! -e /proc/modules ]; then
	echo "run: this kernel cannot load modules; running mssclamp inside the test VM instead (the 9000-to-1500 cliff, without and with the clamp)"
	exec bash tests/vm/run.sh "$(scripts/kver.sh)" 01-cliff
fi

kver=$(uname -r)
make -s module ctl KVER="$kver"
if ! grep -q '^mssclamp ' /proc/modules; then
	insmod "build/kmod/$kver/mssclamp.ko"
fi
ctl=userspace/mssclampctl
$ctl set ipv4 enable mtu 1500
$ctl set ipv6 enable mtu 1500 overhead 44
$ctl show
