libdocxp_a_SOURCES += \
	src/store/chunkstore.c src/store/chunkstore.h \
	src/store/copybin.c src/store/copybin.h \
	src/store/db.c src/store/db.h \
	src/store/dbpool.c src/store/dbpool.h \
	src/store/jobstore.c src/store/jobstore.h \
	src/store/keystore.c src/store/keystore.h \
	src/store/migrate.c src/store/migrate.h \
	src/store/veccodec.c src/store/veccodec.h
libdocxp_a_SOURCES += src/store/searchstore.c src/store/searchstore.h
libdocxp_a_SOURCES += src/store/pglisten.c src/store/pglisten.h
