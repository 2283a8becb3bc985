// Package vfs is the filesystem seam under the llog storage engine.
//
// Every file operation the engine performs on a store goes through [FS], so
// tests can substitute an in-memory filesystem that models what survives a
// power cut ([MemFS] and its crash clones) or one that injects I/O errors at a
// chosen operation ([ErrorFS]). [Default] is the operating system.
//
// The interface is deliberately small: it holds exactly what the engine uses.
// Files are written with WriteAt at offsets the caller tracks, so no
// implementation has to model a file position.
//
// This package is internal: it is a test seam, not an API promise.
package vfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrLocked is returned by [FS.Lock] when another holder (in this process or
// another one) already holds the lock.
var ErrLocked = errors.New("vfs: locked by another holder")

// File is an open file.
type File interface {
	io.ReaderAt
	io.WriterAt
	io.Closer
	// Sync makes the file's data and size durable (fdatasync on Linux). It
	// does not make the file's directory entry durable: see [FS.SyncDir].
	Sync() error
	// Truncate changes the size of the file.
	Truncate(size int64) error
	// Size returns the current size of the file in bytes.
	Size() (int64, error)
}

// FS is the set of filesystem operations the engine uses.
type FS interface {
	// Create creates the named file with mode perm, truncating it if it
	// exists, and opens it for reading and writing.
	Create(name string, perm fs.FileMode) (File, error)
	// Open opens the named file for reading only.
	Open(name string) (File, error)
	// OpenRW opens an existing file for reading and writing.
	OpenRW(name string) (File, error)
	// Rename renames oldname to newname, replacing newname if it exists.
	// The change is durable only after SyncDir of the parent directory.
	Rename(oldname, newname string) error
	// Remove removes the named file. The change is durable only after
	// SyncDir of the parent directory.
	Remove(name string) error
	// MkdirAll creates a directory and any missing parents with mode perm.
	MkdirAll(dir string, perm fs.FileMode) error
	// ReadDir returns the names of the entries in dir, sorted.
	ReadDir(dir string) ([]string, error)
	// Stat describes the named file.
	Stat(name string) (fs.FileInfo, error)
	// SyncDir makes the directory's entries (creates, renames, removes)
	// durable.
	SyncDir(dir string) error
	// Lock takes an exclusive, non-blocking lock named by the file name,
	// creating the file if needed. It fails with an error matching
	// [ErrLocked] when the lock is held elsewhere. Closing the returned
	// io.Closer releases the lock.
	Lock(name string) (io.Closer, error)
}

// OSFiles is implemented by filesystems that can hand out the operating
// system's own files, for code that must open, map and lock a file itself:
// bbolt, under the index, does all three. [Default] implements it, and so
// do [ErrorFS] (when what it wraps does) and [SplitFS] (for the files it
// keeps on the operating system).
type OSFiles interface {
	// OpenOS opens the named file as os.OpenFile does.
	OpenOS(name string, flag int, perm fs.FileMode) (*os.File, error)
	// OnOS reports whether OpenOS works; a wrapper answers for what it
	// wraps.
	OnOS() bool
}

// ErrNotOS is returned by [OpenOS] for a filesystem whose files are not
// the operating system's.
var ErrNotOS = errors.New("vfs: not backed by the operating system")

// OnOS reports whether fsys can hand out operating-system files: the
// capability code that opens files itself (bbolt) needs to run on fsys.
func OnOS(fsys FS) bool {
	o, ok := fsys.(OSFiles)
	return ok && o.OnOS()
}

// OpenOS opens the named file of fsys as an operating-system file, or fails
// with an error matching [ErrNotOS].
func OpenOS(fsys FS, name string, flag int, perm fs.FileMode) (*os.File, error) {
	if !OnOS(fsys) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("%w (%T)", ErrNotOS, fsys)}
	}
	return fsys.(OSFiles).OpenOS(name, flag, perm)
}

// ReadFile reads the whole named file from fsys.
func ReadFile(fsys FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size, err := f.Size()
	if err != nil {
		return nil, err
	}
	buf := make([]byte, size)
	n, err := f.ReadAt(buf, 0)
	if err == io.EOF && int64(n) == size {
		err = nil
	}
	return buf[:n], err
}

// WriteFileAtomic replaces the named file with data so that after a crash
// either the old content or the new content is present, never a mix: it
// writes data to name+".tmp", syncs it, renames it over name and syncs the
// parent directory dir.
func WriteFileAtomic(fsys FS, dir, name string, data []byte, perm fs.FileMode) error {
	tmp := name + ".tmp"
	f, err := fsys.Create(tmp, perm)
	if err != nil {
		return err
	}
	if _, err := f.WriteAt(data, 0); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := fsys.Rename(tmp, name); err != nil {
		return err
	}
	return fsys.SyncDir(dir)
}

// SyncWriterAt is implemented by files that can write and make the written
// data durable in one call. On Linux the OS implementation uses
// pwritev2(2) with RWF_DSYNC: one system call instead of a write and an
// fdatasync, so the goroutine does not have to be scheduled again between
// the two. Callers find it by type assertion and otherwise call WriteAt
// then Sync, which has the same effect on disk.
type SyncWriterAt interface {
	WriteAtSync(p []byte, off int64) (int, error)
}
