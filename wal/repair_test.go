package wal

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lowlightlog/llog/segment"
)

// repairLog writes a log of two segments: batches of 3 and 4 in the first
// (seqs 1..7), then 2, 3, 5 and 1 in the second (seqs 8..18). SegmentSize 1
// rotates before the batch of 2 only.
func repairLog(t *testing.T) (dir string, segs []SegmentInfo) {
	t.Helper()
	dir = t.TempDir()
	var l *Log
	for _, step := range []struct {
		size    int64
		batches []int
	}{{1 << 20, []int{3, 4}}, {1, []int{2}}, {1 << 20, []int{3, 5, 1}}} {
		var err error
		if l, _, err = Open(dir, Options{SegmentSize: step.size, Link: linkOf(0)}); err != nil {
			t.Fatal(err)
		}
		commitN(t, l, step.batches...)
		segs = l.Segments()
		l.Close()
	}
	if len(segs) != 2 {
		t.Fatalf("%d segments", len(segs))
	}
	return dir, segs
}

// partsOf describes a plan's parts as "kept 8-9", "removed 10-12".
func partsOf(sp *SegmentPlan) []string {
	var out []string
	for _, p := range sp.Parts {
		what := "kept"
		if p.Removed {
			what = "removed"
		}
		out = append(out, fmt.Sprintf("%s %d-%d", what, p.First, p.Next-1))
	}
	return out
}

