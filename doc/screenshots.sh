#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# doc/screenshots.sh - the README's monitor screens, reproducibly: a network
# namespace holding a small web server's sockets (made by the test fixture
# tests/tools/sockfix, so its command line shows in the status line), and
# sockwatch at 80x24 in a private tmux server.  Prints the two screens.
#
# Usage (root): doc/screenshots.sh [BUILD_DIR]     (default: build)
#   needs: tmux, iproute2; BUILD_DIR/src/sockwatch and
#   BUILD_DIR/tests/tools/sockfix (make check builds it, or
#   make tests/tools/sockfix)
set -eu

B=${1:-build}
SW=$B/src/sockwatch
SF=$B/tests/tools/sockfix
[ "$(id -u)" = 0 ] || { echo "$0: needs root (it creates a network namespace)" >&2; exit 2; }
for f in "$SW" "$SF"; do
	[ -x "$f" ] || { echo "$0: $f not built" >&2; exit 2; }
done
command -v tmux >/dev/null || { echo "$0: tmux is needed" >&2; exit 2; }

NS=sw-shots-$$
T=$(mktemp -d)
TM="tmux -S $T/tmux.sock -f /dev/null"
sfpid=
cleanup() {
	$TM kill-server 2>/dev/null || true
	[ -n "$sfpid" ] && kill "$sfpid" 2>/dev/null
	for p in $(ip netns pids "$NS" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
	ip netns del "$NS" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

ip netns add "$NS"
ip -n "$NS" link set lo up
for a in 10.0.0.5/24 203.0.113.7/32 203.0.113.9/32 198.51.100.23/32; do
	ip -n "$NS" addr add "$a" dev lo
done
ip netns exec "$NS" sysctl -qw net.ipv4.tcp_tw_reuse=0

# nginx on :80 (two workers) and :443, an envoy on :8443, sshd, php-fpm and
# MySQL that the web tier reached with short connections (now TIME_WAIT),
# a Java service leaking CLOSE_WAIT, a DNS cache.
ip netns exec "$NS" "$SF" -T 900 \
	shared,addr=0.0.0.0,port=80,workers=2,comm=nginx \
	estab,addr=10.0.0.5,port=443,n=6,listen=1,src=203.0.113.7,comm=nginx \
	estab,addr=10.0.0.5,port=8443,n=3,listen=1,src=203.0.113.9,comm=envoy \
	estab,addr=10.0.0.5,port=22,n=2,listen=1,src=198.51.100.23,comm=sshd \
	timewait,port=3306,n=64,listen=1,comm=mysqld \
	timewait,port=9000,n=48,listen=1,comm=php-fpm \
	closewait,addr=10.0.0.5,port=8080,n=4,listen=1,src=10.0.0.5,comm=java \
	udp,port=53,comm=dnsmasq >"$T/sf.out" 2>"$T/sf.err" &
sfpid=$!
i=0
until grep -q '"ready":true' "$T/sf.out" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 400 ] || ! kill -0 "$sfpid" 2>/dev/null; then
		echo "$0: the fixture did not come up:" >&2
		cat "$T/sf.err" >&2
		exit 1
	fi
	sleep 0.1
done

shot() { # title: print the screen
	printf '%s\n```\n' "$1"
	$TM capture-pane -p -t shots | sed -e 's/[[:space:]]*$//'
	printf '```\n\n'
}
wait_text() { # text
	i=0
	until $TM capture-pane -p -t shots | grep -qF -- "$1"; do
		i=$((i + 1))
		[ $i -gt 100 ] && { echo "$0: '$1' never appeared" >&2; exit 1; }
		sleep 0.1
	done
}

$TM new-session -d -s shots -x 80 -y 24 \
	env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 SOCKWATCH_NO_MOUSE=1 \
	ip netns exec "$NS" "$SW"
wait_text "Connections"
sleep 2.5 # a few refreshes: the sparklines have a history
$TM send-keys -t shots Down Down Down
sleep 1.2
shot "The monitor at 80x24:"

# the TCP states panel (Tab until focused), TIME_WAIT (\ searches),
# drill down (Enter), sort by the remote address (R)
for _ in 1 2 3 4 5 6; do
	$TM capture-pane -p -t shots | grep -qF "> TCP states" && break
	$TM send-keys -t shots Tab
	sleep 0.3
done
wait_text "> TCP states"
$TM send-keys -t shots '\'
$TM send-keys -t shots -l TIME_WAIT
$TM send-keys -t shots Enter Enter
wait_text "state time-wait"
$TM send-keys -t shots R
sleep 1.5
shot "TIME_WAIT drilled down from the states panel, sorted by the remote address (R):"
$TM send-keys -t shots q
