#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ns_states: in a fresh network namespace, sockets in known states made by
# sockfix's child processes; `sockwatch -b -a -p --json` must report exactly
# the set ss reports there (proto, state, local, remote), with the right
# owning pids, accept-queue lengths and timers.
#
# RAW: where the kernel has no raw_diag module (this one), sock_diag cannot
# list RAW sockets; ss falls back to /proc/net/raw{,6} and so does sockwatch.
# RAW sockets are compared like all others, with their owning pids, and must
# equal what `ss -wan` prints; the JSON notes say "raw_from_procfs" and
# nothing calls RAW missing.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_root
require_cmds jq ss ip
netns_new states

sockfix_start \
	listen,n=3 estab4 estab6 v4mapped timewait,n=2 closewait keepalive \
	udp4 udp6 udpconn4 udpconn6 raw raw6 \
	unix,pending=1 unix-abstract socketpair unix-dgram unix-seqpacket \
	shared,workers=3

# 1. the fixture made what it says (sockfix vs ss): proves the harness
ss_canon >"$T/ss0.txt"
sf_canon >"$T/sf.txt"
check "fixture: ss sees exactly sockfix's sockets" same_lines ss "$T/ss0.txt" sockfix "$T/sf.txt"

# compare_with_ss LABEL JSON: sockwatch's set equals ss's (taken just before
# or just after), RAW included.
compare_with_ss() {
	_label=$1
	_json=$2
	sw_canon "$_json" >"$T/sw.txt" || return 1
	for _f in "$T/ss1.txt" "$T/ss2.txt"; do
		cmp -s "$T/sw.txt" "$_f" && return 0
	done
	same_lines ss "$T/ss2.txt" "sockwatch($_label)" "$T/sw.txt"
	return 1
}

# snapshot ARGS...: ss, sockwatch, ss; the sockwatch document in $T/sw.json
snapshot_direct() {
	ss_canon >"$T/ss1.txt"
	sw_run "$T/sw.json" "$T/sw.err" -b -a -p --json -N "$NS"
	ss_canon >"$T/ss2.txt"
}
snapshot_exec() {
	ss_canon >"$T/ss1.txt"
	sw_run_ns "$T/sw.json" "$T/sw.err" -b -a -p --json
	ss_canon >"$T/ss2.txt"
}

for mode in direct exec; do
	label="-N $NS"
	[ "$mode" = exec ] && label="ip netns exec"
	"snapshot_$mode"
	if [ "$SW_RC" -ne 0 ] || ! json_ok "$T/sw.json"; then
		fail "sockwatch -b -a -p --json ($label) exits 0 with a JSON document (rc=$SW_RC)"
		show_file "stderr" "$T/sw.err"
		show_file "stdout" "$T/sw.json" 5
		continue
	fi
	pass "sockwatch -b -a -p --json ($label) exits 0 with a JSON document"
	ok=0
	compare_with_ss "$label" "$T/sw.json" 2>/dev/null && ok=1
	if [ $ok = 0 ]; then # a TIME-WAIT may expire or a state move between the runs
		"snapshot_$mode"
		compare_with_ss "$label" "$T/sw.json" && ok=1
	fi
	if [ $ok = 1 ]; then pass "same sockets as ss ($label)"; else fail "same sockets as ss ($label)"; fi
	cp "$T/sw.json" "$T/sw-$mode.json"
	cp "$T/sw.err" "$T/sw-$mode.err"
done

J=$T/sw-direct.json
[ -s "$J" ] && json_ok "$J" || { fail "no sockwatch document to check further"; finish; }

