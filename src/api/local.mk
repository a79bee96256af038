libdocxp_a_SOURCES += \
	src/api/api.h \
	src/api/common.c \
	src/api/health.c \
	src/api/jobcontrol.c \
	src/api/jobs.c \
	src/api/metrics.c \
	src/api/stream.c
libdocxp_a_SOURCES += src/api/search.c
