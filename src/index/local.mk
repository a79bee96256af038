libdocxp_a_SOURCES += \
	src/index/discover.c src/index/discover.h \
	src/index/gitinfo.c src/index/gitinfo.h

libdocxp_a_SOURCES += \
	src/index/chunkproc.c src/index/chunkproc.h \
	src/index/codewords.c src/index/codewords.h \
	src/index/embedstage.c src/index/embedstage.h \
	src/index/planner.c src/index/planner.h \
	src/index/worker.c src/index/worker.h
