package wal

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/lowlightlog/llog/internal/vfs"
	"github.com/lowlightlog/llog/segment"
)

// Entry is a committed entry read back from a segment.
type Entry struct {
	Seq uint64
	// Data aliases the reader's buffer: it is valid until the next call to
	// Next.
	Data []byte
	// Offset is where the entry's frame starts in the segment file.
	Offset int64
	// Last is true for the last entry of a batch; Link is then the link
	// value stored in the batch's commit frame.
	Last bool
	Link [32]byte
}

// SegmentReader reads the committed entries of one segment file in order.
// It yields an entry only once the commit frame of its batch has been read,
// so a reader of a segment that is still being written sees whole batches
// only: a consistent committed prefix.
type SegmentReader struct {
	name string
	r    io.ReaderAt
	size int64
	hdr  segment.Header
	fr   *segment.Reader

	next         uint64 // sequence number of the next batch's first entry
	committedEnd int64  // offset just past the last commit frame read
	link         [32]byte

	// The batch being assembled or handed out.
	arena   []byte
	offs    []int64 // frame offsets
	ends    []int   // end of each entry in arena
	pending int     // entries of the current batch handed out so far
	ready   bool    // the batch in arena is committed
	batchLk [32]byte
	first   uint64 // first seq of the ready batch

	err error
}

// NewSegmentReader checks the header of the segment file called name (a
// base name, used in errors) whose bytes are r, of which the first size
// bytes are read. A header that is not a valid segment header yields a
// *CorruptionError whose Reason wraps segment.ErrNotSegment,
// segment.ErrNewerVersion or segment.ErrBadHeader.
func NewSegmentReader(name string, r io.ReaderAt, size int64) (*SegmentReader, error) {
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
	return &SegmentReader{
		name:         name,
		r:            r,
		size:         size,
		hdr:          hdr,
		fr:           segment.NewReader(r, segment.HeaderSize, size),
		next:         hdr.First,
		committedEnd: segment.HeaderSize,
		link:         hdr.Link,
	}, nil
}

// NewSegmentReaderFrom is NewSegmentReader for reading from offset off,
// which must be where a batch starts (just after the header or after a
// commit frame), with next the sequence number of the entry there.
func NewSegmentReaderFrom(name string, r io.ReaderAt, size, off int64, next uint64) (*SegmentReader, error) {
	sr, err := NewSegmentReader(name, r, size)
	if err != nil {
		return nil, err
	}
	if off < segment.HeaderSize || off > size {
		return nil, fmt.Errorf("wal: read %s from offset %d: outside the file (%d bytes)", name, off, size)
	}
	sr.fr = segment.NewReader(r, off, size)
	sr.next = next
	sr.committedEnd = off
	return sr, nil
}

// Header returns the segment's header.
func (sr *SegmentReader) Header() segment.Header { return sr.hdr }

// Next returns the next committed entry. At the end of the committed
// entries it returns io.EOF when the segment ends cleanly, a *TornError when
// a torn tail follows (entries without a commit frame, or damage with no
// valid frame after it), or a *CorruptionError. Every later call returns the
// same error.
func (sr *SegmentReader) Next() (Entry, error) {
	if sr.err != nil {
		return Entry{}, sr.err
	}
	if !sr.ready || sr.pending == len(sr.ends) {
		if err := sr.readBatch(); err != nil {
			sr.err = err
			return Entry{}, err
		}
	}
	i := sr.pending
	sr.pending++
	start := 0
	if i > 0 {
		start = sr.ends[i-1]
	}
	e := Entry{
		Seq:    sr.first + uint64(i),
		Data:   sr.arena[start:sr.ends[i]],
		Offset: sr.offs[i],
	}
	if i == len(sr.ends)-1 {
		e.Last = true
		e.Link = sr.batchLk
	}
	return e, nil
}

// End returns, once Next has returned an error, the state after the last
// committed batch: the offset just past it, the sequence number the next
// entry would take and the link of the last batch (the header's link when
// the segment holds no batch).
func (sr *SegmentReader) End() (offset int64, next uint64, link [32]byte) {
	return sr.committedEnd, sr.next, sr.link
}

