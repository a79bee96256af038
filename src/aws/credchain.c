/*
 * credchain.c - the AWS credential provider chain (see credchain.h).
 */
#include "config.h"

#include "aws/credchain.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "aws/awshttp.h"
#include "aws/awsini.h"
#include "aws/sts.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/status.h"

#define DEFAULT_TIMEOUT_MS 10000
#define IMDS_TIMEOUT_MS	   2000
#define IMDS_DEFAULT	   "http://169.254.169.254"
#define IMDS_TOKEN_TTL	   "21600"
#define ECS_HOST	   "http://169.254.170.2"
#define META_MAX	   (64 * 1024)
#define TOKEN_FILE_MAX	   (64 * 1024)
#define PROFILE_DEPTH	   5

static const char *const names[] = {"environment", "profile", "web_identity", "container", "imds"};
#define NSOURCES (int)(sizeof(names) / sizeof(names[0]))

const char *credchain_source_name(enum credchain_source s)
{
	return (int)s >= 0 && (int)s < NSOURCES ? names[s] : "?";
}

int credchain_parse_order(const char *order, enum credchain_source *out, int max, char *errmsg, size_t errlen)
{
	const char *p = order && *order ? order : CREDCHAIN_DEFAULT_ORDER;
	int n = 0;

	while (*p) {
		const char *end = p + strcspn(p, ",");
		const char *a = p, *b = end;
		int i, k;

		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		for (i = 0; i < NSOURCES; i++)
			if (strlen(names[i]) == (size_t)(b - a) && strncmp(names[i], a, (size_t)(b - a)) == 0)
				break;
		if (i == NSOURCES) {
			snprintf(errmsg, errlen, "unknown credential source '%.*s' (known: %s)",
				 (int)(b - a > 40 ? 40 : b - a), a, CREDCHAIN_DEFAULT_ORDER);
			return DX_E_CONFIG;
		}
		for (k = 0; k < n; k++)
			if ((int)out[k] == i) {
				snprintf(errmsg, errlen, "credential source '%s' listed twice", names[i]);
				return DX_E_CONFIG;
			}
		if (n >= max) {
			snprintf(errmsg, errlen, "more than %d credential sources", max);
			return DX_E_CONFIG;
		}
		out[n++] = (enum credchain_source)i;
		p = *end ? end + 1 : end;
	}
	if (n == 0) {
		snprintf(errmsg, errlen, "no credential source listed");
		return DX_E_CONFIG;
	}
	return n;
}

/* ---- helpers ------------------------------------------------------------- */

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* Reads a small file (token files); trailing white space is cut. */
static int read_capped(const char *path, size_t max, char **out, char *errmsg, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct buf b;
	char chunk[4096];
	int rc = 0;

	*out = NULL;
	if (fd < 0) {
		rc = -errno;
		snprintf(errmsg, errlen, "could not open %s: %s", path, strerror(-rc));
		return rc;
	}
	buf_init(&b, max);
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof(chunk));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			snprintf(errmsg, errlen, "could not read %s: %s", path, strerror(-rc));
			break;
		}
		if (r == 0)
			break;
		if (buf_add(&b, chunk, (size_t)r) < 0) {
			snprintf(errmsg, errlen, "%s is larger than %zu bytes", path, max);
			rc = DX_E_TOOLARGE;
			break;
		}
	}
	close(fd);
	explicit_bzero(chunk, sizeof(chunk));
	if (rc == 0) {
		while (b.len &&
		       (b.ptr[b.len - 1] == '\n' || b.ptr[b.len - 1] == '\r' || b.ptr[b.len - 1] == ' '))
			b.ptr[--b.len] = '\0';
		if (!b.len) {
			snprintf(errmsg, errlen, "%s is empty", path);
			rc = DX_E_VALIDATION;
		}
	}
	if (rc == 0) {
		*out = buf_detach(&b);
	} else {
		if (b.ptr)
			explicit_bzero(b.ptr, b.len);
		buf_release(&b);
	}
	return rc;
}

