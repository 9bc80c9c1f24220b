/* SPDX-License-Identifier: GPL-2.0-or-later */
/* procmap.h - socket inode -> processes, from /proc/<pid>/fd, cached across
 * refreshes (per pid+starttime; rescans only new, reused or changed
 * processes).  A process vanishing mid-scan is normal.  Without root only
 * readable processes are mapped, and the snapshot says so. */
#ifndef SW_PROCMAP_H
#define SW_PROCMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/snapshot.h"

struct procmap;

/* proc_root: "/proc" or a fake tree (tests).  Never fails (NULL root =
 * "/proc"). */
struct procmap *procmap_new(const char *proc_root);
void procmap_free(struct procmap *pm);
/* Refresh the cache and attach owners to every conn of s with a non-zero
 * inode: fills s->procs and each record's owners (snapshot_add_owner), and sets
 * SW_NOTE_NOT_ROOT / SW_NOTE_PROCS_PARTIAL and s->procs_unreadable.
 * Returns 0, or -errno if proc_root itself cannot be read. */
int procmap_attach(struct procmap *pm, struct sw_snapshot *s);
/* The /proc part of procmap_attach (the live pids, fd tables whose count
 * changed), run before the socket dump as ss does: a socket that lives
 * milliseconds (php-fpm's FastCGI and MySQL connections) is then found if
 * it existed at both moments, whereas listing /proc after a dump finds it
 * only if it outlives a scan of every process.  procmap_attach does it
 * itself when this was not called.  0 or -errno. */
int procmap_prepare(struct procmap *pm);

/* ---- additions (procmap owner): parsing, tuning, measurement ---------- */

/* Parse the text of /proc/<pid>/stat: comm is taken between the first '('
 * and the LAST ')' (comm may contain ')' and spaces) and truncated to 15
 * bytes, control bytes replaced by '?' (as ps shows them); fields after the last ')' give the kernel flags (field 9) and the
 * starttime (field 22).  Any output pointer may be NULL.  0 or -EINVAL. */
int procmap_parse_stat(const char *buf, size_t len, char comm[16],
		       uint32_t *flags, uint64_t *starttime);

/* What the last procmap_attach() did (for tests and benchmarks). */
struct procmap_stats {
	unsigned procs;        /* processes known (alive, incl. kernel threads) */
	unsigned scanned;      /* fd tables listed in the last refresh */
	unsigned searched;     /* ... of which only to look for unknown inodes */
	unsigned links_read;   /* readlinkat() calls in the last refresh */
	unsigned fresh_misses; /* unknown inodes that started a search */
	unsigned unowned;      /* inodes known to have no visible owner */
	bool search_complete;  /* the last search covered every process */
	bool fdcount_stsize;   /* fd counts come from st_size (procfs >= 6.2) */
	double ms;             /* wall time of the last procmap_attach() */
	size_t index_bytes;    /* inode index kept after it (0: freed, too big) */
};
void procmap_get_stats(const struct procmap *pm, struct procmap_stats *st);

/* After a search for unknown inodes ended with some left unowned, further
 * searches are limited to processes whose uid matches a socket's uid for
 * this long (default 2000 ms).  0 disables the limit. */
void procmap_set_search_cooldown(struct procmap *pm, unsigned ms);

/* The inode index is freed after an attach when it takes more than this
 * (default 4 MB, ~130k sockets) and rebuilt by the next one.  For tests. */
void procmap_set_index_keep(struct procmap *pm, size_t bytes);

#endif
