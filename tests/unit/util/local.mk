check_PROGRAMS += tests/unit/util/test_conf tests/unit/util/test_buf tests/unit/util/test_glob tests/unit/util/test_log
TESTS += tests/unit/util/test_conf tests/unit/util/test_buf tests/unit/util/test_glob tests/unit/util/test_log
tests_unit_util_test_conf_LDADD = $(UNIT_LIBS)
tests_unit_util_test_buf_LDADD = $(UNIT_LIBS)
tests_unit_util_test_glob_LDADD = $(UNIT_LIBS)
tests_unit_util_test_log_LDADD = $(UNIT_LIBS)
# strict UTF-8 validation (src/util/utf8.c)
check_PROGRAMS += tests/unit/util/test_utf8
TESTS += tests/unit/util/test_utf8
tests_unit_util_test_utf8_LDADD = $(UNIT_LIBS)
