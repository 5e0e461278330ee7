# SPDX-License-Identifier: GPL-2.0
#
# Benchmarks (docs/performance.md). They report figures and never judge
# them, so they are not part of `make check`.
#
#   make bench [KVER=...]        per-packet cost of mssclamp, nft, iptables,
#                                an empty hook and no clamp, in a VM booted
#                                with -icount shift=0 (tests/bench/run.sh)
#   make bench-smoke [KVER=...]  the same with a handful of frames: proves
#                                the machinery, not the figures
#   make bench-micro             the option rewriter in userspace: ns and
#                                instructions (callgrind) per call
#   make bench-build [KVER=...]  only build the benchmark's pieces
#
# bench-build also builds a second mssclamp.ko, for the benchmark's A/B only,
# with the histograms left out (tests/bench/Kbuild.nohist): the product's
# sources and Kbuild, plus one file of the benchmark's.
#
# KVER defaults to the newest installed kernel with headers and image. An
# arm64 release that make deps unpacked (scripts/kver.sh --arch arm64)
# runs the benchmark on qemu-system-aarch64 (tests/vm/boot.sh), everything
# cross-built for it (bench-build ARCH=arm64 KVER=...).

BENCH_DIR    := $(BUILD)/bench
BENCH_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror
ifneq ($(XARCH),)
# ARCH=arm64 or arm (the Makefile's XARCH): the modules against that
# kernel's headers in the cache, with the cross compiler, and the sender
# cross-built against the sysroot userspace/Makefile uses, into
# build/bench/DEBIAN-ARCH/.
BENCH_KVER   := $(KVER)
BENCH_KDIR   := $(KDIR)
BENCH_XCC    := $(CROSS_COMPILE)gcc --sysroot=$(FOREIGN)/sysroot-$(XARCH)
BENCH_SEND   := $(BENCH_DIR)/$(XARCH)/mssbench-send
else
BENCH_KVER   := $(if $(REQ_KVER),$(REQ_KVER),$(shell scripts/kver.sh 2>/dev/null))
BENCH_KDIR   := /lib/modules/$(BENCH_KVER)/build
BENCH_SEND   := $(BENCH_DIR)/mssbench-send
endif
BENCH_MODDIR := $(BENCH_DIR)/$(BENCH_KVER)/kmod
BENCH_CC     ?= gcc
BENCH_MICRO  := $(BENCH_DIR)/micro
# The modules' sources, each copied beside the Kbuild (the headers of
# mssclamp they need go in mssclamp/).
BENCH_MODSRC := tests/bench/Kbuild tests/bench/nop.c tests/bench/probe.c
BENCH_MODHDR := kmod/mssclamp.h kmod/uapi/mssclamp.h
BENCH_NOHIST := $(BENCH_DIR)/$(BENCH_KVER)/kmod-nohist
BENCH_NOHIST_SRC := Kbuild dkms.conf $(wildcard kmod/*.c kmod/*.h kmod/uapi/*.h) \
	tests/bench/Kbuild.nohist tests/bench/nohist.c

.PHONY: bench bench-smoke bench-micro bench-build bench-clean

bench:
	bash tests/bench/run.sh $(BENCH_KVER)

bench-smoke:
	BENCH_SMOKE=1 bash tests/bench/run.sh $(BENCH_KVER)

bench-build: $(BENCH_SEND) $(BENCH_MODDIR)/mssbench_nop.ko $(BENCH_NOHIST)/mssclamp.ko

$(BENCH_SEND): tests/bench/send.c tests/bench/frames.c tests/bench/frames.h \
		tests/lib/c/pkt.c tests/lib/c/pkt.h
	@mkdir -p $(dir $@)
	$(or $(BENCH_XCC),$(BENCH_CC)) $(BENCH_CFLAGS) -Itests/lib/c -o $@ tests/bench/send.c \
		tests/bench/frames.c tests/lib/c/pkt.c

$(BENCH_MODDIR)/mssbench_nop.ko: $(BENCH_MODSRC) $(BENCH_MODHDR)
	@test -d "$(BENCH_KDIR)" || { echo "no kernel headers at '$(BENCH_KDIR)'" >&2; exit 1; }
	@rm -f $@
	@mkdir -p $(BENCH_MODDIR)/mssclamp/uapi
	@cp $(BENCH_MODSRC) $(BENCH_MODDIR)/
	@cp kmod/mssclamp.h $(BENCH_MODDIR)/mssclamp/
	@cp kmod/uapi/mssclamp.h $(BENCH_MODDIR)/mssclamp/uapi/
	$(MAKE) -C $(BENCH_KDIR) M=$(BENCH_MODDIR) W=1 modules$(if $(KBUILD_CROSS), $(KBUILD_CROSS)) 2>&1 | tee $(BENCH_MODDIR)/build.log
	@! grep -E 'warning:|error:' $(BENCH_MODDIR)/build.log >/dev/null || { echo "benchmark module build has warnings" >&2; rm -f $@; exit 1; }
	@test -f $@ && test -f $(BENCH_MODDIR)/mssbench_probe.ko

# The module's tree as make module copies it, the top-level Kbuild included
# by the benchmark's.
$(BENCH_NOHIST)/mssclamp.ko: $(BENCH_NOHIST_SRC)
	@test -d "$(BENCH_KDIR)" || { echo "no kernel headers at '$(BENCH_KDIR)'" >&2; exit 1; }
	@rm -f $@
	@mkdir -p $(BENCH_NOHIST)/kmod/uapi
	@for f in dkms.conf $(wildcard kmod/*.c kmod/*.h kmod/uapi/*.h); do \
		cmp -s $$f $(BENCH_NOHIST)/$$f || cp $$f $(BENCH_NOHIST)/$$f; done
	@cmp -s Kbuild $(BENCH_NOHIST)/mssclamp.kbuild || cp Kbuild $(BENCH_NOHIST)/mssclamp.kbuild
	@cmp -s tests/bench/Kbuild.nohist $(BENCH_NOHIST)/Kbuild || cp tests/bench/Kbuild.nohist $(BENCH_NOHIST)/Kbuild
	@cmp -s tests/bench/nohist.c $(BENCH_NOHIST)/nohist.c || cp tests/bench/nohist.c $(BENCH_NOHIST)/nohist.c
	$(MAKE) -C $(BENCH_KDIR) M=$(BENCH_NOHIST) W=1 modules$(if $(KBUILD_CROSS), $(KBUILD_CROSS)) 2>&1 | tee $(BENCH_NOHIST)/build.log
	@! grep -E 'warning:|error:' $(BENCH_NOHIST)/build.log >/dev/null || { echo "benchmark's nohist module build has warnings" >&2; rm -f $@; exit 1; }
	@test -f $@

# The rewriter at the kernel's optimisation level, inlined into its caller
# as in the module (kmod/clamp.h).
$(BENCH_MICRO): tests/bench/micro.c kmod/clamp.h kmod/clamp_user.h
	@mkdir -p $(dir $@)
	$(BENCH_CC) $(BENCH_CFLAGS) -Ikmod -o $@ tests/bench/micro.c

bench-micro: $(BENCH_MICRO)
	bash tests/bench/micro.sh $(BENCH_MICRO)

bench-clean:
	rm -rf $(BENCH_DIR)
