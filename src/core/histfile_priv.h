/* SPDX-License-Identifier: GPL-2.0-or-later */
/* histfile_priv.h - byte-level helpers shared by histfile.c (framing,
 * header, times) and histcodec.c (the snapshot encoder and decoder). */
#ifndef SW_HISTFILE_PRIV_H
#define SW_HISTFILE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "histfile.h"

/* writing */
void hf_put(struct hf_buf *b, const void *p, size_t n);
void hf_put_u8(struct hf_buf *b, uint8_t v);
void hf_put_uv(struct hf_buf *b, uint64_t v);
void hf_put_le32(struct hf_buf *b, uint32_t v);
static inline uint64_t hf_zz(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}
static inline int64_t hf_unzz(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}
/* a length-prefixed byte string */
void hf_put_str(struct hf_buf *b, const void *p, size_t n);

/* reading: a cursor that turns bad (and stays bad) on any overrun */
struct hf_rd {
	const uint8_t *p, *end;
	bool bad;
};
uint8_t hf_get_u8(struct hf_rd *r);
uint64_t hf_get_uv(struct hf_rd *r);
/* a length-prefixed byte string (points into the buffer); NULL if bad */
const uint8_t *hf_get_str(struct hf_rd *r, size_t *n);
static inline uint32_t hf_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#endif
