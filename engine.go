package llog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lowlightlog/llog/chain"
	"github.com/lowlightlog/llog/internal/vfs"
	"github.com/lowlightlog/llog/redact"
	"github.com/lowlightlog/llog/wal"
)

// Engine is an open store, the one writer of its folder. Its methods are
// safe for concurrent use.
//
// Log, LogSync and Flush hand records to a bounded queue; redaction
// workers (Options.RedactWorkers) redact and encode the records Log
// queues. A sealer
// goroutine takes the queued records in batches and gives each its
// sequence number and chain digest; a merkler goroutine adds them to the
// Merkle tree and gives a batch its checkpoint when one is due; a syncer
// goroutine, the only one that touches the segment files, writes each
// batch with one write and one fsync and then answers everyone waiting on
// it. The sealer and the merkler work on the next batches while the syncer
// waits for the disk.
type Engine struct {
	opts  Options
	dir   string
	fs    vfs.FS
	lock  io.Closer
	store storeInfo
	q     *queue
	free  freeList // recycled items
	note  notifier
	done  chan struct{} // closed when the committer has exited

	// red redacts the records; countsMax bounds the encoded size of a
	// record's redaction counts. Log hands records to the redaction
	// workers over work (nil when Log redacts on the caller's goroutine);
	// Close closes quit to stop them once the committer has exited.
	red       *redact.Redactor
	countsMax int
	work      chan *item
	quit      chan struct{}
	handMu    sync.RWMutex // Log holds it for reading while it hands off a record
	stopped   bool         // no more hand-offs; guarded by handMu

	// The sealer goroutine owns next, prev and hasher: it numbers and
	// chains batches taken from the queue. The merkler goroutine owns ck:
	// it adds the sealed batches' records to the Merkle tree and gives a
	// batch a checkpoint when one is due. The syncer goroutine owns log:
	// it writes and fsyncs the batches in order. Batches circulate through
	// sealed, merkled and spare, three at a time, so the sealer and the
	// merkler prepare batches while the syncer waits for the fsync of the
	// last. newest is the newest durable checkpoint, set by the syncer.
	next    uint64
	prev    chain.Digest
	hasher  chain.Hasher
	log     *wal.Log
	sealed  chan *pending
	merkled chan *pending
	spare   chan *pending
	ck      checkpointer
	newest  atomic.Pointer[Checkpoint]

	// ix maintains the index; nil when it is disabled or could not be
	// opened.
	ix    *indexer
	clock clockGuard

	stats struct {
		accepted, committed, rejected atomic.Uint64
		batches, syncs, bytes         atomic.Uint64
		lastCommit                    atomic.Int64 // UnixNano
		lastSeq                       atomic.Uint64
		segments                      atomic.Int64
		storeBytes                    atomic.Int64

		mu         sync.Mutex // guards head and redactions
		head       chain.Digest
		redactions map[string]uint64
	}

	// running is set while the sealer, merkler and syncer run: removal
	// frames then go through them (commitRemoval); before (Open) and after
	// (Close) their caller commits them.
	running atomic.Bool

	closeMu  sync.Mutex // serializes Close
	closed   atomic.Bool
	failure  atomic.Pointer[error] // sticky error, once set
	closeErr error
}

