#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/log.h"

static int log_level = LOG_INFO;

#define LOG_MAX_OVERRIDES 16

/* [log] subsystem_levels; set before threads start, read-only after. */
struct log_override {
	char name[16];
	int prio;
};
static struct log_override log_overrides[LOG_MAX_OVERRIDES];
static size_t log_noverrides;

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

/* The subsystem of a source file: its directory's name ("../src/http/x.c"
 * gives "http", of length *len). */
static const char *log_subsystem(const char *file, size_t *len)
{
	const char *end = strrchr(file, '/'), *start;

	if (!end) {
		*len = 0;
		return file;
	}
	for (start = end; start > file && start[-1] != '/'; start--)
		;
	*len = (size_t)(end - start);
	return start;
}

static bool log_known_subsystem(const char *name, size_t len)
{
	const char *p = LOG_SUBSYSTEMS;

	while (*p) {
		size_t n = strcspn(p, " ");

		if (n == len && memcmp(p, name, len) == 0)
			return true;
		p += n;
		p += strspn(p, " ");
	}
	return false;
}

int log_set_subsystem_levels(const char *spec, char *errmsg, size_t errlen)
{
	struct log_override parsed[LOG_MAX_OVERRIDES];
	size_t n = 0;
	const char *p = spec ? spec : "";

	for (;;) {
		char level[16];
		const char *name, *eq, *val;
		size_t nlen, vlen;
		int prio;

		while (*p == ' ' || *p == ',')
			p++;
		if (!*p)
			break;
		name = p;
		p += strcspn(p, ",");
		eq = memchr(name, '=', (size_t)(p - name));
		if (!eq) {
			snprintf(errmsg, errlen, "'%.*s' is not name=level",
				 (int)(p - name > 64 ? 64 : p - name), name);
			return -1;
		}
		for (nlen = (size_t)(eq - name); nlen && isspace((unsigned char)name[nlen - 1]); nlen--)
			;
		for (val = eq + 1; val < p && isspace((unsigned char)*val); val++)
			;
		for (vlen = (size_t)(p - val); vlen && isspace((unsigned char)val[vlen - 1]); vlen--)
			;
		if (!log_known_subsystem(name, nlen) || nlen == 0) {
			snprintf(errmsg, errlen, "unknown subsystem '%.*s' (known: %s)",
				 (int)(nlen > 64 ? 64 : nlen), name, LOG_SUBSYSTEMS);
			return -1;
		}
		snprintf(level, sizeof(level), "%.*s", (int)(vlen < sizeof(level) ? vlen : sizeof(level) - 1),
			 val);
		prio = vlen < sizeof(level) ? log_parse_level(level) : -1;
		if (prio < 0) {
			snprintf(errmsg, errlen,
				 "bad level '%.*s' for %.*s (debug|info|notice|warning|error)",
				 (int)(vlen > 32 ? 32 : vlen), val, (int)nlen, name);
			return -1;
		}
		if (n == LOG_MAX_OVERRIDES) {
			snprintf(errmsg, errlen, "more than %d subsystem levels", LOG_MAX_OVERRIDES);
			return -1;
		}
		snprintf(parsed[n].name, sizeof(parsed[n].name), "%.*s", (int)nlen, name);
		parsed[n].prio = prio;
		n++;
	}
	memcpy(log_overrides, parsed, n * sizeof(parsed[0]));
	log_noverrides = n;
	return 0;
}

int log_enabled_at(const char *file, int prio)
{
	const char *sub;
	size_t len, i;

	if (log_noverrides == 0)
		return prio <= log_level;
	sub = log_subsystem(file, &len);
	for (i = 0; i < log_noverrides; i++)
		if (strlen(log_overrides[i].name) == len && memcmp(log_overrides[i].name, sub, len) == 0)
			return prio <= log_overrides[i].prio;
	return prio <= log_level;
}

void log_msg_at(const char *file, int prio, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	int n;

	if (!log_enabled_at(file, prio))
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
