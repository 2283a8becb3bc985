package llog

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/lowlightlog/llog/chain"
	"github.com/lowlightlog/llog/index"
	"github.com/lowlightlog/llog/internal/hooks"
	"github.com/lowlightlog/llog/internal/vfs"
	"github.com/lowlightlog/llog/wal"
)

// The index (package index) is derived state: block summaries of the log
// in a bbolt file. The syncer adds every committed record to an in-memory
// builder; the indexer goroutine commits what was built to bbolt at each
// checkpoint (Options.CheckpointRecords / CheckpointInterval) and runs
// retention. Queries read checkpointed blocks from bbolt and newer ones
// from the builder, so they see every committed record.
const (
	indexName    = "index.db"
	snapshotName = "index.snap"
	// blockRecords is the most records a block summarizes: a query reads
	// at most this many records it does not need.
	blockRecords = 64
)

// indexer maintains the index of an Engine.
type indexer struct {
	e   *Engine
	idx *index.Index

	kick chan struct{} // checkpoint (and retention) wanted now
	stop chan struct{}
	done chan struct{}

	mu      sync.Mutex // guards the fields below
	mark    index.Mark // what bbolt holds
	blocks  []index.Block
	open    bool // blocks[len-1] still takes records
	segs    map[uint64]*index.Segment
	dirty   map[uint64]bool // segment summaries changed since the last checkpoint
	pending int             // records since the last checkpoint
	last    uint64          // last record added
	lastT   int64           // its time
	prev    chain.Digest    // its digest
	next    index.Pos       // where the record after it starts
	failed  error           // the index is out of use after this error
	stats   index.Stats     // as of the last checkpoint
	// tree is the Merkle frontier after record last, when treeKnown;
	// nodes are the Merkle nodes completed since the last checkpoint.
	tree      frontier
	treeKnown bool
	nodes     []index.Node
	drops0    Drops // drop totals of earlier runs, from the index
	// failApply, set only by tests, makes checkpoints fail as a bbolt
	// write error would.
	failApply error
	names     map[string]string // interned model names (Open's catch-up only)
	// found holds the removals by retention whose frames Open's catch-up
	// read, to add to the index (Open's catch-up only).
	found []Removal
}

// openIndex opens (or rebuilds) the index and brings it up to date with
// the log. It returns nil when the index is disabled. An index file that
// cannot serve (another store's, another version's, damaged, ahead of the
// log) is removed and rebuilt from the segments; an I/O error leaves the
// file for the next Open and fails. An index ahead of the log saw records
// committed that the log no longer holds: before it goes, the loss is
// recorded in the log (recordLoss), and an error doing so matches
// ErrFailed.
func (e *Engine) openIndex() (*indexer, error) {
	if e.opts.DisableIndex || !vfs.OnOS(e.fs) {
		// bbolt opens and maps its file itself: it runs only where the
		// filesystem hands out operating-system files.
		return nil, nil
	}
	ix, err := e.tryOpenIndex()
	var ahead *indexAheadError
	if errors.As(err, &ahead) {
		// The index is evidence that acknowledged records were lost:
		// record it in the log, and go on past them, before the rebuild
		// forgets it.
		if lerr := e.recordLoss(ahead.mark); lerr != nil {
			return nil, lerr
		}
	}
	if errors.Is(err, index.ErrUnusable) {
		if rerr := e.removeIndex(); rerr != nil {
			return nil, fmt.Errorf("llog: remove unusable index: %w (after %v)", rerr, err)
		}
		ix, err = e.tryOpenIndex()
	}
	return ix, err
}

