#!/usr/bin/env bash
# bench/merge.sh -- benchmark pprof-merge against `go tool pprof -proto` and
# against the zlib floor, on generated inputs. A benchmark, not a test: it is
# not run by `make check`.
#
# Usage: bench/merge.sh [-k] [-w WORKDIR] [-s SETS] [-r RUNS] [-p] [BUILD_DIR]
#
#   BUILD_DIR   build tree holding tools/pprof-merge (default: $BUILD, else the
#               first of ., the source dir, SRC/build, SRC/_build that has it)
#   -k          keep the work dir (inputs, outputs, logs) and print its path
#   -w WORKDIR  generate into WORKDIR instead of a new temp dir (implies -k;
#               inputs already there are reused)
#   -s SETS     comma-separated sets to run: small, fleet, large, stream
#               (default fleet,large,stream)
#   -r RUNS     runs per measurement, the best wall time is kept (default 3)
#   -p          also `perf record` pprof-merge on the last set and print the
#               top functions
#
# Environment:
#   PPROF_MERGE  the pprof-merge binary (default BUILD_DIR/tools/pprof-merge)
#   BUILD        the build dir, when not given as an argument
#   GO           the go command (default /usr/lib/go-1.23/bin/go if present,
#                else `go`); always run with GOTOOLCHAIN=local GOPROXY=off
#
# Sets (generated with tests/data/synth, the synthetic profile generator;
# every profile shares one "universe" of functions and stacks, as profiles of
# one service do, and differs in samples by seed; samples are written in the
# order drawn (-order random), as Go's runtime/pprof writes them in hash-map
# order, not grouped by stack; grouped, they compress several times better
# than real profiles and the zlib floor would be unrealistically low):
#   small  60 CPU profiles like the fixtures in tests/data (samples/count and
#          cpu/nanoseconds, labels, inlined frames), `pprofsynth -small`,
#          seeds 1..60, about 30 KiB gzip'd each; most samples differ in
#          their numeric labels, so the result grows with every input
#   fleet  2000 CPU profiles of one service, about 50 KiB gzip'd each
#          (`pprofsynth -small -labels endpoint -paths 3000 -samples 3000`,
#          seeds 1..2000): what a PGO job merges; they share most samples,
#          so the result is about as large as one input
#   large  3 profiles of 100000 samples, about 20 MB uncompressed each,
#          seeds 101..103
#   stream the fleet set's files concatenated STREAM_COPIES times (default 9,
#          about 1 GiB gzip'd) into one file, merged from stdin; go tool
#          pprof reads one profile a file, so it is not measured here, and
#          the totals are checked against `pprof -proto` of the fleet
#          result given STREAM_COPIES times
#
# For each set it measures wall time, CPU time (user+sys) and peak RSS with
# /usr/bin/time of
#   pprof-merge   pprof-merge -j 2 -o OUT INPUTS...  (stream: < STREAM)
#   pprof-merge-j1  the same with -j 1 (and for fleet, -j 1 and -j 2 on the
#                 first 20 inputs, and on those 20 given 100 times over:
#                 2000 inputs with the result of 20; with -j 1 the peak
#                 memory must be about the same. With -j 2 pprof-merge holds
#                 up to 2 partial results and 2 partial merges besides the
#                 result, each as large as the result for 2000 inputs but
#                 smaller for 20, so the -j 2 ratios are shown, with no
#                 target; the 2000 different inputs also make a result twice
#                 the size of the first 20's)
#   go-pprof      pprof -proto -symbolize=none INPUTS... > OUT  (Go's pprof
#                 binary itself, found with `go tool -n pprof` after a warm-up)
#   zlib-floor    zcat INPUTS > /dev/null, plus gzip -6 -c MERGED.pb > /dev/null
#                 (MERGED.pb: the uncompressed merged profile); times summed
# checks that the merges give the same totals in `pprof -top`, and prints a
# table with the ratios and the targets. Exit status: 0 when the merges agree
# (targets missed are reported, not fatal), 1 when they do not or on error.

set -euo pipefail

prog=bench/merge.sh
die() { printf '%s: %s\n' "$prog" "$*" >&2; exit 1; }
usage() { sed -n '/^# Usage:/,/^$/s/^# \{0,1\}//p' "$0" | sed '/^$/d'; }

srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

keep=0
workdir=
sets=fleet,large,stream
runs=3
copies=${STREAM_COPIES:-9}
perf=0
while getopts ':kw:s:r:ph' opt; do
	case $opt in
	k) keep=1 ;;
	w) workdir=$OPTARG; keep=1 ;;
	s) sets=$OPTARG ;;
	r) runs=$OPTARG ;;
	p) perf=1 ;;
	h) usage; exit 0 ;;
	:) usage >&2; die "option -$OPTARG needs an argument" ;;
	*) usage >&2; die "unknown option -$OPTARG" ;;
	esac
done
shift $((OPTIND - 1))
[[ $# -le 1 ]] || { usage >&2; die "too many arguments"; }
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "-r needs a positive number"
for s in ${sets//,/ }; do
	[[ $s =~ ^(small|fleet|large|stream)$ ]] || die "unknown set '$s' (small, fleet, large, stream)"
done

# --- tools -----------------------------------------------------------------

build=${1:-${BUILD:-}}
if [[ -z ${PPROF_MERGE:-} ]]; then
	if [[ -z $build ]]; then
		for d in . "$srcdir" "$srcdir/build" "$srcdir/_build"; do
			if [[ -x $d/tools/pprof-merge ]]; then build=$d; break; fi
		done
		[[ -n $build ]] || die "no tools/pprof-merge found; give BUILD_DIR or PPROF_MERGE"
	fi
	PPROF_MERGE=$build/tools/pprof-merge
fi
[[ -x $PPROF_MERGE ]] || die "$PPROF_MERGE: not an executable"
PPROF_MERGE=$(cd "$(dirname "$PPROF_MERGE")" && pwd)/$(basename "$PPROF_MERGE")
# In a build tree tools/pprof-merge is libtool's wrapper script: measure the
# binary it runs (in .libs, with the library path libtool gives), not bash.
pm_cmd=("$PPROF_MERGE")
if head -n 5 "$PPROF_MERGE" | grep -q 'wrapper script'; then
	lt=$(dirname "$PPROF_MERGE")/../libtool
	[[ -x $lt ]] || die "$PPROF_MERGE is a libtool wrapper but $lt is missing"
	# shellcheck disable=SC2016 # expanded by sh -c, as libtool runs it
	lt_out=$("$lt" --mode=execute sh -c 'printf "%s\n%s" "${LD_LIBRARY_PATH-}" "$0"' \
		"$PPROF_MERGE") || die "$lt --mode=execute failed"
	pm_ld=${lt_out%%$'\n'*}
	pm_bin=${lt_out#*$'\n'}
	[[ -x $pm_bin ]] || die "cannot find the binary behind $PPROF_MERGE"
	pm_cmd=(env "LD_LIBRARY_PATH=$pm_ld" "$pm_bin")
fi

if [[ -z ${GO:-} ]]; then
	if [[ -x /usr/lib/go-1.23/bin/go ]]; then GO=/usr/lib/go-1.23/bin/go; else GO=go; fi
fi
command -v "$GO" >/dev/null || die "$GO: not found (set GO=...)"
export GOTOOLCHAIN=local GOPROXY=off

TIME=/usr/bin/time
[[ -x $TIME ]] || die "$TIME not found (apt-get install -y time)"
for t in gzip zcat awk; do
	command -v "$t" >/dev/null || die "$t not found"
done
[[ -d $srcdir/tests/data/synth ]] ||
	die "$srcdir/tests/data/synth (the profile generator) not found"

# Other work on the machine inflates wall times: say so.
load_start=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load_start" 'BEGIN { exit !(l >= 0.5) }'; then
	printf '%s: warning: load average %s before starting; wall times will be noisy\n' \
		"$prog" "$load_start" >&2
fi

# --- work dir --------------------------------------------------------------

if [[ -n $workdir ]]; then
	mkdir -p "$workdir"
	work=$(cd "$workdir" && pwd)
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/pprof-bench.XXXXXX")
fi
cleanup() {
	if [[ $keep == 1 ]]; then
		printf '%s: work dir kept: %s\n' "$prog" "$work" >&2
	else
		rm -rf -- "$work"
	fi
}
trap cleanup EXIT
log=$work/log
: >"$log"

# --- generating inputs -----------------------------------------------------

synth=$work/pprofsynth
(cd "$srcdir/tests/data/synth" && GOFLAGS=-mod=mod "$GO" build -o "$synth" .) >>"$log" 2>&1 ||
	die "building tests/data/synth failed (see $log)"

# Inputs in a reused work dir (-w) are regenerated when the generator's
# sources changed since they were made.
synth_stamp=$({ cat "$srcdir"/tests/data/synth/*.go; echo order=random; } | cksum)
fresh_dir() { # DIR: make DIR, emptied unless made by this generator
	if [[ ! -f $1/.stamp || $(<"$1/.stamp") != "$synth_stamp" ]]; then
		rm -rf -- "$1"
		mkdir -p "$1"
		printf '%s\n' "$synth_stamp" >"$1/.stamp"
	fi
}
small_inputs=()
fleet_inputs=()
large_inputs=()
stream_input=
gen_small() {
	fresh_dir "$work/small"
	local i f
	for i in $(seq 1 60); do
		f=$work/small/cpu-$(printf '%02d' "$i").pb.gz
		[[ -s $f ]] || { "$synth" -small -order random -seed "$i" -o "$f.tmp" && mv "$f.tmp" "$f"; }
		small_inputs+=("$f")
	done
}
gen_large() {
	fresh_dir "$work/large"
	local i f
	for i in 101 102 103; do
		f=$work/large/big-$i.pb.gz
		[[ -s $f ]] || { "$synth" -order random -seed "$i" -samples 100000 -o "$f.tmp" && mv "$f.tmp" "$f"; }
		large_inputs+=("$f")
	done
}

gen_fleet() {
	fresh_dir "$work/fleet"
	local i
	fleet_inputs=()
	for i in $(seq 1 2000); do
		fleet_inputs+=("$work/fleet/cpu-$(printf '%04d' "$i").pb.gz")
	done
	# Generate what is missing, on every CPU.
	for i in $(seq 1 2000); do
		[[ -s $work/fleet/cpu-$(printf '%04d' "$i").pb.gz ]] || echo "$i"
	done | xargs -r -P "$(nproc)" -I{} sh -c 'f=$(printf "%s/cpu-%04d.pb.gz" "$1" "$2")
		"$0" -small -labels endpoint -paths 3000 -samples 3000 -order random -seed "$2" \
			-o "$f.tmp" && mv "$f.tmp" "$f"' "$synth" "$work/fleet" {} ||
		die "generating the fleet set failed"
}
gen_stream() {
	gen_fleet
	stream_input=$work/stream.pb.gz
	local want
	want=$(($(cat -- "${fleet_inputs[@]}" | wc -c) * copies))
	if [[ ! -f $stream_input || $(wc -c <"$stream_input") != "$want" ]]; then
		for ((i = 0; i < copies; i++)); do cat -- "${fleet_inputs[@]}"; done >"$stream_input"
	fi
}

# Prints "COUNT GZ_BYTES RAW_BYTES" of the files given.
sizes() {
	local gz raw
	gz=$(cat -- "$@" | wc -c)
	raw=$(zcat -- "$@" | wc -c)
	printf '%d %d %d\n' "$#" "$gz" "$raw"
}

# --- measuring -------------------------------------------------------------

# measure NAME STDOUT CMD...: run CMD $runs times under /usr/bin/time with
# stdout to STDOUT and stderr to the log; print "WALL CPU RSS_KB" of the run
# with the best wall time.
measure() {
	local name=$1 out=$2 i tf=$work/time.$1
	shift 2
	: >"$tf.all"
	for ((i = 0; i < runs; i++)); do
		printf '== %s run %d: %s\n' "$name" "$i" "$*" >>"$log"
		"$TIME" -o "$tf" -f '%e %U %S %M' "$@" >"$out" 2>>"$log" ||
			die "$name failed (see $log): $*"
		tail -n 1 "$tf" >>"$tf.all"
	done
	cat "$tf.all" >>"$log"
	awk 'NR == 1 || $1 < best { best = $1; line = sprintf("%.2f %.2f %d", $1, $2 + $3, $4) }
	     END { print line }' "$tf.all"
}

# The Go pprof binary: warm the go command (and, for Go versions that build
# tools on demand, the build cache) once, then measure the binary it runs.
"$GO" tool pprof -h >/dev/null 2>&1 || true
gopprof=$("$GO" tool -n pprof 2>/dev/null || true)
if [[ -n $gopprof && -x $gopprof ]]; then
	gopprof_cmd=("$gopprof")
else
	gopprof_cmd=("$GO" tool pprof)
fi

# totals FILE: the lines of `pprof -top` that must agree between the merges.
totals() {
	"${gopprof_cmd[@]}" -symbolize=none -top -nodecount=20 "$1" 2>>"$log" |
		grep -E '^(Duration:|Showing nodes accounting for)' || true
}

declare -A res # res[set/tool] = "WALL CPU RSS_KB"
declare -A info
agree=1
# check_totals SET OURS THEIRS: records whether the two merges agree.
check_totals() {
	local tp tg
	tp=$(totals "$2")
	tg=$(totals "$3")
	info[$1/agree]=agree
	if [[ -z $tp || $tp != "$tg" ]]; then
		agree=0
		info[$1/agree]=DISAGREE
		printf '%s: %s: the merges DISAGREE\n  pprof-merge: %s\n  go pprof:    %s\n' \
			"$prog" "$1" "$tp" "$tg" >&2
	fi
	info[$1/totals]=$tp
}
# run_set SET INPUTS...: measures the tools on files (stream: one file on stdin).
run_set() {
	local set=$1 n
	shift
	info[$set]=$(sizes "$@")
	n=$#
	[[ $set != stream ]] || n=$(($(cut -d' ' -f1 <<<"${info[fleet]:-$(sizes "${fleet_inputs[@]}")}") * copies))
	printf '%s: %s: %d profiles, %s KiB gzip, %s MB raw; measuring...\n' "$prog" "$set" \
		"$n" "$(awk -v b="$(cut -d' ' -f2 <<<"${info[$set]}")" 'BEGIN { printf "%.0f", b / 1024 }')" \
		"$(awk -v b="$(cut -d' ' -f3 <<<"${info[$set]}")" 'BEGIN { printf "%.1f", b / 1e6 }')" >&2
	info[$set]="$n ${info[$set]#* }"

	local pm=$work/$set.pprof-merge.pb.gz gp=$work/$set.go-pprof.pb.gz
	local raw=$work/$set.merged.pb
	if [[ $set == stream ]]; then
		res[$set/pprof-merge]=$(measure "$set.pprof-merge" /dev/null sh -c \
			'exec "$@" < "$0"' "$1" "${pm_cmd[@]}" -j 2 -o "$pm")
		res[$set/pprof-merge-j1]=$(measure "$set.pprof-merge-j1" /dev/null sh -c \
			'exec "$@" < "$0"' "$1" "${pm_cmd[@]}" -j 1 -o "$pm.j1")
		# go tool pprof reads one profile a file: it merges the fleet
		# result given as many times instead, for the totals.
		local copies_of=() i
		for ((i = 0; i < copies; i++)); do copies_of+=("$work/fleet.pprof-merge.pb.gz"); done
		[[ -f ${copies_of[0]} ]] || "${pm_cmd[@]}" -o "${copies_of[0]}" "${fleet_inputs[@]}"
		"${gopprof_cmd[@]}" -proto -symbolize=none "${copies_of[@]}" >"$gp" 2>>"$log" ||
			die "go pprof failed on the fleet result (see $log)"
		res[$set/go-pprof]=
	else
		res[$set/pprof-merge]=$(measure "$set.pprof-merge" /dev/null "${pm_cmd[@]}" -j 2 -o "$pm" "$@")
		res[$set/pprof-merge-j1]=$(measure "$set.pprof-merge-j1" /dev/null "${pm_cmd[@]}" -j 1 \
			-o "$pm.j1" "$@")
		res[$set/go-pprof]=$(measure "$set.go-pprof" "$gp" "${gopprof_cmd[@]}" -proto -symbolize=none "$@")
	fi
	if [[ $set == fleet ]]; then   # memory must not grow with the number of inputs
		res[$set/pprof-merge-20]=$(measure "$set.pprof-merge-20" /dev/null "${pm_cmd[@]}" -j 2 \
			-o "$pm.20" "${@:1:20}")
		local first20x100=() i
		for ((i = 0; i < 100; i++)); do first20x100+=("${@:1:20}"); done
		res[$set/pprof-merge-20x100]=$(measure "$set.pprof-merge-20x100" /dev/null \
			"${pm_cmd[@]}" -j 2 -o "$pm.20x100" "${first20x100[@]}")
		res[$set/pprof-merge-20-j1]=$(measure "$set.pprof-merge-20-j1" /dev/null "${pm_cmd[@]}" \
			-j 1 -o "$pm.20" "${@:1:20}")
		res[$set/pprof-merge-20x100-j1]=$(measure "$set.pprof-merge-20x100-j1" /dev/null \
			"${pm_cmd[@]}" -j 1 -o "$pm.20x100" "${first20x100[@]}")
		rm -f "$pm.20" "$pm.20x100"
	fi
	cmp -s "$pm" "$pm.j1" || { agree=0; printf '%s: %s: -j 1 and -j 2 differ\n' "$prog" "$set" >&2; }

	zcat "$pm" >"$raw"
	local z g
	z=$(measure "$set.zcat" /dev/null zcat -- "$@")
	g=$(measure "$set.gzip" /dev/null gzip -6 -c "$raw")
	res[$set/zlib-floor]=$(awk -v z="$z" -v g="$g" 'BEGIN {
		split(z, a, " "); split(g, b, " ")
		printf "%.2f %.2f %d", a[1] + b[1], a[2] + b[2], (a[3] > b[3] ? a[3] : b[3]) }')
	info[$set/merged]="$(wc -c <"$pm") $(wc -c <"$raw") $(wc -c <"$gp")"
	check_totals "$set" "$pm" "$gp"
	rm -f "$raw" "$pm.j1"
}

for s in ${sets//,/ }; do
	case $s in
	small) gen_small; run_set small "${small_inputs[@]}" ;;
	fleet) gen_fleet; run_set fleet "${fleet_inputs[@]}" ;;
	large) gen_large; run_set large "${large_inputs[@]}" ;;
	stream) gen_stream; run_set stream "$stream_input" ;;
	esac
done

# --- report ----------------------------------------------------------------

printf '\n'
printf 'pprof-merge: %s\n' "${pm_cmd[*]}"
printf 'go pprof:    %s (%s)\n' "${gopprof_cmd[*]}" "$("$GO" version)"
printf 'zlib floor:  zcat inputs + gzip -6 of the merged profile (%s)\n' "$(gzip --version | head -n 1)"
printf 'machine:     %s CPUs, %s; load average %s at start, %s at end\n' "$(nproc)" \
	"$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)" \
	"$load_start" "$(cut -d' ' -f1 /proc/loadavg)"
printf 'each row:    the run with the best wall time of %d\n\n' "$runs"

printf '%-6s %-16s %8s %8s %10s\n' set tool 'wall s' 'cpu s' 'peak MB'
for s in ${sets//,/ }; do
	for t in pprof-merge pprof-merge-j1 go-pprof zlib-floor; do
		if [[ -z ${res[$s/$t]} ]]; then
			printf '%-6s %-16s %8s %8s %10s\n' "$s" "$t" - - -
			continue
		fi
		read -r w c m <<<"${res[$s/$t]}"
		printf '%-6s %-16s %8.2f %8.2f %10.1f\n' "$s" "$t" "$w" "$c" "$(awk -v m="$m" 'BEGIN { print m / 1024 }')"
	done
done

# ratio NUM DEN: NUM/DEN, or "inf" when DEN is 0 (below /usr/bin/time's 10 ms)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "inf"; else printf "%.2f", a / b }'; }
# verdict VALUE OP TARGET: "ok" or "MISSED"
verdict() {
	awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN {
		if (v == "inf") v = 1e9
		ok = (op == ">=") ? v >= t : v <= t
		print ok ? "ok" : "MISSED" }'
}

# row SET NAME VALUE OP TARGET: one line of the ratio table (no OP: no target)
row() {
	local v
	if [[ -n $5 ]]; then
		v=$(verdict "$3" "$4" "$5")
		[[ $v == ok ]] || missed=$((missed + 1))
		printf '%-6s %-40s %8s  %-8s %s\n' "$1" "$2" "$3" "$4 $5" "$v"
	else
		printf '%-6s %-40s %8s  %-8s\n' "$1" "$2" "$3" '-'
	fi
}

printf '\n%-6s %-40s %8s  %-8s %s\n' set ratio value target ''
missed=0
for s in ${sets//,/ }; do
	read -r pw pc pm <<<"${res[$s/pprof-merge]}"
	read -r jw jc _ <<<"${res[$s/pprof-merge-j1]}"
	read -r zw zc _ <<<"${res[$s/zlib-floor]}"
	# Targets: small and large from the merge issue, fleet and stream
	# from the scale issue (8x Go's speed, 1/8 of its memory, -j 2 within
	# 2x the zlib floor).
	case $s in
	small) t_speed=3 t_mem=0.25 t_floor= ;;
	large) t_speed=3.5 t_mem=0.20 t_floor=1.5 ;;
	*) t_speed=8 t_mem=0.125 t_floor=2 ;;
	esac
	if [[ -n ${res[$s/go-pprof]} ]]; then
		read -r gw gc gm <<<"${res[$s/go-pprof]}"
		row "$s" 'go/pprof-merge wall time' "$(ratio "$gw" "$pw")" '>=' "$t_speed"
		row "$s" 'go/pprof-merge cpu time' "$(ratio "$gc" "$pc")" '' ''
		row "$s" 'pprof-merge/go peak RSS' "$(ratio "$pm" "$gm")" '<=' "$t_mem"
	fi
	row "$s" 'pprof-merge/zlib-floor wall time' "$(ratio "$pw" "$zw")" '<=' "$t_floor"
	row "$s" 'pprof-merge/zlib-floor cpu time' "$(ratio "$pc" "$zc")" '' ''
	row "$s" 'pprof-merge -j 1/-j 2 wall time' "$(ratio "$jw" "$pw")" '' ''
	if [[ -n ${res[$s/pprof-merge-20]:-} ]]; then
		read -r _ _ m20 <<<"${res[$s/pprof-merge-20]}"
		read -r _ _ m2000 <<<"${res[$s/pprof-merge-20x100]}"
		read -r _ _ m20j1 <<<"${res[$s/pprof-merge-20-j1]}"
		read -r _ _ m2000j1 <<<"${res[$s/pprof-merge-20x100-j1]}"
		row "$s" 'peak RSS -j 1, first 20 x 100/first 20' "$(ratio "$m2000j1" "$m20j1")" '<=' 1.25
		row "$s" 'peak RSS -j 2, first 20 x 100/first 20' "$(ratio "$m2000" "$m20")" '' ''
		row "$s" 'peak RSS -j 2, all inputs/first 20' "$(ratio "$pm" "$m20")" '' ''
	fi
done

printf '\n'
for s in ${sets//,/ }; do
	read -r n gz raw <<<"${info[$s]}"
	read -r mgz mraw ggz <<<"${info[$s/merged]}"
	printf '%s: %d profiles, %d bytes gzip, %d raw; merged: pprof-merge %d bytes gzip (%d raw), go pprof %d bytes gzip\n' \
		"$s" "$n" "$gz" "$raw" "$mgz" "$mraw" "$ggz"
	printf '%s: totals (%s): %s\n' "$s" "${info[$s/agree]}" \
		"$(tr '\n' ';' <<<"${info[$s/totals]}" | sed 's/;$//; s/;/; /g')"
done
printf '%d target(s) missed\n' "$missed"

# --- optional profile of pprof-merge ---------------------------------------

if [[ $perf == 1 ]]; then
	last=${sets##*,}
	case $last in
	large) inputs=("${large_inputs[@]}") ;;
	small) inputs=("${small_inputs[@]}") ;;
	*) inputs=("${fleet_inputs[@]}") ;;
	esac
	if command -v perf >/dev/null; then
		printf '\nperf record of pprof-merge on the %s set (top functions):\n' "$last"
		perf record -q -o "$work/perf.data" -- "${pm_cmd[@]}" -o "$work/perf.pb.gz" "${inputs[@]}" \
			>>"$log" 2>&1 || die "perf record failed (see $log)"
		perf report -i "$work/perf.data" --stdio --no-children --sort dso,symbol 2>>"$log" |
			grep -v '^#' | grep -v '^$' | head -n 25
	else
		printf '%s: perf not found, no profile\n' "$prog" >&2
	fi
fi

[[ $agree == 1 ]] || exit 1
