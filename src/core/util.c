#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

void *xgrow(void *p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return p;
	size_t c = *cap ? *cap : 16;
	while (c < need)
		c *= 2;
	if (c > SIZE_MAX / elem)
		oom(SIZE_MAX);
	p = xrealloc(p, c * elem);
	*cap = c;
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

/* Small open-addressing cache uid -> name. */
#define UCACHE 256
static struct {
	uint32_t uid;
	bool used;
	char name[33];
} ucache[UCACHE];

const char *sw_user_name(uint32_t uid)
{
	unsigned h = (unsigned)(sw_hash64(uid) % UCACHE);
	for (unsigned i = 0; i < UCACHE; i++) {
		unsigned k = (h + i) % UCACHE;
		if (ucache[k].used && ucache[k].uid == uid)
			return ucache[k].name;
		if (!ucache[k].used) {
			struct passwd pw, *res = NULL;
			char buf[1024];
			ucache[k].used = true;
			ucache[k].uid = uid;
			if (getpwuid_r(uid, &pw, buf, sizeof buf, &res) == 0 && res)
				sw_strlcpy(ucache[k].name, pw.pw_name, sizeof ucache[k].name);
			else
				snprintf(ucache[k].name, sizeof ucache[k].name, "%u", uid);
			return ucache[k].name;
		}
	}
	/* full: format into a rotating static */
	static char tmp[4][16];
	static int t;
	t = (t + 1) % 4;
	snprintf(tmp[t], sizeof tmp[t], "%u", uid);
	return tmp[t];
}

bool sw_blank(const char *s)
{
	return !s || !s[strspn(s, " \t\r\n")];
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
