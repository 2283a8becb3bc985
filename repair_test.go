package llog_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/segment"
	"github.com/lowlightlog/llog/wal"
)

// TestRepairKeepsEveryBatchThatVerifies is the repair of one flipped byte
// in the first record of a 2000-record segment: the plan removes that
// record's batch and keeps every later one, changing nothing; the repair
// keeps a copy of the segment, records the removal in the log where the
// batch was, and the store verifies, lists the removal and its Merkle tree
// goes on; the next record takes the number after the highest ever
// committed; checkpoints made before the repair over the removed records
// are no longer compared, and new ones prove the kept records.
func TestRepairKeepsEveryBatchThatVerifies(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	opts := &llog.Options{DisableRedaction: true, MaxBatchRecords: 64, MaxBatchDelay: time.Hour, CheckpointEvery: 256}
	e, err := llog.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 2000; i++ {
		if err := e.Log(ctx, inf(i)); err != nil {
			t.Fatal(err)
		}
		if i%64 == 0 {
			e.Flush(ctx)
		}
	}
	e.Close()
	before := e.Checkpoint() // of all 2000
	if before == nil || before.Size != 2000 {
		t.Fatalf("checkpoint before the damage: %+v", before)
	}
	all, _, err := llog.ReadAll(dir)
	if err != nil || len(all) != 2000 {
		t.Fatalf("%d records: %v", len(all), err)
	}
	hashes := map[uint64][32]byte{}
	for _, r := range all {
		hashes[r.Seq] = r.Hash
	}
	segs := segmentNames(t, dir)
	if len(segs) != 1 {
		t.Fatalf("%d segments", len(segs))
	}
	path := filepath.Join(dir, segs[0])
	ends, entries := batches(t, path)
	firstBatch := uint64(entries[0])
	offs := frames(t, path)
	rewrite(t, path, func(b []byte) []byte { b[offs[0]+segment.FrameHeaderSize+40] ^= 1; return b })
	damaged, _ := os.ReadFile(path)
	if _, err := llog.Open(dir, opts); !errors.Is(err, llog.ErrCorrupt) {
		t.Fatalf("Open of the damaged segment: %v", err)
	}

	plan, err := llog.PlanRepair(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, damaged) {
		t.Fatal("PlanRepair changed the segment")
	}
	if !plan.Needed() || len(plan.Segments) != 1 || plan.Removed != firstBatch || plan.Kept != 2000-firstBatch ||
		plan.Verified != plan.Kept || plan.Next != 2001 || plan.Lost != nil {
		t.Fatalf("plan: %+v (first batch %d records, ends at %d)", plan, firstBatch, ends[0])
	}
	if rm := plan.Segments[0].Removed; len(rm) != 1 || rm[0].First != 1 || rm[0].Last != firstBatch || rm[0].Policy != "repair" {
		t.Fatalf("removed %+v", rm)
	}
	rep, err := llog.Repair(ctx, dir)
	if err != nil || !rep.Applied {
		t.Fatalf("repair: %+v %v", rep, err)
	}
	t.Logf("one flipped byte in the first record of a 2000-record segment: %d records kept, %d removed (the damaged batch), next seq %d",
		rep.Kept, rep.Removed, rep.Next)
	if c, err := os.ReadFile(filepath.Join(dir, rep.Segments[0].Copy)); err != nil || !bytes.Equal(c, damaged) {
		t.Fatalf("the copy %s is not the damaged segment: %v", rep.Segments[0].Copy, err)
	}

	v := mustVerify(t, dir)
	if v.Records != 2000-firstBatch || v.FirstSeq != firstBatch+1 || v.LastSeq != 2000 || len(v.Removed) != 1 ||
		v.Removed[0].Policy != "repair" || v.Removed[0].Copy != rep.Segments[0].Copy || !v.Merkle.Known || v.Merkle.TreeSize != 2000 {
		t.Fatalf("after the repair: records %d (%d to %d), removed %+v, merkle %+v", v.Records, v.FirstSeq, v.LastSeq, v.Removed, v.Merkle)
	}
	if v.Merkle.Superseded == 0 {
		t.Errorf("no checkpoint made before the repair counts as superseded: %+v", v.Merkle)
	}
	recs, _, err := llog.ReadAll(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.Hash != hashes[r.Seq] {
			t.Fatalf("record %d changed", r.Seq)
		}
	}

	// No number is used twice: the writer goes on after 2000.
	e, err = llog.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.LogSync(ctx, inf(2001))
	if err != nil || r.Seq != 2001 {
		t.Fatalf("first record after the repair: seq %d, %v", r.Seq, err)
	}
	e.Close()
	after := e.Checkpoint() // Close has committed a checkpoint of everything
	if after == nil || after.Size != 2001 {
		t.Fatalf("checkpoint after the repair: %+v", after)
	}
	mustVerify(t, dir)

	// A checkpoint kept from before the repair covers records it removed:
	// the store cannot extend it, and says why. One made since, it does.
	rd, err := llog.OpenReader(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, res, err := rd.VerifyCheckpoints(ctx, []*llog.Checkpoint{before, after}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(res[0].Err, llog.ErrNotExtended) || !strings.Contains(res[0].Err.Error(), "repair") || res[1].Err != nil {
		t.Fatalf("checkpoints before and after the repair: %v; %v", res[0].Err, res[1].Err)
	}
	p, err := rd.Prove(ctx, firstBatch+100, nil)
	if err != nil || p.Checkpoint.Size != 2001 {
		t.Fatalf("prove seq %d: %v", firstBatch+100, err)
	}
	doc, _ := p.MarshalJSON()
	if _, err := llog.VerifyProof(doc, nil); err != nil {
		t.Fatalf("the proof does not verify: %v", err)
	}
	if _, err := rd.Prove(ctx, 1, nil); !errors.Is(err, llog.ErrNoRecord) {
		t.Fatalf("prove a removed record: %v", err)
	}
	// Nothing left to repair.
	if again, err := llog.Repair(ctx, dir); err != nil || again.Needed() || again.Applied {
		t.Fatalf("second repair: %+v %v", again, err)
	}
}

func TestRepairRefusesALockedStore(t *testing.T) {
	e, dir := open(t, nil)
	defer e.Close()
	if _, err := llog.Repair(ctx, dir); !errors.Is(err, llog.ErrLocked) {
		t.Fatalf("Repair of an open store: %v", err)
	}
}

// TestRepairDamagedHeader rebuilds the header of the newest segment from its
// name and the segment before it, and keeps all its records.
func TestRepairDamagedHeader(t *testing.T) {
	dir, segs := buildStore(t)
	newest := filepath.Join(dir, segs[len(segs)-1])
	rewrite(t, newest, func(b []byte) []byte { b[20] ^= 1; return b })
	rep, err := llog.Repair(ctx, dir)
	if err != nil || len(rep.Segments) != 1 || rep.Segments[0].Header == "" || rep.Removed != 0 || rep.Kept != 60 {
		t.Fatalf("repair %+v %v", rep, err)
	}
	if v := mustVerify(t, dir); v.Records != 60 {
		t.Fatalf("records %d", v.Records)
	}
	e, err := llog.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := e.LogSync(ctx, inf(1))
	e.Close()
	if r.Seq != 61 {
		t.Fatalf("next seq %d, want 61", r.Seq)
	}
	mustVerify(t, dir)
}

// TestRepairSealedSegment: damage in a sealed segment (which Open does not
// read, and verify reports) is repaired the same way.
func TestRepairSealedSegment(t *testing.T) {
	dir, segs := buildStore(t)
	p := filepath.Join(dir, segs[1])
	offs := frames(t, p)
	rewrite(t, p, func(b []byte) []byte { b[offs[1]+segment.FrameHeaderSize+50] ^= 1; return b })
	if v, _ := llog.Verify(ctx, dir); v.OK {
		t.Fatal("damage not found")
	}
	rep, err := llog.Repair(ctx, dir)
	if err != nil || len(rep.Segments) != 1 || rep.Segments[0].Segment != segs[1] || rep.Removed != 5 || rep.Next != 61 {
		t.Fatalf("repair %+v %v", rep, err)
	}
	v := mustVerify(t, dir)
	first, _ := wal.ParseSegmentName(segs[1])
	if v.Records != 55 || len(v.Removed) != 1 || v.Removed[0].First != first || v.Removed[0].Last != first+4 {
		t.Fatalf("after the repair: %d records, removed %+v", v.Records, v.Removed)
	}
}

// TestRepairRecordsLostRecords: acknowledged records cut off the end of the
// log (the index saw them) are recorded as lost, by a writer's Open
// (EventRecordsLost; verify fails until the loss is accepted) or by a
// repair run first; either way the next record takes the number after
// them, and after the repair the store verifies.
func TestRepairRecordsLostRecords(t *testing.T) {
	for _, openFirst := range []bool{true, false} {
		dir, segs := buildStore(t)
		last := filepath.Join(dir, segs[len(segs)-1])
		ends, entries := batches(t, last)
		i := len(ends) - 1
		for entries[i] == 0 {
			i--
		}
		rewrite(t, last, func(b []byte) []byte { return b[:ends[i]-10] }) // into the last batch of records
		if openFirst {
			var ev events
			e, err := llog.Open(dir, &llog.Options{OnEvent: ev.add})
			if err != nil {
				t.Fatal(err)
			}
			r, err := e.LogSync(ctx, inf(1))
			e.Close()
			lost := ev.of(llog.EventRecordsLost)
			if err != nil || r.Seq != 61 || len(lost) != 1 || lost[0].Removed.First != 61-uint64(entries[i]) || lost[0].Removed.Last != 60 {
				t.Fatalf("open after the cut: seq %d %v, events %+v", r.Seq, err, lost)
			}
			v, _ := llog.Verify(ctx, dir)
			if v.OK || !strings.Contains(v.Breaks[0].Reason, "acknowledged records lost") {
				t.Fatalf("a recorded loss verifies: %+v", v.Breaks)
			}
		}
		plan, err := llog.PlanRepair(ctx, dir)
		if err != nil || !plan.Needed() || (openFirst && len(plan.Accepted) != 1) || (!openFirst && plan.Lost == nil) {
			t.Fatalf("plan (open first %v): %+v %v", openFirst, plan, err)
		}
		if _, err := llog.Repair(ctx, dir); err != nil {
			t.Fatal(err)
		}
		v := mustVerify(t, dir)
		e, err := llog.Open(dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		r, err := e.LogSync(ctx, inf(2))
		e.Close()
		want := uint64(61)
		if openFirst {
			want = 62
		}
		if err != nil || r.Seq != want {
			t.Fatalf("open first %v: next seq %d, want %d (%v); removed %+v", openFirst, r.Seq, want, err, v.Removed)
		}
		mustVerify(t, dir)
	}
}

// TestStaleIndexAfterARepairIsRebuilt: a crash between a repair's rewrite
// and its removal of the index leaves an index whose positions are those of
// the segment as it was. Open finds that the log does not continue where
// the index says and rebuilds it.
func TestStaleIndexAfterARepairIsRebuilt(t *testing.T) {
	dir, segs := buildStore(t)
	newest := filepath.Join(dir, segs[len(segs)-1])
	offs := frames(t, newest)
	rewrite(t, newest, func(b []byte) []byte { b[offs[1]+segment.FrameHeaderSize+30] ^= 1; return b })
	stale, err := os.ReadFile(filepath.Join(dir, "index.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := llog.Repair(ctx, dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "index.db"), stale, 0o600); err != nil {
		t.Fatal(err)
	}
	var ev events
	e, err := llog.Open(dir, &llog.Options{OnEvent: ev.add})
	if err != nil {
		t.Fatal(err)
	}
	e.Close()
	if up := ev.of(llog.EventIndexCaughtUp); len(up) != 1 || !up[0].Rebuilt || len(ev.of(llog.EventIndexFailed)) != 0 {
		t.Fatalf("events %+v", ev.list)
	}
	if v := mustVerify(t, dir); !v.Index.Checked || v.Index.Problems != 0 {
		t.Fatalf("index after the rebuild: %+v", v.Index)
	}
}
