/*
 * credentials.c - AWS credentials from the environment or the state file
 * (credential_process JSON), with a provider that follows file changes.
 */
#include "config.h"

#include "aws/credentials.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "util/alloc.h"
#include "util/log.h"
#include "util/status.h"

#define CRED_FILE_MAX (64 * 1024)

static int copy_field(char *dst, size_t dstlen, const char *src)
{
	size_t n = strlen(src);

	if (n >= dstlen)
		return DX_E_TOOLARGE;
	memcpy(dst, src, n + 1);
	return 0;
}

void aws_credentials_clear(struct aws_credentials *c)
{
	explicit_bzero(c, sizeof(*c));
}

int aws_credentials_from_env(struct aws_credentials *c, char *errmsg, size_t errlen)
{
	const char *id = getenv("AWS_ACCESS_KEY_ID"), *secret = getenv("AWS_SECRET_ACCESS_KEY");
	const char *token = getenv("AWS_SESSION_TOKEN");

	aws_credentials_clear(c);
	if (!id || !*id || !secret || !*secret) {
		snprintf(errmsg, errlen, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set");
		return -ENOENT;
	}
	if (copy_field(c->access_key_id, sizeof(c->access_key_id), id) ||
	    copy_field(c->secret_access_key, sizeof(c->secret_access_key), secret) ||
	    copy_field(c->session_token, sizeof(c->session_token), token ? token : "")) {
		aws_credentials_clear(c);
		snprintf(errmsg, errlen, "an AWS_* credentials variable is too long");
		return DX_E_TOOLARGE;
	}
	snprintf(c->source, sizeof(c->source), "environment");
	return 0;
}

static int two(const char *s)
{
	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]))
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

int aws_parse_rfc3339(const char *s, time_t *t)
{
	struct tm tm;
	int y, mo, d, h, mi, sec, off = 0;
	const char *p;

	if (!s || strlen(s) < 19)
		return -EINVAL;
	if (two(s) < 0 || two(s + 2) < 0 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
		return -EINVAL;
	y = two(s) * 100 + two(s + 2);
	mo = two(s + 5);
	d = two(s + 8);
	h = two(s + 11);
	mi = two(s + 14);
	sec = two(s + 17);
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 ||
	    sec > 60)
		return -EINVAL;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh = two(p + 1), om = p[3] == ':' ? two(p + 4) : -1;

		if (oh < 0 || om < 0)
			return -EINVAL;
		off = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
		p += 6;
	} else {
		return -EINVAL;
	}
	if (*p)
		return -EINVAL;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*t = timegm(&tm) - off;
	return 0;
}

void aws_format_rfc3339(time_t t, char out[21])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int aws_credentials_set(struct aws_credentials *c, const char *id, const char *secret, const char *token,
			const char *exp, const char *what, char *errmsg, size_t errlen)
{
	const char *why = NULL;

	if (!id || !*id || !secret || !*secret)
		why = "AccessKeyId and SecretAccessKey are required";
	else if (copy_field(c->access_key_id, sizeof(c->access_key_id), id) ||
		 copy_field(c->secret_access_key, sizeof(c->secret_access_key), secret) ||
		 copy_field(c->session_token, sizeof(c->session_token), token ? token : ""))
		why = "a value is too long";
	else if (exp && *exp && aws_parse_rfc3339(exp, &c->expiration) < 0)
		why = "Expiration is not an RFC 3339 time";
	if (!why)
		return 0;
	aws_credentials_clear(c);
	snprintf(errmsg, errlen, "%s: %s", what, why);
	return DX_E_VALIDATION;
}

json_object *aws_json_object(const char *json, size_t len)
{
	json_tokener *tok = json_tokener_new();
	json_object *root = json_tokener_parse_ex(tok, json, (int)len);

	if (root && (json_tokener_get_error(tok) != json_tokener_success ||
		     !json_object_is_type(root, json_type_object))) {
		json_object_put(root);
		root = NULL;
	}
	json_tokener_free(tok);
	return root;
}

const char *aws_json_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

