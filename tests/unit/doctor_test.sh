#!/bin/bash
# mssclampctl doctor without the VM:
#  1. tests/unit/nft_test.c, the recognisers of userspace/doctor/nftables.c
#     and userspace/doctor/legacy.c on rules built with libnftnl, and the
#     report (userspace/doctor/report.c) when memory runs out, with gcc
#     and clang, -Werror, ASan and UBSan; it records its own cases;
#  2. the subcommand on this host (its kernel, no module needed): a usage
#     error sends nothing and exits 2; the text and -j outputs agree, the
#     JSON has the fixed shape, "problems" counts the warn and fail
#     findings and the exit status follows it; a missing namespace is an
#     error, not a finding;
#  3. the hook priority doctor compares rules with is the module's.
#
#   bash tests/unit/doctor_test.sh          (results also in $TAP_FILE)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib/sh/tap.sh
. "$top/tests/lib/sh/tap.sh"
TAP_FILE=${TAP_FILE:-/dev/null}

out=$top/build/unit
mkdir -p "$out"
status=0
fail() {
	tap_fail "$@"
	status=1
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# --- 1. the recognisers ------------------------------------------------------

# shellcheck disable=SC2046 # pkg-config's flags are words
build() {	# build CC OUT
	"$1" -std=gnu11 -Wall -Wextra -Werror -O1 -g -D_GNU_SOURCE \
		-fsanitize=address,undefined -fno-sanitize-recover=all \
		-fno-omit-frame-pointer -I"$top/userspace/doctor" \
		-I"$top/userspace" -I"$top/userspace/lib" -I"$top/kmod" \
		-I"$top/tests/lib/c" \
		$(pkg-config --cflags libnftnl libmnl) -o "$2" \
		"$top/tests/unit/nft_test.c" "$top/tests/lib/c/tap.c" \
		"$top/userspace/doctor/nftables.c" \
		"$top/userspace/doctor/nftrules.c" \
		"$top/userspace/doctor/legacy.c" \
		"$top/userspace/doctor/report.c" "$top/userspace/lib/output.c" \
		"$top/userspace/lib/errors.c" "$top/userspace/lib/nlsock.c" \
		-Wl,--wrap=realloc,--wrap=strdup \
		$(pkg-config --libs libnftnl libmnl)
}

for cc in gcc clang; do
	if ! command -v "$cc" >/dev/null; then
		tap_ok "unit: doctor: nft_test builds with $cc # SKIP no $cc"
		continue
	fi
	bin=$out/nft_test-$cc
	if build "$cc" "$bin" >"$out/nft_test-$cc.log" 2>&1; then
		tap_ok "unit: doctor: nft_test builds clean with $cc (-Werror, ASan, UBSan)"
	else
		sed 's/^/# /' "$out/nft_test-$cc.log"
		fail "unit: doctor: nft_test builds clean with $cc (-Werror, ASan, UBSan)"
		continue
	fi
	if [ "$cc" = gcc ]; then
		tap_run "unit: doctor: nft_test" "$bin" "$TAP_FILE" || status=1
	elif "$bin" >"$out/nft_test-clang.run" 2>&1; then
		tap_ok "unit: doctor: nft_test built with clang passes every case"
	else
		grep -v '^ok ' "$out/nft_test-clang.run" | tail -n 20
		fail "unit: doctor: nft_test built with clang passes every case"
	fi
done

# --- 2. the subcommand on this host -------------------------------------------

ctl=$top/userspace/mssclampctl-asan
fakelib=$top/build/unit/fakegenl.so
if ! make -s -C "$top/userspace" asan >"$out/doctor-build.log" 2>&1 ||
	! make -s -f "$top/tests/unit/Makefile" fakegenl >>"$out/doctor-build.log" 2>&1; then
	sed 's/^/# /' "$out/doctor-build.log"
	fail "unit: doctor: the ASan build of mssclampctl"
	exit 1
fi
export ASAN_OPTIONS=detect_leaks=1:exitcode=99:verify_asan_link_order=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A usage error: exit 2, one line, nothing sent (the stand-in's log empty).
env LD_PRELOAD="$fakelib" FAKEGENL_LOG="$tmp/log" "$ctl" doctor extra \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" = 2 ] && [ ! -s "$tmp/out" ] && [ ! -s "$tmp/log" ] &&
	[ "$(cat "$tmp/err")" = "mssclampctl: doctor: unexpected argument 'extra'" ]; then
	tap_ok "unit: doctor: 'doctor extra' is a usage error (exit 2, nothing sent)"
else
	fail "unit: doctor: 'doctor extra' is a usage error (exit 2, nothing sent)"
	echo "# exit $rc"; sed 's/^/# /' "$tmp/out" "$tmp/err"
fi

"$ctl" doctor >"$tmp/text" 2>"$tmp/text.err"
rc_text=$?
"$ctl" -j doctor >"$tmp/json" 2>"$tmp/json.err"
rc_json=$?
# python checks the shape and prints: problems, exit status it implies,
# then the findings as "SEVERITY CHECK: MESSAGE" lines.
if /usr/bin/python3 - "$tmp/json" >"$tmp/json.lines" 2>"$tmp/py.err" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
assert set(doc) == {"findings", "problems"}, sorted(doc)
assert isinstance(doc["problems"], int)
n = 0
for f in doc["findings"]:
    assert set(f) == {"severity", "check", "message"}, sorted(f)
    assert f["severity"] in ("ok", "warn", "fail"), f["severity"]
    assert f["check"] and f["message"], f
    n += f["severity"] != "ok"
assert n == doc["problems"], (n, doc["problems"])
print(doc["problems"])
for f in doc["findings"]:
    print("%-4s %s: %s" % (f["severity"], f["check"], f["message"]))
EOF
then
	tap_ok "unit: doctor: -j prints {\"findings\": [{severity, check, message}...], \"problems\": N}, N the warn and fail findings"
	problems=$(head -n 1 "$tmp/json.lines")
	want_rc=1
	[ "$problems" != 0 ] || want_rc=0
	if [ "$rc_json" = "$want_rc" ] && [ "$rc_text" = "$want_rc" ]; then
		tap_ok "unit: doctor: exit status $want_rc with $problems problems (text and -j)"
	else
		fail "unit: doctor: exit status $want_rc with $problems problems (text $rc_text, -j $rc_json)"
	fi
	tail -n +2 "$tmp/json.lines" >"$tmp/json.text"
	if head -n -1 "$tmp/text" | cmp -s - "$tmp/json.text"; then
		tap_ok "unit: doctor: the text lines are the JSON findings, one a line"
	else
		fail "unit: doctor: the text lines are the JSON findings, one a line"
		diff "$tmp/json.text" <(head -n -1 "$tmp/text") | sed 's/^/# /'
	fi
else
	fail "unit: doctor: -j prints {\"findings\": [{severity, check, message}...], \"problems\": N}, N the warn and fail findings"
	sed 's/^/# /' "$tmp/json" "$tmp/py.err"
fi
if [ -s "$tmp/text.err" ] || [ -s "$tmp/json.err" ]; then
	# The host may have the module's family in a state doctor reports on
	# stderr; a sanitizer report would land here too.
	if grep -q 'Sanitizer\|runtime error' "$tmp/text.err" "$tmp/json.err"; then
		fail "unit: doctor: no sanitizer report"
		sed 's/^/# /' "$tmp/text.err" "$tmp/json.err"
	fi
fi
if [ -d /sys/module/mssclamp ]; then
	tap_ok "unit: doctor: without the module, 'module' fails # SKIP the module is loaded here"
elif grep -q '^fail module: mssclamp is not loaded' "$tmp/text"; then
	tap_ok "unit: doctor: without the module, 'module' fails"
else
	fail "unit: doctor: without the module, 'module' fails"
	sed 's/^/# /' "$tmp/text"
fi

"$ctl" -n mssclamp-no-such-netns doctor >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" = 1 ] && [ ! -s "$tmp/out" ] &&
	grep -q "^mssclampctl: cannot open network namespace 'mssclamp-no-such-netns'" "$tmp/err"; then
	tap_ok "unit: doctor: -n with a missing namespace is an error (exit 1), no findings"
else
	fail "unit: doctor: -n with a missing namespace is an error (exit 1), no findings"
	echo "# exit $rc"; sed 's/^/# /' "$tmp/out" "$tmp/err"
fi

# --- 3. the module's hook priority ----------------------------------------------

if grep -q '^#define MSSCLAMP_HOOK_PRIORITY	(NF_IP_PRI_MANGLE - 5)$' "$top/kmod/mssclamp.h" &&
	grep -q '^#define CLAMP_PRIORITY	(NF_IP_PRI_MANGLE - 5)$' "$top/userspace/doctor/doctor.h"; then
	tap_ok "unit: doctor: compares rules with the module's hook priority (NF_IP_PRI_MANGLE - 5)"
else
	fail "unit: doctor: compares rules with the module's hook priority (NF_IP_PRI_MANGLE - 5)"
fi

exit "$status"
