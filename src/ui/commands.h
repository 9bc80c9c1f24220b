/* SPDX-License-Identifier: GPL-2.0-or-later */
/* commands.h - what the actions of the key table do: the focused panel
 * first, then the global table (action -> handler + argument). */
#ifndef SW_COMMANDS_H
#define SW_COMMANDS_H

#include "core/keymap.h"

struct ui;

/* Run action a: UI_R_* flags. */
unsigned commands_run(struct ui *ui, enum sw_action a);

#endif
