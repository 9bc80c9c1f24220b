/* SPDX-License-Identifier: GPL-2.0-or-later */
/* crt.c - curses start/stop, colours, glyphs, keys, safe text output,
 * terminal restore on every exit path. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <wchar.h>

#include "core/i18n.h"
#include "core/keymap.h"
#include "crt.h"

static bool active;
static WINDOW *input_win; /* keys are read here, never from stdscr */
static bool utf8;
static bool color;
static SCREEN *scr;
static volatile sig_atomic_t quit_sig;
static attr_t attrs[CRT_ELEM_COUNT];

/* Declarative looks: colour pair (fg, bg, extra attributes) and the
 * monochrome attributes used with -C, NO_COLOR or a colourless terminal. */
static const struct {
	short fg, bg;
	attr_t cattr;
	attr_t mono;
} looks[CRT_ELEM_COUNT] = {
	[CRT_NORMAL] = {-1, -1, 0, 0},
	[CRT_HDR_LABEL] = {COLOR_CYAN, -1, 0, 0},
	[CRT_HDR_VALUE] = {-1, -1, A_BOLD, A_BOLD},
	[CRT_TITLE] = {COLOR_CYAN, -1, A_BOLD, A_BOLD},
	[CRT_TITLE_FOCUS] = {COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE},
	[CRT_COLHDR] = {COLOR_BLACK, COLOR_GREEN, 0, A_UNDERLINE},
	[CRT_COLHDR_SORT] = {COLOR_BLACK, COLOR_CYAN, A_BOLD, A_UNDERLINE | A_BOLD},
	[CRT_SEL] = {COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE},
	[CRT_SEL_UNFOCUS] = {COLOR_BLACK, COLOR_WHITE, 0, A_BOLD},
	[CRT_NEW] = {COLOR_GREEN, -1, A_BOLD, A_BOLD},
	[CRT_CLOSED] = {COLOR_RED, -1, 0, A_DIM},
	[CRT_WARN] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD},
	[CRT_ERROR] = {COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD},
	[CRT_FKEY] = {-1, -1, 0, 0},
	[CRT_FKEY_LABEL] = {COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE},
	[CRT_BAR] = {COLOR_GREEN, -1, 0, 0},
	[CRT_BAR_WARN] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD},
	[CRT_BAR_HIGH] = {COLOR_RED, -1, A_BOLD, A_BOLD},
	[CRT_MATCH] = {COLOR_BLACK, COLOR_YELLOW, 0, A_UNDERLINE | A_BOLD},
	[CRT_DIM] = {COLOR_BLUE, -1, A_BOLD, A_DIM},
	[CRT_UP] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD},
	[CRT_DOWN] = {COLOR_CYAN, -1, 0, 0},
	[CRT_DIALOG] = {COLOR_WHITE, COLOR_BLUE, 0, 0},
	[CRT_DIALOG_SEL] = {COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE},
	[CRT_PAUSED] = {COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE | A_BOLD},
};

/* ---- byte accounting (debug) --------------------------------------------- */

static int io_fd = -1;  /* /proc/self/io */
static int log_fd = -1; /* SOCKWATCH_DEBUG_BYTES */
static unsigned long turn;

static long long wchar_now(void)
{
	char buf[512];
	ssize_t n = pread(io_fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	const char *p = strstr(buf, "wchar:");
	return p ? atoll(p + 6) : -1;
}

void crt_doupdate(const char *why)
{
	if (io_fd < 0) {
		doupdate();
		return;
	}
	long long before = wchar_now();
	doupdate();
	long long after = wchar_now();
	turn++;
	if (before >= 0 && after >= 0)
		dprintf(log_fd, "%lu %s %lld %dx%d\n", turn, why, after - before, COLS, LINES);
}

/* ---- start / stop ---------------------------------------------------------- */

void crt_done(void)
{
	if (!active)
		return;
	active = false;
	curs_set(1);
	endwin();
	fflush(stdout);
	if (scr) {
		delscreen(scr);
		scr = NULL;
	}
}

static void on_quit_signal(int sig)
{
	quit_sig = sig;
}

/* Crashes: the program is broken. */
static const int crash_sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGQUIT};
/* Signals whose default action ends the process without a crash (nobody
 * sends them to sockwatch on purpose, but `kill -USR1`, an expired
 * CPU limit or a stray alarm must not leave the terminal without echo).
 * Real-time signals (also "terminate" by default) are added at run time. */
static const int deadly_sigs[] = {
	SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ,
	SIGTRAP, SIGSYS, SIGIO, SIGPWR,
#ifdef SIGSTKFLT
	SIGSTKFLT,
#endif
};

