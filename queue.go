package llog

import (
	"context"
	"sync"
	"time"

	"github.com/lowlightlog/llog/chain"
)

// item is one record on its way to disk.
//
// An item Log hands to a redaction worker (pending set) is queued before
// the worker has redacted and encoded it: until then only at, t, model
// and size may be read, and buf, reds and rec belong to the worker. The
// worker sends on ready when it is done. Whoever next owns the item (the
// sealer, or whoever drops it) receives from ready, once, with wait,
// before reading the rest or recycling it.
type item struct {
	buf   []byte      // hashSize bytes for the chain digest, then the body
	size  int         // what the item counts for in the queue's byte bound
	at    time.Time   // when it was enqueued
	t     int64       // the record's time (Unix nanoseconds), for the index
	model string      // the record's model, for the index
	done  chan result // LogSync only: receives the outcome, once
	seq   uint64
	hash  chain.Digest

	reds    []count // the record's redaction counts, sorted by category
	rec     Record  // the record before redaction: a worker's input
	invalid int     // invalid UTF-8 repaired in rec's other fields
	pending bool    // a worker has it: wait before touching buf, reds, rec
	ready   chan struct{}
}

// wait returns once the worker that has it is done with it.
func (it *item) wait() {
	if it.pending {
		<-it.ready
		it.pending = false
	}
}

type result struct {
	receipt Receipt
	err     error
}

// control is a frame to commit in a batch of its own (a removal), handed to
// the sealer ahead of the queued records, and the answer to its sender.
type control struct {
	payload []byte
	next    uint64     // the sequence number the next record takes after it; 0: unchanged
	done    chan error // buffered (1): answered once
}

// body returns the encoded record.
func (it *item) body() []byte { return it.buf[hashSize:] }

// freeList recycles items and their buffers, so that a steady stream of
// records allocates nothing. Unlike a sync.Pool it is not emptied by the
// garbage collector; it keeps at most maxBytes of buffers (the queue's byte
// bound) and drops buffers larger than maxPooledBuf, so that one huge
// record does not pin memory.
type freeList struct {
	mu       sync.Mutex // guards items and bytes
	items    []*item
	bytes    int
	maxBytes int
}

const maxPooledBuf = 64 << 10

func (l *freeList) get() *item {
	l.mu.Lock()
	if n := len(l.items); n > 0 {
		it := l.items[n-1]
		l.items[n-1] = nil
		l.items = l.items[:n-1]
		l.bytes -= cap(it.buf)
		l.mu.Unlock()
		return it
	}
	l.mu.Unlock()
	return new(item)
}

func (l *freeList) put(it *item) {
	if cap(it.buf) > maxPooledBuf {
		it.buf = nil
	}
	it.buf = it.buf[:0]
	it.seq, it.hash, it.model = 0, chain.Digest{}, ""
	it.reds = it.reds[:0]
	it.rec, it.invalid = Record{}, 0
	// it.done is kept: a LogSync item's channel is empty when it is put back.
	l.mu.Lock()
	if l.bytes+cap(it.buf) <= l.maxBytes {
		l.items = append(l.items, it)
		l.bytes += cap(it.buf)
	}
	l.mu.Unlock()
}

// queue is the bounded queue between Log callers and the committer.
// Every accepted record takes a ticket, in order. A ticket is done when its
// record is committed or dropped; durable is the lowest ticket not known to
// be done, so Flush waits for durable to pass the tickets issued before it.
type queue struct {
	capacity, maxBytes       int
	highMark, lowMark        int
	batchRecords, batchBytes int

	// wake tells the committer to look at the queue. Buffered (1): a send
	// never blocks and signals coalesce.
	wake chan struct{}

	mu       sync.Mutex // guards the fields below
	ring     []*item    // circular, len(ring) == capacity
	head, n  int
	bytes    int
	enq      uint64        // tickets issued
	taken    uint64        // tickets that left the ring (taken by the committer or evicted)
	durable  uint64        // every ticket below it is committed or dropped
	space    chan struct{} // closed when room frees; nil while no one waits for room
	progress chan struct{} // closed when durable advances or the queue stops; nil while no one waits
	urgent   bool          // someone waits for the queued records: commit without delay
	closed   bool
	err      error    // sticky failure: every push and wait returns it
	high     bool     // above the high-water mark since it was last crossed
	ctl      *control // a frame to commit before the next batch, or nil
}

