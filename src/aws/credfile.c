/*
 * credfile.c - atomic writes of the credentials state file.
 */
#include "config.h"

#include "aws/credfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "aws/credentials.h"
#include "util/alloc.h"

char *credfile_format_json(const struct aws_credentials *c)
{
	json_object *o = json_object_new_object();
	char exp[21], *s;

	json_object_object_add(o, "Version", json_object_new_int(1));
	json_object_object_add(o, "AccessKeyId", json_object_new_string(c->access_key_id));
	json_object_object_add(o, "SecretAccessKey", json_object_new_string(c->secret_access_key));
	if (c->session_token[0])
		json_object_object_add(o, "SessionToken", json_object_new_string(c->session_token));
	if (c->expiration) {
		aws_format_rfc3339(c->expiration, exp);
		json_object_object_add(o, "Expiration", json_object_new_string(exp));
	}
	/* not part of the credential_process format (readers ignore it):
	 * lets health say where the credentials came from */
	if (c->source[0])
		json_object_object_add(o, "DocxpSource", json_object_new_string(c->source));
	s = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	/* json-c keeps its own copy of the string: wipe it too */
	{
		const char *internal = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);

		explicit_bzero((char *)internal, strlen(internal));
	}
	json_object_put(o);
	return s;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int credfile_write(const char *path, const struct aws_credentials *c, uid_t uid, gid_t gid, char *errmsg,
		   size_t errlen)
{
	char *dircopy = xstrdup(path), *basecopy = xstrdup(path), *tmp, *json;
	const char *dir = dirname(dircopy), *base = basename(basecopy);
	int fd = -1, dfd = -1, rc = 0;
	const char *what = "create a temporary file in";

	tmp = xmalloc(strlen(dir) + strlen(base) + 16);
	sprintf(tmp, "%s/.%s.XXXXXX", dir, base);
	json = credfile_format_json(c);
	fd = mkostemp(tmp, O_CLOEXEC); /* mode 0600 */
	if (fd < 0) {
		rc = -errno;
		snprintf(errmsg, errlen, "could not %s %s: %s", what, dir, strerror(-rc));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	what = "write";
	rc = write_all(fd, json, strlen(json));
	if (rc == 0 && fchmod(fd, 0600) < 0)
		rc = -errno, what = "chmod";
	if (rc == 0 && uid != (uid_t)-1 && fchown(fd, uid, gid) < 0)
		rc = -errno, what = "chown";
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno, what = "fsync";
	if (close(fd) < 0 && rc == 0)
		rc = -errno, what = "close";
	fd = -1;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno, what = "rename to";
	if (rc < 0) {
		snprintf(errmsg, errlen, "could not %s %s: %s", what, strcmp(what, "rename to") ? tmp : path,
			 strerror(-rc));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	/* the rename itself must survive a crash: fsync the directory */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) < 0) {
		rc = -errno;
		snprintf(errmsg, errlen, "could not fsync directory %s: %s", dir, strerror(-rc));
	}
out:
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	explicit_bzero(json, strlen(json));
	free(json);
	free(dircopy);
	free(basecopy);
	return rc;
}
