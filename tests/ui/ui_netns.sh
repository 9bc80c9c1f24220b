#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ui_netns: the monitor with -N all.  Two namespaces made here hold the
# very same connection (127.0.0.1:45000 -> 127.0.0.1:7300): both rows are
# shown, each under its namespace's name in the Netns column; K closes the
# one selected in its own namespace and leaves the twin alone; the e key
# switches to another namespace view and says which.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/ui/lib-tmux.sh"

require_root
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

# e: the next view
tmux_start_sockwatch 140 30 xterm-256color C.UTF-8 -N all
check "started on every namespace" tmux_wait_text "netns all"
tmux_send e
check "e says which namespace is shown now" tmux_wait_regex "Network namespace: .+ \(e: next\)"
check "the header no longer says all" tmux_wait_gone "netns all" 10
check "the monitor is still running" test ! -s "$TMUX_STATUS_FILE"
tmux_send q
check "q quits" tmux_wait_exit 5
check "exit status 0" test "$TMUX_STATUS" = 0

finish
