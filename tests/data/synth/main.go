// Command pprofsynth writes a deterministic synthetic CPU profile that looks
// like a big real one from a Go server. It uses only the standard library and
// writes the protobuf wire format by hand (field numbers of google/pprof's
// profile.proto), gzipped like runtime/pprof's output.
//
// The profile has two sample types (samples/count, cpu/nanoseconds), period
// type cpu/nanoseconds with period 10ms, three mappings (the binary with a
// build id, libc.so.6, [vdso]), functions with file names and start lines
// (except the libc ones), locations with addresses and 1-3 lines (inlined
// frames), stacks up to -maxdepth deep that share prefixes like a real call
// tree (with self- and mutual recursion), the string labels endpoint and
// worker on every sample, and the numeric labels bytes (unit "bytes", on
// about half the samples) and latency (unit "ms", on about 70%). With
// -labels endpoint or none, profiles are like those of a fleet of one
// service: they share most samples, and a merge of thousands is about as
// large as one (fewer than -samples distinct samples may exist then).
//
// The functions, locations and call stacks ("the universe") depend only on
// -tree-seed, -functions, -locations, -maxdepth, -paths, -meandepth and
// -branch; -seed picks the samples (which stacks, how often, which labels).
// So profiles of different seeds share most functions and locations but
// have different samples, and merging them deduplicates a lot. The same
// flags always give the same bytes.
//
//	pprofsynth -seed 1 -o big.pb.gz            # 100000 samples, ~20 MB raw
//	pprofsynth -small -seed 2 -o small.pb.gz   # 2000 samples
//	pprofsynth -gzip 0 -o big.pb               # uncompressed
package main

import (
	"bufio"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand"
	"os"
	"sort"
)

const period = 10_000_000 // 100 Hz, as Go's CPU profiler

var (
	seed      = flag.Int64("seed", 1, "seed for the samples")
	treeSeed  = flag.Int64("tree-seed", 1, "seed for functions, locations and stacks (keep it to make profiles that merge well)")
	nSamples  = flag.Int("samples", 100000, "number of samples (distinct stack and label sets)")
	maxDepth  = flag.Int("maxdepth", 200, "maximum stack depth")
	functions = flag.Int("functions", 6000, "number of functions in the universe")
	locations = flag.Int("locations", 30000, "about how many locations in the universe")
	nPaths    = flag.Int("paths", 30000, "number of distinct call stacks in the universe")
	meanDepth = flag.Float64("meandepth", 0, "mean target stack depth (default 0.6*maxdepth; walks often end sooner)")
	branch    = flag.Float64("branch", 8, "mean number of frames a new stack adds below the one it branches from")
	order     = flag.String("order", "stack", "sample order: stack (samples of a stack together, stacks in call-tree order) or random (as drawn)")
	out       = flag.String("o", "-", "output file (- for stdout)")
	level     = flag.Int("gzip", 6, "gzip level 1-9; 0 writes the protobuf uncompressed")
	labels    = flag.String("labels", "all", "sample labels: all (endpoint, worker, bytes, latency: most samples are distinct), endpoint (only endpoint: profiles of one service merge into a result about the size of one), none")
	small     = flag.Bool("small", false, "small preset: -samples 2000 -maxdepth 40 -functions 300 -locations 1500 -paths 400 (explicit flags win)")
	verbose   = flag.Bool("v", false, "print statistics on stderr")
)

