package llog

import (
	"context"
	"errors"
	"io/fs"
	"iter"

	"github.com/lowlightlog/llog/chain"
	"github.com/lowlightlog/llog/index"
	"github.com/lowlightlog/llog/wal"
)

// Query returns the committed records that match f, in sequence order (or
// newest first with f.Reverse), at most f.Limit of them. It sees every
// record committed before the call. With the index it reads only the
// blocks whose time range and models can match; without it, the segments.
// What does not verify is skipped, each part with a *SkipError, as
// Reader.Query does; the iteration stops at any other error, which it
// yields.
func (e *Engine) Query(ctx context.Context, f Filter) iter.Seq2[Record, error] {
	if e.ix == nil {
		return query(ctx, e.fs, e.dir, f)
	}
	mark, newer, ok := e.ix.view()
	if !ok {
		return query(ctx, e.fs, e.dir, f)
	}
	return func(yield func(Record, error) bool) {
		runQuery(yield, f.Limit, func(em *emitter) error {
			q := &blockQuery{e: e, sel: f.selection(), em: em, br: blockReader{fs: e.fs, dir: e.dir}}
			defer q.br.close()
			if f.Reverse {
				return q.reverse(ctx, mark, newer)
			}
			return q.forward(ctx, mark, newer)
		})
	}
}

// blockQuery runs one indexed query.
type blockQuery struct {
	e   *Engine
	sel selection
	em  *emitter
	br  blockReader
	rec Record
	buf []Record // a block's matches, for reverse order
}

const queryChunk = 256 // blocks fetched from bbolt per read transaction

// fetch returns blocks from bbolt, restricted to the filter's models.
func (q *blockQuery) fetch(from, upTo uint64, reverse bool) ([]index.Block, error) {
	if len(q.sel.models) > 0 {
		return q.e.ix.idx.ModelBlocks(q.sel.models, from, upTo, reverse, queryChunk)
	}
	return q.e.ix.idx.Blocks(from, upTo, reverse, queryChunk)
}

// segments returns the index's segment summaries that can hold matches:
// their time range overlaps the filter's and they hold one of its models.
func (q *blockQuery) segments() ([]index.Segment, error) {
	all, err := q.e.ix.idx.Segments()
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, s := range all {
		if q.sel.span(s.Last, s.MinTime, s.MaxTime, s.Models) {
			out = append(out, s)
		}
	}
	return out, nil
}

func (q *blockQuery) forward(ctx context.Context, mark uint64, newer []index.Block) error {
	segs, err := q.segments()
	if err != nil {
		return err
	}
	for _, s := range segs {
		from := max(q.sel.after+1, s.First)
		upTo := min(s.Last, mark)
		for from <= upTo {
			bs, err := q.fetch(from, upTo, false)
			if err != nil {
				return err
			}
			for i := range bs {
				if err := q.block(ctx, &bs[i], false); err != nil {
					return err
				}
			}
			if len(bs) < queryChunk {
				break
			}
			from = bs[len(bs)-1].Last() + 1
		}
	}
	for i := range newer {
		if newer[i].Last() > q.sel.after {
			if err := q.block(ctx, &newer[i], false); err != nil {
				return err
			}
		}
	}
	return nil
}

func (q *blockQuery) reverse(ctx context.Context, mark uint64, newer []index.Block) error {
	for i := len(newer) - 1; i >= 0; i-- {
		if err := q.block(ctx, &newer[i], true); err != nil {
			return err
		}
	}
	segs, err := q.segments()
	if err != nil {
		return err
	}
	for i := len(segs) - 1; i >= 0; i-- {
		s := segs[i]
		from := min(s.Last, mark)
		for from >= s.First && from > q.sel.after {
			bs, err := q.fetch(from, mark, true)
			if err != nil {
				return err
			}
			done := len(bs) < queryChunk
			for i := range bs {
				if bs[i].First < s.First {
					done = true
					break
				}
				if err := q.block(ctx, &bs[i], true); err != nil {
					return err
				}
			}
			if done || bs[len(bs)-1].First <= s.First {
				break
			}
			from = bs[len(bs)-1].First - 1
		}
	}
	return nil
}

// block yields the records of b that match the filter.
func (q *blockQuery) block(ctx context.Context, b *index.Block, reverse bool) error {
	if !q.sel.span(b.Last(), b.MinTime, b.MaxTime, b.Models) {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	q.buf = q.buf[:0]
	prev := chain.Digest(b.Prev)
	name := wal.SegmentName(b.Pos.Segment)
	next := b.First // the first record of b not read yet
	take := func(seq uint64, off int64, entry []byte, prev chain.Digest) error {
		next = seq + 1
		ok, err := q.sel.entry(seq, entry, prev, &q.rec)
		var se *SkipError
		switch {
		case errors.As(err, &se):
			se.Segment, se.Offset = name, off
			return q.em.skip(se)
		case err != nil || !ok:
			return err
		case reverse:
			q.buf = append(q.buf, q.rec)
			return nil
		}
		return q.em.emit(q.rec)
	}
	err := q.br.read(*b, func(seq uint64, off int64, entry []byte) error {
		p := prev
		copy(prev[:], entry[:hashSize])
		return take(seq, off, entry, p)
	})
	var ce *CorruptionError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil // the segment was removed by retention after the index was read
	case errors.As(err, &ce):
		// Damaged since it was indexed: read the rest of the block as a
		// scan does, which goes on after the damage and says what it
		// skipped.
		err = q.rescan(name, next, b.Last(), take)
	}
	if err != nil {
		return err
	}
	for i := len(q.buf) - 1; i >= 0; i-- {
		if err := q.em.emit(q.buf[i]); err != nil {
			return err
		}
	}
	return nil
}

// errRescanned ends a rescan once it has read its last record.
var errRescanned = errors.New("rescanned")

// rescan hands the records from..last of segment name to take, reading
// the segment with a walker, which resyncs after damage, and hands what it
// skips in that range to the emitter.
func (q *blockQuery) rescan(name string, from, last uint64, take func(uint64, int64, []byte, chain.Digest) error) error {
	w, err := wal.OpenWalker(q.e.fs, q.e.dir, name)
	var ce *CorruptionError
	if errors.As(err, &ce) {
		return q.em.skip(&SkipError{Segment: name, Offset: ce.Offset, First: from, Last: last, Err: ce})
	}
	if err != nil {
		return err
	}
	defer w.Close()
	err = eachEntry(w, func(e wal.Entry, prev chain.Digest) error {
		switch {
		case e.Seq > last:
			return errRescanned
		case e.Seq < from || len(e.Data) < hashSize:
			return nil
		}
		return take(e.Seq, e.Offset, e.Data, prev)
	}, func(se *SkipError) error {
		if se.First > last || (se.Last != 0 && se.Last < from) {
			return nil
		}
		se.First = max(se.First, from)
		if se.Last == 0 || se.Last > last {
			se.Last = last
		}
		return q.em.skip(se)
	})
	if errors.Is(err, errRescanned) {
		return nil
	}
	return err
}
