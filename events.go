package llog

import (
	"fmt"
	"strings"
	"sync/atomic"
	"time"
)

// EventKind says what an Event reports.
type EventKind int

const (
	// EventQueueHigh: the queue depth reached the high-water mark.
	EventQueueHigh EventKind = iota + 1
	// EventQueueLow: the queue depth fell back to the low-water mark.
	EventQueueLow
	// EventDropped: records were dropped by the overflow policy (or
	// abandoned by a caller whose context ended while blocked). Dropped
	// holds the counts since the previous EventDropped.
	EventDropped
	// EventSegmentRotated: a segment was sealed and Segment was started.
	EventSegmentRotated
	// EventTornTail: Open truncated a torn tail of Segment at Offset,
	// removing Bytes bytes that had never been acknowledged.
	EventTornTail
	// EventSlowSync: an fsync took Duration, more than Options.SlowSync.
	EventSlowSync
	// EventFailed: a write or fsync failed; Err is the engine's sticky
	// error.
	EventFailed
	// EventIndexCaughtUp: Open brought the index up to date by reading
	// Records records from the log in Duration (Rebuilt: from scratch).
	EventIndexCaughtUp
	// EventIndexFailed: the index could not be opened or written; Err says
	// why. Queries fall back to reading the segments and the next Open
	// rebuilds the index. No data is affected.
	EventIndexFailed
	// EventRetention: retention deleted segments; Removed describes them.
	EventRetention
	// EventRetentionHeld: MaxAge retention did not run because the clock
	// is not trusted yet (Err says why). Size and count limits still apply.
	EventRetentionHeld
	// EventCheckpointFailed: a checkpoint could not be signed (the
	// checkpoint was written unsigned) or the store's Merkle tree could not
	// be rebuilt at Open (no checkpoints are written); Err says why. No
	// record is affected.
	EventCheckpointFailed
	// EventRecordsLost: Open found acknowledged records lost: the index had
	// seen records committed beyond the end of the log. Removed describes
	// them; the loss is recorded in the log (Verify reports it as a break
	// until Repair accepts it) and the next record takes the number after
	// them, so no number is used twice.
	EventRecordsLost
)

