/*
 * extract_int.h - what the language extractors share (internal to src/extract).
 *
 * Each language has one file with one entry point of type extract_fn.
 * Extractors get valid UTF-8 (the worker decodes Latin-1 and refuses NUL
 * bytes) and must still be robust to anything: unterminated comments and
 * strings, absurd nesting, huge lines. They never fail a file for its
 * content; on input they do not understand they fall back to windows.
 */
#ifndef DOCXP_EXTRACT_INT_H
#define DOCXP_EXTRACT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "extract/extract.h"

struct arena;

typedef int (*extract_fn)(struct arena *a, const struct extract_options *opt, const char *path,
			  const char *buf, size_t len, struct entity_list *out);

/* Appends one zeroed entity to out and returns it. */
struct entity *extract_push(struct arena *a, struct entity_list *out);

/* Adds a link to e (kind and target are copied into the arena). */
void extract_link(struct arena *a, struct entity *e, const char *kind, const char *target);

/* The generic extractor: overlapping line windows (kind "window"). */
int extract_windows(struct arena *a, const struct extract_options *opt, const char *path, const char *buf,
		    size_t len, struct entity_list *out);

/* The base name of a path (points into path). */
const char *extract_basename(const char *path);

/* Language extractors (one file each). */
int extract_java(struct arena *a, const struct extract_options *opt, const char *path, const char *buf,
		 size_t len, struct entity_list *out);
int extract_jsp(struct arena *a, const struct extract_options *opt, const char *path, const char *buf,
		size_t len, struct entity_list *out);
int extract_xml(struct arena *a, const struct extract_options *opt, const char *path, const char *buf,
		size_t len, struct entity_list *out);
int extract_sql(struct arena *a, const struct extract_options *opt, const char *path, const char *buf,
		size_t len, struct entity_list *out);
int extract_properties(struct arena *a, const struct extract_options *opt, const char *path, const char *buf,
		       size_t len, struct entity_list *out);
int extract_script(struct arena *a, const struct extract_options *opt, const char *path, const char *buf,
		   size_t len, struct entity_list *out);

#endif
