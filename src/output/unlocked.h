/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unlocked.h - batch output is written by one thread: skip stdio's
 * per-call locking (glibc).  Include after <stdio.h>, in .c files only. */
#ifndef SW_UNLOCKED_H
#define SW_UNLOCKED_H

#ifdef __GLIBC__
#undef putc
#define putc putc_unlocked
#define fputs fputs_unlocked
#define fwrite fwrite_unlocked
#endif

#endif
