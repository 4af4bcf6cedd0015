# pprof-merge --normalize against `go tool pprof -normalize`: pprof scales
# the merge of the profiles so that the total of each sample type is the
# base's (profile.Normalize, Profile.ScaleN: float ratios, values rounded
# half away from zero, samples that became zero dropped), then subtracts the
# base. For profiles and bases of different totals, with --base and with
# --diff-base, the reports `go tool pprof` prints of our result must be those
# it prints itself with -normalize, byte for byte:
#   -traces                          every sample: stack, labels, value
#   -top -nodecount=100000 -nodefraction=0 -edgefraction=0
# for every sample type, and the totals (summed from -raw: exact integers)
# must be those of `go tool pprof -proto -normalize`. Independently of pprof,
# a normalized difference adds up to zero, give or take the rounding of each
# sample's value. Skipped when there is no Go.
. "$top_srcdir/tests/lib.sh"

: "${PPROF_MERGE:?}"
find_go || skip 'no go command (set GO to one)'
echo "using $GO: $("$GO" version)"

pm() { "$PPROF_MERGE" "$@"; }
pprof() { go_pprof "$@"; }

# totals FILE: "type/unit=total ..." for every sample type, summed over the
# sample rows of `go tool pprof -raw`; samples=N counts the rows. (awk reads
# the cache entry itself: go_pprof_entry.)
totals() {
	go_pprof_entry -raw "$1"
	awk '
		/^Samples:/ { getline; n = split($0, type); in_samples = 1; next }
		/^[A-Z]/ { in_samples = 0 }
		in_samples && /^ *-?[0-9]+( +-?[0-9]+)*:/ {
			rows++; sub(/:.*/, ""); for (i = 1; i <= NF; i++) sum[i] += $i
		}
		END { for (i = 1; i <= n; i++) printf "%s=%.0f ", type[i], sum[i]; printf "rows=%d\n", rows }' \
		"$pprof_entry.out"
}

# near_zero TOTALS: every total of "type=N ... rows=R" is within R/2 of 0
# (each sample's scaled value is rounded by at most a half).
near_zero() {
	printf '%s\n' "$1" | awk '{
		rows = $NF; sub(/^rows=/, "", rows)
		for (i = 1; i < NF; i++) { v = $i; sub(/^.*=/, "", v); v += 0; if (v < 0) v = -v; if (v > rows / 2) exit 1 }
	}'
}

not_near_zero() { ! near_zero "$1"; }

# The reports compared: -top -nodecount=100000 -nodefraction=0
# -edgefraction=0 and -traces, of one pprof run (go_pprof_batch).
reports=(top traces)

# compare NAME OURS_OPTION PPROF_OPTION BASE FILE...: pprof-merge OURS_OPTION
# BASE --normalize FILE... against go tool pprof -normalize PPROF_OPTION BASE
# FILE... (-base or -diff_base).
compare() {
	local name=$1 ours_opt=$2 their_opt=$3 base=$4 index report
	shift 4
	expect_exit_into "$name.ours.pb.gz" "$name.ours.err" 0 pm "$ours_opt" "$base" --normalize "$@"
	expect_exit_into "$name.theirs.pb.gz" "$name.theirs.err" 0 \
		pprof -proto -normalize "$their_opt" "$base" "$@"
	go_pprof_sample_types "$name.theirs.pb.gz"
	for index in "${sample_types[@]}"; do
		local fractions=(-nodecount=100000 -nodefraction=0 -edgefraction=0)
		go_pprof_batch -sample_index="$index" "${fractions[@]}" "$name.ours.pb.gz" -- \
			"top:$name.$index.ours.top" "traces:$name.$index.ours.traces"
		go_pprof_batch -sample_index="$index" "${fractions[@]}" -normalize "$their_opt" "$base" "$@" -- \
			"top:$name.$index.theirs.top" "traces:$name.$index.theirs.traces"
		for report in "${reports[@]}"; do
			check_same "-sample_index=$index -$report: ours vs go tool pprof -normalize" \
				"$name.$index.theirs.$report" "$name.$index.ours.$report"
		done
	done
	check_eq 'totals (-raw): ours vs go tool pprof -proto -normalize' \
		"$(totals "$name.theirs.pb.gz")" "$(totals "$name.ours.pb.gz")"
}

cpu_new=("$data"/cpu-[2-6].pb.gz)

t '--base cpu-1 --normalize cpu-2..6 (one profile against five)'
compare cpu --base -base "$data/cpu-1.pb.gz" "${cpu_new[@]}"
check 'the difference adds up to zero, give or take rounding' near_zero "$(totals cpu.ours.pb.gz)"
# Without --normalize, the five profiles outweigh the one.
expect_exit_into plain.pb.gz plain.err 0 pm --base "$data/cpu-1.pb.gz" "${cpu_new[@]}"
check 'without --normalize it does not' not_near_zero "$(totals plain.pb.gz)"

t '--base of five merged, --normalize one (scaled up)'
pm "${cpu_new[@]}" > five.pb.gz
compare up --base -base five.pb.gz "$data/cpu-1.pb.gz"
check 'the difference adds up to zero, give or take rounding' near_zero "$(totals up.ours.pb.gz)"

t '--diff-base cpu-1 --normalize cpu-2..6'
compare diff --diff-base -diff_base "$data/cpu-1.pb.gz" "${cpu_new[@]}"
pprof -tags diff.ours.pb.gz > diff.tags 2>&1
check_grep 'base samples are labelled' 'pprof::base' diff.tags

t '--base heap-1 --normalize heap-2 (4 sample types, each its own ratio)'
compare heap --base -base "$data/heap-1.pb.gz" "$data/heap-2.pb.gz"
check 'the difference adds up to zero, give or take rounding' near_zero "$(totals heap.ours.pb.gz)"

t '--diff-base heap-2 --normalize heap-1'
compare heapdiff --diff-base -diff_base "$data/heap-2.pb.gz" "$data/heap-1.pb.gz"

t '--normalize with totals already equal (every ratio 1: nothing scaled)'
compare same --base -base "$data/cpu-3.pb.gz" "$data/cpu-3.pb.gz"
check_eq 'the difference is nothing' 'samples/count=0 cpu/nanoseconds=0 rows=0' \
	"$(totals same.ours.pb.gz)"

t '--normalize with a base that does not merge with the profile'
expect_exit 1 pm --base "$data/heap-1.pb.gz" --normalize "$data/cpu-2.pb.gz"
check_grep 'names the base' "^pprof-merge: $data/heap-1.pb.gz: incompatible period types" "$err"
check_empty 'writes nothing' "$out"
expect_exit 0 pm -k --base "$data/heap-1.pb.gz" --normalize "$data/cpu-2.pb.gz"
check_grep '--keep-going skips it' "^pprof-merge: $data/heap-1.pb.gz: incompatible .* \\(skipped\\)\$" "$err"

t '--normalize without a base'
expect_exit 2 pm --normalize "$data/cpu-1.pb.gz"
check_grep 'says it needs one' '^pprof-merge: --normalize needs --base or --diff-base' "$err"

finish
