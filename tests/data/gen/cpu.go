package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"regexp"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"time"
)

// A workload does one kind of work in short rounds until done() says stop.
type workload func(rng *rand.Rand, done func() bool) uint64

// workloads maps names to workloads; variant builds register more in init.
var workloads = map[string]workload{
	"json":     jsonWork,
	"sha256":   shaWork,
	"sort":     sortWork,
	"regexp":   regexpWork,
	"fib":      fibWork,
	"inline":   inlineWork,
	"strconv":  strconvWork,
	"template": templateWork,
	"maps":     mapsWork,
}

// A task is one goroutine: a workload run under an endpoint label.
type task struct{ endpoint, work string }

// mixes are the CPU workload mixes; each profile uses one.
var mixes = map[string][]task{
	"all": {
		{"/api/search", "regexp"}, {"/api/search", "sort"},
		{"/api/checkout", "json"}, {"/api/checkout", "sha256"},
		{"/api/login", "inline"}, {"/api/report", "fib"},
		{"/api/report", "strconv"}, {"/api/report", "template"},
	},
	"api": {
		{"/api/checkout", "json"}, {"/api/search", "regexp"},
		{"/api/report", "json"}, {"/api/search", "sort"},
		{"/api/report", "template"},
	},
	"crunch": {
		{"/api/login", "sha256"}, {"/api/search", "sort"},
		{"/api/report", "fib"}, {"/api/login", "inline"},
		{"/api/search", "maps"}, {"/api/report", "strconv"},
	},
	"skew": {
		{"/api/search", "regexp"}, {"/api/search", "regexp"},
		{"/api/search", "sort"}, {"/api/checkout", "json"},
		{"/api/login", "inline"}, {"/api/report", "fib"},
	},
}

func mixNames() string {
	var names []string
	for n := range mixes {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

var sink uint64
var sinkMu sync.Mutex

// runCPU profiles the tasks of mix for dur and writes the profile to path.
// A rate other than 100 Hz is set before StartCPUProfile, which then fails
// to set its own rate (the runtime prints "cannot set cpu profile rate")
// and the profile's period is 1e9/hz ns.
func runCPU(path, mix string, dur time.Duration, seed int64, hz int) error {
	tasks, ok := mixes[mix]
	if !ok {
		return fmt.Errorf("unknown mix %q (have %s)", mix, mixNames())
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if hz != 100 {
		runtime.SetCPUProfileRate(hz)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return err
	}
	deadline := time.Now().Add(dur)
	done := func() bool { return time.Now().After(deadline) }
	var wg sync.WaitGroup
	for i, t := range tasks {
		wg.Add(1)
		go func(i int, t task) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed*100 + int64(i)))
			labels := pprof.Labels("endpoint", t.endpoint,
				"worker", "w"+strconv.Itoa(i%4))
			pprof.Do(context.Background(), labels, func(context.Context) {
				r := workloads[t.work](rng, done)
				sinkMu.Lock()
				sink += r
				sinkMu.Unlock()
			})
		}(i, t)
	}
	wg.Wait()
	pprof.StopCPUProfile()
	return f.Close()
}

// ---- encoding/json ----

type order struct {
	ID       int64             `json:"id"`
	Customer string            `json:"customer"`
	Items    []item            `json:"items"`
	Tags     map[string]string `json:"tags"`
	Total    float64           `json:"total"`
}

type item struct {
	SKU   string  `json:"sku"`
	Qty   int     `json:"qty"`
	Price float64 `json:"price"`
}

func makeOrder(rng *rand.Rand) order {
	o := order{ID: rng.Int63(), Customer: fmt.Sprintf("cust-%06d", rng.Intn(1e6)),
		Tags: map[string]string{"region": "eu-west", "tier": "gold"}}
	for i := 0; i < 2+rng.Intn(8); i++ {
		it := item{SKU: fmt.Sprintf("SKU-%x", rng.Int31()), Qty: 1 + rng.Intn(5),
			Price: float64(rng.Intn(10000)) / 100}
		o.Items = append(o.Items, it)
		o.Total += it.Price * float64(it.Qty)
	}
	return o
}

func jsonWork(rng *rand.Rand, done func() bool) uint64 {
	var n uint64
	for !done() {
		orders := make([]order, 20)
		for i := range orders {
			orders[i] = makeOrder(rng)
		}
		b, err := json.Marshal(orders)
		if err != nil {
			panic(err)
		}
		var back []order
		if err := json.Unmarshal(b, &back); err != nil {
			panic(err)
		}
		n += uint64(len(b) + len(back))
	}
	return n
}

// ---- crypto/sha256 ----

func shaWork(rng *rand.Rand, done func() bool) uint64 {
	buf := make([]byte, 64<<10)
	rng.Read(buf)
	var n uint64
	for !done() {
		sum := sha256.Sum256(buf)
		s := hex.EncodeToString(sum[:])
		buf[int(sum[0])] ^= 1
		n += uint64(len(s))
	}
	return n
}

// ---- sort ----

type record struct {
	name  string
	score int
	ts    int64
}

