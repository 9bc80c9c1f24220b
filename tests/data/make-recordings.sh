#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make-recordings.sh - regenerate the committed sock_diag recordings.
#
#   tests/data/make-recordings.sh [SWCOLLECT]
#
# Needs root (creates a throwaway network namespace), python3 and a built
# tests/tools/swcollect (default: ./build*/tests/tools/swcollect or
# $top_builddir/tests/tools/swcollect).  Traffic stays on the namespace's
# loopback; the namespace, the fixture process and the temp dir are removed
# on every exit.
#
# It writes, next to this script:
#   fixtures.swrec        2 samples, all protocols, tcp_info+cong+skmem, kstat
#   fixtures-plain.swrec  1 sample, TCP only, no tcp_info (-T)
#   fixtures.txt          swcollect's text view of fixtures.swrec (for humans)
#   kstat-netstat.txt, kstat-snmp.txt, kstat-sockstat.txt   /proc/net texts
#
# The fixture (python below) holds, in the namespace:
#   7001  TCP LISTEN backlog 4 with 2 connections queued, never accepted
#   7002  TCP ESTAB v4; client has SO_KEEPALIVE, TCP_KEEPIDLE 600 (timer 2),
#         sent 1000 bytes (read), server sent 500 bytes the client never reads
#   7003  TCP ESTAB v6 [::1], listener IPV6_V6ONLY=1
#   7004  TCP [::] listener with V6ONLY=0; a v4 client -> server side
#         ::ffff:127.0.0.1 (v4-mapped) in the AF_INET6 dump
#   7005  TCP TIME_WAIT (client closed first; timer 3)
#   7006  TCP FIN_WAIT2 (client shutdown(SHUT_WR)) / CLOSE_WAIT (server)
#   7007  UDP bound (UNCONN); 7008 UDP connected to 7007 (ESTAB)
#   7009  UDP v6 [::1] bound
#   7010  MPTCP listener (if the kernel allows MPTCP)
#   7011  UDP-Lite bound
#   7012  TCP bound, not listening (BOUND_INACTIVE, reported as CLOSE)
#   7013  TCP listen(0), never accepted, 3 non-blocking connects ->
#         SYN_SENT clients (timer 1) and ListenOverflows
#   UNIX: stream listener $dir/stream.sock with one accepted connection,
#         abstract stream listener "@sw-rec-abstract", stream socketpair,
#         dgram bound to $dir/dgram.sock, seqpacket socketpair.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
sw=${1:-}
if [ -z "$sw" ]; then
	for c in "${top_builddir:-}/tests/tools/swcollect" "$here"/../../build*/tests/tools/swcollect; do
		[ -x "$c" ] && sw=$c && break
	done
fi
[ -n "$sw" ] && [ -x "$sw" ] || { echo "make-recordings: build tests/tools/swcollect first" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "make-recordings: needs root (network namespace)" >&2; exit 1; }

ns=sw-rec-$$
tmp=$(mktemp -d /tmp/sw-rec.XXXXXX)
pid=
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; fi
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM HUP

ip netns add "$ns"
ip -n "$ns" link set lo up

cat > "$tmp/fixture.py" <<'EOF'
import os, socket, sys, time
d = sys.argv[1]
S = socket
keep = []
def tcp(fam=S.AF_INET):
    s = S.socket(fam, S.SOCK_STREAM); s.setsockopt(S.SOL_SOCKET, S.SO_REUSEADDR, 1); keep.append(s); return s
def listener(addr, port, backlog=8, fam=S.AF_INET, v6only=None):
    s = tcp(fam)
    if v6only is not None: s.setsockopt(S.IPPROTO_IPV6, S.IPV6_V6ONLY, v6only)
    s.bind((addr, port)); s.listen(backlog); return s
def pair(addr, port, fam=S.AF_INET, lfam=None, laddr=None, v6only=None):
    l = listener(laddr or addr, port, fam=lfam or fam, v6only=v6only)
    c = tcp(fam); c.connect((addr, port)); a, _ = l.accept(); keep.append(a); return l, c, a
# 7001: queued, never accepted
l = listener('127.0.0.1', 7001, backlog=4)
for _ in range(2):
    tcp().connect(('127.0.0.1', 7001))
