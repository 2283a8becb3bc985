package llog_test

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
)

// oddString returns one of the strings that a record may legally hold and
// that once broke a layer: empty, NUL bytes, invalid UTF-8 (stored as
// U+FFFD), a byte 0xFF, non-ASCII text, and long strings of up to budget
// bytes.
func oddString(r *rand.Rand, budget int) string {
	switch r.IntN(10) {
	case 0:
		return ""
	case 1:
		return "\x00"
	case 2:
		return "a\x00b\x00"
	case 3:
		return "\xff\xfe invalid"
	case 4:
		return "modèle-7b 模型 \U0001F600"
	case 5:
		return strings.Repeat("x", 1+r.IntN(max(1, budget)))
	case 6:
		return strings.Repeat("\x00", 1+r.IntN(max(1, min(budget, 40<<10)))) // beyond bbolt's 32 KiB keys
	default:
		return "phi-3-mini"
	}
}

// randomInference returns an inference of any legal shape: odd strings in
// every field and attribute key, and now and then one value near maxBytes.
func randomInference(r *rand.Rand, maxBytes int) llog.Inference {
	budget := 64
	if r.IntN(8) == 0 {
		budget = maxBytes
	}
	in := llog.Inference{
		Model:          oddString(r, budget),
		Provider:       oddString(r, 64),
		Operation:      oddString(r, 64),
		Prompt:         oddString(r, budget),
		Response:       oddString(r, 64),
		Error:          oddString(r, 64),
		TraceID:        oddString(r, 64),
		SpanID:         oddString(r, 64),
		ConversationID: oddString(r, 64),
		Latency:        time.Duration(r.Int64N(1 << 62)),
		TokensIn:       r.IntN(1 << 20),
		TokensOut:      r.IntN(1 << 20),
		Time:           time.Unix(0, r.Int64()-r.Int64()),
	}
	if n := r.IntN(4); n > 0 {
		in.Attributes = map[string]string{}
		for range n {
			in.Attributes[oddString(r, 64)] = oddString(r, budget)
		}
	}
	return in
}

// TestAnyInferenceKeepsIndexAndRetention logs random inferences of every
// legal shape (empty model, NUL bytes, empty attribute keys, values up to
// the record limit) with the index and retention on. No index checkpoint
// fails, retention keeps its limit, indexed queries for each model find
// what a plain scan finds, and the store verifies with a current index.
// LLOG_QUERY_SEED=<n> replays a run.
func TestAnyInferenceKeepsIndexAndRetention(t *testing.T) {
	seed := querySeed(t)
	r := rand.New(rand.NewPCG(seed, 12))
	var ev events
	const maxRecords = 40
	opts := &llog.Options{DisableRedaction: true, SegmentSize: 32 << 10, MaxRecordSize: 256 << 10,
		CheckpointRecords: 7, Retention: llog.Retention{MaxRecords: maxRecords}, OnEvent: ev.add}
	e, dir := open(t, opts)
	n := 400
	if testing.Short() {
		n = 150
	}
	tooLarge := 0
	for i := range n {
		err := e.Log(ctx, randomInference(r, opts.MaxRecordSize))
		if errors.Is(err, llog.ErrTooLarge) {
			tooLarge++
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if i%13 == 0 {
			if err := e.Flush(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := e.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if st := e.Stats(); st.IndexErr != nil {
		t.Fatalf("index out of use: %v", st.IndexErr)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	// Reopened (retention runs at Open, then waits for a rotation or its
	// interval), indexed queries find exactly what a scan of the segments
	// finds, for every model.
	e, err := llog.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	rd, err := llog.OpenReader(dir)
	if err != nil {
		t.Fatal(err)
	}
	all := collect(t, rd.Query(ctx, llog.Filter{}))
	if got := seqsOf(collect(t, e.Query(ctx, llog.Filter{}))); !equalSeqs(got, seqsOf(all)) {
		t.Errorf("index finds %d records, scan %d", len(got), len(all))
	}
	seen := map[string]bool{}
	for _, rec := range all {
		if seen[rec.Model] {
			continue
		}
		seen[rec.Model] = true
		f := llog.Filter{Models: []string{rec.Model}}
		got, want := seqsOf(collect(t, e.Query(ctx, f))), seqsOf(collect(t, rd.Query(ctx, f)))
		if len(got) == 0 || !equalSeqs(got, want) {
			t.Errorf("model of %d bytes: index finds %v, scan %v", len(rec.Model), head(got), head(want))
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	for _, x := range ev.of(llog.EventIndexFailed) {
		t.Errorf("index failed: %v", x.Err)
	}
	rep := mustVerify(t, dir)
	if len(rep.Removed) == 0 {
		t.Errorf("retention removed nothing from %d records", rep.Records)
	}
	if rep.Records > maxRecords && rep.Segments > 1 {
		t.Errorf("retention kept %d records in %d segments, limit %d", rep.Records, rep.Segments, maxRecords)
	}
	if ix := rep.Index; !ix.Checked || ix.Problems != 0 || ix.Mark != rep.LastSeq {
		t.Errorf("index after Close: %+v, log ends at %d", ix, rep.LastSeq)
	}
	t.Logf("%d inferences, %d too large, %d records kept in %d segments, %d removals", n, tooLarge, rep.Records, rep.Segments, len(rep.Removed))
}

func equalSeqs(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
