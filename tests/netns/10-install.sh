#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 10-install: installing from the tree, as the README says, on the VM's
# writable root.
#
#   make install        mssclampctl, man page, bash completion, the systemd
#                       unit and /etc/mssclamp.conf (not replaced once there)
#   make dkms-install   DKMS builds and installs the module for the running
#                       kernel; modprobe (not insmod) finds it
#   the unit            its ExecStart/ExecReload commands, by hand (systemd
#                       is not PID 1 here), then what install.sh checks:
#                       the clamp on the wire, save/apply, a broken file
#   other kernels       dkms autoinstall (what a kernel upgrade runs) takes
#                       the module up, and BUILD_EXCLUSIVE_KERNEL keeps it
#                       from kernels outside 6.1-6.12
#   make dkms-uninstall, make uninstall
#
# Under TCG a DKMS build takes minutes (the kernel's Makefiles run hundreds
# of programs), so DKMS builds the module on the host beforehand, for every
# test kernel, from these sources (the line below: tests/vm/dkms-prebuild.sh)
# and the VM loads that build with "dkms ldtarball" before make
# dkms-install, which then keeps it: DKMS in the VM installs, runs depmod
# (on a trimmed module tree: install_netns.sh's modtree_trim) and modprobe
# finds the module. The scenario prints how long each DKMS step took.
# A guest of another architecture than the host's (arm64: its own
# userland, with Debian's headers of its kernel; VM_HOSTDIRS set) does it
# as an arm64 box does: make install compiles mssclampctl there and make
# dkms-install has DKMS compile the module there, natively; nothing built
# on the host for it.
# vm-host-prepare: bash tests/vm/dkms-prebuild.sh
# The time allowed is arm64's: there DKMS and make compile under TCG.
# vm-timeout: 2400
. "$(dirname "$0")/../lib/sh/scenario.sh" install

prefix=/usr/local
unit=$prefix/lib/systemd/system/mssclamp.service
export MSSCLAMPCTL=$prefix/sbin/mssclampctl
mk() { make -C "$REPO" --no-print-directory "$@"; }
check "module trees trimmed for depmod (veth loaded first)" modtree_trim veth

# Whatever happens, leave the system as the next scenario expects it.
at_exit "rmmod mssclamp 2>/dev/null; mk dkms-uninstall >/dev/null 2>&1; mk uninstall >/dev/null 2>&1; rm -f /etc/mssclamp.conf"

check_not "nothing installed yet: no $MSSCLAMPCTL" test -e "$MSSCLAMPCTL"
check_not "nothing installed yet: no /etc/mssclamp.conf" test -e /etc/mssclamp.conf

# --- make install -------------------------------------------------------------

if [ -n "$FOREIGN" ]; then
	# The repository is the host's: its mssclampctl is of the host's
	# architecture. Cleaned on the guest's overlay only.
	check "make -C userspace clean: the host's mssclampctl out of the way" \
		eval 'make -C "$REPO/userspace" clean >/dev/null 2>&1'
fi
check "make install" eval 'mk install >"$WORK/install.log" 2>&1'
case $(dpkg --print-architecture) in
amd64) elf=x86-64 ;;
arm64) elf=aarch64 ;;
armhf) elf='ARM, EABI5' ;;
*) elf=$(dpkg --print-architecture) ;;
esac
check_match "the installed mssclampctl is built for this machine ($elf)" \
	"ELF .*$elf" "$(file -b "$MSSCLAMPCTL" 2>&1)"
for f in "$MSSCLAMPCTL" "$prefix/share/man/man8/mssclampctl.8" \
	"$prefix/share/bash-completion/completions/mssclampctl" "$unit" \
	/etc/mssclamp.conf; do
	check "installed: $f" test -s "$f"
done
check "mssclampctl is executable" test -x "$MSSCLAMPCTL"
check "/etc/mssclamp.conf is the shipped default" \
	cmp -s "$REPO/packaging/mssclamp.conf" /etc/mssclamp.conf
check_match "the man page carries the version" "^\.TH MSSCLAMPCTL 8 .*mssclamp $VERSION" \
	"$(head -n 5 "$prefix/share/man/man8/mssclampctl.8")"
check_eq "man finds the page" "$prefix/share/man/man8/mssclampctl.8" \
	"$(man -w mssclampctl 2>&1)"
check_match "the unit runs the installed mssclampctl" \
	"^ExecStart=$MSSCLAMPCTL apply /etc/mssclamp.conf\$" "$(cat "$unit")"
unit_verify "$unit"
for f in "${unit%/*}/mssclamp-prometheus.service" "${unit%/*}/mssclamp-prometheus.timer"; do
	check "installed: $f" test -s "$f"