# 7002: estab v4 with keepalive and unread data
l, c, a = pair('127.0.0.1', 7002)
c.setsockopt(S.SOL_SOCKET, S.SO_KEEPALIVE, 1); c.setsockopt(S.IPPROTO_TCP, S.TCP_KEEPIDLE, 600)
c.sendall(b'x' * 1000); got = 0
while got < 1000: got += len(a.recv(4096))
a.sendall(b'y' * 500)
# 7003: v6
pair('::1', 7003, fam=S.AF_INET6, v6only=1)
# 7004: v4-mapped via dual-stack listener
pair('127.0.0.1', 7004, fam=S.AF_INET, lfam=S.AF_INET6, laddr='::', v6only=0)
# 7005: TIME_WAIT on the client
l, c, a = pair('127.0.0.1', 7005)
c.close(); keep.remove(c)
a.recv(1); a.close(); keep.remove(a)
# 7006: FIN_WAIT2 / CLOSE_WAIT
l, c, a = pair('127.0.0.1', 7006)
c.shutdown(S.SHUT_WR)
# UDP
u = S.socket(S.AF_INET, S.SOCK_DGRAM); u.bind(('127.0.0.1', 7007)); keep.append(u)
u = S.socket(S.AF_INET, S.SOCK_DGRAM); u.bind(('127.0.0.1', 7008)); u.connect(('127.0.0.1', 7007)); keep.append(u)
u = S.socket(S.AF_INET6, S.SOCK_DGRAM); u.bind(('::1', 7009)); keep.append(u)
try:
    m = S.socket(S.AF_INET, S.SOCK_STREAM, 262); m.bind(('127.0.0.1', 7010)); m.listen(4); keep.append(m)
except OSError as e:
    print('no mptcp:', e, file=sys.stderr)
u = S.socket(S.AF_INET, S.SOCK_DGRAM, 136); u.bind(('127.0.0.1', 7011)); keep.append(u)
b = tcp(); b.bind(('127.0.0.1', 7012))
# 7013: listen(0) overflow -> SYN_SENT clients
l = listener('127.0.0.1', 7013, backlog=0)
for _ in range(3):
    c = tcp(); c.setblocking(False)
    try: c.connect(('127.0.0.1', 7013))
    except BlockingIOError: pass
# UNIX
us = S.socket(S.AF_UNIX, S.SOCK_STREAM); us.bind(d + '/stream.sock'); us.listen(5); keep.append(us)
uc = S.socket(S.AF_UNIX, S.SOCK_STREAM); uc.connect(d + '/stream.sock'); keep.append(uc)
ua, _ = us.accept(); keep.append(ua)
ab = S.socket(S.AF_UNIX, S.SOCK_STREAM); ab.bind('\0sw-rec-abstract'); ab.listen(3); keep.append(ab)
keep.extend(S.socketpair(S.AF_UNIX, S.SOCK_STREAM))
ud = S.socket(S.AF_UNIX, S.SOCK_DGRAM); ud.bind(d + '/dgram.sock'); keep.append(ud)
keep.extend(S.socketpair(S.AF_UNIX, S.SOCK_SEQPACKET))
time.sleep(0.3)
print('ready', flush=True)
time.sleep(600)
EOF

ip netns exec "$ns" python3 "$tmp/fixture.py" "$tmp" > "$tmp/ready" &
pid=$!
i=0
until grep -q ready "$tmp/ready" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "make-recordings: fixture did not start" >&2; exit 1; }
	kill -0 "$pid" 2>/dev/null || { echo "make-recordings: fixture failed" >&2; exit 1; }
	sleep 0.1
done

"$sw" -N "$ns" -k -c 2 --record "$here/fixtures.swrec" > "$here/fixtures.txt"
"$sw" -N "$ns" -T -P 1 --record "$here/fixtures-plain.swrec" > /dev/null
for f in netstat snmp sockstat; do
	ip netns exec "$ns" cat /proc/net/$f > "$here/kstat-$f.txt"
done
echo "make-recordings: wrote $(grep -c '^[a-z]' "$here/fixtures.txt") socket lines"
