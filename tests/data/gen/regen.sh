#!/bin/sh
# Rebuild the real-profile fixtures of tests/data with the pprofgen program in
# this directory. See README.md here and ../README.md for what each one is.
#
#   tests/data/gen/regen.sh            # writes tests/data/*.pb.gz (real ones)
#
# GO123 and GO119 name the two Go toolchains (defaults: Debian's paths).
# Profiles are sampled from a live process, so every run gives different bytes.
set -eu
cd "$(dirname "$0")"
GO123=${GO123:-/usr/lib/go-1.23/bin/go}
GO119=${GO119:-/usr/bin/go}
export GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-mod=mod
out=..
mkdir -p bin

# Two different Go 1.23 binaries (so their profiles have different mappings):
# "a" is a plain `go build`; "b" adds the flate workload (build tag variantb)
# and a GNU build id (-B gobuildid), which runtime/pprof puts in the mapping.
"$GO123" build -o bin/pprofgen-a .
"$GO123" build -tags variantb -ldflags='-B gobuildid -X main.variant=b' -o bin/pprofgen-b .
# Go 1.19 writes no Function.start_line.
"$GO119" build -o bin/pprofgen-go119 .

# CPU profiles: about 1 s of wall time on 2 CPUs each.
bin/pprofgen-a cpu -mix all    -seed 1 -dur 1s -o $out/cpu-1.pb.gz
bin/pprofgen-a cpu -mix api    -seed 2 -dur 1s -o $out/cpu-2.pb.gz
bin/pprofgen-a cpu -mix crunch -seed 3 -dur 1s -o $out/cpu-3.pb.gz
bin/pprofgen-a cpu -mix skew   -seed 4 -dur 1s -hz 250 -o $out/cpu-4.pb.gz
bin/pprofgen-b cpu -mix compress -seed 5 -dur 1s -o $out/cpu-5.pb.gz
bin/pprofgen-b cpu -mix batch  -seed 6 -dur 1s -o $out/cpu-6.pb.gz
bin/pprofgen-go119 cpu -mix all -seed 7 -dur 1s -o $out/go119-cpu.pb.gz

# Heap (two snapshots of one process) and goroutine profiles.
bin/pprofgen-a heap -seed 1 -o $out/heap-1.pb.gz -o2 $out/heap-2.pb.gz
bin/pprofgen-a goroutine -o $out/goroutine.pb.gz
