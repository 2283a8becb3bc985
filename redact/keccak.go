package redact

import mbits "math/bits"

// Keccak-256 as Ethereum uses it (the original Keccak padding 0x01, not the
// 0x06 of FIPS 202 SHA3-256), for EIP-55 address checksums. The standard
// library has SHA-3 only with the FIPS padding, and golang.org/x/crypto is
// not a dependency of this module; the permutation is small enough to keep
// here, pinned by known-answer tests.

// keccakRC are the round constants of Keccak-f[1600].
var keccakRC = [24]uint64{
	0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
	0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
	0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
	0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
	0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
	0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
}

// keccakRot[x+5y] is the rotation of lane (x, y) in the rho step, and
// keccakPi the lane it moves to in the pi step.
var keccakRot = [25]int{
	0, 1, 62, 28, 27,
	36, 44, 6, 55, 20,
	3, 10, 43, 25, 39,
	41, 45, 15, 21, 8,
	18, 2, 61, 56, 14,
}

// keccakF1600 applies the Keccak-f[1600] permutation to the state a, whose
// lane (x, y) is a[x+5y].
func keccakF1600(a *[25]uint64) {
	var b [25]uint64
	var c, d [5]uint64
	for round := range 24 {
		// theta
		for x := range 5 {
			c[x] = a[x] ^ a[x+5] ^ a[x+10] ^ a[x+15] ^ a[x+20]
		}
		for x := range 5 {
			d[x] = c[(x+4)%5] ^ mbits.RotateLeft64(c[(x+1)%5], 1)
		}
		for i := range 25 {
			a[i] ^= d[i%5]
		}
		// rho and pi: lane (x, y) goes to (y, 2x+3y).
		for x := range 5 {
			for y := range 5 {
				b[y+5*((2*x+3*y)%5)] = mbits.RotateLeft64(a[x+5*y], keccakRot[x+5*y])
			}
		}
		// chi
		for y := range 5 {
			for x := range 5 {
				a[x+5*y] = b[x+5*y] ^ (^b[(x+1)%5+5*y] & b[(x+2)%5+5*y])
			}
		}
		// iota
		a[0] ^= keccakRC[round]
	}
}

// keccak256 returns the Keccak-256 digest of msg.
func keccak256(msg []byte) [32]byte { return keccakSponge(msg, 0x01) }

// keccakSponge hashes msg with Keccak[c=512] to 256 bits, padding with
// the domain byte pad (0x01 for Keccak-256, 0x06 for SHA3-256).
func keccakSponge(msg []byte, pad byte) [32]byte {
	const rate = 136 // bytes: (1600 - 2*256) / 8
	var a [25]uint64
	for len(msg) >= rate {
		keccakAbsorb(&a, msg[:rate])
		msg = msg[rate:]
	}
	var last [rate]byte
	copy(last[:], msg)
	last[len(msg)] ^= pad
	last[rate-1] ^= 0x80
	keccakAbsorb(&a, last[:])
	var out [32]byte
	for i := range 4 {
		for k := range 8 {
			out[8*i+k] = byte(a[i] >> (8 * k))
		}
	}
	return out
}

// keccakAbsorb xors one block of rate bytes into the state, little-endian
// lane by lane, and permutes it.
func keccakAbsorb(a *[25]uint64, block []byte) {
	for i := 0; i < len(block)/8; i++ {
		var lane uint64
		for k := range 8 {
			lane |= uint64(block[8*i+k]) << (8 * k)
		}
		a[i] ^= lane
	}
	keccakF1600(a)
}