// walkLog reads every segment of the log in dir: the entries' sequence
// numbers (checking each entry's content) and the removals' ranges.
func walkLog(t *testing.T, dir string) (seqs []uint64, removals []string) {
	t.Helper()
	segs, err := ListSegments(nil, dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range segs {
		w, err := OpenWalker(nil, dir, s.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.OnRemoval(func(r Removal) {
			removals = append(removals, fmt.Sprintf("%s %d-%d %q", s.Name, r.From, r.Next-1, r.Payload))
		})
		for {
			e, err := w.Next()
			if err == io.EOF || errors.Is(err, ErrTorn) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", s.Name, err)
			}
			if !bytes.Equal(e.Data, entry(e.Seq)) {
				t.Fatalf("entry %d holds %q", e.Seq, e.Data)
			}
			seqs = append(seqs, e.Seq)
		}
		w.Close()
	}
	return seqs, removals
}

// TestRepair damages the segments of a log in the ways Open or Verify
// refuse, and checks the plan (what it keeps, what it removes) and what
// Apply leaves: a copy equal to the damaged file, a segment that reads
// cleanly with every intact batch at its sequence numbers and a removal
// frame for each damaged run, and a log that opens and continues after the
// highest number the log held.
func TestRepair(t *testing.T) {
	commit := int64(segment.FrameSize(commitSize))
	for _, tc := range []struct {
		name   string
		seg    int // the segment damaged
		damage func(b []byte, offs []int64) []byte
		parts  []string // the plan's parts; nil: no repair
		header bool     // the header is rebuilt
		seqs   []uint64 // the entries after the repair
		next   uint64   // where the log goes on
		link   uint64   // the record the log's link is of, when not next-1
	}{
		{name: "intact", seg: 1, damage: func(b []byte, _ []int64) []byte { return b }, seqs: seqRange(1, 18), next: 19},
		{name: "torn tail", seg: 1, damage: func(b []byte, offs []int64) []byte { return b[:offs[10]+3] }, seqs: seqRange(1, 17), next: 18},
		{name: "entry in the second batch", seg: 1,
			damage: func(b []byte, offs []int64) []byte { b[offs[3]+segment.FrameHeaderSize+2] ^= 1; return b },
			parts:  []string{"kept 8-9", "removed 10-12", "kept 13-18"},
			seqs:   append(seqRange(1, 9), seqRange(13, 18)...), next: 19},
		{name: "first entry", seg: 1,
			damage: func(b []byte, offs []int64) []byte { b[offs[0]+3] ^= 1; return b },
			parts:  []string{"removed 8-9", "kept 10-18"},
			seqs:   append(seqRange(1, 7), seqRange(10, 18)...), next: 19},
		{name: "two damaged batches", seg: 1,
			damage: func(b []byte, offs []int64) []byte {
				b[offs[0]+3] ^= 1
				b[offs[6]+segment.FrameHeaderSize] ^= 1
				return b
			},
			parts: []string{"removed 8-9", "kept 10-12", "removed 13-17", "kept 18-18"},
			seqs:  append(append(seqRange(1, 7), seqRange(10, 12)...), 18), next: 19},
		{name: "commit frame of the first batch", seg: 1,
			// The batch after a damaged commit frame goes too: only its own
			// commit frame says where its entries start.
			damage: func(b []byte, offs []int64) []byte { b[offs[2]-commit+20] ^= 1; return b },
			parts:  []string{"removed 8-12", "kept 13-18"},
			seqs:   append(seqRange(1, 7), seqRange(13, 18)...), next: 19},
		{name: "last batch's entry, its commit intact", seg: 1,
			damage: func(b []byte, offs []int64) []byte { b[offs[10]+segment.FrameHeaderSize+1] ^= 1; return b },
			parts:  []string{"kept 8-17", "removed 18-18"},
			seqs:   seqRange(1, 17), next: 19},
		{name: "entries and every commit after them", seg: 1,
			// No commit frame after the damage says where it ends: every
			// valid entry frame after it, and each damaged run, counts.
			damage: func(b []byte, offs []int64) []byte {
				b[offs[5]+3] ^= 1               // entry 13
				b[offs[10]-commit+20] ^= 1      // the batch of 5's commit
				b[int64(len(b))-commit+20] ^= 1 // the last commit
				return b
			},
			parts: []string{"kept 8-12", "removed 13-20"},
			seqs:  seqRange(1, 12), next: 21, link: 12},
		{name: "header of the newest", seg: 1, header: true,
			damage: func(b []byte, _ []int64) []byte { b[20] ^= 1; return b },
			parts:  []string{"kept 8-18"},
			seqs:   seqRange(1, 18), next: 19},
		{name: "header of the first segment", seg: 0, header: true,
			damage: func(b []byte, _ []int64) []byte { b[40] ^= 1; return b },
			parts:  []string{"kept 1-7"},
			seqs:   seqRange(1, 18), next: 19},
		{name: "entry of a sealed segment", seg: 0,
			damage: func(b []byte, offs []int64) []byte { b[offs[1]+segment.FrameHeaderSize+3] ^= 1; return b },
			parts:  []string{"removed 1-3", "kept 4-7"},
			seqs:   seqRange(4, 18), next: 19},
		{name: "sealed segment cut inside its last batch", seg: 0,
			damage: func(b []byte, offs []int64) []byte { return b[:offs[4]+5] },
			parts:  []string{"kept 1-3", "removed 4-7"},
			seqs:   append(seqRange(1, 3), seqRange(8, 18)...), next: 19},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, segs := repairLog(t)
			path := filepath.Join(dir, segs[tc.seg].Name)
			data := mustRead(t, path)
			damaged := tc.damage(append([]byte(nil), data...), entryOffsets(t, data))
			if err := os.WriteFile(path, damaged, 0o600); err != nil {
				t.Fatal(err)
			}
			p, err := PlanRepair(nil, dir, linkOf(0))
			if err != nil {
				t.Fatal(err)
			}
			if tc.parts == nil {
				if len(p.Segments) != 0 {
					t.Fatalf("a repair of %v", partsOf(p.Segments[0]))
				}
			} else if len(p.Segments) != 1 || p.Segments[0].Segment != segs[tc.seg].Name ||
				!slices.Equal(partsOf(p.Segments[0]), tc.parts) || (p.Segments[0].HeaderDamage != nil) != tc.header {
				t.Fatalf("plan: %d segments, %v", len(p.Segments), partsOf(p.Segments[0]))
			}
			if tc.link == 0 {
				tc.link = tc.next - 1
			}
			if p.Next != tc.next || p.Link != linkOf(tc.link) {
				t.Fatalf("plan goes on at %d", p.Next)
			}
			if now := mustRead(t, path); !bytes.Equal(now, damaged) {
				t.Fatal("PlanRepair changed the segment")
			}
			copies, err := p.Apply(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), func(sp *SegmentPlan, x *Part, copy string) []byte {
				return []byte(fmt.Sprintf("%d-%d from %s", x.First, x.Next-1, copy))
			})
			if err != nil {
				t.Fatal(err)
			}
			if tc.parts == nil {
				if len(copies) != 0 {
					t.Fatalf("copies %v", copies)
				}
			} else {
				if want := segs[tc.seg].Name + ".broken-20260102T030405Z"; len(copies) != 1 || copies[0] != want {
					t.Fatalf("copies %v", copies)
				}
				if b := mustRead(t, filepath.Join(dir, copies[0])); !bytes.Equal(b, damaged) {
					t.Fatal("the copy differs from the damaged segment")
				}
			}
			seqs, removals := walkLog(t, dir)
			if !slices.Equal(seqs, tc.seqs) {
				t.Fatalf("entries after the repair %v", seqs)
			}
			for _, part := range tc.parts {
				var first, last uint64
				if _, err := fmt.Sscanf(part, "removed %d-%d", &first, &last); err == nil {
					want := fmt.Sprintf("%s %d-%d %q", segs[tc.seg].Name, first, last, fmt.Sprintf("%d-%d from %s", first, last, copies[0]))
					if !slices.Contains(removals, want) {
						t.Errorf("removals %v, want %s", removals, want)
					}
				}
			}
			l, rec, err := Open(dir, Options{})
			if err != nil {
				t.Fatalf("Open after Apply: %v", err)
			}
			defer l.Close()
			if (rec.Torn != nil) != (tc.name == "torn tail") || l.NextSeq() != tc.next {
				t.Fatalf("after Apply: torn %v, next %d", rec.Torn, l.NextSeq())
			}
			if again, err := PlanRepair(nil, dir, linkOf(0)); err != nil || len(again.Segments) != 0 {
				t.Fatalf("second plan %v %v", again, err)
			}
		})
	}
}

