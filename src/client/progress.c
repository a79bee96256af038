/*
 * progress.c - progress bar with rate and ETA computed over recent samples.
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "client/progress.h"

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long job_long(struct json_object *job, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(job, key, &v) ? (long)json_object_get_int64(v) : 0;
}

static const char *job_str(struct json_object *job, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(job, key, &v) && json_object_get_string(v)
		   ? json_object_get_string(v)
		   : "";
}

void progress_init(struct progress *p, FILE *out)
{
	memset(p, 0, sizeof(*p));
	p->out = out;
	p->tty = isatty(fileno(out));
	p->started = mono_now();
	p->last_done = -1;
}

void progress_update(struct progress *p, struct json_object *job)
{
	long total = job_long(job, "total_files");
	long done =
	    job_long(job, "files_processed") + job_long(job, "files_skipped") + job_long(job, "files_failed");
	long failed = job_long(job, "files_failed");
	const char *status = job_str(job, "status");
	double now = mono_now(), rate = 0, pct = total > 0 ? 100.0 * (double)done / (double)total : 0;
	char bar[31], eta[32] = "--";
	int i, filled;

	/* Keep the last 8 samples: the rate reflects the recent past. */
	if (p->nsamples == 8) {
		memmove(p->sample_t, p->sample_t + 1, 7 * sizeof(double));
		memmove(p->sample_done, p->sample_done + 1, 7 * sizeof(long));
		p->nsamples = 7;
	}
	p->sample_t[p->nsamples] = now;
	p->sample_done[p->nsamples] = done;
	p->nsamples++;
	if (p->nsamples > 1 && now - p->sample_t[0] > 0.05)
		rate = (double)(done - p->sample_done[0]) / (now - p->sample_t[0]);
	if (rate > 0 && total > done)
		snprintf(eta, sizeof(eta), "%.0fs", (double)(total - done) / rate);
	else if (total > 0 && done >= total)
		snprintf(eta, sizeof(eta), "0s");
	filled = total > 0 ? (int)(30 * done / total) : 0;
	for (i = 0; i < 30; i++)
		bar[i] = i < filled ? '#' : '-';
	bar[30] = '\0';
	if (!p->tty && done == p->last_done && now - p->last_print < 10)
		return;
	if (!p->tty && now - p->last_print < 1 && done != total)
		return;
	fprintf(p->out, "%s[%s] %5.1f%% %ld/%ld files  %.0f files/s  ETA %s  %ld failed  %-12s%s",
		p->tty ? "\r" : "", bar, pct, done, total, rate, eta, failed, status, p->tty ? "" : "\n");
	fflush(p->out);
	p->last_done = done;
	p->last_print = now;
}

void progress_note(struct progress *p, const char *fmt, ...)
{
	va_list ap;

	/* On a tty: clear the bar's line, print, and let the next update
	 * redraw the bar below. */
	if (p->tty)
		fputs("\r\033[K", p->out);
	va_start(ap, fmt);
	vfprintf(p->out, fmt, ap);
	va_end(ap);
	fputc('\n', p->out);
	fflush(p->out);
}

void progress_finish(struct progress *p)
{
	if (p->tty)
		fputc('\n', p->out);
	fflush(p->out);
}