static void on_fatal_signal(int sig)
{
	/* Not async-signal-safe, but the process is dying anyway and a
	 * terminal left in raw mode is worse (htop does the same). */
	if (active) {
		active = false;
		endwin();
	}
	bool crash = false;
	for (size_t i = 0; i < sizeof crash_sigs / sizeof crash_sigs[0]; i++)
		crash |= crash_sigs[i] == sig;
	static const char crash_msg[] = "sockwatch: fatal signal, terminal restored\n";
	static const char kill_msg[] = "sockwatch: killed by a signal, terminal restored\n";
	ssize_t r = crash ? write(STDERR_FILENO, crash_msg, sizeof crash_msg - 1)
			  : write(STDERR_FILENO, kill_msg, sizeof kill_msg - 1);
	(void)r;
	/* Again with the default action, so the exit status says which. */
	signal(sig, SIG_DFL);
	raise(sig);
}

int crt_quit_signal(void)
{
	return quit_sig;
}

/* Catch sig to restore the terminal, unless it is ignored (nohup, a
 * parent's choice): then it stays ignored. */
static void catch_fatal(int sig, struct sigaction *sa)
{
	struct sigaction old;
	if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
		return;
	sigaction(sig, sa, NULL);
}

static void install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_quit_signal; /* no SA_RESTART: poll() returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof crash_sigs / sizeof crash_sigs[0]; i++)
		sigaction(crash_sigs[i], &sa, NULL);
	for (size_t i = 0; i < sizeof deadly_sigs / sizeof deadly_sigs[0]; i++)
		catch_fatal(deadly_sigs[i], &sa);
	for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		catch_fatal(sig, &sa);
	signal(SIGPIPE, SIG_IGN);
}

static void setup_attrs(bool want_color)
{
	color = want_color && has_colors();
	if (color) {
		start_color();
		if (use_default_colors() == ERR)
			color = COLORS >= 8;
	}
	for (int i = 0; i < CRT_ELEM_COUNT; i++) {
		if (!color || i == CRT_NORMAL) {
			attrs[i] = looks[i].mono;
			continue;
		}
		short fg = looks[i].fg, bg = looks[i].bg;
		if (fg == -1 && bg == -1) {
			attrs[i] = looks[i].cattr;
			continue;
		}
		init_pair((short)i, fg, bg);
		attrs[i] = COLOR_PAIR(i) | looks[i].cattr;
	}
}

void crt_set_color(bool on)
{
	setup_attrs(on);
}

static void debug_bytes_init(void)
{
	const char *path = getenv("SOCKWATCH_DEBUG_BYTES");
	if (!path || !*path)
		return;
	log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (log_fd < 0)
		return;
	io_fd = open("/proc/self/io", O_RDONLY | O_CLOEXEC);
	if (io_fd < 0) {
		close(log_fd);
		log_fd = -1;
	}
}

bool crt_init(const struct crt_opts *o, char *err, size_t errlen)
{
	const char *cs = nl_langinfo(CODESET);
	utf8 = cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(err, errlen, "%s",
			 _("the monitor needs a terminal on stdin and stdout (use -b for batch output)"));
		return false;
	}
	const char *term = getenv("TERM");
	scr = newterm(term && *term ? term : "vt100", stdout, stdin);
	if (!scr) {
		snprintf(err, errlen, _("cannot use the terminal type '%s'"), term ? term : "");
		return false;
	}
	set_term(scr);
	/* TERM=dumb and the like cannot move the cursor: the screen would be
	 * a blank or scrolling mess.  Say so instead. */
	const char *cup = tigetstr("cup");
	if (!cup || cup == (char *)-1) {
		endwin();
		delscreen(scr);
		scr = NULL;
		snprintf(err, errlen,
			 _("the terminal type '%s' cannot move the cursor; set TERM (e.g. "
			   "TERM=xterm) or use -b for batch output"),
			 term && *term ? term : "vt100");
		return false;
	}
	active = true;
	atexit(crt_done);
	install_signals();
	debug_bytes_init();
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	leaveok(stdscr, TRUE);
	setup_attrs(!o->no_color);
	if (o->mouse) {
		mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_DOUBLE_CLICKED |
			  BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
		mouseinterval(0);
	}
	return true;
}

attr_t crt_attr(enum crt_elem e)
{
	return (unsigned)e < CRT_ELEM_COUNT ? attrs[e] : 0;
}

bool crt_utf8(void)
{
	return utf8;
}

/* ---- text ---------------------------------------------------------------- */

/* Decode the next character of s: its code (or '?' for anything not
 * printable), its width, and the bytes it used. */
