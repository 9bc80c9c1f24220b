/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ui.h - the full-screen monitor, as the loop sees it.
 *
 * The UI never collects and never acts on the system itself: it reads the
 * views and aggregates the loop built (ui_set_data), turns keys into
 * reaction flags (ui_input), says what it wants the next views to be
 * (ui_wants: filter, sort keys, grouping, interval, pause), and hands
 * confirmed actions (signal a process, close a socket) back to the loop
 * (ui_next_action / ui_action_done).
 */
#ifndef SW_UI_H
#define SW_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/aggregate.h"
#include "core/churn.h"
#include "core/diagnose.h"
#include "core/filter.h"
#include "core/model.h"
#include "core/netinfo.h"

/* Reaction flags returned by ui_input (htop's Htop_Reaction). */
enum {
	UI_R_REDRAW = 1u << 0,    /* something on screen changed */
	UI_R_REFILTER = 1u << 1,  /* rebuild the connection view (filter) */
	UI_R_RESORT = 1u << 2,    /* re-sort the connection view */
	UI_R_REGROUP = 1u << 3,   /* recompute the remote-IP aggregation */
	UI_R_RECOLLECT = 1u << 4, /* take a sample now */
	UI_R_QUIT = 1u << 5,
	UI_R_ACTION = 1u << 6,    /* ui_next_action has work */
	UI_R_TIMER = 1u << 7,     /* interval or pause changed */
};

struct ui_config {
	double interval;     /* seconds */
	bool readonly;       /* -r: no kill, no close */
	bool no_color;       /* -C / NO_COLOR */
	bool resolve;        /* start with name resolution on */
	bool is_root;
	bool mouse;
	const char *filter;  /* initial filter (already valid) or NULL */
	const char *columns; /* --columns or NULL */
	const char *sort;    /* --sort or NULL */
	const char *netns;   /* shown in the header */
	bool panels_follow_filter; /* the summary panels describe the filtered rows */
	const char *panels;  /* shown panels ("connections,states"), NULL: the defaults */
	const struct diag_thresholds *thr; /* the diagnosis thresholds in force */
	const char *config_path; /* where the setup screen saves, or NULL */
	bool replay;         /* a history is replayed: time keys, no kill/close */
	bool start_paused;
};

/* What the loop built for the UI; pointers stay valid until the next
 * ui_set_data call. */
struct ui_data {
	const struct sw_snapshot *snap;
	const struct sw_view *conns;        /* filtered and sorted */
	size_t nall;                        /* live rows before the filter (no tombstones) */
	size_t n_new, n_marked_new, n_closed; /* rows of conns flagged SW_ROW_NEW,
	                                         _MARKED_NEW, _CLOSED (counted by
	                                         the loop, off this thread) */
	const struct sw_agg_states *states; /* unfiltered (the header) */
	const struct sw_agg_states *pstates; /* the states panel's: filtered when following */
	const struct sw_agg *remotes;       /* filtered when following, sorted as wanted */
	bool follows;                       /* pstates and remotes count the filtered rows */
	const struct sw_listeners *listeners;
	uint64_t sample_seq;                /* grows with every new sample */
	const char *error;                  /* last collection error, or NULL */
	const struct diag_list *diags;      /* diagnoses of the latest sample, or NULL */
	const struct sw_netinfo *net;       /* routes and interfaces (when wanted), or NULL */
	const struct sw_netinfo *net_prev;  /* the previous one (interface rates), or NULL */
	const char *net_error;              /* why net is NULL although wanted, or NULL */
	bool marked;                        /* the model holds a mark (model_mark) */
	/* connections opened and closed between samples (destroy events) */
	const struct sw_churn_rates *churn;  /* the last interval, or NULL */
	const struct sw_churn_groups *churn_groups; /* when the Churn panel is shown */
	const char *churn_error;             /* why no events (then closures come
	                                        from sample deltas), or NULL */
	const struct sw_agg_ns *nsstates;   /* -N all: the states panel's rows per
	                                       namespace of snap, or NULL */
};

/* How the loop keeps pace (the header shows it). */
struct ui_pace {
	double interval;   /* seconds between refreshes in effect: more than
	                      ui_wants.interval when a refresh costs more than
	                      half of that */
	double cost;       /* seconds the last refresh took */
	bool collecting;   /* a collection has been running a while */
};

