# pprof's flag habits on our command lines (tools/options.c):
#  - a single-dash word that is one of the program's long options, pprof's
#    spellings included (-top, -focus, -nodecount), is answered with "did you
#    mean --top?" and exit status 2, for every long option of every program;
#  - pprof flags a program has no option for (-proto, -top where there is no
#    --top, -focus where nothing filters) say what to do instead, exit 2,
#    with one dash or two;
#  - each pprof spelling we accept does exactly what our option does: the
#    same output bytes, or the same failure;
#  - clusters of short options still work (-kj2, -9o FILE), and words that are
#    option arguments or operands (after --, or after an operand with
#    POSIXLY_CORRECT) are not taken for options.
. "$top_srcdir/tests/lib.sh"

: "${PPROF_MERGE:?}" "${PPROF_FILTER:?}" "${PPROF_STAT:?}" "${PPROF_TAG:?}"

cpu=$data/cpu-1.pb.gz
heap=$data/heap-1.pb.gz

# bin[PROG]: the path of a program (an array, not a $(function): a
# subshell costs some 3 ms here, per option).
declare -A bin=([pprof-merge]=$PPROF_MERGE [pprof-filter]=$PPROF_FILTER
	[pprof-stat]=$PPROF_STAT [pprof-tag]=$PPROF_TAG)

# long_names PROG: the long options of --help's option lines, and the pprof
# spellings its "pprof's spellings" paragraph names, without dashes.
long_names() {
	"${bin[$1]}" --help > "$1.help"
	{
		grep -E '^ {2,6}-' "$1.help" | sed -E 's/^ +//; s/  .*//' | grep -oE -- '--[a-z][a-z_-]+'
		sed -n "/^pprof's spellings/,/^\$/p" "$1.help" | grep -oE -- '--[a-z][a-z_-]+'
	} | sed 's/^--//' | sort -u
}

# did_you_mean PROG WORD: PROG -WORD is a usage error that suggests --WORD
# (a line of stderr is the message: as grep -qxF, in the shell).
did_you_mean() {
	local prog=$1 word=$2 msg=
	"${bin[$prog]}" "-$word" "$cpu" < /dev/null > dym.out 2> dym.err
	[ $? -eq 2 ] && [ ! -s dym.out ] || return 1
	IFS= read -r -d '' msg < dym.err
	[[ $'\n'$msg$'\n' == *$'\n'"$prog: unknown option '-$word'; did you mean --$word?"$'\n'* ]]
}

# ---- did you mean --X? ---------------------------------------------------------

for prog in pprof-merge pprof-filter pprof-stat pprof-tag; do
	t "$prog -NAME for every long option NAME"
	long_names "$prog" > "$prog.names"
	check 'found the options' test "$(wc -l < "$prog.names")" -ge 8
	wrong=
	while IFS= read -r name; do
		did_you_mean "$prog" "$name" || wrong="$wrong -$name"
	done < "$prog.names"
	check_eq 'each says "did you mean --NAME?" and exits 2' '' "$wrong"
done

t 'the examples of the issue'
for args in 'pprof-stat top' 'pprof-stat cum' 'pprof-stat nodecount' 'pprof-stat sample_index' \
	'pprof-filter focus' 'pprof-filter show_from' 'pprof-filter tagfocus' 'pprof-merge base' \
	'pprof-merge diff_base' 'pprof-merge normalize' 'pprof-merge output' 'pprof-tag add_comment'; do
	# shellcheck disable=SC2086  # two words
	check "${args% *} -${args#* }" did_you_mean $args
done
expect_exit 2 "$PPROF_STAT" -sample_index=cpu "$cpu"
check_grep 'an =VALUE is kept in the suggestion' \
	"^pprof-stat: unknown option '-sample_index=cpu'; did you mean --sample_index=cpu\\?\$" "$err"

t 'a name that is also a cluster of short options is taken for the name'
# -output would be -o utput, -force -f -o rce: never what was meant.
expect_exit 2 "$PPROF_MERGE" -output x.pb.gz "$cpu"
expect_exit 2 "$PPROF_FILTER" -force "$cpu"
check 'no file utput or rce was written' test ! -e utput -a ! -e rce

# ---- what to do instead ------------------------------------------------------------

