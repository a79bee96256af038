/*
 * status.c - mapping of status codes to strings, HTTP statuses and exit codes.
 */
#include "config.h"

#include <string.h>

#include "util/status.h"

struct status_row {
	int value;
	const char *code;
	int http;
	int exitc;
};

static const struct status_row status_rows[] = {
#define DX_STATUS_ROW(name, value, code, http, exitc) {value, code, http, exitc},
    DX_STATUS_TABLE(DX_STATUS_ROW)
#undef DX_STATUS_ROW
};

static const struct status_row *status_find(int rc)
{
	size_t i;

	for (i = 0; i < sizeof(status_rows) / sizeof(status_rows[0]); i++)
		if (status_rows[i].value == rc)
			return &status_rows[i];
	return NULL;
}

const char *status_code(int rc)
{
	const struct status_row *row;

	if (rc == 0)
		return "ok";
	row = status_find(rc);
	return row ? row->code : "internal_error";
}

const char *status_str(int rc)
{
	const struct status_row *row;

	if (rc == 0)
		return "success";
	if (rc < 0 && rc > -1000)
		return strerror(-rc);
	row = status_find(rc);
	return row ? row->code : "unknown error";
}

int status_http(int rc)
{
	const struct status_row *row;

	if (rc == 0)
		return 200;
	row = status_find(rc);
	return row ? row->http : 500;
}

int status_exit(int rc)
{
	const struct status_row *row;

	if (rc == 0)
		return 0;
	row = status_find(rc);
	return row ? row->exitc : 70;
}
