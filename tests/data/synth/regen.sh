#!/bin/sh
# Rebuild the synthetic fixtures of tests/data with pprofsynth (this
# directory). The output is deterministic: the same flags give the same bytes
# (checked with Go 1.19 and 1.23; gzip output could change with a future
# compress/flate).
set -eu
cd "$(dirname "$0")"
GO=${GO:-/usr/lib/go-1.23/bin/go}
export GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-mod=mod
bin=${TMPDIR:-/tmp}/pprofsynth.$$
trap 'rm -f "$bin"' EXIT
"$GO" build -o "$bin" .
"$bin" -v -seed 1 -o ../synth-100k.pb.gz
"$bin" -v -seed 3 -samples 25000 -o ../synth-25k.pb.gz
"$bin" -v -small -seed 1 -o ../synth-small-1.pb.gz
"$bin" -v -small -seed 2 -o ../synth-small-2.pb.gz
