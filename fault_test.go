package llog_test

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/internal/vfs"
)

// faultWorkload opens a store on fsys, writes up to n records one LogSync
// at a time (so every batch is one record and segments rotate often), and
// closes it. It returns the receipts of the acknowledged records, the first
// error from Open or LogSync, and Close's error.
func faultWorkload(dir string, fsys vfs.FS, n int) (acked []llog.Receipt, runErr, closeErr error, e *llog.Engine) {
	e, err := llog.Open(dir, llog.WithFS(&llog.Options{
		DisableRedaction: true,
		SegmentSize:      4096,
		MaxBatchRecords:  1,
	}, fsys))
	if err != nil {
		return nil, err, nil, nil
	}
	for i := range n {
		in := inf(i)
		in.Prompt += strings.Repeat(" padding", 120) // four records fill a segment
		r, err := e.LogSync(ctx, in)
		if err != nil {
			runErr = err
			break
		}
		acked = append(acked, r)
	}
	return acked, runErr, e.Close(), e
}

// checkRecovered reopens the store on a healthy filesystem and checks that
// every acknowledged record is there with its digest, that the store
// verifies and that it takes new records.
func checkRecovered(t *testing.T, fsys vfs.FS, dir string, acked []llog.Receipt) {
	t.Helper()
	e, err := llog.Open(dir, llog.WithFS(&llog.Options{DisableRedaction: true}, fsys))
	if err != nil {
		t.Fatalf("reopen on a healthy disk: %v", err)
	}
	r, err := e.LogSync(ctx, inf(1000))
	if err != nil {
		t.Fatalf("write after recovery: %v", err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	recs, rep, err := llog.ReadAllFS(fsys, dir)
	if err != nil || !rep.OK {
		t.Fatalf("verify after recovery: %v %+v", err, rep)
	}
	for _, a := range acked {
		if a.Seq > uint64(len(recs)) || recs[a.Seq-1].Hash != a.Hash {
			t.Fatalf("acknowledged record %d lost or changed", a.Seq)
		}
	}
	if r.Seq != uint64(len(recs)) {
		t.Fatalf("new record took seq %d of %d", r.Seq, len(recs))
	}
}

// TestIOFaults fails every write, fsync, rename, directory sync and file
// creation of a workload in turn, with EIO and ENOSPC, once and
// persistently, and checks the outcome the failure table promises: the
// engine is failed for good (every later call returns the same error
// matching ErrFailed and the cause), nothing acknowledged is lost, and the
// store reopens and verifies on a healthy disk. The workload runs on the
// in-memory filesystem, whose files behave as the page cache does after a
// failed call: what was written stays readable.
func TestIOFaults(t *testing.T) {
	const n, dir = 24, "/store"
	// Count the operations of a clean run.
	counter := vfs.NewErrorFS(vfs.NewMem())
	if _, err, cerr, _ := faultWorkload(dir, counter, n); err != nil || cerr != nil {
		t.Fatal(err, cerr)
	}
	ops := []vfs.Op{vfs.OpWrite, vfs.OpSync, vfs.OpRename, vfs.OpSyncDir, vfs.OpCreate}
	total := 0
	for _, op := range ops {
		count := counter.Count(op)
		if count == 0 {
			t.Fatalf("workload performs no %v", op)
		}
		for _, errno := range []syscall.Errno{syscall.EIO, syscall.ENOSPC} {
			for _, persistent := range []bool{false, true} {
				for at := range count {
					name := fmt.Sprintf("%v/%v/persistent=%v/at=%d", op, errno, persistent, at)
					total++
					t.Run(name, func(t *testing.T) {
						mem := vfs.NewMem()
						efs := vfs.NewErrorFS(mem)
						efs.Inject(vfs.Fault{Ops: op, After: at, Err: errno, Persistent: persistent,
							PartialWrite: op == vfs.OpWrite})
						acked, runErr, closeErr, e := faultWorkload(dir, efs, n)
						if runErr == nil {
							// A fault in the checkpoint Close commits
							// surfaces there.
							runErr = closeErr
						}
						if runErr == nil {
							t.Fatalf("no error surfaced")
						}
						if !errors.Is(runErr, errno) {
							t.Fatalf("error %v does not match %v", runErr, errno)
						}
						if e != nil {
							// The engine failed while running: sticky error.
							if !errors.Is(runErr, llog.ErrFailed) {
								t.Fatalf("error %v does not match ErrFailed", runErr)
							}
							if closeErr != runErr {
								t.Fatalf("Close returned %v, want the sticky error %v", closeErr, runErr)
							}
							if st := e.Stats(); st.Err != runErr {
								t.Fatalf("Stats.Err = %v", st.Err)
							}
						}
						checkRecovered(t, mem, dir, acked)
					})
				}
			}
		}
	}
	t.Logf("%d faults injected", total)
}

// TestFailedEngineAnswersEveryone checks that after an fsync failure every
// later call gets the same sticky error.
func TestFailedEngineAnswersEveryone(t *testing.T) {
	efs := vfs.NewErrorFS(vfs.Default)
	e, dir := open(t, llog.WithFS(&llog.Options{DisableRedaction: true}, efs))
	if _, err := e.LogSync(ctx, inf(1)); err != nil {
		t.Fatal(err)
	}
	efs.Inject(vfs.Fault{Ops: vfs.OpSync, Err: syscall.EIO})
	_, err := e.LogSync(ctx, inf(2))
	if !errors.Is(err, llog.ErrFailed) || !errors.Is(err, syscall.EIO) {
		t.Fatalf("LogSync = %v", err)
	}
	if err2 := e.Log(ctx, inf(3)); err2 != err {
		t.Fatalf("Log after failure = %v, want %v", err2, err)
	}
	if _, err2 := e.LogSync(ctx, inf(4)); err2 != err {
		t.Fatalf("LogSync after failure = %v", err2)
	}
	if err2 := e.Flush(ctx); err2 != err {
		t.Fatalf("Flush after failure = %v", err2)
	}
	if err2 := e.Close(); err2 != err {
		t.Fatalf("Close after failure = %v", err2)
	}
	if st := e.Stats(); st.Err != err || st.Committed != 1 {
		t.Fatalf("stats: %+v", st)
	}
	_ = dir
}

// TestIndexFaults fails, in turn, every create, open, write, sync,
// truncate, rename, remove and folder sync of a workload that runs the
// index and retention (crashsim_test.go's retention runs: checkpoints every
// three records, retention after rotations, at Open and at Close), once
// with EIO and persistently with ENOSPC. index.db is on the operating
// system (a vfs.SplitFS) and its open goes through ErrorFS; the snapshot,
// the unlinks and the folder syncs are MemFS files and folders like the
// segments. Each fault must surface as the failure table says: Open fails,
// or the engine fails for good, with an error matching the cause, or (a
// fault in the index or in retention while the engine runs) an
// EventIndexFailed matching the cause while the engine keeps logging. Then
// the store recovers on a healthy disk as after a crash: nothing
// acknowledged lost but what a retention record covers, interrupted
// removals finished, the index healthy.
func TestIndexFaults(t *testing.T) {
	plan := newSimPlan(1, false)
	plan.batches = []int{2, 3, 1, 3, 2, 3}
	c := &simChecker{t: t, plan: plan, stats: &simStats{}, seed: 1}
	counter := vfs.NewErrorFS(newSplit(t, vfs.NewMem()))
	if err := runRetentionPlan(counter, plan, &simAcks{}, nil); err != nil {
		t.Fatal(err)
	}
	ops := []vfs.Op{vfs.OpCreate, vfs.OpOpen, vfs.OpWrite, vfs.OpSync, vfs.OpTruncate, vfs.OpRename, vfs.OpRemove, vfs.OpSyncDir}
	faults := []vfs.Fault{{Err: syscall.EIO}, {Err: syscall.ENOSPC, Persistent: true}}
	if testing.Short() {
		faults = faults[1:]
	}
	outcomes := map[string]int{}
	for _, op := range ops {
		count := counter.Count(op)
		for _, fault := range faults {
			for at := range count {
				fault.Ops, fault.After = op, at
				where := fmt.Sprintf("%v/%v/persistent=%v/at=%d", op, fault.Err, fault.Persistent, at)
				split := newSplit(t, vfs.NewMem())
				efs := vfs.NewErrorFS(split)
				efs.Inject(fault)
				var ev events
				var acks simAcks
				runErr := runRetentionPlan(efs, plan, &acks, ev.add)
				indexFailed := false
				for _, e := range ev.of(llog.EventIndexFailed) {
					indexFailed = indexFailed || errors.Is(e.Err, fault.Err)
				}
				switch {
				case runErr != nil && errors.Is(runErr, fault.Err):
					if errors.Is(runErr, llog.ErrFailed) {
						outcomes["engine failed"]++
					} else {
						outcomes["Open failed"]++
					}
				case runErr != nil:
					c.violate(where, "error %v does not match the fault %v", runErr, fault.Err)
				case indexFailed:
					outcomes["index failed, engine went on"]++
					if len(acks.receipts) != len(plan.batches) {
						c.violate(where, "the engine stopped taking records after an index failure")
					}
				default:
					c.violate(where, "the fault surfaced nowhere (events %v)", ev.of(llog.EventIndexFailed))
				}
				c.checkRetentionState(where+", recovered on a healthy disk", split, &acks)
			}
		}
	}
	t.Logf("outcomes %v, violations %d", outcomes, c.stats.violations)
}
