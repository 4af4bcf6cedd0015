# Shell tests of pprof-stat as a user runs it: the text report, --top, --cum,
# --sample-type, --by, --json (parsed with jq), --folded, --check, --each,
# the stream model (stdin, "-", gzip members, merging), sizes, bad input and
# exit statuses, colour, write errors, --help and --version.
# Comparisons of the numbers with `go tool pprof` are in tests/interop/stat.sh;
# here the outputs are checked for their form, against each other (the JSON
# and the text, --each and the merge, the stream and the files) and against
# facts known from how the inputs were made (wc -c, zcat, a profile built
# below with known stacks and labels).
. "$top_srcdir/tests/lib.sh"

: "${PPROF_STAT:?}" "${PPROF_MERGE:?}"
ps() { "$PPROF_STAT" "$@"; }
pm() { "$PPROF_MERGE" "$@"; }
command -v jq >/dev/null || skip 'no jq'

cp "$data"/cpu-[1234].pb.gz "$data"/heap-[12].pb.gz "$data"/goroutine.pb.gz . || exit 99
a=cpu-1.pb.gz b=cpu-2.pb.gz c=cpu-3.pb.gz d=cpu-4.pb.gz heap=heap-1.pb.gz

# The sizes of the inputs as wc -c counts them, compressed (size_a ...) and
# inflated by gzip (raw_a ...; a.pb is cpu-1 inflated): one wc for them all.
for x in a b c d; do
	gzip -dc "${!x}" > "$x.pb" || exit 99
done
wc -c "$a" "$b" "$c" "$d" a.pb b.pb c.pb d.pb > sizes || exit 99
{
	read -r size_a _; read -r size_b _; read -r size_c _; read -r size_d _
	read -r raw_a _; read -r raw_b _; read -r raw_c _; read -r raw_d _
} < sizes

# rows FILE [count]: the rows of the top table in a text report (after its
# header), as sed -n '/^ *flat  flat%/,/^$/p' FILE | sed '1d;/^$/d' in one
# process; with "count", the number of them.
rows() {
	awk -v count="${2:-}" '
		function row() { if (count) n++; else print }
		r { if ($0 == "") r = 0; else row(); next }
		/^ *flat  flat%/ { r = 1; if (h++) row() }
		END { if (count) print n + 0 }' "$1"
}
# nrows FILE: the number of those rows.
nrows() { rows "$1" count; }

# ---- a profile with known contents, made here ------------------------------
# odd.pb: samples/count and alloc/bytes; functions "main", "f;semi" (a ';' in
# a name), "g", and one with no name; location 3 is g inlined into main
# (lines g, main); location 4 has no lines, in a mapping of /usr/lib/libc.so.6;
# location 5 has no lines and no mapping. Stacks (leaf first) and values:
#   [1 f;semi, 2 main]   3 16   labels who="a\"b\\c<LF>d<TAB><01>"  n=5 (no unit)
#   [3 g+main]           4 32   labels who=x, who=x
#   [1 f;semi, 2 main]   2  0   labels who=y
#   [4 libc, 3 g+main]   1  8   n=7 bytes
#   [5, 6 nameless, 2 main] 5 0 who=<invalid UTF-8 \377>
#   []                   9  9   (no stack)
have_perl=false
if command -v perl >/dev/null; then
	have_perl=true
	perl "$data/make-odd-profile.pl" > odd.pb
fi

# ---- the text report -------------------------------------------------------

t 'text report of one profile'
expect_exit 0 ps "$a"
cp "$out" a.txt
check_empty 'stderr' "$err"
check_grep 'profiles' '^Profiles: +1$' a.txt
check_grep 'sample types, the default marked' \
	'^Sample types: +samples/count, cpu/nanoseconds \(default\)$' a.txt
check_grep 'period' '^Period: +10ms \(cpu/nanoseconds\)$' a.txt
check_grep 'time' '^Time: +2026-11-22 [0-9]{2}:[0-9]{2}:[0-9]{2} UTC$' a.txt
check_grep 'duration' '^Duration: +1\.[0-9]+s$' a.txt
for field in Samples Locations Functions Mappings Strings; do
	check_grep "$field" "^$field: +[0-9]+\$" a.txt
