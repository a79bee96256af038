libdocxp_a_SOURCES += src/queue/embcache.c src/queue/embcache.h src/queue/events.c src/queue/events.h src/queue/redisq.c src/queue/redisq.h
