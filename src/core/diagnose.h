/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diagnose.h - diagnoses (TIME_WAIT port exhaustion, SYN floods, full
 * accept queues, CLOSE_WAIT leaks, ...): what is wrong, who owns it, the fix.
 *
 * From one snapshot (sockets, owners, sysctls, counters) plus what a
 * struct diag_state remembers from the previous refresh (counter values,
 * per-cookie retransmit counts, CLOSE_WAIT counts per process), produce a
 * list of diagnoses:
 *
 *   ephemeral_ports   sockets per (local addr, remote addr:port) on ports
 *                     inside ip_local_port_range (TIME_WAIT included)
 *   timewait_buckets  TIME_WAIT total vs tcp_max_tw_buckets,
 *                     TCPTimeWaitOverflow
 *   syn_flood         SYN_RECV count and rate, top sources, SyncookiesSent,
 *                     ListenDrops
 *   accept_queue      LISTEN accept queue (rq) near its backlog (wq),
 *                     ListenOverflows
 *   close_wait_leak   a process accumulating CLOSE_WAIT sockets
 *   retrans_hotspot   remotes with rising total_retrans
 *
 * Every id appears at least once in the list: with severity OK and a
 * one-line summary when nothing is wrong, or once per finding (worst
 * first, at most thresholds.top per id).  Pure C, libc only.
 *
 * Typical use (UI loop, batch -n, --check):
 *
 *	struct diag_state ds; struct diag_list dl; struct diag_thresholds t;
 *	diag_thresholds_default(&t);  (then rcfile_load(), diag_threshold_assign())
 *	diag_state_init(&ds); diag_list_init(&dl);
 *	each refresh: diagnose_run(&ds, &t, snap, &dl);   -> dl.d[0..n-1]
 *	diag_list_done(&dl); diag_state_done(&ds);
 */
#ifndef SW_DIAGNOSE_H
#define SW_DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

struct sw_churn;

enum diag_sev { DIAG_OK = 0, DIAG_WARN = 1, DIAG_ALARM = 2 };

enum diag_id {
	DIAG_EPHEMERAL,
	DIAG_TIMEWAIT,
	DIAG_SYNFLOOD,
	DIAG_ACCEPTQ,
	DIAG_CLOSEWAIT,
	DIAG_RETRANS,
	DIAG_ID_COUNT
};

/* "ok", "warn", "alarm" (stable, untranslated: JSON, Prometheus) */
const char *diag_sev_name(enum diag_sev s);
/* Translated for display: "OK", "WARNING", "ALARM". */
const char *diag_sev_label(enum diag_sev s);
/* Stable ids: "ephemeral_ports", "timewait_buckets", "syn_flood",
 * "accept_queue", "close_wait_leak", "retrans_hotspot". */
const char *diag_id_name(enum diag_id id);
/* -1 if unknown */
int diag_id_from_name(const char *name);

/* ---- thresholds -------------------------------------------------------- */

struct diag_thresholds {
	double ephemeral_warn;   /* % of the port range used toward one destination (50) */
	double ephemeral_alarm;  /* (80) */
	double timewait_warn;    /* % of tcp_max_tw_buckets (50) */
	double timewait_alarm;   /* (80) */
	double synrecv_warn;     /* SYN_RECV sockets in the namespace (64) */
	double synrecv_alarm;    /* (512) */
	double synq_warn;        /* % of a listener's SYN queue limit half-open (50) */
	double synq_alarm;       /* (100: full, SYNs get cookies or are dropped) */
	double accept_warn;      /* % of a listener's backlog queued (80) */
	double accept_alarm;     /* (100: full) */
	double closewait_warn;   /* CLOSE_WAIT sockets held by one process (10) */
	double closewait_alarm;  /* (100) */
	double closewait_growth; /* refreshes in a row with a growing count -> warn (3) */
	double retrans_warn;     /* retransmitted segments/s toward one remote (5) */
	double retrans_alarm;    /* (50) */
	double top;              /* findings listed per diagnosis and top-N lists (5) */
};

void diag_thresholds_default(struct diag_thresholds *t);
/* Set one by name ("ephemeral_warn", ...).  0, or -ENOENT (unknown name)
 * / -EINVAL (bad or out-of-range value) with a translated message in err.
 * A warn value above its alarm value is accepted (alarm wins). */
int diag_threshold_set(struct diag_thresholds *t, const char *name,
		       const char *value, char *err, size_t errlen);
