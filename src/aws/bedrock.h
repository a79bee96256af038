/*
 * bedrock.h - the Bedrock embedding provider's constructor under its aws_
 * name (embed_bedrock_new in embed.h is the same function for callers that
 * select providers by configuration).
 */
#ifndef DOCXP_BEDROCK_H
#define DOCXP_BEDROCK_H

#include <stddef.h>

struct conf;
struct embed_provider;

/* See embed_bedrock_new in embed/embed.h: NULL with the reason in errmsg
 * for a bad configuration. Free with p->free(p). */
struct embed_provider *aws_bedrock_provider_new(const struct conf *cfg, char *errmsg, size_t errlen);

#endif
