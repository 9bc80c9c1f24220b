/* SPDX-License-Identifier: GPL-2.0-or-later */
/* histdir.c - history directories: writing segments with their indexes
 * and caps, reading them back by time.  See histdir.h. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/histfile.h"
#include "core/i18n.h"
#include "core/safefile.h"
#include "core/util.h"
#include "histdir.h"

#define SYNC_EVERY_NS (60ull * 1000000000ull)

/* ---- names --------------------------------------------------------------- */

static void seg_name(char *buf, size_t len, int64_t start, const char *ext)
{
	time_t t = (time_t)start;
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(buf, len, "sw-%04d%02d%02d-%02d%02d%02d.%s", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ext);
}

/* The start time a segment's name says, or -1 when it is not one. */
static int64_t seg_time(const char *name)
{
	int y, mo, d, h, mi, s, n = 0;
	if (sscanf(name, "sw-%4d%2d%2d-%2d%2d%2d.swh%n", &y, &mo, &d, &h, &mi, &s, &n) != 6 ||
	    name[n] || n != 22)
		return -1;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
			.tm_min = mi, .tm_sec = s};
	return (int64_t)timegm(&tm);
}

struct seg_ent {
	char *name;
	int64_t start;
};

static int seg_cmp(const void *a, const void *b)
{
	const struct seg_ent *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* The segments of dir, oldest first: *n of them (free with free_list). */
static struct seg_ent *list_segments(const char *dir, size_t *n)
{
	*n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	struct seg_ent *v = NULL;
	size_t cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		int64_t t = seg_time(de->d_name);
		if (t < 0)
			continue;
		v = xgrow(v, &cap, *n + 1, sizeof *v);
		v[(*n)++] = (struct seg_ent){xstrdup(de->d_name), t};
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof *v, seg_cmp);
	return v;
}

static void free_list(struct seg_ent *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

static void path_of(char *buf, size_t len, const char *dir, const char *name, const char *ext)
{
	size_t l = strlen(name);
	if (ext && l > 4)
		snprintf(buf, len, "%s/%.*s.%s", dir, (int)(l - 4), name, ext);
	else
		snprintf(buf, len, "%s/%s", dir, name);
}

/* ---- writing ------------------------------------------------------------- */

struct histw {
	char *dir;
	struct histw_opts o;
	struct hf_enc *enc;
	struct hf_buf buf;
	int fd, ifd;
	int64_t seg_start;
	char seg[64];
	uint64_t last_sync;
	unsigned removed;
};

struct histw *histw_open(const char *dir, const struct histw_opts *o, char *err, size_t errlen)
{
	if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
		snprintf(err, errlen, _("cannot create %s: %s"), dir, strerror(errno));
		return NULL;
	}
	struct stat st;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, _("%s is not a directory"), dir);
		return NULL;
	}
	struct histw *w = xcalloc(1, sizeof *w);
	w->dir = xstrdup(dir);
	w->o = *o;
	if (!w->o.segment_s)
		w->o.segment_s = 3600;
	w->enc = hf_enc_new(o->keyframe, o->slack_ms);
	hf_enc_set_seq(w->enc, (uint64_t)time(NULL) << 20);
	w->fd = w->ifd = -1;
	w->seg_start = -1;
	return w;
}

static void seg_close(struct histw *w)
{
	if (w->fd >= 0) {
		fdatasync(w->fd);
		close(w->fd);
	}
	if (w->ifd >= 0)
		close(w->ifd);
	w->fd = w->ifd = -1;
}

void histw_close(struct histw *w)
{
	if (!w)
		return;
	seg_close(w);
	hf_enc_free(w->enc);
	hf_buf_done(&w->buf);
	free(w->dir);
	free(w);
}

unsigned histw_removed(const struct histw *w)
{
	return w->removed;
}

static off_t file_size(const char *dir, const char *name, const char *ext)
{
	char p[4096];
	path_of(p, sizeof p, dir, name, ext);
	struct stat st;
	return stat(p, &st) == 0 ? st.st_size : 0;
}

