#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ui_responsive: the monitor collects in the background.  With every
# background collection made slow (SOCKWATCH_DEBUG_COLLECT_DELAY_MS, as a
# million sockets would make it), in tmux, inside a test-made namespace:
#  - while a collection is pending (the header says "(collecting)") the
#    help, a sort key and a filter are answered from the last complete
#    sample: the screen changes, the header's sample time does not;
#  - q exits at once (status 0) with that collection still pending;
#  - a refresh that costs more than half of the interval stretches it, and
#    the header says so ("every 4.0s (set 1.0s: refresh takes 1.9s)"):
#    longer than the interval asked, and the sample time moves on;
#  - K confirmed during a collection closes the socket once it is in;
#  - the merge (the model's update, the next views) runs in the collection
#    thread too: with it made endless (SOCKWATCH_DEBUG_MERGE_DELAY_MS) the
#    help and a sort are answered, a filter waits for the new sample, and
#    q still exits;
#  - a collection that borrows the rows' tcp_info (a very large table)
#    leaves a details dialog a note instead; a small one does not borrow.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/ui/lib-tmux.sh"

require_root
require_cmds tmux
netns_new uiresp
sockfix_start listen,port=3306 estab,port=80,n=2 estab,port=7000,n=1

SOCKWATCH_NO_MOUSE=1
export SOCKWATCH_NO_MOUSE
# The sample's time in the header (HH:MM:SS).
sample_time() { tmux_screen | head -n 1 | grep -o '[0-9][0-9]:[0-9][0-9]:[0-9][0-9]' | head -n 1; }
same_sample() { [ "$(sample_time)" = "$1" ]; }
new_sample() { [ "$(sample_time)" != "$1" ]; }
collecting() { tmux_screen | head -n 1 | grep -q '(collecting)'; }
# a row of the connection table: the listener on 3306
listen_row() { tmux_screen | grep -Eq '^tcp +LISTEN .*:3306 '; }
no_listen_row() { ! listen_row; }
# The first sample walks all of /proc: on a busy machine that takes a while.
W=60

# The monitor up with a background refresh pending (made slow by the
# caller's debug delay); T0 = the sample time on screen.  $1: check prefix.
start_pending() {
	tmux_start_sockwatch 160 40 xterm-256color C.UTF-8 -d 1
	check "$1monitor starts" tmux_wait_text "Connections" $W
	check "$1a refresh in flight is shown" tmux_wait_text "(collecting)" $W
	check "$1the listener on 3306 is listed" wait_for $W listen_row
	T0=$(sample_time)
	log "${1}sample time on screen: $T0"
}
# Help, sort and a filter typed while it is pending: each answered.
keys_while_pending() {
	tmux_send h
	check "$1h answered: help" tmux_wait_text "Show this help"
	tmux_send Escape
	check "$1help closed" tmux_wait_gone "Show this help"
	tmux_send S
	check "$1S answered: sorted by state" tmux_wait_regex "Sorted by State"
	type_filter
	check "$1filter answered: the status line shows it" tmux_wait_text "Filter: sport = :80"
}
type_filter() {
	tmux_send /
	tmux_type "sport = :80"
	tmux_send Enter
}

# ---- keys while a collection is pending ----------------------------------------
# The first sample is taken before the screen opens; the next one (in the
# background) never ends within the test.
SOCKWATCH_DEBUG_COLLECT_DELAY_MS=600000
export SOCKWATCH_DEBUG_COLLECT_DELAY_MS
start_pending "collect: "
keys_while_pending "collect: "
check "filter applied to the last sample: the listener on 3306 is gone" \
	wait_for $W no_listen_row
check "still the same sample (no refresh landed)" same_sample "$T0"
check "still collecting" collecting
tmux_send q
check "q exits while the collection is pending" tmux_wait_exit 10
check "exit status 0" test "$TMUX_STATUS" = 0

# ---- the interval stretches ------------------------------------------------------
SOCKWATCH_DEBUG_COLLECT_DELAY_MS=2000
tmux_start_sockwatch 160 40 xterm-256color C.UTF-8 -d 1 'sport = :7000 and state established'
check "monitor starts" tmux_wait_text "Connections" $W
t1=$(sample_time)
check "a new sample comes in" wait_for $W new_sample "$t1"
re='every ([0-9.]+)s \(set 1\.0s: refresh takes ([0-9.]+)s\)'
check "the header shows the stretched interval" tmux_wait_regex "$re" $W
hdr=$(tmux_screen | head -n 1)
log "header: $hdr"
eff=$(printf '%s\n' "$hdr" | sed -En "s/.*$re.*/\\1/p")
cost=$(printf '%s\n' "$hdr" | sed -En "s/.*$re.*/\\2/p")
# (how far it stretches for a given cost is core/pace.c's rule, tested in
# tests/unit/test_pace; what a refresh costs is the clock's: bench/keylat)
check "the interval in effect is longer than the 1.0s asked ($eff for a cost of $cost)" \
	awk -v e="$eff" 'BEGIN { exit !(e > 1.0) }'

