package llog_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/chain"
	"github.com/lowlightlog/llog/internal/testutil"
	"github.com/lowlightlog/llog/internal/vfs"
	"github.com/lowlightlog/llog/segment"
	"github.com/lowlightlog/llog/wal"
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(writerEnv); dir != "" {
		crashWriter(dir) // this binary re-run as the writer of TestKillWriter
		return
	}
	if dir := os.Getenv(openerEnv); dir != "" {
		tryOpen(dir) // this binary re-run by TestSecondWriterProcessIsLocked
		return
	}
	if spec := os.Getenv(retentionKillEnv); spec != "" {
		retentionKiller(spec) // this binary re-run by TestKillDuringRetention
		return
	}
	testutil.Main(m)
}

var ctx = context.Background()

// open opens a store in a new temporary folder and closes it, then
// verifies it, when the test ends.
func open(t *testing.T, opts *llog.Options) (*llog.Engine, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "store")
	e, err := llog.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		e.Close()
		mustVerify(t, dir)
	})
	return e, dir
}

// mustVerify fails the test unless the store in dir verifies.
func mustVerify(t *testing.T, dir string) *llog.VerifyReport {
	t.Helper()
	rep, err := llog.Verify(ctx, dir)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if !rep.OK {
		t.Fatalf("verify: store does not verify: %v", rep.Breaks)
	}
	return rep
}

func inf(i int) llog.Inference {
	return llog.Inference{
		Model:     []string{"phi-3-mini", "llama-3.2-3b"}[i%2],
		Provider:  "llama.cpp",
		Operation: "chat",
		Prompt:    fmt.Sprintf("question %d: what is the capital of France?", i),
		Response:  fmt.Sprintf("answer %d: Paris.", i),
		Latency:   time.Duration(i) * time.Millisecond,
		TokensIn:  10 + i,
		TokensOut: 3,
	}
}

func TestLogFlushReopenRead(t *testing.T) {
	e, dir := open(t, nil)
	for i := range 100 {
		if err := e.Log(ctx, inf(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	st := e.Stats()
	if st.Accepted != 100 || st.Committed != 100 || st.LastSeq != 100 || st.QueueDepth != 0 {
		t.Fatalf("stats after flush: %+v", st)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e2, err := llog.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := e2.LogSync(ctx, inf(100))
	if err != nil {
		t.Fatal(err)
	}
	if r.Seq != 101 {
		t.Fatalf("seq after reopen = %d, want 101", r.Seq)
	}
	if err := e2.Close(); err != nil {
		t.Fatal(err)
	}
	recs, rep, err := llog.ReadAll(dir)
	if err != nil || !rep.OK || len(recs) != 101 {
		t.Fatalf("read %d records, %+v, %v", len(recs), rep, err)
	}
	for i, rec := range recs {
		want := inf(i)
		if rec.Seq != uint64(i+1) || rec.Prompt != want.Prompt || rec.Response != want.Response ||
			rec.Model != want.Model || rec.Latency != want.Latency || rec.TokensIn != want.TokensIn ||
			rec.TokensInEstimated || rec.Provider != "llama.cpp" || rec.Operation != "chat" {
			t.Fatalf("record %d = %+v", i, rec)
		}
		if i > 0 && rec.PrevHash != recs[i-1].Hash {
			t.Fatalf("record %d prev hash does not link", i)
		}
	}
	if recs[100].Hash != r.Hash || rep.HeadHash != r.Hash {
		t.Fatal("receipt hash differs from the stored hash")
	}
}

func TestCreatesFolderAndFilesPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "store")
	e, err := llog.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.LogSync(ctx, inf(1))
	e.Close()
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("folder mode %v, %v", fi.Mode(), err)
	}
	names, _ := os.ReadDir(dir)
	var got []string
	for _, n := range names {
		got = append(got, n.Name())
		fi, _ := n.Info()
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v", n.Name(), fi.Mode())
		}
	}
	if strings.Join(got, " ") != "00000000000000000001.seg LOCK index.db llog.store" {
		t.Fatalf("files: %v", got)
	}
}

