# Edge cases of pprof-stat's reports against `go tool pprof -symbolize=none`
# (tests/cli/edges-report.sh checks them without Go):
#   - a deep inline chain (tests/data/make-report-edges.pl deep) that every
#     sample repeats: the top tables, from the legend on, byte for byte, as
#     tests/interop/stat.sh compares them;
#   - names with control characters (make-report-edges.pl names safe: no
#     line break, only UTF-8): our tables are pprof's with every control
#     character written \xHH, as pprof_escape(3) writes it;
#   - the unit style: each total of the summary is what pprof's -top prints
#     as its total with -unit=auto (measurement.Label), for the heap
#     profiles (bytes) and a CPU profile (nanoseconds).
# Skipped when there is no Go, no jq or no perl.
. "$top_srcdir/tests/lib.sh"

: "${PPROF_STAT:?}"
find_go || skip 'no go command (set GO to one)'
command -v jq >/dev/null || skip 'no jq'
command -v perl >/dev/null || skip 'no perl'
echo "using $GO: $("$GO" version)"

ps() { "$PPROF_STAT" "$@"; }
pprof() { go_pprof "$@"; }

# legend_and_table: the lines from pprof's legend on (stdin to stdout).
legend_and_table() {
	sed -n '/^Showing nodes accounting for/,$p'
}

# escaped: stdin with control characters (but line ends) as \xHH.
escaped() {
	perl -pe 's/([\x00-\x09\x0b-\x1f\x7f]|(?<=\xc2)[\x80-\x9f]|\xc2(?=[\x80-\x9f]))/sprintf("\\x%02x", ord $1)/ge'
}

# compare_tops NAME TYPE FILE: the top tables agree for sample type TYPE,
# with pprof's escaped, for 10 rows and all, by flat and by cum.
compare_tops() {
	local name=$1 type=$2 file=$3 n sort
	for n in 10 0; do
		for sort in flat cum; do
			local tag=$name.$type.$n.$sort ours=() theirs=()
			[ "$sort" = cum ] && ours+=(--cum) theirs+=(-cum)
			[ "$n" = 0 ] || theirs+=(-nodecount="$n")
			ps --top "$n" "${ours[@]}" --sample-type "$type" "$file" | legend_and_table > "$tag.ours"
			pprof -top "${theirs[@]}" -sample_index="$type" "$file" 2>/dev/null |
				legend_and_table | escaped > "$tag.theirs"
			check 'pprof printed a table' test -s "$tag.theirs"
			check_same "top $n by $sort, sample type $type: ours vs pprof's" "$tag.theirs" "$tag.ours"
		done
	done
}

t 'a deep inline chain repeated by every sample'
perl "$data/make-report-edges.pl" deep 2000 20 100 > deep.pb || exit 99
for type in 0 1; do
	compare_tops deep "$type" deep.pb
done

t 'names with control characters'
perl "$data/make-report-edges.pl" names safe > names.pb || exit 99
check_eq 'the profile has names to escape' 1 "$(escaped < names.pb | cmp -s - names.pb; echo $?)"
for type in 0 1 2; do
	compare_tops names "$type" names.pb
done

# summary_totals FILE...: "type total" per line of our summary's Totals.
summary_totals() {
	ps "$@" | sed -n '/^Totals:$/,/^$/p' | sed '1d;/^$/d' | awk '{ print $1, $2 }'
}

# pprof_totals FILE...: "type total" per sample type, the total as pprof's
# -top -nodecount=1 -unit=auto prints it ("... of Y total"), every type's
# from one run of pprof (go_pprof_batch: sample_index set before each top).
pprof_totals() {
	local type cmds=() line total
	go_pprof_sample_types "$@"
	for type in "${sample_types[@]}"; do
		cmds+=("sample_index=$type" "top:totals.top.$type")
	done
	go_pprof_batch -nodecount=1 -unit=auto "$@" -- "${cmds[@]}"
	for type in "${sample_types[@]}"; do
		total=
		while IFS= read -r line; do
			[[ $line =~ ^Showing\ nodes\ accounting\ for\ .*\ of\ (.*)\ total$ ]] &&
				total=${BASH_REMATCH[1]}
		done < "totals.top.$type"
		echo "$type $total"
	done
}

t 'the summary in pprof'"'"'s unit style'
for set in heap-1 heap-2 cpu-1 goroutine "heap-1 heap-2"; do
	files=()
	for f in $set; do files+=("$data/$f.pb.gz"); done
	pprof_totals "${files[@]}" > "totals.${set// /+}.theirs"
	summary_totals "${files[@]}" > "totals.${set// /+}.ours"
	check 'pprof printed totals' test -s "totals.${set// /+}.theirs"
	check_same "$set: totals vs pprof -top -unit=auto" "totals.${set// /+}.theirs" \
		"totals.${set// /+}.ours"
done

finish
