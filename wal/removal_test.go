package wal

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lowlightlog/llog/segment"
)

// commitRemoval commits a removal frame holding payload alone; next is the
// sequence number the next entry takes (0: the log's next). Its commit
// frame carries the link of the log (linkOf(next-1) when it moves the log).
func commitRemoval(t *testing.T, l *Log, next uint64, payload string) CommitInfo {
	t.Helper()
	var b Batch
	if err := b.SetRemoval([]byte(payload), next); err != nil {
		t.Fatal(err)
	}
	link := l.Link()
	if next != 0 {
		link = linkOf(next - 1)
	}
	info, err := l.Commit(&b, link)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// walkRemovals reads a segment file, returning its entries' sequence
// numbers, its removals and how it ends.
func walkRemovals(t *testing.T, path string) ([]uint64, []Removal, error) {
	t.Helper()
	data := mustRead(t, path)
	w, err := NewWalker(filepath.Base(path), bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, nil, err
	}
	var rms []Removal
	w.OnRemoval(func(r Removal) {
		r.Payload = append([]byte(nil), r.Payload...)
		rms = append(rms, r)
	})
	var seqs []uint64
	for {
		e, err := w.Next()
		if err != nil {
			return seqs, rms, err
		}
		seqs = append(seqs, e.Seq)
	}
}

// TestRemovalFrames: a removal alone keeps the sequence numbers going; one
// that moves them forward leaves a gap that the walker reports with the
// removal, Open resumes after it, and ReadEntries reads runs around both.
func TestRemovalFrames(t *testing.T) {
	dir := t.TempDir()
	l, _, err := Open(dir, Options{Link: linkOf(0)})
	if err != nil {
		t.Fatal(err)
	}
	commitN(t, l, 3)
	plain := commitRemoval(t, l, 0, "retention")
	commitN(t, l, 2)
	gap := commitRemoval(t, l, 10, "repair")
	if l.NextSeq() != 10 || l.Link() != linkOf(9) {
		t.Fatalf("after a removal to 10: next %d", l.NextSeq())
	}
	commitN(t, l, 2)
	// A removal cannot move the log back.
	var b Batch
	b.SetRemoval([]byte("back"), 5)
	if _, err := l.Commit(&b, linkOf(4)); err == nil || l.Err() != nil {
		t.Fatalf("a removal moving back: %v, sticky %v", err, l.Err())
	}
	l.Close()
	path := filepath.Join(dir, SegmentName(1))
	seqs, rms, err := walkRemovals(t, path)
	if err != io.EOF || !equalSeqs(seqs, []uint64{1, 2, 3, 4, 5, 10, 11}) {
		t.Fatalf("walk: %v %v", seqs, err)
	}
	if len(rms) != 2 || rms[0].From != 4 || rms[0].Next != 4 || string(rms[0].Payload) != "retention" || rms[0].Offset != plain.Offset ||
		rms[1].From != 6 || rms[1].Next != 10 || rms[1].Link != linkOf(9) || string(rms[1].Payload) != "repair" || rms[1].Offset != gap.Offset {
		t.Fatalf("removals %+v", rms)
	}
	var got []Removal
	l, _, err = Open(dir, Options{OnRecoverRemoval: func(r Removal) { got = append(got, r) }})
	if err != nil {
		t.Fatal(err)
	}
	if l.NextSeq() != 12 || len(got) != 2 {
		t.Fatalf("reopened: next %d, removals %d", l.NextSeq(), len(got))
	}
	l.Close()
	// ReadEntries reads a run across a removal that keeps the numbers.
	w, err := OpenWalker(nil, dir, SegmentName(1))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var run []uint64
	first := frameOffsets(t, path)[0]
	if err := w.ReadEntries(first, 1, 5, func(seq uint64, _ int64, data []byte) error {
		if !bytes.Equal(data, entry(seq)) {
			t.Fatalf("entry %d: %q", seq, data)
		}
		run = append(run, seq)
		return nil
	}); err != nil || !equalSeqs(run, seqRange(1, 5)) {
		t.Fatalf("run across a removal: %v %v", run, err)
	}
}

// frameOffsets returns the offsets of the frames of a segment file.
func frameOffsets(t *testing.T, path string) []int64 {
	t.Helper()
	data := mustRead(t, path)
	r := segment.NewReader(bytes.NewReader(data), segment.HeaderSize, int64(len(data)))
	var offs []int64
	for {
		f, err := r.Next()
		if err != nil {
			return offs
		}
		offs = append(offs, f.Offset)
	}
}

// TestMisplacedRemovalIsCorrupt: a removal frame shares its batch with
// nothing but a checkpoint after it, its commit frame holds no entry and
// never moves the numbers back, and a segment of a version before removals
// holds none. Anything else is corruption.
func TestMisplacedRemovalIsCorrupt(t *testing.T) {
	frame := func(kind segment.Kind, payload []byte) []byte {
		b, err := segment.AppendFrame(nil, kind, payload)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	commit := func(first uint64, count uint32) []byte {
		b, err := appendCommit(nil, commit{first: first, count: count, link: linkOf(first + uint64(count) - 1)})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	rm := frame(KindRemoval, []byte("r"))
	ck := frame(KindCheckpoint, []byte("c"))
	e1 := frame(KindEntry, entry(1))
	tests := []struct {
		name    string
		version uint16
		body    [][]byte
		reason  string // "" for a segment that reads
	}{
		{"removal, checkpoint, commit", segment.Version, [][]byte{rm, ck, commit(1, 0)}, ""},
		{"removal moving forward", segment.Version, [][]byte{rm, commit(7, 0), e1[:0], frame(KindEntry, entry(7)), commit(7, 1)}, ""},
		{"entry after a removal", segment.Version, [][]byte{rm, e1, commit(1, 1)}, "an entry follows the removal"},
		{"removal after an entry", segment.Version, [][]byte{e1, rm, commit(1, 1)}, "not the first frame"},
		{"removal after a checkpoint", segment.Version, [][]byte{ck, rm, commit(1, 0)}, "not the first frame"},
		{"two removals", segment.Version, [][]byte{rm, rm, commit(1, 0)}, "not the first frame"},
		{"commit of entries after a removal", segment.Version, [][]byte{e1, commit(1, 1), rm, commit(2, 1)}, "after a removal"},
		{"removal moving back", segment.Version, [][]byte{e1, commit(1, 1), rm, commit(1, 0)}, "after a removal"},
		{"removal in a version 2 segment", 2, [][]byte{rm, commit(1, 0)}, "kind 4 in a version 2 segment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := segment.AppendHeader(nil, segment.Header{Version: tt.version, First: 1, Link: linkOf(0)})
			for _, b := range tt.body {
				data = append(data, b...)
			}
			path := filepath.Join(t.TempDir(), goldenName)
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			_, _, err := walkRemovals(t, path)
			if tt.reason == "" {
				if err != io.EOF {
					t.Fatalf("does not read: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tt.reason) {
				t.Fatalf("err %v, want corruption: %s", err, tt.reason)
			}
		})
	}
}

func TestReadsVersion2(t *testing.T) {
	// The log version 2 wrote (checkpoints, no removals) reads as it did,
	// and a log that goes on after it starts a new segment.
	data := mustRead(t, filepath.Join("testdata", "v2", goldenName))
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, goldenName), data, 0o600); err != nil {
		t.Fatal(err)
	}
	seqs, cks, err := walkCheckpoints(t, filepath.Join(dir, goldenName))
	if err != io.EOF || !equalSeqs(seqs, seqRange(1, 6)) || len(cks) != 2 {
		t.Fatalf("walk: %v %v %v", seqs, cks, err)
	}
	l, _, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	info := commitRemoval(t, l, 0, "r")
	l.Close()
	if !info.Rotated || info.Segment != SegmentName(7) {
		t.Fatalf("a removal after version 2: %+v", info)
	}
}
