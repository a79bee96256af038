/*
 * docxp - administration tool: migrate, index, jobs, status, search.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli.h"
#include "util/conf.h"
#include "util/startup.h"

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: docxp [-c CONFIG] [--url URL] COMMAND [ARGS]\n"
	    "\n"
	    "commands:\n"
	    "  migrate                     apply database migrations (uses the configuration)\n"
	    "  apikey create --name N [--scope read|write|admin] | list | revoke NAME\n"
	    "                              manage API keys (uses the configuration)\n"
	    "  index PATH [--follow] [--type full|incremental] [--include GLOB]... [--exclude GLOB]...\n"
	    "                              start an indexing job; --follow (or --wait) shows live progress\n"
	    "  follow JOB_ID               live progress of a job (Server-Sent Events)\n"
	    "  jobs [--status S] [--limit N]  list jobs, newest first\n"
	    "  status JOB_ID               print a job's status document\n"
	    "  health                      components of the deployment and their state\n"
	    "  workers                     live workers and what each is doing\n"
	    "  search QUERY [--mode hybrid|keyword|semantic] [--repository R] [--language L] [--kind K]\n"
	    "         [--path PREFIX] [--glob G] [--limit N] [--snippets]\n"
	    "                              search the index; prints path:line: kind name  (score)\n"
	    "\n"
	    "options:\n"
	    "  -c, --config PATH   configuration file (default " CONF_DEFAULT_PATH ")\n"
	    "      --url URL       API base URL (default $DOCXP_URL, else http://127.0.0.1)\n"
	    "      --check-config  validate the configuration, print it and exit\n"
	    "environment: DOCXP_URL, DOCXP_API_KEY\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'}, {"url", required_argument, NULL, 'u'},
	    {"check-config", no_argument, NULL, 'C'}, {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},      {NULL, 0, NULL, 0}};
	const char *path = NULL, *url = getenv("DOCXP_URL"), *cmd;
	bool check = false;
	struct conf cfg;
	int c, rc;

	/* '+': stop at the command so that its own options are left to it. */
	while ((c = getopt_long(argc, argv, "+c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': path = optarg; break;
		case 'u': url = optarg; break;
		case 'C': check = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("docxp %s\n", PACKAGE_VERSION); return 0;
		default: usage(stderr); return 64;
		}
	}
	if (!url || !*url)
		url = "http://127.0.0.1";
	if (check) {
		rc = startup_config("docxp", path, true, &cfg);
		conf_release(&cfg);
		return rc;
	}
	if (optind >= argc) {
		usage(stderr);
		return 64;
	}
	cmd = argv[optind];
	if (strcmp(cmd, "migrate") == 0) {
		rc = startup_config("docxp", path, false, &cfg);
		if (rc < 0)
			rc = cli_migrate(&cfg);
		conf_release(&cfg);
		return rc;
	}
	if (strcmp(cmd, "apikey") == 0) {
		rc = startup_config("docxp", path, false, &cfg);
		if (rc < 0)
			rc = cli_apikey(&cfg, argc - optind, argv + optind);
		conf_release(&cfg);
		return rc;
	}
	if (strcmp(cmd, "index") == 0)
		return cli_index(url, argc - optind, argv + optind);
	if (strcmp(cmd, "jobs") == 0)
		return cli_jobs(url, argc - optind, argv + optind);
	if (strcmp(cmd, "health") == 0)
		return cli_health(url, argc - optind, argv + optind);
	if (strcmp(cmd, "workers") == 0)
		return cli_workers(url, argc - optind, argv + optind);
	if (strcmp(cmd, "follow") == 0)
		return cli_follow_job(url, argc - optind, argv + optind);
	if (strcmp(cmd, "status") == 0)
		return cli_status(url, argc - optind, argv + optind);
	if (strcmp(cmd, "search") == 0)
		return cli_search(url, argc - optind, argv + optind);
	fprintf(stderr, "docxp: unknown command '%s'\n", cmd);
	usage(stderr);
	return 64;
}
