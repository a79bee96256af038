/*
 * extract.h - turning one file's text into code entities.
 *
 * Pure: it gets a buffer and a path (for the language), it does no I/O.
 * Entities point into arena-owned copies; the caller owns the arena.
 */
#ifndef DOCXP_EXTRACT_H
#define DOCXP_EXTRACT_H

#include <stddef.h>

struct arena;

struct entity {
	const char *kind;	    /* "window", later "class", "method", ... */
	const char *name;	    /* short name, e.g. "OrderAction.java:1-60" */
	const char *qualified_name; /* e.g. "src/.../OrderAction.java#L1-60" */
	int start_line;		    /* 1-based, inclusive */
	int end_line;		    /* inclusive */
	const char *text;	    /* NUL-terminated content */
	size_t text_len;
};

struct entity_list {
	struct entity *items;
	size_t count;
	size_t cap;
};

struct extract_options {
	int window_lines;   /* lines per window */
	int window_overlap; /* lines shared by consecutive windows */
};

/* Language name from the path's name and extension: "java", "jsp", "xml",
 * "properties", "sql", "javascript", ..., or "text". Static storage. */
const char *extract_language(const char *path);

/*
 * Appends the entities of a file to out (items arena-allocated). path is
 * relative to the repository root; buf holds len bytes of valid UTF-8
 * (the caller checks). Returns 0 or a negative status.
 */
int extract_file(struct arena *a, const struct extract_options *opt, const char *path, const char *buf,
		 size_t len, struct entity_list *out);

/* Counts the lines of buf (a last line without a newline counts). */
int extract_count_lines(const char *buf, size_t len);

#endif
