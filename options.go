package llog

import (
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/lowlightlog/llog/internal/vfs"
	"github.com/lowlightlog/llog/redact"
	"golang.org/x/mod/sumdb/note"
)

// OverflowPolicy says what Log does when the queue is full.
type OverflowPolicy int

const (
	// Block makes Log wait for room until its context is done. It is the
	// default: an audit log loses nothing unless its user chooses to.
	Block OverflowPolicy = iota
	// DropNewest rejects the record being logged with ErrDropped.
	DropNewest
	// DropOldest evicts the oldest queued records to make room; a LogSync
	// waiting on an evicted record gets ErrDropped.
	DropOldest
)

// String returns the policy's name, as in "drop-oldest".
func (p OverflowPolicy) String() string {
	switch p {
	case Block:
		return "block"
	case DropNewest:
		return "drop-newest"
	case DropOldest:
		return "drop-oldest"
	}
	return fmt.Sprintf("OverflowPolicy(%d)", int(p))
}

// Defaults used for zero Options fields.
const (
	DefaultQueueCapacity   = 4096
	DefaultQueueBytes      = 32 << 20
	DefaultMaxBatchRecords = 512
	DefaultMaxBatchBytes   = 4 << 20
	DefaultMaxBatchDelay   = 10 * time.Millisecond
	DefaultSegmentSize     = 64 << 20
	DefaultMaxRecordSize   = 1 << 20
	DefaultSlowSync        = 500 * time.Millisecond
	DefaultHighWater       = 0.8
	DefaultLowWater        = 0.5
	DefaultDropAlertEvery  = time.Second
	DefaultRedactWorkers   = 4 // at most; see Options.RedactWorkers

	DefaultCheckpointRecords  = 65536
	DefaultCheckpointInterval = 30 * time.Second

	DefaultCheckpointEvery = 1024
	DefaultCheckpointDelay = 10 * time.Second

	// MaxRecordSizeLimit is the largest value Options.MaxRecordSize accepts.
	MaxRecordSizeLimit = 16 << 20
)

