# unit tests of src/store (cmocka)
check_PROGRAMS += tests/unit/store/test_veccodec
TESTS += tests/unit/store/test_veccodec
tests_unit_store_test_veccodec_LDADD = $(UNIT_LIBS)
