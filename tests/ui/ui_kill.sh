#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ui_kill: acting on a row from the monitor.  A test-owned process holds a
# listener; k, the signal menu and a confirmation that shows the pid and
# user: declining sends nothing, confirming (SIGKILL picked from the menu)
# makes it exit.  -r (read-only) refuses kill and close.  K (close socket)
# asks for confirmation and closes an established TCP socket.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/ui/lib-tmux.sh"

require_root
require_cmds tmux jq
netns_new uikill
[ -x "$SOCKFIX" ] || die "no fixture program at $SOCKFIX"

# The victim: its own sockfix (a sockfix whose child dies stops).
ip netns exec "$NS" "$SOCKFIX" -T 240 -d "$T" listen,port=6000,comm=swvictim \
	>"$T/victim.out" 2>"$T/victim.err" &
VICTIM_SF=$!
at_exit "kill $VICTIM_SF 2>/dev/null"
victim_ready() { grep -q '"ready":true' "$T/victim.out"; }
wait_for 20 victim_ready || die "victim fixture did not start"
vpid=$(jq -r 'select(.scenario == "listen" and .state == "LISTEN") | .pids[0]' "$T/victim.out")
[ -n "$vpid" ] && kill -0 "$vpid" || die "no victim pid"
log "victim pid $vpid"

# A bystander population that must survive.
sockfix_start estab,port=7000,n=1 timewait,port=7100,n=1
SOCKWATCH_NO_MOUSE=1
export SOCKWATCH_NO_MOUSE
# A session that outlives the others, so that replacing the program's
# session never leaves the tmux server empty (it would exit under us).
keep_server() { tmux_cmd has-session -t keep 2>/dev/null || tmux_cmd new-session -d -s keep sleep 3600; }

# ---- read-only ---------------------------------------------------------------
tmux_start_sockwatch 120 30 xterm-256color C.UTF-8 -r 'sport = :6000'
keep_server
check "monitor shows the victim's listener" tmux_wait_regex "LISTEN .*127\.0\.0\.1:6000 .*$vpid/swvictim"
tmux_send k
check "-r: kill is refused, and says so" tmux_wait_text "Read-only mode (-r): killing processes is disabled"
tmux_send K
check "-r: close is refused, and says so" tmux_wait_text "Read-only mode (-r): closing sockets is disabled"
check "victim untouched" kill -0 "$vpid"
tmux_send q
tmux_wait_exit 5 >/dev/null

# ---- kill: decline, then confirm -------------------------------------------------
tmux_start_sockwatch 120 30 xterm-256color C.UTF-8 'sport = :6000'
check "monitor shows the victim's listener" tmux_wait_regex "LISTEN .*127\.0\.0\.1:6000 .*$vpid/swvictim"
tmux_send k
check "k opens the signal menu for pid $vpid" tmux_wait_text "Signal to pid $vpid (swvictim)"
check "TERM is offered first" tmux_wait_regex "15 SIGTERM"
for s in KILL HUP INT QUIT USR1 USR2 STOP CONT; do
	check "menu offers SIG$s" tmux_wait_text "SIG$s"
done
tmux_send Enter
check "confirmation shows pid, user and command" tmux_wait_regex "pid $vpid +user root +\(swvictim\)"
check "confirmation shows the command line" tmux_wait_text "sockfix -T 240"
tmux_send n
check "declining sends nothing (status)" tmux_wait_text "Nothing sent"
sleep 0.5
check "declined: victim still alive" kill -0 "$vpid"

tmux_send k
tmux_wait_text "Signal to pid $vpid" >/dev/null
tmux_send Down Enter
check "SIGKILL picked from the menu" tmux_wait_text "Send SIGKILL?"
tmux_send y
check "status reports the signal sent" tmux_wait_text "Sent SIGKILL to pid $vpid (swvictim)"
victim_gone() { ! kill -0 "$vpid" 2>/dev/null || grep -q '^State:.*Z' "/proc/$vpid/status" 2>/dev/null; }
check "confirmed: the victim exited" wait_for 5 victim_gone
check "the bystander fixture is still alive" kill -0 "$SF_PID"
check "its listener disappears from the monitor" tmux_wait_gone "swvictim" 10
tmux_send q
tmux_wait_exit 5 >/dev/null

