package main

import (
	"context"
	"runtime/pprof"
	"sync"
	"time"
)

// runGoroutine starts goroutines blocked in distinct places (channel
// receive, mutex, WaitGroup, select, sleep, sync.Cond), some under pprof
// labels, and writes a goroutine profile to out.
func runGoroutine(out string) error {
	var (
		jobs    = make(chan int)
		mu      sync.Mutex
		wg      sync.WaitGroup
		cond    = sync.NewCond(&sync.Mutex{})
		quit    = make(chan struct{})
		started sync.WaitGroup
	)
	mu.Lock() // held while profiling, so lockers block
	wg.Add(1) // never done while profiling
	spawn := func(n int, labels pprof.LabelSet, f func()) {
		for i := 0; i < n; i++ {
			started.Add(1)
			go pprof.Do(context.Background(), labels, func(context.Context) {
				started.Done()
				f()
			})
		}
	}
	spawn(8, pprof.Labels("endpoint", "/api/search", "role", "worker"),
		func() { poolWorker(jobs) })
	spawn(4, pprof.Labels("endpoint", "/api/checkout", "role", "locker"),
		func() { lockAndWork(&mu) })
	spawn(3, pprof.Labels("role", "waiter"), func() { waitAll(&wg) })
	spawn(2, pprof.LabelSet{}, func() { selectLoop(jobs, quit) })
	spawn(5, pprof.LabelSet{}, func() { sleeper() })
	spawn(2, pprof.Labels("endpoint", "/api/report", "role", "cond"),
		func() { condWait(cond) })
	started.Wait()
	time.Sleep(200 * time.Millisecond) // let them all block
	return writeProfile("goroutine", out)
}

func poolWorker(jobs <-chan int) {
	for j := range jobs {
		sink += uint64(j)
	}
}

func lockAndWork(mu *sync.Mutex) {
	mu.Lock()
	sink++
	mu.Unlock()
}

func waitAll(wg *sync.WaitGroup) { wg.Wait() }

func selectLoop(jobs <-chan int, quit <-chan struct{}) {
	for {
		select {
		case j := <-jobs:
			sink += uint64(j)
		case <-quit:
			return
		}
	}
}

func sleeper() { time.Sleep(time.Hour) }

func condWait(c *sync.Cond) {
	c.L.Lock()
	c.Wait()
	c.L.Unlock()
}