func main() {
	flag.Parse()
	if flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	if *small {
		set := map[string]bool{}
		flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
		for name, v := range map[string]string{"samples": "2000", "maxdepth": "40",
			"functions": "300", "locations": "1500", "paths": "400"} {
			if !set[name] {
				flag.Set(name, v)
			}
		}
	}
	if *nSamples < 1 || *maxDepth < 2 || *functions < 10 || *nPaths < 1 || *level < 0 || *level > 9 {
		fmt.Fprintln(os.Stderr, "pprofsynth: bad flag value")
		os.Exit(2)
	}
	if *meanDepth <= 0 {
		*meanDepth = 0.6 * float64(*maxDepth)
	}
	u := newUniverse(params{treeSeed: *treeSeed, functions: *functions,
		locations: *locations, maxDepth: *maxDepth, paths: *nPaths,
		meanDepth: *meanDepth, branchDistance: *branch})
	samples := makeSamples(u, *seed, *nSamples)
	if *labels != "all" && *labels != "endpoint" && *labels != "none" {
		fmt.Fprintln(os.Stderr, "pprofsynth: -labels must be all, endpoint or none")
		os.Exit(2)
	}
	switch *order {
	case "stack":
		sortByStack(u, samples)
	case "random":
	default:
		fmt.Fprintln(os.Stderr, "pprofsynth: -order must be stack or random")
		os.Exit(2)
	}
	data, st := encode(u, samples, *seed)
	if err := write(*out, data, *level); err != nil {
		fmt.Fprintf(os.Stderr, "pprofsynth: %v\n", err)
		os.Exit(1)
	}
	if *verbose {
		fmt.Fprintf(os.Stderr, "universe: %d functions, %d locations, %d paths, %d trie nodes\n",
			len(u.fns), len(u.locs), len(u.paths), len(u.nodes))
		fmt.Fprintf(os.Stderr, "profile: %d samples, %d locations, %d functions, %d strings, depth max %d mean %.1f, %d bytes uncompressed\n",
			len(samples), st.locations, st.functions, st.strings, st.maxDepth, st.meanDepth, len(data))
	}
}

var endpoints = []string{"/api/v1/search", "/api/v1/orders", "/api/v1/login",
	"/api/v1/report", "/internal/health", "acme.billing.v1.Billing/Charge"}

type sampleKey struct {
	path           int32
	endpoint       int8
	worker         int8
	bytes, latency int64 // -1: no such label
}

type sample struct {
	key   sampleKey
	count int64
}

// makeSamples draws n distinct samples for seed. Paths have Zipf-like
// weights in an order fixed by the universe (so the same code is hot in
// every profile), times per-seed noise; each seed also leaves out about a
// fifth of the entry points, so different seeds cover different code.
func makeSamples(u *universe, seed int64, n int) []sample {
	perm := rand.New(rand.NewSource(*treeSeed + 1)).Perm(len(u.paths))
	rng := rand.New(rand.NewSource(seed))
	skip := map[int32]bool{}
	groups := map[int32]bool{}
	for _, g := range u.group {
		groups[g] = true
	}
	var gs []int32
	for g := range groups {
		gs = append(gs, g)
	}
	sort.Slice(gs, func(i, j int) bool { return gs[i] < gs[j] })
	for _, g := range gs[1:] { // the first is never skipped, so some code is left
		skip[g] = rng.Intn(5) == 0
	}
	cum := make([]float64, len(u.paths))
	total := 0.0
	for i := range u.paths {
		w := math.Pow(float64(perm[i]+20), -0.9) * math.Exp(0.8*rng.NormFloat64())
		if skip[u.group[i]] {
			w = 0
		}
		total += w
		cum[i] = total
	}
	index := map[sampleKey]int{}
	var samples []sample
	// With few labels there may be fewer than n distinct samples: give up
	// after 20 draws a sample.
	for draws := 0; len(samples) < n && draws < 20*n; draws++ {
		p := sort.SearchFloat64s(cum, rng.Float64()*total)
		if p >= len(cum) {
			p = len(cum) - 1
		}
		k := sampleKey{path: int32(p), endpoint: int8(uint32(u.group[p]) * 2654435761 >> 16 % uint32(len(endpoints))),
			worker: int8(rng.Intn(16)), bytes: -1, latency: -1}
		if rng.Intn(10) == 0 {
			k.endpoint = int8(rng.Intn(len(endpoints)))
		}
		if rng.Intn(2) == 0 {
			k.bytes = 1 << uint(6+rng.Intn(15))
		}
		if rng.Intn(10) < 7 {
			k.latency = int64(math.Min(10000, 1+math.Exp(3+1.2*rng.NormFloat64())))
		}
		c := 1 + int64(rng.ExpFloat64()*0.7)
		if *labels != "all" { // after drawing them all, so -labels all keeps its bytes
			k.worker, k.bytes, k.latency = -1, -1, -1
		}
		if i, ok := index[k]; ok {
			samples[i].count += c
			continue
		}
		index[k] = len(samples)
		samples = append(samples, sample{k, c})
	}
	return samples
}