int aws_credentials_parse_json(const char *json, size_t len, struct aws_credentials *c, char *errmsg,
			       size_t errlen)
{
	json_object *root, *ver;
	const char *id, *secret, *token, *exp;
	int rc = 0;

	aws_credentials_clear(c);
	if (len > CRED_FILE_MAX) {
		snprintf(errmsg, errlen, "credentials JSON larger than %d bytes", CRED_FILE_MAX);
		return DX_E_TOOLARGE;
	}
	root = aws_json_object(json, len);
	if (!root) {
		snprintf(errmsg, errlen, "credentials are not a complete JSON object");
		return DX_E_BADJSON;
	}
	if (!json_object_object_get_ex(root, "Version", &ver) || !json_object_is_type(ver, json_type_int) ||
	    json_object_get_int(ver) != 1) {
		snprintf(errmsg, errlen, "credentials JSON: Version must be 1");
		rc = DX_E_VALIDATION;
		goto out;
	}
	id = aws_json_str(root, "AccessKeyId");
	secret = aws_json_str(root, "SecretAccessKey");
	token = aws_json_str(root, "SessionToken");
	exp = aws_json_str(root, "Expiration");
	rc = aws_credentials_set(c, id, secret, token, exp, "credentials JSON", errmsg, errlen);
out:
	json_object_put(root);
	return rc;
}

