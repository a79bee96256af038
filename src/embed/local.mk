libdocxp_a_SOURCES += \
	src/embed/embed.c src/embed/embed.h \
	src/embed/local.c
