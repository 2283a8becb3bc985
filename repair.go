package llog

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/lowlightlog/llog/internal/vfs"
	"github.com/lowlightlog/llog/segment"
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
	segs, err := wal.ListSegments(fsys, dir)
	if err != nil || len(segs) == 0 {
		return nil, err
	}
	last := segs[len(segs)-1]
	path := filepath.Join(dir, last.Name)
	f, err := fsys.OpenRW(path)
	if err != nil {
		return nil, fmt.Errorf("llog: repair: %w", err)
	}
	defer f.Close()
	size, err := f.Size()
	if err != nil {
		return nil, err
	}
	rep := &RepairReport{Segment: last.Name}
	sr, err := wal.NewSegmentReader(last.Name, f, size)
	var ce *wal.CorruptionError
	switch {
	case errors.Is(err, segment.ErrNewerVersion):
		return nil, fmt.Errorf("%w: %w", ErrNewerVersion, err)
	case errors.As(err, &ce):
		// The header is damaged: the whole file goes aside.
		rep.Reason = ce.Error()
		rep.Bytes = size
	case err != nil:
		return nil, err
	default:
		for err == nil {
			_, err = sr.Next()
		}
		if err == io.EOF || errors.Is(err, wal.ErrTorn) {
			return nil, nil // nothing Open cannot handle
		}
		if !errors.As(err, &ce) {
			return nil, err
		}
		end, next, _ := sr.End()
		rep.Reason = ce.Error()
		rep.Offset = end
		rep.Bytes = size - end
		rep.LastSeq = next - 1
	}

	// Keep the evidence: a synced copy, under a name Open ignores.
	data := make([]byte, size)
	if _, err := f.ReadAt(data, 0); err != nil && err != io.EOF {
		return nil, err
	}
	backup := last.Name + ".broken-" + time.Now().UTC().Format("20060102T150405Z")
	if err := vfs.WriteFileAtomic(fsys, dir, filepath.Join(dir, backup), data, filePerm); err != nil {
		return nil, fmt.Errorf("llog: repair: back up %s: %w", last.Name, err)
	}
	rep.Backup = backup

	if rep.Offset == 0 {
		// Set the unreadable segment aside; the one before it becomes the
		// newest.
		if err := fsys.Remove(path); err != nil {
			return nil, err
		}
		if len(segs) > 1 {
			rep.LastSeq = last.First - 1
		}
	} else {
		if err := f.Truncate(rep.Offset); err != nil {
			return nil, fmt.Errorf("llog: repair: cut %s: %w", last.Name, err)
		}
		if err := f.Sync(); err != nil {
			return nil, fmt.Errorf("llog: repair: sync %s: %w", last.Name, err)
		}
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
