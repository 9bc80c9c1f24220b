#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# diag_synqueue: a SYN burst against a small backlog.  A listener on port Q
# with listen(8) holds at most 9 half-open requests (the kernel's queue is
# full above the backlog); the handshake's final ACK is dropped, so a burst
# of 50 connects leaves 9 SYN_RECV and 41 answered with syncookies.
#  1. --check right after the burst: syn_flood is an ALARM (9 of its limit
#     9, far below the old fixed 512) and the cookies the burst cost show as
#     the namespace's totals ("since the network namespace was created").
#  2. --check while SYNs keep arriving: the counter delta over its window
#     (two samples -d apart) is non-zero.
#  3. sockwatch -s in the namespace says the counters run since the
#     namespace was created, not since boot.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_root
require_cmds jq ip nft python3
netns_new diagsynq
Q=8444
run_in_ns sysctl -qw net.ipv4.tcp_syncookies=1 || die "cannot set tcp_syncookies"

drop_final_ack $Q
sockfix_start "synrecv,port=$Q,n=50,backlog=8,comm=smallq"
_sr9() { [ "$(ip netns exec "$NS" ss -tanH state syn-recv "( sport = :$Q )" | wc -l)" -eq 9 ]; }
wait_for 10 _sr9
check "fixture: 9 SYN-RECV on :$Q (backlog 8 + 1)" _sr9

# 1. right after the burst
sw_run "$T/c1.json" "$T/c1.err" --check --json -N "$NS"
check "--check exits 4 (alarm) (rc=$SW_RC)" test "$SW_RC" = 4
d='[.diagnoses[] | select(.id == "syn_flood")][0]'
got=$(jq -r "$d | \"\(.severity) \(.port) \(.value) \(.limit) \(.process)\"" "$T/c1.json" 2>/dev/null)
check "syn_flood alarm on :$Q, 9 of limit 9, smallq (got '$got')" test "$got" = "alarm $Q 9 9 smallq"
got=$(jq -r "$d | .title" "$T/c1.json" 2>/dev/null)
check "title: SYN queue full, syncookies (got '$got')" sh -c "echo '$got' | grep -q 'is full: 9 half-open of its limit 9.*syncookies'"
tot=$(jq -r "$d | .details[] | select(startswith(\"in all\"))" "$T/c1.json" 2>/dev/null)
n=$(echo "$tot" | sed -n 's/.*SyncookiesSent \([0-9]*\).*/\1/p')
check "totals since the namespace was created (got '$tot')" \
	sh -c "echo '$tot' | grep -q '(since the network namespace was created)'"
check "SyncookiesSent total >= 41 (got '$n')" test "${n:-0}" -ge 41
[ "$SW_RC" = 4 ] || show_file "check json" "$T/c1.json" 5

# 2. SYNs keep coming while --check samples: the delta over its window
ip netns exec "$NS" python3 -c '
import socket, sys, time
cs = []
end = time.time() + 60
while time.time() < end and len(cs) < 3000:
    c = socket.socket()
    c.setblocking(False)
    try:
        c.connect(("127.0.0.1", int(sys.argv[1])))
    except BlockingIOError:
        pass
    cs.append(c)
    time.sleep(0.02)
' $Q >/dev/null 2>&1 &
FLOOD=$!
at_exit "kill $FLOOD 2>/dev/null"
# --check's window must fall inside the flood: wait until the kernel counts
# its first cookies (the interpreter can take seconds to start on a loaded
# machine, and a window before that sees no delta)
cookies() { ip netns exec "$NS" awk '/^TcpExt:/ { if (!h) { split($0, n); h = 1 } else {
	split($0, v); for (i in n) if (n[i] == "SyncookiesSent") print v[i] } }' /proc/net/netstat; }
c0=$(cookies)
flooding() { [ "$(cookies)" -gt "${c0:-0}" ]; }
wait_for 20 flooding || log "the flood did not start within 20 s"
sw_run "$T/c2.json" "$T/c2.err" --check --json -d 1 -N "$NS"
kill $FLOOD 2>/dev/null
got=$(jq -r "$d | .details[] | select(startswith(\"in \") and contains(\"SyncookiesSent +\"))" "$T/c2.json" 2>/dev/null)
n=$(echo "$got" | sed -n 's/.*SyncookiesSent +\([0-9]*\).*/\1/p')
check "--check window: SyncookiesSent +N with N > 0 (got '$got')" test "${n:-0}" -gt 0
got=$(jq -r '.interval' "$T/c2.json" 2>/dev/null)
check "--check --json reports a sampling window (interval $got)" awk "BEGIN { exit !(${got:-0} > 0) }"

# 3. -s: the counters belong to the namespace
sw_run "$T/s.txt" "$T/s.err" -s -N "$NS"
check "-s: counters since this network namespace was created" \
	grep -q "counters since this network namespace was created:" "$T/s.txt"
check "-s: not 'since boot' inside a namespace" sh -c "! grep -q 'counters since boot:' '$T/s.txt'"

finish
