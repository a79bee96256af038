# Deployment files: systemd units, sysusers/tmpfiles snippets, the
# configuration file, the nginx snippet, man pages; `make deb` and
# `make rpm` (see packaging/README.md).
#
# Units and the nginx snippet are templates: @bindir@, @sysconfdir@,
# @NGINX_GROUP@ and @DOCXP_API_SOCKET@ are filled in here (at make time,
# not by configure, so that they are fully expanded paths).

sysusersdir = $(prefix)/lib/sysusers.d
tmpfilesdir = $(prefix)/lib/tmpfiles.d
docxpconfdir = $(sysconfdir)/docxp
nginxsnippetdir = $(sysconfdir)/nginx/snippets
nginxconfddir = $(sysconfdir)/nginx/conf.d
docxpexamplesdir = $(docdir)/examples

DOCXP_UNITS = \
	systemd/docxp-api.socket \
	systemd/docxp-api.service \
	systemd/docxp-worker@.service \
	systemd/docxp-workers.target \
	systemd/docxp-migrate.service \
	systemd/docxp-credentials.service \
	systemd/docxp-credentials.timer
systemdsystemunit_DATA = $(DOCXP_UNITS)
CLEANFILES += $(DOCXP_UNITS) packaging/docxp-locations.conf packaging/docxp-upstream.conf

dist_man_MANS = docs/docxp.1 docs/docxp-api.8 docs/docxp-worker.8 docs/docxp-credentials.8 docs/docxp.conf.5
dist_doc_DATA = README.md
dist_docxpexamples_DATA = nginx/docxp-site.conf

EXTRA_DIST += $(DOCXP_UNITS:=.in) systemd/docxp.sysusers systemd/docxp.tmpfiles \
	packaging/local.mk packaging/README.md packaging/docxp.conf \
	packaging/deb packaging/rpm

docxp_subst = sed -e 's|@bindir[@]|$(bindir)|g' -e 's|@sbindir[@]|$(sbindir)|g' \
	-e 's|@sysconfdir[@]|$(sysconfdir)|g' -e 's|@localstatedir[@]|$(localstatedir)|g' \
	-e 's|@NGINX_GROUP[@]|$(NGINX_GROUP)|g' -e 's|@DOCXP_API_SOCKET[@]|$(DOCXP_API_SOCKET)|g'

$(DOCXP_UNITS): Makefile
	$(AM_V_GEN)$(MKDIR_P) $(@D) && rm -f $@ $@.tmp && \
	$(docxp_subst) $(srcdir)/$@.in >$@.tmp && mv $@.tmp $@

systemd/docxp-api.socket: $(srcdir)/systemd/docxp-api.socket.in
systemd/docxp-api.service: $(srcdir)/systemd/docxp-api.service.in
systemd/docxp-worker@.service: $(srcdir)/systemd/docxp-worker@.service.in
systemd/docxp-workers.target: $(srcdir)/systemd/docxp-workers.target.in
systemd/docxp-migrate.service: $(srcdir)/systemd/docxp-migrate.service.in
systemd/docxp-credentials.service: $(srcdir)/systemd/docxp-credentials.service.in
systemd/docxp-credentials.timer: $(srcdir)/systemd/docxp-credentials.timer.in

# The nginx files as installed: the socket path filled in.
DOCXP_NGINX = packaging/docxp-locations.conf packaging/docxp-upstream.conf
packaging/docxp-locations.conf: $(srcdir)/nginx/docxp-locations.conf Makefile
packaging/docxp-upstream.conf: $(srcdir)/nginx/docxp-upstream.conf Makefile
$(DOCXP_NGINX):
	$(AM_V_GEN)$(MKDIR_P) $(@D) && rm -f $@ $@.tmp && \
	$(docxp_subst) $(srcdir)/nginx/$(@F) >$@.tmp && mv $@.tmp $@

all-local: $(DOCXP_NGINX)