struct ui_wants {
	const struct sw_filter *filter;
	const char *filter_text; /* ... its text (a thread parses its own copy) */
	const struct sw_sortkey *keys;
	size_t nkeys;
	enum sw_agg_kind remote_kind; /* REMOTE_IP, REMOTE_NET, DEST or PROCESS */
	enum sw_agg_order remote_order; /* ... sorted by (agg_sort) */
	uint32_t remote_states;       /* ... states summed for SW_AGG_BY_STATES */
	bool follow;       /* the summary panels describe the filtered rows */
	bool churn;        /* the Churn panel is shown: group the closed records */
	enum sw_churn_kind churn_kind;   /* ... per destination or service */
	enum sw_churn_order churn_order; /* ... sorted by */
	double interval;
	bool paused;
	bool netinfo;      /* a routes or interfaces panel is shown: collect them */
	bool need_cong;    /* the congestion column is shown or sorted on */
	bool need_mem;     /* a socket memory column is shown or sorted on */
	bool need_tcpinfo; /* a column shown or sorted on reads the rows' tcp_info
	                      (columns_read_tcpinfo) */
	bool changes;      /* show new and closed connections (tombstones) */
	bool mark;         /* the user wants a mark set ... */
	uint32_t mark_gen; /* ... changed each time the mark is set or cleared */
	const struct diag_thresholds *thr; /* thresholds from the setup screen ... */
	uint32_t thr_gen;  /* ... changed each time one is changed there */
	/* replaying a history: a move the user asked for */
	uint32_t seek_gen; /* changed with every request */
	enum ui_seek { UI_SEEK_SAMPLES, UI_SEEK_SECONDS, UI_SEEK_TIME } seek_kind;
	int64_t seek_arg;  /* samples or seconds (signed), or a Unix time */
	uint32_t netns_gen; /* grows each time the user asks for the namespace menu (e) */
	uint32_t netns_pick_gen; /* grows with each view chosen there ... */
	size_t netns_pick;       /* ... entry of ui_netns_menu's list */
};

enum ui_action_kind { UI_ACT_SIGNAL, UI_ACT_DESTROY };

struct ui_action {
	enum ui_action_kind kind;
	int pid;            /* SIGNAL */
	uint64_t starttime; /* SIGNAL: must still match */
	int sig;            /* SIGNAL */
	char comm[16];      /* SIGNAL: for the message */
	int zparent;        /* SIGNAL, -EOWNERDEAD (a zombie): its parent ... */
	char zparent_comm[16]; /* ... and the parent's name (the loop fills them) */
	struct sw_conn conn; /* DESTROY */
	uint64_t ns_inode;   /* DESTROY, -N all: conn's namespace (sw_nsinfo.inode) */
};

struct ui;

/* Starts curses.  NULL with a message in err if the terminal cannot. */
struct ui *ui_new(const struct ui_config *cfg, char *err, size_t errlen);
/* Restores the terminal. */
void ui_free(struct ui *ui);

const struct ui_wants *ui_wants(const struct ui *ui);
/* New data: a new sample, or new views of the same sample (d->sample_seq
 * tells which); d's pointers must stay valid until the next call. */
void ui_set_data(struct ui *ui, const struct ui_data *d);
/* The pace in effect (redraws the header when it changed). */
void ui_set_pace(struct ui *ui, const struct ui_pace *p);
/* Read every pending key (never waits); UI_R_* flags. */
unsigned ui_input(struct ui *ui);
/* Draw what is dirty; one doupdate (none when nothing changed). */
void ui_draw(struct ui *ui);
/* Milliseconds until the UI needs a turn on its own (a status message
 * expiring), or -1. */
int ui_timeout_ms(const struct ui *ui);
/* A descriptor to poll besides stdin (background name resolution), or -1;
 * call ui_input when it is readable. */
int ui_poll_fd(const struct ui *ui);
/* Confirmed actions, one at a time. */
bool ui_next_action(struct ui *ui, struct ui_action *a);
void ui_action_done(struct ui *ui, const struct ui_action *a, int rc);
/* A message in the status line (error: shown as an error). */
/* The namespace chooser (e): n views (label, socket count or -1), cur
 * marked and selected; the one chosen comes back in ui_wants()'s
 * netns_pick / netns_pick_gen. */
void ui_netns_menu(struct ui *ui, char (*label)[64], const long *socks, size_t n, size_t cur);
void ui_status(struct ui *ui, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The quit signal received, or 0. */
int ui_quit_signal(void);

#endif
