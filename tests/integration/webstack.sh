#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# webstack: scripts/webstack.sh as a test - sockwatch's batch samples
# against ss dumps taken between them on a real nginx -> php-fpm -> MariaDB
# stack under ab, in a namespace the script makes (1000-port range, one new
# MySQL connection per request, 400 connections to MariaDB reset at once):
# no duplicate 4-tuple or cookie, no stale row, the reset connections gone
# from the next sample, TIME_WAIT as ss after ab stops.  Skips (77) when the
# servers are not installed (scripts/deps.sh test installs them).
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${SOCKWATCH:=$(pwd)/src/sockwatch}"
exec sh "$top_srcdir/scripts/webstack.sh" --sockwatch "$SOCKWATCH"
