package main

import (
	"os"
	"syscall"
	"unsafe"
)

// fsIocShutdown is FS_IOC_SHUTDOWN, _IOR('X', 125, __u32), the same number
// on every Linux architecture.
const fsIocShutdown = 0x8004587d

// fsShutdownNoLogFlush is FSOP_GOING_FLAGS_NOLOGFLUSH: stop the filesystem
// without flushing its journal, as xfstests' shutdown tests do to simulate
// a power cut. Everything not yet committed to the journal is lost; every
// later operation on the filesystem fails with EIO.
const fsShutdownNoLogFlush = 2

// shutdownFS shuts down the filesystem that holds path (root only).
func shutdownFS(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	flags := uint32(fsShutdownNoLogFlush)
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), fsIocShutdown, uintptr(unsafe.Pointer(&flags))); errno != 0 {
		return &os.PathError{Op: "ioctl FS_IOC_SHUTDOWN", Path: path, Err: errno}
	}
	return nil
}
