/*
 * cli.c - docxp migrate | index | jobs | status.
 */
#include "config.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "client/apiclient.h"
#include "client/cli.h"
#include "client/progress.h"
#include "store/db.h"
#include "store/keystore.h"
#include "store/migrate.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/conf.h"
#include "util/status.h"

int cli_migrate(const struct conf *cfg)
{
	bool pg_keyword = cfg->search_keyword_index && strcmp(cfg->search_keyword_index, "postgresql") == 0;
	struct db db;
	int applied = 0, changed = 0, rc;

	rc = db_connect(&db, cfg->database_uri);
	if (rc == 0)
		rc = migrate_run(&db, &applied);
	/* The keyword leg's indexes follow [search] keyword_index. */
	if (rc == 0)
		rc = migrate_search_indexes(&db, pg_keyword, &changed);
	if (rc) {
		fprintf(stderr, "docxp migrate: %s\n", db.errmsg);
		db_close(&db);
		return status_exit(rc);
	}
	printf("schema at version %d (%d migration%s applied)\n", migrate_current_version(&db), applied,
	       applied == 1 ? "" : "s");
	if (changed)
		printf("%s %d PostgreSQL keyword search index%s (keyword_index = %s)\n",
		       pg_keyword ? "created" : "dropped", changed, changed == 1 ? "" : "es",
		       pg_keyword ? "postgresql" : "memory");
	db_close(&db);
	return 0;
}

int cli_apikey(const struct conf *cfg, int argc, char **argv)
{
	static const struct option opts[] = {{"name", required_argument, NULL, 'n'},
					     {"scope", required_argument, NULL, 's'},
					     {NULL, 0, NULL, 0}};
	const char *name = NULL, *scope = "read", *sub = argc > 1 ? argv[1] : "", *json, *key;
	struct arena *a = arena_new();
	struct db db;
	int opt, rc;

	optind = 0;
	while ((opt = getopt_long(argc - 1, argv + 1, "n:s:", opts, NULL)) != -1) {
		switch (opt) {
		case 'n': name = optarg; break;
		case 's': scope = optarg; break;
		default: goto usage;
		}
	}
	if (strcmp(sub, "create") && strcmp(sub, "list") && strcmp(sub, "revoke"))
		goto usage;
	if (db_connect(&db, cfg->database_uri) != 0) {
		fprintf(stderr, "docxp apikey: %s\n", db.errmsg);
		db_close(&db);
		arena_free(a);
		return 69;
	}
	if (strcmp(sub, "create") == 0) {
		if (!name || keystore_scope(scope) == SCOPE_NONE) {
			db_close(&db);
			goto usage;
		}
		rc = keystore_create(&db, a, name, keystore_scope(scope), &key);
		if (rc == 0) {
			/* The key itself on stdout, alone: scripts capture it. */
			printf("%s\n", key);
			fprintf(stderr,
				"created key '%s' with scope %s; it is shown only now, store it safely\n",
				name, scope);
		} else if (rc == DX_E_CONFLICT) {
			fprintf(stderr, "docxp apikey: a key named '%s' exists already\n", name);
		} else if (rc == DX_E_VALIDATION) {
			fprintf(stderr, "docxp apikey: the name must be 1 to 100 characters\n");
		} else {
			fprintf(stderr, "docxp apikey: %s\n", db.errmsg);
		}
	} else if (strcmp(sub, "list") == 0) {
		rc = keystore_list_json(&db, a, &json);
		if (rc == 0) {
			struct json_object *doc = json_tokener_parse(json);

			printf("%s\n", json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY));
			json_object_put(doc);
		} else {
			fprintf(stderr, "docxp apikey: %s\n", db.errmsg);
		}
	} else {
		const char *which = name ? name : (optind + 1 < argc ? argv[optind + 1] : NULL);

		if (!which) {
			db_close(&db);
			goto usage;
		}
		rc = keystore_revoke(&db, which);
		if (rc == 0)
			printf("revoked %s\n", which);
		else if (rc == DX_E_NOTFOUND)
			fprintf(stderr, "docxp apikey: no key named '%s'\n", which);
		else
			fprintf(stderr, "docxp apikey: %s\n", db.errmsg);
	}
	db_close(&db);
	arena_free(a);
	return status_exit(rc);
usage:
	arena_free(a);
	fprintf(stderr, "usage: docxp apikey create --name NAME [--scope read|write|admin]\n"
			"       docxp apikey list\n"
			"       docxp apikey revoke NAME|KEY_ID\n");
	return 64;
}

