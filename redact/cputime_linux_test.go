//go:build linux

package redact_test

import (
	"syscall"
	"time"
	"unsafe"
)

// threadCPUTime returns the CPU time the calling OS thread has used, for
// benchmarks and timing tests on shared machines where wall time also
// counts the time spent waiting for a CPU. It reads the thread's CPU clock
// (clock_gettime CLOCK_THREAD_CPUTIME_ID), which counts nanoseconds;
// getrusage counts in scheduler ticks (4 ms), too coarse for short runs.
// The caller locks its goroutine to the thread (runtime.LockOSThread).
func threadCPUTime() (time.Duration, bool) {
	const clockThreadCPUTime = 3 // CLOCK_THREAD_CPUTIME_ID
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}
