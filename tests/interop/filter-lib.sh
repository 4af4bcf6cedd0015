# tests/interop/filter-lib.sh - how the filter suites (filter.sh, regex.sh)
# compare pprof-filter with go tool pprof; filter.sh's header says why.
# Source it after tests/lib.sh, with pf, pprof and top defined.

# sample_types FILE: the names of the profile's sample types.
sample_types() {
	go_pprof_cached -raw "$1" 2>/dev/null | sed -n '/^Samples:/{n;s|/[^ ]*||g;p;}'
}

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
# and TAG.INDEX.traces (as reports writes them with -sample_index=INDEX),
# all from one run of pprof: its interactive mode switches the sample type
# and the unit between reports. Only the first top begins with the header
# pprof writes when it starts; ours and theirs are made alike.
reports_by_type() {
	local file=$1 tag=$2 index cmds=() traces=()
	shift 2
	for index; do
		cmds+=("sample_index=$index" unit=minimum "top:$tag.$index.top" unit=ns
			"traces:$tag.$index.traces.all")
		traces+=("$tag.$index.traces.all")
	done
	go_pprof_batch -sample_index="$1" "${top[@]:1}" "$file" -- "${cmds[@]}"
	# (a setting pprof refused would leave the last type on: sum_traces fails)
	sum_traces "${traces[@]}" || exit 99
}

# compare_reports NAME WHAT [INDEX]: the reports of NAME.ours and NAME.theirs
# (of NAME.ours.INDEX and NAME.theirs.INDEX) match.
compare_reports() {
	local ours=$1.ours theirs=$1.theirs
	[ $# -lt 3 ] || { ours=$ours.$3 theirs=$theirs.$3; }
	check_same "$2 -top: ours vs pprof's" "$theirs.top" "$ours.top"
	check_same "$2 -traces: ours vs pprof's" "$theirs.traces" "$ours.traces"
}

# warned FILE: the options a run warned about matching nothing, sorted, in
# pprof's words ("Focus", "ShowFrom", "TagFocus"...) for ours too.
warned() {
	awk '
		BEGIN {
			n = split("focus Focus ignore Ignore hide Hide show Show show-from ShowFrom " \
			          "tagfocus TagFocus tagignore TagIgnore tagshow TagShow taghide TagHide", a)
			for (i = 1; i < n; i += 2) name["--" a[i]] = a[i + 1]
		}
		/^[A-Za-z]+ expression matched no samples$/ { found[++n] = $1 }
		/^pprof-filter: .* matched nothing$/ && match($0, / --[a-z-]+ /) {
			o = substr($0, RSTART + 1, RLENGTH - 2)
			if (o in name) found[++n] = name[o]
		}
		END {   # sorted, each followed by a space
			for (i = 2; i <= n; i++)
				for (j = i; j > 1 && found[j - 1] > found[j]; j--) {
					x = found[j]; found[j] = found[j - 1]; found[j - 1] = x
				}
			for (i = 1; i <= n; i++) printf "%s ", found[i]
		}' "$1"
}

# same NAME FILE OURS... -- THEIRS...: FILE filtered by pprof-filter OURS and
# by go tool pprof -proto THEIRS gives the same reports for every sample type
# and the same warnings (pprof does not warn for -prune_from; we do).
same() {
	local name=$1 file=$2 ours=() index
	shift 2
	while [ "$1" != -- ]; do
		ours+=("$1")
		shift
	done
	shift
	expect_exit_into "$name.ours.pb.gz" "$name.ours.err" 0 pf "${ours[@]}" "$file"
	expect_exit_into "$name.theirs.pb.gz" "$name.theirs.err" 0 pprof -proto "$@" "$file"
	local types=($(sample_types "$file"))
	reports_by_type "$name.ours.pb.gz" "$name.ours" "${types[@]}"
	reports_by_type "$name.theirs.pb.gz" "$name.theirs" "${types[@]}"
	for index in "${types[@]}"; do
		compare_reports "$name" "${ours[*]} ($index)" "$index"
	done
	check_eq "${ours[*]}: the same warnings" "$(warned "$name.theirs.err")" \
		"$(warned "$name.ours.err")"
}