/* Prints the API's error document (or raw text) for a failed call. */
static int cli_report_error(const char *what, long status, const struct buf *body)
{
	struct json_object *doc = json_tokener_parse(buf_str(body)), *err, *msg;

	if (doc && json_object_object_get_ex(doc, "error", &err) &&
	    json_object_object_get_ex(err, "message", &msg))
		fprintf(stderr, "docxp %s: HTTP %ld: %s\n", what, status, json_object_get_string(msg));
	else
		fprintf(stderr, "docxp %s: HTTP %ld: %.300s\n", what, status, buf_str(body));
	json_object_put(doc);
	return status >= 500 ? 69 : 65;
}

/* One GET of a job's status. Returns the parsed document or NULL. */
static struct json_object *cli_fetch_status(struct apiclient *c, const char *job_id, struct buf *body)
{
	char path[128];
	long status;

	snprintf(path, sizeof(path), "/api/v1/indexing/jobs/%s/status", job_id);
	if (apiclient_request(c, "GET", path, NULL, &status, body) != 0 || status != 200)
		return NULL;
	return json_tokener_parse(buf_str(body));
}

static int cli_is_terminal(const char *s)
{
	return strcmp(s, "completed") == 0 || strcmp(s, "completed_with_errors") == 0 ||
	       strcmp(s, "failed") == 0 || strcmp(s, "cancelled") == 0;
}

static long cli_long(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? (long)json_object_get_int64(v) : 0;
}

/* Prints the final line of a job and returns the exit code it means. */
static int cli_summary(const char *job_id, struct json_object *job)
{
	struct json_object *st;
	const char *status =
	    json_object_object_get_ex(job, "status", &st) ? json_object_get_string(st) : "unknown";

	printf("job %s %s: %ld files (%ld processed, %ld skipped, %ld failed, %ld removed), %ld entities, "
	       "%ld chunks\n",
	       job_id, status, cli_long(job, "total_files"), cli_long(job, "files_processed"),
	       cli_long(job, "files_skipped"), cli_long(job, "files_failed"), cli_long(job, "files_removed"),
	       cli_long(job, "entities"), cli_long(job, "chunks_total"));
	fflush(stdout);
	return strncmp(status, "completed", 9) == 0 ? 0 : 1;
}

/* Follows the job by polling its status until it ends (the fallback when
 * the event stream is refused); returns the exit code. */
static int cli_wait(struct apiclient *c, const char *job_id)
{
	struct progress p;
	struct buf body;
	int failures = 0, rc = 0;

	buf_init(&body, 0);
	progress_init(&p, stderr);
	for (;;) {
		struct json_object *job = cli_fetch_status(c, job_id, &body), *st;
		const char *status;

		if (!job) {
			/* The API may restart under us: keep trying a while. */
			if (++failures > 60) {
				progress_finish(&p);
				fprintf(stderr, "docxp index: lost contact with the API: %s\n", c->errmsg);
				rc = 69;
				break;
			}
			sleep(1);
			continue;
		}
		failures = 0;
		progress_update(&p, job);
		json_object_object_get_ex(job, "status", &st);
		status = json_object_get_string(st);
		if (cli_is_terminal(status)) {
			progress_finish(&p);
			rc = cli_summary(job_id, job);
			json_object_put(job);
			break;
		}
		json_object_put(job);
		usleep(250000);
	}
	buf_release(&body);
	return rc;
}

struct follow {
	const char *job_id;
	struct progress p;
	struct json_object *last; /* newest status or progress document */
	int done;
};

static int follow_event(const char *id, const char *event, const char *data, void *arg)
{
	struct follow *f = arg;
	struct json_object *doc = json_tokener_parse(data), *v;

	(void)id;
	if (!doc)
		return 0;
	if (!strcmp(event, "snapshot") || !strcmp(event, "progress") || !strcmp(event, "done")) {
		progress_update(&f->p, doc);
		json_object_put(f->last);
		f->last = json_object_get(doc);
	} else if (!strcmp(event, "file_error")) {
		progress_note(&f->p, "error: %s: %s%s%s",
			      json_object_object_get_ex(doc, "path", &v) ? json_object_get_string(v) : "?",
			      json_object_object_get_ex(doc, "reason", &v) ? json_object_get_string(v) : "?",
			      json_object_object_get_ex(doc, "message", &v) ? ": " : "",
			      json_object_object_get_ex(doc, "message", &v) ? json_object_get_string(v) : "");
	} else if (!strcmp(event, "stalled")) {
		progress_note(&f->p, "stalled: %s",
			      json_object_object_get_ex(doc, "message", &v) ? json_object_get_string(v)
									    : data);
	} else if (!strcmp(event, "state")) {
		if (json_object_object_get_ex(doc, "status", &v) && f->last)
			json_object_object_add(f->last, "status",
					       json_object_new_string(json_object_get_string(v)));
		if (f->last)
			progress_update(&f->p, f->last);
	}
	if (!strcmp(event, "done"))
		f->done = 1;
	json_object_put(doc);
	return f->done;
}

