/* SPDX-License-Identifier: GPL-2.0-or-later */
/* histfile_priv.h - helpers shared by histfile.c (framing, header, times),
 * histcodec.c (rows, the decoder) and histfile_enc.c (the encoder). */
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


/* ---- rows (histcodec.c) ---- */
/* Row fields, the ones a socket moving data changes first (its mask then
 * fits in two bytes).  F_UNACKED is bytes_sent - bytes_acked. */
enum {
	F_ACKED, F_RECEIVED, F_SEGS_IN, F_SEGS_OUT, F_LAST_SENT, F_LAST_RECV, F_RTT, F_RTTVAR,
	F_CWND, F_DELIVERY, F_BUSY, F_UNACKED, F_RMEM, F_WMEM,
	F_STATE, F_RQ, F_WQ, F_TIMER, F_EXPIRES, F_RETRANS, F_SSTHRESH, F_TRETRANS,
	F_TOTAL_RETRANS, F_LOST, F_SHUTDOWN, F_FLAGS, F_HAVE, F_HAS_TCPX, F_INODE, F_UID,
	F_FAMILY, F_PROTO, F_SOTYPE, F_IFINDEX, F_LADDR0, F_LADDR1, F_LPORT, F_RADDR0,
	F_RADDR1, F_RPORT, F_PEER,
	NF
};
#define B_NAME NF       /* mask bits of the byte strings */
#define B_CONG (NF + 1)
#define B_OWNERS (NF + 2)

/* A socket's row (busy time in ms); lossy: rtt, rttvar and the delivery
 * rate rounded to what the monitor shows (the recorder's setting; a
 * reader never rounds). */
void hf_flatten(const struct sw_snapshot *s, const struct sw_conn *c, bool lossy,
		uint64_t f[NF]);
/* Only the time fields of a row (F_EXPIRES, F_LAST_SENT, F_LAST_RECV). */
void hf_times(const struct sw_snapshot *s, const struct sw_conn *c, uint64_t f[NF]);
/* A time field (F_EXPIRES, F_LAST_SENT, F_LAST_RECV) holding v, as a
 * reader that carries the row to a sample at t_ms flattens it there. */
uint64_t hf_carried(int field, uint64_t v, uint64_t t_ms);

/* A delta's changed rows are written against the changed row before them
 * too: the mask xor its mask, the timer's move less its timer's move (a
 * keepalive rearmed moves the timer by the same period as the others). */
struct hf_chctx {
	uint64_t mask;
	int64_t expires_move;
};

/* The row's byte strings. */
struct strs {
	const uint8_t *name;
	size_t name_len;
	const uint8_t *cong;
	size_t cong_len;
};
void hf_strs_of(const struct sw_snapshot *s, const struct sw_conn *c, struct strs *o);
void hf_put_owners(struct hf_buf *b, const struct sw_snapshot *s, const struct sw_conn *c);

#define KSTAT_NINTS 16
int *hf_kstat_int(struct sw_kstat *k, int i);

#endif
