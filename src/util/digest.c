#include "config.h"

#include <openssl/sha.h>

#include "util/digest.h"

void digest_sha256(const void *data, size_t len, uint8_t out[DIGEST_SHA256_LEN])
{
	SHA256(data, len, out);
}

void digest_hex(const uint8_t *bytes, size_t n, char *out)
{
	static const char hexdigits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hexdigits[bytes[i] >> 4];
		out[2 * i + 1] = hexdigits[bytes[i] & 0xf];
	}
	out[2 * n] = '\0';
}

void digest_sha256_hex(const void *data, size_t len, char hex[DIGEST_SHA256_HEXLEN + 1])
{
	uint8_t md[DIGEST_SHA256_LEN];

	digest_sha256(data, len, md);
	digest_hex(md, sizeof(md), hex);
}