func TestOptionsReportsAllProblems(t *testing.T) {
	_, err := llog.Open(t.TempDir(), &llog.Options{
		QueueCapacity: -1,
		SegmentSize:   100,
		MaxRecordSize: llog.MaxRecordSizeLimit + 1,
		HighWater:     0.3, LowWater: 0.6,
		Overflow: llog.OverflowPolicy(9),
	})
	if !errors.Is(err, llog.ErrInvalidOptions) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"QueueCapacity", "SegmentSize", "MaxRecordSize", "water marks", "Overflow"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s: %v", want, err)
		}
	}
}

func TestOptionsAreCopied(t *testing.T) {
	opts := &llog.Options{MaxRecordSize: 4096}
	e, _ := open(t, opts)
	opts.MaxRecordSize = 1 << 20
	big := inf(1)
	big.Prompt = strings.Repeat("x", 8000)
	if err := e.Log(ctx, big); !errors.Is(err, llog.ErrTooLarge) {
		t.Fatalf("changing Options after Open changed the engine: %v", err)
	}
}

func TestSecondOpenIsLocked(t *testing.T) {
	e, dir := open(t, nil)
	_, err := llog.Open(dir, nil)
	if !errors.Is(err, llog.ErrLocked) {
		t.Fatalf("second Open: %v", err)
	}
	e.Close()
	e2, err := llog.Open(dir, nil)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	e2.Close()
}

const openerEnv = "LLOG_TEST_OPENER"

// tryOpen is the child of TestSecondWriterProcessIsLocked: it opens the
// store and exits 0 on success, 10 on ErrLocked, 11 on any other error.
func tryOpen(dir string) {
	e, err := llog.Open(dir, nil)
	switch {
	case err == nil:
		e.Close()
		os.Exit(0)
	case errors.Is(err, llog.ErrLocked):
		os.Exit(10)
	default:
		fmt.Fprintln(os.Stderr, err)
		os.Exit(11)
	}
}

func TestSecondWriterProcessIsLocked(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process")
	}
	e, dir := open(t, nil)
	child := func() int {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), openerEnv+"="+dir)
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatalf("child: %v %s", err, out)
		}
		return 0
	}
	start := time.Now()
	if code := child(); code != 10 {
		t.Fatalf("second writer process exited %d, want 10 (ErrLocked)", code)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("second Open did not fail at once")
	}
	e.Close()
	if code := child(); code != 0 {
		t.Fatalf("Open after the first writer closed exited %d", code)
	}
}

func TestLogSyncContextEnds(t *testing.T) {
	gate := testutil.NewGateFS(vfs.Default)
	e, dir := open(t, llog.WithFS(&llog.Options{DisableRedaction: true}, gate))
	gate.Hold()
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := e.LogSync(short, inf(1)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("LogSync with an expired context: %v", err)
	}
	gate.Release()
	// The record stayed queued and is committed.
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	recs, _, _ := llog.ReadAll(dir)
	if len(recs) != 1 {
		t.Fatalf("%d records", len(recs))
	}
}

func TestCloseTwiceAndCallsAfterClose(t *testing.T) {
	e, _ := open(t, nil)
	if err := e.Log(ctx, inf(1)); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := e.Log(ctx, inf(2)); !errors.Is(err, llog.ErrClosed) {
		t.Fatalf("Log after Close: %v", err)
	}
	if _, err := e.LogSync(ctx, inf(2)); !errors.Is(err, llog.ErrClosed) {
		t.Fatalf("LogSync after Close: %v", err)
	}
	if err := e.Flush(ctx); !errors.Is(err, llog.ErrClosed) {
		t.Fatalf("Flush after Close: %v", err)
	}
	if st := e.Stats(); st.Committed != 1 {
		t.Fatalf("Close did not commit the queued record: %+v", st)
	}
}

