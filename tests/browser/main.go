// browser-driver: opens pages in headless Chromium and does what a script
// says, for the tests of pprof-tools' flame graphs (tests/cli/flame-browser.sh)
// and the README's picture. HACKING.md section 12 says why it is built so.
//
//	browser-driver [-chromium PATH] [-size WxH] [-timeout D] [-step D] [-log FILE] < SCRIPT
//
// One browser serves the whole script. Each line of SCRIPT is a command
// (blank lines and lines starting with # are skipped), and each command
// writes exactly one line on stdout, so that a caller can read the answers
// in order; a command that fails writes "error: WHY" as its line and the
// driver goes on, exiting 1 at the end. Commands:
//
//	open URL            load URL (file:// with a query string is fine), wait for its
//	                    load event and for <html data-ready="1">, or the root element's
//	                    data-ready; writes the milliseconds that took
//	open-static URL     load URL with JavaScript off, wait for its load event
//	eval EXPR           evaluate a JavaScript expression (a promise is awaited); writes
//	                    its value: a string as it is (newlines as \n), anything else as JSON
//	click SELECTOR      a left click at the centre of the first element matching the CSS
//	                    selector (its getBoundingClientRect); writes the point
//	hover SELECTOR      the mouse moved there
//	key KEYS            a key press, e.g. "ctrl+f", "Escape", "a"
//	prompt TEXT         the answer to the page's next prompt() (dialogs are
//	                    otherwise accepted with no text); writes "ok"
//	screenshot FILE [SELECTOR]
//	                    a PNG of the page (or of the element) into FILE; writes its size
//	pngstat FILE        writes "WxH colours=N nonwhite=PCT" of a PNG: how many distinct
//	                    colours and what share of the pixels is not white
//	paint               writes "first-paint=MS first-contentful-paint=MS" from the
//	                    page's performance entries (-1 when there is none)
//	requests            writes the URLs the page asked for since it was opened, but
//	                    itself, separated by spaces, or "none"
//
// Timeouts: every protocol call waits at most -step, and the whole run at
// most -timeout, after which the browser is killed and the driver exits 3.
// The browser runs in a process group of its own, killed on exit, on
// SIGINT/SIGTERM and (Pdeathsig) when the driver itself is killed.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	chromium := flag.String("chromium", "chromium", "the browser to run")
	size := flag.String("size", "1280x1024", "the window size, WIDTHxHEIGHT")
	timeout := flag.Duration("timeout", 60*time.Second, "the longest the whole run may take")
	step := flag.Duration("step", 10*time.Second, "the longest one command may take")
	logPath := flag.String("log", os.DevNull, "where the browser's own messages go")
	flag.Parse()
	var width, height int
	if _, err := fmt.Sscanf(*size, "%dx%d", &width, &height); err != nil || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: browser-driver [-chromium PATH] [-size WxH] [-timeout D] [-step D] [-log FILE] < SCRIPT")
		os.Exit(2)
	}
	os.Exit(run(*chromium, *logPath, width, height, *timeout, *step))
}

func run(chromium, logPath string, width, height int, timeout, step time.Duration) int {
	started := time.Now()
	b, err := startBrowser(chromium, logPath, width, height, step)
	if err != nil {
		fmt.Fprintln(os.Stderr, "browser-driver:", err)
		return 3
	}
	defer b.cleanup()
	fmt.Fprintln(os.Stderr, "browser-driver: profile directory", b.dataDir)
	stopOn(b, timeout)
	p, err := newPage(b.conn, width, height)
	if err != nil {
		fmt.Fprintf(os.Stderr, "browser-driver: %v (the browser's messages: %s)\n", err, logPath)
		return 3
	}
	fmt.Fprintf(os.Stderr, "browser-driver: browser ready in %v\n", time.Since(started).Round(time.Millisecond))
	status := 0
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<16), 1<<20)
	for in.Scan() {
		line := strings.TrimSpace(in.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		t0 := time.Now()
		answer, err := p.do(line)
		fmt.Fprintf(os.Stderr, "browser-driver: %4d ms: %.100s\n", time.Since(t0).Milliseconds(), line)
		if err != nil {
			answer = "error: " + err.Error()
			fmt.Fprintf(os.Stderr, "browser-driver: %s: %v\n", line, err)
			status = 1
			if b.conn.broken() != nil {
				fmt.Println(answer)
				return 3
			}
		}
		fmt.Println(strings.ReplaceAll(answer, "\n", `\n`))
	}
	fmt.Fprintf(os.Stderr, "browser-driver: done in %v\n", time.Since(started).Round(time.Millisecond))
	return status
}

// stopOn ends the browser and the driver when the run takes longer than
// timeout, or on SIGINT or SIGTERM (make check interrupted).
func stopOn(b *browser, timeout time.Duration) {
	stop := func(why string) {
		fmt.Fprintln(os.Stderr, "browser-driver:", why+"; killing the browser")
		b.cleanup()
		os.Exit(3)
	}
	time.AfterFunc(timeout, func() { stop(fmt.Sprintf("not done in %v", timeout)) })
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	go func() { stop(fmt.Sprint((<-sig).String())) }()
}