// Open opens the store in dir for writing, creating the folder (mode 0700)
// and the store when they do not exist. A nil opts means the defaults.
//
// Every file of a store (llog.store, LOCK, segments, index.db and
// index.snap) is created with mode 0600 and the folder with 0700, whatever
// the umask: a store holds prompts and responses, so only the user who
// writes it (and root) can read it. Another user running 'llog verify' or
// an export gets "permission denied" (exit 3). To let a group of auditors
// read it, make the folder 0750 and its files 0640 with that group
// (chmod -R g+rX); files created later (new segments, a rebuilt index)
// are still 0600, so do it again, or run the readers as the writer's user.
// Readers never write to a store, so read access is all they need.
//
// Open takes an exclusive lock on the store: a second Open of the same
// folder, from this process or another, fails at once with an error
// matching ErrLocked. It recovers the newest segment: a torn tail left by a
// crash is truncated (and reported as an EventTornTail); damage that is not
// a torn tail fails Open with a *CorruptionError, changing nothing. A folder
// that holds files but no store fails with ErrNotStore, before anything is
// created in it; a store written by a newer version fails with
// ErrNewerVersion.
func Open(dir string, opts *Options) (*Engine, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	fsys := o.fs
	// A folder of other files is refused before anything is created in it.
	if err := checkNotForeign(fsys, dir); err != nil {
		return nil, fmt.Errorf("llog: open %s: %w", dir, err)
	}
	if err := fsys.MkdirAll(dir, dirPerm); err != nil {
		return nil, fmt.Errorf("llog: create %s: %w", dir, err)
	}
	lock, err := fsys.Lock(filepath.Join(dir, lockName))
	if errors.Is(err, vfs.ErrLocked) {
		return nil, fmt.Errorf("%w: %s", ErrLocked, dir)
	}
	if err != nil {
		return nil, fmt.Errorf("llog: lock %s: %w", dir, err)
	}
	e, err := open(dir, o, lock)
	if err != nil {
		lock.Close()
		return nil, err
	}
	return e, nil
}

func open(dir string, o Options, lock io.Closer) (*Engine, error) {
	store, err := openStore(o.fs, dir, true)
	if err != nil {
		return nil, fmt.Errorf("llog: open %s: %w", dir, err)
	}
	var tr treeRecovery
	log, rec, err := wal.Open(dir, wal.Options{
		FS:                  o.fs,
		SegmentSize:         o.SegmentSize,
		First:               1,
		Link:                store.genesis,
		Perm:                filePerm,
		OnRecover:           tr.entry,
		OnRecoverCheckpoint: tr.checkpoint,
		OnRecoverRemoval:    tr.removal,
	})
	if err != nil {
		err = wrapOpenErr(err)
		if errors.Is(err, ErrCorrupt) {
			return nil, fmt.Errorf("llog: open %s: %w (Verify shows the damage; Repair removes the damaged batches, keeping every intact one and a copy)", dir, err)
		}
		return nil, fmt.Errorf("llog: open %s: %w", dir, err)
	}
	e := &Engine{
		opts:    o,
		dir:     dir,
		fs:      o.fs,
		lock:    lock,
		store:   store,
		q:       newQueue(&o),
		note:    notifier{fn: o.OnEvent, every: o.DropAlertEvery},
		done:    make(chan struct{}),
		log:     log,
		next:    log.NextSeq(),
		prev:    log.Link(),
		sealed:  make(chan *pending, 1),
		merkled: make(chan *pending, 1),
		spare:   make(chan *pending, 3),
	}
	e.free.maxBytes = o.QueueBytes
	e.red = o.Redactor
	if e.red == nil {
		e.red = noRules()
	}
	var cats []string
	for _, c := range e.red.Categories() {
		cats = append(cats, string(c))
	}
	e.countsMax = maxCountsSize(cats)
	for range cap(e.spare) {
		e.spare <- new(pending)
	}
	segs := log.Segments()
	var size int64
	for _, s := range segs {
		size += s.Size
	}
	e.stats.segments.Store(int64(len(segs)))
	e.stats.storeBytes.Store(size)
	e.stats.lastSeq.Store(e.next - 1)
	e.stats.head = e.prev
	e.stats.redactions = make(map[string]uint64)
	if t := rec.Torn; t != nil {
		e.note.emit(Event{Kind: EventTornTail, Segment: t.Segment, Offset: t.Offset, Bytes: t.Size - t.Offset,
			QueueCapacity: o.QueueCapacity})
	}
	if err := e.startCheckpoints(&tr); err != nil {
		log.Close()
		return nil, err
	}
	if err := e.startIndex(); err != nil {
		log.Close()
		return nil, err
	}
	e.running.Store(true)
	go e.seal()
	go e.merkle()
	go e.sync()
	if o.RedactWorkers > 0 {
		// Room for every queued record: a Log waits for room in the
		// queue, never for a worker. The records in work are queued too
		// (each Log pushes what it handed off), so it adds no memory.
		e.work, e.quit = make(chan *item, o.QueueCapacity), make(chan struct{})
		for range o.RedactWorkers {
			go e.redactor()
		}
	}
	return e, nil
}

