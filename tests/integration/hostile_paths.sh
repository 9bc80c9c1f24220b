#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# hostile_paths: paths that are not regular files, given by an attacker or
# a clumsy admin, never hang sockwatch or get replaced.  --output (the
# Prometheus textfile) must not rename a file over a FIFO, a symbolic link,
# a directory or a device; --config, the default config path, --replay,
# --record and -N must not block on a FIFO and must say what they found.
# Every special file here is created by the test in its own directory
# (the device node with mknod: never /dev/null itself).  Also the options
# that a mode would silently ignore (exit 2) and the option parser's
# messages.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

tmpdir_new
REC="$top_srcdir/tests/data/fixtures.swrec"
D="$T/special"
mkdir "$D"
mkfifo "$D/fifo" || die "mkfifo failed"
echo 'precious' >"$D/target"
ln -s target "$D/link"
mkdir "$D/dir"
HAVE_DEV=0
if [ "$(id -u)" = 0 ] && mknod "$D/chr" c 1 3 2>/dev/null; then
	HAVE_DEV=1 # a null device of our own, in our directory
else
	log "mknod not permitted: the character device case is skipped"
fi

# bounded RC ARGS...: sockwatch exits RC within 20 s (a hang is stopped by
# timeout, with SIGKILL 5 s after SIGTERM: sockwatch only notes SIGTERM
# between samples, so a loop inside one would outlive it; it fails the
# check); output in $T/out, $T/err
bounded() {
	_want=$1
	shift
	SW_RC=0
	timeout -k 5 20 "$SOCKWATCH" "$@" >"$T/out" 2>"$T/err" </dev/null || SW_RC=$?
	if [ "$SW_RC" != "$_want" ]; then
		log "sockwatch $* exited $SW_RC, not $_want (124: hung)"
		show_file stderr "$T/err"
		return 1
	fi
}
has() { grep -q -- "$1" "$2"; }
same_kind() { # PATH TEST: still that kind of file
	test "$2" "$1" || { log "$1 is no longer what it was: $(ls -ld "$1")"; return 1; }
}

# ---- --format=prometheus --output: only a regular file is replaced ----------
prom_refuses() { # PATH KIND-TEXT
	bounded 1 --format=prometheus --replay "$REC" --output="$1" || return 1
	has "$1" "$T/err" && has "$2" "$T/err" ||
		{ log "no message naming $1 and '$2'"; show_file stderr "$T/err"; return 1; }
}
check "--output FIFO: refused, says it is a FIFO" prom_refuses "$D/fifo" "is a FIFO"
check "--output FIFO: still a FIFO" same_kind "$D/fifo" -p
check "--output symlink: refused, says it is a symbolic link" prom_refuses "$D/link" "symbolic link"
check "--output symlink: still a symlink" same_kind "$D/link" -L
check "--output symlink: its target untouched" has precious "$D/target"
check "--output directory: refused, says it is a directory" prom_refuses "$D/dir" "is a directory"
check "--output directory: still a directory" same_kind "$D/dir" -d
if [ $HAVE_DEV = 1 ]; then
	check "--output device: refused, says it is a character device" \
		prom_refuses "$D/chr" "character device"
	check "--output device: still a character device" same_kind "$D/chr" -c
fi
check "no temporary files left behind" test "$(ls "$D" | wc -l)" = "$((4 + HAVE_DEV))"
check "--output regular file: written" bounded 0 --format=prometheus --replay "$REC" --output="$D/metrics.prom"
check "--output regular file: metrics inside" has "^sockwatch_" "$D/metrics.prom"
check "--output regular file: mode 0644" test "$(stat -c %a "$D/metrics.prom")" = 644
check "--output: replaces an existing regular file" bounded 0 --format=prometheus --replay "$REC" --output="$D/metrics.prom"