static int64_t file_mtime(const char *dir, const char *name)
{
	char p[4096];
	path_of(p, sizeof p, dir, name, NULL);
	struct stat st;
	return stat(p, &st) == 0 ? (int64_t)st.st_mtime : INT64_MAX;
}

/* Remove the oldest segments (never the one being written) while the
 * directory is over max_size or they are older than max_age. */
static void apply_caps(struct histw *w, int64_t now)
{
	if (!w->o.max_size && !w->o.max_age)
		return;
	size_t n;
	struct seg_ent *v = list_segments(w->dir, &n);
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += (uint64_t)file_size(w->dir, v[i].name, NULL) +
			 (uint64_t)file_size(w->dir, v[i].name, "swi");
	for (size_t i = 0; i < n; i++) {
		if (v[i].start == w->seg_start)
			break;
		/* its last sample was written when the file was last modified */
		bool old = w->o.max_age && file_mtime(w->dir, v[i].name) < now - w->o.max_age;
		bool big = w->o.max_size && total > w->o.max_size;
		if (!old && !big)
			break;
		uint64_t sz = (uint64_t)file_size(w->dir, v[i].name, NULL) +
			      (uint64_t)file_size(w->dir, v[i].name, "swi");
		char p[4096];
		path_of(p, sizeof p, w->dir, v[i].name, NULL);
		if (unlink(p) < 0 && errno != ENOENT)
			break;
		path_of(p, sizeof p, w->dir, v[i].name, "swi");
		unlink(p);
		total -= sz;
		w->removed++;
	}
	free_list(v, n);
}