static void wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

static long timeout_of(const struct credchain_config *cfg)
{
	return cfg->timeout_ms > 0 ? cfg->timeout_ms : DEFAULT_TIMEOUT_MS;
}

static const char *sts_endpoint(const struct credchain_config *cfg)
{
	if (cfg->sts_endpoint && *cfg->sts_endpoint)
		return cfg->sts_endpoint;
	return env("AWS_ENDPOINT_URL_STS");
}

/* ---- JSON of the container endpoint and instance metadata ---------------- */

int credchain_parse_metadata_json(const char *json, size_t len, bool imds, struct aws_credentials *c,
				  char *errmsg, size_t errlen)
{
	json_object *root;
	const char *id, *secret, *token, *exp, *code;
	int rc = 0;

	aws_credentials_clear(c);
	if (len > META_MAX) {
		snprintf(errmsg, errlen, "credentials JSON larger than %d bytes", META_MAX);
		return DX_E_TOOLARGE;
	}
	root = aws_json_object(json, len);
	if (!root) {
		snprintf(errmsg, errlen, "credentials answer is not a JSON object");
		return DX_E_BADJSON;
	}
	code = aws_json_str(root, "Code");
	if (imds && (!code || strcmp(code, "Success") != 0)) {
		snprintf(errmsg, errlen, "instance metadata credentials: Code is %.60s%s%s, not Success",
			 code ? code : "(missing)", aws_json_str(root, "Message") ? ": " : "",
			 aws_json_str(root, "Message") ? aws_json_str(root, "Message") : "");
		rc = DX_E_VALIDATION;
		goto out;
	}
	id = aws_json_str(root, "AccessKeyId");
	secret = aws_json_str(root, "SecretAccessKey");
	token = aws_json_str(root, "Token");
	exp = aws_json_str(root, "Expiration");
	rc = aws_credentials_set(c, id, secret, token, exp, "credentials answer", errmsg, errlen);
out:
	json_object_put(root);
	return rc;
}

/* ---- environment --------------------------------------------------------- */

static int from_environment(struct aws_credentials *c, char *why, size_t whylen)
{
	return aws_credentials_from_env(c, why, whylen);
}

/* ---- web identity --------------------------------------------------------- */

static int web_identity(const struct credchain_config *cfg, const char *region, const char *role_arn,
			const char *token_file, const char *session, struct aws_credentials *c, char *why,
			size_t whylen)
{
	struct sts_call call = {.endpoint = sts_endpoint(cfg),
				.region = region,
				.role_arn = role_arn,
				.session_name = session,
				.duration_seconds = cfg->duration_seconds,
				.timeout_ms = timeout_of(cfg)};
	char *token;
	int rc = read_capped(token_file, TOKEN_FILE_MAX, &token, why, whylen);

	if (rc < 0)
		return rc;
	rc = sts_assume_role_with_web_identity(&call, token, c, why, whylen);
	wipe_free(token);
	return rc;
}

static int from_web_identity_env(const struct credchain_config *cfg, struct aws_credentials *c, char *why,
				 size_t whylen)
{
	const char *file = env("AWS_WEB_IDENTITY_TOKEN_FILE"), *arn = env("AWS_ROLE_ARN");

	if (!file || !arn) {
		snprintf(why, whylen, "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not both set");
		return -ENOENT;
	}
	return web_identity(cfg, cfg->region, arn, file, env("AWS_ROLE_SESSION_NAME"), c, why, whylen);
}

/* ---- container endpoint ---------------------------------------------------- */

