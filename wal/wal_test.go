package wal

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/lowlightlog/llog/internal/vfs"
	"github.com/lowlightlog/llog/segment"
)

func entry(seq uint64) []byte {
	return []byte(fmt.Sprintf("entry %d %s", seq, bytes.Repeat([]byte{'x'}, int(seq%37))))
}

func linkOf(seq uint64) [32]byte {
	var l [32]byte
	l[0] = byte(seq)
	l[1] = byte(seq >> 8)
	l[31] = 0xAA
	return l
}

// commitN commits batches of the given sizes with entry(seq) contents and
// linkOf(last seq) links.
func commitN(t *testing.T, l *Log, sizes ...int) {
	t.Helper()
	var b Batch
	for _, n := range sizes {
		b.Reset()
		first := l.NextSeq()
		for i := range n {
			if err := b.Add(entry(first + uint64(i))); err != nil {
				t.Fatal(err)
			}
		}
		info, err := l.Commit(&b, linkOf(first+uint64(n)-1))
		if err != nil {
			t.Fatal(err)
		}
		if info.First != first {
			t.Fatalf("commit first = %d, want %d", info.First, first)
		}
	}
}

// readAll reads every committed entry of the log in dir and returns their
// sequence numbers, checking contents, and the final error of the newest
// segment's reader.
func readAll(t *testing.T, dir string) ([]uint64, error) {
	t.Helper()
	segs, err := ListSegments(nil, dir)
	if err != nil {
		t.Fatal(err)
	}
	var seqs []uint64
	var last error
	for _, s := range segs {
		f, err := os.Open(filepath.Join(dir, s.Name))
		if err != nil {
			t.Fatal(err)
		}
		w, err := NewWalker(s.Name, f, s.Size)
		if err != nil {
			f.Close()
			return seqs, err
		}
		for {
			e, err := w.Next()
			if err != nil {
				last = err
				break
			}
			if !bytes.Equal(e.Data, entry(e.Seq)) {
				t.Fatalf("seq %d: data %q", e.Seq, e.Data)
			}
			if e.Last && e.Link != linkOf(e.Seq) {
				t.Fatalf("seq %d: link %x", e.Seq, e.Link)
			}
			seqs = append(seqs, e.Seq)
		}
		f.Close()
	}
	return seqs, last
}

func seqRange(first, last uint64) []uint64 {
	var s []uint64
	for i := first; i <= last; i++ {
		s = append(s, i)
	}
	return s
}

