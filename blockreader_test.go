package llog

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lowlightlog/llog/index"
	"github.com/lowlightlog/llog/internal/vfs"
	"github.com/lowlightlog/llog/segment"
	"github.com/lowlightlog/llog/wal"
)

// TestBlockReaderSwitchesSegments reads a block of one segment and then a
// block of another segment that starts at the very offset the first read
// stopped at: the reader must read the second file, not carry on in the
// first.
func TestBlockReaderSwitchesSegments(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "s")
	e, err := Open(dir, &Options{DisableRedaction: true, SegmentSize: 4096, MaxBatchRecords: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		// Equal sizes, so records sit at the same offsets in every segment.
		if _, err := e.LogSync(context.Background(), Inference{Model: "m", Prompt: strings.Repeat("x", 900), TokensIn: 1, TokensOut: 1, Time: timeZero(i)}); err != nil {
			t.Fatal(err)
		}
	}
	segs := e.log.Segments()
	e.Close()
	if len(segs) < 3 {
		t.Fatalf("%d segments", len(segs))
	}
	a, b := segs[0], segs[1]
	perSeg := b.First - a.First
	// The second frame of each segment (one commit frame after the first).
	frameAt := func(s wal.SegmentInfo, n int) int64 {
		f, _ := vfs.Default.Open(filepath.Join(dir, s.Name))
		defer f.Close()
		size, _ := f.Size()
		r := segment.NewReader(f, segment.HeaderSize, size)
		seen := 0
		for {
			fr, err := r.Next()
			if err != nil {
				t.Fatal(err)
			}
			if fr.Kind == wal.KindEntry {
				if seen == n {
					return fr.Offset
				}
				seen++
			}
		}
	}
	br := blockReader{fs: vfs.Default, dir: dir}
	defer br.close()
	var got []uint64
	collect := func(seq uint64, _ int64, entry []byte) error { got = append(got, seq); return nil }
	// Block 1: the first record of segment a. The reader stops right after
	// it, 60 bytes (a commit frame) before where the second record starts.
	if err := br.read(index.Block{First: a.First, Count: 1, Pos: index.Pos{Segment: a.First, Offset: frameAt(a, 0)}}, collect); err != nil {
		t.Fatal(err)
	}
	// Block 2: the second record of segment b, at the same offset as the
	// second record of segment a.
	if err := br.read(index.Block{First: b.First + 1, Count: 1, Pos: index.Pos{Segment: b.First, Offset: frameAt(b, 1)}}, collect); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1] != b.First+1 || perSeg < 2 {
		t.Fatalf("read %v", got)
	}
	// And the record read is segment b's, not segment a's second record.
	var body []byte
	br2 := blockReader{fs: vfs.Default, dir: dir}
	defer br2.close()
	br2.read(index.Block{First: a.First, Count: 1, Pos: index.Pos{Segment: a.First, Offset: frameAt(a, 0)}}, func(uint64, int64, []byte) error { return nil })
	br2.read(index.Block{First: b.First + 1, Count: 1, Pos: index.Pos{Segment: b.First, Offset: frameAt(b, 1)}}, func(_ uint64, _ int64, entry []byte) error {
		body = append([]byte(nil), entry[hashSize:]...)
		return nil
	})
	var r Record
	if err := decodeRecord(body, &r); err != nil {
		t.Fatal(err)
	}
	if !r.Time.Equal(timeZero(int(b.First))) {
		t.Fatalf("read record with time %v, want the one of seq %d", r.Time, b.First+1)
	}
}

// timeZero gives record i (0-based) a distinct time: seq i+1 has timeZero(i).
func timeZero(i int) (t time.Time) { return time.Unix(int64(1_700_000_000+i), 0).UTC() }