# ---- K during a collection --------------------------------------------------------
check "the established server side on 7000" tmux_wait_regex "ESTAB .*127\.0\.0\.1:7000 "
tmux_wait_text "(collecting)" $W >/dev/null
tmux_send K
tmux_wait_text "Close this socket?" >/dev/null
tmux_send y
check "K: closed once the collection is in" tmux_wait_text "Socket closed" $W
check "K: the row is gone" tmux_wait_text "No connection matches the filter" $W
left=$(ip netns exec "$NS" ss -tanH state established 'sport = :7000' | wc -l)
check "K: no established socket on 7000 left ($left)" test "$left" = 0
tmux_send q
check "q exits" tmux_wait_exit 10
check "exit status 0" test "$TMUX_STATUS" = 0

# ---- keys while the collection thread merges ----------------------------------------
# The first background collection is quick; its merge holds the model for
# ever.  (Were the merge on the screen's thread, no key would be answered.)
unset SOCKWATCH_DEBUG_COLLECT_DELAY_MS
SOCKWATCH_DEBUG_MERGE_DELAY_MS=600000
export SOCKWATCH_DEBUG_MERGE_DELAY_MS
start_pending "merge: "
keys_while_pending "merge: "
check "merge: the rows wait for the new sample (3306 still listed)" listen_row
check "merge: the same sample" same_sample "$T0"
tmux_send q
check "merge: q exits" tmux_wait_exit 10
check "merge: exit status 0" test "$TMUX_STATUS" = 0
# A merge of 5 s: a filter typed meanwhile is applied to the new sample
# the moment it is shown.
SOCKWATCH_DEBUG_MERGE_DELAY_MS=5000
start_pending "merge 5 s: "
type_filter
check "merge 5 s: the filter is on the status line" tmux_wait_text "Filter: sport = :80"
check "merge 5 s: the new sample comes in" wait_for $W new_sample "$T0"
check "merge 5 s: ... filtered as it is shown (3306 gone)" no_listen_row
tmux_send q
check "merge 5 s: q exits" tmux_wait_exit 10
unset SOCKWATCH_DEBUG_MERGE_DELAY_MS

# ---- tcp_info lent to a collection --------------------------------------------------
# A background collection borrows the tcp_info array of the rows on screen
# when it is big (SOCKWATCH_DEBUG_LEND_BYTES=1: at any size) and no column
# shown or sorted on reads it: a details dialog opened meanwhile says so.
# At the default size (32 MB) these few sockets keep theirs.
SOCKWATCH_DEBUG_COLLECT_DELAY_MS=600000
export SOCKWATCH_DEBUG_COLLECT_DELAY_MS
no_pending_note() { ! tmux_screen | grep -q "being collected again"; }
for lend in 1 ""; do
	if [ -n "$lend" ]; then
		SOCKWATCH_DEBUG_LEND_BYTES=$lend
		export SOCKWATCH_DEBUG_LEND_BYTES
		p="lent: "
	else
		unset SOCKWATCH_DEBUG_LEND_BYTES
		p="kept: "
	fi
	start_pending "$p"
	type_filter
	check "${p}filtered to :80" tmux_wait_text "Filter: sport = :80"
	check "${p}an established server end on :80" tmux_wait_regex "ESTAB .*127\.0\.0\.1:80 "
	tmux_send Enter
	check "${p}the details dialog opens" tmux_wait_text "Connection details"
	if [ -n "$lend" ]; then
		check "lent: the dialog says tcp_info comes with the refresh" \
			tmux_wait_text "being collected again"
	else
		check "kept: the dialog shows the RTT" tmux_wait_regex "RTT +[0-9]"
		check "kept: no note" no_pending_note
	fi
	tmux_send Escape
	tmux_send q
	check "${p}q exits" tmux_wait_exit 10
done
unset SOCKWATCH_DEBUG_COLLECT_DELAY_MS SOCKWATCH_DEBUG_LEND_BYTES
finish
