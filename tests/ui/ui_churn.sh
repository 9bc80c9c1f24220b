#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ui_churn: the monitor sees connections that live between two samples.
# Inside a test-made namespace a server listens on :9500 and a client opens
# ~40 connections per second that each live ~30 ms (the php-fpm -> MySQL
# shape), on 80x24 in a plain C locale:
#   - the header counts TCP sockets opened and closed per second;
#   - the Churn panel (x) lists the destination 127.0.0.1:9500 with its
#     lifetime and the program; g switches to the service :9500 named by
#     its listener; Enter shows the closed connections in the table;
#   - the ephemeral-port alarm gives the measured rate, lifetime and
#     program when a 200-port range runs out;
#   - as an unprivileged user (no capabilities) the events still come: the
#     kernel asks for none to join the destroy groups;
#   - with -N OTHER, connections in this namespace never show up;
#   - with the kernel's events refused (SOCKWATCH_DEBUG_EVENTS_ERRNO=EPERM)
#     the header and the panel say so and closures still come from sample
#     deltas (connections that live 1.5 s are seen by samples).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/ui/lib-tmux.sh"

require_root
require_cmds tmux python3
netns_new uichurn
tmpdir_new

# gen.py RATE LIFE_MS PORT STOPFILE: a listener on PORT and RATE
# connections per second, each closed by the client after LIFE_MS.
cat >"$T/gen.py" <<'EOF'
import os, socket, sys, threading, time
rate, life, port, stop = float(sys.argv[1]), float(sys.argv[2]) / 1000, int(sys.argv[3]), sys.argv[4]
lst = socket.socket()
lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
lst.bind(("127.0.0.1", port))
lst.listen(1024)
def serve(s):
    s.recv(16); s.sendall(b"ok"); s.recv(16); s.close()
def accept():
    while True:
        s, _ = lst.accept()
        threading.Thread(target=serve, args=(s,), daemon=True).start()
threading.Thread(target=accept, daemon=True).start()
live, n, t0 = [], 0, time.time()
while not os.path.exists(stop):
    while n < (time.time() - t0) * rate:
        c = socket.create_connection(("127.0.0.1", port))
        c.sendall(b"q"); c.recv(16)
        live.append((time.time() + life, c)); n += 1
    while live and live[0][0] <= time.time():
        live.pop(0)[1].close()
    time.sleep(0.002)
EOF

# gen RATE LIFE_MS PORT: stop the running generator (if any), start another
GEN=
gen() {
	if [ -n "$GEN" ]; then
		touch "$T/stop"
		wait "$GEN" 2>/dev/null
		rm -f "$T/stop"
	fi
	run_in_ns python3 "$T/gen.py" "$1" "$2" "$3" "$T/stop" 2>/dev/null &
	GEN=$!
	at_exit "touch '$T/stop'; kill $GEN 2>/dev/null"
}

SOCKWATCH_NO_MOUSE=1
export SOCKWATCH_NO_MOUSE
gen 40 30 9500
wait_for 5 sh -c "ip netns exec '$NS' ss -Htln | grep -q ':9500 '" || die "generator did not start"

tmux_start_sockwatch 80 24 xterm C "-d" "1"
check "monitor starts" tmux_wait_text "Connections"
check "header: TCP sockets opened and closed per second" \
	tmux_wait_regex "tcp/s \+[1-9][0-9]* -[1-9][0-9]*" 15
tmux_send x
check "x shows the Churn panel at 80x24" tmux_wait_text "> Churn"
check "the destination 127.0.0.1:9500 with a lifetime and its program" \
	tmux_wait_regex "^127\.0\.0\.1:9500 +[0-9.]+ +[0-9]+ms +[0-9]+ms .*python3/[0-9]+" 15
tmux_send g
check "g: per service" tmux_wait_text "services (g)"
check "the service :9500 named by its listener" \
	tmux_wait_regex "^tcp :9500 +[0-9.]+ +[0-9]+ms .*python3/[0-9]+ \(listener\)" 15
tmux_send o
check "o: sorted by p50" tmux_wait_text "by p50"
tmux_send Enter
check "Enter drills into the service's connections" \
	tmux_wait_text "Filter: proto tcp and sport = :9500"
