/* SPDX-License-Identifier: GPL-2.0-or-later */
/* filterenv.c - the system side of the filter language: "cgroup PATH" is
 * resolved to the cgroup v2 id the kernel reports (INET_DIAG_CGROUP_ID,
 * the cgroup directory's inode number), "autobound" reads the ephemeral
 * port range.  Called once per filter parse, never per socket. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "core/i18n.h"
#include "core/util.h"
#include "filterenv.h"

#define CGROUP2_MAGIC 0x63677270 /* CGROUP2_SUPER_MAGIC */

/* Where cgroup2 is mounted (the first one in /proc/self/mounts). */
static void cgroup2_mount(char *buf, size_t len)
{
	sw_strlcpy(buf, "/sys/fs/cgroup", len);
	FILE *fp = fopen("/proc/self/mounts", "re");
	if (!fp)
		return;
	char line[4096], dir[4096], type[64];
	while (fgets(line, sizeof line, fp)) {
		if (sscanf(line, "%*s %4095s %63s", dir, type) == 2 &&
		    strcmp(type, "cgroup2") == 0 && !strchr(dir, '\\')) {
			sw_strlcpy(buf, dir, len);
			break;
		}
	}
	fclose(fp);
}

static bool on_cgroup2(const char *path)
{
	struct statfs fs;
	return statfs(path, &fs) == 0 && fs.f_type == CGROUP2_MAGIC;
}

/* As ss: PATH as given if it is on the cgroup2 file system
 * (/sys/fs/cgroup/system.slice), else relative to its mount
 * (/system.slice, system.slice). */
static bool cgroup_id(const char *path, uint64_t *id, char *err, size_t errlen)
{
	char mnt[1024], full[2048];
	struct stat st;
	if (path[0] == '/' && on_cgroup2(path)) {
		sw_strlcpy(full, path, sizeof full);
	} else {
		cgroup2_mount(mnt, sizeof mnt);
		if (!on_cgroup2(mnt)) {
			snprintf(err, errlen, _("no cgroup v2 file system at %s"), mnt);
			return false;
		}
		while (*path == '/')
			path++;
		snprintf(full, sizeof full, "%s/%s", mnt, path);
	}
	if (stat(full, &st) != 0) {
		snprintf(err, errlen, "%s: %s", full, strerror(errno));
		return false;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, _("%s is not a cgroup directory"), full);
		return false;
	}
	*id = (uint64_t)st.st_ino;
	return true;
}

static bool port_range(uint16_t r[2])
{
	FILE *fp = fopen("/proc/sys/net/ipv4/ip_local_port_range", "re");
	unsigned lo, hi;
	bool ok = fp && fscanf(fp, "%u %u", &lo, &hi) == 2 && lo <= hi && hi <= 65535;
	if (fp)
		fclose(fp);
	if (ok)
		r[0] = (uint16_t)lo, r[1] = (uint16_t)hi;
	return ok;
}

const struct sw_filter_env *collect_filter_env(void)
{
	static const struct sw_filter_env env = {.cgroup_id = cgroup_id, .port_range = port_range};
	return &env;
}
