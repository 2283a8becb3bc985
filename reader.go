package llog

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/lowlightlog/llog/internal/vfs"
)

// Filter selects records. The zero Filter selects every record, oldest
// first.
type Filter struct {
	// Since and Until bound the records' Time: Since is inclusive, Until
	// exclusive; zero means unbounded. Times come from the device clock and
	// can go backwards: records are always returned in sequence order, the
	// time bounds only select.
	Since, Until time.Time
	// Models selects records whose Model is one of these; empty means all.
	Models []string
	// AfterSeq selects records with Seq > AfterSeq.
	AfterSeq uint64
	// Limit is the most records a Query returns; 0 means no limit.
	Limit int
	// Reverse makes a Query return the newest records first.
	Reverse bool
}

// Match reports whether r passes the filter's selection (Limit and Reverse
// aside).
func (f *Filter) Match(r *Record) bool {
	if r.Seq <= f.AfterSeq {
		return false
	}
	if !f.Since.IsZero() && r.Time.Before(f.Since) {
		return false
	}
	if !f.Until.IsZero() && !r.Time.Before(f.Until) {
		return false
	}
	if len(f.Models) > 0 && !slices.Contains(f.Models, r.Model) {
		return false
	}
	return true
}

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
	return scanStore(ctx, r.fs, r.dir, func(rec *Record) error {
		if f.Match(rec) {
			return fn(rec)
		}
		return nil
	})
}

// errStop ends a scan early without an error.
var errStop = errors.New("stop")

// Query returns the committed records that match f, in sequence order (or
// newest first with f.Reverse), at most f.Limit of them. Records that do
// not verify are skipped; use Verify or Scan to find them. The iteration
// stops at the first error, which it yields.
func (r *Reader) Query(ctx context.Context, f Filter) iter.Seq2[Record, error] {
	return query(ctx, r.fs, r.dir, f)
}

func query(ctx context.Context, fsys vfs.FS, dir string, f Filter) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		var keep []Record // Reverse: the newest matches, at most Limit
		n := 0
		_, err := scanStore(ctx, fsys, dir, func(rec *Record) error {
			if !f.Match(rec) {
				return nil
			}
			if f.Reverse {
				keep = append(keep, *rec)
				if f.Limit > 0 && len(keep) > f.Limit {
					keep = keep[1:]
				}
				return nil
			}
			if !yield(*rec, nil) {
				return errStop
			}
			if n++; f.Limit > 0 && n >= f.Limit {
				return errStop
			}
			return nil
		})
		if errors.Is(err, errStop) {
			return
		}
		if err != nil {
			yield(Record{}, err)
			return
		}
		for i := len(keep) - 1; i >= 0; i-- {
			if !yield(keep[i], nil) {
				return
			}
		}
	}
}