func TestTooLargeWritesNothing(t *testing.T) {
	e, dir := open(t, &llog.Options{MaxRecordSize: 4096})
	if _, err := e.LogSync(ctx, inf(1)); err != nil {
		t.Fatal(err)
	}
	before := e.Stats()
	big := inf(2)
	big.Response = strings.Repeat("y", 5000)
	if err := e.Log(ctx, big); !errors.Is(err, llog.ErrTooLarge) {
		t.Fatalf("Log = %v", err)
	}
	if _, err := e.LogSync(ctx, big); !errors.Is(err, llog.ErrTooLarge) {
		t.Fatalf("LogSync = %v", err)
	}
	r, err := e.LogSync(ctx, inf(3))
	if err != nil || r.Seq != 2 {
		t.Fatalf("next record took seq %d (%v): a rejected record must not take a seq", r.Seq, err)
	}
	after := e.Stats()
	if after.Rejected != 2 || after.Accepted != before.Accepted+1 {
		t.Fatalf("stats: %+v", after)
	}
	e.Close()
	recs, _, _ := llog.ReadAll(dir)
	if len(recs) != 2 {
		t.Fatalf("%d records stored", len(recs))
	}
}

func TestInvalidRecord(t *testing.T) {
	e, _ := open(t, nil)
	bad := []llog.Inference{{TokensIn: -1}, {TokensOut: -5}, {Latency: -time.Second}}
	if strconv.IntSize == 64 {
		// Beyond what a 32-bit reader can hold.
		above := int64(llog.MaxTokens) + 1
		bad = append(bad, llog.Inference{TokensIn: int(above)}, llog.Inference{TokensOut: int(above)})
	}
	for _, in := range bad {
		if err := e.Log(ctx, in); !errors.Is(err, llog.ErrInvalidRecord) {
			t.Errorf("Log(%+v) = %v", in, err)
		}
	}
	if _, err := e.LogSync(ctx, llog.Inference{TokensIn: llog.MaxTokens, TokensOut: llog.MaxTokens}); err != nil {
		t.Errorf("MaxTokens: %v", err)
	}
}

func TestInvalidUTF8IsReplacedAndCounted(t *testing.T) {
	e, dir := open(t, &llog.Options{DisableRedaction: true})
	in := inf(1)
	in.Prompt = "caf\xe9 au lait \xff\xfe ok"
	in.Attributes = map[string]string{"k\xff": "v\xc3"}
	if _, err := e.LogSync(ctx, in); err != nil {
		t.Fatal(err)
	}
	e.Close()
	recs, _, _ := llog.ReadAll(dir)
	got := recs[0]
	if got.Prompt != "caf\uFFFD au lait \uFFFD ok" {
		t.Fatalf("prompt stored as %q", got.Prompt)
	}
	if got.Attributes["k\uFFFD"] != "v\uFFFD" {
		t.Fatalf("attributes stored as %q", got.Attributes)
	}
	if got.Redactions["INVALID_UTF8"] != 4 {
		t.Fatalf("redactions = %v", got.Redactions)
	}
}

func TestDefaultsStampTimeAndEstimateTokens(t *testing.T) {
	e, dir := open(t, &llog.Options{DisableRedaction: true})
	before := time.Now()
	if _, err := e.LogSync(ctx, llog.Inference{Model: "m", Prompt: "1234567890ab", Response: "héllo wörld!"}); err != nil {
		t.Fatal(err)
	}
	when := time.Date(2024, 2, 29, 12, 0, 0, 123, time.UTC)
	if _, err := e.LogSync(ctx, llog.Inference{Model: "m", Time: when, TokensIn: 7, TokensOut: 9}); err != nil {
		t.Fatal(err)
	}
	e.Close()
	recs, _, _ := llog.ReadAll(dir)
	r := recs[0]
	if r.Time.Before(before.Add(-time.Second)) || r.Time.After(time.Now()) {
		t.Fatalf("time not stamped: %v", r.Time)
	}
	// len/4 in characters, as the Python tool did.
	if r.TokensIn != 3 || !r.TokensInEstimated || r.TokensOut != 3 || !r.TokensOutEstimated {
		t.Fatalf("estimates: %+v", r)
	}
	r = recs[1]
	if !r.Time.Equal(when) || r.TokensIn != 7 || r.TokensInEstimated || r.TokensOut != 9 || r.TokensOutEstimated {
		t.Fatalf("given values not kept: %+v", r)
	}
}

