# Shell tests of pprof-stat's --traces and granularity options as a user
# runs them: what combines and what is refused, --each, a closed pipe, and
# the form of the output. That the numbers and names are pprof's is
# tests/interop/views.sh's part.
. "$top_srcdir/tests/lib.sh"

: "${PPROF_STAT:?}"
ps() { "$PPROF_STAT" "$@"; }

a=$data/cpu-1.pb.gz b=$data/cpu-2.pb.gz

t 'usage errors'
expect_exit 2 ps --lines --files "$a"
check_grep 'two granularities are refused, by name' '^pprof-stat: --lines and --files cannot be used together' "$err"
expect_exit 2 ps --addresses --functions "$a"
for mode in --json --folded --check; do
	expect_exit 2 ps --traces "$mode" "$a"
	check_grep "--traces with $mode: the message" 'cannot be used together' "$err"
done
expect_exit 2 ps --traces --by endpoint "$a"
check_grep '--traces with --by: the message' '^pprof-stat: --by cannot be used with --folded, --traces or --check' "$err"
expect_exit 2 ps -traces "$a"
check_grep "pprof's -traces: did you mean" 'did you mean --traces\?' "$err"
expect_exit 2 ps -lines "$a"
check_grep "pprof's -lines: did you mean" 'did you mean --lines\?' "$err"

t 'what combines'
expect_exit 0 ps --lines --lines "$a"
expect_exit 0 ps --traces --noinlines --addresses --sample-type samples "$a"
check_grep 'a heading names the sample type' '^Type: samples$' "$out"
check_grep 'count values as they are' '^ +[0-9]+   [^ ]' "$out"
expect_exit 1 ps --traces --sample-type nosuch "$a"
check_grep 'an unknown sample type' "no sample type 'nosuch'" "$err"
expect_exit 0 ps --json --lines --top 3 "$a"
check_grep 'the JSON rows at the granularity' '"name": "[^"]+ [^ "]+:[0-9]+"' "$out"

t '--traces'
expect_exit 0 ps --traces "$a"
cp "$out" traces
check_eq 'the last line is a separator' '-----------+-------------------------------------------------------' \
	"$(tail -n 1 traces)"
check_eq 'a trace per sample with a stack' "$(ps --json "$a" | sed -n 's/.*"count": \([0-9]*\).*/\1/p' | head -n 1)" \
	"$(grep -c '^-----------+' traces | awk '{ print $1 - 1 }')"
check_grep 'inlined frames are marked' ' \(inline\)$' traces
check_grep 'labels, right-aligned keys' '^  endpoint:  /api/' traces
expect_exit 0 ps --traces --each "$a" "$b"
check_eq 'one heading per profile' 2 "$(grep -c '^==> .*: profile 1 <==$' "$out")"
check_eq 'reports separated by a blank line' 1 "$(grep -c '^$' "$out")"
expect_exit 0 ps --traces "$a" "$b"
check_grep 'a stream is merged into one report' '^Type: cpu$' "$out"
check_eq 'one heading' 1 "$(grep -c '^Type: ' "$out")"
# A reader that stops early: no message, exit 0 (HACKING.md section 10).
status=$( (ps --traces "$a" "$b"; echo $? > rc) | head -n 1 > /dev/null; cat rc)
check_eq 'a closed pipe ends quietly' 0 "$status"

t '--traces of hostile names'
# (names, label keys and values with escape sequences, a line break, NULs,
# C1 controls, bytes that are not UTF-8: tests/data/make-report-edges.pl)
if command -v perl >/dev/null; then
	perl "$data/make-report-edges.pl" names > names.pb || exit 99
	expect_exit 0 ps --traces --sample-type 2 --lines names.pb
	check_no_grep 'no raw control characters' $'[\x01-\x09\x0b-\x1f\x7f]' "$out"
	check_grep 'an escape sequence as \xHH' 'main\.\\x1b\[31mred' "$out"
	check_grep 'a line break in a name as \x0a' 'line\\x0abreak' "$out"
	check_grep 'a NUL as \x00, the name whole' 'nul\\x00inside' "$out"
	check_eq 'every frame line is one line' 0 "$(grep -cvE '^(-{11}[+]-+|Type: .*| {0,10}[^ ]*:  .*|[ 0-9.a-zA-Z-]{10}   .+)$' "$out")"
fi

t '--folded at a granularity'
expect_exit 0 ps --folded --files "$a"
check_grep 'frames are files' '^[^ ]+\.go;' "$out"
check_eq 'the same total at every granularity' "$(ps --folded "$a" | awk '{ s += $NF } END { print s }')" \
	"$(awk '{ s += $NF } END { print s }' "$out")"

finish