/* "NAME=VALUE" (as given to --threshold). */
int diag_threshold_assign(struct diag_thresholds *t, const char *assignment,
			  char *err, size_t errlen);
/* The table, for config files, help and docs. */
size_t diag_threshold_count(void);
const char *diag_threshold_name(size_t i);
const char *diag_threshold_help(size_t i); /* translated */
double diag_threshold_get(const struct diag_thresholds *t, size_t i);

/* ---- results --------------------------------------------------------------- */

#define DIAG_MAX_DETAIL 8
#define DIAG_LINE 224

struct diag {
	enum diag_id id;
	enum diag_sev sev;
	/* what it is about, stable across refreshes (for labels and UI
	 * selection): "127.0.0.1>127.0.0.1:9000", "tcp 0.0.0.0:8080",
	 * "pid 1234", "10.0.0.7", "kernel"; "" for the OK summary */
	char subject[96];
	char title[DIAG_LINE];                    /* translated one-liner */
	size_t ndetail;
	char detail[DIAG_MAX_DETAIL][DIAG_LINE];  /* the numbers */
	char fix[1024];                           /* translated; lines split by '\n' */
	double value;                             /* the measured number ... */
	double limit;                             /* ... and what it is measured against (0: none) */
	int32_t pid;                              /* owning process, -1 none/unknown */
	char comm[16];
	uint16_t port;                            /* destination / listener port, 0 none */
};

struct diag_list {
	struct diag *d;
	size_t n, cap;
	enum diag_sev worst;
	double dt;        /* seconds since the previous refresh, 0 on the first */
	bool have_rates;  /* counter deltas and rates were computed */
};

void diag_list_init(struct diag_list *l);
void diag_list_done(struct diag_list *l);
/* Count of entries with severity >= sev. */
size_t diag_list_count(const struct diag_list *l, enum diag_sev sev);

/* ---- kernel rules (pure) ------------------------------------------------------ */

/* How fast one destination can take new connections from one source
 * address when every connection is closed by this side (its port then sits
 * in TIME_WAIT for 60 s; tcp_fin_timeout does not change that).  The
 * kernel (tcp_twsk_unique) lets connect() take over a TIME_WAIT port when
 * tcp_tw_reuse is 1, or 2 (the default since 4.19) and the connection's
 * source or destination address is loopback; and only when TCP timestamps
 * were used (tcp_timestamps on) and the entry's last timestamp is older
 * than tcp_tw_reuse_delay (1000 ms; 1 s before that sysctl existed).
 * Unknown values (-1) are taken as the kernel defaults. */
struct diag_twrule {
	bool reuse;      /* TIME_WAIT ports toward it are reused */
	double hold_s;   /* how long a closed connection's port stays taken */
	double rate;     /* about this many new connections/s: range / hold_s */
	int want_reuse;  /* tcp_tw_reuse value that would allow reuse; -1: it does */
	bool want_ts;    /* reuse needs tcp_timestamps turned on */
};
void diag_tw_rule(int tw_reuse, int timestamps, bool loopback, long range,
		  int reuse_delay_ms, struct diag_twrule *r);

/* The most half-open (SYN_RECV) requests a listener holds: the kernel
 * calls its request queue full above sk_max_ack_backlog, i.e. the LISTEN
 * socket's Send-Q (the listen() backlog already capped by somaxconn): wq+1
 * entries.  Beyond that a SYN gets a cookie (tcp_syncookies 1) or is
 * dropped (0).  With tcp_syncookies=0, SYNs from peers not proven alive
 * are also dropped once fewer than a quarter of tcp_max_syn_backlog
 * entries are left.  -1 if wq is unknown (< 0). */
long diag_synq_limit(long wq, int syncookies, int max_syn_backlog);

/* "since boot" for the initial network namespace's counters, "since the
 * network namespace was created" for another one's (/proc/net counters are
 * per namespace), both when unknown.  Translated. */
const char *diag_counters_since(const struct sw_kstat *k);

/* ---- state kept across refreshes -------------------------------------------- */

enum {
	DIAG_CTR_LISTEN_OVERFLOWS,
	DIAG_CTR_LISTEN_DROPS,
	DIAG_CTR_TW_OVERFLOW,
	DIAG_CTR_SYNCOOKIES_SENT,
	DIAG_CTR_SYNCOOKIES_RECV,
	DIAG_CTR_SYNCOOKIES_FAILED,
	DIAG_CTR_REQQ_FULL_DROP,
	DIAG_CTR_REQQ_FULL_COOKIES,
	DIAG_CTR_RETRANS_SEGS,
	DIAG_CTR_OUT_SEGS,
	DIAG_CTR_COUNT
};

