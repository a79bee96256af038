# bench/: programs that print figures; built with `make bench/extract-dump`
# (noinst, not part of `make check`).
noinst_PROGRAMS += bench/extract-dump
bench_extract_dump_SOURCES = bench/extract_dump.c
bench_extract_dump_LDADD = $(DOCXP_LIBS)
