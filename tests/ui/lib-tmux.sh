# SPDX-License-Identifier: GPL-2.0-or-later
# lib-tmux.sh - drive a full-screen program in a detached tmux session for
# end-to-end UI tests (POSIX sh).  Source it after tests/lib.sh:
#
#   . "$top_srcdir/tests/lib.sh"
#   . "$top_srcdir/tests/ui/lib-tmux.sh"
#
# A private tmux server (socket in $T, no user config) runs outside any
# test namespace, so its own UNIX socket never shows up in the namespace;
# the program in the pane runs inside $NS when NS is set.  The server is
# killed at exit.  The pane stays after the program exits (remain-on-exit)
# so its last screen and exit status can be read.
#
#   tmux_start COLS ROWS TERM LANG CMD [ARG...]   start CMD (in $NS if set)
#   tmux_start_sockwatch COLS ROWS TERM LANG [SOCKWATCH ARGS...]
#   tmux_send KEY...            tmux key names: Enter Escape Tab F4 C-l Up q ...
#   tmux_type TEXT              literal text (no key-name lookup)
#   tmux_capture FILE           the screen as plain text
#   tmux_capture_esc FILE       the screen with attributes/colours (escape sequences)
#   tmux_screen                 the screen on stdout
#   tmux_wait_text TEXT [SEC]   until TEXT (fixed string) is on the screen (default 10 s)
#   tmux_wait_regex ERE [SEC]   until a line matches the extended regex
#   tmux_wait_gone TEXT [SEC]   until TEXT is no longer on the screen
#   tmux_wait_exit [SEC]        until the program has exited; then $TMUX_STATUS
#                               (its exit status, 128+N if killed by signal N)
#   tmux_resize COLS ROWS       resize the window; returns once the pty has the new
#                               size (the program has been sent SIGWINCH)
#   tmux_size                   "COLSxROWS" of the pane
#   tmux_pid                    pid of the program in the pane (to signal it)
#   tmux_dead                   true once the program has exited
#   tmux_record_start FILE / tmux_record_stop   append the program's output bytes to FILE
#   tmux_stop                   kill the session and the server (also done at exit)
#
# On a wait timeout the current screen is printed to stderr for the log.

TMUX_SOCK=
TMUX_SESSION=
TMUX_STATUS=

tmux_cmd() { tmux -S "$TMUX_SOCK" "$@"; }

TMUX_RUNS=0
TMUX_STATUS_FILE=

tmux_start() {
	require_cmds tmux
	tmpdir_new
	_cols=$1 _rows=$2 _term=$3 _lang=$4
	shift 4
	if [ -z "$TMUX_SOCK" ]; then
		TMUX_SOCK=$T/tmux.sock
		cat >"$T/tmux.conf" <<-EOF
			set -g remain-on-exit on
			set -g status off
			set -g history-limit 2000
			set -sg escape-time 0
			set -g focus-events off
		EOF
		at_exit tmux_stop
	fi
	[ -n "$TMUX_SESSION" ] && tmux_cmd kill-session -t "$TMUX_SESSION" 2>/dev/null
	TMUX_RUNS=$((TMUX_RUNS + 1))
	TMUX_SESSION=sw$$-$TMUX_RUNS
	TMUX_STATUS_FILE=$T/tmux-exit.$TMUX_RUNS
	rm -f "$TMUX_STATUS_FILE"
	# tmux (3.3a) sometimes leaves an exited pane program unreaped, so its
	# exit status is written by a small shell between tmux and CMD; the
	# shell catches (not ignores) SIGINT so that Ctrl-C still reaches CMD
	# with the default action and the shell lives to write the status.
	# The shell then lingers a moment: tmux drops what a pane wrote just
	# before it died if it has not read it yet (the warnings sockwatch
	# prints after closing the screen were lost that way on a loaded box).
	set -- sh -c 'trap : INT; "$@"; echo $? >"$0"; sleep 0.3' "$TMUX_STATUS_FILE" "$@"
	[ -n "$NS" ] && set -- ip netns exec "$NS" "$@"
	# killing the last session above ends the server: a new session made
	# while it is still going away fails ("server exited unexpectedly")
	_try=0
	# An ASan/UBSan report goes to a file (sanitizer.PID), which a failed
	# wait prints whole: the pane keeps only its last lines, the legend.
	# (Not where the caller chose a log_path: the TSan step reads its own.)
	_asan=${ASAN_OPTIONS:-} _ubsan=${UBSAN_OPTIONS:-}
	case $_asan in *log_path=*) ;; *) _asan="${_asan:+$_asan:}log_path=$T/sanitizer" ;; esac
	case $_ubsan in *log_path=*) ;; *) _ubsan="${_ubsan:+$_ubsan:}log_path=$T/sanitizer" ;; esac
	until tmux -S "$TMUX_SOCK" -f "$T/tmux.conf" new-session -d -s "$TMUX_SESSION" \
		-x "$_cols" -y "$_rows" \
		env -u LANGUAGE TERM="$_term" LANG="$_lang" LC_ALL="$_lang" \
		ASAN_OPTIONS="$_asan" UBSAN_OPTIONS="$_ubsan" "$@"; do
		_try=$((_try + 1))
		[ $_try -lt 5 ] || die "tmux new-session failed"
		sleep 0.5
	done
}

