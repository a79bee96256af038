/*
 * progress.h - a terminal progress line for a running job.
 */
#ifndef DOCXP_PROGRESS_H
#define DOCXP_PROGRESS_H

#include <stdbool.h>
#include <stdio.h>

struct json_object;

struct progress {
	FILE *out;
	bool tty;	   /* redraw one line with \r, else print a line on change */
	double started;	   /* monotonic seconds when following began */
	double last_print; /* for throttling non-tty output */
	long last_done;
	/* recent samples for the rate: done files at time t */
	double sample_t[8];
	long sample_done[8];
	int nsamples;
};

void progress_init(struct progress *p, FILE *out);

/* Draws the job status document (as returned by .../status). */
void progress_update(struct progress *p, struct json_object *job);

/* Prints a line (an error, a notice) above the progress line. */
void progress_note(struct progress *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Ends the progress line (newline on a tty). */
void progress_finish(struct progress *p);

#endif
