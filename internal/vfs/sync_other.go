//go:build !linux

package vfs

import "os"

// datasync flushes f with fsync(2) where fdatasync is unavailable.
func datasync(f *os.File) error { return f.Sync() }

// WriteAtSync writes p at off, then syncs.
func (f osFile) WriteAtSync(p []byte, off int64) (int, error) { return writeThenSync(f, p, off) }
