#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# completion.sh - the bash and zsh completions (data/completion/) follow the
# program and complete what a user types:
#   1. every option of --help and of the getopt table (long and short) is in
#      both scripts, and every option they offer exists
#   2. their --columns/--sort names are the column table's ("Known columns"
#      of the program), their --threshold names the threshold table's, their
#      --format values the ones the program lists, their filter keywords the
#      parser's keyword table, and every state and protocol they offer
#      parses in a filter
#   3. bash (with bash-completion loaded, words split as readline splits
#      them) and zsh (an interactive zsh in a pseudo-terminal, Tab pressed)
#      complete options, column lists, sort keys, thresholds, formats, states
#      and, as root, the name of a network namespace the test creates
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_cmds bash
tmpdir_new
BASHC=$top_srcdir/data/completion/sockwatch
ZSHC=$top_srcdir/data/completion/_sockwatch
REC=$top_srcdir/tests/data/fixtures.swrec
have_zsh=
command -v zsh >/dev/null 2>&1 && have_zsh=1
[ -n "$have_zsh" ] || fail "zsh is not installed (scripts/deps.sh test installs it)"

words() { tr ' \t' '\n\n' | sed '/^$/d' | sort -u; }
# bash: a variable of the script; zsh: an array of the script
bash_list() { bash -c '. "$1" && eval "printf %s \"\$$2\""' _ "$BASHC" "$1" | words; }
zsh_list() { sed -n "/^$1=(/,/)/p" "$ZSHC" | tr '\n' ' ' | sed "s/^$1=(//; s/).*//" | words; }
# same_set WHAT EXPECTED-FILE GOT-FILE
same_set() {
	if cmp -s "$2" "$3"; then
		pass "$1"
	else
		fail "$1:"
		diff "$2" "$3" | sed -n 's/^</    missing:/p; s/^>/    extra:/p' >&2
	fi
}
# includes WHAT BIG-FILE SMALL-FILE: every line of SMALL is in BIG
includes() {
	_m=$(comm -13 "$2" "$3" | tr '\n' ' ')
	check "$1${_m:+ (missing: $_m)}" test -z "$_m"
}

# ---- 1. options -------------------------------------------------------------
LC_ALL=C LANGUAGE= "$SOCKWATCH" --help >"$T/help" 2>&1
{
	grep -o -- '--[a-z][a-z0-9-]*' "$T/help"
	sed -n 's/^[[:space:]]*{"\([a-z][a-z0-9-]*\)", *[a-z_]*argument.*/--\1/p' "$top_srcdir/src/options.c"
} | grep -vx -- '--list-keys\|--proc-root' | sort -u >"$T/long.want"
sed -n 's/.*getopt_long(argc, argv, "\([^"]*\)".*/\1/p' "$top_srcdir/src/options.c" | head -1 |
	tr -d ':' | sed 's/./-&\n/g' | sed '/^$/d' | sort -u >"$T/short.want"
[ "$(wc -l <"$T/long.want")" -gt 30 ] && [ "$(wc -l <"$T/short.want")" -gt 15 ] ||
	die "could not read the options from --help and src/options.c"

bash_list _sockwatch_long_opts | sed 's/=$//' | sort -u >"$T/long.bash"
bash_list _sockwatch_short_opts >"$T/short.bash"
same_set "bash: the long options are the program's" "$T/long.want" "$T/long.bash"
same_set "bash: the short options are the program's" "$T/short.want" "$T/short.bash"
sed -n '/^_arguments/,$p' "$ZSHC" | grep -o -- '--[a-z][a-z0-9-]*' | sort -u >"$T/long.zsh"
sed -n '/^_arguments/,$p' "$ZSHC" | grep -oE "[{)]-[A-Za-z0-9][+,[]" | cut -c2-3 | sort -u >"$T/short.zsh"
same_set "zsh: the long options are the program's" "$T/long.want" "$T/long.zsh"
same_set "zsh: the short options are the program's" "$T/short.want" "$T/short.zsh"

# ---- 2. word lists ------------------------------------------------------------
LC_ALL=C LANGUAGE= "$SOCKWATCH" -b --replay /dev/null --columns=no-such-column 2>&1 >/dev/null |
	sed -n 's/^Known columns: //p' | tr -d ',' | words >"$T/columns.want"
