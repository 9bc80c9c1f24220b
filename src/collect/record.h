/* SPDX-License-Identifier: GPL-2.0-or-later */
/* record.h - recordings of raw sock_diag replies and kstat texts
 * (--record FILE / --replay FILE).  The format is described in record.c. */
#ifndef SW_RECORD_H
#define SW_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum rec_type {
	REC_SAMPLE_BEGIN = 1,
	REC_DUMP = 2,
	REC_CHUNK = 3,
	REC_KSTAT = 4,
	REC_SAMPLE_END = 5,
	REC_PROCNET = 6, /* a /proc/net socket table text (same layout as KSTAT) */
};

/* REC_SAMPLE_BEGIN payload */
struct rec_sample {
	int64_t real_sec;
	uint64_t mono_ns;
	char hostname[64];
	char netns[64];
};

/* REC_DUMP payload: one dump request */
struct rec_dump {
	uint8_t family;         /* AF_INET, AF_INET6, AF_UNIX */
	uint8_t sdiag_protocol; /* as sent (IPPROTO_*; 0 for unix) */
	uint8_t sw_proto;       /* enum sw_proto */
	uint8_t pad;
	uint32_t protocol;      /* full protocol number (MPTCP: 262) */
	uint32_t states;        /* idiag_states / udiag_states */
	uint32_t ext;           /* idiag_ext / udiag_show */
	uint32_t seq;           /* nlmsg_seq of the request */
	uint32_t portid;        /* our netlink port id */
};

/* REC_SAMPLE_END payload */
struct rec_sample_end {
	uint64_t collect_us;
};

/* ---- writing ---- */
struct record_writer;

struct record_writer *record_create(const char *path, char *err, size_t errlen);
/* Flush and close; 0 or -errno of the first failed write. */
int record_close(struct record_writer *w);
void record_sample_begin(struct record_writer *w, const struct rec_sample *m);
void record_dump_begin(struct record_writer *w, const struct rec_dump *d);
void record_chunk(struct record_writer *w, const void *buf, size_t len);
/* Forget the current dump (it is being retried). */
void record_dump_abort(struct record_writer *w);
void record_kstat(struct record_writer *w, const char *name, const char *text,
		  size_t len);
/* A /proc/net socket table read as a fallback ("net/raw", "net/raw6"). */
void record_procnet(struct record_writer *w, const char *name, const char *text,
		    size_t len);
/* End the sample and flush; 0 or -errno of the first failed write. */
int record_sample_end(struct record_writer *w, uint64_t collect_us);

/* ---- reading ---- */
struct record_reader;

struct rec_item {
	enum rec_type type;
	const void *data; /* 8-byte aligned */
	size_t len;
	/* REC_KSTAT, REC_PROCNET: split into name and text */
	char name[64];
	const char *text;
	size_t textlen;
};

/* Load and validate the whole file.  NULL with a translated message in err
 * if unreadable, not a recording, another version, truncated or corrupt. */
struct record_reader *record_open(const char *path, char *err, size_t errlen);
/* Same, from memory (tests, fuzzing). */
struct record_reader *record_open_mem(const void *buf, size_t len, char *err,
				      size_t errlen);
void record_reader_free(struct record_reader *r);
size_t record_nsamples(const struct record_reader *r);
/* Position at sample i (0-based) and return its header. */
const struct rec_sample *record_seek_sample(struct record_reader *r, size_t i);
/* Next item of the current sample: true with *it filled, false at
 * REC_SAMPLE_END (end of the sample). */
bool record_next(struct record_reader *r, struct rec_item *it);

#endif
