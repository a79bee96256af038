/*
 * conf.c - the table of known configuration keys and the INI reader.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/alloc.h"
#include "util/conf.h"
#include "util/status.h"

enum conf_type {
	CONF_STR,  /* free text (or one of choices) */
	CONF_INT,  /* decimal integer in [min, max] */
	CONF_SIZE, /* byte count with optional k/m/g suffix, in [min, max] */
	CONF_MODE, /* octal file mode */
};

struct conf_key {
	const char *section;
	const char *key;
	enum conf_type type;
	size_t offset;
	const char *defval;
	long min, max;
	const char *choices; /* "a|b|c" for CONF_STR, or NULL */
	bool secret;
	const char *legacy_env; /* variable of the system docxp replaces */
	const char *help;
};

#define OFF(field) offsetof(struct conf, field)

static const struct conf_key conf_keys[] = {
    {"database", "uri", CONF_STR, OFF(database_uri), "postgresql:///docxp", 0, 0, NULL, true, NULL,
     "libpq connection URI or key=value string"},
    {"database", "pool_size", CONF_INT, OFF(database_pool_size), "8", 1, 256, NULL, false, NULL,
     "connections per process"},
    {"redis", "host", CONF_STR, OFF(redis_host), "127.0.0.1", 0, 0, NULL, false, NULL, "Redis host"},
    {"redis", "port", CONF_INT, OFF(redis_port), "6379", 1, 65535, NULL, false, NULL, "Redis TCP port"},
    {"redis", "socket", CONF_STR, OFF(redis_socket), "", 0, 0, NULL, false, NULL,
     "Redis unix socket (overrides host/port when set)"},
    {"redis", "password", CONF_STR, OFF(redis_password), "", 0, 0, NULL, true, NULL, "Redis AUTH password"},
    {"redis", "db", CONF_INT, OFF(redis_db), "0", 0, 15, NULL, false, NULL, "Redis database number"},
    {"redis", "prefix", CONF_STR, OFF(redis_prefix), "docxp:", 0, 0, NULL, false, NULL,
     "prefix of every Redis key docxp uses"},
    {"api", "socket", CONF_STR, OFF(api_socket), "/run/docxp/api.sock", 0, 0, NULL, false, NULL,
     "FastCGI unix socket path (ignored under socket activation)"},
    {"api", "socket_mode", CONF_MODE, OFF(api_socket_mode), "0660", 0, 0777, NULL, false, NULL,
     "permissions of the FastCGI socket"},
    {"api", "threads", CONF_INT, OFF(api_threads), "16", 1, 1024, NULL, false, NULL, "responder threads"},
    {"api", "max_body_bytes", CONF_SIZE, OFF(api_max_body_bytes), "1m", 1024, 64L << 20, NULL, false, NULL,
     "largest request body accepted"},
    {"api", "max_streams", CONF_INT, OFF(api_max_streams), "8", 0, 1024, NULL, false, NULL,
     "concurrent SSE streams (must stay below threads)"},
    {"api", "sse_heartbeat_seconds", CONF_INT, OFF(api_sse_heartbeat_seconds), "15", 1, 300, NULL, false,
     NULL, "idle SSE streams get a comment this often (detects gone clients)"},
    {"api", "slow_request_ms", CONF_INT, OFF(api_slow_request_ms), "500", 0, 600000, NULL, false, NULL,
     "requests slower than this are logged as slow (0: never)"},
    {"api", "max_running_jobs_per_key", CONF_INT, OFF(api_max_running_jobs_per_key), "4", 0, 100000, NULL,
     false, NULL, "jobs one API key may have not ended at once; more get 429 (0: unlimited)"},
    {"indexing", "repository_roots", CONF_STR, OFF(repository_roots), "/srv/repos", 0, 0, NULL, false, NULL,
     "colon-separated directories under which repositories may live"},
    {"indexing", "chunk_size", CONF_INT, OFF(chunk_size), "25", 1, 10000, NULL, false, "INDEXING_CHUNK_SIZE",
     "files per chunk"},
    {"indexing", "max_concurrent_chunks", CONF_INT, OFF(max_concurrent_chunks), "8", 1, 10000, NULL, false,
     "MAX_CONCURRENT_CHUNKS", "chunks of one job in flight at once"},
    {"indexing", "max_retries", CONF_INT, OFF(max_retries), "3", 1, 100, NULL, false, "INDEXING_MAX_RETRIES",
     "attempts before a chunk is dead-lettered"},
    {"indexing", "max_file_bytes", CONF_SIZE, OFF(max_file_bytes), "2m", 1, 1L << 30, NULL, false, NULL,
     "files larger than this are skipped"},
    {"indexing", "lease_seconds", CONF_INT, OFF(lease_seconds), "60", 5, 3600, NULL, false, NULL,
     "chunk lease; renewed while a worker works"},
    {"indexing", "window_lines", CONF_INT, OFF(window_lines), "60", 5, 10000, NULL, false, NULL,
     "lines per entity of the generic text extractor"},
    {"indexing", "container_search_chars", CONF_INT, OFF(container_search_chars), "4096", 0, 100000, NULL,
     false, NULL, "keyword document of an entity with members: its first characters (0: all)"},
    {"indexing", "window_overlap", CONF_INT, OFF(window_overlap), "10", 0, 5000, NULL, false, NULL,
     "lines shared by consecutive windows"},
    {"worker", "heartbeat_seconds", CONF_INT, OFF(worker_heartbeat_seconds), "5", 1, 600, NULL, false, NULL,
     "how often a worker reports itself alive"},
    {"worker", "reconcile_seconds", CONF_INT, OFF(worker_reconcile_seconds), "15", 1, 3600, NULL, false, NULL,
     "how often PostgreSQL is compared with the queue"},
    {"embedding", "provider", CONF_STR, OFF(embedding_provider), "local", 0, 0, "local|bedrock", false, NULL,
     "embedding provider"},
    {"embedding", "dimensions", CONF_INT, OFF(embedding_dimensions), "1024", 256, 1024, NULL, false, NULL,
     "vector dimensions (256, 512 or 1024)"},
    {"embedding", "container_windows", CONF_INT, OFF(embedding_container_windows), "2", 0, 100000, NULL,
     false, NULL, "embedding texts of an entity with members (0: all)"},
    {"embedding", "cache", CONF_STR, OFF(embedding_cache), "auto", 0, 0, "auto|on|off", false, NULL,
     "Redis cache of embeddings by content (auto: for remote providers)"},
    {"embedding", "cache_ttl_hours", CONF_INT, OFF(embedding_cache_ttl_hours), "168", 1, 87600, NULL, false,
     "EMBEDDING_CACHE_TTL_HOURS", "embedding cache entry lifetime"},
    {"embedding", "normalize", CONF_INT, OFF(embedding_normalize), "1", 0, 1, NULL, false, NULL,
     "1 = unit-length vectors (Titan v2 normalize)"},
    {"embedding", "concurrency", CONF_INT, OFF(embedding_concurrency), "8", 1, 256, NULL, false, NULL,
     "embedding requests in flight per worker (bedrock)"},
    {"embedding", "max_attempts", CONF_INT, OFF(embedding_max_attempts), "8", 1, 100, NULL, false, NULL,
     "attempts per embedding request (AWS standard retry, full-jitter backoff)"},
    {"embedding", "max_text_chars", CONF_INT, OFF(embedding_max_text_chars), "50000", 100, 1000000, NULL,
     false, NULL, "texts are cut to this length before embedding (Titan v2: 50,000 characters)"},
    {"embedding", "price_per_1k_tokens", CONF_STR, OFF(embedding_price_per_1k_tokens), "0.00002", 0, 0, NULL,
     false, NULL, "USD per 1,000 input tokens, for cost accounting"},
    {"aws", "region", CONF_STR, OFF(aws_region), "us-east-1", 0, 0, NULL, false, "AWS_REGION",
     "AWS region of Bedrock"},
    {"aws", "bedrock_model_id", CONF_STR, OFF(bedrock_model_id), "amazon.titan-embed-text-v2:0", 0, 0, NULL,
     false, "BEDROCK_EMBED_MODEL_ID", "Bedrock embedding model"},
    {"aws", "credentials_file", CONF_STR, OFF(aws_credentials_file), "/var/lib/docxp/aws-credentials.json", 0,
     0, NULL, false, NULL, "file docxp-credentials writes and workers read"},
    {"aws", "bedrock_endpoint", CONF_STR, OFF(bedrock_endpoint), "", 0, 0, NULL, false, NULL,
     "Bedrock Runtime base URL; empty = https://bedrock-runtime.REGION.amazonaws.com"},
    {"aws", "credential_sources", CONF_STR, OFF(aws_credential_sources),
     "environment,profile,web_identity,container,imds", 0, 0, NULL, false, NULL,
     "sources docxp-credentials tries, in order (the AWS SDKs' order by default)"},
    {"aws", "profile", CONF_STR, OFF(aws_profile), "", 0, 0, NULL, false, NULL,
     "profile of the shared AWS files; empty = $AWS_PROFILE, else default"},
    {"aws", "sts_endpoint", CONF_STR, OFF(aws_sts_endpoint), "", 0, 0, NULL, false, NULL,
     "STS base URL; empty = $AWS_ENDPOINT_URL_STS, else https://sts.REGION.amazonaws.com"},
    {"aws", "metadata_endpoint", CONF_STR, OFF(aws_metadata_endpoint), "", 0, 0, NULL, false, NULL,
     "EC2 instance metadata base URL; empty = $AWS_EC2_METADATA_SERVICE_ENDPOINT, else "
     "http://169.254.169.254"},
    {"aws", "credentials_owner", CONF_STR, OFF(aws_credentials_owner), "docxp", 0, 0, NULL, false, NULL,
     "user docxp-credentials gives the credentials file to when it runs as root (empty = keep root)"},
    {"log", "level", CONF_STR, OFF(log_level), "info", 0, 0, "debug|info|notice|warning|error", false, NULL,
     "lowest priority logged"},
    {"log", "subsystem_levels", CONF_STR, OFF(log_subsystem_levels), "", 0, 0, NULL, false, NULL,
     "levels of single subsystems over the one above, e.g. \"http=debug, aws=notice\" (subsystems: api aws "
     "client cmd embed extract http index queue search store util)"},
    {"search", "memory_budget_mb", CONF_INT, OFF(search_memory_budget_mb), "2048", 16, 1048576, NULL, false,
     NULL, "memory docxp-api may hold vectors in (about 1 GiB per million 1024-dimension vectors)"},
    {"search", "target_p50_ms", CONF_INT, OFF(search_target_p50_ms), "10", 1, 600000, NULL, false,
     "TARGET_SEARCH_LATENCY_P50_MS", "median search latency /api/v1/search/health compares against"},
    {"search", "target_p95_ms", CONF_INT, OFF(search_target_p95_ms), "30", 1, 600000, NULL, false,
     "TARGET_SEARCH_LATENCY_P95_MS", "95th percentile search latency /api/v1/search/health compares against"},
    {"search", "keyword_candidates", CONF_INT, OFF(search_keyword_candidates), "100", 10, 100000, NULL, false,
     NULL, "candidates per index the keyword leg ranks (caps the cost of common words)"},
    {"search", "keyword_index", CONF_STR, OFF(search_keyword_index), "memory", 0, 0, "memory|postgresql",
     false, NULL,
     "where the keyword leg ranks: in docxp-api's memory (in memory_budget_mb) or in PostgreSQL"},
};

