#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 11-deb: the Debian packages, installed with dpkg -i on the VM's writable
# root: mssclamp-dkms (DKMS builds the module in its postinst) and
# mssclamp-tools (mssclampctl, man page, completion, unit, conffile); then
# the same checks as 10-install (install.sh); then removal and purge.
#
# The packages are built on the host before the VM boots (make deb, asked
# for by the line below, which tests/vm/run.sh reads); dpkg in the VM only
# installs them. As in 10-install, DKMS builds the module on the host
# (tests/vm/dkms-prebuild.sh), from the sources the package carries; the
# scenario puts that build where Debian's DKMS postinst looks for prebuilt
# modules (/usr/share/mssclamp-dkms/mssclamp-VERSION.dkms.tar.gz), so the
# postinst installs it instead of compiling for minutes under TCG. dpkg
# --verify then shows the package's sources are the ones that build came
# from. The postinst also builds for the newest kernel installed when that
# is not the running one (6.12, seen from the 6.1 VM, which shares the
# host's /), and DKMS 3.0.10 loads only one kernel from such a tarball: so
# during dpkg -i the other kernels' /boot/config-* are out of the postinst's
# sight, and it installs for the running kernel only, like on a box with
# one kernel (a kernel installed later is 10-install's autoinstall case).
# A guest of another architecture than the host's (arm64, armhf: its own
# userland, the host's / beside it, tests/vm/init's VM_HOSTDIRS) installs
# the packages make deb cross-built for it (build/deb-ARCH/; VM_ARCH is
# the guest's architecture, from tests/vm/run.sh) with apt-get, as on
# such a box, and DKMS compiles the module there in the postinst,
# natively, against Debian's headers of the running kernel in that
# userland: nothing is built on the host for it.
# vm-host-prepare: make deb DEB_HOST_ARCH=$VM_ARCH
# vm-host-prepare: bash tests/vm/dkms-prebuild.sh
# The time allowed is arm64's: there DKMS and make compile under TCG.
# vm-timeout: 2400
. "$(dirname "$0")/../lib/sh/scenario.sh" install

arch=$(dpkg --print-architecture)
debdir=$REPO/build/deb${FOREIGN:+-$arch}
debs=("$debdir/mssclamp-dkms_${VERSION}_all.deb"
	"$debdir/mssclamp-tools_${VERSION}_$arch.deb")
unit=/lib/systemd/system/mssclamp.service
punit=/lib/systemd/system/mssclamp-prometheus.service
export MSSCLAMPCTL=/usr/sbin/mssclampctl
check "module trees trimmed for depmod (veth loaded first)" modtree_trim veth

at_exit "rmmod mssclamp 2>/dev/null; dpkg --purge mssclamp-tools mssclamp-dkms >/dev/null 2>&1"

for d in "${debs[@]}"; do
	check "built on the host: ${d##*/}" test -s "$d"
done
check_not "mssclamp-dkms is not installed yet" \
	eval 'dpkg-query -W -f="\${Status}" mssclamp-dkms 2>/dev/null | grep -q "ok installed"'
check_not "nothing left from an earlier scenario: no /usr/src/mssclamp-$VERSION" \
	test -e "/usr/src/mssclamp-$VERSION"

# --- dpkg -i ------------------------------------------------------------------

if [ -z "$FOREIGN" ]; then
	prebuilt=/usr/share/mssclamp-dkms/mssclamp-$VERSION.dkms.tar.gz
	check "DKMS's build from the host where the postinst looks for it" \
		install -D -m 0644 "$DKMS_TARBALL" "$prebuilt"
	# Only the running kernel's config in /boot, for the postinst's eyes.
	mkdir "$WORK/boot"
	for c in /boot/config-*; do
		[ "$c" = "/boot/config-$KVER" ] || mv "$c" "$WORK/boot/"
	done
	at_exit 'mv "$WORK"/boot/config-* /boot/ 2>/dev/null'
	start=$SECONDS
	check "dpkg -i mssclamp-dkms mssclamp-tools" \
		eval 'DEBIAN_FRONTEND=noninteractive dpkg -i "${debs[@]}" >"$WORK/dpkg.log" 2>&1'
	echo "# dpkg -i took $((SECONDS - start)) s"
	mv "$WORK"/boot/config-* /boot/ 2>/dev/null || true
	rm -f "$prebuilt"
	sed 's/^/# dpkg: /' "$WORK/dpkg.log"
	check_match "the postinst loaded the prebuilt modules" \
		"Loading tarball for mssclamp-$VERSION" "$(cat "$WORK/dpkg.log")"
else
	# The userland was made without manual pages (mmdebstrap's
	# path-exclude, kept in dpkg's configuration there): dpkg would leave
	# out the package's own.
	rm -f /etc/dpkg/dpkg.cfg.d/99mmdebstrap
	start=$SECONDS
	# Not --no-download: apt then leaves a local .deb's path relative
	# ("Internal Error, Pathname to install is not absolute"). The
	# userland has no package lists: apt can fetch nothing else.
	check "apt-get install ./mssclamp-dkms_${VERSION}_all.deb ./mssclamp-tools_${VERSION}_$arch.deb" \
		eval 'DEBIAN_FRONTEND=noninteractive apt-get install -y \
			"${debs[@]}" >"$WORK/dpkg.log" 2>&1'
	echo "# apt-get install took $((SECONDS - start)) s"
	sed 's/^/# apt: /' "$WORK/dpkg.log"
	check "the postinst compiled the module for $KVER here" \
		grep -q "Building initial module for $KVER" "$WORK/dpkg.log"
