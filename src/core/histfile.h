/* SPDX-License-Identifier: GPL-2.0-or-later */
/* histfile.h - the history format of `sockwatch --record-dir` (the time
 * machine): snapshots encoded on byte buffers, pure C.
 *
 * A segment file is a header then samples:
 *
 *   header (HF_HEADER_LEN bytes): magic "SWHIST\r\n", u16 version,
 *     u16 header length, u32 interval (ms), u32 keyframe period,
 *     i64 start (Unix seconds), char hostname[64], u32 CRC-32 of the bytes
 *     before it (all little-endian).
 *   sample frame: u32 magic "SWSF", u32 payload length, u32 CRC-32 of the
 *     payload, then the payload.  A frame is whole (length and CRC agree)
 *     or it is not a sample: a torn tail or corrupted bytes are skipped,
 *     reading resumes at the next frame magic whose CRC agrees.
 *   payload: u8 kind (1 keyframe, 2 delta), varint seq, (delta: varint seq
 *     of the sample it applies to), zigzag varint real_sec, varint mono_ns,
 *     then tagged sections: varint tag, varint length, bytes.  A reader
 *     skips tags it does not know, so later versions add sections
 *     without breaking older readers.
 *   HF_SEC_CHURN (when the recorder reads the kernel's close events): the
 *     sockets destroyed since the sample before, as the events gave them
 *     (what the churn model and the closed rows are made of on replay):
 *     varint events the kernel dropped (cumulative), varint count, then
 *     per record a zigzag varint cookie difference to the record before
 *     and a full row against the record before (in the order received).
 *
 * A keyframe holds every socket; a delta, against the sample before it,
 * the cookies removed, the sockets added, and for changed sockets a bit
 * mask of the fields that changed and each one's zigzag difference.  Full
 * rows (a keyframe's, a delta's added ones) are written the same way
 * against the row before them in cookie order, which is much like them.  Timer
 * expiry and the time since data was last sent/received are kept as points
 * in time, so an idle socket whose timer only counts down does not change;
 * with a slack (the recorder's 250 ms) moves smaller than it are not
 * recorded either.  What is recorded: the connection records with their
 * tcp_info extras, congestion names and UNIX names, the processes and
 * owners, the kernel settings and counters, the interface names and the
 * snapshot's notes.  Not recorded: the detail records (JSON's full
 * tcp_info, skmem, cgroup, mark); diagnoses are recomputed on replay.
 */
#ifndef SW_HISTFILE_H
#define SW_HISTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

#define HF_MAGIC "SWHIST\r\n"
#define HF_MAGIC_LEN 8
#define HF_VERSION 2
#define HF_HEADER_LEN 100
#define HF_FRAME_HDR 12
#define HF_FRAME_MAX (256u << 20) /* a frame longer than this is corrupt */

enum hf_kind { HF_KEYFRAME = 1, HF_DELTA = 2 };

enum hf_section {
	HF_SEC_META = 1,    /* notes, protocols, hostname, netns, collect time */
	HF_SEC_CONNS = 2,   /* keyframe: every socket */
	HF_SEC_DELTA = 3,   /* delta: removed, added, changed */
	HF_SEC_PROCS = 4,   /* the process table (a delta has it when it changed) */
	HF_SEC_KSTAT = 5,   /* every setting and counter */
	HF_SEC_KSTATD = 6,  /* changed settings, counter differences */
	HF_SEC_IFNAMES = 7, /* interface names (when changed) */
	HF_SEC_CHURN = 8,   /* close events since the sample before */
};

struct hf_header {
	uint16_t version;
	uint32_t interval_ms;
	uint32_t keyframe;
	int64_t start_sec;
	char hostname[64];
};

/* A growable byte buffer. */
struct hf_buf {
	uint8_t *p;
	size_t len, cap;
};
void hf_buf_done(struct hf_buf *b);

uint32_t hf_crc32(uint32_t crc, const void *p, size_t n);

/* Fill out[HF_HEADER_LEN]. */
void hf_header_encode(const struct hf_header *h, uint8_t out[HF_HEADER_LEN]);
/* 0; -EINVAL not a history file (no magic); -EPROTONOSUPPORT another
 * version; -EBADMSG damaged; -ENODATA shorter than a header. */
