package main

import (
	"fmt"
	"math"
	"math/rand"
	"strings"
)

// The universe is everything a profile can refer to: mappings, functions,
// locations and a trie of call stacks ("paths"). It depends only on the
// structure parameters (-tree-seed, -functions, -locations, -maxdepth, -paths),
// never on -seed, so profiles of different seeds share functions and
// locations (merging them deduplicates a lot) but have different samples.

type mapping struct {
	start, limit, offset uint64
	file, buildID        string
	hasFilenames         bool
}

type function struct {
	name, file string
	startLine  int64
	mapping    int
	level      int
	addr       uint64
	recursive  bool
	self       int   // index in callees of the recursive call, if recursive
	callees    []int // functions called, one call site each
	sites      []int // locations: sites[i] calls callees[i]
	work       []int // locations that call nothing (sample leaves)
}

type line struct {
	fn   int
	line int64
}

type location struct {
	mapping int
	addr    uint64
	lines   []line // innermost (inlined) first, the physical function last
	callee  int    // function called from this location, or -1
}

// A path is one call stack, root first, stored as a trie node.
type node struct {
	parent int32 // -1 for a child of the root
	loc    int32
	depth  int32 // number of frames from the root to this node
}

type universe struct {
	maps   []mapping
	fns    []function
	locs   []location
	nodes  []node
	paths  []int32 // leaf node of each path
	group  []int32 // per path: its subsystem, a trie node near the root
	roots  []int   // root functions
	levels int     // call graph depth without recursion
}

type params struct {
	treeSeed                  int64
	functions, locations      int
	maxDepth, paths           int
	meanDepth, branchDistance float64
}

var (
	verbs = strings.Fields(`Get Put Handle Serve Read Write Parse Encode Decode Marshal Unmarshal
		Lookup Insert Delete Scan Next Flush Compute Validate Apply Merge Sort Hash Compress
		Dispatch Process Load Store Walk Visit Resolve Render Append Build Close Open Send Recv`)
	nouns = strings.Fields(`Request Response Header Row Batch Key Value Index Node Tree Page Block
		Buffer Span Event Record Query Token Stream Frame Conn Session Cache Entry Plan Field
		Column Message Chunk Segment Schema Metric Label Rule Job Task Lease Peer`)
	types = strings.Fields(`Server Client Store Handler Encoder Decoder Parser Pool conn Txn
		Iterator Builder Router Scheduler Worker Cache Table Writer Reader state`)
	pkgRoots = strings.Fields(`github.com/acme/api github.com/acme/storage github.com/acme/auth
		github.com/acme/billing google.golang.org/grpc google.golang.org/protobuf
		go.opentelemetry.io/otel github.com/jackc/pgx`)
	stdPkgs = strings.Fields(`runtime sync encoding/json net/http bufio io strings sort
		bytes strconv fmt reflect context crypto/sha256 compress/flate regexp`)
	libcFuncs = strings.Fields(`__memmove_avx_unaligned_erms __memset_avx2_unaligned_erms
		__GI___libc_write __GI___libc_read epoll_wait __futex_abstimed_wait_common
		pthread_cond_wait malloc _int_malloc free _int_free __lll_lock_wait
		__clock_gettime clone3 __GI___poll`)
)

func pick(rng *rand.Rand, xs []string) string { return xs[rng.Intn(len(xs))] }

// newUniverse builds the universe for p.
func newUniverse(p params) *universe {
	rng := rand.New(rand.NewSource(p.treeSeed))
	u := &universe{}
	u.maps = []mapping{
		{start: 0x400000, file: "/usr/local/bin/apiserver", hasFilenames: true,
			buildID: fmt.Sprintf("%016x%016x%08x", rng.Uint64(), rng.Uint64(), rng.Uint32())},
		{start: 0x7f3a1c028000, offset: 0x28000, file: "/usr/lib/x86_64-linux-gnu/libc.so.6",
			buildID: fmt.Sprintf("%016x%016x%08x", rng.Uint64(), rng.Uint64(), rng.Uint32())},
		{start: 0x7ffd5b3f2000, limit: 0x7ffd5b3f4000, file: "[vdso]"},
	}
	u.makeFunctions(rng, p)
	u.makeLocations(rng, p)
	u.makePaths(rng, p)
	u.makeGroups()
	return u
}

