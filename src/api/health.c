/*
 * health.c - /api/v1/indexing/health: is every part reachable?
 *
 * It really asks PostgreSQL and Redis (and never a paid API). Status:
 * "ok" when all is well, "degraded" when work cannot progress but the API
 * answers (no live worker), "down" when a store is unreachable (HTTP 503).
 */
#include "config.h"

#include <string.h>

#include <json-c/json.h>

#include "api/api.h"
#include "store/migrate.h"
#include "util/conf.h"
#include "util/log.h"
#include "util/status.h"

static struct json_object *health_component(const char *status, double latency_ms, const char *error)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "status", json_object_new_string(status));
	if (latency_ms >= 0)
		json_object_object_add(o, "latency_ms", json_object_new_double(latency_ms));
	if (error)
		json_object_object_add(o, "error", json_object_new_string(error));
	return o;
}

void api_health(struct http_request *r)
{
	struct api_ctx *ctx = r->thread_ctx;
	struct json_object *reply = json_object_new_object(), *services = json_object_new_object(), *c;
	const char *overall = "ok";
	double ms;
	int64_t len, pending, workers;
	char why[512];
	struct db *db;

	/* PostgreSQL */
	db = api_db_quiet(r, why, sizeof(why));
	if (db && db_ping(db, &ms) == 0) {
		int version = migrate_current_version(db);

		c = health_component(version == migrate_latest_version() ? "ok" : "degraded", ms, NULL);
		json_object_object_add(c, "schema_version", json_object_new_int(version));
		json_object_object_add(c, "schema_expected", json_object_new_int(migrate_latest_version()));
		if (version != migrate_latest_version())
			overall = "degraded";
	} else {
		c = health_component("down", -1, db ? db->errmsg : why);
		overall = "down";
	}
	json_object_object_add(services, "postgresql", c);

	/* Redis and the queue behind it */
	if (!ctx->redis_connected && redisq_connect(&ctx->q, ctx->cfg) == 0)
		ctx->redis_connected = 1;
	else if (!ctx->redis_connected)
		redisq_close(&ctx->q);
	if (ctx->redis_connected && redisq_ping(&ctx->q, &ms) == 0) {
		json_object_object_add(services, "redis", health_component("ok", ms, NULL));
		c = json_object_new_object();
		if (redisq_depth(&ctx->q, &len, &pending) == 0) {
			json_object_object_add(c, "status", json_object_new_string("ok"));
			json_object_object_add(c, "depth", json_object_new_int64(len));
			json_object_object_add(c, "pending", json_object_new_int64(pending));
		} else {
			json_object_object_add(c, "status", json_object_new_string("unknown"));
		}
		json_object_object_add(services, "queue", c);
		if (redisq_count_workers(&ctx->q, &workers) == 0) {
			c = json_object_new_object();
			json_object_object_add(c, "status", json_object_new_string(workers > 0 ? "ok" : "degraded"));
			json_object_object_add(c, "live", json_object_new_int64(workers));
			if (workers == 0)
				json_object_object_add(c, "error", json_object_new_string("no live workers: jobs will not progress"));
			json_object_object_add(services, "workers", c);
			if (workers == 0 && strcmp(overall, "ok") == 0)
				overall = "degraded";
		}
	} else {
		json_object_object_add(services, "redis",
				       health_component("down", -1, ctx->redis_connected ? ctx->q.errmsg : "could not connect"));
		if (ctx->redis_connected) {
			redisq_close(&ctx->q);
			ctx->redis_connected = 0;
		}
		overall = "down";
	}
	json_object_object_add(reply, "status", json_object_new_string(overall));
	json_object_object_add(reply, "services", services);
	json_object_object_add(reply, "version", json_object_new_string(PACKAGE_VERSION));
	http_respond_json(r, strcmp(overall, "down") == 0 ? 503 : 200, reply);
	json_object_put(reply);
}
