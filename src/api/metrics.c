/*
 * metrics.c - GET /metrics (Prometheus text) and /api/v1/indexing/metrics
 * (JSON), and the API's own request counters.
 *
 * Counters of every process live in one Redis hash (src/queue/metrics.c):
 * workers add theirs per chunk; the API accumulates its request counters
 * in memory and adds them at most once a second (and before a scrape), so
 * that one scrape of any API instance shows the whole deployment. Gauges
 * (queue depth, live workers, jobs by status, open streams) and this
 * instance's accepted FastCGI connections are measured
 * at scrape time.
 */
#include "config.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "api/api.h"
#include "aws/credentials.h"
#include "queue/metrics.h"
#include "store/jobstore.h"
#include "util/conf.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/status.h"

#define PENDING_MAX 1024

/* What each metric family is, for # HELP and # TYPE. */
static const struct {
	const char *name;
	const char *type;
	const char *help;
} families[] = {
    {"docxp_files_processed_total", "counter", "Files indexed."},
    {"docxp_files_skipped_total", "counter", "Files skipped (binary, too large, unchanged, ...)."},
    {"docxp_files_failed_total", "counter", "Files that failed."},
    {"docxp_entities_total", "counter", "Entities extracted and stored."},
    {"docxp_bytes_processed_total", "counter", "Bytes of source indexed."},
    {"docxp_chunks_done_total", "counter", "Chunks committed."},
    {"docxp_chunks_retried_total", "counter", "Chunks given back after a transient failure."},
    {"docxp_chunks_dead_lettered_total", "counter", "Chunks that failed too many times."},
    {"docxp_embedding_texts_total", "counter", "Texts embedded (cache hits included)."},
    {"docxp_embedding_cache_hits_total", "counter", "Embedding cache hits."},
    {"docxp_embedding_cache_misses_total", "counter", "Embedding cache misses."},
    {"docxp_embedding_failed_total", "counter", "Texts the provider refused."},
    {"docxp_embedding_tokens_total", "counter", "Input tokens sent to the embedding provider."},
    {"docxp_embedding_tokens_saved_total", "counter", "Input tokens served by the cache."},
    {"docxp_embedding_cost_usd_total", "counter", "Estimated embedding cost in US dollars."},
    {"docxp_embedding_cost_saved_usd_total", "counter", "Estimated cost saved by the cache."},
    {"docxp_embedding_stalls_total", "counter", "Chunks stalled by the provider, by reason."},
    {"docxp_embedding_batch_duration_seconds", "histogram", "Time of one embedding provider batch."},
    {"docxp_chunk_duration_seconds", "histogram", "Time to process and commit one chunk."},
    {"docxp_http_requests_total", "counter", "API requests by route, method and status."},
    {"docxp_http_request_duration_seconds", "histogram", "API request latency by route."},
    {"docxp_search_duration_seconds", "histogram", "Search latency by mode."},
    {"docxp_queue_depth", "gauge", "Messages in the work stream."},
    {"docxp_queue_pending", "gauge", "Messages delivered and not yet acknowledged."},
    {"docxp_workers_live", "gauge", "Workers with a recent heartbeat."},
    {"docxp_jobs", "gauge", "Jobs by status."},
    {"docxp_sse_streams_open", "gauge", "Open event streams on this API instance."},
    {"docxp_fastcgi_connections_accepted_total", "counter",
     "FastCGI connections this API instance accepted (nginx keeps them open: far fewer than requests)."},
    {"docxp_aws_credentials_seconds_left", "gauge",
     "Seconds until the AWS credentials in aws.credentials_file expire (bedrock provider, expiring ones)."},
};

static pthread_mutex_t pending_lock = PTHREAD_MUTEX_INITIALIZER;
static struct metric_delta pending[PENDING_MAX];
static size_t npending;
static time_t last_flush;

static void pending_add_locked(const struct metric_delta *d, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < npending; j++)
			if (strcmp(pending[j].field, d[i].field) == 0)
				break;
		if (j == npending) {
			if (npending == PENDING_MAX)
				continue; /* flushed below before it can matter */
			pending[npending++] = d[i];
		} else {
			pending[j].value += d[i].value;
		}
	}
}

/* Sends the accumulated counters when a second has passed (or force). */
static void apimetrics_flush(struct redisq *q, int force)
{
	struct metric_delta *copy = NULL;
	size_t n = 0;

	pthread_mutex_lock(&pending_lock);
	if (npending && (force || time(NULL) != last_flush || npending > PENDING_MAX / 2)) {
		copy = malloc(npending * sizeof(*copy));
		if (copy) {
			memcpy(copy, pending, npending * sizeof(*copy));
			n = npending;
			npending = 0;
			last_flush = time(NULL);
		}
	}
	pthread_mutex_unlock(&pending_lock);
	if (n && metrics_add(q, copy, n) != 0) {
		/* Put them back: a Redis hiccup must not lose counts. */
		pthread_mutex_lock(&pending_lock);
		pending_add_locked(copy, n);
		pthread_mutex_unlock(&pending_lock);
	}
	free(copy);
}

