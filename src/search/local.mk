# src/search/: query parsing, the in-memory keyword and vector legs, rank fusion and
# latency statistics (no SQL here: src/store/searchstore.c).
libdocxp_a_SOURCES += \
	src/search/doccache.c src/search/doccache.h \
	src/search/fusion.c src/search/fusion.h \
	src/search/kwindex.c src/search/kwindex.h \
	src/search/query.c src/search/query.h \
	src/search/searchstats.c src/search/searchstats.h \
	src/search/vecindex.c src/search/vecindex.h
