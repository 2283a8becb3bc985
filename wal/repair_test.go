package wal

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lowlightlog/llog/segment"
)

// TestRepair damages the newest segment of a log in the ways Open refuses
// or accepts, and checks the plan (where it cuts, what it says survives
// after the damage) and what Apply leaves: a copy equal to the damaged file,
// the segment cut at the plan's offset, a log that opens and continues at
// the plan's next sequence number.
func TestRepair(t *testing.T) {
	build := func(t *testing.T) (dir string, segs []SegmentInfo) {
		dir = t.TempDir()
		// Batches of 3 and 4 in the first segment, then 2, 3, 5 and 1 in
		// the second: SegmentSize 1 rotates before the batch of 2 only.
		var l *Log
		for _, step := range []struct {
			size    int64
			batches []int
		}{{1 << 20, []int{3, 4}}, {1, []int{2}}, {1 << 20, []int{3, 5, 1}}} {
			var err error
			if l, _, err = Open(dir, Options{SegmentSize: step.size}); err != nil {
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
	// The newest segment (seqs 8..18) holds batches of 2, 3, 5 and 1.
	commit := int64(segment.FrameSize(commitSize))
	for _, tc := range []struct {
		name    string
		damage  func(b []byte, offs []int64) []byte
		plan    bool // a repair is needed
		cutAt   int  // index of the entry the cut is before; -1: header
		next    uint64
		later   []Span // First and Last of the later spans
		emptied bool
	}{
		{name: "intact", damage: func(b []byte, _ []int64) []byte { return b }},
		{name: "torn tail", damage: func(b []byte, offs []int64) []byte { return b[:offs[10]+3] }},
		{name: "entry in the second batch", plan: true, cutAt: 2, next: 10,
			damage: func(b []byte, offs []int64) []byte { b[offs[3]+segment.FrameHeaderSize+2] ^= 1; return b },
			later:  []Span{{First: 13, Last: 18}}},
		{name: "first entry", plan: true, cutAt: 0, next: 8,
			damage: func(b []byte, offs []int64) []byte { b[offs[0]+3] ^= 1; return b },
			later:  []Span{{First: 10, Last: 18}}},
		{name: "two damaged batches", plan: true, cutAt: 0, next: 8,
			damage: func(b []byte, offs []int64) []byte {
				b[offs[0]+3] ^= 1
				b[offs[6]+segment.FrameHeaderSize] ^= 1
				return b
			},
			later: []Span{{First: 10, Last: 12}, {First: 18, Last: 18}}},
		{name: "commit frame of the first batch", plan: true, cutAt: 0, next: 8,
			damage: func(b []byte, offs []int64) []byte { b[offs[2]-commit+20] ^= 1; return b },
			later:  []Span{{First: 13, Last: 18}}},
		{name: "header", plan: true, cutAt: -1, next: 8,
			damage: func(b []byte, _ []int64) []byte { b[20] ^= 1; return b }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, segs := build(t)
			path := filepath.Join(dir, segs[1].Name)
			data, _ := os.ReadFile(path)
			offs := entryOffsets(t, data)
			damaged := tc.damage(append([]byte(nil), data...), offs)
			os.WriteFile(path, damaged, 0o600)

			p, err := PlanRepair(nil, dir)
			if err != nil {
				t.Fatal(err)
			}
			if (p != nil) != tc.plan {
				t.Fatalf("plan %+v", p)
			}
			if p == nil {
				return
			}
			cut := int64(0)
			if tc.cutAt >= 0 {
				cut = offs[tc.cutAt]
			}
			var later []Span
			for _, s := range p.Later {
				later = append(later, Span{First: s.First, Last: s.Last})
				if s.Offset != offs[s.First-8] || (s.Last < 18 && s.End != offs[s.Last-7]) || (s.Last == 18 && s.End != int64(len(data))) {
					t.Fatalf("span %+v does not match the batches' offsets", s)
				}
			}
			if p.Segment != segs[1].Name || p.Cut != cut || p.Next != tc.next || p.Emptied != tc.emptied ||
				!reflect.DeepEqual(later, tc.later) || p.Size != int64(len(damaged)) || !errors.Is(p.Damage, ErrCorrupt) {
				t.Fatalf("plan %+v", p)
			}
			if tc.cutAt >= 0 && p.Link != linkOf(tc.next-1) {
				t.Fatalf("plan link %x", p.Link)
			}
			// Planning changed nothing.
			if now, _ := os.ReadFile(path); !bytes.Equal(now, damaged) {
				t.Fatal("PlanRepair changed the segment")
			}

			backup, err := p.Apply(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			if backup != segs[1].Name+".broken-20260102T030405Z" {
				t.Fatalf("backup %s", backup)
			}
			if b, _ := os.ReadFile(filepath.Join(dir, backup)); !bytes.Equal(b, damaged) {
				t.Fatal("the copy differs from the damaged segment")
			}
			if cut == 0 {
				if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
					t.Fatal("the unreadable segment is still there")
				}
			} else if b, _ := os.ReadFile(path); !bytes.Equal(b, data[:cut]) {
				t.Fatalf("segment is %d bytes, want the first %d of the original", len(b), cut)
			}
			l, rec, err := Open(dir, Options{})
			if err != nil {
				t.Fatalf("Open after Apply: %v", err)
			}
			defer l.Close()
			if rec.Torn != nil || l.NextSeq() != tc.next {
				t.Fatalf("after Apply: torn %v, next %d", rec.Torn, l.NextSeq())
			}
			if again, err := PlanRepair(nil, dir); again != nil || err != nil {
				t.Fatalf("second plan %+v %v", again, err)
			}
		})
	}
}

func TestRepairSoleSegmentHeader(t *testing.T) {
	dir := t.TempDir()
	l, _, _ := Open(dir, Options{})
	commitN(t, l, 2)
	l.Close()
	path := filepath.Join(dir, SegmentName(1))
	b, _ := os.ReadFile(path)
	b[30] ^= 1
	os.WriteFile(path, b, 0o600)
	p, err := PlanRepair(nil, dir)
	if err != nil || p == nil || !p.Emptied || p.Cut != 0 {
		t.Fatalf("plan %+v %v", p, err)
	}
}

func TestRepairRefuses(t *testing.T) {
	dir := t.TempDir()
	l, _, _ := Open(dir, Options{})
	commitN(t, l, 2, 2)
	l.Close()
	path := filepath.Join(dir, SegmentName(1))
	data, _ := os.ReadFile(path)
	offs := entryOffsets(t, data)

	// A segment that changed after the plan was made.
	b := append([]byte(nil), data...)
	b[offs[0]+3] ^= 1
	os.WriteFile(path, b, 0o600)
	p, err := PlanRepair(nil, dir)
	if err != nil || p == nil {
		t.Fatal(p, err)
	}
	os.WriteFile(path, append(b, 0), 0o600)
	if _, err := p.Apply(time.Now()); err == nil || !strings.Contains(err.Error(), "plan again") {
		t.Fatalf("Apply after a change: %v", err)
	}

	// A segment of a newer format version.
	b = segment.AppendHeader(nil, segment.Header{First: 1})
	b[8] = segment.Version + 1
	os.WriteFile(path, b, 0o600)
	if p, err := PlanRepair(nil, dir); p != nil || !errors.Is(err, segment.ErrNewerVersion) {
		t.Fatalf("newer version: %+v %v", p, err)
	}
}
