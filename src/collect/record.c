/* SPDX-License-Identifier: GPL-2.0-or-later */
/* record.c - recordings of raw sock_diag replies (--record / --replay).
 *
 * FORMAT (version 1).  All integers in the recording host's byte order
 * (netlink payloads are host order anyway); the header's byte-order mark
 * lets a reader of the other order refuse cleanly.
 *
 *   file header, 16 bytes:
 *     char     magic[8]   "SWREC\0\r\n"
 *     uint32   version    1
 *     uint32   bom        0x01020304
 *   then records, each:
 *     uint32   type       enum rec_type
 *     uint32   length     payload bytes
 *     payload  length bytes, then zero padding to a multiple of 8 (so every
 *              payload - and the netlink messages in it - is 8-aligned)
 *
 *   types and payloads:
 *     1 SAMPLE_BEGIN  struct rec_sample (real_sec, mono_ns, hostname[64],
 *                     netns[64]) - starts one collection pass
 *     2 DUMP          struct rec_dump: one dump request (family,
 *                     sdiag_protocol, sw_proto, full protocol, states mask,
 *                     idiag_ext or udiag_show, nlmsg seq, our portid)
 *     3 CHUNK         the exact bytes of one recv() belonging to the last
 *                     DUMP (up to and including NLMSG_DONE / NLMSG_ERROR)
 *     4 KSTAT         uint16 namelen, name (no NUL), then the text of that
 *                     kstat source ("sys/net/ipv4/tcp_fin_timeout",
 *                     "net/netstat", ...) exactly as read
 *     5 SAMPLE_END    struct rec_sample_end (collect_us)
 *     6 PROCNET       same layout as KSTAT: a /proc/net socket table read
 *                     because the sock_diag dump could not list a protocol
 *                     ("net/raw", "net/raw6": no raw_diag module).  Added
 *                     after version 1 shipped, without a version bump:
 *                     older readers skip it (RAW then stays "missing"),
 *                     and recordings without it replay as before.
 *   Unknown types inside a sample are skipped (room for additions without
 *   a version bump); everything else must nest as above.  A file may hold
 *   many samples (e.g. -n 10 --record); a replay plays them in order.
 *
 * A reader checks the 16-byte header before reading anything else, then
 * walks the record headers of the whole file (skipping the payloads) to
 * validate it: a truncated or corrupt file is refused with a message
 * saying where, it never reaches the parser.  Samples are then read one at
 * a time (memory: the largest sample, not the file).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/i18n.h"
#include "core/safefile.h"
#include "core/util.h"
#include "record.h"

#define REC_MAGIC "SWREC\0\r\n"
#define REC_VERSION 1u
#define REC_BOM 0x01020304u
#define REC_HDR 16
#define REC_MAX_PAYLOAD (64u << 20)

struct rec_hdr {
	uint32_t type;
	uint32_t len;
};

_Static_assert(sizeof(struct rec_sample) == 144, "rec_sample layout");
_Static_assert(sizeof(struct rec_dump) == 24, "rec_dump layout");

/* ---------------------------------------------------------------- write */

struct record_writer {
	FILE *f;
	int err;         /* first write error (-errno) */
	off_t dump_off;  /* where the current DUMP record starts */
};

static void w_bytes(struct record_writer *w, const void *p, size_t n)
{
	if (w->err || n == 0)
		return;
	if (fwrite(p, 1, n, w->f) != n)
		w->err = errno ? -errno : -EIO;
}

static void w_record(struct record_writer *w, uint32_t type, const void *a,
		     size_t alen, const void *b, size_t blen)
{
	static const uint8_t zero[8];
	struct rec_hdr h = {type, (uint32_t)(alen + blen)};
	w_bytes(w, &h, sizeof h);
	w_bytes(w, a, alen);
	w_bytes(w, b, blen);
	w_bytes(w, zero, (8 - (alen + blen) % 8) % 8);
}

