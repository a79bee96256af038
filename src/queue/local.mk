libdocxp_a_SOURCES += src/queue/redisq.c src/queue/redisq.h
