# Integration tests: Python (tests/harness/taptest.py prints TAP), each
# starting its own PostgreSQL, Redis, nginx, docxp-api and docxp-workers
# through tests/harness/docxp_stack.py.  Run with tests/harness/run-py
# (see tests/local.mk).
INTEGRATION_TESTS = \
	tests/integration/test_harness.py \
	tests/integration/test_api_errors.py \
	tests/integration/test_index_examples.py \
	tests/integration/test_worker_equivalence.py \
	tests/integration/test_cli.py \
	tests/integration/test_stream.py \
	tests/integration/test_auth.py

TESTS += $(INTEGRATION_TESTS)
EXTRA_DIST += $(INTEGRATION_TESTS) tests/integration/local.mk \
	tests/harness/docxp_stack.py tests/harness/taptest.py tests/harness/run-py
