/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <math.h>
#include <errno.h>
#include <pthread.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <wchar.h>

#include "i18n.h"
#include "util.h"

static void oom(size_t n)
{
	fprintf(stderr, _("sockwatch: out of memory (%zu bytes)\n"), n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

/* Arrays of several megabytes (a snapshot's records, a table's text at
 * 100k sockets) are asked to use transparent huge pages where the system
 * leaves that to the program (THP "madvise"): a listing sorted by address
 * reads its records in sort order, one 4 KB page after another at random,
 * and with a TLB miss a row that was a tenth of `sockwatch -b -t -a -n`'s
 * time at 100k sockets (with snapshot_reserve, which makes the records'
 * array before they are written).  Fewer page faults too.  A kernel
 * without THP, or set to "never", just says no. */
#define HUGE_ARRAY (4u << 20)
static void huge_pages(void *p, size_t len)
{
#ifdef MADV_HUGEPAGE
	/* the whole pages of the block: one flag on its mapping (a part
	 * would split it, and the next realloc could not mremap it) */
	const uintptr_t pg = 4096;
	uintptr_t a = (uintptr_t)p & ~(pg - 1), e = ((uintptr_t)p + len + pg - 1) & ~(pg - 1);
	(void)madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
	(void)p;
	(void)len;
#endif
}

/* Arrays of a megabyte or more made afresh (a listing's view, the sort's
 * keys and buffers, a dedupe table) start on a 2 MB boundary, so
 * transparent huge pages back each whole 2 MB of them, not just the
 * aligned middle of a larger block.  On the paravirtualized VMs this is
 * measured on a 4 KB page fault costs ~10 us: faulting in 8 MB took 23 ms
 * in 4 KB pages and 0.4 ms in huge ones, and `sockwatch -b -a -t` at 100k
 * sockets took 3,400 faults, 2,600 of them in such arrays.
 * In a process that fills its arrays once (a single listing,
 * xalloc_set_oneshot) a block from 256 KB and below 8 MB is also rounded
 * up to whole huge pages: at most 2 MB more, and a 1.6 MB array gets one
 * huge page instead of none.  Otherwise, and above 8 MB, the tail is in 4 KB pages, resident
 * only as far as it is written: the monitor keeps and reuses its arrays,
 * so it faults them in once, and rounded it took 15 MB more at 100k. */
#define BIG_ARRAY (1u << 20)
/* In a single listing from this size: a 512 KB radix count array and an
 * 800 KB array of second sort keys were 320 of the 566 page faults of
 * `-b -a -t` at 100k (3 ms), against ~0.2 ms to clear one huge page. */
#define BIG_ARRAY_ONESHOT (256u << 10)
#define HUGE_PAGE (2u << 20)
#define ROUND_BELOW (8u << 20)
static bool round_huge;

static size_t big_array(void)
{
	return round_huge ? BIG_ARRAY_ONESHOT : BIG_ARRAY;
}

void xalloc_set_oneshot(bool oneshot)
{
	round_huge = oneshot;
}

void *xmalloc_big(size_t n)
{
	if (n < big_array())
		return xmalloc(n);
	size_t r = round_huge && n < ROUND_BELOW ? (n + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1) : n;
	void *p = NULL;
	if (posix_memalign(&p, HUGE_PAGE, r) != 0)
		oom(r);
	huge_pages(p, r);
	return p;
}

void *xgrow_slow(void *p, size_t *cap, size_t need, size_t elem)
{
	/* (xgrow has checked that need > *cap) */
	if (need > SIZE_MAX / elem)
		oom(SIZE_MAX);
	size_t c = *cap ? *cap : 16;
	while (c < need) /* doubling, without wrapping to 0 past 2^63 */
		c = c > SIZE_MAX / 2 ? need : c * 2;
	if (c > SIZE_MAX / elem)
		c = need;
	if (!p && c * elem >= big_array()) {
		*cap = c;
		return xmalloc_big(c * elem);
	}
	p = xrealloc(p, c * elem);
	*cap = c;
	if (c * elem >= HUGE_ARRAY)
		huge_pages(p, c * elem);
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = xmalloc(n);
	memcpy(p, s, n);
	return p;
}

uint64_t sw_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

unsigned sw_env_ms(const char *name)
{
	const char *e = getenv(name);
	char *end;
	unsigned long v = e ? strtoul(e, &end, 10) : 0;
	return e && *e && !*end && v <= 3600000ul ? (unsigned)v : 0;
}

void sw_sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

bool sw_pace(uint64_t *next, uint64_t step_ns, const volatile int *stop)
{
	*next += step_ns;
	uint64_t now = sw_mono_ns();
	if (*next < now)
		*next = now;
	struct timespec ts = {.tv_sec = (time_t)(*next / 1000000000u),
			      .tv_nsec = (long)(*next % 1000000000u)};
	while (!*stop) {
		int e = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		if (e != EINTR)
			return true;
	}
	return false;
}

size_t sw_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);
	if (size) {
		size_t c = n < size - 1 ? n : size - 1;
		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

size_t sw_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0) {
		buf[0] = '\0';
		return 0;
	}
	return (size_t)n < size ? (size_t)n : size - 1;
}

