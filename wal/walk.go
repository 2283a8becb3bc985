package wal

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"

	"github.com/lowlightlog/llog/internal/vfs"
	"github.com/lowlightlog/llog/segment"
)

// Entry is a committed entry read back from a segment.
type Entry struct {
	Seq uint64
	// Data aliases the walker's buffer: it is valid until the next call to
	// Next.
	Data []byte
	// Offset is where the entry's frame starts in the segment file, End
	// where it ends, and Next where the frame of the entry after it starts:
	// End, or just past the batch's commit frame for the last entry of a
	// batch.
	Offset, End, Next int64
	// Last is true for the last entry of a batch; Link is then the link
	// value stored in the batch's commit frame.
	Last bool
	Link [32]byte
}

// Walker reads one segment file: its header, then its committed entries in
// order with their offsets, then what ends it. It is the one reader of the
// format: recovery, verification, the readers, the index and repair all
// walk segments with it.
//
// Next yields an entry only once the commit frame of its batch has been
// read, so a walker of a segment that is still being written sees whole
// batches only: a consistent committed prefix of the size it had when the
// walker was created. What ends the committed entries is classified as the
// package documentation describes: a clean end (io.EOF), a torn tail
// (*TornError) or corruption (*CorruptionError). Resync goes on after
// corruption; ReadEntries reads entries at a position known to be
// committed (the index's), without waiting for commit frames.
type Walker struct {
	name string
	r    io.ReaderAt
	f    vfs.File // closed by Close; nil when the caller owns r
	size int64
	hdr  segment.Header
	fr   *segment.Reader

	next         uint64   // sequence number of the next batch's first entry
	committedEnd int64    // offset just past the last commit frame read
	link         [32]byte // link of the last batch read

	// The batch being assembled or handed out.
	arena   []byte
	offs    []int64 // frame offsets
	ends    []int   // end of each entry in arena
	pending int     // entries of the current batch handed out so far
	ready   bool    // the batch in arena is committed
	batchLk [32]byte
	first   uint64 // first seq of the ready batch

	// The checkpoint frame of the batch being assembled, when it has one.
	ckptOff int64 // -1 when none
	ckpt    []byte
	onCkpt  func(Checkpoint)

	// The removal frame of the batch being assembled, when it has one.
	rmOff int64 // -1 when none
	rm    []byte
	onRm  func(Removal)

	err    error // sticky error of Next
	damage int64 // offset of the corruption Next returned, for Resync

	// ReadEntries' position: where its next frame starts and the sequence
	// number of the entry expected there.
	runOff int64
	runSeq uint64
}

// OpenWalker opens the segment file called name in dir through fsys for
// reading and checks its header. It takes the file's size once: the walker
// reads that many bytes, so a segment being written is read up to a fixed
// point. An error opening the file wraps the filesystem's (a file removed
// meanwhile matches fs.ErrNotExist); a header that is not a valid segment
// header yields a *CorruptionError whose Reason wraps segment.ErrNotSegment,
// segment.ErrNewerVersion or segment.ErrBadHeader. Close the walker when
// done.
func OpenWalker(fsys vfs.FS, dir, name string) (*Walker, error) {
	if fsys == nil {
		fsys = vfs.Default
	}
	f, err := fsys.Open(filepath.Join(dir, name))
	if err != nil {
		return nil, fmt.Errorf("wal: open segment %s: %w", name, err)
	}
	w, err := walkFile(name, f)
	if err != nil {
		f.Close()
		return nil, err
	}
	w.f = f
	return w, nil
}

// walkFile returns a walker of the open segment file f, which the caller
// keeps owning.
func walkFile(name string, f vfs.File) (*Walker, error) {
	size, err := f.Size()
	if err != nil {
		return nil, fmt.Errorf("wal: size of segment %s: %w", name, err)
	}
	return NewWalker(name, f, size)
}

