#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# KUnit: build the module's code and the suites in tests/kunit/ into a kernel
# and run them with kunit.py, once per architecture: User-Mode Linux 6.1
# ("um"), and 6.12 under QEMU for 32-bit ARM ("arm") and arm64, built with
# Debian's cross compilers and booted with two CPUs.
#
#   tests/kunit/run.sh [FILTER_GLOB]    e.g. mssclamp_clamp  'mssclamp_*.rewrite'
#
# Writes one "ok - kunit-ARCH: suite.case[.param]" / "not ok - ..." line per
# test case to $TAP_FILE (tests/lib/sh/tap.sh), plus one line each per
# architecture for the build, the .config check, the kernel log check and
# kunit.py's exit status; exits non-zero on any failure. docs/testing.md
# ("KUnit") says how it works.
#
# Environment:
#   KUNIT_ARCHES            the architectures, in order (default "um arm arm64")
#   MSSCLAMP_CACHE          cache directory (default ~/.cache/mssclamp)
#   MSSCLAMP_LINUX_TARBALL  kernel source for um (default the linux-source-6.1
#                           package's tarball)
#   MSSCLAMP_LINUX612       kernel source for arm and arm64 (default the
#                           linux-source-6.12 package's tarball)
#   MSSCLAMP_KUNIT_JOBS     make jobs (default 2)
#   MSSCLAMP_KUNIT_TIMEOUT  seconds kunit.py waits for the tests (default 1200)
#   TAP_FILE, RESULTS_DIR   set by tests/check.sh
set -u
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEFILES	# not ours: `make check` -> here

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib/sh/tap.sh
. "$top/tests/lib/sh/tap.sh"

: "${RESULTS_DIR:=$top/build/results}"
tap_init "${TAP_FILE:-$RESULTS_DIR/kunit.tap}"

filter=${1:-}
arches=${KUNIT_ARCHES:-um arm arm64}
cache=${MSSCLAMP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mssclamp}
jobs=${MSSCLAMP_KUNIT_JOBS:-2}
timeout=${MSSCLAMP_KUNIT_TIMEOUT:-1200}
python=/usr/bin/python3		# Debian's, whatever else is first in PATH
dest=net/mssclamp		# where our sources go in the kernel tree

# arch_setup ARCH: what differs between the architectures. tag names the
# architecture's lines; linux is the kernel tree (one per tarball, shared by
# the architectures that use it), tree_bdirs every build directory made
# from it, bdir this architecture's.
arch_setup() {
	arch=$1
	tag=kunit-$arch
	kargs=()
	case $arch in
	um)
		tarball=${MSSCLAMP_LINUX_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
		linux=$cache/linux-6.1
		tree_bdirs=("$cache/kunit-build")
		bdir=$cache/kunit-build
		;;
	arm | arm64)
		# Not the debug kernel's linux-6.12 (tests/vm/debug-kernel.sh):
		# run.sh adds net/mssclamp/ to the tree it builds.
		tarball=${MSSCLAMP_LINUX612:-/usr/src/linux-source-6.12.tar.xz}
		linux=$cache/kunit-linux-6.12
		tree_bdirs=("$cache/kunit-build-arm" "$cache/kunit-build-arm64")
		bdir=$cache/kunit-build-$arch
		local cc=arm-linux-gnueabihf-
		[ "$arch" = arm ] || cc=aarch64-linux-gnu-
		command -v "${cc}gcc" >/dev/null ||
			die setup "no ${cc}gcc (make deps)"
		# Two CPUs: mssclamp_counters reads the counters on one
		# while the other writes them.
		kargs=(--arch="$arch" --cross_compile="$cc" --qemu_args='-smp 2')
		;;
	*)
		echo "kunit: unknown architecture '$arch' (um, arm, arm64)" >&2
		tap_fail "kunit-$arch: known architecture"
		exit 1
		;;
	esac
	log=$RESULTS_DIR/$tag.log
	json=$RESULTS_DIR/$tag.json
}

die() {		# die NAME MESSAGE: record a failed step and stop
	echo "$tag: $2" >&2
	tap_fail "$tag: $1 ($2)"
	exit 1
}