static char *fmt_scaled(double v, const char *suffix, char *buf, size_t len)
{
	static const char units[] = " KMGTPE";
	int u = 0;
	while (v >= 1024.0 && u < 6) {
		v /= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%.0f%s", v, suffix);
	else if (v < 10)
		snprintf(buf, len, "%.1f%c%s", v, units[u], suffix);
	else
		snprintf(buf, len, "%.0f%c%s", v, units[u], suffix);
	return buf;
}

char *sw_fmt_bytes(double v, char *buf, size_t len)
{
	return fmt_scaled(v, "", buf, len);
}

char *sw_fmt_rate(double bps, char *buf, size_t len)
{
	return fmt_scaled(bps, "B/s", buf, len);
}

char *sw_fmt_ms(uint64_t ms, char *buf, size_t len)
{
	uint64_t s = ms / 1000;
	if (ms < 1000)
		snprintf(buf, len, "%llums", (unsigned long long)ms);
	else if (s < 60)
		snprintf(buf, len, "%.1fs", (double)ms / 1000.0);
	else if (s < 3600)
		snprintf(buf, len, "%llum%02llus", (unsigned long long)(s / 60),
			 (unsigned long long)(s % 60));
	else if (s < 86400)
		snprintf(buf, len, "%lluh%02llum", (unsigned long long)(s / 3600),
			 (unsigned long long)(s / 60 % 60));
	else
		snprintf(buf, len, "%llud%02lluh", (unsigned long long)(s / 86400),
			 (unsigned long long)(s / 3600 % 24));
	return buf;
}

bool sw_parse_seconds(const char *s, double *out)
{
	char *end;
	if (!s || !*s)
		return false;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || *end || v < 0 || v != v || v > 86400.0 * 365)
		return false;
	*out = v;
	return true;
}

/* Small open-addressing cache uid -> name.  The monitor's collection
 * thread sorts by user while the screen draws the column: one lock; an
 * entry never changes once filled, so the names handed out stay valid. */
#define UCACHE 256
static pthread_mutex_t ucache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	uint32_t uid;
	bool used;
	char name[33];
} ucache[UCACHE];

const char *sw_user_name(uint32_t uid)
{
	unsigned h = (unsigned)(sw_hash64(uid) % UCACHE);
	pthread_mutex_lock(&ucache_mu);
	for (unsigned i = 0; i < UCACHE; i++) {
		unsigned k = (h + i) % UCACHE;
		if (ucache[k].used && ucache[k].uid == uid) {
			pthread_mutex_unlock(&ucache_mu);
			return ucache[k].name;
		}
		if (!ucache[k].used) {
			struct passwd pw, *res = NULL;
			char buf[1024];
			ucache[k].used = true;
			ucache[k].uid = uid;
			if (getpwuid_r(uid, &pw, buf, sizeof buf, &res) == 0 && res)
				sw_strlcpy(ucache[k].name, pw.pw_name, sizeof ucache[k].name);
			else
				snprintf(ucache[k].name, sizeof ucache[k].name, "%u", uid);
			pthread_mutex_unlock(&ucache_mu);
			return ucache[k].name;
		}
	}
	pthread_mutex_unlock(&ucache_mu);
	/* full: format into a rotating buffer of this thread's */
	static __thread char tmp[4][16];
	static __thread int t;
	t = (t + 1) % 4;
	snprintf(tmp[t], sizeof tmp[t], "%u", uid);
	return tmp[t];
}

