/* SPDX-License-Identifier: GPL-2.0-or-later */
/* i18n.h - gettext macros.  Every user-visible string goes through _() or,
 * in static tables, N_() and is translated where it is shown. */
#ifndef SW_I18N_H
#define SW_I18N_H

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#if ENABLE_NLS
#include <libintl.h>
#define _(s) gettext(s)
#define P_(s, p, n) ngettext((s), (p), (n))
#else
#define _(s) ((char *)(s))
#define P_(s, p, n) ((n) == 1 ? (char *)(s) : (char *)(p))
#endif
#define N_(s) (s)

#endif
