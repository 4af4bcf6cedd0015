#!/bin/bash
# tests/cli/completion.sh - the bash completion of the four programs
# (tools/pprof-tools.bash): options from each program's --help, file names,
# and --sample-type, --by, --tagroot and --tagleaf values read from the
# profile on the line.

. "$top_srcdir/tests/lib.sh"

# The programs are found in PATH, as in an interactive shell.
PATH=$(dirname "$PPROF_MERGE"):$PATH
. "$top_srcdir/tools/pprof-tools.bash"

# complete CWORD WORD...: runs the completion function as bash would for the
# command line WORD... with the cursor in word number CWORD (0 is the
# command), and sets $got to the completions, sorted, one per line.
complete_at() {
	COMP_CWORD=$1
	shift
	COMP_WORDS=("$@")
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_pprof_tools "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>"$scratch/complete.err"
	got=$(printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort)
}

# complete_end WORD...: complete_at with the cursor in the last word.
complete_end() {
	complete_at $(($# - 1)) "$@"
}

# sample_types FILE: the sample type names that pprof-stat's summary shows,
# one per line ("Sample types: samples/count, cpu/nanoseconds (default)").
sample_types() {
	"$PPROF_STAT" "$1" | sed -n 's/^Sample types: *//p' | sed 's/ (default)//; s/, /\n/g' |
		sed 's|/[^/]*$||' | LC_ALL=C sort
}

t 'registration'
for prog in pprof-merge pprof-filter pprof-stat pprof-tag; do
	check_eq "$prog completes with _pprof_tools" "complete -F _pprof_tools $prog" \
		"$(complete -p "$prog" 2>&1)"
done

t 'options'
complete_end pprof-merge --ke
check_eq 'pprof-merge --ke<TAB>' '--keep-going' "$got"
complete_end pprof-stat --j
check_eq 'pprof-stat --j<TAB>' '--json' "$got"
complete_end pprof-filter --tag
check_eq 'pprof-filter --tag<TAB>' \
	"$(printf '%s\n' --tagfocus --taghide --tagignore --tagleaf --tagroot --tagshow)" "$got"
complete_end pprof-tag --set
check_eq 'pprof-tag --set<TAB>' "$(printf '%s\n' --set --set-if-missing)" "$got"
# Every long option of --help, and nothing else.
for prog in pprof-merge pprof-filter pprof-stat pprof-tag; do
	complete_end "$prog" --
	want=$("$prog" --help | grep -E '^ +-' | grep -oE -- '--[a-z][-a-z0-9]*' | LC_ALL=C sort -u)
	check_eq "$prog --<TAB> gives the long options of --help" "$want" "$got"
done
complete_end pprof-merge -
check_grep 'pprof-merge -<TAB> gives short options too' '^-k$' <(printf '%s\n' "$got")
complete_end "$PPROF_MERGE" --allow
check_eq 'a program named by its path' '--allow-empty' "$got"

t 'sample types'
cpu=$data/cpu-1.pb.gz
heap=$data/heap-1.pb.gz
want=$(sample_types "$cpu")
check_eq 'pprof-stat shows the sample types of cpu-1.pb.gz' "$(printf 'cpu\nsamples')" "$want"
complete_end pprof-stat "$cpu" --sample-type ''
check_eq 'pprof-stat FILE --sample-type <TAB>' "$want" "$got"
complete_at 2 pprof-stat --sample-type '' "$cpu"
check_eq 'pprof-stat --sample-type <TAB> FILE' "$want" "$got"
complete_end pprof-stat "$cpu" --sample-type c
check_eq 'pprof-stat FILE --sample-type c<TAB>' 'cpu' "$got"
complete_end pprof-filter --pgo "$heap" --sample-type ''
check_eq 'pprof-filter FILE --sample-type <TAB> (heap)' "$(sample_types "$heap")" "$got"
check_eq 'heap-1.pb.gz has four sample types' 4 "$(printf '%s\n' "$got" | wc -l)"
complete_end pprof-stat "$heap" --sample-type = ''
check_eq 'pprof-stat FILE --sample-type=<TAB>' "$(sample_types "$heap")" "$got"
complete_end pprof-stat "$heap" --sample-type = inuse
check_eq 'pprof-stat FILE --sample-type=inuse<TAB>' "$(printf 'inuse_objects\ninuse_space')" "$got"
complete_end pprof-stat --top 5 -o "$heap" "$cpu" --sample-type ''
check_eq 'the first operand is the profile (-o takes no argument in pprof-stat)' \
	"$(sample_types "$heap")" "$got"
complete_end pprof-filter -o "$heap" "$cpu" --sample-type ''
check_eq 'the argument of -o is no operand' "$want" "$got"
complete_end pprof-stat --sample-type ''
check_eq 'no profile on the line: nothing' '' "$got"
complete_end pprof-stat nonexistent.pb.gz --sample-type ''
check_eq 'a missing file: nothing' '' "$got"
check_empty 'no messages' "$scratch/complete.err"

t 'label keys'
complete_end pprof-stat "$cpu" --by ''
want=$("$PPROF_STAT" "$cpu" | sed -n '/^Label keys:/,/^$/s/^  \([^ ]*\) .*/\1/p' | LC_ALL=C sort)
check 'pprof-stat shows label keys of cpu-1.pb.gz' test -n "$want"
check_eq 'pprof-stat FILE --by <TAB>' "$want" "$got"
complete_end pprof-filter "$cpu" --tagroot ''
check_eq 'pprof-filter FILE --tagroot <TAB>' "$want" "$got"
complete_at 2 pprof-filter --tagleaf e "$cpu"
check_eq 'pprof-filter --tagleaf e<TAB> FILE' "$(grep '^e' <<< "$want")" "$got"
complete_end pprof-stat "$cpu" --by endpoint,
check_eq 'pprof-stat FILE --by endpoint,<TAB>: the keys after the comma' \
	"$(sed 's/^/endpoint,/' <<< "$want")" "$got"

t 'files'
cd "$top_srcdir" || exit 99
complete_end pprof-filter --pgo tests/data/cp
check_eq 'pprof-filter --pgo tests/data/cp<TAB>' "$(ls -d tests/data/cp* | LC_ALL=C sort)" "$got"
complete_end pprof-merge -o tests/data/heap-
check_eq 'pprof-merge -o FILE<TAB>' "$(ls -d tests/data/heap-* | LC_ALL=C sort)" "$got"
complete_end pprof-merge --base tests/da
check_eq 'pprof-merge --base FILE<TAB>' 'tests/data' "$got"
complete_end pprof-stat --top ''
check_eq 'pprof-stat --top <TAB>: a number, no files' '' "$got"
complete_end pprof-tag --set ''
check_eq 'pprof-tag --set <TAB>: KEY=VALUE, no files' '' "$got"
cd "$scratch" || exit 99

finish