/* Reads at most CRED_FILE_MAX bytes of path into a malloc'd buffer. */
static int read_small_file(const char *path, char **data, size_t *len, char *errmsg, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf;
	size_t n = 0;

	*data = NULL;
	if (fd < 0) {
		int e = errno;

		snprintf(errmsg, errlen, "could not open %s: %s", path, strerror(e));
		return -e;
	}
	buf = xmalloc(CRED_FILE_MAX + 1);
	for (;;) {
		ssize_t r = read(fd, buf + n, CRED_FILE_MAX + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			snprintf(errmsg, errlen, "could not read %s: %s", path, strerror(e));
			close(fd);
			free(buf);
			return -e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > CRED_FILE_MAX) {
			snprintf(errmsg, errlen, "%s is larger than %d bytes", path, CRED_FILE_MAX);
			close(fd);
			free(buf);
			return DX_E_TOOLARGE;
		}
	}
	close(fd);
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

int aws_credentials_from_file(const char *path, struct aws_credentials *c, char *errmsg, size_t errlen)
{
	char *data, why[200];
	size_t len = 0;
	int rc;

	aws_credentials_clear(c);
	rc = read_small_file(path, &data, &len, errmsg, errlen);
	if (rc < 0)
		return rc;
	rc = aws_credentials_parse_json(data, len, c, why, sizeof(why));
	explicit_bzero(data, len);
	free(data);
	if (rc < 0) {
		snprintf(errmsg, errlen, "%s: %s", path, why);
		return rc;
	}
	snprintf(c->source, sizeof(c->source), "file:%s", path);
	return 0;
}

void aws_cred_windows(time_t issued, time_t expiration, long *advisory, long *mandatory)
{
	long life = (long)(expiration - issued);

	*advisory = AWS_CRED_ADVISORY_SECONDS;
	*mandatory = AWS_CRED_MANDATORY_SECONDS;
	if (life > 0 && life / 2 < *advisory)
		*advisory = life / 2;
	if (life > 0 && life / 3 < *mandatory)
		*mandatory = life / 3;
}

int aws_credentials_file_status(const char *path, time_t now, struct aws_cred_status *st, char *errmsg,
				size_t errlen)
{
	struct aws_credentials c;
	struct stat sb;
	long advisory, mandatory;
	char *data;
	size_t len;
	int rc;

	memset(st, 0, sizeof(*st));
	rc = aws_credentials_from_file(path, &c, errmsg, errlen);
	if (rc < 0)
		return rc;
	snprintf(st->source, sizeof(st->source), "%s", c.source);
	/* docxp-credentials records which source of the chain it used */
	if (read_small_file(path, &data, &len, errmsg, errlen) == 0) {
		json_object *root = json_tokener_parse(data), *v;

		if (root && json_object_object_get_ex(root, "DocxpSource", &v) &&
		    json_object_is_type(v, json_type_string))
			snprintf(st->source, sizeof(st->source), "%s", json_object_get_string(v));
		json_object_put(root);
		explicit_bzero(data, len);
		free(data);
	}
	snprintf(st->key_prefix, sizeof(st->key_prefix), "%.4s", c.access_key_id);
	st->expiration = c.expiration;
	st->written = stat(path, &sb) == 0 ? sb.st_mtim.tv_sec : now;
	if (c.expiration) {
		aws_cred_windows(st->written, c.expiration, &advisory, &mandatory);
		st->seconds_left = (long)(c.expiration - now);
		st->expired = c.expiration <= now;
		st->refresh_overdue = st->seconds_left < mandatory;
	}
	aws_credentials_clear(&c);
	return 0;
}

bool aws_credentials_valid(const struct aws_credentials *c, time_t now, int margin)
{
	if (!c->access_key_id[0] || !c->secret_access_key[0])
		return false;
	return c->expiration == 0 || c->expiration > now + margin;
}

/* ---- provider --------------------------------------------------------- */

struct aws_cred_provider {
	char *path;
	struct aws_credentials cur; /* last good credentials (may be empty) */
	bool have;
	struct timespec mtime; /* of the file we read cur from */
	ino_t ino;
	off_t size;
	time_t last_check;
	unsigned long generation;
	unsigned long warned_generation; /* mandatory-window warning given for */
};

struct aws_cred_provider *aws_cred_provider_new(const char *path)
{
	struct aws_cred_provider *p = xcalloc(1, sizeof(*p));

	p->path = path && *path ? xstrdup(path) : NULL;
	return p;
}

unsigned long aws_cred_provider_generation(const struct aws_cred_provider *p)
{
	return p->generation;
}

static bool same_creds(const struct aws_credentials *a, const struct aws_credentials *b)
{
	return strcmp(a->access_key_id, b->access_key_id) == 0 &&
	       strcmp(a->secret_access_key, b->secret_access_key) == 0 &&
	       strcmp(a->session_token, b->session_token) == 0 && a->expiration == b->expiration;
}

static void take(struct aws_cred_provider *p, const struct aws_credentials *c)
{
	if (!p->have || !same_creds(&p->cur, c)) {
		char exp[21] = "never";

		p->generation++;
		if (c->expiration)
			aws_format_rfc3339(c->expiration, exp);
		/* only the key id's prefix: enough to tell keys apart in logs */
		log_info("aws credentials loaded | source=%s key=%.4s... expires=%s", c->source,
			 c->access_key_id, exp);
	}
	p->cur = *c;
	p->have = true;
}

int aws_cred_provider_get(struct aws_cred_provider *p, bool force, struct aws_credentials *out, char *errmsg,
			  size_t errlen)
{
	struct aws_credentials c;
	struct stat st;
	time_t now = time(NULL);
	int rc;

	if (getenv("AWS_ACCESS_KEY_ID") && *getenv("AWS_ACCESS_KEY_ID")) {
		rc = aws_credentials_from_env(&c, errmsg, errlen);
		if (rc == 0)
			take(p, &c);
		aws_credentials_clear(&c);
		goto done;
	}
	if (!p->path) {
		snprintf(errmsg, errlen,
			 "no AWS credentials: AWS_ACCESS_KEY_ID is not set and no credentials_file");
		rc = -ENOENT;
		goto done;
	}
	if (p->have && p->cur.expiration) {
		long advisory, mandatory, left = (long)(p->cur.expiration - now);

		aws_cred_windows(p->mtime.tv_sec, p->cur.expiration, &advisory, &mandatory);
		if (left < mandatory) {
			/* insist: re-read even an unchanged-looking file, once a
			 * second, and say that the refresh is late */
			if (now - p->last_check >= 1)
				force = true;
			if (p->warned_generation != p->generation) {
				p->warned_generation = p->generation;
				log_warn("aws credentials expire in %ld s and no fresh ones came: is "
					 "docxp-credentials.timer running? | source=%s",
					 left, p->cur.source);
			}
		} else if (left < advisory) {
			p->last_check = 0; /* look at the file on every call */
		}
	}
	if (!force && p->have && now - p->last_check < 1) {
		rc = 0;
		goto done;
	}
	p->last_check = now;
	if (stat(p->path, &st) < 0) {
		int e = errno;

		snprintf(errmsg, errlen, "could not stat %s: %s", p->path, strerror(e));
		rc = -e;
		goto done;
	}
	if (p->have && !force && st.st_ino == p->ino && st.st_size == p->size &&
	    st.st_mtim.tv_sec == p->mtime.tv_sec && st.st_mtim.tv_nsec == p->mtime.tv_nsec) {
		rc = 0;
		goto done;
	}
	rc = aws_credentials_from_file(p->path, &c, errmsg, errlen);
	if (rc == 0) {
		take(p, &c);
		p->ino = st.st_ino;
		p->size = st.st_size;
		p->mtime = st.st_mtim;
	} else {
		log_warn("could not load aws credentials: %s", errmsg);
	}
	aws_credentials_clear(&c);
done:
	if (p->have) {
		/* a half-written or vanished file keeps the last good keys */
		*out = p->cur;
		return 0;
	}
	aws_credentials_clear(out);
	return rc < 0 ? rc : DX_E_CREDENTIALS;
}

void aws_cred_provider_free(struct aws_cred_provider *p)
{
	if (!p)
		return;
	aws_credentials_clear(&p->cur);
	free(p->path);
	free(p);
}
