# SPDX-License-Identifier: GPL-2.0
#
# make demo [KVER=...]: the user's journey with mssclamp, inside the test
# VM (tests/vm/run.sh) on Debian's newest installed kernel: install, DKMS,
# modprobe, apply, the 9000-to-1500 cliff without and with the clamp,
# stats (tests/vm/demo.sh says what it does). Shows only what a person at
# the VM's console would read; the whole console is kept in
# build/vm/KVER/serial.log. Exit status 0 when every step did what it
# should. Needs what make check needs (make deps).

DEMO_KVER = $(if $(REQ_KVER),$(REQ_KVER),$(shell scripts/kver.sh 2>/dev/null))

.PHONY: demo

demo: SHELL := /bin/bash
demo:
	@k='$(DEMO_KVER)'; \
	[ -n "$$k" ] || { echo "demo: no Debian kernel with headers and image installed (make deps)" >&2; exit 1; }; \
	echo "demo: starting a VM on Debian's kernel $$k (QEMU, emulated CPU: this takes a few minutes)"; \
	mkdir -p $(BUILD)/results; \
	TAP_FILE=$(BUILD)/results/demo.tap; rm -f $$TAP_FILE; \
	TAP_FILE=$$TAP_FILE bash tests/vm/run.sh "$$k" $(TOP)/tests/vm/demo.sh 2>&1 | \
		sed -u -n -e 's/^demo| \{0,1\}//p' \
			-e 's/^vm\[[^]]*\]: \(waiting for .*\|booting\).*/demo: \1 .../p' \
			-e 's/^not ok - [^ ]* demo: /demo: FAILED: /p'; \
	rc=$${PIPESTATUS[0]}; \
	if [ "$$rc" = 0 ]; then \
		echo "demo: every step did what it should ($$(grep -c '^ok ' $$TAP_FILE) checks)"; \
	else \
		echo "demo: something went wrong: see build/vm/$$k/serial.log" >&2; exit 1; \
	fi
