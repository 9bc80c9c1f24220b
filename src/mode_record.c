/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mode_record.c - `sockwatch --record-dir DIR`: the time machine's
 * recorder.  Every -d SEC: one collection (sockets with their tcp_info
 * extras, processes, kernel settings and counters), encoded as a keyframe
 * or a delta (core/histfile.h) and appended to the current segment of DIR
 * (collect/histdir.h: hourly segments, keyframe index, size and age caps,
 * crash-safe appends), with the kernel's close events since the sample
 * before (the closed connections and the churn of a replay).  Runs until SIGINT/SIGTERM (or -n COUNT samples);
 * a failed collection is reported and the next one tried, a failed write
 * ends the run with status 1 (so a service manager restarts it).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "collect/collect.h"
#include "churnsrc.h"
#include "collect/histdir.h"
#include "core/i18n.h"
#include "core/util.h"
#include "frame.h"
#include "modes.h"

#define DEFAULT_KEYFRAME 1800
#define SLACK_MS 250

struct rec_stats {
	unsigned long samples, failed;
	unsigned long long bytes;
	uint64_t collect_ns, write_ns, write_cpu_ns;
};

/* CPU time of this process (the recorder's encoding is CPU; its writing
 * may wait for the disk). */
static uint64_t cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int record_loop(const struct sw_options *o, struct sw_collector *col,
		       struct histw *w, struct churnsrc *cs, struct rec_stats *st)
{
	struct frame_repeat r;
	frame_repeat_init(&r, o, 0);
	struct sw_snapshot snap[2]; /* the one written last stays (histw_opts.keeps) */
	snapshot_init(&snap[0]);
	snapshot_init(&snap[1]);
	int rc = 0, cur = 0;
	char err[512];
	while (frame_repeat_next_draining(&r, cs)) {
		err[0] = '\0';
		churnsrc_drain(cs); /* the closures up to this sample */
		uint64_t t0 = sw_mono_ns();
		if (collector_sample(col, &snap[cur], err, sizeof err) < 0) {
			frame_sample_failed(err);
			st->failed++;
			continue;
		}
		uint64_t t1 = sw_mono_ns(), c1 = cpu_ns();
		size_t bytes = 0;
		histw_set_events(w, cs->ok ? &cs->pending : NULL, churnsrc_dropped(cs));
		if (histw_append(w, &snap[cur], &bytes, err, sizeof err) < 0) {
			fprintf(stderr, "sockwatch: %s\n", err);
			rc = 1;
			break;
		}
		st->collect_ns += t1 - t0;
		st->write_ns += sw_mono_ns() - t1;
		st->write_cpu_ns += cpu_ns() - c1;
		st->samples++;
		st->bytes += bytes;
		cur = 1 - cur;
		snapshot_clear(&cs->pending);
	}
	snapshot_done(&snap[0]);
	snapshot_done(&snap[1]);
	return rc;
}

int mode_record_run(const struct sw_options *o)
{
	struct sw_collect_opts co;
	frame_collect_opts(&co, o);
	co.tcpinfo = true;
	co.details = false; /* what the monitor shows: the format has no detail records */
	co.procs = true;
	co.kstat = true;
	struct sw_collector *col = frame_collector_new(&co, NULL);
	if (!col)
		return 1;
	struct histw_opts ho = {
		.interval_ms = (uint32_t)(o->delay * 1000.0),
		.keyframe = o->keyframe ? o->keyframe : DEFAULT_KEYFRAME,
		.segment_s = o->segment_s ? o->segment_s : 3600,
		.max_size = o->max_size,
		.max_age = o->max_age,
		.slack_ms = SLACK_MS,
		.keeps = true,
	};
	char err[512] = "";
	struct histw *w = histw_open(o->record_dir, &ho, err, sizeof err);
	if (!w) {
		fprintf(stderr, "sockwatch: %s\n", err);
		collector_free(col);
		return 1;
	}
	/* the kernel's close events: the closed connections of a replay */
	struct churnsrc cs;
	churnsrc_open(&cs, col, 1.0);
	if (!cs.ok)
		fprintf(stderr, "sockwatch: note: %s\n", cs.err);
	frame_catch_signals();
	struct rec_stats st;
	memset(&st, 0, sizeof st);
	int rc = record_loop(o, col, w, &cs, &st);
	churnsrc_close(&cs);
	unsigned removed = histw_removed(w);
	histw_close(w);
	collector_free(col);
	fprintf(stderr, _("sockwatch: recorded %lu samples, %llu bytes into %s (%u old segments "
			  "removed); collecting took %.1f ms, encoding and writing %.1f ms "
			  "(%.1f ms CPU)\n"),
		st.samples, st.bytes, o->record_dir, removed, (double)st.collect_ns / 1e6,
		(double)st.write_ns / 1e6, (double)st.write_cpu_ns / 1e6);
	return rc;
}