// startIndex opens the index, finishes interrupted retention and applies
// retention once. Index trouble never fails Open: the engine runs without
// the index (queries read the segments) and reports EventIndexFailed. A
// retention failure does fail Open, because it means a segment file could
// not be deleted or the directory not synced.
func (e *Engine) startIndex() error {
	ix, err := e.openIndex()
	if errors.Is(err, ErrFailed) {
		return err // the log could not be written
	}
	if err != nil {
		e.note.emit(Event{Kind: EventIndexFailed, Err: err, QueueCapacity: e.opts.QueueCapacity})
		return nil
	}
	if ix == nil {
		return nil
	}
	if err := e.logRemovals(ix); err != nil {
		ix.idx.Close()
		return err
	}
	if err := e.finishPendingRemovals(ix); err != nil {
		ix.idx.Close()
		return err
	}
	if e.opts.Retention.enabled() {
		if err := e.retain(ix); err != nil {
			ix.idx.Close()
			return fmt.Errorf("llog: retention: %w", err)
		}
	}
	e.ix = ix
	go ix.run()
	return nil
}

// Dir returns the store's folder.
func (e *Engine) Dir() string { return e.dir }

// StoreID returns the store's identity (32 hexadecimal digits), fixed when
// the store was created; its genesis digest derives from it.
func (e *Engine) StoreID() string { return e.store.ID() }

// Log stamps the record's time (when zero), queues it, and has it
// redacted and its token estimates (when zero) made before it is written.
// It returns without waiting for the disk, and with redaction workers
// (Options.RedactWorkers) without waiting for the redaction: use Flush or
// LogSync when the record must be durable. It does not keep inf's
// Attributes map: it copies it. When the queue is full
// the overflow policy applies: Block waits until ctx is done, DropNewest
// returns ErrDropped, DropOldest evicts the oldest queued records.
//
// ctx only bounds the wait for room under Block. Log does not check it
// otherwise: with room in the queue, a record logged with a context that
// is already cancelled (a request whose client went away, say) is still
// queued and committed, and Log returns nil, because an audit log should
// not lose the record of work that was done. Check ctx.Err() first if you
// want the other behaviour. A Log that gave up waiting returns ctx.Err()
// and counts the record in Stats.Dropped.Canceled.
//
// Log returns ErrTooLarge or ErrInvalidRecord for a record it cannot store,
// ErrClosed after Close, and the sticky error after a failure.
func (e *Engine) Log(ctx context.Context, inf Inference) error {
	if e.work == nil {
		it, err := e.prepare(&inf)
		if err != nil {
			return err
		}
		return e.enqueue(ctx, it, false)
	}
	it, err := e.admit(&inf)
	if err != nil {
		return err
	}
	if !e.handOff(it) {
		if err := e.finishChecked(it); err != nil {
			return err
		}
	}
	return e.enqueue(ctx, it, false)
}

// LogSync is Log followed by a wait until the batch holding the record is
// fsynced. The Receipt holds the record's sequence number and chain digest.
// When ctx ends first LogSync returns ctx.Err(); the record stays queued and
// may still be committed.
func (e *Engine) LogSync(ctx context.Context, inf Inference) (Receipt, error) {
	it, err := e.prepare(&inf)
	if err != nil {
		return Receipt{}, err
	}
	if it.done == nil {
		it.done = make(chan result, 1)
	}
	done := it.done
	if err := e.enqueue(ctx, it, true); err != nil {
		return Receipt{}, err
	}
	select {
	case r := <-done:
		e.free.put(it)
		return r.receipt, r.err
	case <-ctx.Done():
		return Receipt{}, ctx.Err() // the committer still answers into done; it is not reused
	}
}

