# bench/: programs that print figures; built with `make bench/extract-dump`
# (noinst, not part of `make check`).
noinst_PROGRAMS += bench/extract-dump
bench_extract_dump_SOURCES = bench/extract_dump.c
bench_extract_dump_LDADD = $(DOCXP_LIBS)

# bench/bedrock-bench: Bedrock provider throughput against
# tests/harness/fake_bedrock.py (50 ms latency, concurrency 1, 8, 32), and
# --check, the functional check tests/integration/test_bedrock_provider.py runs.
noinst_PROGRAMS += bench/bedrock-bench
bench_bedrock_bench_SOURCES = bench/bedrock_bench.c
bench_bedrock_bench_CPPFLAGS = $(AM_CPPFLAGS) -DDOCXP_ABS_SRCDIR='"$(abs_top_srcdir)"'
bench_bedrock_bench_LDADD = $(DOCXP_LIBS)
noinst_PROGRAMS += bench/embed-local-bench
bench_embed_local_bench_SOURCES = bench/embed_local_bench.c
bench_embed_local_bench_LDADD = $(DOCXP_LIBS)
