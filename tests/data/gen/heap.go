package main

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"runtime"
	"strings"
)

// Objects kept alive between rounds, so they show as in-use.
var (
	cache   = map[string][]byte{}
	buffers [][]byte
	list    *node
	docs    []interface{}
	reports []string
)

type node struct {
	next    *node
	payload [48]byte
}

// runHeap allocates from several call sites, writes a heap profile to out,
// allocates more (freeing some of the first round) and, if out2 is not
// empty, writes a second heap profile to out2.
func runHeap(out, out2 string, seed int64) error {
	rng := rand.New(rand.NewSource(seed))
	fillCache(rng, 2000)
	allocBuffers(rng, 40)
	growList(5000)
	parseDocs(rng, 300)
	churnStrings(rng, 3000)
	sink += jsonWork(rng, rounds(20)) + regexpWork(rng, rounds(3))
	runtime.GC()
	if err := writeProfile("heap", out); err != nil {
		return err
	}
	if out2 == "" {
		return nil
	}
	buffers = buffers[:5] // free most buffers
	docs = nil
	fillCache(rng, 1500)
	growList(3000)
	buildReports(rng, 400)
	churnStrings(rng, 2000)
	sink += sortWork(rng, rounds(3)) + strconvWork(rng, rounds(2)) + jsonWork(rng, rounds(10))
	runtime.GC()
	return writeProfile("heap", out2)
}

// fillCache keeps n byte slices of 128 B to 4 KiB in a map.
func fillCache(rng *rand.Rand, n int) {
	for i := 0; i < n; i++ {
		key := fmt.Sprintf("k%d-%d", i, rng.Intn(1e6))
		cache[key] = make([]byte, 128<<uint(rng.Intn(6)))
	}
}

// allocBuffers keeps n large buffers of 64 KiB to 1 MiB.
func allocBuffers(rng *rand.Rand, n int) {
	for i := 0; i < n; i++ {
		buffers = append(buffers, make([]byte, 64<<10<<uint(rng.Intn(5))))
	}
}

// growList prepends n small nodes to a linked list.
func growList(n int) {
	for i := 0; i < n; i++ {
		list = &node{next: list}
	}
}

// parseDocs decodes n JSON documents, keeping one in ten.
func parseDocs(rng *rand.Rand, n int) {
	for i := 0; i < n; i++ {
		src := fmt.Sprintf(`{"id":%d,"name":"doc-%d","tags":["a","b","c"],"attrs":{"x":%d,"y":"%x"}}`,
			i, rng.Int(), rng.Intn(1000), rng.Int63())
		var v interface{}
		if err := json.Unmarshal([]byte(src), &v); err != nil {
			panic(err)
		}
		if i%10 == 0 {
			docs = append(docs, v)
		}
	}
}

// churnStrings builds and drops n short-lived strings.
func churnStrings(rng *rand.Rand, n int) {
	var total int
	for i := 0; i < n; i++ {
		s := strings.Repeat("x", 1+rng.Intn(200)) + fmt.Sprint(i)
		total += len(strings.ToUpper(s))
	}
	sink += uint64(total)
}

// buildReports keeps n multi-line strings (second round only).
func buildReports(rng *rand.Rand, n int) {
	for i := 0; i < n; i++ {
		var sb strings.Builder
		for j := 0; j < 20; j++ {
			fmt.Fprintf(&sb, "line %d: value %d\n", j, rng.Intn(1e9))
		}
		reports = append(reports, sb.String())
	}
}

// rounds returns a done function for a workload that stops after n rounds.
func rounds(n int) func() bool {
	return func() bool {
		n--
		return n < 0
	}
}
