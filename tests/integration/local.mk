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
	tests/integration/test_auth.py \
	tests/integration/test_job_control.py \
	tests/integration/test_incremental.py \
	tests/integration/test_shutdown.py \
	tests/integration/test_faults.py \
	tests/integration/test_observability.py \
	tests/integration/test_bedrock.py

INTEGRATION_TESTS += tests/integration/test_search.py

TESTS += $(INTEGRATION_TESTS)
EXTRA_DIST += $(INTEGRATION_TESTS) tests/integration/local.mk \
	tests/harness/docxp_stack.py tests/harness/taptest.py tests/harness/run-py \
	tests/harness/genrepo.py

# Deployment: units, socket activation, sd_notify (fast); native packages
# (slow: builds, installs and purges the .deb, builds the .rpm; skipped
# with DOCXP_PACKAGING_TESTS=0).
INTEGRATION_TESTS += tests/integration/test_systemd.py tests/integration/test_packaging.py

# The Bedrock provider against tests/harness/fake_bedrock.py (C level,
# through bench/bedrock-bench --check; needs /usr/bin/python3 with botocore).
INTEGRATION_TESTS += tests/integration/test_bedrock_provider.py
EXTRA_DIST += tests/integration/test_bedrock_provider.py tests/harness/fake_bedrock.py