# advice PROG WORD ERE: PROG WORD exits 2 with "unknown option 'WORD': "
# and a message matching ERE.
advice() {
	expect_exit 2 "${bin[$1]}" "$2" "$cpu"
	check_grep "$1 $2: says what to do instead" "^$1: unknown option '$2': .*$3" "$err"
}

t 'pprof flags a program has no option for'
advice pprof-merge -proto 'always writes a profile; drop the flag'
advice pprof-merge --proto 'always writes a profile; drop the flag'
advice pprof-merge -top 'pprof-stat'
advice pprof-merge -focus 'pprof-filter --focus'
advice pprof-merge -show_from 'pprof-filter --show-from'
advice pprof-filter -proto 'always writes profiles; drop the flag'
advice pprof-filter -top 'pprof-stat'
advice pprof-filter --top 'pprof-stat'
advice pprof-filter -sample_index 'pprof-stat --sample-type'
advice pprof-filter -relative_percentages 'pprof-stat'
advice pprof-filter -base 'pprof-merge --base'
advice pprof-stat -proto 'pprof-merge'
advice pprof-stat -focus 'pprof-filter --focus'
advice pprof-stat --tagfocus 'pprof-filter --tagfocus'
advice pprof-merge -tags 'pprof-stat --tags'
advice pprof-stat -symbolize=none 'drop the flag'
advice pprof-tag -proto 'always writes profiles; drop the flag'
advice pprof-tag -tagfocus 'pprof-filter --tagfocus'
advice pprof-tag -top 'pprof-stat'

t 'other unknown options are as before'
expect_exit 2 "$PPROF_STAT" -x "$cpu"
check_grep 'one letter' "^pprof-stat: unknown option '-x'\$" "$err"
expect_exit 2 "$PPROF_MERGE" -kq "$cpu"
check_grep 'a cluster' "^pprof-merge: unknown option '-q'\$" "$err"
expect_exit 2 "$PPROF_MERGE" -raw "$cpu"
check_grep 'a pprof flag with no advice' "^pprof-merge: unknown option '-r'\$" "$err"

# ---- pprof's spellings do what ours do -------------------------------------------

# same WHAT "OURS" "PPROF'S": the two command lines (words split on spaces)
# exit with the same status and write the same bytes and messages.
same() {
	local what=$1
	# shellcheck disable=SC2086  # the command lines are lists of words
	{ $2 > a.out 2> a.err; echo $? > a.status; $3 > b.out 2> b.err; echo $? > b.status; }
	check_same "$what: the same exit status" a.status b.status
	check_same "$what: the same output" a.out b.out
	check_same "$what: the same messages" a.err b.err
}

t 'pprof-stat'
same '--nodecount N' "$PPROF_STAT --top 3 $cpu" "$PPROF_STAT --nodecount 3 $cpu"
same '--nodecount=N' "$PPROF_STAT --top=0 $cpu" "$PPROF_STAT --nodecount=0 $cpu"
same '--sample_index NAME' "$PPROF_STAT --sample-type samples $cpu" \
	"$PPROF_STAT --sample_index samples $cpu"
same '--sample_index=INDEX' "$PPROF_STAT --json --sample-type=0 $heap" \
	"$PPROF_STAT --json --sample_index=0 $heap"
for type in inuse_space inuse_objects alloc_space alloc_objects contentions; do
	same "--$type" "$PPROF_STAT --sample-type $type $heap" "$PPROF_STAT --$type $heap"
done
same '--total_delay' "$PPROF_STAT --sample-type delay $heap" "$PPROF_STAT --total_delay $heap"
check_grep '(which heap profiles lack)' 'delay' b.err
same '--inuse_space, then --sample-type: the last one counts' \
	"$PPROF_STAT --sample-type alloc_space $heap" \
	"$PPROF_STAT --inuse_space --sample-type alloc_space $heap"

t 'pprof-merge'
same '--diff_base FILE' "$PPROF_MERGE --diff-base $data/cpu-2.pb.gz $cpu" \
	"$PPROF_MERGE --diff_base $data/cpu-2.pb.gz $cpu"
same '--diff_base=FILE' "$PPROF_MERGE --diff-base=$data/cpu-2.pb.gz $cpu" \
	"$PPROF_MERGE --diff_base=$data/cpu-2.pb.gz $cpu"

