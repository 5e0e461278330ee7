# SPDX-License-Identifier: GPL-2.0
#
# make uapi: regenerate kmod/uapi/mssclamp.h from docs/netlink/mssclamp.yaml
# with the kernel's tools/net/ynl/ynl-gen-c.py (--mode uapi --header, as the
# kernel's ynl-regen.sh does for its own families), from Debian's
# linux-source-6.12 (scripts/ynl.sh extracts it once). The header is
# committed; tests/unit/spec_test.py fails when it differs from what this
# writes.

.PHONY: uapi

uapi:
	bash scripts/ynl.sh gen kmod/uapi/mssclamp.h
