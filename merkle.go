package llog

import (
	"crypto/sha256"
	"math/bits"

	"github.com/lowlightlog/llog/chain"
	"golang.org/x/mod/sumdb/tlog"
)

// The Merkle tree of a store is the RFC 6962 tree (hashing as in
// golang.org/x/mod/sumdb/tlog) whose leaf i, from 0, is the chain digest
// of the record with sequence number i+1:
//
//	leaf(i)    = SHA-256(0x00 || digest(i+1))        tlog.RecordHash
//	node(l, r) = SHA-256(0x01 || l || r)             tlog.NodeHash
//
// so a tree of size n covers records 1 to n: every record since the
// store's genesis, including those retention removed since. The sealer
// keeps the tree's frontier, so each checkpoint's root costs a few hashes,
// never a re-read.

// leafHash returns the tree's leaf hash of a record's chain digest.
func leafHash(d chain.Digest) tlog.Hash {
	var b [1 + chain.Size]byte
	copy(b[1:], d[:])
	return sha256.Sum256(b[:])
}

// frontier is the compact form of a tree of n leaves: the roots of the
// perfect subtrees that make up [0, n), largest (leftmost) first, one for
// each bit set in n. It is all that is needed to add leaves and compute
// the root.
type frontier struct {
	n     uint64
	nodes []tlog.Hash
}

// add appends a leaf hash. emit, when not nil, is called with every
// perfect subtree the leaf completes (level 0 being the leaf itself).
func (f *frontier) add(h tlog.Hash, emit func(level int, index uint64, h tlog.Hash)) {
	f.addSubtree(0, h, emit)
}

// A record a repair removed, or one lost, keeps its place in the tree
// (tree sizes stay sequence numbers) with the leaf of an all-zero digest,
// which no record has: removedLeaf = SHA-256(0x00 || 32 zero bytes).
var removedLeaf = leafHash(chain.Digest{})

// removedRoots[k] is the root of a perfect subtree of 2^k removed leaves.
var removedRoots = func() (r [64]tlog.Hash) {
	r[0] = removedLeaf
	for k := 1; k < len(r); k++ {
		r[k] = tlog.NodeHash(r[k-1], r[k-1])
	}
	return r
}()

// skip adds n leaves of removed records (removedLeaf) at once, a perfect
// subtree at a time, so a gap of any size costs a few hashes. emit, when
// not nil, is called as add calls it, with the roots of the removed
// subtrees added and the nodes they complete; nodes inside a removed
// subtree are never needed by a proof of a record that is there.
func (f *frontier) skip(n uint64, emit func(level int, index uint64, h tlog.Hash)) {
	for n > 0 {
		level := 63 - bits.LeadingZeros64(n) // the largest subtree that fits n
		if f.n != 0 {
			level = min(level, bits.TrailingZeros64(f.n)) // and f.n's alignment
		}
		f.addSubtree(level, removedRoots[level], emit)
		n -= 1 << uint(level)
	}
}

// addSubtree adds a perfect subtree of 2^level leaves whose root is h;
// f.n must be a multiple of 2^level. emit is called as add says, from the
// subtree's root up.
func (f *frontier) addSubtree(level int, h tlog.Hash, emit func(level int, index uint64, h tlog.Hash)) {
	idx := f.n >> uint(level)
	if emit != nil {
		emit(level, idx, h)
	}
	size := uint64(1) << uint(level)
	for m := idx; m&1 == 1; m >>= 1 {
		h = tlog.NodeHash(f.nodes[len(f.nodes)-1], h)
		f.nodes = f.nodes[:len(f.nodes)-1]
		level++
		idx >>= 1
		if emit != nil {
			emit(level, idx, h)
		}
	}
	f.nodes = append(f.nodes, h)
	f.n += size
}

// root returns the tree's root hash (SHA-256 of nothing for no leaf).
func (f *frontier) root() tlog.Hash {
	if len(f.nodes) == 0 {
		return sha256.Sum256(nil)
	}
	r := f.nodes[len(f.nodes)-1]
	for i := len(f.nodes) - 2; i >= 0; i-- {
		r = tlog.NodeHash(f.nodes[i], r)
	}
	return r
}

// frontierNodes returns the (level, index) of each node of the frontier of
// a tree of n leaves, largest first.
func frontierNodes(n uint64) [][2]uint64 {
	var out [][2]uint64
	var start uint64
	for l := 63; l >= 0; l-- {
		if n&(1<<uint(l)) != 0 {
			out = append(out, [2]uint64{uint64(l), start >> uint(l)})
			start += 1 << uint(l)
		}
	}
	return out
}

// frontierLen returns the number of nodes in the frontier of n leaves.
func frontierLen(n uint64) int { return bits.OnesCount64(n) }
