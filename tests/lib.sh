# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh - shared helpers for sockwatch's script tests (POSIX sh; dash).
#
# Source it first thing:   . "$top_srcdir/tests/lib.sh"
# Environment (set by `make check`, defaults for running a test by hand from
# the build directory): top_srcdir, top_builddir, SOCKWATCH, SOCKFIX.
#
#   require_root                 exit 77 (skip) with the reason unless root
#   require_cmds CMD...          exit 77 unless the commands exist
#   netns_new NAME               create netns sw-NAME-$$ (lo up) -> $NS; removed on exit
#   run_in_ns CMD...             run CMD inside $NS
#   ns_hosts LINE...             /etc/hosts for programs in $NS
#   drop_final_ack PORT          nftables in $NS: the server side of new connections to
#                                PORT stays SYN-RECV
#   synflood_start PORT          80 half-open connections to PORT; $SYN_LPID the listener
#   sw_for_others                $SW_OTHERS: a copy of $SOCKWATCH any user can run
#   at_exit 'SHELL CODE'         run at exit (before the netns goes away)
#   wait_for SEC CMD...          retry CMD every 0.1 s until it succeeds (1 = timed out)
#   sockfix_start SCENARIO...    start tests/tools/sockfix in $NS; $SF_OUT holds its records
#   sf_jq FILTER                 jq -r FILTER over sockfix's socket records (one per line)
#   leaky_start PORT SEC         a server "leaky" in $NS that accepts a connection every
#                                SEC, whose peer closes, and never close()s: CLOSE_WAIT
#                                grows; $LPID is its pid
#   ss_canon [SS ARGS]           `ss -tuwxanH` in $NS as sorted canonical lines
#   sw_canon FILE                the same lines from a `sockwatch -b -a --json` document
#   sf_canon                     the same lines from sockfix's records
#   check / fail / finish        assertions: check "what" CMD...; finish exits 1 if any failed
#   build_make ARGS...           make -s in $top_builddir, outside the running `make check`
#   build_var NAME               a variable of $top_builddir/Makefile, expanded (bindir, ...)
#
# Canonical line: "PROTO STATE LOCAL REMOTE"
#   PROTO  tcp udp raw udplite mptcp u_str u_dgr u_seq
#   STATE  netstat spelling: ESTABLISHED SYN_SENT SYN_RECV FIN_WAIT1 FIN_WAIT2
#          TIME_WAIT CLOSE_WAIT LAST_ACK LISTEN CLOSING, UNCONN (any CLOSE)
#   LOCAL/REMOTE  inet: ADDR:PORT, ADDR = a.b.c.d | [v6] | * (any), v4-mapped
#          [::ffff:a.b.c.d] written a.b.c.d, port 0 -> *, no %iface
#          unix: NAME:INODE and *:PEER_INODE, NAME = path | @abstract | *

set -u
LC_ALL=C
export LC_ALL

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
: "${SOCKWATCH:=$top_builddir/src/sockwatch}"
: "${SOCKFIX:=$top_builddir/tests/tools/sockfix}"
export top_srcdir top_builddir SOCKWATCH SOCKFIX

TEST_NAME=$(basename "$0" .sh)
# The system's tools first: a version-manager shim (pyenv's python3) can take
# seconds to start inside a namespace on a loaded machine, longer than the
# tests give a generator to begin.
PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
export PATH
SW_FAILED=0
SW_AT_EXIT=
SW_NETNS_LIST=
NS=
T=

log() { printf '%s: %s\n' "$TEST_NAME" "$*" >&2; }
skip() { printf '%s: SKIP: %s\n' "$TEST_NAME" "$*"; exit 77; }
die() { printf '%s: ERROR: %s\n' "$TEST_NAME" "$*" >&2; exit 99; }

# fail MESSAGE: record a failed assertion and go on (finish reports it)
fail() {
	printf '%s: FAIL: %s\n' "$TEST_NAME" "$*" >&2
	SW_FAILED=$((SW_FAILED + 1))
}

pass() { printf '%s: ok: %s\n' "$TEST_NAME" "$*" >&2; }

