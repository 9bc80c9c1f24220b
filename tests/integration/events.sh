#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# events: sock_diag destroy events (src/collect/sockevents.c) read by
# tests/tools/swevents while tests/tools/evgen.py makes a known number of
# short-lived loopback sockets in the test's namespace.
#
# What the kernel reports (Linux 6.18, measured here): one event per full
# socket when it is freed, in state CLOSE, with tcp_info (final byte
# counts) for TCP; both ends of a connection are full sockets (the end that
# closes first becomes a TIME_WAIT minisocket, which is never reported: the
# event is for the full socket it replaced).  So N connections plus their
# listener give 2N + 1 TCP events; N UDP sockets plus their sink N + 1.
# uid and inode are always 0 in events (the kernel zeroes the message).
#
# 1. 2,000 TCP connections, 500 UDP sockets, 100 IPv6 connections:
#    exactly that many events, nothing dropped.
# 2. a burst of 20,000 connections: received + dropped == expected, once
#    with the default buffer and once with a 4 KiB buffer and a reader that
#    sleeps 300 ms per drain (the kernel must drop; every drop is counted),
#    and with a reader that drains once a second (nothing lost; one read
#    call is bounded, so a fast producer cannot hold the caller).
# 3. connections in another namespace and in the machine's own are not
#    seen by a reader opened with -N in this one.
# 4. as nobody without capabilities: the kernel lets anyone join the
#    destroy groups (sock_diag is NL_CFG_F_NONROOT_RECV), so the events
#    arrive, exact; if a kernel refuses, the tool must say so and exit 2.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_root
require_cmds ip python3 setpriv
SWEVENTS=${SWEVENTS:-$top_builddir/tests/tools/swevents}
EVGEN=$top_srcdir/tests/tools/evgen.py
[ -x "$SWEVENTS" ] || die "$SWEVENTS is missing (make check builds it)"
netns_new events

# reader OUT ARGS...: start swevents in the background, wait for "ready";
# 1 if it exited first
ready() { grep -q '^ready' "$1" || ! kill -0 "$READER" 2>/dev/null; }
reader() {
	_out=$1
	shift
	"$@" >"$_out" 2>"$_out.err" &
	READER=$!
	wait_for 10 ready "$_out" || die "swevents did not start: $(cat "$_out.err")"
	grep -q '^ready' "$_out" || return 1
}
gen() { run_in_ns python3 "$EVGEN" "$@" >>"$T/gen.log" || die "evgen.py $* failed"; }
val() { sed -n "s/^$1=//p" "$2"; }

# ---- 1. exact counts at a moderate rate ------------------------------------
reader "$T/r1" "$SWEVENTS" -N "$NS" -n 4703 -w 1000 || die "swevents: $(cat "$T/r1.err")"
gen tcp 2000
gen udp 500
gen tcp 100 --v6
wait "$READER" || fail "swevents exited with $?"
log "1: $(tr '\n' ' ' <"$T/r1")"
check "2,000 + 100 connections: 4,202 TCP events, both ends and the listeners (got $(val tcp "$T/r1"))" \
	test "$(val tcp "$T/r1")" = 4202
check "500 UDP sockets and the sink: 501 UDP events (got $(val udp "$T/r1"))" \
	test "$(val udp "$T/r1")" = 501
check "IPv6: 201 events (got $(val v6 "$T/r1"))" test "$(val v6 "$T/r1")" = 201
check "every event in state CLOSE (other: $(val other_state "$T/r1"))" \
	test "$(val close "$T/r1")" = 4703
check "tcp_info on every TCP event ($(val tcpinfo "$T/r1"))" test "$(val tcpinfo "$T/r1")" = 4202
check "no cookie 0 ($(val cookie_zero "$T/r1"))" test "$(val cookie_zero "$T/r1")" = 0
check "nothing dropped, no overrun, no malformed buffer" \
	test "$(val dropped "$T/r1")/$(val overruns "$T/r1")/$(val bad "$T/r1")" = 0/0/0

# ---- 2. bursts of 20,000 connections ---------------------------------------
burst() { # NAME SWEVENTS-ARGS...
	_b=$1
	shift
	reader "$T/$_b" "$SWEVENTS" -N "$NS" -n 40001 -w 1000 "$@" ||
		die "swevents: $(cat "$T/$_b.err")"
	gen tcp 20000
	wait "$READER" || fail "swevents exited with $?"
	log "2 ($_b): $(tr '\n' ' ' <"$T/$_b") $(tail -1 "$T/gen.log")"
	_got=$(val events "$T/$_b")
	_drop=$(val dropped "$T/$_b")
	check "burst ($_b): received $_got + dropped $_drop == 40001" \
		test $((_got + _drop)) = 40001
}
burst default
burst starved -R 4096 -d 300
# a reader that drains once a second: the default buffer holds the second's
# events, and one read call hands back at most SOCKEVENTS_MAX_READ (8192)
# events plus the rest of one 64 KiB recv() buffer (< 1,000 events)
burst slow -d 1000
check "slow reader: one read returns at most 8192 + one buffer ($(val max_batch "$T/slow"))" \
	test "$(val max_batch "$T/slow")" -lt 9200
check "starved reader: the kernel dropped (overruns $(val overruns "$T/starved"))" \
	test "$(val overruns "$T/starved")" -gt 0 -a "$(val dropped "$T/starved")" -gt 0

# ---- 3. other namespaces never mix in --------------------------------------
OTHER=sw-events-other-$$
ip netns add "$OTHER" || die "ip netns add $OTHER failed"
SW_NETNS_LIST="$SW_NETNS_LIST $OTHER"
ip -n "$OTHER" link set lo up
reader "$T/r3" "$SWEVENTS" -N "$NS" -n 15 -w 1000 || die "swevents: $(cat "$T/r3.err")"
ip netns exec "$OTHER" python3 "$EVGEN" tcp 50 >/dev/null || die "evgen in $OTHER failed"
python3 "$EVGEN" udp 5 >/dev/null || die "evgen in the machine's namespace failed"
gen tcp 7
wait "$READER" || fail "swevents exited with $?"
check "only this namespace's 15 events (got $(val events "$T/r3"))" test "$(val events "$T/r3")" = 15

# ---- 4. without privileges -------------------------------------------------
mkdir -p "$T/pub" && chmod 755 "$T" "$T/pub" && cp "$SWEVENTS" "$T/pub/swevents" &&
	chmod 755 "$T/pub/swevents" || die "cannot copy swevents for nobody"
ngroup=$(id -gn nobody)
rc=0
# (a refusal exits 2 before "ready")
reader "$T/r4" ip netns exec "$NS" setpriv --reuid=nobody --regid="$ngroup" --clear-groups \
	--inh-caps=-all --bounding-set=-all "$T/pub/swevents" -n 15 -w 1000 && gen tcp 7
wait "$READER" || rc=$?
if [ "$rc" = 0 ]; then
	log "4: nobody joined the destroy groups: $(tr '\n' ' ' <"$T/r4")"
	check "as nobody: the 15 events, exact (got $(val events "$T/r4"))" \
		test "$(val events "$T/r4")" = 15
	check "as nobody: no SO_RCVBUFFORCE (forced=$(val forced "$T/r4"))" \
		test "$(val forced "$T/r4")" = 0
else
	check "as nobody, refused: exit 2 (got $rc)" test "$rc" = 2
	check "as nobody, refused: a clear message ($(cat "$T/r4.err"))" \
		grep -q "not allowed to receive connection close events" "$T/r4.err"
fi
finish