void api_after_request(struct http_request *r, const struct http_route *route, int64_t usec)
{
	struct metric_delta d[HISTOGRAM_NBUCKETS + 3];
	char labels[192];
	size_t n = 0;
	struct redisq *q;

	snprintf(labels, sizeof(labels), "route=\"%s\",method=\"%.10s\",status=\"%d\"",
		 route ? route->pattern : "unmatched", r->method, r->status);
	metric_counter(&d[n++], "docxp_http_requests_total", labels, 1);
	snprintf(labels, sizeof(labels), "route=\"%s\"", route ? route->pattern : "unmatched");
	n += histogram_observe("docxp_http_request_duration_seconds", labels, (double)usec / 1e6, &d[n]);
	pthread_mutex_lock(&pending_lock);
	pending_add_locked(d, n);
	pthread_mutex_unlock(&pending_lock);
	/* Only on a connection the thread has anyway: stream threads close
	 * theirs, and a flush must not reopen one per thread. */
	q = ((struct api_ctx *)r->thread_ctx)->redis_connected ? &((struct api_ctx *)r->thread_ctx)->q : NULL;
	if (q)
		apimetrics_flush(q, 0);
}

void api_observe(const char *name, const char *labels, double seconds)
{
	struct metric_delta d[HISTOGRAM_NBUCKETS + 2];
	size_t n = histogram_observe(name, labels, seconds, d);

	pthread_mutex_lock(&pending_lock);
	pending_add_locked(d, n);
	pthread_mutex_unlock(&pending_lock);
}

/* The family of a field: its name without {labels} and histogram suffix. */
static void family_of(const char *field, char *out, size_t outlen)
{
	size_t n = strcspn(field, "{");
	static const char *const suffixes[] = {"_bucket", "_sum", "_count"};
	size_t i;

	snprintf(out, outlen, "%.*s", (int)n, field);
	for (i = 0; i < 3; i++) {
		size_t l = strlen(suffixes[i]), m = strlen(out);

		if (m > l && strcmp(out + m - l, suffixes[i]) == 0) {
			char base[192];

			snprintf(base, sizeof(base), "%.*s", (int)(m - l), out);
			for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++)
				if (strcmp(families[f].name, base) == 0 &&
				    strcmp(families[f].type, "histogram") == 0) {
					snprintf(out, outlen, "%s", base);
					return;
				}
		}
	}
}

/* Sort key pieces of a field: family, suffix rank, labels without le, le. */
static double field_le(const char *field)
{
	const char *le = strstr(field, "le=\"");

	if (!le)
		return 0;
	return strncmp(le + 4, "+Inf", 4) == 0 ? INFINITY : strtod(le + 4, NULL);
}

static int field_rank(const char *field)
{
	size_t n = strcspn(field, "{");

	if (n >= 7 && strncmp(field + n - 7, "_bucket", 7) == 0)
		return 0;
	if (n >= 4 && strncmp(field + n - 4, "_sum", 4) == 0)
		return 1;
	if (n >= 6 && strncmp(field + n - 6, "_count", 6) == 0)
		return 2;
	return 0;
}

static void labels_without_le(const char *field, char *out, size_t outlen)
{
	const char *b = strchr(field, '{'), *le;
	size_t n;

	if (!b) {
		out[0] = '\0';
		return;
	}
	le = strstr(b, "le=\"");
	n = le ? (size_t)(le - b) : strlen(b);
	/* '{le="1"}' and '{a="x",le="1"}' compare as '' and '{a="x"'. */
	while (n > 0 && (b[n - 1] == '{' || b[n - 1] == ','))
		n--;
	if (!le && n > 0 && b[n - 1] == '}')
		n--;
	snprintf(out, outlen, "%.*s", (int)n, b);
}

static int field_cmp(const void *pa, const void *pb)
{
	const struct metric_delta *a = pa, *b = pb;
	char fa[192], fb[192], la[192], lb[192];
	double lea, leb;
	int c;

	family_of(a->field, fa, sizeof(fa));
	family_of(b->field, fb, sizeof(fb));
	c = strcmp(fa, fb);
	if (c)
		return c;
	labels_without_le(a->field, la, sizeof(la));
	labels_without_le(b->field, lb, sizeof(lb));
	c = strcmp(la, lb);
	if (c)
		return c;
	c = field_rank(a->field) - field_rank(b->field);
	if (c)
		return c;
	lea = field_le(a->field);
	leb = field_le(b->field);
	return lea < leb ? -1 : lea > leb ? 1 : strcmp(a->field, b->field);
}

/* The credentials' time left, for alerting before they expire: a gauge
 * when the bedrock provider reads a state file whose credentials expire
 * (none for the local provider, static keys or the environment). */