static size_t next_char(const char *s, wchar_t *wc, int *width, mbstate_t *ps)
{
	unsigned char c = (unsigned char)*s;
	if (c < 0x80) {
		*wc = (c < 32 || c == 127) ? L'?' : (wchar_t)c;
		*width = 1;
		return 1;
	}
	if (!utf8) {
		/* Not a UTF-8 terminal: one ASCII stand-in per UTF-8 sequence. */
		size_t n = 1;
		unsigned cp = 0;
		int more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
		cp = c & (0x3f >> more);
		while (more-- > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			cp = (cp << 6) | ((unsigned char)s[n++] & 0x3f);
		switch (cp) {
		case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2212:
			*wc = L'-';
			break;
		case 0x2018: case 0x2019: *wc = L'\''; break;
		case 0x201c: case 0x201d: *wc = L'"'; break;
		case 0x2192: *wc = L'>'; break;
		case 0x2026: *wc = L'.'; break;
		default: *wc = L'?';
		}
		*width = 1;
		return n;
	}
	size_t n = mbrtowc(wc, s, MB_CUR_MAX, ps);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		memset(ps, 0, sizeof *ps);
		*wc = L'?';
		*width = 1;
		return 1;
	}
	int wd = wcwidth(*wc);
	if (wd < 0) {
		*wc = L'?';
		wd = 1;
	}
	*width = wd;
	return n;
}

int crt_put(WINDOW *w, const char *s, int maxcols)
{
	int used = 0;
	mbstate_t ps;
	memset(&ps, 0, sizeof ps);
	while (*s && used < maxcols) {
		wchar_t wc;
		int wd;
		size_t n = next_char(s, &wc, &wd, &ps);
		if (used + wd > maxcols)
			break;
		if (wc < 0x80) {
			waddch(w, (chtype)wc);
		} else if (wd > 0) {
			wchar_t ws[2] = {wc, 0};
			waddnwstr(w, ws, 1);
		}
		used += wd;
		s += n;
	}
	return used;
}

int crt_width(const char *s)
{
	int used = 0;
	mbstate_t ps;
	memset(&ps, 0, sizeof ps);
	while (*s) {
		wchar_t wc;
		int wd;
		s += next_char(s, &wc, &wd, &ps);
		used += wd;
	}
	return used;
}

void crt_put_pad(WINDOW *w, const char *s, int cols, bool right)
{
	if (cols <= 0)
		return;
	if (right) {
		int wd = crt_width(s);
		for (int i = wd; i < cols; i++)
			waddch(w, ' ');
		if (wd > cols) { /* too wide: keep the end (numbers) */
			while (*s && crt_width(s) > cols)
				s++;
		}
		crt_put(w, s, cols);
		return;
	}
	int used = crt_put(w, s, cols);
	for (; used < cols; used++)
		waddch(w, ' ');
}

void crt_bar(WINDOW *w, int cols, double frac, attr_t a)
{
	if (cols <= 0)
		return;
	if (frac < 0)
		frac = 0;
	if (frac > 1)
		frac = 1;
	int eighths = (int)(frac * cols * 8 + 0.5);
	if (frac > 0 && eighths == 0)
		eighths = 1; /* something non-zero always shows */
	int full = eighths / 8, part = eighths % 8;
	wattron(w, a);
	int i = 0;
	if (utf8) {
		static const wchar_t blocks[] = L" \u258f\u258e\u258d\u258c\u258b\u258a\u2589\u2588";
		for (; i < full; i++)
			waddnwstr(w, &blocks[8], 1);
		if (part && i < cols) {
			waddnwstr(w, &blocks[part], 1);
			i++;
		}
	} else {
		for (; i < full; i++)
			waddch(w, '#');
		if (part >= 4 && i < cols) {
			waddch(w, '#');
			i++;
		}
	}
	wattroff(w, a);
	for (; i < cols; i++)
		waddch(w, ' ');
}

const char *crt_arrow(bool desc)
{
	if (utf8)
		return desc ? "\u25bc" : "\u25b2";
	return desc ? "v" : "^";
}

void crt_box(WINDOW *w)
{
	if (!utf8) {
		wborder(w, '|', '|', '-', '-', '+', '+', '+', '+');
		return;
	}
	/* Unicode box drawing, not the terminal's alternate character set:
	 * the same everywhere a UTF-8 locale is. */
	static const wchar_t g[] = L"\u2502\u2500\u250c\u2510\u2514\u2518";
	cchar_t c[6];
	attr_t a = getattrs(w);
	for (int i = 0; i < 6; i++) {
		wchar_t ws[2] = {g[i], 0};
		setcchar(&c[i], ws, a, PAIR_NUMBER(a), NULL);
	}
	wborder_set(w, &c[0], &c[0], &c[1], &c[1], &c[2], &c[3], &c[4], &c[5]);
}

/* ---- keys ------------------------------------------------------------------ */

