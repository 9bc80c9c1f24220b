#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ns_filter: the filter language against a known population in a fresh
# namespace.  Each expression's count is fixed by the population below
# (and cross-checked against the sockets sockfix reports); a bad
# expression exits 2 and points at the error with a caret.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_root
require_cmds jq ss ip
netns_new filter

# Population (20 sockets):
#   web: LISTEN 127.0.0.1:8080; 3 clients 127.0.0.2:* -> :8080 and 3 server ends
#   db:  2 clients 127.0.0.3:* -> 127.0.0.1:9090 and 2 server ends (no listener)
#   2 TIME_WAIT 127.0.0.1:* -> 127.0.0.1:7070 (no process)
#   udp: UNCONN 127.0.0.1:5353
#   v6:  [::1]:* -> [::1]:8443 and its server end
#   unix: a stream listener and one accepted pair (3)
#   tcpbound: 127.0.0.1:6060 bound, never listening (the kernel reports it
#   only when asked for state 13, which makes it walk the bind table; like
#   ss -a, -a alone does not ask; a filter expression does)
sockfix_start \
	estab,port=8080,n=3,listen=1,src=127.0.0.2,comm=sf-web \
	estab,port=9090,n=2,src=127.0.0.3,comm=sf-db \
	timewait,port=7070,n=2 \
	udp,port=5353 \
	estab6,port=8443,comm=sf-v6 \
	unix \
	tcpbound,port=6060

total=$(sf_jq '.proto' | wc -l)
check "fixture: 20 sockets (got $total)" test "$total" = 20

db_pid=$(sf_jq 'select(.scenario == "estab" and .local == "127.0.0.1:9090") | .pids[0]' | head -n1)

# count EXPECTED OPTIONS... EXPR: sockwatch -b --json -N NS OPTIONS EXPR
count() {
	_want=$1
	shift
	_n=$((_n + 1))
	sw_run "$T/f$_n.json" "$T/f$_n.err" -b --json -N "$NS" "$@"
	if [ "$SW_RC" != 0 ] || ! json_ok "$T/f$_n.json"; then
		fail "filter [$*]: rc=$SW_RC, no JSON: $(head -c 300 "$T/f$_n.err")"
		return
	fi
	_got=$(jq '.sockets | length' "$T/f$_n.json")
	if [ "$_got" = "$_want" ]; then
		pass "filter [$*] selects $_want"
	else
		fail "filter [$*] selects $_got, want $_want"
		sw_canon "$T/f$_n.json" | sed 's/^/    /' >&2
	fi
}
_n=0

count 19 -a ''
count 3 -a 'dport = :8080'
count 4 -a 'sport = :8080'
count 7 -a 'sport = :8080 or dport = :8080'
count 7 -a '( sport == 8080 || dport eq 8080 )'
count 2 -a 'dport = :7070'
count 4 -a 'dport > :8000 and dport < :9000'
count 5 -a 'src 127.0.0.2/31'
count 2 -a 'dst 127.0.0.3'
count 12 -a 'dst 127.0.0.0/8'
count 2 -a 'src [::1]'
count 7 -a 'proc sf-web'
count 4 -a "pid $db_pid"
count 12 -a -t 'state established'
count 14 -a -t 'state connected'
count 2 -a -t 'state bucket'
count 14 -a -t 'state big'
count 1 -a -t 'state listening'
count 14 -a -t 'exclude time-wait'
count 6 -a -t 'state established and not sport = :8080 and not dport = :8080'
count 2 -a -t -6 ''
count 1 -a -u ''
count 3 -a -x ''
count 7 -a -t 'not ( proc sf-web or dport = :7070 )'
# the bound-only socket: asked for by name or found by its port (it is not
# CLOSE, which stays the unconnected datagram sockets' state)
count 1 -a -t 'state bound-inactive'
count 0 -a -t 'state closed'
count 1 ':6060'
count 0 -a -u 'sport = :6060'
want=$(ip netns exec "$NS" ss -tanH | wc -l)
sw_run "$T/all.json" "$T/all.err" -b -a -t --json -N "$NS"
got=$(jq '.sockets | length' "$T/all.json" 2>/dev/null)
check "-a -t lists what ss -tan lists ($got = $want)" test "$got" = "$want"

# Without -a: no filter hides listeners and unconnected sockets (netstat
# habit: 19 - TCP LISTEN - UDP UNCONN - unix LISTEN); a filter shows every
# state it matches, so ':8080' finds the listener too (lsof -i :8080).
count 16
count 7 ':8080'
count 4 'sport = :8080'
count 1 'state listening and proto tcp'

# cross-check a few with ss in the same namespace (inet only: -tu)
for expr in 'dport = :8080' 'sport = :8080' 'src 127.0.0.2/31' 'dst 127.0.0.3' 'dport > :8000 and dport < :9000'; do
	want=$(ip netns exec "$NS" ss -tuanH "$expr" | wc -l)
	sw_run "$T/x.json" "$T/x.err" -b -a -t -u --json -N "$NS" "$expr"
	got=$(jq '.sockets | length' "$T/x.json" 2>/dev/null)
	check "'$expr': sockwatch $got = ss $want" test "$got" = "$want"
done

# bad expressions: exit 2, a message, a caret under the bad spot
for expr in 'dport = :' 'state bogus' 'sport = :80 and (' 'src 300.1.2.3'; do
	sw_run "$T/bad.out" "$T/bad.err" -b -N "$NS" "$expr"
	if [ "$SW_RC" = 2 ] && grep -q '\^' "$T/bad.err"; then
		pass "bad expression '$expr': exit 2 with a caret"
	else
		fail "bad expression '$expr': rc=$SW_RC (want 2), stderr:"
		sed 's/^/    /' "$T/bad.err" >&2
	fi
done
# the caret is under the offending word
sw_run "$T/bad.out" "$T/bad.err" -b -N "$NS" 'dport = :80 and stat established'
line=$(grep -n '\^' "$T/bad.err" | head -n1 | cut -d: -f1)
if [ -n "$line" ]; then
	expr_line=$(sed -n "$((line - 1))p" "$T/bad.err")
	caret_col=$(sed -n "${line}p" "$T/bad.err" | awk '{ print index($0, "^") }')
	word_col=$(printf '%s\n' "$expr_line" | awk '{ print index($0, "stat ") }')
	check "caret under 'stat' (caret col $caret_col, word col $word_col)" \
		test "$caret_col" -gt 0 -a "$caret_col" = "$word_col"
else
	fail "no caret for 'dport = :80 and stat established' (rc=$SW_RC)"
	sed 's/^/    /' "$T/bad.err" >&2
fi

finish
