/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_rcfile.c - the sockwatchrc configuration file (src/core/rcfile.c:
 * rcfile_parse, and through it diag_threshold_set).
 *
 * Input: the file's text (seeds: example configurations).  Bad lines only
 * warn: every threshold must stay a finite number, warnings are counted
 * right, and keys outside "threshold." reach the caller's callback, which
 * here takes ui.* keys (accepting some values, refusing others with and
 * without a message) as the UI's settings do.
 */
#include "config.h"

#include <errno.h>
#include <math.h>

#include "core/rcfile.h"
#include "fuzz.h"

struct ctx {
	unsigned calls;
};

static int extra(void *p, const char *key, const char *value, char *err, size_t errlen)
{
	struct ctx *c = p;
	c->calls++;
	FUZZ_CHECK(strncmp(key, "threshold.", 10) != 0 && strcmp(key, "version") != 0,
		   "key '%s' handed to the callback", key);
	FUZZ_CHECK(!strchr(key, '=') && !strchr(key, '\n'), "key '%s'", key);
	if (strncmp(key, "ui.", 3) != 0)
		return -ENOENT;
	if (strcmp(value, "bad") == 0) {
		snprintf(err, errlen, "bad %s", key);
		return -EINVAL;
	}
	if (strcmp(value, "silent") == 0)
		return -EINVAL;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_thresholds t;
	diag_thresholds_default(&t);
	struct ctx c = {0};
	int w = rcfile_parse("fuzz", (const char *)data, size, &t, extra, &c, fuzz_null());
	FUZZ_CHECK(w >= 0, "rcfile_parse returned %d", w);
	size_t lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	FUZZ_CHECK((size_t)w <= lines, "%d warnings for %zu lines", w, lines);
	FUZZ_CHECK(c.calls <= lines, "%u callbacks for %zu lines", c.calls, lines);
	double v[sizeof t / sizeof(double)];
	memcpy(v, &t, sizeof v);
	for (size_t i = 0; i < sizeof v / sizeof *v; i++)
		FUZZ_CHECK(isfinite(v[i]), "threshold %zu is %g", i, v[i]);
	/* the same without a callback and without a warning stream */
	diag_thresholds_default(&t);
	int w2 = rcfile_parse("fuzz", (const char *)data, size, &t, NULL, NULL, NULL);
	FUZZ_CHECK(w2 >= w, "fewer warnings (%d < %d) without the callback", w2, w);
	return 0;
}