// Flush returns once every record queued before the call is durable (or
// was dropped by the overflow policy). It does not wait for a fuller batch.
func (e *Engine) Flush(ctx context.Context) error {
	if e.closed.Load() {
		return ErrClosed
	}
	return e.q.flush(ctx)
}

// Close stops intake, commits and fsyncs everything queued, and releases
// the store's lock. It returns the engine's sticky error if a write or
// fsync failed. Calling Close again returns nil; every other method returns
// ErrClosed after Close.
func (e *Engine) Close() error {
	e.closeMu.Lock()
	defer e.closeMu.Unlock()
	if e.closed.Load() {
		return nil
	}
	e.closed.Store(true)
	e.q.close()
	<-e.done
	if e.quit != nil {
		// No Log hands off a record after this: the workers finish the
		// records already handed off (whose Log then finds the queue
		// closed) and stop.
		e.handMu.Lock()
		e.stopped = true
		e.handMu.Unlock()
		close(e.quit)
	}
	e.running.Store(false) // the index's last retention run commits its own frames
	var err error
	if e.ix != nil {
		err = e.ix.close()
	}
	if lerr := e.log.Close(); err == nil {
		err = lerr
	}
	if lerr := e.lock.Close(); err == nil {
		err = lerr
	}
	if f := e.failure.Load(); f != nil {
		err = *f
	}
	e.note.flushDrops(0, e.opts.QueueCapacity, true)
	return err
}

// prepare turns an Inference into an item ready to queue: checks,
// sanitizing, estimates, redaction, encoding, on the caller's goroutine.
func (e *Engine) prepare(inf *Inference) (*item, error) {
	it, err := e.admit(inf)
	if err != nil {
		return nil, err
	}
	return it, e.finishChecked(it)
}

// admit checks inf and starts its item: the record with its metadata
// sanitized and its attributes copied, its text not yet redacted (finish
// does that). It runs on the caller's goroutine.
func (e *Engine) admit(inf *Inference) (*item, error) {
	if e.closed.Load() {
		return nil, ErrClosed
	}
	if f := e.failure.Load(); f != nil {
		return nil, *f
	}
	if inf.TokensIn < 0 || inf.TokensOut < 0 || inf.Latency < 0 {
		e.stats.rejected.Add(1)
		return nil, fmt.Errorf("%w: negative tokens or latency (tokens in %d, out %d, latency %v)",
			ErrInvalidRecord, inf.TokensIn, inf.TokensOut, inf.Latency)
	}
	if int64(inf.TokensIn) > MaxTokens || int64(inf.TokensOut) > MaxTokens {
		e.stats.rejected.Add(1)
		return nil, fmt.Errorf("%w: tokens in %d, out %d: at most %d, so that 32-bit readers can hold them",
			ErrInvalidRecord, inf.TokensIn, inf.TokensOut, MaxTokens)
	}
	it := e.free.get()
	r := &it.rec
	r.Inference = *inf
	now := time.Now()
	if r.Time.IsZero() {
		r.Time = now
	}
	for _, s := range [...]*string{&r.Model, &r.Provider, &r.Operation,
		&r.TraceID, &r.SpanID, &r.ConversationID} {
		*s = sanitize(*s, &it.invalid)
	}
	if len(inf.Attributes) > 0 {
		// A copy: the caller may change its map once Log returns.
		r.Attributes = make(map[string]string, len(inf.Attributes))
		for k, v := range inf.Attributes {
			r.Attributes[sanitize(k, &it.invalid)] = v
		}
	}
	it.t = r.Time.UnixNano()
	it.model = r.Model
	it.at = now
	return it, nil
}