// TestEstimatesAndRepairsWithRedaction: with redaction on, the token
// estimates count the characters of the text as given (invalid runs
// counted as the U+FFFD that replaces them), before placeholders replace
// anything, and the repairs are counted with the redactions.
func TestEstimatesAndRepairsWithRedaction(t *testing.T) {
	e, dir := open(t, nil)
	in := llog.Inference{Model: "m",
		Prompt:     "mail jürgen@example.com \xff\xfe please", // 32 characters repaired
		Response:   "sent to 10.1.2.3, done ✓",                // 24 characters
		Error:      "bad \xc3",
		Attributes: map[string]string{"note": "call +44 20 7946 0958", "k\xff": "v"}}
	if _, err := e.LogSync(ctx, in); err != nil {
		t.Fatal(err)
	}
	e.Close()
	recs, _, _ := llog.ReadAll(dir)
	r := recs[0]
	if r.TokensIn != 32/4 || !r.TokensInEstimated || r.TokensOut != 24/4 || !r.TokensOutEstimated {
		t.Errorf("estimates: in %d, out %d", r.TokensIn, r.TokensOut)
	}
	if r.Prompt != "mail [REDACTED:EMAIL] \uFFFD please" || r.Response != "sent to [REDACTED:IPV4], done ✓" ||
		r.Error != "bad \uFFFD" || r.Attributes["note"] != "call [REDACTED:PHONE]" || r.Attributes["k\uFFFD"] != "v" {
		t.Errorf("stored %q, %q, %q, %q", r.Prompt, r.Response, r.Error, r.Attributes)
	}
	want := map[string]int{"EMAIL": 1, "IPV4": 1, "PHONE": 1, "INVALID_UTF8": 3}
	if !maps.Equal(r.Redactions, want) {
		t.Errorf("redactions %v, want %v", r.Redactions, want)
	}
}

func TestOpenRefusesNonStore(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hello"), 0o600)
	if _, err := llog.Open(dir, nil); !errors.Is(err, llog.ErrNotStore) {
		t.Fatalf("Open on a folder of other files: %v", err)
	}
	// Nothing is left behind in a folder Open refused.
	if ents, _ := os.ReadDir(dir); len(ents) != 1 || ents[0].Name() != "notes.txt" {
		t.Fatalf("Open left files in a folder that is not a store: %v", ents)
	}
	// A file where the folder should be.
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	if _, err := llog.Open(file, nil); err == nil {
		t.Fatal("Open on a file succeeded")
	}
	// A manifest that is not ours.
	dir = t.TempDir()
	os.WriteFile(filepath.Join(dir, "llog.store"), []byte(`{"format":"other"}`), 0o600)
	if _, err := llog.Open(dir, nil); !errors.Is(err, llog.ErrNotStore) {
		t.Fatalf("Open with a foreign manifest: %v", err)
	}
}

func TestOpenRefusesNewerVersion(t *testing.T) {
	e, dir := open(t, nil)
	e.Close()
	path := filepath.Join(dir, "llog.store")
	b, _ := os.ReadFile(path)
	os.WriteFile(path, []byte(strings.Replace(string(b), `"version": 1`, `"version": 2`, 1)), 0o600)
	if _, err := llog.Open(dir, nil); !errors.Is(err, llog.ErrNewerVersion) {
		t.Fatalf("newer manifest: %v", err)
	}
	os.WriteFile(path, b, 0o600)

	// A newer segment format.
	seg := filepath.Join(dir, wal.SegmentName(1))
	sb, _ := os.ReadFile(seg)
	sb[8] = segment.Version + 1 // format version field of the segment header
	os.WriteFile(seg, sb, 0o600)
	if _, err := llog.Open(dir, nil); !errors.Is(err, llog.ErrNewerVersion) {
		t.Fatalf("newer segment: %v", err)
	}
	if _, err := llog.Verify(ctx, dir); !errors.Is(err, llog.ErrNewerVersion) {
		t.Fatalf("Verify of a newer segment: %v", err)
	}
	sb[8] = segment.Version
	os.WriteFile(seg, sb, 0o600)
}

