# One fragment per subsystem; each adds its cmocka programs to
# check_PROGRAMS and TESTS and links them with $(UNIT_LIBS).
include $(srcdir)/tests/unit/util/local.mk
include $(srcdir)/tests/unit/extract/local.mk
include $(srcdir)/tests/unit/index/local.mk
include $(srcdir)/tests/unit/http/local.mk
include $(srcdir)/tests/unit/store/local.mk
include $(srcdir)/tests/unit/queue/local.mk
include $(srcdir)/tests/unit/api/local.mk
include $(srcdir)/tests/unit/aws/local.mk
include $(srcdir)/tests/unit/search/local.mk
include $(srcdir)/tests/unit/embed/local.mk
EXTRA_DIST += tests/unit/replay_util.h
