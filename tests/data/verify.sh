#!/bin/sh
# Check every fixture in tests/data with Go's own tools:
#   go tool pprof -top and -traces (Go 1.19 by default) read it;
#   every profile has labels (-tags; the heap ones only the numeric "bytes")
#   and inlined frames (a Location with more than one Line in -raw);
#   go tool preprofile (Go 1.23) accepts the ones meant for PGO and refuses
#   go119-cpu.pb.gz (no Function.start_line).
set -eu
cd "$(dirname "$0")"
GO119=${GO119:-/usr/bin/go}
GO123=${GO123:-/usr/lib/go-1.23/bin/go}
export GOTOOLCHAIN=local GOPROXY=off
fail=0
bad() { echo "FAIL: $*"; fail=1; }
for f in *.pb.gz; do
	"$GO119" tool pprof -symbolize=none -top "$f" >/dev/null 2>&1 || bad "$f: pprof -top"
	"$GO119" tool pprof -symbolize=none -traces "$f" >/dev/null 2>&1 || bad "$f: pprof -traces"
	# -raw prints an inlined frame as an extra line under its location.
	"$GO119" tool pprof -raw "$f" 2>/dev/null |
		sed -n '/^Locations/,/^Mappings/p' | grep -q '^             [^ ]' ||
		bad "$f: no location with inlined frames"
	"$GO119" tool pprof -symbolize=none -tags "$f" 2>/dev/null | grep -q '%' ||
		bad "$f: no labels"
	case $f in
	go119-*) ! "$GO123" tool preprofile -i "$f" -o /dev/null 2>/dev/null ||
		bad "$f: preprofile accepted a profile without start lines" ;;
	cpu-* | synth-*) "$GO123" tool preprofile -i "$f" -o /dev/null || bad "$f: preprofile" ;;
	esac
done
[ $fail = 0 ] && echo "all fixtures OK"
exit $fail
