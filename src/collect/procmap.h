/* procmap.h - socket inode -> processes, from /proc/<pid>/fd, cached across
 * refreshes (per pid+starttime; rescans only new, reused or changed
 * processes).  A process vanishing mid-scan is normal.  Without root only
 * readable processes are mapped, and the snapshot says so. */
#ifndef SW_PROCMAP_H
#define SW_PROCMAP_H

#include "core/snapshot.h"

struct procmap;

/* proc_root: "/proc" or a fake tree (tests).  Never fails (NULL root =
 * "/proc"). */
struct procmap *procmap_new(const char *proc_root);
void procmap_free(struct procmap *pm);
/* Refresh the cache and attach owners to every conn of s with a non-zero
 * inode: fills s->procs, s->owners, conn.owners_off/owners_n, and sets
 * SW_NOTE_NOT_ROOT / SW_NOTE_PROCS_PARTIAL and s->procs_unreadable.
 * Returns 0, or -errno if proc_root itself cannot be read. */
int procmap_attach(struct procmap *pm, struct sw_snapshot *s);

#endif
