/*
 * embed.h - embedding providers: a batch of texts in, vectors out.
 *
 * A provider is chosen by configuration (embedding.provider): "local"
 * (default; deterministic feature hashing, no network, src/embed/local.c)
 * or "bedrock" (Amazon Titan Text Embeddings v2 through Bedrock Runtime,
 * src/aws/bedrock.c). Vectors carry the provider, model and dimensions
 * that made them: vectors of different models are never compared.
 *
 * A provider is used by one thread at a time.
 */
#ifndef DOCXP_EMBED_H
#define DOCXP_EMBED_H

#include <stdbool.h>
#include <stddef.h>

struct conf;

/* One call's worth of texts and what became of each. The caller allocates
 * every array for n entries. */
struct embed_batch {
	size_t n;
	const char *const *texts; /* UTF-8, NUL-terminated, never empty */
	float *vectors;		  /* n * dimensions floats, filled for texts with status 0 */
	int *tokens;		  /* input tokens per text (provider's count or estimate) */
	int *status;		  /* per text: 0, or negative: this text cannot be embedded */
	bool *truncated;	  /* per text: cut to embedding.max_text_chars first */
	char errmsg[256];	  /* why the whole batch failed, or the first text failure */
	/* Optional: called at least every second while the provider waits
	 * (on the network, or backing off); a non-zero return (for example
	 * DX_E_LEASE_LOST) ends the batch with that status. */
	int (*keepalive)(void *arg);
	void *keepalive_arg;
};

struct embed_provider {
	const char *name;  /* "local", "bedrock" */
	const char *model; /* "docxp-hash-v1", "amazon.titan-embed-text-v2:0" */
	int dimensions;
	bool normalize;
	bool in_process; /* computes vectors itself, faster than a cache round trip */
	/*
	 * Embeds the batch. Returns 0 when every text has its status set
	 * (0 or a per-text failure such as DX_E_VALIDATION for a text the
	 * model refuses), or a negative status when the whole batch must be
	 * retried later: DX_E_THROTTLED (retries exhausted against throttling
	 * or 5xx), DX_E_CREDENTIALS (credentials expired and no fresh ones),
	 * DX_E_UNAVAILABLE (network). errmsg says why.
	 */
	int (*embed)(struct embed_provider *p, struct embed_batch *b);
	/* What the provider knows of its health, as a JSON object text
	 * (static or provider-owned), e.g. credentials source and expiry. */
	const char *(*health)(struct embed_provider *p);
	void (*free)(struct embed_provider *p);
	void *impl;
};

/* Creates the configured provider. Returns NULL with the reason in errmsg
 * (bad configuration). */
struct embed_provider *embed_provider_new(const struct conf *cfg, char *errmsg, size_t errlen);

/* Frees a provider (NULL-safe). */
void embed_provider_free(struct embed_provider *p);

/* Whether [embedding] cache (auto|on|off) puts p's vectors in the Redis
 * cache, for the workers and for the API's query embeddings: auto caches
 * the providers that do not compute in process (they bill and throttle). */
bool embed_cache_wanted(const char *setting, const struct embed_provider *p);

/* Rough token count of a text for providers that do not report one
 * (about 4 characters per token, as for English and code). */
int embed_estimate_tokens(const char *text);

/* The local provider (also used directly by tests and benchmarks). */
struct embed_provider *embed_local_new(int dimensions, bool normalize);

/* The Bedrock provider (src/aws/bedrock.c). */
struct embed_provider *embed_bedrock_new(const struct conf *cfg, char *errmsg, size_t errlen);

#endif