bool sw_blank(const char *s)
{
	return !s || !s[strspn(s, " \t\r\n")];
}

int sw_text_width(const char *s, size_t len)
{
	size_t i;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			break;
	if (i == len)
		return (int)len;
	int w = (int)i;
	mbstate_t ps;
	memset(&ps, 0, sizeof ps);
	while (i < len) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s + i, len - i, &ps);
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			memset(&ps, 0, sizeof ps);
			w++;
			i++;
			continue;
		}
		int cw = wcwidth(wc);
		w += cw < 0 ? 1 : cw;
		i += k;
	}
	return w;
}

bool sw_fmt_clock(int64_t sec, bool iso_utc, char *buf, size_t len)
{
	if (len)
		buf[0] = '\0';
	if (sec < 0 || sec > 253402300799LL) /* 9999-12-31T23:59:59Z */
		return false;
	time_t t = (time_t)sec;
	struct tm tm;
	if (!(iso_utc ? gmtime_r(&t, &tm) : localtime_r(&t, &tm)))
		return false;
	if (iso_utc)
		return strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0;
	return strftime(buf, len, "%H:%M:%S", &tm) > 0;
}

/* ---- text from the user, echoed in messages -------------------------------- */

/* The next character of s (n > 0 bytes left) as it is shown: a printable
 * UTF-8 character as is, \n \t \r, anything else (control characters, DEL,
 * C1 controls, bytes that are not UTF-8) as \xNN per byte. */
struct esc {
	char b[12];   /* the shown form, terminated */
	size_t in;    /* bytes of s it stands for */
	int cols;     /* terminal columns it takes */
};

static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len = s[0] >= 0xc2 && s[0] <= 0xdf ? 2
		     : s[0] >= 0xe0 && s[0] <= 0xef ? 3
		     : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4
						    : 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if (len == 2 && s[0] == 0xc2 && s[1] < 0xa0)
		return 0; /* U+0080..U+009F: C1 controls (0x9b is a CSI) */
	return len;
}

static void esc_next(const unsigned char *s, size_t n, struct esc *e)
{
	static const char named[] = {'\n', 'n', '\t', 't', '\r', 'r'};
	e->in = 1;
	for (size_t i = 0; i < sizeof named; i += 2)
		if (s[0] == (unsigned char)named[i]) {
			e->b[0] = '\\', e->b[1] = named[i + 1], e->b[2] = '\0';
			e->cols = 2;
			return;
		}
	if (s[0] >= 0x20 && s[0] < 0x7f) {
		e->b[0] = (char)s[0], e->b[1] = '\0';
		e->cols = 1;
		return;
	}
	size_t u = s[0] >= 0x80 ? utf8_len(s, n) : 0;
	if (u) {
		memcpy(e->b, s, u);
		e->b[u] = '\0';
		e->in = u;
		e->cols = 1;
		return;
	}
	snprintf(e->b, sizeof e->b, "\\x%02x", s[0]);
	e->cols = 4;
}

char *sw_escape(const char *s, size_t n, char *out, size_t len)
{
	size_t o = 0;
	struct esc e;
	if (!len)
		return out;
	for (size_t i = 0; i < n && s[i]; i += e.in) {
		esc_next((const unsigned char *)s + i, n - i, &e);
		size_t k = strlen(e.b);
		if (o + k >= len)
			break;
		memcpy(out + o, e.b, k);
		o += k;
	}
	out[o] = '\0';
	return out;
}

/* Columns of text shown before the caret and after it, at most. */
#define CARET_BEFORE 60
#define CARET_AFTER 60

/* Columns of the escaped form of s[from..to). */
static size_t esc_cols(const unsigned char *s, size_t n, size_t from, size_t to)
{
	size_t cols = 0;
	struct esc e;
	for (size_t i = from; i < to; i += e.in) {
		esc_next(s + i, n - i, &e);
		cols += (size_t)e.cols;
	}
	return cols;
}

