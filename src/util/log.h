/*
 * log.h - one line per event on stderr, with a syslog priority prefix.
 *
 * journald reads the "<N>" prefix as the priority. Write the message first,
 * lower case ("could not X: reason"), then " | key=value" details
 * (req=, job=, chunk=, rc=). Never log secrets.
 */
#ifndef DOCXP_LOG_H
#define DOCXP_LOG_H

#include <syslog.h>

/* Messages with a priority numerically above prio are dropped. */
void log_set_level(int prio);

/* Parses "debug", "info", "notice", "warning", "error"; -1 if unknown. */
int log_parse_level(const char *name);

/* Writes one line; thread-safe. */
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...)	log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
