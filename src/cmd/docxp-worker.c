/*
 * docxp-worker - takes indexing work from the queue (see src/index/worker.c).
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "index/chunkproc.h"
#include "index/worker.h"
#include "util/conf.h"
#include "util/log.h"
#include "util/startup.h"
#include "util/status.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: docxp-worker [-c CONFIG] [--name NAME] [--check-config]\n"
		     "  -c, --config PATH   configuration file (default " CONF_DEFAULT_PATH ")\n"
		     "  -n, --name NAME     worker name in leases and logs (default HOST:PID)\n"
		     "      --check-config  validate the configuration, print it and exit\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'}, {"name", required_argument, NULL, 'n'},
	    {"check-config", no_argument, NULL, 'C'}, {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},      {NULL, 0, NULL, 0}};
	const char *path = NULL;
	char name[300], host[256];
	bool check = false;
	struct conf cfg;
	int c, rc;

	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(name, sizeof(name), "%s:%d", host, (int)getpid());
	while ((c = getopt_long(argc, argv, "c:n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': path = optarg; break;
		case 'n':
			/* The name lands in a Redis key and in leases: keep it short. */
			snprintf(name, sizeof(name), "%.100s:%d", optarg, (int)getpid());
			break;
		case 'C': check = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("docxp-worker %s\n", PACKAGE_VERSION); return 0;
		default: usage(stderr); return 64;
		}
	}
	rc = startup_config("docxp-worker", path, check, &cfg);
	if (rc >= 0) {
		conf_release(&cfg);
		return rc;
	}
	log_info("docxp-worker starting | version=%s worker=%s", PACKAGE_VERSION, name);
	/* Fault injection hooks of the test suite; loud so that nobody runs
	 * a production worker with them by accident. */
	if (getenv("DOCXP_FAULT_FAIL_GLOB") || getenv("DOCXP_FAULT_CRASH_GLOB")) {
		log_warn("fault injection enabled | fail=%s crash=%s", getenv("DOCXP_FAULT_FAIL_GLOB") ?: "-",
			 getenv("DOCXP_FAULT_CRASH_GLOB") ?: "-");
		chunkproc_set_faults(getenv("DOCXP_FAULT_FAIL_GLOB"), getenv("DOCXP_FAULT_CRASH_GLOB"));
	}
	rc = worker_run(&cfg, name);
	conf_release(&cfg);
	return status_exit(rc);
}