// Options configure an Engine. A nil *Options means all defaults. Open
// copies the options, so changing them afterwards has no effect. Zero fields
// take the documented defaults.
type Options struct {
	// QueueCapacity is the number of records the queue holds before the
	// overflow policy applies. Default 4096. Memory is bounded by it and by
	// QueueBytes.
	QueueCapacity int
	// QueueBytes bounds the encoded bytes of queued records (a record a
	// redaction worker has not finished counts at its size before
	// redaction). Default 32 MiB.
	// It must be at least MaxRecordSize. The engine's memory is bounded by
	// it: the queue, plus at most three batches in flight (each up to
	// MaxBatchBytes), plus recycled buffers (at most QueueBytes). Measured
	// under sustained overload the live heap stays near QueueBytes + 25 MiB
	// and RSS near twice that, Go's garbage collector letting the heap grow
	// to twice what is live (GOGC=100); set GOMEMLIMIT to hold RSS closer.
	QueueBytes int
	// Overflow is what Log does when the queue is full. Default Block.
	Overflow OverflowPolicy
	// HighWater and LowWater are fractions of QueueCapacity (0 < LowWater <
	// HighWater <= 1). An EventQueueHigh fires when the queue depth reaches
	// HighWater, an EventQueueLow when it falls back to LowWater. Defaults
	// 0.8 and 0.5.
	HighWater, LowWater float64

	// MaxBatchRecords is the most records committed with one fsync.
	// Default 512.
	MaxBatchRecords int
	// MaxBatchBytes is the most encoded bytes committed with one fsync.
	// Default 4 MiB. A single larger record is committed alone.
	MaxBatchBytes int
	// MaxBatchDelay is how long the committer waits for a batch to fill
	// before committing what it has. Default 10ms. Larger values mean
	// fewer fsyncs (less flash wear) and a longer wait in LogSync; Flush,
	// LogSync and Close never wait for it. A negative value means no wait.
	MaxBatchDelay time.Duration

	// SegmentSize is the size in bytes at which a segment file is sealed
	// and a new one started. Default 64 MiB; at least 4 KiB. Retention
	// deletes whole segments, so this is also its granularity.
	SegmentSize int64
	// MaxRecordSize is the largest encoded record Log accepts; larger ones
	// get ErrTooLarge. Default 1 MiB, at most MaxRecordSizeLimit.
	MaxRecordSize int

	// Redactor redacts Prompt, Response, Error and attribute values of
	// every record before the committer takes it (in Log, or in a
	// redaction worker: see RedactWorkers), so unredacted text never
	// reaches the disk or an export. Nil means redact.Default(); build
	// your own with redact.New, or adjust the default with
	// redact.Default().Without(...) and With(...). Its rules run on
	// several goroutines at once, and a rule that panics takes the
	// program down from a worker.
	Redactor *redact.Redactor
	// RedactWorkers is the number of goroutines that redact and encode the
	// records Log queues. With workers, Log checks a record, queues it and
	// returns; a worker redacts it before the committer takes it, so
	// unredacted text is only ever in memory, never on disk, and records
	// logged from one goroutine are redacted several at a time on a
	// machine with more than one core. Default: GOMAXPROCS, at most
	// DefaultRedactWorkers, when GOMAXPROCS is 2 or more and redaction is
	// on; with GOMAXPROCS 1, with DisableRedaction (whose pass over the
	// text, a UTF-8 check, costs less than handing the record over), and
	// when negative, Log redacts on the caller's goroutine.
	//
	// Either way Log returns the errors a record causes (ErrTooLarge,
	// ErrInvalidRecord) itself: a record whose text could grow past
	// MaxRecordSize when redacted (see redact.Redactor.MaxLen) is
	// redacted on the caller's goroutine, as every LogSync record is.
	RedactWorkers int
	// DisableRedaction stores text as given. Only for data known to hold no
	// personal data or secrets.
	DisableRedaction bool

	// Signer signs the store's checkpoints (see Checkpoint). It is a
	// note.Signer of golang.org/x/mod/sumdb/note, so the key may live in a
	// TPM or HSM behind the interface; LoadSigner reads a key file written
	// by 'llog keygen'. Nil: checkpoints are written unsigned, which still
	// gives Merkle proofs but proves nothing to someone who does not trust
	// the device. Sign is called from the engine's goroutines, once per
	// checkpoint (and once per new segment); a slow signer slows commits.
	// If it fails the checkpoint is written unsigned and an
	// EventCheckpointFailed says why.
	Signer note.Signer
	// CheckpointEvery and CheckpointDelay say how often the engine writes
	// a checkpoint: a checkpoint covers every committed record at the
	// latest CheckpointEvery records or CheckpointDelay after it was
	// committed, whichever comes first, and one covers everything at
	// Close. A checkpoint is written in the commit of the batch it covers
	// (one write, one fsync), or alone in its own commit when no batch
	// follows in time. Defaults 1024 records and 10s.
	//
	// They bound what an attacker who can write the store could roll back
	// or rewrite unseen, once checkpoints are shipped off the device as
	// they are made (OnCheckpoint): at most the records written since the
	// last one. Each costs one signature (tens of microseconds with an
	// Ed25519 key in memory) and about 300 bytes in the segment: at the
	// defaults 0.05 to 0.08 µs and 0.3 bytes per record, and at most one
	// extra small commit per CheckpointDelay when records trickle in and
	// then stop. The Merkle tree the checkpoints sign costs more than the
	// signatures, whatever the cadence: about 0.3 µs per record (RFC 6962
	// leaf and node hashes): 2% of ingest throughput with the default
	// options on a quiet 2-core machine, 4–9% with redaction off
	// (bench/README.md).
	CheckpointEvery int
	CheckpointDelay time.Duration
	// OnCheckpoint, when set, receives every checkpoint once it is
	// durable, so the application can ship it off the device at once. It
	// is called on the engine's committing goroutine without any lock
	// held; it must return quickly (queue the checkpoint, do not send it
	// from here), must not call the Engine, and must not modify the
	// Checkpoint.
	OnCheckpoint func(*Checkpoint)

	// DisableIndex turns the bbolt index off: queries and retention then
	// read the segments. The index is also off when the store is not on the
	// operating system's filesystem.
	DisableIndex bool
	// CheckpointRecords and CheckpointInterval bound how often the index is
	// committed to its bbolt file (index checkpoints, unrelated to the
	// signed checkpoints above): after this many records, or this long
	// after the last checkpoint, whichever comes first. Every bbolt commit
	// rewrites pages and costs two fsyncs, so larger values mean less flash
	// wear; after a crash Open re-reads at most this much of the log to
	// catch up. Defaults 65536 records and 30s.
	CheckpointRecords  int
	CheckpointInterval time.Duration

	// Retention deletes the oldest sealed segments when a limit is
	// exceeded. Zero limits mean keep everything.
	Retention Retention

	// SlowSync is the fsync duration above which an EventSlowSync fires.
	// Default 500ms.
	SlowSync time.Duration
	// DropAlertEvery is the shortest interval between two EventDropped;
	// drops in between are summed into the next one. Default 1s.
	DropAlertEvery time.Duration
	// OnEvent, when set, receives events: queue high and low water,
	// dropped records, segment rotation, torn tail truncated at open, slow
	// fsync, failure. It is called without any engine lock held, possibly
	// from several goroutines at once; it must return quickly and must not
	// call the Engine.
	OnEvent func(Event)

	// fs replaces the operating system's filesystem in tests.
	fs vfs.FS
	// noCheckpoints turns checkpoints off, for benchmarks that measure
	// what they cost.
	noCheckpoints bool
	// now replaces time.Now in tests of retention's clock handling.
	now func() time.Time
	// indexNoSync skips bbolt's fsyncs, for tests whose filesystem model
	// keeps every write to index.db anyway (vfs.SplitFS).
	indexNoSync bool
}

