#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ui_terminal: the monitor and the terminal.  Resizing down to 40x10 and
# back (also in a burst) leaves exactly what a full redraw draws; LANG=C
# TERM=vt100 puts nothing but printable ASCII on the screen; the help lists
# every binding of the key table; -C / NO_COLOR draw without colours; an
# idle refresh sends next to nothing (bytes counted per screen update);
# q, Ctrl-C, SIGTERM and a crash all leave the terminal restored; without
# root the header says what is hidden.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/ui/lib-tmux.sh"

require_root
require_cmds tmux jq
netns_new uiterm
sockfix_start listen,port=3306,n=2 estab,port=80,n=3 udp,port=53
SOCKWATCH_NO_MOUSE=1
export SOCKWATCH_NO_MOUSE
# A session that outlives the others, so that replacing the program's
# session never leaves the tmux server empty (it would exit under us).
keep_server() { tmux_cmd has-session -t keep 2>/dev/null || tmux_cmd new-session -d -s keep sleep 3600; }

# The screen as a full redraw (Ctrl-L) draws it must equal the screen now.
same_as_redraw() { # $1: label
	tmux_capture "$T/before.txt"
	tmux_send C-l
	sleep 0.4
	tmux_capture "$T/after.txt"
	if cmp -s "$T/before.txt" "$T/after.txt"; then
		return 0
	fi
	log "$1: screen differs from a full redraw:"
	diff "$T/before.txt" "$T/after.txt" >&2
	return 1
}
lines_fit() { # $1 columns: no line wider than the pane (display width)
	[ "$(LC_ALL=C.UTF-8 wc -L <"$T/before.txt")" -le "$1" ]
}
alt_on() { [ "$(tmux_cmd display-message -p -t "$TMUX_SESSION" '#{alternate_on}')" = 1 ]; }
alt_off() { [ "$(tmux_cmd display-message -p -t "$TMUX_SESSION" '#{alternate_on}')" = 0 ]; }

# ---- resize -----------------------------------------------------------------------
tmux_start_sockwatch 100 30 xterm-256color C.UTF-8
keep_server
check "starts (alternate screen on)" tmux_wait_text "Connections"
check "alternate screen in use" alt_on
tmux_send Space
check "Space pauses (marker in the header)" tmux_wait_text "PAUSED"
tmux_wait_gone "Paused (Space: resume)" 10 >/dev/null
tmux_capture "$T/full.txt"
check "100x30: screen equals a full redraw" same_as_redraw 100x30
tmux_resize 40 10
sleep 0.5
check "40x10: equals a full redraw (no garbage)" same_as_redraw 40x10
check "40x10: no line wider than 40" lines_fit 40
check "40x10: header still there" grep -q '^sockwatch' "$T/before.txt"
check "40x10: function keys on the last line" sh -c "tail -n 1 '$T/before.txt' | grep -q '^F1Help'"
check "40x10: the focused panel is shown" grep -q 'Connections' "$T/before.txt"
tmux_send Tab
sleep 0.3
check "40x10: Tab shows the next panel alone" tmux_wait_text "> TCP states"
tmux_send BTab
tmux_resize 100 30
sleep 0.5
check "back to 100x30: equals a full redraw" same_as_redraw 100x30
check "back to 100x30: the same screen as before the resize" cmp -s "$T/full.txt" "$T/before.txt"
# a burst of resizes coalesces into one clean layout
tmux_cmd resize-window -t "$TMUX_SESSION" -x 60 -y 20
tmux_cmd resize-window -t "$TMUX_SESSION" -x 45 -y 12
tmux_cmd resize-window -t "$TMUX_SESSION" -x 90 -y 25
tmux_resize 100 30
sleep 0.6
check "after a resize burst: equals a full redraw" same_as_redraw burst
check "after a resize burst: the same screen" cmp -s "$T/full.txt" "$T/before.txt"
tmux_send q
check "q quits with status 0" tmux_wait_exit 5
check "q: terminal restored (normal screen)" alt_off
test "$TMUX_STATUS" = 0 || fail "q exit status $TMUX_STATUS"

# ---- LANG=C TERM=vt100 --------------------------------------------------------------
ascii_only() { # the file has printable ASCII only
	! LC_ALL=C grep -q '[^ -~]' "$1"
}
tmux_start_sockwatch 80 24 vt100 C
check "vt100/C: starts" tmux_wait_text "Connections"
sleep 1.2
tmux_capture "$T/vt.txt"
check "vt100/C: main screen is printable ASCII only" ascii_only "$T/vt.txt"
check "vt100/C: ASCII bars" grep -q '#' "$T/vt.txt"
tmux_send k
tmux_wait_text "SIGTERM" >/dev/null
tmux_capture "$T/vt-dialog.txt"
check "vt100/C: dialog is ASCII (box of + - |)" ascii_only "$T/vt-dialog.txt"
check "vt100/C: ASCII box corners" grep -q '+-.*-+' "$T/vt-dialog.txt"
tmux_send Escape

