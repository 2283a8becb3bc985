package llog_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/segment"
	"github.com/lowlightlog/llog/wal"
)

func TestRepairCutsTheNewestSegmentAndKeepsEvidence(t *testing.T) {
	dir, segs := buildStore(t)
	newest := filepath.Join(dir, segs[len(segs)-1])
	offs := frames(t, newest)
	rewrite(t, newest, func(b []byte) []byte { b[offs[2]+segment.FrameHeaderSize+3] ^= 1; return b })
	damaged, _ := os.ReadFile(newest)

	if _, err := llog.Open(dir, nil); !errors.Is(err, llog.ErrCorrupt) {
		t.Fatalf("Open of a damaged newest segment: %v", err)
	}
	// Not while a writer could hold the store: Repair takes the lock.
	rep, err := llog.Repair(dir)
	if err != nil {
		t.Fatal(err)
	}
	if rep == nil || rep.Segment != segs[len(segs)-1] || rep.Offset != segment.HeaderSize || rep.Bytes != int64(len(damaged))-segment.HeaderSize {
		t.Fatalf("report %+v", rep)
	}
	backup, err := os.ReadFile(filepath.Join(dir, rep.Backup))
	if err != nil || !bytes.Equal(backup, damaged) {
		t.Fatalf("backup %s differs from the damaged segment: %v", rep.Backup, err)
	}
	e, err := llog.Open(dir, nil)
	if err != nil {
		t.Fatalf("Open after Repair: %v", err)
	}
	r, err := e.LogSync(ctx, inf(1))
	if err != nil || r.Seq != rep.LastSeq+1 {
		t.Fatalf("next seq %d after repair keeping %d: %v", r.Seq, rep.LastSeq, err)
	}
	e.Close()
	mustVerify(t, dir)
	// Nothing left to repair.
	if rep, err := llog.Repair(dir); rep != nil || err != nil {
		t.Fatalf("second Repair: %+v %v", rep, err)
	}
}

func TestRepairRefusesALockedStore(t *testing.T) {
	e, dir := open(t, nil)
	defer e.Close()
	if _, err := llog.Repair(dir); !errors.Is(err, llog.ErrLocked) {
		t.Fatalf("Repair of an open store: %v", err)
	}
}

func TestRepairDamagedHeader(t *testing.T) {
	dir, segs := buildStore(t)
	newest := filepath.Join(dir, segs[len(segs)-1])
	rewrite(t, newest, func(b []byte) []byte { b[20] ^= 1; return b })
	rep, err := llog.Repair(dir)
	if err != nil || rep == nil || rep.Offset != 0 {
		t.Fatalf("report %+v %v", rep, err)
	}
	if _, err := os.Stat(newest); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("the unreadable segment is still in place")
	}
	first, _ := wal.ParseSegmentName(segs[len(segs)-1])
	e, err := llog.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := e.LogSync(ctx, inf(1))
	e.Close()
	if r.Seq != first {
		t.Fatalf("next seq %d, want %d", r.Seq, first)
	}
	mustVerify(t, dir)
}
