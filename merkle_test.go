package llog

import (
	"math/rand/v2"
	"slices"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

// TestSkipIsLeafByLeaf: adding a gap of removed records at once gives the
// tree that adding their leaves one by one gives, and hands out the
// subtrees it adds with the right positions.
func TestSkipIsLeafByLeaf(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		var a, b frontier
		for range r.IntN(300) {
			d := leafHash([32]byte{byte(r.IntN(256))})
			a.add(d, nil)
			b.add(d, nil)
		}
		n := uint64(r.IntN(700))
		nodes := map[[2]uint64]tlog.Hash{}
		for range n {
			a.add(removedLeaf, func(level int, i uint64, h tlog.Hash) { nodes[[2]uint64{uint64(level), i}] = h })
		}
		b.skip(n, func(level int, i uint64, h tlog.Hash) {
			if want, ok := nodes[[2]uint64{uint64(level), i}]; !ok || want != h {
				t.Fatalf("skip %d after %d: node (%d, %d) is not the one leaf by leaf gives", n, a.n-n, level, i)
			}
		})
		if a.n != b.n || a.root() != b.root() || !slices.Equal(a.nodes, b.nodes) {
			t.Fatalf("skip %d after %d: %d leaves, root %v; leaf by leaf %d, %v", n, a.n-n, b.n, b.root(), a.n, a.root())
		}
	}
	// A gap of any size costs a few hashes.
	var f frontier
	f.add(removedLeaf, nil)
	f.skip(1<<62, nil)
	if f.n != 1<<62+1 || len(f.nodes) != 2 {
		t.Fatalf("a huge gap: %d leaves, %d nodes", f.n, len(f.nodes))
	}
}