bool credchain_container_host_allowed(const char *url)
{
	static const char *const ok[] = {"localhost", "[::1]", "169.254.170.2", "169.254.170.23",
					 "[fd00:ec2::23]"};
	char host[256];
	const char *a, *end;
	size_t n, i;

	if (strncmp(url, "https://", 8) == 0)
		return true;
	if (strncmp(url, "http://", 7) != 0)
		return false;
	a = url + 7;
	if (*a == '[')
		end = strchr(a, ']') ? strchr(a, ']') + 1 : a + strlen(a);
	else
		end = a + strcspn(a, ":/?#");
	n = (size_t)(end - a);
	if (!n || n >= sizeof(host) || memchr(a, '@', strcspn(a, "/?#")))
		return false;
	memcpy(host, a, n);
	host[n] = '\0';
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcmp(host, ok[i]) == 0)
			return true;
	/* 127.0.0.0/8 */
	return strncmp(host, "127.", 4) == 0 && strspn(host, "0123456789.") == n;
}

static int from_container(const struct credchain_config *cfg, struct aws_credentials *c, char *why,
			  size_t whylen)
{
	const char *rel = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"),
		   *full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	const char *tokfile = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"), *hdrs[3] = {NULL};
	char url[2048], *token = NULL, *authline = NULL, detail[512];
	struct buf body;
	long status;
	int rc;

	if (rel)
		snprintf(url, sizeof(url), "%s%s%s", ECS_HOST, rel[0] == '/' ? "" : "/", rel);
	else if (full)
		snprintf(url, sizeof(url), "%s", full);
	else {
		snprintf(why, whylen, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set");
		return -ENOENT;
	}
	if (!rel && !credchain_container_host_allowed(url)) {
		snprintf(
		    why, whylen,
		    "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https or a loopback / ECS / EKS address");
		return DX_E_CONFIG;
	}
	if (tokfile) {
		rc = read_capped(tokfile, 16 * 1024, &token, why, whylen);
		if (rc < 0)
			return rc;
	} else if (env("AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
		token = xstrdup(env("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
	}
	if (token) {
		if (strpbrk(token, "\r\n")) {
			wipe_free(token);
			snprintf(why, whylen, "the container authorization token contains a line break");
			return DX_E_VALIDATION;
		}
		authline = xmalloc(strlen(token) + 16);
		sprintf(authline, "Authorization: %s", token);
		hdrs[0] = authline;
	}
	buf_init(&body, META_MAX);
	{
		struct awshttp_request req = {.method = "GET",
					      .url = url,
					      .headers = hdrs,
					      .timeout_ms = timeout_of(cfg),
					      .direct = strncmp(url, "http://", 7) ==
							0}; /* loopback or link-local */

		rc = awshttp_perform(&req, &status, &body, why, whylen);
	}
	if (rc == 0 && status != 200) {
		snprintf(why, whylen, "container endpoint %s answered HTTP %ld", url, status);
		rc = DX_E_UNAVAILABLE;
	} else if (rc == 0) {
		rc = credchain_parse_metadata_json(body.ptr ? body.ptr : "", body.len, false, c, detail,
						   sizeof(detail));
		if (rc < 0)
			snprintf(why, whylen, "container endpoint: %s", detail);
		else
			snprintf(c->source, sizeof(c->source), "container");
	}
	if (body.ptr)
		explicit_bzero(body.ptr, body.len);
	buf_release(&body);
	wipe_free(authline);
	wipe_free(token);
	return rc;
}

/* ---- instance metadata (IMDSv2) ------------------------------------------- */

static int imds_get(const char *base, const char *path, const char *tokenline, struct buf *body, char *why,
		    size_t whylen)
{
	char url[1024];
	const char *hdrs[2] = {tokenline, NULL};
	struct awshttp_request req = {
	    .method = "GET", .url = url, .headers = hdrs, .timeout_ms = IMDS_TIMEOUT_MS, .direct = true};
	long status;
	int rc;

	snprintf(url, sizeof(url), "%s%s", base, path);
	buf_reset(body);
	rc = awshttp_perform(&req, &status, body, why, whylen);
	if (rc == 0 && status != 200) {
		snprintf(why, whylen, "instance metadata GET %s answered HTTP %ld", path, status);
		rc = status == 404 ? -ENOENT : DX_E_UNAVAILABLE;
	}
	return rc;
}

static int from_imds(const struct credchain_config *cfg, struct aws_credentials *c, char *why, size_t whylen)
{
	const char *dis = env("AWS_EC2_METADATA_DISABLED");
	const char *base = cfg->imds_endpoint && *cfg->imds_endpoint
			       ? cfg->imds_endpoint
			       : env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	char basebuf[512], url[600], tokenline[1200], role[256], path[400], detail[512];
	const char *put_hdrs[] = {"X-aws-ec2-metadata-token-ttl-seconds: " IMDS_TOKEN_TTL, NULL};
	struct buf body;
	long status;
	size_t n;
	int rc;

	if (dis && strcasecmp(dis, "true") == 0) {
		snprintf(why, whylen, "disabled by AWS_EC2_METADATA_DISABLED");
		return -ENOENT;
	}
	if (!base)
		base = IMDS_DEFAULT;
	snprintf(basebuf, sizeof(basebuf), "%s", base);
	n = strlen(basebuf);
	while (n && basebuf[n - 1] == '/')
		basebuf[--n] = '\0';
	buf_init(&body, META_MAX);
	snprintf(url, sizeof(url), "%s/latest/api/token", basebuf);
	{
		struct awshttp_request req = {.method = "PUT",
					      .url = url,
					      .headers = put_hdrs,
					      .timeout_ms = IMDS_TIMEOUT_MS,
					      .direct = true};

		rc = awshttp_perform(&req, &status, &body, why, whylen);
	}
	if (rc < 0)
		goto out;
	if (status != 200 || !body.len || body.len > 1000 || strpbrk(body.ptr, "\r\n")) {
		/* IMDSv1 is not used: without a session token there is no
		 * protection against SSRF-style access to the role */
		snprintf(why, whylen, "IMDSv2 token request (PUT %s) answered HTTP %ld%s", url, status,
			 status == 200 ? " with an unusable token" : "");
		rc = DX_E_UNAVAILABLE;
		goto out;
	}
	snprintf(tokenline, sizeof(tokenline), "X-aws-ec2-metadata-token: %s", body.ptr);
	rc = imds_get(basebuf, "/latest/meta-data/iam/security-credentials/", tokenline, &body, why, whylen);
	if (rc == -ENOENT)
		snprintf(why, whylen,
			 "no IAM role attached to this instance (instance metadata has no role)");
	if (rc < 0)
		goto out;
	n = body.ptr ? strcspn(body.ptr, "\r\n") : 0;
	if (n == 0 || n >= sizeof(role) || memchr(body.ptr, '/', n) || memchr(body.ptr, '.', n) == body.ptr) {
		snprintf(why, whylen, "instance metadata role list is empty or not a role name");
		rc = DX_E_VALIDATION;
		goto out;
	}
	memcpy(role, body.ptr, n);
	role[n] = '\0';
	snprintf(path, sizeof(path), "/latest/meta-data/iam/security-credentials/%s", role);
	rc = imds_get(basebuf, path, tokenline, &body, why, whylen);
	if (rc < 0)
		goto out;
	rc = credchain_parse_metadata_json(body.ptr ? body.ptr : "", body.len, true, c, detail,
					   sizeof(detail));
	if (rc < 0) {
		snprintf(why, whylen, "role %s: %s", role, detail);
		goto out;
	}
	snprintf(c->source, sizeof(c->source), "imds:%s", role);
out:
	explicit_bzero(tokenline, sizeof(tokenline));
	if (body.ptr)
		explicit_bzero(body.ptr, body.len);
	buf_release(&body);
	return rc;
}

/* ---- credential_process ------------------------------------------------------ */

static int run_process(const char *cmd, long timeout_ms, struct aws_credentials *c, char *why, size_t whylen)
{
	int fds[2], status = 0, rc = 0;
	struct buf out;
	char chunk[4096], detail[300];
	struct timespec t0, now;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		rc = -errno;
		snprintf(why, whylen, "credential_process: pipe: %s", strerror(-rc));
		return rc;
	}
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		close(fds[0]);
		close(fds[1]);
		snprintf(why, whylen, "credential_process: fork: %s", strerror(-rc));
		return rc;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(fds[1], 1);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	buf_init(&out, META_MAX);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = {fds[0], POLLIN, 0};
		long left;
		ssize_t r;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left = timeout_ms - ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0) {
			snprintf(why, whylen, "credential_process did not finish within %ld ms (killed)",
				 timeout_ms);
			rc = DX_E_TIMEOUT;
			break;
		}
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR) {
			rc = -errno;
			snprintf(why, whylen, "credential_process: poll: %s", strerror(-rc));
			break;
		}
		if (!p.revents)
			continue;
		r = read(fds[0], chunk, sizeof(chunk));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (buf_add(&out, chunk, (size_t)r) < 0) {
			snprintf(why, whylen, "credential_process printed more than %d bytes", META_MAX);
			rc = DX_E_TOOLARGE;
			break;
		}
	}
	close(fds[0]);
	if (rc < 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		if (WIFEXITED(status))
			snprintf(why, whylen, "credential_process exited with status %d",
				 WEXITSTATUS(status));
		else
			snprintf(why, whylen, "credential_process killed by signal %d", WTERMSIG(status));
		rc = DX_E_UNAVAILABLE;
	}
	if (rc == 0) {
		rc = aws_credentials_parse_json(out.ptr ? out.ptr : "", out.len, c, detail, sizeof(detail));
		if (rc < 0)
			snprintf(why, whylen, "credential_process output: %s", detail);
	}
	explicit_bzero(chunk, sizeof(chunk));
	if (out.ptr)
		explicit_bzero(out.ptr, out.len);
	buf_release(&out);
	return rc;
}

