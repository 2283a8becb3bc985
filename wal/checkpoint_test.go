package wal

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/lowlightlog/llog/segment"
)

// walkCheckpoints walks the segment file at path and returns its entries'
// sequence numbers, the checkpoints met (payloads copied) and the final
// error.
func walkCheckpoints(t *testing.T, path string) ([]uint64, []Checkpoint, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewWalker(filepath.Base(path), bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, nil, err
	}
	var cks []Checkpoint
	w.OnCheckpoint(func(c Checkpoint) {
		c.Payload = append([]byte(nil), c.Payload...)
		cks = append(cks, c)
	})
	var seqs []uint64
	for {
		e, err := w.Next()
		if err != nil {
			return seqs, cks, err
		}
		seqs = append(seqs, e.Seq)
	}
}

func TestCheckpointFrames(t *testing.T) {
	dir := t.TempDir()
	l, _, err := Open(dir, Options{Link: linkOf(0)})
	if err != nil {
		t.Fatal(err)
	}
	commitN(t, l, 2)
	a := commitCheckpoint(t, l, 3, "after 5")
	b := commitCheckpoint(t, l, 0, "alone at 5")
	commitN(t, l, 1)
	if a.First != 3 || b.First != 6 || l.NextSeq() != 7 || l.Link() != linkOf(6) {
		t.Fatalf("commits: %+v %+v next %d", a, b, l.NextSeq())
	}
	l.Close()

	path := filepath.Join(dir, SegmentName(1))
	seqs, cks, err := walkCheckpoints(t, path)
	if err != io.EOF || !equalSeqs(seqs, seqRange(1, 6)) {
		t.Fatalf("walk: %v, %v", seqs, err)
	}
	want := []Checkpoint{
		{BatchOffset: a.Offset, First: 3, Count: 3, Payload: []byte("after 5")},
		{BatchOffset: b.Offset, Offset: b.Offset, First: 6, Count: 0, Payload: []byte("alone at 5")},
	}
	if len(cks) != 2 {
		t.Fatalf("checkpoints: %+v", cks)
	}
	for i, c := range cks {
		w := want[i]
		if c.BatchOffset != w.BatchOffset || c.First != w.First || c.Count != w.Count || string(c.Payload) != string(w.Payload) {
			t.Errorf("checkpoint %d = %+v, want %+v", i, c, w)
		}
	}
	if cks[0].Offset <= a.Offset || cks[1].Offset != b.Offset {
		t.Errorf("checkpoint offsets %d %d, batches at %d %d", cks[0].Offset, cks[1].Offset, a.Offset, b.Offset)
	}

	// Recovery reports the last checkpoint; the log goes on after it.
	l, rec, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Checkpoint == nil || string(rec.Checkpoint.Payload) != "alone at 5" || rec.Checkpoint.First != 6 || rec.Segment != SegmentName(1) {
		t.Fatalf("recovery checkpoint %+v", rec.Checkpoint)
	}
	commitN(t, l, 2)
	l.Close()

	// ReadEntries reads runs across checkpoint frames and checkpoint-only
	// batches.
	w, err := OpenWalker(nil, dir, SegmentName(1))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var got []uint64
	collect := func(seq uint64, off int64, data []byte) error {
		if !bytes.Equal(data, entry(seq)) {
			t.Fatalf("seq %d: %q", seq, data)
		}
		got = append(got, seq)
		return nil
	}
	offs := entryOffsets(t, mustRead(t, path))
	if err := w.ReadEntries(offs[0], 1, 4, collect); err != nil {
		t.Fatal(err)
	}
	if err := w.ReadEntries(offs[4], 5, 4, collect); err != nil {
		t.Fatal(err)
	}
	if !equalSeqs(got, seqRange(1, 8)) {
		t.Fatalf("ReadEntries: %v", got)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCheckpointTornWithItsBatch(t *testing.T) {
	// A batch whose write was cut anywhere loses its checkpoint with it;
	// the checkpoint before it is what recovery reports.
	dir := t.TempDir()
	l, _, err := Open(dir, Options{Link: linkOf(0)})
	if err != nil {
		t.Fatal(err)
	}
	commitCheckpoint(t, l, 2, "first")
	last := commitCheckpoint(t, l, 2, "second")
	l.Close()
	path := filepath.Join(dir, SegmentName(1))
	data := mustRead(t, path)
	for cut := last.Offset + 1; cut < int64(len(data)); cut += 7 {
		if err := os.WriteFile(path, data[:cut], 0o600); err != nil {
			t.Fatal(err)
		}
		l, rec, err := Open(dir, Options{})
		if err != nil {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		l.Close()
		if rec.Torn == nil || rec.Checkpoint == nil || string(rec.Checkpoint.Payload) != "first" {
			t.Fatalf("cut at %d: torn %v checkpoint %+v", cut, rec.Torn, rec.Checkpoint)
		}
	}
}

func TestMisplacedCheckpointIsCorrupt(t *testing.T) {
	hdr := func(version uint16) []byte {
		return segment.AppendHeader(nil, segment.Header{Version: version, First: 1, Link: linkOf(0)})
	}
	frame := func(b []byte, k segment.Kind, p []byte) []byte {
		b, _ = segment.AppendFrame(b, k, p)
		return b
	}
	cm := func(b []byte, first uint64, count uint32) []byte {
		b, _ = appendCommit(b, commit{first: first, count: count, link: linkOf(first + uint64(count) - 1)})
		return b
	}
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"checkpoint in a version 1 segment", cm(frame(frame(hdr(1), KindEntry, entry(1)), KindCheckpoint, []byte("c")), 1, 1), ErrMisplacedCheckpoint},
		{"entry after the checkpoint", cm(frame(frame(frame(hdr(2), KindEntry, entry(1)), KindCheckpoint, []byte("c")), KindEntry, entry(2)), 1, 2), ErrMisplacedCheckpoint},
		{"two checkpoints", cm(frame(frame(frame(hdr(2), KindEntry, entry(1)), KindCheckpoint, []byte("c")), KindCheckpoint, []byte("d")), 1, 1), ErrMisplacedCheckpoint},
		{"empty batch without checkpoint", cm(cm(frame(hdr(2), KindEntry, entry(1)), 1, 1), 2, 0), ErrCommitMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, SegmentName(1)), tt.data, 0o600); err != nil {
				t.Fatal(err)
			}
			_, _, err := Open(dir, Options{})
			if !errors.Is(err, ErrCorrupt) || !errors.Is(err, tt.want) {
				t.Fatalf("Open = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestReadsVersion1(t *testing.T) {
	// The log version 1 wrote reads as it did, and a log that goes on
	// after it starts a new segment of the current version.
	data := mustRead(t, filepath.Join("testdata", "v1", goldenName))
	dir := t.TempDir()
	path := filepath.Join(dir, goldenName)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	seqs, cks, err := walkCheckpoints(t, path)
	if err != io.EOF || !equalSeqs(seqs, seqRange(1, 6)) || len(cks) != 0 {
		t.Fatalf("walk: %v %v %v", seqs, cks, err)
	}
	l, _, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !l.Rotates(new(Batch)) {
		t.Fatal("a version 1 active segment does not rotate")
	}
	info := commitCheckpoint(t, l, 1, "c")
	l.Close()
	if !info.Rotated || info.Segment != SegmentName(7) {
		t.Fatalf("commit after version 1: %+v", info)
	}
	if got := mustRead(t, path); !bytes.Equal(got, data) {
		t.Fatal("the version 1 segment changed")
	}
	w, err := OpenWalker(nil, dir, SegmentName(7))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if w.Header().Version != segment.Version {
		t.Fatalf("new segment version %d", w.Header().Version)
	}

	// A header-only version 1 segment is replaced by one of the current
	// version with the same name.
	dir = t.TempDir()
	empty := segment.AppendHeader(nil, segment.Header{Version: 1, First: 1, Link: linkOf(0)})
	if err := os.WriteFile(filepath.Join(dir, goldenName), empty, 0o600); err != nil {
		t.Fatal(err)
	}
	l, _, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	commitCheckpoint(t, l, 2, "c")
	if segs := l.Segments(); len(segs) != 1 || segs[0].Name != goldenName {
		t.Fatalf("segments %+v", segs)
	}
	l.Close()
	seqs, cks, err = walkCheckpoints(t, filepath.Join(dir, goldenName))
	if err != io.EOF || !equalSeqs(seqs, seqRange(1, 2)) || len(cks) != 1 {
		t.Fatalf("walk after replacing: %v %v %v", seqs, cks, err)
	}
}