func TestRepairRefuses(t *testing.T) {
	dir := t.TempDir()
	l, _, _ := Open(dir, Options{})
	commitN(t, l, 2, 2)
	l.Close()
	path := filepath.Join(dir, SegmentName(1))
	data := mustRead(t, path)
	offs := entryOffsets(t, data)
	payload := func(*SegmentPlan, *Part, string) []byte { return []byte("r") }

	// A segment that changed after the plan was made.
	b := append([]byte(nil), data...)
	b[offs[0]+3] ^= 1
	os.WriteFile(path, b, 0o600)
	p, err := PlanRepair(nil, dir, linkOf(0))
	if err != nil || len(p.Segments) != 1 {
		t.Fatal(p, err)
	}
	os.WriteFile(path, append(b, 0), 0o600)
	if _, err := p.Apply(time.Now(), payload); err == nil || !strings.Contains(err.Error(), "plan again") {
		t.Fatalf("Apply after a change: %v", err)
	}

	// A segment of a newer format version.
	b = segment.AppendHeader(nil, segment.Header{First: 1})
	b[8] = segment.Version + 1
	os.WriteFile(path, b, 0o600)
	if _, err := PlanRepair(nil, dir, linkOf(0)); !errors.Is(err, segment.ErrNewerVersion) {
		t.Fatalf("newer version: %v", err)
	}
}

// TestRepairKeepsOlderVersions rewrites a version 1 segment (no checkpoint
// or removal frames) as the current version, so it can hold the removal.
func TestRepairKeepsOlderVersions(t *testing.T) {
	data := mustRead(t, filepath.Join("testdata", "v1", goldenName))
	dir := t.TempDir()
	path := filepath.Join(dir, goldenName)
	offs := entryOffsets(t, data)
	damaged := append([]byte(nil), data...)
	damaged[offs[0]+segment.FrameHeaderSize+1] ^= 1
	if err := os.WriteFile(path, damaged, 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := PlanRepair(nil, dir, linkOf(0))
	if err != nil || len(p.Segments) != 1 {
		t.Fatalf("plan %v %v", p, err)
	}
	if _, err := p.Apply(time.Now(), func(*SegmentPlan, *Part, string) []byte { return []byte("r") }); err != nil {
		t.Fatal(err)
	}
	w, err := OpenWalker(nil, dir, goldenName)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if w.Header().Version != segment.Version {
		t.Fatalf("version %d after the repair", w.Header().Version)
	}
	if err := w.ReadToEnd(); err != nil {
		t.Fatal(err)
	}
}
