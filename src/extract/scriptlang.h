/*
 * scriptlang.h - the script extractors behind extract_script (internal to
 * src/extract): JavaScript/TypeScript in js.c, Python in python.c.
 */
#ifndef DOCXP_SCRIPTLANG_H
#define DOCXP_SCRIPTLANG_H

#include <stddef.h>

#include "extract/extract.h"

struct arena;

int extract_javascript(struct arena *a, const struct extract_options *opt, const char *path, const char *buf,
		       size_t len, struct entity_list *out);
int extract_python(struct arena *a, const struct extract_options *opt, const char *path, const char *buf,
		   size_t len, struct entity_list *out);

#endif
