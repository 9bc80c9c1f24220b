#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ui_panels: the live monitor in tmux, inside a test-made network namespace
# with a known socket population (tests/tools/sockfix): every panel shows
# the expected counts, a sort key changes the order, a filter narrows the
# rows, and drill-down from a remote IP and from a state works (and Esc /
# Backspace go back).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/ui/lib-tmux.sh"

require_root
require_cmds tmux jq
netns_new uipanels
ns_hosts "127.0.0.1 localhost" "::1 localhost" # what `n` resolves, whatever the machine has
ip -n "$NS" addr add 127.0.0.2/8 dev lo 2>/dev/null
sockfix_start listen,port=3306,n=2 estab,port=80,n=3 estab,port=8080,n=2,src=127.0.0.2 \
	timewait,port=9000,n=4 closewait,port=7000 udp,port=53 shared,port=8443,workers=3

# Expected numbers, from the fixture's own records.
jqc() { jq -rs "$SW_JQ_DEFS $1" "$SF_OUT"; }
total=$(jqc '[.[] | select(.proto == "tcp" or .proto == "udp")] | length')
tcp_state() { jqc "[.[] | select(.proto == \"tcp\") | select((.state | cstate) == \"$1\")] | length"; }
n_estab=$(tcp_state ESTABLISHED)
n_tw=$(tcp_state TIME_WAIT)
n_listen=$(tcp_state LISTEN)
n_cw=$(tcp_state CLOSE_WAIT)
remote_count() {
	jqc "[.[] | select(.proto == \"tcp\" or .proto == \"udp\")
	     | select(((.state | cstate) != \"LISTEN\") and ((.state | cstate) != \"UNCONN\"))
	     | select(.remote | startswith(\"$1:\"))] | length"
}
n_r1=$(remote_count 127.0.0.1)
n_r2=$(remote_count 127.0.0.2)
n_p80=$(jqc '[.[] | select(.proto == "tcp") | select(.remote | endswith(":80"))] | length')
log "expect: total $total, estab $n_estab, time-wait $n_tw, listen $n_listen," \
	"close-wait $n_cw, remote 127.0.0.1 $n_r1, 127.0.0.2 $n_r2, dport 80 $n_p80"

SOCKWATCH_NO_MOUSE=1
export SOCKWATCH_NO_MOUSE
# A session that outlives the others, so that replacing the program's
# session never leaves the tmux server empty (it would exit under us).
keep_server() { tmux_cmd has-session -t keep 2>/dev/null || tmux_cmd new-session -d -s keep sleep 3600; }
tmux_start_sockwatch 160 50 xterm-256color C.UTF-8
keep_server
check "monitor starts" tmux_wait_text "Connections"
check "header totals: Sockets: $total" tmux_wait_text "Sockets: $total "

# ---- counts in every panel ------------------------------------------------
check "states: ESTABLISHED $n_estab" tmux_wait_regex "^ESTABLISHED +$n_estab( |\$)"
check "states: TIME_WAIT $n_tw" tmux_wait_regex "^TIME_WAIT +$n_tw( |\$)"
check "states: LISTEN $n_listen" tmux_wait_regex "^LISTEN +$n_listen( |\$)"
check "states: CLOSE_WAIT $n_cw" tmux_wait_regex "^CLOSE_WAIT +$n_cw( |\$)"

# On 80x24 the States panel has room for about six rows: the states that
# have sockets must be the ones shown (TIME_WAIT is the whole php-fpm/MySQL story).
tmux_resize 80 24
check "80x24: states: TIME_WAIT $n_tw still shown" tmux_wait_regex "^TIME_WAIT +$n_tw( |\$)"
check "80x24: states: CLOSE_WAIT $n_cw still shown" tmux_wait_regex "^CLOSE_WAIT +$n_cw( |\$)"
check "80x24: empty states give way (no CLOSING row)" tmux_wait_gone "CLOSING"
check "80x24: the connection table keeps PID/Program with pid/name" tmux_wait_regex " PID/Program"
check "80x24: rows show pid/name of the owner" tmux_wait_regex "[0-9]+/sf-[a-z]{3,}"
tmux_resize 160 50
check "remotes: $n_r1 x 127.0.0.1" tmux_wait_regex " +$n_r1 127\.0\.0\.1 "
check "remotes: $n_r2 x 127.0.0.2" tmux_wait_regex " +$n_r2 127\.0\.0\.2 "
check "listeners: 3306 with 2 connections and accept queue 2/128" \
	tmux_wait_regex "tcp +127\.0\.0\.1:3306 +2 .* 2/128 .*sf-listen"
check "listeners: the pre-fork listener on 8443" tmux_wait_regex "tcp +127\.0\.0\.1:8443 .*0/128"
check "listeners: bound UDP on 53" tmux_wait_regex "udp +127\.0\.0\.1:53 "
check "connections: $total rows" tmux_wait_regex "Connections  $total( |\$)"

# The rows of the connection table (full width, below the top panels).
conn_rows() {
	tmux_screen | awk '/^Proto +State/ { on = 1; next } on && /^(tcp|udp) / { print }'
}
ports_sorted() { # $1: sort flags for sort -c
	conn_rows | awk '{ n = split($5, a, ":"); print a[n] }' >"$T/ports"
	[ -s "$T/ports" ] && sort -c $1 "$T/ports" 2>/dev/null
}

# ---- sorting --------------------------------------------------------------
tmux_send L
check "L sorts by local port (header marks LPort)" tmux_wait_text "Sorted by LPort"
check "rows ascending by local port" wait_for 5 ports_sorted -n
tmux_send I
check "I inverts: descending by local port" wait_for 5 ports_sorted -rn
tmux_send S
check "S sorts by state again" tmux_wait_text "Sorted by State"

# ---- filter -----------------------------------------------------------------
tmux_send /
tmux_type "dport = :8"
check "a bad or partial filter shows where it is wrong" tmux_wait_regex "Filter: dport = :8"
tmux_type "0"
tmux_send Enter
check "filter narrows to $n_p80 of $total" tmux_wait_text "Connections  $n_p80 of $total (filtered)"
all_port80() { [ "$(conn_rows | awk '$6 !~ /:80$/' | wc -l)" = 0 ] && [ "$(conn_rows | wc -l)" = "$n_p80" ]; }
check "every row goes to port 80" wait_for 5 all_port80
check "the header shows the active filter" tmux_wait_text "Filter: dport = :80"
tmux_send Escape
check "Esc goes back to no filter" tmux_wait_text "Filter: none"
check "all rows again" tmux_wait_regex "Connections  $total( |\$)"
tmux_send /
tmux_type "dport = :80 and"
check "live: the last valid expression stays applied while typing" \
	tmux_wait_text "Connections  $n_p80 of $total (filtered)"
check "the prompt shows an error for the incomplete expression" \
	tmux_wait_regex "^Filter: dport = :80 and +[^ (]"
tmux_send Escape
check "Esc in the prompt restores the previous filter" tmux_wait_text "Filter: none"

# ---- drill-down from a remote IP ------------------------------------------
tmux_send Tab Tab
check "Tab focuses the remote IPs panel" tmux_wait_text "> Top remote IPs"
tmux_send '\'
tmux_type "127.0.0.2"
tmux_send Enter
tmux_send Enter
check "drill-down sets the filter to the remote" tmux_wait_text "Filter: dst 127.0.0.2"
check "and shows its $n_r2 connections" tmux_wait_text "Connections  $n_r2 of $total (filtered)"
all_r2() { [ "$(conn_rows | awk '$6 !~ /^127\.0\.0\.2:/' | wc -l)" = 0 ] && [ "$(conn_rows | wc -l)" = "$n_r2" ]; }
check "every row is to 127.0.0.2" wait_for 5 all_r2
tmux_send BSpace
check "Backspace goes back" tmux_wait_text "Filter: none"

# ---- drill-down from a state -----------------------------------------------
tmux_send Tab
check "focus on TCP states" tmux_wait_text "> TCP states"
tmux_send '\'
tmux_type "TIME_WAIT"
tmux_send Enter Enter
check "drill-down on TIME_WAIT" tmux_wait_text "Filter: proto tcp and state time-wait"
check "shows the $n_tw TIME-WAIT sockets" tmux_wait_text "Connections  $n_tw of $total (filtered)"
tmux_send Escape
check "Esc goes back" tmux_wait_text "Filter: none"

# ---- interval, pause, names --------------------------------------------------
tmux_send +
check "+ refreshes more often" tmux_wait_text "every 0.5s"
tmux_send - -
check "- refreshes less often" tmux_wait_text "every 2.0s"
tmux_send Space
check "Space pauses" tmux_wait_text "PAUSED"
tmux_send Space
check "Space resumes" tmux_wait_gone "PAUSED"
tmux_send n
check "n: the header says names are on" tmux_wait_text "names on"
if run_in_ns getent hosts 127.0.0.1 | grep -q localhost; then
	check "n: names resolved in the background (localhost)" tmux_wait_regex "localhost:[a-z0-9]+ "
else # ns_hosts needs an /etc/hosts to mount over (a debootstrap root has none)
	log "127.0.0.1 has no name here (no /etc/hosts): name resolution check skipped"
fi
tmux_send n
check "n again: numeric" tmux_wait_gone "localhost:" 5

# ---- a column whose data is asked of the kernel only while shown ---------------
# (congestion names and socket memory: the monitor leaves them out of its
# dumps until a column needs them, then takes a sample at once)
cc=$(ip netns exec "$NS" sysctl -n net.ipv4.tcp_congestion_control)
tmux_send c
tmux_wait_text "Congestion control algorithm" >/dev/null
i=0
while [ $i -lt 31 ]; do tmux_send Down; i=$((i + 1)); done # CC is the 32nd column
tmux_send Space Enter
check "CC column shown: '$cc' appears (asked of the kernel once the column is on)" tmux_wait_text " $cc" 3

tmux_send q
check "q quits" tmux_wait_exit 5
check "exit status 0 (got '$TMUX_STATUS')" test "$TMUX_STATUS" = 0
finish