# ---- FIFOs (and other non-files) where a file is read or written -----------
fifo_refused() { # RC MESSAGE-PART ARGS...
	_rc=$1 _msg=$2
	shift 2
	bounded "$_rc" "$@" || return 1
	has "$_msg" "$T/err" || { log "no '$_msg' in the message"; show_file stderr "$T/err"; return 1; }
}
check "--config FIFO: no hang, exit 2, says FIFO" fifo_refused 2 "is a FIFO" --check --replay "$REC" --config "$D/fifo"
check "--config directory: exit 2, says directory" fifo_refused 2 "is a directory" --check --replay "$REC" --config "$D/dir"
mkdir -p "$T/home/.config/sockwatch"
mkfifo "$T/home/.config/sockwatch/sockwatchrc"
default_cfg() {
	HOME="$T/home" XDG_CONFIG_HOME= bounded 0 -b --json --replay "$REC" || return 1
	has "sockwatchrc: it is a FIFO" "$T/err" || { show_file stderr "$T/err"; return 1; }
}
check "default config path a FIFO: no hang, warned, goes on" default_cfg
default_cfg_xdg() {
	mkdir -p "$T/xdg/sockwatch"
	mkfifo "$T/xdg/sockwatch/sockwatchrc"
	XDG_CONFIG_HOME="$T/xdg" bounded 0 -n 1 --format=prometheus --replay "$REC"
}
check "XDG config a FIFO: prometheus still runs" default_cfg_xdg
# the system-wide file (/etc/sockwatch/sockwatchrc) is read by every run:
# a FIFO there must not hang anybody, and its bad lines are named
system_cfg() {
	SOCKWATCH_SYSTEM_CONFIG="$D/fifo" HOME="$T/nohome" bounded 0 -b --json --replay "$REC" ||
		return 1
	has "fifo: it is a FIFO" "$T/err" || { show_file stderr "$T/err"; return 1; }
}
check "system config a FIFO: no hang, warned, goes on" system_cfg
system_cfg_bad() {
	printf 'threshold.top = lots\n' >"$T/system.rc"
	# (4: the recording's accept-queue alarm)
	SOCKWATCH_SYSTEM_CONFIG="$T/system.rc" HOME="$T/nohome" bounded 4 --check --replay "$REC" ||
		return 1
	has "system.rc:1: " "$T/err" || { show_file stderr "$T/err"; return 1; }
}
check "system config with a bad line: FILE:LINE: message, goes on" system_cfg_bad
check "--replay FIFO: no hang, exit 1, says FIFO" fifo_refused 1 "is a FIFO" -b --replay "$D/fifo"
check "--replay directory: exit 1" fifo_refused 1 "is a directory" -b --replay "$D/dir"
check "--routes --replay FIFO: no hang" fifo_refused 1 "is a FIFO" --routes --replay "$D/fifo"
if [ "$(id -u)" = 0 ]; then
	check "--record FIFO: no hang, exit 1, says FIFO" fifo_refused 1 "is a FIFO" -b --record "$D/fifo"
	check "--record FIFO: still a FIFO" same_kind "$D/fifo" -p
	check "--routes --record FIFO: no hang" fifo_refused 1 "is a FIFO" --routes --record "$D/fifo"
	check "-N FIFO path: no hang, exit 1, says FIFO" fifo_refused 1 "is a FIFO" -b -N "$D/fifo"
	check "-N regular file: not a network namespace" fifo_refused 1 "not a network namespace" -b -N "$D/target"
	check "--routes -N FIFO path: no hang" fifo_refused 1 "is a FIFO" --routes -N "$D/fifo"
	if [ $HAVE_DEV = 1 ]; then
		check "--record device: refused" fifo_refused 1 "character device" -b --record "$D/chr"
	fi
fi

# ---- recordings: the header before anything else ---------------------------
# A sparse file over 4 GiB that is no recording: refused for its header
# (bad magic), before its size matters or a byte more is read.
truncate -s 5G "$T/huge.swrec"
check "huge non-recording: bad magic, exit 1" fifo_refused 1 "bad magic" -b --replay "$T/huge.swrec"
# A good header, then 5 GiB of nothing: the record headers are walked (no
# payload read, nothing kept), the first one is refused where it is.
head -c 16 "$REC" >"$T/hollow.swrec"
truncate -s 5G "$T/hollow.swrec"
check "good header, 5 GiB of zeros: corrupt at byte 16" \
	fifo_refused 1 "corrupt recording at byte 16" -b --replay "$T/hollow.swrec"
