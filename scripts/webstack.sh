#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# webstack.sh - sockwatch against ss on a real web stack under load: the
# php-fpm/MySQL TIME_WAIT story as admins meet it.
#
# In a network namespace it creates, with its own configuration and data
# under a temporary directory (not the system services):
#   MariaDB (mariadbd, 127.0.0.1:3306, --skip-grant-tables),
#   php-fpm 8.2 (127.0.0.1:9000, a page opening a new mysqli connection to
#   127.0.0.1:3306 per request), nginx (127.0.0.1:8080, fastcgi_pass
#   127.0.0.1:9000), ip_local_port_range narrowed to 1000 ports,
# drives it with ab, holds 400 connections to MariaDB and resets them all
# at once, then stops ab, while `sockwatch -b --json -t -a --count 14 -d 0.2`
# samples and `ss -tanHe` dumps are taken between its samples
# (tests/tools/churn.py: how, and why the comparison is sound).
#
# Usage: scripts/webstack.sh [--install] [--sockwatch PATH] [--out FILE] [--keep]
#   --install   install the servers first (scripts/deps.sh test; services kept from starting)
#   --sockwatch the binary to check (default: build/src/sockwatch, else build-test)
#   --out FILE  write the figures (churn.py's JSON) to FILE
#   --keep      keep the temporary directory (logs, configs)
# Exit status: 0 every check passed, 1 a check failed, 77 missing packages, 99 setup error.
# Run as root.  About 1-2 minutes on a 2-core VM.
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
export top_srcdir
SW_ARG=
OUT=
INSTALL=
while [ $# -gt 0 ]; do
	case $1 in
	--install) INSTALL=1 ;;
	--sockwatch) SW_ARG=$2; shift ;;
	--out) OUT=$2; shift ;;
	--keep) SW_KEEP=1; export SW_KEEP ;;
	*) echo "usage: $0 [--install] [--sockwatch PATH] [--out FILE] [--keep]" >&2; exit 2 ;;
	esac
	shift
done
SW_ARG=${SW_ARG:-${SOCKWATCH:-}}
if [ -z "$SW_ARG" ]; then
	for b in build build-test; do
		[ -x "$top_srcdir/$b/src/sockwatch" ] && SW_ARG=$top_srcdir/$b/src/sockwatch && break
	done
fi
SOCKWATCH=${SW_ARG:-sockwatch}
export SOCKWATCH
. "$top_srcdir/tests/lib.sh"
TEST_NAME=webstack
require_root

# --install: the test packages, these servers among them, installed without
# starting Debian's services (scripts/deps.sh keeps them from starting)
[ -n "$INSTALL" ] && { "$top_srcdir/scripts/deps.sh" test || die "scripts/deps.sh test failed"; }
require_cmds nginx php-fpm8.2 mariadbd mariadb-install-db mariadb ab ss jq python3
[ -x "$SOCKWATCH" ] || command -v "$SOCKWATCH" >/dev/null || die "no sockwatch at $SOCKWATCH (build it, or --sockwatch PATH)"

netns_new webstack
run_in_ns sysctl -qw net.ipv4.ip_local_port_range="40000 40999" || die "cannot narrow the port range"
run_in_ns sysctl -qw net.ipv4.tcp_tw_reuse=2 || die "cannot set tcp_tw_reuse"
mkdir -p "$T/db" "$T/www" "$T/run" "$T/log" "$T/nginx" || die "mkdir under $T failed"
chmod 755 "$T/www" "$T/run" "$T/log"

# ---- MariaDB ------------------------------------------------------------
mariadb-install-db --no-defaults --datadir="$T/db" --user=root --skip-test-db \
	--auth-root-authentication-method=normal >"$T/log/install-db.log" 2>&1 ||
	{ cat "$T/log/install-db.log" >&2; die "mariadb-install-db failed"; }
# --connect-timeout: the 400 held connections never log in; MariaDB's
# default (10 s) would close them before the reset on a slow machine
ip netns exec "$NS" mariadbd --no-defaults --user=root --datadir="$T/db" \
	--socket="$T/run/mysqld.sock" --port=3306 --bind-address=127.0.0.1 \
	--skip-grant-tables --skip-name-resolve --max-connections=2000 --skip-log-bin \
	--connect-timeout=3600 \
	--innodb-buffer-pool-size=32M --pid-file="$T/run/mariadbd.pid" \
	--log-error="$T/log/mariadb.err" >/dev/null 2>&1 &
db_up() { run_in_ns mariadb --no-defaults -h 127.0.0.1 -P 3306 -u root -N -e 'SELECT 1' >/dev/null 2>&1; }
wait_for 60 db_up || { tail -20 "$T/log/mariadb.err" >&2; die "MariaDB did not come up"; }

# ---- php-fpm: one new MySQL connection per request ------------------------
cat >"$T/www/db.php" <<'EOF'
<?php
$m = new mysqli("127.0.0.1", "root", "", "", 3306);
$r = $m->query("SELECT 1");
echo $r->fetch_row()[0], "\n";
$m->close();
EOF
chmod 644 "$T/www/db.php"
cat >"$T/php-fpm.conf" <<EOF
[global]
pid = $T/run/php-fpm.pid
error_log = $T/log/php-fpm.log
daemonize = no
[www]
user = www-data
group = www-data
listen = 127.0.0.1:9000
listen.backlog = 4096
pm = static
pm.max_children = 12
EOF
ip netns exec "$NS" php-fpm8.2 -F -y "$T/php-fpm.conf" >/dev/null 2>&1 &

