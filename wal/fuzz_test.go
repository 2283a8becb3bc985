package wal

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const goldenName = "00000000000000000001.seg"

// TestGoldenSegment pins the bytes a log writes for batches of entries, one
// with a checkpoint frame, a checkpoint alone, a removal alone, and a
// removal that moves the sequence numbers past removed entries, so a format
// change cannot go unnoticed. Regenerate with go test ./wal -update.
// testdata/v1 and testdata/v2 hold the log as versions 1 (without the
// checkpoints) and 2 (without the removals) wrote it; TestReadsVersion1
// and TestReadsVersion2 read them.
func TestGoldenSegment(t *testing.T) {
	dir := t.TempDir()
	l, _, err := Open(dir, Options{Link: linkOf(0)})
	if err != nil {
		t.Fatal(err)
	}
	commitN(t, l, 2)
	commitCheckpoint(t, l, 1, "checkpoint after 3")
	commitCheckpoint(t, l, 0, "checkpoint alone")
	commitN(t, l, 3)
	commitRemoval(t, l, 0, "removal alone")
	commitRemoval(t, l, 12, "entries 7 to 11 removed")
	commitN(t, l, 2)
	l.Close()
	got, err := os.ReadFile(filepath.Join(dir, goldenName))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", goldenName)
	if *update {
		os.WriteFile(path, got, 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./wal -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("the bytes of a log changed: the on-disk format is frozen")
	}
}

// FuzzSegmentReader checks that reading any bytes as a segment never panics,
// yields entries with consecutive sequence numbers (moved forward only by a
// removal), and ends with EOF, a torn tail or corruption.
func FuzzSegmentReader(f *testing.F) {
	golden, err := os.ReadFile(filepath.Join("testdata", goldenName))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden)
	for _, v := range []string{"v1", "v2"} {
		if old, err := os.ReadFile(filepath.Join("testdata", v, goldenName)); err == nil {
			f.Add(old)
		}
	}
	f.Add(golden[:len(golden)-10])
	f.Add(append(append([]byte(nil), golden...), make([]byte, 100)...))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := NewWalker(goldenName, bytes.NewReader(data), int64(len(data)))
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("header error %v is not a corruption", err)
			}
			return
		}
		next := w.Header().First
		w.OnRemoval(func(r Removal) {
			if r.From != next || r.Next < r.From {
				t.Fatalf("removal from %d to %d, next %d", r.From, r.Next, next)
			}
			next = r.Next
		})
		for {
			e, err := w.Next()
			if err != nil {
				if err != io.EOF && !errors.Is(err, ErrTorn) && !errors.Is(err, ErrCorrupt) {
					t.Fatalf("unexpected error %v", err)
				}
				end, n, _ := w.End()
				if end > int64(len(data)) || n < next {
					t.Fatalf("end %d next %d", end, n)
				}
				return
			}
			if e.Seq != next {
				t.Fatalf("seq %d, want %d", e.Seq, next)
			}
			next++
		}
	})
}
