#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ui_netns: the monitor with -N all.  Two namespaces made here hold the
# very same connection (127.0.0.1:45000 -> 127.0.0.1:7300): both rows are
# shown, each under its namespace's name in the Netns column; K closes the
# one selected in its own namespace and leaves the twin alone; the e key
# opens the namespace chooser at 80x24 (this one, all, each namespace with
# its socket count), where typing part of a name and Enter shows that
# namespace alone, and choosing "all namespaces" goes back; g on the
# focused states panel gives a row per namespace, o sorts it by TIME_WAIT
# (the namespace with the TIME_WAIT storm first), Enter shows that
# namespace's connections; without root the header counts the namespaces
# it could not enter.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/ui/lib-tmux.sh"

require_root
netns_private
require_cmds tmux jq ss ip python3
tmpdir_new

cat >"$T/twin.py" <<'EOF'
import socket, sys, time
l = socket.socket()
l.bind(("127.0.0.1", 7300))
l.listen(4)
c = socket.socket()
c.bind(("127.0.0.1", 45000))
c.connect(("127.0.0.1", 7300))
a, _ = l.accept()
open(sys.argv[1], "w").write("ready\n")
time.sleep(600)
EOF
for x in a b; do
	ns=sw-u$x-$$
	ip netns add "$ns" || die "ip netns add $ns failed"
	SW_NETNS_LIST="$SW_NETNS_LIST $ns"
	ip -n "$ns" link set lo up
	ip netns exec "$ns" python3 "$T/twin.py" "$T/ready.$x" &
	at_exit "kill $! 2>/dev/null"
done
both_ready() { [ -s "$T/ready.a" ] && [ -s "$T/ready.b" ]; }
wait_for 20 both_ready || die "the two connection holders did not start"
estab() { ip netns exec "$1" ss -tnH state established '( sport = :7300 )' | wc -l; }

SOCKWATCH_NO_MOUSE=1
export SOCKWATCH_NO_MOUSE
tmux_start_sockwatch 140 30 xterm-256color C.UTF-8 -N all \
	"netns 'sw-u?-$$' and sport = :7300 and state established"
check "the header says netns all" tmux_wait_text "netns all"
check "the Netns column heads the table" tmux_wait_regex "^Netns +Proto"
check "namespace a's server end, under its name" \
	tmux_wait_regex "^sw-ua-$$ +tcp +ESTAB .*127\.0\.0\.1:7300 +127\.0\.0\.1:45000"
check "namespace b's twin, under its name" \
	tmux_wait_regex "^sw-ub-$$ +tcp +ESTAB .*127\.0\.0\.1:7300 +127\.0\.0\.1:45000"
tmux_send q
tmux_wait_exit 5 >/dev/null

# close the one in namespace a
tmux_start_sockwatch 140 30 xterm-256color C.UTF-8 -N all \
	"netns sw-ua-$$ and sport = :7300 and state established"
check "only namespace a's row" tmux_wait_regex "^sw-ua-$$ +tcp +ESTAB"
tmux_send K
check "K names the namespace it will close in" tmux_wait_text "in network namespace sw-ua-$$"
tmux_send y
check "status says closed" tmux_wait_text "Socket closed"
check "the row is gone" tmux_wait_text "No connection matches the filter" 10
tmux_send q
tmux_wait_exit 5 >/dev/null
check "closed in namespace a (ss there: 0 server ends)" test "$(estab "sw-ua-$$")" = 0
check "its twin in namespace b is untouched (ss there: 1)" test "$(estab "sw-ub-$$")" = 1

# e: the chooser, at 80x24
tmux_start_sockwatch 80 24 xterm-256color C.UTF-8 -N all "sport = :7300 and state established"
check "started on every namespace" tmux_wait_text "netns all"
check "namespace b's row is shown (K closed a's)" tmux_wait_regex "^sw-ub-$$ +tcp"
tmux_send e
check "e opens the namespace chooser" tmux_wait_text "Network namespace view"
check "it offers this namespace" tmux_wait_regex "this namespace"
check "it offers all of them, marked as the current view" \
	tmux_wait_regex "\* all namespaces +sockets: [0-9]+"
check "it lists namespace b with its socket count (a listener and both ends)" \
	tmux_wait_regex "sw-ub-$$ +sockets: 3 "
