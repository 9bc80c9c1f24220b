#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# scale_json: `sockwatch -b -a -t --json` at ~50k TCP sockets (25k
# established loopback pairs held by 4 processes, 20 listeners) in a fresh
# namespace: the document is valid JSON, lists exactly the sockets ss
# lists (count and 4-tuples), and the peak RSS stays bounded: under 1.5 KB
# a socket over a 40 MB base (the -O2 build needs ~0.5 KB at a million
# sockets; a sanitizer build ~1.7 KB here), and what JSON needs beyond
# the plain table's peak stays under the size of the document, which
# it could not if the document were built in memory before being
# written.  No timing is asserted.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_root
require_cmds jq ss ip python3
netns_new scalejson

PAIRS=25000 PROCS=4 LISTEN=20
# the generator: PROCS holders of PAIRS/PROCS pairs each (fd limit), the
# clients from 8 source addresses 127.0.2.x; "ready" once all are built
cat >"$T/gen.py" <<'EOF'
import os, socket, sys, time
pairs, procs, nlisten, ready = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
kids = []
for h in range(procs):
    pid = os.fork()
    if pid == 0:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        keep = []
        ls = []
        for i in range(nlisten // procs):
            l = socket.socket()
            l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            l.bind(("127.0.0.1", 30000 + h * 100 + i))
            l.listen(4096)
            ls.append(l)
        for i in range(pairs // procs):
            l = ls[i % len(ls)]
            c = socket.socket()
            c.setsockopt(socket.IPPROTO_IP, 24, 1)  # IP_BIND_ADDRESS_NO_PORT
            c.bind(("127.0.2.%d" % (1 + i % 8), 0))
            c.connect(l.getsockname())
            s, _ = l.accept()
            keep += (c, s)
        open("%s.%d" % (ready, h), "w").close()
        while True:
            time.sleep(3600)
    kids.append(pid)
os.wait()
EOF
run_in_ns python3 "$T/gen.py" $PAIRS $PROCS $LISTEN "$T/ready" >"$T/gen.err" 2>&1 &
built() { [ "$(ls "$T" | grep -c '^ready\.')" = "$PROCS" ]; }
wait_for 180 built || {
	show_file generator "$T/gen.err"
	die "the population did not come up"
}
want=$((2 * PAIRS + LISTEN))

# peak RSS of one sockwatch run (the child's ru_maxrss, KB)
cat >"$T/rss.py" <<'EOF'
import resource, subprocess, sys
with open(sys.argv[1], "wb") as out:
    rc = subprocess.call(sys.argv[2:], stdout=out)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)
EOF
run_in_ns ss -tanH >"$T/ss.all"
# a sanitizer build: no quarantine of freed blocks (it would hold every
# outgrown array), so its peak is the program's own plus shadow memory
peak() { # OUT ARGS...: "peak-RSS-KB exit-status" of one sockwatch run
	_o=$1
	shift
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0:thread_local_quarantine_size_kb=0" \
		run_in_ns python3 "$T/rss.py" "$_o" "$SOCKWATCH" "$@"
}
set -- $(peak "$T/out.json" -b -a -t --json)
rss_kb=$1 rc=$2
set -- $(peak "$T/out.txt" -b -a -t)
table_kb=$1
check "sockwatch -b -a -t --json exits 0 (rc=$rc)" [ "$rc" = 0 ]
check "the document is valid JSON with a sockets array" json_ok "$T/out.json"
n=$(jq '.sockets | length' "$T/out.json")
n_ss=$(wc -l <"$T/ss.all")
check "ss lists the whole population ($n_ss of $want)" [ "$n_ss" = "$want" ]
check "--json lists as many TCP sockets as ss ($n vs $n_ss)" [ "$n" = "$n_ss" ]
# every established 4-tuple ss lists, and no other
awk '$1 == "ESTAB" { print $4, $5 }' "$T/ss.all" | LC_ALL=C sort >"$T/ss.est"
jq -r '.sockets[] | select(.state == "ESTABLISHED") |
	"\(.local.addr):\(.local.port) \(.remote.addr):\(.remote.port)"' "$T/out.json" |
	LC_ALL=C sort >"$T/sw.est"
est_same() { [ -s "$T/ss.est" ] && cmp -s "$T/ss.est" "$T/sw.est"; }
check "the same $(wc -l <"$T/ss.est") established 4-tuples as ss" est_same
doc_kb=$(($(wc -c <"$T/out.json") / 1024))
ceiling_kb=$((40 * 1024 + want * 3 / 2))
log "peak RSS ${rss_kb} KB for $n sockets ($((rss_kb * 1024 / want)) B a socket); document ${doc_kb} KB"
check "peak RSS ${rss_kb} KB under ${ceiling_kb} KB (1.5 KB a socket + 40 MB)" \
	[ "$rss_kb" -lt "$ceiling_kb" ]
# JSON keeps more per socket than the table (all of tcp_info, socket
# memory, processes), but far less than its own text
log "the table's peak RSS: ${table_kb} KB"
check "JSON's peak RSS over the table's ($((rss_kb - table_kb)) KB) under the document's ${doc_kb} KB (written as it is produced)" \
	[ $((rss_kb - table_kb)) -lt "$doc_kb" ]
finish
