/*
 * startup.h - what every docxp program does first: read its configuration.
 */
#ifndef DOCXP_STARTUP_H
#define DOCXP_STARTUP_H

#include <stdbool.h>

struct conf;

/*
 * Loads the configuration (path NULL = default file), applies log.level,
 * and with check_config prints the effective values (secrets hidden) to
 * stdout. Returns -1 when the program should go on, or the exit code to
 * return now: 0 after a successful check, 78 (EX_CONFIG) on a bad
 * configuration (the reason printed on stderr, prefixed with prog).
 */
int startup_config(const char *prog, const char *path, bool check_config, struct conf *cfg);

#endif
