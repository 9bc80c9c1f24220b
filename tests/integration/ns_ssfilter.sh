#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ns_ssfilter: the ss filter forms sockwatch accepts as ss does - short IPv4
# prefixes (198.51.100/24, 127/8), "=" after src/dst/dev, the wildcard
# address 0.0.0.0, autobound, fwmark MARK/MASK and cgroup PATH - give the
# same sockets as `ss -tuwxan FILTER` in a fresh namespace.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_root
require_cmds jq ss ip python3 nsenter
netns_new ssfilter
run_in_ns ip addr add 198.51.100.1/24 dev lo || die "cannot add 198.51.100.1 in $NS"

# Population: 2 clients from 198.51.100.2 to a listener on 198.51.100.1:8080
# (their ports are autobound), one loopback pair to :9090, UDP on
# 127.0.0.1:5353, a
# UNIX listener with one accepted pair (the client is unnamed: autobound)
# and a socketpair; sockfix below, marked sockets from python.
sockfix_start \
	estab,addr=198.51.100.1,port=8080,n=2,listen=1,src=198.51.100.2 \
	estab,port=9090,n=1,src=127.0.0.3 \
	udp,port=5353 \
	unix \
	socketpair

# Marked sockets (SO_MARK), made by a process in a cgroup of our own:
# TCP listeners 127.0.0.1:7001 mark 0x101 and :7002 mark 0x2, UDP
# 127.0.0.1:7003 mark 0x1ff and 0.0.0.0:7004 mark 0.
CGMNT=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
CG=
if [ -n "$CGMNT" ] && mkdir "$CGMNT/sw-ssfilter-$$" 2>/dev/null; then
	CG=sw-ssfilter-$$
fi
cat >"$T/marked.py" <<'PY'
import socket, sys
SO_MARK = 36
socks = []
for kind, port, mark, addr in ((socket.SOCK_STREAM, 7001, 0x101, "127.0.0.1"),
                               (socket.SOCK_STREAM, 7002, 0x2, "127.0.0.1"),
                               (socket.SOCK_DGRAM, 7003, 0x1ff, "127.0.0.1"),
                               (socket.SOCK_DGRAM, 7004, 0, "0.0.0.0")):
    s = socket.socket(socket.AF_INET, kind)
    if mark:
        s.setsockopt(socket.SOL_SOCKET, SO_MARK, mark)
    s.bind((addr, port))
    if kind == socket.SOCK_STREAM:
        s.listen(4)
    socks.append(s)
print("ready", flush=True)
sys.stdin.read()
PY
mkfifo "$T/marked.in"
# the shell moves itself into the cgroup, then becomes the socket holder
sh -c 'if [ -n "$1" ]; then echo $$ >"$1/cgroup.procs" || exit 1; fi
	exec ip netns exec "$2" python3 "$3" <"$4"' sh "${CG:+$CGMNT/$CG}" "$NS" \
	"$T/marked.py" "$T/marked.in" >"$T/marked.out" 2>"$T/marked.err" &
MPID=$!
exec 7>"$T/marked.in" # holds the helper's stdin open until the test exits
# the cgroup can go once the helper (its only process) is gone
at_exit "kill $MPID 2>/dev/null; wait $MPID 2>/dev/null; [ -z '$CG' ] || rmdir '$CGMNT/$CG'"
wait_for 20 grep -q ready "$T/marked.out" || die "marked sockets: $(cat "$T/marked.err")"

# Both programs run under nsenter --net (ip netns exec and ss -N mount a
# fresh /sys, which hides the cgroup2 mount; /proc/sys/net, where autobound
# reads the ephemeral range, follows the network namespace either way).
in_ns() { nsenter --net="/run/netns/$NS" "$@"; }

# same_as_ss PROTOS FILTER [COUNT]: sockwatch -b -a --json with -t -u -w
# (and -x if PROTOS has x) selects what `ss -PROTOSanH FILTER` lists (ss
# lists nothing for an address filter when -x is given, so those use tuw).
same_as_ss() {
	_k=$((_k + 1))
	_x=
	case $1 in *x*) _x=-x ;; esac
	SW_RC=0
	in_ns "$SOCKWATCH" -b -a -t -u -w $_x --json "$2" >"$T/f$_k.json" 2>"$T/f$_k.err" || SW_RC=$?
	if [ "$SW_RC" != 0 ] || ! json_ok "$T/f$_k.json"; then
		log "sockwatch -b '$2': rc=$SW_RC $(head -c 300 "$T/f$_k.err")"
		return 1
	fi
	sw_canon "$T/f$_k.json" >"$T/f$_k.sw"
	in_ns ss "-$1anH" "$2" 2>"$T/f$_k.sserr" | ss_canon_filter >"$T/f$_k.ss"
	if [ -n "${3:-}" ] && [ "$(wc -l <"$T/f$_k.ss")" != "$3" ]; then
		log "ss '$2' lists $(wc -l <"$T/f$_k.ss") sockets, the population says $3"
		show_file "ss stderr" "$T/f$_k.sserr"
		return 1
	fi
	same_lines "ss $2" "$T/f$_k.ss" "sockwatch $2" "$T/f$_k.sw"
}
_k=0

check "dst 198.51.100/24 (short prefix) as ss" same_as_ss tuw 'dst 198.51.100/24' 4
check "src = 198.51.100/24 as ss" same_as_ss tuw 'src = 198.51.100/24' 5
check "dst = 198.51.100.1 as ss" same_as_ss tuw 'dst = 198.51.100.1' 2
check "src 127/8 as ss" same_as_ss tuw 'src 127/8' 6
check "src = 0.0.0.0 (the wildcard address) as ss" same_as_ss tuw 'src = 0.0.0.0' 1
check "src 0.0.0.0:7004 as ss" same_as_ss tuw 'src 0.0.0.0:7004' 1
check "autobound as ss (UNIX included)" same_as_ss tuwx 'autobound'
check "autobound and dport = :8080 as ss" same_as_ss tuw 'autobound and dport = :8080' 2
check "fwmark = 0x1/0xff as ss" same_as_ss tuw 'fwmark = 0x1/0xff' 1
check "fwmark 0x100/0x100 as ss" same_as_ss tuw 'fwmark 0x100/0x100' 2
check "fwmark != 0x2 as ss" same_as_ss tuw 'sport >= :7000 and sport <= :7004 and fwmark != 0x2' 3
check "dev = lo as ss" same_as_ss tuw 'dev = lo' 0
if [ -n "$CG" ]; then
	check "cgroup /$CG as ss" same_as_ss tuw "cgroup /$CG" 4
	check "cgroup = $CGMNT/$CG (full path) as ss" same_as_ss tuw "cgroup = $CGMNT/$CG" 4
else
	log "no cgroup2 mount where a cgroup can be made: cgroup checks skipped"
fi
sw_run_ns "$T/cg.out" "$T/cg.err" -b "cgroup /sw-no-such-cgroup-$$"
check "an unknown cgroup exits 2" test "$SW_RC" = 2
check "... naming it" grep -q "cgroup '/sw-no-such-cgroup-$$'" "$T/cg.err"
finish
