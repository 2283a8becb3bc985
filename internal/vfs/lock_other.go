//go:build !unix

package vfs

import (
	"errors"
	"os"
)

// lockFile is unsupported off Unix: llog targets Linux (and builds on other
// Unix systems for development).
func lockFile(f *os.File) error {
	return errors.New("vfs: file locking is not supported on this platform")
}