[ "$(wc -l <"$T/columns.want")" -gt 10 ] || die "could not read the column names from the program"
bash_list _sockwatch_columns >"$T/columns.bash"
zsh_list sw_columns >"$T/columns.zsh"
same_set "bash: --columns/--sort names are the program's columns" "$T/columns.want" "$T/columns.bash"
same_set "zsh: --columns/--sort names are the program's columns" "$T/columns.want" "$T/columns.zsh"

sed -n 's/^[[:space:]]*THR(\([a-z_]*\),.*/\1/p' "$top_srcdir/src/core/diagnose.c" | sort -u >"$T/thr.want"
[ "$(wc -l <"$T/thr.want")" -gt 5 ] || die "could not read the thresholds from src/core/diagnose.c"
bash_list _sockwatch_thresholds >"$T/thr.bash"
zsh_list sw_thresholds >"$T/thr.zsh"
same_set "bash: --threshold names are the threshold table's" "$T/thr.want" "$T/thr.bash"
same_set "zsh: --threshold names are the threshold table's" "$T/thr.want" "$T/thr.zsh"
LC_ALL=C LANGUAGE= "$SOCKWATCH" --format=no-such-format 2>&1 >/dev/null |
	sed -n "s/^.*unknown format '[^']*' (\(.*\))\$/\1/p" | tr -d ',' | words >"$T/fmt.want"
[ -s "$T/fmt.want" ] || die "could not read the formats from the program"
bash_list _sockwatch_formats >"$T/fmt.bash"
sed -n "s/.*'--format=\[[^]]*\]:format:(\([^)]*\))'.*/\1/p" "$ZSHC" | words >"$T/fmt.zsh"
same_set "bash: --format values are the program's" "$T/fmt.want" "$T/fmt.bash"
same_set "zsh: --format values are the program's" "$T/fmt.want" "$T/fmt.zsh"

# the filter language: the parser's keywords, states and protocols that parse
sed -n '/^} keywords\[\] = {/,/^};/p; /keywords\[\] = {/,/^};/p' "$top_srcdir/src/core/filter.c" |
	grep -o '{"[a-z]*", K_' | sed 's/{"\([a-z]*\)".*/\1/' | sort -u >"$T/kw.want"
[ "$(wc -l <"$T/kw.want")" -gt 10 ] || die "could not read the filter keywords from src/core/filter.c"
bash_list _sockwatch_keywords >"$T/kw.bash"
zsh_list sw_keywords >"$T/kw.zsh"
includes "bash: the filter keywords include the parser's" "$T/kw.bash" "$T/kw.want"
includes "zsh: the filter keywords include the parser's" "$T/kw.zsh" "$T/kw.want"
bash_list _sockwatch_states >"$T/st.bash"
zsh_list sw_states >"$T/st.zsh"
same_set "zsh and bash offer the same states" "$T/st.bash" "$T/st.zsh"
bash_list _sockwatch_protos >"$T/pr.bash"
zsh_list sw_protos >"$T/pr.zsh"
same_set "zsh and bash offer the same protocols" "$T/pr.bash" "$T/pr.zsh"
bad=
for s in $(cat "$T/st.bash"); do
	"$SOCKWATCH" -b --replay "$REC" "state $s" >/dev/null 2>&1 || bad="$bad $s"
done
check "every state offered parses as 'state NAME'${bad:+ (not:$bad)}" test -z "$bad"
bad=
for p in $(cat "$T/pr.bash"); do
	"$SOCKWATCH" -b --replay "$REC" "proto $p" >/dev/null 2>&1 || bad="$bad $p"
done
check "every protocol offered parses as 'proto NAME'${bad:+ (not:$bad)}" test -z "$bad"

# ---- 3. completing ----------------------------------------------------------------
ns=
if [ "$(id -u)" = 0 ] && command -v ip >/dev/null 2>&1; then
	netns_new compl
	ns=$NS
fi

