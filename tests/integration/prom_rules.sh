#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# prom_rules: data/prometheus/sockwatch-rules.yml is a valid rules file
# (promtool check rules), its alerts fire on the series of
# sockwatch-rules.test.yml as expected (promtool test rules), every alert
# has a severity label, a summary and a fix, and every sockwatch metric an
# expression names is one sockwatch exports.  No root needed.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_cmds promtool
tmpdir_new
R=$top_srcdir/data/prometheus/sockwatch-rules.yml
check "promtool check rules" promtool check rules "$R"
# promtool test rules reads rule_files relative to the test file
cp "$R" "$top_srcdir/data/prometheus/sockwatch-rules.test.yml" "$T/"
check "promtool test rules (series -> expected alerts)" promtool test rules "$T/sockwatch-rules.test.yml"

# a broken expectation must fail: the test file is really compared
sed 's/increased by 50 in/increased by 51 in/' "$T/sockwatch-rules.test.yml" >"$T/bad.test.yml"
check "a wrong expected annotation fails promtool test rules" \
	sh -c "! promtool test rules '$T/bad.test.yml' >/dev/null 2>&1"

n_alerts=$(grep -c '^      - alert:' "$R")
for key in 'severity: ' 'summary: ' 'fix: '; do
	n=$(grep -c "^ *$key" "$R")
	check "each of the $n_alerts alerts has '$key' (found $n)" test "$n" = "$n_alerts"
done
check "severities are warning or critical only" \
	sh -c "! grep '^ *severity: ' '$R' | grep -vqE 'severity: (warning|critical)$'"

# the metric names in expressions exist in sockwatch's exposition
"$SOCKWATCH" --replay "$top_srcdir/tests/data/fixtures.swrec" --format prometheus -n 1 \
	>"$T/m.prom" 2>"$T/m.err"
grep -o 'sockwatch_[a-z_]*' "$R" | sort -u >"$T/used"
for m in $(cat "$T/used"); do
	check "$m is exported" grep -q "^# TYPE $m " "$T/m.prom"
done
# every diagnosis id has a rule
for id in $(sed -n 's/^sockwatch_diagnosis_severity{id="\([a-z_]*\)"}.*/\1/p' "$T/m.prom"); do
	check "diagnosis $id has a warning and a critical rule" \
		test "$(grep -c "sockwatch_diagnosis_severity{id=\"$id\"}" "$R")" = 2
done
finish
