/*
 * digest.h - SHA-256 of buffers, as raw bytes or lowercase hex.
 *
 * Content hashes identify file versions (incremental jobs) and embedding
 * cache entries. OpenSSL's implementation uses the CPU's SHA extensions.
 */
#ifndef DOCXP_DIGEST_H
#define DOCXP_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define DIGEST_SHA256_LEN    32
#define DIGEST_SHA256_HEXLEN 64

/* Writes the 32-byte SHA-256 of data into out. */
void digest_sha256(const void *data, size_t len, uint8_t out[DIGEST_SHA256_LEN]);

/* Writes the SHA-256 of data as 64 hex characters plus NUL into hex. */
void digest_sha256_hex(const void *data, size_t len, char hex[DIGEST_SHA256_HEXLEN + 1]);

/* Encodes n bytes as lowercase hex into out (2n+1 bytes). */
void digest_hex(const uint8_t *bytes, size_t n, char *out);

#endif
