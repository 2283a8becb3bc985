package main

import (
	"fmt"
	"io"
	"time"
)

// progress shows how far a long command got on one line of a terminal,
// rewritten in place at most once per interval.
type progress struct {
	w     io.Writer
	every time.Duration
	last  time.Time
	shown bool
}

// due reports whether it is time to show progress again, and if so
// starts a new interval.
func (p *progress) due() bool {
	now := time.Now()
	if now.Sub(p.last) < p.every {
		return false
	}
	p.last = now
	return true
}

// show replaces the progress line with "llog: " and s.
func (p *progress) show(s string) {
	fmt.Fprintf(p.w, "\r\x1b[Kllog: %s", s)
	p.shown = true
}

// clear erases the progress line, if one was shown.
func (p *progress) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}
