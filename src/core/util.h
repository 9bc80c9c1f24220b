/* SPDX-License-Identifier: GPL-2.0-or-later */
/* util.h - allocation that aborts with a message, time, small helpers. */
#ifndef SW_UTIL_H
#define SW_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* xmalloc; from 1 MB up the block is 2 MB-aligned and on transparent huge
 * pages (see util.c).  Freed with free(), grown with xrealloc/xgrow like
 * any other block. */
void *xmalloc_big(size_t n);
/* A process that fills its arrays once (a single listing): xmalloc_big
 * (and xgrow's first block) treats blocks from 256 KB as big, and rounds
 * those below 8 MB up to whole huge pages. */
void xalloc_set_oneshot(bool oneshot);
/* Grow *p (array of elem-size items, capacity *cap) to hold at least need.
 * Inline when there is room: appends call it once per socket. */
void *xgrow_slow(void *p, size_t *cap, size_t need, size_t elem);
static inline void *xgrow(void *p, size_t *cap, size_t need, size_t elem)
{
	return need <= *cap ? p : xgrow_slow(p, cap, need, elem);
}
char *xstrdup(const char *s);

uint64_t sw_mono_ns(void);
/* A debug setting in milliseconds from the environment (an integer up to
 * an hour); 0 when unset or anything else. */
unsigned sw_env_ms(const char *name);
/* Sleep ms milliseconds, signals or not. */
void sw_sleep_ms(unsigned ms);
/* Repeat pacing for -d SEC: advance *next by step_ns (never into the past,
 * so a slow sample does not cause a burst) and sleep until then.  false
 * if *stop became non-zero (a signal asked to stop) while waiting;
 * stop points to the caller's sig_atomic_t flag (an int in glibc). */
bool sw_pace(uint64_t *next, uint64_t step_ns, const volatile int *stop);
/* strlcpy semantics: always terminates, returns strlen(src). */
size_t sw_strlcpy(char *dst, const char *src, size_t size);
/* snprintf that returns the length it left in buf (size >= 1): what it
 * would have written, cut to size - 1; 0 (and "") on an output error. */
size_t sw_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* True when s is NULL or only blanks (an empty filter expression). */
bool sw_blank(const char *s);
/* Exchange two lvalues of the same type. */
#define SW_SWAP(a, b)                     \
	do {                              \
		__typeof__(a) sw_t_ = (a); \
		(a) = (b);                \
		(b) = sw_t_;              \
	} while (0)

/* 64-bit mix hash (splitmix64 finaliser). */
/* A percentage to print with "%.0f%%" (decimals: 0) or "%.1f%%" (1):
 * rounded down, so "997 of 1000" reads 99%, never 100% unless all. */
static inline double sw_pct_shown(double part, double whole, int decimals)
{
	double scale = decimals > 0 ? 10.0 : 1.0;
	double p = whole > 0 ? part * 100.0 * scale / whole : (part > 0 ? 100.0 * scale : 0);
	return p > 0 ? (double)(unsigned long long)p / scale : 0;
}

static inline uint64_t sw_hash64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}
/* Human sizes: 1.2K 34M ... (1024-based) into buf. */
char *sw_fmt_bytes(double v, char *buf, size_t len);
/* Rates: 1.2KB/s ... */
char *sw_fmt_rate(double bps, char *buf, size_t len);
/* v is a finite whole number that fits a long long (checked before any
 * conversion: casting 1.8e19 or NaN to an integer is undefined). */
bool sw_dbl_is_ll(double v);
/* Durations from ms: 850ms 12.3s 4m05s 2h03m 3d04h */
char *sw_fmt_ms(uint64_t ms, char *buf, size_t len);
/* A decimal or 0x-hex number <= max, nothing else in w; false if bad. */
bool sw_parse_u64(const char *w, uint64_t max, uint64_t *out);
/* Non-empty and only decimal digits. */
bool sw_all_digits(const char *w);
/* Parse a non-negative decimal seconds value ("0.5", "2"); false if bad. */
bool sw_parse_seconds(const char *s, double *out);
/* Display width of len bytes of UTF-8 text in the current locale: ASCII
 * fast path, else wcwidth() per character (CJK: 2 columns); a byte the
 * locale cannot decode (a non-UTF-8 locale) counts 1. */
int sw_text_width(const char *s, size_t len);

/* "ADDR:PORT" with a numeric address: "127.0.0.1:9910", "[::1]:9910",
 * "0.0.0.0:9910", "[::]:9910"; PORT 1-65535.  Fills *ss (AF_INET or
 * AF_INET6) and *len.  false on anything else (names are not resolved). */
struct sockaddr_storage;
bool sw_parse_hostport(const char *s, struct sockaddr_storage *ss, unsigned *len);
/* A snapshot's wall-clock time (Unix seconds) into buf: ISO 8601 in UTC
 * ("2023-11-14T22:13:20Z") or the local "%H:%M:%S".  false (buf "") when
 * sec is out of range: before 1970 or after 9999-12-31, as a corrupt or
 * crafted recording may say. */
bool sw_fmt_clock(int64_t sec, bool iso_utc, char *buf, size_t len);
/* Text from the user (a filter, a config line) made safe to echo in a
 * message: printable UTF-8 kept, \n \t \r shown as two characters, other
 * control characters, DEL, C1 controls and bytes that are not UTF-8 as
 * \xNN.  At most n bytes of s (up to its NUL) into out, always terminated,
 * cut at a character boundary when out is full.  Returns out. */
char *sw_escape(const char *s, size_t n, char *out, size_t len);
/* The two lines under a usage error: "  TEXT" (escaped as sw_escape, and
 * for a long TEXT a window of about 120 columns with "..." at cut ends)
 * and a caret under byte pos. */
void sw_show_caret(FILE *fp, const char *text, int pos);
/* "Did you mean": the candidate closest to w (edit distance with adjacent
 * transpositions, case-insensitive, '-' and '_' ignored) if it is close
 * enough to be a likely typo, else NULL. */
const char *sw_closest(const char *w, const char *const *cands, size_t n);
/* User name for uid, cached; numeric string if unknown. */
const char *sw_user_name(uint32_t uid);

#endif
