/*
 * embcache.h - the content-addressed embedding cache in Redis.
 *
 * Key: <prefix>emb:<sha256 hex of provider, model, dimensions, normalize
 * flag and the exact text> (see embcache_key). Value: the input token
 * count (4 bytes, little endian) then the vector as raw float32 bytes
 * (binary-safe). Every key has a TTL, refreshed on a hit (GETEX), so that
 * the volatile-lru policy can evict cache entries but never queue or job
 * data (which have no TTL).
 */
#ifndef DOCXP_EMBCACHE_H
#define DOCXP_EMBCACHE_H

#include <stdbool.h>
#include <stddef.h>

struct redisq;

#define EMBCACHE_KEY_LEN 64

/* The cache key (64 hex characters + NUL) of one text. */
void embcache_key(const char *provider, const char *model, int dimensions, bool normalize, const char *text,
		  char key[EMBCACHE_KEY_LEN + 1]);

/* Looks up n keys in one round trip; refreshes the TTL of hits. Fills
 * hit[i], and for hits vectors[i*dims..] and tokens[i]. Returns 0 or
 * DX_E_REDIS (then nothing is a hit). */
int embcache_get(struct redisq *q, const char (*keys)[EMBCACHE_KEY_LEN + 1], size_t n, int dims,
		 int ttl_seconds, float *vectors, int *tokens, bool *hit);

/* Stores the entries with store[i] set, in one round trip. */
int embcache_put(struct redisq *q, const char (*keys)[EMBCACHE_KEY_LEN + 1], size_t n, int dims,
		 int ttl_seconds, const float *vectors, const int *tokens, const bool *store);

#endif
