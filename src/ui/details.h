/* SPDX-License-Identifier: GPL-2.0-or-later */
/* details.h - the connection details dialog (Enter on a connection). */
#ifndef SW_DETAILS_H
#define SW_DETAILS_H

#include "core/model.h"

struct ui;

/* Open it for row r: flags. */
unsigned details_open(struct ui *ui, const struct sw_row *r);

#endif
