#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-micro: the option rewriter's cost per call on the SYN layouts
# of Linux, Windows and macOS (see tests/bench/micro.c).
#
#   tests/bench/micro.sh BUILD/bench/micro
#
# Prints ns per call (this machine's clock: varies) and instructions per
# call (valgrind --tool=callgrind: exact and repeatable), net of the loop
# (and, for "clamp", of restoring the header before each call), then one
# line per figure: BENCH_MICRO layout=linux case=scan ns=... instr=...
set -eu -o pipefail
export LC_ALL=C

micro=${1:?usage: micro.sh PATH-TO-micro}
dir=$(dirname "$micro")/callgrind
rm -rf "$dir"
mkdir -p "$dir"

"$micro" >"$dir/ns.txt"

command -v valgrind >/dev/null || { echo "micro: valgrind is not installed" >&2; exit 1; }
valgrind --tool=callgrind --callgrind-out-file="$dir/cg.out" "$micro" --instr \
	>/dev/null 2>"$dir/valgrind.log" ||
	{ cat "$dir/valgrind.log" >&2; exit 1; }

# Each dump: "desc: Trigger: Client Request: LAYOUT/CASE calls=N" and a
# "summary: IR" (or "totals: IR") line.
for f in "$dir"/cg.out.*; do
	awk '/^desc: Trigger: Client Request:/ { split($5, a, "/"); layout = a[1]; c = a[2];
		split($6, n, "="); calls = n[2] }
	     /^(summary|totals):/ { ir = $2 }
	     END { if (layout != "") print layout, c, calls, ir }' "$f"
done | sort >"$dir/instr.txt"

awk -v nsfile="$dir/ns.txt" '
	BEGIN {
		while ((getline line < nsfile) > 0) {
			split(line, f, " ")
			if (f[1] != "layout") ns[f[1] "/" f[2]] = f[3]
		}
	}
	{ ir[$1 "/" $2] = $4 / $3; seen[$1] = 1 }
	END {
		printf "%-8s %-10s %10s %14s\n", "layout", "case", "ns/call", "instr/call"
		nl = split("linux windows macos", L, " ")
		nc = split("scan clamp unchanged", C, " ")
		for (i = 1; i <= nl; i++) {
			if (!(L[i] in seen)) continue
			for (j = 1; j <= nc; j++) {
				k = L[i] "/" C[j]
				base = (C[j] == "clamp") ? ir[L[i] "/copy"] : ir[L[i] "/loop"]
				printf "%-8s %-10s %10.2f %14.1f\n", L[i], C[j], ns[k], ir[k] - base
				out = out sprintf("BENCH_MICRO layout=%s case=%s ns=%.2f instr=%.1f\n",
					L[i], C[j], ns[k], ir[k] - base)
			}
		}
		printf "\n%s", out
	}' "$dir/instr.txt"
