#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# prom_listen: `sockwatch --listen ADDR:PORT` in a namespace of its own.
# /metrics is the Prometheus exposition (promtool accepts it) with the
# namespace's sockets; / a page linking /metrics; other paths 404; methods
# other than GET and HEAD 405; IPv6 [::1]:PORT works; an address in use is
# a runtime error naming it (1), a bad one a usage error (2); clients that
# connect and never finish their request do not stop the sampling (the
# timestamp served keeps moving); SIGTERM ends it with status 0; the
# library is loaded only by a run that serves, and a missing one is named.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_root
require_cmds python3 promtool
"$SOCKWATCH" --listen 127.0.0.1:1 --help >/dev/null 2>&1 ||
	skip "this sockwatch was built without libmicrohttpd (--listen)"
netns_new promlisten

# http URL [METHOD]: "STATUS\nContent-Type\n" then the body, into stdout
cat >"$T/fetch_url.py" <<'PY'
import sys, urllib.request, urllib.error
url, method = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "GET")
req = urllib.request.Request(url, method=method)
try:
    r = urllib.request.urlopen(req, timeout=10)
    code, hdr, body = r.status, r.headers, r.read()
except urllib.error.HTTPError as e:
    code, hdr, body = e.code, e.headers, e.read()
print(code)
print(hdr.get("Content-Type", ""))
print(hdr.get("Allow", ""))
sys.stdout.write(body.decode())
PY
http() { run_in_ns python3 "$T/fetch_url.py" "$@"; }

# listeners and connections to count
sockfix_start listen,port=7101 listen,port=7102 estab,port=7103,n=2,listen=1

