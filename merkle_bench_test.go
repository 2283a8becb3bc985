package llog

import (
	"testing"

	"github.com/lowlightlog/llog/chain"
)

// BenchmarkMerkleLeaf measures what the Merkle tree adds to sealing one
// record (a leaf hash and, on average, one node hash), next to the chain
// step of a 1 KiB record the sealer does anyway.
func BenchmarkMerkleLeaf(b *testing.B) {
	b.Run("merkle", func(b *testing.B) {
		var f frontier
		var d chain.Digest
		for i := 0; b.Loop(); i++ {
			d[0] = byte(i)
			f.add(leafHash(d), nil)
		}
	})
	b.Run("chain-1KiB", func(b *testing.B) {
		var h chain.Hasher
		var d chain.Digest
		body := make([]byte, 1024)
		for i := 0; b.Loop(); i++ {
			d = h.Next(d, uint64(i), body)
		}
	})
}
