# SPDX-License-Identifier: GPL-2.0
#
# Fuzzing the MSS option rewriter (tests/fuzz/): libFuzzer with ASan and
# UBSan, built with clang. Included by the top Makefile.
#
#   make fuzz [FUZZ_SECONDS=N]   build, check the seeds and planted bugs,
#                                fuzz N seconds (default 300), report
#                                executions and coverage
#   make fuzz-corpus             rewrite tests/fuzz/corpus/ from mkcorpus.py
#
# `make check` runs the same script for 60 s (tests/check.sh). New inputs
# accumulate in build/fuzz/corpus/, crashes land in build/fuzz/artifacts/.

FUZZ_SECONDS ?= 300

.PHONY: fuzz fuzz-corpus

fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/fuzz/run.sh

fuzz-corpus:
	/usr/bin/python3 tests/fuzz/mkcorpus.py
