#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/log.h"

static int log_level = LOG_INFO;

void log_set_level(int prio)
{
	log_level = prio;
}

int log_parse_level(const char *name)
{
	static const struct {
		const char *name;
		int prio;
	} levels[] = {
	    {"debug", LOG_DEBUG},     {"info", LOG_INFO}, {"notice", LOG_NOTICE},
	    {"warning", LOG_WARNING}, {"error", LOG_ERR},
	};
	size_t i;

	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (strcmp(levels[i].name, name) == 0)
			return levels[i].prio;
	return -1;
}

void log_msg(int prio, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	int n;

	if (prio > log_level)
		return;
	n = snprintf(line, sizeof(line), "<%d>", prio);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	/* One write per line keeps lines whole between threads. Embedded
	 * newlines would split an event into two journal entries. */
	for (char *p = line + n; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	strcat(line, "\n");
	fputs(line, stderr);
}