done
check_match "the exporter runs the installed mssclampctl" \
	"^ExecStart=$MSSCLAMPCTL stats --prometheus --output /var/lib/prometheus/node-exporter/mssclamp.prom\$" \
	"$(cat "${unit%/*}/mssclamp-prometheus.service")"

echo "ipv4 enable mtu 1492" >/etc/mssclamp.conf
check "make install again" eval 'mk install >"$WORK/install2.log" 2>&1'
check_eq "a second make install keeps an existing /etc/mssclamp.conf" \
	"ipv4 enable mtu 1492" "$(cat /etc/mssclamp.conf)"
check_match "and says so" "keeping the existing /etc/mssclamp.conf" \
	"$(cat "$WORK/install2.log")"
cp "$REPO/packaging/mssclamp.conf" /etc/mssclamp.conf

# --- make dkms-install --------------------------------------------------------

if [ -z "$FOREIGN" ]; then
	check "dkms ldtarball: DKMS's build of this tree, made on the host" \
		dkms_prebuilt_load
	check "dkms status: mssclamp/$VERSION built for $KVER" dkms_built "$KVER"
fi
start=$SECONDS
check "make dkms-install" eval 'mk dkms-install >"$WORK/dkms.log" 2>&1'
echo "# make dkms-install took $((SECONDS - start)) s"
sed 's/^/# dkms: /' "$WORK/dkms.log"
if [ -z "$FOREIGN" ]; then
	check_match "make dkms-install keeps DKMS's registration of the same sources" \
		"DKMS has mssclamp/$VERSION from these sources already" "$(cat "$WORK/dkms.log")"
	check_not "make dkms-install did not build again" grep -q "Building module" "$WORK/dkms.log"
else
	check_match "make dkms-install registered the sources" \
		"dkms add mssclamp/$VERSION" "$(cat "$WORK/dkms.log")"
	check "DKMS compiled the module here, against /lib/modules/$KVER/build" \
		grep -q "Building module" "$WORK/dkms.log"
	check_eq "... Debian's headers of $KVER, of this userland" \
		"/usr/src/linux-headers-$KVER" "$(readlink "/lib/modules/$KVER/build")"
fi
check "dkms status: mssclamp/$VERSION installed for $KVER" dkms_has "$KVER"
check "the sources are in /usr/src/mssclamp-$VERSION" \
	test -f "/usr/src/mssclamp-$VERSION/dkms.conf"
check "modprobe finds DKMS's module in /lib/modules/$KVER/updates/dkms" \
	dkms_module "$KVER"
check_eq "its version" "$VERSION" "$(modinfo -k "$KVER" -F version mssclamp 2>&1)"

# --- the unit, the clamp, save and apply ----------------------------------------

deployed_checks "$unit"

# --- other kernels ---------------------------------------------------------------

# A kernel upgrade runs "dkms autoinstall" for the new kernel (Debian's
# /etc/kernel/postinst.d/dkms). Building for a second kernel here would take
# minutes more (11-deb does it on 6.1, where DKMS's postinst builds for the
# newest kernel too); what is checked here, in seconds, is that autoinstall
# takes mssclamp up (AUTOINSTALL) and that BUILD_EXCLUSIVE_KERNEL keeps it
# to 6.1-6.12.
for k in 6.13.0-1-${KVER##*-} 5.10.0-30-${KVER##*-}; do
	dkms autoinstall -k "$k" >"$WORK/auto.log" 2>&1 || true
	check_match "dkms autoinstall -k $k: mssclamp is considered, and excluded" \
		'BUILD_EXCLUSIVE' "$(cat "$WORK/auto.log")"
	check_not "dkms autoinstall -k $k: nothing installed" dkms_has "$k"
done
check_eq "dkms.conf asks for AUTOINSTALL" 'AUTOINSTALL="yes"' \
	"$(grep '^AUTOINSTALL=' "/usr/src/mssclamp-$VERSION/dkms.conf")"

# --- removal ---------------------------------------------------------------------

start=$SECONDS
check "make dkms-uninstall" eval 'mk dkms-uninstall >"$WORK/dkms-un.log" 2>&1'
echo "# make dkms-uninstall took $((SECONDS - start)) s"
check_not "dkms no longer lists mssclamp" eval 'dkms status mssclamp | grep -q .'
check_not "/usr/src/mssclamp-$VERSION is gone" test -e "/usr/src/mssclamp-$VERSION"
check_not "modprobe no longer finds the module" modinfo -k "$KVER" -n mssclamp
check "make uninstall" eval 'mk uninstall >"$WORK/uninstall.log" 2>&1'
check_not "mssclampctl is gone" test -e "$MSSCLAMPCTL"
check_not "the unit is gone" test -e "$unit"
check "/etc/mssclamp.conf stays" test -f /etc/mssclamp.conf
