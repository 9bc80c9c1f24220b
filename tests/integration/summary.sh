#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# summary: `sockwatch -b -s` answers the netstat | awk | uniq -c
# pipelines directly, on a
# known population in a fresh namespace; every answer is checked against
# the same pipeline run over ss in that namespace at the same moment:
#   netstat -an | awk '/tcp/ {print $6}' | sort | uniq -c          (per state)
#   netstat -ntu | awk '{print $5}' | cut -d: -f1 | sort | uniq -c  (per remote IP)
#   netstat -ntu | grep ESTAB | awk '{print $5}' | cut -d: -f1 | sort | uniq -c
#   netstat -plan | grep :80 | awk '{print $5}' | cut -d: -f1 | sort | uniq -c
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_root
require_cmds jq ss ip
netns_new summary

sockfix_start \
	estab,port=80,n=4,listen=1,src=127.0.0.2,comm=sf-web \
	connect,port=80,n=2,src=127.0.0.3 \
	timewait,port=81,n=3,src=127.0.0.4 \
	closewait,port=3306,n=2,src=127.0.0.5,comm=sf-mysql \
	estab6,port=9000,n=1 \
	udp4,port=53 udpconn4

# one sockwatch run between two ss runs; retried once if ss moved meanwhile
take() {
	ip netns exec "$NS" ss -tuanH | LC_ALL=C sort >"$T/ss1.raw"
	sw_run "$T/sum.txt" "$T/sum.err" -b -s -a -N "$NS" "$@"
	ip netns exec "$NS" ss -tuanH | LC_ALL=C sort >"$T/ss2.raw"
}
take
cmp -s "$T/ss1.raw" "$T/ss2.raw" || take
if [ "$SW_RC" != 0 ]; then
	fail "sockwatch -b -s -a exits 0 (rc=$SW_RC)"
	show_file stderr "$T/sum.err"
	finish
fi
pass "sockwatch -b -s -a exits 0"
cp "$T/sum.txt" "$T/all.txt"

# ss-side pipelines.  Canonical: v4-mapped as IPv4, v6 in brackets.
ip_of() { # remote endpoint column -> address, 'any' left out
	awk '{ a = $6; sub(/:[^:]*$/, "", a); sub(/^\[::ffff:/, "", a); sub(/\]$/, "", a); sub(/^\[/, "", a)
	       if (a != "*" && a != "0.0.0.0" && a != "::") print a }'
}
# section TITLE FILE: the rows of a -s section as "KEY COUNT" (sorted)
section() {
	awk -v t="$1" '
		index($0, t) == 1 { on = 1; next }
		on && /^$/ { exit }
		on && $1 != "Count" { print $2, $1 }' "$2" | LC_ALL=C sort
}

# 1. per state (tcp): netstat -an | awk '/tcp/ {print $6}' | sort | uniq -c
awk '$1 == "tcp" { s = toupper($2); gsub(/-/, "_", s)
	if (s == "ESTAB") s = "ESTABLISHED"; if (s == "FIN_WAIT_1") s = "FIN_WAIT1"
	if (s == "FIN_WAIT_2") s = "FIN_WAIT2"; if (s == "UNCONN") s = "CLOSE"; print s }' "$T/ss2.raw" |
	LC_ALL=C sort | uniq -c | awk '{ print $2, $1 }' >"$T/st.want"
awk '
	/^State / { for (i = 2; i <= NF; i++) if ($i == "tcp") col = i; on = 1; next }
	on && /^$/ { exit }
	on && col { n = $col; s = $1; if (s == "UNCONN") s = "CLOSE"; if (n > 0) print s, n }
' "$T/all.txt" | LC_ALL=C sort >"$T/st.got"
check "-s: tcp sockets per state = ss counting" same_lines ss "$T/st.want" sockwatch "$T/st.got"
want_total=$(wc -l <"$T/ss2.raw")
got_total=$(sed -n 's/^Total: \([0-9]*\) .*/\1/p' "$T/all.txt")
check "-s: Total $got_total = ss -tuan lines $want_total" test "$got_total" = "$want_total"

# 2. connections per remote IP (tcp and udp, every state with a remote)
ip_of <"$T/ss2.raw" | LC_ALL=C sort | uniq -c | awk '{ print $2, $1 }' | LC_ALL=C sort >"$T/ip.want"
section "Connections per remote IP" "$T/all.txt" >"$T/ip.got"
check "-s: connections per remote IP = ss | cut | sort | uniq -c" \
	same_lines ss "$T/ip.want" sockwatch "$T/ip.got"

# 3. ESTABLISHED per remote IP, from the per-IP state breakdown
grep -E '^(tcp|udp) +ESTAB ' "$T/ss2.raw" | ip_of | LC_ALL=C sort | uniq -c |
	awk '{ print $2, $1 }' | LC_ALL=C sort >"$T/est.want"
