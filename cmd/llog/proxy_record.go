package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/cmd/llog/internal/genai"
)

// call is one model call passing through the proxy. The handler's
// goroutine fills it; once finished it goes to a recorder, which alone
// reads it from then on.
type call struct {
	api         genai.API
	start, end  time.Time
	ctx         context.Context // the client's request
	client      string          // the client's address
	traceparent string
	req         *capture // nil for a request without a body

	// The answer: nil when none came (fail says why).
	status   int
	framing  genai.Framing
	encoding string
	answer   *genai.Answer
	ttft     time.Duration // to the first answer text of a stream

	raw          []byte // an encoded body, decoded at the end
	rawTruncated bool

	eof        bool  // the answer was read to its end
	readErr    error // reading the answer failed
	clientGone bool  // the client went away before the end
	cut        bool  // the proxy cut the call short as it stopped
	fail       string
}

// finish hands a finished call to the recorders.
func (p *proxy) finish(c *call) { p.calls <- c }

// recorder logs the records of finished calls.
func (p *proxy) recorder() {
	defer p.workers.Done()
	for c := range p.calls {
		p.logged(p.log(context.Background(), c.inference(), false))
	}
}

// recordNow logs c's record and waits until it is durable. It reports
// whether the record is stored (or the client is gone, so there is no one
// to withhold the answer from).
func (p *proxy) recordNow(c *call) bool {
	err := p.log(c.ctx, c.inference(), true)
	if errors.Is(err, context.Canceled) && c.ctx.Err() != nil {
		return true // still queued; the client is gone anyway
	}
	p.logged(err)
	return err == nil
}

// logged counts the outcome of logging a record.
func (p *proxy) logged(err error) {
	if err == nil {
		return
	}
	if errors.Is(err, llog.ErrFailed) || errors.Is(err, llog.ErrClosed) {
		p.report.failed.Store(true)
	}
	p.report.notStored(err)
}

// recordTextBudget is what is kept of the prompt and of the answer of a
// record that is too large for the store: the store's default record limit
// (1 MiB) with room for redaction markers and attributes.
const recordTextBudget = 192 << 10

// log logs inf (and waits until it is durable when sync is set). A record
// too large for the store is logged again with its prompt and answer cut
// to recordTextBudget each, and says so in llog.proxy.truncated.
func (p *proxy) log(ctx context.Context, inf llog.Inference, sync bool) error {
	put := func() error {
		if sync {
			_, err := p.store.LogSync(ctx, inf)
			return err
		}
		return p.store.Log(ctx, inf)
	}
	p.report.calls.Add(1)
	err := put()
	if !errors.Is(err, llog.ErrTooLarge) {
		return err
	}
	inf.Prompt = cutText(inf.Prompt, recordTextBudget)
	inf.Response = cutText(inf.Response, recordTextBudget)
	addTruncated(inf.Attributes, "record")
	return put()
}

// cutText returns the longest prefix of s of at most n bytes that ends on
// a character boundary.
func cutText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xc0 == 0x80 {
		n--
	}
	return s[:n]
}

// addTruncated adds what to the comma-separated llog.proxy.truncated.
func addTruncated(attrs map[string]string, what string) {
	if v := attrs[attrTruncated]; v != "" {
		what = v + "," + what
	}
	attrs[attrTruncated] = what
}

// Attributes the proxy adds besides the request's sampling parameters.
const (
	attrResponseModel = "gen_ai.response.model"
	attrResponseID    = "gen_ai.response.id"
	attrFinish        = "gen_ai.response.finish_reasons"
	attrTTFT          = "gen_ai.response.time_to_first_chunk"
	attrDimensions    = "gen_ai.embeddings.dimension.count"
	attrEmbeddings    = "llog.embeddings.count"
	attrStatus        = "http.response.status_code"
	attrClient        = "client.address"
	attrPath          = "url.path"
	attrStream        = "llog.proxy.stream"
	attrTruncated     = "llog.proxy.truncated"
	attrUndecoded     = "llog.proxy.undecoded"
)

// inference builds the record of a finished call.
func (c *call) inference() llog.Inference {
	attrs := map[string]string{attrPath: c.api.Path(), attrClient: clientIP(c.client)}
	var body []byte
	reqTruncated := false
	if c.req != nil {
		body, reqTruncated = c.req.bytes()
	}
	var req genai.Request
	var reqErr error
	if !reqTruncated {
		req, reqErr = genai.ParseRequest(c.api, body)
	}
	for k, v := range req.Params {
		attrs[k] = v
	}
	if reqTruncated {
		addTruncated(attrs, "request")
	} else if reqErr != nil && len(body) > 0 {
		attrs[attrUndecoded] = "request: " + strings.TrimPrefix(reqErr.Error(), "genai: ")
	}

	var res genai.Result
	if c.answer != nil {
		rawErr := c.decodeRaw()
		c.answer.Close()
		res = c.answer.Result()
		if c.framing != genai.Whole {
			attrs[attrStream] = "true"
		}
		if c.ttft > 0 {
			attrs[attrTTFT] = strconv.FormatFloat(c.ttft.Seconds(), 'f', -1, 64)
		}
		if res.Truncated || c.rawTruncated {
			addTruncated(attrs, "response")
		}
		switch {
		case rawErr != nil:
			attrs[attrUndecoded] = "answer: " + rawErr.Error()
		case res.Undecoded != "" && c.status/100 == 2:
			attrs[attrUndecoded] = "answer: " + strings.TrimPrefix(res.Undecoded, "genai: ")
		}
	}
	if c.status != 0 {
		attrs[attrStatus] = strconv.Itoa(c.status)
	}
	if res.Model != "" {
		attrs[attrResponseModel] = res.Model
	}
	if res.ID != "" {
		attrs[attrResponseID] = res.ID
	}
	if len(res.FinishReasons) > 0 {
		attrs[attrFinish] = strings.Join(res.FinishReasons, ",")
	}
	if res.Embeddings > 0 {
		attrs[attrEmbeddings] = strconv.Itoa(res.Embeddings)
		attrs[attrDimensions] = strconv.Itoa(res.Dimensions)
	}
	model := req.Model
	if model == "" {
		model = res.Model
	}
	return llog.Inference{
		Time:       c.end,
		Model:      model,
		Provider:   c.api.Provider(),
		Operation:  c.api.Operation(),
		Prompt:     req.Prompt,
		Response:   res.Text,
		Latency:    c.end.Sub(c.start),
		TokensIn:   res.TokensIn,
		TokensOut:  res.TokensOut,
		Error:      c.errorText(&res),
		TraceID:    traceID(c.traceparent),
		Attributes: attrs,
	}
}

