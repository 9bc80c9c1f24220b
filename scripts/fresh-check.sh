#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# scripts/fresh-check.sh - the README's two quick-start commands on a fresh
# Debian 12: debootstrap a minimal bookworm into WORKDIR (kept as a tarball
# for the next run), clone this checkout's HEAD into its /root, run
# `scripts/build.sh run` on a terminal (the host's tmux) until the monitor
# is up and quit it with q, then `scripts/build.sh test` without a terminal,
# as CI does.  Each installs what it needs with the project's own
# scripts/deps.sh.  Not part of the test suite (it downloads packages).
#
# Usage (root): scripts/fresh-check.sh [WORKDIR [MIRROR]]
#   WORKDIR defaults to /var/tmp/sw-fresh; MIRROR (a Debian archive URL) to
#   the first one this machine's own apt configuration uses.
# Needs on the host: debootstrap, tmux, git.  Logs: WORKDIR/run.log, test.log.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
W=${1:-/var/tmp/sw-fresh}
R=$W/root

# The Debian archive this host's apt uses (deb822 .sources or sources.list).
host_mirror() {
	for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		u=$(awk '/^URIs:/ { print $2; exit } /^deb / { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' "$f")
		case $u in *security*) continue ;; ?*) echo "$u"; return 0 ;; esac
	done
	return 1
}
M=${2:-$(host_mirror)} || { echo "$0: no Debian mirror in /etc/apt; give one as the second argument" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "$0: needs root (debootstrap, chroot, mounts)" >&2; exit 2; }
for c in debootstrap tmux git; do
	command -v $c >/dev/null || { echo "$0: $c is needed on the host" >&2; exit 2; }
done
mkdir -p "$W"
if [ ! -f "$W/pristine.tar" ]; then
	rm -rf "$R"
	debootstrap --variant=minbase bookworm "$R" "$M" >"$W/debootstrap.log" 2>&1 ||
		{ echo "$0: debootstrap failed, see $W/debootstrap.log" >&2; exit 1; }
	tar -C "$W" -cf "$W/pristine.tar" root
fi
rm -rf "$R"
tar -C "$W" -xf "$W/pristine.tar"

TM="tmux -L sw-fresh -f /dev/null"
cleanup() { $TM kill-server 2>/dev/null; umount -R "$R" 2>/dev/null || umount -lR "$R" 2>/dev/null; }
trap cleanup EXIT
mount --bind "$R" "$R" # so that / is a mount point inside (ip netns exec remounts it)
mount -t proc proc "$R/proc"
mount -t sysfs sys "$R/sys"
mount --rbind /dev "$R/dev"
mount --make-rslave "$R/dev"
mount -t tmpfs tmpfs "$R/run"
cp /etc/resolv.conf "$R/etc/resolv.conf"
git clone -q "$top" "$R/root/sockwatch"
echo "checkout: $(git -C "$R/root/sockwatch" log -1 --format='%h %s')"
ENV="/usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8"

# 1. scripts/build.sh run, on a terminal
start=$(date +%s)
$TM new-session -d -s run -x 100 -y 30 \
	"chroot $R $ENV TERM=xterm-256color /bin/sh -c 'cd /root/sockwatch && scripts/build.sh run; echo RUN-EXIT=\$?'; sleep 600"
up=no
for _ in $(seq 900); do
	$TM capture-pane -p -t run | grep -q "Connections" && { up=yes; break; }
	sleep 1
done
{
	echo "monitor up: $up after $(($(date +%s) - start)) s"
	$TM capture-pane -p -t run
} >"$W/run.log"
$TM send-keys -t run q
sleep 3
exit_line=$($TM capture-pane -p -t run | grep RUN-EXIT)
echo "$exit_line" >>"$W/run.log"
$TM kill-session -t run
echo "scripts/build.sh run: monitor up: $up, after q: ${exit_line:-no exit seen}"

# 2. scripts/build.sh test, no terminal
start=$(date +%s)
chroot "$R" $ENV /bin/sh -c 'cd /root/sockwatch && CI=true scripts/build.sh test' </dev/null >"$W/test.log" 2>&1
rc=$?
echo "scripts/build.sh test: exit $rc in $(($(date +%s) - start)) s: $(tail -n 1 "$W/test.log")"
[ "$up" = yes ] && [ "$exit_line" = "RUN-EXIT=0" ] && [ $rc = 0 ]
