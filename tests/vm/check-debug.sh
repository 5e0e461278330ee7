#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The VM scenarios on the debug kernel (KASAN, UBSAN, lockdep, PROVE_RCU,
# kmemleak...: tests/vm/debug.config) with two CPUs: what `make check-debug`
# runs, through tests/check.sh's "debug" suite.
#
#   tests/vm/check-debug.sh [SCENARIO[,SCENARIO...]]
#
# Builds or reuses the kernel (tests/vm/debug-kernel.sh: long when cold,
# docs/testing.md), then tests/vm/run.sh on it: every scenario fails on
# any KASAN, UBSAN, lockdep, RCU or SLUB report in the kernel log
# (guest.sh's splat check), and a last case fails on any leak kmemleak
# finds.
#
# Without SCENARIO: every tests/netns/NN-*.sh but those in debug_skip
# below, in their short form (MSSCLAMP_SHORT=1 on the guest's command
# line: 21-flood's and 22-churn's smaller sizes), so that a warm run fits
# in 75 minutes (50 measured: docs/testing.md, "Timings"). SCENARIO runs
# any scenario, those too, still in the short form;
# VM_APPEND=MSSCLAMP_LONG=1 asks for the long form instead.
#
# The kernel boots with debug_pagealloc=off and slab_debug=-: its config
# has DEBUG_PAGEALLOC_ENABLE_DEFAULT and SLUB_DEBUG_ON, but under TCG the
# first costs a full TLB flush each time pages are allocated or freed
# (__kernel_map_pages(), arch/x86/mm/pat/set_memory.c), the second a
# stack trace saved and poison written and checked per object (the
# SLAB_STORE_USER and SLAB_POISON of DEBUG_DEFAULT_FLAGS, mm/slub.c), and
# KASAN already reports what they would (an access to a freed page or
# object, a write past one: __kasan_poison_pages(), __kasan_slab_free()
# and poison_kmalloc_redzone() in mm/kasan/common.c) at the faulting
# access rather than at the next check. With them the run takes about
# twice as long (docs/testing.md).
# VM_APPEND="debug_pagealloc=on slab_debug" turns them back on: VM_APPEND
# comes last on the command line, and the last of a parameter wins.
#
# Environment: VM_SMP (default 2), VM_MEM (default 1G: KASAN's shadow and
# the debug allocators need room), SCENARIO_TIMEOUT (default 900) and
# VM_TIMEOUT (default 7200), which the debug kernel's slowness under TCG
# asks for; VM_APPEND and TAP_FILE as for run.sh.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd -P)

# The scenarios a plain `make check-debug` leaves out: they test no code
# of kmod/ that the others leave untested (25-doctor and 31-privilege pass
# on this kernel, T= runs them: docs/testing.md, "Timings").
#   10-install, 11-deb  packaging: make install, DKMS, dpkg, depmod,
#                       modprobe; the module they load is the one the
#                       other scenarios load (1 471 s and 1 644 s
#                       with debug_pagealloc and SLUB debugging)
#   25-doctor           mssclampctl doctor: routes, devices and rulesets
#                       read in userspace; what it asks the module
#                       (show) 08-badinput and 09-netns cover (241 s)
#   31-privilege        who may write: genl_family_rcv_msg() checks the
#                       ops' GENL_UNS_ADMIN_PERM before the module runs;
#                       the module code it reaches (set, reset, show in
#                       a namespace) 08-badinput and 09-netns run (141 s)
debug_skip=" 10-install 11-deb 25-doctor 31-privilege "
# shellcheck source=tests/lib/sh/tap.sh
. "$top/tests/lib/sh/tap.sh"
: "${TAP_FILE:=$top/build/results/debug.tap}"
mkdir -p "$(dirname "$TAP_FILE")"

start=$(date +%s)
if ! env=$(bash "$top/tests/vm/debug-kernel.sh" --env); then
	tap_fail "debug kernel: builds, and its .config has every option of tests/vm/debug.config"
	exit 1
fi
eval "$env"
tap_ok "debug kernel: builds, and its .config has every option of tests/vm/debug.config"
echo "check-debug: kernel $DEBUG_KVER ready after $(($(date +%s) - start)) s"

export VM_KERNEL=$DEBUG_IMAGE VM_MODULES=$DEBUG_MODULES
export VM_SMP=${VM_SMP:-2} VM_MEM=${VM_MEM:-1G}
export SCENARIO_TIMEOUT=${SCENARIO_TIMEOUT:-900} VM_TIMEOUT=${VM_TIMEOUT:-7200}
export TAP_FILE
VM_APPEND="debug_pagealloc=off slab_debug=- MSSCLAMP_SHORT=1${VM_APPEND:+ $VM_APPEND}"
export VM_APPEND

sel=${1:-}
if [ -z "$sel" ]; then
	skipped=
	for f in "$top"/tests/netns/[0-9][0-9]-*.sh; do
		n=${f##*/}
		n=${n%.sh}
		case $debug_skip in
		*" $n "*) skipped="$skipped $n" ;;
		*) sel=${sel:+$sel,}$n ;;
		esac
	done
	echo "check-debug: scenarios: $sel"
	echo "check-debug: not run (T= runs them):$skipped"
fi
exec bash "$top/tests/vm/run.sh" "$DEBUG_KVER" "$sel"
