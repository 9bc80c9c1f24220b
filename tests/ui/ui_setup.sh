#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ui_setup: the setup screen (F2) at 80x24, monochrome (TERM=vt100), in the
# C locale (not UTF-8), on a replayed recording:
#  - the system file (SOCKWATCH_SYSTEM_CONFIG, standing in for
#    /etc/sockwatch/sockwatchrc) gives the interval, the user's --config
#    file overrides a threshold of it;
#  - hide the TCP states panel, type an interval and a threshold, colours
#    off, a column off in the column picker (which returns to the setup
#    screen), w saves: the file keeps its comment and unknown key, its
#    threshold line is replaced in place, nothing is left behind;
#  - a new sockwatch with the same --config starts with those settings;
#  - a read-only directory (a user who cannot write there): a clear message
#    in the status line, the file untouched, the monitor goes on.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/ui/lib-tmux.sh"

require_cmds tmux
tmpdir_new
REC="$top_srcdir/tests/data/fixtures.swrec"
mkdir -p "$T/cfg"
CFG=$T/cfg/sockwatchrc
printf 'monitor.interval = 3\nthreshold.closewait_warn = 11\nthreshold.top = 7\n' >"$T/system.rc"
printf '# kept comment\nthreshold.closewait_warn = 12\nsome.unknown = x\n' >"$CFG"
SOCKWATCH_SYSTEM_CONFIG=$T/system.rc
SOCKWATCH_NO_MOUSE=1
export SOCKWATCH_SYSTEM_CONFIG SOCKWATCH_NO_MOUSE

# down N: N times Down
down() {
	_i=0
	while [ "$_i" -lt "$1" ]; do
		tmux_send Down
		_i=$((_i + 1))
	done
}
has() { grep -q -- "$1" "$2"; }
count() { grep -c -- "$1" "$2"; }

tmux_start_sockwatch 80 24 vt100 C --replay "$REC" --config "$CFG"
check "monitor starts" tmux_wait_text "Connections"
check "the system file's interval (3 s)" tmux_wait_text "every 3.0s"
check "the TCP states panel is shown" tmux_wait_text "TCP states"
tmux_send F2
check "F2 opens the setup screen" tmux_wait_text "Setup"
check "the setup screen shows the interval" tmux_wait_regex "Refresh interval +3 s"
tmux_capture "$T/setup1.txt"
npanels=$(count "Panel: " "$T/setup1.txt")
log "$npanels panels listed"
# rows: Columns, Sort by, the panels, Refresh interval, Colours, Summary
# panels follow the filter, the thresholds (ephemeral_warn first), Save to
tmux_send Home
down 3 # Panel: TCP states (the second panel)
tmux_send Space
check "Space hides the TCP states panel" tmux_wait_regex "Panel: TCP states +off"
down $((npanels - 1)) # Refresh interval
tmux_type "0.5"
tmux_send Enter
check "typed interval 0.5 s" tmux_wait_regex "Refresh interval +0.5 s"
down 1 # Colours
tmux_send Enter
check "colours off" tmux_wait_regex "Colours +off"
down 2 # Threshold ephemeral_warn
tmux_type "42"
tmux_send Enter
check "typed threshold 42" tmux_wait_regex "Threshold ephemeral_warn +42"
tmux_send Home Enter # Columns: the column picker, then back here
check "Enter on Columns opens the column picker" tmux_wait_text "Space: show/hide"
tmux_send Space # the first column (proto) off
tmux_send Escape
check "the picker returns to the setup screen" tmux_wait_text "Refresh interval"
check "... showing the columns without proto" tmux_wait_regex "Columns \\(c\\) +state,"
tmux_send w
check "w saves, and says where" tmux_wait_text "Settings saved to $CFG"
tmux_send Escape
check "Esc closes the setup screen" tmux_wait_gone "Refresh interval"
tmux_send q
check "q quits" tmux_wait_exit
check "exit status 0 ($TMUX_STATUS)" test "$TMUX_STATUS" = 0

