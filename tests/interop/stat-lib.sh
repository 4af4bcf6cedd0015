# Interoperability of pprof-stat with google/pprof: every number pprof-stat
# reports must be the one `go tool pprof -symbolize=none` (HACKING.md section
# 5) computes from the same inputs. Skipped when there is no Go or no jq.
# What stat-1.sh (each profile alone) and stat-2.sh (merges, a diff, a large
# and an odd profile) share; in two scripts so that make -j runs them side
# by side.
#
# Compared, for each set of inputs (one profile or several, which both tools
# merge) and every sample type:
#   the top table    ours from its legend ("Showing nodes accounting for")
#                    to the last row, byte for byte, against `-top` with the
#                    same -nodecount (10, 30 and all) and -cum or not;
#   the totals       .sample_types[].total of --json against the sums of the
#                    sample rows of `-raw`;
#   --by KEY         for string keys, the rows' percentages and values in
#                    order against the KEY block of `-tags`, and the number
#                    of values against .labels; for every key, the exact
#                    weights of --json against sums over the samples of
#                    `-raw` (-tags shows them rounded to one decimal);
#   --folded         against the stacks of `-traces` summed per stack, with
#                    -unit=ns or -unit=b where the sample type has such a
#                    unit so that pprof prints exact values, and with ';' in
#                    names written ':' as pprof-stat documents.
# Normalisation: none besides that ';'. Both tools break ties of the tables
# by name, so the row order is compared too. Of synth-25k.pb.gz pprof reads
# its own copy without labels, which none of these reports shows (see there).
. "$top_srcdir/tests/lib.sh"

: "${PPROF_STAT:?}" "${PPROF_MERGE:?}"
find_go || skip 'no go command (set GO to one)'
command -v jq >/dev/null || skip 'no jq'
echo "using $GO: $("$GO" version)"

ps() { "$PPROF_STAT" "$@"; }
pprof() { go_pprof "$@"; }

# The same odd profile as tests/cli/stat.sh makes (nameless functions,
# locations without lines or mapping, ';' in a name, an inlined frame,
# repeated labels, a sample without a stack).
odd=
if command -v perl >/dev/null; then
	odd=odd.pb
	perl "$data/make-odd-profile.pl" > odd.pb
fi

# A merge with bases (negative values, pprof::base labels), made by
# pprof-merge: both tools then read the same file.
"$PPROF_MERGE" --diff-base "$data/cpu-1.pb.gz" "$data/cpu-2.pb.gz" "$data/cpu-3.pb.gz" \
	> diff.pb.gz || exit 99

# pprof_sees FILE...: sets the array seen to the files pprof reads in place
# of FILE...: the copy pprof_copy names for a file, else the file itself.
declare -A pprof_copy=()
pprof_sees() {
	local f
	seen=()
	for f; do seen+=("${pprof_copy[$f]:-$f}"); done
}

# raw_totals FILE...: "type/unit=total ..." from the sample rows of -raw.
raw_totals() {
	go_pprof_entry -raw "$@"
	awk '
		/^Samples:/ { getline; n = split($0, type); in_samples = 1; next }
		/^[A-Z]/ { in_samples = 0 }
		in_samples && /^ *-?[0-9]+( +-?[0-9]+)*:/ {
			sub(/:.*/, ""); for (i = 1; i <= NF; i++) sum[i] += $i
		}
		END { for (i = 1; i <= n; i++) printf "%s%s=%.0f", (i > 1 ? " " : ""), type[i], sum[i]; print "" }' \
		"$pprof_entry.out"
}

# raw_by_label INDEX KEY FILE...: "value weight" per value of label KEY and
# "(none) weight" for samples without it ("(none) 0" when every sample has
# it, as --json's unlabelled says), summed from the samples of -raw for the
# sample type at INDEX, sorted. -raw prints labels as key:[v1 v2]
# and numeric ones with units as key:[n1 unit n2 unit]; values must have no
# spaces.
raw_by_label() {
	local index=$1 key=$2
	shift 2
	go_pprof_entry -raw "$@"
	awk -v col="$((index + 1))" -v key="$key" '
		function flush() { if (have_sample && !labelled) sum["(none)"] += w; have_sample = 0 }
		function add(v) { if (!(numeric && v !~ /^-?[0-9]+$/)) sum[v] += w }
		/^Samples:/ { getline; in_samples = 1; next }
		/^[A-Z]/ { flush(); in_samples = 0 }
		!in_samples { next }
		/^ *-?[0-9]+( +-?[0-9]+)*:/ { flush(); sub(/:.*/, ""); w = $col; have_sample = 1; labelled = 0; next }
		{
			for (i = 1; i <= NF; i++) {
				if (index($i, key ":[") != 1) continue
				v = substr($i, length(key) + 3); labelled = 1
				numeric = v ~ /^-?[0-9]+\]?$/
				for (; i <= NF; v = $(++i)) { if (sub(/\]$/, "", v)) { add(v); break } add(v) }
			}
		}
		END {
			flush(); for (v in sum) printf "%s %.0f\n", v, sum[v]
			if (!("(none)" in sum)) print "(none) 0"
		}' "$pprof_entry.out" | LC_ALL=C sort
}

