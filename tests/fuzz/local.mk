# libFuzzer targets, one per language extractor (./configure CC=clang
# --enable-fuzzer). The inputs in tests/fuzz/regressions are replayed by
# tests/unit/extract/test_fuzz_regressions in every build.
EXTRA_DIST += tests/fuzz/fuzz_extract.c tests/fuzz/regressions

if ENABLE_FUZZER
FUZZER_LINK_FLAGS = -fsanitize=fuzzer,address,undefined
noinst_PROGRAMS += tests/fuzz/fuzz_java tests/fuzz/fuzz_jsp tests/fuzz/fuzz_xml tests/fuzz/fuzz_struts \
	tests/fuzz/fuzz_sql tests/fuzz/fuzz_properties tests/fuzz/fuzz_javascript tests/fuzz/fuzz_python \
	tests/fuzz/fuzz_text

tests_fuzz_fuzz_java_SOURCES = tests/fuzz/fuzz_extract.c
tests_fuzz_fuzz_java_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_PATH='"src/A.java"'
tests_fuzz_fuzz_java_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_java_LDADD = $(DOCXP_LIBS)
tests_fuzz_fuzz_jsp_SOURCES = tests/fuzz/fuzz_extract.c
tests_fuzz_fuzz_jsp_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_PATH='"web/a.jsp"'
tests_fuzz_fuzz_jsp_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_jsp_LDADD = $(DOCXP_LIBS)
tests_fuzz_fuzz_xml_SOURCES = tests/fuzz/fuzz_extract.c
tests_fuzz_fuzz_xml_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_PATH='"conf/beans.xml"'
tests_fuzz_fuzz_xml_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_xml_LDADD = $(DOCXP_LIBS)
tests_fuzz_fuzz_struts_SOURCES = tests/fuzz/fuzz_extract.c
tests_fuzz_fuzz_struts_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_PATH='"WEB-INF/struts-config.xml"'
tests_fuzz_fuzz_struts_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_struts_LDADD = $(DOCXP_LIBS)
tests_fuzz_fuzz_sql_SOURCES = tests/fuzz/fuzz_extract.c
tests_fuzz_fuzz_sql_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_PATH='"db/schema.sql"'
tests_fuzz_fuzz_sql_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_sql_LDADD = $(DOCXP_LIBS)
tests_fuzz_fuzz_properties_SOURCES = tests/fuzz/fuzz_extract.c
tests_fuzz_fuzz_properties_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_PATH='"res/messages.properties"'
tests_fuzz_fuzz_properties_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_properties_LDADD = $(DOCXP_LIBS)
tests_fuzz_fuzz_javascript_SOURCES = tests/fuzz/fuzz_extract.c
tests_fuzz_fuzz_javascript_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_PATH='"js/app.js"'
tests_fuzz_fuzz_javascript_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_javascript_LDADD = $(DOCXP_LIBS)
tests_fuzz_fuzz_python_SOURCES = tests/fuzz/fuzz_extract.c
tests_fuzz_fuzz_python_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_PATH='"tools/x.py"'
tests_fuzz_fuzz_python_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_python_LDADD = $(DOCXP_LIBS)
tests_fuzz_fuzz_text_SOURCES = tests/fuzz/fuzz_extract.c
tests_fuzz_fuzz_text_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_PATH='"notes.txt"'
tests_fuzz_fuzz_text_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_text_LDADD = $(DOCXP_LIBS)
endif

# Request decoding: one target per decoder (tests/fuzz/request_fuzz.h); the
# inputs in tests/fuzz/requests/<target>/ are their seeds and regressions,
# replayed by tests/unit/api/test_request_regressions in every build.
EXTRA_DIST += tests/fuzz/fuzz_request.c tests/fuzz/requests tests/fuzz/job_request.dict
if ENABLE_FUZZER
noinst_PROGRAMS += tests/fuzz/fuzz_job_request tests/fuzz/fuzz_query tests/fuzz/fuzz_route tests/fuzz/fuzz_glob
REQUEST_FUZZ_SOURCES = tests/fuzz/fuzz_request.c tests/fuzz/request_fuzz.c tests/fuzz/request_fuzz.h
tests_fuzz_fuzz_job_request_SOURCES = $(REQUEST_FUZZ_SOURCES)
tests_fuzz_fuzz_job_request_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_FN=fuzz_job_request
tests_fuzz_fuzz_job_request_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_job_request_LDADD = $(DOCXP_LIBS)
tests_fuzz_fuzz_query_SOURCES = $(REQUEST_FUZZ_SOURCES)
tests_fuzz_fuzz_query_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_FN=fuzz_query
tests_fuzz_fuzz_query_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_query_LDADD = $(DOCXP_LIBS)
tests_fuzz_fuzz_route_SOURCES = $(REQUEST_FUZZ_SOURCES)
tests_fuzz_fuzz_route_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_FN=fuzz_route
tests_fuzz_fuzz_route_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_route_LDADD = $(DOCXP_LIBS)
tests_fuzz_fuzz_glob_SOURCES = $(REQUEST_FUZZ_SOURCES)
tests_fuzz_fuzz_glob_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_FN=fuzz_glob
tests_fuzz_fuzz_glob_LDFLAGS = $(FUZZER_LINK_FLAGS)
tests_fuzz_fuzz_glob_LDADD = $(DOCXP_LIBS)
endif
