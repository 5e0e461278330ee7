# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# The TAP recorder of the shell tests. A case is one line, on stdout and
# appended to $TAP_FILE (nowhere else when it is unset):
#
#	ok - NAME
#	not ok - NAME
#	ok - NAME # SKIP WHY
#
# tests/check.sh hands the files to prove(1), which counts them.
#
#   TAP_PREFIX   put before every NAME ("6.12.48+deb13-amd64 bench: ")
#   TAP_QUIET=1  "ok" lines go to TAP_FILE only, not to stdout
#   TAP_FAILED   the cases that failed so far (set here)
#
# The assertions record one case each and return 0, so that a test goes on
# after a failed one (set -e or not); TAP_FAILED says how it went.

TAP_FAILED=0

# tap_init FILE: record into FILE, emptied.
tap_init() {
	TAP_FILE=$1
	mkdir -p "$(dirname "$TAP_FILE")"
	: >"$TAP_FILE"
}

# _tap_line LINE: LINE appended to TAP_FILE, if there is one.
_tap_line() {
	[ -z "${TAP_FILE:-}" ] || echo "$1" >>"$TAP_FILE"
}

tap_ok() {
	[ "${TAP_QUIET:-0}" = 1 ] || echo "ok - ${TAP_PREFIX:-}$*"
	_tap_line "ok - ${TAP_PREFIX:-}$*"
}

tap_fail() {
	echo "not ok - ${TAP_PREFIX:-}$*"
	_tap_line "not ok - ${TAP_PREFIX:-}$*"
	TAP_FAILED=$((TAP_FAILED + 1))
}

# tap_skip NAME WHY: a case that could not run here: neither passed nor
# failed.
tap_skip() {
	echo "ok - ${TAP_PREFIX:-}$1 # SKIP $2"
	_tap_line "ok - ${TAP_PREFIX:-}$1 # SKIP $2"
}

# tap_run NAME CMD...: CMD records cases of its own into $TAP_FILE (a test
# program); if it exits non-zero without a failed case among them (a crash,
# a sanitizer report), that is recorded as one. Returns CMD's status.
tap_run() {
	local name=$1 start rc
	shift
	start=$(stat -c %s "${TAP_FILE:-/dev/null}" 2>/dev/null || echo 0)
	"$@"
	rc=$?
	if [ "$rc" != 0 ] && ! tail -c "+$((start + 1))" "${TAP_FILE:-/dev/null}" |
		grep -q '^not ok'; then
		tap_fail "$name exited $rc without a failed case (a crash or a sanitizer report? see above)"
	fi
	return "$rc"
}

# check NAME CMD...: CMD succeeds.
check() {
	local name=$1
	shift
	if "$@"; then tap_ok "$name"; else tap_fail "$name"; fi
	return 0
}

# check_not NAME CMD...: CMD fails.
check_not() {
	local name=$1
	shift
	if "$@"; then tap_fail "$name"; else tap_ok "$name"; fi
	return 0
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		tap_ok "$1"
	else
		tap_fail "$1"
		printf '#   expected: %s\n#   actual:   %s\n' "$2" "$3"
	fi
	return 0
}

# check_match NAME ERE STRING: a line of STRING matches the extended regex.
check_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		tap_ok "$1"
	else
		tap_fail "$1"
		printf '#   expected to match: %s\n#   actual: %s\n' "$2" "$3"
	fi
	return 0
}
