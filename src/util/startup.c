#include "config.h"

#include <stdio.h>

#include "util/conf.h"
#include "util/log.h"
#include "util/startup.h"
#include "util/status.h"

int startup_config(const char *prog, const char *path, bool check_config, struct conf *cfg)
{
	int rc = conf_load(cfg, path);
	char why[256];

	if (rc) {
		fprintf(stderr, "%s: bad configuration: %s\n", prog, cfg->errmsg);
		return status_exit(rc);
	}
	log_set_level(log_parse_level(cfg->log_level));
	if (log_set_subsystem_levels(cfg->log_subsystem_levels, why, sizeof(why)) != 0) {
		fprintf(stderr, "%s: bad configuration: log.subsystem_levels: %s\n", prog, why);
		return status_exit(DX_E_CONFIG);
	}
	if (check_config) {
		conf_dump(cfg, stdout);
		printf("configuration ok\n");
		return 0;
	}
	return -1;
}
