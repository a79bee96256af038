/*
 * conf.h - docxp's configuration: one INI file, one table of known keys.
 *
 * Every key has a type, a default and limits (see conf.c). Unknown sections
 * or keys and bad values are errors. Environment variables override single
 * keys: DOCXP_<SECTION>_<KEY> (e.g. DOCXP_DATABASE_URI), plus the variables
 * of the system docxp replaces (INDEXING_CHUNK_SIZE, MAX_CONCURRENT_CHUNKS,
 * INDEXING_MAX_RETRIES, EMBEDDING_CACHE_TTL_HOURS, AWS_REGION,
 * BEDROCK_EMBED_MODEL_ID, TARGET_SEARCH_LATENCY_P50_MS, TARGET_SEARCH_LATENCY_P95_MS).
 * Precedence: default < file < environment.
 */
#ifndef DOCXP_CONF_H
#define DOCXP_CONF_H

#include <stdbool.h>
#include <stdio.h>

#define CONF_DEFAULT_PATH "/etc/docxp/docxp.conf"

struct conf {
	/* [database] */
	char *database_uri;
	int database_pool_size;
	/* [redis] */
	char *redis_host;
	int redis_port;
	char *redis_socket;
	char *redis_password;
	int redis_db;
	char *redis_prefix;
	/* [api] */
	char *api_socket;
	int api_socket_mode;
	int api_threads;
	long api_max_body_bytes;
	int api_max_streams;
	int api_sse_heartbeat_seconds;
	int api_slow_request_ms;
	int api_max_running_jobs_per_key; /* 0 = unlimited */
	/* [indexing] */
	char *repository_roots; /* colon-separated absolute directories */
	int chunk_size;
	int max_concurrent_chunks;
	int max_retries;
	long max_file_bytes;
	int lease_seconds;
	int window_lines;
	int window_overlap;
	int container_search_chars;
	/* [worker] */
	int worker_heartbeat_seconds;
	int worker_reconcile_seconds;
	/* [embedding] */
	char *embedding_provider;
	int embedding_dimensions;
	char *embedding_cache; /* auto|on|off */
	int embedding_container_windows;
	int embedding_cache_ttl_hours;
	int embedding_normalize;
	int embedding_concurrency;
	int embedding_max_attempts;
	int embedding_max_text_chars;
	char *embedding_price_per_1k_tokens; /* decimal text, parsed where used */
	/* [aws] */
	char *aws_region;
	char *bedrock_model_id;
	char *aws_credentials_file;
	char *bedrock_endpoint;	      /* "" = https://bedrock-runtime.<region>.amazonaws.com */
	char *aws_credential_sources; /* docxp-credentials: source order */
	char *aws_profile;
	char *aws_sts_endpoint;
	char *aws_metadata_endpoint;
	char *aws_credentials_owner; /* chown target when run as root */
	/* [log] */
	char *log_level;
	char *log_subsystem_levels;
	/* [search] */
	int search_memory_budget_mb;
	int search_target_p50_ms;
	int search_target_p95_ms;
	int search_keyword_candidates;
	char *search_keyword_index; /* "memory" | "postgresql" */

	char *path;	  /* file the values came from, NULL if none */
	char errmsg[512]; /* why the last conf_load failed */
};

/*
 * Fills cfg with defaults, then the file at path (NULL = CONF_DEFAULT_PATH,
 * which may be absent; an explicit path must exist), then the environment.
 * Returns 0, or DX_E_CONFIG with the reason in cfg->errmsg. Release with
 * conf_release even on failure.
 */
int conf_load(struct conf *cfg, const char *path);

/* Frees the strings held by cfg. */
void conf_release(struct conf *cfg);

/* Prints every key as "section.key = value"; secrets are shown as "(set)". */
void conf_dump(const struct conf *cfg, FILE *out);

#endif
