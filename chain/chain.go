// Package chain is llog's tamper-evident hash chain: SHA-256 digests that
// link every record to the one before it.
//
// # The function
//
// For the record with sequence number seq and stored bytes body, following
// the record whose digest is prev:
//
//	digest = SHA-256( "llog/chain/v1\x00" || prev || be64(seq) || be64(len(body)) || body )
//
// where prev is 32 bytes, be64 is an 8-byte big-endian unsigned integer and
// body is the exact bytes stored on disk for the record. The first record of
// a store follows the store's genesis digest:
//
//	genesis = SHA-256( "llog/genesis/v1\x00" || store-id )
//
// where store-id is the store's 16-byte identity. The prefixes separate the
// two uses of SHA-256 (domain separation), and the length prefix makes the
// encoding unambiguous. A third party can recompute every digest with any
// SHA-256 implementation; the known-answer tests in chain_test.go show shell
// commands that do.
//
// A chain only proves that records were not changed relative to a digest
// the verifier already trusts (a receipt, an earlier export, the head
// digest written down elsewhere). Anyone who can rewrite the whole store can
// recompute the whole chain: keep a copy of head digests off the device when
// that matters.
//
// The package is a standard-library-only leaf so that outside verifiers can
// import it alone. FORMAT.md in the repository specifies the record bytes
// the chain covers and how to rebuild them from an export, and
// testdata/vectors holds known answers.
package chain

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
)

// Size is the size of a digest in bytes.
const Size = sha256.Size

// Domain-separation prefixes. Part of the format: never change them.
const (
	chainPrefix   = "llog/chain/v1\x00"
	genesisPrefix = "llog/genesis/v1\x00"
)

// Digest is a SHA-256 digest in the chain.
type Digest [Size]byte

// String returns the digest in lower-case hexadecimal.
func (d Digest) String() string { return hex.EncodeToString(d[:]) }

// MarshalText encodes the digest as lower-case hexadecimal.
func (d Digest) MarshalText() ([]byte, error) {
	return hex.AppendEncode(nil, d[:]), nil
}

// UnmarshalText decodes a digest from 64 hexadecimal characters.
func (d *Digest) UnmarshalText(b []byte) error {
	got, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = got
	return nil
}

// Parse decodes a digest from 64 hexadecimal characters.
func Parse(s string) (Digest, error) {
	var d Digest
	if len(s) != 2*Size {
		return d, fmt.Errorf("chain: digest %q: want %d hex characters, got %d", s, 2*Size, len(s))
	}
	if _, err := hex.Decode(d[:], []byte(s)); err != nil {
		return d, fmt.Errorf("chain: digest %q: %w", s, err)
	}
	return d, nil
}

// Genesis returns the digest that the first record of the store with the
// given identity follows.
func Genesis(storeID []byte) Digest {
	h := sha256.New()
	h.Write([]byte(genesisPrefix))
	h.Write(storeID)
	var d Digest
	h.Sum(d[:0])
	return d
}

// Next returns the digest of the record with sequence number seq and stored
// bytes body that follows the record whose digest is prev.
func Next(prev Digest, seq uint64, body []byte) Digest {
	var h Hasher
	return h.Next(prev, seq, body)
}

// Hasher computes chain digests without allocating. The zero value is ready
// to use; a Hasher must not be used by two goroutines at once.
type Hasher struct {
	h   hash.Hash
	hdr [len(chainPrefix) + Size + 16]byte
	sum [Size]byte
}

// Next is [Next] without allocations.
func (x *Hasher) Next(prev Digest, seq uint64, body []byte) Digest {
	if x.h == nil {
		x.h = sha256.New()
		copy(x.hdr[:], chainPrefix)
	} else {
		x.h.Reset()
	}
	n := len(chainPrefix)
	copy(x.hdr[n:], prev[:])
	binary.BigEndian.PutUint64(x.hdr[n+Size:], seq)
	binary.BigEndian.PutUint64(x.hdr[n+Size+8:], uint64(len(body)))
	x.h.Write(x.hdr[:])
	x.h.Write(body)
	x.h.Sum(x.sum[:0])
	return x.sum
}

// ErrBroken is matched by every *BreakError.
var ErrBroken = errors.New("chain: broken")

// BreakError describes the first place a chain does not verify.
type BreakError struct {
	Seq      uint64 // sequence number of the record that does not verify
	Expected Digest // digest recomputed from the previous digest and the stored bytes
	Actual   Digest // digest stored with the record
	Reason   string // what is wrong, e.g. "digest mismatch" or "sequence gap"
}

// Error describes the break.
func (e *BreakError) Error() string {
	if e.Reason == ReasonDigest {
		return fmt.Sprintf("chain: seq %d: %s: expected %s, stored %s", e.Seq, e.Reason, e.Expected, e.Actual)
	}
	return fmt.Sprintf("chain: seq %d: %s", e.Seq, e.Reason)
}

// Is reports whether target is ErrBroken.
func (e *BreakError) Is(target error) bool { return target == ErrBroken }

// Reasons a BreakError gives.
const (
	ReasonDigest = "digest mismatch"
)

// Verifier checks records one after another against the chain.
type Verifier struct {
	prev Digest
	next uint64
	h    Hasher
}

// NewVerifier returns a Verifier for a range that starts with the record
// numbered firstSeq, following the record whose digest is anchor (the
// genesis digest, a segment's link or a retention anchor).
func NewVerifier(anchor Digest, firstSeq uint64) *Verifier {
	return &Verifier{prev: anchor, next: firstSeq}
}

// Check verifies the next record: its sequence number must be the one
// expected and its stored digest must equal the recomputed one. On success
// the record becomes the new anchor. On failure Check returns a *BreakError
// and the verifier continues from the record's stored digest and sequence
// number, so later breaks are reported independently.
func (v *Verifier) Check(seq uint64, body []byte, stored Digest) error {
	var err error
	if seq != v.next {
		err = &BreakError{Seq: seq, Reason: fmt.Sprintf("sequence gap: expected seq %d, found %d", v.next, seq)}
	} else if want := v.h.Next(v.prev, seq, body); want != stored {
		err = &BreakError{Seq: seq, Expected: want, Actual: stored, Reason: ReasonDigest}
	}
	v.prev = stored
	v.next = seq + 1
	return err
}

// Head returns the digest of the last record checked (or the anchor) and
// the sequence number the next record must have.
func (v *Verifier) Head() (Digest, uint64) { return v.prev, v.next }