# ---- nginx ---------------------------------------------------------------
cat >"$T/nginx/nginx.conf" <<EOF
worker_processes 2;
pid $T/run/nginx.pid;
error_log $T/log/nginx-error.log;
events { worker_connections 4096; }
http {
	access_log off;
	client_body_temp_path $T/nginx/body;
	fastcgi_temp_path $T/nginx/fastcgi;
	proxy_temp_path $T/nginx/proxy;
	uwsgi_temp_path $T/nginx/uwsgi;
	scgi_temp_path $T/nginx/scgi;
	server {
		listen 127.0.0.1:8080 backlog=4096;
		location = /db.php {
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME $T/www/db.php;
			fastcgi_pass 127.0.0.1:9000;
		}
	}
}
EOF
ip netns exec "$NS" nginx -p "$T/nginx/" -c "$T/nginx/nginx.conf" -e "$T/log/nginx-error.log" \
	-g 'daemon off;' >/dev/null 2>&1 &
page_ok() {
	[ "$(run_in_ns python3 -c 'import urllib.request as u; print(u.urlopen("http://127.0.0.1:8080/db.php", timeout=5).read().decode().strip())' 2>/dev/null)" = 1 ]
}
wait_for 30 page_ok || { cat "$T/log/"*.log >&2; die "nginx -> php-fpm -> MariaDB does not answer"; }
log "stack up: nginx :8080 -> php-fpm :9000 -> MariaDB :3306 in $NS"

# ---- at rest: sockwatch and ss agree ---------------------------------------
sw_rest=$(run_in_ns "$SOCKWATCH" -b --json -t -a | jq '.sockets | length')
ss_rest=$(run_in_ns ss -tanH | wc -l)
check "at rest: sockwatch lists $sw_rest TCP sockets, ss $ss_rest" test "$sw_rest" = "$ss_rest"

# ---- under ab ---------------------------------------------------------------
ip netns exec "$NS" ab -q -r -s 10 -n 5000000 -c 32 http://127.0.0.1:8080/db.php \
	>"$T/log/ab.out" 2>&1 &
AB=$!
at_exit "kill $AB 2>/dev/null"
tw_db() { [ "$(run_in_ns ss -tanH state time-wait '( dport = :3306 )' | wc -l)" -ge "$1" ]; }
# (counted once: the count moves while TIME_WAIT entries expire and others
# are made)
wait_for 90 tw_db 900
n=$(run_in_ns ss -tanH state time-wait '( dport = :3306 )' | wc -l)
check "load: $n TIME-WAIT toward :3306 (port range used up)" test "$n" -ge 850
# stop ab, then wait (bounded) for the requests in flight to finish
STOP="kill -INT $AB; i=0; while [ \$i -lt 100 ] && ss -tanH state established '( sport = :8080 or sport = :9000 )' | grep -q .; do sleep 0.1; i=\$((i+1)); done"
R=$T/webstack.json
T0=$(date +%s)
run_in_ns python3 "$top_srcdir/tests/tools/churn.py" sample --load none --sockwatch "$SOCKWATCH" \
	--samples 14 --reset-at 7 --stop-at 10 --hold 400 --hold-port 3306 --hold-external \
	--stop-cmd "$STOP" --tmp "$T" --out "$R" 2>"$T/log/churn.err" ||
	{ cat "$T/log/churn.err" >&2; die "churn.py sample failed"; }
log "sampling took $(($(date +%s) - T0)) s; ab: $(grep -E 'Complete requests|Failed requests|Non-2xx|Requests per second' "$T/log/ab.out" | tr -s ' ' | tr '\n' ';')"
[ -n "$OUT" ] && cp "$R" "$OUT"

rj() { jq -r "$1" "$R"; }
rj '.samples[] | "sample \(.k): \(.listed) listed, \(.dup_tuples) duplicate 4-tuples, \(.dup_cookies) duplicate cookies, \(.stale) stale; TIME_WAIT \(.tw) (ss after: \(.ss_tw_after)), ESTABLISHED \(.estab) (ss after: \(.ss_estab_after))\(if .event then ", then " + .event else "" end)"' |
	while read -r l; do log "$l"; done
check "sockwatch --count 14 exits 0" test "$(rj .sockwatch_rc)" = 0
check "every sample held sockwatch between dumps" test "$(rj '[.samples[] | select(.ordered | not)] | length')" = 0
check "fixture: 800 held sockets (400 connections to MariaDB) reset ($(rj .storm.sockets))" test "$(rj .storm.sockets)" = 800
n=$(rj '[.samples[].dup_tuples] | add')
check "no TCP 4-tuple twice in a sample ($n duplicates)" test "$n" = 0
n=$(rj '[.samples[].dup_cookies] | add')
check "no cookie twice in a sample ($n duplicates)" test "$n" = 0
n=$(rj '[.samples[] | select(.valid) | .stale] | add')
check "every listed socket in ss before/after or new since the previous sample ($n stale rows)" test "$n" = 0
k=$(rj .storm.sample)
check "sample $k, after the reset: none of the 800 listed ($(rj .storm.still_listed) listed; ESTABLISHED $(rj ".samples[$k-1].estab"), ss $(rj ".samples[$k-1].ss_estab_after"))" \
	test "$(rj .storm.still_listed)" = 0
for k in 11 12; do
	sw=$(rj ".samples[$k-1].tw")
	ss=$(rj ".samples[$k-1].ss_tw_after")
	sb=$(rj ".samples[$k-2].ss_tw_after")
	check "sample $k ($((k - 10)) after ab stopped): TIME_WAIT $sw, ss $ss (before: $sb)" \
		tw_between "$sw" "$sb" "$ss"
done
finish
