# Interoperability of pprof-merge with google/pprof: for each set of inputs,
# the reports `go tool pprof` prints of OUR merge must be those it prints of
# ITS OWN merge (`go tool pprof -proto`) of the same inputs, and the totals
# per sample type must be those of the inputs. Skipped when there is no Go.
#
# Reports compared, byte for byte, with -symbolize=none (HACKING.md section 5):
#   -traces                                    every sample: stack, labels, value
#   -top -nodecount=100000 -nodefraction=0 -edgefraction=0
#                                              every function's flat and cum
#                                              (the fractions at 0 so no node is
#                                              dropped as small)
#   -tags                                      label keys and values with weights
# once per sample type (-sample_index: the 4 of heap profiles, samples and cpu
# of CPU ones), and the totals per sample type computed from -raw.
#
# Normalisation: none. Looking at the output showed nothing that depends on
# the order of the merge or on the file: pprof itself sorts the label lines of
# a trace (sort.Strings in report.printTraces), orders -top rows that tie on
# flat by name, then cum, then the node's other fields (graph.FlatNameOrder),
# and the headers ("File:" is the first mapping's file, "Time:" and
# "Duration:" come from the merged header) are the same in both merges. Traces
# are printed in sample order, and both tools number samples in first-seen
# order, so that order is compared too. -raw is not compared whole (its ids
# are pprof's own numbering), only its totals.
. "$top_srcdir/tests/lib.sh"

: "${PPROF_MERGE:?}"
find_go || skip 'no go command (set GO to one)'
echo "using $GO: $("$GO" version)"

pm() { "$PPROF_MERGE" "$@"; }
pprof() { go_pprof "$@"; }

cpu=("$data"/cpu-[1-6].pb.gz)

# totals [SIGN:]FILE...: for each FILE without a sign, a line "type/unit=total
# ..." for every sample type, summed over the sample rows of `go tool pprof
# -raw` (values, then a colon and location ids); then, when some have a sign,
# one line with their totals added, or subtracted for a "-" sign ("+:a.pb.gz"
# "-:b.pb.gz"): what a merge (with bases) must hold. One awk over the cached
# -raw of them all (go_pprof_entry: no process to print each).
totals() {
	local arg signs=() raws=()
	for arg; do
		case $arg in
		[-+]:*) signs+=("${arg%%:*}") arg=${arg#?:} ;;
		*) signs+=(=) ;;
		esac
		go_pprof_entry -raw "$arg"
		raws+=("$pprof_entry.out")
	done
	awk -v signs="${signs[*]}" '
		function line(type, sum, n,  i, s) {
			for (i = 1; i <= n; i++) s = s sprintf("%s%s=%.0f", (i > 1 ? " " : ""), type[i], sum[i])
			return s
		}
		BEGIN {
			split(signs, sign, " ")
			for (a = 1; a < ARGC; a++) {
				split("", sum); n = 0; in_samples = 0
				while ((getline row < ARGV[a]) > 0) {
					if (row ~ /^Samples:/) {
						getline row < ARGV[a]; n = split(row, type); in_samples = 1; continue
					}
					if (row ~ /^[A-Z]/) in_samples = 0
					if (in_samples && row ~ /^ *-?[0-9]+( +-?[0-9]+)*:/) {
						sub(/:.*/, "", row); m = split(row, v)
						for (i = 1; i <= m; i++) sum[i] += v[i]
					}
				}
				close(ARGV[a])
				if (sign[a] == "=") { print line(type, sum, n); continue }
				# (as each total is printed, then added: %.0f)
				for (i = 1; i <= n; i++) {
					all[i] += (sign[a] == "-" ? -1 : 1) * sprintf("%.0f", sum[i])
					all_type[i] = type[i]
				}
				all_n = n; signed = 1
			}
			if (signed) print line(all_type, all, all_n)
			exit
		}' "${raws[@]}"
}

# ours NAME ARGS...: pprof-merge ARGS into NAME.ours.pb.gz (exit 0 expected).
ours() {
	local name=$1
	shift
	expect_exit_into "$name.ours.pb.gz" "$name.ours.err" 0 pm "$@"
}

