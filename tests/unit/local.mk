UNIT_TESTS = \
	tests/unit/util/test_conf \
	tests/unit/util/test_buf

check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)

tests_unit_util_test_conf_SOURCES = tests/unit/util/test_conf.c
tests_unit_util_test_conf_LDADD = $(UNIT_LIBS)
tests_unit_util_test_buf_SOURCES = tests/unit/util/test_buf.c
tests_unit_util_test_buf_LDADD = $(UNIT_LIBS)
