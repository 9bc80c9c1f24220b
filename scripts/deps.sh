#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install what sockwatch needs to build and test on Debian 12 (idempotent).
# Usage: scripts/deps.sh [build|test]
set -e
want=${1:-build}
pkgs="build-essential autoconf automake autopoint gettext pkg-config libncurses-dev libmnl-dev libmicrohttpd-dev"
if [ "$want" = test ]; then
	pkgs="$pkgs libcmocka-dev tmux jq iproute2 nftables net-tools util-linux procps python3 ncurses-term prometheus groff-base clang-14 libclang-rt-14-dev"
	# install.sh, completion.sh, units.sh, deb.sh: man -l, zsh -n, the bash
	# completion library, systemd-analyze, dpkg-buildpackage + lintian
	pkgs="$pkgs man-db zsh bash-completion systemd dpkg-dev debhelper lintian"
	# tests/integration/webstack.sh runs its own instances of these servers
	pkgs="$pkgs nginx php8.2-fpm php8.2-mysql mariadb-server apache2-utils"
	# tests/integration/prom_e2e.sh: Prometheus scraping the textfile path
	# (node_exporter) and --listen; their services must not start either
	pkgs="$pkgs prometheus-node-exporter"
fi
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "sockwatch: missing packages:$missing (run as root, or: sudo apt-get install$missing)" >&2
	exit 1
fi
echo "sockwatch: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# the test servers (nginx, php-fpm, MariaDB, Prometheus, node_exporter) must not start as system
# services: a policy-rc.d that says no while installing, if there is none
prc=/usr/sbin/policy-rc.d
ours=
if [ ! -e $prc ]; then
	printf '#!/bin/sh\nexit 101\n' >$prc && chmod 755 $prc && ours=1
	trap 'rm -f $prc' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing
[ -n "$ours" ] && rm -f $prc
trap - EXIT
exit 0
