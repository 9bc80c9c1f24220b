#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ns_all: -N all shows the sockets of every network namespace in one view.
# 20 namespaces made here: 8 with `ip netns add` (labelled by name), 11
# held only by a process started with `unshare -n` (labelled net:[INODE]),
# one whose holder sits in a cgroup shaped like Docker's
# (.../system.slice/docker-<id>.scope, made in a subtree of the cgroup2
# hierarchy owned by this test; labelled docker:<12 hex digits>).  Each
# holds a listener on 127.0.0.1:8080 (the same in all of them), a listener
# on its own port and one connection to it.  Checked: every namespace and
# socket is listed with the right label and inode, the 20 :8080 listeners
# stay 20 sockets, the netns filter, the -s section, a namespace that comes
# and goes during refreshes is skipped quietly, and without root the
# namespaces that cannot be entered are listed with the reason.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_root
netns_private
require_cmds jq ip python3 unshare stat setpriv
tmpdir_new
tag=$$
ID64=5ca1ab1e00c0ffee5ca1ab1e00c0ffee5ca1ab1e00c0ffee5ca1ab1e00c0ffee

# holder PORT READY: listeners on :8080 and :PORT, one connection to :PORT
cat >"$T/holder.py" <<'EOF'
import socket, sys, time
port, ready = int(sys.argv[1]), sys.argv[2]
ls = []
for p in (8080, port):
    s = socket.socket()
    s.bind(("127.0.0.1", p))
    s.listen(8)
    ls.append(s)
c = socket.create_connection(("127.0.0.1", port))
a, _ = ls[1].accept()
open(ready, "w").write("ready\n")
time.sleep(600)
EOF

pids=
# 8 named namespaces
i=0
while [ $i -lt 8 ]; do
	ns=sw-all$i-$tag
	ip netns add "$ns" || die "ip netns add $ns failed"
	SW_NETNS_LIST="$SW_NETNS_LIST $ns"
	ip -n "$ns" link set lo up
	ip netns exec "$ns" python3 "$T/holder.py" $((9100 + i)) "$T/ready.$i" &
	pids="$pids $!"
	i=$((i + 1))
done
# 11 held by a process only
while [ $i -lt 19 ]; do
	unshare -n sh -c 'ip link set lo up && exec python3 "$@"' sh "$T/holder.py" \
		$((9100 + i)) "$T/ready.$i" &
	eval "upid_$i=$!"
	pids="$pids $!"
	i=$((i + 1))
done
at_exit "kill $pids 2>/dev/null"

# one in a cgroup shaped like a Docker container's
cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
cgdir=
if [ -n "$cg2" ] && mkdir "$cg2/sw-all-$tag" 2>/dev/null; then
	cgdir=$cg2/sw-all-$tag/system.slice/docker-$ID64.scope
	mkdir -p "$cgdir" || die "cannot make $cgdir"
	unshare -n sh -c 'echo $$ >"$1/cgroup.procs" && ip link set lo up && shift &&
		exec python3 "$@"' sh "$cgdir" "$T/holder.py" 9119 "$T/ready.19" &
else
	log "no writable cgroup2 hierarchy: the container-shaped namespace is a plain one"
	unshare -n sh -c 'ip link set lo up && exec python3 "$@"' sh "$T/holder.py" 9119 \
		"$T/ready.19" &
fi
upid_19=$!
pids="$pids $!"
# the holders, then (once they are gone) the cgroups they were in
at_exit "kill $pids 2>/dev/null; wait $pids 2>/dev/null"
[ -n "$cgdir" ] && at_exit "rmdir '$cgdir' '$cg2/sw-all-$tag/system.slice' '$cg2/sw-all-$tag'"

all_ready() {
	_k=0
	while [ $_k -lt 20 ]; do
		[ -s "$T/ready.$_k" ] || return 1
		_k=$((_k + 1))
	done
}
wait_for 20 all_ready || die "the 20 holders did not start"

sw_run "$T/json" "$T/err" -b -a -t -N all --json
check "-N all --json: exit 0" test "$SW_RC" = 0
check "-N all --json: nothing on stderr" test ! -s "$T/err"
[ -s "$T/err" ] && cat "$T/err" >&2
check "the top-level netns is 'all'" test "$(jq -r .netns "$T/json")" = all

# label NS: the label of the namespace holding port NS's own listener
label_of() {
	jq -r --argjson p "$1" '.sockets[] | select(.state == "LISTEN" and .local.port == $p) | .netns' \
		"$T/json"
}
inode_of() {
	jq -r --argjson p "$1" '.sockets[] | select(.state == "LISTEN" and .local.port == $p) | .netns_inode' \
		"$T/json"
}

bad=0
i=0
while [ $i -lt 8 ]; do
	got=$(label_of $((9100 + i)))
	[ "$got" = "sw-all$i-$tag" ] || { log "named $i: label '$got'"; bad=$((bad + 1)); }
	i=$((i + 1))
done
check "the 8 ip-netns namespaces are labelled by name" test $bad = 0

