/* SPDX-License-Identifier: GPL-2.0-or-later */
/* crt.h - the terminal: curses start/stop, signals, colours and
 * attributes, glyphs (UTF-8 or ASCII), key reading, UTF-8-safe text output,
 * and the optional count of bytes written per screen update.
 */
#ifndef SW_CRT_H
#define SW_CRT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curses.h>

/* Screen elements, each with a colour look and a monochrome look. */
enum crt_elem {
	CRT_NORMAL,
	CRT_HDR_LABEL,
	CRT_HDR_VALUE,
	CRT_TITLE,
	CRT_TITLE_FOCUS,
	CRT_COLHDR,
	CRT_COLHDR_SORT,
	CRT_SEL,
	CRT_SEL_UNFOCUS,
	CRT_NEW,
	CRT_CLOSED,
	CRT_WARN,
	CRT_ERROR,
	CRT_FKEY,
	CRT_FKEY_LABEL,
	CRT_BAR,
	CRT_BAR_WARN,
	CRT_BAR_HIGH,
	CRT_MATCH,
	CRT_DIM,
	CRT_UP,
	CRT_DOWN,
	CRT_DIALOG,
	CRT_DIALOG_SEL,
	CRT_PAUSED,
	CRT_ELEM_COUNT
};

struct crt_opts {
	bool no_color;
	bool mouse;
};

/* Start curses; false with a message in err when the terminal cannot. */
bool crt_init(const struct crt_opts *o, char *err, size_t errlen);
/* Switch colours on or off (monochrome) while running; redraw after. */
void crt_set_color(bool on);
/* Restore the terminal (idempotent; also runs at exit and on fatal
 * signals). */
void crt_done(void);
/* The quit signal received (SIGINT, SIGTERM, SIGHUP), or 0. */
int crt_quit_signal(void);

attr_t crt_attr(enum crt_elem e);
bool crt_utf8(void);

/* Print a UTF-8 string at the cursor, at most maxcols columns; control
 * bytes and invalid sequences show as '?'.  Returns the columns used. */
int crt_put(WINDOW *w, const char *s, int maxcols);
/* Same, padded with spaces to exactly cols columns (right-aligned when
 * right is set). */
void crt_put_pad(WINDOW *w, const char *s, int cols, bool right);
/* Display width of a UTF-8 string as crt_put would draw it. */
int crt_width(const char *s);
/* A horizontal bar of cols columns filled to frac (0..1): block glyphs
 * with eighths in UTF-8, '#' otherwise; the rest is blank. */
void crt_bar(WINDOW *w, int cols, double frac, attr_t a);
/* Arrow glyphs for the sort direction. */
const char *crt_arrow(bool desc);
/* A box around w (line drawing, or ASCII in non-UTF-8 locales). */
void crt_box(WINDOW *w);

/* The window keys are read from (the status line: always refreshed by
 * the time keys are read, so reading never repaints anything). */
void crt_input_window(WINDOW *w);
/* Read one key without waiting: false when none is pending.  *key is a
 * keymap code (core/keymap.h); *text is set when it is a printable
 * character (prompts insert it). */
bool crt_getkey(int *key, bool *text);

/* doupdate(), counting the bytes it writes when SOCKWATCH_DEBUG_BYTES names
 * a log file ("why" tags the line). */
void crt_doupdate(const char *why);

#endif
