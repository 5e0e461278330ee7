# shellcheck shell=bash
# Result recording shared by the test runners. A runner writes one line per
# test case to $TAP_FILE: "ok - NAME" or "not ok - NAME". tests/check.sh
# counts these lines across all runners.

tap_init() {	# tap_init FILE
	TAP_FILE=$1
	mkdir -p "$(dirname "$TAP_FILE")"
	: >"$TAP_FILE"
}

tap_ok() {
	echo "ok - $*"
	echo "ok - $*" >>"$TAP_FILE"
}

tap_fail() {
	echo "not ok - $*"
	echo "not ok - $*" >>"$TAP_FILE"
}

# tap_check NAME CMD...: run CMD, record its outcome under NAME.
tap_check() {
	local name=$1
	shift
	if "$@"; then
		tap_ok "$name"
	else
		tap_fail "$name"
	fi
}