# ---- help lists every binding -------------------------------------------------------
tmux_send h
check "help opens" tmux_wait_text "sockwatch"
: >"$T/help.txt"
i=0
while [ $i -lt 20 ]; do
	tmux_capture "$T/page.txt"
	cat "$T/page.txt" >>"$T/help.txt"
	# the page indicator " 21-40/60 " on the bottom border
	ind=$(grep -o ' [0-9]*-[0-9]*/[0-9]* ' "$T/page.txt" | tail -n 1)
	last=${ind#*-}
	last=${last%%/*}
	total=${ind#*/}
	total=${total% }
	[ -z "$ind" ] || [ "$last" = "$total" ] && break
	tmux_send NPage
	sleep 0.3
	i=$((i + 1))
done
check "help pages are ASCII" ascii_only "$T/help.txt"
sed 's/^[|] //; s/ *[|]$//' "$T/help.txt" | tr -s ' ' >"$T/help.norm"
"$SOCKWATCH" --list-keys >"$T/keys.txt"
missing=0
nkeys=0
while IFS= read -r line; do
	case $line in
	"  "*) ;;
	*) continue ;;
	esac
	keys=$(printf '%s\n' "$line" | cut -c3-24 | sed 's/ *$//')
	word=$(printf '%s\n' "$line" | cut -c26- | awk '{ print $1 }')
	nkeys=$((nkeys + 1))
	if ! grep -qF -- " $keys $word" "$T/help.norm"; then
		log "help lacks: '$keys' $word"
		missing=$((missing + 1))
	fi
done <"$T/keys.txt"
check "help lists all $nkeys actions with every key of the table" test "$missing" = 0 -a "$nkeys" -gt 20
tmux_send q
check "q closes the help" tmux_wait_gone "Esc/q: close" 5
# the function-key bar is the table's F-keys
fbar=$(tmux_screen | tail -n 1)
for f in "F1Help" "F3Search" "F4Filter" "F6SortBy" "F9Kill" "F10Quit"; do
	case $fbar in
	*"$f"*) pass "function bar has $f" ;;
	*) fail "function bar lacks $f: $fbar" ;;
	esac
done
tmux_send C-c
check "Ctrl-C quits" tmux_wait_exit 5
check "Ctrl-C: exit status 0 (got $TMUX_STATUS)" test "$TMUX_STATUS" = 0

# ---- other terminal types: the screen comes up whole, keys work, q quits ------------------
for term in screen tmux linux vt220; do
	if ! infocmp "$term" >/dev/null 2>&1; then
		log "no terminfo entry for $term: skipped"
		continue
	fi
	tmux_start_sockwatch 80 24 "$term" C.UTF-8
	check "TERM=$term: starts" tmux_wait_text "Connections"
	check "TERM=$term: function keys on the last line" wait_for 5 sh -c \
		"tmux -S '$TMUX_SOCK' capture-pane -p -t '$TMUX_SESSION' | tail -n 1 | grep -q '^F1Help'"
	tmux_send F6
	check "TERM=$term: F6 opens the sort menu" tmux_wait_text "Sort by"
	tmux_send Escape
	tmux_send q
	check "TERM=$term: q quits" tmux_wait_exit 5
done

# ---- a terminal that cannot move the cursor: a clear message, exit 1 ----------------
tmux_start_sockwatch 80 24 dumb C.UTF-8
check "TERM=dumb: exits" tmux_wait_exit 5
check "TERM=dumb: exit status 1 (got $TMUX_STATUS)" test "$TMUX_STATUS" = 1
# (the pane may have scrolled: look at its history too)
dumb_says_why() { tmux_cmd capture-pane -p -J -S -50 -t "$TMUX_SESSION" | grep -q "cannot move the cursor"; }
check "TERM=dumb: says why" dumb_says_why

# ---- monochrome ---------------------------------------------------------------------
no_colours() { ! grep -q "$(printf '\033')\[[0-9;]*[34][0-7]m" "$1" && ! grep -q "$(printf '\033')\[[0-9;]*[34]8;" "$1"; }
has_colours() { grep -q "$(printf '\033')\[[0-9;]*[34][0-7]m" "$1" || grep -q "$(printf '\033')\[[0-9;]*[34]8;" "$1"; }
tmux_start_sockwatch 100 30 xterm-256color C.UTF-8
tmux_wait_text "Connections" >/dev/null
sleep 0.5
tmux_capture_esc "$T/colour.txt"
check "colour terminal: colours used" has_colours "$T/colour.txt"
tmux_send q
tmux_wait_exit 5 >/dev/null
tmux_start_sockwatch 100 30 xterm-256color C.UTF-8 -C
tmux_wait_text "Connections" >/dev/null
sleep 0.5
tmux_capture_esc "$T/mono.txt"
check "-C: no colours" no_colours "$T/mono.txt"
check "-C: attributes still mark things (reverse video)" grep -q "$(printf '\033')\[[0-9;]*7m" "$T/mono.txt"
tmux_send q
tmux_wait_exit 5 >/dev/null
tmux_start 100 30 xterm-256color C.UTF-8 env NO_COLOR=1 "$SOCKWATCH"
tmux_wait_text "Connections" >/dev/null
sleep 0.5
tmux_capture_esc "$T/nocolor.txt"
check "NO_COLOR: no colours" no_colours "$T/nocolor.txt"
tmux_send q
tmux_wait_exit 5 >/dev/null

