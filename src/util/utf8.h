/*
 * utf8.h - strict UTF-8 validation of text from the outside world.
 */
#ifndef DOCXP_UTF8_H
#define DOCXP_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when s (len bytes) is valid UTF-8 as PostgreSQL accepts it: no
 * overlong forms, no surrogates, nothing above U+10FFFF, and no NUL byte
 * (text columns cannot hold one). */
bool utf8_valid(const char *s, size_t len);

#endif
