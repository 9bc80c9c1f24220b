/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_record.c - recording files as --replay reads them
 * (src/collect/record.c, then the collector's replay in collect.c, which
 * hands the recorded chunks to nlparse.c and the kstat texts to kstat.c).
 *
 * Input: a whole recording (seeds: tests/data/fixtures*.swrec, cut down).
 * It is opened through record_open_mem() and walked item by item, then
 * replayed through the real collector (from a memfd, as a file) sample by
 * sample - one more sample than it holds, to go round the wrap-around - with
 * a scope taken from the input's length, and every snapshot is rendered
 * (fuzz_render.h).
 */
#include "config.h"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "collect/collect.h"
#include "collect/record.h"
#include "fuzz_render.h"

#define MAX_SAMPLES 8

/* Returns the number of samples, 0 if the recording was refused. */
static size_t walk(const uint8_t *data, size_t size)
{
	char err[256] = "";
	struct record_reader *r = record_open_mem(data, size, err, sizeof err);
	if (!r) {
		FUZZ_CHECK(err[0], "no message for a refused recording");
		return 0;
	}
	size_t n = record_nsamples(r);
	FUZZ_CHECK(n > 0, "a recording without samples was accepted");
	for (size_t i = 0; i < n && i < MAX_SAMPLES; i++) {
		const struct rec_sample *m = record_seek_sample(r, i);
		FUZZ_CHECK(m != NULL, "sample %zu of %zu missing", i, n);
		struct rec_item it;
		while (record_next(r, &it)) {
			FUZZ_CHECK((it.type >= REC_DUMP && it.type <= REC_KSTAT) ||
					   it.type == REC_PROCNET,
				   "item type %d", (int)it.type);
			FUZZ_CHECK(((uintptr_t)it.data & 7) == 0, "unaligned payload");
			FUZZ_CHECK((it.type != REC_KSTAT && it.type != REC_PROCNET) ||
					   memchr(it.name, '\0', sizeof it.name),
				   "bad kstat name");
		}
	}
	FUZZ_CHECK(record_seek_sample(r, n) == NULL, "sample past the end");
	record_reader_free(r);
	return n;
}

static void replay(const uint8_t *data, size_t size, size_t nsamples)
{
	int fd = memfd_create("fuzz-record", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	size_t off = 0;
	while (off < size) {
		ssize_t w = write(fd, data + off, size - off);
		if (w <= 0)
			abort();
		off += (size_t)w;
	}
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

	/* scope: every other input asks for TCP established/time-wait only */
	struct sw_collect_opts o = {.tcpinfo = true, .kstat = true, .procs = false,
				    .replay_path = path};
	if (size & 1) {
		o.protos = SW_PROTO_BIT(SW_PROTO_TCP) | SW_PROTO_BIT(SW_PROTO_UNIX);
		o.states = SW_STATE_BIT(SW_ST_ESTABLISHED) | SW_STATE_BIT(SW_ST_TIME_WAIT);
		o.inet6 = size & 2;
	}
	char err[512] = "";
	struct sw_collector *c = collector_new(&o, err, sizeof err);
	close(fd);
	FUZZ_CHECK((c != NULL) == (nsamples > 0), "record_open_mem and the collector "
		   "disagree (%zu samples; %s)", nsamples, err);
	if (!c)
		return;
	struct sw_snapshot s;
	struct diag_state ds;
	snapshot_init(&s);
	diag_state_init(&ds);
	/* one more than there are: the replay starts over after the last */
	for (size_t i = 0; i <= nsamples && i < MAX_SAMPLES; i++) {
		err[0] = '\0';
		int r = collector_sample(c, &s, err, sizeof err);
		FUZZ_CHECK(r <= 0, "collector_sample returned %d", r);
		if (r < 0) {
			FUZZ_CHECK(err[0], "error %d without a message", r);
			break;
		}
		fuzz_render(&s, &ds);
	}
	diag_state_done(&ds);
	snapshot_done(&s);
	collector_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	replay(data, size, walk(data, size));
	return 0;
}
