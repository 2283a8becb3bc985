package wal

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/lowlightlog/llog/internal/vfs"
	"github.com/lowlightlog/llog/segment"
)

// BrokenExt starts the suffix of the copy Repair keeps of a segment it cut:
// "<name>.broken-<UTC time>". Open and ListSegments ignore such files.
const BrokenExt = ".broken-"

// RepairPlan says what repairing the newest segment of a log would do.
// PlanRepair makes one without changing anything; Apply carries it out.
//
// Repair is for what Open refuses: corruption in the newest segment (a bad
// frame with valid frames after it, a commit frame that contradicts its
// batch, a damaged header). It cuts the segment at the end of the last
// intact batch before the damage, or sets the segment aside whole when its
// header is unreadable, after keeping a copy.
type RepairPlan struct {
	// Segment is the newest segment's file name and Size its size.
	Segment string
	Size    int64
	// Damage is the corruption that makes Open refuse the log.
	Damage *CorruptionError
	// Cut is where the segment is cut: the end of the last intact batch
	// before the damage. Zero means the header is unreadable and the whole
	// file is set aside.
	Cut int64
	// Next is the sequence number of the first entry after the cut: the
	// entries from Next on leave the log. Link is the link of the last
	// batch kept (the segment header's when none is), which a record of
	// the repair can anchor the rest of the chain to.
	Next uint64
	Link [32]byte
	// Emptied is set when the segment set aside whole is the log's only
	// one: no entry is left, and the next Open starts a new log.
	Emptied bool
	// Later lists the runs of batches after the damage that still read
	// cleanly, in order. Cutting removes them too (they stay in the copy):
	// keeping them would need the log to skip the damaged sequence numbers.
	Later []Span

	fs  vfs.FS
	dir string
}

// Span is a run of consecutive intact batches in a segment: the bytes from
// Offset to End hold the entries First to Last with their commit frames.
type Span struct {
	Offset, End int64
	First, Last uint64
}

// LaterEntries returns the number of entries in the intact batches after
// the damage.
func (p *RepairPlan) LaterEntries() uint64 {
	var n uint64
	for _, s := range p.Later {
		n += s.Last - s.First + 1
	}
	return n
}

// PlanRepair reads the newest segment of the log in dir and returns what
// repairing it would do. It returns nil and no error when the segment needs
// no repair: it ends cleanly or in a torn tail, which Open truncates by
// itself (the tail is classified exactly as Open classifies it). A segment
// written by a newer format version is not repaired: the error matches
// segment.ErrNewerVersion. It changes nothing.
func PlanRepair(fsys vfs.FS, dir string) (*RepairPlan, error) {
	if fsys == nil {
		fsys = vfs.Default
	}
	segs, err := ListSegments(fsys, dir)
	if err != nil || len(segs) == 0 {
		return nil, err
	}
	last := segs[len(segs)-1]
	p := &RepairPlan{Segment: last.Name, Size: last.Size, fs: fsys, dir: dir}
	w, err := OpenWalker(fsys, dir, last.Name)
	var ce *CorruptionError
	switch {
	case errors.Is(err, segment.ErrNewerVersion):
		return nil, err
	case errors.As(err, &ce):
		// The header is damaged: the whole file goes aside, and the log
		// continues from the segment before it.
		p.Damage = ce
		p.Next = last.First
		p.Emptied = len(segs) == 1
		return p, nil
	case err != nil:
		return nil, err
	}
	defer w.Close()
	p.Size = w.Size()
	err = w.ReadToEnd()
	if err == nil || errors.Is(err, ErrTorn) {
		return nil, nil // nothing Open cannot handle
	}
	if !errors.As(err, &ce) {
		return nil, err
	}
	p.Damage = ce
	p.Cut, p.Next, p.Link = w.End()
	return p, p.survey(w)
}

// survey fills p.Later: it resumes after each damage and records the runs
// of batches that read cleanly.
func (p *RepairPlan) survey(w *Walker) error {
	for {
		ok, err := w.Resync()
		if err != nil || !ok {
			return err
		}
		start, first, _ := w.End()
		for err == nil {
			_, err = w.Next()
		}
		if end, next, _ := w.End(); next > first {
			p.Later = append(p.Later, Span{Offset: start, End: end, First: first, Last: next - 1})
		}
		if err == io.EOF || errors.Is(err, ErrTorn) {
			return nil
		}
		if !errors.Is(err, ErrCorrupt) {
			return err
		}
	}
}

// Apply carries out the plan: it copies the segment, as it is, to
// "<name>.broken-<now>" in the log's directory (temporary file, sync,
// rename, directory sync), then cuts the segment at Cut and syncs it, or
// removes it when its header is unreadable, and syncs the directory. It
// returns the copy's file name. It refuses to act when the segment is no
// longer the size the plan saw. The caller must hold whatever lock keeps
// writers out of the log.
func (p *RepairPlan) Apply(now time.Time) (backup string, err error) {
	path := filepath.Join(p.dir, p.Segment)
	f, err := p.fs.OpenRW(path)
	if err != nil {
		return "", fmt.Errorf("wal: repair: open %s: %w", p.Segment, err)
	}
	defer f.Close()
	size, err := f.Size()
	if err != nil {
		return "", fmt.Errorf("wal: repair: size of %s: %w", p.Segment, err)
	}
	if size != p.Size {
		return "", fmt.Errorf("wal: repair: %s is %d bytes, the plan saw %d: plan again", p.Segment, size, p.Size)
	}
	// Keep the evidence: a synced copy, under a name Open ignores.
	data := make([]byte, size)
	if _, err := f.ReadAt(data, 0); err != nil && err != io.EOF {
		return "", fmt.Errorf("wal: repair: read %s: %w", p.Segment, err)
	}
	backup = p.Segment + BrokenExt + now.UTC().Format("20060102T150405Z")
	if err := vfs.WriteFileAtomic(p.fs, p.dir, filepath.Join(p.dir, backup), data, 0o600); err != nil {
		return "", fmt.Errorf("wal: repair: back up %s: %w", p.Segment, err)
	}
	if p.Cut == 0 {
		// Set the unreadable segment aside; the one before it becomes the
		// newest.
		if err := p.fs.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return backup, fmt.Errorf("wal: repair: remove %s: %w", p.Segment, err)
		}
	} else {
		if err := f.Truncate(p.Cut); err != nil {
			return backup, fmt.Errorf("wal: repair: cut %s: %w", p.Segment, err)
		}
		if err := f.Sync(); err != nil {
			return backup, fmt.Errorf("wal: repair: sync %s: %w", p.Segment, err)
		}
	}
	if err := p.fs.SyncDir(p.dir); err != nil {
		return backup, fmt.Errorf("wal: repair: sync dir %s: %w", p.dir, err)
	}
	return backup, nil
}
