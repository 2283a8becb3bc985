package llog

import (
	"errors"
	"fmt"

	"github.com/lowlightlog/llog/wal"
)

// Errors returned by Open.
var (
	// ErrLocked is returned by Open when another Engine, in this process or
	// another one, has the store open for writing.
	ErrLocked = errors.New("llog: store is locked by another writer")
	// ErrNotStore is returned by Open and the readers when the folder holds
	// files but is not an llog store.
	ErrNotStore = errors.New("llog: not an llog store")
	// ErrNewerVersion is returned by Open and the readers when the store or
	// one of its segments was written by a newer format version.
	ErrNewerVersion = errors.New("llog: store written by a newer format version")
	// ErrInvalidOptions is returned by Open when Options has invalid values;
	// the error lists every problem.
	ErrInvalidOptions = errors.New("llog: invalid options")
	// ErrCorrupt is matched by every *CorruptionError: bytes that were
	// already durable are damaged. Open returns it for damage in the newest
	// segment that is not a torn tail; it never repairs such damage itself.
	ErrCorrupt = wal.ErrCorrupt
)

// CorruptionError locates damage: the segment file, the offset, the
// sequence number when known, and the reason. errors.Is(err, ErrCorrupt)
// holds for it.
type CorruptionError = wal.CorruptionError

// Errors returned by Log, LogSync and Flush.
var (
	// ErrClosed is returned by every call on an Engine after Close.
	ErrClosed = errors.New("llog: engine closed")
	// ErrTooLarge is returned by Log and LogSync when the encoded record
	// exceeds Options.MaxRecordSize. Nothing is written.
	ErrTooLarge = errors.New("llog: record too large")
	// ErrInvalidRecord is returned by Log and LogSync for a record with
	// negative token counts or latency. Nothing is written.
	ErrInvalidRecord = errors.New("llog: invalid record")
	// ErrDropped is returned by Log and LogSync when the queue is full and
	// the overflow policy is DropNewest, and by LogSync when its record was
	// evicted from the queue under DropOldest. Drops are also counted in
	// Stats and reported to Options.OnEvent.
	ErrDropped = errors.New("llog: record dropped by the overflow policy")
	// ErrFailed is matched by the sticky error of an engine whose write or
	// fsync failed. From then on every call, and every caller already
	// waiting, gets the same error; reopen the store to recover. The error
	// also matches the underlying cause (for example syscall.EIO).
	ErrFailed = errors.New("llog: store failed")
)

// ErrSkipped is matched by every *SkipError.
var ErrSkipped = errors.New("llog: records skipped")

// SkipError is what a query yields for records it skipped because they do
// not verify: a damaged part of a segment (Err is then the
// *CorruptionError, so errors.Is(err, ErrCorrupt) holds too), or a record
// whose body does not decode or does not match its stored digest. The
// iteration goes on after it. Verify and Scan check the whole chain and
// list every break.
type SkipError struct {
	// Segment is the segment file and Offset where the damage starts.
	Segment string
	Offset  int64
	// First and Last are the sequence numbers skipped; Last is 0 when the
	// rest of the segment could not be read.
	First, Last uint64
	// Err says why.
	Err error
}

// Error describes what was skipped and why.
func (e *SkipError) Error() string {
	what := fmt.Sprintf("record %d", e.First)
	switch {
	case e.Last == 0:
		what = fmt.Sprintf("records from %d to the end of the segment", e.First)
	case e.Last < e.First:
		what = "no record"
	case e.Last != e.First:
		what = fmt.Sprintf("records %d to %d", e.First, e.Last)
	}
	return fmt.Sprintf("llog: skipped %s (%s offset %d): %v", what, e.Segment, e.Offset, e.Err)
}

// Is reports whether target is ErrSkipped.
func (e *SkipError) Is(target error) bool { return target == ErrSkipped }

// Unwrap returns the reason.
func (e *SkipError) Unwrap() error { return e.Err }
