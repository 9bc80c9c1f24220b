/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diag_out.h - diagnoses as JSON (the "diagnoses" array) and as text
 * (sockwatch --check). */
#ifndef SW_DIAG_OUT_H
#define SW_DIAG_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "core/diagnose.h"

/* The JSON array (just the value: "[{...},...]"), one object per
 * diagnosis: id, severity, subject, title, details[], fix[], value, limit,
 * pid, process, port (null when unknown).  Schema in doc/check.md. */
void out_diagnoses_json(FILE *fp, const struct diag_list *l);
/* For out_json_opts.extra: writes ,"diagnoses":[...] (arg is the list). */
void out_diagnoses_json_member(FILE *fp, void *list);

/* --check text: a status line ("sockwatch check: ALARM - ...", saying the
 * window the rates and counter deltas cover, or that there is none) and one
 * block per diagnosis; with verbose=false OK entries are one line each and
 * fixes are shown only for problems.  0 or -errno on a write error. */
int out_diagnoses_text(FILE *fp, const struct diag_list *l, bool verbose);

#endif
