/* SPDX-License-Identifier: GPL-2.0-or-later */
/* keymap.h - the monitor's actions and key bindings.
 *
 * One X-macro lists every action (unique name, short label for the
 * function-key bar, description, help group); a table binds keys to them.
 * The help screen, `sockwatch --list-keys` and doc/keys.md are generated
 * from these tables, never written by hand.  Pure C: key codes are
 * sockwatch's own (the UI translates curses codes into them).
 */
#ifndef SW_KEYMAP_H
#define SW_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Key codes: Unicode code points stand for themselves (control characters
 * included: SW_KEY_CTRL('L') is 12); special keys live above Unicode. */
enum {
	SW_KEY_TAB = 9,
	SW_KEY_ESC = 27,
	SW_KEY_SPECIAL = 0x110000,
	SW_KEY_UP = SW_KEY_SPECIAL,
	SW_KEY_DOWN,
	SW_KEY_LEFT,
	SW_KEY_RIGHT,
	SW_KEY_PGUP,
	SW_KEY_PGDN,
	SW_KEY_HOME,
	SW_KEY_END,
	SW_KEY_ENTER,     /* Enter, Return, ^J, ^M */
	SW_KEY_BACKSPACE, /* Backspace, DEL, ^H */
	SW_KEY_DELETE,
	SW_KEY_INSERT,
	SW_KEY_BTAB,      /* Shift-Tab */
	SW_KEY_RESIZE,
	SW_KEY_MOUSE,
	SW_KEY_F0 = SW_KEY_SPECIAL + 0x100,
};
#define SW_KEY_F(n) (SW_KEY_F0 + (n))
#define SW_KEY_CTRL(c) ((c) & 0x1f)

/* Help groups, in the order the help screen shows them. */
#define SW_KGROUPS(X)                                   \
	X(GENERAL, N_("General"))                       \
	X(PANELS, N_("Panels"))                         \
	X(MOVE, N_("Moving around"))                    \
	X(SORT, N_("Sorting and columns"))              \
	X(FILTER, N_("Filtering and searching"))        \
	X(ACT, N_("Acting on a connection"))            \
	X(TIME, N_("Replaying a recording (--replay)"))

enum sw_kgroup {
#define X(id, title) SW_KGRP_##id,
	SW_KGROUPS(X)
#undef X
	SW_KGRP_COUNT
};

