package llog

import (
	"fmt"
	"slices"

	"github.com/lowlightlog/llog/chain"
	"github.com/lowlightlog/llog/wal"
	"golang.org/x/mod/sumdb/tlog"
)

// MerkleReport describes a store's Merkle tree as verification rebuilt it
// from the records, and the checkpoints the store holds.
type MerkleReport struct {
	// Known is false when the tree could not be rebuilt: a store written
	// before checkpoints whose first records retention removed, or damage
	// that hides records.
	Known bool `json:"known"`
	// TreeSize is the number of records the tree covers (the last
	// sequence number) and Root its root.
	TreeSize uint64    `json:"tree_size"`
	Root     tlog.Hash `json:"root"`
	// Base is the number of leading records retention removed: the tree
	// continues from BaseFrontier, the roots of the perfect subtrees of
	// those Base leaves (largest first, as the oldest segment stores
	// them), and only checkpoints of at least Base records can be checked
	// against the store.
	Base         uint64      `json:"base"`
	BaseFrontier []tlog.Hash `json:"base_frontier"`
	// Checkpoints counts the checkpoints stored in the segments that were
	// compared with the records (each one that does not match is a break).
	Checkpoints int `json:"checkpoints"`
	// Superseded counts the checkpoints stored before a repair that
	// removed records they cover: made over the records as they were, they
	// cannot be compared with the tree now (FORMAT.md, section 17).
	Superseded int `json:"superseded,omitempty"`
	// Checkpoint is the newest checkpoint stored in the segments read, nil
	// when none. Exports carry it as their checkpoint member.
	Checkpoint *Checkpoint `json:"-"`
}

// nodeID names a node of the tree: (level, index), covering leaves
// [index<<level, (index+1)<<level).
type nodeID [2]uint64

// treeCheck rebuilds a store's Merkle tree during verification: it
// compares the checkpoints stored in the segments with the records,
// records the root at sizes asked for, and keeps the nodes a proof needs.
type treeCheck struct {
	v       *verifier
	rep     *MerkleReport
	tree    frontier
	known   bool
	started bool                 // the tree had a starting point (genesis or a frontier)
	base    map[nodeID]tlog.Hash // the frontier retention left: nodes below Base
	// want and nodes: nodes to keep, and those kept.
	want  map[nodeID]bool
	nodes map[nodeID]tlog.Hash
	// rootAt: sizes whose root is wanted, and the roots found.
	rootAt map[uint64]*tlog.Hash
	// pending: stored checkpoints whose batch is being read.
	pending []storedCheckpoint
	// record: when not 0, the digest of that record is kept in digest.
	record uint64
	digest chain.Digest
	// gaps are the runs of records a repair (or a loss) removed in place,
	// with the last sequence number the log held when it was recorded.
	gaps []treeGap
}

// treeGap is a run of records removed in place: their leaves are
// removedLeaf. A checkpoint of a size from first to logEnd was made before
// the removal, over the records as they were.
type treeGap struct{ first, next, logEnd uint64 }

// superseded reports whether a checkpoint of size records was made before
// a removal of records it covers.
func superseded(gaps []treeGap, size uint64) bool {
	for _, g := range gaps {
		if g.first <= size && size <= g.logEnd {
			return true
		}
	}
	return false
}

// storedCheckpoint is a checkpoint found in a segment, and where.
type storedCheckpoint struct {
	ck  *Checkpoint
	seg string
	off int64
}

func newTreeCheck(v *verifier) *treeCheck {
	return &treeCheck{v: v, rep: &MerkleReport{BaseFrontier: []tlog.Hash{}}, nodes: map[nodeID]tlog.Hash{}, rootAt: map[uint64]*tlog.Hash{}}
}

// startAtGenesis makes the tree start empty, at genesis.
func (t *treeCheck) startAtGenesis() {
	t.tree, t.known, t.started = frontier{}, true, true
}