# tags_block KEY: the rows of KEY's block of `-tags` (stdin) as "pct value",
# "- value" when pprof shows no percentage (a total <= 0), as we do.
tags_block() {
	awk -v key="$1" '
		$0 ~ "^ *" key ": Total " { inside = 1; next }
		inside && /^ *$/ { exit }
		inside && sub(/^ *[^ ]+ \( */, "") { sub(/\): /, " "); print; next }
		inside { sub(/^ *[^ ]+: /, "- "); print }   # no percentage: total <= 0'
}

# our_by_rows: the rows of a --by text report (stdin) as "pct value": the
# lines after its header line ("  VALUE  %  KEY", the first to match).
our_by_rows() {
	sed -E '0,/^ *[^ ]+ +% +/d; s/^ *[^ ]+ +([^ ]+) +/\1 /'
}

# traces_folded: the -traces report (stdin) as collapsed stacks, summed.
traces_folded() {
	awk '
		function flush(  s, i) {
			if (!n) return
			s = f[n]; for (i = n - 1; i >= 1; i--) s = s ";" f[i]
			sum[s] += v; n = 0
		}
		/^-----------\+-/ { flush(); inside = 1; next }
		!inside || substr($0, 11, 1) == ":" { next }
		{   # "%10s   %s": a value (wider than 10 with -unit) on the leaf only
			if (substr($0, 1, 13) ~ /^ +$/) {
				name = substr($0, 14)
			} else {
				flush(); name = $0; sub(/^ */, "", name)
				v = name + 0; sub(/^[^ ]+   /, "", name)
			}
			sub(/ \(inline\)$/, "", name); gsub(/;/, ":", name)
			f[++n] = name
		}
		END { flush(); for (s in sum) if (sum[s] != 0) printf "%s %.0f\n", s, sum[s] }' | LC_ALL=C sort
}

# exact_unit UNIT: a pprof -unit that prints values of UNIT exactly.
exact_unit() {
	case $1 in
	nanoseconds) echo -unit=ns ;;
	bytes) echo -unit=b ;;
	esac
}

# raw_folded INDEX FILE...: the samples of -raw as collapsed stacks, summed,
# for the sample type at INDEX: the same lines as traces_folded makes of
# -traces, from a report that costs pprof a fraction of -traces on a large
# profile (10 s against 25 s of CPU for synth-100k). -raw prints each
# location as "ID: ADDRESS [M=MAPPING] NAME FILE:LINE:COLUMN s=START", its
# inlined callers on the lines after it, leaf first as the sample's ids.
raw_folded() {
	local index=$1
	shift
	go_pprof_entry -raw "$@"
	awk -v col="$((index + 1))" '
		function name_of(line) {   # the name may have spaces
			sub(/ s=-?[0-9]+$/, "", line); sub(/ [^ ]*:-?[0-9]+:-?[0-9]+$/, "", line)
			gsub(/;/, ":", line); return line
		}
		/^Samples:/ { getline; section = "samples"; next }
		/^Locations/ { section = "locations"; next }
		/^[A-Z]/ { section = ""; next }
		section == "samples" && /^ *-?[0-9]+( +-?[0-9]+)*:/ {
			split($0, part, ":"); split(part[1], v, " ")
			value[part[2]] += v[col]; next   # (summed per stack of ids first)
		}
		section == "locations" && /^ *[0-9]+: / {
			id = $1 + 0; line = $0; sub(/^ *[0-9]+: [^ ]+ (M=[0-9]+ )?/, "", line)
			frames[id] = name_of(line); next
		}
		section == "locations" && /^  +[^ ]/ {
			line = $0; sub(/^ +/, "", line); frames[id] = frames[id] "\n" name_of(line); next
		}
		END {
			for (ids in value) {
				m = split(ids, loc, " "); stack = ""
				for (j = 1; j <= m; j++) {
					k = split(frames[loc[j]], name, "\n")
					for (x = 1; x <= k; x++) stack = (stack == "") ? name[x] : name[x] ";" stack
				}
				sum[stack] += value[ids]
			}
			for (stack in sum) if (sum[stack] != 0) printf "%s %.0f\n", stack, sum[stack]
		}' "$pprof_entry.out" | LC_ALL=C sort
}

# top_commands NAME TYPE: sets cmds to go_pprof_batch's commands for the six
# top tables compare_tops reads, in NAME.TYPE.N.SORT.pprof: -top -nodecount=N
# is the command topN, and -top alone, which shows every node, is
# top1000000000 (a plain top shows 10 in that mode).
top_commands() {
	local n cmd
	cmds=()
	for n in 10 30 0; do
		cmd=top$n
		[ "$n" != 0 ] || cmd=top1000000000
		cmds+=("$cmd:$1.$2.$n.flat.pprof" "$cmd -cum:$1.$2.$n.cum.pprof")
	done
}