# ---- mouse (optional): click a column header to sort, a row to select ------------------
tmux_start 100 30 xterm-256color C.UTF-8 env -u SOCKWATCH_NO_MOUSE "$SOCKWATCH" -d 5
tmux_wait_text "Connections" >/dev/null
hdr=$(tmux_screen | grep -n '^Proto  State' | cut -d: -f1)
col=$(tmux_screen | sed -n "${hdr}p" | awk '{ print index($0, "Peer Address") }')
if [ -n "$hdr" ] && [ "$col" -gt 0 ]; then
	esc=$(printf '\033')
	tmux_type "$esc[<0;$((col + 2));${hdr}M"
	tmux_type "$esc[<0;$((col + 2));${hdr}m"
	check "mouse: a click on a column header sorts by it" tmux_wait_regex "Peer Address(:Port)?(▲|\^)"
	sleep 0.3
	row=$(tmux_screen | sed -n "$((hdr + 2))p" | awk '{ print $5 }')
	tmux_type "$esc[<0;5;$((hdr + 2))M"
	tmux_type "$esc[<0;5;$((hdr + 2))m"
	tmux_send Enter
	check "mouse: a click selects a row (Enter shows its details: $row)" \
		tmux_wait_regex "Local Address:Port +$row "
	tmux_send Escape
else
	fail "mouse: no column header found"
fi
tmux_send q
tmux_wait_exit 5 >/dev/null

# ---- bytes per refresh in steady state ------------------------------------------------
# SOCKWATCH_DEBUG_BYTES logs "turn why bytes size" for every screen update.
steady_bytes() { # COLS ROWS: mean bytes of the 1 s refreshes after the first two
	rm -f "$T/bytes.log"
	tmux_start "$1" "$2" xterm-256color C.UTF-8 env SOCKWATCH_DEBUG_BYTES="$T/bytes.log" \
		"$SOCKWATCH"
	tmux_wait_text "Connections" >/dev/null
	sleep 6
	tmux_send q
	tmux_wait_exit 5 >/dev/null
	SB=$(awk '$2 == "sample" { n++; if (n > 2) { s += $3; k++ } }
	     END { if (k >= 2) printf "%d\n", s / k; else print -1 }' "$T/bytes.log")
}
# (not in $(...): tmux_start keeps state in the shell)
steady_bytes 80 24
b80=$SB
steady_bytes 200 50
b200=$SB
log "steady-state bytes per 1 s refresh (mean): 80x24 $b80, 200x50 $b200"
check "80x24: an idle refresh sends < 120 bytes (got $b80)" test "$b80" -ge 0 -a "$b80" -lt 120
check "200x50: an idle refresh sends < 120 bytes (got $b200)" test "$b200" -ge 0 -a "$b200" -lt 120

# ---- signals and crashes restore the terminal ------------------------------------------
tmux_start_sockwatch 100 30 xterm-256color C.UTF-8
tmux_wait_text "Connections" >/dev/null
kill -TERM "$(tmux_pid)"
check "SIGTERM: exits" tmux_wait_exit 5
check "SIGTERM: terminal restored" alt_off
tmux_start_sockwatch 100 30 xterm-256color C.UTF-8
tmux_wait_text "Connections" >/dev/null
kill -SEGV "$(tmux_pid)"
check "crash (SIGSEGV): exits" tmux_wait_exit 5
check "crash: killed by SIGSEGV (status $TMUX_STATUS)" test "$TMUX_STATUS" = 139
check "crash: terminal restored" alt_off

# ---- a config file with bad lines: said on screen, and again after quitting ---------------
printf 'version = 1\nbogus_key = 3\ntimewait_warn = abc\n' >"$T/bad.conf"
tmux_start_sockwatch 120 30 xterm-256color C.UTF-8 --config "$T/bad.conf"
check "config warning on the status line" tmux_wait_text "unknown key 'bogus_key'"
check "the status line says how many more" tmux_wait_text "and 1 more config warnings"
tmux_send q
check "bad config: q quits" tmux_wait_exit 5
check "bad config: every warning printed after the screen closes" \
	tmux_wait_regex "bad.conf:3: unknown key 'timewait_warn'"

# ---- not root -------------------------------------------------------------------------
if command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
	sw_for_others # nobody cannot reach a build tree under /root
	tmux_start 120 30 xterm-256color C.UTF-8 setpriv --reuid=nobody --regid="$(id -gn nobody)" \
		--clear-groups "$SW_OTHERS"
	check "not root: monitor runs" tmux_wait_text "Connections"
	check "not root: the header says what is hidden" tmux_wait_text "Not root: processes of other users are hidden"
	tmux_send q
	tmux_wait_exit 5 >/dev/null
else
	log "no setpriv or no user nobody: not-root check skipped"
fi
finish
