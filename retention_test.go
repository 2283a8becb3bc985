package llog_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/index"
	"github.com/lowlightlog/llog/segment"
	"github.com/lowlightlog/llog/wal"
)

// bigInf is a record of about 1 KiB at time t.
func bigInf(i int, t time.Time) llog.Inference {
	in := inf(i)
	in.Response += strings.Repeat(" lorem ipsum", 80)
	in.Time = t
	return in
}

func segmentNames(t *testing.T, dir string) []string {
	t.Helper()
	segs, err := wal.ListSegments(nil, dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range segs {
		out = append(out, s.Name)
	}
	return out
}

func TestRetentionMaxBytes(t *testing.T) {
	var ev events
	opts := &llog.Options{DisableRedaction: true, SegmentSize: 8 << 10, MaxBatchRecords: 4,
		Retention: llog.Retention{MaxBytes: 40 << 10}, OnEvent: ev.add}
	e, dir := open(t, opts)
	now := time.Now()
	for i := range 200 {
		if err := e.Log(ctx, bigInf(i, now)); err != nil {
			t.Fatal(err)
		}
	}
	e.Close()
	// Removal runs in the background after rotations and at Close's last
	// checkpoint; reopening applies it once more at Open.
	e, err := llog.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	st := e.Stats()
	e.Close()
	segs, _ := wal.ListSegments(nil, dir)
	var total int64
	for _, s := range segs {
		total += s.Size
	}
	if total > 40<<10 || st.StoreBytes != total || st.Segments != len(segs) {
		t.Fatalf("store is %d bytes in %d segments after retention (stats %d, %d)", total, len(segs), st.StoreBytes, st.Segments)
	}
	rep := mustVerify(t, dir)
	if rep.LastSeq != 200 || rep.FirstSeq != segs[0].First || rep.FirstSeq == 1 {
		t.Fatalf("report: first %d last %d", rep.FirstSeq, rep.LastSeq)
	}
	if len(rep.Removed) == 0 || rep.Removed[len(rep.Removed)-1].Last != rep.FirstSeq-1 || rep.Removed[0].First != 1 {
		t.Fatalf("report does not say what retention removed: %+v", rep.Removed)
	}
	if rep.Anchor == rep.HeadHash || rep.Anchor != rep.Removed[len(rep.Removed)-1].Anchor {
		t.Fatalf("verification did not start from the retention anchor")
	}
	rets := ev.of(llog.EventRetention)
	if len(rets) == 0 || rets[0].Removed.Policy != "max-bytes" || rets[0].Removed.First != 1 {
		t.Fatalf("retention events: %+v", rets)
	}
	// The index forgot the removed records; queries see what is left.
	r, _ := llog.OpenReader(dir)
	got := collect(t, r.Query(ctx, llog.Filter{}))
	if len(got) == 0 || got[0].Seq != rep.FirstSeq || uint64(len(got)) != rep.Records {
		t.Fatalf("reader sees %d records from %d", len(got), got[0].Seq)
	}
	e, _ = llog.Open(dir, opts)
	defer e.Close()
	if got := collect(t, e.Query(ctx, llog.Filter{})); uint64(len(got)) != rep.Records || got[0].Seq != rep.FirstSeq {
		t.Fatalf("engine query sees %d records", len(got))
	}
}

func TestRetentionMaxRecordsNeverActive(t *testing.T) {
	opts := &llog.Options{DisableRedaction: true, SegmentSize: 8 << 10, Retention: llog.Retention{MaxRecords: 1}}
	e, dir := open(t, opts)
	for i := range 60 {
		e.LogSync(ctx, bigInf(i, time.Now()))
	}
	e.Close()
	e, _ = llog.Open(dir, opts)
	e.Close()
	// Only the active segment is left: the newest records always survive.
	if segs := segmentNames(t, dir); len(segs) != 1 {
		t.Fatalf("segments left: %v", segs)
	}
	rep := mustVerify(t, dir)
	if rep.LastSeq != 60 || rep.Records == 0 {
		t.Fatalf("report %+v", rep)
	}
}

// TestRetentionMaxAgeAndTheClock checks MaxAge with a good clock and with
// the clock readings a Pi without an RTC produces.
func TestRetentionMaxAgeAndTheClock(t *testing.T) {
	real := time.Now()
	old := real.AddDate(0, 0, -30)
	tests := []struct {
		name    string
		clock   func() time.Time // what the engine reads after the records are written
		removes bool
	}{
		{"correct clock", time.Now, true},
		{"clock jumped a year ahead", func() time.Time { return time.Now().AddDate(1, 0, 0) }, false},
		{"clock back in 1970", func() time.Time { return time.Unix(86400, 0) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var clock atomic.Pointer[func() time.Time]
			realClock := time.Now
			clock.Store(&realClock)
			now := func() time.Time { return (*clock.Load())() }
			var ev events
			opts := llog.WithClock(&llog.Options{DisableRedaction: true, SegmentSize: 8 << 10, OnEvent: ev.add,
				Retention: llog.Retention{MaxAge: 7 * 24 * time.Hour, ClockConfirm: time.Nanosecond, Interval: time.Hour}}, now)
			// The records are written without retention, then the store is
			// reopened with it.
			e, dir := open(t, &llog.Options{DisableRedaction: true, SegmentSize: 8 << 10})
			// Thirty-day-old records fill the first segments, then today's.
			for i := range 40 {
				e.LogSync(ctx, bigInf(i, old))
			}
			for i := 40; i < 60; i++ {
				e.LogSync(ctx, bigInf(i, real))
			}
			e.Close()
			before := segmentNames(t, dir)
			// Reopen: retention runs at Open, and again at Close.
			e, err := llog.Open(dir, opts)
			if err != nil {
				t.Fatal(err)
			}
			clock.Store(&tt.clock)
			time.Sleep(2 * time.Millisecond)
			e.LogSync(ctx, bigInf(60, real)) // a record with a sane time
			e.Close()
			after := segmentNames(t, dir)
			removed := len(after) < len(before)
			if removed != tt.removes {
				t.Fatalf("segments %d -> %d; want removal %v; held: %+v", len(before), len(after), tt.removes, ev.of(llog.EventRetentionHeld))
			}
			if !tt.removes && len(ev.of(llog.EventRetentionHeld)) == 0 {
				t.Fatal("no EventRetentionHeld for a distrusted clock")
			}
			rep := mustVerify(t, dir)
			if tt.removes {
				// Everything thirty days old is gone, today's records stay.
				if rep.FirstSeq > 41 || len(rep.Removed) == 0 || rep.Removed[0].Policy != "max-age" {
					t.Fatalf("report: first %d removed %+v", rep.FirstSeq, rep.Removed)
				}
			}
		})
	}
}

func TestMissingOldestSegmentWithoutRecordIsTamper(t *testing.T) {
	dir, segs := buildStore(t)
	os.Remove(filepath.Join(dir, segs[0]))
	rep, err := llog.Verify(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK || len(rep.Breaks) == 0 || !strings.Contains(rep.Breaks[0].Reason, "no retention record") {
		t.Fatalf("report: %+v", rep.Breaks)
	}
}

func TestRetentionNeedsTheIndex(t *testing.T) {
	_, err := llog.Open(t.TempDir(), &llog.Options{DisableIndex: true, Retention: llog.Retention{MaxBytes: 1 << 20}})
	if err == nil || !strings.Contains(err.Error(), "Retention needs the index") {
		t.Fatalf("Open = %v", err)
	}
}

// TestIndexRebuildKeepsRetentionRecords deletes index.db, or makes it
// unusable, in a store retention has shrunk: the rebuilt index takes the
// retention records from index.snap (they cannot be derived from the
// segments), so the store still verifies from the recorded anchor.
func TestIndexRebuildKeepsRetentionRecords(t *testing.T) {
	for _, damage := range []struct {
		name string
		fn   func(path string) error
	}{
		{"deleted", os.Remove},
		{"garbage", func(path string) error { return os.WriteFile(path, []byte(strings.Repeat("garbage ", 1000)), 0o600) }},
	} {
		t.Run(damage.name, func(t *testing.T) {
			dir := trimmedStore(t)
			before := mustVerify(t, dir)
			if len(before.Removed) == 0 {
				t.Fatal("retention removed nothing")
			}
			if err := damage.fn(filepath.Join(dir, "index.db")); err != nil {
				t.Fatal(err)
			}
			var ev events
			opts := retentionOptions()
			opts.OnEvent = ev.add
			e, err := llog.Open(dir, opts)
			if err != nil {
				t.Fatal(err)
			}
			if c := ev.of(llog.EventIndexCaughtUp); len(c) != 1 || !c[0].Rebuilt {
				t.Fatalf("no rebuild: %v", c)
			}
			if _, err := e.LogSync(ctx, bigInf(100, time.Now())); err != nil {
				t.Fatal(err)
			}
			e.Close()
			after := mustVerify(t, dir)
			if len(after.Removed) < len(before.Removed) {
				t.Fatalf("retention records after the rebuild: %+v, before %+v", after.Removed, before.Removed)
			}
			for i, r := range before.Removed {
				if a := after.Removed[i]; a.First != r.First || a.Last != r.Last || a.Anchor != r.Anchor || !a.Done {
					t.Fatalf("removal %d after the rebuild %+v, before %+v", i, a, r)
				}
			}
		})
	}
}

// TestWatermarkEndsARemovedSegment puts the index's watermark on the last
// record of a segment that retention then removes, with no record after it
// (the writer died between creating the next segment and writing its first
// batch, as a kill at rotate-after-dirsync leaves it). The next Open
// resumes the index from the new segment's header link: the index stays in
// use, agrees with the log, and gives the next record its previous digest.
func TestWatermarkEndsARemovedSegment(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	e, err := llog.Open(dir, &llog.Options{DisableRedaction: true, SegmentSize: 8 << 10, MaxBatchRecords: 4})
	if err != nil {
		t.Fatal(err)
	}
	var last llog.Receipt
	for i := range 40 {
		if last, err = e.LogSync(ctx, bigInf(i, time.Now())); err != nil {
			t.Fatal(err)
		}
	}
	e.Close()
	// The segment a rotation creates before its first batch: a header
	// linking to the last record.
	hdr := segment.AppendHeader(nil, segment.Header{First: last.Seq + 1, Link: last.Hash})
	if err := os.WriteFile(filepath.Join(dir, wal.SegmentName(last.Seq+1)), hdr, 0o600); err != nil {
		t.Fatal(err)
	}
	opts := retentionOptions()
	opts.Retention = llog.Retention{MaxRecords: 1}
	var ev events
	opts.OnEvent = ev.add
	for range 2 {
		// The first Open removes every sealed segment, the watermark's
		// included; the second resumes after it.
		e, err = llog.Open(dir, opts)
		if err != nil {
			t.Fatal(err)
		}
		e.Close()
	}
	if f := ev.of(llog.EventIndexFailed); len(f) > 0 || len(ev.of(llog.EventRetention)) == 0 {
		t.Fatalf("index failures %v, retention %v", f, ev.of(llog.EventRetention))
	}
	if segs := segmentNames(t, dir); len(segs) != 1 || segs[0] != wal.SegmentName(last.Seq+1) {
		t.Fatalf("segments left: %v", segs)
	}
	e, err = llog.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.LogSync(ctx, bigInf(99, time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	got := collect(t, e.Query(ctx, llog.Filter{Reverse: true, Limit: 1}))
	if st := e.Stats(); st.IndexErr != nil || len(got) != 1 || got[0].Seq != r.Seq || got[0].PrevHash != last.Hash {
		t.Fatalf("after the resume: index %v, newest %+v", st.IndexErr, got)
	}
	e.Close()
	if rep := mustVerify(t, dir); !rep.Index.Checked || rep.Index.Mark != r.Seq {
		t.Fatalf("index report %+v", rep.Index)
	}
}

// TestRetentionRecordsLiveInTheLog: retention records its removals in the
// log itself, so a store it trimmed verifies from the recorded anchor with
// index.db and index.snap both deleted, lists what was removed, and a
// rebuilt index holds the records again.
func TestRetentionRecordsLiveInTheLog(t *testing.T) {
	dir := trimmedStore(t)
	before := mustVerify(t, dir)
	if len(before.Removed) < 2 || before.FirstSeq == 1 {
		t.Fatalf("retention removed %+v, first seq %d", before.Removed, before.FirstSeq)
	}
	for _, name := range []string{"index.db", "index.snap"} {
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	without := mustVerify(t, dir)
	if without.Anchor != before.Anchor || without.FirstSeq != before.FirstSeq || without.Index.Checked {
		t.Fatalf("without the index: anchor %v first %d index %+v; with it: anchor %v first %d",
			without.Anchor, without.FirstSeq, without.Index, before.Anchor, before.FirstSeq)
	}
	latest := before.Removed[len(before.Removed)-1]
	if n := len(without.Removed); n == 0 || without.Removed[n-1].Last != latest.Last || without.Removed[n-1].Anchor != latest.Anchor ||
		!without.Removed[n-1].Done || without.Removed[n-1].Policy != latest.Policy {
		t.Fatalf("removals read from the log %+v; the index had %+v", without.Removed, before.Removed)
	}
	// The rebuilt index takes the records from the log.
	e, err := llog.Open(dir, retentionOptions())
	if err != nil {
		t.Fatal(err)
	}
	e.Close()
	rebuilt := mustVerify(t, dir)
	if !rebuilt.Index.Checked || rebuilt.Index.Problems != 0 || rebuilt.Anchor != before.Anchor {
		t.Fatalf("after the rebuild: %+v, anchor %v", rebuilt.Index, rebuilt.Anchor)
	}
}

// TestLegacyRetentionRecordIsCopiedIntoTheLog: a store trimmed before
// removal frames existed has its retention record in the index only. It
// verifies as it did, and the next Open copies the record into the log, so
// the store verifies without the index from then on.
func TestLegacyRetentionRecordIsCopiedIntoTheLog(t *testing.T) {
	dir, segs := buildStore(t)
	// What the old retention left: the oldest segment gone and its record
	// in the index (index.db, and the snapshot readers use).
	second, _ := wal.ParseSegmentName(segs[1])
	w, err := wal.OpenWalker(nil, dir, segs[1])
	if err != nil {
		t.Fatal(err)
	}
	anchor := w.Header().Link
	w.Close()
	x, err := index.Open(filepath.Join(dir, "index.db"), storeID(t, dir), nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := x.AddRemoval(index.Removal{First: 1, Last: second - 1, Segments: []uint64{1}, Anchor: anchor, Policy: "max-bytes", Time: 7})
	if err == nil {
		err = x.MarkRemoved(r.ID)
	}
	if err == nil {
		err = x.Snapshot(filepath.Join(dir, "index.snap"))
	}
	x.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, segs[0])); err != nil {
		t.Fatal(err)
	}
	if rep := mustVerify(t, dir); rep.Anchor != anchor || len(rep.Removed) != 1 {
		t.Fatalf("legacy store: anchor %v removed %+v", rep.Anchor, rep.Removed)
	}
	e, err := llog.Open(dir, &llog.Options{DisableRedaction: true, SegmentSize: 4096})
	if err != nil {
		t.Fatal(err)
	}
	e.Close()
	for _, name := range []string{"index.db", "index.snap"} {
		os.Remove(filepath.Join(dir, name))
	}
	rep := mustVerify(t, dir)
	if rep.Anchor != anchor || len(rep.Removed) != 1 || rep.Removed[0].Last != second-1 || rep.Removed[0].Policy != "max-bytes" {
		t.Fatalf("after the copy, without the index: anchor %v removed %+v", rep.Anchor, rep.Removed)
	}
	// Copied once: another Open does not copy it again.
	e, err = llog.Open(dir, &llog.Options{DisableRedaction: true, SegmentSize: 4096})
	if err != nil {
		t.Fatal(err)
	}
	e.Close()
	if rep := mustVerify(t, dir); len(rep.Removed) != 1 {
		t.Fatalf("after a second Open: removed %+v", rep.Removed)
	}
}

// trimmedStore writes 100 large records with retentionOptions, so that
// retention removes the oldest segments, closes the store and returns its
// folder.
func trimmedStore(t *testing.T) string {
	t.Helper()
	e, dir := open(t, retentionOptions())
	now := time.Now()
	for i := range 100 {
		if _, err := e.LogSync(ctx, bigInf(i, now)); err != nil {
			t.Fatal(err)
		}
	}
	e.Close()
	return dir
}
