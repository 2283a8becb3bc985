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

	"github.com/lowlightlog/llog/internal/vfs"
	"github.com/lowlightlog/llog/segment"
)

// TestWalkerOffsets checks the offsets an entry carries: End is the end of
// its own frame, Next where the next entry's frame starts (past the commit
// frame for the last entry of a batch), and every Offset is an entry frame.
func TestWalkerOffsets(t *testing.T) {
	dir := logOf(t, 3, 1, 2)
	w, err := OpenWalker(vfs.Default, dir, SegmentName(1))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var entries []Entry
	for {
		e, err := w.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, e)
	}
	if len(entries) != 6 {
		t.Fatalf("%d entries", len(entries))
	}
	commit := int64(segment.FrameSize(commitSize))
	for i, e := range entries {
		if e.End != e.Offset+int64(segment.FrameSize(len(entry(e.Seq)))) {
			t.Fatalf("seq %d: frame %d..%d", e.Seq, e.Offset, e.End)
		}
		want := e.End
		if e.Last {
			want += commit
		}
		if e.Next != want {
			t.Fatalf("seq %d: next %d, want %d", e.Seq, e.Next, want)
		}
		if i+1 < len(entries) && entries[i+1].Offset != e.Next {
			t.Fatalf("seq %d: next %d, but seq %d starts at %d", e.Seq, e.Next, entries[i+1].Seq, entries[i+1].Offset)
		}
		got, err := w.EntryAt(e.Offset, nil)
		if err != nil || !bytes.Equal(got, entry(e.Seq)) {
			t.Fatalf("EntryAt(%d) = %q, %v", e.Offset, got, err)
		}
	}
	if end, next, link := w.End(); end != w.Size() || next != 7 || link != linkOf(6) {
		t.Fatalf("End = %d %d %x", end, next, link)
	}
	// StartAt a batch boundary reads on from there.
	if err := w.StartAt(entries[3].Offset, 4); err != nil {
		t.Fatal(err)
	}
	if e, err := w.Next(); err != nil || e.Seq != 4 || e.Offset != entries[3].Offset {
		t.Fatalf("after StartAt: %+v %v", e, err)
	}
	if err := w.StartAt(w.Size()+1, 9); err == nil {
		t.Fatal("StartAt past the end")
	}
}

// TestWalkerResync damages one batch in the middle of a segment and checks
// that Resync goes on after it: the damaged batch is skipped, the batches
// after it are read with their sequence numbers and links.
func TestWalkerResync(t *testing.T) {
	dir := logOf(t, 2, 3, 2, 4)
	path := filepath.Join(dir, SegmentName(1))
	data, _ := os.ReadFile(path)
	offs := entryOffsets(t, data)
	for _, tc := range []struct {
		name   string
		damage int64    // byte flipped
		next   uint64   // first seq read after Resync
		link   [32]byte // link End reports after Resync
	}{
		{"entry of the second batch", offs[3] + segment.FrameHeaderSize + 1, 6, linkOf(5)},
		{"first entry of the segment", offs[0] + 2, 3, linkOf(2)},
		{"commit frame of the second batch", offs[4] + int64(segment.FrameSize(len(entry(5)))) + 20, 8, linkOf(7)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := append([]byte(nil), data...)
			b[tc.damage] ^= 0x20
			w, err := NewWalker(SegmentName(1), bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Resync(); err == nil {
				t.Fatal("Resync before any corruption")
			}
			var ce *CorruptionError
			for err == nil {
				_, err = w.Next()
			}
			if !errors.As(err, &ce) {
				t.Fatalf("Next = %v, want corruption", err)
			}
			ok, err := w.Resync()
			if !ok || err != nil {
				t.Fatalf("Resync = %v %v", ok, err)
			}
			if _, next, link := w.End(); next != tc.next || link != tc.link {
				t.Fatalf("after Resync: next %d link %x", next, link)
			}
			var seqs []uint64
			for {
				e, err := w.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(e.Data, entry(e.Seq)) {
					t.Fatalf("seq %d: %q", e.Seq, e.Data)
				}
				seqs = append(seqs, e.Seq)
			}
			if !equalSeqs(seqs, seqRange(tc.next, 11)) {
				t.Fatalf("read %v after Resync", seqs)
			}
		})
	}
	// Damage in the last batch and in its commit frame: no valid commit
	// frame to resync to.
	b := append([]byte(nil), data...)
	b[offs[7]+segment.FrameHeaderSize] ^= 1
	b[len(b)-5] ^= 1
	w, err := NewWalker(SegmentName(1), bytes.NewReader(b), int64(len(b)))
	for err == nil {
		_, err = w.Next()
	}
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Next = %v", err)
	}
	if ok, err := w.Resync(); ok || err != nil {
		t.Fatalf("Resync in the last batch = %v %v", ok, err)
	}
	if _, err2 := w.Next(); err2 != err {
		t.Fatalf("Next after a failed Resync = %v, want %v", err2, err)
	}
}

// logOf writes a log in a new folder, with batches of the given sizes,
// and returns the folder.
func logOf(t *testing.T, sizes ...int) string {
	t.Helper()
	dir := t.TempDir()
	l, _, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	commitN(t, l, sizes...)
	l.Close()
	return dir
}

