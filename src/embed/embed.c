/*
 * embed.c - choosing the provider, shared helpers.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "embed/embed.h"
#include "util/conf.h"

struct embed_provider *embed_provider_new(const struct conf *cfg, char *errmsg, size_t errlen)
{
	if (strcmp(cfg->embedding_provider, "local") == 0)
		return embed_local_new(cfg->embedding_dimensions, cfg->embedding_normalize != 0);
	if (strcmp(cfg->embedding_provider, "bedrock") == 0)
		return embed_bedrock_new(cfg, errmsg, errlen);
	snprintf(errmsg, errlen, "unknown embedding provider '%s'", cfg->embedding_provider);
	return NULL;
}

void embed_provider_free(struct embed_provider *p)
{
	if (p)
		p->free(p);
}

int embed_estimate_tokens(const char *text)
{
	size_t n = strlen(text);

	return (int)((n + 3) / 4);
}

bool embed_cache_wanted(const char *setting, const struct embed_provider *p)
{
	if (setting && strcmp(setting, "on") == 0)
		return true;
	if (setting && strcmp(setting, "off") == 0)
		return false;
	return !p->in_process;
}
