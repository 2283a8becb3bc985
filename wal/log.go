package wal

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/lowlightlog/llog/internal/hooks"
	"github.com/lowlightlog/llog/internal/vfs"
	"github.com/lowlightlog/llog/segment"
)

// Options configure a Log. The zero value is usable.
type Options struct {
	// FS is the filesystem; nil means the operating system's.
	FS vfs.FS
	// SegmentSize is the size in bytes at which the active segment is
	// sealed and the next batch starts a new one. Zero means 64 MiB. A batch
	// is never split, so a segment can exceed this by one batch.
	SegmentSize int64
	// First is the sequence number of the first entry of a new log. Zero
	// means 1. It is ignored when the log already has segments.
	First uint64
	// Link is stored in the header of the first segment of a new log. It is
	// ignored when the log already has segments.
	Link [32]byte
	// Perm is the permission of created files. Zero means 0600.
	Perm uint32
	// OnRecover, OnRecoverCheckpoint and OnRecoverRemoval, when set, are
	// called by Open with each committed entry, checkpoint frame and removal
	// frame of the newest segment as recovery reads them (as a Walker's
	// Next, OnCheckpoint and OnRemoval give them), so that the caller can
	// rebuild state from the newest segment without reading it again. The
	// frames of batches in a torn tail are not given. Data and Payload are
	// valid during the call.
	OnRecover           func(e Entry)
	OnRecoverCheckpoint func(c Checkpoint)
	OnRecoverRemoval    func(r Removal)
}

// DefaultSegmentSize is the segment size used when Options.SegmentSize is 0.
const DefaultSegmentSize = 64 << 20

// Recovery describes what Open did to the newest segment.
type Recovery struct {
	// Torn is set when Open truncated a torn tail.
	Torn *TornError
	// Removed lists temporary files Open deleted (interrupted segment
	// creations).
	Removed []string
	// Checkpoint is the last checkpoint frame committed in the newest
	// segment (its Payload a copy), or nil when it has none.
	Checkpoint *Checkpoint
	// Segment is the newest segment's name.
	Segment string
}

// CommitInfo describes where a committed batch went.
type CommitInfo struct {
	Segment      string        // file name of the segment holding the batch
	SegmentFirst uint64        // first sequence number of that segment
	Offset       int64         // offset of the batch's first frame in that segment
	First        uint64        // sequence number of the batch's first entry
	Rotated      bool          // a new segment was started for this batch
	Bytes        int           // bytes written, frames and commit frame
	Added        int64         // bytes the log's files grew by: Bytes, plus the new segment's header when Rotated
	Sync         time.Duration // time the fdatasync took
}

// Log is an open log, written by one goroutine at a time. It holds a sticky
// error: after a failed write, sync or rotation every later Commit returns
// that error, because the state of the file is no longer known and an fsync
// must never be retried as if it had succeeded. Reopening the log recovers.
type Log struct {
	fs   vfs.FS
	dir  string
	opts Options

	f       vfs.File // active segment
	size    int64    // size of the active segment
	version uint16   // header version of the active segment

	mu   sync.Mutex    // guards segs: Remove and Segments may run beside Commit
	segs []SegmentInfo // all segments, oldest first; the last is active

	next  uint64   // sequence number of the next entry
	link  [32]byte // link of the last committed batch
	err   error    // sticky failure
	close bool
}

// Open opens the log in dir, creating its first segment when dir holds
// none. It recovers the newest segment as the package documentation
// describes: a torn tail is truncated (and reported), corruption fails with
// a *CorruptionError and changes nothing.
func Open(dir string, opts Options) (*Log, *Recovery, error) {
	if opts.FS == nil {
		opts.FS = vfs.Default
	}
	if opts.SegmentSize <= 0 {
		opts.SegmentSize = DefaultSegmentSize
	}
	if opts.First == 0 {
		opts.First = 1
	}
	if opts.Perm == 0 {
		opts.Perm = 0o600
	}
	l := &Log{fs: opts.FS, dir: dir, opts: opts}
	rec := &Recovery{}

	names, err := l.fs.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("wal: open %s: %w", dir, err)
	}
	for _, name := range names {
		if strings.HasSuffix(name, Ext+tmpExt) {
			if err := l.fs.Remove(filepath.Join(dir, name)); err != nil {
				return nil, nil, fmt.Errorf("wal: remove %s: %w", name, err)
			}
			rec.Removed = append(rec.Removed, name)
		}
	}
	if len(rec.Removed) > 0 {
		if err := l.fs.SyncDir(dir); err != nil {
			return nil, nil, fmt.Errorf("wal: sync dir %s: %w", dir, err)
		}
	}
	if l.segs, err = ListSegments(l.fs, dir); err != nil {
		return nil, nil, err
	}
	if len(l.segs) == 0 {
		if err := l.create(opts.First, opts.Link); err != nil {
			return nil, nil, err
		}
		return l, rec, nil
	}
	if err := l.recover(rec); err != nil {
		return nil, nil, err
	}
	return l, rec, nil
}

