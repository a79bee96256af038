# unit tests of src/embed (cmocka)
check_PROGRAMS += tests/unit/embed/test_local
TESTS += tests/unit/embed/test_local
tests_unit_embed_test_local_LDADD = $(UNIT_LIBS)
