#!/bin/bash
# The README's first command ("sudo make deps run"): set mssclamp up on this
# machine, run it, and show it.
#
# On an edge box (a kernel that loads modules: /proc/modules exists), as
# root:
#   make install        mssclampctl, man page, bash completion, the systemd
#                       unit mssclamp.service, /etc/mssclamp.conf (IPv4 at
#                       MSS 1460, IPv6 at 1396) unless there is one already
#   make dkms-install   the module, built by DKMS for the running kernel and
#                       rebuilt for every kernel installed later
#   then, with systemd: enable and (re)start mssclamp.service, which loads
#   the module and applies /etc/mssclamp.conf now and at every boot;
#   without: modprobe mssclamp and mssclampctl apply /etc/mssclamp.conf;
#   and show the configuration.
# A module of another version already loaded is unloaded first (its
# configuration is then re-applied from /etc/mssclamp.conf).
#
# On a machine whose kernel cannot load modules (such as the build
# machines of this project) it says so in one line and runs "make demo"
# instead: the same steps inside a VM on Debian's newest kernel, followed
# by the 9000-to-1500 cliff without and with the clamp.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

if [ ! -e /proc/modules ]; then
	echo "run: this kernel cannot load modules, so mssclamp runs in a VM on Debian's kernel instead: that is 'make demo', starting now"
	exec make --no-print-directory demo
fi
if [ "$(id -u)" != 0 ]; then
	echo "run: installing a kernel module needs root: sudo make run" >&2
	exit 1
fi

version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)
sbin=/usr/local/sbin
step() {
	printf '\n# %s\n' "$*"
	"$@"
}

step make --no-print-directory install
step make --no-print-directory dkms-install KVER="$(uname -r)"

loaded=$(cat /sys/module/mssclamp/version 2>/dev/null || true)
if [ -n "$loaded" ] && [ "$loaded" != "$version" ]; then
	echo "run: mssclamp $loaded is loaded; replacing it with $version"
	step modprobe -r mssclamp
fi

if [ -d /run/systemd/system ]; then
	step systemctl daemon-reload
	step systemctl enable mssclamp.service
	step systemctl restart mssclamp.service
else
	step modprobe mssclamp
	step "$sbin/mssclampctl" apply /etc/mssclamp.conf
fi
step "$sbin/mssclampctl" version
step "$sbin/mssclampctl"
echo
echo "run: mssclamp is clamping; /etc/mssclamp.conf is applied at every boot" \
	"(edit it, then: systemctl reload mssclamp). See man mssclampctl."
