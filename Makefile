# SPDX-License-Identifier: GPL-2.0
#
# mssclamp: the module (Kbuild beside this file), mssclampctl and the tests.
# `make help` lists the targets.

VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' dkms.conf)
TOP     := $(CURDIR)
BUILD   := $(TOP)/build

# What the user asked for, before defaults fill it in (check-vm runs every
# test kernel when none is named).
REQ_KVER := $(KVER)

# Other architectures: ARCH=arm64, arm or i386 (the kernel's names; Debian's
# arm64, armhf, i386) on a host of another architecture builds the module
# against Debian's kernel of that architecture that make deps unpacked into
# a private root (scripts/deps-foreign.sh): by default the newest release
# there (scripts/kver.sh --arch: on arm the armmp-lpae flavour, on i386
# 686-pae), or KVER=. The compiler is Debian's cross compiler for it
# (CROSS_COMPILE may name another); mssclampctl is cross-built too
# (userspace/Makefile).
DEB_ARCH_arm64      := arm64
DEB_ARCH_arm        := armhf
DEB_ARCH_i386       := i386
CROSS_COMPILE_arm64 := aarch64-linux-gnu-
CROSS_COMPILE_arm   := arm-linux-gnueabihf-
CROSS_COMPILE_i386  := i686-linux-gnu-
XARCH := $(and $(filter arm64 arm i386,$(ARCH)),$(filter-out $(shell dpkg --print-architecture 2>/dev/null),$(DEB_ARCH_$(ARCH))))

ifneq ($(XARCH),)
FOREIGN := $(or $(MSSCLAMP_CACHE),$(or $(XDG_CACHE_HOME),$(HOME)/.cache)/mssclamp)/foreign
ifeq ($(origin KDIR),undefined)
ifeq ($(KVER),)
KVER := $(shell scripts/kver.sh --arch $(XARCH) 2>/dev/null)
endif
KDIR := $(FOREIGN)/lib/modules/$(KVER)/build
else
KVER ?= $(notdir $(patsubst %/,%,$(dir $(KDIR))))
endif
CROSS_COMPILE ?= $(CROSS_COMPILE_$(ARCH))
KBUILD_CROSS  := ARCH=$(ARCH) CROSS_COMPILE=$(CROSS_COMPILE)

# The kernel to build against: the running one where its headers exist (an
# edge box), else the newest installed Debian kernel with headers and image.
else ifeq ($(origin KDIR),undefined)
ifneq ($(KVER),)
KDIR := /lib/modules/$(KVER)/build
else ifneq ($(wildcard /lib/modules/$(shell uname -r)/build),)
KVER := $(shell uname -r)
KDIR := /lib/modules/$(KVER)/build
else
KVER := $(shell scripts/kver.sh 2>/dev/null)
KDIR := /lib/modules/$(KVER)/build
endif
else
KVER ?= $(notdir $(patsubst %/,%,$(dir $(KDIR))))
endif

MODDIR  := $(BUILD)/kmod/$(KVER)
MODSRC  := Kbuild dkms.conf $(wildcard kmod/*.c kmod/*.h kmod/uapi/*.h)

.PHONY: all module ctl clean deps run check check-unit check-fuzz check-kunit check-vm check-long \
	style help version

all: module ctl

help:
	@echo "make [KDIR=...|KVER=...]  build mssclamp.ko and mssclampctl"
	@echo "make ARCH=arm64|arm|i386 [KVER=...]  the same for Debian's kernel of that architecture"
	@echo "make deps                 install build/test dependencies (root)"
	@echo "make run                  build, load, apply the default config (or in a VM)"
	@echo "make check                every test: unit, KUnit, VM on 6.1 and 6.12 (plain, rt, cloud, arm64, armhf)"
	@echo "make check-unit | check-fuzz | check-kunit | check-vm [KVER=...] [T=scenario]"
	@echo "make check-long           every suite at its long size (about an hour)"
	@echo "make check-debug [T=...]  the VM scenarios on a KASAN/lockdep kernel (slow; not in check)"
	@echo "make style                checkpatch on the kernel sources"
	@echo "make uapi                 kmod/uapi/mssclamp.h from docs/netlink/mssclamp.yaml (ynl-gen-c.py)"
	@echo "make clean                back to the tree as cloned"

version:
	@echo $(VERSION)

# The module is built in a copy under build/, one per kernel, so builds for
# several kernels never share objects and the source tree stays clean.
module: $(MODDIR)/mssclamp.ko

# With C= (sparse: C=1 the files compiled now, C=2 every file) kbuild runs
# even when the module is up to date.
$(MODDIR)/mssclamp.ko: $(MODSRC) $(if $(C),FORCE)
	@test -d "$(KDIR)" || { echo "no kernel headers at '$(KDIR)' (make deps, or KDIR=...)" >&2; exit 1; }
	@rm -f $@
	@mkdir -p $(MODDIR)/kmod/uapi
	@for f in $(MODSRC); do cmp -s $$f $(MODDIR)/$$f || cp $$f $(MODDIR)/$$f; done
	$(MAKE) -C $(KDIR) M=$(MODDIR) W=1 modules$(if $(KBUILD_CROSS), $(KBUILD_CROSS)) 2>&1 | tee $(MODDIR)/build.log
	@! grep -E 'warning:|error:' $(MODDIR)/build.log >/dev/null || { echo "module build has warnings" >&2; rm -f $@; exit 1; }
	@test -f $@

ctl:
	$(MAKE) -C userspace

FORCE:

deps:
	sh scripts/deps.sh

run:
	bash scripts/run.sh

check:
	bash tests/check.sh all

check-unit:
	bash tests/check.sh unit

check-kunit:
	bash tests/check.sh kunit

check-fuzz:
	bash tests/check.sh fuzz

check-vm:
	KVER="$(REQ_KVER)" T="$(T)" bash tests/check.sh vm

# The same suites at the sizes that take longer than a check should: 30
# minutes of fuzzing, and the VM scenarios' long forms (MSSCLAMP_LONG=1:
# 1 000 000-frame floods, 5 000 config changes, 500 module cycles), every
# scenario on every kernel (MSSCLAMP_VM_ALL=1: the deployment scenarios on
# the rt and cloud flavours too).
check-long:
	FUZZ_SECONDS=$(or $(FUZZ_SECONDS_LONG),1800) VM_APPEND="MSSCLAMP_LONG=1" \
		MSSCLAMP_VM_ALL=1 \
		SCENARIO_TIMEOUT=900 VM_TIMEOUT=3600 \
		KVER="$(REQ_KVER)" T="$(T)" bash tests/check.sh all

style:
	bash scripts/style.sh

clean:
	rm -rf $(BUILD)
	$(MAKE) -C userspace clean

# Further targets, one concern per file (install, packaging, fuzzing,
# benchmarks).
include $(sort $(wildcard mk/*.mk))
