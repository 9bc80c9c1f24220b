#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# unpriv: sockwatch run as an unprivileged user (nobody) in a namespace full
# of root-owned sockets: exits 0, lists every socket (sock_diag needs no
# privilege), shows no process of root (their /proc/PID/fd is unreadable),
# and says once, on stderr, what running as root would add.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_root
require_cmds jq ss ip setpriv
id nobody >/dev/null 2>&1 || skip "no user 'nobody'"
ngroup=$(id -gn nobody)
netns_new unpriv
sw_for_others # nobody cannot reach a build tree under /root

sockfix_start estab4 estab6 listen,n=1 udp4 timewait unix socketpair shared
nsf=$(sf_jq '.proto' | grep -vc '^raw$')

as_nobody() { # OUT ERR ARGS...
	_o=$1
	_e=$2
	shift 2
	SW_RC=0
	ip netns exec "$NS" setpriv --reuid=nobody --regid="$ngroup" --clear-groups \
		env HOME="$T" "$SW_OTHERS" "$@" >"$_o" 2>"$_e" || SW_RC=$?
}

# 1. JSON: all sockets, no processes, the not-root note
as_nobody "$T/u.json" "$T/u.err" -b -a -p --json
if [ "$SW_RC" = 0 ] && json_ok "$T/u.json"; then
	pass "as nobody: -b -a -p --json exits 0"
	ss_canon >"$T/ss.txt"
	sw_canon "$T/u.json" >"$T/sw.txt"
	check "as nobody: lists the $nsf sockets ss lists (RAW aside)" \
		same_lines ss "$T/ss.txt" sockwatch "$T/sw.txt"
	got=$(jq '[.sockets[] | select((.processes // []) | length > 0)] | length' "$T/u.json")
	check "as nobody: no process shown for root's sockets (got $got sockets with processes)" test "$got" = 0
	got=$(jq -r '.notes | index("not_root") != null' "$T/u.json")
	check "as nobody: JSON notes has not_root" test "$got" = true
else
	fail "as nobody: -b -a -p --json exits 0 with JSON (rc=$SW_RC)"
	show_file stderr "$T/u.err"
fi

# 2. the table: same, and the note exactly once on stderr
as_nobody "$T/u.txt" "$T/ut.err" -b -a -p
check "as nobody: -b -a -p exits 0 (rc=$SW_RC)" test "$SW_RC" = 0
rows=$(grep -Ec '^(tcp|udp|u_str|u_dgr|u_seq|unix|raw)' "$T/u.txt")
check "as nobody: table has a row per socket ($rows rows, want $nsf)" test "$rows" = "$nsf"
[ "$rows" = "$nsf" ] || show_file table "$T/u.txt" 40
# PID/Program cells look like 1234/sf-estab4 (unix paths hold sf-PID-N.sock)
check "as nobody: no sockfix process in the table" sh -c '! grep -qE "[0-9]+/sf-[a-z]" "$1"' _ "$T/u.txt"
notes=$(grep -Eci 'root|sudo' "$T/ut.err")
check "as nobody: one 'run as root/sudo' note on stderr (got $notes lines)" test "$notes" = 1
[ "$notes" = 1 ] || show_file stderr "$T/ut.err"

# 3. as root the same command shows the processes and no note
sw_run_ns "$T/r.txt" "$T/r.err" -b -a -p
check "as root: processes shown (PID/sf-... in the table)" grep -qE '[0-9]+/sf-[a-z]' "$T/r.txt"
notes=$(grep -Eci 'sudo|run as root|run with' "$T/r.err")
check "as root: no 'run as root' note ($notes lines)" test "$notes" = 0

# 4. sockets of nobody's own process are attributed to it
ip netns exec "$NS" setpriv --reuid=nobody --regid="$ngroup" --clear-groups \
	"$SOCKFIX" -T 60 -d "$T" udp,port=6543,comm=sf-nobody >"$T/own.out" 2>"$T/own.err" &
own=$!
wait_for 10 grep -q '"ready"' "$T/own.out" || { cat "$T/own.err" >&2; die "sockfix as nobody did not start"; }
own_pid=$(jq -r 'select(.proto) | .pids[0]' "$T/own.out")
as_nobody "$T/o.json" "$T/o.err" -b -a -p --json 'sport = :6543'
got=$(jq -r '[.sockets[] | (.processes // [])[] | .pid] | join(",")' "$T/o.json" 2>/dev/null)
check "as nobody: own process shown ($got = $own_pid)" test "$got" = "$own_pid"
kill "$own" 2>/dev/null
wait "$own" 2>/dev/null

# 5. a default config path nobody may read (HOME left at root's, as sudo -u
#    or setpriv leave it) is no error; an explicit --config must be readable
mkdir -p "$T/roothome/.config/sockwatch"
echo 'ephemeral_warn = 40' >"$T/roothome/.config/sockwatch/sockwatchrc"
chmod 700 "$T/roothome"
ip netns exec "$NS" setpriv --reuid=nobody --regid="$ngroup" --clear-groups \
	env HOME="$T/roothome" XDG_CONFIG_HOME= "$SW_OTHERS" --check -n 1 >"$T/c.out" 2>"$T/c.err"
check "as nobody: unreadable default config is not reported" sh -c "! grep -q 'cannot read' '$T/c.err'"
SW_RC=0
ip netns exec "$NS" setpriv --reuid=nobody --regid="$ngroup" --clear-groups \
	"$SW_OTHERS" --check -n 1 --config "$T/roothome/.config/sockwatch/sockwatchrc" \
	>"$T/c2.out" 2>"$T/c2.err" || SW_RC=$?
check "as nobody: unreadable --config FILE is an error (rc=$SW_RC)" test "$SW_RC" = 2
check "as nobody: ... and says so" grep -q 'cannot read' "$T/c2.err"

# 6. fwmark: the kernel sends socket marks to root only; batch says so
as_nobody "$T/m.out" "$T/m.err" -b -a 'fwmark 0x1/0xff'
check "as nobody: a fwmark filter exits 0" test "$SW_RC" = 0
check "as nobody: ... noting that every mark reads 0" grep -q "no socket marks" "$T/m.err"

finish