// finish redacts the free text of it.rec, each text in one pass that also
// repairs and measures it, estimates the tokens the caller left at zero,
// and encodes the record into it.buf with its redaction counts (it.reds).
// It leaves it.rec empty, so the item holds no unredacted text.
func (e *Engine) finish(it *item) {
	r := &it.rec
	invalid := it.invalid
	reds := it.reds[:0]
	text := func(s *string) int {
		if *s == "" {
			return 0
		}
		res := e.red.RedactText(*s)
		*s = res.Text
		invalid += res.Invalid
		for k, v := range res.Counts {
			reds = addCount(reds, string(k), v)
		}
		return res.Runes
	}
	promptRunes, responseRunes := text(&r.Prompt), text(&r.Response)
	text(&r.Error)
	for k, v := range r.Attributes {
		text(&v)
		r.Attributes[k] = v
	}
	if r.TokensIn == 0 {
		r.TokensIn = promptRunes / 4
		r.TokensInEstimated = true
	}
	if r.TokensOut == 0 {
		r.TokensOut = responseRunes / 4
		r.TokensOutEstimated = true
	}
	if invalid > 0 {
		reds = addCount(reds, "INVALID_UTF8", invalid)
	}
	sortCounts(reds)
	it.reds = reds
	it.buf = append(it.buf[:0], make([]byte, hashSize)...)
	it.buf = appendRecordCounts(it.buf, r, reds)
	it.rec, it.invalid = Record{}, 0
}

// finishChecked is finish on the caller's goroutine, which also checks the
// encoded size against MaxRecordSize and recycles the item when it is too
// large.
func (e *Engine) finishChecked(it *item) error {
	e.finish(it)
	it.size = len(it.buf)
	if n := len(it.buf) - hashSize; n > e.opts.MaxRecordSize {
		e.free.put(it)
		e.stats.rejected.Add(1)
		return fmt.Errorf("%w: %d bytes encoded, limit %d", ErrTooLarge, n, e.opts.MaxRecordSize)
	}
	return nil
}

// handOff gives it to a redaction worker, unless its record could
// outgrow MaxRecordSize once redacted, which only finishing it on the
// caller's goroutine tells (and Log must return ErrTooLarge itself). It
// reports false when it did not hand it off.
func (e *Engine) handOff(it *item) bool {
	bound := maxRecordSize(&it.rec, e.red.MaxLen, e.countsMax)
	if bound > e.opts.MaxRecordSize {
		return false
	}
	// The queue counts the record at its size before redaction, which
	// redaction changes little: it is bounded by QueueBytes all the same.
	it.size = hashSize + maxRecordSize(&it.rec, func(n int) int { return n }, 0)
	if it.ready == nil {
		it.ready = make(chan struct{}, 1)
	}
	e.handMu.RLock()
	defer e.handMu.RUnlock()
	if e.stopped {
		// Close has stopped the workers (this Log raced with it): the
		// queue refuses the record anyway.
		return false
	}
	it.pending = true
	e.work <- it
	return true
}

// redactor is a redaction worker: it finishes the items Log hands it
// until Close stops it, and then the items still in the channel.
func (e *Engine) redactor() {
	for {
		select {
		case it := <-e.work:
			e.finish(it)
			it.ready <- struct{}{}
		case <-e.quit:
			for {
				select {
				case it := <-e.work:
					e.finish(it)
					it.ready <- struct{}{}
				default:
					return
				}
			}
		}
	}
}

// noRules is a Redactor without rules: with redaction off, its pass over
// a text still repairs invalid UTF-8 and counts the characters.
var noRules = sync.OnceValue(func() *redact.Redactor {
	r, err := redact.New()
	if err != nil {
		panic(err) // no rules cannot be malformed
	}
	return r
})

