/*
 * jsp.c - entities of jsp files.
 *
 * Not written yet: falls back to line windows.
 */
#include "config.h"

#include "extract/extract_int.h"

int extract_jsp(struct arena *a, const struct extract_options *opt, const char *path, const char *buf, size_t len,
	       struct entity_list *out)
{
	return extract_windows(a, opt, path, buf, len, out);
}