# check "DESCRIPTION" CMD...: run CMD, pass if it succeeds
check() {
	_what=$1
	shift
	if "$@"; then pass "$_what"; else fail "$_what"; fi
}

finish() {
	if [ "$SW_FAILED" -ne 0 ]; then
		log "$SW_FAILED assertion(s) failed"
		exit 1
	fi
	log "all assertions passed"
	exit 0
}

require_root() {
	[ "$(id -u)" = 0 ] || skip "needs root (creates network namespaces; CI runs as root)"
}

require_cmds() {
	for _c in "$@"; do
		command -v "$_c" >/dev/null 2>&1 ||
			skip "'$_c' is not installed (scripts/deps.sh test installs it)"
	done
}

# -N all sees every namespace on the machine (and other jobs' millions of
# sockets would make each refresh slow): run the rest of the calling
# script in a private pid and mount namespace (a fresh /proc, empty
# /run/netns and docker netns directories), so that -N all finds only
# what the test makes, plus its own namespace.  Call right after
# require_root, before anything is created.
netns_private() {
	[ -z "${SW_NS_PRIVATE:-}" ] && command -v unshare >/dev/null || return 0
	trap - EXIT
	SW_NS_PRIVATE=1 exec unshare --pid --fork --mount --mount-proc sh -c '
		mount --make-rprivate / || exit 1
		for d in /run/netns /var/run/netns /run/docker/netns; do
			[ -d "$d" ] && mount -t tmpfs none "$d"
		done
		exec sh "$0"' "$0"
}