/* Follows a job through its event stream, reconnecting with
 * Last-Event-ID when the connection breaks; falls back to polling when the
 * API refuses the stream. Returns the exit code. */
static int cli_follow(struct apiclient *c, const char *job_id)
{
	struct follow f;
	char path[128], last[128] = "";
	int rc = 0, broken = 0;

	memset(&f, 0, sizeof(f));
	f.job_id = job_id;
	progress_init(&f.p, stderr);
	snprintf(path, sizeof(path), "/api/v1/indexing/jobs/%s/stream", job_id);
	while (!f.done) {
		rc = apiclient_stream(c, path, last, sizeof(last), follow_event, &f);
		if (f.done)
			break;
		if (rc > 0) {
			progress_finish(&f.p);
			if (rc == 404) {
				fprintf(stderr, "docxp: no job %s\n", job_id);
				rc = 66;
				goto out;
			}
			fprintf(stderr, "docxp: event stream refused (HTTP %d), polling instead\n", rc);
			rc = cli_wait(c, job_id);
			goto out;
		}
		/* The server ended the stream without "done" (shutdown) or
		 * the connection broke: resume where we were. */
		if (++broken > 60) {
			progress_finish(&f.p);
			fprintf(stderr, "docxp: lost the event stream: %s\n", c->errmsg);
			rc = 69;
			goto out;
		}
		sleep(1);
	}
	progress_finish(&f.p);
	rc = f.last ? cli_summary(job_id, f.last) : 0;
out:
	json_object_put(f.last);
	return rc;
}

int cli_follow_job(const char *url, int argc, char **argv)
{
	struct apiclient c;
	int rc;

	if (argc != 2 || strlen(argv[1]) != 36 || strspn(argv[1], "0123456789abcdefABCDEF-") != 36) {
		fprintf(stderr, "usage: docxp follow JOB_ID\n");
		return 64;
	}
	if (apiclient_init(&c, url, getenv("DOCXP_API_KEY")) != 0) {
		fprintf(stderr, "docxp follow: %s\n", c.errmsg);
		return 78;
	}
	rc = cli_follow(&c, argv[1]);
	apiclient_release(&c);
	return rc;
}

int cli_index(const char *url, int argc, char **argv)
{
	static const struct option opts[] = {{"wait", no_argument, NULL, 'w'},
					     {"follow", no_argument, NULL, 'w'},
					     {"poll", no_argument, NULL, 'p'},
					     {"type", required_argument, NULL, 't'},
					     {"include", required_argument, NULL, 'i'},
					     {"exclude", required_argument, NULL, 'x'},
					     {NULL, 0, NULL, 0}};
	struct json_object *req = json_object_new_object(), *inc = json_object_new_array();
	struct json_object *exc = json_object_new_array(), *reply = NULL, *id;
	struct apiclient c;
	struct buf body;
	char real[PATH_MAX];
	const char *type = "full";
	int wait = 0, opt, rc;
	long status;

	buf_init(&body, 0);
	/* 0, not 1: glibc then also forgets the "+" of the first parse. */
	optind = 0;
	while ((opt = getopt_long(argc, argv, "wpt:i:x:", opts, NULL)) != -1) {
		switch (opt) {
		case 'w': wait = wait ? wait : 1; break;
		case 'p': wait = 2; break;
		case 't': type = optarg; break;
		case 'i': json_object_array_add(inc, json_object_new_string(optarg)); break;
		case 'x': json_object_array_add(exc, json_object_new_string(optarg)); break;
		default:
			fprintf(
			    stderr,
			    "usage: docxp index PATH [--wait] [--type full|incremental] [--include GLOB]... "
			    "[--exclude GLOB]...\n");
			rc = 64;
			goto out;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr,
			"usage: docxp index PATH [--wait] [--type full|incremental] [--include GLOB]...\n");
		rc = 64;
		goto out;
	}
	/* The API resolves the path on its host; a relative path means the
	 * caller's directory, which only this process knows. */
	if (!realpath(argv[optind], real)) {
		fprintf(stderr, "docxp index: %s: no such directory\n", argv[optind]);
		rc = 66;
		goto out;
	}
	json_object_object_add(req, "repository_path", json_object_new_string(real));
	json_object_object_add(req, "job_type", json_object_new_string(type));
	json_object_object_add(req, "file_patterns", json_object_get(inc));
	json_object_object_add(req, "exclude_patterns", json_object_get(exc));
	rc = apiclient_init(&c, url, getenv("DOCXP_API_KEY"));
	if (rc) {
		fprintf(stderr, "docxp index: %s\n", c.errmsg);
		rc = 78;
		goto out;
	}
	rc = apiclient_request(&c, "POST", "/api/v1/indexing/start", json_object_to_json_string(req), &status,
			       &body);
	if (rc) {
		fprintf(stderr, "docxp index: %s\n", c.errmsg);
		rc = 69;
	} else if (status != 202) {
		rc = cli_report_error("index", status, &body);
	} else {
		reply = json_tokener_parse(buf_str(&body));
		if (!reply || !json_object_object_get_ex(reply, "job_id", &id)) {
			fprintf(stderr, "docxp index: unexpected answer: %.200s\n", buf_str(&body));
			rc = 70;
		} else {
			printf("job %s started for %s\n", json_object_get_string(id), real);
			fflush(stdout);
			if (wait == 1)
				rc = cli_follow(&c, json_object_get_string(id));
			else if (wait == 2)
				rc = cli_wait(&c, json_object_get_string(id));
			else
				rc = 0;
		}
	}
	apiclient_release(&c);
out:
	json_object_put(reply);
	json_object_put(inc);
	json_object_put(exc);
	json_object_put(req);
	buf_release(&body);
	return rc;
}

