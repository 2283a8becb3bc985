package llog

import (
	"context"
	"errors"
	"io/fs"
	"iter"
	"slices"

	"github.com/lowlightlog/llog/chain"
	"github.com/lowlightlog/llog/index"
)

// Query returns the committed records that match f, in sequence order (or
// newest first with f.Reverse), at most f.Limit of them. It sees every
// record committed before the call. With the index it reads only the
// blocks whose time range and models can match; without it, the segments.
// The iteration stops at the first error, which it yields.
func (e *Engine) Query(ctx context.Context, f Filter) iter.Seq2[Record, error] {
	if e.ix == nil {
		return query(ctx, e.fs, e.dir, f)
	}
	mark, newer, ok := e.ix.view()
	if !ok {
		return query(ctx, e.fs, e.dir, f)
	}
	return func(yield func(Record, error) bool) {
		q := &blockQuery{e: e, f: f, yield: yield, br: blockReader{fs: e.fs, dir: e.dir}}
		defer q.br.close()
		var err error
		if f.Reverse {
			err = q.reverse(ctx, mark, newer)
		} else {
			err = q.forward(ctx, mark, newer)
		}
		if err != nil && !errors.Is(err, errStop) {
			yield(Record{}, err)
		}
	}
}

// blockQuery runs one indexed query.
type blockQuery struct {
	e     *Engine
	f     Filter
	yield func(Record, error) bool
	br    blockReader
	n     int
	rec   Record
	buf   []Record // a block's matches, for reverse order
}

const queryChunk = 256 // blocks fetched from bbolt per read transaction

// fetch returns blocks from bbolt, restricted to the filter's models.
func (q *blockQuery) fetch(from, upTo uint64, reverse bool) ([]index.Block, error) {
	if len(q.f.Models) > 0 {
		return q.e.ix.idx.ModelBlocks(q.f.Models, from, upTo, reverse, queryChunk)
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
	f := &q.f
	out := all[:0]
	for _, s := range all {
		if s.Last <= f.AfterSeq ||
			(!f.Since.IsZero() && s.MaxTime < f.Since.UnixNano()) ||
			(!f.Until.IsZero() && s.MinTime >= f.Until.UnixNano()) ||
			(len(f.Models) > 0 && !slices.ContainsFunc(s.Models, func(m string) bool { return slices.Contains(f.Models, m) })) {
			continue
		}
		out = append(out, s)
	}
	return out, nil
}

func (q *blockQuery) forward(ctx context.Context, mark uint64, newer []index.Block) error {
	segs, err := q.segments()
	if err != nil {
		return err
	}
	for _, s := range segs {
		from := max(q.f.AfterSeq+1, s.First)
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
		if newer[i].Last() > q.f.AfterSeq {
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
		for from >= s.First && from > q.f.AfterSeq {
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
	f := &q.f
	if b.Last() <= f.AfterSeq {
		return nil
	}
	if !f.Since.IsZero() && b.MaxTime < f.Since.UnixNano() {
		return nil
	}
	if !f.Until.IsZero() && b.MinTime >= f.Until.UnixNano() {
		return nil
	}
	if len(f.Models) > 0 && !slices.ContainsFunc(b.Models, func(m string) bool { return slices.Contains(f.Models, m) }) {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	q.buf = q.buf[:0]
	prev := chain.Digest(b.Prev)
	err := q.br.read(*b, func(seq uint64, entry []byte) error {
		var h chain.Digest
		copy(h[:], entry[:hashSize])
		p := prev
		prev = h
		if seq <= f.AfterSeq {
			return nil
		}
		body := entry[hashSize:]
		t, model, err := peekRecord(body)
		if err != nil {
			return err
		}
		if (!f.Since.IsZero() && t < f.Since.UnixNano()) || (!f.Until.IsZero() && t >= f.Until.UnixNano()) ||
			(len(f.Models) > 0 && !modelIn(model, f.Models)) {
			return nil
		}
		if err := decodeRecord(body, &q.rec); err != nil {
			return err
		}
		q.rec.Seq, q.rec.PrevHash, q.rec.Hash = seq, p, h
		if reverse {
			q.buf = append(q.buf, q.rec)
			return nil
		}
		return q.emit(q.rec)
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil // the segment was removed by retention after the index was read
	}
	if err != nil {
		return err
	}
	for i := len(q.buf) - 1; i >= 0; i-- {
		if err := q.emit(q.buf[i]); err != nil {
			return err
		}
	}
	return nil
}

func (q *blockQuery) emit(r Record) error {
	if !q.yield(r, nil) {
		return errStop
	}
	if q.n++; q.f.Limit > 0 && q.n >= q.f.Limit {
		return errStop
	}
	return nil
}
