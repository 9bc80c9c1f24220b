#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# diag_servertw: TIME_WAIT on the server side.  A "php-fpm" on
# 127.0.0.1:9000 closes each connection first (as php-fpm does with
# FastCGI), so the 150 TIME_WAIT entries sit on local port 9000 and hold no
# ephemeral port.  With tcp_max_tw_buckets at 200 (75%), timewait_buckets
# must warn about the server port 9000 and name php-fpm; ephemeral_ports
# must stay OK; the recipe 'state time-wait and sport = :9000' finds them
# and 'dport = :9000' (the old documented one) finds none.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_root
require_cmds jq ip sysctl python3
netns_new diagstw
P=9000
run_in_ns sysctl -qw net.ipv4.tcp_max_tw_buckets=200 || die "cannot set tcp_max_tw_buckets"

ip netns exec "$NS" python3 -c '
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
open("/proc/self/comm", "w").write("php-fpm")
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(64)
for i in range(n):
    c = socket.create_connection(("127.0.0.1", port))
    s, _ = srv.accept()
    s.close()              # the server closes first ...
    c.recv(1)              # ... the client sees EOF
    c.close()
print("ready", flush=True)
time.sleep(120)
' $P 150 >"$T/srv.out" 2>"$T/srv.err" &
at_exit "kill $! 2>/dev/null"
wait_for 20 grep -q ready "$T/srv.out" || die "server did not start: $(cat "$T/srv.err")"
n_tw() { [ "$(ip netns exec "$NS" ss -tanH state time-wait "( sport = :$P )" | wc -l)" -ge 150 ]; }
check "fixture: 150 TIME-WAIT on local port $P" n_tw

sw_run "$T/c.json" "$T/c.err" --check --json -n 1 -N "$NS"
check "--check exits 3 (warn) (rc=$SW_RC)" test "$SW_RC" = 3
d='[.diagnoses[] | select(.id == "timewait_buckets")][0]'
got=$(jq -r "$d | \"\(.severity) \(.subject) \(.port) \(.process)\"" "$T/c.json" 2>/dev/null)
check "timewait_buckets: warn on server port 127.0.0.1:$P, php-fpm (got '$got')" \
	test "$got" = "warn tcp 127.0.0.1:$P $P php-fpm"
check "details: server side, no ephemeral ports" \
	sh -c "jq -r '$d | .details[]' '$T/c.json' | grep -q 'server side.*no ephemeral ports held.*127\.0\.0\.1:$P (15[0-9])'"
check "fix: list them with sport = :$P" sh -c "jq -r '$d | .fix[]' '$T/c.json' | grep -q \"sport = :$P\""
got=$(jq -r '[.diagnoses[] | select(.id == "ephemeral_ports")][0].severity' "$T/c.json" 2>/dev/null)
check "ephemeral_ports stays ok (got '$got')" test "$got" = ok
[ "$SW_RC" = 3 ] || show_file "check json" "$T/c.json" 5

# the documented recipes
sw_run "$T/s.json" "$T/s.err" -b --json -N "$NS" 'state time-wait and sport = :9000'
got=$(sw_canon "$T/s.json" | grep -c "TIME_WAIT 127.0.0.1:$P ")
check "'state time-wait and sport = :$P' finds them (got $got)" test "$got" -ge 150
sw_run "$T/d.json" "$T/d.err" -b --json -N "$NS" 'state time-wait and dport = :9000'
got=$(sw_canon "$T/d.json" | wc -l)
check "'state time-wait and dport = :$P' finds none (got $got)" test "$got" = 0

finish
