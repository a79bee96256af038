libdocxp_a_SOURCES += \
	src/extract/extract.c src/extract/extract.h src/extract/extract_int.h \
	src/extract/java.c src/extract/jsp.c src/extract/xml.c \
	src/extract/sql.c src/extract/properties.c src/extract/script.c
libdocxp_a_SOURCES += src/extract/jsonw.c src/extract/jsonw.h src/extract/srcmap.c src/extract/srcmap.h
libdocxp_a_SOURCES += src/extract/entkit.c src/extract/entkit.h src/extract/xmltok.c src/extract/xmltok.h
libdocxp_a_SOURCES += src/extract/js.c src/extract/python.c src/extract/scriptlang.h
