/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rcfile.c - see rcfile.h. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "rcfile.h"
#include "safefile.h"
#include "util.h"

int rcfile_default_path(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	int n;
	if (xdg && xdg[0] == '/')
		n = snprintf(buf, len, "%s/sockwatch/sockwatchrc", xdg);
	else if (home && *home)
		n = snprintf(buf, len, "%s/.config/sockwatch/sockwatchrc", home);
	else
		return -ENOENT;
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

int rcfile_parse(const char *name, const char *buf, size_t len,
		 struct diag_thresholds *t, rcfile_key_fn extra, void *ctx, FILE *warn)
{
	int warnings = 0;
	unsigned lineno = 0;
	size_t pos = 0;
	char line[1024];
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		pos = 3; /* a UTF-8 byte order mark, as some editors write */
	char err[256];
	while (pos < len) {
		size_t e = pos;
		while (e < len && buf[e] != '\n')
			e++;
		size_t n = e - pos;
		lineno++;
		bool toolong = n >= sizeof line;
		if (toolong)
			n = sizeof line - 1;
		memcpy(line, buf + pos, n);
		line[n] = '\0';
		pos = e + 1;
		if (memchr(line, '\0', n)) {
			n = strlen(line);
		}
		char *s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		err[0] = '\0';
		char *eq = strchr(s, '=');
		if (toolong) {
			snprintf(err, sizeof err, "%s", _("line too long, ignored"));
		} else if (!eq) {
			snprintf(err, sizeof err, _("expected key = value, got '%s'"), s);
		} else {
			*eq = '\0';
			char *key = trim(s), *val = trim(eq + 1);
			if (strcmp(key, "version") == 0) {
				char *end;
				long v = strtol(val, &end, 10);
				if (!*val || *end || v < 1)
					snprintf(err, sizeof err, _("bad version '%s'"), val);
				else if (v > RCFILE_VERSION)
					snprintf(err, sizeof err,
						 _("written by a newer sockwatch (version %ld > %d): "
						   "unknown keys are ignored"), v, RCFILE_VERSION);
			} else if (strncmp(key, "threshold.", 10) == 0) {
				diag_threshold_set(t, key + 10, val, err, sizeof err);
			} else {
				int rc = extra ? extra(ctx, key, val, err, sizeof err) : -ENOENT;
				if (rc == -ENOENT)
					snprintf(err, sizeof err, _("unknown key '%s', ignored"), key);
				else if (rc && !err[0])
					snprintf(err, sizeof err, _("bad value '%s' for %s"), val, key);
			}
		}
		if (err[0]) {
			warnings++;
			if (warn) {
				/* the line is echoed: no terminal escapes from it */
				char shown[sizeof err];
				sw_escape(err, sizeof err, shown, sizeof shown);
				fprintf(warn, _("%s:%u: %s (default kept)\n"), name, lineno, shown);
			}
		}
	}
	return warnings;
}

/* A config file is not that big: past this, stop (at the last whole line). */
#define RCFILE_MAX (1u << 20)

/* The whole file (up to RCFILE_MAX, cut at its last whole line; *cut
 * says so) into a new buffer *out (NUL-terminated), its length in *len.
 * 0 or -errno / -SW_ENOTREG(mode). */
static int read_all(const char *path, char **out, size_t *outlen, bool *cut)
{
	/* O_NONBLOCK, regular files only: a FIFO at the path must not hang
	 * start-up (plain `sockwatch` reads the default path). */
	int fd = sw_open_regular(path, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	size_t cap = 4096, len = 0;
	char *buf = xmalloc(cap);
	int rd_err = 0;
	for (;;) {
		if (len == cap) {
			if (cap > RCFILE_MAX)
				break;
			buf = xrealloc(buf, cap *= 2);
		}
		ssize_t r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			rd_err = errno;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (rd_err) {
		free(buf);
		return -rd_err;
	}
	*cut = false;
	if (len > RCFILE_MAX) {
		len = RCFILE_MAX;
		while (len > 0 && buf[len - 1] != '\n')
			len--;
		*cut = true;
	}
	buf = xrealloc(buf, len + 1);
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
}

int rcfile_load(const char *path, struct diag_thresholds *t, rcfile_key_fn extra,
		void *ctx, FILE *warn)
{
	char *buf;
	size_t len;
	bool cut;
	int rc = read_all(path, &buf, &len, &cut);
	if (rc)
		return rc;
	rc = rcfile_parse(path, buf, len, t, extra, ctx, warn);
	if (cut && warn)
		fprintf(warn, _("%s: file too large (over 1 MiB): the rest is ignored\n"), path);
	free(buf);
	return rc + (cut ? 1 : 0);
}

static int save_write(void *p, FILE *fp)
{
	const struct diag_thresholds *t = p;
	fprintf(fp, "# sockwatch configuration (written by sockwatch %s)\n", PACKAGE_VERSION);
	fprintf(fp, "version = %d\n\n# diagnosis thresholds\n", RCFILE_VERSION);
	for (size_t i = 0; i < diag_threshold_count(); i++)
		fprintf(fp, "# %s\nthreshold.%s = %g\n", diag_threshold_help(i),
			diag_threshold_name(i), diag_threshold_get(t, i));
	return 0;
}

static int mkdir_parent(const char *path)
{
	char dir[4096];
	if (sw_strlcpy(dir, path, sizeof dir) >= sizeof dir)
		return -ENAMETOOLONG;
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	struct stat sb;
	if (stat(dir, &sb) == 0)
		return S_ISDIR(sb.st_mode) ? 0 : -ENOTDIR;
	int rc = mkdir_parent(dir);
	if (rc)
		return rc;
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

/* A new temporary file next to path: O_EXCL|O_NOFOLLOW (never an existing
 * file or a planted symbolic link), mode 0644.  The fd, or -errno. */
static int create_temp(const char *path, char *tmp, size_t len)
{
	static unsigned seq;
	for (int tries = 0; tries < 100; tries++) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		unsigned r = (unsigned)ts.tv_nsec ^ ((unsigned)getpid() << 16) ^ (seq++ * 2654435761u);
		snprintf(tmp, len, "%s.%08x.tmp", path, r);
		int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			return fd >= 0 ? fd : -errno;
	}
	return -EEXIST;
}

int rcfile_atomic_write(const char *path, int (*write)(void *ctx, FILE *fp), void *ctx)
{
	/* Only ever replace a regular file: renaming over a device, a FIFO,
	 * a directory or a symbolic link would destroy it (`--output
	 * /dev/null` as root). */
	int rc = sw_check_replaceable(path);
	if (rc)
		return rc;
	size_t n = strlen(path) + 16;
	char *tmp = xmalloc(n);
	int fd = create_temp(path, tmp, n);
	if (fd < 0) {
		free(tmp);
		return fd;
	}
	FILE *fp = fdopen(fd, "w");
	if (!fp) {
		int e = errno;
		close(fd);
		unlink(tmp);
		free(tmp);
		return -e;
	}
	rc = write(ctx, fp);
	if (!rc && fflush(fp))
		rc = -errno;
	if (!rc && ferror(fp))
		rc = -EIO;
	if (!rc && fchmod(fd, 0644))
		rc = -errno;
	if (!rc && fsync(fd))
		rc = -errno;
	if (fclose(fp) && !rc)
		rc = -errno;
	if (!rc)
		rc = sw_check_replaceable(path); /* changed while writing? */
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* rcfile_atomic_write() through a symbolic link, creating the directory. */
static int save_through(const char *path, int (*write)(void *ctx, FILE *fp), void *ctx)
{
	/* A sockwatchrc that is a symbolic link (dotfiles kept in a
	 * repository, GNU stow) is the user's choice: save through it, so
	 * that the file it points to is replaced and the link stays.  What
	 * it points to must still be a regular file (or nothing yet). */
	char *real = NULL;
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		real = realpath(path, NULL);
		if (!real)
			return -errno;
		path = real;
	}
	int rc = mkdir_parent(path);
	if (!rc)
		rc = rcfile_atomic_write(path, write, ctx);
	free(real);
	return rc;
}

int rcfile_save(const char *path, const struct diag_thresholds *t)
{
	return save_through(path, save_write, (void *)t);
}

/* ---- saving settings into an existing file ------------------------------ */

#ifndef SYSCONFDIR /* set by the build (configure --sysconfdir) */
#define SYSCONFDIR "/etc"
#endif

const char *rcfile_system_path(void)
{
	const char *env = getenv("SOCKWATCH_SYSTEM_CONFIG");
	return env && *env ? env : SYSCONFDIR "/sockwatch/sockwatchrc";
}

/* The key of a "key = value" line (start and length), or false. */
static bool line_key(const char *p, size_t n, const char **key, size_t *klen)
{
	size_t i = 0;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i == n || p[i] == '#' || p[i] == ';')
		return false;
	const char *eq = memchr(p + i, '=', n - i);
	if (!eq)
		return false;
	size_t e = (size_t)(eq - p);
	while (e > i && (p[e - 1] == ' ' || p[e - 1] == '\t'))
		e--;
	*key = p + i;
	*klen = e - i;
	return e > i;
}

static long kv_find(const struct rcfile_kv *kv, size_t n, const char *key, size_t klen)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(kv[i].key) == klen && memcmp(kv[i].key, key, klen) == 0)
			return (long)i;
	return -1;
}

