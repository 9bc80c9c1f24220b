#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# churn_events: connections that live milliseconds, as the batch outputs
# and the streaming mode (sockwatch --closed) report them, against
# tests/tools/churngen.py, which makes connections at a known rate and
# lifetime in the test's namespace and prints what it achieved.  The
# comparisons are with those achieved figures, never with the clock.
#
# 1. 500 connections/s living 20 ms to one port, with two pooled
#    connections held there (as php-fpm's MySQL story, where sampling sees
#    only TIME_WAIT remains): --closed lists every client end churngen
#    made (or reports the events lost), each with a lifetime; the rate
#    and lifetime accuracy is measured by bench/churn.sh --accuracy-only,
#    not asserted here; `--json -n 4 -d 2 -t`, the
#    intervals after the first: a median and p95 lifetime, the owner named churngen, by its listener for the server ends
#    and by destination (or socket) for the client ends; `-s -n 2` prints
#    the "Closed connections" section with the port.
# 2. --closed --json prints each of 200 connections exactly once per end
#    (200 client ends to the port, 200 server ends on it, no cookie twice).
# 3. a burst of 20,000 connections: the event lines received plus the
#    events reported lost equal both ends of what churngen made, exactly.
# 4. SOCKWATCH_DEBUG_EVENTS_ERRNO=EPERM (a kernel refusing the events):
#    --closed says why and exits 1; --json still works, its churn member
#    says events false with the reason; -s still prints.
# 5. -N: connections in another namespace never show in --closed.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_root
require_cmds ip python3 jq
GEN=$top_srcdir/tests/tools/churngen.py
EVGEN=$top_srcdir/tests/tools/evgen.py
netns_new churnev

val() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" "$2"; }

primed() { [ "$(wc -l <"$1")" -ge "$2" ]; }
stream() { # OUT ARGS...: start sockwatch --closed --json, wait until one primer shows
	_o=$1
	shift
	"$SOCKWATCH" "$@" --closed --json >"$_o" 2>"$_o.err" &
	STREAM=$!
	# a primer connection until one shows: sockwatch may not have joined
	# the destroy-event groups yet when the first one closes
	_n=0
	until primed "$_o" 2; do
		_n=$((_n + 1))
		[ "$_n" -le 20 ] || die "--closed shows nothing after $_n primers: $(cat "$_o.err")"
		run_in_ns python3 "$EVGEN" tcp 1 >/dev/null
		sleep 0.5
	done
}
stop_stream() { kill -TERM "$STREAM"; wait "$STREAM"; }

# ---- 1. rate, lifetime, owner from --json -----------------------------------
# (the rate from --closed lines in the middle of the run, against
# churngen's own close times in the same window: on a busy machine its
# rate is not even, so no run-wide average is the truth for a sub-interval)
stream "$T/c1" -N "$NS"
run_in_ns python3 "$GEN" --rate 500 --seconds 11 --life 20 --hold 2 --port 3306 \
	--ready "$T/ready1" >"$T/gen1" 2>"$T/gen1.err" &
GENPID=$!
wait_for 10 test -s "$T/ready1" || die "churngen did not start: $(cat "$T/gen1.err")"
sw_run_json() { "$SOCKWATCH" -N "$NS" "$@"; }
sw_run_json --json -n 4 -d 2 -t >"$T/j1" 2>"$T/j1.err" || fail "sockwatch --json -n 4 exited $?"
wait "$GENPID" || die "churngen failed: $(cat "$T/gen1.err")"
log "1: $(cat "$T/gen1")"
# intervals 2 and 3 (the first may start before the generator's pool is seen)
dest() { jq -r "select(.churn) | .churn.destinations[] | select(.port == 3306) | $1" "$T/j1" | sed -n '2,3p'; }
svc() { jq -r "select(.churn) | .churn.services[] | select(.port == 3306) | $1" "$T/j1" | sed -n '2,3p'; }
sleep 1 # the last drain
stop_stream
# counts, not rates: every client end churngen made is listed once (the
# rate and lifetime accuracy against churngen's log is a benchmark:
# bench/churn.sh --accuracy-only)
made1=$(val made "$T/gen1")
n1=$(jq -c 'select(.remote.port == 3306 and .role == "client")' "$T/c1" | wc -l)
lost1=$(jq -r 'select(.lost) | .lost' "$T/c1" | awk '{s += $1} END {print s + 0}')
# (plus the two pooled connections, closed at its end)
check "--closed: every client end to :3306 churngen made ($n1 of $made1 + 2, $lost1 events lost)" \
	sh -c "test $n1 -le $((made1 + 2)) && test $((n1 + lost1)) -ge $((made1 + 2))"