#define CONF_NKEYS (sizeof(conf_keys) / sizeof(conf_keys[0]))

static char **conf_strp(struct conf *cfg, const struct conf_key *k)
{
	return (char **)((char *)cfg + k->offset);
}

static bool conf_choice_ok(const char *choices, const char *v)
{
	size_t n = strlen(v);
	const char *p = choices;

	while (p && *p) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);

		if (len == n && strncmp(p, v, n) == 0)
			return true;
		p = bar ? bar + 1 : NULL;
	}
	return false;
}

/* Parses v into the field of k. Returns 0 or DX_E_CONFIG with errmsg set. */
static int conf_set(struct conf *cfg, const struct conf_key *k, const char *v, const char *where)
{
	char *end;
	long n;

	switch (k->type) {
	case CONF_STR:
		if (k->choices && !conf_choice_ok(k->choices, v)) {
			snprintf(cfg->errmsg, sizeof(cfg->errmsg), "%s: %s.%s must be one of %s, not '%s'",
				 where, k->section, k->key, k->choices, v);
			return DX_E_CONFIG;
		}
		free(*conf_strp(cfg, k));
		*conf_strp(cfg, k) = xstrdup(v);
		return 0;
	case CONF_INT:
	case CONF_SIZE:
	case CONF_MODE:
		errno = 0;
		n = strtol(v, &end, k->type == CONF_MODE ? 8 : 10);
		if (end == v || errno) {
			snprintf(cfg->errmsg, sizeof(cfg->errmsg), "%s: %s.%s: '%s' is not a number", where,
				 k->section, k->key, v);
			return DX_E_CONFIG;
		}
		if (k->type == CONF_SIZE && *end) {
			long mult = 1;

			switch (tolower((unsigned char)*end)) {
			case 'k': mult = 1L << 10; break;
			case 'm': mult = 1L << 20; break;
			case 'g': mult = 1L << 30; break;
			default: mult = 0; break;
			}
			if (!mult || end[1] != '\0' || n > LONG_MAX / mult) {
				snprintf(cfg->errmsg, sizeof(cfg->errmsg),
					 "%s: %s.%s: '%s' is not a size (use a number with k, m or g)", where,
					 k->section, k->key, v);
				return DX_E_CONFIG;
			}
			n *= mult;
			end += 1;
		}
		if (*end) {
			snprintf(cfg->errmsg, sizeof(cfg->errmsg), "%s: %s.%s: '%s' is not a number", where,
				 k->section, k->key, v);
			return DX_E_CONFIG;
		}
		if (n < k->min || n > k->max) {
			snprintf(cfg->errmsg, sizeof(cfg->errmsg),
				 "%s: %s.%s = %ld is out of range [%ld, %ld]", where, k->section, k->key, n,
				 k->min, k->max);
			return DX_E_CONFIG;
		}
		if (k->type == CONF_SIZE)
			*(long *)((char *)cfg + k->offset) = n;
		else
			*(int *)((char *)cfg + k->offset) = (int)n;
		return 0;
	}
	return DX_E_INTERNAL;
}

