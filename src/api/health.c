/*
 * health.c - /api/v1/indexing/health: is every part working?
 *
 * It really asks PostgreSQL and Redis, and never a paid API (the embedding
 * provider reports what it knows without a call). Status: "ok"; "degraded"
 * when work cannot progress normally but the API answers (no live worker,
 * an eviction policy that could drop queue data, an old schema, expiring
 * credentials); "down" when a store is unreachable (HTTP 503). Field names
 * of the system docxp replaces are kept: services.<component> and
 * cache_statistics.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "api/api.h"
#include "aws/credentials.h"
#include "embed/embed.h"
#include "queue/metrics.h"
#include "store/jobstore.h"
#include "store/migrate.h"
#include "util/arena.h"
#include "util/conf.h"
#include "util/log.h"
#include "util/status.h"

static const char *worse(const char *a, const char *b)
{
	static const char *const order[] = {"ok", "degraded", "down"};
	int ia = 0, ib = 0, i;

	for (i = 0; i < 3; i++) {
		if (strcmp(a, order[i]) == 0)
			ia = i;
		if (strcmp(b, order[i]) == 0)
			ib = i;
	}
	return order[ia > ib ? ia : ib];
}

static struct json_object *component(const char *status, double latency_ms, const char *error)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "status", json_object_new_string(status));
	if (latency_ms >= 0)
		json_object_object_add(o, "latency_ms",
				       json_object_new_double((double)(long)(latency_ms * 1000) / 1000));
	if (error)
		json_object_object_add(o, "error", json_object_new_string(error));
	return o;
}

static const char *health_postgresql(struct http_request *r, struct json_object *services, struct db **dbp)
{
	char why[512];
	struct db *db = api_db_quiet(r, why, sizeof(why));
	struct json_object *c;
	double ms;
	int version;

	*dbp = NULL;
	if (!db || db_ping(db, &ms) != 0) {
		json_object_object_add(services, "postgresql", component("down", -1, db ? db->errmsg : why));
		return "down";
	}
	*dbp = db;
	version = migrate_current_version(db);
	c = component(version == migrate_latest_version() ? "ok" : "degraded", ms,
		      version == migrate_latest_version()
			  ? NULL
			  : "schema is not at the expected version: run docxp migrate");
	json_object_object_add(c, "schema_version", json_object_new_int(version));
	json_object_object_add(c, "schema_expected", json_object_new_int(migrate_latest_version()));
	json_object_object_add(services, "postgresql", c);
	return version == migrate_latest_version() ? "ok" : "degraded";
}

/* Redis itself, the queue in it, the workers' heartbeats, the cache. */
static const char *health_redis(struct http_request *r, struct json_object *services,
				struct json_object *reply, struct db *db)
{
	struct redisq *q = api_redis_quiet(r);
	struct json_object *c, *list;
	const char **names, **values;
	const char *overall = "ok", *st;
	int64_t used, max, ttl_keys, depth, pending, age, workers_n, dead_active = 0, dead_total = 0;
	double ms, hits = 0, misses = 0, saved = 0, saved_usd = 0;
	struct metric_delta *m;
	char policy[64];
	size_t n, i;

	if (!q || redisq_ping(q, &ms) != 0) {
		json_object_object_add(services, "redis",
				       component("down", -1, q ? q->errmsg : "could not connect"));
		json_object_object_add(services, "queue", component("down", -1, "Redis is down"));
		return "down";
	}
	redisq_memory(q, &used, &max, policy, sizeof(policy), &ttl_keys);
	/* Evicting keys without a TTL would drop queue and job data. */
	st = strcmp(policy, "noeviction") == 0 || strncmp(policy, "volatile-", 9) == 0 ? "ok" : "degraded";
	c = component(st, ms,
		      strcmp(st, "ok")
			  ? "maxmemory-policy may evict queue data: use volatile-lru or noeviction"
			  : NULL);
	json_object_object_add(c, "used_memory_bytes", json_object_new_int64(used));
	json_object_object_add(c, "maxmemory_bytes", json_object_new_int64(max));
	json_object_object_add(c, "maxmemory_policy", json_object_new_string(policy));
	json_object_object_add(services, "redis", c);
	overall = worse(overall, st);