nl1=$(jq -r 'select(.remote.port == 3306 and .role == "client") | .life_ms | numbers' "$T/c1" | wc -l)
check "--closed: most with a lifetime ($nl1 of $n1)" test "$nl1" -ge $((n1 / 2 + 1))
check "--json: the service :3306 in every interval after the first" \
	test "$(svc .closed | wc -l)" = 2
check "--json: a median and p95 lifetime for the destination ($(dest '"\(.p50_ms)/\(.p95_ms)"' | tr '\n' ' '))" \
	test "$(dest '.p50_ms > 0 and .p95_ms >= .p50_ms' | sort -u)" = true
check "client ends owned by churngen ($(dest '.owner.comm' | tr '\n' ' '))" \
	test "$(dest '.owner.comm' | sort -u)" = churngen
hows_ok() { [ -n "$(dest .owner.how)" ] && [ -z "$(dest .owner.how | grep -v -e '^destination$' -e '^socket$')" ]; }
check "client ends named by destination or socket ($(dest .owner.how | tr '\n' ' '))" hows_ok
check "server ends named by their listener ($(svc '.owner.comm + "/" + .owner.how' | tr '\n' ' '))" \
	test "$(svc '.owner.comm + "/" + .owner.how' | sort -u)" = churngen/listener
check "closed rows are not in the connection lists (no socket in CLOSE with -t)" \
	test "$(jq '[.sockets[] | select(.state == "CLOSE")] | length' "$T/j1" | sort -u)" = 0
check "lost 0, events true" test "$(jq -r 'select(.churn) | "\(.churn.lost)/\(.churn.events)"' "$T/j1" | sort -u)" = 0/true

run_in_ns python3 "$GEN" --rate 300 --seconds 4 --life 10 --port 3307 --ready "$T/ready1s" \
	>"$T/gen1s" 2>&1 &
GENPID=$!
wait_for 10 test -s "$T/ready1s" || die "churngen did not start: $(cat "$T/gen1s")"
COLUMNS=100 "$SOCKWATCH" -N "$NS" -s -n 2 -d 1 >"$T/s1" 2>"$T/s1.err" || fail "sockwatch -s -n 2 exited $?"
wait "$GENPID"
check "-s: a Closed connections section naming the service :3307" \
	sh -c "sed -n '/^Closed connections:/,\$p' '$T/s1' | grep -q ':3307 .*churngen'"
check "-s: no line wider than 100 columns" \
	test "$(awk -v m=0 '{ if (length($0) > m) m = length($0) } END { print m }' "$T/s1")" -le 100

# ---- 2. --closed: each connection once --------------------------------------
stream "$T/c2" -N "$NS"
# (--linger: the listener is up for a sample before its first connection,
# so that its accepted ends are known as server ends)
run_in_ns python3 "$GEN" --rate 200 --seconds 1 --life 5 --port 4000 --keep 2 --linger 1.5 >"$T/gen2" ||
	die "churngen failed"
wait_for 10 primed "$T/c2" 402 || true
stop_stream
rc=$?
check "--closed ends with status 0 on SIGTERM (got $rc)" test "$rc" = 0
made=$(val made "$T/gen2")
check "churngen made 200 ($made)" test "$made" = 200
check "200 client ends to :4000 ($(jq -c 'select(.remote.port == 4000 and .role == "client")' "$T/c2" | wc -l))" \
	test "$(jq -c 'select(.remote.port == 4000 and .role == "client")' "$T/c2" | wc -l)" = 200
check "200 server ends on :4000 ($(jq -c 'select(.local.port == 4000 and .role == "server")' "$T/c2" | wc -l))" \
	test "$(jq -c 'select(.local.port == 4000 and .role == "server")' "$T/c2" | wc -l)" = 200