// NewWalker returns a walker of the first size bytes of r, a segment file
// called name (a base name, used in errors and checked against the header).
// It checks the header as OpenWalker does. The caller keeps owning r.
func NewWalker(name string, r io.ReaderAt, size int64) (*Walker, error) {
	var hb [segment.HeaderSize]byte
	n, err := r.ReadAt(hb[:], 0)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("wal: read header of %s: %w", name, err)
	}
	hdr, err := segment.ParseHeader(hb[:n])
	if err != nil {
		return nil, &CorruptionError{Segment: name, Reason: err}
	}
	if first, ok := ParseSegmentName(name); ok && first != hdr.First {
		return nil, &CorruptionError{Segment: name, Reason: fmt.Errorf("%w: header first seq %d", ErrNameMismatch, hdr.First)}
	}
	return newWalkerAt(name, r, size, hdr), nil
}

// newWalkerAt returns a walker of the first size bytes of r, a segment
// called name whose header is taken to be hdr, whatever the file holds (a
// repair gives the header it rebuilt).
func newWalkerAt(name string, r io.ReaderAt, size int64, hdr segment.Header) *Walker {
	size = max(size, segment.HeaderSize)
	return &Walker{
		name:         name,
		r:            r,
		size:         size,
		hdr:          hdr,
		fr:           segment.NewReader(r, segment.HeaderSize, size),
		next:         hdr.First,
		committedEnd: segment.HeaderSize,
		link:         hdr.Link,
		runOff:       -1,
		ckptOff:      -1,
		rmOff:        -1,
	}
}

// Checkpoint is a checkpoint frame of a committed batch (see
// [Batch.SetCheckpoint]).
type Checkpoint struct {
	// Offset is where the checkpoint frame starts, BatchOffset where its
	// batch starts (its first entry frame, or the checkpoint frame itself
	// when the batch has no entry).
	Offset, BatchOffset int64
	// First is the sequence number of the batch's first entry (the next
	// entry's when the batch has none) and Count its number of entries.
	First uint64
	Count int
	// Payload aliases the walker's buffer: it is valid until the function
	// given to OnCheckpoint returns.
	Payload []byte
}

// OnCheckpoint makes the walker call fn with the checkpoint frame of each
// committed batch that has one, as soon as the batch's commit frame is
// read: before Next hands out the batch's first entry, and also for a
// batch with no entries, which Next skips.
func (w *Walker) OnCheckpoint(fn func(Checkpoint)) { w.onCkpt = fn }

// Removal is the removal frame of a committed batch (see
// [Batch.SetRemoval]).
type Removal struct {
	// Offset is where the removal frame starts: where its batch starts.
	Offset int64
	// From is the sequence number the next entry had before the batch, and
	// Next the one its commit frame gives: the entries From to Next-1 were
	// removed here (none when they are equal).
	From, Next uint64
	// Link is the link of the batch's commit frame: what the next batch
	// continues from.
	Link [32]byte
	// Payload aliases the walker's buffer: it is valid until fn returns.
	Payload []byte
}

// OnRemoval makes the walker call fn with the removal frame of each
// committed batch that has one, as soon as the batch's commit frame is
// read (before the OnCheckpoint function, when the batch also holds a
// checkpoint). Next skips such batches: they hold no entry.
func (w *Walker) OnRemoval(fn func(Removal)) { w.onRm = fn }

// Close closes the file when OpenWalker opened it.
func (w *Walker) Close() error {
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	return err
}

// Name returns the segment's file name.
func (w *Walker) Name() string { return w.name }

// Header returns the segment's header.
func (w *Walker) Header() segment.Header { return w.hdr }

// Size returns the number of bytes the walker reads.
func (w *Walker) Size() int64 { return w.size }

// StartAt makes Next read from offset off, which must be where a batch starts
// (just after the header or after a commit frame), with next the sequence
// number of the entry there. End's link is the header's until a batch has
// been read after StartAt.
func (w *Walker) StartAt(off int64, next uint64) error {
	if off < segment.HeaderSize || off > w.size {
		return fmt.Errorf("wal: read %s from offset %d: outside the file (%d bytes)", w.name, off, w.size)
	}
	w.reset(off, next, w.hdr.Link)
	return nil
}

// reset positions Next at a batch boundary.
func (w *Walker) reset(off int64, next uint64, link [32]byte) {
	w.fr.Reset(w.r, off, w.size)
	w.next = next
	w.committedEnd = off
	w.link = link
	w.arena, w.offs, w.ends = w.arena[:0], w.offs[:0], w.ends[:0]
	w.pending, w.ready, w.err = 0, false, nil
	w.ckptOff, w.rmOff = -1, -1
}

