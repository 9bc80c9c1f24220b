/* SPDX-License-Identifier: GPL-2.0-or-later */
/* main.c - options, locale/gettext, wiring of collector, model and views. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/filterenv.h"
#include "core/filter.h"
#include "core/i18n.h"
#include "modes.h"
#include "options.h"

static int (*const mode_run[SW_MODE_COUNT])(const struct sw_options *) = {
	[SW_MODE_MONITOR] = mode_monitor_run,
	[SW_MODE_TABLE] = mode_batch_run,
	[SW_MODE_JSON] = mode_batch_run,
	[SW_MODE_SUMMARY] = mode_batch_run,
	[SW_MODE_CHECK] = mode_check_run,
	[SW_MODE_PROMETHEUS] = mode_check_run,
	[SW_MODE_NETINFO] = mode_netinfo_run,
	[SW_MODE_RECORD] = mode_record_run,
	[SW_MODE_CLOSED] = mode_closed_run,
};

/* A closed stdin/stdout/stderr (`sockwatch -b >&-`) would be reused by the
 * first socket or file sockwatch opens, and the output would be written
 * into the sock_diag socket.  Hold each closed one with an O_PATH descriptor
 * of /dev/null instead: reads and writes on it fail with EBADF, so the usual
 * "cannot write output" error and exit status 1 follow. */
static void main_reserve_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		int n = open("/dev/null", O_PATH);
		if (n >= 0 && n != fd) {
			close(n);
			break; /* lower one still free: cannot happen */
		}
	}
}

/* --nagios anywhere before a lone "--" */
static bool nagios_wanted(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--nagios") == 0)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	main_reserve_std_fds();
	setlocale(LC_ALL, "");
#if ENABLE_NLS
	/* SOCKWATCH_LOCALEDIR: use the catalogs of a build tree (tests). */
	const char *localedir = getenv("SOCKWATCH_LOCALEDIR");
	bindtextdomain(PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
	textdomain(PACKAGE);
#endif
	struct sw_options o;
	bool exit_now;
	int rc = options_parse(&o, argc, argv, &exit_now);
	/* --help, --version: the help is longer than stdio's buffer, so a
	 * write may already have failed before the final flush */
	if (!rc && exit_now && (fflush(stdout) != 0 || ferror(stdout))) {
		fprintf(stderr, _("sockwatch: cannot write output: %s\n"),
			strerror(errno ? errno : EIO));
		return 1;
	}
	if (rc == 2 && nagios_wanted(argc, argv)) {
		/* a plugin's usage error is UNKNOWN (Nagios plugin guidelines) */
		printf("SOCKWATCH UNKNOWN - %s\n", _("usage error (the reason is on stderr)"));
		return 3;
	}
	if (rc || exit_now)
		return rc;
	filter_set_env(collect_filter_env()); /* cgroup PATH, autobound */
	if (getenv("NO_COLOR") && *getenv("NO_COLOR"))
		o.no_color = true;
	/* `sockwatch | grep 3306`, `sockwatch > file`: the table, as ss and
	 * netstat print in a pipe.  Only stdout decides: a terminal on stdout
	 * with stdin redirected still wants the monitor (and hears why not). */
	if (o.mode == SW_MODE_MONITOR && !isatty(STDOUT_FILENO))
		o.mode = SW_MODE_TABLE;
	return mode_run[o.mode](&o);
}
