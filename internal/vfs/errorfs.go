package vfs

import (
	"io"
	"io/fs"
	"math/bits"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// Op is a set of kinds of filesystem operations, for [ErrorFS].
type Op uint32

// The kinds of operations [ErrorFS] counts and can fail.
const (
	OpCreate   Op = 1 << iota // FS.Create
	OpOpen                    // FS.Open and FS.OpenRW
	OpRead                    // File.ReadAt
	OpWrite                   // File.WriteAt
	OpSync                    // File.Sync
	OpTruncate                // File.Truncate
	OpSize                    // File.Size
	OpClose                   // File.Close and closing a lock
	OpRename                  // FS.Rename
	OpRemove                  // FS.Remove
	OpMkdir                   // FS.MkdirAll
	OpReadDir                 // FS.ReadDir
	OpStat                    // FS.Stat
	OpSyncDir                 // FS.SyncDir
	OpLock                    // FS.Lock

	// OpAll is every kind of operation.
	OpAll Op = 1<<iota - 1
)

var opNames = [...]string{
	"create", "open", "read", "write", "sync", "truncate", "size", "close",
	"rename", "remove", "mkdir", "readdir", "stat", "syncdir", "lock",
}

// String returns the names of the kinds in o joined by "|", such as
// "write|sync".
func (o Op) String() string {
	if o == 0 {
		return "none"
	}
	var names []string
	for o != 0 {
		i := bits.TrailingZeros32(uint32(o))
		if i < len(opNames) {
			names = append(names, opNames[i])
		} else {
			names = append(names, "Op(1<<"+strconv.Itoa(i)+")")
		}
		o &^= 1 << i
	}
	return strings.Join(names, "|")
}

// Fault describes an error for [ErrorFS] to inject.
type Fault struct {
	// Ops is the set of kinds of operations the fault applies to.
	Ops Op
	// After is the number of matching operations, counted from the call to
	// Inject, that succeed before the fault fires: it fails the
	// (After+1)-th matching operation, so 0 fails the first.
	After int
	// Err is the error to return, wrapped in an *fs.PathError. Nil means
	// syscall.EIO.
	Err error
	// Persistent makes every matching operation after the (After+1)-th fail
	// too. Otherwise the fault fires once.
	Persistent bool
	// Base, when set, restricts the fault to operations on files whose base
	// name is Base (for a rename, the old name); only those count towards
	// After.
	Base string
	// PartialWrite makes a failing File.WriteAt first write the first half
	// (len/2 bytes, rounded down) of its data through to the inner file, and
	// report that count with the error, as a write that runs out of space
	// can. It has no effect on other operations.
	PartialWrite bool
}

// ErrorFS wraps an [FS] and fails chosen operations with chosen errors, to
// test error handling (see [Fault]). Files and locks opened through it are
// wrapped too. It counts every operation it is asked to perform, failed
// ones included (see [ErrorFS.Count]), so a test can run a workload once to
// count its operations and then run it again failing each in turn. It is
// safe for concurrent use.
//
// An operation that fails by injection is not passed to the inner FS (except
// the written half of a PartialWrite); a Close that fails by injection still
// closes the inner file or lock, as close(2) releases the descriptor even
// when it reports an error.
type ErrorFS struct {
	inner FS

	mu     sync.Mutex
	counts [len(opNames)]int
	faults []*faultState
}

var (
	_ FS      = (*ErrorFS)(nil)
	_ OSFiles = (*ErrorFS)(nil)
)

type faultState struct {
	Fault
	seen int // matching operations so far
}

// NewErrorFS returns an ErrorFS over inner with no faults.
func NewErrorFS(inner FS) *ErrorFS { return &ErrorFS{inner: inner} }

// Inject adds a fault. Its After counts matching operations from now on.
// When several faults fire on the same operation, the one injected first
// supplies the error; every fault counts every operation it matches.
func (e *ErrorFS) Inject(f Fault) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = append(e.faults, &faultState{Fault: f})
}

// Reset removes all faults. It does not reset the counts.
func (e *ErrorFS) Reset() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = nil
}

// Count returns how many operations of the kinds in ops have been performed
// since [NewErrorFS], including those that failed.
func (e *ErrorFS) Count(ops Op) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for i, c := range e.counts {
		if ops&(1<<i) != 0 {
			n += c
		}
	}
	return n
}

// check counts one operation of kind op on path and returns the injected
// fault that fails it, if any.
func (e *ErrorFS) check(op Op, path string) (fault *Fault, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.counts[bits.TrailingZeros32(uint32(op))]++
	for _, f := range e.faults {
		if f.Ops&op == 0 || (f.Base != "" && filepath.Base(path) != f.Base) {
			continue
		}
		i := f.seen
		f.seen++
		if fault == nil && (i == f.After || (f.Persistent && i > f.After)) {
			fault = &f.Fault
		}
	}
	if fault == nil {
		return nil, nil
	}
	ferr := fault.Err
	if ferr == nil {
		ferr = syscall.EIO
	}
	return fault, &fs.PathError{Op: op.String(), Path: path, Err: ferr}
}

// Create creates a file through the inner FS, unless a fault fails it.
func (e *ErrorFS) Create(name string, perm fs.FileMode) (File, error) {
	if _, err := e.check(OpCreate, name); err != nil {
		return nil, err
	}
	f, err := e.inner.Create(name, perm)
	if err != nil {
		return nil, err
	}
	return &errorFile{e: e, f: f, name: name}, nil
}

