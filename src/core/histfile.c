/* SPDX-License-Identifier: GPL-2.0-or-later */
/* histfile.c - the history format's framing: byte helpers, CRC-32, the
 * segment header, sample frames, and the --from/--to time words.  The
 * snapshot encoder and decoder are in histcodec.c; see histfile.h. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "histfile.h"
#include "histfile_priv.h"
#include "util.h"

/* ---- bytes -------------------------------------------------------------- */

void hf_buf_done(struct hf_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

void hf_put(struct hf_buf *b, const void *p, size_t n)
{
	b->p = xgrow(b->p, &b->cap, b->len + n, 1);
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

void hf_put_u8(struct hf_buf *b, uint8_t v)
{
	hf_put(b, &v, 1);
}

void hf_put_uv(struct hf_buf *b, uint64_t v)
{
	uint8_t t[10];
	size_t n = 0;
	while (v >= 0x80) {
		t[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	t[n++] = (uint8_t)v;
	hf_put(b, t, n);
}

void hf_put_le32(struct hf_buf *b, uint32_t v)
{
	uint8_t t[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
	hf_put(b, t, 4);
}

void hf_put_str(struct hf_buf *b, const void *p, size_t n)
{
	hf_put_uv(b, n);
	hf_put(b, p, n);
}

uint8_t hf_get_u8(struct hf_rd *r)
{
	if (r->bad || r->p >= r->end) {
		r->bad = true;
		return 0;
	}
	return *r->p++;
}

uint64_t hf_get_uv(struct hf_rd *r)
{
	uint64_t v = 0;
	for (unsigned shift = 0; shift < 70; shift += 7) {
		if (r->bad || r->p >= r->end)
			break;
		uint8_t c = *r->p++;
		if (shift == 63 && c > 1)
			break; /* more than 64 bits */
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return v;
	}
	r->bad = true;
	return 0;
}

const uint8_t *hf_get_str(struct hf_rd *r, size_t *n)
{
	uint64_t len = hf_get_uv(r);
	if (r->bad || len > (uint64_t)(r->end - r->p)) {
		r->bad = true;
		*n = 0;
		return NULL;
	}
	const uint8_t *p = r->p;
	r->p += len;
	*n = (size_t)len;
	return p;
}

/* ---- CRC-32 (IEEE 802.3, as zlib's crc32) -------------------------------- */

static uint32_t crc_table[256];

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

uint32_t hf_crc32(uint32_t crc, const void *p, size_t n)
{
	if (!crc_table[1])
		crc_init();
	const uint8_t *b = p;
	crc = ~crc;
	while (n--)
		crc = crc_table[(crc ^ *b++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* ---- header -------------------------------------------------------------- */

static void le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t rdle(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

void hf_header_encode(const struct hf_header *h, uint8_t out[HF_HEADER_LEN])
{
	memset(out, 0, HF_HEADER_LEN);
	memcpy(out, HF_MAGIC, HF_MAGIC_LEN);
	le(out + 8, HF_VERSION, 2);
	le(out + 10, HF_HEADER_LEN, 2);
	le(out + 12, h->interval_ms, 4);
	le(out + 16, h->keyframe, 4);
	le(out + 20, (uint64_t)h->start_sec, 8);
	memcpy(out + 28, h->hostname, 64);
	out[28 + 63] = '\0';
	le(out + 96, hf_crc32(0, out, 96), 4);
}

bool hf_is_history(const void *p, size_t n)
{
	return n >= HF_MAGIC_LEN && memcmp(p, HF_MAGIC, HF_MAGIC_LEN) == 0;
}

int hf_header_decode(const void *p, size_t n, struct hf_header *h)
{
	const uint8_t *b = p;
	if (n < HF_MAGIC_LEN || !hf_is_history(p, n))
		return n < HF_MAGIC_LEN ? -ENODATA : -EINVAL;
	if (n < HF_HEADER_LEN)
		return -ENODATA;
	memset(h, 0, sizeof *h);
	h->version = (uint16_t)rdle(b + 8, 2);
	if (h->version != HF_VERSION)
		return -EPROTONOSUPPORT;
	if (rdle(b + 10, 2) != HF_HEADER_LEN || rdle(b + 96, 4) != hf_crc32(0, b, 96))
		return -EBADMSG;
	h->interval_ms = (uint32_t)rdle(b + 12, 4);
	h->keyframe = (uint32_t)rdle(b + 16, 4);
	h->start_sec = (int64_t)rdle(b + 20, 8);
	memcpy(h->hostname, b + 28, 64);
	h->hostname[63] = '\0';
	return 0;
}

/* ---- frames -------------------------------------------------------------- */

static const uint8_t frame_magic[4] = {'S', 'W', 'S', 'F'};

int hf_frame_check(const uint8_t *p, size_t n, size_t *plen)
{
	if (n < 4)
		return n && memcmp(p, frame_magic, n) == 0 ? 0 : -1;
	if (memcmp(p, frame_magic, 4) != 0)
		return -1;
	if (n < HF_FRAME_HDR)
		return 0;
	uint32_t len = hf_le32(p + 4);
	if (len > HF_FRAME_MAX || len < 2)
		return -1;
	if (n - HF_FRAME_HDR < len)
		return 0;
	if (hf_crc32(0, p + HF_FRAME_HDR, len) != hf_le32(p + 8))
		return -1;
	*plen = len;
	return 1;
}

size_t hf_frame_resync(const uint8_t *p, size_t n)
{
	for (size_t i = 1; i + 4 <= n; i++) {
		const uint8_t *q = memchr(p + i, 'S', n - i);
		if (!q)
			return n;
		i = (size_t)(q - p);
		if (i + 4 <= n && memcmp(q, frame_magic, 4) == 0)
			return i;
	}
	return n;
}

int hf_peek(const uint8_t *payload, size_t len, struct hf_info *i)
{
	struct hf_rd r = {payload, payload + len, false};
	memset(i, 0, sizeof *i);
	uint8_t k = hf_get_u8(&r);
	i->kind = k == HF_DELTA ? HF_DELTA : HF_KEYFRAME;
	i->seq = hf_get_uv(&r);
	if (k == HF_DELTA)
		i->base = hf_get_uv(&r);
	i->real_sec = hf_unzz(hf_get_uv(&r));
	i->mono_ns = hf_get_uv(&r);
	if (r.bad || (k != HF_DELTA && k != HF_KEYFRAME))
		return -EBADMSG;
	return 0;
}

/* ---- copying ------------------------------------------------------------- */

void hf_snapshot_copy(struct sw_snapshot *dst, const struct sw_snapshot *src)
{
	snapshot_clear(dst);
	dst->detail = false;
	dst->mono_ns = src->mono_ns;
	dst->real_sec = src->real_sec;
	dst->collect_ms = src->collect_ms;
	dst->protos_done = src->protos_done;
	dst->protos_missing = src->protos_missing;
	dst->notes = src->notes;
	dst->procs_unreadable = src->procs_unreadable;
	memcpy(dst->netns, src->netns, sizeof dst->netns);
	memcpy(dst->hostname, src->hostname, sizeof dst->hostname);
	dst->have_kstat = src->have_kstat;
	if (src->have_kstat)
		dst->kstat = src->kstat;
	dst->pool = xgrow(dst->pool, &dst->poolcap, src->poollen, 1);
	memcpy(dst->pool, src->pool, src->poollen);
	dst->poollen = src->poollen;
	memcpy(dst->intern, src->intern, sizeof dst->intern);
	dst->nintern = src->nintern;
#define COPY(arr, n, cap)                                                          \
	do {                                                                       \
		dst->arr = xgrow(dst->arr, &dst->cap, src->n + 1, sizeof *dst->arr); \
		if (src->n)                                                        \
			memcpy(dst->arr, src->arr, src->n * sizeof *dst->arr);     \
		dst->n = src->n;                                                   \
	} while (0)
	COPY(conns, nconns, capconns);
	COPY(tcpx, ntcpx, captcpx);
	COPY(procs, nprocs, capprocs);
	COPY(owners, nowners, capowners);
	COPY(ifnames, nifnames, capifnames);
#undef COPY
	for (size_t i = 0; i < dst->nconns; i++)
		snapshot_rehome(dst, &dst->conns[i]);
}

/* ---- times --------------------------------------------------------------- */

/* "-2h", "-90m", "-30s", "-1d" */
static int parse_relative(const char *s, int64_t now, int64_t *out)
{
	char *end;
	long long v = strtoll(s + 1, &end, 10);
	if (end == s + 1 || v < 0 || v > 100000000LL)
		return -EINVAL;
	long long mul = !strcmp(end, "s") || !*end ? 1 : !strcmp(end, "m") ? 60
		      : !strcmp(end, "h") ? 3600 : !strcmp(end, "d") ? 86400 : 0;
	if (!mul)
		return -EINVAL;
	*out = now - v * mul;
	return 0;
}

/* The whole of s read as "HH:MM[:SS]" into tm's hour, minute, second. */
static bool parse_clock(const char *s, struct tm *tm)
{
	int h, m, sec = 0, n = 0;
	if (sscanf(s, "%2d:%2d%n", &h, &m, &n) != 2)
		return false;
	if (s[n] == ':') {
		int n2 = 0;
		if (sscanf(s + n + 1, "%2d%n", &sec, &n2) != 1)
			return false;
		n += 1 + n2;
	}
	if (s[n] || h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 60)
		return false;
	tm->tm_hour = h;
	tm->tm_min = m;
	tm->tm_sec = sec;
	return true;
}

int hf_parse_time(const char *s, int64_t now, int64_t *out)
{
	while (s && isspace((unsigned char)*s))
		s++;
	if (!s || !*s)
		return -EINVAL;
	if (s[0] == '-')
		return parse_relative(s, now, out);
	if (s[0] == '@') {
		char *end;
		long long v = strtoll(s + 1, &end, 10);
		if (end == s + 1 || *end || v < 0)
			return -EINVAL;
		*out = v;
		return 0;
	}
	time_t t = (time_t)now;
	struct tm tm;
	if (!localtime_r(&t, &tm))
		return -EINVAL;
	int y, mo, d, n = 0;
	bool dated = sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10;
	if (dated) {
		if (s[n] != ' ' && s[n] != 'T')
			return -EINVAL;
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d;
		s += n + 1;
		if (mo < 1 || mo > 12 || d < 1 || d > 31)
			return -EINVAL;
	}
	if (!parse_clock(s, &tm))
		return -EINVAL;
	tm.tm_isdst = -1;
	time_t r = mktime(&tm);
	if (r == (time_t)-1)
		return -EINVAL;
	if (!dated && (int64_t)r > now) { /* "03:00" at 08:00 means this morning; */
		tm.tm_mday -= 1;          /* at 02:00, yesterday's */
		tm.tm_isdst = -1;
		r = mktime(&tm);
	}
	*out = (int64_t)r;
	return 0;
}
