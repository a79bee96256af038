/* veccodec - the dense and sparse forms of a stored int8 vector. */
#include "config.h"

#include <string.h>

#include "store/veccodec.h"

/* Set bits of a byte. __builtin_popcount is a library call unless the
 * target has POPCNT (Debian's amd64 baseline does not assume it): 1.5 %
 * of a worker's time, when it was called for every bitmap byte. */
#define B2(n) n, n + 1, n + 1, n + 2
#define B4(n) B2(n), B2(n + 1), B2(n + 1), B2(n + 2)
#define B6(n) B4(n), B4(n + 1), B4(n + 1), B4(n + 2)
static const uint8_t popcount8[256] = {B6(0), B6(1), B6(1), B6(2)};
#undef B2
#undef B4
#undef B6

size_t veccodec_encode(const int8_t *q, int dims, uint8_t *out)
{
	size_t nbitmap = (size_t)dims / 8, n = nbitmap, g, k;

	if (dims <= 0)
		return 0;
	if (dims % 8 != 0)
		goto dense;
	/* Eight dimensions at a time, without a branch per dimension: their
	 * bitmap byte, then the values of its set bits. */
	for (g = 0; g < nbitmap; g++) {
		const int8_t *p = q + g * 8;
		unsigned bits = 0;

		for (k = 0; k < 8; k++)
			bits |= (unsigned)(p[k] != 0) << k;
		out[g] = (uint8_t)bits;
		if (n + popcount8[bits] >= (size_t)dims)
			goto dense; /* not shorter */
		for (; bits; bits &= bits - 1)
			out[n++] = (uint8_t)p[__builtin_ctz(bits)];
	}
	return n;
dense:
	memcpy(out, q, (size_t)dims);
	return (size_t)dims;
}

int veccodec_decode(const uint8_t *in, size_t len, int dims, int8_t *out)
{
	size_t nbitmap = (size_t)dims / 8, nset = 0, n, i;

	if (dims <= 0)
		return -1;
	if (len == (size_t)dims) {
		memcpy(out, in, len);
		return 0;
	}
	if (dims % 8 != 0 || len < nbitmap || len >= (size_t)dims)
		return -1;
	for (i = 0; i < nbitmap; i++)
		nset += popcount8[in[i]];
	if (nbitmap + nset != len)
		return -1;
	n = nbitmap;
	for (i = 0; i < (size_t)dims; i++)
		out[i] = (in[i / 8] >> (i % 8)) & 1u ? (int8_t)in[n++] : 0;
	return 0;
}