func TestOpenFailsOnCorruptionAndChangesNothing(t *testing.T) {
	e, dir := open(t, &llog.Options{DisableRedaction: true})
	for i := range 3 {
		e.LogSync(ctx, inf(i))
	}
	e.Close()
	seg := filepath.Join(dir, wal.SegmentName(1))
	b, _ := os.ReadFile(seg)
	b[segment.HeaderSize+segment.FrameHeaderSize+40] ^= 0x08 // inside the first record
	os.WriteFile(seg, b, 0o600)
	_, err := llog.Open(dir, nil)
	var ce *llog.CorruptionError
	if !errors.Is(err, llog.ErrCorrupt) || !errors.As(err, &ce) {
		t.Fatalf("Open = %v", err)
	}
	if ce.Segment != wal.SegmentName(1) || ce.Offset != segment.HeaderSize {
		t.Fatalf("corruption at %s offset %d", ce.Segment, ce.Offset)
	}
	after, _ := os.ReadFile(seg)
	if string(after) != string(b) {
		t.Fatal("Open changed a corrupt segment")
	}
	// Repair it for the cleanup's verification.
	b[segment.HeaderSize+segment.FrameHeaderSize+40] ^= 0x08
	os.WriteFile(seg, b, 0o600)
}

func TestTornTailTruncatedWithEvent(t *testing.T) {
	e, dir := open(t, &llog.Options{DisableRedaction: true})
	for i := range 5 {
		e.LogSync(ctx, inf(i))
	}
	e.Close()
	seg := filepath.Join(dir, wal.SegmentName(1))
	f, _ := os.OpenFile(seg, os.O_APPEND|os.O_WRONLY, 0)
	f.Write(make([]byte, 777)) // a zero-filled tail, as ext4 leaves after a power cut
	f.Close()
	var events []llog.Event
	e, err := llog.Open(dir, &llog.Options{OnEvent: func(ev llog.Event) { events = append(events, ev) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].Kind != llog.EventTornTail || events[0].Bytes != 777 || events[0].Segment != wal.SegmentName(1) {
		t.Fatalf("events: %+v", events)
	}
	r, err := e.LogSync(ctx, inf(5))
	if err != nil || r.Seq != 6 {
		t.Fatalf("after recovery: %v, %v", r, err)
	}
	e.Close()
}

func TestRotationKeepsChainAcrossSegments(t *testing.T) {
	var mu sync.Mutex
	var rotated []string
	e, dir := open(t, &llog.Options{DisableRedaction: true, SegmentSize: 4096, OnEvent: func(ev llog.Event) {
		if ev.Kind == llog.EventSegmentRotated {
			mu.Lock()
			rotated = append(rotated, ev.Segment)
			mu.Unlock()
		}
	}})
	for i := range 200 {
		if _, err := e.LogSync(ctx, inf(i)); err != nil {
			t.Fatal(err)
		}
	}
	e.Close()
	st := e.Stats() // after Close, which commits a last checkpoint
	rep := mustVerify(t, dir)
	if rep.Segments < 5 || rep.Records != 200 || st.Segments != rep.Segments || st.StoreBytes != rep.Bytes {
		t.Fatalf("report %+v, stats %+v", rep, st)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(rotated) != rep.Segments-1 {
		t.Fatalf("%d rotation events for %d segments", len(rotated), rep.Segments)
	}
}

func TestLogSyncReceiptsUnderConcurrency(t *testing.T) {
	e, dir := open(t, &llog.Options{DisableRedaction: true, MaxBatchRecords: 16})
	const writers, each = 8, 50
	receipts := make(chan llog.Receipt, writers*each)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				r, err := e.LogSync(ctx, inf(w*each+i))
				if err != nil {
					t.Error(err)
					return
				}
				receipts <- r
			}
		}()
	}
	wg.Wait()
	close(receipts)
	e.Close()
	recs, rep, _ := llog.ReadAll(dir)
	if !rep.OK || len(recs) != writers*each {
		t.Fatalf("%d records, %+v", len(recs), rep)
	}
	byseq := map[uint64]chain.Digest{}
	for _, r := range recs {
		byseq[r.Seq] = r.Hash
	}
	n := 0
	for r := range receipts {
		if byseq[r.Seq] != r.Hash {
			t.Fatalf("receipt seq %d hash differs from the stored one", r.Seq)
		}
		n++
	}
	if n != writers*each {
		t.Fatalf("%d receipts", n)
	}
}

