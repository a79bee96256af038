/*
 * docxp-api - the REST API, a multi-threaded FastCGI responder behind nginx.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "api/api.h"
#include "http/http.h"
#include "util/conf.h"
#include "util/log.h"
#include "util/startup.h"
#include "util/status.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: docxp-api [-c CONFIG] [--check-config]\n"
		     "  -c, --config PATH   configuration file (default " CONF_DEFAULT_PATH ")\n"
		     "      --check-config  validate the configuration, print it and exit\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
					     {"check-config", no_argument, NULL, 'C'},
					     {"help", no_argument, NULL, 'h'},
					     {"version", no_argument, NULL, 'V'},
					     {NULL, 0, NULL, 0}};
	struct http_server_config scfg;
	const char *path = NULL;
	bool check = false;
	struct conf cfg;
	int c, rc;

	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': path = optarg; break;
		case 'C': check = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("docxp-api %s\n", PACKAGE_VERSION); return 0;
		default: usage(stderr); return 64;
		}
	}
	rc = startup_config("docxp-api", path, check, &cfg);
	if (rc >= 0) {
		conf_release(&cfg);
		return rc;
	}
	scfg.socket_path = cfg.api_socket;
	scfg.socket_mode = cfg.api_socket_mode;
	scfg.threads = cfg.api_threads;
	scfg.max_body_bytes = (size_t)cfg.api_max_body_bytes;
	scfg.routes = api_routes;
	scfg.nroutes = api_routes_count;
	scfg.thread_init = api_thread_init;
	scfg.thread_fini = api_thread_fini;
	scfg.thread_arg = &cfg;
	scfg.authorize = api_authorize;
	scfg.after = api_after_request;
	scfg.slow_request_ms = cfg.api_slow_request_ms;
	log_info("docxp-api starting | version=%s threads=%d", PACKAGE_VERSION, cfg.api_threads);
	api_init(&cfg);
	rc = http_server_run(&scfg);
	api_fini();
	if (rc)
		log_err("docxp-api stopped with an error | rc=%d", rc);
	conf_release(&cfg);
	return status_exit(rc);
}