done
# pprof_bytes N: N bytes as pprof's measurement.Label shows them (kB = 1024 B).
pprof_bytes() {
	awk -v b="$1" 'BEGIN { u = "B"; n = split("kB MB GB TB", us, " ")
		for (i = 1; i <= n && b >= 1024; i++) { b /= 1024; u = us[i] }
		s = sprintf("%.2f", b); sub(/\.00$/, "", s); print s u }'
}
check_grep 'sizes, in pprof'"'"'s units' \
	"^Size: +$(pprof_bytes "$size_a") compressed, $(pprof_bytes "$raw_a") uncompressed\$" a.txt
check_grep 'totals heading' '^Totals:$' a.txt
check_grep 'samples total' '^  samples +[0-9]+$' a.txt
check_grep 'cpu total in seconds' '^  cpu +[0-9.]+s$' a.txt
check_grep 'label key endpoint' '^  endpoint +4 values, on [0-9]+ of [0-9]+ samples$' a.txt
check_grep 'label key worker' '^  worker +4 values, on [0-9]+ of [0-9]+ samples$' a.txt
check_grep 'top heading' '^Top 10 by flat cpu:$' a.txt
check_grep 'pprof legend' '^Showing nodes accounting for [0-9.]+m?s, [0-9.]+% of [0-9.]+m?s total$' a.txt
check_grep 'table header' '^      flat  flat%   sum%        cum   cum%$' a.txt
check_eq 'ten rows' 10 "$(nrows a.txt)"
check_no_grep 'no escape codes when not a terminal' $'\e' a.txt
expect_exit 0 ps "$a"
check_same 'deterministic' a.txt "$out"

t 'the text matches the JSON'
expect_exit 0 ps --json "$a"
cp "$out" a.json
# (what the checks below take from a.json, in one jq run)
jqset a.json a_count=.samples.count a_locations=.locations a_functions=.functions \
	a_strings=.strings a_samples=.samples.total.samples a_cpu=.samples.total.cpu \
	a_names='.top.rows[].name' a_compressed=.size.compressed a_uncompressed=.size.uncompressed \
	a_nodes=.top.nodes a_top=.top a_input=.input \
	a_counts='[.samples.count, .locations, .functions, .strings] | tostring'
check_grep 'sample count' "^Samples: +$a_count\$" a.txt
check_grep 'location count' "^Locations: +$a_locations\$" a.txt
check_grep 'function count' "^Functions: +$a_functions\$" a.txt
check_grep 'string count' "^Strings: +$a_strings\$" a.txt
check_grep 'samples total' "^  samples +$a_samples\$" a.txt
check_eq 'the same rows, in order' "$(rows a.txt | awk '{print $6}')" "$a_names"
check_eq 'compressed size is the file size' "$size_a" "$a_compressed"
check_eq 'uncompressed size' "$raw_a" "$a_uncompressed"

t '--top and --cum'
expect_exit 0 ps --top 3 "$a"
check_eq '--top 3' 3 "$(nrows "$out")"
check_grep 'heading' '^Top 3 by flat cpu:$' "$out"
check_grep 'legend says 3 of how many' '^Showing top 3 nodes out of [0-9]+$' "$out"
expect_exit 0 ps --top 0 --json "$a"
jqset "$out" nodes=.top.nodes nrows='.top.rows | length'
check_eq '--top 0: every node' "$nodes" "$nrows"
expect_exit 0 ps --top 0 "$a"
check_no_grep '--top 0: no "Showing top" line' '^Showing top' "$out"
check_eq '--top 0: every row' "$a_nodes" "$(nrows "$out")"
expect_exit 0 ps --top 1000 "$a"
check_eq '--top over the number of nodes' "$a_nodes" "$(nrows "$out")"
expect_exit 0 ps --json --top 0 "$a"
check_eq 'rows sorted by |flat|' true \
	"$(jqv '[.top.rows[].flat | fabs] | . == (sort | reverse)' "$out")"