// Next returns the next committed entry. At the end of the committed
// entries it returns io.EOF when the segment ends cleanly, a *TornError when
// a torn tail follows (entries without a commit frame, or damage with no
// valid frame after it), or a *CorruptionError. Every later call returns the
// same error (until Resync or StartAt).
func (w *Walker) Next() (Entry, error) {
	if w.err != nil {
		return Entry{}, w.err
	}
	if !w.ready || w.pending == len(w.ends) {
		if err := w.readBatch(); err != nil {
			w.err = err
			return Entry{}, err
		}
	}
	i := w.pending
	w.pending++
	start := 0
	if i > 0 {
		start = w.ends[i-1]
	}
	data := w.arena[start:w.ends[i]]
	e := Entry{
		Seq:    w.first + uint64(i),
		Data:   data,
		Offset: w.offs[i],
		End:    w.offs[i] + int64(segment.FrameSize(len(data))),
	}
	e.Next = e.End
	if i == len(w.ends)-1 {
		e.Last = true
		e.Link = w.batchLk
		e.Next = w.committedEnd
	}
	return e, nil
}

// ReadToEnd reads the rest of the committed entries without handing them
// out and says how the segment ends: nil when it ends cleanly after a
// commit frame, else what Next returned at the end (a *TornError, a
// *CorruptionError or an I/O error). End then gives the position after the
// last committed batch. Recovery and repair classify the newest segment's
// tail with it.
func (w *Walker) ReadToEnd() error {
	return w.visitToEnd(func(Entry) {})
}

// visitToEnd is ReadToEnd calling fn with each entry.
func (w *Walker) visitToEnd(fn func(Entry)) error {
	for {
		e, err := w.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		fn(e)
	}
}

// End returns, once Next has returned an error, the state after the last
// committed batch: the offset just past it, the sequence number the next
// entry would take and the link of the last batch (the header's link when
// the segment holds no batch).
func (w *Walker) End() (offset int64, next uint64, link [32]byte) {
	return w.committedEnd, w.next, w.link
}

// readBatch reads frames up to and including the next commit frame of a
// batch that has entries, handing the checkpoints of the batches on the
// way to the OnCheckpoint function.
func (w *Walker) readBatch() error {
	for {
		done, err := w.readOneBatch()
		if err != nil || done {
			return err
		}
	}
}