// errorText says what went wrong with the call, or "" when nothing did:
// the status of a non-2xx answer with the message its body gives, an
// error the answer reports, an answer cut short.
func (c *call) errorText(res *genai.Result) string {
	var parts []string
	status := ""
	if c.status != 0 && c.status/100 != 2 {
		status = fmt.Sprintf("%d %s", c.status, http.StatusText(c.status))
	}
	switch {
	case c.fail != "" && status != "":
		parts = append(parts, status+": "+c.fail)
	case c.fail != "":
		parts = append(parts, c.fail)
	case status != "" && res.Error != "":
		parts = append(parts, status+": "+res.Error)
	case status != "":
		parts = append(parts, status)
	case res.Error != "":
		parts = append(parts, "error in the answer: "+res.Error)
	}
	if c.answer != nil {
		switch {
		case c.cut:
			parts = append(parts, "the proxy was stopped before the end of the answer")
		case c.clientGone:
			parts = append(parts, "client disconnected before the end of the answer")
		case c.readErr != nil:
			parts = append(parts, upstreamReadError(c.readErr))
		}
	}
	return strings.Join(parts, "; ")
}

// upstreamReadError says how reading an answer from the upstream failed.
// The connection ending early shows as one of several errors, depending on
// which side of the transport saw it first; they all read the same.
func upstreamReadError(err error) string {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.ECONNRESET) {
		return "upstream closed the connection before the end of the answer"
	}
	return "upstream: " + err.Error() + " before the end of the answer"
}

// traceID returns the trace id of a W3C traceparent header
// ("00-TRACEID-PARENTID-FLAGS"), or "" when the header is absent or not
// valid.
func traceID(tp string) string {
	f := strings.Split(strings.TrimSpace(tp), "-")
	if len(f) < 4 || len(f[0]) != 2 || f[0] == "ff" || len(f[1]) != 32 || len(f[2]) != 16 || len(f[3]) != 2 {
		return ""
	}
	if !isLowerHex(f[0]) || !isLowerHex(f[1]) || !isLowerHex(f[2]) || !isLowerHex(f[3]) ||
		f[1] == strings.Repeat("0", 32) || f[2] == strings.Repeat("0", 16) {
		return ""
	}
	return f[1]
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !('0' <= s[i] && s[i] <= '9' || 'a' <= s[i] && s[i] <= 'f') {
			return false
		}
	}
	return true
}

// discardLog is the ReverseProxy's log: the proxy reports what matters
// itself.
var discardLog = log.New(io.Discard, "", 0)

// storeReport counts the calls whose record was not stored and says so on
// standard error, loudly but without flooding it: the first failure at
// once, the next ones summed every reportEvery.
type storeReport struct {
	mu    sync.Mutex
	w     io.Writer
	block bool
	every time.Duration

	calls       atomic.Uint64 // calls whose record was logged or tried
	notRecorded atomic.Uint64 // records Log refused
	refused     atomic.Uint64 // calls answered 503 in block mode

	// failed is set once the store failed: in block mode model calls are
	// then refused.
	failed atomic.Bool
	said   bool      // the failure was reported
	last   time.Time // when the last call not recorded was reported
}

const reportEvery = 10 * time.Second

func newStoreReport(w io.Writer, block bool) *storeReport {
	return &storeReport{w: w, block: block, every: reportEvery}
}

// printf writes one "llog: proxy: " line.
func (r *storeReport) printf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.printLocked(fmt.Sprintf(format, args...))
}

// REQUIRES: r.mu held.
func (r *storeReport) printLocked(msg string) {
	io.WriteString(r.w, "llog: proxy: "+cleanMessage(msg)+"\n")
}

// Write makes r the http.Server's error log.
func (r *storeReport) Write(p []byte) (int, error) {
	r.printf("%s", strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// consequence says what the proxy does about calls it cannot record.
func (r *storeReport) consequence() string {
	if r.block {
		return "model calls are refused with 503 (--on-store-error block)"
	}
	return "calls are still proxied, without being recorded (--on-store-error pass)"
}

// notStored counts a record that could not be logged.
func (r *storeReport) notStored(err error) {
	n := r.notRecorded.Add(1)
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	if !r.last.IsZero() && now.Sub(r.last) < r.every {
		return // counted; the next report gives the count
	}
	r.last = now
	r.printLocked(fmt.Sprintf("a call was not recorded: %v (%s not recorded so far; %s)", err, plural(n, "call"), r.consequence()))
}

// event reports the store's failure as soon as the engine knows it.
func (r *storeReport) event(ev llog.Event) {
	if ev.Kind != llog.EventFailed {
		return
	}
	r.failed.Store(true)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.said {
		return
	}
	r.said = true
	r.printLocked(fmt.Sprintf("the store failed: %v; %s", ev.Err, r.consequence()))
}
