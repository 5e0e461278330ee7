# SPDX-License-Identifier: GPL-2.0
#
# Installing mssclamp from the tree (included by the Makefile).
#
#   make install [DESTDIR=...] [PREFIX=/usr/local]
#       mssclampctl, its man page, bash completion, the systemd unit
#       mssclamp.service, the exporter mssclamp-prometheus.service and its
#       .timer (installed, not enabled), and /etc/mssclamp.conf when there
#       is none yet.
#       Finer: SBINDIR, MANDIR, BASHCOMPDIR, UNITDIR, SYSCONFDIR.
#   make uninstall [DESTDIR=...] [PREFIX=...]
#       removes what install put there, except /etc/mssclamp.conf.
#   make dkms-install [KVER=...]   (root)
#       copies the module's sources to /usr/src/mssclamp-VERSION, registers
#       them with DKMS and builds and installs the module for KVER (default:
#       the running kernel). DKMS rebuilds it for every kernel installed
#       later (AUTOINSTALL in dkms.conf). Run again, it keeps what DKMS
#       has built from the same sources.
#   make dkms-uninstall            (root)
#       removes the module from DKMS, every kernel, and /usr/src.
#   make dkms-source DESTDIR=...
#       only the copy into DESTDIR/usr/src/mssclamp-VERSION (packaging).

PREFIX      ?= /usr/local
SBINDIR     ?= $(PREFIX)/sbin
MANDIR      ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UNITDIR     ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR  ?= /etc

DKMS_NAME   := mssclamp
DKMS_SRCDIR  = /usr/src/$(DKMS_NAME)-$(VERSION)
# The kernel DKMS builds for: KVER if given, else the running one (on an
# edge box that is the one to load the module into).
DKMS_KVER    = $(if $(REQ_KVER),$(REQ_KVER),$(shell uname -r))

.PHONY: install uninstall dkms-source dkms-install dkms-same dkms-uninstall

install: ctl
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(SYSCONFDIR)
	install -m 0755 userspace/mssclampctl $(DESTDIR)$(SBINDIR)/mssclampctl
	sed 's/@VERSION@/$(VERSION)/g' userspace/mssclampctl.8 \
		>$(DESTDIR)$(MANDIR)/man8/mssclampctl.8
	chmod 0644 $(DESTDIR)$(MANDIR)/man8/mssclampctl.8
	install -m 0644 userspace/mssclampctl.bash-completion \
		$(DESTDIR)$(BASHCOMPDIR)/mssclampctl
	sed 's|@SBINDIR@|$(SBINDIR)|g' packaging/mssclamp.service.in \
		>$(DESTDIR)$(UNITDIR)/mssclamp.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/mssclamp.service
	sed 's|@SBINDIR@|$(SBINDIR)|g' packaging/mssclamp-prometheus.service.in \
		>$(DESTDIR)$(UNITDIR)/mssclamp-prometheus.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/mssclamp-prometheus.service
	install -m 0644 packaging/mssclamp-prometheus.timer \
		$(DESTDIR)$(UNITDIR)/mssclamp-prometheus.timer
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/mssclamp.conf ]; then \
		echo "install: keeping the existing $(DESTDIR)$(SYSCONFDIR)/mssclamp.conf"; \
	else \
		echo "install -m 0644 packaging/mssclamp.conf $(DESTDIR)$(SYSCONFDIR)/mssclamp.conf"; \
		install -m 0644 packaging/mssclamp.conf $(DESTDIR)$(SYSCONFDIR)/mssclamp.conf; \
	fi

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/mssclampctl \
		$(DESTDIR)$(MANDIR)/man8/mssclampctl.8 \
		$(DESTDIR)$(BASHCOMPDIR)/mssclampctl \
		$(DESTDIR)$(UNITDIR)/mssclamp.service \
		$(DESTDIR)$(UNITDIR)/mssclamp-prometheus.service \
		$(DESTDIR)$(UNITDIR)/mssclamp-prometheus.timer
	@echo "uninstall: $(DESTDIR)$(SYSCONFDIR)/mssclamp.conf is left in place"

