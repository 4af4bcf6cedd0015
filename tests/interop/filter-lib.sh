# tests/interop/filter-lib.sh - how the filter suites (filter.sh, regex.sh)
# compare pprof-filter with go tool pprof; filter.sh's header says why.
# Source it after tests/lib.sh, with pf, pprof and top defined.

# sum_traces [TAG.TYPE.traces.all...]: -traces output with the values of
# equal traces summed, in first-seen order, without those that sum to 0 (see
# the top): stdin to stdout, or each file named into TAG.TYPE.traces (one
# process for them all), which must be a report of sample type TYPE.
sum_traces() {
	awk '
		function flush() {
			if (!(key in sum))
				order[++n] = key
			sum[key] += value
		}
		function finish(  i) {
			if (inblock) flush()
			for (i = 1; i <= n; i++)
				if (sum[order[i]] != 0)
					printf "%s= %.0f\n--\n", order[i], sum[order[i]] > out
			if (out != "/dev/stdout" && !typed) {
				print "sum_traces: " FILENAME " is no report of " type > "/dev/stderr"
				failed = 1
			}
			split("", sum); split("", order); n = 0; inblock = 0
		}
		BEGIN { out = "/dev/stdout" }
		FNR == 1 && ARGC > 1 {
			if (FILENAME != ARGV[1]) finish()
			out = FILENAME; sub(/[.]all$/, "", out); printf "" > out
			type = out; sub(/[.]traces$/, "", type); sub(/.*[.]/, "", type); typed = 0
		}
		/^-----------[+]/ { if (inblock) flush(); inblock = 1; key = ""; value = 0; stack = 0; next }
		!inblock { typed = typed || $0 == "Type: " type; print > out; next }
		!stack && /^ *[^ ]+:  / { key = key $0 "\n"; next }
		!stack && /^ *[^ ]+   / {
			stack = 1; v = $1; sub(/[^0-9.-]+$/, "", v); value = v + 0
			line = $0; sub(/^ *[^ ]+/, "", line); key = key line "\n"; next
		}
		{ key = key $0 "\n" }
		END { finish(); exit failed }' "$@"
}

# reports FILE TAG [PPROF_OPTION...]: writes TAG.top and TAG.traces (as
# pprof OPTIONS "${top[@]}" FILE and pprof OPTIONS -traces -unit=ns FILE
# print them, from one run of pprof: go_pprof_batch).
reports() {
	local file=$1 tag=$2
	shift 2
	go_pprof_batch "$@" "${top[@]:1}" "$file" -- "top:$tag.top" unit=ns "traces:$tag.traces.all"
	sum_traces < "$tag.traces.all" > "$tag.traces"
}

# reports_by_type FILE TAG INDEX...: for each sample type INDEX, TAG.INDEX.top
# and TAG.INDEX.traces.all (as reports writes them with -sample_index=INDEX,
# the traces not summed yet: sum_traces does it for several in one process),
# all from one run of pprof: its interactive mode switches the sample type
# and the unit between reports. Only the first top begins with the header
# pprof writes when it starts; ours and theirs are made alike.
reports_by_type() {
	local file=$1 tag=$2 index cmds=()
	shift 2
	for index; do
		cmds+=("sample_index=$index" unit=minimum "top:$tag.$index.top" unit=ns
			"traces:$tag.$index.traces.all")
	done
	go_pprof_batch -sample_index="$1" "${top[@]:1}" "$file" -- "${cmds[@]}"
}

# compare_reports NAME WHAT [INDEX]: the reports of NAME.ours and NAME.theirs
# (of NAME.ours.INDEX and NAME.theirs.INDEX) match.
compare_reports() {
	local ours=$1.ours theirs=$1.theirs
	[ $# -lt 3 ] || { ours=$ours.$3 theirs=$theirs.$3; }
	check_same "$2 -top: ours vs pprof's" "$theirs.top" "$ours.top"
	check_same "$2 -traces: ours vs pprof's" "$theirs.traces" "$ours.traces"
}

# warned FILE: sets warnings to the options a run warned about matching
# nothing, sorted, each followed by a space, in pprof's words ("Focus",
# "ShowFrom", "TagFocus"...) for ours too. (In the shell: stderr is a line
# or two, and an awk in a $(...) cost two processes.)
warned() {
	local line x found=()
	local -A name=([--focus]=Focus [--ignore]=Ignore [--hide]=Hide [--show]=Show
		[--show-from]=ShowFrom [--tagfocus]=TagFocus [--tagignore]=TagIgnore
		[--tagshow]=TagShow [--taghide]=TagHide)
	while IFS= read -r line || [ -n "$line" ]; do
		if [[ $line =~ ^[A-Za-z]+\ expression\ matched\ no\ samples$ ]]; then
			found+=("${line%% *}")
		elif [[ $line =~ ^pprof-filter:\ .*\ matched\ nothing$ && $line =~ \ (--[a-z-]+)\  ]] &&
			[ -n "${name[${BASH_REMATCH[1]}]+set}" ]; then
			found+=("${name[${BASH_REMATCH[1]}]}")
		fi
	done < "$1"
	sort_array found
	warnings=
	for x in "${found[@]}"; do
		warnings+="$x "
	done
}

# same NAME FILE OURS... -- THEIRS...: FILE filtered by pprof-filter OURS and
# by go tool pprof -proto THEIRS gives the same reports for every sample type
# and the same warnings (pprof does not warn for -prune_from; we do).
same() {
	local name=$1 file=$2 ours=() index types traces=() theirs_warned
	shift 2
	while [ "$1" != -- ]; do
		ours+=("$1")
		shift
	done
	shift
	expect_exit_into "$name.ours.pb.gz" "$name.ours.err" 0 pf "${ours[@]}" "$file"
	expect_exit_into "$name.theirs.pb.gz" "$name.theirs.err" 0 pprof -proto "$@" "$file"
	go_pprof_sample_types "$file"
	types=("${sample_types[@]}")
	reports_by_type "$name.ours.pb.gz" "$name.ours" "${types[@]}"
	reports_by_type "$name.theirs.pb.gz" "$name.theirs" "${types[@]}"
	for index in "${types[@]}"; do
		traces+=("$name.ours.$index.traces.all" "$name.theirs.$index.traces.all")
	done
	# (a setting pprof refused would leave the last type on: sum_traces fails)
	sum_traces "${traces[@]}" || exit 99
	for index in "${types[@]}"; do
		compare_reports "$name" "${ours[*]} ($index)" "$index"
	done
	warned "$name.theirs.err"
	theirs_warned=$warnings
	warned "$name.ours.err"
	check_eq "${ours[*]}: the same warnings" "$theirs_warned" "$warnings"
}
