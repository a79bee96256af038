# unit tests of src/api (cmocka): add check_PROGRAMS/TESTS here
# The request decoders' fuzz inputs (tests/fuzz/requests/<target>/), replayed
# through the code the libFuzzer targets run (tests/fuzz/request_fuzz.c).
check_PROGRAMS += tests/unit/api/test_request_regressions
TESTS += tests/unit/api/test_request_regressions
tests_unit_api_test_request_regressions_SOURCES = tests/unit/api/test_request_regressions.c \
	tests/fuzz/request_fuzz.c tests/fuzz/request_fuzz.h
tests_unit_api_test_request_regressions_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/tests/fuzz
tests_unit_api_test_request_regressions_LDADD = $(UNIT_LIBS)