static const struct conf_key *conf_find(const char *section, const char *key)
{
	size_t i;

	for (i = 0; i < CONF_NKEYS; i++)
		if (strcmp(conf_keys[i].section, section) == 0 && strcmp(conf_keys[i].key, key) == 0)
			return &conf_keys[i];
	return NULL;
}

static bool conf_section_known(const char *section)
{
	size_t i;

	for (i = 0; i < CONF_NKEYS; i++)
		if (strcmp(conf_keys[i].section, section) == 0)
			return true;
	return false;
}

static char *conf_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int conf_read_file(struct conf *cfg, FILE *f, const char *path)
{
	char line[4096], section[64] = "", where[600];
	int lineno = 0, rc;

	while (fgets(line, sizeof(line), f)) {
		char *s, *eq, *key, *val;
		const struct conf_key *k;

		lineno++;
		snprintf(where, sizeof(where), "%s:%d", path, lineno);
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(cfg->errmsg, sizeof(cfg->errmsg), "%s: line too long", where);
			return DX_E_CONFIG;
		}
		s = conf_trim(line);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *close = strchr(s, ']');

			if (!close || close[1] != '\0' || (size_t)(close - s - 1) >= sizeof(section)) {
				snprintf(cfg->errmsg, sizeof(cfg->errmsg), "%s: malformed section header",
					 where);
				return DX_E_CONFIG;
			}
			*close = '\0';
			snprintf(section, sizeof(section), "%s", conf_trim(s + 1));
			if (!conf_section_known(section)) {
				snprintf(cfg->errmsg, sizeof(cfg->errmsg), "%s: unknown section [%s]", where,
					 section);
				return DX_E_CONFIG;
			}
			continue;
		}
		eq = strchr(s, '=');
		if (!eq) {
			snprintf(cfg->errmsg, sizeof(cfg->errmsg), "%s: expected 'key = value'", where);
			return DX_E_CONFIG;
		}
		*eq = '\0';
		key = conf_trim(s);
		val = conf_trim(eq + 1);
		if (section[0] == '\0') {
			snprintf(cfg->errmsg, sizeof(cfg->errmsg), "%s: key '%s' outside of a section", where,
				 key);
			return DX_E_CONFIG;
		}
		k = conf_find(section, key);
		if (!k) {
			snprintf(cfg->errmsg, sizeof(cfg->errmsg), "%s: unknown key '%s' in section [%s]",
				 where, key, section);
			return DX_E_CONFIG;
		}
		rc = conf_set(cfg, k, val, where);
		if (rc)
			return rc;
	}
	if (ferror(f)) {
		snprintf(cfg->errmsg, sizeof(cfg->errmsg), "%s: read error", path);
		return DX_E_CONFIG;
	}
	return 0;
}

