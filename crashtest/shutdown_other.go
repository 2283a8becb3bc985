//go:build !linux

package main

import "errors"

// shutdownFS is Linux only.
func shutdownFS(path string) error {
	return errors.New("shutting a filesystem down needs Linux (FS_IOC_SHUTDOWN)")
}
