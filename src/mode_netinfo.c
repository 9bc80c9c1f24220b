/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mode_netinfo.c - `sockwatch --routes` / `--interfaces` (netstat -r / -i):
 * the routing table and the interface counters from rtnetlink, once or
 * every -d SEC for -n COUNT samples (interface rates from the second on),
 * as tables or JSON; --record/--replay keep and read the rtnetlink dumps.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "collect/rtnl.h"
#include "core/netinfo.h"
#include "core/safefile.h"
#include "frame.h"
#include "modes.h"
#include "output/netinfo_out.h"

/* One sample's output: 0 or -errno. */
static int emit(const struct sw_options *o, const struct frame_repeat *r,
		const struct sw_netinfo *cur, const struct sw_netinfo *prev)
{
	if (o->want_json)
		return out_netinfo_json(stdout, cur, prev, o->routes, o->interfaces);
	if (r->i > 0)
		fputc('\n', stdout);
	int w = 0;
	if (o->routes)
		w = out_routes_text(stdout, cur, !o->no_header);
	if (!w && o->routes && o->interfaces)
		fputc('\n', stdout);
	if (!w && o->interfaces)
		w = out_ifaces_text(stdout, cur, r->count != 1 ? prev : NULL, !o->no_header);
	return w;
}

/* --record FILE: a new regular file; NULL with *rc set when it cannot be. */
static FILE *open_record(const char *path, int *rc)
{
	int fd = sw_create_regular(path);
	FILE *rec = NULL;
	if (fd >= 0 && !(rec = fdopen(fd, "wb"))) {
		int e = errno;
		close(fd);
		fd = -e;
	}
	if (fd < 0)
		*rc = frame_file_failed(path, fd);
	return rec;
}

int mode_netinfo_run(const struct sw_options *o)
{
	int rc = 0;
	FILE *rec = NULL;
	if (o->record && !(rec = open_record(o->record, &rc)))
		return rc;
	struct sw_netinfo cur, prev;
	netinfo_init(&cur);
	netinfo_init(&prev);
	frame_catch_signals();
	unsigned what = (o->routes ? RTNL_ROUTES : 0) | (o->interfaces ? RTNL_LINKS : 0);
	struct frame_repeat r;
	frame_repeat_init(&r, o, 1);
	char err[256];
	while (frame_repeat_next(&r)) {
		struct sw_netinfo tmp = prev;
		prev = cur;
		cur = tmp;
		err[0] = '\0';
		int e = o->replay ? rtnl_replay(o->replay, &cur, err, sizeof err)
				  : rtnl_collect(&cur, what, o->netns, rec, err, sizeof err);
		if (e < 0) {
			fprintf(stderr, "sockwatch: %s\n", err);
			rc = 1;
			break;
		}
		int w = emit(o, &r, &cur, r.i > 0 ? &prev : NULL);
		if (w < 0) {
			rc = frame_write_failed(w);
			break;
		}
	}
	if (rec)
		fclose(rec);
	netinfo_done(&cur);
	netinfo_done(&prev);
	return rc;
}