// String returns the kind's name, as in "queue-high".
func (k EventKind) String() string {
	switch k {
	case EventQueueHigh:
		return "queue-high"
	case EventQueueLow:
		return "queue-low"
	case EventDropped:
		return "dropped"
	case EventSegmentRotated:
		return "segment-rotated"
	case EventTornTail:
		return "torn-tail"
	case EventSlowSync:
		return "slow-sync"
	case EventFailed:
		return "failed"
	case EventIndexCaughtUp:
		return "index-caught-up"
	case EventIndexFailed:
		return "index-failed"
	case EventRetention:
		return "retention"
	case EventRetentionHeld:
		return "retention-held"
	case EventCheckpointFailed:
		return "checkpoint-failed"
	case EventRecordsLost:
		return "records-lost"
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// IsWarning reports whether events of kind k call for an operator's
// attention while the engine keeps working: records dropped, a torn tail
// truncated at Open, a slow fsync, the index out of use, retention held, a
// checkpoint that could not be signed, acknowledged records found lost.
// The llog command prints these on standard error. EventFailed is not a
// warning: the failure reaches every caller as an error.
func (k EventKind) IsWarning() bool {
	switch k {
	case EventDropped, EventTornTail, EventSlowSync, EventIndexFailed, EventRetentionHeld, EventCheckpointFailed, EventRecordsLost:
		return true
	}
	return false
}

// Event is delivered to Options.OnEvent.
type Event struct {
	Kind EventKind
	Time time.Time
	// QueueDepth and QueueCapacity describe the queue when the event fired.
	QueueDepth, QueueCapacity int
	// Dropped counts drops by reason since the previous EventDropped.
	Dropped Drops
	// Segment is the segment file concerned (rotation, torn tail).
	Segment string
	// Offset and Bytes locate a truncated torn tail.
	Offset, Bytes int64
	// Duration is the fsync time of an EventSlowSync.
	Duration time.Duration
	// Err is the failure of an EventFailed or EventIndexFailed, or why
	// retention was held.
	Err error
	// Records and Rebuilt describe an EventIndexCaughtUp.
	Records uint64
	Rebuilt bool
	// Removed describes an EventRetention.
	Removed *Removal
}

// String describes the event in one line for people, starting with its
// kind, as in "slow-sync: fsync of 00000000000000000001.seg took 812ms".
// Programs should branch on Kind and the fields, not on this text.
func (e Event) String() string {
	var b strings.Builder
	b.WriteString(e.Kind.String())
	b.WriteString(": ")
	switch e.Kind {
	case EventQueueHigh, EventQueueLow:
		fmt.Fprintf(&b, "queue at %d of %d records", e.QueueDepth, e.QueueCapacity)
	case EventDropped:
		d := e.Dropped
		fmt.Fprintf(&b, "%d records dropped (queue full %d, evicted %d, caller gave up %d, writer failed %d)",
			d.Total(), d.Newest, d.Oldest, d.Canceled, d.Failed)
	case EventSegmentRotated:
		fmt.Fprintf(&b, "started %s", e.Segment)
	case EventTornTail:
		fmt.Fprintf(&b, "truncated %d bytes never acknowledged at %s offset %d", e.Bytes, e.Segment, e.Offset)
	case EventSlowSync:
		fmt.Fprintf(&b, "fsync of %s took %v", e.Segment, roundDuration(e.Duration))
	case EventFailed:
		fmt.Fprintf(&b, "%v", e.Err)
	case EventIndexCaughtUp:
		what := "caught up"
		if e.Rebuilt {
			what = "rebuilt"
		}
		fmt.Fprintf(&b, "index %s from %d records in %v", what, e.Records, roundDuration(e.Duration))
	case EventIndexFailed:
		fmt.Fprintf(&b, "%v; queries read the segments and the next open rebuilds the index, no data is affected", e.Err)
	case EventRetention:
		if r := e.Removed; r != nil {
			fmt.Fprintf(&b, "removed seq %d-%d (%d segments, %s)", r.First, r.Last, len(r.Segments), r.Policy)
		}
	case EventRetentionHeld:
		fmt.Fprintf(&b, "max-age retention held: %v", e.Err)
	case EventCheckpointFailed:
		fmt.Fprintf(&b, "%v; records are not affected", e.Err)
	case EventRecordsLost:
		if r := e.Removed; r != nil {
			fmt.Fprintf(&b, "acknowledged records %d to %d are gone (%s); the loss is recorded in the log and verify reports it until 'llog repair' accepts it; the next record is %d",
				r.First, r.Last, r.Reason, r.Last+1)
		}
	default:
		if e.Err != nil {
			fmt.Fprintf(&b, "%v", e.Err)
		}
	}
	return strings.TrimSuffix(b.String(), ": ")
}

// roundDuration rounds d to milliseconds, or to microseconds below 10ms.
func roundDuration(d time.Duration) time.Duration {
	if d < 10*time.Millisecond {
		return d.Round(time.Microsecond)
	}
	return d.Round(time.Millisecond)
}

// Drops counts dropped records by reason.
type Drops struct {
	// Newest counts records rejected because the queue was full under
	// DropNewest.
	Newest uint64
	// Oldest counts queued records evicted under DropOldest.
	Oldest uint64
	// Canceled counts records whose Log call gave up because its context
	// ended while it waited for room under Block.
	Canceled uint64
	// Failed counts queued records that were never written because the
	// engine failed (see ErrFailed) before their batch.
	Failed uint64
}

// Total returns the sum of all reasons.
func (d Drops) Total() uint64 { return d.Newest + d.Oldest + d.Canceled + d.Failed }

// dropCounters are the live drop counts plus the counts not yet reported
// in an EventDropped.
type dropCounters struct {
	total   [4]atomic.Uint64 // Newest, Oldest, Canceled, Failed
	pending [4]atomic.Uint64
	last    atomic.Int64 // UnixNano of the last EventDropped
}

const (
	dropNewest = iota
	dropOldest
	dropCanceled
	dropFailed
)

func (c *dropCounters) add(reason int, n uint64) {
	c.total[reason].Add(n)
	c.pending[reason].Add(n)
}

func (c *dropCounters) snapshot() Drops {
	return Drops{c.total[0].Load(), c.total[1].Load(), c.total[2].Load(), c.total[3].Load()}
}

// takePending returns and clears the unreported counts when an event is
// due (every is the minimum interval; force ignores it).
func (c *dropCounters) takePending(now time.Time, every time.Duration, force bool) (Drops, bool) {
	if c.pending[0].Load()|c.pending[1].Load()|c.pending[2].Load()|c.pending[3].Load() == 0 {
		return Drops{}, false
	}
	last := c.last.Load()
	if !force && now.UnixNano()-last < int64(every) {
		return Drops{}, false
	}
	if !c.last.CompareAndSwap(last, now.UnixNano()) {
		return Drops{}, false // another goroutine reports them
	}
	d := Drops{c.pending[0].Swap(0), c.pending[1].Swap(0), c.pending[2].Swap(0), c.pending[3].Swap(0)}
	return d, d.Total() > 0
}

// notifier delivers events to Options.OnEvent. Calls are made by the
// goroutine that caused the event, after it released its locks, so two
// calls can overlap.
type notifier struct {
	fn    func(Event)
	drops dropCounters
	every time.Duration
}

func (n *notifier) emit(e Event) {
	if n.fn == nil {
		return
	}
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	n.fn(e)
}

// dropped counts drops and emits an EventDropped when one is due.
func (n *notifier) dropped(reason int, count uint64, depth, capacity int) {
	n.drops.add(reason, count)
	n.flushDrops(depth, capacity, false)
}

// flushDrops emits the unreported drop counts when an event is due, or
// unconditionally when force is set.
func (n *notifier) flushDrops(depth, capacity int, force bool) {
	if n.fn == nil {
		return
	}
	now := time.Now()
	if d, ok := n.drops.takePending(now, n.every, force); ok {
		n.emit(Event{Kind: EventDropped, Time: now, Dropped: d, QueueDepth: depth, QueueCapacity: capacity})
	}
}