/* GETs path and prints the JSON answer pretty. */
static int cli_get_print(const char *url, const char *what, const char *path)
{
	struct apiclient c;
	struct buf body;
	long status;
	int rc;

	buf_init(&body, 0);
	rc = apiclient_init(&c, url, getenv("DOCXP_API_KEY"));
	if (rc) {
		fprintf(stderr, "docxp %s: %s\n", what, c.errmsg);
		buf_release(&body);
		return 78;
	}
	rc = apiclient_request(&c, "GET", path, NULL, &status, &body);
	if (rc) {
		fprintf(stderr, "docxp %s: %s\n", what, c.errmsg);
		rc = 69;
	} else if (status != 200) {
		rc = cli_report_error(what, status, &body);
	} else {
		struct json_object *doc = json_tokener_parse(buf_str(&body));

		printf("%s\n",
		       doc ? json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY) : buf_str(&body));
		json_object_put(doc);
	}
	apiclient_release(&c);
	buf_release(&body);
	return rc;
}

int cli_jobs(const char *url, int argc, char **argv)
{
	static const struct option opts[] = {{"status", required_argument, NULL, 's'},
					     {"limit", required_argument, NULL, 'l'},
					     {NULL, 0, NULL, 0}};
	const char *status = NULL;
	int limit = 20, opt;
	char path[256];

	/* 0, not 1: glibc then also forgets the "+" of the first parse. */
	optind = 0;
	while ((opt = getopt_long(argc, argv, "s:l:", opts, NULL)) != -1) {
		switch (opt) {
		case 's': status = optarg; break;
		case 'l': limit = atoi(optarg); break;
		default: fprintf(stderr, "usage: docxp jobs [--status STATUS] [--limit N]\n"); return 64;
		}
	}
	if (status && strspn(status, "abcdefghijklmnopqrstuvwxyz_") != strlen(status)) {
		fprintf(stderr, "docxp jobs: bad status '%s'\n", status);
		return 64;
	}
	snprintf(path, sizeof(path), "/api/v1/indexing/jobs?limit=%d%s%s", limit,
		 status ? "&status_filter=" : "", status ? status : "");
	return cli_get_print(url, "jobs", path);
}

int cli_status(const char *url, int argc, char **argv)
{
	char path[256];

	if (argc != 2 || strlen(argv[1]) > 64 ||
	    strspn(argv[1], "0123456789abcdefABCDEF-") != strlen(argv[1])) {
		fprintf(stderr, "usage: docxp status JOB_ID\n");
		return 64;
	}
	snprintf(path, sizeof(path), "/api/v1/indexing/jobs/%s/status", argv[1]);
	return cli_get_print(url, "status", path);
}

/* GETs the health document; NULL after printing why. */
static struct json_object *cli_fetch_health(const char *url, const char *what, long *status)
{
	struct apiclient c;
	struct json_object *doc = NULL;
	struct buf body;