expect_exit 0 ps --json --top 0 --cum "$a"
jqset "$out" sorted='[.top.rows[].cum | fabs] | . == (sort | reverse)' sort=.top.sort
check_eq '--cum: rows sorted by |cum|' true "$sorted"
check_eq '--cum: sort named' cum "$sort"
expect_exit 0 ps --cum "$a"
check_grep '--cum heading' '^Top 10 by cum cpu:$' "$out"
check_grep 'an inlined function is marked' ' main\.mix64 \(inline\)$' a.txt

t '--sample-type'
expect_exit 0 ps --sample-type samples "$a"
check_grep 'by name' '^Top 10 by flat samples:$' "$out"
expect_exit 0 ps --sample-type 0 "$a"
check_grep 'by index' '^Top 10 by flat samples:$' "$out"
expect_exit 0 ps --sample-type 1 --json "$a"
check_eq 'index 1 is cpu' cpu "$(jqv .top.sample_type "$out")"
expect_exit 1 ps --sample-type nosuch "$a"
check_grep 'unknown name' "^pprof-stat: no sample type 'nosuch' \\(there are: samples cpu\\)\$" "$err"
check_empty 'nothing on stdout' "$out"
expect_exit 1 ps --sample-type 2 "$a"
check_grep 'index out of range' "no sample type '2'" "$err"
expect_exit 1 ps --each --sample-type alloc_space "$heap" "$a"
check_grep '--each: the profile without it is named' \
	"^pprof-stat: cpu-1\\.pb\\.gz: profile 1: no sample type 'alloc_space'" "$err"

t 'heap profile: four sample types, the last is the default'
expect_exit 0 ps --json "$heap"
cp "$out" heap.json
jqset heap.json types='.sample_types | length' \
	default='.sample_types[] | select(.default) | .type' top_type=.top.sample_type \
	totals='.samples.total | keys_unsorted | join(",")' \
	bytes='.labels[] | select(.key == "bytes") | "\(.strings) \(.unit)"'
check_eq 'four sample types' 4 "$types"
check_eq 'default' inuse_space "$default"
check_eq 'top on the default' inuse_space "$top_type"
check_eq 'totals object' alloc_objects,alloc_space,inuse_objects,inuse_space "$totals"
check_eq 'numeric label key bytes' '0 bytes' "$bytes"
expect_exit 0 ps "$heap"
check_grep 'text: sizes in pprof'"'"'s units' '^  alloc_space +[0-9]+(\.[0-9][0-9])?(kB|MB)$' "$out"
check_grep 'text: counts whole' '^  alloc_objects +[0-9]+$' "$out"
check_grep 'text: numeric label key' '^  bytes +[0-9]+ numbers \(bytes\), on [0-9]+ of [0-9]+ samples$' "$out"
expect_exit 0 ps --sample-type inuse_objects --json "$heap"
check_eq 'another one by name' inuse_objects "$(jqv .top.sample_type "$out")"

# ---- the stream ------------------------------------------------------------

t 'merging a stream'
expect_exit 0 ps --json "$a" "$b" "$c" "$d"
cp "$out" abcd.json
jqset abcd.json abcd_profiles=.profiles abcd_compressed=.size.compressed \
	abcd_uncompressed=.size.uncompressed abcd_totals='[.sample_types[].total] | tostring' \
	abcd_counts='[.samples.count, .locations, .functions, .mappings] | tostring' \
	abcd_top=.top abcd_cpu=.samples.total.cpu
check_eq 'profiles merged' 4 "$abcd_profiles"
check_eq 'compressed size: the sum of the files' "$((size_a + size_b + size_c + size_d))" \
	"$abcd_compressed"
check_eq 'uncompressed size: the sum' "$((raw_a + raw_b + raw_c + raw_d))" "$abcd_uncompressed"
expect_exit 0 ps --json --each "$a" "$b" "$c" "$d"
cp "$out" each.json
check_eq 'totals of the merge are the sums of the profiles' \
	"$(jq -s -c '[.[].sample_types[].total] as $t | [([.[].sample_types[0].total] | add), ([.[].sample_types[1].total] | add)]' each.json)" \
	"$abcd_totals"
