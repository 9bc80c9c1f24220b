/* SPDX-License-Identifier: GPL-2.0-or-later */
/* driver.c - a tiny stand-in for libFuzzer, so the fuzz targets build with
 * gcc and run in `make check` (under --enable-sanitizers that is where
 * memory errors show up).
 *
 *   fuzz_X [-n ITERATIONS] [-s SEED] [-m MAXLEN] [-T SECONDS] [-t TIMEOUT]
 *          [-x DICT] [-a ARTIFACT_DIR] [-v] PATH...
 *
 * Every file in PATH (files, or directories of files) is run as it is,
 * then ITERATIONS inputs made by stacking 1-8 random mutations on a corpus
 * entry (bit flips, interesting bytes and integers, small arithmetic on
 * 8/16/32-bit fields, deletions, insertions, duplications, splices with
 * another entry, dictionary tokens, truncation).  The mutations depend only
 * on SEED and the corpus, so a failure reproduces with the same command;
 * there is no coverage feedback (that is what libfuzzer.sh is for).
 *
 * A crash, sanitizer report, abort or time-out (-t, default 10 s per input)
 * saves the input as ARTIFACT_DIR/crash-<target>-<seed>-<iteration> (default
 * directory: the current one) and says so on stderr; rerun the target on that
 * file to reproduce.  -T stops the mutation phase after that many seconds
 * (a safety net for slow machines; it says so).  DICT uses libFuzzer's
 * format: one "token" per line (optionally name="token"), with \\ \" \xHH
 * escapes; # starts a comment.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

/* Sanitizer runtimes call this before exiting on a report (weak: absent in
 * plain builds). */
void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

/* gcc links UBSan as its own runtime, whose reports do not run ASan's death
 * callback: make them abort instead, so the SIGABRT handler saves the input
 * (UBSAN_OPTIONS in the environment still wins). */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "print_stacktrace=1:abort_on_error=1:halt_on_error=1";
}

struct blob {
	uint8_t *p;
	size_t n;
};

static struct blob *corpus;
static size_t ncorpus, capcorpus;
static struct blob *dict;
static size_t ndict, capdict;

/* the input being run, for the crash handler */
static const uint8_t *cur_data;
static size_t cur_size;
static char cur_label[PATH_MAX];
static char artifact[PATH_MAX];
static const char *prog = "fuzz";

static void *xmem(void *p)
{
	if (!p) {
		fprintf(stderr, "%s: out of memory\n", prog);
		exit(2);
	}
	return p;
}

static void push(struct blob **v, size_t *n, size_t *cap, uint8_t *p, size_t len)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*v = xmem(realloc(*v, *cap * sizeof **v));
	}
	(*v)[*n].p = p;
	(*v)[(*n)++].n = len;
}

/* ------------------------------------------------------------ crashes */

static void put(const char *s)
{
	ssize_t r = write(2, s, strlen(s));
	(void)r;
}

/* Async-signal-safe: only open/write/close. */
static void save_input(void)
{
	static volatile sig_atomic_t saved;
	if (saved || !cur_data)
		return;
	saved = 1;
	int fd = open(artifact, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		size_t off = 0;
		while (off < cur_size) {
			ssize_t w = write(fd, cur_data + off, cur_size - off);
			if (w <= 0)
				break;
			off += (size_t)w;
		}
		close(fd);
	}
	put("fuzz: failing input (");
	put(cur_label);
	put(") saved as ");
	put(fd >= 0 ? artifact : "(could not write it)");
	put("\n");
}

