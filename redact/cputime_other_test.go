//go:build !linux

package redact_test

import "time"

// threadCPUTime is not available on this platform.
func threadCPUTime() (time.Duration, bool) { return 0, false }