// recover scans the newest segment and truncates a torn tail.
func (l *Log) recover(rec *Recovery) error {
	last := &l.segs[len(l.segs)-1]
	f, err := l.fs.OpenRW(filepath.Join(l.dir, last.Name))
	if err != nil {
		return fmt.Errorf("wal: open segment %s: %w", last.Name, err)
	}
	w, err := walkFile(last.Name, f)
	if err == nil {
		w.OnCheckpoint(func(c Checkpoint) {
			if l.opts.OnRecoverCheckpoint != nil {
				l.opts.OnRecoverCheckpoint(c)
			}
			c.Payload = append([]byte(nil), c.Payload...)
			rec.Checkpoint = &c
		})
		if l.opts.OnRecoverRemoval != nil {
			w.OnRemoval(l.opts.OnRecoverRemoval)
		}
		if l.opts.OnRecover != nil {
			err = w.visitToEnd(l.opts.OnRecover)
		} else {
			err = w.ReadToEnd()
		}
	}
	rec.Segment = last.Name
	if w == nil {
		f.Close()
		return err
	}
	size := w.Size()
	end, next, link := w.End()
	var torn *TornError
	switch {
	case err == nil:
	case errors.As(err, &torn):
		if err := f.Truncate(end); err != nil {
			f.Close()
			return fmt.Errorf("wal: truncate torn tail of %s: %w", last.Name, err)
		}
		rec.Torn = torn
		size = end
		hooks.Fire(hooks.RecoverAfterTruncate)
	default:
		f.Close()
		return err
	}
	// Sync what the scan found before appending after it: the last run may
	// have written batches whose fsync failed or never ran, and records
	// acknowledged from now on must not rest on bytes that exist only in
	// the page cache.
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("wal: sync %s: %w", last.Name, err)
	}
	if err := l.fs.SyncDir(l.dir); err != nil {
		f.Close()
		return fmt.Errorf("wal: sync dir %s: %w", l.dir, err)
	}
	l.f = f
	l.size = size
	l.version = w.Header().Version
	last.Size = size
	l.next = next
	l.link = link
	return nil
}

// create writes a new segment whose first entry will be first: header to a
// temporary file, sync, rename, directory sync. It becomes the active
// segment.
func (l *Log) create(first uint64, link [32]byte) error {
	name := SegmentName(first)
	path := filepath.Join(l.dir, name)
	tmp := path + tmpExt
	f, err := l.fs.Create(tmp, fs.FileMode(l.opts.Perm))
	if err != nil {
		return fmt.Errorf("wal: create segment %s: %w", name, err)
	}
	hdr := segment.AppendHeader(nil, segment.Header{First: first, Link: link})
	if _, err := f.WriteAt(hdr, 0); err != nil {
		f.Close()
		return fmt.Errorf("wal: write header of %s: %w", name, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("wal: sync new segment %s: %w", name, err)
	}
	hooks.Fire(hooks.RotateAfterCreate)
	if err := l.fs.Rename(tmp, path); err != nil {
		f.Close()
		return fmt.Errorf("wal: rename new segment %s: %w", name, err)
	}
	hooks.Fire(hooks.RotateAfterRename)
	if err := l.fs.SyncDir(l.dir); err != nil {
		f.Close()
		return fmt.Errorf("wal: sync dir after creating %s: %w", name, err)
	}
	hooks.Fire(hooks.RotateAfterDirSync)
	if l.f != nil {
		l.f.Close() // synced at its last commit
	}
	l.f = f
	l.size = segment.HeaderSize
	l.version = segment.Version
	l.next = first
	l.link = link
	l.mu.Lock()
	if n := len(l.segs); n > 0 && l.segs[n-1].Name == name {
		// A header-only segment of an older version, replaced.
		l.segs[n-1].Size = segment.HeaderSize
	} else {
		l.segs = append(l.segs, SegmentInfo{Name: name, First: first, Size: segment.HeaderSize})
	}
	l.mu.Unlock()
	return nil
}

// NextSeq returns the sequence number the next committed entry will take.
func (l *Log) NextSeq() uint64 { return l.next }

// Link returns the link value of the last committed batch, or the active
// segment's header link when no batch has been committed to it.
func (l *Log) Link() [32]byte { return l.link }

// Err returns the sticky error, or nil.
func (l *Log) Err() error { return l.err }

// Segments returns a copy of the list of segments, oldest first; the last
// one is active. It may be called while another goroutine commits.
func (l *Log) Segments() []SegmentInfo {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]SegmentInfo(nil), l.segs...)
}

