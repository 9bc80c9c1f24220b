#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make-events.sh - record sock_diag destroy events as the kernel sends them
# (tests/data/events-*.bin, read by tests/unit/test_nlparse.c and used as
# fuzz seeds).  Root; a throwaway namespace.  Each file is the recv()
# buffers of a NETLINK_SOCK_DIAG socket bound to the four destroy groups,
# concatenated (each buffer holds whole messages, so the file does too):
#   events-tcp4.bin   3 IPv4 loopback connections (100 bytes each way,
#                     client closes first) and their listener: 7 events
#   events-mixed.bin  2 IPv6 TCP connections + listener, 2 IPv4 UDP and
#                     1 IPv6 UDP socket + their sinks: 5 TCP, 5 UDP events
# Recorded on Linux 6.18 with tests/tools/evgen.py.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ns=sw-mkev-$$
ip netns add $ns
trap 'ip netns del $ns' EXIT
ip -n $ns link set lo up
record() {
	out=$1; shift
	ip netns exec $ns python3 -c '
import socket, select, sys
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 4)
s.bind((0, 15))
print("ready", flush=True)
with open(sys.argv[1], "wb") as f:
    while select.select([s], [], [], 1.5)[0]:
        f.write(s.recv(65536))
' "$out" | { read -r _; "$@"; cat >/dev/null; }
}
gen() { ip netns exec $ns python3 "$here/../tools/evgen.py" "$@" >/dev/null; }
record "$here/events-tcp4.bin" gen tcp 3
mixed() { gen tcp 2 --v6; gen udp 2; gen udp 1 --v6; }
record "$here/events-mixed.bin" mixed
