# Thin mains; all logic lives in libdocxp.a.
bin_PROGRAMS += docxp docxp-api docxp-worker docxp-credentials

docxp_SOURCES = src/cmd/docxp.c
docxp_LDADD = $(DOCXP_LIBS)
docxp_api_SOURCES = src/cmd/docxp-api.c
docxp_api_LDADD = $(DOCXP_LIBS)
docxp_worker_SOURCES = src/cmd/docxp-worker.c
docxp_worker_LDADD = $(DOCXP_LIBS)
docxp_credentials_SOURCES = src/cmd/docxp-credentials.c
docxp_credentials_LDADD = $(DOCXP_LIBS)
