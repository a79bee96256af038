libdocxp_a_SOURCES += src/http/server.c src/http/request.c src/http/response.c src/http/http.h \
	src/http/http_int.h
