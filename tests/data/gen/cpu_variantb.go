//go:build variantb

package main

import (
	"bytes"
	"compress/flate"
	"io"
	"math/rand"
)

// The variantb build adds a compress/flate workload and two mixes that use
// it, so its binary (and the mapping in its profiles) differs from the
// default build's.
func init() {
	workloads["flate"] = flateWork
	mixes["compress"] = []task{
		{"/api/checkout", "flate"}, {"/api/report", "flate"},
		{"/api/search", "sort"}, {"/api/login", "inline"},
		{"/api/checkout", "json"}, {"/api/report", "template"},
	}
	mixes["batch"] = []task{
		{"/api/report", "flate"}, {"/api/search", "sort"},
		{"/api/login", "inline"}, {"/api/report", "fib"},
		{"/api/search", "maps"}, {"/api/checkout", "json"},
	}
}

func flateWork(rng *rand.Rand, done func() bool) uint64 {
	words := []string{"alpha ", "beta ", "gamma ", "delta ", "epsilon ", "zeta "}
	var src bytes.Buffer
	for src.Len() < 256<<10 {
		src.WriteString(words[rng.Intn(len(words))])
	}
	var n uint64
	for !done() {
		var dst bytes.Buffer
		w, _ := flate.NewWriter(&dst, 6)
		w.Write(src.Bytes())
		w.Close()
		r := flate.NewReader(&dst)
		m, _ := io.Copy(io.Discard, r)
		n += uint64(m)
	}
	return n
}
