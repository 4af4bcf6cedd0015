# pprof-merge -j N over inputs that can be read only once (a pipe on
# standard input, /dev/stdin, a FIFO, bash's <(...)) or that read the same
# stream, beside regular files: with enough inputs that the threads merge in
# parts (4 a thread or more) and with fewer, the output bytes, the messages
# and the exit status must be those of -j 1, with and without --keep-going,
# with a heap profile among CPU ones (it does not fit them) and with a
# stream broken after two good profiles.
. "$top_srcdir/tests/lib.sh"

: "${PPROF_MERGE:?}"
# pm: pprof-merge stopped after 120 s: a reader of a pipe or FIFO that waits
# for more would never end. pm_files: without timeout (some 7 ms of CPU a
# run here), where every input is a regular file, as in merge.sh.
pm() { timeout 120 "$PPROF_MERGE" --no-progress "$@"; }
pm_files() { "$PPROF_MERGE" --no-progress "$@"; }

cp "$data"/cpu-[1-6].pb.gz "$data"/heap-1.pb.gz . || exit 99
heap=heap-1.pb.gz
# 17 CPU inputs: with X and the heap profile, 19 inputs, parts for -j 2 and 4.
cpus=(cpu-2.pb.gz cpu-3.pb.gz cpu-4.pb.gz cpu-5.pb.gz cpu-6.pb.gz
      cpu-1.pb.gz cpu-2.pb.gz cpu-3.pb.gz cpu-4.pb.gz cpu-5.pb.gz cpu-6.pb.gz
      cpu-1.pb.gz cpu-2.pb.gz cpu-3.pb.gz cpu-4.pb.gz cpu-5.pb.gz cpu-6.pb.gz)
echo 'this is not a profile' | gzip > junk.pb.gz
# What X holds: one CPU profile, or two and then a broken member.
cp cpu-1.pb.gz one.pb.gz
cat cpu-1.pb.gz cpu-2.pb.gz junk.pb.gz > broken3.pb.gz

# run_as KIND CONTENT ARGS...: runs pprof-merge ARGS with stdout in $out,
# stderr in $err and the exit status in $status, where the argument X is
# CONTENT read as KIND: file (a regular file), stdin ("-" on a pipe),
# devstdin (/dev/stdin on a pipe), devstdin-file (/dev/stdin on a regular
# file), fifo (a FIFO that a writer fills once), procsub (<(cat CONTENT)).
n_run=0
run_as() {
	local kind=$1 content=$2 arg args=() path writer= fd=
	shift 2
	n_run=$((n_run + 1))
	out=$scratch/run.$n_run.out err=$scratch/run.$n_run.err
	case $kind in
	file) path=$content ;;
	stdin) path=- ;;
	devstdin | devstdin-file) path=/dev/stdin ;;
	fifo) path=fifo; rm -f fifo; mkfifo fifo || exit 99
		cat "$content" > "$path" & writer=$! ;;
	procsub) exec {fd}< <(cat "$content"); path=/dev/fd/$fd ;;   # what <(...) gives
	esac
	for arg in "$@"; do
		[ "$arg" = X ] && arg=$path
		args+=("$arg")
	done
	echo "$n_run: $kind $content: ${args[*]}" >> "$scratch/runs.log"
	case $kind in
	stdin | devstdin) cat "$content" | pm "${args[@]}" > "$out" 2> "$err" ;;
	devstdin-file) pm_files "${args[@]}" < "$content" > "$out" 2> "$err" ;;
	file) pm_files "${args[@]}" > "$out" 2> "$err" ;;
	*) pm "${args[@]}" > "$out" 2> "$err" ;;
	esac
	status=$?
	[ -z "$fd" ] || exec {fd}<&-
	if [ -n "$writer" ]; then   # a writer left waiting: its FIFO was not read
		kill "$writer" 2>/dev/null
		wait "$writer" 2>/dev/null
	fi
	return 0
}

# compare_jobs KIND CONTENT ARGS...: runs with -j 1, 2 and 4 and checks that
# -j 2 and 4 give the bytes, messages and status of -j 1; leaves -j 1's
# stdout and stderr named by $j1_out and $j1_err (run_as's files, which no
# later run writes: no copies), its status in $status1.
compare_jobs() {
	local kind=$1 content=$2 jobs
	shift 2
	run_as "$kind" "$content" -j 1 "$@"
	j1_out=$out j1_err=$err status1=$status
	for jobs in 2 4; do
		run_as "$kind" "$content" -j "$jobs" "$@"
		check_eq "$kind $content -j $jobs ${*:1:2}: exit status of -j 1" "$status1" "$status"
		check_same "$kind $content -j $jobs ${*:1:2}: output of -j 1" "$j1_out" "$out"
		check_same "$kind $content -j $jobs ${*:1:2}: messages of -j 1" "$j1_err" "$err"
	done
}

# What -j 1 gives when X is a regular file: every kind must give these bytes.
t 'reference'
pm_files -j 1 -k one.pb.gz "$heap" "${cpus[@]}" > ref-first.pb.gz
pm_files -j 1 -k "$heap" one.pb.gz "${cpus[@]}" > ref-heap-first.pb.gz
pm_files -j 1 -k broken3.pb.gz "$heap" "${cpus[@]}" > ref-broken.pb.gz
pm_files -j 1 one.pb.gz "${cpus[@]}" > cpus-only.pb.gz
check 'the CPU inputs alone merge' test -s cpus-only.pb.gz
check_same 'with -k, the heap profile after a CPU one is skipped' cpus-only.pb.gz ref-first.pb.gz

for kind in file stdin devstdin devstdin-file fifo procsub; do
	t "$kind"
	for keep in -k --no-progress; do
		compare_jobs "$kind" one.pb.gz "$keep" X "$heap" "${cpus[@]}"
		[ "$keep" = -k ] && check_same 'X first, heap second: the CPU merge' ref-first.pb.gz "$j1_out"
		[ "$keep" = -k ] || check_grep 'without -k the error names the heap profile' \
			"^pprof-merge: $heap: profile 1: incompatible" "$j1_err"
		compare_jobs "$kind" one.pb.gz "$keep" "$heap" X "${cpus[@]}"
		[ "$keep" = -k ] && check_same 'heap first: the heap profile' ref-heap-first.pb.gz "$j1_out"
		compare_jobs "$kind" broken3.pb.gz "$keep" X "$heap" "${cpus[@]}"
		[ "$keep" = -k ] && check_same 'two profiles, then a broken one' ref-broken.pb.gz "$j1_out"
		[ "$keep" = -k ] || check_grep 'without -k the error names X, profile 3' \
			'^pprof-merge: [^:]+: profile 3: ' "$j1_err"
	done
done

finish
