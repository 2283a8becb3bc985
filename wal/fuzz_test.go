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

// TestGoldenSegment pins the bytes a log writes for four batches, one of
// them with a checkpoint frame and one a checkpoint alone, so a format
// change cannot go unnoticed. Regenerate with go test ./wal -update.
// testdata/v1 holds the same log as version 1 wrote it (without the
// checkpoints); TestReadsVersion1 reads it.
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
// yields entries with consecutive sequence numbers, and ends with EOF, a
// torn tail or corruption.
func FuzzSegmentReader(f *testing.F) {
	golden, err := os.ReadFile(filepath.Join("testdata", goldenName))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden)
	if v1, err := os.ReadFile(filepath.Join("testdata", "v1", goldenName)); err == nil {
		f.Add(v1)
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