// makeFunctions makes the functions and the call graph: each function has a
// level and calls functions one to three levels deeper; a few call
// themselves (recursion, which makes the deepest stacks) or call back to a
// shallower function (mutual recursion).
func (u *universe) makeFunctions(rng *rand.Rand, p params) {
	levels := p.maxDepth * 6 / 10
	if levels < 3 {
		levels = 3
	}
	u.levels = levels
	nLibc := p.functions / 50
	if nLibc > len(libcFuncs) {
		nLibc = len(libcFuncs)
	}
	nGo := p.functions - nLibc - 2
	if nGo < levels {
		nGo = levels
	}
	seen := map[string]bool{}
	add := func(f function) int {
		for seen[f.name] {
			f.name += "'"
		}
		seen[f.name] = true
		u.fns = append(u.fns, f)
		return len(u.fns) - 1
	}
	rt := "/usr/local/go/src/runtime/"
	u.roots = append(u.roots,
		add(function{name: "runtime.goexit", file: rt + "asm_amd64.s", startLine: 1697}),
		add(function{name: "runtime.mstart", file: rt + "asm_amd64.s", startLine: 394}))
	// Packages: a few standard ones and more third-party ones.
	var pkgs []string
	for len(pkgs) < 4+nGo/40 {
		if len(pkgs) < len(stdPkgs) && rng.Intn(3) == 0 {
			pkgs = append(pkgs, stdPkgs[len(pkgs)])
			continue
		}
		pkgs = append(pkgs, pick(rng, pkgRoots)+"/"+strings.ToLower(pick(rng, nouns))+
			[]string{"", "/internal/" + strings.ToLower(pick(rng, verbs))}[rng.Intn(2)])
	}
	prev := -1 // the previous Go function, for closures
	for i := 0; i < nGo; i++ {
		pkg := pkgs[rng.Intn(len(pkgs))]
		dir := "/build/src/" + pkg
		if !strings.Contains(pkg, ".") {
			dir = "/usr/local/go/src/" + pkg
		}
		f := function{file: dir + "/" + strings.ToLower(pick(rng, nouns)) + ".go",
			startLine: int64(10 + rng.Intn(4000)), level: 1 + i%levels,
			recursive: rng.Intn(100) < 6}
		switch r := rng.Intn(100); {
		case r < 30:
			f.name = fmt.Sprintf("%s.(*%s%s).%s%s", pkg, pick(rng, nouns), pick(rng, types),
				pick(rng, verbs), pick(rng, nouns))
		case r < 50:
			f.name = fmt.Sprintf("%s.%s.%s", pkg, pick(rng, types), pick(rng, verbs))
		case r < 57 && prev >= 0: // a closure in the previous function
			pf := u.fns[prev]
			f.name = fmt.Sprintf("%s.func%d", pf.name, 1+rng.Intn(4))
			f.file, f.startLine = pf.file, pf.startLine+int64(1+rng.Intn(30))
		case r < 60:
			f.name = fmt.Sprintf("%s.%s%s[go.shape.%s]", pkg, pick(rng, verbs), pick(rng, nouns),
				[]string{"int", "string", "*uint8", "struct {}"}[rng.Intn(4)])
		default:
			f.name = fmt.Sprintf("%s.%s%s", pkg, strings.ToLower(pick(rng, verbs)), pick(rng, nouns))
		}
		prev = add(f)
	}
	for i := 0; i < nLibc; i++ {
		add(function{name: libcFuncs[i], mapping: 1, level: levels + 1})
	}
	vdso := add(function{name: "__vdso_clock_gettime", mapping: 2, level: levels + 1})

	// Index functions by level for the call graph.
	byLevel := make([][]int, levels+2)
	for i, f := range u.fns {
		byLevel[f.level] = append(byLevel[f.level], i)
	}
	for i := range u.fns {
		f := &u.fns[i]
		if f.mapping != 0 {
			continue
		}
		n := 1 + rng.Intn(6)
		if f.level == 0 {
			n = len(byLevel[1])
		}
		for j := 0; j < n; j++ {
			l := f.level + 1 + rng.Intn(3)
			if f.level == 0 {
				f.callees = append(f.callees, byLevel[1][j])
				continue
			}
			if l > levels {
				continue // near the bottom: fewer callees
			}
			if rng.Intn(250) == 0 {
				l = levels + 1 // libc or vdso
			}
			f.callees = append(f.callees, byLevel[l][rng.Intn(len(byLevel[l]))])
		}
		if f.recursive {
			f.self = len(f.callees)
			f.callees = append(f.callees, i)
		}
		if f.level > 3 && rng.Intn(60) == 0 {
			back := byLevel[f.level-1-rng.Intn(3)]
			f.callees = append(f.callees, back[rng.Intn(len(back))])
		}
		if rng.Intn(300) == 0 {
			f.callees = append(f.callees, vdso)
		}
	}
}