// entryOffsets returns the offsets of the entry frames of a segment.
func entryOffsets(t *testing.T, data []byte) []int64 {
	t.Helper()
	var offs []int64
	r := segment.NewReader(bytes.NewReader(data), segment.HeaderSize, int64(len(data)))
	for {
		f, err := r.Next()
		if err == io.EOF {
			return offs
		}
		if err != nil {
			t.Fatal(err)
		}
		if f.Kind == KindEntry {
			offs = append(offs, f.Offset)
		}
	}
}

// TestReadEntries reads runs of entries from positions known to be
// committed, as the index does: from the middle of a batch, across commit
// frames, reading on from where the last run stopped and jumping back.
func TestReadEntries(t *testing.T) {
	dir := logOf(t, 4, 1, 5)
	data, _ := os.ReadFile(filepath.Join(dir, SegmentName(1)))
	offs := entryOffsets(t, data)
	w, err := OpenWalker(nil, dir, SegmentName(1))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	read := func(first uint64, n int) ([]uint64, error) {
		var seqs []uint64
		err := w.ReadEntries(offs[first-1], first, n, func(seq uint64, off int64, data []byte) error {
			if off != offs[seq-1] || !bytes.Equal(data, entry(seq)) {
				return fmt.Errorf("seq %d at %d: %q", seq, off, data)
			}
			seqs = append(seqs, seq)
			return nil
		})
		return seqs, err
	}
	for _, run := range []struct {
		first uint64
		n     int
	}{
		{2, 2},  // inside the first batch
		{4, 3},  // on from there, across two commit frames
		{7, 4},  // on, to the end
		{1, 10}, // back to the start: everything
		{5, 1},  // a batch of one
	} {
		seqs, err := read(run.first, run.n)
		if err != nil || !equalSeqs(seqs, seqRange(run.first, run.first+uint64(run.n)-1)) {
			t.Fatalf("run %v: %v %v", run, seqs, err)
		}
	}
	// A position whose sequence number disagrees with the commit frames.
	err = w.ReadEntries(offs[2], 30, 3, func(uint64, int64, []byte) error { return nil })
	if !errors.Is(err, ErrCommitMismatch) {
		t.Fatalf("wrong seq: %v", err)
	}
	// More entries than the segment holds.
	err = w.ReadEntries(offs[8], 9, 3, func(uint64, int64, []byte) error { return nil })
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("past the end: %v", err)
	}
	// Next needs StartAt after ReadEntries.
	if _, err := w.Next(); err == nil {
		t.Fatal("Next after ReadEntries")
	}
}

// listingFS lists folders as a filesystem does while a writer in another
// process adds segments: its first listing leaves out the file hide, as
// ext4 leaves out a file renamed into a large folder while it is read, and
// with grow set every listing finds one segment more.
type listingFS struct {
	vfs.FS
	hide     string
	grow     bool
	listings int
}

func (f *listingFS) ReadDir(dir string) ([]string, error) {
	f.listings++
	if f.grow {
		file, err := f.FS.Create(filepath.Join(dir, SegmentName(uint64(1000+f.listings))), 0o600)
		if err != nil {
			return nil, err
		}
		file.Close()
	}
	names, err := f.FS.ReadDir(dir)
	if f.listings == 1 {
		names = slices.DeleteFunc(names, func(name string) bool { return name == f.hide })
	}
	return names, err
}

// TestListSegmentsBesideWriter checks that ListSegments gives every
// segment of one moment even when a listing leaves out a segment renamed
// into the folder while it was read, and says so when the folder changes
// at every listing.
func TestListSegmentsBesideWriter(t *testing.T) {
	mem := vfs.NewMem()
	dir := "store"
	if err := mem.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	sizes := map[uint64]int{1: 100, 40: 200, 77: 300}
	for first, size := range sizes {
		f, err := mem.Create(filepath.Join(dir, SegmentName(first)), 0o600)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteAt(make([]byte, size), 0)
		f.Close()
	}
	for _, other := range []string{SegmentName(78) + tmpExt, "index.db", "llog.store"} {
		f, _ := mem.Create(filepath.Join(dir, other), 0o600)
		f.Close()
	}

	fsys := &listingFS{FS: mem, hide: SegmentName(40)}
	segs, err := ListSegments(fsys, dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range segs {
		got = append(got, fmt.Sprintf("%s %d %d", s.Name, s.First, s.Size))
	}
	want := []string{SegmentName(1) + " 1 100", SegmentName(40) + " 40 200", SegmentName(77) + " 77 300"}
	if !slices.Equal(got, want) {
		t.Errorf("ListSegments = %q, want %q", got, want)
	}
	if fsys.listings != 3 {
		t.Errorf("%d listings, want 3 (one short, then two that agree)", fsys.listings)
	}

	fsys = &listingFS{FS: mem, grow: true}
	if _, err := ListSegments(fsys, dir); err == nil || !strings.Contains(err.Error(), "the segments changed in each of 100 listings") {
		t.Errorf("a folder that changes at every listing: %v", err)
	}
	if fsys.listings != maxListings+1 {
		t.Errorf("%d listings, want %d", fsys.listings, maxListings+1)
	}
}