// readOneBatch reads frames up to and including the next commit frame. It
// reports whether the batch holds entries to hand out.
func (w *Walker) readOneBatch() (bool, error) {
	w.arena = w.arena[:0]
	w.offs = w.offs[:0]
	w.ends = w.ends[:0]
	w.pending = 0
	w.ready = false
	w.ckptOff, w.rmOff = -1, -1
	for {
		f, err := w.fr.Next()
		if err == io.EOF {
			if len(w.ends) > 0 || w.ckptOff >= 0 || w.rmOff >= 0 {
				return false, &TornError{Segment: w.name, Offset: w.committedEnd, Size: w.size}
			}
			return false, io.EOF
		}
		var fe *segment.FrameError
		if errors.As(err, &fe) {
			return false, w.classify(fe)
		}
		if err != nil {
			return false, fmt.Errorf("wal: read segment %s: %w", w.name, err)
		}
		switch f.Kind {
		case KindEntry:
			if w.ckptOff >= 0 {
				return false, w.corrupt(f.Offset, w.next+uint64(len(w.ends)),
					fmt.Errorf("%w: an entry follows the checkpoint of its batch", ErrMisplacedCheckpoint))
			}
			if w.rmOff >= 0 {
				return false, w.corrupt(f.Offset, w.next,
					fmt.Errorf("%w: an entry follows the removal of its batch", ErrMisplacedRemoval))
			}
			w.arena = append(w.arena, f.Payload...)
			w.offs = append(w.offs, f.Offset)
			w.ends = append(w.ends, len(w.arena))
		case KindCheckpoint:
			if err := w.checkCheckpointKind(); err != nil {
				return false, w.corrupt(f.Offset, w.next+uint64(len(w.ends)), err)
			}
			if w.ckptOff >= 0 {
				return false, w.corrupt(f.Offset, w.next+uint64(len(w.ends)),
					fmt.Errorf("%w: two checkpoints in one batch", ErrMisplacedCheckpoint))
			}
			w.ckptOff = f.Offset
			w.ckpt = append(w.ckpt[:0], f.Payload...)
		case KindRemoval:
			if w.hdr.Version < removalVersion {
				return false, w.corrupt(f.Offset, w.next,
					fmt.Errorf("%w: kind %d in a version %d segment", ErrMisplacedRemoval, KindRemoval, w.hdr.Version))
			}
			if len(w.ends) > 0 || w.ckptOff >= 0 || w.rmOff >= 0 {
				return false, w.corrupt(f.Offset, w.next+uint64(len(w.ends)),
					fmt.Errorf("%w: not the first frame of its batch", ErrMisplacedRemoval))
			}
			w.rmOff = f.Offset
			w.rm = append(w.rm[:0], f.Payload...)
		case KindCommit:
			c, err := parseCommit(f.Payload)
			switch {
			case err != nil:
			case w.rmOff >= 0 && (c.count != 0 || c.first < w.next):
				// A removal may move the sequence numbers forward, never back.
				err = fmt.Errorf("%w: commit of seq %d..+%d after a removal, expected no entry from seq %d on",
					ErrCommitMismatch, c.first, c.count, w.next)
			case w.rmOff < 0 && (c.first != w.next || int(c.count) != len(w.ends) || (c.count == 0 && w.ckptOff < 0)):
				err = fmt.Errorf("%w: commit of seq %d..+%d after %d entries, expected first seq %d",
					ErrCommitMismatch, c.first, c.count, len(w.ends), w.next)
			}
			if err != nil {
				return false, w.corrupt(f.Offset, w.next, err)
			}
			batchStart := w.committedEnd
			from := w.next
			w.first = c.first
			w.batchLk = c.link
			w.next = c.first + uint64(c.count)
			w.committedEnd = w.fr.Offset()
			w.link = c.link
			if w.rmOff >= 0 && w.onRm != nil {
				w.onRm(Removal{Offset: w.rmOff, From: from, Next: w.next, Link: c.link, Payload: w.rm})
			}
			if w.ckptOff >= 0 && w.onCkpt != nil {
				w.onCkpt(Checkpoint{Offset: w.ckptOff, BatchOffset: batchStart, First: c.first, Count: int(c.count), Payload: w.ckpt})
			}
			if c.count == 0 {
				return false, nil
			}
			w.ready = true
			return true, nil
		default:
			return false, w.corrupt(f.Offset, w.next, fmt.Errorf("%w %d", ErrUnknownKind, f.Kind))
		}
	}
}

// checkCheckpointKind returns an error when the segment's version has no
// checkpoint frames.
func (w *Walker) checkCheckpointKind() error {
	if w.hdr.Version < checkpointVersion {
		return fmt.Errorf("%w: kind %d in a version %d segment", ErrMisplacedCheckpoint, KindCheckpoint, w.hdr.Version)
	}
	return nil
}

// corrupt returns the corruption at off and remembers where it is.
func (w *Walker) corrupt(off int64, seq uint64, reason error) error {
	w.damage = off
	return &CorruptionError{Segment: w.name, Offset: off, Seq: seq, Reason: reason}
}

// classify decides whether a frame that does not decode is a torn tail or
// corruption: it is corruption when any valid frame starts after it.
func (w *Walker) classify(fe *segment.FrameError) error {
	off, found, err := segment.FindFrame(w.r, fe.Offset+1, w.size)
	if err != nil {
		return fmt.Errorf("wal: read segment %s: %w", w.name, err)
	}
	if found {
		return w.corrupt(fe.Offset, w.next+uint64(len(w.ends)),
			fmt.Errorf("%w; a valid frame follows at offset %d", fe.Reason, off))
	}
	return &TornError{Segment: w.name, Offset: w.committedEnd, Size: w.size, Reason: fe}
}

