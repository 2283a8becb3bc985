package llog

import (
	"errors"

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