# bash: COMP_WORDS as readline makes them (COMP_WORDBREAKS: "=" and ":"
# are words of their own), then the completion function.
cat >"$T/bashc.sh" <<'EOF'
[ -f /usr/share/bash-completion/bash_completion ] && . /usr/share/bash-completion/bash_completion
. "$1"
shift
line="sockwatch $1"
COMP_LINE=$line
COMP_POINT=${#line}
COMP_WORDS=()
w=
for ((i = 0; i < ${#line}; i++)); do
	c=${line:i:1}
	if [[ $c == " " ]]; then
		[[ -n $w ]] && COMP_WORDS+=("$w")
		w=
	elif [[ $COMP_WORDBREAKS == *"$c"* ]]; then
		[[ -n $w ]] && COMP_WORDS+=("$w")
		COMP_WORDS+=("$c")
		w=
	else
		w+=$c
	fi
done
COMP_WORDS+=("$w")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_sockwatch sockwatch "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
printf '%s\n' "${COMPREPLY[@]}"
EOF
bcomp() { bash "$T/bashc.sh" "$BASHC" "$1" 2>&1 | tr '\n' ' ' | sed 's/ $//'; }
bexpect() { # LINE EXPECTED
	_got=$(bcomp "$1")
	check "bash: sockwatch $1<Tab> offers '$2' (got '$_got')" test "$_got" = "$2"
}
bexpect "--col" "--columns="
bexpect "--columns=proto,st" "proto,state"
bexpect "--columns proto,st" "proto,state"
bexpect "--sort=-rx" "-rxrate"
bexpect "--threshold=timew" "timewait_warn= timewait_alarm="
bexpect "--threshold closewait_g" "closewait_growth="
bexpect "--format=pro" "prometheus"
bexpect "state time" "time-wait"
bexpect "proto udpl" "udplite"
bexpect "dpo" "dport"
bexpect "-t --no-h" "--no-header"
if [ -n "$ns" ]; then
	got=$(bcomp "-N ${ns%??}")
	check "bash: -N offers the namespace $ns (got '$got')" test "$got" = "$ns"
	got=$(bcomp "--netns=${ns%??}")
	check "bash: --netns= offers the namespace $ns (got '$got')" test "$got" = "$ns"
fi

# zsh: an interactive zsh -f in a pseudo-terminal with compinit and our
# directory first in fpath; type the line, Tab, then print the edited line
# (an automatic "=" suffix goes away with the next key, as for a user).
if [ -n "$have_zsh" ]; then
	cat >"$T/zshc.zsh" <<'EOF'
zmodload zsh/zpty || exit 1
zpty z 'TERM=dumb zsh -f -i'
zpty -w z "PS1='> '; fpath=($1 \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z 'print ZS''TART'
out=
for i in {1..100}; do
	zpty -r -t z line && out+=$line || sleep 0.1
	[[ $out == *ZSTART*ZSTART* ]] && break
done
zpty -w -n z "sockwatch $2"$'\t'
sleep 1
# Ctrl-A: start of line; print the line between markers
zpty -w -n z $'\x01print -r -- "ZLINE[" \x05 "]"\n'
all=
for i in {1..50}; do
	zpty -r -t z line && all+=$line || { [[ $all == *ZLINE\[*\]*$'\n'*'> '* ]] && break; sleep 0.1; }
done
zpty -d z
print -r -- "$all" | tr -d '\r' | sed -n 's/^ZLINE\[ sockwatch \(.*\) \]$/\1/p' | tail -1
EOF
	zexpect() { # LINE EXPECTED-LINE
		_got=$(timeout 30 zsh -f "$T/zshc.zsh" "$(dirname "$ZSHC")" "$1" 2>/dev/null | sed 's/ *$//')
		check "zsh: sockwatch $1<Tab> gives 'sockwatch $2' (got 'sockwatch $_got')" test "$_got" = "$2"
	}
	zexpect "--col" "--columns"
	zexpect "--columns=proto,st" "--columns=proto,state"
	zexpect "--sort=-rx" "--sort=-rxrate"
	zexpect "--threshold=closewait_g" "--threshold=closewait_growth="
	zexpect "--format=pro" "--format=prometheus"
	zexpect "state time" "state time-wait"
	zexpect "dpo" "dport"
	[ -n "$ns" ] && zexpect "-N ${ns%??}" "-N $ns"
fi

finish
