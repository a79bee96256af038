#include "config.h"

#include <math.h>
#include <stdio.h>

#include "util/histogram.h"

const double histogram_buckets[HISTOGRAM_NBUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
						      0.1,    0.25,  0.5,    1,	    2.5,  10,	 INFINITY};

void metric_counter(struct metric_delta *out, const char *name, const char *labels, double value)
{
	if (labels && *labels)
		snprintf(out->field, sizeof(out->field), "%s{%s}", name, labels);
	else
		snprintf(out->field, sizeof(out->field), "%s", name);
	out->value = value;
}

size_t histogram_observe(const char *name, const char *labels, double value, struct metric_delta *out)
{
	const char *sep = labels && *labels ? "," : "";
	char bucket[96];
	size_t n = 0, i;

	snprintf(bucket, sizeof(bucket), "%s_bucket", name);
	for (i = 0; i < HISTOGRAM_NBUCKETS; i++) {
		char le[32];

		/* Buckets below the value get 0: every bucket exists from the
		 * first observation on, as Prometheus expects. */
		if (isinf(histogram_buckets[i]))
			snprintf(le, sizeof(le), "+Inf");
		else
			snprintf(le, sizeof(le), "%g", histogram_buckets[i]);
		snprintf(out[n].field, sizeof(out[n].field), "%s{%s%sle=\"%s\"}", bucket,
			 labels ? labels : "", sep, le);
		out[n].value = value > histogram_buckets[i] ? 0 : 1;
		n++;
	}
	snprintf(bucket, sizeof(bucket), "%s_sum", name);
	metric_counter(&out[n++], bucket, labels, value);
	snprintf(bucket, sizeof(bucket), "%s_count", name);
	metric_counter(&out[n++], bucket, labels, 1);
	return n;
}
