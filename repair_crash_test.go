package llog_test

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/internal/vfs"
	"github.com/lowlightlog/llog/segment"
	"github.com/lowlightlog/llog/wal"
)

// TestCrashSimRepair cuts the power after every filesystem operation of a
// repair of two damaged segments (a sealed one and the newest), with any
// subset of unsynced writes and directory changes, and checks each crash
// state: a second repair finishes, the store then verifies and holds every
// record outside the damaged batches with its digest, and the next record
// takes the number after the highest ever committed.
func TestCrashSimRepair(t *testing.T) {
	seed := simSeed(t)
	r := rand.New(rand.NewPCG(seed, 7))
	base := vfs.NewMem()
	opts := llog.WithFS(&llog.Options{DisableRedaction: true, SegmentSize: 4096, MaxBatchRecords: 5, MaxBatchDelay: time.Hour}, base)
	e, err := llog.Open(simDir, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 60 {
		e.Log(ctx, inf(i))
		if i%5 == 4 {
			e.Flush(ctx)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	before, _, err := llog.ReadAllFS(base, simDir)
	if err != nil || len(before) != 60 {
		t.Fatalf("%d records: %v", len(before), err)
	}
	segs, err := wal.ListSegments(base, simDir)
	if err != nil || len(segs) < 3 {
		t.Fatalf("segments %v %v", segs, err)
	}
	// A byte flipped in the second batch of the first segment and in the
	// first batch of the newest.
	damage := func(name string, batch int) {
		t.Helper()
		path := filepath.Join(simDir, name)
		f, err := base.OpenRW(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		size, _ := f.Size()
		b := make([]byte, size)
		f.ReadAt(b, 0)
		w, _ := wal.NewWalker(name, f, size)
		var off int64 = -1
		for n := 0; ; {
			e, err := w.Next()
			if err != nil {
				t.Fatalf("batch %d of %s: %v", batch, name, err)
			}
			if n == batch {
				off = e.Offset
				break
			}
			if e.Last {
				n++
			}
		}
		f.WriteAt([]byte{b[off+segment.FrameHeaderSize+40] ^ 1}, off+segment.FrameHeaderSize+40)
		f.Sync()
	}
	damage(segs[0].Name, 1)
	damage(segs[len(segs)-1].Name, 0)
	damaged := base.CrashClone(vfs.CrashOptions{})
	lostSeqs := map[uint64]bool{}
	plan, err := llog.RepairFS(ctx, damaged.CrashClone(vfs.CrashOptions{}), simDir)
	if err != nil || len(plan.Segments) != 2 {
		t.Fatalf("reference repair: %+v %v", plan, err)
	}
	for _, s := range plan.Segments {
		for _, rm := range s.Removed {
			for q := rm.First; q <= rm.Last; q++ {
				lostSeqs[q] = true
			}
		}
	}
	ref := damaged.CrashClone(vfs.CrashOptions{})
	if _, err := llog.RepairFS(ctx, ref, simDir); err != nil {
		t.Fatal(err)
	}
	total := ref.Ops()
	check := func(where string, fsys vfs.FS) {
		if _, err := llog.RepairFS(ctx, fsys, simDir); err != nil {
			t.Errorf("%s: the second repair: %v", where, err)
			return
		}
		recs, rep, err := llog.ReadAllFS(fsys, simDir)
		if err != nil || !rep.OK {
			t.Errorf("%s: does not verify: %v %v", where, err, rep.Breaks)
			return
		}
		got := map[uint64][32]byte{}
		for _, rec := range recs {
			got[rec.Seq] = rec.Hash
		}
		for _, rec := range before {
			if h, ok := got[rec.Seq]; ok != !lostSeqs[rec.Seq] || (ok && h != rec.Hash) {
				t.Errorf("%s: record %d present %v (removed by the plan %v)", where, rec.Seq, ok, lostSeqs[rec.Seq])
				return
			}
		}
		e, err := llog.Open(simDir, llog.WithFS(&llog.Options{DisableRedaction: true}, fsys))
		if err != nil {
			t.Errorf("%s: open: %v", where, err)
			return
		}
		rc, err := e.LogSync(ctx, inf(99))
		e.Close()
		if err != nil || rc.Seq != 61 {
			t.Errorf("%s: the next record took seq %d (%v), want 61", where, rc.Seq, err)
		}
	}
	clones := 0
	for n := 1; n <= total; n++ {
		m := damaged.CrashClone(vfs.CrashOptions{})
		m.CrashAfter(n)
		llog.RepairFS(ctx, m, simDir) // fails at the crash
		for _, o := range simCloneOptions(r, 1) {
			clones++
			check(fmt.Sprintf("crash after op %d of %d, clone %s", n, total, simDescribe(o)), m.CrashClone(o))
		}
	}
	t.Logf("crash points %d, clones %d", total, clones)
}
