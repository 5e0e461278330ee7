# SPDX-License-Identifier: GPL-2.0
#
# Debian packages (included by the Makefile).
#
#   make deb    build/deb/mssclamp-dkms_VERSION_all.deb (the module's
#               sources and dkms.conf) and build/deb/mssclamp-tools_VERSION_
#               ARCH.deb (mssclampctl, man page, completion, systemd units,
#               /etc/mssclamp.conf as a conffile), with debhelper and
#               dh-dkms, then lintian on them: any error fails the target.
#   make deb DEB_HOST_ARCH=arm64|armhf
#               the same cross-built for that architecture (dpkg-buildpackage
#               -a, Debian's cross compiler, the build dependencies of that
#               architecture installed through multiarch by make deps:
#               scripts/deps-foreign.sh), into build/deb-ARCH/: mssclamp-
#               tools_VERSION_ARCH.deb beside the same mssclamp-dkms_all.deb.
#
# The packages are built in a copy of the tree, build/deb/mssclamp-VERSION/,
# so nothing is written into the tree (make clean removes build/). The
# version is dkms.conf's; debian/changelog is written into the copy from it.
# Rebuilt only when one of the files copied changes.

DEB_BUILD_ARCH := $(shell dpkg --print-architecture 2>/dev/null)
DEB_ARCH  := $(or $(DEB_HOST_ARCH),$(DEB_BUILD_ARCH))
DEB_CROSS := $(filter-out $(DEB_BUILD_ARCH),$(DEB_ARCH))
DEB_DIR   := $(BUILD)/deb$(if $(DEB_CROSS),-$(DEB_CROSS))
DEB_SRC    = $(DEB_DIR)/mssclamp-$(VERSION)
DEB_FILES  = $(DEB_DIR)/mssclamp-dkms_$(VERSION)_all.deb \
	     $(DEB_DIR)/mssclamp-tools_$(VERSION)_$(DEB_ARCH).deb
# A cross build: the host architecture's, without running the tests (the
# build has none).
, := ,
DEB_BUILDFLAGS := $(if $(DEB_CROSS),-a$(DEB_CROSS) -Pcross$(,)nocheck)
# ... with the cross compiler in CC, which dpkg-buildpackage checks against
# the host architecture and dh_auto_build passes to make.
DEB_BUILDENV  := $(if $(DEB_CROSS),DEB_BUILD_OPTIONS=nocheck \
	CC=$(shell dpkg-architecture -a$(DEB_CROSS) -qDEB_HOST_GNU_TYPE 2>/dev/null)-gcc)

# What the copy holds: what debian/rules builds and installs from (of the
# make fragments, only install.mk: debian/rules needs no other).
DEB_INPUTS := Makefile mk/install.mk $(MODSRC) scripts/kver.sh \
	$(wildcard userspace/Makefile userspace/*.c userspace/*.h \
		userspace/doctor/*.c userspace/doctor/*.h \
		userspace/lib/*.c userspace/lib/*.h) \
	userspace/mssclampctl.8 userspace/mssclampctl.bash-completion \
	$(wildcard packaging/*) README.md docs/mssclampctl.md \
	docs/operations.md $(filter-out debian/changelog,$(shell \
		find debian -type f 2>/dev/null))

.PHONY: deb

deb: $(DEB_DIR)/.built
	@ls -l $(DEB_FILES)

$(DEB_DIR)/.built: $(DEB_INPUTS)
	@command -v dpkg-buildpackage >/dev/null && command -v dh_dkms >/dev/null || \
		{ echo "deb: needs dpkg-dev, debhelper and dh-dkms (make deps)" >&2; exit 1; }
	@test -n "$(VERSION)" || { echo "deb: no PACKAGE_VERSION in dkms.conf" >&2; exit 1; }
	@case " $(DEB_CROSS) " in "  " | " arm64 " | " armhf ") ;; *) \
		echo "deb: DEB_HOST_ARCH=$(DEB_CROSS): only arm64 and armhf are cross-built" >&2; exit 1 ;; esac
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_SRC)
	cp --parents -p $(DEB_INPUTS) $(DEB_SRC)/
	{ echo "mssclamp ($(VERSION)) unstable; urgency=medium"; \
	  echo; \
	  echo "  * Version $(VERSION), built from the mssclamp tree by make deb."; \
	  echo; \
	  echo " -- $$(sed -n 's/^Maintainer: //p' debian/control)  $$(date -R -d @$$(stat -c %Y dkms.conf))"; \
	} >$(DEB_SRC)/debian/changelog
	@echo "dpkg-buildpackage -b -us -uc $(DEB_BUILDFLAGS) in $(DEB_SRC) (log: $(DEB_DIR)/build.log)"
	@cd $(DEB_SRC) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u DEB_HOST_ARCH $(DEB_BUILDENV) \
		dpkg-buildpackage -b -us -uc $(DEB_BUILDFLAGS) >$(DEB_DIR)/build.log 2>&1 || \
		{ tail -n 40 $(DEB_DIR)/build.log >&2; echo "deb: dpkg-buildpackage failed" >&2; exit 1; }
	@ls $(DEB_FILES) >/dev/null
	@if command -v lintian >/dev/null; then \
		echo "lintian $(notdir $(DEB_FILES))"; \
		lintian --fail-on error $(DEB_FILES) | tee $(DEB_DIR)/lintian.log || \
			{ echo "deb: lintian reports errors" >&2; exit 1; }; \
	else \
		echo "deb: lintian is not installed: packages not checked" >&2; \
	fi
	touch $@