func equalSeqs(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCommitReopenRead(t *testing.T) {
	dir := t.TempDir()
	l, rec, err := Open(dir, Options{Link: linkOf(0)})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Torn != nil {
		t.Fatal("torn tail in a new log")
	}
	commitN(t, l, 3, 1, 5)
	if l.NextSeq() != 10 || l.Link() != linkOf(9) {
		t.Fatalf("next %d link %x", l.NextSeq(), l.Link())
	}
	l.Close()
	l, rec, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Torn != nil || l.NextSeq() != 10 || l.Link() != linkOf(9) {
		t.Fatalf("reopen: torn %v next %d", rec.Torn, l.NextSeq())
	}
	commitN(t, l, 2)
	l.Close()
	seqs, err := readAll(t, dir)
	if err != io.EOF || !equalSeqs(seqs, seqRange(1, 11)) {
		t.Fatalf("read %v, %v", seqs, err)
	}
}

func TestRotation(t *testing.T) {
	dir := t.TempDir()
	l, _, err := Open(dir, Options{SegmentSize: 100, First: 5, Link: linkOf(4)})
	if err != nil {
		t.Fatal(err)
	}
	commitN(t, l, 4, 4, 4, 4)
	segs := l.Segments()
	l.Close()
	if len(segs) < 3 {
		t.Fatalf("segments: %+v", segs)
	}
	// What Commit says the files grew by adds up to their sizes.
	l, _, err = Open(dir, Options{SegmentSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	var b Batch
	b.Add(entry(21))
	info, err := l.Commit(&b, linkOf(21))
	grown := l.Segments()
	l.Close()
	if err != nil || !info.Rotated || info.Added != int64(info.Bytes)+segment.HeaderSize ||
		grown[len(grown)-1].Size != info.Added {
		t.Fatalf("commit after the limit: %+v %v", info, err)
	}
	prevLast := uint64(4)
	for _, s := range segs {
		b, err := os.ReadFile(filepath.Join(dir, s.Name))
		if err != nil {
			t.Fatal(err)
		}
		h, err := segment.ParseHeader(b)
		if err != nil {
			t.Fatal(err)
		}
		// Each segment's header links to the last batch before it.
		if h.First != prevLast+1 || h.Link != linkOf(prevLast) || SegmentName(h.First) != s.Name {
			t.Fatalf("%s: header first %d link %x, previous last %d", s.Name, h.First, h.Link[:2], prevLast)
		}
		prevLast = h.First + 3 // every segment holds one 4-entry batch here
	}
	seqs, err := readAll(t, dir)
	if err != io.EOF || !equalSeqs(seqs, seqRange(5, 21)) {
		t.Fatalf("read %v, %v", seqs, err)
	}
}

func TestSegmentNames(t *testing.T) {
	for _, n := range []uint64{0, 1, 4097, 1<<64 - 1} {
		name := SegmentName(n)
		if len(name) != 24 {
			t.Fatalf("%q: not fixed width", name)
		}
		got, ok := ParseSegmentName(name)
		if !ok || got != n {
			t.Fatalf("%q parsed as %d, %v", name, got, ok)
		}
	}
	for _, bad := range []string{"1.seg", "0000000000000000000a.seg", "00000000000000000001.seg.tmp", "00000000000000000001.log", "99999999999999999999.seg"} {
		if _, ok := ParseSegmentName(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestRemovesTempFiles(t *testing.T) {
	dir := t.TempDir()
	l, _, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	commitN(t, l, 2)
	l.Close()
	tmp := filepath.Join(dir, SegmentName(3)+tmpExt)
	os.WriteFile(tmp, []byte("half-created"), 0o600)
	l, rec, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if len(rec.Removed) != 1 {
		t.Fatalf("removed %v", rec.Removed)
	}
	if _, err := os.Stat(tmp); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("tmp file still there: %v", err)
	}
}

// buildLog writes batches of 3, 4 and 5 entries into one segment and
// returns the segment path, its bytes, and the offset where the last batch
// starts.
func buildLog(t *testing.T) (dir, path string, data []byte, lastBatch int64) {
	dir = t.TempDir()
	l, _, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	commitN(t, l, 3, 4)
	lastBatch = l.size
	commitN(t, l, 5)
	l.Close()
	path = filepath.Join(dir, SegmentName(1))
	data, err = os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return dir, path, data, lastBatch
}

// TestTailDamage damages the end of the newest segment in every way a
// crash or a disk can, then checks what Open does: a torn tail is cut back
// to the last intact batch (byte-exact), anything followed by a valid frame
// is ErrCorrupt and the file is left untouched.
func TestTailDamage(t *testing.T) {
	_, _, data, lastBatch := buildLog(t)
	size := int64(len(data))
	rng := rand.New(rand.NewPCG(1, 2))
	garbage := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		return b
	}
	// Offsets of the frames of the last batch (5 entries + commit).
	var frameOffs []int64
	{
		r := segment.NewReader(bytes.NewReader(data), lastBatch, size)
		for {
			f, err := r.Next()
			if err != nil {
				break
			}
			frameOffs = append(frameOffs, f.Offset)
		}
	}
	if len(frameOffs) != 6 {
		t.Fatalf("last batch has %d frames", len(frameOffs))
	}

	type scenario struct {
		name    string
		damage  func([]byte) []byte
		corrupt bool   // Open must fail with ErrCorrupt
		keep    uint64 // last seq that must survive
	}
	var scenarios []scenario
	for cut := lastBatch; cut < size; cut++ {
		scenarios = append(scenarios, scenario{
			name:   fmt.Sprintf("truncate at %d", cut),
			damage: func(b []byte) []byte { return b[:cut] },
			keep:   7,
		})
	}
	scenarios = append(scenarios,
		scenario{"intact", func(b []byte) []byte { return b }, false, 12},
		scenario{"zero-filled tail appended", func(b []byte) []byte { return append(b, make([]byte, 4096)...) }, false, 12},
		scenario{"last batch zero-filled", func(b []byte) []byte {
			clear(b[lastBatch:])
			return b
		}, false, 7},
		scenario{"last batch zeroed from a sector boundary", func(b []byte) []byte {
			clear(b[(lastBatch/512+1)*512:])
			return b
		}, false, 7},
		scenario{"garbage appended", func(b []byte) []byte { return append(b, garbage(1000)...) }, false, 12},
		scenario{"last batch replaced by garbage", func(b []byte) []byte {
			copy(b[lastBatch:], garbage(int(size-lastBatch)))
			return b
		}, false, 7},
		scenario{"zeros then garbage", func(b []byte) []byte {
			b = b[:lastBatch]
			b = append(b, make([]byte, 700)...)
			return append(b, garbage(900)...)
		}, false, 7},
		scenario{"bit flip in the last frame (commit)", func(b []byte) []byte {
			b[frameOffs[5]+20] ^= 0x10
			return b
		}, false, 7},
		scenario{"bit flip in a middle frame of the last batch", func(b []byte) []byte {
			b[frameOffs[2]+segment.FrameHeaderSize+1] ^= 0x01
			return b
		}, true, 0},
		scenario{"bit flip in an earlier batch", func(b []byte) []byte {
			b[segment.HeaderSize+segment.FrameHeaderSize+2] ^= 0x40
			return b
		}, true, 0},
		scenario{"length field flipped in an earlier batch", func(b []byte) []byte {
			b[segment.HeaderSize+4] ^= 0x01
			return b
		}, true, 0},
		scenario{"zeroed sector in the middle", func(b []byte) []byte {
			clear(b[segment.HeaderSize+30 : segment.HeaderSize+60])
			return b
		}, true, 0},
		scenario{"header damaged", func(b []byte) []byte {
			b[20] ^= 1
			return b
		}, true, 0},
	)

	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, SegmentName(1))
			damaged := sc.damage(append([]byte(nil), data...))
			if err := os.WriteFile(path, damaged, 0o600); err != nil {
				t.Fatal(err)
			}
			l, rec, err := Open(dir, Options{})
			after, _ := os.ReadFile(path)
			if sc.corrupt {
				var ce *CorruptionError
				if !errors.Is(err, ErrCorrupt) || !errors.As(err, &ce) || ce.Segment != SegmentName(1) {
					t.Fatalf("Open = %v, want CorruptionError", err)
				}
				if !bytes.Equal(after, damaged) {
					t.Fatal("Open changed a corrupt segment")
				}
				return
			}
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer l.Close()
			if l.NextSeq() != sc.keep+1 {
				t.Fatalf("next seq %d, want %d", l.NextSeq(), sc.keep+1)
			}
			wantLen := size
			if sc.keep == 7 {
				wantLen = lastBatch
			}
			if int64(len(after)) != wantLen || !bytes.Equal(after, data[:wantLen]) {
				t.Fatalf("file is %d bytes after Open, want the first %d bytes of the original", len(after), wantLen)
			}
			if (rec.Torn != nil) != (int64(len(damaged)) != wantLen) {
				t.Fatalf("recovery report %v for %d -> %d bytes", rec.Torn, len(damaged), wantLen)
			}
			seqs, rerr := readAll(t, dir)
			if rerr != io.EOF || !equalSeqs(seqs, seqRange(1, sc.keep)) {
				t.Fatalf("after recovery read %v, %v", seqs, rerr)
			}
			// The log accepts new batches where it was cut.
			commitN(t, l, 2)
		})
	}
}

