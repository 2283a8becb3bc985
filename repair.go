package llog

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/lowlightlog/llog/internal/vfs"
	"github.com/lowlightlog/llog/wal"
)

// RepairReport says what Repair did.
type RepairReport struct {
	// Segment is the newest segment, which Repair cut (or set aside whole
	// when its header was damaged).
	Segment string `json:"segment"`
	// Offset is where it was cut: the end of the last intact batch before
	// the damage. Bytes is how many bytes were cut.
	Offset int64 `json:"offset"`
	Bytes  int64 `json:"bytes"`
	// Reason is the damage that made Open refuse the store.
	Reason string `json:"reason"`
	// Backup is the copy of the segment as it was before the cut, kept in
	// the store folder as evidence.
	Backup string `json:"backup"`
	// LastSeq is the last record kept.
	LastSeq uint64 `json:"last_seq"`
}

// Repair makes a store that Open refuses with ErrCorrupt in its newest
// segment openable again, keeping the evidence. It takes the store's lock
// (so it fails with ErrLocked while an Engine has the store open), copies
// the newest segment to "<name>.broken-<time>" (synced), cuts the segment at
// the end of the last intact batch before the damage, and removes the
// index, which the next Open rebuilds. Records after the cut are dropped
// from the store; they stay readable in the backup. Damage in sealed
// segments is not repaired: Open does not read them, and Verify reports it.
//
// Repair returns a nil report and no error when the newest segment needs
// no repair (a torn tail is Open's ordinary work).
func Repair(dir string) (*RepairReport, error) {
	return repairFS(vfs.Default, dir)
}

// repairFS is Repair on fsys: the store's lock and index around
// wal.PlanRepair and RepairPlan.Apply, which classify the damage as Open
// does and cut the segment.
func repairFS(fsys vfs.FS, dir string) (*RepairReport, error) {
	lock, err := fsys.Lock(filepath.Join(dir, lockName))
	if errors.Is(err, vfs.ErrLocked) {
		return nil, fmt.Errorf("%w: %s", ErrLocked, dir)
	}
	if err != nil {
		return nil, fmt.Errorf("llog: lock %s: %w", dir, err)
	}
	defer lock.Close()
	if _, err := openStore(fsys, dir, false); err != nil {
		return nil, fmt.Errorf("llog: repair %s: %w", dir, err)
	}
	plan, err := wal.PlanRepair(fsys, dir)
	if err != nil || plan == nil {
		return nil, wrapOpenErr(err)
	}
	rep := &RepairReport{Segment: plan.Segment, Offset: plan.Cut, Bytes: plan.Size - plan.Cut,
		Reason: plan.Damage.Error()}
	if !plan.Emptied {
		rep.LastSeq = plan.Next - 1
	}
	if rep.Backup, err = plan.Apply(time.Now()); err != nil {
		return nil, fmt.Errorf("llog: %w", err)
	}
	// The index may describe the records that were cut: the next Open
	// rebuilds it from what is left.
	for _, name := range []string{indexName, snapshotName} {
		if err := fsys.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	if err := fsys.SyncDir(dir); err != nil {
		return nil, err
	}
	return rep, nil
}
