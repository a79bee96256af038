/*
 * histogram.h - Prometheus-style cumulative histograms as counter deltas.
 *
 * A histogram observation becomes increments of counters named
 * NAME_bucket{LABELS,le="B"} for every bucket B >= value, NAME_sum{LABELS}
 * and NAME_count{LABELS}; counters are what docxp aggregates across
 * processes (see src/queue/metrics.h).
 */
#ifndef DOCXP_HISTOGRAM_H
#define DOCXP_HISTOGRAM_H

#include <stddef.h>

/* Latency buckets in seconds (the last one is +Inf). */
#define HISTOGRAM_NBUCKETS 14
extern const double histogram_buckets[HISTOGRAM_NBUCKETS];

struct metric_delta {
	char field[192]; /* name{labels} in exposition syntax */
	double value;
};

/* Writes the deltas of one observation into out (room for
 * HISTOGRAM_NBUCKETS + 2); returns how many. labels: 'route="x"' or "". */
size_t histogram_observe(const char *name, const char *labels, double value, struct metric_delta *out);

/* A counter increment: name{labels} += value. */
void metric_counter(struct metric_delta *out, const char *name, const char *labels, double value);

#endif
