package main

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/internal/gen"
)

// seed is the generator seed shared by every run, so that every system
// ingests the same records.
const seed = 1

// maxPool is the most distinct records generated for a run; longer runs
// cycle through them. It keeps the generated data (which every system's
// child holds) small next to what the systems themselves use.
const maxPool = 1024

// pool generates the records of a run: min(n, maxPool) samples of about
// size bytes of prompt plus response each, in text mix mix (a name from
// gen.Mixes; empty means the default).
func pool(n, size int, mix string) ([]gen.Sample, error) {
	g := gen.New(seed)
	if mix != "" {
		m, ok := gen.MixNamed(mix)
		if !ok {
			return nil, fmt.Errorf("unknown text mix %q", mix)
		}
		g.Use(m)
	}
	out := make([]gen.Sample, min(n, maxPool))
	for i := range out {
		out[i] = g.Next(size)
	}
	return out, nil
}

// payload is what a record is counted as in MB/s and in the bytes written
// per payload byte: its free text, prompt plus response. Every system
// stores more than that (metadata, framing, hashes, indexes); that is the
// overhead the ratios show.
func payload(s *gen.Sample) int { return len(s.Prompt) + len(s.Response) }

// inference converts a sample to what llog logs. The time is left zero so
// that Log stamps it, as the other systems stamp theirs.
func inference(s *gen.Sample) llog.Inference {
	return llog.Inference{
		Model: s.Model, Provider: s.Provider, Operation: s.Operation,
		Prompt: s.Prompt, Response: s.Response, Latency: s.Latency,
		TokensIn: s.TokensIn, TokensOut: s.TokensOut, Error: s.Error,
		ConversationID: s.ConversationID,
	}
}

// appendRecord encodes a sample the way llog encodes a record (varints and
// length-prefixed strings), for the plain loop and for the chain digest
// that the SQLite schema stores.
func appendRecord(dst []byte, ts time.Time, s *gen.Sample) []byte {
	dst = binary.AppendVarint(dst, ts.UnixNano())
	dst = binary.AppendUvarint(dst, uint64(s.Latency))
	dst = binary.AppendUvarint(dst, uint64(s.TokensIn))
	dst = binary.AppendUvarint(dst, uint64(s.TokensOut))
	for _, f := range [...]string{s.Model, s.Provider, s.Operation, s.Prompt, s.Response, s.Error, s.ConversationID} {
		dst = binary.AppendUvarint(dst, uint64(len(f)))
		dst = append(dst, f...)
	}
	return dst
}

// chainer computes the SHA-256 hash chain shared by the plain loop and the
// SQLite table: digest = SHA-256(previous digest || seq (8 bytes, big
// endian) || encoded record).
type chainer struct {
	h    hash.Hash
	prev [sha256.Size]byte
	seq  uint64
	buf  [8]byte
}

func newChainer() *chainer { return &chainer{h: sha256.New()} }

// next chains rec and returns the previous and the new digest.
func (c *chainer) next(rec []byte) (prev, cur [sha256.Size]byte) {
	c.seq++
	prev = c.prev
	c.h.Reset()
	c.h.Write(c.prev[:])
	binary.BigEndian.PutUint64(c.buf[:], c.seq)
	c.h.Write(c.buf[:])
	c.h.Write(rec)
	c.h.Sum(c.prev[:0])
	return prev, c.prev
}