// Open opens a file through the inner FS, unless a fault fails it.
func (e *ErrorFS) Open(name string) (File, error) {
	if _, err := e.check(OpOpen, name); err != nil {
		return nil, err
	}
	f, err := e.inner.Open(name)
	if err != nil {
		return nil, err
	}
	return &errorFile{e: e, f: f, name: name}, nil
}

// OpenRW opens a file through the inner FS, unless a fault fails it.
func (e *ErrorFS) OpenRW(name string) (File, error) {
	if _, err := e.check(OpOpen, name); err != nil {
		return nil, err
	}
	f, err := e.inner.OpenRW(name)
	if err != nil {
		return nil, err
	}
	return &errorFile{e: e, f: f, name: name}, nil
}

// OpenOS opens an operating-system file through the inner FS, unless a
// fault fails it; it counts as an open (OpOpen). Only the open can be
// failed: reads, writes and syncs of the *os.File do not go through
// ErrorFS.
func (e *ErrorFS) OpenOS(name string, flag int, perm fs.FileMode) (*os.File, error) {
	if _, err := e.check(OpOpen, name); err != nil {
		return nil, err
	}
	return OpenOS(e.inner, name, flag, perm)
}

// OnOS reports whether the inner FS hands out operating-system files.
func (e *ErrorFS) OnOS() bool { return OnOS(e.inner) }

// Rename renames through the inner FS, unless a fault fails it. An injected
// error names oldname as its path.
func (e *ErrorFS) Rename(oldname, newname string) error {
	if _, err := e.check(OpRename, oldname); err != nil {
		return err
	}
	return e.inner.Rename(oldname, newname)
}

// Remove removes through the inner FS, unless a fault fails it.
func (e *ErrorFS) Remove(name string) error {
	if _, err := e.check(OpRemove, name); err != nil {
		return err
	}
	return e.inner.Remove(name)
}

// MkdirAll creates directories through the inner FS, unless a fault fails
// it.
func (e *ErrorFS) MkdirAll(dir string, perm fs.FileMode) error {
	if _, err := e.check(OpMkdir, dir); err != nil {
		return err
	}
	return e.inner.MkdirAll(dir, perm)
}

// ReadDir lists a directory through the inner FS, unless a fault fails it.
func (e *ErrorFS) ReadDir(dir string) ([]string, error) {
	if _, err := e.check(OpReadDir, dir); err != nil {
		return nil, err
	}
	return e.inner.ReadDir(dir)
}

// Stat describes a file through the inner FS, unless a fault fails it.
func (e *ErrorFS) Stat(name string) (fs.FileInfo, error) {
	if _, err := e.check(OpStat, name); err != nil {
		return nil, err
	}
	return e.inner.Stat(name)
}

// SyncDir syncs a directory through the inner FS, unless a fault fails it.
func (e *ErrorFS) SyncDir(dir string) error {
	if _, err := e.check(OpSyncDir, dir); err != nil {
		return err
	}
	return e.inner.SyncDir(dir)
}

// Lock takes a lock through the inner FS, unless a fault fails it.
func (e *ErrorFS) Lock(name string) (io.Closer, error) {
	if _, err := e.check(OpLock, name); err != nil {
		return nil, err
	}
	l, err := e.inner.Lock(name)
	if err != nil {
		return nil, err
	}
	return &errorCloser{e: e, c: l, name: name}, nil
}

type errorCloser struct {
	e    *ErrorFS
	c    io.Closer
	name string
}

func (c *errorCloser) Close() error {
	_, ierr := c.e.check(OpClose, c.name)
	err := c.c.Close()
	if ierr != nil {
		return ierr
	}
	return err
}

// errorFile is a File opened through an ErrorFS.
type errorFile struct {
	e    *ErrorFS
	f    File
	name string
}

var _ File = (*errorFile)(nil)

func (f *errorFile) ReadAt(p []byte, off int64) (int, error) {
	if _, err := f.e.check(OpRead, f.name); err != nil {
		return 0, err
	}
	return f.f.ReadAt(p, off)
}

func (f *errorFile) WriteAt(p []byte, off int64) (int, error) {
	fault, err := f.e.check(OpWrite, f.name)
	if err == nil {
		return f.f.WriteAt(p, off)
	}
	if !fault.PartialWrite || len(p) < 2 {
		return 0, err
	}
	n, werr := f.f.WriteAt(p[:len(p)/2], off)
	if werr != nil {
		return n, werr
	}
	return n, err
}

func (f *errorFile) Sync() error {
	if _, err := f.e.check(OpSync, f.name); err != nil {
		return err
	}
	return f.f.Sync()
}

func (f *errorFile) Truncate(size int64) error {
	if _, err := f.e.check(OpTruncate, f.name); err != nil {
		return err
	}
	return f.f.Truncate(size)
}

func (f *errorFile) Size() (int64, error) {
	if _, err := f.e.check(OpSize, f.name); err != nil {
		return 0, err
	}
	return f.f.Size()
}

func (f *errorFile) Close() error {
	_, ierr := f.e.check(OpClose, f.name)
	err := f.f.Close()
	if ierr != nil {
		return ierr
	}
	return err
}
