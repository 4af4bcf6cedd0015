// Command pprofgen writes real Go profiles (CPU, heap, goroutine) for the
// pprof-tools test suite. It uses only the standard library; regen.sh builds
// it and writes the fixtures in tests/data. See README.md.
//
// Usage:
//
//	pprofgen cpu -o FILE [-mix NAME] [-dur D] [-seed N] [-hz N]
//	pprofgen heap -o FILE1 [-o2 FILE2]
//	pprofgen goroutine -o FILE
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"time"
)

// variant names the build; regen.sh sets it with -ldflags=-X main.variant=...
// so that the two binaries differ (different mapping size and build id).
var variant = "a"

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	mode, args := os.Args[1], os.Args[2:]
	fs := flag.NewFlagSet(mode, flag.ExitOnError)
	out := fs.String("o", "", "output file")
	out2 := fs.String("o2", "", "second heap profile (heap mode)")
	mix := fs.String("mix", "all", "CPU workload mix (cpu mode): "+mixNames())
	dur := fs.Duration("dur", time.Second, "wall time of the CPU workload (cpu mode)")
	seed := fs.Int64("seed", 1, "seed for the workload's inputs")
	hz := fs.Int("hz", 100, "CPU sampling rate (cpu mode); the runtime warns when it is not 100")
	fs.Parse(args)
	if *out == "" {
		usage()
	}
	var err error
	switch mode {
	case "cpu":
		err = runCPU(*out, *mix, *dur, *seed, *hz)
	case "heap":
		err = runHeap(*out, *out2, *seed)
	case "goroutine":
		err = runGoroutine(*out)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "pprofgen: %v\n", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintf(os.Stderr, "usage: pprofgen cpu|heap|goroutine -o FILE [options] (variant %s)\n", variant)
	os.Exit(2)
}

// writeProfile writes the named runtime/pprof profile to path.
func writeProfile(name, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func init() {
	// Record every allocation so the heap profile is rich. It must be set
	// before the allocations of interest; init is early enough. It only
	// costs time in the heap mode, but is harmless elsewhere.
	if len(os.Args) > 1 && os.Args[1] == "heap" {
		runtime.MemProfileRate = 1
	}
}
