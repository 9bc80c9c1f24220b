/* SPDX-License-Identifier: GPL-2.0-or-later */
/* safefile.c - see safefile.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "safefile.h"

const char *sw_file_kind(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFIFO: return _("a FIFO");
	case S_IFDIR: return _("a directory");
	case S_IFCHR: return _("a character device");
	case S_IFBLK: return _("a block device");
	case S_IFSOCK: return _("a socket");
	case S_IFLNK: return _("a symbolic link");
	case S_IFREG: return _("a regular file");
	default: return _("an unknown kind of file");
	}
}

const char *sw_file_strerror(int e)
{
	static char buf[160];
	if (e < SW_ENOTREG_BASE || e > SW_ENOTREG_BASE + (int)(S_IFMT >> 12))
		return strerror(e);
	mode_t mode = (mode_t)(e - SW_ENOTREG_BASE) << 12;
	snprintf(buf, sizeof buf, _("it is %s, not a regular file"), sw_file_kind(mode));
	return buf;
}

int sw_check_replaceable(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -errno;
	return S_ISREG(st.st_mode) ? 0 : -SW_ENOTREG(st.st_mode);
}

int sw_open_regular(const char *path, int flags, mode_t mode)
{
	flags &= ~O_TRUNC;
	int fd = open(path, flags | O_NONBLOCK | O_CLOEXEC, mode);
	if (fd < 0) {
		int e = errno;
		struct stat st;
		if (e == ENXIO && stat(path, &st) == 0 && !S_ISREG(st.st_mode))
			return -SW_ENOTREG(st.st_mode); /* a FIFO nobody reads */
		return -e;
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -SW_ENOTREG(st.st_mode);
	}
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

int sw_create_regular(const char *path)
{
	int fd = sw_open_regular(path, O_WRONLY | O_CREAT, 0644);
	if (fd >= 0 && ftruncate(fd, 0) != 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}