// enqueue pushes it onto the queue and deals with what the push caused.
func (e *Engine) enqueue(ctx context.Context, it *item, urgent bool) error {
	out, err := e.q.push(ctx, it, e.opts.Overflow, urgent)
	for _, old := range out.evicted {
		e.answer(old, result{err: ErrDropped})
	}
	if n := len(out.evicted); n > 0 {
		e.note.dropped(dropOldest, uint64(n), out.depth, e.opts.QueueCapacity)
	}
	if err != nil {
		it.wait()
		e.free.put(it)
		switch {
		case errors.Is(err, ErrDropped):
			e.note.dropped(dropNewest, 1, out.depth, e.opts.QueueCapacity)
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			e.note.dropped(dropCanceled, 1, out.depth, e.opts.QueueCapacity)
		}
		return err
	}
	e.stats.accepted.Add(1)
	if out.high {
		e.note.emit(Event{Kind: EventQueueHigh, QueueDepth: out.depth, QueueCapacity: e.opts.QueueCapacity})
	}
	return nil
}

// answer gives a record's outcome to its LogSync caller, or recycles it.
func (e *Engine) answer(it *item, r result) {
	it.wait()
	if it.done != nil {
		it.done <- r // buffered; the LogSync caller recycles the item
		return
	}
	e.free.put(it)
}

// pending is a batch on its way from the sealer through the merkler to
// the syncer.
type pending struct {
	items []*item
	batch wal.Batch
	link  chain.Digest // digest of the batch's last record
	// digests are the records' chain digests in order, side by side for
	// the merkler, which then reads them from one array rather than from
	// each item the sealer just wrote.
	digests []chain.Digest
	end     uint64    // queue ticket after the batch's last record
	depth   int       // queue depth when the batch was taken
	tree    batchTree // the Merkle tree before and after the batch, its checkpoint
	// closing is set on the last batch before Close: it gets a checkpoint
	// covering everything.
	closing bool
	// ctl is the removal frame the batch holds alone, whose sender is
	// answered once it is committed.
	ctl *control
}

// seal is the sealer goroutine: it takes batches from the queue, gives each
// record its sequence number and chain digest, frames the batch and hands
// it to the syncer.
func (e *Engine) seal() {
	defer close(e.sealed)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		p := <-e.spare
		items, out, ok := e.q.next(p.items[:0], e.opts.MaxBatchDelay, timer, e.ck.idle())
		p.items, p.end, p.depth, p.closing = items, out.end, out.depth, out.closing
		p.batch.Reset()
		p.digests = p.digests[:0]
		p.link = e.prev
		if out.ctl != nil {
			e.sealRemoval(p, out.ctl)
			e.sealed <- p
			continue
		}
		if !ok {
			// Close: the merkler adds a last checkpoint, unless one covers
			// everything already.
			if e.failure.Load() == nil {
				p.closing = true
				e.sealed <- p
			}
			return
		}
		if out.low {
			e.note.emit(Event{Kind: EventQueueLow, QueueDepth: out.depth, QueueCapacity: e.opts.QueueCapacity})
		}
		e.countRedactions(p.items)
		for _, it := range p.items {
			it.seq = e.next
			it.hash = e.hasher.Next(e.prev, e.next, it.body())
			copy(it.buf[:hashSize], it.hash[:])
			p.digests = append(p.digests, it.hash)
			if err := p.batch.Add(it.buf); err != nil {
				panic(err) // records are checked against MaxRecordSize, far below the frame limit
			}
			e.prev = it.hash
			e.next++
		}
		p.link = e.prev
		e.sealed <- p
	}
}

// countRedactions waits for the batch's records to be redacted and adds
// their redaction counts to the stats.
func (e *Engine) countRedactions(items []*item) {
	if n := len(items); n > 0 {
		// The workers finish records about in queue order: once the
		// last is done, the others almost always are, and the sealer
		// waits once per batch rather than once per record.
		items[n-1].wait()
	}
	locked := false
	for _, it := range items {
		it.wait()
		if len(it.reds) == 0 {
			continue
		}
		if !locked {
			e.stats.mu.Lock()
			locked = true
		}
		for _, c := range it.reds {
			e.stats.redactions[c.name] += uint64(c.n)
		}
	}
	if locked {
		e.stats.mu.Unlock()
	}
}