void sw_show_caret(FILE *fp, const char *text, int pos)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strlen(text), at = pos < 0 ? 0 : (size_t)pos > n ? n : (size_t)pos;
	struct esc e;
	/* the window: from the first character with at most CARET_BEFORE
	 * columns to the caret, to CARET_AFTER columns past it */
	size_t skip = esc_cols(s, n, 0, at), start = 0, cols = 0;
	skip = skip > CARET_BEFORE ? skip - CARET_BEFORE : 0;
	for (; start < at && cols < skip; start += e.in) {
		esc_next(s + start, n - start, &e);
		cols += (size_t)e.cols;
	}
	size_t end = at;
	for (cols = 0; end < n && cols < CARET_AFTER; end += e.in) {
		esc_next(s + end, n - end, &e);
		cols += (size_t)e.cols;
	}
	fputs(start ? "  ..." : "  ", fp);
	for (size_t i = start; i < end; i += e.in) {
		esc_next(s + i, n - i, &e);
		fputs(e.b, fp);
	}
	fprintf(fp, "%s\n  %*s^\n", end < n ? "..." : "",
		(int)(esc_cols(s, n, start, at) + (start ? 3 : 0)), "");
}

/* ---- "did you mean" ------------------------------------------------------- */

/* Optimal string alignment distance (edits and adjacent transpositions),
 * case-insensitive, ignoring '-' and '_' ("timewiat" ~ "time-wait": 1). */
static int lev(const char *a0, const char *b0)
{
	char a[32], b[32];
	int la = 0, lb = 0;
	for (; *a0; a0++)
		if (*a0 != '-' && *a0 != '_') {
			if (la == 31)
				return 99;
			a[la++] = (char)tolower((unsigned char)*a0);
		}
	for (; *b0; b0++)
		if (*b0 != '-' && *b0 != '_') {
			if (lb == 31)
				return 99;
			b[lb++] = (char)tolower((unsigned char)*b0);
		}
	int d[32][32];
	for (int i = 0; i <= la; i++)
		d[i][0] = i;
	for (int j = 0; j <= lb; j++)
		d[0][j] = j;
	for (int i = 1; i <= la; i++) {
		for (int j = 1; j <= lb; j++) {
			int cost = a[i - 1] != b[j - 1];
			int v = d[i - 1][j - 1] + cost;
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

const char *sw_closest(const char *w, const char *const *cands, size_t n)
{
	const char *best = NULL;
	int bd = 99;
	for (size_t i = 0; i < n; i++) {
		int d = lev(w, cands[i]);
		if (d < bd) {
			bd = d;
			best = cands[i];
		}
	}
	int len = (int)strlen(w);
	if (best && bd <= 2 && bd < len && (len > 3 || bd <= 1))
		return best;
	return NULL;
}

/* ---- numbers in user text --------------------------------------------------- */

bool sw_parse_u64(const char *w, uint64_t max, uint64_t *out)
{
	int base = 10;
	const char *p = w;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!*p)
		return false;
	uint64_t v = 0;
	for (; *p; p++) {
		int d;
		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (base == 16 && isxdigit((unsigned char)*p))
			d = tolower((unsigned char)*p) - 'a' + 10;
		else
			return false;
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return false;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

bool sw_all_digits(const char *w)
{
	if (!*w)
		return false;
	for (; *w; w++)
		if (!isdigit((unsigned char)*w))
			return false;
	return true;
}

bool sw_parse_hostport(const char *s, struct sockaddr_storage *ss, unsigned *len)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *colon, *hs = s;
	size_t hl;
	bool v6 = s[0] == '[';
	if (v6) {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			return false;
		hs = s + 1;
		hl = (size_t)(close - hs);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || memchr(s, ':', (size_t)(colon - s)))
			return false; /* none, or an IPv6 address without brackets */
		hl = (size_t)(colon - s);
	}
	if (!hl || hl >= sizeof host)
		return false;
	memcpy(host, hs, hl);
	host[hl] = '\0';
	const char *ps = colon + 1;
	if (!*ps || strlen(ps) > 5 || strspn(ps, "0123456789") != strlen(ps))
		return false;
	long port = strtol(ps, NULL, 10);
	if (port < 1 || port > 65535)
		return false;
	memset(ss, 0, sizeof *ss);
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			return false;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		*len = sizeof *a;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			return false;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		*len = sizeof *a;
	}
	return true;
}

bool sw_dbl_is_ll(double v)
{
	return isfinite(v) && fabs(v) < 9.2e18 && v == (double)(long long)v;
}