# The kernel tree: extracted once, again only when the tarball changes.
extract_linux() {
	local want have
	[ -r "$tarball" ] || die "kernel source" "no $tarball (make deps)"
	want=$(stat -L -c '%n %s %Y' "$tarball")
	have=$(cat "$linux.stamp" 2>/dev/null)
	[ -f "$linux/Makefile" ] && [ "$want" = "$have" ] && return 0

	echo "$tag: extracting $tarball into $linux (once)"
	# Objects built from another tree would look up to date: drop them.
	rm -rf "$linux" "$linux.tmp" "${tree_bdirs[@]}" "$linux.stamp"
	if ! { mkdir -p "$linux.tmp" &&
		tar -xJf "$tarball" -C "$linux.tmp" --strip-components=1 &&
		mv "$linux.tmp" "$linux"; }; then
		rm -rf "$linux.tmp"
		die "kernel source" "extracting $tarball failed"
	fi
	echo "$want" >"$linux.stamp"
}

# append_once FILE LINE: add LINE to FILE unless it is there already.
append_once() {
	grep -qxF "$2" "$1" || printf '\n%s\n' "$2" >>"$1"
}

# put SRC DST: copy only when the content differs, so that make rebuilds only
# what changed.
put() {
	mkdir -p "$(dirname "$2")"
	cmp -s "$1" "$2" || cp "$1" "$2"
}

