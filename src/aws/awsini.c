/*
 * awsini.c - the AWS shared credentials and config files.
 */
#include "config.h"

#include "aws/awsini.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/alloc.h"
#include "util/status.h"

struct awsini_entry {
	char *profile;
	char *key; /* NULL: the section itself (an empty profile exists) */
	char *value;
};

struct awsini {
	struct awsini_entry *e;
	size_t n, cap;
};

struct awsini *awsini_new(void)
{
	return xcalloc(1, sizeof(struct awsini));
}

static const struct awsini_entry *find(const struct awsini *ini, const char *profile, const char *key)
{
	size_t i;

	for (i = 0; i < ini->n; i++) {
		const struct awsini_entry *e = &ini->e[i];

		if (strcmp(e->profile, profile) != 0)
			continue;
		if (key == NULL || (e->key && strcmp(e->key, key) == 0))
			return e;
	}
	return NULL;
}

static int add_entry(struct awsini *ini, const char *profile, const char *key, const char *value)
{
	struct awsini_entry *e;

	if (find(ini, profile, key))
		return 0; /* the first file added wins */
	if (ini->n >= AWSINI_MAX_ENTRIES)
		return DX_E_TOOLARGE;
	if (ini->n == ini->cap) {
		ini->cap = ini->cap ? ini->cap * 2 : 16;
		ini->e = xrealloc(ini->e, ini->cap * sizeof(*ini->e));
	}
	e = &ini->e[ini->n++];
	e->profile = xstrdup(profile);
	e->key = key ? xstrdup(key) : NULL;
	e->value = value ? xstrdup(value) : NULL;
	return 0;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/*
 * The profile a section header names, or NULL when the section is not a
 * profile of this kind of file. hdr is the text between the brackets,
 * trimmed; out receives the name.
 */
static const char *section_profile(enum awsini_kind kind, char *hdr)
{
	if (kind == AWSINI_CREDENTIALS)
		return *hdr ? hdr : NULL;
	if (strcmp(hdr, "default") == 0)
		return hdr;
	if (strncmp(hdr, "profile", 7) == 0 && (hdr[7] == ' ' || hdr[7] == '\t')) {
		char *name = trim(hdr + 8);

		return *name ? name : NULL;
	}
	return NULL; /* [sso-session x], [services x], a bare [x] */
}

int awsini_add(struct awsini *ini, enum awsini_kind kind, const char *text, size_t len, char *errmsg,
	       size_t errlen)
{
	char *copy, *line, *next, *profile = NULL;
	bool in_profile = false;
	size_t lineno = 0;
	int rc = 0;

	if (len > AWSINI_MAX_BYTES) {
		snprintf(errmsg, errlen, "larger than %d bytes", AWSINI_MAX_BYTES);
		return DX_E_TOOLARGE;
	}
	copy = xstrndup(text, len);
	if (strlen(copy) != len) {
		snprintf(errmsg, errlen, "contains a NUL byte");
		rc = DX_E_VALIDATION;
		goto out;
	}
	for (line = copy; line; line = next) {
		char *eq, *s;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		/* indented lines continue a nested value (or are blank) */
		if ((line[0] == ' ' || line[0] == '\t') && *trim(line) && in_profile)
			continue;
		s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *close = strchr(s, ']'), *rest = close ? trim(close + 1) : NULL;
			const char *name;

			if (!close || (*rest && *rest != '#' && *rest != ';')) {
				snprintf(errmsg, errlen, "line %zu: section header without a closing ]",
					 lineno);
				rc = DX_E_VALIDATION;
				goto out;
			}
			*close = '\0';
			name = section_profile(kind, trim(s + 1));
			free(profile);
			profile = name ? xstrdup(name) : NULL;
			in_profile = true;
			if (profile && add_entry(ini, profile, NULL, NULL) < 0)
				goto toomany;
			continue;
		}
		eq = strchr(s, '=');
		if (!eq) {
			snprintf(errmsg, errlen, "line %zu: expected key = value", lineno);
			rc = DX_E_VALIDATION;
			goto out;
		}
		if (!in_profile) {
			snprintf(errmsg, errlen, "line %zu: key outside of a section", lineno);
			rc = DX_E_VALIDATION;
			goto out;
		}
		*eq = '\0';
		if (!*trim(s)) {
			snprintf(errmsg, errlen, "line %zu: empty key", lineno);
			rc = DX_E_VALIDATION;
			goto out;
		}
		if (!profile)
			continue; /* a section that is no profile of this file */
		{
			char *v = trim(eq + 1), *hash;

			/* inline comments need white space before them (a
			 * secret may well contain '#') */
			for (hash = v; (hash = strpbrk(hash, "#;")) != NULL; hash++)
				if (hash > v && (hash[-1] == ' ' || hash[-1] == '\t')) {
					*hash = '\0';
					v = trim(v);
					break;
				}
			if (add_entry(ini, profile, trim(s), v) < 0)
				goto toomany;
		}
	}
	goto out;
toomany:
	snprintf(errmsg, errlen, "line %zu: more than %d entries", lineno, AWSINI_MAX_ENTRIES);
	rc = DX_E_TOOLARGE;
out:
	explicit_bzero(copy, len);
	free(copy);
	free(profile);
	return rc;
}

int awsini_load(struct awsini *ini, enum awsini_kind kind, const char *path, char *errmsg, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;
	char *buf, why[256];
	size_t n = 0;

	if (fd < 0) {
		rc = -errno;
		snprintf(errmsg, errlen, "could not open %s: %s", path, strerror(-rc));
		return rc;
	}
	buf = xmalloc(AWSINI_MAX_BYTES + 1);
	for (;;) {
		ssize_t r = read(fd, buf + n, AWSINI_MAX_BYTES + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			snprintf(errmsg, errlen, "could not read %s: %s", path, strerror(-rc));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > AWSINI_MAX_BYTES) {
			snprintf(errmsg, errlen, "%s is larger than %d bytes", path, AWSINI_MAX_BYTES);
			rc = DX_E_TOOLARGE;
			goto out;
		}
	}
	rc = awsini_add(ini, kind, buf, n, why, sizeof(why));
	if (rc < 0)
		snprintf(errmsg, errlen, "%s: %s", path, why);
out:
	explicit_bzero(buf, n);
	free(buf);
	close(fd);
	return rc;
}

bool awsini_has_profile(const struct awsini *ini, const char *profile)
{
	return find(ini, profile, NULL) != NULL;
}

const char *awsini_get(const struct awsini *ini, const char *profile, const char *key)
{
	const struct awsini_entry *e = find(ini, profile, key);

	return e ? e->value : NULL;
}

void awsini_free(struct awsini *ini)
{
	size_t i;

	if (!ini)
		return;
	for (i = 0; i < ini->n; i++) {
		free(ini->e[i].profile);
		free(ini->e[i].key);
		if (ini->e[i].value) {
			explicit_bzero(ini->e[i].value, strlen(ini->e[i].value));
			free(ini->e[i].value);
		}
	}
	free(ini->e);
	free(ini);
}
