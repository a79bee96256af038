/*
 * searchcli.c - docxp search QUERY [filters]: hits as "path:line: kind name
 * (score)", one per line, like grep; exit 1 when nothing matched.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "client/apiclient.h"
#include "client/cli.h"
#include "util/buf.h"

static const char *searchcli_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && !json_object_is_type(v, json_type_null)
		   ? json_object_get_string(v)
		   : "";
}

/* Warns about every leg that did not answer fully. */
static void searchcli_legs(struct json_object *reply)
{
	struct json_object *legs;

	if (!json_object_object_get_ex(reply, "legs", &legs))
		return;
	json_object_object_foreach(legs, name, leg)
	{
		const char *st = searchcli_str(leg, "status");

		if (strcmp(st, "ok") != 0 && strcmp(st, "skipped") != 0)
			fprintf(stderr, "docxp search: %s leg %s: %s\n", name, st,
				searchcli_str(leg, "error"));
	}
}

static void searchcli_print(struct json_object *hit, const char *mode, int relative, int snippets)
{
	struct json_object *repo = NULL, *file = NULL, *scores = NULL, *leg, *sc;
	double score = 0;

	json_object_object_get_ex(hit, "repository", &repo);
	json_object_object_get_ex(hit, "file", &file);
	if (json_object_object_get_ex(hit, "scores", &scores)) {
		if (strcmp(mode, "hybrid") != 0 && json_object_object_get_ex(scores, mode, &leg) && leg &&
		    json_object_object_get_ex(leg, "score", &sc))
			score = json_object_get_double(sc);
		else if (json_object_object_get_ex(scores, "fused", &sc))
			score = json_object_get_double(sc);
	}
	if (relative)
		printf("%s", searchcli_str(file, "path"));
	else
		printf("%s/%s", searchcli_str(repo, "path"), searchcli_str(file, "path"));
	printf(":%s: %s %s  (%.4f)\n", searchcli_str(hit, "start_line"), searchcli_str(hit, "kind"),
	       searchcli_str(hit, "name"), score);
	if (snippets && *searchcli_str(hit, "snippet"))
		printf("    %s:%s\n", searchcli_str(hit, "snippet_line"), searchcli_str(hit, "snippet"));
}

int cli_search(const char *url, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"mode", required_argument, NULL, 'm'},	{"repository", required_argument, NULL, 'r'},
	    {"language", required_argument, NULL, 'l'}, {"kind", required_argument, NULL, 'k'},
	    {"path", required_argument, NULL, 'p'},	{"glob", required_argument, NULL, 'g'},
	    {"limit", required_argument, NULL, 'n'},	{"snippets", no_argument, NULL, 's'},
	    {"json", no_argument, NULL, 'j'},		{NULL, 0, NULL, 0}};
	struct json_object *req = json_object_new_object(), *reply = NULL, *results;
	const char *mode = "hybrid";
	int opt, rc, relative = 0, snippets = 0, json = 0;
	struct apiclient c;
	struct buf body;
	long status;
	size_t i;

	buf_init(&body, 0);
	/* 0, not 1: glibc then also forgets the "+" of the first parse. */
	optind = 0;
	while ((opt = getopt_long(argc, argv, "m:r:l:k:p:g:n:sj", opts, NULL)) != -1) {
		switch (opt) {
		case 'm':
			mode = optarg;
			json_object_object_add(req, "mode", json_object_new_string(optarg));
			break;
		case 'r':
			relative = 1;
			json_object_object_add(req, "repository", json_object_new_string(optarg));
			break;
		case 'l': json_object_object_add(req, "language", json_object_new_string(optarg)); break;
		case 'k': json_object_object_add(req, "kind", json_object_new_string(optarg)); break;
		case 'p': json_object_object_add(req, "path_prefix", json_object_new_string(optarg)); break;
		case 'g': json_object_object_add(req, "path_glob", json_object_new_string(optarg)); break;
		case 'n': json_object_object_add(req, "limit", json_object_new_int(atoi(optarg))); break;
		case 's': snippets = 1; break;
		case 'j': json = 1; break;
		default: goto usage;
		}
	}
	if (optind != argc - 1)
		goto usage;
	json_object_object_add(req, "query", json_object_new_string(argv[optind]));
	rc = apiclient_init(&c, url, getenv("DOCXP_API_KEY"));
	if (rc) {
		fprintf(stderr, "docxp search: %s\n", c.errmsg);
		rc = 78;
		goto out;
	}
	rc = apiclient_request(&c, "POST", "/api/v1/search/hybrid", json_object_to_json_string(req), &status,
			       &body);
	if (rc) {
		fprintf(stderr, "docxp search: %s\n", c.errmsg);
		rc = 69;
	} else if (status != 200) {
		struct json_object *doc = json_tokener_parse(buf_str(&body)), *err, *msg;

		if (doc && json_object_object_get_ex(doc, "error", &err) &&
		    json_object_object_get_ex(err, "message", &msg))
			fprintf(stderr, "docxp search: HTTP %ld: %s\n", status, json_object_get_string(msg));
		else
			fprintf(stderr, "docxp search: HTTP %ld: %.300s\n", status, buf_str(&body));
		json_object_put(doc);
		rc = status >= 500 ? 69 : (status == 404 ? 66 : 65);
	} else if (!(reply = json_tokener_parse(buf_str(&body))) ||
		   !json_object_object_get_ex(reply, "results", &results)) {
		fprintf(stderr, "docxp search: unexpected answer: %.200s\n", buf_str(&body));
		rc = 70;
	} else if (json) {
		printf("%s\n", json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PRETTY));
		rc = json_object_array_length(results) > 0 ? 0 : 1;
	} else {
		searchcli_legs(reply);
		for (i = 0; i < json_object_array_length(results); i++)
			searchcli_print(json_object_array_get_idx(results, i), mode, relative, snippets);
		/* like grep: 1 when nothing matched */
		rc = json_object_array_length(results) > 0 ? 0 : 1;
	}
	apiclient_release(&c);
	goto out;
usage:
	fprintf(stderr,
		"usage: docxp search QUERY [--mode hybrid|keyword|semantic] [--repository PATH|ID]\n"
		"                    [--language L] [--kind K] [--path PREFIX] [--glob GLOB] [--limit N]\n"
		"                    [--snippets] [--json]\n");
	rc = 64;
out:
	json_object_put(reply);
	json_object_put(req);
	buf_release(&body);
	return rc;
}
