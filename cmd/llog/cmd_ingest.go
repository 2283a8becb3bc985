package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/internal/canon"
	"github.com/spf13/pflag"
)

var ingestCmd = &command{
	name:    "ingest",
	summary: "log inferences given as JSON lines on stdin or a Unix socket",
	usage: `usage: llog ingest --path DIR [--listen unix:PATH]

Ingest logs inferences from any language: one JSON object per line, with the
member names and units of an exported record:

  {"model":"phi-3-mini","prompt":"...","response":"...","latency_ms":87.5,
   "tokens_in":12,"tokens_out":40,"time":"2026-01-02T15:04:05Z",
   "provider":"llama.cpp","operation":"chat","error":"...","trace_id":"...",
   "span_id":"...","conversation_id":"...","attributes":{"k":"v"}}

Every member is optional: a missing time is the time the line is logged,
missing token counts are estimated, latency_ns (integer nanoseconds) wins over
latency_ms. Members ingest does not know are ignored, so the output of
'llog query' can be ingested again. Each record goes through the same
redaction and limits as the library's Log. Empty lines are skipped.

A line that is not valid JSON, has a member of the wrong type, or is refused
by Log (too large, negative latency or tokens) is skipped and reported on
stderr with its line number ("line 2001: ..."); the good lines are kept.

A line with "ack":true asks for an acknowledgement once the record is
durable: one line {"ack":SEQ,"hash":"HEX"} with the record's sequence number
and chain digest, or {"line":N,"error":"..."} when the line was skipped. An
acknowledgement also vouches for every earlier line of the same input. Only
lines that ask get an answer.

Without --listen, ingest reads stdin until its end, writes acknowledgements
to stdout, makes everything durable and exits: 0 when every line was good, 1
when some were skipped. SIGINT or SIGTERM stops the reading; the lines read
so far are committed.

With --listen unix:PATH, ingest serves the same protocol on a Unix socket at
PATH (mode 0600: only this user can connect) to any number of clients at
once, each its own input with its own line numbers, until SIGINT or SIGTERM;
then it commits what was read, removes the socket and exits 0. There is no
TCP: llog never listens on the network. examples/ingest_client.py is a
client in Python.

Warnings from the store (index failed, slow fsync, torn tail) go to stderr.

Exit codes: 0 success, 1 some lines were skipped (stdin), 2 usage error, 3
could not run (the store is locked by another writer, the socket is in
use, a write failed).
`,
	define: func(fs *pflag.FlagSet) func(context.Context, *env, []string) error {
		var (
			wf     writerFlags
			listen string
		)
		wf.define(fs, "")
		fs.StringVar(&listen, "listen", "", "serve the line protocol on the Unix socket `unix:PATH` instead of reading stdin")
		return func(ctx context.Context, e *env, args []string) error {
			if err := noArgs(args); err != nil {
				return err
			}
			if err := wf.check(); err != nil {
				return err
			}
			var sock string
			if listen != "" {
				p, ok := bytes.CutPrefix([]byte(listen), []byte("unix:"))
				if !ok || len(p) == 0 {
					return usagef("--listen %q: want unix:PATH (llog does not listen on the network)", listen)
				}
				sock = string(p)
			}
			w, err := wf.open(e, nil)
			if err != nil {
				return err
			}
			var in ingester
			in.init(w, e)
			if sock != "" {
				err = in.serve(ctx, sock)
			} else {
				err = in.stream(ctx, e.stdin, e.stdout, "")
			}
			if cerr := w.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("close %s: %w", wf.path, cerr)
			}
			if err != nil {
				return err
			}
			if sock != "" {
				fmt.Fprintf(e.stderr, "llog: ingest: stopped: %s committed, %s skipped\n",
					plural(in.records.Load(), "record"), plural(in.bad.Load(), "bad line"))
				return nil
			}
			if bad := in.bad.Load(); bad > 0 {
				return &badInputError{msg: fmt.Sprintf("%d of %s skipped; %s committed",
					bad, plural(in.lines.Load(), "line"), plural(in.records.Load(), "record"))}
			}
			return nil
		}
	},
}

// maxShownErrors is how many bad lines an input reports one by one; the
// others are counted.
const maxShownErrors = 10000

// ingester logs lines into a store.
type ingester struct {
	w      *writer
	stderr *lockedWriter
	// maxLine is the longest line read: a line that can hold the largest
	// record, escaped.
	maxLine int

	lines, records, bad atomic.Uint64
}

func (in *ingester) init(w *writer, e *env) {
	in.w = w
	in.stderr = &lockedWriter{w: e.stderr}
	in.maxLine = 8*llog.DefaultMaxRecordSize + 64<<10
}

// lockedWriter serializes whole writes to w.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// line is one input line, decoded.
type line struct {
	n   uint64 // line number, from 1
	inf llog.Inference
	ack bool
	err error // why the line is skipped
}

