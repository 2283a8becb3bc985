package main

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/cmd/llog/internal/genai"
)

// The proxy is net/http/httputil.ReverseProxy with two wrappers around the
// bodies of the model calls it recognises (genai.Lookup): the request body
// is copied into a capture as the transport reads it, and the response body
// into a genai.Answer as it is copied to the client. Nothing else is added
// to the path: the response's bytes are written to the client before they
// are decoded (a stream's events are decoded while the next ones are
// awaited), and the record is built and logged by recorder goroutines after
// the answer has ended. Requests it does not recognise pass through
// untouched.

// captureLimit is the most bytes kept of a request body and of a response
// body that is not a stream, and of a stream's longest line and answer
// text. Past it the record says what was cut (llog.proxy.truncated); the
// bytes still pass through.
const captureLimit = 16 << 20

// storeLogger is what the proxy needs of an engine.
type storeLogger interface {
	Log(ctx context.Context, inf llog.Inference) error
	LogSync(ctx context.Context, inf llog.Inference) (llog.Receipt, error)
}

// proxy forwards every request to the upstream and records the model
// calls it recognises.
type proxy struct {
	upstream *url.URL
	block    bool // --on-store-error block
	store    storeLogger
	rp       *httputil.ReverseProxy
	report   *storeReport

	calls   chan *call // finished calls, to the recorders
	workers sync.WaitGroup

	// cut is set when a second signal stops the proxy without waiting for
	// the calls in flight.
	cut atomic.Bool
}

// newProxy returns a proxy to upstream that records into store, with
// recorders goroutines logging the records.
func newProxy(upstream *url.URL, store storeLogger, block bool, report *storeReport, recorders int) *proxy {
	p := &proxy{upstream: upstream, block: block, store: store, report: report, calls: make(chan *call, 16)}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	// The client's own Accept-Encoding goes upstream and the answer comes
	// back as the upstream encoded it.
	tr.DisableCompression = true
	tr.MaxIdleConnsPerHost = 64
	p.rp = &httputil.ReverseProxy{
		Rewrite:        p.rewrite,
		Transport:      tr,
		FlushInterval:  -1, // write every piece to the client as it arrives
		ModifyResponse: p.modifyResponse,
		ErrorHandler:   p.errorHandler,
		ErrorLog:       discardLog,
		BufferPool:     bufferPool{},
	}
	for range recorders {
		p.workers.Add(1)
		go p.recorder()
	}
	return p
}

// close waits for the recorders to log every finished call. Call it once
// no handler runs any more.
func (p *proxy) close() {
	close(p.calls)
	p.workers.Wait()
}

// forwardedHeaders are removed by ReverseProxy before Rewrite; the proxy
// forwards them as the client sent them.
var forwardedHeaders = []string{"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto"}

// rewrite sends the request to the upstream: its scheme and host (and base
// path, joined with the request's path), the Host header naming the
// upstream. Everything else is as the client sent it, except the
// connection's own (hop-by-hop) headers.
func (p *proxy) rewrite(pr *httputil.ProxyRequest) {
	pr.SetURL(p.upstream)
	for _, h := range forwardedHeaders {
		if v, ok := pr.In.Header[h]; ok {
			pr.Out.Header[h] = v
		}
	}
}

// callKey finds the call of a request in its context.
type callKey struct{}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	// The client gets the upstream's headers only: no Date or sniffed
	// Content-Type of our own.
	h := w.Header()
	h["Date"] = nil
	h["Content-Type"] = nil
	api, ok := genai.Lookup(r.Method, r.URL.Path)
	if !ok {
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = &capture{rc: r.Body}
		}
		p.rp.ServeHTTP(w, r)
		return
	}
	c := &call{api: api, start: start, ctx: r.Context(), client: r.RemoteAddr,
		traceparent: r.Header.Get("Traceparent")}
	if p.block && p.report.failed.Load() {
		p.report.refused.Add(1)
		writeError(w, api, http.StatusServiceUnavailable, "llog proxy: the store cannot record this call, so it is refused (--on-store-error block)")
		return
	}
	if r.Body != nil && r.Body != http.NoBody {
		c.req = &capture{rc: r.Body, max: captureLimit}
		r.Body = c.req
	}
	p.rp.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), callKey{}, c)))
}

// errRefused is the ModifyResponse error of a call that block mode
// refuses because its record could not be stored.
var errRefused = errors.New("the record of this call could not be stored")

