package llog_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/internal/testutil"
	"github.com/lowlightlog/llog/internal/vfs"
)

// events collects events for a test.
type events struct {
	mu   sync.Mutex
	list []llog.Event
}

func (ev *events) add(e llog.Event) {
	ev.mu.Lock()
	ev.list = append(ev.list, e)
	ev.mu.Unlock()
}

func (ev *events) of(kind llog.EventKind) []llog.Event {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	var out []llog.Event
	for _, e := range ev.list {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// stalled opens a store whose fsyncs are held, and fills the pipeline so
// that every further record stays in the queue: the first record waits in
// its fsync, the second in the merkler, the third sealed behind them. It
// returns the engine, the
// gate (release it to let the disk go on) and the folder.
func stalled(t *testing.T, opts llog.Options, ev *events) (*llog.Engine, *testutil.GateFS, string) {
	t.Helper()
	gate := testutil.NewGateFS(vfs.Default)
	opts.DisableRedaction = true
	opts.MaxBatchRecords = 1
	opts.MaxBatchDelay = -1
	if ev != nil {
		opts.OnEvent = ev.add
	}
	e, dir := open(t, llog.WithFS(&opts, gate))
	t.Cleanup(gate.Release)
	gate.Hold()
	if err := e.Log(ctx, inf(1)); err != nil {
		t.Fatal(err)
	}
	<-gate.Waiting()
	// Records 2 and 3 fill the sealer and the merkler: three batches in
	// flight, the queue empty.
	for i := 2; i <= 3; i++ {
		if err := e.Log(ctx, inf(i)); err != nil {
			t.Fatal(err)
		}
		waitFor(t, func() bool { return e.Stats().QueueDepth == 0 })
	}
	return e, gate, dir
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 10s")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestOverflowDropNewest(t *testing.T) {
	var ev events
	e, gate, dir := stalled(t, llog.Options{QueueCapacity: 8, Overflow: llog.DropNewest, DropAlertEvery: time.Hour}, &ev)
	for i := 4; i <= 11; i++ {
		if err := e.Log(ctx, inf(i)); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	for i := 12; i <= 16; i++ {
		if err := e.Log(ctx, inf(i)); !errors.Is(err, llog.ErrDropped) {
			t.Fatalf("record %d on a full queue: %v", i, err)
		}
	}
	if _, err := e.LogSync(ctx, inf(17)); !errors.Is(err, llog.ErrDropped) {
		t.Fatalf("LogSync on a full queue: %v", err)
	}
	st := e.Stats()
	if st.Dropped.Newest != 6 || st.Dropped.Total() != 6 || st.QueueDepth != 8 {
		t.Fatalf("stats: %+v", st)
	}
	gate.Release()
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	recs, _, _ := llog.ReadAll(dir)
	if len(recs) != 11 || recs[10].Prompt != inf(11).Prompt {
		t.Fatalf("%d records kept, last %q", len(recs), recs[len(recs)-1].Prompt)
	}
	// The first drop is reported at once, the rest (rate-limited) at Close.
	var total uint64
	for _, d := range ev.of(llog.EventDropped) {
		total += d.Dropped.Newest
	}
	if n := len(ev.of(llog.EventDropped)); n != 2 || total != 6 {
		t.Fatalf("%d drop events reporting %d drops", n, total)
	}
}

func TestOverflowDropOldest(t *testing.T) {
	var ev events
	e, gate, dir := stalled(t, llog.Options{QueueCapacity: 4, Overflow: llog.DropOldest}, &ev)
	// Record 4 is the oldest queued record; its LogSync waits.
	synced := make(chan error, 1)
	go func() {
		_, err := e.LogSync(ctx, inf(4))
		synced <- err
	}()
	waitFor(t, func() bool { return e.Stats().QueueDepth == 1 })
	for i := 5; i <= 11; i++ {
		if err := e.Log(ctx, inf(i)); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	if err := <-synced; !errors.Is(err, llog.ErrDropped) {
		t.Fatalf("LogSync of an evicted record: %v", err)
	}
	if st := e.Stats(); st.Dropped.Oldest != 4 || st.QueueDepth != 4 {
		t.Fatalf("stats: %+v", st)
	}
	gate.Release()
	e.Close()
	recs, _, _ := llog.ReadAll(dir)
	// Records 1, 2, 3 and the four newest, with gap-free sequence numbers.
	want := []string{inf(1).Prompt, inf(2).Prompt, inf(3).Prompt, inf(8).Prompt, inf(9).Prompt, inf(10).Prompt, inf(11).Prompt}
	if len(recs) != len(want) {
		t.Fatalf("%d records", len(recs))
	}
	for i, r := range recs {
		if r.Seq != uint64(i+1) || r.Prompt != want[i] {
			t.Fatalf("record %d: seq %d %q", i, r.Seq, r.Prompt)
		}
	}
	if d := ev.of(llog.EventDropped); len(d) == 0 || d[0].Dropped.Oldest == 0 {
		t.Fatalf("drop events: %+v", d)
	}
}

func TestOverflowBlock(t *testing.T) {
	e, gate, dir := stalled(t, llog.Options{QueueCapacity: 4}, nil)
	for i := 4; i <= 7; i++ {
		if err := e.Log(ctx, inf(i)); err != nil {
			t.Fatal(err)
		}
	}
	short, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	if err := e.Log(short, inf(99)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Log on a full queue with a short context: %v", err)
	}
	blocked := make(chan error, 1)
	go func() { blocked <- e.Log(ctx, inf(8)) }()
	select {
	case err := <-blocked:
		t.Fatalf("Log did not block on a full queue: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	gate.Release()
	if err := <-blocked; err != nil {
		t.Fatal(err)
	}
	if st := e.Stats(); st.Dropped.Canceled != 1 || st.Dropped.Total() != 1 {
		t.Fatalf("stats: %+v", st)
	}
	e.Close()
	recs, _, _ := llog.ReadAll(dir)
	if len(recs) != 8 {
		t.Fatalf("%d records, want 8", len(recs))
	}
}

func TestCloseWakesBlockedLog(t *testing.T) {
	e, gate, _ := stalled(t, llog.Options{QueueCapacity: 2}, nil)
	e.Log(ctx, inf(4))
	e.Log(ctx, inf(5))
	blocked := make(chan error, 1)
	go func() { blocked <- e.Log(ctx, inf(6)) }()
	time.Sleep(20 * time.Millisecond)
	closed := make(chan error, 1)
	go func() { closed <- e.Close() }()
	if err := <-blocked; !errors.Is(err, llog.ErrClosed) {
		t.Fatalf("blocked Log after Close: %v", err)
	}
	gate.Release()
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	if st := e.Stats(); st.Committed != 5 {
		t.Fatalf("Close committed %d of the 5 queued records", st.Committed)
	}
}

func TestWaterMarkEvents(t *testing.T) {
	var ev events
	e, gate, _ := stalled(t, llog.Options{QueueCapacity: 10, HighWater: 0.8, LowWater: 0.3}, &ev)
	for i := 4; i <= 10; i++ {
		e.Log(ctx, inf(i))
	}
	if n := len(ev.of(llog.EventQueueHigh)); n != 0 {
		t.Fatalf("high-water event at depth 7 of 10")
	}
	e.Log(ctx, inf(11))
	high := ev.of(llog.EventQueueHigh)
	if len(high) != 1 || high[0].QueueDepth != 8 || high[0].QueueCapacity != 10 {
		t.Fatalf("high-water events: %+v", high)
	}
	gate.Release()
	if err := e.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	low := ev.of(llog.EventQueueLow)
	if len(low) != 1 || low[0].QueueDepth > 3 {
		t.Fatalf("low-water events: %+v", low)
	}
}

// TestDropsOutliveTheEngine checks that drop counts are kept in the index,
// so a reader (llog stats) and the next run see them.
func TestDropsOutliveTheEngine(t *testing.T) {
	opts := &llog.Options{DisableRedaction: true, QueueCapacity: 1, Overflow: llog.DropNewest}
	e, dir := open(t, opts)
	for i := range 2000 {
		e.Log(ctx, inf(i))
	}
	first := e.Stats().Dropped
	if first.Newest == 0 {
		t.Skip("the disk kept up with 2000 records through a queue of one")
	}
	e.Close()
	r, _ := llog.OpenReader(dir)
	d, ok, err := r.Drops()
	if err != nil || !ok || d != first {
		t.Fatalf("reader drops %+v %v %v, engine counted %+v", d, ok, err, first)
	}
	e2, err := llog.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer e2.Close()
	if st := e2.Stats(); st.DroppedTotal != first || st.Dropped.Total() != 0 {
		t.Fatalf("after reopen: total %+v, this run %+v", st.DroppedTotal, st.Dropped)
	}
}