awk '
	index($0, "Connections per remote IP") == 1 { on = 1; next }
	on && /^$/ { exit }
	on && $1 != "Count" { if (match($0, /ESTABLISHED [0-9]+/)) print $2, substr($0, RSTART + 12, RLENGTH - 12) }
' "$T/all.txt" | LC_ALL=C sort >"$T/est.got"
check "-s: ESTABLISHED per remote IP = ss | grep ESTAB | cut | uniq -c" \
	same_lines ss "$T/est.want" sockwatch "$T/est.got"

# 4. per remote IP for port 80 (netstat -plan | grep :80 ...)
sw_run "$T/sum.txt" "$T/sum80.err" -b -s -a -N "$NS" 'sport = :80'
ip netns exec "$NS" ss -tuanH 'sport = :80' | ip_of | LC_ALL=C sort | uniq -c |
	awk '{ print $2, $1 }' | LC_ALL=C sort >"$T/p80.want"
section "Connections per remote IP" "$T/sum.txt" >"$T/p80.got"
check "-s 'sport = :80': per remote IP (127.0.0.2 4, 127.0.0.3 2)" \
	same_lines ss "$T/p80.want" sockwatch "$T/p80.got"
check "port 80 population as planned" grep -qx '127.0.0.2 4' "$T/p80.want"

# 5. the same answers in -s --json
sw_run "$T/sum.json" "$T/sumj.err" -b -s -a --json -N "$NS"
if [ "$SW_RC" = 0 ] && json_ok "$T/sum.json"; then
	jq -r '.aggregates.remote_ip[] | "\(.addr | ltrimstr("::ffff:")) \(.total)"' "$T/sum.json" |
		LC_ALL=C sort >"$T/ipj.got"
	check "-s --json: aggregates.remote_ip = ss" same_lines ss "$T/ip.want" sockwatch "$T/ipj.got"
	got=$(jq -r '.summary.total' "$T/sum.json")
	check "-s --json: summary.total $got = $want_total" test "$got" = "$want_total"
else
	fail "sockwatch -b -s -a --json (rc=$SW_RC)"
	show_file stderr "$T/sumj.err"
fi

# 5b. per destination: the client ends (local port nothing listens on, per
#     ss's own LISTEN/UNCONN lines) counted per peer address:port, as
#     ss -tuan | awk '{print $6}' | sort | uniq -c would if it knew which
#     end is the client; and per local port, the client ends in one line.
awk '
	function port(ep) { sub(/.*:/, "", ep); return ep }
	NR == FNR { if ($2 == "LISTEN" || $2 == "UNCONN") lp[$1 "/" port($5)] = 1; next }
	$2 == "LISTEN" || $2 == "UNCONN" || lp[$1 "/" port($5)] { next }
	{ p = $6; sub(/^\[::ffff:/, "", p); sub(/\]:/, "]:", p)
	  if (p ~ /^[0-9.]+\]:/) sub(/\]:/, ":", p)
	  print p ($1 == "tcp" ? "" : "/" $1) }' "$T/ss2.raw" "$T/ss2.raw" |
	LC_ALL=C sort | uniq -c | awk '{ print $2, $1 }' | LC_ALL=C sort >"$T/dst.want"
section "Connections per destination" "$T/all.txt" >"$T/dst.got"
check "-s: connections per destination = ss client ends per peer" \
	same_lines ss "$T/dst.want" sockwatch "$T/dst.got"
check "-s: the TIME_WAIT client ends toward :81 are one destination" \
	grep -qE '^127\.0\.0\.[0-9]+:81 3$' "$T/dst.got"
section "Connections per local port" "$T/all.txt" >"$T/lp.got"
check "-s: per local port: the client ends in one tcp/ephemeral line" \
	grep -q '^tcp/ephemeral ' "$T/lp.got"
check "-s: per local port: no ephemeral port listed one by one" \
	sh -c "! grep -qE '^(tcp|udp)/[3-6][0-9]{4} ' '$T/lp.got'"
jq_dst=$(jq -r '.aggregates.destination[] | select(.port == 81) | .total' "$T/sum.json" 2>/dev/null)
check "-s --json: aggregates.destination has :81 with 3 (got '$jq_dst')" test "$jq_dst" = 3

# 6. per process: sf-web holds 1 listener + 4 server ends + 4 clients = 9
got=$(awk 'index($0, "Sockets per process") == 1 { on = 1; next } on && /^$/ { exit }
	on && /sf-web/ { print $1 }' "$T/all.txt")
check "-s: sf-web holds 9 sockets (got '$got')" test "$got" = 9

finish