// makeLocations gives each function one location per call site and work
// locations (non-call PCs) so that there are about p.locations in all. A
// location may have inlined frames: 1 to 3 lines.
func (u *universe) makeLocations(rng *rand.Rand, p params) {
	sites := 0
	for _, f := range u.fns {
		sites += len(f.callees)
	}
	extra := p.locations - sites
	if extra < len(u.fns) {
		extra = len(u.fns)
	}
	// Small Go functions that get inlined.
	var inlinable []int
	for i, f := range u.fns {
		if f.mapping == 0 && f.level > 0 && rng.Intn(5) == 0 {
			inlinable = append(inlinable, i)
		}
	}
	next := [3]uint64{u.maps[0].start + 0x1000, u.maps[1].start + 0x200, u.maps[2].start + 0x600}
	for i := range u.fns {
		f := &u.fns[i]
		f.addr = next[f.mapping]
		nwork := 1 + rng.Intn(imax(1, 2*extra/len(u.fns)-1))
		size := int64(5 + rng.Intn(300))
		pc := f.addr
		newLoc := func(callee int) int {
			pc += uint64(2 + rng.Intn(40))
			l := location{mapping: f.mapping, addr: pc, callee: callee}
			if f.mapping == 0 {
				l.lines = []line{{i, f.startLine + 1 + rng.Int63n(size)}}
				if r := rng.Intn(100); r < 20 && len(inlinable) > 0 {
					for k := 0; k < 1+r/15; k++ { // 1 inlined frame, or 2 when r >= 15
						g := inlinable[rng.Intn(len(inlinable))]
						if g == i {
							continue
						}
						in := line{g, u.fns[g].startLine + 1 + rng.Int63n(20)}
						l.lines = append([]line{in}, l.lines...)
					}
				}
			} else {
				l.lines = []line{{i, 0}}
			}
			u.locs = append(u.locs, l)
			return len(u.locs) - 1
		}
		for _, c := range f.callees {
			f.sites = append(f.sites, newLoc(c))
		}
		for k := 0; k < nwork; k++ {
			f.work = append(f.work, newLoc(-1))
		}
		next[f.mapping] = (pc + 64) &^ 15
	}
	for m := range u.maps {
		if u.maps[m].limit == 0 {
			u.maps[m].limit = (next[m] + 0xfff) &^ 0xfff
		}
	}
}