// modifyResponse wraps the body of a recognised call so that it is
// recorded as it passes. In block mode an answer that is not streamed is
// held until its record is durable, and replaced by a 503 when it cannot
// be stored.
func (p *proxy) modifyResponse(resp *http.Response) error {
	c, _ := resp.Request.Context().Value(callKey{}).(*call)
	if c == nil {
		return nil
	}
	c.status = resp.StatusCode
	if resp.StatusCode == http.StatusSwitchingProtocols {
		// The connection becomes something else: record the call, leave the
		// body (the new protocol's connection) alone.
		c.end = time.Now()
		p.finish(c)
		return nil
	}
	c.framing = genai.FramingOf(resp.Header.Get("Content-Type"))
	c.encoding = strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	c.answer = genai.NewAnswer(c.api, c.framing, captureLimit)
	body := resp.Body
	if p.block && c.framing == genai.Whole {
		held, rest, err := holdBody(resp.Body, captureLimit)
		if rest == nil {
			c.feed(held)
			c.eof = err == nil
			c.readErr = err
			c.end = time.Now()
			resp.Body.Close()
			if !p.recordNow(c) {
				return errRefused
			}
			resp.Body = io.NopCloser(bytes.NewReader(held))
			return nil
		}
		body = rest // too large to hold: it streams, recorded as in pass mode
	}
	resp.Body = &recordingBody{rc: body, c: c, p: p}
	return nil
}

// holdBody reads body to its end when it is at most max bytes. When it is
// longer, rest reads all of it (what was read, then the remainder).
func holdBody(body io.ReadCloser, max int) (held []byte, rest io.ReadCloser, err error) {
	held, err = io.ReadAll(io.LimitReader(body, int64(max)+1))
	if len(held) <= max {
		return held, nil, err
	}
	return nil, struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(held), body), body}, nil
}

// errorHandler answers a call whose upstream could not be reached or
// answered in error, and records it.
func (p *proxy) errorHandler(w http.ResponseWriter, r *http.Request, err error) {
	c, _ := r.Context().Value(callKey{}).(*call)
	api := genai.API(0)
	if c != nil {
		api = c.api
	}
	switch {
	case errors.Is(err, errRefused):
		p.report.refused.Add(1)
		writeError(w, api, http.StatusServiceUnavailable, "llog proxy: the record of this call could not be stored, so its answer is withheld (--on-store-error block)")
		return
	case r.Context().Err() != nil:
		// The client went away before the answer.
		if c != nil {
			c.end = time.Now()
			c.fail = "client disconnected before the answer"
			if p.cut.Load() {
				c.fail = "the proxy was stopped before the answer"
			}
			p.finish(c)
		}
		return
	}
	msg := "upstream: " + err.Error()
	p.report.printf("%s %s: %s", r.Method, r.URL.Path, msg)
	if c != nil && c.req != nil {
		// The request never went out whole: read it, for the record.
		io.Copy(io.Discard, io.LimitReader(c.req, captureLimit+1))
	}
	writeError(w, api, http.StatusBadGateway, "llog proxy: "+msg)
	if c != nil {
		c.end = time.Now()
		c.status = http.StatusBadGateway
		c.fail = msg
		p.finish(c)
	}
}

// writeError writes an error answer of the proxy's own, in the shape the
// API's clients read: {"error":{"message":...}} for OpenAI,
// {"error":"..."} for Ollama, text otherwise.
func writeError(w http.ResponseWriter, api genai.API, status int, msg string) {
	h := w.Header()
	h.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	var v any
	switch {
	case api == 0:
		h.Set("Content-Type", "text/plain; charset=utf-8")
	case api.Provider() == genai.ProviderOllama:
		h.Set("Content-Type", "application/json; charset=utf-8")
		v = map[string]string{"error": msg}
	default:
		h.Set("Content-Type", "application/json")
		v = map[string]map[string]string{"error": {"message": msg, "type": "llog_proxy_error"}}
	}
	var b bytes.Buffer
	if v == nil {
		b.WriteString(msg + "\n")
	} else {
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.Encode(v)
	}
	body := b.Bytes()
	h.Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// capture passes a request body to the transport, copying what is read
// of it, up to max bytes. The transport reads it on its own goroutine, so
// the copy is guarded.
//
// Once the body has ended, capture keeps answering io.EOF itself: after
// reading the length the request declared, the transport reads once more
// to check that nothing follows, and by then the server may have closed
// the body, as it does when the answer's headers are written (net/http
// drains and closes an HTTP/1 request body before the response). Without
// this, that late read fails and the transport drops the connection to the
// upstream, cutting an answer that had begun (golang/go#40747).
type capture struct {
	rc  io.ReadCloser
	max int // 0: copy nothing
	eof bool

	mu        sync.Mutex
	buf       []byte
	truncated bool
}

func (c *capture) Read(p []byte) (int, error) {
	if c.eof {
		return 0, io.EOF
	}
	n, err := c.rc.Read(p)
	if n > 0 && c.max > 0 {
		c.mu.Lock()
		if len(c.buf)+n > c.max {
			c.truncated = true
		} else {
			c.buf = append(c.buf, p[:n]...)
		}
		c.mu.Unlock()
	}
	c.eof = err == io.EOF
	return n, err
}

func (c *capture) Close() error { return c.rc.Close() }

// bytes returns what was captured, and whether the body was longer.
func (c *capture) bytes() ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf, c.truncated
}

