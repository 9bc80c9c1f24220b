#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ui_views: the summary panels on a known population, in tmux, inside a
# test-made namespace:
#  - with a filter (/ sport = :80) the TCP states and Top remote IPs panels
#    count the filtered sockets (the netstat -plan | grep :80 | awk | cut |
#    sort | uniq -c answer, live), the header keeps the machine-wide total,
#    and f switches back to every socket;
#  - o sorts Top remote IPs by its next column (SYN-R first), g cycles the
#    grouping to destination address:port (TIME_WAIT client ends toward
#    127.0.0.1:9000 in one line);
#  - at 80x24 every panel key brings its panel into view (Listeners had no
#    room next to the other two top panels and 4 used to hide it unseen).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/ui/lib-tmux.sh"

require_root
require_cmds tmux jq
netns_new uiviews
ip -n "$NS" addr add 127.0.0.2/8 dev lo 2>/dev/null
sockfix_start listen,port=3306 estab,port=80,n=3,listen=1 estab,port=8080,n=2,src=127.0.0.2,listen=1 \
	timewait,port=9000,n=4

jqc() { jq -rs "$SW_JQ_DEFS $1" "$SF_OUT"; }
total=$(jqc '[.[] | select(.proto == "tcp" or .proto == "udp")] | length')
# sport = :80: the listener and the server ends of port 80
n80=$(jqc '[.[] | select(.proto == "tcp") | select(.local | endswith(":80"))] | length')
# ... of them with a remote address: the server ends, all from 127.0.0.1
n80r=$(jqc '[.[] | select(.proto == "tcp") | select(.local | endswith(":80"))
	| select((.state | cstate) != "LISTEN")] | length')
ntw=$(jqc '[.[] | select(.proto == "tcp") | select((.state | cstate) == "TIME_WAIT")] | length')
log "expect: total $total, sport 80: $n80 sockets, $n80r with a peer; TIME_WAIT $ntw"

SOCKWATCH_NO_MOUSE=1
export SOCKWATCH_NO_MOUSE
tmux_start_sockwatch 160 50 xterm-256color C.UTF-8
check "monitor starts" tmux_wait_text "Connections"
check "header: Sockets: $total" tmux_wait_text "Sockets: $total "

# ---- the summary panels follow the filter -------------------------------------
tmux_send /
tmux_type "sport = :80"
tmux_send Enter
check "filter set" tmux_wait_text "sport = :80"
check "states panel counts the $n80 filtered sockets" tmux_wait_regex "TCP states +total $n80 +filtered"
check "states panel: ESTABLISHED $n80r" tmux_wait_regex "^ESTABLISHED +$n80r( |\$)"
check "remote IPs: 127.0.0.1 with the $n80r port-80 connections only" \
	tmux_wait_regex " $n80r 127\\.0\\.0\\.1 +$n80r "
check "remote IPs: 127.0.0.2 (port 8080) left out" tmux_wait_gone " 127.0.0.2 "
check "header keeps the machine-wide total" tmux_wait_text "Sockets: $total "
tmux_send f
check "f: the panels show every socket again" tmux_wait_text "Summary panels show every socket"
check "f: 127.0.0.2 is back" tmux_wait_regex " 127\\.0\\.0\\.2 "
check "f: the states panel is not filtered" tmux_wait_gone "filtered  " 5
tmux_send f
check "f again: filtered" tmux_wait_regex "TCP states +total $n80 +filtered"
tmux_send Escape
check "filter cleared" tmux_wait_text "Filter: none"

# ---- sort and grouping of Top remote IPs ----------------------------------------
tmux_send o
check "o: sorted by SYN-R (status)" tmux_wait_text "Top remote IPs sorted by SYN-R"
check "o: the title says by SYN-R" tmux_wait_regex "Top remote IPs +[0-9]+ .* by SYN-R"
tmux_send g g
check "g g: per destination address:port" tmux_wait_text "per ip:port (g)"
check "destination 127.0.0.1:9000: the $ntw TIME_WAIT client ends in one line" \
	tmux_wait_regex " $ntw 127\\.0\\.0\\.1:9000 +- +- +$ntw( |\$)"
tmux_send g
check "g: back to remote addresses" tmux_wait_text "(g: per /24)"

# ---- every panel reachable at 80x24 ---------------------------------------------
tmux_resize 80 24
check "80x24: connections shown" tmux_wait_text "Connections"
tmux_send 4
check "80x24: 4 shows the Listeners panel" tmux_wait_text "> Listeners"
check "80x24: the Listeners panel shows :3306's port uncut" tmux_wait_regex "tcp +127\\.0\\.0\\.1:3306 |tcp +[^ ]*(…|~)[^ ]*:3306 "
# each key: a panel out of sight comes into view; a visible one hides, and
# the second press brings it back focused
for kt in "1:Connections" "2:TCP states" "3:Top remote IPs" "4:Listeners" "5:Alerts" \
	"a:Alerts" "6:Routes" "7:Interfaces"; do
	k=${kt%%:*}
	t=${kt#*:}
	tmux_send "$k"
	if ! wait_for 3 _tmux_has_text "> $t"; then
		tmux_send "$k"
	fi
	check "80x24: $k shows the $t panel" tmux_wait_text "> $t"
done
tmux_send q
check "q quits" tmux_wait_exit 5

# ---- monitor.panels_follow_filter in sockwatchrc ----------------------------------
printf 'version = 1\nmonitor.panels_follow_filter = 0\n' >"$T/rc"
sw_run "$T/b.out" "$T/b.err" --check -n 1 --config "$T/rc" -N "$NS"
check "--check accepts monitor.panels_follow_filter (no warning)" test ! -s "$T/b.err"
printf 'version = 1\nmonitor.panels_follow_filter = maybe\n' >"$T/rcbad"
sw_run "$T/b.out" "$T/b.err" --check -n 1 --config "$T/rcbad" -N "$NS"
check "a bad value is reported as FILE:2" grep -q "$T/rcbad:2: .*maybe" "$T/b.err"
tmux_start_sockwatch 160 50 xterm-256color C.UTF-8 --config "$T/rc" "sport = :80"
check "follow off: the monitor starts filtered" tmux_wait_text "Filter: sport = :80"
check "follow off: the states panel counts every socket" tmux_wait_regex "TCP states +total [0-9]+ +Top"
check "follow off: 127.0.0.2 (port 8080) still counted" tmux_wait_regex " 127\\.0\\.0\\.2 "
tmux_send f
check "f: now following the filter" tmux_wait_regex "TCP states +total $n80 +filtered"
tmux_send q
check "q quits" tmux_wait_exit 5
finish
