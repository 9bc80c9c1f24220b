/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rcfile.h - the sockwatchrc configuration file (key=value, versioned).
 *
 * (It is called rcfile, not config, because a src/core/config.h would
 * shadow autoconf's "config.h" for every file in src/core.)
 *
 * Location: --config FILE, else $XDG_CONFIG_HOME/sockwatch/sockwatchrc, else
 * ~/.config/sockwatch/sockwatchrc.  Format:
 *
 *	# comment
 *	version = 1
 *	threshold.ephemeral_warn = 50
 *	threshold.closewait_warn = 20
 *
 * Unknown keys and bad values are reported as "FILE:LINE: message" and the
 * default is kept; the file never stops sockwatch from starting.  Other
 * modules (the UI's settings) can take their own keys through a callback.
 * Saving writes a temporary file in the same directory and renames it over
 * the old one (O_EXCL + fsync + rename), so a crash never leaves half a
 * file.  A file larger than 1 MiB is read up to its last whole line there,
 * with a warning; a UTF-8 byte order mark at the start is skipped.
 */
#ifndef SW_RCFILE_H
#define SW_RCFILE_H

#include <stddef.h>
#include <stdio.h>

#include "diagnose.h"

#define RCFILE_VERSION 1

/* Extra keys: return 0 if taken, -ENOENT if unknown to you, -EINVAL with a
 * translated message in err if the value is bad. */
typedef int (*rcfile_key_fn)(void *ctx, const char *key, const char *value,
			     char *err, size_t errlen);

/* The default path into buf: 0, or -ENOENT when neither XDG_CONFIG_HOME nor
 * HOME is set, -ENAMETOOLONG. */
int rcfile_default_path(char *buf, size_t len);

/* Read path, applying thresholds to t and other keys to extra (may be NULL).
 * Warnings go to warn (may be NULL) as "path:line: message".  Returns the
 * number of warnings (>= 0) or -errno if the file cannot be read (-ENOENT
 * when it does not exist: not an error for the default path), or
 * -SW_ENOTREG(mode) when it is not a regular file (a FIFO is never opened
 * blocking). */
int rcfile_load(const char *path, struct diag_thresholds *t, rcfile_key_fn extra,
		void *ctx, FILE *warn);
/* Parse a buffer (name is used in warnings). */
int rcfile_parse(const char *name, const char *buf, size_t len,
		 struct diag_thresholds *t, rcfile_key_fn extra, void *ctx, FILE *warn);

/* Write the file atomically (creating its directory if missing; through a
 * symbolic link to the file it points to): version and every threshold,
 * each with its help as a comment.  0 or -errno. */
int rcfile_save(const char *path, const struct diag_thresholds *t);

/* Atomic replace of path: write() fills a temporary file created with
 * O_EXCL|O_NOFOLLOW in path's directory, which is then fsynced, given mode
 * 0644 and renamed over path.  Only a regular file (or nothing) at path is
 * replaced: anything else (FIFO, device, directory, symbolic link) gives
 * -SW_ENOTREG(mode) (safefile.h).  0 or -errno (the temporary is removed
 * on failure). */
int rcfile_atomic_write(const char *path, int (*write)(void *ctx, FILE *fp), void *ctx);

/* ---- saving settings (rcsave.c) ---------------------------------------- */

/* The system-wide defaults, read before the user's file:
 * $SOCKWATCH_SYSTEM_CONFIG when set (tests), else
 * SYSCONFDIR/sockwatch/sockwatchrc (/etc/sockwatch/sockwatchrc when
 * configured with --sysconfdir=/etc, as Debian does). */
const char *rcfile_system_path(void);

/* One setting to save: key and its new value (one line, no newline). */
struct rcfile_kv {
	const char *key;
	const char *value;
};

/* The file text old (len bytes, may be NULL) with the settings kv applied,
 * written to out: the first "key = value" line of each key is replaced
 * (its value only), later lines for the same key are dropped; comments,
 * blank lines, unknown keys and lines that do not parse stay as they
 * were; keys not in the file yet are appended at the end under one
 * comment line.  Pure (no file access). */
void rcfile_merge(const char *old, size_t len, const struct rcfile_kv *kv, size_t n,
		  FILE *out);

/* Apply kv to the file at path (read as rcfile_load does: never a FIFO,
 * at most 1 MiB) and replace it atomically (rcfile_atomic_write: a
 * temporary file in the same directory, fsync, rename; the directory is
 * created if missing; a symbolic link is followed, as rcfile_save does).
 * A value holding a newline is refused (-EINVAL).  0 or -errno /
 * -SW_ENOTREG(mode). */
int rcfile_update(const char *path, const struct rcfile_kv *kv, size_t n);

#endif