// Resync makes Next go on after the *CorruptionError it returned: from just
// after the first valid commit frame that follows the damage, with the
// sequence number and link that commit frame gives. The batch the damage is
// in is skipped (and, when the damage is in a commit frame, the batch after
// it too: its first entry's sequence number is known only from its own
// commit frame). End tells where reading resumes. Resync returns false when
// no valid commit frame follows the damage; Next then keeps returning the
// corruption.
func (w *Walker) Resync() (bool, error) {
	var ce *CorruptionError
	if !errors.As(w.err, &ce) {
		return false, fmt.Errorf("wal: resync %s: no corruption to go on after", w.name)
	}
	for from := w.damage + 1; from < w.size; {
		start, found, err := segment.FindFrame(w.r, from, w.size)
		if err != nil {
			return false, fmt.Errorf("wal: read segment %s: %w", w.name, err)
		}
		if !found {
			return false, nil
		}
		w.fr.Reset(w.r, start, w.size)
		for {
			f, err := w.fr.Next()
			if err != nil {
				break // damage again: search after it
			}
			if f.Kind != KindCommit {
				continue
			}
			c, err := parseCommit(f.Payload)
			if err != nil || (c.count == 0 && w.hdr.Version < checkpointVersion) {
				continue
			}
			w.reset(w.fr.Offset(), c.first+uint64(c.count), c.link)
			return true, nil
		}
		if next := w.fr.Offset() + 1; next > from {
			from = next
		} else {
			from++
		}
	}
	return false, nil
}

// EntryAt returns the payload of the entry frame that starts at offset off,
// reading it into buf when it has room. The readers use it to fetch an
// entry they located earlier.
func (w *Walker) EntryAt(off int64, buf []byte) ([]byte, error) {
	var h [segment.FrameHeaderSize]byte
	if _, err := w.r.ReadAt(h[:], off); err != nil {
		return nil, fmt.Errorf("wal: read %s at offset %d: %w", w.name, off, err)
	}
	n, err := segment.PayloadLen(h[:])
	if err != nil {
		return nil, &CorruptionError{Segment: w.name, Offset: off, Reason: err}
	}
	if cap(buf) < segment.FrameHeaderSize+n {
		buf = make([]byte, segment.FrameHeaderSize+n)
	}
	buf = buf[:segment.FrameHeaderSize+n]
	if _, err := w.r.ReadAt(buf, off); err != nil {
		return nil, fmt.Errorf("wal: read %s at offset %d: %w", w.name, off, err)
	}
	f, err := segment.DecodeFrame(buf)
	if err != nil {
		return nil, &CorruptionError{Segment: w.name, Offset: off, Reason: err}
	}
	if f.Kind != KindEntry {
		return nil, &CorruptionError{Segment: w.name, Offset: off,
			Reason: fmt.Errorf("%w: kind %d is not an entry", segment.ErrInvalidFrame, f.Kind)}
	}
	return f.Payload, nil
}

// ReadEntries calls fn with n consecutive entries (each one's sequence
// number, frame offset and data), the first of which is
// entry seq and starts at offset off: a position the caller knows is
// committed (the index records only committed entries), so entries are
// handed out as they are read, without waiting for their batch's commit
// frame, and reading stops after the n-th. Commit frames on the way are
// skipped after checking that they close the entries before them. data
// aliases the walker's buffer and is valid until fn returns.
//
// Consecutive calls for runs that follow each other (perhaps across a
// commit frame) read on without seeking. The file may grow meanwhile:
// ReadEntries reads up to its current size.
func (w *Walker) ReadEntries(off int64, seq uint64, n int, fn func(seq uint64, off int64, data []byte) error) error {
	size := w.size
	if w.f != nil {
		s, err := w.f.Size()
		if err != nil {
			return fmt.Errorf("wal: size of segment %s: %w", w.name, err)
		}
		size = s
	}
	if w.runOff >= 0 && w.runSeq == seq && w.runOff <= off && off-w.runOff <= int64(segment.FrameSize(commitSize)) &&
		w.fr.Err() == nil {
		// The run follows the one read last: read on, keeping what is
		// buffered.
		w.fr.SetEnd(size)
	} else {
		w.fr.Reset(w.r, off, size)
	}
	w.err = errNextAfterRun // Next's batch state is gone
	w.runOff = -1
	for i := 0; i < n; {
		f, err := w.fr.Next()
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		var fe *segment.FrameError
		if errors.As(err, &fe) {
			err = &CorruptionError{Segment: w.name, Offset: fe.Offset, Seq: seq, Reason: fe}
		}
		if err != nil {
			return fmt.Errorf("wal: read %s from offset %d (seq %d): %w", w.name, off, seq, err)
		}
		switch {
		case f.Kind == KindCheckpoint:
			if err := w.checkCheckpointKind(); err != nil {
				return &CorruptionError{Segment: w.name, Offset: f.Offset, Seq: seq, Reason: err}
			}
			continue
		case f.Kind == KindRemoval && w.hdr.Version >= removalVersion:
			continue // its commit frame must not move the run's sequence numbers
		case f.Offset < off:
			// The commit frame between the last run and this one.
			if err := checkRunCommit(f, seq); err != nil {
				return &CorruptionError{Segment: w.name, Offset: f.Offset, Seq: seq, Reason: err}
			}
			continue
		case f.Kind == KindCommit:
			if err := checkRunCommit(f, seq); err != nil {
				return &CorruptionError{Segment: w.name, Offset: f.Offset, Seq: seq, Reason: err}
			}
			continue
		case f.Kind != KindEntry:
			return &CorruptionError{Segment: w.name, Offset: f.Offset, Seq: seq, Reason: fmt.Errorf("%w %d", ErrUnknownKind, f.Kind)}
		}
		if err := fn(seq, f.Offset, f.Payload); err != nil {
			return err
		}
		seq++
		i++
	}
	w.runOff, w.runSeq = w.fr.Offset(), seq
	return nil
}