/* True when a libpq URI or key=value string carries a password. */
static bool conf_uri_has_password(const char *uri)
{
	const char *at = strchr(uri, '@'), *scheme = strstr(uri, "://");

	if (strstr(uri, "password="))
		return true;
	/* postgresql://user:secret@host */
	return scheme && at && memchr(scheme + 3, ':', (size_t)(at - scheme - 3)) != NULL;
}

/*
 * A configuration file that holds secrets must not be readable by every
 * local user: refuse it rather than leak a password.
 */
static int conf_check_permissions(struct conf *cfg, FILE *f, const char *path)
{
	struct stat st;

	if (fstat(fileno(f), &st) != 0 || !(st.st_mode & S_IROTH))
		return 0;
	if ((cfg->redis_password && *cfg->redis_password) || conf_uri_has_password(cfg->database_uri)) {
		snprintf(cfg->errmsg, sizeof(cfg->errmsg),
			 "%s holds secrets (a password) and is readable by every user; chmod o-r %s", path,
			 path);
		return DX_E_CONFIG;
	}
	return 0;
}

static int conf_read_env(struct conf *cfg)
{
	char name[128], where[160];
	size_t i;
	int rc;

	for (i = 0; i < CONF_NKEYS; i++) {
		const struct conf_key *k = &conf_keys[i];
		const char *v;
		char *p;

		/* Legacy names first so that docxp's own names win. */
		if (k->legacy_env && (v = getenv(k->legacy_env)) != NULL && *v) {
			snprintf(where, sizeof(where), "environment %s", k->legacy_env);
			rc = conf_set(cfg, k, v, where);
			if (rc)
				return rc;
		}
		snprintf(name, sizeof(name), "DOCXP_%s_%s", k->section, k->key);
		for (p = name; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		v = getenv(name);
		if (v) {
			snprintf(where, sizeof(where), "environment %s", name);
			rc = conf_set(cfg, k, v, where);
			if (rc)
				return rc;
		}
	}
	return 0;
}

int conf_load(struct conf *cfg, const char *path)
{
	const char *file = path ? path : CONF_DEFAULT_PATH;
	FILE *f;
	size_t i;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < CONF_NKEYS; i++) {
		rc = conf_set(cfg, &conf_keys[i], conf_keys[i].defval, "default");
		if (rc)
			return rc;
	}
	f = fopen(file, "r");
	if (!f) {
		if (path || errno != ENOENT) {
			snprintf(cfg->errmsg, sizeof(cfg->errmsg), "could not open configuration %s: %s",
				 file, strerror(errno));
			return DX_E_CONFIG;
		}
	} else {
		cfg->path = xstrdup(file);
		rc = conf_read_file(cfg, f, file);
		if (rc == 0)
			rc = conf_check_permissions(cfg, f, file);
		fclose(f);
		if (rc)
			return rc;
	}
	rc = conf_read_env(cfg);
	if (rc)
		return rc;
	if (cfg->window_overlap >= cfg->window_lines) {
		snprintf(cfg->errmsg, sizeof(cfg->errmsg),
			 "indexing.window_overlap (%d) must be smaller than indexing.window_lines (%d)",
			 cfg->window_overlap, cfg->window_lines);
		return DX_E_CONFIG;
	}
	{
		char *end;
		double price = strtod(cfg->embedding_price_per_1k_tokens, &end);

		if (end == cfg->embedding_price_per_1k_tokens || *end || price < 0 || price > 1000) {
			snprintf(
			    cfg->errmsg, sizeof(cfg->errmsg),
			    "embedding.price_per_1k_tokens must be a decimal number of dollars, not '%s'",
			    cfg->embedding_price_per_1k_tokens);
			return DX_E_CONFIG;
		}
	}
	if (cfg->api_max_streams >= cfg->api_threads) {
		snprintf(
		    cfg->errmsg, sizeof(cfg->errmsg),
		    "api.max_streams (%d) must be smaller than api.threads (%d): each stream holds a thread",
		    cfg->api_max_streams, cfg->api_threads);
		return DX_E_CONFIG;
	}
	if (cfg->embedding_dimensions != 256 && cfg->embedding_dimensions != 512 &&
	    cfg->embedding_dimensions != 1024) {
		snprintf(cfg->errmsg, sizeof(cfg->errmsg),
			 "embedding.dimensions must be 256, 512 or 1024, not %d", cfg->embedding_dimensions);
		return DX_E_CONFIG;
	}
	return 0;
}

