# Interoperability of the label views with google/pprof, on the fixtures
# with labels (string labels on the CPU and goroutine profiles, numeric ones
# without a unit on the heap profiles, with units on the synthetic ones).
# Skipped without Go.
#
# Compared, byte for byte:
#   pprof-stat --tags          against -tags (every line: pprof prints no
#                              header), for every sample type, for a merge
#                              of two profiles and one with a base
#                              (negative weights; and --each gives each
#                              profile's under its name);
#   pprof-stat --by K1,K2      each key's table, its rows as "pct value" in
#                              order, against that key's block of -tags with
#                              -tagshow='^(K1|K2)$' (string keys: --by shows
#                              numbers its own way, as stat-lib.sh says);
#   pprof-filter --tagroot/--tagleaf
#                              pprof's -top and -traces (-unit=ns) of our
#                              filtered profile against those pprof prints
#                              of the input with -tagroot/-tagleaf: so the
#                              frames, their names and their order are
#                              pprof's; with --focus too (the frames come
#                              first; -traces only, without the header's
#                              total: pprof's shares are of the unfocused
#                              total), and the warning for a key no sample
#                              has. -traces is normalised as filter.sh says
#                              (our filter merges samples that became equal
#                              and drops all-zero ones); lines pprof adds
#                              about its active filters are left out.
# pprof answers many reports in one run (go_pprof_batch, option settings
# such as tagroot=KEY between them).
. "$top_srcdir/tests/lib.sh"

: "${PPROF_STAT:?}" "${PPROF_FILTER:?}" "${PPROF_MERGE:?}"
find_go || skip 'no go command (set GO to one)'
echo "using $GO: $("$GO" version)"

ps() { "$PPROF_STAT" "$@"; }
pf() { "$PPROF_FILTER" "$@"; }

. "$top_srcdir/tests/interop/filter-lib.sh"

# tags_block KEY: the rows of KEY's block of `-tags` (stdin) as "pct value".
tags_block() {
	awk -v key="$1" '
		$0 ~ "^ *" key ": Total " { inside = 1; next }
		inside && /^ *$/ { exit }
		inside && sub(/^ *[^ ]+ \( */, "") { sub(/\): /, " "); print }'
}

# our_by_rows KEY: the rows of KEY's table of a --by text report (stdin) as
# "pct value".
our_by_rows() {
	sed -n "/ by $1: /,/^\$/p" | sed -En '/^ *[^ ]+ +% +/,/^$/p' | sed '1d;/^$/d' |
		sed -E 's/^ *[^ ]+ +([^ ]+) +/\1 /'
}

# n_types FILE: the number of sample types of the profile.
n_types() {
	ps --json "$1" | sed -n 's/^ *{"type": .*/x/p' | wc -l
}

# ---- --tags -------------------------------------------------------------------

# A merge with a base: negative weights, and the key pprof::base.
"$PPROF_MERGE" --diff-base "$data/cpu-1.pb.gz" "$data/cpu-2.pb.gz" "$data/cpu-3.pb.gz" \
	> diff.pb.gz || exit 99

t '--tags'
for f in cpu-1 cpu-5 go119-cpu goroutine heap-1 heap-2 synth-small-1 diff; do
	file=$data/$f.pb.gz
	[ "$f" != diff ] || file=diff.pb.gz
	n=$(n_types "$file")
	cmds=()
	for ((i = 0; i < n; i++)); do
		cmds+=("sample_index=$i" "tags:$f.$i.tags.theirs")
	done
	go_pprof_batch "$file" -- "${cmds[@]}"
	for ((i = 0; i < n; i++)); do
		ps --tags --sample-type "$i" "$file" > "$f.$i.tags.ours"
		check 'pprof printed tags' test -s "$f.$i.tags.theirs"
		check_same "$f, sample type $i: --tags vs pprof -tags" \
			"$f.$i.tags.theirs" "$f.$i.tags.ours"
	done
done

t '--tags of a merge, and --each'
go_pprof_batch "$data/cpu-1.pb.gz" "$data/cpu-4.pb.gz" -- unit=minimum "tags:merged.tags.theirs"
ps --tags "$data/cpu-1.pb.gz" "$data/cpu-4.pb.gz" > merged.tags.ours
check_same 'cpu-1 + cpu-4 merged: --tags vs pprof -tags' merged.tags.theirs merged.tags.ours
ps --tags --each "$data/cpu-1.pb.gz" "$data/heap-1.pb.gz" > each.tags
{
	echo "==> $data/cpu-1.pb.gz: profile 1 <=="
	ps --tags "$data/cpu-1.pb.gz"
	echo "==> $data/heap-1.pb.gz: profile 1 <=="
	ps --tags "$data/heap-1.pb.gz"
} > each.tags.want
check_same '--each: each profile'"'"'s tags under its name' each.tags.want each.tags

