/*
 * searchstats.h - latencies of recent searches, for /api/v1/search/health.
 *
 * A ring buffer of the last SEARCHSTATS_WINDOW query durations, shared by
 * all responder threads (a mutex; recording is one store).
 */
#ifndef DOCXP_SEARCHSTATS_H
#define DOCXP_SEARCHSTATS_H

#include <stddef.h>

#define SEARCHSTATS_WINDOW 1024

/* Records one query's duration in milliseconds; failed says it answered
 * with an error (counted, but its latency is kept too). */
void searchstats_record(double ms, int failed);

struct searchstats_summary {
	size_t count;	      /* durations in the window */
	unsigned long total;  /* queries since start */
	unsigned long failed; /* of which answered with an error */
	double p50_ms, p95_ms, p99_ms, max_ms;
};

/* Percentiles (nearest rank) over the window; zeros when it is empty. */
void searchstats_summary(struct searchstats_summary *out);

/* Nearest-rank percentile p (0..100) of n sorted values. */
double searchstats_percentile(const double *sorted, size_t n, double p);

#endif