rm -f "$T/huge.swrec" "$T/hollow.swrec"

# ---- config file contents -------------------------------------------------
printf '\357\273\277threshold.closewait_warn = 7\n' >"$T/bom.rc"
bom() {
	bounded 0 -b --json --replay "$REC" --config "$T/bom.rc" || return 1
	! has "bom.rc:1" "$T/err" || { show_file stderr "$T/err"; return 1; }
}
check "config with a UTF-8 BOM: first line read, no warning" bom
big_cfg() {
	{ echo 'threshold.closewait_warn = 7'; i=0
	  while [ $i -lt 40000 ]; do echo "# padding line $i .............................."; i=$((i + 1)); done
	} >"$T/big.rc"
	bounded 0 -b --json --replay "$REC" --config "$T/big.rc" || return 1
	has "file too large" "$T/err" && ! has "line too long" "$T/err" ||
		{ show_file stderr "$T/err"; return 1; }
}
check "config over 1 MiB: says the file is too large, no cut line" big_cfg

# ---- the option parser -------------------------------------------------------
check "-Zt: exit 2" bounded 2 -Zt
check "-Zt: names -Z" has "unknown option '-Z'" "$T/err"
check "-bZ: names -Z" sh -c "'$SOCKWATCH' -bZ 2>&1 | grep -q \"unknown option '-Z'\""
check "-bd (missing argument): names -d" sh -c "'$SOCKWATCH' -bd 2>&1 | grep -q \"option '-d' needs\""
check "-n 99999999999999999999: exit 2" bounded 2 -b -n 99999999999999999999
check "-n too large: says too large" has "too large" "$T/err"
check "--count too large: exit 2" bounded 2 -b --count=99999999999999999999

# ---- a /proc that counts absurdly many sockets --------------------------------
# The collector makes room for the records before a dump from the socket
# counts of /proc/net/protocols and sockstat's TIME_WAIT; counts near
# 2^63 (a damaged or hostile --proc-root) must not overflow into an
# "out of memory" abort: the room is capped and the listing goes on.
huge_counts() {
	P="$T/proc"
	mkdir -p "$P/thread-self/net"
	{
		echo 'protocol  size sockets  memory press maxhdr  slab module     cl co di'
		# one huge count: a sum of several could wrap around to a small one
		echo 'TCP       2432   9223372036854775807      -1   no      320   yes  kernel      y  y  y'
		for p in TCPv6 UDP UDPv6 MPTCP; do
			echo "$p       2432   3      -1   no      320   yes  kernel      y  y  y"
		done
	} >"$P/thread-self/net/protocols"
	printf 'sockets: used 5\nTCP: inuse 1 orphan 0 tw 2 alloc 1 mem 0\n' \
		>"$P/thread-self/net/sockstat"
	bounded 0 --proc-root "$P" -b -t -u -a -n || return 1
	head -1 "$T/out" | grep -q "Local Address" || { show_file stdout "$T/out"; return 1; }
}
check "--proc-root counting 2^63 sockets: listed, no abort" huge_counts

# ---- options a mode would ignore: usage errors ---------------------------------
check "filter with --check: exit 2" bounded 2 --check --replay "$REC" 'dport = :80'
check "filter with --check: says why" has "filter expression" "$T/err"
check "filter with --format=prometheus: exit 2" bounded 2 --format=prometheus --replay "$REC" ':22'
check "filter with --routes: exit 2" bounded 2 --routes ':22'
check "--config with -b (table): exit 2" bounded 2 -b --replay "$REC" --config "$T/bom.rc"
check "--config with -b: says --config" has "[-]-config" "$T/err"
check "--config with --routes --json: exit 2" bounded 2 --routes --json --config "$T/bom.rc"
check "--config with -b --json: used" bounded 0 -b --json --replay "$REC" --config "$T/bom.rc"
check "-N with --replay: exit 2" bounded 2 -b --replay "$REC" -N somens
check "--record with --replay: exit 2" bounded 2 -b --replay "$REC" --record "$T/x.swrec"
check "--record with --replay: nothing written" test ! -e "$T/x.swrec"

finish