static int map_code(int k)
{
	if (k >= KEY_F(1) && k <= KEY_F(63))
		return SW_KEY_F(k - KEY_F0);
	switch (k) {
	case KEY_UP: return SW_KEY_UP;
	case KEY_DOWN: return SW_KEY_DOWN;
	case KEY_LEFT: return SW_KEY_LEFT;
	case KEY_RIGHT: return SW_KEY_RIGHT;
	case KEY_PPAGE: return SW_KEY_PGUP;
	case KEY_NPAGE: return SW_KEY_PGDN;
	case KEY_HOME: case KEY_A1: case KEY_FIND: return SW_KEY_HOME;
	case KEY_END: case KEY_C1: case KEY_SELECT: return SW_KEY_END;
	case KEY_ENTER: return SW_KEY_ENTER;
	case KEY_BACKSPACE: return SW_KEY_BACKSPACE;
	case KEY_DC: return SW_KEY_DELETE;
	case KEY_IC: return SW_KEY_INSERT;
	case KEY_BTAB: return SW_KEY_BTAB;
	case KEY_RESIZE: return SW_KEY_RESIZE;
	case KEY_MOUSE: return SW_KEY_MOUSE;
	default: return -1;
	}
}

void crt_input_window(WINDOW *w)
{
	input_win = w;
	if (w) {
		keypad(w, TRUE);
		nodelay(w, TRUE);
	}
}

/* An escape sequence the terminal description does not know (vt100 has no
 * PgDn, tmux and xterm send more than the terminfo entry lists): decode the
 * common ones instead of taking the ESC for the Esc key.  The rest of the
 * sequence is already buffered (ncurses waited ESCDELAY for it). */
static int read_raw(void)
{
	wint_t wc;
	int r = wget_wch(input_win, &wc);
	if (r == ERR || r == KEY_CODE_YES)
		return -1;
	return (int)wc;
}

static int csi_key(int intro)
{
	char buf[16];
	size_t n = 0;
	int c;
	while ((c = read_raw()) >= 0) {
		if (n + 1 < sizeof buf)
			buf[n++] = (char)c;
		if (c >= 0x40 && c <= 0x7e)
			break;
	}
	buf[n] = '\0';
	if (!n)
		return SW_KEY_ESC; /* ESC [ alone: take it as Esc */
	char fin = buf[n - 1];
	if (intro == 'O' || (n == 1)) {
		switch (fin) {
		case 'A': return SW_KEY_UP;
		case 'B': return SW_KEY_DOWN;
		case 'C': return SW_KEY_RIGHT;
		case 'D': return SW_KEY_LEFT;
		case 'H': return SW_KEY_HOME;
		case 'F': return SW_KEY_END;
		case 'Z': return SW_KEY_BTAB;
		case 'P': return SW_KEY_F(1);
		case 'Q': return SW_KEY_F(2);
		case 'R': return SW_KEY_F(3);
		case 'S': return SW_KEY_F(4);
		case 'M': return SW_KEY_ENTER;
		default: return -1;
		}
	}
	if (fin != '~')
		return -1;
	switch (atoi(buf)) {
	case 1: case 7: return SW_KEY_HOME;
	case 2: return SW_KEY_INSERT;
	case 3: return SW_KEY_DELETE;
	case 4: case 8: return SW_KEY_END;
	case 5: return SW_KEY_PGUP;
	case 6: return SW_KEY_PGDN;
	case 11: return SW_KEY_F(1);
	case 12: return SW_KEY_F(2);
	case 13: return SW_KEY_F(3);
	case 14: return SW_KEY_F(4);
	case 15: return SW_KEY_F(5);
	case 17: return SW_KEY_F(6);
	case 18: return SW_KEY_F(7);
	case 19: return SW_KEY_F(8);
	case 20: return SW_KEY_F(9);
	case 21: return SW_KEY_F(10);
	default: return -1;
	}
}

bool crt_getkey(int *key, bool *text)
{
	for (;;) {
		wint_t wc;
		/* Reading from stdscr would refresh it over everything (it is
		 * blank and "touched" after start and resizes). */
		int r = input_win ? wget_wch(input_win, &wc) : ERR;
		if (r == ERR)
			return false;
		*text = false;
		if (r == KEY_CODE_YES) {
			int k = map_code((int)wc);
			if (k < 0)
				continue; /* a key we do not use */
			*key = k;
			return true;
		}
		if (wc == 27) {
			int next = read_raw();
			if (next < 0) {
				*key = SW_KEY_ESC;
				return true;
			}
			if (next == '[' || next == 'O') {
				int k = csi_key(next);
				if (k < 0)
					continue;
				*key = k;
				return true;
			}
			/* Esc, then a key typed right after it. */
			unget_wch((wchar_t)next);
			*key = SW_KEY_ESC;
			return true;
		}
		if (wc == '\n' || wc == '\r') {
			*key = SW_KEY_ENTER;
		} else if (wc == 127 || wc == 8) {
			*key = SW_KEY_BACKSPACE;
		} else {
			*key = (int)wc;
			*text = wc >= 32;
		}
		return true;
	}
}
