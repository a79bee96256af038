libdocxp_a_SOURCES += \
	src/client/apiclient.c src/client/apiclient.h \
	src/client/cli.c src/client/cli.h \
	src/client/progress.c src/client/progress.h
libdocxp_a_SOURCES += src/client/searchcli.c
