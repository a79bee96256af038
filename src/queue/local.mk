libdocxp_a_SOURCES += src/queue/embcache.c src/queue/embcache.h src/queue/events.c src/queue/events.h \
	src/queue/metrics.c src/queue/metrics.h src/queue/redisq.c src/queue/redisq.h