# ---- --by KEY,KEY ----------------------------------------------------------------

t '--by several keys'
for spec in cpu-1:endpoint,worker goroutine:role,endpoint synth-small-1:endpoint; do
	f=${spec%%:*} keys=${spec#*:}
	go_pprof_batch "$data/$f.pb.gz" -- "tagshow=^(${keys//,/|})\$" "tags:$f.by.theirs"
	ps --by "$keys" "$data/$f.pb.gz" > "$f.by.ours"
	IFS=, read -ra list <<< "$keys"
	for key in "${list[@]}"; do
		tags_block "$key" < "$f.by.theirs" > "$f.by.$key.theirs"
		our_by_rows "$key" < "$f.by.ours" > "$f.by.$key.ours"
		check "pprof shows $key" test -s "$f.by.$key.theirs"
		check_same "$f --by $keys: the $key table vs pprof -tags" \
			"$f.by.$key.theirs" "$f.by.$key.ours"
	done
done

# ---- pprof-filter --tagroot, --tagleaf ---------------------------------------------

# quiet FILE: a report without what pprof says about its active filters
# (a block of its -top and -traces) and its warnings (stderr, compared
# apart).
quiet() {
	sed -e '/^Active filters:$/,/^[^ ]/{/^Active filters:$/d;/^   /d;}' \
		-e '/ expression matched no samples$/d' "$1"
}

# A case: a name, the fixture, our options and pprof's settings (';'
# between them), and the unit of -traces: ns, so that values print whole,
# unless a frame is a number with a unit, which pprof writes in that unit
# too (-unit is also how -tagroot formats numbers).
cases=(
	'root2 cpu-1 --tagroot=endpoint,worker tagroot=endpoint,worker ns'
	'leaf cpu-1 --tagleaf=worker tagleaf=worker ns'
	'both synth-small-1 --tagroot=latency;--tagleaf=endpoint,bytes tagroot=latency;tagleaf=endpoint,bytes minimum'
	'heap heap-2 --tagleaf=bytes tagleaf=bytes ns'
	'gor goroutine --tagroot=role,endpoint tagroot=role,endpoint ns'
	'focus cpu-1 --tagroot=endpoint;--focus=^/api/search$ tagroot=endpoint;focus=^/api/search$ ns'
	'nokey cpu-1 --tagroot=nokey tagroot=nokey ns'
)
# Every setting a case makes, undone before the next one.
reset=(tagroot= tagleaf= focus= unit=minimum)

t '--tagroot, --tagleaf'
declare -A theirs_cmds=()
for c in "${cases[@]}"; do
	read -r name f ours settings unit <<< "$c"
	IFS=';' read -ra ours <<< "$ours"
	expect_exit_into "$name.pb.gz" "$name.err" 0 pf "${ours[@]}" "$data/$f.pb.gz"
	go_pprof_batch -nodefraction=0 -edgefraction=0 "$name.pb.gz" -- unit=minimum \
		"top100:$name.top.ours" "unit=$unit" "traces:$name.traces.ours"
	IFS=';' read -ra settings <<< "$settings"
	theirs_cmds[$f]+=" ${reset[*]} ${settings[*]} top100:$name.top.theirs unit=$unit"
	theirs_cmds[$f]+=" traces:$name.traces.theirs"
done
for f in "${!theirs_cmds[@]}"; do
	# shellcheck disable=SC2086  # the commands are words without spaces
	go_pprof_batch -nodefraction=0 -edgefraction=0 "$data/$f.pb.gz" -- ${theirs_cmds[$f]}
	cp pprof.batch.err "$f.theirs.err"
done
for c in "${cases[@]}"; do
	read -r name f _ <<< "$c"
	for side in ours theirs; do
		quiet "$name.top.$side" > "$name.top.$side.q"
		quiet "$name.traces.$side" | sum_traces > "$name.traces.$side.q"
	done
	# (pprof's -top with -focus shows shares of the unfocused total, and
	# its header that total)
	[ "$name" != focus ] ||
		sed -i '/^Duration: /d' "$name.traces.ours.q" "$name.traces.theirs.q"
	[ "$name" = focus ] ||
		check_same "$name: -top of ours vs pprof's" "$name.top.theirs.q" "$name.top.ours.q"
	check_same "$name: -traces of ours vs pprof's" "$name.traces.theirs.q" \
		"$name.traces.ours.q"
done
check_grep 'pprof warns: no sample has the key' '^TagRoot expression matched no samples$' \
	cpu-1.theirs.err
check_grep 'and so do we' "^pprof-filter: .*: profile 1: --tagroot 'nokey' matched nothing\$" \
	nokey.err
check_empty 'no other warning of ours' root2.err

finish
