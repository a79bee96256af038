/*
 * log.h - one line per event on stderr, with a syslog priority prefix.
 *
 * journald reads the "<N>" prefix as the priority. Write the message first,
 * lower case ("could not X: reason"), then " | key=value" details
 * (req=, job=, chunk=, rc=). Never log secrets.
 *
 * Every line belongs to a subsystem: the directory of the source file that
 * logs it (src/http/server.c -> "http"). The level applies to all of them,
 * and [log] subsystem_levels overrides it for some ("http=debug,aws=notice").
 */
#ifndef DOCXP_LOG_H
#define DOCXP_LOG_H

#include <stddef.h>
#include <syslog.h>

/* Messages with a priority numerically above prio are dropped. */
void log_set_level(int prio);

/* Parses "debug", "info", "notice", "warning", "error"; -1 if unknown. */
int log_parse_level(const char *name);

/*
 * Sets per-subsystem levels from "name=level[,name=level...]" (spaces
 * allowed, empty = none); names are those of LOG_SUBSYSTEMS. Returns 0, or
 * -1 with the reason in errmsg (and the previous levels kept). Call before
 * threads start.
 */
int log_set_subsystem_levels(const char *spec, char *errmsg, size_t errlen);

/* The subsystems, as named in [log] subsystem_levels. */
#define LOG_SUBSYSTEMS "api aws client cmd embed extract http index queue search store util"

/* Writes one line for the subsystem of source file file; thread-safe. */
void log_msg_at(const char *file, int prio, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* True when a line of priority prio from source file file would be written
 * (to skip preparing costly details). */
int log_enabled_at(const char *file, int prio);

#define log_msg(prio, ...) log_msg_at(__FILE__, prio, __VA_ARGS__)
#define log_err(...)	   log_msg_at(__FILE__, LOG_ERR, __VA_ARGS__)
#define log_warn(...)	   log_msg_at(__FILE__, LOG_WARNING, __VA_ARGS__)
#define log_notice(...)	   log_msg_at(__FILE__, LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	   log_msg_at(__FILE__, LOG_INFO, __VA_ARGS__)
#define log_debug(...)	   log_msg_at(__FILE__, LOG_DEBUG, __VA_ARGS__)

#endif
