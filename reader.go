package llog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"time"

	"github.com/lowlightlog/llog/chain"
	"github.com/lowlightlog/llog/internal/vfs"
	"github.com/lowlightlog/llog/segment"
	"github.com/lowlightlog/llog/wal"
)

// Reader is a read-only view of a store. It takes no lock, so it works
// while an Engine (in this process or another) writes the store, and it
// only ever sees whole committed batches: a consistent committed prefix.
type Reader struct {
	fs    vfs.FS
	dir   string
	store storeInfo
}

// OpenReader opens the store in dir for reading. It fails with ErrNotStore
// when dir is not a store, ErrNewerVersion when a newer version wrote it,
// and an error matching fs.ErrNotExist when dir does not exist.
func OpenReader(dir string) (*Reader, error) {
	return openReader(vfs.Default, dir)
}

func openReader(fsys vfs.FS, dir string) (*Reader, error) {
	store, err := openStore(fsys, dir, false)
	if err != nil {
		return nil, fmt.Errorf("llog: open %s: %w", dir, err)
	}
	return &Reader{fs: fsys, dir: dir, store: store}, nil
}

// Close releases the reader. It holds no resources between calls today.
func (r *Reader) Close() error { return nil }

// Dir returns the store's folder.
func (r *Reader) Dir() string { return r.dir }

// StoreID returns the store's identity.
func (r *Reader) StoreID() string { return r.store.ID() }

// Created returns the time the store was created.
func (r *Reader) Created() time.Time { return r.store.created }

// Drops returns the records dropped by the overflow policy over the
// store's life, as of the index's last checkpoint (while a writer runs, as
// of the copy it left for readers). ok is false when the store has no
// readable index.
func (r *Reader) Drops() (d Drops, ok bool, err error) {
	x, _, err := openIndexReadOnly(r.fs, r.dir, r.store)
	if x == nil || err != nil {
		return Drops{}, false, err
	}
	defer x.Close()
	c, err := x.Counters()
	if err != nil || len(c) < 4 {
		return Drops{}, false, err
	}
	return Drops{Newest: c[0], Oldest: c[1], Canceled: c[2], Failed: c[3]}, true, nil
}

// Verify checks the whole store; see the package-level Verify.
func (r *Reader) Verify(ctx context.Context) (*VerifyReport, error) {
	return scanStore(ctx, r.fs, r.dir, nil)
}

// Scan reads every committed record in sequence order while verifying the
// whole chain, and calls fn with each record that verifies and matches f
// (f.Limit and f.Reverse are ignored: the whole chain is read). The record
// passed to fn is reused after fn returns. An error from fn stops the scan
// and is returned. The report says what verification found: a record that
// does not verify is reported there and not passed to fn.
func (r *Reader) Scan(ctx context.Context, f Filter, fn func(*Record) error) (*VerifyReport, error) {
	sel := f.selection()
	return scanStore(ctx, r.fs, r.dir, func(rec *Record) error {
		if matches(&sel, rec.Seq, unixNano(rec.Time), rec.Model) {
			return fn(rec)
		}
		return nil
	})
}

// Query returns the committed records that match f, in sequence order (or
// newest first with f.Reverse), at most f.Limit of them. Each record it
// yields matches its stored digest. What does not verify (a damaged part
// of a segment, a record that does not decode or does not match its
// digest) is skipped: the iteration yields a *SkipError saying what and
// goes on if the caller does. It stops at any other error, which it
// yields. Verify and Scan check the whole chain.
func (r *Reader) Query(ctx context.Context, f Filter) iter.Seq2[Record, error] {
	return query(ctx, r.fs, r.dir, f)
}

// query reads the segments without the index and without verifying the
// chain (Verify and Scan do that): it starts at the segment that holds
// f.AfterSeq+1, and in reverse order it reads segments newest first,
// remembering only where the matches are.
func query(ctx context.Context, fsys vfs.FS, dir string, f Filter) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		runQuery(yield, f.Limit, func(em *emitter) error {
			segs, err := wal.ListSegments(fsys, dir)
			if err != nil {
				return err
			}
			q := scanQuery{fs: fsys, dir: dir, sel: f.selection(), em: em}
			if f.Reverse {
				return q.reverse(ctx, segs)
			}
			return q.forward(ctx, segs)
		})
	}
}

// scanQuery runs one query over the segments.
type scanQuery struct {
	fs  vfs.FS
	dir string
	sel selection
	em  *emitter
	rec Record
}

