# Interoperability of pprof-stat's views at pprof's granularities with
# google/pprof: --traces, the --top table and --folded at --functions,
# --filefunctions, --files, --lines, --addresses, and --noinlines (with
# --functions, --lines and --addresses), against `go tool pprof
# -symbolize=none` with the same settings on the same inputs:
#   --traces   byte for byte from pprof's first separator line on;
#   --top 0    from the legend on, byte for byte (pprof's top of every node);
#   --folded   against pprof's traces summed per stack (traces_folded of
#              stat-lib.sh), printed with an exact -unit.
# One pprof process per input and sample type gives every report
# (go_pprof_batch: option settings and commands on its stdin). Inputs: the
# real fixtures (cpu-1 has inlined frames), a merge of two (both
# tools merge), a -diff_base merge (negative values, pprof::base labels) and
# the odd profile of stat-lib.sh (nameless functions, locations without
# lines or mapping, ';' in a name, repeated labels, a sample without stack)
# and the paths profile (tests/data/make-paths-profile.pl: file names that
# pprof cleans and trims, two functions that are one node only after
# trimming, nameless functions in files, columns, an inline chain).
. "$top_srcdir/tests/interop/stat-lib.sh"

: "${PPROF_TAG:?}"
# The pprof these views follow: Go 1.19's prints no traces of zero-valued
# samples and knows no columns.
need_go 1.23

# "granularity noinlines" settings, as pprof's option names have them: all
# of them, or some (each granularity's code once, for the inputs that only
# add more of the same: a suite's time counts in make check).
all=('functions false' 'filefunctions false' 'files false' 'lines false'
	'addresses false' 'functions true' 'lines true' 'addresses true')
some=('files false' 'lines true' 'addresses false')

# setting NAME INDEX CONFIG: sets g and inl to the granularity and the
# noinlines of a setting of configs ("GRANULARITY NOINLINES"), tag to the
# name its files begin with and flags to pprof-stat's options for it.
setting() {
	read -r g inl <<< "$3"
	tag=$1.$2.$g.$inl
	flags=(--sample-type "$2" "--$g")
	[ "$inl" = false ] || flags+=(--noinlines)
}

# compare_views NAME INDEX UNIT FILE...: every view at each setting of
# configs agrees for the sample type at INDEX (of unit UNIT).
compare_views() {
	local name=$1 index=$2 unit=$3 exact c g inl tag cmds=() flags cuts exact_file
	shift 3
	exact=$(exact_unit "$unit")
	exact=${exact#-unit=}
	pprof_sees "$@"
	for c in "${configs[@]}"; do
		setting "$name" "$index" "$c"
		cmds+=("granularity=$g" "noinlines=$inl" "traces:$tag.traces.pprof"
			"top1000000000:$tag.top.pprof")
		[ -z "$exact" ] || cmds+=("unit=$exact" "traces:$tag.exact.pprof" 'unit=minimum')
	done
	go_pprof_batch -sample_index="$index" "${seen[@]}" -- "${cmds[@]}"
	cuts=()
	for c in "${configs[@]}"; do
		setting "$name" "$index" "$c"
		ps --traces "${flags[@]}" "$@" > "$tag.traces.all"
		ps --top 0 "${flags[@]}" "$@" > "$tag.top.all"
		ps --folded "${flags[@]}" "$@" > "$tag.folded.ours"
		cuts+=("$tag.traces.all" "$tag.traces.pprof" "$tag.top.all" "$tag.top.pprof")
	done
	# (one awk for every setting: the traces from the first separator line
	# on, as sed -n '/^-----------+-/,$p' gives them, and the tables from the
	# legend on ("Showing nodes accounting for"); FILE.all or .pprof to FILE.ours or
	# .theirs)
	awk '
		BEGIN { for (i = 1; i < ARGC; i++) printf "" > output(ARGV[i]) }
		function output(file) {
			if (sub(/[.]all$/, ".ours", file)) return file
			sub(/[.]pprof$/, ".theirs", file); return file
		}
		FNR == 1 {
			out = output(FILENAME); on = 0
			from = FILENAME ~ /[.]traces[.]/ ? "^-----------[+]-" : "^Showing nodes accounting for"
		}
		!on && $0 ~ from { on = 1 }
		on { print > out }' "${cuts[@]}" || exit 99
	for c in "${configs[@]}"; do
		setting "$name" "$index" "$c"
		check 'pprof printed traces' test -s "$tag.traces.theirs"
		check_same "--traces ${flags[*]}: ours vs pprof's" "$tag.traces.theirs" "$tag.traces.ours"
		check_same "--top 0 ${flags[*]}: ours vs pprof's" "$tag.top.theirs" "$tag.top.ours"
		# (without an exact unit, the traces as printed are exact)
		exact_file=$tag.exact.pprof
		[ -n "$exact" ] || exact_file=$tag.traces.pprof
		traces_folded < "$exact_file" > "$tag.folded.theirs"
		check_same "--folded ${flags[*]}: ours vs pprof -traces" "$tag.folded.theirs" \
			"$tag.folded.ours"
	done
}

# views NAME INDEX all|some FILE...: compare_views with the unit of the
# sample type, at all settings or some.
views() {
	local name=$1 index=$2 configs
	eval "configs=(\"\${$3[@]}\")"
	shift 3
	t "$name, sample type $index, $(IFS=,; echo "${configs[*]}")"
	ps --json "$@" > "$name.json" || exit 99
	compare_views "$name" "$index" "$(jq -r ".sample_types[$index].unit" "$name.json")" "$@"
}

# (the default sample type, the last, except for heap-1: alloc_space)
views cpu-1 1 all "$data/cpu-1.pb.gz"
views heap-1 1 some "$data/heap-1.pb.gz"
views go119-cpu 1 some "$data/go119-cpu.pb.gz"
views synth-small-1 1 some "$data/synth-small-1.pb.gz"
views goroutine 0 some "$data/goroutine.pb.gz"
views cpu-2+3 1 some "$data/cpu-2.pb.gz" "$data/cpu-3.pb.gz"
views diff 1 some diff.pb.gz
# File names that pprof cleans, and trims in top tables only; columns.
if command -v perl >/dev/null; then
	perl "$data/make-paths-profile.pl" > paths.pb || exit 99
	views paths 1 all paths.pb
fi
# (its label "who" holds control characters, which pprof prints raw and we
# escape: pprof-tag sets it to plain text first)
if [ -n "$odd" ]; then
	"$PPROF_TAG" --set who=plain "$odd" > odd-plain.pb.gz || exit 99
	views odd 1 all odd-plain.pb.gz
fi

finish
