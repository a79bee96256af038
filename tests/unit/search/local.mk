check_PROGRAMS += tests/unit/search/test_fusion tests/unit/search/test_vecindex tests/unit/search/test_query tests/unit/search/test_kwindex tests/unit/search/test_doccache
TESTS += tests/unit/search/test_fusion tests/unit/search/test_vecindex tests/unit/search/test_query tests/unit/search/test_kwindex tests/unit/search/test_doccache
tests_unit_search_test_fusion_LDADD = $(UNIT_LIBS)
tests_unit_search_test_vecindex_LDADD = $(UNIT_LIBS)
tests_unit_search_test_query_LDADD = $(UNIT_LIBS)
tests_unit_search_test_kwindex_LDADD = $(UNIT_LIBS)
tests_unit_search_test_doccache_LDADD = $(UNIT_LIBS)
