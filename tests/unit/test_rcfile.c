/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_rcfile: saving settings from the monitor's setup screen into the
 * sockwatchrc a person may have written by hand: rcfile_merge() keeps
 * comments, unknown keys and bad lines, replaces a key's first line and
 * drops its later duplicates, appends the new keys; rcfile_update()
 * applies it to a file atomically and refuses what it must not touch. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rcfile.h"
#include "safefile.h"

static char *merge(const char *old, const struct rcfile_kv *kv, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	rcfile_merge(old, old ? strlen(old) : 0, kv, n, fp);
	fclose(fp);
	return buf;
}

static void test_merge_keeps_the_rest(void **state)
{
	(void)state;
	const char *old = "# my settings\n"
			  "version = 1\n"
			  "\n"
			  "  threshold.ephemeral_warn=40   \n"
			  "colour = maybe\n"          /* unknown key: kept */
			  "this line is nonsense\n"   /* kept */
			  "; old comment\n"
			  "threshold.ephemeral_warn = 45\n" /* duplicate: dropped */
			  "monitor.interval = 2";           /* no final newline */
	const struct rcfile_kv kv[] = {
		{"version", "1"},
		{"threshold.ephemeral_warn", "60"},
		{"monitor.interval", "0.5"},
		{"monitor.columns", "proto,state,local"},
	};
	char *m = merge(old, kv, 4);
	assert_string_equal(m, "# my settings\n"
			       "version = 1\n"
			       "\n"
			       "  threshold.ephemeral_warn = 60\n"
			       "colour = maybe\n"
			       "this line is nonsense\n"
			       "; old comment\n"
			       "monitor.interval = 0.5\n"
			       "\n"
			       "# saved from the sockwatch monitor (setup screen, F2)\n"
			       "monitor.columns = proto,state,local\n");
	free(m);
}

static void test_merge_new_file(void **state)
{
	(void)state;
	const struct rcfile_kv kv[] = {{"version", "1"}, {"monitor.color", "0"}};
	char *m = merge(NULL, kv, 2);
	assert_string_equal(m, "# saved from the sockwatch monitor (setup screen, F2)\n"
			       "version = 1\nmonitor.color = 0\n");
	free(m);
	/* nothing to change: the file comes back as it was (a final newline added) */
	m = merge("# only a comment\r\nx = y", kv, 0);
	assert_string_equal(m, "# only a comment\r\nx = y\n");
	free(m);
	/* a key that is only a prefix of another is a different key */
	const struct rcfile_kv k2[] = {{"monitor.col", "1"}};
	m = merge("monitor.color = 1\n# monitor.col = 5\n", k2, 1);
	assert_string_equal(m, "monitor.color = 1\n# monitor.col = 5\n\n"
			       "# saved from the sockwatch monitor (setup screen, F2)\n"
			       "monitor.col = 1\n");
	free(m);
}

/* What rcfile_merge writes, rcfile_parse reads back. */
static int take_key(void *ctx, const char *key, const char *value, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	if (strcmp(key, "monitor.interval") != 0)
		return -ENOENT;
	snprintf(ctx, 32, "%s", value);
	return 0;
}

static void test_update_file(void **state)
{
	(void)state;
	char dir[] = "/tmp/sw-rcupdate-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256], cmd[600];
	snprintf(path, sizeof path, "%s/sub/sockwatchrc", dir);
	const struct rcfile_kv kv[] = {{"version", "1"},
				       {"threshold.closewait_warn", "33"},
				       {"monitor.interval", "2.5"}};
	/* a missing file and directory are created */
	assert_int_equal(rcfile_update(path, kv, 3), 0);
	FILE *fp = fopen(path, "a");
	assert_non_null(fp);
	fputs("# added by hand\nmonitor.unknown = 7\n", fp);
	fclose(fp);
	const struct rcfile_kv kv2[] = {{"monitor.interval", "5"}};
	assert_int_equal(rcfile_update(path, kv2, 1), 0);
	struct diag_thresholds t;
	diag_thresholds_default(&t);
	char interval[32] = "";
	FILE *devnull = fopen("/dev/null", "w");
	/* one warning: the unknown key, kept in the file */
	assert_int_equal(rcfile_load(path, &t, take_key, interval, devnull), 1);
	fclose(devnull);
	assert_string_equal(interval, "5");
	assert_true(t.closewait_warn == 33);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	/* no temporary file left behind */
	snprintf(cmd, sizeof cmd, "test $(ls -A %s/sub | wc -l) -eq 1", dir);
	assert_int_equal(system(cmd), 0);

	/* a value with a newline would inject a line: refused */
	const struct rcfile_kv bad[] = {{"monitor.interval", "1\nthreshold.top = 1"}};
	assert_int_equal(rcfile_update(path, bad, 1), -EINVAL);
	/* a FIFO is neither read (it would block) nor replaced */
	char fifo[300];
	snprintf(fifo, sizeof fifo, "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(rcfile_update(fifo, kv2, 1), -SW_ENOTREG(S_IFIFO));
	/* a read-only directory: -EACCES (when not root: root may write anyway) */
	if (geteuid() != 0) {
		char ro[300];
		snprintf(ro, sizeof ro, "%s/ro", dir);
		assert_int_equal(mkdir(ro, 0500), 0);
		snprintf(ro, sizeof ro, "%s/ro/sockwatchrc", dir);
		assert_int_equal(rcfile_update(ro, kv2, 1), -EACCES);
	}
	snprintf(cmd, sizeof cmd, "chmod -R u+w %s; rm -rf %s", dir, dir);
	assert_int_equal(system(cmd), 0);
}

static void test_system_path(void **state)
{
	(void)state;
	unsetenv("SOCKWATCH_SYSTEM_CONFIG");
	const char *p = rcfile_system_path();
	size_t n = strlen(p);
	assert_true(p[0] == '/');
	assert_true(n > 22 && strcmp(p + n - 22, "/sockwatch/sockwatchrc") == 0);
	setenv("SOCKWATCH_SYSTEM_CONFIG", "/tmp/x/rc", 1);
	assert_string_equal(rcfile_system_path(), "/tmp/x/rc");
	unsetenv("SOCKWATCH_SYSTEM_CONFIG");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_keeps_the_rest),
		cmocka_unit_test(test_merge_new_file),
		cmocka_unit_test(test_update_file),
		cmocka_unit_test(test_system_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