/* X(ID, unique name, function-bar label (or NULL), description, group) */
#define SW_ACTIONS(X)                                                          \
	X(HELP, "help", N_("Help"), N_("Show this help"), GENERAL)             \
	X(QUIT, "quit", N_("Quit"), N_("Quit sockwatch"), GENERAL)             \
	X(PAUSE, "pause", N_("Pause"),                                         \
	  N_("Pause or resume refreshing (keys keep working)"), GENERAL)       \
	X(FASTER, "faster", N_("Faster"),                                      \
	  N_("Refresh more often (shorter interval)"), GENERAL)                \
	X(SLOWER, "slower", N_("Slower"),                                      \
	  N_("Refresh less often (longer interval)"), GENERAL)                 \
	X(REDRAW, "redraw", NULL, N_("Redraw the whole screen"), GENERAL)      \
	X(SETUP, "setup", N_("Setup"),                                         \
	  N_("Setup: columns, sort, panels, interval, colours and diagnosis "   \
	     "thresholds, saved to the settings file"), GENERAL)               \
	X(NETNS, "netns", NULL,                                                \
	  N_("Network namespaces: choose the view from a menu: this one, all "  \
	     "of them (as -N all) or one, with their socket counts"), GENERAL)  \
	X(RESOLVE, "resolve", NULL,                                            \
	  N_("Toggle name resolution (reverse DNS and service names, "          \
	     "resolved in the background)"), GENERAL)                          \
	X(FOCUS_NEXT, "focus-next", NULL, N_("Focus the next panel"), PANELS)  \
	X(FOCUS_PREV, "focus-prev", NULL, N_("Focus the previous panel"),      \
	  PANELS)                                                              \
	X(ZOOM, "zoom", NULL,                                                  \
	  N_("Zoom the focused panel to the full screen, or back"), PANELS)    \
	X(SHOW_CONNS, "show-connections", NULL,                                \
	  N_("Show or hide the Connections panel"), PANELS)                    \
	X(SHOW_STATES, "show-states", NULL,                                    \
	  N_("Show or hide the TCP states panel"), PANELS)                     \
	X(SHOW_REMOTES, "show-remotes", NULL,                                  \
	  N_("Show or hide the Top remote IPs panel"), PANELS)                 \
	X(SHOW_LISTENERS, "show-listeners", NULL,                              \
	  N_("Show or hide the Listeners panel"), PANELS)                      \
	X(SHOW_CHURN, "show-churn", NULL,                                      \
	  N_("Show or hide the Churn panel: connections closed per second "    \
	     "per destination or service, with lifetimes, bytes and owners"),  \
	  PANELS)                                                              \
	X(SHOW_ALERTS, "show-alerts", NULL,                                    \
	  N_("Show or hide the Alerts panel (every diagnosis with its fix)"),  \
	  PANELS)                                                              \
	X(SHOW_ROUTES, "show-routes", NULL,                                    \
	  N_("Show or hide the Routes panel (netstat -r)"), PANELS)            \
	X(SHOW_IFACES, "show-interfaces", NULL,                                \
	  N_("Show or hide the Interfaces panel with rates (netstat -i)"),     \
	  PANELS)                                                              \
	X(CHANGES, "changes", NULL,                                            \
	  N_("Highlight new connections and keep closed ones visible, or not"),\
	  PANELS)                                                              \
	X(MARK, "mark", NULL,                                                  \
	  N_("Set a mark: connections opened or closed from now on stay "      \
	     "marked until the mark is cleared"), PANELS)                      \
	X(CLEAR_MARK, "clear-mark", NULL,                                      \
	  N_("Clear the mark"), PANELS)                                        \
	X(GROUP_PROC, "group-process", NULL,                                   \
	  N_("Top remote IPs panel: totals per process instead, or back"),     \
	  PANELS)                                                              \
	X(GROUP_NET, "group-net", NULL,                                        \
	  N_("Top remote IPs: per address, per network (/24 IPv4, /64 IPv6), " \
	     "per destination address:port, in turn; Churn: destinations or "  \
	     "services; TCP states (-N all): a row per namespace, or back"),    \
	  PANELS)                                                              \
	X(REMOTE_SORT, "remote-sort", NULL,                                    \
	  N_("Top remote IPs (or Churn, or TCP states per namespace, when "    \
	     "focused): sort by the next column (count, SYN-R, ESTAB, ..., "    \
	     "address)"), PANELS)                                              \
	X(FOLLOW, "follow-filter", NULL,                                       \
	  N_("States and Top remote IPs describe the filtered sockets, or "    \
	     "every socket"), PANELS)                                          \
	X(UP, "up", NULL, N_("Select the previous row"), MOVE)                 \
	X(DOWN, "down", NULL, N_("Select the next row"), MOVE)                 \
	X(PGUP, "page-up", NULL, N_("One page up"), MOVE)                      \
	X(PGDN, "page-down", NULL, N_("One page down"), MOVE)                  \
	X(HOME, "home", NULL, N_("First row"), MOVE)                           \
	X(END, "end", NULL, N_("Last row"), MOVE)                              \
	X(LEFT, "left", NULL, N_("Scroll the connection columns left"), MOVE)  \
	X(RIGHT, "right", NULL, N_("Scroll the connection columns right"),     \
	  MOVE)                                                                \
	X(ENTER, "enter", NULL,                                                \
	  N_("Drill down: show the connections of the selected state, remote " \
	     "or listener; on a connection, show its details"), MOVE)          \
	X(BACK, "back", NULL,                                                  \
	  N_("Go back to the previous filter (undo a drill-down)"), MOVE)      \
	X(SORT_MENU, "sort-menu", N_("SortBy"),                                \
	  N_("Choose the sort column"), SORT)                                  \
	X(SORT_STATE, "sort-state", NULL, N_("Sort by state"), SORT)           \
	X(SORT_REMOTE, "sort-remote", NULL, N_("Sort by remote address"),      \
	  SORT)                                                                \
	X(SORT_LPORT, "sort-local-port", NULL, N_("Sort by local port"), SORT) \
	X(SORT_PROCESS, "sort-process", NULL, N_("Sort by process"), SORT)     \
	X(SORT_QUEUE, "sort-queue", NULL,                                      \
	  N_("Sort by receive queue, largest first"), SORT)                    \
	X(SORT_RATE, "sort-rate", NULL,                                        \
	  N_("Sort by receive rate, fastest first"), SORT)                     \
	X(SORT_INVERT, "sort-invert", NULL, N_("Invert the sort order"), SORT) \
	X(COLUMNS, "columns", N_("Cols"),                                   \
	  N_("Choose the visible columns (tcp_info and rate columns too)"),    \
	  SORT)                                                                \
	X(FILTER, "filter", N_("Filter"),                                      \
	  N_("Filter connections with an expression "                          \
	     "(e.g. state syn-recv and sport = :80)"), FILTER)                 \
	X(SEARCH, "search", N_("Search"),                                      \
	  N_("Search the visible text and jump to the match"), FILTER)         \
	X(SEARCH_NEXT, "search-next", NULL, N_("Jump to the next match"),      \
	  FILTER)                                                              \
	X(KILL, "kill", N_("Kill"),                                            \
	  N_("Send a signal to the process owning the selected connection"),   \
	  ACT)                                                                 \
	X(CLOSE, "close", NULL,                                                \
	  N_("Close the selected TCP socket (as ss -K)"), ACT)                 \
	X(TIME_BACK, "sample-back", NULL,                                      \
	  N_("Replay: one sample back"), TIME)                                 \
	X(TIME_FWD, "sample-forward", NULL,                                    \
	  N_("Replay: one sample forward"), TIME)                              \
	X(MINUTE_BACK, "minute-back", NULL,                                    \
	  N_("Replay: one minute back"), TIME)                                 \
	X(MINUTE_FWD, "minute-forward", NULL,                                  \
	  N_("Replay: one minute forward"), TIME)                              \
	X(HOUR_BACK, "hour-back", NULL, N_("Replay: one hour back"), TIME)     \
	X(HOUR_FWD, "hour-forward", NULL, N_("Replay: one hour forward"),      \
	  TIME)                                                                \
	X(GOTO_TIME, "goto-time", NULL,                                        \
	  N_("Replay: go to a time (HH:MM[:SS], YYYY-MM-DD HH:MM, -10m, +1h); "  \
	     "Space plays and pauses, + and - change the speed"), TIME)

