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
// newest first with f.Reverse), at most f.Limit of them. Records that do
// not verify are skipped; use Verify or Scan to find them. The iteration
// stops at the first error, which it yields.
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
// reports it).
func (q *scanQuery) match(seq uint64, data []byte, prev chain.Digest) (bool, error) {
	if len(data) < hashSize {
		return false, nil
	}
	return q.sel.entry(seq, data, prev, &q.rec)
}

// open opens segment s for the query, or returns nil when it was deleted
// meanwhile (by retention).
func (q *scanQuery) open(ctx context.Context, s wal.SegmentInfo) (*wal.Walker, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	w, err := wal.OpenWalker(q.fs, q.dir, s.Name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return w, err
}

// eachEntry calls fn with every committed entry of w and the digest of the
// record before it. A torn tail ends the committed entries.
func eachEntry(w *wal.Walker, fn func(e wal.Entry, prev chain.Digest) error) error {
	prev := chain.Digest(w.Header().Link)
	for {
		e, err := w.Next()
		if err == io.EOF || errors.Is(err, wal.ErrTorn) {
			return nil // the end of what is committed
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
			ok, err := q.match(e.Seq, e.Data, prev)
			if err != nil || !ok {
				return err
			}
			return q.em.emit(q.rec)
		})
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
		ok, err := q.match(e.Seq, e.Data, prev)
		if ok {
			hits = append(hits, hit{e.Seq, e.Offset, prev})
		}
		return err
	})
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
		if _, err := q.match(h.seq, data, h.prev); err != nil {
			return err
		}
		if err := q.em.emit(q.rec); err != nil {
			return err
		}
	}
	return nil
}