# pprof_reports NAME TYPE INDEX UNIT FILE...: pprof's reports on the inputs
# for sample type TYPE (at INDEX, of UNIT), all from one run of pprof: the
# top tables of top_commands, the -traces compare_folded reads (in the unit
# exact_unit picks) in NAME.INDEX.traces, and the -tags compare_by reads in
# NAME.INDEX.tags.
pprof_reports() {
	local name=$1 type=$2 index=$3 unit cmds
	unit=$(exact_unit "$4")
	shift 4
	top_commands "$name" "$type"
	[ -z "$unit" ] || cmds+=("${unit#-}")
	cmds+=("traces:$name.$index.traces" unit=minimum "tags:$name.$index.tags")
	pprof_sees "$@"
	go_pprof_batch -sample_index="$type" "${seen[@]}" -- "${cmds[@]}"
}

# compare_tops NAME TYPE FILE...: the top tables agree for sample type TYPE
# (pprof's from pprof_reports).
compare_tops() {
	local name=$1 type=$2 n sort tag files=()
	shift 2
	for n in 10 30 0; do
		for sort in flat cum; do
			local ours=()
			tag=$name.$type.$n.$sort
			[ "$sort" = cum ] && ours+=(--cum)
			ps --top "$n" "${ours[@]}" --sample-type "$type" "$@" > "$tag.ours.all"
			files+=("$tag.ours.all" "$tag.pprof")
		done
	done
	# (each file's lines from pprof's legend on, in TAG.ours and TAG.theirs)
	awk 'FNR == 1 { out = FILENAME; sub(/[.](ours[.]all|pprof)$/, "", out)
	                out = out (FILENAME ~ /pprof$/ ? ".theirs" : ".ours"); printf "" > out; on = 0 }
	     /^Showing nodes accounting for/ { on = 1 }
	     on { print > out }' "${files[@]}" || exit 99
	for n in 10 30 0; do
		for sort in flat cum; do
			tag=$name.$type.$n.$sort
			check 'pprof printed a table' test -s "$tag.theirs"
			check_same "top $n by $sort $type: ours vs pprof's" "$tag.theirs" "$tag.ours"
		done
	done
}

# compare_folded NAME INDEX FILE...: collapsed stacks agree (pprof's from the
# -traces of pprof_reports).
compare_folded() {
	local name=$1 index=$2
	shift 2
	ps --folded --sample-type "$index" "$@" > "$name.$index.folded.ours"
	traces_folded < "$name.$index.traces" > "$name.$index.folded.theirs"
	check_same "folded stacks of sample type $index: ours vs pprof -traces" \
		"$name.$index.folded.theirs" "$name.$index.folded.ours"
}

# compare_by NAME INDEX KEY NUMBERS STRINGS FILE...: the breakdown by KEY
# agrees (pprof's rows from the -tags of pprof_reports). NUMBERS and STRINGS
# are the counts of KEY's values of each kind in --json's .labels.
compare_by() {
	local name=$1 index=$2 key=$3 numbers=$4 strings=$5 tag=$1.$2.$3 rows
	shift 5
	ps --json --by "$key" --sample-type "$index" "$@" > "$tag.json"
	# (sorted in jq: code point order is LC_ALL=C sort's byte order in UTF-8)
	jq -r '[(.by.values[] | "\(.value) \(.weight)"), "(none) \(.by.unlabelled)"] | sort[]' \
		"$tag.json" > "$tag.weights.ours"
	raw_by_label "$index" "$key" "$@" > "$tag.weights.theirs"
	check_same "--by $key, sample type $index: weights vs pprof -raw" \
		"$tag.weights.theirs" "$tag.weights.ours"
	if [ "$numbers" = 0 ]; then
		ps --by "$key" --sample-type "$index" "$@" | our_by_rows > "$tag.rows.ours"
		tags_block "$key" < "$name.$index.tags" > "$tag.rows.theirs"
		check_same "--by $key, sample type $index: rows vs pprof -tags" \
			"$tag.rows.theirs" "$tag.rows.ours"
		mapfile -t rows < "$tag.rows.theirs"
		check_eq "number of values of $key vs pprof -tags" "${#rows[@]}" "$strings"
	fi
}

# compare NAME FILE...: everything, for every sample type of the inputs.
compare() {
	local name=$1 index=0 type totals units labels label
	shift
	expect_exit 0 ps --json "$@"
	cp "$out" "$name.json"
	jqset "$name.json" totals='[.sample_types[] | "\(.type)/\(.unit)=\(.total)"] | join(" ")' \
		units='.sample_types[].unit' labels='.labels[] | "\(.key) \(.numbers) \(.strings)"'
	mapfile -t units <<< "$units"
	mapfile -t labels <<< "$labels"
	check_eq 'totals: ours vs pprof -raw' "$(raw_totals "$@")" "$totals"
	go_pprof_sample_types "$@"
	for type in "${sample_types[@]}"; do
		pprof_reports "$name" "$type" "$index" "${units[index]}" "$@"
		compare_tops "$name" "$type" "$@"
		compare_folded "$name" "$index" "$@"
		for label in "${labels[@]}"; do
			[ -z "$label" ] || compare_by "$name" "$index" $label "$@"   # (KEY NUMBERS STRINGS)
		done
		index=$((index + 1))
	done
}
