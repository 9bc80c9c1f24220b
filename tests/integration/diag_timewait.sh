#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# diag_timewait: the php-fpm TIME_WAIT story.  Inside the test's namespace the
# ephemeral port range is narrowed to 201 ports (40000-40200) and 180 short
# connections to 127.0.0.1:9000 are opened and closed client-first, leaving
# 180 client ports in TIME_WAIT.  Without any hint, sockwatch must raise the
# ephemeral_ports alarm naming the destination 127.0.0.1:9000 (in --check,
# in -b --json "diagnoses", in the Prometheus output, which promtool must
# accept), and --check must exit 4 (alarm).  The advice follows the kernel's
# TIME_WAIT reuse rule: with tcp_tw_reuse=0 it suggests 2 (loopback), with 2
# it suggests no tcp_tw_reuse change.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_root
require_cmds jq ip sysctl
netns_new diagtw
P=9000
run_in_ns sysctl -qw net.ipv4.ip_local_port_range="40000 40200" || die "cannot narrow the port range"
run_in_ns sysctl -qw net.ipv4.tcp_tw_reuse=0 || die "cannot set tcp_tw_reuse"

sockfix_start timewait,port=$P,n=180,comm=php-fpm
n_tw() { [ "$(ip netns exec "$NS" ss -tanH state time-wait "( dport = :$P )" | wc -l)" -ge 180 ]; }
wait_for 10 n_tw
check "fixture: 180 TIME-WAIT toward :$P" n_tw

# 1. --check: exit 4, text names the destination
sw_run "$T/check.txt" "$T/check.err" --check -N "$NS"
check "--check exits 4 (alarm) (rc=$SW_RC)" test "$SW_RC" = 4
check "--check names 127.0.0.1:$P" grep -q "^ALARM *ephemeral_ports .*127\.0\.0\.1:$P" "$T/check.txt"
check "--check shows the port range 40000-40200" grep -q "40000-40200" "$T/check.txt"
# tcp_tw_reuse=0 toward a loopback destination: 2 (the default) would reuse
check "--check suggests tcp_tw_reuse=2 for loopback" grep -q "sysctl -w net.ipv4.tcp_tw_reuse=2" "$T/check.txt"
check "--check: no reuse, at most 3 new connections/s (201/60)" grep -q "at most 3 new connections/s" "$T/check.txt"
check "--check warns about tcp_tw_recycle/4.12" grep -q "4\.12" "$T/check.txt"
[ "$SW_RC" = 4 ] || { show_file "check output" "$T/check.txt" 40; show_file stderr "$T/check.err"; }

# 1b. with tcp_tw_reuse=2 (the default) the loopback destination reuses
# TIME_WAIT ports after 1 s: about 201 connections/s, and no tcp_tw_reuse
# change is suggested (it would change nothing)
run_in_ns sysctl -qw net.ipv4.tcp_tw_reuse=2 || die "cannot set tcp_tw_reuse"
sw_run "$T/r2.txt" "$T/r2.err" --check -n 1 -N "$NS"
check "tw_reuse=2: about 201 new connections/s" grep -q "about 201 new connections/s" "$T/r2.txt"
check "tw_reuse=2: no tcp_tw_reuse change suggested" sh -c "! grep -q 'sysctl -w net.ipv4.tcp_tw_reuse' '$T/r2.txt'"
check "tw_reuse=2: widen the range / pool instead" grep -q "widen net.ipv4.ip_local_port_range" "$T/r2.txt"
run_in_ns sysctl -qw net.ipv4.tcp_tw_reuse=0 || die "cannot set tcp_tw_reuse"

# 2. --check --json
sw_run "$T/check.json" "$T/checkj.err" --check --json -n 1 -N "$NS"
check "--check --json -n 1 exits 4 (rc=$SW_RC)" test "$SW_RC" = 4
got=$(jq -r '.status' "$T/check.json" 2>/dev/null)
check "--check --json status alarm (got '$got')" test "$got" = alarm
got=$(jq -r '[.diagnoses[] | select(.id == "ephemeral_ports" and .severity == "alarm")][0] | "\(.subject) \(.port) \(.value) \(.limit)"' "$T/check.json" 2>/dev/null)
check "ephemeral_ports alarm: subject/port/used/range (got '$got')" test "$got" = "127.0.0.1>127.0.0.1:$P $P 180 201"

# 3. sockwatch -b --json carries the same diagnosis
sw_run "$T/b.json" "$T/b.err" -b --json -N "$NS"
check "-b --json exits 0 (rc=$SW_RC)" test "$SW_RC" = 0
got=$(jq -r '[.diagnoses[]? | select(.id == "ephemeral_ports" and .severity == "alarm") | .subject] | join(",")' "$T/b.json" 2>/dev/null)
check "-b --json diagnoses: ephemeral_ports alarm for 127.0.0.1:$P (got '$got')" \
	test "$got" = "127.0.0.1>127.0.0.1:$P"

# 4. Prometheus, atomically into a file, checked by promtool
if command -v promtool >/dev/null 2>&1; then
	sw_run "$T/stdout" "$T/prom.err" --format prometheus --output "$T/sockwatch.prom" -N "$NS"
	check "--format prometheus --output exits 0 (rc=$SW_RC)" test "$SW_RC" = 0
	check "promtool check metrics accepts it" sh -c "promtool check metrics < '$T/sockwatch.prom'"
	check "severity gauge: ephemeral_ports 2" \
		grep -qx 'sockwatch_diagnosis_severity{id="ephemeral_ports"} 2' "$T/sockwatch.prom"
	check "ephemeral usage toward :$P is 180" \
		grep -qx "sockwatch_ephemeral_ports_used{src=\"127.0.0.1\",dst=\"127.0.0.1\",dport=\"$P\"} 180" "$T/sockwatch.prom"
	check "TIME_WAIT gauge 180" grep -qx 'sockwatch_timewait_sockets 180' "$T/sockwatch.prom"
	check "range size 201" grep -qx 'sockwatch_ephemeral_port_range_size 201' "$T/sockwatch.prom"
	check "no temporary file left" test "$(ls "$T" | grep -c '^sockwatch\.prom')" = 1
	check "stdout empty with --output" test ! -s "$T/stdout"
else
	log "promtool not installed (scripts/deps.sh test installs package prometheus): Prometheus part skipped"
fi

# 5. a threshold raised above the usage turns the alarm into OK
sw_run "$T/hi.txt" "$T/hi.err" --check -n 1 --threshold ephemeral_warn=95 --threshold ephemeral_alarm=99 -N "$NS"
check "--threshold ephemeral_warn=95: exit 0 (rc=$SW_RC)" test "$SW_RC" = 0
# ... and from a config file (bad line warned with file:line, default kept)
printf 'version = 1\nthreshold.ephemeral_warn = 95\nthreshold.ephemeral_alarm = 99\nthreshold.bogus = 1\n' >"$T/rc"
sw_run "$T/cfg.txt" "$T/cfg.err" --check -n 1 --config "$T/rc" -N "$NS"
check "--config: thresholds applied, exit 0 (rc=$SW_RC)" test "$SW_RC" = 0
check "--config: bad line warned as FILE:4" grep -q "$T/rc:4: " "$T/cfg.err"
sw_run "$T/u.txt" "$T/u.err" --check --threshold nosuch=1
check "--threshold nosuch=1 is a usage error (rc=$SW_RC)" test "$SW_RC" = 2

finish