// stream logs the lines of r, in order, writing acknowledgements to w,
// until r ends or ctx is done. label prefixes its messages on stderr ("" or
// "client 3: "). Reading and decoding run on their own goroutine, ahead of
// logging. It returns an error only when the store failed; when w fails,
// it logs the rest of the lines without acknowledging them and returns
// that error at the end.
func (in *ingester) stream(ctx context.Context, r io.Reader, w io.Writer, label string) error {
	lines := make(chan line, 256)
	done := make(chan struct{})
	defer close(done)
	go in.read(r, lines, done)
	// Log does not give up on a record once ctx is done: what was read is
	// committed.
	lctx := context.WithoutCancel(ctx)
	aw := bufio.NewWriter(w)
	var werr error
	flushAcks := func() {
		if werr == nil && aw.Buffered() > 0 {
			if err := aw.Flush(); err != nil {
				werr = fmt.Errorf("%swrite acknowledgement: %w", label, err)
			}
		}
	}
	var shown uint64
	var buf []byte
	for {
		var l line
		var ok bool
		select {
		case l, ok = <-lines:
		case <-ctx.Done():
			// Stop reading; log the lines already read.
			select {
			case l, ok = <-lines:
			default:
				ok = false
			}
		}
		if !ok {
			flushAcks()
			return werr
		}
		in.lines.Add(1)
		var rec llog.Receipt
		err := l.err
		if err == nil {
			if l.ack {
				rec, err = in.w.LogSync(lctx, l.inf)
			} else {
				err = in.w.Log(lctx, l.inf)
			}
			if err != nil && !errors.Is(err, llog.ErrTooLarge) && !errors.Is(err, llog.ErrInvalidRecord) {
				flushAcks()
				return fmt.Errorf("%sline %d: %w", label, l.n, err)
			}
		}
		if err != nil {
			in.bad.Add(1)
			if shown++; shown <= maxShownErrors {
				fmt.Fprintf(in.stderr, "llog: ingest: %sline %d: %s\n", label, l.n, cleanMessage(err.Error()))
			} else if shown == maxShownErrors+1 {
				fmt.Fprintf(in.stderr, "llog: ingest: %smore bad lines: counted, not shown\n", label)
			}
		} else {
			in.records.Add(1)
		}
		if l.ack && werr == nil {
			buf = appendAnswer(buf[:0], l.n, rec, err)
			aw.Write(buf)
		}
		// Answers wait in aw while more lines are ready, so a burst of
		// lines costs one write.
		if len(lines) == 0 || aw.Buffered() > 32<<10 {
			flushAcks()
		}
	}
}

// appendAnswer appends the answer to line n: its acknowledgement, or the
// error that skipped it.
func appendAnswer(b []byte, n uint64, rec llog.Receipt, err error) []byte {
	if err != nil {
		b = append(strconv.AppendUint(append(b, `{"line":`...), n, 10), `,"error":`...)
		return append(canon.AppendString(b, cleanMessage(err.Error())), "}\n"...)
	}
	b = append(strconv.AppendUint(append(b, `{"ack":`...), rec.Seq, 10), `,"hash":"`...)
	return append(hex.AppendEncode(b, rec.Hash[:]), "\"}\n"...)
}

// read reads and decodes the lines of r into out until r ends, a read
// fails or done is closed, and then closes out. A read that fails because
// the input was closed or timed out (a server shutting down) ends the
// input without an error, and drops the partial line read.
func (in *ingester) read(r io.Reader, out chan<- line, done <-chan struct{}) {
	defer close(out)
	send := func(l line) bool {
		select {
		case out <- l:
			return true
		case <-done:
			return false
		}
	}
	br := bufio.NewReaderSize(r, 64<<10)
	var long []byte // a line longer than br's buffer, gathered
	for n := uint64(1); ; {
		b, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			if len(long)+len(b) > in.maxLine {
				long = long[:0]
				serr := skipLine(br)
				if serr != nil && serr != io.EOF {
					return
				}
				if !send(line{n: n, err: fmt.Errorf("longer than %s", formatBytes(int64(in.maxLine)))}) || serr != nil {
					return
				}
				n++
				continue
			}
			long = append(long, b...)
			continue
		}
		if err != nil && err != io.EOF {
			if !errors.Is(err, os.ErrDeadlineExceeded) && !errors.Is(err, net.ErrClosed) {
				send(line{n: n, err: fmt.Errorf("read: %w", err)})
			}
			return
		}
		if len(long) > 0 {
			b = append(long, b...)
			long = long[:0]
		}
		if len(b) > 0 {
			if text := bytes.TrimRight(b, "\r\n"); len(bytes.TrimSpace(text)) > 0 {
				if !send(decodeLine(n, text)) {
					return
				}
			}
			n++
		}
		if err != nil {
			return
		}
	}
}

// skipLine discards the rest of the current line; it returns an error
// only when the input ended or failed before a line ended.
func skipLine(br *bufio.Reader) error {
	for {
		_, err := br.ReadSlice('\n')
		if !errors.Is(err, bufio.ErrBufferFull) {
			return err
		}
	}
}

// ackRequest is the member of a line that asks for an acknowledgement.
type ackRequest struct {
	Ack bool `json:"ack"`
}

// askedAck matches a line that asks for an acknowledgement.
var askedAck = regexp.MustCompile(`"ack"\s*:\s*true`)

// decodeLine decodes line number n. A line that asks for an
// acknowledgement gets its answer even when it is bad.
func decodeLine(n uint64, text []byte) line {
	l := line{n: n}
	if bytes.Contains(text, []byte(`"ack"`)) {
		var a ackRequest
		err := json.Unmarshal(text, &a)
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te) && te.Field == "ack":
			l.err = fmt.Errorf("ack: want true or false")
			return l
		case err != nil:
			// Not JSON: answer anyway when it looks like it asks.
			l.ack = askedAck.Match(text)
		default:
			l.ack = a.Ack
		}
	}
	l.err = l.inf.UnmarshalJSON(text)
	return l
}

// badInputError reports input lines that were skipped: exit code 1.
type badInputError struct{ msg string }

func (e *badInputError) Error() string { return e.msg }
