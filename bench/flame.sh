#!/usr/bin/env bash
# bench/flame.sh -- measures pprof-stat --flamegraph on a large profile: the
# time and peak memory of writing the SVG (against --folded of the same
# profile, the stacks alone), its size and number of frames, and, when
# Chromium is installed, how long the browser takes to open it. A benchmark,
# not a test: it is not run by `make check` (HACKING.md section 13 says what
# it should give: under 2 s and under 5 MB for tests/data/synth-100k.pb.gz).
#
# Usage: bench/flame.sh [-r RUNS] [-k] [BUILD_DIR [PROFILE]]
#
#   BUILD_DIR  build tree holding tools/pprof-stat (default: $BUILD, else .)
#   PROFILE    default: tests/data/synth-100k.pb.gz (22 MB uncompressed)
#   -r RUNS    runs per measurement; the best is kept (default 3)
#   -k         keep the work directory (the SVG) and print its path
#
# In Chromium (headless, `chromium` or $CHROMIUM): the time from navigation to
# the end of the SVG's script ("script done": parsed, laid out into the DOM,
# the script's setup run; performance.now() when the script sets data-ready),
# and the wall time of a headless screenshot of the SVG less that of a
# screenshot of an empty SVG (the browser's own start), the best of RUNS.
set -euo pipefail

runs=3 keep=false
while getopts r:k opt; do
	case $opt in
	r) runs=$OPTARG ;;
	k) keep=true ;;
	*) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${BUILD:-.}}
profile=${2:-$src/tests/data/synth-100k.pb.gz}
stat=$build/tools/pprof-stat
[ -x "$stat" ] || { echo "bench/flame.sh: no $stat (give the build dir)" >&2; exit 2; }
chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}

work=$(mktemp -d)
$keep || trap 'rm -rf "$work"' EXIT

# best CMD...: runs CMD (stdout to $work/out) RUNS times under /usr/bin/time;
# prints the best "wall user sys maxrss_kB".
best() {
	local i
	for ((i = 0; i < runs; i++)); do
		/usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" > "$work/out"
		cat "$work/time"
	done | sort -n | head -n 1
}

echo "profile: $profile ($(zcat -f "$profile" | wc -c) bytes uncompressed)"
read -r wall user sys rss < <(best "$stat" --folded "$profile")
echo "--folded:     ${wall}s wall, ${user}s user, ${sys}s sys, $((rss / 1024)) MB peak"
read -r wall user sys rss < <(best "$stat" --flamegraph "$profile")
cp "$work/out" "$work/flame.svg"
echo "--flamegraph: ${wall}s wall, ${user}s user, ${sys}s sys, $((rss / 1024)) MB peak"
echo "SVG: $(wc -c < "$work/flame.svg") bytes, $(grep -c '<g class="frame"' "$work/flame.svg") frames;" \
	"$(sed -n 's/.*<text id="subtitle"[^>]*>[^;]*; \([^<]*\)<.*/\1/p' "$work/flame.svg")"

if [ -n "$chromium" ]; then
	browse() { "$chromium" --headless --no-sandbox --disable-gpu "$@" 2>/dev/null; }
	# the script's end, in the page's own clock
	sed 's#</svg>$#<script>document.documentElement.setAttribute("data-bench", performance.now().toFixed(0));</script></svg>#' \
		"$work/flame.svg" > "$work/timed.svg"
	ms=$(browse --dump-dom "file://$work/timed.svg" | grep -o 'data-bench="[0-9]*"' | tr -dc 0-9)
	echo "Chromium: script done ${ms:-?} ms after navigation"
	printf '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n' > "$work/empty.svg"
	shot() {
		local i t0 t1
		for ((i = 0; i < runs; i++)); do
			t0=$(date +%s%N)
			browse --screenshot="$work/shot.png" --window-size=1300,900 "file://$1"
			t1=$(date +%s%N)
			echo $(((t1 - t0) / 1000000))
		done | sort -n | head -n 1
	}
	base=$(shot "$work/empty.svg")
	full=$(shot "$work/flame.svg")
	echo "Chromium: screenshot in ${full} ms, an empty SVG's in ${base} ms: $((full - base)) ms for the graph"
else
	echo "Chromium: not found (chromium, or set CHROMIUM)"
fi
! $keep || echo "kept: $work"
