# shellcheck shell=sh
# What scripts/deps.sh and scripts/deps-foreign.sh share, sourced by both:
# which of some packages are not installed, and one `apt-get update` per
# run. apt waits for a lock another apt holds instead of failing.
apt="-o DPkg::Lock::Timeout=900"

missing() {
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

updated=
apt_update() {
	[ -n "$updated" ] && return 0
	# shellcheck disable=SC2086
	apt-get $apt update -qq
	updated=1
}
