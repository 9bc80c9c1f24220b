# SPDX-License-Identifier: GPL-2.0-or-later
# lib-rules.sh - for tests that check a rule over the source tree with a
# function check TREE (prints one line per violation, returns their number):
# the checker must first catch every violation planted in a throwaway tree,
# so that a broken pattern cannot pass quietly, then find none in the real
# one.  No root, no network.  Source it, plant violations under $tmp, then
#   rules_selftest WANT     the checker finds exactly WANT in $tmp
#   rules_real WHAT         the checker finds none in $top; finish
set -u
top=${top_srcdir:-$(dirname "$0")/../..}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sw-rules.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM HUP
fails=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}
ok() { echo "ok: $*"; }

rules_selftest() {
	check "$tmp" >"$tmp/out"
	_got=$?
	if [ "$_got" -eq "$1" ]; then
		ok "the checker finds all $1 planted violations"
	else
		fail "the checker found $_got of $1 planted violations:"
		cat "$tmp/out"
	fi
}

rules_real() {
	check "$top" >"$tmp/real"
	_got=$?
	if [ "$_got" -eq 0 ]; then
		ok "$1"
	else
		fail "$_got violation(s) of: $1"
		cat "$tmp/real"
	fi
	[ "$fails" -eq 0 ] && echo "$(basename "$0" .sh): all checks passed"
	exit $((fails > 0))
}
