# Unit tests (cmocka, no servers) and integration tests (Python, real
# servers started by tests/harness). Both report TAP so that every test
# case is counted by the automake harness.

TEST_EXTENSIONS = .py
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' CMOCKA_MESSAGE_OUTPUT=TAP $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
PY_LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
# test notes and failure details on the console next to the result (CI shows the console)
AM_PY_LOG_DRIVER_FLAGS = --comments
PY_LOG_COMPILER = $(top_srcdir)/tests/harness/run-py
AM_TESTS_ENVIRONMENT = DOCXP_BUILDDIR='$(abs_top_builddir)'; DOCXP_SRCDIR='$(abs_top_srcdir)'; \
	export DOCXP_BUILDDIR DOCXP_SRCDIR;

UNIT_LIBS = $(DOCXP_LIBS) $(CMOCKA_LIBS)

include $(srcdir)/tests/unit/local.mk
include $(srcdir)/tests/integration/local.mk