// sortByStack orders samples by the depth-first (preorder) position of
// their stack in the call tree, keeping the drawn order among samples of one
// stack. Neighbouring samples then share most of their stack, which is what
// lets gzip shrink the profile about sevenfold; in drawn order it manages
// only about threefold.
func sortByStack(u *universe, samples []sample) {
	children := make([][]int32, len(u.nodes))
	var roots []int32
	for i, n := range u.nodes {
		if n.parent < 0 {
			roots = append(roots, int32(i))
		} else {
			children[n.parent] = append(children[n.parent], int32(i))
		}
	}
	rank := make([]int32, len(u.nodes))
	next := int32(0)
	stack := append([]int32(nil), roots...)
	reverse32(stack)
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		rank[n] = next
		next++
		for i := len(children[n]) - 1; i >= 0; i-- {
			stack = append(stack, children[n][i])
		}
	}
	sort.SliceStable(samples, func(i, j int) bool {
		return rank[u.paths[samples[i].key.path]] < rank[u.paths[samples[j].key.path]]
	})
}

func reverse32(s []int32) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

type stats struct {
	locations, functions, strings, maxDepth int
	meanDepth                               float64
}

// encode writes the profile as protobuf, fields in the order Go writes them.
// Ids of locations and functions are given in first-seen order and only
// referenced ones are written, as runtime/pprof does.
func encode(u *universe, samples []sample, seed int64) ([]byte, stats) {
	strs := map[string]int64{"": 0}
	table := []string{""}
	str := func(s string) int64 {
		if i, ok := strs[s]; ok {
			return i
		}
		strs[s] = int64(len(table))
		table = append(table, s)
		return int64(len(table) - 1)
	}
	var p pbuf
	valueType := func(field int, typ, unit string) {
		p.message(field, func(m *pbuf) {
			m.int64Opt(vtType, str(typ))
			m.int64Opt(vtUnit, str(unit))
		})
	}
	valueType(profSampleType, "samples", "count")
	valueType(profSampleType, "cpu", "nanoseconds")

	locIDs := make([]uint64, len(u.locs))
	var locOrder []int
	var st stats
	ids := make([]uint64, 0, *maxDepth)
	depthSum := 0
	for _, s := range samples {
		ids = ids[:0]
		for n := u.paths[s.key.path]; n >= 0; n = u.nodes[n].parent {
			l := u.nodes[n].loc
			if locIDs[l] == 0 {
				locOrder = append(locOrder, int(l))
				locIDs[l] = uint64(len(locOrder))
			}
			ids = append(ids, locIDs[l])
		}
		depthSum += len(ids)
		if len(ids) > st.maxDepth {
			st.maxDepth = len(ids)
		}
		p.message(profSample, func(m *pbuf) {
			m.packedUint64(sampleLocationID, ids)
			m.packedInt64(sampleValue, []int64{s.count, s.count * period})
			label := func(key, val string, num int64, unit string) {
				m.message(sampleLabel, func(l *pbuf) {
					l.int64Opt(labelKey, str(key))
					if val != "" {
						l.int64Opt(labelStr, str(val))
					} else {
						l.int64Opt(labelNum, num)
						l.int64Opt(labelNumUnit, str(unit))
					}
				})
			}
			if *labels != "none" {
				label("endpoint", endpoints[s.key.endpoint], 0, "")
			}
			if s.key.worker >= 0 {
				label("worker", fmt.Sprintf("w%02d", s.key.worker), 0, "")
			}
			if s.key.bytes >= 0 {
				label("bytes", "", s.key.bytes, "bytes")
			}
			if s.key.latency >= 0 {
				label("latency", "", s.key.latency, "ms")
			}
		})
	}
	st.meanDepth = float64(depthSum) / float64(len(samples))

	for i, m := range u.maps {
		p.message(profMapping, func(b *pbuf) {
			b.uint64Opt(mapID, uint64(i+1))
			b.uint64Opt(mapMemoryStart, m.start)
			b.uint64Opt(mapMemoryLimit, m.limit)
			b.uint64Opt(mapFileOffset, m.offset)
			b.int64Opt(mapFilename, str(m.file))
			b.int64Opt(mapBuildID, str(m.buildID))
			b.boolOpt(mapHasFunctions, true)
			b.boolOpt(mapHasFilenames, m.hasFilenames)
			b.boolOpt(mapHasLineNumbers, m.hasFilenames)
			b.boolOpt(mapHasInlineFrames, m.hasFilenames)
		})
	}
	fnIDs := make([]uint64, len(u.fns))
	var fnOrder []int
	for _, li := range locOrder {
		l := u.locs[li]
		p.message(profLocation, func(b *pbuf) {
			b.uint64Opt(locID, locIDs[li])
			b.uint64Opt(locMappingID, uint64(l.mapping+1))
			b.uint64Opt(locAddress, l.addr)
			for _, ln := range l.lines {
				if fnIDs[ln.fn] == 0 {
					fnOrder = append(fnOrder, ln.fn)
					fnIDs[ln.fn] = uint64(len(fnOrder))
				}
				b.message(locLine, func(x *pbuf) {
					x.uint64Opt(lineFunctionID, fnIDs[ln.fn])
					x.int64Opt(lineLine, ln.line)
				})
			}
		})
	}
	for _, fi := range fnOrder {
		f := u.fns[fi]
		p.message(profFunction, func(b *pbuf) {
			b.uint64Opt(fnID, fnIDs[fi])
			b.int64Opt(fnName, str(f.name))
			b.int64Opt(fnSystemName, str(f.name))
			b.int64Opt(fnFilename, str(f.file))
			b.int64Opt(fnStartLine, f.startLine)
		})
	}
	comments := []int64{str("synthetic profile made by pprof-tools tests/data/synth"),
		str(fmt.Sprintf("pprofsynth -seed %d -tree-seed %d -samples %d -maxdepth %d -functions %d -locations %d -paths %d -meandepth %g -branch %g -order %s",
			seed, *treeSeed, *nSamples, *maxDepth, *functions, *locations, *nPaths, *meanDepth, *branch, *order))}
	str("cpu")
	str("nanoseconds")
	for _, s := range table {
		p.bytes(profStringTable, []byte(s))
	}
	p.int64Opt(profTimeNanos, 1_700_000_000_000_000_000+seed*3_600_000_000_000)
	p.int64Opt(profDurationNanos, 600_000_000_000)
	valueType(profPeriodType, "cpu", "nanoseconds")
	p.int64Opt(profPeriod, period)
	for _, c := range comments {
		p.key(profComment, 0)
		p.varint(uint64(c))
	}
	st.locations, st.functions, st.strings = len(locOrder), len(fnOrder), len(table)
	return p.b, st
}

// write writes data to path (- for stdout), gzipped unless level is 0.
func write(path string, data []byte, level int) error {
	var f *os.File
	if path == "-" {
		f = os.Stdout
	} else {
		var err error
		if f, err = os.Create(path); err != nil {
			return err
		}
	}
	bw := bufio.NewWriter(f)
	var w io.Writer = bw
	var zw *gzip.Writer
	if level > 0 {
		zw, _ = gzip.NewWriterLevel(bw, level)
		w = zw
	}
	_, err := w.Write(data)
	if zw != nil {
		if e := zw.Close(); err == nil {
			err = e
		}
	}
	if e := bw.Flush(); err == nil {
		err = e
	}
	if path != "-" {
		if e := f.Close(); err == nil {
			err = e
		}
	}
	return err
}
