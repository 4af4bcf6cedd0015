package main

// Starting headless Chromium and making sure it goes away.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

const prSetChildSubreaper = 36 // <linux/prctl.h>

// browser is a running Chromium in a process group of its own, with a
// throwaway profile directory.
type browser struct {
	cmd     *exec.Cmd
	dataDir string
	conn    *conn
	exited  chan struct{}
}

// chromiumFlags: a headless browser that talks only to us. --no-sandbox:
// the pages are our own files, and CI runs as root, where Chromium refuses
// to start with its sandbox (containers also often lack the namespaces it
// needs). The network is cut off by the resolver rules and the proxy, so
// that a page that asks for anything outside fails to get it; the Network
// domain still reports the request (see the requests command).
var chromiumFlags = []string{
	"--headless", "--no-sandbox", "--remote-debugging-pipe",
	"--disable-gpu", "--disable-dev-shm-usage", "--disable-extensions",
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
	"--disable-default-apps", "--disable-crash-reporter", "--disable-breakpad",
	"--no-first-run", "--no-default-browser-check", "--mute-audio", "--hide-scrollbars",
	"--force-device-scale-factor=1", "--force-color-profile=srgb",
	"--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
	"about:blank",
}

// startBrowser runs chromium with a pipe on its fds 3 and 4. Its stderr
// (Chromium is chatty there) goes to logPath.
func startBrowser(chromium, logPath string, width, height int, timeout time.Duration) (*browser, error) {
	// Chromium's helpers outlive it for a moment, and when it exits they
	// become orphans: as a subreaper this program gets them, not init (which
	// in a container may never reap them), and cleanup reaps them.
	if _, _, e := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0); e != 0 {
		return nil, fmt.Errorf("prctl(PR_SET_CHILD_SUBREAPER): %v", e)
	}
	dataDir, err := os.MkdirTemp("", "browser-driver.")
	if err != nil {
		return nil, err
	}
	b := &browser{dataDir: dataDir, exited: make(chan struct{})}
	toBrowser, fromUs, err := os.Pipe() // the browser reads commands on its fd 3
	if err != nil {
		b.cleanup()
		return nil, err
	}
	fromBrowser, toUs, err := os.Pipe() // and writes on its fd 4
	if err != nil {
		b.cleanup()
		return nil, err
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		b.cleanup()
		return nil, err
	}
	args := append([]string{"--user-data-dir=" + dataDir,
		fmt.Sprintf("--window-size=%d,%d", width, height)}, chromiumFlags...)
	b.cmd = exec.Command(chromium, args...)
	b.cmd.Stdout, b.cmd.Stderr = logFile, logFile
	b.cmd.ExtraFiles = []*os.File{toBrowser, toUs}
	// A group of its own, so that cleanup can end the renderer and GPU
	// processes too; and killed if this program dies first.
	b.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	err = b.cmd.Start()
	toBrowser.Close()
	toUs.Close()
	logFile.Close()
	if err != nil {
		b.cleanup()
		return nil, fmt.Errorf("starting %s: %v", chromium, err)
	}
	go func() { b.cmd.Wait(); close(b.exited) }()
	b.conn = newConn(fromBrowser, fromUs, timeout)
	return b, nil
}

// cleanup closes the browser (politely, then by SIGKILL to its whole
// process group) and removes its profile directory. Safe to call twice, and
// from a signal handler's goroutine.
func (b *browser) cleanup() {
	if b.cmd != nil && b.cmd.Process != nil {
		if b.conn != nil {
			go b.conn.call("", "Browser.close", nil, nil)
		}
		select {
		case <-b.exited:
		case <-time.After(2 * time.Second):
		}
		// the group outlives its leader: renderers may still be exiting
		syscall.Kill(-b.cmd.Process.Pid, syscall.SIGKILL)
		reapGroup(b.cmd.Process.Pid, 2*time.Second)
	}
	if b.dataDir != "" && filepath.IsAbs(b.dataDir) {
		os.RemoveAll(b.dataDir)
	}
}

// reapGroup waits for every process of the group to end (they are our
// children or, as orphans, our subreaper's), at most for limit.
func reapGroup(pgid int, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		var status syscall.WaitStatus
		pid, err := syscall.Wait4(-pgid, &status, syscall.WNOHANG, nil)
		if err == syscall.ECHILD {
			return // none left
		}
		if pid <= 0 {
			time.Sleep(10 * time.Millisecond)
		}
	}
}
