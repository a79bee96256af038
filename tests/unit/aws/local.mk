# unit tests of src/aws (cmocka); test_sigv4 runs every case of
# ../shared/testdata/aws-sig-v4-test-suite/v4 and fails when it is absent.
AWS_UNIT_TESTS = tests/unit/aws/test_sigv4 tests/unit/aws/test_credentials tests/unit/aws/test_credchain
check_PROGRAMS += $(AWS_UNIT_TESTS)
TESTS += $(AWS_UNIT_TESTS)
tests_unit_aws_test_sigv4_LDADD = $(UNIT_LIBS)
tests_unit_aws_test_credentials_LDADD = $(UNIT_LIBS)
tests_unit_aws_test_credchain_LDADD = $(UNIT_LIBS)