// makePaths builds the trie of call stacks. The first 5% of paths are
// fresh walks from a root, which gives the tree its fan-out near the root.
// After that, each new path (but one in 50) copies a prefix of an earlier
// one, usually all but its last few frames (real call trees share long
// prefixes), sometimes a prefix of any length, and continues with a walk
// down the call graph to a target depth drawn from a gamma(2) distribution
// of mean p.meanDepth, capped at p.maxDepth.
func (u *universe) makePaths(rng *rand.Rand, p params) {
	trie := map[[2]int32]int32{}
	child := func(parent int32, loc int) int32 {
		k := [2]int32{parent, int32(loc)}
		if n, ok := trie[k]; ok {
			return n
		}
		d := int32(1)
		if parent >= 0 {
			d = u.nodes[parent].depth + 1
		}
		u.nodes = append(u.nodes, node{parent: parent, loc: int32(loc), depth: d})
		trie[k] = int32(len(u.nodes) - 1)
		return int32(len(u.nodes) - 1)
	}
	stack := make([]int, 0, p.maxDepth)
	for len(u.paths) < p.paths {
		target := int(math.Round(p.meanDepth / 2 * (rng.ExpFloat64() + rng.ExpFloat64())))
		if target < 2 {
			target = 2
		}
		if target > p.maxDepth {
			target = p.maxDepth
		}
		stack = stack[:0]
		if len(u.paths) >= p.paths/20 && rng.Intn(50) != 0 {
			// Share a prefix of an earlier path.
			from := u.paths[rng.Intn(len(u.paths))]
			for n := from; n >= 0; n = u.nodes[n].parent {
				stack = append(stack, int(u.nodes[n].loc))
			}
			reverse(stack)
			cut := len(stack) - 1 - int(rng.ExpFloat64()*p.branchDistance)
			if rng.Intn(4) == 0 { // sometimes branch anywhere, for fan-out near the root
				cut = 1 + rng.Intn(len(stack)-1)
			}
			if cut > target-1 {
				cut = target - 1
			}
			if cut < 1 {
				cut = 1
			}
			stack = stack[:cut]
		} else {
			root := u.roots[0]
			if rng.Intn(10) == 0 {
				root = u.roots[1]
			}
			f := &u.fns[root]
			stack = append(stack, f.sites[rng.Intn(len(f.sites))])
		}
		stack = u.walk(rng, stack, target)
		var n int32 = -1
		for _, l := range stack {
			n = child(n, l)
		}
		u.paths = append(u.paths, n)
	}
}

// makeGroups puts each path in a subsystem: its ancestor at the shallowest
// depth where the paths have at least 256 distinct ancestors (or its leaf,
// if it is shallower). Subsystems decide the endpoint label and which code
// a seed leaves out.
func (u *universe) makeGroups() {
	anc := make([]int32, len(u.paths))
	copy(anc, u.paths)
	for d := int32(u.levels * 2); d >= 1; d-- {
		distinct := map[int32]bool{}
		for i, n := range anc {
			for u.nodes[n].depth > d {
				n = u.nodes[n].parent
			}
			anc[i] = n
			distinct[n] = true
		}
		if len(distinct) < 256 && u.group != nil {
			break
		}
		u.group = append(u.group[:0], anc...)
	}
}

// walk extends stack (whose last location is a call site) down the call
// graph until it has target frames or reaches a function that calls nothing,
// and ends it with a work location.
func (u *universe) walk(rng *rand.Rand, stack []int, target int) []int {
	for {
		f := &u.fns[u.locs[stack[len(stack)-1]].callee]
		if len(stack)+1 >= target || len(f.callees) == 0 {
			return append(stack, f.work[rng.Intn(len(f.work))])
		}
		i := rng.Intn(len(f.callees))
		if f.recursive {
			// Recurse more when the levels left cannot reach the target.
			// Descending takes about two levels a frame.
			need, left := target-len(stack), (u.levels-f.level)/2
			if (need > left && rng.Intn(10) != 0) || rng.Intn(3) == 0 {
				i = f.self
			}
		}
		stack = append(stack, f.sites[i])
	}
}

func reverse(s []int) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

func imax(a, b int) int {
	if a > b {
		return a
	}
	return b
}