fi
check "dpkg --verify: the installed files are the packages' own" \
	eval 'dpkg --verify mssclamp-dkms mssclamp-tools >"$WORK/verify.log" 2>&1 && [ ! -s "$WORK/verify.log" ]'
for p in mssclamp-dkms mssclamp-tools; do
	check_eq "$p is installed" "install ok installed" \
		"$(dpkg-query -W -f='${Status}' "$p" 2>&1)"
done
check "dkms status: mssclamp/$VERSION installed for $KVER" dkms_has "$KVER"
check "modprobe finds DKMS's module in /lib/modules/$KVER/updates/dkms" \
	dkms_module "$KVER"
if [ -z "$FOREIGN" ]; then
	check "the postinst installed for the running kernel only" \
		grep -qxF "Building for $KVER" "$WORK/dpkg.log"
	check_not "the postinst compiled nothing" grep -q "Building initial module" "$WORK/dpkg.log"
fi
check_eq "modinfo: the module DKMS installed has the running kernel's vermagic" \
	"$KVER" "$(modinfo -k "$KVER" -F vermagic mssclamp 2>&1 | awk '{ print $1 }')"
for f in "$MSSCLAMPCTL" /usr/share/man/man8/mssclampctl.8.gz \
	/usr/share/bash-completion/completions/mssclampctl "$unit" \
	/etc/mssclamp.conf "/usr/src/mssclamp-$VERSION/dkms.conf"; do
	check "installed: $f" test -s "$f"
done
check "/etc/mssclamp.conf is the shipped default" \
	cmp -s "$REPO/packaging/mssclamp.conf" /etc/mssclamp.conf
check_eq "/etc/mssclamp.conf is a conffile of mssclamp-tools" "/etc/mssclamp.conf" \
	"$(dpkg-query -W -f='${Conffiles}' mssclamp-tools | awk '{ print $1 }')"
check "the unit is enabled (multi-user.target wants it)" \
	test -L /etc/systemd/system/multi-user.target.wants/mssclamp.service
check_eq "man finds the page" /usr/share/man/man8/mssclampctl.8.gz \
	"$(man -w mssclampctl 2>&1)"
check_match "the unit runs /usr/sbin/mssclampctl" \
	"^ExecStart=/usr/sbin/mssclampctl apply /etc/mssclamp.conf\$" "$(cat "$unit")"
unit_verify "$unit"
for f in "$punit" "${punit%.service}.timer"; do
	check "installed: $f" test -s "$f"
	unit_verify "$f"
done
check_not "the exporter's timer is not enabled (timers.target wants nothing of it)" \
	eval 'ls /etc/systemd/system/*.wants/mssclamp-prometheus.* >/dev/null 2>&1'

# --- the unit, the clamp, save and apply ----------------------------------------

deployed_checks "$unit"

# --- the exporter: its command, as the timer would run it -----------------------

prom=/var/lib/prometheus/node-exporter/mssclamp.prom
check "modprobe mssclamp for the exporter" modprobe mssclamp
mkdir -p "${prom%/*}"
check "the exporter's start" unit_run "$punit" ExecStart
check_match "it wrote $prom: ipv4's ceiling" '^mssclamp_ceiling_bytes\{family="ipv4"\} 1460$' \
	"$(cat "$prom" 2>&1)"
check_eq "... mode 0644, nothing else beside it" "644 mssclamp.prom" \
	"$(stat -c %a "$prom" 2>&1) $(ls -A "${prom%/*}")"
check "rmmod mssclamp after the exporter" mod_unload
rm -rf /var/lib/prometheus

# --- removal, purge ----------------------------------------------------------------

echo "ipv4 enable mtu 1492" >>/etc/mssclamp.conf
check "dpkg -r mssclamp-tools mssclamp-dkms" \
	eval 'dpkg -r mssclamp-tools mssclamp-dkms >"$WORK/remove.log" 2>&1'
check_not "dkms no longer lists mssclamp" eval 'dkms status mssclamp | grep -q .'
check_not "modprobe no longer finds the module" modinfo -k "$KVER" -n mssclamp
check_not "mssclampctl is gone" test -e "$MSSCLAMPCTL"
check_not "/usr/src/mssclamp-$VERSION is gone" test -e "/usr/src/mssclamp-$VERSION"
check "remove keeps the edited /etc/mssclamp.conf" \
	grep -qx "ipv4 enable mtu 1492" /etc/mssclamp.conf
check "dpkg --purge mssclamp-tools mssclamp-dkms" \
	eval 'dpkg --purge mssclamp-tools mssclamp-dkms >"$WORK/purge.log" 2>&1'
check_not "purge removes /etc/mssclamp.conf" test -e /etc/mssclamp.conf
check_not "purge removes the unit's enablement" \
	test -L /etc/systemd/system/multi-user.target.wants/mssclamp.service
