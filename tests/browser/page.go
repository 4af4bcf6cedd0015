package main

// A page (one tab) and the script's commands on it.

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

type page struct {
	c       *conn
	session string

	mu       sync.Mutex
	loaded   chan struct{} // closed by the next load event
	url      string        // the page opened last
	requests []string      // URLs asked for since it was opened
	prompt   string        // the answer to the next prompt()
}

// newPage opens a tab, attaches to it and turns on the domains the
// commands need.
func newPage(c *conn, width, height int) (*page, error) {
	var target struct{ TargetID string }
	if err := c.call("", "Target.createTarget", map[string]interface{}{"url": "about:blank"}, &target); err != nil {
		return nil, err
	}
	var attached struct{ SessionID string }
	if err := c.call("", "Target.attachToTarget", map[string]interface{}{
		"targetId": target.TargetID, "flatten": true}, &attached); err != nil {
		return nil, err
	}
	p := &page{c: c, session: attached.SessionID}
	c.on("Page.loadEventFired", func(json.RawMessage) { p.signalLoaded() })
	c.on("Network.requestWillBeSent", p.recordRequest)
	c.on("Page.javascriptDialogOpening", p.answerDialog)
	for _, m := range []string{"Page.enable", "Runtime.enable", "Network.enable"} {
		if err := p.call(m, nil, nil); err != nil {
			return nil, err
		}
	}
	err := p.call("Emulation.setDeviceMetricsOverride", map[string]interface{}{
		"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}, nil)
	return p, err
}

func (p *page) call(method string, params, out interface{}) error {
	return p.c.call(p.session, method, params, out)
}

func (p *page) signalLoaded() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.loaded != nil {
		close(p.loaded)
		p.loaded = nil
	}
}

func (p *page) recordRequest(params json.RawMessage) {
	var ev struct{ Request struct{ URL string } }
	if json.Unmarshal(params, &ev) == nil {
		p.mu.Lock()
		p.requests = append(p.requests, ev.Request.URL)
		p.mu.Unlock()
	}
}

// answerDialog accepts an alert, confirm or prompt (with the text of the
// prompt command). It runs on the reader's goroutine, so it must not wait
// for the answer: the call that made the dialog open is waiting for it.
func (p *page) answerDialog(json.RawMessage) {
	p.mu.Lock()
	text := p.prompt
	p.prompt = ""
	p.mu.Unlock()
	p.c.send(p.session, "Page.handleJavaScriptDialog",
		map[string]interface{}{"accept": true, "promptText": text})
}

// do runs one command of the script and returns its line of output.
func (p *page) do(line string) (string, error) {
	name, arg := line, ""
	if i := strings.IndexByte(line, ' '); i >= 0 {
		name, arg = line[:i], strings.TrimSpace(line[i+1:])
	}
	switch name {
	case "open":
		return p.open(arg, true)
	case "open-static":
		return p.open(arg, false)
	case "eval":
		return p.eval(arg)
	case "click":
		return p.click(arg)
	case "hover":
		return p.hover(arg)
	case "key":
		return p.key(arg)
	case "prompt":
		p.mu.Lock()
		p.prompt = arg
		p.mu.Unlock()
		return "ok", nil
	case "screenshot":
		return p.screenshot(arg)
	case "pngstat":
		return pngStat(arg)
	case "paint":
		return p.paint()
	case "requests":
		return p.requestList(), nil
	}
	return "", fmt.Errorf("no such command: %s", name)
}

// open navigates to url and waits for the load event and, with scripts,
// for the page to say it is ready (data-ready="1" on its root element).
func (p *page) open(url string, scripts bool) (string, error) {
	started := time.Now()
	if err := p.call("Emulation.setScriptExecutionDisabled",
		map[string]interface{}{"value": !scripts}, nil); err != nil {
		return "", err
	}
	loaded := make(chan struct{})
	p.mu.Lock()
	p.loaded = loaded
	p.url = url
	p.requests = nil
	p.mu.Unlock()
	var nav struct{ ErrorText string }
	if err := p.call("Page.navigate", map[string]interface{}{"url": url}, &nav); err != nil {
		return "", err
	}
	if nav.ErrorText != "" {
		return "", fmt.Errorf("%s: %s", url, nav.ErrorText)
	}
	select {
	case <-loaded:
	case <-time.After(p.c.timeout):
		return "", fmt.Errorf("%s: no load event in %v", url, p.c.timeout)
	}
	if scripts {
		if err := p.waitFor(`document.documentElement.getAttribute("data-ready") === "1"`); err != nil {
			return "", fmt.Errorf("%s: %v", url, err)
		}
	}
	return fmt.Sprint(time.Since(started).Milliseconds()), nil
}

// waitFor evaluates expr every 10 ms until it is true.
func (p *page) waitFor(expr string) error {
	deadline := time.Now().Add(p.c.timeout)
	for {
		v, err := p.value(expr)
		if err != nil {
			return err
		}
		if v == true {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not true after %v: %s", p.c.timeout, expr)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// value evaluates a JavaScript expression, awaiting a promise, and returns
// its value decoded from JSON.
func (p *page) value(expr string) (interface{}, error) {
	var r struct {
		Result struct {
			Type  string
			Value interface{}
		}
		ExceptionDetails *struct {
			Text      string
			Exception struct{ Description string }
		}
	}
	err := p.call("Runtime.evaluate", map[string]interface{}{
		"expression": expr, "returnByValue": true, "awaitPromise": true}, &r)
	if err != nil {
		return nil, err
	}
	if e := r.ExceptionDetails; e != nil {
		if e.Exception.Description != "" {
			return nil, fmt.Errorf("%s", strings.SplitN(e.Exception.Description, "\n", 2)[0])
		}
		return nil, fmt.Errorf("%s", e.Text)
	}
	if r.Result.Type == "undefined" {
		return "undefined", nil
	}
	return r.Result.Value, nil
}

func (p *page) eval(expr string) (string, error) {
	v, err := p.value(expr)
	if err != nil {
		return "", err
	}
	if s, ok := v.(string); ok {
		return s, nil
	}
	buf, err := json.Marshal(v)
	return string(buf), err
}

// centre returns the centre of the first element matching selector, in
// the viewport's coordinates, after scrolling it into view.
func (p *page) centre(selector string) (float64, float64, error) {
	sel, _ := json.Marshal(selector)
	v, err := p.value(fmt.Sprintf(`(() => {
		const e = document.querySelector(%s);
		if (!e) return null;
		e.scrollIntoView({block: "center", inline: "center"});
		const r = e.getBoundingClientRect();
		return [r.left + r.width / 2, r.top + r.height / 2];
	})()`, sel))
	if err != nil {
		return 0, 0, err
	}
	xy, ok := v.([]interface{})
	if !ok || len(xy) != 2 {
		return 0, 0, fmt.Errorf("no element matches %s", selector)
	}
	return xy[0].(float64), xy[1].(float64), nil
}

func (p *page) mouse(kind string, x, y float64) error {
	params := map[string]interface{}{"type": kind, "x": x, "y": y}
	if kind != "mouseMoved" {
		params["button"] = "left"
		params["clickCount"] = 1
	}
	return p.call("Input.dispatchMouseEvent", params, nil)
}

func (p *page) hover(selector string) (string, error) {
	x, y, err := p.centre(selector)
	if err == nil {
		err = p.mouse("mouseMoved", x, y)
	}
	return fmt.Sprintf("%.0f,%.0f", x, y), err
}

func (p *page) click(selector string) (string, error) {
	x, y, err := p.centre(selector)
	for _, kind := range []string{"mouseMoved", "mousePressed", "mouseReleased"} {
		if err == nil {
			err = p.mouse(kind, x, y)
		}
	}
	return fmt.Sprintf("%.0f,%.0f", x, y), err
}

// key presses a key, with modifiers before it: "ctrl+f", "shift+Tab".
func (p *page) key(keys string) (string, error) {
	parts := strings.Split(keys, "+")
	modifiers := 0
	for _, m := range parts[:len(parts)-1] {
		switch strings.ToLower(m) {
		case "alt":
			modifiers |= 1
		case "ctrl":
			modifiers |= 2
		case "meta":
			modifiers |= 4
		case "shift":
			modifiers |= 8
		default:
			return "", fmt.Errorf("no such modifier: %s", m)
		}
	}
	k := parts[len(parts)-1]
	params := map[string]interface{}{"key": k, "modifiers": modifiers}
	if len(k) == 1 {
		upper := strings.ToUpper(k)
		params["code"] = "Key" + upper
		params["windowsVirtualKeyCode"] = int(upper[0])
		if modifiers&^8 == 0 {
			params["text"] = k
		}
	} else {
		params["code"] = k
	}
	for _, kind := range []string{"keyDown", "keyUp"} {
		params["type"] = kind
		if err := p.call("Input.dispatchKeyEvent", params, nil); err != nil {
			return "", err
		}
	}
	return "ok", nil
}

// screenshot writes a PNG of the page, or of the element the selector
// names, to a file.
func (p *page) screenshot(arg string) (string, error) {
	file, selector := arg, "svg, body"
	if i := strings.IndexByte(arg, ' '); i >= 0 {
		file, selector = arg[:i], strings.TrimSpace(arg[i+1:])
	}
	sel, _ := json.Marshal(selector)
	v, err := p.value(fmt.Sprintf(`(() => {
		const e = document.querySelector(%s) || document.documentElement;
		const r = e.getBoundingClientRect();
		return [r.left + scrollX, r.top + scrollY, r.width, r.height];
	})()`, sel))
	if err != nil {
		return "", err
	}
	box, ok := v.([]interface{})
	if !ok || len(box) != 4 {
		return "", fmt.Errorf("no box for %s", selector)
	}
	clip := map[string]interface{}{"x": box[0], "y": box[1],
		"width": math.Ceil(box[2].(float64)), "height": math.Ceil(box[3].(float64)), "scale": 1}
	var shot struct{ Data string }
	if err := p.call("Page.captureScreenshot", map[string]interface{}{
		"format": "png", "clip": clip, "captureBeyondViewport": true}, &shot); err != nil {
		return "", err
	}
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(file, png, 0o644); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s %vx%v", file, clip["width"], clip["height"]), nil
}

// paint reports the page's paint timings (PerformancePaintTiming), in
// milliseconds from the start of the navigation. Headless Chromium paints
// when a frame is asked for, so the entries are awaited, a frame at a time.
func (p *page) paint() (string, error) {
	v, err := p.value(`new Promise((resolve, reject) => {
		const started = performance.now();
		const poll = () => {
			const t = {};
			for (const e of performance.getEntriesByType("paint")) t[e.name] = Math.round(e.startTime);
			if (t["first-paint"] !== undefined && t["first-contentful-paint"] !== undefined)
				resolve("first-paint=" + t["first-paint"] + " first-contentful-paint=" + t["first-contentful-paint"]);
			else if (performance.now() - started > 5000)
				reject(new Error("no paint entries after 5 s"));
			else
				requestAnimationFrame(poll);
		};
		poll();
	})`)
	if err != nil {
		return "", err
	}
	return fmt.Sprint(v), nil
}

// requestList: what the page asked for besides itself and data: URLs
// (which it holds).
func (p *page) requestList() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var urls []string
	for _, u := range p.requests {
		if u != p.url && !strings.HasPrefix(u, "data:") {
			urls = append(urls, u)
		}
	}
	if len(urls) == 0 {
		return "none"
	}
	sort.Strings(urls)
	return strings.Join(urls, " ")
}
