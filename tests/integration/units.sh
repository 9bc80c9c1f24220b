#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# units.sh - the systemd units (data/systemd/) are valid, hardened, and
# their capabilities are the ones sockwatch needs:
#   1. systemd-analyze verify says nothing about the three units, and
#      systemd-analyze security rates both services "OK" or better
#   2. in a namespace holding a root-owned listener, sockwatch run with
#      exactly the capabilities a unit grants names the listener's process
#      in its metrics: as an unprivileged user with the exporter's
#      AmbientCapabilities, as root within the textfile service's
#      CapabilityBoundingSet; with none of them, or with any one missing,
#      the name is empty (each capability is needed)
#   3. the textfile service's own command line (ExecStart with its
#      Environment) writes a Prometheus file, by default into Debian's
#      node_exporter directory /var/lib/prometheus/node-exporter (the one the
#      documentation names), and a failed write names the path
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_root
require_cmds ip setpriv python3 systemd-analyze
id nobody >/dev/null 2>&1 || skip "no user 'nobody'"
ngroup=$(id -gn nobody)
tmpdir_new
build_make data/systemd/sockwatch-textfile.service data/systemd/sockwatch-exporter.service ||
	die "cannot make the units in $top_builddir"
bindir=$(build_var bindir)
U=$T/units
mkdir -p "$U"
# The units as installed, their program replaced by the one under test.
for f in "$top_builddir/data/systemd/sockwatch-textfile.service" \
	"$top_builddir/data/systemd/sockwatch-exporter.service" \
	"$top_srcdir/data/systemd/sockwatch-textfile.timer"; do
	sed "s|^ExecStart=$bindir/sockwatch |ExecStart=$SOCKWATCH |" "$f" >"$U/$(basename "$f")"
done
TF=$U/sockwatch-textfile.service
EX=$U/sockwatch-exporter.service
check "the textfile service runs the program under test" grep -q "^ExecStart=$SOCKWATCH " "$TF"
check "the exporter runs the program under test" grep -q "^ExecStart=$SOCKWATCH " "$EX"

# ---- 1. systemd-analyze ---------------------------------------------------------
(cd "$U" && systemd-analyze verify --man=no ./sockwatch-textfile.service \
	./sockwatch-textfile.timer ./sockwatch-exporter.service) >"$T/verify.out" 2>&1
rc=$?
check "systemd-analyze verify: exit 0 and no message (rc=$rc)" \
	sh -c '[ "$1" = 0 ] && [ ! -s "$2" ]' _ "$rc" "$T/verify.out"
[ -s "$T/verify.out" ] && show_file "systemd-analyze verify" "$T/verify.out"
for u in "$TF" "$EX"; do
	line=$(cd "$U" && systemd-analyze security --offline=yes "./$(basename "$u")" 2>/dev/null |
		grep 'Overall exposure level')
	check "systemd-analyze security: $(basename "$u") is OK or better (${line#*: })" \
		sh -c 'echo "$1" | grep -qE "(OK|SAFE)"' _ "$line"
done

# ---- 2. the capabilities ------------------------------------------------------------
caps() { # KEY UNIT -> dac_read_search,sys_ptrace
	sed -n "s/^$1=//p" "$2" | tr ' ' '\n' | sed '/^$/d; s/^CAP_//' | tr 'A-Z' 'a-z' | paste -sd, -
}
amb=$(caps AmbientCapabilities "$EX")
exb=$(caps CapabilityBoundingSet "$EX")
tfb=$(caps CapabilityBoundingSet "$TF")
check "the exporter's bounding set is its ambient set ($exb)" test "$amb" = "$exb"
check "the textfile service runs as root (no User=, no DynamicUser=)" \
	sh -c '! grep -qE "^(User|DynamicUser)=" "$1"' _ "$TF"
check "the exporter runs as a dynamic user" grep -qx 'DynamicUser=yes' "$EX"

netns_new units
sw_for_others
run_in_ns /usr/bin/python3 -c 'import socket, time
s = socket.socket()
s.bind(("127.0.0.1", 7070))
s.listen(8)
time.sleep(300)' &
wait_for 20 sh -c 'ip netns exec "$1" ss -Htln | grep -q 127.0.0.1:7070' _ "$NS" ||
	die "the test listener did not start"

