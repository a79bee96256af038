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

# docxp-api's cache of the repositories a search asks about (issue 8).
INTEGRATION_TESTS += tests/integration/test_search_repocache.py

# Search documents computed by the workers equal PostgreSQL's (issue 12).
INTEGRATION_TESTS += tests/integration/test_search_tsv.py

# nginx's kept FastCGI connections: reused, and never holding a thread (issue 8).
INTEGRATION_TESTS += tests/integration/test_keepalive.py

# Hostile requests through nginx (issue 9), while a real job runs.
INTEGRATION_TESTS += tests/integration/test_hostile.py tests/integration/test_job_cap.py

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

# AWS credentials: docxp-credentials against tests/harness/fake_aws.py
# (IMDSv2, container endpoint, STS), and a job while credentials expire.
INTEGRATION_TESTS += tests/integration/test_credentials.py
EXTRA_DIST += tests/integration/test_credentials.py tests/harness/fake_aws.py

# Last of all: no secret in any log of the run (tests/harness/docxp_stack.py
# keeps every stack's logs and the secrets it made in tests/logs/). Its log
# depends on the logs of the other integration tests of this make check, all
# of them or those named in TESTS=..., so that it runs after them.
NO_SECRETS_TEST = tests/integration/test_zz_no_secrets_in_logs.py
INTEGRATION_TESTS += $(NO_SECRETS_TEST)
# (GNU make functions, read by make itself: automake would refuse them)
EXTRA_DIST += tests/integration/order.gmk
sinclude $(top_srcdir)/tests/integration/order.gmk
# The run-wide logs and the secrets file go with make clean.
clean-local: clean-integration-logs
clean-integration-logs:
	-rm -rf tests/logs
.PHONY: clean-integration-logs
