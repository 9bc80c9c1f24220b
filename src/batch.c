#include "config.h"

#include <stdio.h>

#include "core/i18n.h"
#include "options.h"

int batch_run(const struct sw_options *o);

int batch_run(const struct sw_options *o)
{
	(void)o;
	fprintf(stderr, _("sockwatch: batch mode is not built yet\n"));
	return 1;
}
