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
# Environment: VM_SMP (default 2), VM_MEM (default 1G: KASAN's shadow and
# the debug allocators need room), SCENARIO_TIMEOUT (default 900) and
# VM_TIMEOUT (default 7200), which the debug kernel's slowness under TCG
# asks for; TAP_FILE as for run.sh.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd -P)
# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"
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
exec bash "$top/tests/vm/run.sh" "$DEBUG_KVER" "${1:-}"
