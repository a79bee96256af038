# unit tests of src/http (cmocka)
check_PROGRAMS += tests/unit/http/test_route
TESTS += tests/unit/http/test_route
tests_unit_http_test_route_LDADD = $(UNIT_LIBS)
