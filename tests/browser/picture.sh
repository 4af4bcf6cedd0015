#!/bin/sh
# picture.sh PNG: the README's picture: the flame graph of tests/data's six
# CPU profiles merged, as headless Chromium draws it, with the pointer on a
# frame so that its details show. `make flamegraph-picture` runs it with
# the programs of the build (PPROF_MERGE, PPROF_STAT) and top_srcdir; the
# browser is $CHROMIUM or chromium, the driver this directory's (built with
# build.sh into a temporary directory).
set -eu
out=${1:?usage: picture.sh PNG}
: "${top_srcdir:?}" "${PPROF_MERGE:?}" "${PPROF_STAT:?}"
chromium=${CHROMIUM:-$(command -v /usr/lib/chromium/chromium || command -v chromium)} || {
	echo "picture.sh: no chromium (Debian package chromium; or set CHROMIUM)" >&2
	exit 1
}
"$PPROF_STAT" --help | grep -q -- --flamegraph || {
	echo "picture.sh: $PPROF_STAT has no --flamegraph" >&2
	exit 1
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sh "$top_srcdir/tests/browser/build.sh" "$tmp/browser-driver"
"$PPROF_MERGE" "$top_srcdir"/tests/data/cpu-[1-6].pb.gz |
	"$PPROF_STAT" --flamegraph --title 'pprof-merge tests/data/cpu-*.pb.gz | pprof-stat --flamegraph' \
		> "$tmp/flame.svg"
# (main.jsonWork: a workload of most of the profiles, wide enough to point at)
"$tmp/browser-driver" -chromium "$chromium" -log "$tmp/chromium.log" > "$tmp/answers" <<EOF
open file://$tmp/flame.svg
hover g.frame[data-name="main.jsonWork"] > rect
screenshot $tmp/flame.png
EOF
mv "$tmp/flame.png" "$out"
echo "picture.sh: $out: $(wc -c < "$out") bytes"
