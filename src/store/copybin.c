/*
 * copybin.c - rows in PostgreSQL's binary COPY format (copybin.h).
 */
#include "config.h"

#include <string.h>

#include "store/copybin.h"
#include "util/buf.h"
#include "util/status.h"

static int put_be(struct buf *b, uint64_t v, int bytes)
{
	unsigned char out[8];
	int i;

	for (i = bytes - 1; i >= 0; i--) {
		out[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
	return buf_add(b, out, (size_t)bytes);
}

int copybin_header(struct buf *b)
{
	/* Signature, flags (no OIDs), header extension length. */
	static const char sig[] = "PGCOPY\n\377\r\n";
	int rc = buf_add(b, sig, sizeof(sig)); /* with its NUL byte: 11 bytes */

	if (rc == 0)
		rc = put_be(b, 0, 4);
	return rc ? rc : put_be(b, 0, 4);
}

int copybin_trailer(struct buf *b)
{
	return put_be(b, 0xffff, 2);
}

int copybin_row(struct buf *b, int nfields)
{
	return put_be(b, (uint64_t)nfields, 2);
}

int copybin_null(struct buf *b)
{
	return put_be(b, 0xffffffffu, 4);
}

static int field(struct buf *b, uint64_t v, int bytes)
{
	int rc = put_be(b, (uint64_t)bytes, 4);

	return rc ? rc : put_be(b, v, bytes);
}

int copybin_int2(struct buf *b, int16_t v)
{
	return field(b, (uint16_t)v, 2);
}

int copybin_int4(struct buf *b, int32_t v)
{
	return field(b, (uint32_t)v, 4);
}

int copybin_int8(struct buf *b, int64_t v)
{
	return field(b, (uint64_t)v, 8);
}

int copybin_float4(struct buf *b, float v)
{
	uint32_t bits;

	memcpy(&bits, &v, sizeof(bits));
	return field(b, bits, 4);
}

int copybin_bytes(struct buf *b, const void *p, size_t len)
{
	int rc;

	if (len > INT32_MAX)
		return DX_E_TOOLARGE;
	rc = put_be(b, len, 4);
	return rc ? rc : buf_add(b, p, len);
}

int copybin_text(struct buf *b, const char *s)
{
	return s ? copybin_bytes(b, s, strlen(s)) : copybin_null(b);
}

int copybin_jsonb(struct buf *b, const char *json)
{
	size_t len = strlen(json);
	int rc;

	if (len + 1 > INT32_MAX)
		return DX_E_TOOLARGE;
	rc = put_be(b, len + 1, 4);
	if (rc == 0)
		rc = buf_add(b, "\1", 1);
	return rc ? rc : buf_add(b, json, len);
}