// recordingBody passes a response body to the client and the call's
// answer. It decodes what one Read returned at the next Read (or at the
// end), so decoding never delays bytes on their way to the client.
type recordingBody struct {
	rc   io.ReadCloser
	c    *call
	p    *proxy
	once sync.Once

	pending   []byte    // passed on, not yet decoded
	pendingAt time.Time // when pending arrived
}

func (b *recordingBody) Read(q []byte) (int, error) {
	b.decodePending()
	n, err := b.rc.Read(q)
	if n > 0 {
		b.pending = append(b.pending[:0], q[:n]...)
		b.pendingAt = time.Now()
	}
	switch {
	case err == io.EOF:
		b.c.eof = true
		b.c.end = time.Now()
	case err != nil:
		b.c.readErr = err
	}
	return n, err
}

func (b *recordingBody) decodePending() {
	if len(b.pending) == 0 {
		return
	}
	had := b.c.answer.Output()
	b.c.feed(b.pending)
	if !had && b.c.answer.Output() && b.c.ttft == 0 {
		b.c.ttft = b.pendingAt.Sub(b.c.start)
	}
	b.pending = b.pending[:0]
}

// Close ends the answer and hands the call to the recorders. The
// ReverseProxy closes the body once it has copied it, or given up.
func (b *recordingBody) Close() error {
	err := b.rc.Close()
	b.once.Do(func() {
		b.decodePending()
		if b.c.end.IsZero() {
			b.c.end = time.Now()
		}
		if !b.c.eof && b.c.readErr == nil {
			// Closed before the end without a read error: writing to the
			// client failed.
			b.c.clientGone = true
		}
		if b.c.ctx.Err() != nil {
			b.c.clientGone = true
		}
		b.c.cut = b.c.clientGone && b.p.cut.Load()
		if b.c.readErr != nil && !b.c.clientGone {
			b.p.report.printf("%s: %s (%v)", b.c.api, upstreamReadError(b.c.readErr), b.c.readErr)
		}
		b.p.finish(b.c)
	})
	return err
}

// feed gives decoded body bytes to the call's answer. A body with a
// Content-Encoding is kept as it came (up to the limit) and decoded at the
// end.
func (c *call) feed(p []byte) {
	switch c.encoding {
	case "", "identity":
		c.answer.Write(p)
	default:
		if len(c.raw)+len(p) > captureLimit {
			c.rawTruncated = true
			return
		}
		c.raw = append(c.raw, p...)
	}
}

// decodeRaw decodes an encoded body kept by feed into the answer.
func (c *call) decodeRaw() error {
	if len(c.raw) == 0 {
		return nil
	}
	var r io.Reader
	var err error
	switch c.encoding {
	case "gzip", "x-gzip":
		r, err = gzip.NewReader(bytes.NewReader(c.raw))
	case "deflate":
		// RFC 9110's deflate is a zlib stream; some servers send raw
		// deflate instead.
		if r, err = zlib.NewReader(bytes.NewReader(c.raw)); err != nil {
			r, err = flate.NewReader(bytes.NewReader(c.raw)), nil
		}
	default:
		return fmt.Errorf("Content-Encoding %q is not one the proxy decodes", c.encoding)
	}
	if err != nil {
		return fmt.Errorf("Content-Encoding %s: %w", c.encoding, err)
	}
	_, err = io.Copy(c.answer, io.LimitReader(r, captureLimit))
	if err != nil && !c.rawTruncated {
		return fmt.Errorf("Content-Encoding %s: %w", c.encoding, err)
	}
	return nil
}

// clientIP returns the host part of a remote address.
func clientIP(remote string) string {
	if host, _, err := net.SplitHostPort(remote); err == nil {
		return host
	}
	return remote
}

// bufferPool recycles the ReverseProxy's copy buffers.
type bufferPool struct{}

var copyBuffers = sync.Pool{New: func() any { return make([]byte, 32<<10) }}

func (bufferPool) Get() []byte  { return copyBuffers.Get().([]byte) }
func (bufferPool) Put(b []byte) { copyBuffers.Put(b) }