# live ones are a handful (30 ms each at 40/s); closed rows are many more
many_rows() { [ "$(tmux_screen | grep -c '127\.0\.0\.1:9500 ')" -ge 5 ]; }
check "closed connections are listed in the table" wait_for 10 many_rows
check "the title counts live connections only" tmux_wait_regex "Connections +[0-9] of [0-9]+ \(filtered\)"
tmux_send q
check "q quits" tmux_wait_exit

# ---- the ephemeral-port alarm with measured rates ----------------------------
run_in_ns sysctl -qw net.ipv4.ip_local_port_range="40000 40199" net.ipv4.tcp_tw_reuse=0 ||
	die "cannot narrow the port range"
tmux_start_sockwatch 120 40 xterm C "-d" "1"
check "monitor starts" tmux_wait_text "Connections"
tmux_send a
# the generator stops by itself when the range is used up (EADDRNOTAVAIL)
gen 40 60 9502
check "the ephemeral-port alarm" tmux_wait_text "ALARM  Ephemeral ports toward 127.0.0.1:9502" 20
check "it gives the measured rate and the program" \
	tmux_wait_regex "measured: python3 \(pid [0-9]+\) opens about [0-9]+ connections/s here" 10
tmux_send z
check "and compares it with what the range sustains" \
	tmux_wait_regex "that is [0-9]+% of the [0-9]+ connections/s this port range sustains" 5
tmux_send q
check "q quits" tmux_wait_exit
run_in_ns sysctl -qw net.ipv4.ip_local_port_range="32768 60999"

# ---- without root or capabilities ----------------------------------------
gen 40 30 9504
tmux_start 80 24 xterm C setpriv --reuid=65534 --regid=65534 --clear-groups \
	--inh-caps=-all --bounding-set=-all "$SOCKWATCH" -d 1
check "not root: the warning" tmux_wait_text "Not root"
check "not root: closures are still counted" tmux_wait_regex "tcp/s \+[1-9][0-9]* -[1-9][0-9]*" 15
tmux_send x
check "not root: the Churn panel lists the destination" \
	tmux_wait_regex "^127\.0\.0\.1:9504 " 15
tmux_send q
check "q quits" tmux_wait_exit

# ---- -N: another namespace's closures never mix in ----------------------------
MAIN_NS=$NS
netns_new uichurn2
OTHER_NS=$NS
NS=$MAIN_NS
gen 40 30 9503
tmux_start_sockwatch 80 24 xterm C "-d" "1" "-N" "$OTHER_NS"
check "-N: the monitor shows the other namespace" tmux_wait_text "netns $OTHER_NS"
check "-N: its header counts refreshes" tmux_wait_regex "tcp/s \+0 -0" 10
sleep 3
check "-N: no closure from this namespace (tcp/s +0 -0 after 3 s)" tmux_wait_regex "tcp/s \+0 -0" 2
tmux_send x
check "-N: the Churn panel is empty" tmux_wait_text "No connection closed in the window"
tmux_send q
check "q quits" tmux_wait_exit

# ---- without the kernel's events -----------------------------------------
gen 4 1500 9501
SOCKWATCH_DEBUG_EVENTS_ERRNO=EPERM
export SOCKWATCH_DEBUG_EVENTS_ERRNO
# 100 columns: at 80 the header has no room left for the note once the
# TIME_WAIT sockets of the parts above reach three digits (they do when a
# sanitizer slows the test down); the panel says why at any width
tmux_start_sockwatch 100 24 xterm C "-d" "1"
check "header says there are no close events" tmux_wait_text "(no close events)"
tmux_send x
check "the panel says why, or lists closures from sample deltas" \
	tmux_wait_regex "not allowed to receive connection close events|^127\.0\.0\.1:9501 " 15
check "closures seen by samples are listed" tmux_wait_regex "^127\.0\.0\.1:9501 +[0-9.]+ +[0-9.]+m?s" 20
tmux_send q
unset SOCKWATCH_DEBUG_EVENTS_ERRNO
finish
