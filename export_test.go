package llog

import (
	"context"
	"errors"
	"time"

	"github.com/lowlightlog/llog/internal/vfs"
)

// WithFS sets the filesystem an Engine uses, for tests.
func WithFS(o *Options, fsys vfs.FS) *Options {
	o.fs = fsys
	return o
}

// ReadAll returns every record of the store in dir that verifies, with the
// verification report.
func ReadAll(dir string) ([]Record, *VerifyReport, error) {
	return ReadAllFS(vfs.Default, dir)
}

// ReadAllFS is ReadAll on another filesystem.
func ReadAllFS(fsys vfs.FS, dir string) ([]Record, *VerifyReport, error) {
	var recs []Record
	rep, err := scanStore(context.Background(), fsys, dir, func(r *Record) error {
		recs = append(recs, *r)
		return nil
	})
	return recs, rep, err
}

// VerifyFS is Verify on another filesystem.
func VerifyFS(fsys vfs.FS, dir string) (*VerifyReport, error) {
	return verifyFS(context.Background(), fsys, dir)
}

// WithIndexNoSync makes the engine's index skip bbolt's fsyncs, for tests
// on a vfs.SplitFS, whose crash clones keep every write to index.db.
func WithIndexNoSync(o *Options) *Options {
	o.indexNoSync = true
	return o
}

// WithClock sets the wall clock an Engine reads for retention.
func WithClock(o *Options, now func() time.Time) *Options {
	o.now = now
	return o
}

// BreakIndex makes the engine's next index checkpoints fail as a bbolt
// write error would.
func BreakIndex(e *Engine) {
	e.ix.mu.Lock()
	e.ix.failApply = errors.New("injected index write failure")
	e.ix.mu.Unlock()
}

// ProveIndexed is Prove's fast path alone: ok is false when the index could
// not give the proof.
func ProveIndexed(r *Reader, seq uint64, ck *Checkpoint) (*Proof, bool) {
	return r.proveIndexed(context.Background(), seq, ck)
}

// WithoutCheckpoints turns checkpoints off, for benchmarks of their cost.
func WithoutCheckpoints(o *Options) *Options {
	o.noCheckpoints = true
	return o
}

// RepairFS is Repair on another filesystem.
func RepairFS(ctx context.Context, fsys vfs.FS, dir string) (*RepairPlan, error) {
	return repairFS(ctx, fsys, dir, time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC))
}
