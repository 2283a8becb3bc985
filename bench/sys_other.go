//go:build !linux

package main

import "os"

// fdatasync makes the data of f durable (fsync where there is no
// fdatasync).
func fdatasync(f *os.File) error { return f.Sync() }

// procStatusBytes is not available here: it returns -1.
func procStatusBytes(string) int64 { return -1 }

// procWriteBytes is not available here: it returns -1.
func procWriteBytes() int64 { return -1 }

// resetPeakRSS is not available here.
func resetPeakRSS() error { return nil }

// fsInfo is not available here.
func fsInfo(string) (typ string, inMemory bool, free, total uint64, err error) {
	return "unknown", false, 0, 0, nil
}

// cpuModel is not available here.
func cpuModel() string { return "unknown" }

// syncAll is a no-op here.
func syncAll() {}

// cpuTime is not available here.
func cpuTime() int64 { return -1 }

// loadAvg is not available here.
func loadAvg() float64 { return -1 }
