package main

// The DevTools protocol over --remote-debugging-pipe: Chromium reads
// commands on its fd 3 and writes answers and events on its fd 4, each
// message one JSON object ended by a NUL byte. No websocket, no HTTP port.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"
)

// message is any message of the protocol: a command we send (ID, Method,
// Params), its answer (ID, Result or Error) or an event (Method, Params).
// SessionID names the page a command is for or an event comes from.
type message struct {
	ID        int64           `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    interface{}     `json:"params,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *protoError     `json:"error,omitempty"`
}

type protoError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// incoming is a message as read: Params kept raw for the handler to decode.
type incoming struct {
	ID        int64           `json:"id"`
	Method    string          `json:"method"`
	Params    json.RawMessage `json:"params"`
	SessionID string          `json:"sessionId"`
	Result    json.RawMessage `json:"result"`
	Error     *protoError     `json:"error"`
}

// conn is one pipe to a browser. Calls may come from several goroutines
// (the reader answers dialogs); each waits for its answer at most timeout.
type conn struct {
	w       io.Writer
	timeout time.Duration

	mu       sync.Mutex
	nextID   int64
	pending  map[int64]chan incoming
	handlers map[string][]func(json.RawMessage)
	closed   error // why the reader stopped, once it has
}

func newConn(r io.Reader, w io.Writer, timeout time.Duration) *conn {
	c := &conn{w: w, timeout: timeout, pending: map[int64]chan incoming{},
		handlers: map[string][]func(json.RawMessage){}}
	go c.read(bufio.NewReaderSize(r, 1<<20))
	return c
}

// read delivers each message: an answer to the call waiting for it, an
// event to the handlers of its method. When the pipe ends (the browser
// died), every waiting call fails.
func (c *conn) read(r *bufio.Reader) {
	for {
		raw, err := r.ReadBytes(0)
		if err != nil {
			c.fail(fmt.Errorf("the browser closed the pipe: %v", err))
			return
		}
		var m incoming
		if err := json.Unmarshal(raw[:len(raw)-1], &m); err != nil {
			c.fail(fmt.Errorf("a message from the browser is not JSON: %v", err))
			return
		}
		c.mu.Lock()
		if m.ID != 0 {
			if ch := c.pending[m.ID]; ch != nil {
				delete(c.pending, m.ID)
				ch <- m
			}
			c.mu.Unlock()
			continue
		}
		hs := append([]func(json.RawMessage){}, c.handlers[m.Method]...)
		c.mu.Unlock()
		for _, h := range hs {
			h(m.Params)
		}
	}
}

func (c *conn) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = err
	for id, ch := range c.pending {
		delete(c.pending, id)
		ch <- incoming{ID: id, Error: &protoError{Message: err.Error()}}
	}
}

// on calls h with the parameters of every later event named method.
func (c *conn) on(method string, h func(json.RawMessage)) {
	c.mu.Lock()
	c.handlers[method] = append(c.handlers[method], h)
	c.mu.Unlock()
}

// send writes a command and returns the channel its answer will come on.
func (c *conn) send(session, method string, params interface{}) (chan incoming, int64, error) {
	ch := make(chan incoming, 1)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed != nil {
		return nil, 0, c.closed
	}
	c.nextID++
	id := c.nextID
	buf, err := json.Marshal(message{ID: id, Method: method, Params: params, SessionID: session})
	if err != nil {
		return nil, 0, err
	}
	c.pending[id] = ch
	if _, err := c.w.Write(append(buf, 0)); err != nil {
		delete(c.pending, id)
		return nil, 0, fmt.Errorf("%s: writing to the browser: %v", method, err)
	}
	return ch, id, nil
}

// call sends a command and decodes its result into out (when not nil).
func (c *conn) call(session, method string, params interface{}, out interface{}) error {
	ch, id, err := c.send(session, method, params)
	if err != nil {
		return err
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			return fmt.Errorf("%s: %s", method, m.Error.Message)
		}
		if out == nil {
			return nil
		}
		return json.Unmarshal(m.Result, out)
	case <-time.After(c.timeout):
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
		return fmt.Errorf("%s: no answer in %v", method, c.timeout)
	}
}

// broken returns why the pipe ended, or nil while it works.
func (c *conn) broken() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}