	redisq_depth(q, &depth, &pending);
	redisq_oldest_pending_ms(q, &age);
	if (db)
		jobstore_dead_letters(db, &dead_active, &dead_total);
	c = component("ok", -1, NULL);
	json_object_object_add(c, "depth", json_object_new_int64(depth));
	json_object_object_add(c, "pending", json_object_new_int64(pending));
	json_object_object_add(c, "oldest_pending_age_seconds", json_object_new_double((double)age / 1000.0));
	json_object_object_add(c, "dead_letters", json_object_new_int64(dead_total));
	json_object_object_add(c, "dead_letters_active_jobs", json_object_new_int64(dead_active));
	json_object_object_add(services, "queue", c);

	list = json_object_new_array();
	workers_n = 0;
	if (redisq_list_workers(q, r->arena, &names, &values, &n) == 0) {
		for (i = 0; i < n; i++) {
			struct json_object *w = json_tokener_parse(values[i]);

			if (!w || !json_object_is_type(w, json_type_object)) {
				json_object_put(w);
				w = json_object_new_object();
			}
			json_object_object_add(w, "name", json_object_new_string(names[i]));
			json_object_array_add(list, w);
		}
		workers_n = (int64_t)n;
	}
	st = workers_n > 0 ? "ok" : "degraded";
	c = component(st, -1, workers_n ? NULL : "no live workers: jobs will not progress");
	json_object_object_add(c, "live", json_object_new_int64(workers_n));
	json_object_object_add(c, "workers", list);
	json_object_object_add(services, "workers", c);
	overall = worse(overall, st);

	if (metrics_read(q, r->arena, &m, &n) == 0)
		for (i = 0; i < n; i++) {
			if (strcmp(m[i].field, "docxp_embedding_cache_hits_total") == 0)
				hits = m[i].value;
			else if (strcmp(m[i].field, "docxp_embedding_cache_misses_total") == 0)
				misses = m[i].value;
			else if (strcmp(m[i].field, "docxp_embedding_tokens_saved_total") == 0)
				saved = m[i].value;
			else if (strcmp(m[i].field, "docxp_embedding_cost_saved_usd_total") == 0)
				saved_usd = m[i].value;
		}
	c = json_object_new_object();
	json_object_object_add(c, "hits", json_object_new_int64((int64_t)hits));
	json_object_object_add(c, "misses", json_object_new_int64((int64_t)misses));
	json_object_object_add(c, "hit_rate",
			       json_object_new_double(hits + misses > 0 ? hits / (hits + misses) : 0));
	json_object_object_add(c, "tokens_saved", json_object_new_int64((int64_t)saved));
	json_object_object_add(c, "cost_saved_usd", json_object_new_double(saved_usd));
	json_object_object_add(c, "keys_with_ttl", json_object_new_int64(ttl_keys));
	json_object_object_add(c, "redis_used_memory_bytes", json_object_new_int64(used));
	json_object_object_add(reply, "cache_statistics", c);
	return overall;
}

/*
 * What the credentials state file holds (docxp-credentials writes it, the
 * workers read it): source, expiry, seconds left, never a secret.
 * "degraded" when they expired or are inside the mandatory refresh window
 * (10 minutes) without a refresh having come.
 */