// Rotates reports whether committing b starts a new segment: b has
// entries and the active segment has reached the size limit (a batch of a
// checkpoint alone goes in the active segment whatever its size), or the
// active segment is of a header version older than segment.Version (a log
// written by an older version goes on in a new segment, so that it can
// hold checkpoint frames).
func (l *Log) Rotates(b *Batch) bool {
	return (b.Len() > 0 && l.size >= l.opts.SegmentSize && l.size > segment.HeaderSize) || l.version < segment.Version
}

// StartsSegment reports whether b, committed next, is the first batch of
// its segment: Rotates(b) is true, or the active segment holds no batch.
func (l *Log) StartsSegment(b *Batch) bool { return l.Rotates(b) || l.size == segment.HeaderSize }

// Commit writes the batch's entries (or its removal frame), its checkpoint
// frame if it has one and a commit frame carrying link at the end of the
// active segment and syncs it, starting a new segment first when Rotates(b)
// says so. The entries take consecutive sequence numbers from NextSeq; a
// removal that moves the sequence numbers forward (Batch.SetRemoval) sets
// NextSeq. On any error writing the log is failed for good (see Log). A
// batch with no entry, checkpoint or removal commits nothing.
func (l *Log) Commit(b *Batch, link [32]byte) (CommitInfo, error) {
	if l.close {
		return CommitInfo{}, ErrClosed
	}
	if l.err != nil {
		return CommitInfo{}, l.err
	}
	if b.Len() == 0 && !b.HasCheckpoint() && !b.HasRemoval() {
		return CommitInfo{}, nil
	}
	first := l.next
	if b.HasRemoval() && b.next != 0 {
		if b.next < l.next {
			return CommitInfo{}, fmt.Errorf("wal: a removal cannot move the log back from seq %d to %d", l.next, b.next)
		}
		first = b.next
	}
	var info CommitInfo
	if l.Rotates(b) {
		if err := l.create(l.next, l.link); err != nil {
			l.err = err
			return CommitInfo{}, err
		}
		info.Rotated = true
	}
	n := len(b.buf)
	buf, err := appendCommit(b.buf, commit{first: first, count: uint32(b.Len()), link: link})
	if err != nil {
		panic(err) // a 44-byte payload always fits
	}
	b.buf = buf
	defer func() { b.buf = b.buf[:n] }()

	l.mu.Lock()
	active := l.segs[len(l.segs)-1]
	l.mu.Unlock()
	hooks.Fire(hooks.CommitBeforeWrite)
	start := time.Now()
	if sw, ok := l.f.(vfs.SyncWriterAt); ok {
		// One system call writes and syncs.
		if _, err := sw.WriteAtSync(buf, l.size); err != nil {
			l.err = fmt.Errorf("wal: write and sync %s at offset %d: %w", active.Name, l.size, err)
			return CommitInfo{}, l.err
		}
	} else {
		if _, err := l.f.WriteAt(buf, l.size); err != nil {
			l.err = fmt.Errorf("wal: write to %s at offset %d: %w", active.Name, l.size, err)
			return CommitInfo{}, l.err
		}
		hooks.Fire(hooks.CommitBeforeSync)
		start = time.Now()
		if err := l.f.Sync(); err != nil {
			l.err = fmt.Errorf("wal: sync %s: %w", active.Name, err)
			return CommitInfo{}, l.err
		}
	}
	hooks.Fire(hooks.CommitAfterSync)
	info.Sync = time.Since(start)
	info.Segment = active.Name
	info.SegmentFirst = active.First
	info.Offset = l.size
	info.First = first
	info.Bytes = len(buf)
	info.Added = int64(len(buf))
	if info.Rotated {
		info.Added += segment.HeaderSize
	}
	l.size += int64(len(buf))
	l.mu.Lock()
	l.segs[len(l.segs)-1].Size = l.size
	l.mu.Unlock()
	l.next = first + uint64(b.Len())
	l.link = link
	return info, nil
}

// Remove deletes the oldest segment and syncs the directory. It refuses to
// remove the active segment. It may run while another goroutine commits.
// Retention uses it: which segments may go is the caller's decision. A
// segment file that is already gone (a removal interrupted by a crash and
// finished now) is not an error.
func (l *Log) Remove(name string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.close {
		return ErrClosed
	}
	if len(l.segs) < 2 || l.segs[0].Name != name {
		return fmt.Errorf("wal: remove %s: only the oldest sealed segment can be removed", name)
	}
	if err := l.fs.Remove(filepath.Join(l.dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("wal: remove %s: %w", name, err)
	}
	hooks.Fire(hooks.RetentionAfterUnlink)
	if err := l.fs.SyncDir(l.dir); err != nil {
		return fmt.Errorf("wal: sync dir after removing %s: %w", name, err)
	}
	l.segs = l.segs[1:]
	return nil
}

// Close closes the active segment. Every committed batch is already
// durable; Close does not sync. It is safe to call more than once.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.close {
		return nil
	}
	l.close = true
	if l.f == nil {
		return nil
	}
	return l.f.Close()
}
