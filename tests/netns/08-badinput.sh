#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 08-badinput: what mssclampctl and the module refuse, and how.
#
#   mc-router (a namespace of its own; no traffic needed)
#
# Each bad command exits non-zero, prints nothing on stdout and exactly one
# line on stderr that says what was wrong (the kernel's extack text for
# what the kernel checks), and leaves "mssclampctl -j show" byte-identical.
# An unprivileged user (uid/gid 65534, no capabilities) can read the
# configuration and the counters, but "set" and "stats reset" fail with a
# permission error and change nothing.
. "$(dirname "$0")/../lib/sh/scenario.sh"

check "insmod mssclamp.ko" mod_load
ns_new "$NS_R"

# A configuration that differs from the defaults, so that a partial change
# would show.
ctl_set "$NS_R" set ipv4 enable mtu 1492 overhead 8 pmtu on
ctl_set "$NS_R" set ipv6 enable mtu 1500 overhead 44 synack off
before=$(ctl "$NS_R" -j show)
echo "# show: $before"

# refused NAME ERE CMD... (clamp.sh): CMD fails, prints nothing on
# stdout and one line on stderr matching ERE; the configuration stays as it
# was.
REFUSED_QUIET=1
REFUSED_WHY="the message says what was wrong"
refused_unchanged() {
	check_eq "$1: the configuration is unchanged" "$before" "$(ctl "$NS_R" -j show)"
}

refused "set ipv6 mtu 1279" 'mtu.*1280 to 65535' \
	ctl "$NS_R" set ipv6 mtu 1279
refused "set ipv4 mtu 575" 'mtu.*576 to 65535' \
	ctl "$NS_R" set ipv4 mtu 575
refused "set ipv4 mtu 70000" 'mtu.*65535' \
	ctl "$NS_R" set ipv4 mtu 70000
refused "set ipv6 mtu 1500 overhead 300" 'overhead.*1220' \
	ctl "$NS_R" set ipv6 mtu 1500 overhead 300
refused "set ipv4 mtu 576 overhead 1" 'overhead.*536' \
	ctl "$NS_R" set ipv4 mtu 576 overhead 1
refused "set ipv5 enable" "ipv5.*ipv4" \
	ctl "$NS_R" set ipv5 enable
refused "set ipv4 frobnicate" "frobnicate" \
	ctl "$NS_R" set ipv4 frobnicate
refused "set ipv4 mtu abc" "abc" \
	ctl "$NS_R" set ipv4 mtu abc

# --- an unprivileged user --------------------------------------------------------

# A copy any user can run, wherever the tested binary lives.
chmod 755 "$WORK"
install -m 755 "$MSSCLAMPCTL" "$WORK/mssclampctl"
nobody() {
	ip netns exec "$NS_R" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$WORK/mssclampctl" "$@"
}
# shellcheck disable=SC2016 # expanded by the inner sh
check_eq "the unprivileged user is uid 65534 without capabilities" "65534 0000000000000000" \
	"$(ip netns exec "$NS_R" setpriv --reuid=65534 --regid=65534 --clear-groups \
		sh -c 'echo "$(id -u) $(sed -n "s/^CapEff:\t//p" /proc/self/status)"')"
check_eq "unprivileged: show prints the configuration" "$before" "$(nobody -j show)"
check "unprivileged: stats works" nobody stats
check_match "unprivileged: -j stats has the counters" '"clamped_syn"' "$(nobody -j stats)"
refused "unprivileged: set" 'ermission|not permitted|CAP_NET_ADMIN' \
	nobody set ipv4 mtu 1400
refused "unprivileged: stats reset" 'ermission|not permitted|CAP_NET_ADMIN' \
	nobody stats reset

mod_unload_checked
