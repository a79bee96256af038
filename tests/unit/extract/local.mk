# unit tests of src/extract (cmocka)
check_PROGRAMS += tests/unit/extract/test_extract
TESTS += tests/unit/extract/test_extract
tests_unit_extract_test_extract_LDADD = $(UNIT_LIBS)