tmux_start_sockwatch() {
	_c=$1 _r=$2 _t=$3 _l=$4
	shift 4
	tmux_start "$_c" "$_r" "$_t" "$_l" "$SOCKWATCH" "$@"
}

tmux_send() { tmux_cmd send-keys -t "$TMUX_SESSION" "$@"; }
tmux_type() { tmux_cmd send-keys -t "$TMUX_SESSION" -l "$1"; }
tmux_screen() { tmux_cmd capture-pane -p -t "$TMUX_SESSION"; }
tmux_capture() { tmux_cmd capture-pane -p -t "$TMUX_SESSION" >"$1"; }
tmux_capture_esc() { tmux_cmd capture-pane -p -e -t "$TMUX_SESSION" >"$1"; }
tmux_size() { tmux_cmd display-message -p -t "$TMUX_SESSION" '#{pane_width}x#{pane_height}'; }
# the program: the child of the status-writing shell (that shell once it is gone)
tmux_pid() {
	_pp=$(tmux_cmd display-message -p -t "$TMUX_SESSION" '#{pane_pid}')
	pgrep -n -P "$_pp" 2>/dev/null || echo "$_pp"
}
tmux_dead() { [ "$(tmux_cmd display-message -p -t "$TMUX_SESSION" '#{pane_dead}' 2>/dev/null)" = 1 ]; }

# tmux applies a pane's new size to its pty a little later (it coalesces
# resizes); wait until the pty has it, so the program has had its SIGWINCH.
_tmux_pty_size_is() {
	_tty=$(tmux_cmd display-message -p -t "$TMUX_SESSION" '#{pane_tty}')
	[ "$(stty -F "$_tty" size 2>/dev/null)" = "$1" ]
}

tmux_resize() {
	tmux_cmd resize-window -t "$TMUX_SESSION" -x "$1" -y "$2" || return 1
	tmux_dead && return 0
	wait_for 5 _tmux_pty_size_is "$2 $1" && return 0
	log "tmux_resize: the pty did not reach $1x$2"
	return 1
}

_tmux_show_screen() {
	log "screen ($(tmux_size 2>/dev/null)) when $1:"
	tmux_screen 2>/dev/null | sed 's/^/    |/' >&2
	for _f in "$T"/sanitizer.*; do
		[ -f "$_f" ] || continue
		log "sanitizer report $(basename "$_f"):"
		sed 's/^/    !/' "$_f" >&2
	done
}

_tmux_has_text() { tmux_screen 2>/dev/null | grep -qF -- "$1"; }
_tmux_has_regex() { tmux_screen 2>/dev/null | grep -qE -- "$1"; }
_tmux_no_text() { ! tmux_screen 2>/dev/null | grep -qF -- "$1"; }

tmux_wait_text() {
	wait_for "${2:-10}" _tmux_has_text "$1" && return 0
	_tmux_show_screen "waiting for '$1' timed out"
	return 1
}

tmux_wait_regex() {
	wait_for "${2:-10}" _tmux_has_regex "$1" && return 0
	_tmux_show_screen "waiting for /$1/ timed out"
	return 1
}

tmux_wait_gone() {
	wait_for "${2:-10}" _tmux_no_text "$1" && return 0
	_tmux_show_screen "waiting for '$1' to go timed out"
	return 1
}

_tmux_exited() {
	tmux_dead && [ -s "$TMUX_STATUS_FILE" ] || return 1
	TMUX_STATUS=$(cat "$TMUX_STATUS_FILE")
}

# On return 0, $TMUX_STATUS is the exit status (128+N when killed by signal N).
tmux_wait_exit() {
	TMUX_STATUS=
	wait_for "${1:-10}" _tmux_exited && return 0
	_tmux_show_screen "waiting for the program to exit timed out"
	return 1
}

tmux_record_start() {
	: >"$1"
	tmux_cmd pipe-pane -o -t "$TMUX_SESSION" "cat >>'$1'"
}

tmux_record_stop() { tmux_cmd pipe-pane -t "$TMUX_SESSION"; }

tmux_stop() {
	[ -n "$TMUX_SOCK" ] || return 0
	tmux_cmd kill-server 2>/dev/null
	rm -f "$TMUX_SOCK"
	TMUX_SOCK=
}
