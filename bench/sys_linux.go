//go:build linux

package main

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// fdatasync makes the data of f durable.
func fdatasync(f *os.File) error { return syscall.Fdatasync(int(f.Fd())) }

// procStatusBytes returns a "kB" field of /proc/self/status (VmHWM, VmRSS)
// in bytes, or -1 when it cannot be read.
func procStatusBytes(key string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for line := range bytes.Lines(b) {
		k, v, ok := strings.Cut(string(line), ":")
		if !ok || k != key {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			return -1
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return -1
		}
		return n << 10
	}
	return -1
}

// procWriteBytes returns write_bytes of /proc/self/io: the bytes this
// process caused to be sent to the storage layer (counted per page as it
// is dirtied), or -1 when it cannot be read.
func procWriteBytes() int64 {
	f, err := os.Open("/proc/self/io")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "write_bytes: "); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				return -1
			}
			return n
		}
	}
	return -1
}

// resetPeakRSS sets VmHWM back to the current RSS.
func resetPeakRSS() error {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// Filesystem magic numbers from statfs(2).
const (
	magicTmpfs = 0x01021994
	magicRamfs = 0x858458f6
)

var fsNames = map[int64]string{
	0xEF53:     "ext2/3/4",
	0x58465342: "xfs",
	0x9123683E: "btrfs",
	0x794c7630: "overlayfs",
	0x2FC12FC1: "zfs",
	0x65735546: "fuse",
	0xF2F52010: "f2fs",
	0x6969:     "nfs",
	0x4d44:     "vfat",
	0x2011BAB0: "exfat",
	0x24051905: "ubifs",
	0x01021997: "v9fs",
	magicTmpfs: "tmpfs",
	magicRamfs: "ramfs",
}

// fsInfo describes the filesystem holding dir: its type, whether writes
// there never reach a device (tmpfs, ramfs), and its free and total bytes.
func fsInfo(dir string) (typ string, inMemory bool, free, total uint64, err error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return "", false, 0, 0, err
	}
	magic := int64(st.Type)
	typ, ok := fsNames[magic]
	if !ok {
		typ = "0x" + strconv.FormatInt(magic, 16)
	}
	bs := uint64(st.Bsize)
	return typ, magic == magicTmpfs || magic == magicRamfs, st.Bavail * bs, st.Blocks * bs, nil
}

// cpuModel returns the processor's model name, or "unknown".
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	for line := range bytes.Lines(b) {
		k, v, ok := strings.Cut(string(line), ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// syncAll asks the kernel to write back everything dirty, so that one run
// does not pay for the previous one's leftovers.
func syncAll() { syscall.Sync() }

// cpuTime returns the user plus system CPU time this process has used, in
// nanoseconds, or -1.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// loadAvg returns the 1-minute load average, or -1.
func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return -1
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return -1
	}
	return v
}
