package wal

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/lowlightlog/llog/segment"
)

// Frame kinds. Part of the on-disk format: never change them.
const (
	// KindEntry is the frame kind of an entry.
	KindEntry segment.Kind = 1
	// KindCommit is the frame kind of a batch's commit frame.
	KindCommit segment.Kind = 2
	// KindCheckpoint is the frame kind of a batch's checkpoint: an opaque
	// payload committed with the batch, between its last entry and its
	// commit frame. Segments of header version 2 and later only.
	KindCheckpoint segment.Kind = 3
	// KindRemoval is the frame kind of a removal: an opaque payload that
	// records entries removed from the log, committed alone in a batch of
	// no entries (a checkpoint frame may follow it), whose commit frame may
	// move the sequence numbers forward past entries removed there.
	// Segments of header version 3 and later only.
	KindRemoval segment.Kind = 4
)

// checkpointVersion and removalVersion are the first segment header
// versions whose segments may hold checkpoint and removal frames.
const (
	checkpointVersion = 2
	removalVersion    = 3
)

const (
	commitSize = 8 + 4 + 32 // first, count, link
	nameDigits = 20
	// Ext is the file name extension of segment files.
	Ext    = ".seg"
	tmpExt = ".tmp"
)

// MaxEntrySize is the largest entry a batch accepts.
const MaxEntrySize = segment.MaxPayload

// SegmentName returns the file name of the segment whose first entry has
// sequence number first.
func SegmentName(first uint64) string {
	s := strconv.FormatUint(first, 10)
	return strings.Repeat("0", nameDigits-len(s)) + s + Ext
}

// ParseSegmentName returns the first sequence number encoded in a segment
// file name, and false when name is not a segment file name.
func ParseSegmentName(name string) (uint64, bool) {
	digits, ok := strings.CutSuffix(name, Ext)
	if !ok || len(digits) != nameDigits {
		return 0, false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	return n, err == nil
}

// commit is the payload of a commit frame.
type commit struct {
	first uint64
	count uint32
	link  [32]byte
}

func appendCommit(dst []byte, c commit) ([]byte, error) {
	var p [commitSize]byte
	binary.LittleEndian.PutUint64(p[0:], c.first)
	binary.LittleEndian.PutUint32(p[8:], c.count)
	copy(p[12:], c.link[:])
	return segment.AppendFrame(dst, KindCommit, p[:])
}

func parseCommit(p []byte) (commit, error) {
	if len(p) != commitSize {
		return commit{}, fmt.Errorf("commit frame of %d bytes, want %d", len(p), commitSize)
	}
	var c commit
	c.first = binary.LittleEndian.Uint64(p[0:])
	c.count = binary.LittleEndian.Uint32(p[8:])
	copy(c.link[:], p[12:])
	return c, nil
}

// Errors.
var (
	// ErrCorrupt is matched by every *CorruptionError.
	ErrCorrupt = errors.New("wal: corrupt segment")
	// ErrTorn is matched by every *TornError.
	ErrTorn = errors.New("wal: torn tail")
	// ErrEntryTooLarge is returned by Batch.Add for an entry larger than
	// MaxEntrySize.
	ErrEntryTooLarge = errors.New("wal: entry too large")
	// ErrClosed is returned by a Log's methods after Close.
	ErrClosed = errors.New("wal: log closed")
	// ErrCommitMismatch is the reason of a corruption where a commit frame
	// does not match the entries before it.
	ErrCommitMismatch = errors.New("commit frame does not match its batch")
	// ErrUnknownKind is the reason of a corruption where a valid frame has a
	// kind this version does not know.
	ErrUnknownKind = errors.New("unknown frame kind")
	// ErrMisplacedCheckpoint is the reason of a corruption where a
	// checkpoint frame is not directly before a commit frame, or is in a
	// segment whose version has no checkpoint frames.
	ErrMisplacedCheckpoint = errors.New("misplaced checkpoint frame")
	// ErrMisplacedRemoval is the reason of a corruption where a removal
	// frame is not alone in its batch (but for a checkpoint frame after
	// it), or is in a segment whose version has no removal frames.
	ErrMisplacedRemoval = errors.New("misplaced removal frame")
	// ErrNameMismatch is the reason of a corruption where a segment header's
	// first sequence number does not match the file name.
	ErrNameMismatch = errors.New("header does not match file name")
)

// CorruptionError reports damage to bytes that were already durable: a
// frame that does not decode with valid frames after it, a damaged header,
// or frames that contradict each other. Errors.Is(err, ErrCorrupt) holds.
type CorruptionError struct {
	Segment string // file name of the segment
	Offset  int64  // offset of the damaged frame or header
	Seq     uint64 // sequence number the damaged frame would hold, if known
	Reason  error  // what is wrong
}

// Error describes the corruption and where it is.
func (e *CorruptionError) Error() string {
	s := fmt.Sprintf("wal: corrupt segment %s at offset %d", e.Segment, e.Offset)
	if e.Seq != 0 {
		s += fmt.Sprintf(" (seq %d)", e.Seq)
	}
	return s + ": " + e.Reason.Error()
}

// Is reports whether target is ErrCorrupt.
func (e *CorruptionError) Is(target error) bool { return target == ErrCorrupt }

// Unwrap returns the reason.
func (e *CorruptionError) Unwrap() error { return e.Reason }

// TornError reports a torn tail: frames after the last commit frame that do
// not form a committed batch, with no valid frame after the damage. In the
// newest segment of a log that is what an interrupted write leaves, and Open
// truncates it; in a sealed segment it is corruption. Errors.Is(err,
// ErrTorn) holds.
type TornError struct {
	Segment string // file name of the segment
	Offset  int64  // end of the last committed batch: where the tail starts
	Size    int64  // size of the file
	Reason  error  // the frame error at the damage, or nil for entries with no commit frame
}

// Error describes the torn tail.
func (e *TornError) Error() string {
	s := fmt.Sprintf("wal: torn tail in segment %s: %d bytes after offset %d", e.Segment, e.Size-e.Offset, e.Offset)
	if e.Reason != nil {
		s += ": " + e.Reason.Error()
	} else {
		s += ": batch without commit frame"
	}
	return s
}

// Is reports whether target is ErrTorn.
func (e *TornError) Is(target error) bool { return target == ErrTorn }

// Unwrap returns the reason.
func (e *TornError) Unwrap() error { return e.Reason }