pm "$a" "$b" "$c" "$d" > abcd.pb.gz
expect_exit 0 ps --json abcd.pb.gz
jqset "$out" counts='[.samples.count, .locations, .functions, .mappings] | tostring' top=.top
check_eq 'counts of the merge are those of pprof-merge'"'"'s result' "$counts" "$abcd_counts"
check_eq 'and so is the top' "$top" "$abcd_top"
expect_exit 0 ps "$a" "$b" "$c" "$d"
check_grep 'text: profiles' '^Profiles: +4 \(merged\)$' "$out"

t 'one profile is reported as it is'
expect_exit 0 ps --json --each "$a"
check_eq 'the same counts as --each' \
	"$(jqv '[.samples.count, .locations, .functions, .strings] | tostring' "$out")" "$a_counts"

t 'stdin, "-" and gzip members'
expect_exit 0 ps --json < "$a"
check_same 'stdin is the file' a.json "$out"
expect_exit 0 ps --json - < "$a"
check_same '"-" is stdin' a.json "$out"
cat "$a" "$b" "$c" "$d" | expect_exit 0 ps --json
check_same 'a stream of members on stdin' abcd.json "$out"
cat "$c" "$d" | expect_exit 0 ps --json "$a" "$b" -
check_same 'files and stdin' abcd.json "$out"
expect_exit 0 ps --json a.pb   # (a.pb: cpu-1 inflated, at the top)
jqset "$out" sizes='"\(.size.compressed) \(.size.uncompressed)"' top=.top
check_eq 'uncompressed input: sizes equal' "$raw_a $raw_a" "$sizes"
check_eq 'uncompressed input: the same top' "$a_top" "$top"

t '--each'
cat "$a" "$b" > ab.pb.gz
expect_exit 0 ps --each ab.pb.gz "$heap"
cp "$out" each.txt
check_eq 'one heading per profile' \
	'==> ab.pb.gz: profile 1 <==,==> ab.pb.gz: profile 2 <==,==> heap-1.pb.gz: profile 1 <==' \
	"$(grep '^==>' each.txt | paste -sd, -)"
check 'reports separated by a blank line' \
	awk '/^==>/ && NR > 1 && prev != "" { bad = 1 } { prev = $0 } END { exit bad }' each.txt
expect_exit 0 ps --each --json ab.pb.gz "$heap"
jqset -s "$out" docs=length inputs='[.[] | "\(.input) \(.profile)"] | join(",")' \
	members='[.[:2][].size.compressed] | add' \
	inflated='[.[:2][].size.uncompressed] | map(tostring) | join(" ")'
check_eq 'one JSON document per profile' 3 "$docs"
check_eq 'input and position' 'ab.pb.gz 1,ab.pb.gz 2,heap-1.pb.gz 1' "$inputs"
check_eq 'members add up to the input size' "$(wc -c < ab.pb.gz)" "$members"
check_eq 'each member inflates to its own size' "$raw_a $raw_b" "$inflated"
check_eq 'no "input" without --each' null "$a_input"

# ---- --by ------------------------------------------------------------------

t '--by a string label'
expect_exit 0 ps --json --by endpoint "$a"
cp "$out" by.json
jqset by.json by_top=.top by_n='.by.values | length' by_total=.by.total \
	by_sum='[.by.values[].weight] | add' by_cpu=.samples.total.cpu \
	by_all='.by.total + .by.unlabelled' by_sorted='[.by.values[].weight] | . == (sort | reverse)' \
	by_values='.by.values[].value' by_by=.by
check_eq 'no top with --by' null "$by_top"
check_eq 'four values' 4 "$by_n"
check_eq 'the weights add up to the total' "$by_total" "$by_sum"
check_eq 'labelled + unlabelled = the sample type total' "$by_cpu" "$by_all"
check_eq 'sorted by weight' true "$by_sorted"
check_eq 'the values are those of the label key' \
	"$(sort <<< "$by_values" | paste -sd, -)" \
	'/api/checkout,/api/login,/api/report,/api/search'
expect_exit 0 ps --by endpoint "$a"
check_grep 'heading' '^cpu by endpoint: [0-9.]+m?s in 4 values; [0-9.]+m?s in [0-9]+ samples without endpoint$' "$out"
check_grep 'table header' '^       cpu      %  endpoint$' "$out"
check_eq 'text rows in the JSON order' "$by_values" \
	"$(sed -n '/%  endpoint$/,$p' "$out" | sed 1d | awk '{print $3}')"
