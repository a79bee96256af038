/*
 * planner.h - turning a pending job into chunks.
 */
#ifndef DOCXP_PLANNER_H
#define DOCXP_PLANNER_H

#include <stdint.h>

struct conf;
struct db;
struct redisq;

/*
 * Plans job_id if it still needs planning: claims it (lease), walks the
 * repository with the job's patterns, records git info, chunks and skips
 * in one transaction, then enqueues the chunks. A repository that cannot
 * be read fails the job with the reason. Returns 0 (also when there was
 * nothing to do) or a negative status for transient trouble (the job stays
 * claimable once the lease runs out).
 */
int planner_plan_job(const struct conf *cfg, struct db *db, struct redisq *q, const char *worker,
		     const char *job_id);

#endif
