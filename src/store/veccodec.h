/*
 * veccodec - how an int8 vector is stored in entity_embeddings.vec.
 *
 * Two forms, told apart by their length alone:
 *   dense  - exactly dims bytes, the values;
 *   sparse - a bitmap of the non-zero dimensions (dims / 8 bytes, bit i
 *            of byte i / 8 for dimension i), then the non-zero values in
 *            dimension order: dims / 8 + popcount(bitmap) bytes, always
 *            fewer than dims.
 * The local provider's hashed vectors have a tenth of their dimensions
 * set: stored sparse they take a quarter of the bytes, which is what
 * PostgreSQL writes (heap and WAL) while indexing. Model vectors
 * (Bedrock) are dense and stay so. Rows written before the sparse form
 * are dense and read as they are.
 */
#ifndef DOCXP_STORE_VECCODEC_H
#define DOCXP_STORE_VECCODEC_H

#include <stddef.h>
#include <stdint.h>

/* Encodes q (dims values) into out (room for dims bytes); returns the
 * stored length: the sparse form when it is shorter (dims a multiple of
 * 8), else dims (the dense form, q copied). */
size_t veccodec_encode(const int8_t *q, int dims, uint8_t *out);

/* Decodes a stored vector of len bytes into out (dims values). Returns 0,
 * or -1 when len fits neither form (the row is then ignored). */
int veccodec_decode(const uint8_t *in, size_t len, int dims, int8_t *out);

#endif
