/*
 * searchstats.c - the ring buffer of recent search latencies.
 */
#include "config.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "search/searchstats.h"

static pthread_mutex_t stats_mu = PTHREAD_MUTEX_INITIALIZER;
static double stats_ring[SEARCHSTATS_WINDOW];
static unsigned long stats_total, stats_failed;

void searchstats_record(double ms, int failed)
{
	pthread_mutex_lock(&stats_mu);
	stats_ring[stats_total % SEARCHSTATS_WINDOW] = ms;
	stats_total++;
	if (failed)
		stats_failed++;
	pthread_mutex_unlock(&stats_mu);
}

static int stats_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double searchstats_percentile(const double *sorted, size_t n, double p)
{
	size_t rank;

	if (n == 0)
		return 0;
	rank = (size_t)ceil(p / 100.0 * (double)n);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

void searchstats_summary(struct searchstats_summary *out)
{
	double copy[SEARCHSTATS_WINDOW];
	size_t n;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&stats_mu);
	n = stats_total < SEARCHSTATS_WINDOW ? (size_t)stats_total : SEARCHSTATS_WINDOW;
	memcpy(copy, stats_ring, n * sizeof(double));
	out->total = stats_total;
	out->failed = stats_failed;
	pthread_mutex_unlock(&stats_mu);
	out->count = n;
	if (n == 0)
		return;
	qsort(copy, n, sizeof(double), stats_cmp);
	out->p50_ms = searchstats_percentile(copy, n, 50);
	out->p95_ms = searchstats_percentile(copy, n, 95);
	out->p99_ms = searchstats_percentile(copy, n, 99);
	out->max_ms = copy[n - 1];
}
