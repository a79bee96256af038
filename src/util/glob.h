/*
 * glob.h - gitignore-like path globs with "**".
 *
 * "*" matches within one path segment, "?" one character but '/', "[...]"
 * a character class, "**" any number of segments ("**\/x", "a/\**", "a/\**\/b").
 * A pattern without '/' matches the file's base name at any depth
 * ("*.java" matches "src/A.java"). Paths are relative and '/'-separated.
 */
#ifndef DOCXP_GLOB_H
#define DOCXP_GLOB_H

#include <stdbool.h>

/* True when path matches pattern. */
bool glob_match(const char *pattern, const char *path);

/* Checks that a pattern is acceptable: not empty, not absolute, no ".."
 * segment, at most 512 bytes, balanced brackets. Returns NULL when fine,
 * or a static message saying what is wrong. */
const char *glob_validate(const char *pattern);

#endif