check "no connection twice" test "$(jq -r .cookie "$T/c2" | sort | uniq -d | wc -l)" = 0
check "every line valid JSON marked closed" test "$(jq -r .closed "$T/c2" | sort -u)" = true
"$SOCKWATCH" -N "$NS" --closed -n 3 2>"$T/c2h.err" | head -1 >"$T/c2h" &
HPID=$!
sleep 0.5
run_in_ns python3 "$EVGEN" tcp 5 >/dev/null
wait "$HPID"
check "--closed | head -1: the header" grep -q "Remote Address" "$T/c2h"

# ---- 3. a burst of 20,000 -------------------------------------------------------
stream "$T/c3" -N "$NS" -d 0.5
run_in_ns python3 "$GEN" --burst 20000 --port 4001 --keep 3 >"$T/gen3" ||
	die "churngen failed"
made=$(val made "$T/gen3")
want=$((made * 2))
gotn() { jq -c 'select(.source == "event" and (.local.port == 4001 or .remote.port == 4001))' "$T/c3" | wc -l; }
lost() { jq -r 'select(.lost) | .lost' "$T/c3" | awk '{s += $1} END {print s + 0}'; }
counted() { [ $(($(gotn) + $(lost))) -ge "$want" ]; }
wait_for 20 counted || true
sleep 1 # a sample after the last drain reports what the kernel dropped
stop_stream
log "3: $(cat "$T/gen3"); received $(gotn), lost $(lost)"
check "burst: received $(gotn) + lost $(lost) == 2 x $made" test $(($(gotn) + $(lost))) = "$want"

# ---- 4. without events ---------------------------------------------------------
rc=0
SOCKWATCH_DEBUG_EVENTS_ERRNO=EPERM "$SOCKWATCH" -N "$NS" --closed >"$T/e4" 2>"$T/e4.err" || rc=$?
check "--closed without events: exit 1 (got $rc)" test "$rc" = 1
check "--closed without events: says why ($(head -1 "$T/e4.err"))" \
	grep -q "no connection close events" "$T/e4.err"
rc=0
SOCKWATCH_DEBUG_EVENTS_ERRNO=EPERM "$SOCKWATCH" -N "$NS" --json -n 2 -d 0.3 >"$T/e4j" 2>"$T/e4j.err" || rc=$?
check "--json -n 2 without events: exit 0 (got $rc)" test "$rc" = 0
check "--json: churn.events false with the reason" \
	test "$(jq -r 'select(.churn) | "\(.churn.events) \(.churn.events_error != null)"' "$T/e4j")" = "false true"
check "--json: still two documents with sockets" test "$(jq -r '.sockets | type' "$T/e4j" | sort -u)" = array
check "--json: the note on stderr" grep -q "no connection close events" "$T/e4j.err"
SOCKWATCH_DEBUG_EVENTS_ERRNO=EPERM "$SOCKWATCH" -N "$NS" -s -n 2 -d 0.3 >"$T/e4s" 2>/dev/null
check "-s without events: totals and the Closed connections section" \
	sh -c "grep -q '^Total:' '$T/e4s' && grep -q '^Closed connections:' '$T/e4s'"

# ---- 5. other namespaces never mix in ---------------------------------------
OTHER=sw-churnev-other-$$
ip netns add "$OTHER" || die "ip netns add $OTHER failed"
SW_NETNS_LIST="$SW_NETNS_LIST $OTHER"
ip -n "$OTHER" link set lo up
stream "$T/c5" -N "$NS"
ip netns exec "$OTHER" python3 "$GEN" --rate 300 --seconds 1 --life 2 --port 4002 >/dev/null ||
	die "churngen in $OTHER failed"
run_in_ns python3 "$EVGEN" tcp 1 >/dev/null
wait_for 10 primed "$T/c5" 4 || true
stop_stream
# (the primers: one or more until the stream showed one, then one more)
check "-N: both ends of each primer only, nothing of $OTHER ($(wc -l <"$T/c5") lines)" \
	sh -c "n=\$(wc -l <'$T/c5'); test \$n -ge 4 && test \$((n % 2)) = 0 && test \$n -le 44"
check "-N: no :4002" test "$(jq -c 'select(.local.port == 4002 or .remote.port == 4002)' "$T/c5" | wc -l)" = 0
finish