static size_t metrics_credentials(const struct conf *cfg, struct metric_delta *m)
{
	struct aws_cred_status st;
	char why[256];

	if (strcmp(cfg->embedding_provider, "bedrock") != 0 ||
	    (getenv("AWS_ACCESS_KEY_ID") && *getenv("AWS_ACCESS_KEY_ID")))
		return 0;
	if (aws_credentials_file_status(cfg->aws_credentials_file, time(NULL), &st, why, sizeof(why)) < 0 ||
	    !st.expiration)
		return 0;
	metric_counter(m, "docxp_aws_credentials_seconds_left", "",
		       st.expired ? 0.0 : (double)(st.expiration - time(NULL)));
	return 1;
}

/* Counters from Redis plus the gauges of this moment, sorted by family. */
static int metrics_collect(struct http_request *r, struct metric_delta **out, size_t *n)
{
	struct redisq *q = api_redis(r);
	struct metric_delta *m, *all;
	size_t nm, k = 0;
	int64_t depth = 0, pend = 0, workers = 0;
	struct db *db;

	if (!q)
		return -1;
	apimetrics_flush(q, 1);
	if (metrics_read(q, r->arena, &m, &nm) != 0) {
		http_respond_error(r, DX_E_REDIS, "could not read the metrics");
		return -1;
	}
	all = arena_zalloc(r->arena, (nm + 32) * sizeof(*all));
	memcpy(all, m, nm * sizeof(*m));
	k = nm;
	redisq_depth(q, &depth, &pend);
	redisq_count_workers(q, &workers);
	metric_counter(&all[k++], "docxp_queue_depth", "", (double)depth);
	metric_counter(&all[k++], "docxp_queue_pending", "", (double)pend);
	metric_counter(&all[k++], "docxp_workers_live", "", (double)workers);
	metric_counter(&all[k++], "docxp_sse_streams_open", "", (double)api_streams_open());
	metric_counter(&all[k++], "docxp_fastcgi_connections_accepted_total", "",
		       (double)http_server_connections_accepted());
	k += metrics_credentials(((struct api_ctx *)r->thread_ctx)->cfg, &all[k]);
	db = api_db_quiet(r, NULL, 0);
	if (db) {
		static const char *const statuses[] = {"pending", "planning",  "running",
						       "paused",  "completed", "completed_with_errors",
						       "failed",  "cancelled"};
		int64_t counts[8];
		size_t i;

		if (jobstore_count_by_status(db, statuses, 8, counts) == 0)
			for (i = 0; i < 8; i++) {
				char labels[48];

				snprintf(labels, sizeof(labels), "status=\"%s\"", statuses[i]);
				metric_counter(&all[k++], "docxp_jobs", labels, (double)counts[i]);
			}
	}
	qsort(all, k, sizeof(*all), field_cmp);
	*out = all;
	*n = k;
	return 0;
}

static const char *family_type(const char *family, const char **help)
{
	size_t f;

	for (f = 0; f < sizeof(families) / sizeof(families[0]); f++)
		if (strcmp(families[f].name, family) == 0) {
			*help = families[f].help;
			return families[f].type;
		}
	*help = NULL;
	return "untyped";
}

void api_metrics_prometheus(struct http_request *r)
{
	struct metric_delta *all;
	struct buf out;
	char prev[192] = "";
	size_t n, i;

	if (metrics_collect(r, &all, &n) != 0)
		return;
	buf_init(&out, 0);
	for (i = 0; i < n; i++) {
		char fam[192];
		const char *help, *type;

		family_of(all[i].field, fam, sizeof(fam));
		if (strcmp(fam, prev) != 0) {
			type = family_type(fam, &help);
			if (help)
				buf_printf(&out, "# HELP %s %s\n", fam, help);
			buf_printf(&out, "# TYPE %s %s\n", fam, type);
			snprintf(prev, sizeof(prev), "%s", fam);
		}
		buf_printf(&out, "%s %.17g\n", all[i].field, all[i].value);
	}
	http_respond_text(r, 200, "text/plain; version=0.0.4; charset=utf-8", buf_str(&out));
	buf_release(&out);
}

void api_metrics_json(struct http_request *r)
{
	struct json_object *reply, *counters, *gauges;
	struct metric_delta *all;
	size_t n, i;

	if (metrics_collect(r, &all, &n) != 0)
		return;
	reply = json_object_new_object();
	counters = json_object_new_object();
	gauges = json_object_new_object();
	for (i = 0; i < n; i++) {
		char fam[192];
		const char *help;

		family_of(all[i].field, fam, sizeof(fam));
		json_object_object_add(strcmp(family_type(fam, &help), "gauge") == 0 ? gauges : counters,
				       all[i].field, json_object_new_double(all[i].value));
	}
	json_object_object_add(reply, "counters", counters);
	json_object_object_add(reply, "gauges", gauges);
	http_respond_json(r, 200, reply);
	json_object_put(reply);
}