# Files whose installed name differs from their source name.  The
# configuration file is never overwritten (it is the operator's), and is
# removed on uninstall only when unchanged.  Packages set its owner group
# (root:docxp 0640: it may hold secrets).
install-data-local: $(DOCXP_NGINX)
	$(MKDIR_P) '$(DESTDIR)$(sysusersdir)' '$(DESTDIR)$(tmpfilesdir)' \
		'$(DESTDIR)$(docxpconfdir)' '$(DESTDIR)$(nginxsnippetdir)' '$(DESTDIR)$(nginxconfddir)'
	$(INSTALL_DATA) $(srcdir)/systemd/docxp.sysusers '$(DESTDIR)$(sysusersdir)/docxp.conf'
	$(INSTALL_DATA) $(srcdir)/systemd/docxp.tmpfiles '$(DESTDIR)$(tmpfilesdir)/docxp.conf'
	$(INSTALL_DATA) packaging/docxp-locations.conf '$(DESTDIR)$(nginxsnippetdir)/docxp-locations.conf'
	$(INSTALL_DATA) packaging/docxp-upstream.conf '$(DESTDIR)$(nginxconfddir)/docxp-upstream.conf'
	@if test -f '$(DESTDIR)$(docxpconfdir)/docxp.conf'; then \
		echo "keeping $(DESTDIR)$(docxpconfdir)/docxp.conf (example: $(srcdir)/packaging/docxp.conf)"; \
	else \
		echo " $(INSTALL) -m 0640 packaging/docxp.conf '$(DESTDIR)$(docxpconfdir)/docxp.conf'"; \
		$(INSTALL) -m 0640 $(srcdir)/packaging/docxp.conf '$(DESTDIR)$(docxpconfdir)/docxp.conf'; \
	fi

uninstall-local:
	rm -f '$(DESTDIR)$(sysusersdir)/docxp.conf' '$(DESTDIR)$(tmpfilesdir)/docxp.conf' \
		'$(DESTDIR)$(nginxsnippetdir)/docxp-locations.conf' '$(DESTDIR)$(nginxconfddir)/docxp-upstream.conf'
	@if cmp -s $(srcdir)/packaging/docxp.conf '$(DESTDIR)$(docxpconfdir)/docxp.conf'; then \
		echo " rm -f '$(DESTDIR)$(docxpconfdir)/docxp.conf'"; \
		rm -f '$(DESTDIR)$(docxpconfdir)/docxp.conf'; \
	fi

# ---- native packages ---------------------------------------------------
#
# Both are built from the distribution tarball (make dist), so they
# contain exactly what a release contains:
#   make deb   unpacks it under deb-build/, copies packaging/deb to debian/,
#              runs dpkg-buildpackage -us -uc -b; the .deb lands in the
#              build directory.
#   make rpm   rpmbuild -bb --nodeps with _topdir rpm-build/ (on a Debian
#              host with packaging/rpm/macros.debian-host); the .rpm (and
#              -debuginfo/-debugsource) land in the build directory.
DEB_BUILD_DIR = deb-build
RPM_BUILD_DIR = rpm-build
DPKG_BUILDPACKAGE_FLAGS = -us -uc -b
RPMBUILD_FLAGS = --nodeps

deb: dist-gzip
	rm -rf $(DEB_BUILD_DIR) && $(MKDIR_P) $(DEB_BUILD_DIR)
	tar -C $(DEB_BUILD_DIR) -xzf $(distdir).tar.gz
	cp -R $(DEB_BUILD_DIR)/$(distdir)/packaging/deb $(DEB_BUILD_DIR)/$(distdir)/debian
	cd $(DEB_BUILD_DIR)/$(distdir) && dpkg-buildpackage $(DPKG_BUILDPACKAGE_FLAGS)
	cp $(DEB_BUILD_DIR)/*.deb .
	@ls -1 $(DEB_BUILD_DIR)/*.deb

rpm: dist-gzip
	rm -rf $(RPM_BUILD_DIR) && $(MKDIR_P) $(RPM_BUILD_DIR)/SOURCES
	cp $(distdir).tar.gz $(RPM_BUILD_DIR)/SOURCES/
	cp $(srcdir)/systemd/docxp.sysusers $(RPM_BUILD_DIR)/SOURCES/docxp.sysusers
	@# systemd-rpm-macros missing (a Debian host): our stand-ins, see the file
	if test -z "`rpm --eval '%{?systemd_post:yes}'`"; then \
		load="--load=$(abs_srcdir)/packaging/rpm/macros.debian-host"; else load=; fi; \
	rpmbuild -bb $(RPMBUILD_FLAGS) $$load \
		--define "_topdir $(abs_builddir)/$(RPM_BUILD_DIR)" \
		$(srcdir)/packaging/rpm/docxp.spec
	cp $(RPM_BUILD_DIR)/RPMS/*/*.rpm .
	@ls -1 $(RPM_BUILD_DIR)/RPMS/*/*.rpm

clean-local: clean-packages
clean-packages:
	rm -rf $(DEB_BUILD_DIR) $(RPM_BUILD_DIR)
	rm -f docxp_*.deb docxp-dbgsym_*.deb docxp-*.rpm

.PHONY: deb rpm clean-packages
