#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# diag_synflood: half-open pile-up.  An nftables rule in the test's namespace
# drops the handshake's final ACK to port P; 50 clients from 127.0.0.2 and 30
# from 127.0.0.3 leave 80 SYN_RECV entries on the listener (default warn
# threshold 64).  sockwatch must report syn_flood naming the listener's port
# and process and the top source addresses, and --check must exit 3 (warn)
# or 4.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_root
require_cmds jq ip nft ss
netns_new diagsyn
P=8443

synflood_start $P

sw_run "$T/check.json" "$T/check.err" --check --json -N "$NS"
check "--check exits 3 or 4 (rc=$SW_RC)" test "$SW_RC" = 3 -o "$SW_RC" = 4
d='[.diagnoses[] | select(.id == "syn_flood" and .severity != "ok")][0]'
got=$(jq -r "$d | \"\(.port) \(.value) \(.process) \(.pid)\"" "$T/check.json" 2>/dev/null)
check "syn_flood: port, count, process, pid (got '$got')" test "$got" = "$P 80 halfopen $SYN_LPID"
got=$(jq -r "$d | .details[] | select(startswith(\"top sources\"))" "$T/check.json" 2>/dev/null)
check "top sources 127.0.0.2 (50), 127.0.0.3 (30) (got '$got')" \
	sh -c "echo '$got' | grep -q '127\.0\.0\.2 (50), 127\.0\.0\.3 (30)'"
[ -n "$got" ] || { show_file "check json" "$T/check.json" 5; show_file stderr "$T/check.err"; }

sw_run "$T/b.json" "$T/b.err" -b --json -N "$NS"
got=$(jq -r '[.diagnoses[]? | select(.id == "syn_flood" and .severity != "ok") | .port] | join(",")' "$T/b.json" 2>/dev/null)
check "-b --json diagnoses: syn_flood on port $P (got '$got')" test "$got" = "$P"

sw_run "$T/check.txt" "$T/checkt.err" --check -n 1 -N "$NS"
check "--check text: syn_flood line names :$P and halfopen" \
	grep -Eq "^(WARNING|ALARM) +syn_flood .*:$P .*halfopen" "$T/check.txt"

finish