// match decodes an entry into q.rec when it matches the filter. An entry
// too short to hold a digest is not a record: it is skipped (Verify
// reports it). A record that does not verify is handed to skip (with seg
// and off filled in).
func (q *scanQuery) match(seg string, e wal.Entry, data []byte, prev chain.Digest) (bool, error) {
	if len(data) < hashSize {
		return false, nil
	}
	ok, err := q.sel.entry(e.Seq, data, prev, &q.rec)
	var se *SkipError
	if errors.As(err, &se) {
		se.Segment, se.Offset = seg, e.Offset
		return false, q.em.skip(se)
	}
	return ok, err
}

// open opens segment s for the query, or returns nil when it was deleted
// meanwhile (by retention). A segment whose header is damaged is skipped
// whole.
func (q *scanQuery) open(ctx context.Context, s wal.SegmentInfo) (*wal.Walker, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	w, err := wal.OpenWalker(q.fs, q.dir, s.Name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	var ce *CorruptionError
	if errors.As(err, &ce) && !errors.Is(err, segment.ErrNewerVersion) {
		return nil, q.em.skip(&SkipError{Segment: s.Name, Offset: ce.Offset, First: s.First, Err: ce})
	}
	return w, err
}

// eachEntry calls fn with every committed entry of w and the digest of the
// record before it. A torn tail ends the committed entries. Damage is
// handed to skip as a *SkipError, and reading goes on after it where the
// walker can resync.
func eachEntry(w *wal.Walker, fn func(e wal.Entry, prev chain.Digest) error, skip func(*SkipError) error) error {
	prev := chain.Digest(w.Header().Link)
	for {
		e, err := w.Next()
		if err == io.EOF || errors.Is(err, wal.ErrTorn) {
			return nil // the end of what is committed
		}
		var ce *CorruptionError
		if errors.As(err, &ce) {
			_, from, _ := w.End()
			ok, rerr := w.Resync()
			if rerr != nil {
				return rerr
			}
			se := &SkipError{Segment: w.Name(), Offset: ce.Offset, First: from, Err: ce}
			if ok {
				_, next, link := w.End()
				se.Last, prev = next-1, link
			}
			if err := skip(se); err != nil || !ok {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		if err := fn(e, prev); err != nil {
			return err
		}
		if len(e.Data) >= hashSize {
			copy(prev[:], e.Data[:hashSize])
		}
	}
}

func (q *scanQuery) forward(ctx context.Context, segs []wal.SegmentInfo) error {
	start := 0
	for i, s := range segs {
		if s.First <= q.sel.after+1 {
			start = i
		}
	}
	for _, s := range segs[start:] {
		w, err := q.open(ctx, s)
		if err != nil {
			return err
		}
		if w == nil {
			continue
		}
		err = eachEntry(w, func(e wal.Entry, prev chain.Digest) error {
			ok, err := q.match(s.Name, e, e.Data, prev)
			if err != nil || !ok {
				return err
			}
			return q.em.emit(q.rec)
		}, q.em.skip)
		w.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func (q *scanQuery) reverse(ctx context.Context, segs []wal.SegmentInfo) error {
	for i := len(segs) - 1; i >= 0; i-- {
		if i+1 < len(segs) && segs[i+1].First <= q.sel.after+1 {
			break // every record of this segment and older is at most AfterSeq
		}
		w, err := q.open(ctx, segs[i])
		if err != nil {
			return err
		}
		if w == nil {
			continue
		}
		err = q.reverseSegment(w)
		w.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// reverseSegment yields the matches of one segment newest first: it walks
// the segment remembering where the matches are, then reads them back.
func (q *scanQuery) reverseSegment(w *wal.Walker) error {
	type hit struct {
		seq  uint64
		off  int64
		prev chain.Digest
	}
	var hits []hit
	err := eachEntry(w, func(e wal.Entry, prev chain.Digest) error {
		ok, err := q.match(w.Name(), e, e.Data, prev)
		if ok {
			hits = append(hits, hit{e.Seq, e.Offset, prev})
		}
		return err
	}, q.em.skip)
	if err != nil {
		return err
	}
	var buf []byte
	for j := len(hits) - 1; j >= 0; j-- {
		h := hits[j]
		data, err := w.EntryAt(h.off, buf)
		if err != nil {
			return err
		}
		buf = data[:0]
		if _, err := q.match(w.Name(), wal.Entry{Seq: h.seq, Offset: h.off}, data, h.prev); err != nil {
			return err
		}
		if err := q.em.emit(q.rec); err != nil {
			return err
		}
	}
	return nil
}