func TestCommitMismatchIsCorrupt(t *testing.T) {
	// A well-formed commit frame whose count disagrees with its batch.
	dir := t.TempDir()
	b := segment.AppendHeader(nil, segment.Header{First: 1})
	b, _ = segment.AppendFrame(b, KindEntry, entry(1))
	b, _ = appendCommit(b, commit{first: 1, count: 2, link: linkOf(1)})
	os.WriteFile(filepath.Join(dir, SegmentName(1)), b, 0o600)
	_, _, err := Open(dir, Options{})
	if !errors.Is(err, ErrCorrupt) || !errors.Is(err, ErrCommitMismatch) {
		t.Fatalf("Open = %v", err)
	}
}

func TestNameMismatchIsCorrupt(t *testing.T) {
	dir := t.TempDir()
	b := segment.AppendHeader(nil, segment.Header{First: 7})
	os.WriteFile(filepath.Join(dir, SegmentName(1)), b, 0o600)
	_, _, err := Open(dir, Options{})
	if !errors.Is(err, ErrCorrupt) || !errors.Is(err, ErrNameMismatch) {
		t.Fatalf("Open = %v", err)
	}
}

func TestLiveReaderSeesWholeBatches(t *testing.T) {
	// A reader that snapshots the size in the middle of a batch's bytes
	// sees only the batches before it.
	_, _, data, lastBatch := buildLog(t)
	for cut := lastBatch + 1; cut < int64(len(data)); cut += 7 {
		w, err := NewWalker(SegmentName(1), bytes.NewReader(data), cut)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for {
			_, err = w.Next()
			if err != nil {
				break
			}
			n++
		}
		if n != 7 || !errors.Is(err, ErrTorn) {
			t.Fatalf("cut %d: %d entries, %v", cut, n, err)
		}
	}
}

