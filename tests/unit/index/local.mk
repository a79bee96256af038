# unit tests of src/index (cmocka)
INDEX_UNIT_TESTS = tests/unit/index/test_discover tests/unit/index/test_gitinfo tests/unit/index/test_chunkproc \
	tests/unit/index/test_codewords tests/unit/index/test_embedstage
check_PROGRAMS += $(INDEX_UNIT_TESTS)
TESTS += $(INDEX_UNIT_TESTS)
tests_unit_index_test_discover_LDADD = $(UNIT_LIBS)
tests_unit_index_test_gitinfo_LDADD = $(UNIT_LIBS)
tests_unit_index_test_chunkproc_LDADD = $(UNIT_LIBS)
tests_unit_index_test_codewords_LDADD = $(UNIT_LIBS)
tests_unit_index_test_embedstage_LDADD = $(UNIT_LIBS)
