#include "config.h"

#include <stdio.h>

#include "core/i18n.h"
#include "options.h"

int loop_run(const struct sw_options *o);

int loop_run(const struct sw_options *o)
{
	(void)o;
	fprintf(stderr, _("sockwatch: the monitor is not built yet\n"));
	return 1;
}