at_exit() { SW_AT_EXIT="$SW_AT_EXIT
$1"; }

# ---- temporary directory, cleanup ---------------------------------------

sw_cleanup() {
	_rc=$?
	trap - EXIT INT TERM HUP
	set +e
	[ -n "$SW_AT_EXIT" ] && eval "$SW_AT_EXIT"
	for _ns in $SW_NETNS_LIST; do
		netns_kill_all "$_ns"
		ip netns del "$_ns" 2>/dev/null
		rm -rf "/etc/netns/$_ns"
	done
	[ -n "$T" ] && [ -d "$T" ] && [ -z "${SW_KEEP:-}" ] && rm -rf "$T"
	exit "$_rc"
}
trap sw_cleanup EXIT
trap 'exit 130' INT TERM HUP

# Every process in the namespace is one this test started (the namespace is
# ours): TERM, then KILL what is left.
netns_kill_all() {
	_p=$(ip netns pids "$1" 2>/dev/null)
	[ -z "$_p" ] && return 0
	kill -TERM $_p 2>/dev/null
	_i=0
	while [ $_i -lt 30 ]; do
		_p=$(ip netns pids "$1" 2>/dev/null)
		[ -z "$_p" ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -KILL $_p 2>/dev/null
	sleep 0.1
}

# A private temporary directory ($T), removed on exit (SW_KEEP=1 keeps it).
tmpdir_new() {
	[ -n "$T" ] && return 0
	T=$(mktemp -d "${TMPDIR:-/tmp}/sw-$TEST_NAME.XXXXXX") || die "mktemp failed"
	chmod 755 "$T"
}

# ---- namespaces ---------------------------------------------------------

netns_new() {
	require_root
	require_cmds ip
	tmpdir_new
	NS="sw-$1-$$"
	ip netns add "$NS" || die "ip netns add $NS failed"
	SW_NETNS_LIST="$SW_NETNS_LIST $NS"
	ip -n "$NS" link set lo up || die "cannot bring lo up in $NS"
}

run_in_ns() { ip netns exec "$NS" "$@"; }

# ns_hosts LINE...: an /etc/hosts for programs run by `ip netns exec` in $NS
# (it bind-mounts /etc/netns/$NS/hosts over the machine's /etc/hosts, which
# must exist), so name lookups do not depend on what the machine lists.
ns_hosts() {
	mkdir -p "/etc/netns/$NS" || die "cannot create /etc/netns/$NS"
	printf '%s\n' "$@" >"/etc/netns/$NS/hosts"
}

# drop_final_ack PORT: in $NS, drop a client's pure ACKs toward PORT (the
# last step of the handshake), so the server side stays SYN-RECV.
drop_final_ack() {
	require_cmds nft
	run_in_ns nft -f - <<-EOF || die "cannot add the nftables rule"
		table inet sw_drop_ack_$1 {
			chain out {
				type filter hook output priority 0;
				tcp dport $1 tcp flags & (syn | ack) == ack drop
			}
		}
	EOF
}

# synflood_start PORT: 80 half-open connections to a listener on PORT in
# $NS (50 from 127.0.0.2 by process "halfopen", 30 from 127.0.0.3), the
# final ACKs dropped; $SYN_LPID is the listener's pid.
synflood_start() {
	drop_final_ack "$1"
	sockfix_start "synrecv,port=$1,n=50,src=127.0.0.2,comm=halfopen" "connect,port=$1,n=30,src=127.0.0.3"
	wait_for 10 _synrecv_80
	check "fixture: 80 SYN-RECV toward :$1" _synrecv_80
	SYN_LPID=$(sf_jq 'select(.state == "LISTEN") | .pids[0]' | head -n 1)
}
_synrecv_80() { [ "$(ip netns exec "$NS" ss -tanH state syn-recv | wc -l)" -ge 80 ]; }

# sw_for_others: a copy of $SOCKWATCH that any user can run ($SW_OTHERS):
# the build tree may sit where only root can go (/root/...).
sw_for_others() {
	tmpdir_new
	mkdir -p "$T/pub" && chmod 755 "$T/pub" && cp "$SOCKWATCH" "$T/pub/sockwatch" &&
		chmod 755 "$T/pub/sockwatch" || die "cannot copy $SOCKWATCH for other users"
	SW_OTHERS=$T/pub/sockwatch
}

# ---- waiting ------------------------------------------------------------

wait_for() {
	_n=$(($1 * 10))
	shift
	while [ "$_n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# ---- sockfix ------------------------------------------------------------

SF_PID=
SF_OUT=
SF_ERR=

sf_ready() {
	grep -q '"ready":true' "$SF_OUT" 2>/dev/null && return 0
	kill -0 "$SF_PID" 2>/dev/null || return 0 # died: stop waiting
	return 1
}

# sockfix_start SCENARIO...: start the fixture in $NS and wait until ready.
# `ip netns exec` execs (no fork), so $SF_PID is sockfix itself.
leaky_start() {
	[ -n "$NS" ] || die "leaky_start before netns_new"
	ip netns exec "$NS" python3 -c '
import os, socket, sys, time
port, every = int(sys.argv[1]), float(sys.argv[2])
open("/proc/self/comm", "w").write("leaky")
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(64)
print(os.getpid(), flush=True)
keep = []
end = time.time() + 120
while time.time() < end:
    c = socket.create_connection(("127.0.0.1", port))
    s, _ = srv.accept()
    c.close()          # the peer closes ...
    keep.append(s)     # ... and the server never does: CLOSE_WAIT
    time.sleep(every)
' "$1" "$2" >"$T/leaky.pid" 2>"$T/leaky.err" &
	at_exit "kill $! 2>/dev/null"
	wait_for 5 test -s "$T/leaky.pid" || die "leaky server did not start: $(cat "$T/leaky.err")"
	LPID=$(cat "$T/leaky.pid")
}

sockfix_start() {
	[ -x "$SOCKFIX" ] || die "no fixture program at $SOCKFIX (make check builds it)"
	[ -n "$NS" ] || die "sockfix_start before netns_new"
	SF_OUT=$T/sockfix.out
	SF_ERR=$T/sockfix.err
	# The fixture is not what a test checks: if it does not get ready,
	# how it ended is logged and it is started once more.  (A CI run once
	# saw it end before its ready line with nothing on its stderr.)
	for _sf_try in 1 2; do
		ip netns exec "$NS" "$SOCKFIX" -T 240 -d "$T" "$@" >"$SF_OUT" 2>"$SF_ERR" &
		SF_PID=$!
		if wait_for 40 sf_ready && grep -q '"ready":true' "$SF_OUT"; then
			return 0
		fi
		_sf_alive=no
		kill -0 "$SF_PID" 2>/dev/null && _sf_alive=yes
		kill -KILL "$SF_PID" 2>/dev/null
		wait "$SF_PID" 2>/dev/null
		_sf_rc=$?
		log "sockfix $* did not get ready (try $_sf_try; still running: $_sf_alive; exit status $_sf_rc); its output and stderr:"
		cat "$SF_OUT" "$SF_ERR" >&2
		sleep 1
	done
	SF_PID=
	die "sockfix $* did not get ready"
}

sockfix_stop() {
	[ -n "$SF_PID" ] || return 0
	kill -TERM "$SF_PID" 2>/dev/null
	wait "$SF_PID" 2>/dev/null
	SF_PID=
}

sf_jq() { jq -r "select(.proto) | $1" "$SF_OUT"; }

# ---- canonical socket lines ---------------------------------------------

# ss -tuwxanH (inside $NS) -> canonical lines, sorted.  Extra args go to ss.
ss_canon() {
	ip netns exec "$NS" ss -tuwxanH "$@" 2>/dev/null | ss_canon_filter
}

ss_canon_filter() {
	awk '
	function st(s) {
		s = toupper(s); gsub(/-/, "_", s)
		if (s == "ESTAB") return "ESTABLISHED"
		if (s == "FIN_WAIT_1") return "FIN_WAIT1"
		if (s == "FIN_WAIT_2") return "FIN_WAIT2"
		if (s == "CLOSE" || s == "CLOSED") return "UNCONN"
		if (s == "SYN_RCVD" || s == "NEW_SYN_RECV") return "SYN_RECV"
		if (s == "LISTENING") return "LISTEN"
		return s
	}
	function ep(a,   addr, port) {
		if (!match(a, /:[^:]*$/)) return a
		addr = substr(a, 1, RSTART - 1); port = substr(a, RSTART + 1)
		gsub(/%[^\]]*/, "", addr)
		if (addr ~ /^\[::ffff:[0-9.]+\]$/) addr = substr(addr, 9, length(addr) - 9)
		if (addr == "0.0.0.0" || addr == "[::]" || addr == "::" || addr == "*") addr = "*"
		if (port == "0") port = "*"
		return addr ":" port
	}
	$1 ~ /^u_/ { print $1, st($2), $5 ":" $6, $7 ":" $8; next }
	NF >= 6 { print $1, st($2), ep($5), ep($6) }
	' | LC_ALL=C sort
}

# jq definitions shared by the JSON helpers
SW_JQ_DEFS='
def cstate: ascii_upcase | gsub("-"; "_")
	| if . == "ESTAB" then "ESTABLISHED"
	  elif . == "FIN_WAIT_1" then "FIN_WAIT1"
	  elif . == "FIN_WAIT_2" then "FIN_WAIT2"
	  elif . == "CLOSE" or . == "CLOSED" then "UNCONN"
	  elif . == "SYN_RCVD" or . == "NEW_SYN_RECV" then "SYN_RECV"
	  elif . == "LISTENING" then "LISTEN"
	  else . end;
def caddr: tostring | sub("%.*$"; "") | ltrimstr("[") | rtrimstr("]")
	| if . == "0.0.0.0" or . == "::" or . == "*" or . == "" then "*"
	  elif test("^::ffff:[0-9.]+$") then ltrimstr("::ffff:")
	  elif test(":") then "[" + . + "]"
	  else . end;
def cport: if . == null or . == 0 or . == "0" or . == "*" then "*" else tostring end;
def cep: if type == "object" then ((.addr // .address // "*") | caddr) + ":" + (.port | cport)
	 elif type == "string" then .
	 else "*:*" end;
def sockets: if type == "array" then .[] else (.sockets // .connections // [])[] end;
def cproto: if .proto == "unix" then
		"u_" + ({"stream": "str", "dgram": "dgr", "seqpacket": "seq"}[.unix.type // "stream"] // "str")
	    else .proto end;
def canon: cproto as $p
	| if ($p | startswith("u_")) then
		"\($p) \(.state | cstate) \(.unix.path // "*"):\(.inode) *:\(.unix.peer_inode // 0)"
	  else "\($p) \(.state | cstate) \(.local | cep) \(.remote | cep)" end;
def pids: [(.processes // [])[] | .pid] | unique;
def timer_name: if (.timer | type) == "object" then .timer.name else .timer end;
'

# sw_canon FILE: canonical lines of the first JSON document in FILE.
sw_canon() {
	jq -r "$SW_JQ_DEFS"' sockets | canon' "$1" | LC_ALL=C sort
}

# sw_jq FILE FILTER: jq -r with the helper definitions (first document).
sw_jq() {
	jq -r "$SW_JQ_DEFS $2" "$1"
}

# sockfix's records as canonical lines
sf_canon() {
	jq -r "$SW_JQ_DEFS"'
	select(.proto)
	| if (.proto | startswith("u_")) then
		"\(.proto) \(.state | cstate) \(.local):\(.inode) *:\(.peer_inode // 0)"
	  else "\(.proto) \(.state | cstate) \(.local) \(.remote)" end' "$SF_OUT" | LC_ALL=C sort
}

# same_lines NAME_A FILE_A NAME_B FILE_B: equal multisets of lines, else
# print the difference and fail (return 1).
same_lines() {
	if cmp -s "$2" "$4"; then
		return 0
	fi
	log "$1 vs $3 differ (< only in $1, > only in $3):"
	diff "$2" "$4" | grep '^[<>]' >&2
	return 1
}

# ---- running sockwatch --------------------------------------------------

SW_RC=
# sw_run OUT ERR ARGS...: run sockwatch, stdout to OUT, stderr to ERR, $SW_RC
sw_run() {
	_out=$1
	_err=$2
	shift 2
	SW_RC=0
	"$SOCKWATCH" "$@" >"$_out" 2>"$_err" || SW_RC=$?
	return 0
}

# sw_run_ns OUT ERR ARGS...: the same, inside $NS
sw_run_ns() {
	_out=$1
	_err=$2
	shift 2
	SW_RC=0
	ip netns exec "$NS" "$SOCKWATCH" "$@" >"$_out" 2>"$_err" || SW_RC=$?
	return 0
}

# json_ok FILE: one valid JSON document with a sockets array
json_ok() {
	jq -e '.sockets | type == "array"' "$1" >/dev/null 2>&1
}

# show_file LABEL FILE [LINES]: print the head of a file to stderr for the log
show_file() {
	log "$1 ($2):"
	head -n "${3:-20}" "$2" | sed 's/^/    /' >&2
}

# ---- the build tree's make ------------------------------------------------

# make in the build directory, not as a sub-make of the `make check` that
# runs the test (no jobserver, no inherited flags)
build_make() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top_builddir" "$@"
}

build_var() {
	printf 'sw-print-var:\n\t@echo $(%s)\n' "$1" | build_make -f Makefile -f - sw-print-var
}

# tw_close SW SS: within 1%.
tw_close() { [ $((($1 - $2) * ($1 - $2) * 10000)) -le $(($2 * $2)) ]; }

# tw_between SW BEFORE AFTER: sockwatch's TIME_WAIT count SW, from a dump
# taken between two ss dumps that counted BEFORE and AFTER, is within 1% of
# AFTER, or between the two (TIME_WAIT entries created 60 s earlier may
# expire in a wave between the dumps, even once the load has stopped).
tw_between() {
	_lo=$2 _hi=$3
	[ "$_lo" -gt "$_hi" ] && _lo=$3 _hi=$2
	[ $(( ($1 - $3) * ($1 - $3) * 10000 )) -le $(( $3 * $3 )) ] && return 0
	[ $(( $1 * 100 )) -ge $(( _lo * 99 )) ] && [ $(( $1 * 100 )) -le $(( _hi * 101 )) ]
}