func TestEntryAt(t *testing.T) {
	dir := t.TempDir()
	l, _, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b Batch
	for i := range 4 {
		b.Add(entry(uint64(i + 1)))
	}
	info, err := l.Commit(&b, linkOf(4))
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	w, err := OpenWalker(nil, dir, info.Segment)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for i := range 4 {
		got, err := w.EntryAt(info.Offset+b.EntryOffset(i), nil)
		if err != nil || !bytes.Equal(got, entry(uint64(i+1))) {
			t.Fatalf("entry %d: %q, %v", i, got, err)
		}
		if b.EntryOffset(i)+b.EntrySize(i) != int64(b.Size()) && b.EntryOffset(i)+b.EntrySize(i) != b.EntryOffset(i+1) {
			t.Fatalf("entry %d: size %d", i, b.EntrySize(i))
		}
	}
	if info.Added != int64(info.Bytes) || int64(b.Size())+int64(segment.FrameSize(commitSize)) != int64(info.Bytes) {
		t.Fatalf("commit info %+v for a batch of %d bytes", info, b.Size())
	}
	if _, err := w.EntryAt(info.Offset+1, nil); err == nil {
		t.Fatal("read a frame at a wrong offset")
	}
}

func TestRemoveOldestOnly(t *testing.T) {
	dir := t.TempDir()
	l, _, err := Open(dir, Options{SegmentSize: 200})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	commitN(t, l, 3, 3, 3)
	segs := l.Segments()
	if len(segs) != 3 {
		t.Fatalf("%d segments", len(segs))
	}
	if err := l.Remove(segs[1].Name); err == nil {
		t.Fatal("removed a middle segment")
	}
	if err := l.Remove(segs[0].Name); err != nil {
		t.Fatal(err)
	}
	if err := l.Remove(segs[1].Name); err != nil {
		t.Fatal(err)
	}
	if err := l.Remove(segs[2].Name); err == nil {
		t.Fatal("removed the active segment")
	}
	names, _ := vfs.Default.ReadDir(dir)
	if len(names) != 1 || names[0] != segs[2].Name {
		t.Fatalf("left %v", names)
	}
}

// commitCheckpoint commits a batch of n entries (n may be 0) with a
// checkpoint frame holding payload.
func commitCheckpoint(t *testing.T, l *Log, n int, payload string) CommitInfo {
	t.Helper()
	var b Batch
	first := l.NextSeq()
	for i := range n {
		if err := b.Add(entry(first + uint64(i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.SetCheckpoint([]byte(payload)); err != nil {
		t.Fatal(err)
	}
	link := l.Link()
	if n > 0 {
		link = linkOf(first + uint64(n) - 1)
	}
	info, err := l.Commit(&b, link)
	if err != nil {
		t.Fatal(err)
	}
	return info
}