// readBatch reads frames up to and including the next commit frame.
func (sr *SegmentReader) readBatch() error {
	sr.arena = sr.arena[:0]
	sr.offs = sr.offs[:0]
	sr.ends = sr.ends[:0]
	sr.pending = 0
	sr.ready = false
	for {
		f, err := sr.fr.Next()
		if err == io.EOF {
			if len(sr.ends) > 0 {
				return &TornError{Segment: sr.name, Offset: sr.committedEnd, Size: sr.size}
			}
			return io.EOF
		}
		var fe *segment.FrameError
		if errors.As(err, &fe) {
			return sr.classify(fe)
		}
		if err != nil {
			return fmt.Errorf("wal: read segment %s: %w", sr.name, err)
		}
		switch f.Kind {
		case KindEntry:
			sr.arena = append(sr.arena, f.Payload...)
			sr.offs = append(sr.offs, f.Offset)
			sr.ends = append(sr.ends, len(sr.arena))
		case KindCommit:
			c, err := parseCommit(f.Payload)
			if err == nil && (c.first != sr.next || c.count == 0 || int(c.count) != len(sr.ends)) {
				err = fmt.Errorf("%w: commit of seq %d..+%d after %d entries, expected first seq %d",
					ErrCommitMismatch, c.first, c.count, len(sr.ends), sr.next)
			}
			if err != nil {
				return &CorruptionError{Segment: sr.name, Offset: f.Offset, Seq: sr.next, Reason: err}
			}
			sr.first = c.first
			sr.batchLk = c.link
			sr.ready = true
			sr.next += uint64(c.count)
			sr.committedEnd = sr.fr.Offset()
			sr.link = c.link
			return nil
		default:
			return &CorruptionError{Segment: sr.name, Offset: f.Offset, Seq: sr.next,
				Reason: fmt.Errorf("%w %d", ErrUnknownKind, f.Kind)}
		}
	}
}

// classify decides whether a frame that does not decode is a torn tail or
// corruption: it is corruption when any valid frame starts after it.
func (sr *SegmentReader) classify(fe *segment.FrameError) error {
	off, found, err := segment.FindFrame(sr.r, fe.Offset+1, sr.size)
	if err != nil {
		return fmt.Errorf("wal: read segment %s: %w", sr.name, err)
	}
	if found {
		return &CorruptionError{Segment: sr.name, Offset: fe.Offset, Seq: sr.next + uint64(len(sr.ends)),
			Reason: fmt.Errorf("%w; a valid frame follows at offset %d", fe.Reason, off)}
	}
	return &TornError{Segment: sr.name, Offset: sr.committedEnd, Size: sr.size, Reason: fe}
}

// SegmentInfo describes a segment file of a log.
type SegmentInfo struct {
	Name  string // base file name
	First uint64 // sequence number of its first entry (from the name)
	Size  int64  // size in bytes when listed
}

// ListSegments returns the segment files in dir, oldest first, with their
// sizes. Other files are ignored.
func ListSegments(fsys vfs.FS, dir string) ([]SegmentInfo, error) {
	if fsys == nil {
		fsys = vfs.Default
	}
	names, err := fsys.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("wal: list %s: %w", dir, err)
	}
	var segs []SegmentInfo
	for _, name := range names {
		first, ok := ParseSegmentName(name)
		if !ok {
			continue
		}
		fi, err := fsys.Stat(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("wal: stat %s: %w", name, err)
		}
		segs = append(segs, SegmentInfo{Name: name, First: first, Size: fi.Size()})
	}
	return segs, nil // ReadDir sorts names, and fixed-width names sort by number
}

// ReadEntryAt reads the entry frame that starts at offset off of a segment.
// The index uses it to fetch a record it located earlier.
func ReadEntryAt(r io.ReaderAt, off int64, buf []byte) ([]byte, error) {
	var h [segment.FrameHeaderSize]byte
	if _, err := r.ReadAt(h[:], off); err != nil {
		return nil, fmt.Errorf("wal: read frame at %d: %w", off, err)
	}
	n, err := segment.PayloadLen(h[:])
	if err != nil {
		return nil, &segment.FrameError{Offset: off, Reason: err}
	}
	if cap(buf) < segment.FrameHeaderSize+n {
		buf = make([]byte, segment.FrameHeaderSize+n)
	}
	buf = buf[:segment.FrameHeaderSize+n]
	if _, err := r.ReadAt(buf, off); err != nil {
		return nil, fmt.Errorf("wal: read frame at %d: %w", off, err)
	}
	f, err := segment.DecodeFrame(buf)
	if err != nil {
		return nil, &segment.FrameError{Offset: off, Reason: err}
	}
	if f.Kind != KindEntry {
		return nil, &segment.FrameError{Offset: off, Reason: fmt.Errorf("%w: kind %d is not an entry", segment.ErrInvalidFrame, f.Kind)}
	}
	return f.Payload, nil
}

// Resync finds where reading can resume after damage at offset from: just
// after the first valid commit frame that follows. It returns that offset,
// the sequence number of the entry after the batch the commit frame closes,
// and the batch's link. Verification uses it to go on after a break and
// check the rest of a segment; the batch the damage is in is skipped.
func Resync(r io.ReaderAt, from, size int64) (off int64, next uint64, link [32]byte, ok bool, err error) {
	for from < size {
		start, found, err := segment.FindFrame(r, from, size)
		if err != nil || !found {
			return 0, 0, link, false, err
		}
		fr := segment.NewReader(r, start, size)
		for {
			f, err := fr.Next()
			if err != nil {
				break // damage again: search after it
			}
			if f.Kind != KindCommit {
				continue
			}
			c, err := parseCommit(f.Payload)
			if err != nil || c.count == 0 {
				continue
			}
			return fr.Offset(), c.first + uint64(c.count), c.link, true, nil
		}
		if next := fr.Offset() + 1; next > from {
			from = next
		} else {
			from++
		}
	}
	return 0, 0, link, false, nil
}