# theirs NAME ARGS...: go tool pprof -proto ARGS into NAME.theirs.pb.gz.
theirs() {
	local name=$1
	shift
	expect_exit_into "$name.theirs.pb.gz" "$name.theirs.err" 0 pprof -proto "$@"
}

# sort_ties FILE...: pprof -tags prints the values of a key by decreasing
# absolute weight, and values whose weights are equal in absolute value but
# not in sign (1.0 and -1.0, in merges with bases) compare as neither less
# nor greater, so sort.Sort leaves them in map order, which changes from run
# to run (seen: five orders in six runs on one file). This sorts each run of
# lines with the same absolute weight, and changes nothing else: each
# TAG-REPORT file into TAG.REPORT, in one process.
sort_ties() {
	awk '
		function flush() { if (n > 1) sort_lines(); for (i = 1; i <= n; i++) print line[i] > out; n = 0 }
		function sort_lines(  i, j, x) {
			for (i = 2; i <= n; i++) { x = line[i]; for (j = i - 1; j >= 1 && line[j] > x; j--) line[j + 1] = line[j]; line[j + 1] = x }
		}
		function output(file,  report) {
			report = file; sub(/.*-/, "", report); sub(/-[a-z]+$/, "", file)
			return file "." report
		}
		BEGIN { for (i = 1; i < ARGC; i++) printf "" > output(ARGV[i]) }   # (some are empty)
		FNR == 1 { flush(); out = output(FILENAME) }
		/^ +-?[0-9][0-9.]*[^ :]*(:| \()/ {   # "  -1.0 (0.017%): 96B" or "  -160.0ms: 12ms"
			w = $1; sub(/^-/, "", w); sub(/:$/, "", w)
			if (n && w != last) flush()
			last = w; line[++n] = $0; next
		}
		{ flush(); print > out }
		END { flush() }' "$@" || exit 99
}

# has_line LINE FILE: FILE has the line LINE (read in the shell, which stops
# at the header's line, where grep cost a process).
has_line() {
	local line
	while IFS= read -r line; do
		[ "$line" != "$1" ] || return 0
	done < "$2"
	return 1
}

# compare_reports NAME: the reports of NAME.ours.pb.gz and NAME.theirs.pb.gz
# are the same for every sample type: -top with -nodecount=100000
# -nodefraction=0 -edgefraction=0, -traces and -tags, each side's from one
# run of pprof (go_pprof_batch: its interactive mode switches sample_index
# between reports; only the first top begins with the header pprof writes
# when it starts, on both sides). (synth-100k.pb.gz is not used: pprof
# takes over 10 s per report of it.)
reports=(top traces tags)
compare_reports() {
	local name=$1 report tag side index types cmds files=()
	go_pprof_sample_types "$name.theirs.pb.gz"
	types=("${sample_types[@]}")
	for side in ours theirs; do
		cmds=()
		for index in "${types[@]}"; do
			tag=$name.sample_index=$index.$side
			cmds+=("sample_index=$index" "top:$tag-top" "traces:$tag-traces" "tags:$tag-tags")
			files+=("$tag-top" "$tag-traces" "$tag-tags")
		done
		go_pprof_batch -sample_index="${types[0]}" -nodecount=100000 -nodefraction=0 \
			-edgefraction=0 "$name.$side.pb.gz" -- "${cmds[@]}"
	done
	sort_ties "${files[@]}"
	for index in "${types[@]}"; do
		tag=$name.sample_index=$index
		has_line "Type: $index" "$tag.ours.traces" ||
			{ echo "compare_reports: no $index report of $name" >&2; exit 99; }
		for report in "${reports[@]}"; do
			check_same "go tool pprof -sample_index=$index -$report: ours vs pprof's" \
				"$tag.theirs.$report" "$tag.ours.$report"
		done
	done
}

# compare NAME SIGN:FILE...: the reports match for every sample type, and the
# totals are pprof's and those of the inputs.
compare() {
	local name=$1 theirs ours inputs
	shift
	compare_reports "$name"
	totals "$name.theirs.pb.gz" "$name.ours.pb.gz" "$@" > "$name.totals"
	{ read -r theirs; read -r ours; read -r inputs; } < "$name.totals"
	check_eq 'totals per sample type: ours vs pprof'"'"'s' "$theirs" "$ours"
	check_eq 'totals per sample type: ours vs the inputs' "$inputs" "$ours"
}


# ---- merges ------------------------------------------------------------------

t 'CPU profiles cpu-1..6 (two binaries, two periods, labels, inlining)'
ours cpu "${cpu[@]}"
theirs cpu "${cpu[@]}"
signs=("${cpu[@]/#/+:}")
compare cpu "${signs[@]}"

t 'one CPU profile alone'
ours one "$data/cpu-3.pb.gz"
theirs one "$data/cpu-3.pb.gz"
compare one "+:$data/cpu-3.pb.gz"

t 'heap profiles (4 sample types)'
ours heap "$data/heap-1.pb.gz" "$data/heap-2.pb.gz"
theirs heap "$data/heap-1.pb.gz" "$data/heap-2.pb.gz"
compare heap "+:$data/heap-1.pb.gz" "+:$data/heap-2.pb.gz"

t 'a profile merged with itself'
ours self "$data/cpu-1.pb.gz" "$data/cpu-1.pb.gz"
theirs self "$data/cpu-1.pb.gz" "$data/cpu-1.pb.gz"
compare self "+:$data/cpu-1.pb.gz" "+:$data/cpu-1.pb.gz"

t 'CPU profiles of different binaries, interleaved'
set -- "$data/cpu-5.pb.gz" "$data/cpu-1.pb.gz" "$data/cpu-6.pb.gz" "$data/cpu-2.pb.gz"
ours bins "$@"
theirs bins "$@"
signs=("${@/#/+:}")
compare bins "${signs[@]}"

t 'goroutine profiles, as a stream of members on stdin'
cat "$data/goroutine.pb.gz" "$data/goroutine.pb.gz" "$data/goroutine.pb.gz" | ours goroutine
theirs goroutine "$data/goroutine.pb.gz" "$data/goroutine.pb.gz" "$data/goroutine.pb.gz"
compare goroutine "+:$data/goroutine.pb.gz" "+:$data/goroutine.pb.gz" "+:$data/goroutine.pb.gz"

t 'Go 1.19 CPU profile with Go 1.23 ones'
set -- "$data/go119-cpu.pb.gz" "$data/cpu-1.pb.gz" "$data/cpu-5.pb.gz"
if pprof -proto "$@" > /dev/null 2>&1; then
	ours go119 "$@"
	theirs go119 "$@"
	signs=("${@/#/+:}")
	compare go119 "${signs[@]}"
else
	echo "note: $GO's pprof does not merge them; so neither may we"
	expect_exit 1 pm "$@"
fi

t 'synthetic profiles (numeric labels with units, comments, functions without names)'
set -- "$data/synth-small-1.pb.gz" "$data/synth-small-2.pb.gz"
ours synth "$@"
theirs synth "$@"
compare synth "+:$1" "+:$2"

t 'synthetic profiles with a real one (different programs and mappings)'
set -- "$data/synth-small-1.pb.gz" "$data/cpu-1.pb.gz" "$data/synth-small-2.pb.gz" "$data/cpu-5.pb.gz"
ours mixed "$@"
theirs mixed "$@"
signs=("${@/#/+:}")
compare mixed "${signs[@]}"

t 'merging merged parts (a tree of merges)'
pm "$data/cpu-1.pb.gz" "$data/cpu-2.pb.gz" "$data/cpu-3.pb.gz" > part1.pb.gz
pm "$data/cpu-4.pb.gz" "$data/cpu-5.pb.gz" > part2.pb.gz
ours tree part1.pb.gz part2.pb.gz "$data/cpu-6.pb.gz"
cp cpu.theirs.pb.gz tree.theirs.pb.gz
signs=("${cpu[@]/#/+:}")
compare tree "${signs[@]}"

# ---- --base and --diff-base ----------------------------------------------------

t '--base vs pprof -base (CPU)'
ours base --base "$data/cpu-1.pb.gz" "$data/cpu-2.pb.gz" "$data/cpu-3.pb.gz"
theirs base -base "$data/cpu-1.pb.gz" "$data/cpu-2.pb.gz" "$data/cpu-3.pb.gz"
compare base "-:$data/cpu-1.pb.gz" "+:$data/cpu-2.pb.gz" "+:$data/cpu-3.pb.gz"

t '--base vs pprof -base (heap, every sample type)'
ours heapbase --base "$data/heap-1.pb.gz" "$data/heap-2.pb.gz"
theirs heapbase -base "$data/heap-1.pb.gz" "$data/heap-2.pb.gz"
compare heapbase "-:$data/heap-1.pb.gz" "+:$data/heap-2.pb.gz"

t '--base twice vs pprof -base of the merged bases'
# go tool pprof keeps only the last -base (its flags take one value each;
# upstream pprof takes several), so its base here is the bases merged first.
ours base2 --base "$data/cpu-1.pb.gz" --base "$data/cpu-2.pb.gz" "$data/cpu-3.pb.gz" "$data/cpu-4.pb.gz"
pprof -proto "$data/cpu-1.pb.gz" "$data/cpu-2.pb.gz" > bases.pb.gz 2>/dev/null
theirs base2 -base bases.pb.gz "$data/cpu-3.pb.gz" "$data/cpu-4.pb.gz"
compare base2 "-:$data/cpu-1.pb.gz" "-:$data/cpu-2.pb.gz" "+:$data/cpu-3.pb.gz" "+:$data/cpu-4.pb.gz"

t '--base of the same profile cancels it'
ours zero --base "$data/cpu-1.pb.gz" "$data/cpu-1.pb.gz"
theirs zero -base "$data/cpu-1.pb.gz" "$data/cpu-1.pb.gz"
compare zero "-:$data/cpu-1.pb.gz" "+:$data/cpu-1.pb.gz"

t '--diff-base vs pprof -diff_base'
ours diff --diff-base "$data/cpu-1.pb.gz" "$data/cpu-2.pb.gz" "$data/cpu-4.pb.gz"
theirs diff -diff_base "$data/cpu-1.pb.gz" "$data/cpu-2.pb.gz" "$data/cpu-4.pb.gz"
compare diff "-:$data/cpu-1.pb.gz" "+:$data/cpu-2.pb.gz" "+:$data/cpu-4.pb.gz"
check_grep 'base samples are labelled' 'pprof::base' diff.sample_index=cpu.ours-tags

t '--diff-base vs pprof -diff_base (synthetic)'
ours synthdiff --diff-base "$data/synth-small-1.pb.gz" "$data/synth-small-2.pb.gz"
theirs synthdiff -diff_base "$data/synth-small-1.pb.gz" "$data/synth-small-2.pb.gz"
compare synthdiff "-:$data/synth-small-1.pb.gz" "+:$data/synth-small-2.pb.gz"

t '--diff-base vs pprof -diff_base (heap)'
ours heapdiff --diff-base "$data/heap-1.pb.gz" "$data/heap-2.pb.gz"
theirs heapdiff -diff_base "$data/heap-1.pb.gz" "$data/heap-2.pb.gz"
compare heapdiff "-:$data/heap-1.pb.gz" "+:$data/heap-2.pb.gz"

# ---- incompatible profiles -------------------------------------------------------

t 'CPU + heap: both tools refuse'
expect_exit 1 pprof -proto "$data/cpu-1.pb.gz" "$data/heap-1.pb.gz"
expect_exit 1 pm "$data/cpu-1.pb.gz" "$data/heap-1.pb.gz"
check_empty 'nothing written' "$out"
expect_exit 1 pprof -proto -base "$data/heap-1.pb.gz" "$data/cpu-1.pb.gz"
expect_exit 1 pm --base "$data/heap-1.pb.gz" "$data/cpu-1.pb.gz"
check_empty 'nothing written (--base)' "$out"
expect_exit 1 pprof -proto "$data/cpu-1.pb.gz" "$data/goroutine.pb.gz"
expect_exit 1 pm "$data/cpu-1.pb.gz" "$data/goroutine.pb.gz"

finish
