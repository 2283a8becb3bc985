//go:build linux

package redact_test

import (
	"syscall"
	"time"
)

// threadCPUTime returns the CPU time the calling OS thread has used
// (getrusage RUSAGE_THREAD), for benchmarks on shared machines where wall
// time also counts the time spent waiting for a CPU.
func threadCPUTime() (time.Duration, bool) {
	const rusageThread = 1 // RUSAGE_THREAD
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
