//go:build !linux

package vfs

import "os"

// datasync flushes f with fsync(2) where fdatasync is unavailable.
func datasync(f *os.File) error { return f.Sync() }
