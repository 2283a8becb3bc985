package vfs

import (
	"os"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"
)

// datasync flushes f's data and the metadata needed to read it back (its
// size) with fdatasync(2), which skips timestamps and is cheaper than fsync.
func datasync(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		for {
			serr = syscall.Fdatasync(int(fd))
			if serr != syscall.EINTR {
				return
			}
		}
	}); err != nil {
		return err
	}
	if serr != nil {
		return &os.PathError{Op: "fdatasync", Path: f.Name(), Err: serr}
	}
	return nil
}

// noPwritev2 is set once pwritev2 with RWF_DSYNC turned out to be
// unsupported (kernels before 4.7, some filesystems).
var noPwritev2 atomic.Bool

// WriteAtSync writes p at off and makes it durable, with pwritev2(2) and
// RWF_DSYNC where the kernel supports it.
func (f osFile) WriteAtSync(p []byte, off int64) (int, error) {
	if noPwritev2.Load() {
		return writeThenSync(f, p, off)
	}
	rc, err := f.File.SyscallConn()
	if err != nil {
		return 0, err
	}
	done := 0
	var werr error
	if err := rc.Write(func(fd uintptr) bool {
		for done < len(p) {
			n, err := unix.Pwritev2(int(fd), [][]byte{p[done:]}, off+int64(done), unix.RWF_DSYNC)
			if err == syscall.EINTR {
				continue
			}
			if err != nil {
				werr = err
				return true
			}
			done += n
		}
		return true
	}); err != nil {
		return done, err
	}
	if done == 0 && (werr == syscall.ENOSYS || werr == syscall.EOPNOTSUPP || werr == syscall.EINVAL) {
		noPwritev2.Store(true)
		return writeThenSync(f, p, off)
	}
	if werr != nil {
		return done, &os.PathError{Op: "pwritev2", Path: f.Name(), Err: werr}
	}
	return done, nil
}
