#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ui_insight: the monitor's insight features in tmux, inside a test-made
# network namespace, with no hint to the tool:
#  (a) a TIME_WAIT storm toward :9000 with a narrowed ip_local_port_range
#      -> the alerts line names the port and the alarm;
#  (b) a listener whose accept queue is full -> the Alerts panel (a) names
#      the listener's process;
#  (c) after `m`, a new connection is counted and coloured as new, and once
#      closed it stays visible, marked, until `M` clears the mark;
#  (d) the States sparkline and rate show TIME_WAIT growth;
#  (e) the Routes (6) and Interfaces (7) panels show lo;
#  and a steady 2 MiB/s loopback transfer shows that rate in the RX/s column
#  and in `sockwatch -b -d 1 -n 2 --json` (second document).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/ui/lib-tmux.sh"

require_root
require_cmds tmux jq ip sysctl python3
netns_new uiinsight
run_in_ns sysctl -qw net.ipv4.ip_local_port_range="40000 40200" || die "cannot narrow the port range"
run_in_ns sysctl -qw net.ipv4.tcp_tw_reuse=0 || die "cannot set tcp_tw_reuse"
ip -n "$NS" route add 10.77.0.0/24 dev lo 2>/dev/null

P=9000
sockfix_start timewait,port=$P,n=180,comm=php-fpm listen,port=8081,n=6,backlog=3,comm=slowacc
n_tw() { [ "$(ip netns exec "$NS" ss -tanH state time-wait "( dport = :$P )" | wc -l)" -ge 180 ]; }
wait_for 10 n_tw
check "fixture: 180 TIME-WAIT toward :$P" n_tw

SOCKWATCH_NO_MOUSE=1
export SOCKWATCH_NO_MOUSE
# This monitor frees its recycled snapshot after every refresh, as it does
# above ~37k sockets, so the marks, tombstones and rates below run that path
# (under the sanitizers in CI).
SOCKWATCH_DEBUG_RELEASE=1
export SOCKWATCH_DEBUG_RELEASE
keep_server() { tmux_cmd has-session -t keep 2>/dev/null || tmux_cmd new-session -d -s keep sleep 3600; }
tmux_start_sockwatch 200 50 xterm-256color C.UTF-8 -d 1
keep_server
check "monitor starts" tmux_wait_text "Connections"

# (a) the alerts line (line 4 of the header) names the alarm and the port
alerts_line() { tmux_screen | sed -n 4p; }
al_ok() { alerts_line | grep -q "^!! ALARM: .*:$P"; }
wait_for 10 al_ok
check "(a) alerts line: '!! ALARM: ... :$P' (got '$(alerts_line)')" al_ok

# (b) the Alerts panel lists every finding: the full accept queue names slowacc
tmux_send a
check "(b) Alerts panel opens" tmux_wait_text "> Alerts"
check "(b) Alerts panel: accept queue of the slowacc listener" \
	tmux_wait_regex "ALARM +Accept queue.*8081.*|slowacc"
check "(b) Alerts panel names the process slowacc" tmux_wait_text "slowacc"
check "(b) Alerts panel shows a fix for the TIME_WAIT storm" tmux_wait_text "tcp_tw_reuse"
tmux_send a
check "(b) a hides the Alerts panel" tmux_wait_gone "> Alerts"

# (d) the TIME_WAIT row: flat line now, then growth shows as a rate and a
# rising sparkline (the right end at the top block)
tw_row() { tmux_screen | grep "^TIME_WAIT "; }
check "(d) TIME_WAIT row before growth: 180, flat sparkline" tmux_wait_regex "^TIME_WAIT +180 .*▁▁▁▁"
run_in_ns python3 -c '
import socket
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 9100)); srv.listen(128)
for i in range(150):
    c = socket.create_connection(("127.0.0.1", 9100)); s, _ = srv.accept()
    c.close(); s.close()
' || die "cannot make more TIME_WAIT"
check "(d) TIME_WAIT row after growth: +/s rate and a high block" \
	tmux_wait_regex "^TIME_WAIT +3[0-9][0-9] .*\+[0-9.]+/s.*▁.*█"
log "TIME_WAIT row: $(tw_row)"

# (c) m: a connection opened after the mark is counted as new and coloured
# (only :5555 in the view, so that TIME_WAIT sockets expiring meanwhile do not count)
tmux_type "/"
tmux_type "sport = :5555 or dport = :5555"
tmux_send Enter
check "(c) filter on :5555" tmux_wait_text "Filter: sport = :5555 or dport = :5555"
tmux_send m
check "(c) mark set" tmux_wait_text "since mark: +0 new, -0 closed"
run_in_ns python3 -c '
import os, socket, struct, sys, time
srv = socket.socket(); srv.bind(("127.0.0.1", 5555)); srv.listen(1)
c = socket.create_connection(("127.0.0.1", 5555)); s, _ = srv.accept()
srv.close()
while not os.path.exists(sys.argv[1]):
    time.sleep(0.1)