struct diag_ck;   /* per-cookie retransmit memory (private) */
struct diag_cw;   /* per-process CLOSE_WAIT memory (private) */
struct diag_kc;   /* scratch hash for counting (private) */
struct diag_ow;   /* per-destination client memory (private) */

struct diag_state {
	unsigned runs;
	uint64_t prev_mono_ns;
	uint64_t prev_ctr[DIAG_CTR_COUNT];
	bool prev_ctr_ok[DIAG_CTR_COUNT];
	/* previous TCP sockets by cookie: total_retrans, segs_out (only those
	 * with tcp_info, and SYN_RECV); ck_used: one bit per slot */
	struct diag_ck *ck, *ck_next;
	size_t ck_cap, ck_next_cap, ck_n;
	uint64_t *ck_used, *ck_next_used;
	/* previous CLOSE_WAIT count per process, sorted by pid */
	struct diag_cw *cw, *cw_next;
	size_t cw_n, cw_cap, cw_next_cap;
	/* scratch, reused across refreshes */
	struct diag_kc *kc;
	size_t kc_cap, kc_n; /* grows with the keys it holds */
	uint32_t *idx;
	size_t idx_cap;
	/* last known client per destination ip:port, DIAG_OW_SLOTS slots */
	struct diag_ow *ow;
	size_t ow_n;
	/* scratch: one bit per local port with a TCP listener */
	uint64_t *lports;
	/* connections closed between samples (churn.h), or NULL */
	const struct sw_churn *churn;
	/* set by diag_ephemeral_top: the destinations after the max returned
	 * and their sockets summed (Prometheus folds them into one series) */
	size_t eph_rest_n;
	uint64_t eph_rest_used;
};

void diag_state_init(struct diag_state *st);
/* Measured churn for the diagnoses (NULL: none): the ephemeral-port and
 * server-side TIME_WAIT findings then give real connection rates,
 * lifetimes and owners.  c must stay valid across diagnose_run calls. */
void diag_set_churn(struct diag_state *st, const struct sw_churn *c);
void diag_state_done(struct diag_state *st);

/* Diagnose snap (which should hold all TCP sockets of the namespace and
 * its kstat) and remember what the next call needs.  l is cleared and
 * refilled.  Returns the worst severity. */
enum diag_sev diagnose_run(struct diag_state *st, const struct diag_thresholds *t,
			   const struct sw_snapshot *snap, struct diag_list *l);

/* -N all: each namespace diagnosed on its own sockets and kstat, with its
 * own memory (diagns.c); titles and subjects begin with its label.  A
 * snapshot of one namespace goes to diagnose_run(own, ...). */
struct diag_ns {
	struct diag_state *st; /* per namespace, by inode */
	uint64_t *ino;
	bool *seen;
	size_t n, cap;
	struct sw_snapshot sub; /* one namespace's sockets, scratch */
	struct diag_list tmp;
	uint32_t *pmap;
	size_t cappmap;
};
void diag_ns_init(struct diag_ns *d);
void diag_ns_done(struct diag_ns *d);
enum diag_sev diagnose_run_ns(struct diag_ns *d, struct diag_state *own,
			      const struct diag_thresholds *t, const struct sw_snapshot *s,
			      struct diag_list *l);

/* Destinations by ephemeral ports in use (for Prometheus and panels). */
struct diag_eph {
	uint8_t family;    /* AF_INET (v4-mapped folded) or AF_INET6 */
	uint8_t src[16];   /* local address */
	uint8_t dst[16];   /* remote address */
	uint16_t dport;
	uint32_t used;     /* sockets on a port inside ip_local_port_range */
	uint32_t timewait; /* ... of which in TIME_WAIT */
};
/* The max busiest destinations into out (most used first); returns how
 * many.  *range gets the usable size of ip_local_port_range (reserved
 * ports excluded), 0 if unknown (then nothing is counted).  st is used as
 * scratch space only; st->eph_rest_n / eph_rest_used describe the
 * destinations left out. */
size_t diag_ephemeral_top(struct diag_state *st, const struct sw_snapshot *s,
			  struct diag_eph *out, size_t max, long *range);


#endif
