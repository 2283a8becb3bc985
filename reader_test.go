package llog_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/internal/vfs"
	"github.com/lowlightlog/llog/wal"
)

func TestQueryFilters(t *testing.T) {
	e, dir := open(t, &llog.Options{DisableRedaction: true})
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range 20 {
		in := inf(i)
		in.Time = base.Add(time.Duration(i) * time.Hour)
		if i == 10 {
			in.Time = base.AddDate(-1, 0, 0) // the clock jumped back a year
		}
		e.Log(ctx, in)
	}
	e.Flush(ctx)
	r, err := llog.OpenReader(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	seqs := func(f llog.Filter) []uint64 {
		var out []uint64
		for rec, err := range r.Query(ctx, f) {
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, rec.Seq)
		}
		return out
	}
	tests := []struct {
		name string
		f    llog.Filter
		want []uint64
	}{
		{"all", llog.Filter{}, []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}},
		{"limit", llog.Filter{Limit: 3}, []uint64{1, 2, 3}},
		{"reverse limit", llog.Filter{Reverse: true, Limit: 3}, []uint64{20, 19, 18}},
		{"model", llog.Filter{Models: []string{"llama-3.2-3b"}, Limit: 4}, []uint64{2, 4, 6, 8}},
		{"since until", llog.Filter{Since: base.Add(15 * time.Hour), Until: base.Add(18 * time.Hour)}, []uint64{16, 17, 18}},
		{"clock jumped back", llog.Filter{Until: base}, []uint64{11}},
		{"after seq", llog.Filter{AfterSeq: 17}, []uint64{18, 19, 20}},
	}
	for _, tt := range tests {
		if got := seqs(tt.f); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	// The engine sees the same.
	n := 0
	for _, err := range e.Query(ctx, llog.Filter{Models: []string{"phi-3-mini"}}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 10 {
		t.Fatalf("engine query: %d records", n)
	}
	// Scan reads everything and reports on the chain.
	var got []uint64
	rep, err := r.Scan(ctx, llog.Filter{Models: []string{"phi-3-mini"}, Limit: 1}, func(rec *llog.Record) error {
		got = append(got, rec.Seq)
		return nil
	})
	if err != nil || !rep.OK || rep.Records != 20 || len(got) != 10 {
		t.Fatalf("scan: %v %+v %v", err, rep, got)
	}
}

func TestOpenReaderErrors(t *testing.T) {
	if _, err := llog.OpenReader(t.TempDir()); err == nil {
		t.Fatal("OpenReader on an empty folder succeeded")
	}
}

// TestReaderBesideWriterProcess runs a writer in another process and reads
// the store while it writes: every Verify sees a committed prefix that
// verifies, every Query a gap-free prefix whose digests link, and each
// sees at least what was acknowledged before it started.
func TestReaderBesideWriterProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process")
	}
	dir := filepath.Join(t.TempDir(), "store")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), writerEnv+"="+dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	var acked atomic.Uint64
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var seq uint64
			var hash string
			fmt.Sscanf(sc.Text(), "ack %d %s", &seq, &hash)
			for {
				cur := acked.Load()
				if seq <= cur || acked.CompareAndSwap(cur, seq) {
					break
				}
			}
		}
	}()
	waitFor(t, func() bool { return acked.Load() > 200 })
	for round := range 15 {
		before := acked.Load()
		r, err := llog.OpenReader(dir)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := r.Verify(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK || rep.LastSeq < before {
			t.Fatalf("round %d: verify ok=%v last %d, %d acknowledged before: %v", round, rep.OK, rep.LastSeq, before, rep.Breaks)
		}
		before = acked.Load()
		got := collect(t, r.Query(ctx, llog.Filter{}))
		if uint64(len(got)) < before {
			t.Fatalf("round %d: query saw %d records, %d acknowledged before", round, len(got), before)
		}
		for i, rec := range got {
			if rec.Seq != uint64(i+1) || (i > 0 && rec.PrevHash != got[i-1].Hash) {
				t.Fatalf("round %d: record %d has seq %d or does not link", round, i, rec.Seq)
			}
		}
		last := collect(t, r.Query(ctx, llog.Filter{Reverse: true, Limit: 1}))
		if len(last) != 1 || last[0].Seq < before {
			t.Fatalf("round %d: newest record %v", round, seqsOf(last))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// renameMissedFS is the operating system's filesystem whose first listing
// of a folder leaves out the file hide, as ext4 leaves out a file renamed
// into a large folder while it is read: what a reader beside a writer
// process sees when the writer adds a segment meanwhile.
type renameMissedFS struct {
	vfs.FS
	hide     string
	listings int
}

func (f *renameMissedFS) ReadDir(dir string) ([]string, error) {
	names, err := f.FS.ReadDir(dir)
	if f.listings++; f.listings == 1 {
		names = slices.DeleteFunc(names, func(name string) bool { return name == f.hide })
	}
	return names, err
}

// TestVerifyListingMissesASegment checks that verification is not fooled
// by a listing of the folder that left out a segment the writer was
// renaming into it: it reads every record and finds no break, where it
// would report records missing between two segments.
func TestVerifyListingMissesASegment(t *testing.T) {
	e, dir := open(t, &llog.Options{SegmentSize: 4 << 10})
	for i := range 100 {
		if _, err := e.LogSync(ctx, inf(i)); err != nil {
			t.Fatal(err)
		}
	}
	segs, err := wal.ListSegments(nil, dir)
	if err != nil || len(segs) < 3 {
		t.Fatalf("%d segments, %v", len(segs), err)
	}
	fsys := &renameMissedFS{FS: vfs.Default, hide: segs[len(segs)/2].Name}
	rep, err := llog.VerifyFS(fsys, dir)
	if err != nil || !rep.OK || rep.Records != 100 || rep.Segments != len(segs) {
		t.Fatalf("verify: %v, ok %v, %d records in %d segments (want 100 in %d): %v", err, rep.OK, rep.Records, rep.Segments, len(segs), rep.Breaks)
	}
}
