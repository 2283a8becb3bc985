package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync"
	"syscall"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/spf13/pflag"
)

// Every command that writes a store (demo, ingest, proxy) opens it here, so
// they share their flags, their errors and their warnings.

// writerFlags are the flags of every command that writes a store.
type writerFlags struct {
	path string
	key  string // signer key file for checkpoints
}

// define registers the flags on fs; defaultPath is --path's default (""
// makes it required).
func (w *writerFlags) define(fs *pflag.FlagSet, defaultPath string) {
	usage := "the store's folder `DIR`, created when it does not exist"
	if defaultPath == "" {
		usage += " (required)"
	}
	fs.StringVar(&w.path, "path", defaultPath, usage)
	fs.StringVar(&w.key, "key", "", "sign checkpoints with the signer key in `FILE` (from 'llog keygen'; keep it off the store's filesystem)")
}

// check returns a usage error for flags that cannot be used.
func (w *writerFlags) check() error {
	if w.path == "" {
		return usagef("--path is required")
	}
	return nil
}

// writer is a store open for writing by a command.
type writer struct {
	*llog.Engine
	warn *warner
}

// open opens the store for writing with opts (nil: the defaults), creating
// it when needed. While it is open, warning events (see
// llog.EventKind.IsWarning) go to standard error as "llog: CMD: warning:"
// lines, in addition to any opts.OnEvent. The errors say what to do: a
// store locked by another writer (exit 3), a damaged store (exit 1, naming
// the commands that show and repair the damage).
func (w *writerFlags) open(e *env, opts *llog.Options) (*writer, error) {
	var o llog.Options
	if opts != nil {
		o = *opts
	}
	if w.key != "" {
		s, err := loadKey(w.key, llog.LoadSigner)
		if err != nil {
			return nil, err
		}
		o.Signer = s
	}
	if e.writerOptions != nil {
		e.writerOptions(&o)
	}
	warn := &warner{w: e.stderr, prefix: "llog: " + e.cmd + ": warning: ", clear: e.progress, every: 10 * time.Second}
	next := o.OnEvent
	o.OnEvent = func(ev llog.Event) {
		if ev.Kind.IsWarning() {
			warn.event(ev)
		}
		if next != nil {
			next(ev)
		}
	}
	eng, err := llog.Open(w.path, &o)
	switch {
	case err == nil:
		return &writer{Engine: eng, warn: warn}, nil
	case errors.Is(err, syscall.ENOTDIR):
		return nil, notAFolder(w.path)
	case errors.Is(err, llog.ErrLocked):
		return nil, fmt.Errorf("%s is open for writing by another process: %w", w.path, err)
	case errors.Is(err, llog.ErrCorrupt):
		q := shellQuote(w.path)
		return nil, &integrityError{msg: fmt.Sprintf("%v; run 'llog verify --path %s', then 'llog repair --path %s'", err, q, q)}
	default:
		return nil, err
	}
}

// loadKey loads a key file with load: a file that cannot be read is an
// error running the command (exit 3), one that is not a key of that kind a
// usage error (exit 2).
func loadKey[K any](path string, load func(string) (K, error)) (K, error) {
	k, err := load(path)
	var pe *fs.PathError
	if err != nil && !errors.As(err, &pe) {
		return k, &usageError{msg: cleanMessage(err.Error())}
	}
	return k, err
}

// Close closes the engine (committing everything queued) and then reports
// the warnings that were held back.
func (w *writer) Close() error {
	err := w.Engine.Close()
	w.warn.flush()
	return err
}

// warner prints warning events, one line each. Slow fsyncs can come with
// every batch on a slow card, so after one is printed the next ones within
// every are counted and reported together.
type warner struct {
	mu     sync.Mutex
	w      io.Writer
	prefix string
	clear  bool // erase a progress line first
	every  time.Duration

	lastSlow  time.Time
	slowHeld  int
	slowWorst time.Duration
}

func (w *warner) event(ev llog.Event) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if ev.Kind == llog.EventSlowSync {
		if !w.lastSlow.IsZero() && ev.Time.Sub(w.lastSlow) < w.every {
			w.slowHeld++
			w.slowWorst = max(w.slowWorst, ev.Duration)
			return
		}
		w.lastSlow = ev.Time
		w.printHeldLocked()
	}
	w.printLocked(cleanMessage(ev.String()))
}

// flush prints what is held back.
func (w *warner) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.printHeldLocked()
}

// REQUIRES: w.mu held.
func (w *warner) printHeldLocked() {
	if w.slowHeld > 0 {
		w.printLocked(fmt.Sprintf("slow-sync: %d more slow %s since, the slowest %s", w.slowHeld,
			map[bool]string{true: "fsync", false: "fsyncs"}[w.slowHeld == 1], formatLatency(uint64(w.slowWorst))))
		w.slowHeld, w.slowWorst = 0, 0
	}
}

// REQUIRES: w.mu held.
func (w *warner) printLocked(msg string) {
	line := w.prefix + msg + "\n"
	if w.clear {
		line = "\r\x1b[K" + line
	}
	io.WriteString(w.w, line)
}