# What the repository's Kbuild says: the module's objects and its ccflags,
# evaluated by make itself so that any Kbuild syntax works.
read_kbuild() {
	local out
	# shellcheck disable=SC2016	# make expands these, not the shell
	out=$(printf '%s\n' 'include Kbuild' \
		'$(info OBJS $(mssclamp-y))' \
		'$(info FLAGS $(ccflags-y))' 'all: ;' |
		make -s --no-print-directory -C "$top" -f - src="$top" all) ||
		die build "cannot read Kbuild"
	kobjs=$(sed -n 's/^OBJS //p' <<<"$out")
	kflags=$(sed -n 's/^FLAGS //p' <<<"$out")
	[ -n "$kobjs" ] || die build "Kbuild lists no mssclamp-y objects"
	# -I$(src)/kmod and the like must name the copy inside the kernel tree:
	# $(srctree)/$(obj) on every kernel ($(src) is $(obj) on 6.1, and
	# already has $(srctree) in front of it on 6.12).
	# shellcheck disable=SC2016
	kflags=${kflags//"$top"/'$(srctree)/$(obj)'}
}

# Put the module's sources and the suites into $linux/$dest, mirroring the
# repository's layout, and hook the directory into net/Makefile and
# net/Kconfig.
place_sources() {
	local f o files=() tests=() objs=() have=()

	read_kbuild
	for o in $kobjs; do
		f=${o%.o}.c
		[ -f "$top/$f" ] ||
			die build "Kbuild lists $o but there is no $f"
		objs+=("$o")
		files+=("$f")
	done
	for f in "$top"/tests/kunit/*.c; do
		[ -e "$f" ] || continue
		tests+=("tests/kunit/$(basename "${f%.c}").o")
		files+=("${f#"$top"/}")
	done
	[ ${#tests[@]} -gt 0 ] || die build "no suites in tests/kunit/*.c"
	for f in "$top"/kmod/*.h "$top"/kmod/uapi/*.h "$top"/tests/kunit/*.h; do
		[ -e "$f" ] && files+=("${f#"$top"/}")
	done

	for f in "${files[@]}"; do
		put "$top/$f" "$linux/$dest/$f"
		have+=("$linux/$dest/$f")
	done
	# Drop what the repository no longer has.
	while IFS= read -r -d '' f; do
		[[ " ${have[*]} " == *" $f "* ]] || rm -f "$f"
	done < <(find "$linux/$dest/kmod" "$linux/$dest/tests" -type f \
		\( -name '*.c' -o -name '*.h' \) -print0 2>/dev/null)

	local tmp=$linux/$dest/.gen
	cat >"$tmp" <<-EOF
	# Generated by tests/kunit/run.sh from the mssclamp repository's Kbuild.
	# The module's code is built in (its module_init becomes an initcall),
	# together with the KUnit suites of tests/kunit/.
	ccflags-y += $kflags -Werror
	obj-\$(CONFIG_MSSCLAMP) += ${objs[*]}
	obj-\$(CONFIG_MSSCLAMP_KUNIT_TEST) += ${tests[*]}
	EOF
	put "$tmp" "$linux/$dest/Makefile"
	# (Not <<-: Kconfig wants its tabs.)
	cat >"$tmp" <<'EOF'
# Generated by tests/kunit/run.sh (mssclamp, out of tree).
config MSSCLAMP
	bool "mssclamp: TCP MSS clamp (out-of-tree sources, for KUnit)"
	depends on NET && INET && IPV6=y && NETFILTER
	help
	  The mssclamp module's code, built in so that its KUnit
	  suites can call it.

config MSSCLAMP_KUNIT_TEST
	bool "KUnit tests for mssclamp" if !KUNIT_ALL_TESTS
	depends on MSSCLAMP && KUNIT=y
	default KUNIT_ALL_TESTS
EOF
	put "$tmp" "$linux/$dest/Kconfig"
	rm -f "$tmp"

	append_once "$linux/net/Makefile" "obj-\$(CONFIG_MSSCLAMP) += mssclamp/"
	append_once "$linux/net/Kconfig" "source \"$dest/Kconfig\""
	echo "$tag: module objects: ${objs[*]}"
	echo "$tag: suites: ${tests[*]}"
}

# Every option the kunitconfig asks for must be in the built .config.
check_config() {
	local cfg=$bdir/.config line name val missing=()

	if [ ! -f "$cfg" ]; then
		tap_fail "$tag: .config has every kunitconfig option (no $cfg)"
		return
	fi
	while IFS= read -r line; do
		if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
			grep -qxF "$line" "$cfg" || missing+=("$line")
		elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			name=${BASH_REMATCH[1]}
			val=$(grep -E "^$name=" "$cfg")
			[ -z "$val" ] || missing+=("$line (have $val)")
		fi
	done <"$kunitconfig"
	if [ ${#missing[@]} = 0 ]; then
		tap_ok "$tag: .config has every kunitconfig option"
	else
		echo "$tag: not in $cfg: ${missing[*]}" >&2
		tap_fail "$tag: .config has every kunitconfig option" \
			"(missing: ${missing[*]})"
	fi
}

# One TAP line per test case, in the order they ran; a parameterised case
# gives one line per parameter, named suite.case.parameter, plus one for the
# case itself if it failed without a failing parameter (it crashed). The
# kernel's output is parsed by kunit.py's own parser (the tree's copy), with
# its printing silenced.
ktap_to_tap() {
	"$python" - "$linux/tools/testing/kunit" "$1" "$tag" <<-'EOF'
	import os, sys
	sys.path.insert(0, sys.argv[1])
	tag = sys.argv[3]
	out = sys.stdout
	sys.stdout = open(os.devnull, "w")  # the parser's printer binds it
	import kunit_parser
	S = kunit_parser.TestStatus
	GOOD = (S.SUCCESS, S.SKIPPED)

	def line(test, name):
	    res = "ok" if test.status in GOOD else "not ok"
	    # "# SKIP": TAP's directive, so that prove counts the case skipped.
	    note = {S.SUCCESS: "", S.SKIPPED: " # SKIP"}.get(
	        test.status, " # " + test.status.name)
	    print(f"{res} - {tag}: {name}{note}", file=out)

	def walk(test, prefix):
	    for i, sub in enumerate(test.subtests, 1):
	        # The parser adds a nameless test for each one that never ran.
	        name = prefix + (sub.name or f"#{i} (never ran)")
	        if not sub.subtests:
	            line(sub, name)
	            continue
	        walk(sub, name + ".")
	        if sub.status not in GOOD and \
	           all(p.status in GOOD for p in sub.subtests):
	            line(sub, name)

	with open(sys.argv[2], errors="replace") as log:
	    top = kunit_parser.parse_run_tests(log)
	for suite in top.subtests:
	    walk(suite, suite.name + ".")
	EOF
}

# Suites defined in the copies of tests/kunit/*.c that were built (the
# repository may have changed since): the NAME of each
# MSSCLAMP_KUNIT_SUITE(NAME) (tests/kunit/test_af.h).
declared_suites() {
	sed -n 's/^MSSCLAMP_KUNIT_SUITE(\([A-Za-z0-9_]*\));.*/\1/p' \
		"$linux/$dest"/tests/kunit/*.c
}

# Reports the kernel prints outside KUnit's own verdicts: KASAN ("BUG:
# KASAN: ..."), lockdep and RCU checking ("WARNING: possible circular locking
# dependency", "WARNING: suspicious RCU usage"), UBSAN, WARN_ON, oopses,
# kmemleak. Only KASAN fails the KUnit case it happens in.
splat='BUG:|WARNING:|UBSAN:|Oops|Kernel panic|general protection'
splat+='|kmemleak: [0-9]+ new suspected|INFO: (task .* blocked|rcu_)'
splat+='|lockdep is turned off'
check_kernel_log() {
	local tlog=$bdir/test.log bad
	local name="$tag: kernel log has no BUG, WARNING, UBSAN, KASAN or lockdep report"

	bad=$(grep -nE "$splat" "$tlog" 2>/dev/null | head -n 20)
	if [ -z "$bad" ]; then
		tap_ok "$name"
	else
		echo "$tag: reports in $tlog:" >&2
		echo "$bad" >&2
		tap_fail "$name"
	fi
}

# kunitconfig: tests/kunit/.kunitconfig, what every architecture needs, then
# tests/kunit/ARCH.kunitconfig, what only this one needs or has.
make_kunitconfig() {
	local f out=$cache/kunitconfig-$arch
	local files=("$top/tests/kunit/.kunitconfig" "$top/tests/kunit/$arch.kunitconfig")
	for f in "${files[@]}"; do
		[ -f "$f" ] || die setup "no $f"
	done
	cat "${files[@]}" >"$out" || die setup "cannot write $out"
	kunitconfig=$out
}

# run_arch ARCH: build and run the suites on one architecture; its lines go
# to $TAP_FILE. Runs in a subshell: die ends this architecture only.
run_arch() {
	local start rc cases s verdict
	start=$(date +%s)
	arch_setup "$1"
	extract_linux
	place_sources

	# kunit.py and check_config read the same copy, whatever happens to the
	# repository's files meanwhile.
	make_kunitconfig
	rm -f "$json" "$bdir/test.log"
	args=(run --kunitconfig="$kunitconfig" --build_dir="$bdir" --jobs="$jobs"
		--json="$json" --timeout="$timeout" "${kargs[@]}")
	[ -z "$filter" ] || args+=("$filter")
	echo "$tag: (cd $linux && $python tools/testing/kunit/kunit.py ${args[*]})"
	(cd "$linux" && "$python" tools/testing/kunit/kunit.py "${args[@]}") 2>&1 |
		tee "$log"
	rc=${PIPESTATUS[0]}

	check_config
	if ! grep -q 'Starting KUnit Kernel' "$log"; then
		if grep -q 'Building KUnit Kernel' "$log"; then
			tap_fail "$tag: build (see $log)"
		else
			tap_fail "$tag: configure (see $log)"
		fi
		exit 1
	fi
	tap_ok "$tag: build"

	cases=
	[ -s "$bdir/test.log" ] && cases=$(ktap_to_tap "$bdir/test.log")
	if [ -n "$cases" ]; then
		echo "$cases" | tee -a "$TAP_FILE"
	else
		tap_fail "$tag: no test case ran (filter '${filter:-*}')"
	fi
	# A suite that vanished (not linked in, or the kernel died before it)
	# has no case to fail: name it.
	for s in $(declared_suites); do
		# shellcheck disable=SC2053	# the filter's suite part is a glob
		[ -z "$filter" ] || [[ $s == ${filter%%.*} ]] || continue
		grep -q "^\(not \)\?ok - $tag: $s\." <<<"$cases" ||
			tap_fail "$tag: suite $s ran"
	done
	check_kernel_log
	# kunit.py fails the run for a failed case, and also for what has no
	# case line: a suite that failed as a whole, output it could not parse.
	verdict="$tag: no failure beyond the cases above (kunit.py exit $rc)"
	if [ "$rc" = 0 ] || grep -q '^not ok' <<<"$cases"; then
		tap_ok "$verdict"
	else
		tap_fail "$verdict; see $log"
	fi

	summary "$tag" "$tag: "
}

# summary WHAT PREFIX: the closing line "WHAT: N passed, N failed, N
# skipped (S s)" of the cases in $TAP_FILE named PREFIX...; fails if one
# failed.
summary() {
	local passed skipped failed

	passed=$(grep "^ok - $2" "$TAP_FILE" | grep -vc ' # SKIP')
	skipped=$(grep "^ok - $2" "$TAP_FILE" | grep -c ' # SKIP')
	failed=$(grep -c "^not ok - $2" "$TAP_FILE")
	echo "$1: $passed passed, $failed failed, $skipped skipped" \
		"($(($(date +%s) - start)) s)"
	[ "$failed" = 0 ]
}

tag=kunit
mkdir -p "$cache" "$RESULTS_DIR" || die setup "cannot create $cache"
# One run at a time per cache: concurrent runs would share the build trees.
exec 9>"$cache/lock"
if ! flock -n 9; then
	echo "kunit: waiting for another run to release $cache/lock"
	flock -w 3600 9 || die setup "$cache stayed locked for an hour"
fi
[ -x "$python" ] || die setup "no $python (apt-get install python3)"

start=$(date +%s)
for a in $arches; do
	(run_arch "$a")
done
summary kunit ""
