#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ns_iface: a socket bound to an interface (SO_BINDTODEVICE) is shown with
# that interface's name as its own namespace names it: with -N the name is
# read inside the collected namespace, never looked up in sockwatch's own
# (where the same index is another interface, or none).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_root
require_cmds jq ip python3
netns_new iface
tmpdir_new

# a veth pair made inside the namespace (this kernel has no dummy driver)
ip -n "$NS" link add swdummy0 type veth peer name swdummy1 || die "cannot add a veth pair in $NS"
ip -n "$NS" link set swdummy0 up
idx=$(ip -n "$NS" -o link show swdummy0 | cut -d: -f1)

run_in_ns python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"swdummy0")
s.bind(("0.0.0.0", 6767))
open(sys.argv[1], "w").write("ready\n")
time.sleep(60)
' "$T/ready" &
holder=$!
at_exit "kill $holder 2>/dev/null"
wait_for 10 test -s "$T/ready" || die "the socket holder did not start"

sw_run "$T/json" "$T/err" -b -a -N "$NS" --json
check "-N $NS --json: exit 0" test "$SW_RC" = 0
got=$(jq -r '.sockets[] | select(.local.port == 6767) | "\(.ifindex) \(.iface)"' "$T/json")
check "-N: the bound socket names its interface as $NS does (want '$idx swdummy0', got '$got')" \
	test "$got" = "$idx swdummy0"

sw_run "$T/table" "$T/err" -b -a -N "$NS" --columns proto,local,iface
check "-N: the Iface column says swdummy0" grep -Eq '^udp +(\*|0\.0\.0\.0):6767 +swdummy0' "$T/table"
[ "$SW_FAILED" = 0 ] || show_file "table" "$T/table"

finish
