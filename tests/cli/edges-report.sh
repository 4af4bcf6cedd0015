# Edge cases of pprof-stat's reports:
#   - names a terminal must not see raw (tests/data/make-report-edges.pl
#     names): escape sequences, BEL, a line break, ';', a NUL in the middle,
#     DEL, C1 controls, bytes that are not UTF-8, in function names, a
#     mapping file, a sample type and its unit, a label key, string values
#     and a numeric label's unit. Text reports, --by, messages (pprof-stat,
#     pprof-filter and pprof-merge list sample types) and --folded must hold
#     no raw control byte; --json must be valid and give the names back
#     exactly; --folded must keep one stack a line.
#   - a deep inline chain (make-report-edges.pl deep): one location of many
#     lines that every sample repeats. Reports must take time with the
#     distinct stacks, not samples x frames: the report must finish within a
#     CPU time limit that the per-sample walk needs several times over.
# Comparisons with `go tool pprof` are in tests/interop/edges-report.sh.
. "$top_srcdir/tests/lib.sh"

: "${PPROF_STAT:?}" "${PPROF_MERGE:?}" "${PPROF_FILTER:?}"
ps() { "$PPROF_STAT" "$@"; }
command -v jq >/dev/null || skip 'no jq'
command -v perl >/dev/null || skip 'no perl'

perl "$data/make-report-edges.pl" names > names.pb || exit 99


# check_printable WHAT FILE: FILE has no raw control character (C0 but
# for line ends, DEL, C1 as UTF-8 or as a lone byte) and only valid UTF-8.
check_printable() {
	local bad
	perl -ne 'print if /[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]/ || !utf8::decode(my $c = $_)' \
		"$2" > raw-lines
	bad=$(od -c raw-lines | head -5)
	if [ ! -s raw-lines ]; then
		pass "$1: no raw control characters"
	else
		fail "$1: no raw control characters" "$2 has:" "$bad"
	fi
}

# check_has WHAT TEXT FILE: FILE has TEXT (a fixed string) in a line.
check_has() {
	if grep -qF -- "$2" "$3"; then
		pass "$1"
	else
		fail "$1" "expected '$2' in $3, got:" "$(head -c 2000 "$3")"
	fi
}

t 'hostile names: text report'
expect_exit 0 ps --top 0 names.pb
cp "$out" names.txt
check_printable 'the report' names.txt
check_has 'escape sequences and BEL as \xHH' 'main.\x1b[31mred\x1b[0m\x07bell' names.txt
check_has 'a line break' 'line\x0abreak' names.txt
check_has 'a NUL does not cut a name short' 'nul\x00inside' names.txt
check_has '... nor the other name with the same start' 'nul\x00outside' names.txt
check_has 'DEL' 'del\x7fete' names.txt
check_has 'a C1 control in UTF-8' 'c1\xc2\x9b31mcsi' names.txt
check_has 'a byte that is not UTF-8' 'raw\x9b31mbyte' names.txt
check_has 'printable UTF-8 stays' "$(printf 'caf\303\251.ok')" names.txt
check_has 'a ; stays in the table' 'semi;colon' names.txt
check_has 'a mapping file' '[\x1b[33mlib.so]' names.txt
check_has 'sample types' 'Sample types: samples/count, cpu/nanoseconds (default), \x1b[1mevil/\x1b[5mblink' \
	names.txt
check_has 'a label key and a unit' 'who\x1b]0;title\x07  2 values' names.txt
check_has 'a numeric label unit' '9 numbers (\x1b[7mu)' names.txt
check_eq 'one line per row' "$(jqv '.top.rows | length' <(ps --json --top 0 names.pb))" \
	"$(sed -n '/^ *flat  flat%/,$p' names.txt | sed 1d | wc -l)"

t 'hostile names: a sample type with hostile names'
expect_exit 0 ps --sample-type 2 names.pb
check_printable 'the report' "$out"
check_has 'the heading' 'Top 10 by flat \x1b[1mevil:' "$out"
check_has 'values in a unit pprof does not know' '\x1b[5mblink' "$out"

t 'hostile names: --by'
expect_exit 0 ps --by "$(printf 'who\033]0;title\a')" names.pb
check_printable '--by a hostile key' "$out"
check_has 'a value' '\x1b[2Jclear' "$out"
check_has 'the key' 'cpu by who\x1b]0;title\x07:' "$out"
expect_exit 0 ps --by n --sample-type 2 names.pb
check_printable '--by a numeric key of a hostile unit' "$out"

t 'hostile names: messages that list sample types'
expect_exit 1 ps --sample-type nosuch names.pb
check_printable 'pprof-stat' "$err"
check_grep 'pprof-stat names them' "no sample type 'nosuch' \\(there are: samples cpu \\\\x1b\\[1mevil\\)" "$err"
expect_exit 1 "$PPROF_FILTER" --sample-type nosuch names.pb
check_printable 'pprof-filter' "$err"
check_has 'pprof-filter names them' 'there are 3: samples cpu \x1b[1mevil' "$err"
gzip -c names.pb > names.pb.gz
expect_exit 1 "$PPROF_MERGE" "$data/cpu-1.pb.gz" names.pb.gz
check_printable 'pprof-merge' "$err"
check_has 'pprof-merge names them' '\x1b[1mevil/\x1b[5mblink' "$err"
expect_exit 1 ps "$data/cpu-1.pb.gz" names.pb.gz
check_printable 'pprof-stat merging' "$err"