static const char *health_credentials(const struct conf *cfg, struct json_object *h)
{
	struct json_object *c = json_object_new_object();
	struct aws_cred_status st;
	char exp[21], why[512];
	const char *state = "ok";

	json_object_object_add(c, "file", json_object_new_string(cfg->aws_credentials_file));
	if (getenv("AWS_ACCESS_KEY_ID") && *getenv("AWS_ACCESS_KEY_ID")) {
		json_object_object_add(c, "source", json_object_new_string("environment"));
		json_object_object_add(h, "credentials", c);
		return "ok";
	}
	if (aws_credentials_file_status(cfg->aws_credentials_file, time(NULL), &st, why, sizeof(why)) < 0) {
		json_object_object_add(c, "state", json_object_new_string("missing"));
		json_object_object_add(c, "error", json_object_new_string(why));
		json_object_object_add(h, "credentials", c);
		json_object_object_add(
		    h, "credentials_warning",
		    json_object_new_string("no usable AWS credentials file: run docxp-credentials"));
		return "degraded";
	}
	json_object_object_add(c, "source", json_object_new_string(st.source));
	json_object_object_add(c, "access_key_id_prefix", json_object_new_string(st.key_prefix));
	if (st.expiration) {
		aws_format_rfc3339(st.expiration, exp);
		json_object_object_add(c, "expiration", json_object_new_string(exp));
		json_object_object_add(c, "seconds_left", json_object_new_int64(st.seconds_left));
	} else {
		json_object_object_add(c, "expiration", NULL);
		json_object_object_add(c, "seconds_left", NULL);
	}
	aws_format_rfc3339(st.written, exp);
	json_object_object_add(c, "refreshed_at", json_object_new_string(exp));
	json_object_object_add(c, "expired", json_object_new_boolean(st.expired));
	json_object_object_add(c, "refresh_overdue", json_object_new_boolean(st.refresh_overdue));
	if (st.expired)
		state = "expired";
	else if (st.refresh_overdue)
		state = "expiring";
	json_object_object_add(c, "state", json_object_new_string(state));
	json_object_object_add(h, "credentials", c);
	if (strcmp(state, "ok") == 0)
		return "ok";
	snprintf(why, sizeof(why),
		 "AWS credentials %s (%ld s left) and no refresh came: is docxp-credentials.timer running?",
		 st.expired ? "expired" : "expire soon", st.seconds_left);
	json_object_object_add(h, "credentials_warning", json_object_new_string(why));
	return "degraded";
}

static const char *health_embedding(struct http_request *r, struct json_object *services)
{
	const struct embed_provider *p = api_provider();
	struct json_object *c, *h;
	const char *st = "ok";

	if (!p) {
		json_object_object_add(services, "embedding",
				       component("down", -1, "no embedding provider configured"));
		return "degraded";
	}
	h = json_tokener_parse(p->health ? p->health((struct embed_provider *)p) : "{}");
	if (!h || !json_object_is_type(h, json_type_object)) {
		json_object_put(h);
		h = json_object_new_object();
	}
	{
		struct json_object *s;

		if (json_object_object_get_ex(h, "status", &s) && json_object_get_string(s) &&
		    strcmp(json_object_get_string(s), "ok") != 0)
			st = "degraded";
	}
	if (strcmp(p->name, "bedrock") == 0) {
		struct api_ctx *ctx = r->thread_ctx;

		if (strcmp(health_credentials(ctx->cfg, h), "ok") != 0) {
			st = "degraded";
			json_object_object_add(h, "status", json_object_new_string("degraded"));
		}
	}
	json_object_object_add(h, "provider", json_object_new_string(p->name));
	json_object_object_add(h, "model", json_object_new_string(p->model));
	json_object_object_add(h, "dimensions", json_object_new_int(p->dimensions));
	if (!json_object_object_get_ex(h, "status", &c))
		json_object_object_add(h, "status", json_object_new_string("ok"));
	/* The seed system called this component "bedrock". */
	json_object_object_add(services, strcmp(p->name, "bedrock") == 0 ? "bedrock" : "embedding", h);
	return st;
}

void api_health(struct http_request *r)
{
	struct json_object *reply = json_object_new_object(), *services = json_object_new_object();
	const char *overall;
	struct db *db;

	overall = health_postgresql(r, services, &db);
	overall = worse(overall, health_redis(r, services, reply, db));
	overall = worse(overall, health_embedding(r, services));
	json_object_object_add(reply, "status", json_object_new_string(overall));
	json_object_object_add(reply, "services", services);
	json_object_object_add(reply, "version", json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(reply, "timestamp", json_object_new_int64((int64_t)time(NULL)));
	http_respond_json(r, strcmp(overall, "down") == 0 ? 503 : 200, reply);
	json_object_put(reply);
}