bad=0
while [ $i -lt 19 ]; do
	eval "p=\$upid_$i"
	ino=$(stat -L -c %i "/proc/$p/ns/net")
	got=$(label_of $((9100 + i)))
	gino=$(inode_of $((9100 + i)))
	if [ "$got" != "net:[$ino]" ] || [ "$gino" != "$ino" ]; then
		log "unshare $i (pid $p): label '$got' inode '$gino', want net:[$ino]"
		bad=$((bad + 1))
	fi
	i=$((i + 1))
done
check "the 11 namespaces held by a process are labelled net:[INODE] with their inode" test $bad = 0

if [ -n "$cgdir" ]; then
	got=$(label_of 9119)
	check "the container-shaped namespace is labelled docker:5ca1ab1e00c0 (got '$got')" \
		test "$got" = docker:5ca1ab1e00c0
	ns_obj=$(jq -c '.namespaces[] | select(.label == "docker:5ca1ab1e00c0") | [.kind, .runtime, .pid]' \
		"$T/json")
	check "its namespaces entry: container, docker, its pid (got $ns_obj)" \
		test "$ns_obj" = "[\"container\",\"docker\",$upid_19]"
fi

# every namespace: 2 listeners and a connection (both ends), no mixing
bad=0
i=0
while [ $i -lt 20 ]; do
	l=$(label_of $((9100 + i)))
	n=$(jq --arg l "$l" '[.sockets[] | select(.netns == $l)] | length' "$T/json")
	nn=$(jq --arg l "$l" '.namespaces[] | select(.label == $l) | .sockets' "$T/json")
	[ "$n" = 4 ] && [ "$nn" = 4 ] || { log "$l: $n sockets, namespaces says $nn (want 4)"; bad=$((bad + 1)); }
	i=$((i + 1))
done
check "each of the 20 namespaces has its 4 TCP sockets, and the namespaces array agrees" test $bad = 0

n8080=$(jq '[.sockets[] | select(.state == "LISTEN" and .local.port == 8080 and
	(.netns | test("sw-all[0-9]-'$tag'|^net:|^docker:5ca1ab1e00c0")))] | length' "$T/json")
distinct=$(jq -r '.sockets[] | select(.state == "LISTEN" and .local.port == 8080) | .netns_inode' \
	"$T/json" | sort -u | wc -l)
check "the same 127.0.0.1:8080 in 20 namespaces stays 20 sockets (got $n8080, $distinct inodes)" \
	test "$n8080" -ge 20 -a "$distinct" -ge 20

# sw_run, then say why when sockwatch failed
sw_ok() {
	sw_run "$@"
	[ "$SW_RC" = 0 ] && return 0
	fail "sockwatch ${*#* * } exited $SW_RC:"
	head -20 "$2" >&2
}

# the filter: by name, by inode, by glob
sw_ok "$T/f1" "$T/err" -b -a -t -N all --json "netns sw-all3-$tag"
got=$(jq -r '[.sockets[].netns] | unique | join(",")' "$T/f1")
check "'netns NAME' keeps that namespace only (got '$got')" test "$got" = "sw-all3-$tag"
check "'netns NAME': its 4 sockets" test "$(jq .count "$T/f1")" = 4
ino=$(inode_of 9110)
sw_ok "$T/f2" "$T/err" -b -a -t -N all --json "netns $ino and sport = :9110 and state listening"
check "'netns INODE' finds the process-held namespace" test "$(jq .count "$T/f2")" = 1
sw_ok "$T/f3" "$T/err" -b -a -t -N all --json "netns 'sw-all*-$tag' and sport = :8080"
check "'netns GLOB': the 8 named namespaces' :8080 listeners" test "$(jq .count "$T/f3")" = 8

# the table: the Netns column first
sw_ok "$T/table" "$T/err" -b -a -t -N all "netns sw-all0-$tag"
check "the table starts with the Netns column" grep -q '^Netns ' "$T/table"
check "the table names the namespace on its rows" grep -q "^sw-all0-$tag .*127.0.0.1:8080" "$T/table"

# -s: a row per namespace
sw_ok "$T/sum" "$T/err" -b -a -t -N all -s "netns 'sw-all*-$tag'"
check "-s has the per-namespace section" grep -q '^Per network namespace:' "$T/sum"
check "-s lists each named namespace with its 4 sockets" \
	test "$(grep -cE "^sw-all[0-7]-$tag +4 " "$T/sum")" = 8

# -s --top 3: the 3 biggest namespaces, the rest summed on one row
i=0
while [ $i -lt 3 ]; do # namespaces 0-2 get 6 TIME_WAIT sockets more
	ip netns exec "sw-all$i-$tag" python3 -c '
import socket
l = socket.socket(); l.bind(("127.0.0.1", 9300)); l.listen(8)
for _ in range(6):
    c = socket.create_connection(("127.0.0.1", 9300)); a, _ = l.accept(); c.close(); a.recv(1); a.close()
'
	i=$((i + 1))
