#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# diag_closewait: a child that leaks CLOSE_WAIT sockets.  A small Python
# server (process name "leaky") accepts a connection every 0.4 s, its peer
# closes, and the server never calls close(): its CLOSE_WAIT count grows on
# every refresh, staying below the absolute warn threshold for a while.
# sockwatch must report close_wait_leak for that pid from the growth, and
# --check must exit 3.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_root
require_cmds jq ip python3
netns_new diagcw
P=7070

leaky_start $P 0.4

# four samples 1 s apart: the count grows on every one (about +2 each), so
# the growth rule (3 refreshes in a row) fires before the count reaches 10
sw_run "$T/check.json" "$T/check.err" --check --json -n 4 -d 1 --threshold closewait_warn=1000 -N "$NS"
check "--check exits 3 (rc=$SW_RC)" test "$SW_RC" = 3
d='[.diagnoses[] | select(.id == "close_wait_leak" and .severity != "ok")][0]'
got=$(jq -r "$d | \"\(.subject)|\(.process)|\(.pid)\"" "$T/check.json" 2>/dev/null)
check "close_wait_leak names the leaking pid (got '$got')" test "$got" = "pid $LPID|leaky|$LPID"
got=$(jq -r "$d | .details | join(\" \")" "$T/check.json" 2>/dev/null)
check "growth reported (got '$got')" sh -c "echo '$got' | grep -q 'growing for [3-9] refreshes'"
[ "$SW_RC" = 3 ] || { show_file "check json" "$T/check.json" 5; show_file stderr "$T/check.err"; }

# by now well over 10 CLOSE_WAIT: the absolute threshold fires on one sample
wait_for 10 sh -c "[ \$(ip netns exec '$NS' ss -tanH state close-wait | wc -l) -ge 12 ]"
sw_run "$T/b.json" "$T/b.err" -b --json -N "$NS"
got=$(jq -r '[.diagnoses[]? | select(.id == "close_wait_leak" and .severity != "ok") | .pid] | join(",")' "$T/b.json" 2>/dev/null)
check "-b --json diagnoses: close_wait_leak for pid $LPID (got '$got')" test "$got" = "$LPID"

# Nagios/Icinga: the same at warn level is WARNING, exit 1, with perfdata
sw_run "$T/nagios" "$T/nagios.err" --check --nagios -n 1 --threshold closewait_alarm=100000 -N "$NS"
check "--check --nagios: exit 1 WARNING (rc=$SW_RC)" test "$SW_RC" = 1
check "--check --nagios: WARNING status line with close_wait in its perfdata" sh -c "head -n 1 '$T/nagios' |
	grep -Eq '^SOCKWATCH WARNING - 0 alarm\(s\), 1 warning\(s\): .* \| estab=[0-9]+;;;0; .* close_wait=(1[2-9]|[2-9][0-9]|[0-9]{3,});;;0; '"
check "--check --nagios: the problem on the next line" grep -q '^WARNING close_wait_leak: ' "$T/nagios"
[ "$SW_RC" = 1 ] || show_file "nagios" "$T/nagios" 5

finish