# The sources DKMS builds from: what the Makefile builds the module from.
dkms-source: $(MODSRC)
	@test -n "$(VERSION)" || { echo "no PACKAGE_VERSION in dkms.conf" >&2; exit 1; }
	rm -rf $(DESTDIR)$(DKMS_SRCDIR)
	install -d $(DESTDIR)$(DKMS_SRCDIR)
	for f in $(MODSRC); do \
		install -D -m 0644 $$f $(DESTDIR)$(DKMS_SRCDIR)/$$f || exit 1; \
	done

# Other versions of mssclamp in DKMS are removed (an upgrade from the tree).
# DKMS keeps what it has when it already holds this version from the same
# sources (a second run, another kernel, or a build made elsewhere and
# loaded with "dkms ldtarball"): "dkms install" then builds only what is
# not built yet. Other sources under the same version replace it.
dkms-install:
	@command -v dkms >/dev/null || { echo "dkms-install: dkms is not installed (apt-get install dkms)" >&2; exit 1; }
	@[ "$$(id -u)" = 0 ] || { echo "dkms-install: must run as root" >&2; exit 1; }
	@for v in $$(dkms status -m $(DKMS_NAME) | sed -n 's|^$(DKMS_NAME)/\([^,:]*\)[,:].*|\1|p' | sort -u); do \
		[ "$$v" = "$(VERSION)" ] && continue; \
		echo "dkms remove $(DKMS_NAME)/$$v --all (replaced by $(VERSION))"; \
		dkms remove $(DKMS_NAME)/$$v --all >/dev/null || exit 1; \
		rm -rf /usr/src/$(DKMS_NAME)-$$v; \
	done
	@if ! dkms status -m $(DKMS_NAME) -v $(VERSION) | grep -q .; then \
		$(MAKE) --no-print-directory dkms-source DESTDIR= && \
		echo "dkms add $(DKMS_NAME)/$(VERSION)" && \
		dkms add $(DKMS_NAME)/$(VERSION); \
	elif $(MAKE) -s --no-print-directory dkms-same; then \
		echo "dkms-install: DKMS has $(DKMS_NAME)/$(VERSION) from these sources already"; \
	else \
		echo "dkms remove $(DKMS_NAME)/$(VERSION) --all (other sources under the same version)"; \
		dkms remove $(DKMS_NAME)/$(VERSION) --all >/dev/null && \
		$(MAKE) --no-print-directory dkms-source DESTDIR= && \
		echo "dkms add $(DKMS_NAME)/$(VERSION)" && \
		dkms add $(DKMS_NAME)/$(VERSION); \
	fi
	dkms install $(DKMS_NAME)/$(VERSION) -k $(DKMS_KVER)

# Exit status 0 when /usr/src/NAME-VERSION holds the sources of this tree.
dkms-same:
	@for f in $(MODSRC); do cmp -s $$f $(DKMS_SRCDIR)/$$f || exit 1; done

dkms-uninstall:
	@command -v dkms >/dev/null || { echo "dkms-uninstall: dkms is not installed" >&2; exit 1; }
	@[ "$$(id -u)" = 0 ] || { echo "dkms-uninstall: must run as root" >&2; exit 1; }
	@if dkms status -m $(DKMS_NAME) -v $(VERSION) | grep -q .; then \
		echo "dkms remove $(DKMS_NAME)/$(VERSION) --all"; \
		dkms remove $(DKMS_NAME)/$(VERSION) --all || exit 1; \
	else \
		echo "dkms-uninstall: $(DKMS_NAME)/$(VERSION) is not in DKMS"; \
	fi
	rm -rf $(DKMS_SRCDIR)
	@if [ -d /sys/module/$(DKMS_NAME) ]; then \
		echo "dkms-uninstall: the module is still loaded (modprobe -r $(DKMS_NAME))"; \
	fi