t 'pprof-filter'
same '--show_from RE' "$PPROF_FILTER --show-from main\\. $cpu" \
	"$PPROF_FILTER --show_from main\\. $cpu"
same '--prune_from RE' "$PPROF_FILTER --prune-from runtime\\.mallocgc $cpu" \
	"$PPROF_FILTER --prune_from runtime\\.mallocgc $cpu"

t 'pprof-tag'
same '--add_comment TEXT' "$PPROF_TAG --comment nightly $cpu" "$PPROF_TAG --add_comment nightly $cpu"

# ---- short options and words that are not options ----------------------------------

t 'clusters of short options'
same 'pprof-merge -kj2' "$PPROF_MERGE -k -j 2 $cpu $heap" "$PPROF_MERGE -kj2 $cpu $heap"
same 'pprof-merge -9fo FILE' "$PPROF_MERGE -9 -f -o a.pb.gz $cpu" "$PPROF_MERGE -9fo b.pb.gz $cpu"
check_same 'pprof-merge -9fo FILE: the same file' a.pb.gz b.pb.gz
same 'pprof-filter -k1' "$PPROF_FILTER -k -1 $cpu" "$PPROF_FILTER -k1 $cpu"
same 'pprof-tag -k0' "$PPROF_TAG -k -0 --set a=b $cpu" "$PPROF_TAG -k0 --set a=b $cpu"

t 'option arguments and operands that look like pprof flags'
expect_exit 0 "$PPROF_MERGE" -o -proto "$cpu"
check 'pprof-merge -o -proto writes the file -proto' test -s ./-proto
expect_exit 0 "$PPROF_MERGE" -j 2 -o-traces "$cpu"
check 'pprof-merge -o-traces writes the file -traces' test -s ./-traces
expect_exit 0 "$PPROF_TAG" --comment -focus -o tagged.pb.gz "$cpu"
expect_exit 0 "$PPROF_TAG" --comment=x --set -top=1 -o tagged.pb.gz "$cpu"
expect_exit 0 "$PPROF_FILTER" --hide -proto "$cpu"
expect_exit 0 "$PPROF_STAT" --by -tags "$heap"
expect_exit 1 "$PPROF_STAT" -- -top
check_grep 'after --, -top is a file' "^pprof-stat: -top: " "$err"
POSIXLY_CORRECT=1 expect_exit 1 "$PPROF_STAT" "$cpu" -top
check_grep 'with POSIXLY_CORRECT, -top after an operand is a file' "^pprof-stat: -top: " "$err"
expect_exit 2 "$PPROF_STAT" "$cpu" -top
check_grep 'without it, it is an option' "did you mean --top" "$err"

# ---- bash completion ---------------------------------------------------------------

t 'bash completion of pprof spellings'
(
	PATH=$(dirname "$PPROF_STAT"):$PATH
	. "$top_srcdir/tools/pprof-tools.bash"
	# complete_at CWORD WORD...: the completions, sorted, on one line.
	complete_at() {
		COMP_CWORD=$1
		shift
		COMP_WORDS=("$@")
		COMPREPLY=()
		_pprof_tools "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
		printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort | tr '\n' ' '
		echo
	}
	complete_at 2 pprof-stat --sample-type '' "$heap" > ours.completion
	complete_at 2 pprof-stat --sample_index '' "$heap" > alias.completion
	complete_at 1 pprof-stat --sample_ > sample_.completion
	complete_at 1 pprof-stat --sample > sample.completion
	complete_at 1 pprof-merge --diff_ > diff_.completion
)
check 'pprof-stat --sample-type <TAB> gives the sample types' grep -q alloc_space ours.completion
check_same 'pprof-stat --sample_index <TAB>: the same' ours.completion alias.completion
check_eq 'pprof-stat --sample_<TAB>: the spelling, where no option of ours fits' \
	'--sample_index ' "$(cat sample_.completion)"
check_eq 'pprof-stat --sample<TAB>: only our option' '--sample-type ' "$(cat sample.completion)"
check_eq 'pprof-merge --diff_<TAB>' '--diff_base ' "$(cat diff_.completion)"

finish