func sortWork(rng *rand.Rand, done func() bool) uint64 {
	var n uint64
	for !done() {
		recs := make([]record, 5000)
		for i := range recs {
			recs[i] = record{name: strconv.Itoa(rng.Intn(100000)),
				score: rng.Intn(100), ts: rng.Int63()}
		}
		sort.Slice(recs, func(i, j int) bool {
			if recs[i].score != recs[j].score {
				return recs[i].score < recs[j].score
			}
			return recs[i].name < recs[j].name
		})
		names := make([]string, len(recs))
		for i, r := range recs {
			names[i] = r.name
		}
		sort.Strings(names)
		n += uint64(len(names[0]))
	}
	return n
}

// ---- regexp ----

var logLine = regexp.MustCompile(`^(\d+\.\d+\.\d+\.\d+) - (\w+) \[([^\]]+)\] "(GET|POST|PUT) ([^ ]+) HTTP/1\.[01]" (\d{3}) (\d+)$`)

func regexpWork(rng *rand.Rand, done func() bool) uint64 {
	methods := []string{"GET", "POST", "PUT"}
	var lines []string
	for i := 0; i < 200; i++ {
		lines = append(lines, fmt.Sprintf(`10.%d.%d.%d - user%d [22/Nov/2024:10:%02d:%02d +0000] "%s /api/v1/items/%d?q=%x HTTP/1.1" %d %d`,
			rng.Intn(256), rng.Intn(256), rng.Intn(256), rng.Intn(1000), rng.Intn(60), rng.Intn(60),
			methods[rng.Intn(3)], rng.Intn(100000), rng.Int63(), 200+rng.Intn(4)*100, rng.Intn(1e6)))
	}
	var n uint64
	for !done() {
		for _, l := range lines {
			if m := logLine.FindStringSubmatch(l); m != nil {
				n += uint64(len(m[5]))
			}
		}
	}
	return n
}

// ---- recursion ----

type tree struct {
	left, right *tree
	val         int
}

func buildTree(depth int, rng *rand.Rand) *tree {
	if depth == 0 {
		return nil
	}
	return &tree{buildTree(depth-1, rng), buildTree(depth-1, rng), rng.Intn(100)}
}

func (t *tree) sum() int {
	if t == nil {
		return 0
	}
	return t.val + t.left.sum() + t.right.sum()
}

func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

func fibWork(rng *rand.Rand, done func() bool) uint64 {
	t := buildTree(14, rng)
	var n uint64
	for !done() {
		n += uint64(fib(22 + rng.Intn(3)))
		n += uint64(t.sum())
	}
	return n
}

// ---- inlining: mix64 and score are inlined into checksum ----

func mix64(h, v uint64) uint64 {
	h ^= v
	h *= 0x100000001b3
	return h ^ h>>29
}

func score(h uint64, b byte) uint64 {
	return mix64(h, uint64(b)) + 7
}

//go:noinline
func checksum(data []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, b := range data {
		h = score(h, b)
	}
	return h
}

func inlineWork(rng *rand.Rand, done func() bool) uint64 {
	buf := make([]byte, 32<<10)
	rng.Read(buf)
	var n uint64
	for !done() {
		n += checksum(buf)
	}
	return n
}

// ---- strconv / strings ----

func strconvWork(rng *rand.Rand, done func() bool) uint64 {
	var n uint64
	for !done() {
		var sb strings.Builder
		for i := 0; i < 2000; i++ {
			sb.WriteString(strconv.FormatFloat(rng.Float64()*1e6, 'g', -1, 64))
			sb.WriteByte(',')
		}
		for _, f := range strings.Split(sb.String(), ",") {
			if v, err := strconv.ParseFloat(f, 64); err == nil {
				n += uint64(v)
			}
		}
	}
	return n
}

// ---- text/template ----

var reportTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"upper": strings.ToUpper,
}).Parse(`Report for {{.Customer | upper}} (#{{.ID}})
{{range $i, $it := .Items}}{{if $i}}, {{end}}{{$it.SKU}} x{{$it.Qty}} @ {{printf "%.2f" $it.Price}}{{end}}
{{with .Tags}}{{range $k, $v := .}}{{$k}}={{$v}} {{end}}{{end}}total: {{printf "%.2f" .Total}}
`))

func templateWork(rng *rand.Rand, done func() bool) uint64 {
	var n uint64
	for !done() {
		var sb strings.Builder
		for i := 0; i < 20; i++ {
			if err := reportTmpl.Execute(&sb, makeOrder(rng)); err != nil {
				panic(err)
			}
		}
		n += uint64(sb.Len())
	}
	return n
}

// ---- maps ----

func mapsWork(rng *rand.Rand, done func() bool) uint64 {
	keys := make([]string, 4096)
	for i := range keys {
		keys[i] = fmt.Sprintf("session-%08x", rng.Uint32())
	}
	var n uint64
	for !done() {
		m := make(map[string]int)
		for i, k := range keys {
			m[k] += i
		}
		for _, k := range keys {
			n += uint64(m[k])
		}
		for k := range m {
			if len(k)%2 == 0 {
				delete(m, k)
			}
		}
	}
	return n
}
