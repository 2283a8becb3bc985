//go:build !unix

package main

import "errors"

// syscallEPIPE is the error of a write to a client that closed its end;
// none is told apart on this system.
var syscallEPIPE = errors.New("broken pipe")