expect_exit 0 ps --json --by worker --sample-type samples "$a"
jqset "$out" type=.by.sample_type samples=.samples.total.samples all='.by.total + .by.unlabelled'
check_eq '--sample-type applies' samples "$type"
check_eq 'samples weigh their count' "$samples" "$all"

t '--by a numeric label'
expect_exit 0 ps --json --by bytes --sample-type alloc_space "$heap"
jqset "$out" types='[.by.values[].value | type] | unique | join(",")' unit=.by.value_unit
check 'values are numbers' test "$types" = number
check_eq 'their unit' bytes "$unit"
expect_exit 0 ps --by bytes --sample-type alloc_space "$heap"
check_grep 'shown in pprof units' '  (1MB|512kB)$' "$out"

t '--by a key no sample has'
expect_exit 0 ps --by nosuchkey "$a"
check_grep 'a warning' "^pprof-stat: warning: no sample has label key 'nosuchkey'\$" "$err"
check_grep 'everything unlabelled' 'in 0 values; .* in 148 samples without nosuchkey' "$out"

t '--by several keys'
expect_exit 0 ps --by endpoint,worker "$a"
cp "$out" by2.txt
expect_exit 0 ps --by endpoint "$a"
check_eq 'the first table is --by endpoint' "$(sed -n '/^cpu by endpoint/,/^$/p' "$out")" \
	"$(sed -n '/^cpu by endpoint/,/^$/p' by2.txt)"
check_grep 'then one for worker' '^cpu by worker: ' by2.txt
expect_exit 0 ps --json --by endpoint,nosuchkey "$a"
jqset "$out" keys='[.by[].key] | join(" ")' by0='.by[0]'
check_eq 'JSON: an array of the keys, in order' 'endpoint nosuchkey' "$keys"
check_eq 'each as with one key' "$by_by" "$by0"
check_grep 'the missing key warns' "^pprof-stat: warning: no sample has label key 'nosuchkey'\$" "$err"

t '--tags'
expect_exit 0 ps --tags "$a"
check_grep 'a key and its total, as pprof' '^ endpoint: Total [0-9.]+m?s$' "$out"
check_grep 'a value, as pprof' '^ +[0-9.]+m?s \( ?[0-9.]+%\): /api/search$' "$out"
check 'no summary' test "$(grep -c 'Samples:' "$out")" = 0
expect_exit 0 ps --tags --json --sample-type alloc_space "$heap"
jqset "$out" tags='"\(.top) \(.tags.sample_type)"' value='.tags.keys[0].values[0].value' \
	total='.tags.keys[0].total' sum='[.tags.keys[0].values[].weight] | add'
check_eq 'JSON: tags instead of top' 'null alloc_space' "$tags"
check_eq 'JSON: numbers as pprof shows them' '1MB' "$value"
check_eq 'JSON: a total is its values summed' "$total" "$sum"
expect_exit 0 ps --tags --each "$a" "$heap"
check_grep 'each profile under its name' "^==> .*heap-1.pb.gz: profile 1 <==\$" "$out"

# ---- the profile made here: names, labels, JSON escaping --------------------

