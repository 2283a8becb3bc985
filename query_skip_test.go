package llog_test

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/segment"
	"github.com/lowlightlog/llog/wal"
)

// queryAll gathers a query's records and what it skipped, going on after
// each *SkipError as the iterator allows; any other error fails the test.
func queryAll(t *testing.T, seq func(yield func(llog.Record, error) bool)) (recs []uint64, skipped []string, covered map[uint64]bool) {
	t.Helper()
	covered = map[uint64]bool{}
	for r, err := range seq {
		var se *llog.SkipError
		switch {
		case errors.As(err, &se):
			skipped = append(skipped, fmt.Sprintf("%s %d-%d", se.Segment, se.First, se.Last))
			for s := se.First; s <= se.Last; s++ {
				covered[s] = true
			}
		case err != nil:
			t.Fatal(err)
		default:
			recs = append(recs, r.Seq)
		}
	}
	slices.Sort(skipped)
	return recs, skipped, covered
}

// TestQuerySkipsWhatDoesNotVerify damages a sealed segment (a byte flipped
// in a batch) and rewrites a record of another with valid checksums but a
// body that no longer hashes to its digest. Queries, through the index and
// by scanning the segments, forward and newest first, yield every other
// record and one *SkipError for each part they skipped, and go on. A scan
// skips the whole damaged batch, as Verify does; the index, which knows
// where each record starts, yields the records before the damage too. The
// records yielded and those the skips name are every record, once.
func TestQuerySkipsWhatDoesNotVerify(t *testing.T) {
	dir, segs := buildStore(t)
	p1 := filepath.Join(dir, segs[1])
	offs := frames(t, p1)
	rewrite(t, p1, func(b []byte) []byte { b[offs[1]+segment.FrameHeaderSize+50] ^= 1; return b })
	p2 := filepath.Join(dir, segs[2])
	off := frames(t, p2)[0]
	rewrite(t, p2, func(b []byte) []byte {
		n, _ := segment.PayloadLen(b[off:])
		payload := append([]byte(nil), b[off+segment.FrameHeaderSize:off+segment.FrameHeaderSize+int64(n)]...)
		i := bytes.Index(payload, []byte("Paris"))
		copy(payload[i:], "Lyon!")
		fr, _ := segment.AppendFrame(nil, wal.KindEntry, payload)
		copy(b[off:], fr)
		return b
	})
	first1, _ := wal.ParseSegmentName(segs[1])
	first2, _ := wal.ParseSegmentName(segs[2])
	wantSkips := []string{fmt.Sprintf("%s %d-%d", segs[1], first1, first1+4), fmt.Sprintf("%s %d-%d", segs[2], first2, first2)}
	var want []uint64
	for s := uint64(1); s <= 60; s++ {
		if (s < first1 || s > first1+4) && s != first2 {
			want = append(want, s)
		}
	}
	r, err := llog.OpenReader(dir)
	if err != nil {
		t.Fatal(err)
	}
	e, err := llog.Open(dir, &llog.Options{DisableRedaction: true, SegmentSize: 4096, MaxBatchRecords: 5})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for _, q := range []struct {
		name    string
		query   func(llog.Filter) func(func(llog.Record, error) bool)
		reverse bool
		index   bool
	}{
		{"scan", func(f llog.Filter) func(func(llog.Record, error) bool) { return r.Query(ctx, f) }, false, false},
		{"scan newest first", func(f llog.Filter) func(func(llog.Record, error) bool) { return r.Query(ctx, f) }, true, false},
		{"index", func(f llog.Filter) func(func(llog.Record, error) bool) { return e.Query(ctx, f) }, false, true},
		{"index newest first", func(f llog.Filter) func(func(llog.Record, error) bool) { return e.Query(ctx, f) }, true, true},
	} {
		got, skipped, covered := queryAll(t, q.query(llog.Filter{Reverse: q.reverse}))
		if q.reverse {
			slices.Reverse(got)
		}
		if !q.index && (!slices.Equal(got, want) || !slices.Equal(skipped, wantSkips)) {
			t.Errorf("%s: records %v\nskipped %v\nwant %v\nskipped %v", q.name, got, skipped, want, wantSkips)
		}
		if len(skipped) != 2 || !covered[first1+1] || !covered[first2] {
			t.Errorf("%s: skipped %v: want the damaged record %d and the rewritten one %d", q.name, skipped, first1+1, first2)
		}
		for s := uint64(1); s <= 60; s++ {
			if slices.Contains(got, s) == covered[s] {
				t.Errorf("%s: record %d yielded %v, in a skip %v", q.name, s, slices.Contains(got, s), covered[s])
			}
		}
		if !slices.IsSorted(got) {
			t.Errorf("%s: out of order: %v", q.name, got)
		}
	}
	// A caller that stops at the first error stops there.
	n := 0
	for _, err := range r.Query(ctx, llog.Filter{}) {
		if err != nil {
			if !errors.Is(err, llog.ErrSkipped) || !errors.Is(err, llog.ErrCorrupt) {
				t.Fatalf("first error %v: want ErrSkipped and ErrCorrupt", err)
			}
			break
		}
		n++
	}
	if uint64(n) != first1-1 {
		t.Fatalf("%d records before the first skip, want %d", n, first1-1)
	}
}
