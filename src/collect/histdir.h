/* SPDX-License-Identifier: GPL-2.0-or-later */
/* histdir.h - history directories of `sockwatch --record-dir DIR`: segment
 * files in the format of core/histfile.h, their keyframe indexes, size
 * and age caps, and reading them back by time (--replay FILE|DIR).
 *
 * Files: DIR/sw-YYYYMMDD-HHMMSS.swh, one segment per --segment period
 * (default an hour; the name is its UTC start), and beside each an index
 * sw-...swi of 16-byte entries (i64 Unix time, u64 offset) of its
 * keyframes.  An index is a hint: a reader checks each entry against the
 * segment and rebuilds a missing or damaged one by walking the frames.
 *
 * Crash safety: each sample is one write() of a whole frame (O_APPEND); a
 * crash leaves at worst a torn last frame, which readers skip (its length
 * or CRC disagrees).  The segment is fdatasync()ed after every keyframe,
 * at least every 60 s, and when it is closed; after that the index entry
 * is written.  A power cut loses at most the samples since the last sync.
 */
#ifndef SW_HISTDIR_H
#define SW_HISTDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/snapshot.h"

struct histw_opts {
	uint32_t interval_ms;  /* written in segment headers */
	unsigned keyframe;     /* a full snapshot every so many samples */
	uint32_t segment_s;    /* segment length in seconds (default 3600) */
	uint64_t max_size;     /* bytes of all segments and indexes, 0: no cap */
	int64_t max_age;       /* seconds, 0: no cap */
	uint32_t slack_ms;     /* see histfile.h */
	bool keeps;            /* the caller keeps each appended snapshot unchanged
				  until the next append (no copy is made) */
};

struct histw;
/* Create DIR if needed.  NULL with a message in err. */
struct histw *histw_open(const char *dir, const struct histw_opts *o, char *err, size_t errlen);
/* Append one sample (rotating segments and applying the caps); 0 or -errno
 * with a message in err.  *bytes: the frame's size. */
int histw_append(struct histw *w, const struct sw_snapshot *s, size_t *bytes, char *err,
		 size_t errlen);
/* The next append carries these close events (hf_enc_set_events). */
void histw_set_events(struct histw *w, const struct sw_snapshot *ev, uint64_t dropped_total);
/* Sync and close; NULL is fine. */
void histw_close(struct histw *w);
/* Segments removed by the caps so far. */
unsigned histw_removed(const struct histw *w);

/* ---- reading ---- */
struct histr;
/* A segment file or a directory of them.  NULL with a message in err.
 * Damaged parts met later are reported once each to warn (may be NULL). */
struct histr *histr_open(const char *path, FILE *warn, char *err, size_t errlen);
void histr_free(struct histr *r);
/* First and last sample times of the recording (Unix seconds); the
 * position stays. */
void histr_span(struct histr *r, int64_t *first, int64_t *last);
/* The last damage met since the previous call (also written to warn), or
 * NULL: for a status line. */
const char *histr_warning(struct histr *r);
/* Position on the last sample at or before t (the first sample when t is
 * before it).  0, or -ENODATA (no sample at all). */
int histr_seek(struct histr *r, int64_t t);
/* Move one sample forward / back.  0, or -ENODATA at the end / start
 * (the position stays). */
int histr_next(struct histr *r);
int histr_prev(struct histr *r);
/* The close events recorded with the sample at the position, or (next)
 * the one after it (what histr_next would make current), without moving:
 * 1 (ev filled, see hf_events_decode), 0 none (no such sample, or recorded
 * without events), -EBADMSG. */
int histr_peek_events(struct histr *r, bool next, struct sw_snapshot *ev,
		      uint64_t *dropped_total);
/* The close events recorded with the samples from time t0 (Unix seconds)
 * up to the position, not including it, oldest first: fn for each sample
 * that has some (ev's mono_ns and real_sec are that sample's).  Within the
 * position's segment; the position stays.  The number of samples given. */
typedef void (*histr_events_fn)(const struct sw_snapshot *ev, void *arg);
int histr_events_since(struct histr *r, int64_t t0, histr_events_fn fn, void *arg);
/* The sample at the position (NULL before a seek). */
const struct sw_snapshot *histr_current(const struct histr *r);

#endif