if $have_perl; then
	t 'odd profile: folded stacks'
	expect_exit 0 ps --folded --sample-type samples odd.pb
	# Location 6 is a nameless function in no mapping, location 5 has no
	# lines and no mapping: both are "<unknown>" (two nodes, one name).
	printf '%s\n' 'main;<unknown>;<unknown> 5' 'main;f:semi 5' 'main;g 4' 'main;g;[libc.so.6] 1' \
		> odd.expected
	check_same 'stacks: root first, inlined g under main, names of nameless frames' \
		odd.expected "$out"
	expect_exit 0 ps --folded --sample-type alloc odd.pb
	printf '%s\n' 'main;f:semi 16' 'main;g 32' 'main;g;[libc.so.6] 8' > odd.expected
	check_same 'zero sums left out; the stackless sample has no line' odd.expected "$out"

	t 'odd profile: top table'
	expect_exit 0 ps --json --top 0 --sample-type samples odd.pb
	cp "$out" odd.json
	jqset odd.json rows='.top.rows | map("\(.name) \(.flat) \(.cum)") | join(",")' \
		inline='.top.rows[] | select(.name == "g") | .inline' total=.top.total shown=.top.shown \
		who='.labels[] | select(.key == "who") | "\(.strings) \(.samples)"' \
		n='.labels[] | select(.key == "n") | "\(.numbers) \(.unit)"'
	check_eq 'names, flat and cum' \
		'<unknown> 5 5,f;semi 5 5,g 4 5,[libc.so.6] 1 1,<unknown> 0 5,main 0 15' "$rows"
	check_eq 'g is inlined' inline "$inline"
	check_eq 'total includes the stackless sample' 24 "$total"
	check_eq 'shown' 15 "$shown"

	t 'odd profile: JSON escaping'
	check_eq 'label key who: 4 distinct strings on 4 samples' '4 4' "$who"
	check_eq 'n: 2 numbers, unit from the label that has one' '2 bytes' "$n"
	expect_exit 0 ps --json --by who --sample-type samples odd.pb
	cp "$out" who.json
	check 'jq parses it' eval 'jq -e . who.json > /dev/null'
	jqset who.json escaped='any(.by.values[].value; . == "a\"b\\c\nd\t\u0001")' \
		fffd='any(.by.values[].value; . == "\ufffd")' \
		weight='.by.values[] | select(.value == "x") | .weight' \
		samples='.by.values[] | select(.value == "x") | .samples' \
		unlabelled='"\(.by.unlabelled) \(.by.unlabelled_samples)"'
	check_eq 'quote, backslash, newline, tab, control character' true "$escaped"
	check_eq 'invalid UTF-8 becomes U+FFFD' true "$fffd"
	check_eq 'a label repeated on a sample weighs twice' 8 "$weight"
	check_eq '... but the sample counts once' 1 "$samples"
	check_eq 'unlabelled' '10 2' "$unlabelled"
	expect_exit 0 ps --json --by n --sample-type samples odd.pb
	check_eq 'numeric values' '5:3,7:1' \
		"$(jqv '.by.values | map("\(.value):\(.weight)") | sort | join(",")' "$out")"
fi

# ---- --folded ----------------------------------------------------------------

t '--folded'
expect_exit 0 ps --folded "$a"
cp "$out" a.folded
check_empty 'stderr' "$err"
check_eq 'every line is "frames VALUE"' 0 "$(grep -Ecv '^[^ ].* -?[0-9]+$' a.folded)"
check 'sorted in byte order' env LC_ALL=C sort -c a.folded
check_eq 'one line per stack' "$(wc -l < a.folded)" "$(sed 's/ [^ ]*$//' a.folded | sort -u | wc -l)"
check_eq 'values add up to the cpu total' "$a_cpu" \
	"$(awk '{ s += $NF } END { printf "%.0f", s }' a.folded)"
check_grep 'inlined frames expanded, root first' ';main\.checksum;main\.score;main\.mix64 [0-9]+$' a.folded
check_no_grep 'no ";" kept inside a name' 'struct \{[^}]*;' a.folded
expect_exit 0 ps --folded --sample-type samples "$a"
check_eq '--sample-type samples: values add up to its total' "$a_samples" \
	"$(awk '{ s += $NF } END { printf "%.0f", s }' "$out")"
expect_exit 0 ps --folded "$a" "$b" "$c" "$d"
check_eq 'a stream is merged' "$abcd_cpu" \
	"$(awk '{ s += $NF } END { printf "%.0f", s }' "$out")"
# (synth-25k: stacks up to 200 deep, 46 MB of folded stacks, as large as
# synth-100k in kind at a third of its cost, some 0.6 s a run here)
expect_exit 0 ps --folded "$data/synth-25k.pb.gz"
check_eq 'a large profile: values add up' "$(ps --json "$data/synth-25k.pb.gz" | jq .samples.total.cpu)" \
	"$(awk '{ s += $NF } END { printf "%.0f", s }' "$out")"
check 'a large profile: sorted' env LC_ALL=C sort -c "$out"

# ---- --check ---------------------------------------------------------------

