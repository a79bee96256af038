check_PROGRAMS += tests/unit/util/test_conf tests/unit/util/test_buf
TESTS += tests/unit/util/test_conf tests/unit/util/test_buf
tests_unit_util_test_conf_LDADD = $(UNIT_LIBS)
tests_unit_util_test_buf_LDADD = $(UNIT_LIBS)
