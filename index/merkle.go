package index

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// The index keeps the hashes the Merkle proofs of a store need (package
// llog defines the tree: RFC 6962 over the records' chain digests), so that
// an inclusion or consistency proof reads a few dozen hashes and at most a
// block of records instead of the whole log:
//
//	merkle       be64 end ‖ u8 level → 32-byte hash of the perfect
//	             subtree over leaves [end - 2^level, end), for every
//	             level from MinNodeLevel up
//	meta         "frontier" → be64(n) ‖ the roots of the perfect subtrees
//	             of the tree of n leaves (n = Mark.Seq when it is current),
//	             largest first, 32 bytes each
//
// Hashes below MinNodeLevel are recomputed from at most 2^MinNodeLevel
// records. That is one hash for every 32 records on average (about one
// byte per record), against two per record for every level. Retention
// deletes the nodes whose leaves it removed all of: what proofs still need
// of them is the frontier the log keeps at the start of its oldest segment.
//
// A node is keyed by where its leaves end, so the nodes a checkpoint adds
// (completed by the records since the last one) sort after every stored
// node: each checkpoint appends to the bucket's last page, and pages are
// filled (FillPercent 1) rather than split in half, and the nodes
// retention deletes are the bucket's first keys.

// MinNodeLevel is the lowest level of the tree whose nodes are stored.
const MinNodeLevel = 6

var (
	bktMerkle   = []byte("merkle")
	keyFrontier = []byte("frontier")
)

// NodeID names a node of the Merkle tree: the root of the perfect subtree
// over leaves [Index<<Level, (Index+1)<<Level).
type NodeID struct {
	Level uint8
	Index uint64
}

// Node is a stored node and its hash.
type Node struct {
	NodeID
	Hash [32]byte
}

// Frontier is the compact form of the Merkle tree of Size leaves: the roots
// of its perfect subtrees, largest first.
type Frontier struct {
	Size  uint64
	Nodes [][32]byte
}

// nodeKey returns the key of a node: where its leaves end, then its level.
func nodeKey(id NodeID) []byte {
	var k [9]byte
	binary.BigEndian.PutUint64(k[:], (id.Index+1)<<id.Level)
	k[8] = id.Level
	return k[:]
}

// putMerkle writes the nodes and frontier of a checkpoint.
func putMerkle(tx *bolt.Tx, c *Checkpoint) error {
	b := tx.Bucket(bktMerkle)
	b.FillPercent = 1 // keys are appended (nodeKey)
	for _, n := range c.Nodes {
		if err := b.Put(nodeKey(n.NodeID), n.Hash[:]); err != nil {
			return err
		}
	}
	if c.Frontier == nil {
		return nil
	}
	v := binary.BigEndian.AppendUint64(make([]byte, 0, 8+32*len(c.Frontier.Nodes)), c.Frontier.Size)
	for _, h := range c.Frontier.Nodes {
		v = append(v, h[:]...)
	}
	return tx.Bucket(bktMeta).Put(keyFrontier, v)
}

// Nodes returns the hashes of the nodes asked for, and whether each is
// stored.
func (x *Index) Nodes(ids []NodeID) ([][32]byte, []bool, error) {
	hs := make([][32]byte, len(ids))
	ok := make([]bool, len(ids))
	err := x.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bktMerkle)
		for i, id := range ids {
			v := b.Get(nodeKey(id))
			if v == nil {
				continue
			}
			if len(v) != 32 {
				return fmt.Errorf("%w: merkle node (%d, %d) of %d bytes", ErrCorrupt, id.Level, id.Index, len(v))
			}
			copy(hs[i][:], v)
			ok[i] = true
		}
		return nil
	})
	return hs, ok, err
}

// Frontier returns the frontier stored by the last checkpoint that had
// one, or nil.
func (x *Index) Frontier() (*Frontier, error) {
	var out *Frontier
	err := x.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bktMeta).Get(keyFrontier)
		if v == nil {
			return nil
		}
		if len(v) < 8 || (len(v)-8)%32 != 0 {
			return fmt.Errorf("%w: frontier of %d bytes", ErrCorrupt, len(v))
		}
		out = &Frontier{Size: binary.BigEndian.Uint64(v)}
		for v = v[8:]; len(v) > 0; v = v[32:] {
			var h [32]byte
			copy(h[:], v)
			out.Nodes = append(out.Nodes, h)
		}
		return nil
	})
	return out, err
}

// deleteNodesBelow deletes the nodes all of whose leaves are below n: the
// keys up to end n.
func deleteNodesBelow(tx *bolt.Tx, n uint64) error {
	b := tx.Bucket(bktMerkle)
	var gone [][]byte
	c := b.Cursor()
	for k, _ := c.First(); len(k) == 9 && binary.BigEndian.Uint64(k) <= n; k, _ = c.Next() {
		gone = append(gone, append([]byte(nil), k...))
	}
	for _, k := range gone {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