done
sw_ok "$T/top" "$T/err" -b -a -t -N all -s --top 3 "netns 'sw-all*-$tag'"
rows=$(sed -n '/^Per network namespace:/,/^$/p' "$T/top")
check "-s --top 3: the 3 namespaces with the TIME_WAIT sockets first (10 sockets each)" \
	test "$(printf '%s\n' "$rows" | grep -cE "^sw-all[0-2]-$tag +10 ")" = 3
printf '%s\n' "$rows" >"$T/toprows"
check "-s --top 3: the other namespaces summed on one row (5 named with 4 each)" \
	grep -qE '^\([0-9]+ more\) +20 ' "$T/toprows"

# Prometheus: a netns label on the state gauges and the listeners
sw_ok "$T/prom" "$T/err" -a -t -N all --format prometheus
got=$(grep "^sockwatch_sockets{proto=\"tcp\",state=\"TIME_WAIT\",netns=\"sw-all0-$tag\"}" "$T/prom")
check "prometheus: TIME_WAIT of namespace sw-all0 under its netns label (got '$got')" \
	test "${got##* }" -gt 0
check "prometheus: its :9100 listener under its netns label" \
	grep -q "^sockwatch_listener_backlog{proto=\"tcp\",addr=\"127.0.0.1\",port=\"9100\",process=\"python3\",netns=\"sw-all0-$tag\"} 8\$" "$T/prom"
check "prometheus: at most 20 netns values" \
	test "$(grep '^sockwatch_sockets{proto="tcp",state="LISTEN"' "$T/prom" | wc -l)" -le 20
check "prometheus: the namespaces past 19 summed as _other" \
	grep -q '^sockwatch_sockets{proto="tcp",state="LISTEN",netns="_other"} ' "$T/prom"

# a namespace holding only TIME_WAIT sockets (no TCP socket counted in its
# /proc/net/protocols) and one holding none: the first still listed
twns=sw-twonly-$tag
ip netns add "$twns" || die "ip netns add $twns failed"
SW_NETNS_LIST="$SW_NETNS_LIST $twns sw-empty-$tag"
ip netns add "sw-empty-$tag" || die "ip netns add sw-empty-$tag failed"
ip -n "$twns" link set lo up
ip netns exec "$twns" python3 -c '
import socket
l = socket.socket(); l.bind(("127.0.0.1", 9400)); l.listen(8)
for _ in range(3):
    c = socket.create_connection(("127.0.0.1", 9400)); a, _ = l.accept(); c.close(); a.recv(1); a.close()
'
sw_ok "$T/tw" "$T/err" -b -a -t -N all --json "netns sw-twonly-$tag or netns sw-empty-$tag"
got=$(jq -r '[.sockets[] | .state] | join(",")' "$T/tw")
check "a namespace with only TIME_WAIT sockets: its 3 are listed (got '$got')" \
	test "$got" = "TIME_WAIT,TIME_WAIT,TIME_WAIT"
check "an empty namespace: listed, no socket" \
	test "$(jq --arg l "sw-empty-$tag" '.namespaces[] | select(.label == $l) | .sockets' "$T/tw")" = 0

# namespaces that come and go during refreshes: skipped quietly
(
	k=0
	while [ $k -lt 40 ] && [ ! -e "$T/stop" ]; do
		unshare -n sleep 0.05 &
		k=$((k + 1))
		sleep 0.02
	done
	wait
) &
churn=$!
sw_run "$T/churn" "$T/cerr" -b -a -t -N all -n 15 -d 0.05 --json
touch "$T/stop"
wait $churn
check "namespaces vanishing mid-refresh: exit 0" test "$SW_RC" = 0
check "namespaces vanishing mid-refresh: nothing on stderr" test ! -s "$T/cerr"
[ -s "$T/cerr" ] && head -5 "$T/cerr" >&2
check "namespaces vanishing mid-refresh: 15 documents" test "$(wc -l <"$T/churn")" = 15

# without root: what cannot be entered is listed with the reason
if id nobody >/dev/null 2>&1; then
	sw_for_others
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
		"$SW_OTHERS" -b -a -t -N all --json >"$T/nobody" 2>"$T/nerr"
	rc=$?
	check "not root: -N all exits 0" test $rc = 0
	err=$(jq -r --arg l "sw-all0-$tag" '.namespaces[] | select(.label == $l) | .error' "$T/nobody")
	check "not root: a named namespace is listed with why it was not entered (got '$err')" \
		test -n "$err" -a "$err" != null
	check "not root: the note netns_partial" \
		test "$(jq '.notes | index("netns_partial") != null' "$T/nobody")" = true
	own=$(jq -r '.namespaces[0] | "\(.error // "")|\(.sockets >= 0)"' "$T/nobody")
	check "not root: its own namespace is collected (got '$own')" test "$own" = "|true"
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
		"$SW_OTHERS" -b -a -t -N all >"$T/nobody.txt" 2>"$T/nerr"
	check "not root: the table lists its own namespace's sockets" \
		grep -qE '^(host|self) ' "$T/nobody.txt"
	check "not root: stderr says which namespaces could not be entered and why" \
		grep -qE "network namespaces could not be entered \(.*: Operation not permitted\)" "$T/nerr"
	[ -s "$T/nerr" ] && head -3 "$T/nerr" >&2
fi

finish