// errNextAfterRun is what Next returns after ReadEntries moved the walker.
var errNextAfterRun = errors.New("wal: Next after ReadEntries: StartAt first")

// checkRunCommit checks a commit frame met by ReadEntries before the entry
// with sequence number seq: it must close a batch that ends just before it.
func checkRunCommit(f segment.Frame, seq uint64) error {
	if f.Kind != KindCommit {
		return fmt.Errorf("%w: an entry frame before the position read from", ErrCommitMismatch)
	}
	c, err := parseCommit(f.Payload)
	if err != nil {
		return err
	}
	if c.first+uint64(c.count) != seq {
		return fmt.Errorf("%w: commit of seq %d..+%d before seq %d", ErrCommitMismatch, c.first, c.count, seq)
	}
	return nil
}

// SegmentInfo describes a segment file of a log.
type SegmentInfo struct {
	Name  string // base file name
	First uint64 // sequence number of its first entry (from the name)
	Size  int64  // size in bytes when listed
}

// ListSegments returns the segment files in dir, oldest first, with their
// sizes. Other files are ignored.
//
// The list holds every segment of one moment, even while a writer in
// another process adds segments. A directory listing does not promise
// that: a file renamed into the folder while it is read may be left out
// while a later one is listed (ext4 does so once the entries take more
// than one read, about 170 segments), and a reader would then see records
// missing between two segments. So ListSegments lists until two listings
// in a row name the same segments: a segment renamed during one listing is
// there for the whole of the next, so two equal listings leave none out.
// After [maxListings] listings, each unlike the one before, it returns an
// error.
func ListSegments(fsys vfs.FS, dir string) ([]SegmentInfo, error) {
	if fsys == nil {
		fsys = vfs.Default
	}
	names, err := segmentNames(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("wal: list %s: %w", dir, err)
	}
	for listed := 1; ; listed++ {
		again, err := segmentNames(fsys, dir)
		if err != nil {
			return nil, fmt.Errorf("wal: list %s: %w", dir, err)
		}
		if slices.Equal(again, names) {
			break
		}
		if listed == maxListings {
			return nil, fmt.Errorf("wal: list %s: the segments changed in each of %d listings", dir, maxListings)
		}
		names = again
	}
	var segs []SegmentInfo
	for _, name := range names {
		first, _ := ParseSegmentName(name)
		fi, err := fsys.Stat(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("wal: stat %s: %w", name, err)
		}
		segs = append(segs, SegmentInfo{Name: name, First: first, Size: fi.Size()})
	}
	return segs, nil // ReadDir sorts names, and fixed-width names sort by number
}

// maxListings bounds the directory listings of one ListSegments. Two agree
// unless a segment is added during the first; only a writer that rotates
// faster than a folder can be listed would make every one differ.
const maxListings = 100

// segmentNames lists the segment files in dir, sorted.
func segmentNames(fsys vfs.FS, dir string) ([]string, error) {
	names, err := fsys.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(names, func(name string) bool {
		_, ok := ParseSegmentName(name)
		return !ok
	}), nil
}