void conf_release(struct conf *cfg)
{
	size_t i;

	for (i = 0; i < CONF_NKEYS; i++)
		if (conf_keys[i].type == CONF_STR) {
			free(*conf_strp(cfg, &conf_keys[i]));
			*conf_strp(cfg, &conf_keys[i]) = NULL;
		}
	free(cfg->path);
	cfg->path = NULL;
}

void conf_dump(const struct conf *cfg, FILE *out)
{
	size_t i;

	fprintf(out, "# configuration from %s\n", cfg->path ? cfg->path : "(defaults and environment)");
	for (i = 0; i < CONF_NKEYS; i++) {
		const struct conf_key *k = &conf_keys[i];
		const char *base = (const char *)cfg + k->offset;

		fprintf(out, "%s.%s = ", k->section, k->key);
		switch (k->type) {
		case CONF_STR: {
			const char *s = *(char *const *)base;

			fprintf(out, "%s", k->secret && s && *s ? "(set)" : s ? s : "");
			break;
		}
		case CONF_INT: fprintf(out, "%d", *(const int *)base); break;
		case CONF_SIZE: fprintf(out, "%ld", *(const long *)base); break;
		case CONF_MODE: fprintf(out, "%04o", *(const int *)base); break;
		}
		fprintf(out, "\n");
	}
}
