package llog_test

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/index"
	"github.com/lowlightlog/llog/segment"
	"github.com/lowlightlog/llog/wal"
)

// buildStore writes 60 records in batches of 5 into segments of 4 KiB and
// returns the folder and its segment names.
func buildStore(t *testing.T) (string, []string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "store")
	// Batches of five records each, whatever the machine's speed: no batch
	// is cut short by MaxBatchDelay (under emulation the committer would
	// otherwise commit a part of one when the producer lags).
	e, err := llog.Open(dir, &llog.Options{DisableRedaction: true, SegmentSize: 4096, MaxBatchRecords: 5, MaxBatchDelay: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 60 {
		in := inf(i)
		in.Response += strings.Repeat(" more words", 20)
		e.Log(ctx, in)
		if i%5 == 4 {
			e.Flush(ctx)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	segs, _ := wal.ListSegments(nil, dir)
	var names []string
	for _, s := range segs {
		names = append(names, s.Name)
	}
	if len(names) < 4 {
		t.Fatalf("only %d segments", len(names))
	}
	return dir, names
}

// frames returns the offsets of the frames of a segment file.
func frames(t *testing.T, path string) []int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := segment.NewReader(bytes.NewReader(b), segment.HeaderSize, int64(len(b)))
	var offs []int64
	for {
		f, err := r.Next()
		if err == io.EOF {
			return offs
		}
		if err != nil {
			t.Fatal(err)
		}
		offs = append(offs, f.Offset)
	}
}

// batches returns, for each committed batch of a segment file up to the
// first frame that does not decode, the offset just after its commit frame
// and its number of entries (0 for a checkpoint alone).
func batches(t *testing.T, path string) (ends []int64, entries []int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := segment.NewReader(bytes.NewReader(b), segment.HeaderSize, int64(len(b)))
	n := 0
	for {
		f, err := r.Next()
		if err != nil {
			return ends, entries // the end, or a torn tail
		}
		switch f.Kind {
		case wal.KindEntry:
			n++
		case wal.KindCommit:
			ends, entries = append(ends, r.Offset()), append(entries, n)
			n = 0
		}
	}
}

// lastRecordBatchEnd returns where the last batch holding records ends in
// a segment file (a checkpoint alone may follow it).
func lastRecordBatchEnd(t *testing.T, path string) int64 {
	t.Helper()
	ends, entries := batches(t, path)
	for i := len(ends) - 1; i >= 0; i-- {
		if entries[i] > 0 {
			return ends[i]
		}
	}
	t.Fatalf("%s holds no record", path)
	return 0
}

func rewrite(t *testing.T, path string, fn func([]byte) []byte) {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, fn(b), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestVerifyTamper damages a store in each way an attacker or a disk can
// and checks that Verify reports the first break at the right place.
func TestVerifyTamper(t *testing.T) {
	tests := []struct {
		name    string
		tamper  func(t *testing.T, dir string, segs []string) (segment string, offset int64)
		reason  string // substring of the first break's reason
		torn    bool   // a torn tail only: OK, reported as such
		anyBody bool   // offset not checked
	}{
		{"untouched", func(*testing.T, string, []string) (string, int64) { return "", 0 }, "", false, false},
		{"byte flipped in a record", func(t *testing.T, dir string, segs []string) (string, int64) {
			p := filepath.Join(dir, segs[1])
			off := frames(t, p)[2]
			rewrite(t, p, func(b []byte) []byte { b[off+segment.FrameHeaderSize+40] ^= 1; return b })
			return segs[1], off
		}, "checksum", false, false},
		{"byte flipped in a frame header", func(t *testing.T, dir string, segs []string) (string, int64) {
			p := filepath.Join(dir, segs[1])
			off := frames(t, p)[1]
			rewrite(t, p, func(b []byte) []byte { b[off+5] ^= 1; return b })
			return segs[1], off
		}, "checksum", false, false},
		{"byte flipped in a segment header", func(t *testing.T, dir string, segs []string) (string, int64) {
			rewrite(t, filepath.Join(dir, segs[2]), func(b []byte) []byte { b[30] ^= 1; return b })
			return segs[2], 0
		}, "damaged header", false, false},
		{"record rewritten with valid checksums", func(t *testing.T, dir string, segs []string) (string, int64) {
			// An attacker who rewrites a record and its frame checksums but
			// cannot recompute the chain.
			p := filepath.Join(dir, segs[1])
			off := frames(t, p)[0]
			rewrite(t, p, func(b []byte) []byte {
				n, _ := segment.PayloadLen(b[off:])
				payload := append([]byte(nil), b[off+segment.FrameHeaderSize:off+segment.FrameHeaderSize+int64(n)]...)
				i := bytes.Index(payload, []byte("Paris"))
				copy(payload[i:], "Lyon!")
				fr, _ := segment.AppendFrame(nil, wal.KindEntry, payload)
				copy(b[off:], fr)
				return b
			})
			return segs[1], off
		}, "digest mismatch", false, false},
		{"record deleted", func(t *testing.T, dir string, segs []string) (string, int64) {
			p := filepath.Join(dir, segs[1])
			offs := frames(t, p)
			rewrite(t, p, func(b []byte) []byte { return append(b[:offs[1]], b[offs[2]:]...) })
			return segs[1], -1
		}, "commit frame does not match", false, true},
		{"two records swapped", func(t *testing.T, dir string, segs []string) (string, int64) {
			p := filepath.Join(dir, segs[1])
			offs := frames(t, p)
			rewrite(t, p, func(b []byte) []byte {
				a := append([]byte(nil), b[offs[0]:offs[1]]...)
				c := append([]byte(nil), b[offs[1]:offs[2]]...)
				out := append([]byte(nil), b[:offs[0]]...)
				out = append(out, c...)
				out = append(out, a...)
				return append(out, b[offs[2]:]...)
			})
			return segs[1], offs[0]
		}, "digest mismatch", false, false},
		{"middle segment removed", func(t *testing.T, dir string, segs []string) (string, int64) {
			os.Remove(filepath.Join(dir, segs[1]))
			return segs[2], 0
		}, "missing records", false, false},
		{"segment duplicated", func(t *testing.T, dir string, segs []string) (string, int64) {
			// A copy of segment 1 under the name of a later sequence number.
			b, _ := os.ReadFile(filepath.Join(dir, segs[1]))
			first, _ := wal.ParseSegmentName(segs[1])
			name := wal.SegmentName(first + 2)
			os.WriteFile(filepath.Join(dir, name), b, 0o600)
			return name, 0
		}, "header does not match file name", false, false},
		{"segment truncated in the middle of the store", func(t *testing.T, dir string, segs []string) (string, int64) {
			p := filepath.Join(dir, segs[1])
			offs := frames(t, p)
			rewrite(t, p, func(b []byte) []byte { return b[:offs[3]+7] })
			return segs[1], -1
		}, "sealed segment ends inside a batch", false, true},
		{"sealed segment cut at a batch boundary", func(t *testing.T, dir string, segs []string) (string, int64) {
			p := filepath.Join(dir, segs[1])
			ends, _ := batches(t, p)
			rewrite(t, p, func(b []byte) []byte { return b[:ends[0]] }) // after the first batch's commit
			return segs[2], 0
		}, "missing records", false, false},
		{"torn tail only", func(t *testing.T, dir string, segs []string) (string, int64) {
			p := filepath.Join(dir, segs[len(segs)-1])
			rewrite(t, p, func(b []byte) []byte { return append(b, make([]byte, 100)...) })
			return "", 0
		}, "", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, segs := buildStore(t)
			wantSeg, wantOff := tt.tamper(t, dir, segs)
			rep, err := llog.Verify(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			if tt.reason == "" {
				if !rep.OK || len(rep.Breaks) != 0 {
					t.Fatalf("untampered store: %+v", rep.Breaks)
				}
				if (rep.TornTail != nil) != tt.torn {
					t.Fatalf("torn tail = %+v", rep.TornTail)
				}
				if rep.Records != 60 || rep.FirstSeq != 1 || rep.LastSeq != 60 {
					t.Fatalf("report %+v", rep)
				}
				return
			}
			if rep.OK || len(rep.Breaks) == 0 {
				t.Fatalf("tampering not detected: %+v", rep)
			}
			b := rep.Breaks[0]
			if b.Segment != wantSeg || (!tt.anyBody && b.Offset != wantOff) || !strings.Contains(b.Reason, tt.reason) {
				t.Fatalf("first break %v; want segment %s offset %d reason %q", b, wantSeg, wantOff, tt.reason)
			}
			if b.Seq == 0 {
				t.Fatalf("break without a seq: %v", b)
			}
			t.Log(b)
		})
	}
}

func TestVerifyMissingStore(t *testing.T) {
	if _, err := llog.Verify(ctx, filepath.Join(t.TempDir(), "nothing")); err == nil {
		t.Fatal("Verify of a missing folder succeeded")
	}
}

func TestVerifyChecksTheIndex(t *testing.T) {
	e, dir := writeIndexed(t, 800, llog.Options{})
	// While the engine runs, Verify compares against nothing or the
	// snapshot; after Close, against index.db itself.
	e.Close()
	rep := mustVerify(t, dir)
	if rep.Index == nil || !rep.Index.Checked || rep.Index.Source != "index.db" || rep.Index.Blocks == 0 || rep.Index.Mark != 800 {
		t.Fatalf("index report %+v", rep.Index)
	}
	// A block that lies about its records.
	x, err := index.Open(filepath.Join(dir, "index.db"), storeID(t, dir), nil)
	if err != nil {
		t.Fatal(err)
	}
	bs, _ := x.Blocks(100, 1000, false, 1)
	bad := bs[0]
	bad.Models = []string{"not-in-the-log"}
	if err := x.Apply(&index.Checkpoint{Blocks: []index.Block{bad}, Mark: index.Mark{Seq: 800, Next: index.Pos{}}}); err != nil {
		t.Fatal(err)
	}
	x.Close()
	rep, err = llog.Verify(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK || rep.Index.Problems != 1 || !strings.Contains(rep.Breaks[0].Reason, "index: block at seq") {
		t.Fatalf("report %+v %v", rep.Index, rep.Breaks)
	}
	// Deleting the index and reopening rebuilds a correct one.
	os.Remove(filepath.Join(dir, "index.db"))
	e, err = llog.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.Close()
	if rep := mustVerify(t, dir); rep.Index.Problems != 0 || rep.Index.Mark != 800 {
		t.Fatalf("after rebuild %+v", rep.Index)
	}
}

func storeID(t *testing.T, dir string) []byte {
	r, err := llog.OpenReader(dir)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := hex.DecodeString(r.StoreID())
	return id
}

// TestVerifyGoesOnAfterDamage checks that a damaged batch hides only
// itself: verification resumes at the next commit frame, counts the rest
// of the store and reports a second, independent break too.
func TestVerifyGoesOnAfterDamage(t *testing.T) {
	dir, segs := buildStore(t)
	p := filepath.Join(dir, segs[1])
	offs := frames(t, p)
	rewrite(t, p, func(b []byte) []byte {
		b[offs[1]+segment.FrameHeaderSize+50] ^= 1 // first batch of the segment
		b[offs[8]+segment.FrameHeaderSize+50] ^= 1 // second batch (frames 7..12: the first has a checkpoint frame)
		return b
	})
	rep, err := llog.Verify(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK || rep.BreakCount != 2 || rep.Breaks[0].Offset != offs[1] || rep.Breaks[1].Offset != offs[8] {
		t.Fatalf("breaks: %v", rep.Breaks)
	}
	// Two batches of five records are unreadable; everything else counts.
	if rep.Records != 50 || rep.LastSeq != 60 {
		t.Fatalf("records %d last %d", rep.Records, rep.LastSeq)
	}
}

// TestLostAcknowledgedRecords holds verification to one rule for lost
// acknowledged records, over the ways the end of a log can be cut: when the
// store holds evidence that records were committed (here the index, which
// saw all 60) and they are gone, verification fails with one break saying
// how many and where, whether the cut fell on a batch boundary or inside a
// batch (a torn tail by structure); bytes beyond everything ever
// acknowledged are a torn tail and verify. Without the evidence (index.db
// deleted) a cut is indistinguishable from a crash: it verifies.
func TestLostAcknowledgedRecords(t *testing.T) {
	lastRecords := func(ends []int64, entries []int) (i int) {
		for i = len(ends) - 1; entries[i] == 0; i-- {
		}
		return i
	}
	keep := func(n int64) func([]byte) []byte { return func(b []byte) []byte { return b[:n] } }
	tests := []struct {
		name string
		cut  func(t *testing.T, path string) func([]byte) []byte
		lost uint64 // records lost; 0: the store verifies
		torn bool
	}{
		{"nothing cut", func(*testing.T, string) func([]byte) []byte { return func(b []byte) []byte { return b } }, 0, false},
		{"a partial frame appended", func(*testing.T, string) func([]byte) []byte {
			return func(b []byte) []byte { return append(b, b[segment.HeaderSize:segment.HeaderSize+40]...) }
		}, 0, true},
		{"zeros appended", func(*testing.T, string) func([]byte) []byte {
			return func(b []byte) []byte { return append(b, make([]byte, 4096)...) }
		}, 0, true},
		{"at the batch boundary before the last batch", func(t *testing.T, path string) func([]byte) []byte {
			ends, entries := batches(t, path)
			return keep(ends[lastRecords(ends, entries)-1])
		}, 5, false},
		{"the newest segment deleted", func(t *testing.T, path string) func([]byte) []byte { return nil }, 10, false},
		{"inside a record of the last batch", func(t *testing.T, path string) func([]byte) []byte {
			ends, entries := batches(t, path)
			return keep(ends[lastRecords(ends, entries)] - 200)
		}, 5, true},
		{"inside the last batch's commit frame", func(t *testing.T, path string) func([]byte) []byte {
			ends, entries := batches(t, path)
			return keep(ends[lastRecords(ends, entries)] - 10)
		}, 5, true},
		{"just before the last batch's commit frame", func(t *testing.T, path string) func([]byte) []byte {
			ends, entries := batches(t, path)
			return keep(ends[lastRecords(ends, entries)] - int64(segment.FrameHeaderSize) - 44)
		}, 5, true},
		{"to the segment header", func(t *testing.T, path string) func([]byte) []byte {
			return keep(segment.HeaderSize)
		}, 10, false},
		{"to the segment header and a partial frame", func(t *testing.T, path string) func([]byte) []byte {
			return keep(segment.HeaderSize + 30)
		}, 10, true},
	}
	for _, tt := range tests {
		for _, withIndex := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/index %v", tt.name, withIndex), func(t *testing.T) {
				dir, segs := buildStore(t)
				last := filepath.Join(dir, segs[len(segs)-1])
				first, _ := wal.ParseSegmentName(segs[len(segs)-1])
				wantSeg := segs[len(segs)-1]
				if strings.Contains(tt.name, "segment header") || strings.Contains(tt.name, "deleted") {
					if n := 60 - first + 1; n != tt.lost {
						t.Fatalf("the newest segment holds %d records, the table says %d", n, tt.lost)
					}
				}
				if fn := tt.cut(t, last); fn != nil {
					rewrite(t, last, fn)
				} else {
					os.Remove(last)
					wantSeg = segs[len(segs)-2]
				}
				if !withIndex {
					os.Remove(filepath.Join(dir, "index.db"))
				}
				rep, err := llog.Verify(ctx, dir)
				if err != nil {
					t.Fatal(err)
				}
				if (rep.TornTail != nil) != tt.torn {
					t.Errorf("torn tail %+v, want %v", rep.TornTail, tt.torn)
				}
				if tt.lost == 0 || !withIndex {
					if !rep.OK {
						t.Fatalf("does not verify: %v", rep.Breaks)
					}
					return
				}
				if rep.OK || rep.BreakCount != 1 {
					t.Fatalf("want one break, got %v", rep.Breaks)
				}
				b := rep.Breaks[0]
				want := fmt.Sprintf("acknowledged records lost: index.db had seen records %d to 60 committed (%d), and the log ends at seq %d",
					61-tt.lost, tt.lost, 60-tt.lost)
				if b.Segment != wantSeg || b.Seq != 61-tt.lost || !strings.HasPrefix(b.Reason, want) {
					t.Fatalf("break %v\nwant in %s at seq %d: %s", b, wantSeg, 61-tt.lost, want)
				}
				if tt.torn && (rep.TornTail.IndexedRecords != tt.lost || b.Offset != rep.TornTail.Offset) {
					t.Fatalf("torn tail %+v, break at offset %d", rep.TornTail, b.Offset)
				}
			})
		}
	}
}

// TestVerifyStoreCreationCutShort: a first Open stopped after the manifest
// and before the first segment leaves an empty store, which verifies; a
// store whose segments were all deleted does not.
func TestVerifyStoreCreationCutShort(t *testing.T) {
	e, dir := open(t, nil)
	e.Close()
	os.Remove(filepath.Join(dir, wal.SegmentName(1)))
	os.Remove(filepath.Join(dir, "index.db"))
	rep := mustVerify(t, dir)
	if rep.Records != 0 {
		t.Fatalf("report %+v", rep)
	}
	dir2, segs := buildStore(t)
	for _, s := range segs {
		os.Remove(filepath.Join(dir2, s))
	}
	rep, err := llog.Verify(ctx, dir2)
	if err != nil || rep.OK {
		t.Fatalf("a store with every segment deleted verifies: %+v %v", rep, err)
	}
	// The next Open completes the empty store.
	e, err = llog.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.Close()
}
