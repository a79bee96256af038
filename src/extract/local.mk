libdocxp_a_SOURCES += \
	src/extract/extract.c src/extract/extract.h