check "saved: the comment kept" has "^# kept comment$" "$CFG"
check "saved: the unknown key kept" has "^some.unknown = x$" "$CFG"
check "saved: the threshold line replaced in place (once, line 2)" \
	test "$(grep -n 'closewait_warn' "$CFG")" = "2:threshold.closewait_warn = 12"
check "saved: monitor.interval = 0.5" has "^monitor.interval = 0.5$" "$CFG"
check "saved: monitor.columns without proto" has "^monitor.columns = state,recvq," "$CFG"
check "saved: monitor.color = 0" has "^monitor.color = 0$" "$CFG"
check "saved: threshold.ephemeral_warn = 42" has "^threshold.ephemeral_warn = 42$" "$CFG"
check "saved: monitor.panels without states" \
	sh -c "grep '^monitor.panels = ' '$CFG' | grep -q connections && ! grep '^monitor.panels = ' '$CFG' | grep -q states"
check "saved: the system file's threshold.top (7) is in force, and saved" \
	has "^threshold.top = 7$" "$CFG"
check "no temporary file left" test "$(ls -A "$T/cfg")" = "sockwatchrc"

# ---- the same --config again ---------------------------------------------------
tmux_start_sockwatch 80 24 vt100 C --replay "$REC" --config "$CFG"
check "restart: the saved interval" tmux_wait_text "every 0.5s"
check "restart: the saved columns (no Proto header)" tmux_wait_regex "^State.? +Recv-Q"
check "restart: the TCP states panel stays hidden" tmux_wait_gone "TCP states"
tmux_send F2
check "restart: colours off" tmux_wait_regex "Colours +off"
check "restart: the threshold" tmux_wait_regex "Threshold ephemeral_warn +42"
tmux_send Escape q
tmux_wait_exit

# ---- a --config file that does not exist yet: the monitor starts, w creates it
NEW=$T/new/dir/sockwatchrc
tmux_start_sockwatch 80 24 vt100 C --replay "$REC" --config "$NEW"
check "missing --config: the monitor starts and says so" tmux_wait_text "does not exist yet"
tmux_send F2
check "missing --config: setup opens" tmux_wait_text "Refresh interval"
tmux_send w
check "missing --config: w creates it" tmux_wait_text "Settings saved to $NEW"
tmux_send Escape q
tmux_wait_exit
check "missing --config: the file and its directories exist" has "^monitor.interval = 3$" "$NEW"
"$SOCKWATCH" --check --replay "$REC" --config "$T/none" >/dev/null 2>&1
check "missing --config: --check still refuses it (exit 2)" test $? -eq 2

# ---- a directory the user cannot write ---------------------------------------------
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	sw_for_others
	cp "$REC" "$T/pub/rec.swrec" && chmod 644 "$T/pub/rec.swrec" "$CFG"
	chmod 555 "$T/cfg"
	cp "$CFG" "$T/before.rc"
	at_exit "chmod 755 '$T/cfg'"
	tmux_start 80 24 vt100 C setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$SW_OTHERS" --replay "$T/pub/rec.swrec" --config "$CFG"
	check "read-only: monitor starts" tmux_wait_text "Connections"
	tmux_send F2
	check "read-only: setup opens" tmux_wait_text "Setup"
	tmux_send w
	check "read-only: a clear message" \
		tmux_wait_text "Settings not saved: Permission denied ($T/"
	check "read-only: the monitor goes on" tmux_wait_text "Refresh interval"
	tmux_send Escape q
	check "read-only: q quits" tmux_wait_exit
	check "read-only: exit status 0 ($TMUX_STATUS)" test "$TMUX_STATUS" = 0
	check "read-only: the file is untouched" cmp -s "$CFG" "$T/before.rc"
	chmod 755 "$T/cfg"
else
	log "not root (or no setpriv): the read-only directory part is skipped"
fi

finish
