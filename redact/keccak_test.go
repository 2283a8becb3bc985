package redact

import (
	"crypto/sha3"
	"encoding/hex"
	"math/rand/v2"
	"testing"
)

// TestKeccak256 pins Keccak-256 with known answers. Reproduce with any
// Ethereum tool, e.g. python3 -c 'from Crypto.Hash import keccak;
// print(keccak.new(digest_bits=256, data=b"abc").hexdigest())'.
func TestKeccak256(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"},
		{"abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"},
	} {
		got := keccak256([]byte(tt.in))
		if hex.EncodeToString(got[:]) != tt.want {
			t.Errorf("keccak256(%q) = %x, want %s", tt.in, got, tt.want)
		}
	}
}

// TestKeccakSpongeIsSHA3 checks the permutation and the sponge against the
// standard library's SHA3-256, which is the same sponge with the FIPS 202
// padding byte, on messages around the block size.
func TestKeccakSpongeIsSHA3(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 55, 135, 136, 137, 271, 272, 273, 1000} {
		msg := make([]byte, n)
		for i := range msg {
			msg[i] = byte(rng.Uint32())
		}
		if got, want := keccakSponge(msg, 0x06), sha3.Sum256(msg); got != want {
			t.Errorf("length %d: sponge %x, SHA3-256 %x", n, got, want)
		}
	}
}
