# SPDX-License-Identifier: GPL-2.0
#
# The VM scenarios on a debug kernel (docs/testing.md, "The debug kernel").
# Not part of `make check`: the kernel takes long to build cold on
# two cores, and the run is several times slower than on Debian's kernels.
#
#   make check-debug [T=scenario,...]   build (once) or reuse the debug kernel
#                                       (tests/vm/debug-kernel.sh), run the
#                                       scenarios that test the module on it
#                                       (T: any scenario), short form, 2 CPUs;
#                                       fail on any KASAN, UBSAN, lockdep,
#                                       RCU or kmemleak report
#   make debug-kernel                   only build the debug kernel

.PHONY: check-debug debug-kernel

check-debug:
	T="$(T)" bash tests/check.sh debug

debug-kernel:
	bash tests/vm/debug-kernel.sh
