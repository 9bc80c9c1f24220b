#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# prom_e2e: sockwatch -> Prometheus, both ways, with the real servers
# (Debian packages prometheus and prometheus-node-exporter, started by this
# test on loopback ports inside a namespace it creates, never as services).
#
#   namespace "pop": a known socket population made by sockfix (TCP pairs
#     and listeners, UNIX pairs and a listener);
#   namespace "srv": node_exporter with only its textfile collector, reading
#     the file `sockwatch --format prometheus --output FILE -N pop` rewrites;
#     `sockwatch --listen 127.0.0.1:PORT -N pop`; Prometheus scraping both
#     every second.
#
# Prometheus' HTTP API (/api/v1/query) must return, for both jobs, the
# population's counts per state: exactly what sockfix says it holds.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_root
require_cmds jq ip python3 prometheus prometheus-node-exporter
"$SOCKWATCH" --listen 127.0.0.1:1 --help >/dev/null 2>&1 ||
	skip "this sockwatch was built without libmicrohttpd (--listen)"

netns_new e2epop
POP=$NS
sockfix_start estab,port=7201,n=25,listen=1 listen,port=7202 listen,port=7203 \
	listen,port=7204 listen,port=7205 unix,path="$T/u.sock",n=3
# what sockfix holds, per (proto, state), from its own records
n_tcp_estab=$(sf_jq 'select(.proto == "tcp" and .state == "ESTAB") | 1' | wc -l)
n_tcp_listen=$(sf_jq 'select(.proto == "tcp" and .state == "LISTEN") | 1' | wc -l)
n_unix_estab=$(sf_jq 'select(.proto == "u_str" and .state == "ESTAB") | 1' | wc -l)
n_unix_listen=$(sf_jq 'select(.proto == "u_str" and .state == "LISTEN") | 1' | wc -l)
log "population: tcp ESTAB $n_tcp_estab, LISTEN $n_tcp_listen; unix ESTAB $n_unix_estab, LISTEN $n_unix_listen"
check "fixture: 50 TCP ends established, 5 listeners, 6 UNIX ends, 1 UNIX listener" \
	test "$n_tcp_estab.$n_tcp_listen.$n_unix_estab.$n_unix_listen" = "50.5.6.1"

netns_new e2esrv
SRV=$NS
mkdir -p "$T/textfile" "$T/tsdb"
# (a) the textfile path: rewritten every 0.5 s
ip netns exec "$SRV" "$SOCKWATCH" --format prometheus --output "$T/textfile/sockwatch.prom" \
	-n 0 -d 0.5 -N "$POP" >"$T/sw-file.out" 2>"$T/sw-file.err" &
ip netns exec "$SRV" prometheus-node-exporter --web.listen-address=127.0.0.1:9100 \
	--collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$T/textfile" >"$T/node.log" 2>&1 &
# (b) the built-in exporter
ip netns exec "$SRV" "$SOCKWATCH" --listen 127.0.0.1:9910 -d 0.5 -N "$POP" \
	>"$T/sw-http.out" 2>"$T/sw-http.err" &
cat >"$T/prometheus.yml" <<EOC
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: node
    static_configs: [{targets: ['127.0.0.1:9100']}]
  - job_name: sockwatch
    static_configs: [{targets: ['127.0.0.1:9910']}]
EOC
ip netns exec "$SRV" prometheus --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/tsdb" \
	--web.listen-address=127.0.0.1:9090 >"$T/prometheus.log" 2>&1 &

# query PROMQL: "job value" lines, sorted
cat >"$T/query.py" <<'PY'
import json, sys, urllib.parse, urllib.request
url = "http://127.0.0.1:9090/api/v1/query?" + urllib.parse.urlencode({"query": sys.argv[1]})
d = json.load(urllib.request.urlopen(url, timeout=5))
assert d["status"] == "success", d
for r in sorted(d["data"]["result"], key=lambda r: r["metric"].get("job", "")):
    print(r["metric"].get("job", "?"), r["value"][1])
PY
query() { ip netns exec "$SRV" python3 "$T/query.py" "$1" 2>/dev/null; }
both_jobs() { [ "$(query "$1" | wc -l)" = 2 ]; }

check "Prometheus has scraped both jobs" \
	wait_for 90 both_jobs 'sockwatch_sockets{proto="tcp",state="ESTABLISHED"}'
check "both targets up" test "$(query 'up' | tr '\n' ' ')" = "node 1 sockwatch 1 "
expect() { # PROMQL N
	got=$(query "$1" | tr '\n' ' ')
	check "$1: node (textfile) and sockwatch (--listen) both say $2 (got '$got')" \
		test "$got" = "node $2 sockwatch $2 "
}
expect 'sockwatch_sockets{proto="tcp",state="ESTABLISHED"}' "$n_tcp_estab"
expect 'sockwatch_sockets{proto="tcp",state="LISTEN"}' "$n_tcp_listen"
expect 'sockwatch_sockets{proto="unix",state="ESTABLISHED"}' "$n_unix_estab"
expect 'sockwatch_sockets{proto="unix",state="LISTEN"}' "$n_unix_listen"
expect 'count(sockwatch_listener_backlog{proto="tcp"}) by (job)' "$n_tcp_listen"
expect 'sockwatch_listener_backlog{port="7201"}' 128
check "build_info from both paths" test "$(query 'sockwatch_build_info' | wc -l)" = 2

if [ "$SW_FAILED" != 0 ]; then
	for f in sw-file.err sw-http.err node.log prometheus.log; do show_file "$f" "$T/$f" 15; done
	show_file "textfile" "$T/textfile/sockwatch.prom" 30
fi
finish
