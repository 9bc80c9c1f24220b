/* main.c - options, locale/gettext, wiring of collector, model and views. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "insight.h"
#include "options.h"

int batch_run(const struct sw_options *o);
int loop_run(const struct sw_options *o);

int main(int argc, char **argv)
{
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
	if (rc || exit_now)
		return rc;
	if (getenv("NO_COLOR") && *getenv("NO_COLOR"))
		o.no_color = true;
	if (insight_wants(&o)) /* --check, --format prometheus, --routes, --interfaces */
		return insight_run(&o);
	if (o.batch)
		return batch_run(&o);
	return loop_run(&o);
}