// withDefaults returns a copy of o (nil means all defaults) with zero fields
// filled in, and every problem with the values given.
func (o *Options) withDefaults() (Options, error) {
	var c Options
	if o != nil {
		c = *o
	}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if c.QueueCapacity == 0 {
		c.QueueCapacity = DefaultQueueCapacity
	} else if c.QueueCapacity < 0 {
		bad("QueueCapacity %d is negative", c.QueueCapacity)
	}
	if c.MaxRecordSize == 0 {
		c.MaxRecordSize = DefaultMaxRecordSize
	} else if c.MaxRecordSize < 0 || c.MaxRecordSize > MaxRecordSizeLimit {
		bad("MaxRecordSize %d is outside 1..%d", c.MaxRecordSize, MaxRecordSizeLimit)
	}
	if c.QueueBytes == 0 {
		c.QueueBytes = max(DefaultQueueBytes, c.MaxRecordSize)
	} else if c.QueueBytes < c.MaxRecordSize {
		bad("QueueBytes %d is less than MaxRecordSize %d", c.QueueBytes, c.MaxRecordSize)
	}
	switch c.Overflow {
	case Block, DropNewest, DropOldest:
	default:
		bad("Overflow %v is not Block, DropNewest or DropOldest", c.Overflow)
	}
	if c.HighWater == 0 {
		c.HighWater = DefaultHighWater
	}
	if c.LowWater == 0 {
		c.LowWater = min(DefaultLowWater, c.HighWater/2)
	}
	if !(c.LowWater > 0 && c.LowWater < c.HighWater && c.HighWater <= 1) {
		bad("water marks LowWater %v, HighWater %v: want 0 < LowWater < HighWater <= 1", c.LowWater, c.HighWater)
	}
	if c.MaxBatchRecords == 0 {
		c.MaxBatchRecords = DefaultMaxBatchRecords
	} else if c.MaxBatchRecords < 0 {
		bad("MaxBatchRecords %d is negative", c.MaxBatchRecords)
	}
	if c.MaxBatchBytes == 0 {
		c.MaxBatchBytes = DefaultMaxBatchBytes
	} else if c.MaxBatchBytes < 0 {
		bad("MaxBatchBytes %d is negative", c.MaxBatchBytes)
	}
	if c.MaxBatchDelay == 0 {
		c.MaxBatchDelay = DefaultMaxBatchDelay
	} else if c.MaxBatchDelay < 0 {
		c.MaxBatchDelay = 0
	}
	if c.SegmentSize == 0 {
		c.SegmentSize = DefaultSegmentSize
	} else if c.SegmentSize < 4096 {
		bad("SegmentSize %d is below 4096", c.SegmentSize)
	}
	if c.CheckpointRecords == 0 {
		c.CheckpointRecords = DefaultCheckpointRecords
	} else if c.CheckpointRecords < 0 {
		bad("CheckpointRecords %d is negative", c.CheckpointRecords)
	}
	if c.CheckpointInterval == 0 {
		c.CheckpointInterval = DefaultCheckpointInterval
	} else if c.CheckpointInterval < 0 {
		bad("CheckpointInterval %v is negative", c.CheckpointInterval)
	}
	if c.CheckpointEvery == 0 {
		c.CheckpointEvery = DefaultCheckpointEvery
	} else if c.CheckpointEvery < 0 {
		bad("CheckpointEvery %d is negative", c.CheckpointEvery)
	}
	if c.CheckpointDelay == 0 {
		c.CheckpointDelay = DefaultCheckpointDelay
	} else if c.CheckpointDelay < 0 {
		bad("CheckpointDelay %v is negative", c.CheckpointDelay)
	}
	errs = append(errs, c.Retention.fill()...)
	if c.Retention.enabled() && (c.DisableIndex || (c.fs != nil && !vfs.OnOS(c.fs))) {
		bad("Retention needs the index, which needs a filesystem that hands out operating-system files and DisableIndex unset")
	}
	if c.SlowSync == 0 {
		c.SlowSync = DefaultSlowSync
	} else if c.SlowSync < 0 {
		bad("SlowSync %v is negative", c.SlowSync)
	}
	if c.DropAlertEvery == 0 {
		c.DropAlertEvery = DefaultDropAlertEvery
	} else if c.DropAlertEvery < 0 {
		bad("DropAlertEvery %v is negative", c.DropAlertEvery)
	}
	if c.RedactWorkers == 0 {
		c.RedactWorkers = -1
		if n := runtime.GOMAXPROCS(0); n > 1 && !c.DisableRedaction {
			c.RedactWorkers = min(n, DefaultRedactWorkers)
		}
	}
	if c.Redactor == nil && !c.DisableRedaction {
		c.Redactor = redact.Default()
	}
	if c.DisableRedaction {
		c.Redactor = nil
	}
	if c.fs == nil {
		c.fs = vfs.Default
	}
	if c.now == nil {
		c.now = time.Now
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("%w: %w", ErrInvalidOptions, errors.Join(errs...))
	}
	return c, nil
}