int hf_header_decode(const void *p, size_t n, struct hf_header *h);
/* Whether p starts like a history file (the magic). */
bool hf_is_history(const void *p, size_t n);

/* The frame at p (n bytes available): 1 whole and intact (*plen: its
 * payload length), 0 cut short (a torn tail), -1 not a frame or damaged. */
int hf_frame_check(const uint8_t *p, size_t n, size_t *plen);
/* Offset of the next frame magic after p[0] (n when none). */
size_t hf_frame_resync(const uint8_t *p, size_t n);

struct hf_info {
	enum hf_kind kind;
	uint64_t seq, base; /* base: the sample a delta applies to */
	int64_t real_sec;
	uint64_t mono_ns;
};
/* The fixed start of a payload: 0 or -EBADMSG. */
int hf_peek(const uint8_t *payload, size_t len, struct hf_info *i);

/* ---- encoding ---- */
struct hf_enc;
/* keyframe: a full snapshot every so many samples (>= 1), or sooner when
 * the deltas since the last add up to 12 keyframes' bytes (so a seek
 * decodes little after its keyframe); slack_ms: see the top of this file
 * (0: exact). */
struct hf_enc *hf_enc_new(unsigned keyframe, uint32_t slack_ms);
void hf_enc_free(struct hf_enc *e);
/* Number samples from seq + 1 on (a recorder seeds it from the clock, so
 * a delta of one run never applies to the state of another). */
void hf_enc_set_seq(struct hf_enc *e, uint64_t seq);
/* The next sample is a keyframe (a new segment starts). */
void hf_enc_restart(struct hf_enc *e);
/* The next sample carries these close events (ev: records as
 * sockevents_read makes them; dropped_total: the kernel's cumulative
 * count of dropped events).  Without a call before it, a sample has no
 * HF_SEC_CHURN (the recorder reads no events).  ev is read by the next
 * hf_enc_sample only. */
void hf_enc_set_events(struct hf_enc *e, const struct sw_snapshot *ev, uint64_t dropped_total);
/* Append s as one whole frame to out; *key: it is a keyframe.  The
 * encoder keeps a copy of s to write the next sample against. */
void hf_enc_sample(struct hf_enc *e, const struct sw_snapshot *s, struct hf_buf *out,
		   bool *key);
/* The same without the copy: the caller keeps s unchanged until the next
 * sample (a recorder alternating two snapshots). */
void hf_enc_sample_kept(struct hf_enc *e, const struct sw_snapshot *s, struct hf_buf *out,
			bool *key);

/* ---- decoding ---- */
struct hf_dec;
struct hf_dec *hf_dec_new(void);
void hf_dec_free(struct hf_dec *d);
/* Forget the state (the next sample must be a keyframe). */
void hf_dec_reset(struct hf_dec *d);
/* Apply a frame's payload.  0: the state is now this sample; -EAGAIN: a
 * delta that does not follow the state (a sample in between is missing:
 * skipped until the next keyframe); -EBADMSG: malformed (state reset). */
int hf_dec_apply(struct hf_dec *d, const uint8_t *payload, size_t len);
/* The close events a sample's payload carries, decoded on their own (no
 * state needed): 1 with ev filled (cleared first; its mono_ns and
 * real_sec the sample's) and *dropped_total, 0 when the sample has none
 * (recorded without events), -EBADMSG. */
int hf_events_decode(const uint8_t *payload, size_t len, struct sw_snapshot *ev,
		     uint64_t *dropped_total);
/* The current state (sockets sorted by cookie); NULL before a keyframe. */
const struct sw_snapshot *hf_dec_snapshot(struct hf_dec *d);
uint64_t hf_dec_seq(const struct hf_dec *d);

/* Copy a snapshot (what the model and the views need: no detail
 * records).  dst is cleared first and keeps its allocations. */
void hf_snapshot_copy(struct sw_snapshot *dst, const struct sw_snapshot *src);

/* ---- times ---- */
/* Parse a --from/--to time: "HH:MM[:SS]" (today, local time; the day
 * before when that is after now), "YYYY-MM-DD HH:MM[:SS]" (local; a 'T'
 * also separates), "@SECONDS" (Unix time), or relative to now "-2h",
 * "-90m", "-30s", "-1d".  0, or -EINVAL. */
int hf_parse_time(const char *s, int64_t now, int64_t *out);

#endif
