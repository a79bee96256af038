/*
 * docxp-credentials - obtains AWS credentials through the provider chain
 * (src/aws/credchain.c) and writes them to the state file the workers and
 * the API re-read (aws.credentials_file). Run by docxp-credentials.timer.
 * Never prints a secret: the source, the key id's first characters and the
 * expiry.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "aws/credchain.h"
#include "aws/credentials.h"
#include "aws/credfile.h"
#include "util/conf.h"
#include "util/log.h"
#include "util/startup.h"
#include "util/status.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: docxp-credentials [-c CONFIG] [--dry-run] [--check-config]\n"
		     "  -c, --config PATH   configuration file (default " CONF_DEFAULT_PATH ")\n"
		     "  -n, --dry-run       obtain credentials and report, but do not write the file\n"
		     "      --check-config  validate the configuration, print it and exit\n");
}

/* Who the file goes to: the configured user when we run as root. */
static int owner(const struct conf *cfg, uid_t *uid, gid_t *gid)
{
	struct passwd *pw;

	*uid = (uid_t)-1;
	*gid = (gid_t)-1;
	if (geteuid() != 0 || !cfg->aws_credentials_owner[0])
		return 0;
	pw = getpwnam(cfg->aws_credentials_owner);
	if (!pw) {
		fprintf(stderr, "docxp-credentials: aws.credentials_owner: no user '%s'\n",
			cfg->aws_credentials_owner);
		return DX_E_CONFIG;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

static int refresh(const struct conf *cfg, bool dry_run)
{
	struct credchain_config cc = {.order = cfg->aws_credential_sources,
				      .profile = cfg->aws_profile,
				      .region = cfg->aws_region,
				      .sts_endpoint = cfg->aws_sts_endpoint,
				      .imds_endpoint = cfg->aws_metadata_endpoint};
	struct credchain_result res;
	char exp[32] = "never", left[48] = "", err[512];
	uid_t uid;
	gid_t gid;
	int rc, i;

	rc = owner(cfg, &uid, &gid);
	if (rc < 0)
		return rc;
	rc = credchain_resolve(&cc, &res);
	if (rc < 0) {
		fprintf(stderr, "docxp-credentials: no AWS credentials from any source; tried:\n");
		for (i = 0; i < res.ntried; i++)
			fprintf(stderr, "  %-12s %s\n", res.tried[i].source, res.tried[i].why);
		aws_credentials_clear(&res.cred);
		return rc;
	}
	/* "not configured" is normal; a source that is configured but failed
	 * deserves attention even though a later one worked */
	for (i = 0; i < res.ntried - 1; i++)
		log_msg(res.tried[i].rc == -ENOENT ? LOG_INFO : LOG_WARNING,
			"credential source skipped: %s | source=%s", res.tried[i].why, res.tried[i].source);
	if (res.cred.expiration) {
		aws_format_rfc3339(res.cred.expiration, exp);
		snprintf(left, sizeof(left), " (in %lld s)", (long long)(res.cred.expiration - time(NULL)));
	}
	if (!dry_run) {
		rc = credfile_write(cfg->aws_credentials_file, &res.cred, uid, gid, err, sizeof(err));
		if (rc < 0) {
			fprintf(stderr, "docxp-credentials: %s\n", err);
			aws_credentials_clear(&res.cred);
			return DX_E_IO;
		}
	}
	/* only the key id's first characters: enough to tell keys apart */
	printf("docxp-credentials: %s %s | source=%s key=%.4s... expires=%s%s\n",
	       dry_run ? "would write" : "wrote", cfg->aws_credentials_file, res.cred.source,
	       res.cred.access_key_id, exp, left);
	aws_credentials_clear(&res.cred);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'}, {"dry-run", no_argument, NULL, 'n'},
	    {"check-config", no_argument, NULL, 'C'}, {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},      {NULL, 0, NULL, 0}};
	const char *path = NULL;
	bool check = false, dry_run = false;
	struct conf cfg;
	int c, rc;

	while ((c = getopt_long(argc, argv, "c:nh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': path = optarg; break;
		case 'n': dry_run = true; break;
		case 'C': check = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("docxp-credentials %s\n", PACKAGE_VERSION); return 0;
		default: usage(stderr); return 64;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 64;
	}
	rc = startup_config("docxp-credentials", path, false, &cfg);
	if (rc >= 0) {
		conf_release(&cfg);
		return rc;
	}
	{
		enum credchain_source order[CREDCHAIN_MAX_SOURCES];
		char why[256];

		if (credchain_parse_order(cfg.aws_credential_sources, order, CREDCHAIN_MAX_SOURCES, why,
					  sizeof(why)) < 0) {
			fprintf(stderr, "docxp-credentials: bad configuration: aws.credential_sources: %s\n",
				why);
			conf_release(&cfg);
			return status_exit(DX_E_CONFIG);
		}
	}
	if (check) {
		/* as startup_config does, once our own keys are checked too */
		conf_dump(&cfg, stdout);
		printf("configuration ok\n");
		conf_release(&cfg);
		return 0;
	}
	if (!cfg.aws_credentials_file[0] && !dry_run) {
		fprintf(stderr, "docxp-credentials: bad configuration: aws.credentials_file is empty\n");
		conf_release(&cfg);
		return status_exit(DX_E_CONFIG);
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = refresh(&cfg, dry_run);
	curl_global_cleanup();
	conf_release(&cfg);
	return status_exit(rc);
}