# 2. RAW: listed (sock_diag, or /proc/net/raw{,6} without raw_diag), never
# "missing", and exactly what `ss -wan` prints.
nraw=$(sf_jq 'select(.proto == "raw") | .inode' | wc -l)
got=$(sw_jq "$J" '[sockets | select(.proto == "raw")] | length')
check "RAW sockets listed (-a): $got, sockfix made $nraw" test "$got" = "$nraw" -a "$nraw" -ge 2
# each found by inode with the pid of the sockfix child holding it
jq -s '[.[] | select(.proto == "raw")]' "$SF_OUT" >"$T/sf-raw.json"
bad=$(jq -r -n --slurpfile sf "$T/sf-raw.json" --slurpfile sw "$J" "$SW_JQ_DEFS"'
	($sw[0] | [sockets | select(.proto == "raw") | {key: (.inode | tostring), value: pids}]
	 | from_entries) as $by
	| [$sf[0][] | select($by[.inode | tostring] != (.pids | sort))] | length')
check "RAW sockets carry their owner's pid (by inode; $bad wrong)" test "$bad" = 0
check "RAW not in protocols_missing (-a)" \
	test "$(sw_jq "$J" '.protocols_missing // [] | index("raw") == null')" = true
# without raw_diag the records come from /proc, and the JSON says so
if [ -d /sys/module/raw_diag ]; then want_note=false; else want_note=true; fi
check "JSON notes has raw_from_procfs: $want_note (no raw_diag module loaded)" \
	test "$(sw_jq "$J" '.notes // [] | index("raw_from_procfs") != null')" = "$want_note"
# ss -wan in the namespace (one protocol: no Netid column) as canonical lines
ss_raw_canon() {
	ip netns exec "$NS" ss -wanH 2>/dev/null |
		awk '$1 != "raw" && $1 != "p_raw" { $0 = "raw " $0 } { print }' | ss_canon_filter
}
sw_run "$T/w.json" "$T/w.err" -b -w -a --json -N "$NS"
check "RAW asked for (-w -a --json): exit 0, protocols_missing does not name raw (rc=$SW_RC)" \
	test "$SW_RC" = 0 -a "$(jq '.protocols_missing | index("raw") == null' "$T/w.json" 2>/dev/null)" = true
ss_raw_canon >"$T/ssw.txt"
sw_canon "$T/w.json" >"$T/sww.txt"
check "RAW asked for (-w -a --json): the same RAW sockets as ss -wan" \
	same_lines "ss -wan" "$T/ssw.txt" "sockwatch -w -a" "$T/sww.txt"
sw_run "$T/w.txt" "$T/w.err" -b -w -a -N "$NS"
rows=$(grep -Ec '^raw6? ' "$T/w.txt")
n=$(grep -ci 'raw' "$T/w.err")
check "RAW asked for (-w -a table): exit 0, a row per ss line, no note on stderr (rc=$SW_RC, $rows rows, $n lines)" \
	test "$SW_RC" = 0 -a "$rows" = "$(wc -l <"$T/ssw.txt")" -a "$n" = 0
[ "$n" = 0 ] || show_file stderr "$T/w.err" 5
# -a means every protocol: nothing is missing, so nothing to say
sw_run "$T/tbl.txt" "$T/tbl.err" -b -a -N "$NS"
n=$(grep -ci 'raw' "$T/tbl.err")
check "RAW listed, -a table: no note on stderr ($n lines)" test "$n" = 0
# the summary says where RAW came from, in one line
sw_run "$T/sum.txt" "$T/sum.err" -s -N "$NS"
n=$(grep -c '/proc/net/raw' "$T/sum.txt")
if [ "$want_note" = true ]; then want=1; else want=0; fi
check "summary (-s): $want line(s) saying RAW came from /proc/net/raw (got $n, rc=$SW_RC)" \
	test "$SW_RC" = 0 -a "$n" = "$want"

# 3. every socket sockfix holds by a file: found by inode, with its owner pids
sf_json=$T/sf.json
jq -s '[.[] | select(.proto)]' "$SF_OUT" >"$sf_json"
jq -r -n --slurpfile sf "$sf_json" --slurpfile sw "$J" "$SW_JQ_DEFS"'
	($sw[0] | [sockets | {key: (.inode | tostring), value: .}] | from_entries) as $by
	| $sf[0][] | select(.inode != 0)
	| ($by[.inode | tostring]) as $s
	| if $s == null then "missing inode \(.inode) (\(.scenario) \(.proto) \(.state) \(.local))"
	  elif ($s | pids) != (.pids | sort) then
		"inode \(.inode) (\(.scenario) \(.local)): pids \($s | pids) want \(.pids | sort)"
	  else empty end' >"$T/pid-errs.txt"
if [ -s "$T/pid-errs.txt" ]; then
	fail "owning pids by inode ($(wc -l <"$T/pid-errs.txt") wrong)"
	sed 's/^/    /' "$T/pid-errs.txt" | head -20 >&2
else
	pass "every socket with an inode has sockfix's child pids as owners"
fi

# 4. the pre-fork listener: all three workers
shared_ino=$(sf_jq 'select(.scenario == "shared") | .inode')
want=$(sf_jq 'select(.scenario == "shared") | .pids | sort | map(tostring) | join(",")')
got=$(sw_jq "$J" "[sockets | select(.inode == $shared_ino) | pids[]] | sort | map(tostring) | join(\",\")")
check "shared listener held by 3 workers ($want), got ($got)" \
	test "$(echo "$want" | tr , '\n' | wc -l)" = 3 -a "$want" = "$got"

# 5. LISTEN recv_q = pending connections (TCP listen n=3, unix pending=1)
jq -r -n --slurpfile sf "$sf_json" --slurpfile sw "$J" "$SW_JQ_DEFS"'
	($sw[0] | [sockets | {key: (.inode | tostring), value: .}] | from_entries) as $by
	| $sf[0][] | select(.queue != null)
	| ($by[.inode | tostring]) as $s
	| select($s == null or $s.recv_q != .queue)
	| "\(.scenario) listener \(.local): recv_q \($s.recv_q // "missing") want \(.queue)"' >"$T/q-errs.txt"
if [ -s "$T/q-errs.txt" ]; then
	fail "LISTEN recv_q = accept queue length"
	sed 's/^/    /' "$T/q-errs.txt" >&2
else
	pass "LISTEN recv_q = accept queue length (3 TCP, 1 unix)"
fi
q=$(sf_jq 'select(.scenario == "listen" and .state == "LISTEN") | .inode')
check "TCP listener with 3 pending shows recv_q 3" \
	test "$(sw_jq "$J" "sockets | select(.inode == $q) | .recv_q")" = 3

# 6. TIME-WAIT: as many as made, timer timewait, 0 < expires_ms <= 60000
ntw=$(sf_jq 'select(.state == "TIME-WAIT") | .local' | wc -l)
got=$(sw_jq "$J" '[sockets | select((.state | cstate) == "TIME_WAIT")] | length')
check "TIME_WAIT count $got = $ntw" test "$got" = "$ntw"
bad=$(sw_jq "$J" '[sockets | select((.state | cstate) == "TIME_WAIT")
	| select(timer_name != "timewait" or (.timer.expires_ms // 0) <= 0 or (.timer.expires_ms // 0) > 60000)] | length')
check "TIME_WAIT timer is timewait with expires_ms in (0, 60000]" test "$bad" = 0

# 7. keepalive timer on the keepalive client
ka=$(sf_jq 'select(.timer == "keepalive") | .inode')
got=$(sw_jq "$J" "sockets | select(.inode == $ka) | \"\\(timer_name) \\(.timer.expires_ms // 0)\"")
check "keepalive client has timer keepalive with 0 < expires_ms <= 600000 (got: $got)" \
	sh -c 'set -- $1; [ "$1" = keepalive ] && [ "$2" -gt 0 ] && [ "$2" -le 600000 ]' _ "$got"

# 8. v4-mapped: the accepted socket is shown as IPv4 (canonical) and flagged
vm=$(sf_jq 'select(.scenario == "v4mapped" and .role == "server") | .inode')
got=$(sw_jq "$J" "sockets | select(.inode == $vm) | \"\\(.family) \\(.local | cep) \\(.v4mapped)\"")
want="inet6 $(sf_jq 'select(.scenario == "v4mapped" and .role == "server") | .local') true"
check "v4-mapped socket: '$got' = '$want'" test "$got" = "$want"

finish