check "and namespace a (its server end closed by K)" tmux_wait_regex "sw-ua-$$ +sockets: 2 "
tmux_type "ub-$$"
check "typing shows what was typed" tmux_wait_text "Network namespace view: ub-$$"
tmux_send Enter
check "Enter shows the namespace typed" tmux_wait_text "Network namespace: sw-ub-$$"
check "the header names it" tmux_wait_text "netns sw-ub-$$"
check "one namespace: no Netns column (it would stay empty)" tmux_wait_regex "^Proto +"
check "its connection is listed" tmux_wait_regex "tcp +ESTAB .*127\.0\.0\.1:7300 +127\.0\.0\.1:45000"
tmux_send e
check "e again: the chooser marks namespace b" tmux_wait_regex "\* sw-ub-$$"
tmux_type all
tmux_send Enter
check "back to all namespaces" tmux_wait_text "netns all"
check "all namespaces: the Netns column again" tmux_wait_regex "^Netns +Proto"
tmux_send e
check "the chooser once more" tmux_wait_text "Network namespace view"
tmux_send Up
tmux_send Enter
check "this namespace: the one sockwatch runs in" tmux_wait_text "Network namespace: this one"
check "its header no longer says all" tmux_wait_gone "netns all" 10
tmux_send e
check "and the chooser again" tmux_wait_text "Network namespace view"
tmux_send Escape
check "Esc closes it" tmux_wait_gone "Network namespace view" 10
check "the monitor is still running" test ! -s "$TMUX_STATUS_FILE"
tmux_send q
check "q quits" tmux_wait_exit 5
check "exit status 0" test "$TMUX_STATUS" = 0

# the states panel per namespace: a TIME_WAIT storm in namespace a
ip netns exec "sw-ua-$$" python3 -c '
import socket
l = socket.socket(); l.bind(("127.0.0.1", 7400)); l.listen(16)
for _ in range(7):
    c = socket.create_connection(("127.0.0.1", 7400)); a, _ = l.accept(); c.close(); a.recv(1); a.close()
'
tmux_start_sockwatch 100 30 xterm-256color C.UTF-8 -N all
check "started on every namespace (states panel)" tmux_wait_text "g: per namespace"
k=0
while [ $k -lt 8 ] && ! tmux_screen | grep -q "> TCP states"; do
	tmux_send Tab
	sleep 0.3
	k=$((k + 1))
done
check "Tab focuses the TCP states panel" tmux_wait_text "> TCP states"
tmux_send g
check "g: a row per namespace" tmux_wait_text "per namespace, by total"
check "with a header: Namespace, total, TIME_W" tmux_wait_regex "Namespace +total +TIME_W"
check "namespace a's row: 8 sockets (its listener and 7 in TIME_WAIT)" tmux_wait_regex "sw-ua-$$ +8 +7( |$)"
tmux_send o
check "o: sorted by TIME_WAIT" tmux_wait_text "per namespace, by TIME_W"
tmux_capture "$T/nsrows"
order=$(grep -oE "^(sw-u[ab]-$$|host|self) " "$T/nsrows" | tr -d ' ' | tr '\n' ,)
check "the TIME_WAIT storm's namespace before the quiet one (got '$order')" \
	sh -c 'case $1 in *sw-ua-*sw-ub-*) exit 0 ;; esac; exit 1' sh "$order"
first=${order%%,*}
tmux_send Enter
check "Enter: its connections (filter netns INODE)" tmux_wait_regex "Filter: netns [0-9]+"
check "only the first namespace's sockets ($first)" tmux_wait_regex "^$first +tcp +TIME-WAIT"
tmux_send q
check "q quits (states panel)" tmux_wait_exit 5

# not root: the header counts the namespaces that could not be entered
if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
	sw_for_others
	tmux_start 120 30 xterm-256color C.UTF-8 setpriv --reuid=nobody \
		--regid="$(id -g nobody)" --clear-groups "$SW_OTHERS" -N all
	check "not root: the header counts the namespaces not entered" \
		tmux_wait_regex "\([0-9]+ not entered: not root\)"
	tmux_send q
	check "not root: q quits" tmux_wait_exit 5
fi

finish
