libdocxp_a_SOURCES += \
	src/util/alloc.c src/util/alloc.h \
	src/util/arena.c src/util/arena.h \
	src/util/buf.c src/util/buf.h \
	src/util/conf.c src/util/conf.h \
	src/util/digest.c src/util/digest.h \
	src/util/glob.c src/util/glob.h \
	src/util/fnv.h \
	src/util/hex.h \
	src/util/histogram.c src/util/histogram.h \
	src/util/log.c src/util/log.h \
	src/util/startup.c src/util/startup.h \
	src/util/status.c src/util/status.h \
	src/util/utf8.c src/util/utf8.h