// merkle is the merkler goroutine: it adds each sealed batch's records to
// the Merkle tree and gives the batch a checkpoint when one is due, then
// hands it to the syncer. It runs beside the sealer, so the tree costs the
// sealer (the slowest stage when the disk keeps up) nothing.
func (e *Engine) merkle() {
	defer close(e.merkled)
	for p := range e.sealed {
		e.ck.begin(p)
		for i := range p.digests {
			e.ck.add(p, &p.digests[i])
		}
		e.ck.end(p)
		e.sealCheckpoint(p, p.closing)
		e.merkled <- p
	}
}

// sync is the syncer goroutine: it commits sealed batches in order, one
// write and one fsync each, then answers everyone waiting on them.
func (e *Engine) sync() {
	defer close(e.done)
	for p := range e.merkled {
		e.commit(p)
		e.q.markDurable(p.end)
		clear(p.items)
		p.items = p.items[:0]
		e.note.flushDrops(p.depth, e.opts.QueueCapacity, false)
		e.spare <- p
	}
}

// commit writes one sealed batch and answers its records (or the sender of
// its removal frame).
func (e *Engine) commit(p *pending) {
	if f := e.failure.Load(); f != nil {
		e.abandon(p.items, *f)
		p.answerControl(*f)
		return
	}
	if len(p.items) == 0 && !p.batch.HasCheckpoint() && !p.batch.HasRemoval() {
		return
	}
	e.prepareCommit(p)
	info, err := e.log.Commit(&p.batch, p.link)
	if err != nil {
		e.failWith(err, p.items)
		p.answerControl(*e.failure.Load())
		return
	}
	if len(p.items) == 0 {
		e.published(p, info)
		p.answerControl(nil)
		return
	}
	// The index first: a query that starts after anyone learns of these
	// records (Stats, an answer) must see them.
	if e.ix != nil {
		e.ix.addBatch(p, info)
		if info.Rotated && e.opts.Retention.enabled() {
			select {
			case e.ix.kick <- struct{}{}:
			default:
			}
		}
	}
	now := time.Now()
	e.stats.committed.Add(uint64(len(p.items)))
	e.stats.batches.Add(1)
	e.stats.syncs.Add(1)
	e.stats.bytes.Add(uint64(info.Bytes))
	e.stats.lastCommit.Store(now.UnixNano())
	e.stats.lastSeq.Store(p.items[len(p.items)-1].seq)
	e.stats.storeBytes.Add(info.Added)
	if info.Rotated {
		e.stats.segments.Add(1)
	}
	e.stats.mu.Lock()
	e.stats.head = p.link
	e.stats.mu.Unlock()

	if info.Rotated {
		e.note.emit(Event{Kind: EventSegmentRotated, Time: now, Segment: info.Segment, QueueCapacity: e.opts.QueueCapacity})
	}
	if info.Sync > e.opts.SlowSync {
		e.note.emit(Event{Kind: EventSlowSync, Time: now, Segment: info.Segment, Duration: info.Sync, QueueCapacity: e.opts.QueueCapacity})
	}
	for _, it := range p.items {
		e.answer(it, result{receipt: Receipt{Seq: it.seq, Hash: it.hash}})
	}
	e.published(p, info)
}

// failWith makes err the engine's sticky error and fails the batch and
// everything still queued with it.
func (e *Engine) failWith(err error, batch []*item) {
	ferr := fmt.Errorf("%w: %w", ErrFailed, err)
	if !e.failure.CompareAndSwap(nil, &ferr) {
		// Failed before: use that error. (Once &ferr is published, other
		// goroutines read it: it must not be written again.)
		ferr = *e.failure.Load()
	}
	rest := e.q.fail(ferr)
	e.abandon(batch, ferr)
	e.abandon(rest, ferr)
	e.note.emit(Event{Kind: EventFailed, Err: ferr, QueueCapacity: e.opts.QueueCapacity})
}

// abandon answers records that will never be written.
func (e *Engine) abandon(items []*item, err error) {
	if len(items) == 0 {
		return
	}
	e.note.dropped(dropFailed, uint64(len(items)), 0, e.opts.QueueCapacity)
	for _, it := range items {
		e.answer(it, result{err: err})
	}
}

