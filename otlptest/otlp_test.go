package otlptest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// llogBin is the llog command, built once.
var llogBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "otlptest")
	if err != nil {
		panic(err)
	}
	llogBin = filepath.Join(dir, "llog")
	// Built in the main module (the parent folder), with its own go.sum.
	build := exec.Command("go", "build", "-o", llogBin, "./cmd/llog")
	build.Dir = ".."
	out, err := build.CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build llog: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var base = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// testStore writes a store whose records cover every case of the
// mapping: ids given, invalid or absent; errors; missing operation, model
// or provider; estimated tokens; attributes, one that collides with a
// convention's key; text that needs escaping.
func testStore(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "store")
	e, err := llog.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := range 40 {
		inf := llog.Inference{
			Time:      base.Add(time.Duration(i) * time.Minute),
			Model:     []string{"phi-3-mini", "qwen2.5-1.5b", ""}[i%3],
			Provider:  []string{"llama.cpp", "", "ollama"}[i%3],
			Operation: []string{"chat", "text_completion", "", "embeddings"}[i%4],
			Prompt:    fmt.Sprintf("prompt %d \"quoted\"\n\ttab é 😀 <&>", i),
			Response:  fmt.Sprintf("response %d", i),
			Latency:   time.Duration(i*37+1) * time.Millisecond,
			TokensIn:  i % 5, TokensOut: 2 * i,
		}
		switch i % 5 {
		case 0:
			inf.TraceID, inf.SpanID = fmt.Sprintf("%032X", i+1), fmt.Sprintf("%016x", i+1)
		case 1:
			inf.TraceID, inf.SpanID = "not-a-trace-id", "00000000000000000"
		case 2:
			inf.TraceID = strings.Repeat("0", 32)
		case 3:
			inf.Error = "timeout"
			inf.ConversationID = fmt.Sprintf("conv-%d", i/10)
		}
		if i%2 == 0 {
			inf.Attributes = map[string]string{"device.id": "pi-7", "gen_ai.request.model": "overridden?"}
		}
		if err := e.Log(ctx, inf); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// export runs llog export with args and returns its output lines.
func export(t *testing.T, args ...string) []string {
	t.Helper()
	cmd := exec.Command(llogBin, append([]string{"export"}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("llog export %v: %v: %s", args, err, stderr.String())
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

// records returns the records of the store's JSONL export (its trailer
// gives the store id).
func records(t *testing.T, dir string, args ...string) ([]llog.Record, string) {
	t.Helper()
	lines := export(t, append([]string{"--path", dir, "--format", "jsonl"}, args...)...)
	var recs []llog.Record
	for _, l := range lines[:len(lines)-1] {
		var r llog.Record
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	var trailer struct {
		Store struct{ ID string } `json:"store"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &trailer); err != nil {
		t.Fatal(err)
	}
	return recs, trailer.Store.ID
}

// wantIDs returns the ids a record must carry: its own when valid, else
// derived as the package documentation says.
func wantIDs(r *llog.Record, storeID string) (trace, span string) {
	sum := sha256.Sum256([]byte("llog otlp ids\x00" + storeID + "\x00" + strconv.FormatUint(r.Seq, 10)))
	trace, span = hex.EncodeToString(sum[:16]), hex.EncodeToString(sum[16:24])
	if b, err := hex.DecodeString(r.TraceID); err == nil && len(b) == 16 && !bytes.Equal(b, make([]byte, 16)) {
		trace = hex.EncodeToString(b)
	}
	if b, err := hex.DecodeString(r.SpanID); err == nil && len(b) == 8 && !bytes.Equal(b, make([]byte, 8)) {
		span = hex.EncodeToString(b)
	}
	return trace, span
}

// wantAttrs returns the attributes a span or log record of r must have, as
// pdata's AsRaw gives them.
func wantAttrs(r *llog.Record, storeID string, content bool) map[string]any {
	m := map[string]any{}
	for k, v := range r.Attributes {
		m[k] = v
	}
	set := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	set("gen_ai.operation.name", r.Operation)
	set("gen_ai.provider.name", r.Provider)
	set("gen_ai.request.model", r.Model)
	if r.Model == "" {
		delete(m, "gen_ai.request.model") // the record's own attribute stays
		m["gen_ai.request.model"] = r.Attributes["gen_ai.request.model"]
		if r.Attributes["gen_ai.request.model"] == "" {
			delete(m, "gen_ai.request.model")
		}
	}
	m["gen_ai.usage.input_tokens"] = int64(r.TokensIn)
	m["gen_ai.usage.output_tokens"] = int64(r.TokensOut)
	set("error.type", r.Error)
	set("gen_ai.conversation.id", r.ConversationID)
	m["llog.seq"] = int64(r.Seq)
	m["llog.hash"] = r.Hash.String()
	m["llog.store_id"] = storeID
	if r.TokensInEstimated {
		m["llog.tokens_in_estimated"] = true
	}
	if r.TokensOutEstimated {
		m["llog.tokens_out_estimated"] = true
	}
	trace, span := wantIDs(r, storeID)
	if trace != strings.ToLower(r.TraceID) || span != strings.ToLower(r.SpanID) {
		if trace != strings.ToLower(r.TraceID) {
			set("llog.trace_id", r.TraceID)
		}
		if span != strings.ToLower(r.SpanID) {
			set("llog.span_id", r.SpanID)
		}
	}
	if content {
		in, _ := json.Marshal([]any{map[string]any{"role": "user", "parts": []any{map[string]any{"type": "text", "content": r.Prompt}}}})
		out, _ := json.Marshal([]any{map[string]any{"role": "assistant", "parts": []any{map[string]any{"type": "text", "content": r.Response}}}})
		m["gen_ai.input.messages"] = string(in)
		m["gen_ai.output.messages"] = string(out)
	}
	return m
}

// sameJSONStrings compares attribute maps, decoding the message attributes
// (JSON text) before comparing them.
func sameAttrs(t *testing.T, what string, got, want map[string]any) {
	t.Helper()
	for _, k := range []string{"gen_ai.input.messages", "gen_ai.output.messages"} {
		g, gok := got[k].(string)
		w, wok := want[k].(string)
		if gok && wok {
			var gv, wv any
			if json.Unmarshal([]byte(g), &gv) != nil || json.Unmarshal([]byte(w), &wv) != nil || !reflect.DeepEqual(gv, wv) {
				t.Errorf("%s: %s = %s, want %s", what, k, g, w)
			}
			delete(got, k)
			delete(want, k)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: attributes\n got %v\nwant %v", what, got, want)
	}
}

func spanName(r *llog.Record) string {
	parts := []string{}
	for _, p := range []string{r.Operation, r.Model} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return "inference"
	}
	return strings.Join(parts, " ")
}

// TestTraces parses every line of an otlp-traces export with pdata and
// compares each span with the JSONL export's record.
func TestTraces(t *testing.T) {
	dir := testStore(t)
	recs, storeID := records(t, dir)
	lines := export(t, "--path", dir, "--format", "otlp-traces", "--batch", "7")
	if len(lines) != 6 {
		t.Fatalf("%d lines for 40 records in batches of 7", len(lines))
	}
	i := 0
	for n, line := range lines {
		tr, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces([]byte(line))
		if err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		if tr.ResourceSpans().Len() != 1 || tr.ResourceSpans().At(0).ScopeSpans().Len() != 1 {
			t.Fatalf("line %d: want one resource and one scope", n+1)
		}
		rs := tr.ResourceSpans().At(0)
		if res := rs.Resource().Attributes().AsRaw(); !reflect.DeepEqual(res, map[string]any{"service.name": "llog", "llog.store_id": storeID}) {
			t.Errorf("line %d: resource %v", n+1, res)
		}
		ss := rs.ScopeSpans().At(0)
		if ss.Scope().Name() != "github.com/lowlightlog/llog" {
			t.Errorf("scope %q", ss.Scope().Name())
		}
		if want := min(7, len(recs)-i); ss.Spans().Len() != want {
			t.Errorf("line %d: %d spans, want %d", n+1, ss.Spans().Len(), want)
		}
		for k := 0; k < ss.Spans().Len(); k, i = k+1, i+1 {
			s, r := ss.Spans().At(k), &recs[i]
			what := fmt.Sprintf("seq %d", r.Seq)
			trace, span := wantIDs(r, storeID)
			if s.TraceID().String() != trace || s.SpanID().String() != span {
				t.Errorf("%s: ids %s %s, want %s %s", what, s.TraceID(), s.SpanID(), trace, span)
			}
			if s.Name() != spanName(r) || s.Kind() != ptrace.SpanKindClient {
				t.Errorf("%s: name %q kind %v", what, s.Name(), s.Kind())
			}
			// The record's time is the end; the span lasted the latency.
			if s.EndTimestamp().AsTime() != r.Time || s.StartTimestamp().AsTime() != r.Time.Add(-r.Latency) ||
				time.Duration(s.EndTimestamp()-s.StartTimestamp()) != r.Latency {
				t.Errorf("%s: times %v %v, record %v latency %v", what, s.StartTimestamp(), s.EndTimestamp(), r.Time, r.Latency)
			}
			if r.Error != "" {
				if s.Status().Code() != ptrace.StatusCodeError || s.Status().Message() != r.Error {
					t.Errorf("%s: status %v %q", what, s.Status().Code(), s.Status().Message())
				}
			} else if s.Status().Code() != ptrace.StatusCodeUnset {
				t.Errorf("%s: status %v", what, s.Status().Code())
			}
			sameAttrs(t, what, s.Attributes().AsRaw(), wantAttrs(r, storeID, false))
		}
	}
	if i != len(recs) {
		t.Fatalf("%d spans for %d records", i, len(recs))
	}
}

// TestLogs does the same for otlp-logs, with the content included, and
// ships only what is new with --after-seq.
func TestLogs(t *testing.T) {
	dir := testStore(t)
	recs, storeID := records(t, dir, "--after-seq", "25")
	if len(recs) != 15 || recs[0].Seq != 26 {
		t.Fatalf("--after-seq 25: %d records from seq %d", len(recs), recs[0].Seq)
	}
	lines := export(t, "--path", dir, "--format", "otlp-logs", "--include-content", "--after-seq", "25")
	if len(lines) != 1 {
		t.Fatalf("%d lines", len(lines))
	}
	lg, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs([]byte(lines[0]))
	if err != nil {
		t.Fatal(err)
	}
	lrs := lg.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	if lrs.Len() != len(recs) {
		t.Fatalf("%d log records for %d records", lrs.Len(), len(recs))
	}
	for i := range recs {
		l, r := lrs.At(i), &recs[i]
		what := fmt.Sprintf("seq %d", r.Seq)
		trace, span := wantIDs(r, storeID)
		if l.TraceID().String() != trace || l.SpanID().String() != span {
			t.Errorf("%s: ids %s %s", what, l.TraceID(), l.SpanID())
		}
		if l.Timestamp().AsTime() != r.Time || l.ObservedTimestamp().AsTime() != r.Time {
			t.Errorf("%s: time %v", what, l.Timestamp())
		}
		sev, text := plog.SeverityNumberInfo, "INFO"
		if r.Error != "" {
			sev, text = plog.SeverityNumberError, "ERROR"
		}
		if l.SeverityNumber() != sev || l.SeverityText() != text || l.Body().Str() != spanName(r) ||
			l.EventName() != "gen_ai.client.inference.operation.details" {
			t.Errorf("%s: severity %v %q body %q event %q", what, l.SeverityNumber(), l.SeverityText(), l.Body().Str(), l.EventName())
		}
		sameAttrs(t, what, l.Attributes().AsRaw(), wantAttrs(r, storeID, true))
	}
}
