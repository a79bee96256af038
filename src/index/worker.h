/*
 * worker.h - the docxp-worker daemon's main loop.
 */
#ifndef DOCXP_WORKER_H
#define DOCXP_WORKER_H

struct conf;

/*
 * Runs until SIGTERM/SIGINT: takes messages from the queue (plan a job,
 * process a chunk), keeps a heartbeat in Redis and with systemd's watchdog,
 * and periodically reconciles PostgreSQL with the queue. Connection loss
 * is waited out with backoff, never fatal. name identifies the worker in
 * leases and logs. Returns 0 on a clean stop.
 */
int worker_run(const struct conf *cfg, const char *name);

#endif