static void on_signal(int sig)
{
	if (sig == SIGALRM)
		put("fuzz: time-out: one input ran too long\n");
	save_input();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* -------------------------------------------------------------- input */

static bool read_all(const char *path, uint8_t **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	size_t cap = 4096, n = 0;
	uint8_t *b = xmem(malloc(cap));
	size_t r;
	while ((r = fread(b + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap)
			b = xmem(realloc(b, cap *= 2));
	}
	bool ok = !ferror(f);
	fclose(f);
	if (!ok) {
		free(b);
		return false;
	}
	*out = b;
	*len = n;
	return true;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files of path (sorted, so the corpus order and thus the mutations do not
 * depend on the directory's order). */
static int load_path(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		uint8_t *b;
		size_t n;
		if (!read_all(path, &b, &n)) {
			fprintf(stderr, "%s: cannot read %s: %s\n", prog, path, strerror(errno));
			return -1;
		}
		push(&corpus, &ncorpus, &capcorpus, b, n);
		return 0;
	}
	DIR *d = opendir(path);
	if (!d) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t nn = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (nn == cap)
			names = xmem(realloc(names, (cap = cap ? cap * 2 : 32) * sizeof *names));
		names[nn++] = xmem(strdup(e->d_name));
	}
	closedir(d);
	if (nn)
		qsort(names, nn, sizeof *names, cmp_str);
	int rc = 0;
	for (size_t i = 0; i < nn; i++) {
		char p[PATH_MAX];
		snprintf(p, sizeof p, "%s/%s", path, names[i]);
		if (rc == 0 && load_path(p) != 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int load_dict(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return -1;
	}
	char line[4096];
	unsigned lineno = 0;
	int rc = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char *q = line;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q == '#' || *q == '\n' || *q == '\0')
			continue;
		q = strchr(q, '"');
		if (!q) {
			fprintf(stderr, "%s:%u: expected \"token\"\n", path, lineno);
			rc = -1;
			break;
		}
		q++;
		uint8_t *tok = xmem(malloc(strlen(q) + 1));
		size_t n = 0;
		bool closed = false;
		while (*q) {
			if (*q == '"') {
				closed = true;
				break;
			}
			if (*q == '\\' && q[1] == 'x' && hexval(q[2]) >= 0 && hexval(q[3]) >= 0) {
				tok[n++] = (uint8_t)(hexval(q[2]) * 16 + hexval(q[3]));
				q += 4;
			} else if (*q == '\\' && (q[1] == '\\' || q[1] == '"')) {
				tok[n++] = (uint8_t)q[1];
				q += 2;
			} else {
				tok[n++] = (uint8_t)*q++;
			}
		}
		if (!closed || n == 0) {
			fprintf(stderr, "%s:%u: bad token\n", path, lineno);
			free(tok);
			rc = -1;
			break;
		}
		push(&dict, &ndict, &capdict, tok, n);
	}
	fclose(f);
	return rc;
}

/* ---------------------------------------------------------- mutation */

static uint64_t rng;

static uint64_t rnd(void) /* splitmix64 */
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static size_t below(size_t n) /* 0..n-1, n > 0 */
{
	return (size_t)(rnd() % n);
}

static const uint8_t int8s[] = {0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 0x7f,
				0x80, 0xfe, 0xff, '\n', ' ', ':', ',', '=', '-', '0',
				'9', '"', '\\', '\t', '\r', '[', ']', '/', '('};
static const uint32_t int32s[] = {0, 1, 2, 4, 8, 12, 16, 20, 24, 32, 40, 64, 72,
				  100, 127, 128, 255, 256, 512, 1000, 1024, 4095,
				  4096, 32767, 32768, 65535, 65536, 100663296,
				  0x7fffffff, 0x80000000, 0xfffff001, 0xfffffffe,
				  0xffffffff};

/* Apply one mutation to buf (len bytes, room for max); returns new len. */
static size_t mutate_once(uint8_t *buf, size_t len, size_t max)
{
	switch (below(12)) {
	case 0: /* flip a bit */
		if (len)
			buf[below(len)] ^= (uint8_t)(1u << below(8));
		return len;
	case 1: /* interesting byte */
		if (len)
			buf[below(len)] = int8s[below(sizeof int8s)];
		return len;
	case 2: { /* interesting 16/32-bit value, host order, often aligned */
		uint32_t v = int32s[below(sizeof int32s / sizeof int32s[0])];
		size_t w = below(2) ? 4 : 2;
		if (len < w)
			return len;
		size_t off = below(len - w + 1);
		if (below(4))
			off &= ~(size_t)3;
		if (w == 2) {
			uint16_t v16 = (uint16_t)v;
			memcpy(buf + off, &v16, 2);
		} else {
			memcpy(buf + off, &v, 4);
		}
		return len;
	}
	case 3: { /* small arithmetic on an aligned 16/32-bit field */
		if (len < 4)
			return len;
		size_t off = below(len - 3) & ~(size_t)1;
		int delta = (int)below(33) - 16;
		if (below(2)) {
			uint16_t v;
			memcpy(&v, buf + off, 2);
			v = (uint16_t)(v + delta);
			memcpy(buf + off, &v, 2);
		} else {
			uint32_t v;
			off &= ~(size_t)3;
			memcpy(&v, buf + off, 4);
			v += (uint32_t)delta;
			memcpy(buf + off, &v, 4);
		}
		return len;
	}
	case 4: /* random byte */
		if (len)
			buf[below(len)] = (uint8_t)rnd();
		return len;
	case 5: { /* delete a range */
		if (!len)
			return len;
		size_t off = below(len), n = 1 + below(len - off < 64 ? len - off : 64);
		memmove(buf + off, buf + off + n, len - off - n);
		return len - n;
	}
	case 6: { /* insert random or repeated bytes */
		size_t n = 1 + below(16);
		if (len + n > max)
			return len;
		size_t off = below(len + 1);
		memmove(buf + off + n, buf + off, len - off);
		uint8_t b = (uint8_t)rnd();
		for (size_t i = 0; i < n; i++)
			buf[off + i] = below(2) ? b : (uint8_t)rnd();
		return len + n;
	}
	case 7: { /* duplicate a range elsewhere (insert) */
		if (!len)
			return len;
		size_t src = below(len), n = 1 + below(len - src < 128 ? len - src : 128);
		if (len + n > max)
			return len;
		size_t dst = below(len + 1);
		uint8_t tmp[128];
		memcpy(tmp, buf + src, n);
		memmove(buf + dst + n, buf + dst, len - dst);
		memcpy(buf + dst, tmp, n);
		return len + n;
	}
	case 8: { /* splice: overwrite or insert a piece of another entry */
		const struct blob *o = &corpus[below(ncorpus)];
		if (!o->n)
			return len;
		size_t src = below(o->n), n = 1 + below(o->n - src);
		if (n > max / 2)
			n = max / 2;
		if (below(2) && len >= n) {
			memcpy(buf + below(len - n + 1), o->p + src, n);
			return len;
		}
		if (len + n > max)
			return len;
		size_t dst = below(len + 1);
		memmove(buf + dst + n, buf + dst, len - dst);
		memcpy(buf + dst, o->p + src, n);
		return len + n;
	}
	case 9: { /* dictionary token: insert or overwrite */
		if (!ndict)
			return mutate_once(buf, len, max);
		const struct blob *t = &dict[below(ndict)];
		if (below(2) && len >= t->n) {
			memcpy(buf + below(len - t->n + 1), t->p, t->n);
			return len;
		}
		if (len + t->n > max)
			return len;
		size_t dst = below(len + 1);
		memmove(buf + dst + t->n, buf + dst, len - dst);
		memcpy(buf + dst, t->p, t->n);
		return len + t->n;
	}
	case 10: /* truncate */
		return len ? below(len) : 0;
	default: { /* swap two bytes */
		if (len < 2)
			return len;
		size_t a = below(len), b = below(len);
		uint8_t t = buf[a];
		buf[a] = buf[b];
		buf[b] = t;
		return len;
	}
	}
}

/* ------------------------------------------------------------- running */

static void run_one(const uint8_t *data, size_t size)
{
	/* an exact-size heap copy, so reading one byte past the end is caught */
	uint8_t *copy = xmem(malloc(size ? size : 1));
	memcpy(copy, data, size);
	cur_data = copy;
	cur_size = size;
	LLVMFuzzerTestOneInput(copy, size);
	cur_data = NULL;
	free(copy);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: %s [-n ITERATIONS] [-s SEED] [-m MAXLEN] [-T SECONDS] [-t TIMEOUT]\n"
		"       [-x DICT] [-a ARTIFACT_DIR] [-v] PATH...\n", prog);
	exit(2);
}

static unsigned long num(const char *s)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 0);
	if (!*s || *end || errno)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	unsigned long iters = 0, seed = 1, maxlen = 1u << 16, budget = 0, timeout = 10;
	const char *adir = ".";
	bool verbose = false;
	int opt;

	prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	while ((opt = getopt(argc, argv, "n:s:m:T:t:x:a:v")) != -1) {
		switch (opt) {
		case 'n': iters = num(optarg); break;
		case 's': seed = num(optarg); break;
		case 'm': maxlen = num(optarg); break;
		case 'T': budget = num(optarg); break;
		case 't': timeout = num(optarg); break;
		case 'x':
			if (load_dict(optarg) != 0)
				return 2;
			break;
		case 'a': adir = optarg; break;
		case 'v': verbose = true; break;
		default: usage();
		}
	}
	if (optind >= argc || maxlen == 0)
		usage();
	for (int i = optind; i < argc; i++)
		if (load_path(argv[i]) != 0)
			return 2;
	if (!ncorpus) {
		fprintf(stderr, "%s: empty corpus\n", prog);
		return 2;
	}

	/* with a sanitizer, its own handlers report faults (and then call the
	 * death callback); aborts (failed checks, UBSan) and time-outs are ours */
	static const int sigs[] = {SIGABRT, SIGALRM, SIGSEGV, SIGBUS, SIGFPE, SIGILL};
	size_t nsigs = sizeof sigs / sizeof sigs[0];
	if (__sanitizer_set_death_callback) {
		__sanitizer_set_death_callback(save_input);
		nsigs = 2;
	}
	for (size_t i = 0; i < nsigs; i++)
		signal(sigs[i], on_signal);

	double t0 = now();
	snprintf(artifact, sizeof artifact, "%s/crash-%s-corpus", adir, prog);
	for (size_t i = 0; i < ncorpus; i++) {
		snprintf(cur_label, sizeof cur_label, "corpus entry %zu", i);
		alarm((unsigned)timeout);
		run_one(corpus[i].p, corpus[i].n);
	}
	alarm(0);

	uint8_t *buf = xmem(malloc(maxlen));
	unsigned long done = 0;
	rng = seed;
	for (; done < iters; done++) {
		if (budget && (done & 63) == 0 && now() - t0 > (double)budget) {
			fprintf(stderr, "%s: time budget of %lu s used up after %lu of %lu "
				"mutations\n", prog, budget, done, iters);
			break;
		}
		const struct blob *b = &corpus[below(ncorpus)];
		size_t len = b->n < maxlen ? b->n : maxlen;
		memcpy(buf, b->p, len);
		int k = 1 + (int)below(8);
		for (int j = 0; j < k; j++)
			len = mutate_once(buf, len, maxlen);
		snprintf(cur_label, sizeof cur_label, "seed %lu, mutation %lu", seed, done);
		snprintf(artifact, sizeof artifact, "%s/crash-%s-%lu-%lu", adir, prog, seed, done);
		alarm((unsigned)timeout);
		run_one(buf, len);
	}
	alarm(0);
	if (verbose || iters)
		printf("%s: %zu corpus inputs, %lu mutations (seed %lu) in %.2f s: ok\n", prog,
		       ncorpus, done, seed, now() - t0);
	free(buf);
	for (size_t i = 0; i < ncorpus; i++)
		free(corpus[i].p);
	free(corpus);
	for (size_t i = 0; i < ndict; i++)
		free(dict[i].p);
	free(dict);
	return 0;
}