/* ---- profiles ------------------------------------------------------------------ */

struct profiles {
	struct awsini *ini;
	char files[600]; /* for messages */
};

static int load_profiles(struct profiles *pf, char *why, size_t whylen)
{
	const char *home = env("HOME");
	char cpath[512], kpath[512], e1[300] = "", e2[300] = "";
	int r1, r2;

	if (env("AWS_SHARED_CREDENTIALS_FILE"))
		snprintf(cpath, sizeof(cpath), "%s", env("AWS_SHARED_CREDENTIALS_FILE"));
	else
		snprintf(cpath, sizeof(cpath), "%s/.aws/credentials", home ? home : "");
	if (env("AWS_CONFIG_FILE"))
		snprintf(kpath, sizeof(kpath), "%s", env("AWS_CONFIG_FILE"));
	else
		snprintf(kpath, sizeof(kpath), "%s/.aws/config", home ? home : "");
	snprintf(pf->files, sizeof(pf->files), "%s or %s", cpath, kpath);
	pf->ini = awsini_new();
	/* the credentials file first: its keys win */
	r1 = awsini_load(pf->ini, AWSINI_CREDENTIALS, cpath, e1, sizeof(e1));
	r2 = awsini_load(pf->ini, AWSINI_CONFIG, kpath, e2, sizeof(e2));
	if (r1 < 0 && r1 != -ENOENT) {
		snprintf(why, whylen, "%s", e1);
		return r1;
	}
	if (r2 < 0 && r2 != -ENOENT) {
		snprintf(why, whylen, "%s", e2);
		return r2;
	}
	if (r1 == -ENOENT && r2 == -ENOENT) {
		snprintf(why, whylen, "no shared credentials or config file (%s)", pf->files);
		return -ENOENT;
	}
	return 0;
}