echo 'this is not a profile' > junk
echo 'this is not a profile' | gzip > junk.pb.gz
head -c "$((size_a / 2))" "$a" > trunc.pb.gz
cat "$a" "$b" junk.pb.gz > junk3.pb.gz
: > empty

t '--check'
expect_exit 0 ps --check "$a" "$heap" goroutine.pb.gz
check_empty 'valid: nothing on stdout' "$out"
check_empty 'valid: nothing on stderr' "$err"
cat "$a" "$b" | expect_exit 0 ps --check
check_empty 'a valid stream' "$out"
expect_exit 0 ps --check "$a" "$heap"
check_empty 'profiles that do not merge are still valid' "$err"
expect_exit 1 ps --check junk
check_grep 'junk' '^pprof-stat: junk: profile 1: ' "$err"
check_empty 'nothing on stdout' "$out"
expect_exit 1 ps --check "$a" junk.pb.gz trunc.pb.gz missing.pb.gz "$b"
check_grep 'every broken input is named: junk' '^pprof-stat: junk\.pb\.gz: profile 1: ' "$err"
check_grep 'truncated' '^pprof-stat: trunc\.pb\.gz: profile 1: .*truncated' "$err"
check_grep 'missing' '^pprof-stat: missing\.pb\.gz: .*No such file' "$err"
check_eq 'three messages' 3 "$(wc -l < "$err")"
expect_exit 1 ps --check junk3.pb.gz
check_grep 'the third member' '^pprof-stat: junk3\.pb\.gz: profile 3: ' "$err"
expect_exit 1 ps --check empty
check_grep 'an empty input' '^pprof-stat: empty: empty input' "$err"
expect_exit 1 ps --check --max-size 1K "$a"
check_grep '--max-size' '^pprof-stat: cpu-1\.pb\.gz: profile 1: .*limit' "$err"

# ---- errors ----------------------------------------------------------------

# expect_data_error ERE CMD...: CMD exits 1 with a message matching ERE.
expect_data_error() {
	local re=$1
	shift
	expect_exit 1 "$@"
	check_grep "message from $*" "$re" "$err"
}

t 'bad input'
expect_data_error '^pprof-stat: missing\.pb\.gz: .*No such file' ps missing.pb.gz
expect_data_error '^pprof-stat: junk: profile 1: ' ps junk
expect_data_error '^pprof-stat: \(stdin\): profile 1: ' ps < junk.pb.gz
expect_data_error '^pprof-stat: trunc\.pb\.gz: profile 1: .*truncated' ps --json trunc.pb.gz
expect_data_error '^pprof-stat: junk3\.pb\.gz: profile 3: ' ps --folded junk3.pb.gz
expect_data_error '^pprof-stat: \(stdin\): empty input' ps < /dev/null
expect_data_error '^pprof-stat: empty: empty input' ps "$a" empty
expect_data_error '^pprof-stat: heap-1\.pb\.gz: profile 1: incompatible' ps "$a" "$heap"
check_empty 'nothing on stdout when the merge fails' "$out"
expect_data_error '^pprof-stat: cpu-1\.pb\.gz: profile 1: .*limit' ps --max-size 10K "$a"
expect_exit 0 ps --max-size 1M "$a"
check_same '--max-size over the size' a.txt "$out"
expect_exit 0 ps --each "$a" "$heap"
check_empty '--each: profiles need not merge' "$err"
expect_exit 1 ps --each "$a" junk.pb.gz
check_grep '--each: the reports before the broken input are written' '^==> cpu-1\.pb\.gz' "$out"

t 'an empty profile'
pm --allow-empty < /dev/null > empty.pb.gz
expect_exit 0 ps empty.pb.gz
check_grep 'no sample types' '^Sample types: +\(none\)$' "$out"
check_no_grep 'no table' '^Showing nodes' "$out"
expect_exit 0 ps --json empty.pb.gz
check_eq 'JSON without top' 'null 0' "$(jqv '"\(.top) \(.sample_types | length)"' "$out")"
expect_exit 0 ps --folded empty.pb.gz
check_empty 'no stacks' "$out"
expect_exit 1 ps --sample-type cpu empty.pb.gz
check_grep 'no such sample type' "no sample type 'cpu' \\(there are: none\\)" "$err"