struct record_writer *record_create(const char *path, char *err, size_t errlen)
{
	/* Never truncate or hang on what is not a regular file (a FIFO
	 * without a reader, a device). */
	int fd = sw_create_regular(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (fd >= 0 && !f) {
		int e = errno;
		close(fd);
		fd = -e;
	}
	if (fd < 0 || !f) {
		snprintf(err, errlen, _("cannot create recording %s: %s"), path,
			 sw_file_strerror(-fd));
		return NULL;
	}
	struct record_writer *w = xcalloc(1, sizeof *w);
	w->f = f;
	uint32_t v[2] = {REC_VERSION, REC_BOM};
	w_bytes(w, REC_MAGIC, 8);
	w_bytes(w, v, sizeof v);
	if (w->err) {
		snprintf(err, errlen, _("cannot write recording %s: %s"), path,
			 strerror(-w->err));
		fclose(f);
		free(w);
		return NULL;
	}
	return w;
}

int record_close(struct record_writer *w)
{
	if (!w)
		return 0;
	int e = w->err;
	if (fclose(w->f) != 0 && !e)
		e = -errno;
	free(w);
	return e;
}

void record_sample_begin(struct record_writer *w, const struct rec_sample *m)
{
	w_record(w, REC_SAMPLE_BEGIN, m, sizeof *m, NULL, 0);
}

void record_dump_begin(struct record_writer *w, const struct rec_dump *d)
{
	w->dump_off = ftello(w->f);
	w_record(w, REC_DUMP, d, sizeof *d, NULL, 0);
}

void record_chunk(struct record_writer *w, const void *buf, size_t len)
{
	w_record(w, REC_CHUNK, buf, len, NULL, 0);
}

void record_dump_abort(struct record_writer *w)
{
	if (w->err)
		return;
	if (fflush(w->f) != 0 || ftruncate(fileno(w->f), w->dump_off) != 0 ||
	    fseeko(w->f, w->dump_off, SEEK_SET) != 0)
		w->err = -errno;
}

/* A REC_KSTAT / REC_PROCNET record: u16 name length, name (cut to
 * maxname bytes), text. */
static void w_named(struct record_writer *w, uint32_t type, size_t maxname,
		    const char *name, const char *text, size_t len)
{
	size_t nl = strlen(name);
	uint8_t hdr[2 + 64];
	if (nl > maxname)
		nl = maxname;
	uint16_t n16 = (uint16_t)nl;
	memcpy(hdr, &n16, 2);
	memcpy(hdr + 2, name, nl);
	w_record(w, type, hdr, 2 + nl, text, len);
}

void record_kstat(struct record_writer *w, const char *name, const char *text,
		  size_t len)
{
	w_named(w, REC_KSTAT, 64, name, text, len);
}

void record_procnet(struct record_writer *w, const char *name, const char *text,
		    size_t len)
{
	w_named(w, REC_PROCNET, 63, name, text, len);
}

int record_sample_end(struct record_writer *w, uint64_t collect_us)
{
	struct rec_sample_end e = {collect_us};
	w_record(w, REC_SAMPLE_END, &e, sizeof e, NULL, 0);
	if (!w->err && fflush(w->f) != 0)
		w->err = -errno;
	return w->err;
}

/* ----------------------------------------------------------------- read */

struct rec_span {
	size_t off, end; /* SAMPLE_BEGIN record .. just after its SAMPLE_END */
};

/* A recording is streamed: record_open() walks the record headers once to
 * validate and index the samples, then reads one sample at a time into buf
 * (the largest sample is what stays in memory, not the file).
 * record_open_mem() keeps a copy of the whole buffer in mem instead. */
struct record_reader {
	int fd;          /* the file, or -1 when mem holds it */
	uint8_t *mem;    /* record_open_mem: the whole file (malloc, 8-aligned) */
	size_t len;      /* file length */
	struct rec_span *samples;
	size_t nsamples;
	uint8_t *buf;    /* the current sample when streaming (malloc) */
	size_t bufcap;
	const uint8_t *cur; /* the current sample's bytes (in mem or buf) */
	size_t curlen;
	size_t pos;      /* next record within cur */
};

/* n bytes of the file at off, from memory or the file: false if short. */
static bool get(const struct record_reader *r, size_t off, void *dst, size_t n)
{
	if (off > r->len || r->len - off < n)
		return false;
	if (r->mem) {
		memcpy(dst, r->mem + off, n);
		return true;
	}
	size_t got = 0;
	while (got < n) {
		ssize_t k = pread(r->fd, (uint8_t *)dst + got, n - got, (off_t)(off + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		got += (size_t)k;
	}
	return true;
}

/* The record header at off (of a region of len bytes): false unless the
 * whole record fits. */
static bool hdr_fits(struct rec_hdr *h, size_t off, size_t len, size_t *next)
{
	size_t padded = ((size_t)h->len + 7) & ~(size_t)7;
	if (h->len > REC_MAX_PAYLOAD || len - off - sizeof *h < padded)
		return false;
	*next = off + sizeof *h + padded;
	return true;
}

static bool file_rec_at(const struct record_reader *r, size_t off, struct rec_hdr *h,
			size_t *next)
{
	return get(r, off, h, sizeof *h) && hdr_fits(h, off, r->len, next);
}

/* A record of the current sample. */
static bool rec_at(const struct record_reader *r, size_t off, struct rec_hdr *h,
		   size_t *next)
{
	if (r->curlen < off || r->curlen - off < sizeof *h)
		return false;
	memcpy(h, r->cur + off, sizeof *h);
	return hdr_fits(h, off, r->curlen, next);
}

static const char *validate(struct record_reader *r, size_t *where)
{
	size_t off = REC_HDR, cap = 0;
	bool in_sample = false, in_dump = false;
	struct rec_hdr h;
	size_t next;

	while (off < r->len) {
		*where = off;
		if (!file_rec_at(r, off, &h, &next))
			return N_("truncated record");
		switch (h.type) {
		case REC_SAMPLE_BEGIN:
			if (in_sample)
				return N_("sample not ended");
			if (h.len != sizeof(struct rec_sample))
				return N_("bad sample header");
			r->samples = xgrow(r->samples, &cap, r->nsamples + 1,
					   sizeof *r->samples);
			r->samples[r->nsamples++] = (struct rec_span){off, 0};
			in_sample = true;
			in_dump = false;
			break;
		case REC_DUMP:
			if (!in_sample)
				return N_("dump outside a sample");
			if (h.len != sizeof(struct rec_dump))
				return N_("bad dump header");
			in_dump = true;
			break;
		case REC_CHUNK:
			if (!in_dump)
				return N_("data outside a dump");
			break;
		case REC_KSTAT:
		case REC_PROCNET: {
			uint16_t nl;
			if (!in_sample)
				return N_("kernel settings outside a sample");
			if (h.len < 2)
				return N_("bad kernel settings record");
			if (!get(r, off + sizeof h, &nl, 2))
				return N_("truncated record");
			if (nl == 0 || nl > 63 || (size_t)nl + 2 > h.len)
				return N_("bad kernel settings record");
			break;
		}
		case REC_SAMPLE_END:
			if (!in_sample)
				return N_("sample end without a start");
			if (h.len != sizeof(struct rec_sample_end))
				return N_("bad sample end");
			r->samples[r->nsamples - 1].end = next;
			in_sample = in_dump = false;
			break;
		default:
			if (!in_sample)
				return N_("unknown record type");
			break;
		}
		off = next;
	}
	*where = off;
	if (in_sample)
		return N_("recording truncated (last sample incomplete)");
	if (r->nsamples == 0)
		return N_("recording holds no sample");
	return NULL;
}

static bool header_ok(const void *buf, size_t len, char *err, size_t errlen)
{
	uint32_t v[2];
	if (len < REC_HDR || memcmp(buf, REC_MAGIC, 8) != 0) {
		snprintf(err, errlen, "%s", _("not a sockwatch recording (bad magic)"));
		return false;
	}
	memcpy(v, (const uint8_t *)buf + 8, sizeof v);
	if (v[1] != REC_BOM) {
		snprintf(err, errlen, "%s",
			 _("recording made on a machine with another byte order"));
		return false;
	}
	if (v[0] != REC_VERSION) {
		snprintf(err, errlen, _("unsupported recording version %u (this is %u)"),
			 v[0], REC_VERSION);
		return false;
	}
	return true;
}

/* Validate and index r (fd or mem set, len known); frees r on failure. */
static struct record_reader *reader_index(struct record_reader *r, char *err,
					  size_t errlen)
{
	size_t where = 0;
	const char *why = validate(r, &where);
	if (why) {
		snprintf(err, errlen, _("corrupt recording at byte %zu: %s"), where, _(why));
		record_reader_free(r);
		return NULL;
	}
	if (!record_seek_sample(r, 0)) {
		snprintf(err, errlen, "%s", _("short read"));
		record_reader_free(r);
		return NULL;
	}
	return r;
}

struct record_reader *record_open_mem(const void *buf, size_t len, char *err,
				      size_t errlen)
{
	if (!header_ok(buf, len, err, errlen))
		return NULL;
	struct record_reader *r = xcalloc(1, sizeof *r);
	r->fd = -1;
	r->mem = xmalloc(len);
	memcpy(r->mem, buf, len);
	r->len = len;
	return reader_index(r, err, errlen);
}

struct record_reader *record_open(const char *path, char *err, size_t errlen)
{
	/* O_NONBLOCK and regular files only: a FIFO must not hang start-up. */
	int fd = sw_open_regular(path, O_RDONLY, 0);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		snprintf(err, errlen, _("cannot open recording %s: %s"), path,
			 sw_file_strerror(fd < 0 ? -fd : errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	/* The header first: a file that is no recording is refused before
	 * anything else is read.  Then the record headers are walked (the
	 * payloads are skipped) and samples are read one at a time. */
	uint8_t hdr[REC_HDR];
	char why[256];
	struct record_reader *r = xcalloc(1, sizeof *r);
	r->fd = fd;
	r->len = (size_t)st.st_size;
	bool have = get(r, 0, hdr, REC_HDR);
	if (!have)
		snprintf(why, sizeof why, "%s", _("not a sockwatch recording (bad magic)"));
	if (!have || !header_ok(hdr, REC_HDR, why, sizeof why)) {
		record_reader_free(r);
		r = NULL;
	} else {
		r = reader_index(r, why, sizeof why); /* freed on failure */
	}
	if (!r)
		snprintf(err, errlen, "%s: %s", path, why);
	return r;
}

void record_reader_free(struct record_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	free(r->mem);
	free(r->buf);
	free(r->samples);
	free(r);
}

size_t record_nsamples(const struct record_reader *r)
{
	return r->nsamples;
}

const struct rec_sample *record_seek_sample(struct record_reader *r, size_t i)
{
	if (i >= r->nsamples)
		return NULL;
	size_t off = r->samples[i].off, n = r->samples[i].end - off;
	if (r->mem) {
		r->cur = r->mem + off;
	} else {
		if (n > r->bufcap) {
			free(r->buf);
			r->buf = xmalloc(n);
			r->bufcap = n;
		}
		r->cur = NULL;
		r->curlen = 0;
		if (!get(r, off, r->buf, n))
			return NULL; /* the file changed under us */
		r->cur = r->buf;
	}
	r->curlen = n;
	r->pos = sizeof(struct rec_hdr) + sizeof(struct rec_sample);
	return (const struct rec_sample *)(const void *)(r->cur + sizeof(struct rec_hdr));
}

bool record_next(struct record_reader *r, struct rec_item *it)
{
	struct rec_hdr h;
	size_t next;
	/* validated on open; rec_at() keeps every record inside the sample */
	while (rec_at(r, r->pos, &h, &next)) {
		const uint8_t *p = r->cur + r->pos + sizeof h;
		if (h.type == REC_SAMPLE_END || h.type == REC_SAMPLE_BEGIN)
			return false;
		r->pos = next;
		if ((h.type < REC_DUMP || h.type > REC_KSTAT) && h.type != REC_PROCNET)
			continue; /* unknown: skipped */
		memset(it, 0, sizeof *it);
		it->type = (enum rec_type)h.type;
		it->data = p;
		it->len = h.len;
		if (h.type == REC_KSTAT || h.type == REC_PROCNET) {
			uint16_t nl;
			memcpy(&nl, p, 2);
			/* checked on open, but a streamed file may have changed */
			if (h.len < 2 || nl == 0 || nl > 63 || (size_t)nl + 2 > h.len)
				continue;
			memcpy(it->name, p + 2, nl);
			it->name[nl] = '\0';
			it->text = (const char *)p + 2 + nl;
			it->textlen = h.len - 2u - nl;
		}
		return true;
	}
	return false;
}
