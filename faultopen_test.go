package llog_test

// Tier 4 of the crash harness (see crashtest/README.md): I/O faults where
// fault_test.go does not inject them, in Open and its recovery (reading the
// folder and the segments, truncating a torn tail, syncing after the
// truncation, removing an interrupted segment creation) and in Verify. Each
// test checks the outcome the failure table promises.

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"syscall"
	"testing"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/internal/vfs"
	"github.com/lowlightlog/llog/segment"
	"github.com/lowlightlog/llog/wal"
)

const foDir = "/store"

// foState is a store as a crash left it, on an in-memory filesystem whose
// every byte is durable, with the receipts of the records acknowledged
// before the crash.
type foState struct {
	name  string
	fs    *vfs.MemFS
	acked []llog.Receipt
}

// foStates returns the states recovery starts from: a new folder, a store
// closed cleanly, a store with a torn tail (a batch cut short in its
// newest segment), and a store with an interrupted segment creation (a
// synced, unrenamed .seg.tmp).
func foStates(t *testing.T) []foState {
	t.Helper()
	build := func() (*vfs.MemFS, []llog.Receipt) {
		mem := vfs.NewMem()
		acked, err, cerr, _ := faultWorkload(foDir, mem, 9)
		if err != nil || cerr != nil {
			t.Fatal(err, cerr)
		}
		return mem, acked
	}
	newest := func(mem *vfs.MemFS) string {
		names, err := mem.ReadDir(foDir)
		if err != nil {
			t.Fatal(err)
		}
		var segs []string
		for _, n := range names {
			if filepath.Ext(n) == ".seg" {
				segs = append(segs, n)
			}
		}
		slices.Sort(segs)
		return filepath.Join(foDir, segs[len(segs)-1])
	}
	appendBytes := func(mem *vfs.MemFS, name string, b []byte) {
		f, err := mem.OpenRW(name)
		if err != nil {
			t.Fatal(err)
		}
		size, _ := f.Size()
		if _, err := f.WriteAt(b, size); err != nil {
			t.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}

	clean, cleanAcked := build()

	torn, tornAcked := build()
	name := newest(torn)
	b, err := vfs.ReadFile(torn, name)
	if err != nil {
		t.Fatal(err)
	}
	// The newest segment holds one batch of records (nine records, four to
	// a segment), and the checkpoint Close wrote. Append that batch again,
	// cut inside its commit frame: entries without a commit, then a
	// partial frame.
	w, err := wal.NewWalker(filepath.Base(name), bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Next(); err != nil {
		t.Fatal(err)
	}
	end, _, _ := w.End()
	appendBytes(torn, name, b[segment.HeaderSize:end-20])
	if rep, err := llog.VerifyFS(torn, foDir); err != nil || rep.TornTail == nil || !rep.OK {
		t.Fatalf("torn state: %v %+v", err, rep)
	}

	tmp, tmpAcked := build()
	rep, err := llog.VerifyFS(tmp, foDir)
	if err != nil {
		t.Fatal(err)
	}
	next := filepath.Join(foDir, fmt.Sprintf("%020d.seg.tmp", rep.LastSeq+1))
	f, err := tmp.Create(next, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	hdr, _ := vfs.ReadFile(tmp, newest(tmp))
	f.WriteAt(hdr[:segment.HeaderSize], 0) // a header; its content does not matter, Open removes the file
	f.Sync()
	f.Close()
	tmp.SyncDir(foDir)

	durable := func(m *vfs.MemFS) *vfs.MemFS { return m.CrashClone(vfs.CrashOptions{}) }
	return []foState{
		{"new", vfs.NewMem(), nil},
		{"clean", durable(clean), cleanAcked},
		{"torn-tail", durable(torn), tornAcked},
		{"interrupted-rotation", durable(tmp), tmpAcked},
	}
}

// foOps are the kinds of operations faulted during Open, each with whether
// a failure of it must surface as an error. Closing a file that was only
// read may fail silently: nothing depends on it.
var foOps = []struct {
	op      vfs.Op
	surface bool
}{
	{vfs.OpLock, true}, {vfs.OpMkdir, true}, {vfs.OpReadDir, true}, {vfs.OpStat, true},
	{vfs.OpOpen, true}, {vfs.OpRead, true}, {vfs.OpSize, true}, {vfs.OpTruncate, true},
	{vfs.OpSync, true}, {vfs.OpSyncDir, true}, {vfs.OpRemove, true}, {vfs.OpCreate, true},
	{vfs.OpWrite, true}, {vfs.OpRename, true}, {vfs.OpClose, false},
}

// foRun opens the store on fsys, logs one record with LogSync and closes
// the engine, the way a process restarting after a crash does.
type foRun struct {
	openErr, logErr, closeErr error
	receipt                   *llog.Receipt
	engine                    *llog.Engine
	afterFailure              []error // Log, Flush, LogSync after LogSync failed
	statsErr                  error
}

func foRestart(fsys vfs.FS) foRun {
	var r foRun
	e, err := llog.Open(foDir, llog.WithFS(&llog.Options{DisableRedaction: true, SegmentSize: 4096, MaxBatchRecords: 1}, fsys))
	if err != nil {
		r.openErr = err
		return r
	}
	r.engine = e
	rc, err := e.LogSync(ctx, inf(500))
	if err != nil {
		r.logErr = err
		r.afterFailure = []error{e.Log(ctx, inf(501)), e.Flush(ctx)}
		_, lerr := e.LogSync(ctx, inf(502))
		r.afterFailure = append(r.afterFailure, lerr)
		r.statsErr = e.Stats().Err
	} else {
		r.receipt = &rc
	}
	r.closeErr = e.Close()
	return r
}

// TestFaultOpenRecovery fails, in turn, every operation of a restart (Open
// with its recovery, one LogSync, Close) from each crash state, with EIO and
// ENOSPC, once and persistently, and checks the failure table:
//
//   - a failed operation is reported: Open returns an error matching the
//     cause (and no engine), or the engine fails for good: LogSync returns
//     an error matching ErrFailed and the cause, every later call and
//     Stats.Err return that same error, and so does Close;
//   - an I/O error is never mistaken for a torn tail or corruption: nothing
//     acknowledged before the crash is cut or reported damaged;
//   - a failed Open releases the lock and changes nothing that matters:
//     reopening on a healthy disk recovers every acknowledged record,
//     verifies and takes new writes, and so does the state a power cut
//     right after the failure leaves.
func TestFaultOpenRecovery(t *testing.T) {
	states := foStates(t)
	faults, openFails, engineFails, unreported := 0, 0, 0, 0
	for _, st := range states {
		counter := vfs.NewErrorFS(st.fs.CrashClone(vfs.CrashOptions{}))
		if r := foRestart(counter); r.openErr != nil || r.logErr != nil || r.closeErr != nil {
			t.Fatalf("%s: healthy restart: %v %v %v", st.name, r.openErr, r.logErr, r.closeErr)
		}
		for _, fo := range foOps {
			count := counter.Count(fo.op)
			for _, errno := range []syscall.Errno{syscall.EIO, syscall.ENOSPC} {
				for _, persistent := range []bool{false, true} {
					for at := range count {
						name := fmt.Sprintf("%s/%v/%v/persistent=%v/at=%d", st.name, fo.op, errno, persistent, at)
						faults++
						mem := st.fs.CrashClone(vfs.CrashOptions{})
						efs := vfs.NewErrorFS(mem)
						efs.Inject(vfs.Fault{Ops: fo.op, After: at, Err: errno, Persistent: persistent, PartialWrite: fo.op == vfs.OpWrite})
						r := foRestart(efs)
						switch {
						case r.openErr != nil:
							openFails++
							if !errors.Is(r.openErr, errno) {
								t.Errorf("%s: Open failed with %v, which does not match the cause %v", name, r.openErr, errno)
							}
						case r.logErr != nil:
							engineFails++
							if !errors.Is(r.logErr, llog.ErrFailed) || !errors.Is(r.logErr, errno) {
								t.Errorf("%s: LogSync failed with %v, want ErrFailed and %v", name, r.logErr, errno)
							}
							for i, err := range r.afterFailure {
								if err != r.logErr {
									t.Errorf("%s: call %d after the failure returned %v, want the sticky %v", name, i, err, r.logErr)
								}
							}
							if r.statsErr != r.logErr || r.closeErr != r.logErr {
								t.Errorf("%s: Stats.Err %v, Close %v; want the sticky %v", name, r.statsErr, r.closeErr, r.logErr)
							}
						case r.closeErr != nil:
							if !errors.Is(r.closeErr, errno) {
								t.Errorf("%s: Close failed with %v, which does not match the cause %v", name, r.closeErr, errno)
							}
						default:
							unreported++
							if fo.surface && efs.Count(fo.op) > at {
								t.Errorf("%s: the fault fired and nothing reported it", name)
							}
						}
						acked := slices.Clone(st.acked)
						if r.receipt != nil {
							acked = append(acked, *r.receipt)
						}
						// A power cut right after the failure, then a healthy
						// restart; and a healthy restart on the same page cache.
						t.Run(name, func(t *testing.T) {
							checkRecovered(t, mem.CrashClone(vfs.CrashOptions{}), foDir, acked)
							checkRecovered(t, mem, foDir, acked)
						})
					}
				}
			}
		}
	}
	t.Logf("%d faults injected in %d states: Open failed %d, engine failed %d, Close failed or fault harmless %d",
		faults, len(states), openFails, engineFails, unreported)
}

// TestFaultOpenVerify fails every read Verify makes (listing the folder,
// stat, open, read, size, close), once and persistently, on stores with and
// without a torn tail, and checks that Verify either returns an error
// matching the cause or the very report it gives on a healthy disk: an I/O
// error is never reported as damage, a torn tail or a store that verifies
// with fewer records.
func TestFaultOpenVerify(t *testing.T) {
	faults := 0
	for _, st := range foStates(t)[1:] {
		want, err := llog.VerifyFS(st.fs, foDir)
		if err != nil {
			t.Fatal(err)
		}
		counter := vfs.NewErrorFS(st.fs)
		if _, err := llog.VerifyFS(counter, foDir); err != nil {
			t.Fatal(err)
		}
		for _, op := range []vfs.Op{vfs.OpReadDir, vfs.OpStat, vfs.OpOpen, vfs.OpRead, vfs.OpSize, vfs.OpClose} {
			for _, persistent := range []bool{false, true} {
				for at := range counter.Count(op) {
					faults++
					efs := vfs.NewErrorFS(st.fs)
					efs.Inject(vfs.Fault{Ops: op, After: at, Err: syscall.EIO, Persistent: persistent})
					got, err := llog.VerifyFS(efs, foDir)
					name := fmt.Sprintf("%s/%v/persistent=%v/at=%d", st.name, op, persistent, at)
					switch {
					case err != nil && !errors.Is(err, syscall.EIO):
						t.Errorf("%s: Verify failed with %v, which does not match EIO", name, err)
					case err == nil && (got.OK != want.OK || got.Records != want.Records || got.HeadHash != want.HeadHash ||
						got.BreakCount != want.BreakCount || (got.TornTail == nil) != (want.TornTail == nil)):
						t.Errorf("%s: Verify reported %+v under a read fault; healthy it reports %+v", name, got, want)
					}
				}
			}
		}
	}
	t.Logf("%d read faults injected into Verify", faults)
}
