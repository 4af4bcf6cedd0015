#!/usr/bin/env bash
# bench/compare-outputs.sh -- runs the programs of two builds over every
# fixture in tests/data and a matrix of option sets, and compares what they
# write (stdout bytes, stderr, exit status). For refactors, which must
# change no output byte (HACKING.md section 12). Not run by make check.
#
# Usage: bench/compare-outputs.sh OLD_BUILD_DIR NEW_BUILD_DIR
#
# Each build dir holds tools/pprof-{merge,filter,stat,tag}. Prints one line
# per difference and a summary; exits 1 when anything differs. Runs whose
# output is meant to differ (a changed message) show up here: say which in
# the commit that changes them.
set -uo pipefail
[ $# = 2 ] || { echo "usage: $0 OLD_BUILD_DIR NEW_BUILD_DIR" >&2; exit 2; }
old=$(cd "$1" && pwd) && new=$(cd "$2" && pwd) || exit 2
data=$(cd "$(dirname "$0")/../tests/data" && pwd)
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT

runs=0 diffs=0
# compare PROG ARGS...: runs PROG from both builds with ARGS (in tests/data)
# and reports a difference in stdout, stderr (build paths masked) or status.
compare() {
	local prog=$1 b
	shift
	for b in old new; do
		local dir=$old
		[ $b = new ] && dir=$new
		(cd "$data" && "$dir/tools/$prog" "$@" > "$work/$b.out" 2> "$work/$b.err" < /dev/null)
		echo $? > "$work/$b.rc"
		sed -i "s|$dir|BUILD|g" "$work/$b.err"
	done
	runs=$((runs + 1))
	local what
	for what in rc out err; do
		if ! cmp -s "$work/old.$what" "$work/new.$what"; then
			diffs=$((diffs + 1))
			echo "differs ($what): $prog $*"
			return
		fi
	done
}

cpu=(cpu-1.pb.gz cpu-2.pb.gz cpu-3.pb.gz cpu-4.pb.gz cpu-5.pb.gz cpu-6.pb.gz)
all=(*.pb.gz)
cd "$data" && all=(*.pb.gz) && cd - > /dev/null || exit 1

# pprof-merge: each fixture alone, sets, bases, levels, threads.
for f in "${all[@]}"; do
	compare pprof-merge "$f"
	compare pprof-merge --uncompressed "$f"
done
for j in 1 2 4; do
	compare pprof-merge -j "$j" "${cpu[@]}"
	compare pprof-merge -j "$j" "${cpu[@]}" "${cpu[@]}" "${cpu[@]}" "${cpu[@]}" "${cpu[@]}"
	compare pprof-merge -j "$j" -k "${cpu[@]}" heap-1.pb.gz "${cpu[@]}" "${cpu[@]}"
done
compare pprof-merge heap-1.pb.gz heap-2.pb.gz
compare pprof-merge cpu-1.pb.gz heap-1.pb.gz
compare pprof-merge --base cpu-1.pb.gz cpu-2.pb.gz cpu-3.pb.gz
compare pprof-merge --diff-base heap-1.pb.gz heap-2.pb.gz
compare pprof-merge -1 "${cpu[@]}"
compare pprof-merge -9 "${cpu[@]}"
compare pprof-merge synth-small-1.pb.gz synth-small-2.pb.gz synth-100k.pb.gz

# pprof-filter: every option on the CPU and heap fixtures.
filters=(
	"--focus main\\." "--ignore runtime" "--hide runtime\\." "--show main\\."
	"--show-from main\\.checksum" "--prune-from runtime\\.mallocgc"
	"--tagfocus endpoint=/api/search" "--tagignore worker=w0" "--tagshow endpoint"
	"--taghide worker" "--tagfocus bytes=1kb:" "--sample-type cpu"
	"--sample-type 1" "--sample-type alloc_space" "--rename-function (main)\\.(.*)=\\2_\\1"
	"--drop-labels" "--drop-addresses" "--scale 0.5" "--pgo"
	"--focus json --ignore regexp --hide runtime" "--tagroot endpoint" "--tagleaf worker,bytes"
)
for opts in "${filters[@]}"; do
	# shellcheck disable=SC2086  # the option sets are split on purpose
	for f in cpu-1.pb.gz cpu-5.pb.gz heap-1.pb.gz goroutine.pb.gz go119-cpu.pb.gz; do
		compare pprof-filter $opts "$f"
	done
done

# pprof-stat: every report on every fixture.
stats=("" "--top 0" "--top 5 --cum" "--by endpoint" "--by bytes" "--json" "--folded"
	"--check" "--each" "--sample-type 0" "--sample-type inuse_space" "--json --by worker"
	"--traces" "--tags" "--json --tags" "--by endpoint,worker" "--top 0 --lines" "--top 0 --files"
	"--top 0 --addresses" "--folded --filefunctions" "--top 0 --cum --noinlines"
	"--flamegraph" "--flamegraph --inverted --min-width 0")
for opts in "${stats[@]}"; do
	for f in "${all[@]}"; do
		# shellcheck disable=SC2086
		compare pprof-stat $opts "$f"
	done
	# shellcheck disable=SC2086
	compare pprof-stat $opts "${cpu[@]}"
done

# pprof-tag: each edit.
tags=("--set host=a" "--add worker=extra" "--set-if-missing endpoint=none" "--num n=5ms"
	"--delete worker" "--rename worker=w" "--keep endpoint" "--comment hello"
	"--set pprof::x=1" "--set a=1 --rename a=b --delete endpoint")
for opts in "${tags[@]}"; do
	for f in cpu-1.pb.gz heap-1.pb.gz goroutine.pb.gz; do
		# shellcheck disable=SC2086
		compare pprof-tag $opts "$f"
	done
done

echo "$runs runs, $diffs differ"
[ "$diffs" = 0 ]