func TestFlushWaitsForFsync(t *testing.T) {
	gate := testutil.NewGateFS(vfs.Default)
	e, _ := open(t, llog.WithFS(&llog.Options{DisableRedaction: true}, gate))
	gate.Hold()
	for i := range 10 {
		e.Log(ctx, inf(i))
	}
	flushed := make(chan error, 1)
	go func() { flushed <- e.Flush(ctx) }()
	<-gate.Waiting()
	select {
	case err := <-flushed:
		t.Fatalf("Flush returned %v before the fsync finished", err)
	case <-time.After(50 * time.Millisecond):
	}
	gate.Release()
	if err := <-flushed; err != nil {
		t.Fatal(err)
	}
	if st := e.Stats(); st.Committed != 10 {
		t.Fatalf("committed %d after Flush", st.Committed)
	}
	// Flush with nothing queued returns at once.
	if err := e.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	// A Flush whose context ends first returns the context's error.
	gate.Hold()
	e.Log(ctx, inf(11))
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := e.Flush(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Flush with an expired context: %v", err)
	}
	gate.Release()
}

func TestSlowSyncEvent(t *testing.T) {
	gate := testutil.NewGateFS(vfs.Default)
	gate.SetDelay(30 * time.Millisecond)
	var mu sync.Mutex
	var slow []llog.Event
	e, _ := open(t, llog.WithFS(&llog.Options{SlowSync: 10 * time.Millisecond, OnEvent: func(ev llog.Event) {
		if ev.Kind == llog.EventSlowSync {
			mu.Lock()
			slow = append(slow, ev)
			mu.Unlock()
		}
	}}, gate))
	if _, err := e.LogSync(ctx, inf(1)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(slow) != 1 || slow[0].Duration < 30*time.Millisecond {
		t.Fatalf("slow sync events: %+v", slow)
	}
}

func TestBatchDelayGroupsRecords(t *testing.T) {
	// Records logged within MaxBatchDelay share one fsync; Flush does not
	// wait for the delay.
	e, _ := open(t, &llog.Options{DisableRedaction: true, MaxBatchDelay: time.Hour})
	for i := range 50 {
		e.Log(ctx, inf(i))
	}
	start := time.Now()
	if err := e.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 10*time.Second {
		t.Fatal("Flush waited for the batch delay")
	}
	if st := e.Stats(); st.Syncs != 1 || st.Committed != 50 {
		t.Fatalf("stats: %d syncs for %d records", st.Syncs, st.Committed)
	}
}

// TestLogWithCancelledContextIsCommitted pins what Log's doc says: ctx only
// bounds the wait for room, so a record logged with a context that is
// already cancelled is still committed.
func TestLogWithCancelledContextIsCommitted(t *testing.T) {
	e, dir := open(t, nil)
	cctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := e.Log(cctx, inf(1)); err != nil {
		t.Fatalf("Log with a cancelled context: %v", err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if rep := mustVerify(t, dir); rep.Records != 1 {
		t.Fatalf("%d records committed, want 1", rep.Records)
	}
}
