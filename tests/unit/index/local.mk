# unit tests of src/index (cmocka)
check_PROGRAMS += tests/unit/index/test_discover tests/unit/index/test_gitinfo
TESTS += tests/unit/index/test_discover tests/unit/index/test_gitinfo
tests_unit_index_test_discover_LDADD = $(UNIT_LIBS)
tests_unit_index_test_gitinfo_LDADD = $(UNIT_LIBS)
