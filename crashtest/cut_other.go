//go:build !linux

package main

// newCutFS needs Linux: loop devices, ext4 and FS_IOC_SHUTDOWN.
func newCutFS(c cutConfig) (cutFS, error) {
	return nil, skipf("needs Linux (loop devices, ext4, FS_IOC_SHUTDOWN)")
}
