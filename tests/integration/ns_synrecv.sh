#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ns_synrecv: half-open connections.  An nftables rule in the test's own
# namespace drops the handshake's final ACK to port P, so the server side of
# each connection stays SYN_RECV (clients think they are ESTABLISHED): three
# clients from 127.0.0.2, two from 127.0.0.3.  sockwatch must count them,
# list them with 'state syn-recv', and -s must show SYN_RECV per remote IP
# (the classic `netstat -n -p | grep SYN_REC | awk '{print $5}' | cut -d: -f1`).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_root
require_cmds jq ss ip nft
netns_new synrecv
P=8765

drop_final_ack $P

sockfix_start synrecv,port=$P,n=3,src=127.0.0.2 connect,port=$P,n=2,src=127.0.0.3 estab4

n_ss() { [ "$(ip netns exec "$NS" ss -tanH state syn-recv | wc -l)" = 5 ]; }
wait_for 5 n_ss
check "fixture: ss shows 5 SYN-RECV" n_ss

# 1. the full JSON listing
sw_run "$T/all.json" "$T/all.err" -b -a --json -N "$NS"
if [ "$SW_RC" = 0 ] && json_ok "$T/all.json"; then
	pass "sockwatch -b -a --json -N exits 0"
	got=$(sw_jq "$T/all.json" '[sockets | select((.state | cstate) == "SYN_RECV")] | length')
	check "5 SYN_RECV sockets in JSON (got $got)" test "$got" = 5
	got=$(sw_jq "$T/all.json" '[sockets | select((.state | cstate) == "SYN_RECV") | .remote.addr] | sort | join(" ")')
	check "SYN_RECV remotes: $got" test "$got" = "127.0.0.2 127.0.0.2 127.0.0.2 127.0.0.3 127.0.0.3"
	got=$(sw_jq "$T/all.json" '[sockets | select((.state | cstate) == "SYN_RECV") | select(.inode != 0 or (.local.port != '$P'))] | length')
	check "SYN_RECV sockets have no inode and local port $P" test "$got" = 0
	# the clients: ESTABLISHED, from their processes
	got=$(sw_jq "$T/all.json" '[sockets | select(.remote.port == '$P' and (.state | cstate) == "ESTABLISHED") | select((pids | length) == 1)] | length')
	check "5 client sockets ESTABLISHED with their owner (got $got)" test "$got" = 5
	ss_canon >"$T/ss.txt"
	sw_canon "$T/all.json" | grep -v '^raw ' >"$T/sw.txt"
	check "same sockets as ss" same_lines ss "$T/ss.txt" sockwatch "$T/sw.txt"
else
	fail "sockwatch -b -a --json -N exits 0 with JSON (rc=$SW_RC)"
	show_file stderr "$T/all.err"
fi

# 2. the filter 'state syn-recv', JSON and table
sw_run "$T/syn.json" "$T/syn.err" -b --json -N "$NS" 'state syn-recv'
if [ "$SW_RC" = 0 ] && json_ok "$T/syn.json"; then
	got=$(sw_jq "$T/syn.json" '([sockets | (.state | cstate)] | unique | join(",")) + " " + ([sockets] | length | tostring)')
	check "'state syn-recv' selects exactly the 5 SYN_RECV (got: $got)" test "$got" = "SYN_RECV 5"
else
	fail "sockwatch -b --json 'state syn-recv' (rc=$SW_RC)"
	show_file stderr "$T/syn.err"
fi
sw_run "$T/syn.txt" "$T/synt.err" -b -N "$NS" 'state syn-recv'
got=$(grep -Eci 'SYN[-_]RE' "$T/syn.txt")
check "table 'state syn-recv': exit 0, 5 SYN-RECV rows (rc=$SW_RC, rows=$got)" \
	test "$SW_RC" = 0 -a "$got" = 5
[ "$got" = 5 ] || show_file "table output" "$T/syn.txt"
got=$(grep -c '127\.0\.0\.2' "$T/syn.txt")
check "table lists the 3 from 127.0.0.2" test "$got" = 3

# 3. the summary: SYN_RECV per remote IP
sw_run "$T/sum.txt" "$T/sum.err" -b -s -N "$NS"
section() { # TITLE FILE: the lines of a -s section (after its header line)
	awk -v t="$1" '
		index($0, t) == 1 { on = 1; next }
		on && /^$/ { exit }
		on && $1 != "Count" { print }' "$2"
}
if [ "$SW_RC" = 0 ]; then
	section "SYN_RECV per remote IP" "$T/sum.txt" | awk '{ print $2, $1 }' | sort >"$T/syn-ip.txt"
	printf '127.0.0.2 3\n127.0.0.3 2\n' >"$T/syn-ip.want"
	check "-s: SYN_RECV per remote IP = 127.0.0.2 3, 127.0.0.3 2" \
		same_lines want "$T/syn-ip.want" sockwatch "$T/syn-ip.txt"
	got=$(awk '/^State / { on = 1; next } on && /^$/ { exit } on && $1 == "SYN_RECV" { print $NF }' "$T/sum.txt")
	check "-s: state table SYN_RECV total 5 (got '$got')" test "$got" = 5
	[ "$got" = 5 ] || show_file "summary" "$T/sum.txt" 40
else
	fail "sockwatch -b -s (rc=$SW_RC)"
	show_file stderr "$T/sum.err"
fi

sw_run "$T/sum.json" "$T/sumj.err" -b -s --json -N "$NS"
if [ "$SW_RC" = 0 ] && json_ok "$T/sum.json"; then
	got=$(jq -r '[.aggregates.syn_recv_by_ip[] | "\(.addr)=\(.count)"] | sort | join(" ")' "$T/sum.json")
	check "-s --json: aggregates.syn_recv_by_ip (got '$got')" test "$got" = "127.0.0.2=3 127.0.0.3=2"
else
	fail "sockwatch -b -s --json (rc=$SW_RC)"
	show_file stderr "$T/sumj.err"
fi

finish