enum sw_action {
	SW_ACT_NONE = 0,
#define X(id, name, label, desc, grp) SW_ACT_##id,
	SW_ACTIONS(X)
#undef X
	SW_ACT_COUNT
};

struct sw_binding {
	int key;
	enum sw_action action;
};

/* A read-only view of the binding table (keys are not rebindable: the
 * help, `sockwatch --list-keys`, doc/keys.md and the man page all show
 * this one table). */
struct sw_keymap {
	const struct sw_binding *b;
	size_t n;
};

/* Point km at the bindings. */
void keymap_init(struct sw_keymap *km);
enum sw_action keymap_lookup(const struct sw_keymap *km, int key);
/* Keys bound to a, in table order; returns how many (may exceed max). */
size_t keymap_keys(const struct sw_keymap *km, enum sw_action a, int *keys,
		   size_t max);

/* The action's stable name ("sort-state"): the table's unique id. */
const char *keymap_action_name(enum sw_action a);
const char *keymap_action_label(enum sw_action a); /* untranslated or NULL */
const char *keymap_action_desc(enum sw_action a);  /* untranslated */
enum sw_kgroup keymap_action_group(enum sw_action a);

/* "q", "F1", "Up", "Ctrl-L", "Space", "Tab", "Enter", "Esc", ... */
char *keymap_key_name(int key, char *buf, size_t len);
/* "h ? F1": every key of a, space separated ("" when unbound). */
char *keymap_keys_str(const struct sw_keymap *km, enum sw_action a, char *buf,
		      size_t len);

/* Help lines: the group titles and one "KEYS  description" line per action,
 * translated.  Calls fn once per line (is_title set for group titles). */
void keymap_help(const struct sw_keymap *km,
		 void (*fn)(void *ctx, bool is_title, const char *keys,
			    const char *desc),
		 void *ctx);
/* Print the key table: plain text, or a Markdown table (doc/keys.md). */
void keymap_print(const struct sw_keymap *km, FILE *fp, bool markdown);

#endif