# expect_usage_error CMD...: CMD exits 2, writes nothing to stdout and a
# message pointing to --help.
expect_usage_error() {
	expect_exit 2 "$@"
	check_empty "nothing on stdout from $*" "$out"
	check_grep "hint from $*" '--help' "$err"
}

t 'usage errors'
expect_usage_error ps --no-such-option "$a"
expect_usage_error ps -x "$a"
for n in x -1 1x '' 99999999999999999999999; do
	expect_usage_error ps --top "$n" "$a"
done
expect_usage_error ps --top
expect_usage_error ps --json --folded "$a"
expect_usage_error ps --check --json "$a"
expect_usage_error ps --by endpoint --folded "$a"
expect_usage_error ps --by endpoint --check "$a"
for opts in '--top 5' --cum '--by endpoint' --folded --check; do
	expect_usage_error ps --tags $opts "$a"
done
expect_usage_error ps --by endpoint,,worker "$a"
expect_usage_error ps --by endpoint, "$a"
expect_usage_error ps --max-size 1x "$a"

# ---- terminals, colour and write errors -------------------------------------

t 'colour'
if script -qec true /dev/null >/dev/null 2>&1 </dev/null; then
	expect_exit 0 env -u NO_COLOR script -qec "'$PPROF_STAT' '$a'" /dev/null </dev/null
	check_grep 'bold headings on a terminal' $'\e\\[1mTotals:\e\\[0m' "$out"
	expect_exit 0 env NO_COLOR=1 script -qec "'$PPROF_STAT' '$a'" /dev/null </dev/null
	check_no_grep 'none with NO_COLOR' $'\e' "$out"
	expect_exit 0 env -u NO_COLOR script -qec "'$PPROF_STAT' --json '$a'" /dev/null </dev/null
	check_no_grep 'none in JSON' $'\e' "$out"
	expect_exit 0 env -u NO_COLOR script -qec "'$PPROF_STAT' --folded '$a'" /dev/null </dev/null
	check_no_grep 'none in folded stacks' $'\e' "$out"
else
	echo "note: no working script(1); colour checks skipped"
fi

t 'write errors'
expect_exit 1 eval 'ps "$a" > /dev/full'
check_grep 'a message' '^pprof-stat: .*(write|space)' "$err"
# (synth-small-1: 235 kB of folded stacks, more than stdio's buffer and the
# pipe's 64 kB, so that the writes fail in the middle of the report; what
# synth-100k's 85 MB did for 1.7 s of CPU)
expect_exit 1 eval 'ps --folded "$data/synth-small-1.pb.gz" > /dev/full'
check_grep 'a message (--folded)' '^pprof-stat: .*(write|space)' "$err"
ps --folded "$data/synth-small-1.pb.gz" 2> pipe.err | head -c 1 > /dev/null
status=("${PIPESTATUS[@]}")
# A reader that stops reading a report is normal (edges-messages.sh).
check_eq 'exit status when the reader of the pipe goes away' 0 "${status[0]}"
check_empty 'no message about the pipe' pipe.err

# ---- --help and --version ---------------------------------------------------

t '--help'
expect_exit 0 ps --help
check_empty 'stderr' "$err"
for opt in --top --cum --sample-type --by --json --folded --check --each --max-size \
		--help --version; do
	check_grep "mentions $opt" "(^|[ ,])$opt([ =,]|\$)" "$out"
done
for opt in $(grep -oE 'Fl -[a-z_-]+' "$top_srcdir/man/pprof-stat.1" | sort -u | sed 's/^Fl /-/'); do
	case $opt in --base|--diff-base) continue ;; esac   # pprof-merge's, in the text
	check_grep "mentions $opt of the man page" "(^|[ ,])$opt([ =,]|\$)" "$out"
done
expect_exit 1 eval 'ps --help > /dev/full'
check_grep '--help to a full disk is an error' '^pprof-stat: ' "$err"

t '--version'
expect_exit 0 ps --version
version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$top_builddir/config.h")
check_eq 'first line' "pprof-stat (pprof-tools) $version" "$(head -n 1 "$out")"
check_grep 'library versions' "libpprof ${version//./\\.}, zlib [0-9.]+, protobuf-c [0-9.]+" "$out"

finish
