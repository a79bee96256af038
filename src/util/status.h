/*
 * status.h - the one table of docxp's status codes.
 *
 * Functions return int: 0 on success, a negative errno value, or one of the
 * negative DX_E* codes below. Detail goes into the handle (errmsg), never
 * into the return value. This table is the only place where a status is
 * turned into an HTTP status, an error code string for JSON bodies, or a
 * process exit code (sysexits style; 78 = bad configuration so that
 * systemd's RestartPreventExitStatus=78 stops a restart loop).
 */
#ifndef DOCXP_STATUS_H
#define DOCXP_STATUS_H

/* X(name, value, json code, http status, exit code) */
#define DX_STATUS_TABLE(X)                                          \
	X(DX_E_BADREQUEST, -1001, "bad_request", 400, 64)           \
	X(DX_E_BADJSON, -1002, "invalid_json", 400, 65)             \
	X(DX_E_VALIDATION, -1003, "validation_error", 422, 65)      \
	X(DX_E_NOTFOUND, -1004, "not_found", 404, 66)               \
	X(DX_E_TOOLARGE, -1005, "payload_too_large", 413, 65)       \
	X(DX_E_METHOD, -1006, "method_not_allowed", 405, 64)        \
	X(DX_E_CONFLICT, -1007, "conflict", 409, 65)                \
	X(DX_E_UNAUTHORIZED, -1008, "unauthorized", 401, 77)        \
	X(DX_E_FORBIDDEN, -1009, "forbidden", 403, 77)              \
	X(DX_E_MEDIATYPE, -1010, "unsupported_media_type", 415, 64) \
	X(DX_E_UNAVAILABLE, -1011, "service_unavailable", 503, 69)  \
	X(DX_E_DB, -1012, "database_error", 503, 69)                \
	X(DX_E_REDIS, -1013, "queue_error", 503, 69)                \
	X(DX_E_CONFIG, -1014, "config_error", 500, 78)              \
	X(DX_E_IO, -1015, "io_error", 500, 74)                      \
	X(DX_E_TIMEOUT, -1016, "timeout", 504, 75)                  \
	X(DX_E_INTERNAL, -1017, "internal_error", 500, 70)          \
	X(DX_E_LEASE_LOST, -1018, "lease_lost", 409, 75)            \
	X(DX_E_USAGE, -1019, "usage", 400, 64)                      \
	X(DX_E_JOB_STOPPED, -1020, "job_not_running", 409, 75)      \
	X(DX_E_THROTTLED, -1021, "throttled", 503, 75)              \
	X(DX_E_CREDENTIALS, -1022, "credentials_expired", 503, 77)  \
	X(DX_E_TOOMANY, -1023, "too_many_jobs", 429, 75)

enum dx_status {
	DX_OK = 0,
#define DX_STATUS_ENUM(name, value, code, http, exitc) name = value,
	DX_STATUS_TABLE(DX_STATUS_ENUM)
#undef DX_STATUS_ENUM
};

/* Short machine-readable code for JSON error bodies ("not_found"). Never NULL. */
const char *status_code(int rc);

/* Human-readable description of rc (also for -errno). Never NULL; static storage. */
const char *status_str(int rc);

/* The HTTP status a failure maps to (500 for anything unknown, 200 for 0). */
int status_http(int rc);

/* The process exit code a failure maps to (0 for 0, sysexits otherwise). */
int status_exit(int rc);

#endif