// removeIndex removes index.db durably.
func (e *Engine) removeIndex() error {
	if err := e.fs.Remove(filepath.Join(e.dir, indexName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return e.fs.SyncDir(e.dir)
}

// tryOpenIndex is openIndex's one attempt. Its error matches
// index.ErrUnusable when the file must be rebuilt.
func (e *Engine) tryOpenIndex() (*indexer, error) {
	idx, err := index.Open(filepath.Join(e.dir, indexName), e.store.id[:], &index.Options{FS: e.fs, NoSync: e.opts.indexNoSync})
	if err != nil {
		return nil, fmt.Errorf("llog: open index: %w", err)
	}
	ix := &indexer{
		e:     e,
		idx:   idx,
		kick:  make(chan struct{}, 1),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
		segs:  map[uint64]*index.Segment{},
		dirty: map[uint64]bool{},
		names: map[string]string{},
	}
	if err := ix.start(); err != nil {
		idx.Close()
		return nil, err
	}
	return ix, nil
}

// start brings a newly opened index up to date: catch-up from its
// watermark, or a rebuild with the retention records kept in index.snap.
func (ix *indexer) start() error {
	e, idx := ix.e, ix.idx
	var err error
	if ix.mark, err = idx.Mark(); err != nil {
		return err
	}
	if c, err := idx.Counters(); err == nil && len(c) >= 4 {
		ix.drops0 = Drops{Newest: c[0], Oldest: c[1], Canceled: c[2], Failed: c[3]}
	}
	start := time.Now()
	rebuilt := ix.mark.Seq == 0
	n, err := ix.catchUp()
	var ce *CorruptionError
	if errors.As(err, &ce) && !errors.Is(err, index.ErrUnusable) {
		// The index does not describe the log as it is (a repair rewrote a
		// segment after the index was written, and a crash kept the repair
		// from removing it): rebuild it.
		return fmt.Errorf("%w: the catch-up from its watermark: %w", index.ErrUnusable, err)
	}
	if err != nil {
		return err
	}
	if err := ix.checkpoint(); err != nil {
		return err
	}
	if rebuilt {
		if err := ix.keepRemovals(); err != nil {
			return err
		}
	}
	if err := ix.addFound(); err != nil {
		return err
	}
	if n > 0 {
		e.note.emit(Event{Kind: EventIndexCaughtUp, Records: n, Duration: time.Since(start), Rebuilt: rebuilt,
			QueueCapacity: e.opts.QueueCapacity})
	}
	return nil
}

// keepRemovals copies the retention records of index.snap into an index
// that is being rebuilt. They cannot be derived from the segments, and
// verification needs them to tell retention from tampering; retention
// writes index.snap, with its record, before it deletes anything, so the
// snapshot holds every removal that deleted a file.
func (ix *indexer) keepRemovals() error {
	if rs, err := ix.idx.Removals(); err != nil || len(rs) > 0 {
		return err
	}
	e := ix.e
	snap, err := index.Open(filepath.Join(e.dir, snapshotName), e.store.id[:],
		&index.Options{ReadOnly: true, Timeout: time.Millisecond, FS: e.fs})
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, index.ErrUnusable) {
		return nil // no retention yet, or a snapshot of no use
	}
	if err != nil {
		return fmt.Errorf("llog: read retention records from %s: %w", snapshotName, err)
	}
	rs, err := snap.Removals()
	snap.Close()
	if err != nil {
		return fmt.Errorf("llog: read retention records from %s: %w", snapshotName, err)
	}
	for _, r := range rs {
		r, err := ix.idx.AddRemoval(r)
		if err == nil && r.Done {
			err = ix.idx.MarkRemoved(r.ID)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// addFound adds to the index the removals by retention whose frames the
// catch-up read and that it does not hold yet (a crash came between the
// frame and the index's record, or the index is being rebuilt). Their
// files, if any are left, are deleted by finishPendingRemovals.
func (ix *indexer) addFound() error {
	if len(ix.found) == 0 {
		return nil
	}
	have, err := ix.idx.Removals()
	if err != nil {
		return err
	}
	for i := range ix.found {
		r := &ix.found[i]
		known := false
		for _, h := range have {
			if x := removalFrom(h); sameRemoval(&x, r) {
				known = true
				if !h.Logged {
					if err := ix.idx.MarkLogged(h.ID); err != nil {
						return err
					}
				}
			}
		}
		if known {
			continue
		}
		rm := indexRemoval(r)
		rm.Done, rm.Logged = false, true
		if _, err := ix.idx.AddRemoval(rm); err != nil {
			return err
		}
	}
	ix.found = nil
	return nil
}

// foundRemoval notes a removal frame the catch-up read: a retention record
// to add to the index, or records removed in place, whose leaves the tree
// takes. A frame that does not decode is left to Verify, which reports it.
func (ix *indexer) foundRemoval(r wal.Removal) {
	rm, err := parseRemovalPayload(r.Payload)
	switch {
	case err != nil:
	case rm.retention():
		ix.found = append(ix.found, rm)
	case r.Next > r.From:
		ix.skipLeaves(r.From, r.Next)
		ix.mu.Lock()
		ix.prev = r.Link // what the record after the gap links to
		ix.mu.Unlock()
	}
}

// indexAheadError is the reason an index is unusable when its watermark
// is past the end of the log: it saw records committed up to mark that the
// log no longer holds. It matches index.ErrUnusable.
type indexAheadError struct{ mark, last uint64 }

func (e *indexAheadError) Error() string {
	return fmt.Sprintf("%v: ahead of the log: it saw records up to %d committed, the log ends at %d", index.ErrUnusable, e.mark, e.last)
}

// Is reports whether target is index.ErrUnusable.
func (e *indexAheadError) Is(target error) bool { return target == index.ErrUnusable }

// catchUp feeds the builder with the records committed after the index's
// watermark, reading the segments from there. It returns how many it read.
func (ix *indexer) catchUp() (uint64, error) {
	e := ix.e
	m := ix.mark
	last := e.next - 1
	if m.Seq > last {
		return 0, &indexAheadError{mark: m.Seq, last: last}
	}
	// Segment summaries continue from what bbolt holds.
	stored, err := ix.idx.Segments()
	if err != nil {
		return 0, err
	}
	for i := range stored {
		s := stored[i]
		ix.segs[s.First] = &s
	}
	if err := ix.resume(m); err != nil {
		return 0, err
	}
	if m.Seq == last {
		return 0, nil
	}
	var n uint64
	for _, s := range e.log.Segments() {
		if m.Seq > 0 && s.First < m.Next.Segment {
			continue
		}
		read, err := ix.catchUpSegment(s, m)
		n += read
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// catchUpSegment feeds the builder with the records of segment s after
// the watermark m and returns how many it read.
func (ix *indexer) catchUpSegment(s wal.SegmentInfo, m index.Mark) (uint64, error) {
	w, err := wal.OpenWalker(ix.e.fs, ix.e.dir, s.Name)
	if err != nil {
		return 0, err
	}
	defer w.Close()
	w.OnRemoval(ix.foundRemoval)
	if m.Seq > 0 && s.First == m.Next.Segment {
		if err := w.StartAt(m.Next.Offset, m.Seq+1); err != nil {
			return 0, err
		}
	} else {
		ix.prev = w.Header().Link // the digest of the record before the segment
	}
	w.OnCheckpoint(ix.treeFromFrame)
	var n uint64
	for {
		ent, err := w.Next()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		if len(ent.Data) < hashSize {
			return n, &CorruptionError{Segment: s.Name, Offset: ent.Offset, Seq: ent.Seq, Reason: errBadRecord}
		}
		t, model, err := peekRecord(ent.Data[hashSize:])
		if err != nil {
			return n, &CorruptionError{Segment: s.Name, Offset: ent.Offset, Seq: ent.Seq, Reason: err}
		}
		var h chain.Digest
		copy(h[:], ent.Data[:hashSize])
		ix.add(ent.Seq, t, ix.intern(model), h, index.Pos{Segment: s.First, Offset: ent.Offset}, ent.End-ent.Offset,
			index.Pos{Segment: s.First, Offset: ent.Next})
		ix.addLeaf(ent.Seq, h)
		n++
		if ix.pending >= ix.e.opts.CheckpointRecords {
			if err := ix.checkpoint(); err != nil {
				return n, err
			}
		}
	}
}

// intern returns model as a string, allocating once per distinct model.
func (ix *indexer) intern(model []byte) string {
	if s, ok := ix.names[string(model)]; ok {
		return s
	}
	s := string(model)
	ix.names[s] = s
	return s
}

// resume sets the builder's position to the watermark: the record after
// it, and the digest of the record at it (the next block's Prev), read
// from the block that holds it or, when the watermark ends a segment that
// retention removed, from the header of the segment after it.
func (ix *indexer) resume(m index.Mark) error {
	ix.last = m.Seq
	ix.next = m.Next
	ix.resumeTree(m)
	if m.Seq == 0 {
		ix.prev = ix.e.store.genesis
		return nil
	}
	bs, err := ix.idx.Blocks(m.Seq, m.Seq, true, 1)
	if err != nil {
		return err
	}
	if len(bs) == 1 && bs[0].First <= m.Seq && m.Seq <= bs[0].Last() {
		ix.prev, err = ix.e.readDigest(bs[0], m.Seq)
		return err
	}
	// Retention removed the segment the watermark ends: the digest is the
	// link in the header of the segment that starts after it.
	for _, s := range ix.e.log.Segments() {
		if s.First == m.Seq+1 {
			d, err := ix.e.segmentLink(s.Name)
			ix.prev = d
			return err
		}
	}
	return fmt.Errorf("%w: no block or segment holds the watermark %d", index.ErrUnusable, m.Seq)
}

// add records one committed record in the builder.
// REQUIRES: called by one goroutine at a time (the syncer, or Open).
func (ix *indexer) add(seq uint64, t int64, model string, h chain.Digest, pos index.Pos, size int64, next index.Pos) {
	ix.mu.Lock()
	ix.addLocked(seq, t, model, h, pos, size, next, ix.segment(pos.Segment, t))
	ix.mu.Unlock()
}

// segment returns the summary of a segment, creating it.
// REQUIRES: ix.mu held.
func (ix *indexer) segment(first uint64, t int64) *index.Segment {
	s := ix.segs[first]
	if s == nil {
		s = &index.Segment{First: first, MinTime: t, MaxTime: t}
		ix.segs[first] = s
	}
	ix.dirty[first] = true
	return s
}

// addLocked is add for a record of the segment whose summary is s.
// REQUIRES: ix.mu held.
func (ix *indexer) addLocked(seq uint64, t int64, model string, h chain.Digest, pos index.Pos, size int64, next index.Pos, s *index.Segment) {
	var b *index.Block
	if ix.open {
		b = &ix.blocks[len(ix.blocks)-1]
		if b.Pos.Segment != pos.Segment || b.Count >= blockRecords || b.Last()+1 != seq {
			b = nil
		}
	}
	if b == nil {
		ix.blocks = append(ix.blocks, index.Block{First: seq, Pos: pos, MinTime: t, MaxTime: t, Prev: ix.prev})
		b = &ix.blocks[len(ix.blocks)-1]
		ix.open = true
	}
	b.Count++
	b.MinTime = min(b.MinTime, t)
	b.MaxTime = max(b.MaxTime, t)
	if !slices.Contains(b.Models, model) {
		b.Models = append(b.Models, model)
		slices.Sort(b.Models)
	}
	s.Last = seq
	s.Records++
	s.Bytes += size
	s.MinTime = min(s.MinTime, t)
	s.MaxTime = max(s.MaxTime, t)
	if !slices.Contains(s.Models, model) {
		s.Models = append(s.Models, model)
		slices.Sort(s.Models)
	}
	ix.pending++
	ix.last, ix.lastT, ix.prev, ix.next = seq, t, h, next
	if ix.pending == ix.e.opts.CheckpointRecords {
		select {
		case ix.kick <- struct{}{}:
		default:
		}
	}
}

// addBatch adds a committed batch under one lock; the syncer calls it.
func (ix *indexer) addBatch(p *pending, info wal.CommitInfo) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.takeTree(&p.tree)
	s := ix.segment(info.SegmentFirst, p.items[0].t)
	for i, it := range p.items {
		off := info.Offset + p.batch.EntryOffset(i)
		size := p.batch.EntrySize(i)
		next := index.Pos{Segment: info.SegmentFirst, Offset: off + size}
		if i == len(p.items)-1 {
			next.Offset = info.Offset + int64(info.Bytes)
		}
		ix.addLocked(it.seq, it.t, it.model, it.hash, index.Pos{Segment: info.SegmentFirst, Offset: off}, size, next, s)
	}
}

// checkpoint commits everything built so far to bbolt in one transaction.
func (ix *indexer) checkpoint() error {
	ix.mu.Lock()
	if ix.failed != nil {
		ix.mu.Unlock()
		return ix.failed
	}
	if ix.pending == 0 && ix.mark.Seq == ix.last {
		ix.mu.Unlock()
		return nil
	}
	d := ix.dropTotals()
	cp := &index.Checkpoint{
		Blocks:   slices.Clone(ix.blocks),
		Mark:     index.Mark{Seq: ix.last, Next: ix.next, Time: ix.e.opts.now().UnixNano()},
		Counters: []uint64{d.Newest, d.Oldest, d.Canceled, d.Failed},
	}
	for first := range ix.dirty {
		cp.Segments = append(cp.Segments, *ix.segs[first])
	}
	nodes := len(ix.nodes)
	cp.Nodes = slices.Clone(ix.nodes)
	if ix.treeKnown && ix.tree.n == ix.last {
		cp.Frontier = &index.Frontier{Size: ix.tree.n}
		for _, h := range ix.tree.nodes {
			cp.Frontier.Nodes = append(cp.Frontier.Nodes, h)
		}
	}
	for i := range cp.Blocks {
		cp.Blocks[i].Models = slices.Clone(cp.Blocks[i].Models)
	}
	for i := range cp.Segments {
		cp.Segments[i].Models = slices.Clone(cp.Segments[i].Models)
	}
	taken := len(ix.blocks)
	ix.open = false // later records start a new block
	clear(ix.dirty)
	ix.pending = 0
	ix.mu.Unlock()

	hooks.Fire(hooks.IndexBeforeCheckpoint)
	ix.mu.Lock()
	err := ix.failApply
	ix.mu.Unlock()
	if err == nil {
		err = ix.idx.Apply(cp)
	}
	hooks.Fire(hooks.IndexAfterCheckpoint)

	ix.mu.Lock()
	defer ix.mu.Unlock()
	if err != nil {
		ix.failed = fmt.Errorf("llog: index checkpoint: %w", err)
		return ix.failed
	}
	ix.blocks = slices.Delete(ix.blocks, 0, taken)
	ix.nodes = slices.Delete(ix.nodes, 0, nodes)
	ix.mark = cp.Mark
	ix.stats = ix.idx.Stats()
	return nil
}

// dropTotals returns the drops over the store's life: earlier runs' totals
// from the index plus this run's.
func (ix *indexer) dropTotals() Drops {
	d := ix.e.note.drops.snapshot()
	b := ix.drops0
	return Drops{b.Newest + d.Newest, b.Oldest + d.Oldest, b.Canceled + d.Canceled, b.Failed + d.Failed}
}

// run is the indexer goroutine: checkpoints on demand, on a timer and at
// Close, each followed by retention when it is configured.
func (ix *indexer) run() {
	defer close(ix.done)
	tick := time.NewTicker(ix.e.opts.CheckpointInterval)
	defer tick.Stop()
	var retain <-chan time.Time
	if ix.e.opts.Retention.enabled() {
		rt := time.NewTicker(ix.e.opts.Retention.Interval)
		defer rt.Stop()
		retain = rt.C
	}
	for {
		select {
		case <-ix.stop:
			ix.step()
			return
		case <-ix.kick:
			ix.step()
		case <-tick.C:
			ix.step()
		case <-retain:
			ix.step()
		}
	}
}

// step checkpoints and applies retention when it is configured. An index
// failure takes the index out of use (queries fall back to reading the
// segments; the next Open catches the index up or rebuilds it); it never
// fails the engine.
func (ix *indexer) step() {
	if err := ix.checkpoint(); err != nil {
		ix.reportFailure(err)
		return
	}
	if ix.e.opts.Retention.enabled() {
		if err := ix.e.retain(ix); err != nil {
			ix.reportFailure(err)
		}
	}
}

func (ix *indexer) reportFailure(err error) {
	ix.mu.Lock()
	first := ix.failed == nil || ix.failed == err
	if ix.failed == nil {
		ix.failed = err
	}
	ix.mu.Unlock()
	if first {
		ix.e.note.emit(Event{Kind: EventIndexFailed, Err: err, QueueCapacity: ix.e.opts.QueueCapacity})
	}
}

// close stops the goroutine after a last checkpoint and closes the file.
func (ix *indexer) close() error {
	close(ix.stop)
	<-ix.done
	return ix.idx.Close()
}

// view returns what a query needs: the watermark of bbolt's blocks and the
// blocks built since, or ok == false when the index is out of use.
func (ix *indexer) view() (mark uint64, newer []index.Block, ok bool) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.failed != nil {
		return 0, nil, false
	}
	newer = slices.Clone(ix.blocks)
	for i := range newer {
		newer[i].Models = slices.Clone(newer[i].Models)
	}
	return ix.mark.Seq, newer, true
}

// readDigest returns the stored digest of record seq, which block b holds.
func (e *Engine) readDigest(b index.Block, seq uint64) (chain.Digest, error) {
	var d chain.Digest
	br := blockReader{fs: e.fs, dir: e.dir}
	defer br.close()
	err := br.read(b, func(s uint64, _ int64, entry []byte) error {
		if s == seq {
			copy(d[:], entry[:hashSize])
		}
		return nil
	})
	return d, err
}

// blockReader reads the records of blocks from segment files, keeping the
// last segment open so that consecutive blocks are read on without seeking.
type blockReader struct {
	fs  vfs.FS
	dir string
	seg uint64
	w   *wal.Walker
}

// read calls fn with the sequence number and wal entry (digest then body)
// of each record of b, in order.
func (br *blockReader) read(b index.Block, fn func(seq uint64, off int64, entry []byte) error) error {
	name := wal.SegmentName(b.Pos.Segment)
	if br.w == nil || br.seg != b.Pos.Segment {
		br.close()
		w, err := wal.OpenWalker(br.fs, br.dir, name)
		if err != nil {
			return err
		}
		br.w, br.seg = w, b.Pos.Segment
	}
	return br.w.ReadEntries(b.Pos.Offset, b.First, int(b.Count), func(seq uint64, off int64, entry []byte) error {
		if len(entry) < hashSize {
			return &CorruptionError{Segment: name, Offset: off, Seq: seq, Reason: errBadRecord}
		}
		return fn(seq, off, entry)
	})
}

func (br *blockReader) close() {
	if br.w != nil {
		br.w.Close()
		br.w = nil
	}
}