// Stats is a snapshot of an Engine's counters.
type Stats struct {
	// Accepted counts records queued since Open.
	Accepted uint64
	// Committed counts records made durable since Open.
	Committed uint64
	// Rejected counts records refused with ErrTooLarge or ErrInvalidRecord.
	Rejected uint64
	// Dropped counts records dropped since Open, by reason.
	Dropped Drops
	// DroppedTotal counts drops over the store's life (this run and the
	// earlier ones the index remembers; equal to Dropped without an index).
	DroppedTotal Drops
	// QueueDepth and QueueCapacity are the queued records and the limit;
	// QueueBytes and QueueMaxBytes the same in encoded bytes.
	QueueDepth, QueueCapacity int
	QueueBytes, QueueMaxBytes int
	// Batches and Syncs count committed batches and data fsyncs.
	Batches, Syncs uint64
	// BytesWritten counts bytes appended to segments since Open.
	BytesWritten uint64
	// Segments is the number of segment files; StoreBytes their total size.
	Segments   int
	StoreBytes int64
	// LastSeq and Head are the sequence number and chain digest of the
	// newest committed record (0 and the genesis digest for an empty store).
	LastSeq uint64
	Head    chain.Digest
	// LastCommit is the time of the last commit since Open (zero if none).
	LastCommit time.Time
	// Redactions counts redactions by category, in the records taken for
	// commit since Open (a record dropped from the queue is not counted).
	Redactions map[string]uint64
	// Index describes the index: its file size and what it has written
	// since Open (zero when the index is off). IndexErr is set when the
	// index went out of use.
	Index    IndexStats
	IndexErr error
	// Err is the sticky error after a failure, else nil.
	Err error
}

// Stats returns a snapshot of the engine's counters.
func (e *Engine) Stats() Stats {
	depth, bytes := e.q.depth()
	s := Stats{
		Accepted:      e.stats.accepted.Load(),
		Committed:     e.stats.committed.Load(),
		Rejected:      e.stats.rejected.Load(),
		Dropped:       e.note.drops.snapshot(),
		QueueDepth:    depth,
		QueueCapacity: e.opts.QueueCapacity,
		QueueBytes:    bytes,
		QueueMaxBytes: e.opts.QueueBytes,
		Batches:       e.stats.batches.Load(),
		Syncs:         e.stats.syncs.Load(),
		BytesWritten:  e.stats.bytes.Load(),
		Segments:      int(e.stats.segments.Load()),
		StoreBytes:    e.stats.storeBytes.Load(),
		LastSeq:       e.stats.lastSeq.Load(),
	}
	if t := e.stats.lastCommit.Load(); t != 0 {
		s.LastCommit = time.Unix(0, t)
	}
	e.stats.mu.Lock()
	s.Head = e.stats.head
	s.Redactions = make(map[string]uint64, len(e.stats.redactions))
	for k, v := range e.stats.redactions {
		s.Redactions[k] = v
	}
	e.stats.mu.Unlock()
	if f := e.failure.Load(); f != nil {
		s.Err = *f
	}
	s.DroppedTotal = s.Dropped
	if e.ix != nil {
		s.DroppedTotal = e.ix.dropTotals()
		e.ix.mu.Lock()
		is := e.ix.stats
		s.Index = IndexStats{FileBytes: is.FileBytes, Checkpoints: is.Commits, PagesWritten: is.Pages, PageSize: is.PageSize,
			Mark: e.ix.mark.Seq}
		s.IndexErr = e.ix.failed
		e.ix.mu.Unlock()
	}
	return s
}

// IndexStats describes the index.
type IndexStats struct {
	FileBytes    int64  // size of index.db
	Mark         uint64 // last sequence number committed to index.db
	Checkpoints  int64  // bbolt commits since Open
	PagesWritten int64  // page writes of those commits (a page or a run of overflow pages each)
	PageSize     int    // bbolt page size
}
