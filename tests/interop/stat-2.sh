# Interoperability of pprof-stat with google/pprof, part 2: merges, a
# --diff-base merge, a large and an odd profile. What is compared, and how:
# stat-lib.sh.
. "$top_srcdir/tests/interop/stat-lib.sh"

# ---- profiles -----------------------------------------------------------------

t 'CPU profiles cpu-1..6, merged by both tools'
compare cpu "$data"/cpu-[1-6].pb.gz

t 'heap profiles, merged by both tools'
compare heap "$data/heap-1.pb.gz" "$data/heap-2.pb.gz"

t 'a --diff-base merge: negative values and base samples'
compare diff diff.pb.gz

t 'a large synthetic profile (nodes dropped, numeric labels with units)'
# synth-25k.pb.gz: 21845 locations, 5798 functions, stacks up to 200 deep,
# 25000 samples (synth-100k's universe with a quarter of its samples: each
# of pprof's top tables costs about a third of synth-100k's, 2.0 s of CPU
# against 5.7 s measured side by side). pprof takes far longer for each
# report of a profile with labels, nearly all of it formatting the numeric
# labels of every sample at each of its nodes (graph.New). The reports
# compared here show no labels: the top tables, the folded stacks and the
# totals of -raw are the same for both. So pprof reports on its own copy
# without labels (-proto -taghide='.*'), and pprof-stat on the profile as it
# is. The folded stacks are compared with those of -raw, not -traces, which
# costs pprof as much as all the top tables.
synth=$data/synth-25k.pb.gz
pprof -proto -taghide='.*' "$synth" > synth-nolabels.pb.gz 2>/dev/null || exit 99
pprof_copy[$synth]=synth-nolabels.pb.gz
top_commands synth cpu
go_pprof_batch -sample_index=cpu synth-nolabels.pb.gz -- "${cmds[@]}"
compare_tops synth cpu "$synth"
expect_exit 0 ps --json "$synth"
check_eq 'totals: ours vs pprof -raw' "$(raw_totals synth-nolabels.pb.gz)" \
	"$(jq -r '[.sample_types[] | "\(.type)/\(.unit)=\(.total)"] | join(" ")' "$out")"
# (the stacks from -raw, not -traces: see raw_folded)
ps --folded --sample-type 1 "$synth" > synth.1.folded.ours
raw_folded 1 synth-nolabels.pb.gz > synth.1.folded.theirs
check_same 'folded stacks of sample type 1: ours vs pprof -raw' \
	synth.1.folded.theirs synth.1.folded.ours

if [ -n "$odd" ]; then
	t 'a profile of odd names, frames and labels'
	expect_exit 0 ps --json "$odd"
	# Go 1.19's pprof leaves the sample without a stack out of -raw (1.23's
	# keeps it; the versions between were not tried).
	if need_go 1.23 'totals: ours vs pprof -raw, with a sample without a stack'; then
		check_eq 'totals: ours vs pprof -raw' "$(raw_totals "$odd")" \
			"$(jq -r '[.sample_types[] | "\(.type)/\(.unit)=\(.total)"] | join(" ")' "$out")"
	fi
	cp "$out" odd.json
	index=0
	for type in samples alloc; do
		pprof_reports odd "$type" "$index" "$(jq -r ".sample_types[$index].unit" odd.json)" "$odd"
		compare_tops odd "$type" "$odd"
		compare_folded odd "$index" "$odd"
		index=$((index + 1))
	done
fi

finish