listener_process() { # FILE -> process label of the test listener
	sed -n 's/^sockwatch_listener_backlog{proto="tcp",addr="127.0.0.1",port="7070",process="\([^"]*\)"}.*/\1/p' "$1"
}
as_user() { # CAPS OUT: as nobody with CAPS inheritable and ambient
	_c=-all
	[ -n "$1" ] && _c=+$(echo "$1" | sed 's/,/,+/g')
	run_in_ns setpriv --reuid=nobody --regid="$ngroup" --clear-groups --inh-caps="$_c" \
		--ambient-caps="$_c" env HOME="$T" "$SW_OTHERS" --format prometheus -n 1 >"$2" 2>"$2.err"
}
as_root() { # BOUNDING-SET OUT: as root within BOUNDING-SET
	_c=-all
	[ -n "$1" ] && _c=-all,+$(echo "$1" | sed 's/,/,+/g')
	run_in_ns setpriv --bounding-set="$_c" --inh-caps=-all \
		"$SOCKWATCH" --format prometheus -n 1 >"$2" 2>"$2.err"
}
as_user "$amb" "$T/ex.prom"
got=$(listener_process "$T/ex.prom")
check "exporter's capabilities ($amb) as nobody: the root-owned listener's process is named (got '$got')" \
	test "$got" = python3
[ "$got" = python3 ] || show_file stderr "$T/ex.prom.err"
as_root "$tfb" "$T/tf.prom"
got=$(listener_process "$T/tf.prom")
check "textfile service's bounding set ($tfb) as root: the listener's process is named (got '$got')" \
	test "$got" = python3
as_user "" "$T/none.prom"
got=$(listener_process "$T/none.prom")
check "no capability, as nobody: no process name (got '$got')" sh -c '[ -z "$1" ] && grep -q "^sockwatch_listener_backlog" "$2"' _ "$got" "$T/none.prom"
as_root "" "$T/none-root.prom"
got=$(listener_process "$T/none-root.prom")
check "empty bounding set, as root: no process name (got '$got')" test -z "$got"
for c in $(echo "$amb" | tr ',' ' '); do
	fewer=$(echo "$amb" | tr ',' '\n' | grep -vx "$c" | paste -sd, -)
	as_user "$fewer" "$T/fewer.prom"
	got=$(listener_process "$T/fewer.prom")
	check "without $c ($fewer only): no process name (got '$got')" test -z "$got"
done

# ---- 3. the textfile service's command line -------------------------------------------
def=$(sed -n 's/^Environment=SOCKWATCH_TEXTFILE=//p' "$TF")
check "the textfile service writes Debian's node_exporter directory by default ($def)" \
	test "$def" = /var/lib/prometheus/node-exporter/sockwatch.prom
for d in README.md doc/check.md doc/sockwatch.1; do
	check "$d names /var/lib/prometheus/node-exporter" \
		sh -c 'sed "s/\\\\-/-/g" "$1" | grep -q /var/lib/prometheus/node-exporter' _ "$top_srcdir/$d"
	check "$d does not name node_exporter's upstream directory" \
		sh -c '! grep -q /var/lib/node_exporter/textfile "$1"' _ "$top_srcdir/$d"
done
cmdline=$(sed -n 's/^ExecStart=//p' "$TF")
run_unit() { # TEXTFILE: ExecStart as systemd would run it
	run_in_ns env SOCKWATCH_TEXTFILE="$1" sh -c "$(echo "$cmdline" | sed 's/\${SOCKWATCH_TEXTFILE}/"$SOCKWATCH_TEXTFILE"/')"
}
mkdir -p "$T/node-exporter"
run_unit "$T/node-exporter/sockwatch.prom" >"$T/run.out" 2>"$T/run.err"
rc=$?
check "ExecStart writes \$SOCKWATCH_TEXTFILE (rc=$rc)" grep -q '^sockwatch_sockets{' "$T/node-exporter/sockwatch.prom"
check "ExecStart prints nothing" sh -c '[ ! -s "$1" ] && [ ! -s "$2" ]' _ "$T/run.out" "$T/run.err"
run_unit "$T/no-such-dir/sockwatch.prom" >/dev/null 2>"$T/fail.err"
rc=$?
check "a missing directory: exit 1 (rc=$rc)" test "$rc" = 1
check "a missing directory: the message names the path ($(head -1 "$T/fail.err"))" \
	grep -qF "cannot write $T/no-such-dir/sockwatch.prom: No such file or directory" "$T/fail.err"
chmod 555 "$T/node-exporter"
run_in_ns setpriv --reuid=nobody --regid="$ngroup" --clear-groups env HOME="$T" \
	"$SW_OTHERS" --format prometheus -n 1 --output "$T/node-exporter/sockwatch.prom" >/dev/null 2>"$T/perm.err"
rc=$?
check "a directory it may not write: exit 1 (rc=$rc)" test "$rc" = 1
check "a directory it may not write: the message names the path ($(head -1 "$T/perm.err"))" \
	grep -qF "cannot write $T/node-exporter/sockwatch.prom: Permission denied" "$T/perm.err"

finish