static int write_all(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;
	while (n) {
		ssize_t r = write(fd, b, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EIO;
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Open (or continue) the segment that holds time t. */
static int seg_open(struct histw *w, const struct sw_snapshot *s, int64_t start, char *err,
		    size_t errlen)
{
	seg_close(w);
	seg_name(w->seg, sizeof w->seg, start, "swh");
	char p[4096];
	path_of(p, sizeof p, w->dir, w->seg, NULL);
	w->fd = open(p, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (w->fd < 0) {
		snprintf(err, errlen, _("cannot write %s: %s"), p, strerror(errno));
		return -errno;
	}
	struct stat st;
	uint8_t h[HF_HEADER_LEN];
	if (fstat(w->fd, &st) == 0 && st.st_size == 0) {
		struct hf_header hh = {.interval_ms = w->o.interval_ms, .keyframe = w->o.keyframe,
				       .start_sec = start};
		sw_strlcpy(hh.hostname, s->hostname, sizeof hh.hostname);
		hf_header_encode(&hh, h);
		int r = write_all(w->fd, h, sizeof h);
		if (r < 0) {
			snprintf(err, errlen, _("cannot write %s: %s"), p, strerror(-r));
			return r;
		}
	} else {
		struct hf_header hh;
		ssize_t got = pread(w->fd, h, sizeof h, 0);
		if (!S_ISREG(st.st_mode) || got != (ssize_t)sizeof h ||
		    hf_header_decode(h, sizeof h, &hh) < 0) {
			snprintf(err, errlen, _("%s exists and is not a sockwatch history segment"), p);
			return -EEXIST;
		}
	}
	path_of(p, sizeof p, w->dir, w->seg, "swi");
	w->ifd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0640);
	w->seg_start = start;
	hf_enc_restart(w->enc);
	return 0;
}

void histw_set_events(struct histw *w, const struct sw_snapshot *ev, uint64_t dropped_total)
{
	hf_enc_set_events(w->enc, ev, dropped_total);
}

int histw_append(struct histw *w, const struct sw_snapshot *s, size_t *bytes, char *err,
		 size_t errlen)
{
	int64_t t = s->real_sec, start = t - (t % (int64_t)w->o.segment_s);
	int r;
	if ((w->fd < 0 || start != w->seg_start) && (r = seg_open(w, s, start, err, errlen)) < 0)
		return r;
	off_t at = lseek(w->fd, 0, SEEK_END);
	w->buf.len = 0;
	bool key;
	if (w->o.keeps)
		hf_enc_sample_kept(w->enc, s, &w->buf, &key);
	else
		hf_enc_sample(w->enc, s, &w->buf, &key);
	if ((r = write_all(w->fd, w->buf.p, w->buf.len)) < 0) {
		/* a partial frame is a torn tail readers skip; the next
		 * sample starts a keyframe so nothing depends on it */
		hf_enc_restart(w->enc);
		snprintf(err, errlen, _("cannot write %s/%s: %s"), w->dir, w->seg, strerror(-r));
		return r;
	}
	*bytes = w->buf.len;
	uint64_t now = sw_mono_ns();
	if (key || now - w->last_sync >= SYNC_EVERY_NS) {
		fdatasync(w->fd);
		w->last_sync = now;
	}
	if (key && w->ifd >= 0 && at >= 0) {
		uint8_t e[16];
		for (int i = 0; i < 8; i++) {
			e[i] = (uint8_t)((uint64_t)t >> (8 * i));
			e[8 + i] = (uint8_t)((uint64_t)at >> (8 * i));
		}
		write_all(w->ifd, e, sizeof e);
	}
	if (key)
		apply_caps(w, t);
	return 0;
}

/* ---- reading ------------------------------------------------------------- */

struct kf {
	int64_t t;
	uint64_t off;
};

struct seg {
	char *path;
	int64_t start;
	uint8_t *map;
	size_t len;
	struct kf *idx;
	size_t nidx, capidx;
	bool loaded, warned_torn, warned_bad;
};

struct histr {
	struct seg *segs;
	size_t nsegs;
	FILE *warn;
	struct hf_dec *dec;
	bool have;
	size_t si;            /* the current sample: segment ... */
	uint64_t off, next;   /* ... frame offset, and the offset after it */
	char msg[512], shown[512]; /* the last warning, for histr_warning() */
};

static void warn_seg(struct histr *r, struct seg *g, bool torn, uint64_t off)
{
	bool *w = torn ? &g->warned_torn : &g->warned_bad;
	if (*w)
		return;
	*w = true;
	if (torn)
		snprintf(r->msg, sizeof r->msg, _("%s: a sample cut short at offset %llu "
						  "(a torn write) is skipped"),
			 g->path, (unsigned long long)off);
	else
		snprintf(r->msg, sizeof r->msg, _("%s: damaged data at offset %llu is skipped"),
			 g->path, (unsigned long long)off);
	if (r->warn)
		fprintf(r->warn, "sockwatch: %s\n", r->msg);
}

static void seg_unmap(struct seg *g)
{
	if (g->map)
		munmap(g->map, g->len);
	g->map = NULL;
	g->len = 0;
}

/* Map the segment (again when it grew). */
static int seg_map(struct seg *g)
{
	int fd = open(g->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	if (g->map && (size_t)st.st_size == g->len) {
		close(fd);
		return 0;
	}
	seg_unmap(g);
	if (st.st_size > 0) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m == MAP_FAILED) {
			close(fd);
			return -errno;
		}
		g->map = m;
		g->len = (size_t)st.st_size;
	}
	close(fd);
	return 0;
}

static bool is_keyframe_at(const struct seg *g, uint64_t off, int64_t *t)
{
	size_t plen;
	struct hf_info in;
	if (off < HF_HEADER_LEN || off >= g->len ||
	    hf_frame_check(g->map + off, g->len - off, &plen) != 1 ||
	    hf_peek(g->map + off + HF_FRAME_HDR, plen, &in) < 0 || in.kind != HF_KEYFRAME)
		return false;
	*t = in.real_sec;
	return true;
}

static void add_kf(struct seg *g, int64_t t, uint64_t off)
{
	g->idx = xgrow(g->idx, &g->capidx, g->nidx + 1, sizeof *g->idx);
	g->idx[g->nidx++] = (struct kf){t, off};
}

/* The keyframe index: the .swi entries in order and inside the file,
 * else (none) a walk through the frames. */
static void seg_index(struct seg *g)
{
	char p[4096];
	size_t l = strlen(g->path);
	snprintf(p, sizeof p, "%.*s.swi", (int)(l > 4 ? l - 4 : l), g->path);
	FILE *f = fopen(p, "rb");
	uint8_t e[16];
	while (f && fread(e, 1, sizeof e, f) == sizeof e) {
		int64_t t = 0, ft;
		uint64_t off = 0;
		for (int i = 7; i >= 0; i--) {
			t = (int64_t)((uint64_t)t << 8 | e[i]);
			off = off << 8 | e[8 + i];
		}
		/* taken on trust (a frame is checked when it is decoded: one
		 * that is no keyframe only makes the decoding start later);
		 * checking every entry here would read the whole segment */
		(void)ft;
		if (off >= HF_HEADER_LEN && off + HF_FRAME_HDR <= g->len &&
		    (!g->nidx || (off > g->idx[g->nidx - 1].off && t >= g->idx[g->nidx - 1].t)))
			add_kf(g, t, off);
	}
	if (f)
		fclose(f);
	if (g->nidx)
		return;
	for (uint64_t off = HF_HEADER_LEN; off + HF_FRAME_HDR <= g->len;) {
		size_t plen;
		int c = hf_frame_check(g->map + off, g->len - off, &plen);
		int64_t t;
		if (c == 0)
			break;
		if (c < 0) {
			off += hf_frame_resync(g->map + off, g->len - off);
			continue;
		}
		if (is_keyframe_at(g, off, &t))
			add_kf(g, t, off);
		off += HF_FRAME_HDR + plen;
	}
}

static int seg_load(struct histr *r, struct seg *g)
{
	if (g->loaded)
		return 0;
	int e = seg_map(g);
	if (e < 0)
		return e;
	struct hf_header h;
	if (hf_header_decode(g->map, g->len, &h) < 0) {
		warn_seg(r, g, false, 0);
		seg_unmap(g);
	}
	g->loaded = true;
	if (g->map)
		seg_index(g);
	return 0;
}

static void add_seg(struct histr *r, const char *path, int64_t start)
{
	r->segs = xrealloc(r->segs, (r->nsegs + 1) * sizeof *r->segs);
	struct seg *g = &r->segs[r->nsegs++];
	memset(g, 0, sizeof *g);
	g->path = xstrdup(path);
	g->start = start;
}

/* A single file: its header says when it starts. */
static int open_file(struct histr *r, const char *path, char *err, size_t errlen)
{
	add_seg(r, path, 0);
	struct seg *g = &r->segs[0];
	int e = seg_map(g);
	struct hf_header h;
	int he = e < 0 ? e : hf_header_decode(g->map, g->len, &h);
	if (he < 0) {
		snprintf(err, errlen, he == -EPROTONOSUPPORT
			 ? _("%s: a history file of another version") : he == -EBADMSG
			 ? _("%s: the history file's header is damaged")
			 : e < 0 ? _("cannot read %s") : _("%s is not a sockwatch history file"),
			 path);
		return -EINVAL;
	}
	g->start = h.start_sec;
	return 0;
}

struct histr *histr_open(const char *path, FILE *warn, char *err, size_t errlen)
{
	struct histr *r = xcalloc(1, sizeof *r);
	r->warn = warn;
	r->dec = hf_dec_new();
	struct stat st;
	if (stat(path, &st) < 0) {
		snprintf(err, errlen, _("cannot read %s: %s"), path, strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		size_t n;
		struct seg_ent *v = list_segments(path, &n);
		for (size_t i = 0; i < n; i++) {
			char p[4096];
			path_of(p, sizeof p, path, v[i].name, NULL);
			add_seg(r, p, v[i].start);
		}
		free_list(v, n);
		if (!r->nsegs) {
			snprintf(err, errlen, _("%s is a directory without sockwatch history (no sw-*.swh files)"), path);
			goto fail;
		}
	} else if (open_file(r, path, err, errlen) < 0) {
		goto fail;
	}
	return r;
fail:
	histr_free(r);
	return NULL;
}

void histr_free(struct histr *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nsegs; i++) {
		seg_unmap(&r->segs[i]);
		free(r->segs[i].path);
		free(r->segs[i].idx);
	}
	free(r->segs);
	hf_dec_free(r->dec);
	free(r);
}

const struct sw_snapshot *histr_current(const struct histr *r)
{
	return r->have ? hf_dec_snapshot(r->dec) : NULL;
}

/* The next whole frame of segment si at or after off: its offset and
 * payload length, or false at the end (damage skipped with a warning). */
static bool frame_from(struct histr *r, size_t si, uint64_t off, uint64_t *at, size_t *plen)
{
	struct seg *g = &r->segs[si];
	if (seg_load(r, g) < 0 || !g->map)
		return false;
	if (off < HF_HEADER_LEN)
		off = HF_HEADER_LEN;
	while (off < g->len) {
		int c = hf_frame_check(g->map + off, g->len - off, plen);
		if (c == 1) {
			*at = off;
			return true;
		}
		if (c == 0 && si + 1 == r->nsegs && seg_map(g) == 0 && off + HF_FRAME_HDR <= g->len &&
		    hf_frame_check(g->map + off, g->len - off, plen) != 0)
			continue; /* the live segment grew meanwhile */
		if (c == 0) {
			warn_seg(r, g, true, off);
			return false;
		}
		warn_seg(r, g, false, off);
		off += hf_frame_resync(g->map + off, g->len - off);
	}
	return false;
}

/* Apply frames from (si, off) until one makes a state: it becomes current. */
static bool step_from(struct histr *r, size_t si, uint64_t off)
{
	uint64_t at;
	size_t plen;
	while (si < r->nsegs) {
		if (!frame_from(r, si, off, &at, &plen)) {
			si++, off = 0;
			hf_dec_reset(r->dec); /* a segment starts with a keyframe */
			continue;
		}
		const uint8_t *p = r->segs[si].map + at + HF_FRAME_HDR;
		off = at + HF_FRAME_HDR + plen;
		if (hf_dec_apply(r->dec, p, plen) == 0) {
			r->have = true;
			r->si = si, r->off = at, r->next = off;
			return true;
		}
	}
	return false;
}

/* Time of the next sample after the current one in the same segment. */
static bool next_time(struct histr *r, int64_t *t)
{
	uint64_t at;
	size_t plen;
	struct hf_info in;
	if (!frame_from(r, r->si, r->next, &at, &plen) ||
	    hf_peek(r->segs[r->si].map + at + HF_FRAME_HDR, plen, &in) < 0)
		return false;
	*t = in.real_sec;
	return true;
}

/* Decode from the keyframe at or before off in segment si (before: when
 * strict) up to the last sample before `stop` (or at or before time t). */
static int replay_segment(struct histr *r, size_t si, int64_t t, uint64_t stop)
{
	struct seg *g = &r->segs[si];
	if (seg_load(r, g) < 0 || !g->map)
		return -ENODATA;
	uint64_t from = HF_HEADER_LEN;
	for (size_t i = 0; i < g->nidx; i++)
		if (g->idx[i].t <= t && g->idx[i].off < stop)
			from = g->idx[i].off;
	hf_dec_reset(r->dec);
	r->have = false;
	if (!step_from(r, si, from) || r->si != si || r->off >= stop)
		return -ENODATA;
	int64_t nt;
	while (r->next < stop && next_time(r, &nt) && nt <= t) {
		size_t keep_si = r->si;
		uint64_t keep = r->off;
		if (!step_from(r, si, r->next) || r->si != si || r->off >= stop) {
			/* went past: decode back to where we were */
			return keep_si == si ? replay_segment(r, si, INT64_MAX, keep + 1) : -ENODATA;
		}
	}
	return 0;
}

int histr_seek(struct histr *r, int64_t t)
{
	size_t si = 0;
	for (size_t i = 0; i < r->nsegs; i++)
		if (r->segs[i].start <= t)
			si = i;
	for (; si < r->nsegs; si++)
		if (replay_segment(r, si, t, UINT64_MAX) == 0)
			return 0;
	/* nothing readable from there on: the last sample before */
	for (si = r->nsegs; si-- > 0;)
		if (replay_segment(r, si, INT64_MAX, UINT64_MAX) == 0)
			return 0;
	return -ENODATA;
}

int histr_peek_events(struct histr *r, bool next, struct sw_snapshot *ev,
		      uint64_t *dropped_total)
{
	uint64_t at;
	size_t plen;
	snapshot_clear(ev);
	if (!r->have)
		return 0;
	size_t si = r->si;
	bool found = frame_from(r, si, next ? r->next : r->off, &at, &plen);
	while (!found && ++si < r->nsegs)
		found = frame_from(r, si, 0, &at, &plen);
	return found ? hf_events_decode(r->segs[si].map + at + HF_FRAME_HDR, plen, ev, dropped_total)
		     : 0;
}

int histr_events_since(struct histr *r, int64_t t0, histr_events_fn fn, void *arg)
{
	if (!r->have)
		return 0;
	struct seg *g = &r->segs[r->si];
	uint64_t off = HF_HEADER_LEN;
	for (size_t i = 0; i < g->nidx; i++)
		if (g->idx[i].t <= t0 && g->idx[i].off < r->off)
			off = g->idx[i].off;
	struct sw_snapshot ev;
	snapshot_init(&ev);
	ev.detail = false;
	int n = 0;
	while (off < r->off) {
		uint64_t at, dropped = 0;
		size_t plen;
		struct hf_info in;
		if (!frame_from(r, r->si, off, &at, &plen) || at >= r->off)
			break;
		const uint8_t *p = g->map + at + HF_FRAME_HDR;
		off = at + HF_FRAME_HDR + plen;
		if (hf_peek(p, plen, &in) < 0 || in.real_sec < t0)
			continue;
		if (hf_events_decode(p, plen, &ev, &dropped) > 0 && ev.nconns) {
			fn(&ev, arg);
			n++;
		}
		snapshot_clear(&ev);
	}
	snapshot_done(&ev);
	return n;
}

int histr_next(struct histr *r)
{
	if (!r->have)
		return histr_seek(r, INT64_MIN);
	size_t si = r->si;
	uint64_t off = r->off, next = r->next;
	if (step_from(r, si, next))
		return 0;
	/* nothing after: stay where we were */
	replay_segment(r, si, INT64_MAX, off + 1);
	return -ENODATA;
}

int histr_prev(struct histr *r)
{
	if (!r->have)
		return -ENODATA;
	size_t si = r->si;
	uint64_t off = r->off;
	if (replay_segment(r, si, INT64_MAX, off) == 0)
		return 0;
	while (si-- > 0)
		if (replay_segment(r, si, INT64_MAX, UINT64_MAX) == 0)
			return 0;
	replay_segment(r, r->si, INT64_MAX, off + 1);
	return -ENODATA;
}

void histr_span(struct histr *r, int64_t *first, int64_t *last)
{
	bool had = r->have;
	size_t si0 = r->si;
	uint64_t off0 = r->off;
	*first = r->nsegs ? r->segs[0].start : 0;
	*last = *first;
	for (size_t si = r->nsegs; si-- > 0;) {
		const struct sw_snapshot *c = replay_segment(r, si, INT64_MAX, UINT64_MAX) == 0
					      ? histr_current(r) : NULL;
		if (c) {
			*last = c->real_sec;
			break;
		}
	}
	r->have = false;
	for (size_t si = 0; si < r->nsegs; si++) {
		struct seg *g = &r->segs[si];
		if (seg_load(r, g) == 0 && g->nidx) {
			*first = g->idx[0].t;
			break;
		}
	}
	if (had) /* back where it was */
		replay_segment(r, si0, INT64_MAX, off0 + 1);
}

const char *histr_warning(struct histr *r)
{
	if (!r->msg[0])
		return NULL;
	sw_strlcpy(r->shown, r->msg, sizeof r->shown);
	r->msg[0] = '\0';
	return r->shown;
}
