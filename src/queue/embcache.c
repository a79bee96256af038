/*
 * embcache.c - pipelined GETEX/SET of embedding vectors.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <openssl/evp.h>

#include "queue/embcache.h"
#include "queue/redisq.h"
#include "util/alloc.h"
#include "util/digest.h"
#include "util/status.h"

void embcache_key(const char *provider, const char *model, int dimensions, bool normalize, const char *text,
		  char key[EMBCACHE_KEY_LEN + 1])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char md[32];
	char head[64];
	unsigned int mdlen = 0;

	/* NUL separators: no two different tuples hash the same input. */
	snprintf(head, sizeof(head), "%d", dimensions);
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, provider, strlen(provider) + 1);
	EVP_DigestUpdate(ctx, model, strlen(model) + 1);
	EVP_DigestUpdate(ctx, head, strlen(head) + 1);
	EVP_DigestUpdate(ctx, normalize ? "1" : "0", 2);
	EVP_DigestUpdate(ctx, text, strlen(text));
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	digest_hex(md, 32, key);
}

int embcache_get(struct redisq *q, const char (*keys)[EMBCACHE_KEY_LEN + 1], size_t n, int dims,
		 int ttl_seconds, float *vectors, int *tokens, bool *hit)
{
	size_t i, want = 4 + (size_t)dims * sizeof(float);
	char ttl[16];
	redisContext *c;

	memset(hit, 0, n * sizeof(bool));
	if (n == 0)
		return 0;
	if (redisq_open_ctx(q) != 0)
		return DX_E_REDIS;
	c = q->ctx;
	snprintf(ttl, sizeof(ttl), "%d", ttl_seconds);
	for (i = 0; i < n; i++)
		redisAppendCommand(c, "GETEX %semb:%s EX %s", q->prefix, keys[i], ttl);
	for (i = 0; i < n; i++) {
		redisReply *r = NULL;

		if (redisGetReply(c, (void **)&r) != REDIS_OK) {
			snprintf(q->errmsg, sizeof(q->errmsg), "embedding cache read failed: %s", c->errstr);
			redisq_drop_ctx(q);
			memset(hit, 0, n * sizeof(bool));
			return DX_E_REDIS;
		}
		/* A value of the wrong size (another dimension, corruption) is
		 * a miss, not a crash. */
		if (r->type == REDIS_REPLY_STRING && (size_t)r->len == want) {
			uint32_t t;

			memcpy(&t, r->str, 4);
			tokens[i] = (int)t;
			memcpy(vectors + i * (size_t)dims, r->str + 4, (size_t)dims * sizeof(float));
			hit[i] = true;
		}
		freeReplyObject(r);
	}
	return 0;
}

int embcache_put(struct redisq *q, const char (*keys)[EMBCACHE_KEY_LEN + 1], size_t n, int dims,
		 int ttl_seconds, const float *vectors, const int *tokens, const bool *store)
{
	size_t i, len = 4 + (size_t)dims * sizeof(float), sent = 0;
	char ttl[16], *val = xmalloc(len);
	redisContext *c;

	if (redisq_open_ctx(q) != 0) {
		free(val);
		return DX_E_REDIS;
	}
	c = q->ctx;
	snprintf(ttl, sizeof(ttl), "%d", ttl_seconds);
	for (i = 0; i < n; i++) {
		uint32_t t = (uint32_t)tokens[i];

		if (!store[i])
			continue;
		memcpy(val, &t, 4);
		memcpy(val + 4, vectors + i * (size_t)dims, (size_t)dims * sizeof(float));
		redisAppendCommand(c, "SET %semb:%s %b EX %s", q->prefix, keys[i], val, len, ttl);
		sent++;
	}
	free(val);
	return redisq_pipeline_wait(q, sent, "store embeddings in the cache");
}
