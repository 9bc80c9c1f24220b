#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# diag_acceptq: a listener that never accepts.  listen(backlog=0) and three
# connects: one waits in the accept queue (Recv-Q 1 of backlog 0: full), two
# retry their SYNs, which the kernel drops (ListenOverflows grows).
# sockwatch must raise accept_queue naming the listener and its process.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_root
require_cmds jq ip ss
netns_new diagaq
P=8181

# Nagios/Icinga on the empty namespace: OK, exit 0, one line
sw_run "$T/nagios-ok" "$T/nagios-ok.err" --check --nagios -n 1 -N "$NS"
check "--check --nagios, nothing wrong: exit 0 (rc=$SW_RC)" test "$SW_RC" = 0
check "--check --nagios, nothing wrong: one OK line with perfdata" sh -c "
	test \$(wc -l <'$T/nagios-ok') = 1 &&
	grep -Eq '^SOCKWATCH OK - .* \| estab=0;;;0; .* listen=0;;;0; collect_time=[0-9.]+s;;;0;$' '$T/nagios-ok'"

sockfix_start overflow,port=$P,n=3,comm=noaccept
LPID=$(sf_jq 'select(.state == "LISTEN") | .pids[0]' | head -n 1)
q_full() { ip netns exec "$NS" ss -tlnH "( sport = :$P )" | awk '{ exit !($2 >= 1) }'; }
wait_for 5 q_full
check "fixture: accept queue holds a connection" q_full

sw_run "$T/check.json" "$T/check.err" --check --json -N "$NS"
check "--check exits 4 (rc=$SW_RC)" test "$SW_RC" = 4
d='[.diagnoses[] | select(.id == "accept_queue" and .severity == "alarm")][0]'
got=$(jq -r "$d | \"\(.subject)|\(.process)|\(.pid)|\(.port)\"" "$T/check.json" 2>/dev/null)
check "accept_queue alarm: listener, process, pid, port (got '$got')" \
	test "$got" = "tcp 127.0.0.1:$P|noaccept|$LPID|$P"
got=$(jq -r "$d | .fix | join(\" \")" "$T/check.json" 2>/dev/null)
check "the fix mentions backlog and somaxconn" sh -c "echo '$got' | grep -q backlog && echo '$got' | grep -q somaxconn"
[ "$SW_RC" = 4 ] || { show_file "check json" "$T/check.json" 5; show_file stderr "$T/check.err"; }

sw_run "$T/nagios" "$T/nagios.err" --check --nagios -N "$NS"
check "--check --nagios: exit 2 CRITICAL (rc=$SW_RC)" test "$SW_RC" = 2
check "--check --nagios: CRITICAL line, one listener in the perfdata" \
	grep -Eq '^SOCKWATCH CRITICAL - [0-9]+ alarm\(s\), [0-9]+ warning\(s\): .* \| estab=[0-9]+;;;0; .* listen=1;;;0; ' "$T/nagios"
check "--check --nagios: accept_queue on its own line" grep -q '^CRITICAL accept_queue: ' "$T/nagios"
sw_run "$T/nagios-bad" "$T/nagios-bad.err" --check --nagios --threshold nosuch=1
check "--check --nagios, usage error: UNKNOWN, exit 3 (rc=$SW_RC)" sh -c "
	test $SW_RC = 3 && grep -q '^SOCKWATCH UNKNOWN - ' '$T/nagios-bad'"

sw_run "$T/b.json" "$T/b.err" -b --json -N "$NS"
got=$(jq -r '[.diagnoses[]? | select(.id == "accept_queue" and .severity == "alarm") | .process] | join(",")' "$T/b.json" 2>/dev/null)
check "-b --json diagnoses: accept_queue names noaccept (got '$got')" test "$got" = noaccept

if command -v promtool >/dev/null 2>&1; then
	sw_run "$T/m.prom" "$T/m.err" --format prometheus -n 1 -N "$NS"
	check "prometheus: promtool accepts it" sh -c "promtool check metrics < '$T/m.prom'"
	check "prometheus: listener queue 1 of backlog 0 with its process" sh -c "
		grep -qx 'sockwatch_listener_accept_queue{proto=\"tcp\",addr=\"127.0.0.1\",port=\"$P\",process=\"noaccept\"} 1' '$T/m.prom' &&
		grep -qx 'sockwatch_listener_backlog{proto=\"tcp\",addr=\"127.0.0.1\",port=\"$P\",process=\"noaccept\"} 0' '$T/m.prom'"
fi

finish
