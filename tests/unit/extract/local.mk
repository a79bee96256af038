# unit tests of src/extract (cmocka)
EXTRACT_UNIT_TESTS = tests/unit/extract/test_extract tests/unit/extract/test_fuzz_regressions
check_PROGRAMS += $(EXTRACT_UNIT_TESTS)
TESTS += $(EXTRACT_UNIT_TESTS)
tests_unit_extract_test_extract_LDADD = $(UNIT_LIBS)
tests_unit_extract_test_fuzz_regressions_LDADD = $(UNIT_LIBS)
check_PROGRAMS += tests/unit/extract/test_java tests/unit/extract/test_jsp
TESTS += tests/unit/extract/test_java tests/unit/extract/test_jsp
tests_unit_extract_test_java_LDADD = $(UNIT_LIBS)
tests_unit_extract_test_jsp_LDADD = $(UNIT_LIBS)
EXTRA_DIST += tests/unit/extract/fixtures
# xml, sql, properties and script extractors (fixtures in tests/unit/extract/fixtures)
EXTRACT_LANG_TESTS = tests/unit/extract/test_xml tests/unit/extract/test_sql \
	tests/unit/extract/test_properties tests/unit/extract/test_script
check_PROGRAMS += $(EXTRACT_LANG_TESTS)
TESTS += $(EXTRACT_LANG_TESTS)
tests_unit_extract_test_xml_LDADD = $(UNIT_LIBS)
tests_unit_extract_test_sql_LDADD = $(UNIT_LIBS)
tests_unit_extract_test_properties_LDADD = $(UNIT_LIBS)
tests_unit_extract_test_script_LDADD = $(UNIT_LIBS)
EXTRA_DIST += tests/unit/extract/fixture_util.h
