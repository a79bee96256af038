check_PROGRAMS += tests/unit/search/test_fusion tests/unit/search/test_vecindex tests/unit/search/test_query
TESTS += tests/unit/search/test_fusion tests/unit/search/test_vecindex tests/unit/search/test_query
tests_unit_search_test_fusion_LDADD = $(UNIT_LIBS)
tests_unit_search_test_vecindex_LDADD = $(UNIT_LIBS)
tests_unit_search_test_query_LDADD = $(UNIT_LIBS)
