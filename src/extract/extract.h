/*
 * extract.h - turning one file's text into code entities.
 *
 * Pure: it gets a buffer and a path (for the language), it does no I/O.
 * Entities point into arena-owned copies; the caller owns the arena.
 */
#ifndef DOCXP_EXTRACT_H
#define DOCXP_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

/* A relation the source states, e.g. a Struts action naming its class.
 * target is written as the source writes it (a qualified class name, an
 * action path, a JSP path); it is resolved against other entities at
 * query time, so that links survive partial and incremental indexing. */
struct entity_link {
	const char *kind;   /* "extends", "implements", "action_class", ... */
	const char *target; /* e.g. "com.acme.web.OrderAction", "/orders/edit.jsp" */
};

/* Embedding texts are bounded: a long entity gets several windows, each
 * starting with the entity's header (kind, qualified name, signature). */
#define EXTRACT_EMBED_MAX 2048

struct entity {
	const char *kind;	    /* "window", "class", "method", "struts_action", ... */
	const char *name;	    /* short name, e.g. "execute" or "OrderAction.java:1-60" */
	const char *qualified_name; /* unique within the file, e.g. "com.acme.A#execute(int)" */
	const char *parent;	    /* qualified name of the enclosing entity, or NULL */
	const char *signature;	    /* declaration head, e.g. "public int f(int a)", or NULL */
	const char *metadata;	    /* JSON object text (modifiers, annotations, ...), or NULL */
	const char *javadoc;	    /* the doc comment, also metadata's "javadoc", or NULL */
	int start_line;		    /* 1-based, inclusive */
	int end_line;		    /* inclusive */
	const char *text;	    /* NUL-terminated exact source text */
	size_t text_len;
	struct entity_link *links;
	size_t nlinks;
	const char **embed_texts; /* filled by extract_file; each <= EXTRACT_EMBED_MAX bytes */
	bool container;		  /* some entity of the file has it as parent */
	size_t nembed;
};

struct entity_list {
	struct entity *items;
	size_t count;
	size_t cap;
};

struct extract_options {
	int window_lines;   /* lines per window */
	int window_overlap; /* lines shared by consecutive windows */
	/* Embedding texts of an entity that has members (a class, an
	 * interface): its declaration and first lines; the members have
	 * their own. 0: as many as its text needs. */
	int container_windows;
	/* Keyword document of an entity that has members: its first so many
	 * characters (declaration, Javadoc, fields); the members have their
	 * own. 0: the whole text. Used by src/index/chunkproc.c. */
	int container_search_chars;
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