# a reset (linger 0): both ends go at once, no TIME_WAIT left behind
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.close(); s.close()
time.sleep(60)
' "$T/stop5555" &
MARKPID=$!
at_exit "kill $MARKPID 2>/dev/null"
check "(c) two new sockets counted since the mark" tmux_wait_text "since mark: +2 new, -0 closed"
row5555() { tmux_screen | grep -c "127.0.0.1:5555"; }
check "(c) the new connection's rows are shown" test "$(row5555)" -ge 2
tmux_capture_esc "$T/new.esc"
# CRT_NEW is green (32 or 38;5;2 ...) and bold
check "(c) new rows are coloured as new (green)" \
	sh -c "grep '127.0.0.1:5555' '$T/new.esc' | grep -q '\[[0-9;]*3[2]m\|\[1;32m\|38;5;2m'"
touch "$T/stop5555"
check "(c) the closed connection stays, marked" tmux_wait_text "since mark: +0 new, -2 closed"
sleep 5 # longer than the tombstone time (3 refreshes)
check "(c) closed rows still shown 5 s later (kept by the mark)" test "$(row5555)" -ge 1
tmux_capture_esc "$T/closed.esc"
check "(c) closed rows are coloured as closed (red)" \
	sh -c "grep '127.0.0.1:5555' '$T/closed.esc' | grep -q '31m\|38;5;1m'"
tmux_send M
check "(c) M clears the mark" tmux_wait_text "Mark cleared"
check "(c) closed rows go once the mark is cleared" tmux_wait_gone "127.0.0.1:5555" 8
tmux_send Escape
check "(c) filter cleared" tmux_wait_text "Filter: none"

# (e) routes and interfaces
tmux_send 6
check "(e) Routes panel" tmux_wait_text "> Routes"
check "(e) Routes panel: 10.77.0.0/24 on lo" tmux_wait_regex "10\.77\.0\.0/24 .* lo *$"
tmux_send 7
check "(e) Interfaces panel" tmux_wait_text "> Interfaces"
check "(e) Interfaces panel: lo" tmux_wait_regex "^lo +65536 "
tmux_send 6
tmux_send 7
check "(e) both hidden again" tmux_wait_gone "> Interfaces"

# Rate: 2 MiB/s for ~12 s from 127.0.0.1 to :6000, in 64 KiB chunks every 1/32 s
RATE=2097152
run_in_ns python3 -c '
import socket, time
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 6000)); srv.listen(1)
c = socket.create_connection(("127.0.0.1", 6000)); s, _ = srv.accept()
import threading
def sink():
    while s.recv(1 << 20):
        pass
threading.Thread(target=sink, daemon=True).start()
chunk = b"x" * 65536
t0 = time.monotonic()
for i in range(32 * 14):
    c.sendall(chunk)
    d = t0 + (i + 1) / 32 - time.monotonic()
    if d > 0:
        time.sleep(d)
c.close()
' &
RATEPID=$!
at_exit "kill $RATEPID 2>/dev/null"
tmux_type "/"
tmux_type "sport = :6000"
tmux_send Enter
sleep 4
rx_ui() { tmux_screen | grep "127.0.0.1:6000 " | grep -o '[0-9.]*MB/s' | head -1; }
in_tol() { # VALUE_WITH_UNIT: 2.0 MiB/s within 20 %
	case "$1" in *MB/s) v=${1%MB/s} ;; *) return 1 ;; esac
	awk -v v="$v" 'BEGIN { exit !(v >= 1.6 && v <= 2.4) }'
}
ui_ok() { in_tol "$(rx_ui)"; }
wait_for 5 ui_ok
check "rate: RX/s of the :6000 server socket about 2.0MB/s in the UI (got '$(rx_ui)')" ui_ok
# per-process totals: p groups the remote panel by process, with rates (zoomed)
tmux_send p
check "per process: the remotes panel groups by process" tmux_wait_text "per process (p)"
tmux_send Tab Tab
check "per process: remotes panel focused" tmux_wait_text "> Top remote IPs"
tmux_send z
proc_rx() { tmux_screen | grep "/python3 " | grep -o '[0-9.]*MB/s' | head -1; }
proc_ok() { v=$(proc_rx); in_tol "$v" || in_tol "$(echo "$v" | awk '{ printf "%.1fMB/s", $1 / 2 }')"; }
wait_for 5 proc_ok
check "per process: python3 receives about 2.0MB/s (got '$(proc_rx)')" proc_ok
"$SOCKWATCH" -b -d 1 -n 2 --json -N "$NS" >"$T/rate.json" 2>"$T/rate.err"
got=$(jq -rs '.[1].sockets[] | select(.local.port == 6000) | select(.state == "ESTABLISHED") | .rx_bps' "$T/rate.json" 2>/dev/null | head -1)
check "rate: --json second document rx_bps about $RATE (got '$got')" \
	awk -v v="$got" -v r=$RATE 'BEGIN { exit !(v != "" && v >= 0.8 * r && v <= 1.2 * r) }'
[ -n "$got" ] || show_file "json" "$T/rate.json" 5

tmux_send q
check "quits" tmux_wait_exit 5
finish
