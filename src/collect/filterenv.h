/* SPDX-License-Identifier: GPL-2.0-or-later */
/* filterenv.h - what the filter language (core/filter.h) needs from the
 * system when a filter is parsed: cgroup v2 ids, the ephemeral port range. */
#ifndef SW_FILTERENV_H
#define SW_FILTERENV_H

#include "core/filter.h"

/* For filter_set_env.  Both read sockwatch's own mount and network
 * namespace (as "dev NAME" does). */
const struct sw_filter_env *collect_filter_env(void);

#endif