func newQueue(o *Options) *queue {
	q := &queue{
		capacity:     o.QueueCapacity,
		maxBytes:     o.QueueBytes,
		highMark:     max(1, int(float64(o.QueueCapacity)*o.HighWater)),
		lowMark:      int(float64(o.QueueCapacity) * o.LowWater),
		batchRecords: o.MaxBatchRecords,
		batchBytes:   o.MaxBatchBytes,
		wake:         make(chan struct{}, 1),
		ring:         make([]*item, o.QueueCapacity),
	}
	return q
}

func (q *queue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// pushOutcome reports what a push did besides enqueueing, for the caller to
// act on after the lock is released.
type pushOutcome struct {
	evicted []*item // records evicted under DropOldest
	high    bool    // the queue crossed its high-water mark
	depth   int
}

// push enqueues it according to policy. It returns ErrDropped when the
// record was rejected under DropNewest, ctx.Err() when ctx ended while it
// waited under Block, ErrClosed, or the sticky failure.
func (q *queue) push(ctx context.Context, it *item, policy OverflowPolicy, urgent bool) (pushOutcome, error) {
	var out pushOutcome
	size := it.size
	q.mu.Lock()
	for {
		if q.closed {
			q.mu.Unlock()
			return out, ErrClosed
		}
		if q.err != nil {
			err := q.err
			q.mu.Unlock()
			return out, err
		}
		if q.n < q.capacity && (q.bytes+size <= q.maxBytes || q.n == 0) {
			break
		}
		switch policy {
		case DropNewest:
			out.depth = q.n
			q.mu.Unlock()
			return out, ErrDropped
		case DropOldest:
			for q.n > 0 && (q.n >= q.capacity || q.bytes+size > q.maxBytes) {
				old := q.ring[q.head]
				q.ring[q.head] = nil
				q.head = (q.head + 1) % q.capacity
				q.n--
				q.bytes -= old.size
				q.taken++
				out.evicted = append(out.evicted, old)
			}
			continue
		}
		// Block: wait for room, the end of ctx, or the queue to stop.
		if q.space == nil {
			q.space = make(chan struct{})
		}
		space := q.space
		q.mu.Unlock()
		select {
		case <-space:
		case <-ctx.Done():
			return out, ctx.Err()
		}
		q.mu.Lock()
	}
	q.ring[(q.head+q.n)%q.capacity] = it
	q.n++
	q.bytes += size
	q.enq++
	if urgent {
		q.urgent = true
	}
	if !q.high && q.n >= q.highMark {
		q.high = true
		out.high = true
	}
	wake := q.n == 1 || q.n == q.batchRecords || q.bytes >= q.batchBytes || urgent
	out.depth = q.n
	q.mu.Unlock()
	if wake {
		q.signal()
	}
	return out, nil
}

// pushControl hands c to the sealer, which commits it before the next
// batch of records. It returns ErrClosed once the queue is closed (the
// sealer may have stopped) and the sticky failure after one.
func (q *queue) pushControl(c *control) error {
	q.mu.Lock()
	switch {
	case q.closed:
		q.mu.Unlock()
		return ErrClosed
	case q.err != nil:
		err := q.err
		q.mu.Unlock()
		return err
	case q.ctl != nil:
		q.mu.Unlock()
		panic("llog: two control frames at once")
	}
	q.ctl = c
	q.mu.Unlock()
	q.signal()
	return nil
}

// batchOut describes the batch next took.
type batchOut struct {
	end     uint64   // the ticket after the last record taken, for markDurable
	low     bool     // the queue fell to its low-water mark
	depth   int      // records left in the queue
	closing bool     // the queue is closed and this batch empties it: the last one
	ctl     *control // a frame to commit alone; the batch has no record then
}

// next waits until a batch is due and takes it into dst: when the batch
// limits are reached, when someone waits (Flush, LogSync, Close), or when
// the oldest record has waited delay. When idle is not zero and the queue
// stays empty until then, next returns an empty batch at idle. It returns
// ok == false once the queue is closed and empty.
func (q *queue) next(dst []*item, delay time.Duration, timer *time.Timer, idle time.Time) (batch []*item, out batchOut, ok bool) {
	q.mu.Lock()
	for {
		if q.ctl != nil {
			// A control frame goes first, alone.
			out.ctl, q.ctl = q.ctl, nil
			out.end, out.depth = q.taken, q.n
			q.mu.Unlock()
			return dst, out, true
		}
		if q.n == 0 {
			if q.closed || q.err != nil {
				q.mu.Unlock()
				return dst, out, false
			}
			q.urgent = false
			q.mu.Unlock()
			if idle.IsZero() {
				<-q.wake
			} else {
				timer.Reset(time.Until(idle))
				select {
				case <-q.wake:
					timer.Stop()
				case <-timer.C:
					q.mu.Lock()
					if q.n == 0 && !q.closed && q.err == nil {
						out.end = q.taken
						q.mu.Unlock()
						return dst, out, true
					}
					continue
				}
			}
			q.mu.Lock()
			continue
		}
		if q.urgent || q.closed || q.err != nil || q.n >= q.batchRecords || q.bytes >= q.batchBytes {
			break
		}
		wait := delay - time.Since(q.ring[q.head].at)
		if wait <= 0 {
			break
		}
		q.mu.Unlock()
		timer.Reset(wait)
		select {
		case <-q.wake:
			timer.Stop() // no stale tick can arrive after Stop (Go 1.23 timers)
		case <-timer.C:
		}
		q.mu.Lock()
	}
	bytes := 0
	for q.n > 0 && len(dst) < q.batchRecords && (len(dst) == 0 || bytes+q.ring[q.head].size <= q.batchBytes) {
		it := q.ring[q.head]
		q.ring[q.head] = nil
		q.head = (q.head + 1) % q.capacity
		q.n--
		q.bytes -= it.size
		bytes += it.size
		dst = append(dst, it)
	}
	q.taken += uint64(len(dst))
	if q.n == 0 {
		q.urgent = false
	}
	if q.space != nil {
		close(q.space)
		q.space = nil
	}
	if q.high && q.n <= q.lowMark {
		q.high = false
		out.low = true
	}
	out.end, out.depth = q.taken, q.n
	out.closing = q.closed && q.n == 0
	q.mu.Unlock()
	return dst, out, true
}

// markDurable records that every ticket below end is done and wakes the
// callers waiting in wait.
func (q *queue) markDurable(end uint64) {
	q.mu.Lock()
	if end > q.durable {
		q.durable = end
	}
	q.broadcastLocked()
	q.mu.Unlock()
}

// broadcastLocked wakes everyone waiting for progress.
// REQUIRES: q.mu held.
func (q *queue) broadcastLocked() {
	if q.progress != nil {
		close(q.progress)
		q.progress = nil
	}
}

// flush waits until every record enqueued before the call is committed or
// dropped, asking the committer not to wait for a fuller batch.
func (q *queue) flush(ctx context.Context) error {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return ErrClosed
	}
	target := q.enq
	if q.durable < target && q.err == nil {
		q.urgent = true
		q.mu.Unlock()
		q.signal()
		q.mu.Lock()
	}
	for {
		if q.err != nil {
			err := q.err
			q.mu.Unlock()
			return err
		}
		if q.durable >= target {
			q.mu.Unlock()
			return nil
		}
		if q.progress == nil {
			q.progress = make(chan struct{})
		}
		progress := q.progress
		q.mu.Unlock()
		select {
		case <-progress:
		case <-ctx.Done():
			return ctx.Err()
		}
		q.mu.Lock()
	}
}

// fail records the sticky error, empties the ring and returns the records
// that were in it, and wakes every waiter.
func (q *queue) fail(err error) []*item {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.err == nil {
		q.err = err
	}
	if q.ctl != nil {
		q.ctl.done <- q.err
		q.ctl = nil
	}
	var rest []*item
	for q.n > 0 {
		rest = append(rest, q.ring[q.head])
		q.ring[q.head] = nil
		q.head = (q.head + 1) % q.capacity
		q.n--
	}
	q.bytes = 0
	q.taken = q.enq
	if q.space != nil {
		close(q.space)
		q.space = nil
	}
	q.broadcastLocked()
	q.signal()
	return rest
}

// close stops intake; the committer drains what is queued, then stops.
// It reports whether the queue was open.
func (q *queue) close() bool {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return false
	}
	q.closed = true
	q.urgent = true
	if q.space != nil {
		close(q.space)
		q.space = nil
	}
	q.broadcastLocked()
	q.mu.Unlock()
	q.signal()
	return true
}

// depth returns the number of queued records and their encoded bytes.
func (q *queue) depth() (int, int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n, q.bytes
}