	buf_init(&body, 0);
	if (apiclient_init(&c, url, getenv("DOCXP_API_KEY")) != 0) {
		fprintf(stderr, "docxp %s: %s\n", what, c.errmsg);
		buf_release(&body);
		return NULL;
	}
	if (apiclient_request(&c, "GET", "/api/v1/indexing/health", NULL, status, &body) != 0)
		fprintf(stderr, "docxp %s: %s\n", what, c.errmsg);
	else if (*status != 200 && *status != 503)
		cli_report_error(what, *status, &body);
	else
		doc = json_tokener_parse(buf_str(&body));
	apiclient_release(&c);
	buf_release(&body);
	return doc;
}

/* "ok" green, "degraded" yellow, anything else red; plain when not a tty. */
static const char *cli_paint(const char *status, char *out, size_t outlen)
{
	const char *colour = !strcmp(status, "ok") ? "32" : !strcmp(status, "degraded") ? "33" : "31";

	if (isatty(fileno(stdout)))
		snprintf(out, outlen, "\033[%sm%-9s\033[0m", colour, status);
	else
		snprintf(out, outlen, "%-9s", status);
	return out;
}

int cli_health(const char *url, int argc, char **argv)
{
	struct json_object *doc, *services, *st, *err;
	char painted[32];
	long status = 0;

	(void)argc;
	(void)argv;
	doc = cli_fetch_health(url, "health", &status);
	if (!doc)
		return 69;
	json_object_object_get_ex(doc, "status", &st);
	printf("docxp %s\n", cli_paint(json_object_get_string(st), painted, sizeof(painted)));
	if (json_object_object_get_ex(doc, "services", &services)) {
		json_object_object_foreach(services, name, comp)
		{
			struct json_object *cs;
			const char *cst =
			    json_object_object_get_ex(comp, "status", &cs) ? json_object_get_string(cs) : "?";

			printf("  %-12s %s", name, cli_paint(cst, painted, sizeof(painted)));
			if (json_object_object_get_ex(comp, "latency_ms", &cs))
				printf(" %7.2f ms", json_object_get_double(cs));
			if (json_object_object_get_ex(comp, "error", &err))
				printf("  %s", json_object_get_string(err));
			printf("\n");
		}
	}
	if (json_object_object_get_ex(doc, "cache_statistics", &st))
		printf("  cache        hit rate %.1f %%, %ld tokens saved\n",
		       100.0 * json_object_get_double(json_object_object_get(st, "hit_rate")),
		       (long)json_object_get_int64(json_object_object_get(st, "tokens_saved")));
	json_object_put(doc);
	return status == 200 ? 0 : 69;
}

int cli_workers(const char *url, int argc, char **argv)
{
	struct json_object *doc, *services, *workers, *list;
	long status = 0;
	size_t i, n;

	(void)argc;
	(void)argv;
	doc = cli_fetch_health(url, "workers", &status);
	if (!doc)
		return 69;
	if (!json_object_object_get_ex(doc, "services", &services) ||
	    !json_object_object_get_ex(services, "workers", &workers) ||
	    !json_object_object_get_ex(workers, "workers", &list)) {
		printf("no worker information (Redis down?)\n");
		json_object_put(doc);
		return 69;
	}
	n = json_object_array_length(list);
	printf("%-32s %-20s %-38s %s\n", "WORKER", "STATUS", "JOB", "LAST HEARTBEAT");
	for (i = 0; i < n; i++) {
		struct json_object *w = json_object_array_get_idx(list, i), *v;
		long long ts =
		    json_object_object_get_ex(w, "ts", &v) ? (long long)json_object_get_int64(v) : 0;
		const char *job = json_object_object_get_ex(w, "job", &v) ? json_object_get_string(v) : "";

		struct timespec now;
		double ago;

		clock_gettime(CLOCK_REALTIME, &now);
		ago = ts ? ((double)now.tv_sec * 1000 + (double)now.tv_nsec / 1e6 - (double)ts) / 1000.0 : 0;
		printf("%-32s %-20s %-38s %.1f s ago\n",
		       json_object_object_get_ex(w, "name", &v) ? json_object_get_string(v) : "?",
		       json_object_object_get_ex(w, "status", &v) ? json_object_get_string(v) : "?",
		       *job ? job : "-", ago > 0 ? ago : 0);
	}
	if (n == 0)
		printf("(no live workers: start docxp-worker, e.g. systemctl start docxp-workers.target)\n");
	json_object_put(doc);
	return n ? 0 : 69;
}
