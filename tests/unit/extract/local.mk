# unit tests of src/extract (cmocka)
EXTRACT_UNIT_TESTS = tests/unit/extract/test_extract tests/unit/extract/test_fuzz_regressions
check_PROGRAMS += $(EXTRACT_UNIT_TESTS)
TESTS += $(EXTRACT_UNIT_TESTS)
tests_unit_extract_test_extract_LDADD = $(UNIT_LIBS)
tests_unit_extract_test_fuzz_regressions_LDADD = $(UNIT_LIBS)
