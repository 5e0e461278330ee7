#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tap-plan.sh FILE: a recorded TAP file as prove(1) reads it: its lines,
# then the plan "1..N" of its N cases (the recorders append cases as they
# go and know no count in advance).
#
#   prove -e "sh tests/lib/sh/tap-plan.sh" build/results/*.tap
cat "$1" || exit 1
echo "1..$(grep -cE '^(not )?ok( |$)' "$1")"