static int resolve_profile(const struct credchain_config *cfg, const struct profiles *pf, const char *name,
			   int depth, struct aws_credentials *c, char *why, size_t whylen);

/* Credentials of a profile's own keys or credential_process, ignoring any
 * role_arn (a source_profile naming itself, as the SDKs allow). */
static int profile_direct(const struct credchain_config *cfg, const struct profiles *pf, const char *name,
			  struct aws_credentials *c, char *why, size_t whylen)
{
	const char *id = awsini_get(pf->ini, name, "aws_access_key_id");
	const char *secret = awsini_get(pf->ini, name, "aws_secret_access_key");
	const char *token = awsini_get(pf->ini, name, "aws_session_token");
	const char *proc = awsini_get(pf->ini, name, "credential_process");
	int rc;

	aws_credentials_clear(c);
	if (id && *id) {
		if (!secret || !*secret) {
			snprintf(why, whylen,
				 "profile '%s' has aws_access_key_id but no aws_secret_access_key", name);
			return DX_E_CONFIG;
		}
		if (aws_credentials_set(c, id, secret, token, NULL, "profile", why, whylen)) {
			snprintf(why, whylen, "profile '%s': a key is too long", name);
			return DX_E_CONFIG;
		}
		snprintf(c->source, sizeof(c->source), "profile:%s", name);
		return 0;
	}
	if (proc && *proc) {
		rc = run_process(proc, timeout_of(cfg), c, why, whylen);
		if (rc == 0)
			snprintf(c->source, sizeof(c->source), "process:%s", name);
		return rc;
	}
	if (awsini_get(pf->ini, name, "sso_start_url") || awsini_get(pf->ini, name, "sso_session")) {
		snprintf(why, whylen,
			 "profile '%s' uses AWS SSO, which needs an interactive login: use a role or "
			 "credential_process",
			 name);
		return DX_E_CONFIG;
	}
	snprintf(why, whylen, "profile '%s' has no aws_access_key_id, role_arn or credential_process", name);
	return -ENOENT;
}