void rcfile_merge(const char *old, size_t len, const struct rcfile_kv *kv, size_t n,
		  FILE *out)
{
	bool *done = xcalloc(n ? n : 1, sizeof *done);
	size_t pos = 0;
	if (len >= 3 && memcmp(old, "\xef\xbb\xbf", 3) == 0) {
		fwrite(old, 1, 3, out); /* the byte order mark stays */
		pos = 3;
	}
	while (pos < len) {
		const char *p = old + pos;
		const char *nl = memchr(p, '\n', len - pos);
		size_t n_line = nl ? (size_t)(nl - p) : len - pos;
		pos += n_line + (nl ? 1 : 0);
		const char *key;
		size_t klen;
		long k = line_key(p, n_line, &key, &klen) ? kv_find(kv, n, key, klen) : -1;
		if (k < 0) {
			fwrite(p, 1, n_line, out);
			fputc('\n', out);
		} else if (!done[k]) {
			/* the indentation and the key as written, the new value */
			fprintf(out, "%.*s = %s\n", (int)(key + klen - p), p, kv[k].value);
			done[k] = true;
		} /* else: a later duplicate, which would override the saved value */
	}
	bool header = false;
	for (size_t i = 0; i < n; i++) {
		if (done[i])
			continue;
		if (!header && len)
			fputs("\n", out);
		if (!header)
			fputs("# saved from the sockwatch monitor (setup screen, F2)\n", out);
		header = true;
		fprintf(out, "%s = %s\n", kv[i].key, kv[i].value);
	}
	free(done);
}

struct update_ctx {
	const char *old;
	size_t len;
	const struct rcfile_kv *kv;
	size_t n;
};

static int update_write(void *p, FILE *fp)
{
	const struct update_ctx *u = p;
	rcfile_merge(u->old, u->len, u->kv, u->n, fp);
	return 0;
}

int rcfile_update(const char *path, const struct rcfile_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strpbrk(kv[i].key, "\n\r=#") || strpbrk(kv[i].value, "\n\r"))
			return -EINVAL;
	struct update_ctx u = {NULL, 0, kv, n};
	char *old = NULL;
	bool cut = false;
	int rc = read_all(path, &old, &u.len, &cut);
	if (rc == -ENOENT)
		u.len = 0;
	else if (rc)
		return rc;
	else if (cut) {
		free(old);
		return -EFBIG; /* rewriting would lose what is past 1 MiB */
	}
	u.old = old;
	rc = save_through(path, update_write, &u);
	free(old);
	return rc;
}
