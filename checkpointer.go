package llog

import (
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/lowlightlog/llog/chain"
	"github.com/lowlightlog/llog/index"
	"github.com/lowlightlog/llog/internal/knobs"
	"github.com/lowlightlog/llog/wal"
	"golang.org/x/mod/sumdb/tlog"
)

// How checkpoints are written.
//
// The merkler goroutine, between the sealer and the syncer, keeps the
// Merkle tree's frontier (merkle.go) and adds each sealed record's leaf.
// When a checkpoint is due (CheckpointEvery records or CheckpointDelay
// since the last one, the last batch before Close, the first batch after
// Open) it signs one for the batch's last record, beside the sealer and
// while the syncer waits for the previous fsync, and adds it to the batch
// as a checkpoint frame: the batch's one write and fsync make it durable,
// and a batch torn by a crash loses its checkpoint with it. When no batch
// comes in time, the sealer hands it an empty batch and the checkpoint is
// committed alone. The first batch of every segment carries a checkpoint
// with the frontier before it; if the merkler did not make one, the syncer
// signs one when it sees the log is about to start a segment (once per
// segment). So every segment holds the tree's state at its start, and what
// retention removes is never needed to continue the tree or to prove what
// remains.

// checkpointer is the merkler's checkpoint state.
type checkpointer struct {
	off    bool // no checkpoints: disabled, or the tree is unknown
	origin string
	tree   frontier
	size   uint64    // tree size of the newest checkpoint made
	at     time.Time // when the next one is due by time; zero: at once
	// idleAt is when the sealer must hand the merkler an empty batch if no
	// batch comes first (Unix nanoseconds, 0: never), for the sealer.
	idleAt atomic.Int64
}

// batchTree is the tree state a batch carries from the sealer to the
// syncer.
type batchTree struct {
	before frontier // the tree before the batch
	after  frontier // and after it, for the index
	known  bool     // the sealer keeps the tree (checkpoints are on)
	nodes  []index.Node
	root   tlog.Hash
	ckpt   *Checkpoint // the batch's checkpoint, nil when it has none
	framed bool        // ckpt's frame holds the frontier
}

// begin records the tree before the batch p.
func (c *checkpointer) begin(p *pending) {
	p.tree.before.n = c.tree.n
	p.tree.before.nodes = append(p.tree.before.nodes[:0], c.tree.nodes...)
	p.tree.ckpt, p.tree.framed, p.tree.known = nil, false, !c.off
	p.tree.nodes = p.tree.nodes[:0]
}

// add adds a record's leaf to the tree, and the nodes it completes that
// the index keeps to the batch p.
func (c *checkpointer) add(p *pending, d *chain.Digest) {
	if c.off {
		return
	}
	c.tree.add(leafHash(*d), func(level int, index uint64, h tlog.Hash) {
		if level >= indexNodeLevel {
			p.tree.nodes = append(p.tree.nodes, indexNode(level, index, h))
		}
	})
}

// end records the tree after the batch p.
func (c *checkpointer) end(p *pending) {
	p.tree.after.n = c.tree.n
	p.tree.after.nodes = append(p.tree.after.nodes[:0], c.tree.nodes...)
}

// indexNodeLevel is the lowest level of the Merkle nodes the index keeps.
const indexNodeLevel = index.MinNodeLevel

func indexNode(level int, i uint64, h tlog.Hash) index.Node {
	return index.Node{NodeID: index.NodeID{Level: uint8(level), Index: i}, Hash: h}
}

// uncovered reports whether records are not covered by a checkpoint yet.
func (c *checkpointer) uncovered() bool { return !c.off && c.tree.n > c.size }

// publishIdle tells the sealer when a checkpoint alone will be due if no
// batch comes first. REQUIRES: the merkler (or Open).
func (c *checkpointer) publishIdle() {
	switch {
	case !c.uncovered():
		c.idleAt.Store(0)
	case c.at.IsZero():
		c.idleAt.Store(time.Now().UnixNano()) // none since Open: at once
	default:
		c.idleAt.Store(c.at.UnixNano())
	}
}

