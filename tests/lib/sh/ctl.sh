# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# The helpers of mssclampctl's unit tests (ctl_test.sh, observe_test.sh):
# build the tool and run it against the stand-in family or this host's
# kernel, and record what it printed, exited with and sent as TAP cases.
# The caller sets top (the repository) and calls ctl_setup; the cases are
# named "ctl: ...".
# shellcheck disable=SC2034,SC2154	# ctl, fakelib, status are for the caller; top is its

# shellcheck source=tests/lib/sh/tap.sh
. "${BASH_SOURCE[0]%/*}/tap.sh"
TAP_FILE=${TAP_FILE:-/dev/null}

# ctl_setup NAME: ctl (the ASan/UBSan build of mssclampctl), fakelib (the
# stand-in, build/unit/fakegenl.so), tmp (a scratch directory, removed at
# exit) and status (0); both built, as the case NAME: if they do not
# build, nothing else can run and the test exits.
ctl_setup() {
	ctl=$top/userspace/mssclampctl-asan
	fakelib=$top/build/unit/fakegenl.so
	export ASAN_OPTIONS=detect_leaks=1:exitcode=99:verify_asan_link_order=0
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=98
	tmp=$(mktemp -d)
	# shellcheck disable=SC2064	# tmp is known now
	trap "rm -rf '$tmp'" EXIT
	status=0
	if make -s -C "$top/userspace" asan >"$tmp/build.log" 2>&1 &&
		make -s -f "$top/tests/unit/Makefile" fakegenl >>"$tmp/build.log" 2>&1; then
		tap_ok "$1"
	else
		fail "$1"
		sed 's/^/# /' "$tmp/build.log"
		exit 1
	fi
}

# fail NAME: a failed case; the test's status becomes 1.
fail() {
	tap_fail "$@"
	status=1
}

# fake [VAR=VALUE...] ARGS...: run mssclampctl against the stand-in.
fake() {
	local vars=()

	while [ $# -gt 0 ] && [[ $1 == FAKEGENL_*=* ]]; do
		vars+=("$1")
		shift
	done
	env LD_PRELOAD="$fakelib" FAKEGENL_LOG="$tmp/log" "${vars[@]}" \
		"$ctl" "$@"
}

# real ARGS...: run mssclampctl against this host's kernel.
real() {
	"$ctl" "$@"
}

# same FILE TEXT: FILE holds TEXT and a newline, or nothing if TEXT is "".
same() {
	if [ -z "$2" ]; then
		[ ! -s "$1" ]
	else
		printf '%s\n' "$2" | cmp -s - "$1"
	fi
}

# ctl_expect NAME STATUS STDOUT STDERR CMD...: CMD exits STATUS and prints
# exactly STDOUT and STDERR (each "" for nothing, else lines).
ctl_expect() {
	local name=$1 want=$2 out=$3 err=$4 got
	shift 4

	rm -f "$tmp/log"
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" = "$want" ] && same "$tmp/out" "$out" &&
		same "$tmp/err" "$err"; then
		tap_ok "ctl: $name"
		return 0
	fi
	fail "ctl: $name"
	echo "# $*"
	echo "# exit $got, wanted $want"
	sed 's/^/# stdout: /' "$tmp/out"
	sed 's/^/# stderr: /' "$tmp/err"
	return 1
}

# usage NAME MESSAGE ARGS...: a usage error: exit 2, one line on stderr,
# nothing on stdout, nothing sent.
usage() {
	local name=$1 msg=$2
	shift 2

	ctl_expect "usage: $name" 2 "" "mssclampctl: $msg" fake "$@" || return
	if [ -s "$tmp/log" ]; then
		fail "ctl: usage: $name sends nothing"
		sed 's/^/# sent: /' "$tmp/log"
	fi
}

# sent NAME LINES: what the last fake run asked of the family (not the
# socket options, family lookups, groups joined, events heard or the
# stand-in's own remarks).
sent() {
	local got

	got=$(grep -v -e '^setsockopt' -e '^GETFAMILY' -e '^#' -e '^JOIN' \
		-e '^event' "$tmp/log" 2>/dev/null)
	if [ "$got" = "$2" ]; then
		tap_ok "ctl: sends $1"
	else
		fail "ctl: sends $1"
		printf '%s\n' "$got" | sed 's/^/# sent: /'
		printf '%s\n' "$2" | sed 's/^/# want: /'
	fi
}


# ctl_complete NAME EXPECTED WORDS...: completing the last of WORDS offers
# EXPECTED (space-separated, sorted), with the bash-completion package's
# helpers (CTL_BASH_COMPLETION, which the caller checks is there).
CTL_BASH_COMPLETION=/usr/share/bash-completion/bash_completion
ctl_complete() {
	local got
	got=$(bash -c '
		. "$1" && . "$2" || exit 1
		shift 2
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_mssclampctl
		printf "%s\n" "${COMPREPLY[@]}"
	' - "$CTL_BASH_COMPLETION" "$top/userspace/mssclampctl.bash-completion" \
		"${@:3}" 2>&1 | sort | tr '\n' ' ')
	check_eq "ctl: completion: $1" "$2 " "$got"
}
