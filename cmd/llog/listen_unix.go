//go:build unix

package main

import "syscall"

// syscallEPIPE is the error of a write to a client that closed its end.
const syscallEPIPE = syscall.EPIPE