static int assume_role(const struct credchain_config *cfg, const struct profiles *pf, const char *name,
		       const char *role_arn, int depth, struct aws_credentials *c, char *why, size_t whylen)
{
	const char *srcp = awsini_get(pf->ini, name, "source_profile");
	const char *csrc = awsini_get(pf->ini, name, "credential_source");
	const char *wif = awsini_get(pf->ini, name, "web_identity_token_file");
	const char *region = awsini_get(pf->ini, name, "region");
	const char *dur = awsini_get(pf->ini, name, "duration_seconds");
	struct sts_call call = {.endpoint = sts_endpoint(cfg),
				.region = region && *region ? region : cfg->region,
				.role_arn = role_arn,
				.session_name = awsini_get(pf->ini, name, "role_session_name"),
				.duration_seconds = dur ? atoi(dur) : cfg->duration_seconds,
				.external_id = awsini_get(pf->ini, name, "external_id"),
				.timeout_ms = timeout_of(cfg)};
	struct aws_credentials src;
	char inner[600];
	int rc;

	if (wif && *wif)
		return web_identity(cfg, call.region, role_arn, wif, call.session_name, c, why, whylen);
	if (srcp && *srcp && csrc && *csrc) {
		snprintf(why, whylen, "profile '%s' has both source_profile and credential_source", name);
		return DX_E_CONFIG;
	}
	if (srcp && *srcp) {
		if (strcmp(srcp, name) == 0)
			rc = profile_direct(cfg, pf, srcp, &src, inner, sizeof(inner));
		else
			rc = resolve_profile(cfg, pf, srcp, depth + 1, &src, inner, sizeof(inner));
	} else if (csrc && *csrc) {
		if (strcmp(csrc, "Environment") == 0)
			rc = from_environment(&src, inner, sizeof(inner));
		else if (strcmp(csrc, "Ec2InstanceMetadata") == 0)
			rc = from_imds(cfg, &src, inner, sizeof(inner));
		else if (strcmp(csrc, "EcsContainer") == 0)
			rc = from_container(cfg, &src, inner, sizeof(inner));
		else {
			snprintf(
			    why, whylen,
			    "profile '%s': credential_source must be Environment, Ec2InstanceMetadata or "
			    "EcsContainer",
			    name);
			return DX_E_CONFIG;
		}
	} else {
		snprintf(why, whylen,
			 "profile '%s' has role_arn but no source_profile, credential_source or "
			 "web_identity_token_file",
			 name);
		return DX_E_CONFIG;
	}
	if (rc < 0) {
		snprintf(why, whylen, "source credentials of role %s: %s", role_arn, inner);
		aws_credentials_clear(&src);
		return rc;
	}
	rc = sts_assume_role(&call, &src, c, why, whylen);
	aws_credentials_clear(&src);
	return rc;
}

