/*
 * embed_local_bench - throughput of the local embedding provider.
 *
 * Embeds N synthetic code texts (Java-like methods of about 1 KB, the size
 * of an entity's embedding window) in batches of 64 at 256, 512 and 1024
 * dimensions, prints a table and a final JSON line.
 *   bench/embed-local-bench [N]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "embed/embed.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const int dims[] = {256, 512, 1024};
	size_t n = argc > 1 ? (size_t)atol(argv[1]) : 20000, i, d, bytes = 0;
	char **texts = calloc(n, sizeof(char *));
	double rate[3];

	for (i = 0; i < n; i++) {
		char *t = malloc(1200);

		snprintf(
		    t, 1200,
		    "method com.acme.orders.service.OrderService%zu#computeDiscount%zu(Order,Customer)\n"
		    "public BigDecimal computeDiscount%zu(Order order, Customer customer) {\n"
		    "    BigDecimal total = order.getTotalAmount();\n"
		    "    if (customer.isPreferred() && total.compareTo(THRESHOLD_%zu) > 0) {\n"
		    "        return total.multiply(PREFERRED_RATE).setScale(2, RoundingMode.HALF_UP);\n"
		    "    }\n"
		    "    List<OrderLine> lines = orderDao.findLinesByOrderId(order.getId());\n"
		    "    for (OrderLine line : lines) { total = total.add(line.getAmount()); }\n"
		    "    log.debug(\"discount for customer \" + customer.getCustomerNo() + \": \" + total);\n"
		    "    return pricingService.applyVolumeDiscount(total, lines.size(), %zu);\n}\n",
		    i % 97, i, i, i % 13, i);
		texts[i] = t;
		bytes += strlen(t);
	}
	printf("%-10s %10s %12s %10s\n", "dims", "texts", "texts/s", "MB/s");
	for (d = 0; d < 3; d++) {
		struct embed_provider *p = embed_local_new(dims[d], true);
		float *vec = malloc(sizeof(float) * 64 * (size_t)dims[d]);
		int tokens[64], status[64];
		bool trunc[64];
		double t0 = now(), el;

		for (i = 0; i < n; i += 64) {
			struct embed_batch b;

			memset(&b, 0, sizeof(b));
			b.n = n - i < 64 ? n - i : 64;
			b.texts = (const char *const *)texts + i;
			b.vectors = vec;
			b.tokens = tokens;
			b.status = status;
			b.truncated = trunc;
			p->embed(p, &b);
		}
		el = now() - t0;
		rate[d] = (double)n / el;
		printf("%-10d %10zu %12.0f %10.1f\n", dims[d], n, rate[d], (double)bytes / el / 1e6);
		free(vec);
		embed_provider_free(p);
	}
	printf("{\"bench\":\"embed_local\",\"texts\":%zu,\"avg_text_bytes\":%zu,\"texts_per_s_256\":%.0f,"
	       "\"texts_per_s_512\":%.0f,\"texts_per_s_1024\":%.0f}\n",
	       n, bytes / n, rate[0], rate[1], rate[2]);
	for (i = 0; i < n; i++)
		free(texts[i]);
	free(texts);
	return 0;
}