// idle returns when the sealer must hand the merkler an empty batch if no
// batch comes first, or zero. The merkler may have moved on meanwhile:
// it checks again.
func (c *checkpointer) idle() time.Time {
	if n := c.idleAt.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

// sealCheckpoint gives the batch p a checkpoint when one is due (always
// when force is set and records are uncovered), and tells the sealer when
// the next is due. REQUIRES: the merkler.
func (e *Engine) sealCheckpoint(p *pending, force bool) {
	c := &e.ck
	if c.off {
		return
	}
	defer c.publishIdle()
	now := e.opts.now()
	due := c.tree.n-c.size >= uint64(e.opts.CheckpointEvery) || !now.Before(c.at) || force
	if !due || !c.uncovered() {
		return
	}
	ck, err := newCheckpoint(c.origin, c.tree.n, c.tree.root(), p.link, now, e.opts.Signer)
	if err != nil {
		e.note.emit(Event{Kind: EventCheckpointFailed, Err: err, QueueCapacity: e.opts.QueueCapacity})
	}
	p.tree.root = ck.Root
	p.tree.ckpt = ck
	if err := p.batch.SetCheckpoint(appendCheckpointPayload(nil, nil, ck)); err != nil {
		panic(err) // a checkpoint is a few hundred bytes
	}
	c.size = c.tree.n
	c.at = now.Add(e.opts.CheckpointDelay)
}

// prepareCommit makes sure that a batch starting a segment carries a
// checkpoint with the tree's frontier before it. REQUIRES: the syncer.
func (e *Engine) prepareCommit(p *pending) {
	if e.ck.off || !e.log.StartsSegment(&p.batch) || p.tree.framed {
		return
	}
	ck := p.tree.ckpt
	if ck == nil {
		// The merkler did not make one: sign here, once per segment, over
		// the tree after the batch the merkler recorded.
		var err error
		ck, err = newCheckpoint(e.ck.origin, p.tree.after.n, p.tree.after.root(), p.link, e.opts.now(), e.opts.Signer)
		if err != nil {
			e.note.emit(Event{Kind: EventCheckpointFailed, Err: err, QueueCapacity: e.opts.QueueCapacity})
		}
		p.tree.ckpt = ck
	}
	if err := p.batch.SetCheckpoint(appendCheckpointPayload(nil, p.tree.before.nodes, ck)); err != nil {
		panic(err) // at most 64 hashes and a checkpoint
	}
	p.tree.framed = true
}

// sealRemoval makes p a batch holding the removal frame of c alone.
// REQUIRES: the sealer, or the one goroutine that commits before the
// sealer starts and after it stops.
func (e *Engine) sealRemoval(p *pending, c *control) {
	p.items = p.items[:0]
	p.batch.Reset()
	if err := p.batch.SetRemoval(c.payload, c.next); err != nil {
		panic(err) // a removal payload is a few hundred bytes
	}
	p.link = e.prev
	p.ctl = c
}

// answerControl answers the sender of p's removal frame, if it has one.
func (p *pending) answerControl(err error) {
	if p.ctl != nil {
		p.ctl.done <- err
		p.ctl = nil
	}
}

// commitRemoval commits a removal frame holding payload in a batch of its
// own and returns once it is durable, or with the error that failed the
// engine. While the engine runs, the frame goes through the sealer, the
// merkler and the syncer ahead of the queued records; at Open and at Close,
// when they do not run, the caller commits it. When Close stops them
// meanwhile, the caller waits until they have and commits it: Close waits
// for the indexer, the only other caller, before it closes the log.
func (e *Engine) commitRemoval(payload []byte) error {
	return e.commitRemovalTo(payload, 0)
}

// commitRemovalTo is commitRemoval for a removal that moves the sequence
// numbers to next (0: it does not), past records it records as removed:
// their leaves join the Merkle tree as removed ones. REQUIRES: at Open,
// before the sealer starts, when next is not 0.
func (e *Engine) commitRemovalTo(payload []byte, next uint64) error {
	c := &control{payload: payload, next: next, done: make(chan error, 1)}
	if next != 0 && e.running.Load() {
		panic("llog: a removal moving the sequence numbers while the engine runs")
	}
	if e.running.Load() {
		err := e.q.pushControl(c)
		if err == nil {
			return <-c.done
		}
		if !errors.Is(err, ErrClosed) {
			return err
		}
		<-e.done // the syncer has committed everything queued and stopped
	}
	if next > e.next && !e.ck.off {
		e.ck.tree.skip(next-e.next, nil)
	}
	p := new(pending)
	e.sealRemoval(p, c)
	e.ck.begin(p)
	e.ck.end(p)
	e.commit(p)
	err := <-c.done
	if err == nil && next > e.next {
		e.next = next
	}
	return err
}

// recordLoss records in the log that records from e.next to mark are lost:
// the index saw them committed and the log does not hold them. The next
// record takes mark+1, so no number is used for two records, and Verify
// reports the loss until Repair accepts it. REQUIRES: at Open, before the
// sealer starts.
func (e *Engine) recordLoss(mark uint64) error {
	r := Removal{First: e.next, Last: mark, Anchor: e.prev, Policy: policyLost, Time: e.opts.now().UTC(), Done: true, LogEnd: mark,
		Reason: fmt.Sprintf("%s had seen records up to %d committed, and the log ended at %d when the store was opened", indexName, mark, e.next-1)}
	if err := e.commitRemovalTo(appendRemovalPayload(nil, &r), mark+1); err != nil {
		return fmt.Errorf("llog: record the loss of records %d to %d: %w", r.First, r.Last, err)
	}
	e.note.emit(Event{Kind: EventRecordsLost, Removed: &r, QueueCapacity: e.opts.QueueCapacity})
	return nil
}

// published hands the checkpoint of a committed batch to OnCheckpoint and
// accounts for a batch that was a checkpoint alone. REQUIRES: the syncer.
func (e *Engine) published(p *pending, info wal.CommitInfo) {
	if len(p.items) == 0 {
		e.stats.batches.Add(1)
		e.stats.syncs.Add(1)
		e.stats.bytes.Add(uint64(info.Bytes))
		e.stats.storeBytes.Add(info.Added)
		if info.Rotated {
			e.stats.segments.Add(1)
		}
	}
	ck := p.tree.ckpt
	if ck == nil {
		return
	}
	e.newest.Store(ck)
	if fn := e.opts.OnCheckpoint; fn != nil {
		fn(ck)
	}
}

// Checkpoint returns the newest checkpoint the engine made durable, or
// read from the store at Open; nil when there is none yet.
func (e *Engine) Checkpoint() *Checkpoint { return e.newest.Load() }

// treeRecovery rebuilds the tree from the newest segment while wal.Open
// reads it: from the frontier in the checkpoint of its first batch, adding
// every record after it.
type treeRecovery struct {
	tree   frontier
	known  bool
	newest *Checkpoint
	err    error
	gaps   []treeGap // records removed in place (see treeCheck)
	// framed is the size of the frontier a checkpoint frame gave the tree
	// (0: none did).
	framed uint64
}

func (r *treeRecovery) checkpoint(c wal.Checkpoint) {
	f, framed, ck, err := parseCheckpointPayload(c.Payload, c.First)
	if err != nil {
		r.err = err
		return
	}
	if framed && !r.known {
		r.tree, r.known, r.framed = f, true, f.n
	}
	if !superseded(r.gaps, ck.Size) {
		r.newest = ck
	}
}

// removal adds the leaves of records a removal frame says were removed in
// place.
func (r *treeRecovery) removal(x wal.Removal) {
	rm, err := parseRemovalPayload(x.Payload)
	if err != nil || rm.retention() {
		return
	}
	if x.Next == x.From {
		// Records removed earlier in the log (a repaired sealed segment):
		// a frontier stored after them, which this recovery took, holds
		// their real leaves.
		if r.framed > 0 && rm.First <= r.framed {
			r.known = false
		}
		return
	}
	r.gaps = append(r.gaps, treeGap{x.From, x.Next, max(rm.LogEnd, rm.Last)})
	if r.known && x.From == r.tree.n+1 {
		r.tree.skip(x.Next-x.From, nil)
	} else {
		r.known = false
	}
	if r.newest != nil && superseded(r.gaps, r.newest.Size) {
		r.newest = nil
	}
}

func (r *treeRecovery) entry(e wal.Entry) {
	if !r.known {
		return
	}
	if len(e.Data) < hashSize || e.Seq != r.tree.n+1 {
		r.known = false
		return
	}
	var d chain.Digest
	copy(d[:], e.Data[:hashSize])
	r.tree.add(leafHash(d), nil)
}

// startCheckpoints sets up the sealer's tree after wal.Open. When the
// newest segment did not give it (a store written before checkpoints, or
// a newest segment with no batch yet), it reads the segments before.
func (e *Engine) startCheckpoints(r *treeRecovery) error {
	c := &e.ck
	c.origin = checkpointOrigin(e.store.ID())
	if e.opts.noCheckpoints || knobs.NoCheckpoints() {
		c.off = true
		return nil
	}
	last := e.next - 1
	switch {
	case last == 0:
		r.tree, r.known = frontier{}, true
	case !r.known || r.tree.n != last || r.err != nil:
		t, newest, err := e.rebuildTree()
		if err != nil {
			var ce *CorruptionError
			if errors.As(err, &ce) || errors.Is(err, ErrCorrupt) {
				return fmt.Errorf("llog: open %s: rebuild the Merkle tree: %w", e.dir, err)
			}
			c.off = true
			e.note.emit(Event{Kind: EventCheckpointFailed, Err: err, QueueCapacity: e.opts.QueueCapacity})
			return nil
		}
		r.tree, r.known = t, true
		if r.newest == nil {
			r.newest = newest
		}
	}
	c.tree = r.tree
	if r.newest != nil {
		e.newest.Store(r.newest)
		c.size = r.newest.Size
	}
	c.publishIdle()
	// c.at is zero: the first batch gets a checkpoint, and if records are
	// uncovered an idle sealer commits one at once.
	return nil
}

// errNoTree is why an old store without checkpoints whose first records
// retention removed cannot have checkpoints.
var errNoTree = errors.New("the store predates checkpoints and retention removed its first records: its Merkle tree cannot be rebuilt, so no checkpoint is written")

// rebuildTree reads every segment and returns the tree over all the
// records, and the newest checkpoint found.
func (e *Engine) rebuildTree() (frontier, *Checkpoint, error) {
	segs := e.log.Segments()
	var r treeRecovery
	if len(segs) > 0 && segs[0].First == 1 {
		r.known = true
	}
	for _, s := range segs {
		w, err := wal.OpenWalker(e.fs, e.dir, s.Name)
		if err != nil {
			return frontier{}, nil, err
		}
		w.OnCheckpoint(r.checkpoint)
		w.OnRemoval(r.removal)
		for {
			ent, err := w.Next()
			if err == io.EOF || errors.Is(err, wal.ErrTorn) {
				break // the newest segment's torn tail is already cut
			}
			if err != nil {
				w.Close()
				return frontier{}, nil, err
			}
			r.entry(ent)
		}
		w.Close()
		if r.err != nil {
			return frontier{}, nil, r.err
		}
	}
	if !r.known || r.tree.n != e.next-1 {
		return frontier{}, nil, errNoTree
	}
	return r.tree, r.newest, nil
}

// The index keeps the Merkle nodes of levels indexNodeLevel and up and the
// frontier at its watermark (package index, merkle.go), for proofs. The
// sealer hands each batch's completed nodes and the frontier after it to
// the index's builder; the catch-up at Open computes them itself.

// takeTree takes the Merkle nodes and frontier a committed batch carries.
// REQUIRES: ix.mu held.
func (ix *indexer) takeTree(t *batchTree) {
	if !t.known {
		ix.treeKnown = false
		return
	}
	ix.nodes = append(ix.nodes, t.nodes...)
	ix.tree.n = t.after.n
	ix.tree.nodes = append(ix.tree.nodes[:0], t.after.nodes...)
	ix.treeKnown = true
}

// resumeTree sets the catch-up's tree from the frontier the index stored
// with its watermark m, or to the empty tree of a store read from genesis.
func (ix *indexer) resumeTree(m index.Mark) {
	ix.treeKnown = false
	if m.Seq == 0 {
		if segs := ix.e.log.Segments(); len(segs) > 0 && segs[0].First == 1 {
			ix.tree, ix.treeKnown = frontier{}, true
		}
		return
	}
	f, err := ix.idx.Frontier()
	if err != nil || f == nil || f.Size != m.Seq || len(f.Nodes) != frontierLen(f.Size) {
		return // the next frontier the log stores at a segment's start will do
	}
	ix.tree = frontier{n: f.Size}
	for _, h := range f.Nodes {
		ix.tree.nodes = append(ix.tree.nodes, h)
	}
	ix.treeKnown = true
}

// treeFromFrame takes the frontier a checkpoint frame stores when the
// catch-up's tree is unknown and the frame's batch starts right after the
// last record indexed.
func (ix *indexer) treeFromFrame(c wal.Checkpoint) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.treeKnown || c.First != ix.last+1 {
		return
	}
	if f, framed, _, err := parseCheckpointPayload(c.Payload, c.First); err == nil && framed {
		ix.tree, ix.treeKnown = f, true
	}
}

// skipLeaves adds to the catch-up's tree the leaves of records from to
// next-1, which a repair (or a loss) removed in place.
func (ix *indexer) skipLeaves(from, next uint64) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if !ix.treeKnown || from != ix.tree.n+1 {
		ix.treeKnown = false
		return
	}
	ix.tree.skip(next-from, func(level int, i uint64, h tlog.Hash) {
		if level >= indexNodeLevel {
			ix.nodes = append(ix.nodes, indexNode(level, i, h))
		}
	})
}

// addLeaf adds record seq's leaf to the catch-up's tree.
func (ix *indexer) addLeaf(seq uint64, d chain.Digest) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if !ix.treeKnown || seq != ix.tree.n+1 {
		ix.treeKnown = false
		return
	}
	ix.tree.add(leafHash(d), func(level int, i uint64, h tlog.Hash) {
		if level >= indexNodeLevel {
			ix.nodes = append(ix.nodes, indexNode(level, i, h))
		}
	})
}