// checkpoint handles a checkpoint frame of segment seg.
func (t *treeCheck) checkpoint(seg string, c wal.Checkpoint) {
	f, framed, ck, err := parseCheckpointPayload(c.Payload, c.First)
	if err != nil {
		t.v.addBreak(Break{Segment: seg, Offset: c.Offset, Seq: c.First, Reason: "checkpoint frame: " + err.Error()})
		return
	}
	if framed {
		switch {
		case !t.started:
			// The oldest segment after retention: the tree continues
			// from the frontier it stores.
			t.tree, t.known, t.started = f, true, true
			t.rep.Base = f.n
			t.rep.BaseFrontier = append([]tlog.Hash{}, f.nodes...)
			t.base = map[nodeID]tlog.Hash{}
			for i, id := range frontierNodes(f.n) {
				t.base[id] = f.nodes[i]
			}
		case t.known && t.tree.n == f.n && !slices.Equal(t.tree.nodes, f.nodes) && !superseded(t.gaps, f.n):
			// (A frontier stored before a repair removed records under it
			// holds their real leaves: not comparable.)
			t.v.addBreak(Break{Segment: seg, Offset: c.Offset, Seq: c.First,
				Reason: "checkpoint frame: the Merkle frontier it stores does not match the records before it"})
		}
	}
	if ck.StoreID() != t.v.rep.StoreID {
		t.v.addBreak(Break{Segment: seg, Offset: c.Offset, Seq: c.First,
			Reason: fmt.Sprintf("checkpoint of another store: origin %q", ck.Origin)})
		return
	}
	if want := c.First + uint64(c.Count) - 1; ck.Size != want {
		t.v.addBreak(Break{Segment: seg, Offset: c.Offset, Seq: c.First,
			Reason: fmt.Sprintf("checkpoint of %d records in the batch ending at seq %d", ck.Size, want)})
		return
	}
	if superseded(t.gaps, ck.Size) {
		t.rep.Superseded++
		return
	}
	t.pending = append(t.pending, storedCheckpoint{ck: ck, seg: seg, off: c.Offset})
	t.rep.Checkpoint = ck
	t.settle()
}

// leaf adds the record seq with digest d.
func (t *treeCheck) leaf(seq uint64, d chain.Digest) {
	if seq == t.record {
		t.digest = d
	}
	if !t.known {
		return
	}
	t.grow(seq, func(emit func(int, uint64, tlog.Hash)) { t.tree.add(leafHash(d), emit) })
}

// grow adds to the tree what add does, when the tree holds the records
// before seq, keeping the nodes and roots asked for.
func (t *treeCheck) grow(seq uint64, add func(emit func(int, uint64, tlog.Hash))) {
	if seq != t.tree.n+1 {
		t.known = false // records are missing: damage, reported already
		return
	}
	var emit func(int, uint64, tlog.Hash)
	if len(t.want) > 0 {
		emit = t.keep
	}
	add(emit)
	if r, ok := t.rootAt[t.tree.n]; ok && r == nil {
		root := t.tree.root()
		t.rootAt[t.tree.n] = &root
	}
	t.settle()
}

// gap adds the leaves of records from..next-1, which a removal frame says
// were removed in place (logEnd: the last seq the log held then).
func (t *treeCheck) gap(from, next, logEnd uint64) {
	t.gaps = append(t.gaps, treeGap{from, next, logEnd})
	if t.known {
		t.grow(from, func(emit func(int, uint64, tlog.Hash)) { t.tree.skip(next-from, emit) })
	}
}

func (t *treeCheck) keep(level int, index uint64, h tlog.Hash) {
	if id := (nodeID{uint64(level), index}); t.want[id] {
		t.nodes[id] = h
	}
}

// settle compares the pending checkpoints the tree has reached.
func (t *treeCheck) settle() {
	for len(t.pending) > 0 && t.known && t.pending[0].ck.Size <= t.tree.n {
		p := t.pending[0]
		t.pending = t.pending[1:]
		if p.ck.Size != t.tree.n {
			continue // an empty batch's checkpoint read after records it does not cover: cannot happen
		}
		t.rep.Checkpoints++
		if root := t.tree.root(); root != p.ck.Root {
			t.v.addBreak(Break{Segment: p.seg, Offset: p.off, Seq: p.ck.Size,
				Reason: fmt.Sprintf("checkpoint of %d records: its root %v is not the root of the records %v", p.ck.Size, p.ck.Root, root)})
		} else if head, _ := t.v.cv.Head(); head != p.ck.Head {
			t.v.addBreak(Break{Segment: p.seg, Offset: p.off, Seq: p.ck.Size,
				Reason: fmt.Sprintf("checkpoint of %d records: its head %v is not the last record's digest %v", p.ck.Size, p.ck.Head, head)})
		}
	}
}

// finish fills the report.
func (t *treeCheck) finish() {
	t.rep.Known = t.known
	if t.known {
		t.rep.TreeSize = t.tree.n
		t.rep.Root = t.tree.root()
	}
}

// hash returns a node kept by the scan or left by retention.
func (t *treeCheck) hash(id nodeID) (tlog.Hash, bool) {
	if h, ok := t.nodes[id]; ok {
		return h, true
	}
	h, ok := t.base[id]
	return h, ok
}
