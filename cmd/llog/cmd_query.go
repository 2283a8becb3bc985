package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/spf13/pflag"
)

var queryCmd = &command{
	name:    "query",
	summary: "print matching records as JSON lines, optionally following new ones",
	usage: `usage: llog query --path DIR [--since T] [--until T] [--model M,...] [--after-seq N]
                  [--limit N] [--tail N | -n N] [--reverse] [--follow]

Query prints the records that match, oldest first, one JSON object per line,
in the same form as export's records. It is read-only and takes no lock.
Each record printed matches its stored digest. What does not verify (a
damaged part of a segment, a record that does not decode or does not match
its digest) is skipped, each part named on standard error, and query goes on
and exits 1 at the end; 'llog verify' checks the whole chain.

T is RFC 3339 (2026-01-02T15:04:05Z), a date (2026-01-02, midnight UTC),
today or yesterday (midnight UTC), or a time ago: 90m, 1h, 2d, 1w. --since
is inclusive and --until exclusive. --model takes a comma-separated list
and may be repeated.

--tail N (or -n N) prints the newest N matching records, oldest first, as
journalctl -n does; --reverse prints newest first (with --limit N: the
newest N). --after-seq N prints only records after sequence number N.

With --follow, query keeps running after the records already committed and
prints new ones as writers commit them until it is interrupted (Ctrl-C) or,
with --limit, has printed N records. It checks the store's files every 200ms
and reads the store again when they changed. --tail N --follow starts with
the newest N, as tail -f does.
`,
	define: func(fs *pflag.FlagSet) func(context.Context, *env, []string) error {
		var (
			path            string
			limit, tail     int
			follow, reverse bool
			ff              filterFlags
		)
		fs.StringVar(&path, "path", "", "the store's folder `DIR` (required)")
		ff.define(fs)
		fs.IntVar(&limit, "limit", 0, "print at most `N` records (0: no limit)")
		fs.IntVarP(&tail, "tail", "n", 0, "print the newest `N` matching records, oldest first")
		fs.BoolVar(&reverse, "reverse", false, "print newest first")
		fs.BoolVar(&follow, "follow", false, "keep printing new records as they are committed")
		return func(ctx context.Context, e *env, args []string) error {
			if err := noArgs(args); err != nil {
				return err
			}
			if err := requirePath(path); err != nil {
				return err
			}
			switch {
			case limit < 0:
				return usagef("--limit %d: want 0 or more", limit)
			case tail < 0:
				return usagef("--tail %d: want 0 or more", tail)
			case reverse && follow:
				return usagef("--reverse and --follow do not go together: new records come last")
			}
			f, err := ff.filter(e.now())
			if err != nil {
				return err
			}
			r, err := openReader(path)
			if err != nil {
				return err
			}
			defer r.Close()
			sk := &skips{e: e, seen: map[llog.SkipError]bool{}}
			if tail > 0 {
				f, err = printTail(ctx, e, r, f, tail, reverse, sk)
			} else if reverse {
				f.Reverse = true
			}
			if err == nil && (tail == 0 || follow) {
				err = runQuery(ctx, e, r, f, limit, follow, sk)
			}
			if err == nil && sk.n > 0 {
				return &integrityError{msg: fmt.Sprintf("skipped what does not verify: %s of the store, named above; run 'llog verify --path %s'",
					plural(uint64(sk.n), "part"), shellQuote(path))}
			}
			return err
		}
	},
}

// skips reports on standard error, once each, the parts of the store a
// query skipped because they do not verify.
type skips struct {
	e    *env
	seen map[llog.SkipError]bool
	n    int
}

// note reports err when it is a *llog.SkipError and says whether it was.
func (s *skips) note(err error) bool {
	var se *llog.SkipError
	if !errors.As(err, &se) {
		return false
	}
	key := *se
	key.Err = nil
	if !s.seen[key] {
		s.seen[key] = true
		s.n++
		fmt.Fprintf(s.e.stderr, "llog: query: %s\n", cleanMessage(strings.TrimPrefix(se.Error(), "llog: ")))
	}
	return true
}

// printTail prints the newest n records that match f, oldest first (newest
// first with reverse), and returns f moved past them, to follow from there.
func printTail(ctx context.Context, e *env, r *llog.Reader, f llog.Filter, n int, reverse bool, sk *skips) (llog.Filter, error) {
	tf := f
	tf.Reverse, tf.Limit = true, n
	var recs []llog.Record
	for rec, err := range r.Query(ctx, tf) {
		if sk.note(err) {
			continue
		}
		if err != nil {
			if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
				return f, nil
			}
			return f, fmt.Errorf("query %s: %w", r.Dir(), err)
		}
		recs = append(recs, rec)
	}
	if len(recs) > 0 {
		f.AfterSeq = recs[0].Seq
	}
	if !reverse {
		slices.Reverse(recs)
	}
	w := bufio.NewWriterSize(e.stdout, 64<<10)
	var buf []byte
	for i := range recs {
		buf = append(recs[i].AppendJSON(buf[:0]), '\n')
		if _, err := w.Write(buf); err != nil {
			return f, fmt.Errorf("write: %w", err)
		}
	}
	return f, flush(w)
}

// runQuery prints the records of r that match f, at most limit of them
// (0: no limit); with follow it polls for new records until ctx ends.
func runQuery(ctx context.Context, e *env, r *llog.Reader, f llog.Filter, limit int, follow bool, sk *skips) error {
	w := bufio.NewWriterSize(e.stdout, 64<<10)
	var buf []byte
	n := 0
	var seen string // the folder's state when last queried
	for {
		if follow {
			// Reader.Query reads the store from its start, so look again
			// only when a file of the store changed.
			sig, err := dirState(r.Dir())
			if err != nil {
				return err
			}
			if sig == seen {
				if err := sleep(ctx, e.pollInterval); err != nil {
					return nil
				}
				continue
			}
			seen = sig
		}
		if limit > 0 {
			f.Limit = limit - n
		}
		for rec, err := range r.Query(ctx, f) {
			if err != nil && sk.note(err) {
				if err := flush(w); err != nil { // keep stdout and stderr in order
					return err
				}
				continue
			}
			if err != nil {
				if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
					return flush(w)
				}
				return fmt.Errorf("query %s: %w", r.Dir(), err)
			}
			buf = append(rec.AppendJSON(buf[:0]), '\n')
			if _, err := w.Write(buf); err != nil {
				return fmt.Errorf("write: %w", err)
			}
			f.AfterSeq = rec.Seq
			n++
		}
		if err := flush(w); err != nil {
			return err
		}
		if !follow || (limit > 0 && n >= limit) {
			return nil
		}
		if err := sleep(ctx, e.pollInterval); err != nil {
			return nil
		}
	}
}

// sleep waits for d, or returns ctx.Err() when ctx ends first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// dirState describes the files in dir (names, sizes and modification
// times): it changes whenever a writer commits to the store there.
func dirState(dir string) (string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", dir, err)
	}
	var b strings.Builder
	for _, ent := range ents {
		fi, err := ent.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed since ReadDir
		}
		if err != nil {
			return "", fmt.Errorf("read %s: %w", dir, err)
		}
		fmt.Fprintf(&b, "%s %d %d\n", ent.Name(), fi.Size(), fi.ModTime().UnixNano())
	}
	return b.String(), nil
}

func flush(w *bufio.Writer) error {
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}
