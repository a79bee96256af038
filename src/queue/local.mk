libdocxp_a_SOURCES += src/queue/events.c src/queue/events.h src/queue/redisq.c src/queue/redisq.h