ip netns exec "$NS" "$SOCKWATCH" --listen 127.0.0.1:9910 -d 0.2 >"$T/sw.out" 2>"$T/sw.err" &
SWPID=$!
up() { http http://127.0.0.1:9910/metrics 2>/dev/null | head -n 1 | grep -qx 200; }
check "--listen serves /metrics" wait_for 20 up

http http://127.0.0.1:9910/metrics >"$T/m" 2>/dev/null
check "/metrics: 200" test "$(sed -n 1p "$T/m")" = 200
check "/metrics: text format 0.0.4" test "$(sed -n 2p "$T/m")" = "text/plain; version=0.0.4; charset=utf-8"
tail -n +4 "$T/m" >"$T/m.prom"
check "/metrics: promtool check metrics accepts it" sh -c "promtool check metrics <'$T/m.prom'"
check "/metrics: the listeners of the namespace" \
	grep -q '^sockwatch_listener_backlog{proto="tcp",addr="127.0.0.1",port="7102",' "$T/m.prom"
check "/metrics: build_info says listen=yes" grep -q '^sockwatch_build_info{.*listen="yes"} 1$' "$T/m.prom"

http http://127.0.0.1:9910/ >"$T/i" 2>/dev/null
check "/: 200, HTML linking /metrics" sh -c "sed -n 1p '$T/i' | grep -qx 200 &&
	sed -n 2p '$T/i' | grep -q '^text/html' && grep -q 'href=\"/metrics\"' '$T/i'"
http http://127.0.0.1:9910/other >"$T/o" 2>/dev/null
check "/other: 404" test "$(sed -n 1p "$T/o")" = 404
http http://127.0.0.1:9910/metrics POST >"$T/p" 2>/dev/null
check "POST: 405 with Allow: GET, HEAD" sh -c "sed -n 1p '$T/p' | grep -qx 405 && sed -n 3p '$T/p' | grep -qx 'GET, HEAD'"
http http://127.0.0.1:9910/metrics HEAD >"$T/h" 2>/dev/null
check "HEAD: 200 without a body" sh -c "sed -n 1p '$T/h' | grep -qx 200 && test \$(wc -l <'$T/h') -le 3"

# clients that connect and never finish their request: sampling goes on
ts() { http http://127.0.0.1:9910/metrics 2>/dev/null | sed -n 's/^sockwatch_snapshot_timestamp_seconds //p'; }
run_in_ns python3 -c 'import socket,time
cs=[socket.create_connection(("127.0.0.1",9910)) for _ in range(8)]
for c in cs: c.send(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
time.sleep(600)' &
STALL=$!
at_exit "kill $STALL 2>/dev/null"
t0=$(ts)
later() { t=$(ts); [ -n "$t" ] && [ -n "$t0" ] && [ "$t" -ge $((t0 + 2)) ]; }
check "with 8 stalled clients the served snapshot still advances (from $t0)" wait_for 30 later
kill "$STALL" 2>/dev/null

# IPv6, a port in use, a bad address
ip netns exec "$NS" "$SOCKWATCH" --listen '[::1]:9911' -d 0.2 >/dev/null 2>"$T/sw6.err" &
SW6=$!
up6() { http 'http://[::1]:9911/metrics' 2>/dev/null | head -n 1 | grep -qx 200; }
check "--listen [::1]:9911 serves /metrics" wait_for 20 up6
kill -TERM "$SW6"
wait "$SW6"
rc=$?
check "SIGTERM: exit status 0 (rc=$rc)" test "$rc" = 0

SW_RC=0
ip netns exec "$NS" "$SOCKWATCH" --listen 127.0.0.1:9910 -n 1 >/dev/null 2>"$T/busy.err" || SW_RC=$?
check "address in use: exit 1 (rc=$SW_RC)" test "$SW_RC" = 1
check "address in use: says where and why" grep -q '127.0.0.1:9910: Address already in use' "$T/busy.err"
for bad in 127.0.0.1 localhost:9910 ::1:9910 127.0.0.1:70000; do
	sw_run /dev/null "$T/bad.err" --listen "$bad"
	check "--listen $bad: exit 2 (rc=$SW_RC)" test "$SW_RC" = 2
	check "--listen $bad: the message names it" grep -q "invalid --listen address '$bad'" "$T/bad.err"
done

# libmicrohttpd (with GnuTLS under it) is opened when --listen starts, not
# loaded by every run (configure reads its soname; without one it is linked)
if ldd "$SOCKWATCH" 2>/dev/null | grep -q libmicrohttpd; then
	echo "# sockwatch links libmicrohttpd (configure found no soname): no lazy-load checks"
else
	check "serving: libmicrohttpd is loaded" grep -q libmicrohttpd "/proc/$SWPID/maps"
	LD_DEBUG=libs ip netns exec "$NS" "$SOCKWATCH" -b -l >/dev/null 2>"$T/ld.txt"
	check "-b: neither libmicrohttpd nor GnuTLS is loaded" \
		sh -c "grep -q 'calling init' '$T/ld.txt' && ! grep -qE 'libmicrohttpd|libgnutls' '$T/ld.txt'"
	SW_RC=0
	SOCKWATCH_DEBUG_MHD_SONAME=libsockwatch-test-none.so.0 ip netns exec "$NS" \
		"$SOCKWATCH" --listen 127.0.0.1:9912 -n 1 >/dev/null 2>"$T/nolib.err" || SW_RC=$?
	check "libmicrohttpd missing: exit 1 (rc=$SW_RC)" test "$SW_RC" = 1
	check "libmicrohttpd missing: says which library and what to install" \
		grep -q 'cannot listen on 127.0.0.1:9912: libsockwatch-test-none.so.0: .*(--listen needs libmicrohttpd installed)' "$T/nolib.err"
	[ "$SW_RC" = 1 ] || show_file stderr "$T/nolib.err"
fi

kill -TERM "$SWPID"
wait "$SWPID"
rc=$?
check "SIGTERM while serving: exit status 0 (rc=$rc)" test "$rc" = 0
check "nothing on stderr while serving" test ! -s "$T/sw.err"
[ -s "$T/sw.err" ] && show_file stderr "$T/sw.err"
finish
