/* SPDX-License-Identifier: GPL-2.0-or-later */
/* safefile.h - opening user-named paths without hanging or clobbering.
 *
 * A path given on the command line (--config, --replay, --record, -N,
 * --output) or found in the default places can be anything: a FIFO whose
 * open() or read() blocks forever, a directory, a device (`--output
 * /dev/null` as root would replace the device with a regular file), a
 * symbolic link pointing elsewhere.  These helpers open without blocking,
 * look at what was opened and refuse anything but a regular file, with an
 * error code that says what it was instead.
 */
#ifndef SW_SAFEFILE_H
#define SW_SAFEFILE_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Errors beyond the errno range: "not a regular file, but this kind"
 * (the file type bits of st_mode, shifted).  sw_file_strerror() names them. */
#define SW_ENOTREG_BASE 4096
#define SW_ENOTREG(mode) (SW_ENOTREG_BASE + (int)(((mode) & S_IFMT) >> 12))

/* Open path with flags (O_RDONLY, or O_WRONLY|O_CREAT: never truncates)
 * plus O_NONBLOCK|O_CLOEXEC, require a regular file and clear O_NONBLOCK
 * again.  A FIFO without a reader (ENXIO on a write open) counts as a FIFO.
 * Returns the fd, -errno, or -SW_ENOTREG(mode). */
int sw_open_regular(const char *path, int flags, mode_t mode);
/* For writing (--record): sw_open_regular(O_WRONLY|O_CREAT, 0644), then
 * truncated.  The fd, -errno or -SW_ENOTREG(mode). */
int sw_create_regular(const char *path);
/* What is at path when it exists and is not a regular file (not following
 * a final symbolic link): -SW_ENOTREG(mode); 0 for a regular file or
 * nothing there; -errno if it cannot be looked at. */
int sw_check_replaceable(const char *path);
/* strerror() for -errno values and the SW_ENOTREG codes ("it is a FIFO,
 * not a regular file"); e is positive. */
const char *sw_file_strerror(int e);
/* The kind of file for a st_mode ("a FIFO", "a directory", ...). */
const char *sw_file_kind(mode_t mode);

#endif
