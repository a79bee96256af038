#include "config.h"

#include <stdio.h>

#include "util/conf.h"
#include "util/log.h"
#include "util/startup.h"
#include "util/status.h"

int startup_config(const char *prog, const char *path, bool check_config, struct conf *cfg)
{
	int rc = conf_load(cfg, path);

	if (rc) {
		fprintf(stderr, "%s: bad configuration: %s\n", prog, cfg->errmsg);
		return status_exit(rc);
	}
	log_set_level(log_parse_level(cfg->log_level));
	if (check_config) {
		conf_dump(cfg, stdout);
		printf("configuration ok\n");
		return 0;
	}
	return -1;
}
