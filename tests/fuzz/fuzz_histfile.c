/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_histfile.c - history segments as --replay reads them
 * (src/core/histfile.c framing, src/core/histcodec.c decoding).
 *
 * Input: a segment (header, then sample frames), bare frames, or (any
 * other first byte) two payloads without framing, so that mutations reach
 * the decoder past the CRC: byte 0 is 'P', bytes 1-2 the first payload's
 * length (little-endian), the rest the second payload.  Frames are
 * walked as the reader does: a whole frame is decoded, a damaged one
 * skipped up to the next frame magic, a torn tail ends the walk.  Every
 * decoded snapshot is rendered (fuzz_render.h), then encoded again and
 * decoded again, which must give back as many sockets, processes and
 * counters; each payload's close events (HF_SEC_CHURN) are decoded on
 * their own and rendered.  Seeds (tests/fuzz/corpus/histfile/seed-*) are written by
 * SW_WRITE_SEEDS=DIR tests/unit/test_histfile.
 */
#include "config.h"

#include <errno.h>

#include "core/histfile.h"
#include "fuzz_render.h"

#define MAX_FRAMES 64

static void again(const struct sw_snapshot *s)
{
	struct hf_enc *e = hf_enc_new(1, 0);
	struct hf_dec *d = hf_dec_new();
	struct hf_buf b = {0};
	bool key;
	hf_enc_sample(e, s, &b, &key);
	size_t plen = 0;
	FUZZ_CHECK(hf_frame_check(b.p, b.len, &plen) == 1, "own frame refused");
	FUZZ_CHECK(hf_dec_apply(d, b.p + HF_FRAME_HDR, plen) == 0, "own frame undecodable");
	const struct sw_snapshot *t = hf_dec_snapshot(d);
	FUZZ_CHECK(t && t->nconns == s->nconns && t->nprocs == s->nprocs &&
		   t->kstat.ncounters == (s->have_kstat ? s->kstat.ncounters : 0),
		   "re-encoding changed the snapshot");
	hf_buf_done(&b);
	hf_dec_free(d);
	hf_enc_free(e);
}

static void decoded(struct hf_dec *d, int a, struct diag_state *ds)
{
	FUZZ_CHECK(a == 0 || a == -EAGAIN || a == -EBADMSG, "apply returned %d", a);
	const struct sw_snapshot *s = hf_dec_snapshot(d);
	FUZZ_CHECK((a == 0) == (s != NULL) || a == -EAGAIN, "state after %d", a);
	if (a != 0)
		return;
	for (size_t i = 1; i < s->nconns; i++)
		FUZZ_CHECK(s->conns[i - 1].cookie < s->conns[i].cookie, "cookies out of order");
	fuzz_render(s, ds);
	again(s);
}

/* A payload's close events, decoded on their own (as a replay peeks at
 * the next sample's): a count of records or none, never a crash. */
static void events(const uint8_t *p, size_t len, struct diag_state *ds)
{
	struct sw_snapshot ev;
	snapshot_init(&ev);
	uint64_t dropped = 0;
	int r = hf_events_decode(p, len, &ev, &dropped);
	FUZZ_CHECK(r == 0 || r == 1 || r == -EBADMSG, "events returned %d", r);
	FUZZ_CHECK(r == 1 || ev.nconns == 0, "records without a section");
	if (r == 1)
		fuzz_render(&ev, ds);
	snapshot_done(&ev);
}

static void payloads(const uint8_t *data, size_t size)
{
	if (size < 3)
		return;
	size_t l = (size_t)data[1] | (size_t)data[2] << 8;
	if (l > size - 3)
		l = size - 3;
	struct hf_dec *d = hf_dec_new();
	struct diag_state ds;
	diag_state_init(&ds);
	decoded(d, hf_dec_apply(d, data + 3, l), &ds);
	decoded(d, hf_dec_apply(d, data + 3 + l, size - 3 - l), &ds);
	events(data + 3, l, &ds);
	events(data + 3 + l, size - 3 - l, &ds);
	diag_state_done(&ds);
	hf_dec_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size && data[0] == 'P') {
		payloads(data, size);
		return 0;
	}
	struct hf_header h;
	size_t off = 0;
	int hr = hf_header_decode(data, size, &h);
	if (hr == 0)
		off = HF_HEADER_LEN;
	else if (hf_is_history(data, size))
		return 0; /* a bad header: the reader refuses the segment */
	struct hf_dec *d = hf_dec_new();
	struct diag_state ds;
	diag_state_init(&ds);
	for (int n = 0; off < size && n < MAX_FRAMES; n++) {
		size_t plen = 0;
		int r = hf_frame_check(data + off, size - off, &plen);
		if (r == 0)
			break;
		if (r < 0) {
			off += hf_frame_resync(data + off, size - off);
			continue;
		}
		decoded(d, hf_dec_apply(d, data + off + HF_FRAME_HDR, plen), &ds);
		events(data + off + HF_FRAME_HDR, plen, &ds);
		off += HF_FRAME_HDR + plen;
	}
	diag_state_done(&ds);
	hf_dec_free(d);
	return 0;
}
