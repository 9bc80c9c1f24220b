/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diagnose_priv.h - shared by diagnose.c (names, thresholds, list, state,
 * scratch hash, record helpers, per-cookie memory, diagnose_run),
 * diagports.c (ephemeral ports, TIME_WAIT) and diagcheck.c (the other four
 * diagnoses).  Private to those files. */
#ifndef SW_DIAGNOSE_PRIV_H
#define SW_DIAGNOSE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "diagnose.h"

/* ---- state ------------------------------------------------------------------- */

/* 16 bytes; whether a slot is used is a bit in st->ck_used */
struct diag_ck {
	uint64_t cookie;
	uint32_t retrans;
	uint32_t segs;
};

struct diag_cw {
	int32_t pid;
	uint64_t start; /* starttime, or the local port for unknown owners */
	uint32_t count;
	uint32_t streak;
};

struct diag_kc {
	uint8_t used;
	uint8_t fam;
	uint16_t port;
	int32_t pid;
	uint64_t start;
	uint8_t a[16];
	uint8_t b[16];
	uint32_t count;
	uint32_t n2;      /* a second count (TIME_WAIT share ...) */
	uint32_t ex;      /* example conn index */
	uint32_t owner;   /* index of a conn with an owner, SW_NONE */
	double sum, sum2; /* deltas */
	double best;      /* largest single delta (for ex) */
};

/* A destination's last known client (diagports.c): TIME_WAIT sockets have
 * no owner, so the process that opened connections toward ip:port is
 * remembered from the refreshes where one of its sockets was alive. */
#define DIAG_OW_SLOTS 1024                    /* at most 3/4 used */
#define DIAG_OW_TTL_NS (60ull * 1000000000ull) /* the TIME_WAIT length */
struct diag_ow {
	uint8_t used;
	uint8_t fam;
	uint16_t port;
	int32_t pid;
	uint8_t dst[16];
	char comm[16];
	uint64_t seen_ns; /* snapshot mono_ns of the last refresh it was seen */
};

/* What one diagnose_run hands to each diagnosis. */
struct diag_ctx {
	struct diag_state *st;
	const struct diag_thresholds *t;
	const struct sw_snapshot *s;
	struct diag_list *l;
	double dt;                     /* 0: no previous sample */
	uint64_t ctr[DIAG_CTR_COUNT];
	bool ctr_ok[DIAG_CTR_COUNT];
	size_t top;
	uint32_t synrecv_new;          /* SYN_RECV cookies not seen last time */
	bool have_synrecv_new;
	/* counted once by diagnose_run, so that each diagnosis walks the
	 * records only when it has something to look for */
	uint32_t n_timewait, n_synrecv, n_closewait;
	size_t n_listen;               /* TCP and UNIX listeners */
	size_t n_ck;                   /* sockets the cookie memory keeps */
};

/* ---- list ---------------------------------------------------------------------- */

/* A new entry (zeroed, pid -1); raises l->worst. */
struct diag *diag_add(struct diag_list *l, enum diag_id id, enum diag_sev sev);
/* Stable order by id (the order within an id is kept). */
void diag_sort_by_id(struct diag_list *l);
/* One more detail line (ignored beyond DIAG_MAX_DETAIL). */
__attribute__((format(printf, 2, 3)))
void diag_detail(struct diag *d, const char *fmt, ...);
__attribute__((format(printf, 3, 4)))
void diag_setf(char *buf, size_t len, const char *fmt, ...);
/* "%d" of a sysctl value into buf, or "?" when unknown (< 0). */
const char *diag_kval(int v, char *buf, size_t len);
/* Counter i's delta since the previous refresh; false if unknown. */
bool diag_ctr_delta(const struct diag_ctx *x, unsigned i, uint64_t *d);

/* ---- scratch hash for counting (st->kc) ---------------------------------------- */

/* Empty it.  expect is a hint (an upper bound on the keys): the table
 * starts small and grows with the keys actually inserted. */
void diag_kc_reset(struct diag_state *st, size_t expect);
/* The entry for this key, inserted (with example conn ci) if new. */
struct diag_kc *diag_kc_get(struct diag_state *st, uint8_t fam, uint16_t port,
			    int32_t pid, uint64_t start, const uint8_t a[16],
			    const uint8_t b[16], uint32_t ci);
/* Indices of used entries into st->idx, sorted by count (by_sum 0) or by
 * sum (1), descending; returns how many. */
size_t diag_kc_sorted(struct diag_state *st, int by_sum);
/* The same for the entries whose key is at least min_key (all when it is
 * negative), and never fewer than those with the largest key: the head of
 * diag_kc_sorted's order without sorting the tail (tens of thousands of
 * destinations nowhere near a threshold). */
size_t diag_kc_top(struct diag_state *st, int by_sum, double min_key);

/* ---- helpers on records ---------------------------------------------------------- */

static inline bool diag_is_tcp(const struct sw_conn *c)
{
	return c->proto == SW_PROTO_TCP && (c->family == AF_INET || c->family == AF_INET6);
}

static inline bool diag_is_synrecv(const struct sw_conn *c)
{
	return c->state == SW_ST_SYN_RECV || c->state == SW_ST_NEW_SYN_RECV;
}

static inline double diag_pct(double a, double b)
{
	return b > 0 ? a * 100.0 / b : (a > 0 ? 100.0 : 0.0);
}

static inline enum diag_sev diag_sev_of(double v, double warn, double alarm)
{
	if (v >= alarm)
		return DIAG_ALARM;
	if (v >= warn)
		return DIAG_WARN;
	return DIAG_OK;
}

uint8_t diag_norm_addr(uint8_t family, const uint8_t in[16], uint8_t out[16]);
char *diag_ep_str(uint8_t fam, const uint8_t a[16], uint16_t port, char *buf, size_t len);
char *diag_addr_str(uint8_t fam, const uint8_t a[16], char *buf, size_t len);
const char *diag_proc_label(const struct sw_snapshot *s, const struct sw_conn *c,
			    char *buf, size_t len);
void diag_set_owner(struct diag *d, const struct sw_snapshot *s, const struct sw_conn *c);
const struct sw_conn *diag_find_listener(const struct sw_snapshot *s, uint8_t fam,
					 const uint8_t a[16], uint16_t port);
void diag_listener_name(const struct sw_snapshot *s, const struct sw_conn *c,
			char *buf, size_t len);

/* ---- the diagnoses (diagcheck.c), in the order diagnose_run calls them ---------- */

void diag_check_retrans(struct diag_ctx *x); /* uses kc as filled by the cookie scan */
void diag_check_ephemeral(struct diag_ctx *x);
void diag_check_timewait(struct diag_ctx *x);
void diag_check_synflood(struct diag_ctx *x);
void diag_check_acceptq(struct diag_ctx *x);
void diag_check_closewait(struct diag_ctx *x);

#endif