static int resolve_profile(const struct credchain_config *cfg, const struct profiles *pf, const char *name,
			   int depth, struct aws_credentials *c, char *why, size_t whylen)
{
	const char *role;

	if (depth > PROFILE_DEPTH) {
		snprintf(why, whylen, "source_profile chain longer than %d (a loop?) at profile '%s'",
			 PROFILE_DEPTH, name);
		return DX_E_CONFIG;
	}
	if (!awsini_has_profile(pf->ini, name)) {
		snprintf(why, whylen, "profile '%s' not found in %s", name, pf->files);
		return -ENOENT;
	}
	role = awsini_get(pf->ini, name, "role_arn");
	if (role && *role)
		return assume_role(cfg, pf, name, role, depth, c, why, whylen);
	return profile_direct(cfg, pf, name, c, why, whylen);
}

static int from_profile(const struct credchain_config *cfg, struct aws_credentials *c, char *why,
			size_t whylen)
{
	const char *name = cfg->profile && *cfg->profile ? cfg->profile : env("AWS_PROFILE");
	struct profiles pf = {0};
	int rc;

	if (!name)
		name = "default";
	rc = load_profiles(&pf, why, whylen);
	if (rc == 0)
		rc = resolve_profile(cfg, &pf, name, 0, c, why, whylen);
	awsini_free(pf.ini);
	return rc;
}

/* ---- the chain ---------------------------------------------------------------------- */

int credchain_resolve(const struct credchain_config *cfg, struct credchain_result *res)
{
	enum credchain_source order[CREDCHAIN_MAX_SOURCES];
	char why[600];
	int n, i;

	memset(res, 0, sizeof(*res));
	n = credchain_parse_order(cfg->order, order, CREDCHAIN_MAX_SOURCES, why, sizeof(why));
	if (n < 0) {
		struct credchain_attempt *a = &res->tried[res->ntried++];

		snprintf(a->source, sizeof(a->source), "configuration");
		a->rc = n;
		snprintf(a->why, sizeof(a->why), "aws.credential_sources: %s", why);
		return DX_E_CONFIG;
	}
	for (i = 0; i < n; i++) {
		struct credchain_attempt *a = &res->tried[res->ntried++];
		struct aws_credentials c;
		int rc;

		snprintf(a->source, sizeof(a->source), "%s", names[order[i]]);
		a->why[0] = '\0';
		switch (order[i]) {
		case CRED_SRC_ENVIRONMENT: rc = from_environment(&c, a->why, sizeof(a->why)); break;
		case CRED_SRC_PROFILE: rc = from_profile(cfg, &c, a->why, sizeof(a->why)); break;
		case CRED_SRC_WEB_IDENTITY:
			rc = from_web_identity_env(cfg, &c, a->why, sizeof(a->why));
			break;
		case CRED_SRC_CONTAINER: rc = from_container(cfg, &c, a->why, sizeof(a->why)); break;
		case CRED_SRC_IMDS: rc = from_imds(cfg, &c, a->why, sizeof(a->why)); break;
		default: rc = DX_E_INTERNAL; break;
		}
		a->rc = rc;
		if (rc == 0) {
			res->cred = c;
			aws_credentials_clear(&c);
			return 0;
		}
		aws_credentials_clear(&c);
	}
	return DX_E_CREDENTIALS;
}

void credchain_describe_failures(const struct credchain_result *res, char *out, size_t outlen)
{
	size_t used = 0;
	int i;

	if (outlen)
		out[0] = '\0';
	for (i = 0; i < res->ntried && used < outlen; i++) {
		int w;

		if (res->tried[i].rc == 0)
			continue;
		w = snprintf(out + used, outlen - used, "%s%s: %s", used ? "; " : "", res->tried[i].source,
			     res->tried[i].why);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}
