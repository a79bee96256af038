/*
 * cli.h - the subcommands of the docxp administration tool.
 *
 * Each returns a process exit code (0 success; sysexits otherwise).
 */
#ifndef DOCXP_CLI_H
#define DOCXP_CLI_H

struct conf;

/* docxp migrate: applies missing schema migrations. */
int cli_migrate(const struct conf *cfg);

/* docxp apikey create --name N --scope S | list | revoke NAME (direct database access). */
int cli_apikey(const struct conf *cfg, int argc, char **argv);

/* docxp index PATH [--follow|--wait|--poll] [--type T] [--include G]... [--exclude G]...
 * (--wait is --follow; --poll follows by polling the status instead). */
int cli_index(const char *url, int argc, char **argv);

/* docxp jobs [--status S] [--limit N] */
int cli_jobs(const char *url, int argc, char **argv);

/* docxp follow JOB_ID: live progress from the job's event stream. */
int cli_follow_job(const char *url, int argc, char **argv);

/* docxp health / docxp workers: the health document for a terminal. */
int cli_health(const char *url, int argc, char **argv);
int cli_workers(const char *url, int argc, char **argv);

/* docxp status JOB_ID */
int cli_status(const char *url, int argc, char **argv);

/* docxp search QUERY [--mode M] [--repository R] [--language L] [--kind K]
 * [--path P] [--glob G] [--limit N] [--snippets] [--json] (searchcli.c):
 * "path:line: kind name  (score)" per hit; exit 1 when nothing matched. */
int cli_search(const char *url, int argc, char **argv);

#endif