# ---- close socket (K) --------------------------------------------------------------
tmux_start_sockwatch 120 30 xterm-256color C.UTF-8 'sport = :7000 and state established'
check "the established server side on 7000" tmux_wait_regex "ESTAB .*127\.0\.0\.1:7000 "
tmux_send K
check "K asks before closing" tmux_wait_text "Close this socket?"
tmux_send n
check "declining keeps it" tmux_wait_text "Socket left open"
tmux_send K
tmux_wait_text "Close this socket?" >/dev/null
tmux_send y
check "status says closed" tmux_wait_text "Socket closed"
check "the row is gone" tmux_wait_text "No connection matches the filter" 10
tmux_send q
tmux_wait_exit 5 >/dev/null

# ---- K on a TIME-WAIT entry: no program, the port is freed -----------------------
tmux_start_sockwatch 120 30 xterm-256color C.UTF-8 'dport = :7100 and state time-wait'
check "the TIME-WAIT entry toward 7100" tmux_wait_regex "TIME-WAIT .*127\.0\.0\.1:7100"
tmux_send K
check "K on TIME-WAIT says what it does" tmux_wait_text "drops this TIME-WAIT entry"
tmux_send y
check "TIME-WAIT entry closed" tmux_wait_text "Socket closed"
check "the TIME-WAIT row is gone" tmux_wait_text "No connection matches the filter" 10
tw_left=$(ip netns exec "$NS" ss -tanH state time-wait 'dport = :7100' | wc -l)
check "the kernel no longer lists it ($tw_left left)" test "$tw_left" = 0
tmux_send q
check "q quits" tmux_wait_exit 5

# ---- a zombie owner: dead, not reaped -----------------------------------------------
# A parent (python3, ours) that never reaps its child, the child holding a
# listener.  The monitor is paused while the row shows the child; the child
# is killed (ours) and becomes a zombie; k then must not claim "Sent
# SIGTERM": it says the process is dead but unreaped and names the parent.
ip netns exec "$NS" python3 -c '
import os, socket, sys, time
pid = os.fork()
if pid == 0:
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 6100)); s.listen(1)
    open(sys.argv[1], "w").write("%d\n" % os.getpid())
    time.sleep(240); os._exit(0)
time.sleep(240)
' "$T/zombie.pid" &
ZPARENT=$!
at_exit "kill $ZPARENT 2>/dev/null"
wait_for 10 test -s "$T/zombie.pid" || die "the zombie-to-be did not start"
zpid=$(cat "$T/zombie.pid")
tmux_start_sockwatch 120 30 xterm-256color C.UTF-8 'sport = :6100'
check "monitor shows the child's listener" tmux_wait_regex "LISTEN .*127\.0\.0\.1:6100 .*$zpid/"
tmux_send Space
tmux_wait_text "PAUSED" >/dev/null
kill -KILL "$zpid"
is_zombie() { grep -q '^State:.*Z' "/proc/$zpid/status" 2>/dev/null; }
check "the child is now a zombie" wait_for 5 is_zombie
tmux_send k
tmux_wait_text "Signal to pid $zpid" >/dev/null
tmux_send Enter
tmux_wait_text "Send SIGTERM?" >/dev/null
tmux_send y
check "zombie: says dead but not reaped, names the parent $ZPARENT" \
	tmux_wait_regex "pid $zpid .*already dead but not reaped: its parent, pid $ZPARENT \(python3\)"
check "zombie: no 'Sent SIGTERM'" _tmux_no_text "Sent SIGTERM to pid $zpid"
tmux_send q
tmux_wait_exit 5 >/dev/null

finish