t 'hostile names: --json'
expect_exit 0 ps --json --top 0 names.pb
cp "$out" names.json
check_printable 'the JSON' names.json
check 'jq parses it' jq -e . names.json
for name in 'main.\u001b[31mred\u001b[0m\u0007bell' 'line\nbreak' 'nul\u0000inside' 'nul\u0000outside' \
	'del\u007fete' 'c1\u009b31mcsi' 'semi;colon' 'café.ok' '[\u001b[33mlib.so]'; do
	check_eq "the name $name, exactly" true "$(jqv "any(.top.rows[].name; . == \"$name\")" names.json)"
done
check_eq 'a byte that is not UTF-8 is U+FFFD' true \
	"$(jqv 'any(.top.rows[].name; . == "raw\ufffd31mbyte")' names.json)"
check_eq 'the label key' true "$(jqv 'any(.labels[].key; . == "who\u001b]0;title\u0007")' names.json)"
check_eq 'the sample type and unit' '\u001b[1mevil/\u001b[5mblink' \
	"$(jq -r '.sample_types[2] | "\(.type)/\(.unit)"' names.json | perl -pe 's/\e/\\u001b/g')"
expect_exit 0 ps --json --by "$(printf 'who\033]0;title\a')" names.pb
check 'jq parses --by' jq -e . "$out"
check_eq 'a label value' true "$(jqv 'any(.by.values[].value; . == "\u001b[2Jclear")' "$out")"

t 'hostile names: --folded'
expect_exit 0 ps --folded names.pb
cp "$out" names.folded
check_printable 'the stacks' names.folded
# One line per stack with a non-zero value: every sample of names.pb has a
# stack of its own, as the JSON's rows (each a leaf, under main) count.
check_eq 'one line per stack' "$(($(jqv '.top.rows | length' names.json) - 1))" \
	"$(wc -l < names.folded)"
check_eq 'every line is "frames VALUE"' 0 "$(grep -Ecv '^[^ ].* -?[0-9]+$' names.folded)"
check_has 'a ; in a name is :' 'main;semi:colon ' names.folded
check_has 'a line break is \x0a' 'main;line\x0abreak ' names.folded
check_has 'a NUL is \x00, whole names' 'main;nul\x00outside ' names.folded
check_eq 'values add up to the total' "$(jqv .top.total names.json)" \
	"$(awk '{ s += $NF } END { printf "%.0f", s }' names.folded)"

# ---- deep inline chains ------------------------------------------------------

# A location of LINES lines, REFS times on each of SAMPLES stacks (10
# distinct stacks): the per-sample walk visits SAMPLES * REFS * LINES frames
# (2e9 here, about 8 s of CPU before the fix), the walk per distinct stack
# and location 10 * LINES.
lines=20000 refs=100 samples=1000
perl "$data/make-report-edges.pl" deep $lines $refs $samples > deep.pb || exit 99

t 'a deep inline chain repeated by every sample'
if [ -z "${PPROF_VALGRIND:-}" ]; then
	expect_exit 0 bash -c 'ulimit -t 3 && exec "$@"' sh "$PPROF_STAT" --json --top 0 deep.pb
else   # valgrind is slower than the limit allows: no limit
	expect_exit 0 ps --json --top 0 deep.pb
fi
cp "$out" deep.json
check_eq 'the total: every sample' "$((samples * 10000000))" "$(jqv .top.total deep.json)"
check_eq 'every function of the chain is on every stack' "$((samples * 10000000))" \
	"$(jqv '[.top.rows[] | select(.name | startswith("main.f")) | .cum] | unique | join(",")' deep.json)"
check_eq 'the leaves, flat' "$(for k in 0 1 2 3 4 5 6 7 8 9; do
		echo "main.leaf$k $(((samples - k + 9) / 10 * 10000000))"; done)" \
	"$(jqv '.top.rows[] | select(.name | startswith("main.leaf")) | "\(.name) \(.flat)"' deep.json | sort)"
check_eq 'a node per function' "$((lines + 10))" "$(jqv .top.nodes deep.json)"
check_eq 'the chain is inlined' inline "$(jqv '.top.rows[] | select(.name == "main.f1") | .inline' deep.json)"

t 'folded stacks of a deep inline chain'
perl "$data/make-report-edges.pl" deep 300 20 200 > deep-small.pb || exit 99
expect_exit 0 ps --folded deep-small.pb
check_eq 'one line per distinct stack' 10 "$(wc -l < "$out")"
check_eq 'every frame of every repetition, and the leaf' "$((300 * 20 + 1))" \
	"$(awk -F';' '{ print NF }' "$out" | sort -u)"
check_eq 'values add up' "$((200 * 10000000))" "$(awk '{ s += $NF } END { printf "%.0f", s }' "$out")"

finish
